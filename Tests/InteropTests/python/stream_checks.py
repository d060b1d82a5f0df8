"""Stream checks run by a stock zerorpc 0.6.3 client against a (Swift) server.

Usage: stream_checks.py ENDPOINT [--heartbeat S]

The server must provide: countdown(n) -> n..1 (a stream); fail_after(n) -> 1..n then
an error named ValueError; squares(n) -> 0, 1, 4, ... (a two-way generator, which a
stock client can only iterate); forever() -> 0, 1, 2, ... (never ends). Prints one
JSON line per check, ``{"check": name, "ok": bool, "detail": ...}``; exits 1 if any
check failed.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import gevent  # noqa: E402
import zerorpc  # noqa: E402

CHECKS = []


def check(body):
    CHECKS.append(body)
    return body


class CheckFailed(Exception):
    pass


def expect(condition, detail):
    if not condition:
        raise CheckFailed(detail)


@check
def countdown_0(c):
    got = list(c.countdown(0))
    expect(got == [], "countdown(0) = %r" % got)
    return "0 items"


@check
def countdown_5(c):
    got = list(c.countdown(5))
    expect(got == [5, 4, 3, 2, 1], "countdown(5) = %r" % got)
    return "5 items"


@check
def countdown_250(c):
    got = list(c.countdown(250))
    expect(got == list(range(250, 0, -1)), "countdown(250) = %r..." % got[:5])
    return "250 items"


@check
def slow_consumer_gets_everything(c):
    # 300 items read slowly: a server that ignored the credit would overflow the
    # client's 100-slot queue and the stream would die with LostRemote.
    got = []
    for item in c.countdown(300):
        got.append(item)
        if len(got) % 10 == 0:
            gevent.sleep(0.01)
    expect(got == list(range(300, 0, -1)), "got %d items" % len(got))
    return "300 items, slowly"


@check
def error_mid_stream(c):
    got = []
    try:
        for item in c.fail_after(3):
            got.append(item)
    except zerorpc.RemoteError as error:
        expect(got == [1, 2, 3], "items before the error: %r" % got)
        expect(error.name == "ValueError", "error name %r" % error.name)
        expect("failed after 3" in error.msg, "error message %r" % error.msg)
        return "3 items, then %s" % error.name
    raise CheckFailed("no error after %r" % got)


@check
def generator_iterates_as_a_stream(c):
    got = list(c.squares(6))
    expect(got == [0, 1, 4, 9, 16, 25], "squares(6) = %r" % got)
    return "6 items"


@check
def abandoned_stream_leaves_the_client_working(c):
    stream = c.forever()
    first = [next(stream) for _ in range(5)]
    expect(first == [0, 1, 2, 3, 4], "forever() began %r" % first)
    # Let the items already granted land first: zerorpc-python's socket-wide dispatcher
    # can wedge when events for a channel arrive while that channel is being closed
    # (a client-side race, seen against a server that sends its whole credit at once).
    gevent.sleep(0.5)
    del stream
    got = list(c.countdown(3))
    expect(got == [3, 2, 1], "countdown(3) after abandoning = %r" % got)
    return "abandoned after 5"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--heartbeat", type=float, default=5.0)
    args = parser.parse_args()
    client = zerorpc.Client(args.endpoint, timeout=10, heartbeat=args.heartbeat)
    all_ok = True
    for body in CHECKS:
        started = time.monotonic()
        try:
            with gevent.Timeout(30, CheckFailed("no answer within 30s")):
                detail = body(client)
            ok = True
        except CheckFailed as failure:
            ok, detail = False, str(failure)
        except Exception as error:
            ok, detail = False, "%s: %s" % (type(error).__name__, error)
        print(json.dumps({"check": body.__name__, "ok": ok, "detail": detail,
                          "seconds": round(time.monotonic() - started, 3)}), flush=True)
        all_ok = all_ok and ok
    client.close()
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()

"""Stock zerorpc 0.6.3 one-way roles (Publisher, Subscriber, Pusher, Puller) for the
Swift event interop tests.

Usage: events_peer.py ROLE ENDPOINT [--bind] [--name NAME]

ROLE is pub, sub, push or pull. The socket connects to ENDPOINT, or binds it with
--bind; then ``READY <endpoint>`` is printed (the real port for tcp://127.0.0.1:*).

Receiving roles (sub, pull) serve ``record(*args)`` and ``probe(*args)``; each event
prints one JSON line ``{"peer": NAME, "event": "record", "args": [...]}``. They also
serve ``fail(message)``, which raises ValueError (zerorpc logs it and goes on).

Sending roles (pub, push) read commands from stdin, one per line:
  probe          send probe()
  records N      send record(i, "item-i") for i in 0..N-1, then print "SENT N"
  bad            send events a typed Swift receiver must drop or fail: nosuch(),
                 record("not an int", 1), fail("boom"); then print "SENT bad"
Every role exits on stdin EOF or SIGTERM.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import gevent  # noqa: E402
import gevent.fileobject  # noqa: E402
import zerorpc  # noqa: E402
import peer_process  # noqa: E402


class Recorder(object):
    def __init__(self, name):
        self._name = name

    def _print(self, event, args):
        print(json.dumps({"peer": self._name, "event": event, "args": list(args)}), flush=True)

    def record(self, *args):
        self._print("record", args)

    def probe(self, *args):
        self._print("probe", args)

    def fail(self, message):
        raise ValueError(message)


def serve_commands(sender):
    stdin = gevent.fileobject.FileObjectPosix(sys.stdin.fileno(), "rb")
    for raw in stdin:
        words = raw.decode().split()
        if not words:
            continue
        if words[0] == "probe":
            sender.probe()
        elif words[0] == "records":
            count = int(words[1])
            for i in range(count):
                sender.record(i, "item-%d" % i)
            print("SENT %d" % count, flush=True)
        elif words[0] == "bad":
            sender.nosuch()
            sender.record("not an int", 1)
            sender.fail("boom")
            print("SENT bad", flush=True)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["pub", "sub", "push", "pull"])
    parser.add_argument("endpoint")
    parser.add_argument("--bind", action="store_true")
    parser.add_argument("--name", default="python")
    args = parser.parse_args()
    peer_process.restore_default_signals()

    roles = {
        "pub": zerorpc.Publisher,
        "push": zerorpc.Pusher,
        "sub": lambda: zerorpc.Subscriber(Recorder(args.name)),
        "pull": lambda: zerorpc.Puller(Recorder(args.name)),
    }
    peer = roles[args.role]()
    if args.bind:
        peer.bind(args.endpoint)
        endpoint = peer_process.bound_endpoint(peer)
    else:
        peer.connect(args.endpoint)
        endpoint = args.endpoint
    # Senders read their commands from stdin (and exit at its EOF themselves).
    sends = args.role in ("pub", "push")
    peer_process.announce(endpoint, watch_stdin=not sends)
    if sends:
        serve_commands(peer)
    else:
        peer.run()


if __name__ == "__main__":
    main()

"""Interop checks run by a stock zerorpc 0.6.3 client against a server.

Usage: client_checks.py ENDPOINT [--heartbeat S] [--name NAME] [--stream] [--strict-args] [--raw]

The server must provide the method set of ``server.py``: add, echo, fail, slow, notify,
notified (and countdown, checked with --stream). Prints one JSON line per check,
``{"check": name, "ok": bool, "detail": ...}``, and exits 1 if any check failed.

--heartbeat must equal the server's heartbeat period: each end judges the other
against its own period. The slow call lasts 4 periods, longer than the ~3 periods
after which a peer that sends no heartbeats is declared lost, so it passes only if the
server really heartbeats.
--raw adds checks made with a bare pyzmq DEALER (str and int message ids, a request
without the empty delimiter frame, malformed messages, an orphan heartbeat): what a
stock client never sends but other zerorpc peers (zerorpc-node) and broken ones do.
--strict-args requires ``_zerorpc_args``/``_zerorpc_inspect`` to name add's
parameters ``a, b`` (a server registered without parameter names may report none).
"""

import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import gevent  # noqa: E402
import msgpack  # noqa: E402
import peer_process  # noqa: E402
import zerorpc  # noqa: E402
import zmq  # noqa: E402  (plain, blocking pyzmq for the raw checks; zerorpc uses zmq.green)

ADD_DOC = "Add two numbers and return the sum."
REQUIRED_METHODS = {"add", "echo", "fail", "slow", "notify", "notified"}


def echo_cases():
    """(check name, value) pairs covering every msgpack type and its edge values."""
    ext = msgpack.ExtType
    ts = msgpack.Timestamp
    nested = {
        "list": [1, -1, 2.5, "s", b"b", None, True, [], {}],
        "map": {"inner": {"deeper": [{"k": [1, 2, 3]}]}},
        "bin_key_value": [b"\x00\xff", ext(3, b"x"), ts(1, 2)],
    }
    return [
        ("nil", None),
        ("true", True),
        ("false", False),
        ("int_zero", 0),
        ("int_pos_fixint_max", 127),
        ("int_neg_fixint_min", -32),
        ("uint8_max", 255),
        ("uint16_max", 65535),
        ("uint32_max", 2**32 - 1),
        ("int64_max", 2**63 - 1),
        ("uint64_max", 2**64 - 1),
        ("int8_min", -128),
        ("int16_min", -(2**15)),
        ("int32_min", -(2**31)),
        ("int64_min", -(2**63)),
        ("float64", 1.5),
        ("float64_tiny", 5e-324),
        ("float64_neg_zero", -0.0),
        ("float64_inf", math.inf),
        ("float64_neg_inf", -math.inf),
        ("float64_nan", math.nan),
        ("str_empty", ""),
        ("str_utf8", "h\u00e9llo \u2713 \U0001f680"),
        ("str_70k", "z" * 70_000),
        ("bin_empty", b""),
        ("bin_all_bytes", bytes(range(256))),
        ("bin_70k", b"\x01" * 70_000),
        # Large bins with varied bytes, alone and two in one array (read in place and
        # written by reference on the Swift side).
        ("bin_300k_varied", bytes(i % 251 for i in range(300_000))),
        ("bins_two_large", [bytes(i % 251 for i in range(40_000)), "between",
                            bytes((i + 250_000) % 251 for i in range(50_000))]),
        ("array_empty", []),
        ("array_70k", list(range(70_000))),
        ("map_empty", {}),
        ("map_20", {"k%02d" % i: i for i in range(20)}),
        ("nested", nested),
        ("ext_fixext1", ext(1, b"\x01")),
        ("ext_fixext16", ext(16, bytes(range(16)))),
        ("ext_empty", ext(7, b"")),
        ("ext_odd_size", ext(127, b"abc")),
        ("ext_fixext2", ext(0, b"\x00\x01")),
        ("timestamp32", ts(1_700_000_000, 0)),
        ("timestamp64", ts(1_700_000_000, 123_456_789)),
        ("timestamp96", ts(-1, 999_999_999)),
    ]


def same(a, b):
    """Equality that also compares types (True != 1, b"" != "") and float signs/NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    return a == b


def short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "... (%d chars)" % len(text)


class CheckFailed(Exception):
    pass


def expect(condition, detail):
    if not condition:
        raise CheckFailed(detail)


def remote_error(call):
    """Runs call, which must raise RemoteError; returns it."""
    try:
        value = call()
    except zerorpc.RemoteError as error:
        return error
    raise CheckFailed("expected RemoteError, got result %s" % short(value))


def arg_names(names, strict):
    """Checks a list of parameter names reported for add(a, b)."""
    expect(isinstance(names, list) and all(isinstance(n, str) for n in names),
           "parameter names not a list of str: %s" % short(names))
    if names and names[0] == "self":
        names = names[1:]
    if strict or names:
        expect(names == ["a", "b"], "add's parameters reported as %s" % short(names))


class Checks(object):
    def __init__(self, client, opts):
        self.client = client
        self.opts = opts
        self.results = []

    def run(self, name, body, timeout=30.0):
        started = time.monotonic()
        try:
            with gevent.Timeout(timeout, CheckFailed("no answer within %.1fs" % timeout)):
                detail = body()
            ok = True
        except CheckFailed as failure:
            ok, detail = False, str(failure)
        except Exception as error:  # any other exception is a failed check, not a crash
            ok, detail = False, "%s: %s" % (type(error).__name__, short(error, 500))
        line = {"check": name, "ok": ok, "detail": detail,
                "seconds": round(time.monotonic() - started, 3)}
        print(json.dumps(line), flush=True)
        self.results.append(ok)

    def all(self):
        c = self.client
        o = self.opts

        def add():
            for a, b in [(1, 2), (-5, 3), (2**40, 2**40)]:
                got = c.add(a, b)
                expect(same(got, a + b), "add(%d, %d) = %s" % (a, b, short(got)))
            return "3 sums"
        self.run("add", add)

        for case, value in echo_cases():
            def echo(value=value):
                got = c.echo(value)
                expect(same(got, value), "sent %s, got %s" % (short(value), short(got)))
                return short(value, 60)
            self.run("echo_" + case, echo)

        def error():
            e = remote_error(lambda: c.fail("boom"))
            expect(e.name == "ValueError", "name %r" % e.name)
            expect(e.msg == "boom", "message %r" % e.msg)
            expect(e.traceback is None or isinstance(e.traceback, str),
                   "traceback %s" % short(e.traceback))
            return "%s: %s" % (e.name, e.msg)
        self.run("error", error)

        def declared_error_message():
            # Issue 17, defect 2: the message field as is, not Swift's debug text.
            e = remote_error(lambda: c.fail_declared("boom"))
            expect(e.name == "PlainError", "name %r" % e.name)
            expect(e.msg == "boom", "message %r" % e.msg)
            e = remote_error(lambda: c.fail_fields(3))
            expect(e.name == "QuotaError", "name %r" % e.name)
            expect(e.msg == "code=3, reason=full", "message %r" % e.msg)
            return "%s: %s" % (e.name, e.msg)
        self.run("declared_error_message", declared_error_message)

        def error_arity():
            e = remote_error(lambda: c.add(1))
            expect(e.name == "TypeError", "name %r, message %r" % (e.name, e.msg))
            return "%s: %s" % (e.name, e.msg)
        self.run("error_arity", error_arity)

        def unknown_method():
            e = remote_error(lambda: c("no_such_method", 1))
            expect(e.name == "NameError", "name %r" % e.name)
            expect(e.msg == "no_such_method", "message %r" % e.msg)
            return "%s: %s" % (e.name, e.msg)
        self.run("unknown_method", unknown_method)

        def concurrent():
            pending = [c.add(i, i, **{"async": True}) for i in range(50)]
            got = [p.get() for p in pending]
            expect(got == [2 * i for i in range(50)], "results %s" % short(got))
            return "50 calls in flight"
        self.run("concurrent_calls", concurrent)

        duration = 4 * o.heartbeat

        def slow():
            started = time.monotonic()
            got = c.slow(duration)
            elapsed = time.monotonic() - started
            expect(same(got, duration), "slow(%s) = %s" % (duration, short(got)))
            expect(elapsed >= duration, "answered after %.2fs" % elapsed)
            return "%.2fs with heartbeat %.2fs" % (elapsed, o.heartbeat)
        self.run("slow_past_heartbeats", slow, timeout=duration + 10)

        def abandoned():
            # The client gives up (timeout) and stops heartbeating that channel; the
            # server must notice within ~3 periods and cancel the handler (slow records
            # that in notified()).
            seconds = 6.25 * o.heartbeat
            marker = "cancelled slow %s" % seconds
            started = time.monotonic()
            try:
                got = c.slow(seconds, timeout=o.heartbeat / 2)
                raise CheckFailed("slow(%s) returned %s before the timeout" % (seconds, short(got)))
            except zerorpc.TimeoutExpired:
                pass
            while time.monotonic() - started < 5 * o.heartbeat:
                if marker in c.notified():
                    return "handler cancelled %.1fs after the call" % (time.monotonic() - started)
                gevent.sleep(0.1)
            raise CheckFailed("handler of the abandoned call still running after %.1fs" % (5 * o.heartbeat))
        self.run("abandoned_call_cancelled", abandoned, timeout=6 * o.heartbeat + 5)

        def oneway():
            token = "oneway-%d-%d" % (os.getpid(), int(time.time() * 1000))
            c.notify(token, **{"async": True})  # fire and forget: the reply is not awaited
            for attempt in range(50):
                seen = c.notified()
                if token in seen:
                    return "seen after %d polls" % (attempt + 1)
                gevent.sleep(0.1)
            raise CheckFailed("notify(%r) never recorded; notified() = %s" % (token, short(seen)))
        self.run("oneway_notify", oneway)

        def ping():
            got = c._zerorpc_ping()
            expect(got == ["pong", o.name], "ping = %s" % short(got))
            return got
        self.run("introspect_ping", ping)

        def name():
            got = c._zerorpc_name()
            expect(got == o.name, "name = %s" % short(got))
            return got
        self.run("introspect_name", name)

        def listing():
            got = c._zerorpc_list()
            expect(isinstance(got, list), "list = %s" % short(got))
            expect(REQUIRED_METHODS <= set(got), "missing %s" % sorted(REQUIRED_METHODS - set(got)))
            expect(not [m for m in got if m.startswith("_")], "lists built-ins: %s" % got)
            return sorted(got)
        self.run("introspect_list", listing)

        def help_doc():
            got = c._zerorpc_help("add")
            expect(got == ADD_DOC, "help(add) = %s" % short(got))
            return got
        self.run("introspect_help", help_doc)

        def help_none():
            got = c._zerorpc_help("echo")
            expect(got is None, "help(echo) = %s" % short(got))
            return got
        self.run("introspect_help_undocumented", help_none)

        def args():
            got = c._zerorpc_args("add")
            if got is not None or o.strict_args:
                expect(isinstance(got, list) and len(got) == 4, "args(add) = %s" % short(got))
                arg_names(got[0], o.strict_args)
            return got
        self.run("introspect_args", args)

        def inspect_all():
            got = c._zerorpc_inspect()
            expect(isinstance(got, dict), "inspect = %s" % short(got))
            expect(got.get("name") == o.name, "name = %s" % short(got.get("name")))
            methods = got.get("methods")
            expect(isinstance(methods, dict), "methods = %s" % short(methods))
            expect(REQUIRED_METHODS <= set(methods), "missing %s" % sorted(REQUIRED_METHODS - set(methods)))
            add_info = methods["add"]
            expect(add_info.get("doc") == ADD_DOC, "add doc = %s" % short(add_info.get("doc")))
            spec = add_info.get("args")
            if spec is not None or o.strict_args:
                expect(isinstance(spec, list) and all(isinstance(p, dict) for p in spec),
                       "add args = %s" % short(spec))
                arg_names([p.get("name") for p in spec], o.strict_args)
            return {"name": got["name"], "methods": sorted(methods)}
        self.run("introspect_inspect", inspect_all)

        if o.stream:
            def stream(n):
                def body():
                    got = list(c.countdown(n))
                    expect(got == list(range(n, 0, -1)), "countdown(%d) = %s" % (n, short(got)))
                    return "%d items" % n
                return body
            self.run("stream_countdown_0", stream(0))
            self.run("stream_countdown_5", stream(5))
            self.run("stream_countdown_250", stream(250))

        if o.raw:
            raw_checks(self, o.endpoint)

        return all(self.results)


class RawPeer(object):
    """A bare DEALER speaking zerorpc by hand; every wait is bounded by a poll timeout."""

    def __init__(self, endpoint):
        self.context = zmq.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)

    def close(self):
        self.socket.close()
        self.context.term()

    def send(self, payload, delimiter=True):
        self.socket.send_multipart(([b""] if delimiter else []) + [payload])

    def send_event(self, header, name, args, delimiter=True):
        self.send(msgpack.packb([header, name, args], use_bin_type=True), delimiter)

    def next_event(self, seconds):
        """The next decoded event (frames, header, name, args), or None after `seconds`."""
        if not self.socket.poll(max(0, int(seconds * 1000))):
            return None
        frames = self.socket.recv_multipart()
        header, name, args = msgpack.unpackb(frames[-1], raw=False)
        return frames, header, name, args

    def replies(self, seconds):
        """Every event arriving within `seconds`."""
        got = []
        deadline = time.monotonic() + seconds
        while True:
            event = self.next_event(deadline - time.monotonic())
            if event is None:
                return got
            got.append(event)

    def reply_to(self, message_id, seconds=20.0):
        """The first non-heartbeat event answering message_id, or CheckFailed.

        Answers each `_zpc_hb` of that channel as it arrives, as a stock client's
        heartbeat loop does: the server drops a call whose client stays silent for two
        periods, and a long poll (`_zpc_result` with a wait) on a loaded machine may well
        outlive them. Unanswered, such a call ends with no reply at all.
        """
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            event = self.next_event(deadline - time.monotonic())
            if event is None:
                break
            frames, header, name, args = event
            if not same(header.get("response_to"), message_id):
                continue
            if name == "_zpc_hb":
                self.send_event({"message_id": os.urandom(16).hex().encode(), "v": 3,
                                 "response_to": message_id}, "_zpc_hb", [0])
            elif name != "_zpc_more":
                return event
        raise CheckFailed("no reply to message_id %s within %.1fs" % (short(message_id), seconds))


def raw_checks(checks, endpoint):
    peer = RawPeer(endpoint)
    counter = [0]

    def new_id():
        counter[0] += 1
        return b"%08x" % counter[0] + b"raw0checks0raw0checks000"

    def call(message_id, name="add", args=(1, 2), delimiter=True):
        peer.send_event({"message_id": message_id, "v": 3}, name, list(args), delimiter)
        return peer.reply_to(message_id)

    try:
        def bin_id():
            message_id = new_id()
            frames, header, name, args = call(message_id)
            expect(len(frames) == 2 and frames[0] == b"", "reply frames %s" % short(frames))
            expect((name, args) == ("OK", [3]), "reply %s %s" % (name, short(args)))
            expect(header.get("v") == 3, "reply header v = %s" % short(header.get("v")))
            # A request without "ext" must get a stock reply: no extension keys leak.
            expect(set(header) == {"message_id", "v", "response_to"},
                   "reply header keys %s" % sorted(header))
            reply_id = header.get("message_id")
            expect(reply_id is not None and not same(reply_id, message_id),
                   "reply message_id %s" % short(reply_id))
            return "reply header %s" % short(header)
        checks.run("raw_bin_message_id", bin_id)

        def str_id():
            message_id = "0123456789ab0123456789ab00000001"  # zerorpc-node style: a str
            frames, header, name, args = call(message_id)
            expect(same(header.get("response_to"), message_id),
                   "response_to %s is not the str sent" % short(header.get("response_to")))
            expect((name, args) == ("OK", [3]), "reply %s %s" % (name, short(args)))
            return "response_to echoed as str"
        checks.run("raw_str_message_id", str_id)

        def int_id():
            frames, header, name, args = call(7)
            expect(same(header.get("response_to"), 7), "response_to %s" % short(header.get("response_to")))
            expect((name, args) == ("OK", [3]), "reply %s %s" % (name, short(args)))
            return "response_to 7"
        checks.run("raw_int_message_id", int_id)

        def no_delimiter():
            frames, header, name, args = call(new_id(), delimiter=False)
            expect((name, args) == ("OK", [3]), "reply %s %s" % (name, short(args)))
            expect(len(frames) == 2 and frames[0] == b"", "reply frames %s" % short(frames))
            return "answered with the delimiter restored"
        checks.run("raw_request_without_delimiter", no_delimiter)

        def orphan_heartbeat():
            orphan = new_id()
            peer.send_event({"message_id": new_id(), "v": 3, "response_to": orphan}, "_zpc_hb", [0])
            peer.send_event({"message_id": new_id(), "v": 3, "response_to": orphan}, "_zpc_more", [10])
            late = [e for e in peer.replies(0.5) if same(e[1].get("response_to"), orphan)]
            expect(not late, "answered an event for an unknown channel: %s" % short(late))
            frames, header, name, args = call(new_id())
            expect((name, args) == ("OK", [3]), "then add replied %s %s" % (name, short(args)))
            return "ignored"
        checks.run("raw_orphan_heartbeat_ignored", orphan_heartbeat)

        def malformed():
            garbage = [
                b"\xc1 not msgpack",
                msgpack.packb([{"message_id": new_id(), "v": 3}, "add", [1, 2], "extra"], use_bin_type=True),
                msgpack.packb(["not a map", "add", [1, 2]], use_bin_type=True),
                msgpack.packb([{"v": 3}, "add", [1, 2]], use_bin_type=True),
                msgpack.packb([{1: 2, "message_id": new_id(), "v": 3}, "add", [1, 2]], use_bin_type=True),
                b"",
            ]
            for payload in garbage:
                peer.send(payload)
            frames, header, name, args = call(new_id())
            expect((name, args) == ("OK", [3]), "after malformed input add replied %s %s" % (name, short(args)))
            return "%d malformed messages, server still answers" % len(garbage)
        checks.run("raw_malformed_input_survived", malformed)
    finally:
        peer.close()


def run_stock_checks(body):
    """The start of a check script taking ``ENDPOINT [--heartbeat S]``: parses them, lets
    the harness stop the script, runs ``body(client, checks)`` with a stock
    ``zerorpc.Client`` connected to ENDPOINT, closes the client and returns ``checks``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--heartbeat", type=float, default=5.0)
    opts = parser.parse_args()
    peer_process.restore_default_signals()
    client = zerorpc.Client(opts.endpoint, timeout=30, heartbeat=opts.heartbeat)
    checks = Checks(client, opts)
    try:
        body(client, checks)
    finally:
        client.close()
    return checks


def finish(checks):
    """The end of a check script: exits 1 if any check failed, else 0."""
    sys.exit(0 if all(checks.results) else 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--heartbeat", type=float, default=5.0)
    parser.add_argument("--name", default="interop")
    parser.add_argument("--stream", action="store_true", help="also check countdown streams")
    parser.add_argument("--strict-args", action="store_true")
    parser.add_argument("--raw", action="store_true", help="also run the bare-DEALER checks")
    opts = parser.parse_args()

    peer_process.restore_default_signals()

    client = zerorpc.Client(opts.endpoint, timeout=30, heartbeat=opts.heartbeat)
    try:
        ok = Checks(client, opts).all()
    finally:
        client.close()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""A hostile-input run against a zerorpc-swift server in a child process (issue 17).

Usage: make hostile, or .venv/bin/python Tests/Hostile/hostile_run.py [--server PATH] [--rounds N] [--json]

Starts ``zerorpc-ops-test-server`` (built by ``swift build --build-tests``; default
``.build/debug/zerorpc-ops-test-server``), sends it every hostile case below from bare
DEALER sockets (pyzmq) and raw TCP, and reports:

- how many cases whose ``message_id`` is readable got an ``ERR`` back (and which did
  not), and how many cases are unanswerable by design (no readable id, or events for no
  open channel, which are dropped);
- the server's VmRSS (``/proc/PID/status``) at baseline, after the run, and after the
  abandoned streams and dead peers are reaped;
- with ``--probe-allocator`` (needs gdb), how much of what is left after reaping is free
  memory the allocator kept: gdb calls ``malloc_trim(0)`` in the server and the RSS is
  read again (the server trims by itself after reaping dead peers; whatever this still
  gives back was freed later, or by nothing the server knows of).

Not a test: it measures, for docs/SECURITY.md ("Hostile input"). The tests that assert
the same behaviour are HostileInputTests, ExtensionValueTests and StrictPeerInputTests.
"""

import argparse
import json
import os
import socket
import struct
import subprocess
import sys
import time

import msgpack
import zmq

HEARTBEAT = 0.5
TRIM_INTERVAL = 5.0


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


class Peer(object):
    """A DEALER speaking zerorpc by hand."""

    counter = 0

    def __init__(self, context, endpoint):
        self.socket = context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)

    @classmethod
    def fresh_id(cls):
        cls.counter += 1
        return b"hostile-%026d" % cls.counter

    def send_raw(self, payload):
        self.socket.send_multipart([b"", payload])

    def send(self, name, args, header=None, message_id=None, raw_args=None):
        message_id = message_id or self.fresh_id()
        fields = {"message_id": message_id, "v": 3}
        fields.update(header or {})
        packed_args = raw_args if raw_args is not None else msgpack.packb(args, use_bin_type=True)
        payload = b"\x93" + msgpack.packb(fields, use_bin_type=True) + msgpack.packb(name) + packed_args
        self.send_raw(payload)
        return message_id

    def reply_to(self, message_id, timeout=1.0):
        """The first non-heartbeat event answering message_id, or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.socket.poll(int(left * 1000)):
                return None
            frames = self.socket.recv_multipart()
            try:
                header, name, args = msgpack.unpackb(frames[-1], raw=False, strict_map_key=False)
            except Exception:
                continue
            if name == "_zpc_hb":
                if header.get("response_to") == message_id:
                    self.send("_zpc_hb", [None], header={"response_to": message_id})
                continue
            if header.get("response_to") == message_id:
                return name, args

    def close(self):
        self.socket.close(0)


class Run(object):
    def __init__(self, context, endpoint):
        self.context = context
        self.endpoint = endpoint
        self.answerable = []  # (case, reply name or None)
        self.unanswerable = []  # cases with no readable id or no open channel
        self.polls = []  # well-formed floods: each poll answered, none an error
        self.peer = Peer(context, endpoint)

    def expect_reply(self, case, name, args, header=None, raw_args=None):
        message_id = self.peer.send(name, args, header=header, raw_args=raw_args)
        reply = self.peer.reply_to(message_id, timeout=2.0)
        self.answerable.append((case, reply[0] if reply else None, reply[1] if reply else None))

    def expect_reply_raw(self, case, payload, message_id):
        self.peer.send_raw(payload)
        reply = self.peer.reply_to(message_id, timeout=2.0)
        self.answerable.append((case, reply[0] if reply else None, reply[1] if reply else None))

    def expect_nothing(self, case, payload):
        self.peer.send_raw(payload)
        self.unanswerable.append(case)

    def stream_then(self, case, event_name, event_args):
        """Opens ops.count(1000) and sends one event on its channel; the reply after the
        first item should be an ERR."""
        peer = Peer(self.context, self.endpoint)
        channel = peer.send("ops.count", [1000, 0])
        first = peer.reply_to(channel)
        peer.send(event_name, event_args, header={"response_to": channel})
        reply = None
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            got = peer.reply_to(channel, timeout=deadline - time.monotonic())
            if got is None or got[0] != "STREAM":
                reply = got
                break
        self.answerable.append((case, reply[0] if reply else None, reply[1] if reply else None))
        if first is None:
            self.answerable[-1] = (case, None, "no first item")
        peer.close()

    def all_cases(self):
        nan, inf = float("nan"), float("inf")
        # Payloads without a readable message_id: a log line, no reply possible.
        for case, payload in [
            ("not msgpack", b"\xc1\xff\x00"),
            ("empty payload", b""),
            ("not an array", msgpack.packb({"a": 1})),
            ("two elements", msgpack.packb([{"message_id": b"x" * 16, "v": 3}, "ops.add"])),
            ("header not a map", msgpack.packb([[1, 2], "ops.add", [1, 2]])),
            ("no message_id", msgpack.packb([{"v": 3}, "ops.add", [1, 2]])),
            ("header truncated", b"\x93\x82\xaamessage_id"),
        ]:
            self.expect_nothing(case, payload)
        # Requests whose id is readable.
        message_id = Peer.fresh_id()
        header = msgpack.packb({"message_id": message_id, "v": 3})
        self.expect_reply_raw("name not a str", b"\x93" + header + msgpack.packb(b"ops.add", use_bin_type=True)
                              + msgpack.packb([1, 2]), message_id)
        message_id = Peer.fresh_id()
        header = msgpack.packb({"message_id": message_id, "v": 3})
        self.expect_reply_raw("args truncated", b"\x93" + header + msgpack.packb("ops.add") + b"\x92\x01",
                              message_id)
        message_id = Peer.fresh_id()
        header = msgpack.packb({"message_id": message_id, "v": 3})
        self.expect_reply_raw("array claims 4 billion", b"\x93" + header + msgpack.packb("ops.add")
                              + b"\xdd\xff\xff\xff\xff", message_id)
        message_id = Peer.fresh_id()
        header = msgpack.packb({"message_id": message_id, "v": 3})
        self.expect_reply_raw("trailing bytes", b"\x93" + header + msgpack.packb("ops.add")
                              + msgpack.packb([1, 2]) + b"\x00", message_id)
        self.expect_reply("args not an array", "ops.add", {"a": 1})
        self.expect_reply("unknown method", "no.such.method", [])
        self.expect_reply("wrong type", "ops.add", ["one", 2])
        self.expect_reply("too many arguments", "ops.add", [1, 2, 3])
        self.expect_reply("missing argument", "ops.greet", [])
        self.expect_reply("one-way wrong type", "ops.note", [42])
        self.expect_reply("one-way wrong arity", "ops.note", ["a", "b"])
        self.expect_reply("struct field wrong type", "ops.echo_greeting", [{"text": 5}])
        self.expect_reply("int overflow", "ops.add", [2 ** 64 - 1, 1])
        self.expect_reply("NaN where an int is expected", "ops.sleep", [nan])
        for value in [nan, inf, -1, "soon", None, [1]]:
            self.expect_reply("deferred budget %r" % (value,), "ops.add", [1, 2], header={"deferred": value})
        self.expect_reply("idempotency key 1 MiB", "ops.add", [1, 2],
                          header={"deferred": 0, "idem": "k" * (1 << 20)})
        self.expect_reply("idempotency key not a string", "ops.add", [1, 2], header={"deferred": 0, "idem": 7})
        token_id = self.peer.send("ops.sleep", [3000], header={"deferred": 0})
        token = (self.peer.reply_to(token_id) or ("", [""]))[1][0]
        for value in [nan, -1, inf, "x", [5]]:
            self.expect_reply("wait_ms %r" % (value,), "_zpc_result", [token, value])
        unknown = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        for name in ["_zpc_result", "_zpc_status", "_zpc_cancel", "_zpc_ack"]:
            for case, args in [("no token", []), ("int token", [42]), ("huge token", ["A" * (1 << 20)]),
                               ("garbage token", ["not-a-token"])]:
                self.expect_reply("%s %s" % (name, case), name, args)
        self.expect_reply("_zpc_result unknown token", "_zpc_result", [unknown, 0])
        self.expect_reply("_zpc_status unknown token", "_zpc_status", [unknown])
        self.expect_reply("_zpc_more without a channel", "_zpc_more", [5])
        self.expect_reply("_zpc_throw without a channel", "_zpc_throw", ["E", "m"])
        for credit in [0, -1, nan, inf, "lots", None]:
            self.stream_then("credit %r" % (credit,), "_zpc_more", [credit])
        # Events for no open channel: dropped by design (nothing to answer).
        for value in [None, True, -1, 2 ** 64 - 1, nan, inf, "x", b"\x01\x02", [1], {"a": 1}, 1.5]:
            fields = {"message_id": Peer.fresh_id(), "v": 3, "response_to": value}
            self.expect_nothing("response_to %r" % (value,), b"\x93" + msgpack.packb(fields, use_bin_type=True)
                                + msgpack.packb("_zpc_more") + msgpack.packb([10]))
        # Floods: 10,000 malformed messages, 1,000 polls of a running deferred call.
        for _ in range(10000):
            self.peer.send_raw(b"\xc1\xff\x00")
        self.unanswerable.append("10,000 malformed messages")
        poll_ids = [self.peer.send("_zpc_result", [token, 0]) for _ in range(1000)]
        answered = sum(1 for poll in poll_ids if self.peer.reply_to(poll, timeout=5.0))
        self.polls.append(("1,000 deferred polls", "DEFERRED x%d" % answered, None))

    def peers_coming_and_going(self):
        for cycle in range(1000):
            peer = Peer(self.context, self.endpoint)
            message_id = peer.send("ops.add", [cycle, 1])
            if cycle % 2 == 0:
                peer.reply_to(message_id, timeout=2.0)
            peer.close()

    def abandoned_streams(self, count=500):
        peers = []
        for index in range(count // 10):
            peer = Peer(self.context, self.endpoint)
            for _ in range(10):
                peer.send("ops.ticks", [10])
            peers.append(peer)
        time.sleep(1.0)
        for peer in peers:
            peer.close()  # no _zpc_close: the server must notice the silence

    def greedy_stream(self, seconds=3.0):
        """A stream granted 2^62 credit by a client that heartbeats but never reads: the
        server's queue for it must stay bounded and pings must still be answered."""
        greedy = Peer(self.context, self.endpoint)
        greedy.socket.setsockopt(zmq.RCVHWM, 10)
        channel = greedy.send("ops.count", [10 ** 12, 0])
        greedy.send("_zpc_more", [2 ** 62], header={"response_to": channel})
        slowest = 0.0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            greedy.send("_zpc_hb", [None], header={"response_to": channel})
            started = time.monotonic()
            if self.peer.reply_to(self.peer.send("_zerorpc_ping", []), timeout=5.0) is None:
                slowest = float("inf")
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.25)
        self.slowest_ping = max(getattr(self, "slowest_ping", 0.0), slowest)
        greedy.close()

    def unterminated_frame(self):
        host, port = self.endpoint[len("tcp://"):].rsplit(":", 1)
        raw = socket.create_connection((host, int(port)))
        # A ZMTP 3.0 greeting, a NULL READY, then an 8 MiB frame that never ends.
        greeting = b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03\x00" + b"NULL" + b"\x00" * 16 + b"\x00" + b"\x00" * 31
        raw.sendall(greeting)
        ready = b"\x05READY" + b"\x0bSocket-Type" + struct.pack(">I", 6) + b"DEALER"
        raw.sendall(b"\x04" + bytes([len(ready)]) + ready)
        raw.sendall(b"\x02" + struct.pack(">Q", 8 << 20) + b"\x00" * (4 << 20))
        time.sleep(0.5)
        raw.close()


def probe_allocator(pid):
    """Calls malloc_trim(0) inside the server (gdb attaches for a moment) and returns its
    RSS afterwards: the part of the growth that was free memory glibc had not returned."""
    subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "call (int) malloc_trim(0)"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return rss_kib(pid)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default=".build/debug/zerorpc-ops-test-server")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--probe-allocator", action="store_true",
                        help="after the run, call malloc_trim(0) in the server with gdb and report the RSS again")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every phase this many times: growth that stops after the first is retention")
    opts = parser.parse_args()
    child = subprocess.Popen(
        [opts.server, "--id", "hostile", "--bind", "tcp://127.0.0.1:0", "--heartbeat", str(HEARTBEAT)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        endpoint = child.stdout.readline().decode().split()[1]
        context = zmq.Context()
        run = Run(context, endpoint)
        for index in range(200):  # warm-up: the allocator and the runtime at steady state
            run.peer.reply_to(run.peer.send("ops.add", [index, 1]))
        baseline = rss_kib(child.pid)
        phases = []
        for _ in range(opts.rounds):
            for phase in [run.all_cases, run.peers_coming_and_going, run.abandoned_streams, run.greedy_stream,
                          run.unterminated_frame]:
                phase()
                phases.append((phase.__name__, rss_kib(child.pid)))
        after_run = rss_kib(child.pid)
        # Dead peers and abandoned streams reaped (two silent heartbeat periods), and the
        # server's malloc_trim after reaping, which it runs at most every 5 s
        # (ServerMemoryTrim.minimumInterval).
        time.sleep(4 * HEARTBEAT + 1 + TRIM_INTERVAL)
        check = run.peer.send("ops.closed_streams", [])
        closed = run.peer.reply_to(check, timeout=5.0)
        ping = run.peer.reply_to(run.peer.send("_zerorpc_ping", []), timeout=5.0)
        after_reap = rss_kib(child.pid)
        after_probe = probe_allocator(child.pid) if opts.probe_allocator else None
        errs = [case for case, name, _ in run.answerable if name == "ERR"]
        others = [(case, name, args) for case, name, args in run.answerable if name != "ERR"]
        polls = [name for case, name, _ in run.polls]
        report = {
            "answerable_cases": len(run.answerable),
            "err_replies": len(errs),
            "not_err": [(case, name, repr(args)[:80]) for case, name, args in others],
            "unanswerable_cases": len(run.unanswerable),
            "rss_kib": {"baseline": baseline, "after_run": after_run, "after_reap": after_reap,
                        "after_malloc_trim": after_probe, "phases": phases},
            "polling_flood": polls,
            "abandoned_streams_cancelled": closed[1][0] if closed else None,
            "ping_after": ping[0] if ping else None,
            "slowest_ping_during_greedy_stream_s": run.slowest_ping,
        }
        if opts.json:
            print(json.dumps(report))
        else:
            print("ERR for %d of %d answerable hostile cases; %d unanswerable by design"
                  % (len(errs), len(run.answerable), len(run.unanswerable)))
            for case, name, args in report["not_err"]:
                print("  not ERR: %s -> %s %s" % (case, name, args))
            print("polling flood of 1,000 _zpc_result: %s" % polls)
            print("RSS KiB after each phase: %s" % ", ".join("%s %d" % phase for phase in phases))
            print("RSS KiB: baseline %d, after the run %d (+%d), after reaping %d (+%d)"
                  % (baseline, after_run, after_run - baseline, after_reap, after_reap - baseline))
            if after_probe is not None:
                print("RSS KiB after malloc_trim(0) through gdb: %d (+%d): %d KiB were free memory the allocator kept"
                      % (after_probe, after_probe - baseline, after_reap - after_probe))
            print("abandoned streams cancelled: %s; ping after: %s" % (report["abandoned_streams_cancelled"],
                                                                         report["ping_after"]))
            print("slowest ping while a stream had 2^62 credit and an unread socket: %.3f s" % run.slowest_ping)
        context.destroy(0)
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    sys.exit(main())

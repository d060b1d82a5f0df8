"""Deferred-result checks against a zerorpc-swift server (docs/DEFERRED.md).

Usage: deferred_checks.py ENDPOINT [--heartbeat S]

The server must provide ``slow(seconds)`` (returns its argument after that long).
Prints one JSON line per check, ``{"check": name, "ok": bool, "detail": ...}``, and
exits 1 if any check failed:

- stock_client_slow_call_plain_ok: a stock ``zerorpc.Client`` never sends the
  ``"deferred"`` budget key, so a slow call gets its plain OK, never DEFERRED.
- raw_budget_deferred_then_result: a bare DEALER that does send ``"deferred": 0`` gets
  ``DEFERRED [token]``, then ``_zpc_result [token, wait_ms]`` on a new channel answers
  ``OK [value]`` (after ``DEFERRED [token]`` again if the job outlived the wait) and
  ``_zpc_ack [token]`` answers ``OK [None]``. The bare DEALER answers the server's
  heartbeats while it waits, as every client must.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

from client_checks import RawPeer, expect, finish, run_stock_checks, short  # noqa: E402


def main():
    def stock(client, checks):
        def stock_slow():
            value = client.slow(1.5)
            expect(value == 1.5, "slow(1.5) returned %s" % short(value))
            return "plain OK after 1.5 s"
        checks.run("stock_client_slow_call_plain_ok", stock_slow)
    checks = run_stock_checks(stock)
    opts = checks.opts

    peer = RawPeer(opts.endpoint)
    try:
        # The job outlives three heartbeat periods, so the long poll below does too: it is
        # answered only because the peer heartbeats the poll's channel (a silent peer's
        # call is dropped after two periods, with no reply at all).
        job_seconds = 3.5 * opts.heartbeat

        def raw_deferred():
            request_id = b"deferred-check-request-00000001"
            peer.send_event({"message_id": request_id, "v": 3, "deferred": 0}, "slow", [job_seconds])
            _, header, name, args = peer.reply_to(request_id)
            expect(name == "DEFERRED" and len(args) == 1 and isinstance(args[0], str),
                   "budget 0 answered %s %s" % (name, short(args)))
            token = args[0]
            # A long poll answers DEFERRED [token] when the job is still running after the
            # wait; a loaded machine (a sanitized full run) may take that long, so poll
            # again, as a client would, a few times at most.
            for attempt in range(1, 4):
                poll_id = b"deferred-check-result-00000000%d" % attempt
                wait_ms = int(job_seconds * 1000) + 3000
                peer.send_event({"message_id": poll_id, "v": 3}, "_zpc_result", [token, wait_ms])
                _, _, name, args = peer.reply_to(poll_id)
                if (name, args) != ("DEFERRED", [token]):
                    break
            expect((name, args) == ("OK", [job_seconds]),
                   "_zpc_result answered %s %s (poll %d)" % (name, short(args), attempt))
            ack_id = b"deferred-check-ack-0000000000003"
            peer.send_event({"message_id": ack_id, "v": 3}, "_zpc_ack", [token])
            _, _, name, args = peer.reply_to(ack_id)
            expect((name, args) == ("OK", [None]), "_zpc_ack answered %s %s" % (name, short(args)))
            return "DEFERRED, then OK [%s] from a long poll of %d heartbeat periods (poll %d)" % (
                job_seconds, job_seconds / opts.heartbeat, attempt)
        checks.run("raw_budget_deferred_then_result", raw_deferred)
    finally:
        peer.close()
    finish(checks)


if __name__ == "__main__":
    main()

"""Deferred-result checks against a zerorpc-swift server (docs/DEFERRED.md).

Usage: deferred_checks.py ENDPOINT [--heartbeat S]

The server must provide ``slow(seconds)`` (returns its argument after that long).
Prints one JSON line per check, ``{"check": name, "ok": bool, "detail": ...}``, and
exits 1 if any check failed:

- stock_client_slow_call_plain_ok: a stock ``zerorpc.Client`` never sends the
  ``"deferred"`` budget key, so a slow call gets its plain OK, never DEFERRED.
- raw_budget_deferred_then_result: a bare DEALER that does send ``"deferred": 0`` gets
  ``DEFERRED [token]``, then ``_zpc_result [token, wait_ms]`` on a new channel answers
  ``OK [value]`` and ``_zpc_ack [token]`` answers ``OK [None]``.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

from client_checks import RawPeer, check_script_client, expect, short  # noqa: E402


def main():
    client, checks = check_script_client()
    opts = checks.opts
    try:
        def stock_slow():
            value = client.slow(1.5)
            expect(value == 1.5, "slow(1.5) returned %s" % short(value))
            return "plain OK after 1.5 s"
        checks.run("stock_client_slow_call_plain_ok", stock_slow)
    finally:
        client.close()

    peer = RawPeer(opts.endpoint)
    try:
        def raw_deferred():
            request_id = b"deferred-check-request-00000001"
            peer.send_event({"message_id": request_id, "v": 3, "deferred": 0}, "slow", [0.3])
            _, header, name, args = peer.reply_to(request_id)
            expect(name == "DEFERRED" and len(args) == 1 and isinstance(args[0], str),
                   "budget 0 answered %s %s" % (name, short(args)))
            token = args[0]
            poll_id = b"deferred-check-result-000000002"
            peer.send_event({"message_id": poll_id, "v": 3}, "_zpc_result", [token, 5000])
            _, _, name, args = peer.reply_to(poll_id)
            expect((name, args) == ("OK", [0.3]), "_zpc_result answered %s %s" % (name, short(args)))
            ack_id = b"deferred-check-ack-0000000000003"
            peer.send_event({"message_id": ack_id, "v": 3}, "_zpc_ack", [token])
            _, _, name, args = peer.reply_to(ack_id)
            expect((name, args) == ("OK", [None]), "_zpc_ack answered %s %s" % (name, short(args)))
            return "DEFERRED, then OK [0.3] from the long poll"
        checks.run("raw_budget_deferred_then_result", raw_deferred)
    finally:
        peer.close()
    sys.exit(0 if all(checks.results) else 1)


if __name__ == "__main__":
    main()

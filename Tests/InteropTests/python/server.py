"""A stock zerorpc 0.6.3 server with the interop method set.

Usage: server.py ENDPOINT [--heartbeat SECONDS] [--name NAME]

ENDPOINT is bound as given. ``tcp://127.0.0.1:*`` (or port 0) asks libzmq for a free
port; the endpoint actually bound is announced on stdout as ``READY <endpoint>`` once
the socket is bound, so callers need not guess a port. ``ipc://PATH`` works too.

The process exits when its stdin reaches EOF (the parent died or closed the pipe) or
on SIGTERM/SIGINT, so a crashed test never leaves it running.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import gevent  # noqa: E402
import gevent.event  # noqa: E402
import zerorpc  # noqa: E402
import peer_process  # noqa: E402


class PlainError(Exception):
    pass


class QuotaError(Exception):
    pass


class InteropService(object):
    def __init__(self):
        self._notified = []
        self._releases = {}

    def add(self, a, b):
        """Add two numbers and return the sum."""
        return a + b

    def echo(self, x):
        return x

    def fail(self, msg):
        raise ValueError(msg)

    def fail_declared(self, msg):
        raise PlainError(msg)

    def fail_fields(self, code):
        # What a Swift server's declared error without a message field reads as.
        raise QuotaError("code=%d, reason=full" % code)

    def slow(self, seconds):
        try:
            gevent.sleep(seconds)
        except BaseException:  # LostRemote: the client stopped heartbeating
            self._notified.append("cancelled slow %s" % seconds)
            raise
        return seconds

    def notify(self, x):
        self._notified.append(x)

    def notified(self):
        return list(self._notified)

    def notify_later(self, seconds, x):
        """Records x after sleeping: checks a one-way caller keeps heartbeating."""
        gevent.sleep(seconds)
        self._notified.append(x)

    def notify_after_release(self, seconds, x):
        """Waits for release(x), then records x after sleeping: checks that a one-way
        caller returned before the handler ended and keeps heartbeating after."""
        self._releases.setdefault(x, gevent.event.Event()).wait()
        gevent.sleep(seconds)
        self._notified.append(x)

    def release(self, x):
        self._releases.setdefault(x, gevent.event.Event()).set()

    @zerorpc.stream
    def countdown(self, n):
        return iter(range(n, 0, -1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--heartbeat", type=float, default=5.0)
    parser.add_argument("--name", default="interop")
    args = parser.parse_args()

    peer_process.serve(
        zerorpc.Server(InteropService(), name=args.name, heartbeat=args.heartbeat), args.endpoint)


if __name__ == "__main__":
    main()

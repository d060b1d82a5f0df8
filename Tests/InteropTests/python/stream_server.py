"""A stock zerorpc 0.6.3 server with @zerorpc.stream methods, for the Swift stream client.

Usage: stream_server.py ENDPOINT [--heartbeat SECONDS]

Methods: countdown(n) -> n..1; fail_after(n) -> 1..n then ValueError("failed after n");
forever() -> 0, 1, 2, ... (never ends: the client abandons it); slow_pair(seconds) -> 1,
then 2 after ``seconds``; add(a, b). Prints ``READY <endpoint>`` once bound and exits
on stdin EOF or SIGTERM, like server.py.
"""

import argparse
import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import gevent  # noqa: E402
import zerorpc  # noqa: E402
import peer_process  # noqa: E402


class StreamService(object):
    def add(self, a, b):
        return a + b

    @zerorpc.stream
    def countdown(self, n):
        return iter(range(n, 0, -1))

    @zerorpc.stream
    def fail_after(self, n):
        for i in range(1, n + 1):
            yield i
        raise ValueError("failed after %d" % n)

    @zerorpc.stream
    def forever(self):
        return itertools.count()

    @zerorpc.stream
    def slow_pair(self, seconds):
        yield 1
        gevent.sleep(seconds)
        yield 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--heartbeat", type=float, default=5.0)
    args = parser.parse_args()
    peer_process.serve(zerorpc.Server(StreamService(), name="streams", heartbeat=args.heartbeat), args.endpoint)


if __name__ == "__main__":
    main()

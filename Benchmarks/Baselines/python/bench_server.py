"""Stock zerorpc 0.6.3 server: the Python baseline's server for `make bench`.

Usage: bench_server.py ENDPOINT

The interop test server's methods (add, echo, ...) plus echo_records, the struct-heavy
call of Benchmarks/ZeroRPCBench/bench.rpc. Announces ``READY <endpoint>`` on stdout and
exits when stdin reaches EOF, like the other benchmark servers.
"""

import os
import signal
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "Tests", "InteropTests", "python"))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import zerorpc  # noqa: E402
import zmq  # noqa: E402
from peer_process import exit_on_stdin_eof  # noqa: E402
from server import InteropService  # noqa: E402


class BenchService(InteropService):
    def echo_records(self, records):
        """Returns its argument: a list of BenchRecord maps."""
        return records


def main():
    # As in server.py: SIGTERM must end the process even when the parent blocked it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    server = zerorpc.Server(BenchService(), name="bench")
    server.bind(sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:*")
    bound = server._events._socket.getsockopt(zmq.LAST_ENDPOINT).decode()
    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print("READY " + bound, flush=True)
    server.run()


if __name__ == "__main__":
    main()

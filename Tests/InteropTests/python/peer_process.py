"""What every interop peer process does the same way: signals, stdin EOF, READY.

The Swift tests start each peer as a child process and read one ``READY <endpoint>``
line from it; the peer must die with its parent and on SIGTERM, whatever gevent is
doing. Import this module *after* ``py311_compat``.
"""

import os
import sys
import threading

import zmq


def restore_default_signals():
    """Default dispositions: SIGTERM/SIGINT end the process at once, even while the
    gevent hub is blocked in libev (a Python-level handler would wait for it).
    Unblocked too: a child spawned by Foundation's Process from a Swift task inherits
    a signal mask with SIGTERM blocked, which would make terminate() a no-op."""
    import signal

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def exit_on_stdin_eof():
    """Exits when stdin reaches EOF (the parent died or closed the pipe).

    A real thread: gevent is not monkey-patched, so this blocking read does not
    stall the hub. os._exit skips gevent/zmq teardown, which can hang on exit."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def bound_endpoint(peer):
    """The endpoint a zerorpc peer actually bound (the real port for ``tcp://…:*``)."""
    return peer._events._socket.getsockopt(zmq.LAST_ENDPOINT).decode()


def announce(endpoint, watch_stdin=True):
    """Prints ``READY <endpoint>``; first starts the stdin watcher unless the peer
    reads stdin itself."""
    if watch_stdin:
        threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print("READY " + endpoint, flush=True)


def serve(server, endpoint):
    """Binds a zerorpc server, announces it and runs it until the process ends."""
    restore_default_signals()
    server.bind(endpoint)
    announce(bound_endpoint(server))
    server.run()

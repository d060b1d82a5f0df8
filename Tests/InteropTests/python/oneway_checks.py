"""One-way argument checks against a zerorpc-swift server (issue 17, defect 4).

Usage: oneway_checks.py ENDPOINT [--heartbeat S]

The server must provide the one-way method ``log(line: string)`` and ``logged()``,
which returns the lines ``log`` received. Prints one JSON line per check,
``{"check": name, "ok": bool, "detail": ...}``, and exits 1 if any check failed:

- oneway_good_call_ok: ``log("hello")`` answers ``None`` and the line arrives.
- oneway_wrong_type_type_error: ``log(42)`` raises ``RemoteError`` named ``TypeError``
  that names the argument; a one-way call used to be acknowledged ``None`` first.
- oneway_too_many_type_error: ``log("a", "b")`` raises ``TypeError``.
- oneway_missing_type_error: ``log()`` raises ``TypeError``.
- oneway_bad_calls_never_ran: none of the bad calls reached the implementation.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import gevent  # noqa: E402
from client_checks import CheckFailed, expect, finish, remote_error, run_stock_checks, short  # noqa: E402


def main():
    def stock(client, checks):
        def good():
            got = client.log("hello")
            expect(got is None, "log('hello') answered %s" % short(got))
            for _ in range(50):
                if "hello" in client.logged():
                    return "acknowledged None, line recorded"
                gevent.sleep(0.1)
            raise CheckFailed("log('hello') never reached the implementation")
        checks.run("oneway_good_call_ok", good)

        def bad(call, wanted):
            def check():
                error = remote_error(call)
                expect(error.name == "TypeError", "answered %s: %s" % (error.name, short(error.msg)))
                expect(wanted in error.msg, "message %r does not mention %r" % (error.msg, wanted))
                return error.msg
            return check
        checks.run("oneway_wrong_type_type_error", bad(lambda: client.log(42), "'line'"))
        checks.run("oneway_too_many_type_error", bad(lambda: client.log("a", "b"), "2 were given"))
        checks.run("oneway_missing_type_error", bad(lambda: client.log(), "'line'"))

        def never_ran():
            lines = client.logged()
            expect(lines == ["hello"], "the implementation saw %s" % short(lines))
            return "only the good call ran"
        checks.run("oneway_bad_calls_never_ran", never_ran)
    finish(run_stock_checks(stock))


if __name__ == "__main__":
    main()

"""Restore ``inspect.getargspec`` for zerorpc 0.6.3 on Python >= 3.11.

zerorpc's ``_zerorpc_inspect`` and ``_zerorpc_args`` call ``inspect.getargspec``,
which Python 3.11 removed; without this shim both answer
``ERR AttributeError``. Import this module *before* ``zerorpc``.
"""

import collections
import inspect

if not hasattr(inspect, "getargspec"):
    ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")

    def getargspec(func):
        spec = inspect.getfullargspec(func)
        return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

    inspect.getargspec = getargspec

#!/usr/bin/env bash
# Proves the C zerorpc baselines speak real zerorpc: the stock Python client calls the
# C servers (add, and the stream within its credit), and the C add client calls the stock
# Python server (Tests/InteropTests/python).
# Usage (from the package root, after `make venv baselines`):
#   Benchmarks/Baselines/c/verify_interop.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
python=${ZERORPC_PYTHON:-$root/.venv/bin/python}
bin=$root/Benchmarks/Baselines/c/bin
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

wait_ready() { # file -> endpoint
    for _ in $(seq 100); do
        if grep -q '^READY ' "$1"; then awk '/^READY /{print $2; exit}' "$1"; return; fi
        sleep 0.1
    done
    echo "error: no READY line in $1" >&2; exit 1
}

"$bin/zerorpc_add" server >"$work/c.out" & pids+=($!)
endpoint=$(wait_ready "$work/c.out")
"$python" - "$endpoint" <<'PY'
import sys, zerorpc
c = zerorpc.Client(sys.argv[1], timeout=5)
assert c.add(1, 2) == 3
assert c.add(-7, 2**40) == 2**40 - 7
try:
    c.nope()
    raise SystemExit("unknown method did not fail")
except zerorpc.RemoteError as e:
    assert (e.name, e.msg) == ("NameError", "nope"), (e.name, e.msg)
for i in range(1000):
    assert c.add(i, 1) == i + 1
print("ok: stock Python zerorpc.Client -> C zerorpc_add server")
PY

"$bin/zerorpc_stream" server >"$work/cs.out" & pids+=($!)
endpoint=$(wait_ready "$work/cs.out")
"$python" - "$endpoint" <<'PY'
import sys, gevent, zerorpc
c = zerorpc.Client(sys.argv[1], timeout=5)
# A slow consumer first: stock zerorpc grants 100 at a time and fails the channel
# ("BufferedChannel, queue overflow") when a server sends past its credit.
for i, v in enumerate(c.count(300)):
    assert i == v, (i, v)
    gevent.sleep(0.002)  # lets its receiver greenlet run, so an overflow would show
assert list(c.count(0)) == []
assert list(c.count(20000)) == list(range(20000))
try:
    c.nope()
    raise SystemExit("unknown method did not fail")
except zerorpc.RemoteError as e:
    assert e.name == "NameError", e.name
print("ok: stock Python zerorpc.Client -> C zerorpc_stream server")
PY

mkfifo "$work/stdin"
"$python" "$root/Tests/InteropTests/python/server.py" 'tcp://127.0.0.1:*' <"$work/stdin" >"$work/py.out" & pids+=($!)
exec 7>"$work/stdin"   # server.py exits when this closes
endpoint=$(wait_ready "$work/py.out")
"$bin/zerorpc_add" client "$endpoint" --calls 2000 >/dev/null
echo "ok: C zerorpc_add client -> stock Python zerorpc.Server"

#!/usr/bin/env bash
# Proves the C zerorpc baseline speaks real zerorpc: the stock Python client calls the
# C server, and the C client calls the stock Python server (Tests/InteropTests/python).
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

mkfifo "$work/stdin"
"$python" "$root/Tests/InteropTests/python/server.py" 'tcp://127.0.0.1:*' <"$work/stdin" >"$work/py.out" & pids+=($!)
exec 7>"$work/stdin"   # server.py exits when this closes
endpoint=$(wait_ready "$work/py.out")
"$bin/zerorpc_add" client "$endpoint" --calls 2000 >/dev/null
echo "ok: C zerorpc_add client -> stock Python zerorpc.Server"

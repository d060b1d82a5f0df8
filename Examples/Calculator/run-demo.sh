#!/usr/bin/env bash
# Runs the calculator demo: the server from Examples/Calculator, then the client against it.
# Usage: run-demo.sh BUILD_DIR   (make demo passes .build/debug)
set -euo pipefail
bin="${1:-.build/debug}"
workdir="$(mktemp -d)"
endpoint="ipc://$workdir/calculator.sock"
log="$workdir/server.log"

"$bin/calculator-server" "$endpoint" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$workdir"' EXIT

for _ in $(seq 1 100); do
    grep -q "serving" "$log" && break
    kill -0 "$server" 2>/dev/null || { cat "$log"; echo "demo: the server exited" >&2; exit 1; }
    sleep 0.1
done
grep -q "serving" "$log" || { cat "$log"; echo "demo: the server did not start within 10 s" >&2; exit 1; }

echo "==> $(head -1 "$log")"
echo "==> calculator-client $endpoint"
"$bin/calculator-client" "$endpoint"
echo "==> server log"
sed 1d "$log"

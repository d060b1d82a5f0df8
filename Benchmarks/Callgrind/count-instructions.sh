#!/usr/bin/env bash
# User-space instructions per zerorpc `add` call, client and server, zerorpc-swift
# against the C zerorpc baseline, counted by callgrind (`make callgrind`).
#
# Usage: count-instructions.sh ZERORPC_BENCH [SMALL_CALLS LARGE_CALLS]
#
# Each side is counted twice, with SMALL and LARGE calls, and the difference divided by
# the difference in calls, so start-up, connection and shutdown drop out. A client is
# counted against the C server; a server is counted against the C client (both run
# natively), so the peer is the same for both implementations. Counts include every
# thread of the process (libzmq's I/O threads too), user space only.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bench="$1"
small="${2:-1000}"
large="${3:-3000}"
c_add="$here/../Baselines/c/bin/zerorpc_add"
preload="$here/bin/libsigsuspend_copy.so"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Valgrind 3.19 gives up on the release binary's DWARF ("possibly corrupted debuginfo")
# since it links postgres-nio; the symbol table is all callgrind needs for its totals.
strip --strip-debug -o "$work/zerorpc-bench" "$bench"
bench="$work/zerorpc-bench"

callgrind() {  # OUT CMD... : runs CMD under callgrind, writing its totals to OUT
    local out="$1"
    shift
    LD_PRELOAD="$preload" valgrind --tool=callgrind --callgrind-out-file="$out" "$@"
}

total() {  # the Ir total of a callgrind output file
    awk '/^(summary|totals):/ { print $2; exit }' "$1"
}

start_server() {  # LOG CMD... : starts a server with stdin held open on fd 3
    local log="$1"
    shift
    rm -f "$work/in"
    mkfifo "$work/in"
    "$@" <"$work/in" >"$log" 2>"$log.err" &
    server_pid=$!
    exec 3>"$work/in"
    for _ in $(seq 600); do
        if grep -q '^READY ' "$log"; then
            endpoint="$(awk '/^READY / { print $2; exit }' "$log")"
            return 0
        fi
        kill -0 "$server_pid" 2>/dev/null || { cat "$log.err" >&2; return 1; }
        sleep 0.1
    done
    echo "error: no READY line from $*" >&2
    return 1
}

stop_server() {  # closes stdin (the Swift server exits), then SIGTERM (the C server)
    exec 3>&-
    sleep 0.5
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

count_client() {  # NAME CALLS CMD... : Ir of a client making CALLS calls to the C server
    local name="$1" calls="$2"
    shift 2
    start_server "$work/c-server.log" "$c_add" server "tcp://127.0.0.1:*"
    callgrind "$work/$name-$calls.out" "$@" "$endpoint" --calls "$calls" >/dev/null 2>"$work/$name-$calls.err" \
        || { cat "$work/$name-$calls.err" >&2; return 1; }
    stop_server
    total "$work/$name-$calls.out"
}

count_server() {  # NAME CALLS CMD... : Ir of a server answering CALLS calls of the C client
    local name="$1" calls="$2"
    shift 2
    start_server "$work/$name.log" env LD_PRELOAD="$preload" \
        valgrind --tool=callgrind --callgrind-out-file="$work/$name-$calls.out" "$@" "tcp://127.0.0.1:*"
    "$c_add" client "$endpoint" --calls "$calls" >/dev/null
    stop_server
    total "$work/$name-$calls.out"
}

per_call() {  # FUNCTION NAME CMD... : instructions per call from two runs
    local function="$1" name="$2"
    shift 2
    local low high
    low="$("$function" "$name" "$small" "$@")"
    high="$("$function" "$name" "$large" "$@")"
    echo $(((high - low) / (large - small)))
}

echo "counting with valgrind $(valgrind --version | sed 's/valgrind-//'): $small and $large calls per run" >&2
if [ "${COUNT_OBSERVABILITY:-0}" = 1 ]; then
    # The metrics interceptors' cost (issue 14, docs/PRODUCTION.md): zerorpc-swift only,
    # with none, with the interceptors and no backend, with a counting backend.
    echo "| --observability | client instructions/call | server instructions/call |"
    echo "|---|---:|---:|"
    for mode in none pass-through metrics-no-backend metrics; do
        client="$(per_call count_client "client-$mode" "$bench" client --observability "$mode")"
        server="$(per_call count_server "server-$mode" "$bench" serve --observability "$mode")"
        echo "| $mode | $client | $server |"
    done
    exit 0
fi
swift_client="$(per_call count_client swift-client "$bench" client)"
c_client="$(per_call count_client c-client "$c_add" client)"
swift_server="$(per_call count_server swift-server "$bench" serve)"
swift_server_io="$(per_call count_server swift-server-io "$bench" serve --concurrent-handlers)"
c_server="$(per_call count_server c-server "$c_add" server)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo "| side | zerorpc-swift instructions/call | C zerorpc instructions/call | ratio |"
echo "|---|---:|---:|---:|"
echo "| client, defaults | $swift_client | $c_client | $(ratio "$swift_client" "$c_client") |"
echo "| server, defaults | $swift_server | $c_server | $(ratio "$swift_server" "$c_server") |"
echo "| server, HandlerExecution.concurrent | $swift_server_io | $c_server | $(ratio "$swift_server_io" "$c_server") |"

#!/usr/bin/env bash
# Private PostgreSQL clusters for the tests: each in a directory of its own, on a free
# port of 127.0.0.1, with trust authentication and no fsync (test data only; PG_FSYNC=on
# for a benchmark that should pay for durable commits, as the SQLite store does).
#
#   pg-cluster.sh run COMMAND [ARGS...]   a cluster for COMMAND, which finds it in
#                                         ZERORPC_POSTGRES_URL; stopped and removed when
#                                         COMMAND ends (passed, failed or interrupted),
#                                         with the clusters COMMAND made under
#                                         ZERORPC_POSTGRES_SCRATCH; exits with COMMAND's
#                                         status
#   pg-cluster.sh create DIR              initdb + start; prints the URL
#   pg-cluster.sh stop DIR | start DIR    stop (fast) / start again on the same port
#   pg-cluster.sh destroy DIR             stop and remove DIR
#
# Tests that stop or restart a server create a cluster of their own with `create`, so
# the shared one of `run` stays up for the tests running beside them.
# Needs Debian's postgresql package (`make pg-deps` installs it). As root the server
# runs as the `postgres` user, because initdb refuses to run as root.
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }

# The server outlives this script: it must not inherit descriptors of whoever started us
# (a test process's sockets and pipes would stay open, and a pipe read to its end would
# never end).
for fd in /proc/$$/fd/*; do
  fd="${fd##*/}"
  if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

bindir=""
for candidate in ${PG_BINDIR:-} /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bindir="$candidate"; fi
done
[ -n "$bindir" ] || die "PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BINDIR)"

as_server_user=()
if [ "$(id -u)" = "0" ]; then as_server_user=(runuser -u postgres --); fi

start() {
  local dir="$1" port
  port="$(cat "$dir/port")"
  if ! "${as_server_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null; then
    cat "$dir/server.log" >&2 || true
    die "the PostgreSQL test cluster in $dir did not start"
  fi
}

stop() {
  "${as_server_user[@]}" "$bindir/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null
}

create() {
  local dir="$1"
  mkdir -p "$dir"
  if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi
  # A port nobody listens on now; the kernel chose it, so parallel runs do not collide.
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$dir/port"
  if ! "${as_server_user[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed in $dir"
  fi
  start "$dir"
  echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
}

destroy() {
  # Clusters the tests made inside this one (ZERORPC_POSTGRES_SCRATCH) go with it, even
  # when the test process was killed before it could remove them.
  for nested in "$1"/clusters/*; do
    if [ -d "$nested" ]; then destroy "$nested"; fi
  done
  if [ -f "$1/data/postmaster.pid" ]; then stop "$1" 2>/dev/null || true; fi
  rm -rf "$1"
}

case "${1:-}" in
  create) create "$2" ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  destroy) destroy "$2" ;;
  run)
    shift
    [ "$#" -gt 0 ] || die "usage: $0 run COMMAND [ARGS...]"
    dir="$(mktemp -d "${TMPDIR:-/tmp}/zerorpc-pg.XXXXXX")"
    trap 'destroy "$dir"' EXIT
    trap 'exit 130' INT TERM
    ZERORPC_POSTGRES_URL="$(create "$dir")"
    ZERORPC_POSTGRES_SCRATCH="$dir/clusters"
    mkdir -p "$ZERORPC_POSTGRES_SCRATCH"
    export ZERORPC_POSTGRES_URL ZERORPC_POSTGRES_SCRATCH
    echo "==> PostgreSQL test cluster at $ZERORPC_POSTGRES_URL ($dir)"
    status=0
    "$@" || status=$?
    exit "$status"
    ;;
  *) die "usage: $0 {run COMMAND...|create DIR|start DIR|stop DIR|destroy DIR}" ;;
esac

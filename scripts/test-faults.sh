#!/usr/bin/env bash
# The fault run stops a Redis server of its own, then this machine's PostgreSQL (every database on it): run it alone, never beside other
# PostgreSQL tests. Whatever happens, PostgreSQL is started again and the run's server processes end.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_VERSION=${FAULT_PG_VERSION:-15}
PG_CLUSTER=${FAULT_PG_CLUSTER:-main}
run=""
cleanup() {
  # The run and the server instances it started share one process group.
  [ -n "$run" ] && kill -TERM -- "-$run" 2>/dev/null
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" start 2>/dev/null || true
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1 || echo "WARNING: PostgreSQL $PG_VERSION/$PG_CLUSTER is not running" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# First the Redis outage (a Redis server of the run's own, on a free port; the machine's shared one is
# never touched), then PostgreSQL stopped under load.
node --import ./scripts/app-paths.mjs --test --test-timeout=120000 "dist/test/faults/*.fault-spec.js"
faults_status=$?
set -m
node --import ./scripts/app-paths.mjs dist/test/cluster/faults.js &
run=$!
wait "$run"
postgres_status=$?
[ "$faults_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]

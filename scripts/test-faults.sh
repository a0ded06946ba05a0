#!/usr/bin/env bash
# The fault run stops this machine's PostgreSQL (every database on it): run it alone, never beside other
# PostgreSQL tests. Whatever happens, PostgreSQL is started again on the way out.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_VERSION=${FAULT_PG_VERSION:-15}
PG_CLUSTER=${FAULT_PG_CLUSTER:-main}
restart_pg() {
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" start 2>/dev/null || true
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1 || echo "WARNING: PostgreSQL $PG_VERSION/$PG_CLUSTER is not running" >&2
}
trap restart_pg EXIT
trap 'exit 130' INT TERM
node --import ./scripts/app-paths.mjs dist/test/cluster/faults.js

#!/bin/bash
# factor_day_rerun.sh: one more factor change on the data bench/factor_day.sh left behind (its
# /tmp/cityinv-fdbench.*/var), for the experiments of bench/README.md: the run's time, then the
# rollups' after it, and the exporter's log line of where the run's batches went.
#   bench/factor_day_rerun.sh VAR VALUE [noworker]
# noworker: the rollup worker stopped during the run, started again after it (what the run costs
# without the rollups beside it).  The stack is started if it is not running and left running:
# stop it with `CITYINV_VAR=VAR scripts/stack.sh stop`.  Loopback only.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CITYINV_VAR=$1 PORT=${PORT:-28180}
VALUE=$2
S=scripts/stack.sh
now() { date +%s.%N; }
. bench/poll.sh
trap poll_close EXIT
$S start >/dev/null
poll_open
# Nothing else running beside what is measured: the last run's rollups, and the quality job's runs they asked for.
poll_until 'SELECT COUNT(*) FROM outbox WHERE done_at IS NULL' 0 6000 0.1
poll_until 'SELECT COUNT(*) FROM quality_queue WHERE done_for < requests' 0 12000 0.1
[ "${3:-}" = noworker ] && $S stop-service worker >/dev/null
id=$(node bench/factor_day.mjs propose elec_grid_2024 "$VALUE")
poll_until "SELECT preview_status FROM factor_changes WHERE id = $id" done 3000 0.1
node bench/factor_day.mjs apply "$id" >/dev/null
t2=$(now)
poll_until "SELECT status FROM factor_changes WHERE id = $id" done 12000 0.1
t3=$(now)
[ "${3:-}" = noworker ] && $S start-service worker >/dev/null
poll_until 'SELECT COUNT(*) FROM outbox WHERE done_at IS NULL' 0 6000 0.1
t4=$(now)
echo "elec_grid_2024 = $VALUE ${3:-}: run $(awk "BEGIN {printf \"%.1f\", $t3 - $t2}") s, then every rollup $(awk "BEGIN {printf \"%.1f\", $t4 - $t3}") s"
grep -h "factor change $id " "$CITYINV_VAR/log/exporter.log" | tail -1

#!/bin/bash
# startup_rerun.sh: bench/run.sh's startup computation again, on the data a run left behind (its
# /tmp/cityinv-bench.*/var, or bench/factor_day.sh's): every rollup dropped and the worker
# restarted, so that its startup check queues every county-year, timed until the outbox drains.
#   bench/startup_rerun.sh VAR withq|noq [fresh]
# withq: the quality worker running beside it (as in run.sh); noq: stopped until the end.
# fresh: the quality figures and the board dropped too, so the quality worker's first pass (every
# row written) is what runs beside the rollups, as after run.sh's synthetic load.  The stack is
# started if it is not running and left running: stop it with `CITYINV_VAR=VAR scripts/stack.sh
# stop`.  Loopback only; the services are started and stopped by scripts/stack.sh (by PID).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CITYINV_VAR=$1 PORT=${PORT:-28180}
S=scripts/stack.sh
sql() { $S sql -N -B -e "$1"; }
$S start >/dev/null
$S stop-service worker >/dev/null
$S stop-service quality >/dev/null
drop="DELETE FROM outbox WHERE done_at IS NULL; TRUNCATE rollups; UPDATE quality_queue SET done_for = requests"
[ "${3:-}" = fresh ] && drop="$drop; DELETE FROM quality_rollups; DELETE FROM board_findings; DELETE FROM county_quality"
sql "$drop"
[ "$2" = withq ] && $S start-service quality >/dev/null
t0=$(date +%s.%N)
$S start-service worker >/dev/null
sleep 1
for _ in $(seq 1200); do
	[ "$(sql 'SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')" = 0 ] && break
	sleep 0.5
done
t1=$(date +%s.%N)
printf '%s%s: all computed in %.1f s\n' "$2" "${3:+ $3}" "$(awk "BEGIN {print $t1 - $t0}")"
$S start-service quality >/dev/null

#!/bin/bash
# saves_quality.sh: the clerk's form GET and save POST (bench/saves.mjs, 400 saves a phase) with the
# quality worker running, stopped, running, stopped, on a private stack with bench/synthetic.sql,
# once the rollups and the quality job have caught up.  Whether the quality job slows the saves.
# Traffic goes to 127.0.0.1 only; the stack is stopped at the end (scripts/stack.sh stop, by PID).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d /tmp/cityinv-bench-q.XXXXXX)
export CITYINV_VAR=$TMP/var PORT=${PORT:-28090}
S=scripts/stack.sh
trap '$S stop >/dev/null 2>&1 || true' EXIT
sql() { $S sql -N -B "$@"; }
make -s all
$S start >/dev/null
sql <bench/synthetic.sql
$S stop-service worker >/dev/null
$S start-service worker >/dev/null
sleep 5
for _ in $(seq 1200); do [ "$(sql -e 'SELECT COUNT(*) FROM outbox WHERE done_at IS NULL')" = 0 ] && break; sleep 0.5; done
for _ in $(seq 2400); do [ "$(sql -e 'SELECT COUNT(*) FROM quality_queue WHERE done_for < requests')" = 0 ] && break; sleep 0.5; done
for phase in running stopped running stopped; do
	if [ $phase = stopped ]; then $S stop-service quality >/dev/null; else $S start-service quality >/dev/null; fi
	sleep 3
	printf 'quality worker %s: ' "$phase"
	node bench/saves.mjs 400 | tail -1
done

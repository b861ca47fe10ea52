#!/bin/bash
# saves_quality.sh: the clerk's form GET and save POST (bench/saves.mjs, 400 saves a phase) with the
# quality worker running, stopped, running, stopped, on a private stack with bench/synthetic.sql,
# once the rollups and the quality job have caught up.  Whether the quality job slows the saves, and
# how long each phase's changes waited for their county totals (the worker's "oldest waited").
# SAVES=N sets the saves a phase (400); PHASES="running stopped" the phases.
# Traffic goes to 127.0.0.1 only; the stack is stopped at the end (scripts/stack.sh stop, by PID).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d /tmp/cityinv-bench-q.XXXXXX)
export CITYINV_VAR=$TMP/var PORT=${PORT:-28090}
. bench/synthetic_stack.sh
synthetic_stack quality
waits() {
	tail -n +"$(($1 + 1))" "$CITYINV_VAR/log/worker.log" | grep "rollup county" |
		sed -n 's/.*oldest waited \([0-9-]*\) ms.*/\1/p' | sort -n |
		awk '{v[NR]=$1} END {if (NR) printf "  save -> county total: jobs %d, median %d ms, p99 %d ms, max %d ms\n", NR, v[int(NR/2)+1], v[int(NR*0.99)+ (NR*0.99>int(NR*0.99))], v[NR]}'
}
for phase in ${PHASES:-running stopped running stopped}; do
	if [ $phase = stopped ]; then $S stop-service quality >/dev/null; else $S start-service quality >/dev/null; fi
	sleep 3
	printf 'quality worker %s: ' "$phase"
	lines=$(wc -l <"$CITYINV_VAR/log/worker.log")
	node bench/saves.mjs "${SAVES:-400}" | tail -1
	waits "$lines"
	grep -h 'quality county .* took' "$CITYINV_VAR"/log/quality*.log 2>/dev/null | tail -3 | sed 's/^/  /' || true
done

# synthetic_stack.sh: sourced by bench scripts (not run).  The caller sets CITYINV_VAR and PORT;
# this gives it S (scripts/stack.sh), sql, idle and quality_idle (their queries on poll.sh's one
# client), and poll.sh's poll and poll_until; it stops the client and the stack by PID on exit,
# and synthetic_stack starts the stack, loads bench/synthetic.sql and waits, bounded, until every
# county-year is computed (and with "quality", until the quality job has caught up too).
S=scripts/stack.sh
sql() { $S sql -N -B "$@"; }
. bench/poll.sh
trap '$S stop >/dev/null 2>&1 || true; poll_close' EXIT
trap "exit 130" INT TERM
idle() { # the outbox empty: every change has its totals (asked every 0.1 s, at most 10 minutes)
	[ -n "$POLL_PID" ] || poll_open
	poll_until 'SELECT COUNT(*) FROM outbox WHERE done_at IS NULL' 0 6000 0.1
}
quality_idle() { # no quality run pending (at most 20 minutes)
	[ -n "$POLL_PID" ] || poll_open
	poll_until 'SELECT COUNT(*) FROM quality_queue WHERE done_for < requests' 0 12000 0.1
}
synthetic_stack() { # [quality]
	make -s all
	$S start >/dev/null
	sql <bench/synthetic.sql
	# The worker, restarted, queues the county-years whose rollups are incomplete (its startup check).
	local checks
	$S stop-service worker >/dev/null
	checks=$(grep -c 'startup check' "$CITYINV_VAR/log/worker.log" || true)
	$S start-service worker >/dev/null
	for _ in $(seq 600); do
		[ "$(grep -c 'startup check' "$CITYINV_VAR/log/worker.log" || true)" -gt "$checks" ] && break
		sleep 0.1
	done
	idle
	if [ "${1:-}" = quality ]; then quality_idle; fi
}

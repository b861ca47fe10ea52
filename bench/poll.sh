# poll.sh: sourced by bench scripts (not run).  The waits' queries on one long-lived client.
#
# `scripts/stack.sh sql` starts a shell, reads the secret and starts a client: about 100 ms of
# CPU a call (measured: 20 calls, 2.1 s user + sys).  A wait that asked it ten times a second
# took half a core of this machine's two beside what it was timing.  poll_open starts one
# mariadb client on a pipe (bash's coproc); poll asks it one query of one row and prints the
# row: a query on an open connection, no process started.
#   poll_open                      after the stack is up (CITYINV_VAR set; sets POLL_PID)
#   poll "SELECT COUNT(*) FROM t"  one row, one column; exits the script if the client is gone
#   poll_until SQL VALUE N SECS    asks SQL every SECS, at most N times, until it answers VALUE
#   poll_close                     the client stopped by its PID (also on the caller's EXIT)
POLL_PID=
poll_open() {
	local bin secret
	bin=$(command -v mariadb || command -v mysql)
	secret=$(sed -n 's/^CITYINV_DB_PASSWORD=//p' "$CITYINV_VAR/secrets.env")
	# -n: each answer is flushed at once, so that the read below sees it.
	coproc POLL { exec "$bin" --no-defaults --socket="$CITYINV_VAR/run/mysql.sock" -ucityinv -p"$secret" cityinv -N -B -n 2>&1; }
}
poll() {
	local row
	printf '%s;\n' "$1" >&"${POLL[1]}" && IFS= read -r -t 60 row <&"${POLL[0]}" || { echo "poll: no answer to: $1" >&2; exit 1; }
	printf '%s\n' "$row"
}
poll_until() {
	for _ in $(seq "$3"); do
		[ "$(poll "$1")" = "$2" ] && return 0
		sleep "$4"
	done
	return 1
}
poll_close() { # never fails: an EXIT trap under set -e would end at a failing command, before what follows it
	[ -n "${POLL_PID:-}" ] || return 0
	kill "$POLL_PID" 2>/dev/null || true
	wait "$POLL_PID" 2>/dev/null || true
	POLL_PID=
}

#!/bin/bash
# logs_test.sh: read last, after every other suite: what the stack's logs say of the whole run.
# No request, job or poll ended inside a transaction (request.c and the worker roll one back
# and log it: a handler that forgot its rollback), and no FastCGI process or worker died of a signal no test sent it
# (an abort or a crash: the tests that kill processes use SIGKILL or SIGTERM).
set -u
LOG=${CITYINV_VAR:?run through tests/run.sh}/log
n=0
t() { # t NAME OK(0/1) [DETAIL]
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | head -20 | sed 's/^/#   /'; fi
}
[ -s "$LOG/web.log" ] || { echo "not ok 1 - no web log in $LOG"; echo "1..1"; exit 1; }
left=$(grep -h -E 'transaction left open|left a transaction open' "$LOG"/web*.log "$LOG"/worker*.log "$LOG"/exporter*.log 2>/dev/null)
t "no request, job or poll left a transaction open (web, worker and exporter logs)" "$([ -z "$left" ]; echo $?)" "$left"
crash=$(grep -h -E 'killed by signal (4|6|7|8|11)\b|AddressSanitizer|runtime error:|(malloc|free|realloc|malloc_consolidate)\(\): |double free|corrupted size' "$LOG"/web*.log "$LOG"/worker*.log "$LOG"/exporter*.log 2>/dev/null)
t "no web process, worker or exporter crashed (SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, heap corruption)" "$([ -z "$crash" ]; echo $?)" "$crash"
echo "1..$n"

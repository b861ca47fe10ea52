#!/bin/bash
# profile_review.sh: where the time of the review page goes (issue 14): the page of bench/run.sh
# (a parent with 200 subordinates, cached) under wrk, with `perf record` of the whole machine
# (nginx, the FastCGI processes, MariaDB, the kernel), then the share of each process and the
# top symbols.  On a private stack with bench/synthetic.sql, stopped at the end by PID.
# Needs linux-perf and wrk (scripts/deps.sh test installs wrk).  Traffic goes to 127.0.0.1 only.
#   bench/profile_review.sh [seconds]      (10 by default)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECS=${1:-10}
TMP=$(mktemp -d /tmp/cityinv-prof.XXXXXX)
export CITYINV_VAR=$TMP/var PORT=${PORT:-28480}
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
. bench/synthetic_stack.sh
synthetic_stack quality
parent=$(sql -e "SELECT id FROM agencies WHERE code = 'BZ010000'")
cookie=$(node bench/saves.mjs login BZ010000)
url="http://127.0.0.1:$PORT/review?year=2020&agency=$parent"
wrk -t2 -c32 -d3s -H "Cookie: cityinv_session=$cookie" "$url" >/dev/null   # every process's cache filled
perf record -a -g -o "$TMP/perf.data" -- sleep "$SECS" >/dev/null 2>&1 &
PERF_PID=$!
wrk -t2 -c32 -d"${SECS}s" --latency -H "Cookie: cityinv_session=$cookie" "$url" | grep -E 'Requests/sec|50%|99%'
wait "$PERF_PID"
echo "== share of the samples by process"
perf report -i "$TMP/perf.data" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12
echo "== top symbols"
perf report -i "$TMP/perf.data" --no-children --sort comm,dso,symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40
echo "perf data: $TMP/perf.data"

#!/bin/bash
# ab.sh: two commits' programs on ONE stack and one data load, in turn, so that a change
# is judged without the run-to-run spread of separate stacks (bench/README.md, issue 11).
#   bench/ab.sh BEFORE_DIR [ROUNDS]
# BEFORE_DIR is another checkout with its programs built (make all); this checkout is
# "after" and runs the stack.  Prints one line per measure: which, what, figure.
# Traffic goes to 127.0.0.1 only; the stack is stopped on exit.
set -eu
BEFORE=$(cd "$1" && pwd)/build
ROUNDS=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
AFTER=$ROOT/build
TMP=$(mktemp -d /tmp/cityinv-ab.XXXXXX)
export CITYINV_VAR=$TMP/var PORT=${PORT:-28082}
. bench/synthetic_stack.sh
synthetic_stack
county=$(sql -e "SELECT id FROM counties WHERE letter = 'B'")
admin=$(sql -e "SELECT id FROM accounts WHERE kind = 'admin' LIMIT 1")
parent=$(sql -e "SELECT id FROM agencies WHERE code = 'BZ010000'")
cookie=$(node bench/saves.mjs login BZ010000)
url="http://127.0.0.1:$PORT/review?year=2020&agency=$parent"
set -a; . "$CITYINV_VAR/secrets.env"; set +a

for round in $(seq "$ROUNDS"); do
	for which in before after; do
		bin=$AFTER
		[ "$which" = before ] && bin=$BEFORE
		# The full recompute (worker), three jobs.
		$S stop-service worker >/dev/null
		CITYINV_BIN=$bin $S start-service worker >/dev/null
		sleep 1
		n0=$(grep -c "rollup county $county year 2020" "$CITYINV_VAR/log/worker.log" || true)
		for _ in 1 2 3; do
			sql -e "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES ($county, 2020, NULL, NOW(3))"
			$S redis-cli LPUSH cityinv:jobs "rollup $county 2020" >/dev/null
			idle
		done
		grep "rollup county $county year 2020" "$CITYINV_VAR/log/worker.log" | tail -n +$((n0 + 1)) |
			sed -n "s/.*, full, .*took \([0-9]*\) ms.*/$which recompute_ms \1/p"
		sql -e "SET @t = NOW(6);
CREATE TEMPORARY TABLE raw_rollup AS SELECT t.ancestor_id, SUM(IFNULL(r.own_total_milli, 0)) s, SUM(IFNULL(r.outsourced_total_milli, 0)) o,
  COUNT(*) n, SUM(r.id IS NULL) n0, SUM(r.filed <=> 0) n1, SUM(r.filed <=> 1) n2
  FROM agencies a JOIN agency_tree t ON t.ancestor_id = a.id JOIN agencies d ON d.id = t.descendant_id
  LEFT JOIN reports r ON r.agency_id = d.id AND r.year = 2020 WHERE a.county_id = $county GROUP BY t.ancestor_id;
SELECT CONCAT('$which raw_sql_ms ', TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) DIV 1000)"
		# The detail workbook, built by this worker alone.
		$S stop-service worker >/dev/null
		id=$(sql -e "INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at)
			VALUES ('inventory_detail', $county, NULL, 2020, $admin, 'ab.xlsx', NOW(3)); SELECT LAST_INSERT_ID()")
		"$bin/cityinv-worker" -c "$CITYINV_VAR/cityinv.conf" -e "$id" 2>/dev/null |
			sed -n "s/.*done in \([0-9]*\) ms.*/$which detail_ms \1/p"
		CITYINV_BIN=$bin $S start-service worker >/dev/null
		# The review page, served by these web processes.
		$S stop-service web >/dev/null
		CITYINV_BIN=$bin $S start-service web >/dev/null
		sleep 1
		curl -s -o /dev/null -H "Cookie: cityinv_session=$cookie" "$url"
		wrk -t2 -c32 -d5s -H "Cookie: cityinv_session=$cookie" "$url" | awk -v w="$which" '/Requests\/sec/ {print w, "review_rps", $2}'
	done
done | tee "$TMP/ab.out"
echo "== medians"
awk '{k = $1 " " $2; v[k, ++n[k]] = $3} END {
	for (k in n) {
		m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		print k, "median", a[int((m + 1) / 2)], "of", m
	}
}' "$TMP/ab.out" | sort
rm -rf "$TMP/ab.out"

#!/bin/bash
# factor_day.sh: factor day's speed (issue 15, SPEC-2 §3) on a private stack with the synthetic data:
# one year's electricity factor changed across 22 counties x 5,000 agencies (each agency a report of
# that year with its own and outsourced electricity), previewed and applied by the exporter worker
# with every rollup after it, beside a raw SQL baseline in the same run (an UPDATE of the same line
# rows and report totals, then the raw rollup of that year), and, for scale, the same raw SQL with
# every row factor day must also write (the lines' gases, an audit line and a notice a report).
# Prints the figures; a few minutes.
#   bench/factor_day.sh
# Traffic goes to 127.0.0.1 only; every process it starts is stopped by its PID (the stack's).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d /tmp/cityinv-fdbench.XXXXXX)
export CITYINV_VAR=$TMP/var PORT=${PORT:-28180}
. bench/synthetic_stack.sh
Y=2024
KEY=elec_grid_$Y
NEW=0.480
now() { date +%s.%N; }
# SQL: the seconds between two NOW(6) marks.
part() { echo "ROUND(TIMESTAMPDIFF(MICROSECOND, $1, $2) / 1000000, 2)"; }
secs() { awk "BEGIN {printf \"%.1f\", $2 - $1}"; }

# The raw SQL baseline's statements at factor value $1: the lines and totals updated, then the raw rollup.
raw_statements() {
	cat <<SQL
UPDATE report_lines l JOIN reports r ON r.id = l.report_id AND r.year = $Y
  SET l.kg_milli = ROUND(l.quantity_milli * $1), l.factor_text = '$1' WHERE l.item = 'electricity';
SET @t_lines = NOW(6);
UPDATE reports r JOIN (SELECT l.report_id, SUM(IF(l.part = 'own', l.kg_milli, 0)) o, SUM(IF(l.part = 'outsourced', l.kg_milli, 0)) x
    FROM report_lines l JOIN reports r2 ON r2.id = l.report_id AND r2.year = $Y GROUP BY l.report_id) s ON s.report_id = r.id
  SET r.own_total_milli = s.o, r.outsourced_total_milli = s.x;
SET @t_totals = NOW(6);
CREATE TEMPORARY TABLE raw_rollup AS SELECT t.ancestor_id, SUM(IFNULL(r.own_total_milli, 0)) s, SUM(IFNULL(r.outsourced_total_milli, 0)) o,
  COUNT(*) n, SUM(r.id IS NULL) n0, SUM(r.filed <=> 0) n1, SUM(r.filed <=> 1) n2
  FROM agencies a STRAIGHT_JOIN agency_tree t ON t.ancestor_id = a.id STRAIGHT_JOIN agencies d ON d.id = t.descendant_id
  LEFT JOIN reports r ON r.agency_id = d.id AND r.year = $Y GROUP BY t.ancestor_id;
SET @t_rollup = NOW(6);
SQL
}

exec > >(tee "$TMP/out")
# With the quality job's first pass done too: nothing else runs beside what is measured.
synthetic_stack quality
# Every synthetic agency a report of Y: 1,000-9,999 kWh of its own and 1/10 of that outsourced,
# lines at the factor in force, totals their sums (as saves would have stored them).
sql <<SQL
INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
  SELECT a.id, $Y, 1, 0, '測試', 0, 0, NOW() FROM agencies a
  WHERE a.code LIKE 'B%' AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = a.id AND r.year = $Y);
INSERT INTO report_items (report_id, part, item, seq, quantity_milli)
  SELECT r.id, p.part, 'electricity', 0, IF(p.part = 'own', 1000000 * (1000 + r.agency_id % 9000), 100000 * (1000 + r.agency_id % 9000))
  FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.code LIKE 'B%'
  JOIN (SELECT 'own' part UNION ALL SELECT 'outsourced') p WHERE r.year = $Y;
DELETE l FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.year = $Y;
INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources,
    provisional, iso_category)
  SELECT i.report_id, i.part, 'electricity', 0, 'stationary', 2, i.quantity_milli, ROUND(i.quantity_milli * f.value), f.value, '',
    '$Y 年電力排碳係數', f.source, 0, 2
  FROM report_items i JOIN reports r ON r.id = i.report_id AND r.year = $Y JOIN factors f ON f.fkey = '$KEY';
UPDATE reports r JOIN (SELECT report_id, SUM(IF(part = 'own', kg_milli, 0)) o, SUM(IF(part = 'outsourced', kg_milli, 0)) x
    FROM report_lines GROUP BY report_id) s ON s.report_id = r.id
  SET r.own_total_milli = s.o, r.outsourced_total_milli = s.x WHERE r.year = $Y;
INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT id, $Y, NULL, NOW(3) FROM counties;
SQL
# Every rollup, then the quality job they asked for: nothing else runs beside what is measured.
idle
quality_idle
echo "== $(sql -e "SELECT COUNT(*) FROM reports WHERE year = $Y") agency-years of $Y, $(sql -e "SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id WHERE r.year = $Y") electricity lines"

echo "== raw SQL: the same lines and totals updated, then the raw rollup of $Y (one transaction, rolled back)"
sql -e "SET @t = NOW(6); START TRANSACTION;
$(raw_statements "$NEW")
SELECT CONCAT('raw SQL: ', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1000000, 1), ' s');
SELECT CONCAT('  by statement: lines ', $(part @t @t_lines), ', totals ', $(part @t_lines @t_totals), ', raw rollup ', $(part @t_totals @t_rollup), ' s');
ROLLBACK"

echo "== factor day: $KEY changed to $NEW through the console"
t0=$(now)
id=$(node bench/factor_day.mjs propose "$KEY" "$NEW")
poll_until "SELECT preview_status FROM factor_changes WHERE id = $id" done 6000 0.1
t1=$(now)
echo "preview: $(secs "$t0" "$t1") s ($(sql -e "SELECT CONCAT(SUM(agency_years), ' agency-years, ', SUM(line_count), ' lines') FROM factor_change_effects WHERE change_id = $id"))"
node bench/factor_day.mjs apply "$id" >/dev/null
t2=$(now)
poll_until "SELECT status FROM factor_changes WHERE id = $id" done 12000 0.1
t3=$(now)
idle
t4=$(now)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$($S pid exporter)/status")
echo "run: $(secs "$t2" "$t3") s, then every rollup: $(secs "$t3" "$t4") s; applied with every rollup in $(secs "$t2" "$t4") s"
echo "exporter peak resident: $hwm KiB"
sql -e "SELECT CONCAT('changed ', changed_reports, ' reports, restated ', restated_reports, ', attempts ', attempts) FROM factor_changes WHERE id = $id"
# After the run (its big rollback left behind, MariaDB purges for a while: measured first, it slowed the run that
# followed), from the factor now in force to another, so that every row it writes changes.
NEW2=0.486
echo "== raw SQL again, with every row factor day must also write: each line's gases, an audit line and a notice a report (rolled back)"
sql -e "SET @t = NOW(6); START TRANSACTION;
$(raw_statements "$NEW2")
UPDATE report_line_gases g JOIN reports r ON r.id = g.report_id AND r.year = $Y SET g.kg_milli = ROUND(g.kg_milli * $NEW2 / $NEW);
SET @t_gases = NOW(6);
INSERT INTO audit_log (at, account_id, agency_id, year, field, old_value, new_value, client_addr)
  SELECT NOW(3), NULL, r.agency_id, r.year, '係數更新', CONCAT('$Y 年電力排碳係數 $NEW：自有 ', r.own_total_milli, ' kgCO₂e'),
    CONCAT('$Y 年電力排碳係數 $NEW2：自有 ', r.own_total_milli, ' kgCO₂e'), 'factor-day' FROM reports r WHERE r.year = $Y ORDER BY r.id;
SET @t_audit = NOW(6);
INSERT INTO factor_changes (fkey, is_new, category, unit, value, source, confidence, first_year, last_year, created_at)
  VALUES ('bench', 0, 'electricity', 'kWh', '$NEW2', 'bench', 'official', $Y, $Y, NOW());
INSERT INTO factor_notices (change_id, agency_id, year, old_own_milli, new_own_milli, old_outsourced_milli, new_outsourced_milli, restated,
    created_at) SELECT LAST_INSERT_ID(), r.agency_id, r.year, r.own_total_milli, r.own_total_milli, r.outsourced_total_milli,
    r.outsourced_total_milli, 0, NOW() FROM reports r WHERE r.year = $Y;
SET @t_notices = NOW(6);
SELECT CONCAT('raw SQL with every row: ', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, @t_notices) / 1000000, 1), ' s');
SELECT CONCAT('  by statement: lines ', $(part @t @t_lines), ', totals ', $(part @t_lines @t_totals), ', raw rollup ', $(part @t_totals @t_rollup),
  ', gases ', $(part @t_rollup @t_gases), ', audit ', $(part @t_gases @t_audit), ', factor_changes and notices ', $(part @t_audit @t_notices), ' s');
ROLLBACK"

raw=$(sed -n 's/^raw SQL: \([0-9.]*\) s/\1/p' "$TMP/out")
echo "== ratio: factor day with every rollup / raw SQL $(awk "BEGIN {printf \"%.2f\", ($t4 - $t2) / $raw}") ($(secs "$t2" "$t4") / $raw s)"
full=$(sed -n 's/^raw SQL with every row: \([0-9.]*\) s/\1/p' "$TMP/out")
echo "== for scale: raw SQL with every row / raw SQL $(awk "BEGIN {printf \"%.2f\", $full / $raw}"); factor day / raw SQL with every row $(awk "BEGIN {printf \"%.2f\", ($t4 - $t2) / $full}")"

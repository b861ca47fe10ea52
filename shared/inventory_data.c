/* inventory_data.c: the county inventory (清冊) of a year, loaded in a few grouped queries. */
#include <stdio.h>
#include <string.h>

#include "inventory_data.h"

/*
 * DESIGN: every figure is a sum of stored lines: the agencies' report
 * lines (own; the outsourced apart) of the county's active agencies and
 * the team's non-agency lines (removals, negative, apart).  So the total
 * is, by construction, the agencies' part plus the non-agency part, and
 * each breakdown (category, scope) adds up to it; the tests check that
 * against independent SQL.  Charts are geometry only: the numbers shown
 * are the tables' exact decimals.
 *
 * No sum can wrap: MySQL's SUM() of a BIGINT is a DECIMAL, read back with
 * db_col_i64() (refused when it does not fit, never saturated), and every
 * sum here is a checked add (dec_add_i64()).  Within the bounds of
 * inventory_data.h nothing is refused; beyond them (rows written around the
 * application) the load fails with INVENTORY_RANGE instead of a wrong figure.
 */

#include "agency_import.h"
#include "decimal.h"
#include "util.h"

/* The proof of BOUNDS (inventory_data.h), in 128 bits so the check itself cannot wrap. */
_Static_assert(1000 * ((dec_i128)AGENCY_MAX_PER_COUNTY * CALC_REPORT_MAX_KG + (dec_i128)NA_MAX_LINES * NA_LINE_MAX_KG) * 30 <=
	       (dec_i128)9223372036854775807LL, "a county-year's sums must fit int64 thousandths with a margin of 30");

/* *acc += v for each of the n accumulators; 0 or -1 (nothing beyond the first failing one is added). */
static int add(long long v, long long *a, long long *b, long long *c, long long *d)
{
	long long *acc[4] = { a, b, c, d };

	for (int i = 0; i < 4; i++)
		if (acc[i] && dec_add_i64(*acc[i], v, acc[i]))
			return -1;
	return 0;
}

static int out_of_range(int county_id, int year, const char *what)
{
	error("inventory county %d year %d: the sum of %s does not fit in 64 bits (rows beyond the bounds?)",
	      county_id, year, what);
	return INVENTORY_RANGE;
}

static int category_of(const char *key)
{
	for (int c = 0; c < INV_CAT__MAX; c++)
		if (!strcmp(inv_category_keys[c], key))
			return c;
	return -1;
}

int inventory_load(struct db *db, int county_id, int year, struct inventory *inv)
{
	struct db_stmt *st;

	memset(inv, 0, sizeof(*inv));
	inv->county_id = county_id;
	inv->year = year;
	st = db_prepare(db, "SELECT name FROM counties WHERE id = ?");
	if (!st || (db_bind_int(st, 0, county_id), db_exec(st)))
		return -1;
	if (db_step(st) == 1) {
		snprintf(inv->county_name, sizeof(inv->county_name), "%s", db_col_text(st, 0, NULL));
		db_reset(st);
	}
	/* The agencies' lines by part, category and scope. */
	st = db_prepare(db,
		"SELECT l.part, l.category, l.scope, SUM(l.kg_milli) FROM report_lines l JOIN reports r ON r.id = l.report_id"
		" JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ? AND a.active = 1 AND r.year = ?"
		" GROUP BY l.part, l.category, l.scope");
	if (!st || (db_bind_int(st, 0, county_id), db_bind_int(st, 1, year), db_exec(st)))
		return -1;
	while (db_step(st) == 1) {
		int c = category_of(db_col_text(st, 1, NULL)), scope = (int)db_col_int(st, 2);
		long long v;

		if (db_col_i64(st, 3, &v)) {
			db_reset(st);
			return out_of_range(county_id, year, "agency lines");
		}
		if (!strcmp(db_col_text(st, 0, NULL), "outsourced")) {
			if (add(v, &inv->outsourced, NULL, NULL, NULL)) {
				db_reset(st);
				return out_of_range(county_id, year, "outsourced lines");
			}
			continue;
		}
		if (c < 0 || scope < 1 || scope > 2)
			continue;
		if (add(v, &inv->agencies_total, &inv->agencies_by_category[c], &inv->by_category[c], &inv->by_scope[scope])) {
			db_reset(st);
			return out_of_range(county_id, year, "agency lines");
		}
	}
	/* The non-agency lines: emissions by category and scope, removals apart. */
	st = db_prepare(db,
		"SELECT category, scope, SUM(IF(kg_milli > 0, kg_milli, 0)), SUM(IF(kg_milli < 0, kg_milli, 0))"
		" FROM county_activities WHERE county_id = ? AND year = ? GROUP BY category, scope");
	if (!st || (db_bind_int(st, 0, county_id), db_bind_int(st, 1, year), db_exec(st)))
		return -1;
	while (db_step(st) == 1) {
		int c = (int)db_col_int(st, 0), scope = (int)db_col_int(st, 1);
		long long v, r;

		if (db_col_i64(st, 2, &v) || db_col_i64(st, 3, &r) || add(r, &inv->removals, NULL, NULL, NULL)) {
			db_reset(st);
			return out_of_range(county_id, year, "non-agency lines");
		}
		if (c < 0 || c >= INV_CAT__MAX || scope < 1 || scope > 2)
			continue;
		if (add(v, &inv->nonagency_total, &inv->nonagency_by_category[c], &inv->by_category[c], &inv->by_scope[scope])) {
			db_reset(st);
			return out_of_range(county_id, year, "non-agency lines");
		}
	}
	if (dec_add_i64(inv->agencies_total, inv->nonagency_total, &inv->total))
		return out_of_range(county_id, year, "the total");
	/* By agency level, and the filing counts. */
	st = db_prepare(db,
		"SELECT LEAST(a.level, ?), COUNT(*), COUNT(r.id), SUM(IFNULL(r.confirmed, 0)), SUM(IFNULL(r.own_total_milli, 0))"
		" FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.active = 1 GROUP BY LEAST(a.level, ?)");
	if (!st || (db_bind_int(st, 0, INV_LEVELS), db_bind_int(st, 1, year), db_bind_int(st, 2, county_id),
		    db_bind_int(st, 3, INV_LEVELS), db_exec(st)))
		return -1;
	while (db_step(st) == 1) {
		int lv = (int)db_col_int(st, 0);

		long long v;

		inv->n_agencies += (int)db_col_int(st, 1);
		inv->n_reported += (int)db_col_int(st, 2);
		inv->n_complete += (int)db_col_int(st, 3);
		if (db_col_i64(st, 4, &v)) {
			db_reset(st);
			return out_of_range(county_id, year, "a level");
		}
		if (lv >= 1 && lv <= INV_LEVELS)
			inv->by_level[lv] = v;
	}
	/* The largest emitters (each agency's own report, not its subtree). */
	st = db_prepare(db,
		"SELECT a.code, a.name, a.level, r.own_total_milli FROM reports r JOIN agencies a ON a.id = r.agency_id"
		" WHERE a.county_id = ? AND a.active = 1 AND r.year = ? AND r.own_total_milli > 0"
		" ORDER BY r.own_total_milli DESC, a.code LIMIT 20");
	if (!st || (db_bind_int(st, 0, county_id), db_bind_int(st, 1, year), db_exec(st)))
		return -1;
	while (inv->ntop < INV_TOP && db_step(st) == 1) {
		snprintf(inv->top[inv->ntop].code, sizeof(inv->top[0].code), "%s", db_col_text(st, 0, NULL));
		snprintf(inv->top[inv->ntop].name, sizeof(inv->top[0].name), "%s", db_col_text(st, 1, NULL));
		inv->top[inv->ntop].level = (int)db_col_int(st, 2);
		inv->top[inv->ntop].milli = db_col_int(st, 3);
		inv->ntop++;
	}
	/* The trend: each year's total, the same sums. */
	st = db_prepare(db,
		"SELECT y, SUM(v) FROM ("
		" SELECT r.year y, r.own_total_milli v FROM reports r JOIN agencies a ON a.id = r.agency_id"
		"  WHERE a.county_id = ? AND a.active = 1"
		" UNION ALL SELECT year, kg_milli FROM county_activities WHERE county_id = ? AND kg_milli > 0) t"
		" WHERE y BETWEEN ? AND ? GROUP BY y");
	if (!st || (db_bind_int(st, 0, county_id), db_bind_int(st, 1, county_id), db_bind_int(st, 2, INV_YEAR_FIRST),
		    db_bind_int(st, 3, INV_YEAR_LAST), db_exec(st)))
		return -1;
	while (db_step(st) == 1) {
		int y = (int)db_col_int(st, 0) - INV_YEAR_FIRST;

		if (y >= 0 && y < INV_YEARS) {
			if (db_col_i64(st, 1, &inv->trend[y])) {
				db_reset(st);
				return out_of_range(county_id, INV_YEAR_FIRST + y, "the trend");
			}
			inv->trend_has[y] = 1;
		}
	}
	return 0;
}


/* store_inventory_test.c: the county inventory's sums, the stamp of its workbooks and their rows
 * (store_inventory), on a county of the test's own (id 99, letter Y) inside a transaction rolled back. */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "store_inventory.h"
#include "store_report.h"
#include "store_year_lock.h"
#include "store_test.h"

#define TC 99   /* the test's county: no other has this id, and the letter Y is no longer in use */
#define LL(x) ((long long)(x))
#define HUGE_KG "5000000000000000000"   /* two of these sum beyond int64 */

#define q store_test_q

static int y;                  /* the first year served */
static long long r, c, g, d;   /* 一級, 二級 under it, 三級 under that, an inactive 二級 */
static long long admin;

/* What the callbacks saw. */
static struct {
	int rows, fits_all;
	long long own, outsourced, emissions, removals;
	long long sum[8];
	char text[512];
	long long last;
} seen;

static void reset(void)
{
	memset(&seen, 0, sizeof(seen));
	seen.fits_all = 1;
}

static void setup(struct db *db)
{
	admin = store_test_int(db, "SELECT MIN(id) FROM accounts WHERE kind = 'admin'");
	ok(q(db, "INSERT INTO counties (id, letter, name) VALUES (?, 'Y', '儲存測試縣')", 1, LL(TC)) >= 0 &&
	   q(db, "INSERT INTO inventory_years (county_id, year, is_open) VALUES (?, ?, 0), (?, ? + 1, 1)", 4, LL(TC), LL(y), LL(TC), LL(y)) >= 0,
	   "a county of the test's own: a closed year and an open one");
	r = q(db, "INSERT INTO agencies (county_id, code, name, level) VALUES (?, 'STIN1', '一級機關', 1)", 1, LL(TC));
	c = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name) VALUES (?, 'STIN2', '二級機關', 2, ?, '承辦')",
	      2, LL(TC), r);
	g = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, 'STIN3', '三級機關', 3, ?)", 2, LL(TC), c);
	d = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id, active) VALUES (?, 'STIN4', '停用', 2, ?, 0)", 2, LL(TC), r);
	ok(r > 0 && c > 0 && g > 0 && d > 0, "four agencies, one inactive");
	ok(q(db, "INSERT INTO reports (agency_id, year, filed, own_total_milli, outsourced_total_milli) VALUES"
		 " (?, ?, 1, 1300, 50), (?, ?, 0, 700, 0), (?, ?, 1, 9999, 0), (?, ? + 1, 0, " HUGE_KG ", 0), (?, ? + 1, 0, " HUGE_KG ", 0)",
		 10, r, LL(y), c, LL(y), d, LL(y), r, LL(y), c, LL(y)) >= 0, "reports (the next year's beyond int64 together)");
	ok(q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources)"
		 " SELECT p.id, x.part, x.item, x.seq, x.cat, x.scope, 1000, x.kg, '1', 'AR5', 'm', 's' FROM reports p JOIN ("
		 "  SELECT ? a, 'own' part, 'electricity' item, 0 seq, 'stationary' cat, 2 scope, 1000 kg"
		 "  UNION ALL SELECT ?, 'own', 'vehicle_gasoline', 0, 'transport', 1, 300"
		 "  UNION ALL SELECT ?, 'outsourced', 'electricity', 0, 'stationary', 2, 50"
		 "  UNION ALL SELECT ?, 'own', 'refrigerant', 0, 'fugitive', 1, 700"
		 "  UNION ALL SELECT ?, 'own', 'electricity', 0, 'stationary', 2, 9999) x ON x.a = p.agency_id WHERE p.year = ?",
		 6, r, r, r, c, d, LL(y)) >= 0, "their lines");
	ok(q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources)"
		 " SELECT id, 'own', 'refrigerant', s.n, 'fugitive', 1, 1, " HUGE_KG ", '1', 'AR5', 'm', 's' FROM reports"
		 " JOIN (SELECT 0 n UNION ALL SELECT 1) s WHERE agency_id = ? AND year = ? + 1", 2, r, LL(y)) >= 0,
	   "two lines the next year whose sum is beyond int64");
	ok(q(db, "INSERT INTO county_activities (county_id, year, method, description, quantity, opt1, opt2, kg_milli, category, scope,"
		 " factor_text, unit_text, method_text, sources, created_by, updated_by, created_at, updated_at) VALUES"
		 " (?, ?, 'elec_street', '路燈', 1, NULL, NULL, 500, 0, 2, 'f', 'u', 'm', 's', ?, ?, NOW(3), NOW(3)),"
		 " (?, ?, 'elec_street', '號誌', 1, 'a', 'b', 250, 0, 2, 'f', 'u', 'm', 's', ?, ?, NOW(3), NOW(3)),"
		 " (?, ?, 'landuse', '林地', 1, NULL, NULL, -400, 5, 1, 'f', 'u', 'm', 's', ?, ?, NOW(3), NOW(3))",
		 12, LL(TC), LL(y), admin, admin, LL(TC), LL(y), admin, admin, LL(TC), LL(y), admin, admin) > 0,
	   "non-agency lines: two emissions, one removal");
}

static int agency_sum(void *ctx, const struct store_inventory_agency_sum *row)
{
	(void)ctx;
	seen.rows++;
	seen.fits_all &= row->fits;
	if (!strcmp(row->part, "own"))
		seen.own += row->milli;
	else
		seen.outsourced += row->milli;
	if (!strcmp(row->category, "transport") && row->scope == 1)
		seen.sum[0] = row->milli;
	return 0;
}

static int nonagency_sum(void *ctx, const struct store_inventory_nonagency_sum *row)
{
	(void)ctx;
	seen.rows++;
	seen.fits_all &= row->fits;
	seen.emissions += row->emissions;
	seen.removals += row->removals;
	return 0;
}

static int level(void *ctx, const struct store_inventory_level *row)
{
	(void)ctx;
	seen.rows++;
	seen.fits_all &= row->fits;
	if (row->level >= 0 && row->level < 8)
		seen.sum[row->level] = row->n_agencies * 1000000LL + row->n_status[REPORT_NONE] * 100000 + row->n_status[REPORT_DRAFT] * 10000
			+ row->n_returned * 1000 + row->n_status[REPORT_FILED] * 100 + row->n_status[REPORT_CONFIRMED] * 10;
	seen.own += row->milli;
	return 0;
}

static int top(void *ctx, const struct store_inventory_top *row)
{
	(void)ctx;
	snprintf(seen.text + strlen(seen.text), sizeof(seen.text) - strlen(seen.text), "%s:%lld:%d/%d/%d/%d;", row->code, row->milli,
		 row->state.status, row->state.returned, row->state.confirmed_version, row->state.last_version);
	return 0;
}

static int trend(void *ctx, const struct store_inventory_trend *row)
{
	(void)ctx;
	seen.rows++;
	seen.fits_all &= row->fits;
	seen.last = row->year;
	seen.own = row->milli;
	return 0;
}

static void test_sums(struct db *db)
{
	reset();
	ok(store_inventory_each_agency_sum(db, TC, y, 0, agency_sum, NULL) == 0 && seen.fits_all, "the agencies' sums");
	is_int(seen.own, q(db, "SELECT SUM(l.kg_milli) FROM report_lines l JOIN reports p ON p.id = l.report_id JOIN agencies a ON a.id = p.agency_id"
			       " WHERE a.county_id = ? AND a.active = 1 AND p.year = ? AND l.part = 'own'", 2, LL(TC), LL(y)),
	       "own: the active agencies' lines (%lld)", seen.own);
	is_int(seen.outsourced, 50, "outsourced apart");
	is_int(seen.sum[0], 300, "transport, scope 1 on its own row");
	reset();
	ok(store_inventory_each_agency_sum(db, TC, y + 1, 0, agency_sum, NULL) == 0 && seen.rows == 1 && !seen.fits_all && seen.own == 0,
	   "a sum beyond int64: read as not fitting, never wrapped");

	reset();
	ok(store_inventory_each_nonagency_sum(db, TC, y, nonagency_sum, NULL) == 0 && seen.fits_all && seen.rows == 2, "the non-agency sums");
	ok(seen.emissions == 750 && seen.removals == -400, "emissions %lld, removals %lld apart", seen.emissions, seen.removals);
	reset();
	ok(store_inventory_each_nonagency_sum(db, TC, y + 1, nonagency_sum, NULL) == 0 && seen.rows == 0, "none the next year");

	reset();
	ok(store_inventory_each_level(db, TC, y, 0, 2, level, NULL) == 0 && seen.rows == 2 && seen.fits_all, "two levels when deeper ones count as 2");
	is_int(seen.sum[1], 1000100, "level 1: one agency, 已登錄完成");
	is_int(seen.sum[2], 2110000, "level 2: the 二級 and the 三級 agency, one 登錄中 and one 未登錄");
	is_int(seen.own, 2000, "their own reports, the inactive one's not");
	reset();
	ok(store_inventory_each_level(db, TC, y, 0, 6, level, NULL) == 0 && seen.rows == 3, "three levels otherwise");

	reset();
	ok(store_inventory_each_top(db, TC, y, 0, top, NULL) == 0, "the largest emitters");
	is_str(seen.text, "STIN1:1300:2/0/0/0;STIN2:700:1/0/0/0;", "largest first, with their states; neither a zero report nor an inactive agency");

	reset();
	ok(store_inventory_each_trend(db, TC, y, y, trend, NULL) == 0 && seen.rows == 1 && seen.last == y, "the trend of one year");
	is_int(seen.own, 2000 + 750, "the active agencies' reports and the non-agency emissions");
	reset();
	ok(store_inventory_each_trend(db, TC, y + 1, y + 1, trend, NULL) == 0 && seen.rows == 1 && !seen.fits_all, "beyond int64: not fitting");
	reset();
	ok(store_inventory_each_trend(db, TC, y - 9, y, trend, NULL) == 0 && seen.rows == 1 && seen.last == y && seen.fits_all,
	   "years up to y: the reports of y + 1 left out");
	is_int(seen.own, 2000 + 750, "the sum of y, as on its own");
	reset();
	ok(store_inventory_each_trend(db, TC, y + 1, y + 9, trend, NULL) == 0 && seen.rows == 1 && seen.last == y + 1,
	   "years from y + 1: the non-agency emissions of y left out");
	reset();
	ok(store_inventory_each_trend(db, TC, y + 2, y + 9, trend, NULL) == 0 && seen.rows == 0, "years without data: none");
}

static void test_stamp(struct db *db)
{
	char stamp[STORE_INVENTORY_STAMP_MAX + 1] = "", again[STORE_INVENTORY_STAMP_MAX + 1] = "";
	long long box;

	ok(store_inventory_stamp(db, TC, stamp) == 0, "the stamp");
	ok(!strncmp(stamp, "0/3:", 4), "no outbox row yet, three non-agency lines (%s)", stamp);
	box = q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, ?, NOW(3) + INTERVAL 1 MINUTE)", 3, LL(TC),
		LL(y), c);
	ok(store_inventory_stamp(db, TC, again) == 0, "the stamp again");
	ok(strcmp(stamp, again) && atoll(again) == box, "a change moves it: it names the newest outbox row (%s)", again);
	/* 確認, 退回 and 重新開放 make no outbox row: the reports' states move it. */
	ok(q(db, "UPDATE reports SET confirmed_version = 1, last_version = 1 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) == 0, "(確認)");
	ok(store_inventory_stamp(db, TC, stamp) == 0 && strcmp(stamp, again), "確認 moves it (%s)", stamp);
	ok(q(db, "UPDATE reports SET confirmed_version = NULL, filed = 0 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) == 0, "(重新開放)");
	ok(store_inventory_stamp(db, TC, again) == 0 && strcmp(stamp, again), "重新開放 moves it (%s)", again);
	ok(q(db, "UPDATE reports SET filed = 1, last_version = 0 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) == 0 &&
	   store_inventory_stamp(db, TC, stamp) == 0, "(as it was)");
	ok(q(db, "UPDATE reports SET filed = 0, returned = 1 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) == 0 &&
	   store_inventory_stamp(db, TC, again) == 0 && strcmp(stamp, again), "退回 moves it (%s)", again);
	ok(q(db, "UPDATE reports SET filed = 1, returned = 0 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) == 0, "(as it was)");
}

static int line(void *ctx, const struct store_inventory_line *row)
{
	seen.rows++;
	if (row->agency != seen.last)
		seen.sum[0]++;
	seen.last = row->agency;
	seen.sum[1] += row->has_line;
	seen.sum[2] += row->kg_milli;
	seen.sum[3] += row->state.status * 1000 + row->state.returned * 100 + row->state.confirmed_version * 10 + row->state.last_version;
	if (!row->has_line)
		snprintf(seen.text, sizeof(seen.text), "%s %s %d", row->code, row->parent_code, row->state.status);
	return ctx ? *(int *)ctx : 0;
}

/* The lines of the next `limit` agencies after `after` through line(); the chunk's last agency id into *last (may be NULL). */
static int read_lines(struct db *db, long long after, int limit, long long *last)
{
	struct store_inventory_lines ls;
	int rc;

	store_inventory_lines_init(&ls);
	rc = store_inventory_read_lines(db, TC, y, 0, after, limit, &ls);
	for (size_t i = 0; !rc && i < ls.n; i++)
		line(NULL, &ls.v[i]);
	if (last)
		*last = ls.last;
	store_inventory_lines_release(&ls);
	return rc;
}

static int filing(void *ctx, const struct store_inventory_filing *row)
{
	(void)ctx;
	seen.rows++;
	seen.last = row->agency;
	snprintf(seen.text + strlen(seen.text), sizeof(seen.text) - strlen(seen.text), "%s<%s>%d/%d/%d/%d%s;", row->code, row->parent_name,
		 row->state.status, row->state.returned, row->state.confirmed_version, row->state.last_version, row->contact_name);
	return 0;
}

/* The states and versions the workbooks state: 已確認 in version 2, then 登錄中（退回） reopened after version 1. */
static void test_states(struct db *db)
{
	ok(q(db, "UPDATE reports SET confirmed_version = 2, last_version = 2 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) == 0 &&
	   q(db, "UPDATE reports SET returned = 1, last_version = 1 WHERE agency_id = ? AND year = ?", 2, c, LL(y)) == 0,
	   "(the 一級 agency 已確認 in version 2, the 二級 one 登錄中（退回） after version 1)");
	reset();
	ok(store_inventory_each_filing(db, TC, y, 0, 0, 400, filing, NULL) == 0, "the filing again");
	is_str(seen.text, "STIN1<>3/0/2/2;STIN2<一級機關>1/1/0/1承辦;STIN3<二級機關>0/0/0/0;", "their states and versions");
	reset();
	ok(read_lines(db, 0, 400, NULL) == 0 && seen.sum[3] == 3 * 3022 + 1101 && !strcmp(seen.text, "STIN3 STIN2 0"),
	   "each line with its agency's state (%lld)", seen.sum[3]);
	reset();
	ok(store_inventory_each_top(db, TC, y, 0, top, NULL) == 0, "the largest emitters");
	is_str(seen.text, "STIN1:1300:3/0/2/2;STIN2:700:1/1/0/1;", "with their versions");
	reset();
	ok(store_inventory_each_level(db, TC, y, 0, 2, level, NULL) == 0, "the levels");
	ok(seen.sum[1] == 1000010 && seen.sum[2] == 2111000, "已確認 at level 1; 登錄中 of which 退回 at level 2 (%lld, %lld)",
	   seen.sum[1], seen.sum[2]);
	ok(q(db, "UPDATE reports SET confirmed_version = NULL, last_version = 0 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) == 0 &&
	   q(db, "UPDATE reports SET returned = 0, last_version = 0 WHERE agency_id = ? AND year = ?", 2, c, LL(y)) == 0, "(as they were)");
}

/*
 * The lines in the order the one statement gave them before they were
 * sorted in C (ORDER BY agency, part DESC, item, seq, in the columns'
 * collations), whatever the items' case and underscores; and each gas row
 * on its own line.
 */
static void test_line_order(struct db *db)
{
	struct store_inventory_lines ls;
	struct db_stmt *st;
	char want[512] = "", got[512] = "";
	int n = 0, gases_ok;

	ok(q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources)"
		 " SELECT p.id, x.part, x.item, x.seq, 'stationary', 1, 1, 1, '1', 'AR5', 'm', 's' FROM reports p JOIN ("
		 "  SELECT 'own' part, 'ext_co2' item, 2 seq UNION ALL SELECT 'own', 'EXTRA', 0 UNION ALL SELECT 'own', 'ext_co2', 10"
		 "  UNION ALL SELECT 'outsourced', 'Ext', 1 UNION ALL SELECT 'own', 'ext', 0 UNION ALL SELECT 'outsourced', 'a_b', 0"
		 "  UNION ALL SELECT 'outsourced', 'aab', 0) x WHERE p.agency_id = ? AND p.year = ?", 2, c, LL(y)) >= 0 &&
	   q(db, "INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli, ef_lower_milli, ef_upper_milli)"
		 " SELECT id, 'own', 'ext_co2', 10, 'CH4', 42, 100, 200 FROM reports WHERE agency_id = ? AND year = ?"
		 " UNION ALL SELECT id, 'own', 'electricity', 0, 'NF3', 7, NULL, NULL FROM reports WHERE agency_id = ? AND year = ?"
		 " UNION ALL SELECT id, 'outsourced', 'electricity', 0, 'CO2', 50, NULL, NULL FROM reports WHERE agency_id = ? AND year = ?",
		 6, c, LL(y), r, LL(y), r, LL(y)) >= 0,
	   "(lines whose items differ in case and underscores, both parts; three gas rows)");
	st = db_prepare(db, "SELECT a.code, l.part, l.item, l.seq FROM agencies a JOIN reports p ON p.agency_id = a.id AND p.year = ?"
			    " JOIN report_lines l ON l.report_id = p.id WHERE a.county_id = ? AND a.active = 1 ORDER BY a.id, l.part DESC, l.item, l.seq");
	if (st) {
		db_bind_int(st, 0, y);
		db_bind_int(st, 1, TC);
		if (!db_exec(st))
			while (db_step(st) == 1)
				snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s/%s/%s/%lld ", db_col_text(st, 0, NULL),
					 db_col_text(st, 1, NULL), db_col_text(st, 2, NULL), db_col_int(st, 3));
		db_reset(st);
	}
	store_inventory_lines_init(&ls);
	ok(store_inventory_read_lines(db, TC, y, 0, 0, 400, &ls) == 0, "the lines");
	gases_ok = 1;
	for (size_t i = 0; i < ls.n; i++) {
		const struct store_inventory_line *l = &ls.v[i];
		int co2 = l->agency == r && !strcmp(l->part, "outsourced") && !strcmp(l->item, "electricity");
		int nf3 = l->agency == r && !strcmp(l->part, "own") && !strcmp(l->item, "electricity");
		int ch4 = l->agency == c && !strcmp(l->item, "ext_co2") && l->seq == 10;

		if (l->has_line)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s/%s/%s/%d ", l->code, l->part, l->item, l->seq);
		for (int k = 0; k < STORE_INVENTORY_GASES; k++) {
			int want_gas = (k == 0 && co2) || (k == 1 && ch4) || (k == 6 && nf3);

			n += l->gas[k].present;
			if (l->gas[k].present != want_gas)
				gases_ok = 0;
		}
		if (ch4 && (l->gas[1].milli != 42 || l->gas[1].ef_lower != 100 || l->gas[1].ef_upper != 200))
			gases_ok = 0;
		if (nf3 && (l->gas[6].milli != 7 || l->gas[6].ef_lower != -1 || l->gas[6].ef_upper != -1))
			gases_ok = 0;
	}
	store_inventory_lines_release(&ls);
	ok(want[0] && !strcmp(got, want), "in the statement's order: %s", got);
	ok(gases_ok && n == 3, "each gas row on its line and gas, with its interval (%d)", n);
}

static int count_exclusion(void *ctx, const struct store_report_exclusion *row)
{
	(void)ctx;
	(void)row;
	seen.rows++;
	return 0;
}

static int count_noted(void *ctx, const struct store_report_noted *row)
{
	(void)ctx;
	(void)row;
	seen.rows++;
	return 0;
}

/*
 * A locked year counts the agencies it was locked with, at their parents
 * and levels then (year_lock_agencies), whatever happened to the tree since:
 * the 三級 agency moved to 一級, the 二級 one deactivated, a new one created.
 * The year not locked (lock 0) sees the tree as it is.
 */
static void test_locked(struct db *db)
{
	long long lock = 0, seen_lock = -1, n;
	long long level1, level2, level3;

	ok(store_year_lock_take(db, TC, y, admin, &lock) == 0 && lock > 0, "the year locked");
	ok(store_inventory_lock(db, TC, y, &seen_lock) == 0 && seen_lock == lock, "its lock read back");
	ok(store_inventory_lock(db, TC, y + 1, &seen_lock) == 0 && seen_lock == 0, "the next year's: none");
	ok(q(db, "UPDATE agencies SET parent_id = NULL, level = 1 WHERE id = ?", 1, g) == 0 &&
	   q(db, "UPDATE agencies SET active = 0 WHERE id = ?", 1, c) == 0, "(the 三級 agency moved to 一級, the 二級 one deactivated)");
	n = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, 'STIN5', '新機關', 2, ?)", 2, LL(TC), r);
	ok(n > 0, "(an agency created)");

	reset();
	ok(store_inventory_each_level(db, TC, y, lock, 6, level, NULL) == 0 && seen.rows == 3, "the levels as locked");
	level1 = seen.sum[1], level2 = seen.sum[2], level3 = seen.sum[3];
	ok(level1 == 1000100 && level2 == 1010000 && level3 == 1100000 && seen.own == 2000,
	   "一級 已登錄完成, 二級 登錄中, 三級 未登錄, their 2,000 (%lld %lld %lld %lld)", level1, level2, level3, seen.own);
	reset();
	ok(store_inventory_each_level(db, TC, y, 0, 6, level, NULL) == 0, "the levels of the tree as it is");
	ok(seen.sum[1] == 2100100 && seen.sum[2] == 1100000 && seen.own == 1300,
	   "not locked: two 一級 agencies, the new 二級 one, the deactivated one's report gone (%lld %lld %lld)", seen.sum[1], seen.sum[2], seen.own);
	reset();
	ok(store_inventory_each_agency_sum(db, TC, y, lock, agency_sum, NULL) == 0, "the sums as locked");
	is_int(seen.own, 2000, "the deactivated agency's report among them");
	ok(q(db, "INSERT INTO report_exclusions (report_id, seq, name, reason) SELECT id, 1, '鍋爐', '已停用' FROM reports"
		 " WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0 &&
	   q(db, "INSERT INTO report_items (report_id, part, item, seq, notation, notation_text) SELECT id, 'own', 'lpg', 0, 'NE', '無資料'"
		 " FROM reports WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0, "(the deactivated agency's report: an exclusion, an NE line)");
	reset();
	ok(store_report_exclusions_county(db, TC, y, lock, count_exclusion, NULL) == 0 && seen.rows == 1, "its exclusion as locked");
	reset();
	ok(store_report_exclusions_county(db, TC, y, 0, count_exclusion, NULL) == 0 && seen.rows == 0, "not in the tree as it is");
	reset();
	ok(store_report_noted_county(db, TC, y, lock, count_noted, NULL) == 0 && seen.rows == 1, "its NE line as locked");
	reset();
	ok(store_report_noted_county(db, TC, y, 0, count_noted, NULL) == 0 && seen.rows == 0, "not in the tree as it is");
	reset();
	ok(store_inventory_each_trend(db, TC, y, y + 1, trend, NULL) == 0 && seen.rows == 2, "the trend over the locked year and the next");
	reset();
	ok(store_inventory_each_trend(db, TC, y, y, trend, NULL) == 0 && seen.own == 2000 + 750,
	   "the locked year's point: its agencies as locked, the deactivated one's report in it");
	reset();
	ok(store_inventory_each_top(db, TC, y, lock, top, NULL) == 0, "the largest emitters as locked");
	is_str(seen.text, "STIN1:1300:2/0/0/0;STIN2:700:1/0/0/0;", "the deactivated one among them");
	reset();
	ok(store_inventory_each_filing(db, TC, y, lock, 0, 400, filing, NULL) == 0 && seen.rows == 3, "the filing as locked");
	is_str(seen.text, "STIN1<>2/0/0/0;STIN2<一級機關>1/0/0/0承辦;STIN3<二級機關>0/0/0/0;", "its agencies and their parents then; not the new one");
	reset();
	{
		struct store_inventory_lines ls;

		store_inventory_lines_init(&ls);
		ok(store_inventory_read_lines(db, TC, y, lock, 0, 400, &ls) == 0 && ls.n == 5 && ls.last == g, "the lines as locked");
		for (size_t i = 0; i < ls.n; i++)
			if (ls.v[i].agency == g && (ls.v[i].level != 3 || strcmp(ls.v[i].parent_code, "STIN2")))
				seen.rows++;
		store_inventory_lines_release(&ls);
	}
	is_int(seen.rows, 0, "the moved agency at its level and parent then");
	ok(q(db, "DELETE e FROM report_exclusions e JOIN reports r ON r.id = e.report_id WHERE r.agency_id = ?", 1, c) >= 0 &&
	   q(db, "DELETE i FROM report_items i JOIN reports r ON r.id = i.report_id WHERE r.agency_id = ? AND i.item = 'lpg'", 1, c) >= 0 &&
	   q(db, "UPDATE agencies SET parent_id = ?, level = 3 WHERE id = ?", 2, c, g) >= 0 &&
	   q(db, "UPDATE agencies SET active = 1 WHERE id = ?", 1, c) >= 0 && q(db, "UPDATE agencies SET active = 0 WHERE id = ?", 1, n) >= 0 &&
	   q(db, "UPDATE inventory_years SET lock_id = NULL WHERE county_id = ? AND year = ?", 2, LL(TC), LL(y)) >= 0 &&
	   q(db, "DELETE FROM year_lock_agencies WHERE lock_id = ?", 1, lock) >= 0 && q(db, "DELETE FROM year_locks WHERE id = ?", 1, lock) >= 0,
	   "(the tree and the year as they were, the new agency deactivated)");
}

static void test_rows(struct db *db)
{

	long long last;

	reset();
	ok(read_lines(db, 0, 1, &last) == 0 && seen.sum[0] == 1 && seen.last == r && seen.rows == 3 && last == r,
	   "one agency a chunk: the first, with its three lines");
	reset();
	ok(read_lines(db, r, 400, &last) == 0 && seen.sum[0] == 2 && seen.rows == 2 && seen.sum[1] == 1 && last == g,
	   "after it: the 二級 agency's line and the 三級 one without any; not the inactive one");
	is_str(seen.text, "STIN3 STIN2 0", "the agency without a report: its parent's code, no status");
	is_int(seen.sum[2], 700, "the lines' kgCO2e");
	reset();
	ok(read_lines(db, g, 400, &last) == 0 && seen.rows == 0 && last == 0, "after the last: nothing, and no next chunk");
	reset();
	ok(read_lines(db, 0, 400, NULL) == 0 && seen.rows == 5, "all of them in one chunk");

	reset();
	ok(store_inventory_each_filing(db, TC, y, 0, 0, 2, filing, NULL) == 0 && seen.rows == 2 && seen.last == c, "the filing, two at a time");
	ok(store_inventory_each_filing(db, TC, y, 0, c, 2, filing, NULL) == 0 && seen.rows == 3 && seen.last == g, "then the rest");
	is_str(seen.text, "STIN1<>2/0/0/0;STIN2<一級機關>1/0/0/0承辦;STIN3<二級機關>0/0/0/0;", "codes, parents, states and contacts");
	test_states(db);
	test_locked(db);
	test_line_order(db);   /* last: it adds lines */
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	y = (int)store_test_int(&db, "SELECT MIN(year) FROM inventory_years");
	ok(db_begin(&db) == 0, "a transaction");
	setup(&db);
	test_sums(&db);
	test_stamp(&db);
	test_rows(&db);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(q(&db, "SELECT COUNT(*) FROM counties WHERE id = ?", 1, LL(TC)), 0, "nothing of it is left");
	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

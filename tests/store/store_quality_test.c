/* store_quality_test.c: quality_queue and the quality job's figures (store_quality, worker/quality_job.c)
 * on a planted tree in a county of the test's own (id 95, letter S), deleted at the end. */
#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include "jobs.h"
#include "store_quality.h"
#include "store_test.h"

/*
 * The job commits its own transactions, so this test cannot roll back: its
 * county is one no other test or the demo uses, cleared before and after.
 */
#define TC 95

#define q store_test_q

#define LL(x) ((long long)(x))

static int y;
static long long p, c1, c2, c3;    /* 一級 P; C1, C2 under it; C3 under it, inactive */

static void clear(struct db *db)
{
	static const char *const sql[] = {
		"DELETE g FROM report_line_gases g JOIN reports r ON r.id = g.report_id JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ?",
		"DELETE l FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ?",
		"DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ?",
		"DELETE q FROM quality_rollups q JOIN agencies a ON a.id = q.agency_id WHERE a.county_id = ?",
		"DELETE t FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id WHERE a.county_id = ?",
		"DELETE FROM county_activities WHERE county_id = ?",
		"DELETE FROM county_quality WHERE county_id = ?",
		"DELETE FROM quality_queue WHERE county_id = ?",
		"DELETE FROM agencies WHERE county_id = ? AND parent_id IS NOT NULL AND level = 2",
		"DELETE FROM agencies WHERE county_id = ?",
		"DELETE FROM counties WHERE id = ?",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (q(db, sql[i], 1, LL(TC)) < 0)
			printf("# clear: %s: %s\n", sql[i], db->errstr);
}

/* A line of agency a's report with levels a1..a3 and the activity data's interval (-1: NULL). */
static long long report_of(struct db *db, long long a)
{
	long long id = q(db, "SELECT IFNULL(MAX(id), 0) FROM reports WHERE agency_id = ? AND year = ?", 2, a, LL(y));

	if (id > 0)
		return id;
	id = q(db, "INSERT INTO reports (agency_id, year, updated_at) VALUES (?, ?, NOW())", 2, a, LL(y));
	if (id <= 0)
		printf("# report: %s\n", db->errstr);
	return id;
}

static void line(struct db *db, long long a, const char *item, long long kg, int a1, int a2, int a3, int ad)
{
	long long rid = report_of(db, a);
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set,"
		" method, sources, iso_category, a1, a2, a3, ad_lower_milli, ad_upper_milli) VALUES (?, 'own', ?, 0, 'stationary', 1, 1, ?,"
		" 'f', 'AR5', '', '', 1, ?, ?, ?, ?, ?)");

	db_bind_int(st, 0, rid);
	db_bind_text(st, 1, item);
	db_bind_int(st, 2, kg);
	db_bind_int(st, 3, a1);
	db_bind_int(st, 4, a2);
	db_bind_int(st, 5, a3);
	if (ad < 0) {
		db_bind_null(st, 6);
		db_bind_null(st, 7);
	} else {
		db_bind_int(st, 6, ad);
		db_bind_int(st, 7, ad);
	}
	if (db_exec(st))
		printf("# line: %s\n", db->errstr);
}

static void gas(struct db *db, long long a, const char *item, const char *g, long long kg, int ef_lo, int ef_hi)
{
	long long rid = report_of(db, a);
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli, ef_lower_milli, ef_upper_milli)"
		" VALUES (?, 'own', ?, 0, ?, ?, ?, ?)");

	db_bind_int(st, 0, rid);
	db_bind_text(st, 1, item);
	db_bind_text(st, 2, g);
	db_bind_int(st, 3, kg);
	if (ef_lo < 0) {
		db_bind_null(st, 4);
		db_bind_null(st, 5);
	} else {
		db_bind_int(st, 4, ef_lo);
		db_bind_int(st, 5, ef_hi);
	}
	if (db_exec(st))
		printf("# gas: %s\n", db->errstr);
}

/*
 * P: electricity 1,000 kg, A 2/1/3 (level 6), AD ±1.5 %, CO2 with EF ±7.0 %.
 * C1: natural gas 500 kg, level 1, AD ±2 %: CO2 498 kg EF ±5 %, CH4 2 kg no EF (未評估);
 *     a refrigerant 250 kg, level 27, no AD interval: HFCs 250 kg EF ±30 % (未評估: no AD).
 * C2: a line saved before 0023 (a1 0) of 300 kg, no gases; vehicle gasoline 200 kg, level 12,
 *     AD ±5 %, CO2 EF -3 % / +4 %.
 * C3 (inactive): electricity 9,999 kg, level 1: its own figures only, in no subtree or county.
 */
static void plant(struct db *db)
{
	clear(db);
	ok(q(db, "INSERT INTO counties (id, letter, name) VALUES (?, 'S', '品質測試縣')", 1, LL(TC)) >= 0, "a county of the test's own");
	p = q(db, "INSERT INTO agencies (county_id, code, name, level) VALUES (?, 'QP', 'P', 1)", 1, LL(TC));
	c1 = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, 'QC1', 'C1', 2, ?)", 2, LL(TC), p);
	c2 = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, 'QC2', 'C2', 2, ?)", 2, LL(TC), p);
	c3 = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id, active) VALUES (?, 'QC3', 'C3', 2, ?, 0)", 2, LL(TC), p);
	ok(p > 0 && c1 > 0 && c2 > 0 && c3 > 0, "a parent, two children and an inactive one");
	line(db, p, "electricity", 1000000, 2, 1, 3, 1500);
	gas(db, p, "electricity", "CO2", 1000000, 7000, 7000);
	line(db, c1, "natural_gas", 500000, 1, 1, 1, 2000);
	gas(db, c1, "natural_gas", "CO2", 498000, 5000, 5000);
	gas(db, c1, "natural_gas", "CH4", 2000, -1, -1);
	line(db, c1, "refrigerant", 250000, 3, 3, 3, -1);
	gas(db, c1, "refrigerant", "HFCs", 250000, 30000, 30000);
	line(db, c2, "lpg", 300000, 0, 0, 0, -1);
	line(db, c2, "vehicle_gasoline", 200000, 2, 2, 3, 5000);
	gas(db, c2, "vehicle_gasoline", "CO2", 200000, 3000, 4000);
	line(db, c3, "electricity", 9999000, 1, 1, 1, 1500);
	gas(db, c3, "electricity", "CO2", 9999000, 7000, 7000);
	is_int(q(db, "SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id"
		     " WHERE a.county_id = ?", 1, LL(TC)), 6, "six lines planted");
}

static volatile sig_atomic_t stopping;

static void figures_are(struct db *db, long long agency, int subtree, long long grade, int cls, int lo, int hi, int bp,
			int unc, const char *what)
{
	struct store_quality_figures f;

	is_int(store_quality_get_agency(db, agency, y, subtree, &f), 1, "%s: stored", what);
	is_int((int)f.grade_hundredths, (int)grade, "%s: grade", what);
	is_int(f.grade, cls, "%s: class", what);
	is_int(f.unc_lower_milli, lo, "%s: lower bound", what);
	is_int(f.unc_upper_milli, hi, "%s: upper bound", what);
	is_int(f.assessed_bp, bp, "%s: share assessed", what);
	is_int(f.uncovered_lines, unc, "%s: lines saved before 0023", what);
}

static void test_coalesce_and_figures(struct db *db, struct job_ctx *ctx)
{
	struct store_quality_queue qq;
	struct store_quality_figures f;
	long long req = 0;

	ok(store_quality_request(db, TC, y) == 0 && store_quality_request(db, TC, y) == 0 && store_quality_request(db, TC, y) == 0,
	   "three requests");
	is_int(store_quality_begin(db, TC, y, &req), 1, "pending");
	is_int((int)req, 3, "three of them");
	{
		struct store_quality_pending v[64];
		int n = 0, found = 0;

		ok(store_quality_pending(db, v, 64, &n) == 0, "the pending list");
		for (int i = 0; i < n; i++)
			found |= v[i].county == TC && v[i].year == y;
		ok(found, "names the county-year");
	}
	ok(quality_county_year(ctx, TC, y) == 0, "one run");
	ok(quality_county_year(ctx, TC, y) == 0, "and a second call");
	is_int(store_quality_queue_get(db, TC, y, &qq), 1, "the queue row");
	is_int(qq.runs, 1, "3 requests -> 1 run (the second call found nothing pending)");
	is_int((int)qq.done_for, 3, "all three served");
	is_int(store_quality_begin(db, TC, y, &req), 0, "nothing pending");

	/*
	 * By hand.  P's subtree: the covered lines 1000 (level 6), 500 (1), 250 (27), 200 (12) of 1950:
	 * ROUND(0.51282, 4) = 0.5128 x 6 = 3.0768 -> 3.08; 0.2564 x 1 -> 0.26; 0.1282 x 27 = 3.4614 -> 3.46;
	 * 0.1026 x 12 = 1.2312 -> 1.23; 8.03, 第一級.  Uncertainty: assessed gases 1000 kg at
	 * ROUND(√(1.5² + 7²), 5) = 7.159 %, 498 kg at √(2² + 5²) = 5.385 %, 200 kg at √(5² + 3²) = 5.831 %
	 * (upper √(5² + 4²) = 6.403 %): √Σ(E·U)² / 1698 = 4.554 % / 4.565 %; assessed 1698 of
	 * 2250 (the 300 kg saved before 0023, 2 kg CH4 and 250 kg HFCs without an AD interval are not) = 75.47 %.
	 */
	figures_are(db, p, 1, 803, 1, 4554, 4565, 7547, 1, "P's subtree");
	figures_are(db, p, 0, 600, 1, 7159, 7159, 10000, 0, "P's own (1 line at level 6; ±7.159 %)");
	/* C1: 500 (1), 250 (27) of 750: 0.6667 -> 0.67; 0.3333 x 27 = 8.9991 -> 9.00; 9.67.  498 of 750 assessed at 5.385 %. */
	figures_are(db, c1, 1, 967, 1, 5385, 5385, 6640, 0, "C1's subtree");
	figures_are(db, c1, 0, 967, 1, 5385, 5385, 6640, 0, "C1's own, the same");
	/* C2: one covered line, level 12 -> 12.00, 第二級; 200 of 500 assessed; its old line counted, not graded. */
	figures_are(db, c2, 0, 1200, 2, 5831, 6403, 4000, 1, "C2's own");
	figures_are(db, c3, 0, 100, 1, 7159, 7159, 10000, 0, "the inactive C3's own");
	figures_are(db, c3, 1, 0, 0, 0, 0, 0, 0, "the inactive C3's subtree: nothing");
	is_int(store_quality_get_county(db, TC, y, &f), 1, "the county's row");
	is_int((int)f.grade_hundredths, 803, "the county's grade: P's subtree (C3 is inactive)");
	is_int(f.unc_lower_milli, 4554, "its lower bound");
	is_int((int)f.covered_milli, 1950000, "its covered total");
	is_int(f.uncovered_lines, 1, "one line saved before 0023");
	is_int((int)f.uncovered_milli, 300000, "of 300 kg");
	ok(f.data_at[0] != '\0', "data_at: the newest save (%s)", f.data_at);
}

/* A change: C2's line graded 1/1/1; only the rows it changes are written. */
static void test_change(struct db *db, struct job_ctx *ctx)
{
	struct store_quality_figures before, after;
	struct store_quality_queue qq;

	store_quality_get_agency(db, c1, y, 1, &before);
	ok(q(db, "UPDATE report_lines l JOIN reports r ON r.id = l.report_id SET l.a1 = 1, l.a2 = 1, l.a3 = 1"
		 " WHERE r.agency_id = ? AND l.item = 'vehicle_gasoline'", 1, c2) >= 0, "C2's line now level 1");
	ok(store_quality_request(db, TC, y) == 0, "a request");
	ok(quality_county_year(ctx, TC, y) == 0, "a run");
	/* P's subtree: 3.08 + 0.26 + 3.46 + 0.1026 x 1 -> 0.10 = 6.90. */
	figures_are(db, p, 1, 690, 1, 4554, 4565, 7547, 1, "P's subtree after the change");
	figures_are(db, c2, 0, 100, 1, 5831, 6403, 4000, 1, "C2's own after the change");
	store_quality_get_agency(db, c1, y, 1, &after);
	ok(!strcmp(before.computed_at, after.computed_at), "C1's unchanged row not written again (%s)", after.computed_at);
	store_quality_queue_get(db, TC, y, &qq);
	is_int(qq.runs, 2, "two runs in all");
	/* A run that served fewer requests than the figures stored writes nothing. */
	ok(db_begin(db) == 0, "a transaction");
	is_int(store_quality_lock_figures(db, TC, y, 3, NULL), 0, "older figures (3 requests) are not to be written over those of 4");
	is_int(store_quality_lock_figures(db, TC, y, 5, NULL), 1, "newer ones are");
	ok(db_rollback(db) == 0, "rolled back");
}

/* A non-agency line of the test's county (-1: NULL): its kg (CO2), levels in force, AD, and the CO2 factor's interval. */
static void na_line(struct db *db, const char *method, long long kg, int a1, int a2, int a3, int ad, int ef)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO county_activities (county_id, year, method, quantity, kg_milli, category, scope, factor_text, unit_text,"
		" method_text, sources, created_by, updated_by, created_at, updated_at, iso_category, co2_milli, used_a1, used_a2,"
		" used_a3, used_ad_lower_milli, used_ad_upper_milli, co2_ef_lower_milli, co2_ef_upper_milli)"
		" VALUES (?, ?, ?, 1, ?, 0, 1, 'f', 'u', 'm', 's', 1, 1, NOW(3), NOW(3), 1, ?, ?, ?, ?, ?, ?, ?, ?)");

	db_bind_int(st, 0, TC);
	db_bind_int(st, 1, y);
	db_bind_text(st, 2, method);
	db_bind_int(st, 3, kg);
	db_bind_int(st, 4, kg);
	db_bind_int(st, 5, a1);
	db_bind_int(st, 6, a2);
	db_bind_int(st, 7, a3);
	for (int i = 0; i < 2; i++) {
		if (ad < 0)
			db_bind_null(st, 8 + i);
		else
			db_bind_int(st, 8 + i, ad);
		if (ef < 0)
			db_bind_null(st, 10 + i);
		else
			db_bind_int(st, 10 + i, ef);
	}
	if (db_exec(st))
		printf("# na_line: %s\n", db->errstr);
}

/*
 * The county's figures count the team's non-agency lines (SPEC-2 §2b, §2c); no agency's or
 * subtree's does.  Added to the tree as test_change left it: street lighting 500 kg at 2/1/3
 * (level 6), AD ±1.5 %, CO2 EF ±7 %; a land-use removal of 300 kg at 3/3/3 (27), counted by
 * its magnitude, not assessed (no AD, no EF); a line saved before 0028 (in no grade) of 100 kg.
 */
static void test_nonagency(struct db *db, struct job_ctx *ctx)
{
	struct store_quality_figures f;

	na_line(db, "elec_street", 500000, 2, 1, 3, 1500, 7000);
	na_line(db, "landuse", -300000, 3, 3, 3, -1, -1);
	na_line(db, "process", 100000, 0, 0, 0, -1, -1);
	ok(store_quality_request(db, TC, y) == 0 && quality_county_year(ctx, TC, y) == 0, "a request and a run");
	/*
	 * By hand, of 2,750 kg covered (1000, 500, 250, 200 of the agencies; 500 and |-300|):
	 * 0.3636 x 6 = 2.18; 0.1818 x 1 = 0.18; 0.0909 x 27 = 2.45; 0.0727 x 1 = 0.07; 0.1818 x 6 = 1.09;
	 * 0.1091 x 27 = 2.95; 8.92.  Assessed: the agencies' 1698 kg and the lighting's 500 kg at 7.159 %:
	 * √Σ(E·U)² / 2198 = 3.877 % / 3.884 %; of 3,150 kg (the agencies' 2,250, the team's 500 + 300 + 100): 69.78 %.
	 */
	is_int(store_quality_get_county(db, TC, y, &f), 1, "the county's row");
	is_int((int)f.grade_hundredths, 892, "the county's grade with the non-agency lines: 8.92");
	is_int(f.grade, 1, "第一級");
	is_int((int)f.covered_milli, 2750000, "covered: the removal by its magnitude");
	is_int(f.unc_lower_milli, 3877, "lower bound");
	is_int(f.unc_upper_milli, 3884, "upper bound");
	is_int(f.assessed_bp, 6978, "share assessed");
	is_int(f.uncovered_lines, 2, "the agencies' and the team's line saved before the quality fields");
	is_int((int)f.uncovered_milli, 400000, "of 300 + 100 kg");
	figures_are(db, p, 1, 690, 1, 4554, 4565, 7547, 1, "P's subtree: unchanged by the non-agency lines");
	figures_are(db, p, 0, 600, 1, 7159, 7159, 10000, 0, "P's own: unchanged");
}

/*
 * Another run writes figures between this run's reads and its lock (the
 * hook below plays it on a second connection: a row made wrong, the queue's
 * count of runs moved).  The run reads what is stored again under the lock
 * and puts the row right; had it trusted what it read before, the row would
 * stay wrong, since its figures equal those read then.
 */
static struct db *other_db;
static long long spoiled;

static void spoil(int county, int year)
{
	if (county != TC)
		return;
	spoiled = q(other_db, "UPDATE quality_rollups SET grade_hundredths = 1 WHERE agency_id = ? AND year = ? AND scope = 'own'", 2,
		    c1, LL(year));
	q(other_db, "UPDATE quality_queue SET runs = runs + 1 WHERE county_id = ? AND year = ?", 2, LL(county), LL(year));
}

static void test_written_meanwhile(struct db *db, struct job_ctx *ctx)
{
	struct db other;
	struct store_quality_queue qq;

	if (db_init(&other, &store_test_cfg) || db_connect(&other)) {
		ok(0, "a second connection");
		return;
	}
	other_db = &other;
	spoiled = -2;
	ok(store_quality_request(db, TC, y) == 0, "a request");
	quality_before_lock = spoil;
	ok(quality_county_year(ctx, TC, y) == 0, "a run while another writes figures");
	quality_before_lock = NULL;
	is_int((int)spoiled, 0, "the hook ran");
	figures_are(db, c1, 0, 967, 1, 5385, 5385, 6640, 0, "C1's own, spoiled meanwhile, written again");
	store_quality_queue_get(db, TC, y, &qq);
	ok(qq.done_for == qq.requests, "the request served (%lld of %lld)", qq.done_for, qq.requests);
	db_release(&other);
}

/*
 * store_quality_put_agencies: 124 rows (two statements of 50, then 24 one by one), each with
 * figures of its own, written and read back; then written again with other figures (the upsert).
 */
static void test_many_rows(struct db *db)
{
	struct store_quality_put rows[124];
	long long last = 0;
	int n = 0, ok_rows = 1;

	for (int i = 0; i < 62 && ok_rows; i++) {
		long long id = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT ?, CONCAT('QM', LPAD(?, 2, '0')), 'M', 2, ?",
		       3, LL(TC), LL(i), p);
		ok_rows = id > 0;
		last = id;
		for (int s = 0; s < 2 && ok_rows; s++, n++) {
			memset(&rows[n], 0, sizeof(rows[n]));
			rows[n].agency_id = id;
			rows[n].subtree = s;
			rows[n].f.covered_milli = id * 10 + s;
			rows[n].f.has_grade = s;
			rows[n].f.grade_hundredths = n;
			rows[n].f.grade = 1 + n % 3;
			rows[n].f.assessed = !s;
			rows[n].f.unc_lower_milli = n;
			rows[n].f.unc_upper_milli = 2 * n;
			rows[n].f.uncovered_lines = n % 7;
		}
	}
	ok(ok_rows && n == 124, "62 agencies of the test's, 124 rows to write");
	for (int round = 0; round < 2; round++) {
		if (round)
			for (int i = 0; i < n; i++)
				rows[i].f.covered_milli += 5;
		ok(store_quality_put_agencies(db, y, rows, n) == 0, "round %d: written", round + 1);
		is_int(q(db, "SELECT COUNT(*) FROM quality_rollups q JOIN agencies a ON a.id = q.agency_id WHERE a.county_id = ?"
			     " AND a.code LIKE 'QM%' AND q.year = ?", 2, LL(TC), LL(y)), 124, "round %d: 124 rows", round + 1);
		is_int(q(db, "SELECT COUNT(*) FROM quality_rollups q JOIN agencies a ON a.id = q.agency_id WHERE a.county_id = ?"
			     " AND a.code LIKE 'QM%' AND q.year = ? AND q.covered_milli = q.agency_id * 10 + (q.scope = 'subtree') + ?"
			     " AND (q.grade_hundredths IS NULL) = (q.scope = 'own') AND (q.unc_lower_milli IS NULL) = (q.scope = 'subtree')"
			     " AND q.unc_upper_milli <=> 2 * q.unc_lower_milli", 3, LL(TC), LL(y), LL(round * 5)),
		       124, "round %d: every row's own figures", round + 1);
	}
	is_int(q(db, "SELECT grade * 1000 + uncovered_lines FROM quality_rollups WHERE agency_id = ? AND year = ? AND scope = 'subtree'", 2,
		 last, LL(y)), (1 + 123 % 3) * 1000 + 123 % 7, "the last row, written alone, as given");
}

int main(void)
{
	struct db db;
	struct job_ctx ctx;

	store_test_open(&db);
	y = (int)store_test_int(&db, "SELECT MIN(year) FROM inventory_years");
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &store_test_cfg;
	ctx.db = &db;
	ctx.worker_id = "store-test";
	ctx.list = "quality";
	ctx.stopping = &stopping;
	plant(&db);
	test_coalesce_and_figures(&db, &ctx);
	test_change(&db, &ctx);
	test_nonagency(&db, &ctx);
	test_written_meanwhile(&db, &ctx);
	test_many_rows(&db);
	clear(&db);
	is_int(q(&db, "SELECT COUNT(*) FROM agencies WHERE county_id = ?", 1, LL(TC)), 0, "nothing of it is left");
	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

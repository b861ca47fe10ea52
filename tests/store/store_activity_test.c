/* store_activity_test.c: the non-agency lines (store_activity) against the stack's MariaDB, in transactions rolled back. */
#include <string.h>

#include "store_activity.h"
#include "store_test.h"

static struct arena arena;
/*
 * One of the test's own statements, formatted (ids it read; never input),
 * each in memory of its own: db_prepare caches statements by the address
 * of their text.
 */
__attribute__((format(printf, 2, 3)))
static long long q(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		abort();
	va_end(ap);
	arena_cleanup(&arena, free, sql);
	return store_test_int(db, sql);
}

/* The same, a statement without a result. */
__attribute__((format(printf, 2, 3)))
static int x(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		abort();
	va_end(ap);
	arena_cleanup(&arena, free, sql);
	return db_exec_sql(db, sql);
}

/* What the list's callback saw. */
struct seen {
	int n, stop_after, found;
	long long want_id;
	struct activity_row row;
};

static int on_row(void *ctx, const struct activity_row *r)
{
	struct seen *s = ctx;

	s->n++;
	if (r->id == s->want_id) {
		s->found = 1;
		s->row = *r;
	}
	return s->stop_after && s->n >= s->stop_after;
}

static const struct na_line line = { .category = INV_WASTE, .scope = 1, .gwp_set = "AR5", .factor_text = "≈0.336",
				     .unit_text = "人日", .method = "人日 × BOD", .sources = "IPCC 2006；測試來源", .provisional = 1 };

static void test_write_read(struct db *db, int county, int year, long long by, const char *desc)
{
	struct activity_text t = { .method = "septic", .description = desc, .note = "備註", .quantity = "10000.000", .quantity2 = "",
				   .opt = { NULL, NULL, NULL }, .override_factor = "", .override_reason = "" };
	struct activity_form fm;
	struct seen s = { .n = 0 };
	long long id = 0, n = -1, other = q(db, "SELECT MIN(id) FROM counties WHERE id <> %d", county);

	ok(store_activity_insert(db, county, year, &t, &line, 3360000, by, &id) == 0 && id > 0, "a line inserted (id %lld)", id);
	is_int(q(db, "SELECT kg_milli FROM county_activities WHERE id = %lld AND method = 'septic' AND quantity = 10000 AND quantity2 IS NULL"
		 " AND opt1 IS NULL AND override_factor IS NULL AND override_reason IS NULL AND category = 6 AND provisional = 1"
		 " AND version = 1 AND created_by = %lld AND CHAR_LENGTH(description) = 200", id, by), 3360000, "read back as written");
	ok(store_activity_count(db, county, year, &n) == 0, "the year's lines counted");
	is_int(n, q(db, "SELECT COUNT(*) FROM county_activities WHERE county_id = %d AND year = %d", county, year), "as COUNT(*) says");

	s.want_id = id;
	ok(store_activity_list(db, county, year, &arena, on_row, &s) == 0 && s.found, "the list has it");
	is_int(s.n, n, "and every other line of the year");
	ok(!strcmp(s.row.sources, "IPCC 2006；測試來源") && !strcmp(s.row.factor_text, "≈0.336") && s.row.kg_milli == 3360000 &&
	   s.row.scope == 1 && s.row.category == INV_WASTE && !strcmp(s.row.quantity, "10000.000") && !*s.row.quantity2,
	   "with what was computed and typed");
	is_int(strlen(s.row.description), 800, "a description of 200 four-byte characters whole (800 bytes)");
	s = (struct seen){ .stop_after = 1 };
	ok(store_activity_list(db, county, year, &arena, on_row, &s) == 0 && s.n == 1, "a callback that returns non-zero stops the list");

	ok(store_activity_get(db, id, county, year, &fm) == 1 && fm.version == 1 && !strcmp(fm.method, "septic") &&
	   !strcmp(fm.note, "備註") && !*fm.override_factor, "the line's form read back");
	is_int(store_activity_get(db, id, (int)other, year, &fm), 0, "not found for another county");
	is_int(store_activity_get(db, id, county, year - 1, &fm), 0, "nor under another year");

	t.quantity = "20000.000";
	t.override_factor = "0.500000000";
	t.override_reason = "實測";
	t.opt[0] = "x";
	is_int(store_activity_update(db, id, 1, county, year, &t, &line, 10000000, by), 1, "an update at the version read");
	is_int(q(db, "SELECT version FROM county_activities WHERE id = %lld AND quantity = 20000 AND override_factor = 0.5"
		 " AND override_reason = '實測' AND opt1 = 'x' AND kg_milli = 10000000", id), 2, "written, version 2");
	is_int(store_activity_update(db, id, 1, county, year, &t, &line, 1, by), 0, "a stale version: 0");
	is_int(store_activity_update(db, id, 2, (int)other, year, &t, &line, 1, by), 0, "another county: 0");
	t.method = "compost";
	is_int(store_activity_update(db, id, 2, county, year, &t, &line, 1, by), 0, "another method: 0");

	struct activity_gone g;
	is_int(store_activity_delete(db, id, 1, county, year, &g), 0, "a delete at a stale version: 0");
	is_int(store_activity_delete(db, id, 2, (int)other, year, &g), 0, "another county's: 0");
	is_int(q(db, "SELECT COUNT(*) FROM county_activities WHERE id = %lld", id), 1, "still there");
	is_int(store_activity_delete(db, id, 2, county, year, &g), 1, "a delete at the version read");
	ok(!strcmp(g.method, "septic") && !strcmp(g.description, desc) && g.kg_milli == 10000000, "with what the line was");
	is_int(q(db, "SELECT COUNT(*) FROM county_activities WHERE id = %lld", id), 0, "gone");
}

/*
 * A line's data quality (0028): what was typed (NULL for a default kept), what
 * was in force, and each gas's factor interval, written and read back by the
 * list, the form, and again cleared (inside main's transaction).
 */
static void test_quality(struct db *db, int county, int year, long long by)
{
	struct store_quality typed = { .a1 = 1, .dq_note = "智慧電表連續量測", .dq_keeper = "總務科", .ad_lower_milli = 2000,
				       .ad_upper_milli = 2500, .ad_basis = "電表精度 2.0 級" };
	struct store_quality used = { .a1 = 1, .a2 = 1, .a3 = 3, .ad_lower_milli = 2000, .ad_upper_milli = 2500 };
	struct activity_text t = { .method = "elec_street", .description = "路燈（品質）", .note = "", .quantity = "10000.000",
				   .quantity2 = "", .opt = { NULL, NULL, NULL }, .override_factor = "", .override_reason = "",
				   .typed = &typed, .used = &used };
	struct na_line el = { .category = INV_STATIONARY, .scope = 2, .factor_text = "0.494", .unit_text = "度", .method = "電力",
			      .sources = "台電", .iso_category = 2 };
	struct activity_form fm;
	struct seen s = { .n = 0 };
	long long id = 0;

	el.gas[CALC_GAS_CO2] = (struct calc_gas_amount){ .present = 1, .kg = { 4940000, 3 }, .has_ci = 1, .ci_lower_milli = 7000,
							 .ci_upper_milli = 7100 };
	ok(store_activity_insert(db, county, year, &t, &el, 4940000, by, &id) == 0 && id > 0, "a line with its quality inserted");
	is_int(q(db, "SELECT COUNT(*) FROM county_activities WHERE id = %lld AND a1 = 1 AND a2 IS NULL AND a3 IS NULL"
		 " AND dq_note = '智慧電表連續量測' AND dq_keeper = '總務科' AND ad_lower_milli = 2000 AND ad_upper_milli = 2500"
		 " AND ad_basis = '電表精度 2.0 級' AND used_a1 = 1 AND used_a2 = 1 AND used_a3 = 3 AND used_ad_lower_milli = 2000"
		 " AND used_ad_upper_milli = 2500 AND co2_milli = 4940000 AND co2_ef_lower_milli = 7000 AND co2_ef_upper_milli = 7100"
		 " AND ch4_ef_lower_milli IS NULL", id), 1, "typed (A2, A3 NULL: the defaults), in force, and CO2's ±7 %% stored");
	s.want_id = id;
	ok(store_activity_list(db, county, year, &arena, on_row, &s) == 0 && s.found, "listed");
	ok(s.row.q.a1 == 1 && s.row.q.a2 == 1 && s.row.q.a3 == 3 && s.row.q.typed && s.row.q.ad_lower == 2000 &&
	   s.row.q.ad_upper == 2500 && s.row.q.has_gas[CALC_GAS_CO2] && s.row.q.ef_lower[CALC_GAS_CO2] == 7000 &&
	   s.row.q.ef_upper[CALC_GAS_CO2] == 7100 && !s.row.q.has_gas[CALC_GAS_CH4] && s.row.q.ef_lower[CALC_GAS_CH4] == -1,
	   "the list: in force, typed, the gas and its interval");
	ok(store_activity_get(db, id, county, year, &fm) == 1 && fm.typed.a1 == 1 && fm.typed.a2 == 0 &&
	   !strcmp(fm.typed.dq_note, "智慧電表連續量測") && fm.typed.ad_upper_milli == 2500 && fm.used.a3 == 3 &&
	   fm.used.ad_lower_milli == 2000, "the form: what was typed, and what was in force");
	t.typed = NULL;
	used = (struct store_quality){ .a1 = 2, .a2 = 1, .a3 = 3, .ad_lower_milli = 1500, .ad_upper_milli = 1500 };
	is_int(store_activity_update(db, id, 1, county, year, &t, &el, 4940000, by), 1, "saved again with the defaults");
	is_int(q(db, "SELECT COUNT(*) FROM county_activities WHERE id = %lld AND a1 IS NULL AND dq_note IS NULL AND dq_keeper IS NULL"
		 " AND ad_lower_milli IS NULL AND ad_basis IS NULL AND used_a1 = 2 AND used_ad_upper_milli = 1500", id), 1,
	       "nothing typed: NULLs, the defaults in force");
	s = (struct seen){ .want_id = id };
	ok(store_activity_list(db, county, year, &arena, on_row, &s) == 0 && s.found && !s.row.q.typed, "listed as not typed");
	t.used = NULL;
	el.gas[CALC_GAS_CO2].has_ci = 0;
	is_int(store_activity_update(db, id, 2, county, year, &t, &el, 4940000, by), 1, "saved without any quality");
	is_int(q(db, "SELECT COUNT(*) FROM county_activities WHERE id = %lld AND used_a1 = 0 AND used_ad_lower_milli IS NULL"
		 " AND co2_ef_lower_milli IS NULL", id), 1, "none: 0s and NULLs (in no grade, 未評估)");
}

/* What the workbook's callback saw. */
struct wb_seen {
	int n, stop_after, ordered, last_category;
	long long kg;
	char text[256];
};

static int on_workbook_row(void *ctx, const struct store_activity_workbook_row *r)
{
	struct wb_seen *s = ctx;

	s->n++;
	s->kg += r->kg_milli;
	if (r->category < s->last_category)
		s->ordered = 0;
	s->last_category = r->category;
	if (!strcmp(r->description, "儲存測試號誌"))
		snprintf(s->text, sizeof(s->text), "%d %s %s [%s] %s", r->category, r->method, r->options, r->quantity2, r->unit);
	return s->stop_after && s->n >= s->stop_after ? 7 : 0;
}

/* The inventory workbook's rows of a county-year: three lines of the test's own among the year's, in a transaction rolled back. */
static void test_workbook(struct db *db, int county, int year, long long by)
{
	struct wb_seen s = { .ordered = 1 };

	ok(db_begin(db) == 0, "a transaction");
	ok(x(db, "INSERT INTO county_activities (county_id, year, method, description, quantity, opt1, opt2, kg_milli, category, scope,"
		 " factor_text, unit_text, method_text, sources, created_by, updated_by, created_at, updated_at) VALUES"
		 " (%d, %d, 'elec_street', '儲存測試路燈', 1, NULL, NULL, 500, 0, 2, 'f', '度', 'm', 's', %lld, %lld, NOW(3), NOW(3)),"
		 " (%d, %d, 'elec_street', '儲存測試號誌', 1, 'a', 'b', 250, 0, 2, 'f', '度', 'm', 's', %lld, %lld, NOW(3), NOW(3)),"
		 " (%d, %d, 'landuse', '儲存測試林地', 1, NULL, NULL, -400, 5, 1, 'f', '公頃', 'm', 's', %lld, %lld, NOW(3), NOW(3))",
		 county, year, by, by, county, year, by, by, county, year, by, by) == 0, "three lines: two emissions, one removal");
	ok(store_activity_each_workbook_row(db, county, year, on_workbook_row, &s) == 0, "the workbook's rows read");
	is_int(s.n, q(db, "SELECT COUNT(*) FROM county_activities WHERE county_id = %d AND year = %d", county, year), "every line of the year");
	is_int(s.kg, q(db, "SELECT SUM(kg_milli) FROM county_activities WHERE county_id = %d AND year = %d", county, year),
	       "their kgCO2e, removals negative");
	ok(s.ordered, "by category");
	is_str(s.text, "0 elec_street a / b [] 度", "the options joined, no second quantity, the unit");
	s = (struct wb_seen){ .stop_after = 1, .ordered = 1 };
	is_int(store_activity_each_workbook_row(db, county, year, on_workbook_row, &s), 7, "a callback that stops: its value");
	is_int(s.n, 1, "after one row");
	s = (struct wb_seen){ .ordered = 1 };
	ok(store_activity_each_workbook_row(db, county, 1800, on_workbook_row, &s) == 0 && s.n == 0, "a county-year that is not there: none");
	ok(db_rollback(db) == 0, "rolled back");
}

int main(void)
{
	struct db db;
	char desc[ACTIVITY_DESCRIPTION_SIZE] = "";
	int county, year;
	long long by;

	store_test_open(&db);
	arena_init(&arena, 4096);
	/* The first county, its first year. */
	county = (int)q(&db, "SELECT MIN(id) FROM counties");
	year = (int)q(&db, "SELECT MIN(year) FROM inventory_years WHERE county_id = %d", county);
	by = q(&db, "SELECT MIN(id) FROM accounts");
	test_workbook(&db, county, year, by);

	for (int i = 0; i < 200; i++)
		strcat(desc, "😀");
	ok(db_begin(&db) == 0, "a transaction (rolled back at the end)");
	test_write_read(&db, county, year, by, desc);
	test_quality(&db, county, year, by);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(q(&db, "SELECT COUNT(*) FROM county_activities WHERE county_id = %d AND year = %d AND method = 'septic' AND note = '備註'",
		 county, year), 0, "nothing left behind");

	db_release(&db);
	arena_release(&arena);
	return tap_done();
}

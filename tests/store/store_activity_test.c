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

/* The year's row lock: a second connection cannot publish while the first holds it. */
static void test_lock(struct db *db, struct db *other, int county, int year)
{
	int pub = -1;

	is_int(store_activity_published(db, county, year), q(db, "SELECT published_at IS NOT NULL FROM inventory_years"
							   " WHERE county_id = %d AND year = %d", county, year), "published as the table says");
	is_int(store_activity_published(db, county, 1800), 0, "a county-year that is not there: 0");
	ok(db_begin(db) == 0, "a transaction");
	is_int(store_activity_lock_year(db, county, year, &pub), 1, "the county-year locked");
	is_int(pub, 0, "not published");
	ok(x(other, "UPDATE inventory_years SET published_at = NOW() WHERE county_id = %d AND year = %d", county, year) == -1 &&
	   db_err_contention(other), "another connection cannot publish it meanwhile (a lock wait)");
	ok(db_rollback(db) == 0, "released");
	ok(db_begin(other) == 0 && x(other, "UPDATE inventory_years SET published_at = NOW() WHERE county_id = %d AND year = %d",
				       county, year) == 0, "then it can (its transaction kept open)");
	ok(db_begin(db) == 0, "a transaction");
	ok(x(db, "SET SESSION innodb_lock_wait_timeout = 1") == 0 && store_activity_lock_year(db, county, year, &pub) == -1 &&
	   db_err_contention(db), "a change waits for the publication's lock in turn");
	db_rollback(db);
	ok(db_rollback(other) == 0, "the publication rolled back");
	ok(x(other, "UPDATE inventory_years SET published_at = NOW() WHERE county_id = %d AND year = %d", county, year) == 0 &&
	   store_activity_published(db, county, year) == 1, "published (autocommit): 1");
	ok(db_begin(db) == 0 && store_activity_lock_year(db, county, year, &pub) == 1 && pub == 1, "and locked, published");
	db_rollback(db);
	ok(x(other, "UPDATE inventory_years SET published_at = NULL, published_by = NULL WHERE county_id = %d AND year = %d",
	     county, year) == 0 && store_activity_published(db, county, year) == 0, "withdrawn again as it was");
	ok(db_begin(db) == 0 && store_activity_lock_year(db, county, 1800, &pub) == 0 && pub == 0, "no such county-year: 0");
	db_rollback(db);
}

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

int main(void)
{
	struct db db, other;
	char desc[ACTIVITY_DESCRIPTION_SIZE] = "";
	int county, year;
	long long by;

	store_test_open(&db);
	store_test_open(&other);
	arena_init(&arena, 4096);
	/* A county-year no other test publishes: the first county, the first year. */
	county = (int)q(&db, "SELECT MIN(id) FROM counties");
	year = (int)q(&db, "SELECT MIN(year) FROM inventory_years WHERE county_id = %d", county);
	by = q(&db, "SELECT MIN(id) FROM accounts");
	ok(x(&other, "SET SESSION innodb_lock_wait_timeout = 1") == 0, "the other connection waits 1 s for a lock");
	is_int(q(&db, "SELECT published_at IS NULL FROM inventory_years WHERE county_id = %d AND year = %d", county, year), 1,
	       "county %d's %d is not published", county, year);
	test_lock(&db, &other, county, year);

	for (int i = 0; i < 200; i++)
		strcat(desc, "😀");
	ok(db_begin(&db) == 0, "a transaction (rolled back at the end)");
	test_write_read(&db, county, year, by, desc);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(q(&db, "SELECT COUNT(*) FROM county_activities WHERE county_id = %d AND year = %d AND method = 'septic' AND note = '備註'",
		 county, year), 0, "nothing left behind");

	db_release(&other);
	db_release(&db);
	arena_release(&arena);
	return tap_done();
}

/* store_year_test.c: the years the platform serves, as inventory_years says (store_year, years). */
#include <string.h>

#include "store_test.h"
#include "store_text.h"
#include "store_year.h"
#include "years.h"

struct seen {
	int n, stop_after;
	struct store_year_row first;
};

static int year_row(void *ctx, const struct store_year_row *row)
{
	struct seen *s = ctx;

	if (!s->n++)
		s->first = *row;
	return s->stop_after && s->n >= s->stop_after;
}

/* A county's years: 年度管理 (store_year_exists, store_year_set, store_year_each_of_county), in a rolled-back transaction. */
static void test_county_years(struct db *db)
{
	int first = (int)store_test_int(db, "SELECT MIN(year) FROM inventory_years WHERE county_id = 22");
	int last = (int)store_test_int(db, "SELECT MAX(year) FROM inventory_years WHERE county_id = 22");
	struct seen s = { 0 };
	char buf[64];
	int changed = -1;

	ok(store_year_exists(db, 22, first) == 1 && store_year_exists(db, 22, last) == 1, "the county's first and last years");
	ok(store_year_exists(db, 22, last + 1) == 0 && store_year_exists(db, 22, first - 1) == 0, "not the years around them");
	ok(store_year_exists(db, 99, first) == 0, "no such county: none");

	ok(db_begin(db) == 0, "a transaction");
	ok(db_exec_sql(db, "UPDATE inventory_years SET is_open = 1, deadline = NULL WHERE county_id = 22") == 0, "every year open, no deadline");
	ok(store_year_set(db, 22, first, 0, "2016-06-30", &changed) == 0 && changed == 1, "the first closed with a deadline: changed");
	is_str(store_test_text(db, "SELECT CONCAT(is_open, ' ', deadline) FROM inventory_years WHERE county_id = 22"
			       " AND year = (SELECT MIN(year) FROM inventory_years WHERE county_id = 22)", buf, sizeof(buf)),
	       "0 2016-06-30", "read back");
	ok(store_year_set(db, 22, first, 0, "2016-06-30", &changed) == 0 && changed == 0, "the same again: not changed");
	ok(store_year_set(db, 22, first, 1, "", &changed) == 0 && changed == 1, "opened, no deadline");
	is_int(store_test_int(db, "SELECT is_open = 1 AND deadline IS NULL FROM inventory_years WHERE county_id = 22"
			      " AND year = (SELECT MIN(year) FROM inventory_years WHERE county_id = 22)"), 1, "\"\" is NULL");
	ok(store_year_set(db, 22, last + 1, 1, "", &changed) == 0 && changed == 0, "a year the county does not have: nothing changed");
	ok(store_year_set(db, 22, last, 0, "2026-01-31", &changed) == 0, "the last closed with a deadline");

	ok(store_year_each_of_county(db, 22, year_row, &s) == 0, "the county's years listed");
	is_int(s.n, store_test_int(db, "SELECT COUNT(*) FROM inventory_years WHERE county_id = 22"), "every one");
	ok(s.first.year == last && s.first.is_open == 0 && !strcmp(s.first.deadline, "2026-01-31"), "latest first, as written");
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	ok(store_year_each_of_county(db, 22, year_row, &s) == 0 && s.n == 1, "stopped after one");
	memset(&s, 0, sizeof(s));
	ok(store_year_each_of_county(db, 99, year_row, &s) == 0 && s.n == 0, "no such county: none");
	ok(db_rollback(db) == 0, "rolled back");
}

int main(void)
{
	struct db db;
	struct years y;
	int first = 0, last = 0, real_last;

	store_test_open(&db);

	ok(store_year_span(&db, &first, &last) == 0, "the span is read");
	is_int(first, store_test_int(&db, "SELECT MIN(year) FROM inventory_years"), "its first year is the table's");
	real_last = (int)store_test_int(&db, "SELECT MAX(year) FROM inventory_years");
	is_int(last, real_last, "its last year is the table's");

	ok(db_begin(&db) == 0, "a transaction");
	ok(db_exec_sql(&db, "INSERT INTO inventory_years (county_id, year) SELECT MIN(id), 2031 FROM counties") == 0,
	   "a later year added for one county");
	ok(store_year_span(&db, &first, &last) == 0 && last == 2031, "the span reaches it (%d)", last);
	years_forget();
	ok(years_get(&db, &y) == 0 && y.last == 2031 && years_has(&y, 2031) && !years_has(&y, 2032),
	   "years_get serves it once read again");
	ok(years_count(&y) == y.last - y.first + 1, "years_count counts both ends");
	ok(db_exec_sql(&db, "DELETE FROM inventory_years WHERE year = 2031") == 0 && db_rollback(&db) == 0, "rolled back");

	/* Within YEARS_TTL_MS the span read stands; forgotten, it is read again. */
	ok(years_get(&db, &y) == 0 && y.last == 2031, "the span read is kept for a while");
	years_forget();
	ok(years_get(&db, &y) == 0 && y.last == real_last, "and read again when forgotten (%d)", y.last);

	test_county_years(&db);

	/* A process that never read the span and cannot reach the database fails. */
	years_forget();
	db_close(&db);
	db.paused_until = now_ms() + 10000;
	ok(years_get(&db, &y) == -1, "never read and no database: -1");

	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* store_year_test.c: the years the platform serves, as inventory_years says (store_year, years). */
#include "store_test.h"
#include "store_year.h"
#include "years.h"

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

	/* A process that never read the span and cannot reach the database fails. */
	years_forget();
	db_close(&db);
	db.paused_until = now_ms() + 10000;
	ok(years_get(&db, &y) == -1, "never read and no database: -1");

	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

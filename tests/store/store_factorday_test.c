/* store_factorday_test.c: factor day's batch locks (store_fd_reports): a county's run keeps only its
 * county's reports and year rows locked; a run of every county locks the whole id range. */
#include <stdio.h>
#include <stdlib.h>

#include "store_factorday.h"
#include "store_test.h"

#define LL(x) ((long long)(x))

/* Whether another connection finds the row held: 1 held (NOWAIT refused), 0 free (read), -1 neither. */
static int held(struct db *other, const char *sql, long long a, long long b)
{
	struct db_stmt *st = db_prepare(other, sql);
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, a);
	db_bind_int(st, 1, b);
	if (db_exec(st))
		return other->err == 1205 || other->err == 3572 ? 1 : -1;
	r = db_step(st) == 1 ? 0 : -1;
	db_reset(st);
	return r;
}

#define MAX_BATCH 100000
#define Y 2019
#define REPORT_HELD "SELECT id FROM reports WHERE id = ? AND year = ? FOR UPDATE NOWAIT"
#define YEAR_HELD "SELECT year FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE NOWAIT"

/* One statement of the test's own, with text parameters a and b: its first column (or 0 with no result); -1 on error. */
static long long q2(struct db *db, const char *sql, const char *a, const char *b)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = 0;

	if (!st)
		return -1;
	db_bind_text(st, 0, a);
	if (b)
		db_bind_text(st, 1, b);
	if (db_exec(st))
		return -1;
	if (db_step(st) == 1)
		v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

/* An agency of county `letter` of the test's own, with a report of Y (committed: another connection must see it): its report's id. */
static long long report_of(struct db *db, const char *letter, const char *code)
{
	if (q2(db, "INSERT INTO agencies (county_id, code, name, level) SELECT id, ?, '係數日鎖定測試', 1 FROM counties WHERE letter = ?",
	       code, letter) < 0 ||
	    q2(db, "INSERT INTO reports (agency_id, year, own_total_milli, outsourced_total_milli, computed_at)"
		   " SELECT id, 2019, 0, 0, NOW() FROM agencies WHERE code = ?", code, NULL) < 0)
		return -1;
	return q2(db, "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = ?", code, NULL);
}

/* The test's agencies and reports gone (a run before it may have left them). */
static int cleanup(struct db *db)
{
	return db_exec_sql(db, "DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code LIKE 'SFDT%'") ||
	       db_exec_sql(db, "DELETE t FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id WHERE a.code LIKE 'SFDT%'") ||
	       db_exec_sql(db, "DELETE FROM agencies WHERE code LIKE 'SFDT%'") ? -1 : 0;
}

int main(void)
{
	struct db db, other;
	struct store_fd_report *out = calloc(MAX_BATCH, sizeof(*out));
	long long mine, theirs;
	int county, elsewhere;

	store_test_open(&db);
	store_test_open(&other);
	if (!out || cleanup(&db))
		return 1;
	/* The other county's report first, so that it lies in the id range of the county's batch. */
	theirs = report_of(&db, "W", "SFDTW0001");
	mine = report_of(&db, "Z", "SFDTZ0001");
	county = (int)store_test_int(&db, "SELECT id FROM counties WHERE letter = 'Z'");
	elsewhere = (int)store_test_int(&db, "SELECT id FROM counties WHERE letter = 'W'");
	ok(theirs > 0 && mine > theirs, "county W's report %lld below county Z's %lld", theirs, mine);

	for (int all = 0; all < 2; all++) {
		struct store_fd_span sp = { all ? 0 : county, Y, Y };
		int n;

		ok(db_exec_sql(&db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED") == 0 && db_begin(&db) == 0, "a batch's transaction");
		n = store_fd_reports(&db, &sp, theirs - 1, MAX_BATCH, 1, out);
		ok(n > 0 && out[n - 1].id >= mine, "%s: %d reports read and locked, up to the county's", all ? "every county" : "one county", n);
		is_int(held(&other, REPORT_HELD, mine, Y), 1, "the county's report is locked");
		is_int(held(&other, REPORT_HELD, theirs, Y), all,
		       all ? "every county: the other county's report in the range is locked too" : "the other county's report is free");
		is_int(held(&other, YEAR_HELD, county, Y), 1, "the county's year row is held (a 年度鎖定 waits)");
		is_int(held(&other, YEAR_HELD, elsewhere, Y), all, all ? "every county: the other's year row is held too" : "the other county's year row is free");
		db_rollback(&other);
		ok(db_rollback(&db) == 0, "rolled back");
	}
	ok(cleanup(&db) == 0, "the test's rows deleted");
	db_release(&other);
	db_release(&db);
	free(out);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

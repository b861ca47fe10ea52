/* store_year_test.c: the years the platform serves, as inventory_years says (store_year, years): open, deadlines, 確認期限, publication, lock. */
#include <stdarg.h>
#include <string.h>

#include "store_test.h"
#include "store_text.h"
#include "store_year.h"
#include "years.h"

#define TC 99   /* a county of the test's own: no other has this id, and the letter Y is no longer in use */
#define LL(x) ((long long)(x))

#define q store_test_q

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

	ok(store_year_set_confirm_within(db, 22, last, 14, &changed) == 0 && changed == 0, "確認期限 14 again (the default): not changed");
	ok(store_year_set_confirm_within(db, 22, last, 30, &changed) == 0 && changed == 1, "確認期限 30: changed");
	ok(store_year_set_confirm_within(db, 22, last + 1, 30, &changed) == 0 && changed == 0, "a year the county does not have: nothing");
	ok(db_exec_sql(db, "INSERT INTO year_locks (county_id, year, locked_at, locked_by) SELECT 22, MAX(y.year), '2026-01-02 03:04:05',"
			   " (SELECT id FROM accounts WHERE county_id = 22 AND login = 'TEAM') FROM inventory_years y WHERE y.county_id = 22") == 0 &&
	   db_exec_sql(db, "INSERT INTO year_lock_exceptions (lock_id, agency_id, reason) SELECT LAST_INSERT_ID(), id, '測試'"
			   " FROM agencies WHERE county_id = 22 AND code IN ('371036500X', '371036600X')") == 0 &&
	   db_exec_sql(db, "UPDATE inventory_years SET lock_id = (SELECT MAX(id) FROM year_locks) WHERE county_id = 22"
			   " AND year = (SELECT y FROM (SELECT MAX(year) y FROM inventory_years WHERE county_id = 22) m)") == 0,
	   "the last year locked by the team, two exceptions");

	ok(store_year_each_of_county(db, 22, year_row, &s) == 0, "the county's years listed");
	is_int(s.n, store_test_int(db, "SELECT COUNT(*) FROM inventory_years WHERE county_id = 22"), "every one");
	ok(s.first.year == last && s.first.is_open == 0 && !strcmp(s.first.deadline, "2026-01-31"), "latest first, as written");
	is_int(s.first.confirm_within_days, 30, "its 確認期限");
	ok(s.first.lock_id > 0 && !strcmp(s.first.locked_at, "2026-01-02 03:04") && !strcmp(s.first.locked_by, "TEAM") &&
	   s.first.exceptions == 2, "its lock: when, by whom, two exceptions (%s %s %d)", s.first.locked_at, s.first.locked_by,
	   s.first.exceptions);
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	ok(store_year_each_of_county(db, 22, year_row, &s) == 0 && s.n == 1, "stopped after one");
	memset(&s, 0, sizeof(s));
	ok(store_year_each_of_county(db, 99, year_row, &s) == 0 && s.n == 0, "no such county: none");
	ok(db_rollback(db) == 0, "rolled back");
}

/* What the report pages' and the publication lists' callbacks saw. */
static struct {
	int n, stop_after, first, status_of, test_year;
	long long mask;
	char text[256];
} got;

static int report_year(void *ctx, const struct store_year_report *y)
{
	(void)ctx;
	if (!got.n++)
		got.first = y->year;
	if (y->year == got.test_year)
		got.status_of = y->status;
	return got.stop_after && got.n >= got.stop_after;
}

/* An agency's years as its report pages show them: the demo school's, in a rolled-back transaction. */
static void test_report_years(struct db *db)
{
	struct store_year_report yr;
	long long agency;
	int year;

	ok(db_begin(db) == 0, "a transaction");
	agency = store_test_int(db, "SELECT @a := id FROM agencies WHERE county_id = 22 AND code = '371036500X'");
	year = (int)store_test_int(db, "SELECT @y := MIN(y.year) FROM inventory_years y WHERE y.county_id = 22"
				       " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = @a AND r.year = y.year)");
	ok(agency > 0 && year > 0, "the demo school and a year it has no report of (%d)", year);
	ok(db_exec_sql(db, "UPDATE inventory_years SET deadline = '2025-06-30', is_open = 0 WHERE county_id = 22 AND year = @y") == 0 &&
	   db_exec_sql(db, "INSERT INTO reports (agency_id, year, filed) VALUES (@a, @y, 1)") == 0,
	   "that year closed with a deadline, a filed report of it");
	memset(&yr, 0, sizeof(yr));
	ok(store_year_report_get(db, 22, year, &yr) == 1 && yr.year == year && !yr.is_open && yr.status == 0, "the county's year: found, closed");
	is_str(yr.deadline, "114年6月30日", "its deadline in 民國");
	ok(db_exec_sql(db, "UPDATE inventory_years SET deadline = NULL, is_open = 1 WHERE county_id = 22 AND year = @y") == 0 &&
	   store_year_report_get(db, 22, year, &yr) == 1 && yr.is_open && !strcmp(yr.deadline, ""), "open without a deadline: \"\"");
	is_int(store_year_report_get(db, 22, 1999, &yr), 0, "a year the county does not have: not found");
	is_int(store_year_report_get(db, 99, year, &yr), 0, "nor a county that does not exist");

	memset(&got, 0, sizeof(got));
	got.test_year = year;
	got.status_of = -1;
	ok(store_year_report_each(db, agency, 22, report_year, NULL) == 0, "the county's years listed");
	is_int(got.n, store_test_int(db, "SELECT COUNT(*) FROM inventory_years WHERE county_id = 22"), "every one of them");
	is_int(got.first, store_test_int(db, "SELECT MAX(year) FROM inventory_years WHERE county_id = 22"), "newest first");
	is_int(got.status_of, 2, "the test year: 已登錄完成 (filed)");
	ok(db_exec_sql(db, "UPDATE reports SET filed = 0 WHERE agency_id = @a AND year = @y") == 0, "(not filed)");
	memset(&got, 0, sizeof(got));
	got.test_year = year;
	ok(store_year_report_each(db, agency, 22, report_year, NULL) == 0 && got.status_of == 1, "登錄中");
	ok(db_exec_sql(db, "DELETE FROM reports WHERE agency_id = @a AND year = @y") == 0, "(no report)");
	memset(&got, 0, sizeof(got));
	got.test_year = year;
	got.status_of = -1;
	ok(store_year_report_each(db, agency, 22, report_year, NULL) == 0 && got.status_of == 0, "未登錄");
	memset(&got, 0, sizeof(got));
	got.stop_after = 1;
	ok(store_year_report_each(db, agency, 22, report_year, NULL) == 0 && got.n == 1, "stopped after one");
	memset(&got, 0, sizeof(got));
	ok(store_year_report_each(db, agency, 99, report_year, NULL) == 0 && got.n == 0, "no such county: none");
	ok(db_rollback(db) == 0, "rolled back");
}

/* Another connection's try at the year's row lock, without waiting: 0 taken (and let go), -1 refused. */
static int lock_from_elsewhere(int county, int year)
{
	struct db other;
	int rc;

	if (db_init(&other, &store_test_cfg) || db_connect(&other))
		return -2;
	rc = db_begin(&other) ? -2
	     : q(&other, "SELECT COUNT(*) FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE NOWAIT", 2, LL(county), LL(year)) < 0
		? -1 : 0;
	db_rollback(&other);
	db_release(&other);
	return rc;
}

/* The row lock publication, 年度鎖定 and the non-agency lines take: on its county-year's row only. */
static void test_lock(struct db *db, int y)
{
	struct store_year_state ys;

	ok(db_begin(db) == 0 && store_year_lock_row(db, 22, y, &ys) == 1, "a real county-year locked");
	is_int(lock_from_elsewhere(22, y), -1, "another connection cannot lock it meanwhile");
	is_int(lock_from_elsewhere(22, y + 1), 0, "but may lock the next year");
	ok(db_rollback(db) == 0, "let go");
	is_int(lock_from_elsewhere(22, y), 0, "then it may lock it too");
}

static int published_year(void *ctx, int year)
{
	int y = *(const int *)ctx;

	got.n++;
	got.mask |= 1LL << (year - y);
	return 0;
}

static int published(void *ctx, const struct store_year_published *row)
{
	int y = *(const int *)ctx;

	got.n++;
	if (!strcmp(row->letter, "Y"))
		snprintf(got.text, sizeof(got.text), "%s %d %lld %d", row->county_name, row->year - y, row->total_milli,
			 (int)strlen(row->published_on));
	return got.stop_after && got.n >= got.stop_after ? 9 : 0;
}

/* 公開 and 撤回公開 on a county of the test's own (TC) with a closed year and an open one, in a rolled-back transaction. */
static void test_publication(struct db *db, int y)
{
	struct store_year_state ys;
	long long admin = store_test_int(db, "SELECT MIN(id) FROM accounts WHERE kind = 'admin'");

	ok(db_begin(db) == 0, "a transaction");
	ok(q(db, "INSERT INTO counties (id, letter, name) VALUES (?, 'Y', '儲存測試縣')", 1, LL(TC)) >= 0 &&
	   q(db, "INSERT INTO inventory_years (county_id, year, is_open) VALUES (?, ?, 0), (?, ? + 1, 1)", 4, LL(TC), LL(y), LL(TC), LL(y)) >= 0,
	   "a county of the test's own: a closed year and an open one");
	ok(store_year_get_state(db, TC, y, &ys) == 1 && !ys.is_open && !ys.published && !ys.published_at[0] && !ys.locked && !ys.lock_id,
	   "closed, not published, not locked");
	ok(store_year_get_state(db, TC, y + 1, &ys) == 1 && ys.is_open, "the next year open");
	is_int(store_year_get_state(db, TC, y + 2, &ys), 0, "a year the county does not have");

	ok(store_year_publish(db, TC, y, admin) == 0 && store_year_publish(db, TC, y + 1, admin) == 0, "both published");
	ok(store_year_get_state(db, TC, y, &ys) == 1 && ys.published && strlen(ys.published_at) == 16, "published, with its time");
	is_int(q(db, "SELECT COUNT(*) FROM inventory_years WHERE county_id = ? AND published_by = ?", 2, LL(TC), admin), 2, "by the account");
	memset(&got, 0, sizeof(got));
	ok(store_year_each_published_of_county(db, TC, published_year, &y) == 0 && got.mask == 3, "the county's published years");
	ok(store_year_withdraw(db, TC, y) == 0, "the first withdrawn");
	ok(store_year_get_state(db, TC, y, &ys) == 1 && !ys.published && !ys.published_at[0], "not published again");
	is_int(q(db, "SELECT COUNT(*) FROM inventory_years WHERE county_id = ? AND year = ? AND published_by IS NULL", 2, LL(TC), LL(y)), 1,
	       "nor by anyone");
	memset(&got, 0, sizeof(got));
	ok(store_year_each_published_of_county(db, TC, published_year, &y) == 0 && got.mask == 2, "only the second now");

	ok(q(db, "INSERT INTO county_rollups (county_id, year, total_milli) VALUES (?, ? + 1, 12345)", 2, LL(TC), LL(y)) >= 0, "its total");
	memset(&got, 0, sizeof(got));
	ok(store_year_each_published(db, published, &y) == 0, "every published county-year");
	is_int(got.n, q(db, "SELECT COUNT(*) FROM inventory_years WHERE published_at IS NOT NULL", 0), "as many as the table has");
	is_str(got.text, "儲存測試縣 1 12345 10", "the test county's second year: its name, its total, its date");
	memset(&got, 0, sizeof(got));
	got.stop_after = 1;
	is_int(store_year_each_published(db, published, &y), 9, "a callback that stops: its value");
	is_int(got.n, 1, "after one row");
	ok(db_rollback(db) == 0, "rolled back");
	is_int(q(db, "SELECT COUNT(*) FROM counties WHERE id = ?", 1, LL(TC)), 0, "nothing of it is left");
}

/*
 * store_year_lock_row, the check every change of the non-agency lines,
 * publication and 年度鎖定 make: a second connection cannot publish while
 * the first holds the year's row, nor the first take it while a
 * publication holds it; it reads published and locked under the lock.  On
 * the first county's first year, published for a moment (committed) and
 * withdrawn again.
 */
static void test_lock_row(struct db *db)
{
	struct db other;
	struct store_year_state ys;
	int county = (int)store_test_int(db, "SELECT MIN(id) FROM counties");
	int year = (int)q(db, "SELECT MIN(year) FROM inventory_years WHERE county_id = ?", 1, LL(county));
	long long account = store_test_int(db, "SELECT MIN(id) FROM accounts"), lock;

	store_test_open(&other);
	ok(db_exec_sql(&other, "SET SESSION innodb_lock_wait_timeout = 1") == 0, "the other connection waits 1 s for a lock");
	is_int(q(db, "SELECT published_at IS NULL AND lock_id IS NULL FROM inventory_years WHERE county_id = ? AND year = ?", 2, LL(county),
		 LL(year)), 1, "county %d's %d is neither published nor locked", county, year);
	is_int(store_year_is_published(db, county, year), 0, "not published: 0");
	is_int(store_year_is_published(db, county, 1800), 0, "a county-year that is not there: 0");
	ok(db_begin(db) == 0, "a transaction");
	is_int(store_year_lock_row(db, county, year, &ys), 1, "the county-year locked");
	ok(!ys.published && !ys.locked, "neither published nor locked");
	ok(q(&other, "UPDATE inventory_years SET published_at = NOW() WHERE county_id = ? AND year = ?", 2, LL(county), LL(year)) == -1 &&
	   db_err_contention(&other), "another connection cannot publish it meanwhile (a lock wait)");
	ok(db_rollback(db) == 0, "released");
	ok(db_begin(&other) == 0 && q(&other, "UPDATE inventory_years SET published_at = NOW() WHERE county_id = ? AND year = ?", 2,
				      LL(county), LL(year)) >= 0, "then it can (its transaction kept open)");
	ok(db_begin(db) == 0, "a transaction");
	ok(db_exec_sql(db, "SET SESSION innodb_lock_wait_timeout = 1") == 0 && store_year_lock_row(db, county, year, &ys) == -1 &&
	   db_err_contention(db), "a change waits for the publication's lock in turn");
	db_rollback(db);
	ok(db_rollback(&other) == 0, "the publication rolled back");
	ok(q(&other, "UPDATE inventory_years SET published_at = NOW() WHERE county_id = ? AND year = ?", 2, LL(county), LL(year)) >= 0 &&
	   store_year_is_published(db, county, year) == 1, "published (autocommit): 1");
	ok(db_begin(db) == 0 && store_year_lock_row(db, county, year, &ys) == 1 && ys.published && !ys.locked, "and read so under the lock");
	db_rollback(db);
	ok(q(&other, "UPDATE inventory_years SET published_at = NULL, published_by = NULL WHERE county_id = ? AND year = ?", 2,
	     LL(county), LL(year)) >= 0 && store_year_is_published(db, county, year) == 0, "withdrawn again as it was");
	/* Locked by another connection, committed: the lock is what a change reads under the row lock. */
	ok(db_begin(&other) == 0, "another connection locks the year (年度鎖定)");
	lock = q(&other, "INSERT INTO year_locks (county_id, year, locked_at, locked_by) VALUES (?, ?, NOW(), ?)", 3, LL(county), LL(year), account);
	ok(lock > 0 && q(&other, "UPDATE inventory_years SET lock_id = ? WHERE county_id = ? AND year = ?", 3, lock, LL(county), LL(year)) >= 0,
	   "its lock written, not yet committed");
	ok(db_begin(db) == 0 && store_year_lock_row(db, county, year, &ys) == -1 && db_err_contention(db), "a change waits for it");
	db_rollback(db);
	ok(db_commit(&other) == 0, "the lock committed");
	ok(db_begin(db) == 0 && store_year_lock_row(db, county, year, &ys) == 1 && ys.locked && ys.lock_id == lock && !ys.published,
	   "then read locked, with its id");
	db_rollback(db);
	ok(store_year_get_state(db, county, year, &ys) == 1 && ys.locked && ys.lock_id == lock, "a plain read says so too");
	ok(q(&other, "UPDATE inventory_years SET lock_id = NULL WHERE county_id = ? AND year = ?", 2, LL(county), LL(year)) >= 0 &&
	   q(&other, "DELETE FROM year_locks WHERE id = ?", 1, lock) >= 0, "unlocked and its row gone again");
	ok(db_begin(db) == 0 && store_year_lock_row(db, county, 1800, &ys) == 0 && !ys.published && !ys.locked, "no such county-year: 0");
	db_rollback(db);
	db_release(&other);
}

/*
 * 年度鎖定's read (store_year_lock_state): 0 unlocked, 1 with a lock in
 * force; it holds the row in share mode, so a 年度鎖定 (FOR UPDATE) by
 * another connection waits for it, while another share lock does not.
 */
static void test_lock_state(struct db *db)
{
	struct db other;
	int county = (int)store_test_int(db, "SELECT MIN(id) FROM counties");
	int year = (int)q(db, "SELECT MAX(year) FROM inventory_years WHERE county_id = ?", 1, LL(county)), locked = -1;
	long long account = store_test_int(db, "SELECT MIN(id) FROM accounts"), lock;

	store_test_open(&other);
	ok(db_exec_sql(&other, "SET SESSION innodb_lock_wait_timeout = 1") == 0, "the other connection waits 1 s for a lock");
	ok(db_begin(db) == 0 && store_year_lock_state(db, county, year, &locked) == 1 && locked == 0, "not locked: found, 0");
	ok(db_begin(&other) == 0 && store_year_lock_state(&other, county, year, &locked) == 1,
	   "another change shares the row meanwhile");
	db_rollback(&other);
	ok(q(&other, "SELECT 1 FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE", 2, LL(county), LL(year)) == -1 &&
	   db_err_contention(&other), "but a 年度鎖定 waits for it");
	db_rollback(db);
	ok(db_begin(db) == 0, "a transaction (rolled back)");
	lock = q(db, "INSERT INTO year_locks (county_id, year, locked_at, locked_by) VALUES (?, ?, NOW(), ?)", 3, LL(county), LL(year), account);
	ok(lock > 0 && q(db, "UPDATE inventory_years SET lock_id = ? WHERE county_id = ? AND year = ?", 3, lock, LL(county), LL(year)) >= 0,
	   "the county-year locked");
	ok(store_year_lock_state(db, county, year, &locked) == 1 && locked == 1, "locked: found, 1");
	ok(store_year_lock_state(db, county, 1800, &locked) == 0 && locked == 0, "no such county-year: 0, not locked");
	ok(db_rollback(db) == 0 && store_year_lock_state(db, county, year, &locked) == 1 && locked == 0, "rolled back: unlocked");
	db_release(&other);
}

static int latest(void *ctx, const struct store_year_latest *p)
{
	(void)ctx;
	if (!got.n++) {
		got.first = p->year;
		snprintf(got.text, sizeof(got.text), "%s%s", p->letter, p->county);
	}
	return got.stop_after && got.n >= got.stop_after;
}

/* The home page's 縣市成果展現: the twelve latest published county-years. */
static void test_latest(struct db *db)
{
	long long county = store_test_int(db, "SELECT MIN(county_id) FROM inventory_years WHERE year = (SELECT MAX(year) FROM inventory_years)");
	long long last = store_test_int(db, "SELECT MAX(year) FROM inventory_years");
	char want[128], buf[100];

	memset(&got, 0, sizeof(got));
	ok(store_year_latest_published(db, latest, NULL) == 0, "the published county-years read");
	is_int(got.n, store_test_int(db, "SELECT LEAST(12, COUNT(*)) FROM inventory_years WHERE published_at IS NOT NULL"),
	       "at most twelve, as the table says");
	ok(db_begin(db) == 0 && q(db, "UPDATE inventory_years SET published_at = NOW() WHERE county_id = ? AND year = ?", 2, county, last) >= 0,
	   "the last year published for one county (rolled back)");
	memset(&got, 0, sizeof(got));
	ok(store_year_latest_published(db, latest, NULL) == 0 && got.first == last, "the latest year comes first (%d)", got.first);
	snprintf(want, sizeof(want), "%s", store_test_text(db, "SELECT CONCAT(c.letter, c.name) FROM counties c WHERE c.id ="
							       " (SELECT MIN(county_id) FROM inventory_years WHERE year = (SELECT MAX(year) FROM inventory_years))",
							       buf, sizeof(buf)));
	is_str(got.text, want, "with its county's letter and name");
	memset(&got, 0, sizeof(got));
	got.stop_after = 1;
	ok(store_year_latest_published(db, latest, NULL) == 0 && got.n == 1, "stopped after one");
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
	test_report_years(&db);
	test_lock(&db, first);
	test_publication(&db, first);
	test_latest(&db);
	test_lock_row(&db);
	test_lock_state(&db);

	/* db_col_copy (the stores' copy into fixed arrays) never cuts a character in half. */
	{
		struct db_stmt *st = db_prepare(&db, "SELECT '機關名稱', NULL");
		char small[5], fits[13], none[4] = "x";

		ok(st && !db_exec(st) && db_step(st) == 1, "a row of text");
		db_col_copy(st, 0, small, sizeof(small));
		is_str(small, "機", "cut to 4 bytes: one whole character, not a character and a half");
		db_col_copy(st, 0, fits, sizeof(fits));
		is_str(fits, "機關名稱", "12 bytes in 13: whole");
		db_col_copy(st, 1, none, sizeof(none));
		is_str(none, "", "NULL: empty");
		db_reset(st);
	}

	/* A process that never read the span and cannot reach the database fails. */
	years_forget();
	db_close(&db);
	db.paused_until = now_ms() + 10000;
	ok(years_get(&db, &y) == -1, "never read and no database: -1");

	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* store_year_lock_test.c: 年度鎖定's store (store_year_lock): the agencies and their states, lock, exceptions, unlock, history; the recheck's locking read. */
#include <stdarg.h>
#include <string.h>

#include "report_status.h"
#include "store_test.h"
#include "store_year.h"
#include "store_year_lock.h"

#define TC 99   /* a county of the test's own (rolled back): no other has this id, and the letter Y is no longer in use */
#define Y 2020
#define LL(x) ((long long)(x))

#define q store_test_q

/* What the lists' callbacks saw: "code:status:returned" of each agency, the history and the exceptions. */
static struct {
	int n, stop_after;
	char text[1024];
	struct store_year_lock_entry first;
} got;

static void seen(const char *fmt, ...)
{
	size_t len = strlen(got.text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(got.text + len, sizeof(got.text) - len, fmt, ap);
	va_end(ap);
}

static int agency(void *ctx, const struct store_year_lock_agency *a)
{
	(void)ctx;
	got.n++;
	seen("%s%s:%d:%d", got.n > 1 ? " " : "", a->code, a->status, a->returned);
	return got.stop_after && got.n >= got.stop_after;
}

static int entry(void *ctx, const struct store_year_lock_entry *e)
{
	(void)ctx;
	if (!got.n++)
		got.first = *e;
	seen("%s%d", got.n > 1 ? " " : "", e->exceptions);
	return 0;
}

static int exception(void *ctx, const struct store_year_lock_exception *x)
{
	(void)ctx;
	got.n++;
	seen("%s%s=%s", got.n > 1 ? " " : "", x->code, x->reason);
	return 0;
}

static void reset(void)
{
	memset(&got, 0, sizeof(got));
}

/* A county of the test's own with five agencies, one of each state, and one deactivated; in a rolled-back transaction. */
static void test_lock(struct db *db)
{
	long long team = store_test_int(db, "SELECT id FROM accounts WHERE county_id = 22 AND login = 'TEAM'"), lock, lock2;
	struct store_year_state ys;
	int done = -1, locked = -1;

	ok(db_begin(db) == 0, "a transaction");
	ok(q(db, "INSERT INTO counties (id, letter, name) VALUES (?, 'Y', '鎖定測試縣')", 1, LL(TC)) >= 0 &&
	   q(db, "INSERT INTO inventory_years (county_id, year) VALUES (?, ?)", 2, LL(TC), LL(Y)) >= 0, "a county of its own and its year");
	ok(q(db, "INSERT INTO agencies (county_id, code, name, level) VALUES (?, 'T1', '測試一', 1), (?, 'T5', '測試五', 1),"
		 " (?, 'T9', '停用', 1)", 3, LL(TC), LL(TC), LL(TC)) >= 0 &&
	   q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT ?, v.code, v.name, 2, p.id FROM agencies p"
		 " JOIN (SELECT 'T2' code, '測試二' name UNION ALL SELECT 'T3', '測試三' UNION ALL SELECT 'T4', '測試四') v"
		 " WHERE p.county_id = ? AND p.code = 'T1'", 2, LL(TC), LL(TC)) >= 0 &&
	   q(db, "UPDATE agencies SET active = 0 WHERE county_id = ? AND code = 'T9'", 1, LL(TC)) >= 0,
	   "agencies T1, T5 (一級), T2 to T4 under T1, T9 deactivated");
	ok(q(db, "INSERT INTO reports (agency_id, year, filed, returned) SELECT id, ?, code = 'T4', code = 'T3' FROM agencies"
		 " WHERE county_id = ? AND code IN ('T3', 'T4', 'T5', 'T9')", 2, LL(Y), LL(TC)) >= 0 &&
	   q(db, "UPDATE reports r JOIN agencies a ON a.id = r.agency_id SET r.filed = 1, r.confirmed_version = 1, r.last_version = 1"
		 " WHERE a.county_id = ? AND a.code = 'T5'", 1, LL(TC)) >= 0,
	   "T1, T2 no report; T3 登錄中 returned; T4 filed; T5 confirmed; T9's (deactivated) too");

	reset();
	ok(store_year_lock_agencies(db, TC, Y, 0, agency, NULL) == 0, "the agencies read");
	is_str(got.text, "T1:0:0 T5:3:0 T2:0:0 T3:1:1 T4:2:0", "active ones only, by level and code, each with its state and flag");
	reset();
	ok(store_year_lock_agencies(db, TC, Y, 1, agency, NULL) == 0, "the same in share mode");
	is_str(got.text, "T1:0:0 T5:3:0 T2:0:0 T3:1:1 T4:2:0", "the same rows");
	reset();
	got.stop_after = 2;
	ok(store_year_lock_agencies(db, TC, Y, 0, agency, NULL) == 0 && got.n == 2, "stopped after two");
	reset();
	ok(store_year_lock_agencies(db, TC, Y - 1, 0, agency, NULL) == 0 && !strcmp(got.text, "T1:0:0 T5:0:0 T2:0:0 T3:0:0 T4:0:0"),
	   "another year: none has a report");

	ok(store_year_lock_take(db, TC, Y, team, &lock) == 0 && lock > 0, "locked (#%lld)", lock);
	ok(store_year_lock_row(db, TC, Y, &ys) == 1 && ys.locked && ys.lock_id == lock, "inventory_years names the lock");
	ok(store_year_lock_state(db, TC, Y, &locked) == 1 && locked == 1, "and store_year_lock_state says locked");
	is_int(q(db, "SELECT COUNT(*) FROM year_locks WHERE id = ? AND county_id = ? AND year = ? AND locked_by = ? AND unlocked_at IS NULL"
		 " AND locked_at > NOW() - INTERVAL 1 MINUTE", 4, lock, LL(TC), LL(Y), team), 1, "its row: county, year, by whom, now");
	ok(store_year_lock_add_exception(db, lock, q(db, "SELECT id FROM agencies WHERE county_id = ? AND code = 'T3'", 1, LL(TC)), "退回中") == 0 &&
	   store_year_lock_add_exception(db, lock, q(db, "SELECT id FROM agencies WHERE county_id = ? AND code = 'T1'", 1, LL(TC)), "裁撤") == 0,
	   "two exceptions");

	reset();
	ok(store_year_lock_history(db, TC, Y, 50, entry, NULL) == 0 && got.n == 1, "one lock in the history");
	ok(got.first.id == lock && !strcmp(got.first.locked_by, "TEAM") && strlen(got.first.locked_at) == 16 && !got.first.unlocked_at[0] &&
	   got.first.exceptions == 2, "in force, by TEAM, two exceptions");
	reset();
	ok(store_year_lock_exceptions(db, TC, Y, lock, exception, NULL) == 0, "its exceptions");
	is_str(got.text, "T1=裁撤 T3=退回中", "by level and code, with their reasons");

	ok(store_year_lock_release(db, TC, Y, lock + 1, team, "錯的", &done) == 0 && done == 0, "another lock id: not released");
	ok(store_year_lock_release(db, TC + 1, Y, lock, team, "錯的", &done) == 0 && done == 0, "another county: not released");
	ok(store_year_lock_row(db, TC, Y, &ys) == 1 && ys.lock_id == lock, "still locked");
	ok(store_year_lock_release(db, TC, Y, lock, team, "資料更正", &done) == 0 && done == 1, "released");
	ok(store_year_lock_row(db, TC, Y, &ys) == 1 && !ys.locked && !ys.lock_id, "inventory_years: no lock");
	is_int(q(db, "SELECT COUNT(*) FROM year_locks WHERE id = ? AND unlocked_by = ? AND unlock_reason = '資料更正'"
		 " AND unlocked_at >= locked_at", 2, lock, team), 1, "the lock's row keeps who unlocked it, when and why");
	ok(store_year_lock_release(db, TC, Y, lock, team, "再一次", &done) == 0 && done == 0, "a second time: nothing");

	ok(store_year_lock_take(db, TC, Y, team, &lock2) == 0 && lock2 > lock, "locked again (#%lld)", lock2);
	reset();
	ok(store_year_lock_history(db, TC, Y, 50, entry, NULL) == 0 && got.n == 2 && got.first.id == lock2, "two locks, the newest first");
	is_str(got.text, "0 2", "the new one without exceptions, the old one with its two");
	is_str(got.first.unlocked_at, "", "the new one in force");
	reset();
	ok(store_year_lock_history(db, TC, Y, 1, entry, NULL) == 0 && got.n == 1 && got.first.id == lock2, "at most one: the newest");
	reset();
	ok(store_year_lock_exceptions(db, TC, Y, lock2, exception, NULL) == 0 && got.n == 0, "from the new lock on: no exception");
	reset();
	ok(store_year_lock_exceptions(db, 22, Y, lock, exception, NULL) == 0 && got.n == 0, "another county's: none of these");
	ok(db_rollback(db) == 0, "rolled back");
	is_int(q(db, "SELECT COUNT(*) FROM year_locks WHERE id >= ?", 1, lock), 0, "nothing of it is left");
}

/*
 * The lock's recheck reads the reports in share mode: it waits for a
 * change of a report still in progress (another connection's uncommitted
 * filing) and then sees what was committed, where a plain read would have
 * seen the report as it was.  On a demo school and a year it has no
 * report of; the report is deleted again.
 */
static void test_locking_read(struct db *db)
{
	struct db other;
	long long school = store_test_int(db, "SELECT id FROM agencies WHERE county_id = 22 AND code = '371036500X'");
	int year = (int)q(db, "SELECT MIN(y.year) FROM inventory_years y WHERE y.county_id = 22"
			      " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = ? AND r.year = y.year)", 1, school);
	char want[64];

	snprintf(want, sizeof(want), "371036500X:%d:0", REPORT_FILED);
	store_test_open(&other);
	ok(school > 0 && year > 0, "the demo school, and %d, a year it has no report of", year);
	ok(db_exec_sql(db, "SET SESSION innodb_lock_wait_timeout = 1") == 0, "this connection waits 1 s for a lock");
	ok(db_begin(&other) == 0 && q(&other, "INSERT INTO reports (agency_id, year, filed) VALUES (?, ?, 1)", 2, school, LL(year)) > 0,
	   "another connection files a report, not yet committed");
	reset();
	ok(db_begin(db) == 0 && store_year_lock_agencies(db, 22, year, 0, agency, NULL) == 0 && strstr(got.text, "371036500X:0:0"),
	   "a plain read does not wait: 未登錄");
	db_rollback(db);
	ok(db_begin(db) == 0 && store_year_lock_agencies(db, 22, year, 1, agency, NULL) == -1 && db_err_contention(db),
	   "the locking read waits for the filing");
	db_rollback(db);
	ok(db_commit(&other) == 0, "the filing committed");
	reset();
	ok(db_begin(db) == 0 && store_year_lock_agencies(db, 22, year, 1, agency, NULL) == 0 && strstr(got.text, want),
	   "then the locking read sees it: 已登錄完成");
	db_rollback(db);
	ok(q(&other, "DELETE FROM reports WHERE agency_id = ? AND year = ?", 2, school, LL(year)) >= 0, "the report deleted again");
	db_release(&other);
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	test_lock(&db);
	test_locking_read(&db);
	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* store_export_test.c: the exports table and the staged passwords (store_export), read back with the test's own SQL. */
#include <string.h>

#include "store_export.h"
#include "store_test.h"

/*
 * Everything but store_export_finish() runs inside one transaction that is
 * rolled back.  store_export_finish() commits a transaction of its own, so
 * its rows are made under names no other test uses (code and login
 * STEXPT01, import file store-export-test) and deleted at the end.
 */

/* The test's own statements: literal SQL with bound integers (the statement cache is keyed by the text's address). */
static long long q1(struct db *db, const char *sql, long long a)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = -1;

	if (!st)
		return -1;
	db_bind_int(st, 0, a);
	if (!db_exec(st) && db_step(st) == 1)
		v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

static long long q2(struct db *db, const char *sql, long long a, long long b)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = -1;

	if (!st)
		return -1;
	db_bind_int(st, 0, a);
	db_bind_int(st, 1, b);
	if (!db_exec(st) && db_step(st) == 1)
		v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

/* The first column of the first row as text, into buf ("" when none). */
static const char *qs(struct db *db, const char *sql, long long a, char *buf, size_t n)
{
	struct db_stmt *st = db_prepare(db, sql);

	buf[0] = '\0';
	if (!st)
		return buf;
	db_bind_int(st, 0, a);
	if (!db_exec(st) && db_step(st) == 1)
		snprintf(buf, n, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	return buf;
}

static int exec1(struct db *db, const char *sql, long long a)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (!st)
		return -1;
	db_bind_int(st, 0, a);
	return db_exec(st);
}

static int exec2(struct db *db, const char *sql, long long a, long long b)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (!st)
		return -1;
	db_bind_int(st, 0, a);
	db_bind_int(st, 1, b);
	return db_exec(st);
}

/* A row of the test's own (an INSERT binding two integers); its id, or -1. */
static long long add_export(struct db *db, const char *sql, long long county, long long account)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, account);
	if (db_exec(st))
		return -1;
	return (long long)db_insert_id(st);
}

struct counted {
	int n, stop_after;
	char first[2100];
	long long sum;
};

static int count_review(void *ctx, const struct store_export_review_row *r)
{
	struct counted *c = ctx;

	if (!c->n++)
		snprintf(c->first, sizeof(c->first), "%s", r->code);
	c->sum += r->subtree_milli;
	return c->stop_after && c->n >= c->stop_after;
}

/* Every row as code:status/returned/confirmed_version/last_version; */
static int state_review(void *ctx, const struct store_export_review_row *r)
{
	struct counted *c = ctx;
	size_t n = strlen(c->first);

	c->n++;
	snprintf(c->first + n, sizeof(c->first) - n, "%s:%d/%d/%d/%d;", r->code, r->status, r->returned, r->confirmed_version,
		 r->last_version);
	return 0;
}

static int count_reminder(void *ctx, const struct store_export_reminder_row *r)
{
	struct counted *c = ctx;

	if (!c->n++)
		snprintf(c->first, sizeof(c->first), "%s|%d|%s", r->code, r->status, r->contact_email);
	return c->stop_after && c->n >= c->stop_after;
}

/* Every row as code:status/returned; */
static int state_reminder(void *ctx, const struct store_export_reminder_row *r)
{
	struct counted *c = ctx;
	size_t n = strlen(c->first);

	c->n++;
	snprintf(c->first + n, sizeof(c->first) - n, "%s:%d/%d;", r->code, r->status, r->returned);
	return 0;
}

static int count_otp(void *ctx, const struct store_export_otp_account *r)
{
	struct counted *c = ctx;

	if (!c->n++)
		snprintf(c->first, sizeof(c->first), "%s|%s|%s", r->login, r->hash, r->county);
	c->sum += r->id;
	return 0;
}

static int county, year;
static long long team, hall, hall_account;

static void asking(struct db *db)
{
	long long id = 0, again = 0, other = 0, before;

	ok(store_export_request_reminders(db, county, year, team, &id) == 0 && id > 0, "reminders asked for (%lld)", id);
	is_int(q2(db, "SELECT COUNT(*) FROM exports WHERE id = ? AND kind = 'reminders' AND status = 'queued'"
		  " AND agency_id IS NULL AND year = ? AND filename = CONCAT(year - 1911, '年_催報名單.xlsx')", id, year), 1,
	       "its row: kind, year, file name, queued");
	is_int(q2(db, "SELECT COUNT(*) FROM exports WHERE id = ? AND requested_by = ?", id, team), 1, "asked for by the team");
	ok(store_export_request_reminders(db, county, year, team, &again) == 0 && again == id,
	   "asked again while queued: the same export (%lld)", again);
	ok(store_export_request_reminders(db, county, year - 1, team, &other) == 0 && other != id,
	   "another year: another export");

	ok(store_export_request_review(db, hall, year, hall_account, &id) == 1 && id > 0, "the review table asked for");
	before = store_test_int(db, "SELECT COUNT(*) FROM exports");
	ok(store_export_request_review(db, 4000000000LL, year, hall_account, &id) == 0, "no such agency: 0");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM exports"), before, "and nothing written");
}

/* 盤查清冊's workbooks: asked for under the stamp of their data, and found again while they are good. */
static void asking_inventory(struct db *db)
{
	long long id = 0, again = 0, found = 0;

	is_int(store_export_find_inventory(db, "inventory_detail", county, year, "st-stamp-1", team, &found), 0, "no inventory workbook yet");
	ok(store_export_request_inventory(db, "inventory_detail", county, year, team, "st-inventory.xlsx", "st-stamp-1", &id) == 0 && id > 0,
	   "an inventory workbook asked for (%lld)", id);
	is_int(q2(db, "SELECT COUNT(*) FROM exports WHERE id = ? AND status = 'queued' AND kind = 'inventory_detail' AND year = ?"
		  " AND agency_id IS NULL AND import_id IS NULL AND filename = 'st-inventory.xlsx' AND stamp = 'st-stamp-1'", id, year), 1,
	       "queued as asked: kind, year, file name, stamp");
	is_int(q2(db, "SELECT COUNT(*) FROM exports WHERE id = ? AND requested_by = ? AND county_id = 22", id, team), 1,
	       "by the team, of its county");
	ok(store_export_request_inventory(db, "inventory_detail", county, year, team, "st-inventory.xlsx", "st-stamp-1", &again) == 0 &&
	   again == id, "asked again while queued: the same one");
	ok(store_export_find_inventory(db, "inventory_detail", county, year, "st-stamp-1", team, &found) == 1 && found == id, "found");
	is_int(store_export_find_inventory(db, "inventory_detail", county, year, "st-stamp-2", team, &found), 0, "not for another stamp");
	is_int(store_export_find_inventory(db, "inventory_charts", county, year, "st-stamp-1", team, &found), 0, "nor another kind");
	is_int(store_export_find_inventory(db, "inventory_detail", county, year - 1, "st-stamp-1", team, &found), 0, "nor another year");
	is_int(store_export_find_inventory(db, "inventory_detail", county, year, "st-stamp-1", hall_account, &found), 0,
	       "nor for another account");
	ok(exec1(db, "UPDATE exports SET status = 'done', expires_at = NOW() + INTERVAL 1 DAY WHERE id = ?", id) == 0, "(done)");
	ok(store_export_find_inventory(db, "inventory_detail", county, year, "st-stamp-1", team, &found) == 1 && found == id,
	   "a done one is offered again");
	ok(store_export_request_inventory(db, "inventory_detail", county, year, team, "st-inventory.xlsx", "st-stamp-1", &again) == 0 &&
	   again > id, "asked for once done: a new one (%lld)", again);
	ok(exec1(db, "UPDATE exports SET status = 'failed' WHERE id = ?", again) == 0 &&
	   store_export_find_inventory(db, "inventory_detail", county, year, "st-stamp-1", team, &found) == 1 && found == id,
	   "a failed one is not offered: the newest good one is");
	ok(exec1(db, "UPDATE exports SET expires_at = NOW() - INTERVAL 1 SECOND WHERE id = ?", id) == 0, "(past its time)");
	is_int(store_export_find_inventory(db, "inventory_detail", county, year, "st-stamp-1", team, &found), 0, "an expired one is not offered");
}

/* The one-time passwords of an import: one workbook while it is pending. */
static void asking_passwords(struct db *db)
{
	long long imp, e1 = 0, e2 = 0, e3 = 0;

	imp = add_export(db, "INSERT INTO agency_imports (county_id, account_id, filename, content, created_at)"
			 " VALUES (?, ?, 'store-export-test', '', NOW(3))", county, team);
	ok(imp > 0, "(an import)");
	ok(store_export_request_passwords(db, county, team, imp, &e1) == 0 && e1 > 0, "passwords asked for (%lld)", e1);
	is_int(q1(db, "SELECT kind = 'passwords' AND status = 'queued' AND year = 0 AND agency_id IS NULL FROM exports WHERE id = ?", e1), 1,
	       "a queued passwords export");
	is_int(q1(db, "SELECT import_id FROM exports WHERE id = ?", e1), imp, "of the import");
	is_int(q1(db, "SELECT requested_by FROM exports WHERE id = ?", e1), team, "for who asked");
	is_int(q2(db, "SELECT county_id = ? FROM exports WHERE id = ?", county, e1), 1, "of the county");
	is_int(q1(db, "SELECT filename = CONCAT('一次性密碼-匯入', import_id, '.xlsx') FROM exports WHERE id = ?", e1), 1,
	       "named for the import");
	ok(store_export_request_passwords(db, county, team, imp, &e2) == 0 && e2 == e1, "asked again while queued: the same one");
	ok(exec1(db, "UPDATE exports SET status = 'done' WHERE id = ?", e1) == 0, "(done)");
	ok(store_export_request_passwords(db, county, team, imp, &e3) == 0 && e3 > e1, "asked again once done: a new one (%lld)", e3);
}

static void review_file_name(struct db *db)
{
	long long id = 0;
	char got[900], want[900];

	ok(store_export_request_review(db, hall, year, hall_account, &id) == 1, "the review table again");
	qs(db, "SELECT filename FROM exports WHERE id = ?", id, got, sizeof(got));
	snprintf(want, sizeof(want), "371000000A_%d_所屬機關.xlsx", year - 1911);
	is_str(got, want, "its file name: code, ROC year");
	is_int(q1(db, "SELECT agency_id FROM exports WHERE id = ?", id), hall, "its agency");
}

static void reading(struct db *db)
{
	struct store_export_view v;
	long long id = 0, rev = 0;
	char want[900];

	store_export_request_reminders(db, county, year, team, &id);
	store_export_request_review(db, hall, year, hall_account, &rev);
	memset(&v, 'x', sizeof(v));
	ok(store_export_read(db, id, team, &v) == 1, "the requester reads it");
	ok(v.status == STORE_EXPORT_QUEUED && v.progress == 0 && !v.file[0] && !v.error[0] && !v.superseded_by,
	   "queued, no file, no error");
	is_str(v.filename, qs(db, "SELECT filename FROM exports WHERE id = ?", id, want, sizeof(want)), "its file name");
	ok(store_export_read(db, id, hall_account, &v) == 0, "another account: not found");
	ok(store_export_read(db, 4000000000LL, team, &v) == 0, "no such export: not found");

	ok(exec1(db, "UPDATE exports SET status = 'done', progress = 100, file = 'exports/x.xlsx',"
		 " error = '無法寫入檔案（磁碟已滿）', expires_at = NOW() + INTERVAL 1 DAY WHERE id = ?", id) == 0, "(done)");
	ok(store_export_read(db, id, team, &v) == 1 && v.status == STORE_EXPORT_DONE && v.progress == 100 &&
	   !strcmp(v.file, "exports/x.xlsx") && !strcmp(v.error, "無法寫入檔案（磁碟已滿）"), "done: its file and its text");
	ok(exec1(db, "UPDATE exports SET expires_at = NOW() - INTERVAL 1 SECOND WHERE id = ?", id) == 0, "(past its time)");
	ok(store_export_read(db, id, team, &v) == 0, "past its time: not found");
	ok(exec2(db, "UPDATE exports SET superseded_by = ? WHERE id = ?", rev, id) == 0, "(superseded)");
	ok(store_export_read(db, id, team, &v) == 1 && v.superseded_by == rev && !v.file[0],
	   "superseded: still shown, with the newer one and no file");
}

static void jobs(struct db *db)
{
	struct store_export_job j;
	long long id = 0, rev = 0;

	store_export_request_reminders(db, county, year, team, &id);
	store_export_request_review(db, hall, year, hall_account, &rev);
	ok(store_export_get(db, id, &j) == 1 && j.kind == STORE_EXPORT_REMINDERS && !strcmp(j.kind_name, "reminders") &&
	   j.status == STORE_EXPORT_QUEUED && j.county == county && j.year == year && !j.agency && !j.import_id,
	   "the worker reads what to build");
	ok(store_export_get(db, rev, &j) == 1 && j.kind == STORE_EXPORT_REVIEW && j.agency == hall, "the review table's agency");
	ok(store_export_get(db, 4000000000LL, &j) == 0, "no such export");
	ok(exec1(db, "UPDATE exports SET kind = 'zzz_unknown' WHERE id = ?", id) == 0 && store_export_get(db, id, &j) == 1 &&
	   j.kind == STORE_EXPORT_KIND__MAX && !strcmp(j.kind_name, "zzz_unknown"), "an unknown kind reads as such");
}

static void claiming(struct db *db)
{
	long long id = 0;
	int attempt = 0;
	char buf[400];

	store_export_request_reminders(db, county, year, team, &id);
	ok(store_export_claim(db, id, "st-claim-1", 3, 6, &attempt) == 1 && attempt == 1, "claimed: attempt 1");
	is_int(q1(db, "SELECT status = 'running' AND progress = 5 AND claim = 'st-claim-1' AND claimed_at IS NOT NULL"
		  " FROM exports WHERE id = ?", id), 1, "running under its claim, progress 5");
	ok(store_export_claim(db, id, "st-claim-2", 3, 6, &attempt) == 0, "a live lease: not claimed again");
	ok(store_export_fail_exhausted(db, id, 3, 6) == 0, "nor failed");

	ok(store_export_progress(db, id, "st-claim-1", 42) == 0 &&
	   q1(db, "SELECT progress FROM exports WHERE id = ?", id) == 42, "progress recorded by the claim's holder");
	ok(store_export_progress(db, id, "st-claim-2", 77) == 0 &&
	   q1(db, "SELECT progress FROM exports WHERE id = ?", id) == 42, "not by another");

	exec1(db, "UPDATE exports SET claimed_at = NOW(3) - INTERVAL 7 SECOND WHERE id = ?", id);
	ok(store_export_claim(db, id, "st-claim-2", 3, 6, &attempt) == 1 && attempt == 2, "a lease run out: taken over, attempt 2");
	ok(store_export_progress(db, id, "st-claim-1", 50) == 0 &&
	   q1(db, "SELECT progress FROM exports WHERE id = ?", id) == 5, "the old holder records nothing");

	ok(store_export_release(db, id, "st-claim-1", 0) == 0 &&
	   q1(db, "SELECT status = 'running' FROM exports WHERE id = ?", id) == 1, "nor gives it back");
	ok(store_export_release(db, id, "st-claim-2", 0) == 0 &&
	   q1(db, "SELECT status = 'queued' AND claim IS NULL AND progress = 0 AND attempts = 1 FROM exports WHERE id = ?", id) == 1,
	   "given back uncounted: queued, attempts 1");
	ok(store_export_claim(db, id, "st-claim-3", 3, 6, &attempt) == 1 && attempt == 2, "claimed again: attempt 2");
	ok(store_export_release(db, id, "st-claim-3", 1) == 0 &&
	   q1(db, "SELECT status = 'queued' AND attempts = 2 FROM exports WHERE id = ?", id) == 1, "given back counted: attempts 2");

	ok(store_export_claim(db, id, "st-claim-4", 3, 6, &attempt) == 1 && attempt == 3, "the last attempt (3 of 3)");
	exec1(db, "UPDATE exports SET claimed_at = NOW(3) - INTERVAL 7 SECOND WHERE id = ?", id);
	ok(store_export_claim(db, id, "st-claim-5", 3, 6, &attempt) == 0, "tried 3 times: not claimed");
	ok(store_export_fail_exhausted(db, id, 3, 6) == 1, "but failed");
	is_str(qs(db, "SELECT CONCAT(status, ':', error, ':', claim IS NULL) FROM exports WHERE id = ?", id, buf, sizeof(buf)),
	       "failed:產製過程中斷 3 次（工作程序中止），已停止；請重新產生:1", "with its reason");
	ok(store_export_fail_exhausted(db, id, 3, 6) == 0, "failed once only");

	ok(store_export_requeue_failed(db, id) == 0 &&
	   q1(db, "SELECT status = 'queued' AND attempts = 0 AND error IS NULL FROM exports WHERE id = ?", id) == 1,
	   "a failed export queued again, its attempts forgotten");
	ok(store_export_claim(db, id, "st-claim-6", 3, 6, &attempt) == 1, "claimed");
	ok(store_export_fail(db, id, "st-claim-x", "nope") == 0 &&
	   q1(db, "SELECT status = 'running' FROM exports WHERE id = ?", id) == 1, "not failed by another claim");
	ok(store_export_fail(db, id, "st-claim-6", "無法建立檔案") == 0, "failed by its holder");
	is_str(qs(db, "SELECT CONCAT(status, ':', error, ':', progress) FROM exports WHERE id = ?", id, buf, sizeof(buf)),
	       "failed:無法建立檔案:0", "with its reason");
	ok(exec1(db, "UPDATE exports SET status = 'done', attempts = 1 WHERE id = ?", id) == 0 &&
	   store_export_requeue_failed(db, id) == 0 && q1(db, "SELECT status = 'done' FROM exports WHERE id = ?", id) == 1,
	   "a done export is not queued again");
}

static void statuses(struct db *db)
{
	enum store_export_status s = STORE_EXPORT_STATUS__MAX;
	long long id = 0;

	store_export_request_reminders(db, county, year, team, &id);
	ok(store_export_status_of(db, id, &s) == 1 && s == STORE_EXPORT_QUEUED, "status: queued");
	exec1(db, "UPDATE exports SET status = 'failed' WHERE id = ?", id);
	ok(store_export_status_of(db, id, &s) == 1 && s == STORE_EXPORT_FAILED, "status: failed");
	ok(store_export_status_of(db, 4000000000LL, &s) == 0, "no such export");
	is_str(store_export_status_name(STORE_EXPORT_RUNNING), "running", "a status's name");
	is_str(store_export_status_name(STORE_EXPORT_STATUS__MAX), "?", "beyond the names");
}

static void polling(struct db *db)
{
	long long old, fresh, ids[STORE_EXPORT_DUE_MAX], due;
	int n, has_old = 0, has_fresh = 0;

	old = add_export(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at)"
			 " VALUES ('reminders', ?, 1999, ?, 'st-old.xlsx', NOW(3) - INTERVAL 4 SECOND)", county, team);
	fresh = add_export(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at)"
			   " VALUES ('reminders', ?, 1998, ?, 'st-fresh.xlsx', NOW(3) - INTERVAL 1 SECOND)", county, team);
	ok(old > 0 && fresh > 0, "(two queued exports, 4 s and 1 s old)");
	n = store_export_due(db, 6, ids);
	due = q1(db, "SELECT COUNT(*) FROM exports WHERE (status = 'queued' AND created_at < NOW(3) - INTERVAL 3 SECOND)"
		 " OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL ? SECOND)", 6);
	is_int(n, due < STORE_EXPORT_DUE_MAX ? due : STORE_EXPORT_DUE_MAX, "as many due as the table says (at most 20)");
	for (int i = 0; i < n; i++) {
		has_old |= ids[i] == old;
		has_fresh |= ids[i] == fresh;
	}
	ok(has_old && !has_fresh, "queued over 3 s: due; under: not yet");
	exec1(db, "UPDATE exports SET status = 'running', claimed_at = NOW(3) - INTERVAL 7 SECOND WHERE id = ?", fresh);
	n = store_export_due(db, 6, ids);
	for (int i = 0; i < n; i++)
		has_fresh |= ids[i] == fresh;
	ok(has_fresh, "running with a lease run out: due");
}

static void expiring(struct db *db)
{
	struct store_export_file files[STORE_EXPORT_EXPIRED_MAX];
	long long gone, kept;
	int n, has_gone = 0, has_kept = 0;

	gone = add_export(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at, status, file, expires_at)"
			  " VALUES ('reminders', ?, 1997, ?, 'st.xlsx', NOW(3), 'done', 'exports/st-gone.xlsx', NOW() - INTERVAL 1 SECOND)",
			  county, team);
	kept = add_export(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at, status, file, expires_at)"
			  " VALUES ('reminders', ?, 1996, ?, 'st.xlsx', NOW(3), 'done', 'exports/st-kept.xlsx', NOW() + INTERVAL 1 MINUTE)",
			  county, team);
	n = store_export_expired(db, files);
	ok(n >= 1, "expired workbooks listed (%d)", n);
	for (int i = 0; i < n; i++) {
		if (files[i].id == gone)
			has_gone = !strcmp(files[i].file, "exports/st-gone.xlsx");
		has_kept |= files[i].id == kept;
	}
	ok(has_gone && !has_kept, "past its time: listed with its file; not yet: not");
	ok(store_export_forget_file(db, gone) == 0 && q1(db, "SELECT file IS NULL FROM exports WHERE id = ?", gone) == 1,
	   "its file forgotten");
	n = store_export_expired(db, files);
	for (int i = 0; i < n; i++)
		has_gone = has_gone && files[i].id != gone;
	ok(has_gone, "and no longer listed");
}

static void staging(struct db *db)
{
	long long id = 0;

	store_export_request_reminders(db, county, year, team, &id);
	ok(store_export_stage(db, id, hall_account, "$old$", "$new$") == 0, "a password staged");
	is_int(q2(db, "SELECT COUNT(*) FROM export_passwords WHERE export_id = ? AND account_id = ?"
		  " AND old_hash = '$old$' AND new_hash = '$new$'", id, hall_account), 1, "beside the old hash");
	ok(store_export_stage(db, id, hall_account, "$old$", "$new2$") == -1, "the same account twice: refused");
	ok(store_export_unstage(db, id) == 0 && q1(db, "SELECT COUNT(*) FROM export_passwords WHERE export_id = ?", id) == 0,
	   "unstaged");
	ok(store_export_unstage(db, 4000000000LL) == 0, "unstaging nothing is no error");
}

/*
 * The states the workbooks state, in 1900 (no report there): the hall's
 * two subordinates 已確認 at version 2 and 登錄中（退回） reopened after
 * version 1; their schools 已登錄完成 and 登錄中; the hall itself none.
 */
static void workbook_states(struct db *db)
{
	struct counted c = { 0 };

	ok(db_exec_sql(db, "INSERT INTO reports (agency_id, year, filed, returned, confirmed_version, last_version)"
			   " SELECT id, 1900, code IN ('371030000A', '371036500X'), code = '371040000A', IF(code = '371030000A', 2, NULL),"
			   " CASE code WHEN '371030000A' THEN 2 WHEN '371040000A' THEN 1 ELSE 0 END FROM agencies"
			   " WHERE code IN ('371030000A', '371040000A', '371036500X', '371036600X') AND county_id = 22") == 0,
	   "(reports of 1900 in four states)");
	ok(store_export_review_rows(db, hall, 1900, state_review, &c) == 0, "the review rows of 1900");
	ok(strstr(c.first, "371030000A:3/0/2/2;") && strstr(c.first, "371040000A:1/1/0/1;"),
	   "已確認 in version 2; 登錄中（退回） reopened after version 1 (%s)", c.first);
	c = (struct counted){ 0 };
	ok(store_export_reminder_rows(db, county, 1900, state_reminder, &c) == 0, "the reminder rows of 1900");
	ok(strstr(c.first, "371000000A:0/0;") && strstr(c.first, "371040000A:1/1;") && strstr(c.first, "371036600X:1/0;"),
	   "未登錄, 登錄中（退回） and 登錄中 (%s)", c.first);
	ok(!strstr(c.first, "371030000A") && !strstr(c.first, "371036500X"), "neither 已確認 nor 已登錄完成");
}

static void workbook_rows(struct db *db)
{
	struct counted c = { 0 };
	char name[801], want[900];

	ok(store_export_review_agency(db, hall, name) == 1, "the review table's agency");
	is_str(name, qs(db, "SELECT name FROM agencies WHERE id = ?", hall, want, sizeof(want)), "its name");
	ok(store_export_review_agency(db, 4000000000LL, name) == 0, "no such agency");
	exec1(db, "UPDATE agencies SET name = REPEAT('機', 200) WHERE id = ?", hall);
	ok(store_export_review_agency(db, hall, name) == 1 && strlen(name) == 600, "a name of 200 characters, whole (%zu bytes)",
	   strlen(name));

	ok(store_export_review_rows(db, hall, year, count_review, &c) == 0, "the review rows read");
	is_int(c.n, q1(db, "SELECT COUNT(*) FROM agencies WHERE parent_id = ? AND active = 1", hall),
	       "one a subordinate");
	is_str(c.first, qs(db, "SELECT MIN(code) FROM agencies WHERE parent_id = ? AND active = 1", hall, want, sizeof(want)),
	       "by code");
	is_int(c.sum, q2(db, "SELECT IFNULL(SUM(r.subtree_milli), 0) FROM agencies a JOIN rollups r ON r.agency_id = a.id"
			 " AND r.year = ? WHERE a.parent_id = ? AND a.active = 1", year, hall), "their totals");
	c = (struct counted){ .stop_after = 1 };
	ok(store_export_review_rows(db, hall, year, count_review, &c) == 0 && c.n == 1, "stopped after one row");
	c = (struct counted){ 0 };
	ok(store_export_review_rows(db, 4000000000LL, year, count_review, &c) == 0 && c.n == 0, "no subordinates: no row");

	c = (struct counted){ 0 };
	exec1(db, "UPDATE agencies SET contact_email = CONCAT(code, '@example.gov.tw') WHERE county_id = ?", county);
	ok(store_export_reminder_rows(db, county, year, count_reminder, &c) == 0, "the reminder rows read");
	is_int(c.n, q2(db, "SELECT COUNT(*) FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		       " WHERE a.county_id = ? AND a.active = 1 AND (r.id IS NULL OR r.filed = 0)", year, county),
	       "one an agency not yet 已登錄完成");
	ok(strstr(c.first, "@example.gov.tw") && (strstr(c.first, "|0|") || strstr(c.first, "|1|")),
	   "with its status (未登錄 or 登錄中) and contact (%s)", c.first);
	c = (struct counted){ 0 };
	ok(store_export_reminder_rows(db, county, 1900, count_reminder, &c) == 0 &&
	   c.n == q1(db, "SELECT COUNT(*) FROM agencies WHERE county_id = ? AND active = 1", county),
	   "a year with no report: every active agency");
	workbook_states(db);
}

static void otp_rows(struct db *db)
{
	struct counted c = { 0 };
	long long imp;
	char want[900];

	imp = add_export(db, "INSERT INTO agency_imports (county_id, account_id, filename, content, created_at)"
			 " VALUES (?, ?, 'store-export-test', '', NOW(3))", county, team);
	ok(imp > 0, "(an import)");
	ok(exec2(db, "UPDATE accounts SET import_id = ?, must_change_password = 1, password_changed_at = NULL WHERE id = ?",
		 imp, hall_account) == 0, "(the hall's account made by it, unused)");
	ok(store_export_otp_accounts(db, imp, count_otp, &c) == 0 && c.n == 1 && c.sum == hall_account, "its one account");
	snprintf(want, sizeof(want), "371000000A|%s|", qs(db, "SELECT password_hash FROM accounts WHERE id = ?", hall_account,
							 want + 500, 300));
	ok(!strncmp(c.first, want, strlen(want)), "its login and hash now");
	ok(strstr(c.first, qs(db, "SELECT name FROM counties WHERE id = ?", county, want, sizeof(want))) != NULL, "its county");
	exec1(db, "UPDATE accounts SET password_changed_at = NOW() WHERE id = ?", hall_account);
	c = (struct counted){ 0 };
	ok(store_export_otp_accounts(db, imp, count_otp, &c) == 0 && c.n == 0, "used (its password changed): not listed");
}

/* store_export_finish(): rows of its own, committed, deleted at the end. */
static void finishing(struct db *db)
{
	long long imp, agency, account, older, e, e3;
	char buf[400];

	db_exec_sql(db, "DELETE FROM export_passwords WHERE account_id IN (SELECT id FROM accounts WHERE login = 'STEXPT01')");
	imp = add_export(db, "INSERT INTO agency_imports (county_id, account_id, filename, content, created_at, status)"
			 " VALUES (?, ?, 'store-export-test', '', NOW(3), 'applied')", county, team);
	agency = add_export(db, "INSERT INTO agencies (county_id, code, name, level, parent_id)"
			    " VALUES (?, 'STEXPT01', '儲存測試機關', 1, NULLIF(?, 0))", county, 0);
	if (exec2(db, "INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password,"
		  " failed_logins) VALUES ('agency', ?, ?, 'STEXPT01', 'old-hash', 1, 3)", county, agency) == 0 &&
	    exec2(db, "UPDATE accounts SET import_id = ? WHERE login = 'STEXPT01' AND agency_id = ?", imp, agency) == 0)
		account = q1(db, "SELECT id FROM accounts WHERE agency_id = ?", agency);
	else
		account = -1;
	ok(imp > 0 && agency > 0 && account > 0, "(an import, its agency and account: committed)");
	older = add_export(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at, status, file,"
			   " expires_at, import_id) SELECT 'passwords', ?, 0, ?, 'st.xlsx', NOW(3), 'done', 'exports/st-older.xlsx',"
			   " NOW() + INTERVAL 7 DAY, MAX(id) FROM agency_imports WHERE filename = 'store-export-test'", county, team);
	e = add_export(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at, status, claim,"
		       " claimed_at, attempts, import_id) SELECT 'passwords', ?, 0, ?, 'st.xlsx', NOW(3), 'running', 'st-fin', NOW(3), 1,"
		       " MAX(id) FROM agency_imports WHERE filename = 'store-export-test'", county, team);
	e3 = add_export(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at, status, claim,"
			" claimed_at, attempts) VALUES ('reminders', ?, 1995, ?, 'st.xlsx', NOW(3), 'running', 'st-fin3', NOW(3), 1)",
			county, team);
	ok(older > 0 && e > 0 && e3 > 0, "(an older workbook of the import, one being built, and a reminder list being built)");

	ok(store_export_finish(db, e, "st-other", 1, imp, 0, "exports/st-new.xlsx") == STORE_EXPORT_NOT_OURS,
	   "another claim: not ours");
	ok(store_export_stage(db, e, account, "old-hash", "new-hash") == 0, "(a password staged)");
	ok(store_export_finish(db, e, "st-fin", 1, imp, 2, "exports/st-new.xlsx") == STORE_EXPORT_CHANGED,
	   "fewer accounts swapped than staged: changed");
	ok(q2(db, "SELECT (SELECT password_hash = 'old-hash' FROM accounts WHERE id = ?)"
		  " AND (SELECT status = 'running' FROM exports WHERE id = ?)", account, e) == 1 &&
	   q1(db, "SELECT COUNT(*) FROM export_passwords WHERE export_id = ?", e) == 1, "and nothing of it recorded");

	ok(store_export_finish(db, e, "st-fin", 1, imp, 1, "exports/st-new.xlsx") == STORE_EXPORT_FINISHED, "finished");
	is_str(qs(db, "SELECT CONCAT(password_hash, ':', failed_logins) FROM accounts WHERE id = ?", account, buf, sizeof(buf)),
	       "new-hash:0", "the staged password swapped in");
	is_int(q1(db, "SELECT COUNT(*) FROM export_passwords WHERE export_id = ?", e), 0, "and unstaged");
	is_str(qs(db, "SELECT CONCAT(status, ':', progress, ':', file, ':', claim IS NULL, ':', DATEDIFF(expires_at, NOW()))"
		  " FROM exports WHERE id = ?", e, buf, sizeof(buf)), "done:100:exports/st-new.xlsx:1:7", "offered 7 days");
	is_int(q2(db, "SELECT superseded_by = ? AND expires_at <= NOW() FROM exports WHERE id = ?", e, older), 1,
	       "the import's older workbook retired");
	ok(store_export_finish(db, e, "st-fin", 1, imp, 1, "exports/st-new.xlsx") == STORE_EXPORT_NOT_OURS,
	   "finished already: not ours");

	ok(store_export_finish(db, e3, "st-fin3", 0, 0, 0, "exports/st-rem.xlsx") == STORE_EXPORT_FINISHED,
	   "another workbook finished");
	is_str(qs(db, "SELECT CONCAT(status, ':', file, ':', DATEDIFF(expires_at, NOW())) FROM exports WHERE id = ?", e3, buf,
		  sizeof(buf)), "done:exports/st-rem.xlsx:30", "offered 30 days");
	ok(!db->in_tx, "no transaction left open");

	{
		static const char *const cleanup[] = {
			"UPDATE exports SET superseded_by = NULL WHERE filename = 'st.xlsx'",
			"DELETE FROM exports WHERE filename = 'st.xlsx'",
			"DELETE FROM export_passwords WHERE account_id IN (SELECT id FROM accounts WHERE login = 'STEXPT01')",
			"DELETE FROM accounts WHERE login = 'STEXPT01'",
			"DELETE FROM agency_imports WHERE filename = 'store-export-test'",
			"DELETE FROM agency_tree WHERE descendant_id IN (SELECT id FROM agencies WHERE code = 'STEXPT01')",
			"DELETE FROM agencies WHERE code = 'STEXPT01'",
		};
		for (size_t i = 0; i < sizeof(cleanup) / sizeof(cleanup[0]); i++)
			if (db_exec_sql(db, cleanup[i]))
				ok(0, "cleanup: %s: %s", cleanup[i], db->errstr);
	}
	is_int(store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE code = 'STEXPT01'"), 0, "(the rows deleted)");
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	county = (int)store_test_int(&db, "SELECT id FROM counties WHERE letter = 'Z'");
	year = (int)store_test_int(&db, "SELECT MAX(year) FROM inventory_years");
	team = store_test_int(&db, "SELECT id FROM accounts WHERE kind = 'team' AND county_id = 22");
	hall = store_test_int(&db, "SELECT id FROM agencies WHERE code = '371000000A'");
	hall_account = store_test_int(&db, "SELECT id FROM accounts WHERE agency_id = (SELECT id FROM agencies WHERE code = '371000000A')");
	ok(county > 0 && year > 0 && team > 0 && hall > 0 && hall_account > 0, "the demo county Z, its team and its hall");

	ok(db_begin(&db) == 0, "a transaction");
	asking(&db);
	asking_inventory(&db);
	asking_passwords(&db);
	review_file_name(&db);
	reading(&db);
	jobs(&db);
	claiming(&db);
	statuses(&db);
	polling(&db);
	expiring(&db);
	staging(&db);
	workbook_rows(&db);
	otp_rows(&db);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM exports WHERE requested_by = (SELECT id FROM accounts"
			      " WHERE kind = 'team' AND county_id = 22) AND filename LIKE 'st%'"), 0, "nothing of it left");

	finishing(&db);

	db_release(&db);
	return tap_done();
}

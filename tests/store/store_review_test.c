/* store_review_test.c: what the review page reads and locks (store_review), and migration 0022's trigger, against the test stack's MariaDB, inside a transaction rolled back. */
#include <string.h>

#include "arena.h"
#include "store_quality.h"
#include "store_review.h"
#include "store_session.h"
#include "store_test.h"

struct crumbs {
	int n;
	long long first, last;
};

static int take_crumb(void *ctx, const struct store_review_crumb *c)
{
	struct crumbs *v = ctx;

	if (!v->n++)
		v->first = c->id;
	v->last = c->id;
	return 0;
}

struct children {
	int n, stop_after;
	int status_of_school, school_uncounted, hall_kids;
	long long school, sum;
	char first_name[801];
};

static int take_child(void *ctx, const struct store_review_child *c)
{
	struct children *v = ctx;

	if (!v->n++)
		snprintf(v->first_name, sizeof(v->first_name), "%s", c->name);
	if (c->id == v->school) {
		v->status_of_school = c->st.status;
		v->school_uncounted = c->uncounted;
	}
	v->hall_kids += c->has_children;
	v->sum += c->subtree_milli;
	return v->stop_after && v->n >= v->stop_after;
}

static void test_rights(struct db *db, long long hall, long long edu, long long school, int county)
{
	struct store_review_agency a;

	is_int(store_review_is_ancestor(db, hall, school), 1, "the county hall is above the school");
	is_int(store_review_is_ancestor(db, school, school), 1, "an agency is within its own subtree");
	is_int(store_review_is_ancestor(db, school, edu), 0, "the school is not above its parent");
	is_int(store_review_in_county(db, school, county), 1, "the school is in its county");
	is_int(store_review_in_county(db, school, (int)store_test_int(db, "SELECT MIN(id) FROM counties WHERE id <> @c")), 0,
	       "and in no other");
	ok(store_review_agency(db, edu, &a) == 1 && a.level == (int)store_test_int(db, "SELECT level FROM agencies WHERE id = @e"),
	   "an agency's level (%d)", a.level);
	is_str(a.name, "連江縣政府教育處", "and its name");
	ok(a.parent_id == hall && a.county_id == county, "its parent and county");
	ok(store_review_agency(db, hall, &a) == 1 && a.parent_id == 0, "a 一級 agency has no parent (0)");
	is_int(store_review_agency(db, 0, &a), 0, "no agency 0");
}

/* The county's own stamp (the team's list) equals an agency's of that county; a 年度鎖定 moves both. */
static void test_stamp_county(struct db *db, long long school, int county, int year)
{
	struct store_review_stamp a, c;

	ok(store_review_stamp(db, county, school, year, &a) == 1 && store_review_stamp_county(db, county, year, &c) == 0,
	   "both stamps read");
	ok(c.served && c.last_outbox == a.last_outbox && c.rollups == a.rollups &&
	   c.quality_runs == a.quality_runs && c.lock_id == a.lock_id && c.quality_pending == a.quality_pending, "the same stamp");
	is_int(a.lock_id, store_test_int(db, "SELECT IFNULL(lock_id, 0) FROM inventory_years WHERE county_id = @c AND year = @y"),
	       "the lock in force (%lld)", a.lock_id);
	ok(db_exec_sql(db, "INSERT INTO year_locks (county_id, year, locked_at, locked_by)"
			   " SELECT @c, @y, NOW(), MIN(id) FROM accounts WHERE kind = 'team' AND county_id = @c") == 0 &&
	   db_exec_sql(db, "UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = @c AND year = @y") == 0,
	   "the county-year locked");
	ok(store_review_stamp(db, county, school, year, &a) == 1 && a.lock_id > 0 &&
	   a.lock_id == store_test_int(db, "SELECT lock_id FROM inventory_years WHERE county_id = @c AND year = @y"),
	   "the agency's stamp names the lock");
	ok(store_review_stamp_county(db, county, year, &c) == 0 && c.lock_id == a.lock_id, "and the county's");
	ok(db_exec_sql(db, "UPDATE inventory_years SET lock_id = NULL WHERE county_id = @c AND year = @y") == 0 &&
	   store_review_stamp_county(db, county, year, &c) == 0 && c.lock_id == 0, "unlocked: 0 again");
	ok(store_review_stamp_county(db, county, 1999, &c) == 0 && !c.served && c.lock_id == 0, "a year the county does not have");
}

/* An agency of a county other than @c. */
static long long hall_of_other(struct db *db)
{
	return store_test_int(db, "SELECT MIN(id) FROM agencies WHERE county_id <> @c");
}

static void test_stamp(struct db *db, long long school, int county, int year)
{
	struct store_review_stamp st, before;

	ok(store_review_stamp(db, county, school, year, &st) == 1 && st.served, "a served year of an existing agency");
	is_int(st.last_outbox, store_test_int(db, "SELECT IFNULL(MAX(id), 0) FROM outbox WHERE county_id = @c AND year = @y"),
	       "the newest outbox row");
	is_int(st.rollups, store_test_int(db, "SELECT IFNULL(MAX(requests), 0) FROM quality_queue WHERE county_id = @c AND year = @y"),
	       "the rollups committed (quality_queue.requests)");
	is_int(st.quality_runs, store_test_int(db, "SELECT IFNULL(MAX(runs), 0) FROM quality_queue WHERE county_id = @c AND year = @y"),
	       "the quality runs (quality_queue.runs)");
	ok(db_exec_sql(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (@c, @y, @s, NOW(3))") == 0,
	   "a save's outbox row");
	ok(store_review_stamp(db, county, school, year, &st) == 1 &&
	   st.last_outbox == store_test_int(db, "SELECT MAX(id) FROM outbox WHERE county_id = @c AND year = @y"), "moves the stamp");
	/* The rollup's commit and the quality run's, through the functions the worker calls in their transactions. */
	before = st;
	ok(store_quality_request(db, county, year) == 0 && store_review_stamp(db, county, school, year, &st) == 1 &&
	   st.rollups == before.rollups + 1 && st.quality_pending && st.last_outbox == before.last_outbox,
	   "a rollup's request for quality figures moves it, and a quality run is to come");
	before = st;
	ok(store_quality_figures_written(db, county, year, st.rollups) == 0 && store_review_stamp(db, county, school, year, &st) == 1 &&
	   st.quality_runs == before.quality_runs + 1 && !st.quality_pending && st.rollups == before.rollups,
	   "a quality run's figures move it, and none is to come");
	ok(store_review_stamp(db, county, hall_of_other(db), year, &st) == 0 && st.served,
	   "an agency of another county: not found here");
	ok(store_review_stamp(db, county, school, 1999, &st) == 1 && !st.served, "a year the county does not have: not served");
	ok(store_review_stamp(db, county, 0, year, &st) == 0 && st.served, "no such agency: 0, the year still served");
	test_stamp_county(db, school, county, year);
}

static void test_trail(struct db *db, long long hall, long long edu, long long school)
{
	struct crumbs v = { 0 };

	ok(store_review_trail(db, school, 0, take_crumb, &v) == 0, "the team's breadcrumb");
	is_int(v.n, store_test_int(db, "SELECT COUNT(*) FROM agency_tree WHERE descendant_id = @s"), "every ancestor");
	ok(v.first == hall && v.last == school, "from the top down to the school");
	v = (struct crumbs){ 0 };
	ok(store_review_trail(db, school, edu, take_crumb, &v) == 0 && v.n == 2 && v.first == edu && v.last == school,
	   "an agency's: from itself down");
	v = (struct crumbs){ 0 };
	ok(store_review_trail(db, 0, 0, take_crumb, &v) == 0 && v.n == 0, "no such agency: no breadcrumb");
}

static void test_pending(struct db *db, long long hall, long long school, int county, int year)
{
	struct arena a;
	long long *ids;
	int n, has_hall = 0, has_school = 0, has_zero = 0;

	arena_init(&a, 4096);
	/* test_stamp left one pending row of the school (in this transaction). */
	ok(store_review_pending(db, county, year, &a, &ids, &n) == 0, "the pending agencies");
	for (int i = 0; i < n; i++) {
		has_hall |= ids[i] == hall;
		has_school |= ids[i] == school;
		has_zero |= !ids[i];
	}
	ok(has_hall && has_school, "the school and its ancestors");
	is_int(n, store_test_int(db, "SELECT COUNT(DISTINCT IFNULL(t.ancestor_id, 0)) FROM outbox o"
				     " LEFT JOIN agency_tree t ON t.descendant_id = o.agency_id"
				     " WHERE o.county_id = @c AND o.year = @y AND o.done_at IS NULL"), "as many as SQL counts");
	/*
	 * A county-wide row of its own (another one may be pending already: the
	 * worker's startup queues them), so that the same checks run every time.
	 */
	has_zero = 0;
	ok(db_exec_sql(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (@c, @y, NULL, NOW(3))") == 0,
	   "a county-wide row");
	ok(store_review_pending(db, county, year, &a, &ids, &n) == 0, "listed again");
	for (int i = 0; i < n; i++)
		has_zero |= !ids[i];
	ok(has_zero, "a row naming no agency is 0: the whole county");
	ok(store_review_pending(db, 0, year, &a, &ids, &n) == 0 && n == 0, "no such county: nothing pending");
	arena_release(&a);
}

static void test_children(struct db *db, long long hall, long long edu, long long school, int county, int year)
{
	struct children v = { .school = school };

	ok(db_exec_sql(db, "DELETE FROM rollups WHERE agency_id = @s AND year = @y") == 0 &&
	   db_exec_sql(db, "INSERT INTO reports (agency_id, year, revision, filed) VALUES (@s, @y, 1, 1)"
			   " ON DUPLICATE KEY UPDATE filed = 1") == 0, "the school's report filed, its rollup not yet computed");
	ok(store_review_children(db, county, edu, year, take_child, &v) == 0, "the children of the education department");
	is_int(v.n, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE parent_id = @e AND active = 1"), "every active one");
	is_int(v.status_of_school, 2, "the school: 已登錄完成");
	is_int(v.school_uncounted, 1, "a report without its rollup is not counted yet");
	is_str(v.first_name, "連江縣介壽國中小", "by code: 371036500X first");
	v = (struct children){ .school = school };
	ok(store_review_children(db, county, hall, year, take_child, &v) == 0 && v.hall_kids >= 1, "the hall's children: some have their own");
	is_int(v.sum, store_test_int(db, "SELECT IFNULL(SUM(r.subtree_milli), 0) FROM agencies a JOIN rollups r ON r.agency_id = a.id"
				     " AND r.year = @y WHERE a.parent_id = @h AND a.active = 1"), "their subtree totals");
	v = (struct children){ .stop_after = 1 };
	ok(store_review_children(db, county, hall, year, take_child, &v) == 0 && v.n == 1, "a non-zero return stops the list");
	v = (struct children){ 0 };
	ok(store_review_children(db, county, school, year, take_child, &v) == 0 && v.n == 0, "a school has no children");
	v = (struct children){ .school = hall };
	ok(store_review_children(db, county, 0, year, take_child, &v) == 0, "agency 0: the county's 一級 agencies");
	is_int(v.n, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = @c AND parent_id IS NULL AND active = 1"),
	       "every active one without a parent");
	ok(v.status_of_school == store_test_int(db, "SELECT IFNULL((SELECT IF(confirmed_version IS NOT NULL, 3, IF(filed, 2, 1))"
						    " FROM reports WHERE agency_id = @h AND year = @y), 0)"), "the hall among them, its state");
	ok(db_exec_sql(db, "UPDATE reports SET confirmed_version = 1, last_version = 1 WHERE agency_id = @s AND year = @y") == 0,
	   "the school's report confirmed (as store_workflow leaves it)");
	v = (struct children){ .school = school };
	ok(store_review_children(db, county, edu, year, take_child, &v) == 0 && v.status_of_school == 3, "the school: 已確認");
}

struct one_state {
	long long id;
	struct store_review_state st;
};

static int take_state(void *ctx, const struct store_review_child *c)
{
	struct one_state *o = ctx;

	if (c->id == o->id)
		o->st = c->st;
	return 0;
}

/* A report's state as the list reads it and as the page's own box reads it: the same. */
static void same_state(struct db *db, long long edu, long long school, int county, int year, int status, const char *what)
{
	struct one_state o = { .id = school };
	struct store_review_state st;

	ok(store_review_children(db, county, edu, year, take_state, &o) == 0 && store_review_report_state(db, school, year, &st) == 1,
	   "%s: read", what);
	ok(o.st.status == status && st.status == status, "%s: status %d (list %d, own %d)", what, status, o.st.status, st.status);
	ok(o.st.returned == st.returned && o.st.revision == st.revision && o.st.confirmed_version == st.confirmed_version &&
	   !strcmp(o.st.return_comment, st.return_comment) && !strcmp(o.st.correction_reason, st.correction_reason) &&
	   !strcmp(o.st.correction_at, st.correction_at), "%s: the list and the box agree", what);
}

/* The states of docs/workflow.md as the review reads them, and migration 0022's outbox rows. */
static void test_states(struct db *db, long long edu, long long school, int county, int year)
{
	struct store_review_state st;
#define ROWS "SELECT COUNT(*) FROM outbox WHERE county_id = @c AND year = @y AND agency_id = @s"
	long long rows = store_test_int(db, ROWS);

	ok(db_exec_sql(db, "UPDATE reports SET confirmed_version = NULL, last_version = 0, filed = 0, revision = 7,"
			   " returned = 0, correction_reason = NULL, correction_at = NULL WHERE agency_id = @s AND year = @y") == 0,
	   "the school's report 登錄中 at revision 7");
	is_int(store_test_int(db, ROWS), rows + 1, "un-confirming it queued an outbox row (the trigger)");
	same_state(db, edu, school, county, year, 1, "登錄中");
	ok(store_review_report_state(db, school, year, &st) == 1 && st.revision == 7 && !st.returned && !st.confirmed_version,
	   "its revision, no flag, no version");
	rows = store_test_int(db, ROWS);
	ok(db_exec_sql(db, "UPDATE reports SET filed = 1, revision = 8 WHERE agency_id = @s AND year = @y") == 0 &&
	   store_test_int(db, ROWS) == rows, "a save (filed, revision) queues no row of the trigger's");
	same_state(db, edu, school, county, year, 2, "已登錄完成");
	ok(db_exec_sql(db, "UPDATE reports SET filed = 0, returned = 1, return_comment = '請補電費單', returned_at = NOW()"
			   " WHERE agency_id = @s AND year = @y") == 0 && store_test_int(db, ROWS) == rows + 1, "退回: a row");
	same_state(db, edu, school, county, year, 1, "登錄中（退回）");
	ok(store_review_report_state(db, school, year, &st) == 1 && st.returned && !strcmp(st.return_comment, "請補電費單"),
	   "the flag and the comment");
	ok(db_exec_sql(db, "UPDATE reports SET filed = 1, confirmed_version = 1, last_version = 1 WHERE agency_id = @s AND year = @y") == 0 &&
	   store_test_int(db, ROWS) == rows + 2, "確認: a row");
	same_state(db, edu, school, county, year, 3, "已確認");
	ok(db_exec_sql(db, "UPDATE reports SET correction_reason = 'abc', correction_at = '2026-01-02 03:04:05'"
			   " WHERE agency_id = @s AND year = @y") == 0 && store_test_int(db, ROWS) == rows + 3, "申請更正: a row");
	ok(store_review_report_state(db, school, year, &st) == 1 && !strcmp(st.correction_reason, "abc") &&
	   !strcmp(st.correction_at, "2026-01-02 03:04:05") && st.confirmed_version == 1, "the correction and its time");
	ok(db_exec_sql(db, "UPDATE reports SET correction_reason = 'ABC' WHERE agency_id = @s AND year = @y") == 0 &&
	   store_test_int(db, ROWS) == rows + 4, "the reason changed in letter case only, the same second: a row");
	ok(db_exec_sql(db, "UPDATE reports SET correction_reason = 'ABC', revision = revision WHERE agency_id = @s AND year = @y") == 0 &&
	   store_test_int(db, ROWS) == rows + 4, "nothing of the state changed: no row");
	ok(store_review_report_state(db, 0, year, &st) == 0, "no such agency: 0");
	ok(store_review_report_state(db, edu, 1999, &st) == 1 && st.status == 0 && st.revision == 0 && !*st.correction_reason,
	   "no report: 未登錄, revision 0");
#undef ROWS
}

/* Another connection's try at a row, without waiting: 0 taken (and let go), -1 refused, -2 no connection. */
static int try_elsewhere(const char *sql, long long id)
{
	struct db other;
	struct db_stmt *st;
	int rc = -2;

	if (db_init(&other, &store_test_cfg) || db_connect(&other))
		return -2;
	if (!db_begin(&other) && (st = db_prepare(&other, sql))) {
		db_bind_int(st, 0, id);
		rc = db_exec(st) ? -1 : 0;
		db_reset(st);
	}
	db_rollback(&other);
	db_release(&other);
	return rc;
}

/*
 * The two locking reads of an action, each in a transaction of its own
 * (rolled back), on committed rows: the demo school and a report of its
 * own in 2000 (a year no county has; deleted at the end).
 */
static void test_locks(struct db *db)
{
	long long school = store_test_int(db, "SELECT @s := a.id FROM agencies a JOIN counties c ON c.id = a.county_id"
					       " WHERE c.letter = 'Z' AND a.code = '371036500X'");
	long long rid, id = 0, rev = -1;
	struct store_review_subject sub;

	ok(db_exec_sql(db, "INSERT INTO reports (agency_id, year, revision, filed) VALUES (@s, 2000, 5, 1)") == 0,
	   "a committed report of the test's own");
	rid = store_test_int(db, "SELECT id FROM reports WHERE agency_id = @s AND year = 2000");
	ok(db_begin(db) == 0 && store_review_lock_report(db, school, 2000, &id, &rev) == 1, "its row locked");
	ok(id == rid && rev == 5, "its id and revision");
	is_int(try_elsewhere("SELECT id FROM reports WHERE id = ? LOCK IN SHARE MODE NOWAIT", rid), -1,
	       "another transaction cannot even read it in share mode meanwhile (FOR UPDATE)");
	ok(db_rollback(db) == 0 && try_elsewhere("SELECT id FROM reports WHERE id = ? FOR UPDATE NOWAIT", rid) == 0, "let go");
	ok(db_begin(db) == 0 && store_review_lock_report(db, school, 1999, &id, &rev) == 0 && db_rollback(db) == 0, "no report: 0");
	ok(db_exec_sql(db, "DELETE FROM reports WHERE agency_id = @s AND year = 2000") == 0, "the report removed");

	ok(db_begin(db) == 0 && store_review_subject(db, school, &sub) == 1, "the school read in share mode");
	is_int(try_elsewhere("SELECT id FROM agencies WHERE id = ? FOR UPDATE NOWAIT", school), -1,
	       "a move (FOR UPDATE) waits meanwhile");
	is_int(try_elsewhere("SELECT id FROM agencies WHERE id = ? LOCK IN SHARE MODE NOWAIT", school), 0,
	       "another action's share-mode read does not");
	ok(db_rollback(db) == 0, "let go");
}

/* Where an agency is, as an action decides who may act. */
static void test_subject(struct db *db, long long hall, long long edu, long long school, int county, int year)
{
	struct store_review_subject sub;
	long long id = 0, rev = -1;

	ok(store_review_subject(db, school, &sub) == 1 && sub.county_id == county && sub.parent_id == edu && sub.active == 1,
	   "the school: its county, its parent, active");
	ok(store_review_subject(db, hall, &sub) == 1 && sub.parent_id == 0, "the hall: no parent (0)");
	ok(db_exec_sql(db, "UPDATE agencies SET active = 0 WHERE id = @s") == 0 && store_review_subject(db, school, &sub) == 1 &&
	   sub.active == 0, "a deactivated agency: active 0");
	is_int(store_review_subject(db, 0, &sub), 0, "no such agency: 0");
	ok(store_review_lock_report(db, school, year, &id, &rev) == 1 &&
	   id == store_test_int(db, "SELECT id FROM reports WHERE agency_id = @s AND year = @y") && rev == 8,
	   "the test's report: its id and revision 8");
}

/* Every field of two stamps. */
static int same_stamp(const struct store_review_stamp *a, const struct store_review_stamp *b)
{
	return a->served == b->served && a->last_outbox == b->last_outbox &&
	       a->rollups == b->rollups && a->quality_runs == b->quality_runs && a->lock_id == b->lock_id &&
	       a->quality_pending == b->quality_pending;
}

/* store_review_session against store_session_find and the two stamps, for the team and an agency. */
static void session_case(struct db *db, const char *tok, long long agency, int year, const struct store_review_stamp *want,
			 int want_found, const char *what)
{
	struct arena a;
	struct store_session s1, s2;
	struct store_review_stamp st;
	int found = -9;

	arena_init(&a, 1024);
	ok(store_session_find(db, tok, &a, &s1) == 1, "%s: the session", what);
	ok(store_review_session(db, tok, agency, year, &a, &s2, &st, &found) == 1, "%s: found with its stamp", what);
	ok(s1.account_id == s2.account_id && s1.kind == s2.kind && s1.county_id == s2.county_id &&
	   s1.agency_id == s2.agency_id && !strcmp(s1.csrf, s2.csrf) && !strcmp(s1.login, s2.login) &&
	   !strcmp(s1.agency_name, s2.agency_name) && !strcmp(s1.county_name, s2.county_name) &&
	   s1.has_contact == s2.has_contact && s1.must_change_password == s2.must_change_password,
	   "%s: the same session as store_session_find", what);
	is_int(found, want_found, "%s: found", what);
	ok(same_stamp(&st, want), "%s: the same stamp (%lld/%lld/%lld/%lld/%d)", what, st.last_outbox,
	   st.rollups, st.quality_runs, st.lock_id, st.quality_pending);
	arena_release(&a);
}

static void test_session_stamp(struct db *db, long long edu, long long school, int county, int year)
{
	const char *team_tok = "store-review-test-team-0000000000000000000000000000000000000000000";
	const char *edu_tok = "store-review-test-edu-00000000000000000000000000000000000000000000";
	long long team = store_test_int(db, "SELECT id FROM accounts WHERE kind = 'team' AND county_id = @c AND active = 1 LIMIT 1");
	long long agency = store_test_int(db, "SELECT id FROM accounts WHERE agency_id = @e AND active = 1 LIMIT 1");
	struct store_review_stamp want;
	struct arena a;
	struct store_session s;
	int found;

	ok(team > 0 && agency > 0, "a team account and the education bureau's");
	ok(store_session_create(db, team_tok, team, "csrf-team", "127.0.0.1") == 0 &&
	   store_session_create(db, edu_tok, agency, "csrf-edu", "127.0.0.1") == 0, "two sessions");
	/* A change and a rollup's request, so no part of the stamp is 0. */
	store_test_int(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (@c, @y, @s, NOW(3))");
	ok(store_quality_request(db, county, year) == 0, "a quality request");
	store_review_stamp_county(db, county, year, &want);
	session_case(db, team_tok, 0, year, &want, 1, "the team, its county as a whole");
	store_review_stamp(db, county, school, year, &want);
	session_case(db, team_tok, school, year, &want, 1, "the team, a school");
	store_review_stamp(db, county, edu, year, &want);
	session_case(db, edu_tok, 0, year, &want, 1, "the bureau, its own");
	store_review_stamp(db, county, school, year, &want);
	session_case(db, edu_tok, school, year, &want, 1, "the bureau, its school");
	store_review_stamp(db, county, 999999999, year, &want);
	session_case(db, edu_tok, 999999999, year, &want, 0, "no such agency");
	store_review_stamp(db, county, hall_of_other(db), year, &want);
	session_case(db, team_tok, hall_of_other(db), year, &want, 0, "the team, an agency of another county");
	ok(want.served && want.last_outbox == store_test_int(db, "SELECT MAX(id) FROM outbox WHERE county_id = @c AND year = @y"),
	   "whose stamp is its own county's");
	store_review_stamp_county(db, county, 1999, &want);
	session_case(db, team_tok, 0, 1999, &want, 1, "a year the county does not have");
	ok(!want.served, "that year is not served");
	arena_init(&a, 1024);
	is_int(store_review_session(db, "no-such-session", 0, year, &a, &s, &want, &found), 0, "no such session: none");
	store_test_int(db, "UPDATE accounts SET active = 0 WHERE agency_id = @e");
	is_int(store_review_session(db, edu_tok, 0, year, &a, &s, &want, &found), 0, "an account deactivated: none at once");
	arena_release(&a);
}

int main(void)
{
	struct db db;
	long long hall, edu, school;
	int county, year;

	store_test_open(&db);
	test_locks(&db);
	/*
	 * The stack's worker rolls county Z up and runs its quality figures
	 * while these tests read them: the county-year's quality_queue row is
	 * locked first, before the transaction's first plain read takes its
	 * snapshot, so that no commit of the worker's lands between a stamp
	 * read and the one after it (a rollup's commit there made the stamp
	 * move by 2, not 1: CI of 87a5134).
	 */
	store_test_int(&db, "SELECT @c := c.id FROM counties c WHERE c.letter = 'Z'");
	store_test_int(&db, "SELECT @y := MAX(year) FROM inventory_years WHERE county_id = @c");
	ok(db_begin(&db) == 0, "a transaction");
	store_test_int(&db, "SELECT COUNT(*) FROM quality_queue WHERE county_id = @c AND year = @y FOR UPDATE");
	hall = store_test_int(&db, "SELECT @h := a.id FROM agencies a JOIN counties c ON c.id = a.county_id"
				   " WHERE c.letter = 'Z' AND a.code = '371000000A'");
	edu = store_test_int(&db, "SELECT @e := id FROM agencies WHERE county_id = (SELECT county_id FROM agencies WHERE id = @h)"
				  " AND code = '371030000A'");
	school = store_test_int(&db, "SELECT @s := id FROM agencies WHERE county_id = (SELECT county_id FROM agencies WHERE id = @h)"
				     " AND code = '371036500X'");
	county = (int)store_test_int(&db, "SELECT @c := county_id FROM agencies WHERE id = @h");
	year = (int)store_test_int(&db, "SELECT @y := MAX(year) FROM inventory_years WHERE county_id = @c");
	ok(hall > 0 && edu > 0 && school > 0 && county > 0 && year > 0, "the demo tree of county Z, year %d", year);

	test_rights(&db, hall, edu, school, county);
	test_stamp(&db, school, county, year);
	test_trail(&db, hall, edu, school);
	test_pending(&db, hall, school, county, year);
	test_children(&db, hall, edu, school, county, year);
	test_states(&db, edu, school, county, year);
	test_subject(&db, hall, edu, school, county, year);
	test_session_stamp(&db, edu, school, county, year);

	ok(db_rollback(&db) == 0, "rolled back");
	db_release(&db);
	return tap_done();
}

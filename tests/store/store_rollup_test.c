/* store_rollup_test.c: the rollups, the county rollups, the outbox and worker_pings (store_rollup),
 * on a county of the test's own (id 99, letter Y) inside a transaction rolled back. */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "store_rollup.h"
#include "store_test.h"

#define TC 99   /* the test's county: no other has this id, and the letter Y is no longer in use */

#define q store_test_q

#define LL(x) ((long long)(x))

static int y;                  /* the first year served */
static long long r, c, d;      /* 一級, 二級 under it, an inactive 二級 under it */

/* Another connection's try at a row lock, without waiting: 0 taken (and let go), -1 refused. */
static int lock_from_elsewhere(int county, int year)
{
	struct db other;
	int rc;

	if (db_init(&other, &store_test_cfg) || db_connect(&other))
		return -2;
	rc = db_begin(&other) ? -2
	    : q(&other, "SELECT COUNT(*) FROM county_rollups WHERE county_id = ? AND year = ? FOR UPDATE NOWAIT", 2, LL(county), LL(year)) < 0
		? -1 : 0;
	db_rollback(&other);
	db_release(&other);
	return rc;
}

/* county_rollups' row lock: held by the transaction that took it, and only on its row. */
static void test_lock(struct db *db)
{
	int z = (int)store_test_int(db, "SELECT id FROM counties WHERE letter = 'Z'");
	long long until = now_ms() + 60000;

	/* The worker's own locks come and go while it has work (its startup check): wait until it has none. */
	while (store_test_int(db, "SELECT COUNT(*) FROM outbox WHERE done_at IS NULL") != 0 && now_ms() < until)
		usleep(100000);
	is_int(store_test_int(db, "SELECT COUNT(*) FROM outbox WHERE done_at IS NULL"), 0, "the worker has nothing pending");

	/* The worker keeps this row in any case (its startup check fills every county-year with agencies). */
	ok(store_rollup_county_row(db, z, y) == 0, "a real county-year's row (kept: the worker makes it anyway)");
	ok(db_begin(db) == 0 && store_rollup_lock(db, z, y) == 0, "locked");
	is_int(lock_from_elsewhere(z, y), -1, "another connection cannot lock it meanwhile");
	is_int(lock_from_elsewhere(z, y + 1), 0, "but may lock the next year's");
	ok(db_rollback(db) == 0, "let go");
	is_int(lock_from_elsewhere(z, y), 0, "then it may lock it too");

	/* The procedure of a save's rollup takes the same lock (a county-wide row: it claims, then leaves the rest to the full recompute). */
	struct store_rollup_changes rc;

	ok(db_begin(db) == 0 && q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, NULL, NOW(3))", 2, LL(z), LL(y)) > 0,
	   "a county-wide change, not committed");
	ok(store_rollup_changes(db, z, y, "store-test-lock", 0, &rc) == 0 && rc.status == 2 && rc.rows == 1, "rollup_changes: claimed, the full recompute needed");
	is_int(lock_from_elsewhere(z, y), -1, "another connection cannot lock the county-year meanwhile");
	is_int(lock_from_elsewhere(z, y + 1), 0, "but may lock the next year's");
	ok(store_rollup_changes(db, z, y, "store-test-lock", 1, &rc) < 0 && strstr(db->errstr, "called inside one"),
	   "its own transaction refused inside the caller's: %s", db->errstr);
	ok(db_rollback(db) == 0, "let go");
	is_int(lock_from_elsewhere(z, y), 0, "then it may lock it too");
}

/* The test county: two years, three agencies (one inactive) and their reports; READ COMMITTED, in a transaction. */
static void setup(struct db *db)
{
	ok(store_rollup_read_committed(db) == 0, "READ COMMITTED asked for");
	is_int(store_test_int(db, "SELECT @@SESSION.tx_isolation = 'READ-COMMITTED'"), 1, "and in force for the session");
	ok(db_begin(db) == 0, "a transaction");
	ok(q(db, "INSERT INTO counties (id, letter, name) VALUES (?, 'Y', '儲存測試縣')", 1, LL(TC)) >= 0 &&
	   q(db, "INSERT INTO inventory_years (county_id, year) VALUES (?, ?), (?, ? + 1)", 4, LL(TC), LL(y), LL(TC), LL(y)) >= 0,
	   "a county of the test's own with two years");
	r = q(db, "INSERT INTO agencies (county_id, code, name, level) VALUES (?, 'STRU1', '一級', 1)", 1, LL(TC));
	c = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, 'STRU2', '二級', 2, ?)", 2, LL(TC), r);
	d = q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id, active) VALUES (?, 'STRU3', '停用', 2, ?, 0)", 2, LL(TC), r);
	ok(r > 0 && c > 0 && d > 0, "a 一級 agency, an active 二級 one and an inactive one under it");
	ok(q(db, "INSERT INTO reports (agency_id, year, filed, own_total_milli, outsourced_total_milli) VALUES"
		  " (?, ?, 1, 1000, 10), (?, ?, 0, 2000, 20), (?, ?, 1, 5000, 50)", 6, r, LL(y), c, LL(y), d, LL(y)) >= 0,
	   "their reports: complete, in progress, and the inactive one's");
}

/* The county's row, and a change claimed. */
static void test_claim(struct db *db)
{
	long long n = -1;
	int any = -1;

	ok(store_rollup_county_row(db, TC, y) == 0 && store_rollup_county_row(db, TC, y) == 0, "the county row, twice");
	is_int(q(db, "SELECT COUNT(*) FROM county_rollups WHERE county_id = ? AND year = ?", 2, LL(TC), LL(y)), 1, "one row");

	/* The claim. */
	ok(q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, ?, NOW(3) - INTERVAL 5 SECOND)", 3, LL(TC),
	     LL(y), c) > 0, "a change of the 二級 agency, five seconds old");
	ok(store_rollup_any_pending(db, TC, y, &any) == 0 && any == 1, "something pending in the year");
	ok(store_rollup_any_pending(db, TC, y + 1, &any) == 0 && any == 0, "nothing in the next");
	ok(store_rollup_claim(db, TC, y, "store-test-1", &n) == 0, "claimed");
	is_int(n, 1, "one row");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM outbox WHERE claim = 'store-test-1' AND done_at IS NULL"), 1, "under the claim");
	ok(store_rollup_claim(db, TC, y + 1, "store-test-0", &n) == 0 && n == 0, "another year: nothing to claim");
}

/* Every rollup of the county-year from scratch. */
static void test_full(struct db *db)
{
	is_int(q(db, "SELECT COUNT(*) FROM rollups WHERE year = ? AND agency_id IN (?, ?, ?)", 4, LL(y), r, c, d), 0, "no rollups yet");
	ok(store_rollup_agencies_all(db, TC, y) == 0, "every agency's rollup");
	is_int(q(db, "SELECT SUM(own_state * POW(10, agency_id = ?) * POW(100, agency_id = ?)) FROM rollups WHERE year = ? AND agency_id IN (?, ?, ?)",
		 6, c, d, LL(y), r, c, d), 2 + 10 + 200, "the states their reports are counted in: 已登錄完成 2, 登錄中 1, the inactive one's 2");
	is_int(q(db, "SELECT subtree_milli FROM rollups WHERE agency_id = ? AND year = ?", 2, r, LL(y)),
	       q(db, "SELECT SUM(own_total_milli) FROM reports p JOIN agencies a ON a.id = p.agency_id"
		      " WHERE a.county_id = ? AND a.active = 1 AND p.year = ?", 2, LL(TC), LL(y)),
	       "the 一級 agency's subtree: the active agencies' reports");
	is_int(q(db, "SELECT n_agencies * 100 + n_in_progress * 10 + n_complete FROM rollups WHERE agency_id = ? AND year = ?", 2, r, LL(y)),
	       211, "two agencies, one in progress, one complete");
	is_int(q(db, "SELECT own_milli * 1000 + subtree_milli FROM rollups WHERE agency_id = ? AND year = ?", 2, d, LL(y)), 5000000,
	       "the inactive agency: its own report, nothing in its subtree");
	/* The county row (worker/rollup.c): from the 一級 agencies' subtrees, whatever it held. */
	ok(q(db, "UPDATE county_rollups SET total_milli = 1, outsourced_milli = 1, n_agencies = 0 WHERE county_id = ? AND year = ?",
	     2, LL(TC), LL(y)) >= 0 && store_rollup_county_from_roots(db, TC, y) == 0, "the county row from its 一級 agencies");
	is_int(q(db, "SELECT total_milli FROM county_rollups WHERE county_id = ? AND year = ?", 2, LL(TC), LL(y)),
	       q(db, "SELECT SUM(own_total_milli) FROM reports p JOIN agencies a ON a.id = p.agency_id"
		      " WHERE a.county_id = ? AND a.active = 1 AND p.year = ?", 2, LL(TC), LL(y)),
	       "its total: the active agencies' reports (3,000)");
	ok(q(db, "SELECT total_milli = 3000 AND outsourced_milli = 30 AND n_agencies * 100 + n_in_progress * 10 + n_complete = 211"
		 " FROM county_rollups WHERE county_id = ? AND year = ?", 2, LL(TC), LL(y)) == 1,
	   "3,000, 30 outsourced, two agencies: one in progress, one complete");
	/* From scratch again: only the rows whose figures differ are written (computed_at: when they last changed). */
	ok(q(db, "UPDATE rollups SET computed_at = '2001-01-01' WHERE year = ? AND agency_id IN (?, ?, ?)", 4, LL(y), r, c, d) >= 0 &&
	   store_rollup_agencies_all(db, TC, y) == 0, "again, nothing changed");
	is_int(q(db, "SELECT COUNT(*) FROM rollups WHERE year = ? AND agency_id IN (?, ?, ?) AND computed_at = '2001-01-01'", 4, LL(y), r, c, d), 3,
	       "no row written");
	ok(q(db, "UPDATE rollups SET n_complete = 7 WHERE year = ? AND agency_id = ?", 2, LL(y), c) >= 0 &&
	   store_rollup_agencies_all(db, TC, y) == 0, "again, one row spoilt");
	is_int(q(db, "SELECT SUM(IF(agency_id = ?, n_complete <> 7 AND computed_at > '2001-01-01', computed_at = '2001-01-01'))"
		     " FROM rollups WHERE year = ? AND agency_id IN (?, ?, ?)", 5, c, LL(y), r, c, d), 3,
	       "that row mended and stamped now, the others untouched");
	/* A tree the sums cannot walk (a loop made by hand): refused, named, nothing written. */
	ok(q(db, "UPDATE rollups SET computed_at = '2001-01-01', n_complete = 7 WHERE year = ? AND agency_id = ?", 2, LL(y), c) >= 0 &&
	   q(db, "UPDATE agencies SET parent_id = ? WHERE id = ?", 2, d, c) >= 0 && q(db, "UPDATE agencies SET parent_id = ? WHERE id = ?", 2, c, d) >= 0,
	   "two agencies each other's parent");
	ok(store_rollup_agencies_all(db, TC, y) < 0 && strstr(db->errstr, "a loop in the agency tree"), "the recompute refused: %s", db->errstr);
	ok(!db_err_is_connection(db) && !db_err_contention(db), "not taken for the connection or a lock");
	is_int(q(db, "SELECT n_complete * 10 + (computed_at = '2001-01-01') FROM rollups WHERE year = ? AND agency_id = ?", 2, LL(y), c), 71,
	       "nothing written");
	ok(q(db, "UPDATE agencies SET parent_id = ? WHERE id IN (?, ?)", 3, r, c, d) >= 0 && store_rollup_agencies_all(db, TC, y) == 0 &&
	   q(db, "SELECT n_complete FROM rollups WHERE year = ? AND agency_id = ?", 2, LL(y), c) == 0, "the tree mended, so is the row");
}

/* The rows of one year of the test county's three agencies, as one number (computed_at aside). */
static long long year_sum(struct db *db, int year)
{
	return q(db, "SELECT SUM(CRC32(CONCAT_WS('/', agency_id, own_milli, outsourced_milli, own_state, subtree_milli, subtree_outsourced_milli,"
		     " n_agencies, n_unreported, n_in_progress, n_complete))) + COUNT(*) FROM rollups WHERE year = ? AND agency_id IN (?, ?, ?)",
		 4, LL(year), r, c, d);
}

/* Several years in one statement (the poll's county-wide rows of one county): the rows one statement a year gives. */
static void test_years(struct db *db)
{
	long long once = year_sum(db, y), next;

	ok(q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at, claim) VALUES (?, ?, NULL, NOW(3), 'store-test-years'),"
		 " (?, ? + 1, NULL, NOW(3), 'store-test-years')", 4, LL(TC), LL(y), LL(TC), LL(y)) > 0, "two years claimed together");
	ok(q(db, "UPDATE rollups SET subtree_milli = 1 WHERE year = ? AND agency_id = ?", 2, LL(y), r) >= 0, "a rollup spoilt");
	ok(store_rollup_agencies_claimed_years(db, TC, "store-test-years") == 0, "both years in one statement");
	is_int(year_sum(db, y), once, "the first year: the rows its own statement gave");
	next = year_sum(db, y + 1);
	is_int(q(db, "SELECT COUNT(*) FROM rollups WHERE year = ? + 1 AND agency_id IN (?, ?, ?)", 4, LL(y), r, c, d), 3,
	       "the second year: its three rows");
	ok(store_rollup_agencies_all(db, TC, y + 1) == 0 && year_sum(db, y + 1) == next, "equal to its own statement's");
	ok(store_rollup_agencies_claimed_years(db, TC, "store-test-none") == 0 && year_sum(db, y) == once,
	   "a claim that holds nothing: nothing changes");
	ok(q(db, "DELETE FROM rollups WHERE year = ? + 1 AND agency_id IN (?, ?, ?)", 4, LL(y), r, c, d) >= 0 &&
	   q(db, "DELETE FROM outbox WHERE claim = 'store-test-years'", 0) >= 0, "(the second year without rollups again)");
}

/* The rows of the county-year, as one number, after the full recompute (which leaves them as they were if they were right). */
static long long full_sum(struct db *db)
{
	return store_rollup_agencies_all(db, TC, y) == 0 ? year_sum(db, y) : -1;
}

/* A change of agency a, two seconds old, pending in the test county-year. */
static int change(struct db *db, long long a)
{
	return q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, ?, NOW(3) - INTERVAL 2 SECOND)",
		 3, LL(TC), LL(y), a) > 0;
}

/* rollup_changes on the test county-year inside the test's transaction: its status, or -1 if it failed. */
static int changes(struct db *db, const char *claim, struct store_rollup_changes *rc)
{
	return store_rollup_changes(db, TC, y, claim, 0, rc) ? -1 : rc->status;
}

/* The rows claim c holds that are not done yet (claims are the test's own names). */
#define pending(db, c) store_test_int(db, "SELECT COUNT(*) FROM outbox WHERE claim = '" c "' AND done_at IS NULL")

/*
 * The procedure of a save's rollup (migrations/0040_rollup_changes.sql): the
 * changed agencies and their ancestors moved by the changes, the county from
 * its 一級 agencies, the rows done; each step equal to the full recompute.
 */
static void test_changes(struct db *db)
{
	struct store_rollup_changes rc;
	long long before, n;

	is_int(changes(db, "store-test-c0", &rc), 0, "nothing pending: nothing done");
	ok(q(db, "UPDATE rollups SET own_state = NULL WHERE agency_id = ? AND year = ?", 2, r, LL(y)) >= 0 && change(db, c),
	   "an ancestor's own state not known, and a change under it");
	is_int(changes(db, "store-test-c1", &rc), 2, "the full recompute needed");
	is_int(rc.rows, 1, "the change claimed");
	is_int(pending(db, "store-test-c1"), 1, "and left claimed for it");
	is_int(q(db, "SELECT COUNT(*) FROM quality_queue WHERE county_id = ? AND year = ?", 2, LL(TC), LL(y)), 1, "the quality job asked for");
	ok(store_rollup_agencies_all(db, TC, y) == 0 && store_rollup_done(db, "store-test-c1", &n) == 0 && n == 1, "(recomputed in full, done)");

	ok(q(db, "UPDATE reports SET own_total_milli = 2500, outsourced_total_milli = 25, filed = 1 WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0 &&
	   change(db, c), "the change itself: 2,500, and 已登錄完成");
	ok(q(db, "UPDATE reports SET own_total_milli = 7000 WHERE agency_id = ? AND year = ?", 2, d, LL(y)) >= 0,
	   "and one no change names (the inactive 二級)");
	is_int(changes(db, "store-test-c2", &rc), 1, "moved");
	is_int(rc.rows, 1, "one change done");
	ok(rc.waited >= 2000 && rc.waited < 600000, "how long it waited: its two seconds and the test's time (%lld ms)", rc.waited);
	is_int(pending(db, "store-test-c2"), 0, "nothing left pending");
	is_int(q(db, "SELECT subtree_milli * 10 + own_state FROM rollups WHERE agency_id = ? AND year = ?", 2, c, LL(y)), 25002, "the changed agency");
	is_int(q(db, "SELECT own_milli FROM rollups WHERE agency_id = ? AND year = ?", 2, d, LL(y)), 5000,
	       "its sibling, not named, is left as it was");
	is_int(q(db, "SELECT subtree_milli * 1000 + subtree_outsourced_milli FROM rollups WHERE agency_id = ? AND year = ?", 2, r, LL(y)),
	       3500035, "its parent: 3,500 and 35");
	is_int(q(db, "SELECT n_agencies * 1000 + n_unreported * 100 + n_in_progress * 10 + n_complete FROM rollups WHERE agency_id = ? AND year = ?",
		 2, r, LL(y)), 2002, "two agencies, both complete now");
	is_int(q(db, "SELECT total_milli * 10 + n_agencies FROM county_rollups WHERE county_id = ? AND year = ?", 2, LL(TC), LL(y)),
	       35002, "the county from its 一級 agencies: 3,500 over two agencies");
	is_int(changes(db, "store-test-c3", &rc), 0, "again: nothing pending");
	ok(q(db, "UPDATE reports SET own_total_milli = 5000 WHERE agency_id = ? AND year = ?", 2, d, LL(y)) >= 0, "(the sibling back)");
	before = year_sum(db, y);
	is_int(full_sum(db), before, "every row as the full recompute gives it");

	/* The inactive agency named: its own figures move, not its ancestors' (they count active agencies only). */
	ok(change(db, d) && q(db, "UPDATE reports SET own_total_milli = 6000, filed = 0 WHERE agency_id = ? AND year = ?", 2, d, LL(y)) >= 0,
	   "the inactive agency's report changed");
	ok(changes(db, "store-test-c4", &rc) == 1 && rc.rows == 1, "moved");
	is_int(q(db, "SELECT own_milli * 10 + own_state FROM rollups WHERE agency_id = ? AND year = ?", 2, d, LL(y)), 60001, "its own");
	before = year_sum(db, y);
	is_int(full_sum(db), before, "the 一級 untouched, as the full recompute has it");
	/* A report deleted: counted as none. */
	ok(q(db, "DELETE FROM reports WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0 && change(db, c), "the 二級's report gone");
	is_int(changes(db, "store-test-c5", &rc), 1, "moved");
	is_int(q(db, "SELECT n_unreported * 10 + n_complete FROM rollups WHERE agency_id = ? AND year = ?", 2, r, LL(y)), 11,
	       "the 一級: one without a report, one complete");
	before = year_sum(db, y);
	is_int(full_sum(db), before, "as the full recompute has it");
	ok(q(db, "INSERT INTO reports (agency_id, year, filed, own_total_milli, outsourced_total_milli) VALUES (?, ?, 0, 2500, 25)", 2, c, LL(y)) >= 0 &&
	   q(db, "UPDATE reports SET own_total_milli = 5000, filed = 1 WHERE agency_id = ? AND year = ?", 2, d, LL(y)) >= 0 &&
	   change(db, c) && change(db, d), "both back, two changes");
	ok(changes(db, "store-test-c6", &rc) == 1 && rc.rows == 2, "two changes in one claim");
	before = year_sum(db, y);
	is_int(full_sum(db), before, "as the full recompute has it");

	/* Rows that do not hold what they counted (edited by hand): the move is refused, that statement alone, and the full recompute mends. */
	ok(q(db, "UPDATE rollups SET n_in_progress = 0 WHERE agency_id = ? AND year = ?", 2, r, LL(y)) >= 0 &&
	   q(db, "UPDATE reports SET filed = 1 WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0 && change(db, c),
	   "a count spoilt, then a change that lowers it");
	is_int(changes(db, "store-test-c7", &rc), 3, "the move refused (a count below zero)");
	ok(rc.error[0] != '\0', "and why: %s", rc.error);
	is_int(q(db, "SELECT own_state FROM rollups WHERE agency_id = ? AND year = ?", 2, c, LL(y)), 1, "nothing of it written");
	is_int(pending(db, "store-test-c7"), 1, "the change left claimed");
	ok(q(db, "UPDATE reports SET filed = 0 WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0 && full_sum(db) == before &&
	   store_rollup_done(db, "store-test-c7", &n) == 0, "the transaction goes on: the full recompute mends the row");

	/* A county-wide row (a change of the tree): the full recompute, nothing moved by the procedure. */
	ok(q(db, "UPDATE reports SET own_total_milli = 2600 WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0 &&
	   q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, NULL, NOW(3))", 2, LL(TC), LL(y)) > 0 && change(db, c),
	   "the 二級's report changed, and a county-wide row beside its change");
	is_int(changes(db, "store-test-c8", &rc), 2, "the full recompute needed");
	is_int(rc.rows, 2, "both claimed");
	is_int(year_sum(db, y), before, "nothing moved");
	ok(store_rollup_agencies_all(db, TC, y) == 0 && store_rollup_done(db, "store-test-c8", &n) == 0 && n == 2, "(recomputed in full, done)");
	is_int(q(db, "SELECT subtree_milli FROM rollups WHERE agency_id = ? AND year = ?", 2, r, LL(y)), 3600, "the change counted");
	ok(q(db, "UPDATE reports SET own_total_milli = 2500 WHERE agency_id = ? AND year = ?", 2, c, LL(y)) >= 0 && full_sum(db) == before,
	   "(back)");
}

/*
 * Two workers' claims at once, of two county-years: each touches only its
 * own outbox rows.  Another connection holds 2,000 pending rows it has not
 * committed (another county-year's, as another worker's claim holds its
 * rows); this connection's claim, move and done must not wait for them.
 * Found with two rollup workers after a factor day: MariaDB chose to read a
 * claim's rows through the pending ones (index_merge, intersecting
 * outbox_claim with outbox_done's done_at IS NULL), locked the other
 * claim's rows on its way, and the two full recomputes deadlocked at done.
 * A second's lock wait here fails the statement instead of waiting.
 */
static void test_apart(struct db *db)
{
	struct store_rollup_changes rc = { 0 };
	struct db other;
	long long n = -1, timeout = store_test_int(db, "SELECT @@SESSION.innodb_lock_wait_timeout");
	int err;

	if (db_init(&other, &store_test_cfg) || db_connect(&other)) {
		ok(0, "another connection: %s", other.errstr);
		return;
	}
	/* The done rows as a platform keeps them (the bench's outbox: 10,000 rows, 2,420 pending after a factor day). */
	ok(db_begin(&other) == 0 &&
	   q(&other, "INSERT INTO outbox (county_id, year, agency_id, created_at, claim, done_at)"
		     " SELECT ?, ?, NULL, NOW(3), 'store-test-done', NOW(3) FROM seq_1_to_10000", 2, LL(TC - 1), LL(y)) >= 0 &&
	   q(&other, "INSERT INTO outbox (county_id, year, agency_id, created_at, claim)"
		     " SELECT ?, ?, NULL, NOW(3), 'store-test-other' FROM seq_1_to_2000", 2, LL(TC - 1), LL(y)) >= 0,
	   "another connection: 10,000 done rows and 2,000 pending of another county-year, not committed");
	is_int(q(&other, "SELECT COUNT(*) FROM outbox WHERE claim = 'store-test-other' AND done_at IS NULL", 0), 2000, "held");
	ok(q(db, "SET SESSION innodb_lock_wait_timeout = 1", 0) >= 0, "(a second's lock wait, not 50)");

	ok(q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT ?, ?, NULL, NOW(3) FROM seq_1_to_100", 2, LL(TC), LL(y)) >= 0,
	   "100 county-wide rows of the test county-year");
	ok(store_rollup_claim(db, TC, y, "store-test-a1", &n) == 0 && n == 100, "the full path's claim: its 100 (%lld)", n);
	err = store_rollup_agencies_claimed_years(db, TC, "store-test-a1");
	ok(err == 0, "the several years' recompute of the claim, not waiting: %s", err ? db->errstr : "done");
	n = -1;
	err = store_rollup_done(db, "store-test-a1", &n);
	ok(err == 0 && n == 100, "and its done, not waiting for the other's rows: %s", err ? db->errstr : "done");

	ok(q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT ?, ?, ?, NOW(3) FROM seq_1_to_100", 3, LL(TC), LL(y), c) >= 0,
	   "100 changes of the 二級 agency");
	err = changes(db, "store-test-a2", &rc);
	ok(err == 1 && rc.rows == 100, "the procedure's claim, move and done, not waiting either: %s", err < 0 ? db->errstr : "done");
	is_int(pending(db, "store-test-a2"), 0, "nothing of its left pending");
	is_int(q(&other, "SELECT COUNT(*) FROM outbox WHERE claim = 'store-test-other' AND done_at IS NULL", 0), 2000, "the other's rows as they were");
	db_rollback(&other);
	db_release(&other);
	ok(q(db, "SET SESSION innodb_lock_wait_timeout = ?", 1, timeout) >= 0, "(the lock wait as it was)");
}

/*
 * The worker's startup check (store_rollup_fill_missing) takes no locks a
 * save waits for: in REPEATABLE READ, the server's default a connection
 * starts in, its INSERT … SELECT read outbox and rollups with shared
 * next-key locks, and a save's outbox row waited for the whole statement
 * (3.6 s at 110,000 agencies).  Run on a new connection, the second time
 * inside a transaction kept open; a third connection's outbox row of a
 * county-year it read must go in at once (a second's lock wait fails it).
 */
static void test_fill_apart(void)
{
	struct db other, third;
	long long n = -1;
	int z, a, err;

	if (db_init(&other, &store_test_cfg) || db_connect(&other) || db_init(&third, &store_test_cfg) || db_connect(&third)) {
		ok(0, "two more connections");
		return;
	}
	z = (int)store_test_int(&other, "SELECT id FROM counties WHERE letter = 'Z'");
	a = (int)store_test_int(&other, "SELECT MIN(id) FROM agencies WHERE county_id = (SELECT id FROM counties WHERE letter = 'Z')");
	ok(store_rollup_fill_missing(&other, &n) == 0, "the startup check on a new connection");
	ok(db_begin(&other) == 0 && store_rollup_fill_missing(&other, &n) == 0, "and again inside a transaction kept open");
	ok(q(&third, "SET SESSION innodb_lock_wait_timeout = 1", 0) >= 0 && db_begin(&third) == 0, "(another: a second's lock wait)");
	err = q(&third, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, ?, NOW(3))", 3, LL(z), LL(y), LL(a)) < 0;
	ok(!err, "a save's outbox row of a county-year it read goes in meanwhile: %s", err ? third.errstr : "at once");
	db_rollback(&third);
	db_rollback(&other);
	db_release(&third);
	db_release(&other);
}

/*
 * The county's row is summed from its own 一級 agencies only: another
 * county's 一級 agency locked (an edit, an import) must not hold it up.
 * With a county of more agencies than there are 一級 agencies in all,
 * MariaDB read every county's 一級 agencies through agencies_parent,
 * locking each on its way (migrations/0043_agencies_roots.sql).
 */
static void test_roots_apart(struct db *db)
{
	struct db other;
	long long timeout = store_test_int(db, "SELECT @@SESSION.innodb_lock_wait_timeout"), roots;
	int err;

	if (db_init(&other, &store_test_cfg) || db_connect(&other)) {
		ok(0, "another connection: %s", other.errstr);
		return;
	}
	roots = store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE parent_id IS NULL");
	ok(q(db, "SAVEPOINT roots", 0) >= 0 && q(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT ?, CONCAT('STRR', seq), '二級', 2, ?"
		 " FROM seq_1_to_2000 WHERE seq <= ? + 100", 3, LL(TC), r, roots) >= 0,
	   "the test county: more agencies than the %lld 一級 agencies of every county", roots);
	err = db_begin(&other) || q(&other, "SELECT MIN(id) FROM agencies WHERE parent_id IS NULL AND county_id <> ?", 1, LL(TC)) <= 0 ||
	      q(&other, "SELECT id FROM agencies WHERE id = (SELECT MIN(id) FROM agencies WHERE parent_id IS NULL AND county_id <> ?) FOR UPDATE",
		1, LL(TC)) <= 0;
	ok(!err, "another connection locks another county's 一級 agency: %s", err ? other.errstr : "locked");
	ok(q(db, "SET SESSION innodb_lock_wait_timeout = 1", 0) >= 0, "(a second's lock wait, not 50)");
	err = store_rollup_county_from_roots(db, TC, y);
	ok(err == 0, "the county's row from its own 一級 agencies, not waiting: %s", err ? db->errstr : "done");
	db_rollback(&other);
	db_release(&other);
	ok(q(db, "SET SESSION innodb_lock_wait_timeout = ?", 1, timeout) >= 0 && q(db, "ROLLBACK TO SAVEPOINT roots", 0) >= 0,
	   "(as it was)");
}

/* How long the claimed change waited; the claim marked done. */
static void test_done(struct db *db)
{
	long long n = -1;
	int any = -1;

	ok(store_rollup_oldest_wait(db, "store-test-1", &n) == 0, "how long the oldest change waited");
	ok(n >= 5000 && n < 600000, "its five seconds and the test's time (%lld ms)", n);
	ok(store_rollup_oldest_wait(db, "store-test-none", &n) == 0 && n == -1, "an unknown claim: -1");
	ok(store_rollup_done(db, "store-test-1", &n) == 0 && n == 1, "marked done");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM outbox WHERE claim = 'store-test-1' AND done_at IS NOT NULL"), 1, "done_at set");
	/* A done row is no longer its claim's: a worker restarted under the same name, its job named as one of the last run's, finds nothing. */
	long long was = store_test_int(db, "SELECT UNIX_TIMESTAMP(done_at) * 1000 FROM outbox WHERE claim = 'store-test-1'");
	ok(store_rollup_oldest_wait(db, "store-test-1", &n) == 0 && n == -1, "the claim has no oldest change once done");
	ok(store_rollup_done(db, "store-test-1", &n) == 0 && n == 0, "and marks none done again");
	is_int(store_test_int(db, "SELECT UNIX_TIMESTAMP(done_at) * 1000 FROM outbox WHERE claim = 'store-test-1'"), was,
	       "the first done_at stays");
	ok(store_rollup_claim(db, TC, y, "store-test-2", &n) == 0 && n == 0, "nothing pending any more");
	ok(store_rollup_any_pending(db, TC, y, &any) == 0 && any == 0, "nor found by the read before the lock");
}

/* The test county's years in the list of rows min_age_ms old, as bits from y (pend, *k: the list); -1 if it failed. */
static int listed(struct db *db, int min_age_ms, struct store_rollup_pending *pend, int *k)
{
	int found = 0;

	if (store_rollup_pending(db, pend, 200, min_age_ms, k))
		return -1;
	for (int i = 0; i < *k; i++)
		if (pend[i].county == TC)
			found |= 1 << (pend[i].year - y);
	return found;
}

/* The startup check (county-years whose agencies lack rollups, unless one is pending), then the poll's list (older than a second, or at once). */
static void test_fill_and_pending(struct db *db)
{
	struct store_rollup_pending pend[200];
	long long n = -1;
	int k = -1, found;

	ok(store_rollup_fill_missing(db, &n) == 0, "filled");
	ok(n >= 1, "at least the test county's year (%lld)", n);
	is_int(q(db, "SELECT COUNT(*) FROM outbox WHERE county_id = ? AND year = ? + 1 AND agency_id IS NULL AND done_at IS NULL",
		 2, LL(TC), LL(y)), 1, "the year without rollups is queued, county-wide");
	is_int(q(db, "SELECT COUNT(*) FROM outbox WHERE county_id = ? AND year = ? AND done_at IS NULL", 2, LL(TC), LL(y)), 0,
	       "the year with every rollup is not");
	ok(store_rollup_fill_missing(db, &n) == 0, "filled again");
	is_int(q(db, "SELECT COUNT(*) FROM outbox WHERE county_id = ? AND year = ? + 1", 2, LL(TC), LL(y)), 1,
	       "nothing more while that one is pending");

	ok(q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ? + 5, NULL, NOW(3) - INTERVAL 2 SECOND),"
		  " (?, ? + 6, NULL, NOW(3) + INTERVAL 1 MINUTE)", 4, LL(TC), LL(y), LL(TC), LL(y)) > 0,
	   "a change two seconds old, and one (dated ahead so a slow machine cannot age it) not yet a second old");
	found = listed(db, 1000, pend, &k);
	ok(found >= 0, "the pending county-years");
	is_int(found & (3 << 5), 1 << 5, "the old one is pending, the new one not yet");
	for (int i = 0; i < k; i++)
		if (pend[i].county == TC && pend[i].year == y + 5)
			ok(pend[i].county_wide, "a county-wide row: the full recompute");
	for (int i = 1; i < k; i++)
		if (pend[i].county < pend[i - 1].county || (pend[i].county == pend[i - 1].county && pend[i].year <= pend[i - 1].year))
			found = -1;
	ok(found >= 0, "by county and year (%d county-years)", k);
	/* The startup check's rows, which no job is on its way for: taken at once (min_age_ms 0), as the worker does after it. */
	ok(q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ? + 8, NULL, NOW(3))", 2, LL(TC), LL(y)) > 0,
	   "a county-wide row just made");
	/* A minute, not the poll's second: a busy machine may take a second between the two statements. */
	found = listed(db, 60000, pend, &k);
	ok(found >= 0, "a list of rows a minute old");
	is_int(found & (1 << 8), 0, "not yet in it");
	found = listed(db, 0, pend, &k);
	ok(found >= 0, "the list at once");
	is_int(found & ((1 << 8) | (1 << 6) | (1 << 5)), (1 << 8) | (1 << 5), "in the list at once, beside the old one; the one dated ahead is not");
	q(db, "DELETE FROM outbox WHERE county_id = ? AND year = ? + 8", 2, LL(TC), LL(y));
	ok(q(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ? + 7, ?, NOW(3) - INTERVAL 2 SECOND)",
	     3, LL(TC), LL(y), c) > 0 && store_rollup_pending(db, pend, 200, 1000, &k) == 0, "an agency's change two seconds old");
	found = 0;
	for (int i = 0; i < k; i++)
		if (pend[i].county == TC && pend[i].year == y + 7)
			found = pend[i].county_wide ? 2 : 1;
	is_int(found, 1, "pending, not county-wide");
	ok(store_rollup_pending(db, pend, 0, 1000, &k) == 0 && k == 0, "max 0: none");

	/* Deferred while a factor change walks the years (its lease alive): full rows only, never an agency's. */
	ok(q(db, "INSERT INTO factor_changes (fkey, is_new, category, unit, value, source, confidence, status, first_year, last_year,"
		  " created_at, lease_until) VALUES ('store_test_defer', 0, 'electricity', 'kgCO2e/kWh', '1', 'test', 'official', 'running',"
		  " ? + 5, ? + 7, NOW(), NOW() + INTERVAL 1 MINUTE)", 2, LL(y), LL(y)) > 0, "a factor change running over those years");
	found = listed(db, 1000, pend, &k);
	ok(found >= 0, "the pending county-years");
	is_int(found & (1 << 5), 0, "the full recompute waits for the run");
	is_int(found & (1 << 7), 1 << 7, "an agency's change does not");
	ok(q(db, "UPDATE factor_changes SET county_id = ?, kind = 'choice' WHERE fkey = 'store_test_defer'", 1, LL(TC == 1 ? 2 : 1)) >= 0, "the change another county's choice");
	found = listed(db, 1000, pend, &k);
	ok(found >= 0, "the pending county-years");
	is_int(found & (1 << 5), 1 << 5, "another county's run defers nothing here");
	ok(q(db, "UPDATE factor_changes SET county_id = NULL, kind = 'factor', lease_until = NOW() - INTERVAL 1 SECOND WHERE fkey = 'store_test_defer'", 0) >= 0,
	   "the run died: its lease ran out");
	found = listed(db, 1000, pend, &k);
	ok(found >= 0, "the pending county-years");
	is_int(found & (1 << 5), 1 << 5, "pending again");
	q(db, "DELETE FROM factor_changes WHERE fkey = 'store_test_defer'", 0);
}

/* Pings counted per token. */
static void test_ping(struct db *db)
{
	ok(store_rollup_ping(db, "store-test-ping", "w1") == 0 && store_rollup_ping(db, "store-test-ping", "w2") == 0, "pinged twice");
	is_int(store_test_int(db, "SELECT runs FROM worker_pings WHERE token = 'store-test-ping' AND worker = 'w2'"), 2,
	       "two runs, the last worker's name");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM worker_pings WHERE token = 'store-test-nope'"), 0, "no other token");
}

/*
 * Work asked for by the web's writers: a report saved, a county's agencies
 * changed.  Counted on the test county and on rows after the newest one
 * before (the worker may queue other counties' work meanwhile, always
 * county-wide).
 */
static void test_queue(struct db *db)
{
	long long last = store_test_int(db, "SELECT IFNULL(MAX(id), 0) FROM outbox");

	ok(store_rollup_queue_agency(db, c, y) == 0, "a report of the 二級 agency saved");
	is_int(q(db, "SELECT COUNT(*) FROM outbox WHERE id > ? AND county_id = ? AND year = ? AND agency_id = ? AND done_at IS NULL"
		 " AND claim IS NULL", 4, last, LL(TC), LL(y), c), 1, "one pending row: its county, the year, the agency");
	ok(store_rollup_queue_agency(db, 0, y) == 0, "no such agency: no error");
	is_int(q(db, "SELECT COUNT(*) FROM outbox WHERE id > ? AND agency_id IS NOT NULL", 1, last), 1, "and no row");
	last = store_test_int(db, "SELECT MAX(id) FROM outbox");
	ok(store_rollup_queue_county(db, TC) == 0, "the county's agencies changed");
	is_int(q(db, "SELECT COUNT(*) FROM outbox WHERE id > ? AND county_id = ?", 2, last, LL(TC)), 2, "two rows");
	is_int(q(db, "SELECT COUNT(DISTINCT year) FROM outbox WHERE id > ? AND county_id = ? AND agency_id IS NULL AND done_at IS NULL"
		 " AND year IN (?, ? + 1)", 4, last, LL(TC), LL(y), LL(y)), 2, "county-wide, one for each of its two years");
	ok(store_rollup_queue_county(db, 250) == 0, "a county without years: no error");
	is_int(q(db, "SELECT COUNT(*) FROM outbox WHERE id > ? AND county_id = 250", 1, last), 0, "and no row");
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	y = (int)store_test_int(&db, "SELECT MIN(year) FROM inventory_years");
	test_lock(&db);
	test_fill_apart();
	setup(&db);
	test_claim(&db);
	test_full(&db);
	test_years(&db);
	test_done(&db);
	test_changes(&db);
	test_apart(&db);
	test_roots_apart(&db);
	test_fill_and_pending(&db);
	test_ping(&db);
	test_queue(&db);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(q(&db, "SELECT COUNT(*) FROM counties WHERE id = ?", 1, LL(TC)), 0, "nothing of it is left");
	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* rollup.c: recomputes the precomputed totals of one county-year from the reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs.h"
#include "util.h"

/*
 * DESIGN: one transaction per county-year, in READ COMMITTED.  The county's
 * row in county_rollups is locked first, so two workers on the same
 * county-year take turns.  The pending outbox rows are then claimed (an
 * UPDATE, which also waits for a save still committing its row), every
 * rollup of the county-year is recomputed from the reports with one
 * aggregate over the closure table, the county total likewise, and the
 * claimed rows are marked done.  Nothing is added to a stored total, so a
 * job run twice, or by two workers, computes the same figures; a worker
 * killed mid-job rolls back and leaves the rows pending for the next one.
 *
 * No total can wrap: SUM() of the BIGINT columns is a DECIMAL, and storing
 * a value beyond BIGINT is an error under the connection's STRICT_ALL_TABLES
 * (as is BIGINT arithmetic beyond it), so such a job fails, is logged and
 * stays pending (the pages keep showing 計算中) instead of storing a wrong
 * figure.  Within the bounds of inventory_data.h no county-year can get
 * there: every figure stays below 3 x 10^17 thousandths.
 */

static int fail(struct db *db, const char *what)
{
	error("rollup: %s: %s", what, db->errstr);
	db_rollback(db);
	return -1;
}

/*
 * The fast path, inside the caller's transaction: when the claimed changes
 * name a few agencies (no county-wide row) and every agency of the county
 * already has its rollup for the year, only the changed agencies' ancestors
 * are recomputed, deepest first, each from its own report plus its
 * children's stored subtree sums; then the county row from the 一級
 * agencies.  Returns 1 when done, 0 when the full recompute is needed, -1 on
 * error.
 */
#define INCREMENTAL_MAX 50

static int incremental(struct job_ctx *ctx, int county, int year, const char *claim)
{
	struct db *db = ctx->db;
	struct db_stmt *st;
	long long ids[INCREMENTAL_MAX * 8];
	int n = 0;

	st = db_prepare(db, "SELECT COUNT(*), IFNULL(SUM(agency_id IS NULL), 0) FROM outbox WHERE claim = ?");
	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	long long changes = db_col_int(st, 0), county_wide = db_col_int(st, 1);
	db_reset(st);
	if (!changes || county_wide || changes > INCREMENTAL_MAX)
		return 0;
	st = db_prepare(db, "SELECT COUNT(*) FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
			    " WHERE a.county_id = ? AND r.agency_id IS NULL");
	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	long long missing = db_col_int(st, 0);
	db_reset(st);
	if (missing)
		return 0;

	st = db_prepare(db, "SELECT DISTINCT a.id, a.level FROM outbox o JOIN agency_tree t ON t.descendant_id = o.agency_id"
			    " JOIN agencies a ON a.id = t.ancestor_id WHERE o.claim = ? ORDER BY a.level DESC, a.id");
	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	if (db_exec(st))
		return -1;
	while (db_step(st) == 1) {
		if (n == (int)(sizeof(ids) / sizeof(ids[0]))) {
			db_reset(st);
			return 0;
		}
		ids[n++] = db_col_int(st, 0);
	}
	for (int i = 0; i < n; i++) {
		st = db_prepare(db,
			"INSERT INTO rollups (agency_id, year, own_milli, outsourced_milli, subtree_milli, subtree_outsourced_milli,"
			" n_agencies, n_unreported, n_in_progress, n_complete, computed_at)"
			" SELECT x.id, ?, IFNULL(r.own_total_milli, 0), IFNULL(r.outsourced_total_milli, 0),"
			"  IF(x.active, IFNULL(r.own_total_milli, 0), 0) + IFNULL(c.s, 0),"
			"  IF(x.active, IFNULL(r.outsourced_total_milli, 0), 0) + IFNULL(c.o, 0),"
			"  x.active + IFNULL(c.n, 0), (x.active AND r.id IS NULL) + IFNULL(c.n0, 0),"
			"  (x.active AND r.confirmed <=> 0) + IFNULL(c.n1, 0), (x.active AND r.confirmed <=> 1) + IFNULL(c.n2, 0), NOW(3)"
			" FROM agencies x LEFT JOIN reports r ON r.agency_id = x.id AND r.year = ?"
			" LEFT JOIN (SELECT SUM(cr.subtree_milli) s, SUM(cr.subtree_outsourced_milli) o, SUM(cr.n_agencies) n,"
			"  SUM(cr.n_unreported) n0, SUM(cr.n_in_progress) n1, SUM(cr.n_complete) n2"
			"  FROM agencies ch JOIN rollups cr ON cr.agency_id = ch.id AND cr.year = ? WHERE ch.parent_id = ?) c ON 1"
			" WHERE x.id = ?"
			" ON DUPLICATE KEY UPDATE own_milli = VALUES(own_milli), outsourced_milli = VALUES(outsourced_milli),"
			" subtree_milli = VALUES(subtree_milli), subtree_outsourced_milli = VALUES(subtree_outsourced_milli),"
			" n_agencies = VALUES(n_agencies), n_unreported = VALUES(n_unreported), n_in_progress = VALUES(n_in_progress),"
			" n_complete = VALUES(n_complete), computed_at = VALUES(computed_at)");
		if (!st)
			return -1;
		db_bind_int(st, 0, year);
		db_bind_int(st, 1, year);
		db_bind_int(st, 2, year);
		db_bind_int(st, 3, ids[i]);
		db_bind_int(st, 4, ids[i]);
		if (db_exec(st))
			return -1;
	}
	st = db_prepare(db,
		"UPDATE county_rollups c JOIN (SELECT IFNULL(SUM(r.subtree_milli), 0) s, IFNULL(SUM(r.subtree_outsourced_milli), 0) o,"
		"  IFNULL(SUM(r.n_agencies), 0) n, IFNULL(SUM(r.n_unreported), 0) n0, IFNULL(SUM(r.n_in_progress), 0) n1,"
		"  IFNULL(SUM(r.n_complete), 0) n2"
		"  FROM agencies a JOIN rollups r ON r.agency_id = a.id AND r.year = ? WHERE a.county_id = ? AND a.parent_id IS NULL) t"
		" SET c.total_milli = t.s, c.outsourced_milli = t.o, c.n_agencies = t.n, c.n_unreported = t.n0,"
		" c.n_in_progress = t.n1, c.n_complete = t.n2, c.computed_at = NOW(3) WHERE c.county_id = ? AND c.year = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, county);
	db_bind_int(st, 3, year);
	if (db_exec(st))
		return -1;
	return 1;
}

int rollup_county_year(struct job_ctx *ctx, int county, int year)
{
	struct db *db = ctx->db;
	struct db_stmt *st;
	char claim[33];
	static unsigned long seq;
	long long started = now_ms(), rows = 0, oldest = -1;
	int inc;

	snprintf(claim, sizeof(claim), "%.20s-%lu", ctx->worker_id, ++seq);
	st = db_prepare(db, "INSERT IGNORE INTO county_rollups (county_id, year) VALUES (?, ?)");
	if (!st)
		return error("rollup: %s", db->errstr);
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return error("rollup: %s", db->errstr);
	if (db_exec_sql(db, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") || db_begin(db))
		return error("rollup: %s", db->errstr);

	st = db_prepare(db, "SELECT county_id FROM county_rollups WHERE county_id = ? AND year = ? FOR UPDATE");
	if (!st)
		return fail(db, "lock");
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return fail(db, "lock");
	db_reset(st);

	st = db_prepare(db, "UPDATE outbox SET claim = ? WHERE county_id = ? AND year = ? AND done_at IS NULL");
	if (!st)
		return fail(db, "claim");
	db_bind_text(st, 0, claim);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	if (db_exec(st))
		return fail(db, "claim");
	/*
	 * Nothing pending: another job or the poll already did this work (a job
	 * pushed once per save finds it done when several saves came together).
	 * The figures stand as they are; recomputing them would only cost time.
	 */
	if (db_affected(st) == 0) {
		if (db_commit(db))
			return fail(db, "commit");
		return 0;
	}

	inc = incremental(ctx, county, year, claim);
	if (inc < 0)
		return fail(db, "incremental");
	if (inc > 0)
		goto done;

	/* Every agency of the county: its own report and its subtree's, from scratch. */
	st = db_prepare(db,
		"INSERT INTO rollups (agency_id, year, own_milli, outsourced_milli, subtree_milli, subtree_outsourced_milli,"
		" n_agencies, n_unreported, n_in_progress, n_complete, computed_at)"
		" SELECT t.ancestor_id, ?,"
		"  SUM(IF(t.depth = 0, IFNULL(r.own_total_milli, 0), 0)), SUM(IF(t.depth = 0, IFNULL(r.outsourced_total_milli, 0), 0)),"
		"  SUM(IF(d.active, IFNULL(r.own_total_milli, 0), 0)), SUM(IF(d.active, IFNULL(r.outsourced_total_milli, 0), 0)),"
		"  SUM(d.active), SUM(d.active AND r.id IS NULL), SUM(d.active AND r.confirmed <=> 0), SUM(d.active AND r.confirmed <=> 1), NOW(3)"
		" FROM agencies a JOIN agency_tree t ON t.ancestor_id = a.id JOIN agencies d ON d.id = t.descendant_id"
		" LEFT JOIN reports r ON r.agency_id = d.id AND r.year = ?"
		" WHERE a.county_id = ? GROUP BY t.ancestor_id"
		" ON DUPLICATE KEY UPDATE own_milli = VALUES(own_milli), outsourced_milli = VALUES(outsourced_milli),"
		" subtree_milli = VALUES(subtree_milli), subtree_outsourced_milli = VALUES(subtree_outsourced_milli),"
		" n_agencies = VALUES(n_agencies), n_unreported = VALUES(n_unreported), n_in_progress = VALUES(n_in_progress),"
		" n_complete = VALUES(n_complete), computed_at = VALUES(computed_at)");
	if (!st)
		return fail(db, "agencies");
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, county);
	if (db_exec(st))
		return fail(db, "agencies");

	/* The county: every active agency once. */
	st = db_prepare(db,
		"UPDATE county_rollups c JOIN (SELECT IFNULL(SUM(r.own_total_milli), 0) AS total,"
		"  IFNULL(SUM(r.outsourced_total_milli), 0) AS outsourced, COUNT(*) AS n,"
		"  SUM(r.id IS NULL) AS n0, SUM(r.confirmed <=> 0) AS n1, SUM(r.confirmed <=> 1) AS n2"
		"  FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		"  WHERE a.county_id = ? AND a.active = 1) s"
		" SET c.total_milli = s.total, c.outsourced_milli = s.outsourced, c.n_agencies = s.n,"
		" c.n_unreported = IFNULL(s.n0, 0), c.n_in_progress = IFNULL(s.n1, 0), c.n_complete = IFNULL(s.n2, 0), c.computed_at = NOW(3)"
		" WHERE c.county_id = ? AND c.year = ?");
	if (!st)
		return fail(db, "county");
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, county);
	db_bind_int(st, 3, year);
	if (db_exec(st))
		return fail(db, "county");

done:
	st = db_prepare(db, "UPDATE outbox SET done_at = NOW(3) WHERE claim = ?");
	if (!st)
		return fail(db, "done");
	db_bind_text(st, 0, claim);
	if (db_exec(st))
		return fail(db, "done");
	rows = (long long)db_affected(st);
	/* How long the oldest change waited for its totals (the log feeds bench/). */
	st = db_prepare(db, "SELECT IFNULL(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) DIV 1000, -1) FROM outbox WHERE claim = ?");
	if (st) {
		db_bind_text(st, 0, claim);
		/* After a failure st may be gone with the connection (db.c frees every statement): no reset then. */
		if (!db_exec(st) && db_step(st) == 1) {
			oldest = db_col_int(st, 0);
			db_reset(st);
		}
	}
	if (db_commit(db))
		return error("rollup: commit: %s", db->errstr);
	log_info("rollup county %d year %d: %lld change(s), %s, oldest waited %lld ms, took %lld ms",
		 county, year, rows, inc ? "incremental" : "full", oldest, now_ms() - started);
	return 0;
}

/* "rollup <county> <year>" (checked by job_parse) */
int job_rollup(struct job_ctx *ctx, const struct job *j)
{
	return rollup_county_year(ctx, j->county, j->year);
}

/*
 * The outbox poll: county-years with work pending for more than a second
 * (so a job on its way through Redis goes first).  Runs them in turn;
 * returns how many, or -1 when the database failed.
 */
int rollup_poll(struct job_ctx *ctx)
{
	struct db_stmt *st = db_prepare(ctx->db,
		"SELECT DISTINCT county_id, year FROM outbox WHERE done_at IS NULL"
		" AND created_at < NOW(3) - INTERVAL 1 SECOND LIMIT 200");
	int pairs[200][2], n = 0, rc = 0;

	if (!st || db_exec(st))
		return error("rollup poll: %s", ctx->db->errstr);
	while (n < 200 && (rc = db_step(st)) == 1) {
		pairs[n][0] = (int)db_col_int(st, 0);
		pairs[n][1] = (int)db_col_int(st, 1);
		n++;
	}
	if (rc < 0)   /* st may be gone with the connection */
		return error("rollup poll: %s", ctx->db->errstr);
	db_reset(st);
	for (int i = 0; i < n; i++)
		if (rollup_county_year(ctx, pairs[i][0], pairs[i][1]))
			return -1;
	return n;
}

/*
 * Data loaded outside the application (a migration, a restore, a bulk load)
 * may leave agencies without their rollups; the first save in such a
 * county-year would then wait for a full recompute.  At start the worker
 * queues a county-wide outbox row for every such county-year that has none
 * pending, and the outbox poll computes them.  How many, or -1.
 */
int rollup_fill_missing(struct job_ctx *ctx)
{
	struct db_stmt *st = db_prepare(ctx->db,
		"INSERT INTO outbox (county_id, year, agency_id, created_at)"
		" SELECT y.county_id, y.year, NULL, NOW(3) FROM inventory_years y"
		" WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.county_id = y.county_id AND o.year = y.year"
		"   AND o.done_at IS NULL AND o.agency_id IS NULL)"
		" AND EXISTS (SELECT 1 FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = y.year"
		"   WHERE a.county_id = y.county_id AND r.agency_id IS NULL)");

	if (!st || db_exec(st))
		return error("rollup fill: %s", ctx->db->errstr);
	return (int)db_affected(st);
}

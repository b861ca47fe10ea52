/* rollup.c: recomputes the precomputed totals of a county-year (or several of one county) from the reports. */
#include <stdio.h>
#include <stdlib.h>

#include "jobs.h"
#include "store_quality.h"
#include "store_rollup.h"
#include "util.h"
#include "years.h"

/*
 * DESIGN: one transaction per county-year (or per several years of one
 * county, which the poll takes together), in READ COMMITTED.  The county's
 * row in county_rollups is locked first, so two workers on the same
 * county-year take turns.  The pending outbox rows are then claimed (an
 * UPDATE, which also waits for a save still committing its row), the
 * county-year's quality figures are asked for (quality_queue; a separate
 * job computes them), and either the changed agencies' rollups and their
 * ancestors' are moved by the changes (incremental, below) or every rollup
 * of the county-year is recomputed from the reports (the county's agencies,
 * reports and stored rows read at once and summed up the tree in memory,
 * store_rollup_agencies_all; several years at startup, one aggregate over
 * the closure table); the county total from its 一級 agencies' rollups,
 * and the claimed rows are marked done.  A job run twice, or by two workers,
 * computes the same figures; a worker killed mid-job rolls back and leaves
 * the rows pending for the next one.
 *
 * No total can wrap: SUM() of the BIGINT columns is a DECIMAL, and storing
 * a value beyond BIGINT is an error under the connection's STRICT_ALL_TABLES
 * (as is BIGINT arithmetic beyond it; the sums in memory check every step,
 * rollup_tree.c), so such a job fails, is logged and
 * stays pending (the pages keep showing 計算中) instead of storing a wrong
 * figure.  Within the bounds of inventory_data.h no county-year can get
 * there: every figure stays below 3 x 10^17 thousandths.
 */

/* The most years of one county the poll recomputes in one transaction. */
#define ROLLUP_YEARS_MAX 16

static int fail(struct db *db, const char *what)
{
	error("rollup: %s: %s", what, db->errstr);
	db_rollback(db);
	return -1;
}

/*
 * The fast path: one year's claim, and when it names agencies (no county-wide
 * row) whose rollups and their ancestors' all have the state their own report
 * was counted in, each of them and of their ancestors moved by the
 * differences between the named agencies' reports now and what their rollups
 * counted; then the county row from the 一級 agencies, and the rows marked
 * done.  Only those rows are read and written: a batch's cost grows with the
 * changes and their depth, not with the children of the ancestors (summing
 * every child of every ancestor again made a batch of 20 saves 50-110 ms, one
 * 13).  All of it, with its transaction, is one statement, the procedure
 * rollup_changes (migrations/0040_rollup_changes.sql): as fourteen
 * statements, in a burst of saves most of a job went between them
 * (bench/README.md, stop 37).
 *
 * Still nothing is added blindly: a difference is taken against what the
 * rollup counted, in the transaction that moves it, under the county-year's
 * lock, so a claim run twice moves nothing the second time, and a report
 * saved again after the claim (its row pending) is taken as it is now, the
 * next claim finding no difference left.  The rows always hold, for every
 * agency, the sums of what its descendants' rows counted, as the full
 * recompute's do; a change of the tree (a county-wide row) takes that.
 *
 * Returns 1 done (committed; *c says how many and how long the oldest
 * waited), 0 nothing pending, 2 the full recompute needed (nothing left
 * claimed), -1 failed (rolled back, logged).  A CALL whose connection was
 * lost is made again on a new one (db_stmt.c, outside a transaction); if the
 * first had committed, the second finds nothing pending, and the quality job
 * it asked for in MySQL is found by that worker's poll instead of a wake-up.
 */
static int claim_one(struct db *db, int county, int year, const char *claim, struct store_rollup_changes *c)
{
	if (store_rollup_changes(db, county, year, claim, 1, c))
		return error("rollup county %d year %d: %s", county, year, db->errstr);
	if (c->status == 3)
		/*
		 * The move alone was refused (a count moved below zero, a total out of
		 * range): the rows did not hold what the rollups counted (edited by
		 * hand, or by a worker older than migration 0034 running beside this
		 * one).  Moving them again would fail every time; the full recompute
		 * puts them right.
		 */
		log_warn("rollup county %d year %d: the changes could not be moved (%s); recomputing in full", county, year, c->error);
	return c->status == 3 ? 2 : c->status;
}

/*
 * Locks the county-years (in the order given, ascending) and claims their
 * pending outbox rows under one claim, inside a transaction begun here, and
 * asks the quality job for every year that had any: how many rows were
 * claimed (the transaction stays open), 0 nothing pending (no transaction left open), -1
 * failed (rolled back, logged).
 */
static long long begin_claim(struct db *db, int county, const int *years, int n, const char *claim)
{
	long long claimed, total = 0;
	int any = 0;

	/*
	 * Nothing pending (read first, without a lock): a job pushed once per save
	 * finds the work done when an earlier job claimed its change with others.
	 * A change committed after this read pushes a job of its own.  One
	 * statement instead of the lock's seven: in a burst of saves (bench/run.sh,
	 * 64 at once) two jobs in three were such, and each held the worker from
	 * the next change.
	 */
	for (int i = 0; i < n && !any; i++)
		if (store_rollup_any_pending(db, county, years[i], &any))
			return error("rollup: %s", db->errstr);
	if (!any)
		return 0;
	for (int i = 0; i < n; i++)
		if (store_rollup_county_row(db, county, years[i]))
			return error("rollup: %s", db->errstr);
	if (store_rollup_read_committed(db) || db_begin(db))
		return error("rollup: %s", db->errstr);
	for (int i = 0; i < n; i++) {
		if (store_rollup_lock(db, county, years[i]))
			return fail(db, "lock");
		if (store_rollup_claim(db, county, years[i], claim, &claimed))
			return fail(db, "claim");
		/*
		 * The quality figures of the county-year are to be computed again (worker/quality_job.c):
		 * recorded with the change, and first, before any rollups row: its row's foreign key takes a
		 * shared lock on the county, which the web's agency edits lock before their agencies, while
		 * the rollups rows lock their agencies; taken in that same order, the two cannot deadlock.
		 */
		if (claimed && store_quality_request(db, county, years[i]))
			return fail(db, "quality request");
		total += claimed;
	}
	/*
	 * Nothing pending: another job or the poll already did this work (a job
	 * pushed once per save finds it done when several saves came together).
	 * The figures stand as they are; recomputing them would only cost time.
	 */
	if (!total && db_commit(db))
		return fail(db, "commit");
	return total;
}

/*
 * The years of `years` whose figures may move, into kept: a locked year's
 * rows are set aside (store_rollup_set_aside), its rollups kept as they
 * were when it was signed.  How many, or -1.
 */
static int unfrozen(struct job_ctx *ctx, int county, const int *years, int n, const char *claim, int *kept)
{
	struct db *db = ctx->db;
	int k = 0;

	for (int i = 0; i < n; i++) {
		long long rows;
		int r = store_rollup_set_aside(db, county, years[i], claim, &rows);

		if (r < 0)
			return error("rollup county %d year %d: set aside: %s", county, years[i], db->errstr);
		if (rows) {
			log_info("rollup county %d year %d: locked, %lld change(s) set aside, its figures kept as signed",
				 county, years[i], rows);
			job_push_quality(ctx->queue, county, years[i]);
		}
		if (!r)
			kept[k++] = years[i];
	}
	return k;
}

/*
 * The rollups of n years of one county in one transaction.  One year takes
 * the incremental path when it can (claim_one), else the full recompute of
 * its agencies in memory, at once when the caller knows a county-wide row is
 * pending (full: the poll; the procedure would only claim and roll back); several take one aggregate for all the years (the subtrees
 * joined once, not once a year; their rows are mostly missing, and sending
 * every row to the worker and back would cost more); then each year's
 * county row from its 一級 agencies' subtrees just computed (every agency is
 * in exactly one, so this counts every active agency once without reading
 * them all again: 15-20 ms of a 100 ms recompute of 5,000 agencies).
 */
static int rollup_years(struct job_ctx *ctx, int county, const int *years, int n, int full)
{
	struct db *db = ctx->db;
	char claim[33], what[48];
	static unsigned long seq;
	static char nonce[9];
	long long started = now_ms(), rows = 0, oldest = -1, claimed;
	int inc = 0, kept[ROLLUP_YEARS_MAX];

	/*
	 * Outbox rows keep their claim when done.  The claim's statements
	 * (store_rollup.c) match only rows not done yet, so a worker restarted
	 * under the same id (a fixed -i, PID 1 in a container, a long hostname
	 * cut) that names a job as its last run did cannot touch that run's
	 * rows; the process's nonce (rand, seeded from the PID and the clock in
	 * main.c) keeps the names apart as well, for whoever reads the table.
	 */
	if (!*nonce)
		snprintf(nonce, sizeof(nonce), "%08x", (unsigned)rand());
	snprintf(claim, sizeof(claim), "%.12s-%s-%lx", ctx->worker_id, nonce, ++seq);
	if (n == 1 && !full) {
		struct store_rollup_changes c;
		int r = claim_one(db, county, years[0], claim, &c);

		if (r <= 0)
			return r;
		if (r == 1) {
			rows = c.rows;
			oldest = c.waited;
			inc = 1;
			goto done;
		}
		/* 2: rolled back, nothing of the claim kept; the full recompute under the same name. */
	}
	/* The full recompute only: a locked year's data cannot change, its tree can (unfrozen). */
	n = unfrozen(ctx, county, years, n, claim, kept);
	if (n <= 0)
		return n;
	years = kept;
	claimed = begin_claim(db, county, years, n, claim);
	if (claimed <= 0)
		return (int)claimed;
	if (n == 1 ? store_rollup_agencies_all(db, county, years[0]) : store_rollup_agencies_claimed_years(db, county, claim))
		return fail(db, "agencies");
	for (int i = 0; i < n; i++)
		if (store_rollup_county_from_roots(db, county, years[i]))
			return fail(db, "county");
	/*
	 * How long the oldest change waited for its totals (the log feeds bench/);
	 * not worth failing the job for.  Read before the rows are marked done:
	 * the claim's statements match only rows not done yet.
	 */
	if (store_rollup_oldest_wait(db, claim, &oldest))
		oldest = -1;
	if (store_rollup_done(db, claim, &rows))
		return fail(db, "done");
	if (db_commit(db))
		return error("rollup: commit: %s", db->errstr);
done:
	/* Only wakes the quality worker: the requests are in quality_queue, which it polls. */
	for (int i = 0; i < n; i++)
		job_push_quality(ctx->queue, county, years[i]);
	if (n == 1)
		snprintf(what, sizeof(what), "year %d", years[0]);
	else
		snprintf(what, sizeof(what), "years %d-%d (%d)", years[0], years[n - 1], n);
	log_info("rollup county %d %s: %lld change(s), %s, oldest waited %lld ms, took %lld ms",
		 county, what, rows, inc ? "incremental" : "full", oldest, now_ms() - started);
	return 0;
}

int rollup_county_year(struct job_ctx *ctx, int county, int year)
{
	return rollup_years(ctx, county, &year, 1, 0);
}

/*
 * "rollup <county> <year>" (job_parse checks only their form): a year the
 * data does not serve (inventory_years) can never be computed, so the job
 * is dropped; when the years cannot be read the job is tried again later.
 */
int job_rollup(struct job_ctx *ctx, const struct job *j)
{
	struct years y;

	if (years_get(ctx->db, &y))
		return error("rollup: the years served: %s", ctx->db->errstr);
	if (!years_has(&y, j->year)) {
		log_warn("rollup job for a year not served dropped: county %d year %d", j->county, j->year);
		return 0;
	}
	return rollup_county_year(ctx, j->county, j->year);
}

/*
 * The outbox poll: county-years with work pending for min_age_ms (1,000:
 * a job on its way through Redis goes first; 0 after the startup check,
 * whose rows no job is on its way for), by county and year.
 * Several years of one county that each have a county-wide row pending
 * (the worker's start after a bulk load, a migration, an agency's move
 * between counties) go in one transaction (rollup_years), at most
 * ROLLUP_YEARS_MAX; the others one at a time.  Returns how many, or
 * -1 when the database failed.
 */
int rollup_poll(struct job_ctx *ctx, int min_age_ms)
{
	struct store_rollup_pending pairs[ROLLUP_POLL_MAX];
	int n, years[ROLLUP_YEARS_MAX];

	if (store_rollup_pending(ctx->db, pairs, ROLLUP_POLL_MAX, min_age_ms, &n))
		return error("rollup poll: %s", ctx->db->errstr);
	for (int i = 0; i < n; i++) {
		int k = 0;

		for (int j = i; j < n && k < ROLLUP_YEARS_MAX && pairs[j].county == pairs[i].county && pairs[j].county_wide; j++)
			years[k++] = pairs[j].year;
		if (k > 1) {
			if (rollup_years(ctx, pairs[i].county, years, k, 1))
				return -1;
			i += k - 1;
		} else if (rollup_years(ctx, pairs[i].county, &pairs[i].year, 1, pairs[i].county_wide)) {
			return -1;
		}
	}
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
	long long n;

	if (store_rollup_fill_missing(ctx->db, &n))
		return error("rollup fill: %s", ctx->db->errstr);
	return (int)n;
}

/* rollup.c: recomputes the precomputed totals of one county-year from the reports. */
#include <stdio.h>

#include "jobs.h"
#include "store_quality.h"
#include "store_rollup.h"
#include "util.h"
#include "years.h"

/*
 * DESIGN: one transaction per county-year, in READ COMMITTED.  The county's
 * row in county_rollups is locked first, so two workers on the same
 * county-year take turns.  The pending outbox rows are then claimed (an
 * UPDATE, which also waits for a save still committing its row), every
 * rollup of the county-year is recomputed from the reports with one
 * aggregate over the closure table, the county total likewise, and the
 * claimed rows are marked done, and the county-year's quality figures are
 * asked for (quality_queue; a separate job computes them).  Nothing is added to a stored total, so a
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

/* The most years of one county the poll recomputes in one transaction. */
#define ROLLUP_YEARS_MAX 16

static int fail(struct db *db, const char *what)
{
	error("rollup: %s: %s", what, db->errstr);
	db_rollback(db);
	return -1;
}

/*
 * The fast path, inside the caller's transaction: when the claimed changes
 * name agencies (no county-wide row) and every agency of the county already
 * has its rollup for the year, only the changed agencies and their
 * ancestors are recomputed, one level at a time from the deepest, each from
 * its own report plus its children's stored subtree sums; then the county
 * row from the 一級 agencies.  A batch of any size takes it: a statement a
 * level, not one an agency.  Returns 1 when done, 0 when the full
 * recompute is needed, -1 on error.
 */
static int incremental(struct db *db, int county, int year, const char *claim)
{
	long long changes, county_wide, missing;
	int deepest;

	if (store_rollup_claimed(db, claim, &changes, &county_wide))
		return -1;
	if (!changes || county_wide)
		return 0;
	if (store_rollup_missing(db, county, year, &missing))
		return -1;
	if (missing)
		return 0;
	if (store_rollup_claimed_deepest(db, claim, &deepest))
		return -1;
	for (int level = deepest; level >= 1; level--)
		if (store_rollup_level(db, claim, year, level))
			return -1;
	if (store_rollup_county_from_roots(db, county, year))
		return -1;
	return 1;
}

/*
 * Locks the county-year and claims its pending outbox rows, inside a
 * transaction begun here: 1 claimed (the transaction stays open), 0 nothing
 * pending (committed), -1 failed (rolled back, logged).
 */
static int begin_claim(struct db *db, int county, int year, const char *claim)
{
	long long claimed;

	if (store_rollup_county_row(db, county, year) || store_rollup_read_committed(db) || db_begin(db))
		return error("rollup: %s", db->errstr);
	if (store_rollup_lock(db, county, year))
		return fail(db, "lock");
	if (store_rollup_claim(db, county, year, claim, &claimed))
		return fail(db, "claim");
	/*
	 * Nothing pending: another job or the poll already did this work (a job
	 * pushed once per save finds it done when several saves came together).
	 * The figures stand as they are; recomputing them would only cost time.
	 */
	if (claimed == 0) {
		if (db_commit(db))
			return fail(db, "commit");
		return 0;
	}
	return 1;
}

int rollup_county_year(struct job_ctx *ctx, int county, int year)
{
	struct db *db = ctx->db;
	char claim[33];
	static unsigned long seq;
	long long started = now_ms(), rows = 0, oldest = -1;
	int inc;

	snprintf(claim, sizeof(claim), "%.20s-%lu", ctx->worker_id, ++seq);
	inc = begin_claim(db, county, year, claim);
	if (inc <= 0)
		return inc;
	/*
	 * The quality figures of the county-year are to be computed again (worker/quality_job.c):
	 * recorded with the change, and first, before any rollups row: its row's foreign key takes a
	 * shared lock on the county, which the web's agency edits lock before their agencies, while
	 * the rollups rows lock their agencies; taken in that same order, the two cannot deadlock.
	 */
	if (store_quality_request(db, county, year))
		return fail(db, "quality request");
	inc = incremental(db, county, year, claim);
	if (inc < 0)
		return fail(db, "incremental");
	/*
	 * Else every agency of the county, its own report and its subtree's, from scratch; then the
	 * county from its 一級 agencies' subtrees just computed (every agency is in exactly one, so
	 * this counts every active agency once, as store_rollup_county_all would by reading them all
	 * again: 15-20 ms of a 100 ms recompute of 5,000 agencies).
	 */
	if (!inc && store_rollup_agencies_all(db, county, year))
		return fail(db, "agencies");
	if (!inc && store_rollup_county_from_roots(db, county, year))
		return fail(db, "county");
	if (store_rollup_done(db, claim, &rows))
		return fail(db, "done");
	/* How long the oldest change waited for its totals (the log feeds bench/); not worth failing the job for. */
	if (store_rollup_oldest_wait(db, claim, &oldest))
		oldest = -1;
	if (db_commit(db))
		return error("rollup: commit: %s", db->errstr);
	/* Only wakes the quality worker: the request is in quality_queue, which it polls. */
	job_push_quality(ctx->queue, county, year);
	log_info("rollup county %d year %d: %lld change(s), %s, oldest waited %lld ms, took %lld ms",
		 county, year, rows, inc ? "incremental" : "full", oldest, now_ms() - started);
	return 0;
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
 * Several years of one county, each with a county-wide row pending (the
 * worker's start after a bulk load, a migration, an agency's move between
 * counties): one transaction and one aggregate for all of them
 * (store_rollup_agencies_claimed_years), the subtrees joined once instead
 * of once a year.  Their county rows are locked in year order, as a
 * one-year job locks its one, and their quality requests are recorded
 * before any rollups row (rollup_county_year says why).  0, or -1.
 */
static int rollup_county_years(struct job_ctx *ctx, int county, const int *years, int n)
{
	struct db *db = ctx->db;
	char claim[33];
	static unsigned long seq;
	long long started = now_ms(), rows = 0, oldest = -1, claimed, total = 0;

	snprintf(claim, sizeof(claim), "%.20s-y%lu", ctx->worker_id, ++seq);
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
		if (claimed && store_quality_request(db, county, years[i]))
			return fail(db, "quality request");
		total += claimed;
	}
	if (!total) {
		/* Another worker did it meanwhile. */
		if (db_commit(db))
			return fail(db, "commit");
		return 0;
	}
	if (store_rollup_agencies_claimed_years(db, county, claim))
		return fail(db, "agencies");
	for (int i = 0; i < n; i++)
		if (store_rollup_county_from_roots(db, county, years[i]))
			return fail(db, "county");
	if (store_rollup_done(db, claim, &rows))
		return fail(db, "done");
	if (store_rollup_oldest_wait(db, claim, &oldest))
		oldest = -1;
	if (db_commit(db))
		return error("rollup: commit: %s", db->errstr);
	for (int i = 0; i < n; i++)
		job_push_quality(ctx->queue, county, years[i]);
	log_info("rollup county %d years %d-%d (%d): %lld change(s), full, oldest waited %lld ms, took %lld ms",
		 county, years[0], years[n - 1], n, rows, oldest, now_ms() - started);
	return 0;
}

/*
 * The outbox poll: county-years with work pending for more than a second
 * (so a job on its way through Redis goes first), by county and year.
 * Those of one county with a county-wide row go together
 * (rollup_county_years), the others one at a time.  Returns how many, or
 * -1 when the database failed.
 */
int rollup_poll(struct job_ctx *ctx)
{
	struct store_rollup_pending pairs[200];
	int n, years[ROLLUP_YEARS_MAX];

	if (store_rollup_pending(ctx->db, pairs, 200, &n))
		return error("rollup poll: %s", ctx->db->errstr);
	for (int i = 0; i < n; i++) {
		int k = 0;

		for (int j = i; j < n && k < ROLLUP_YEARS_MAX && pairs[j].county == pairs[i].county && pairs[j].county_wide; j++)
			years[k++] = pairs[j].year;
		if (k > 1) {
			if (rollup_county_years(ctx, pairs[i].county, years, k))
				return -1;
			i += k - 1;
		} else if (rollup_county_year(ctx, pairs[i].county, pairs[i].year)) {
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

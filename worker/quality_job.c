/* quality_job.c: the quality job: the data-quality grade and uncertainty of every agency, subtree
 * and the county of a county-year (SPEC-2 §2b, §2c), then the validation board (§2e). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "jobs.h"
#include "quality.h"
#include "store_inventory.h"
#include "store_quality.h"
#include "store_rollup.h"
#include "util.h"
#include "years.h"

/*
 * DESIGN: its own job, on its own list (<prefix>:quality) served by its own
 * worker process (cityinv-worker -q quality), so a long run never delays a
 * rollup.  The rollup job asks for it in the transaction that commits a
 * county-year's totals (store_quality_request: the MySQL row is the record)
 * and then wakes this worker through Redis; the worker also polls
 * quality_queue every second, so a lost wake-up or a killed worker loses
 * nothing.  Requests made before a run starts are all served by it (they
 * coalesce); one made during a run leaves the row pending for the next.
 *
 * A run reads the county-year in three queries (its agencies with their
 * reports' last save, every own-operation line with its gases, one row per
 * gas, and the county team's non-agency lines) and computes everything in
 * memory:
 *  - own: an agency's own lines;
 *  - subtree: the lines of the agency (when active) and of every active
 *    agency under it, as the rollups count them.  The grade is not an
 *    average of the children's (each share is relative to the set's own
 *    total), so it is computed from the set's lines: the agencies are laid
 *    out in depth-first order, so a subtree's covered lines are one range
 *    of one array, and the grade of every subtree costs lines × depth.  The
 *    uncertainty's sums merge up the tree (quality_acc_merge);
 *  - the county: every active agency's lines and the county team's
 *    non-agency lines (county_activities: the county's own operations,
 *    which no agency or subtree has; a removal counts by its absolute
 *    value, SPEC-2 §2b, in the grade and in the uncertainty alike).
 * A line saved before migration 0023 (a non-agency line: before 0028) has
 * no level: it is in no grade and counted as uncovered; its emissions count
 * as not assessed in the uncertainty's share (nothing is guessed).  A
 * covered line without gas rows, or a gas whose activity-data or factor
 * interval is unknown, is not assessed (未評估).
 *
 * The figures are written in one transaction with the queue row's
 * figures_for (a run that served fewer requests never overwrites newer
 * figures), only the rows that changed, and always the county's row (its
 * computed_at is what the pages' caches compare).  The queue row is locked
 * only once everything is read and computed (see compute()): the rollup
 * that asks for the next run updates that row and would wait for it.  Then the board, then
 * done_for.  Everything is recomputed from the lines: a run repeated, or
 * cut short by a killed worker (its transaction rolls back), counts nothing
 * twice.
 */

void (*quality_before_lock)(int county, int year);

struct qagency {
	long long id, parent_id;
	int active;
	char saved_at[24];
	int first_child, next_sibling;     /* indexes, -1 none */
	int own_start, own_n;              /* covered lines in run.own */
	int sub_start, sub_n;              /* covered lines in run.act */
	struct quality_acc own_acc, sub_acc;
	int own_unc, sub_unc;              /* uncovered lines */
	long long own_unc_milli, sub_unc_milli;
	char sub_at[24];
	struct store_quality_figures stored[2];   /* own, subtree as stored */
	int has_stored[2];
	struct store_quality_figures fig[2];      /* own, subtree as computed */
	int fig_ok[2];
};

struct run {
	struct qagency *a;
	int n, cap;
	struct quality_line *own;          /* covered lines, in the order read (by agency) */
	long long *own_agency;             /* the agency of each */
	int n_own, cap_own;
	struct quality_line *act;          /* covered lines of active agencies, depth-first */
	int n_act;
	long long lines;                   /* every line read */
	/* the non-agency lines: the county's figures only */
	struct quality_line *na;           /* covered, in id order */
	int n_na, cap_na;
	struct quality_acc na_acc;
	int na_unc;
	long long na_unc_milli;
	char na_at[24];                    /* the newest save */
	/* the line being read (its gas rows follow one another) */
	long long cur_agency;
	char cur_item[25];
	int cur_seq, cur_ix, cur_covered, have_cur;
	int failed;
};

static int by_id(const void *x, const void *y)
{
	long long a = ((const struct qagency *)x)->id, b = ((const struct qagency *)y)->id;

	return a < b ? -1 : a > b;
}

static int find(const struct run *r, long long id)
{
	int lo = 0, hi = r->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (r->a[mid].id == id)
			return mid;
		if (r->a[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int on_agency(void *ctx, const struct store_quality_agency *x)
{
	struct run *r = ctx;
	struct qagency *a;

	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 256;
		struct qagency *p = realloc(r->a, (size_t)cap * sizeof(*p));

		if (!p)
			return -1;
		r->a = p;
		r->cap = cap;
	}
	a = &r->a[r->n++];
	memset(a, 0, sizeof(*a));
	a->id = x->id;
	a->parent_id = x->parent_id;
	a->active = x->active;
	memcpy(a->saved_at, x->saved_at, sizeof(a->saved_at));
	a->first_child = a->next_sibling = -1;
	quality_acc_init(&a->own_acc);
	quality_acc_init(&a->sub_acc);
	return 0;
}

static int push_own(struct run *r, long long agency, long long e, int level)
{
	if (r->n_own == r->cap_own) {
		int cap = r->cap_own ? r->cap_own * 2 : 1024;
		struct quality_line *p = realloc(r->own, (size_t)cap * sizeof(*p));
		long long *q;

		if (!p)
			return -1;
		r->own = p;
		q = realloc(r->own_agency, (size_t)cap * sizeof(*q));
		if (!q)
			return -1;
		r->own_agency = q;
		r->cap_own = cap;
	}
	r->own_agency[r->n_own] = agency;
	r->own[r->n_own].e_milli = e;
	r->own[r->n_own].level = level;
	r->n_own++;
	return 0;
}

static int on_row(void *ctx, const struct store_quality_row *x)
{
	struct run *r = ctx;
	struct qagency *a;
	int first = !r->have_cur || x->agency_id != r->cur_agency || x->seq != r->cur_seq || strcmp(x->item, r->cur_item);

	if (first) {
		int level = quality_level(x->a1, x->a2, x->a3);

		r->have_cur = 1;
		r->cur_agency = x->agency_id;
		r->cur_seq = x->seq;
		memcpy(r->cur_item, x->item, sizeof(r->cur_item));
		r->cur_ix = find(r, x->agency_id);
		if (r->cur_ix < 0)
			return 0;   /* cannot be: the lines are read through the county's agencies */
		a = &r->a[r->cur_ix];
		r->lines++;
		r->cur_covered = level > 0;
		if (!r->cur_covered) {
			/* Saved before 0023: no level to grade, and its emissions count as not assessed. */
			a->own_unc++;
			a->own_unc_milli += x->kg_milli;
			quality_acc_add(&a->own_acc, x->kg_milli, NULL);
			return 0;
		}
		if (push_own(r, x->agency_id, x->kg_milli, level))
			return -1;
		if (!x->has_gas) {
			quality_acc_add(&a->own_acc, x->kg_milli, NULL);
			return 0;
		}
	} else if (r->cur_ix < 0 || !r->cur_covered) {
		return 0;
	}
	a = &r->a[r->cur_ix];
	if (x->has_gas) {
		struct quality_interval u;
		int ok = x->ad_lower >= 0 && x->ad_upper >= 0 && x->ef_lower >= 0 && x->ef_upper >= 0 &&
			 quality_gas_interval((struct quality_interval){ x->ad_lower, x->ad_upper },
					      (struct quality_interval){ x->ef_lower, x->ef_upper }, &u) == 0;

		quality_acc_add(&a->own_acc, x->gas_kg_milli, ok ? &u : NULL);
	}
	return 0;
}

static int on_nonagency(void *ctx, const struct store_quality_nonagency *x)
{
	struct run *r = ctx;
	int level = quality_level(x->a1, x->a2, x->a3), split = 0;
	long long e = x->kg_milli < 0 ? -x->kg_milli : x->kg_milli;   /* a removal by its absolute value */

	r->lines++;
	if (strcmp(x->saved_at, r->na_at) > 0)
		memcpy(r->na_at, x->saved_at, sizeof(r->na_at));
	if (!level) {
		/* Saved before 0028: no level to grade, and its emissions count as not assessed. */
		r->na_unc++;
		r->na_unc_milli += e;
		quality_acc_add(&r->na_acc, e, NULL);
		return 0;
	}
	if (r->n_na == r->cap_na) {
		int cap = r->cap_na ? r->cap_na * 2 : 64;
		struct quality_line *p = realloc(r->na, (size_t)cap * sizeof(*p));

		if (!p)
			return -1;
		r->na = p;
		r->cap_na = cap;
	}
	r->na[r->n_na++] = (struct quality_line){ e, level };
	for (int g = 0; g < STORE_QUALITY_GASES; g++) {
		if (!x->has_gas[g])
			continue;
		split = 1;
		quality_acc_add_gas(&r->na_acc, x->gas_milli[g] < 0 ? -x->gas_milli[g] : x->gas_milli[g], x->ad_lower, x->ad_upper,
				    x->ef_lower[g], x->ef_upper[g]);
	}
	if (!split)
		quality_acc_add(&r->na_acc, e, NULL);   /* saved before 0024: not split, not assessed */
	return 0;
}

static int on_stored(void *ctx, long long agency_id, int subtree, const struct store_quality_figures *f)
{
	struct run *r = ctx;
	int i = find(r, agency_id);

	if (i >= 0) {
		r->a[i].stored[subtree] = *f;
		r->a[i].has_stored[subtree] = 1;
	}
	return 0;
}

/* Depth-first from agency i: its subtree's range of run.act, its sums (depth ≤ 20: agencies_level). */
static void walk(struct run *r, int i)
{
	struct qagency *a = &r->a[i];

	a->sub_start = r->n_act;
	if (a->active) {
		memcpy(r->act + r->n_act, r->own + a->own_start, (size_t)a->own_n * sizeof(*r->act));
		r->n_act += a->own_n;
		quality_acc_merge(&a->sub_acc, &a->own_acc);
		a->sub_unc = a->own_unc;
		a->sub_unc_milli = a->own_unc_milli;
		memcpy(a->sub_at, a->saved_at, sizeof(a->sub_at));
	}
	for (int c = a->first_child; c >= 0; c = r->a[c].next_sibling) {
		struct qagency *ch;

		walk(r, c);
		a = &r->a[i];
		ch = &r->a[c];
		quality_acc_merge(&a->sub_acc, &ch->sub_acc);
		a->sub_unc += ch->sub_unc;
		a->sub_unc_milli += ch->sub_unc_milli;
		if (strcmp(ch->sub_at, a->sub_at) > 0)
			memcpy(a->sub_at, ch->sub_at, sizeof(a->sub_at));
	}
	r->a[i].sub_n = r->n_act - r->a[i].sub_start;
}

/* The figures of lines v[0..n) and sums acc; -1 when a figure cannot be computed (logged). */
static int figures(const struct quality_line *v, int n, const struct quality_acc *acc, int unc, long long unc_milli,
		   const char *data_at, struct store_quality_figures *f)
{
	struct quality_grade g;
	struct quality_uncertainty u;

	memset(f, 0, sizeof(*f));
	if (quality_grade(v, n, &g) || quality_uncertainty(acc, &u))
		return -1;
	f->covered_milli = g.covered_milli;
	f->has_grade = g.cls > 0;
	f->grade_hundredths = f->has_grade ? g.grade_hundredths : 0;
	f->grade = g.cls;
	f->assessed = u.assessed;
	f->unc_lower_milli = u.assessed ? u.u.lower_milli : 0;
	f->unc_upper_milli = u.assessed ? u.u.upper_milli : 0;
	f->assessed_bp = u.assessed_bp;
	f->uncovered_lines = unc;
	f->uncovered_milli = unc_milli;
	snprintf(f->data_at, sizeof(f->data_at), "%s", data_at);
	return 0;
}

static int same(const struct store_quality_figures *a, const struct store_quality_figures *b)
{
	return a->covered_milli == b->covered_milli && a->has_grade == b->has_grade &&
	       a->grade_hundredths == b->grade_hundredths && a->grade == b->grade && a->assessed == b->assessed &&
	       a->unc_lower_milli == b->unc_lower_milli && a->unc_upper_milli == b->unc_upper_milli &&
	       a->assessed_bp == b->assessed_bp && a->uncovered_lines == b->uncovered_lines &&
	       a->uncovered_milli == b->uncovered_milli && !strcmp(a->data_at, b->data_at);
}

static void run_free(struct run *r)
{
	free(r->a);
	free(r->own);
	free(r->own_agency);
	free(r->act);
	free(r->na);
}

static int fail(struct db *db, struct run *r, const char *what)
{
	error("quality: %s: %s", what, db->errstr);
	db_rollback(db);
	run_free(r);
	return -1;
}

/* The agencies' figures that differ from what is stored, written (*written: how many rows): 0 / -1. */
static int put_agencies(struct db *db, const struct run *r, int year, int *written)
{
	struct store_quality_put *rows = malloc((size_t)(r->n ? 2 * r->n : 1) * sizeof(*rows));
	int n = 0, rc;

	if (!rows) {
		snprintf(db->errstr, sizeof(db->errstr), "out of memory");
		return -1;
	}
	for (int i = 0; i < r->n; i++) {
		const struct qagency *a = &r->a[i];

		for (int s = 0; s < 2; s++) {
			if (!a->fig_ok[s] || (a->has_stored[s] && same(&a->stored[s], &a->fig[s])))
				continue;
			rows[n].agency_id = a->id;
			rows[n].subtree = s;
			rows[n++].f = a->fig[s];
		}
	}
	rc = store_quality_put_agencies(db, year, rows, n);
	free(rows);
	*written = rc ? 0 : n;
	return rc;
}

/* The figures of every agency, own and subtree, into a->fig (a->fig_ok 0 when one does not fit: logged, left as it was). */
static void agency_figures(struct run *r)
{
	for (int i = 0; i < r->n; i++) {
		struct qagency *a = &r->a[i];

		a->fig_ok[0] = !figures(r->own + a->own_start, a->own_n, &a->own_acc, a->own_unc, a->own_unc_milli,
					a->saved_at, &a->fig[0]);
		a->fig_ok[1] = !figures(r->act + a->sub_start, a->sub_n, &a->sub_acc, a->sub_unc, a->sub_unc_milli,
					a->sub_at, &a->fig[1]);
		for (int s = 0; s < 2; s++)
			if (!a->fig_ok[s])
				error("quality: agency %lld: a figure does not fit; left as it was", a->id);
	}
}

/* Reads what is stored (after the queue's count of runs, *runs: a run that writes figures adds one). */
static int read_stored(struct db *db, int county, int year, struct run *r, int *runs)
{
	struct store_quality_queue qq;

	for (int i = 0; i < r->n; i++)
		r->a[i].has_stored[0] = r->a[i].has_stored[1] = 0;
	if (store_quality_queue_get(db, county, year, &qq) < 0)
		return -1;
	*runs = qq.runs;
	return store_quality_stored(db, county, year, on_stored, r);
}

/*
 * Reads, computes and writes the figures of `requests` in one transaction;
 * *written counts the rows written.  0, or -1 (logged, rolled back).
 *
 * Everything is read and computed before the queue row is locked: a rollup
 * asks for the next run by updating that row, and waits while a run holds
 * it.  What is stored is read first too, with the queue's count of runs; if
 * the count has moved when the lock is granted (another run wrote figures
 * meanwhile), it is read again under the lock.  The lock is held only for
 * the rows that differ.
 */
static int compute(struct db *db, int county, int year, long long requests, int *written, long long *t_read)
{
	struct run r;
	struct quality_acc county_acc;
	struct store_quality_figures f;
	char county_at[24] = "";
	long long t0 = now_ms();
	int todo, runs_read, runs_locked, unc = 0;
	long long unc_milli = 0, lock;

	memset(&r, 0, sizeof(r));
	*written = 0;
	if (store_rollup_read_committed(db) || db_begin(db) || store_inventory_lock(db, county, year, &lock))
		return fail(db, &r, "begin");
	if (store_quality_agencies(db, county, year, lock, on_agency, &r))
		return fail(db, &r, "agencies");
	if (r.n)
		qsort(r.a, (size_t)r.n, sizeof(*r.a), by_id);
	if (store_quality_lines(db, county, year, on_row, &r))
		return fail(db, &r, "lines");
	quality_acc_init(&r.na_acc);
	if (store_quality_nonagency(db, county, year, on_nonagency, &r))
		return fail(db, &r, "non-agency lines");
	if (read_stored(db, county, year, &r, &runs_read))
		return fail(db, &r, "stored");
	*t_read = now_ms() - t0;

	/* Each agency's range of run.own (read in agency order), the tree, then every subtree. */
	for (int k = 0; k < r.n_own; k++) {
		int i = find(&r, r.own_agency[k]);

		if (i >= 0 && r.a[i].own_n++ == 0)
			r.a[i].own_start = k;
	}
	/* The active agencies' covered lines depth-first, then (for the county only) the non-agency lines. */
	r.act = malloc((size_t)(r.n_own + r.n_na ? r.n_own + r.n_na : 1) * sizeof(*r.act));
	if (!r.act)
		return fail(db, &r, "out of memory");
	for (int i = r.n - 1; i >= 0; i--) {
		int p = r.a[i].parent_id ? find(&r, r.a[i].parent_id) : -1;

		if (p >= 0) {
			r.a[i].next_sibling = r.a[p].first_child;
			r.a[p].first_child = i;
		}
	}
	quality_acc_init(&county_acc);
	for (int i = 0; i < r.n; i++) {
		if (r.a[i].parent_id && find(&r, r.a[i].parent_id) >= 0)
			continue;
		walk(&r, i);
		quality_acc_merge(&county_acc, &r.a[i].sub_acc);
		unc += r.a[i].sub_unc;
		unc_milli += r.a[i].sub_unc_milli;
		if (strcmp(r.a[i].sub_at, county_at) > 0)
			memcpy(county_at, r.a[i].sub_at, sizeof(county_at));
	}
	/* The non-agency lines, after every subtree's range: in the county's set alone. */
	if (r.n_na)
		memcpy(r.act + r.n_act, r.na, (size_t)r.n_na * sizeof(*r.act));
	quality_acc_merge(&county_acc, &r.na_acc);
	unc += r.na_unc;
	unc_milli += r.na_unc_milli;
	if (strcmp(r.na_at, county_at) > 0)
		memcpy(county_at, r.na_at, sizeof(county_at));
	if (figures(r.act, r.n_act + r.n_na, &county_acc, unc, unc_milli, county_at, &f))
		return fail(db, &r, "the county's figures do not fit");
	agency_figures(&r);

	if (quality_before_lock)
		quality_before_lock(county, year);
	if (store_quality_share_county(db, county))
		return fail(db, &r, "county lock");
	todo = store_quality_lock_figures(db, county, year, requests, &runs_locked);
	if (todo < 0)
		return fail(db, &r, "lock");
	if (!todo) {
		/* A run that served as many requests or more already wrote its figures. */
		if (db_commit(db))
			return fail(db, &r, "commit");
		run_free(&r);
		return 0;
	}
	if (runs_locked != runs_read && read_stored(db, county, year, &r, &runs_read))
		return fail(db, &r, "stored");
	if (store_quality_put_county(db, county, year, &f))
		return fail(db, &r, "county");
	if (put_agencies(db, &r, year, written))
		return fail(db, &r, "agency");
	if (store_quality_figures_written(db, county, year, requests))
		return fail(db, &r, "queue");
	if (db_commit(db))
		return fail(db, &r, "commit");
	log_info("quality county %d year %d: %d agencies, %lld lines, %d row(s) written", county, year, r.n, r.lines,
		 *written);
	run_free(&r);
	return 0;
}

int quality_county_year(struct job_ctx *ctx, int county, int year)
{
	struct db *db = ctx->db;
	long long requests, started = now_ms(), t_read = 0, t_board;
	int pending, written;

	pending = store_quality_begin(db, county, year, &requests);
	if (pending < 0)
		return error("quality: %s", db->errstr);
	if (!pending)
		return 0;   /* served by an earlier run: the requests coalesced */
	if (compute(db, county, year, requests, &written, &t_read))
		return -1;
	/* The validation board, after the figures its grade and uncertainty rules read; a failed
	 * run leaves the request pending, so the next poll runs both again (each is idempotent). */
	t_board = now_ms();
	if (board_run(db, county, year))
		return -1;
	if (store_quality_done(db, county, year, requests))
		return error("quality: done: %s", db->errstr);
	log_info("quality county %d year %d: %lld request(s) served, read %lld ms, board %lld ms, took %lld ms", county, year,
		 requests, t_read, now_ms() - t_board, now_ms() - started);
	quality_ran(county, year, now_ms() - started);
	return 0;
}

/* "quality <county> <year>": a year the data does not serve is dropped (as rollups are). */
int job_quality(struct job_ctx *ctx, const struct job *j)
{
	struct years y;

	if (years_get(ctx->db, &y))
		return error("quality: the years served: %s", ctx->db->errstr);
	if (!years_has(&y, j->year)) {
		log_warn("quality job for a year not served dropped: county %d year %d", j->county, j->year);
		return 0;
	}
	if (quality_too_soon(j->county, j->year))
		return 0;   /* left pending: the poll runs it */
	return quality_county_year(ctx, j->county, j->year);
}

int quality_poll(struct job_ctx *ctx)
{
	struct store_quality_pending pairs[64];
	int n;

	/* What is still pending and too soon is found again below; the rest ran elsewhere. */
	quality_undefer();
	if (store_quality_pending(ctx->db, pairs, 64, &n))
		return error("quality poll: %s", ctx->db->errstr);
	for (int i = 0; i < n && !*ctx->stopping; i++)
		if (!quality_too_soon(pairs[i].county, pairs[i].year) && quality_county_year(ctx, pairs[i].county, pairs[i].year))
			return -1;
	return n;
}

int quality_fill_missing(struct job_ctx *ctx)
{
	long long n;

	if (store_quality_fill_missing(ctx->db, &n))
		return error("quality fill: %s", ctx->db->errstr);
	return (int)n;
}

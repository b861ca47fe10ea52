/* factor_day.c: factor day (SPEC-2 §3): a factor change previewed, then run over every report it
 * changes, by the exporter worker (long jobs), resumable after a kill. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factor_day_calc.h"
#include "factor_table.h"
#include "jobs.h"
#include "store_factor.h"
#include "store_factorday.h"
#include "store_rollup.h"
#include "util.h"

/*
 * DESIGN: a report is changed by a factor change when the calculation
 * (calc_compute, the only place emissions are computed) gives any of its
 * lines another amount, factor or method with the table after the change
 * than with the table before it: both are computed from the report's
 * stored quantities, so nothing else (an older drift) is counted as the
 * change's.  The factor itself is written when the run is first claimed
 * (store_fd_claim): from then on every save computes with it, and the run
 * brings the stored reports in line, BATCH at a time in id order.  Each
 * batch is one transaction: its reports locked, their new lines, totals,
 * audit lines, notices and outbox rows (staged, then written by a few
 * set-based statements), and the cursor past them, so a run
 * killed half-way resumes after its last commit and counts nothing twice.
 * A report that is confirmed, or of a locked or published year, is never
 * overwritten: it gets a 重算值 (restated totals) beside its figures, until
 * its owner saves and confirms a new version.  The preview is the same
 * walk without writing, summed by county-year.
 */

static int collect_item(void *ctx, const struct store_fd_item *row)
{
	struct batch *b = ctx;
	struct item *it;
	int k = calc_item_index(row->item);

	if (k < 0)
		return 0;
	if (b->nitems == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->items = xrealloc(b->items, sizeof(*b->items) * (size_t)b->cap);
	}
	it = &b->items[b->nitems++];
	memset(it, 0, sizeof(*it));
	it->report_id = row->report_id;
	it->in.item = (enum calc_item)k;
	it->in.part = strcmp(row->part, "own") ? CALC_OUTSOURCED : CALC_OWN;
	it->in.seq = row->seq;
	snprintf(it->refrigerant, sizeof(it->refrigerant), "%s", row->refrigerant);
	it->in.quantity = dec_from_scaled_i64(row->quantity_milli, 3);
	return 0;
}

/* The preview's rows, one per county-year met. */
struct effects {
	struct store_fd_effect *rows;
	int n, cap;
};

static struct store_fd_effect *effect_of(struct effects *e, int county, int year)
{
	for (int i = 0; i < e->n; i++)
		if (e->rows[i].county_id == county && e->rows[i].year == year)
			return &e->rows[i];
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->rows = xrealloc(e->rows, sizeof(*e->rows) * (size_t)e->cap);
	}
	memset(&e->rows[e->n], 0, sizeof(e->rows[0]));
	e->rows[e->n].county_id = county;
	e->rows[e->n].year = year;
	return &e->rows[e->n++];
}

/* Reads batch b after report `after` (locked when lock): its size, or -1. */
static int read_batch(struct db *db, const struct store_fd_span *sp, long long after, int lock, struct batch *b)
{
	b->nitems = 0;
	if (!sp->y0)
		return b->n = 0;   /* no year the change can move */
	b->n = store_fd_reports(db, sp, after, BATCH, lock, b->rep);
	if (b->n <= 0)
		return b->n;
	if (store_fd_items(db, b->rep[0].id, b->rep[b->n - 1].id, collect_item, b))
		return -1;
	/* Its first reports whose quantities fit STORE_FD_STAGE_LINES: the rest are the next batch's. */
	return batch_fit(b, STORE_FD_STAGE_LINES);
}

static int preview(struct job_ctx *ctx, const struct store_fd_change *c)
{
	struct factor_table old = { 0 }, new = { 0 };
	struct batch *b = calloc(1, sizeof(*b));
	struct outcome *o = malloc(sizeof(*o));
	struct na_outcome *na = malloc(sizeof(*na));
	struct effects e = { 0 };
	struct choices ch = { 0 };
	struct store_fd_span sp, asp = { c->county_id, c->first_year, c->last_year };
	char err[300] = "";
	long long after = 0;
	int rc = -1, n = 0;

	if (!b || !o || !na)
		die("out of memory");
	n = fd_setup(ctx->db, c, &old, &new, &ch, &sp);
	if (n < 0)
		goto out;   /* the database: the next poll previews it */
	if (n > 0) {
		snprintf(err, sizeof(err), "%s", "係數數值無法讀取");
		goto failed;
	}
	while (!*ctx->stopping && (n = read_batch(ctx->db, &sp, after, 0, b)) > 0) {
		int pos = 0;

		for (int i = 0; i < n; i++) {
			const struct store_fd_report *r = &b->rep[i];
			struct store_fd_effect *f;

			if (fd_compute(&old, &new, &ch, b, &pos, r, o, err, sizeof(err)))
				goto failed;
			if (!o->affected)
				continue;
			f = effect_of(&e, r->county_id, r->year);
			f->agency_years++;
			f->confirmed_years += r->frozen;
			f->lines += o->changed_lines;
			f->delta_milli += o->own - r->own_milli;
		}
		after = b->rep[n - 1].id;
	}
	if (*ctx->stopping || n < 0)
		goto out;
	for (after = 0; !*ctx->stopping && (n = store_fd_activities(ctx->db, &asp, after, BATCH, 0, b->act)) > 0;
	     after = b->act[n - 1].id) {
		for (int i = 0; i < n; i++) {
			const struct store_fd_activity *a = &b->act[i];
			struct store_fd_effect *f;

			if (fd_compute_activity(&old, &new, &ch, a, na, err, sizeof(err)))
				goto failed;
			if (!na->affected)
				continue;
			f = effect_of(&e, a->county_id, a->year);
			f->activity_lines++;
			f->activity_delta_milli += na->kg - a->kg_milli;
		}
	}
	if (*ctx->stopping || n < 0)
		goto out;
	if (db_begin(ctx->db) || store_fd_effects_set(ctx->db, c->id, e.rows, e.n) || db_commit(ctx->db)) {
		db_rollback(ctx->db);
		goto out;
	}
	log_info("factor change %lld previewed: %d county-year(s) affected", c->id, e.n);
	rc = 0;
	goto out;
failed:
	db_rollback(ctx->db);
	store_fd_preview_failed(ctx->db, c->id, *err ? err : "預覽失敗");
	error("factor change %lld: preview failed: %s", c->id, err);
	rc = 0;
out:
	factor_table_free(&old);
	factor_table_free(&new);
	free(b->items);
	free(b);
	free(o);
	free(na);
	free(e.rows);
	free(ch.v);
	return rc;
}

/* "<basis>：自有 4740.000、委外 0.000 kgCO₂e" into buf: a report's totals as its audit line says them. */
static const char *totals_text(char *buf, size_t size, const struct store_fd_change *c, int after, long long own,
			       long long outsourced)
{
	char b[160];

	snprintf(buf, size, "%s：自有 %lld.%03lld、委外 %lld.%03lld kgCO₂e", fd_basis_text(b, sizeof(b), c, after), own / 1000,
		 llabs(own % 1000), outsourced / 1000, llabs(outsourced % 1000));
	return buf;
}

/* Stages the writes of one affected report (store_fd_stage_*): its lines and gases unless frozen, its totals. */
static int stage_report(struct db *db, const struct store_fd_change *c, const struct store_fd_report *r, const struct outcome *o)
{
	char before[300], after[300];
	struct store_fd_staged s = { r, o->own, o->outsourced,
				     totals_text(before, sizeof(before), c, 0, r->own_milli, r->outsourced_milli),
				     totals_text(after, sizeof(after), c, 1, o->own, o->outsourced) };

	for (int i = 0; !r->frozen && i < o->n; i++) {
		const struct calc_line *l = &o->lines[i];
		long long kg;

		if (dec_to_scaled_i64(l->kg, 3, &kg) || store_fd_stage_line(db, r->id, l, kg))
			return -1;
		for (int g = 0; g < CALC_GAS__MAX; g++) {
			if (!l->gas[g].present)
				continue;
			if (dec_to_scaled_i64(l->gas[g].kg, 3, &kg) || store_fd_stage_gas(db, r->id, l, g, kg))
				return -1;
		}
	}
	return store_fd_stage_report(db, &s);
}

/* A walk in hand: the tables, the batch, the years and the cursor. */
struct walk {
	const struct factor_table *old, *new;
	struct choices ch;
	struct batch *b;
	struct outcome *o;
	struct na_outcome *na;
	struct store_fd_span sp, asp;   /* the reports', the non-agency lines' */
	int lease;
	long long us[4];                /* where the reports' walk went: read, compute and stage, apply, commit (µs) */
	long long after;
	char err[300];
};

/* What one batch of the run came to. */
/* STEP_LOST: the claim is no longer this worker's (it hung past its lease and another took the run over). */
enum step { STEP_DONE, STEP_NONE, STEP_FAILED, STEP_DB, STEP_LOST };

/* A batch's progress written (r of store_fd_progress) and committed: STEP_DONE, or why not. */
static enum step batch_end(struct db *db, int r)
{
	if (r != 1)
		return r == 0 ? STEP_LOST : STEP_DB;
	return db_commit(db) ? STEP_DB : STEP_DONE;
}

/* A READ COMMITTED transaction (store_fd_reports, store_fd_activities: each read sees what the locks protect). */
static int begin(struct db *db)
{
	return db_exec_sql(db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED") || db_begin(db) ? -1 : 0;
}

/* One batch of reports after *after, committed with the cursor past it. */
static enum step report_step(struct job_ctx *ctx, const struct store_fd_change *c, const char *claim, struct walk *w)
{
	int pos = 0, changed = 0, restated = 0, frozen = 0, same, n;
	enum step s;
	long long t0 = now_us(), t1, t2, t3;

	if (store_fd_stage_open(ctx->db) || store_fd_stage_clear(ctx->db) || begin(ctx->db))
		return STEP_DB;
	n = read_batch(ctx->db, &w->sp, w->after, 1, w->b);
	if (n < 0)
		return STEP_DB;
	t1 = now_us();
	if (n == 0) {
		db_rollback(ctx->db);
		return STEP_NONE;
	}
	for (int i = 0; i < n; i++) {
		const struct store_fd_report *r = &w->b->rep[i];

		if (fd_compute(w->old, w->new, &w->ch, w->b, &pos, r, w->o, w->err, sizeof(w->err)))
			return STEP_FAILED;
		if (!w->o->affected)
			continue;
		if (stage_report(ctx->db, c, r, w->o))
			return STEP_DB;
		changed += !r->frozen;
		frozen += r->frozen;
		/* Figures that come to what was confirmed (saved with the new basis already, or a change undone) get no 重算值. */
		restated += r->frozen && (w->o->own != r->own_milli || w->o->outsourced != r->outsourced_milli);
	}
	t2 = now_us();
	same = store_fd_stage_apply(ctx->db, c->id, frozen, c->unlock);
	if (same < 0)
		return STEP_DB;
	changed -= same;   /* the unlock's: already as computed, only no longer marked */
	t3 = now_us();
	s = batch_end(ctx->db, store_fd_progress(ctx->db, c->id, claim, w->b->rep[n - 1].id, n, changed, restated, w->lease));
	if (s != STEP_DONE)
		return s;
	w->us[0] += t1 - t0;
	w->us[1] += t2 - t1;
	w->us[2] += t3 - t2;
	w->us[3] += now_us() - t3;
	w->after = w->b->rep[n - 1].id;
	return STEP_DONE;
}

/* One batch of the counties' non-agency lines after *after (a line of a locked or published year kept). */
static enum step activity_step(struct job_ctx *ctx, const struct store_fd_change *c, const char *claim, struct walk *w)
{
	int changed = 0, kept = 0, n, r;
	enum step s;

	if (begin(ctx->db))
		return STEP_DB;
	n = store_fd_activities(ctx->db, &w->asp, w->after, BATCH, 1, w->b->act);
	if (n < 0)
		return STEP_DB;
	if (n == 0) {
		db_rollback(ctx->db);
		return STEP_NONE;
	}
	for (int i = 0; i < n; i++) {
		const struct store_fd_activity *a = &w->b->act[i];
		char before[300], now[300], b1[160], b2[160];

		if (fd_compute_activity(w->old, w->new, &w->ch, a, w->na, w->err, sizeof(w->err)))
			return STEP_FAILED;
		if (!w->na->affected)
			continue;
		snprintf(before, sizeof(before), "%s：%lld.%03lld kgCO₂e", fd_basis_text(b1, sizeof(b1), c, 0), a->kg_milli / 1000,
			 llabs(a->kg_milli % 1000));
		snprintf(now, sizeof(now), "%s：%lld.%03lld kgCO₂e", fd_basis_text(b2, sizeof(b2), c, 1), w->na->kg / 1000,
			 llabs(w->na->kg % 1000));
		/* A locked or published year's line is kept as it is, its 重算值 beside it. */
		if (a->frozen) {
			if (store_fd_activity_restate(ctx->db, a, w->na->kg, c->id, before, now))
				return STEP_DB;
			kept++;
			continue;
		}
		r = store_fd_activity_set(ctx->db, a, &w->na->line, w->na->kg, before, now);
		if (r < 0)
			return STEP_DB;
		changed += r == 0;
	}
	s = batch_end(ctx->db, store_fd_activity_progress(ctx->db, c->id, claim, w->b->act[n - 1].id, changed, kept, w->lease));
	if (s != STEP_DONE)
		return s;
	w->after = w->b->act[n - 1].id;
	return STEP_DONE;
}

#define STEP_TRIES 5   /* a batch met by a deadlock (a rollup job's reads, a save) is tried again at once */

/* Every batch of one walk: 0 walked, 1 failed (w->err), -1 stopped or a database error (the next claim resumes). */
static int walk(struct job_ctx *ctx, const struct store_fd_change *c, const char *claim, struct walk *w,
		enum step (*step)(struct job_ctx *, const struct store_fd_change *, const char *, struct walk *))
{
	for (int tries = 0; !*ctx->stopping;) {
		enum step s = step(ctx, c, claim, w);

		if (s == STEP_DONE) {
			tries = 0;
			continue;
		}
		db_rollback(ctx->db);
		if (s == STEP_NONE)
			return 0;
		if (s == STEP_FAILED)
			return 1;
		if (s == STEP_LOST) {
			log_warn("factor change %lld: another worker took the run over (this one's lease ran out); this batch is rolled back",
				 c->id);
			return -1;
		}
		if (!db_err_contention(ctx->db) || ++tries == STEP_TRIES) {
			error("factor change %lld: %s (the next claim resumes after its last commit, %lld)", c->id, ctx->db->errstr, w->after);
			return -1;
		}
	}
	return -1;
}

/*
 * The rollups the run deferred (store_rollup_pending's DESIGN) are due now:
 * the rollup worker is woken for each county-year (its poll would find them
 * within a second or two; Redis down, it still does).
 */
static void wake_rollups(struct job_ctx *ctx)
{
	struct store_rollup_pending p[200];
	int n = 0;

	if (store_rollup_pending(ctx->db, p, 200, 1000, &n))
		return;
	for (int i = 0; i < n; i++)
		job_push_rollup(ctx->queue, p[i].county, p[i].year);
}

static int run(struct job_ctx *ctx, const struct store_fd_change *c, const char *claim)
{
	struct factor_table old = { 0 }, new = { 0 };
	struct walk w = { .old = &old, .new = &new, .lease = ctx->cfg->worker_heartbeat_seconds };
	int rc = -1, r;

	w.b = calloc(1, sizeof(*w.b));
	w.o = malloc(sizeof(*w.o));
	w.na = malloc(sizeof(*w.na));
	if (!w.b || !w.o || !w.na)
		die("out of memory");
	w.asp = (struct store_fd_span){ c->county_id, c->first_year, c->last_year };
	r = fd_setup(ctx->db, c, &old, &new, &w.ch, &w.sp);
	if (r < 0)
		goto out;   /* the database: the next claim, when the lease runs out, resumes it */
	if (r > 0) {
		snprintf(w.err, sizeof(w.err), "%s", "係數數值無法讀取");
		goto failed;
	}
	if (!c->done && w.sp.y0 && store_fd_total(ctx->db, c->id, claim, &w.sp))
		goto out;
	w.after = c->cursor;
	r = walk(ctx, c, claim, &w, report_step);
	if (r == 0) {
		w.after = c->activity_cursor;
		r = walk(ctx, c, claim, &w, activity_step);
	}
	if (r > 0)
		goto failed;
	if (r < 0)
		goto out;
	r = store_fd_finish(ctx->db, c->id, claim, NULL);
	if (r != 1) {
		if (r == 0)
			log_warn("factor change %lld: another worker took the run over before its end (this one's lease ran out)", c->id);
		goto out;
	}
	wake_rollups(ctx);
	log_info("factor change %lld (%s = %s) done; the reports' batches: read %lld ms, computed and staged %lld ms, written %lld ms,"
		 " committed %lld ms", c->id, c->key, c->value, w.us[0] / 1000, w.us[1] / 1000, w.us[2] / 1000, w.us[3] / 1000);
	rc = 0;
	goto out;
failed:
	error("factor change %lld failed: %s", c->id, w.err);
	store_fd_finish(ctx->db, c->id, claim, *w.err ? w.err : "重新計算失敗");
	rc = 0;
out:
	factor_table_free(&old);
	factor_table_free(&new);
	free(w.b->items);
	free(w.b);
	free(w.o);
	free(w.na);
	free(w.ch.v);
	return rc;
}

int factor_day_poll(struct job_ctx *ctx)
{
	static unsigned seq;
	struct store_fd_change c;
	long long id = 0;
	int what, r;
	char claim[80];

	if (store_fd_next(ctx->db, &id, &what))
		return error("factor day poll: %s", ctx->db->errstr);
	if (!what || store_fd_get(ctx->db, id, &c) != 1)
		return 0;
	if (what == 1)
		return preview(ctx, &c) ? -1 : 1;
	snprintf(claim, sizeof(claim), "%.50s-fd%u-%d", ctx->worker_id, ++seq, rand() & 0xffff);
	if (db_begin(ctx->db))
		return error("factor change %lld: claim: %s", id, ctx->db->errstr);
	r = store_fd_claim_lock(ctx->db);
	if (r) {
		db_rollback(ctx->db);
		/* 1: another worker is claiming; the next poll sees what it did. */
		return r < 0 ? error("factor change %lld: claim: %s", id, ctx->db->errstr) : 0;
	}
	r = store_fd_claim(ctx->db, id, claim, ctx->cfg->worker_heartbeat_seconds);
	if (r == 2 && !db_commit(ctx->db)) {
		log_warn("factor change %lld: its county-year was locked or published since it was proposed: failed", id);
		return 1;
	}
	if (r != 1 || db_commit(ctx->db)) {
		db_rollback(ctx->db);
		return r < 0 ? error("factor change %lld: claim: %s", id, ctx->db->errstr) : 0;
	}
	/* Read again: the claim wrote the factor and set the totals. */
	if (store_fd_get(ctx->db, id, &c) != 1)
		return -1;
	log_info("factor change %lld (%s = %s): run claimed, from report %lld", id, c.key, c.value, c.cursor);
	return run(ctx, &c, claim) ? -1 : 1;
}

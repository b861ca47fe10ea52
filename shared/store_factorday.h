/* store_factorday.h: factor day (SPEC-2 §3): a factor added or replaced by the platform admin, its
 * preview, its run over the reports it changes (resumable), its 重算值 and its notices. */
#ifndef CITYINV_STORE_FACTORDAY_H
#define CITYINV_STORE_FACTORDAY_H

#include "calc.h"
#include "nonagency.h"
#include "db.h"

/* Return conventions as the other stores: a lookup 1 / 0 / -1, anything else 0 / -1. */

struct store_fd_change {
	long long id;
	char key[65], category[41], scope[5], gas[17], unit[161], value[41], old_value[41], old_confidence[17];
	char source[2401], confidence[17], status[16], preview_status[16], error[1201];
	char created_at[20], finished_at[20], by[41];
	int is_new, valid_from, valid_to, first_year, last_year;
	int recompute_from;             /* store_fd_create: the first year it can move (the lower of valid_from before and after; 0: the first served) */
	int ci_lower_milli, ci_upper_milli;      /* the interval the change sets; -1: kept */
	int old_ci_lower_milli, old_ci_upper_milli;   /* the factor's now (store_fd_factor); -1: none */
	long long cursor, total, done, changed, restated;
	long long activity_cursor, changed_activities, kept_activities;
	/*
	 * A county's choice of electricity variant for one year (county_id set):
	 * key 'elec_variant_<letter>_<year>', value and old_value the variants'
	 * keys (calc_elec_keys), first_year = last_year = valid_from the year.
	 */
	int county_id;
	char county[49];
	/*
	 * A run queued by 解除鎖定 (store_fd_unlock_queue; county_id and
	 * first_year = last_year its county-year): nothing in the table moves;
	 * the unconfirmed reports and the non-agency lines that hold a 重算值
	 * (kept while the year was locked) are computed again with the factors
	 * in force and written in place.
	 */
	int unlock;
	long long started;              /* its run's first claim, seconds since the epoch; 0: not claimed yet */
};

/* The factor `key` now (category, scope, gas, unit, value, confidence of out): 1 / 0 / -1. */
int store_fd_factor(struct db *db, const char *key, struct store_fd_change *out);

/* An existing key that differs from `key` only in case, into out: 1 / 0 / -1. */
int store_fd_key_other_case(struct db *db, const char *key, char *out, size_t size);

/*
 * A draft change of factor c->key (c->is_new: a factor the table does not
 * have; else c->old_value and old_confidence are the factor's now), its
 * preview to come: 1 (*id set), 0 another change of that factor is not
 * finished (nothing written), -1.
 */
int store_fd_create(struct db *db, const struct store_fd_change *c, long long by, long long *id);
int store_fd_get(struct db *db, long long id, struct store_fd_change *out);
/*
 * After 解除鎖定 of lock_id, in its transaction: a run of kind 'unlock' over
 * the county-year, queued when any report not confirmed or any non-agency
 * line of it holds a 重算值: 1 queued, 0 nothing to apply, -1.
 */
#define STORE_FD_UNLOCK_KEY "unlock#"   /* its key: this and the lock's id ('#': in no factor's key) */
int store_fd_unlock_queue(struct db *db, int county_id, int year, long long lock_id, long long by, const char *reason);
/* The newest change of county_id's choice of electricity variant for `year`: 1 / 0 none / -1. */
int store_fd_latest_choice(struct db *db, int county_id, int year, struct store_fd_change *out);
/* The newest run queued by 解除鎖定 of county_id's `year`: 1 / 0 none / -1. */
int store_fd_latest_unlock(struct db *db, int county_id, int year, struct store_fd_change *out);
/* The newest 50 changes, newest first. */
int store_fd_list(struct db *db, int (*each)(void *ctx, const struct store_fd_change *row), void *ctx);

/* A preview's line of one county-year. */
struct store_fd_effect {
	int county_id, year;
	const char *county;
	long long agency_years, confirmed_years, lines, delta_milli;
	long long activity_lines, activity_delta_milli;
};
int store_fd_effects(struct db *db, long long id, int (*each)(void *ctx, const struct store_fd_effect *row), void *ctx);
/* The preview's rows replaced by rows[0..n), preview_status 'done': in the caller's transaction. */
int store_fd_effects_set(struct db *db, long long id, const struct store_fd_effect *rows, int n);
int store_fd_preview_failed(struct db *db, long long id, const char *why);

/* draft (previewed) -> queued: 1, 0 not a previewed draft. */
int store_fd_queue(struct db *db, long long id);
/* draft -> cancelled: 1, 0 not a draft. */
int store_fd_cancel(struct db *db, long long id);
/*
 * failed -> queued again, to go on after its last commit once what failed it
 * is mended: only a change whose run wrote its factor (or its county's
 * choice) before it failed, with its "before" kept (the next claim does not
 * write either again).  1, 0 not such a change or another of its key is open, -1.
 */
int store_fd_retry(struct db *db, long long id);
/*
 * Whether the county-year's figures wait for a change to finish: 1 its
 * county's choice of electricity variant is queued, running, or failed
 * after writing the choice (store_fd_retry due); with `factors`, 2 a
 * platform factor change of that year or before is queued, running or
 * due; 3 the run queued by 解除鎖定 is queued, running, or failed (重新執行 due); 0 none; -1.  A plain read, for 年度鎖定 after it has locked the
 * year's row: a claim (which locks the change and then the year's row) has
 * either committed before it or finds the year locked.
 */
int store_fd_unfinished(struct db *db, int county, int year, int factors);
/* The run queued by 解除鎖定 of county's `year` is queued, running, or failed (重新執行 due): 1 / 0 / -1. */
int store_fd_unlock_pending(struct db *db, int county, int year);
/*
 * Report report_id is one a change held back while its year was locked (restated_change_id), and
 * the run of the year's unlocking is to write it in place but has not yet: 1 / 0 / -1.  A plain
 * read: 確認 asks it only for a report whose locked row is marked (store_workflow_confirm), and
 * waits for the run: a figure the platform said it would update is not signed first.
 */
int store_fd_unlock_due_for(struct db *db, long long report_id);

/*
 * What a worker should do next: *what 1 preview change *id, 2 run it
 * (queued while none runs, or running with its lease run out), 0 nothing.
 */
int store_fd_next(struct db *db, long long *id, int *what);

/*
 * Claims change id to run (queued, or running with its lease out) for
 * `lease` seconds: 1 claimed, 0 not (someone else has it).  In its
 * transaction the factor itself is written (change_id set), or the
 * county-year's electricity variant, the first time; 2: a county's choice
 * of a year locked or published since, failed instead (commit it).
 */
int store_fd_claim(struct db *db, long long id, const char *claim, int lease);
/*
 * The claims of every worker, one at a time: inside the claim's transaction,
 * the row of worker_claims (migration 0038) locked until its commit or
 * rollback, so two exporters never both see no change running and both
 * start one.  Never waits: 0 locked, 1 another worker is claiming (try at
 * the next poll), -1 the database.
 */
int store_fd_claim_lock(struct db *db);
/* What a walk goes over: the years [y0, y1] of every county (county_id 0), or of one. */
struct store_fd_span {
	int county_id, y0, y1;
};
/* The reports of span sp (the walk's), as the run's total: 0 / -1. */
int store_fd_total(struct db *db, long long id, const char *claim, const struct store_fd_span *sp);
/*
 * A batch's outcome, in its transaction: the cursor, the counts, the lease
 * renewed, while the claim is still this worker's: 1, 0 (claim lost: roll back).
 */
int store_fd_progress(struct db *db, long long id, const char *claim, long long cursor, int done, int changed,
		      int restated, int lease);
/* The run over (error NULL: done; else failed, with it), while the claim is still this worker's: 1, 0 (lost), -1. */
int store_fd_finish(struct db *db, long long id, const char *claim, const char *error);

/* The reports of span sp after report id `after`, by id, at most max of them (the run's batch). */
struct store_fd_report {
	long long id, agency_id;
	int county_id, year;
	long long own_milli, outsourced_milli;
	int frozen;                 /* confirmed, or its year locked or published: a 重算值, never overwritten */
	int restated;               /* it holds an earlier change's 重算值 */
	long long computed;         /* when its figures were computed, seconds since the epoch */
};
/*
 * The lock and publication of the span's years [y0, y1] (every county's, or its county's) in share
 * mode, for a batch's transaction: a year lock or a publication waits for it, or has committed before it.  0 / -1.
 */
int store_fd_lock_years(struct db *db, const struct store_fd_span *sp);
/* n rows into out (locked FOR UPDATE when lock is 1): the count, or -1. */
int store_fd_reports(struct db *db, const struct store_fd_span *sp, long long after, int max, int lock, struct store_fd_report *out);
/* Every quantity of reports ids (sorted) [lo, hi], by report, part, item, seq. */
struct store_fd_item {
	long long report_id;
	const char *part, *item, *refrigerant;
	int seq;
	long long quantity_milli;
};
int store_fd_items(struct db *db, long long lo, long long hi, int (*each)(void *ctx, const struct store_fd_item *row), void *ctx);

/*
 * A batch's writes, staged and then applied with a few set-based
 * statements (a batch of 1,000 reports is a few dozen statements, not
 * thousands).  store_fd_stage_open() once per connection (temporary
 * tables), store_fd_stage_clear() per batch before its transaction, the
 * rows, then store_fd_stage_apply() in the batch's transaction.
 */
#define STORE_FD_STAGE_REPORTS 1024  /* the most reports whose lines a batch stages */
/*
 * The most quantities a batch reads, and so the most lines it stages: the
 * staging tables are in memory (ENGINE=MEMORY, a row as wide as its
 * longest texts could be: about 7 KiB a line), so a batch of reports with
 * many lines each is cut to its first reports within this (never fewer
 * than one: a report has at most 108 lines), and the next batch starts
 * after them.
 */
#define STORE_FD_STAGE_LINES 8192
int store_fd_stage_open(struct db *db);
int store_fd_stage_clear(struct db *db);
/* An affected report: its old and new totals, its audit texts, whether it is frozen (a 重算值). */
struct store_fd_staged {
	const struct store_fd_report *r;
	long long new_own, new_outsourced;
	const char *old_text, *new_text;
};
int store_fd_stage_report(struct db *db, const struct store_fd_staged *s);
/* A line's new figures (written in place, its quality columns kept) and its gases. */
int store_fd_stage_line(struct db *db, long long report_id, const struct calc_line *l, long long kg_milli);
int store_fd_stage_gas(struct db *db, long long report_id, const struct calc_line *l, int gas, long long kg_milli);
/*
 * Flushes what is staged in memory, then writes it: lines, gases, totals, 重算值 (frozen: how
 * many frozen reports are staged; one whose totals come to its stored ones gets none, no
 * notice and no audit line), notices, audit, outbox.  unlock (the run 解除鎖定 queues): a
 * report not frozen that already holds every staged figure (a change held back, then undone
 * while the year was locked) is only no longer marked, with no audit line, notice or new
 * revision.  How many reports were left so, or -1.
 */
int store_fd_stage_apply(struct db *db, long long change_id, int frozen, int unlock);

/* A county's non-agency line of span sp as factor day recomputes it (its inputs as stored). */
struct store_fd_activity {
	long long id;
	int county_id, year, frozen;
	int restated;               /* it holds a 重算值 (kept while its year was locked or published) */
	char method[25], quantity[48], quantity2[48], opt[3][49], override_factor[48];
	long long kg_milli;
};
/*
 * The lines after id `after`, by id, at most max (locked when lock: the
 * county-years' quality requests first, as a save of the team's takes them,
 * then the lines, then the years' lock in share mode): the count, or -1.
 */
int store_fd_activities(struct db *db, const struct store_fd_span *sp, long long after, int max, int lock, struct store_fd_activity *out);
/*
 * Line a of a locked or published year, kept: kg_milli, its figure at the new factors, as its
 * 重算值 with an audit line of its county (none when it is the kept figure: an earlier change's
 * cleared).  0 / -1.
 */
int store_fd_activity_restate(struct db *db, const struct store_fd_activity *a, long long kg_milli, long long change_id,
			      const char *old_text, const char *new_text);
/*
 * Line a's computed columns from l (its inputs and quality kept), its version
 * moved on, an earlier 重算值 cleared, an audit line of its county: 0; 1 it
 * holds them already (saved at the new factors since the run began: left as
 * it is); -1.
 */
int store_fd_activity_set(struct db *db, const struct store_fd_activity *a, const struct na_line *l, long long kg_milli,
			  const char *old_text, const char *new_text);
/* The activities' part of a run's progress, in the batch's transaction (claim checked): 1, 0 claim lost, -1. */
int store_fd_activity_progress(struct db *db, long long id, const char *claim, long long cursor, int changed, int kept, int lease);

/* The county-years of [y0, y1] whose electricity variant is not the overall one (a walk's choices). */
int store_fd_variants(struct db *db, int y0, int y1, int (*each)(void *ctx, int county_id, int year, enum calc_elec elec), void *ctx);

/* The notices of agency_id's year (every change that moved its figures), newest first. */
struct store_fd_notice {
	char key[65], value[41], old_value[41], finished_at[20];
	char confidence[17], old_confidence[17];   /* factors.confidence's texts ("": a new factor's before) */
	long long old_own, new_own, old_outsourced, new_outsourced;
	int restated;
	int choice;                 /* the county's choice of electricity variant (value, old_value: its keys) */
	int unlock;                 /* applied after 解除鎖定 (old: the figures kept while locked) */
};
#define STORE_FD_NOTICES 20   /* the newest, at most */
int store_fd_notices(struct db *db, long long agency_id, int year,
		     int (*each)(void *ctx, const struct store_fd_notice *row), void *ctx);

#endif

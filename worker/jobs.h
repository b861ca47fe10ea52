/* jobs.h: the kinds of job the worker runs, in one enum-indexed table. */
#ifndef CITYINV_JOBS_H
#define CITYINV_JOBS_H

#include <signal.h>

#include "config.h"
#include "db.h"
#include "job.h"
#include "queue.h"

/*
 * The kinds, their lines and their lists are shared/job.h's (the web
 * produces them with job_push_*).  Each kind is served by its own worker
 * processes: rollups (and pings) on <prefix>:jobs, exports on
 * <prefix>:exports, quality runs on <prefix>:quality, so a rollup never
 * waits behind a workbook or a quality run.  A job found
 * on the other list is passed on.
 */
struct job_ctx {
	const struct config *cfg;
	struct db *db;
	struct queue *queue;
	const char *worker_id;
	const char *list;                       /* the list this worker serves */
	volatile sig_atomic_t *stopping;        /* set by SIGTERM/SIGINT: a long job may stop early */
	char claim[80];                         /* the export claim in hand (export.c) */
};

/* A kind's run: 0 done (ack it), -1 failed (it goes back on the queue). */
typedef int job_run_fn(struct job_ctx *ctx, const struct job *j);
extern job_run_fn *const job_runs[JOB__MAX];

/* export.c */
int job_export(struct job_ctx *ctx, const struct job *j);
/*
 * Runs exports left queued (their wake-up lost) or abandoned by a dead
 * worker (a lease not renewed for worker_heartbeat_seconds); how many, or -1.
 */
int export_poll(struct job_ctx *ctx);
/* Deletes the workbooks past their time (and those replaced); how many, or -1. */
int export_expire(struct job_ctx *ctx);

/*
 * factor_day.c: the next factor change to preview or to run (or to resume,
 * its lease run out), done here: 1 one was, 0 none, -1 a database error.
 */
int factor_day_poll(struct job_ctx *ctx);

/* Builds export `id` now (cityinv-worker -e), printing its time and peak memory; the exit status. */
int export_once(struct job_ctx *ctx, long long id);
/*
 * Records an export's progress and renews its lease (while the claim in
 * hand is still this worker's), at most once every EXPORT_PROGRESS_MS for
 * the same export: each is a commit, and a workbook built in half a second
 * spent 27 ms of it on fourteen of them.  0, or -1 when the connection to
 * the database was lost: every statement in hand is then gone, so stop (-2).
 */
#define EXPORT_PROGRESS_MS 200
int export_progress(struct job_ctx *ctx, long long id, int pct);

/* export_review.c: the review table of a parent agency, the reminder list of a county-year; 0, -1 (failed: err says why), -2 (database: retry). */
int build_review(struct job_ctx *ctx, long long id, long long agency, int year, const char *path, char *err, size_t errlen);
int build_reminders(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen);
/*
 * export_passwords.c: the one-time-password workbook of import_id, its passwords staged in
 * export_passwords (*staged counts them); 0, -1 (failed: err says why), EXPORT_DBERR, EXPORT_STOPPED (export.h).
 */
int build_passwords(struct job_ctx *ctx, long long id, long long import_id, const char *path, char *err, size_t errlen,
		    long long *staged);
/* export_inventory.c: the county inventory's workbooks; 0, -1 (failed: err says why), -2 (database: retry). */
int build_inventory_detail(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen);
int build_inventory_charts(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen);

/* export_board.c: 檢核看板's workbook of a county-year; 0, -1 (failed: err says why), -2 (database: retry). */
int build_board(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen);

/* rollup.c */
int job_rollup(struct job_ctx *ctx, const struct job *j);
int rollup_county_year(struct job_ctx *ctx, int county, int year);
/*
 * Runs the county-years with outbox rows pending for min_age_ms (store_rollup_pending), at most
 * ROLLUP_POLL_MAX of them; how many (ROLLUP_POLL_MAX: more may be waiting), or -1.
 */
#define ROLLUP_POLL_MAX 200
int rollup_poll(struct job_ctx *ctx, int min_age_ms);
/* Queues a full recompute of every county-year where an agency has no rollup; how many, or -1. */
int rollup_fill_missing(struct job_ctx *ctx);

/* quality_job.c: the grade and uncertainty of a county-year's agencies, subtrees and county, then the board. */
int job_quality(struct job_ctx *ctx, const struct job *j);
/* Computes the county-year's figures when a request is pending (they coalesce): 0 (done or nothing to do), -1. */
int quality_county_year(struct job_ctx *ctx, int county, int year);
/* Tests only: called once a run has read and computed everything, before it locks the queue row. */
extern void (*quality_before_lock)(int county, int year);
/* Runs the county-years with requests pending (a lost wake-up, a killed worker); how many, or -1. */
int quality_poll(struct job_ctx *ctx);

/* quality_pace.c: the gap between a county-year's quality runs, and when a run put off is due. */
/* 1 (and the county-year marked put off) when its last run ended less than its gap ago, else 0. */
int quality_too_soon(int county, int year);
/* Records a run that took took_ms, which sets the gap before the next. */
void quality_ran(int county, int year, long long took_ms);
/* Forgets what was put off (the poll finds what is still pending). */
void quality_undefer(void);
/* Milliseconds until a county-year put off by its gap is due (0: now), or -1 when none is. */
long long quality_due_ms(void);
/* Requests the figures of every county-year with rollups and no quality_queue row; how many, or -1. */
int quality_fill_missing(struct job_ctx *ctx);

/*
 * Runs one job line (or passes it on to its own list); 0 or -1 as the
 * kind's run.  A line that can never run (unknown, bad arguments) is
 * dropped with a warning: 0.
 */
int job_run(struct job_ctx *ctx, const char *line, size_t len);

#endif

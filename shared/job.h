/* job.h: the jobs the web asks of the workers: their kinds, their one text form, and job_push. */
#ifndef CITYINV_JOB_H
#define CITYINV_JOB_H

#include <stddef.h>

#include "queue.h"

/*
 * DESIGN: a job is one line of text, "<kind> <arguments>", pushed onto the
 * Redis list of the workers that run its kind: rollups (and pings) on
 * <prefix>:jobs, exports on <prefix>:exports, quality runs on
 * <prefix>:quality, so a rollup never waits behind a workbook or a long
 * quality run.  Redis only wakes a worker: the record of the work is
 * in MySQL (the outbox for rollups, the exports table for workbooks,
 * quality_queue for the quality figures), which
 * the workers poll, so a push that fails is logged and forgotten.  This
 * module is the only place a job line is written or read: producers call
 * job_push_*(), the worker job_parse().  Jobs may run more than once
 * (at-least-once delivery): each kind must be idempotent.
 */
enum job_kind {
	JOB_PING,       /* "ping <token> [delay_ms]": records that the queue path works (tests) */
	JOB_ROLLUP,     /* "rollup <county_id> <year>": recompute the county-year's totals */
	JOB_EXPORT,     /* "export <id>": build the workbook of an export request */
	JOB_QUALITY,    /* "quality <county_id> <year>": grade, uncertainty and board of the county-year */
	JOB__MAX
};

#define JOB_TOKEN_MAX 64          /* a ping's token, in bytes */
#define JOB_PING_DELAY_MAX 10000  /* ms */
#define JOB_LINE_MAX 96
#define JOB_LIST_QUALITY "quality"   /* the quality workers' wake-ups (cityinv-worker -q quality) */
/*
 * A rollup's year is only checked for sanity here (the year columns are
 * SMALLINT UNSIGNED); the worker drops a job for a year inventory_years
 * does not serve (years.h), so a year the data adds needs no new code.
 */
#define JOB_YEAR_MIN 1
#define JOB_YEAR_MAX 65535

struct job {
	enum job_kind kind;
	int county;                    /* rollup, quality */
	int year;                      /* rollup, quality */
	long long id;                  /* export */
	char token[JOB_TOKEN_MAX + 1]; /* ping: [A-Za-z0-9_-] */
	long delay_ms;                 /* ping: 0..JOB_PING_DELAY_MAX */
};

/* The kind's name ("rollup") and the Redis list it goes to ("jobs", "exports" or "quality"). */
const char *job_name(enum job_kind kind);
const char *job_list(enum job_kind kind);

/*
 * Writes j's line into buf (at least JOB_LINE_MAX bytes); returns its
 * length, or 0 when j's fields are out of their ranges.
 */
size_t job_format(const struct job *j, char *buf, size_t size);

enum job_parse {
	JOB_OK = 0,
	JOB_UNKNOWN,     /* no such kind */
	JOB_BAD_ARGS,    /* a known kind with arguments out of form or range */
};
/* Reads one line (len bytes, no NUL needed) into *j. */
enum job_parse job_parse(const char *line, size_t len, struct job *j);

/*
 * Pushes j onto its list.  0, or -1 after logging why (the outbox or the
 * exports table stays the record; the workers' polls find the work).
 */
int job_push(struct queue *q, const struct job *j);
int job_push_rollup(struct queue *q, int county, int year);
int job_push_export(struct queue *q, long long id);
int job_push_quality(struct queue *q, int county, int year);

#endif

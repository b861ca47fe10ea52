/* jobs.c: the job table and the trivial ping job that proves the queue path. */
#include <string.h>
#include <time.h>

#include "jobs.h"
#include "store_rollup.h"
#include "util.h"

/*
 * ping: waits delay_ms (at most 10 s: lets a test stop the worker mid-job),
 * then counts the run in worker_pings.  The count shows at-least-once at
 * work: a job requeued after its worker died is counted again.
 */
static int job_ping(struct job_ctx *ctx, const struct job *j)
{
	long delay = j->delay_ms;

	if (delay > 0) {
		struct timespec ts;

		ts.tv_sec = delay / 1000;
		ts.tv_nsec = (delay % 1000) * 1000000L;
		while (nanosleep(&ts, &ts))
			;
	}
	if (store_rollup_ping(ctx->db, j->token, ctx->worker_id))
		return error("ping: %s", ctx->db->errstr);
	return 0;
}

job_run_fn *const job_runs[JOB__MAX] = {
	[JOB_PING] = job_ping,
	[JOB_ROLLUP] = job_rollup,
	[JOB_EXPORT] = job_export,
	[JOB_QUALITY] = job_quality,
};

int job_run(struct job_ctx *ctx, const char *line, size_t len)
{
	struct job j;
	int rc;

	switch (job_parse(line, len, &j)) {
	case JOB_OK:
		break;
	case JOB_UNKNOWN:
		/* An unknown job can never succeed: drop it rather than loop on it. */
		log_warn("unknown job dropped: %.80s", line);
		return 0;
	case JOB_BAD_ARGS:
		log_warn("%s job with bad arguments dropped: %.80s", job_name(j.kind), line);
		return 0;
	}
	if (strcmp(job_list(j.kind), ctx->list)) {
		/* Pushed by an older web process (or by hand) onto the other list: pass it on. */
		job_push(ctx->queue, &j);
		return 0;
	}
	rc = job_runs[j.kind](ctx, &j);
	/* Whatever the job did, nothing of it stays open into the next one. */
	if (db_settle(ctx->db))
		error("%s job left a transaction open; rolled back", job_name(j.kind));
	return rc;
}

/* jobs.c: the job table and the trivial ping job that proves the queue path. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs.h"
#include "util.h"

/*
 * ping: waits delay_ms (at most 10 s: lets a test stop the worker mid-job),
 * then counts the run in worker_pings.  The count shows at-least-once at
 * work: a job requeued after its worker died is counted again.
 */
static int job_ping(struct job_ctx *ctx, const char *args)
{
	char token[65];
	long delay = 0;
	size_t n = strcspn(args, " ");
	struct db_stmt *st;

	if (!n || n >= sizeof(token))
		return error("ping: bad token");
	memcpy(token, args, n);
	token[n] = '\0';
	if (args[n] == ' ')
		delay = strtol(args + n + 1, NULL, 10);
	if (delay > 0) {
		struct timespec ts;

		if (delay > 10000)
			delay = 10000;
		ts.tv_sec = delay / 1000;
		ts.tv_nsec = (delay % 1000) * 1000000L;
		while (nanosleep(&ts, &ts))
			;
	}
	st = db_prepare(ctx->db,
		"INSERT INTO worker_pings (token, runs, worker, processed_at) VALUES (?, 1, ?, NOW(6)) "
		"ON DUPLICATE KEY UPDATE runs = runs + 1, worker = VALUES(worker), processed_at = NOW(6)");
	if (!st)
		return error("ping: %s", ctx->db->errstr);
	db_bind_text(st, 0, token);
	db_bind_text(st, 1, ctx->worker_id);
	if (db_exec(st))
		return error("ping: %s", ctx->db->errstr);
	return 0;
}

const struct job_type job_types[JOB__MAX] = {
	[JOB_PING] = { "ping", JOBS_LIST_ROLLUPS, job_ping },
	[JOB_ROLLUP] = { "rollup", JOBS_LIST_ROLLUPS, job_rollup },
	[JOB_EXPORT] = { "export", JOBS_LIST_EXPORTS, job_export },
};

int job_run(struct job_ctx *ctx, const char *line)
{
	size_t n = strcspn(line, " ");
	const char *args = line[n] ? line + n + 1 : "";

	for (int i = 0; i < JOB__MAX; i++) {
		const struct job_type *t = &job_types[i];

		if (strlen(t->name) != n || strncmp(t->name, line, n))
			continue;
		if (strcmp(t->list, ctx->list)) {
			/* Pushed by an older web process (or by hand) onto the other list: pass it on. */
			if (queue_push_to(ctx->queue, t->list, line, strlen(line)))
				log_warn("job for %s dropped (its worker's poll will find the work): %.80s", t->list, line);
			return 0;
		}
		int rc = t->run(ctx, args);

		/* Whatever the job did, nothing of it stays open into the next one. */
		if (db_settle(ctx->db))
			error("%s job left a transaction open; rolled back", t->name);
		return rc;
	}
	/* An unknown job can never succeed: drop it rather than loop on it. */
	log_warn("unknown job dropped: %.80s", line);
	return 0;
}

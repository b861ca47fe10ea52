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
	[JOB_PING] = { "ping", job_ping },
	[JOB_ROLLUP] = { "rollup", job_rollup },
	[JOB_EXPORT] = { "export", job_export },
};

int job_run(struct job_ctx *ctx, const char *line)
{
	size_t n = strcspn(line, " ");
	const char *args = line[n] ? line + n + 1 : "";

	for (int i = 0; i < JOB__MAX; i++)
		if (strlen(job_types[i].name) == n && !strncmp(job_types[i].name, line, n))
			return job_types[i].run(ctx, args);
	/* An unknown job can never succeed: drop it rather than loop on it. */
	log_warn("unknown job dropped: %.80s", line);
	return 0;
}

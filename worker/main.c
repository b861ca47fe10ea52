/* main.c: cityinv-worker: claims jobs from Redis and runs them against MySQL. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "jobs.h"
#include "queue.h"
#include "store_rollup.h"
#include "util.h"

/*
 * DESIGN: two kinds of worker process, each with one loop, so that a
 * rollup never waits behind a workbook.
 *
 * The rollup worker (-q rollups, the default) serves <prefix>:jobs.  Each
 * turn refreshes the heartbeat (and, every few turns, requeues the jobs of
 * workers whose heartbeat expired), claims one job with a short blocking
 * wait, runs it and acknowledges it.  A failed job goes back on the queue
 * after a pause.  Every worker_poll_seconds it also runs the county-years
 * with outbox rows pending (the outbox, not Redis, is the record).
 *
 * The export worker (-q exports) serves <prefix>:exports, whose jobs only
 * wake it: an export is claimed in MySQL (a conditional UPDATE with a lease
 * that progress renews), so every second it also takes up exports whose
 * wake-up was lost or whose worker died (a lease older than
 * worker_heartbeat_seconds), and every worker_poll_seconds deletes expired
 * workbooks.
 *
 * The quality worker (-q quality) serves <prefix>:quality, whose jobs only
 * wake it: quality_queue in MySQL is the record, so every second it also
 * runs the county-years with requests pending (worker/quality_job.c), and
 * at start asks for the figures of every county-year that has none.  Any
 * number of each kind may run.
 *
 * SIGTERM/SIGINT only set a flag: the job in hand is finished (a password
 * workbook, which may take minutes, stops early and is left queued) before
 * the worker exits (a rollup worker unregisters first).  A lost Redis or
 * MySQL connection is logged and retried with a growing pause (at most 5 s;
 * meanwhile an export worker polls the table at that pace).
 */

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void pause_ms(long ms)
{
	/* Sleep in short steps so a stop request is seen quickly. */
	for (long t = 0; t < ms && !stopping; t += 100)
		usleep(100000);
}

static long grow(long backoff)
{
	return backoff ? (backoff * 2 > 5000 ? 5000 : backoff * 2) : 200;
}

/* After a poll that returned rc: nothing of it stays open; did it succeed? */
static int poll_done(struct job_ctx *ctx, int rc, const char *what)
{
	if (db_settle(ctx->db))
		error("%s left a transaction open; rolled back", what);
	return rc >= 0;
}

/* Redis's state, as a loop sees it: logged once when it goes and once when it is back. */
struct redis_state {
	int down;
	long backoff;
};

/* After a Redis call that returned rc: 1 when it failed (pause, then try again), else 0. */
static int redis_failed(struct redis_state *rs, int rc, const struct queue *q)
{
	if (rc < 0) {
		if (!rs->down++)
			error("redis: %s", q->errstr);
		rs->backoff = grow(rs->backoff);
		return 1;
	}
	if (rs->down) {
		log_info("redis is back");
		rs->down = 0;
	}
	rs->backoff = 0;
	return 0;
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: cityinv-worker [-c FILE] [-i ID] [-q rollups|exports|quality] [-e EXPORT_ID]\n"
			"  -q  the jobs to run: rollups (the default), exports (workbooks) or quality (grade, uncertainty,\n"
			"      the board); run one worker of each\n"
			"  -e  build that export now (again if it failed), print its time and peak memory, exit\n");
	exit(2);
}

static void run_rollups(struct job_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;
	struct queue *q = ctx->queue;
	const char *id = ctx->worker_id;
	struct redis_state rs = { 0, 0 };
	long long last_beat = 0, last_reap = 0, last_poll = 0;
	int n = rollup_fill_missing(ctx), r;

	if (n >= 0)
		log_info("startup check: %d county-year(s) with incomplete rollups queued", n);
	/*
	 * No job is on its way for those (the poll leaves a row its first
	 * second): computed now, not at the next poll.  A full list may leave
	 * more behind (the check of 286 county-years): the poll goes again at
	 * once, here and below, not worker_poll_seconds later.
	 */
	if (n > 0 && (r = rollup_poll(ctx, 0), poll_done(ctx, r, "the startup check")) && r < ROLLUP_POLL_MAX)
		last_poll = now_ms();
	while (!stopping) {
		char *job = NULL;
		size_t len = 0;
		int rc, was_down;

		if (rs.backoff)
			pause_ms(rs.backoff);
		if (stopping)
			break;
		/* The outbox is the record of pending work: catch up on it, with or without Redis. */
		if (now_ms() - last_poll >= 1000LL * cfg->worker_poll_seconds) {
			r = rollup_poll(ctx, 1000);
			if (poll_done(ctx, r, "the outbox poll") && r < ROLLUP_POLL_MAX)
				last_poll = now_ms();
		}
		if (now_ms() - last_beat >= 1000LL * cfg->worker_heartbeat_seconds / 3) {
			if (redis_failed(&rs, queue_heartbeat(q, id, cfg->worker_heartbeat_seconds), q))
				continue;
			last_beat = now_ms();
		}
		if (now_ms() - last_reap >= 1000LL * cfg->worker_heartbeat_seconds / 2) {
			int moved = 0;

			if (queue_requeue_dead(q, &moved) == 0) {
				if (moved)
					log_info("requeued %d job(s) of dead workers", moved);
				last_reap = now_ms();
			}
		}
		was_down = rs.down;
		rc = queue_claim(q, id, 1, &job, &len);
		if (redis_failed(&rs, rc, q))
			continue;
		if (was_down)
			last_beat = 0;   /* register again at once: the heartbeat may have expired */
		if (rc == 0)
			continue;
		if (job_run(ctx, job, len) == 0) {
			if (queue_ack(q, id, job, len))
				error("ack failed (the job may run again): %s", q->errstr);
		} else {
			/* Back on the queue after a pause; MySQL may be restarting. */
			error("job failed, will retry: %.80s", job);
			pause_ms(1000);
			if (queue_requeue_own(q, id))
				error("requeue failed (a reaper will requeue it): %s", q->errstr);
		}
		free(job);
	}
	if (queue_unregister(q, id))
		error("unregister: %s", q->errstr);
}

static void run_exports(struct job_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;
	struct queue *q = ctx->queue;
	struct redis_state rs = { 0, 0 };
	long long last_poll = 0, last_expire = 0;

	while (!stopping) {
		char *job = NULL;
		size_t len = 0;
		int rc;

		if (rs.backoff)
			pause_ms(rs.backoff);
		if (stopping)
			break;
		/* The exports table is the record: lost wake-ups and dead workers' exports, with or without Redis. */
		if (now_ms() - last_poll >= 1000) {
			/* Factor day's changes are long jobs too: their rows are the record (no wake-up). */
			if (poll_done(ctx, export_poll(ctx), "the exports poll") &&
			    poll_done(ctx, factor_day_poll(ctx), "the factor day poll"))
				last_poll = now_ms();
		}
		if (stopping)
			break;
		if (now_ms() - last_expire >= 1000LL * cfg->worker_poll_seconds) {
			if (poll_done(ctx, export_expire(ctx), "the lease check"))
				last_expire = now_ms();
		}
		rc = queue_pop(q, job_list(JOB_EXPORT), 1000, &job, &len);
		if (redis_failed(&rs, rc, q))
			continue;
		if (rc == 0)
			continue;
		/* A failure leaves the export queued or leased: the poll takes it up again. */
		if (job_run(ctx, job, len))
			error("job failed, the poll will retry it: %.80s", job);
		free(job);
	}
}

/*
 * Full recomputes first.  While the rollup worker has a county-wide row to
 * take (the startup check's, an import's, an agency added or moved, factor
 * day's rollups after its run), the quality worker waits for it, 200 ms at a
 * time and at most QUALITY_YIELD_MS in a row (the rollup worker down, it
 * runs again until the rows are gone): its runs grade county-years whose
 * totals those recomputes are about to write, each asks for another run
 * once written, and on this 2-core machine the first pass of both at once
 * took the rollups' CPU (bench/run.sh's startup computation: every
 * county-year's rollups in 54 s beside the quality worker, 35 s without).
 * The wait is for the machine, so it is every county's: while one county's
 * recomputes run, a save elsewhere has its grade and board when they are
 * done (a second or two for an import's or an agency's move, 30 s for the
 * startup check of 110,000 agencies, 60 s at most), not within the 5 s of
 * SPEC-2.  A save's own row is an agency's and holds nothing back.
 * 1: wait now; 0: run (none pending, waited long enough, or the database).
 */
#define QUALITY_YIELD_MS 60000

static int yield_to_rollups(struct job_ctx *ctx, long long *since)
{
	int r = store_rollup_bulk_pending(ctx->db);

	if (r <= 0) {
		*since = 0;
		return 0;
	}
	if (!*since)
		*since = now_ms();
	return now_ms() - *since < QUALITY_YIELD_MS;
}

static void run_quality(struct job_ctx *ctx)
{
	struct queue *q = ctx->queue;
	struct redis_state rs = { 0, 0 };
	long long last_poll = 0, yielding = 0;
	int n = quality_fill_missing(ctx);

	if (n >= 0)
		log_info("startup check: %d county-year(s) without quality figures queued", n);
	poll_done(ctx, n, "the startup check");
	while (!stopping) {
		char *job = NULL;
		size_t len = 0;
		long long due;
		int rc;

		if (rs.backoff)
			pause_ms(rs.backoff);
		if (stopping)
			break;
		if (yield_to_rollups(ctx, &yielding)) {
			pause_ms(200);
			continue;
		}
		/*
		 * quality_queue is the record: lost wake-ups and killed runs, with or
		 * without Redis.  A county-year put off by its gap runs when it is due.
		 */
		if (now_ms() - last_poll >= 1000 || quality_due_ms() == 0) {
			if (poll_done(ctx, quality_poll(ctx), "the quality poll"))
				last_poll = now_ms();
		}
		if (stopping)
			break;
		due = quality_due_ms();
		rc = queue_pop(q, JOB_LIST_QUALITY, due >= 0 && due < 1000 ? (int)due : 1000, &job, &len);
		if (redis_failed(&rs, rc, q))
			continue;
		if (rc == 0)
			continue;
		/* A failure leaves the request pending: the poll takes it up again. */
		if (job_run(ctx, job, len))
			error("job failed, the poll will retry it: %.80s", job);
		free(job);
	}
}

int main(int argc, char **argv)
{
	static struct config cfg;
	const char *path = getenv("CITYINV_CONFIG");
	char err[512], id[128], host[64];
	struct db db;
	struct queue q;
	struct job_ctx ctx;
	struct sigaction sa;
	const char *role = "rollups";
	int opt;
	long long once = 0;

	log_init("worker");
	id[0] = '\0';
	while ((opt = getopt(argc, argv, "c:i:e:q:h")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'e':
			if (parse_digits(optarg, strlen(optarg), &once) || once < 1)
				usage();
			break;
		case 'i': snprintf(id, sizeof(id), "%s", optarg); break;
		case 'q': role = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || (strcmp(role, "rollups") && strcmp(role, "exports") && strcmp(role, "quality")))
		usage();
	if (!path)
		path = "/etc/cityinv/cityinv.conf";
	if (config_load(&cfg, path, err, sizeof(err)))
		die("%s", err);
	if (!id[0]) {
		if (gethostname(host, sizeof(host)))
			strcpy(host, "host");
		host[sizeof(host) - 1] = '\0';
		snprintf(id, sizeof(id), "%s-%d", host, (int)getpid());
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (db_library_init()) {
		error("worker: the MariaDB client library could not start");
		return 1;
	}
	db_init(&db, &cfg);
	db.timeout = cfg.worker_db_timeout;   /* rollups and exports may run long statements */
	/*
	 * A worker that stops between the statements of a transaction (SIGSTOP, a
	 * stalled host) would keep its row locks for as long as its connection
	 * lives, and no other worker could take its claimed work over when its
	 * lease runs out: the server rolls such a transaction back and closes the
	 * connection once it has been idle as long as a statement may run.
	 */
	db.idle_tx = cfg.worker_db_timeout;
	queue_init(&q, &cfg);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.db = &db;
	ctx.queue = &q;
	ctx.worker_id = id;
	ctx.stopping = &stopping;
	ctx.list = !strcmp(role, "exports") ? job_list(JOB_EXPORT) : !strcmp(role, "quality") ? JOB_LIST_QUALITY
									       : job_list(JOB_ROLLUP);
	srand((unsigned)getpid() ^ (unsigned)now_ms());
	if (once > 0) {
		ctx.list = job_list(JOB_EXPORT);
		return export_once(&ctx, once);
	}
	log_info("worker %s starting (%s)", id, role);
	if (!strcmp(role, "exports"))
		run_exports(&ctx);
	else if (!strcmp(role, "quality"))
		run_quality(&ctx);
	else
		run_rollups(&ctx);
	log_info("worker %s stopping", id);
	queue_close(&q);
	db_release(&db);
	return 0;
}

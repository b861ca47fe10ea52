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
#include "util.h"

/*
 * DESIGN: one loop.  Each turn refreshes the heartbeat (and, every few
 * turns, requeues the jobs of workers whose heartbeat expired), claims one
 * job with a short blocking wait, runs it and acknowledges it.  A failed job
 * goes back on the queue after a pause.  SIGTERM/SIGINT only set a flag: the
 * job in hand is finished and acknowledged before the worker unregisters and
 * exits.  A lost Redis or MySQL connection is logged and retried with a
 * growing pause (at most 5 s); nothing is lost meanwhile because a claimed
 * job stays in this worker's processing list until acknowledged.
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

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: cityinv-worker [-c FILE] [-i ID] [-e EXPORT_ID]\n"
			"  -e  build that export now (again if it failed), print its time and peak memory, exit\n");
	exit(2);
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
	long backoff = 0;
	long long last_beat = 0, last_reap = 0, last_poll = 0;
	int opt, down = 0;
	long long once = 0;

	log_init("worker");
	id[0] = '\0';
	while ((opt = getopt(argc, argv, "c:i:e:h")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'e': once = strtoll(optarg, NULL, 10); break;
		case 'i': snprintf(id, sizeof(id), "%s", optarg); break;
		default: usage();
		}
	}
	if (optind != argc)
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

	db_init(&db, &cfg);
	db.timeout = cfg.worker_db_timeout;   /* rollups and exports may run long statements */
	queue_init(&q, &cfg);
	ctx.cfg = &cfg;
	ctx.db = &db;
	ctx.queue = &q;
	ctx.worker_id = id;
	srand((unsigned)getpid() ^ (unsigned)now_ms());
	if (once > 0)
		return export_once(&ctx, once);
	log_info("worker %s starting", id);
	{
		int n = rollup_fill_missing(&ctx);

		if (n >= 0)
			log_info("startup check: %d county-year(s) with incomplete rollups queued", n);
	}

	while (!stopping) {
		char *job = NULL;
		size_t len = 0;
		int rc;

		if (backoff)
			pause_ms(backoff);
		if (stopping)
			break;
		/* The outbox is the record of pending work: catch up on it, with or without Redis. */
		if (now_ms() - last_poll >= 1000LL * cfg.worker_poll_seconds) {
			if (rollup_poll(&ctx) >= 0 && export_poll(&ctx) >= 0)
				last_poll = now_ms();
		}
		if (now_ms() - last_beat >= 1000LL * cfg.worker_heartbeat_seconds / 3) {
			if (queue_heartbeat(&q, id, cfg.worker_heartbeat_seconds)) {
				if (!down++)
					error("redis: %s", q.errstr);
				backoff = backoff ? (backoff * 2 > 5000 ? 5000 : backoff * 2) : 200;
				continue;
			}
			last_beat = now_ms();
		}
		if (now_ms() - last_reap >= 1000LL * cfg.worker_heartbeat_seconds / 2) {
			int moved = 0;

			if (queue_requeue_dead(&q, &moved) == 0) {
				if (moved)
					log_info("requeued %d job(s) of dead workers", moved);
				last_reap = now_ms();
			}
		}
		rc = queue_claim(&q, id, 1, &job, &len);
		if (rc < 0) {
			if (!down++)
				error("redis: %s", q.errstr);
			backoff = backoff ? (backoff * 2 > 5000 ? 5000 : backoff * 2) : 200;
			continue;
		}
		if (down) {
			log_info("redis is back");
			down = 0;
			last_beat = 0;
		}
		backoff = 0;
		if (rc == 0)
			continue;
		if (job_run(&ctx, job) == 0) {
			if (queue_ack(&q, id, job, len))
				error("ack failed (the job may run again): %s", q.errstr);
		} else {
			/* Back on the queue after a pause; MySQL may be restarting. */
			error("job failed, will retry: %.80s", job);
			pause_ms(1000);
			if (queue_requeue_own(&q, id))
				error("requeue failed (a reaper will requeue it): %s", q.errstr);
		}
		free(job);
	}
	log_info("worker %s stopping", id);
	if (queue_unregister(&q, id))
		error("unregister: %s", q.errstr);
	queue_close(&q);
	db_release(&db);
	return 0;
}

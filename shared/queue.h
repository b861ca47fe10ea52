/* queue.h: the job queue in Redis: push, reliable claim, ack, requeue of the dead. */
#ifndef CITYINV_QUEUE_H
#define CITYINV_QUEUE_H

#include <stddef.h>

#include "config.h"

/*
 * DESIGN: the reliable-queue pattern.  Producers LPUSH a job onto
 * <prefix>:jobs.  A worker claims one with BLMOVE jobs -> its own
 * <prefix>:processing:<id> list (atomic: the job is always in one of the two
 * lists), runs it, and acknowledges with LREM on its processing list.  Every
 * worker registers its id in the set <prefix>:workers and refreshes a
 * heartbeat key <prefix>:alive:<id> with a TTL; any worker that finds an id
 * whose heartbeat has expired moves that worker's processing list back onto
 * the queue (queue_requeue_dead).  So a job is lost only if Redis loses it,
 * and Redis is not the system of record: the outbox in MySQL is (see the
 * worker).  Jobs must therefore be idempotent: they may run twice.
 *
 * hiredis's contract: a NULL reply or c->err means the connection is dead:
 * we log, free the context and reconnect at the next call.  Payloads are
 * passed with %b, never formatted into a command.
 *
 * Fail fast: connecting and every command time out after redis_timeout_ms
 * (200 ms by default; a claim waits its own timeout plus that), so a Redis
 * that hangs (a network partition, a stopped process) never holds a request.
 * After a failure the module refuses at once, without trying, for a short
 * pause (QUEUE_PAUSE_MS): a save during a hang pays for one timeout per
 * process per pause, not one per request.  A refused push costs nothing but
 * latency: the outbox in MySQL is the record and the worker polls it.
 *
 * Every function returns 0 on success and -1 on error (q->errstr says why).
 */
struct queue {
	void *ctx;                /* redisContext *, opaque outside queue.c */
	const struct config *cfg;
	int timeout_ms;           /* connect and command timeout */
	long long paused_until;   /* now_ms() before which calls fail without trying */
	char errstr[256];
};

#define QUEUE_PAUSE_MS 1000

int queue_init(struct queue *q, const struct config *cfg);
int queue_connect(struct queue *q);
void queue_close(struct queue *q);
/* Asks Redis for PONG, ignoring the pause (so /healthz tells the truth at once). */
int queue_ping(struct queue *q);


/*
 * Claims one job into this worker's processing list, waiting up to
 * timeout_s seconds.  Returns 1 with *job (malloc'd, NUL-terminated; free it)
 * and *len set, 0 when nothing came, -1 on error.
 */
int queue_claim(struct queue *q, const char *worker_id, int timeout_s, char **job, size_t *len);
/* Removes a finished job from the worker's processing list. */
int queue_ack(struct queue *q, const char *worker_id, const char *job, size_t len);
/* Registers the worker and refreshes its heartbeat (TTL ttl_s). */
int queue_heartbeat(struct queue *q, const char *worker_id, int ttl_s);
/* Puts the worker's claimed jobs back on the queue (after a failed job). */
int queue_requeue_own(struct queue *q, const char *worker_id);
/* Unregisters the worker, putting back anything still in its processing list. */
int queue_unregister(struct queue *q, const char *worker_id);
/* Requeues the claimed jobs of every registered worker without a heartbeat; *moved counts them. */
int queue_requeue_dead(struct queue *q, int *moved);

/*
 * Another list, <prefix>:<list> ("exports"): each job there only wakes a
 * worker; the job's record and its claim are in MySQL (a lost job is found
 * by the worker's poll), so there is no processing list and no ack.
 * queue_push_to LPUSHes onto it; queue_pop takes one job (BRPOP), waiting
 * up to timeout_ms milliseconds: 1 with *job (malloc'd, NUL-terminated; free it)
 * and *len set, 0 when nothing came, -1 on error.
 */
#define QUEUE_LIST_EXPORTS "exports"   /* the export workers' wake-ups */
int queue_push_to(struct queue *q, const char *list, const char *job, size_t len);
int queue_pop(struct queue *q, const char *list, int timeout_ms, char **job, size_t *len);

#endif

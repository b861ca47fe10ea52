/* queue.c: the job queue in Redis: push, reliable claim, ack, requeue of the dead. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "queue.h"
#include "util.h"

static redisContext *ctx(struct queue *q)
{
	return q->ctx;
}

static struct timeval tv_ms(long ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	return tv;
}

/* The connection is dead or hung: drop it, and pause before the next try. */
static int fail(struct queue *q, const char *what)
{
	redisContext *c = ctx(q);

	snprintf(q->errstr, sizeof(q->errstr), "%s: %.160s", what,
		 c && c->err ? c->errstr : "connection lost");
	queue_close(q);
	q->paused_until = now_ms() + QUEUE_PAUSE_MS;
	return -1;
}

int queue_init(struct queue *q, const struct config *cfg)
{
	memset(q, 0, sizeof(*q));
	q->cfg = cfg;
	q->timeout_ms = cfg->redis_timeout_ms > 0 ? cfg->redis_timeout_ms : 200;
	return 0;
}

void queue_close(struct queue *q)
{
	if (q->ctx)
		redisFree(ctx(q));
	q->ctx = NULL;
}

/* Runs a command that must succeed; frees the reply.  For connect-time setup. */
static int simple(struct queue *q, redisReply *r, const char *what)
{
	if (!r)
		return fail(q, what);
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(q->errstr, sizeof(q->errstr), "%s: %.160s", what, r->str);
		freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	return 0;
}

static int do_connect(struct queue *q)
{
	const struct config *cfg = q->cfg;
	struct timeval tv = tv_ms(q->timeout_ms);
	redisContext *c;

	if (q->ctx)
		return 0;
	if (cfg->redis_host[0])
		c = redisConnectWithTimeout(cfg->redis_host, cfg->redis_port, tv);
	else
		c = redisConnectUnixWithTimeout(cfg->redis_socket, tv);
	if (!c) {
		snprintf(q->errstr, sizeof(q->errstr), "cannot allocate redis context");
		return -1;
	}
	if (c->err) {
		snprintf(q->errstr, sizeof(q->errstr), "connect: %.160s", c->errstr);
		redisFree(c);
		q->paused_until = now_ms() + QUEUE_PAUSE_MS;
		return -1;
	}
	q->ctx = c;
	/* A command that hangs (a stopped server accepts, then never answers) fails after this. */
	if (redisSetTimeout(c, tv) != REDIS_OK) {
		fail(q, "timeout");
		return -1;
	}
	if (cfg->redis_password[0] &&
	    simple(q, redisCommand(c, "AUTH %s", cfg->redis_password), "auth"))
		goto bad;
	if (cfg->redis_db && simple(q, redisCommand(c, "SELECT %d", cfg->redis_db), "select"))
		goto bad;
	return 0;
bad:
	queue_close(q);
	return -1;
}

int queue_connect(struct queue *q)
{
	if (!q->ctx && now_ms() < q->paused_until) {
		snprintf(q->errstr, sizeof(q->errstr), "redis unavailable (last failure: retrying in %lld ms)",
			 q->paused_until - now_ms());
		return -1;
	}
	return do_connect(q);
}

/*
 * A reply to a command, or NULL (with the connection closed on a dead link)
 * on error.  block_ms > 0: a command that may block that long (BLMOVE,
 * BRPOP); for it alone the socket timeout is that plus the usual margin.
 * Not printf-checked: hiredis adds %b (binary-safe pointer + length).
 */
static redisReply *vcommand(struct queue *q, long block_ms, const char *what, const char *fmt, va_list ap)
{
	redisReply *r;

	if (queue_connect(q))
		return NULL;
	if (block_ms && redisSetTimeout(ctx(q), tv_ms(block_ms + q->timeout_ms)) != REDIS_OK) {
		fail(q, what);
		return NULL;
	}
	r = redisvCommand(ctx(q), fmt, ap);
	if (!r) {
		fail(q, what);
		return NULL;
	}
	if (block_ms && redisSetTimeout(ctx(q), tv_ms(q->timeout_ms)) != REDIS_OK) {
		freeReplyObject(r);
		fail(q, what);
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(q->errstr, sizeof(q->errstr), "%s: %.160s", what, r->str);
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

static redisReply *command(struct queue *q, const char *what, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = vcommand(q, 0, what, fmt, ap);
	va_end(ap);
	return r;
}

static redisReply *blocking(struct queue *q, long block_ms, const char *what, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = vcommand(q, block_ms, what, fmt, ap);
	va_end(ap);
	return r;
}

int queue_ping(struct queue *q)
{
	long long t0 = now_ms();
	redisReply *r;

	/* The truth, not the pause: a health check tries even right after a failure. */
	q->paused_until = 0;
	r = command(q, "ping", "PING");
	/*
	 * One reconnect when the old link was found closed at once (the server
	 * restarted since last time); not after a timeout, which would double it.
	 */
	if (!r && !q->ctx && now_ms() - t0 < q->timeout_ms / 2) {
		q->paused_until = 0;
		r = command(q, "ping", "PING");
	}
	if (!r)
		return -1;
	freeReplyObject(r);
	return 0;
}

int queue_claim(struct queue *q, const char *worker_id, int timeout_s, char **job, size_t *len)
{
	const char *p = q->cfg->queue_prefix;
	redisReply *r = blocking(q, 1000L * timeout_s, "claim", "BLMOVE %s:jobs %s:processing:%s RIGHT LEFT %d",
				 p, p, worker_id, timeout_s);

	if (!r)
		return -1;
	if (r->type == REDIS_REPLY_NIL) {
		freeReplyObject(r);
		return 0;
	}
	if (r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		snprintf(q->errstr, sizeof(q->errstr), "claim: unexpected reply");
		return -1;
	}
	*job = xstrndup(r->str, (size_t)r->len);
	*len = (size_t)r->len;
	freeReplyObject(r);
	return 1;
}

int queue_ack(struct queue *q, const char *worker_id, const char *job, size_t len)
{
	const char *p = q->cfg->queue_prefix;
	redisReply *r = command(q, "ack", "LREM %s:processing:%s 1 %b", p, worker_id, job, len);

	if (!r)
		return -1;
	freeReplyObject(r);
	return 0;
}

int queue_heartbeat(struct queue *q, const char *worker_id, int ttl_s)
{
	const char *p = q->cfg->queue_prefix;
	redisReply *r;

	r = command(q, "heartbeat", "SADD %s:workers %s", p, worker_id);
	if (!r)
		return -1;
	freeReplyObject(r);
	r = command(q, "heartbeat", "SET %s:alive:%s 1 EX %d", p, worker_id, ttl_s);
	if (!r)
		return -1;
	freeReplyObject(r);
	return 0;
}

/* Moves everything in id's processing list back to the queue; counts in *moved. */
static int requeue(struct queue *q, const char *id, int *moved)
{
	const char *p = q->cfg->queue_prefix;

	for (int i = 0; i < 100000; i++) {
		redisReply *r = command(q, "requeue", "LMOVE %s:processing:%s %s:jobs LEFT RIGHT",
					p, id, p);
		if (!r)
			return -1;
		int nil = r->type == REDIS_REPLY_NIL;
		freeReplyObject(r);
		if (nil)
			return 0;
		(*moved)++;
	}
	return 0;
}

int queue_requeue_own(struct queue *q, const char *worker_id)
{
	int moved = 0;

	return requeue(q, worker_id, &moved);
}

int queue_unregister(struct queue *q, const char *worker_id)
{
	const char *p = q->cfg->queue_prefix;
	int moved = 0;
	redisReply *r;

	if (requeue(q, worker_id, &moved))
		return -1;
	r = command(q, "unregister", "SREM %s:workers %s", p, worker_id);
	if (!r)
		return -1;
	freeReplyObject(r);
	r = command(q, "unregister", "DEL %s:alive:%s", p, worker_id);
	if (!r)
		return -1;
	freeReplyObject(r);
	return 0;
}

int queue_requeue_dead(struct queue *q, int *moved)
{
	const char *p = q->cfg->queue_prefix;
	redisReply *ids = command(q, "reap", "SMEMBERS %s:workers", p);
	int ret = 0;

	*moved = 0;
	if (!ids)
		return -1;
	for (size_t i = 0; ids->type == REDIS_REPLY_ARRAY && i < ids->elements; i++) {
		const char *id = ids->element[i]->str;
		redisReply *r;
		int alive;

		if (ids->element[i]->type != REDIS_REPLY_STRING)
			continue;
		r = command(q, "reap", "EXISTS %s:alive:%s", p, id);
		if (!r) {
			ret = -1;
			break;
		}
		alive = r->type == REDIS_REPLY_INTEGER && r->integer > 0;
		freeReplyObject(r);
		if (alive)
			continue;
		if (requeue(q, id, moved)) {
			ret = -1;
			break;
		}
		r = command(q, "reap", "SREM %s:workers %s", p, id);
		if (!r) {
			ret = -1;
			break;
		}
		freeReplyObject(r);
	}
	freeReplyObject(ids);
	return ret;
}

/*
 * The lists besides <prefix>:jobs (queue_push_to, queue_pop): a wake-up per
 * job, without a processing list, for work whose record and claim are rows
 * in MySQL (an export's row and its lease).  A job lost with its worker, or
 * never pushed, is found again by that worker's poll of the table.
 */
int queue_push_to(struct queue *q, const char *list, const char *job, size_t len)
{
	const char *p = q->cfg->queue_prefix;
	int had_ctx = q->ctx != NULL;
	long long t0 = now_ms();
	redisReply *r = command(q, "push", "LPUSH %s:%s %b", p, list, job, len);

	/*
	 * A connection found closed at once (a Redis restart since its last
	 * use): once more on a new one.  Not after a timeout: Redis hangs.
	 */
	if (!r && had_ctx && !q->ctx && now_ms() - t0 < q->timeout_ms / 2) {
		q->paused_until = 0;
		r = command(q, "push", "LPUSH %s:%s %b", p, list, job, len);
	}
	if (!r)
		return -1;
	freeReplyObject(r);
	return 0;
}

int queue_pop(struct queue *q, const char *list, int timeout_ms, char **job, size_t *len)
{
	const char *p = q->cfg->queue_prefix;
	redisReply *r;

	/* BRPOP takes seconds with a fraction (Redis 6); 0 would wait for ever. */
	if (timeout_ms < 1)
		timeout_ms = 1;
	r = blocking(q, timeout_ms, "pop", "BRPOP %s:%s %d.%03d", p, list, timeout_ms / 1000, timeout_ms % 1000);

	if (!r)
		return -1;
	if (r->type == REDIS_REPLY_NIL) {
		freeReplyObject(r);
		return 0;
	}
	/* BRPOP answers [list, job]. */
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[1]->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		snprintf(q->errstr, sizeof(q->errstr), "pop: unexpected reply");
		return -1;
	}
	*job = xstrndup(r->element[1]->str, (size_t)r->element[1]->len);
	*len = (size_t)r->element[1]->len;
	freeReplyObject(r);
	return 1;
}

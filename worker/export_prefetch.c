/* export_prefetch.c: the detail workbook's reads beside its writing (export_prefetch.h). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "db.h"
#include "export_prefetch.h"
#include "util.h"

/* One sheet's chunks: read, waiting to be written, oldest first; and those handed back. */
struct queue {
	struct xpf_chunk *head, *tail, *spare;
	int ready, ahead;
	int ended;                 /* its last chunk (empty or failed) is put */
	long long after;           /* the keyset: the last agency read */
};

struct xpf;

/* A reader: its thread, and what it reads (the lines; or the summary, then the filing). */
struct reader {
	pthread_t thread;
	struct xpf *pf;
	int lines;
	int started;
};

struct xpf {
	struct reader r[2];
	const struct config *cfg;
	int county, year, chunk;
	long long lock;            /* the year's lock, 0 none (store_inventory.h) */
	struct inventory *inv;
	pthread_mutex_t mu;
	pthread_cond_t cv;         /* a chunk put or handed back, the summary read, cancel set */
	struct queue q[XPF__SHEETS];
	int summary_done, summary_rc, cancel;
};

enum work { LINES, SUMMARY, FILING, STOP };

/* What a reader does next (under mu), waiting until there is something. */
static enum work next_work(struct xpf *pf, int lines)
{
	for (;;) {
		struct queue *l = &pf->q[XPF_LINES], *f = &pf->q[XPF_FILING];

		if (pf->cancel)
			return STOP;
		if (lines) {
			if (l->ended)
				return STOP;
			if (l->ready < l->ahead)
				return LINES;
		} else {
			if (!pf->summary_done)
				return SUMMARY;
			if (f->ended)
				return STOP;
			if (f->ready < f->ahead)
				return FILING;
		}
		pthread_cond_wait(&pf->cv, &pf->mu);
	}
}

/* An empty chunk of the sheet to fill. */
static struct xpf_chunk *take(struct xpf *pf, enum xpf_sheet sheet)
{
	struct queue *q = &pf->q[sheet];
	struct xpf_chunk *c;

	pthread_mutex_lock(&pf->mu);
	if ((c = q->spare))
		q->spare = c->next;
	pthread_mutex_unlock(&pf->mu);
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		store_inventory_lines_init(&c->lines);
		arena_init(&c->text, (size_t)16 << 10);
	}
	arena_reset(&c->text);
	c->next = NULL;
	c->n = 0;
	c->failed = 0;
	return c;
}

/* Appends c to q's chunks waiting to be written (under mu); an empty or failed chunk ends the sheet. */
static void append(struct queue *q, struct xpf_chunk *c)
{
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->ready++;
	if (!c->n || c->failed)
		q->ended = 1;
}

/* Hands c over. */
static void put(struct xpf *pf, enum xpf_sheet sheet, struct xpf_chunk *c)
{
	pthread_mutex_lock(&pf->mu);
	append(&pf->q[sheet], c);
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
}

static const char *keep(struct xpf_chunk *c, const char *s)
{
	return arena_strdup(&c->text, s);
}

static int copy_filing(void *ctx, const struct store_inventory_filing *a)
{
	struct xpf_chunk *c = ctx;
	struct store_inventory_filing *d;

	if (c->n == c->filing_cap) {
		c->filing_cap = c->filing_cap ? 2 * c->filing_cap : 512;
		c->filing = xrealloc(c->filing, c->filing_cap * sizeof(*c->filing));
	}
	d = &c->filing[c->n++];
	*d = *a;
	d->code = keep(c, a->code);
	d->name = keep(c, a->name);
	d->parent_name = keep(c, a->parent_name);
	d->contact_name = keep(c, a->contact_name);
	d->contact_phone = keep(c, a->contact_phone);
	d->contact_email = keep(c, a->contact_email);
	return 0;
}

/*
 * The next chunk of lines (the first of XPF_FIRST agencies, so that the
 * writing starts soon), its three statements in one snapshot: no line
 * without its gases.  It comes back empty at the sheet's end.
 */
static int read_lines(struct xpf *pf, struct db *db)
{
	struct queue *q = &pf->q[XPF_LINES];
	struct xpf_chunk *c = take(pf, XPF_LINES);
	int limit = q->after || pf->chunk < XPF_FIRST ? pf->chunk : XPF_FIRST;

	if (db_begin(db) || store_inventory_read_lines(db, pf->county, pf->year, pf->lock, q->after, limit, &c->lines) || db_commit(db)) {
		db_rollback(db);
		c->failed = 1;
	}
	c->n = c->failed ? 0 : c->lines.n;
	q->after = c->lines.last;
	put(pf, XPF_LINES, c);
	return c->failed ? -1 : 0;
}

/* The next chunk of the filing; after a short one, an empty one ends the sheet. */
static int read_filing(struct xpf *pf, struct db *db)
{
	struct queue *q = &pf->q[XPF_FILING];
	struct xpf_chunk *c = take(pf, XPF_FILING);
	size_t n;

	if (q->after < 0) {   /* the short one was the last */
		put(pf, XPF_FILING, c);
		return 0;
	}
	if (store_inventory_each_filing(db, pf->county, pf->year, pf->lock, q->after, pf->chunk, copy_filing, c)) {
		c->n = 0;
		c->failed = 1;
		put(pf, XPF_FILING, c);
		return -1;
	}
	n = c->n;
	q->after = n == (size_t)pf->chunk ? c->filing[n - 1].agency : -1;
	put(pf, XPF_FILING, c);
	return 0;
}

/* A database error: every sheet not yet ended ends with a failed chunk, the summary with -1. */
static void fail_all(struct xpf *pf)
{
	for (int s = 0; s < XPF__SHEETS; s++) {
		struct queue *q = &pf->q[s];
		struct xpf_chunk *c = take(pf, (enum xpf_sheet)s);

		c->failed = 1;
		pthread_mutex_lock(&pf->mu);
		if (!q->ended) {   /* (the other reader may have ended it meanwhile) */
			append(q, c);
		} else {
			c->next = q->spare;
			q->spare = c;
		}
		pthread_mutex_unlock(&pf->mu);
	}
	pthread_mutex_lock(&pf->mu);
	if (!pf->summary_done) {
		pf->summary_done = 1;
		pf->summary_rc = -1;
	}
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
}

/*
 * This thread XPF_READER_NICE nicer than the one that started it (Linux: a
 * thread's nice value is its own; beyond 19 the kernel clamps it).  A hint:
 * its failure is ignored.
 */
static void yield_to_writer(void)
{
	int base;

	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	if (!errno)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), base + XPF_READER_NICE);
}

static void *reader(void *arg)
{
	struct reader *me = arg;
	struct xpf *pf = me->pf;
	struct db db;
	enum work w;
	int rc = 0;

	yield_to_writer();
	db_init(&db, pf->cfg);
	db.timeout = pf->cfg->worker_db_timeout;
	for (;;) {
		pthread_mutex_lock(&pf->mu);
		w = next_work(pf, me->lines);
		pthread_mutex_unlock(&pf->mu);
		if (w == STOP)
			break;
		if (w == LINES)
			rc = read_lines(pf, &db);
		else if (w == FILING)
			rc = read_filing(pf, &db);
		else {
			int r = inventory_load_locked(&db, pf->county, pf->year, pf->lock, pf->inv);

			pthread_mutex_lock(&pf->mu);
			pf->summary_rc = r;
			pf->summary_done = 1;
			pthread_cond_broadcast(&pf->cv);
			pthread_mutex_unlock(&pf->mu);
			rc = r && r != INVENTORY_RANGE ? -1 : 0;
		}
		if (rc) {
			fail_all(pf);
			break;
		}
	}
	db_release(&db);
	db_thread_end();
	return NULL;
}

/* A thread for fn(arg), which keeps no signal: they stay the job's thread's (SIGTERM: stop after the job). */
static int spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

struct xpf *xpf_start(const struct config *cfg, int county, int year, long long lock, int chunk, struct inventory *inv)
{
	struct xpf *pf = xcalloc(1, sizeof(*pf));

	pf->cfg = cfg;
	pf->county = county;
	pf->year = year;
	pf->lock = lock;
	pf->chunk = chunk;
	pf->inv = inv;
	pf->q[XPF_LINES].ahead = XPF_AHEAD;
	pf->q[XPF_FILING].ahead = XPF_AHEAD_FILING;
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->cv, NULL);
	for (int i = 0; i < 2; i++) {
		pf->r[i].pf = pf;
		pf->r[i].lines = i == 0;
		if (spawn(&pf->r[i].thread, reader, &pf->r[i])) {
			xpf_stop(pf);
			return NULL;
		}
		pf->r[i].started = 1;
	}
	return pf;
}

struct xpf_chunk *xpf_next(struct xpf *pf, enum xpf_sheet sheet)
{
	struct queue *q = &pf->q[sheet];
	struct xpf_chunk *c;

	pthread_mutex_lock(&pf->mu);
	while (!q->head)
		pthread_cond_wait(&pf->cv, &pf->mu);
	c = q->head;
	if (!(q->head = c->next))
		q->tail = NULL;
	q->ready--;
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
	return c;
}

void xpf_recycle(struct xpf *pf, enum xpf_sheet sheet, struct xpf_chunk *c)
{
	pthread_mutex_lock(&pf->mu);
	c->next = pf->q[sheet].spare;
	pf->q[sheet].spare = c;
	pthread_mutex_unlock(&pf->mu);
}

int xpf_each(struct xpf *pf, enum xpf_sheet sheet, void (*fn)(void *ctx, const struct xpf_chunk *c), void *ctx)
{
	for (;;) {
		struct xpf_chunk *c = xpf_next(pf, sheet);
		size_t n = c->n;
		int failed = c->failed;

		if (n)
			fn(ctx, c);
		xpf_recycle(pf, sheet, c);
		if (failed)
			return -1;
		if (!n)
			return 0;
	}
}

int xpf_summary_done(struct xpf *pf)
{
	int done;

	pthread_mutex_lock(&pf->mu);
	done = pf->summary_done;
	pthread_mutex_unlock(&pf->mu);
	return done;
}

int xpf_summary(struct xpf *pf)
{
	int rc;

	pthread_mutex_lock(&pf->mu);
	while (!pf->summary_done)
		pthread_cond_wait(&pf->cv, &pf->mu);
	rc = pf->summary_rc;
	pthread_mutex_unlock(&pf->mu);
	return rc;
}

static void free_chunks(struct xpf_chunk *c)
{
	while (c) {
		struct xpf_chunk *next = c->next;

		store_inventory_lines_release(&c->lines);
		arena_release(&c->text);
		free(c->filing);
		free(c);
		c = next;
	}
}

void xpf_stop(struct xpf *pf)
{
	if (!pf)
		return;
	pthread_mutex_lock(&pf->mu);
	pf->cancel = 1;
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
	for (int i = 0; i < 2; i++)
		if (pf->r[i].started)
			pthread_join(pf->r[i].thread, NULL);
	for (int s = 0; s < XPF__SHEETS; s++) {
		free_chunks(pf->q[s].head);
		free_chunks(pf->q[s].spare);
	}
	pthread_cond_destroy(&pf->cv);
	pthread_mutex_destroy(&pf->mu);
	free(pf);
}

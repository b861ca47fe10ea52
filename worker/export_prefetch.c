/* export_prefetch.c: the detail workbook's reads beside its writing (export_prefetch.h). */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "db.h"
#include "export_prefetch.h"
#include "util.h"

struct xpf {
	pthread_t thread;
	const struct config *cfg;
	enum xpf_sheet sheet;
	int county, year, chunk, ahead;
	pthread_mutex_t mu;
	pthread_cond_t cv;                /* a chunk put, taken or handed back; cancel set */
	struct xpf_chunk *head, *tail;    /* read, waiting to be written, oldest first */
	struct xpf_chunk *spare;          /* handed back, to be filled again */
	int ready, cancel;
};

/* An empty chunk to fill, once fewer than pf->ahead wait; NULL once cancelled. */
static struct xpf_chunk *take(struct xpf *pf)
{
	struct xpf_chunk *c;
	int cancel;

	pthread_mutex_lock(&pf->mu);
	while (pf->ready >= pf->ahead && !pf->cancel)
		pthread_cond_wait(&pf->cv, &pf->mu);
	cancel = pf->cancel;
	c = cancel ? NULL : pf->spare;
	if (c)
		pf->spare = c->next;
	pthread_mutex_unlock(&pf->mu);
	if (cancel)
		return NULL;
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

static void put(struct xpf *pf, struct xpf_chunk *c)
{
	pthread_mutex_lock(&pf->mu);
	if (pf->tail)
		pf->tail->next = c;
	else
		pf->head = c;
	pf->tail = c;
	pf->ready++;
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
 * The sheet's chunks until one comes back empty (the lines: the first of
 * XPF_FIRST agencies, so that the writing starts soon), or, for the
 * filing, one short and an empty one after it.  A chunk of `failed` ends
 * the sheet on a database error.
 */
static void *reader(void *arg)
{
	struct xpf *pf = arg;
	struct xpf_chunk *c;
	struct db db;
	long long after = 0;
	size_t n;
	int limit = pf->chunk < XPF_FIRST ? pf->chunk : XPF_FIRST;

	db_init(&db, pf->cfg);
	db.timeout = pf->cfg->worker_db_timeout;
	if (pf->sheet == XPF_FILING)
		goto filing;
	do {
		if (!(c = take(pf)))
			goto out;
		/* One snapshot for a chunk's three statements: no line without its gases. */
		if (db_begin(&db) || store_inventory_read_lines(&db, pf->county, pf->year, after, limit, &c->lines) ||
		    db_commit(&db)) {
			db_rollback(&db);
			goto failed;
		}
		n = c->n = c->lines.n;
		after = c->lines.last;
		limit = pf->chunk;
		put(pf, c);
	} while (n);
	goto out;
filing:
	do {
		if (!(c = take(pf)))
			goto out;
		if (store_inventory_each_filing(&db, pf->county, pf->year, after, pf->chunk, copy_filing, c))
			goto failed;
		if ((n = c->n))
			after = c->filing[n - 1].agency;
		put(pf, c);
	} while (n == (size_t)pf->chunk);
	if (n && (c = take(pf)))
		put(pf, c);
	goto out;
failed:
	c->n = 0;
	c->failed = 1;
	put(pf, c);
out:
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

struct xpf *xpf_start(const struct config *cfg, enum xpf_sheet sheet, int county, int year, int chunk)
{
	struct xpf *pf = xcalloc(1, sizeof(*pf));

	pf->cfg = cfg;
	pf->sheet = sheet;
	pf->ahead = sheet == XPF_FILING ? XPF_AHEAD_FILING : XPF_AHEAD;
	pf->county = county;
	pf->year = year;
	pf->chunk = chunk;
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->cv, NULL);
	if (spawn(&pf->thread, reader, pf)) {
		pthread_cond_destroy(&pf->cv);
		pthread_mutex_destroy(&pf->mu);
		free(pf);
		return NULL;
	}
	return pf;
}

struct xpf_chunk *xpf_next(struct xpf *pf)
{
	struct xpf_chunk *c;

	pthread_mutex_lock(&pf->mu);
	while (!pf->head)
		pthread_cond_wait(&pf->cv, &pf->mu);
	c = pf->head;
	if (!(pf->head = c->next))
		pf->tail = NULL;
	pf->ready--;
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
	return c;
}

void xpf_recycle(struct xpf *pf, struct xpf_chunk *c)
{
	pthread_mutex_lock(&pf->mu);
	c->next = pf->spare;
	pf->spare = c;
	pthread_mutex_unlock(&pf->mu);
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
	pthread_join(pf->thread, NULL);
	free_chunks(pf->head);
	free_chunks(pf->spare);
	pthread_cond_destroy(&pf->cv);
	pthread_mutex_destroy(&pf->mu);
	free(pf);
}

struct xpf_inventory {
	pthread_t thread;
	const struct config *cfg;
	int county, year;
	struct inventory *inv;
	int rc;
	pthread_mutex_t mu;
	int done;                          /* under mu: rc and *inv are written */
};

static void *inventory_reader(void *arg)
{
	struct xpf_inventory *h = arg;
	struct db db;

	db_init(&db, h->cfg);
	db.timeout = h->cfg->worker_db_timeout;
	h->rc = inventory_load(&db, h->county, h->year, h->inv);
	db_release(&db);
	db_thread_end();
	pthread_mutex_lock(&h->mu);
	h->done = 1;
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

struct xpf_inventory *xpf_inventory_start(const struct config *cfg, int county, int year, struct inventory *inv)
{
	struct xpf_inventory *h = xcalloc(1, sizeof(*h));

	h->cfg = cfg;
	h->county = county;
	h->year = year;
	h->inv = inv;
	pthread_mutex_init(&h->mu, NULL);
	if (spawn(&h->thread, inventory_reader, h)) {
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	return h;
}

int xpf_inventory_done(struct xpf_inventory *h)
{
	int done;

	pthread_mutex_lock(&h->mu);
	done = h->done;
	pthread_mutex_unlock(&h->mu);
	return done;
}

int xpf_inventory_wait(struct xpf_inventory *h)
{
	int rc;

	pthread_join(h->thread, NULL);
	rc = h->rc;
	pthread_mutex_destroy(&h->mu);
	free(h);
	return rc;
}

/* arena.h: a per-request memory arena with cleanup callbacks. */
#ifndef CITYINV_ARENA_H
#define CITYINV_ARENA_H

#include <stddef.h>

/*
 * DESIGN: everything a request allocates (decoded parameters, strings built
 * for a page, wrappers of MYSQL_RES or redisReply) comes from one arena that
 * is reset after the response is sent, so nothing of one request survives
 * into the next and nothing needs freeing one by one.  Memory comes in
 * blocks; a reset keeps one, as large as the request that came before
 * needed (up to ARENA_KEEP_MAX), so a steady stream of requests allocates
 * nothing from malloc and touches no new page.  Cleanups registered with
 * arena_cleanup() run, newest first, at reset and release — the way to tie
 * a library object (a MYSQL_RES, a redisReply) to the request's lifetime.
 * Allocation aborts on out-of-memory.
 */
struct arena_block;
struct arena_cleanup;

struct arena {
	struct arena_block *head;
	struct arena_cleanup *cleanups;
	size_t block_size;
};

void arena_init(struct arena *a, size_t block_size);
#define ARENA_KEEP_MAX ((size_t)4 << 20)   /* the most memory a reset keeps */

/* Runs the cleanups and keeps one block: the first, or one the size of all of them (up to ARENA_KEEP_MAX). */
void arena_reset(struct arena *a);
/* Runs the cleanups and frees everything. */
void arena_release(struct arena *a);

/* Memory aligned for any type, uninitialised; never NULL. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
__attribute__((format(printf, 2, 3))) char *arena_printf(struct arena *a, const char *fmt, ...);

/* fn(data) runs at the next reset or release. */
void arena_cleanup(struct arena *a, void (*fn)(void *), void *data);

#endif

/* arena.c: a per-request memory arena with cleanup callbacks. */
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *data;
};

void arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->cleanups = NULL;
	a->block_size = block_size ? block_size : 16384;
}

static void arena_release_blocks(struct arena *a);

static void run_cleanups(struct arena *a)
{
	while (a->cleanups) {
		struct arena_cleanup *c = a->cleanups;

		a->cleanups = c->next;
		c->fn(c->data);
	}
}

void arena_reset(struct arena *a)
{
	struct arena_block *b;
	size_t total = 0;

	run_cleanups(a);
	if (!a->head)
		return;
	if (a->head->next) {
		/*
		 * The request outgrew the kept block: the next one like it gets
		 * one block as large as all of these (up to ARENA_KEEP_MAX), so
		 * a steady stream of such requests mallocs nothing and touches
		 * no new page (a block of more than 128 KiB is a fresh mmap: its
		 * every page faulted in again, request after request).
		 */
		for (b = a->head; b; b = b->next)
			total += b->size;
		arena_release_blocks(a);
		if (total > ARENA_KEEP_MAX)
			total = ARENA_KEEP_MAX;
		if (total < a->block_size)
			total = a->block_size;
		a->head = xmalloc(sizeof(*a->head) + total);
		a->head->size = total;
		a->head->next = NULL;
	}
	a->head->used = 0;
}

static void arena_release_blocks(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
}

void arena_release(struct arena *a)
{
	run_cleanups(a);
	arena_release_blocks(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t off;

	if (n > SIZE_MAX / 2)
		die("arena: allocation too large");
	if (b) {
		off = (b->used + align - 1) & ~(align - 1);
		if (off + n <= b->size) {
			b->used = off + n;
			return b->data + off;
		}
	}
	size_t size = n > a->block_size ? n : a->block_size;
	b = xmalloc(sizeof(*b) + size);
	b->size = size;
	b->used = n;
	b->next = a->head;
	a->head = b;
	return b->data;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_cleanup(struct arena *a, void (*fn)(void *), void *data)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));

	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
}

/* test_arena.c: the arena's reset keeps one block as large as the last request needed. */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "tap.h"

int main(void)
{
	struct arena a;
	char *p, *q, *p2, *q2, *p3;

	arena_init(&a, 1024);
	p = arena_alloc(&a, 100);
	q = arena_alloc(&a, 300000);   /* beyond the block: a block of its own */
	ok(q != p + 112, "a request outgrowing the first block takes another");
	memset(q, 7, 300000);
	arena_reset(&a);
	p2 = arena_alloc(&a, 100);
	q2 = arena_alloc(&a, 300000);
	ok(q2 == p2 + 112, "after the reset, the same request fits one block (the second allocation follows the first)");
	q2[299999] = 1;
	arena_reset(&a);
	p3 = arena_alloc(&a, 100);
	ok(p3 == p2, "a request that fits reuses the kept block (no malloc)");
	ok(arena_alloc(&a, 300000) == p3 + 112, "and its large allocation too");
	arena_reset(&a);
	ok(arena_alloc(&a, 10) == p3, "a small request after it: the same block");
	/* A request beyond the cap: the kept block is the cap, and it still serves what fits. */
	arena_reset(&a);
	p = arena_zalloc(&a, ARENA_KEEP_MAX + 4096);
	ok(p[ARENA_KEEP_MAX + 4095] == 0, "zeroed");
	arena_reset(&a);
	p = arena_alloc(&a, ARENA_KEEP_MAX - 64);
	ok(arena_alloc(&a, 16) == p + ARENA_KEEP_MAX - 64, "the kept block holds ARENA_KEEP_MAX");
	arena_reset(&a);
	ok(strcmp(arena_printf(&a, "%d-%s", 7, "x"), "7-x") == 0, "strings after the resets");
	arena_release(&a);
	return tap_done();
}

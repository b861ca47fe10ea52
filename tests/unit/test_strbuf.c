/* test_strbuf.c: the string builder's invariants and the request arena. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"
#include "tap.h"

static int cleaned;

static void count_cleanup(void *p)
{
	cleaned += *(int *)p;
}

int main(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct arena a;
	char *p;
	size_t len;

	ok(sb.len == 0 && sb.buf[0] == '\0', "initial buffer is an empty string");
	strbuf_addstr(&sb, "abc");
	strbuf_addch(&sb, 'd');
	strbuf_add(&sb, "e\0f", 3);
	ok(sb.len == 7 && !memcmp(sb.buf, "abcde\0f", 7) && sb.buf[7] == '\0', "add keeps NUL and terminator");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%d-%s", 42, "x");
	is_str(sb.buf, "42-x", "addf");
	for (int i = 0; i < 10000; i++)
		strbuf_addstr(&sb, "0123456789");
	ok(sb.len == 100004 && sb.buf[sb.len] == '\0' && sb.alloc > sb.len, "grows past many reallocations");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%0500d", 7);
	ok(sb.len == 500 && sb.buf[499] == '7', "addf longer than the first guess");
	p = strbuf_detach(&sb, &len);
	ok(len == 500 && sb.len == 0 && sb.buf[0] == '\0', "detach empties the buffer");
	free(p);
	strbuf_release(&sb);
	strbuf_release(&sb);
	ok(sb.len == 0, "release twice is harmless");

	arena_init(&a, 64);
	p = arena_strdup(&a, "hello");
	is_str(p, "hello", "arena strdup");
	ok(((uintptr_t)arena_alloc(&a, 3) % _Alignof(max_align_t)) == 0, "allocations aligned");
	ok(((uintptr_t)arena_alloc(&a, 8) % _Alignof(max_align_t)) == 0, "second allocation aligned");
	p = arena_alloc(&a, 10000);
	memset(p, 1, 10000);
	ok(p != NULL, "allocation larger than a block");
	is_str(arena_printf(&a, "%s=%d", "n", 5), "n=5", "arena printf");
	{
		int one = 1, two = 2;

		arena_cleanup(&a, count_cleanup, &one);
		arena_cleanup(&a, count_cleanup, &two);
		arena_reset(&a);
		is_int(cleaned, 3, "cleanups run at reset");
		arena_reset(&a);
		is_int(cleaned, 3, "cleanups run once");
	}
	for (int round = 0; round < 100; round++)
		for (int i = 0; i < 100; i++)
			arena_strdup(&a, "some request data of modest length"), (i == 99 ? arena_reset(&a) : (void)0);
	ok(1, "many reset cycles (leaks would show under the sanitizer)");
	arena_release(&a);
	return tap_done();
}

/*
 * fuzz_cookie.c: libFuzzer target for query_cookie() (Cookie header parsing, shared/query.c).
 * Input: the header, a newline, then the cookie name (without a newline the name is empty).
 * Both are copied into exact-size NUL-terminated buffers so ASan sees any read past the NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *copy(const uint8_t *s, size_t n)
{
	char *c = malloc(n + 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size;
	char *header = copy(data, hlen);
	char *name = nl ? copy(nl + 1, size - hlen - 1) : copy(data, 0);
	struct arena a;
	const char *v;

	arena_init(&a, 256);
	v = query_cookie(&a, header, name);
	if (v) {
		/* A value is (an unquoted) part of the header: never longer, always in it. */
		size_t vlen = strlen(v);

		if (!*name || vlen > strlen(header) || !strstr(header, v))
			abort();
	}
	/* The same question twice gives the same answer. */
	{
		const char *w = query_cookie(&a, header, name);

		if ((v == NULL) != (w == NULL) || (v && strcmp(v, w)))
			abort();
	}
	if (query_cookie(&a, NULL, name) || query_cookie(&a, header, ""))
		abort();
	arena_release(&a);
	free(header);
	free(name);
	return 0;
}

/*
 * fuzz_query.c: libFuzzer target for query_parse() (application/x-www-form-urlencoded
 * decoding, shared/query.c) and query_get()/query_getn() on what it decoded.
 * Input: the raw query string or form body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct params *p)
{
	if (p->n < 0 || p->n > QUERY_MAX_PARAMS)
		abort();
	for (int i = 0; i < p->n; i++) {
		const struct param *v = &p->v[i];
		size_t len;
		const char *got;

		/* A name is never empty as typed ("=v" is refused), but "%00" decodes to "". */
		if (!v->name || !v->value)
			abort();
		if (v->value[v->len] != '\0')   /* NUL-terminated after len bytes */
			abort();
		/* The first pair with this name wins, whatever came after. */
		got = query_getn(p, v->name, &len);
		if (!got)
			abort();
		for (int j = 0; j < i; j++)
			if (!strcmp(p->v[j].name, v->name)) {
				if (got != p->v[j].value || len != p->v[j].len)
					abort();
				goto next;
			}
		if (got != v->value || len != v->len)
			abort();
next:
		if (query_get(p, v->name) != got)
			abort();
	}
	(void)query_get(p, "a");
	(void)query_getn(p, "name", NULL);
	(void)query_get(p, "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct params p = { 0 };
	enum query_err e;

	arena_init(&a, 1024);
	e = query_parse(&a, (const char *)data, size, &p);
	if ((unsigned)e > QUERY_EMPTY_NAME || !query_strerror(e))
		abort();
	check(&p);
	/* Appending to what is there (a query string, then a form body). */
	if (e == QUERY_OK) {
		int before = p.n;

		e = query_parse(&a, (const char *)data, size, &p);
		if (p.n < before)
			abort();
		check(&p);
	}
	/* A NULL string is an empty one. */
	if (query_parse(&a, NULL, size, &p) != QUERY_OK)
		abort();
	arena_release(&a);
	return 0;
}

/*
 * fuzz_multipart.c: libFuzzer target for multipart_parse() (multipart/form-data, shared/multipart.c).
 * Input: the Content-Type, a newline ('\n'), then the body (CRLF line ends inside it).
 * The Content-Type is copied into an exact-size NUL-terminated buffer and the body into an
 * exact-size buffer, so ASan sees any read past either.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t clen = nl ? (size_t)(nl - data) : size;
	size_t len = nl ? size - clen - 1 : 0;
	char *ctype = malloc(clen + 1);
	char *body = malloc(len ? len : 1);
	struct arena a;
	struct params p = { 0 };
	struct upload files[MULTIPART_MAX_FILES];
	int nfiles = -1;
	enum multipart_err e;

	if (!ctype || !body)
		abort();
	memcpy(ctype, data, clen);
	ctype[clen] = '\0';
	if (len)
		memcpy(body, nl + 1, len);
	arena_init(&a, 1024);
	e = multipart_parse(&a, ctype, body, len, &p, files, &nfiles);
	if ((unsigned)e > MULTIPART_TOO_MANY || !multipart_strerror(e))
		abort();
	if (nfiles < 0 || nfiles > MULTIPART_MAX_FILES)
		abort();
	if (e == MULTIPART_OK) {
		if (p.n < 0 || p.n + nfiles > MULTIPART_MAX_PARTS)
			abort();
		for (int i = 0; i < nfiles; i++) {
			const struct upload *u = &files[i];

			if (!u->field || !*u->field || !u->filename)
				abort();
			if (strchr(u->filename, '/') || strchr(u->filename, '\\'))
				abort();
			if (u->data < body || u->len > len || u->data + u->len > body + len)
				abort();
		}
		for (int i = 0; i < p.n; i++) {
			if (!p.v[i].name || !*p.v[i].name || !p.v[i].value)
				abort();
			if (p.v[i].value[p.v[i].len] != '\0' || p.v[i].len > len)
				abort();
		}
	}
	/* No Content-Type at all. */
	if (multipart_parse(&a, NULL, body, len, &p, files, &nfiles) != MULTIPART_NO_BOUNDARY || nfiles)
		abort();
	arena_release(&a);
	free(body);
	free(ctype);
	return 0;
}

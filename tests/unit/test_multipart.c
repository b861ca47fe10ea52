/* test_multipart.c: multipart/form-data decoding for uploads. */
#include <stdlib.h>
#include <string.h>

#include "multipart.h"
#include "tap.h"

static enum multipart_err parse(struct arena *a, const char *ct, const char *body, struct params *p,
				struct upload *f, int *nf)
{
	p->n = 0;
	p->v = NULL;
	return multipart_parse(a, ct, body, strlen(body), p, f, nf);
}

int main(void)
{
	struct arena a;
	struct params p = { 0 };
	struct upload f[MULTIPART_MAX_FILES];
	int nf;
	const char *ct = "multipart/form-data; boundary=----XyZ";
	const char *body =
		"------XyZ\r\n"
		"Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
		"abc123\r\n"
		"------XyZ\r\n"
		"Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\Users\\\\me\\\\機關.csv\"\r\n"
		"Content-Type: text/csv\r\n\r\n"
		"a,b\r\n--not-the-boundary\r\nc,d\r\n"
		"------XyZ--\r\n";

	arena_init(&a, 256);
	is_int(parse(&a, ct, body, &p, f, &nf), MULTIPART_OK, "a form with a field and a file");
	is_int(p.n, 1, "one field");
	is_str(query_get(&p, "csrf"), "abc123", "the field's value");
	is_int(nf, 1, "one file");
	is_str(f[0].field, "file", "the file's field name");
	is_str(f[0].filename, "機關.csv", "the path is dropped from the file name");
	is_int(f[0].len, strlen("a,b\r\n--not-the-boundary\r\nc,d"), "the file's bytes end before CRLF--boundary");
	ok(!memcmp(f[0].data, "a,b\r\n--not", 10), "and start after the part's headers");

	is_int(parse(&a, "multipart/form-data; boundary=\"q q\"", "--q q\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--q q--", &p, f, &nf),
	       MULTIPART_OK, "a quoted boundary and an unquoted name");
	is_str(query_get(&p, "x"), "1", "its value");
	{
		static const char nul[] = "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nab\0<i>c</i>\r\n--b--";
		size_t n;

		p.n = 0;
		p.v = NULL;
		is_int(multipart_parse(&a, "multipart/form-data; boundary=b", nul, sizeof(nul) - 1, &p, f, &nf), MULTIPART_OK,
		       "a field with a NUL in it");
		ok(query_getn(&p, "title", &n) && n == 11 && !strcmp(query_get(&p, "title"), "ab\x01<i>c</i>"),
		   "kept whole with the NUL as U+0001 (the field's check refuses it), not cut at it");
	}

	is_int(parse(&a, "preamble; boundary=b", "--b--", &p, f, &nf), MULTIPART_NO_BOUNDARY, "not multipart/form-data");
	is_int(parse(&a, "multipart/form-data", "--b--", &p, f, &nf), MULTIPART_NO_BOUNDARY, "no boundary parameter");
	is_int(parse(&a, "multipart/form-data; boundary=", "--b--", &p, f, &nf), MULTIPART_NO_BOUNDARY, "an empty boundary");
	is_int(parse(&a, "multipart/form-data; boundary=\"unterminated", "--b--", &p, f, &nf), MULTIPART_NO_BOUNDARY, "an unterminated quote");
	is_int(parse(&a, "multipart/form-data;", "--b--", &p, f, &nf), MULTIPART_NO_BOUNDARY, "a trailing ';' (read past the end once)");
	is_int(parse(&a, "multipart/form-data; ", "--b--", &p, f, &nf), MULTIPART_NO_BOUNDARY, "a trailing '; '");
	is_int(parse(&a, "multipart/form-data;;boundary=b", "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--", &p, f, &nf),
	       MULTIPART_OK, "an empty parameter before the boundary");
	is_int(parse(&a, ct, "", &p, f, &nf), MULTIPART_SYNTAX, "an empty body");
	is_int(parse(&a, ct, "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", &p, f, &nf),
	       MULTIPART_SYNTAX, "no closing boundary");
	is_int(parse(&a, ct, "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nno blank line", &p, f, &nf),
	       MULTIPART_SYNTAX, "headers that never end");
	is_int(parse(&a, ct, "------XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n------XyZ--", &p, f, &nf),
	       MULTIPART_BAD_HEADER, "a part without Content-Disposition");
	is_int(parse(&a, ct, "------XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n------XyZ--", &p, f, &nf),
	       MULTIPART_BAD_HEADER, "not form-data");
	is_int(parse(&a, ct, "------XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n------XyZ--", &p, f, &nf),
	       MULTIPART_BAD_HEADER, "an empty name");
	is_int(parse(&a, ct, "------XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n------XyZ--", &p, f, &nf),
	       MULTIPART_BAD_HEADER, "an unterminated quoted name");
	is_int(parse(&a, ct, "------XyZXcontent", &p, f, &nf), MULTIPART_SYNTAX, "the boundary not followed by CRLF");

	/* Too many files. */
	{
		char big[4096];
		size_t n = 0;

		for (int i = 0; i < MULTIPART_MAX_FILES + 1; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "------XyZ\r\nContent-Disposition: form-data; name=\"f%d\"; filename=\"x\"\r\n\r\nx\r\n", i);
		snprintf(big + n, sizeof(big) - n, "------XyZ--");
		is_int(parse(&a, ct, big, &p, f, &nf), MULTIPART_TOO_MANY, "more files than allowed");
	}
	/* Every prefix of a valid body is refused or parsed, never read past its end (ASan watches). */
	{
		size_t len = strlen(body);
		int bad = 0;

		for (size_t i = 0; i < len; i++) {
			char *copy = malloc(i ? i : 1);
			memcpy(copy, body, i);
			p.n = 0;
			if (multipart_parse(&a, ct, copy, i, &p, f, &nf) == MULTIPART_OK && i < len - 2)
				bad++;
			free(copy);
		}
		is_int(bad, 0, "no truncated body parses as complete");
	}
	arena_release(&a);
	return tap_done();
}

/* test_query.c: query-string, form-body and Cookie decoding. */
#include <string.h>

#include "query.h"
#include "tap.h"

int main(void)
{
	struct arena a;
	struct params p = { 0 };
	enum query_err e;
	size_t len;
	const char *v;

	arena_init(&a, 256);

	e = query_parse(&a, "a=1&b=x+y%21&c=", 15, &p);
	is_int(e, QUERY_OK, "simple query parses");
	is_int(p.n, 3, "three parameters");
	is_str(query_get(&p, "a"), "1", "a=1");
	is_str(query_get(&p, "b"), "x y!", "plus and percent decoded");
	is_str(query_get(&p, "c"), "", "empty value");
	ok(query_get(&p, "d") == NULL, "absent name gives NULL");

	p.n = 0;
	e = query_parse(&a, "name=%E9%80%A3%E6%B1%9F", 23, &p);
	is_int(e, QUERY_OK, "UTF-8 escapes");
	is_str(query_get(&p, "name"), "連江", "decoded to Chinese");

	p.n = 0;
	e = query_parse(&a, "name=%E5%90%8D%00%3Cb%3E", 24, &p);
	v = query_getn(&p, "name", &len);
	ok(e == QUERY_OK && v && len == 7 && !strcmp(v, "\xe5\x90\x8d\x01<b>"),
	   "a NUL (%%00) kept as U+0001, not cutting the value (the field's check refuses it)");

	p.n = 0;
	e = query_parse(&a, "x&&y=2&", 7, &p);
	is_int(e, QUERY_OK, "empty segments skipped");
	is_int(p.n, 2, "two parameters");
	is_str(query_get(&p, "x"), "", "name without '=' has empty value");

	p.n = 0;
	e = query_parse(&a, "a=1&a=2", 7, &p);
	is_str(query_get(&p, "a"), "1", "first value wins");

	p.n = 0;
	e = query_parse(&a, "a=%4", 4, &p);
	is_int(e, QUERY_BAD_ESCAPE, "truncated escape refused");
	p.n = 0;
	e = query_parse(&a, "a=%", 3, &p);
	is_int(e, QUERY_BAD_ESCAPE, "lone percent refused");
	p.n = 0;
	e = query_parse(&a, "a=%zz", 5, &p);
	is_int(e, QUERY_BAD_ESCAPE, "non-hex escape refused");
	p.n = 0;
	e = query_parse(&a, "%=1", 3, &p);
	is_int(e, QUERY_BAD_ESCAPE, "bad escape in a name refused");
	p.n = 0;
	e = query_parse(&a, "=1", 2, &p);
	is_int(e, QUERY_EMPTY_NAME, "empty name refused");

	p.n = 0;
	e = query_parse(&a, "k=%41%42", 8, &p);
	is_str(query_get(&p, "k"), "AB", "upper-case hex");
	p.n = 0;
	e = query_parse(&a, "k=%4a%4B", 8, &p);
	is_str(query_get(&p, "k"), "JK", "mixed-case hex");

	/* Bounded: more than QUERY_MAX_PARAMS pairs is refused. */
	{
		static char big[QUERY_MAX_PARAMS * 4 + 16];
		size_t n = 0;

		for (int i = 0; i <= QUERY_MAX_PARAMS; i++) {
			memcpy(big + n, "a=1&", 4);
			n += 4;
		}
		p.n = 0;
		e = query_parse(&a, big, n, &p);
		is_int(e, QUERY_TOO_MANY, "too many parameters refused");
		is_int(p.n, QUERY_MAX_PARAMS, "stopped at the limit");
	}

	p.n = 0;
	e = query_parse(&a, "", 0, &p);
	ok(e == QUERY_OK && p.n == 0, "empty input");
	e = query_parse(&a, NULL, 0, &p);
	ok(e == QUERY_OK && p.n == 0, "NULL input");

	/* Cookies */
	is_str(query_cookie(&a, "a=1; sid=abc; b=2", "sid"), "abc", "cookie in the middle");
	is_str(query_cookie(&a, "sid=abc", "sid"), "abc", "only cookie");
	is_str(query_cookie(&a, "xsid=1; sid=2", "sid"), "2", "name must match exactly");
	is_str(query_cookie(&a, "sid=1; sid=2", "sid"), "1", "first occurrence wins");
	is_str(query_cookie(&a, "sid=\"quoted\"", "sid"), "quoted", "quoted value unquoted");
	is_str(query_cookie(&a, "  sid = v  ;", "sid"), "v", "spaces trimmed");
	is_str(query_cookie(&a, "sid=", "sid"), "", "empty value");
	ok(query_cookie(&a, "a=1; b=2", "sid") == NULL, "absent cookie");
	ok(query_cookie(&a, "sid", "sid") == NULL, "name without '=' is no cookie");
	ok(query_cookie(&a, NULL, "sid") == NULL, "no header");
	ok(query_cookie(&a, ";;;", "sid") == NULL, "only separators");
	is_str(query_cookie(&a, "a=b=c", "a"), "b=c", "value may contain '='");
	is_str(query_cookie(&a, "SID=x; sid=y", "sid"), "y", "names are case-sensitive");

	arena_release(&a);
	return tap_done();
}

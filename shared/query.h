/* query.h: decoding of query strings, urlencoded form bodies and Cookie headers. */
#ifndef CITYINV_QUERY_H
#define CITYINV_QUERY_H

#include <stddef.h>

#include "arena.h"

#define QUERY_MAX_PARAMS 1024

struct param {
	const char *name;   /* NUL-terminated, decoded */
	const char *value;  /* NUL-terminated, decoded; may contain NUL (see len) */
	size_t len;         /* length of value */
};

struct params {
	struct param *v;
	int n;
};

enum query_err {
	QUERY_OK = 0,
	QUERY_BAD_ESCAPE,    /* '%' not followed by two hex digits */
	QUERY_TOO_MANY,      /* more than QUERY_MAX_PARAMS pairs */
	QUERY_EMPTY_NAME,    /* "=v" */
};

/*
 * Decodes application/x-www-form-urlencoded text ("a=1&b=x+y%21") into
 * *out, appending to what is there; memory comes from the arena.  Empty
 * segments ("a=1&&b=2") are skipped; a name without '=' has value "".
 * Returns QUERY_OK, or an error with *out holding the pairs decoded before it.
 */
enum query_err query_parse(struct arena *a, const char *s, size_t len, struct params *out);
const char *query_strerror(enum query_err e);

/*
 * A form value's s[0..len) copied into the arena as a C string.  A NUL
 * cannot be held in one: each is kept as U+0001, a control character every
 * field's check refuses, so the value is refused beside its field instead
 * of cut at the NUL.  The query decoder and multipart fields both use it.
 */
char *query_value_dup(struct arena *a, const char *s, size_t len);

/* The first value of `name`, or NULL. */
const char *query_get(const struct params *p, const char *name);
/* The first value of `name` and its length; NULL when absent. */
const char *query_getn(const struct params *p, const char *name, size_t *len);

/*
 * The value of cookie `name` in a Cookie header ("a=1; b=2"), copied into
 * the arena, or NULL.  Quoted values ("v") are unquoted.  Names match
 * exactly; the first occurrence wins.
 */
const char *query_cookie(struct arena *a, const char *header, const char *name);

#endif

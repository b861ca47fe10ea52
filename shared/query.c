/* query.c: decoding of query strings, urlencoded form bodies and Cookie headers. */
#include <string.h>

#include "query.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into the arena; returns NULL on a bad escape. */
static char *decode(struct arena *a, const char *s, size_t len, size_t *outlen)
{
	char *d = arena_alloc(a, len + 1);
	size_t i, j = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '+') {
			d[j++] = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			d[j++] = (char)(hi * 16 + lo ? hi * 16 + lo : 1);   /* %00: query_value_dup's rule */
			i += 2;
		} else {
			d[j++] = (char)c;
		}
	}
	d[j] = '\0';
	*outlen = j;
	return d;
}

char *query_value_dup(struct arena *a, const char *s, size_t len)
{
	char *d = arena_alloc(a, len + 1);

	for (size_t i = 0; i < len; i++)
		d[i] = s[i] ? s[i] : 1;
	d[len] = '\0';
	return d;
}

enum query_err query_parse(struct arena *a, const char *s, size_t len, struct params *out)
{
	size_t pos = 0;
	int cap = 0;

	if (!s)
		return QUERY_OK;
	while (pos < len) {
		const char *seg = s + pos;
		const char *amp = memchr(seg, '&', len - pos);
		size_t seglen = amp ? (size_t)(amp - seg) : len - pos;
		const char *eq;
		size_t nlen, vlen = 0, dn, dv;
		char *name, *value;

		pos += seglen + (amp ? 1 : 0);
		if (!seglen)
			continue;
		eq = memchr(seg, '=', seglen);
		nlen = eq ? (size_t)(eq - seg) : seglen;
		if (eq)
			vlen = seglen - nlen - 1;
		if (!nlen)
			return QUERY_EMPTY_NAME;
		if (out->n >= QUERY_MAX_PARAMS)
			return QUERY_TOO_MANY;
		name = decode(a, seg, nlen, &dn);
		value = eq ? decode(a, eq + 1, vlen, &dv) : (dv = 0, arena_strdup(a, ""));
		if (!name || !value)
			return QUERY_BAD_ESCAPE;
		if (out->n >= cap) {
			/* Grow by copying into the arena: params are few and short-lived. */
			int ncap = cap ? cap * 2 : 16;
			struct param *v;

			if (ncap < out->n + 1)
				ncap = out->n + 16;
			v = arena_alloc(a, sizeof(*v) * (size_t)ncap);
			if (out->n)
				memcpy(v, out->v, sizeof(*v) * (size_t)out->n);
			out->v = v;
			cap = ncap;
		}
		out->v[out->n].name = name;
		out->v[out->n].value = value;
		out->v[out->n].len = dv;
		out->n++;
	}
	return QUERY_OK;
}

const char *query_strerror(enum query_err e)
{
	switch (e) {
	case QUERY_OK: return "ok";
	case QUERY_BAD_ESCAPE: return "bad percent escape";
	case QUERY_TOO_MANY: return "too many parameters";
	case QUERY_EMPTY_NAME: return "parameter without a name";
	}
	return "unknown error";
}

const char *query_getn(const struct params *p, const char *name, size_t *len)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name)) {
			if (len)
				*len = p->v[i].len;
			return p->v[i].value;
		}
	return NULL;
}

const char *query_get(const struct params *p, const char *name)
{
	return query_getn(p, name, NULL);
}

const char *query_cookie(struct arena *a, const char *header, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (!p || !nlen)
		return NULL;
	while (*p) {
		const char *end, *eq, *k, *v;
		size_t klen, vlen;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (!*p)
			break;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq) {
			k = p;
			klen = (size_t)(eq - p);
			while (klen && (k[klen - 1] == ' ' || k[klen - 1] == '\t'))
				klen--;
			v = eq + 1;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			vlen = (size_t)(end - v);
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			if (klen == nlen && !memcmp(k, name, nlen))
				return arena_strndup(a, v, vlen);
		}
		p = end;
	}
	return NULL;
}

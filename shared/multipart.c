/* multipart.c: decoding of multipart/form-data bodies (RFC 7578), for file uploads. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"

#define HEADERS_MAX 2048

/* The boundary parameter of ctype into buf; its length, or 0. */
static size_t boundary_of(const char *ctype, char *buf, size_t size)
{
	const char *p;
	size_t n = 0;

	if (!ctype || strncasecmp(ctype, "multipart/form-data", 19))
		return 0;
	for (p = strchr(ctype + 19, ';'); p; p = strchr(p, ';')) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9))
			continue;
		p += 9;
		if (*p == '"') {
			for (p++; *p && *p != '"' && n + 1 < size; p++)
				buf[n++] = *p;
			if (*p != '"')
				return 0;
		} else {
			for (; *p && *p != ';' && *p != ' ' && *p != '\t' && n + 1 < size; p++)
				buf[n++] = *p;
			if (*p && *p != ';' && *p != ' ' && *p != '\t')
				return 0;
		}
		break;
	}
	if (n > 70)
		return 0;
	buf[n] = '\0';
	return n;
}

/* The value of parameter `key` ("name", "filename") in a Content-Disposition value. */
static const char *disposition_param(struct arena *a, const char *v, size_t len, const char *key)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		while (i < len && v[i] != ';')
			i++;
		if (i >= len)
			break;
		i++;
		while (i < len && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (len - i > klen && !strncasecmp(v + i, key, klen) && v[i + klen] == '=') {
			size_t s = i + klen + 1, e;

			if (s < len && v[s] == '"') {
				s++;
				for (e = s; e < len && v[e] != '"'; e++)
					;
				if (e >= len)
					return NULL;
			} else {
				for (e = s; e < len && v[e] != ';' && v[e] != ' '; e++)
					;
			}
			return arena_strndup(a, v + s, e - s);
		}
	}
	return NULL;
}

static int add_field(struct arena *a, struct params *out, const char *name, const char *data, size_t len)
{
	struct param *v;

	if (out->n >= QUERY_MAX_PARAMS)
		return -1;
	v = arena_alloc(a, sizeof(*v) * (size_t)(out->n + 1));
	if (out->n)
		memcpy(v, out->v, sizeof(*v) * (size_t)out->n);
	v[out->n].name = name;
	v[out->n].value = query_value_dup(a, data, len);
	v[out->n].len = len;
	out->v = v;
	out->n++;
	return 0;
}

enum multipart_err multipart_parse(struct arena *a, const char *ctype, const char *body, size_t len,
				   struct params *fields, struct upload *files, int *nfiles)
{
	char bnd[80], delim[84];
	size_t blen = boundary_of(ctype, bnd, sizeof(bnd)), dlen, pos;
	int parts = 0;

	*nfiles = 0;
	if (!blen)
		return MULTIPART_NO_BOUNDARY;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
	/* The first delimiter may open the body (no preamble) or follow one. */
	if (len >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2)) {
		pos = dlen - 2;
	} else {
		const char *d = memmem(body, len, delim, dlen);
		if (!d)
			return MULTIPART_SYNTAX;
		pos = (size_t)(d - body) + dlen;
	}
	for (;;) {
		const char *hdr, *hend, *data, *next, *name = NULL, *filename = NULL;
		size_t hlen;

		if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
			return MULTIPART_OK;   /* the closing delimiter; the epilogue is ignored */
		/* Transport padding, then CRLF. */
		while (pos < len && (body[pos] == ' ' || body[pos] == '\t'))
			pos++;
		if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
			return MULTIPART_SYNTAX;
		pos += 2;
		if (++parts > MULTIPART_MAX_PARTS)
			return MULTIPART_TOO_MANY;
		hdr = body + pos;
		hend = memmem(hdr, len - pos < HEADERS_MAX ? len - pos : HEADERS_MAX, "\r\n\r\n", 4);
		if (!hend)
			return MULTIPART_SYNTAX;
		hlen = (size_t)(hend - hdr) + 2;   /* keep the last line's CRLF */
		for (size_t i = 0; i < hlen;) {
			const char *line = hdr + i, *eol = memmem(line, hlen - i, "\r\n", 2);
			size_t llen = (size_t)(eol - line);

			if (llen > 20 && !strncasecmp(line, "content-disposition:", 20)) {
				const char *v = line + 20;
				size_t vlen = llen - 20;

				while (vlen && (*v == ' ' || *v == '\t'))
					v++, vlen--;
				if (vlen < 9 || strncasecmp(v, "form-data", 9) || (vlen > 9 && v[9] != ';' && v[9] != ' '))
					return MULTIPART_BAD_HEADER;
				name = disposition_param(a, v, vlen, "name");
				filename = disposition_param(a, v, vlen, "filename");
			}
			i += llen + 2;
		}
		if (!name || !*name)
			return MULTIPART_BAD_HEADER;
		data = hend + 4;
		pos = (size_t)(data - body);
		next = memmem(data, len - pos, delim, dlen);
		if (!next)
			return MULTIPART_SYNTAX;
		if (filename) {
			const char *base = filename, *s;

			for (s = filename; *s; s++)
				if (*s == '/' || *s == '\\')
					base = s + 1;
			if (*nfiles >= MULTIPART_MAX_FILES)
				return MULTIPART_TOO_MANY;
			files[*nfiles].field = name;
			files[*nfiles].filename = base;
			files[*nfiles].data = data;
			files[*nfiles].len = (size_t)(next - data);
			(*nfiles)++;
		} else if (add_field(a, fields, name, data, (size_t)(next - data))) {
			return MULTIPART_TOO_MANY;
		}
		pos = (size_t)(next - body) + dlen;
	}
}

const char *multipart_strerror(enum multipart_err e)
{
	switch (e) {
	case MULTIPART_OK: return "ok";
	case MULTIPART_NO_BOUNDARY: return "no boundary";
	case MULTIPART_SYNTAX: return "malformed multipart body";
	case MULTIPART_BAD_HEADER: return "part without form-data name";
	case MULTIPART_TOO_MANY: return "too many parts";
	}
	return "unknown error";
}

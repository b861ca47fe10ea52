/* compress.c: gzip for the large pages that are served again unchanged. */
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "compress.h"

/*
 * DESIGN: a review page of 200 subordinates is 200 KB of HTML, and the same
 * bytes are asked for again and again until something in its county-year
 * changes (page_review.c keeps the rendered table).  Copying 200 KB through
 * the FastCGI socket and nginx costs more than the page's whole rendering
 * from the cache; gzip shrinks it about tenfold, but compressing it costs
 * about as much again.  So each process remembers the last few bodies it
 * compressed, beside their compressed bytes, and compresses a body only
 * when it is not byte for byte one of them.  The comparison is the whole
 * body (memcmp, after the lengths): nothing about who asked or when can
 * make a remembered answer wrong, it is served only for the same bytes.
 *
 * A page opts in (req->compress).  Compression beside a secret (the CSRF
 * token) leaks it only to someone who can both see the lengths and make the
 * victim's requests reflect text of their choosing (BREACH); the review page
 * reflects nothing of the request but checked numbers, which is why it may.
 * A page that echoes free text from the request must not opt in.  Memory:
 * at most MEMO_SLOTS bodies of MEMO_MAX each, with their gzip, a process.
 */
#define MEMO_SLOTS 8
#define MEMO_MAX (4u << 20)     /* larger bodies are compressed every time, never kept */

struct memo {
	struct strbuf plain;
	struct strbuf gz;
	int ready;                  /* the strbufs are initialised */
	unsigned long long used;    /* 0: empty */
};

static struct memo memo[MEMO_SLOTS];
static unsigned long long memo_clock;

/* The q value of one coding's parameters ("q=0.5" and the like); 1 when there is none. */
static double coding_q(const char *p, const char *end)
{
	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			double q = 0, scale = 1;
			int frac = 0;

			for (p += 2; p < end && ((*p >= '0' && *p <= '9') || *p == '.'); p++) {
				if (*p == '.')
					frac = 1;
				else if (frac)
					q += (*p - '0') * (scale /= 10);
				else
					q = q * 10 + (*p - '0');
			}
			return q;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

int compress_accepted(const char *accept_encoding)
{
	const char *p = accept_encoding;
	int star = 0, gzip = -1;

	if (!p)
		return 0;
	while (*p) {
		const char *name, *params, *end;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		name = p;
		end = p + strcspn(p, ",");
		params = name + strcspn(name, ";,");
		n = (size_t)(params - name);
		while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
			n--;
		if ((n == 4 && !strncasecmp(name, "gzip", 4)) || (n == 6 && !strncasecmp(name, "x-gzip", 6)))
			gzip = coding_q(params, end) > 0;
		else if (n == 1 && *name == '*')
			star = coding_q(params, end) > 0;
		p = end;
	}
	/* gzip named decides; "*" stands for every coding not named (RFC 9110 12.5.3). */
	return gzip >= 0 ? gzip : star;
}

/* gzip of buf[0..len) into out (reset first): 0, or -1. */
static int deflate_gzip(const char *buf, size_t len, struct strbuf *out)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper around the deflate stream, which is what Content-Encoding: gzip means. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	strbuf_reset(out);
	strbuf_grow(out, deflateBound(&z, len));
	z.next_in = (unsigned char *)buf;
	z.avail_in = (uInt)len;
	z.next_out = (unsigned char *)out->buf;
	z.avail_out = (uInt)(out->alloc - 1);
	rc = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	out->buf[out->len] = '\0';
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

const struct strbuf *compress_body(const char *buf, size_t len)
{
	static struct strbuf once = STRBUF_INIT;
	struct memo *m, *lru = &memo[0];

	for (int i = 0; i < MEMO_SLOTS; i++) {
		m = &memo[i];
		if (m->used && m->plain.len == len && !memcmp(m->plain.buf, buf, len)) {
			m->used = ++memo_clock;
			return &m->gz;
		}
		if (m->used < lru->used)
			lru = m;
	}
	if (len > MEMO_MAX)
		return deflate_gzip(buf, len, &once) ? NULL : &once;
	m = lru;
	if (!m->ready) {
		strbuf_init(&m->plain, len + 1);
		strbuf_init(&m->gz, len / 4 + 64);
		m->ready = 1;
	}
	m->used = 0;    /* empty until both halves are in */
	if (deflate_gzip(buf, len, &m->gz))
		return NULL;
	strbuf_reset(&m->plain);
	strbuf_add(&m->plain, buf, len);
	m->used = ++memo_clock;
	return &m->gz;
}

/* test_compress.c: which Accept-Encoding headers take gzip, and the kept compressions. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "compress.h"
#include "tap.h"

/* Inflates a gzip member (zlib's reader, 15 + 16) into out[cap]; its length, or -1. */
static long gunzip(const struct strbuf *gz, char *out, size_t cap)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)gz->buf;
	z.avail_in = (uInt)gz->len;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return rc == Z_STREAM_END && z.avail_in == 0 ? (long)z.total_out : -1;
}

/* A page-like body of n bytes whose content depends on seed. */
static char *page(size_t n, int seed)
{
	char *p = malloc(n);

	for (size_t i = 0; i < n; i++)
		p[i] = "<tr><td>臺中市立第一國民小學</td></tr>\n"[(i + (size_t)seed) % 40] ^ (char)(i % 97 == 0 ? seed : 0);
	return p;
}

int main(void)
{
	static char out[1 << 20];
	char *a = page(200000, 1), *b = page(200000, 2), *big = page((4u << 20) + 10, 3);
	const struct strbuf *g;
	const char *kept;
	size_t glen;

	ok(compress_accepted("gzip, deflate, br, zstd"), "a browser's header");
	ok(compress_accepted("GZIP"), "any case");
	ok(compress_accepted("deflate;q=0.5, gzip;q=0.8"), "gzip with a weight");
	ok(compress_accepted("x-gzip"), "x-gzip is gzip");
	ok(compress_accepted("*"), "* takes every coding");
	ok(compress_accepted("br , gzip ;q=1"), "spaces around names and parameters");
	ok(!compress_accepted(NULL), "no header: identity");
	ok(!compress_accepted(""), "an empty header: identity");
	ok(!compress_accepted("identity"), "identity only");
	ok(!compress_accepted("br, deflate"), "gzip not named");
	ok(!compress_accepted("gzip;q=0"), "gzip refused by q=0");
	ok(!compress_accepted("gzip;q=0.000, *"), "gzip refused outright beats *");
	ok(!compress_accepted("*;q=0"), "* refused");
	ok(compress_accepted("*;q=0, gzip"), "gzip named beats * refused");
	ok(!compress_accepted("gzipx, xgzip"), "names only alike");
	ok(compress_accepted("gzip;level=1;q=0.1"), "other parameters before q");

	g = compress_body(a, 200000);
	ok(g && g->len < 20000, "a repetitive 200 KB page compresses to under 20 KB (%zu)", g ? g->len : 0);
	ok(g && gunzip(g, out, sizeof(out)) == 200000 && !memcmp(out, a, 200000), "zlib's reader gives the page back");
	kept = g ? g->buf : NULL;
	glen = g ? g->len : 0;
	g = compress_body(a, 200000);
	ok(g && g->buf == kept && g->len == glen, "the same bytes again: the kept compression");
	g = compress_body(b, 200000);
	ok(g && g->buf != kept && gunzip(g, out, sizeof(out)) == 200000 && !memcmp(out, b, 200000),
	   "other bytes of the same length: compressed afresh, and right");
	b[123456] ^= 1;
	g = compress_body(b, 200000);
	ok(g && gunzip(g, out, sizeof(out)) == 200000 && !memcmp(out, b, 200000), "one bit changed: compressed afresh");
	g = compress_body(a, 199999);
	ok(g && gunzip(g, out, sizeof(out)) == 199999 && !memcmp(out, a, 199999), "a prefix: its own compression");
	g = compress_body(a, 200000);
	ok(g && g->buf == kept, "the first page is still kept");
	/* More bodies than slots: the least recently used goes; every answer stays right. */
	for (int i = 0; i < 20; i++) {
		char *p = page(50000, 10 + i);

		g = compress_body(p, 50000);
		ok(g && gunzip(g, out, sizeof(out)) == 50000 && !memcmp(out, p, 50000), "body %d of 20", i + 1);
		free(p);
	}
	g = compress_body(a, 200000);
	ok(g && gunzip(g, out, sizeof(out)) == 200000 && !memcmp(out, a, 200000), "the first page again, after its slot went");
	g = compress_body(big, (4u << 20) + 10);
	ok(g && g->len > 0, "a body over the keeping bound is still compressed");
	ok(g && g->len < (4u << 20), "and smaller than it");
	free(a);
	free(b);
	free(big);
	return tap_done();
}

/*
 * fuzz_decimal.c: libFuzzer target for dec_parse() and dec_format() (shared/decimal.c).
 * Input: the text to parse (no NUL needed; an embedded NUL is a syntax error).
 *
 * Every input is parsed with each combination of the DEC_ALLOW_* flags and several
 * max_scale values (out-of-range ones included, which are clamped).  When it parses,
 * the value must be valid and within the documented limits, and its dec_format() (and
 * dec_format_grouped()) text must parse back to an equal value (dec_cmp() == 0);
 * otherwise abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int max_scales[] = { -1, 0, 1, 3, 6, DEC_MAX_SCALE, DEC_MAX_SCALE + 1, 1000 };

static void fail(const char *what, const uint8_t *data, size_t size, int max_scale, unsigned flags,
		 const char *text)
{
	fprintf(stderr, "fuzz_decimal: %s (max_scale %d, flags %u, %zu input bytes, text \"%s\")\n", what,
		max_scale, flags, size, text ? text : "");
	(void)data;
	abort();
}

static dec_i128 mant_limit(void)
{
	dec_i128 p = 1;

	for (int i = 0; i < DEC_MAX_DIGITS; i++)
		p *= 10;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	dec_i128 limit = mant_limit();

	for (unsigned flags = 0; flags < 8; flags++)
		for (size_t k = 0; k < sizeof(max_scales) / sizeof(max_scales[0]); k++) {
			int ms = max_scales[k];
			int cap = ms < 0 ? 0 : ms > DEC_MAX_SCALE ? DEC_MAX_SCALE : ms;
			dec_t v = { 12345, 2 }, w;
			char text[128], grouped[160];
			size_t n;
			enum dec_err e = dec_parse(s, size, ms, flags, &v);

			if ((unsigned)e > DEC_TOO_LARGE || !dec_strerror(e))
				fail("unknown error code", data, size, ms, flags, NULL);
			if (e != DEC_OK) {
				if (v.m != 12345 || v.scale != 2)
					fail("*out changed on an error", data, size, ms, flags, NULL);
				continue;
			}
			if (!dec_is_valid(v) || v.scale > cap)
				fail("scale out of range", data, size, ms, flags, NULL);
			if (v.m >= limit || v.m <= -limit)
				fail("mantissa of more than DEC_MAX_DIGITS digits", data, size, ms, flags, NULL);
			if (v.m < 0 && !(flags & DEC_ALLOW_NEGATIVE))
				fail("negative without DEC_ALLOW_NEGATIVE", data, size, ms, flags, NULL);
			if (dec_cmp(v, v) != 0)
				fail("dec_cmp(v, v) != 0", data, size, ms, flags, NULL);

			n = dec_format(v, text, sizeof(text));
			if (n >= sizeof(text) || strlen(text) != n)
				fail("dec_format() length", data, size, ms, flags, text);
			e = dec_parse(text, n, ms, flags, &w);
			if (e != DEC_OK)
				fail("dec_format() text does not parse", data, size, ms, flags, text);
			if (dec_cmp(v, w) != 0)
				fail("dec_format() text parses to another value", data, size, ms, flags, text);

			n = dec_format_grouped(v, grouped, sizeof(grouped));
			if (n >= sizeof(grouped) || strlen(grouped) != n)
				fail("dec_format_grouped() length", data, size, ms, flags, grouped);
			e = dec_parse(grouped, n, ms, flags | DEC_ALLOW_GROUPING, &w);
			if (e != DEC_OK)
				fail("dec_format_grouped() text does not parse", data, size, ms, flags, grouped);
			if (dec_cmp(v, w) != 0)
				fail("dec_format_grouped() text parses to another value", data, size, ms, flags, grouped);
		}
	return 0;
}

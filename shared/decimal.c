/* decimal.c: exact decimal numbers as scaled 128-bit integers. */
#include <string.h>

#include "decimal.h"

#define I128_MAX ((dec_i128)(((unsigned __int128)1 << 127) - 1))
/* Mantissas are kept below 10^36 so that sums of a few can never overflow. */
#define MANT_DIGITS 36

static dec_i128 pow10i(int n)
{
	dec_i128 p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

static dec_i128 mant_limit(void)
{
	return pow10i(MANT_DIGITS);
}

static int fits(dec_i128 m)
{
	dec_i128 lim = mant_limit();

	return m < lim && m > -lim;
}

enum dec_err dec_parse(const char *s, size_t len, int max_scale, unsigned flags, dec_t *out)
{
	size_t i = 0;
	int neg = 0, digits = 0, decimals = 0, seen_dot = 0, group = -1;
	long exp = 0;
	dec_i128 m = 0;

	if (!s || !len)
		return DEC_EMPTY;
	if (s[0] == '-') {
		neg = 1;
		i++;
		if (i == len)
			return DEC_SYNTAX;
	}
	/* Integer part, with optional grouping. */
	int int_digits = 0;
	for (; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9') {
			if (group >= 0 && ++group > 3)
				return DEC_SYNTAX;
			if (m || c != '0') {
				if (++digits > MANT_DIGITS)
					return DEC_OVERFLOW;
			}
			m = m * 10 + (c - '0');
			int_digits++;
		} else if (c == ',' && (flags & DEC_ALLOW_GROUPING)) {
			/* first group 1-3 digits, each later group exactly 3 */
			if (!int_digits || (group < 0 && int_digits > 3) || (group >= 0 && group != 3))
				return DEC_SYNTAX;
			group = 0;
		} else {
			break;
		}
	}
	if (!int_digits || (group >= 0 && group != 3))
		return DEC_SYNTAX;
	if (i < len && s[i] == '.') {
		seen_dot = 1;
		i++;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (m || s[i] != '0') {
				if (++digits > MANT_DIGITS)
					return DEC_OVERFLOW;
			}
			m = m * 10 + (s[i] - '0');
			decimals++;
		}
		if (!decimals)
			return DEC_SYNTAX;
	}
	(void)seen_dot;
	if (i < len && (s[i] == 'e' || s[i] == 'E') && (flags & DEC_ALLOW_EXPONENT)) {
		int eneg = 0, edigits = 0;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+')) {
			eneg = s[i] == '-';
			i++;
		}
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			exp = exp * 10 + (s[i] - '0');
			if (exp > 10000)
				return DEC_OVERFLOW;
			edigits++;
		}
		if (!edigits)
			return DEC_SYNTAX;
		if (eneg)
			exp = -exp;
	}
	if (i != len)
		return DEC_SYNTAX;
	if (neg && !(flags & DEC_ALLOW_NEGATIVE))
		return DEC_NEGATIVE;

	/* value = m * 10^(exp - decimals) */
	long scale = (long)decimals - exp;
	if (scale < 0) {
		if (m && digits - scale > MANT_DIGITS)
			return DEC_OVERFLOW;
		m *= pow10i((int)-scale);
		scale = 0;
	}
	if (scale > DEC_MAX_SCALE) {
		/* Drop trailing zeros if that brings it in range; else too precise. */
		while (scale > DEC_MAX_SCALE && m % 10 == 0 && m) {
			m /= 10;
			scale--;
		}
		if (scale > DEC_MAX_SCALE && m)
			return DEC_TOO_MANY_DECIMALS;
		if (!m)
			scale = DEC_MAX_SCALE < max_scale ? DEC_MAX_SCALE : max_scale;
	}
	if (flags & DEC_ALLOW_EXPONENT) {
		/* Exponent forms: judge precision on the value, not on the typed digits. */
		dec_i128 t = m;
		long sc = scale;
		while (sc > max_scale && t % 10 == 0) {
			t /= 10;
			sc--;
		}
		if (sc > max_scale)
			return DEC_TOO_MANY_DECIMALS;
		m = t;
		scale = sc;
	} else if (scale > max_scale) {
		return DEC_TOO_MANY_DECIMALS;
	}
	out->m = neg ? -m : m;
	out->scale = (int)scale;
	return DEC_OK;
}

const char *dec_strerror(enum dec_err e)
{
	switch (e) {
	case DEC_OK: return "ok";
	case DEC_EMPTY: return "empty";
	case DEC_SYNTAX: return "not a decimal number";
	case DEC_NEGATIVE: return "negative";
	case DEC_TOO_MANY_DECIMALS: return "too many decimals";
	case DEC_OVERFLOW: return "too large";
	}
	return "unknown error";
}

/* Brings a to scale s (s >= a.scale); -1 on overflow. */
static int upscale(dec_t a, int s, dec_i128 *m)
{
	int d = s - a.scale;
	dec_i128 p;

	if (d < 0 || d > 38)
		return -1;
	p = pow10i(d);
	if (a.m && (a.m > I128_MAX / p || a.m < -(I128_MAX / p)))
		return -1;
	*m = a.m * p;
	return 0;
}

int dec_cmp(dec_t a, dec_t b)
{
	int s = a.scale > b.scale ? a.scale : b.scale;
	dec_i128 x, y;

	/* Both mantissas are below 10^36 and scales at most 30 apart from each
	 * other only through upscaling: compare signs first to stay in range. */
	if (dec_sign(a) != dec_sign(b))
		return dec_sign(a) < dec_sign(b) ? -1 : 1;
	if (upscale(a, s, &x) || upscale(b, s, &y)) {
		/* Too big to align exactly: compare integer parts, then the rest. */
		dec_i128 ia = a.m / pow10i(a.scale), ib = b.m / pow10i(b.scale);
		if (ia != ib)
			return ia < ib ? -1 : 1;
		dec_t fa = { a.m - ia * pow10i(a.scale), a.scale };
		dec_t fb = { b.m - ib * pow10i(b.scale), b.scale };
		return dec_cmp(fa, fb);
	}
	return x < y ? -1 : x > y;
}

int dec_add(dec_t a, dec_t b, dec_t *out)
{
	int s = a.scale > b.scale ? a.scale : b.scale;
	dec_i128 x, y;

	if (upscale(a, s, &x) || upscale(b, s, &y))
		return -1;
	if (!fits(x) || !fits(y) || !fits(x + y))
		return -1;
	out->m = x + y;
	out->scale = s;
	return 0;
}

int dec_sub(dec_t a, dec_t b, dec_t *out)
{
	dec_t nb = { -b.m, b.scale };

	return dec_add(a, nb, out);
}

static void trim(dec_t *a)
{
	while (a->scale > 0 && a->m % 10 == 0) {
		a->m /= 10;
		a->scale--;
	}
}

/* |x| * |y| fits below 10^MANT_DIGITS? */
static int mul_fits(dec_i128 x, dec_i128 y)
{
	dec_i128 ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;

	if (!ax || !ay)
		return 1;
	return ax <= (mant_limit() - 1) / ay;
}

int dec_mul(dec_t a, dec_t b, dec_t *out)
{
	if (!mul_fits(a.m, b.m) || a.scale + b.scale > DEC_MAX_SCALE) {
		trim(&a);
		trim(&b);
		if (!mul_fits(a.m, b.m))
			return -1;
	}
	dec_t r = { a.m * b.m, a.scale + b.scale };
	if (r.scale > DEC_MAX_SCALE) {
		trim(&r);
		if (r.scale > DEC_MAX_SCALE)
			return -1;
	}
	*out = r;
	return 0;
}

int dec_round(dec_t a, int scale, dec_t *out)
{
	if (scale < 0 || scale > DEC_MAX_SCALE)
		return -1;
	if (scale >= a.scale) {
		dec_i128 m;

		if (upscale(a, scale, &m) || !fits(m))
			return -1;
		out->m = m;
		out->scale = scale;
		return 0;
	}
	dec_i128 p = pow10i(a.scale - scale);
	dec_i128 q = a.m / p, r = a.m % p;
	dec_i128 ar = r < 0 ? -r : r;
	if (2 * ar >= p)
		q += a.m < 0 ? -1 : 1;
	out->m = q;
	out->scale = scale;
	return 0;
}

dec_t dec_from_int(long long v)
{
	dec_t d = { v, 0 };

	return d;
}

int dec_is_zero(dec_t a)
{
	return a.m == 0;
}

int dec_sign(dec_t a)
{
	return a.m < 0 ? -1 : a.m > 0;
}

static size_t format(dec_t a, char *buf, size_t size, int grouped)
{
	char digits[64], tmp[96];
	size_t nd = 0, n = 0;
	unsigned __int128 u = a.m < 0 ? (unsigned __int128)(-(a.m + 1)) + 1 : (unsigned __int128)a.m;

	do {
		digits[nd++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (nd <= (size_t)a.scale)
		digits[nd++] = '0';
	/* digits[] is least significant first; integer part has nd - scale digits. */
	size_t intd = nd - (size_t)a.scale;
	if (a.m < 0)
		tmp[n++] = '-';
	for (size_t i = 0; i < intd; i++) {
		tmp[n++] = digits[nd - 1 - i];
		size_t left = intd - 1 - i;
		if (grouped && left && left % 3 == 0)
			tmp[n++] = ',';
	}
	if (a.scale) {
		tmp[n++] = '.';
		for (int i = a.scale - 1; i >= 0; i--)
			tmp[n++] = digits[i];
	}
	tmp[n] = '\0';
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return n;
}

size_t dec_format(dec_t a, char *buf, size_t size)
{
	return format(a, buf, size, 0);
}

size_t dec_format_grouped(dec_t a, char *buf, size_t size)
{
	return format(a, buf, size, 1);
}

int dec_to_scaled_i64(dec_t a, int scale, long long *out)
{
	dec_t r;

	if (dec_round(a, scale, &r))
		return -1;
	if (r.m > (dec_i128)0x7fffffffffffffffLL || r.m < -(dec_i128)0x7fffffffffffffffLL)
		return -1;
	*out = (long long)r.m;
	return 0;
}

dec_t dec_from_scaled_i64(long long m, int scale)
{
	dec_t d = { m, scale };

	return d;
}

/* decimal.c: exact decimal numbers as scaled 128-bit integers. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "decimal.h"

__extension__ typedef unsigned __int128 dec_u128;

#define U128_MAX (~(dec_u128)0)
#define I128_MAX ((dec_i128)(U128_MAX >> 1))
#define I128_MIN (-I128_MAX - 1)

/* An exponent beyond this is certain to overflow or underflow. */
#define EXP_CAP 100000

/* 10^n for 0 <= n <= 38. */
static dec_u128 pow10u(int n)
{
	dec_u128 p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* 10^DEC_MAX_DIGITS - 1: the largest mantissa a result may have. */
static dec_u128 mant_max(void)
{
	return pow10u(DEC_MAX_DIGITS) - 1;
}

/* |m| without overflow, even for the most negative mantissa. */
static dec_u128 mag(dec_i128 m)
{
	return m < 0 ? (dec_u128)0 - (dec_u128)m : (dec_u128)m;
}

/* The signed mantissa of magnitude u (u <= mant_max()). */
static dec_i128 with_sign(dec_u128 u, int neg)
{
	return neg ? -(dec_i128)u : (dec_i128)u;
}

static int valid_scale(int scale)
{
	return scale >= 0 && scale <= DEC_MAX_SCALE;
}

int dec_is_valid(dec_t a)
{
	return valid_scale(a.scale);
}

/* Clamps a size_t count into 0..EXP_CAP * 10 for exponent arithmetic. */
static long long clamp_count(size_t n)
{
	return n > (size_t)EXP_CAP * 10 ? (long long)EXP_CAP * 10 : (long long)n;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* What dec_parse() reads of its text: where each part is, before any value is built. */
struct dec_scan {
	size_t int_start, int_end, frac_end, nfrac;
	int neg, have_exp;
	long long exp;
	/* The significant digits, counting digits only (no ',' or '.'). */
	size_t ndigits, first_nz, last_nz;
	int any_nz;
};

/* The integer part from s[*i]: digits, or with DEC_ALLOW_GROUPING d{1,3}(,ddd)*. */
static enum dec_err scan_integer(const char *s, size_t len, unsigned flags, size_t *i, struct dec_scan *sc)
{
	size_t run = 0, total = 0;
	int grouped = 0;

	sc->int_start = *i;
	for (; *i < len; (*i)++) {
		if (is_digit(s[*i])) {
			run++;
			total++;
		} else if (s[*i] == ',' && (flags & DEC_ALLOW_GROUPING)) {
			if (!total || (grouped ? run != 3 : run > 3) || s[sc->int_start] == '0')
				return DEC_SYNTAX;
			grouped = 1;
			run = 0;
		} else {
			break;
		}
	}
	if (!total || (grouped && run != 3))
		return DEC_SYNTAX;
	sc->int_end = *i;
	return DEC_OK;
}

/* The exponent from s[*i] (past the 'e'): [+-]?digits, saturated at EXP_CAP. */
static enum dec_err scan_exponent(const char *s, size_t len, size_t *i, struct dec_scan *sc)
{
	int eneg = 0;
	size_t estart;

	sc->have_exp = 1;
	if (*i < len && (s[*i] == '+' || s[*i] == '-'))
		eneg = s[(*i)++] == '-';
	estart = *i;
	for (; *i < len && is_digit(s[*i]); (*i)++)
		if (sc->exp < EXP_CAP)
			sc->exp = sc->exp * 10 + (s[*i] - '0');
	if (*i == estart)
		return DEC_SYNTAX;
	if (eneg)
		sc->exp = -sc->exp;
	return DEC_OK;
}

/* The syntax of the whole text into *sc: sign, integer part, fraction, exponent. */
static enum dec_err scan(const char *s, size_t len, unsigned flags, struct dec_scan *sc)
{
	size_t i = 0, frac_start, pos, k;

	if (s[0] == '-') {
		sc->neg = 1;
		i++;
	}
	if (scan_integer(s, len, flags, &i, sc))
		return DEC_SYNTAX;
	/* Fraction: '.' and at least one digit. */
	if (i < len && s[i] == '.') {
		frac_start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		sc->frac_end = i;
		if (sc->frac_end == frac_start)
			return DEC_SYNTAX;
		sc->nfrac = sc->frac_end - frac_start;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E') && (flags & DEC_ALLOW_EXPONENT)) {
		i++;
		if (scan_exponent(s, len, &i, sc))
			return DEC_SYNTAX;
	}
	if (i != len)
		return DEC_SYNTAX;
	if (sc->neg && !(flags & DEC_ALLOW_NEGATIVE))
		return DEC_NEGATIVE;
	for (pos = sc->int_start, k = 0; pos < len && pos < (sc->nfrac ? sc->frac_end : sc->int_end); pos++) {
		if (!is_digit(s[pos]))
			continue;
		if (s[pos] != '0') {
			if (!sc->any_nz)
				sc->first_nz = k;
			sc->any_nz = 1;
			sc->last_nz = k;
		}
		k++;
	}
	sc->ndigits = k;
	return DEC_OK;
}

/* Without an exponent: the typed scale, trailing zeros included. */
static enum dec_err value_plain(const char *s, const struct dec_scan *sc, int cap, dec_u128 *u, long long *scale)
{
	size_t pos, k;

	if (sc->nfrac > (size_t)cap)
		return DEC_TOO_MANY_DECIMALS;
	if (sc->any_nz && sc->ndigits - sc->first_nz > DEC_MAX_DIGITS)
		return DEC_OVERFLOW;
	*scale = (long long)sc->nfrac;
	for (pos = sc->int_start, k = 0; pos < sc->frac_end || pos < sc->int_end; pos++) {
		if (!is_digit(s[pos]))
			continue;
		if (sc->any_nz && k >= sc->first_nz)
			*u = *u * 10 + (dec_u128)(s[pos] - '0');
		k++;
	}
	return DEC_OK;
}

/* With an exponent and a digit other than 0: value = D * 10^e, D the significant digits without trailing zeros. */
static enum dec_err value_exp(const char *s, const struct dec_scan *sc, int cap, dec_u128 *u, long long *scale)
{
	long long sig = (long long)(sc->last_nz - sc->first_nz + 1);
	long long e = sc->exp - clamp_count(sc->nfrac) + clamp_count(sc->ndigits - 1 - sc->last_nz);
	long long need = e < 0 ? -e : 0;
	size_t pos, k;

	if (sig + (e > 0 ? e : 0) > DEC_MAX_DIGITS)
		return DEC_OVERFLOW;
	if (need > cap)
		return DEC_TOO_MANY_DECIMALS;
	*scale = clamp_count(sc->nfrac) - sc->exp;
	if (*scale > cap)
		*scale = cap;
	if (*scale < need)
		*scale = need;
	if (sig + e + *scale > DEC_MAX_DIGITS)
		*scale = DEC_MAX_DIGITS - sig - e;
	if (*scale < need)
		return DEC_OVERFLOW;
	for (pos = sc->int_start, k = 0; k <= sc->last_nz; pos++) {
		if (!is_digit(s[pos]))
			continue;
		if (k >= sc->first_nz)
			*u = *u * 10 + (dec_u128)(s[pos] - '0');
		k++;
	}
	*u *= pow10u((int)(e + *scale));
	return DEC_OK;
}

enum dec_err dec_parse(const char *s, size_t len, int max_scale, unsigned flags, dec_t *out)
{
	struct dec_scan sc = { 0 };
	int cap = max_scale < 0 ? 0 : max_scale > DEC_MAX_SCALE ? DEC_MAX_SCALE : max_scale;
	dec_u128 u = 0;
	long long scale;
	enum dec_err e;

	if (!s || !len)
		return DEC_EMPTY;
	e = scan(s, len, flags, &sc);
	if (e)
		return e;
	if (!sc.have_exp) {
		e = value_plain(s, &sc, cap, &u, &scale);
	} else if (!sc.any_nz) {
		/* Zero: the natural scale, as far as it fits. */
		scale = clamp_count(sc.nfrac) - sc.exp;
		if (scale < 0)
			scale = 0;
		if (scale > cap)
			scale = cap;
	} else {
		e = value_exp(s, &sc, cap, &u, &scale);
	}
	if (e)
		return e;
	out->m = with_sign(u, sc.neg);
	out->scale = (int)scale;
	return DEC_OK;
}

const char *dec_strerror(enum dec_err e)
{
	switch (e) {
	case DEC_OK:
		return "no error";
	case DEC_EMPTY:
		return "empty";
	case DEC_SYNTAX:
		return "not a decimal number";
	case DEC_NEGATIVE:
		return "negative not allowed";
	case DEC_TOO_MANY_DECIMALS:
		return "too many decimal places";
	case DEC_OVERFLOW:
		return "too many digits to hold exactly";
	case DEC_TOO_LARGE:
		return "above the allowed maximum";
	}
	return "unknown error";
}

enum dec_err dec_check_max(dec_t a, const char *max)
{
	dec_t lim;
	enum dec_err e;

	if (!max)
		return DEC_EMPTY;
	e = dec_parse(max, strlen(max), DEC_MAX_SCALE, DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, &lim);
	if (e != DEC_OK)
		return e;
	if (!dec_is_valid(a))
		return DEC_SYNTAX;
	return dec_cmp(a, lim) > 0 ? DEC_TOO_LARGE : DEC_OK;
}

int dec_cmp(dec_t a, dec_t b)
{
	dec_i128 pa, pb, ia, ib, fa, fb;
	int s;

	if (!dec_is_valid(a) || !dec_is_valid(b))
		return dec_is_valid(a) - dec_is_valid(b);
	/*
	 * Aligning the mantissas could need 36 + 30 digits, so compare the
	 * integer parts (truncated: each value lies in its own interval), then
	 * the fractions, which are below 10^30 once aligned.
	 */
	pa = (dec_i128)pow10u(a.scale);
	pb = (dec_i128)pow10u(b.scale);
	ia = a.m / pa;
	ib = b.m / pb;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	s = a.scale > b.scale ? a.scale : b.scale;
	fa = (a.m % pa) * (dec_i128)pow10u(s - a.scale);
	fb = (b.m % pb) * (dec_i128)pow10u(s - b.scale);
	return fa < fb ? -1 : fa > fb;
}

/* x * 10^d into *r when it fits in 128 bits (d <= 38); -1 otherwise. */
static int scale_up(dec_i128 x, int d, dec_i128 *r)
{
	dec_u128 p = pow10u(d), u = mag(x);

	if (u && u > (dec_u128)I128_MAX / p)
		return -1;
	*r = with_sign(u * p, x < 0);
	return 0;
}

static int add_or_sub(dec_t a, dec_t b, int sub, dec_t *out)
{
	dec_i128 x, y, r;
	int s;

	if (!dec_is_valid(a) || !dec_is_valid(b))
		return -1;
	s = a.scale > b.scale ? a.scale : b.scale;
	if (scale_up(a.m, s - a.scale, &x) || scale_up(b.m, s - b.scale, &y))
		return -1;
	/* |x|, |y| < 2^127: x - y and x + y are checked before they are done. */
	if (sub) {
		if ((y < 0 && x > I128_MAX + y) || (y > 0 && x < I128_MIN + y))
			return -1;
		r = x - y;
	} else {
		if ((y > 0 && x > I128_MAX - y) || (y < 0 && x < I128_MIN - y))
			return -1;
		r = x + y;
	}
	if (mag(r) > mant_max())
		return -1;
	out->m = r;
	out->scale = s;
	return 0;
}

int dec_add(dec_t a, dec_t b, dec_t *out)
{
	return add_or_sub(a, b, 0, out);
}

int dec_sub(dec_t a, dec_t b, dec_t *out)
{
	return add_or_sub(a, b, 1, out);
}

/* A 256-bit unsigned number, least significant 64-bit limb first. */
struct u256 {
	uint64_t l[4];
};

static struct u256 mul_128(dec_u128 a, dec_u128 b)
{
	uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
	uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
	dec_u128 p00 = (dec_u128)a0 * b0, p01 = (dec_u128)a0 * b1;
	dec_u128 p10 = (dec_u128)a1 * b0, p11 = (dec_u128)a1 * b1;
	dec_u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
	dec_u128 hi = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + (uint64_t)p11;
	struct u256 r;

	r.l[0] = (uint64_t)p00;
	r.l[1] = (uint64_t)mid;
	r.l[2] = (uint64_t)hi;
	r.l[3] = (uint64_t)((hi >> 64) + (p11 >> 64));
	return r;
}

/* Divides *n by 10 if that is exact; returns 1 if it did. */
static int div10_exact(struct u256 *n)
{
	struct u256 q;
	dec_u128 rem = 0;

	for (int i = 3; i >= 0; i--) {
		dec_u128 cur = (rem << 64) | n->l[i];

		q.l[i] = (uint64_t)(cur / 10);
		rem = cur % 10;
	}
	if (rem)
		return 0;
	*n = q;
	return 1;
}

/* The value of n when it is at most mant_max(), via *u; else 0. */
static int u256_fits(const struct u256 *n, dec_u128 *u)
{
	dec_u128 lo = ((dec_u128)n->l[1] << 64) | n->l[0];

	if (n->l[2] || n->l[3] || lo > mant_max())
		return 0;
	*u = lo;
	return 1;
}

int dec_mul(dec_t a, dec_t b, dec_t *out)
{
	struct u256 p;
	dec_u128 u;
	int scale;

	if (!dec_is_valid(a) || !dec_is_valid(b))
		return -1;
	p = mul_128(mag(a.m), mag(b.m));
	scale = a.scale + b.scale;
	while (scale > 0 && (scale > DEC_MAX_SCALE || !u256_fits(&p, &u)) && div10_exact(&p))
		scale--;
	if (scale > DEC_MAX_SCALE || !u256_fits(&p, &u))
		return -1;
	out->m = with_sign(u, (a.m < 0) != (b.m < 0));
	out->scale = scale;
	return 0;
}

int dec_round(dec_t a, int scale, dec_t *out)
{
	dec_u128 u = mag(a.m), p, q, r;

	if (!dec_is_valid(a) || !valid_scale(scale))
		return -1;
	if (scale >= a.scale) {
		p = pow10u(scale - a.scale);
		if (u > mant_max() / p)
			return -1;
		q = u * p;
	} else {
		p = pow10u(a.scale - scale);
		q = u / p;
		r = u % p;
		if (r >= p - r)         /* r >= p / 2, exactly: half goes away from zero */
			q++;
		if (q > mant_max())
			return -1;
	}
	out->m = with_sign(q, a.m < 0);
	out->scale = scale;
	return 0;
}

int dec_from_int(long long v, dec_t *out)
{
	out->m = v;
	out->scale = 0;
	return 0;
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
	/* 39 digits + 12 commas + sign + point + 30 decimals + NUL fit in 96. */
	char digits[48], text[96];
	size_t nd = 0, n = 0, intd, i;
	dec_u128 u = mag(a.m);

	if (!dec_is_valid(a)) {
		text[n++] = '?';
	} else {
		do {
			digits[nd++] = (char)('0' + (int)(u % 10));
			u /= 10;
		} while (u);
		while (nd <= (size_t)a.scale)
			digits[nd++] = '0';
		/* digits[] is least significant first; the integer part has nd - scale. */
		intd = nd - (size_t)a.scale;
		if (a.m < 0)
			text[n++] = '-';
		for (i = 0; i < intd; i++) {
			size_t left = intd - 1 - i;

			text[n++] = digits[nd - 1 - i];
			if (grouped && left && left % 3 == 0)
				text[n++] = ',';
		}
		if (a.scale) {
			text[n++] = '.';
			for (i = (size_t)a.scale; i-- > 0;)
				text[n++] = digits[i];
		}
	}
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(buf, text, c);
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
	if (r.m > LLONG_MAX || r.m < LLONG_MIN)
		return -1;
	*out = (long long)r.m;
	return 0;
}

int dec_add_i64(long long a, long long b, long long *out)
{
	long long r;

	if (__builtin_add_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

int dec_parse_i64(const char *s, size_t len, long long *out)
{
	dec_t d;

	if (dec_parse(s, len, 0, DEC_ALLOW_NEGATIVE, &d) != DEC_OK)
		return -1;
	return dec_to_scaled_i64(d, 0, out);
}

dec_t dec_from_scaled_i64(long long m, int scale)
{
	dec_t d = { m, scale };

	return d;
}

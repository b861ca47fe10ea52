/* decimal.h: exact decimal numbers as scaled 128-bit integers. */
#ifndef CITYINV_DECIMAL_H
#define CITYINV_DECIMAL_H

#include <stddef.h>

/*
 * DESIGN: a value is m / 10^scale with m a signed 128-bit integer and
 * 0 <= scale <= DEC_MAX_SCALE.  Addition, subtraction and multiplication are
 * exact (scales align or add); nothing rounds except dec_round(), which
 * rounds half away from zero.  So a line's kgCO2e is computed exactly from
 * the quantity and the factors, rounded once to 3 decimals, and totals are
 * sums of rounded lines.  No floating point anywhere.  Every operation that
 * could overflow checks and returns -1 rather than wrap.
 */
__extension__ typedef __int128 dec_i128;

#define DEC_MAX_SCALE 30

typedef struct {
	dec_i128 m;
	int scale;
} dec_t;

enum dec_err {
	DEC_OK = 0,
	DEC_EMPTY,              /* nothing to parse */
	DEC_SYNTAX,             /* not a plain decimal number */
	DEC_NEGATIVE,           /* a '-' where negatives are not allowed */
	DEC_TOO_MANY_DECIMALS,  /* more decimals than allowed */
	DEC_OVERFLOW,           /* too many digits to hold */
};

#define DEC_ALLOW_NEGATIVE 1   /* accept a leading '-' */
#define DEC_ALLOW_GROUPING 2   /* accept thousands separators: "1,234,567.5" */
#define DEC_ALLOW_EXPONENT 4   /* accept "9.7971e-05" (factor data only, never user input) */

/*
 * Parses s[0..len): ASCII digits, at most one '.', digits on both sides of
 * it; no '+', spaces, "0x", "NaN" or "inf".  More than max_scale decimals
 * (trailing zeros count: the user typed them) gives DEC_TOO_MANY_DECIMALS.
 * Returns DEC_OK with *out set, or the reason with *out unchanged.
 */
enum dec_err dec_parse(const char *s, size_t len, int max_scale, unsigned flags, dec_t *out);
const char *dec_strerror(enum dec_err e);

/* -1, 0 or 1, exactly, whatever the scales. */
int dec_cmp(dec_t a, dec_t b);
/* 0, or -1 on overflow.  The result's scale is the larger one. */
int dec_add(dec_t a, dec_t b, dec_t *out);
int dec_sub(dec_t a, dec_t b, dec_t *out);
/* Exact product (scales add; trailing zeros dropped if needed); -1 when it cannot be held exactly. */
int dec_mul(dec_t a, dec_t b, dec_t *out);
/* Rounds half away from zero to exactly `scale` decimals (pads when larger); -1 on overflow. */
int dec_round(dec_t a, int scale, dec_t *out);

dec_t dec_from_int(long long v);
int dec_is_zero(dec_t a);
int dec_sign(dec_t a);

/* "-1234.500" with exactly a.scale decimals; snprintf's return convention. */
size_t dec_format(dec_t a, char *buf, size_t size);
/* "1,234,567.500": the same with thousands separators. */
size_t dec_format_grouped(dec_t a, char *buf, size_t size);

/* The mantissa at `scale` (rounded half up) as int64, for storage; -1 if it does not fit. */
int dec_to_scaled_i64(dec_t a, int scale, long long *out);
dec_t dec_from_scaled_i64(long long m, int scale);

#endif

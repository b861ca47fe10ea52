/* decimal.h: exact decimal numbers as scaled 128-bit integers. */
#ifndef CITYINV_DECIMAL_H
#define CITYINV_DECIMAL_H

#include <stddef.h>

/*
 * DESIGN: a value is m / 10^scale with m a signed 128-bit integer and
 * 0 <= scale <= DEC_MAX_SCALE.  Every result this module makes keeps
 * |m| < 10^DEC_MAX_DIGITS, far enough below the 128-bit limit that
 * aligning and adding never wraps.  Addition, subtraction and
 * multiplication are exact (scales align or add); nothing rounds except
 * dec_round() (and dec_to_scaled_i64(), which uses it), always half away
 * from zero.  A line's kgCO2e is computed exactly from the quantity and the
 * factors, rounded once to 3 decimals, and totals are sums of rounded
 * lines.  Anything that cannot be held exactly is an error (-1 or a
 * dec_err), never a silent rounding or a wrap.  No floating point, no I/O,
 * no allocation, no global state.
 *
 * A dec_t whose scale is outside 0..DEC_MAX_SCALE is invalid (only a
 * struct literal or dec_from_scaled_i64() with a bad scale can make one):
 * the arithmetic refuses it with -1 and dec_format() writes "?".
 */
__extension__ typedef __int128 dec_i128;

/*
 * A result that says whether the value fits must be looked at: GCC and
 * clang warn (an error under -Werror) when a caller drops it, and a cast
 * to void does not silence them.
 */
#if defined(__GNUC__) || defined(__clang__)
#define DEC_MUST_CHECK __attribute__((warn_unused_result))
#else
#define DEC_MUST_CHECK
#endif

#define DEC_MAX_SCALE 30
#define DEC_MAX_DIGITS 36   /* mantissas of results stay below 10^36 */

typedef struct {
	dec_i128 m;
	int scale;
} dec_t;

enum dec_err {
	DEC_OK = 0,
	DEC_EMPTY,              /* nothing to parse */
	DEC_SYNTAX,             /* not a plain decimal number */
	DEC_NEGATIVE,           /* a '-' where negatives are not allowed */
	DEC_TOO_MANY_DECIMALS,  /* more decimals than allowed (or than can be held) */
	DEC_OVERFLOW,           /* too many digits to hold exactly */
	DEC_TOO_LARGE,          /* above the caller's maximum (dec_check_max) */
};

#define DEC_ALLOW_NEGATIVE 1   /* accept a leading '-' */
#define DEC_ALLOW_GROUPING 2   /* accept ASCII thousands separators: "1,234,567.5" */
#define DEC_ALLOW_EXPONENT 4   /* accept "9.7971e-05", "1E+3" (factor data only, never user input) */

/*
 * Parses s[0..len) (no NUL needed; an embedded NUL is a syntax error).
 * Returns DEC_OK with *out set, or the reason with *out unchanged.
 *
 * Syntax: an optional '-', ASCII digits, optionally '.' and more digits
 * (digits on both sides: ".5" and "5." are refused), nothing else: no '+',
 * spaces, "0x", "NaN", "inf" or full-width digits.  Leading zeros are fine.
 * DEC_ALLOW_GROUPING: the integer part may be a first group of 1-3 digits
 * not starting with '0' ("0,123" would be a decimal comma) followed by
 * ",ddd" groups of exactly 3.  DEC_ALLOW_EXPONENT: the number may end in
 * 'e' or 'E', an optional sign and at least one digit.
 *
 * Errors: DEC_EMPTY (len 0 or s NULL), then DEC_SYNTAX (also "-" alone
 * or '-' before a non-number), then DEC_NEGATIVE ('-' before a number,
 * "-0" included, without DEC_ALLOW_NEGATIVE), then DEC_TOO_MANY_DECIMALS
 * or DEC_OVERFLOW (more than DEC_MAX_DIGITS significant digits, "1e309").
 *
 * Scale: a plain number keeps the scale it was typed with, and more than
 * max_scale decimals are refused even when they are zeros ("1.0000" with
 * max_scale 3: the user typed 4 decimals).  A number with an exponent gets
 * the scale decimals - exponent (at least 0: "2.50e1" is 25.0), reduced by
 * dropping trailing zeros when it exceeds max_scale or needs more than
 * DEC_MAX_DIGITS digits; DEC_TOO_MANY_DECIMALS when it still does not fit.
 * max_scale is clamped to 0..DEC_MAX_SCALE.
 */
enum dec_err dec_parse(const char *s, size_t len, int max_scale, unsigned flags, dec_t *out);
/* A short English description of e, for logs; never NULL. */
const char *dec_strerror(enum dec_err e);

/*
 * DEC_OK when a <= max, DEC_TOO_LARGE when a > max, where max is a decimal
 * string such as "1e12" (parsed with negatives and exponents allowed); the
 * parse error when max is not a number (DEC_EMPTY for NULL) and DEC_SYNTAX
 * when a is invalid, so a bad limit or value refuses everything.
 * Quantities: dec_check_max(q, "1e12") != DEC_OK means refuse.
 */
enum dec_err dec_check_max(dec_t a, const char *max);

/* 1 when a's scale is within 0..DEC_MAX_SCALE, else 0. */
int dec_is_valid(dec_t a);
/* -1, 0 or 1, exactly, whatever the scales and mantissas (an invalid value sorts first). */
int dec_cmp(dec_t a, dec_t b);
/* 0, or -1 on overflow or an invalid operand.  The result's scale is the larger one. */
DEC_MUST_CHECK int dec_add(dec_t a, dec_t b, dec_t *out);
DEC_MUST_CHECK int dec_sub(dec_t a, dec_t b, dec_t *out);
/*
 * The exact product: 0, or -1 with *out unchanged.  The scales add; when
 * that exceeds DEC_MAX_SCALE or the mantissa reaches 10^DEC_MAX_DIGITS,
 * trailing zero digits are dropped first; if it still cannot be held
 * exactly, -1 (never a rounding).
 */
DEC_MUST_CHECK int dec_mul(dec_t a, dec_t b, dec_t *out);
/*
 * Rounds half away from zero (2.0045 -> 2.005, -2.5 -> -3) to exactly
 * `scale` decimals, padding with zeros when scale > a.scale.  0, or -1 when
 * scale is outside 0..DEC_MAX_SCALE, a is invalid or the result overflows.
 */
DEC_MUST_CHECK int dec_round(dec_t a, int scale, dec_t *out);

/* v at scale 0; always 0 (every long long fits). */
int dec_from_int(long long v, dec_t *out);
/* 1 when a is zero, else 0. */
int dec_is_zero(dec_t a);
/* -1, 0 or 1. */
int dec_sign(dec_t a);

/*
 * "-1234.500": the plain form with exactly a.scale decimals ("?" for an
 * invalid value), NUL-terminated and cut to fit size (nothing written when
 * size is 0).  Returns the length of the whole text, as snprintf does.
 */
size_t dec_format(dec_t a, char *buf, size_t size);
/* "-1,234,567.500": the same with ASCII commas in the integer part. */
size_t dec_format_grouped(dec_t a, char *buf, size_t size);

/*
 * a rounded half up to `scale` (dec_round), as an int64 mantissa for
 * DECIMAL/BIGINT columns: 0, or -1 (with *out unchanged) when it does not
 * fit or dec_round() fails.  Never ignore the result: a value that does
 * not fit must be refused, not stored as whatever *out held.
 */
DEC_MUST_CHECK int dec_to_scaled_i64(dec_t a, int scale, long long *out);
/*
 * *out = a + b for int64 sums of stored figures (BIGINT milli columns):
 * 0, or -1 with *out unchanged when the sum does not fit (never a wrap).
 */
DEC_MUST_CHECK int dec_add_i64(long long a, long long b, long long *out);
/*
 * An integer written as decimal text (what MySQL returns for SUM() of a
 * BIGINT column, a DECIMAL that may exceed int64) into *out: 0, or -1 with
 * *out unchanged when s is not a plain integer ("-" allowed, no decimals)
 * or does not fit in a long long.
 */
DEC_MUST_CHECK int dec_parse_i64(const char *s, size_t len, long long *out);
/* m / 10^scale; invalid (see above) when scale is outside 0..DEC_MAX_SCALE. */
dec_t dec_from_scaled_i64(long long m, int scale);

#endif

/* test_decimal.c: exact decimal arithmetic; expected values worked out by hand or with
 * python3's decimal module (prec=200, ROUND_HALF_UP), never with the module under test. */
#include <limits.h>
#include <string.h>

#include "decimal.h"
#include "tap.h"

/* fmt() and gfmt() rotate through these so one test can format two values. */
static char bufs[4][128];
static int nbuf;

static const char *fmt(dec_t d)
{
	char *b = bufs[nbuf++ % 4];

	dec_format(d, b, sizeof(bufs[0]));
	return b;
}

static const char *gfmt(dec_t d)
{
	char *b = bufs[nbuf++ % 4];

	dec_format_grouped(d, b, sizeof(bufs[0]));
	return b;
}

/* A literal (factor-data rules); a bad one is reported and is zero. */
static dec_t D(const char *s)
{
	dec_t d = { 0, 0 };

	if (dec_parse(s, strlen(s), DEC_MAX_SCALE, DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, &d) != DEC_OK)
		printf("# bad literal %s\n", s);
	return d;
}

static enum dec_err P(const char *s, int max_scale, unsigned flags, dec_t *out)
{
	return dec_parse(s, strlen(s), max_scale, flags, out);
}

/* Parses s (user-input rules, max 3 decimals) and formats it back, or names the error. */
static const char *user(const char *s, unsigned flags)
{
	dec_t d;
	enum dec_err e = P(s, 3, flags, &d);

	return e == DEC_OK ? fmt(d) : dec_strerror(e);
}

/* a rounded to scale, formatted. */
static const char *rnd(const char *a, int scale)
{
	dec_t r;

	if (dec_round(D(a), scale, &r))
		return "(error)";
	return fmt(r);
}

/* quantity x factor, rounded to 3 decimals: one line's kgCO2e. */
static const char *line(const char *q, const char *f)
{
	dec_t r;

	if (dec_mul(D(q), D(f), &r) || dec_round(r, 3, &r))
		return "(error)";
	return fmt(r);
}

static const char *product(const char *a, const char *b)
{
	dec_t r;

	if (dec_mul(D(a), D(b), &r))
		return "(error)";
	return fmt(r);
}

static void test_parse(void)
{
	dec_t d = { 7, 0 }, keep;
	unsigned neg_exp = DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT;

	/* What users type (max_scale 3, no flags). */
	is_str(user("1234.5", 0), "1234.5", "plain decimal keeps its scale");
	is_str(user("007", 0), "7", "leading zeros");
	is_str(user("00.50", 0), "0.50", "leading zeros and a trailing zero");
	is_str(user("0", 0), "0", "zero");
	is_str(user("0.000", 0), "0.000", "zero with 3 decimals");
	is_str(user("1000000000000", 0), "1000000000000", "10^12");
	is_str(user("1.234", 0), "1.234", "3 decimals allowed");
	is_int(P("1.0000", 3, 0, &d), DEC_TOO_MANY_DECIMALS, "1.0000: 4 decimals typed, 3 allowed");
	is_int(P("1.2345", 3, 0, &d), DEC_TOO_MANY_DECIMALS, "1.2345 with max_scale 3");
	is_int(P("1.5", 0, 0, &d), DEC_TOO_MANY_DECIMALS, "max_scale 0 refuses any decimal");
	is_int(P("15", 0, 0, &d), DEC_OK, "max_scale 0 takes an integer");

	/* Refusals. */
	is_int(P("", 3, 0, &d), DEC_EMPTY, "empty");
	is_int(dec_parse(NULL, 0, 3, 0, &d), DEC_EMPTY, "NULL");
	is_int(P("-", 3, 0, &d), DEC_SYNTAX, "lone minus");
	is_int(P("-", 3, DEC_ALLOW_NEGATIVE, &d), DEC_SYNTAX, "lone minus, negatives allowed");
	is_int(P("-1", 3, 0, &d), DEC_NEGATIVE, "-1 refused");
	is_int(P("-0", 3, 0, &d), DEC_NEGATIVE, "-0 refused");
	is_int(P("-0.000", 3, 0, &d), DEC_NEGATIVE, "-0.000 refused");
	is_int(P("-1.23456", 3, 0, &d), DEC_NEGATIVE, "negative reported before too many decimals");
	is_int(P("-abc", 3, 0, &d), DEC_SYNTAX, "'-' before a non-number is a syntax error");
	is_int(P("--1", 3, DEC_ALLOW_NEGATIVE, &d), DEC_SYNTAX, "two minus signs");
	is_int(P("+1", 3, 0, &d), DEC_SYNTAX, "plus sign");
	is_int(P(" 1", 3, 0, &d), DEC_SYNTAX, "leading space");
	is_int(P("1 ", 3, 0, &d), DEC_SYNTAX, "trailing space");
	is_int(P("1.2.3", 3, 0, &d), DEC_SYNTAX, "two dots");
	is_int(P(".5", 3, 0, &d), DEC_SYNTAX, ".5");
	is_int(P("5.", 3, 0, &d), DEC_SYNTAX, "5.");
	is_int(P(".", 3, 0, &d), DEC_SYNTAX, "a dot alone");
	is_int(P("NaN", 3, neg_exp, &d), DEC_SYNTAX, "NaN");
	is_int(P("inf", 3, neg_exp, &d), DEC_SYNTAX, "inf");
	is_int(P("-inf", 3, neg_exp, &d), DEC_SYNTAX, "-inf");
	is_int(P("0x10", 3, 0, &d), DEC_SYNTAX, "hex");
	is_int(P("1e3", 3, 0, &d), DEC_SYNTAX, "exponent without the flag");
	is_int(P("1e309", 3, 0, &d), DEC_SYNTAX, "1e309 without the flag");
	is_int(P("\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", 3, 0, &d), DEC_SYNTAX,
	       "full-width digits: normalisation happens elsewhere");
	is_int(dec_parse("1\0" "2", 3, 3, 0, &d), DEC_SYNTAX, "embedded NUL");
	is_int(dec_parse("12", 1, 3, 0, &d), DEC_OK, "only len bytes are read");
	is_int(d.m, 1, "... giving 1");

	/* Digits: up to 36 significant ones. */
	is_str(user("999999999999999999999999999999999999", 0), "999999999999999999999999999999999999",
	       "36 digits fit");
	is_int(P("1000000000000000000000000000000000000", 3, 0, &d), DEC_OVERFLOW, "37 digits overflow");
	is_int(P("12345678901234567890123456789012345678901234567890", 3, 0, &d), DEC_OVERFLOW, "50 digits overflow");
	is_str(user("0000000000000000000000000000000000000001", 0), "1", "leading zeros do not count");
	is_int(P("99999999999999999999999999999999999.9", 3, 0, &d), DEC_OK, "36 digits with a decimal");
	is_int(P("99999999999999999999999999999999999.90", 3, 0, &d), DEC_OVERFLOW,
	       "37 typed digits overflow even when the last is a zero");
	is_int(P("0.000000000000000000000000000001", 30, 0, &d), DEC_OK, "30 decimals");
	is_int(P("0.0000000000000000000000000000010", 40, 0, &d), DEC_TOO_MANY_DECIMALS,
	       "31 decimals refused even with max_scale 40");

	/* *out is left alone on every error. */
	keep.m = 99;
	keep.scale = 2;
	d = keep;
	P("x", 3, 0, &d);
	P("-1", 3, 0, &d);
	P("1.0000", 3, 0, &d);
	P("1e309", 3, DEC_ALLOW_EXPONENT, &d);
	P("", 3, 0, &d);
	ok(d.m == 99 && d.scale == 2, "output untouched on syntax, negative, decimals, overflow and empty");

	/* Negatives when allowed. */
	is_str(user("-1.5", DEC_ALLOW_NEGATIVE), "-1.5", "negative allowed by the flag");
	is_str(user("-0", DEC_ALLOW_NEGATIVE), "0", "-0 allowed is plain zero");
	ok(P("-0.00", 3, DEC_ALLOW_NEGATIVE, &d) == DEC_OK && dec_sign(d) == 0 && d.scale == 2, "-0.00 has sign 0");

	/* Thousands separators. */
	is_str(user("1,234,567.5", DEC_ALLOW_GROUPING), "1234567.5", "grouping");
	is_str(user("1,000", DEC_ALLOW_GROUPING), "1000", "one group");
	is_str(user("999", DEC_ALLOW_GROUPING), "999", "no separator needed");
	is_str(user("1234567", DEC_ALLOW_GROUPING), "1234567", "separators optional");
	is_str(user("-12,345.678", DEC_ALLOW_GROUPING | DEC_ALLOW_NEGATIVE), "-12345.678", "grouped negative");
	is_int(P("1,234", 3, 0, &d), DEC_SYNTAX, "grouping refused without the flag");
	is_int(P("12,34", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "12,34: group of 2");
	is_int(P("1,2345", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "1,2345: group of 4");
	is_int(P(",123", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, ",123: leading comma");
	is_int(P("1,,234", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "1,,234: double comma");
	is_int(P("1234,567", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "1234,567: first group of 4");
	is_int(P("123,", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "123,: trailing comma");
	is_int(P("1,234,56", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "1,234,56: short last group");
	is_int(P("1.234,5", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "comma in the decimals");
	is_int(P("0,123", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "0,123 (a decimal comma?) refused");
	is_int(P("01,234", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "leading zero before a separator");
	is_int(P("-,123", 3, DEC_ALLOW_GROUPING | DEC_ALLOW_NEGATIVE, &d), DEC_SYNTAX, "-,123");
	is_int(P("1,234.5678", 3, DEC_ALLOW_GROUPING, &d), DEC_TOO_MANY_DECIMALS, "grouped with 4 decimals");

	/* Factor data with exponents. */
	is_int(P("9.7971e-05", 30, DEC_ALLOW_EXPONENT, &d), DEC_OK, "exponent form");
	ok(!strcmp(fmt(d), "0.000097971") && d.m == 97971 && d.scale == 9, "9.7971e-05 is 97971 / 10^9 exactly");
	is_int(P("4.1868E-09", 30, DEC_ALLOW_EXPONENT, &d), DEC_OK, "capital E");
	ok(!strcmp(fmt(d), "0.0000000041868") && d.m == 41868 && d.scale == 13, "4.1868E-09 is 41868 / 10^13 exactly");
	is_str(fmt(D("1e3")), "1000", "1e3");
	is_str(fmt(D("1E+3")), "1000", "1E+3");
	is_str(fmt(D("2.50e1")), "25.0", "2.50e1 keeps the typed precision");
	is_str(fmt(D("-9.7971e-05")), "-0.000097971", "negative exponent form");
	is_str(fmt(D("1e-30")), "0.000000000000000000000000000001", "1e-30");
	is_str(fmt(D("1e35")), "100000000000000000000000000000000000", "1e35 (36 digits)");
	is_str(fmt(D("0e-99999999999999999999")), "0.000000000000000000000000000000", "0e-huge is zero");
	is_str(fmt(D("0e99999999999999999999")), "0", "0e+huge is zero");
	is_str(fmt(D("1000000000000000000000000000000000000000e-39")), "1.000000000000000000000000000000",
	       "40 typed digits, exponent -39: scale 39 cut to 30 by dropping zeros");
	is_str(fmt(D("1.000000000000000000000000000000000000e6")), "1000000.00000000000000000000000000000",
	       "1.(36 zeros)e6: scale 29, where 36 digits fit");
	is_int(P("1e309", 30, DEC_ALLOW_EXPONENT, &d), DEC_OVERFLOW, "1e309 overflows with the flag");
	is_int(P("1e36", 30, DEC_ALLOW_EXPONENT, &d), DEC_OVERFLOW, "1e36 (37 digits) overflows");
	is_int(P("1e99999999999999999999999", 30, DEC_ALLOW_EXPONENT, &d), DEC_OVERFLOW, "huge exponent, no wrap");
	is_int(P("1e-31", 30, DEC_ALLOW_EXPONENT, &d), DEC_TOO_MANY_DECIMALS, "1e-31: beyond 30 decimals");
	is_int(P("1e-99999999999999999999", 30, DEC_ALLOW_EXPONENT, &d), DEC_TOO_MANY_DECIMALS,
	       "hugely negative exponent, no wrap");
	is_int(P("1.5e-3", 3, DEC_ALLOW_EXPONENT, &d), DEC_TOO_MANY_DECIMALS, "0.0015 needs 4 decimals");
	ok(P("1.0000e0", 3, DEC_ALLOW_EXPONENT, &d) == DEC_OK && !strcmp(fmt(d), "1.000"),
	   "with an exponent, trailing zeros are dropped to meet max_scale");
	is_int(P("1e", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, "1e");
	is_int(P("1e-", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, "1e-");
	is_int(P("1e+", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, "1e+");
	is_int(P("e5", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, "e5");
	is_int(P(".5e1", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, ".5e1");
	is_int(P("1e3.5", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, "1e3.5");
	is_int(P("1e 3", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, "1e 3");
	is_int(P("-1e3", 30, DEC_ALLOW_EXPONENT, &d), DEC_NEGATIVE, "negative exponent form without the flag");
}

static void test_round(void)
{
	dec_t r;

	is_str(rnd("2.0045", 3), "2.005", "2.0045 -> 2.005");
	is_str(rnd("2.0044999", 3), "2.004", "2.0044999 -> 2.004");
	is_str(rnd("-2.0045", 3), "-2.005", "-2.0045 -> -2.005");
	is_str(rnd("2.5", 0), "3", "2.5 -> 3");
	is_str(rnd("-2.5", 0), "-3", "-2.5 -> -3 (away from zero)");
	is_str(rnd("-2.4999", 0), "-2", "-2.4999 -> -2");
	is_str(rnd("1.005", 2), "1.01", "1.005 -> 1.01 (printf(\"%%.2f\", 1.005) says 1.00)");
	is_str(rnd("2.675", 2), "2.68", "2.675 -> 2.68 (a double says 2.67)");
	is_str(rnd("1.0005", 3), "1.001", "1.0005 -> 1.001 (printf(\"%%.3f\", 1.0005) says 1.000)");
	is_str(rnd("0.0005", 3), "0.001", "0.0005 -> 0.001");
	is_str(rnd("-0.0005", 3), "-0.001", "-0.0005 -> -0.001");
	is_str(rnd("0.0004999", 3), "0.000", "0.0004999 -> 0.000");
	is_str(rnd("-0.0004999", 3), "0.000", "-0.0004999 -> 0.000, no negative zero");
	is_str(rnd("9.9995", 3), "10.000", "carry into the integer part");
	is_str(rnd("999.5", 0), "1000", "carry adds a digit");
	is_str(rnd("7", 3), "7.000", "padding to 3 decimals");
	is_str(rnd("0.5", 0), "1", "0.5 -> 1");
	is_str(rnd("0.499999999999999999999999999999", 0), "0", "30 nines after 0.4 stay below a half");
	is_str(rnd("1.23", 2), "1.23", "same scale: unchanged");
	ok(dec_round(D("1"), 31, &r) == -1, "scale 31 refused");
	ok(dec_round(D("1"), -1, &r) == -1, "negative scale refused");
	ok(dec_round(D("999999999999999999999999999999999"), 4, &r) == -1, "padding past 36 digits refused");
	ok(dec_round(D("999999999999999999999999999999999"), 3, &r) == 0, "padding to exactly 36 digits");
}

static void test_arith(void)
{
	dec_t r, big = D("999999999999999999999999999999999999");
	const dec_t sentinel = { 424242, 3 };

	/* Exact where a double is not. */
	is_str(product("0.1", "3"), "0.3", "0.1 x 3 = 0.3 exactly (a double: 0.30000000000000004)");
	is_str(product("4.35", "100"), "435.00", "4.35 x 100 = 435.00 (a double: 434.99999999999994)");
	is_str(product("1.1", "1.1"), "1.21", "1.1 x 1.1 = 1.21");
	is_str(product("-0.5", "0.5"), "-0.25", "negative x positive");
	is_str(product("-0.5", "-0.5"), "0.25", "negative x negative");
	is_str(product("0", "-5"), "0", "zero x negative is plain zero");
	is_str(product("123456789.123", "0.000097971"), "12095.185087169433", "big quantity x small factor");
	ok(dec_add(D("0.1"), D("0.2"), &r) == 0 && !strcmp(fmt(r), "0.3"), "0.1 + 0.2 = 0.3");
	ok(dec_sub(D("1"), D("0.001"), &r) == 0 && !strcmp(fmt(r), "0.999"), "1 - 0.001 = 0.999 (scale is the larger)");
	ok(dec_sub(D("0.001"), D("1"), &r) == 0 && !strcmp(fmt(r), "-0.999"), "0.001 - 1 = -0.999");
	ok(dec_add(D("1.50"), D("-1.5"), &r) == 0 && dec_is_zero(r) && r.scale == 2, "1.50 + -1.5 = 0.00");
	{
		/* 1000 lines of 0.1 kg: a double sum gives 99.9999999999986. */
		dec_t total = { 0, 3 }, l;
		int i, fail = 0;

		for (i = 0; i < 1000; i++)
			fail |= dec_round(D("0.1"), 3, &l) || dec_add(total, l, &total);
		ok(!fail && !strcmp(fmt(total), "100.000"), "1000 x 0.100 = 100.000");
		/* Each 0.0015 rounds to 0.002: the total of the rounded lines is 2.000, not 1.500. */
		total.m = 0;
		for (i = 0; i < 1000; i++)
			fail |= dec_round(D("0.0015"), 3, &l) || dec_add(total, l, &total);
		ok(!fail && !strcmp(fmt(total), "2.000"), "total of 1000 rounded 0.0015 lines is 2.000");
		/* 3 x 0.3335: lines 0.334 each, total 1.002 (rounding the sum 1.0005 would give 1.001). */
		total.m = 0;
		for (i = 0; i < 3; i++)
			fail |= dec_round(D("0.3335"), 3, &l) || dec_add(total, l, &total);
		ok(!fail && !strcmp(fmt(total), "1.002"), "total is the sum of the rounded lines");
	}

	/* Comparison across scales. */
	is_int(dec_cmp(D("1.50"), D("1.5")), 0, "1.50 = 1.5");
	is_int(dec_cmp(D("1.5"), D("1.49999")), 1, "1.5 > 1.49999");
	is_int(dec_cmp(D("-1"), D("0.5")), -1, "-1 < 0.5");
	is_int(dec_cmp(D("-1.2"), D("-0.9")), -1, "-1.2 < -0.9");
	is_int(dec_cmp(D("-0.5"), D("0.3")), -1, "-0.5 < 0.3");
	is_int(dec_cmp(D("0"), D("0.000")), 0, "0 = 0.000");
	is_int(dec_cmp(D("1000000000000.001"), D("1e12")), 1, "10^12 + 0.001 > 10^12");
	is_int(dec_cmp(D("1e35"), D("99999.999999999999999999999999999999")), 1,
	       "cmp where aligning would overflow 128 bits");
	is_int(dec_cmp(D("-1e35"), D("-99999.999999999999999999999999999999")), -1, "... and negated");
	is_int(dec_cmp(D("123456789012.000000000000000000000000"), D("123456789012")), 0, "36-digit equal values");
	is_int(dec_cmp(big, D("99999999999999999999999999999999999.9")), 1, "36 nines > 35 nines .9");
	is_int(dec_cmp(D("0.000000000000000000000000000001"), D("0")), 1, "10^-30 > 0");

	/* Overflow is reported, never wrapped, and *out is left alone. */
	r = sentinel;
	ok(dec_add(big, D("1"), &r) == -1 && r.m == sentinel.m, "36 nines + 1 refused");
	ok(dec_sub(D("-999999999999999999999999999999999999"), D("1"), &r) == -1, "-(36 nines) - 1 refused");
	ok(dec_add(big, D("-1"), &r) == 0 && !strcmp(fmt(r), "999999999999999999999999999999999998"), "36 nines - 1 fine");
	ok(dec_add(D("1000000"), D("0.000000000000000000000000000001"), &r) == -1,
	   "10^6 + 10^-30 needs 37 digits");
	r = sentinel;
	ok(dec_mul(D("1e18"), D("1e18"), &r) == -1 && r.m == sentinel.m, "10^36 product refused");
	ok(dec_mul(D("1e18"), D("1e17"), &r) == 0 && !strcmp(fmt(r), "100000000000000000000000000000000000"),
	   "10^35 product fine");
	ok(dec_mul(big, big, &r) == -1, "72-digit product refused");
	ok(dec_mul(D("1000000000000"), D("3.5"), &r) == 0 && !strcmp(fmt(r), "3500000000000.0"), "10^12 x 3.5");
	ok(dec_mul(D("0.000000000000001"), D("0.000000000000001"), &r) == 0 && r.scale == 30, "scale 30 allowed");
	ok(dec_mul(D("0.0000000000000001"), D("0.000000000000001"), &r) == -1, "10^-31 refused, not rounded");
	ok(dec_mul(D("0.0000000000000005"), D("0.000000000000002"), &r) == 0 &&
	   !strcmp(fmt(r), "0.000000000000000000000000000001"), "scale 31 brought to 30 by dropping a zero of the product");
	ok(dec_mul(D("10000000000000000000.00"), D("10000000000000000.000"), &r) == 0 &&
	   !strcmp(fmt(r), "100000000000000000000000000000000000"),
	   "mantissa brought within 36 digits by dropping zeros");
	ok(dec_mul(D("0.000000000000000000000000000000"), D("0.000000000000000000000000000000"), &r) == 0 &&
	   dec_is_zero(r) && r.scale == 30, "zero x zero at scale 60 comes back at 30");
	{
		dec_t huge = { (dec_i128)1000000000000000000LL * 100000000000000000LL, 3 };   /* 10^35 / 1000 */

		ok(dec_mul(huge, D("2088"), &r) == 0 && !strcmp(fmt(r), "208800000000000000000000000000000000"),
		   "10^32.000 x 2088: exact once the product's zeros are dropped");
		ok(dec_round(r, 3, &r) == -1, "... but it cannot be shown with 3 decimals");
	}

	/* Conversions and signs. */
	is_int(dec_sign(D("-0.001")), -1, "sign of -0.001");
	is_int(dec_sign(D("0.000")), 0, "sign of zero");
	is_int(dec_sign(D("5")), 1, "sign of 5");
	ok(dec_is_zero(D("0.000")) && !dec_is_zero(D("0.001")), "dec_is_zero");
	ok(dec_from_int(-42, &r) == 0 && !strcmp(fmt(r), "-42"), "from int");
	ok(dec_from_int(LLONG_MIN, &r) == 0 && !strcmp(fmt(r), "-9223372036854775808"), "from LLONG_MIN");
	{
		long long m = 7;

		ok(dec_to_scaled_i64(D("4940.0004"), 3, &m) == 0 && m == 4940000, "to scaled int64 rounds down");
		ok(dec_to_scaled_i64(D("-2.0005"), 3, &m) == 0 && m == -2001, "to scaled int64 rounds half away");
		ok(dec_to_scaled_i64(D("9223372036854775.807"), 3, &m) == 0 && m == LLONG_MAX, "LLONG_MAX fits");
		m = 7;
		ok(dec_to_scaled_i64(D("9223372036854775.808"), 3, &m) == -1 && m == 7, "one more does not");
		ok(dec_to_scaled_i64(D("1e30"), 3, &m) == -1, "10^30 too big for int64");
		is_str(fmt(dec_from_scaled_i64(235523, 3)), "235.523", "from scaled int64");
		is_str(fmt(dec_from_scaled_i64(LLONG_MIN, 0)), "-9223372036854775808", "from scaled LLONG_MIN");
		ok(!dec_is_valid(dec_from_scaled_i64(1, 31)) && dec_is_valid(dec_from_scaled_i64(1, 30)),
		   "scale 31 makes an invalid value");
		ok(dec_add(dec_from_scaled_i64(1, 31), D("1"), &r) == -1 &&
		   dec_mul(dec_from_scaled_i64(1, -1), D("1"), &r) == -1, "invalid values refused");
		is_str(fmt(dec_from_scaled_i64(1, 31)), "?", "an invalid value formats as ?");
	}

	/* Bounds for input validation. */
	is_int(dec_check_max(D("1000000000000"), "1e12"), DEC_OK, "10^12 is within 1e12");
	is_int(dec_check_max(D("1000000000000.000"), "1000000000000"), DEC_OK, "scales do not matter");
	is_int(dec_check_max(D("1000000000000.001"), "1e12"), DEC_TOO_LARGE, "10^12 + 0.001 too large");
	is_int(dec_check_max(D("5"), "abc"), DEC_SYNTAX, "a bad limit refuses");
	is_int(dec_check_max(D("5"), NULL), DEC_EMPTY, "no limit refuses");
}

static void test_format(void)
{
	dec_t min = { 0, 0 };
	char small[5];
	size_t n;

	is_str(fmt(D("-1234.500")), "-1234.500", "plain negative");
	is_str(gfmt(D("1234567.5")), "1,234,567.5", "grouped");
	is_str(gfmt(D("-1234567.500")), "-1,234,567.500", "grouped negative keeps the scale");
	is_str(gfmt(D("-1234")), "-1,234", "grouped negative integer");
	is_str(gfmt(D("123")), "123", "no comma under 1000");
	is_str(gfmt(D("999999")), "999,999", "six digits");
	is_str(gfmt(D("1000000")), "1,000,000", "scale 0");
	is_str(gfmt(D("0.005")), "0.005", "zero integer part");
	is_str(gfmt(D("-0.5")), "-0.5", "negative fraction grouped");
	is_str(fmt(D("0")), "0", "zero at scale 0");
	is_str(fmt(D("0.000")), "0.000", "zero at scale 3");
	is_str(gfmt(D("0.000")), "0.000", "zero at scale 3 grouped");
	is_str(fmt(D("0.000000000000000000000000000001")), "0.000000000000000000000000000001", "scale 30");
	is_str(gfmt(D("999999999999999999999999999999999999")), "999,999,999,999,999,999,999,999,999,999,999,999",
	       "36 digits grouped");
	min.m = __extension__(-(dec_i128)(((unsigned __int128)1 << 127) - 1) - 1);
	is_str(gfmt(min), "-170,141,183,460,469,231,731,687,303,715,884,105,728", "the most negative mantissa");
	n = dec_format(D("123456"), small, sizeof(small));
	ok(n == 6 && !strcmp(small, "1234"), "cut to fit, returns the full length");
	n = dec_format_grouped(D("-123456.75"), small, sizeof(small));
	ok(n == 11 && !strcmp(small, "-123"), "grouped cut to fit, returns the full length");
	ok(dec_format(D("-1.5"), NULL, 0) == 4, "size 0 writes nothing and returns the length");
}

static void test_strerror(void)
{
	const enum dec_err all[] = { DEC_OK, DEC_EMPTY, DEC_SYNTAX, DEC_NEGATIVE, DEC_TOO_MANY_DECIMALS,
				     DEC_OVERFLOW, DEC_TOO_LARGE };
	size_t i, j, n = sizeof(all) / sizeof(all[0]);
	int fine = 1;

	for (i = 0; i < n; i++) {
		const char *m = dec_strerror(all[i]);

		if (!m || !*m || !strcmp(m, "unknown error"))
			fine = 0;
		for (j = 0; j < i; j++)
			if (!strcmp(m, dec_strerror(all[j])))
				fine = 0;
	}
	ok(fine, "every error has its own description");
	is_str(dec_strerror((enum dec_err)99), "unknown error", "an unknown code");
}

/* The worked checks of the product spec, each from decimal strings, rounded to 3 decimals. */
static void test_worked(void)
{
	dec_t f, r;

	is_str(line("10000", "0.494"), "4940.000", "10,000 kWh x 0.494 = 4940.000");
	is_str(line("2", "1923.5"), "3847.000", "2 kg R410A x 1923.5 = 3847.000");
	is_str(line("5", "1"), "5.000", "5 kg CO2 extinguisher x 1 = 5.000");

	/* LPG per kg: 63100 kg/TJ x 10972 kcal/kg x 4.1868E-09 TJ/kcal.
	 * 63100 x 10972 = 692333200; x 41868 = 28986606417600; / 10^13 (python Decimal agrees). */
	ok(dec_mul(D("63100"), D("10972"), &f) == 0 && dec_mul(f, D("4.1868E-09"), &f) == 0, "LPG factor computed");
	is_str(fmt(f), "2.8986606417600", "LPG per kg exactly 2.8986606417600");
	ok(dec_round(f, 3, &r) == 0 && !strcmp(fmt(r), "2.899"), "LPG per kg to 3 decimals: 2.899");
	ok(dec_mul(D("1000"), f, &r) == 0 && dec_round(r, 3, &r) == 0 && !strcmp(fmt(r), "2898.661"),
	   "1000 kg LPG = 2898.661");
	ok(dec_mul(D("123.456"), f, &r) == 0 && !strcmp(fmt(r), "357.8570481891225600") &&
	   dec_round(r, 3, &r) == 0 && !strcmp(fmt(r), "357.857"), "123.456 kg LPG = 357.8570481891225600 -> 357.857");

	/* 100 L gasoline: 2.263132872 x 1 + 0.000816426 x 28 + 0.000261256 x 265 per litre. */
	{
		dec_t co2, ch4, n2o;

		ok(dec_mul(D("2.263132872"), D("1"), &co2) == 0 && dec_mul(D("0.000816426"), D("28"), &ch4) == 0 &&
		   dec_mul(D("0.000261256"), D("265"), &n2o) == 0 && dec_add(co2, ch4, &f) == 0 &&
		   dec_add(f, n2o, &f) == 0, "gasoline factor computed");
		is_str(fmt(f), "2.355225640", "gasoline CO2e per litre exactly 2.355225640");
		ok(dec_mul(D("100"), f, &r) == 0 && dec_round(r, 3, &r) == 0 && !strcmp(fmt(r), "235.523"),
		   "100 L gasoline = 235.523");
	}

	/* A form's total is the sum of its rounded lines. */
	{
		const char *q[] = { "1234.567", "2.5", "37.9", "0.333" };
		const char *fa[] = { "0.494", "1923.5", "2.263132872", "0.000816426" };
		const char *want[] = { "609.876", "4808.750", "85.773", "0.000" };
		dec_t total = { 0, 3 };
		int i, fine = 1;

		for (i = 0; i < 4; i++) {
			const char *got = line(q[i], fa[i]);

			if (strcmp(got, want[i]))
				fine = 0;
			if (dec_add(total, D(got), &total))
				fine = 0;
		}
		ok(fine && !strcmp(gfmt(total), "5,504.399"), "four lines total 5,504.399");
	}
}

/*
 * The int64 edge (BIGINT *_milli columns): conversions, checked sums and
 * MySQL's SUM() text, each at the limit and one step beyond; and issue 10's
 * case, which the old save stored as 0 because it ignored a refusal here.
 */
static void test_int64_edge(void)
{
	long long m;
	dec_t sum = { 0, 3 }, line;

	m = 7;
	ok(dec_to_scaled_i64(D("-9223372036854775.808"), 3, &m) == 0 && m == LLONG_MIN, "LLONG_MIN thousandths fit");
	m = 7;
	ok(dec_to_scaled_i64(D("-9223372036854775.809"), 3, &m) == -1 && m == 7, "one below does not, *out kept");
	ok(dec_to_scaled_i64(D("9223372036854775.8074"), 3, &m) == 0 && m == LLONG_MAX, "rounds down onto LLONG_MAX");
	m = 7;
	ok(dec_to_scaled_i64(D("9223372036854775.8075"), 3, &m) == -1 && m == 7, "rounds up past LLONG_MAX: refused");

	m = 7;
	ok(dec_add_i64(LLONG_MAX - 1, 1, &m) == 0 && m == LLONG_MAX, "LLONG_MAX - 1 + 1 fits");
	m = 7;
	ok(dec_add_i64(LLONG_MAX, 1, &m) == -1 && m == 7, "LLONG_MAX + 1 refused, *out kept");
	ok(dec_add_i64(LLONG_MIN, -1, &m) == -1 && m == 7, "LLONG_MIN - 1 refused");
	ok(dec_add_i64(LLONG_MIN, LLONG_MAX, &m) == 0 && m == -1, "LLONG_MIN + LLONG_MAX = -1");
	ok(dec_add_i64(-5, 3, &m) == 0 && m == -2, "small sums");

	ok(dec_parse_i64("9223372036854775807", 19, &m) == 0 && m == LLONG_MAX, "SUM() text at LLONG_MAX");
	ok(dec_parse_i64("-9223372036854775808", 20, &m) == 0 && m == LLONG_MIN, "SUM() text at LLONG_MIN");
	m = 7;
	ok(dec_parse_i64("9223372036854775808", 19, &m) == -1 && m == 7, "one more refused, *out kept");
	ok(dec_parse_i64("-9223372036854775809", 20, &m) == -1, "one less refused");
	ok(dec_parse_i64("78856000000000000467", 20, &m) == -1, "a 20-digit SUM() refused (strtoll would saturate)");
	ok(dec_parse_i64("12.5", 4, &m) == -1 && dec_parse_i64("", 0, &m) == -1 && dec_parse_i64("1e3", 3, &m) == -1 &&
	   dec_parse_i64("abc", 3, &m) == -1 && m == 7, "not an integer: refused");
	ok(dec_parse_i64("0", 1, &m) == 0 && m == 0 && dec_parse_i64("-42", 3, &m) == 0 && m == -42, "0 and -42");

	/*
	 * Issue 10: twenty rows of 10^12 kg R404A x GWP 3942.8 (AR5).  Each line
	 * fits, their exact sum is fine in 128 bits, but its thousandths do not
	 * fit int64: the conversion must say so (the old save ignored it).
	 */
	ok(dec_mul(D("1000000000000"), D("3942.8"), &line) == 0 && dec_to_scaled_i64(line, 3, &m) == 0 &&
	   m == 3942800000000000000LL, "one 10^12 kg R404A line: 3,942,800,000,000,000 kg fits");
	for (int i = 0; i < 20; i++)
		if (dec_add(sum, line, &sum))
			break;
	is_str(gfmt(sum), "78,856,000,000,000,000.000", "twenty of them, exactly");
	m = 7;
	ok(dec_to_scaled_i64(sum, 3, &m) == -1 && m == 7, "... whose thousandths do not fit int64: refused, nothing stored");
}

int main(void)
{
	test_parse();
	test_round();
	test_arith();
	test_format();
	test_strerror();
	test_worked();
	test_int64_edge();
	return tap_done();
}

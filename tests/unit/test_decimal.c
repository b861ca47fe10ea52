/* test_decimal.c: exact decimal arithmetic; expected values worked out by hand or with
 * python3's decimal module, never with the module under test. */
#include <string.h>

#include "decimal.h"
#include "tap.h"

static char buf[128];

static const char *fmt(dec_t d)
{
	dec_format(d, buf, sizeof(buf));
	return buf;
}

static dec_t D(const char *s)
{
	dec_t d = { 0, 0 };

	if (dec_parse(s, strlen(s), 30, DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, &d) != DEC_OK)
		printf("# bad literal %s\n", s);
	return d;
}

static enum dec_err P(const char *s, int max_scale, unsigned flags, dec_t *out)
{
	return dec_parse(s, strlen(s), max_scale, flags, out);
}

/* quantity × factor, rounded to 3 decimals, as a string. */
static const char *line(const char *q, const char *f)
{
	dec_t r;

	if (dec_mul(D(q), D(f), &r) || dec_round(r, 3, &r))
		return "(error)";
	return fmt(r);
}

int main(void)
{
	dec_t d = { 7, 0 }, r;

	/* Parsing: what users type. */
	is_int(P("1234.5", 3, 0, &d), DEC_OK, "plain decimal");
	is_str(fmt(d), "1234.5", "keeps its scale");
	is_int(P("007", 3, 0, &d), DEC_OK, "leading zeros");
	is_str(fmt(d), "7", "leading zeros dropped");
	is_int(P("0", 3, 0, &d), DEC_OK, "zero");
	is_int(P("0.000", 3, 0, &d), DEC_OK, "zero with 3 decimals");
	is_int(P("1000000000000", 3, 0, &d), DEC_OK, "10^12");
	d.m = 99;
	is_int(P("", 3, 0, &d), DEC_EMPTY, "empty");
	is_int(d.m, 99, "output untouched on error");
	is_int(P("-", 3, DEC_ALLOW_NEGATIVE, &d), DEC_SYNTAX, "lone minus");
	is_int(P("-1", 3, 0, &d), DEC_NEGATIVE, "negative refused");
	is_int(P("-0", 3, 0, &d), DEC_NEGATIVE, "-0 refused");
	is_int(P("-1.5", 3, DEC_ALLOW_NEGATIVE, &d), DEC_OK, "negative allowed by flag");
	is_str(fmt(d), "-1.5", "negative value");
	is_int(P("+1", 3, 0, &d), DEC_SYNTAX, "plus sign refused");
	is_int(P(" 1", 3, 0, &d), DEC_SYNTAX, "leading space refused");
	is_int(P("1 ", 3, 0, &d), DEC_SYNTAX, "trailing space refused");
	is_int(P("1.2.3", 3, 0, &d), DEC_SYNTAX, "two dots");
	is_int(P(".5", 3, 0, &d), DEC_SYNTAX, ".5 refused");
	is_int(P("5.", 3, 0, &d), DEC_SYNTAX, "5. refused");
	is_int(P("NaN", 3, 0, &d), DEC_SYNTAX, "NaN");
	is_int(P("inf", 3, 0, &d), DEC_SYNTAX, "inf");
	is_int(P("0x10", 3, 0, &d), DEC_SYNTAX, "hex");
	is_int(P("1e309", 3, 0, &d), DEC_SYNTAX, "exponent refused without the flag");
	is_int(P("1e309", 3, DEC_ALLOW_EXPONENT, &d), DEC_OVERFLOW, "1e309 overflows with the flag");
	is_int(P("\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", 3, 0, &d), DEC_SYNTAX, "full-width digits are normalised elsewhere");
	is_int(P("1.0000", 3, 0, &d), DEC_TOO_MANY_DECIMALS, "4 decimals typed, 3 allowed");
	is_int(P("1.234", 3, 0, &d), DEC_OK, "3 decimals allowed");
	is_int(P("12345678901234567890123456789012345678", 3, 0, &d), DEC_OVERFLOW, "38 digits overflow");
	is_int(P("1,234,567.5", 3, DEC_ALLOW_GROUPING, &d), DEC_OK, "grouping");
	is_str(fmt(d), "1234567.5", "grouping removed");
	is_int(P("1,234", 3, 0, &d), DEC_SYNTAX, "grouping refused without the flag");
	is_int(P("12,34", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "group of 2");
	is_int(P("1,2345", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "group of 4");
	is_int(P(",123", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "leading comma");
	is_int(P("1,,234", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "double comma");
	is_int(P("1234,567", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "first group of 4");
	is_int(P("123,", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "trailing comma");
	is_int(P("1.234,5", 3, DEC_ALLOW_GROUPING, &d), DEC_SYNTAX, "comma in decimals");

	/* Factor data with exponents. */
	is_int(P("9.7971e-05", 30, DEC_ALLOW_EXPONENT, &d), DEC_OK, "exponent form");
	is_str(fmt(d), "0.000097971", "9.7971e-05 exactly");
	is_int(P("4.1868E-09", 30, DEC_ALLOW_EXPONENT, &d), DEC_OK, "capital E");
	is_str(fmt(d), "0.0000000041868", "4.1868E-09 exactly");
	is_int(P("1e3", 30, DEC_ALLOW_EXPONENT, &d), DEC_OK, "positive exponent");
	is_str(fmt(d), "1000", "1e3");
	is_int(P("2.5e+2", 30, DEC_ALLOW_EXPONENT, &d), DEC_OK, "explicit plus exponent");
	is_str(fmt(d), "250", "2.5e+2");
	is_int(P("1e", 30, DEC_ALLOW_EXPONENT, &d), DEC_SYNTAX, "exponent without digits");

	/* Rounding half away from zero. */
	dec_round(D("2.0045"), 3, &r);
	is_str(fmt(r), "2.005", "2.0045 -> 2.005");
	dec_round(D("2.0044999"), 3, &r);
	is_str(fmt(r), "2.004", "2.0044999 -> 2.004");
	dec_round(D("-2.5"), 0, &r);
	is_str(fmt(r), "-3", "-2.5 -> -3");
	dec_round(D("2.5"), 0, &r);
	is_str(fmt(r), "3", "2.5 -> 3");
	dec_round(D("1.005"), 2, &r);
	is_str(fmt(r), "1.01", "1.005 -> 1.01 (printf with a double says 1.00)");
	dec_round(D("7"), 3, &r);
	is_str(fmt(r), "7.000", "padding to 3 decimals");
	dec_round(D("0.0004999"), 3, &r);
	is_str(fmt(r), "0.000", "tiny rounds to zero");

	/* Exact arithmetic. */
	dec_mul(D("0.1"), D("3"), &r);
	ok(dec_cmp(r, D("0.3")) == 0, "0.1 x 3 = 0.3 exactly");
	dec_add(D("0.1"), D("0.2"), &r);
	is_str(fmt(r), "0.3", "0.1 + 0.2 = 0.3");
	dec_sub(D("1"), D("0.001"), &r);
	is_str(fmt(r), "0.999", "1 - 0.001");
	ok(dec_cmp(D("1.50"), D("1.5")) == 0, "cmp across scales: equal");
	ok(dec_cmp(D("-1"), D("0.5")) < 0, "cmp negative < positive");
	ok(dec_cmp(D("1000000000000.001"), D("1000000000000")) > 0, "cmp large with decimals");
	is_int(dec_sign(D("-0.001")), -1, "sign");
	ok(dec_is_zero(D("0.000")), "zero test");

	/* The worked checks of SPEC 4 (data year 2023, AR5), line by line. */
	is_str(line("10000", "0.494"), "4940.000", "10,000 kWh x 0.494");
	is_str(line("2", "1923.5"), "3847.000", "2 kg R410A x 1923.5");
	is_str(line("5", "1"), "5.000", "5 kg CO2 extinguisher");
	{
		/* 100 L gasoline, 公務車: 2.263132872 x 1 + 0.000816426 x 28 + 0.000261256 x 265 */
		dec_t co2, ch4, n2o, f;
		dec_mul(D("2.263132872"), D("1"), &co2);
		dec_mul(D("0.000816426"), D("28"), &ch4);
		dec_mul(D("0.000261256"), D("265"), &n2o);
		dec_add(co2, ch4, &f);
		dec_add(f, n2o, &f);
		is_str(fmt(f), "2.355225640", "gasoline CO2e per litre, exact");
		dec_mul(D("100"), f, &r);
		dec_round(r, 3, &r);
		is_str(fmt(r), "235.523", "100 L gasoline in a 公務車 -> 235.523");
	}
	{
		/* LPG per kg: 63100 kg/TJ x 10972 kcal/kg x 4.1868E-09 TJ/kcal = 2.89866064176 (python Decimal) */
		dec_t f;
		ok(dec_mul(D("63100"), D("10972"), &f) == 0 && dec_mul(f, D("4.1868E-09"), &f) == 0, "LPG factor computed");
		ok(dec_cmp(f, D("2.89866064176")) == 0, "LPG per kg exactly 2.89866064176");
		dec_mul(D("123456789.123"), D("0.000097971"), &r);
		is_str(fmt(r), "12095.185087169433", "big quantity x small factor, exact (python Decimal)");
	}
	{
		/* Sums of rounded lines: 3 x 0.3335 rounds to 0.334 each, total 1.002 (not 1.001). */
		dec_t total = { 0, 3 }, l;
		for (int i = 0; i < 3; i++) {
			dec_round(D("0.3335"), 3, &l);
			dec_add(total, l, &total);
		}
		is_str(fmt(total), "1.002", "total is the sum of the rounded lines");
	}

	/* Overflow is reported, never wrapped. */
	ok(dec_mul(D("1000000000000000000"), D("1000000000000000000"), &r) == -1, "product beyond 10^36 refused");
	ok(dec_add(D("999999999999999999999999999999999999"), D("1"), &r) == -1, "sum beyond 10^36 refused");
	ok(dec_mul(D("1000000000000"), D("3.5"), &r) == 0, "10^12 x 3.5 fine");
	ok(dec_mul(D("0.000000000000001"), D("0.000000000000001"), &r) == 0 && r.scale == 30, "scale 30 allowed");
	ok(dec_mul(D("0.0000000000000001"), D("0.000000000000001"), &r) == -1, "scale 31 refused, not rounded");

	/* Formatting. */
	dec_format_grouped(D("1234567.5"), buf, sizeof(buf));
	is_str(buf, "1,234,567.5", "grouped");
	dec_format_grouped(D("-1234"), buf, sizeof(buf));
	is_str(buf, "-1,234", "grouped negative");
	dec_format_grouped(D("123"), buf, sizeof(buf));
	is_str(buf, "123", "no comma under 1000");
	dec_format_grouped(D("0.005"), buf, sizeof(buf));
	is_str(buf, "0.005", "zero integer part");
	dec_round(D("0"), 3, &r);
	is_str(fmt(r), "0.000", "zero at scale 3");
	is_str(fmt(D("-0.5")), "-0.5", "negative fraction");
	{
		char small[5];
		size_t n = dec_format(D("123456"), small, sizeof(small));
		ok(n == 6 && !strcmp(small, "1234"), "truncating format returns the full length");
	}
	{
		long long m;
		ok(dec_to_scaled_i64(D("4940.0004"), 3, &m) == 0 && m == 4940000, "to scaled int64 rounds");
		ok(dec_to_scaled_i64(D("1e30"), 3, &m) == -1, "too big for int64");
		is_str(fmt(dec_from_scaled_i64(235523, 3)), "235.523", "from scaled int64");
		is_str(fmt(dec_from_int(-42)), "-42", "from int");
	}
	return tap_done();
}

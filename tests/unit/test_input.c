/* test_input.c: the validators of typed input that guard the database's column types. */
#include <string.h>

#include "input.h"
#include "tap.h"

static struct arena a;

static enum input_err date(const char *s, const char **out)
{
	return input_date(&a, s, strlen(s), 2000, 2100, out);
}

int main(void)
{
	const char *out;

	arena_init(&a, 4096);
	{
		dec_t q;
		const char *n;

		is_int(input_quantity(&a, "１２３４．５", strlen("１２３４．５"), 1000000, &q, &n), INPUT_OK, "full-width digits: a quantity");
		is_str(n, "1234.5", "read as ASCII");
		is_int(input_quantity(&a, "10\xc2\xb2", 4, 1000000, &q, &n), INPUT_NOT_NUMBER, "10 and a superscript two: not 102");
		is_int(input_quantity(&a, "\xe2\x91\xa0", 3, 1000000, &q, &n), INPUT_NOT_NUMBER, "a circled one: not 1");
		is_int(input_quantity(&a, "\xe3\x80\x80" "5", 4, 1000000, &q, &n), INPUT_OK, "an ideographic space around it is fine");
		ok(input_number_chars("1,234.5", 7) && !input_number_chars("\xef\xbc\x91\xc2\xb9", 5), "the characters of a typed number");
		is_int(input_quantity(&a, "1234\xc2\xa0", 6, 1000000, &q, &n), INPUT_OK, "a no-break space pasted after it is trimmed");
		is_int(input_text(&a, "\xe2\x80\x8b\xcc\x81", 5, 200, 0, &n), INPUT_EMPTY, "a zero-width space and a lone accent: blank");
		is_int(input_text(&a, "\xe2\x80\x8b\xe5\x90\x8d", 6, 200, 0, &n), INPUT_OK, "with a character beside them: not blank");
		is_int(input_quantity(&a, "\xe2\x80\x89" "12", 5, 1000000, &q, &n), INPUT_OK, "a thin space before it too");
	}
	is_int(date("2024-06-30", &out), INPUT_OK, "a plain date");
	is_str(out, "2024-06-30", "given back as typed");
	is_int(date(" 2024-06-30　", &out), INPUT_OK, "surrounding spaces (ideographic too) trimmed");
	is_str(out, "2024-06-30", "trimmed");
	is_int(date("２０２４－０６－３０", &out), INPUT_OK, "full-width digits and hyphen (NFKC)");
	is_str(out, "2024-06-30", "normalised to ASCII");
	is_int(date("2024-02-29", &out), INPUT_OK, "29 February of a leap year");
	is_int(date("2000-02-29", &out), INPUT_OK, "2000 is a leap year (divisible by 400)");
	is_int(date("2100-02-29", &out), INPUT_BAD_DATE, "2100 is not (divisible by 100)");
	is_int(date("2023-02-29", &out), INPUT_BAD_DATE, "29 February of a common year");
	is_int(date("2024-02-31", &out), INPUT_BAD_DATE, "31 February");
	is_int(date("2024-04-31", &out), INPUT_BAD_DATE, "31 April");
	is_int(date("2024-12-31", &out), INPUT_OK, "31 December");
	is_int(date("2024-13-01", &out), INPUT_BAD_DATE, "month 13");
	is_int(date("2024-00-10", &out), INPUT_BAD_DATE, "month 0");
	is_int(date("2024-06-00", &out), INPUT_BAD_DATE, "day 0");
	is_int(date("2024-06-30junk", &out), INPUT_BAD_DATE, "trailing text");
	is_int(date("2024-06-3", &out), INPUT_BAD_DATE, "one-digit day");
	is_int(date("2024-6-30", &out), INPUT_BAD_DATE, "one-digit month");
	is_int(date("2024/06/30", &out), INPUT_BAD_DATE, "slashes");
	is_int(date("+024-06-30", &out), INPUT_BAD_DATE, "a sign");
	is_int(date("20240630", &out), INPUT_BAD_DATE, "no separators");
	is_int(date("2024-06-30\n", &out), INPUT_BAD_DATE, "a newline (a control character in a one-line field)");
	is_int(date("2024-06-\x01" "0", &out), INPUT_BAD_DATE, "a control character");
	is_int(date("\xff\xfe", &out), INPUT_BAD_DATE, "invalid UTF-8");
	is_int(date("", &out), INPUT_EMPTY, "empty");
	is_int(date("   ", &out), INPUT_EMPTY, "blank");
	is_int(date("1999-12-31", &out), INPUT_DATE_RANGE, "before the range");
	is_int(date("2101-01-01", &out), INPUT_DATE_RANGE, "after the range");
	is_int(date("9999-12-31", &out), INPUT_DATE_RANGE, "far after the range");
	ok(strlen(input_message(INPUT_BAD_DATE)) > 0 && strlen(input_message(INPUT_DATE_RANGE)) > 0, "each error has a message");
	arena_release(&a);
	return tap_done();
}

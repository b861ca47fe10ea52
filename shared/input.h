/* input.h: validation of what users type, with the message shown beside the field. */
#ifndef CITYINV_INPUT_H
#define CITYINV_INPUT_H

#include <stddef.h>

#include "arena.h"
#include "decimal.h"

/*
 * Every value from a form passes here before a handler sees it.  Text is
 * checked as UTF-8 and normalised with NFKC (utf8proc), which also turns
 * full-width digits and punctuation (１２３，．) into ASCII; surrounding white
 * space (including the ideographic space) is trimmed.  Quantities are then
 * exact decimals >= 0 with at most 3 decimals and at most the field's
 * declared maximum, thousands separators allowed.  Each error has a
 * Traditional Chinese message (INPUT_TOO_LARGE's names the maximum:
 * input_max_message()).
 */
enum input_err {
	INPUT_OK = 0,
	INPUT_EMPTY,
	INPUT_BAD_UTF8,
	INPUT_CONTROL,
	INPUT_TOO_LONG,
	INPUT_NOT_NUMBER,
	INPUT_NEGATIVE,
	INPUT_TOO_MANY_DECIMALS,
	INPUT_TOO_LARGE,
	INPUT_BAD_EMAIL,
	INPUT_BAD_PHONE,
	INPUT_BAD_DATE,
	INPUT_DATE_RANGE,
	INPUT__MAX
};

const char *input_message(enum input_err e);

#define INPUT_MULTILINE 1   /* keep newlines (text areas) */

/*
 * Normalises raw[0..len) into *out (arena memory).  INPUT_EMPTY when
 * nothing is left after trimming (*out is "" then); max_chars counts
 * characters, not bytes.
 */
enum input_err input_text(struct arena *a, const char *raw, size_t len, size_t max_chars,
			  unsigned flags, const char **out);

/*
 * Is raw[0..len) written only in characters a typed number may use before
 * NFKC: ASCII, the full-width forms of ASCII (U+FF01-FF5E) and the spaces
 * (Unicode's Zs: the ideographic, no-break and thin spaces pasted with a
 * number, which NFKC makes a space and the check trims or refuses)?  1 yes,
 * 0 no: NFKC would make "10²" 102 and "①" 1, which nobody typing a
 * quantity means.
 */
int input_number_chars(const char *raw, size_t len);

/*
 * A quantity of at most `max` (whole units; INPUT_TOO_LARGE above it):
 * INPUT_EMPTY for a blank field (not an error for optional fields);
 * INPUT_NOT_NUMBER for characters beyond input_number_chars().
 */
enum input_err input_quantity(struct arena *a, const char *raw, size_t len, long long max, dec_t *out,
			      const char **normalised);

/*
 * "數值過大（上限 10,000,000,000 度）。": the message of INPUT_TOO_LARGE for a
 * field whose maximum is `max` `unit` (unit may be NULL or ""), in arena memory.
 */
const char *input_max_message(struct arena *a, long long max, const char *unit);

/* An email address (simple, strict shape: local@domain.tld, ASCII). */
enum input_err input_email(struct arena *a, const char *raw, size_t len, const char **out);

/* A phone or fax number: digits, spaces and ()+-#, optional 轉 / ext extension. */
enum input_err input_phone(struct arena *a, const char *raw, size_t len, size_t max, const char **out);

/*
 * A calendar date typed as YYYY-MM-DD (what <input type=date> sends; full-width
 * digits are accepted through NFKC): INPUT_BAD_DATE for any other shape or a
 * day the month does not have (2024-02-30, 2023-02-29), INPUT_DATE_RANGE for
 * a year outside [min_year, max_year].  *out is the normalised text, always
 * exactly what MySQL's DATE accepts when INPUT_OK.
 */
enum input_err input_date(struct arena *a, const char *raw, size_t len, int min_year, int max_year, const char **out);

/* The number of characters (code points) of a UTF-8 string. */
size_t input_chars(const char *s);

#endif

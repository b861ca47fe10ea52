/* input.c: validation of what users type, with the message shown beside the field. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "input.h"

static const char *const messages[INPUT__MAX] = {
	[INPUT_OK] = "",
	[INPUT_EMPTY] = "此欄位為必填。",
	[INPUT_BAD_UTF8] = "含有無法辨識的字元，請重新輸入。",
	[INPUT_CONTROL] = "含有不允許的控制字元。",
	[INPUT_TOO_LONG] = "內容過長。",
	[INPUT_NOT_NUMBER] = "請輸入數字，例如 1234.5 或 1,234.5。",
	[INPUT_NEGATIVE] = "不可為負數。",
	[INPUT_TOO_MANY_DECIMALS] = "最多 3 位小數。",
	[INPUT_TOO_LARGE] = "數值過大。",
	[INPUT_BAD_EMAIL] = "Email 格式不正確，例如 name@example.gov.tw。",
	[INPUT_BAD_PHONE] = "電話格式不正確，例如 0836-22381 轉 123。",
	[INPUT_BAD_DATE] = "日期不正確：請依「年-月-日」格式輸入實際存在的日期，例如 2024-06-30。",
	[INPUT_DATE_RANGE] = "日期的年份超出可接受的範圍。",
};

const char *input_message(enum input_err e)
{
	return e >= 0 && e < INPUT__MAX ? messages[e] : "輸入錯誤。";
}

/* Is every character of s[0..n) one that ok() takes?  (Text that is not UTF-8 ends the look: its check refuses it.) */
static int every_char(const char *s, size_t n, int (*ok)(utf8proc_int32_t cp))
{
	utf8proc_int32_t cp;

	for (size_t i = 0; i < n;) {
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);

		if (k <= 0)
			return 1;
		if (!ok(cp))
			return 0;
		i += (size_t)k;
	}
	return 1;
}

/*
 * A character that shows nothing: a space, a format character (a
 * zero-width space, a joiner) or a combining mark.  A name of only these
 * reads as blank, so it is blank.
 */
static int shows_nothing(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_CF || c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_ME;
}

/* A character a typed number may use before NFKC (input_number_chars). */
static int number_char(utf8proc_int32_t cp)
{
	return cp < 0x80 || (cp >= 0xff01 && cp <= 0xff5e) || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

enum input_err input_text(struct arena *a, const char *raw, size_t len, size_t max_chars,
			  unsigned flags, const char **out)
{
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t n;
	utf8proc_int32_t cp;
	size_t chars = 0, start, end;
	enum input_err ret = INPUT_OK;

	*out = "";
	if (!raw || !len)
		return INPUT_EMPTY;
	if (len > 64 * 1024)
		return INPUT_TOO_LONG;
	/* utf8proc_map refuses invalid UTF-8 (and NUL inside when not NULLTERM). */
	n = utf8proc_map((const utf8proc_uint8_t *)raw, (utf8proc_ssize_t)len, &norm,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
	if (n < 0)
		return INPUT_BAD_UTF8;
	/* Control characters: none, but tab and (for text areas) newline. */
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_ssize_t k = utf8proc_iterate(norm + i, n - i, &cp);
		if (k <= 0) {
			ret = INPUT_BAD_UTF8;
			goto out;
		}
		if ((cp < 0x20 && cp != '\t' && !(cp == '\n' && (flags & INPUT_MULTILINE)) &&
		     !(cp == '\r' && (flags & INPUT_MULTILINE))) || (cp >= 0x7f && cp < 0xa0) ||
		    cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e)) {
			ret = INPUT_CONTROL;
			goto out;
		}
		i += k;
	}
	start = 0;
	end = (size_t)n;
	while (start < end && (norm[start] == ' ' || norm[start] == '\t' || norm[start] == '\n' || norm[start] == '\r'))
		start++;
	while (end > start && (norm[end - 1] == ' ' || norm[end - 1] == '\t' || norm[end - 1] == '\n' || norm[end - 1] == '\r'))
		end--;
	if (start == end || every_char((const char *)norm + start, end - start, shows_nothing)) {
		ret = INPUT_EMPTY;
		goto out;
	}
	for (size_t i = start; i < end; i++)
		if ((norm[i] & 0xc0) != 0x80)
			chars++;
	if (chars > max_chars) {
		ret = INPUT_TOO_LONG;
		goto out;
	}
	*out = arena_strndup(a, (const char *)norm + start, end - start);
out:
	free(norm);
	return ret;
}

const char *input_max_message(struct arena *a, long long max, const char *unit)
{
	char b[64];
	dec_t d;

	dec_from_int(max, &d);
	dec_format_grouped(d, b, sizeof(b));
	return arena_printf(a, "數值過大（上限 %s%s%s）。", b, unit && *unit ? " " : "", unit ? unit : "");
}

int input_number_chars(const char *raw, size_t len)
{
	return every_char(raw, len, number_char);
}

enum input_err input_quantity(struct arena *a, const char *raw, size_t len, long long max, dec_t *out,
			      const char **normalised)
{
	dec_t limit;
	const char *s;
	enum input_err e = input_text(a, raw, len, 40, 0, &s);

	if (normalised)
		*normalised = s;
	if (e)
		return e == INPUT_TOO_LONG ? INPUT_NOT_NUMBER : e;
	if (!input_number_chars(raw, len))
		return INPUT_NOT_NUMBER;
	switch (dec_parse(s, strlen(s), 3, DEC_ALLOW_GROUPING, out)) {
	case DEC_OK:
		break;
	case DEC_NEGATIVE:
		return INPUT_NEGATIVE;
	case DEC_TOO_MANY_DECIMALS:
		return INPUT_TOO_MANY_DECIMALS;
	case DEC_OVERFLOW:
		return INPUT_TOO_LARGE;
	default:
		return INPUT_NOT_NUMBER;
	}
	dec_from_int(max, &limit);
	if (dec_cmp(*out, limit) > 0)
		return INPUT_TOO_LARGE;
	return INPUT_OK;
}

enum input_err input_email(struct arena *a, const char *raw, size_t len, const char **out)
{
	enum input_err e = input_text(a, raw, len, 254, 0, out);
	const char *s = *out, *at, *dot;

	if (e)
		return e;
	at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return INPUT_BAD_EMAIL;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("\"(),:;<>[\\]", c))
			return INPUT_BAD_EMAIL;
	}
	dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || !dot[1] || strlen(dot + 1) < 2 || strstr(at, ".."))
		return INPUT_BAD_EMAIL;
	return INPUT_OK;
}

enum input_err input_phone(struct arena *a, const char *raw, size_t len, size_t max, const char **out)
{
	enum input_err e = input_text(a, raw, len, max, 0, out);
	int digits = 0;

	if (e)
		return e;
	for (const char *p = *out; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits++;
			continue;
		}
		if (strchr(" ()+-#", *p))
			continue;
		if (!strncmp(p, "轉", 3)) {
			p += 2;
			continue;
		}
		if (!strncmp(p, "ext", 3) || !strncmp(p, "EXT", 3)) {
			p += 2;
			continue;
		}
		return INPUT_BAD_PHONE;
	}
	return digits >= 6 ? INPUT_OK : INPUT_BAD_PHONE;
}

enum input_err input_date(struct arena *a, const char *raw, size_t len, int min_year, int max_year, const char **out)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	enum input_err e = input_text(a, raw, len, 10, 0, out);
	const char *s = *out;
	int y, m, d, leap;

	if (e)
		return e == INPUT_EMPTY ? e : INPUT_BAD_DATE;
	/* Exactly ten characters: four digits, '-', two digits, '-', two digits. */
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return INPUT_BAD_DATE;
	if (s[10])
		return INPUT_BAD_DATE;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return INPUT_BAD_DATE;
	if (y < min_year || y > max_year)
		return INPUT_DATE_RANGE;
	return INPUT_OK;
}

size_t input_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

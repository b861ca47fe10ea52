/* form_test.c: declared input (web/form.c): each kind read into its typed value, and each bad value's message. */
#include <string.h>

#include "form.h"
#include "input.h"
#include "request.h"
#include "store_test.h"
#include "years.h"

static struct app app;
static struct request req;

/* A request whose query string is qs (form_read reads the query and the body alike). */
static void with(const char *qs)
{
	arena_reset(&req.arena);
	memset(&req.query, 0, sizeof(req.query));
	memset(&req.form, 0, sizeof(req.form));
	if (query_parse(&req.arena, qs, strlen(qs), &req.query))
		printf("# bad test query %s\n", qs);
}

/* Reads the one field k from qs: the number of bad fields, *v and the message (or NULL). */
static int one(const char *qs, const struct form_key *k, struct form_val *v, const char **msg)
{
	struct form f = { .nerr = 0 };
	int r;

	with(qs);
	r = form_read(&req, k, 1, v, &f);
	*msg = f.nerr ? f.err[0].msg : NULL;
	return r;
}

static const char *const colours[] = { "red", "green", NULL };

int main(void)
{
	struct form_val v;
	struct years y;
	const char *msg;
	char buf[64];

	store_test_open(&app.db);
	app.cfg = &store_test_cfg;
	arena_init(&req.arena, 4096);
	req.app = &app;
	ok(years_get(&app.db, &y) == 0, "the years served are read (%d to %d)", y.first, y.last);

	const struct form_key year = { "year", FORM_YEAR, FORM_REQUIRED, 0, 0, NULL, NULL, NULL };
	snprintf(buf, sizeof(buf), "year=%d", y.last);
	ok(one(buf, &year, &v, &msg) == 0 && v.set && v.i == y.last, "the last year served is a year (%lld)", v.i);
	snprintf(buf, sizeof(buf), "year=%d", y.first);
	ok(one(buf, &year, &v, &msg) == 0 && v.i == y.first, "so is the first");
	snprintf(buf, sizeof(buf), "year=%d", y.last + 1);
	ok(one(buf, &year, &v, &msg) == 1 && !v.set && msg && !strcmp(msg, "年度不正確。"), "the year after the last is not");
	is_str(v.raw, buf + 5, "and comes back as typed");
	snprintf(buf, sizeof(buf), "year=%d", y.first - 1);
	ok(one(buf, &year, &v, &msg) == 1, "nor the year before the first");
	ok(one("year=2020x", &year, &v, &msg) == 1, "2020x is not a year");
	ok(one("year=%2B2020", &year, &v, &msg) == 1, "+2020 is not a year");
	ok(one("year=", &year, &v, &msg) == 1 && msg && !strcmp(msg, input_message(INPUT_EMPTY)), "blank, when required: 此欄位為必填。");
	ok(one("", &year, &v, &msg) == 1 && v.raw == NULL, "absent, when required: an error, raw NULL");

	const struct form_key opt = { "id", FORM_ID, 0, 0, 0, NULL, NULL, "找不到此筆資料。" };
	ok(one("", &opt, &v, &msg) == 0 && !v.set, "an optional id absent: no error, not set");
	ok(one("id=%20%20", &opt, &v, &msg) == 0 && !v.set, "an optional id blank: the same");
	ok(one("id=42", &opt, &v, &msg) == 0 && v.set && v.i == 42, "id 42");
	ok(one("id=0", &opt, &v, &msg) == 1 && msg && !strcmp(msg, "找不到此筆資料。"), "id 0 is refused with the key's own message");
	ok(one("id=-3", &opt, &v, &msg) == 1, "a negative id is refused");
	ok(one("id=12345678901234567890", &opt, &v, &msg) == 1, "an id of 20 digits is refused, not wrapped");
	ok(one("id=9007199254740993", &opt, &v, &msg) == 1, "an id above 2^53 is refused");
	ok(one("id=9007199254740992", &opt, &v, &msg) == 0 && v.i == 9007199254740992LL, "2^53 is the largest id");

	const struct form_key level = { "level", FORM_INT, 0, -1, 3, NULL, NULL, NULL };
	ok(one("level=-1", &level, &v, &msg) == 0 && v.i == -1, "an int at its minimum");
	ok(one("level=3", &level, &v, &msg) == 0 && v.i == 3, "an int at its maximum");
	ok(one("level=4", &level, &v, &msg) == 1 && !strcmp(msg, "數值不正確。"), "an int above its maximum");
	ok(one("level=-", &level, &v, &msg) == 1, "a lone minus sign");

	const struct form_key qty = { "kwh", FORM_QUANTITY, 0, 0, 10000, NULL, "度", NULL };
	ok(one("kwh=1%2C000.125", &qty, &v, &msg) == 0 && v.set && !strcmp(v.s, "1,000.125"), "a quantity with a thousands separator");
	dec_format(v.q, buf, sizeof(buf));
	is_str(buf, "1000.125", "is read exactly");
	ok(one("kwh=%EF%BC%91%EF%BC%92", &qty, &v, &msg) == 0 && !strcmp(v.s, "12"), "full-width digits are read as digits");
	ok(one("kwh=10000.001", &qty, &v, &msg) == 1 && msg && strstr(msg, "10,000") && strstr(msg, "度"),
	   "above its maximum: the message names the maximum and unit (%s)", msg ? msg : "");
	ok(one("kwh=1.2345", &qty, &v, &msg) == 1 && !strcmp(msg, input_message(INPUT_TOO_MANY_DECIMALS)), "four decimals");
	ok(one("kwh=-1", &qty, &v, &msg) == 1 && !strcmp(msg, input_message(INPUT_NEGATIVE)), "negative");

	const struct form_key name = { "name", FORM_TEXT, FORM_REQUIRED, 0, 5, NULL, NULL, NULL };
	ok(one("name=%E3%80%80%E6%A9%9F%E9%97%9C%E3%80%80", &name, &v, &msg) == 0 && !strcmp(v.s, "機關"),
	   "text is trimmed of the ideographic space");
	ok(one("name=%E3%80%80", &name, &v, &msg) == 1 && !strcmp(msg, input_message(INPUT_EMPTY)),
	   "text of white space only, required: 此欄位為必填。");
	ok(one("name=abcdef", &name, &v, &msg) == 1 && !strcmp(msg, input_message(INPUT_TOO_LONG)), "six characters of five");
	ok(one("name=a%0Ab", &name, &v, &msg) == 1, "a newline in a one-line field");
	const struct form_key note = { "note", FORM_TEXT, FORM_MULTILINE, 0, 10, NULL, NULL, NULL };
	ok(one("note=a%0Ab", &note, &v, &msg) == 0 && !strcmp(v.s, "a\nb"), "kept in a multi-line one");

	const struct form_key colour = { "c", FORM_ENUM, FORM_REQUIRED, 0, 0, colours, NULL, NULL };
	ok(one("c=green", &colour, &v, &msg) == 0 && v.i == 1, "an enum's value is its index");
	ok(one("c=blue", &colour, &v, &msg) == 1 && !strcmp(msg, "請從選項中選擇。"), "a value not offered");

	const struct form_key day = { "d", FORM_DATE, 0, 2000, 2100, NULL, NULL, NULL };
	ok(one("d=2024-02-29", &day, &v, &msg) == 0 && !strcmp(v.s, "2024-02-29"), "a leap day");
	ok(one("d=2023-02-29", &day, &v, &msg) == 1 && !strcmp(msg, input_message(INPUT_BAD_DATE)), "not a day");
	ok(one("d=1999-12-31", &day, &v, &msg) == 1 && !strcmp(msg, input_message(INPUT_DATE_RANGE)), "a year out of range");

	const struct form_key flag = { "f", FORM_FLAG, 0, 0, 0, NULL, NULL, NULL };
	ok(one("f=on", &flag, &v, &msg) == 0 && v.set && v.i == 1, "a checkbox sent");
	ok(one("g=on", &flag, &v, &msg) == 0 && !v.set && v.i == 0, "a checkbox not sent");

	const struct form_key tok = { "t", FORM_TOKEN, FORM_REQUIRED, 0, 0, NULL, NULL, NULL };
	ok(one("t=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &tok, &v, &msg) == 0 && v.set, "a token");
	ok(one("t=0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", &tok, &v, &msg) == 1, "upper case is not");

	const struct form_key mail = { "e", FORM_EMAIL, 0, 0, 0, NULL, NULL, NULL };
	ok(one("e=a%40b.gov.tw", &mail, &v, &msg) == 0 && !strcmp(v.s, "a@b.gov.tw"), "an email address");
	ok(one("e=ab.gov.tw", &mail, &v, &msg) == 1 && !strcmp(msg, input_message(INPUT_BAD_EMAIL)), "not one");

	/* Several fields: each bad one has its own message, under its own name; good ones are read. */
	{
		const struct form_key keys[] = { year, level, name };
		struct form_val vals[3];
		struct form f = { .nerr = 0 };

		with("year=1&level=2&name=abcdefg");
		ok(form_read(&req, keys, 3, vals, &f) == 2 && f.nerr == 2, "two bad fields of three");
		ok(form_error_of(&f, "year") && form_error_of(&f, "name") && !form_error_of(&f, "level"), "named as such");
		ok(vals[1].set && vals[1].i == 2, "the good one is read");
	}

	/* The years cannot be read: -1 (a 503), not a message about the user's input. */
	years_forget();
	db_close(&app.db);
	app.db.paused_until = now_ms() + 10000;
	ok(one("year=2020", &year, &v, &msg) == -1, "no years, no database: -1");

	arena_release(&req.arena);
	db_release(&app.db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

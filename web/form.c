/* form.c: declared input read into typed values, field errors, and the labelled inputs that show them. */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "html.h"
#include "input.h"
#include "util.h"
#include "years.h"

void form_error(struct form *f, const char *name, const char *msg)
{
	if (f->nerr < FORM_MAX_ERRORS) {
		f->err[f->nerr].name = name;
		f->err[f->nerr].msg = msg;
		f->nerr++;
	}
}

const char *form_error_of(const struct form *f, const char *name)
{
	for (int i = 0; f && i < f->nerr; i++)
		if (!strcmp(f->err[i].name, name))
			return f->err[i].msg;
	return NULL;
}

void form_field(struct request *req, const struct form *f, const struct field *fd)
{
	struct strbuf *o = &req->body;
	const char *err = form_error_of(f, fd->name);

	html(o, "<div class=\"field\"><label for=\"f-");
	html_attr(o, fd->name);
	html(o, "\">");
	html_txt(o, fd->label);
	if (fd->required)
		html(o, " <span class=\"req\" aria-hidden=\"true\">*</span>");
	html(o, "</label><div class=\"control\"><input id=\"f-");
	html_attr(o, fd->name);
	html(o, "\" name=\"");
	html_attr(o, fd->name);
	html(o, "\" type=\"");
	html_attr(o, fd->type ? fd->type : "text");
	html(o, "\"");
	if (fd->type && !strcmp(fd->type, "password")) {
		/* never echo a password */
	} else {
		html(o, " value=\"");
		html_attr(o, fd->value ? fd->value : "");
		html(o, "\"");
	}
	if (fd->maxlength)
		strbuf_addf(o, " maxlength=\"%d\"", fd->maxlength);
	if (fd->required)
		html(o, " required");
	if (fd->readonly)
		html(o, " readonly");
	if (fd->decimal)
		html(o, " inputmode=\"decimal\" class=\"qty\"");
	if (fd->autocomplete) {
		html(o, " autocomplete=\"");
		html_attr(o, fd->autocomplete);
		html(o, "\"");
	}
	if (err) {
		html(o, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(o, fd->name);
		html(o, "\"");
	}
	html(o, ">");
	if (fd->unit) {
		html(o, "<span class=\"unit\">");
		html_txt(o, fd->unit);
		html(o, "</span>");
	}
	if (fd->extra)
		html(o, fd->extra);
	if (err) {
		html(o, "<p class=\"field-error\" id=\"e-");
		html_attr(o, fd->name);
		html(o, "\">");
		html_txt(o, err);
		html(o, "</p>");
	}
	html(o, "</div></div>\n");
}

void form_flash(struct request *req, const char *kind, const char *msg)
{
	html(&req->body, "<p class=\"flash ");
	html_attr(&req->body, kind);
	html(&req->body, "\" role=\"status\">");
	html_txt(&req->body, msg);
	html(&req->body, "</p>\n");
}

static const char *const kind_messages[FORM__MAX] = {
	[FORM_YEAR] = "年度不正確。",
	[FORM_ID] = "編號不正確。",
	[FORM_INT] = "數值不正確。",
	[FORM_QUANTITY] = NULL,   /* input_message() of the error */
	[FORM_TEXT] = NULL,
	[FORM_ENUM] = "請從選項中選擇。",
	[FORM_DATE] = NULL,
	[FORM_FLAG] = NULL,
	[FORM_EMAIL] = NULL,
	[FORM_PHONE] = NULL,
	[FORM_TOKEN] = "表單已逾時，請重新整理頁面後再試。",
};

/* An optional minus sign and digits, within [min, max]. */
static int parse_int(const char *s, long long min, long long max, long long *v)
{
	long long n;

	if (*s == '-') {
		if (parse_digits(s + 1, strlen(s + 1), &n))
			return -1;
		n = -n;
	} else if (parse_digits(s, strlen(s), &n)) {
		return -1;
	}
	if (n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

/* Checks v->raw against k; 0 when valid (v->set), else the message. */
static const char *check(struct request *req, const struct form_key *k, struct form_val *v, int *bad)
{
	struct arena *a = &req->arena;
	const char *raw = v->raw;
	size_t len = strlen(raw);
	enum input_err e = INPUT_OK;
	struct years y;

	*bad = 0;
	/*
	 * A number typed as the text fields take it: full-width digits and minus (NFKC), white space
	 * around.  Not an id or a year, which the pages send as they wrote them.
	 */
	if (k->kind == FORM_INT) {
		enum input_err ie = input_text(a, raw, len, 32, 0, &raw);

		if (ie == INPUT_EMPTY)
			return NULL;   /* blank (an ideographic space): not sent */
		if (ie || !input_number_chars(v->raw, len))
			return k->msg ? k->msg : kind_messages[k->kind];
	}
	switch (k->kind) {
	case FORM_YEAR:
		if (years_get(&req->app->db, &y))
			return (*bad = -1), NULL;
		if (parse_int(raw, y.first, y.last, &v->i))
			return k->msg ? k->msg : kind_messages[k->kind];
		break;
	case FORM_ID:
		if (parse_digits(raw, strlen(raw), &v->i) || v->i < 1 || v->i > (1LL << 53))
			return k->msg ? k->msg : kind_messages[k->kind];
		break;
	case FORM_INT:
		if (parse_int(raw, k->min, k->max, &v->i))
			return k->msg ? k->msg : kind_messages[k->kind];
		break;
	case FORM_ENUM:
		for (v->i = 0; k->choices[v->i]; v->i++)
			if (!strcmp(k->choices[v->i], raw))
				break;
		if (!k->choices[v->i])
			return k->msg ? k->msg : kind_messages[k->kind];
		break;
	case FORM_FLAG:
		v->i = 1;
		break;
	case FORM_TOKEN:
		if (!hex_token_ok(raw))
			return k->msg ? k->msg : kind_messages[k->kind];
		v->s = raw;
		break;
	case FORM_QUANTITY:
		e = input_quantity(a, raw, len, k->max, &v->q, &v->s);
		if (e == INPUT_TOO_LARGE && !k->msg)
			return input_max_message(a, k->max, k->unit);
		break;
	case FORM_TEXT:
		e = input_text(a, raw, len, (size_t)k->max, k->flags & FORM_MULTILINE ? INPUT_MULTILINE : 0, &v->s);
		break;
	case FORM_DATE:
		e = input_date(a, raw, len, (int)k->min, (int)k->max, &v->s);
		break;
	case FORM_EMAIL:
		e = input_email(a, raw, len, &v->s);
		break;
	case FORM_PHONE:
		e = input_phone(a, raw, len, (size_t)k->max, &v->s);
		break;
	case FORM__MAX:
		abort();
	}
	if (e == INPUT_EMPTY)
		return NULL;
	if (e)
		return k->msg ? k->msg : input_message(e);
	v->set = 1;
	return NULL;
}

int form_read_one(struct request *req, const struct form_key *k, struct form_val *v, struct form *f)
{
	const char *msg;
	int bad;

	memset(v, 0, sizeof(*v));
	v->raw = req_arg(req, k->name);
	if (v->raw && k->kind != FORM_FLAG) {
		/* Blank is absent: only text fields trim, so look past white space here. */
		const char *p = v->raw;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p) {
			if (k->flags & FORM_REQUIRED)
				goto required;
			return 0;
		}
	}
	if (!v->raw) {
		if (k->flags & FORM_REQUIRED && k->kind != FORM_FLAG)
			goto required;
		return 0;
	}
	msg = check(req, k, v, &bad);
	if (bad < 0)
		return -1;
	if (msg) {
		form_error(f, k->name, msg);
		return 1;
	}
	if (!v->set && k->flags & FORM_REQUIRED)
		goto required;
	return 0;
required:
	form_error(f, k->name, k->msg ? k->msg : input_message(INPUT_EMPTY));
	return 1;
}

int form_read(struct request *req, const struct form_key *keys, int n, struct form_val *out, struct form *f)
{
	int nbad = 0;

	for (int i = 0; i < n; i++) {
		int r = form_read_one(req, &keys[i], &out[i], f);

		if (r < 0)
			return -1;
		nbad += r;
	}
	return nbad;
}

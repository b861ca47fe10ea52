/* dq.c: the 數據品質與不確定性 fields beside a quantity (SPEC-2 §2b, §2c): the agency form's lines and the team's non-agency lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dq.h"
#include "html.h"
#include "input.h"
#include "quality.h"

/* The choices of A1, A2, A3 (SPEC-2 §2b; the official form's 表六). */
static const char *const a_names[3] = { "A1 活動數據種類", "A2 活動數據可信度", "A3 係數種類" };
static const char *const a_choices[3][3] = {
	{ "連續量測", "定期量測或帳單／財務紀錄", "推估" },
	{ "外部校正或多種佐證", "內部校正或會計簽證", "未校正／無佐證" },
	{ "自廠／質量平衡", "製造廠或區域", "國家或國際" },
};

const char *dq_bound_text(struct arena *a, int milli)
{
	char buf[64];
	size_t n;

	if (milli < 0)
		return NULL;
	n = dec_format(dec_from_scaled_i64(milli, 3), buf, sizeof(buf));
	while (n && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	return arena_strdup(a, buf);
}

static void a_select(struct request *req, const struct form *f, const char *name, int i, const char *value, int def, int ro)
{
	struct strbuf *o = &req->body;
	const char *err = form_error_of(f, name);
	int sel = value ? atoi(value) : def;

	html(o, "<div class=\"field\"><label for=\"f-");
	html_attr(o, name);
	html(o, "\">");
	html_txt(o, a_names[i]);
	html(o, "</label><div class=\"control\"><select id=\"f-");
	html_attr(o, name);
	html(o, "\" name=\"");
	html_attr(o, name);
	html(o, "\"");
	if (ro)
		html(o, " disabled");
	if (err) {
		html(o, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(o, name);
		html(o, "\"");
	}
	html(o, ">");
	if (sel < 1 || sel > 3)
		html(o, "<option value=\"\">請選擇</option>");
	for (int c = 1; c <= 3; c++) {
		char v[2] = { (char)('0' + c), 0 };
		const char *label = arena_printf(&req->arena, "%d %s%s", c, a_choices[i][c - 1], c == def ? "（預設）" : "");

		html_option(o, v, label, c == sel);
	}
	html(o, "</select>");
	if (err) {
		html(o, "<p class=\"field-error\" id=\"e-");
		html_attr(o, name);
		html(o, "\">");
		html_txt(o, err);
		html(o, "</p>");
	}
	html(o, "</div></div>");
}

/* Any of the block's fields has a message (the block opens to show it). */
static int has_error(struct request *req, const struct form *f, const char *fld)
{
	static const char *const sfx[] = { "a1", "a2", "a3", "dq_note", "dq_keeper", "ad_lower", "ad_upper", "ad_basis" };

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (form_error_of(f, arena_printf(&req->arena, "%s_%s", fld, sfx[i])))
			return 1;
	return 0;
}

/*
 * A1-A3 with the default selected unless another was typed, the note and
 * keeper, the activity data's interval and its basis (the default's shown).
 */
void dq_render(struct request *req, const struct form *f, const char *fld, const struct store_quality *d,
	       const struct dq_typed *q, const char *label, int ro)
{
	struct strbuf *o = &req->body;
	struct arena *a = &req->arena;
	const int def[3] = { d ? d->a1 : 0, d ? d->a2 : 0, d ? d->a3 : 0 };
	int typed = q->a[0] || q->a[1] || q->a[2] || q->note || q->keeper || q->ad_lower || q->ad_upper || q->basis;
	struct strbuf hint = STRBUF_INIT;

	html(o, "<details class=\"dq\" id=\"dq-");
	html_attr(o, fld);
	html(o, "\"");
	if (typed || has_error(req, f, fld))
		html(o, " open");
	html(o, "><summary>數據品質與不確定性：");
	html_txt(o, label);
	if (typed)
		html(o, "（已自訂）");
	html(o, "</summary>");
	for (int i = 0; i < 3; i++)
		a_select(req, f, arena_printf(a, "%s_a%d", fld, i + 1), i, q->a[i], def[i], ro);
	if (d && *d->dq_note) {
		html(&hint, "<span class=\"muted\">預設說明：");
		html_txt(&hint, d->dq_note);
		html(&hint, "</span>");
	}
	struct field note = { .name = arena_printf(a, "%s_dq_note", fld), .label = "數據可信度資訊說明", .value = q->note,
			      .maxlength = 200, .readonly = ro, .extra = hint.len ? arena_strdup(a, hint.buf) : NULL };
	form_field(req, f, &note);
	strbuf_release(&hint);
	struct field keeper = { .name = arena_printf(a, "%s_dq_keeper", fld), .label = "保存單位", .value = q->keeper,
				.maxlength = 100, .readonly = ro };
	form_field(req, f, &keeper);
	struct field lo = { .name = arena_printf(a, "%s_ad_lower", fld), .label = "活動數據不確定性下限（95 %）",
			    .value = q->ad_lower ? q->ad_lower : dq_bound_text(a, d ? d->ad_lower_milli : -1), .unit = "%",
			    .decimal = 1, .maxlength = 20, .readonly = ro };
	form_field(req, f, &lo);
	struct field hi = { .name = arena_printf(a, "%s_ad_upper", fld), .label = "活動數據不確定性上限（95 %）",
			    .value = q->ad_upper ? q->ad_upper : dq_bound_text(a, d ? d->ad_upper_milli : -1), .unit = "%",
			    .decimal = 1, .maxlength = 20, .readonly = ro };
	form_field(req, f, &hi);
	struct field basis = { .name = arena_printf(a, "%s_ad_basis", fld), .label = "不確定性依據（如電表精度等級、收據編號）",
			       .value = q->basis ? q->basis : d ? d->ad_basis : NULL, .maxlength = 200, .readonly = ro };
	form_field(req, f, &basis);
	html(o, "</details>");
}

/* One text field: normalised, as sent when bad, "" when blank. */
static const char *field_text(struct request *req, struct form *f, const char *name, long long max)
{
	const struct form_key k = { .name = name, .kind = FORM_TEXT, .max = max };
	struct form_val v;

	if (form_read_one(req, &k, &v, f))
		return v.raw;
	return v.set ? v.s : "";
}

/* A default's A1, A2 or A3 (i 0..2); 0 when none. */
static int default_a(const struct store_quality *d, int i)
{
	return !d ? 0 : i == 0 ? d->a1 : i == 1 ? d->a2 : d->a3;
}

/* A bound of the interval typed in field `name` into q's text: NULL when blank or a default's (def or shown: -1 none). */
static const char *field_bound(struct request *req, struct form *f, const char *name, int def_milli, int shown_milli)
{
	const struct form_key k = { .name = name, .kind = FORM_QUANTITY, .max = QUALITY_INTERVAL_MAX / 1000, .unit = "%" };
	struct form_val v;
	long long m;

	if (form_read_one(req, &k, &v, f))
		return v.raw;
	if (!v.set || dec_to_scaled_i64(v.q, 3, &m) || m == def_milli || m == shown_milli)
		return NULL;
	return v.s;
}

/* 1 when typed text t is default d as the form normalises text (NFKC: the default's full-width （） come back as ()). */
static int same_text(struct arena *a, const char *t, const char *d)
{
	const char *n = NULL;

	if (!d)
		return 0;
	if (!strcmp(t, d))
		return 1;
	return input_text(a, d, strlen(d), 1000, 0, &n) == INPUT_OK && n && !strcmp(t, n);
}

void dq_read(struct request *req, struct form *f, const char *fld, const struct store_quality *d,
	     const struct store_quality *shown, struct dq_typed *q)
{
	struct arena *a = &req->arena;
	const char *note = arena_printf(a, "%s_dq_note", fld), *basis;
	int changed = 0;

	memset(q, 0, sizeof(*q));
	for (int i = 0; i < 3; i++) {
		const struct form_key key = { .name = arena_printf(a, "%s_a%d", fld, i + 1), .kind = FORM_INT, .min = 1, .max = 3,
					      .msg = "請選擇 1、2 或 3。" };
		struct form_val v;

		if (form_read_one(req, &key, &v, f)) {
			q->a[i] = v.raw;
		} else if (v.set && v.i != default_a(d, i) && !(shown && v.i == default_a(shown, i))) {
			q->a[i] = arena_printf(a, "%lld", v.i);
			changed = 1;
		}
	}
	q->note = field_text(req, f, note, 200);
	q->keeper = field_text(req, f, arena_printf(a, "%s_dq_keeper", fld), 100);
	q->ad_lower = field_bound(req, f, arena_printf(a, "%s_ad_lower", fld), d ? d->ad_lower_milli : -1,
				  shown ? shown->ad_lower_milli : -1);
	q->ad_upper = field_bound(req, f, arena_printf(a, "%s_ad_upper", fld), d ? d->ad_upper_milli : -1,
				  shown ? shown->ad_upper_milli : -1);
	basis = field_text(req, f, arena_printf(a, "%s_ad_basis", fld), 200);
	q->basis = *basis && !same_text(a, basis, d ? d->ad_basis : NULL) && !same_text(a, basis, shown ? shown->ad_basis : NULL)
		   ? basis : NULL;
	if (!*q->note)
		q->note = NULL;
	if (!*q->keeper)
		q->keeper = NULL;
	if (changed && !q->note && !form_error_of(f, note))
		form_error(f, note, "A1–A3 與預設值不同時，請填寫數據可信度資訊說明（例如電表校正紀錄、收據）。");
}

void dq_default_of(const struct store_item_quality *row, struct store_quality *out)
{
	memset(out, 0, sizeof(*out));
	out->a1 = row->a1;
	out->a2 = row->a2;
	out->a3 = row->a3;
	snprintf(out->dq_note, sizeof(out->dq_note), "%s", row->dq_note);
	out->ad_lower_milli = row->has_ad ? row->ad_lower_milli : -1;
	out->ad_upper_milli = row->has_ad ? row->ad_upper_milli : -1;
	snprintf(out->ad_basis, sizeof(out->ad_basis), "%s", row->ad_basis);
}

void dq_from_stored(struct arena *a, const struct store_quality *q, struct dq_typed *out)
{
	const int v[3] = { q->a1, q->a2, q->a3 };

	for (int i = 0; i < 3; i++)
		out->a[i] = v[i] ? arena_printf(a, "%d", v[i]) : NULL;
	out->note = *q->dq_note ? arena_strdup(a, q->dq_note) : NULL;
	out->keeper = *q->dq_keeper ? arena_strdup(a, q->dq_keeper) : NULL;
	out->ad_lower = dq_bound_text(a, q->ad_lower_milli);
	out->ad_upper = dq_bound_text(a, q->ad_upper_milli);
	out->basis = *q->ad_basis ? arena_strdup(a, q->ad_basis) : NULL;
}

/* A checked interval text into thousandths of a percent; -1 when NULL (or, never, not a number). */
static int bound_milli(const char *s)
{
	dec_t d;
	long long m;

	if (!s || dec_parse(s, strlen(s), 3, DEC_ALLOW_GROUPING, &d) != DEC_OK || dec_to_scaled_i64(d, 3, &m) || m < 0 ||
	    m > QUALITY_INTERVAL_MAX)
		return -1;
	return (int)m;
}

void dq_to_stored(const struct dq_typed *t, struct store_quality *out)
{
	memset(out, 0, sizeof(*out));
	out->ad_lower_milli = out->ad_upper_milli = -1;
	if (!t)
		return;
	out->a1 = t->a[0] ? atoi(t->a[0]) : 0;
	out->a2 = t->a[1] ? atoi(t->a[1]) : 0;
	out->a3 = t->a[2] ? atoi(t->a[2]) : 0;
	snprintf(out->dq_note, sizeof(out->dq_note), "%s", t->note ? t->note : "");
	snprintf(out->dq_keeper, sizeof(out->dq_keeper), "%s", t->keeper ? t->keeper : "");
	out->ad_lower_milli = bound_milli(t->ad_lower);
	out->ad_upper_milli = bound_milli(t->ad_upper);
	snprintf(out->ad_basis, sizeof(out->ad_basis), "%s", t->basis ? t->basis : "");
}

void dq_in_force(const struct store_quality *def, const struct store_quality *t, struct store_quality *out)
{
	memset(out, 0, sizeof(*out));
	out->ad_lower_milli = out->ad_upper_milli = -1;
	if (def)
		*out = *def;
	if (t->a1)
		out->a1 = t->a1;
	if (t->a2)
		out->a2 = t->a2;
	if (t->a3)
		out->a3 = t->a3;
	if (*t->dq_note)
		memcpy(out->dq_note, t->dq_note, sizeof(t->dq_note));
	if (*t->dq_keeper)
		memcpy(out->dq_keeper, t->dq_keeper, sizeof(t->dq_keeper));
	if (t->ad_lower_milli >= 0)
		out->ad_lower_milli = t->ad_lower_milli;
	if (t->ad_upper_milli >= 0)
		out->ad_upper_milli = t->ad_upper_milli;
	if (*t->ad_basis)
		memcpy(out->ad_basis, t->ad_basis, sizeof(t->ad_basis));
}

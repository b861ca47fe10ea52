/* page_activities.c: 填報非機關單位耗用之活動: the county team's lines of non-agency activity
 * for a year, each computed by nonagency.c with its factor, method and sources shown. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "factors.h"
#include "form.h"
#include "html.h"
#include "input.h"
#include "inventory.h"
#include "nonagency.h"
#include "routes.h"
#include "session.h"
#include "util.h"

/*
 * DESIGN: a line keeps what was typed (quantities, choices, the team's own
 * factor and its reason) and what was computed from it (kgCO2e, factor,
 * method, sources), written in one transaction with its audit row.  The
 * form is one method at a time (?method=), without scripts; a refused
 * form comes back with what was typed and the reason beside the field.
 * An edit carries the line's version: a line changed meanwhile is not
 * overwritten.
 */

static int unavailable(struct request *req)
{
	routes_unavailable(req, "activities");
	return req->status;
}

static int year_ok(int y)
{
	return y >= 2013 && y <= 2025;
}

/* The label of choice `key` of option `o`, or the key. */
static const char *choice_label(const struct na_option *o, const char *key)
{
	for (int k = 0; k < NA_MAX_CHOICES && o->choices[k].key; k++)
		if (!strcmp(o->choices[k].key, key))
			return o->choices[k].label;
	return key;
}

struct values {
	const char *description, *note, *q, *q2, *opt[NA_MAX_OPTIONS], *override, *reason;
	long long id, version;
};

static void render_form(struct request *req, int year, const struct na_method *m, const struct values *v,
			const struct form *f)
{
	struct strbuf *o = &req->body;

	html(o, "<form method=\"post\" action=\"/team/activities\" id=\"activity-form\"><fieldset><legend>");
	html_txt(o, v->id ? "修改：" : "新增：");
	html_txt(o, m->label);
	html(o, "</legend>");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "save");
	html_hidden(o, "method", m->key);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
		    "<input type=\"hidden\" name=\"version\" value=\"%lld\">", year, v->id, v->version);
	struct field fd = { .name = "description", .label = "說明（設施或地點）", .value = v->description, .maxlength = 200 };
	form_field(req, f, &fd);
	struct field fq = { .name = "q", .label = m->q_label, .value = v->q, .unit = m->q_unit, .decimal = 1, .required = 1 };
	form_field(req, f, &fq);
	if (m->q2_label) {
		struct field f2 = { .name = "q2", .label = m->q2_label, .value = v->q2, .unit = m->q2_unit, .decimal = 1, .required = 1 };
		form_field(req, f, &f2);
	}
	for (int i = 0; i < NA_MAX_OPTIONS && m->options[i].name; i++) {
		const struct na_option *op = &m->options[i];
		char name[16];
		const char *err;

		snprintf(name, sizeof(name), "opt%d", i + 1);
		err = form_error_of(f, name);
		html(o, "<div class=\"field\"><label for=\"f-");
		html_attr(o, name);
		html(o, "\">");
		html_txt(o, op->label);
		html(o, "</label><div class=\"control\"><select id=\"f-");
		html_attr(o, name);
		html(o, "\" name=\"");
		html_attr(o, name);
		html(o, err ? "\" aria-invalid=\"true\">" : "\">");
		html_option(o, "", op->required ? "請選擇" : "（不填）", !v->opt[i] || !*v->opt[i]);
		for (int k = 0; k < NA_MAX_CHOICES && op->choices[k].key; k++)
			html_option(o, op->choices[k].key, op->choices[k].label, v->opt[i] && !strcmp(v->opt[i], op->choices[k].key));
		html(o, "</select>");
		if (err) {
			html(o, "<p class=\"field-error\">");
			html_txt(o, err);
			html(o, "</p>");
		}
		html(o, "</div></div>");
	}
	struct field fn = { .name = "note", .label = m->needs_note ? "資料說明與來源" : "備註", .value = v->note, .maxlength = 300,
			    .required = m->needs_note };
	form_field(req, f, &fn);
	html(o, "<details><summary>以自訂係數取代預設值</summary>");
	struct field fo = { .name = "override", .label = "自訂係數（kgCO₂e／每單位數量）", .value = v->override, .decimal = 1 };
	struct field fr = { .name = "reason", .label = "採用自訂係數的理由", .value = v->reason, .maxlength = 300 };
	form_field(req, f, &fo);
	form_field(req, f, &fr);
	html(o, "</details><div class=\"actions\"><button type=\"submit\">計算並存檔</button> ");
	strbuf_addf(o, "<a href=\"/team/activities?year=%d\">取消</a></div></fieldset></form>", year);
}

/*
 * *acc += v, checked: LLONG_MIN marks a sum that did not fit (lines written
 * around the application, beyond nonagency.h's bounds) and stays so.
 */
static void add_checked(long long *acc, long long v)
{
	if (*acc != LLONG_MIN && dec_add_i64(*acc, v, acc))
		*acc = LLONG_MIN;
}

static void sum_cell(struct strbuf *o, long long v)
{
	if (v == LLONG_MIN)
		html(o, "超出可計算範圍");
	else
		html_milli(o, v);
}

static int render(struct request *req, int year, const struct na_method *m, const struct values *v, const struct form *f,
		   const char *flash)
{
	struct strbuf *o = &req->body;
	struct db_stmt *st;
	long long cat_total[INV_CAT__MAX] = { 0 }, emissions = 0, removals = 0;
	int n = 0;

	layout_begin(req, "填報非機關單位耗用之活動", "非機關活動");
	strbuf_addf(o, "<h1>填報非機關單位耗用之活動　民國 %d 年（%d）</h1>", year - 1911, year);
	if (flash)
		form_flash(req, f && f->nerr ? "error" : "ok", flash);
	html(o, "<nav class=\"methods\" aria-label=\"新增活動\"><p>新增：");
	for (int i = 0; i < na_nmethods; i++) {
		strbuf_addf(o, "%s<a href=\"/team/activities?year=%d&amp;method=%s\">", i ? "｜" : "", year, na_methods[i].key);
		html_txt(o, na_methods[i].label);
		html(o, "</a>");
	}
	html(o, "</p></nav>");
	if (m)
		render_form(req, year, m, v, f);

	st = db_prepare(&req->app->db,
		"SELECT id, method, description, note, quantity, IFNULL(quantity2, ''), IFNULL(opt1, ''), IFNULL(opt2, ''),"
		" IFNULL(opt3, ''), kg_milli, category, scope, gwp_set, factor_text, unit_text, method_text, sources, provisional,"
		" IFNULL(override_reason, ''), version"
		" FROM county_activities WHERE county_id = ? AND year = ? ORDER BY category, method, id");
	if (!st || (db_bind_int(st, 0, req->session->county_id), db_bind_int(st, 1, year), db_exec(st)))
		return unavailable(req);
	html(o, "<table id=\"activities\"><thead><tr><th>類別</th><th>活動</th><th>說明</th><th class=\"num\">數量</th>"
		"<th>係數與方法</th><th>範疇</th><th class=\"num\">排放量(KgCO₂e)</th><th></th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		long long id = db_col_int(st, 0), kgm = db_col_int(st, 9);
		const struct na_method *lm = na_method_get(db_col_text(st, 1, NULL));
		int cat = (int)db_col_int(st, 10);

		n++;
		if (cat >= 0 && cat < INV_CAT__MAX)
			add_checked(&cat_total[cat], kgm);
		add_checked(kgm < 0 ? &removals : &emissions, kgm);
		strbuf_addf(o, "<tr data-activity=\"%lld\"><td>", id);
		html_txt(o, cat >= 0 && cat < INV_CAT__MAX ? inv_category_labels[cat] : "?");
		html(o, "</td><td>");
		html_txt(o, lm ? lm->label : db_col_text(st, 1, NULL));
		for (int i = 0; lm && i < NA_MAX_OPTIONS && lm->options[i].name; i++) {
			const char *ov = db_col_text(st, 6 + i, NULL);
			if (*ov) {
				html(o, "<br><span class=\"muted\">");
				html_txt(o, choice_label(&lm->options[i], ov));
				html(o, "</span>");
			}
		}
		html(o, "</td><td>");
		html_txt(o, db_col_text(st, 2, NULL));
		if (*db_col_text(st, 3, NULL)) {
			html(o, "<br><span class=\"muted\">");
			html_txt(o, db_col_text(st, 3, NULL));
			html(o, "</span>");
		}
		html(o, "</td><td class=\"num\">");
		html_txt(o, db_col_text(st, 4, NULL));
		html(o, " ");
		html_txt(o, lm ? lm->q_unit : "");
		if (lm && lm->q2_label) {
			html(o, "<br>");
			html_txt(o, db_col_text(st, 5, NULL));
			html(o, " ");
			html_txt(o, lm->q2_unit);
		}
		html(o, "</td><td class=\"method\"><strong class=\"factor\">");
		html_txt(o, db_col_text(st, 13, NULL));
		html(o, "</strong> kgCO₂e／");
		html_txt(o, db_col_text(st, 14, NULL));
		if (*db_col_text(st, 12, NULL)) {
			html(o, "（GWP ");
			html_txt(o, db_col_text(st, 12, NULL));
			html(o, "）");
		}
		if (db_col_int(st, 17))
			html(o, " <span class=\"status s1\">暫用</span>");
		html(o, "<br><span class=\"muted\">");
		html_txt(o, db_col_text(st, 15, NULL));
		if (*db_col_text(st, 18, NULL)) {
			html(o, "；理由：");
			html_txt(o, db_col_text(st, 18, NULL));
		}
		html(o, "</span><br><span class=\"muted source\">來源：");
		html_txt(o, db_col_text(st, 16, NULL));
		strbuf_addf(o, "</span></td><td>範疇%s</td><td class=\"num kg\">", db_col_int(st, 11) == 2 ? "二" : "一");
		html_milli(o, kgm);
		strbuf_addf(o, "</td><td><a href=\"/team/activities?year=%d&amp;edit=%lld\">修改</a> "
			    "<form method=\"post\" action=\"/team/activities\" class=\"inline\">", year, id);
		html_hidden(o, "csrf", req->csrf);
		html_hidden(o, "action", "delete");
		strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
			    "<input type=\"hidden\" name=\"version\" value=\"%lld\">"
			    "<button type=\"submit\" class=\"secondary\">刪除</button></form></td></tr>", year, id, db_col_int(st, 19));
	}
	if (!n)
		html(o, "<tr><td colspan=\"8\" class=\"empty\">本年度尚未填報非機關單位活動。</td></tr>");
	html(o, "</tbody><tfoot>");
	for (int c = 0; c < INV_CAT__MAX; c++) {
		if (!cat_total[c])
			continue;
		strbuf_addf(o, "<tr class=\"subtotal\" data-category=\"%s\"><th colspan=\"6\">", inv_category_keys[c]);
		html_txt(o, inv_category_labels[c]);
		html(o, " 小計</th><td class=\"num\">");
		sum_cell(o, cat_total[c]);
		html(o, "</td><td></td></tr>");
	}
	html(o, "<tr><th colspan=\"6\">排放量合計</th><td class=\"num\" id=\"na-emissions\">");
	sum_cell(o, emissions);
	html(o, "</td><td></td></tr><tr><th colspan=\"6\">吸收量合計（另列，不與排放量相抵）</th><td class=\"num\" id=\"na-removals\">");
	sum_cell(o, removals);
	html(o, "</td><td></td></tr></tfoot></table>");
	layout_end(req);
	return req->status;
}

/*
 * A signed or unsigned decimal typed by the team (NFKC, thousands separators
 * allowed), at most `max` in magnitude.
 */
static enum input_err number(struct request *req, const char *raw, int max_scale, int allow_negative, long long max,
			     dec_t *out)
{
	dec_t lim, mag;
	const char *s;
	enum input_err e = input_text(&req->arena, raw, strlen(raw), 40, 0, &s);
	enum dec_err d;

	if (e)
		return e;
	d = dec_parse(s, strlen(s), max_scale, DEC_ALLOW_GROUPING | (allow_negative ? DEC_ALLOW_NEGATIVE : 0), out);
	switch (d) {
	case DEC_OK: break;
	case DEC_NEGATIVE: return INPUT_NEGATIVE;
	case DEC_TOO_MANY_DECIMALS: return INPUT_TOO_MANY_DECIMALS;
	case DEC_OVERFLOW: return INPUT_TOO_LARGE;
	default: return INPUT_NOT_NUMBER;
	}
	dec_from_int(max, &lim);
	mag = *out;
	if (mag.m < 0)
		mag.m = -mag.m;
	return dec_cmp(mag, lim) <= 0 ? INPUT_OK : INPUT_TOO_LARGE;
}

static void decimals_message(struct request *req, struct form *f, const char *field, enum input_err e, int scale,
			     long long max, const char *unit)
{
	if (e == INPUT_TOO_MANY_DECIMALS)
		form_error(f, field, arena_printf(&req->arena, "最多 %d 位小數。", scale));
	else if (e == INPUT_TOO_LARGE)
		form_error(f, field, input_max_message(&req->arena, max, unit));
	else
		form_error(f, field, input_message(e));
}

static int save(struct request *req, int year)
{
	struct db *db = &req->app->db;
	const struct na_method *m = na_method_get(req_arg(req, "method"));
	const struct calc_table *t = factors_table(req->app);
	struct values v = { .description = req_str(req, "description"), .note = req_str(req, "note"), .q = req_str(req, "q"), .q2 = req_str(req, "q2"),
			    .opt = { req_str(req, "opt1"), req_str(req, "opt2"), req_str(req, "opt3") }, .override = req_str(req, "override"),
			    .reason = req_str(req, "reason"), .id = strtoll(req_str(req, "id"), NULL, 10),
			    .version = strtoll(req_str(req, "version"), NULL, 10) };
	struct na_input in = { 0 };
	struct na_line line;
	struct form f = { .nerr = 0 };
	const char *desc = "", *note = "", *reason = "";
	char err[300] = "", kgtext[64];
	long long kgm;
	enum input_err e;
	struct db_stmt *st;
	int foreign = 0;

	if (!m) {
		req->status = 400;
		return routes_error_page(req);
	}
	if (!t)
		return unavailable(req);
	in.method = m->key;
	if (input_text(&req->arena, v.description, strlen(v.description), 200, 0, &desc) > INPUT_EMPTY)
		form_error(&f, "description", "說明過長（200 字以內）或含有不允許的字元。");
	e = input_text(&req->arena, v.note, strlen(v.note), 300, 0, &note);
	if (e > INPUT_EMPTY || (m->needs_note && e == INPUT_EMPTY))
		form_error(&f, "note", m->needs_note && e == INPUT_EMPTY ? "請說明資料內容與來源。" : "備註過長（300 字以內）或含有不允許的字元。");
	e = input_quantity(&req->arena, v.q, strlen(v.q), m->q_max, &in.q, NULL);
	if (e == INPUT_EMPTY)
		form_error(&f, "q", "請填寫數量。");
	else if (e)
		decimals_message(req, &f, "q", e, 3, m->q_max, m->q_unit);
	if (m->q2_label) {
		e = number(req, v.q2, 6, m->q2_signed, m->q2_max, &in.q2);
		if (e == INPUT_EMPTY) {
			form_error(&f, "q2", "此欄位為必填。");
		} else if (e == INPUT_TOO_LARGE) {
			char b[64];
			dec_t d;

			dec_from_int(m->q2_max, &d);
			dec_format_grouped(d, b, sizeof(b));
			form_error(&f, "q2", arena_printf(&req->arena, "%s須介於 %s%s 與 %s 之間。", m->q2_label,
							  m->q2_signed ? "-" : "", m->q2_signed ? b : "0", b));
		} else if (e) {
			decimals_message(req, &f, "q2", e, 6, m->q2_max, m->q2_unit);
		}
	}
	for (int i = 0; i < NA_MAX_OPTIONS; i++) {
		in.opt[i] = *v.opt[i] ? v.opt[i] : NULL;
		/* An option this method does not have: the form never sends one, and nothing is stored unchecked. */
		if (in.opt[i] && !m->options[i].name) {
			form_error(&f, i == 0 ? "opt1" : i == 1 ? "opt2" : "opt3", "此活動類別沒有這個選項。");
			foreign = i + 1;
		}
	}
	if (*v.override) {
		e = number(req, v.override, 9, 0, NA_OVERRIDE_MAX, &in.override);
		if (e)
			decimals_message(req, &f, "override", e, 9, NA_OVERRIDE_MAX, "kgCO₂e／每單位數量");
		in.has_override = 1;
		if (input_text(&req->arena, v.reason, strlen(v.reason), 300, 0, &reason))
			form_error(&f, "reason", "採用自訂係數時，請說明理由（300 字以內）。");
	}
	if (!f.nerr && na_compute(t, year, &in, &line, err, sizeof(err))) {
		/* The method's own refusal, beside the field it concerns. */
		const char *field = strstr(err, "選") ? "opt1" : strstr(err, "比例") ? "q2" : "q";
		for (int i = 0; i < NA_MAX_OPTIONS && m->options[i].name; i++)
			if (strstr(err, m->options[i].label))
				field = i == 0 ? "opt1" : i == 1 ? "opt2" : "opt3";
		form_error(&f, field, arena_strdup(&req->arena, err));
	}
	if (!f.nerr && dec_to_scaled_i64(line.kg, 3, &kgm))
		form_error(&f, "q", "數量過大，無法計算。");
	if (f.nerr) {
		req->status = 400;
		return render(req, year, m, &v, &f, foreign ?
			      arena_printf(&req->arena, "資料未存檔：「%s」沒有第 %d 個選項，送出的選項值不屬於此表單。", m->label, foreign) :
			      "資料未存檔：請修正標示的欄位。");
	}
	if (db_begin(db))
		return unavailable(req);
	if (!v.id) {
		/*
		 * At most NA_MAX_LINES lines a county-year (nonagency.h BOUNDS):
		 * counted under the county-year's row lock, so two saves cannot
		 * both take the last place.
		 */
		st = db_prepare(db, "SELECT 1 FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE");
		if (!st || (db_bind_int(st, 0, req->session->county_id), db_bind_int(st, 1, year), db_exec(st)))
			goto fail;
		db_reset(st);
		/* A locking read: the newest committed lines, not this transaction's snapshot. */
		st = db_prepare(db, "SELECT COUNT(*) FROM county_activities WHERE county_id = ? AND year = ? FOR UPDATE");
		if (!st || (db_bind_int(st, 0, req->session->county_id), db_bind_int(st, 1, year), db_exec(st)))
			goto fail;
		long long lines = db_step(st) == 1 ? db_col_int(st, 0) : 0;
		db_reset(st);
		if (lines >= NA_MAX_LINES) {
			db_rollback(db);
			req->status = 409;
			form_error(&f, "_", "full");   /* no field of its own: the flash says it */
			return render(req, year, m, &v, &f,
				      arena_printf(&req->arena, "本年度非機關活動已有 %lld 筆，已達上限 %d 筆，未存檔；請合併或刪除部分資料後再新增。",
						   lines, NA_MAX_LINES));
		}
	}
	if (v.id) {
		st = db_prepare(db,
			"UPDATE county_activities SET description = ?, note = ?, quantity = ?, quantity2 = NULLIF(?, ''),"
			" opt1 = NULLIF(?, ''), opt2 = NULLIF(?, ''), opt3 = NULLIF(?, ''), override_factor = NULLIF(?, ''),"
			" override_reason = NULLIF(?, ''), kg_milli = ?, category = ?, scope = ?, gwp_set = ?, factor_text = ?,"
			" unit_text = ?, method_text = ?, sources = ?, provisional = ?, version = version + 1, updated_by = ?,"
			" updated_at = NOW(3) WHERE id = ? AND county_id = ? AND year = ? AND method = ? AND version = ?");
	} else {
		st = db_prepare(db,
			"INSERT INTO county_activities (description, note, quantity, quantity2, opt1, opt2, opt3, override_factor,"
			" override_reason, kg_milli, category, scope, gwp_set, factor_text, unit_text, method_text, sources, provisional,"
			" created_by, updated_by, created_at, updated_at, county_id, year, method)"
			" VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''),"
			" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3), ?, ?, ?)");
	}
	if (!st)
		goto fail;
	{
		char qb[64], q2b[64] = "", ob[64] = "";
		int i = 0;

		dec_format(in.q, qb, sizeof(qb));
		if (m->q2_label)
			dec_format(in.q2, q2b, sizeof(q2b));
		if (in.has_override)
			dec_format(in.override, ob, sizeof(ob));
		db_bind_text(st, i++, desc);
		db_bind_text(st, i++, note);
		db_bind_text(st, i++, qb);
		db_bind_text(st, i++, q2b);
		for (int k = 0; k < NA_MAX_OPTIONS; k++)
			db_bind_text(st, i++, in.opt[k] ? in.opt[k] : "");
		db_bind_text(st, i++, ob);
		db_bind_text(st, i++, in.has_override ? reason : "");
		db_bind_int(st, i++, kgm);
		db_bind_int(st, i++, line.category);
		db_bind_int(st, i++, line.scope);
		db_bind_text(st, i++, line.gwp_set);
		db_bind_text(st, i++, line.factor_text);
		db_bind_text(st, i++, line.unit_text);
		db_bind_text(st, i++, line.method);
		db_bind_text(st, i++, line.sources);
		db_bind_int(st, i++, line.provisional);
		if (v.id) {
			db_bind_int(st, i++, req->session->account_id);
			db_bind_int(st, i++, v.id);
			db_bind_int(st, i++, req->session->county_id);
			db_bind_int(st, i++, year);
			db_bind_text(st, i++, m->key);
			db_bind_int(st, i++, v.version);
		} else {
			db_bind_int(st, i++, req->session->account_id);
			db_bind_int(st, i++, req->session->account_id);
			db_bind_int(st, i++, req->session->county_id);
			db_bind_int(st, i++, year);
			db_bind_text(st, i++, m->key);
		}
		if (db_exec(st))
			goto fail;
		if (v.id && db_affected(st) != 1) {
			db_rollback(db);
			req->status = 409;
			form_error(&f, "_", "conflict");   /* no field of its own: the flash says it */
			return render(req, year, m, &v, &f,
				      "此筆資料已被他人修改或刪除，未存檔；以下保留您輸入的內容，請重新整理後再修改。");
		}
		dec_format(line.kg, kgtext, sizeof(kgtext));
		if (audit_add_county(req, year, arena_printf(&req->arena, "非機關活動 %s%s", m->label, v.id ? "（修改）" : ""), NULL,
				     arena_printf(&req->arena, "%s %s %s → %s kgCO2e", desc, qb, m->q_unit, kgtext)) ||
		    db_commit(db))
			goto fail;
	}
	redirect(req, arena_printf(&req->arena, "/team/activities?year=%d&saved=1", year));
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

static int delete_line(struct request *req, int year)
{
	struct db *db = &req->app->db;
	long long id = strtoll(req_str(req, "id"), NULL, 10), version = strtoll(req_str(req, "version"), NULL, 10);
	struct db_stmt *st;
	char *what;

	if (db_begin(db))
		return unavailable(req);
	st = db_prepare(db, "SELECT method, description, kg_milli FROM county_activities"
			    " WHERE id = ? AND county_id = ? AND year = ? AND version = ? FOR UPDATE");
	if (!st || (db_bind_int(st, 0, id), db_bind_int(st, 1, req->session->county_id), db_bind_int(st, 2, year),
		    db_bind_int(st, 3, version), db_exec(st)))
		goto fail;
	if (db_step(st) != 1) {
		db_rollback(db);
		req->status = 409;
		struct form f = { .nerr = 0 };

		form_error(&f, "_", "conflict");
		return render(req, year, NULL, NULL, &f, "此筆資料已被他人修改或刪除，未刪除。");
	}
	what = arena_printf(&req->arena, "%s %s %lld", db_col_text(st, 0, NULL), db_col_text(st, 1, NULL), db_col_int(st, 2));
	db_reset(st);
	st = db_prepare(db, "DELETE FROM county_activities WHERE id = ?");
	if (!st || (db_bind_int(st, 0, id), db_exec(st)) || audit_add_county(req, year, "非機關活動（刪除）", what, NULL) ||
	    db_commit(db))
		goto fail;
	redirect(req, arena_printf(&req->arena, "/team/activities?year=%d&deleted=1", year));
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

/* The form of line `id` filled with what it holds. */
static int edit_form(struct request *req, int year, long long id)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT method, description, note, quantity, IFNULL(quantity2, ''), IFNULL(opt1, ''), IFNULL(opt2, ''), IFNULL(opt3, ''),"
		" IFNULL(override_factor, ''), IFNULL(override_reason, ''), version"
		" FROM county_activities WHERE id = ? AND county_id = ? AND year = ?");
	struct values v = { .id = id };
	const struct na_method *m;

	if (!st || (db_bind_int(st, 0, id), db_bind_int(st, 1, req->session->county_id), db_bind_int(st, 2, year), db_exec(st)))
		return unavailable(req);
	if (db_step(st) != 1) {
		req->status = 404;
		return routes_error_page(req);
	}
	m = na_method_get(db_col_text(st, 0, NULL));
	v.description = arena_strdup(&req->arena, db_col_text(st, 1, NULL));
	v.note = arena_strdup(&req->arena, db_col_text(st, 2, NULL));
	v.q = arena_strdup(&req->arena, db_col_text(st, 3, NULL));
	v.q2 = arena_strdup(&req->arena, db_col_text(st, 4, NULL));
	for (int i = 0; i < NA_MAX_OPTIONS; i++)
		v.opt[i] = arena_strdup(&req->arena, db_col_text(st, 5 + i, NULL));
	v.override = arena_strdup(&req->arena, db_col_text(st, 8, NULL));
	v.reason = arena_strdup(&req->arena, db_col_text(st, 9, NULL));
	v.version = db_col_int(st, 10);
	db_reset(st);
	if (!m) {
		req->status = 404;
		return routes_error_page(req);
	}
	render(req, year, m, &v, NULL, NULL);
	return req->status;
}

int page_team_activities(struct request *req)
{
	int year = atoi(req_str(req, "year"));
	const char *action = req_arg(req, "action");

	if (!year)
		return layout_year_page(req, "填報非機關單位耗用之活動", "非機關活動", "填報非機關單位耗用之活動", "/team/activities");
	if (!year_ok(year)) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (req->method == METHOD_POST) {
		int pub = inventory_year_published(req, req->session->county_id, year);

		if (pub < 0)
			return unavailable(req);
		if (pub) {
			struct form f = { .nerr = 0 };

			form_error(&f, "_", "published");
			req->status = 409;
			return render(req, year, NULL, NULL, &f, "本年度盤查成果已公開，非機關活動資料不可修改；請先於「盤查清冊」撤回公開。");
		}
		if (action && !strcmp(action, "save"))
			return save(req, year);
		if (action && !strcmp(action, "delete"))
			return delete_line(req, year);
		req->status = 400;
		return routes_error_page(req);
	}
	if (req_arg(req, "edit"))
		return edit_form(req, year, strtoll(req_str(req, "edit"), NULL, 10));
	{
		const struct na_method *m = req_arg(req, "method") ? na_method_get(req_str(req, "method")) : NULL;
		struct values v = { .description = "", .note = "", .q = "", .q2 = "", .opt = { "", "", "" }, .override = "", .reason = "" };

		if (req_arg(req, "method") && !m) {
			req->status = 404;
			return routes_error_page(req);
		}
		render(req, year, m, &v, NULL, req_arg(req, "saved") ? "已計算並存檔。" : req_arg(req, "deleted") ? "已刪除。" : NULL);
	}
	return req->status;
}

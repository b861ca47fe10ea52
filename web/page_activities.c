/* page_activities.c: 填報非機關單位耗用之活動: the county team's lines of non-agency activity
 * for a year, each computed by nonagency.c with its factor, method and sources shown. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "activities.h"
#include "html.h"
#include "quality.h"
#include "routes.h"
#include "session.h"
#include "store_activity.h"
#include "store_factor.h"
#include "store_year.h"
#include "util.h"

/*
 * DESIGN: a line keeps what was typed (quantities, choices, the team's own
 * factor and its reason) and what was computed from it (kgCO2e, factor,
 * method, sources), written in one transaction with its audit row.  The
 * form is one method at a time (?method=), without scripts; a refused
 * form comes back with what was typed and the reason beside the field
 * (page_activities_post.c saves and deletes).  An edit carries the line's
 * version: a line changed meanwhile is not overwritten.  While the year is
 * locked (年度鎖定) or published its lines are shown read-only, with why.
 *
 * Each line has the agency form's 數據品質與不確定性 block (dq.c: the same
 * fields, labels and messages), its defaults the method's own or, for
 * electricity and fuels, the agency form's item's (activities_default); the
 * table shows each line's A1-A3, level and uncertainty as stored at its
 * save, which the quality job counts in the county's figures.
 */

enum { ACT_YEAR, ACT_METHOD, ACT_EDIT, ACT_SAVED, ACT_DELETED, ACT__MAX };
static const struct form_key team_activities_keys[ACT__MAX] = {
	[ACT_YEAR] = { "year", FORM_YEAR, 0, 0, 0, NULL, NULL, NULL },
	[ACT_METHOD] = { "method", FORM_ENUM, 0, 0, 0, na_method_keys, NULL, NULL },
	[ACT_EDIT] = { "edit", FORM_ID, 0, 0, 0, NULL, NULL, NULL },
	[ACT_SAVED] = { "saved", FORM_FLAG, 0, 0, 0, NULL, NULL, NULL },
	[ACT_DELETED] = { "deleted", FORM_FLAG, 0, 0, 0, NULL, NULL, NULL },
};
const struct form_decl team_activities_in = FORM_DECL(team_activities_keys);

static int take_item(void *ctx, const struct store_item_quality *row)
{
	struct activity_defaults *d = ctx;

	for (int k = 0; k < CALC__MAX; k++) {
		if (strcmp(calc_items[k].key, row->item))
			continue;
		d->has_item[k] = 1;
		dq_default_of(row, &d->item[k]);
	}
	return 0;
}

static int take_method(void *ctx, const struct store_item_quality *row)
{
	struct activity_defaults *d = ctx;
	const struct na_method *m = na_method_get(row->item);

	if (!m)
		return 0;
	d->has_method[m - na_methods] = 1;
	dq_default_of(row, &d->method[m - na_methods]);
	return 0;
}

const struct activity_defaults *activities_defaults(struct request *req)
{
	struct activity_defaults *d = arena_zalloc(&req->arena, sizeof(*d));

	if (store_factor_item_defaults(&req->app->db, take_item, d) || store_factor_method_defaults(&req->app->db, take_method, d))
		return NULL;
	return d;
}

const struct store_quality *activities_default(const struct activity_defaults *d, const struct na_method *m, const char *fuel)
{
	const char *item = na_quality_item(m, fuel);

	if (!d || !m)
		return NULL;
	if (na_quality_own(m))
		return d->has_method[m - na_methods] ? &d->method[m - na_methods] : NULL;
	for (int k = 0; item && k < CALC__MAX; k++)
		if (!strcmp(calc_items[k].key, item))
			return d->has_item[k] ? &d->item[k] : NULL;
	return NULL;
}

int activities_unavailable(struct request *req)
{
	routes_unavailable(req, "activities");
	return req->status;
}

int activities_frozen(struct request *req, int year)
{
	req->status = 409;   /* the page reads the state again and says why */
	return activities_render(req, year, NULL, NULL, NULL, NULL);
}

/* Why the year's lines cannot change (ys: locked or published), above them; the refused change's page (409) as an error. */
static void frozen_notice(struct request *req, int year, const struct store_year_state *ys)
{
	struct strbuf *o = &req->body;

	html(o, req->status == 409 ? "<p class=\"flash error\" role=\"status\" id=\"frozen\">未變更：" : "<p class=\"notice\" id=\"frozen\">");
	if (ys->locked && ys->published)
		html(o, "本年度已鎖定且盤查成果已公開，非機關活動資料不可修改；須先於「盤查清冊」撤回公開，再解除");
	else if (ys->locked)
		html(o, "本年度已鎖定，非機關活動資料不可修改；須先解除");
	else
		html(o, "本年度盤查成果已公開，非機關活動資料不可修改；請先於「盤查清冊」撤回公開。</p>");
	if (ys->locked)
		strbuf_addf(o, "<a href=\"/team/years/lock?year=%d\">年度鎖定</a>。</p>", year);
}

/* The label of choice `key` of option `o`, or the key. */
static const char *choice_label(const struct na_option *o, const char *key)
{
	for (int k = 0; k < NA_MAX_CHOICES && o->choices[k].key; k++)
		if (!strcmp(o->choices[k].key, key))
			return o->choices[k].label;
	return key;
}

/* The select of option i of method m, with v's choice and f's error. */
static void option_field(struct request *req, const struct na_method *m, int i, const struct activity_values *v,
			 const struct form *f)
{
	struct strbuf *o = &req->body;
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

/*
 * Whose defaults a line of electricity or fuel takes, above its block: the
 * agency form's same item (for fuels, each choice's, the page having no
 * script to follow the select).
 */
static void defaults_hint(struct request *req, const struct na_method *m, const struct activity_defaults *d)
{
	struct strbuf *o = &req->body;

	if (na_quality_own(m))
		return;
	html(o, "<p class=\"muted dq-defaults\" id=\"dq-defaults\">");
	if (!strncmp(m->key, "elec_", 5)) {
		html(o, "數據品質預設值與機關填報表單之「電力」相同（台電帳單）。</p>");
		return;
	}
	html(o, "數據品質預設值與機關填報表單之同一燃料相同，依所選燃料而定：");
	for (int k = 0; k < NA_MAX_CHOICES && m->options[0].choices[k].key; k++) {
		const struct store_quality *q = activities_default(d, m, m->options[0].choices[k].key);

		if (k)
			html(o, "、");
		html_txt(o, m->options[0].choices[k].label);
		if (q)
			strbuf_addf(o, " A1 %d／A2 %d／A3 %d", q->a1, q->a2, q->a3);
	}
	html(o, "。</p>");
}

static void render_form(struct request *req, int year, const struct na_method *m, const struct activity_values *v,
			const struct form *f, const struct activity_defaults *d)
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
	for (int i = 0; i < NA_MAX_OPTIONS && m->options[i].name; i++)
		option_field(req, m, i, v, f);
	struct field fn = { .name = "note", .label = m->needs_note ? "資料說明與來源" : "備註", .value = v->note, .maxlength = 300,
			    .required = m->needs_note };
	form_field(req, f, &fn);
	/* A fuel line's block shows the defaults of the fuel it holds: the save tells them from what was typed. */
	if (!na_quality_own(m))
		html_hidden(o, "dq_for", na_quality_item(m, v->opt[0]) ? v->opt[0] : "");
	defaults_hint(req, m, d);
	dq_render(req, f, "q", activities_default(d, m, v->opt[0]), &v->dq, m->label, 0);
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

/* The year's table as its lines stream in: the totals so far. */
struct listing {
	struct request *req;
	int year;
	int frozen;             /* locked or published: no 修改 or 刪除 */
	int n;
	long long cat_total[INV_CAT__MAX], emissions, removals;
	int restated;           /* lines with a 重算值 (a factor change since the year was locked or published) */
	long long re_emissions, re_removals;   /* the totals with each 重算值 in place of its line's figure */
};

/* The cells of a line's activity (with its options) and of its quantities. */
static void row_activity(struct strbuf *o, const struct na_method *lm, const struct activity_row *r)
{
	html_txt(o, lm ? lm->label : r->method);
	for (int i = 0; lm && i < NA_MAX_OPTIONS && lm->options[i].name; i++) {
		if (*r->opt[i]) {
			html(o, "<br><span class=\"muted\">");
			html_txt(o, choice_label(&lm->options[i], r->opt[i]));
			html(o, "</span>");
		}
	}
	html(o, "</td><td>");
	html_txt(o, r->description);
	if (*r->note) {
		html(o, "<br><span class=\"muted\">");
		html_txt(o, r->note);
		html(o, "</span>");
	}
	html(o, "</td><td class=\"num\">");
	html_txt(o, r->quantity);
	html(o, " ");
	/* A fuel's quantity is in that fuel's unit: the line's own, as its factor's (nonagency.c). */
	html_txt(o, !lm ? "" : lm->options[0].name && !strcmp(lm->options[0].name, "fuel") && *r->unit_text ? r->unit_text : lm->q_unit);
	if (lm && lm->q2_label) {
		html(o, "<br>");
		html_txt(o, r->quantity2);
		html(o, " ");
		html_txt(o, lm->q2_unit);
	}
}

/* The cells of a line's factor, method and sources. */
static void row_method(struct strbuf *o, const struct activity_row *r)
{
	html(o, "</td><td class=\"method\"><strong class=\"factor\">");
	html_txt(o, r->factor_text);
	html(o, "</strong> kgCO₂e／");
	html_txt(o, r->unit_text);
	if (*r->gwp_set) {
		html(o, "（GWP ");
		html_txt(o, r->gwp_set);
		html(o, "）");
	}
	if (r->provisional)
		html(o, " <span class=\"status s1\">暫用</span>");
	html(o, "<br><span class=\"muted\">");
	html_txt(o, r->method_text);
	if (*r->override_reason) {
		html(o, "；理由：");
		html_txt(o, r->override_reason);
	}
	html(o, "</span><br><span class=\"muted source\">來源：");
	html_txt(o, r->sources);
}

/* The line's kgCO2e per gas (SPEC-2 §2a), or why there are none: a line saved before they existed. */
static void row_gases(struct strbuf *o, const struct activity_row *r)
{
	int n = 0;

	html(o, "<td class=\"num gases\">");
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		if (!r->q.has_gas[g])
			continue;
		strbuf_addf(o, "%s<span data-gas=\"%s\">", n++ ? "<br>" : "", calc_gas_keys[g]);
		html_txt(o, calc_gas_labels[g]);
		html(o, " ");
		html_milli(o, r->q.gas_milli[g]);
		html(o, "</span>");
	}
	if (!n)
		html(o, "<span class=\"muted\">未分氣體（重新存檔後計算）</span>");
	html(o, "</td>");
}

/*
 * The line's A1-A3, level and score, and its uncertainty over its gases
 * (SPEC-2 §2c, a line alone), as stored at its save; a line saved before
 * the quality fields says so.
 */
static void row_quality(struct strbuf *o, const struct activity_row *r)
{
	const struct activity_quality *q = &r->q;
	int level = quality_level(q->a1, q->a2, q->a3), split = 0;
	struct quality_acc acc;
	struct quality_uncertainty u;
	char b[64];

	if (!level) {
		html(o, "<td class=\"dq\"><span class=\"muted\">未設定 A1–A3（數據品質欄位啟用前存檔，重新存檔後計算）</span></td>");
		return;
	}
	quality_acc_init(&acc);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		if (!q->has_gas[g])
			continue;
		split = 1;
		quality_acc_add_gas(&acc, q->gas_milli[g], q->ad_lower, q->ad_upper, q->ef_lower[g], q->ef_upper[g]);
	}
	if (!split)
		quality_acc_add(&acc, r->kg_milli, NULL);
	if (quality_uncertainty(&acc, &u))
		u.assessed = 0;
	quality_interval_text(&u, b, sizeof(b));
	strbuf_addf(o, "<td class=\"dq\" data-level=\"%d\"><span class=\"dq-a\">A1 %d／A2 %d／A3 %d</span>%s<br>"
		    "等級 <span class=\"dq-level\">%d</span>（評分 %d）<br>不確定性 <span class=\"dq-unc\">",
		    level, q->a1, q->a2, q->a3, q->typed ? "（已自訂）" : "", level, quality_score(level));
	html_txt(o, b);
	html(o, "</span></td>");
}

/* One line of the year's table (store_activity_list's callback). */
static int list_row(void *ctx, const struct activity_row *r)
{
	struct listing *l = ctx;
	struct request *req = l->req;
	struct strbuf *o = &req->body;
	const struct na_method *lm = na_method_get(r->method);
	int cat = r->category;

	l->n++;
	if (cat >= 0 && cat < INV_CAT__MAX)
		add_checked(&l->cat_total[cat], r->kg_milli);
	add_checked(r->kg_milli < 0 ? &l->removals : &l->emissions, r->kg_milli);
	{
		long long re = r->has_restated ? r->restated_kg_milli : r->kg_milli;

		l->restated += r->has_restated;
		add_checked(re < 0 ? &l->re_removals : &l->re_emissions, re);
	}
	strbuf_addf(o, "<tr data-activity=\"%lld\"><td>", r->id);
	html_txt(o, cat >= 0 && cat < INV_CAT__MAX ? inv_category_labels[cat] : "?");
	html(o, "</td><td>");
	row_activity(o, lm, r);
	row_method(o, r);
	strbuf_addf(o, "</span></td><td>範疇%s", r->scope == 2 ? "二" : "一");
	if (r->iso_category >= 1 && r->iso_category <= CALC_ISO_MAX) {
		html(o, "<br><span class=\"iso\">");
		html_txt(o, calc_iso_labels[r->iso_category]);
		html(o, "</span>");
	}
	html(o, "</td><td class=\"num kg\">");
	html_milli(o, r->kg_milli);
	if (r->has_restated) {
		html(o, "<br><span class=\"restated\">重算值 ");
		html_milli(o, r->restated_kg_milli);
		html(o, "</span>");
	}
	html(o, "</td>");
	row_gases(o, r);
	row_quality(o, r);
	if (l->frozen) {
		html(o, "<td></td></tr>");
		return 0;
	}
	strbuf_addf(o, "<td><a href=\"/team/activities?year=%d&amp;edit=%lld\">修改</a> "
		    "<form method=\"post\" action=\"/team/activities\" class=\"inline\">", l->year, r->id);
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "delete");
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
		    "<input type=\"hidden\" name=\"version\" value=\"%lld\">"
		    "<button type=\"submit\" class=\"secondary\">刪除</button></form></td></tr>", l->year, r->id, r->version);
	return 0;
}

/* The table's foot: the totals by category, of emissions, and of removals apart. */
static void list_totals(struct strbuf *o, const struct listing *l)
{
	for (int c = 0; c < INV_CAT__MAX; c++) {
		if (!l->cat_total[c])
			continue;
		strbuf_addf(o, "<tr class=\"subtotal\" data-category=\"%s\"><th colspan=\"6\">", inv_category_keys[c]);
		html_txt(o, inv_category_labels[c]);
		html(o, " 小計</th><td class=\"num\">");
		sum_cell(o, l->cat_total[c]);
		html(o, "</td><td></td><td></td><td></td></tr>");
	}
	html(o, "<tr><th colspan=\"6\">排放量合計</th><td class=\"num\" id=\"na-emissions\">");
	sum_cell(o, l->emissions);
	html(o, "</td><td></td><td></td><td></td></tr><tr><th colspan=\"6\">吸收量合計（另列，不與排放量相抵）</th>"
		"<td class=\"num\" id=\"na-removals\">");
	sum_cell(o, l->removals);
	html(o, "</td><td></td><td></td><td></td></tr>");
	if (l->restated) {
		strbuf_addf(o, "<tr class=\"restated\"><th colspan=\"6\">重算值（係數更新後，%d 筆於年度鎖定或公開時保留原數字）：排放量合計"
			    "</th><td class=\"num\" id=\"na-restated-emissions\">", l->restated);
		sum_cell(o, l->re_emissions);
		html(o, "</td><td></td><td></td><td></td></tr><tr class=\"restated\"><th colspan=\"6\">重算值：吸收量合計</th>"
			"<td class=\"num\" id=\"na-restated-removals\">");
		sum_cell(o, l->re_removals);
		html(o, "</td><td></td><td></td><td></td></tr>");
	}
	html(o, "</tfoot></table>");
}

/* The links to each method's form. */
static void methods_nav(struct strbuf *o, int year)
{
	html(o, "<nav class=\"methods\" aria-label=\"新增活動\"><p>新增：");
	for (int i = 0; i < na_nmethods; i++) {
		strbuf_addf(o, "%s<a href=\"/team/activities?year=%d&amp;method=%s\">", i ? "｜" : "", year, na_methods[i].key);
		html_txt(o, na_methods[i].label);
		html(o, "</a>");
	}
	html(o, "</p></nav>");
}

int activities_render(struct request *req, int year, const struct na_method *m, const struct activity_values *v,
		      const struct form *f, const char *flash)
{
	struct strbuf *o = &req->body;
	struct listing l = { .req = req, .year = year };
	struct store_year_state ys;
	const struct activity_defaults *d = NULL;
	int r = store_year_get_state(&req->app->db, req->session->county_id, year, &ys);

	if (r < 0)
		return activities_unavailable(req);
	l.frozen = r && (ys.locked || ys.published);
	if (m && !l.frozen && !(d = activities_defaults(req)))
		return activities_unavailable(req);
	layout_begin(req, "填報非機關單位耗用之活動", "非機關活動");
	strbuf_addf(o, "<h1>填報非機關單位耗用之活動　民國 %d 年（%d）</h1>", year - 1911, year);
	if (l.frozen)
		frozen_notice(req, year, &ys);
	else if (flash)
		form_flash(req, f && f->nerr ? "error" : "ok", flash);
	if (!l.frozen)
		methods_nav(o, year);
	if (m && !l.frozen)
		render_form(req, year, m, v, f, d);
	html(o, "<table id=\"activities\"><thead><tr><th>類別</th><th>活動</th><th>說明</th><th class=\"num\">數量</th>"
		"<th>係數與方法</th><th>範疇／ISO 類別</th><th class=\"num\">排放量(KgCO₂e)</th><th class=\"num\">各溫室氣體(KgCO₂e)</th>"
		"<th>數據品質（A1–A3、誤差等級、不確定性）</th><th><span class=\"visually-hidden\">操作</span></th></tr></thead><tbody>");
	if (store_activity_list(&req->app->db, req->session->county_id, year, &req->arena, list_row, &l))
		return activities_unavailable(req);
	if (!l.n)
		html(o, "<tr><td colspan=\"10\" class=\"empty\">本年度尚未填報非機關單位活動。</td></tr>");
	html(o, "</tbody><tfoot>");
	list_totals(o, &l);
	layout_end(req);
	return req->status;
}

/* The form of line `id` filled with what it holds. */
static int edit_form(struct request *req, int year, long long id)
{
	struct activity_form *row = arena_alloc(&req->arena, sizeof(*row));
	struct activity_values v = { .id = id };
	const struct na_method *m;
	int r = store_activity_get(&req->app->db, id, req->session->county_id, year, row);

	if (r < 0)
		return activities_unavailable(req);
	m = r ? na_method_get(row->method) : NULL;
	if (!m) {
		req->status = 404;
		return routes_error_page(req);
	}
	v.description = row->description;
	v.note = row->note;
	v.q = row->quantity;
	v.q2 = row->quantity2;
	for (int i = 0; i < NA_MAX_OPTIONS; i++)
		v.opt[i] = row->opt[i];
	v.override = row->override_factor;
	v.reason = row->override_reason;
	v.version = row->version;
	dq_from_stored(&req->arena, &row->typed, &v.dq);
	return activities_render(req, year, m, &v, NULL, NULL);
}

int page_team_activities(struct request *req)
{
	const struct form_val *in = req->in;
	const struct na_method *m = in[ACT_METHOD].set ? &na_methods[in[ACT_METHOD].i] : NULL;
	struct activity_values v = { .description = "", .note = "", .q = "", .q2 = "", .opt = { "", "", "" }, .override = "", .reason = "" };

	if (!in[ACT_YEAR].set && !form_error_of(req->in_err, "year"))
		return layout_year_page(req, "填報非機關單位耗用之活動", "非機關活動", "填報非機關單位耗用之活動", "/team/activities");
	/* A year the platform does not serve, a line or a method that is not there. */
	if (req->in_err->nerr) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (in[ACT_EDIT].set)
		return edit_form(req, (int)in[ACT_YEAR].i, in[ACT_EDIT].i);
	return activities_render(req, (int)in[ACT_YEAR].i, m, &v, NULL,
				 in[ACT_SAVED].set ? "已計算並存檔。" : in[ACT_DELETED].set ? "已刪除。" : NULL);
}

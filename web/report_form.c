/* report_form.c: the report form's page: its fields with last year's hints, 四、排放量小計, its state (退回, 已確認, 申請更正), and the whole page around them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dq.h"
#include "form.h"
#include "html.h"
#include "quality.h"
#include "report.h"
#include "routes.h"
#include "session.h"
#include "util.h"

/* Last year's value of a field, for the hint beside it. */
static const char *last_of(const struct report *prev, int part, int k)
{
	return prev && prev->id ? prev->part[part].qty[k] : NULL;
}

/* A warning when a value moved by more than 50% from last year. */
static const char *jump_warning(struct request *req, const char *now, const char *last)
{
	dec_t a, b, diff, half;

	if (!now || !last || dec_parse(now, strlen(now), 3, DEC_ALLOW_GROUPING, &a) ||
	    dec_parse(last, strlen(last), 3, DEC_ALLOW_GROUPING, &b))
		return NULL;
	if (dec_is_zero(b))
		return dec_is_zero(a) ? NULL : arena_strdup(&req->arena, "去年為 0，請確認數值。");
	if (dec_sub(a, b, &diff) || dec_mul(b, (dec_t){ 5, 1 }, &half))
		return NULL;
	if (diff.m < 0)
		diff.m = -diff.m;
	if (dec_cmp(diff, half) > 0)
		return arena_strdup(&req->arena, "與去年相差超過 ±50%，請確認數值是否正確。");
	return NULL;
}

static void qty_field(struct request *req, const struct form *f, const char *name, const char *label,
		      const char *value, const char *unit, const char *last, int readonly)
{
	struct strbuf extra = STRBUF_INIT;
	const char *w = jump_warning(req, value, last);

	if (last) {
		html(&extra, "<span class=\"last muted\">去年：");
		html_txt(&extra, last);
		html(&extra, "</span>");
	}
	if (w) {
		html(&extra, " <span class=\"warn\">");
		html_txt(&extra, w);
		html(&extra, "</span>");
	}
	struct field fd = { .name = name, .label = label, .value = value, .unit = unit, .decimal = 1,
			    .maxlength = 40, .extra = extra.len ? arena_strdup(&req->arena, extra.buf) : NULL,
			    .readonly = readonly };
	form_field(req, f, &fd);
	strbuf_release(&extra);
}

static void text_field(struct request *req, const struct form *f, const char *name, const char *label,
		       const char *value, int max, int readonly)
{
	struct field fd = { .name = name, .label = label, .value = value, .maxlength = max, .readonly = readonly };
	form_field(req, f, &fd);
}

static void refrigerant_select(struct request *req, const struct calc_table *t, const char *name, const char *value, int ro)
{
	struct strbuf *o = &req->body;

	html(o, "<select id=\"f-");
	html_attr(o, name);
	html(o, "\" name=\"");
	html_attr(o, name);
	html(o, ro ? "\" disabled><option value=\"\">請選擇</option>" : "\"><option value=\"\">請選擇</option>");
	for (int i = 0; t && i < t->nrefrigerants; i++) {
		const char *c = t->refrigerants[i].code;
		if (!strcmp(c, "R134a") || !strcmp(c, "R410a"))
			continue;
		html_option(o, c, t->refrigerants[i].label, value && !strcmp(value, c));
	}
	html(o, "</select>");
}

/* 數據品質與不確定性 of the line whose quantity is field fld (item k), with the item's defaults (dq.c). */
static void quality_block(struct request *req, const struct form *f, const struct report *r, const char *fld, int k,
			  const struct dq_typed *q, const char *label, int ro)
{
	dq_render(req, f, fld, r->dq && r->dq->has[k] ? &r->dq->q[k] : NULL, q, label, ro);
}

/* The message of field name, if any, as a paragraph with its id (aria-describedby points at it). */
static void field_error_p(struct strbuf *o, const char *name, const char *err)
{
	if (!err)
		return;
	html(o, "<p class=\"field-error\" id=\"e-");
	html_attr(o, name);
	html(o, "\">");
	html_txt(o, err);
	html(o, "</p>");
}

/*
 * For an extra refrigerant row with no type yet (the own part): what the
 * year before's extra rows could give, "R22 2 公斤（2018 年）、…", or NULL.
 * Without a script the box cannot follow the type chosen, so the row offers
 * 沿用 of the type it will be given; report_from_form checks it then.
 */
static const char *carry_offers(struct request *req, const struct report *r)
{
	const struct report *pv = r->prev;
	struct strbuf o = STRBUF_INIT;
	const char *out = NULL;

	for (int i = 0; pv && pv->id && i < pv->part[CALC_OWN].nref; i++) {
		const char *type = pv->part[CALC_OWN].ref_type[i], *qty;
		int from, seen = 0;

		for (int j = 0; j < i; j++)
			seen |= !strcmp(pv->part[CALC_OWN].ref_type[j], type);
		if (seen || report_carry_refrigerant(r, type, &qty, &from) != CARRY_OK)
			continue;
		strbuf_addf(&o, "%s%s %s 公斤（%d 年）", o.len ? "、" : "", type, qty, from);
	}
	if (o.len)
		out = arena_strdup(&req->arena, o.buf);
	strbuf_release(&o);
	return out;
}

/* The 沿用 box (id and name cname) with its label's text. */
static void carry_box(struct strbuf *o, const char *cname, int checked, const char *label)
{
	html(o, "<p class=\"carry\"><input type=\"checkbox\" id=\"f-");
	html_attr(o, cname);
	html(o, "\" name=\"");
	html_attr(o, cname);
	html(o, "\" value=\"1\"");
	if (checked)
		html(o, " checked");
	html(o, "> <label for=\"f-");
	html_attr(o, cname);
	html(o, "\">");
	html_txt(o, label);
	html(o, "</label></p>");
}

/*
 * Beside a fixed item's, named refrigerant's or extra refrigerant row's
 * quantity (field fld): the 沿用 box when the year before has a real figure
 * to reuse (or why not, in a third year), and the NE / IE mark with its
 * reason or place.  Read-only: what is stored, as text.
 */
static void mark_block(struct request *req, const struct form *f, const struct report *r, int p, const char *fld, int item,
		       int seq, const struct report_mark *m, int ro)
{
	struct strbuf *o = &req->body;
	struct arena *a = &req->arena;
	const char *mname = arena_printf(a, "%s_mark", fld), *tname = arena_printf(a, "%s_mark_text", fld);
	const char *cname = arena_printf(a, "%s_carry", fld), *src = NULL, *merr = form_error_of(f, mname);
	const char *unit = item == CALC_REFRIGERANT ? "公斤" : calc_items[item].unit, *offers;
	int from = 0, rc = ro ? 0 : report_carry_source(r, p, item, seq, &src, &from);

	if (ro) {
		if (m->carried_from) {
			html(o, "<p class=\"carried\" id=\"carried-");
			html_attr(o, fld);
			strbuf_addf(o, "\"><span class=\"status s2\">沿用</span> 沿用 %d 年數量（微量排放源，環部氣字第1149114687號）</p>",
				    m->carried_from);
		}
		if (m->key) {
			html(o, "<p class=\"notation\" id=\"mark-");
			html_attr(o, fld);
			html(o, "\"><span class=\"status s1\">");
			html_txt(o, m->key);
			html(o, "</span> ");
			html(o, !strcmp(m->key, "NE") ? "未估算，原因：" : "已包含於：");
			html_txt(o, m->text ? m->text : "");
			html(o, "</p>");
		}
		return;
	}
	if (rc == CARRY_OK) {
		carry_box(o, cname, m->carry, arena_printf(a, "沿用 %d 年數量（%s %s；微量排放源，限一項、最多連續兩年）", from, src, unit));
	} else if (rc == CARRY_THIRD_YEAR) {
		strbuf_addf(o, "<p class=\"muted carry-ended\">此項已連續沿用兩年（%d 年的數量），本年度須填寫實際數量。</p>", from);
	} else if (rc == CARRY_AMBIGUOUS) {
		html(o, "<p class=\"muted carry-ended\">前一年度有多列冷媒 ");
		html_txt(o, report_line_type(r, p, item, seq));
		html(o, " 的數量，無法判定沿用哪一列，本年度須填寫實際數量。</p>");
	} else if (p == CALC_OWN && item == CALC_REFRIGERANT && seq >= REPORT_SEQ_EXTRA && !report_line_type(r, p, item, seq) &&
		   (offers = carry_offers(req, r)) != NULL) {
		carry_box(o, cname, m->carry, arena_printf(a, "沿用前一年度同型號冷媒的數量（請於上方選擇型號；可沿用：%s；"
							   "微量排放源，限一項、最多連續兩年）", offers));
	}
	html(o, "<details class=\"mark\" id=\"mark-");
	html_attr(o, fld);
	html(o, "\"");
	if (m->key || m->text || merr || form_error_of(f, tname))
		html(o, " open");
	html(o, "><summary>未填數量時的註記（NE／IE）</summary><div class=\"field\"><label for=\"f-");
	html_attr(o, mname);
	html(o, "\">註記</label><div class=\"control\"><select id=\"f-");
	html_attr(o, mname);
	html(o, "\" name=\"");
	html_attr(o, mname);
	html(o, "\"");
	if (merr) {
		html(o, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(o, mname);
		html(o, "\"");
	}
	html(o, ">");
	html_option(o, "", "無（空白即未發生 NO）", !m->key);
	html_option(o, "NE", "NE 未估算", m->key && !strcmp(m->key, "NE"));
	html_option(o, "IE", "IE 已包含於他處", m->key && !strcmp(m->key, "IE"));
	html(o, "</select>");
	field_error_p(o, mname, merr);
	html(o, "</div></div>");
	struct field t = { .name = tname, .label = "NE 的原因／IE 包含於何處", .value = m->text, .maxlength = 300 };
	form_field(req, f, &t);
	html(o, "</details>");
}

static void render_part(struct request *req, const struct form *f, const struct calc_table *t,
			const struct report *r, const struct report *prev, int p, int ro)
{
	struct strbuf *o = &req->body;
	const struct report_part *rp = &r->part[p];
	const char *pk = calc_part_keys[p];
	struct arena *a = &req->arena;
#define N(fmt, ...) arena_printf(a, fmt, __VA_ARGS__)
/* A fixed item's quantity and, when filled, its quality block. */
#define ITEM(k, lbl) do { \
		const char *fld_ = N("%s_%s", pk, calc_items[k].key); \
		qty_field(req, f, fld_, lbl, rp->qty[k], calc_items[k].unit, last_of(prev, p, k), ro); \
		mark_block(req, f, r, p, fld_, k, 0, &rp->mk[k], ro); \
		if (rp->qty[k]) \
			quality_block(req, f, r, fld_, k, &rp->qk[k], lbl, ro); \
	} while (0)

	ITEM(CALC_ELECTRICITY, "電力");
	html(o, "<h3>天然氣/瓦斯</h3>");
	ITEM(CALC_NATURAL_GAS, "天然氣");
	ITEM(CALC_LPG, "瓦斯");
	html(o, "<h3>公務車用油</h3>");
	ITEM(CALC_VEHICLE_GASOLINE, "汽油");
	ITEM(CALC_VEHICLE_DIESEL, "柴油");
	html(o, "<h3>其他設施(如發電機)</h3>");
	text_field(req, f, N("%s_generator_name", pk), "設施名稱", rp->generator_name, 100, ro);
	ITEM(CALC_GENERATOR_DIESEL, "發電機柴油");
	html(o, "<h3>滅火器補充量</h3>");
	ITEM(CALC_EXT_CO2, "二氧化碳滅火器補充");
	ITEM(CALC_EXT_BC, "BC乾粉滅火器補充");
	ITEM(CALC_EXT_KBC, "KBC乾粉滅火器補充");
	html(o, "<h3>冷媒補充量(含大樓冷氣、中央空調冰水主機、車用冷媒等)</h3>");
	qty_field(req, f, N("%s_ref_R134a", pk), "冷媒型號R134a，補充", rp->r134a, "公斤", prev && prev->id ? prev->part[p].r134a : NULL, ro);
	mark_block(req, f, r, p, N("%s_ref_R134a", pk), CALC_REFRIGERANT, REPORT_SEQ_R134A, &rp->mk134a, ro);
	if (rp->r134a)
		quality_block(req, f, r, N("%s_ref_R134a", pk), CALC_REFRIGERANT, &rp->q134a, "冷媒R134a", ro);
	qty_field(req, f, N("%s_ref_R410a", pk), "冷媒型號R410a，補充", rp->r410a, "公斤", prev && prev->id ? prev->part[p].r410a : NULL, ro);
	mark_block(req, f, r, p, N("%s_ref_R410a", pk), CALC_REFRIGERANT, REPORT_SEQ_R410A, &rp->mk410a, ro);
	if (rp->r410a)
		quality_block(req, f, r, N("%s_ref_R410a", pk), CALC_REFRIGERANT, &rp->q410a, "冷媒R410a", ro);
	int rows = rp->nref + (ro ? 0 : 2);
	if (rows > REPORT_EXTRA)
		rows = REPORT_EXTRA;
	for (int i = 0; i < rows; i++) {
		const char *tn = N("%s_ref_type_%d", pk, i + 1), *qn = N("%s_ref_qty_%d", pk, i + 1);
		const char *err = form_error_of(f, tn);

		html(o, "<div class=\"field\"><label for=\"f-");
		html_attr(o, tn);
		strbuf_addf(o, "\">其他冷媒型號 %d</label><div class=\"control\">", i + 1);
		refrigerant_select(req, t, tn, i < rp->nref ? rp->ref_type[i] : NULL, ro);
		if (err) {
			html(o, "<p class=\"field-error\">");
			html_txt(o, err);
			html(o, "</p>");
		}
		html(o, "</div></div>");
		qty_field(req, f, qn, arena_printf(a, "其他冷媒 %d 補充", i + 1), i < rp->nref ? rp->ref_qty[i] : NULL, "公斤", NULL, ro);
		mark_block(req, f, r, p, qn, CALC_REFRIGERANT, REPORT_SEQ_EXTRA + i, &rp->mkref[i], ro);
		if (i < rp->nref && rp->ref_qty[i])
			quality_block(req, f, r, qn, CALC_REFRIGERANT, &rp->qref[i], arena_printf(a, "其他冷媒 %d", i + 1), ro);
	}
	html(o, "<h3>其他能源資源耗用量</h3><p class=\"muted\">未列於上方的能資源（例如化學滅火器補充量）。有公告係數者才換算排放量。</p>");
	rows = rp->nother + (ro ? 0 : 2);
	if (rows > REPORT_EXTRA)
		rows = REPORT_EXTRA;
	for (int i = 0; i < rows; i++) {
		text_field(req, f, N("%s_other_name_%d", pk, i + 1), arena_printf(a, "其他能源 %d 名稱", i + 1), i < rp->nother ? rp->other_name[i] : NULL, 100, ro);
		text_field(req, f, N("%s_other_unit_%d", pk, i + 1), arena_printf(a, "其他能源 %d 單位", i + 1), i < rp->nother ? rp->other_unit[i] : NULL, 20, ro);
		qty_field(req, f, N("%s_other_qty_%d", pk, i + 1), arena_printf(a, "其他能源 %d 數量", i + 1), i < rp->nother ? rp->other_qty[i] : NULL, NULL, NULL, ro);
	}
#undef ITEM
#undef N
}

/* 排除之排放源: rows of name and reason (the stored ones and two blank, at most REPORT_EXCLUSIONS); read-only, a table. */
static void render_exclusions(struct request *req, const struct form *f, const struct report *r, int ro)
{
	struct strbuf *o = &req->body;
	struct arena *a = &req->arena;
	int rows = r->nexcl + 2;

	html(o, "<fieldset id=\"exclusions\"><legend>排除之排放源</legend><p class=\"muted\">未納入本報表的排放源，"
		"請逐項說明排除原因（最多 20 項）。</p>");
	if (ro) {
		html(o, "<table id=\"exclusions-table\"><thead><tr><th>排放源</th><th>排除原因</th></tr></thead><tbody>");
		for (int i = 0; i < r->nexcl; i++) {
			strbuf_addf(o, "<tr id=\"excl-%d\"><td>", i + 1);
			html_txt(o, r->excl_name[i]);
			html(o, "</td><td>");
			html_txt(o, r->excl_reason[i]);
			html(o, "</td></tr>");
		}
		if (!r->nexcl)
			html(o, "<tr><td colspan=\"2\" class=\"empty\">無排除之排放源。</td></tr>");
		html(o, "</tbody></table></fieldset>");
		return;
	}
	if (rows > REPORT_EXCLUSIONS)
		rows = REPORT_EXCLUSIONS;
	for (int i = 0; i < rows; i++) {
		text_field(req, f, arena_printf(a, "excl_name_%d", i + 1), arena_printf(a, "排除之排放源 %d", i + 1),
			   i < r->nexcl ? r->excl_name[i] : NULL, 100, 0);
		text_field(req, f, arena_printf(a, "excl_reason_%d", i + 1), arena_printf(a, "排除原因 %d", i + 1),
			   i < r->nexcl ? r->excl_reason[i] : NULL, 300, 0);
	}
	html(o, "</fieldset>");
}

/* Who acted and when: "連江縣政府教育處（371030000A），2026-12-01 10:00". */
static void actor(struct strbuf *o, const char *name, const char *login, const char *at)
{
	html_txt(o, name);
	if (*login) {
		html(o, "（");
		html_txt(o, login);
		html(o, "）");
	}
	if (*at) {
		html(o, "，");
		html_txt(o, at);
	}
}

static const struct store_workflow_version *version_of(const struct report_page *pg, int no)
{
	for (int i = 0; i < pg->nversions; i++)
		if (pg->versions[i].version_no == no)
			return &pg->versions[i];
	return NULL;
}

/* The confirmed version in force, or the last one beside the live total of a reopened report. */
static void render_version_totals(struct request *req, const struct report_page *pg)
{
	struct strbuf *o = &req->body;
	const struct store_report *st = pg->r->st;
	const struct store_workflow_version *v = version_of(pg, st->confirmed_version ? st->confirmed_version : st->last_version);

	if (!v)
		return;
	if (st->confirmed_version) {
		strbuf_addf(o, "<div class=\"flash ok\" id=\"confirmed\"><p>已確認：第 %d 版，排放量 <strong id=\"confirmed-total\">", v->version_no);
		html_milli(o, v->own_total_milli);
		html(o, "</strong> kgCO₂e（委外 ");
		html_milli(o, v->outsourced_total_milli);
		html(o, " kgCO₂e）。確認者：");
		actor(o, v->confirmed_by_name, v->confirmed_by_login, v->confirmed_at);
		html(o, "</p></div>");
		return;
	}
	strbuf_addf(o, "<div class=\"warn\" id=\"last-version\"><p>最近一次確認：第 %d 版，排放量 <strong id=\"last-version-total\">",
		    v->version_no);
	html_milli(o, v->own_total_milli);
	html(o, "</strong> kgCO₂e（委外 ");
	html_milli(o, v->outsourced_total_milli);
	html(o, " kgCO₂e）；目前存檔（尚未確認）：排放量 <strong id=\"live-total\">");
	html_milli(o, st->own_total_milli);
	html(o, "</strong> kgCO₂e（委外 ");
	html_milli(o, st->outsourced_total_milli);
	html(o, " kgCO₂e）。</p></div>");
}

/* The stored state: a 退回 and its comment, a reopening and its reason, the versions' totals, a pending 申請更正. */
static void render_state(struct request *req, const struct report_page *pg)
{
	struct strbuf *o = &req->body;
	const struct store_report *st = pg->r->st;

	if (!st)
		return;
	if (st->returned) {
		html(o, "<div class=\"flash error\" id=\"returned\" role=\"status\"><p><strong>退回：</strong>上級機關已退回此報表，"
			"請依意見修正後存檔（存檔後此通知即解除）。</p><p>意見：<span id=\"return-comment\">");
		html_txt(o, st->return_comment);
		html(o, "</span></p><p class=\"muted\">退回者：");
		actor(o, st->returned_by.name, st->returned_by.login, st->returned_by.at);
		html(o, "</p></div>");
	}
	if (!st->confirmed_version && *st->reopen_reason) {
		html(o, "<div class=\"warn\" id=\"reopened\"><p>此報表已重新開放，原因：<span id=\"reopen-reason\">");
		html_txt(o, st->reopen_reason);
		html(o, "</span></p><p class=\"muted\">重新開放者：");
		actor(o, st->reopened_by.name, st->reopened_by.login, st->reopened_by.at);
		html(o, "</p></div>");
	}
	if (st->last_version > 0)
		render_version_totals(req, pg);
	if (st->confirmed_version && *st->correction_reason) {
		html(o, "<div class=\"warn\" id=\"correction-pending\"><p>已申請更正（");
		html_txt(o, st->correction_at);
		html(o, "），待上級機關（一級機關為縣市盤查小組）重新開放：<span id=\"correction-reason\">");
		html_txt(o, st->correction_reason);
		html(o, "</span></p></div>");
	}
}

/* The heading: whose report, which year, its status, deadline and last save, then its state. */
static void render_heading(struct request *req, const struct report_page *pg)
{
	struct strbuf *o = &req->body;
	const struct report *r = pg->r;

	html(o, "<h1>");
	html_txt(o, r->agency_name ? r->agency_name : req->session->display_name);
	strbuf_addf(o, "　民國 %d 年（%d）</h1><p>狀態：<span class=\"status s%d\" id=\"report-status\">", roc_year(r->year), r->year, report_status(r));
	html_txt(o, report_status_label(r));
	html(o, "</span>");
	if (pg->deadline && *pg->deadline) {
		html(o, "　填報期限：");
		html_txt(o, pg->deadline);
	}
	if (r->updated_at) {
		html(o, "　最後存檔：");
		html_txt(o, r->updated_at);
	}
	html(o, "</p>");
	if (pg->flash)
		form_flash(req, pg->flash_kind, pg->flash);
	if (pg->f && pg->f->nerr && !form_error_of(pg->f, "reason"))
		form_flash(req, "error", "有欄位需要修正，資料尚未存檔；您輸入的內容都保留在下方。");
	if (pg->readonly_why) {
		html(o, "<p class=\"flash error\" role=\"status\" id=\"readonly\">");
		html_txt(o, pg->readonly_why);
		html(o, "</p>");
	}
	render_state(req, pg);
	report_factor_notices(req, pg->r, pg->year_locked);
}

/* 一、盤查範圍 (with the form's hidden fields before it). */
static void render_scope(struct request *req, const struct report_page *pg)
{
	struct strbuf *o = &req->body;
	const struct report *r = pg->r;
	const char *err = form_error_of(pg->f, "scope_text");

	if (!pg->readonly) {
		html_hidden(o, "csrf", req->csrf);
		strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">", r->year);
		if (pg->revision)
			html_hidden(o, "revision", pg->revision);
		else
			strbuf_addf(o, "<input type=\"hidden\" name=\"revision\" value=\"%lld\">", r->revision);
	}
	html(o, "<fieldset><legend>一、盤查範圍</legend><div class=\"field\"><label for=\"f-scope_text\">盤查範圍 <span class=\"req\" aria-hidden=\"true\">*</span></label><div class=\"control\">"
		"<textarea id=\"f-scope_text\" name=\"scope_text\" rows=\"3\" maxlength=\"1000\"");
	if (err)
		html(o, " aria-invalid=\"true\"");
	html(o, pg->readonly ? " readonly>" : ">");
	html_txt(o, r->scope_text);
	html(o, "</textarea>");
	if (err) {
		html(o, "<p class=\"field-error\">");
		html_txt(o, err);
		html(o, "</p>");
	}
	html(o, "</div></div></fieldset>");
}

/* 申請更正: the reason (required, at most 500 characters), its message beside it, what was typed. */
static void render_correction(struct request *req, const struct report_page *pg)
{
	struct strbuf *o = &req->body;
	const char *err = form_error_of(pg->f, "reason");

	html(o, "<section id=\"correction\" aria-labelledby=\"correction-h\"><h2 id=\"correction-h\">申請更正</h2>"
		"<p class=\"muted\">已確認的報表不能修改。請說明需要更正的內容，由上級機關（一級機關為縣市盤查小組）重新開放後再修改存檔。</p>"
		"<form method=\"post\" action=\"/report/correction\" novalidate>");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">", pg->r->year);
	html(o, "<div class=\"field\"><label for=\"f-reason\">更正原因 <span class=\"req\" aria-hidden=\"true\">*</span></label>"
		"<div class=\"control\"><textarea id=\"f-reason\" name=\"reason\" rows=\"3\" maxlength=\"500\" required");
	if (err)
		html(o, " aria-invalid=\"true\" aria-describedby=\"e-reason\"");
	html(o, ">");
	html_txt(o, pg->correction_reason ? pg->correction_reason : "");
	html(o, "</textarea>");
	if (err) {
		html(o, "<p class=\"field-error\" id=\"e-reason\">");
		html_txt(o, err);
		html(o, "</p>");
	}
	html(o, "</div></div><div class=\"actions\"><button type=\"submit\">申請更正</button></div></form></section>");
}

void report_render(struct request *req, const struct report_page *pg)
{
	struct strbuf *o = &req->body;
	const struct report *r = pg->r;
	int ro = pg->readonly;
	char title[64];

	snprintf(title, sizeof(title), "民國 %d 年 能資源耗用量登錄", roc_year(r->year));
	layout_begin(req, title, "機關單位登錄");
	render_heading(req, pg);
	/* Read-only: the values in read-only fields, outside any form (nothing on the page posts them). */
	html(o, ro ? "<div class=\"report-readonly\">" : "<form method=\"post\" action=\"/report/edit\" novalidate>");
	render_scope(req, pg);
	html(o, "<fieldset><legend>二、能資源耗用量</legend>");
	render_part(req, pg->f, pg->t, r, pg->prev, CALC_OWN, ro);
	html(o, "</fieldset><fieldset><legend>三、委外操作/營運活動數據</legend>"
		"<p class=\"muted\">該單位自行負擔費用之委外部分，另行計算，不納入總量。</p>"
		"<div class=\"field\"><label for=\"f-outsourced_scope_text\">委外操作範圍說明</label><div class=\"control\">"
		"<textarea id=\"f-outsourced_scope_text\" name=\"outsourced_scope_text\" rows=\"2\" maxlength=\"1000\"");
	html(o, ro ? " readonly>" : ">");
	html_txt(o, r->outsourced_scope_text);
	html(o, "</textarea></div></div>");
	render_part(req, pg->f, pg->t, r, pg->prev, CALC_OUTSOURCED, ro);
	html(o, "</fieldset>");
	render_exclusions(req, pg->f, r, ro);
	if (pg->res)
		report_render_figures(req, pg->t, r, pg->lines, pg->n, pg->res);
	if (!ro) {
		html(o, "<p class=\"filed\"><input type=\"checkbox\" id=\"f-filed\" name=\"filed\" value=\"1\"");
		if (r->filed)
			html(o, " checked");
		html(o, "> <label for=\"f-filed\">我已確認完整填報各欄位</label></p>"
			"<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"calc\" class=\"secondary\">計算</button>"
			"<button type=\"submit\" name=\"action\" value=\"save\">存檔</button>"
			"<a class=\"button secondary\" href=\"/report\">回上一頁</a></div></form>");
	} else {
		html(o, "<div class=\"actions\"><a class=\"button secondary\" href=\"/report\">回上一頁</a></div></div>");
	}
	if (pg->correction)
		render_correction(req, pg);
	if (pg->nversions)
		report_versions_render(req, r->agency_id, r->year, pg->versions, pg->nversions);
	layout_end(req);
}

/* Warnings on the whole form: electricity missing while other fields are filled. */
const char *report_form_warning(const struct report *r)
{
	const struct report_part *p = &r->part[CALC_OWN];
	int other = 0;
	dec_t e;

	for (int k = 0; k < CALC__MAX; k++)
		if (k != CALC_ELECTRICITY && k != CALC_REFRIGERANT && p->qty[k])
			other = 1;
	if (p->r134a || p->r410a)
		other = 1;
	for (int i = 0; i < p->nref; i++)
		if (p->ref_qty[i])   /* an NE / IE row is not a figure */
			other = 1;
	if (!other)
		return NULL;
	if (!p->qty[CALC_ELECTRICITY] ||
	    (dec_parse(p->qty[CALC_ELECTRICITY], strlen(p->qty[CALC_ELECTRICITY]), 3, DEC_ALLOW_GROUPING, &e) == DEC_OK && dec_is_zero(e)))
		return "提醒：已填寫其他耗用量，但電力為空白或 0，請確認是否漏填。";
	return NULL;
}


/* page_report.c: 機關單位登錄: the year list, the report form (計算 / 存檔), the read-only view, the history. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "factors.h"
#include "form.h"
#include "html.h"
#include "report.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "util.h"

struct year_info {
	int year;
	int is_open;
	const char *deadline;   /* 民國 text or "" */
};

/* The county's year row for `year`; 0 found, 1 not found, -1 error. */
static int year_info(struct request *req, int year, struct year_info *y)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT is_open, IFNULL(CONCAT(YEAR(deadline) - 1911, '年', MONTH(deadline), '月', DAY(deadline), '日'), '')"
		" FROM inventory_years WHERE county_id = ? AND year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	if (db_step(st) != 1)
		return 1;
	y->year = year;
	y->is_open = (int)db_col_int(st, 0);
	y->deadline = arena_strdup(&req->arena, db_col_text(st, 1, NULL));
	db_reset(st);
	return 0;
}

static int unavailable(struct request *req)
{
	routes_unavailable(req, "report");
	return req->status;
}

static int not_found(struct request *req)
{
	req->status = 404;
	routes_error_page(req);
	return req->status;
}

static int arg_year(struct request *req)
{
	const char *y = req_arg(req, "year");
	char *end;
	long v;

	if (!y)
		return 0;
	v = strtol(y, &end, 10);
	return *end || v < 2000 || v > 2100 ? 0 : (int)v;
}

int page_report_years(struct request *req)
{
	struct strbuf *o = &req->body;
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT y.year, y.is_open, IFNULL(CONCAT(YEAR(y.deadline) - 1911, '年', MONTH(y.deadline), '月', DAY(y.deadline), '日'), ''),"
		" IFNULL(r.confirmed + 1, 0) FROM inventory_years y"
		" LEFT JOIN reports r ON r.agency_id = ? AND r.year = y.year"
		" WHERE y.county_id = ? ORDER BY y.year DESC");
	static const char *const status[] = { "未登錄", "登錄中", "已登錄完成" };

	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, req->session->agency_id);
	db_bind_int(st, 1, req->session->county_id);
	if (db_exec(st))
		return unavailable(req);
	layout_begin(req, "機關單位登錄", "機關單位登錄");
	html(o, "<h1>機關單位登錄：選擇填報年度</h1>");
	if (!req->session->has_contact)
		form_flash(req, "error", "請先至「帳號維護」填寫業務承辦聯絡資訊（必填），才能登錄資料。");
	html(o, "<table><thead><tr><th>年度</th><th>狀態</th><th>填報期限</th><th>開放</th><th>操作</th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		int y = (int)db_col_int(st, 0), open = (int)db_col_int(st, 1), s = (int)db_col_int(st, 3);
		const char *dl = db_col_text(st, 2, NULL);

		strbuf_addf(o, "<tr><td>民國 %d 年（%d）</td><td><span class=\"status s%d\">", y - 1911, y, s);
		html_txt(o, status[s]);
		html(o, "</span></td><td>");
		html_txt(o, *dl ? dl : "—");
		html(o, open ? "</td><td>開放填報</td><td>" : "</td><td>已關閉（唯讀）</td><td>");
		if (open)
			strbuf_addf(o, "<a href=\"/report/edit?year=%d\">填報</a> · ", y);
		strbuf_addf(o, "<a href=\"/report/view?year=%d\">檢視</a> · <a href=\"/report/history?year=%d\">修改紀錄</a></td></tr>", y, y);
	}
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

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

static void refrigerant_select(struct request *req, const struct calc_table *t, const char *name, const char *value)
{
	struct strbuf *o = &req->body;

	html(o, "<select id=\"f-");
	html_attr(o, name);
	html(o, "\" name=\"");
	html_attr(o, name);
	html(o, "\"><option value=\"\">請選擇</option>");
	for (int i = 0; t && i < t->nrefrigerants; i++) {
		const char *c = t->refrigerants[i].code;
		if (!strcmp(c, "R134a") || !strcmp(c, "R410a"))
			continue;
		html_option(o, c, t->refrigerants[i].label, value && !strcmp(value, c));
	}
	html(o, "</select>");
}

static void render_part(struct request *req, const struct form *f, const struct calc_table *t,
			const struct report *r, const struct report *prev, int p, int ro)
{
	struct strbuf *o = &req->body;
	const struct report_part *rp = &r->part[p];
	const char *pk = calc_part_keys[p];
	struct arena *a = &req->arena;
#define N(fmt, ...) arena_printf(a, fmt, __VA_ARGS__)

	qty_field(req, f, N("%s_electricity", pk), "電力", rp->qty[CALC_ELECTRICITY], "度", last_of(prev, p, CALC_ELECTRICITY), ro);
	html(o, "<h3>天然氣/瓦斯</h3>");
	qty_field(req, f, N("%s_natural_gas", pk), "天然氣", rp->qty[CALC_NATURAL_GAS], "立方公尺", last_of(prev, p, CALC_NATURAL_GAS), ro);
	qty_field(req, f, N("%s_lpg", pk), "瓦斯", rp->qty[CALC_LPG], "公斤", last_of(prev, p, CALC_LPG), ro);
	html(o, "<h3>公務車用油</h3>");
	qty_field(req, f, N("%s_vehicle_gasoline", pk), "汽油", rp->qty[CALC_VEHICLE_GASOLINE], "公升", last_of(prev, p, CALC_VEHICLE_GASOLINE), ro);
	qty_field(req, f, N("%s_vehicle_diesel", pk), "柴油", rp->qty[CALC_VEHICLE_DIESEL], "公升", last_of(prev, p, CALC_VEHICLE_DIESEL), ro);
	html(o, "<h3>其他設施(如發電機)</h3>");
	text_field(req, f, N("%s_generator_name", pk), "設施名稱", rp->generator_name, 100, ro);
	qty_field(req, f, N("%s_generator_diesel", pk), "發電機柴油", rp->qty[CALC_GENERATOR_DIESEL], "公升", last_of(prev, p, CALC_GENERATOR_DIESEL), ro);
	html(o, "<h3>滅火器補充量</h3>");
	qty_field(req, f, N("%s_ext_co2", pk), "二氧化碳滅火器補充", rp->qty[CALC_EXT_CO2], "公斤", last_of(prev, p, CALC_EXT_CO2), ro);
	qty_field(req, f, N("%s_ext_bc", pk), "BC乾粉滅火器補充", rp->qty[CALC_EXT_BC], "公斤", last_of(prev, p, CALC_EXT_BC), ro);
	qty_field(req, f, N("%s_ext_kbc", pk), "KBC乾粉滅火器補充", rp->qty[CALC_EXT_KBC], "公斤", last_of(prev, p, CALC_EXT_KBC), ro);
	html(o, "<h3>冷媒補充量(含大樓冷氣、中央空調冰水主機、車用冷媒等)</h3>");
	qty_field(req, f, N("%s_ref_R134a", pk), "冷媒型號R134a，補充", rp->r134a, "公斤", prev && prev->id ? prev->part[p].r134a : NULL, ro);
	qty_field(req, f, N("%s_ref_R410a", pk), "冷媒型號R410a，補充", rp->r410a, "公斤", prev && prev->id ? prev->part[p].r410a : NULL, ro);
	int rows = rp->nref + (ro ? 0 : 2);
	if (rows > REPORT_EXTRA)
		rows = REPORT_EXTRA;
	for (int i = 0; i < rows; i++) {
		const char *tn = N("%s_ref_type_%d", pk, i + 1), *qn = N("%s_ref_qty_%d", pk, i + 1);
		const char *err = form_error_of(f, tn);

		html(o, "<div class=\"field\"><label for=\"f-");
		html_attr(o, tn);
		strbuf_addf(o, "\">其他冷媒型號 %d</label><div class=\"control\">", i + 1);
		refrigerant_select(req, t, tn, i < rp->nref ? rp->ref_type[i] : NULL);
		if (err) {
			html(o, "<p class=\"field-error\">");
			html_txt(o, err);
			html(o, "</p>");
		}
		html(o, "</div></div>");
		qty_field(req, f, qn, arena_printf(a, "其他冷媒 %d 補充", i + 1), i < rp->nref ? rp->ref_qty[i] : NULL, "公斤", NULL, ro);
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
#undef N
}

static void fmt_dec(struct strbuf *o, dec_t d)
{
	char b[96];

	dec_format_grouped(d, b, sizeof(b));
	html_txt(o, b);
}

/* 四、排放量小計, with every line's factor, GWP set and source, and the subtotals. */
static void render_results(struct request *req, const struct calc_table *t, const struct calc_line *lines, int n,
			   const struct calc_result *res)
{
	struct strbuf *o = &req->body;
	char b[96];

	html(o, "<section class=\"results\" aria-labelledby=\"results-h\"><h2 id=\"results-h\">四、排放量小計</h2>"
		"<table class=\"totals\"><tbody><tr><th>CO₂排放量(KgCO₂e)-不含委外部分</th><td class=\"num\" id=\"total-own\">");
	fmt_dec(o, res->total[CALC_OWN]);
	html(o, "</td></tr><tr><th>CO₂排放量(KgCO₂e)-委外部分（不納入總量計算）</th><td class=\"num\" id=\"total-outsourced\">");
	fmt_dec(o, res->total[CALC_OUTSOURCED]);
	html(o, "</td></tr></tbody></table>");
	if (res->provisional)
		form_flash(req, "error", "部分係數為暫用值（標示「暫用」），正式公告後系統將重新計算。");
	html(o, "<table class=\"breakdown\"><caption>依類別與範疇</caption><thead><tr><th>部分</th>"
		"<th class=\"num\">固定式能源</th><th class=\"num\">交通運輸</th><th class=\"num\">逸散</th>"
		"<th class=\"num\">範疇一</th><th class=\"num\">範疇二</th></tr></thead><tbody>");
	for (int p = 0; p < CALC_PART__MAX; p++) {
		strbuf_addf(o, "<tr id=\"sub-%s\"><th>%s</th>", calc_part_keys[p], p ? "委外部分" : "不含委外部分");
		for (int c = 0; c < CALC_CAT__MAX; c++) {
			html(o, "<td class=\"num\">");
			fmt_dec(o, res->by_category[p][c]);
			html(o, "</td>");
		}
		for (int s = 1; s <= 2; s++) {
			html(o, "<td class=\"num\">");
			fmt_dec(o, res->by_scope[p][s]);
			html(o, "</td>");
		}
		html(o, "</tr>");
	}
	html(o, "</tbody></table><table class=\"lines\"><caption>各項排放量、係數與來源</caption><thead><tr>"
		"<th>部分</th><th>項目</th><th>類別／範疇</th><th class=\"num\">數量</th><th class=\"num\">係數 (kgCO₂e/單位)</th>"
		"<th>GWP</th><th class=\"num\">排放量 (kgCO₂e)</th><th>計算方式與來源</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct calc_line *l = &lines[i];
		const struct calc_refrigerant *rf = l->refrigerant ? calc_refrigerant_get(t, l->refrigerant) : NULL;

		strbuf_addf(o, "<tr><td>%s</td><td>", l->part ? "委外" : "不含委外");
		if (l->item == CALC_REFRIGERANT) {
			html(o, "冷媒 ");
			html_txt(o, rf ? rf->code : l->refrigerant);
		} else {
			html_txt(o, calc_items[l->item].label);
		}
		if (l->provisional)
			html(o, " <span class=\"status s1\">暫用</span>");
		strbuf_addf(o, "</td><td>%s／範疇%s</td><td class=\"num\">", calc_category_labels[l->category], l->scope == 2 ? "二" : "一");
		fmt_dec(o, l->quantity);
		html(o, " ");
		html_txt(o, calc_items[l->item].unit);
		html(o, "</td><td class=\"num\">");
		dec_format(l->factor, b, sizeof(b));
		html_txt(o, b);
		html(o, "</td><td>");
		html_txt(o, l->gwp_set[0] ? l->gwp_set : "—");
		html(o, "</td><td class=\"num\">");
		fmt_dec(o, l->kg);
		html(o, "</td><td class=\"method\">");
		html_txt(o, l->method);
		if (l->note[0]) {
			html(o, "<br><span class=\"warn\">");
			html_txt(o, l->note);
			html(o, "</span>");
		}
		html(o, "<br><span class=\"muted\">來源：");
		html_txt(o, l->sources);
		html(o, "</span></td></tr>");
	}
	if (!n)
		html(o, "<tr><td colspan=\"8\" class=\"empty\">尚未填寫任何耗用量。</td></tr>");
	html(o, "</tbody></table></section>");
}

static void render_form(struct request *req, const struct form *f, const struct calc_table *t, const struct report *r,
			const struct report *prev, const struct year_info *y, const struct calc_line *lines, int n,
			const struct calc_result *res, const char *flash, const char *flash_kind, int ro)
{
	struct strbuf *o = &req->body;
	char title[64];

	snprintf(title, sizeof(title), "民國 %d 年 能資源耗用量登錄", roc_year(r->year));
	layout_begin(req, title, "機關單位登錄");
	html(o, "<h1>");
	html_txt(o, r->agency_name ? r->agency_name : req->session->display_name);
	strbuf_addf(o, "　民國 %d 年（%d）</h1><p>狀態：<span class=\"status s%d\" id=\"report-status\">", roc_year(r->year), r->year, report_status(r));
	html_txt(o, report_status_label(r));
	html(o, "</span>");
	if (y->deadline && *y->deadline) {
		html(o, "　填報期限：");
		html_txt(o, y->deadline);
	}
	if (r->updated_at) {
		html(o, "　最後存檔：");
		html_txt(o, r->updated_at);
	}
	html(o, "</p>");
	if (flash)
		form_flash(req, flash_kind, flash);
	if (f && f->nerr)
		form_flash(req, "error", "有欄位需要修正，資料尚未存檔；您輸入的內容都保留在下方。");
	if (ro)
		form_flash(req, "error", "此年度已關閉，資料僅供檢視。");
	html(o, "<form method=\"post\" action=\"/report/edit\" novalidate>");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"version\" value=\"%lld\">",
		    r->year, r->version);
	html(o, "<fieldset><legend>一、盤查範圍</legend><div class=\"field\"><label for=\"f-scope_text\">盤查範圍 <span class=\"req\" aria-hidden=\"true\">*</span></label><div class=\"control\">"
		"<textarea id=\"f-scope_text\" name=\"scope_text\" rows=\"3\" maxlength=\"1000\"");
	if (form_error_of(f, "scope_text"))
		html(o, " aria-invalid=\"true\"");
	html(o, ro ? " readonly>" : ">");
	html_txt(o, r->scope_text);
	html(o, "</textarea>");
	if (form_error_of(f, "scope_text")) {
		html(o, "<p class=\"field-error\">");
		html_txt(o, form_error_of(f, "scope_text"));
		html(o, "</p>");
	}
	html(o, "</div></div></fieldset>");

	html(o, "<fieldset><legend>二、能資源耗用量</legend>");
	render_part(req, f, t, r, prev, CALC_OWN, ro);
	html(o, "</fieldset><fieldset><legend>三、委外操作/營運活動數據</legend>"
		"<p class=\"muted\">該單位自行負擔費用之委外部分，另行計算，不納入總量。</p>"
		"<div class=\"field\"><label for=\"f-outsourced_scope_text\">委外操作範圍說明</label><div class=\"control\">"
		"<textarea id=\"f-outsourced_scope_text\" name=\"outsourced_scope_text\" rows=\"2\" maxlength=\"1000\"");
	html(o, ro ? " readonly>" : ">");
	html_txt(o, r->outsourced_scope_text);
	html(o, "</textarea></div></div>");
	render_part(req, f, t, r, prev, CALC_OUTSOURCED, ro);
	html(o, "</fieldset>");
	if (res)
		render_results(req, t, lines, n, res);
	if (!ro) {
		html(o, "<p class=\"confirm\"><input type=\"checkbox\" id=\"f-confirmed\" name=\"confirmed\" value=\"1\"");
		if (r->confirmed)
			html(o, " checked");
		html(o, "> <label for=\"f-confirmed\">我已確認完整填報各欄位</label></p>"
			"<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"calc\" class=\"secondary\">計算</button>"
			"<button type=\"submit\" name=\"action\" value=\"save\">存檔</button>"
			"<a class=\"button secondary\" href=\"/report\">回上一頁</a></div>");
	} else {
		html(o, "<div class=\"actions\"><a class=\"button secondary\" href=\"/report\">回上一頁</a></div>");
	}
	html(o, "</form>");
	layout_end(req);
}

/* Warnings on the whole form: electricity missing while other fields are filled. */
static const char *form_warning(const struct report *r)
{
	const struct report_part *p = &r->part[CALC_OWN];
	int other = 0;
	dec_t e;

	for (int k = 0; k < CALC__MAX; k++)
		if (k != CALC_ELECTRICITY && k != CALC_REFRIGERANT && p->qty[k])
			other = 1;
	if (p->r134a || p->r410a || p->nref)
		other = 1;
	if (!other)
		return NULL;
	if (!p->qty[CALC_ELECTRICITY] ||
	    (dec_parse(p->qty[CALC_ELECTRICITY], strlen(p->qty[CALC_ELECTRICITY]), 3, DEC_ALLOW_GROUPING, &e) == DEC_OK && dec_is_zero(e)))
		return "提醒：已填寫其他耗用量，但電力為空白或 0，請確認是否漏填。";
	return NULL;
}

int page_report_edit(struct request *req)
{
	const struct calc_table *t = factors_table(req->app);
	struct report *r = arena_zalloc(&req->arena, sizeof(*r)), *prev = arena_zalloc(&req->arena, sizeof(*prev));
	struct calc_input *in = arena_alloc(&req->arena, sizeof(*in) * REPORT_MAX_LINES);
	struct calc_line *lines = arena_alloc(&req->arena, sizeof(*lines) * REPORT_MAX_LINES);
	struct calc_result res;
	struct form *f = arena_zalloc(&req->arena, sizeof(*f));
	struct year_info y;
	int year = arg_year(req), n = 0, rc;
	char err[256];
	const char *action = req_arg(req, "action");

	if (!t)
		return unavailable(req);
	if (!year)
		return not_found(req);
	rc = year_info(req, year, &y);
	if (rc < 0)
		return unavailable(req);
	if (rc > 0)
		return not_found(req);
	if (report_load(req, req->session->agency_id, year - 1, prev))
		return unavailable(req);
	if (req->method != METHOD_POST) {
		if (report_load(req, req->session->agency_id, year, r))
			return unavailable(req);
		report_inputs(req, r, in, &n);
		int ok = calc_compute(t, year, in, n, lines, &res, err, sizeof(err)) == 0;
		render_form(req, NULL, t, r, prev, &y, lines, n, ok ? &res : NULL,
			    req_arg(req, "saved") ? "已存檔。" : ok ? form_warning(r) : err,
			    req_arg(req, "saved") ? "ok" : "error", !y.is_open);
		return req->status;
	}
	if (!y.is_open) {
		req->status = 403;
		return routes_error_page(req);
	}
	r->agency_id = req->session->agency_id;
	r->year = year;
	report_from_form(req, r, f, in, &n);
	int saving = action && !strcmp(action, "save");
	if (saving && !*r->scope_text)
		form_error(f, "scope_text", "請填寫盤查範圍（必填）。");
	if (saving && !req->session->has_contact) {
		req->status = 400;
		render_form(req, f, t, r, prev, &y, NULL, 0, NULL, "請先至「帳號維護」填寫業務承辦聯絡資訊（必填），才能存檔。", "error", 0);
		return req->status;
	}
	rc = calc_compute(t, year, in, n, lines, &res, err, sizeof(err));
	if (!rc)
		report_check_total(req, f, lines, n, &res);   /* the report bound: refused beside the field */
	if (f->nerr || rc) {
		req->status = 400;
		render_form(req, f, t, r, prev, &y, lines, rc ? 0 : n, rc ? NULL : &res, rc ? err : NULL, "error", 0);
		return req->status;
	}
	if (!saving) {
		/* 計算: show the figures, store nothing. */
		const char *w = form_warning(r);
		render_form(req, f, t, r, prev, &y, lines, n, &res, w ? w : "計算完成（尚未存檔）。", w ? "error" : "ok", 0);
		return req->status;
	}
	switch (report_save(req, r, lines, n, &res)) {
	case REPORT_SAVED:
		redirect(req, arena_printf(&req->arena, "/report/edit?year=%d&saved=1", year));
		return req->status;
	case REPORT_STALE:
		req->status = 409;
		render_form(req, f, t, r, prev, &y, lines, n, &res,
			    "未存檔：這份報表在您開啟之後已被他人（或另一個視窗）修改並存檔。您輸入的內容保留在下方；"
			    "請另開新視窗檢視目前內容，確認後再重新輸入並存檔。", "error", 0);
		return req->status;
	case REPORT_FAILED:
	case REPORT_RETRY:
		return unavailable(req);
	case REPORT_UNKNOWN:
		req->status = 503;
		render_form(req, f, t, r, prev, &y, lines, n, &res,
			    "資料庫連線在存檔的最後一刻中斷，無法確認是否已存檔。您輸入的內容保留在下方；"
			    "請稍候另開新視窗查看本年度報表，若未存檔再重新存檔。", "error", 0);
		return req->status;
	}
	return req->status;
}

int page_report_view(struct request *req)
{
	const struct calc_table *t = factors_table(req->app);
	struct report *r = arena_zalloc(&req->arena, sizeof(*r));
	struct calc_input *in = arena_alloc(&req->arena, sizeof(*in) * REPORT_MAX_LINES);
	struct calc_line *lines = arena_alloc(&req->arena, sizeof(*lines) * REPORT_MAX_LINES);
	struct calc_result res;
	struct year_info y;
	int year = arg_year(req), n = 0;
	char err[256];

	if (!t)
		return unavailable(req);
	/* An agency sees its own report and, read-only, those of its subtree; the team, those of its county. */
	const char *aa = req_arg(req, "agency");
	long long agency = aa ? strtoll(aa, NULL, 10) : req->session->agency_id;
	int may = 0;

	/* The county team sees, read-only, any report of its county (it names the agency). */
	if (!year || (req->session->kind != ACCOUNT_AGENCY && !(req->session->kind == ACCOUNT_TEAM && aa)))
		return not_found(req);
	if (review_may_see(req, agency, &may))
		return unavailable(req);
	if (!may)
		return not_found(req);
	if (year_info(req, year, &y))
		return not_found(req);
	if (report_load(req, agency, year, r))
		return unavailable(req);
	if (agency != req->session->agency_id) {
		struct db_stmt *st = db_prepare(&req->app->db, "SELECT name FROM agencies WHERE id = ?");
		if (!st)
			return unavailable(req);
		db_bind_int(st, 0, agency);
		if (db_exec(st) || db_step(st) != 1)
			return unavailable(req);
		r->agency_name = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
		db_reset(st);
	}
	report_inputs(req, r, in, &n);
	int ok = calc_compute(t, year, in, n, lines, &res, err, sizeof(err)) == 0;
	render_form(req, NULL, t, r, NULL, &y, lines, n, ok ? &res : NULL, ok ? NULL : err, "error", 1);
	return req->status;
}

int page_report_history(struct request *req)
{
	struct strbuf *o = &req->body;
	int year = arg_year(req);
	struct db_stmt *st;

	if (!year)
		return not_found(req);
	st = db_prepare(&req->app->db,
		"SELECT DATE_FORMAT(l.at, '%Y-%m-%d %H:%i:%s'), IFNULL(a.login, ''), l.field, IFNULL(l.old_value, ''),"
		" IFNULL(l.new_value, ''), l.client_addr FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id"
		" WHERE l.agency_id = ? AND l.year = ? ORDER BY l.id DESC LIMIT 500");
	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, req->session->agency_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return unavailable(req);
	layout_begin(req, "修改紀錄", "修改紀錄");
	strbuf_addf(o, "<h1>民國 %d 年 修改紀錄</h1><table><thead><tr><th>時間</th><th>帳號</th><th>欄位</th>"
		    "<th>原值</th><th>新值</th><th>來源位址</th></tr></thead><tbody>", roc_year(year));
	int rows = 0;
	while (db_step(st) == 1) {
		html(o, "<tr>");
		for (int i = 0; i < 6; i++) {
			html(o, "<td>");
			html_txt(o, db_col_text(st, i, NULL));
			html(o, "</td>");
		}
		html(o, "</tr>");
		rows++;
	}
	if (!rows)
		html(o, "<tr><td colspan=\"6\" class=\"empty\">尚無修改紀錄。</td></tr>");
	strbuf_addf(o, "</tbody></table><p><a href=\"/report/edit?year=%d\">回填報頁</a></p>", year);
	layout_end(req);
	return req->status;
}

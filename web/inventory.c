/* inventory.c: the county inventory (清冊) drawn as tables with SVG charts made here (no chart
 * library, no script in the browser); the numbers come from inventory_data.c. */
#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "html.h"
#include "inventory.h"
#include "quality.h"
#include "report.h"
#include "report_status.h"
#include "routes.h"
#include "util.h"

/* kgCO2e milli as 公噸CO2e with one decimal, for chart labels. */
static void tonnes(struct strbuf *o, long long m)
{
	char b[64];
	dec_t t = dec_from_scaled_i64(m, 6), r;

	if (dec_round(t, 1, &r))
		r = t;
	dec_format_grouped(r, b, sizeof(b));
	html_txt(o, b);
}

static const char *const palette[] = { "#0b5d4b", "#137a63", "#c8961e", "#3f6e9e", "#7a4f9e", "#2f8f4e", "#a3552a" };

/* A horizontal bar chart: labels[i], values[i] (milli, >= 0). */
static void svg_bars(struct strbuf *o, const char *id, const char *title, const char *const *labels, const long long *values, int n)
{
	long long max = 1;
	int h = 28 * n + 40;

	for (int i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	strbuf_addf(o, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" role=\"img\" "
		    "aria-labelledby=\"%s-t\" viewBox=\"0 0 720 %d\" width=\"720\" height=\"%d\"><title id=\"%s-t\">", id, id, h, h, id);
	html_txt(o, title);
	html(o, "（公噸CO₂e）</title>");
	for (int i = 0; i < n; i++) {
		double w = values[i] > 0 ? 400.0 * (double)values[i] / (double)max : 0;
		int y = 20 + 28 * i;

		strbuf_addf(o, "<text x=\"210\" y=\"%d\" text-anchor=\"end\" font-size=\"13\" fill=\"#1a2624\">", y + 15);
		html_txt(o, labels[i]);
		strbuf_addf(o, "</text><rect class=\"bar\" x=\"220\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>"
			    "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#1a2624\">", y, w, palette[i % 7], 226 + w, y + 15);
		tonnes(o, values[i]);
		html(o, "</text>");
	}
	html(o, "</svg><figcaption>");
	html_txt(o, title);
	html(o, "（單位：公噸CO₂e；數值見下表）</figcaption></figure>");
}

/*
 * The trend: one column per year served, drawn for years with data.  The
 * columns are 50 wide while the years fit the 650 of the axis (thirteen of
 * them), narrower beyond.
 */
static void svg_trend(struct strbuf *o, const struct inventory *inv)
{
	long long max = 1;
	int step = inv->trend_n > 13 ? 650 / inv->trend_n : 50;

	for (int i = 0; i < inv->trend_n; i++)
		if (inv->trend_has[i] && inv->trend[i] > max)
			max = inv->trend[i];
	html(o, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-trend\" role=\"img\" "
		"aria-labelledby=\"chart-trend-t\" viewBox=\"0 0 720 260\" width=\"720\" height=\"260\">"
		"<title id=\"chart-trend-t\">歷年排放量趨勢（公噸CO₂e）</title>"
		"<line x1=\"40\" y1=\"220\" x2=\"700\" y2=\"220\" stroke=\"#52625e\"/>");
	for (int i = 0; i < inv->trend_n; i++) {
		double hgt = inv->trend_has[i] && inv->trend[i] > 0 ? 180.0 * (double)inv->trend[i] / (double)max : 0;
		int x = 48 + i * step, y = inv->trend_first + i, w = step * 34 / 50;

		if (inv->trend_has[i]) {
			strbuf_addf(o, "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>", x, 220 - hgt, w, hgt,
				    y == inv->year ? "#c8961e" : "#0b5d4b");
			strbuf_addf(o, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" fill=\"#1a2624\">", x + w / 2, 214 - hgt);
			tonnes(o, inv->trend[i]);
			html(o, "</text>");
		}
		strbuf_addf(o, "<text x=\"%d\" y=\"238\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1a2624\">%d</text>", x + w / 2, y - 1911);
	}
	html(o, "</svg><figcaption>歷年排放量趨勢（民國年；單位：公噸CO₂e；數值見下表）</figcaption></figure>");
}

static const char *const scope_labels[] = { "範疇一（直接排放）", "範疇二（能源間接排放）" };
static const char *const level_labels[] = { "", "一級機關", "二級機關", "三級機關", "四級機關", "五級機關", "六級以下機關" };

static void totals(struct strbuf *o, const struct inventory *inv)
{
	html(o, "<dl class=\"totals\"><dt>排放總量</dt><dd id=\"inv-total\">");
	html_milli(o, inv->total);
	html(o, " KgCO₂e</dd><dt>機關填報</dt><dd id=\"inv-agencies\">");
	html_milli(o, inv->agencies_total);
	html(o, " KgCO₂e</dd><dt>非機關單位活動</dt><dd id=\"inv-nonagency\">");
	html_milli(o, inv->nonagency_total);
	html(o, " KgCO₂e</dd><dt>委外操作（不納入總量）</dt><dd id=\"inv-outsourced\">");
	html_milli(o, inv->outsourced);
	html(o, " KgCO₂e</dd><dt>碳吸收（另列）</dt><dd id=\"inv-removals\">");
	html_milli(o, inv->removals);
	strbuf_addf(o, " KgCO₂e</dd><dt>填報情形</dt><dd id=\"inv-filing\">機關 %d 個：", inv->n_agencies);
	for (int s = 0; s < REPORT_STATUS__MAX; s++) {
		if (s)
			html(o, "、");
		html_txt(o, report_status_names[s]);
		strbuf_addf(o, " <span id=\"inv-s%d\">%d</span> 個", s, inv->n_status[s]);
		if (s == REPORT_DRAFT)
			strbuf_addf(o, "（其中退回 <span id=\"inv-returned\">%d</span> 個）", inv->n_returned);
	}
	/* What rests on a 暫用 factor, said where the total is (SPEC-2 §3: the official one recomputes it). */
	if (inv->provisional_lines) {
		strbuf_addf(o, "</dd><dt>暫用係數</dt><dd id=\"inv-provisional\"><span id=\"inv-provisional-lines\">%d</span> 筆、",
			    inv->provisional_lines);
		html_milli(o, inv->provisional_milli);
		html(o, " KgCO₂e 以暫用係數計算：正式係數公告後由平台重新計算，未確認的填報就地更新，已確認或已鎖定者另列重算值。");
	}
	html(o, "</dd></dl>");
}

void inventory_quality_html(struct strbuf *o, const struct store_county_quality *q, const char *id)
{
	struct quality_uncertainty u = { q->assessed, { q->lower_milli, q->upper_milli }, q->assessed_bp };
	char buf[64];

	strbuf_addf(o, "<dl class=\"totals quality\" id=\"%s-quality\"><dt>數據品質等級</dt><dd>", id);
	if (!q->has) {
		strbuf_addf(o, "<span id=\"%s-grade\" class=\"muted\">尚未計算</span>", id);
	} else if (!q->has_grade) {
		strbuf_addf(o, "<span id=\"%s-grade\">—</span>（尚無設定 A1–A3 之明細）", id);
	} else {
		quality_grade_text(q->grade_hundredths, buf, sizeof(buf));
		strbuf_addf(o, "<span id=\"%s-grade\">%s</span> <span id=\"%s-class\">", id, buf, id);
		html_txt(o, quality_class_label(q->grade));
		html(o, "</span>");
	}
	if (q->pending)
		strbuf_addf(o, " <span class=\"status s1 pending\" id=\"%s-pending\">計算中</span>", id);
	strbuf_addf(o, "</dd><dt>不確定性（95%% 信賴區間）</dt><dd><span id=\"%s-uncertainty\">", id);
	if (q->has) {
		quality_interval_text(&u, buf, sizeof(buf));
		html_txt(o, buf);
	} else {
		html(o, "—");
	}
	html(o, "</span>");
	if (q->has && u.assessed)
		strbuf_addf(o, "（已評估排放量占 <span id=\"%s-assessed\">%d.%02d %%</span>）", id, q->assessed_bp / 100, q->assessed_bp % 100);
	html(o, "</dd>");
	/* What the county's figures cover (SPEC-2 §2b: own operations; the non-agency lines are the county's own). */
	strbuf_addf(o, "<dt>涵蓋範圍</dt><dd id=\"%s-covers\">" QUALITY_COUNTY_COVERS "</dd>", id);
	if (q->has && q->uncovered_lines) {
		strbuf_addf(o, "<dt>未納入等級之明細</dt><dd id=\"%s-uncovered\">%d 筆（", id, q->uncovered_lines);
		html_milli(o, q->uncovered_milli);
		html(o, " KgCO₂e）於數據品質欄位啟用前存檔，未設定 A1–A3，未納入等級與不確定性；"
			"機關（或盤查小組之非機關單位活動）重新存檔後納入。</dd>");
	}
	if (q->has) {
		html(o, "<dt>品質計算時間</dt><dd>");
		html_txt(o, q->computed_at);
		html(o, "</dd>");
	}
	html(o, "</dl>");
}

/* 類別 [0] is 未分類: lines saved before 類別 existed. */
static const char *iso_label(int i)
{
	return i ? calc_iso_labels[i] : "未分類";
}

/* By ISO 14064-1 類別, beside the table by 範疇; 未分類 only when there are such lines. */
static void isos(struct strbuf *o, const struct inventory *inv)
{
	const char *labels[CALC_ISO_MAX + 1];
	long long values[CALC_ISO_MAX + 1];
	int n = 0;

	for (int i = 1; i <= CALC_ISO_MAX; i++) {
		labels[n] = calc_iso_labels[i];
		values[n++] = inv->by_iso[i] + inv->outsourced_by_iso[i];
	}
	if (inv->by_iso[0] || inv->outsourced_by_iso[0]) {
		labels[n] = "未分類";
		values[n++] = inv->by_iso[0] + inv->outsourced_by_iso[0];
	}
	html(o, "<h2>依類別（ISO 14064-1:2018）</h2>");
	svg_bars(o, "chart-iso", "依類別", labels, values, n);
	html(o, "<table id=\"inv-iso\"><thead><tr><th>類別</th><th class=\"num\">機關填報</th><th class=\"num\">非機關單位活動</th>"
		"<th class=\"num\">合計(KgCO₂e)</th><th class=\"num\">委外操作（範疇三，不納入總量）</th></tr></thead><tbody>");
	for (int k = 1; k <= CALC_ISO_MAX + 1; k++) {
		int i = k % (CALC_ISO_MAX + 1);   /* 類別一 … 類別六, then 未分類 */

		if (!i && !inv->by_iso[0] && !inv->outsourced_by_iso[0])
			continue;
		strbuf_addf(o, "<tr data-iso=\"%d\"><th>", i);
		html_txt(o, iso_label(i));
		html(o, "</th><td class=\"num\">");
		html_milli(o, inv->agencies_by_iso[i]);
		html(o, "</td><td class=\"num\">");
		html_milli(o, inv->nonagency_by_iso[i]);
		html(o, "</td><td class=\"num\">");
		html_milli(o, inv->by_iso[i]);
		html(o, "</td><td class=\"num\">");
		html_milli(o, inv->outsourced_by_iso[i]);
		html(o, "</td></tr>");
	}
	html(o, "</tbody><tfoot><tr><th>合計</th><td class=\"num\">");
	html_milli(o, inv->agencies_total);
	html(o, "</td><td class=\"num\">");
	html_milli(o, inv->nonagency_total);
	html(o, "</td><td class=\"num\">");
	html_milli(o, inv->total);
	html(o, "</td><td class=\"num\">");
	html_milli(o, inv->outsourced);
	html(o, "</td></tr></tfoot></table>");
	if (inv->by_iso[0] || inv->outsourced_by_iso[0])
		html(o, "<p class=\"muted\" id=\"inv-iso-note\">「未分類」為類別欄位啟用前存檔之明細，於重新存檔後依其項目歸入類別，此處不予推定。</p>");
	html(o, "<p class=\"muted\">委外操作屬範疇三（公務車用油為類別三，其餘為類別四），列於總量之外。</p>");
}

/* The registry's 七大溫室氣體 table: each row adds up to its total. */
static void gases(struct strbuf *o, const struct inventory *inv)
{
	const long long *rows[3] = { inv->agencies_by_gas, inv->nonagency_by_gas, inv->by_gas };
	const long long totals_of[3] = { inv->agencies_total, inv->nonagency_total, inv->total };
	static const char *const row_labels[3] = { "機關填報", "非機關單位活動", "合計" };
	static const char *const row_keys[3] = { "agencies", "nonagency", "total" };
	int unsplit = inv->by_gas[CALC_GAS__MAX] != 0;

	html(o, "<h2>依溫室氣體（七大溫室氣體）</h2><table id=\"inv-gas\"><thead><tr><th>單位：KgCO₂e</th>");
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		strbuf_addf(o, "<th class=\"num\" data-gas=\"%s\">", calc_gas_keys[g]);
		html_txt(o, calc_gas_labels[g]);
		html(o, "</th>");
	}
	if (unsplit)
		html(o, "<th class=\"num\" data-gas=\"none\">未分氣體</th>");
	html(o, "<th class=\"num\">合計</th></tr></thead><tbody>");
	for (int r = 0; r < 3; r++) {
		strbuf_addf(o, "<tr data-row=\"%s\"><th>", row_keys[r]);
		html_txt(o, row_labels[r]);
		html(o, "</th>");
		for (int g = 0; g <= CALC_GAS__MAX; g++) {
			if (g == CALC_GAS__MAX && !unsplit)
				continue;
			html(o, "<td class=\"num\">");
			html_milli(o, rows[r][g]);
			html(o, "</td>");
		}
		html(o, "<td class=\"num\">");
		html_milli(o, totals_of[r]);
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
	if (unsplit)
		html(o, "<p class=\"muted\" id=\"inv-gas-note\">「未分氣體」為尚未依氣體拆分之明細（氣體欄位啟用前存檔之機關明細，或尚未重新存檔之非機關單位活動），"
			"重新存檔後依其係數拆分；電力以 CO₂ 計。</p>");
	else
		html(o, "<p class=\"muted\">電力以 CO₂ 計（同官方清冊表單）。</p>");
}

static void categories(struct strbuf *o, const struct inventory *inv)
{
	html(o, "<h2>依排放類別</h2>");
	svg_bars(o, "chart-category", "依排放類別", inv_category_labels, inv->by_category, INV_CAT__MAX);
	html(o, "<table id=\"inv-category\"><thead><tr><th>類別</th><th class=\"num\">機關填報</th><th class=\"num\">非機關單位活動</th>"
		"<th class=\"num\">合計(KgCO₂e)</th></tr></thead><tbody>");
	for (int c = 0; c < INV_CAT__MAX; c++) {
		strbuf_addf(o, "<tr data-category=\"%s\"><th>", inv_category_keys[c]);
		html_txt(o, inv_category_labels[c]);
		html(o, "</th><td class=\"num\">");
		html_milli(o, inv->agencies_by_category[c]);
		html(o, "</td><td class=\"num\">");
		html_milli(o, inv->nonagency_by_category[c]);
		html(o, "</td><td class=\"num\">");
		html_milli(o, inv->by_category[c]);
		html(o, "</td></tr>");
	}
	html(o, "</tbody><tfoot><tr><th>合計</th><td class=\"num\">");
	html_milli(o, inv->agencies_total);
	html(o, "</td><td class=\"num\">");
	html_milli(o, inv->nonagency_total);
	html(o, "</td><td class=\"num\">");
	html_milli(o, inv->total);
	html(o, "</td></tr></tfoot></table>");
}

static void scopes(struct strbuf *o, const struct inventory *inv)
{
	html(o, "<h2>依範疇</h2>");
	svg_bars(o, "chart-scope", "依範疇", scope_labels, &inv->by_scope[1], 2);
	html(o, "<table id=\"inv-scope\"><tbody>");
	for (int s = 1; s <= 2; s++) {
		strbuf_addf(o, "<tr data-scope=\"%d\"><th>", s);
		html_txt(o, scope_labels[s - 1]);
		html(o, "</th><td class=\"num\">");
		html_milli(o, inv->by_scope[s]);
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
}

/* Levels 1 to 3 always, deeper ones when they have emissions. */
static int level_shown(const struct inventory *inv, int lv)
{
	return inv->by_level[lv] || lv <= 3;
}

static void levels(struct strbuf *o, const struct inventory *inv)
{
	const char *labels[INV_LEVELS];
	long long values[INV_LEVELS];
	int n = 0;

	for (int lv = 1; lv <= INV_LEVELS; lv++)
		if (level_shown(inv, lv)) {
			labels[n] = level_labels[lv];
			values[n++] = inv->by_level[lv];
		}
	html(o, "<h2>依機關層級（機關自身填報，不含非機關單位活動）</h2>");
	svg_bars(o, "chart-level", "依機關層級", labels, values, n);
	html(o, "<table id=\"inv-level\"><tbody>");
	for (int lv = 1; lv <= INV_LEVELS; lv++) {
		if (!level_shown(inv, lv))
			continue;
		strbuf_addf(o, "<tr data-level=\"%d\"><th>", lv);
		html_txt(o, level_labels[lv]);
		html(o, "</th><td class=\"num\">");
		html_milli(o, inv->by_level[lv]);
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
}

static void largest(struct strbuf *o, const struct inventory *inv)
{
	const char *labels[INV_TOP];
	long long values[INV_TOP];

	html(o, "<h2>排放量前 20 大機關</h2>");
	if (inv->ntop) {
		for (int n = 0; n < inv->ntop; n++) {
			labels[n] = inv->top[n].name;
			values[n] = inv->top[n].milli;
		}
		svg_bars(o, "chart-top", "排放量前 20 大機關", labels, values, inv->ntop);
	}
	html(o, "<table id=\"inv-top\"><thead><tr><th>名次</th><th>機關</th><th>層級</th><th class=\"num\">排放量(KgCO₂e)</th></tr></thead><tbody>");
	for (int n = 0; n < inv->ntop; n++) {
		strbuf_addf(o, "<tr><td>%d</td><td>", n + 1);
		html_txt(o, inv->top[n].name);
		strbuf_addf(o, "</td><td>%d</td><td class=\"num\">", inv->top[n].level);
		html_milli(o, inv->top[n].milli);
		html(o, "</td></tr>");
	}
	if (!inv->ntop)
		html(o, "<tr><td colspan=\"4\" class=\"empty\">本年度尚無機關填報排放量。</td></tr>");
	html(o, "</tbody></table>");
}

static void trend(struct strbuf *o, const struct inventory *inv)
{
	html(o, "<h2>歷年趨勢</h2>");
	svg_trend(o, inv);
	html(o, "<table id=\"inv-trend\"><thead><tr><th>年度</th><th class=\"num\">排放量(KgCO₂e)</th></tr></thead><tbody>");
	for (int i = 0; i < inv->trend_n; i++) {
		int y = inv->trend_first + i;

		if (!inv->trend_has[i])
			continue;
		strbuf_addf(o, "<tr data-year=\"%d\"><td>民國 %d 年</td><td class=\"num\">", y, y - 1911);
		html_milli(o, inv->trend[i]);
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
}

void inventory_render(struct request *req, const struct inventory *inv)
{
	struct strbuf *o = &req->body;

	html(o, "<section class=\"inventory\">");
	totals(o, inv);
	html(o, "<h2>數據品質與不確定性</h2>");
	inventory_quality_html(o, &inv->quality, "inv");
	categories(o, inv);
	scopes(o, inv);
	isos(o, inv);
	gases(o, inv);
	levels(o, inv);
	largest(o, inv);
	trend(o, inv);
	html(o, "</section>");
}

static int take_exclusion(void *ctx, const struct store_report_exclusion *e)
{
	struct inventory_notes *n = ctx;

	if (n->nex == INVENTORY_NOTES_MAX) {
		n->more_ex++;
		return 0;
	}
	if (!n->ex)
		n->ex = arena_alloc(n->a, sizeof(*n->ex) * INVENTORY_NOTES_MAX);
	n->ex[n->nex++] = *e;
	return 0;
}

static int take_noted(void *ctx, const struct store_report_noted *r)
{
	struct inventory_notes *n = ctx;

	if (n->nnoted == INVENTORY_NOTES_MAX) {
		n->more_noted++;
		return 0;
	}
	if (!n->noted)
		n->noted = arena_alloc(n->a, sizeof(*n->noted) * INVENTORY_NOTES_MAX);
	n->noted[n->nnoted++] = *r;
	return 0;
}

int inventory_notes_load(struct request *req, const struct inventory *inv, struct inventory_notes *n)
{
	memset(n, 0, sizeof(*n));
	n->a = &req->arena;
	if (store_report_exclusions_county(&req->app->db, inv->county_id, inv->year, inv->lock, take_exclusion, n) ||
	    store_report_noted_county(&req->app->db, inv->county_id, inv->year, inv->lock, take_noted, n))
		return -1;
	return 0;
}

void inventory_notes_render(struct request *req, const struct inventory_notes *n)
{
	struct strbuf *o = &req->body;

	html(o, "<section class=\"inventory-notes\" aria-labelledby=\"notes-h\"><h2 id=\"notes-h\">排除之排放源與註記</h2>");
	if (!n->nex) {
		html(o, "<p class=\"muted\" id=\"no-exclusions\">本年度各機關未列排除之排放源。</p>");
	} else {
		html(o, "<table id=\"inv-exclusions\"><caption>排除之排放源</caption><thead><tr><th scope=\"col\">機關</th>"
			"<th scope=\"col\">排放源</th><th scope=\"col\">排除理由</th></tr></thead><tbody>");
		for (int i = 0; i < n->nex; i++) {
			html(o, "<tr><td>");
			html_txt(o, n->ex[i].agency_name);
			html(o, "</td><td>");
			html_txt(o, n->ex[i].name);
			html(o, "</td><td>");
			html_txt(o, n->ex[i].reason);
			html(o, "</td></tr>");
		}
		html(o, "</tbody></table>");
		if (n->more_ex)
			strbuf_addf(o, "<p class=\"muted\">另有 %d 筆未列出。</p>", n->more_ex);
	}
	if (!n->nnoted) {
		html(o, "<p class=\"muted\" id=\"no-noted\">本年度各機關無標示 NE（未估算）、IE（已計入他處）或沿用之項目。</p>");
	} else {
		html(o, "<table id=\"inv-noted\"><caption>註記：NE（未估算）、IE（已計入他處）、沿用</caption><thead><tr>"
			"<th scope=\"col\">機關</th><th scope=\"col\">項目</th><th scope=\"col\">註記</th></tr></thead><tbody>");
		for (int i = 0; i < n->nnoted; i++) {
			html(o, "<tr><td>");
			html_txt(o, n->noted[i].agency_name);
			html(o, "</td><td>");
			report_noted_label(o, &n->noted[i]);
			html(o, "</td><td>");
			report_noted_text(o, &n->noted[i]);
			html(o, "</td></tr>");
		}
		html(o, "</tbody></table>");
		if (n->more_noted)
			strbuf_addf(o, "<p class=\"muted\">另有 %d 筆未列出。</p>", n->more_noted);
	}
	html(o, "</section>");
}

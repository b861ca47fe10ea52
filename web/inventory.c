/* inventory.c: the county inventory (清冊) drawn as tables with SVG charts made here (no chart
 * library, no script in the browser); the numbers come from inventory_data.c. */
#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "html.h"
#include "inventory.h"
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
	html(o, "</dd></dl>");
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
	categories(o, inv);
	scopes(o, inv);
	levels(o, inv);
	largest(o, inv);
	trend(o, inv);
	html(o, "</section>");
}

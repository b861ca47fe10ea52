/* report_figures.c: the figures of a report on its pages: the lines, the tables by 範疇,
 * 類別 and gas, the 數據品質 and uncertainty of each line and of the report (SPEC-2 §2). */
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
static void fmt_dec(struct strbuf *o, dec_t d)
{
	char b[96];

	dec_format_grouped(d, b, sizeof(b));
	html_txt(o, b);
}

/* 四、排放量小計's tables by category and 範疇, by 類別 and by gas (own and outsourced apart). */
static void render_breakdowns(struct request *req, const struct calc_result *res, const int *gas_used)
{
	struct strbuf *o = &req->body;

	html(o, "<table class=\"breakdown\"><caption>依排放源類型與範疇</caption><thead><tr><th>部分</th>"
		"<th class=\"num\">固定式能源</th><th class=\"num\">交通運輸</th><th class=\"num\">逸散</th>"
		"<th class=\"num\">範疇一</th><th class=\"num\">範疇二</th><th class=\"num\">範疇三</th></tr></thead><tbody>");
	for (int p = 0; p < CALC_PART__MAX; p++) {
		strbuf_addf(o, "<tr id=\"sub-%s\"><th>%s</th>", calc_part_keys[p], p ? "委外部分（範疇三，不納入總量）" : "不含委外部分");
		for (int c = 0; c < CALC_CAT__MAX; c++) {
			html(o, "<td class=\"num\">");
			fmt_dec(o, res->by_category[p][c]);
			html(o, "</td>");
		}
		for (int sc = 1; sc <= 3; sc++) {
			html(o, "<td class=\"num\">");
			fmt_dec(o, res->by_scope[p][sc]);
			html(o, "</td>");
		}
		html(o, "</tr>");
	}
	html(o, "</tbody></table><table class=\"breakdown\" id=\"by-iso\"><caption>依 ISO 14064-1:2018 類別</caption><thead><tr><th>部分</th>");
	for (int c = 1; c <= 4; c++)
		strbuf_addf(o, "<th class=\"num\">%s</th>", calc_iso_labels[c]);
	html(o, "</tr></thead><tbody>");
	for (int p = 0; p < CALC_PART__MAX; p++) {
		strbuf_addf(o, "<tr id=\"iso-%s\"><th>%s</th>", calc_part_keys[p], p ? "委外部分（不納入總量）" : "不含委外部分");
		for (int c = 1; c <= 4; c++) {
			html(o, "<td class=\"num\">");
			fmt_dec(o, res->by_iso[p][c]);
			html(o, "</td>");
		}
		html(o, "</tr>");
	}
	html(o, "</tbody></table><table class=\"breakdown\" id=\"by-gas\"><caption>依溫室氣體 (kgCO₂e)</caption><thead><tr><th>部分</th>");
	for (int g = 0; g < CALC_GAS__MAX; g++)
		if (gas_used[g])
			strbuf_addf(o, "<th class=\"num\">%s</th>", calc_gas_labels[g]);
	html(o, "</tr></thead><tbody>");
	for (int p = 0; p < CALC_PART__MAX; p++) {
		strbuf_addf(o, "<tr id=\"gas-%s\"><th>%s</th>", calc_part_keys[p], p ? "委外部分（不納入總量）" : "不含委外部分");
		for (int g = 0; g < CALC_GAS__MAX; g++)
			if (gas_used[g]) {
				html(o, "<td class=\"num\">");
				fmt_dec(o, res->by_gas[p][g]);
				html(o, "</td>");
			}
		html(o, "</tr>");
	}
	html(o, "</tbody></table>");
}

/* The interval of gas g of line l with the line's activity-data interval q: 1 with *u, 0 未評估. */
static int gas_interval(const struct calc_line *l, int g, const struct store_quality *q, struct quality_interval *u)
{
	struct quality_interval ad = { q->ad_lower_milli, q->ad_upper_milli };
	struct quality_interval ef = { l->gas[g].ci_lower_milli, l->gas[g].ci_upper_milli };

	if (q->ad_lower_milli < 0 || q->ad_upper_milli < 0 || !l->gas[g].has_ci)
		return 0;
	return quality_gas_interval(ad, ef, u) == 0;
}

/*
 * Each line's gases, A1-A3, error level, score and the interval of each of
 * its gases; then the agency's grade and combined uncertainty over its own
 * operations (quality.h: the official form's 表六 and 表七).
 */
static void render_quality(struct request *req, const struct report *r, const struct calc_line *lines, int n,
			   const int *gas_used)
{
	struct strbuf *o = &req->body;
	struct quality_line *ql = arena_alloc(&req->arena, sizeof(*ql) * (size_t)(n ? n : 1));
	struct quality_acc acc;
	struct quality_grade grade;
	struct quality_uncertainty unc;
	int nq = 0, missing = 0;
	char b[96];

	quality_acc_init(&acc);
	html(o, "<table class=\"lines\" id=\"dq-lines\"><caption>各項溫室氣體排放量 (kgCO₂e) 與數據品質、不確定性</caption><thead><tr>"
		"<th>部分</th><th>項目</th><th>類別／範疇</th>");
	for (int g = 0; g < CALC_GAS__MAX; g++)
		if (gas_used[g])
			strbuf_addf(o, "<th class=\"num\">%s</th>", calc_gas_labels[g]);
	html(o, "<th class=\"num\">A1</th><th class=\"num\">A2</th><th class=\"num\">A3</th><th class=\"num\">誤差等級</th>"
		"<th class=\"num\">評分</th><th>不確定性（95 %）</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct calc_line *l = &lines[i];
		struct store_quality q;
		int level;
		long long e;

		report_line_quality(r, l, &q);
		level = quality_level(q.a1, q.a2, q.a3);
		html(o, "<tr id=\"dq-line-");
		html_attr(o, report_line_field(&req->arena, l));
		strbuf_addf(o, "\"><td>%s</td><td>", l->part ? "委外" : "不含委外");
		if (l->item == CALC_REFRIGERANT) {
			html(o, "冷媒 ");
			html_txt(o, l->refrigerant ? l->refrigerant : "");
		} else {
			html_txt(o, calc_items[l->item].label);
		}
		strbuf_addf(o, "</td><td>%s／範疇%s</td>", calc_iso_labels[l->iso_category],
			    l->scope == 1 ? "一" : l->scope == 2 ? "二" : "三");
		for (int g = 0; g < CALC_GAS__MAX; g++)
			if (gas_used[g]) {
				html(o, "<td class=\"num\">");
				if (l->gas[g].present)
					fmt_dec(o, l->gas[g].kg);
				else
					html(o, "—");
				html(o, "</td>");
			}
		if (level)
			strbuf_addf(o, "<td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td>"
				    "<td class=\"num\">%d</td><td>", q.a1, q.a2, q.a3, level, quality_score(level));
		else
			html(o, "<td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td>"
				"<td class=\"num\">—</td><td>");
		for (int g = 0, first = 1; g < CALC_GAS__MAX; g++) {
			struct quality_interval u;
			struct quality_uncertainty one = { 0 };

			if (!l->gas[g].present)
				continue;
			one.assessed = gas_interval(l, g, &q, &u);
			one.u = u;
			if (!one.assessed)
				one.u = (struct quality_interval){ 0, 0 };
			quality_interval_text(&one, b, sizeof(b));
			strbuf_addf(o, "%s%s ", first ? "" : "；", calc_gas_labels[g]);
			html_txt(o, b);
			first = 0;
			if (l->part == CALC_OWN && !dec_to_scaled_i64(l->gas[g].kg, 3, &e))
				quality_acc_add(&acc, e, one.assessed ? &u : NULL);
		}
		html(o, "</td></tr>");
		if (l->part != CALC_OWN)
			continue;
		if (!level || dec_to_scaled_i64(l->kg, 3, &e))
			missing++;
		else
			ql[nq++] = (struct quality_line){ e, level };
	}
	if (!n)
		html(o, "<tr><td colspan=\"9\" class=\"empty\">尚未填寫任何耗用量。</td></tr>");
	html(o, "</tbody></table><table class=\"totals\" id=\"dq-summary\"><caption>數據品質等級與不確定性（不含委外部分）</caption><tbody>"
		"<tr><th>數據品質等級（清冊表單 表六）</th><td id=\"dq-grade\">");
	if (quality_grade(ql, nq, &grade) == 0 && grade.cls) {
		quality_grade_text(grade.grade_hundredths, b, sizeof(b));
		html_txt(o, b);
		html(o, " ");
		html_txt(o, quality_class_label(grade.cls));
	} else {
		html(o, "—");
	}
	html(o, "</td></tr><tr><th>不確定性（95 % 信賴區間，清冊表單 表七）</th><td id=\"dq-uncertainty\">");
	if (quality_uncertainty(&acc, &unc) == 0) {
		quality_interval_text(&unc, b, sizeof(b));
		html_txt(o, b);
		strbuf_addf(o, "</td></tr><tr><th>評估涵蓋率</th><td id=\"dq-assessed\">%d.%02d %%", unc.assessed_bp / 100,
			    unc.assessed_bp % 100);
	} else {
		html(o, "未評估</td></tr><tr><th>評估涵蓋率</th><td id=\"dq-assessed\">—");
	}
	html(o, "</td></tr></tbody></table>");
	if (missing)
		strbuf_addf(o, "<p class=\"muted\" id=\"dq-missing\">%d 項缺少 A1–A3，未計入數據品質等級。</p>", missing);
}

/* 四、排放量小計, with every line's factor, GWP set and source, the subtotals, the gases and the data quality. */
void report_render_figures(struct request *req, const struct calc_table *t, const struct report *r,
			   const struct calc_line *lines, int n, const struct calc_result *res)
{
	struct strbuf *o = &req->body;
	int gas_used[CALC_GAS__MAX] = { 0 };
	char b[96];

	for (int i = 0; i < n; i++)
		for (int g = 0; g < CALC_GAS__MAX; g++)
			gas_used[g] |= lines[i].gas[g].present;
	html(o, "<section class=\"results\" aria-labelledby=\"results-h\"><h2 id=\"results-h\">四、排放量小計</h2>"
		"<table class=\"totals\"><tbody><tr><th>CO₂排放量(KgCO₂e)-不含委外部分</th><td class=\"num\" id=\"total-own\">");
	fmt_dec(o, res->total[CALC_OWN]);
	html(o, "</td></tr><tr><th>CO₂排放量(KgCO₂e)-委外部分（範疇三，不納入總量計算）</th><td class=\"num\" id=\"total-outsourced\">");
	fmt_dec(o, res->total[CALC_OUTSOURCED]);
	html(o, "</td></tr></tbody></table>");
	if (res->provisional)
		form_flash(req, "error", "部分係數為暫用值（標示「暫用」），正式公告後系統將重新計算。");
	render_breakdowns(req, res, gas_used);
	html(o, "<table class=\"lines\"><caption>各項排放量、係數與來源</caption><thead><tr>"
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
		{
			const struct report_mark *m = report_mark_of(r, l->part, l->item, l->seq);

			if (m && m->carried_from)
				strbuf_addf(o, " <span class=\"status s2\" id=\"carried-line-%s\">沿用 %d 年</span>",
					    report_line_field(&req->arena, l), m->carried_from);
		}
		strbuf_addf(o, "</td><td>%s／%s／範疇%s</td><td class=\"num\">", calc_category_labels[l->category],
			    calc_iso_labels[l->iso_category], l->scope == 1 ? "一" : l->scope == 2 ? "二" : "三");
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
	html(o, "</tbody></table>");
	render_quality(req, r, lines, n, gas_used);
	html(o, "</section>");
}


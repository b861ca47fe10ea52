/* export_nonagency.c: 轉出明細's sheet 非機關單位活動 (the team's non-agency lines, SPEC §6a, SPEC-2 §2c). */
#include <stdlib.h>

#include <xlsxwriter.h>

#include "calc.h"
#include "export_inventory.h"
#include "inventory_data.h"
#include "nonagency.h"
#include "quality.h"
#include "store_activity.h"
#include "strbuf.h"

_Static_assert(CALC_GAS__MAX == 7, "GAS_HEADS has a column for each gas");

/*
 * A non-agency line's gases (columns 14-21, as 機關排放明細's), then its
 * A1-A3, level and score, its activity data's interval, each gas's interval
 * and the line's own (SPEC-2 §2c, a line alone), columns 22 on, as stored
 * at its save; a line saved before migration 0028 says so.
 */
static void activity_quality_cells(lxw_worksheet *ws, lxw_row_t r, const struct store_activity_workbook_row *a,
				   const struct xinv_fmt *f)
{
	const struct activity_quality *q = &a->q;
	int level = quality_level(q->a1, q->a2, q->a3), split = 0;
	struct strbuf iv = STRBUF_INIT;
	struct quality_acc acc;
	struct quality_uncertainty u;
	char b[64];

	for (int g = 0; g < CALC_GAS__MAX; g++)
		if (q->has_gas[g]) {
			worksheet_write_number(ws, r, (lxw_col_t)(14 + g), xinv_kg(q->gas_milli[g]), f->num);
			split = 1;
		}
	if (!split)
		worksheet_write_number(ws, r, 21, xinv_kg(a->kg_milli), f->num);
	if (!level) {
		worksheet_write_string(ws, r, 22, "未設定（數據品質欄位啟用前存檔）", NULL);
		return;
	}
	worksheet_write_number(ws, r, 22, q->a1, NULL);
	worksheet_write_number(ws, r, 23, q->a2, NULL);
	worksheet_write_number(ws, r, 24, q->a3, NULL);
	worksheet_write_number(ws, r, 25, level, NULL);
	worksheet_write_number(ws, r, 26, quality_score(level), NULL);
	if (q->ad_lower >= 0 && q->ad_upper >= 0) {
		struct quality_uncertainty ad = { 1, { q->ad_lower, q->ad_upper }, 10000 };

		quality_interval_text(&ad, b, sizeof(b));
		worksheet_write_string(ws, r, 27, b, NULL);
	}
	quality_acc_init(&acc);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		struct quality_acc one;

		if (!q->has_gas[g])
			continue;
		quality_acc_init(&one);
		quality_acc_add_gas(&one, q->gas_milli[g], q->ad_lower, q->ad_upper, q->ef_lower[g], q->ef_upper[g]);
		quality_acc_merge(&acc, &one);
		if (quality_uncertainty(&one, &u))
			u.assessed = 0;
		quality_interval_text(&u, b, sizeof(b));
		strbuf_addf(&iv, "%s%s %s", iv.len ? "；" : "", calc_gas_labels[g], b);
	}
	if (!split)
		quality_acc_add(&acc, a->kg_milli, NULL);
	worksheet_write_string(ws, r, 28, iv.len ? iv.buf : "", NULL);
	strbuf_release(&iv);
	if (quality_uncertainty(&acc, &u))
		u.assessed = 0;
	quality_interval_text(&u, b, sizeof(b));
	worksheet_write_string(ws, r, 29, b, NULL);
}

/* A stored quantity (a DECIMAL's text) as a number cell; blank when there is none. */
static void quantity_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *q, lxw_format *f)
{
	char *end;
	double v;

	if (!q || !*q)
		return;
	v = strtod(q, &end);
	if (*end)
		worksheet_write_string(ws, r, c, q, NULL);
	else
		worksheet_write_number(ws, r, c, v, f);
}

static int activity_row(void *ctx, const struct store_activity_workbook_row *a)
{
	struct sheet_rows *s = ctx;
	lxw_worksheet *ws = s->ws;
	lxw_row_t r = s->r++;
	const struct na_method *m = na_method_get(a->method);
	const char *text[] = { a->description, a->note, NULL, a->unit, NULL, a->options, a->factor_text,
		a->gwp_set, a->method_text, a->sources, a->override_reason };

	worksheet_write_string(ws, r, 0, a->category >= 0 && a->category < INV_CAT__MAX ? inv_category_labels[a->category] : "", NULL);
	worksheet_write_string(ws, r, 1, m ? m->label : a->method, NULL);
	for (int c = 0; c < (int)(sizeof(text) / sizeof(text[0])); c++)
		if (text[c])
			worksheet_write_string(ws, r, (lxw_col_t)(2 + c), text[c], NULL);
	quantity_cell(ws, r, 4, a->quantity, s->f->num);
	quantity_cell(ws, r, 6, a->quantity2, NULL);
	worksheet_write_number(ws, r, 13, xinv_kg(a->kg_milli), s->f->num);
	activity_quality_cells(ws, r, a, s->f);
	if (s->used)
		xinv_factors_add(s->used, 1, "", a->method, a->unit, a->factor_text, a->gwp_set, a->sources, a->provisional, a->kg_milli);
	return 0;
}

int xinv_nonagency_sheet(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, const struct xinv_fmt *f,
			 struct xinv_factors *used)
{
	static const char *const cols[] = { "排放類別", "活動", "說明", "資料說明與來源", "數量", "單位", "第二數量", "選項",
		"係數(kgCO₂e/單位)", "GWP 版本", "方法", "來源", "自訂係數理由", "排放量(KgCO₂e)", GAS_HEADS,
		"A1 活動數據種類", "A2 活動數據可信度", "A3 係數種類", "誤差等級(A1×A2×A3)", "評分",
		"活動數據不確定性（95%）", "各氣體不確定性（95%）", "本筆不確定性（95%）" };
	struct sheet_rows s = { .ws = ws, .f = f, .used = used, .r = 1 };

	xinv_heads(ws, 0, cols, (int)(sizeof(cols) / sizeof(cols[0])), f->head);
	worksheet_set_column(ws, 1, 3, 24, NULL);
	worksheet_set_column(ws, 10, 11, 40, NULL);
	worksheet_set_column(ws, 14, 21, 14, NULL);
	worksheet_set_column(ws, 27, 29, 30, NULL);
	return store_activity_each_workbook_row(ctx->db, county, year, activity_row, &s) ? -1 : 0;
}

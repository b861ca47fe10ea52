/* export_notes.c: 轉出明細's sheet 排除與註記 (SPEC-2 §2d). */
#include <string.h>

#include <xlsxwriter.h>

#include "export_inventory.h"
#include "store_report.h"

/*
 * 排除與註記 (SPEC-2 §2d: "shown in the inventory"): every 排除之排放源 of the
 * county-year's agency reports with its reason, then every NE / IE / 沿用
 * line, all of them (the page shows the first 1,000 of each).
 */
static int exclusion_row(void *ctx, const struct store_report_exclusion *e)
{
	struct sheet_rows *s = ctx;
	lxw_row_t r = s->r++;

	s->rows++;
	worksheet_write_string(s->ws, r, 0, e->agency_name, NULL);
	worksheet_write_string(s->ws, r, 1, e->name, NULL);
	worksheet_write_string(s->ws, r, 2, e->reason, NULL);
	return 0;
}

static int noted_row(void *ctx, const struct store_report_noted *n)
{
	struct sheet_rows *s = ctx;
	lxw_row_t r = s->r++;
	int refrigerant = !strcmp(n->item, "refrigerant");

	s->rows++;
	worksheet_write_string(s->ws, r, 0, n->agency_name, NULL);
	worksheet_write_string(s->ws, r, 1, n->part == CALC_OUTSOURCED ? "委外" : "本身", NULL);
	worksheet_write_string(s->ws, r, 2, calc_item_label(n->item), NULL);
	worksheet_write_string(s->ws, r, 3, refrigerant ? (*n->refrigerant ? n->refrigerant : "（型號不明）") : "", NULL);
	if (n->n.carried_from) {
		worksheet_write_string(s->ws, r, 4, "沿用", NULL);
		worksheet_write_number(s->ws, r, 5, (double)n->n.carried_from, NULL);
		if (n->has_quantity)
			worksheet_write_number(s->ws, r, 6, xinv_kg(n->quantity_milli), s->f->num);
	} else {
		worksheet_write_string(s->ws, r, 4, store_notation_names[n->n.key], NULL);
		worksheet_write_string(s->ws, r, 7, n->n.text, NULL);
	}
	return 0;
}

int xinv_notes_sheet(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, long long lock, const struct xinv_fmt *f)
{
	static const char *const ex_cols[] = { "機關單位名稱", "排除之排放源", "排除理由" };
	static const char *const nt_cols[] = { "機關單位名稱", "範圍", "項目", "冷媒型號", "註記", "沿用數量之年度", "沿用數量",
		"原因或計入處（NE：未估算之原因；IE：已計入何處）" };
	struct sheet_rows s = { .ws = ws, .f = f };

	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 2, 24, NULL);
	worksheet_set_column(ws, 7, 7, 50, NULL);
	worksheet_write_string(ws, s.r++, 0, "排除之排放源", f->title);
	xinv_heads(ws, s.r++, ex_cols, 3, f->head);
	if (store_report_exclusions_county(ctx->db, county, year, lock, exclusion_row, &s))
		return -1;
	if (!s.rows)
		worksheet_write_string(ws, s.r++, 0, "本年度各機關未列排除之排放源。", NULL);
	s.r++;
	worksheet_write_string(ws, s.r++, 0, "註記：NE（未估算）、IE（已計入他處）、沿用", f->title);
	xinv_heads(ws, s.r++, nt_cols, 8, f->head);
	s.rows = 0;
	if (store_report_noted_county(ctx->db, county, year, lock, noted_row, &s))
		return -1;
	if (!s.rows)
		worksheet_write_string(ws, s.r++, 0, "本年度各機關無標示 NE、IE 或沿用之項目。", NULL);
	return 0;
}


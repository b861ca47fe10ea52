/* export_charts.c: the county inventory's 轉出圖表, a workbook of native charts (by category,
 * scope, level, top emitters, the trend, 類別, and the county's grade), built by the worker. */
#include <stdint.h>
#include <stdio.h>

#include <xlsxwriter.h>

#include "export.h"
#include "export_inventory.h"
#include "quality.h"

/* A chart of rows first..last of column `col` (labels in column 0) of sheet `sheet`. */
static lxw_chart *chart(lxw_workbook *wb, uint8_t type, const char *title, const char *sheet, int first, int last, int col)
{
	lxw_chart *c = workbook_add_chart(wb, type);
	lxw_chart_series *s = chart_add_series(c, NULL, NULL);

	chart_series_set_categories(s, sheet, (lxw_row_t)first, 0, (lxw_row_t)last, 0);
	chart_series_set_values(s, sheet, (lxw_row_t)first, (lxw_col_t)col, (lxw_row_t)last, (lxw_col_t)col);
	chart_series_set_name(s, title);
	chart_title_set_name(c, title);
	chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
	return c;
}

/* 資料: small tables one under the other, each with its chart on 圖表; r is 資料's next row. */
struct charts {
	lxw_workbook *wb;
	lxw_worksheet *ch, *data;
	const struct xinv_fmt *f;
	int r;
};

/* A table's heading; the first row of its data. */
static int table_head(struct charts *c, const char *title)
{
	worksheet_write_string(c->data, (lxw_row_t)c->r++, 0, title, c->f->head);
	return c->r;
}

static void table_row(struct charts *c, const char *label, long long milli)
{
	worksheet_write_string(c->data, (lxw_row_t)c->r, 0, label, NULL);
	worksheet_write_number(c->data, (lxw_row_t)c->r, 1, xinv_kg(milli), c->f->num);
	c->r++;
}

/* The chart of the table whose data began at `first`, at row, col of 圖表; then a blank row. */
static void table_chart(struct charts *c, uint8_t type, const char *title, int first, lxw_row_t row, lxw_col_t col)
{
	worksheet_insert_chart(c->ch, row, col, chart(c->wb, type, title, "資料", first, c->r - 1, 1));
	c->r++;
}

static void by_category_and_scope(struct charts *c, const struct inventory *inv)
{
	static const char *const scope_labels[] = { "範疇一", "範疇二" };
	int first = table_head(c, "依排放類別");

	for (int k = 0; k < INV_CAT__MAX; k++)
		table_row(c, inv_category_labels[k], inv->by_category[k]);
	table_chart(c, LXW_CHART_BAR, "依排放類別", first, 2, 0);
	first = table_head(c, "依範疇");
	for (int s = 1; s <= 2; s++)
		table_row(c, scope_labels[s - 1], inv->by_scope[s]);
	table_chart(c, LXW_CHART_PIE, "依範疇", first, 2, 9);
}

static void by_level_and_top(struct charts *c, const struct inventory *inv)
{
	static const char *const level_labels[] = { "", "一級機關", "二級機關", "三級機關", "四級機關", "五級機關", "六級以下機關" };
	int first = table_head(c, "依機關層級");

	for (int lv = 1; lv <= INV_LEVELS; lv++)
		if (inv->by_level[lv] || lv <= 3)
			table_row(c, level_labels[lv], inv->by_level[lv]);
	table_chart(c, LXW_CHART_COLUMN, "依機關層級", first, 18, 0);
	first = table_head(c, "排放量前 20 大機關");
	worksheet_write_string(c->data, (lxw_row_t)(first - 1), 1, "排放量(KgCO₂e)", c->f->head);
	worksheet_write_string(c->data, (lxw_row_t)(first - 1), 2, "登錄狀況", c->f->head);
	worksheet_write_string(c->data, (lxw_row_t)(first - 1), 3, VERSION_HEAD, c->f->head);
	for (int i = 0; i < inv->ntop; i++) {
		xinv_state_cells(c->data, (lxw_row_t)c->r, 2, 3, &inv->top[i].state);
		table_row(c, inv->top[i].name, inv->top[i].milli);
	}
	if (inv->ntop) {
		table_chart(c, LXW_CHART_BAR, "排放量前 20 大機關", first, 18, 9);
	} else {
		worksheet_write_string(c->data, (lxw_row_t)c->r++, 0, "本年度尚無機關填報排放量", NULL);
		c->r++;
	}
}

/* The trend: the years served that have a total. */
static void trend(struct charts *c, const struct inventory *inv)
{
	int first = table_head(c, "歷年趨勢");

	for (int i = 0; i < inv->trend_n; i++) {
		char y[32];

		if (!inv->trend_has[i])
			continue;
		snprintf(y, sizeof(y), "民國 %d 年", inv->trend_first + i - 1911);
		table_row(c, y, inv->trend[i]);
	}
	if (c->r > first)
		worksheet_insert_chart(c->ch, 34, 0, chart(c->wb, LXW_CHART_LINE, "歷年趨勢", "資料", first, c->r - 1, 1));
}

/*
 * By 類別 (ISO 14064-1:2018), after the tables that were there before: own
 * emissions and the outsourced (範疇三) together, as the page's chart; 未分類
 * only when lines saved before 類別 exist.  Its chart beside the trend's.
 */
static void by_iso(struct charts *c, const struct inventory *inv)
{
	int first;

	c->r++;
	first = table_head(c, "依類別");
	for (int i = 1; i <= CALC_ISO_MAX; i++)
		table_row(c, calc_iso_labels[i], inv->by_iso[i] + inv->outsourced_by_iso[i]);
	if (inv->by_iso[0] || inv->outsourced_by_iso[0])
		table_row(c, "未分類", inv->by_iso[0] + inv->outsourced_by_iso[0]);
	worksheet_insert_chart(c->ch, 34, 9, chart(c->wb, LXW_CHART_BAR, "依類別", "資料", first, c->r - 1, 1));
	c->r++;
}

/* The county's grade and uncertainty under the tables of 資料, with what they cover (as 摘要 of 轉出明細). */
static void county_quality(struct charts *c, const struct inventory *inv)
{
	const struct store_county_quality *q = &inv->quality;

	table_head(c, "縣市數據品質與不確定性");
	worksheet_write_string(c->data, (lxw_row_t)c->r, 0, "數據品質等級", NULL);
	xinv_grade_cells(c->data, (lxw_row_t)c->r++, 1, q->has, q->has_grade, q->grade_hundredths, q->grade);
	worksheet_write_string(c->data, (lxw_row_t)c->r, 0, "不確定性（95% 信賴區間）／已評估排放量占比", NULL);
	xinv_interval_cells(c->data, (lxw_row_t)c->r++, 1, q->has, q->assessed, q->lower_milli, q->upper_milli, q->assessed_bp);
	worksheet_write_string(c->data, (lxw_row_t)c->r, 0, "數據品質涵蓋範圍", NULL);
	worksheet_write_string(c->data, (lxw_row_t)c->r++, 1, QUALITY_COUNTY_COVERS, NULL);
	if (q->pending)
		worksheet_write_string(c->data, (lxw_row_t)c->r++, 0, "計算中：數據品質等級與不確定性尚未納入最新存檔", NULL);
}

int build_inventory_charts(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen)
{
	/* Charts need the data in memory: the tables here are small (categories, levels, top 20, years). */
	lxw_workbook *wb = export_open(path, 0, err, errlen);
	struct inventory inv;
	struct xinv_fmt f;
	struct charts c = { .f = &f };
	int r;
	char title[200];

	if (!wb)
		return -1;
	xinv_formats(wb, &f);
	if ((r = xinv_load(ctx, wb, county, year, &inv, err, errlen)))
		return r;
	export_progress(ctx, id, 40);
	c.wb = wb;
	c.ch = workbook_add_worksheet(wb, "圖表");
	c.data = workbook_add_worksheet(wb, "資料");
	snprintf(title, sizeof(title), "%s 政府機關溫室氣體盤查　民國 %d 年（%d）（單位：KgCO₂e）", inv.county_name, year - 1911, year);
	worksheet_write_string(c.ch, 0, 0, title, f.title);
	worksheet_set_column(c.data, 0, 0, 30, NULL);
	worksheet_set_column(c.data, 1, 1, 20, NULL);
	worksheet_set_column(c.data, 2, 3, 24, NULL);
	by_category_and_scope(&c, &inv);
	by_level_and_top(&c, &inv);
	trend(&c, &inv);
	by_iso(&c, &inv);
	county_quality(&c, &inv);
	export_progress(ctx, id, 80);
	return export_close(wb, err, errlen);
}

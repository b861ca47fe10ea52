/* export_inventory.c: the county inventory's two workbooks (轉出明細 and 轉出圖表), built by the
 * worker with libxlsxwriter in constant-memory mode, agencies read in bounded chunks. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "inventory_data.h"
#include "export.h"
#include "jobs.h"
#include "nonagency.h"
#include "report_status.h"
#include "store_activity.h"
#include "store_factor.h"
#include "store_inventory.h"
#include "util.h"

/*
 * DESIGN: every number written is a stored figure (the same sums as the
 * 盤查清冊 page, from inventory_load(), and the stored lines), so the
 * workbook and the page cannot disagree.  Text is written as strings, never
 * as formulas, so a name such as "=HYPERLINK(...)" stays text.  The detail
 * sheet reads agencies CHUNK at a time by id (keyset), so memory stays
 * bounded for a county of thousands of agencies; constant-memory mode
 * writes each row to disk as it goes.
 */

#define CHUNK 400

struct fmt {
	lxw_format *head, *num, *title;
};

static void formats(lxw_workbook *wb, struct fmt *f)
{
	f->head = export_head_format(wb);
	f->num = workbook_add_format(wb);
	format_set_num_format(f->num, "#,##0.000");
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
}

static double kg(long long milli)
{
	return (double)milli / 1000.0;
}

static void heads(lxw_worksheet *ws, lxw_row_t row, const char *const *cols, int n, lxw_format *f)
{
	for (int c = 0; c < n; c++)
		worksheet_write_string(ws, row, (lxw_col_t)c, cols[c], f);
}

/* 填報情形 on the summary sheet from row r: the agencies, by state; the row after it. */
static lxw_row_t filing_counts(lxw_worksheet *ws, lxw_row_t r, const struct inventory *inv, const struct fmt *f)
{
	worksheet_write_string(ws, r, 0, "機關數", f->head);
	worksheet_write_number(ws, r++, 1, inv->n_agencies, NULL);
	for (int s = 0; s < REPORT_STATUS__MAX; s++) {
		worksheet_write_string(ws, r, 0, report_status_names[s], f->head);
		worksheet_write_number(ws, r++, 1, inv->n_status[s], NULL);
		if (s == REPORT_DRAFT) {
			worksheet_write_string(ws, r, 0, "　其中退回", f->head);
			worksheet_write_number(ws, r++, 1, inv->n_returned, NULL);
		}
	}
	return r;
}

/* The summary sheet; the row after it. */
static void summary(lxw_worksheet *ws, const struct inventory *inv, const struct fmt *f)
{
	static const char *const scope_labels[] = { "範疇一（直接排放）", "範疇二（能源間接排放）" };
	char title[200];
	lxw_row_t r = 2;

	snprintf(title, sizeof(title), "%s 政府機關溫室氣體盤查清冊　民國 %d 年（%d）", inv->county_name, inv->year - 1911, inv->year);
	worksheet_write_string(ws, 0, 0, title, f->title);
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 3, 20, NULL);
	static const struct { const char *label; size_t off; } totals[] = {
		{ "排放總量(KgCO₂e)", offsetof(struct inventory, total) },
		{ "機關填報(KgCO₂e)", offsetof(struct inventory, agencies_total) },
		{ "非機關單位活動(KgCO₂e)", offsetof(struct inventory, nonagency_total) },
		{ "委外操作(KgCO₂e，不納入總量)", offsetof(struct inventory, outsourced) },
		{ "碳吸收(KgCO₂e，另列)", offsetof(struct inventory, removals) },
	};
	for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++, r++) {
		worksheet_write_string(ws, r, 0, totals[i].label, f->head);
		worksheet_write_number(ws, r, 1, kg(*(const long long *)((const char *)inv + totals[i].off)), f->num);
	}
	r = filing_counts(ws, r, inv, f) + 1;
	static const char *const cols[] = { "排放類別", "機關填報(KgCO₂e)", "非機關單位活動(KgCO₂e)", "合計(KgCO₂e)" };
	heads(ws, r++, cols, 4, f->head);
	for (int c = 0; c < INV_CAT__MAX; c++, r++) {
		worksheet_write_string(ws, r, 0, inv_category_labels[c], NULL);
		worksheet_write_number(ws, r, 1, kg(inv->agencies_by_category[c]), f->num);
		worksheet_write_number(ws, r, 2, kg(inv->nonagency_by_category[c]), f->num);
		worksheet_write_number(ws, r, 3, kg(inv->by_category[c]), f->num);
	}
	r++;
	for (int s = 1; s <= 2; s++, r++) {
		worksheet_write_string(ws, r, 0, scope_labels[s - 1], f->head);
		worksheet_write_number(ws, r, 1, kg(inv->by_scope[s]), f->num);
	}
}

/* The heading of the column that states the version an agency's figures come from. */
#define VERSION_HEAD "數據版本（已確認：第 n 版；未確認：最新存檔資料）"

/* An agency's state and the version its figures come from, in columns status_col and version_col of row r. */
static void state_cells(lxw_worksheet *ws, lxw_row_t r, int status_col, int version_col, const struct store_inventory_state *st)
{
	char v[64];

	worksheet_write_string(ws, r, (lxw_col_t)status_col, report_status_text(st->status, st->returned), NULL);
	worksheet_write_string(ws, r, (lxw_col_t)version_col,
			       export_version_text(v, sizeof(v), st->status, st->confirmed_version, st->last_version), NULL);
}

/* A chunk of rows being written: the sheet, its next row, and what the chunk saw. */
struct sheet_rows {
	lxw_worksheet *ws;
	const struct fmt *f;
	lxw_row_t r;
	long long last;   /* the last agency id written */
	int rows;         /* rows in this chunk */
	int agencies;     /* agencies seen in all */
};

static const char *item_label(const char *item)
{
	for (int i = 0; i < CALC__MAX; i++)
		if (!strcmp(calc_items[i].key, item))
			return calc_items[i].label;
	return item;
}

static int line_row(void *ctx, const struct store_inventory_line *l)
{
	struct sheet_rows *s = ctx;
	lxw_worksheet *ws = s->ws;
	lxw_row_t r = s->r++;

	s->rows++;
	if (l->agency != s->last)
		s->agencies++;
	s->last = l->agency;
	worksheet_write_string(ws, r, 0, l->code, NULL);
	worksheet_write_string(ws, r, 1, l->name, NULL);
	worksheet_write_number(ws, r, 2, (double)l->level, NULL);
	worksheet_write_string(ws, r, 3, l->parent_code, NULL);
	state_cells(ws, r, 4, 13, &l->state);
	if (!l->has_line)
		return 0;
	worksheet_write_string(ws, r, 5, !strcmp(l->part, "own") ? "自有" : "委外", NULL);
	worksheet_write_string(ws, r, 6, item_label(l->item), NULL);
	worksheet_write_number(ws, r, 7, kg(l->quantity_milli), s->f->num);
	worksheet_write_string(ws, r, 8, l->factor_text, NULL);
	worksheet_write_string(ws, r, 9, l->gwp_set, NULL);
	worksheet_write_string(ws, r, 10, l->method, NULL);
	worksheet_write_string(ws, r, 11, l->sources, NULL);
	worksheet_write_number(ws, r, 12, kg(l->kg_milli), s->f->num);
	return 0;
}

/* Every agency and every line of its report, CHUNK agencies at a time. */
static int agency_lines(struct job_ctx *ctx, long long id, lxw_worksheet *ws, int county, int year, const struct fmt *f,
			int n_agencies)
{
	static const char *const cols[] = { "機關代碼", "機關單位名稱", "層級", "上級機關代碼", "登錄狀況", "部分", "項目",
		"數量", "係數(kgCO₂e/單位)", "GWP 版本", "方法", "來源", "排放量(KgCO₂e)", VERSION_HEAD };
	struct sheet_rows s = { .ws = ws, .f = f, .r = 1 };

	heads(ws, 0, cols, 14, f->head);
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 1, 30, NULL);
	worksheet_set_column(ws, 6, 6, 22, NULL);
	worksheet_set_column(ws, 10, 11, 40, NULL);
	worksheet_set_column(ws, 12, 12, 18, NULL);
	worksheet_set_column(ws, 13, 13, 24, NULL);
	for (;;) {
		long long after = s.last;

		s.rows = 0;
		if (store_inventory_each_line(ctx->db, county, year, after, CHUNK, line_row, &s))
			return -1;
		if (!s.rows)
			break;
		export_progress(ctx, id, 10 + (n_agencies ? 60 * s.agencies / n_agencies : 0));
	}
	return 0;
}

static int activity_row(void *ctx, const struct store_activity_workbook_row *a)
{
	struct sheet_rows *s = ctx;
	lxw_worksheet *ws = s->ws;
	lxw_row_t r = s->r++;
	const struct na_method *m = na_method_get(a->method);
	const char *text[] = { a->description, a->note, a->quantity, a->unit, a->quantity2, a->options, a->factor_text,
		a->gwp_set, a->method_text, a->sources, a->override_reason };

	worksheet_write_string(ws, r, 0, a->category >= 0 && a->category < INV_CAT__MAX ? inv_category_labels[a->category] : "", NULL);
	worksheet_write_string(ws, r, 1, m ? m->label : a->method, NULL);
	for (int c = 0; c < (int)(sizeof(text) / sizeof(text[0])); c++)
		worksheet_write_string(ws, r, (lxw_col_t)(2 + c), text[c], NULL);
	worksheet_write_number(ws, r, 13, kg(a->kg_milli), s->f->num);
	return 0;
}

static int nonagency_lines(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, const struct fmt *f)
{
	static const char *const cols[] = { "排放類別", "活動", "說明", "資料說明與來源", "數量", "單位", "第二數量", "選項",
		"係數(kgCO₂e/單位)", "GWP 版本", "方法", "來源", "自訂係數理由", "排放量(KgCO₂e)" };
	struct sheet_rows s = { .ws = ws, .f = f, .r = 1 };

	heads(ws, 0, cols, 14, f->head);
	worksheet_set_column(ws, 1, 3, 24, NULL);
	worksheet_set_column(ws, 10, 11, 40, NULL);
	return store_activity_each_workbook_row(ctx->db, county, year, activity_row, &s) ? -1 : 0;
}

static int filing_row(void *ctx, const struct store_inventory_filing *a)
{
	struct sheet_rows *s = ctx;
	lxw_worksheet *ws = s->ws;
	lxw_row_t r = s->r++;

	s->rows++;
	s->last = a->agency;
	worksheet_write_string(ws, r, 0, a->code, NULL);
	worksheet_write_string(ws, r, 1, a->name, NULL);
	worksheet_write_number(ws, r, 2, (double)a->level, NULL);
	worksheet_write_string(ws, r, 3, a->parent_name, NULL);
	state_cells(ws, r, 4, 10, &a->state);
	worksheet_write_string(ws, r, 5, a->contact_name, NULL);
	worksheet_write_string(ws, r, 6, a->contact_phone, NULL);
	worksheet_write_string(ws, r, 7, a->contact_email, NULL);
	worksheet_write_number(ws, r, 8, kg(a->own_milli), s->f->num);
	worksheet_write_number(ws, r, 9, kg(a->outsourced_milli), s->f->num);
	return 0;
}

static int filing(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, const struct fmt *f)
{
	static const char *const cols[] = { "機關代碼", "機關單位名稱", "層級", "上級機關", "登錄狀況", "聯絡人", "連絡電話", "Email",
		"本身排放量(KgCO₂e)", "委外(KgCO₂e)", VERSION_HEAD };
	struct sheet_rows s = { .ws = ws, .f = f, .r = 1 };

	heads(ws, 0, cols, 11, f->head);
	worksheet_set_column(ws, 1, 1, 30, NULL);
	worksheet_set_column(ws, 3, 3, 24, NULL);
	worksheet_set_column(ws, 5, 9, 16, NULL);
	worksheet_set_column(ws, 10, 10, 24, NULL);
	do {
		s.rows = 0;
		if (store_inventory_each_filing(ctx->db, county, year, s.last, CHUNK, filing_row, &s))
			return -1;
	} while (s.rows == CHUNK);
	return 0;
}

static int factor_row(void *ctx, const struct store_factor_text *row)
{
	struct sheet_rows *s = ctx;

	for (int c = 0; c < 10; c++)
		worksheet_write_string(s->ws, s->r, (lxw_col_t)c, row->col[c], NULL);
	s->r++;
	return 0;
}

/* The factors in force for the year (the table the lines were computed from). */
static int factors_used(struct job_ctx *ctx, lxw_worksheet *ws, int year, const struct fmt *f)
{
	static const char *const cols[] = { "係數代碼", "類別", "範疇", "氣體", "單位", "數值", "適用起年", "適用迄年", "來源", "可信度" };
	struct sheet_rows s = { .ws = ws, .f = f, .r = 1 };

	heads(ws, 0, cols, 10, f->head);
	worksheet_set_column(ws, 0, 0, 40, NULL);
	worksheet_set_column(ws, 8, 8, 60, NULL);
	return store_factor_each_in_force(ctx->db, year, factor_row, &s) ? -1 : 0;
}

/* The inventory of the county-year; 0, or an export status: -2 (the database) or -1 (sums beyond the bounds). */
static int load(struct job_ctx *ctx, lxw_workbook *wb, int county, int year, struct inventory *inv, char *err, size_t errlen)
{
	int rc = inventory_load(ctx->db, county, year, inv);

	if (!rc)
		return 0;
	if (rc != INVENTORY_RANGE)
		return export_dberr(wb, err, errlen);
	/* Never a workbook of wrapped figures: the job fails with the reason. */
	workbook_close(wb);
	snprintf(err, errlen, "合計超出系統可計算的範圍（資料庫中有超出上限的資料），無法產製；請聯絡系統管理者");
	return -1;
}

int build_inventory_detail(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen)
{
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	struct inventory inv;
	struct fmt f;
	int rc;

	if (!wb)
		return -1;
	formats(wb, &f);
	if ((rc = load(ctx, wb, county, year, &inv, err, errlen)))
		return rc;
	summary(workbook_add_worksheet(wb, "摘要"), &inv, &f);
	export_progress(ctx, id, 10);
	if (agency_lines(ctx, id, workbook_add_worksheet(wb, "機關排放明細"), county, year, &f, inv.n_agencies))
		goto dberr;
	if (nonagency_lines(ctx, workbook_add_worksheet(wb, "非機關單位活動"), county, year, &f))
		goto dberr;
	export_progress(ctx, id, 75);
	if (filing(ctx, workbook_add_worksheet(wb, "填報情形"), county, year, &f))
		goto dberr;
	export_progress(ctx, id, 90);
	if (factors_used(ctx, workbook_add_worksheet(wb, "使用係數"), year, &f))
		goto dberr;
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

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
	const struct fmt *f;
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
	worksheet_write_number(c->data, (lxw_row_t)c->r, 1, kg(milli), c->f->num);
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
		state_cells(c->data, (lxw_row_t)c->r, 2, 3, &inv->top[i].state);
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

int build_inventory_charts(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen)
{
	/* Charts need the data in memory: the tables here are small (categories, levels, top 20, years). */
	lxw_workbook *wb = export_open(path, 0, err, errlen);
	struct inventory inv;
	struct fmt f;
	struct charts c = { .f = &f };
	int r;
	char title[200];

	if (!wb)
		return -1;
	formats(wb, &f);
	if ((r = load(ctx, wb, county, year, &inv, err, errlen)))
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
	export_progress(ctx, id, 80);
	return export_close(wb, err, errlen);
}

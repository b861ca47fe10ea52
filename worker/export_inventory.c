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
	worksheet_write_string(ws, r, 0, "機關數／已登錄／已登錄完成", f->head);
	worksheet_write_number(ws, r, 1, inv->n_agencies, NULL);
	worksheet_write_number(ws, r, 2, inv->n_reported, NULL);
	worksheet_write_number(ws, r, 3, inv->n_complete, NULL);
	r += 2;
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

static const char *status_of(int s)
{
	return s == 2 ? "已登錄完成" : s == 1 ? "登錄中" : "未登錄";
}

/* Every agency and every line of its report, CHUNK agencies at a time. */
static int agency_lines(struct job_ctx *ctx, long long id, lxw_worksheet *ws, int county, int year, const struct fmt *f,
			int n_agencies)
{
	static const char *const cols[] = { "機關代碼", "機關單位名稱", "層級", "上級機關代碼", "登錄狀況", "部分", "項目",
		"數量", "係數(kgCO₂e/單位)", "GWP 版本", "方法", "來源", "排放量(KgCO₂e)" };
	long long after = 0;
	lxw_row_t r = 1;
	int done = 0;

	heads(ws, 0, cols, 13, f->head);
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 1, 30, NULL);
	worksheet_set_column(ws, 6, 6, 22, NULL);
	worksheet_set_column(ws, 10, 11, 40, NULL);
	worksheet_set_column(ws, 12, 12, 18, NULL);
	for (;;) {
		struct db_stmt *st = db_prepare(ctx->db,
			"SELECT a.id, a.code, a.name, a.level, IFNULL(p.code, ''), IF(r.id IS NULL, 0, IF(r.confirmed, 2, 1)),"
			" IFNULL(l.part, ''), IFNULL(l.item, ''), IFNULL(l.quantity_milli, 0), IFNULL(l.factor_text, ''),"
			" IFNULL(l.gwp_set, ''), IFNULL(l.method, ''), IFNULL(l.sources, ''), IFNULL(l.kg_milli, 0), l.report_id IS NULL"
			" FROM (SELECT id FROM agencies WHERE county_id = ? AND active = 1 AND id > ? ORDER BY id LIMIT ?) ch"
			" JOIN agencies a ON a.id = ch.id LEFT JOIN agencies p ON p.id = a.parent_id"
			" LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
			" LEFT JOIN report_lines l ON l.report_id = r.id"
			" ORDER BY a.id, l.part DESC, l.item, l.seq");
		long long last = after;
		int rows = 0;

		if (!st)
			return -1;
		db_bind_int(st, 0, county);
		db_bind_int(st, 1, after);
		db_bind_int(st, 2, CHUNK);
		db_bind_int(st, 3, year);
		if (db_exec(st))
			return -1;
		while (db_step(st) == 1) {
			long long aid = db_col_int(st, 0);

			rows++;
			if (aid != last)
				done++;
			last = aid;
			worksheet_write_string(ws, r, 0, db_col_text(st, 1, NULL), NULL);
			worksheet_write_string(ws, r, 1, db_col_text(st, 2, NULL), NULL);
			worksheet_write_number(ws, r, 2, (double)db_col_int(st, 3), NULL);
			worksheet_write_string(ws, r, 3, db_col_text(st, 4, NULL), NULL);
			worksheet_write_string(ws, r, 4, status_of((int)db_col_int(st, 5)), NULL);
			if (!db_col_int(st, 14)) {
				const char *item = db_col_text(st, 7, NULL);
				const char *label = item;

				for (int i = 0; i < CALC__MAX; i++)
					if (!strcmp(calc_items[i].key, item))
						label = calc_items[i].label;
				worksheet_write_string(ws, r, 5, !strcmp(db_col_text(st, 6, NULL), "own") ? "自有" : "委外", NULL);
				worksheet_write_string(ws, r, 6, label, NULL);
				worksheet_write_number(ws, r, 7, kg(db_col_int(st, 8)), f->num);
				worksheet_write_string(ws, r, 8, db_col_text(st, 9, NULL), NULL);
				worksheet_write_string(ws, r, 9, db_col_text(st, 10, NULL), NULL);
				worksheet_write_string(ws, r, 10, db_col_text(st, 11, NULL), NULL);
				worksheet_write_string(ws, r, 11, db_col_text(st, 12, NULL), NULL);
				worksheet_write_number(ws, r, 12, kg(db_col_int(st, 13)), f->num);
			}
			r++;
		}
		if (!rows)
			break;
		after = last;
		export_progress(ctx, id, 10 + (n_agencies ? 60 * done / n_agencies : 0));
	}
	return 0;
}

static int nonagency_lines(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, const struct fmt *f)
{
	static const char *const cols[] = { "排放類別", "活動", "說明", "資料說明與來源", "數量", "單位", "第二數量", "選項",
		"係數(kgCO₂e/單位)", "GWP 版本", "方法", "來源", "自訂係數理由", "排放量(KgCO₂e)" };
	struct db_stmt *st = db_prepare(ctx->db,
		"SELECT category, method, description, note, quantity, unit_text, IFNULL(quantity2, ''),"
		" CONCAT_WS(' / ', opt1, opt2, opt3), factor_text, gwp_set, method_text, sources, IFNULL(override_reason, ''), kg_milli"
		" FROM county_activities WHERE county_id = ? AND year = ? ORDER BY category, method, id");
	lxw_row_t r = 1;

	heads(ws, 0, cols, 14, f->head);
	worksheet_set_column(ws, 1, 3, 24, NULL);
	worksheet_set_column(ws, 10, 11, 40, NULL);
	if (!st || (db_bind_int(st, 0, county), db_bind_int(st, 1, year), db_exec(st)))
		return -1;
	while (db_step(st) == 1) {
		int cat = (int)db_col_int(st, 0);
		const struct na_method *m = na_method_get(db_col_text(st, 1, NULL));

		worksheet_write_string(ws, r, 0, cat >= 0 && cat < INV_CAT__MAX ? inv_category_labels[cat] : "", NULL);
		worksheet_write_string(ws, r, 1, m ? m->label : db_col_text(st, 1, NULL), NULL);
		worksheet_write_string(ws, r, 2, db_col_text(st, 2, NULL), NULL);
		worksheet_write_string(ws, r, 3, db_col_text(st, 3, NULL), NULL);
		worksheet_write_string(ws, r, 4, db_col_text(st, 4, NULL), NULL);
		worksheet_write_string(ws, r, 5, db_col_text(st, 5, NULL), NULL);
		worksheet_write_string(ws, r, 6, db_col_text(st, 6, NULL), NULL);
		worksheet_write_string(ws, r, 7, db_col_text(st, 7, NULL), NULL);
		worksheet_write_string(ws, r, 8, db_col_text(st, 8, NULL), NULL);
		worksheet_write_string(ws, r, 9, db_col_text(st, 9, NULL), NULL);
		worksheet_write_string(ws, r, 10, db_col_text(st, 10, NULL), NULL);
		worksheet_write_string(ws, r, 11, db_col_text(st, 11, NULL), NULL);
		worksheet_write_string(ws, r, 12, db_col_text(st, 12, NULL), NULL);
		worksheet_write_number(ws, r, 13, kg(db_col_int(st, 13)), f->num);
		r++;
	}
	return 0;
}

static int filing(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, const struct fmt *f)
{
	static const char *const cols[] = { "機關代碼", "機關單位名稱", "層級", "上級機關", "登錄狀況", "聯絡人", "連絡電話", "Email",
		"本身排放量(KgCO₂e)", "委外(KgCO₂e)" };
	long long after = 0;
	lxw_row_t r = 1;

	heads(ws, 0, cols, 10, f->head);
	worksheet_set_column(ws, 1, 1, 30, NULL);
	worksheet_set_column(ws, 3, 3, 24, NULL);
	worksheet_set_column(ws, 5, 9, 16, NULL);
	for (;;) {
		struct db_stmt *st = db_prepare(ctx->db,
			"SELECT a.id, a.code, a.name, a.level, IFNULL(p.name, ''), IF(r.id IS NULL, 0, IF(r.confirmed, 2, 1)),"
			" IFNULL(a.contact_name, ''), IFNULL(a.contact_phone, ''), IFNULL(a.contact_email, ''),"
			" IFNULL(r.own_total_milli, 0), IFNULL(r.outsourced_total_milli, 0)"
			" FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
			" WHERE a.county_id = ? AND a.active = 1 AND a.id > ? ORDER BY a.id LIMIT ?");
		int rows = 0;

		if (!st || (db_bind_int(st, 0, year), db_bind_int(st, 1, county), db_bind_int(st, 2, after), db_bind_int(st, 3, CHUNK),
			    db_exec(st)))
			return -1;
		while (db_step(st) == 1) {
			rows++;
			after = db_col_int(st, 0);
			worksheet_write_string(ws, r, 0, db_col_text(st, 1, NULL), NULL);
			worksheet_write_string(ws, r, 1, db_col_text(st, 2, NULL), NULL);
			worksheet_write_number(ws, r, 2, (double)db_col_int(st, 3), NULL);
			worksheet_write_string(ws, r, 3, db_col_text(st, 4, NULL), NULL);
			worksheet_write_string(ws, r, 4, status_of((int)db_col_int(st, 5)), NULL);
			worksheet_write_string(ws, r, 5, db_col_text(st, 6, NULL), NULL);
			worksheet_write_string(ws, r, 6, db_col_text(st, 7, NULL), NULL);
			worksheet_write_string(ws, r, 7, db_col_text(st, 8, NULL), NULL);
			worksheet_write_number(ws, r, 8, kg(db_col_int(st, 9)), f->num);
			worksheet_write_number(ws, r, 9, kg(db_col_int(st, 10)), f->num);
			r++;
		}
		if (rows < CHUNK)
			break;
	}
	return 0;
}

/* The factors in force for the year (the table the lines were computed from). */
static int factors_used(struct job_ctx *ctx, lxw_worksheet *ws, int year, const struct fmt *f)
{
	static const char *const cols[] = { "係數代碼", "類別", "範疇", "氣體", "單位", "數值", "適用起年", "適用迄年", "來源", "可信度" };
	struct db_stmt *st = db_prepare(ctx->db,
		"SELECT fkey, category, IFNULL(scope, ''), IFNULL(gas, ''), unit, value, IFNULL(valid_from, ''), IFNULL(valid_to, ''),"
		" source, confidence FROM factors WHERE (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?)"
		" ORDER BY category, fkey");
	lxw_row_t r = 1;

	heads(ws, 0, cols, 10, f->head);
	worksheet_set_column(ws, 0, 0, 40, NULL);
	worksheet_set_column(ws, 8, 8, 60, NULL);
	if (!st || (db_bind_int(st, 0, year), db_bind_int(st, 1, year), db_exec(st)))
		return -1;
	while (db_step(st) == 1) {
		for (int c = 0; c < 10; c++)
			worksheet_write_string(ws, r, (lxw_col_t)c, db_col_text(st, c, NULL), NULL);
		r++;
	}
	return 0;
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

int build_inventory_charts(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen)
{
	/* Charts need the data in memory: the tables here are small (categories, levels, top 20, years). */
	lxw_workbook *wb = export_open(path, 0, err, errlen);
	static const char *const scope_labels[] = { "範疇一", "範疇二" };
	static const char *const level_labels[] = { "", "一級機關", "二級機關", "三級機關", "四級機關", "五級機關", "六級以下機關" };
	struct inventory inv;
	struct fmt f;
	lxw_worksheet *ch, *data;
	int r, first;
	char title[200];

	if (!wb)
		return -1;
	formats(wb, &f);
	if ((r = load(ctx, wb, county, year, &inv, err, errlen)))
		return r;
	export_progress(ctx, id, 40);
	ch = workbook_add_worksheet(wb, "圖表");
	data = workbook_add_worksheet(wb, "資料");
	snprintf(title, sizeof(title), "%s 政府機關溫室氣體盤查　民國 %d 年（%d）（單位：KgCO₂e）", inv.county_name, year - 1911, year);
	worksheet_write_string(ch, 0, 0, title, f.title);
	worksheet_set_column(data, 0, 0, 30, NULL);
	worksheet_set_column(data, 1, 1, 20, NULL);

	/* 資料: five small tables, one under the other; each chart points at its own. */
	r = 0;
	worksheet_write_string(data, (lxw_row_t)r++, 0, "依排放類別", f.head);
	first = r;
	for (int c = 0; c < INV_CAT__MAX; c++, r++) {
		worksheet_write_string(data, (lxw_row_t)r, 0, inv_category_labels[c], NULL);
		worksheet_write_number(data, (lxw_row_t)r, 1, kg(inv.by_category[c]), f.num);
	}
	worksheet_insert_chart(ch, 2, 0, chart(wb, LXW_CHART_BAR, "依排放類別", "資料", first, r - 1, 1));
	r++;
	worksheet_write_string(data, (lxw_row_t)r++, 0, "依範疇", f.head);
	first = r;
	for (int s = 1; s <= 2; s++, r++) {
		worksheet_write_string(data, (lxw_row_t)r, 0, scope_labels[s - 1], NULL);
		worksheet_write_number(data, (lxw_row_t)r, 1, kg(inv.by_scope[s]), f.num);
	}
	worksheet_insert_chart(ch, 2, 9, chart(wb, LXW_CHART_PIE, "依範疇", "資料", first, r - 1, 1));
	r++;
	worksheet_write_string(data, (lxw_row_t)r++, 0, "依機關層級", f.head);
	first = r;
	for (int lv = 1; lv <= INV_LEVELS; lv++) {
		if (!inv.by_level[lv] && lv > 3)
			continue;
		worksheet_write_string(data, (lxw_row_t)r, 0, level_labels[lv], NULL);
		worksheet_write_number(data, (lxw_row_t)r, 1, kg(inv.by_level[lv]), f.num);
		r++;
	}
	worksheet_insert_chart(ch, 18, 0, chart(wb, LXW_CHART_COLUMN, "依機關層級", "資料", first, r - 1, 1));
	r++;
	worksheet_write_string(data, (lxw_row_t)r++, 0, "排放量前 20 大機關", f.head);
	first = r;
	for (int i = 0; i < inv.ntop; i++, r++) {
		worksheet_write_string(data, (lxw_row_t)r, 0, inv.top[i].name, NULL);
		worksheet_write_number(data, (lxw_row_t)r, 1, kg(inv.top[i].milli), f.num);
	}
	if (inv.ntop)
		worksheet_insert_chart(ch, 18, 9, chart(wb, LXW_CHART_BAR, "排放量前 20 大機關", "資料", first, r - 1, 1));
	else
		worksheet_write_string(data, (lxw_row_t)r++, 0, "本年度尚無機關填報排放量", NULL);
	r++;
	worksheet_write_string(data, (lxw_row_t)r++, 0, "歷年趨勢", f.head);
	first = r;
	for (int i = 0; i < INV_YEARS; i++) {
		char y[32];

		if (!inv.trend_has[i])
			continue;
		snprintf(y, sizeof(y), "民國 %d 年", INV_YEAR_FIRST + i - 1911);
		worksheet_write_string(data, (lxw_row_t)r, 0, y, NULL);
		worksheet_write_number(data, (lxw_row_t)r, 1, kg(inv.trend[i]), f.num);
		r++;
	}
	if (r > first)
		worksheet_insert_chart(ch, 34, 0, chart(wb, LXW_CHART_LINE, "歷年趨勢", "資料", first, r - 1, 1));
	export_progress(ctx, id, 80);
	return export_close(wb, err, errlen);
}

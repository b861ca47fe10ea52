/* export_inventory.c: the county inventory's 轉出明細 (轉出圖表: export_charts.c), built by the
 * worker with libxlsxwriter in constant-memory mode, agencies read in bounded chunks. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "inventory_data.h"
#include "export.h"
#include "export_inventory.h"
#include "export_prefetch.h"
#include "jobs.h"
#include "quality.h"
#include "report_status.h"
#include "store_inventory.h"
#include "strbuf.h"
#include "util.h"

/*
 * DESIGN: every number written is a stored figure (the same sums as the
 * 盤查清冊 page, from inventory_load(), and the stored lines), so the
 * workbook and the page cannot disagree.  Text is written as strings, never
 * as formulas, so a name such as "=HYPERLINK(...)" stays text.  The detail
 * and filing sheets read agencies CHUNK at a time by id (keyset), on a
 * thread of their own ahead of the writing (export_prefetch.h), so memory
 * stays bounded for a county of thousands of agencies; constant-memory mode
 * writes each row to disk as it goes.
 */

#define CHUNK 400

void xinv_formats(lxw_workbook *wb, struct xinv_fmt *f)
{
	f->head = export_head_format(wb);
	f->num = workbook_add_format(wb);
	format_set_num_format(f->num, "#,##0.000");
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
}

double xinv_kg(long long milli)
{
	return (double)milli / 1000.0;
}

/* The figures as the pages write them (two decimals, three; web/inventory.c): "8.46", "±7.159 %", "71.87 %". */
void xinv_grade_cells(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int has, int has_grade, long long hundredths, int cls)
{
	char b[32];

	if (!has) {
		worksheet_write_string(ws, r, c, "尚未計算", NULL);
		return;
	}
	if (!has_grade) {
		worksheet_write_string(ws, r, c, "—", NULL);
		return;
	}
	quality_grade_text(hundredths, b, sizeof(b));
	worksheet_write_string(ws, r, c, b, NULL);
	worksheet_write_string(ws, r, c + 1, quality_class_label(cls), NULL);
}

void xinv_interval_cells(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int has, int assessed, int lower, int upper, int bp)
{
	struct quality_uncertainty u = { assessed, { lower, upper }, bp };
	char b[64];

	if (!has)
		return;
	quality_interval_text(&u, b, sizeof(b));
	worksheet_write_string(ws, r, c, b, NULL);
	if (assessed) {
		snprintf(b, sizeof(b), "%d.%02d %%", bp / 100, bp % 100);
		worksheet_write_string(ws, r, c + 1, b, NULL);
	}
}

void xinv_heads(lxw_worksheet *ws, lxw_row_t row, const char *const *cols, int n, lxw_format *f)
{
	for (int c = 0; c < n; c++)
		worksheet_write_string(ws, row, (lxw_col_t)c, cols[c], f);
}

/* 填報情形 on the summary sheet from row r: the agencies, by state; the row after it. */
static lxw_row_t filing_counts(lxw_worksheet *ws, lxw_row_t r, const struct inventory *inv, const struct xinv_fmt *f)
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

/*
 * Issue 13 on the summary sheet from row r (below what it held before): the
 * table by 類別 (未分類: lines saved before 類別, not guessed), the
 * 七大溫室氣體 table (未分氣體: lines not split yet) and the county's grade
 * and uncertainty with what they cover (the non-agency lines too); each as
 * the 盤查清冊 page shows it.
 */
static void summary_quality(lxw_worksheet *ws, lxw_row_t r, const struct inventory *inv, const struct xinv_fmt *f)
{
	static const char *const iso_cols[] = { "類別（ISO 14064-1:2018）", "機關填報(KgCO₂e)", "非機關單位活動(KgCO₂e)", "合計(KgCO₂e)",
		"委外操作(KgCO₂e，範疇三，不納入總量)" };
	static const char *const gas_cols[] = { "溫室氣體", "機關填報(KgCO₂e)", "非機關單位活動(KgCO₂e)", "合計(KgCO₂e)" };
	const struct store_county_quality *q = &inv->quality;

	xinv_heads(ws, r++, iso_cols, 5, f->head);
	for (int k = 1; k <= CALC_ISO_MAX + 1; k++) {
		int i = k % (CALC_ISO_MAX + 1);

		if (!i && !inv->by_iso[0] && !inv->outsourced_by_iso[0])
			continue;
		worksheet_write_string(ws, r, 0, i ? calc_iso_labels[i] : "未分類（類別欄位啟用前存檔之明細）", NULL);
		worksheet_write_number(ws, r, 1, xinv_kg(inv->agencies_by_iso[i]), f->num);
		worksheet_write_number(ws, r, 2, xinv_kg(inv->nonagency_by_iso[i]), f->num);
		worksheet_write_number(ws, r, 3, xinv_kg(inv->by_iso[i]), f->num);
		worksheet_write_number(ws, r++, 4, xinv_kg(inv->outsourced_by_iso[i]), f->num);
	}
	r++;
	xinv_heads(ws, r++, gas_cols, 4, f->head);
	for (int g = 0; g <= CALC_GAS__MAX; g++) {
		if (g == CALC_GAS__MAX && !inv->by_gas[g])
			continue;
		worksheet_write_string(ws, r, 0, g < CALC_GAS__MAX ? calc_gas_labels[g] : "未分氣體（尚未依氣體拆分之明細）", NULL);
		worksheet_write_number(ws, r, 1, xinv_kg(inv->agencies_by_gas[g]), f->num);
		worksheet_write_number(ws, r, 2, xinv_kg(inv->nonagency_by_gas[g]), f->num);
		worksheet_write_number(ws, r++, 3, xinv_kg(inv->by_gas[g]), f->num);
	}
	worksheet_write_string(ws, r, 0, "合計", f->head);
	worksheet_write_number(ws, r, 1, xinv_kg(inv->agencies_total), f->num);
	worksheet_write_number(ws, r, 2, xinv_kg(inv->nonagency_total), f->num);
	worksheet_write_number(ws, r++, 3, xinv_kg(inv->total), f->num);
	r++;
	worksheet_write_string(ws, r, 0, "數據品質等級", f->head);
	xinv_grade_cells(ws, r++, 1, q->has, q->has_grade, q->grade_hundredths, q->grade);
	worksheet_write_string(ws, r, 0, "不確定性（95% 信賴區間）／已評估排放量占比", f->head);
	xinv_interval_cells(ws, r++, 1, q->has, q->assessed, q->lower_milli, q->upper_milli, q->assessed_bp);
	worksheet_write_string(ws, r, 0, "數據品質涵蓋範圍", f->head);
	worksheet_write_string(ws, r++, 1, QUALITY_COUNTY_COVERS, NULL);
	if (q->has && q->uncovered_lines) {
		char b[160];

		snprintf(b, sizeof(b), "%d 筆明細於數據品質欄位啟用前存檔，未設定 A1–A3，未納入等級與不確定性", q->uncovered_lines);
		worksheet_write_string(ws, r, 0, "未納入等級之明細", f->head);
		worksheet_write_string(ws, r++, 1, b, NULL);
	}
	if (q->pending)
		worksheet_write_string(ws, r, 0, "計算中：數據品質等級與不確定性尚未納入最新存檔", NULL);
}

/* The summary sheet; the row after it. */
static void summary(lxw_worksheet *ws, const struct inventory *inv, const struct xinv_fmt *f)
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
		worksheet_write_number(ws, r, 1, xinv_kg(*(const long long *)((const char *)inv + totals[i].off)), f->num);
	}
	r = filing_counts(ws, r, inv, f) + 1;
	static const char *const cols[] = { "排放類別", "機關填報(KgCO₂e)", "非機關單位活動(KgCO₂e)", "合計(KgCO₂e)" };
	xinv_heads(ws, r++, cols, 4, f->head);
	for (int c = 0; c < INV_CAT__MAX; c++, r++) {
		worksheet_write_string(ws, r, 0, inv_category_labels[c], NULL);
		worksheet_write_number(ws, r, 1, xinv_kg(inv->agencies_by_category[c]), f->num);
		worksheet_write_number(ws, r, 2, xinv_kg(inv->nonagency_by_category[c]), f->num);
		worksheet_write_number(ws, r, 3, xinv_kg(inv->by_category[c]), f->num);
	}
	r++;
	for (int s = 1; s <= 2; s++, r++) {
		worksheet_write_string(ws, r, 0, scope_labels[s - 1], f->head);
		worksheet_write_number(ws, r, 1, xinv_kg(inv->by_scope[s]), f->num);
	}
	summary_quality(ws, r + 1, inv, f);
}

/* An agency's state and the version its figures come from, in columns status_col and version_col of row r. */
void xinv_state_cells(lxw_worksheet *ws, lxw_row_t r, int status_col, int version_col, const struct store_inventory_state *st)
{
	char v[64];

	worksheet_write_string(ws, r, (lxw_col_t)status_col, report_status_text(st->status, st->returned), NULL);
	worksheet_write_string(ws, r, (lxw_col_t)version_col,
			       export_version_text(v, sizeof(v), st->status, st->confirmed_version, st->last_version), NULL);
}

/* The form item of stored name `item`, or NULL. */
static const struct calc_item_info *item_info(const char *item)
{
	int i = calc_item_index(item);

	return i < 0 ? NULL : &calc_items[i];
}


/*
 * A line's 範疇, 類別, gases, A1-A3, level, activity-data interval and the
 * interval of each gas, columns 15 on.
 * A line saved before migration 0023 says so rather than guess.
 */
static void line_quality(lxw_worksheet *ws, lxw_row_t r, const struct store_inventory_line *l, const struct xinv_fmt *f)
{
	static const char *const scopes[] = { "", "範疇一", "範疇二", "範疇三" };
	int outsourced = !strcmp(l->part, "outsourced"), split = 0, level = quality_level(l->a1, l->a2, l->a3);
	struct strbuf iv = STRBUF_INIT;
	char b[64];

	worksheet_write_string(ws, r, 15, outsourced ? scopes[3] : l->scope >= 1 && l->scope <= 2 ? scopes[l->scope] : "", NULL);
	worksheet_write_string(ws, r, 16, l->iso >= 1 && l->iso <= CALC_ISO_MAX ? calc_iso_labels[l->iso] : "未分類", NULL);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		struct quality_interval u;

		if (!l->gas[g].present)
			continue;
		split = 1;
		worksheet_write_number(ws, r, (lxw_col_t)(17 + g), xinv_kg(l->gas[g].milli), f->num);
		strbuf_addf(&iv, "%s%s ", iv.len ? "；" : "", calc_gas_labels[g]);
		if (l->ad_lower < 0 || l->ad_upper < 0 || l->gas[g].ef_lower < 0 || l->gas[g].ef_upper < 0 ||
		    quality_gas_interval((struct quality_interval){ l->ad_lower, l->ad_upper },
					 (struct quality_interval){ l->gas[g].ef_lower, l->gas[g].ef_upper }, &u)) {
			strbuf_addstr(&iv, "未評估");
		} else {
			struct quality_uncertainty q = { 1, u, 10000 };

			quality_interval_text(&q, b, sizeof(b));
			strbuf_addstr(&iv, b);
		}
	}
	if (!split)
		worksheet_write_number(ws, r, 24, xinv_kg(l->kg_milli), f->num);
	if (level) {
		worksheet_write_number(ws, r, 25, l->a1, NULL);
		worksheet_write_number(ws, r, 26, l->a2, NULL);
		worksheet_write_number(ws, r, 27, l->a3, NULL);
		worksheet_write_number(ws, r, 28, level, NULL);
		worksheet_write_number(ws, r, 29, quality_score(level), NULL);
	} else {
		worksheet_write_string(ws, r, 25, "未設定（數據品質欄位啟用前存檔）", NULL);
	}
	if (l->ad_lower >= 0 && l->ad_upper >= 0) {
		struct quality_uncertainty q = { 1, { l->ad_lower, l->ad_upper }, 10000 };

		quality_interval_text(&q, b, sizeof(b));
		worksheet_write_string(ws, r, 30, b, NULL);
	}
	worksheet_write_string(ws, r, 31, iv.len ? iv.buf : "", NULL);
	strbuf_release(&iv);
}

static void line_row(struct sheet_rows *s, const struct store_inventory_line *l)
{
	lxw_worksheet *ws = s->ws;
	lxw_row_t r = s->r++;
	const struct calc_item_info *it;

	if (l->agency != s->last)
		s->agencies++;
	s->last = l->agency;
	worksheet_write_string(ws, r, 0, l->code, NULL);
	worksheet_write_string(ws, r, 1, l->name, NULL);
	worksheet_write_number(ws, r, 2, (double)l->level, NULL);
	worksheet_write_string(ws, r, 3, l->parent_code, NULL);
	xinv_state_cells(ws, r, 4, 14, &l->state);
	if (!l->has_line)
		return;
	it = item_info(l->item);
	worksheet_write_string(ws, r, 5, !strcmp(l->part, "own") ? "自有" : "委外", NULL);
	worksheet_write_string(ws, r, 6, it ? it->label : l->item, NULL);
	worksheet_write_number(ws, r, 7, xinv_kg(l->quantity_milli), s->f->num);
	worksheet_write_string(ws, r, 8, it ? it->unit : "", NULL);
	worksheet_write_string(ws, r, 9, l->factor_text, NULL);
	worksheet_write_string(ws, r, 10, l->gwp_set, NULL);
	worksheet_write_string(ws, r, 11, l->method, NULL);
	worksheet_write_string(ws, r, 12, l->sources, NULL);
	worksheet_write_number(ws, r, 13, xinv_kg(l->kg_milli), s->f->num);
	line_quality(ws, r, l, s->f);
	if (s->used)
		xinv_factors_add(s->used, 0, l->part, l->item, it ? it->unit : "", l->factor_text, l->gwp_set, l->sources,
				 l->provisional, l->kg_milli);
}

/* The lines sheet as it is written: its rows, and what the progress needs. */
struct lines_out {
	struct sheet_rows s;
	struct job_ctx *ctx;
	long long id;
	struct xpf *pf;
	const struct inventory *inv;
};

/* A chunk's rows; the progress counts the agencies once the summary (*inv) says how many there are. */
static void lines_chunk(void *arg, const struct xpf_chunk *c)
{
	struct lines_out *o = arg;

	for (size_t i = 0; i < c->n; i++)
		line_row(&o->s, &c->lines.v[i]);
	if (xpf_summary_done(o->pf) && o->inv->n_agencies)
		export_progress(o->ctx, o->id, 10 + 70 * o->s.agencies / o->inv->n_agencies);
}

/* Every agency and every line of its report, as the reader hands them over (CHUNK agencies a chunk). */
static int agency_lines(struct job_ctx *ctx, long long id, lxw_worksheet *ws, struct xpf *pf, const struct xinv_fmt *f,
			const struct inventory *inv, struct xinv_factors *used)
{
	static const char *const cols[] = { "機關代碼", "機關單位名稱", "層級", "上級機關代碼", "登錄狀況", "部分", "項目",
		"數量", "單位", "係數(kgCO₂e/單位)", "GWP 版本", "方法", "來源", "排放量(KgCO₂e)", VERSION_HEAD,
		"範疇", "類別", GAS_HEADS, "A1 活動數據種類", "A2 活動數據可信度", "A3 係數種類", "誤差等級(A1×A2×A3)", "評分",
		"活動數據不確定性（95%）", "各氣體不確定性（95%）" };
	struct lines_out o = { .s = { .ws = ws, .f = f, .used = used, .r = 1 }, .ctx = ctx, .id = id, .pf = pf, .inv = inv };

	xinv_heads(ws, 0, cols, (int)(sizeof(cols) / sizeof(cols[0])), f->head);
	worksheet_set_column(ws, 17, 24, 14, NULL);
	worksheet_set_column(ws, 30, 31, 30, NULL);
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 1, 30, NULL);
	worksheet_set_column(ws, 6, 6, 22, NULL);
	worksheet_set_column(ws, 11, 12, 40, NULL);
	worksheet_set_column(ws, 13, 13, 18, NULL);
	worksheet_set_column(ws, 14, 14, 24, NULL);
	return xpf_each(pf, XPF_LINES, lines_chunk, &o);
}

static void filing_row(struct sheet_rows *s, const struct store_inventory_filing *a)
{
	lxw_worksheet *ws = s->ws;
	lxw_row_t r = s->r++;

	worksheet_write_string(ws, r, 0, a->code, NULL);
	worksheet_write_string(ws, r, 1, a->name, NULL);
	worksheet_write_number(ws, r, 2, (double)a->level, NULL);
	worksheet_write_string(ws, r, 3, a->parent_name, NULL);
	xinv_state_cells(ws, r, 4, 10, &a->state);
	worksheet_write_string(ws, r, 5, a->contact_name, NULL);
	worksheet_write_string(ws, r, 6, a->contact_phone, NULL);
	worksheet_write_string(ws, r, 7, a->contact_email, NULL);
	worksheet_write_number(ws, r, 8, xinv_kg(a->own_milli), s->f->num);
	worksheet_write_number(ws, r, 9, xinv_kg(a->outsourced_milli), s->f->num);
	xinv_grade_cells(ws, r, 11, a->own_q.has, a->own_q.has_grade, a->own_q.grade_hundredths, a->own_q.grade);
	xinv_interval_cells(ws, r, 13, a->own_q.has, a->own_q.assessed, a->own_q.lower_milli, a->own_q.upper_milli, a->own_q.assessed_bp);
	xinv_grade_cells(ws, r, 15, a->subtree_q.has, a->subtree_q.has_grade, a->subtree_q.grade_hundredths, a->subtree_q.grade);
	xinv_interval_cells(ws, r, 17, a->subtree_q.has, a->subtree_q.assessed, a->subtree_q.lower_milli, a->subtree_q.upper_milli,
		       a->subtree_q.assessed_bp);
}

static void filing_chunk(void *arg, const struct xpf_chunk *c)
{
	for (size_t i = 0; i < c->n; i++)
		filing_row(arg, &c->filing[i]);
}

static int filing(lxw_worksheet *ws, struct xpf *pf, const struct xinv_fmt *f)
{
	static const char *const cols[] = { "機關代碼", "機關單位名稱", "層級", "上級機關", "登錄狀況", "聯絡人", "連絡電話", "Email",
		"本身排放量(KgCO₂e)", "委外(KgCO₂e)", VERSION_HEAD, "本機關數據品質等級", "等級", "本機關不確定性（95%）", "已評估占比",
		"含所屬機關數據品質等級", "等級", "含所屬機關不確定性（95%）", "已評估占比" };
	struct sheet_rows s = { .ws = ws, .f = f, .r = 1 };

	xinv_heads(ws, 0, cols, (int)(sizeof(cols) / sizeof(cols[0])), f->head);
	worksheet_set_column(ws, 11, 18, 18, NULL);
	worksheet_set_column(ws, 1, 1, 30, NULL);
	worksheet_set_column(ws, 3, 3, 24, NULL);
	worksheet_set_column(ws, 5, 9, 16, NULL);
	worksheet_set_column(ws, 10, 10, 24, NULL);
	return xpf_each(pf, XPF_FILING, filing_chunk, &s);
}

/* inventory_load()'s result as an export status: 0, -2 (the database) or -1 (sums beyond the bounds). */
static int xinv_loaded(lxw_workbook *wb, int rc, char *err, size_t errlen)
{
	if (!rc)
		return 0;
	if (rc != INVENTORY_RANGE)
		return export_dberr(wb, err, errlen);
	/* Never a workbook of wrapped figures: the job fails with the reason. */
	workbook_close(wb);
	snprintf(err, errlen, "合計超出系統可計算的範圍（資料庫中有超出上限的資料），無法產製；請聯絡系統管理者");
	return -1;
}

int xinv_load(struct job_ctx *ctx, lxw_workbook *wb, int county, int year, struct inventory *inv, char *err, size_t errlen)
{
	return xinv_loaded(wb, inventory_load(ctx->db, county, year, inv), err, errlen);
}

/*
 * The sheets in the order the workbook shows them, but written in another:
 * first the two short ones (on the job's connection, while the reader
 * fetches its first chunk), then the two long ones as the reader hands them
 * over, 使用係數 from the lines written, and the summary last, its figures
 * read by the reader meanwhile (export_prefetch.h).  Constant-memory mode
 * keeps each sheet's rows in a file of its own, so a sheet may be written
 * after the ones behind it.
 */
int build_inventory_detail(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen)
{
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	struct inventory inv;
	struct xinv_fmt f;
	struct xpf *pf;
	lxw_worksheet *sum, *ws_lines, *ws_na, *ws_notes, *ws_filing, *ws_factors;
	struct xinv_factors used = { 0 };
	int rc, loaded;
	long long lock;

	if (!wb)
		return -1;
	if (store_inventory_lock(ctx->db, county, year, &lock) || !(pf = xpf_start(ctx->cfg, county, year, lock, CHUNK, &inv)))
		return export_dberr(wb, err, errlen);
	xinv_formats(wb, &f);
	sum = workbook_add_worksheet(wb, "摘要");
	ws_lines = workbook_add_worksheet(wb, "機關排放明細");
	ws_na = workbook_add_worksheet(wb, "非機關單位活動");
	ws_notes = workbook_add_worksheet(wb, "排除與註記");
	ws_filing = workbook_add_worksheet(wb, "填報情形");
	ws_factors = workbook_add_worksheet(wb, "使用係數");
	rc = xinv_nonagency_sheet(ctx, ws_na, county, year, &f, &used) || xinv_notes_sheet(ctx, ws_notes, county, year, lock, &f);
	if (!rc) {
		export_progress(ctx, id, 10);
		rc = agency_lines(ctx, id, ws_lines, pf, &f, &inv, &used);
	}
	if (!rc) {
		export_progress(ctx, id, 80);
		rc = filing(ws_filing, pf, &f);
	}
	/* Last: the factors of every line the two sheets wrote. */
	if (!rc)
		xinv_factors_sheet(ws_factors, &used, &f);
	xinv_factors_release(&used);
	loaded = rc ? 0 : xpf_summary(pf);
	xpf_stop(pf);
	if (rc)
		return export_dberr(wb, err, errlen);
	if ((rc = xinv_loaded(wb, loaded, err, errlen)))
		return rc;
	export_progress(ctx, id, 90);
	summary(sum, &inv, &f);
	return export_close(wb, err, errlen);
}

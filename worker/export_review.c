/* export_review.c: the small workbooks: the review table of a parent agency's agencies, and the
 * reminder list with the reports waiting for 確認 too long. */
#include <stddef.h>
#include <stdio.h>

#include <xlsxwriter.h>

#include "export.h"
#include "jobs.h"
#include "quality.h"
#include "report_status.h"
#include "store_county.h"
#include "store_export.h"

static double milli_to_double(long long m)
{
	return (double)m / 1000.0;
}

/* The sheet being filled row by row (the stores' callbacks). */
struct sheet_rows {
	lxw_worksheet *ws;
	lxw_format *num;
	int row, n;
};

/* The subtree's grade (two decimals) and class, uncertainty (three) and share assessed, as the review page writes them. */
static void quality_cells(lxw_worksheet *ws, lxw_row_t row, const struct store_export_review_row *r)
{
	struct quality_uncertainty u = { r->q_assessed, { r->q_lower_milli, r->q_upper_milli }, r->q_assessed_bp };
	char b[64];

	if (!r->q_has) {
		worksheet_write_string(ws, row, 8, "尚未計算", NULL);
		return;
	}
	if (r->q_has_grade) {
		quality_grade_text(r->q_grade_hundredths, b, sizeof(b));
		worksheet_write_string(ws, row, 8, b, NULL);
		worksheet_write_string(ws, row, 9, quality_class_label(r->q_grade), NULL);
	} else {
		worksheet_write_string(ws, row, 8, "—", NULL);
	}
	quality_interval_text(&u, b, sizeof(b));
	worksheet_write_string(ws, row, 10, b, NULL);
	if (u.assessed) {
		snprintf(b, sizeof(b), "%d.%02d %%", r->q_assessed_bp / 100, r->q_assessed_bp % 100);
		worksheet_write_string(ws, row, 11, b, NULL);
	}
}

static int review_row(void *ctx, const struct store_export_review_row *r)
{
	struct sheet_rows *s = ctx;
	lxw_row_t row = (lxw_row_t)s->row++;
	char version[64];

	worksheet_write_number(s->ws, row, 0, ++s->n, NULL);
	worksheet_write_string(s->ws, row, 1, r->name, NULL);
	worksheet_write_string(s->ws, row, 2, r->code, NULL);
	worksheet_write_number(s->ws, row, 3, milli_to_double(r->subtree_milli), s->num);
	worksheet_write_number(s->ws, row, 4, milli_to_double(r->outsourced_milli), s->num);
	worksheet_write_string(s->ws, row, 5, report_status_text(r->status, r->returned), NULL);
	worksheet_write_string(s->ws, row, 6, export_version_text(version, sizeof(version), r->status, r->confirmed_version,
								  r->last_version), NULL);
	worksheet_write_string(s->ws, row, 7, r->computed_at, NULL);
	quality_cells(s->ws, row, r);
	return 0;
}

/* The review table of one parent agency: what 所屬機關填報確認 shows. */
int build_review(struct job_ctx *ctx, long long id, long long agency, int year, const char *path, char *err,
		size_t errlen)
{
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	lxw_format *head;
	struct sheet_rows s = { .row = 2 };
	char title[1000], name[801];

	if (!wb)
		return -1;
	s.ws = workbook_add_worksheet(wb, "所屬機關");
	head = export_head_format(wb);
	s.num = workbook_add_format(wb);
	format_set_num_format(s.num, "#,##0.000");

	if (store_export_review_agency(ctx->db, agency, name) != 1)
		goto dberr;
	snprintf(title, sizeof(title), "%s 之所屬機關　年度：%d（民國 %d 年）", name, year, year - 1911);
	worksheet_write_string(s.ws, 0, 0, title, head);
	/* The version is the agency's own report's; the subtotal also sums its subordinates' latest saved data. */
	static const char *const cols[] = { "序號", "機關單位名稱", "機關代碼", "排放量小計(KgCO₂e)(包含所屬機關)",
		"委外操作排放量小計(KgCO₂e)不納入總量計算", "登錄狀況", "本機關數據版本（已確認：第 n 版；未確認：最新存檔資料）", "計算時間",
		"數據品質等級(包含所屬機關)", "等級", "不確定性（95%）(包含所屬機關)", "已評估排放量占比" };
	worksheet_set_column(s.ws, 8, 11, 20, NULL);
	for (int c = 0; c < 12; c++)
		worksheet_write_string(s.ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(s.ws, 0, 0, 6, NULL);
	worksheet_set_column(s.ws, 1, 1, 28, NULL);
	worksheet_set_column(s.ws, 2, 2, 14, NULL);
	worksheet_set_column(s.ws, 3, 4, 22, NULL);
	worksheet_set_column(s.ws, 5, 5, 18, NULL);
	worksheet_set_column(s.ws, 6, 6, 26, NULL);
	worksheet_set_column(s.ws, 7, 7, 18, NULL);

	/* Before the rows, not among them: no statement runs while a result is iterated (see build_passwords in export_passwords.c). */
	if (export_progress(ctx, id, 10))
		goto dberr;
	if (store_export_review_rows(ctx->db, agency, year, review_row, &s))
		goto dberr;
	if (!s.n)
		worksheet_write_string(s.ws, 2, 0, "目前並沒有下轄機關", NULL);
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

static int reminder_row(void *ctx, const struct store_export_reminder_row *r)
{
	struct sheet_rows *s = ctx;
	lxw_row_t row = (lxw_row_t)s->row++;
	const char *cells[] = { r->code, r->name, r->parent, report_status_text(r->status, r->returned), r->contact_name,
		r->contact_phone, r->contact_email };

	worksheet_write_number(s->ws, row, 0, ++s->n, NULL);
	for (int c = 0; c < 7; c++)
		worksheet_write_string(s->ws, row, (lxw_col_t)(c + 1), cells[c], NULL);
	return 0;
}

/* 催報名單: the agencies 未登錄 / 登錄中 / 登錄中（退回）, with their contacts.  0 / -1. */
static int reminders_sheet(struct job_ctx *ctx, lxw_workbook *wb, lxw_format *head, int county, int year)
{
	struct sheet_rows s = { .row = 2 };
	char title[200];

	s.ws = workbook_add_worksheet(wb, "催報名單");
	snprintf(title, sizeof(title), "民國 %d 年（%d）尚未完成登錄之機關", year - 1911, year);
	worksheet_write_string(s.ws, 0, 0, title, head);
	static const char *const cols[] = { "序號", "機關代碼", "機關單位名稱", "上級機關", "登錄狀況", "聯絡人", "連絡電話", "Email" };
	for (int c = 0; c < 8; c++)
		worksheet_write_string(s.ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(s.ws, 1, 1, 14, NULL);
	worksheet_set_column(s.ws, 2, 3, 28, NULL);
	worksheet_set_column(s.ws, 4, 7, 18, NULL);
	if (store_export_reminder_rows(ctx->db, county, year, reminder_row, &s))
		return -1;
	if (!s.n)
		worksheet_write_string(s.ws, 2, 0, "所有機關皆已登錄完成", NULL);
	return 0;
}

static int waiting_row(void *ctx, const struct store_county_waiting *w)
{
	struct sheet_rows *s = ctx;
	lxw_row_t row = (lxw_row_t)s->row++;
	const char *cells[] = { w->by_team ? "縣市盤查團隊" : w->parent_name, w->parent_login, w->contact_name, w->contact_phone,
		w->contact_email };

	worksheet_write_number(s->ws, row, 0, ++s->n, NULL);
	worksheet_write_string(s->ws, row, 1, w->code, NULL);
	worksheet_write_string(s->ws, row, 2, w->name, NULL);
	worksheet_write_number(s->ws, row, 3, (double)w->days, NULL);
	worksheet_write_string(s->ws, row, 4, w->filed_at, NULL);
	for (int c = 0; c < 5; c++)
		worksheet_write_string(s->ws, row, (lxw_col_t)(5 + c), cells[c], NULL);
	return 0;
}

/* 逾期待確認: the 已登錄完成 reports waiting for 確認 more than N days, with who confirms them (the team's overview's list).  0 / -1. */
static int waiting_sheet(struct job_ctx *ctx, lxw_workbook *wb, lxw_format *head, int county, int year)
{
	struct sheet_rows s = { .row = 2 };
	char title[300];
	int days = 0, r = store_county_confirm_within(ctx->db, county, year, &days);

	if (r < 0)
		return -1;
	s.ws = workbook_add_worksheet(wb, "逾期待確認");
	snprintf(title, sizeof(title), "民國 %d 年（%d）已登錄完成逾 %d 天（自登錄完成時起算）仍未確認之機關，等待最久者在前",
		 year - 1911, year, days);
	worksheet_write_string(s.ws, 0, 0, title, head);
	static const char *const cols[] = { "序號", "機關代碼", "機關單位名稱", "已等待天數", "登錄完成時間", "負責確認之機關", "其帳號",
		"聯絡人", "連絡電話", "Email" };
	for (int c = 0; c < 10; c++)
		worksheet_write_string(s.ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(s.ws, 1, 1, 14, NULL);
	worksheet_set_column(s.ws, 2, 2, 28, NULL);
	worksheet_set_column(s.ws, 3, 4, 16, NULL);
	worksheet_set_column(s.ws, 5, 5, 28, NULL);
	worksheet_set_column(s.ws, 6, 9, 18, NULL);
	if (r && store_county_each_waiting(ctx->db, county, year, waiting_row, &s))
		return -1;
	if (!s.n)
		worksheet_write_string(s.ws, 2, 0, "沒有逾期待確認的機關", NULL);
	return 0;
}

/* The reminder list of a county-year, and the waiting list on a second sheet. */
int build_reminders(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err,
		   size_t errlen)
{
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	lxw_format *head;

	if (!wb)
		return -1;
	head = export_head_format(wb);
	if (export_progress(ctx, id, 10))
		goto dberr;
	if (reminders_sheet(ctx, wb, head, county, year))
		goto dberr;
	if (export_progress(ctx, id, 50))
		goto dberr;
	if (waiting_sheet(ctx, wb, head, county, year))
		goto dberr;
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

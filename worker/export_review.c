/* export_review.c: the small workbooks: the review table of a parent agency's agencies and the reminder list. */
#include <stddef.h>
#include <stdio.h>

#include <xlsxwriter.h>

#include "export.h"
#include "jobs.h"
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

static int review_row(void *ctx, const struct store_export_review_row *r)
{
	static const char *const status[] = { "未登錄", "登錄中", "已登錄完成" };
	struct sheet_rows *s = ctx;
	lxw_row_t row = (lxw_row_t)s->row++;

	worksheet_write_number(s->ws, row, 0, ++s->n, NULL);
	worksheet_write_string(s->ws, row, 1, r->name, NULL);
	worksheet_write_string(s->ws, row, 2, r->code, NULL);
	worksheet_write_number(s->ws, row, 3, milli_to_double(r->subtree_milli), s->num);
	worksheet_write_number(s->ws, row, 4, milli_to_double(r->outsourced_milli), s->num);
	worksheet_write_string(s->ws, row, 5, status[r->status], NULL);
	worksheet_write_string(s->ws, row, 6, r->computed_at, NULL);
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
	static const char *const cols[] = { "序號", "機關單位名稱", "機關代碼", "排放量小計(KgCO₂e)(包含所屬機關)",
		"委外操作排放量小計(KgCO₂e)不納入總量計算", "登錄狀況", "計算時間" };
	for (int c = 0; c < 7; c++)
		worksheet_write_string(s.ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(s.ws, 0, 0, 6, NULL);
	worksheet_set_column(s.ws, 1, 1, 28, NULL);
	worksheet_set_column(s.ws, 2, 2, 14, NULL);
	worksheet_set_column(s.ws, 3, 4, 22, NULL);
	worksheet_set_column(s.ws, 5, 6, 18, NULL);

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
	const char *cells[] = { r->code, r->name, r->parent, r->status, r->contact_name, r->contact_phone, r->contact_email };

	worksheet_write_number(s->ws, row, 0, ++s->n, NULL);
	for (int c = 0; c < 7; c++)
		worksheet_write_string(s->ws, row, (lxw_col_t)(c + 1), cells[c], NULL);
	return 0;
}

/* The reminder list of a county-year: agencies 未登錄 / 登錄中, with their contacts. */
int build_reminders(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err,
		   size_t errlen)
{
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	lxw_format *head;
	struct sheet_rows s = { .row = 2 };
	char title[200];

	if (!wb)
		return -1;
	s.ws = workbook_add_worksheet(wb, "催報名單");
	head = export_head_format(wb);
	snprintf(title, sizeof(title), "民國 %d 年（%d）尚未完成登錄之機關", year - 1911, year);
	worksheet_write_string(s.ws, 0, 0, title, head);
	static const char *const cols[] = { "序號", "機關代碼", "機關單位名稱", "上級機關", "登錄狀況", "聯絡人", "連絡電話", "Email" };
	for (int c = 0; c < 8; c++)
		worksheet_write_string(s.ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(s.ws, 1, 1, 14, NULL);
	worksheet_set_column(s.ws, 2, 3, 28, NULL);
	worksheet_set_column(s.ws, 4, 7, 18, NULL);
	if (export_progress(ctx, id, 10))
		goto dberr;
	if (store_export_reminder_rows(ctx->db, county, year, reminder_row, &s))
		goto dberr;
	if (!s.n)
		worksheet_write_string(s.ws, 2, 0, "所有機關皆已登錄完成", NULL);
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

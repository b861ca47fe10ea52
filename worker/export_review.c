/* export_review.c: the small workbooks: the review table of a parent agency's agencies and the reminder list. */
#include <stddef.h>
#include <stdio.h>

#include <xlsxwriter.h>

#include "export.h"
#include "jobs.h"

static double milli_to_double(long long m)
{
	return (double)m / 1000.0;
}

/* The review table of one parent agency: what 所屬機關填報確認 shows. */
int build_review(struct job_ctx *ctx, long long id, long long agency, int year, const char *path, char *err,
		size_t errlen)
{
	static const char *const status[] = { "未登錄", "登錄中", "已登錄完成" };
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	lxw_worksheet *ws;
	lxw_format *head, *num;
	struct db_stmt *st;
	char title[300], name[200] = "";
	int row = 2, n = 0;

	if (!wb)
		return -1;
	ws = workbook_add_worksheet(wb, "所屬機關");
	head = export_head_format(wb);
	num = workbook_add_format(wb);
	format_set_num_format(num, "#,##0.000");

	st = db_prepare(ctx->db, "SELECT name FROM agencies WHERE id = ?");
	if (!st)
		goto dberr;
	db_bind_int(st, 0, agency);
	if (db_exec(st) || db_step(st) != 1)
		goto dberr;
	snprintf(name, sizeof(name), "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	snprintf(title, sizeof(title), "%s 之所屬機關　年度：%d（民國 %d 年）", name, year, year - 1911);
	worksheet_write_string(ws, 0, 0, title, head);
	static const char *const cols[] = { "序號", "機關單位名稱", "機關代碼", "排放量小計(KgCO₂e)(包含所屬機關)",
		"委外操作排放量小計(KgCO₂e)不納入總量計算", "登錄狀況", "計算時間" };
	for (int c = 0; c < 7; c++)
		worksheet_write_string(ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(ws, 0, 0, 6, NULL);
	worksheet_set_column(ws, 1, 1, 28, NULL);
	worksheet_set_column(ws, 2, 2, 14, NULL);
	worksheet_set_column(ws, 3, 4, 22, NULL);
	worksheet_set_column(ws, 5, 6, 18, NULL);

	/* Before the rows, not among them: no statement runs while a result is iterated (see build_passwords in export_passwords.c). */
	if (export_progress(ctx, id, 10))
		goto dberr;
	st = db_prepare(ctx->db,
		"SELECT a.name, a.code, IFNULL(r.subtree_milli, 0), IFNULL(r.subtree_outsourced_milli, 0),"
		" IF(rep.id IS NULL, 0, IF(rep.confirmed, 2, 1)), IFNULL(DATE_FORMAT(r.computed_at, '%Y-%m-%d %H:%i:%s'), '')"
		" FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ?"
		" WHERE a.parent_id = ? AND a.active = 1 ORDER BY a.code");
	if (!st)
		goto dberr;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, agency);
	if (db_exec(st))
		goto dberr;
	while (db_step(st) == 1) {
		worksheet_write_number(ws, (lxw_row_t)row, 0, ++n, NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 1, db_col_text(st, 0, NULL), NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 2, db_col_text(st, 1, NULL), NULL);
		worksheet_write_number(ws, (lxw_row_t)row, 3, milli_to_double(db_col_int(st, 2)), num);
		worksheet_write_number(ws, (lxw_row_t)row, 4, milli_to_double(db_col_int(st, 3)), num);
		worksheet_write_string(ws, (lxw_row_t)row, 5, status[db_col_int(st, 4)], NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 6, db_col_text(st, 5, NULL), NULL);
		row++;
	}
	if (!n)
		worksheet_write_string(ws, 2, 0, "目前並沒有下轄機關", NULL);
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

/* The reminder list of a county-year: agencies 未登錄 / 登錄中, with their contacts. */
int build_reminders(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err,
		   size_t errlen)
{
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	lxw_worksheet *ws;
	lxw_format *head;
	struct db_stmt *st;
	char title[200];
	int row = 2, n = 0;

	if (!wb)
		return -1;
	ws = workbook_add_worksheet(wb, "催報名單");
	head = export_head_format(wb);
	snprintf(title, sizeof(title), "民國 %d 年（%d）尚未完成登錄之機關", year - 1911, year);
	worksheet_write_string(ws, 0, 0, title, head);
	static const char *const cols[] = { "序號", "機關代碼", "機關單位名稱", "上級機關", "登錄狀況", "聯絡人", "連絡電話", "Email" };
	for (int c = 0; c < 8; c++)
		worksheet_write_string(ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(ws, 1, 1, 14, NULL);
	worksheet_set_column(ws, 2, 3, 28, NULL);
	worksheet_set_column(ws, 4, 7, 18, NULL);
	if (export_progress(ctx, id, 10))
		goto dberr;
	st = db_prepare(ctx->db,
		"SELECT a.code, a.name, IFNULL(p.name, ''), IF(r.id IS NULL, '未登錄', '登錄中'),"
		" IFNULL(a.contact_name, ''), IFNULL(a.contact_phone, ''), IFNULL(a.contact_email, '')"
		" FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
		" LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.active = 1 AND (r.id IS NULL OR r.confirmed = 0) ORDER BY a.level, a.code");
	if (!st)
		goto dberr;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	if (db_exec(st))
		goto dberr;
	while (db_step(st) == 1) {
		worksheet_write_number(ws, (lxw_row_t)row, 0, ++n, NULL);
		for (int c = 0; c < 7; c++)
			worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)(c + 1), db_col_text(st, c, NULL), NULL);
		row++;
	}
	if (!n)
		worksheet_write_string(ws, 2, 0, "所有機關皆已登錄完成", NULL);
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

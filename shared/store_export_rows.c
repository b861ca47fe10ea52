/* store_export_rows.c: what the review, reminder and one-time-password workbooks read of agencies, reports and accounts. */
#include <stdio.h>

#include "store_export.h"
#include "store_report.h"

/*
 * These read agencies, reports, rollups and accounts, not exports: they are
 * here because only the workbooks (worker/export_review.c,
 * worker/export_passwords.c) ask for them in this shape.
 */

int store_export_review_agency(struct db *db, long long agency, char name[801])
{
	struct db_stmt *st = db_prepare(db, "SELECT name FROM agencies WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 0)
		db_reset(st);
	if (r != 1)
		return r;
	db_col_copy(st, 0, name, 801);
	db_reset(st);
	return 1;
}

int store_export_review_rows(struct db *db, long long parent, int year,
			     int (*each)(void *ctx, const struct store_export_review_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.name, a.code, IFNULL(r.subtree_milli, 0), IFNULL(r.subtree_outsourced_milli, 0),"
		" " STORE_REPORT_STATUS_SQL("rep") ", IFNULL(DATE_FORMAT(r.computed_at, '%Y-%m-%d %H:%i:%s'), ''),"
		" IFNULL(rep.returned, 0), IFNULL(rep.confirmed_version, 0), IFNULL(rep.last_version, 0),"
		" q.agency_id IS NOT NULL, q.grade_hundredths IS NOT NULL, IFNULL(q.grade_hundredths, 0), IFNULL(q.grade, 0),"
		" q.unc_lower_milli IS NOT NULL AND q.unc_upper_milli IS NOT NULL, IFNULL(q.unc_lower_milli, 0),"
		" IFNULL(q.unc_upper_milli, 0), IFNULL(q.assessed_bp, 0)"
		" FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ?"
		" LEFT JOIN quality_rollups q ON q.agency_id = a.id AND q.year = ? AND q.scope = 'subtree'"
		" WHERE a.parent_id = ? AND a.active = 1 ORDER BY a.code");
	struct store_export_review_row row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, parent);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.q_has = (int)db_col_int(st, 9);
		row.q_has_grade = (int)db_col_int(st, 10);
		row.q_grade_hundredths = db_col_int(st, 11);
		row.q_grade = (int)db_col_int(st, 12);
		row.q_assessed = (int)db_col_int(st, 13);
		row.q_lower_milli = (int)db_col_int(st, 14);
		row.q_upper_milli = (int)db_col_int(st, 15);
		row.q_assessed_bp = (int)db_col_int(st, 16);
		db_col_copy(st, 0, row.name, sizeof(row.name));
		db_col_copy(st, 1, row.code, sizeof(row.code));
		row.subtree_milli = db_col_int(st, 2);
		row.outsourced_milli = db_col_int(st, 3);
		row.status = (int)db_col_int(st, 4);
		db_col_copy(st, 5, row.computed_at, sizeof(row.computed_at));
		row.returned = (int)db_col_int(st, 6);
		row.confirmed_version = (int)db_col_int(st, 7);
		row.last_version = (int)db_col_int(st, 8);
		if (each(ctx, &row))
			break;
	}
	if (r < 0)   /* st may be gone with the connection: no reset */
		return -1;
	db_reset(st);
	return 0;
}

int store_export_reminder_rows(struct db *db, int county, int year,
			       int (*each)(void *ctx, const struct store_export_reminder_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.code, a.name, IFNULL(p.name, ''), " STORE_REPORT_STATUS_SQL("r") ", IFNULL(r.returned, 0),"
		" IFNULL(a.contact_name, ''), IFNULL(a.contact_phone, ''), IFNULL(a.contact_email, '')"
		" FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
		" LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.active = 1 AND " STORE_REPORT_STATUS_SQL("r") " IN (0, 1) ORDER BY a.level, a.code");
	struct store_export_reminder_row row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, row.code, sizeof(row.code));
		db_col_copy(st, 1, row.name, sizeof(row.name));
		db_col_copy(st, 2, row.parent, sizeof(row.parent));
		row.status = (int)db_col_int(st, 3);
		row.returned = (int)db_col_int(st, 4);
		db_col_copy(st, 5, row.contact_name, sizeof(row.contact_name));
		db_col_copy(st, 6, row.contact_phone, sizeof(row.contact_phone));
		db_col_copy(st, 7, row.contact_email, sizeof(row.contact_email));
		if (each(ctx, &row))
			break;
	}
	if (r < 0)
		return -1;
	db_reset(st);
	return 0;
}

int store_export_otp_accounts(struct db *db, long long import_id,
			      int (*each)(void *ctx, const struct store_export_otp_account *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT ac.id, c.name, ag.code, ag.name, IFNULL(p.name, ''), ac.login, ac.password_hash FROM accounts ac"
		" JOIN agencies ag ON ag.id = ac.agency_id JOIN counties c ON c.id = ag.county_id"
		" LEFT JOIN agencies p ON p.id = ag.parent_id"
		" WHERE ac.import_id = ? AND ac.active = 1 AND ag.active = 1 AND ac.must_change_password = 1"
		" AND ac.password_changed_at IS NULL ORDER BY ag.level, ag.code");
	struct store_export_otp_account row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, import_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.id = db_col_int(st, 0);
		db_col_copy(st, 1, row.county, sizeof(row.county));
		db_col_copy(st, 2, row.code, sizeof(row.code));
		db_col_copy(st, 3, row.name, sizeof(row.name));
		db_col_copy(st, 4, row.parent, sizeof(row.parent));
		db_col_copy(st, 5, row.login, sizeof(row.login));
		db_col_copy(st, 6, row.hash, sizeof(row.hash));
		if (each(ctx, &row))
			break;
	}
	if (r < 0)
		return -1;
	db_reset(st);
	return 0;
}

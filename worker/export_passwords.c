/* export_passwords.c: the one-time-password workbook of an import, its passwords staged in export_passwords. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "export.h"
#include "jobs.h"
#include "password.h"
#include "util.h"

/*
 * DESIGN: one-time passwords (build_passwords) take effect only with their
 * workbook: the new hashes are staged in export_passwords beside the hash
 * each account had when it was read, and the transaction that records the
 * finished workbook (finish() in export.c) swaps them in (only if no account
 * changed meanwhile; otherwise the workbook is built again) and retires the
 * import's older workbooks, whose passwords no longer work.  Until then every
 * account keeps the password of the last finished workbook; an account whose
 * first workbook is not finished has no password at all ('!', which nothing
 * matches) and cannot log in.
 */

/* An account of a password workbook, read before any password is made. */
struct otp_account {
	long long id;
	char *cell[5];            /* 縣市, 機關代碼, 機關單位名稱, 上級機關, 登入帳號 */
	char *hash;               /* its password hash when read */
};

static void otp_free(struct otp_account *v, int n)
{
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < 5; c++)
			free(v[i].cell[c]);
		free(v[i].hash);
	}
	free(v);
}

/*
 * The one-time passwords of the accounts an import created and nobody has
 * used yet: each gets a new one, staged beside the hash the account has now
 * (see DESIGN), and its row in the workbook, which is the only place the
 * password is written down.  *staged counts them.  A rerun (an interrupted
 * build, a new request) starts over with new passwords; an account keeps
 * its password until the transaction that records a finished workbook.
 *
 * The accounts are read in full before the first INSERT: db.c frees every
 * cached statement when one of them has to be prepared again on a new
 * connection, so no result may be iterated while other statements run.
 */
int build_passwords(struct job_ctx *ctx, long long id, long long import_id, const char *path, char *err,
		   size_t errlen, long long *staged)
{
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws;
	lxw_format *head, *pwf;
	struct db_stmt *st;
	struct otp_account *acc = NULL;
	int n = 0, cap = 0, rc = EXPORT_DBERR, step = 0;
	long long last = now_ms();
	char pw[13], hash[PASSWORD_HASH_MAX];

	*staged = 0;
	snprintf(err, errlen, "資料庫暫時無法使用");
	st = db_prepare(ctx->db, "DELETE FROM export_passwords WHERE export_id = ?");
	if (!st || (db_bind_int(st, 0, id), db_exec(st)))
		goto out;
	st = db_prepare(ctx->db,
		"SELECT ac.id, c.name, ag.code, ag.name, IFNULL(p.name, ''), ac.login, ac.password_hash FROM accounts ac"
		" JOIN agencies ag ON ag.id = ac.agency_id JOIN counties c ON c.id = ag.county_id"
		" LEFT JOIN agencies p ON p.id = ag.parent_id"
		" WHERE ac.import_id = ? AND ac.active = 1 AND ag.active = 1 AND ac.must_change_password = 1"
		" AND ac.password_changed_at IS NULL ORDER BY ag.level, ag.code");
	if (!st)
		goto out;
	db_bind_int(st, 0, import_id);
	if (db_exec(st))
		goto out;
	while ((step = db_step(st)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			acc = xrealloc(acc, sizeof(*acc) * (size_t)cap);
		}
		acc[n].id = db_col_int(st, 0);
		for (int c = 0; c < 5; c++)
			acc[n].cell[c] = xstrdup(db_col_text(st, c + 1, NULL));
		acc[n].hash = xstrdup(db_col_text(st, 6, NULL));
		n++;
	}
	if (step < 0)
		goto out;   /* st may be gone with the connection: no reset */
	db_reset(st);

	wb = export_open(path, 1, err, errlen);
	if (!wb) {
		rc = -1;
		goto out;
	}
	ws = workbook_add_worksheet(wb, "一次性密碼");
	head = export_head_format(wb);
	pwf = workbook_add_format(wb);
	format_set_font_name(pwf, "Consolas");
	worksheet_write_string(ws, 0, 0, "新建機關帳號的一次性密碼（首次登入須變更密碼；請妥善保管，分送後即刪除本檔）", head);
	static const char *const cols[] = { "序號", "縣市", "機關代碼", "機關單位名稱", "上級機關", "登入帳號", "一次性密碼" };
	for (int c = 0; c < 7; c++)
		worksheet_write_string(ws, 2, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(ws, 1, 2, 14, NULL);
	worksheet_set_column(ws, 3, 4, 30, NULL);
	worksheet_set_column(ws, 5, 6, 16, NULL);
	for (int i = 0; i < n; i++) {
		if (*ctx->stopping) {
			/* Minutes of argon2 may remain: give the export back rather than hold up the stop. */
			snprintf(err, errlen, "工作程序停止");
			rc = EXPORT_STOPPED;
			goto out;
		}
		if (password_onetime(pw) || password_hash(pw, 12, hash)) {
			snprintf(err, errlen, "無法產生密碼");
			rc = -1;
			goto out;
		}
		st = db_prepare(ctx->db, "INSERT INTO export_passwords (export_id, account_id, old_hash, new_hash) VALUES (?, ?, ?, ?)");
		if (!st)
			goto out;
		db_bind_int(st, 0, id);
		db_bind_int(st, 1, acc[i].id);
		db_bind_text(st, 2, acc[i].hash);
		db_bind_text(st, 3, hash);
		if (db_exec(st))
			goto out;
		worksheet_write_number(ws, (lxw_row_t)(3 + i), 0, i + 1, NULL);
		for (int c = 0; c < 5; c++)
			worksheet_write_string(ws, (lxw_row_t)(3 + i), (lxw_col_t)(c + 1), acc[i].cell[c], NULL);
		worksheet_write_string(ws, (lxw_row_t)(3 + i), 6, pw, pwf);
		explicit_bzero(pw, sizeof(pw));
		/* argon2 takes a while: show the progress and keep the lease fresh. */
		if ((i + 1) % 20 == 0 || now_ms() - last >= 1000) {
			if (export_progress(ctx, id, 5 + (i + 1) * 85 / n))
				goto out;
			last = now_ms();
		}
	}
	{
		char note[120];
		snprintf(note, sizeof(note), "共 %d 個帳號", n);
		worksheet_write_string(ws, 1, 0, note, NULL);
	}
	if (!n)
		worksheet_write_string(ws, 3, 0, "此次匯入的帳號都已登入並變更密碼，沒有需要一次性密碼的帳號。", NULL);
	rc = export_close(wb, err, errlen);
	wb = NULL;
	if (!rc)
		*staged = n;
out:
	explicit_bzero(pw, sizeof(pw));
	if (wb)
		workbook_close(wb);   /* the part file it writes is deleted by the caller */
	otp_free(acc, n);
	return rc;
}

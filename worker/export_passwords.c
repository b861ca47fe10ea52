/* export_passwords.c: the one-time-password workbook of an import, its passwords staged in export_passwords. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "export.h"
#include "jobs.h"
#include "password.h"
#include "store_export.h"
#include "util.h"

/*
 * DESIGN: one-time passwords (build_passwords) take effect only with their
 * workbook: the new hashes are staged in export_passwords beside the hash
 * each account had when it was read, and the transaction that records the
 * finished workbook (store_export_finish(), from export.c) swaps them in (only if no account
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

/* The accounts read (store_export_otp_accounts' callback fills it). */
struct otp_list {
	struct otp_account *v;
	int n, cap;
};

static int otp_add(void *ctx, const struct store_export_otp_account *r)
{
	struct otp_list *l = ctx;
	struct otp_account *a;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, sizeof(*l->v) * (size_t)l->cap);
	}
	a = &l->v[l->n++];
	a->id = r->id;
	a->cell[0] = xstrdup(r->county);
	a->cell[1] = xstrdup(r->code);
	a->cell[2] = xstrdup(r->name);
	a->cell[3] = xstrdup(r->parent);
	a->cell[4] = xstrdup(r->login);
	a->hash = xstrdup(r->hash);
	return 0;
}

static void otp_free(struct otp_list *l)
{
	for (int i = 0; i < l->n; i++) {
		for (int c = 0; c < 5; c++)
			free(l->v[i].cell[c]);
		free(l->v[i].hash);
	}
	free(l->v);
}

/* The workbook's sheet: its title, headings and widths; the passwords' format in *pwf. */
static lxw_worksheet *otp_sheet(lxw_workbook *wb, lxw_format **pwf)
{
	static const char *const cols[] = { "序號", "縣市", "機關代碼", "機關單位名稱", "上級機關", "登入帳號", "一次性密碼" };
	lxw_worksheet *ws = workbook_add_worksheet(wb, "一次性密碼");
	lxw_format *head = export_head_format(wb);

	*pwf = workbook_add_format(wb);
	format_set_font_name(*pwf, "Consolas");
	worksheet_write_string(ws, 0, 0, "新建機關帳號的一次性密碼（首次登入須變更密碼；請妥善保管，分送後即刪除本檔）", head);
	for (int c = 0; c < 7; c++)
		worksheet_write_string(ws, 2, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(ws, 1, 2, 14, NULL);
	worksheet_set_column(ws, 3, 4, 30, NULL);
	worksheet_set_column(ws, 5, 6, 16, NULL);
	return ws;
}

/*
 * Gives each account of l a new password, staged beside the hash it has
 * now, and writes its row; 0, -1 (err set), EXPORT_DBERR or EXPORT_STOPPED.
 */
static int otp_rows(struct job_ctx *ctx, long long id, const struct otp_list *l, lxw_worksheet *ws, lxw_format *pwf,
		    char *err, size_t errlen)
{
	long long last = now_ms();
	char pw[13], hash[PASSWORD_HASH_MAX];
	int rc = EXPORT_DBERR;

	for (int i = 0; i < l->n; i++) {
		const struct otp_account *a = &l->v[i];

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
		if (store_export_stage(ctx->db, id, a->id, a->hash, hash))
			goto out;
		worksheet_write_number(ws, (lxw_row_t)(3 + i), 0, i + 1, NULL);
		for (int c = 0; c < 5; c++)
			worksheet_write_string(ws, (lxw_row_t)(3 + i), (lxw_col_t)(c + 1), a->cell[c], NULL);
		worksheet_write_string(ws, (lxw_row_t)(3 + i), 6, pw, pwf);
		explicit_bzero(pw, sizeof(pw));
		/* argon2 takes a while: show the progress and keep the lease fresh. */
		if ((i + 1) % 20 == 0 || now_ms() - last >= 1000) {
			if (export_progress(ctx, id, 5 + (i + 1) * 85 / l->n))
				goto out;
			last = now_ms();
		}
	}
	rc = 0;
out:
	explicit_bzero(pw, sizeof(pw));
	return rc;
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
	lxw_format *pwf;
	struct otp_list acc = { 0 };
	int rc = EXPORT_DBERR;
	char note[120];

	*staged = 0;
	snprintf(err, errlen, "資料庫暫時無法使用");
	if (store_export_unstage(ctx->db, id) || store_export_otp_accounts(ctx->db, import_id, otp_add, &acc))
		goto out;
	wb = export_open(path, 1, err, errlen);
	if (!wb) {
		rc = -1;
		goto out;
	}
	ws = otp_sheet(wb, &pwf);
	rc = otp_rows(ctx, id, &acc, ws, pwf, err, errlen);
	if (rc)
		goto out;
	snprintf(note, sizeof(note), "共 %d 個帳號", acc.n);
	worksheet_write_string(ws, 1, 0, note, NULL);
	if (!acc.n)
		worksheet_write_string(ws, 3, 0, "此次匯入的帳號都已登入並變更密碼，沒有需要一次性密碼的帳號。", NULL);
	rc = export_close(wb, err, errlen);
	wb = NULL;
	if (!rc)
		*staged = acc.n;
out:
	if (wb)
		workbook_close(wb);   /* the part file it writes is deleted by the caller */
	otp_free(&acc);
	return rc;
}

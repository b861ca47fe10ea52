/* export.c: workbooks built on request (轉出明細: 轉excel of 所屬機關填報確認) with libxlsxwriter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "export.h"
#include "jobs.h"
#include "strbuf.h"
#include "password.h"
#include "util.h"

/*
 * DESIGN: the export row says what to build; the worker marks it running,
 * writes the workbook under a temporary name in files_dir/exports/, renames
 * it into place only when libxlsxwriter has closed it without error (so a
 * full disk gives a failed export with its reason, never a truncated
 * download), and records the file.  A job for an export already done is a
 * no-op, so a requeued job does no harm.  Text cells are written as strings,
 * never as formulas.
 */

static int set_status(struct db *db, long long id, const char *status, int progress, const char *err,
		      const char *file)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE exports SET status = ?, progress = ?, error = ?, file = IFNULL(?, file), claimed_at = NOW(3),"
		" finished_at = IF(? IN ('done', 'failed'), NOW(3), NULL),"
		" expires_at = IF(? = 'done', NOW() + INTERVAL IF(kind = 'passwords', 7, 30) DAY, NULL) WHERE id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, status);
	db_bind_int(st, 1, progress);
	db_bind_text(st, 2, err);
	db_bind_text(st, 3, file);
	db_bind_text(st, 4, status);
	db_bind_text(st, 5, status);
	db_bind_int(st, 6, id);
	return db_exec(st);
}

lxw_workbook *export_open(const char *path, int constant_memory, char *err, size_t errlen)
{
	lxw_workbook_options opt = { .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opt);

	if (!wb)
		snprintf(err, errlen, "無法建立檔案");
	return wb;
}

lxw_format *export_head_format(lxw_workbook *wb)
{
	lxw_format *head = workbook_add_format(wb);

	format_set_bold(head);
	format_set_bg_color(head, 0xE3F1ED);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_text_wrap(head);
	return head;
}

int export_close(lxw_workbook *wb, char *err, size_t errlen)
{
	lxw_error rc = workbook_close(wb);

	if (rc == LXW_NO_ERROR)
		return 0;
	snprintf(err, errlen, "無法寫入檔案（%s）", lxw_strerror(rc));
	return -1;
}

int export_dberr(lxw_workbook *wb, char *err, size_t errlen)
{
	workbook_close(wb);
	snprintf(err, errlen, "資料庫暫時無法使用");
	return -2;
}

void export_progress(struct job_ctx *ctx, long long id, int pct)
{
	/* Also renews the claim's lease; a failure here is not the job's failure. */
	set_status(ctx->db, id, "running", pct, NULL, NULL);
}

static double milli_to_double(long long m)
{
	return (double)m / 1000.0;
}

/* The review table of one parent agency: what 所屬機關填報確認 shows. */
static int build_review(struct job_ctx *ctx, long long id, long long agency, int year, const char *path, char *err,
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
		if (n % 500 == 0)
			set_status(ctx->db, id, "running", n > 9000 ? 90 : 10 + n / 100, NULL, NULL);
	}
	if (!n)
		worksheet_write_string(ws, 2, 0, "目前並沒有下轄機關", NULL);
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

/* The reminder list of a county-year: agencies 未登錄 / 登錄中, with their contacts. */
static int build_reminders(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err,
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
		if (n % 500 == 0)
			set_status(ctx->db, id, "running", n > 9000 ? 90 : 10 + n / 100, NULL, NULL);
	}
	if (!n)
		worksheet_write_string(ws, 2, 0, "所有機關皆已登錄完成", NULL);
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

/*
 * The one-time passwords of the accounts an import created and nobody has
 * used yet: each gets a new one (hashed into the account) and its row in
 * the workbook, which is the only place the password is written down.  A
 * rerun (a retried job, a new request) gives new passwords to the same
 * accounts, so the latest workbook is always the valid one.
 */
static int build_passwords(struct job_ctx *ctx, long long id, long long import_id, const char *path, char *err,
			   size_t errlen)
{
	lxw_workbook *wb = export_open(path, 1, err, errlen);
	lxw_worksheet *ws;
	lxw_format *head, *pwf;
	struct db_stmt *st, *up;
	int row = 3, n = 0;

	if (!wb)
		return -1;
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
	st = db_prepare(ctx->db,
		"SELECT ac.id, c.name, ag.code, ag.name, IFNULL(p.name, ''), ac.login FROM accounts ac"
		" JOIN agencies ag ON ag.id = ac.agency_id JOIN counties c ON c.id = ag.county_id"
		" LEFT JOIN agencies p ON p.id = ag.parent_id"
		" WHERE ac.import_id = ? AND ac.active = 1 AND ag.active = 1 AND ac.must_change_password = 1"
		" AND ac.password_changed_at IS NULL ORDER BY ag.level, ag.code");
	if (!st)
		goto dberr;
	db_bind_int(st, 0, import_id);
	if (db_exec(st))
		goto dberr;
	while (db_step(st) == 1) {
		char pw[13], hash[PASSWORD_HASH_MAX];

		if (password_onetime(pw) || password_hash(pw, 12, hash)) {
			snprintf(err, errlen, "無法產生密碼");
			db_reset(st);
			workbook_close(wb);
			return -1;
		}
		up = db_prepare(ctx->db, "UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = NULL"
					 " WHERE id = ? AND must_change_password = 1 AND password_changed_at IS NULL");
		if (!up)
			goto dberr;
		db_bind_text(up, 0, hash);
		db_bind_int(up, 1, db_col_int(st, 0));
		if (db_exec(up))
			goto dberr;
		if (db_affected(up) != 1)
			continue;   /* used in the meantime: its owner has a password of their own */
		worksheet_write_number(ws, (lxw_row_t)row, 0, ++n, NULL);
		for (int c = 1; c <= 5; c++)
			worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, db_col_text(st, c, NULL), NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 6, pw, pwf);
		explicit_bzero(pw, sizeof(pw));
		row++;
		if (n % 20 == 0) {
			/* argon2 takes a while: keep the lease and the heartbeat fresh. */
			set_status(ctx->db, id, "running", 5 + n * 90 / (int)(db_rows(st) ? db_rows(st) : 1), NULL, NULL);
			queue_heartbeat(ctx->queue, ctx->worker_id, ctx->cfg->worker_heartbeat_seconds);
		}
	}
	{
		char note[120];
		snprintf(note, sizeof(note), "共 %d 個帳號", n);
		worksheet_write_string(ws, 1, 0, note, NULL);
	}
	if (!n)
		worksheet_write_string(ws, 3, 0, "此次匯入的帳號都已登入並變更密碼，沒有需要一次性密碼的帳號。", NULL);
	return export_close(wb, err, errlen);
dberr:
	return export_dberr(wb, err, errlen);
}

/* "export <id>" */
int job_export(struct job_ctx *ctx, const char *args)
{
	long long id = strtoll(args, NULL, 10);
	struct db_stmt *st;
	char kind[32], status[16], dir[512], path[600], part[620], rel[200], tok[17], err[300] = "";
	long long agency;
	int year, rc;

	st = db_prepare(ctx->db, "SELECT kind, IFNULL(agency_id, 0), year, status, county_id, IFNULL(import_id, 0) FROM exports WHERE id = ?");
	if (!st)
		return error("export: %s", ctx->db->errstr);
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return error("export: %s", ctx->db->errstr);
	if (db_step(st) != 1) {
		log_warn("export %lld: no such export, dropped", id);
		return 0;
	}
	snprintf(kind, sizeof(kind), "%s", db_col_text(st, 0, NULL));
	agency = db_col_int(st, 1);
	year = (int)db_col_int(st, 2);
	snprintf(status, sizeof(status), "%s", db_col_text(st, 3, NULL));
	int county = (int)db_col_int(st, 4);
	long long import_id = db_col_int(st, 5);
	db_reset(st);
	if (!strcmp(status, "done") || !strcmp(status, "failed"))
		return 0;
	/* Claim it: only one worker builds an export (a stale lease is a dead worker's). */
	st = db_prepare(ctx->db, "UPDATE exports SET status = 'running', progress = 5, claimed_at = NOW(3) WHERE id = ?"
				 " AND (status = 'queued' OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL 10 MINUTE))");
	if (!st || (db_bind_int(st, 0, id), db_exec(st)))
		return error("export: %s", ctx->db->errstr);
	if (db_affected(st) != 1)
		return 0;   /* another worker has it */

	snprintf(dir, sizeof(dir), "%s/exports", ctx->cfg->files_dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		snprintf(err, sizeof(err), "無法建立目錄：%s", strerror(errno));
	for (int i = 0; i < 8; i++)
		tok[i * 2] = "0123456789abcdef"[rand() & 15], tok[i * 2 + 1] = "0123456789abcdef"[rand() & 15];
	tok[16] = '\0';
	snprintf(rel, sizeof(rel), "exports/%lld-%s.xlsx", id, tok);
	snprintf(path, sizeof(path), "%s/%s", ctx->cfg->files_dir, rel);
	snprintf(part, sizeof(part), "%s.part", path);
	if (err[0])
		rc = -1;
	else if (!strcmp(kind, "review"))
		rc = build_review(ctx, id, agency, year, part, err, sizeof(err));
	else if (!strcmp(kind, "reminders"))
		rc = build_reminders(ctx, id, county, year, part, err, sizeof(err));
	else if (!strcmp(kind, "passwords"))
		rc = build_passwords(ctx, id, import_id, part, err, sizeof(err));
	else if (!strcmp(kind, "inventory_detail"))
		rc = build_inventory_detail(ctx, id, county, year, part, err, sizeof(err));
	else if (!strcmp(kind, "inventory_charts"))
		rc = build_inventory_charts(ctx, id, county, year, part, err, sizeof(err));
	else {
		snprintf(err, sizeof(err), "未知的匯出種類");
		rc = -1;
	}
	if (rc == 0 && rename(part, path)) {
		snprintf(err, sizeof(err), "無法完成檔案：%s", strerror(errno));
		rc = -1;
	}
	if (rc) {
		unlink(part);
		if (rc == -2)
			return -1;   /* the database: try again later */
		log_warn("export %lld failed: %s", id, err);
		return set_status(ctx->db, id, "failed", 0, err, NULL) ? -1 : 0;
	}
	return set_status(ctx->db, id, "done", 100, NULL, rel) ? -1 : 0;
}

/*
 * Workbooks are kept 30 days (one-time passwords 7): past that, the file is
 * deleted and the row forgets it (the download page already refuses it).
 */
static int export_expire(struct job_ctx *ctx)
{
	struct db_stmt *st = db_prepare(ctx->db,
		"SELECT id, file FROM exports WHERE file IS NOT NULL AND expires_at < NOW() ORDER BY id LIMIT 100");
	long long ids[100];
	char files[100][200];
	int n = 0;

	if (!st || db_exec(st))
		return error("export expiry: %s", ctx->db->errstr);
	while (n < 100 && db_step(st) == 1) {
		ids[n] = db_col_int(st, 0);
		snprintf(files[n], sizeof(files[n]), "%s", db_col_text(st, 1, NULL));
		n++;
	}
	db_reset(st);
	for (int i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT;

		if (!strstr(files[i], "..")) {
			strbuf_addf(&path, "%s/%s", ctx->cfg->files_dir, files[i]);
			if (unlink(path.buf) && errno != ENOENT)
				log_warn("export %lld: cannot delete %s: %s", ids[i], path.buf, strerror(errno));
		}
		strbuf_release(&path);
		st = db_prepare(ctx->db, "UPDATE exports SET file = NULL WHERE id = ?");
		if (!st || (db_bind_int(st, 0, ids[i]), db_exec(st)))
			return error("export expiry: %s", ctx->db->errstr);
	}
	if (n)
		log_info("deleted %d expired workbook(s)", n);
	return n;
}

/*
 * Exports whose job never reached a worker (Redis down when it was asked
 * for) or whose worker died while building it: run them here.  How many,
 * or -1 when the database failed.
 */
int export_poll(struct job_ctx *ctx)
{
	struct db_stmt *st = db_prepare(ctx->db,
		"SELECT id FROM exports WHERE (status = 'queued' AND created_at < NOW(3) - INTERVAL 3 SECOND)"
		" OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL 10 MINUTE) ORDER BY id LIMIT 20");
	long long ids[20];
	int n = 0;

	if (export_expire(ctx) < 0)
		return -1;
	if (!st || db_exec(st))
		return error("export poll: %s", ctx->db->errstr);
	while (n < 20 && db_step(st) == 1)
		ids[n++] = db_col_int(st, 0);
	db_reset(st);
	for (int i = 0; i < n; i++) {
		char arg[32];

		snprintf(arg, sizeof(arg), "%lld", ids[i]);
		if (job_export(ctx, arg))
			return -1;
	}
	return n;
}

/* Peak resident memory of this process (VmHWM), in KiB; 0 when unknown. */
static long peak_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

int export_once(struct job_ctx *ctx, long long id)
{
	struct db_stmt *st = db_prepare(ctx->db, "UPDATE exports SET status = 'queued', error = NULL WHERE id = ? AND status = 'failed'");
	char arg[32];
	long long t0 = now_ms();
	int rc;

	if (!st || (db_bind_int(st, 0, id), db_exec(st)))
		return error("export %lld: %s", id, ctx->db->errstr), 1;
	snprintf(arg, sizeof(arg), "%lld", id);
	rc = job_export(ctx, arg);
	printf("export %lld: %s in %lld ms, peak resident %ld KiB\n", id, rc ? "failed" : "done", now_ms() - t0, peak_kib());
	return rc ? 1 : 0;
}

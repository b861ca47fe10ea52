/* export.c: workbooks built on request (轉出明細: 轉excel of 所屬機關填報確認) with libxlsxwriter. */
#include <dirent.h>
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
#include "util.h"

/*
 * DESIGN: the export row says what to build and is the record of the work;
 * the Redis job only wakes an export worker.  A worker claims the row with
 * one conditional UPDATE (queued, or running with a lease not renewed for
 * worker_heartbeat_seconds: its worker died), which counts the attempt and
 * sets a claim token; only the token's holder records progress (which
 * renews the lease) or finishes.  An export interrupted EXPORT_ATTEMPTS
 * times is failed rather than taken up again.  The workbook is written
 * under a temporary name in files_dir/exports/, renamed into place only
 * when libxlsxwriter has closed it without error (so a full disk gives a
 * failed export with its reason, never a truncated download), and then
 * recorded in one transaction — the only thing that offers it.  A crash
 * between the rename and the commit leaves a file no row names: the next
 * attempt deletes every file of that export before it builds.  A job for an
 * export already done, or claimed by a live worker, is a no-op.  Text cells
 * are written as strings, never as formulas.
 *
 * The builders are export_review.c, export_passwords.c (whose passwords the
 * transaction of finish() swaps in) and export_inventory.c.
 */

#define EXPORT_ATTEMPTS 3

/* The claim in hand is given back: the export is queued again (the poll takes it up). */
static void release(struct job_ctx *ctx, long long id, int counted)
{
	struct db_stmt *st = db_prepare(ctx->db,
		"UPDATE exports SET status = 'queued', progress = 0, claim = NULL, attempts = attempts - ?"
		" WHERE id = ? AND claim = ? AND status = 'running'");

	if (!st)
		return;   /* the lease runs out instead */
	db_bind_int(st, 0, counted ? 0 : 1);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, ctx->claim);
	db_exec(st);
}

static int set_failed(struct job_ctx *ctx, long long id, const char *err)
{
	struct db_stmt *st = db_prepare(ctx->db,
		"UPDATE exports SET status = 'failed', progress = 0, error = ?, claim = NULL, finished_at = NOW(3)"
		" WHERE id = ? AND claim = ? AND status = 'running'");

	if (!st)
		return -1;
	db_bind_text(st, 0, err);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, ctx->claim);
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

int export_progress(struct job_ctx *ctx, long long id, int pct)
{
	struct db_stmt *st = db_prepare(ctx->db,
		"UPDATE exports SET progress = ?, claimed_at = NOW(3) WHERE id = ? AND claim = ? AND status = 'running'");

	/*
	 * Any other failure is not the job's failure (the commit at the end
	 * checks the claim); a lost connection is, for db.c has then freed every
	 * statement, the caller's result in hand included.
	 */
	if (st) {
		db_bind_int(st, 0, pct);
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, ctx->claim);
		if (!db_exec(st))
			return 0;
	}
	return db_err_is_connection(ctx->db) ? -1 : 0;
}

/* The staged passwords of an export that will not be finished (or not by this attempt). */
static void unstage(struct job_ctx *ctx, long long id)
{
	struct db_stmt *st = db_prepare(ctx->db, "DELETE FROM export_passwords WHERE export_id = ?");

	if (st) {
		db_bind_int(st, 0, id);
		db_exec(st);
	}
}

/*
 * Claims export id for this worker: 1 claimed (ctx->claim set), 0 not
 * (done, failed, or another live worker has it; an export interrupted
 * EXPORT_ATTEMPTS times is failed here instead), -1 on a database error.
 */
static int claim(struct job_ctx *ctx, long long id, int *attempt)
{
	struct db_stmt *st;
	static unsigned seq;

	snprintf(ctx->claim, sizeof(ctx->claim), "%.50s-%u-%d", ctx->worker_id, ++seq, rand() & 0xffff);
	st = db_prepare(ctx->db,
		"UPDATE exports SET status = 'running', progress = 5, error = NULL, claimed_at = NOW(3), claim = ?,"
		" attempts = attempts + 1 WHERE id = ? AND attempts < ?"
		" AND (status = 'queued' OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL ? SECOND))");
	if (!st)
		return -1;
	db_bind_text(st, 0, ctx->claim);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, EXPORT_ATTEMPTS);
	db_bind_int(st, 3, ctx->cfg->worker_heartbeat_seconds);
	if (db_exec(st))
		return -1;
	if (db_affected(st) == 1) {
		st = db_prepare(ctx->db, "SELECT attempts FROM exports WHERE id = ?");
		if (!st || (db_bind_int(st, 0, id), db_exec(st)) || db_step(st) != 1)
			return -1;
		*attempt = (int)db_col_int(st, 0);
		db_reset(st);
		return 1;
	}
	st = db_prepare(ctx->db,
		"UPDATE exports SET status = 'failed', progress = 0, claim = NULL, finished_at = NOW(3),"
		" error = CONCAT('產製過程中斷 ', attempts, ' 次（工作程序中止），已停止；請重新產生')"
		" WHERE id = ? AND attempts >= ?"
		" AND (status = 'queued' OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL ? SECOND))");
	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, EXPORT_ATTEMPTS);
	db_bind_int(st, 2, ctx->cfg->worker_heartbeat_seconds);
	if (db_exec(st))
		return -1;
	if (db_affected(st) == 1) {
		log_warn("export %lld failed: interrupted %d times", id, EXPORT_ATTEMPTS);
		unstage(ctx, id);
	}
	return 0;
}

/* Deletes what an interrupted attempt left of export id in dir (a part file, a file never recorded). */
static void remove_files(const char *dir, long long id)
{
	char prefix[32], path[800];
	size_t n = (size_t)snprintf(prefix, sizeof(prefix), "%lld-", id);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, n)) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (unlink(path) && errno != ENOENT)
				log_warn("export %lld: cannot delete %s: %s", id, path, strerror(errno));
			else
				log_info("export %lld: deleted %s, left by an interrupted attempt", id, e->d_name);
		}
	closedir(d);
}

/* The statements of finish(), prepared before its transaction begins (see there). */
static const char SQL_FINISH_CLAIM[] =
	"SELECT 1 FROM exports WHERE id = ? AND claim = ? AND status = 'running' FOR UPDATE";
static const char SQL_FINISH_SWAP[] =
	"UPDATE accounts a JOIN export_passwords p ON p.account_id = a.id JOIN agencies g ON g.id = a.agency_id"
	" SET a.password_hash = p.new_hash, a.failed_logins = 0, a.locked_until = NULL"
	" WHERE p.export_id = ? AND a.password_hash = p.old_hash AND a.active = 1 AND g.active = 1"
	" AND a.must_change_password = 1 AND a.password_changed_at IS NULL";
static const char SQL_FINISH_UNSTAGE[] = "DELETE FROM export_passwords WHERE export_id = ?";
/* Their passwords no longer work: no longer offered (export_expire deletes the files). */
static const char SQL_FINISH_SUPERSEDE[] =
	"UPDATE exports SET superseded_by = ?, expires_at = NOW() WHERE kind = 'passwords'"
	" AND import_id = ? AND id < ? AND status = 'done' AND superseded_by IS NULL";
static const char SQL_FINISH_DONE[] =
	"UPDATE exports SET status = 'done', progress = 100, error = NULL, file = ?, claim = NULL, finished_at = NOW(3),"
	" expires_at = NOW() + INTERVAL IF(kind = 'passwords', 7, 30) DAY WHERE id = ?";

/*
 * Records the finished workbook (rel) in one transaction: with a password
 * workbook, its staged passwords replace the accounts' and the import's
 * older workbooks are retired.  0 done; 1 an account changed while the
 * workbook was built (nothing recorded: build it again); -1 the claim is no
 * longer this worker's; -2 the database failed (rolled back); -3 the
 * commit's outcome is unknown (the connection was lost at COMMIT).
 *
 * Every statement is prepared before START TRANSACTION: db_prepare() of a
 * statement not yet cached, on a connection lost inside the transaction,
 * reconnects and would run it (and the rest) outside any transaction.  A
 * cached statement's db_exec() on a lost connection just fails.
 */
static int finish(struct job_ctx *ctx, long long id, int passwords, long long import_id, long long staged,
		  const char *rel)
{
	static const char *const all[] = { SQL_FINISH_CLAIM, SQL_FINISH_SWAP, SQL_FINISH_UNSTAGE,
					   SQL_FINISH_SUPERSEDE, SQL_FINISH_DONE };
	struct db *db = ctx->db;
	struct db_stmt *st;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!db_prepare(db, all[i]))
			return -2;
	if (db_begin(db))
		return -2;
	st = db_prepare(db, SQL_FINISH_CLAIM);
	if (!st)
		goto dberr;
	db_bind_int(st, 0, id);
	db_bind_text(st, 1, ctx->claim);
	if (db_exec(st))
		goto dberr;
	if (db_step(st) != 1) {
		db_rollback(db);
		return -1;
	}
	db_reset(st);
	if (passwords) {
		st = db_prepare(db, SQL_FINISH_SWAP);
		if (!st)
			goto dberr;
		db_bind_int(st, 0, id);
		if (db_exec(st))
			goto dberr;
		if ((long long)db_affected(st) != staged) {
			db_rollback(db);
			return 1;
		}
		st = db_prepare(db, SQL_FINISH_UNSTAGE);
		if (!st || (db_bind_int(st, 0, id), db_exec(st)))
			goto dberr;
		st = db_prepare(db, SQL_FINISH_SUPERSEDE);
		if (!st)
			goto dberr;
		db_bind_int(st, 0, id);
		db_bind_int(st, 1, import_id);
		db_bind_int(st, 2, id);
		if (db_exec(st))
			goto dberr;
	}
	st = db_prepare(db, SQL_FINISH_DONE);
	if (!st)
		goto dberr;
	db_bind_text(st, 0, rel);
	db_bind_int(st, 1, id);
	if (db_exec(st))
		goto dberr;
	if (db_commit(db))
		return db_err_is_connection(db) ? -3 : -2;
	return 0;
dberr:
	db_rollback(db);
	return -2;
}

/* "export <id>" (checked by job_parse) */
int job_export(struct job_ctx *ctx, const struct job *j)
{
	long long id = j->id, agency, import_id, staged = 0, t0 = now_ms();
	struct db_stmt *st;
	char kind[32], status[16], dir[512], path[600], part[620], rel[200], tok[17], err[300], direrr[300] = "";
	int year, county, rc, attempt = 0, passwords;

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
	county = (int)db_col_int(st, 4);
	import_id = db_col_int(st, 5);
	db_reset(st);
	if (!strcmp(status, "done") || !strcmp(status, "failed"))
		return 0;
	/* Claim it: only one worker builds an export (a stale lease is a dead worker's). */
	rc = claim(ctx, id, &attempt);
	if (rc < 0)
		return error("export: %s", ctx->db->errstr);
	if (rc == 0)
		return 0;
	if (attempt > 1)
		log_info("export %lld (%s) taken up again: attempt %d of %d", id, kind, attempt, EXPORT_ATTEMPTS);
	passwords = !strcmp(kind, "passwords");

	snprintf(dir, sizeof(dir), "%s/exports", ctx->cfg->files_dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		snprintf(direrr, sizeof(direrr), "無法建立目錄：%s", strerror(errno));
	else
		remove_files(dir, id);
	for (int round = 1;; round++) {
		snprintf(err, sizeof(err), "%s", direrr);
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
		else if (passwords)
			rc = build_passwords(ctx, id, import_id, part, err, sizeof(err), &staged);
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
			break;
		}
		rc = finish(ctx, id, passwords, import_id, staged, rel);
		if (rc == 0) {
			log_info("export %lld (%s) built in %lld ms, attempt %d", id, kind, now_ms() - t0, attempt);
			return 0;
		}
		if (rc == -3) {
			/* Committed or not: keep the file.  If not, the lease runs out and the next attempt deletes it. */
			return error("export %lld: the outcome of the commit is unknown: %s", id, ctx->db->errstr);
		}
		unlink(path);
		if (rc == -1) {
			log_warn("export %lld: another worker took it over; this copy is discarded", id);
			return 0;
		}
		if (rc == -2) {
			rc = EXPORT_DBERR;
			break;
		}
		if (round == EXPORT_ATTEMPTS) {
			snprintf(err, sizeof(err), "帳號在產製期間一再變動，請重新產生");
			rc = -1;
			break;
		}
		log_info("export %lld: accounts changed while it was built; building it again", id);
	}
	if (passwords)
		unstage(ctx, id);
	if (rc == EXPORT_STOPPED) {
		release(ctx, id, 0);
		log_info("export %lld left queued: the worker is stopping", id);
		return 0;
	}
	if (rc == EXPORT_DBERR) {
		/* A lost connection is not the export's fault; any other database error counts as an attempt. */
		int lost = db_err_is_connection(ctx->db);

		error("export %lld: the database failed, it will be retried: %s", id, ctx->db->errstr);
		release(ctx, id, !lost);
		return -1;
	}
	log_warn("export %lld failed: %s", id, err);
	return set_failed(ctx, id, err) ? -1 : 0;
}

int export_expire(struct job_ctx *ctx)
{
	/*
	 * Workbooks are kept 30 days (one-time passwords 7, or until a newer
	 * workbook replaces their passwords): past that, the file is deleted and
	 * the row forgets it (the download page already refuses it).
	 */
	struct db_stmt *st = db_prepare(ctx->db,
		"SELECT id, file FROM exports WHERE file IS NOT NULL AND expires_at < NOW() ORDER BY id LIMIT 100");
	long long ids[100];
	char files[100][200];
	int n = 0, rc = 0;

	if (!st || db_exec(st))
		return error("export expiry: %s", ctx->db->errstr);
	while (n < 100 && (rc = db_step(st)) == 1) {
		ids[n] = db_col_int(st, 0);
		snprintf(files[n], sizeof(files[n]), "%s", db_col_text(st, 1, NULL));
		n++;
	}
	if (rc < 0)   /* st may be gone with the connection */
		return error("export expiry: %s", ctx->db->errstr);
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

int export_poll(struct job_ctx *ctx)
{
	/*
	 * Exports whose wake-up never reached a worker (Redis down when they
	 * were asked for) or whose worker died while building them: run them here.
	 */
	struct db_stmt *st = db_prepare(ctx->db,
		"SELECT id FROM exports WHERE (status = 'queued' AND created_at < NOW(3) - INTERVAL 3 SECOND)"
		" OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL ? SECOND) ORDER BY id LIMIT 20");
	long long ids[20];
	int n = 0, rc = 0;

	if (!st)
		return error("export poll: %s", ctx->db->errstr);
	db_bind_int(st, 0, ctx->cfg->worker_heartbeat_seconds);
	if (db_exec(st))
		return error("export poll: %s", ctx->db->errstr);
	while (n < 20 && (rc = db_step(st)) == 1)
		ids[n++] = db_col_int(st, 0);
	if (rc < 0)   /* st may be gone with the connection */
		return error("export poll: %s", ctx->db->errstr);
	db_reset(st);
	for (int i = 0; i < n && !*ctx->stopping; i++) {
		struct job j = { .kind = JOB_EXPORT, .id = ids[i] };

		if (job_export(ctx, &j))
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
	struct db_stmt *st = db_prepare(ctx->db,
		"UPDATE exports SET status = 'queued', error = NULL, attempts = 0 WHERE id = ? AND status = 'failed'");
	struct job j = { .kind = JOB_EXPORT, .id = id };
	char status[16] = "?";
	long long t0 = now_ms();
	int rc;

	if (!st || (db_bind_int(st, 0, id), db_exec(st)))
		return error("export %lld: %s", id, ctx->db->errstr), 1;
	rc = job_export(ctx, &j);
	st = db_prepare(ctx->db, "SELECT status FROM exports WHERE id = ?");
	if (st && (db_bind_int(st, 0, id), !db_exec(st)) && db_step(st) == 1) {
		snprintf(status, sizeof(status), "%s", db_col_text(st, 0, NULL));
		db_reset(st);
	}
	/* "running": another worker has it; "queued": the database failed, try again. */
	printf("export %lld: %s in %lld ms, peak resident %ld KiB\n", id, status, now_ms() - t0, peak_kib());
	return rc || strcmp(status, "done") ? 1 : 0;
}

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
#include "report_status.h"
#include "store_export.h"
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
 * transaction of store_export_finish() swaps in) and export_inventory.c; the
 * SQL of all this is shared/store_export.c's.
 */

#define EXPORT_ATTEMPTS 3
/* build_and_record(): the connection was lost at COMMIT, so whether the workbook is recorded is not known. */
#define EXPORT_UNKNOWN 1

/* The claim in hand is given back: the export is queued again (the poll takes it up). */
static void release(struct job_ctx *ctx, long long id, int counted)
{
	store_export_release(ctx->db, id, ctx->claim, counted);   /* failing, the lease runs out instead */
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

const char *export_version_text(char *buf, size_t size, int status, int confirmed_version, int last_version)
{
	if (status == REPORT_NONE)
		snprintf(buf, size, "無填報資料");
	else if (status == REPORT_CONFIRMED)
		snprintf(buf, size, "第 %d 版", confirmed_version);
	else if (last_version > 0)
		snprintf(buf, size, "未確認（前次第 %d 版）", last_version);
	else
		snprintf(buf, size, "未確認");
	return buf;
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
	static long long last_id, last_at;   /* the job's thread's alone */

	if (id == last_id && now_ms() - last_at < EXPORT_PROGRESS_MS)
		return 0;
	last_id = id;
	last_at = now_ms();
	/*
	 * Any other failure is not the job's failure (the commit at the end
	 * checks the claim); a lost connection is, for db.c has then freed every
	 * statement, the caller's result in hand included.
	 */
	if (!store_export_progress(ctx->db, id, ctx->claim, pct))
		return 0;
	return db_err_is_connection(ctx->db) ? -1 : 0;
}

/* The staged passwords of an export that will not be finished (or not by this attempt). */
static void unstage(struct job_ctx *ctx, long long id)
{
	store_export_unstage(ctx->db, id);
}

/*
 * Claims export id for this worker: 1 claimed (ctx->claim set), 0 not
 * (done, failed, or another live worker has it; an export interrupted
 * EXPORT_ATTEMPTS times is failed here instead), -1 on a database error.
 */
static int claim(struct job_ctx *ctx, long long id, int *attempt)
{
	static unsigned seq;
	int lease = ctx->cfg->worker_heartbeat_seconds, rc;

	snprintf(ctx->claim, sizeof(ctx->claim), "%.50s-%u-%d", ctx->worker_id, ++seq, rand() & 0xffff);
	rc = store_export_claim(ctx->db, id, ctx->claim, EXPORT_ATTEMPTS, lease, attempt);
	if (rc)
		return rc;
	rc = store_export_fail_exhausted(ctx->db, id, EXPORT_ATTEMPTS, lease);
	if (rc < 0)
		return -1;
	if (rc == 1) {
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

/* One attempt in hand: what it builds, where, and what it has to say. */
struct attempt {
	long long id;
	const struct store_export_job *job;
	char direrr[300];          /* the directory could not be made: every round fails with this */
	char rel[200];             /* the workbook's path under files_dir */
	char path[600];
	char part[620];            /* written here, renamed to path once closed without error */
	char err[300];
	long long staged;          /* the passwords staged by build_passwords */
};

/* Makes files_dir/exports (or says why not in a->direrr) and clears what an interrupted attempt left. */
static void prepare_dir(struct job_ctx *ctx, struct attempt *a)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/exports", ctx->cfg->files_dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		snprintf(a->direrr, sizeof(a->direrr), "無法建立目錄：%s", strerror(errno));
	else
		remove_files(dir, a->id);
}

/* A new random file name for this round (a->rel, a->path, a->part). */
static void name_file(struct job_ctx *ctx, struct attempt *a)
{
	char tok[17];

	for (int i = 0; i < 8; i++)
		tok[i * 2] = "0123456789abcdef"[rand() & 15], tok[i * 2 + 1] = "0123456789abcdef"[rand() & 15];
	tok[16] = '\0';
	snprintf(a->rel, sizeof(a->rel), "exports/%lld-%s.xlsx", a->id, tok);
	snprintf(a->path, sizeof(a->path), "%s/%s", ctx->cfg->files_dir, a->rel);
	snprintf(a->part, sizeof(a->part), "%s.part", a->path);
}

/* Builds the workbook of the job's kind into a->part; the builder's result (0, -1, EXPORT_DBERR, EXPORT_STOPPED). */
static int build(struct job_ctx *ctx, struct attempt *a)
{
	const struct store_export_job *j = a->job;
	char *err = a->err;
	size_t errlen = sizeof(a->err);

	switch (j->kind) {
	case STORE_EXPORT_REVIEW:
		return build_review(ctx, a->id, j->agency, j->year, a->part, err, errlen);
	case STORE_EXPORT_REMINDERS:
		return build_reminders(ctx, a->id, j->county, j->year, a->part, err, errlen);
	case STORE_EXPORT_PASSWORDS:
		return build_passwords(ctx, a->id, j->import_id, a->part, err, errlen, &a->staged);
	case STORE_EXPORT_INVENTORY_DETAIL:
		return build_inventory_detail(ctx, a->id, j->county, j->year, a->part, err, errlen);
	case STORE_EXPORT_INVENTORY_CHARTS:
		return build_inventory_charts(ctx, a->id, j->county, j->year, a->part, err, errlen);
	case STORE_EXPORT_BOARD:
		return build_board(ctx, a->id, j->county, j->year, a->part, err, errlen);
	case STORE_EXPORT_KIND__MAX:
		break;
	}
	snprintf(err, errlen, "未知的匯出種類");
	return -1;
}

/*
 * Builds and records the workbook, building it again (up to EXPORT_ATTEMPTS
 * rounds) while accounts change under a password workbook.  0 recorded, or
 * offered by another worker, or not known to be (the caller is done); else
 * what the caller concludes with: -1 (failed: a->err), EXPORT_DBERR,
 * EXPORT_STOPPED, or EXPORT_UNKNOWN.
 */
static int build_and_record(struct job_ctx *ctx, struct attempt *a, int attempt, long long t0)
{
	int passwords = a->job->kind == STORE_EXPORT_PASSWORDS, rc;

	for (int round = 1;; round++) {
		snprintf(a->err, sizeof(a->err), "%s", a->direrr);
		name_file(ctx, a);
		rc = a->err[0] ? -1 : build(ctx, a);
		if (rc == 0 && rename(a->part, a->path)) {
			snprintf(a->err, sizeof(a->err), "無法完成檔案：%s", strerror(errno));
			rc = -1;
		}
		if (rc) {
			unlink(a->part);
			return rc;
		}
		switch (store_export_finish(ctx->db, a->id, ctx->claim, passwords, a->job->import_id, a->staged, a->rel)) {
		case STORE_EXPORT_FINISHED:
			log_info("export %lld (%s) built in %lld ms, attempt %d", a->id, a->job->kind_name, now_ms() - t0, attempt);
			return 0;
		case STORE_EXPORT_UNKNOWN:
			/* Committed or not: keep the file.  If not, the lease runs out and the next attempt deletes it. */
			return EXPORT_UNKNOWN;
		case STORE_EXPORT_NOT_OURS:
			unlink(a->path);
			log_warn("export %lld: another worker took it over; this copy is discarded", a->id);
			return 0;
		case STORE_EXPORT_FINISH_DBERR:
			unlink(a->path);
			return EXPORT_DBERR;
		case STORE_EXPORT_CHANGED:
			unlink(a->path);
			break;
		}
		if (round == EXPORT_ATTEMPTS) {
			snprintf(a->err, sizeof(a->err), "帳號在產製期間一再變動，請重新產生");
			return -1;
		}
		log_info("export %lld: accounts changed while it was built; building it again", a->id);
	}
}

/* The end of an attempt that did not record the workbook: 0 or -1, as job_export. */
static int conclude(struct job_ctx *ctx, struct attempt *a, int rc)
{
	if (a->job->kind == STORE_EXPORT_PASSWORDS)
		unstage(ctx, a->id);
	if (rc == EXPORT_STOPPED) {
		release(ctx, a->id, 0);
		log_info("export %lld left queued: the worker is stopping", a->id);
		return 0;
	}
	if (rc == EXPORT_DBERR) {
		/* A lost connection is not the export's fault; any other database error counts as an attempt. */
		int lost = db_err_is_connection(ctx->db);

		error("export %lld: the database failed, it will be retried: %s", a->id, ctx->db->errstr);
		release(ctx, a->id, !lost);
		return -1;
	}
	log_warn("export %lld failed: %s", a->id, a->err);
	return store_export_fail(ctx->db, a->id, ctx->claim, a->err) ? -1 : 0;
}

/* "export <id>" (checked by job_parse) */
int job_export(struct job_ctx *ctx, const struct job *j)
{
	struct store_export_job job;
	struct attempt a = { .id = j->id, .job = &job };
	long long t0 = now_ms();
	int rc, attempt = 0;

	rc = store_export_get(ctx->db, a.id, &job);
	if (rc < 0)
		return error("export: %s", ctx->db->errstr);
	if (rc == 0) {
		log_warn("export %lld: no such export, dropped", a.id);
		return 0;
	}
	if (job.status == STORE_EXPORT_DONE || job.status == STORE_EXPORT_FAILED)
		return 0;
	/* Claim it: only one worker builds an export (a stale lease is a dead worker's). */
	rc = claim(ctx, a.id, &attempt);
	if (rc < 0)
		return error("export: %s", ctx->db->errstr);
	if (rc == 0)
		return 0;
	if (attempt > 1)
		log_info("export %lld (%s) taken up again: attempt %d of %d", a.id, job.kind_name, attempt, EXPORT_ATTEMPTS);
	prepare_dir(ctx, &a);
	rc = build_and_record(ctx, &a, attempt, t0);
	if (rc == 0)
		return 0;
	if (rc == EXPORT_UNKNOWN)
		return error("export %lld: the outcome of the commit is unknown: %s", a.id, ctx->db->errstr);
	return conclude(ctx, &a, rc);
}

int export_expire(struct job_ctx *ctx)
{
	/*
	 * Workbooks are kept 30 days (one-time passwords 7, or until a newer
	 * workbook replaces their passwords): past that, the file is deleted and
	 * the row forgets it (the download page already refuses it).
	 */
	struct store_export_file files[STORE_EXPORT_EXPIRED_MAX];
	int n = store_export_expired(ctx->db, files);

	if (n < 0)
		return error("export expiry: %s", ctx->db->errstr);
	for (int i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT;

		if (!strstr(files[i].file, "..")) {
			strbuf_addf(&path, "%s/%s", ctx->cfg->files_dir, files[i].file);
			if (unlink(path.buf) && errno != ENOENT)
				log_warn("export %lld: cannot delete %s: %s", files[i].id, path.buf, strerror(errno));
		}
		strbuf_release(&path);
		if (store_export_forget_file(ctx->db, files[i].id))
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
	long long ids[STORE_EXPORT_DUE_MAX];
	int n = store_export_due(ctx->db, ctx->cfg->worker_heartbeat_seconds, ids);

	if (n < 0)
		return error("export poll: %s", ctx->db->errstr);
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
	struct job j = { .kind = JOB_EXPORT, .id = id };
	enum store_export_status s;
	const char *status = "?";
	long long t0 = now_ms();
	int rc;

	if (store_export_requeue_failed(ctx->db, id))
		return error("export %lld: %s", id, ctx->db->errstr), 1;
	rc = job_export(ctx, &j);
	if (store_export_status_of(ctx->db, id, &s) == 1)
		status = store_export_status_name(s);
	/* "running": another worker has it; "queued": the database failed, try again. */
	printf("export %lld: %s in %lld ms, peak resident %ld KiB\n", id, status, now_ms() - t0, peak_kib());
	return rc || strcmp(status, "done") ? 1 : 0;
}

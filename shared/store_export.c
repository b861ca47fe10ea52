/* store_export.c: the exports table and the staged one-time passwords (export_passwords). */
#include <stdio.h>
#include <string.h>

#include "store_export.h"

static const char *const status_names[STORE_EXPORT_STATUS__MAX] = {
	[STORE_EXPORT_QUEUED] = "queued",
	[STORE_EXPORT_RUNNING] = "running",
	[STORE_EXPORT_DONE] = "done",
	[STORE_EXPORT_FAILED] = "failed",
};

static const char *const kind_names[STORE_EXPORT_KIND__MAX] = {
	[STORE_EXPORT_REVIEW] = "review",
	[STORE_EXPORT_REMINDERS] = "reminders",
	[STORE_EXPORT_PASSWORDS] = "passwords",
	[STORE_EXPORT_INVENTORY_DETAIL] = "inventory_detail",
	[STORE_EXPORT_INVENTORY_CHARTS] = "inventory_charts",
	[STORE_EXPORT_BOARD] = "board",
};

const char *store_export_status_name(enum store_export_status s)
{
	return (unsigned)s < STORE_EXPORT_STATUS__MAX ? status_names[s] : "?";
}

/* The column's text as the enum; an unknown one reads as failed (nothing offers or builds it). */
static enum store_export_status status_of(const char *s)
{
	for (int i = 0; i < STORE_EXPORT_STATUS__MAX; i++)
		if (!strcmp(status_names[i], s))
			return (enum store_export_status)i;
	return STORE_EXPORT_FAILED;
}

static enum store_export_kind kind_of(const char *s)
{
	int i;

	for (i = 0; i < STORE_EXPORT_KIND__MAX; i++)
		if (!strcmp(kind_names[i], s))
			break;
	return (enum store_export_kind)i;
}

/* Column i's text into dst (of size n; the schema bounds it). */
int store_export_request_review(struct db *db, long long agency, int year, long long account, long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at)"
		" SELECT 'review', county_id, id, ?, ?, CONCAT(CONVERT(code USING utf8mb4), '_', ? - 1911, '_所屬機關.xlsx'), NOW(3) FROM agencies WHERE id = ?"
		EXPORT_COALESCE);

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, account);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, agency);
	if (db_exec(st))
		return -1;
	/* No agency, no row: LAST_INSERT_ID() stays 0. */
	*id = (long long)db_insert_id(st);
	return *id ? 1 : 0;
}

int store_export_request_reminders(struct db *db, int county, int year, long long account, long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at)"
		" VALUES ('reminders', ?, NULL, ?, ?, CONCAT(? - 1911, '年_催報名單.xlsx'), NOW(3))" EXPORT_COALESCE);

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, account);
	db_bind_int(st, 3, year);
	if (db_exec(st))
		return -1;
	*id = (long long)db_insert_id(st);
	return 0;
}

int store_export_request_inventory(struct db *db, const char *kind, int county, int year, long long account,
				   const char *filename, const char *stamp, long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at, stamp)"
		" VALUES (?, ?, NULL, ?, ?, ?, NOW(3), ?)" EXPORT_COALESCE);

	if (!st)
		return -1;
	db_bind_text(st, 0, kind);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, account);
	db_bind_text(st, 4, filename);
	db_bind_text(st, 5, stamp);
	if (db_exec(st))
		return -1;
	*id = (long long)db_insert_id(st);
	return 0;
}

int store_export_find_inventory(struct db *db, const char *kind, int county, int year, const char *stamp, long long account,
				long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id FROM exports WHERE kind = ? AND county_id = ? AND year = ? AND stamp = ? AND requested_by = ?"
		" AND status IN ('queued', 'running', 'done') AND (expires_at IS NULL OR expires_at > NOW()) ORDER BY id DESC LIMIT 1");
	int r;

	if (!st)
		return -1;
	db_bind_text(st, 0, kind);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	db_bind_text(st, 3, stamp);
	db_bind_int(st, 4, account);
	if (db_exec(st) || (r = db_step(st)) < 0)
		return -1;
	if (r)
		*id = db_col_int(st, 0);
	db_reset(st);
	return r;
}

int store_export_request_passwords(struct db *db, int county, long long account, long long import_id, long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at, import_id)"
		" VALUES ('passwords', ?, NULL, 0, ?, ?, NOW(3), ?)" EXPORT_COALESCE);
	char filename[64];

	if (!st)
		return -1;
	snprintf(filename, sizeof(filename), "一次性密碼-匯入%lld.xlsx", import_id);
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, account);
	db_bind_text(st, 2, filename);
	db_bind_int(st, 3, import_id);
	if (db_exec(st))
		return -1;
	*id = (long long)db_insert_id(st);
	return 0;
}

int store_export_read(struct db *db, long long id, long long account, struct store_export_view *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT status, progress, IFNULL(error, ''), IF(superseded_by IS NULL, IFNULL(file, ''), ''), filename,"
		" IFNULL(superseded_by, 0) FROM exports"
		" WHERE id = ? AND requested_by = ? AND (expires_at IS NULL OR expires_at > NOW() OR superseded_by IS NOT NULL)");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, account);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 0)
		db_reset(st);
	if (r != 1)
		return r;   /* on an error st may be gone with the connection: no reset */
	out->status = status_of(db_col_text(st, 0, NULL));
	out->progress = (int)db_col_int(st, 1);
	db_col_copy(st, 2, out->error, sizeof(out->error));
	db_col_copy(st, 3, out->file, sizeof(out->file));
	db_col_copy(st, 4, out->filename, sizeof(out->filename));
	out->superseded_by = db_col_int(st, 5);
	db_reset(st);
	return 1;
}

int store_export_get(struct db *db, long long id, struct store_export_job *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT kind, IFNULL(agency_id, 0), year, status, county_id, IFNULL(import_id, 0) FROM exports WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 0)
		db_reset(st);
	if (r != 1)
		return r;   /* on an error st may be gone with the connection: no reset */
	db_col_copy(st, 0, out->kind_name, sizeof(out->kind_name));
	out->kind = kind_of(out->kind_name);
	out->agency = db_col_int(st, 1);
	out->year = (int)db_col_int(st, 2);
	out->status = status_of(db_col_text(st, 3, NULL));
	out->county = (int)db_col_int(st, 4);
	out->import_id = db_col_int(st, 5);
	db_reset(st);
	return 1;
}

int store_export_claim(struct db *db, long long id, const char *claim, int max_attempts, int lease_seconds,
		       int *attempt)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE exports SET status = 'running', progress = 5, error = NULL, claimed_at = NOW(3), claim = ?,"
		" attempts = attempts + 1 WHERE id = ? AND attempts < ?"
		" AND (status = 'queued' OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL ? SECOND))");

	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, max_attempts);
	db_bind_int(st, 3, lease_seconds);
	if (db_exec(st))
		return -1;
	if (db_affected(st) != 1)
		return 0;
	st = db_prepare(db, "SELECT attempts FROM exports WHERE id = ?");
	if (!st || (db_bind_int(st, 0, id), db_exec(st)) || db_step(st) != 1)
		return -1;
	*attempt = (int)db_col_int(st, 0);
	db_reset(st);
	return 1;
}

int store_export_fail_exhausted(struct db *db, long long id, int max_attempts, int lease_seconds)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE exports SET status = 'failed', progress = 0, claim = NULL, finished_at = NOW(3),"
		" error = CONCAT('產製過程中斷 ', attempts, ' 次（工作程序中止），已停止；請重新產生')"
		" WHERE id = ? AND attempts >= ?"
		" AND (status = 'queued' OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL ? SECOND))");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, max_attempts);
	db_bind_int(st, 2, lease_seconds);
	if (db_exec(st))
		return -1;
	return db_affected(st) == 1;
}

int store_export_progress(struct db *db, long long id, const char *claim, int pct)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE exports SET progress = ?, claimed_at = NOW(3) WHERE id = ? AND claim = ? AND status = 'running'");

	if (!st)
		return -1;
	db_bind_int(st, 0, pct);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, claim);
	return db_exec(st);
}

int store_export_release(struct db *db, long long id, const char *claim, int counted)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE exports SET status = 'queued', progress = 0, claim = NULL, attempts = attempts - ?"
		" WHERE id = ? AND claim = ? AND status = 'running'");

	if (!st)
		return -1;
	db_bind_int(st, 0, counted ? 0 : 1);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, claim);
	return db_exec(st);
}

int store_export_fail(struct db *db, long long id, const char *claim, const char *err)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE exports SET status = 'failed', progress = 0, error = ?, claim = NULL, finished_at = NOW(3)"
		" WHERE id = ? AND claim = ? AND status = 'running'");

	if (!st)
		return -1;
	db_bind_text(st, 0, err);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, claim);
	return db_exec(st);
}

/* The statements of store_export_finish(), prepared before its transaction begins (see there). */
static const char SQL_FINISH_CLAIM[] =
	"SELECT 1 FROM exports WHERE id = ? AND claim = ? AND status = 'running' FOR UPDATE";
static const char SQL_FINISH_SWAP[] =
	"UPDATE accounts a JOIN export_passwords p ON p.account_id = a.id JOIN agencies g ON g.id = a.agency_id"
	" SET a.password_hash = p.new_hash, a.failed_logins = 0, a.locked_until = NULL"
	" WHERE p.export_id = ? AND a.password_hash = p.old_hash AND a.active = 1 AND g.active = 1"
	" AND a.must_change_password = 1 AND a.password_changed_at IS NULL";
static const char SQL_FINISH_UNSTAGE[] = "DELETE FROM export_passwords WHERE export_id = ?";
/* Their passwords no longer work: no longer offered (the worker's expiry deletes the files). */
static const char SQL_FINISH_SUPERSEDE[] =
	"UPDATE exports SET superseded_by = ?, expires_at = NOW() WHERE kind = 'passwords'"
	" AND import_id = ? AND id < ? AND status = 'done' AND superseded_by IS NULL";
static const char SQL_FINISH_DONE[] =
	"UPDATE exports SET status = 'done', progress = 100, error = NULL, file = ?, claim = NULL, finished_at = NOW(3),"
	" expires_at = NOW() + INTERVAL IF(kind = 'passwords', 7, 30) DAY WHERE id = ?";

/* Inside the transaction: the passwords swapped in, the unstaging and the older workbooks retired. */
static enum store_export_finished finish_passwords(struct db *db, long long id, long long import_id, long long staged)
{
	struct db_stmt *st = db_prepare(db, SQL_FINISH_SWAP);

	if (!st)
		return STORE_EXPORT_FINISH_DBERR;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return STORE_EXPORT_FINISH_DBERR;
	if ((long long)db_affected(st) != staged)
		return STORE_EXPORT_CHANGED;
	st = db_prepare(db, SQL_FINISH_UNSTAGE);
	if (!st || (db_bind_int(st, 0, id), db_exec(st)))
		return STORE_EXPORT_FINISH_DBERR;
	st = db_prepare(db, SQL_FINISH_SUPERSEDE);
	if (!st)
		return STORE_EXPORT_FINISH_DBERR;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, id);
	if (db_exec(st))
		return STORE_EXPORT_FINISH_DBERR;
	return STORE_EXPORT_FINISHED;
}

enum store_export_finished store_export_finish(struct db *db, long long id, const char *claim, int passwords,
					       long long import_id, long long staged, const char *rel)
{
	static const char *const all[] = { SQL_FINISH_CLAIM, SQL_FINISH_SWAP, SQL_FINISH_UNSTAGE,
					   SQL_FINISH_SUPERSEDE, SQL_FINISH_DONE };
	enum store_export_finished rc = STORE_EXPORT_FINISH_DBERR;
	struct db_stmt *st;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!db_prepare(db, all[i]))
			return STORE_EXPORT_FINISH_DBERR;
	if (db_begin(db))
		return STORE_EXPORT_FINISH_DBERR;
	st = db_prepare(db, SQL_FINISH_CLAIM);
	if (!st || (db_bind_int(st, 0, id), db_bind_text(st, 1, claim), db_exec(st)))
		goto out;
	if (db_step(st) != 1) {
		rc = STORE_EXPORT_NOT_OURS;
		goto out;
	}
	db_reset(st);
	if (passwords && (rc = finish_passwords(db, id, import_id, staged)) != STORE_EXPORT_FINISHED)
		goto out;
	rc = STORE_EXPORT_FINISH_DBERR;
	st = db_prepare(db, SQL_FINISH_DONE);
	if (!st)
		goto out;
	db_bind_text(st, 0, rel);
	db_bind_int(st, 1, id);
	if (db_exec(st))
		goto out;
	if (db_commit(db))
		return db_err_is_connection(db) ? STORE_EXPORT_UNKNOWN : STORE_EXPORT_FINISH_DBERR;
	return STORE_EXPORT_FINISHED;
out:
	db_rollback(db);
	return rc;
}

int store_export_unstage(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM export_passwords WHERE export_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return db_exec(st);
}

int store_export_stage(struct db *db, long long id, long long account, const char *old_hash, const char *new_hash)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO export_passwords (export_id, account_id, old_hash, new_hash) VALUES (?, ?, ?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, account);
	db_bind_text(st, 2, old_hash);
	db_bind_text(st, 3, new_hash);
	return db_exec(st);
}

int store_export_due(struct db *db, int lease_seconds, long long ids[STORE_EXPORT_DUE_MAX])
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id FROM exports WHERE (status = 'queued' AND created_at < NOW(3) - INTERVAL 3 SECOND)"
		" OR (status = 'running' AND claimed_at < NOW(3) - INTERVAL ? SECOND) ORDER BY id LIMIT 20");
	int n = 0, r = 0;

	if (!st)
		return -1;
	db_bind_int(st, 0, lease_seconds);
	if (db_exec(st))
		return -1;
	while (n < STORE_EXPORT_DUE_MAX && (r = db_step(st)) == 1)
		ids[n++] = db_col_int(st, 0);
	if (r < 0)   /* st may be gone with the connection: no reset */
		return -1;
	db_reset(st);
	return n;
}

int store_export_expired(struct db *db, struct store_export_file out[STORE_EXPORT_EXPIRED_MAX])
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id, file FROM exports WHERE file IS NOT NULL AND expires_at < NOW() ORDER BY id LIMIT 100");
	int n = 0, r = 0;

	if (!st || db_exec(st))
		return -1;
	while (n < STORE_EXPORT_EXPIRED_MAX && (r = db_step(st)) == 1) {
		out[n].id = db_col_int(st, 0);
		db_col_copy(st, 1, out[n].file, sizeof(out[n].file));
		n++;
	}
	if (r < 0)   /* st may be gone with the connection: no reset */
		return -1;
	db_reset(st);
	return n;
}

int store_export_forget_file(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, "UPDATE exports SET file = NULL WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return db_exec(st);
}

int store_export_requeue_failed(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE exports SET status = 'queued', error = NULL, attempts = 0 WHERE id = ? AND status = 'failed'");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return db_exec(st);
}

int store_export_status_of(struct db *db, long long id, enum store_export_status *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT status FROM exports WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 0)
		db_reset(st);
	if (r != 1)
		return r;   /* on an error st may be gone with the connection: no reset */
	*out = status_of(db_col_text(st, 0, NULL));
	db_reset(st);
	return 1;
}

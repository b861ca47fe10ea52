/* store_export.h: the exports table (workbooks asked for, claimed, built, offered) and the staged one-time passwords. */
#ifndef CITYINV_STORE_EXPORT_H
#define CITYINV_STORE_EXPORT_H

#include "db.h"

/*
 * DESIGN: an export row says what to build and is the record of the work
 * (worker/export.c tells the whole story).  Asking again for the same
 * workbook (kind, subject, requester) while one is queued or running is
 * that one: every INSERT INTO exports ends with EXPORT_COALESCE (the unique
 * pending_key of migration 0015) and db_insert_id() gives its id.  A worker
 * claims a row with a token (the claim) and a lease that progress renews;
 * every later write of the worker names that claim, so a worker whose lease
 * was taken over writes nothing.  export_passwords holds the new hashes of a
 * password workbook until store_export_finish() swaps them in.
 *
 * Every function returns 0 / -1 (database error, db->errstr set) unless its
 * comment says otherwise; a lookup returns 1 found / 0 not found / -1.
 * Strings are fixed arrays sized by the schema (utf8mb4: 4 bytes a
 * character, and the terminating NUL).
 */

/* Appended to every INSERT INTO exports (all of them are in this store). */
#define EXPORT_COALESCE " ON DUPLICATE KEY UPDATE exports.id = LAST_INSERT_ID(exports.id)"

enum store_export_status {
	STORE_EXPORT_QUEUED,
	STORE_EXPORT_RUNNING,
	STORE_EXPORT_DONE,
	STORE_EXPORT_FAILED,
	STORE_EXPORT_STATUS__MAX
};

/* What the row asks for (exports.kind); STORE_EXPORT_KIND__MAX for a kind this program does not know. */
enum store_export_kind {
	STORE_EXPORT_REVIEW,
	STORE_EXPORT_REMINDERS,
	STORE_EXPORT_PASSWORDS,
	STORE_EXPORT_INVENTORY_DETAIL,
	STORE_EXPORT_INVENTORY_CHARTS,
	STORE_EXPORT_BOARD,            /* 檢核看板 (asked for through store_export_request_inventory) */
	STORE_EXPORT_KIND__MAX
};

/* exports.status as the column spells it ("queued"...); "?" beyond the enum. */
const char *store_export_status_name(enum store_export_status s);

/*
 * Asking for a workbook (the web): *id is the new export's, or that of the
 * same one still pending (EXPORT_COALESCE).
 *
 * The review table of agency's subordinates for year, asked for by account
 * (filename <code>_<ROC year>_所屬機關.xlsx): 1 with *id, 0 when there is no
 * such agency (nothing written), -1.
 */
int store_export_request_review(struct db *db, long long agency, int year, long long account, long long *id);
/* The reminder list of county's year, asked for by account (filename <ROC year>年_催報名單.xlsx): 0 with *id, or -1. */
int store_export_request_reminders(struct db *db, int county, int year, long long account, long long *id);
/*
 * A workbook of the county inventory (kind "inventory_detail" or
 * "inventory_charts") of county's year, asked for by account under
 * filename, for the data whose stamp is `stamp` (store_inventory_stamp):
 * 0 with *id, or -1.
 */
int store_export_request_inventory(struct db *db, const char *kind, int county, int year, long long account,
				   const char *filename, const char *stamp, long long *id);
/*
 * A workbook of `kind` the account asked for, of the same county-year and
 * stamp, queued, running or done and not expired (the newest): 1 with *id,
 * 0 none, -1.  (The inventory offers it again instead of building another.)
 */
int store_export_find_inventory(struct db *db, const char *kind, int county, int year, const char *stamp, long long account,
				long long *id);
/*
 * The workbook of one-time passwords of import_id's accounts nobody has
 * used yet (kind passwords, year 0, filename 一次性密碼-匯入<import_id>.xlsx),
 * asked for by account of county: 0 with *id, or -1.
 */
int store_export_request_passwords(struct db *db, int county, long long account, long long import_id, long long *id);

/* An export as its requester sees it (the status page, and the download's right to the file). */
struct store_export_view {
	enum store_export_status status;
	int progress;                 /* percent */
	char error[1201];             /* why it failed; "" */
	char file[201];               /* under files_dir; "" when none, or when superseded */
	char filename[801];           /* the name the browser saves it under */
	long long superseded_by;      /* the newer workbook that retired this one's passwords; 0 */
};
/*
 * Export id if account asked for it and it is not past its time (one
 * superseded stays visible, with no file): 1 found, 0 not, -1.
 */
int store_export_read(struct db *db, long long id, long long account, struct store_export_view *out);

/* What the worker reads of an export before it claims it. */
struct store_export_job {
	enum store_export_kind kind;
	char kind_name[25];           /* exports.kind as written (for the log) */
	enum store_export_status status;
	int county;
	long long agency;             /* 0: none */
	int year;
	long long import_id;          /* 0: none */
};
/* 1 found, 0 no such export, -1. */
int store_export_get(struct db *db, long long id, struct store_export_job *out);

/*
 * Claims export id with token claim: a queued export, or a running one whose
 * lease (claimed_at) is older than lease_seconds (its worker died), tried
 * fewer than max_attempts times.  It counts the attempt and sets progress 5.
 * 1 claimed (*attempt: this attempt's number, from 1), 0 not claimed, -1.
 */
int store_export_claim(struct db *db, long long id, const char *claim, int max_attempts, int lease_seconds,
		       int *attempt);
/*
 * The same export, claimable but already tried max_attempts times, is
 * failed (with the reason, counted): 1 it was failed now, 0 it was not
 * (done, failed, or another worker's live lease), -1.
 */
int store_export_fail_exhausted(struct db *db, long long id, int max_attempts, int lease_seconds);
/* Records progress (percent) and renews the lease, while claim is the row's; 0 (also when it is not), -1. */
int store_export_progress(struct db *db, long long id, const char *claim, int pct);
/* Gives the claim back: queued again; the attempt is counted only when counted. 0 (also when not ours), -1. */
int store_export_release(struct db *db, long long id, const char *claim, int counted);
/* Fails the export with its reason err, while claim is the row's. 0 (also when not ours), -1. */
int store_export_fail(struct db *db, long long id, const char *claim, const char *err);

/* What store_export_finish() did. */
enum store_export_finished {
	STORE_EXPORT_FINISHED = 0,      /* recorded and offered */
	STORE_EXPORT_CHANGED = 1,       /* an account changed while the workbook was built: nothing recorded */
	STORE_EXPORT_NOT_OURS = 2,      /* the claim is no longer this worker's: nothing recorded */
	STORE_EXPORT_FINISH_DBERR = -1, /* the database failed: rolled back */
	STORE_EXPORT_UNKNOWN = -2,      /* the connection was lost at COMMIT: recorded or not */
};
/*
 * Records the finished workbook rel (a path under files_dir) as export id's,
 * in one transaction of its own: with a password workbook (passwords), its
 * `staged` staged passwords replace the accounts' (all of them, or nothing:
 * STORE_EXPORT_CHANGED) and the older workbooks of import_id are retired
 * (superseded_by, expired now).  The file is offered 30 days (passwords: 7).
 *
 * Every statement is prepared before START TRANSACTION: db_prepare() of a
 * statement not yet cached, on a connection lost inside the transaction,
 * reconnects and would run it (and the rest) outside any transaction.  A
 * cached statement's db_exec() on a lost connection just fails.
 */
enum store_export_finished store_export_finish(struct db *db, long long id, const char *claim, int passwords,
					       long long import_id, long long staged, const char *rel);

/* Deletes the staged passwords of export id (a build that will not be finished, or starts over). */
int store_export_unstage(struct db *db, long long id);
/* Stages account's new password hash for export id, beside the hash it has now (old_hash). */
int store_export_stage(struct db *db, long long id, long long account, const char *old_hash, const char *new_hash);

/* The exports the worker's poll takes up: queued over 3 s (a lost wake-up), or leased over lease_seconds ago. */
#define STORE_EXPORT_DUE_MAX 20
/* Fills ids (oldest first, at most STORE_EXPORT_DUE_MAX); how many, or -1. */
int store_export_due(struct db *db, int lease_seconds, long long ids[STORE_EXPORT_DUE_MAX]);

/* A workbook past its time. */
struct store_export_file {
	long long id;
	char file[201];
};
#define STORE_EXPORT_EXPIRED_MAX 100
/* Fills out with workbooks whose file is past expires_at (oldest first, at most STORE_EXPORT_EXPIRED_MAX); how many, or -1. */
int store_export_expired(struct db *db, struct store_export_file out[STORE_EXPORT_EXPIRED_MAX]);
/* The row forgets its file (deleted). */
int store_export_forget_file(struct db *db, long long id);

/* A failed export is queued again with its attempts forgotten (cityinv-worker -e); 0 also when it had not failed. */
int store_export_requeue_failed(struct db *db, long long id);
/* Export id's status: 1 found, 0 not, -1. */
int store_export_status_of(struct db *db, long long id, enum store_export_status *out);

/*
 * The rows the workbooks read.  Each streams its rows to each(ctx, row)
 * (which returns non-zero to stop) while the result is read, so each must
 * run no statement (db.c may free the result in hand when another one
 * reconnects).  0 (also when stopped), or -1.
 */

/* 所屬機關 (the review workbook): an active subordinate of the parent agency, with its subtree totals for the year. */
struct store_export_review_row {
	char name[801];
	char code[21];
	long long subtree_milli;      /* kg CO2e × 1000, its subtree's; 0 without a rollup */
	long long outsourced_milli;   /* the same, outsourced (not in the total) */
	int status;                   /* enum report_status (report_status.h) of its own report */
	int returned;                 /* 登錄中（退回） */
	int confirmed_version;        /* the version in force while 已確認; 0 */
	int last_version;             /* the newest version written; 0 for none */
	char computed_at[20];         /* "YYYY-MM-DD HH:MM:SS", or "" without a rollup */
	/* Its subtree's data-quality grade and uncertainty (quality_rollups), as the review page shows them. */
	int q_has, q_has_grade, q_grade, q_assessed, q_lower_milli, q_upper_milli, q_assessed_bp;
	long long q_grade_hundredths;
};
/* The review workbook's title: agency's name (1), 0 no such agency, -1. */
int store_export_review_agency(struct db *db, long long agency, char name[801]);
/* parent's active subordinates, by code. */
int store_export_review_rows(struct db *db, long long parent, int year,
			     int (*each)(void *ctx, const struct store_export_review_row *row), void *ctx);

/* 催報名單: an active agency of the county whose report for the year is missing or not filed (已登錄完成). */
struct store_export_reminder_row {
	char code[21];
	char name[801];
	char parent[801];             /* its parent's name; "" */
	int status;                   /* REPORT_NONE (未登錄) or REPORT_DRAFT (登錄中) */
	int returned;                 /* 登錄中（退回） */
	char contact_name[201];
	char contact_phone[121];
	char contact_email[1017];
};
/* By level, then code. */
int store_export_reminder_rows(struct db *db, int county, int year,
			       int (*each)(void *ctx, const struct store_export_reminder_row *row), void *ctx);

/* 一次性密碼: an account import_id created that nobody has used (active, its password never changed). */
struct store_export_otp_account {
	long long id;
	char county[65];              /* the county's name */
	char code[21];
	char name[801];
	char parent[801];             /* its agency's parent's name; "" */
	char login[41];
	char hash[129];               /* its password hash now */
};
/* By level, then code. */
int store_export_otp_accounts(struct db *db, long long import_id,
			      int (*each)(void *ctx, const struct store_export_otp_account *row), void *ctx);

#endif

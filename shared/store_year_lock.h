/* store_year_lock.h: 年度鎖定, the county team's locks of a county-year (year_locks, year_lock_exceptions). */
#ifndef CITYINV_STORE_YEAR_LOCK_H
#define CITYINV_STORE_YEAR_LOCK_H

#include "db.h"

/*
 * DESIGN: a lock is a year_locks row, named by inventory_years.lock_id
 * while it is in force; unlocking sets its unlocked_* and clears lock_id,
 * so every lock and every unlocking stays on record.  The agencies that
 * were not 已確認 when it was locked are its exceptions, each with the
 * team's reason.  The writes run inside the caller's transaction, after
 * the caller locked the county-year's row FOR UPDATE and read its state
 * (store_year_lock_row, store_year.h): that row lock is what makes a lock,
 * an unlock, a publication and every change the lock forbids (each of
 * which takes the row in share mode first, store_year_lock_state) happen
 * one after the other.
 *
 * Return conventions: 0 / -1 (database error, db->errstr set).  A list
 * calls each(ctx, row) per row (the row is valid during the call only); a
 * non-zero return stops it, and the list returns 0.
 */

/*
 * A lock's or an unlock's first step, inside the caller's transaction: the
 * county's row FOR UPDATE (store_agency_lock_county), then the county-year's
 * (store_year_lock_row), so that it and an agency's create, edit, move,
 * import or deactivation, which take the county's row first, come one after
 * the other.  Taken the other way round, a move holding its agency's row
 * waited for the year's row (queueing its recalculation) while the lock
 * held that and waited for the agency's row: a deadlock, and a 503.
 * 1 with the state in *out, 0 when the county has no such year, -1.
 */
struct store_year_state;
int store_year_lock_begin(struct db *db, int county, int year, struct store_year_state *out);

/* The reasons' bound (year_lock_exceptions.reason, year_locks.unlock_reason: VARCHAR(500)). */
#define STORE_YEAR_LOCK_REASON_MAX 500

/* An active agency of the county, with the state of its report of the year. */
struct store_year_lock_agency {
	long long id;
	char code[21];              /* agencies.code: VARCHAR(20) of ASCII */
	char name[200 * 4 + 1];     /* VARCHAR(200) */
	int level;
	int status;                 /* enum report_status (STORE_REPORT_STATUS_SQL) */
	int returned;               /* the 退回 flag of a 登錄中 report */
};

/*
 * The county's active agencies, by level and code, each with the state of
 * its report of `year`.  locking: read the rows in share mode (the lock's
 * own check, under the county-year's row lock: it waits for a change of a
 * report in progress and sees what that change committed); else a plain
 * read (a page).
 */
int store_year_lock_agencies(struct db *db, int county, int year, int locking,
			     int (*each)(void *ctx, const struct store_year_lock_agency *a), void *ctx);

/*
 * 1 when the county-year's totals are still being computed (an outbox row
 * pending: a save, a confirmation or a change of the tree not yet in its
 * rollups), 0 not, -1.  Read locking, after the lock's own reads: a
 * locked year's pending rows are set aside by the rollup worker
 * (store_rollup_set_aside), so none may be pending when it is locked.
 */
int store_year_lock_pending(struct db *db, int county, int year);

/*
 * Locks the county-year now, by `account`: a year_locks row, named by
 * inventory_years.lock_id, and the county's active agencies with their
 * parents and levels (year_lock_agencies: the tree the year is signed
 * with, which its inventory reads); *lock_id its id.  Its exceptions follow with
 * store_year_lock_add_exception(), in the same transaction.
 */
int store_year_lock_take(struct db *db, int county, int year, long long account, long long *lock_id);

/* One exception of lock lock_id: an agency locked without being 已確認, and why (≤ 500 characters, checked by the caller). */
int store_year_lock_add_exception(struct db *db, long long lock_id, long long agency_id, const char *reason);

/*
 * Unlocks the county-year's lock lock_id now, by `account`, with its
 * reason (≤ 500 characters, checked by the caller): year_locks.unlocked_*
 * set, inventory_years.lock_id cleared, its full recompute queued (what
 * changed in the tree meanwhile).  *done is 0 when lock_id was not
 * the lock in force of that county-year (nothing changed).
 */
int store_year_lock_release(struct db *db, int county, int year, long long lock_id, long long account, const char *reason,
			    int *done);

/* One lock of a county-year, with its unlocking. */
struct store_year_lock_entry {
	long long id;
	char locked_at[17];         /* YYYY-MM-DD HH:MM */
	char locked_by[41];         /* the account's login */
	char unlocked_at[17];       /* "" while in force */
	char unlocked_by[41];
	char unlock_reason[STORE_YEAR_LOCK_REASON_MAX * 4 + 1];
	int exceptions;
};

/* The county-year's locks, newest first, at most `max`. */
int store_year_lock_history(struct db *db, int county, int year, int max,
			    int (*each)(void *ctx, const struct store_year_lock_entry *e), void *ctx);

/* One exception of a lock, with its agency's code and name. */
struct store_year_lock_exception {
	long long lock_id;
	long long agency_id;
	char code[21];
	char name[200 * 4 + 1];
	char reason[STORE_YEAR_LOCK_REASON_MAX * 4 + 1];
};

/* The exceptions of the county-year's locks from lock `from_id` on, newest lock first, then by level and code. */
int store_year_lock_exceptions(struct db *db, int county, int year, long long from_id,
			       int (*each)(void *ctx, const struct store_year_lock_exception *x), void *ctx);

#endif

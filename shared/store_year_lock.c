/* store_year_lock.c: 年度鎖定, the county team's locks of a county-year (year_locks, year_lock_exceptions). */
#include "store_agency.h"
#include "store_factorday.h"
#include "store_report.h"
#include "store_rollup.h"
#include "store_year.h"
#include "store_year_lock.h"

int store_year_lock_agencies(struct db *db, int county, int year, int locking,
			     int (*each)(void *ctx, const struct store_year_lock_agency *a), void *ctx)
{
	/* LEFT JOIN: an agency without a report of the year is 未登錄. */
	struct db_stmt *st = db_prepare(db, locking ?
		"SELECT a.id, a.code, a.name, a.level, " STORE_REPORT_STATUS_SQL("r") ", IFNULL(r.returned, 0)"
		" FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.active = 1 ORDER BY a.level, a.code LOCK IN SHARE MODE" :
		"SELECT a.id, a.code, a.name, a.level, " STORE_REPORT_STATUS_SQL("r") ", IFNULL(r.returned, 0)"
		" FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.active = 1 ORDER BY a.level, a.code");
	struct store_year_lock_agency a;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		a.id = db_col_int(st, 0);
		db_col_copy(st, 1, a.code, sizeof(a.code));
		db_col_copy(st, 2, a.name, sizeof(a.name));
		a.level = (int)db_col_int(st, 3);
		a.status = (int)db_col_int(st, 4);
		a.returned = (int)db_col_int(st, 5);
		if (each(ctx, &a))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_year_lock_begin(struct db *db, int county, int year, struct store_year_state *out)
{
	return store_agency_lock_county(db, county) ? -1 : store_year_lock_row(db, county, year, out);
}

int store_year_lock_pending(struct db *db, int county, int year)
{
	int any;

	return store_rollup_pending_in(db, county, year, 1, &any) ? -1 : any;
}

int store_year_lock_take(struct db *db, int county, int year, long long account, long long *lock_id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO year_locks (county_id, year, locked_at, locked_by) VALUES (?, ?, NOW(3), ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, account);
	if (db_exec(st))
		return -1;
	*lock_id = (long long)db_insert_id(st);
	/* The tree it is signed with (migration 0045): read under the lock's share locks of the agencies. */
	st = db_prepare(db, "INSERT INTO year_lock_agencies (lock_id, agency_id, parent_id, level)"
			" SELECT ?, id, parent_id, level FROM agencies WHERE county_id = ? AND active = 1");
	if (!st)
		return -1;
	db_bind_int(st, 0, *lock_id);
	db_bind_int(st, 1, county);
	if (db_exec(st))
		return -1;
	st = db_prepare(db, "UPDATE inventory_years SET lock_id = ? WHERE county_id = ? AND year = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, *lock_id);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	return db_exec(st);
}

int store_year_lock_add_exception(struct db *db, long long lock_id, long long agency_id, const char *reason)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO year_lock_exceptions (lock_id, agency_id, reason) VALUES (?, ?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, lock_id);
	db_bind_int(st, 1, agency_id);
	db_bind_text(st, 2, reason);
	return db_exec(st);
}

int store_year_lock_release(struct db *db, int county, int year, long long lock_id, long long account, const char *reason,
			    int *done)
{
	struct db_stmt *st = db_prepare(db, "UPDATE inventory_years SET lock_id = NULL WHERE county_id = ? AND year = ? AND lock_id = ?");

	*done = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, lock_id);
	if (db_exec(st))
		return -1;
	if (!db_affected(st))
		return 0;   /* not the lock in force: nothing changed */
	st = db_prepare(db, "UPDATE year_locks SET unlocked_at = NOW(3), unlocked_by = ?, unlock_reason = ?"
			    " WHERE id = ? AND county_id = ? AND year = ? AND unlocked_at IS NULL");
	if (!st)
		return -1;
	db_bind_int(st, 0, account);
	db_bind_text(st, 1, reason);
	db_bind_int(st, 2, lock_id);
	db_bind_int(st, 3, county);
	db_bind_int(st, 4, year);
	/*
	 * What the tree did while it was locked (the rollup worker set it aside: store_rollup_set_aside),
	 * and the figures a factor change could not overwrite while it was (their 重算值): those not
	 * confirmed are written in place by the exporter's run (store_fd_unlock_queue).
	 */
	if (db_exec(st) || store_rollup_queue_year(db, county, year) ||
	    store_fd_unlock_queue(db, county, year, lock_id, account, reason) < 0)
		return -1;
	*done = 1;
	return 0;
}

int store_year_lock_history(struct db *db, int county, int year, int max,
			    int (*each)(void *ctx, const struct store_year_lock_entry *e), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT l.id, DATE_FORMAT(l.locked_at, '%Y-%m-%d %H:%i'), la.login, IFNULL(DATE_FORMAT(l.unlocked_at, '%Y-%m-%d %H:%i'), ''),"
		" IFNULL(ua.login, ''), IFNULL(l.unlock_reason, ''), (SELECT COUNT(*) FROM year_lock_exceptions e WHERE e.lock_id = l.id)"
		" FROM year_locks l JOIN accounts la ON la.id = l.locked_by LEFT JOIN accounts ua ON ua.id = l.unlocked_by"
		" WHERE l.county_id = ? AND l.year = ? ORDER BY l.id DESC LIMIT ?");
	struct store_year_lock_entry e;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, max);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		e.id = db_col_int(st, 0);
		db_col_copy(st, 1, e.locked_at, sizeof(e.locked_at));
		db_col_copy(st, 2, e.locked_by, sizeof(e.locked_by));
		db_col_copy(st, 3, e.unlocked_at, sizeof(e.unlocked_at));
		db_col_copy(st, 4, e.unlocked_by, sizeof(e.unlocked_by));
		db_col_copy(st, 5, e.unlock_reason, sizeof(e.unlock_reason));
		e.exceptions = (int)db_col_int(st, 6);
		if (each(ctx, &e))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_year_lock_exceptions(struct db *db, int county, int year, long long from_id,
			       int (*each)(void *ctx, const struct store_year_lock_exception *x), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT x.lock_id, x.agency_id, a.code, a.name, x.reason FROM year_locks l"
		" JOIN year_lock_exceptions x ON x.lock_id = l.id JOIN agencies a ON a.id = x.agency_id"
		" WHERE l.county_id = ? AND l.year = ? AND l.id >= ? ORDER BY l.id DESC, a.level, a.code");
	struct store_year_lock_exception x;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, from_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		x.lock_id = db_col_int(st, 0);
		x.agency_id = db_col_int(st, 1);
		db_col_copy(st, 2, x.code, sizeof(x.code));
		db_col_copy(st, 3, x.name, sizeof(x.name));
		db_col_copy(st, 4, x.reason, sizeof(x.reason));
		if (each(ctx, &x))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

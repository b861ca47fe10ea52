/* store_factorday_run.c: factor day's runs: a change queued, cancelled, retried, claimed by an
 * exporter, its progress and end, and what a county-year waits for (store_factorday.h). */
#include "store_factorday.h"

/* An UPDATE of change id whose row count is the answer: 1 / 0 / -1. */
static int one_row(struct db_stmt *st, long long id, int k)
{
	if (!st)
		return -1;
	db_bind_int(st, k, id);
	if (db_exec(st))
		return -1;
	return db_affected(st) == 1;
}

int store_fd_queue(struct db *db, long long id)
{
	return one_row(db_prepare(db, "UPDATE factor_changes SET status = 'queued', queued_at = NOW()"
				  " WHERE id = ? AND status = 'draft' AND preview_status = 'done'"), id, 0);
}

int store_fd_cancel(struct db *db, long long id)
{
	return one_row(db_prepare(db, "UPDATE factor_changes SET status = 'cancelled', finished_at = NOW() WHERE id = ? AND status = 'draft'"),
		       id, 0);
}

int store_fd_next(struct db *db, long long *id, int *what)
{
	struct db_stmt *st = db_prepare(db,
		"(SELECT 1, id FROM factor_changes WHERE status = 'draft' AND preview_status = 'pending' ORDER BY id LIMIT 1)"
		" UNION ALL (SELECT 2, id FROM factor_changes WHERE (status = 'running' AND lease_until < NOW())"
		"  OR (status = 'queued' AND NOT EXISTS (SELECT 1 FROM factor_changes r WHERE r.status = 'running'))"
		"  ORDER BY status = 'running' DESC, id LIMIT 1) LIMIT 1");
	int r;

	*what = 0;
	if (!st || db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		*what = (int)db_col_int(st, 0);
		*id = db_col_int(st, 1);
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/*
 * A county's choice of electricity variant, at its first claim: 1 written
 * (or not a choice), 2 refused and the change failed (the year was locked
 * or published after it was proposed: a signed year keeps its choice), -1.
 * The "before" is the choice as it is now, not as it was when proposed (a
 * change finished in between), and the year's row is locked while it is read.
 */
static int claim_choice(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT y.lock_id IS NOT NULL OR y.published_at IS NOT NULL FROM factor_changes c JOIN inventory_years y"
		" ON y.county_id = c.county_id AND y.year = c.first_year WHERE c.id = ? AND c.kind = 'choice' FOR UPDATE");
	int r, frozen = 0;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		frozen = (int)db_col_int(st, 0);
	db_reset(st);
	if (r < 0)
		return -1;
	if (r == 0)
		return 1;   /* a factor or an unlock's run, not a county's choice */
	if (frozen)
		return one_row(db_prepare(db, "UPDATE factor_changes SET status = 'failed', finished_at = NOW(), claim = NULL,"
					  " lease_until = NULL, error = '本年度已鎖定或已公開：電力排碳係數未變更（須先解除年度鎖定）。'"
					  " WHERE id = ?"), id, 0) < 0 ? -1 : 2;
	/* Two statements: a multi-table UPDATE does not promise the order of its assignments. */
	if (one_row(db_prepare(db, "UPDATE factor_changes c JOIN inventory_years y ON y.county_id = c.county_id AND y.year = c.first_year"
			       " SET c.old_value = y.elec_variant WHERE c.id = ?"), id, 0) < 0 ||
	    one_row(db_prepare(db, "UPDATE inventory_years y JOIN factor_changes c ON c.county_id = y.county_id AND c.first_year = y.year"
			       " SET y.elec_variant = c.value WHERE c.id = ?"), id, 0) < 0)
		return -1;
	return 1;
}

/*
 * A failed change whose 重新執行 is due: its run wrote its factor (factors'
 * row still its own) or its county's choice (the year's choice still its
 * value, and no change of that county-year ran after it).
 */
#define FD_FACTOR_DUE(c) c ".status = 'failed' AND " c ".attempts > 0" \
	" AND EXISTS (SELECT 1 FROM factors f WHERE f.fkey = " c ".fkey AND f.change_id = " c ".id)"
#define FD_CHOICE_DUE(c) c ".status = 'failed' AND " c ".attempts > 0 AND y.elec_variant = " c ".value" \
	" AND " c ".id = (SELECT MAX(m.id) FROM factor_changes m WHERE m.county_id = " c ".county_id" \
	" AND m.first_year = " c ".first_year AND m.kind = 'choice' AND m.status IN ('done', 'failed'))"

/* An unlock's run that failed: nothing was written before its first batch, so it is due whenever the year is unlocked. */
#define FD_UNLOCK_DUE(c) c ".status = 'failed' AND " c ".attempts > 0"
/* An unlock's run not done yet: queued, running, or failed with 重新執行 due. */
#define FD_UNLOCK_OPEN(c) c ".kind = 'unlock' AND (" c ".status IN ('queued', 'running') OR " FD_UNLOCK_DUE(c) ")"

int store_fd_retry(struct db *db, long long id)
{
	/* A county's choice also not in a year locked or published since (its claim's check is not made again). */
	struct db_stmt *st = db_prepare(db,
		"UPDATE factor_changes c SET c.status = 'queued', c.error = NULL, c.finished_at = NULL, c.queued_at = NOW()"
		" WHERE c.id = ? AND IF(c.county_id IS NULL, " FD_FACTOR_DUE("c") ","
		" EXISTS (SELECT 1 FROM inventory_years y WHERE y.county_id = c.county_id AND y.year = c.first_year"
		" AND y.lock_id IS NULL AND y.published_at IS NULL AND IF(c.kind = 'unlock', " FD_UNLOCK_DUE("c") ", " FD_CHOICE_DUE("c") ")))");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (!db_exec(st))
		return db_affected(st) == 1;
	return db_err_duplicate(db) ? 0 : -1;   /* another change of the same key is open meanwhile */
}

int store_fd_unfinished(struct db *db, int county, int year, int factors)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT (SELECT COUNT(*) FROM factor_changes c JOIN inventory_years y ON y.county_id = c.county_id AND y.year = c.first_year"
		" WHERE c.county_id = ? AND c.first_year = ? AND c.kind = 'choice' AND (c.status IN ('queued', 'running') OR " FD_CHOICE_DUE("c") ")),"
		" (SELECT COUNT(*) FROM factor_changes g WHERE ? AND g.county_id IS NULL AND g.first_year <= ?"
		" AND (g.status IN ('queued', 'running') OR " FD_FACTOR_DUE("g") ")),"
		" (SELECT COUNT(*) FROM factor_changes u WHERE u.county_id = ? AND u.first_year = ? AND " FD_UNLOCK_OPEN("u") ")");
	int r, choice = 0, factor = 0, unlock = 0;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, factors);
	db_bind_int(st, 3, year);
	db_bind_int(st, 4, county);
	db_bind_int(st, 5, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		choice = db_col_int(st, 0) > 0;
		factor = db_col_int(st, 1) > 0;
		unlock = db_col_int(st, 2) > 0;
	}
	db_reset(st);
	return r != 1 ? -1 : choice ? 1 : factor ? 2 : unlock ? 3 : 0;
}

int store_fd_claim_lock(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM worker_claims WHERE name = 'factor-day' FOR UPDATE SKIP LOCKED");
	int r;

	if (!st || db_exec(st))
		return -1;
	r = db_step(st);
	db_reset(st);
	return r < 0 ? -1 : r == 1 ? 0 : 1;
}

int store_fd_claim(struct db *db, long long id, const char *claim, int lease)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT status, status = 'queued' AND attempts = 0 FROM factor_changes WHERE id = ? AND ((status = 'running' AND lease_until < NOW())"
		" OR (status = 'queued' AND NOT EXISTS (SELECT 1 FROM factor_changes r WHERE r.status = 'running' AND r.id <> ?))) FOR UPDATE");
	int r, first;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	first = r == 1 ? (int)db_col_int(st, 1) : 0;
	db_reset(st);
	if (r != 1)
		return r;
	st = db_prepare(db, "UPDATE factor_changes SET status = 'running', claim = ?, lease_until = NOW() + INTERVAL ? SECOND,"
			" attempts = attempts + 1, started_at = IFNULL(started_at, NOW()) WHERE id = ?");
	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	db_bind_int(st, 1, lease);
	db_bind_int(st, 2, id);
	if (db_exec(st))
		return -1;
	if (!first)
		return 1;
	/*
	 * The factor itself (or the county-year's choice of variant), the first time: from now on every save
	 * computes with it (a save in progress holds these rows in share mode, store_year_save_basis, and
	 * commits first); the run brings the rest in line.
	 */
	r = claim_choice(db, id);
	if (r != 1)
		return r;
	st = db_prepare(db,
		"INSERT INTO factors (fkey, category, scope, gas, unit, value, valid_from, valid_to, source, confidence, change_id,"
		" ci_lower_milli, ci_upper_milli, ci_source)"
		" SELECT fkey, category, scope, gas, unit, value, valid_from, valid_to, source, confidence, id, ci_lower_milli, ci_upper_milli,"
		" IF(ci_lower_milli IS NULL, NULL, source) FROM factor_changes WHERE id = ? AND county_id IS NULL"
		" ON DUPLICATE KEY UPDATE value = VALUES(value), valid_from = VALUES(valid_from), valid_to = VALUES(valid_to),"
		" source = VALUES(source), confidence = VALUES(confidence), change_id = VALUES(change_id),"
		/* an interval the change does not set is kept */
		" ci_source = IF(VALUES(ci_lower_milli) IS NULL, factors.ci_source, VALUES(ci_source)),"
		" ci_lower_milli = IFNULL(VALUES(ci_lower_milli), factors.ci_lower_milli),"
		" ci_upper_milli = IFNULL(VALUES(ci_upper_milli), factors.ci_upper_milli)");
	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return db_exec(st) ? -1 : 1;
}

int store_fd_total(struct db *db, long long id, const char *claim, const struct store_fd_span *sp)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE factor_changes SET total_reports = (SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id"
		" AND a.active = 1 WHERE r.year BETWEEN ? AND ? AND (? = 0 OR a.county_id = ?)) WHERE claim = ? AND status = 'running' AND id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, sp->y0);
	db_bind_int(st, 1, sp->y1);
	db_bind_int(st, 2, sp->county_id);
	db_bind_int(st, 3, sp->county_id);
	db_bind_text(st, 4, claim);
	db_bind_int(st, 5, id);
	return db_exec(st);
}

int store_fd_progress(struct db *db, long long id, const char *claim, long long cursor, int done, int changed,
		      int restated, int lease)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE factor_changes SET cursor_report_id = ?, done_reports = done_reports + ?, changed_reports = changed_reports + ?,"
		" restated_reports = restated_reports + ?, lease_until = NOW() + INTERVAL ? SECOND"
		" WHERE claim = ? AND status = 'running' AND id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, cursor);
	db_bind_int(st, 1, done);
	db_bind_int(st, 2, changed);
	db_bind_int(st, 3, restated);
	db_bind_int(st, 4, lease);
	db_bind_text(st, 5, claim);
	return one_row(st, id, 6);
}

int store_fd_finish(struct db *db, long long id, const char *claim, const char *error)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE factor_changes SET status = IF(? = '', 'done', 'failed'), error = NULLIF(LEFT(?, 300), ''), finished_at = NOW(),"
		" claim = NULL, lease_until = NULL WHERE claim = ? AND status = 'running' AND id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, error ? error : "");
	db_bind_text(st, 1, error ? error : "");
	db_bind_text(st, 2, claim);
	return one_row(st, id, 3);
}

int store_fd_unlock_pending(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM factor_changes u WHERE u.county_id = ? AND u.first_year = ?"
					" AND " FD_UNLOCK_OPEN("u"));
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	r = db_col_int(st, 0) > 0;
	db_reset(st);
	return r;
}

int store_fd_unlock_due_for(struct db *db, long long report_id)
{
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id"
					" JOIN factor_changes u ON u.county_id = a.county_id AND u.first_year = r.year AND " FD_UNLOCK_OPEN("u")
					" WHERE r.id = ? AND r.restated_change_id IS NOT NULL");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	r = db_col_int(st, 0) > 0;
	db_reset(st);
	return r;
}

int store_fd_variants(struct db *db, int y0, int y1, int (*each)(void *ctx, int county_id, int year, enum calc_elec elec), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT county_id, year, elec_variant FROM inventory_years"
					" WHERE year BETWEEN ? AND ? AND elec_variant <> 'overall'");
	char v[16];
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, y0);
	db_bind_int(st, 1, y1);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 2, v, sizeof(v));
		if (each(ctx, (int)db_col_int(st, 0), (int)db_col_int(st, 1), calc_elec_of(v)))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* store_factorday.c: factor day: the changes, their previews, their runs, 重算值 and notices. */
#include <stdio.h>
#include <string.h>

#include "store_factorday.h"

/* Every column of a change, in the order change_read reads them. */
#define CHANGE_COLS "c.id, c.fkey, c.category, c.scope, c.gas, c.unit, c.value, IFNULL(c.old_value, ''), IFNULL(c.old_confidence, '')," \
	" c.source, c.confidence, c.status, c.preview_status, IFNULL(c.error, ''), DATE_FORMAT(c.created_at, '%Y-%m-%d %H:%i:%s')," \
	" IFNULL(DATE_FORMAT(c.finished_at, '%Y-%m-%d %H:%i:%s'), ''), IFNULL(b.login, ''), c.is_new, IFNULL(c.valid_from, 0)," \
	" IFNULL(c.valid_to, 0), c.first_year, c.last_year, c.cursor_report_id, c.total_reports, c.done_reports," \
	" c.changed_reports, c.restated_reports, c.activity_cursor, c.changed_activities, c.kept_activities," \
	" IFNULL(c.ci_lower_milli, -1), IFNULL(c.ci_upper_milli, -1), IFNULL(c.old_ci_lower_milli, -1), IFNULL(c.old_ci_upper_milli, -1)," \
	" IFNULL(c.county_id, 0), IFNULL(k.name, ''), IFNULL(UNIX_TIMESTAMP(c.started_at), 0), c.kind = 'unlock'" \
	" FROM factor_changes c LEFT JOIN accounts b ON b.id = c.created_by LEFT JOIN counties k ON k.id = c.county_id"

static void change_read(struct db_stmt *st, struct store_fd_change *c)
{
	c->id = db_col_int(st, 0);
	db_col_copy(st, 1, c->key, sizeof(c->key));
	db_col_copy(st, 2, c->category, sizeof(c->category));
	db_col_copy(st, 3, c->scope, sizeof(c->scope));
	db_col_copy(st, 4, c->gas, sizeof(c->gas));
	db_col_copy(st, 5, c->unit, sizeof(c->unit));
	db_col_copy(st, 6, c->value, sizeof(c->value));
	db_col_copy(st, 7, c->old_value, sizeof(c->old_value));
	db_col_copy(st, 8, c->old_confidence, sizeof(c->old_confidence));
	db_col_copy(st, 9, c->source, sizeof(c->source));
	db_col_copy(st, 10, c->confidence, sizeof(c->confidence));
	db_col_copy(st, 11, c->status, sizeof(c->status));
	db_col_copy(st, 12, c->preview_status, sizeof(c->preview_status));
	db_col_copy(st, 13, c->error, sizeof(c->error));
	db_col_copy(st, 14, c->created_at, sizeof(c->created_at));
	db_col_copy(st, 15, c->finished_at, sizeof(c->finished_at));
	db_col_copy(st, 16, c->by, sizeof(c->by));
	c->is_new = (int)db_col_int(st, 17);
	c->valid_from = (int)db_col_int(st, 18);
	c->valid_to = (int)db_col_int(st, 19);
	c->first_year = (int)db_col_int(st, 20);
	c->last_year = (int)db_col_int(st, 21);
	c->cursor = db_col_int(st, 22);
	c->total = db_col_int(st, 23);
	c->done = db_col_int(st, 24);
	c->changed = db_col_int(st, 25);
	c->restated = db_col_int(st, 26);
	c->activity_cursor = db_col_int(st, 27);
	c->changed_activities = db_col_int(st, 28);
	c->kept_activities = db_col_int(st, 29);
	c->ci_lower_milli = (int)db_col_int(st, 30);
	c->ci_upper_milli = (int)db_col_int(st, 31);
	c->old_ci_lower_milli = (int)db_col_int(st, 32);
	c->old_ci_upper_milli = (int)db_col_int(st, 33);
	c->county_id = (int)db_col_int(st, 34);
	db_col_copy(st, 35, c->county, sizeof(c->county));
	c->started = db_col_int(st, 36);
	c->unlock = (int)db_col_int(st, 37);
}

int store_fd_factor(struct db *db, const char *key, struct store_fd_change *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT category, scope, gas, unit, value, confidence, IFNULL(valid_from, 0), IFNULL(valid_to, 0), source,"
		" IFNULL(ci_lower_milli, -1), IFNULL(ci_upper_milli, -1) FROM factors WHERE fkey = ?");
	int r;

	if (!st)
		return -1;
	db_bind_text(st, 0, key);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		db_col_copy(st, 0, out->category, sizeof(out->category));
		db_col_copy(st, 1, out->scope, sizeof(out->scope));
		db_col_copy(st, 2, out->gas, sizeof(out->gas));
		db_col_copy(st, 3, out->unit, sizeof(out->unit));
		db_col_copy(st, 4, out->old_value, sizeof(out->old_value));
		db_col_copy(st, 5, out->old_confidence, sizeof(out->old_confidence));
		out->valid_from = (int)db_col_int(st, 6);
		out->valid_to = (int)db_col_int(st, 7);
		db_col_copy(st, 8, out->source, sizeof(out->source));
		out->old_ci_lower_milli = (int)db_col_int(st, 9);
		out->old_ci_upper_milli = (int)db_col_int(st, 10);
	}
	db_reset(st);
	return r;
}

int store_fd_key_other_case(struct db *db, const char *key, char *out, size_t size)
{
	struct db_stmt *st = db_prepare(db, "SELECT fkey FROM factors WHERE LOWER(fkey) = LOWER(?) AND fkey <> ? LIMIT 1");
	int r;

	if (!st)
		return -1;
	db_bind_text(st, 0, key);
	db_bind_text(st, 1, key);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		db_col_copy(st, 0, out, size);
	db_reset(st);
	return r;
}

int store_fd_create(struct db *db, const struct store_fd_change *c, long long by, long long *id)
{
	/*
	 * The years it can touch: from its first valid year before or after the change, whichever is
	 * earlier (or the first served), to the last served (a later year without a factor of its own may
	 * fall back on it: the electricity factor's 暫用); a county's choice of electricity variant, its one
	 * year (every year has its own choice).
	 */
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO factor_changes (fkey, is_new, kind, county_id, category, scope, gas, unit, value, old_value, old_confidence,"
		" valid_from, valid_to, source, confidence, ci_lower_milli, ci_upper_milli, old_ci_lower_milli, old_ci_upper_milli,"
		" first_year, last_year, created_by, created_at)"
		" SELECT ?, ?, IF(? > 0, 'choice', 'factor'), NULLIF(?, 0), ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, 0), NULLIF(?, 0), ?, ?, NULLIF(?, -1),"
		" NULLIF(?, -1), NULLIF(?, -1), NULLIF(?, -1),"
		" GREATEST(?, IFNULL(MIN(year), 0)), IF(? > 0, ?, IFNULL(MAX(year), 0)), ?, NOW() FROM inventory_years");
	int k = 0;

	if (!st)
		return -1;
	db_bind_text(st, k++, c->key);
	db_bind_int(st, k++, c->is_new);
	db_bind_int(st, k++, c->county_id);
	db_bind_int(st, k++, c->county_id);
	db_bind_text(st, k++, c->category);
	db_bind_text(st, k++, c->scope);
	db_bind_text(st, k++, c->gas);
	db_bind_text(st, k++, c->unit);
	db_bind_text(st, k++, c->value);
	db_bind_text(st, k++, c->old_value);
	db_bind_text(st, k++, c->old_confidence);
	db_bind_int(st, k++, c->valid_from);
	db_bind_int(st, k++, c->valid_to);
	db_bind_text(st, k++, c->source);
	db_bind_text(st, k++, c->confidence);
	db_bind_int(st, k++, c->ci_lower_milli);
	db_bind_int(st, k++, c->ci_upper_milli);
	db_bind_int(st, k++, c->is_new ? -1 : c->old_ci_lower_milli);
	db_bind_int(st, k++, c->is_new ? -1 : c->old_ci_upper_milli);
	db_bind_int(st, k++, c->county_id ? c->valid_from : c->recompute_from);
	db_bind_int(st, k++, c->county_id);
	db_bind_int(st, k++, c->valid_from);
	db_bind_int(st, k, by);
	if (db_exec(st))
		return db_err_duplicate(db) ? 0 : -1;
	*id = (long long)db_insert_id(st);
	return 1;
}

int store_fd_unlock_queue(struct db *db, int county_id, int year, long long lock_id, long long by, const char *reason)
{
	/*
	 * A plain read, not INSERT ... SELECT: that would take the reports' rows in share mode while
	 * this transaction holds the year's row, the order opposite to a factor day batch's (its
	 * reports, then the years in share mode).  A batch that restates a report of the year has
	 * either committed before this read, or waits for the year's row and then finds it unlocked
	 * (and writes in place).
	 */
	struct db_stmt *st = db_prepare(db,
		"SELECT EXISTS (SELECT 1 FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.active = 1"
		"  WHERE a.county_id = ? AND r.year = ? AND r.restated_change_id IS NOT NULL AND r.confirmed_version IS NULL)"
		" OR EXISTS (SELECT 1 FROM county_activities WHERE county_id = ? AND year = ? AND restated_change_id IS NOT NULL)");
	int r, any = 0, k = 0;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, county_id);
	db_bind_int(st, 3, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		any = (int)db_col_int(st, 0);
	db_reset(st);
	if (r != 1)
		return -1;
	if (!any)
		return 0;
	/*
	 * Queued as the admin's 套用 queues a change (no preview: it moves only figures kept while the
	 * year was locked, each back to what a save would write).  The key names the lock, so each
	 * unlocking has its own run, with a '#' no factor's key has (store_console's [a-z0-9_]).
	 */
	st = db_prepare(db,
		"INSERT INTO factor_changes (fkey, is_new, kind, county_id, category, unit, value, source, confidence, status, preview_status,"
		" first_year, last_year, created_by, created_at, queued_at)"
		" VALUES (CONCAT('unlock#', ?), 0, 'unlock', ?, '', '', '', LEFT(?, 600), 'official', 'queued', 'done', ?, ?, ?, NOW(), NOW())");
	if (!st)
		return -1;
	db_bind_int(st, k++, lock_id);
	db_bind_int(st, k++, county_id);
	db_bind_text(st, k++, reason);
	db_bind_int(st, k++, year);
	db_bind_int(st, k++, year);
	db_bind_int(st, k, by);
	return db_exec(st) ? -1 : 1;
}

/* Runs st (bound), the one change it selects into *out: 1 / 0 / -1. */
static int change_one(struct db_stmt *st, struct store_fd_change *out)
{
	int r;

	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		change_read(st, out);
	db_reset(st);
	return r;
}

int store_fd_get(struct db *db, long long id, struct store_fd_change *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " CHANGE_COLS " WHERE c.id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return change_one(st, out);
}

/* The newest change of county_id's year of kind `kind`: 1 / 0 / -1. */
static int latest_of(struct db *db, int county_id, int year, const char *kind, struct store_fd_change *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " CHANGE_COLS " WHERE c.county_id = ? AND c.first_year = ? AND c.kind = ? ORDER BY c.id DESC LIMIT 1");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	db_bind_text(st, 2, kind);
	return change_one(st, out);
}

int store_fd_latest_choice(struct db *db, int county_id, int year, struct store_fd_change *out)
{
	return latest_of(db, county_id, year, "choice", out);
}

int store_fd_latest_unlock(struct db *db, int county_id, int year, struct store_fd_change *out)
{
	return latest_of(db, county_id, year, "unlock", out);
}

int store_fd_list(struct db *db, int (*each)(void *ctx, const struct store_fd_change *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT " CHANGE_COLS " ORDER BY c.id DESC LIMIT 50");
	struct store_fd_change c;
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		change_read(st, &c);
		if (each(ctx, &c))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_fd_effects(struct db *db, long long id, int (*each)(void *ctx, const struct store_fd_effect *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT e.county_id, e.year, k.name, e.agency_years, e.confirmed_years, e.line_count, e.delta_milli,"
		" e.activity_lines, e.activity_delta_milli"
		" FROM factor_change_effects e JOIN counties k ON k.id = e.county_id WHERE e.change_id = ? ORDER BY k.letter, e.year");
	struct store_fd_effect e;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		e.county_id = (int)db_col_int(st, 0);
		e.year = (int)db_col_int(st, 1);
		e.county = db_col_text(st, 2, NULL);
		e.agency_years = db_col_int(st, 3);
		e.confirmed_years = db_col_int(st, 4);
		e.lines = db_col_int(st, 5);
		e.delta_milli = db_col_int(st, 6);
		e.activity_lines = db_col_int(st, 7);
		e.activity_delta_milli = db_col_int(st, 8);
		if (each(ctx, &e))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_fd_effects_set(struct db *db, long long id, const struct store_fd_effect *rows, int n)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM factor_change_effects WHERE change_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return -1;
	for (int i = 0; i < n; i++) {
		st = db_prepare(db, "INSERT INTO factor_change_effects (change_id, county_id, year, agency_years, confirmed_years,"
				" line_count, delta_milli, activity_lines, activity_delta_milli) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if (!st)
			return -1;
		db_bind_int(st, 0, id);
		db_bind_int(st, 1, rows[i].county_id);
		db_bind_int(st, 2, rows[i].year);
		db_bind_int(st, 3, rows[i].agency_years);
		db_bind_int(st, 4, rows[i].confirmed_years);
		db_bind_int(st, 5, rows[i].lines);
		db_bind_int(st, 6, rows[i].delta_milli);
		db_bind_int(st, 7, rows[i].activity_lines);
		db_bind_int(st, 8, rows[i].activity_delta_milli);
		if (db_exec(st))
			return -1;
	}
	st = db_prepare(db, "UPDATE factor_changes SET preview_status = 'done', error = NULL WHERE id = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return db_exec(st);
}

int store_fd_preview_failed(struct db *db, long long id, const char *why)
{
	struct db_stmt *st = db_prepare(db, "UPDATE factor_changes SET preview_status = 'failed', error = LEFT(?, 300) WHERE id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, why);
	db_bind_int(st, 1, id);
	return db_exec(st);
}

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
		" (SELECT COUNT(*) FROM factor_changes u WHERE u.county_id = ? AND u.first_year = ? AND u.kind = 'unlock'"
		" AND (u.status IN ('queued', 'running') OR " FD_UNLOCK_DUE("u") "))");
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

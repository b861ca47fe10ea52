/* store_factorday.c: factor day: the changes (a factor's, a county's choice, an unlock's run), their previews; the runs are store_factorday_run.c's. */
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
		" VALUES (CONCAT('" STORE_FD_UNLOCK_KEY "', ?), 0, 'unlock', ?, '', '', '', LEFT(?, 600), 'official', 'queued', 'done', ?, ?, ?, NOW(), NOW())");
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

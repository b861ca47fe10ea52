/* store_factorday_na.c: factor day's walk over the counties' non-agency lines (county_activities). */
#include <stdlib.h>
#include <string.h>

#include "store_audit.h"
#include "store_factorday.h"
#include "util.h"

/* The lines with their county-year's lock or publication (frozen: kept as they are). */
#define ACTIVITY_SQL "SELECT a.id, a.county_id, a.year, a.method, a.quantity, IFNULL(a.quantity2, ''), IFNULL(a.opt1, '')," \
	" IFNULL(a.opt2, ''), IFNULL(a.opt3, ''), IFNULL(a.override_factor, ''), a.kg_milli," \
	" iy.lock_id IS NOT NULL OR iy.published_at IS NOT NULL, a.restated_change_id IS NOT NULL" \
	" FROM county_activities a LEFT JOIN inventory_years iy ON iy.county_id = a.county_id AND iy.year = a.year" \
	" WHERE a.year BETWEEN ? AND ? AND (? = 0 OR a.county_id = ?) AND a.id > ? ORDER BY a.id LIMIT ?"

static struct db_stmt *bound(struct db_stmt *st, const struct store_fd_span *sp, long long after, int max)
{
	if (!st)
		return NULL;
	db_bind_int(st, 0, sp->y0);
	db_bind_int(st, 1, sp->y1);
	db_bind_int(st, 2, sp->county_id);
	db_bind_int(st, 3, sp->county_id);
	db_bind_int(st, 4, after);
	db_bind_int(st, 5, max);
	return st;
}

/*
 * The county-years of the next batch (a plain read), each asked for a
 * quality run (the line's save does so too: quality_queue's row, the
 * county's shared by its key, before the lines): in county, year order.
 */
static int request_quality(struct db *db, const struct store_fd_span *sp, long long after, int max)
{
	struct db_stmt *st = bound(db_prepare(db,
		"SELECT DISTINCT county_id, year FROM (SELECT county_id, year FROM county_activities"
		" WHERE year BETWEEN ? AND ? AND (? = 0 OR county_id = ?) AND id > ? ORDER BY id LIMIT ?) b ORDER BY county_id, year"),
		sp, after, max);
	int *cy = NULL, n = 0, cap = 0, r, rc = -1;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			cy = xrealloc(cy, sizeof(*cy) * 2 * (size_t)cap);
		}
		cy[2 * n] = (int)db_col_int(st, 0);
		cy[2 * n + 1] = (int)db_col_int(st, 1);
		n++;
	}
	db_reset(st);
	if (r < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		st = db_prepare(db, "INSERT INTO quality_queue (county_id, year, requests, requested_at) VALUES (?, ?, 1, NOW(3))"
				" ON DUPLICATE KEY UPDATE requests = requests + 1, requested_at = NOW(3)");
		if (!st)
			goto out;
		db_bind_int(st, 0, cy[2 * i]);
		db_bind_int(st, 1, cy[2 * i + 1]);
		if (db_exec(st))
			goto out;
	}
	rc = 0;
out:
	free(cy);
	return rc;
}

int store_fd_activities(struct db *db, const struct store_fd_span *sp, long long after, int max, int lock, struct store_fd_activity *out)
{
	struct db_stmt *st;
	int n = 0, r;

	if (lock) {
		if (request_quality(db, sp, after, max))
			return -1;
		st = bound(db_prepare(db, "SELECT id FROM county_activities WHERE year BETWEEN ? AND ? AND (? = 0 OR county_id = ?)"
				      " AND id > ? ORDER BY id LIMIT ? FOR UPDATE"), sp, after, max);
		if (!st || db_exec(st))
			return -1;
		while ((r = db_step(st)) == 1)
			;
		db_reset(st);
		if (r < 0)
			return -1;
		if (store_fd_lock_years(db, sp))
			return -1;
	}
	st = bound(db_prepare(db, ACTIVITY_SQL), sp, after, max);
	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1 && n < max) {
		struct store_fd_activity *a = &out[n++];

		a->id = db_col_int(st, 0);
		a->county_id = (int)db_col_int(st, 1);
		a->year = (int)db_col_int(st, 2);
		db_col_copy(st, 3, a->method, sizeof(a->method));
		db_col_copy(st, 4, a->quantity, sizeof(a->quantity));
		db_col_copy(st, 5, a->quantity2, sizeof(a->quantity2));
		for (int i = 0; i < 3; i++)
			db_col_copy(st, 6 + i, a->opt[i], sizeof(a->opt[i]));
		db_col_copy(st, 9, a->override_factor, sizeof(a->override_factor));
		a->kg_milli = db_col_int(st, 10);
		a->frozen = (int)db_col_int(st, 11);
		a->restated = (int)db_col_int(st, 12);
	}
	db_reset(st);
	return r < 0 ? -1 : n;
}

#define SET_GAS(g) g "_milli = ?, " g "_ef_lower_milli = ?, " g "_ef_upper_milli = ?, "
#define ROW_GAS(g) ", " g "_milli, " g "_ef_lower_milli, " g "_ef_upper_milli"
#define ROW_PARAMS "?, ?, ?, ?, ?, ?, ?, ?" ", ?, ?, ?" ", ?, ?, ?" ", ?, ?, ?" ", ?, ?, ?" ", ?, ?, ?" ", ?, ?, ?" ", ?, ?, ?"

/* Line l's computed columns bound from parameter i on, in SET_GAS's order: the next parameter's index. */
static int bind_line(struct db_stmt *st, int i, const struct na_line *l, long long kg_milli)
{
	db_bind_int(st, i++, kg_milli);
	db_bind_text(st, i++, l->gwp_set);
	db_bind_text(st, i++, l->factor_text);
	db_bind_text(st, i++, l->unit_text);
	db_bind_text(st, i++, l->method);
	db_bind_text(st, i++, l->sources);
	db_bind_int(st, i++, l->provisional);
	db_bind_int(st, i++, l->iso_category);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		const struct calc_gas_amount *ga = &l->gas[g];
		long long m;

		if (ga->present && !dec_to_scaled_i64(ga->kg, 3, &m))
			db_bind_int(st, i++, m);
		else
			db_bind_null(st, i++);
		if (ga->present && ga->has_ci) {
			db_bind_int(st, i++, ga->ci_lower_milli);
			db_bind_int(st, i++, ga->ci_upper_milli);
		} else {
			db_bind_null(st, i++);
			db_bind_null(st, i++);
		}
	}
	return i;
}

int store_fd_activity_set(struct db *db, const struct store_fd_activity *a, const struct na_line *l, long long kg_milli,
			  const char *old_text, const char *new_text)
{
	/*
	 * A line that already holds every computed column as l has them, with
	 * no 重算值, was written at the new factors since the run began (the
	 * team saved it, which wrote its own audit line): left as it is.  The
	 * texts are compared byte for byte, not by the column's collation.
	 */
	struct db_stmt *st = db_prepare(db,
		"UPDATE county_activities SET kg_milli = ?, gwp_set = ?, factor_text = ?, unit_text = ?, method_text = ?, sources = ?,"
		" provisional = ?, iso_category = ?, " SET_GAS("co2") SET_GAS("ch4") SET_GAS("n2o") SET_GAS("hfcs") SET_GAS("pfcs")
		SET_GAS("sf6") SET_GAS("nf3") "version = version + 1, restated_kg_milli = NULL, restated_change_id = NULL,"
		" restated_at = NULL, updated_at = NOW(3) WHERE id = ? AND NOT (restated_kg_milli IS NULL AND"
		" (kg_milli, BINARY gwp_set, BINARY factor_text, BINARY unit_text, BINARY method_text, BINARY sources, provisional,"
		" iso_category" ROW_GAS("co2") ROW_GAS("ch4") ROW_GAS("n2o") ROW_GAS("hfcs") ROW_GAS("pfcs") ROW_GAS("sf6")
		ROW_GAS("nf3") ") <=> (" ROW_PARAMS "))");
	int i;

	if (!st)
		return -1;
	i = bind_line(st, 0, l, kg_milli);
	db_bind_int(st, i++, a->id);
	bind_line(st, i, l, kg_milli);
	if (db_exec(st))
		return -1;
	if (!db_affected(st)) {
		/* It holds them: no longer one a change held back (store_fd_activity_restate). */
		st = db_prepare(db, "UPDATE county_activities SET restated_change_id = NULL WHERE id = ? AND restated_kg_milli IS NULL");
		if (!st)
			return -1;
		db_bind_int(st, 0, a->id);
		return db_exec(st) ? -1 : 1;
	}
	return store_audit_add_county(db, &(struct store_audit_entry){ .county_id = a->county_id, .year = a->year,
		.field = "係數更新（非機關活動）", .old_value = old_text, .new_value = new_text, .client_addr = "factor-day" });
}

int store_fd_activity_progress(struct db *db, long long id, const char *claim, long long cursor, int changed, int kept, int lease)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE factor_changes SET activity_cursor = ?, changed_activities = changed_activities + ?,"
		" kept_activities = kept_activities + ?, lease_until = NOW() + INTERVAL ? SECOND"
		" WHERE claim = ? AND status = 'running' AND id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, cursor);
	db_bind_int(st, 1, changed);
	db_bind_int(st, 2, kept);
	db_bind_int(st, 3, lease);
	db_bind_text(st, 4, claim);
	db_bind_int(st, 5, id);
	if (db_exec(st))
		return -1;
	return db_affected(st) == 1;
}

int store_fd_activity_restate(struct db *db, const struct store_fd_activity *a, long long kg_milli, long long change_id,
			      const char *old_text, const char *new_text)
{
	/*
	 * The kept figure itself is no 重算值: NULL clears one an earlier change left.  The line is
	 * still one the change held back (restated_change_id, as store_fd_stage_apply marks a report):
	 * written in place once its year is unlocked, unless it already holds what it computes to.
	 */
	int same = kg_milli == a->kg_milli;
	struct db_stmt *st = db_prepare(db, "UPDATE county_activities SET restated_kg_milli = ?, restated_change_id = ?,"
					" restated_at = IF(? IS NULL, NULL, NOW()) WHERE id = ?");

	if (!st)
		return -1;
	for (int i = 0; i < 3; i += 2)
		if (same)
			db_bind_null(st, i);
		else
			db_bind_int(st, i, kg_milli);
	db_bind_int(st, 1, change_id);
	db_bind_int(st, 3, a->id);
	if (db_exec(st))
		return -1;
	if (same)
		return 0;
	return store_audit_add_county(db, &(struct store_audit_entry){ .county_id = a->county_id, .year = a->year,
		.field = "係數更新（非機關活動重算值）", .old_value = old_text, .new_value = new_text, .client_addr = "factor-day" });
}

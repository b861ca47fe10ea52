/* store_factorday_rows.c: factor day's rows: the reports of a batch, their quantities and lines, the
 * figures it writes (in place, or as a 重算值), and the notices. */
#include <string.h>

#include "store_factorday.h"

/*
 * A batch: the reports of active agencies (a deactivated agency's figures are its history, counted
 * nowhere) with their county and whether they are frozen.
 */
#define BATCH_SQL "SELECT r.id, r.agency_id, a.county_id, r.year, r.own_total_milli, r.outsourced_total_milli," \
	" r.confirmed_version IS NOT NULL OR iy.lock_id IS NOT NULL OR iy.published_at IS NOT NULL" \
	" FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.active = 1" \
	" LEFT JOIN inventory_years iy ON iy.county_id = a.county_id AND iy.year = r.year" \
	" WHERE r.year BETWEEN ? AND ? AND r.id > ?"

int store_fd_reports(struct db *db, int y0, int y1, long long after, int max, int lock, struct store_fd_report *out)
{
	struct db_stmt *st;
	int n = 0, r;

	if (lock) {
		/*
		 * The run: the batch's reports locked first (a save of one of them
		 * waits, or has committed), then the years' lock and publication in
		 * share mode (a year lock waits, or has committed: store_year_lock
		 * reads the reports in share mode too), and only then a consistent
		 * read, whose snapshot begins after both.
		 */
		st = db_prepare(db, "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.active = 1"
				" WHERE r.year BETWEEN ? AND ? AND r.id > ? ORDER BY r.id LIMIT ? FOR UPDATE");
		if (!st)
			return -1;
		db_bind_int(st, 0, y0);
		db_bind_int(st, 1, y1);
		db_bind_int(st, 2, after);
		db_bind_int(st, 3, max);
		if (db_exec(st))
			return -1;
		while ((r = db_step(st)) == 1)
			n++;
		db_reset(st);
		if (r < 0)
			return -1;
		st = db_prepare(db, "SELECT COUNT(*) FROM inventory_years WHERE year BETWEEN ? AND ? LOCK IN SHARE MODE");
		if (!st)
			return -1;
		db_bind_int(st, 0, y0);
		db_bind_int(st, 1, y1);
		if (db_exec(st) || db_step(st) != 1)
			return -1;
		db_reset(st);
	}
	st = db_prepare(db, BATCH_SQL " ORDER BY r.id LIMIT ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, y0);
	db_bind_int(st, 1, y1);
	db_bind_int(st, 2, after);
	db_bind_int(st, 3, max);
	if (db_exec(st))
		return -1;
	n = 0;
	while ((r = db_step(st)) == 1 && n < max) {
		struct store_fd_report *o = &out[n++];

		o->id = db_col_int(st, 0);
		o->agency_id = db_col_int(st, 1);
		o->county_id = (int)db_col_int(st, 2);
		o->year = (int)db_col_int(st, 3);
		o->own_milli = db_col_int(st, 4);
		o->outsourced_milli = db_col_int(st, 5);
		o->frozen = (int)db_col_int(st, 6);
	}
	db_reset(st);
	return r < 0 ? -1 : n;
}

int store_fd_items(struct db *db, long long lo, long long hi, int (*each)(void *ctx, const struct store_fd_item *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT report_id, part, item, seq, IFNULL(refrigerant, ''), quantity_milli FROM report_items"
		" WHERE report_id BETWEEN ? AND ? AND quantity_milli IS NOT NULL ORDER BY report_id, part, item, seq");
	struct store_fd_item it;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, lo);
	db_bind_int(st, 1, hi);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		it.report_id = db_col_int(st, 0);
		it.part = db_col_text(st, 1, NULL);
		it.item = db_col_text(st, 2, NULL);
		it.seq = (int)db_col_int(st, 3);
		it.refrigerant = db_col_text(st, 4, NULL);
		it.quantity_milli = db_col_int(st, 5);
		if (each(ctx, &it))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_fd_line_set(struct db *db, long long report_id, const struct calc_line *l, long long kg_milli)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE report_lines SET kg_milli = ?, factor_text = ?, gwp_set = ?, method = ?, sources = ?, provisional = ?"
		" WHERE report_id = ? AND part = ? AND item = ? AND seq = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, kg_milli);
	db_bind_text(st, 1, l->factor_text);
	db_bind_text(st, 2, l->gwp_set);
	db_bind_text(st, 3, l->method);
	db_bind_text(st, 4, l->sources);
	db_bind_int(st, 5, l->provisional);
	db_bind_int(st, 6, report_id);
	db_bind_text(st, 7, calc_part_keys[l->part]);
	db_bind_text(st, 8, calc_items[l->item].key);
	db_bind_int(st, 9, l->seq);
	return db_exec(st);
}

int store_fd_gases_clear(struct db *db, long long report_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM report_line_gases WHERE report_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	return db_exec(st);
}

int store_fd_report_totals(struct db *db, long long report_id, long long own_milli, long long outsourced_milli)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE reports SET own_total_milli = ?, outsourced_total_milli = ?, computed_at = NOW() WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, own_milli);
	db_bind_int(st, 1, outsourced_milli);
	db_bind_int(st, 2, report_id);
	return db_exec(st);
}

int store_fd_report_restated(struct db *db, long long report_id, long long change_id, long long own_milli,
			     long long outsourced_milli)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE reports SET restated_own_milli = ?, restated_outsourced_milli = ?, restated_change_id = ?, restated_at = NOW()"
		" WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, own_milli);
	db_bind_int(st, 1, outsourced_milli);
	db_bind_int(st, 2, change_id);
	db_bind_int(st, 3, report_id);
	return db_exec(st);
}

int store_fd_notice(struct db *db, long long change_id, const struct store_fd_report *r, long long new_own,
		    long long new_outsourced, int restated)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO factor_notices (change_id, agency_id, year, old_own_milli, new_own_milli, old_outsourced_milli,"
		" new_outsourced_milli, restated, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW())");

	if (!st)
		return -1;
	db_bind_int(st, 0, change_id);
	db_bind_int(st, 1, r->agency_id);
	db_bind_int(st, 2, r->year);
	db_bind_int(st, 3, r->own_milli);
	db_bind_int(st, 4, new_own);
	db_bind_int(st, 5, r->outsourced_milli);
	db_bind_int(st, 6, new_outsourced);
	db_bind_int(st, 7, restated);
	return db_exec(st);
}

int store_fd_notices(struct db *db, long long agency_id, int year,
		     int (*each)(void *ctx, const struct store_fd_notice *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT c.fkey, c.value, IFNULL(c.old_value, ''), IFNULL(DATE_FORMAT(c.finished_at, '%Y-%m-%d'), ''), n.old_own_milli,"
		" n.new_own_milli, n.old_outsourced_milli, n.new_outsourced_milli, n.restated"
		" FROM factor_notices n JOIN factor_changes c ON c.id = n.change_id WHERE n.agency_id = ? AND n.year = ?"
		" ORDER BY n.change_id DESC LIMIT 20");
	struct store_fd_notice n;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, n.key, sizeof(n.key));
		db_col_copy(st, 1, n.value, sizeof(n.value));
		db_col_copy(st, 2, n.old_value, sizeof(n.old_value));
		db_col_copy(st, 3, n.finished_at, sizeof(n.finished_at));
		n.old_own = db_col_int(st, 4);
		n.new_own = db_col_int(st, 5);
		n.old_outsourced = db_col_int(st, 6);
		n.new_outsourced = db_col_int(st, 7);
		n.restated = (int)db_col_int(st, 8);
		if (each(ctx, &n))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

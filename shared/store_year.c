/* store_year.c: the inventory years (inventory_years), per county and for the platform: open, deadline, publication, lock. */
#include <stdio.h>
#include <string.h>

#include "store_factor.h"   /* STORE_FACTOR_STAMP_FROM (store_year_save_basis) */
#include "store_report.h"   /* STORE_REPORT_STATUS_SQL (store_year_report_each) */
#include "store_year.h"

/* After a callback asked to stop at a row: the rest of the result goes. */
static int stopped(struct db_stmt *st, int r)
{
	db_reset(st);
	return r;
}

/* Column i of st, an elec_variant. */
static enum calc_elec elec_col(struct db_stmt *st, int i)
{
	char v[16];

	db_col_copy(st, i, v, sizeof(v));
	return calc_elec_of(v);
}

/* The platform's years: the first and last of any county. */
int store_year_span(struct db *db, int *first, int *last)
{
	struct db_stmt *st = db_prepare(db, "SELECT MIN(year), MAX(year) FROM inventory_years");
	int r;

	if (!st || db_exec(st))
		return -1;
	r = db_step(st);
	if (r < 0)
		return -1;
	if (r == 0 || db_col_isnull(st, 0) || db_col_isnull(st, 1)) {
		db_reset(st);
		return 1;
	}
	*first = (int)db_col_int(st, 0);
	*last = (int)db_col_int(st, 1);
	db_reset(st);
	return 0;
}

int store_year_exists(struct db *db, int county_id, int year)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM inventory_years WHERE county_id = ? AND year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	db_reset(st);
	return r;
}

int store_year_set(struct db *db, int county_id, int year, int is_open, const char *deadline, int *changed)
{
	struct db_stmt *st = db_prepare(db, "UPDATE inventory_years SET is_open = ?, deadline = NULLIF(?, '') WHERE county_id = ? AND year = ?");

	*changed = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, is_open);
	db_bind_text(st, 1, deadline);
	db_bind_int(st, 2, county_id);
	db_bind_int(st, 3, year);
	if (db_exec(st))
		return -1;
	*changed = db_affected(st) != 0;
	return 0;
}

int store_year_set_confirm_within(struct db *db, int county_id, int year, int days, int *changed)
{
	struct db_stmt *st = db_prepare(db, "UPDATE inventory_years SET confirm_within_days = ? WHERE county_id = ? AND year = ?");

	*changed = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, days);
	db_bind_int(st, 1, county_id);
	db_bind_int(st, 2, year);
	if (db_exec(st))
		return -1;
	*changed = db_affected(st) != 0;
	return 0;
}

int store_year_each_of_county(struct db *db, int county_id, int (*each)(void *ctx, const struct store_year_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT y.year, y.is_open, IFNULL(DATE_FORMAT(y.deadline, '%Y-%m-%d'), ''), y.confirm_within_days, y.published_at IS NOT NULL,"
		" IFNULL(y.lock_id, 0), IFNULL(DATE_FORMAT(l.locked_at, '%Y-%m-%d %H:%i'), ''), IFNULL(a.login, ''),"
		" (SELECT COUNT(*) FROM year_lock_exceptions e WHERE e.lock_id = y.lock_id), y.elec_variant"
		" FROM inventory_years y LEFT JOIN year_locks l ON l.id = y.lock_id LEFT JOIN accounts a ON a.id = l.locked_by"
		" WHERE y.county_id = ? ORDER BY y.year DESC");
	struct store_year_row row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.year = (int)db_col_int(st, 0);
		row.is_open = (int)db_col_int(st, 1);
		db_col_copy(st, 2, row.deadline, sizeof(row.deadline));
		row.confirm_within_days = (int)db_col_int(st, 3);
		row.published = (int)db_col_int(st, 4);
		row.lock_id = db_col_int(st, 5);
		db_col_copy(st, 6, row.locked_at, sizeof(row.locked_at));
		db_col_copy(st, 7, row.locked_by, sizeof(row.locked_by));
		row.exceptions = (int)db_col_int(st, 8);
		row.elec = elec_col(st, 9);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* The agency's years (its report pages). */

int store_year_report_get(struct db *db, int county_id, int year, struct store_year_report *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT is_open, IFNULL(CONCAT(YEAR(deadline) - 1911, '年', MONTH(deadline), '月', DAY(deadline), '日'), ''),"
		" lock_id IS NOT NULL, elec_variant FROM inventory_years WHERE county_id = ? AND year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->year = year;
		out->is_open = (int)db_col_int(st, 0);
		db_col_copy(st, 1, out->deadline, sizeof(out->deadline));
		out->locked = (int)db_col_int(st, 2);
		out->elec = elec_col(st, 3);
		out->status = 0;
		out->returned = 0;
		out->return_comment[0] = '\0';
	}
	db_reset(st);
	return r;
}

int store_year_report_each(struct db *db, long long agency_id, int county_id,
			   int (*each)(void *ctx, const struct store_year_report *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT y.year, y.is_open, IFNULL(CONCAT(YEAR(y.deadline) - 1911, '年', MONTH(y.deadline), '月', DAY(y.deadline), '日'), ''),"
		" y.lock_id IS NOT NULL, " STORE_REPORT_STATUS_SQL("r") ", IFNULL(r.returned, 0),"
		" IF(r.returned = 1, IFNULL(r.return_comment, ''), '') FROM inventory_years y"
		" LEFT JOIN reports r ON r.agency_id = ? AND r.year = y.year"
		" WHERE y.county_id = ? ORDER BY y.year DESC");
	struct store_year_report y;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		y.year = (int)db_col_int(st, 0);
		y.is_open = (int)db_col_int(st, 1);
		db_col_copy(st, 2, y.deadline, sizeof(y.deadline));
		y.locked = (int)db_col_int(st, 3);
		y.status = (int)db_col_int(st, 4);
		y.returned = (int)db_col_int(st, 5);
		db_col_copy(st, 6, y.return_comment, sizeof(y.return_comment));
		if (each(ctx, &y))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* Publication (盤查清冊, 公開資訊, the home page, and the non-agency lines it freezes). */

/* The state's columns (read_state reads them in this order). */
#define STATE_COLUMNS "is_open, published_at IS NOT NULL, IFNULL(DATE_FORMAT(published_at, '%Y-%m-%d %H:%i'), ''), IFNULL(lock_id, 0), elec_variant"

/* Runs st (the county-year's state, plain or locked): 1 with *out, 0 none (*out zeroed), -1. */
static int read_state(struct db_stmt *st, int county, int year, struct store_year_state *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st) || (r = db_step(st)) < 0)
		return -1;
	if (r) {
		out->is_open = (int)db_col_int(st, 0);
		out->published = (int)db_col_int(st, 1);
		db_col_copy(st, 2, out->published_at, sizeof(out->published_at));
		out->lock_id = db_col_int(st, 3);
		out->locked = out->lock_id != 0;
		out->elec = elec_col(st, 4);
	}
	db_reset(st);
	return r;
}

int store_year_get_state(struct db *db, int county, int year, struct store_year_state *out)
{
	return read_state(db_prepare(db, "SELECT " STATE_COLUMNS " FROM inventory_years WHERE county_id = ? AND year = ?"), county, year, out);
}

int store_year_lock_row(struct db *db, int county, int year, struct store_year_state *out)
{
	return read_state(db_prepare(db, "SELECT " STATE_COLUMNS " FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE"),
			  county, year, out);
}

int store_year_publish(struct db *db, int county, int year, long long account)
{
	struct db_stmt *st = db_prepare(db, "UPDATE inventory_years SET published_at = NOW(), published_by = ? WHERE county_id = ? AND year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, account);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	return db_exec(st);
}

int store_year_withdraw(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db, "UPDATE inventory_years SET published_at = NULL, published_by = NULL WHERE county_id = ? AND year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	return db_exec(st);
}

int store_year_is_published(struct db *db, int county_id, int year)
{
	struct db_stmt *st = db_prepare(db, "SELECT published_at IS NOT NULL FROM inventory_years WHERE county_id = ? AND year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		r = db_col_int(st, 0) != 0;
	db_reset(st);
	return r;
}

int store_year_lock_state(struct db *db, int county_id, int year, int *locked)
{
	struct db_stmt *st = db_prepare(db, "SELECT lock_id IS NOT NULL FROM inventory_years WHERE county_id = ? AND year = ? LOCK IN SHARE MODE");
	int r;

	*locked = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		*locked = db_col_int(st, 0) != 0;
	db_reset(st);
	return r;
}

int store_year_save_basis(struct db *db, int county_id, int year, struct store_year_basis *out)
{
	/* The subquery's own clause: an outer locking read does not lock a subquery's rows. */
	struct db_stmt *st = db_prepare(db,
		"SELECT lock_id IS NOT NULL, elec_variant, (SELECT " STORE_FACTOR_STAMP_FROM " LOCK IN SHARE MODE)"
		" FROM inventory_years WHERE county_id = ? AND year = ? LOCK IN SHARE MODE");
	int r;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->locked = db_col_int(st, 0) != 0;
		out->elec = elec_col(st, 1);
		db_col_copy(st, 2, out->factors, sizeof(out->factors));
	}
	db_reset(st);
	return r;
}

int store_year_basis_moved(const struct store_year_basis *now, enum calc_elec elec, const char *factors)
{
	return now->elec != elec || strcmp(now->factors, factors) != 0;
}

int store_year_each_published_of_county(struct db *db, int county, int (*each)(void *ctx, int year), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT year FROM inventory_years WHERE county_id = ? AND published_at IS NOT NULL");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1)
		if ((r = each(ctx, (int)db_col_int(st, 0))))
			return stopped(st, r);
	return r;
}

int store_year_each_published(struct db *db, int (*each)(void *ctx, const struct store_year_published *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT c.letter, c.name, y.year, DATE_FORMAT(y.published_at, '%Y-%m-%d'), IFNULL(cr.total_milli, 0)"
		" FROM inventory_years y JOIN counties c ON c.id = y.county_id"
		" LEFT JOIN county_rollups cr ON cr.county_id = y.county_id AND cr.year = y.year"
		" WHERE y.published_at IS NOT NULL ORDER BY y.year DESC, c.id");
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_year_published row = {
			.letter = db_col_text(st, 0, NULL),
			.county_name = db_col_text(st, 1, NULL),
			.year = (int)db_col_int(st, 2),
			.published_on = db_col_text(st, 3, NULL),
			.total_milli = db_col_int(st, 4),
		};

		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

int store_year_latest_published(struct db *db, int (*each)(void *ctx, const struct store_year_latest *p), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT c.letter, c.name, y.year FROM inventory_years y JOIN counties c ON c.id = y.county_id"
		" WHERE y.published_at IS NOT NULL ORDER BY y.year DESC, c.id LIMIT 12");
	struct store_year_latest p;
	int r = 0, stop = 0;

	if (!st || db_exec(st))
		return -1;
	while (!stop && (r = db_step(st)) == 1) {
		db_col_copy(st, 0, p.letter, sizeof(p.letter));
		db_col_copy(st, 1, p.county, sizeof(p.county));
		p.year = (int)db_col_int(st, 2);
		stop = each(ctx, &p);
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

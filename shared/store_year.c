/* store_year.c: the inventory years (inventory_years), per county and for the platform. */
#include <stdio.h>

#include "store_year.h"

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

int store_year_each_of_county(struct db *db, int county_id, int (*each)(void *ctx, const struct store_year_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT year, is_open, IFNULL(DATE_FORMAT(deadline, '%Y-%m-%d'), '') FROM inventory_years"
				       " WHERE county_id = ? ORDER BY year DESC");
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
		snprintf(row.deadline, sizeof(row.deadline), "%s", db_col_text(st, 2, NULL));
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* store_year.c: the inventory years (inventory_years), per county and for the platform. */
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

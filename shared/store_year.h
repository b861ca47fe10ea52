/* store_year.h: the inventory years (inventory_years), per county and for the platform. */
#ifndef CITYINV_STORE_YEAR_H
#define CITYINV_STORE_YEAR_H

#include "db.h"

/*
 * The first and last year any county has (the years the platform serves):
 * 0 with both set, 1 when there are none, -1 on a database error.
 */
int store_year_span(struct db *db, int *first, int *last);

/*
 * A county's years (the team's 年度管理).  Return conventions: a lookup
 * returns 1 found / 0 not found / -1 on a database error (db->errstr set);
 * anything else 0 / -1.
 */

/* Is `year` one of county_id's years?  1 / 0 / -1. */
int store_year_exists(struct db *db, int county_id, int year);

/*
 * Opens or closes county_id's `year` and sets its deadline (YYYY-MM-DD, or ""
 * for none); *changed tells whether the row was different before.  0 / -1.
 */
int store_year_set(struct db *db, int county_id, int year, int is_open, const char *deadline, int *changed);

/* One of a county's years. */
struct store_year_row {
	int year;
	int is_open;
	char deadline[11];   /* YYYY-MM-DD, "" when none */
};

/* county_id's years, latest first, each passed to each(ctx, row) (non-zero stops).  0 / -1. */
int store_year_each_of_county(struct db *db, int county_id, int (*each)(void *ctx, const struct store_year_row *row), void *ctx);

#endif

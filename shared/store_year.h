/* store_year.h: the inventory years (inventory_years), per county and for the platform. */
#ifndef CITYINV_STORE_YEAR_H
#define CITYINV_STORE_YEAR_H

#include "db.h"

/*
 * The first and last year any county has (the years the platform serves):
 * 0 with both set, 1 when there are none, -1 on a database error.
 */
int store_year_span(struct db *db, int *first, int *last);

#endif

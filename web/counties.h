/* counties.h: the 22 counties and cities, read once per process. */
#ifndef CITYINV_COUNTIES_H
#define CITYINV_COUNTIES_H

#include "request.h"
#include "store_county.h"   /* struct county */

/*
 * The counties in their letter order.  Loaded from the database at first
 * use and kept (the list is fixed by law); returns an empty list, and tries
 * again next time, when the database cannot be read.
 */
const struct county *counties_all(struct app *app, int *n);

#endif

/* years.h: the inventory years the platform serves, as the data says (inventory_years). */
#ifndef CITYINV_YEARS_H
#define CITYINV_YEARS_H

#include "db.h"

/*
 * DESIGN: no year is written into the code.  The years the platform serves
 * are those of inventory_years, from the first any county has to the last;
 * a process reads the span once and again after YEARS_TTL_MS, so a year a
 * migration adds is served within a minute without a restart.  When the
 * database cannot be read the span last read stands; a process that never
 * read one fails (-1), and its caller answers 503.  Arrays indexed by year
 * are bounded by YEARS_MAX; a span wider than that is refused as corrupt.
 */
#define YEARS_MAX 100
#define YEARS_TTL_MS 60000

struct years {
	int first, last;
};

/* 0 with *y set, or -1 (never read, or no year at all, or a span over YEARS_MAX). */
int years_get(struct db *db, struct years *y);
/* Is `year` within *y? */
int years_has(const struct years *y, int year);
/* The number of years in *y (last - first + 1). */
int years_count(const struct years *y);
/* Forgets the span read, so the next years_get() reads it again (tests, and after a change). */
void years_forget(void);

#endif

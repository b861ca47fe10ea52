/* years.c: the inventory years the platform serves, as the data says (inventory_years). */
#include "store_year.h"
#include "util.h"
#include "years.h"

/* The span last read and when; one per process, like the statement cache. */
static struct years cached;
static long long cached_at;   /* now_ms(); 0: never read */

int years_get(struct db *db, struct years *y)
{
	long long now = now_ms();
	struct years fresh;
	int r;

	if (cached_at && now - cached_at < YEARS_TTL_MS) {
		*y = cached;
		return 0;
	}
	r = store_year_span(db, &fresh.first, &fresh.last);
	if (r == 0 && fresh.first <= fresh.last && fresh.last - fresh.first < YEARS_MAX) {
		cached = fresh;
		cached_at = now;
	} else if (r == 0 || r == 1) {
		error("inventory_years: no usable span of years (%d to %d)", r ? 0 : fresh.first, r ? 0 : fresh.last);
	}
	if (!cached_at)
		return -1;
	*y = cached;
	return 0;
}

int years_has(const struct years *y, int year)
{
	return year >= y->first && year <= y->last;
}

int years_count(const struct years *y)
{
	return y->last - y->first + 1;
}

void years_forget(void)
{
	cached_at = 0;
}

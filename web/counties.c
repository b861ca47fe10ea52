/* counties.c: the 22 counties and cities, read once per process. */
#include "counties.h"
#include "store_county.h"
#include "util.h"

#define MAX_COUNTIES 32

static struct county cache[MAX_COUNTIES];
static int ncache;

const struct county *counties_all(struct app *app, int *n)
{
	if (!ncache && store_county_list(&app->db, cache, MAX_COUNTIES, &ncache)) {
		error("counties: %s", app->db.errstr);
		ncache = 0;
	}
	*n = ncache;
	return cache;
}

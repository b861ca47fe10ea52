/* counties.c: the 22 counties and cities, read once per process. */
#include <stdio.h>
#include <string.h>

#include "counties.h"
#include "util.h"

#define MAX_COUNTIES 32

static struct county cache[MAX_COUNTIES];
static int ncache;

const struct county *counties_all(struct app *app, int *n)
{
	struct db_stmt *st;
	int rc;

	if (ncache) {
		*n = ncache;
		return cache;
	}
	st = db_prepare(&app->db, "SELECT id, letter, name FROM counties ORDER BY letter");
	if (!st || db_exec(st)) {
		error("counties: %s", app->db.errstr);
		*n = 0;
		return cache;
	}
	while (ncache < MAX_COUNTIES && (rc = db_step(st)) == 1) {
		struct county *c = &cache[ncache++];

		c->id = (int)db_col_int(st, 0);
		snprintf(c->letter, sizeof(c->letter), "%s", db_col_text(st, 1, NULL));
		snprintf(c->name, sizeof(c->name), "%s", db_col_text(st, 2, NULL));
	}
	db_reset(st);
	*n = ncache;
	return cache;
}

/* factors.c: the reference table of the calculation, cached per process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factors.h"
#include "factor_table.h"
#include "store_factor.h"
#include "util.h"

static struct factor_table table;
static char stamp[FACTOR_STAMP_MAX];

const struct calc_table *factors_table(struct app *app, const char *given)
{
	char now[FACTOR_STAMP_MAX];

	if (given)
		snprintf(now, sizeof(now), "%s", given);
	else if (store_factor_stamp(&app->db, now, sizeof(now)))
		return NULL;
	if (table.n && !strcmp(now, stamp))
		return &table.t;
	factor_table_free(&table);
	if (factor_table_load(&app->db, &table)) {
		factor_table_free(&table);
		stamp[0] = '\0';
		return NULL;
	}
	snprintf(stamp, sizeof(stamp), "%s", now);
	return &table.t;
}

const char *factors_table_stamp(void)
{
	return stamp;
}

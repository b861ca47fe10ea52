/* factors.c: the reference table of the calculation, cached per process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factors.h"
#include "store_factor.h"
#include "util.h"

static struct calc_table table;
static struct calc_factor *rows;
static int nrows;
static char stamp[FACTOR_STAMP_MAX];

static void drop(void)
{
	for (int i = 0; i < nrows; i++) {
		free((char *)rows[i].key);
		free((char *)rows[i].unit);
		free((char *)rows[i].source);
	}
	free(rows);
	rows = NULL;
	nrows = 0;
	memset(&table, 0, sizeof(table));
}

static int add_factor(void *ctx, const struct store_factor *row)
{
	int *cap = ctx;
	struct calc_factor *f;

	if (nrows == *cap) {
		*cap = *cap ? *cap * 2 : 512;
		rows = xrealloc(rows, sizeof(*rows) * (size_t)*cap);
	}
	f = &rows[nrows];
	if (dec_parse(row->value, strlen(row->value), DEC_MAX_SCALE, DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, &f->value) != DEC_OK) {
		error("factors: bad value %s", row->value);
		return 0;
	}
	f->key = xstrdup(row->key);
	f->unit = xstrdup(row->unit);
	f->source = xstrdup(row->source);
	f->valid_from = row->valid_from;
	f->valid_to = row->valid_to;
	f->confidence = row->confidence;
	f->has_ci = row->has_ci;
	f->ci_lower_milli = row->ci_lower_milli;
	f->ci_upper_milli = row->ci_upper_milli;
	nrows++;
	return 0;
}

static int add_era(void *ctx, const struct calc_era *e)
{
	(void)ctx;
	if (table.neras >= CALC_MAX_ERAS)
		return 1;
	table.eras[table.neras++] = *e;
	return 0;
}

static int add_refrigerant(void *ctx, const struct calc_refrigerant *r)
{
	(void)ctx;
	if (table.nrefrigerants >= CALC_MAX_REFRIGERANTS)
		return 1;
	table.refrigerants[table.nrefrigerants++] = *r;
	return 0;
}

static int load(struct db *db)
{
	int cap = 0;

	drop();
	if (store_factor_each(db, add_factor, &cap))
		return -1;
	calc_sort_factors(rows, nrows);
	table.factors = rows;
	table.nfactors = nrows;
	if (store_factor_eras(db, add_era, NULL) || store_factor_refrigerants(db, add_refrigerant, NULL))
		return -1;
	return 0;
}

const struct calc_table *factors_table(struct app *app, const char *given)
{
	char now[FACTOR_STAMP_MAX];

	if (given)
		snprintf(now, sizeof(now), "%s", given);
	else if (store_factor_stamp(&app->db, now, sizeof(now)))
		return NULL;
	if (nrows && !strcmp(now, stamp))
		return &table;
	if (load(&app->db)) {
		drop();
		stamp[0] = '\0';
		return NULL;
	}
	snprintf(stamp, sizeof(stamp), "%s", now);
	return &table;
}

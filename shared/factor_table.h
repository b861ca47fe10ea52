/* factor_table.h: the calculation's reference table (factors, GWP eras, refrigerants) read from the
 * database into a calc_table the caller owns; and the same table with one factor changed (factor day). */
#ifndef CITYINV_FACTOR_TABLE_H
#define CITYINV_FACTOR_TABLE_H

#include "calc.h"
#include "db.h"

struct factor_table {
	struct calc_table t;        /* what calc_compute() reads */
	struct calc_factor *rows;   /* t.factors, owned with their strings */
	int n, cap;
};

/* Reads the table into *ft (zeroed first; factor_table_free() after, even on failure).  0 / -1. */
int factor_table_load(struct db *db, struct factor_table *ft);

/*
 * *out as src with factor `key` given `value` (exact decimal text),
 * `confidence` and valid years (0: open), added when src has no factor of
 * that key; its unit, source and interval kept, or the given ones for a new
 * one; value NULL: src without that factor.  0, or -1 when value is not a decimal.
 */
struct factor_table_change {
	const char *key, *value, *unit, *source;
	enum calc_confidence confidence;
	int valid_from, valid_to;
	int ci_lower_milli, ci_upper_milli;   /* the interval set (thousandths of a percent); -1: kept (a new one's: none); -2: none */
};
int factor_table_with(const struct factor_table *src, const struct factor_table_change *c, struct factor_table *out);

void factor_table_free(struct factor_table *ft);

#endif

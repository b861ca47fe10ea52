/* store_factor.h: the calculation's reference data: factors, GWP eras, refrigerants. */
#ifndef CITYINV_STORE_FACTOR_H
#define CITYINV_STORE_FACTOR_H

#include <stddef.h>

#include "calc.h"
#include "db.h"

/*
 * Return conventions: 0 / -1 (database error, db->errstr set).  A list
 * calls each(ctx, row) per row (valid during the call only); a non-zero
 * return stops it, and the list returns 0.
 */

/*
 * What changes when the factors do: their count, newest update and the
 * newest factor day's change written into them (two changes within one
 * second still move it), as "N/YYYY-MM-DD HH:MM:SS/C" into out (cut to
 * size).  0 or -1.
 */
int store_factor_stamp(struct db *db, char *out, size_t size);
/* That stamp as a scalar subquery, for a statement that reads it with more (store_session_find). */
#define STORE_FACTOR_STAMP_FROM "CONCAT(COUNT(*), '/', IFNULL(MAX(fs.updated_at), ''), '/', IFNULL(MAX(fs.change_id), 0)) FROM factors fs"
#define STORE_FACTOR_STAMP_SQL "(SELECT " STORE_FACTOR_STAMP_FROM ")"

/* A factors row as the calculation reads it; value is the exact decimal text. */
struct store_factor {
	char key[65];
	char value[41];
	char unit[161];                     /* VARCHAR(40) utf8mb4 */
	char source[2401];                  /* VARCHAR(600) utf8mb4 */
	int valid_from;                     /* 0: NULL */
	int valid_to;
	enum calc_confidence confidence;
	/* The factor's 95 % interval (SPEC-2 §2c): magnitudes in thousandths of a
	 * percent; has_ci 0 when none is known (未評估). */
	int has_ci;
	int ci_lower_milli, ci_upper_milli;
};

/* factors.confidence's text as the enum ("" or anything unknown: official). */
enum calc_confidence store_factor_confidence(const char *s);

/* Every factor: 0 or -1. */
int store_factor_each(struct db *db, int (*each)(void *ctx, const struct store_factor *row), void *ctx);
/* The GWP eras by from_year (to 0: open): 0 or -1. */
int store_factor_eras(struct db *db, int (*each)(void *ctx, const struct calc_era *row), void *ctx);
/* The refrigerants in the form's order (cut to calc_refrigerant's sizes): 0 or -1. */
int store_factor_refrigerants(struct db *db, int (*each)(void *ctx, const struct calc_refrigerant *row), void *ctx);

/*
 * One row of the reference CSV files, as text (valid_from and valid_to ""
 * store NULL; the database checks the rest).
 */
struct store_factor_load {
	const char *key, *category, *scope, *gas, *unit, *value, *valid_from, *valid_to, *source;
	enum calc_confidence confidence;
};

/* Inserts the factor, or updates the one of that key: 0 or -1. */
int store_factor_upsert(struct db *db, const struct store_factor_load *row);

/*
 * Sets the interval of the factor `key` (factor-uncertainty.csv): bounds in
 * thousandths of a percent, with where they come from.  0, 1 when there is
 * no factor of that key (nothing changed), or -1.
 */
int store_factor_set_ci(struct db *db, const char *key, int lower_milli, int upper_milli, const char *source);

/*
 * The data-quality defaults of a form item (item_quality_defaults, loaded
 * from quality-defaults.csv): A1-A3, the note, and the activity data's
 * interval with its basis (has_ad 0: none, the line is 未評估 until the
 * agency gives one).
 */
struct store_item_quality {
	char item[25];                      /* calc_items[].key (a method's key: store_factor_method_defaults) */
	int a1, a2, a3;
	char dq_note[801];                  /* VARCHAR(200) utf8mb4 */
	int has_ad;
	int ad_lower_milli, ad_upper_milli;
	char ad_basis[801];
	char source[2401];
};

/* Every item's defaults, by item: 0 or -1 (a non-zero return from each stops the list). */
int store_factor_item_defaults(struct db *db, int (*each)(void *ctx, const struct store_item_quality *row), void *ctx);
/* Inserts or replaces the defaults of row->item (has_ad 0 stores NULL bounds): 0 or -1. */
int store_factor_item_default_upsert(struct db *db, const struct store_item_quality *row);

/*
 * The same of the non-agency methods with defaults of their own
 * (nonagency_quality_defaults, loaded from nonagency-quality-defaults.csv;
 * na_quality_own()): row->item is the method's key.
 */
int store_factor_method_defaults(struct db *db, int (*each)(void *ctx, const struct store_item_quality *row), void *ctx);
int store_factor_method_default_upsert(struct db *db, const struct store_item_quality *row);

#endif

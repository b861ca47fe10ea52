/* store_factor.c: the calculation's reference data: factors, GWP eras, refrigerants. */
#include <stdio.h>
#include <string.h>

#include "store_factor.h"

/* The factors.confidence ENUM's values, by enum calc_confidence. */
static const char *const confidence_names[] = {
	[CONF_OFFICIAL] = "official",
	[CONF_SECONDARY] = "secondary",
	[CONF_DERIVED] = "derived",
	[CONF_PROVISIONAL] = "provisional",
};

/* After a callback asked to stop at a row: the rest of the result goes. */
static int stopped(struct db_stmt *st, int r)
{
	db_reset(st);
	return r;
}

enum calc_confidence store_factor_confidence(const char *s)
{
	if (!strcmp(s, "provisional"))
		return CONF_PROVISIONAL;
	if (!strcmp(s, "secondary"))
		return CONF_SECONDARY;
	if (!strcmp(s, "derived"))
		return CONF_DERIVED;
	return CONF_OFFICIAL;
}

int store_factor_stamp(struct db *db, char *out, size_t size)
{
	struct db_stmt *st = db_prepare(db, "SELECT " STORE_FACTOR_STAMP_SQL);

	if (!st || db_exec(st))
		return -1;
	if (db_step(st) != 1) {
		db_reset(st);
		return -1;
	}
	db_col_copy(st, 0, out, size);
	db_reset(st);
	return 0;
}

int store_factor_each(struct db *db, int (*each)(void *ctx, const struct store_factor *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT fkey, value, unit, source, IFNULL(valid_from, 0), IFNULL(valid_to, 0), confidence,"
		" ci_lower_milli IS NOT NULL AND ci_upper_milli IS NOT NULL, IFNULL(ci_lower_milli, 0), IFNULL(ci_upper_milli, 0)"
		" FROM factors");
	struct store_factor f;
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, f.key, sizeof(f.key));
		db_col_copy(st, 1, f.value, sizeof(f.value));
		db_col_copy(st, 2, f.unit, sizeof(f.unit));
		db_col_copy(st, 3, f.source, sizeof(f.source));
		f.valid_from = (int)db_col_int(st, 4);
		f.valid_to = (int)db_col_int(st, 5);
		f.confidence = store_factor_confidence(db_col_text(st, 6, NULL));
		f.has_ci = (int)db_col_int(st, 7);
		f.ci_lower_milli = (int)db_col_int(st, 8);
		f.ci_upper_milli = (int)db_col_int(st, 9);
		if (each(ctx, &f))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_factor_eras(struct db *db, int (*each)(void *ctx, const struct calc_era *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT gwp_set, from_year, IFNULL(to_year, 0) FROM gwp_eras ORDER BY from_year");
	struct calc_era e;
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, e.set, sizeof(e.set));
		e.from = (int)db_col_int(st, 1);
		e.to = (int)db_col_int(st, 2);
		if (each(ctx, &e))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_factor_refrigerants(struct db *db, int (*each)(void *ctx, const struct calc_refrigerant *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT code, label, gas, counts_zero, note FROM refrigerants ORDER BY sort");
	struct calc_refrigerant c;
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, c.code, sizeof(c.code));
		db_col_copy(st, 1, c.label, sizeof(c.label));
		db_col_copy(st, 2, c.gas, sizeof(c.gas));
		c.counts_zero = (int)db_col_int(st, 3);
		db_col_copy(st, 4, c.note, sizeof(c.note));
		if (each(ctx, &c))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_factor_upsert(struct db *db, const struct store_factor_load *row)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO factors (fkey, category, scope, gas, unit, value, valid_from, valid_to, source, confidence)"
		" VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)"
		/* A factor the console changed (factor day) is the console's now: the CSV no longer rules it. */
		" ON DUPLICATE KEY UPDATE category = IF(change_id IS NULL, VALUES(category), category),"
		" scope = IF(change_id IS NULL, VALUES(scope), scope), gas = IF(change_id IS NULL, VALUES(gas), gas),"
		" unit = IF(change_id IS NULL, VALUES(unit), unit), value = IF(change_id IS NULL, VALUES(value), value),"
		" valid_from = IF(change_id IS NULL, VALUES(valid_from), valid_from),"
		" valid_to = IF(change_id IS NULL, VALUES(valid_to), valid_to), source = IF(change_id IS NULL, VALUES(source), source),"
		" confidence = IF(change_id IS NULL, VALUES(confidence), confidence)");

	if (!st)
		return -1;
	db_bind_text(st, 0, row->key);
	db_bind_text(st, 1, row->category);
	db_bind_text(st, 2, row->scope);
	db_bind_text(st, 3, row->gas);
	db_bind_text(st, 4, row->unit);
	db_bind_text(st, 5, row->value);
	db_bind_text(st, 6, row->valid_from);
	db_bind_text(st, 7, row->valid_to);
	db_bind_text(st, 8, row->source);
	db_bind_text(st, 9, confidence_names[row->confidence]);
	return db_exec(st);
}

int store_factor_set_ci(struct db *db, const char *key, int lower_milli, int upper_milli, const char *source)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE factors SET ci_lower_milli = ?, ci_upper_milli = ?, ci_source = ? WHERE fkey = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, lower_milli);
	db_bind_int(st, 1, upper_milli);
	db_bind_text(st, 2, source);
	db_bind_text(st, 3, key);
	if (db_exec(st))
		return -1;
	if (db_affected(st))
		return 0;
	/* Nothing changed: the same values again, or no such factor. */
	st = db_prepare(db, "SELECT COUNT(*) FROM factors WHERE fkey = ?");
	if (!st)
		return -1;
	db_bind_text(st, 0, key);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		r = db_col_int(st, 0) ? 0 : 1;
	else
		r = -1;
	db_reset(st);
	return r;
}

/* The rows of a defaults table's statement (its key first, then the columns of item_quality_defaults). */
static int defaults_each(struct db_stmt *st, int (*each)(void *ctx, const struct store_item_quality *row), void *ctx)
{
	struct store_item_quality q;
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, q.item, sizeof(q.item));
		q.a1 = (int)db_col_int(st, 1);
		q.a2 = (int)db_col_int(st, 2);
		q.a3 = (int)db_col_int(st, 3);
		db_col_copy(st, 4, q.dq_note, sizeof(q.dq_note));
		q.has_ad = (int)db_col_int(st, 5);
		q.ad_lower_milli = (int)db_col_int(st, 6);
		q.ad_upper_milli = (int)db_col_int(st, 7);
		db_col_copy(st, 8, q.ad_basis, sizeof(q.ad_basis));
		db_col_copy(st, 9, q.source, sizeof(q.source));
		if (each(ctx, &q))
			return stopped(st, 0);
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

#define DEFAULTS_COLS "a1, a2, a3, dq_note, ad_lower_milli IS NOT NULL AND ad_upper_milli IS NOT NULL," \
	" IFNULL(ad_lower_milli, 0), IFNULL(ad_upper_milli, 0), ad_basis, source"

int store_factor_item_defaults(struct db *db, int (*each)(void *ctx, const struct store_item_quality *row), void *ctx)
{
	return defaults_each(db_prepare(db, "SELECT item, " DEFAULTS_COLS " FROM item_quality_defaults ORDER BY item"), each, ctx);
}

int store_factor_method_defaults(struct db *db, int (*each)(void *ctx, const struct store_item_quality *row), void *ctx)
{
	return defaults_each(db_prepare(db, "SELECT method, " DEFAULTS_COLS " FROM nonagency_quality_defaults ORDER BY method"),
			     each, ctx);
}

/* Binds row to a defaults table's upsert (its key first, then the columns of item_quality_defaults) and runs it. */
static int default_upsert(struct db_stmt *st, const struct store_item_quality *row)
{
	if (!st)
		return -1;
	db_bind_text(st, 0, row->item);
	db_bind_int(st, 1, row->a1);
	db_bind_int(st, 2, row->a2);
	db_bind_int(st, 3, row->a3);
	db_bind_text(st, 4, row->dq_note);
	if (row->has_ad) {
		db_bind_int(st, 5, row->ad_lower_milli);
		db_bind_int(st, 6, row->ad_upper_milli);
	} else {
		db_bind_null(st, 5);
		db_bind_null(st, 6);
	}
	db_bind_text(st, 7, row->ad_basis);
	db_bind_text(st, 8, row->source);
	return db_exec(st);
}

#define DEFAULTS_UPSERT " a1, a2, a3, dq_note, ad_lower_milli, ad_upper_milli, ad_basis, source)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" \
	" ON DUPLICATE KEY UPDATE a1 = VALUES(a1), a2 = VALUES(a2), a3 = VALUES(a3), dq_note = VALUES(dq_note)," \
	" ad_lower_milli = VALUES(ad_lower_milli), ad_upper_milli = VALUES(ad_upper_milli)," \
	" ad_basis = VALUES(ad_basis), source = VALUES(source)"

int store_factor_item_default_upsert(struct db *db, const struct store_item_quality *row)
{
	return default_upsert(db_prepare(db, "INSERT INTO item_quality_defaults (item," DEFAULTS_UPSERT), row);
}

int store_factor_method_default_upsert(struct db *db, const struct store_item_quality *row)
{
	return default_upsert(db_prepare(db, "INSERT INTO nonagency_quality_defaults (method," DEFAULTS_UPSERT), row);
}

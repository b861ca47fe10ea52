/* store_activity.c: the county team's non-agency activity lines (county_activities). */
#include <stdio.h>

#include "store_activity.h"

/* Column i of the current row into dst[size] (cut to fit: each caller's size holds its column). */
/* After a callback asked to stop at a row: the rest of the result goes. */
static int stopped(struct db_stmt *st, int r)
{
	db_reset(st);
	return r;
}

/* The current row of store_activity_list's statement into *row. */
static void read_row(struct db_stmt *st, struct arena *a, struct activity_row *row)
{
	size_t n;
	const char *s;

	row->id = db_col_int(st, 0);
	db_col_copy(st, 1, row->method, sizeof(row->method));
	db_col_copy(st, 2, row->description, sizeof(row->description));
	db_col_copy(st, 3, row->note, sizeof(row->note));
	db_col_copy(st, 4, row->quantity, sizeof(row->quantity));
	db_col_copy(st, 5, row->quantity2, sizeof(row->quantity2));
	for (int i = 0; i < NA_MAX_OPTIONS; i++)
		db_col_copy(st, 6 + i, row->opt[i], sizeof(row->opt[i]));
	row->kg_milli = db_col_int(st, 9);
	row->category = (int)db_col_int(st, 10);
	row->scope = (int)db_col_int(st, 11);
	db_col_copy(st, 12, row->gwp_set, sizeof(row->gwp_set));
	db_col_copy(st, 13, row->factor_text, sizeof(row->factor_text));
	db_col_copy(st, 14, row->unit_text, sizeof(row->unit_text));
	db_col_copy(st, 15, row->method_text, sizeof(row->method_text));
	s = db_col_text(st, 16, &n);
	row->sources = arena_strndup(a, s, n);
	row->provisional = (int)db_col_int(st, 17);
	db_col_copy(st, 18, row->override_reason, sizeof(row->override_reason));
	row->version = db_col_int(st, 19);
	row->iso_category = (int)db_col_int(st, 20);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		row->has_gas[g] = !db_col_isnull(st, 21 + g);
		row->gas_milli[g] = row->has_gas[g] ? db_col_int(st, 21 + g) : 0;
	}
}

int store_activity_list(struct db *db, int county_id, int year, struct arena *a,
			int (*each)(void *ctx, const struct activity_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id, method, description, note, quantity, IFNULL(quantity2, ''), IFNULL(opt1, ''), IFNULL(opt2, ''),"
		" IFNULL(opt3, ''), kg_milli, category, scope, gwp_set, factor_text, unit_text, method_text, sources, provisional,"
		" IFNULL(override_reason, ''), version, iso_category, co2_milli, ch4_milli, n2o_milli, hfcs_milli, pfcs_milli,"
		" sf6_milli, nf3_milli"
		" FROM county_activities WHERE county_id = ? AND year = ? ORDER BY category, method, id");
	struct activity_row row;
	int r = 0, stop = 0;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while (!stop && (r = db_step(st)) == 1) {
		read_row(st, a, &row);
		stop = each(ctx, &row);
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_activity_get(struct db *db, long long id, int county_id, int year, struct activity_form *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT method, description, note, quantity, IFNULL(quantity2, ''), IFNULL(opt1, ''), IFNULL(opt2, ''), IFNULL(opt3, ''),"
		" IFNULL(override_factor, ''), IFNULL(override_reason, ''), version"
		" FROM county_activities WHERE id = ? AND county_id = ? AND year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county_id);
	db_bind_int(st, 2, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		db_col_copy(st, 0, out->method, sizeof(out->method));
		db_col_copy(st, 1, out->description, sizeof(out->description));
		db_col_copy(st, 2, out->note, sizeof(out->note));
		db_col_copy(st, 3, out->quantity, sizeof(out->quantity));
		db_col_copy(st, 4, out->quantity2, sizeof(out->quantity2));
		for (int i = 0; i < NA_MAX_OPTIONS; i++)
			db_col_copy(st, 5 + i, out->opt[i], sizeof(out->opt[i]));
		db_col_copy(st, 8, out->override_factor, sizeof(out->override_factor));
		db_col_copy(st, 9, out->override_reason, sizeof(out->override_reason));
		out->version = db_col_int(st, 10);
	}
	db_reset(st);
	return r;
}

int store_activity_count(struct db *db, int county_id, int year, long long *n)
{
	/* A locking read: the newest committed lines, not this transaction's snapshot. */
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM county_activities WHERE county_id = ? AND year = ? FOR UPDATE");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	*n = r == 1 ? db_col_int(st, 0) : 0;
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/*
 * Binds what every write stores (t, line, kg_milli: parameters 0..25, in
 * the order of both statements' column lists); returns the next parameter.
 */
static int bind_line(struct db_stmt *st, const struct activity_text *t, const struct na_line *line, long long kg_milli)
{
	int i = 0;

	db_bind_text(st, i++, t->description);
	db_bind_text(st, i++, t->note);
	db_bind_text(st, i++, t->quantity);
	db_bind_text(st, i++, t->quantity2);
	for (int k = 0; k < NA_MAX_OPTIONS; k++)
		db_bind_text(st, i++, t->opt[k] ? t->opt[k] : "");
	db_bind_text(st, i++, t->override_factor);
	db_bind_text(st, i++, t->override_reason);
	db_bind_int(st, i++, kg_milli);
	db_bind_int(st, i++, line->category);
	db_bind_int(st, i++, line->scope);
	db_bind_text(st, i++, line->gwp_set);
	db_bind_text(st, i++, line->factor_text);
	db_bind_text(st, i++, line->unit_text);
	db_bind_text(st, i++, line->method);
	db_bind_text(st, i++, line->sources);
	db_bind_int(st, i++, line->provisional);
	db_bind_int(st, i++, line->iso_category);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		long long m;

		/* A gas that does not fit is not stored (nonagency.h bounds the line, so it cannot happen). */
		if (line->gas[g].present && !dec_to_scaled_i64(line->gas[g].kg, 3, &m))
			db_bind_int(st, i++, m);
		else
			db_bind_null(st, i++);
	}
	return i;
}

int store_activity_insert(struct db *db, int county_id, int year, const struct activity_text *t, const struct na_line *line,
			  long long kg_milli, long long by, long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO county_activities (description, note, quantity, quantity2, opt1, opt2, opt3, override_factor,"
		" override_reason, kg_milli, category, scope, gwp_set, factor_text, unit_text, method_text, sources, provisional,"
		" iso_category, co2_milli, ch4_milli, n2o_milli, hfcs_milli, pfcs_milli, sf6_milli, nf3_milli,"
		" created_by, updated_by, created_at, updated_at, county_id, year, method)"
		" VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''),"
		" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3), ?, ?, ?)");
	int i;

	if (!st)
		return -1;
	i = bind_line(st, t, line, kg_milli);
	db_bind_int(st, i++, by);
	db_bind_int(st, i++, by);
	db_bind_int(st, i++, county_id);
	db_bind_int(st, i++, year);
	db_bind_text(st, i, t->method);
	if (db_exec(st))
		return -1;
	if (id)
		*id = (long long)db_insert_id(st);
	return 0;
}

int store_activity_update(struct db *db, long long id, long long version, int county_id, int year, const struct activity_text *t,
			  const struct na_line *line, long long kg_milli, long long by)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE county_activities SET description = ?, note = ?, quantity = ?, quantity2 = NULLIF(?, ''),"
		" opt1 = NULLIF(?, ''), opt2 = NULLIF(?, ''), opt3 = NULLIF(?, ''), override_factor = NULLIF(?, ''),"
		" override_reason = NULLIF(?, ''), kg_milli = ?, category = ?, scope = ?, gwp_set = ?, factor_text = ?,"
		" unit_text = ?, method_text = ?, sources = ?, provisional = ?, iso_category = ?, co2_milli = ?, ch4_milli = ?,"
		" n2o_milli = ?, hfcs_milli = ?, pfcs_milli = ?, sf6_milli = ?, nf3_milli = ?, version = version + 1, updated_by = ?,"
		" updated_at = NOW(3) WHERE id = ? AND county_id = ? AND year = ? AND method = ? AND version = ?");
	int i;

	if (!st)
		return -1;
	i = bind_line(st, t, line, kg_milli);
	db_bind_int(st, i++, by);
	db_bind_int(st, i++, id);
	db_bind_int(st, i++, county_id);
	db_bind_int(st, i++, year);
	db_bind_text(st, i++, t->method);
	db_bind_int(st, i, version);
	if (db_exec(st))
		return -1;
	return db_affected(st) == 1;
}

int store_activity_delete(struct db *db, long long id, long long version, int county_id, int year, struct activity_gone *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT method, description, kg_milli FROM county_activities"
					    " WHERE id = ? AND county_id = ? AND year = ? AND version = ? FOR UPDATE");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county_id);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, version);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		db_col_copy(st, 0, out->method, sizeof(out->method));
		db_col_copy(st, 1, out->description, sizeof(out->description));
		out->kg_milli = db_col_int(st, 2);
	}
	db_reset(st);
	if (r != 1)
		return r;
	st = db_prepare(db, "DELETE FROM county_activities WHERE id = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return db_exec(st) ? -1 : 1;
}

int store_activity_each_workbook_row(struct db *db, int county, int year,
				     int (*each)(void *ctx, const struct store_activity_workbook_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT category, method, description, note, quantity, unit_text, IFNULL(quantity2, ''),"
		" CONCAT_WS(' / ', opt1, opt2, opt3), factor_text, gwp_set, method_text, sources, IFNULL(override_reason, ''), kg_milli"
		" FROM county_activities WHERE county_id = ? AND year = ? ORDER BY category, method, id");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_activity_workbook_row row = {
			.category = (int)db_col_int(st, 0),
			.method = db_col_text(st, 1, NULL),
			.description = db_col_text(st, 2, NULL),
			.note = db_col_text(st, 3, NULL),
			.quantity = db_col_text(st, 4, NULL),
			.unit = db_col_text(st, 5, NULL),
			.quantity2 = db_col_text(st, 6, NULL),
			.options = db_col_text(st, 7, NULL),
			.factor_text = db_col_text(st, 8, NULL),
			.gwp_set = db_col_text(st, 9, NULL),
			.method_text = db_col_text(st, 10, NULL),
			.sources = db_col_text(st, 11, NULL),
			.override_reason = db_col_text(st, 12, NULL),
			.kg_milli = db_col_int(st, 13),
		};

		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

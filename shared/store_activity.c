/* store_activity.c: the county team's non-agency activity lines (county_activities). */
#include <stdio.h>
#include <string.h>

#include "store_activity.h"

/* After a callback asked to stop at a row: the rest of the result goes. */
static int stopped(struct db_stmt *st, int r)
{
	db_reset(st);
	return r;
}

/*
 * A line's data quality (struct activity_quality), 6 + 3 x 7 columns: in
 * force, whether anything was typed, then each gas with its factor's interval
 * in the order of calc_gas_keys.
 */
#define GAS_COLS(g) " " g "_milli, " g "_ef_lower_milli, " g "_ef_upper_milli"
#define QUALITY_NCOLS (6 + 3 * CALC_GAS__MAX)
#define QUALITY_COLS "used_a1, used_a2, used_a3, a1 IS NOT NULL OR a2 IS NOT NULL OR a3 IS NOT NULL OR dq_note IS NOT NULL" \
	" OR dq_keeper IS NOT NULL OR ad_lower_milli IS NOT NULL OR ad_upper_milli IS NOT NULL OR ad_basis IS NOT NULL," \
	" used_ad_lower_milli, used_ad_upper_milli," GAS_COLS("co2") "," GAS_COLS("ch4") "," GAS_COLS("n2o") "," \
	GAS_COLS("hfcs") "," GAS_COLS("pfcs") "," GAS_COLS("sf6") "," GAS_COLS("nf3")
_Static_assert(CALC_GAS__MAX == 7, "QUALITY_COLS names the seven gases of calc_gas_keys");

/* An interval's bound: -1 for NULL. */
static int bound_col(struct db_stmt *st, int i)
{
	return db_col_isnull(st, i) ? -1 : (int)db_col_int(st, i);
}

static void read_quality(struct db_stmt *st, int c, struct activity_quality *q)
{
	q->a1 = (int)db_col_int(st, c);
	q->a2 = (int)db_col_int(st, c + 1);
	q->a3 = (int)db_col_int(st, c + 2);
	q->typed = (int)db_col_int(st, c + 3);
	q->ad_lower = bound_col(st, c + 4);
	q->ad_upper = bound_col(st, c + 5);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		int k = c + 6 + 3 * g;

		q->has_gas[g] = !db_col_isnull(st, k);
		q->gas_milli[g] = q->has_gas[g] ? db_col_int(st, k) : 0;
		q->ef_lower[g] = bound_col(st, k + 1);
		q->ef_upper[g] = bound_col(st, k + 2);
	}
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
	row->has_restated = (int)db_col_int(st, 21);
	row->restated_kg_milli = db_col_int(st, 22);
	read_quality(st, 23, &row->q);
}

int store_activity_list(struct db *db, int county_id, int year, struct arena *a,
			int (*each)(void *ctx, const struct activity_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id, method, description, note, quantity, IFNULL(quantity2, ''), IFNULL(opt1, ''), IFNULL(opt2, ''),"
		" IFNULL(opt3, ''), kg_milli, category, scope, gwp_set, factor_text, unit_text, method_text, sources, provisional,"
		" IFNULL(override_reason, ''), version, iso_category, restated_kg_milli IS NOT NULL, IFNULL(restated_kg_milli, 0), "
		QUALITY_COLS " FROM county_activities WHERE county_id = ? AND year = ? ORDER BY category, method, id");
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
		" IFNULL(override_factor, ''), IFNULL(override_reason, ''), version,"
		" IFNULL(a1, 0), IFNULL(a2, 0), IFNULL(a3, 0), IFNULL(dq_note, ''), IFNULL(dq_keeper, ''), IFNULL(ad_lower_milli, -1),"
		" IFNULL(ad_upper_milli, -1), IFNULL(ad_basis, ''), used_a1, used_a2, used_a3, IFNULL(used_ad_lower_milli, -1),"
		" IFNULL(used_ad_upper_milli, -1)"
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
		memset(&out->typed, 0, sizeof(out->typed));
		out->typed.a1 = (int)db_col_int(st, 11);
		out->typed.a2 = (int)db_col_int(st, 12);
		out->typed.a3 = (int)db_col_int(st, 13);
		db_col_copy(st, 14, out->typed.dq_note, sizeof(out->typed.dq_note));
		db_col_copy(st, 15, out->typed.dq_keeper, sizeof(out->typed.dq_keeper));
		out->typed.ad_lower_milli = (int)db_col_int(st, 16);
		out->typed.ad_upper_milli = (int)db_col_int(st, 17);
		db_col_copy(st, 18, out->typed.ad_basis, sizeof(out->typed.ad_basis));
		memset(&out->used, 0, sizeof(out->used));
		out->used.a1 = (int)db_col_int(st, 19);
		out->used.a2 = (int)db_col_int(st, 20);
		out->used.a3 = (int)db_col_int(st, 21);
		out->used.ad_lower_milli = (int)db_col_int(st, 22);
		out->used.ad_upper_milli = (int)db_col_int(st, 23);
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

/* v, or NULL when it is `none` (a default kept, or no interval). */
static void bind_int_or_null(struct db_stmt *st, int i, long long v, long long none)
{
	if (v == none)
		db_bind_null(st, i);
	else
		db_bind_int(st, i, v);
}

static void bind_text_or_null(struct db_stmt *st, int i, const char *v)
{
	if (!v || !*v)
		db_bind_null(st, i);
	else
		db_bind_text(st, i, v);
}

/*
 * Binds what every write stores (t, line, kg_milli: parameters 0..WRITE_NPARAMS-1,
 * in the order of both statements' column lists); returns the next parameter.
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
		const struct calc_gas_amount *ga = &line->gas[g];
		long long m;

		/* A gas that does not fit is not stored (nonagency.h bounds the line, so it cannot happen). */
		if (ga->present && !dec_to_scaled_i64(ga->kg, 3, &m))
			db_bind_int(st, i++, m);
		else
			db_bind_null(st, i++);
		bind_int_or_null(st, i++, ga->present && ga->has_ci ? ga->ci_lower_milli : -1, -1);
		bind_int_or_null(st, i++, ga->present && ga->has_ci ? ga->ci_upper_milli : -1, -1);
	}
	/* The quality: typed (NULL keeps the default), then in force. */
	{
		const struct store_quality *q = t->typed, *u = t->used;

		bind_int_or_null(st, i++, q ? q->a1 : 0, 0);
		bind_int_or_null(st, i++, q ? q->a2 : 0, 0);
		bind_int_or_null(st, i++, q ? q->a3 : 0, 0);
		bind_text_or_null(st, i++, q ? q->dq_note : NULL);
		bind_text_or_null(st, i++, q ? q->dq_keeper : NULL);
		bind_int_or_null(st, i++, q ? q->ad_lower_milli : -1, -1);
		bind_int_or_null(st, i++, q ? q->ad_upper_milli : -1, -1);
		bind_text_or_null(st, i++, q ? q->ad_basis : NULL);
		db_bind_int(st, i++, u ? u->a1 : 0);
		db_bind_int(st, i++, u ? u->a2 : 0);
		db_bind_int(st, i++, u ? u->a3 : 0);
		bind_int_or_null(st, i++, u ? u->ad_lower_milli : -1, -1);
		bind_int_or_null(st, i++, u ? u->ad_upper_milli : -1, -1);
	}
	return i;
}

/* The columns bind_line binds after iso_category: each gas with its factor's interval, then the quality. */
#define WRITE_GAS(g) g "_milli, " g "_ef_lower_milli, " g "_ef_upper_milli, "
#define WRITE_COLS WRITE_GAS("co2") WRITE_GAS("ch4") WRITE_GAS("n2o") WRITE_GAS("hfcs") WRITE_GAS("pfcs") WRITE_GAS("sf6") \
	WRITE_GAS("nf3") "a1, a2, a3, dq_note, dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis, used_a1, used_a2, used_a3," \
	" used_ad_lower_milli, used_ad_upper_milli"
#define SET_GAS(g) g "_milli = ?, " g "_ef_lower_milli = ?, " g "_ef_upper_milli = ?, "
#define SET_COLS SET_GAS("co2") SET_GAS("ch4") SET_GAS("n2o") SET_GAS("hfcs") SET_GAS("pfcs") SET_GAS("sf6") SET_GAS("nf3") \
	"a1 = ?, a2 = ?, a3 = ?, dq_note = ?, dq_keeper = ?, ad_lower_milli = ?, ad_upper_milli = ?, ad_basis = ?," \
	" used_a1 = ?, used_a2 = ?, used_a3 = ?, used_ad_lower_milli = ?, used_ad_upper_milli = ?"
/* 3 x 7 gas columns and 13 of quality. */
#define Q21 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
#define Q13 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"

int store_activity_insert(struct db *db, int county_id, int year, const struct activity_text *t, const struct na_line *line,
			  long long kg_milli, long long by, long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO county_activities (description, note, quantity, quantity2, opt1, opt2, opt3, override_factor,"
		" override_reason, kg_milli, category, scope, gwp_set, factor_text, unit_text, method_text, sources, provisional,"
		" iso_category, " WRITE_COLS ","
		" created_by, updated_by, created_at, updated_at, county_id, year, method)"
		" VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''),"
		" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " Q21 Q13 ", ?, ?, NOW(3), NOW(3), ?, ?, ?)");
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
		" unit_text = ?, method_text = ?, sources = ?, provisional = ?, iso_category = ?, " SET_COLS ","
		" version = version + 1, updated_by = ?, restated_kg_milli = NULL, restated_change_id = NULL, restated_at = NULL,"
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
		" CONCAT_WS(' / ', opt1, opt2, opt3), factor_text, gwp_set, method_text, sources, IFNULL(override_reason, ''), kg_milli,"
		" " QUALITY_COLS ", provisional"
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

		read_quality(st, 14, &row.q);
		row.provisional = (int)db_col_int(st, 14 + QUALITY_NCOLS);
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

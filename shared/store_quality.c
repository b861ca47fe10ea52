/* store_quality.c: quality_queue, the lines the quality job reads, quality_rollups and county_quality. */
#include <string.h>

#include "store_quality.h"

int store_quality_request(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO quality_queue (county_id, year, requests, requested_at) VALUES (?, ?, 1, NOW(3))"
		" ON DUPLICATE KEY UPDATE requests = requests + 1, requested_at = NOW(3)");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	return db_exec(st);
}

int store_quality_pending(struct db *db, struct store_quality_pending *out, int max, int *n)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT county_id, year FROM quality_queue WHERE done_for < requests ORDER BY requested_at LIMIT ?");
	int r = 0;

	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, max);
	if (db_exec(st))
		return -1;
	while (*n < max && (r = db_step(st)) == 1) {
		out[*n].county = (int)db_col_int(st, 0);
		out[*n].year = (int)db_col_int(st, 1);
		(*n)++;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_quality_fill_missing(struct db *db, long long *n)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO quality_queue (county_id, year, requests, requested_at)"
		" SELECT c.county_id, c.year, 1, NOW(3) FROM county_rollups c"
		" LEFT JOIN quality_queue q ON q.county_id = c.county_id AND q.year = c.year WHERE q.county_id IS NULL");

	if (!st)
		return -1;
	if (db_exec(st))
		return -1;
	*n = (long long)db_affected(st);
	return 0;
}

int store_quality_begin(struct db *db, int county, int year, long long *requests)
{
	struct db_stmt *st = db_prepare(db, "SELECT requests, done_for FROM quality_queue WHERE county_id = ? AND year = ?");
	int r, pending = 0;

	*requests = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		*requests = db_col_int(st, 0);
		pending = db_col_int(st, 1) < *requests;
	}
	db_reset(st);
	return r < 0 ? -1 : pending;
}

int store_quality_lock_figures(struct db *db, int county, int year, long long requests, int *runs)
{
	struct db_stmt *st = db_prepare(db, "SELECT figures_for, runs FROM quality_queue WHERE county_id = ? AND year = ? FOR UPDATE");
	int r, todo = 0;

	if (runs)
		*runs = -1;
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		todo = db_col_int(st, 0) < requests;
		if (runs)
			*runs = (int)db_col_int(st, 1);
	}
	db_reset(st);
	return r < 0 ? -1 : todo;
}

int store_quality_figures_written(struct db *db, int county, int year, long long requests)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE quality_queue SET figures_for = GREATEST(figures_for, ?), runs = runs + 1 WHERE county_id = ? AND year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, requests);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	return db_exec(st);
}

int store_quality_done(struct db *db, int county, int year, long long requests)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE quality_queue SET done_for = GREATEST(done_for, ?), done_at = NOW(3) WHERE county_id = ? AND year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, requests);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	return db_exec(st);
}

int store_quality_queue_get(struct db *db, int county, int year, struct store_quality_queue *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT requests, figures_for, done_for, runs FROM quality_queue WHERE county_id = ? AND year = ?");
	int r;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->requests = db_col_int(st, 0);
		out->figures_for = db_col_int(st, 1);
		out->done_for = db_col_int(st, 2);
		out->runs = (int)db_col_int(st, 3);
	}
	db_reset(st);
	return r;
}

int store_quality_agencies(struct db *db, int county, int year, long long lock, store_quality_agency_fn each, void *ctx)
{
	/* A locked year: the tree it was locked with (year_lock_agencies, every one active then). */
	struct db_stmt *st = db_prepare(db, lock ?
		"SELECT a.id, IFNULL(m.parent_id, 0), 1, IFNULL(DATE_FORMAT(r.updated_at, '%Y-%m-%d %H:%i:%s.000'), '')"
		" FROM year_lock_agencies m JOIN agencies a ON a.id = m.agency_id LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" WHERE m.lock_id = ?" :
		"SELECT a.id, IFNULL(a.parent_id, 0), a.active, IFNULL(DATE_FORMAT(r.updated_at, '%Y-%m-%d %H:%i:%s.000'), '')"
		" FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ? WHERE a.county_id = ?");
	struct store_quality_agency a;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, lock ? lock : county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		memset(&a, 0, sizeof(a));
		a.id = db_col_int(st, 0);
		a.parent_id = db_col_int(st, 1);
		a.active = (int)db_col_int(st, 2);
		db_col_copy(st, 3, a.saved_at, sizeof(a.saved_at));
		if (each(ctx, &a)) {
			r = -1;
			break;
		}
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

static int interval_col(struct db_stmt *st, int i)
{
	return db_col_isnull(st, i) ? -1 : (int)db_col_int(st, i);
}

int store_quality_lines(struct db *db, int county, int year, store_quality_row_fn each, void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT r.agency_id, l.item, l.seq, l.kg_milli, l.a1, l.a2, l.a3, l.ad_lower_milli, l.ad_upper_milli,"
		" g.gas, g.kg_milli, g.ef_lower_milli, g.ef_upper_milli"
		" FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" JOIN report_lines l ON l.report_id = r.id AND l.part = 'own'"
		" LEFT JOIN report_line_gases g ON g.report_id = l.report_id AND g.part = l.part AND g.item = l.item AND g.seq = l.seq"
		" WHERE a.county_id = ? ORDER BY r.agency_id, l.item, l.seq, g.gas");
	struct store_quality_row row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		memset(&row, 0, sizeof(row));
		row.agency_id = db_col_int(st, 0);
		db_col_copy(st, 1, row.item, sizeof(row.item));
		row.seq = (int)db_col_int(st, 2);
		row.kg_milli = db_col_int(st, 3);
		row.a1 = (int)db_col_int(st, 4);
		row.a2 = (int)db_col_int(st, 5);
		row.a3 = (int)db_col_int(st, 6);
		row.ad_lower = interval_col(st, 7);
		row.ad_upper = interval_col(st, 8);
		row.has_gas = !db_col_isnull(st, 9);
		db_col_copy(st, 9, row.gas, sizeof(row.gas));
		row.gas_kg_milli = db_col_int(st, 10);
		row.ef_lower = interval_col(st, 11);
		row.ef_upper = interval_col(st, 12);
		if (each(ctx, &row)) {
			r = -1;
			break;
		}
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_quality_nonagency(struct db *db, int county, int year, store_quality_nonagency_fn each, void *ctx)
{
#define GAS(g) ", " g "_milli, " g "_ef_lower_milli, " g "_ef_upper_milli"
	struct db_stmt *st = db_prepare(db,
		"SELECT id, kg_milli, used_a1, used_a2, used_a3, used_ad_lower_milli, used_ad_upper_milli,"
		" DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.000')" GAS("co2") GAS("ch4") GAS("n2o") GAS("hfcs") GAS("pfcs")
		GAS("sf6") GAS("nf3") " FROM county_activities WHERE county_id = ? AND year = ? ORDER BY id");
#undef GAS
	struct store_quality_nonagency l;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		memset(&l, 0, sizeof(l));
		l.id = db_col_int(st, 0);
		l.kg_milli = db_col_int(st, 1);
		l.a1 = (int)db_col_int(st, 2);
		l.a2 = (int)db_col_int(st, 3);
		l.a3 = (int)db_col_int(st, 4);
		l.ad_lower = interval_col(st, 5);
		l.ad_upper = interval_col(st, 6);
		db_col_copy(st, 7, l.saved_at, sizeof(l.saved_at));
		for (int g = 0; g < STORE_QUALITY_GASES; g++) {
			int c = 8 + 3 * g;

			l.has_gas[g] = !db_col_isnull(st, c);
			l.gas_milli[g] = db_col_int(st, c);
			l.ef_lower[g] = interval_col(st, c + 1);
			l.ef_upper[g] = interval_col(st, c + 2);
		}
		if (each(ctx, &l)) {
			r = -1;
			break;
		}
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* The figures' columns, in this order, in every read below. */
#define FIGURES_COLS "covered_milli, grade_hundredths, grade, unc_lower_milli, unc_upper_milli, assessed_bp," \
	" uncovered_lines, uncovered_milli, IFNULL(DATE_FORMAT(data_at, '%Y-%m-%d %H:%i:%s.%f'), '')," \
	" DATE_FORMAT(computed_at, '%Y-%m-%d %H:%i:%s.%f')"

static void figures_read(struct db_stmt *st, int c, struct store_quality_figures *f)
{
	size_t len;

	memset(f, 0, sizeof(*f));
	f->covered_milli = db_col_int(st, c);
	f->has_grade = !db_col_isnull(st, c + 1);
	f->grade_hundredths = db_col_int(st, c + 1);
	f->grade = (int)db_col_int(st, c + 2);
	f->assessed = !db_col_isnull(st, c + 3);
	f->unc_lower_milli = (int)db_col_int(st, c + 3);
	f->unc_upper_milli = (int)db_col_int(st, c + 4);
	f->assessed_bp = (int)db_col_int(st, c + 5);
	f->uncovered_lines = (int)db_col_int(st, c + 6);
	f->uncovered_milli = db_col_int(st, c + 7);
	db_col_copy(st, c + 8, f->data_at, sizeof(f->data_at));
	db_col_copy(st, c + 9, f->computed_at, sizeof(f->computed_at));
	/* DATETIME(3) prints 6 digits of %f: keep the thousandths the column holds. */
	if ((len = strlen(f->data_at)) > 23)
		f->data_at[23] = '\0';
	if ((len = strlen(f->computed_at)) > 23)
		f->computed_at[23] = '\0';
}

int store_quality_stored(struct db *db, int county, int year, store_quality_stored_fn each, void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT q.agency_id, q.scope = 'subtree', " FIGURES_COLS
		" FROM agencies a JOIN quality_rollups q ON q.agency_id = a.id AND q.year = ? WHERE a.county_id = ?");
	struct store_quality_figures f;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		figures_read(st, 2, &f);
		if (each(ctx, db_col_int(st, 0), (int)db_col_int(st, 1), &f)) {
			r = -1;
			break;
		}
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* Binds the figures from parameter i on (8 values, then data_at). */
static void figures_bind(struct db_stmt *st, int i, const struct store_quality_figures *f)
{
	db_bind_int(st, i, f->covered_milli);
	if (f->has_grade)
		db_bind_int(st, i + 1, f->grade_hundredths);
	else
		db_bind_null(st, i + 1);
	db_bind_int(st, i + 2, f->grade);
	if (f->assessed) {
		db_bind_int(st, i + 3, f->unc_lower_milli);
		db_bind_int(st, i + 4, f->unc_upper_milli);
	} else {
		db_bind_null(st, i + 3);
		db_bind_null(st, i + 4);
	}
	db_bind_int(st, i + 5, f->assessed_bp);
	db_bind_int(st, i + 6, f->uncovered_lines);
	db_bind_int(st, i + 7, f->uncovered_milli);
	if (f->data_at[0])
		db_bind_text(st, i + 8, f->data_at);
	else
		db_bind_null(st, i + 8);
}

#define FIGURES_UPDATE " covered_milli = VALUES(covered_milli), grade_hundredths = VALUES(grade_hundredths)," \
	" grade = VALUES(grade), unc_lower_milli = VALUES(unc_lower_milli), unc_upper_milli = VALUES(unc_upper_milli)," \
	" assessed_bp = VALUES(assessed_bp), uncovered_lines = VALUES(uncovered_lines)," \
	" uncovered_milli = VALUES(uncovered_milli), data_at = VALUES(data_at), computed_at = VALUES(computed_at)"

/*
 * The agencies' rows that differ, many to a statement (db_repeat_chunk): a county-year whose every
 * figure moved (a factor day, a bulk import) is 10,000 rows, which one statement each took about
 * 0.5 s of a 1 s run (issue 15's bench, MariaDB's slow log).
 */
static struct db_repeat put_rows = {
	"INSERT INTO quality_rollups (agency_id, year, scope, covered_milli, grade_hundredths, grade, unc_lower_milli,"
	" unc_upper_milli, assessed_bp, uncovered_lines, uncovered_milli, data_at, computed_at) VALUES ",
	"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))", " ON DUPLICATE KEY UPDATE" FIGURES_UPDATE, 12, { 0 } };

static void row_bind(struct db_stmt *st, int i, int year, const struct store_quality_put *r)
{
	db_bind_int(st, i, r->agency_id);
	db_bind_int(st, i + 1, year);
	db_bind_text(st, i + 2, r->subtree ? "subtree" : "own");
	figures_bind(st, i + 3, &r->f);
}

int store_quality_put_agencies(struct db *db, int year, const struct store_quality_put *rows, int n)
{
	for (int i = 0, k; i < n; i += k) {
		struct db_stmt *st;

		k = db_repeat_chunk(&put_rows, n - i);
		if (!(st = db_prepare(db, db_repeat_sql(&put_rows, k))))
			return -1;
		for (int j = 0; j < k; j++)
			row_bind(st, put_rows.per * j, year, &rows[i + j]);
		if (db_exec(st))
			return -1;
	}
	return 0;
}

int store_quality_put_county(struct db *db, int county, int year, const struct store_quality_figures *f)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO county_quality (county_id, year, covered_milli, grade_hundredths, grade, unc_lower_milli,"
		" unc_upper_milli, assessed_bp, uncovered_lines, uncovered_milli, data_at, computed_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3)) ON DUPLICATE KEY UPDATE" FIGURES_UPDATE);

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	figures_bind(st, 2, f);
	return db_exec(st);
}

int store_quality_get_agency(struct db *db, long long agency_id, int year, int subtree, struct store_quality_figures *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT " FIGURES_COLS " FROM quality_rollups WHERE agency_id = ? AND year = ? AND scope = ?");
	int r;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, year);
	db_bind_text(st, 2, subtree ? "subtree" : "own");
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		figures_read(st, 0, out);
	db_reset(st);
	return r;
}

int store_quality_get_county(struct db *db, int county, int year, struct store_quality_figures *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " FIGURES_COLS " FROM county_quality WHERE county_id = ? AND year = ?");
	int r;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		figures_read(st, 0, out);
	db_reset(st);
	return r;
}

int store_quality_share_county(struct db *db, int county)
{
	struct db_stmt *st = db_prepare(db, "SELECT id FROM counties WHERE id = ? LOCK IN SHARE MODE");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	if (db_exec(st))
		return -1;
	while (db_step(st) == 1)
		;
	db_reset(st);
	return 0;
}

/* store_inventory.c: the county inventory (清冊): its sums and trend, the stamp of the data
 * under its workbooks, and the rows they list. */
#include <stdio.h>

#include "store_inventory_sql.h"

/* After a callback asked to stop at a row: the rest of the result goes. */
static int stopped(struct db_stmt *st, int r)
{
	db_reset(st);
	return r;
}

/* A group's emission lines computed with a 暫用 factor: how many, and their sum. */
#define PROVISIONAL(t) "SUM(" t ".provisional AND " t ".kg_milli > 0), SUM(IF(" t ".provisional AND " t ".kg_milli > 0, " t ".kg_milli, 0))"

int store_inventory_lock(struct db *db, int county, int year, long long *lock)
{
	struct db_stmt *st = db_prepare(db, "SELECT IFNULL(lock_id, 0) FROM inventory_years WHERE county_id = ? AND year = ?");
	int r;

	*lock = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	if ((r = db_step(st)) == 1)
		*lock = db_col_int(st, 0);
	db_reset(st);
	return r < 0 ? -1 : 0;
}

#define AGENCY_SUM_SQL(V) \
	"SELECT l.part, l.category, l.scope, l.iso_category, SUM(l.kg_milli), " PROVISIONAL("l") \
	" FROM report_lines l JOIN reports r ON r.id = l.report_id" \
	" JOIN (" V##_FROM ") ON " V##_ID " = r.agency_id WHERE " V##_WHERE " AND r.year = ?" \
	" GROUP BY l.part, l.category, l.scope, l.iso_category"

int store_inventory_each_agency_sum(struct db *db, int county, int year, long long lock,
				    int (*each)(void *ctx, const struct store_inventory_agency_sum *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, AGENCY_SUM_SQL));
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, INV_KEY(lock, county));
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_agency_sum row = {
			.part = db_col_text(st, 0, NULL),
			.category = db_col_text(st, 1, NULL),
			.scope = (int)db_col_int(st, 2),
			.iso = (int)db_col_int(st, 3),
		};

		row.fits = !db_col_i64(st, 4, &row.milli) && !db_col_i64(st, 6, &row.provisional_milli);
		row.provisional_lines = (int)db_col_int(st, 5);
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

int store_inventory_each_nonagency_sum(struct db *db, int county, int year,
				       int (*each)(void *ctx, const struct store_inventory_nonagency_sum *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT category, scope, iso_category, SUM(IF(kg_milli > 0, kg_milli, 0)), SUM(IF(kg_milli < 0, kg_milli, 0)), "
		PROVISIONAL("county_activities") " FROM county_activities WHERE county_id = ? AND year = ? GROUP BY category, scope, iso_category");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_nonagency_sum row = {
			.category = (int)db_col_int(st, 0), .scope = (int)db_col_int(st, 1), .iso = (int)db_col_int(st, 2),
		};

		row.fits = !db_col_i64(st, 3, &row.emissions) && !db_col_i64(st, 4, &row.removals) &&
			   !db_col_i64(st, 6, &row.provisional_milli);
		row.provisional_lines = (int)db_col_int(st, 5);
		if (!row.fits)
			row.emissions = row.removals = 0;
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

/* The rows of a gas query bound to (county, year) `nbind` times over. */
static int gas_rows(struct db_stmt *st, int nbind, long long county, int year,
		    int (*each)(void *ctx, const struct store_inventory_gas_sum *row), void *ctx)
{
	int r;

	if (!st)
		return -1;
	for (int i = 0; i < nbind; i++) {
		db_bind_int(st, 2 * i, county);
		db_bind_int(st, 2 * i + 1, year);
	}
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_gas_sum row = { .gas = db_col_isnull(st, 0) ? NULL : db_col_text(st, 0, NULL) };

		row.fits = db_col_isnull(st, 1) ? (row.milli = 0, 1) : !db_col_i64(st, 1, &row.milli);
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

/* The lines without gas rows by NOT EXISTS on report_line_gases' primary key. */
#define AGENCY_GAS_SQL(V) \
	"SELECT CAST(g.gas AS CHAR), SUM(g.kg_milli) FROM report_line_gases g JOIN reports r ON r.id = g.report_id" \
	" JOIN (" V##_FROM ") ON " V##_ID " = r.agency_id WHERE " V##_WHERE " AND r.year = ? AND g.part = 'own'" \
	" GROUP BY g.gas" \
	" UNION ALL SELECT NULL, SUM(l.kg_milli) FROM report_lines l JOIN reports r ON r.id = l.report_id" \
	" JOIN (" V##_FROM ") ON " V##_ID " = r.agency_id WHERE " V##_WHERE " AND r.year = ? AND l.part = 'own'" \
	" AND NOT EXISTS (SELECT 1 FROM report_line_gases g WHERE g.report_id = l.report_id AND g.part = l.part" \
	" AND g.item = l.item AND g.seq = l.seq)"

int store_inventory_each_agency_gas(struct db *db, int county, int year, long long lock,
				    int (*each)(void *ctx, const struct store_inventory_gas_sum *row), void *ctx)
{
	return gas_rows(db_prepare(db, INV_SQL(lock, AGENCY_GAS_SQL)), 2, INV_KEY(lock, county), year, each, ctx);
}

int store_inventory_each_nonagency_gas(struct db *db, int county, int year,
				       int (*each)(void *ctx, const struct store_inventory_gas_sum *row), void *ctx)
{
#define NA_GAS(key, col) "SELECT '" key "', SUM(IF(kg_milli > 0, IFNULL(" col ", 0), 0)) FROM county_activities" \
	" WHERE county_id = ? AND year = ? UNION ALL "
	struct db_stmt *st = db_prepare(db,
		NA_GAS("CO2", "co2_milli") NA_GAS("CH4", "ch4_milli") NA_GAS("N2O", "n2o_milli") NA_GAS("HFCs", "hfcs_milli")
		NA_GAS("PFCs", "pfcs_milli") NA_GAS("SF6", "sf6_milli") NA_GAS("NF3", "nf3_milli")
		"SELECT NULL, SUM(kg_milli) FROM county_activities WHERE county_id = ? AND year = ? AND kg_milli > 0"
		" AND co2_milli IS NULL AND ch4_milli IS NULL AND n2o_milli IS NULL AND hfcs_milli IS NULL"
		" AND pfcs_milli IS NULL AND sf6_milli IS NULL AND nf3_milli IS NULL");
#undef NA_GAS

	return gas_rows(st, 8, county, year, each, ctx);
}

#define LEVEL_SQL(V) \
	"SELECT LEAST(" V##_LEVEL ", ?), COUNT(*), SUM(" STORE_REPORT_STATUS_SQL("r") " = 0)," \
	" SUM(" STORE_REPORT_STATUS_SQL("r") " = 1), SUM(" STORE_REPORT_STATUS_SQL("r") " = 2)," \
	" SUM(" STORE_REPORT_STATUS_SQL("r") " = 3), SUM(" STORE_REPORT_STATUS_SQL("r") " = 1 AND r.returned = 1)," \
	" SUM(IFNULL(r.own_total_milli, 0)) FROM " V##_FROM " LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?" \
	" WHERE " V##_WHERE " GROUP BY LEAST(" V##_LEVEL ", ?)"

int store_inventory_each_level(struct db *db, int county, int year, long long lock, int max_level,
			       int (*each)(void *ctx, const struct store_inventory_level *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, LEVEL_SQL));
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, max_level);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, INV_KEY(lock, county));
	db_bind_int(st, 3, max_level);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_level row = {
			.level = (int)db_col_int(st, 0),
			.n_agencies = (int)db_col_int(st, 1),
			.n_returned = (int)db_col_int(st, 6),
		};

		for (int s = 0; s < REPORT_STATUS__MAX; s++)
			row.n_status[s] = (int)db_col_int(st, 2 + s);
		row.fits = !db_col_i64(st, 7, &row.milli);
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

#define TOP_SQL(V) \
	"SELECT a.code, a.name, " V##_LEVEL ", r.own_total_milli, " STATE_COLS " FROM reports r" \
	" JOIN (" V##_FROM ") ON " V##_ID " = r.agency_id WHERE " V##_WHERE " AND r.year = ? AND r.own_total_milli > 0" \
	" ORDER BY r.own_total_milli DESC, a.code LIMIT 20"

int store_inventory_each_top(struct db *db, int county, int year, long long lock,
			     int (*each)(void *ctx, const struct store_inventory_top *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, TOP_SQL));
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, INV_KEY(lock, county));
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_top row = {
			.code = db_col_text(st, 0, NULL),
			.name = db_col_text(st, 1, NULL),
			.level = (int)db_col_int(st, 2),
			.milli = db_col_int(st, 3),
		};

		state_of(st, 4, &row.state);
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

/*
 * From the county's agencies outwards (STRAIGHT_JOIN): left to choose,
 * MariaDB read every county's reports, 0.4 s of the detail workbook's 1.3 s
 * for one county of the synthetic 22 (bench/README.md).  The totals come
 * from reports_agency_total alone (0035_county_reads.sql), each side summed
 * by year before the two are added.  When the span has a locked year, LOCKED
 * leaves those years out of the first sum and sums them from their locks'
 * trees (year_lock_agencies); NOT IN costs the statement about 5 ms on the
 * bench's county where a join of inventory_years cost 35, so a span with no
 * lock (the first statement says) runs without it.
 */
#define TREND_SQL(LOCKED) \
	"SELECT y, SUM(v) FROM (" \
	" SELECT r.year y, SUM(r.own_total_milli) v FROM agencies a STRAIGHT_JOIN reports r" \
	"  ON r.agency_id = a.id AND r.year BETWEEN ? AND ? WHERE a.county_id = ? AND a.active = 1" LOCKED \
	" UNION ALL SELECT year, SUM(kg_milli) FROM county_activities" \
	"  WHERE county_id = ? AND kg_milli > 0 AND year BETWEEN ? AND ? GROUP BY year) t GROUP BY y"
#define TREND_LOCKED \
	" AND r.year NOT IN (SELECT year FROM inventory_years WHERE county_id = ? AND lock_id IS NOT NULL) GROUP BY r.year" \
	" UNION ALL SELECT iy.year, SUM(r.own_total_milli) FROM inventory_years iy JOIN year_lock_agencies m ON m.lock_id = iy.lock_id" \
	"  JOIN reports r ON r.agency_id = m.agency_id AND r.year = iy.year" \
	"  WHERE iy.county_id = ? AND iy.year BETWEEN ? AND ? AND iy.lock_id IS NOT NULL GROUP BY iy.year"

int store_inventory_each_trend(struct db *db, int county, int first, int last,
			       int (*each)(void *ctx, const struct store_inventory_trend *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM inventory_years WHERE county_id = ? AND year BETWEEN ? AND ?"
				       " AND lock_id IS NOT NULL");
	int r, locked;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, first);
	db_bind_int(st, 2, last);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	locked = db_col_int(st, 0) > 0;
	db_reset(st);
	if (!(st = db_prepare(db, locked ? TREND_SQL(TREND_LOCKED) : TREND_SQL(" GROUP BY r.year"))))
		return -1;
	r = 0;
	db_bind_int(st, r++, first);
	db_bind_int(st, r++, last);
	db_bind_int(st, r++, county);
	if (locked) {
		db_bind_int(st, r++, county);
		db_bind_int(st, r++, county);
		db_bind_int(st, r++, first);
		db_bind_int(st, r++, last);
	}
	db_bind_int(st, r++, county);
	db_bind_int(st, r++, first);
	db_bind_int(st, r++, last);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_trend row = { .year = (int)db_col_int(st, 0) };

		row.fits = !db_col_i64(st, 1, &row.milli);
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

int store_inventory_stamp(struct db *db, int county, char stamp[STORE_INVENTORY_STAMP_MAX + 1])
{
	struct db_stmt *st = db_prepare(db,
		"SELECT CONCAT_WS('/', (SELECT IFNULL(MAX(id), 0) FROM outbox WHERE county_id = ?),"
		" (SELECT CONCAT(COUNT(*), ':', IFNULL(MAX(id), 0), ':', IFNULL(SUM(kg_milli), 0), ':', IFNULL(MAX(updated_at), ''))"
		"  FROM county_activities WHERE county_id = ?),"
		" (SELECT IFNULL(MAX(contact_updated_at), '') FROM agencies WHERE county_id = ?),"
		" (SELECT CONCAT(IFNULL(SUM(r.last_version), 0), ':', IFNULL(SUM(r.filed), 0), ':', IFNULL(SUM(r.returned), 0), ':',"
		"  IFNULL(SUM(r.confirmed_version IS NOT NULL), 0)) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ?),"
		/* The quality job's last run (the grades and intervals the workbooks show), written after the save's rollup. */
		" (SELECT IFNULL(DATE_FORMAT(MAX(computed_at), '%Y%m%d%H%i%s%f'), '') FROM county_quality WHERE county_id = ?))");
	size_t n;

	if (!st)
		return -1;
	for (int i = 0; i < 5; i++)
		db_bind_int(st, i, county);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	n = (size_t)snprintf(stamp, STORE_INVENTORY_STAMP_MAX + 1, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	if (n > STORE_INVENTORY_STAMP_MAX) {
		snprintf(db->errstr, sizeof(db->errstr), "the workbooks' stamp is longer than exports.stamp holds");
		return -1;
	}
	return 0;
}

/* The workbooks' rows (worker/export_inventory.c; their lines: store_inventory_lines.c). */

/* The eight columns of struct store_inventory_quality of the quality_rollups row `q` (none: has 0). */
#define QUALITY_COLS(q) q ".agency_id IS NOT NULL, " q ".grade_hundredths IS NOT NULL, IFNULL(" q ".grade_hundredths, 0)," \
	" IFNULL(" q ".grade, 0), " q ".unc_lower_milli IS NOT NULL AND " q ".unc_upper_milli IS NOT NULL," \
	" IFNULL(" q ".unc_lower_milli, 0), IFNULL(" q ".unc_upper_milli, 0), IFNULL(" q ".assessed_bp, 0)"

static void quality_of(struct db_stmt *st, int i, struct store_inventory_quality *q)
{
	q->has = (int)db_col_int(st, i);
	q->has_grade = (int)db_col_int(st, i + 1);
	q->grade_hundredths = db_col_int(st, i + 2);
	q->grade = (int)db_col_int(st, i + 3);
	q->assessed = (int)db_col_int(st, i + 4);
	q->lower_milli = (int)db_col_int(st, i + 5);
	q->upper_milli = (int)db_col_int(st, i + 6);
	q->assessed_bp = (int)db_col_int(st, i + 7);
}

#define FILING_SQL(V) \
	"SELECT a.id, a.code, a.name, " V##_LEVEL ", IFNULL(p.name, ''), " STATE_COLS "," \
	" IFNULL(a.contact_name, ''), IFNULL(a.contact_phone, ''), IFNULL(a.contact_email, '')," \
	" IFNULL(r.own_total_milli, 0), IFNULL(r.outsourced_total_milli, 0), " QUALITY_COLS("qo") ", " QUALITY_COLS("qs") \
	" FROM " V##_FROM " LEFT JOIN agencies p ON p.id = " V##_PARENT \
	" LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?" \
	" LEFT JOIN quality_rollups qo ON qo.agency_id = a.id AND qo.year = ? AND qo.scope = 'own'" \
	" LEFT JOIN quality_rollups qs ON qs.agency_id = a.id AND qs.year = ? AND qs.scope = 'subtree'" \
	" WHERE " V##_WHERE " AND " V##_ID " > ? ORDER BY " V##_ID " LIMIT ?"

int store_inventory_each_filing(struct db *db, int county, int year, long long lock, long long after, int limit,
				int (*each)(void *ctx, const struct store_inventory_filing *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, FILING_SQL));
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, INV_KEY(lock, county));
	db_bind_int(st, 4, after);
	db_bind_int(st, 5, limit);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_filing row = {
			.agency = db_col_int(st, 0),
			.code = db_col_text(st, 1, NULL),
			.name = db_col_text(st, 2, NULL),
			.level = (int)db_col_int(st, 3),
			.parent_name = db_col_text(st, 4, NULL),
			.contact_name = db_col_text(st, 9, NULL),
			.contact_phone = db_col_text(st, 10, NULL),
			.contact_email = db_col_text(st, 11, NULL),
			.own_milli = db_col_int(st, 12),
			.outsourced_milli = db_col_int(st, 13),
		};

		state_of(st, 5, &row.state);
		quality_of(st, 14, &row.own_q);
		quality_of(st, 22, &row.subtree_q);
		if ((r = each(ctx, &row)))
			return stopped(st, r);
	}
	return r;
}

/* store_report_exclusions.c: the sources an agency's report excludes (report_exclusions), each with its reason (SPEC-2 §2d). */
#include "store_inventory_sql.h"
#include "store_report.h"

int store_report_exclusions_clear(struct db *db, long long report_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM report_exclusions WHERE report_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	return db_exec(st);
}

int store_report_exclusion_add(struct db *db, long long report_id, int seq, const char *name, const char *reason)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO report_exclusions (report_id, seq, name, reason) VALUES (?, ?, ?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	db_bind_int(st, 1, seq);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, reason);
	return db_exec(st);
}

/* Runs st (bound) and gives each row (agency_id, seq, name, reason) to each. */
static int exclusion_rows(struct db_stmt *st, int (*each)(void *ctx, const struct store_report_exclusion *row), void *ctx)
{
	struct store_report_exclusion row;
	int r;

	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.agency_id = db_col_int(st, 0);
		row.seq = (int)db_col_int(st, 1);
		db_col_copy(st, 2, row.name, sizeof(row.name));
		db_col_copy(st, 3, row.reason, sizeof(row.reason));
		db_col_copy(st, 4, row.agency_name, sizeof(row.agency_name));
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_report_exclusions(struct db *db, long long report_id,
			    int (*each)(void *ctx, const struct store_report_exclusion *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT r.agency_id, e.seq, e.name, e.reason, '' FROM report_exclusions e"
				       " JOIN reports r ON r.id = e.report_id WHERE e.report_id = ? ORDER BY e.seq");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	return exclusion_rows(st, each, ctx);
}

#define EXCLUSIONS_SQL(V) \
	"SELECT r.agency_id, e.seq, e.name, e.reason, a.name FROM report_exclusions e JOIN reports r ON r.id = e.report_id" \
	" JOIN (" V##_FROM ") ON " V##_ID " = r.agency_id WHERE " V##_WHERE " AND r.year = ? ORDER BY a.code, e.seq"

int store_report_exclusions_county(struct db *db, int county_id, int year, long long lock,
				   int (*each)(void *ctx, const struct store_report_exclusion *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, EXCLUSIONS_SQL));

	if (!st)
		return -1;
	db_bind_int(st, 0, INV_KEY(lock, county_id));
	db_bind_int(st, 1, year);
	return exclusion_rows(st, each, ctx);
}

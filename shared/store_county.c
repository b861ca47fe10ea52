/* store_county.c: the counties (counties), and what the county team's console reads of one county. */
#include <stdio.h>
#include <string.h>

#include "store_county.h"
#include "store_report.h"
#include "strbuf.h"

/* The state of the reports row `r` and its 退回 flag, for the counts below. */
#define STATE STORE_REPORT_STATUS_SQL("r")
/* The counts' six columns over rows of agencies `d` LEFT JOIN reports `r`. */
#define COUNTS "COUNT(*), IFNULL(SUM(" STATE " = 0), 0), IFNULL(SUM(" STATE " = 1), 0)," \
	" IFNULL(SUM(" STATE " = 1 AND r.returned = 1), 0), IFNULL(SUM(" STATE " = 2), 0), IFNULL(SUM(" STATE " = 3), 0)"

/* Reads COUNTS from column i on. */
static void counts_of(struct db_stmt *st, int i, struct store_county_counts *c)
{
	c->n_agencies = db_col_int(st, i);
	c->n[REPORT_NONE] = db_col_int(st, i + 1);
	c->n[REPORT_DRAFT] = db_col_int(st, i + 2);
	c->n_returned = db_col_int(st, i + 3);
	c->n[REPORT_FILED] = db_col_int(st, i + 4);
	c->n[REPORT_CONFIRMED] = db_col_int(st, i + 5);
}

int store_county_list(struct db *db, struct county *out, int max, int *n)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, letter, name FROM counties ORDER BY letter");
	int r = 0;

	*n = 0;
	if (!st || db_exec(st))
		return -1;
	while (*n < max && (r = db_step(st)) == 1) {
		struct county *c = &out[(*n)++];

		c->id = (int)db_col_int(st, 0);
		db_col_copy(st, 1, c->letter, sizeof(c->letter));
		db_col_copy(st, 2, c->name, sizeof(c->name));
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_county_name(struct db *db, int county, char *name, size_t size)
{
	struct db_stmt *st = db_prepare(db, "SELECT name FROM counties WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	if (db_exec(st) || (r = db_step(st)) < 0)
		return -1;
	if (r)
		snprintf(name, size, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	return r;
}

int store_county_total(struct db *db, int county_id, int year, struct store_county_total *out)
{
	/* 重算值: the confirmed or locked reports' restated figures in place of theirs, in one pass over them. */
	struct db_stmt *st = db_prepare(db,
		"SELECT IFNULL(c.total_milli, 0), IFNULL(c.outsourced_milli, 0), IFNULL(DATE_FORMAT(c.computed_at, '%Y-%m-%d %H:%i:%s'), ''),"
		" EXISTS (SELECT 1 FROM outbox o WHERE o.county_id = ? AND o.year = ? AND o.done_at IS NULL),"
		" rs.n, IFNULL(rs.delta, 0), IFNULL(rs.confirmed, 0)"
		" FROM counties k LEFT JOIN county_rollups c ON c.county_id = k.id AND c.year = ?"
		" JOIN (SELECT COUNT(*) n, SUM(r.restated_own_milli - r.own_total_milli) delta, SUM(r.confirmed_version IS NOT NULL) confirmed"
		"  FROM reports r JOIN agencies a ON a.id = r.agency_id AND a.active = 1"
		"  WHERE a.county_id = ? AND r.year = ? AND r.restated_own_milli IS NOT NULL) rs WHERE k.id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, county_id);
	db_bind_int(st, 4, year);
	db_bind_int(st, 5, county_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->total_milli = db_col_int(st, 0);
		out->outsourced_milli = db_col_int(st, 1);
		db_col_copy(st, 2, out->computed_at, sizeof(out->computed_at));
		out->pending = (int)db_col_int(st, 3);
		out->restated_reports = db_col_int(st, 4);
		out->restated_delta_milli = db_col_int(st, 5);
		out->restated_confirmed = db_col_int(st, 6);
	}
	db_reset(st);
	return r;
}

int store_county_quality(struct db *db, int county_id, int year, struct store_county_quality *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT q.county_id IS NOT NULL, q.grade_hundredths IS NOT NULL, IFNULL(q.grade_hundredths, 0), IFNULL(q.grade, 0),"
		" q.unc_lower_milli IS NOT NULL AND q.unc_upper_milli IS NOT NULL, IFNULL(q.unc_lower_milli, 0),"
		" IFNULL(q.unc_upper_milli, 0), IFNULL(q.assessed_bp, 0), IFNULL(q.covered_milli, 0), IFNULL(q.uncovered_lines, 0),"
		" IFNULL(q.uncovered_milli, 0), IFNULL(DATE_FORMAT(q.computed_at, '%Y-%m-%d %H:%i:%s'), ''),"
		" EXISTS (SELECT 1 FROM outbox o WHERE o.county_id = k.id AND o.year = ? AND o.done_at IS NULL)"
		" OR EXISTS (SELECT 1 FROM quality_queue qq WHERE qq.county_id = k.id AND qq.year = ? AND qq.requests > qq.figures_for)"
		" FROM counties k LEFT JOIN county_quality q ON q.county_id = k.id AND q.year = ? WHERE k.id = ?");
	int r;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, county_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->has = (int)db_col_int(st, 0);
		out->has_grade = (int)db_col_int(st, 1);
		out->grade_hundredths = db_col_int(st, 2);
		out->grade = (int)db_col_int(st, 3);
		out->assessed = (int)db_col_int(st, 4);
		out->lower_milli = (int)db_col_int(st, 5);
		out->upper_milli = (int)db_col_int(st, 6);
		out->assessed_bp = (int)db_col_int(st, 7);
		out->covered_milli = db_col_int(st, 8);
		out->uncovered_lines = (int)db_col_int(st, 9);
		out->uncovered_milli = db_col_int(st, 10);
		db_col_copy(st, 11, out->computed_at, sizeof(out->computed_at));
		out->pending = (int)db_col_int(st, 12);
	}
	db_reset(st);
	return r;
}

int store_county_status_counts(struct db *db, int county_id, int year, struct store_county_counts *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT " COUNTS " FROM agencies d LEFT JOIN reports r ON r.agency_id = d.id AND r.year = ?"
		" WHERE d.county_id = ? AND d.active = 1");

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county_id);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	counts_of(st, 0, out);
	db_reset(st);
	return 0;
}

int store_county_each_first_level(struct db *db, int county_id, int year,
				  int (*each)(void *ctx, const struct store_county_first_level *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.name, " COUNTS " FROM agencies a JOIN agency_tree t ON t.ancestor_id = a.id"
		" JOIN agencies d ON d.id = t.descendant_id AND d.active = 1"
		" LEFT JOIN reports r ON r.agency_id = d.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.parent_id IS NULL AND a.active = 1 GROUP BY a.id, a.name, a.code ORDER BY a.code");
	struct store_county_first_level row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.name = db_col_text(st, 0, NULL);
		counts_of(st, 1, &row.counts);
		if (each(ctx, &row))
			break;
	}
	if (r < 0)
		return -1;
	db_reset(st);
	return 0;
}

/* Binds q as a LIKE pattern matching it anywhere, with % and _ and \ taken literally. */
static void bind_like(struct db_stmt *st, int i, const char *q)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			strbuf_addch(&sb, '\\');
		strbuf_addch(&sb, *q);
	}
	strbuf_addch(&sb, '%');
	db_bind_textn(st, i, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void agency_row(struct db_stmt *st, struct store_county_agency *row)
{
	row->id = db_col_int(st, 0);
	row->code = db_col_text(st, 1, NULL);
	row->name = db_col_text(st, 2, NULL);
	row->level = (int)db_col_int(st, 3);
	row->parent_name = db_col_text(st, 4, NULL);
	row->status = (int)db_col_int(st, 5);
	row->own_total_milli = db_col_int(st, 6);
	row->subtree_milli = db_col_int(st, 7);
	row->contact_name = db_col_text(st, 8, NULL);
	row->contact_phone = db_col_text(st, 9, NULL);
	row->contact_email = db_col_text(st, 10, NULL);
	row->locked = (int)db_col_int(st, 11);
	row->returned = (int)db_col_int(st, 12);
	row->has_restated = (int)db_col_int(st, 13);
	row->restated_own_milli = db_col_int(st, 14);
}

int store_county_each_agency(struct db *db, const struct store_county_filter *f,
			     int (*each)(void *ctx, const struct store_county_agency *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.code, a.name, a.level, IFNULL(p.name, ''), " STORE_REPORT_STATUS_SQL("rep") ","
		" IFNULL(rep.own_total_milli, 0), IFNULL(r.subtree_milli, 0), IFNULL(a.contact_name, ''), IFNULL(a.contact_phone, ''),"
		" IFNULL(a.contact_email, ''), ac.locked_until IS NOT NULL AND ac.locked_until > NOW(), IFNULL(rep.returned, 0),"
		" rep.restated_own_milli IS NOT NULL, IFNULL(rep.restated_own_milli, 0)"
		" FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
		" LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ?"
		" LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" LEFT JOIN accounts ac ON ac.agency_id = a.id"
		" WHERE a.county_id = ? AND a.active = 1 AND (? = 0 OR a.level = ? OR (? = 4 AND a.level >= 4))"
		" AND (? < 0 OR " STORE_REPORT_STATUS_SQL("rep") " = ?)"
		" AND (? = 0 OR (" STORE_REPORT_STATUS_SQL("rep") " = 1 AND rep.returned = 1))"
		" AND (? = '' OR a.name LIKE ? OR CONVERT(a.code USING utf8mb4) LIKE ?)"
		" ORDER BY a.level, a.code LIMIT 2000");
	struct store_county_agency row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, f->year);
	db_bind_int(st, 1, f->year);
	db_bind_int(st, 2, f->county_id);
	db_bind_int(st, 3, f->level);
	db_bind_int(st, 4, f->level);
	db_bind_int(st, 5, f->level);
	db_bind_int(st, 6, f->status);
	db_bind_int(st, 7, f->status);
	db_bind_int(st, 8, f->returned);
	db_bind_text(st, 9, f->q);
	bind_like(st, 10, f->q);
	bind_like(st, 11, f->q);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		agency_row(st, &row);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_county_confirm_within(struct db *db, int county_id, int year, int *days)
{
	struct db_stmt *st = db_prepare(db, "SELECT confirm_within_days FROM inventory_years WHERE county_id = ? AND year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st) || (r = db_step(st)) < 0)
		return -1;
	if (r)
		*days = (int)db_col_int(st, 0);
	db_reset(st);
	return r;
}

/* When a report was filed: filed_at, or its last save for one filed before the save recorded it. */
#define FILED_AT "IFNULL(r.filed_at, r.updated_at)"

int store_county_each_waiting(struct db *db, int county_id, int year,
			      int (*each)(void *ctx, const struct store_county_waiting *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.code, a.name, TIMESTAMPDIFF(DAY, " FILED_AT ", NOW()), DATE_FORMAT(" FILED_AT ", '%Y-%m-%d %H:%i'),"
		" a.parent_id IS NULL, IFNULL(p.name, ''), IFNULL(pa.login, ''), IFNULL(p.contact_name, ''), IFNULL(p.contact_phone, ''),"
		" IFNULL(p.contact_email, '')"
		" FROM inventory_years y JOIN agencies a ON a.county_id = y.county_id AND a.active = 1"
		" JOIN reports r ON r.agency_id = a.id AND r.year = y.year"
		" LEFT JOIN agencies p ON p.id = a.parent_id LEFT JOIN accounts pa ON pa.agency_id = p.id"
		" WHERE y.county_id = ? AND y.year = ? AND " STORE_REPORT_STATUS_SQL("r") " = 2"
		" AND " FILED_AT " < NOW() - INTERVAL y.confirm_within_days DAY"
		" ORDER BY " FILED_AT ", a.code");
	struct store_county_waiting row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.agency_id = db_col_int(st, 0);
		row.code = db_col_text(st, 1, NULL);
		row.name = db_col_text(st, 2, NULL);
		row.days = db_col_int(st, 3);
		row.filed_at = db_col_text(st, 4, NULL);
		row.by_team = (int)db_col_int(st, 5);
		row.parent_name = db_col_text(st, 6, NULL);
		row.parent_login = db_col_text(st, 7, NULL);
		row.contact_name = db_col_text(st, 8, NULL);
		row.contact_phone = db_col_text(st, 9, NULL);
		row.contact_email = db_col_text(st, 10, NULL);
		if (each(ctx, &row))
			break;
	}
	if (r < 0)
		return -1;
	db_reset(st);
	return 0;
}

/* store_review.c: what 所屬機關填報確認 reads and locks: who may see or act on an agency, the county-year stamp, the subtree, its totals and its reports' states. */
#include <stdio.h>
#include <string.h>

#include "store_report.h"
#include "store_review.h"
#include "store_session.h"

/* Runs a prepared one-row existence check: 1 a row, 0 none, -1. */
static int exists(struct db_stmt *st)
{
	int r;

	if (db_exec(st))
		return -1;
	r = db_step(st);
	db_reset(st);
	return r;
}

int store_review_is_ancestor(struct db *db, long long ancestor_id, long long descendant_id)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM agency_tree WHERE ancestor_id = ? AND descendant_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, ancestor_id);
	db_bind_int(st, 1, descendant_id);
	return exists(st);
}

int store_review_in_county(struct db *db, long long agency_id, int county_id)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM agencies WHERE id = ? AND county_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, county_id);
	return exists(st);
}

int store_review_agency(struct db *db, long long agency_id, struct store_review_agency *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT name, level, IFNULL(parent_id, 0), county_id FROM agencies WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		db_col_copy(st, 0, out->name, sizeof(out->name));
		out->level = (int)db_col_int(st, 1);
		out->parent_id = db_col_int(st, 2);
		out->county_id = (int)db_col_int(st, 3);
	}
	db_reset(st);
	return r;
}

/*
 * The stamp's parts after served and found, as the columns stamp_cols
 * reads, for the county-year row `iy` (inventory_years: served when it is
 * there, and its lock) and its quality_queue row `qq` (STAMP_JOINS): the
 * newest outbox row (every change queues one: a save, a move, a rename, the
 * trigger of migration 0022), the rollups that committed a change (each adds
 * one to qq.requests in its transaction, which also marks its outbox rows
 * done and writes the county total), the quality runs that wrote figures
 * (qq.runs, in the figures' transaction), the lock in force, and whether a
 * quality run is still to come.  One index step and two rows read by their
 * keys: issue 14 found the six subqueries this replaced (the outbox's
 * pending count, the county total's and the quality figures' computed_at
 * among them) cost more than the session itself, every request.
 */
#define STAMP_COLS " (SELECT IFNULL(MAX(o.id), 0) FROM outbox o WHERE o.county_id = iy.county_id AND o.year = iy.year)," \
	" IFNULL(qq.requests, 0), IFNULL(qq.runs, 0), IFNULL(iy.lock_id, 0), IFNULL(qq.requests > qq.figures_for, 0)"
/* The county-year of county `c` and the year (one parameter). */
#define STAMP_JOINS(c) " LEFT JOIN inventory_years iy ON iy.county_id = " c " AND iy.year = ?" \
	" LEFT JOIN quality_queue qq ON qq.county_id = iy.county_id AND qq.year = iy.year"

/* The stamp's columns of the current row from column c on (served, found, then STAMP_COLS): found. */
static int stamp_cols(struct db_stmt *st, int c, struct store_review_stamp *out)
{
	out->served = (int)db_col_int(st, c);
	out->last_outbox = db_col_int(st, c + 2);
	out->rollups = db_col_int(st, c + 3);
	out->quality_runs = db_col_int(st, c + 4);
	out->lock_id = db_col_int(st, c + 5);
	out->quality_pending = db_col_int(st, c + 6) > 0;
	return (int)db_col_int(st, c + 1);
}

/* Reads the stamp's row (the columns of stamp_cols): found, or -1. */
static int stamp_read(struct db_stmt *st, struct store_review_stamp *out)
{
	int found;

	if (db_exec(st))
		return -1;
	if (db_step(st) != 1) {
		/* The query always gives one row: none is an error (a lost result). */
		db_reset(st);
		return -1;
	}
	found = stamp_cols(st, 0, out);
	db_reset(st);
	return found;
}

int store_review_stamp(struct db *db, int county_id, long long agency_id, int year, struct store_review_stamp *out)
{
	/* An agency of another county is no agency here: the page refuses it alike (404). */
	struct db_stmt *st = db_prepare(db,
		"SELECT iy.year IS NOT NULL, a.id IS NOT NULL," STAMP_COLS
		" FROM (SELECT 1) one" STAMP_JOINS("?")
		" LEFT JOIN agencies a ON a.id = ? AND a.county_id = ?");

	out->served = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, agency_id);
	db_bind_int(st, 3, county_id);
	return stamp_read(st, out);
}

int store_review_stamp_county(struct db *db, int county_id, int year, struct store_review_stamp *out)
{
	/* A year the county does not have: no inventory_years row, every part empty (and not served). */
	struct db_stmt *st = db_prepare(db,
		"SELECT iy.year IS NOT NULL, 1," STAMP_COLS " FROM (SELECT 1) one" STAMP_JOINS("?"));

	out->served = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	return stamp_read(st, out) < 0 ? -1 : 0;
}

int store_review_session(struct db *db, const char *token, long long agency_id, int year, struct arena *a,
			 struct store_session *sess, struct store_review_stamp *stamp, int *found)
{
	/* The stamp is the account's county's: sa, the agency named (or the account's own), only within it. */
	struct db_stmt *st = db_prepare(db,
		"SELECT " STORE_SESSION_COLS ", iy.year IS NOT NULL,"
		" IF(? = 0 AND a.kind = 'team', 1, sa.id IS NOT NULL)," STAMP_COLS
		STORE_SESSION_FROM
		" LEFT JOIN agencies sa ON sa.id = IF(? = 0, a.agency_id, ?) AND sa.county_id = a.county_id"
		STAMP_JOINS("a.county_id")
		STORE_SESSION_WHERE);
	int r, k = 0;

	*found = 0;
	memset(stamp, 0, sizeof(*stamp));
	if (!st)
		return -1;
	db_bind_int(st, k++, agency_id);
	db_bind_int(st, k++, agency_id);
	db_bind_int(st, k++, agency_id);
	db_bind_int(st, k++, year);
	db_bind_text(st, k, token);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		store_session_read(st, a, sess);
		*found = stamp_cols(st, STORE_SESSION_NCOLS, stamp);
	}
	db_reset(st);
	return r;
}

int store_review_trail(struct db *db, long long agency_id, long long viewer_agency_id,
		       int (*each)(void *ctx, const struct store_review_crumb *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.name FROM agency_tree t JOIN agencies a ON a.id = t.ancestor_id"
		" WHERE t.descendant_id = ? AND (? = 0 OR EXISTS (SELECT 1 FROM agency_tree v"
		"  WHERE v.ancestor_id = ? AND v.descendant_id = a.id)) ORDER BY t.depth DESC");
	struct store_review_crumb c;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, viewer_agency_id ? 1 : 0);
	db_bind_int(st, 2, viewer_agency_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		c.id = db_col_int(st, 0);
		db_col_copy(st, 1, c.name, sizeof(c.name));
		if (each(ctx, &c))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_review_pending(struct db *db, int county_id, int year, struct arena *a, long long **ids, int *n)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT DISTINCT IFNULL(t.ancestor_id, 0) FROM outbox o LEFT JOIN agency_tree t ON t.descendant_id = o.agency_id"
		" WHERE o.county_id = ? AND o.year = ? AND o.done_at IS NULL LIMIT 20001");
	long long *v;
	int r = 0;

	_Static_assert(STORE_REVIEW_PENDING_MAX + 1 == 20001, "the LIMIT of store_review_pending");
	*ids = NULL;
	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	v = arena_alloc(a, sizeof(*v) * (STORE_REVIEW_PENDING_MAX + 1));
	while (*n <= STORE_REVIEW_PENDING_MAX && (r = db_step(st)) == 1)
		v[(*n)++] = db_col_int(st, 0);
	db_reset(st);
	if (r < 0)
		return -1;
	*ids = v;
	return 0;
}

/*
 * The columns of a report's state (rep: reports LEFT JOINed, NULL for none),
 * read by state_read() from column i on.
 */
#define STATE_COLS STORE_REPORT_STATUS_SQL("rep") ", IFNULL(rep.returned, 0), IFNULL(rep.revision, 0)," \
	" IFNULL(rep.confirmed_version, 0), IFNULL(rep.return_comment, ''), IFNULL(rep.correction_reason, '')," \
	" IFNULL(DATE_FORMAT(rep.correction_at, '%Y-%m-%d %H:%i:%s'), ''), rep.restated_change_id IS NOT NULL"

static void state_read(struct db_stmt *st, int i, struct store_review_state *out)
{
	out->status = (int)db_col_int(st, i);
	out->returned = (int)db_col_int(st, i + 1);
	out->revision = db_col_int(st, i + 2);
	out->confirmed_version = (int)db_col_int(st, i + 3);
	db_col_copy(st, i + 4, out->return_comment, sizeof(out->return_comment));
	db_col_copy(st, i + 5, out->correction_reason, sizeof(out->correction_reason));
	db_col_copy(st, i + 6, out->correction_at, sizeof(out->correction_at));
	out->held_back = (int)db_col_int(st, i + 7);
}

int store_review_report_state(struct db *db, long long agency_id, int year, struct store_review_state *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " STATE_COLS " FROM agencies a"
				       " LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ? WHERE a.id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, agency_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		state_read(st, 0, out);
	db_reset(st);
	return r;
}

/* The children's columns; the two lists differ in their WHERE only. */
#define CHILD_COLS "SELECT a.id, a.name, IFNULL(r.subtree_milli, 0), IFNULL(r.subtree_outsourced_milli, 0)," \
	" IFNULL(DATE_FORMAT(r.computed_at, '%Y-%m-%d %H:%i:%s'), '')," \
	" r.agency_id IS NULL AND rep.id IS NOT NULL," \
	" EXISTS (SELECT 1 FROM agencies c WHERE c.parent_id = a.id AND c.active = 1), " STATE_COLS "," \
	" qr.agency_id IS NOT NULL, qr.grade_hundredths, IFNULL(qr.grade, 0), qr.unc_lower_milli, qr.unc_upper_milli," \
	" IFNULL(qr.assessed_bp, 0), IFNULL(qr.uncovered_lines, 0)," \
	" rep.restated_own_milli IS NOT NULL, IFNULL(rep.restated_own_milli, 0), IFNULL(rep.own_total_milli, 0)" \
	" FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?" \
	" LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ?" \
	" LEFT JOIN quality_rollups qr ON qr.agency_id = a.id AND qr.year = ? AND qr.scope = 'subtree'"

int store_review_children(struct db *db, int county_id, long long agency_id, int year,
			  int (*each)(void *ctx, const struct store_review_child *row), void *ctx)
{
	struct db_stmt *st = agency_id
		? db_prepare(db, CHILD_COLS " WHERE a.parent_id = ? AND a.active = 1 ORDER BY a.code")
		: db_prepare(db, CHILD_COLS " WHERE a.county_id = ? AND a.parent_id IS NULL AND a.active = 1 ORDER BY a.code");
	struct store_review_child c;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, agency_id ? agency_id : county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		c.id = db_col_int(st, 0);
		db_col_copy(st, 1, c.name, sizeof(c.name));
		c.subtree_milli = db_col_int(st, 2);
		c.subtree_outsourced_milli = db_col_int(st, 3);
		db_col_copy(st, 4, c.computed_at, sizeof(c.computed_at));
		c.uncounted = (int)db_col_int(st, 5);
		c.has_children = (int)db_col_int(st, 6);
		state_read(st, 7, &c.st);
		c.q.has = (int)db_col_int(st, 15);
		c.q.has_grade = !db_col_isnull(st, 16);
		c.q.grade_hundredths = db_col_int(st, 16);
		c.q.grade = (int)db_col_int(st, 17);
		c.q.assessed = !db_col_isnull(st, 18);
		c.q.lower_milli = (int)db_col_int(st, 18);
		c.q.upper_milli = (int)db_col_int(st, 19);
		c.q.assessed_bp = (int)db_col_int(st, 20);
		c.q.uncovered_lines = (int)db_col_int(st, 21);
		c.has_restated = (int)db_col_int(st, 22);
		c.restated_own_milli = db_col_int(st, 23);
		c.own_total_milli = db_col_int(st, 24);
		if (each(ctx, &c))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_review_subject(struct db *db, long long agency_id, struct store_review_subject *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT county_id, IFNULL(parent_id, 0), active FROM agencies WHERE id = ?"
				       " LOCK IN SHARE MODE");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->county_id = (int)db_col_int(st, 0);
		out->parent_id = db_col_int(st, 1);
		out->active = (int)db_col_int(st, 2);
	}
	db_reset(st);
	return r;
}

int store_review_lock_report(struct db *db, long long agency_id, int year, long long *report_id, long long *revision)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, revision FROM reports WHERE agency_id = ? AND year = ? FOR UPDATE");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		*report_id = db_col_int(st, 0);
		*revision = db_col_int(st, 1);
	}
	db_reset(st);
	return r;
}

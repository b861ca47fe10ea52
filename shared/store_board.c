/* store_board.c: the validation board's SQL (board_thresholds, board_runs, board_findings) and its reads of a county-year. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_board.h"
#include "store_report.h"
#include "util.h"

int store_board_stamp(struct db *db, int county, int year, char *stamp, char *newest)
{
	/* Every save moves its report's revision (and updated_at); 確認 and 退回 move the states counted here. */
	struct db_stmt *st = db_prepare(db,
		"SELECT COUNT(r.id), IFNULL(SUM(r.revision), 0), IFNULL(SUM(r.filed), 0), IFNULL(SUM(IFNULL(r.confirmed_version, 0)), 0),"
		" IFNULL(DATE_FORMAT(MAX(r.updated_at), '%Y-%m-%d %H:%i:%s'), ''),"
		" IFNULL((SELECT DATE_FORMAT(t.updated_at, '%Y%m%d%H%i%s') FROM board_thresholds t WHERE t.county_id = ? AND t.year = ?), '')"
		" FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.active = 1");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, county);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		snprintf(stamp, STORE_BOARD_STAMP_MAX + 1, "%.12s/%.20s/%.12s/%.12s/%.20s/%.14s", db_col_text(st, 0, NULL),
			 db_col_text(st, 1, NULL), db_col_text(st, 2, NULL), db_col_text(st, 3, NULL), db_col_text(st, 4, NULL),
			 db_col_text(st, 5, NULL));
		if (newest)
			db_col_copy(st, 4, newest, 20);
	}
	db_reset(st);
	return r == 1 ? 0 : -1;
}

int store_board_thresholds(struct db *db, int county, int year, struct board_thresholds *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT t.change_pct, t.mad_tenths, t.refrigerant_milli, t.uncertainty_milli, y.confirm_within_days"
		" FROM inventory_years y JOIN board_thresholds t ON t.county_id = y.county_id AND t.year = y.year"
		" WHERE y.county_id = ? AND y.year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->change_pct = (int)db_col_int(st, 0);
		out->mad_tenths = (int)db_col_int(st, 1);
		out->refrigerant_milli = db_col_int(st, 2);
		out->uncertainty_milli = (int)db_col_int(st, 3);
		out->confirm_days = (int)db_col_int(st, 4);
	}
	db_reset(st);
	return r;
}

int store_board_thresholds_ensure(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT IGNORE INTO board_thresholds (county_id, year)"
		" SELECT county_id, year FROM inventory_years WHERE county_id = ? AND year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	return db_exec(st);
}

int store_board_thresholds_set(struct db *db, int county, int year, const struct board_thresholds *t, long long account)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE board_thresholds SET change_pct = ?, mad_tenths = ?, refrigerant_milli = ?, uncertainty_milli = ?,"
		" updated_at = NOW(), updated_by = ? WHERE county_id = ? AND year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, t->change_pct);
	db_bind_int(st, 1, t->mad_tenths);
	db_bind_int(st, 2, t->refrigerant_milli);
	db_bind_int(st, 3, t->uncertainty_milli);
	db_bind_int(st, 4, account);
	db_bind_int(st, 5, county);
	db_bind_int(st, 6, year);
	return db_exec(st);
}

int store_board_lock(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db, "INSERT IGNORE INTO board_runs (county_id, year) VALUES (?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	st = db_prepare(db, "SELECT run_no FROM board_runs WHERE county_id = ? AND year = ? FOR UPDATE");
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while (db_step(st) == 1)
		;
	db_reset(st);
	return 0;
}

int store_board_run_no(struct db *db, int county, int year, long long *run_no)
{
	struct db_stmt *st = db_prepare(db, "SELECT run_no + 1 FROM board_runs WHERE county_id = ? AND year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		*run_no = db_col_int(st, 0);
	db_reset(st);
	return r == 1 ? 0 : -1;
}

int store_board_each_agency(struct db *db, int county, int year,
			    int (*each)(void *ctx, const struct store_board_agency *a), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.level, a.name, " STORE_REPORT_STATUS_SQL("r") ", IFNULL(r.revision, 0), IFNULL(lr.revision, 0),"
		" IFNULL(r.own_total_milli, 0), IFNULL(TIMESTAMPDIFF(SECOND, IFNULL(r.filed_at, r.updated_at), NOW()), 0),"
		" IFNULL(q.grade, 0), IFNULL(q.grade_hundredths, 0), q.unc_lower_milli IS NOT NULL AND q.unc_upper_milli IS NOT NULL,"
		" IFNULL(q.unc_lower_milli, 0), IFNULL(q.unc_upper_milli, 0)"
		" FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?"
		" LEFT JOIN reports lr ON lr.agency_id = a.id AND lr.year = ? - 1"
		" LEFT JOIN quality_rollups q ON q.agency_id = a.id AND q.year = ? AND q.scope = 'own'"
		" WHERE a.county_id = ? AND a.active = 1 ORDER BY a.id");
	struct store_board_agency a;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		a.id = db_col_int(st, 0);
		a.level = (int)db_col_int(st, 1);
		db_col_copy(st, 2, a.name, sizeof(a.name));
		a.status = (int)db_col_int(st, 3);
		a.rev = db_col_int(st, 4);
		a.last_rev = db_col_int(st, 5);
		a.total_milli = db_col_int(st, 6);
		a.filed_age_s = db_col_int(st, 7);
		a.grade = (int)db_col_int(st, 8);
		a.grade_hundredths = db_col_int(st, 9);
		a.has_unc = (int)db_col_int(st, 10);
		a.unc_lower_milli = (int)db_col_int(st, 11);
		a.unc_upper_milli = (int)db_col_int(st, 12);
		if (each(ctx, &a))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_board_each_line(struct db *db, int county, int year,
			  int (*each)(void *ctx, const struct store_board_line *l), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT r.agency_id, r.year <> ?, l.item, l.seq, IFNULL(i.refrigerant, ''), l.quantity_milli, l.kg_milli"
		" FROM agencies a JOIN reports r ON r.agency_id = a.id AND r.year IN (?, ? - 1)"
		" JOIN report_lines l ON l.report_id = r.id AND l.part = 'own'"
		" LEFT JOIN report_items i ON i.report_id = l.report_id AND i.part = l.part AND i.item = l.item AND i.seq = l.seq"
		" WHERE a.county_id = ? AND a.active = 1 ORDER BY r.agency_id, r.year, l.item, l.seq");
	struct store_board_line l;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		l.agency = db_col_int(st, 0);
		l.last_year = (int)db_col_int(st, 1);
		db_col_copy(st, 2, l.item, sizeof(l.item));
		l.seq = (int)db_col_int(st, 3);
		db_col_copy(st, 4, l.refrigerant, sizeof(l.refrigerant));
		l.quantity_milli = db_col_int(st, 5);
		l.kg_milli = db_col_int(st, 6);
		if (each(ctx, &l))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/*
 * rev first: the assignments of ON DUPLICATE KEY UPDATE see the ones before
 * them, so it compares the old values with the new.  A finding that held
 * again after being closed is open again (closed_at cleared).
 */
#define PUT_INSERT "INSERT INTO board_findings (county_id, year, rule, agency_id, item, seq, other_agency_id, delta_milli," \
	" delta_level, detail, sig, agency_rev, seen_run, first_seen_at, updated_at) VALUES "
#define PUT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3))"
#define PUT_CHANGED "holds = 0 OR delta_milli <> VALUES(delta_milli) OR delta_level <> VALUES(delta_level)" \
	" OR detail <> VALUES(detail) OR sig <> VALUES(sig) OR agency_rev <> VALUES(agency_rev)"
#define PUT_UPDATE " ON DUPLICATE KEY UPDATE" \
	" rev = rev + IF(" PUT_CHANGED ", 1, 0)," \
	" updated_at = IF(" PUT_CHANGED ", NOW(3), updated_at)," \
	" delta_milli = VALUES(delta_milli), delta_level = VALUES(delta_level), detail = VALUES(detail), sig = VALUES(sig)," \
	" agency_rev = VALUES(agency_rev), holds = 1, closed_at = NULL, seen_run = VALUES(seen_run)"
#define PUT_ROW4 PUT_ROW "," PUT_ROW "," PUT_ROW "," PUT_ROW
#define PUT_ROWS 8   /* findings a statement writes (a county's first run writes thousands; a statement of many rows) */
#define PUT_PARAMS 13

static void bind_put(struct db_stmt *st, int at, int county, int year, long long run_no, const struct board_finding *f)
{
	db_bind_int(st, at, county);
	db_bind_int(st, at + 1, year);
	db_bind_text(st, at + 2, board_rule_keys[f->rule]);
	db_bind_int(st, at + 3, f->agency);
	db_bind_text(st, at + 4, f->item);
	db_bind_int(st, at + 5, f->seq);
	db_bind_int(st, at + 6, f->other);
	db_bind_int(st, at + 7, f->delta_level ? 0 : f->delta_milli);   /* a level's median: board_level_medians */
	db_bind_int(st, at + 8, f->delta_level);
	db_bind_text(st, at + 9, f->detail);
	db_bind_text(st, at + 10, f->sig);
	db_bind_int(st, at + 11, f->agency_rev);
	db_bind_int(st, at + 12, run_no);
}

int store_board_put(struct db *db, int county, int year, long long run_no, const struct board_finding *const *f, int n)
{
	int i = 0;

	for (; n - i >= PUT_ROWS; i += PUT_ROWS) {
		struct db_stmt *st = db_prepare(db, PUT_INSERT PUT_ROW4 "," PUT_ROW4 PUT_UPDATE);

		if (!st)
			return -1;
		for (int k = 0; k < PUT_ROWS; k++)
			bind_put(st, PUT_PARAMS * k, county, year, run_no, f[i + k]);
		if (db_exec(st))
			return -1;
	}
	for (; i < n; i++) {
		struct db_stmt *st = db_prepare(db, PUT_INSERT PUT_ROW PUT_UPDATE);

		if (!st)
			return -1;
		bind_put(st, 0, county, year, run_no, f[i]);
		if (db_exec(st))
			return -1;
	}
	return 0;
}

int store_board_each_holding(struct db *db, int county, int year,
			     int (*each)(void *ctx, const struct board_finding *f), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT rule, agency_id, item, seq, other_agency_id, delta_milli, detail, sig, agency_rev, delta_level FROM board_findings"
		" WHERE county_id = ? AND year = ? AND holds = 1");
	struct board_finding f;
	char rule[25];
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		memset(&f, 0, sizeof(f));
		db_col_copy(st, 0, rule, sizeof(rule));
		f.rule = board_rule_of(rule);
		f.agency = db_col_int(st, 1);
		db_col_copy(st, 2, f.item, sizeof(f.item));
		f.seq = (int)db_col_int(st, 3);
		f.other = db_col_int(st, 4);
		f.delta_milli = db_col_int(st, 5);
		db_col_copy(st, 6, f.detail, sizeof(f.detail));
		db_col_copy(st, 7, f.sig, sizeof(f.sig));
		f.agency_rev = db_col_int(st, 8);
		f.delta_level = (int)db_col_int(st, 9);
		if (f.rule == BOARD_RULE__MAX)
			continue;   /* a newer program's rule: its own runs keep it */
		if (each(ctx, &f))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_board_medians(struct db *db, int county, int year, const int *levels, const long long *medians, int n)
{
	struct db_stmt *st = db_prepare(db, "SELECT level, median_milli FROM board_level_medians WHERE county_id = ? AND year = ?");
	int stored[256] = { 0 }, r;
	long long was[256];

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		int level = (int)db_col_int(st, 0);

		stored[level & 255] = 1;
		was[level & 255] = db_col_int(st, 1);
	}
	db_reset(st);
	if (r < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int level = levels[i] & 255;

		if (stored[level] == 1 && was[level] == medians[i]) {
			stored[level] = 2;   /* as it was: kept, not written */
			continue;
		}
		stored[level] = 2;
		st = db_prepare(db, "INSERT INTO board_level_medians (county_id, year, level, median_milli) VALUES (?, ?, ?, ?)"
				    " ON DUPLICATE KEY UPDATE median_milli = VALUES(median_milli)");
		if (!st)
			return -1;
		db_bind_int(st, 0, county);
		db_bind_int(st, 1, year);
		db_bind_int(st, 2, level);
		db_bind_int(st, 3, medians[i]);
		if (db_exec(st))
			return -1;
	}
	for (int level = 0; level < 256; level++) {
		if (stored[level] != 1)
			continue;
		st = db_prepare(db, "DELETE FROM board_level_medians WHERE county_id = ? AND year = ? AND level = ?");
		if (!st)
			return -1;
		db_bind_int(st, 0, county);
		db_bind_int(st, 1, year);
		db_bind_int(st, 2, level);
		if (db_exec(st))
			return -1;
	}
	return 0;
}

int store_board_close(struct db *db, int county, int year, const struct board_finding *f)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE board_findings SET holds = 0, closed_at = NOW(3), updated_at = NOW(3), rev = rev + 1"
		" WHERE county_id = ? AND year = ? AND rule = ? AND agency_id = ? AND item = ? AND seq = ? AND other_agency_id = ?"
		" AND holds = 1");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_text(st, 2, board_rule_keys[f->rule]);
	db_bind_int(st, 3, f->agency);
	db_bind_text(st, 4, f->item);
	db_bind_int(st, 5, f->seq);
	db_bind_int(st, 6, f->other);
	return db_exec(st);
}

int store_board_finish(struct db *db, int county, int year, long long run_no, const char *stamp, const char *newest)
{
	struct db_stmt *st = db_prepare(db, "UPDATE board_runs SET run_no = ?, stamp = ?, data_at = NULLIF(?, ''), ran_at = NOW(3)"
			    " WHERE county_id = ? AND year = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, run_no);
	db_bind_text(st, 1, stamp);
	db_bind_text(st, 2, newest ? newest : "");
	db_bind_int(st, 3, county);
	db_bind_int(st, 4, year);
	return db_exec(st);
}

int store_board_last_run(struct db *db, int county, int year, char *stamp, char *ran_at)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT IFNULL(stamp, ''), IFNULL(DATE_FORMAT(ran_at, '%Y-%m-%d %H:%i:%s'), '') FROM board_runs"
		" WHERE county_id = ? AND year = ? AND ran_at IS NOT NULL");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		db_col_copy(st, 0, stamp, STORE_BOARD_STAMP_MAX + 1);
		db_col_copy(st, 1, ran_at, 20);
	}
	db_reset(st);
	return r;
}

/* The columns of a row as the board shows it (both lists). */
#define ROW_SELECT \
	"SELECT f.id, f.rule, f.agency_id, IFNULL(a.name, ''), f.other_agency_id, IFNULL(o.name, ''), f.item, f.seq," \
	" IF(f.delta_level, IFNULL(m.median_milli, 0), f.delta_milli) AS delta," \
	" f.detail, f.rev, f.holds, f.checked_at IS NOT NULL AND f.checked_sig = f.sig," \
	" f.checked_at IS NOT NULL AND f.checked_sig <> f.sig, IFNULL(r.revision, 0) <> f.agency_rev," \
	" IFNULL(DATE_FORMAT(f.checked_at, '%Y-%m-%d %H:%i:%s'), ''), IFNULL(c.login, ''), IFNULL(f.check_note, '')," \
	" DATE_FORMAT(f.first_seen_at, '%Y-%m-%d %H:%i:%s'), IFNULL(DATE_FORMAT(f.closed_at, '%Y-%m-%d %H:%i:%s'), '')" \
	" FROM board_findings f LEFT JOIN agencies a ON a.id = f.agency_id LEFT JOIN agencies o ON o.id = f.other_agency_id" \
	" LEFT JOIN reports r ON r.agency_id = f.agency_id AND r.year = f.year LEFT JOIN accounts c ON c.id = f.checked_by" \
	" LEFT JOIN board_level_medians m ON m.county_id = f.county_id AND m.year = f.year AND m.level = f.delta_level" \
	" WHERE f.county_id = ? AND f.year = ?"

int store_board_each(struct db *db, int county, int year, int history,
		     int (*each)(void *ctx, const struct store_board_row *r), void *ctx)
{
	struct db_stmt *st = db_prepare(db, history ?
		ROW_SELECT " AND (f.holds = 0 OR (f.checked_at IS NOT NULL AND f.checked_sig = f.sig))"
		" ORDER BY f.updated_at DESC, f.id DESC" :
		ROW_SELECT " AND f.holds = 1 AND (f.checked_at IS NULL OR f.checked_sig <> f.sig)"
		" ORDER BY delta DESC, f.rule, f.agency_id, f.item, f.seq, f.other_agency_id");
	struct store_board_row *row;
	char rule[25];
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	row = xmalloc(sizeof(*row));
	while ((r = db_step(st)) == 1) {
		row->id = db_col_int(st, 0);
		db_col_copy(st, 1, rule, sizeof(rule));
		row->rule = board_rule_of(rule);
		row->agency = db_col_int(st, 2);
		db_col_copy(st, 3, row->agency_name, sizeof(row->agency_name));
		row->other = db_col_int(st, 4);
		db_col_copy(st, 5, row->other_name, sizeof(row->other_name));
		db_col_copy(st, 6, row->item, sizeof(row->item));
		row->seq = (int)db_col_int(st, 7);
		row->delta_milli = db_col_int(st, 8);
		db_col_copy(st, 9, row->detail, sizeof(row->detail));
		row->rev = db_col_int(st, 10);
		row->holds = (int)db_col_int(st, 11);
		row->checked = (int)db_col_int(st, 12);
		row->changed_after_check = (int)db_col_int(st, 13);
		row->report_changed = (int)db_col_int(st, 14);
		db_col_copy(st, 15, row->checked_at, sizeof(row->checked_at));
		db_col_copy(st, 16, row->checked_by, sizeof(row->checked_by));
		db_col_copy(st, 17, row->check_note, sizeof(row->check_note));
		db_col_copy(st, 18, row->first_seen_at, sizeof(row->first_seen_at));
		db_col_copy(st, 19, row->closed_at, sizeof(row->closed_at));
		if (row->rule == BOARD_RULE__MAX)
			continue;   /* a rule this program does not know (a newer one's) */
		if (each(ctx, row))
			break;
	}
	free(row);
	db_reset(st);
	return r < 0 ? -1 : 0;
}

enum store_board_check store_board_check(struct db *db, long long id, int county, int year, long long rev, long long account,
					 const char *note, long long *agency)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT f.rev, f.holds, f.agency_id, IFNULL(r.revision, 0) <> f.agency_rev FROM board_findings f"
		" LEFT JOIN reports r ON r.agency_id = f.agency_id AND r.year = f.year"
		" WHERE f.id = ? AND f.county_id = ? AND f.year = ? FOR UPDATE");
	long long cur = 0;
	int holds = 0, changed = 0, r;

	if (!st)
		return STORE_BOARD_ERROR;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	if (db_exec(st))
		return STORE_BOARD_ERROR;
	r = db_step(st);
	if (r == 1) {
		cur = db_col_int(st, 0);
		holds = (int)db_col_int(st, 1);
		*agency = db_col_int(st, 2);
		changed = (int)db_col_int(st, 3);
	}
	db_reset(st);
	if (r < 0)
		return STORE_BOARD_ERROR;
	if (r == 0)
		return STORE_BOARD_NOT_FOUND;
	if (cur != rev || !holds || changed)
		return STORE_BOARD_STALE;
	st = db_prepare(db, "UPDATE board_findings SET checked_at = NOW(), checked_by = ?, check_note = ?, checked_sig = sig,"
			    " rev = rev + 1 WHERE id = ?");
	if (!st)
		return STORE_BOARD_ERROR;
	db_bind_int(st, 0, account);
	db_bind_text(st, 1, note);
	db_bind_int(st, 2, id);
	return db_exec(st) ? STORE_BOARD_ERROR : STORE_BOARD_CHECKED;
}

int store_board_queue(struct db *db, int county, int year)
{
	/* The row a save queues, for the county-year as a whole: the jobs that follow saves run its board again. */
	struct db_stmt *st = db_prepare(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, NULL, NOW(3))");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	return db_exec(st);
}

/* store_factorday_rows.c: factor day's rows: the reports of a batch, their quantities and lines, the
 * figures it writes (in place, or as a 重算值), and the notices. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_factorday.h"
#include "util.h"

/*
 * A batch: the reports of active agencies (a deactivated agency's figures are its history, counted
 * nowhere) with their county and whether they are frozen.  Reports first, by their id (STRAIGHT_JOIN):
 * left to itself MariaDB read every agency and sorted their reports for each batch (200 ms a batch of
 * 500 at 110,000 agencies: issue 15's bench, where this read was 43 of the run's 68 s).
 */
#define BATCH_SQL "SELECT r.id, r.agency_id, a.county_id, r.year, r.own_total_milli, r.outsourced_total_milli," \
	" r.confirmed_version IS NOT NULL OR iy.lock_id IS NOT NULL OR iy.published_at IS NOT NULL, r.restated_change_id IS NOT NULL," \
	" IFNULL(UNIX_TIMESTAMP(r.computed_at), 0)" \
	" FROM reports r STRAIGHT_JOIN agencies a ON a.id = r.agency_id AND a.active = 1" \
	" LEFT JOIN inventory_years iy ON iy.county_id = a.county_id AND iy.year = r.year" \
	" WHERE r.year BETWEEN ? AND ? AND (? = 0 OR a.county_id = ?) AND r.id > ?"

int store_fd_lock_years(struct db *db, const struct store_fd_span *sp)
{
	/*
	 * By the primary key: left to itself MariaDB counts the rows on a secondary index that covers the
	 * query and locks only its entries, which a 年度鎖定 (an UPDATE of lock_id by the key) never meets.
	 */
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM inventory_years FORCE INDEX (PRIMARY) WHERE year BETWEEN ? AND ?"
					" AND (? = 0 OR county_id = ?) LOCK IN SHARE MODE");

	if (!st)
		return -1;
	db_bind_int(st, 0, sp->y0);
	db_bind_int(st, 1, sp->y1);
	db_bind_int(st, 2, sp->county_id);
	db_bind_int(st, 3, sp->county_id);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	db_reset(st);
	return 0;
}

/* The reports (id, after] of the span, at most max, in id order: how many into out, or -1. */
static int batch_read(struct db *db, const struct store_fd_span *sp, long long after, long long max_id, int max,
		      struct store_fd_report *out)
{
	struct db_stmt *st = db_prepare(db, BATCH_SQL " AND r.id <= ? ORDER BY r.id LIMIT ?");
	int n = 0, r;

	if (!st)
		return -1;
	db_bind_int(st, 0, sp->y0);
	db_bind_int(st, 1, sp->y1);
	db_bind_int(st, 2, sp->county_id);
	db_bind_int(st, 3, sp->county_id);
	db_bind_int(st, 4, after);
	db_bind_int(st, 5, max_id);
	db_bind_int(st, 6, max);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1 && n < max) {
		struct store_fd_report *o = &out[n++];

		o->id = db_col_int(st, 0);
		o->agency_id = db_col_int(st, 1);
		o->county_id = (int)db_col_int(st, 2);
		o->year = (int)db_col_int(st, 3);
		o->own_milli = db_col_int(st, 4);
		o->outsourced_milli = db_col_int(st, 5);
		o->frozen = (int)db_col_int(st, 6);
		o->restated = (int)db_col_int(st, 7);
		o->computed = db_col_int(st, 8);
	}
	db_reset(st);
	return r < 0 ? -1 : n;
}

int store_fd_reports(struct db *db, const struct store_fd_span *sp, long long after, int max, int lock, struct store_fd_report *out)
{
	int years_locked = 0;

	if (!lock)
		return batch_read(db, sp, after, 1LL << 53, max, out);
	/*
	 * The run (a READ COMMITTED transaction: each read sees what is
	 * committed when it runs): the next max reports of the span's years
	 * after `after` locked by their primary key, the reports only (a save
	 * of one of them waits, or has committed; the rollup job's reads of
	 * agencies are not in the way), then the years' lock and publication in
	 * share mode (a year lock waits, or has committed: store_year_lock reads
	 * the reports in share mode too), and only then the batch read, up to
	 * the last report locked.  The locked reports may include a deactivated
	 * agency's, which the batch read leaves out: a batch is then smaller
	 * than max, and a range of such reports alone is stepped over.
	 */
	for (;;) {
		/* One county's run keeps its county's reports only locked (READ COMMITTED: a row that does not match is let go once read). */
		struct db_stmt *st = db_prepare(db, "SELECT id FROM reports FORCE INDEX (PRIMARY) WHERE id > ? AND year BETWEEN ? AND ?"
						" AND (? = 0 OR agency_id IN (SELECT id FROM agencies WHERE county_id = ?)) ORDER BY id LIMIT ? FOR UPDATE");
		long long hi = 0;
		int n, r;

		if (!st)
			return -1;
		db_bind_int(st, 0, after);
		db_bind_int(st, 1, sp->y0);
		db_bind_int(st, 2, sp->y1);
		db_bind_int(st, 3, sp->county_id);
		db_bind_int(st, 4, sp->county_id);
		db_bind_int(st, 5, max);
		if (db_exec(st))
			return -1;
		while ((r = db_step(st)) == 1)
			hi = db_col_int(st, 0);
		db_reset(st);
		if (r < 0)
			return -1;
		if (!hi)
			return 0;
		if (!years_locked++ && store_fd_lock_years(db, sp))
			return -1;
		n = batch_read(db, sp, after, hi, max, out);
		if (n)
			return n;
		after = hi;
	}
}

int store_fd_items(struct db *db, long long lo, long long hi, int (*each)(void *ctx, const struct store_fd_item *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT report_id, part, item, seq, IFNULL(refrigerant, ''), quantity_milli FROM report_items"
		" WHERE report_id BETWEEN ? AND ? AND quantity_milli IS NOT NULL ORDER BY report_id, part, item, seq");
	struct store_fd_item it;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, lo);
	db_bind_int(st, 1, hi);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		it.report_id = db_col_int(st, 0);
		it.part = db_col_text(st, 1, NULL);
		it.item = db_col_text(st, 2, NULL);
		it.seq = (int)db_col_int(st, 3);
		it.refrigerant = db_col_text(st, 4, NULL);
		it.quantity_milli = db_col_int(st, 5);
		if (each(ctx, &it))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/*
 * Staging: rows are kept here until a batch's worth of a kind are waiting,
 * then sent to the connection's temporary table by one statement run for
 * every row (db_insert_rows: one round trip where MariaDB takes arrays).  A
 * batch of 1,000 reports of one or two lines each stages about 2,000 lines,
 * 2,000 gases and 1,000 reports: five statements of at most STAGE_ROWS rows,
 * where multi-row INSERTs of at most DB_MAX_PARAMS parameters took about
 * eighty.
 */
#define STAGE_ROWS 1024

/* Each kind's staging INSERT: one group a row (db_insert_rows). */
static struct db_repeat r_lines = { "INSERT INTO fd_lines (report_id, part, item, seq, kg_milli, factor_text, gwp_set, method, sources,"
				    " provisional) VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", 10, { 0 } };
static struct db_repeat r_gases = { "INSERT INTO fd_gases (report_id, part, item, seq, gas, kg_milli, ef_lower_milli, ef_upper_milli)"
				    " VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?)", "", 8, { 0 } };
static struct db_repeat r_reports = { "INSERT INTO fd_reports (report_id, agency_id, county_id, year, frozen, old_own, old_outsourced,"
				      " new_own, new_outsourced, old_text, new_text) VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", 11,
				      { 0 } };

/* What waits to be sent, per kind: its rows' cells, row after row (texts owned here). */
struct pending {
	struct db_repeat *rep;          /* its INSERT; rep->per cells a row */
	struct db_cell cells[STAGE_ROWS * 11];
	int n;
};
static struct pending p_lines = { .rep = &r_lines }, p_gases = { .rep = &r_gases }, p_reports = { .rep = &r_reports };

/* The reports whose lines are staged in this batch, and its gases. */
#define STAGE_IDS STORE_FD_STAGE_REPORTS
_Static_assert((STAGE_IDS & (STAGE_IDS - 1)) == 0 && STAGE_IDS <= DB_MAX_PARAMS,
	       "the staged ids are one statement's IN list (db_repeat_sql: a power of two, at most DB_MAX_PARAMS)");
static long long staged_ids[STAGE_IDS];
static int n_staged_ids, n_staged_gases;

static void release(struct pending *p)
{
	for (int i = 0; i < p->n * p->rep->per; i++)
		if (p->cells[i].kind == DB_CELL_TEXT)
			free((char *)p->cells[i].s);
	p->n = 0;
}

static int flush(struct db *db, struct pending *p)
{
	int rc = db_insert_rows(db, p->rep, p->n, p->cells);

	release(p);
	return rc;
}

/* The next row of p (sent first when full), its cells NULL. */
static struct db_cell *row_of(struct db *db, struct pending *p, int *err)
{
	struct db_cell *c;

	*err = p->n == STAGE_ROWS ? flush(db, p) : 0;
	c = &p->cells[p->n++ * p->rep->per];
	memset(c, 0, sizeof(*c) * (size_t)p->rep->per);
	return c;
}

static void num(struct db_cell *c, long long v)
{
	c->kind = DB_CELL_INT;
	c->i = v;
}

static void txt(struct db_cell *c, const char *s)
{
	c->kind = DB_CELL_TEXT;
	c->s = xstrdup(s ? s : "");
}

int store_fd_stage_open(struct db *db)
{
	static const char *const ddl[] = {
		"CREATE TEMPORARY TABLE IF NOT EXISTS fd_lines (report_id INT UNSIGNED NOT NULL, part VARCHAR(16) NOT NULL,"
		" item VARCHAR(24) NOT NULL, seq SMALLINT UNSIGNED NOT NULL, kg_milli BIGINT NOT NULL, factor_text VARCHAR(64) NOT NULL,"
		" gwp_set VARCHAR(8) NOT NULL, method VARCHAR(600) NOT NULL, sources VARCHAR(1000) NOT NULL, provisional TINYINT NOT NULL,"
		" PRIMARY KEY (report_id, part, item, seq)) ENGINE=MEMORY",
		"CREATE TEMPORARY TABLE IF NOT EXISTS fd_gases (report_id INT UNSIGNED NOT NULL, part VARCHAR(16) NOT NULL,"
		" item VARCHAR(24) NOT NULL, seq SMALLINT UNSIGNED NOT NULL, gas VARCHAR(8) NOT NULL, kg_milli BIGINT NOT NULL,"
		" ef_lower_milli INT UNSIGNED NULL, ef_upper_milli INT UNSIGNED NULL, PRIMARY KEY (report_id, part, item, seq, gas)) ENGINE=MEMORY",
		"CREATE TEMPORARY TABLE IF NOT EXISTS fd_reports (report_id INT UNSIGNED NOT NULL PRIMARY KEY, agency_id INT UNSIGNED NOT NULL,"
		" county_id TINYINT UNSIGNED NOT NULL, year SMALLINT UNSIGNED NOT NULL, frozen TINYINT NOT NULL, old_own BIGINT NOT NULL,"
		" old_outsourced BIGINT NOT NULL, new_own BIGINT NOT NULL, new_outsourced BIGINT NOT NULL, old_text VARCHAR(300) NOT NULL,"
		" new_text VARCHAR(300) NOT NULL, same TINYINT NOT NULL DEFAULT 0) ENGINE=MEMORY",
	};

	/* A batch's rows in memory (STORE_FD_STAGE_LINES: at most about 56 MiB of lines, their gases and reports beside them). */
	if (db_exec_sql(db, "SET SESSION max_heap_table_size = 96 * 1024 * 1024"))
		return -1;
	for (size_t i = 0; i < sizeof(ddl) / sizeof(ddl[0]); i++)
		if (db_exec_sql(db, ddl[i]))
			return -1;
	return 0;
}

int store_fd_stage_clear(struct db *db)
{
	release(&p_lines);
	release(&p_gases);
	release(&p_reports);
	n_staged_ids = n_staged_gases = 0;
	/* Outside the batch's transaction: TRUNCATE recreates the table (DELETE of a batch's rows was 5 s of a 30 s run). */
	return db_exec_sql(db, "TRUNCATE TABLE fd_lines") || db_exec_sql(db, "TRUNCATE TABLE fd_gases") ||
	       db_exec_sql(db, "TRUNCATE TABLE fd_reports") ? -1 : 0;
}

int store_fd_stage_report(struct db *db, const struct store_fd_staged *s)
{
	int err;
	struct db_cell *c = row_of(db, &p_reports, &err);

	num(&c[0], s->r->id);
	num(&c[1], s->r->agency_id);
	num(&c[2], s->r->county_id);
	num(&c[3], s->r->year);
	num(&c[4], s->r->frozen);
	num(&c[5], s->r->own_milli);
	num(&c[6], s->r->outsourced_milli);
	num(&c[7], s->new_own);
	num(&c[8], s->new_outsourced);
	txt(&c[9], s->old_text);
	txt(&c[10], s->new_text);
	return err;
}

/* Report id among those whose lines or gases are staged (a report's rows come one after another): 0, -1 too many. */
static int staged_id(struct db *db, long long report_id)
{
	if (n_staged_ids && staged_ids[n_staged_ids - 1] == report_id)
		return 0;
	if (n_staged_ids == STAGE_IDS) {
		db->err = 0;   /* not the server's: no retry */
		snprintf(db->errstr, sizeof(db->errstr), "more than %d reports staged in one batch", STAGE_IDS);
		return -1;
	}
	staged_ids[n_staged_ids++] = report_id;
	return 0;
}

int store_fd_stage_line(struct db *db, long long report_id, const struct calc_line *l, long long kg_milli)
{
	int err;
	struct db_cell *c;

	if (staged_id(db, report_id))
		return -1;
	c = row_of(db, &p_lines, &err);
	num(&c[0], report_id);
	txt(&c[1], calc_part_keys[l->part]);
	txt(&c[2], calc_items[l->item].key);
	num(&c[3], l->seq);
	num(&c[4], kg_milli);
	txt(&c[5], l->factor_text);
	txt(&c[6], l->gwp_set);
	txt(&c[7], l->method);
	txt(&c[8], l->sources);
	num(&c[9], l->provisional);
	return err;
}

int store_fd_stage_gas(struct db *db, long long report_id, const struct calc_line *l, int gas, long long kg_milli)
{
	const struct calc_gas_amount *a = &l->gas[gas];
	int err;
	struct db_cell *c;

	if (staged_id(db, report_id))
		return -1;
	c = row_of(db, &p_gases, &err);
	n_staged_gases++;
	num(&c[0], report_id);
	txt(&c[1], calc_part_keys[l->part]);
	txt(&c[2], calc_items[l->item].key);
	num(&c[3], l->seq);
	txt(&c[4], calc_gas_keys[gas]);
	num(&c[5], kg_milli);
	if (a->has_ci) {   /* else NULL */
		num(&c[6], a->ci_lower_milli);
		num(&c[7], a->ci_upper_milli);
	}
	return err;
}

/* A staged report whose recomputed totals are its stored ones. */
#define FD_SAME "t.new_own = t.old_own AND t.new_outsourced = t.old_outsourced"

/*
 * The lines and gases are updated by a join of the staging table with the
 * stored rows.  MariaDB updates a joined table on the fly only when it is
 * the first table read; otherwise it first copies every new value into a
 * temporary table, and for a line's long texts (method, sources) that copy
 * was most of the statement (issue 15's bench: 240-290 ms against 105-110
 * for 20,000 lines).  So the stored rows are read first, by the ids of the
 * reports whose lines are staged (at most STAGE_IDS, the list padded with
 * its last id: one statement text).  A batch of 500 reports whose ids are
 * spread among ten years' reports: 4.7-5.1 ms against 6.8-9.6 ms joined
 * the other way; over the bench's whole run, 1.7 s against 2.2 s for the
 * lines and 1.5 s against 2.0 s for the gases (MariaDB's slow log).
 */
#define LINES_SET " SET l.kg_milli = t.kg_milli, l.factor_text = t.factor_text, l.gwp_set = t.gwp_set, l.method = t.method," \
	" l.sources = t.sources, l.provisional = t.provisional"
#define LINES_ON " ON t.report_id = l.report_id AND t.part = l.part AND t.item = l.item AND t.seq = l.seq"
#define GASES_SET " SET g.kg_milli = x.kg_milli, g.ef_lower_milli = x.ef_lower_milli, g.ef_upper_milli = x.ef_upper_milli"
#define GASES_ON " ON x.report_id = g.report_id AND x.part = g.part AND x.item = g.item AND x.seq = g.seq AND x.gas = g.gas"
#define GASES_INSERT "INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli, ef_lower_milli, ef_upper_milli)"

/* Statement sql with the staged ids bound from parameter 0: the rows it changed, or -1. */
static long long exec_ids(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (!st)
		return -1;
	for (int i = 0; i < STAGE_IDS; i++)
		db_bind_int(st, i, staged_ids[i < n_staged_ids ? i : n_staged_ids - 1]);
	if (db_exec(st))
		return -1;
	return (long long)db_affected(st);
}

/* The staged lines and gases written, the stored rows read first: 0 / -1. */
static int apply_lines(struct db *db)
{
	static struct db_repeat lines = { "UPDATE report_lines l STRAIGHT_JOIN fd_lines t" LINES_ON LINES_SET
					  " WHERE l.report_id IN (", "?", ")", 1, { 0 } };
	static struct db_repeat gases = { "UPDATE report_line_gases g STRAIGHT_JOIN fd_gases x" GASES_ON GASES_SET
					  " WHERE g.report_id IN (", "?", ")", 1, { 0 } };
	long long changed;

	if (!n_staged_ids)
		return 0;
	if (exec_ids(db, db_repeat_sql(&lines, STAGE_IDS)) < 0)
		return -1;
	changed = exec_ids(db, db_repeat_sql(&gases, STAGE_IDS));
	if (changed < 0)
		return -1;
	if (changed == n_staged_gases)
		return 0;
	/*
	 * A gas the line did not have before, or one whose figures are the same (the connection counts
	 * changed rows, not matched ones): a report with lines the change does not move runs this too.
	 */
	return db_exec_sql(db, GASES_INSERT " SELECT x.report_id, x.part, x.item, x.seq, x.gas, x.kg_milli, x.ef_lower_milli,"
			   " x.ef_upper_milli FROM fd_gases x LEFT JOIN report_line_gases g" GASES_ON " WHERE g.report_id IS NULL");
}

/*
 * The unlock's run: which staged reports (not frozen, their totals as stored) already hold every
 * staged line and gas, as stored, and no stored line or gas the staging lacks: same = 1.  A change
 * made and undone while the year was locked left such a report marked with nothing to write.
 * Read before the lines are written, each statement naming each temporary table once (MySQL
 * cannot open one twice in a statement).  Their count, or -1.
 */
static long long same_as_stored(struct db *db)
{
	static const char *const sql[] = {
		"UPDATE fd_reports t SET t.same = (t.frozen = 0 AND " FD_SAME ")",
		"UPDATE fd_reports t JOIN fd_lines s ON s.report_id = t.report_id LEFT JOIN report_lines l ON l.report_id = s.report_id"
		" AND l.part = s.part AND l.item = s.item AND l.seq = s.seq SET t.same = 0 WHERE t.same = 1 AND NOT"
		" (l.kg_milli <=> s.kg_milli AND BINARY l.factor_text <=> BINARY s.factor_text AND BINARY l.gwp_set <=> BINARY s.gwp_set"
		" AND BINARY l.method <=> BINARY s.method AND BINARY l.sources <=> BINARY s.sources AND l.provisional <=> s.provisional)",
		"UPDATE fd_reports t JOIN report_lines l ON l.report_id = t.report_id LEFT JOIN fd_lines s ON s.report_id = l.report_id"
		" AND s.part = l.part AND s.item = l.item AND s.seq = l.seq SET t.same = 0 WHERE t.same = 1 AND s.report_id IS NULL",
		"UPDATE fd_reports t JOIN fd_gases x ON x.report_id = t.report_id LEFT JOIN report_line_gases g" GASES_ON
		" SET t.same = 0 WHERE t.same = 1 AND NOT (g.kg_milli <=> x.kg_milli AND g.ef_lower_milli <=> x.ef_lower_milli"
		" AND g.ef_upper_milli <=> x.ef_upper_milli)",
		"UPDATE fd_reports t JOIN report_line_gases g ON g.report_id = t.report_id LEFT JOIN fd_gases x" GASES_ON
		" SET t.same = 0 WHERE t.same = 1 AND x.report_id IS NULL",
		/* No longer one a change held back; a 重算值 left beside figures the factors in force give is none. */
		"UPDATE reports r JOIN fd_reports t ON t.report_id = r.id AND t.same = 1 SET r.restated_own_milli = NULL,"
		" r.restated_outsourced_milli = NULL, r.restated_change_id = NULL, r.restated_at = NULL",
	};
	struct db_stmt *st;
	long long n = -1;

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (db_exec_sql(db, sql[i]))
			return -1;
	st = db_prepare(db, "SELECT COUNT(*) FROM fd_reports WHERE same = 1");
	if (st && !db_exec(st) && db_step(st) == 1)
		n = db_col_int(st, 0);
	if (st)
		db_reset(st);
	return n;
}

int store_fd_stage_apply(struct db *db, long long change_id, int frozen, int unlock)
{
	static const char *const sql[] = {
		/* A gas the line no longer has removed. */
		"DELETE g FROM report_line_gases g JOIN fd_reports t ON t.report_id = g.report_id AND t.frozen = 0"
		" LEFT JOIN fd_gases x ON x.report_id = g.report_id AND x.part = g.part AND x.item = g.item AND x.seq = g.seq AND x.gas = g.gas"
		" WHERE x.report_id IS NULL",
		/*
		 * In place, as a save: the revision moves, so a form or a review page drawn before (their
		 * revision) is refused as stale, never saving or confirming figures it did not show; a
		 * 重算值 of an earlier change (the report confirmed then, reopened since) is no longer one.
		 */
		"UPDATE reports r JOIN fd_reports t ON t.report_id = r.id AND t.frozen = 0 AND t.same = 0"
		" SET r.revision = r.revision + 1, r.own_total_milli = t.new_own, r.outsourced_total_milli = t.new_outsourced,"
		" r.computed_at = NOW(),"
		" r.restated_own_milli = NULL, r.restated_outsourced_milli = NULL, r.restated_change_id = NULL, r.restated_at = NULL",
		"INSERT INTO audit_log (at, account_id, agency_id, year, field, old_value, new_value, client_addr)"
		" SELECT NOW(3), NULL, agency_id, year, IF(frozen, '係數更新（重算值）', '係數更新'), old_text, new_text, 'factor-day'"
		" FROM fd_reports t WHERE NOT (t.frozen = 1 AND " FD_SAME ") AND t.same = 0 ORDER BY report_id",
		/*
		 * The rollups: one full recompute of each county-year the batch
		 * changed (the path kept for repairs: a batch changes hundreds of
		 * agencies, where the incremental path walks each one's ancestors).
		 * A county-year with only 重算值 gets one too: it changes no sum, but
		 * its outbox row moves the review page's stamp (store_review.c), so
		 * the pages cached before show the 重算值.
		 */
		"INSERT INTO outbox (county_id, year, agency_id, created_at) SELECT DISTINCT county_id, year, NULL, NOW(3) FROM fd_reports"
		" ORDER BY county_id, year",
	};
	struct db_stmt *st;
	long long same = 0;

	if (flush(db, &p_lines) || flush(db, &p_gases) || flush(db, &p_reports))
		return -1;
	if (unlock && (same = same_as_stored(db)) < 0)
		return -1;
	if (apply_lines(db))
		return -1;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (db_exec_sql(db, sql[i]))
			return -1;
	if (frozen) {
		/*
		 * Recomputed figures equal to the confirmed ones are no 重算值 (and clear one an earlier
		 * change left), but the report is still one the change held back (restated_change_id):
		 * its lines' texts may have moved alone (暫用 → 正式公告 at the same value), and an
		 * unconfirmed one is written in place once its year is unlocked (store_fd_unlock_queue).
		 */
		st = db_prepare(db, "UPDATE reports r JOIN fd_reports t ON t.report_id = r.id AND t.frozen = 1"
				" SET r.restated_own_milli = IF(" FD_SAME ", NULL, t.new_own),"
				" r.restated_outsourced_milli = IF(" FD_SAME ", NULL, t.new_outsourced),"
				" r.restated_change_id = ?, r.restated_at = IF(" FD_SAME ", NULL, NOW())");
		if (!st)
			return -1;
		db_bind_int(st, 0, change_id);
		if (db_exec(st))
			return -1;
	}
	st = db_prepare(db, "INSERT INTO factor_notices (change_id, agency_id, year, old_own_milli, new_own_milli, old_outsourced_milli,"
			" new_outsourced_milli, restated, created_at)"
			" SELECT ?, agency_id, year, old_own, new_own, old_outsourced, new_outsourced, frozen, NOW() FROM fd_reports t"
			" WHERE NOT (t.frozen = 1 AND " FD_SAME ") AND t.same = 0");
	if (!st)
		return -1;
	db_bind_int(st, 0, change_id);
	return db_exec(st) ? -1 : (int)same;
}

int store_fd_notices(struct db *db, long long agency_id, int year,
		     int (*each)(void *ctx, const struct store_fd_notice *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT c.fkey, c.value, IFNULL(c.old_value, ''), IFNULL(DATE_FORMAT(c.finished_at, '%Y-%m-%d'), ''), n.old_own_milli,"
		" n.new_own_milli, n.old_outsourced_milli, n.new_outsourced_milli, n.restated, c.kind = 'choice',"
		" c.confidence, IFNULL(c.old_confidence, ''), c.kind = 'unlock'"
		" FROM factor_notices n JOIN factor_changes c ON c.id = n.change_id WHERE n.agency_id = ? AND n.year = ?"
		" ORDER BY n.change_id DESC LIMIT ?");
	struct store_fd_notice n;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, STORE_FD_NOTICES);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, n.key, sizeof(n.key));
		db_col_copy(st, 1, n.value, sizeof(n.value));
		db_col_copy(st, 2, n.old_value, sizeof(n.old_value));
		db_col_copy(st, 3, n.finished_at, sizeof(n.finished_at));
		n.old_own = db_col_int(st, 4);
		n.new_own = db_col_int(st, 5);
		n.old_outsourced = db_col_int(st, 6);
		n.new_outsourced = db_col_int(st, 7);
		n.restated = (int)db_col_int(st, 8);
		n.choice = (int)db_col_int(st, 9);
		db_col_copy(st, 10, n.confidence, sizeof(n.confidence));
		db_col_copy(st, 11, n.old_confidence, sizeof(n.old_confidence));
		n.unlock = (int)db_col_int(st, 12);
		if (each(ctx, &n))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

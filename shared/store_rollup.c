/* store_rollup.c: the precomputed totals (rollups, county_rollups), the agency closure
 * (agency_tree) they are summed over, the outbox that asks for them, and worker_pings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollup_tree.h"
#include "store_quality.h"
#include "store_rollup.h"

/*
 * No total can wrap: SUM() of the BIGINT columns is a DECIMAL, and storing
 * a value beyond BIGINT is an error under the connection's STRICT_ALL_TABLES
 * (as is BIGINT arithmetic beyond it), so such a statement fails instead of
 * storing a wrong figure (worker/rollup.c says what follows).
 */

int store_rollup_county_row(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db, "INSERT IGNORE INTO county_rollups (county_id, year) VALUES (?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	return db_exec(st);
}

int store_rollup_any_pending(struct db *db, int county, int year, int *any)
{
	return store_rollup_pending_in(db, county, year, 0, any);
}

int store_rollup_pending_in(struct db *db, int county, int year, int locking, int *any)
{
	struct db_stmt *st = db_prepare(db, locking ?
		"SELECT EXISTS (SELECT 1 FROM outbox FORCE INDEX (outbox_pending) WHERE county_id = ? AND year = ? AND done_at IS NULL"
		" LOCK IN SHARE MODE)" :
		"SELECT EXISTS (SELECT 1 FROM outbox WHERE county_id = ? AND year = ? AND done_at IS NULL)");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	*any = (int)db_col_int(st, 0);
	db_reset(st);
	return 0;
}

int store_rollup_read_committed(struct db *db)
{
	return db_exec_sql(db, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

int store_rollup_lock(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db, "SELECT county_id FROM county_rollups WHERE county_id = ? AND year = ? FOR UPDATE");

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	db_reset(st);
	return 0;
}

int store_rollup_claim(struct db *db, int county, int year, const char *claim, long long *n)
{
	struct db_stmt *st = db_prepare(db, "UPDATE outbox FORCE INDEX (outbox_pending) SET claim = ?"
					    " WHERE county_id = ? AND year = ? AND done_at IS NULL");

	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, year);
	if (db_exec(st))
		return -1;
	*n = (long long)db_affected(st);
	return 0;
}

/*
 * The state an agency's own report is counted in (rollups.own_state, 0034_rollup_own_state.sql):
 * 0 none (n_unreported), 1 登錄中 (n_in_progress), 2 已登錄完成 (n_complete); 3 a value of
 * filed the counts do not know, counted in none, as the full aggregate's n_* do not.
 */
#define OWN_STATE "IF(r.id IS NULL, 0, IF(r.filed = 0, 1, IF(r.filed = 1, 2, 3)))"

int store_rollup_county_from_roots(struct db *db, int county, int year)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE county_rollups c JOIN (SELECT IFNULL(SUM(r.subtree_milli), 0) s, IFNULL(SUM(r.subtree_outsourced_milli), 0) o,"
		"  IFNULL(SUM(r.n_agencies), 0) n, IFNULL(SUM(r.n_unreported), 0) n0, IFNULL(SUM(r.n_in_progress), 0) n1,"
		"  IFNULL(SUM(r.n_complete), 0) n2"
		"  FROM agencies a JOIN rollups r ON r.agency_id = a.id AND r.year = ? WHERE a.county_id = ? AND a.parent_id IS NULL) t"
		" SET c.total_milli = t.s, c.outsourced_milli = t.o, c.n_agencies = t.n, c.n_unreported = t.n0,"
		" c.n_in_progress = t.n1, c.n_complete = t.n2, c.computed_at = NOW(3) WHERE c.county_id = ? AND c.year = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, county);
	db_bind_int(st, 3, year);
	return db_exec(st);
}

/*
 * Every agency of the county in several years from scratch (startup and
 * the poll: store_rollup_agencies_claimed_years), one aggregate over the
 * closure table, read from the county's agencies outwards (STRAIGHT_JOIN): left to
 * itself MariaDB sometimes read the whole agency_tree in its key's order
 * (every county's, 22 times the rows) to save the sort of the groups, and
 * took 210-390 ms for a county of 5,000 agencies where this takes 85-135
 * (issue 14, EXPLAIN / ANALYZE on bench/synthetic.sql).  ROLLUP_ALL_TREE
 * joins the county's agencies (a) and their subtrees (t, d), the caller the
 * reports (r); ROLLUP_ALL_SUMS are the columns after agency and year.
 */
#define ROLLUP_ALL_INTO "INSERT INTO rollups (agency_id, year, own_milli, outsourced_milli, own_state, subtree_milli, subtree_outsourced_milli," \
	" n_agencies, n_unreported, n_in_progress, n_complete, computed_at)"
#define ROLLUP_ALL_SUMS \
	"  SUM(IF(t.depth = 0, IFNULL(r.own_total_milli, 0), 0)) own, SUM(IF(t.depth = 0, IFNULL(r.outsourced_total_milli, 0), 0)) outs," \
	"  SUM(IF(t.depth = 0, " OWN_STATE ", 0)) st," \
	"  SUM(IF(d.active, IFNULL(r.own_total_milli, 0), 0)) sub, SUM(IF(d.active, IFNULL(r.outsourced_total_milli, 0), 0)) subo," \
	"  SUM(d.active) n, SUM(d.active AND r.id IS NULL) n0, SUM(d.active AND r.filed <=> 0) n1, SUM(d.active AND r.filed <=> 1) n2," \
	"  NOW(3) at"
#define ROLLUP_ALL_TREE " FROM agencies a STRAIGHT_JOIN agency_tree t ON t.ancestor_id = a.id" \
	" STRAIGHT_JOIN agencies d ON d.id = t.descendant_id"
#define ROLLUP_ALL_UPSERT " ON DUPLICATE KEY UPDATE own_milli = VALUES(own_milli), outsourced_milli = VALUES(outsourced_milli)," \
	" own_state = VALUES(own_state)," \
	" subtree_milli = VALUES(subtree_milli), subtree_outsourced_milli = VALUES(subtree_outsourced_milli)," \
	" n_agencies = VALUES(n_agencies), n_unreported = VALUES(n_unreported), n_in_progress = VALUES(n_in_progress)," \
	" n_complete = VALUES(n_complete), computed_at = VALUES(computed_at)"
/*
 * One county-year again from scratch (a repair, a change of the tree): the
 * county's agencies with their reports and their stored rows in one read
 * (FULL_READ, by the county's index and two primary keys), summed up the
 * tree in memory (rollup_tree.c), and only the rows whose figures differ
 * written, up to FULL_BATCH to a statement.  The aggregate over the closure table
 * it replaces made MariaDB join each agency to every ancestor, 15,000 rows
 * for 5,000 agencies, and compare its 5,000 groups with the stored rows:
 * 68-69 ms a county-year against 57-58 for the bare aggregate (issue 14).
 * A recompute mostly finds what is there, and rewriting unchanged rows cost
 * as long as computing them; so computed_at is when a row's figures last
 * changed, as quality_rollups' is.  The years computed at startup, whose
 * rows are mostly missing, keep the aggregate (store_rollup_agencies_claimed_years).
 */
#define FULL_READ "SELECT a.id, IFNULL(a.parent_id, 0), a.active, IFNULL(r.own_total_milli, 0), IFNULL(r.outsourced_total_milli, 0)," \
	" " OWN_STATE ", o.own_state IS NOT NULL, o.own_milli, o.outsourced_milli, o.own_state, o.subtree_milli," \
	" o.subtree_outsourced_milli, o.n_agencies, o.n_unreported, o.n_in_progress, o.n_complete" \
	" FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?" \
	" LEFT JOIN rollups o ON o.agency_id = a.id AND o.year = ? WHERE a.county_id = ?"
/* The most agencies one county may have here (the synthetic county of bench/ has 5,000). */
#define FULL_MAX 1000000
/* The rows written, many to a statement. */
static struct db_repeat full_rows = { ROLLUP_ALL_INTO " VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))", ROLLUP_ALL_UPSERT, 11, { 0 } };
#define FULL_BATCH 64

/* A recompute refused for what it read (not a statement of the server's): -1, with db->errstr. */
static int refuse(struct db *db, int county, int year, const char *why)
{
	db->err = 0;
	snprintf(db->errstr, sizeof(db->errstr), "county %d year %d: %s", county, year, why);
	return -1;
}

static int by_id(const void *a, const void *b)
{
	const struct rollup_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Reads the county-year into *nodes (malloc'd, sorted by id): how many, or -1. */
static long long full_read(struct db *db, int county, int year, struct rollup_node **nodes)
{
	struct db_stmt *st = db_prepare(db, FULL_READ);
	struct rollup_node *v = NULL, *x;
	size_t n = 0, cap = 0;
	int r;

	*nodes = NULL;
	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, county);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		if (n == cap) {
			size_t want = cap ? cap * 2 : 1024;

			x = n < FULL_MAX ? realloc(v, want * sizeof(*v)) : NULL;
			if (!x) {
				db_reset(st);
				free(v);
				return refuse(db, county, year, n < FULL_MAX ? "out of memory" : "more agencies than a county may have");
			}
			v = x;
			cap = want;
		}
		x = memset(&v[n++], 0, sizeof(*v));
		x->id = db_col_int(st, 0);
		x->parent = db_col_int(st, 1);
		x->active = (int)db_col_int(st, 2);
		x->now.state = (int)db_col_int(st, 5);
		x->had = (int)db_col_int(st, 6);
		x->was.state = (int)db_col_int(st, 9);
		if (db_col_i64(st, 3, &x->now.own) || db_col_i64(st, 4, &x->now.outs) || db_col_i64(st, 7, &x->was.own) ||
		    db_col_i64(st, 8, &x->was.outs) || db_col_i64(st, 10, &x->was.sub) || db_col_i64(st, 11, &x->was.subo) ||
		    db_col_i64(st, 12, &x->was.n) || db_col_i64(st, 13, &x->was.n0) || db_col_i64(st, 14, &x->was.n1) ||
		    db_col_i64(st, 15, &x->was.n2)) {
			db_reset(st);
			free(v);
			return refuse(db, county, year, "a figure beyond BIGINT");
		}
	}
	if (r < 0) {
		free(v);
		return -1;
	}
	db_reset(st);
	if (n)
		qsort(v, n, sizeof(*v), by_id);
	*nodes = v;
	return (long long)n;
}

/* Binds node x's row at parameter k on. */
static void full_bind(struct db_stmt *st, int k, const struct rollup_node *x, int year)
{
	const struct rollup_sums *s = &x->now;

	db_bind_int(st, k, x->id);
	db_bind_int(st, k + 1, year);
	db_bind_int(st, k + 2, s->own);
	db_bind_int(st, k + 3, s->outs);
	db_bind_int(st, k + 4, s->state);
	db_bind_int(st, k + 5, s->sub);
	db_bind_int(st, k + 6, s->subo);
	db_bind_int(st, k + 7, s->n);
	db_bind_int(st, k + 8, s->n0);
	db_bind_int(st, k + 9, s->n1);
	db_bind_int(st, k + 10, s->n2);
}

/* Rows b[0, k) written, in power-of-two statements. */
static int full_send(struct db *db, const struct rollup_node *const *b, int k, int year)
{
	for (int i = 0, c; i < k; i += c) {
		struct db_stmt *st;

		c = db_repeat_chunk(&full_rows, k - i);
		if (!(st = db_prepare(db, db_repeat_sql(&full_rows, c))))
			return -1;
		for (int j = 0; j < c; j++)
			full_bind(st, full_rows.per * j, b[i + j], year);
		if (db_exec(st))
			return -1;
	}
	return 0;
}

/* Writes the nodes whose rows differ, FULL_BATCH at a time. */
static int full_write(struct db *db, const struct rollup_node *v, size_t n, int year)
{
	const struct rollup_node *batch[FULL_BATCH];
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!rollup_tree_changed(&v[i]))
			continue;
		batch[k++] = &v[i];
		if (k == FULL_BATCH) {
			if (full_send(db, batch, k, year))
				return -1;
			k = 0;
		}
	}
	return full_send(db, batch, k, year);
}

int store_rollup_agencies_all(struct db *db, int county, int year)
{
	struct rollup_node *v;
	long long n = full_read(db, county, year, &v);
	const char *why;
	int rc;

	if (n < 0)
		return -1;
	if (rollup_tree_sum(v, (size_t)n, &why))
		rc = refuse(db, county, year, why);
	else
		rc = full_write(db, v, (size_t)n, year);
	free(v);
	return rc;
}

/*
 * The same for every year `claim` holds outbox rows of: the subtrees are
 * joined once and each row of them meets each year, as one raw pass over
 * every county-year does (bench/run.sh), where a statement a year joins
 * them again for each.
 */
int store_rollup_agencies_claimed_years(struct db *db, int county, const char *claim)
{
	struct db_stmt *st = db_prepare(db,
		ROLLUP_ALL_INTO " SELECT t.ancestor_id id, y.year y," ROLLUP_ALL_SUMS ROLLUP_ALL_TREE
		" STRAIGHT_JOIN (SELECT DISTINCT year FROM outbox WHERE claim = ? AND done_at IS NULL) y"
		" LEFT JOIN reports r ON r.agency_id = d.id AND r.year = y.year"
		" WHERE a.county_id = ? GROUP BY t.ancestor_id, y.year" ROLLUP_ALL_UPSERT);

	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	db_bind_int(st, 1, county);
	return db_exec(st);
}

int store_rollup_done(struct db *db, const char *claim, long long *n)
{
	struct db_stmt *st = db_prepare(db, "UPDATE outbox FORCE INDEX (outbox_claim) SET done_at = NOW(3)"
					    " WHERE claim = ? AND done_at IS NULL");

	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	if (db_exec(st))
		return -1;
	*n = (long long)db_affected(st);
	return 0;
}

int store_rollup_oldest_wait(struct db *db, const char *claim, long long *ms)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT IFNULL(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) DIV 1000, -1) FROM outbox WHERE claim = ? AND done_at IS NULL");

	if (!st)
		return -1;
	db_bind_text(st, 0, claim);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	*ms = db_col_int(st, 0);
	db_reset(st);
	return 0;
}

/* A factor change's run walks county-year o, its lease alive: o's full recomputes wait for it (store_rollup.h). */
#define WALKED_BY_RUN(o) "EXISTS (SELECT 1 FROM factor_changes c WHERE c.status = 'running' AND c.lease_until > NOW()" \
	" AND " o ".year BETWEEN c.first_year AND c.last_year AND (c.county_id IS NULL OR c.county_id = " o ".county_id))"

int store_rollup_pending(struct db *db, struct store_rollup_pending *out, int max, int min_age_ms, int *n)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT county_id, year, MAX(agency_id IS NULL) FROM outbox o WHERE done_at IS NULL"
		" AND created_at <= NOW(3) - INTERVAL ? MICROSECOND GROUP BY county_id, year"
		/* DEFERRED: a county-year whose only work is full recomputes while a factor change walks it */
		" HAVING MIN(agency_id IS NULL) = 0 OR NOT " WALKED_BY_RUN("o")
		" ORDER BY county_id, year LIMIT 200");
	int rc = 0;

	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, (long long)min_age_ms * 1000);
	if (db_exec(st))
		return -1;
	while (*n < max && (rc = db_step(st)) == 1) {
		out[*n].county = (int)db_col_int(st, 0);
		out[*n].year = (int)db_col_int(st, 1);
		out[*n].county_wide = (int)db_col_int(st, 2);
		(*n)++;
	}
	if (rc < 0)
		return -1;
	db_reset(st);
	return 0;
}

int store_rollup_bulk_pending(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM outbox o WHERE done_at IS NULL AND agency_id IS NULL"
					" AND created_at <= NOW(3) AND NOT " WALKED_BY_RUN("o") ")");
	int r;

	if (!st || db_exec(st) || db_step(st) != 1)
		return -1;
	r = db_col_int(st, 0) != 0;
	db_reset(st);
	return r;
}

int store_rollup_fill_missing(struct db *db, long long *n)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO outbox (county_id, year, agency_id, created_at)"
		" SELECT y.county_id, y.year, NULL, NOW(3) FROM inventory_years y"
		" WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.county_id = y.county_id AND o.year = y.year"
		"   AND o.done_at IS NULL AND o.agency_id IS NULL)"
		" AND EXISTS (SELECT 1 FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = y.year"
		"   WHERE a.county_id = y.county_id AND r.own_state IS NULL)");

	/* In READ COMMITTED, its reads take no locks (store_rollup.h). */
	if (!st || store_rollup_read_committed(db) || db_exec(st))
		return -1;
	*n = (long long)db_affected(st);
	return 0;
}

int store_rollup_queue_agency(struct db *db, long long agency_id, int year)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO outbox (county_id, year, agency_id, created_at)"
				       " SELECT county_id, ?, id, NOW(3) FROM agencies WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, agency_id);
	return db_exec(st);
}

int store_rollup_queue_county(struct db *db, int county_id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO outbox (county_id, year, agency_id, created_at)"
		" SELECT county_id, year, NULL, NOW(3) FROM inventory_years WHERE county_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	return db_exec(st);
}

int store_rollup_queue_year(struct db *db, int county_id, int year)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (?, ?, NULL, NOW(3))");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	return db_exec(st);
}

/* Is the county-year locked (its row read FOR UPDATE when for_update)?  1, 0, -1. */
static int year_locked(struct db *db, int county_id, int year, int for_update)
{
	struct db_stmt *st = db_prepare(db, for_update ?
		"SELECT lock_id IS NOT NULL FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE" :
		"SELECT lock_id IS NOT NULL FROM inventory_years WHERE county_id = ? AND year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	if (db_exec(st) || (r = db_step(st)) < 0)
		return -1;
	r = r == 1 && db_col_int(st, 0);
	db_reset(st);
	return r;
}

int store_rollup_set_aside(struct db *db, int county_id, int year, const char *claim, long long *rows)
{
	struct db_stmt *st;
	int r;

	*rows = 0;
	/*
	 * Not locked, as nearly always: a plain read, no transaction.  It cannot be
	 * locked before this job's rows are done: a lock waits for none pending.
	 */
	r = year_locked(db, county_id, year, 0);
	if (r <= 0)
		return r;
	/*
	 * Locked: the quality request first (its foreign key takes the county's row in
	 * share mode, which an agency edit holds before the year's), then the year's
	 * row, so that an unlock (which queues the recompute) comes wholly before or
	 * after, and the rows set aside with the request asked for, or neither.
	 */
	if (store_rollup_read_committed(db) || db_begin(db) || store_quality_request(db, county_id, year) ||
	    (r = year_locked(db, county_id, year, 1)) < 0)
		goto fail;
	if (r) {
		st = db_prepare(db, "UPDATE outbox FORCE INDEX (outbox_pending) SET claim = ?, done_at = NOW(3)"
				" WHERE county_id = ? AND year = ? AND done_at IS NULL");
		if (!st)
			goto fail;
		db_bind_text(st, 0, claim);
		db_bind_int(st, 1, county_id);
		db_bind_int(st, 2, year);
		if (db_exec(st))
			goto fail;
		*rows = (long long)db_affected(st);
	}
	if (*rows ? db_commit(db) : db_rollback(db))   /* nothing set aside: no quality request either */
		goto fail;
	return r;
fail:
	db_rollback(db);
	return -1;
}

int store_rollup_ping(struct db *db, const char *token, const char *worker)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO worker_pings (token, runs, worker, processed_at) VALUES (?, 1, ?, NOW(6)) "
		"ON DUPLICATE KEY UPDATE runs = runs + 1, worker = VALUES(worker), processed_at = NOW(6)");

	if (!st)
		return -1;
	db_bind_text(st, 0, token);
	db_bind_text(st, 1, worker);
	return db_exec(st);
}

/*
 * The single year's claim and incremental move are one statement, the procedure of
 * migrations/0040_rollup_changes.sql (the statements it runs are its own), and one more for
 * its OUT parameters, which a prepared CALL hands back through session variables.  The CALL
 * moves the write epoch only when the procedure says it wrote: in a burst of saves two jobs in
 * three find nothing pending, and every move of the epoch makes the web processes read their
 * sessions again (epoch.h).
 */
int store_rollup_changes(struct db *db, int county, int year, const char *claim, int own_tx, struct store_rollup_changes *out)
{
	struct db_stmt *st;
	int r;

	memset(out, 0, sizeof(*out));
	/* Its START TRANSACTION would commit the caller's work. */
	if (own_tx && db->in_tx)
		return refuse(db, county, year, "rollup_changes in a transaction of its own, called inside one");
	st = db_prepare(db, "CALL rollup_changes(?, ?, ?, ?, @rc_status, @rc_rows, @rc_waited, @rc_error, @rc_wrote)");
	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	db_bind_int(st, 1, year);
	db_bind_text(st, 2, claim);
	db_bind_int(st, 3, own_tx);
	if (db_exec_unkept(st))
		goto failed;
	st = db_prepare(db, "SELECT IFNULL(@rc_status, -1), @rc_rows, @rc_waited, IFNULL(@rc_error, ''), IFNULL(@rc_wrote, 1)");
	if (!st || db_exec(st))
		goto failed;
	r = db_step(st);
	if (r == 1) {
		out->status = (int)db_col_int(st, 0);
		out->rows = db_col_int(st, 1);
		out->waited = db_col_int(st, 2);
		db_col_copy(st, 3, out->error, sizeof(out->error));
		if (db_col_int(st, 4))
			db_wrote(db);
	}
	db_reset(st);
	/* The session's variables unset: the connection was lost between the CALL and the SELECT. */
	if (r == 1 && out->status < 0)
		return refuse(db, county, year, "the results of rollup_changes were lost with its connection");
	return r == 1 ? 0 : -1;
failed:
	/*
	 * A statement the procedure's handler could not catch (a KILL QUERY) may leave its
	 * transaction open, which the connection's own state does not know of; and what it
	 * wrote before failing is not known either.
	 */
	if (own_tx && db->conn)
		db_rollback(db);
	db_wrote(db);
	return -1;
}

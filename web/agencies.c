/* agencies.c: what 機關管理 and its bulk import share: the county lock, moves in the tree, queued recalculation. */
#include <stdio.h>

#include "agencies.h"
#include "inventory_data.h"
#include "job.h"
#include "session.h"
#include "util.h"

int agencies_lock_county(struct request *req)
{
	struct db_stmt *st = db_prepare(&req->app->db, "SELECT id FROM counties WHERE id = ? FOR UPDATE");

	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->county_id);
	if (db_exec(st))
		return -1;
	db_reset(st);
	return 0;
}

int agencies_queue_all_years(struct request *req)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"INSERT INTO outbox (county_id, year, agency_id, created_at)"
		" SELECT county_id, year, NULL, NOW(3) FROM inventory_years WHERE county_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->county_id);
	return db_exec(st);
}

void agencies_wake_worker(struct request *req)
{
	for (int y = INV_YEAR_FIRST; y <= INV_YEAR_LAST; y++)
		if (job_push_rollup(&req->app->queue, req->session->county_id, y))
			return;   /* the outbox poll finds the work anyway */
}

/*
 * Moves agency x under p (0: makes it 一級) at `level`, inside the caller's
 * transaction: the closure rows from ancestors outside x's subtree to the
 * subtree go, the new ones come, and the subtree's levels follow.  The
 * caller has made sure p is not inside x's subtree.  0, or -1.
 */
int agencies_set_parent(struct db *db, long long x, long long p, int level)
{
	struct db_stmt *st;

	/* Links from ancestors outside the subtree to the subtree go; new ones come. */
	st = db_prepare(db,
		"DELETE t FROM agency_tree t JOIN agency_tree sub ON sub.descendant_id = t.descendant_id AND sub.ancestor_id = ?"
		" LEFT JOIN agency_tree inside ON inside.ancestor_id = ? AND inside.descendant_id = t.ancestor_id"
		" WHERE inside.ancestor_id IS NULL");
	if (!st)
		return -1;
	db_bind_int(st, 0, x);
	db_bind_int(st, 1, x);
	if (db_exec(st))
		return -1;
	st = db_prepare(db,
		"INSERT INTO agency_tree (ancestor_id, descendant_id, depth)"
		" SELECT a.ancestor_id, s.descendant_id, a.depth + s.depth + 1 FROM agency_tree a JOIN agency_tree s ON s.ancestor_id = ?"
		" WHERE a.descendant_id = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, x);
	db_bind_int(st, 1, p);
	if (db_exec(st))
		return -1;
	st = db_prepare(db, "UPDATE agencies SET parent_id = NULLIF(?, 0), level = ? WHERE id = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, p);
	db_bind_int(st, 1, level);
	db_bind_int(st, 2, x);
	if (db_exec(st))
		return -1;
	st = db_prepare(db, "UPDATE agencies a JOIN agency_tree s ON s.descendant_id = a.id AND s.ancestor_id = ? AND s.depth > 0"
			    " SET a.level = ? + s.depth");
	if (!st)
		return -1;
	db_bind_int(st, 0, x);
	db_bind_int(st, 1, level);
	return db_exec(st);
}

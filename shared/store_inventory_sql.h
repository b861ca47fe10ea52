/* store_inventory_sql.h: what the inventory's statements share (store_inventory*.c, and the county-year's exclusions and notations in store_report*.c). */
#ifndef CITYINV_STORE_INVENTORY_SQL_H
#define CITYINV_STORE_INVENTORY_SQL_H

#include "store_inventory.h"
#include "store_report.h"

/* The four columns of struct store_inventory_state of the reports row `r` (none: 未登錄). */
#define STATE_COLS STORE_REPORT_STATUS_SQL("r") ", IFNULL(r.returned, 0), IFNULL(r.confirmed_version, 0), IFNULL(r.last_version, 0)"

/*
 * The county-year's agencies, as `a` with the parent and level they count
 * with: OPEN, the county's active agencies as they are (a year not locked;
 * its one parameter the county), or LOCKED, the agencies the year was locked
 * with (year_lock_agencies m, migration 0045; its one parameter the lock),
 * so that an agency created, moved, deactivated or imported after the lock
 * moves nothing of a signed year.  A statement is written once as a macro of
 * V and prepared as V = OPEN or LOCKED (INV_SQL); V##_FROM is a FROM list.
 */
#define OPEN_FROM "agencies a"
#define OPEN_WHERE "a.county_id = ? AND a.active = 1"
#define OPEN_ID "a.id"
#define OPEN_LEVEL "a.level"
#define OPEN_PARENT "a.parent_id"
#define LOCKED_FROM "year_lock_agencies m JOIN agencies a ON a.id = m.agency_id"
#define LOCKED_WHERE "m.lock_id = ?"
#define LOCKED_ID "m.agency_id"
#define LOCKED_LEVEL "m.level"
#define LOCKED_PARENT "m.parent_id"
#define INV_SQL(lock, SQL) ((lock) ? SQL(LOCKED) : SQL(OPEN))
/* The value of the county-year's parameter: the lock, or the county. */
#define INV_KEY(lock, county) ((lock) ? (lock) : (long long)(county))

static inline void state_of(struct db_stmt *st, int i, struct store_inventory_state *s)
{
	s->status = (int)db_col_int(st, i);
	s->returned = (int)db_col_int(st, i + 1);
	s->confirmed_version = (int)db_col_int(st, i + 2);
	s->last_version = (int)db_col_int(st, i + 3);
}

#endif

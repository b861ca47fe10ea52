/* store_inventory_sql.h: what the inventory stores' statements share (store_inventory*.c only). */
#ifndef CITYINV_STORE_INVENTORY_SQL_H
#define CITYINV_STORE_INVENTORY_SQL_H

#include "store_inventory.h"
#include "store_report.h"

/* The four columns of struct store_inventory_state of the reports row `r` (none: 未登錄). */
#define STATE_COLS STORE_REPORT_STATUS_SQL("r") ", IFNULL(r.returned, 0), IFNULL(r.confirmed_version, 0), IFNULL(r.last_version, 0)"

static inline void state_of(struct db_stmt *st, int i, struct store_inventory_state *s)
{
	s->status = (int)db_col_int(st, i);
	s->returned = (int)db_col_int(st, i + 1);
	s->confirmed_version = (int)db_col_int(st, i + 2);
	s->last_version = (int)db_col_int(st, i + 3);
}

#endif

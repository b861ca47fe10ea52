/* board.h: the validation board's run: a county-year's rules, their findings written in one transaction. */
#ifndef CITYINV_BOARD_H
#define CITYINV_BOARD_H

#include "db.h"

/*
 * Runs the rules of county's year (board_rules.h) on its data as it is now
 * and writes the findings (store_board.h), all in one transaction, tried
 * again after a deadlock.  Run after saves by the quality job; idempotent
 * (a run on unchanged data changes nothing the board shows).  0, or -1
 * after logging why (nothing written).
 */
int board_run(struct db *db, int county, int year);

#endif

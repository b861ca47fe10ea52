/* store_text.h: a text column read by a store test's own statement (header only; beside store_test.h). */
#ifndef CITYINV_STORE_TEXT_H
#define CITYINV_STORE_TEXT_H

#include <stdio.h>

#include "db.h"

/*
 * The first column of the first row of `sql` (a string literal: the
 * statement cache is keyed by its address) into buf; "(none)" without a
 * row, "(error)" on an error.  Returns buf.
 */
static const char *store_test_text(struct db *db, const char *sql, char *buf, size_t size)
{
	struct db_stmt *st = db_prepare(db, sql);
	int r;

	snprintf(buf, size, "(error)");
	if (!st || db_exec(st))
		return buf;
	r = db_step(st);
	if (r == 1)
		snprintf(buf, size, "%s", db_col_text(st, 0, NULL));
	else if (r == 0)
		snprintf(buf, size, "(none)");
	db_reset(st);
	return buf;
}

#endif

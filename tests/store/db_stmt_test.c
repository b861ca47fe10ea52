/* db_stmt_test.c: the statement layer (shared/db_stmt.c) against the test stack's MariaDB:
 * columns longer than their first buffer come back whole, however many there are in a row. */
#include <string.h>

#include "store_test.h"

/* Each row: its columns' lengths and whether each is what REPEAT() made (n copies of one character). */
static void check_row(struct db_stmt *st, const int *want, int ncols, const char *what)
{
	int good = 1;
	char got[160] = "";

	for (int i = 0; i < ncols; i++) {
		size_t len;
		const char *s = db_col_text(st, i, &len);
		size_t unit = i % 2 ? strlen("機") : 1;   /* the odd columns are CJK: three bytes a character */

		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%zu ", len);
		if (len != (size_t)want[i] * unit || strlen(s) != len)
			good = 0;
		for (size_t k = 0; good && k < len; k += unit)
			good = !memcmp(s + k, i % 2 ? "機" : "a", unit);
	}
	ok(good, "%s: every column whole (%s)", what, got);
}

int main(void)
{
	struct db db;
	struct db_stmt *st;
	/* Two long columns in the first row, beyond the first buffer (256 bytes) and each other's; shorter, then longer, after. */
	static const int rows[3][4] = { { 10, 300, 700, 20 }, { 5, 90, 260, 1 }, { 2000, 1500, 3, 400 } };

	store_test_open(&db);
	st = db_prepare(&db, "SELECT REPEAT('a', ?), REPEAT('機', ?), REPEAT('a', ?), REPEAT('機', ?)"
			     " UNION ALL SELECT REPEAT('a', ?), REPEAT('機', ?), REPEAT('a', ?), REPEAT('機', ?)"
			     " UNION ALL SELECT REPEAT('a', ?), REPEAT('機', ?), REPEAT('a', ?), REPEAT('機', ?)");
	ok(st != NULL, "prepared");
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < 4; i++)
			db_bind_int(st, r * 4 + i, rows[r][i]);
	ok(db_exec(st) == 0, "executed");
	for (int r = 0; r < 3; r++) {
		char what[32];

		snprintf(what, sizeof(what), "row %d", r + 1);
		ok(db_step(st) == 1, "%s read", what);
		check_row(st, rows[r], 4, what);
	}
	ok(db_step(st) == 0, "then the end");
	db_reset(st);
	db_release(&db);
	return tap_done();
}

/* db_bulk.c: one prepared statement run for many rows of parameters (db_exec_rows). */
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "db.h"
#include "db_internal.h"
#include "util.h"

/*
 * DESIGN: factor day stages a batch's thousand lines into a temporary
 * table before its set-based statements (store_factorday_rows.c).  As
 * multi-row INSERTs of at most DB_MAX_PARAMS parameters that was about
 * forty statements a batch, each a round trip and a parse of a long text.
 * MariaDB takes an array of parameter rows for one prepared statement and
 * runs it for each row in one round trip (Connector/C's array binding,
 * column-wise: each parameter a C array of rows; strings an array of
 * pointers with an array of lengths; NULLs by an indicator array).  MySQL
 * does not: there, and with db->bulk_off (the tests of the other path),
 * the rows are run one statement each, with the same outcome.
 */

static int bulk_supported(struct db *db)
{
	unsigned long caps = 0, ext = 0;

	if (db->bulk_off)
		return 0;
	if (mariadb_get_infov(db_mysql(db), MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps) ||
	    mariadb_get_infov(db_mysql(db), MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext))
		return 0;
	/* CLIENT_MYSQL set: the server is MySQL, not MariaDB. */
	return !(caps & CLIENT_MYSQL) && (ext & (unsigned long)(MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32));
}

static int row_by_row(struct db_stmt *st, int nrows, const struct db_cell *cells)
{
	for (int r = 0; r < nrows; r++) {
		for (int c = 0; c < st->nparams; c++) {
			const struct db_cell *x = &cells[(size_t)r * (size_t)st->nparams + (size_t)c];

			if (x->kind == DB_CELL_INT)
				db_bind_int(st, c, x->i);
			else if (x->kind == DB_CELL_TEXT && x->s)
				db_bind_text(st, c, x->s);
			else
				db_bind_null(st, c);
		}
		if (db_exec(st))
			return -1;
	}
	return 0;
}

int db_exec_rows(struct db_stmt *st, int nrows, const struct db_cell *cells)
{
	struct db *db = st->db;
	size_t np = (size_t)st->nparams, nr = (size_t)nrows;
	MYSQL_BIND *b;
	long long *ints;
	const char **strs;
	unsigned long *lens;
	char *ind;
	unsigned int size = (unsigned int)nrows;
	int rc = -1;

	if (nrows <= 0)
		return 0;
	if (!np)
		die("db: rows of parameters for a statement without any: %.80s", st->sql);
	if (!st->stmt || !bulk_supported(db))
		return st->stmt ? row_by_row(st, nrows, cells) : db_fail(db, 2006, "statement without a connection");
	b = xcalloc(np, sizeof(*b));
	ints = xcalloc(np * nr, sizeof(*ints));
	strs = xcalloc(np * nr, sizeof(*strs));
	lens = xcalloc(np * nr, sizeof(*lens));
	ind = xcalloc(np * nr, 1);
	for (size_t c = 0; c < np; c++) {
		int text = 0, num = 0;

		for (size_t r = 0; r < nr; r++) {
			const struct db_cell *x = &cells[r * np + c];
			size_t k = c * nr + r;

			if (x->kind == DB_CELL_INT) {
				num = 1;
				ints[k] = x->i;
				ind[k] = STMT_INDICATOR_NONE;
			} else if (x->kind == DB_CELL_TEXT && x->s) {
				text = 1;
				strs[k] = x->s;
				lens[k] = (unsigned long)strlen(x->s);
				ind[k] = STMT_INDICATOR_NONE;
			} else {
				ind[k] = STMT_INDICATOR_NULL;
			}
		}
		if (text && num)
			die("db: parameter %zu has both texts and integers: %.80s", c, st->sql);
		b[c].buffer_type = text ? MYSQL_TYPE_STRING : MYSQL_TYPE_LONGLONG;
		b[c].buffer = text ? (void *)&strs[c * nr] : (void *)&ints[c * nr];
		b[c].length = &lens[c * nr];
		b[c].u.indicator = &ind[c * nr];
	}
	db->op_start = now_ms();
	if (mysql_stmt_attr_set(st->stmt, STMT_ATTR_ARRAY_SIZE, &size) || mysql_stmt_bind_param(st->stmt, b) ||
	    mysql_stmt_execute(st->stmt)) {
		db_set_err(db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		if (db_err_is_connection(db) && db_timed_out(db, db->timeout))
			db_drop_if_dead(db);
		else if (db_err_is_connection(db))
			db_close(db);
	} else {
		rc = 0;
	}
	/* The statement's next use, bulk or not, binds again; its array size goes back to one row. */
	size = 0;
	if (st->stmt)
		mysql_stmt_attr_set(st->stmt, STMT_ATTR_ARRAY_SIZE, &size);
	if (st->writes)
		db_wrote(db);
	free(b);
	free(ints);
	free(strs);
	free(lens);
	free(ind);
	return rc;
}

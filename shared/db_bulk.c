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
 * does not: there, and with db->bulk_off (the tests of this path), rows
 * given with their db_repeat (db_insert_rows) go as multi-row statements
 * of its group, and a statement's rows (db_exec_rows) one by one, with
 * the same outcome.  (Tried for the full recompute's
 * upserts of 5,000 rollups rows, store_rollup.c: no faster than its
 * multi-row statements, 127-158 ms a county-year against 127-135: MariaDB
 * runs an array's upserts one statement each.)
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

static void bind_cell(struct db_stmt *st, int i, const struct db_cell *x)
{
	if (x->kind == DB_CELL_INT)
		db_bind_int(st, i, x->i);
	else if (x->kind == DB_CELL_TEXT && x->s)
		db_bind_text(st, i, x->s);
	else
		db_bind_null(st, i);
}

/* Without arrays: as multi-row statements of r's group when r is given, else row by row. */
static int without_arrays(struct db_stmt *st, struct db_repeat *r, int nrows, const struct db_cell *cells)
{
	int np = st->nparams;

	for (int i = 0, k; i < nrows; i += k) {
		struct db_stmt *m = st;

		k = 1;
		if (r && nrows - i > 1 && np * 2 <= DB_MAX_PARAMS) {
			k = db_repeat_chunk(r, nrows - i);
			if (!(m = db_prepare(st->db, db_repeat_sql(r, k))))
				return -1;
		}
		for (int j = 0; j < k * np; j++)
			bind_cell(m, j, &cells[(size_t)i * (size_t)np + (size_t)j]);
		if (db_exec(m))
			return -1;
	}
	return 0;
}

static int exec_rows(struct db_stmt *st, struct db_repeat *rep, int nrows, const struct db_cell *cells)
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
	/* Without a handle (its connection went since db_prepare), db_exec prepares it again or fails. */
	if (!st->stmt || !bulk_supported(db))
		return without_arrays(st, rep, nrows, cells);
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
		db->bulk_sent++;
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

int db_exec_rows(struct db_stmt *st, int nrows, const struct db_cell *cells)
{
	return exec_rows(st, NULL, nrows, cells);
}

int db_insert_rows(struct db *db, struct db_repeat *r, int nrows, const struct db_cell *cells)
{
	struct db_stmt *st;

	if (nrows <= 0)
		return 0;
	st = db_prepare(db, db_repeat_sql(r, 1));
	return st ? exec_rows(st, r, nrows, cells) : -1;
}

/* db_internal.h: what db.c (connections, transactions) and db_stmt.c (statements) share; nobody else. */
#ifndef CITYINV_DB_INTERNAL_H
#define CITYINV_DB_INTERNAL_H

#include <mysql.h>

#include "db.h"
#include "strbuf.h"

#define DB_COL_INIT 256
#define DB_BUF_KEEP (64 << 10)

struct db_col {
	char *buf;
	unsigned long alloc;
	unsigned long len;
	my_bool is_null;
	my_bool error;
};

struct db_stmt {
	struct db_stmt *next;
	struct db *db;
	const char *sql;          /* cache key: the caller's literal */
	MYSQL_STMT *stmt;
	int nparams;
	MYSQL_BIND *params;
	struct strbuf *pvals;     /* owned copies of bound text / ints */
	long long *pints;
	unsigned char *bound;
	int ncols;
	MYSQL_BIND *cols;
	struct db_col *colv;
	int has_result;
	int lost;                 /* its result went with the connection: db_step fails */
	int writes;               /* not a SELECT: moves the write epoch (db_wrote) */
};

/* sql is not a SELECT (it may change rows): 1 / 0. */
int db_sql_writes(const char *sql);

MYSQL *db_mysql(struct db *db);
void db_set_err(struct db *db, unsigned err, const char *msg);
/* After a failure (db->err set): drop the link if it is dead (pausing calls if it hung); -1. */
int db_drop_if_dead(struct db *db);
/* db_set_err, then db_drop_if_dead; -1. */
int db_fail(struct db *db, unsigned err, const char *msg);
/* Did the call in hand wait out a timeout of `seconds` (the server hangs, not gone)? */
int db_timed_out(const struct db *db, int seconds);
/* The connection is going: every cached statement loses its handle, not its memory. */
void db_stmts_detach(struct db *db);
void db_stmt_free(struct db_stmt *st);

#endif

/* db.h: the only door to MySQL/MariaDB: prepared statements, typed binds. */
#ifndef CITYINV_DB_H
#define CITYINV_DB_H

#include <stddef.h>

#include "config.h"

/* The most parameters a statement may have (a sanity bound: each statement allocates what its own count needs). */
#define DB_MAX_PARAMS 1024

/*
 * DESIGN: every statement is a prepared statement; values are bound, never
 * formatted into SQL.  Statements are cached per connection, keyed by the
 * SQL text's address (callers pass string literals), so a persistent
 * process prepares each statement once and reuses it for every request.
 * Results are fetched row by row; every column is read as text into a
 * buffer owned by the statement (valid until the next db_step/db_reset), and
 * db_col_int() converts.  The connection sets utf8mb4 once.
 *
 * Errors: functions return -1 and leave the server's message in db->errstr.
 * When the server has gone away (restart, timeout) the connection is
 * dropped and every cached statement loses its handle, not its memory (a
 * caller may still hold it); the next call reconnects and prepares again.
 * db_step() returns 1 for a row, 0 at the end, -1 on error.
 *
 * Fail fast: the client library's connect, read and write timeouts are set
 * (cfg->db_connect_timeout, and db->timeout: cfg->db_timeout for the web,
 * cfg->worker_db_timeout for the worker; whole seconds, as the client counts
 * them).  A call that fails on a connection error after waiting that long
 * means the server hangs (a stopped process, a partition): the link is
 * dropped and, for DB_PAUSE_MS, every call fails at once without trying, so
 * a request that met the hang answers 503 within one timeout, and the ones
 * after it at once, instead of each waiting again.  A link found closed at
 * once (a restarted server) is reopened and the call tried again, as before.
 * The web sets `innodb_lock_wait_timeout` below its read timeout, so a lock
 * wait ends as an error the server reports (1205), never as a dropped link.
 */
struct db_stmt;

struct db {
	void *conn;                /* MYSQL *, opaque outside db.c */
	const struct config *cfg;
	struct db_stmt *stmts;     /* the cache */
	int in_tx;
	int tx_wrote;              /* the transaction in hand may have changed rows: its commit moves the epoch */
	int tx_lost;               /* a transaction went with its connection: nothing runs until db_rollback */
	int timeout;               /* read/write timeout, seconds (db_init: cfg->db_timeout) */
	int lock_wait;             /* innodb_lock_wait_timeout of the session, seconds; 0: server's */
	int idle_tx;               /* idle_transaction_timeout of the session, seconds; 0: server's (none) */
	int bulk_off;              /* db_exec_rows without arrays even where the server takes them (tests) */
	unsigned long bulk_sent;   /* db_exec_rows calls sent as arrays (tests) */
	long long paused_until;    /* now_ms() before which calls fail without trying */
	long long op_start;        /* now_ms() when the call in hand began */
	unsigned err;              /* server error number of the last failure */
	char errstr[256];
};

#define DB_PAUSE_MS 2000

/*
 * The client library's global state: set up by a process that will connect
 * from more than one thread, before any starts (the worker's export reader,
 * export_prefetch.c); db_thread_end() frees a thread's own state at its end.
 */
int db_library_init(void);
void db_thread_end(void);
/* Sets the timeouts of the web (cfg->db_timeout); the worker sets db->timeout after it. */
int db_init(struct db *db, const struct config *cfg);
/* Is the server known to hang just now (calls fail without trying)? */
int db_paused(const struct db *db);
/* Connects if not connected; 0 or -1. */
int db_connect(struct db *db);
/* Round trip to the server (reconnecting once if the link was lost). */
int db_ping(struct db *db);
/*
 * Closes the connection.  Cached statements stay valid (a caller may still
 * db_reset one) and are prepared again on the next connection.
 */
void db_close(struct db *db);
/* db_close, and frees the statement cache: at the end of the process. */
void db_release(struct db *db);

/* A cached prepared statement for `sql`, reset and ready to bind; NULL on error. */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Parameters are numbered from 0; binding beyond the statement's count aborts. */
void db_bind_int(struct db_stmt *st, int i, long long v);
void db_bind_text(struct db_stmt *st, int i, const char *s);
void db_bind_textn(struct db_stmt *st, int i, const char *s, size_t len);
void db_bind_null(struct db_stmt *st, int i);
/* Executes; every parameter must have been bound.  0 or -1. */
int db_exec(struct db_stmt *st);
/*
 * db_exec of a write that changes nothing another process keeps by the write
 * epoch (epoch.h): a session's last-seen time, which only lengthens its life.
 * Every other write moves the epoch once committed.
 */
int db_exec_unkept(struct db_stmt *st);
/*
 * A statement that may have changed rows ran, or its outcome is unknown: the
 * epoch moves at its commit (epoch.h).  db_exec calls it for every write; a
 * caller of db_exec_unkept whose statement wrote after all (a procedure that
 * says so) calls it itself.
 */
void db_wrote(struct db *db);
/*
 * Many rows of parameters for one statement (a staging table filled): st runs once for each
 * row, cells[r * params + c], in one round trip where the server can (MariaDB's array
 * binding: one COM_STMT_BULK_EXECUTE), else row by row (MySQL; db->bulk_off).  A column's
 * cells are integers or NULLs, or texts or NULLs (the texts are read, not kept).  Inside a
 * transaction as any statement; a lost connection is not tried again.  0 or -1.
 */
enum db_cell_kind { DB_CELL_NULL, DB_CELL_INT, DB_CELL_TEXT };
struct db_cell {
	enum db_cell_kind kind;
	long long i;
	const char *s;
};
int db_exec_rows(struct db_stmt *st, int nrows, const struct db_cell *cells);
/* Next row: 1, 0 at the end, -1 on error. */
int db_step(struct db_stmt *st);
int db_col_isnull(struct db_stmt *st, int i);
/* Column text ("" for NULL); valid until the next db_step or db_reset. */
const char *db_col_text(struct db_stmt *st, int i, size_t *len);
long long db_col_int(struct db_stmt *st, int i);
/*
 * Column text copied into dst[size] ("" for NULL), cut at a character
 * boundary when it does not fit (never half a UTF-8 sequence).  The
 * stores' way to fill the fixed arrays of their structs.
 */
void db_col_copy(struct db_stmt *st, int i, char *dst, size_t size);
/*
 * A column that may not fit a long long (a SUM() of BIGINT columns, which
 * MySQL returns as DECIMAL), read checked: 0 with *out set (NULL reads as
 * 0), or -1 with *out unchanged when it is not an integer or does not fit.
 * db_col_int() would saturate such a value silently.
 */
int db_col_i64(struct db_stmt *st, int i, long long *out) __attribute__((warn_unused_result));
unsigned long long db_affected(struct db_stmt *st);
unsigned long long db_insert_id(struct db_stmt *st);
/* Frees the result of the last execution (done by db_prepare too). */
void db_reset(struct db_stmt *st);

/*
 * A statement of many rows (or many ids): head, then groups joined by commas, then tail, e.g.
 * "INSERT … VALUES " "(?, ?, NOW(3))" " ON DUPLICATE KEY UPDATE …", or "… IN (" "?" ")".  A
 * caller sends its rows in power-of-two chunks (db_repeat_chunk), so a kind has at most eleven
 * texts, each built at its first use and kept: db_prepare's cache is keyed by the text's
 * address, and prepares each once per connection.
 */
struct db_repeat {
	const char *head, *group, *tail;
	int per;                        /* the parameters in one group */
	char *sql[11];                  /* the texts, by log2 of their groups */
};
/* The largest power of two, at most left (>= 1), of groups that one statement takes (DB_MAX_PARAMS). */
int db_repeat_chunk(const struct db_repeat *r, int left);
/* The text of n groups, n a power of two that db_repeat_chunk gives. */
const char *db_repeat_sql(struct db_repeat *r, int n);
/*
 * db_exec_rows for r's one-group statement (db_repeat_sql(r, 1)); without arrays
 * its rows go as statements of as many groups as fit (db_repeat_chunk), not
 * one by one.  r's group holds all of a row's parameters, its tail none.
 */
int db_insert_rows(struct db *db, struct db_repeat *r, int nrows, const struct db_cell *cells);

/* One-shot helpers: prepare, bind nothing, exec; for fixed SQL only. */
int db_exec_sql(struct db *db, const char *sql);

/*
 * Transactions.  A connection lost inside one takes the transaction with
 * it: every later call fails (it would otherwise run on a new connection,
 * outside the transaction) until db_rollback() or db_begin().
 */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);
/*
 * At the end of a request or a job: rolls back whatever transaction is
 * still open.  Returns 1 when one was open on a live connection (a caller
 * forgot it: log it), 0 otherwise.
 */
int db_settle(struct db *db);

/*
 * Runs a script of SQL statements separated by ';' at the end of a line
 * (the migrations); a line "DELIMITER //" makes "//" the end instead, until
 * "DELIMITER ;" (a procedure's body, as the mariadb client reads it).  Only
 * for files shipped with the program, never for user input.  0 or -1 (with
 * the failing statement's first line logged).
 */
int db_run_script(struct db *db, const char *text, size_t len);

/*
 * What the last failure was, so that no caller knows a server error number.
 * db_err_is_connection: the connection was lost (a retry may work).
 * db_err_duplicate: a unique key refused the row (ER_DUP_ENTRY).
 * db_err_contention: a deadlock or a lock wait that ran out; InnoDB rolled
 * back the statement (a lock wait) or the transaction (a deadlock): try the
 * whole transaction again.
 */
int db_err_is_connection(const struct db *db);
int db_err_duplicate(const struct db *db);
int db_err_contention(const struct db *db);

#endif

/* db.c: the only door to MySQL/MariaDB: prepared statements, typed binds. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>

#include "db.h"
#include "decimal.h"
#include "strbuf.h"
#include "util.h"

#define DB_MAX_PARAMS 128
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
};

static MYSQL *conn(struct db *db)
{
	return db->conn;
}

static void set_err(struct db *db, unsigned err, const char *msg)
{
	db->err = err;
	snprintf(db->errstr, sizeof(db->errstr), "%s", msg ? msg : "unknown error");
}

static void stmt_free(struct db_stmt *st)
{
	if (st->stmt)
		mysql_stmt_close(st->stmt);
	for (int i = 0; i < st->nparams; i++)
		strbuf_release(&st->pvals[i]);
	for (int i = 0; i < st->ncols; i++)
		free(st->colv[i].buf);
	free(st->params);
	free(st->pvals);
	free(st->pints);
	free(st->bound);
	free(st->cols);
	free(st->colv);
	free(st);
}

/*
 * The connection is going: every cached statement loses its server handle
 * but stays in the cache, so a caller still holding one (to db_reset it, or
 * to step on after a failure) holds valid memory.  The next db_prepare or
 * db_exec of it prepares it again on the new connection.
 */
static void detach_statements(struct db *db)
{
	for (struct db_stmt *st = db->stmts; st; st = st->next) {
		if (st->stmt)
			mysql_stmt_close(st->stmt);
		st->stmt = NULL;
		st->lost = st->has_result;
		st->has_result = 0;
	}
}

void db_release(struct db *db)
{
	db_close(db);
	while (db->stmts) {
		struct db_stmt *st = db->stmts;

		db->stmts = st->next;
		stmt_free(st);
	}
}

int db_err_is_connection(const struct db *db)
{
	return db->err == CR_SERVER_GONE_ERROR || db->err == CR_SERVER_LOST ||
	       db->err == CR_CONNECTION_ERROR || db->err == CR_CONN_HOST_ERROR ||
	       db->err == CR_SERVER_LOST_EXTENDED || db->err == 1927 /* ER_CONNECTION_KILLED */ ||
	       db->err == 1053 /* ER_SERVER_SHUTDOWN */;
}

int db_err_duplicate(const struct db *db)
{
	return db->err == 1062;   /* ER_DUP_ENTRY */
}

int db_err_contention(const struct db *db)
{
	return db->err == 1213 /* ER_LOCK_DEADLOCK */ || db->err == 1205 /* ER_LOCK_WAIT_TIMEOUT */;
}

/* Did the call in hand wait out a timeout (the server hangs, not gone)? */
static int timed_out(const struct db *db, int seconds)
{
	return db->op_start && now_ms() - db->op_start >= 1000LL * seconds - 250;
}

/* The server hangs: no call tries again before the pause is over. */
static void pause_calls(struct db *db)
{
	if (now_ms() >= db->paused_until)
		error("db: no answer from the server within the timeout (%s); failing at once for %d ms",
		      db->errstr, DB_PAUSE_MS);
	db->paused_until = now_ms() + DB_PAUSE_MS;
}

/* After a failure (db->err set): drop the link if it is dead, so the next call reconnects. */
static int drop_if_dead(struct db *db)
{
	if (db_err_is_connection(db)) {
		if (timed_out(db, db->timeout))
			pause_calls(db);
		db_close(db);
	}
	return -1;
}

static int fail_conn(struct db *db, unsigned err, const char *msg)
{
	set_err(db, err, msg);
	return drop_if_dead(db);
}

int db_init(struct db *db, const struct config *cfg)
{
	memset(db, 0, sizeof(*db));
	db->cfg = cfg;
	db->timeout = cfg->db_timeout > 0 ? cfg->db_timeout : 2;
	return 0;
}

int db_paused(const struct db *db)
{
	return now_ms() < db->paused_until;
}

void db_close(struct db *db)
{
	detach_statements(db);
	if (db->conn)
		mysql_close(conn(db));
	db->conn = NULL;
	if (db->in_tx)
		db->tx_lost = 1;
	db->in_tx = 0;
	db->op_start = 0;
}

int db_connect(struct db *db)
{
	const struct config *cfg = db->cfg;
	unsigned int connect_timeout = cfg->db_connect_timeout > 0 ? (unsigned)cfg->db_connect_timeout : 1;
	unsigned int rw = (unsigned)db->timeout;
	char init[320];
	long long t0;
	my_bool off = 0;
	MYSQL *m;

	if (db->conn)
		return 0;
	if (db->tx_lost) {
		set_err(db, CR_SERVER_LOST, "the transaction was lost with its connection (roll it back first)");
		return -1;
	}
	if (db_paused(db)) {
		set_err(db, CR_SERVER_GONE_ERROR, "the database did not answer a moment ago; not trying again yet");
		return -1;
	}
	m = mysql_init(NULL);
	if (!m) {
		set_err(db, 0, "mysql_init failed");
		return -1;
	}
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	int n = snprintf(init, sizeof(init), "SET time_zone = '+08:00', sql_mode = "
			 "'STRICT_ALL_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
	if (db->lock_wait > 0)
		snprintf(init + n, sizeof(init) - (size_t)n, ", innodb_lock_wait_timeout = %d", db->lock_wait);
	mysql_options(m, MYSQL_INIT_COMMAND, init);
	t0 = now_ms();
	if (!mysql_real_connect(m, cfg->db_host[0] ? cfg->db_host : NULL, cfg->db_user,
				cfg->db_password, cfg->db_name,
				cfg->db_host[0] ? (unsigned)cfg->db_port : 0,
				cfg->db_host[0] ? NULL : cfg->db_socket, 0)) {
		set_err(db, mysql_errno(m), mysql_error(m));
		mysql_close(m);
		/* The handshake waited out its timeout: the server accepts but does not answer. */
		if (now_ms() - t0 >= 1000LL * connect_timeout - 250)
			pause_calls(db);
		return -1;
	}
	db->conn = m;
	db->in_tx = 0;
	return 0;
}

int db_ping(struct db *db)
{
	if (db_connect(db))
		return -1;
	db->op_start = now_ms();
	if (mysql_ping(conn(db)) == 0)
		return 0;
	set_err(db, mysql_errno(conn(db)), mysql_error(conn(db)));
	if (timed_out(db, db->timeout)) {
		pause_calls(db);
		db_close(db);
		return -1;
	}
	db_close(db);
	/* One more try: the server may have restarted since the last request. */
	if (db_connect(db))
		return -1;
	db->op_start = now_ms();
	if (mysql_ping(conn(db)) == 0)
		return 0;
	return fail_conn(db, mysql_errno(conn(db)), mysql_error(conn(db)));
}

/* A server handle for st on the current connection; 0, or -1 with the error set. */
static int handle(struct db_stmt *st)
{
	struct db *db = st->db;

	db->op_start = now_ms();
	st->stmt = mysql_stmt_init(conn(db));
	if (!st->stmt)
		return fail_conn(db, mysql_errno(conn(db)), mysql_error(conn(db)));
	if (mysql_stmt_prepare(st->stmt, st->sql, (unsigned long)strlen(st->sql))) {
		MYSQL_STMT *h = st->stmt;

		st->stmt = NULL;
		set_err(db, mysql_stmt_errno(h), mysql_stmt_error(h));
		mysql_stmt_close(h);
		error("db: prepare failed: %s [%.80s]", db->errstr, st->sql);
		return drop_if_dead(db);
	}
	return 0;
}

static struct db_stmt *stmt_new(struct db *db, const char *sql)
{
	struct db_stmt *st = xcalloc(1, sizeof(*st));
	MYSQL_RES *meta;

	st->db = db;
	st->sql = sql;
	if (handle(st)) {
		free(st);
		return NULL;
	}
	st->nparams = (int)mysql_stmt_param_count(st->stmt);
	if (st->nparams > DB_MAX_PARAMS)
		die("db: statement has too many parameters: %.80s", sql);
	if (st->nparams) {
		st->params = xcalloc((size_t)st->nparams, sizeof(MYSQL_BIND));
		st->pvals = xcalloc((size_t)st->nparams, sizeof(struct strbuf));
		st->pints = xcalloc((size_t)st->nparams, sizeof(long long));
		st->bound = xcalloc((size_t)st->nparams, 1);
		for (int i = 0; i < st->nparams; i++)
			strbuf_init(&st->pvals[i], 0);
	}
	meta = mysql_stmt_result_metadata(st->stmt);
	if (meta) {
		st->ncols = (int)mysql_num_fields(meta);
		mysql_free_result(meta);
		st->cols = xcalloc((size_t)st->ncols, sizeof(MYSQL_BIND));
		st->colv = xcalloc((size_t)st->ncols, sizeof(struct db_col));
		for (int i = 0; i < st->ncols; i++) {
			st->colv[i].alloc = DB_COL_INIT;
			st->colv[i].buf = xmalloc(DB_COL_INIT);
		}
	}
	return st;
}

/*
 * After the server went away (a restart): a new connection, and st prepared
 * again on it with its bound parameters kept.  Only outside a transaction:
 * inside one, the work before the failure is lost and the caller must know.
 * On failure st stays in the cache without a handle, prepared again later.
 */
static int reprepare(struct db_stmt *st)
{
	struct db *db = st->db;

	db_close(db);
	if (db_connect(db))
		return -1;
	return handle(st);
}

void db_reset(struct db_stmt *st)
{
	st->lost = 0;
	if (st->has_result && st->stmt) {
		mysql_stmt_free_result(st->stmt);
		st->has_result = 0;
	}
	if (st->nparams)
		memset(st->bound, 0, (size_t)st->nparams);
	/*
	 * A large value once (an uploaded workbook bound or fetched) should not
	 * pin its memory for the process's life: buffers beyond DB_BUF_KEEP go
	 * back to their first size.  Both are bound again at the next execution.
	 */
	for (int i = 0; i < st->ncols; i++)
		if (st->colv[i].alloc > DB_BUF_KEEP) {
			free(st->colv[i].buf);
			st->colv[i].alloc = DB_COL_INIT;
			st->colv[i].buf = xmalloc(DB_COL_INIT);
		}
	for (int i = 0; i < st->nparams; i++)
		if (st->pvals[i].alloc > DB_BUF_KEEP)
			strbuf_release(&st->pvals[i]);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	struct db_stmt *st;

	if (db_connect(db))
		return NULL;
	for (st = db->stmts; st; st = st->next)
		if (st->sql == sql) {
			db_reset(st);
			/* Cached from an earlier connection: prepared again on this one. */
			if (!st->stmt && handle(st))
				return NULL;
			return st;
		}
	st = stmt_new(db, sql);
	if (!st && db_err_is_connection(db) && !db->in_tx && !db_paused(db)) {
		/* The link died since the last request (a server restart): once more. */
		if (db_connect(db))
			return NULL;
		st = stmt_new(db, sql);
	}
	if (!st)
		return NULL;
	st->next = db->stmts;
	db->stmts = st;
	return st;
}

static MYSQL_BIND *param(struct db_stmt *st, int i)
{
	if (i < 0 || i >= st->nparams)
		die("db: parameter %d out of range (statement has %d): %.80s", i, st->nparams, st->sql);
	st->bound[i] = 1;
	memset(&st->params[i], 0, sizeof(MYSQL_BIND));
	return &st->params[i];
}

void db_bind_int(struct db_stmt *st, int i, long long v)
{
	MYSQL_BIND *b = param(st, i);

	st->pints[i] = v;
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = &st->pints[i];
}

void db_bind_textn(struct db_stmt *st, int i, const char *s, size_t len)
{
	MYSQL_BIND *b = param(st, i);

	strbuf_reset(&st->pvals[i]);
	strbuf_add(&st->pvals[i], s, len);
	strbuf_grow(&st->pvals[i], 0);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = st->pvals[i].buf;
	b->buffer_length = (unsigned long)len;
}

void db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (!s)
		db_bind_null(st, i);
	else
		db_bind_textn(st, i, s, strlen(s));
}

void db_bind_null(struct db_stmt *st, int i)
{
	MYSQL_BIND *b = param(st, i);

	b->buffer_type = MYSQL_TYPE_NULL;
}

int db_exec(struct db_stmt *st)
{
	struct db *db = st->db;

	for (int i = 0; i < st->nparams; i++)
		if (!st->bound[i])
			die("db: parameter %d not bound: %.80s", i, st->sql);
	st->lost = 0;
	for (int attempt = 0;; attempt++) {
		if (!st->stmt && reprepare(st))
			return -1;
		db->op_start = now_ms();
		if ((!st->nparams || !mysql_stmt_bind_param(st->stmt, st->params)) && !mysql_stmt_execute(st->stmt))
			break;
		set_err(db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		if (db_err_is_connection(db) && timed_out(db, db->timeout)) {
			/* The server hangs: neither again nor elsewhere for a while. */
			pause_calls(db);
			db_close(db);
			return -1;
		}
		/* The server restarted since this statement was prepared: once more, on a new link. */
		if (attempt == 0 && db_err_is_connection(db) && !db->in_tx) {
			if (reprepare(st))
				return -1;
			continue;
		}
		if (db_err_is_connection(db))
			db_close(db);
		return -1;
	}
	if (st->ncols) {
		for (int i = 0; i < st->ncols; i++) {
			MYSQL_BIND *b = &st->cols[i];

			memset(b, 0, sizeof(*b));
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = st->colv[i].buf;
			b->buffer_length = st->colv[i].alloc - 1;
			b->length = &st->colv[i].len;
			b->is_null = &st->colv[i].is_null;
			b->error = &st->colv[i].error;
		}
		if (mysql_stmt_bind_result(st->stmt, st->cols))
			return fail_conn(db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		/* Buffer the whole result so other statements can run meanwhile. */
		if (mysql_stmt_store_result(st->stmt))
			return fail_conn(db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		st->has_result = 1;
	}
	return 0;
}

int db_step(struct db_stmt *st)
{
	int rc;

	/* Its rows went with a connection lost meanwhile: an error, never a short result. */
	if (st->lost) {
		set_err(st->db, CR_SERVER_LOST, "connection lost while the result was being read");
		return -1;
	}
	if (!st->has_result)
		return 0;
	rc = mysql_stmt_fetch(st->stmt);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1)
		return fail_conn(st->db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
	for (int i = 0; i < st->ncols; i++) {
		struct db_col *c = &st->colv[i];

		if (c->is_null) {
			c->len = 0;
			c->buf[0] = '\0';
			continue;
		}
		if (c->len >= c->alloc) {
			/* Truncated: grow and fetch the whole column again. */
			MYSQL_BIND *b = &st->cols[i];

			c->alloc = c->len + 1;
			c->buf = xrealloc(c->buf, c->alloc);
			b->buffer = c->buf;
			b->buffer_length = c->alloc - 1;
			if (mysql_stmt_fetch_column(st->stmt, b, (unsigned)i, 0))
				return fail_conn(st->db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
			/* Later rows keep using the larger buffer. */
			if (mysql_stmt_bind_result(st->stmt, st->cols))
				return fail_conn(st->db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		}
		c->buf[c->len] = '\0';
	}
	return 1;
}

int db_col_count(struct db_stmt *st)
{
	return st->ncols;
}

int db_col_isnull(struct db_stmt *st, int i)
{
	assert(i >= 0 && i < st->ncols);
	return st->colv[i].is_null;
}

const char *db_col_text(struct db_stmt *st, int i, size_t *len)
{
	if (i < 0 || i >= st->ncols)
		die("db: column %d out of range: %.80s", i, st->sql);
	if (len)
		*len = st->colv[i].len;
	return st->colv[i].buf;
}

long long db_col_int(struct db_stmt *st, int i)
{
	return strtoll(db_col_text(st, i, NULL), NULL, 10);
}

int db_col_i64(struct db_stmt *st, int i, long long *out)
{
	size_t len;
	const char *s = db_col_text(st, i, &len);

	if (st->colv[i].is_null) {
		*out = 0;
		return 0;
	}
	return dec_parse_i64(s, len, out);
}

unsigned long long db_affected(struct db_stmt *st)
{
	return (unsigned long long)mysql_stmt_affected_rows(st->stmt);
}

unsigned long long db_rows(struct db_stmt *st)
{
	return st->has_result ? (unsigned long long)mysql_stmt_num_rows(st->stmt) : 0;
}

unsigned long long db_insert_id(struct db_stmt *st)
{
	return (unsigned long long)mysql_stmt_insert_id(st->stmt);
}

static int query(struct db *db, const char *sql, size_t len)
{
	MYSQL_RES *res;

	if (db_connect(db))
		return -1;
	db->op_start = now_ms();
	if (mysql_real_query(conn(db), sql, (unsigned long)len))
		return fail_conn(db, mysql_errno(conn(db)), mysql_error(conn(db)));
	res = mysql_store_result(conn(db));
	if (res)
		mysql_free_result(res);
	else if (mysql_field_count(conn(db)))
		return fail_conn(db, mysql_errno(conn(db)), mysql_error(conn(db)));
	return 0;
}

int db_exec_sql(struct db *db, const char *sql)
{
	return query(db, sql, strlen(sql));
}

int db_begin(struct db *db)
{
	db->tx_lost = 0;
	if (query(db, "START TRANSACTION", 17))
		return -1;
	db->in_tx = 1;
	return 0;
}

int db_commit(struct db *db)
{
	int rc = query(db, "COMMIT", 6);

	db->in_tx = 0;
	return rc;
}

int db_rollback(struct db *db)
{
	int rc = 0;

	db->tx_lost = 0;
	if (db->conn)
		rc = query(db, "ROLLBACK", 8);
	db->in_tx = 0;
	return rc;
}

int db_settle(struct db *db)
{
	int open = db->in_tx && db->conn;

	if (db->in_tx || db->tx_lost)
		db_rollback(db);
	return open;
}

int db_run_script(struct db *db, const char *text, size_t len)
{
	struct strbuf stmt = STRBUF_INIT;
	size_t pos = 0;
	int ret = -1;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *line = text + pos;
		size_t t = n;

		pos += n + (nl ? 1 : 0);
		while (t && (line[t - 1] == ' ' || line[t - 1] == '\t' || line[t - 1] == '\r'))
			t--;
		/* Whole-line comments are dropped; everything else is kept verbatim. */
		size_t lead = 0;
		while (lead < t && (line[lead] == ' ' || line[lead] == '\t'))
			lead++;
		if (t - lead >= 2 && line[lead] == '-' && line[lead + 1] == '-')
			continue;
		strbuf_add(&stmt, line, t);
		strbuf_addch(&stmt, '\n');
		if (t && line[t - 1] == ';') {
			if (query(db, stmt.buf, stmt.len)) {
				const char *eol = strchr(stmt.buf, '\n');
				error("db: script statement failed: %s [%.*s]", db->errstr,
				      (int)(eol ? eol - stmt.buf : 80), stmt.buf);
				goto out;
			}
			strbuf_reset(&stmt);
		}
	}
	for (size_t i = 0; i < stmt.len; i++)
		if (stmt.buf[i] != ' ' && stmt.buf[i] != '\n' && stmt.buf[i] != '\t') {
			error("db: script ends without ';'");
			goto out;
		}
	ret = 0;
out:
	strbuf_release(&stmt);
	return ret;
}

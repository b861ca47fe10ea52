/* db_stmt.c: prepared statements: the per-connection cache, typed binds, execution, rows and columns. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>

#include "db.h"
#include "db_internal.h"
#include "decimal.h"
#include "strbuf.h"
#include "util.h"

/* A cached statement, freed with the whole cache (db_release). */
void db_stmt_free(struct db_stmt *st)
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
void db_stmts_detach(struct db *db)
{
	for (struct db_stmt *st = db->stmts; st; st = st->next) {
		if (st->stmt)
			mysql_stmt_close(st->stmt);
		st->stmt = NULL;
		st->lost = st->has_result;
		st->has_result = 0;
	}
}

/* A server handle for st on the current connection; 0, or -1 with the error set. */
static int handle(struct db_stmt *st)
{
	struct db *db = st->db;

	db->op_start = now_ms();
	st->stmt = mysql_stmt_init(db_mysql(db));
	if (!st->stmt)
		return db_fail(db, mysql_errno(db_mysql(db)), mysql_error(db_mysql(db)));
	if (mysql_stmt_prepare(st->stmt, st->sql, (unsigned long)strlen(st->sql))) {
		MYSQL_STMT *h = st->stmt;

		st->stmt = NULL;
		db_set_err(db, mysql_stmt_errno(h), mysql_stmt_error(h));
		mysql_stmt_close(h);
		error("db: prepare failed: %s [%.80s]", db->errstr, st->sql);
		return db_drop_if_dead(db);
	}
	return 0;
}

static struct db_stmt *stmt_new(struct db *db, const char *sql)
{
	struct db_stmt *st = xcalloc(1, sizeof(*st));
	MYSQL_RES *meta;

	st->db = db;
	st->sql = sql;
	st->writes = db_sql_writes(sql);
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

static int exec(struct db_stmt *st);

/* Every statement: a write moves the write epoch once it is committed (epoch.h). */
int db_exec(struct db_stmt *st)
{
	int rc = exec(st);

	if (st->writes)
		db_wrote(st->db);
	return rc;
}

int db_exec_unkept(struct db_stmt *st)
{
	return exec(st);
}

static int exec(struct db_stmt *st)
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
		db_set_err(db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		/* The server hangs: neither again nor elsewhere for a while. */
		if (db_err_is_connection(db) && db_timed_out(db, db->timeout))
			return db_drop_if_dead(db);
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
			return db_fail(db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		/* Buffer the whole result so other statements can run meanwhile. */
		if (mysql_stmt_store_result(st->stmt))
			return db_fail(db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
		st->has_result = 1;
	}
	return 0;
}

int db_step(struct db_stmt *st)
{
	int rc, grown = 0;

	/* Its rows went with a connection lost meanwhile: an error, never a short result. */
	if (st->lost) {
		db_set_err(st->db, CR_SERVER_LOST, "connection lost while the result was being read");
		return -1;
	}
	if (!st->has_result)
		return 0;
	rc = mysql_stmt_fetch(st->stmt);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1)
		return db_fail(st->db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
	/*
	 * A column longer than its buffer: grow the buffer and fetch that column
	 * again; the larger buffers are bound for the later rows only once every
	 * column of this row is read.  Bound in the middle of the row, a second
	 * long column in it came back cut at its old buffer's size (the
	 * detail workbook's sources, after a long method: 688 bytes read as 255).
	 */
	for (int i = 0; i < st->ncols; i++) {
		struct db_col *c = &st->colv[i];

		if (c->is_null) {
			c->len = 0;
			c->buf[0] = '\0';
			continue;
		}
		if (c->len >= c->alloc) {
			MYSQL_BIND *b = &st->cols[i];

			c->alloc = c->len + 1;
			c->buf = xrealloc(c->buf, c->alloc);
			b->buffer = c->buf;
			b->buffer_length = c->alloc - 1;
			if (mysql_stmt_fetch_column(st->stmt, b, (unsigned)i, 0))
				return db_fail(st->db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
			grown = 1;
		}
		c->buf[c->len] = '\0';
	}
	if (grown && mysql_stmt_bind_result(st->stmt, st->cols))
		return db_fail(st->db, mysql_stmt_errno(st->stmt), mysql_stmt_error(st->stmt));
	return 1;
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

unsigned long long db_insert_id(struct db_stmt *st)
{
	return (unsigned long long)mysql_stmt_insert_id(st->stmt);
}

void db_col_copy(struct db_stmt *st, int i, char *dst, size_t size)
{
	size_t len, n;
	const char *s = db_col_text(st, i, &len);

	if (!size)
		return;
	n = len < size ? len : size - 1;
	if (n < len)   /* cut: step back over continuation bytes to a character's start */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int db_repeat_chunk(const struct db_repeat *r, int left)
{
	int n = 1;

	while (n * 2 <= left && n * 2 * r->per <= DB_MAX_PARAMS)
		n *= 2;
	return n;
}

const char *db_repeat_sql(struct db_repeat *r, int n)
{
	int lg = 0;

	while ((1 << lg) < n)
		lg++;
	assert(n >= 1 && (1 << lg) == n && n * r->per <= DB_MAX_PARAMS);
	if (!r->sql[lg]) {
		size_t hl = strlen(r->head), gl = strlen(r->group), tl = strlen(r->tail);
		char *q = xmalloc(hl + (size_t)n * (gl + 1) + tl + 1), *w = q;

		memcpy(w, r->head, hl);
		w += hl;
		for (int i = 0; i < n; i++) {
			if (i)
				*w++ = ',';
			memcpy(w, r->group, gl);
			w += gl;
		}
		memcpy(w, r->tail, tl + 1);
		r->sql[lg] = q;
	}
	return r->sql[lg];
}

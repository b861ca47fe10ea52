/* db.c: the only door to MySQL/MariaDB: connections, timeouts, transactions, errors (statements: db_stmt.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <mysql.h>
#include <errmsg.h>

#include "db.h"
#include "db_internal.h"
#include "epoch.h"
#include "strbuf.h"
#include "util.h"

MYSQL *db_mysql(struct db *db)
{
	return db->conn;
}

void db_set_err(struct db *db, unsigned err, const char *msg)
{
	db->err = err;
	snprintf(db->errstr, sizeof(db->errstr), "%s", msg ? msg : "unknown error");
}

void db_release(struct db *db)
{
	db_close(db);
	while (db->stmts) {
		struct db_stmt *st = db->stmts;

		db->stmts = st->next;
		db_stmt_free(st);
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
int db_timed_out(const struct db *db, int seconds)
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
int db_drop_if_dead(struct db *db)
{
	if (db_err_is_connection(db)) {
		if (db_timed_out(db, db->timeout))
			pause_calls(db);
		db_close(db);
	}
	return -1;
}

int db_fail(struct db *db, unsigned err, const char *msg)
{
	db_set_err(db, err, msg);
	return db_drop_if_dead(db);
}

int db_library_init(void)
{
	return mysql_library_init(0, NULL, NULL) ? -1 : 0;
}

void db_thread_end(void)
{
	mysql_thread_end();
}

int db_init(struct db *db, const struct config *cfg)
{
	static int epoch_tried;

	/* The process's write epoch, once: every write through this module moves it. */
	if (!epoch_tried) {
		epoch_tried = 1;
		epoch_open(cfg->epoch_file);
	}
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
	db_stmts_detach(db);
	if (db->conn)
		mysql_close(db_mysql(db));
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
		db_set_err(db, CR_SERVER_LOST, "the transaction was lost with its connection (roll it back first)");
		return -1;
	}
	if (db_paused(db)) {
		db_set_err(db, CR_SERVER_GONE_ERROR, "the database did not answer a moment ago; not trying again yet");
		return -1;
	}
	m = mysql_init(NULL);
	if (!m) {
		db_set_err(db, 0, "mysql_init failed");
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
		n += snprintf(init + n, sizeof(init) - (size_t)n, ", innodb_lock_wait_timeout = %d", db->lock_wait);
	/*
	 * MariaDB's alone: inside an executable comment of MariaDB's ("M!"), which
	 * MySQL (docker-compose.yml's server) reads as a comment, so that it gets a
	 * SET it knows instead of refusing the connection for a variable it has not.
	 */
	if (db->idle_tx > 0 && n < (int)sizeof(init))
		snprintf(init + n, sizeof(init) - (size_t)n, " /*M!, idle_transaction_timeout = %d */", db->idle_tx);
	mysql_options(m, MYSQL_INIT_COMMAND, init);
	t0 = now_ms();
	if (!mysql_real_connect(m, cfg->db_host[0] ? cfg->db_host : NULL, cfg->db_user,
				cfg->db_password, cfg->db_name,
				cfg->db_host[0] ? (unsigned)cfg->db_port : 0,
				cfg->db_host[0] ? NULL : cfg->db_socket, 0)) {
		db_set_err(db, mysql_errno(m), mysql_error(m));
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
	if (mysql_ping(db_mysql(db)) == 0)
		return 0;
	db_set_err(db, mysql_errno(db_mysql(db)), mysql_error(db_mysql(db)));
	if (db_timed_out(db, db->timeout)) {
		pause_calls(db);
		db_close(db);
		return -1;
	}
	db_close(db);
	/* One more try: the server may have restarted since the last request. */
	if (db_connect(db))
		return -1;
	db->op_start = now_ms();
	if (mysql_ping(db_mysql(db)) == 0)
		return 0;
	return db_fail(db, mysql_errno(db_mysql(db)), mysql_error(db_mysql(db)));
}

static int query(struct db *db, const char *sql, size_t len)
{
	MYSQL_RES *res;

	if (db_connect(db))
		return -1;
	db->op_start = now_ms();
	if (mysql_real_query(db_mysql(db), sql, (unsigned long)len))
		return db_fail(db, mysql_errno(db_mysql(db)), mysql_error(db_mysql(db)));
	res = mysql_store_result(db_mysql(db));
	if (res)
		mysql_free_result(res);
	else if (mysql_field_count(db_mysql(db)))
		return db_fail(db, mysql_errno(db_mysql(db)), mysql_error(db_mysql(db)));
	return 0;
}

int db_sql_writes(const char *sql)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '(')
		sql++;
	return strncasecmp(sql, "SELECT", 6) != 0;
}

void db_wrote(struct db *db)
{
	if (db->in_tx)
		db->tx_wrote = 1;
	else
		epoch_bump();
}

int db_exec_sql(struct db *db, const char *sql)
{
	int rc = query(db, sql, strlen(sql));

	if (db_sql_writes(sql))
		db_wrote(db);
	return rc;
}

int db_begin(struct db *db)
{
	db->tx_lost = 0;
	db->tx_wrote = 0;
	if (query(db, "START TRANSACTION", 17))
		return -1;
	db->in_tx = 1;
	return 0;
}

int db_commit(struct db *db)
{
	int rc = query(db, "COMMIT", 6);

	/* Committed, or its outcome unknown (the link went): either way what others kept may be stale. */
	if (db->tx_wrote)
		epoch_bump();
	db->tx_wrote = 0;
	db->in_tx = 0;
	return rc;
}

int db_rollback(struct db *db)
{
	int rc = 0;

	db->tx_lost = 0;
	db->tx_wrote = 0;
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

/* Only blanks in s[0..n)? */
static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
			return 0;
	return 1;
}

int db_run_script(struct db *db, const char *text, size_t len)
{
	struct strbuf stmt = STRBUF_INIT;
	char delim[8] = ";";
	size_t pos = 0;
	int ret = -1;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *line = text + pos;
		size_t t = n, dl = strlen(delim);

		pos += n + (nl ? 1 : 0);
		while (t && (line[t - 1] == ' ' || line[t - 1] == '\t' || line[t - 1] == '\r'))
			t--;
		/* Whole-line comments are dropped; everything else is kept verbatim. */
		size_t lead = 0;
		while (lead < t && (line[lead] == ' ' || line[lead] == '\t'))
			lead++;
		if (t - lead >= 2 && line[lead] == '-' && line[lead + 1] == '-')
			continue;
		/* "DELIMITER //", as the mariadb client has it: a procedure's body holds statements ending in ';'. */
		if (t - lead > 10 && !strncasecmp(line + lead, "DELIMITER ", 10)) {
			size_t k = lead + 10;

			while (k < t && line[k] == ' ')
				k++;
			if (!blank(stmt.buf, stmt.len) || t - k >= sizeof(delim) || memchr(line + k, ' ', t - k)) {
				error("db: script: a DELIMITER line inside a statement, or not one word of at most %d characters", (int)sizeof(delim) - 1);
				goto out;
			}
			memcpy(delim, line + k, t - k);
			delim[t - k] = '\0';
			strbuf_reset(&stmt);
			continue;
		}
		strbuf_add(&stmt, line, t);
		strbuf_addch(&stmt, '\n');
		if (t - lead >= dl && !memcmp(line + t - dl, delim, dl)) {
			/* ';' is sent with its statement; any other delimiter is the script's, not the server's. */
			size_t send = strcmp(delim, ";") ? stmt.len - 1 - dl : stmt.len;

			if (query(db, stmt.buf, send)) {
				const char *eol = strchr(stmt.buf, '\n');
				error("db: script statement failed: %s [%.*s]", db->errstr,
				      (int)(eol ? eol - stmt.buf : 80), stmt.buf);
				goto out;
			}
			strbuf_reset(&stmt);
		}
	}
	if (!blank(stmt.buf, stmt.len)) {
		error("db: script ends without '%s'", delim);
		goto out;
	}
	ret = 0;
out:
	/* A migration changes what any process may have kept (epoch.h), whether or not it finished. */
	epoch_bump();
	strbuf_release(&stmt);
	return ret;
}

/* db_stmt_test.c: the statement layer (shared/db_stmt.c, db_bulk.c) against the test stack's MariaDB:
 * columns longer than their first buffer come back whole, however many there are in a row; the
 * write epoch (shared/epoch.h) moves after a write is committed, never for a read; and many rows
 * of parameters for one statement (db_exec_rows) arrive whole by either path. */
#include <string.h>
#include <unistd.h>

#include "db_internal.h"
#include "epoch.h"
#include "store_test.h"

static unsigned long long epoch_now(void)
{
	unsigned long long e = 0;

	return epoch_read(&e) ? e : ~0ULL;
}

/* One statement of the test's own; 0 or -1. */
static int run(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int rc = st ? db_exec(st) : -1;

	while (!rc && st && db_step(st) == 1)
		;
	if (st)
		db_reset(st);
	return rc;
}

/*
 * The epoch's moves.  A private file, mapped before store_test_open (whose
 * db_init would map the stack's, which its worker moves meanwhile): only this
 * process moves it, so every count is exact.
 */
static void check_epoch(struct db *db)
{
	unsigned long long e;

	ok(!db_sql_writes("SELECT 1") && !db_sql_writes("  (SELECT 1) UNION (SELECT 2)") && !db_sql_writes("select 1"),
	   "SELECT, (SELECT and select are reads");
	ok(db_sql_writes("INSERT INTO t VALUES (1)") && db_sql_writes("WITH x AS (SELECT 1) SELECT * FROM x") &&
	   db_sql_writes("DELETE FROM t") && db_sql_writes("SELECTED") == 0 && db_sql_writes("CALL p()"),
	   "anything else counts as a write (WITH and CALL included: when in doubt, it moves)");
	e = epoch_now();
	ok(e != ~0ULL, "the private epoch is mapped");
	ok(db_exec_sql(db, "CREATE TEMPORARY TABLE epoch_t (n INT)") == 0 && epoch_now() == e + 1,
	   "a statement outside a transaction moves it once");
	e = epoch_now();
	ok(run(db, "SELECT COUNT(*) FROM epoch_t") == 0 && epoch_now() == e, "a read does not");
	ok(run(db, "INSERT INTO epoch_t VALUES (1)") == 0 && epoch_now() == e + 1, "an autocommitted INSERT does, once");
	e = epoch_now();
	ok(db_begin(db) == 0 && run(db, "INSERT INTO epoch_t VALUES (2)") == 0 && epoch_now() == e,
	   "an INSERT in a transaction does not move it before the commit");
	ok(db_commit(db) == 0 && epoch_now() == e + 1, "its commit does, once");
	e = epoch_now();
	ok(db_begin(db) == 0 && run(db, "INSERT INTO epoch_t VALUES (3)") == 0 && db_rollback(db) == 0 && epoch_now() == e,
	   "a transaction rolled back leaves it");
	ok(db_begin(db) == 0 && run(db, "SELECT n FROM epoch_t FOR UPDATE") == 0 && db_commit(db) == 0 && epoch_now() == e,
	   "a transaction that only read (locking) leaves it at its commit");
	ok(db_begin(db) == 0 && run(db, "INSERT INTO epoch_t VALUES (4)") == 0 && db_rollback(db) == 0 &&
	   db_begin(db) == 0 && run(db, "SELECT 1") == 0 && db_commit(db) == 0 && epoch_now() == e,
	   "a write rolled back does not move the next transaction's commit");
	{
		struct db_stmt *st = db_prepare(db, "INSERT INTO epoch_t VALUES (5)");

		ok(st && db_exec_unkept(st) == 0 && epoch_now() == e, "db_exec_unkept (a session's last-seen time) leaves it");
		if (st)
			db_reset(st);
	}
	ok(store_test_int(db, "SELECT COUNT(*) FROM epoch_t WHERE n = 5") == 1, "and wrote its row");
	ok(db_exec_sql(db, "DROP TEMPORARY TABLE epoch_t") == 0 && epoch_now() == e + 1, "db_exec_sql of a write moves it");
}

/* Scripts (the migrations): ';' ends a statement, or the delimiter a DELIMITER line sets. */
static void check_script(struct db *db)
{
	static const char proc[] =
		"-- a comment line\n"
		"DROP PROCEDURE IF EXISTS db_stmt_test_proc;\n"
		"DELIMITER //\n"
		"CREATE PROCEDURE db_stmt_test_proc(OUT o INT)\n"
		"BEGIN\n"
		"  SET o = 41;\n"
		"  SET o = o + 1;\n"
		"END //\n"
		"DELIMITER ;\n"
		"SET @db_stmt_test = 0;\n";
	/* Each refused before anything of it is sent: @db_stmt_test stays 0 (a parser that sent it would set it). */
	static const char inside[] = "SET @db_stmt_test = 1\nDELIMITER //\n;\n";
	static const char unended[] = "DELIMITER //\nSET @db_stmt_test = 2;\n";
	static const char two_words[] = "DELIMITER / /\nSET @db_stmt_test = 3;\n";

	ok(db_run_script(db, proc, sizeof(proc) - 1) == 0, "a procedure's body between DELIMITER lines");
	ok(db_exec_sql(db, "CALL db_stmt_test_proc(@db_stmt_test)") == 0 && store_test_int(db, "SELECT @db_stmt_test") == 42,
	   "made whole: both of its statements ran (42)");
	ok(db_exec_sql(db, "SET @db_stmt_test = 0") == 0, "(0 again)");
	ok(db_run_script(db, inside, sizeof(inside) - 1) < 0, "a DELIMITER line inside a statement: refused");
	ok(db_run_script(db, unended, sizeof(unended) - 1) < 0, "';' does not end a statement while '//' is the delimiter: refused at the end");
	ok(db_run_script(db, two_words, sizeof(two_words) - 1) < 0, "a delimiter of two words: refused");
	is_int(store_test_int(db, "SELECT @db_stmt_test"), 0, "none of them sent");
	ok(db_exec_sql(db, "DROP PROCEDURE db_stmt_test_proc") == 0, "(dropped)");
}

/*
 * db_insert_rows and db_exec_rows, in one round trip (MariaDB's arrays) and without arrays
 * (db->bulk_off, MySQL's path: multi-row INSERTs, other statements row by row): 1,000 rows of integers, texts of every length up to 700 characters (CJK among them)
 * and NULLs arrive as sent, read back by a checksum of each column; a duplicate key among them
 * fails the call, and the transaction's rollback leaves nothing of it.
 */
#define EXECUTED "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'"

static void check_rows(struct db *db, int bulk_off)
{
	enum { N = 1000 };
	static struct db_cell cells[N * 3], upd[N * 2], ups[N * 3];
	static char texts[N][2200];
	const char *how = bulk_off ? "without arrays" : "in one round trip";
	long long sum_id = 0, sum_len = 0, nulls = 0;
	static struct db_repeat ins = { "INSERT INTO db_rows_test (id, t, n) VALUES ", "(?, ?, ?)", "", 3, { 0 } };
	unsigned long sent;
	long long execs;
	struct db_stmt *st;

	db->bulk_off = bulk_off;
	ok(db_exec_sql(db, "CREATE TEMPORARY TABLE IF NOT EXISTS db_rows_test (id BIGINT NOT NULL PRIMARY KEY, t VARCHAR(800) NULL,"
			   " n BIGINT NULL)") == 0 && db_exec_sql(db, "TRUNCATE TABLE db_rows_test") == 0, "%s: a scratch table", how);
	for (int r = 0; r < N; r++) {
		int len = (r * 37) % 701;

		texts[r][0] = '\0';
		for (int k = 0; k < len; k++)
			strcat(texts[r], r % 2 ? "機" : "a");
		cells[r * 3] = (struct db_cell){ DB_CELL_INT, (long long)r * 1000003LL - 5000000000LL, NULL };
		cells[r * 3 + 1] = r % 7 ? (struct db_cell){ DB_CELL_TEXT, 0, texts[r] } : (struct db_cell){ DB_CELL_NULL, 0, NULL };
		cells[r * 3 + 2] = r % 5 ? (struct db_cell){ DB_CELL_INT, -r, NULL } : (struct db_cell){ DB_CELL_NULL, 0, NULL };
		sum_id += (long long)r * 1000003LL - 5000000000LL;
		sum_len += r % 7 ? len : 0;
		nulls += !(r % 7) + !(r % 5);
	}
	sent = db->bulk_sent;
	execs = store_test_int(db, EXECUTED);
	ok(db_insert_rows(db, &ins, N, cells) == 0, "%s: 1,000 rows sent", how);
	is_int((long long)(db->bulk_sent - sent), bulk_off ? 0 : 1, "%s: %s", how, bulk_off ? "no array sent" : "as one array");
	/* Without arrays, as INSERTs of as many rows as fit: 256, 256, 256, 128, 64, 32, 8, not 1,000 (+1: the count's own). */
	is_int(store_test_int(db, EXECUTED) - execs, bulk_off ? 8 : 2, "%s: %s", how, bulk_off ? "in seven multi-row INSERTs" : "in one execution");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM db_rows_test"), N, "%s: 1,000 rows there", how);
	is_int(store_test_int(db, "SELECT SUM(id) FROM db_rows_test"), sum_id, "%s: every id as sent (their sum)", how);
	is_int(store_test_int(db, "SELECT SUM(CHAR_LENGTH(t)) FROM db_rows_test"), sum_len, "%s: every text whole (their lengths)", how);
	is_int(store_test_int(db, "SELECT SUM(t IS NULL) + SUM(n IS NULL) FROM db_rows_test"), nulls, "%s: the NULLs where sent", how);
	is_int(store_test_int(db, "SELECT COUNT(*) FROM db_rows_test WHERE n IS NOT NULL AND n <> -((id + 5000000000) DIV 1000003)"), 0, "%s: each row's number with its own id", how);
	is_int(store_test_int(db, "SELECT COUNT(*) FROM db_rows_test WHERE t IS NOT NULL AND t <> REPEAT(IF(((id + 5000000000) DIV 1000003) % 2,"
			      " '機', 'a'), CHAR_LENGTH(t))"), 0, "%s: each text as sent (CJK whole)", how);
	/* Statements that are not one INSERT group: an UPDATE, and an upsert with a parameter in its tail (row by row without arrays). */
	for (int r = 0; r < N; r++) {
		upd[r * 2] = (struct db_cell){ DB_CELL_INT, 7 * r, NULL };
		upd[r * 2 + 1] = cells[r * 3];
	}
	st = db_prepare(db, "UPDATE db_rows_test SET n = ? WHERE id = ?");
	ok(st && db_exec_rows(st, N, upd) == 0, "%s: an UPDATE for each of 1,000 rows", how);
	is_int(store_test_int(db, "SELECT SUM(n) FROM db_rows_test"), 7LL * N * (N - 1) / 2, "%s: each row's own value (their sum)", how);
	/* The same statement once more as one row: the array's size does not stay with it. */
	st = db_prepare(db, "UPDATE db_rows_test SET n = ? WHERE id = ?");
	db_bind_int(st, 0, 7000000);
	db_bind_int(st, 1, cells[3].i);
	ok(db_exec(st) == 0 && db_affected(st) == 1, "%s: then one row by the same statement", how);
	is_int(store_test_int(db, "SELECT SUM(n) FROM db_rows_test"), 7LL * N * (N - 1) / 2 - 7 + 7000000, "%s: that row alone changed", how);
	ok(db_exec_sql(db, "UPDATE db_rows_test SET n = 7 WHERE n = 7000000") == 0, "%s: (as before)", how);
	for (int r = 0; r < N; r++) {
		ups[r * 3] = cells[r * 3];
		ups[r * 3 + 1] = (struct db_cell){ DB_CELL_TEXT, 0, "x" };
		ups[r * 3 + 2] = (struct db_cell){ DB_CELL_INT, r % 2, NULL };
	}
	st = db_prepare(db, "INSERT INTO db_rows_test (id, t) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = n * ?");
	ok(st && db_exec_rows(st, N, ups) == 0, "%s: an upsert whose tail has a parameter", how);
	is_int(store_test_int(db, "SELECT SUM(n) FROM db_rows_test"), 7LL * (N / 2) * (N / 2), "%s: the odd rows kept, the even made 0",
	       how);
	/* A duplicate in the middle: the call fails; inside a transaction, its rollback leaves none of the rows. */
	ok(db_exec_sql(db, "TRUNCATE TABLE db_rows_test") == 0 && db_begin(db) == 0, "%s: (a transaction)", how);
	cells[600 * 3] = cells[10 * 3];
	ok(db_insert_rows(db, &ins, N, cells) < 0 && db_err_duplicate(db), "%s: a duplicate key among the rows fails the call", how);
	ok(db_rollback(db) == 0, "%s: rolled back", how);
	is_int(store_test_int(db, "SELECT COUNT(*) FROM db_rows_test"), 0, "%s: nothing of it left", how);
	st = db_prepare(db, db_repeat_sql(&ins, 1));
	db_bind_int(st, 0, 1);
	db_bind_text(st, 1, "one");
	db_bind_null(st, 2);
	ok(db_exec(st) == 0 && store_test_int(db, "SELECT COUNT(*) FROM db_rows_test WHERE id = 1 AND t = 'one'") == 1,
	   "%s: after the failed call, the statement inserts one row", how);
	db->bulk_off = 0;
}

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

	char epoch_dir[] = "/tmp/cityinv-dbepoch.XXXXXX", epoch_path[64];

	if (!mkdtemp(epoch_dir))
		return 1;
	snprintf(epoch_path, sizeof(epoch_path), "%s/epoch", epoch_dir);
	if (epoch_open(epoch_path))
		return 1;
	store_test_open(&db);
	check_epoch(&db);
	unlink(epoch_path);
	rmdir(epoch_dir);
	check_script(&db);
	check_rows(&db, 0);
	check_rows(&db, 1);
	{
		/* The session's settings from the connection's first statement (db.c), the MariaDB-only one in its executable comment. */
		struct db other;

		ok(db_init(&other, &store_test_cfg) == 0, "another connection");
		other.lock_wait = 3;
		other.idle_tx = 7;
		ok(db_connect(&other) == 0, "connected with its settings");
		is_int(store_test_int(&other, "SELECT @@SESSION.innodb_lock_wait_timeout * 100 + @@SESSION.idle_transaction_timeout"), 307,
		       "innodb_lock_wait_timeout 3, idle_transaction_timeout 7");
		is_int(store_test_int(&other, "SELECT @@SESSION.time_zone = '+08:00' AND FIND_IN_SET('STRICT_ALL_TABLES', @@SESSION.sql_mode) > 0"), 1,
		       "Taiwan's time and strict tables");
		db_release(&other);
	}
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

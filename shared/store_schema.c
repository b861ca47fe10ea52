/* store_schema.c: the record of applied migrations (schema_migrations) and the lock that serialises them. */
#include "store_schema.h"

int store_schema_init(struct db *db)
{
	return db_exec_sql(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			   " version INT UNSIGNED NOT NULL PRIMARY KEY,"
			   " name VARCHAR(200) NOT NULL,"
			   " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
			   ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
}

int store_schema_applied(struct db *db, int version)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, version);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	db_reset(st);
	return r;
}

int store_schema_record(struct db *db, int version, const char *name)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, version);
	db_bind_text(st, 1, name);
	return db_exec(st);
}

int store_schema_lock(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT GET_LOCK('cityinv_migrate', 60)");
	int r;

	if (!st || db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		r = db_col_int(st, 0) == 1;
	else if (r == 0)
		r = -1;     /* SELECT gives one row: none is a lost result */
	db_reset(st);
	return r;
}

int store_schema_unlock(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT RELEASE_LOCK('cityinv_migrate')");
	int r;

	if (!st || db_exec(st))
		return -1;
	r = db_step(st);
	db_reset(st);
	return r == 1 ? 0 : -1;
}

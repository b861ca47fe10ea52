/* store_schema_test.c: the migrations' record and lock (store_schema) against the test stack's MariaDB. */
#include "store_schema.h"
#include "store_test.h"

int main(void)
{
	struct db db;

	store_test_open(&db);

	/* DDL commits: run outside any transaction, on a table that exists (a no-op). */
	ok(store_schema_init(&db) == 0, "schema_migrations is there (created if missing)");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
				   " AND table_name = 'schema_migrations'"), 1, "the table exists");
	is_int(store_schema_applied(&db, 1), 1, "migration 1 is applied");
	is_int(store_schema_applied(&db, (int)store_test_int(&db, "SELECT MAX(version) FROM schema_migrations")), 1,
	       "and the newest");
	is_int(store_schema_applied(&db, 9999), 0, "9999 is not");

	ok(db_begin(&db) == 0, "a transaction");
	ok(store_schema_record(&db, 9999, "9999_store_schema_test.sql") == 0, "9999 recorded");
	is_int(store_schema_applied(&db, 9999), 1, "and applied now");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM schema_migrations WHERE version = 9999 AND name = '9999_store_schema_test.sql'"
				   " AND applied_at IS NOT NULL"), 1, "with its name and time");
	ok(store_schema_record(&db, 9999, "again.sql") == -1 && db_err_duplicate(&db), "a migration is recorded once");
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_schema_applied(&db, 9999), 0, "9999 is not applied after all");

	is_int(store_schema_lock(&db), 1, "the migrate lock taken");
	is_int(store_test_int(&db, "SELECT IS_USED_LOCK('cityinv_migrate') = CONNECTION_ID()"), 1, "held by this connection");
	is_int(store_schema_lock(&db), 1, "taken again by its holder (GET_LOCK nests)");
	ok(store_schema_unlock(&db) == 0 && store_schema_unlock(&db) == 0, "released twice");
	is_int(store_test_int(&db, "SELECT IS_FREE_LOCK('cityinv_migrate')"), 1, "free again");
	ok(store_schema_unlock(&db) == 0, "releasing a free lock is no error");

	db_release(&db);
	return tap_done();
}

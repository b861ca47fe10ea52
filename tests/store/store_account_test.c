/* store_account_test.c: accounts (store_account) against the stack's MariaDB, in a rolled-back transaction. */
#include <string.h>

#include "store_account.h"
#include "store_test.h"
#include "store_text.h"

static struct arena arena;

static void test_login(struct db *db, long long school)
{
	struct store_account_login a;
	char buf[256];

	is_int(store_account_kind("agency"), ACCOUNT_AGENCY, "agency");
	is_int(store_account_kind("team"), ACCOUNT_TEAM, "team");
	is_int(store_account_kind("admin"), ACCOUNT_ADMIN, "admin");
	ok(store_account_find_login(db, "371036500X", "Z", &a) == 1, "an agency's login in its county");
	is_int(a.id, school, "its id");
	is_str(a.password_hash, store_test_text(db, "SELECT password_hash FROM accounts WHERE county_id = 22 AND login = '371036500X'", buf, sizeof(buf)),
	       "its hash");
	is_int(a.locked, 0, "not locked");
	is_int(a.must_change_password, store_test_int(db, "SELECT must_change_password FROM accounts WHERE county_id = 22 AND login = '371036500X'"),
	       "must change its password as the table says");
	ok(store_account_find_login(db, "371036500x", "Z", &a) == 1 && a.id == school, "the login's case does not matter (ascii_general_ci)");
	ok(store_account_find_login(db, "371036500X", "W", &a) == 0, "in another county: not found");
	ok(store_account_find_login(db, "371036500X", "", &a) == 0, "without a county: only the admin");
	ok(store_account_find_login(db, "admin", "", &a) == 1 &&
	   a.id == store_test_int(db, "SELECT id FROM accounts WHERE kind = 'admin' AND login = 'admin'"), "the admin without a county");
	ok(store_account_find_login(db, "admin", "Z", &a) == 0, "the admin is no county's");
	ok(store_account_find_login(db, "TEAM", "Z", &a) == 1 &&
	   a.id == store_test_int(db, "SELECT id FROM accounts WHERE county_id = 22 AND login = 'TEAM'"), "the team of a county");

	/* Locked until a moment in the future, not until now. */
	ok(db_exec_sql(db, "UPDATE accounts SET locked_until = NOW() + INTERVAL 1 SECOND WHERE county_id = 22 AND login = '371036500X'") == 0, "locked");
	ok(store_account_find_login(db, "371036500X", "Z", &a) == 1 && a.locked == 1, "found, locked");
	ok(db_exec_sql(db, "UPDATE accounts SET locked_until = NOW() WHERE county_id = 22 AND login = '371036500X'") == 0, "the lock ends now");
	ok(store_account_find_login(db, "371036500X", "Z", &a) == 1 && a.locked == 0, "found, not locked");
	ok(db_exec_sql(db, "UPDATE accounts SET active = 0 WHERE county_id = 22 AND login = '371036500X'") == 0, "deactivated");
	ok(store_account_find_login(db, "371036500X", "Z", &a) == 0, "a deactivated account: not found");
	ok(db_exec_sql(db, "UPDATE accounts SET active = 1 WHERE county_id = 22 AND login = '371036500X'") == 0 &&
	   db_exec_sql(db, "UPDATE agencies SET active = 0 WHERE county_id = 22 AND code = '371036500X'") == 0, "its agency deactivated");
	ok(store_account_find_login(db, "371036500X", "Z", &a) == 0, "the account of a deactivated agency: not found");
}

static void test_password(struct db *db, long long school)
{
	char hash[129], buf[256];

	ok(store_account_password_hash(db, school, hash) == 1, "a hash read");
	is_str(hash, store_test_text(db, "SELECT password_hash FROM accounts WHERE county_id = 22 AND login = '371036500X'", buf, sizeof(buf)), "the table's");
	ok(store_account_password_hash(db, 0, hash) == 0, "no such account: not found");

	memset(hash, 'h', 128);
	hash[128] = 0;
	ok(store_account_set_password(db, school, hash) == 0, "a chosen password (a hash of the column's full 128 characters)");
	ok(store_account_password_hash(db, school, buf) == 1 && !strcmp(buf, hash), "read back whole");
	is_int(store_test_int(db, "SELECT must_change_password = 0 AND password_changed_at > NOW() - INTERVAL 1 MINUTE FROM accounts"
			      " WHERE county_id = 22 AND login = '371036500X'"), 1, "no change required, changed now");

	ok(db_exec_sql(db, "UPDATE accounts SET failed_logins = 5, first_failed_at = NOW(), locked_until = NOW() + INTERVAL 30 MINUTE"
			   " WHERE county_id = 22 AND login = '371036500X'") == 0, "locked");
	ok(store_account_reset_password(db, school, "$argon2id$one-time") == 0, "a one-time password");
	ok(store_account_password_hash(db, school, buf) == 1 && !strcmp(buf, "$argon2id$one-time"), "read back");
	is_int(store_test_int(db, "SELECT must_change_password = 1 AND failed_logins = 0 AND first_failed_at IS NULL AND locked_until IS NULL"
			      " FROM accounts WHERE county_id = 22 AND login = '371036500X'"), 1, "to be changed at first login, and unlocked");
}

static int count_rows(void *ctx, const struct store_account_row *row)
{
	int *n = ctx;

	(*n)++;
	return row->id <= 0;
}

static int first_row(void *ctx, const struct store_account_row *row)
{
	char *code = ctx;

	snprintf(code, 32, "%s", row->code);
	return 1;
}

static void test_team(struct db *db, long long school)
{
	struct store_account_ref ref;
	char code[32], buf[64];
	int n = 0;

	ok(store_account_of_county(db, school, 22, &ref) == 1, "an agency account of the county");
	is_int(ref.agency_id, store_test_int(db, "SELECT id FROM agencies WHERE county_id = 22 AND code = '371036500X'"), "its agency");
	is_str(ref.login, "371036500X", "its login");
	ok(store_account_of_county(db, school, 20, &ref) == 0, "not another county's");
	ok(store_account_of_county(db, store_test_int(db, "SELECT id FROM accounts WHERE county_id = 22 AND login = 'TEAM'"), 22, &ref) == 0,
	   "not the team's own account");
	ok(store_account_of_county(db, 0, 22, &ref) == 0, "no such account");

	ok(store_account_each_of_county(db, 22, count_rows, &n) == 0, "the county's agency accounts listed");
	is_int(n, store_test_int(db, "SELECT COUNT(*) FROM accounts ac JOIN agencies g ON g.id = ac.agency_id"
				 " WHERE ac.county_id = 22 AND ac.kind = 'agency' AND g.active = 1"), "every one of an active agency");
	ok(store_account_each_of_county(db, 22, first_row, code) == 0, "stopped after the first");
	is_str(code, store_test_text(db, "SELECT g.code FROM accounts ac JOIN agencies g ON g.id = ac.agency_id"
				     " WHERE ac.county_id = 22 AND ac.kind = 'agency' ORDER BY g.level, g.code LIMIT 1", buf, sizeof(buf)),
	       "by level and code");
	n = 0;
	ok(store_account_each_of_county(db, 99, count_rows, &n) == 0 && n == 0, "no such county: none");
}

/* The accounts 機關管理 and the import make, on agencies of the test's own (STAC...), and the logins no agency may take. */
static void test_writers(struct db *db)
{
	const char *hash = "$argon2id$v=19$m=8,t=1,p=1$c3RvcmV0ZXN0$c3RvcmV0ZXN0";
	const char **logins = NULL;
	long long root, child, imp;
	int n = -1, team = 0, agency = 0;

	ok(db_exec_sql(db, "INSERT INTO agencies (county_id, code, name, level) VALUES (22, 'STAC0001', '帳號測試一級', 1)") == 0 &&
	   db_exec_sql(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) SELECT 22, 'STAC0002', '帳號測試二級', 2, id"
			   " FROM agencies WHERE county_id = 22 AND code = 'STAC0001'") == 0, "two agencies of the test's own");
	root = store_test_int(db, "SELECT id FROM agencies WHERE county_id = 22 AND code = 'STAC0001'");
	child = store_test_int(db, "SELECT id FROM agencies WHERE county_id = 22 AND code = 'STAC0002'");

	ok(store_account_add_agency(db, 22, child, "STAC0002", hash) == 0, "an account for the child");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM accounts a JOIN agencies g ON g.id = a.agency_id WHERE g.code = 'STAC0002'"
			      " AND a.county_id = 22 AND a.kind = 'agency' AND a.login = 'STAC0002' AND a.must_change_password = 1 AND a.import_id IS NULL"
			      " AND a.password_hash = '$argon2id$v=19$m=8,t=1,p=1$c3RvcmV0ZXN0$c3RvcmV0ZXN0'"), 1,
	       "read back: the agency's, its login, the hash given, to be changed");
	ok(store_account_add_agency(db, 22, root, "TEAM", hash) < 0 && db_err_duplicate(db), "the team's login: a duplicate");
	ok(store_account_set_agency_login(db, child, "STAC0012") == 0, "the child's login changed");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM accounts a JOIN agencies g ON g.id = a.agency_id WHERE g.code = 'STAC0002'"
			      " AND a.login = 'STAC0012'"), 1, "read back");
	ok(store_account_set_agency_login(db, child, "TEAM") < 0 && db_err_duplicate(db), "to the team's: a duplicate");
	ok(store_account_set_agency_login(db, 0, "STAC0099") == 0 &&
	   store_test_int(db, "SELECT COUNT(*) FROM accounts WHERE login = 'STAC0099'") == 0, "no such agency: nothing changed");

	ok(db_exec_sql(db, "INSERT INTO agency_imports (county_id, account_id, filename, content, created_at)"
			   " SELECT 22, id, 'store-account-test', '', NOW(3) FROM accounts WHERE county_id = 22 AND login = 'TEAM'") == 0,
	   "an import of the test's own");
	imp = store_test_int(db, "SELECT MAX(id) FROM agency_imports WHERE filename = 'store-account-test'");
	ok(store_account_add_imported(db, 22, root, "TEAM", imp) < 0 && db_err_duplicate(db), "an imported account with the team's login: a duplicate");
	ok(store_account_add_imported(db, 22, root, "STAC0001", imp) == 0, "the account of an agency the import created");
	is_int(store_test_int(db, "SELECT password_hash = '!' AND must_change_password = 1 AND kind = 'agency' FROM accounts"
			      " WHERE county_id = 22 AND login = 'STAC0001'"), 1, "no usable password, to be changed");
	is_int(store_test_int(db, "SELECT import_id FROM accounts WHERE county_id = 22 AND login = 'STAC0001'"), imp, "the import it came from");

	ok(store_account_reserved_logins(db, 22, &arena, &logins, &n) == 0, "the reserved logins");
	is_int(n, store_test_int(db, "SELECT LEAST(COUNT(*), 1000) FROM accounts WHERE county_id = 22 AND kind <> 'agency'"),
	       "the county's accounts that are not agencies'");
	for (int i = 0; i < n; i++) {
		team |= !strcmp(logins[i], "TEAM");
		agency |= !strcmp(logins[i], "STAC0012") || !strcmp(logins[i], "371036500X");
	}
	ok(team && !agency, "the team's among them, no agency's");
	ok(store_account_reserved_logins(db, 250, &arena, &logins, &n) == 0 && n == 0, "none in a county without accounts");
}

int main(void)
{
	struct db db;
	long long school;

	store_test_open(&db);
	arena_init(&arena, 4096);
	school = store_test_int(&db, "SELECT id FROM accounts WHERE county_id = 22 AND login = '371036500X'");
	ok(school > 0, "the demo agency's account");

	ok(db_begin(&db) == 0, "a transaction");
	test_login(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");
	ok(db_begin(&db) == 0, "a transaction");
	test_password(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");
	ok(db_begin(&db) == 0, "a transaction");
	test_team(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");
	ok(db_begin(&db) == 0, "a transaction");
	test_writers(&db);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM agencies WHERE code LIKE 'STAC%'"), 0, "nothing of it is left");

	arena_release(&arena);
	db_release(&db);
	return tap_done();
}

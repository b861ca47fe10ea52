/* store_account_test.c: accounts and the agency's contact (store_account) against the stack's MariaDB, in a rolled-back transaction. */
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

static void test_contact(struct db *db, long long agency)
{
	struct store_account_contact c, w = { "連江縣介壽國中小（全名）", "承辦人", "0836-22381", "", "x@example.gov.tw" };
	char buf[256];

	ok(store_account_contact_get(db, agency, &arena, &c) == 1, "a contact read");
	is_str(c.full_name, store_test_text(db, "SELECT IFNULL(full_name, name) FROM agencies WHERE county_id = 22 AND code = '371036500X'", buf, sizeof(buf)),
	       "the full name (or the name)");
	is_str(c.contact_email, store_test_text(db, "SELECT IFNULL(contact_email, '') FROM agencies WHERE county_id = 22 AND code = '371036500X'",
						buf, sizeof(buf)), "the email");
	ok(store_account_contact_get(db, 0, &arena, &c) == 0, "no such agency: not found");

	ok(store_account_contact_set(db, agency, &w) == 0, "a contact written");
	ok(store_account_contact_get(db, agency, &arena, &c) == 1 && !strcmp(c.full_name, w.full_name) && !strcmp(c.contact_name, w.contact_name) &&
	   !strcmp(c.contact_phone, w.contact_phone) && !strcmp(c.contact_fax, "") && !strcmp(c.contact_email, w.contact_email), "read back");
	is_int(store_test_int(db, "SELECT contact_fax IS NULL AND contact_updated_at > NOW() - INTERVAL 1 MINUTE FROM agencies"
			      " WHERE county_id = 22 AND code = '371036500X'"), 1, "an empty fax is NULL; stamped now");
	ok(db_exec_sql(db, "UPDATE agencies SET full_name = NULL WHERE county_id = 22 AND code = '371036500X'") == 0, "no full name");
	ok(store_account_contact_get(db, agency, &arena, &c) == 1 &&
	   !strcmp(c.full_name, store_test_text(db, "SELECT name FROM agencies WHERE county_id = 22 AND code = '371036500X'", buf, sizeof(buf))),
	   "the name stands for it");
}

int main(void)
{
	struct db db;
	long long school, agency;

	store_test_open(&db);
	arena_init(&arena, 4096);
	school = store_test_int(&db, "SELECT id FROM accounts WHERE county_id = 22 AND login = '371036500X'");
	agency = store_test_int(&db, "SELECT id FROM agencies WHERE county_id = 22 AND code = '371036500X'");
	ok(school > 0 && agency > 0, "the demo agency and its account");

	ok(db_begin(&db) == 0, "a transaction");
	test_login(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");
	ok(db_begin(&db) == 0, "a transaction");
	test_password(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");
	ok(db_begin(&db) == 0, "a transaction");
	test_team(&db, school);
	test_contact(&db, agency);
	ok(db_rollback(&db) == 0, "rolled back");

	arena_release(&arena);
	db_release(&db);
	return tap_done();
}

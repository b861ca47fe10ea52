/* store_session_test.c: sessions and the login lockout (store_session) against the stack's MariaDB, in a rolled-back transaction. */
#include <string.h>

#include "store_factor.h"
#include "store_session.h"
#include "store_test.h"
#include "store_text.h"

#define TOK1 "s11-store-session-test-token-one"
#define TOK2 "s11-store-session-test-token-two"
#define TOK3 "s11-store-session-test-token-three"

static struct arena arena;

static void test_find(struct db *db, long long school, long long team, long long admin)
{
	struct store_session s;
	char buf[512];

	ok(store_session_create(db, TOK1, school, "c1", "192.0.2.1") == 0, "a session created");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('" TOK1 "', 256))"
			      " AND client_addr = '192.0.2.1' AND expires_at > NOW() + INTERVAL 11 HOUR"), 1, "stored by the hash of its token, for 12 hours");
	memset(&s, 0, sizeof(s));
	ok(store_session_find(db, TOK1, &arena, &s) == 1, "found by its token");
	is_int(s.account_id, school, "its account");
	is_int(s.kind, ACCOUNT_AGENCY, "an agency account");
	is_int(s.county_id, 22, "of county 22");
	is_int(s.agency_id, store_test_int(db, "SELECT agency_id FROM accounts WHERE county_id = 22 AND login = '371036500X'"), "its agency");
	is_str(s.login, "371036500X", "its login");
	is_str(s.csrf, "c1", "its CSRF token");
	is_str(s.agency_name, store_test_text(db, "SELECT g.name FROM agencies g JOIN accounts a ON a.agency_id = g.id"
						  " WHERE a.county_id = 22 AND a.login = '371036500X'", buf, sizeof(buf)), "the agency's name");
	is_str(s.county_name, store_test_text(db, "SELECT name FROM counties WHERE id = 22", buf, sizeof(buf)), "the county's name");
	is_int(s.has_contact, store_test_int(db, "SELECT g.contact_name IS NOT NULL AND g.contact_email IS NOT NULL AND g.contact_phone IS NOT NULL"
					     " FROM agencies g JOIN accounts a ON a.agency_id = g.id WHERE a.county_id = 22 AND a.login = '371036500X'"),
	       "whether its contact is there");
	is_int(s.stale, 0, "just seen");
	ok(store_session_find(db, "no-such-token", &arena, &s) == 0, "an unknown token: not found");

	/* The idle limit: 29 minutes is live (and stale: to be touched), 30 is not. */
	ok(db_exec_sql(db, "UPDATE sessions SET last_seen_at = NOW() - INTERVAL 29 MINUTE WHERE token_hash = UNHEX(SHA2('" TOK1 "', 256))") == 0, "idle 29 min");
	ok(store_session_find(db, TOK1, &arena, &s) == 1 && s.stale == 1, "still live, to be touched");
	ok(store_session_touch(db, TOK1) == 0, "touched");
	is_int(store_test_int(db, "SELECT last_seen_at > NOW() - INTERVAL 1 MINUTE FROM sessions WHERE token_hash = UNHEX(SHA2('" TOK1 "', 256))"), 1,
	       "seen now");
	ok(store_session_find(db, TOK1, &arena, &s) == 1 && s.stale == 0, "and no longer stale");
	ok(db_exec_sql(db, "UPDATE sessions SET last_seen_at = NOW() - INTERVAL 30 MINUTE WHERE token_hash = UNHEX(SHA2('" TOK1 "', 256))") == 0, "idle 30 min");
	ok(store_session_find(db, TOK1, &arena, &s) == 0, "ended");
	ok(db_exec_sql(db, "UPDATE sessions SET last_seen_at = NOW(), expires_at = NOW() WHERE token_hash = UNHEX(SHA2('" TOK1 "', 256))") == 0, "12 hours old");
	ok(store_session_find(db, TOK1, &arena, &s) == 0, "ended");
	ok(db_exec_sql(db, "UPDATE sessions SET expires_at = NOW() + INTERVAL 1 HOUR WHERE token_hash = UNHEX(SHA2('" TOK1 "', 256))") == 0 &&
	   db_exec_sql(db, "UPDATE accounts SET active = 0 WHERE county_id = 22 AND login = '371036500X'") == 0, "its account deactivated");
	ok(store_session_find(db, TOK1, &arena, &s) == 0, "no session of a deactivated account");
	ok(db_exec_sql(db, "UPDATE accounts SET active = 1 WHERE county_id = 22 AND login = '371036500X'") == 0 &&
	   db_exec_sql(db, "UPDATE agencies g JOIN accounts a ON a.agency_id = g.id SET g.active = 0 WHERE a.county_id = 22 AND a.login = '371036500X'") == 0,
	   "its agency deactivated");
	ok(store_session_find(db, TOK1, &arena, &s) == 0, "no session of a deactivated agency");

	ok(store_session_create(db, TOK2, team, "c2", "") == 0, "a team session");
	ok(store_session_find(db, TOK2, &arena, &s) == 1 && s.kind == ACCOUNT_TEAM && s.agency_id == 0 && !strcmp(s.agency_name, "") &&
	   s.county_id == 22, "a team: its county, no agency");
	ok(store_session_create(db, TOK3, admin, "c3", "") == 0, "an admin session");
	ok(store_session_find(db, TOK3, &arena, &s) == 1 && s.kind == ACCOUNT_ADMIN && s.county_id == 0 && !strcmp(s.county_name, ""),
	   "the admin: no county");
}

static void test_delete(struct db *db, long long school)
{
	ok(store_session_create(db, TOK1, school, "c1", "") == 0 && store_session_create(db, TOK2, school, "c2", "") == 0 &&
	   store_session_create(db, TOK3, school, "c3", "") == 0, "three sessions of one account");
	ok(store_session_delete(db, TOK3) == 0, "one ended");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('" TOK3 "', 256))"), 0, "it is gone");
	ok(store_session_delete(db, "no-such-token") == 0, "ending an unknown one is fine");
	ok(store_session_delete_others(db, school, TOK1) == 0, "all but one ended");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
			      " WHERE a.county_id = 22 AND a.login = '371036500X'"), 1, "one left");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('" TOK1 "', 256))"), 1, "the one kept");
	ok(store_session_delete_account(db, school) == 0, "every one ended");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
			      " WHERE a.county_id = 22 AND a.login = '371036500X'"), 0, "none left");
}

/* An agency deactivated: its account's sessions end, no one else's. */
static void test_delete_agency(struct db *db, long long school, long long team)
{
	long long agency = store_test_int(db, "SELECT agency_id FROM accounts WHERE county_id = 22 AND login = '371036500X'");

	ok(store_session_create(db, TOK1, school, "c1", "") == 0 && store_session_create(db, TOK2, school, "c2", "") == 0 &&
	   store_session_create(db, TOK3, team, "c3", "") == 0, "two sessions of the agency's account, one of the team's");
	ok(store_session_delete_agency(db, agency) == 0, "the agency's ended");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
			      " WHERE a.county_id = 22 AND a.login = '371036500X'"), 0, "none of its account left");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('" TOK3 "', 256))"), 1, "the team's kept");
	ok(store_session_delete_agency(db, 0) == 0, "no such agency: nothing to end, no error");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('" TOK3 "', 256))"), 1, "the team's still kept");
}

static void test_lockout(struct db *db, long long school)
{
	int locked = -1, failures = -1;

	ok(store_session_clear_failures(db, school) == 0, "failures cleared");
	ok(store_session_lock_state(db, school, &locked, &failures) == 1 && !locked && failures == 0, "none, not locked");
	for (int i = 1; i < LOCK_FAILURES; i++) {
		ok(store_session_count_failure(db, school, &locked) == 0 && !locked, "failure %d: not locked", i);
		ok(store_session_lock_state(db, school, &locked, &failures) == 1 && failures == i, "%d counted", i);
	}
	ok(store_session_count_failure(db, school, &locked) == 0 && !locked, "failure %d is counted (its password may still be tried)", LOCK_FAILURES);
	ok(store_session_lock_state(db, school, &locked, &failures) == 1 && locked && failures == LOCK_FAILURES, "and locks the account");
	is_int(store_test_int(db, "SELECT locked_until > NOW() + INTERVAL 29 MINUTE FROM accounts WHERE county_id = 22 AND login = '371036500X'"), 1,
	       "for 30 minutes");
	ok(store_session_count_failure(db, school, &locked) == 0 && locked, "the next attempt: locked, not counted");
	is_int(store_test_int(db, "SELECT failed_logins FROM accounts WHERE county_id = 22 AND login = '371036500X'"), LOCK_FAILURES, "still 5");
	ok(store_session_clear_failures(db, school) == 0, "cleared (a right password, or 解鎖機關帳號)");
	is_int(store_test_int(db, "SELECT failed_logins = 0 AND first_failed_at IS NULL AND locked_until IS NULL FROM accounts"
			      " WHERE county_id = 22 AND login = '371036500X'"), 1, "count and lock gone");

	/* The window: failures older than 15 minutes start again from 1. */
	ok(db_exec_sql(db, "UPDATE accounts SET failed_logins = 4, first_failed_at = NOW() - INTERVAL 16 MINUTE WHERE county_id = 22 AND login = '371036500X'") == 0,
	   "4 failures, the first 16 minutes ago");
	ok(store_session_count_failure(db, school, &locked) == 0 && !locked, "a failure");
	ok(store_session_lock_state(db, school, &locked, &failures) == 1 && failures == 1 && !locked, "counts from 1 again");
	ok(store_session_count_failure(db, 0, &locked) == 0 && locked, "no such account: as if locked (its password is never tried)");
	ok(store_session_lock_state(db, 0, &locked, &failures) == 0, "no such account: not found");
}

/* The factor table's stamp read with the session: the same as store_factor_stamp, and it moves with a factor. */
static void test_factor_stamp(struct db *db, long long school)
{
	const char *tok = "store-session-test-factors-000000000000000000000000000000000000000";
	struct store_session a, b;
	char alone[64], with[64], after[64];

	ok(store_session_create(db, tok, school, "csrf-factors", "127.0.0.1") == 0, "a session");
	ok(store_factor_stamp(db, alone, sizeof(alone)) == 0, "the factor stamp alone: %s", alone);
	is_int(store_session_find_factors(db, tok, &arena, &a, with, sizeof(with)), 1, "the session with the factor stamp");
	is_str(with, alone, "the same stamp");
	is_int(store_session_find(db, tok, &arena, &b), 1, "the session alone");
	ok(a.account_id == b.account_id && !strcmp(a.csrf, b.csrf) && a.county_id == b.county_id, "the same session");
	store_test_int(db, "UPDATE factors SET updated_at = NOW() + INTERVAL 1 DAY ORDER BY fkey LIMIT 1");
	is_int(store_session_find_factors(db, tok, &arena, &a, after, sizeof(after)), 1, "again after a factor changed");
	ok(strcmp(after, with) != 0, "the stamp moved (%s)", after);
	is_int(store_session_find_factors(db, "no-such-token", &arena, &a, after, sizeof(after)), 0, "no such session: none");
}

int main(void)
{
	struct db db;
	long long school, team, admin;

	store_test_open(&db);
	arena_init(&arena, 4096);
	school = store_test_int(&db, "SELECT id FROM accounts WHERE county_id = 22 AND login = '371036500X'");
	team = store_test_int(&db, "SELECT id FROM accounts WHERE county_id = 22 AND login = 'TEAM'");
	admin = store_test_int(&db, "SELECT id FROM accounts WHERE kind = 'admin' ORDER BY id LIMIT 1");
	ok(school > 0 && team > 0 && admin > 0, "the demo accounts");

	ok(db_begin(&db) == 0, "a transaction");
	test_find(&db, school, team, admin);
	ok(db_rollback(&db) == 0, "rolled back");

	ok(db_begin(&db) == 0, "a transaction");
	test_factor_stamp(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");

	ok(db_begin(&db) == 0, "a transaction");
	test_delete(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");

	ok(db_begin(&db) == 0, "a transaction");
	test_delete_agency(&db, school, team);
	ok(db_rollback(&db) == 0, "rolled back");

	ok(db_begin(&db) == 0, "a transaction");
	test_lockout(&db, school);
	ok(db_rollback(&db) == 0, "rolled back");

	arena_release(&arena);
	db_release(&db);
	return tap_done();
}

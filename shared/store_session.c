/* store_session.c: the server-side sessions (sessions) and the login lockout (accounts' failure count). */
#include <stdio.h>

#include "store_factor.h"
#include "store_session.h"

void store_session_read(struct db_stmt *st, struct arena *a, struct store_session *out)
{
	out->account_id = db_col_int(st, 0);
	out->kind = store_account_kind(db_col_text(st, 1, NULL));
	out->county_id = (int)db_col_int(st, 2);
	out->agency_id = db_col_int(st, 3);
	db_col_copy(st, 4, out->login, sizeof(out->login));
	db_col_copy(st, 5, out->csrf, sizeof(out->csrf));
	out->must_change_password = (int)db_col_int(st, 6);
	out->agency_name = arena_strdup(a, db_col_text(st, 7, NULL));
	db_col_copy(st, 8, out->county_name, sizeof(out->county_name));
	out->has_contact = (int)db_col_int(st, 9);
	out->stale = (int)db_col_int(st, 10);
}

int store_session_find(struct db *db, const char *token, struct arena *a, struct store_session *out)
{
	return store_session_find_factors(db, token, a, out, NULL, 0);
}

int store_session_find_factors(struct db *db, const char *token, struct arena *a, struct store_session *out,
			       char *factors, size_t size)
{
	struct db_stmt *st = factors
		? db_prepare(db, "SELECT " STORE_SESSION_COLS ", " STORE_FACTOR_STAMP_SQL STORE_SESSION_FROM STORE_SESSION_WHERE)
		: db_prepare(db, "SELECT " STORE_SESSION_COLS STORE_SESSION_FROM STORE_SESSION_WHERE);
	int r;

	if (!st)
		return -1;
	db_bind_text(st, 0, token);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		store_session_read(st, a, out);
		if (factors)
			db_col_copy(st, STORE_SESSION_NCOLS, factors, size);
	}
	db_reset(st);
	return r;
}

int store_session_touch(struct db *db, const char *token)
{
	struct db_stmt *st = db_prepare(db, "UPDATE sessions SET last_seen_at = NOW() WHERE token_hash = UNHEX(SHA2(?, 256))"
				       " AND last_seen_at < NOW() - INTERVAL 1 MINUTE");

	if (!st)
		return -1;
	db_bind_text(st, 0, token);
	/* A later last-seen time ends no session sooner: nothing any web process kept is stale by it. */
	return db_exec_unkept(st);
}

int store_session_create(struct db *db, const char *token, long long account_id, const char *csrf, const char *client_addr)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO sessions (token_hash, account_id, csrf, created_at, last_seen_at, expires_at, client_addr)"
		" VALUES (UNHEX(SHA2(?, 256)), ?, ?, NOW(), NOW(), NOW() + INTERVAL 12 HOUR, ?)");

	if (!st)
		return -1;
	db_bind_text(st, 0, token);
	db_bind_int(st, 1, account_id);
	db_bind_text(st, 2, csrf);
	db_bind_text(st, 3, client_addr);
	return db_exec(st);
}

int store_session_delete(struct db *db, const char *token)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE token_hash = UNHEX(SHA2(?, 256))");

	if (!st)
		return -1;
	db_bind_text(st, 0, token);
	return db_exec(st);
}

int store_session_delete_others(struct db *db, long long account_id, const char *keep_token)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE account_id = ? AND token_hash <> UNHEX(SHA2(?, 256))");

	if (!st)
		return -1;
	db_bind_int(st, 0, account_id);
	db_bind_text(st, 1, keep_token);
	return db_exec(st);
}

int store_session_delete_account(struct db *db, long long account_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE account_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, account_id);
	return db_exec(st);
}

int store_session_delete_agency(struct db *db, long long agency_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE s FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.agency_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	return db_exec(st);
}

int store_session_delete_county(struct db *db, int county_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE s FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.county_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	return db_exec(st);
}

int store_session_count_failure(struct db *db, long long account_id, int *locked)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE accounts SET"
		" failed_logins = IF(first_failed_at IS NOT NULL AND first_failed_at > NOW() - INTERVAL 15 MINUTE, failed_logins + 1, 1),"
		" first_failed_at = IF(failed_logins = 1, NOW(), first_failed_at),"
		" locked_until = IF(failed_logins >= ?, NOW() + INTERVAL 30 MINUTE, locked_until)"
		" WHERE id = ? AND (locked_until IS NULL OR locked_until <= NOW())");

	*locked = 1;
	if (!st)
		return -1;
	db_bind_int(st, 0, LOCK_FAILURES);
	db_bind_int(st, 1, account_id);
	if (db_exec(st))
		return -1;
	*locked = db_affected(st) != 1;
	return 0;
}

int store_session_clear_failures(struct db *db, long long account_id)
{
	struct db_stmt *st = db_prepare(db, "UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, account_id);
	return db_exec(st);
}

int store_session_lock_state(struct db *db, long long account_id, int *locked, int *failures)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT locked_until IS NOT NULL AND locked_until > NOW(),"
		" IF(first_failed_at IS NOT NULL AND first_failed_at > NOW() - INTERVAL 15 MINUTE, failed_logins, 0)"
		" FROM accounts WHERE id = ?");
	int r;

	*locked = 0;
	*failures = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, account_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		*locked = (int)db_col_int(st, 0);
		*failures = (int)db_col_int(st, 1);
	}
	db_reset(st);
	return r;
}

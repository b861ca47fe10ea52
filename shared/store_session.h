/* store_session.h: the server-side sessions (sessions) and the login lockout (accounts' failure count). */
#ifndef CITYINV_STORE_SESSION_H
#define CITYINV_STORE_SESSION_H

#include "arena.h"
#include "db.h"
#include "store_account.h"

/*
 * Tokens are passed as the cookie's text; the table keeps only their
 * SHA-256, computed by the server (UNHEX(SHA2(?, 256))).  A session lives
 * 30 minutes idle and 12 hours in all.  Return conventions: a lookup
 * returns 1 found / 0 not found / -1 on a database error (db->errstr set);
 * anything else 0 / -1.  No function opens a transaction.
 */

/* A live session with its account (csrf is CHAR(64), login VARCHAR(40), a county name VARCHAR(16)). */
struct store_session {
	long long account_id;
	enum account_kind kind;
	int county_id;              /* 0 for the admin */
	long long agency_id;        /* 0 unless an agency account */
	char login[41];
	char csrf[65];
	int must_change_password;
	const char *agency_name;    /* an agency account's agency, a team or admin account's person; "" none (caller's arena) */
	char county_name[65];       /* "" for the admin */
	int has_contact;            /* the agency's contact name, email and phone are there */
	int stale;                  /* last seen over a minute ago: store_session_touch() it */
};

/*
 * The session of `token` when it is live (idle < 30 min, age < 12 h) and its
 * account (and agency) active: 1 / 0 / -1.
 */
int store_session_find(struct db *db, const char *token, struct arena *a, struct store_session *out);
/* The same, and the factor table's stamp (store_factor_stamp) into factors[size] in the same statement. */
int store_session_find_factors(struct db *db, const char *token, struct arena *a, struct store_session *out,
			       char *factors, size_t size);

/*
 * The statement of store_session_find, for a statement that reads more with
 * the session in the same round trip (store_review_session): its columns
 * (STORE_SESSION_NCOLS, first in the row; aliases s, a, g, c), its tables
 * and its condition (one parameter, the token, the statement's last).
 */
#define STORE_SESSION_COLS "a.id, a.kind, IFNULL(a.county_id, 0), IFNULL(a.agency_id, 0), a.login, s.csrf," \
	" a.must_change_password, IFNULL(g.name, IFNULL(a.display_name, '')), IFNULL(c.name, '')," \
	" g.contact_name IS NOT NULL AND g.contact_email IS NOT NULL AND g.contact_phone IS NOT NULL," \
	" s.last_seen_at < NOW() - INTERVAL 1 MINUTE"
#define STORE_SESSION_NCOLS 11
#define STORE_SESSION_FROM " FROM sessions s JOIN accounts a ON a.id = s.account_id" \
	" LEFT JOIN agencies g ON g.id = a.agency_id LEFT JOIN counties c ON c.id = a.county_id"
#define STORE_SESSION_WHERE " WHERE s.token_hash = UNHEX(SHA2(?, 256)) AND s.expires_at > NOW()" \
	" AND s.last_seen_at > NOW() - INTERVAL 30 MINUTE AND a.active = 1 AND a.admin_locked = 0" \
	" AND (g.id IS NULL OR g.active = 1) AND (c.id IS NULL OR c.hosted = 1)"
/* Reads those columns of the current row (agency_name in a). */
void store_session_read(struct db_stmt *st, struct arena *a, struct store_session *out);

/* Marks the session seen now (a no-op within a minute of the last time).  0 / -1. */
int store_session_touch(struct db *db, const char *token);

/* A new session for account_id with its CSRF token, from client_addr.  0 / -1. */
int store_session_create(struct db *db, const char *token, long long account_id, const char *csrf, const char *client_addr);

/* Ends the session of `token` (none is fine).  0 / -1. */
int store_session_delete(struct db *db, const char *token);

/* Ends every session of account_id but the one of keep_token (a password changed).  0 / -1. */
int store_session_delete_others(struct db *db, long long account_id, const char *keep_token);

/* Ends every session of account_id (its password reset).  0 / -1. */
int store_session_delete_account(struct db *db, long long account_id);

/* Ends every session of agency_id's account (the agency deactivated).  0 / -1. */
int store_session_delete_agency(struct db *db, long long agency_id);

/* Ends every session of every account of county_id (the platform stops hosting it).  0 / -1. */
int store_session_delete_county(struct db *db, int county_id);

/*
 * The lockout shared by login and 變更密碼: LOCK_FAILURES failed attempts
 * within 15 minutes lock the account for 30 minutes.
 *
 * store_session_count_failure() counts one attempt as a failure before its
 * password is checked, in one statement that refuses a locked account (so
 * concurrent attempts cannot slip past the limit); *locked is set when the
 * account is locked, now or already (or is not there), and the password
 * must then not be tried.  store_session_clear_failures() resets the count
 * and lifts a lock (a right password, or the team's 解鎖機關帳號).
 * store_session_lock_state() reads *locked and the failures of the current
 * window: 1 / 0 (no such account) / -1.  The others 0 / -1.
 */
#define LOCK_FAILURES 5
int store_session_count_failure(struct db *db, long long account_id, int *locked);
int store_session_clear_failures(struct db *db, long long account_id);
int store_session_lock_state(struct db *db, long long account_id, int *locked, int *failures);

#endif

/* store_account.h: the accounts (accounts): login lookup, passwords, the team's agency accounts. */
#ifndef CITYINV_STORE_ACCOUNT_H
#define CITYINV_STORE_ACCOUNT_H

#include "arena.h"
#include "db.h"

/*
 * Return conventions: a lookup returns 1 found / 0 not found / -1 on a
 * database error (db->errstr set); anything else 0 / -1.  Nothing here
 * opens a transaction: callers that need one (a reset with its audit line)
 * hold it.  The lockout columns (failed_logins, locked_until) are written
 * by store_session.h, which owns the login attempts.
 */

enum account_kind { ACCOUNT_AGENCY, ACCOUNT_TEAM, ACCOUNT_ADMIN };

/* accounts.kind ('agency', 'team', 'admin') as the enum; anything else is the admin's (the most checked). */
enum account_kind store_account_kind(const char *kind);

/* What a login attempt needs of an account (accounts.password_hash is VARCHAR(128)). */
struct store_account_login {
	long long id;
	char password_hash[129];
	int locked;                 /* locked_until is in the future */
	int must_change_password;
};

/*
 * The active account `login` of the county whose letter is `letter` (an
 * active agency's, or the team's), or the admin when letter is "": 1 / 0 / -1.
 */
int store_account_find_login(struct db *db, const char *login, const char *letter, struct store_account_login *out);

/* The password hash of account `id` into hash[129]: 1 / 0 / -1. */
int store_account_password_hash(struct db *db, long long id, char hash[129]);

/* A password the account chose: no change required any more, changed now.  0 / -1. */
int store_account_set_password(struct db *db, long long id, const char *hash);

/* A one-time password set by the team: to be changed at first login, lockout cleared.  0 / -1. */
int store_account_reset_password(struct db *db, long long id, const char *hash);

/* An agency account of a county (accounts.login is VARCHAR(40)). */
struct store_account_ref {
	long long agency_id;
	char login[41];
};

/* The agency account `id` when it is one of county `county_id`'s: 1 / 0 / -1. */
int store_account_of_county(struct db *db, long long id, int county_id, struct store_account_ref *out);

/* One row of the team's 機關帳號 list; the strings are valid only during the callback. */
struct store_account_row {
	long long id;
	const char *code;           /* the agency's code (the login) */
	const char *name;           /* the agency's name */
	int locked;
	int must_change_password;
};

/*
 * The agency accounts of county_id's active agencies, by level and code
 * (at most 5000), each passed to each(ctx, row); a non-zero return stops
 * the list.  0 / -1.
 */
int store_account_each_of_county(struct db *db, int county_id,
				 int (*each)(void *ctx, const struct store_account_row *row), void *ctx);

/*
 * The agency accounts the team's writers make (inside their transactions:
 * 機關管理 and the import, which hold the county's lock).  A login the
 * county's accounts already have: -1 with db_err_duplicate().
 */

/*
 * The account of a new agency: it logs in with `login` (its code) and the
 * password whose hash is `hash`, which must be changed at first login.
 * 0 / -1.
 */
int store_account_add_agency(struct db *db, int county_id, long long agency_id, const char *login, const char *hash);
/*
 * The account of an agency the import created: it logs in with `login`
 * (its code) and has no usable password ('!') until the passwords workbook
 * of import_id gives it a one-time one.  0 / -1.
 */
int store_account_add_imported(struct db *db, int county_id, long long agency_id, const char *login, long long import_id);
/* The account of agency `agency_id` logs in with `login` from now on (its code changed).  0 / -1. */
int store_account_set_agency_login(struct db *db, long long agency_id, const char *login);
/*
 * The logins of the county's accounts that are not agencies' (the team's),
 * at most 1000, into an array in a (*out, *n): no new agency code may take
 * one.  0 / -1.
 */
int store_account_reserved_logins(struct db *db, int county_id, struct arena *a, const char ***out, int *n);

#endif

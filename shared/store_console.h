/* store_console.h: the platform operator's console (SPEC-2 §3): the counties the platform hosts,
 * the team and admin accounts, and the console's audit lines. */
#ifndef CITYINV_STORE_CONSOLE_H
#define CITYINV_STORE_CONSOLE_H

#include "db.h"

/*
 * Return conventions as store_account.h: a lookup 1 found / 0 not / -1 on
 * a database error; anything else 0 / -1.  Nothing here opens a
 * transaction: the console's pages hold one around a change, the sessions
 * it ends (store_session.h) and its audit line.
 */

/* A login the console gives: 2 to 40 ASCII letters, digits and . _ -, from a letter or a digit. */
#define STORE_CONSOLE_LOGIN_MAX 40
int store_console_login_ok(const char *login);

/* A county as the console lists it. */
struct store_console_county {
	int id;
	const char *letter, *name;
	int hosted;
	const char *hosted_at;      /* "YYYY-MM-DD HH:MM" or "" */
	long long agencies;         /* active */
	long long team_accounts;    /* active */
};

/* The 22 counties in letter order, each to each(ctx, row) (valid during the call; non-zero stops). */
int store_console_counties(struct db *db, int (*each)(void *ctx, const struct store_console_county *row), void *ctx);

/* County `letter`'s id and whether it is hosted, locked for the caller's transaction: 1 / 0 / -1. */
int store_console_county_lock(struct db *db, const char *letter, int *id, int *hosted);

/* Hosts county id (hosted 1) or stops hosting it (0).  0 / -1. */
int store_console_set_hosted(struct db *db, int id, int hosted);

/* A team or admin account as the console lists it. */
struct store_console_account {
	long long id;
	const char *login, *display_name;
	int active, admin_locked, must_change_password;
	int failures_locked;        /* locked_until in the future (failed logins) */
	const char *created_at;     /* "YYYY-MM-DD HH:MM" */
};

/*
 * The team accounts of county_id, or the admin accounts when county_id is
 * 0, by login, each to each(ctx, row): 0 / -1.
 */
int store_console_accounts(struct db *db, int county_id,
			   int (*each)(void *ctx, const struct store_console_account *row), void *ctx);

/* One team or admin account (never an agency's), locked for the caller's transaction. */
struct store_console_target {
	int county_id;              /* 0: an admin account */
	char login[41];
	char display_name[201];
	int active, admin_locked;
};
/* Account id when it is a team account of county_id, or an admin account when county_id is 0: 1 / 0 / -1. */
int store_console_account_lock(struct db *db, long long id, int county_id, struct store_console_target *out);

/*
 * A new team account of county_id (an admin account when 0) with its
 * one-time password's hash, to be changed at first login: 1 added (*id
 * set), 0 the login is taken in that county, 2 it would shadow a login
 * without a county or be shadowed (an admin's "z" + a county Z login), -1.
 * created_by 0: nobody (cityinv-admin add-admin).
 */
int store_console_add_account(struct db *db, int county_id, const char *login, const char *display_name,
			      const char *hash, long long created_by, long long *id);

/* The admin's lock on (1) or off (0); off also forgets failed logins.  0 / -1. */
int store_console_set_locked(struct db *db, long long id, int locked);

/* Account id active (1) or deactivated (0).  0 / -1. */
int store_console_set_active(struct db *db, long long id, int active);

/* The active admin accounts other than id that can log in (not locked by the admin): a count, or -1. */
int store_console_other_admins(struct db *db, long long id);

/*
 * A console action's audit line: by account `by` (0: cityinv-admin), of county_id (0: none),
 * about account `subject` (0: none).  0 / -1.
 */
int store_console_audit(struct db *db, long long by, int county_id, long long subject, const char *field,
			const char *value, const char *client_addr);

/* A line of the console's audit trail as its page shows it. */
struct store_console_audit_line {
	const char *at, *by, *county, *subject, *field, *value, *client_addr;
};

/* The newest 300 lines written by admin accounts, newest first, each to each(ctx, row): 0 / -1. */
int store_console_audit_lines(struct db *db, int (*each)(void *ctx, const struct store_console_audit_line *row),
			      void *ctx);

/* A factor as the console's factor table shows it. */
struct store_console_factor {
	const char *key, *category, *scope, *gas, *unit, *value, *source, *confidence, *ci_source, *updated_at;
	int valid_from, valid_to;          /* 0: open */
	int has_ci, ci_lower_milli, ci_upper_milli;
};

/*
 * The factors of `category` ("" every one) in force in `year` (0 every
 * year), by category and key, each to each(ctx, row): 0 / -1.
 */
int store_console_factors(struct db *db, const char *category, int year,
			  int (*each)(void *ctx, const struct store_console_factor *row), void *ctx);

#endif

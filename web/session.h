/* session.h: server-side sessions, login and logout. */
#ifndef CITYINV_SESSION_H
#define CITYINV_SESSION_H

#include "request.h"

enum account_kind { ACCOUNT_AGENCY, ACCOUNT_TEAM, ACCOUNT_ADMIN };

/* The logged-in account of a request (arena memory). */
struct session {
	long long account_id;
	enum account_kind kind;
	int county_id;              /* 0 for the admin */
	long long agency_id;        /* 0 unless an agency account */
	const char *login;
	const char *display_name;   /* agency name, 縣市盤查小組 or 平台管理者 */
	const char *county_name;
	const char *csrf;
	int must_change_password;
	int has_contact;            /* agency: contact data filled in */
};

/*
 * Looks up the session cookie: sets req->session and req->csrf when it names
 * a live session (idle < 30 min, age < 12 h) of an active account.  0, or -1
 * when the database failed (req->status set to 503).
 */
int session_load(struct request *req);

/*
 * The lockout shared by login and 變更密碼: LOCK_FAILURES wrong passwords
 * within 15 minutes lock the account for 30 minutes.
 *
 * session_count_failure() counts one attempt as a failure before its password
 * is checked, in one statement that refuses a locked account (so concurrent
 * attempts cannot slip past the limit); *locked is set when the account is
 * locked, now or already, and the password must then not be tried.
 * session_clear_failures() resets the count after a right password.
 * session_account_locked() reads the state: *locked, and the failures of the
 * current window.  Each returns 0, or -1 on a database error.
 */
#define LOCK_FAILURES 5
int session_count_failure(struct db *db, long long account_id, int *locked);
int session_clear_failures(struct db *db, long long account_id);
int session_account_locked(struct db *db, long long account_id, int *locked, int *failures);

/* Login and logout (POST /login, POST /logout). */
int page_login(struct request *req);
int page_logout(struct request *req);

/* ROC year helpers used by several pages. */
static inline int roc_year(int ce) { return ce - 1911; }

#endif

/* session.h: server-side sessions: the request's logged-in account, and starting and ending one. */
#ifndef CITYINV_SESSION_H
#define CITYINV_SESSION_H

#include "request.h"
#include "store_account.h"
#include "store_review.h"

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
 * The review page's stamp, read in the session's statement (a route's
 * `stamp`): the page asks MariaDB nothing more before it can answer from its
 * cache.  agency as the page was asked (0: the viewer's own; for the team,
 * its county as a whole).
 */
struct session_stamp {
	long long agency;
	int year;
	int found;                  /* as store_review_stamp() returns it */
	struct store_review_stamp st;
};

/*
 * Looks up the session cookie: sets req->session and req->csrf when it names
 * a live session (idle < 30 min, age < 12 h) of an active account, and with
 * want (else NULL) req->stamp, and with factors req->factor_stamp (factors.h),
 * read in the same statement.  0, or -1 when
 * the database failed (req->status set to 503).
 */
int session_load(struct request *req, const struct session_stamp *want, int factors);

/*
 * Starts a session of account_id for req: a new token in the cookie, the
 * request's old session (if any) ended.  0, or -1 on a database error.
 */
int session_start(struct request *req, long long account_id);

/* Ends the request's session and clears its cookie.  0, or -1 on a database error. */
int session_end(struct request *req);

/* The request's session token as its cookie carries it, or NULL. */
const char *session_token(struct request *req);

/* ROC year helpers used by several pages. */
static inline int roc_year(int ce) { return ce - 1911; }

#endif

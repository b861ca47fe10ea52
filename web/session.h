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

/* Login and logout (POST /login, POST /logout). */
void page_login(struct request *req);
void page_logout(struct request *req);

/* ROC year helpers used by several pages. */
static inline int roc_year(int ce) { return ce - 1911; }

#endif

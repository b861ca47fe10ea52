/* session.c: server-side sessions: the request's logged-in account, and starting and ending one. */
#include "factors.h"
#include "session.h"
#include "store_session.h"
#include "util.h"

/*
 * DESIGN: the cookie carries a 256-bit random token; the table keeps only
 * its SHA-256 (computed by the server, UNHEX(SHA2(?, 256))), so a copy of
 * the database cannot be replayed as cookies.  Idle sessions end after 30
 * minutes, any session after 12 hours; logging in always makes a new token
 * (a token planted before login is worthless) and ends the old session.
 * Each session has its own CSRF token, which every form carries.  The
 * login itself, with its lockout, is page_login.c's.
 */

#define SESSION_COOKIE "cityinv_session"

const char *session_token(struct request *req)
{
	const char *tok = req_cookie(req, SESSION_COOKIE);

	return hex_token_ok(tok) ? tok : NULL;
}

/* The request's session from its row. */
static struct session *session_of(struct request *req, const struct store_session *row)
{
	struct session *s = arena_zalloc(&req->arena, sizeof(*s));

	s->account_id = row->account_id;
	s->kind = row->kind;
	s->county_id = row->county_id;
	s->agency_id = row->agency_id;
	s->login = arena_strdup(&req->arena, row->login);
	s->csrf = arena_strdup(&req->arena, row->csrf);
	s->must_change_password = row->must_change_password;
	s->county_name = arena_strdup(&req->arena, row->county_name);
	s->has_contact = row->has_contact;
	if (s->kind == ACCOUNT_AGENCY)
		s->display_name = row->agency_name;
	else if (s->kind == ACCOUNT_TEAM)
		s->display_name = arena_printf(&req->arena, "%s盤查小組%s%s", s->county_name, *row->agency_name ? "　" : "",
					       row->agency_name);
	else
		s->display_name = *row->agency_name ? arena_printf(&req->arena, "平台管理者　%s", row->agency_name) : "平台管理者";
	return s;
}

int session_load(struct request *req, const struct session_stamp *want, int factors)
{
	struct db *db = &req->app->db;
	const char *tok = session_token(req);
	struct store_session row;
	struct session_stamp *got = NULL;
	char *fs = NULL;
	int r;

	req->session = NULL;
	req->stamp = NULL;
	req->factor_stamp = NULL;
	if (!tok)
		return 0;
	if (factors) {
		fs = arena_alloc(&req->arena, FACTOR_STAMP_MAX);
		r = store_session_find_factors(db, tok, &req->arena, &row, fs, FACTOR_STAMP_MAX);
	} else if (want) {
		got = arena_alloc(&req->arena, sizeof(*got));
		*got = *want;
		r = store_review_session(db, tok, want->agency, want->year, &req->arena, &row, &got->st, &got->found);
	} else {
		r = store_session_find(db, tok, &req->arena, &row);
	}
	if (r < 0)
		goto fail;
	if (r == 0)
		return 0;
	/* Sliding idle expiry; written at most once a minute (the row says when). */
	if (row.stale && store_session_touch(db, tok))
		goto fail;
	req->session = session_of(req, &row);
	req->csrf = req->session->csrf;
	req->stamp = got;
	req->factor_stamp = fs;
	return 0;
fail:
	error("session: %s", db->errstr);
	req->status = 503;
	return -1;
}

int session_start(struct request *req, long long account_id)
{
	const char *old = session_token(req);
	char tok[65], csrf[65];

	if (old && store_session_delete(&req->app->db, old))
		return -1;
	random_hex(tok, 32);
	random_hex(csrf, 32);
	if (store_session_create(&req->app->db, tok, account_id, csrf, req->remote_addr ? req->remote_addr : ""))
		return -1;
	req_set_cookie(req, SESSION_COOKIE, tok, "Lax", -1);
	return 0;
}

int session_end(struct request *req)
{
	const char *tok = session_token(req);

	if (tok && store_session_delete(&req->app->db, tok))
		return -1;
	req_set_cookie(req, SESSION_COOKIE, "", "Lax", 0);
	req->session = NULL;
	return 0;
}

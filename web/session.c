/* session.c: server-side sessions: the request's logged-in account, and starting and ending one. */
#include <stdio.h>
#include <string.h>

#include "epoch.h"
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

/*
 * DESIGN: what a GET's session statement read (the session, and the review
 * stamp or the factor stamp read with it) is kept by the process and used
 * again, without asking MariaDB, while the write epoch (epoch.h) has not
 * moved since the statement and for a second at most.  Every write the
 * platform commits moves the epoch: a logout, a login (it ends the old
 * token), a deactivation, a lock, a password change, a save, a rollup, a
 * quality run (all but a session's last-seen time, which ends none sooner);
 * so a request that begins after any of them reads again, and logout and
 * deactivation stay immediate in every process.  The second
 * bounds what the epoch cannot see: SQL by hand, a process without the
 * epoch file.  A POST always reads: an action is authorised on the
 * database's word.  Tokens are compared in constant time; a kept token is
 * one this process was sent anyway.
 */
#define KEEP_SLOTS 32
#define KEEP_MS 1000

enum keep_mode { KEEP_PLAIN, KEEP_REVIEW, KEEP_FACTORS };

struct kept {
	char tok[65];
	enum keep_mode mode;
	long long agency;
	int year;
	unsigned long long epoch;
	long long at;               /* now_ms() before the statement */
	unsigned long long used;    /* 0: empty */
	struct store_session row;
	char agency_name[801];
	struct session_stamp stamp;
	char factors[FACTOR_STAMP_MAX];
};

static struct kept kept[KEEP_SLOTS];
static unsigned long long keep_clock;

static int same_token(const char *a, const char *b)
{
	unsigned char d = 0;

	/* Both are 64 hex digits (hex_token_ok); no early exit. */
	for (int i = 0; i < 64; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static struct kept *keep_find(const char *tok, enum keep_mode mode, const struct session_stamp *want,
			      unsigned long long epoch, long long now)
{
	struct kept *hit = NULL;

	for (int i = 0; i < KEEP_SLOTS; i++) {
		struct kept *k = &kept[i];

		/* The token last: only a live entry's is compared (those fields say nothing of it). */
		if (k->used && k->mode == mode && k->epoch == epoch && now - k->at < KEEP_MS && now >= k->at &&
		    (mode != KEEP_REVIEW || (k->agency == want->agency && k->year == want->year)) && same_token(k->tok, tok))
			hit = k;
	}
	if (hit)
		hit->used = ++keep_clock;
	return hit;
}

static void keep_put(const char *tok, enum keep_mode mode, const struct store_session *row,
		     const struct session_stamp *stamp, const char *factors, unsigned long long epoch, long long at)
{
	struct kept *k = &kept[0];

	for (int i = 0; i < KEEP_SLOTS; i++) {
		/* An empty slot, or this one's own (the same page of the same session, read again). */
		if (!kept[i].used || (same_token(kept[i].tok, tok) && kept[i].mode == mode &&
				      (mode != KEEP_REVIEW || (kept[i].agency == stamp->agency && kept[i].year == stamp->year)))) {
			k = &kept[i];
			break;
		}
		if (kept[i].used < k->used)
			k = &kept[i];
	}
	k->used = 0;
	if ((size_t)snprintf(k->agency_name, sizeof(k->agency_name), "%s", row->agency_name) >= sizeof(k->agency_name))
		return;
	memcpy(k->tok, tok, 65);
	k->mode = mode;
	k->row = *row;
	k->row.agency_name = NULL;
	k->row.stale = 0;
	k->agency = stamp ? stamp->agency : 0;
	k->year = stamp ? stamp->year : 0;
	if (stamp)
		k->stamp = *stamp;
	snprintf(k->factors, sizeof(k->factors), "%s", factors ? factors : "");
	k->epoch = epoch;
	k->at = at;
	k->used = ++keep_clock;
}

int session_load(struct request *req, const struct session_stamp *want, int factors)
{
	struct db *db = &req->app->db;
	const char *tok = session_token(req);
	enum keep_mode mode = factors ? KEEP_FACTORS : want ? KEEP_REVIEW : KEEP_PLAIN;
	struct store_session row;
	struct session_stamp *got = NULL;
	struct kept *k = NULL;
	unsigned long long epoch = 0;
	long long now = now_ms();
	int keep, r;
	char *fs = NULL;

	req->session = NULL;
	req->stamp = NULL;
	req->factor_stamp = NULL;
	if (!tok)
		return 0;
	/* The epoch read before the statement: a write committed after it moves it past this value. */
	keep = (req->method == METHOD_GET || req->method == METHOD_HEAD) && epoch_read(&epoch);
	if (keep)
		k = keep_find(tok, mode, want, epoch, now);
	if (factors)
		fs = arena_alloc(&req->arena, FACTOR_STAMP_MAX);
	if (mode == KEEP_REVIEW) {
		got = arena_alloc(&req->arena, sizeof(*got));
		*got = *want;
	}
	if (k) {
		row = k->row;
		row.agency_name = arena_strdup(&req->arena, k->agency_name);
		if (got)
			*got = k->stamp;
		if (fs)
			memcpy(fs, k->factors, FACTOR_STAMP_MAX);
		r = 1;
	} else if (factors) {
		r = store_session_find_factors(db, tok, &req->arena, &row, fs, FACTOR_STAMP_MAX);
	} else if (want) {
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
	if (keep && !k)
		keep_put(tok, mode, &row, got, fs, epoch, now);
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

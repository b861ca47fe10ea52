/* session.c: server-side sessions, login (with lockout) and logout. */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "input.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "util.h"

/*
 * DESIGN: the cookie carries a 256-bit random token; the table keeps only
 * its SHA-256 (computed by the server, UNHEX(SHA2(?, 256))), so a copy of
 * the database cannot be replayed as cookies.  Idle sessions end after 30
 * minutes, any session after 12 hours; logging in always makes a new token
 * (a token planted before login is worthless) and ends the old session.
 * Each session has its own CSRF token, which every form carries.
 *
 * Lockout: 5 failures within 15 minutes lock the account for 30 minutes
 * (wrong current passwords on 變更密碼 count too: session.h).  The count is
 * kept by one UPDATE per failure, so concurrent attempts cannot slip past
 * it.  Every failure gets the same message and costs the same argon2id
 * verification, whether the account is unknown, deactivated or locked.
 */

#define SESSION_COOKIE "cityinv_session"
#define PASSWORD_MAX 200   /* longer passwords are refused (and hashed only this far when refused) */

static const char FAILED[] =
	"登入失敗：縣市、帳號或密碼不正確，或帳號因連續登入失敗已暫時鎖定"
	"（30 分鐘後自動解除，或請洽縣市盤查小組解鎖）。";

/* A hash of a password nobody has, to spend the same time on unknown accounts. */
static const char DUMMY_HASH[] =
	"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1Px7r9i/3g8N4OHhZnSI2N8F5bHaqE5r7GZ7FkDWZ2Q";

int session_load(struct request *req)
{
	struct db *db = &req->app->db;
	const char *tok = req_cookie(req, SESSION_COOKIE);
	struct db_stmt *st;
	struct session *s;
	int rc;

	req->session = NULL;
	if (!hex_token_ok(tok))
		return 0;
	st = db_prepare(db,
		"SELECT a.id, a.kind, IFNULL(a.county_id, 0), IFNULL(a.agency_id, 0), a.login, s.csrf,"
		" a.must_change_password, IFNULL(g.name, ''), IFNULL(c.name, ''),"
		" g.contact_name IS NOT NULL AND g.contact_email IS NOT NULL AND g.contact_phone IS NOT NULL,"
		" s.last_seen_at < NOW() - INTERVAL 1 MINUTE"
		" FROM sessions s JOIN accounts a ON a.id = s.account_id"
		" LEFT JOIN agencies g ON g.id = a.agency_id LEFT JOIN counties c ON c.id = a.county_id"
		" WHERE s.token_hash = UNHEX(SHA2(?, 256)) AND s.expires_at > NOW()"
		" AND s.last_seen_at > NOW() - INTERVAL 30 MINUTE AND a.active = 1"
		" AND (g.id IS NULL OR g.active = 1)");
	if (!st)
		goto fail;
	db_bind_text(st, 0, tok);
	if (db_exec(st))
		goto fail;
	rc = db_step(st);
	if (rc < 0)
		goto fail;
	if (rc == 0)
		return 0;
	s = arena_zalloc(&req->arena, sizeof(*s));
	s->account_id = db_col_int(st, 0);
	const char *kind = db_col_text(st, 1, NULL);
	s->kind = !strcmp(kind, "agency") ? ACCOUNT_AGENCY : !strcmp(kind, "team") ? ACCOUNT_TEAM : ACCOUNT_ADMIN;
	s->county_id = (int)db_col_int(st, 2);
	s->agency_id = db_col_int(st, 3);
	s->login = arena_strdup(&req->arena, db_col_text(st, 4, NULL));
	s->csrf = arena_strdup(&req->arena, db_col_text(st, 5, NULL));
	s->must_change_password = (int)db_col_int(st, 6);
	s->county_name = arena_strdup(&req->arena, db_col_text(st, 8, NULL));
	s->has_contact = (int)db_col_int(st, 9);
	int touch = (int)db_col_int(st, 10);
	if (s->kind == ACCOUNT_AGENCY)
		s->display_name = arena_strdup(&req->arena, db_col_text(st, 7, NULL));
	else if (s->kind == ACCOUNT_TEAM)
		s->display_name = arena_printf(&req->arena, "%s盤查小組", s->county_name);
	else
		s->display_name = "平台管理者";
	db_reset(st);

	/* Sliding idle expiry; written at most once a minute (the SELECT says when). */
	if (touch) {
		st = db_prepare(db, "UPDATE sessions SET last_seen_at = NOW() WHERE token_hash = UNHEX(SHA2(?, 256))"
				    " AND last_seen_at < NOW() - INTERVAL 1 MINUTE");
		if (!st)
			goto fail;
		db_bind_text(st, 0, tok);
		if (db_exec(st))
			goto fail;
	}
	req->session = s;
	req->csrf = s->csrf;
	return 0;
fail:
	error("session: %s", db->errstr);
	req->status = 503;
	return -1;
}

static int session_delete_current(struct request *req)
{
	const char *tok = req_cookie(req, SESSION_COOKIE);
	struct db_stmt *st;

	if (!hex_token_ok(tok))
		return 0;
	st = db_prepare(&req->app->db, "DELETE FROM sessions WHERE token_hash = UNHEX(SHA2(?, 256))");
	if (!st)
		return -1;
	db_bind_text(st, 0, tok);
	return db_exec(st);
}

static int session_create(struct request *req, long long account_id)
{
	char tok[65], csrf[65];
	struct db_stmt *st;

	if (session_delete_current(req))
		return -1;
	random_hex(tok, 32);
	random_hex(csrf, 32);
	st = db_prepare(&req->app->db,
		"INSERT INTO sessions (token_hash, account_id, csrf, created_at, last_seen_at, expires_at, client_addr)"
		" VALUES (UNHEX(SHA2(?, 256)), ?, ?, NOW(), NOW(), NOW() + INTERVAL 12 HOUR, ?)");
	if (!st)
		return -1;
	db_bind_text(st, 0, tok);
	db_bind_int(st, 1, account_id);
	db_bind_text(st, 2, csrf);
	db_bind_text(st, 3, req->remote_addr ? req->remote_addr : "");
	if (db_exec(st))
		return -1;
	req_set_cookie(req, SESSION_COOKIE, tok, "Lax", -1);
	return 0;
}

static void login_failed(struct request *req, const char *county, const char *account)
{
	req->login_error = FAILED;
	req->login_county = county;
	req->login_account = account;
	page_home(req);
}

int session_count_failure(struct db *db, long long account_id, int *locked)
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

int session_clear_failures(struct db *db, long long account_id)
{
	struct db_stmt *st = db_prepare(db, "UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, account_id);
	return db_exec(st);
}

int session_account_locked(struct db *db, long long account_id, int *locked, int *failures)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT locked_until IS NOT NULL AND locked_until > NOW(),"
		" IF(first_failed_at IS NOT NULL AND first_failed_at > NOW() - INTERVAL 15 MINUTE, failed_logins, 0)"
		" FROM accounts WHERE id = ?");

	*locked = 0;
	*failures = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, account_id);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	*locked = (int)db_col_int(st, 0);
	*failures = (int)db_col_int(st, 1);
	db_reset(st);
	return 0;
}

/* Printable ASCII only: logins and county letters are ASCII columns (anything else matches nothing). */
static int ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int page_login(struct request *req)
{
	struct db *db = &req->app->db;
	const char *county = req_arg(req, "county");
	const char *account_raw = req_arg(req, "account");
	size_t pwlen = 0;
	const char *pw = query_getn(&req->form, "password", &pwlen);
	const char *account = "";
	char letter[2] = "";
	struct db_stmt *st;
	long long id = 0;
	int found = 0, locked = 0, ok, match, must_change = 0, well_formed;
	char hash[PASSWORD_HASH_MAX] = "";

	if (!county)
		county = "";
	if (!pw)
		pw = "";
	if (account_raw)
		input_text(&req->arena, account_raw, strlen(account_raw), 40, 0, &account);
	well_formed = *account && pwlen && pwlen <= PASSWORD_MAX && strlen(county) <= 1;
	/* With a county chosen the account is the code; without, the letter comes first. */
	const char *login = account;
	if (county[0]) {
		letter[0] = county[0];
	} else if (strcmp(account, "admin")) {
		letter[0] = account[0];
		login = *account ? account + 1 : account;
	}
	if (letter[0] >= 'a' && letter[0] <= 'z')
		letter[0] = (char)(letter[0] - 'a' + 'A');
	if (!ascii_printable(login) || !ascii_printable(letter))
		well_formed = 0;

	if (well_formed) {
		st = db_prepare(db,
			"SELECT a.id, a.password_hash, a.locked_until IS NOT NULL AND a.locked_until > NOW(), a.must_change_password"
			" FROM accounts a LEFT JOIN counties c ON c.id = a.county_id LEFT JOIN agencies g ON g.id = a.agency_id"
			" WHERE a.login = ? AND a.active = 1 AND (g.id IS NULL OR g.active = 1)"
			" AND ((? = '' AND a.kind = 'admin') OR c.letter = ?)");
		if (!st)
			goto unavailable;
		db_bind_text(st, 0, login);
		db_bind_text(st, 1, letter);
		db_bind_text(st, 2, letter);
		if (db_exec(st))
			goto unavailable;
		if (db_step(st) == 1) {
			found = 1;
			id = db_col_int(st, 0);
			snprintf(hash, sizeof(hash), "%s", db_col_text(st, 1, NULL));
			locked = (int)db_col_int(st, 2);
			must_change = (int)db_col_int(st, 3);
		}
		db_reset(st);
	}

	/*
	 * Every attempt counts as a failure before the password is checked, in
	 * one statement that also refuses a locked account: concurrent attempts
	 * take turns on the row, so no more than LOCK_FAILURES passwords are ever
	 * tried per window, however many arrive at once.  A right password then
	 * clears the count.
	 */
	if (found && !locked && session_count_failure(db, id, &locked))
		goto unavailable;
	/*
	 * Exactly one argon2id verification on every path (a locked, unknown or
	 * deactivated account, a wrong county, a malformed form): what answers
	 * quickly would tell which accounts exist.  Only an unlocked account's
	 * own hash can match.
	 */
	match = password_verify(found && !locked ? hash : DUMMY_HASH, pw, pwlen <= PASSWORD_MAX ? pwlen : PASSWORD_MAX);
	ok = found && !locked && match;
	if (!ok) {
		if (found)
			log_warn("login failed for account %lld from %s%s", id, req->remote_addr ? req->remote_addr : "?", locked ? " (locked)" : "");
		login_failed(req, county, account);
		return req->status;
	}
	if (session_clear_failures(db, id) || session_create(req, id))
		goto unavailable;
	redirect(req, must_change ? "/password" : "/");
	return req->status;
unavailable:
	error("login: %s", db->errstr);
	req->status = 503;
	routes_error_page(req);
	return req->status;
}

int page_logout(struct request *req)
{
	if (session_delete_current(req)) {
		req->status = 503;
		routes_error_page(req);
		return req->status;
	}
	req_set_cookie(req, SESSION_COOKIE, "", "Lax", 0);
	req->session = NULL;
	redirect(req, "/");
	return req->status;
}

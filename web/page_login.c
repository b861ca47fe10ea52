/* page_login.c: 登入 (/login, with its lockout), 登出 (/logout) and 變更密碼 (/password). */
#include <string.h>

#include "audit.h"
#include "form.h"
#include "html.h"
#include "input.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "store_account.h"
#include "store_session.h"
#include "util.h"

/*
 * DESIGN: lockout.  LOCK_FAILURES failures within 15 minutes lock the
 * account for 30 minutes (store_session.h); a wrong current password on
 * 變更密碼 counts too, so a stolen session cannot guess the password faster
 * than the login form allows.  The count is kept by one UPDATE per attempt,
 * so concurrent attempts cannot slip past it.  Every login failure gets the
 * same message and costs the same argon2id verification, whether the
 * account is unknown, deactivated or locked, or the form malformed.
 *
 * Passwords are declared as text of at most PASSWORD_MAX characters (what
 * 變更密碼 accepts), but checked and hashed as the bytes sent (.raw), never
 * as the normalised text: a password is what was typed.
 */

#define PASSWORD_MAX 200                    /* characters, on both pages */
#define PASSWORD_BYTES_MAX (4 * PASSWORD_MAX) /* what PASSWORD_MAX characters take at most in UTF-8 */
#define PASSWORD_MIN 10

static const char FAILED[] =
	"登入失敗：縣市、帳號或密碼不正確，或帳號因連續登入失敗已暫時鎖定"
	"（30 分鐘後自動解除，或請洽縣市盤查小組解鎖）。";

/* A hash of a password nobody has, to spend the same time on unknown accounts. */
static const char DUMMY_HASH[] =
	"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1Px7r9i/3g8N4OHhZnSI2N8F5bHaqE5r7GZ7FkDWZ2Q";

enum { LOGIN_COUNTY, LOGIN_ACCOUNT, LOGIN_PASSWORD, LOGIN__MAX };
static const struct form_key login_keys[LOGIN__MAX] = {
	[LOGIN_COUNTY] = { "county", FORM_TEXT, 0, .max = 1 },     /* the letter; none: typed before the code */
	[LOGIN_ACCOUNT] = { "account", FORM_TEXT, 0, .max = 40 },
	[LOGIN_PASSWORD] = { "password", FORM_TEXT, 0, .max = PASSWORD_MAX },
};
const struct form_decl login_in = FORM_DECL(login_keys);

static const char NEW_BAD[] = "新密碼至少需 10 個字元，且不可含控制字元或前後空白。";

enum { PW_OLD, PW_NEW, PW_NEW2, PW_SAVED, PW__MAX };
static const struct form_key password_keys[PW__MAX] = {
	[PW_OLD] = { "old", FORM_TEXT, 0, .max = PASSWORD_MAX },
	[PW_NEW] = { "new", FORM_TEXT, 0, .max = PASSWORD_MAX, .msg = NEW_BAD },
	[PW_NEW2] = { "new2", FORM_TEXT, 0, .max = PASSWORD_MAX },
	[PW_SAVED] = { "saved", FORM_FLAG },
};
const struct form_decl password_in = FORM_DECL(password_keys);

/* Printable ASCII only: logins and county letters are ASCII columns (anything else matches nothing). */
static int ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/*
 * The account a login form names: with a county chosen the account is the
 * code; without, the county letter comes first ("z371036500X").  0 with
 * *login and letter set, or -1 when it cannot name one.  (Without a county
 * the account is first looked for among the admins, as typed: page_login.)
 */
static int login_name(const char *county, const char *account, char letter[2], const char **login)
{
	*login = account;
	letter[0] = letter[1] = 0;
	if (county[0]) {
		letter[0] = county[0];
	} else {
		letter[0] = account[0];
		*login = *account ? account + 1 : account;
	}
	if (letter[0] >= 'a' && letter[0] <= 'z')
		letter[0] = (char)(letter[0] - 'a' + 'A');
	return ascii_printable(*login) && ascii_printable(letter) ? 0 : -1;
}

static int login_failed(struct request *req, const char *county, const char *account)
{
	req->login_error = FAILED;
	req->login_county = county;
	req->login_account = account;
	return page_home(req);
}

static int login_unavailable(struct request *req)
{
	return routes_unavailable(req, "login");
}

int page_login(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *in = req->in;
	const char *county = in[LOGIN_COUNTY].set ? in[LOGIN_COUNTY].s : "";
	const char *account = in[LOGIN_ACCOUNT].set ? in[LOGIN_ACCOUNT].s : "";
	const char *pw = in[LOGIN_PASSWORD].raw ? in[LOGIN_PASSWORD].raw : "";
	size_t pwlen = strlen(pw);
	struct store_account_login acc = { .id = 0 };
	const char *login;
	char letter[2];
	int found = 0, locked = 0, match;

	if (!req->in_err->nerr && *account && in[LOGIN_PASSWORD].set && !login_name(county, account, letter, &login)) {
		/*
		 * No county: an admin's login as typed (the console's admins), else
		 * a county's behind its letter; both looked up either way, so that
		 * the time taken does not tell which.
		 */
		struct store_account_login as_county = { .id = 0 };
		int admin = !*county ? store_account_find_login(db, account, "", &acc) : 0;

		found = admin < 0 ? -1 : store_account_find_login(db, login, letter, admin == 1 ? &as_county : &acc);
		if (admin == 1 && found >= 0)
			found = 1;
		if (found < 0)
			return login_unavailable(req);
		locked = acc.locked;
	}
	/*
	 * Every attempt counts as a failure before the password is checked, in
	 * one statement that also refuses a locked account: concurrent attempts
	 * take turns on the row, so no more than LOCK_FAILURES passwords are ever
	 * tried per window, however many arrive at once.  A right password then
	 * clears the count.
	 */
	if (found && !locked && store_session_count_failure(db, acc.id, &locked))
		return login_unavailable(req);
	/*
	 * Exactly one argon2id verification on every path (a locked, unknown or
	 * deactivated account, a wrong county, a malformed form): what answers
	 * quickly would tell which accounts exist.  Only an unlocked account's
	 * own hash can match.
	 */
	match = password_verify(found && !locked ? acc.password_hash : DUMMY_HASH, pw,
				pwlen <= PASSWORD_BYTES_MAX ? pwlen : PASSWORD_BYTES_MAX);
	if (!found || locked || !match) {
		if (found)
			log_warn("login failed for account %lld from %s%s", acc.id, req->remote_addr ? req->remote_addr : "?",
				 locked ? " (locked)" : "");
		return login_failed(req, county, account);
	}
	if (store_session_clear_failures(db, acc.id) || session_start(req, acc.id))
		return login_unavailable(req);
	return redirect(req, acc.must_change_password ? "/password" : "/");
}

int page_logout(struct request *req)
{
	if (session_end(req))
		return routes_unavailable(req, "logout");
	return redirect(req, "/");
}

static void render_password(struct request *req, const struct form *f)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "變更密碼", "變更密碼");
	html(o, "<h1>變更密碼</h1>");
	if (req->session->must_change_password)
		form_flash(req, "error", "這是您第一次登入（或密碼已被重設），請先設定新密碼。");
	if (req->in[PW_SAVED].set)
		form_flash(req, "ok", "密碼已變更，其他裝置上的登入已全部登出。");
	html(o, "<form method=\"post\" action=\"/password\" novalidate>");
	html_hidden(o, "csrf", req->csrf);
	struct field fs[] = {
		{ .name = "old", .label = "目前密碼", .type = "password", .required = 1, .maxlength = PASSWORD_MAX, .autocomplete = "current-password" },
		{ .name = "new", .label = "新密碼（至少 10 個字元）", .type = "password", .required = 1, .maxlength = PASSWORD_MAX, .autocomplete = "new-password" },
		{ .name = "new2", .label = "再輸入一次新密碼", .type = "password", .required = 1, .maxlength = PASSWORD_MAX, .autocomplete = "new-password" },
	};
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		form_field(req, f, &fs[i]);
	html(o, "<div class=\"actions\"><button type=\"submit\">變更密碼</button></div></form>");
	layout_end(req);
}

/*
 * 變更密碼 shares login's lockout: a wrong current password is a failed
 * login, and five wrong in 15 minutes (login and this page together) lock
 * the account for 30 minutes.  While locked the current password is not
 * checked at all.  The session itself goes on.  Every wrong current
 * password, and the lock, are in the audit trail.
 */
static const char OLD_LOCKED[] =
	"目前密碼連續輸入錯誤，帳號已暫時鎖定 30 分鐘，期間無法變更密碼，也無法重新登入"
	"（30 分鐘後自動解除，或請洽縣市盤查小組解鎖）。";

/* Checks the current password under the lockout; sets the field's error.  0, or -1 on a database error. */
static int check_old_password(struct request *req, struct form *f, const char *hash, const struct form_val *old)
{
	struct db *db = &req->app->db;
	long long account = req->session->account_id, agency = req->session->agency_id;
	int locked, failures;

	if (!old->raw || !*old->raw) {
		form_error(f, "old", "請輸入目前密碼。");
		return 0;
	}
	if (store_session_count_failure(db, account, &locked))
		return -1;
	if (locked) {
		form_error(f, "old", OLD_LOCKED);
		return audit_add(req, agency, 0, "變更密碼", NULL, "帳號鎖定中，未檢查目前密碼");
	}
	/* Only what 變更密碼 could have set can be right: it is not verified otherwise, but counted all the same. */
	if (old->set && password_verify(hash, old->raw, strlen(old->raw)))
		return store_session_clear_failures(db, account);
	if (store_session_lock_state(db, account, &locked, &failures) != 1)
		return -1;
	log_warn("password change: wrong current password for account %lld from %s%s", account,
		 req->remote_addr ? req->remote_addr : "?", locked ? " (now locked)" : "");
	if (locked) {
		form_error(f, "old", OLD_LOCKED);
		return audit_add(req, agency, 0, "變更密碼", NULL,
				 arena_printf(&req->arena, "目前密碼錯誤，連續 %d 次，帳號鎖定 30 分鐘", LOCK_FAILURES));
	}
	form_error(f, "old", arena_printf(&req->arena, "目前密碼不正確。再錯 %d 次，帳號將鎖定 30 分鐘。", LOCK_FAILURES - failures));
	return audit_add(req, agency, 0, "變更密碼", NULL, arena_printf(&req->arena, "目前密碼錯誤（15 分鐘內第 %d 次）", failures));
}

/* A new password as typed: valid text, unchanged by normalising (no spaces around it), PASSWORD_MIN characters. */
static int new_password_ok(const struct form_val *v)
{
	return v->set && strlen(v->s) == strlen(v->raw) && input_chars(v->raw) >= PASSWORD_MIN;
}

/* The new password, every other session ended and the audit line, in one transaction.  0 / -1. */
static int password_save(struct request *req, const char *nw)
{
	struct db *db = &req->app->db;
	long long id = req->session->account_id;
	char hash[PASSWORD_HASH_MAX];

	if (password_hash(nw, strlen(nw), hash) || db_begin(db))
		return -1;
	/* Every other session of this account ends; this one goes on. */
	if (store_account_set_password(db, id, hash) || store_session_delete_others(db, id, session_token(req)) ||
	    audit_add(req, req->session->agency_id, 0, "密碼", NULL, "已變更") || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int page_password(struct request *req)
{
	const struct form_val *in = req->in;
	const char *old = in[PW_OLD].raw, *nw = in[PW_NEW].raw, *nw2 = in[PW_NEW2].raw;
	struct form f = { .nerr = 0 };
	char hash[129];

	if (req->method != METHOD_POST) {
		render_password(req, NULL);
		return req->status;
	}
	if (store_account_password_hash(&req->app->db, req->session->account_id, hash) != 1 ||
	    check_old_password(req, &f, hash, &in[PW_OLD]))
		return routes_unavailable(req, "password");
	if (!new_password_ok(&in[PW_NEW]))
		form_error(&f, "new", NEW_BAD);
	else if (old && !strcmp(old, nw))
		form_error(&f, "new", "新密碼不可與目前密碼相同。");
	if (!nw2 || strcmp(nw ? nw : "", nw2))
		form_error(&f, "new2", "兩次輸入的新密碼不一致。");
	if (f.nerr) {
		req->status = 400;
		render_password(req, &f);
		return req->status;
	}
	if (password_save(req, nw))
		return routes_unavailable(req, "password");
	return redirect(req, "/password?saved=1");
}

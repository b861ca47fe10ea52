/* page_admin_accounts.c: 盤查小組帳號 and 平台管理者帳號 (/admin/accounts, ?county= a letter for a
 * county's team, none for the admins): the personal accounts, 建立帳號 with a one-time password,
 * 重設密碼, 鎖定 / 解除鎖定, 停用 / 重新啟用; each action its own route, each audited. */
#include <string.h>
#include <strings.h>

#include "counties.h"
#include "form.h"
#include "html.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "store_account.h"
#include "store_console.h"
#include "store_session.h"

/*
 * DESIGN: every member of a county's team has an account of their own
 * (accounts.kind 'team', their name in display_name), as every admin
 * does, so the audit trail names a person.  A new account and a reset one
 * get a one-time password, shown once and changed at first login.  The
 * admin's lock (鎖定) holds until the admin lifts it, where failed logins
 * lock for 30 minutes; locking, deactivating and resetting end the
 * account's sessions in the same transaction.  The console never takes the
 * platform's last usable admin away, nor lets an admin lock themselves out.
 */

#define LOGIN_MAX STORE_CONSOLE_LOGIN_MAX
#define NAME_MAX_CHARS 50

static const char LOGIN_BAD[] = "帳號須為 2 至 40 個英文字母、數字或 . _ -，且以字母或數字開頭。";
static const char NAME_BAD[] = "請填寫使用者姓名（50 字以內）。";

enum { ACC_COUNTY, ACC_DONE, ACC__MAX };
static const char *const acc_done_keys[] = { "locked", "unlocked", "deactivated", "reactivated", NULL };
static const struct form_key admin_accounts_keys[ACC__MAX] = {
	[ACC_COUNTY] = { "county", FORM_TEXT, 0, .max = 1 },
	[ACC_DONE] = { "done", FORM_ENUM, 0, .choices = acc_done_keys },
};
const struct form_decl admin_accounts_in = FORM_DECL(admin_accounts_keys);

enum { NEW_COUNTY, NEW_LOGIN, NEW_NAME, NEW__MAX };
static const struct form_key admin_account_create_keys[NEW__MAX] = {
	[NEW_COUNTY] = { "county", FORM_TEXT, 0, .max = 1 },
	[NEW_LOGIN] = { "login", FORM_TEXT, FORM_REQUIRED, .max = LOGIN_MAX, .msg = LOGIN_BAD },
	[NEW_NAME] = { "name", FORM_TEXT, FORM_REQUIRED, .max = NAME_MAX_CHARS, .msg = NAME_BAD },
};
const struct form_decl admin_account_create_in = FORM_DECL(admin_account_create_keys);

enum { ONE_COUNTY, ONE_ACCOUNT, ONE__MAX };
static const struct form_key admin_account_keys[ONE__MAX] = {
	[ONE_COUNTY] = { "county", FORM_TEXT, 0, .max = 1 },
	[ONE_ACCOUNT] = { "account", FORM_ID, FORM_REQUIRED },
};
const struct form_decl admin_account_in = FORM_DECL(admin_account_keys);

/* The list's county: its id, letter and name, or the admins (id 0). */
struct scope {
	int id;
	const char *letter;   /* "" for the admins */
	const char *name;
};

/* What the page shows besides the list. */
struct accounts_view {
	const char *flash, *flash_kind;
	const char *otp, *otp_who;           /* a one-time password just set, and for whom */
	const struct form *f;                /* the create form's errors, or NULL */
	const char *login, *name;            /* the create form's values as typed */
};

/* The scope the request names (its county field k): 1, 0 no such county (404 written), -1 database. */
static int scope_of(struct request *req, int k, struct scope *s)
{
	const struct form_val *c = &req->in[k];
	int n;
	const struct county *all = counties_all(req->app, &n);

	s->id = 0;
	s->letter = "";
	s->name = "平台管理者";
	if (!c->raw || !*c->raw)
		return 1;
	if (!n)
		return -1;
	for (int i = 0; c->set && i < n; i++) {
		if (!strcasecmp(all[i].letter, c->s)) {   /* z as Z, as the console's other forms take it */
			s->id = all[i].id;
			s->letter = all[i].letter;
			s->name = all[i].name;
			return 1;
		}
	}
	req->status = 404;
	routes_error_page(req);
	return 0;
}

struct rows {
	struct request *req;
	const struct scope *s;
	int n;
};

/* One button of a row: a POST of action to /admin/accounts for the account. */
static void row_button(struct request *req, const struct scope *s, long long id, const char *action, const char *label,
		       const char *cls)
{
	struct strbuf *o = &req->body;

	html(o, "<form method=\"post\" action=\"/admin/accounts\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", action);
	if (*s->letter)
		html_hidden(o, "county", s->letter);
	strbuf_addf(o, "<input type=\"hidden\" name=\"account\" value=\"%lld\"><button type=\"submit\" class=\"%s\">", id, cls);
	html_txt(o, label);
	html(o, "</button></form> ");
}

static int account_row(void *ctx, const struct store_console_account *a)
{
	struct rows *r = ctx;
	struct request *req = r->req;
	struct strbuf *o = &req->body;

	r->n++;
	strbuf_addf(o, "<tr data-account=\"%lld\"><td>", a->id);
	html_txt(o, a->login);
	html(o, "</td><td>");
	html_txt(o, a->display_name);
	html(o, "</td><td>");
	if (!a->active)
		html(o, "<span class=\"status s0\">已停用</span>");
	else if (a->admin_locked)
		html(o, "<span class=\"status s0\">已鎖定</span>");
	else if (a->failures_locked)
		html(o, "<span class=\"status s1\">暫時鎖定（登入失敗）</span>");
	else if (a->must_change_password)
		html(o, "<span class=\"status s1\">待變更密碼</span>");
	else
		html(o, "<span class=\"status s3\">正常</span>");
	html(o, "</td><td>");
	html_txt(o, a->created_at);
	html(o, "</td><td>");
	if (a->active) {
		row_button(req, r->s, a->id, "reset", "重設密碼", "secondary");
		if (a->admin_locked || a->failures_locked)
			row_button(req, r->s, a->id, "unlock", "解除鎖定", "secondary");
		if (!a->admin_locked)
			row_button(req, r->s, a->id, "lock", "鎖定", "secondary");
		row_button(req, r->s, a->id, "deactivate", "停用", "secondary");
	} else {
		row_button(req, r->s, a->id, "reactivate", "重新啟用", "secondary");
	}
	html(o, "</td></tr>");
	return 0;
}

static int render(struct request *req, const struct scope *s, const struct accounts_view *v)
{
	struct strbuf *o = &req->body;
	struct rows r = { .req = req, .s = s };
	const char *title = s->id ? "盤查小組帳號" : "平台管理者帳號";

	layout_begin(req, title, title);
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/admin\">平台管理</a> › ");
	html_txt(o, title);
	html(o, "</nav><h1>");
	if (s->id)
		html_txt(o, s->name);
	html_txt(o, title);
	html(o, "</h1>");
	if (v->flash)
		form_flash(req, v->flash_kind, v->flash);
	if (v->otp) {
		html(o, "<div class=\"flash ok\" role=\"status\">");
		html_txt(o, v->otp_who);
		html(o, " 的一次性密碼（只顯示這一次，首次登入須變更）：<strong id=\"otp\">");
		html_txt(o, v->otp);
		html(o, "</strong></div>");
	}
	html(o, "<table id=\"accounts\"><thead><tr><th>帳號</th><th>使用者</th><th>狀態</th><th>建立時間</th><th>操作</th></tr></thead><tbody>");
	if (store_console_accounts(&req->app->db, s->id, account_row, &r))
		return routes_unavailable(req, "console accounts");
	if (!r.n)
		html(o, "<tr><td colspan=\"5\" class=\"empty\">尚無帳號。</td></tr>");
	html(o, "</tbody></table>");
	html(o, "<form method=\"post\" action=\"/admin/accounts\" id=\"create-account\"><fieldset><legend>建立帳號</legend>");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "create");
	if (*s->letter)
		html_hidden(o, "county", s->letter);
	struct field fl = { .name = "login", .label = "帳號（英文字母、數字或 . _ -）", .value = v->login ? v->login : "",
			    .maxlength = LOGIN_MAX, .required = 1, .autocomplete = "off" };
	struct field fn = { .name = "name", .label = "使用者姓名", .value = v->name ? v->name : "", .maxlength = NAME_MAX_CHARS,
			    .required = 1, .autocomplete = "off" };
	form_field(req, v->f, &fl);
	form_field(req, v->f, &fn);
	html(o, "<div class=\"actions\"><button type=\"submit\">建立帳號</button></div></fieldset></form>");
	if (s->id) {
		html(o, "<p class=\"muted\">登入時選擇縣市「");
		html_txt(o, s->name);
		html(o, "」，帳號填上方帳號；或不選縣市，帳號前加縣市代碼 ");
		html_txt(o, s->letter);
		html(o, "。</p>");
	}
	layout_end(req);
	return req->status;
}

int page_admin_accounts(struct request *req)
{
	static const char *const done[] = { "已鎖定，該帳號已登出。", "已解除鎖定。", "已停用，該帳號已登出。", "已重新啟用。" };
	const struct form_val *d = &req->in[ACC_DONE];
	struct accounts_view v = { .flash = d->set ? done[d->i] : NULL, .flash_kind = "ok" };
	struct scope s;
	int r = scope_of(req, ACC_COUNTY, &s);

	if (r <= 0)
		return r < 0 ? routes_unavailable(req, "counties") : req->status;
	return render(req, &s, &v);
}

int page_admin_account_create(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *login = &req->in[NEW_LOGIN], *name = &req->in[NEW_NAME];
	char pw[13], hash[PASSWORD_HASH_MAX];
	struct scope s;
	long long id = 0;
	int r = scope_of(req, NEW_COUNTY, &s);

	if (r <= 0)
		return r < 0 ? routes_unavailable(req, "counties") : req->status;
	if (login->set && !store_console_login_ok(login->s) && !form_error_of(req->in_err, "login"))
		form_error(req->in_err, "login", LOGIN_BAD);
	if (!req->in_err->nerr) {
		if (password_onetime(pw) || password_hash(pw, 12, hash) || db_begin(db))
			return routes_unavailable(req, "console create");
		r = store_console_add_account(db, s.id, login->s, name->s, hash, req->session->account_id, &id);
		if (r == 0)
			form_error(req->in_err, "login", s.id ? "此縣市已有這個帳號（含機關帳號），請換一個。" : "已有這個平台管理者帳號，請換一個。");
		if (r == 2)
			form_error(req->in_err, "login", s.id
				   ? "已有平台管理者帳號為「縣市代碼＋此帳號」，不選縣市登入時兩者無法區分，請換一個。"
				   : "此帳號等於「縣市代碼＋該縣市既有帳號」，會使該帳號無法不選縣市登入，請換一個。");
		if (r < 0 || (r == 1 && (store_console_audit(db, req->session->account_id, s.id, id, "建立帳號",
							       arena_printf(&req->arena, "%s（%s）", login->s, name->s),
							       req->remote_addr) || db_commit(db)))) {
			db_rollback(db);
			return routes_unavailable(req, "console create");
		}
		if (r == 0 || r == 2)
			db_rollback(db);
	}
	if (req->in_err->nerr) {
		struct accounts_view v = { .flash = "帳號尚未建立：請修正標示的欄位。", .flash_kind = "error", .f = req->in_err,
					   .login = login->raw, .name = name->raw };

		req->status = 400;
		return render(req, &s, &v);
	}
	struct accounts_view v = { .otp = pw, .otp_who = arena_printf(&req->arena, "已建立帳號 %s（%s），", login->s, name->s) };
	return render(req, &s, &v);
}

/*
 * The account posted, locked, when it is of the scope posted (a team
 * account of that county, or an admin account): 1, 0 (404 written,
 * transaction rolled back), -1 database (rolled back).  Opens the
 * transaction the caller commits.
 */
static int posted(struct request *req, struct scope *s, struct store_console_target *t)
{
	struct db *db = &req->app->db;
	int r = scope_of(req, ONE_COUNTY, s);

	if (r <= 0)
		return r;
	if (req->in_err->nerr) {
		req->status = 404;
		routes_error_page(req);
		return 0;
	}
	if (db_begin(db))
		return -1;
	r = store_console_account_lock(db, req->in[ONE_ACCOUNT].i, s->id, t);
	if (r <= 0) {
		db_rollback(db);
		if (r == 0) {
			req->status = 404;
			routes_error_page(req);
		}
	}
	return r;
}

/* The list again with a refusal (409), the transaction rolled back. */
static int refuse(struct request *req, const struct scope *s, const char *why)
{
	struct accounts_view v = { .flash = why, .flash_kind = "error" };

	db_rollback(&req->app->db);
	req->status = 409;
	return render(req, s, &v);
}

/* Whether taking account id off (lock, deactivate) would leave the platform without a usable admin: a refusal or NULL. */
static const char *keeps_an_admin(struct request *req, const struct scope *s, long long id, int *err)
{
	int others;

	*err = 0;
	if (s->id)
		return NULL;
	if (id == req->session->account_id)
		return "不可鎖定或停用自己的帳號。";
	others = store_console_other_admins(&req->app->db, id);
	if (others < 0)
		*err = 1;
	return others == 0 ? "須至少保留一個可登入的平台管理者帳號。" : NULL;
}

enum change { CHANGE_LOCK, CHANGE_UNLOCK, CHANGE_DEACTIVATE, CHANGE_REACTIVATE };

/* Tries of a change that met a deadlock (two admins locking each other at once: InnoDB picks one). */
#define CHANGE_TRIES 3

static int change(struct request *req, enum change what)
{
	static const char *const fields[] = { "鎖定帳號", "解除鎖定", "停用帳號", "重新啟用帳號" };
	static const char *const done[] = { "locked", "unlocked", "deactivated", "reactivated" };
	struct db *db = &req->app->db;
	long long id = req->in[ONE_ACCOUNT].i;
	struct store_console_target t;
	struct scope s;
	const char *why = NULL;
	int r, err = 0;

	for (int try = 0; try < CHANGE_TRIES; try++) {
		r = posted(req, &s, &t);
		if (r <= 0)
			return r < 0 ? routes_unavailable(req, "console account") : req->status;
		if (what == CHANGE_LOCK || what == CHANGE_DEACTIVATE)
			why = keeps_an_admin(req, &s, id, &err);
		if (why && !err)
			return refuse(req, &s, why);
		if (!err) {
			r = what == CHANGE_LOCK || what == CHANGE_UNLOCK ? store_console_set_locked(db, id, what == CHANGE_LOCK)
									 : store_console_set_active(db, id, what == CHANGE_REACTIVATE);
			err = r || ((what == CHANGE_LOCK || what == CHANGE_DEACTIVATE) && store_session_delete_account(db, id)) ||
			      store_console_audit(db, req->session->account_id, s.id, id, fields[what], t.login, req->remote_addr) ||
			      db_commit(db);
		}
		if (!err)
			return redirect(req, arena_printf(&req->arena, "/admin/accounts?%s%s%sdone=%s", *s.letter ? "county=" : "",
							  s.letter, *s.letter ? "&" : "", done[what]));
		db_rollback(db);
		if (!db_err_contention(db))
			break;
	}
	return routes_unavailable(req, "console account");
}

int page_admin_account_lock(struct request *req)
{
	return change(req, CHANGE_LOCK);
}

int page_admin_account_unlock(struct request *req)
{
	return change(req, CHANGE_UNLOCK);
}

int page_admin_account_deactivate(struct request *req)
{
	return change(req, CHANGE_DEACTIVATE);
}

int page_admin_account_reactivate(struct request *req)
{
	return change(req, CHANGE_REACTIVATE);
}

int page_admin_account_reset(struct request *req)
{
	struct db *db = &req->app->db;
	long long id = req->in[ONE_ACCOUNT].i;
	struct store_console_target t;
	struct scope s;
	char pw[13], hash[PASSWORD_HASH_MAX];
	int r;

	/* Hashed before the transaction: argon2 takes a while, and holds no lock meanwhile. */
	if (password_onetime(pw) || password_hash(pw, 12, hash))
		return routes_unavailable(req, "console reset");
	r = posted(req, &s, &t);
	if (r <= 0)
		return r < 0 ? routes_unavailable(req, "console reset") : req->status;
	if (!t.active)
		return refuse(req, &s, "停用的帳號須先重新啟用，才能重設密碼。");
	if (id == req->session->account_id)
		return refuse(req, &s, "自己的密碼請用「變更密碼」變更。");
	if (store_account_reset_password(db, id, hash) || store_session_delete_account(db, id) ||
	    store_console_audit(db, req->session->account_id, s.id, id, "重設密碼", t.login, req->remote_addr) || db_commit(db)) {
		db_rollback(db);
		return routes_unavailable(req, "console reset");
	}
	struct accounts_view v = { .otp = pw, .otp_who = arena_printf(&req->arena, "已重設 %s 的密碼，", t.login) };
	return render(req, &s, &v);
}

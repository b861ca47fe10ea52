/* page_account.c: 帳號維護 (agency name and contact) and 變更密碼. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "form.h"
#include "html.h"
#include "input.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "util.h"

enum { C_FULL_NAME, C_NAME, C_PHONE, C_FAX, C_EMAIL, C__MAX };
static const struct {
	const char *name;
	const char *column;
	const char *label;
	int max;
	int required;
} contact[C__MAX] = {
	[C_FULL_NAME] = { "full_name", "full_name", "機關/單位名稱(全名)", 200, 1 },
	[C_NAME] = { "contact_name", "contact_name", "姓名", 50, 1 },
	[C_PHONE] = { "contact_phone", "contact_phone", "連絡電話", 30, 1 },
	[C_FAX] = { "contact_fax", "contact_fax", "傳真電話", 30, 0 },
	[C_EMAIL] = { "contact_email", "contact_email", "Email", 254, 1 },
};

static int load_contact(struct request *req, const char *v[C__MAX])
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT IFNULL(full_name, name), IFNULL(contact_name, ''), IFNULL(contact_phone, ''),"
		" IFNULL(contact_fax, ''), IFNULL(contact_email, '') FROM agencies WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->agency_id);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	for (int i = 0; i < C__MAX; i++)
		v[i] = arena_strdup(&req->arena, db_col_text(st, i, NULL));
	db_reset(st);
	return 0;
}

static void render_account(struct request *req, const struct form *f, const char *v[C__MAX], const char *flash)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "帳號維護", "帳號維護");
	html(o, "<h1>帳號維護</h1><p class=\"muted\">您的位置：城市盤查 - 帳號維護 &gt;&gt;&gt; 修改。"
		"填報資料前，請先完成業務承辦聯絡資訊（必填）。</p>");
	if (flash)
		form_flash(req, "ok", flash);
	if (f && f->nerr)
		form_flash(req, "error", "資料未存檔：請修正標示的欄位。");
	html(o, "<form method=\"post\" action=\"/account\" novalidate>");
	html_hidden(o, "csrf", req->csrf);
	html(o, "<fieldset><legend>一、基本資料</legend>");
	struct field fd = { .name = contact[C_FULL_NAME].name, .label = contact[C_FULL_NAME].label,
			    .value = v[C_FULL_NAME], .maxlength = 200, .required = 1 };
	form_field(req, f, &fd);
	html(o, "</fieldset><fieldset><legend>二、業務承辦聯絡資訊</legend>");
	for (int i = C_NAME; i < C__MAX; i++) {
		struct field c = { .name = contact[i].name, .label = contact[i].label, .value = v[i],
				   .maxlength = contact[i].max, .required = contact[i].required,
				   .type = i == C_EMAIL ? "email" : (i == C_PHONE || i == C_FAX) ? "tel" : "text",
				   .autocomplete = i == C_EMAIL ? "email" : i == C_NAME ? "name" : i == C_PHONE ? "tel" : NULL };
		form_field(req, f, &c);
	}
	html(o, "</fieldset><div class=\"actions\"><button type=\"submit\">存檔</button>"
		"<a class=\"button secondary\" href=\"/\">放棄</a></div></form>");
	html(o, "<p><a href=\"/password\">變更密碼</a></p>");
	layout_end(req);
}

int page_account(struct request *req)
{
	struct db *db = &req->app->db;
	const char *old[C__MAX], *v[C__MAX];
	struct form f = { .nerr = 0 };
	struct db_stmt *st;

	if (load_contact(req, old))
		goto unavailable;
	if (req->method != METHOD_POST) {
		render_account(req, NULL, old, req_arg(req, "saved") ? "已存檔。" : NULL);
		return req->status;
	}
	for (int i = 0; i < C__MAX; i++) {
		const char *raw = query_get(&req->form, contact[i].name);
		size_t len = raw ? strlen(raw) : 0;
		enum input_err e;

		if (i == C_EMAIL)
			e = input_email(&req->arena, raw, len, &v[i]);
		else if (i == C_PHONE || i == C_FAX)
			e = input_phone(&req->arena, raw, len, (size_t)contact[i].max, &v[i]);
		else
			e = input_text(&req->arena, raw, len, (size_t)contact[i].max, 0, &v[i]);
		if (e == INPUT_EMPTY && !contact[i].required)
			e = INPUT_OK;
		if (e) {
			/* Give back exactly what was typed. */
			v[i] = raw ? raw : "";
			form_error(&f, contact[i].name, input_message(e));
		}
	}
	if (f.nerr) {
		req->status = 400;
		render_account(req, &f, v, NULL);
		return req->status;
	}
	if (db_begin(db))
		goto unavailable;
	st = db_prepare(db, "UPDATE agencies SET full_name = ?, contact_name = ?, contact_phone = ?,"
			    " contact_fax = NULLIF(?, ''), contact_email = ?, contact_updated_at = NOW() WHERE id = ?");
	if (!st)
		goto rollback;
	for (int i = 0; i < C__MAX; i++)
		db_bind_text(st, i, v[i]);
	db_bind_int(st, C__MAX, req->session->agency_id);
	if (db_exec(st))
		goto rollback;
	for (int i = 0; i < C__MAX; i++)
		if (strcmp(old[i], v[i]) &&
		    audit_add(req, req->session->agency_id, 0, arena_printf(&req->arena, "帳號維護.%s", contact[i].label), old[i], v[i]))
			goto rollback;
	if (db_commit(db))
		goto unavailable;
	redirect(req, "/account?saved=1");
	return req->status;
rollback:
	db_rollback(db);
unavailable:
	error("account: %s", db->errstr);
	req->status = 503;
	routes_error_page(req);
	return req->status;
}

static void render_password(struct request *req, const struct form *f)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "變更密碼", "變更密碼");
	html(o, "<h1>變更密碼</h1>");
	if (req->session->must_change_password)
		form_flash(req, "error", "這是您第一次登入（或密碼已由盤查小組重設），請先設定新密碼。");
	if (req_arg(req, "saved"))
		form_flash(req, "ok", "密碼已變更，其他裝置上的登入已全部登出。");
	html(o, "<form method=\"post\" action=\"/password\" novalidate>");
	html_hidden(o, "csrf", req->csrf);
	struct field fs[] = {
		{ .name = "old", .label = "目前密碼", .type = "password", .required = 1, .maxlength = 200, .autocomplete = "current-password" },
		{ .name = "new", .label = "新密碼（至少 10 個字元）", .type = "password", .required = 1, .maxlength = 200, .autocomplete = "new-password" },
		{ .name = "new2", .label = "再輸入一次新密碼", .type = "password", .required = 1, .maxlength = 200, .autocomplete = "new-password" },
	};
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		form_field(req, f, &fs[i]);
	html(o, "<div class=\"actions\"><button type=\"submit\">變更密碼</button></div></form>");
	layout_end(req);
}

/*
 * 變更密碼 shares login's lockout (session.h): a wrong current password is a
 * failed login, so a stolen session cannot be used to guess the password
 * faster than the login form allows, and five wrong in 15 minutes (login
 * and this page together) lock the account for 30 minutes.  While locked
 * the current password is not checked at all.  The session itself goes on.
 * Every wrong current password, and the lock, are in the audit trail.
 */
static const char OLD_LOCKED[] =
	"目前密碼連續輸入錯誤，帳號已暫時鎖定 30 分鐘，期間無法變更密碼，也無法重新登入"
	"（30 分鐘後自動解除，或請洽縣市盤查小組解鎖）。";

/* Checks the current password under the lockout; sets the field's error.  0, or -1 on a database error. */
static int check_old_password(struct request *req, struct form *f, const char *hash, const char *old, size_t ol)
{
	struct db *db = &req->app->db;
	long long account = req->session->account_id, agency = req->session->agency_id;
	int locked, failures;

	if (!old || !ol) {
		form_error(f, "old", "請輸入目前密碼。");
		return 0;
	}
	if (session_count_failure(db, account, &locked))
		return -1;
	if (locked) {
		form_error(f, "old", OLD_LOCKED);
		return audit_add(req, agency, 0, "變更密碼", NULL, "帳號鎖定中，未檢查目前密碼");
	}
	if (ol <= 200 && password_verify(hash, old, ol))
		return session_clear_failures(db, account);
	if (session_account_locked(db, account, &locked, &failures))
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

int page_password(struct request *req)
{
	struct db *db = &req->app->db;
	struct form f = { .nerr = 0 };
	size_t ol = 0, nl = 0, n2l = 0;
	const char *old, *nw, *nw2;
	char hash[PASSWORD_HASH_MAX], newhash[PASSWORD_HASH_MAX];
	struct db_stmt *st;

	if (req->method != METHOD_POST) {
		render_password(req, NULL);
		return req->status;
	}
	old = query_getn(&req->form, "old", &ol);
	nw = query_getn(&req->form, "new", &nl);
	nw2 = query_getn(&req->form, "new2", &n2l);
	st = db_prepare(db, "SELECT password_hash FROM accounts WHERE id = ?");
	if (!st)
		goto unavailable;
	db_bind_int(st, 0, req->session->account_id);
	if (db_exec(st) || db_step(st) != 1)
		goto unavailable;
	snprintf(hash, sizeof(hash), "%s", db_col_text(st, 0, NULL));
	db_reset(st);

	if (check_old_password(req, &f, hash, old, ol))
		goto unavailable;
	const char *norm = NULL;
	if (!nw || nl < 10 || input_text(&req->arena, nw, nl, 200, 0, &norm) || strlen(norm) != nl ||
	    input_chars(nw) < 10)
		form_error(&f, "new", "新密碼至少需 10 個字元，且不可含控制字元或前後空白。");
	else if (old && ol == nl && !memcmp(old, nw, nl))
		form_error(&f, "new", "新密碼不可與目前密碼相同。");
	if (!nw2 || n2l != nl || (nw && memcmp(nw, nw2, nl)))
		form_error(&f, "new2", "兩次輸入的新密碼不一致。");
	if (f.nerr) {
		req->status = 400;
		render_password(req, &f);
		return req->status;
	}
	if (password_hash(nw, nl, newhash))
		goto unavailable;
	if (db_begin(db))
		goto unavailable;
	st = db_prepare(db, "UPDATE accounts SET password_hash = ?, must_change_password = 0, password_changed_at = NOW() WHERE id = ?");
	if (!st)
		goto rollback;
	db_bind_text(st, 0, newhash);
	db_bind_int(st, 1, req->session->account_id);
	if (db_exec(st))
		goto rollback;
	/* Every other session of this account ends; this one goes on. */
	st = db_prepare(db, "DELETE FROM sessions WHERE account_id = ? AND token_hash <> UNHEX(SHA2(?, 256))");
	if (!st)
		goto rollback;
	db_bind_int(st, 0, req->session->account_id);
	db_bind_text(st, 1, req_cookie(req, "cityinv_session"));
	if (db_exec(st))
		goto rollback;
	if (audit_add(req, req->session->agency_id, 0, "密碼", NULL, "已變更"))
		goto rollback;
	if (db_commit(db))
		goto unavailable;
	redirect(req, "/password?saved=1");
	return req->status;
rollback:
	db_rollback(db);
unavailable:
	error("password: %s", db->errstr);
	req->status = 503;
	routes_error_page(req);
	return req->status;
}

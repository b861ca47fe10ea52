/* page_team_accounts.c: 機關帳號 (/team/accounts): the county's agency accounts, 解鎖機關帳號 and
 * 重設密碼 (a one-time password shown once), each action its own route. */
#include "audit.h"
#include "form.h"
#include "html.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "store_account.h"
#include "store_session.h"

enum { ACCOUNTS_UNLOCKED, ACCOUNTS__MAX };
static const struct form_key team_accounts_keys[ACCOUNTS__MAX] = {
	[ACCOUNTS_UNLOCKED] = { "unlocked", FORM_FLAG },
};
const struct form_decl team_accounts_in = FORM_DECL(team_accounts_keys);

/* unlock and reset: the account acted on. */
enum { ACCOUNT_ID, ACCOUNT__MAX };
static const struct form_key team_account_keys[ACCOUNT__MAX] = {
	[ACCOUNT_ID] = { "account", FORM_ID, FORM_REQUIRED },
};
const struct form_decl team_account_in = FORM_DECL(team_account_keys);

static int account_row(void *ctx, const struct store_account_row *a)
{
	struct request *req = ctx;
	struct strbuf *o = &req->body;

	html(o, "<tr><td>");
	html_txt(o, a->code);
	html(o, "</td><td>");
	html_txt(o, a->name);
	html(o, "</td><td>");
	html(o, a->locked ? "<span class=\"status s0\">已鎖定</span>" : a->must_change_password ? "待變更密碼" : "正常");
	html(o, "</td><td>");
	for (int reset = 0; reset < 2; reset++) {
		if (!reset && !a->locked)
			continue;
		html(o, "<form method=\"post\" action=\"/team/accounts\" class=\"inline\">");
		html_hidden(o, "csrf", req->csrf);
		strbuf_addf(o, "<input type=\"hidden\" name=\"account\" value=\"%lld\"><input type=\"hidden\" name=\"action\" value=\"%s\">"
			    "<button type=\"submit\" class=\"secondary\">%s</button></form> ", a->id, reset ? "reset" : "unlock",
			    reset ? "重設密碼" : "解鎖機關帳號");
	}
	html(o, "</td></tr>");
	return 0;
}

/* The list, after an unlock, or with the one-time password just set for `who` when otp is not NULL. */
static int accounts_page(struct request *req, int unlocked, const char *otp, const char *who)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "機關帳號", "機關帳號");
	html(o, "<h1>機關帳號</h1>");
	if (unlocked)
		form_flash(req, "ok", "已解鎖。");
	if (otp) {
		html(o, "<div class=\"flash ok\" role=\"status\">已重設 ");
		html_txt(o, who);
		html(o, " 的密碼。一次性密碼（只顯示這一次，首次登入須變更）：<strong id=\"otp\">");
		html_txt(o, otp);
		html(o, "</strong></div>");
	}
	html(o, "<table><thead><tr><th>帳號</th><th>機關單位名稱</th><th>狀態</th><th>操作</th></tr></thead><tbody>");
	if (store_account_each_of_county(&req->app->db, req->session->county_id, account_row, req))
		return routes_unavailable(req, "team accounts");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

int page_team_accounts(struct request *req)
{
	return accounts_page(req, (int)req->in[ACCOUNTS_UNLOCKED].set, NULL, NULL);
}

/* The account posted when it is an agency account of the team's county: 1, else 0 (the page answered), -1 (database). */
static int posted_account(struct request *req, struct store_account_ref *acc)
{
	const struct form_val *id = &req->in[ACCOUNT_ID];
	int r = id->set ? store_account_of_county(&req->app->db, id->i, req->session->county_id, acc) : 0;

	if (r == 0) {
		req->status = 404;
		routes_error_page(req);
	}
	return r;
}

int page_team_unlock(struct request *req)
{
	struct db *db = &req->app->db;
	struct store_account_ref acc;
	int r = posted_account(req, &acc);

	if (r <= 0)
		return r < 0 ? routes_unavailable(req, "team unlock") : req->status;
	if (db_begin(db))
		return routes_unavailable(req, "team unlock");
	if (store_session_clear_failures(db, req->in[ACCOUNT_ID].i) || audit_add(req, acc.agency_id, 0, "解鎖機關帳號", NULL, acc.login) ||
	    db_commit(db)) {
		db_rollback(db);
		return routes_unavailable(req, "team unlock");
	}
	return redirect(req, "/team/accounts?unlocked=1");
}

int page_team_reset(struct request *req)
{
	struct db *db = &req->app->db;
	long long id = req->in[ACCOUNT_ID].i;
	struct store_account_ref acc;
	char pw[13], hash[PASSWORD_HASH_MAX];
	int r = posted_account(req, &acc);

	if (r <= 0)
		return r < 0 ? routes_unavailable(req, "team reset") : req->status;
	if (password_onetime(pw) || password_hash(pw, 12, hash) || db_begin(db))
		return routes_unavailable(req, "team reset");
	/* The new password, every session of the account ended, and the audit line, together. */
	if (store_account_reset_password(db, id, hash) || store_session_delete_account(db, id) ||
	    audit_add(req, acc.agency_id, 0, "重設密碼", NULL, "已重設（一次性密碼）") || db_commit(db)) {
		db_rollback(db);
		return routes_unavailable(req, "team reset");
	}
	return accounts_page(req, 0, arena_strdup(&req->arena, pw), arena_strdup(&req->arena, acc.login));
}

/* page_admin.c: 平台管理 (/admin), the platform operator's console: the counties the platform
 * hosts (開始託管, 停止託管), and 管理紀錄 (/admin/audit), what the admins did. */
#include <string.h>

#include "form.h"
#include "html.h"
#include "routes.h"
#include "session.h"
#include "store_console.h"
#include "store_session.h"

/*
 * DESIGN: hosting.  A county the platform hosts is one whose accounts log
 * in (store_account_find_login) and whose sessions count
 * (STORE_SESSION_WHERE).  Stopping it ends every session of the county in
 * the same transaction as the flag and its audit line, and keeps every
 * figure: hosting it again brings its accounts back as they were.  Hosting
 * a county is the first step of onboarding it; its team accounts are the
 * second (/admin/accounts?county=).
 */

enum { ADMIN_DONE, ADMIN__MAX };
static const char *const admin_done_keys[] = { "hosted", "unhosted", NULL };
static const struct form_key admin_keys[ADMIN__MAX] = {
	[ADMIN_DONE] = { "done", FORM_ENUM, 0, .choices = admin_done_keys },
};
const struct form_decl admin_in = FORM_DECL(admin_keys);

enum { HOST_COUNTY, HOST_CONFIRM, HOST__MAX };
static const struct form_key admin_host_keys[HOST__MAX] = {
	[HOST_COUNTY] = { "county", FORM_TEXT, FORM_REQUIRED, .max = 1 },
	[HOST_CONFIRM] = { "confirm", FORM_FLAG },
};
const struct form_decl admin_host_in = FORM_DECL(admin_host_keys);

static const char UNHOST_CONFIRM[] = "停止託管會登出該縣市所有帳號並使其無法登入（資料保留）：請勾選「確認停止託管」。";

struct counties_view {
	struct request *req;
	const char *refused_letter;   /* the county whose 停止託管 was refused, or NULL */
};

static int county_row(void *ctx, const struct store_console_county *c)
{
	struct counties_view *v = ctx;
	struct request *req = v->req;
	struct strbuf *o = &req->body;
	int refused = v->refused_letter && !strcmp(v->refused_letter, c->letter);

	strbuf_addf(o, "<tr id=\"county-%s\"><td>", c->letter);
	html_txt(o, c->letter);
	html(o, "</td><td>");
	html_txt(o, c->name);
	html(o, "</td><td>");
	if (c->hosted) {
		html(o, "<span class=\"status s3\">託管中</span><br><span class=\"muted\">");
		html_txt(o, c->hosted_at);
		html(o, " 起</span>");
	} else {
		html(o, "<span class=\"status s0\">未託管</span>");
	}
	strbuf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>", c->agencies, c->team_accounts);
	strbuf_addf(o, "<a href=\"/admin/accounts?county=%s\">盤查小組帳號</a> ", c->letter);
	html(o, "<form method=\"post\" action=\"/admin\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", c->hosted ? "unhost" : "host");
	html_hidden(o, "county", c->letter);
	if (c->hosted) {
		strbuf_addf(o, "<label class=\"inline\"><input type=\"checkbox\" name=\"confirm\" value=\"1\"%s> 確認停止託管</label> ",
			    refused ? " aria-invalid=\"true\" aria-describedby=\"unhost-error\"" : "");
		html(o, "<button type=\"submit\" class=\"secondary\">停止託管</button>");
		if (refused) {
			html(o, "<p class=\"field-error\" id=\"unhost-error\">");
			html_txt(o, UNHOST_CONFIRM);
			html(o, "</p>");
		}
	} else {
		html(o, "<button type=\"submit\">開始託管</button>");
	}
	html(o, "</form></td></tr>");
	return 0;
}

/* The console's first page: the counties, after `done`, or with the refusal for county `refused`. */
static int counties_page(struct request *req, const char *flash, const char *refused)
{
	struct strbuf *o = &req->body;
	struct counties_view v = { .req = req, .refused_letter = refused };

	layout_begin(req, "平台管理", "平台管理");
	html(o, "<h1>平台管理：託管縣市</h1>"
		"<p class=\"muted\"><a href=\"/admin/accounts\">平台管理者帳號</a>｜<a href=\"/admin/factors\">係數表</a>｜"
		"<a href=\"/admin/audit\">管理紀錄</a>｜"
		"<a href=\"/admin/content\">網站內容管理</a></p>"
		"<p>縣市加入平台：先「開始託管」，再為盤查小組成員建立個人帳號（一次性密碼，首次登入須變更）。"
		"停止託管的縣市無法登入，資料保留。</p>");
	if (flash)
		form_flash(req, refused ? "error" : "ok", flash);
	html(o, "<table id=\"counties\"><thead><tr><th>代碼</th><th>縣市</th><th>狀態</th><th class=\"num\">機關數</th>"
		"<th class=\"num\">盤查小組帳號</th><th>操作</th></tr></thead><tbody>");
	if (store_console_counties(&req->app->db, county_row, &v))
		return routes_unavailable(req, "console counties");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

int page_admin(struct request *req)
{
	static const char *const done[] = { "已開始託管。", "已停止託管，該縣市的帳號均已登出。" };
	const struct form_val *d = &req->in[ADMIN_DONE];

	return counties_page(req, d->set ? done[d->i] : NULL, NULL);
}

/* 開始託管 (host 1) or 停止託管 (0) of the county posted. */
static int set_hosted(struct request *req, int hosted)
{
	struct db *db = &req->app->db;
	const struct form_val *letter = &req->in[HOST_COUNTY];
	int id, was, r;

	if (req->in_err->nerr) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (!hosted && !req->in[HOST_CONFIRM].i) {
		req->status = 400;
		return counties_page(req, "尚未停止託管：請見下方說明。", letter->s);
	}
	if (db_begin(db))
		return routes_unavailable(req, "console hosting");
	r = store_console_county_lock(db, letter->s, &id, &was);
	if (r == 0) {
		db_rollback(db);
		req->status = 404;
		return routes_error_page(req);
	}
	/* Already so (a second click, another admin): nothing to change, nothing to audit. */
	if (r < 0 || (was != hosted && (store_console_set_hosted(db, id, hosted) ||
					(!hosted && store_session_delete_county(db, id)) ||
					store_console_audit(db, req->session->account_id, id, 0, hosted ? "開始託管" : "停止託管",
							    NULL, req->remote_addr))) ||
	    db_commit(db)) {
		db_rollback(db);
		return routes_unavailable(req, "console hosting");
	}
	return redirect(req, hosted ? "/admin?done=hosted" : "/admin?done=unhosted");
}

int page_admin_host(struct request *req)
{
	return set_hosted(req, 1);
}

int page_admin_unhost(struct request *req)
{
	return set_hosted(req, 0);
}

static int audit_row(void *ctx, const struct store_console_audit_line *l)
{
	struct strbuf *o = ctx;

	html(o, "<tr><td>");
	html_txt(o, l->at);
	html(o, "</td><td>");
	html_txt(o, l->by);
	html(o, "</td><td>");
	html_txt(o, l->county);
	html(o, "</td><td>");
	html_txt(o, l->subject);
	html(o, "</td><td>");
	html_txt(o, l->field);
	html(o, "</td><td>");
	html_txt(o, l->value);
	html(o, "</td><td>");
	html_txt(o, l->client_addr);
	html(o, "</td></tr>");
	return 0;
}

int page_admin_audit(struct request *req)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "管理紀錄", "管理紀錄");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/admin\">平台管理</a> › 管理紀錄</nav>"
		"<h1>管理紀錄</h1><p class=\"muted\">平台管理者的操作，最新的 300 筆。</p>"
		"<table id=\"console-audit\"><thead><tr><th>時間</th><th>管理者</th><th>縣市</th><th>帳號</th><th>操作</th>"
		"<th>內容</th><th>來源位址</th></tr></thead><tbody>");
	if (store_console_audit_lines(&req->app->db, audit_row, o))
		return routes_unavailable(req, "console audit");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

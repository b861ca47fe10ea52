/* layout.c: the page frame: header, the menu of the public site, the login box, footer.
 *
 * DESIGN: every piece of the frame sits in a landmark (banner, the two navigations 主選單
 * and 現在位置, main, the login box's complementary, contentinfo), so a screen reader's
 * list of regions covers the whole page; tests/browser/ checks each page with axe-core. */
#include <string.h>

#include "counties.h"
#include "html.h"
#include "routes.h"
#include "session.h"
#include "years.h"

static const struct {
	const char *path;
	const char *label;
} menu[] = {
	{ "/", "首頁" },
	{ "/intl", "國際資訊" },
	{ "/glossary", "專用名詞" },
	{ "/cases", "案例分享" },
	{ "/downloads", "資訊下載" },
	{ "/faq", "常見問題" },
	{ "/public", "公開資訊" },
};

void layout_begin(struct request *req, const char *title, const char *crumb)
{
	struct strbuf *o = &req->body;

	html(o, "<!DOCTYPE html>\n<html lang=\"zh-Hant-TW\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>");
	if (title) {
		html_txt(o, title);
		html(o, " － ");
	}
	html(o, "城市層級溫室氣體盤查平台</title>\n"
		"<link rel=\"stylesheet\" href=\"/static/cityinv.css\">\n"
		"</head>\n<body>\n"
		"<a class=\"skip\" href=\"#main\">跳到主要內容</a>\n"
		"<header class=\"site\"><div class=\"wrap\">"
		"<a class=\"brand\" href=\"/\"><span class=\"logo\" aria-hidden=\"true\">CO₂</span>"
		"<span><strong>城市層級溫室氣體盤查平台</strong>"
		"<small>政府機關溫室氣體盤查 · 填報 · 彙整 · 公開</small></span></a>"
		"</div></header>\n<nav class=\"menu\" aria-label=\"主選單\"><ul class=\"wrap\">");
	for (size_t i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
		html(o, "<li><a href=\"");
		html_attr(o, menu[i].path);
		html(o, !strcmp(req->path, menu[i].path) ? "\" aria-current=\"page\">" : "\">");
		html_txt(o, menu[i].label);
		html(o, "</a></li>");
	}
	html(o, "</ul></nav>\n<nav class=\"wrap crumbs\" aria-label=\"現在位置\">現在位置：<a href=\"/\">首頁</a>");
	if (crumb) {
		html(o, " &gt; ");
		html_txt(o, crumb);
	}
	html(o, "</nav>\n<div class=\"wrap columns\">\n<main id=\"main\">\n");
}

/* The 系統登入 box of seed 001: 縣市, 帳號, 密碼, 登入. */
static void login_box(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct county *c;
	int n;

	if (req->session) {
		const struct session *s = req->session;

		html(o, "<aside class=\"login\" aria-labelledby=\"login-title\">"
			"<h2 id=\"login-title\">已登入</h2><p class=\"who\">");
		html_txt(o, s->display_name);
		if (s->kind != ACCOUNT_ADMIN) {
			html(o, "<br><span class=\"muted\">");
			html_txt(o, s->county_name);
			html(o, "　帳號 ");
			html_txt(o, s->login);
			html(o, "</span>");
		}
		html(o, "</p><ul class=\"links\">");
		if (s->kind == ACCOUNT_AGENCY)
			html(o, "<li><a href=\"/report\">機關單位登錄</a></li>"
				"<li><a href=\"/review\">所屬機關填報確認</a></li>"
				"<li><a href=\"/account\">帳號維護</a></li>");
		if (s->kind == ACCOUNT_TEAM)
			html(o, "<li><a href=\"/team\">填報情形總覽</a></li>"
				"<li><a href=\"/review\">所屬機關填報確認</a></li>"
				"<li><a href=\"/team/years\">年度管理</a></li>"
				"<li><a href=\"/team/agencies\">機關管理</a></li>"
				"<li><a href=\"/team/activities\">非機關活動</a></li>"
				"<li><a href=\"/team/board\">檢核看板</a></li>"
				"<li><a href=\"/team/inventory\">盤查清冊</a></li>"
				"<li><a href=\"/team/accounts\">機關帳號</a></li>");
		if (s->kind == ACCOUNT_ADMIN)
			html(o, "<li><a href=\"/admin\">平台管理</a></li>"
				"<li><a href=\"/admin/accounts\">平台管理者帳號</a></li>"
				"<li><a href=\"/admin/factors\">係數表</a></li>"
				"<li><a href=\"/admin/audit\">管理紀錄</a></li>"
				"<li><a href=\"/admin/content\">網站內容管理</a></li>");
		html(o, "<li><a href=\"/password\">變更密碼</a></li></ul>"
			"<form method=\"post\" action=\"/logout\">");
		html_hidden(o, "csrf", req->csrf);
		html(o, "<button type=\"submit\" class=\"secondary\">登出</button></form></aside>\n");
		return;
	}
	if (req->session_unread)
		return;   /* a logged-in user's malformed request is not told to log in */
	csrf_ensure(req);
	c = counties_all(req->app, &n);
	html(o, "<aside class=\"login\" aria-labelledby=\"login-title\">"
		"<h2 id=\"login-title\">系統登入</h2>"
		"<form method=\"post\" action=\"/login\">");
	html_hidden(o, "csrf", req->csrf);
	if (req->login_error) {
		html(o, "<p class=\"flash error\" role=\"alert\">");
		html_txt(o, req->login_error);
		html(o, "</p>");
	}
	html(o, "<p><label for=\"login-county\">縣市</label>"
		"<select id=\"login-county\" name=\"county\"><option value=\"\">請選擇</option>");
	for (int i = 0; i < n; i++)
		html_option(o, c[i].letter, c[i].name,
			    req->login_county && !strcmp(req->login_county, c[i].letter));
	html(o, "</select></p>"
		"<p><label for=\"login-account\">帳號</label>"
		"<input id=\"login-account\" name=\"account\" autocomplete=\"username\" "
		"maxlength=\"40\" required value=\"");
	html_attr(o, req->login_account ? req->login_account : "");
	html(o, "\"></p>"
		"<p><label for=\"login-password\">密碼</label>"
		"<input id=\"login-password\" name=\"password\" type=\"password\" "
		"autocomplete=\"current-password\" maxlength=\"200\" required></p>"
		"<p><button type=\"submit\">登入</button></p>"
		"<p class=\"hint\">未選縣市時，帳號請在前面加上縣市代碼（例：z371036500X）。</p>"
		"</form></aside>\n");
}

void layout_end(struct request *req)
{
	struct strbuf *o = &req->body;

	html(o, "</main>\n");
	login_box(req);
	html(o, "</div>\n<footer class=\"site\"><div class=\"wrap\">"
		"<p>城市層級溫室氣體盤查平台（cityinv）· 政府機關溫室氣體盤查資料之填報、彙整與公開</p>"
		"</div></footer>\n</body>\n</html>\n");
}

int layout_year_page(struct request *req, const char *title, const char *crumb, const char *heading, const char *path)
{
	return layout_year_page_notice(req, title, crumb, heading, path, NULL);
}

int layout_year_page_notice(struct request *req, const char *title, const char *crumb, const char *heading, const char *path,
			     const char *notice)
{
	struct strbuf *o = &req->body;
	struct years ys;

	if (years_get(&req->app->db, &ys))
		return routes_unavailable(req, "the years served");
	layout_begin(req, title, crumb);
	html(o, "<h1>");
	html_txt(o, heading);
	html(o, "：選擇年度</h1>");
	if (notice) {
		html(o, "<p class=\"flash error\" role=\"status\">");
		html_txt(o, notice);
		html(o, "</p>");
	}
	html(o, "<ul class=\"years\">");
	for (int y = ys.last; y >= ys.first; y--) {
		html(o, "<li><a href=\"");
		html_attr(o, path);
		strbuf_addf(o, "?year=%d\">民國 %d 年（%d）</a></li>", y, y - 1911, y);
	}
	html(o, "</ul>");
	layout_end(req);
	return req->status;
}

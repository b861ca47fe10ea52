/* routes.c: the one table of routes, and the dispatcher that enforces its flags. */
#include <string.h>

#include "html.h"
#include "routes.h"
#include "util.h"

#define GET_HEAD (METHOD_GET | METHOD_HEAD)

static const struct route routes[PAGE__MAX] = {
	[PAGE_HOME]      = { "/",          GET_HEAD, ROLE_PUBLIC, 0, page_home },
	[PAGE_INTL]      = { "/intl",      GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_GLOSSARY]  = { "/glossary",  GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_CASES]     = { "/cases",     GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_DOWNLOADS] = { "/downloads", GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_FAQ]       = { "/faq",       GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_PUBLIC]    = { "/public",    GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_HEALTHZ]   = { "/healthz",   GET_HEAD, ROLE_PUBLIC, 0, page_healthz },
};

void routes_error_page(struct request *req)
{
	const char *msg;

	switch (req->status) {
	case 400: msg = "請求格式錯誤，請回上一頁重新操作。"; break;
	case 403: msg = "您沒有權限執行此操作，或表單已逾時，請重新整理頁面後再試。"; break;
	case 404: msg = "找不到您要的頁面。"; break;
	case 405: msg = "不支援此請求方式。"; break;
	case 413: msg = "送出的資料過大。"; break;
	case 503: msg = "系統暫時無法服務，請稍後再試。"; break;
	default: msg = "系統發生錯誤，請稍後再試。"; break;
	}
	strbuf_reset(&req->body);
	req->content_type = "text/html; charset=utf-8";
	layout_begin(req, "錯誤", NULL);
	html(&req->body, "<section class=\"notice error\"><h1>");
	html_int(&req->body, req->status);
	html(&req->body, "</h1><p>");
	html_txt(&req->body, msg);
	html(&req->body, "</p><p><a href=\"/\">回首頁</a></p></section>");
	layout_end(req);
}

void routes_dispatch(struct request *req)
{
	const struct route *r = NULL;

	for (int i = 0; i < PAGE__MAX; i++)
		if (!strcmp(routes[i].path, req->path)) {
			r = &routes[i];
			break;
		}
	if (!r) {
		req->status = 404;
		routes_error_page(req);
		return;
	}
	if (!(r->methods & req->method)) {
		req->status = 405;
		req_header(req, "Allow", r->methods & METHOD_POST ? "POST" : "GET, HEAD");
		routes_error_page(req);
		return;
	}
	if (req->method == METHOD_POST && (r->flags & ROUTE_CSRF) && !csrf_valid(req)) {
		req->status = 403;
		routes_error_page(req);
		return;
	}
	r->handler(req);
}

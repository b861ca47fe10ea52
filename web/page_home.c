/* page_home.c: the home page (首頁): the platform in a paragraph, an agency's 退回 notices, 公告欄 and 縣市成果展現. */
#include "html.h"
#include "routes.h"
#include "session.h"
#include "store_content.h"
#include "store_report.h"
#include "store_year.h"

/* A list of the page as it is written: how many items so far. */
struct tally {
	struct request *req;
	int n;
};

/* One headline of 公告欄 (store_content_headlines' callback). */
static int headline(void *ctx, const struct content_headline *h)
{
	struct tally *t = ctx;
	struct strbuf *o = &t->req->body;

	t->n++;
	html(o, "<li><time>");
	html_txt(o, h->posted_on);
	strbuf_addf(o, "</time> <a href=\"/news#c-%lld\">", h->id);
	html_txt(o, h->title);
	html(o, "</a></li>");
	return 0;
}

/* One published county-year of 縣市成果展現 (store_year_latest_published()'s callback). */
static int result(void *ctx, const struct store_year_latest *p)
{
	struct tally *t = ctx;
	struct strbuf *o = &t->req->body;

	t->n++;
	html(o, "<li><a href=\"/public?county=");
	html_url_arg(o, p->letter);
	strbuf_addf(o, "&amp;year=%d\">", p->year);
	html_txt(o, p->county);
	strbuf_addf(o, " 民國 %d 年盤查成果</a></li>", p->year - 1911);
	return 0;
}

/* One returned report of the logged-in agency (store_report_returned_each's callback). */
static int returned(void *ctx, const struct store_report_returned *r)
{
	struct tally *t = ctx;
	struct strbuf *o = &t->req->body;

	if (!t->n++)
		html(o, "<section aria-labelledby=\"returned-title\" id=\"returned\" class=\"flash error\">"
			"<h2 id=\"returned-title\">退回通知</h2><p>下列報表已被上級機關退回，請依意見修正後存檔（存檔後通知即解除）。</p><ul>");
	strbuf_addf(o, "<li id=\"returned-%d\"><a href=\"/report/edit?year=%d\">民國 %d 年（%d）報表</a>：", r->year, r->year,
		    r->year - 1911, r->year);
	html_txt(o, r->comment);
	html(o, "<br><span class=\"muted\">退回者：");
	html_txt(o, r->by.name);
	if (*r->by.login) {
		html(o, "（");
		html_txt(o, r->by.login);
		html(o, "）");
	}
	html(o, "，");
	html_txt(o, r->by.at);
	html(o, "</span></li>");
	return 0;
}

/* An agency's returned reports, first thing on its home page. */
static int render_returned(struct request *req)
{
	struct tally t = { .req = req };

	if (!req->session || req->session->kind != ACCOUNT_AGENCY)
		return 0;
	if (store_report_returned_each(&req->app->db, req->session->agency_id, returned, &t))
		return -1;
	if (t.n)
		html(&req->body, "</ul></section>\n");
	return 0;
}

int page_home(struct request *req)
{
	struct strbuf *o = &req->body;
	struct tally t = { .req = req };

	layout_begin(req, NULL, NULL);
	html(o, "<section class=\"intro\"><h1>城市層級溫室氣體盤查平台</h1>"
		"<p>各縣市政府機關於本平台登錄年度用電、用油、天然氣、冷媒及滅火器等能資源耗用量，"
		"系統依公告排放係數計算二氧化碳當量，逐級彙整至縣市，並公開盤查成果。</p></section>\n");
	if (render_returned(req))
		return routes_unavailable(req, "home: returned reports");
	html(o, "<section aria-labelledby=\"news-title\" id=\"news\"><h2 id=\"news-title\">公告欄</h2>");
	html(o, "<ul class=\"news\">");
	if (store_content_headlines(&req->app->db, headline, &t))
		return routes_unavailable(req, "content");
	html(o, "</ul>");
	if (!t.n)
		html(o, "<p class=\"empty\">目前沒有公告。</p>");
	else
		html(o, "<p><a href=\"/news\">更多公告</a></p>");
	html(o, "</section>\n<section aria-labelledby=\"results-title\" id=\"results\"><h2 id=\"results-title\">縣市成果展現</h2>");
	t.n = 0;
	html(o, "<ul class=\"results\">");
	if (store_year_latest_published(&req->app->db, result, &t))
		return routes_unavailable(req, "content");
	html(o, "</ul>");
	if (!t.n)
		html(o, "<p class=\"empty\">目前尚無已公開的縣市盤查成果。</p>");
	html(o, "</section>\n");
	layout_end(req);
	return req->status;
}

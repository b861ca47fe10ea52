/* page_home.c: the home page (首頁): the platform in a paragraph, 公告欄 and 縣市成果展現. */
#include "html.h"
#include "routes.h"
#include "store_content.h"
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

int page_home(struct request *req)
{
	struct strbuf *o = &req->body;
	struct tally t = { .req = req };

	layout_begin(req, NULL, NULL);
	html(o, "<section class=\"intro\"><h1>城市層級溫室氣體盤查平台</h1>"
		"<p>各縣市政府機關於本平台登錄年度用電、用油、天然氣、冷媒及滅火器等能資源耗用量，"
		"系統依公告排放係數計算二氧化碳當量，逐級彙整至縣市，並公開盤查成果。</p></section>\n"
		"<section aria-labelledby=\"news-title\" id=\"news\"><h2 id=\"news-title\">公告欄</h2>");
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

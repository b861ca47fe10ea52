/* page_home.c: 首頁: 公告欄, 縣市成果展現 and the login box. */
#include "html.h"
#include "routes.h"

void page_home(struct request *req)
{
	struct strbuf *o = &req->body;

	layout_begin(req, NULL, NULL);
	html(o, "<section class=\"intro\"><h1>城市層級溫室氣體盤查平台</h1>"
		"<p>各縣市政府機關於本平台登錄年度用電、用油、天然氣、冷媒及滅火器等能資源耗用量，"
		"系統依公告排放係數計算二氧化碳當量，逐級彙整至縣市，並公開盤查成果。</p></section>\n"
		"<section aria-labelledby=\"news-title\"><h2 id=\"news-title\">公告欄</h2>"
		"<p class=\"empty\">目前沒有公告。</p></section>\n"
		"<section aria-labelledby=\"results-title\"><h2 id=\"results-title\">縣市成果展現</h2>"
		"<p class=\"empty\">目前尚無已公開的縣市盤查成果。</p></section>\n");
	layout_end(req);
}

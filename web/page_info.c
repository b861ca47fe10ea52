/* page_info.c: the public information pages of the menu (國際資訊 … 公開資訊). */
#include <string.h>

#include "html.h"
#include "routes.h"

static const struct {
	const char *path;
	const char *title;
	const char *lead;
	const char *empty;
} pages[] = {
	{ "/intl", "國際資訊", "國際城市溫室氣體盤查與揭露的相關資訊。", "目前尚無國際資訊。" },
	{ "/glossary", "專用名詞", "溫室氣體盤查常用名詞之中英文對照及解釋。", "目前尚無專用名詞。" },
	{ "/cases", "案例分享", "國內外城市與機關溫室氣體盤查及減量案例。", "目前尚無案例。" },
	{ "/downloads", "資訊下載", "盤查相關工具、指引及會議資料下載。", "目前尚無可下載的檔案。" },
	{ "/faq", "常見問題", "填報與盤查作業的常見問題。", "目前尚無常見問題。" },
	{ "/public", "公開資訊", "各縣市已公開之政府機關溫室氣體盤查成果。", "目前尚無已公開的盤查成果。" },
};

void page_info(struct request *req)
{
	struct strbuf *o = &req->body;

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (strcmp(pages[i].path, req->path))
			continue;
		layout_begin(req, pages[i].title, pages[i].title);
		html(o, "<h1>");
		html_txt(o, pages[i].title);
		html(o, "</h1><p>");
		html_txt(o, pages[i].lead);
		html(o, "</p><p class=\"empty\">");
		html_txt(o, pages[i].empty);
		html(o, "</p>");
		layout_end(req);
		return;
	}
	req->status = 404;
	routes_error_page(req);
}

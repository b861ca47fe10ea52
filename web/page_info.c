/* page_info.c: the public site's content pages (公告欄, 國際資訊, 專用名詞, 案例分享, 資訊下載,
 * 常見問題) and the files of 資訊下載. */
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "content.h"
#include "form.h"
#include "html.h"
#include "routes.h"
#include "store_content.h"
#include "util.h"

/*
 * DESIGN: bodies are Markdown stored as typed and rendered by cmark with
 * its default (safe) options on every view: raw HTML becomes a comment and
 * javascript:/vbscript:/file: links lose their URL, so nothing the admin
 * types can run script (the CSP would refuse inline script anyway).  Files
 * of 資訊下載 are written under files_dir/downloads/ with a random name and
 * an allowed extension (page_admin_content.c), and served by nginx through
 * X-Accel-Redirect with the original name in Content-Disposition.
 */

const struct content_kind content_kinds[CONTENT__MAX] = {
	[CONTENT_NEWS] = { "news", "/news", "公告欄", "平台與盤查作業的最新消息。", "目前沒有公告。" },
	[CONTENT_INTL] = { "intl", "/intl", "國際資訊", "國際城市溫室氣體盤查與揭露的相關資訊。", "目前尚無國際資訊。" },
	[CONTENT_GLOSSARY] = { "glossary", "/glossary", "專用名詞", "溫室氣體盤查常用名詞之中英文對照及解釋。", "目前尚無專用名詞。" },
	[CONTENT_CASE] = { "case", "/cases", "案例分享", "國內外城市與機關溫室氣體盤查及減量案例。", "目前尚無案例。" },
	[CONTENT_DOWNLOAD] = { "download", "/downloads", "資訊下載", "盤查相關工具、指引及會議資料下載。", "目前尚無可下載的檔案。" },
	[CONTENT_FAQ] = { "faq", "/faq", "常見問題", "填報與盤查作業的常見問題。", "目前尚無常見問題。" },
};
const char *const content_kind_keys[CONTENT__MAX + 1] = {
	[CONTENT_NEWS] = "news", [CONTENT_INTL] = "intl", [CONTENT_GLOSSARY] = "glossary",
	[CONTENT_CASE] = "case", [CONTENT_DOWNLOAD] = "download", [CONTENT_FAQ] = "faq", [CONTENT__MAX] = NULL,
};

enum { FILE_ID, FILE__MAX };
static const struct form_key download_file_keys[FILE__MAX] = {
	[FILE_ID] = { "id", FORM_ID, 0, 0, 0, NULL, NULL, NULL },
};
const struct form_decl download_file_in = FORM_DECL(download_file_keys);

/* Markdown to HTML, safely (cmark's default options: no raw HTML, no script URLs). */
static void markdown(struct strbuf *o, const char *md, size_t len)
{
	char *h = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT);

	if (h) {
		strbuf_addstr(o, h);
		free(h);
	}
}

/* A page's list so far. */
struct listing {
	struct request *req;
	const struct content_kind *k;
	int n;
};

/* One item (store_content_list's callback). */
static int item(void *ctx, const struct content_item *it)
{
	struct listing *l = ctx;
	struct strbuf *o = &l->req->body;
	const char *key = l->k->key;

	l->n++;
	strbuf_addf(o, "<article class=\"content %s\" id=\"c-%lld\"><h2>", key, it->id);
	html_txt(o, it->title);
	if (*it->title_en) {
		html(o, " <span class=\"en\" lang=\"en\">");
		html_txt(o, it->title_en);
		html(o, "</span>");
	}
	html(o, "</h2>");
	if (!strcmp(key, "news") || !strcmp(key, "case") || !strcmp(key, "download")) {
		html(o, "<p class=\"muted\"><time>");
		html_txt(o, it->posted_on);
		html(o, "</time></p>");
	}
	markdown(o, it->body_md, it->body_len);
	if (*it->file_name) {
		strbuf_addf(o, "<p><a class=\"button secondary\" href=\"/downloads/file?id=%lld\">下載 ", it->id);
		html_txt(o, it->file_name);
		strbuf_addf(o, "（%lld KB）</a></p>", (it->file_size + 1023) / 1024);
	}
	html(o, "</article>");
	return 0;
}

int page_info(struct request *req)
{
	struct strbuf *o = &req->body;

	for (int i = 0; i < CONTENT__MAX; i++) {
		const struct content_kind *k = &content_kinds[i];
		struct listing l = { .req = req, .k = k };

		if (strcmp(k->path, req->path))
			continue;
		layout_begin(req, k->title, k->title);
		html(o, "<h1>");
		html_txt(o, k->title);
		html(o, "</h1><p>");
		html_txt(o, k->lead);
		html(o, "</p>");
		/* Items newest first (glossary and FAQ in title order), at most 500. */
		if (store_content_list(&req->app->db, k->key, 500, &req->arena, item, &l))
			return routes_unavailable(req, "content");
		if (!l.n) {
			html(o, "<p class=\"empty\">");
			html_txt(o, k->empty);
			html(o, "</p>");
		}
		layout_end(req);
		return req->status;
	}
	req->status = 404;
	return routes_error_page(req);
}

/* 資訊下載: a file, through nginx, after the row says it exists. */
int page_download_file(struct request *req)
{
	struct content_file *cf = arena_alloc(&req->arena, sizeof(*cf));
	struct strbuf cd = STRBUF_INIT;
	const char *ext;
	int r = req->in[FILE_ID].set ? store_content_file(&req->app->db, req->in[FILE_ID].i, cf) : 0;

	if (r < 0)
		return routes_unavailable(req, "content");
	if (!r) {
		req->status = 404;
		return routes_error_page(req);
	}
	strbuf_addstr(&cd, "attachment; filename=\"download\"; filename*=UTF-8''");
	html_url_arg(&cd, cf->file_name);
	req_header(req, "Content-Disposition", cd.buf);
	strbuf_release(&cd);
	req_header(req, "X-Accel-Redirect", arena_printf(&req->arena, "/_files/downloads/%s", cf->file));
	ext = strrchr(cf->file, '.');
	req->content_type = ext && !strcmp(ext, ".pdf") ? "application/pdf" : "application/octet-stream";
	return req->status;
}

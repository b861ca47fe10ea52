/* page_content.c: the public site's content (首頁 公告欄 and 縣市成果展現, 國際資訊, 專用名詞,
 * 案例分享, 資訊下載, 常見問題) and the platform admin's page that keeps it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmark.h>

#include "audit.h"
#include "form.h"
#include "html.h"
#include "input.h"
#include "routes.h"
#include "session.h"
#include "util.h"

/*
 * DESIGN: bodies are Markdown stored as typed and rendered by cmark with
 * its default (safe) options on every view: raw HTML becomes a comment and
 * javascript:/vbscript:/file: links lose their URL, so nothing the admin
 * types can run script (the CSP would refuse inline script anyway).  Files
 * of 資訊下載 are written under files_dir/downloads/ with a random name and
 * an allowed extension, and served by nginx through X-Accel-Redirect with
 * the original name in Content-Disposition.
 */

struct kind {
	const char *key;
	const char *path;
	const char *title;
	const char *lead;
	const char *empty;
};

static const struct kind kinds[] = {
	{ "news", "/news", "公告欄", "平台與盤查作業的最新消息。", "目前沒有公告。" },
	{ "intl", "/intl", "國際資訊", "國際城市溫室氣體盤查與揭露的相關資訊。", "目前尚無國際資訊。" },
	{ "glossary", "/glossary", "專用名詞", "溫室氣體盤查常用名詞之中英文對照及解釋。", "目前尚無專用名詞。" },
	{ "case", "/cases", "案例分享", "國內外城市與機關溫室氣體盤查及減量案例。", "目前尚無案例。" },
	{ "download", "/downloads", "資訊下載", "盤查相關工具、指引及會議資料下載。", "目前尚無可下載的檔案。" },
	{ "faq", "/faq", "常見問題", "填報與盤查作業的常見問題。", "目前尚無常見問題。" },
};
#define NKINDS ((int)(sizeof(kinds) / sizeof(kinds[0])))

static const struct kind *kind_by_key(const char *key)
{
	for (int i = 0; key && i < NKINDS; i++)
		if (!strcmp(kinds[i].key, key))
			return &kinds[i];
	return NULL;
}

static int unavailable(struct request *req)
{
	routes_unavailable(req, "content");
	return req->status;
}

/* Markdown to HTML, safely (cmark's default options: no raw HTML, no script URLs). */
static void markdown(struct strbuf *o, const char *md, size_t len)
{
	char *h = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT);

	if (h) {
		strbuf_addstr(o, h);
		free(h);
	}
}

static void item(struct request *req, const struct kind *k, struct db_stmt *st)
{
	struct strbuf *o = &req->body;
	size_t len;
	const char *body;

	strbuf_addf(o, "<article class=\"content %s\" id=\"c-%lld\"><h2>", k->key, db_col_int(st, 0));
	html_txt(o, db_col_text(st, 1, NULL));
	if (*db_col_text(st, 2, NULL)) {
		html(o, " <span class=\"en\" lang=\"en\">");
		html_txt(o, db_col_text(st, 2, NULL));
		html(o, "</span>");
	}
	html(o, "</h2>");
	if (!strcmp(k->key, "news") || !strcmp(k->key, "case") || !strcmp(k->key, "download")) {
		html(o, "<p class=\"muted\"><time>");
		html_txt(o, db_col_text(st, 4, NULL));
		html(o, "</time></p>");
	}
	body = db_col_text(st, 3, &len);
	markdown(o, body, len);
	if (*db_col_text(st, 5, NULL)) {
		strbuf_addf(o, "<p><a class=\"button secondary\" href=\"/downloads/file?id=%lld\">下載 ", db_col_int(st, 0));
		html_txt(o, db_col_text(st, 5, NULL));
		strbuf_addf(o, "（%lld KB）</a></p>", (db_col_int(st, 6) + 1023) / 1024);
	}
	html(o, "</article>");
}

/* Items of one kind, newest first (glossary and FAQ in title order); at most `limit`. */
static int list(struct request *req, const struct kind *k, int limit)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT id, title, title_en, body_md, DATE_FORMAT(posted_on, '%Y-%m-%d'), IFNULL(file_name, ''), IFNULL(file_size, 0)"
		" FROM site_content WHERE kind = ? ORDER BY IF(kind IN ('glossary', 'faq'), title, '') , posted_on DESC, id DESC LIMIT ?");
	int n = 0;

	if (!st)
		return -1;
	db_bind_text(st, 0, k->key);
	db_bind_int(st, 1, limit);
	if (db_exec(st))
		return -1;
	while (db_step(st) == 1) {
		item(req, k, st);
		n++;
	}
	if (!n) {
		html(&req->body, "<p class=\"empty\">");
		html_txt(&req->body, k->empty);
		html(&req->body, "</p>");
	}
	return 0;
}

int page_info(struct request *req)
{
	struct strbuf *o = &req->body;

	for (int i = 0; i < NKINDS; i++) {
		if (strcmp(kinds[i].path, req->path))
			continue;
		layout_begin(req, kinds[i].title, kinds[i].title);
		html(o, "<h1>");
		html_txt(o, kinds[i].title);
		html(o, "</h1><p>");
		html_txt(o, kinds[i].lead);
		html(o, "</p>");
		if (list(req, &kinds[i], 500))
			return unavailable(req);
		layout_end(req);
		return req->status;
	}
	req->status = 404;
	routes_error_page(req);
	return req->status;
}

int page_home(struct request *req)
{
	struct strbuf *o = &req->body;
	struct db_stmt *st;
	int any = 0;

	layout_begin(req, NULL, NULL);
	html(o, "<section class=\"intro\"><h1>城市層級溫室氣體盤查平台</h1>"
		"<p>各縣市政府機關於本平台登錄年度用電、用油、天然氣、冷媒及滅火器等能資源耗用量，"
		"系統依公告排放係數計算二氧化碳當量，逐級彙整至縣市，並公開盤查成果。</p></section>\n"
		"<section aria-labelledby=\"news-title\" id=\"news\"><h2 id=\"news-title\">公告欄</h2>");
	st = db_prepare(&req->app->db, "SELECT id, title, DATE_FORMAT(posted_on, '%Y-%m-%d') FROM site_content WHERE kind = 'news'"
				       " ORDER BY posted_on DESC, id DESC LIMIT 5");
	if (!st || db_exec(st))
		return unavailable(req);
	html(o, "<ul class=\"news\">");
	while (db_step(st) == 1) {
		any = 1;
		html(o, "<li><time>");
		html_txt(o, db_col_text(st, 2, NULL));
		strbuf_addf(o, "</time> <a href=\"/news#c-%lld\">", db_col_int(st, 0));
		html_txt(o, db_col_text(st, 1, NULL));
		html(o, "</a></li>");
	}
	html(o, "</ul>");
	if (!any)
		html(o, "<p class=\"empty\">目前沒有公告。</p>");
	else
		html(o, "<p><a href=\"/news\">更多公告</a></p>");
	html(o, "</section>\n<section aria-labelledby=\"results-title\" id=\"results\"><h2 id=\"results-title\">縣市成果展現</h2>");
	st = db_prepare(&req->app->db,
		"SELECT c.letter, c.name, y.year FROM inventory_years y JOIN counties c ON c.id = y.county_id"
		" WHERE y.published_at IS NOT NULL ORDER BY y.year DESC, c.id LIMIT 12");
	if (!st || db_exec(st))
		return unavailable(req);
	any = 0;
	html(o, "<ul class=\"results\">");
	while (db_step(st) == 1) {
		any = 1;
		html(o, "<li><a href=\"/public?county=");
		html_url_arg(o, db_col_text(st, 0, NULL));
		strbuf_addf(o, "&amp;year=%lld\">", db_col_int(st, 2));
		html_txt(o, db_col_text(st, 1, NULL));
		strbuf_addf(o, " 民國 %lld 年盤查成果</a></li>", db_col_int(st, 2) - 1911);
	}
	html(o, "</ul>");
	if (!any)
		html(o, "<p class=\"empty\">目前尚無已公開的縣市盤查成果。</p>");
	html(o, "</section>\n");
	layout_end(req);
	return req->status;
}

/* 資訊下載: a file, through nginx, after the row says it exists. */
int page_download_file(struct request *req)
{
	const char *ia = req_arg(req, "id");
	struct db_stmt *st = db_prepare(&req->app->db, "SELECT file, file_name FROM site_content WHERE id = ? AND kind = 'download' AND file IS NOT NULL");
	struct strbuf cd = STRBUF_INIT;
	const char *file, *ext;

	if (!st || (db_bind_int(st, 0, ia ? strtoll(ia, NULL, 10) : 0), db_exec(st)))
		return unavailable(req);
	if (db_step(st) != 1) {
		req->status = 404;
		return routes_error_page(req);
	}
	file = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
	strbuf_addstr(&cd, "attachment; filename=\"download\"; filename*=UTF-8''");
	html_url_arg(&cd, db_col_text(st, 1, NULL));
	db_reset(st);
	req_header(req, "Content-Disposition", cd.buf);
	strbuf_release(&cd);
	req_header(req, "X-Accel-Redirect", arena_printf(&req->arena, "/_files/downloads/%s", file));
	ext = strrchr(file, '.');
	req->content_type = ext && !strcmp(ext, ".pdf") ? "application/pdf" : "application/octet-stream";
	return req->status;
}

/* ---- the admin's page ---- */

static const char *const allowed_ext[] = { ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".csv", ".txt", ".zip" };

/* Writes an uploaded file under files_dir/downloads/; its stored name, or NULL with *why set. */
static const char *store_file(struct request *req, const struct upload *u, const char **why)
{
	const char *ext = strrchr(u->filename, '.');
	unsigned char rnd[12];
	char dir[600], path[700], *name;
	int ok = 0, fd;
	size_t done = 0;

	for (size_t i = 0; ext && i < sizeof(allowed_ext) / sizeof(allowed_ext[0]); i++)
		ok |= !strcasecmp(ext, allowed_ext[i]);
	if (!ok) {
		*why = "只接受 PDF、Office／ODF 文件、CSV、TXT 或 ZIP 檔。";
		return NULL;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		*why = "無法儲存檔案，請稍後再試。";
		return NULL;
	}
	/* A random name with the (allowed, lower-cased) extension: nothing of the upload's name reaches the disk. */
	name = arena_alloc(&req->arena, 40);
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(name + i * 2, 3, "%02x", rnd[i]);
	for (size_t i = 0; ext[i] && i < 8; i++)
		name[24 + i] = (char)((ext[i] >= 'A' && ext[i] <= 'Z') ? ext[i] + 32 : ext[i]), name[25 + i] = '\0';
	snprintf(dir, sizeof(dir), "%s/downloads", req->app->cfg->files_dir);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		*why = "無法儲存檔案，請稍後再試。";
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		*why = "無法儲存檔案，請稍後再試。";
		return NULL;
	}
	while (done < u->len) {
		ssize_t w = write(fd, u->data + done, u->len - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (close(fd) || done != u->len) {
		unlink(path);
		*why = "無法儲存檔案（磁碟空間不足？），請稍後再試。";
		return NULL;
	}
	return name;
}

/* site_content.body_md is a TEXT: 65,535 bytes, fewer than 20,000 four-byte characters. */
#define BODY_MAX_BYTES 65535

struct cvalues {
	const char *title, *title_en, *body, *posted_on;
	long long id, version;
};

static int render_admin(struct request *req, const struct kind *k, const struct cvalues *v, const struct form *f, const char *flash)
{
	struct strbuf *o = &req->body;
	struct db_stmt *st;
	int n = 0;

	layout_begin(req, "網站內容管理", "網站內容管理");
	html(o, "<h1>網站內容管理</h1><nav class=\"tabs\" aria-label=\"內容類別\"><p>");
	for (int i = 0; i < NKINDS; i++) {
		strbuf_addf(o, "%s<a href=\"/admin/content?kind=%s\"%s>", i ? "｜" : "", kinds[i].key, &kinds[i] == k ? " aria-current=\"page\"" : "");
		html_txt(o, kinds[i].title);
		html(o, "</a>");
	}
	html(o, "</p></nav>");
	if (flash)
		form_flash(req, f && f->nerr ? "error" : "ok", flash);
	html(o, "<form method=\"post\" action=\"/admin/content\" enctype=\"multipart/form-data\" id=\"content-form\"><fieldset><legend>");
	html_txt(o, v->id ? "修改：" : "新增：");
	html_txt(o, k->title);
	html(o, "</legend>");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "save");
	html_hidden(o, "kind", k->key);
	strbuf_addf(o, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"version\" value=\"%lld\">", v->id, v->version);
	struct field ft = { .name = "title", .label = !strcmp(k->key, "glossary") ? "名詞（中文）" : !strcmp(k->key, "faq") ? "問題" : "標題",
			    .value = v->title, .maxlength = 200, .required = 1 };
	form_field(req, f, &ft);
	if (!strcmp(k->key, "glossary")) {
		struct field fe = { .name = "title_en", .label = "名詞（英文）", .value = v->title_en, .maxlength = 200, .required = 1 };
		form_field(req, f, &fe);
	}
	struct field fd = { .name = "posted_on", .label = "日期", .value = v->posted_on, .type = "date", .required = 1 };
	form_field(req, f, &fd);
	html(o, "<div class=\"field\"><label for=\"f-body\">內容（Markdown：**粗體**、- 清單、[連結](https://…)；不接受 HTML）</label>"
		"<div class=\"control\"><textarea id=\"f-body\" name=\"body\" rows=\"8\" maxlength=\"20000\"");
	if (form_error_of(f, "body"))
		html(o, " aria-invalid=\"true\"");
	html(o, ">");
	html_txt(o, v->body);
	html(o, "</textarea>");
	if (form_error_of(f, "body")) {
		html(o, "<p class=\"field-error\">");
		html_txt(o, form_error_of(f, "body"));
		html(o, "</p>");
	}
	html(o, "</div></div>");
	if (!strcmp(k->key, "download")) {
		html(o, "<div class=\"field\"><label for=\"f-file\">檔案（PDF、Office／ODF、CSV、TXT、ZIP，4 MB 以內）</label>"
			"<div class=\"control\"><input id=\"f-file\" name=\"file\" type=\"file\">");
		if (form_error_of(f, "file")) {
			html(o, "<p class=\"field-error\">");
			html_txt(o, form_error_of(f, "file"));
			html(o, "</p>");
		}
		html(o, "</div></div>");
	}
	strbuf_addf(o, "<div class=\"actions\"><button type=\"submit\">存檔</button> <a href=\"/admin/content?kind=%s\">取消</a></div></fieldset></form>", k->key);

	st = db_prepare(&req->app->db, "SELECT id, title, DATE_FORMAT(posted_on, '%Y-%m-%d'), version, IFNULL(file_name, '')"
				       " FROM site_content WHERE kind = ? ORDER BY posted_on DESC, id DESC LIMIT 500");
	if (!st || (db_bind_text(st, 0, k->key), db_exec(st)))
		return unavailable(req);
	html(o, "<table id=\"content-list\"><thead><tr><th>日期</th><th>標題</th><th>檔案</th><th></th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		long long id = db_col_int(st, 0);

		n++;
		html(o, "<tr><td>");
		html_txt(o, db_col_text(st, 2, NULL));
		html(o, "</td><td>");
		html_txt(o, db_col_text(st, 1, NULL));
		html(o, "</td><td>");
		html_txt(o, db_col_text(st, 4, NULL));
		strbuf_addf(o, "</td><td><a href=\"/admin/content?kind=%s&amp;edit=%lld\">修改</a> "
			    "<form method=\"post\" action=\"/admin/content\" enctype=\"multipart/form-data\" class=\"inline\">", k->key, id);
		html_hidden(o, "csrf", req->csrf);
		html_hidden(o, "action", "delete");
		html_hidden(o, "kind", k->key);
		strbuf_addf(o, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"version\" value=\"%lld\">"
			    "<button type=\"submit\" class=\"secondary\">刪除</button></form></td></tr>", id, db_col_int(st, 3));
	}
	if (!n)
		html(o, "<tr><td colspan=\"4\" class=\"empty\">尚無內容。</td></tr>");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

static int admin_save(struct request *req, const struct kind *k)
{
	struct db *db = &req->app->db;
	struct cvalues v = { .title = req_str(req, "title"), .title_en = req_str(req, "title_en"), .body = req_str(req, "body"),
			     .posted_on = req_str(req, "posted_on"), .id = strtoll(req_str(req, "id"), NULL, 10),
			     .version = strtoll(req_str(req, "version"), NULL, 10) };
	struct form f = { .nerr = 0 };
	const char *title = "", *title_en = "", *body = "", *file = NULL, *why = NULL, *fname = "";
	const char *posted_on = "";
	const struct upload *u = NULL;
	enum input_err e;
	struct db_stmt *st;

	if (input_text(&req->arena, v.title, strlen(v.title), 200, 0, &title))
		form_error(&f, "title", "請填寫標題（200 字以內）。");
	if (!strcmp(k->key, "glossary") && input_text(&req->arena, v.title_en, strlen(v.title_en), 200, 0, &title_en))
		form_error(&f, "title_en", "請填寫英文名詞（200 字以內）。");
	if (input_text(&req->arena, v.body, strlen(v.body), 20000, INPUT_MULTILINE, &body) > INPUT_EMPTY)
		form_error(&f, "body", "內容過長（20,000 字以內）或含有不允許的字元。");
	else if (strlen(body) > BODY_MAX_BYTES)
		form_error(&f, "body", "內容過長：超過可儲存的 65,535 位元組（罕用字及表情符號每字佔 4 位元組），請縮短內容。");
	e = input_date(&req->arena, v.posted_on, strlen(v.posted_on), 2000, 2100, &posted_on);
	if (e == INPUT_DATE_RANGE)
		form_error(&f, "posted_on", "日期的年份須在 2000 至 2100 年之間。");
	else if (e)
		form_error(&f, "posted_on", e == INPUT_EMPTY ? "請填寫日期（例：2026-01-05）。" : input_message(e));
	for (int i = 0; i < req->nfiles; i++)
		if (!strcmp(req->files[i].field, "file") && req->files[i].len)
			u = &req->files[i];
	if (u && strcmp(k->key, "download"))
		u = NULL;
	if (!strcmp(k->key, "download") && !u && !v.id)
		form_error(&f, "file", "請選擇要上傳的檔案。");
	if (!f.nerr && u) {
		if (input_text(&req->arena, u->filename, strlen(u->filename), 200, 0, &fname))
			fname = "download";
		file = store_file(req, u, &why);
		if (!file)
			form_error(&f, "file", why);
	}
	if (f.nerr) {
		req->status = 400;
		return render_admin(req, k, &v, &f, "資料未存檔：請修正標示的欄位。");
	}
	if (db_begin(db))
		goto fail;
	if (v.id) {
		st = db_prepare(db, "UPDATE site_content SET title = ?, title_en = ?, body_md = ?, posted_on = ?,"
				    " file = IFNULL(?, file), file_name = IFNULL(?, file_name), file_size = IFNULL(?, file_size),"
				    " version = version + 1, updated_by = ?, updated_at = NOW(3) WHERE id = ? AND kind = ? AND version = ?");
	} else {
		st = db_prepare(db, "INSERT INTO site_content (title, title_en, body_md, posted_on, file, file_name, file_size, updated_by,"
				    " created_at, updated_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3), ?)");
	}
	if (!st)
		goto fail;
	db_bind_text(st, 0, title);
	db_bind_text(st, 1, title_en);
	db_bind_text(st, 2, body);
	db_bind_text(st, 3, posted_on);
	db_bind_text(st, 4, file);
	if (file) {
		db_bind_text(st, 5, fname);
		db_bind_int(st, 6, (long long)u->len);
	} else {
		db_bind_null(st, 5);
		db_bind_null(st, 6);
	}
	db_bind_int(st, 7, req->session->account_id);
	if (v.id) {
		db_bind_int(st, 8, v.id);
		db_bind_text(st, 9, k->key);
		db_bind_int(st, 10, v.version);
	} else {
		db_bind_text(st, 8, k->key);
	}
	if (db_exec(st))
		goto fail;
	if (v.id && db_affected(st) != 1) {
		db_rollback(db);
		form_error(&f, "_", "conflict");
		req->status = 409;
		return render_admin(req, k, &v, &f, "此筆內容已被修改或刪除，未存檔；以下保留您輸入的內容。");
	}
	if (audit_add(req, 0, 0, v.id ? "網站內容修改" : "網站內容新增", NULL, arena_printf(&req->arena, "%s：%s", k->title, title)) ||
	    db_commit(db))
		goto fail;
	redirect(req, arena_printf(&req->arena, "/admin/content?kind=%s&saved=1", k->key));
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

static int admin_delete(struct request *req, const struct kind *k)
{
	struct db *db = &req->app->db;
	long long id = strtoll(req_str(req, "id"), NULL, 10), version = strtoll(req_str(req, "version"), NULL, 10);
	struct db_stmt *st = db_prepare(db, "DELETE FROM site_content WHERE id = ? AND kind = ? AND version = ?");

	if (!st || (db_bind_int(st, 0, id), db_bind_text(st, 1, k->key), db_bind_int(st, 2, version), db_exec(st)))
		return unavailable(req);
	if (db_affected(st) != 1) {
		/* Changed or deleted meanwhile (or never there): say so instead of "已刪除". */
		struct cvalues v = { .title = "", .title_en = "", .body = "", .posted_on = "" };
		struct form f = { .nerr = 0 };

		form_error(&f, "_", "conflict");
		req->status = 409;
		return render_admin(req, k, &v, &f, "此筆內容已被修改或刪除，未刪除；請重新整理後再試。");
	}
	if (audit_add(req, 0, 0, "網站內容刪除", arena_printf(&req->arena, "%s #%lld", k->title, id), NULL))
		return unavailable(req);
	redirect(req, arena_printf(&req->arena, "/admin/content?kind=%s&deleted=1", k->key));
	return req->status;
}

int page_admin_content(struct request *req)
{
	const struct kind *k = kind_by_key(req_arg(req, "kind") ? req_str(req, "kind") : "news");
	struct cvalues v = { .title = "", .title_en = "", .body = "", .posted_on = "" };
	const char *action = req_arg(req, "action");
	static char today[16];

	if (!k) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (req->method == METHOD_POST) {
		if (action && !strcmp(action, "save"))
			return admin_save(req, k);
		if (action && !strcmp(action, "delete"))
			return admin_delete(req, k);
		req->status = 400;
		return routes_error_page(req);
	}
	if (req_arg(req, "edit")) {
		struct db_stmt *st = db_prepare(&req->app->db, "SELECT id, title, title_en, body_md, DATE_FORMAT(posted_on, '%Y-%m-%d'), version"
							      " FROM site_content WHERE id = ? AND kind = ?");

		if (!st || (db_bind_int(st, 0, strtoll(req_str(req, "edit"), NULL, 10)), db_bind_text(st, 1, k->key), db_exec(st)))
			return unavailable(req);
		if (db_step(st) != 1) {
			req->status = 404;
			return routes_error_page(req);
		}
		v.id = db_col_int(st, 0);
		v.title = arena_strdup(&req->arena, db_col_text(st, 1, NULL));
		v.title_en = arena_strdup(&req->arena, db_col_text(st, 2, NULL));
		v.body = arena_strdup(&req->arena, db_col_text(st, 3, NULL));
		v.posted_on = arena_strdup(&req->arena, db_col_text(st, 4, NULL));
		v.version = db_col_int(st, 5);
		db_reset(st);
	} else {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		v.posted_on = today;
	}
	render_admin(req, k, &v, NULL, req_arg(req, "saved") ? "已存檔。" : req_arg(req, "deleted") ? "已刪除。" : NULL);
	return req->status;
}

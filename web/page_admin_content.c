/* page_admin_content.c: 網站內容管理, the platform admin's page that keeps the public site's content
 * (GET /admin/content, and its POSTs: action save or delete). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "content.h"
#include "form.h"
#include "html.h"
#include "input.h"
#include "routes.h"
#include "session.h"
#include "store_content.h"
#include "util.h"
#include "years.h"

/*
 * DESIGN: one kind at a time (?kind=, news when none).  A save or a delete
 * names the version the admin read: a row changed meanwhile is not
 * overwritten, and the form comes back with what was typed.  A date is
 * one of a year from the first inventory year the platform serves
 * (years.h) to the year after the current one.
 */

/* Row ids and versions: what FORM_ID accepts, and 0 (a new row's). */
#define ROW_MAX (1LL << 53)

enum { ADM_KIND, ADM_EDIT, ADM_SAVED, ADM_DELETED, ADM__MAX };
static const struct form_key admin_content_keys[ADM__MAX] = {
	[ADM_KIND] = { "kind", FORM_ENUM, 0, 0, 0, content_kind_keys, NULL, NULL },
	[ADM_EDIT] = { "edit", FORM_ID, 0, 0, 0, NULL, NULL, NULL },
	[ADM_SAVED] = { "saved", FORM_FLAG, 0, 0, 0, NULL, NULL, NULL },
	[ADM_DELETED] = { "deleted", FORM_FLAG, 0, 0, 0, NULL, NULL, NULL },
};
const struct form_decl admin_content_in = FORM_DECL(admin_content_keys);

enum { SAVE_KIND, SAVE_ID, SAVE_VERSION, SAVE_TITLE, SAVE_TITLE_EN, SAVE_BODY, SAVE__MAX };
static const struct form_key admin_content_save_keys[SAVE__MAX] = {
	[SAVE_KIND] = { "kind", FORM_ENUM, 0, 0, 0, content_kind_keys, NULL, NULL },
	[SAVE_ID] = { "id", FORM_INT, 0, 0, ROW_MAX, NULL, NULL, NULL },
	[SAVE_VERSION] = { "version", FORM_INT, 0, 0, ROW_MAX, NULL, NULL, NULL },
	[SAVE_TITLE] = { "title", FORM_TEXT, FORM_REQUIRED, 0, 200, NULL, NULL, "請填寫標題（200 字以內）。" },
	[SAVE_TITLE_EN] = { "title_en", FORM_TEXT, 0, 0, 200, NULL, NULL, "請填寫英文名詞（200 字以內）。" },
	[SAVE_BODY] = { "body", FORM_TEXT, FORM_MULTILINE, 0, 20000, NULL, NULL, "內容過長（20,000 字以內）或含有不允許的字元。" },
};
const struct form_decl admin_content_save_in = FORM_DECL(admin_content_save_keys);

enum { DEL_KIND, DEL_ID, DEL_VERSION, DEL__MAX };
static const struct form_key admin_content_delete_keys[DEL__MAX] = {
	[DEL_KIND] = { "kind", FORM_ENUM, 0, 0, 0, content_kind_keys, NULL, NULL },
	[DEL_ID] = { "id", FORM_ID, FORM_REQUIRED, 0, 0, NULL, NULL, NULL },
	[DEL_VERSION] = { "version", FORM_INT, FORM_REQUIRED, 0, ROW_MAX, NULL, NULL, NULL },
};
const struct form_decl admin_content_delete_in = FORM_DECL(admin_content_delete_keys);

/* site_content.body_md is a TEXT: 65,535 bytes, fewer than 20,000 four-byte characters. */
#define BODY_MAX_BYTES 65535

static const char *const allowed_ext[] = { ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".csv", ".txt", ".zip" };

/* What the form shows: a row's text, or what was typed (as sent). */
struct cvalues {
	const char *title, *title_en, *body, *posted_on;
	long long id, version;
};

static int unavailable(struct request *req)
{
	return routes_unavailable(req, "content");
}

/* The kind the request names (kind k of the keys k_kind), news when none; NULL when it names none of them (404 written). */
static const struct content_kind *kind_of(struct request *req, int k_kind)
{
	if (form_error_of(req->in_err, "kind")) {
		req->status = 404;
		routes_error_page(req);
		return NULL;
	}
	return &content_kinds[req->in[k_kind].set ? req->in[k_kind].i : CONTENT_NEWS];
}

/* A malformed hidden field (an id, a version): the form was not the page's. */
static int bad_request(struct request *req)
{
	req->status = 400;
	return routes_error_page(req);
}

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

/* A textarea's error beside it (the field has no form_field of its own). */
static void field_error(struct strbuf *o, const struct form *f, const char *name)
{
	if (form_error_of(f, name)) {
		html(o, "<p class=\"field-error\">");
		html_txt(o, form_error_of(f, name));
		html(o, "</p>");
	}
}

/* The form of kind k with v and the errors of f. */
static void content_form(struct request *req, const struct content_kind *k, const struct cvalues *v, const struct form *f)
{
	struct strbuf *o = &req->body;

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
	field_error(o, f, "body");
	html(o, "</div></div>");
	if (!strcmp(k->key, "download")) {
		html(o, "<div class=\"field\"><label for=\"f-file\">檔案（PDF、Office／ODF、CSV、TXT、ZIP，4 MB 以內）</label>"
			"<div class=\"control\"><input id=\"f-file\" name=\"file\" type=\"file\">");
		field_error(o, f, "file");
		html(o, "</div></div>");
	}
	strbuf_addf(o, "<div class=\"actions\"><button type=\"submit\">存檔</button> <a href=\"/admin/content?kind=%s\">取消</a></div></fieldset></form>", k->key);
}

/* The list of a kind as it streams in. */
struct listing {
	struct request *req;
	const struct content_kind *k;
	int n;
};

/* One row of the list, with its 修改 link and 刪除 form (store_content_entries' callback). */
static int entry(void *ctx, const struct content_entry *e)
{
	struct listing *l = ctx;
	struct strbuf *o = &l->req->body;

	l->n++;
	html(o, "<tr><td>");
	html_txt(o, e->posted_on);
	html(o, "</td><td>");
	html_txt(o, e->title);
	html(o, "</td><td>");
	html_txt(o, e->file_name);
	strbuf_addf(o, "</td><td><a href=\"/admin/content?kind=%s&amp;edit=%lld\">修改</a> "
		    "<form method=\"post\" action=\"/admin/content\" enctype=\"multipart/form-data\" class=\"inline\">", l->k->key, e->id);
	html_hidden(o, "csrf", l->req->csrf);
	html_hidden(o, "action", "delete");
	html_hidden(o, "kind", l->k->key);
	strbuf_addf(o, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"version\" value=\"%lld\">"
		    "<button type=\"submit\" class=\"secondary\">刪除</button></form></td></tr>", e->id, e->version);
	return 0;
}

/* The page of kind k: the kinds, the form (v, f), the kind's rows, and flash (an error when f has any). */
static int render_admin(struct request *req, const struct content_kind *k, const struct cvalues *v, const struct form *f,
			const char *flash)
{
	struct strbuf *o = &req->body;
	struct listing l = { .req = req, .k = k };

	layout_begin(req, "網站內容管理", "網站內容管理");
	html(o, "<h1>網站內容管理</h1><nav class=\"tabs\" aria-label=\"內容類別\"><p>");
	for (int i = 0; i < CONTENT__MAX; i++) {
		strbuf_addf(o, "%s<a href=\"/admin/content?kind=%s\"%s>", i ? "｜" : "", content_kinds[i].key,
			    &content_kinds[i] == k ? " aria-current=\"page\"" : "");
		html_txt(o, content_kinds[i].title);
		html(o, "</a>");
	}
	html(o, "</p></nav>");
	if (flash)
		form_flash(req, f && f->nerr ? "error" : "ok", flash);
	content_form(req, k, v, f);
	html(o, "<table id=\"content-list\"><thead><tr><th>日期</th><th>標題</th><th>檔案</th><th><span class=\"visually-hidden\">操作</span></th></tr></thead><tbody>");
	if (store_content_entries(&req->app->db, k->key, entry, &l))
		return unavailable(req);
	if (!l.n)
		html(o, "<tr><td colspan=\"4\" class=\"empty\">尚無內容。</td></tr>");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

/* Today's date (YYYY-MM-DD, local time) into buf[11], and the year into *year. */
static void today(char *buf, size_t size, int *year)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
	*year = tm.tm_year + 1900;
}

/*
 * posted_on, read against the years a date may have (DESIGN), into *out
 * with the refusal in f; -1 when the years could not be read.
 */
static int read_posted_on(struct request *req, struct cvalues *v, struct form *f, const char **out)
{
	struct years y;
	struct form e = { .nerr = 0 };
	struct form_val d;
	char date[16];
	int year;

	if (years_get(&req->app->db, &y))
		return -1;
	today(date, sizeof(date), &year);
	const struct form_key k = { "posted_on", FORM_DATE, 0, y.first, year + 1, NULL, NULL, NULL };
	form_read_one(req, &k, &d, &e);
	v->posted_on = d.raw ? d.raw : "";
	*out = d.s;
	if (e.nerr && e.err[0].msg == input_message(INPUT_DATE_RANGE))
		form_error(f, "posted_on", arena_printf(&req->arena, "日期的年份須在 %d 至 %d 年之間。", y.first, year + 1));
	else if (e.nerr)
		form_error(f, "posted_on", e.err[0].msg);
	else if (!d.set)
		form_error(f, "posted_on", arena_printf(&req->arena, "請填寫日期（例：%s）。", date));
	return 0;
}

/* The upload of the form's file field (a download's only), or NULL. */
static const struct upload *upload_of(struct request *req, const struct content_kind *k)
{
	const struct upload *u = NULL;

	for (int i = 0; i < req->nfiles; i++)
		if (!strcmp(req->files[i].field, "file") && req->files[i].len)
			u = &req->files[i];
	return strcmp(k->key, "download") ? NULL : u;
}

/*
 * The fields into *cv (as stored) and *v (as typed), each refusal beside
 * its field in f, the upload written when nothing else is refused.  0, or
 * -1 when the years could not be read.
 */
static int read_fields(struct request *req, const struct content_kind *k, struct cvalues *v, struct content_values *cv,
		       struct form *f)
{
	const struct form_val *in = req->in;
	const struct upload *u = upload_of(req, k);
	const char *err, *why = NULL;
	int glossary = !strcmp(k->key, "glossary");

	v->title = in[SAVE_TITLE].raw ? in[SAVE_TITLE].raw : "";
	v->title_en = in[SAVE_TITLE_EN].raw ? in[SAVE_TITLE_EN].raw : "";
	v->body = in[SAVE_BODY].raw ? in[SAVE_BODY].raw : "";
	cv->title = in[SAVE_TITLE].set ? in[SAVE_TITLE].s : "";
	cv->title_en = glossary && in[SAVE_TITLE_EN].set ? in[SAVE_TITLE_EN].s : "";
	cv->body_md = in[SAVE_BODY].set ? in[SAVE_BODY].s : "";
	if ((err = form_error_of(req->in_err, "title")))
		form_error(f, "title", err);
	if (glossary && !in[SAVE_TITLE_EN].set)
		form_error(f, "title_en", admin_content_save_keys[SAVE_TITLE_EN].msg);
	if ((err = form_error_of(req->in_err, "body")))
		form_error(f, "body", err);
	else if (strlen(cv->body_md) > BODY_MAX_BYTES)
		form_error(f, "body", "內容過長：超過可儲存的 65,535 位元組（罕用字及表情符號每字佔 4 位元組），請縮短內容。");
	if (read_posted_on(req, v, f, &cv->posted_on))
		return -1;
	if (!strcmp(k->key, "download") && !u && !v->id)
		form_error(f, "file", "請選擇要上傳的檔案。");
	if (!f->nerr && u) {
		if (input_text(&req->arena, u->filename, strlen(u->filename), 200, 0, &cv->file_name))
			cv->file_name = "download";
		cv->file = store_file(req, u, &why);
		cv->file_size = (long long)u->len;
		if (!cv->file)
			form_error(f, "file", why);
	}
	return 0;
}

int page_admin_content_save(struct request *req)
{
	struct db *db = &req->app->db;
	const struct content_kind *k = kind_of(req, SAVE_KIND);
	struct cvalues v = { .id = req->in[SAVE_ID].i, .version = req->in[SAVE_VERSION].i };
	struct content_values cv = { .file = NULL };
	struct form f = { .nerr = 0 };
	int r;

	if (!k)
		return req->status;
	if (form_error_of(req->in_err, "id") || form_error_of(req->in_err, "version"))
		return bad_request(req);
	if (read_fields(req, k, &v, &cv, &f))
		return routes_unavailable(req, "the years served");
	if (f.nerr) {
		req->status = 400;
		return render_admin(req, k, &v, &f, "資料未存檔：請修正標示的欄位。");
	}
	if (db_begin(db))
		goto fail;
	r = v.id ? store_content_update(db, v.id, k->key, v.version, &cv, req->session->account_id)
		 : store_content_insert(db, k->key, &cv, req->session->account_id, NULL);
	if (r < 0)
		goto fail;
	if (v.id && !r) {
		db_rollback(db);
		form_error(&f, "_", "conflict");
		req->status = 409;
		return render_admin(req, k, &v, &f, "此筆內容已被修改或刪除，未存檔；以下保留您輸入的內容。");
	}
	if (audit_add(req, 0, 0, v.id ? "網站內容修改" : "網站內容新增", NULL, arena_printf(&req->arena, "%s：%s", k->title, cv.title)) ||
	    db_commit(db))
		goto fail;
	return redirect(req, arena_printf(&req->arena, "/admin/content?kind=%s&saved=1", k->key));
fail:
	db_rollback(db);
	return unavailable(req);
}

int page_admin_content_delete(struct request *req)
{
	const struct content_kind *k = kind_of(req, DEL_KIND);
	long long id = req->in[DEL_ID].i;
	int r;

	if (!k)
		return req->status;
	if (req->in_err->nerr)
		return bad_request(req);
	r = store_content_delete(&req->app->db, id, k->key, req->in[DEL_VERSION].i);
	if (r < 0)
		return unavailable(req);
	if (!r) {
		/* Changed or deleted meanwhile (or never there): say so instead of "已刪除". */
		struct cvalues v = { .title = "", .title_en = "", .body = "", .posted_on = "" };
		struct form f = { .nerr = 0 };

		form_error(&f, "_", "conflict");
		req->status = 409;
		return render_admin(req, k, &v, &f, "此筆內容已被修改或刪除，未刪除；請重新整理後再試。");
	}
	if (audit_add(req, 0, 0, "網站內容刪除", arena_printf(&req->arena, "%s #%lld", k->title, id), NULL))
		return unavailable(req);
	return redirect(req, arena_printf(&req->arena, "/admin/content?kind=%s&deleted=1", k->key));
}

int page_admin_content(struct request *req)
{
	const struct content_kind *k = kind_of(req, ADM_KIND);
	struct cvalues v = { .title = "", .title_en = "", .body = "", .posted_on = "" };
	char date[16];
	int year;

	if (!k)
		return req->status;
	if (form_error_of(req->in_err, "edit")) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (req->in[ADM_EDIT].set) {
		struct content_edit *e = arena_alloc(&req->arena, sizeof(*e));
		int r = store_content_get(&req->app->db, req->in[ADM_EDIT].i, k->key, &req->arena, e);

		if (r < 0)
			return unavailable(req);
		if (!r) {
			req->status = 404;
			return routes_error_page(req);
		}
		v = (struct cvalues){ .id = e->id, .version = e->version, .title = e->title, .title_en = e->title_en,
				      .body = e->body_md, .posted_on = e->posted_on };
	} else {
		today(date, sizeof(date), &year);
		v.posted_on = date;
	}
	return render_admin(req, k, &v, NULL, req->in[ADM_SAVED].set ? "已存檔。" : req->in[ADM_DELETED].set ? "已刪除。" : NULL);
}

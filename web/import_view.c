/* import_view.c: the pages of 批次匯入機關: the upload form, the preview of every row, the result. */
#include "agency_import.h"
#include "form.h"
#include "html.h"
#include "import.h"
#include "routes.h"
#include "session.h"
#include "store_import.h"
#include "util.h"

static int unavailable(struct request *req)
{
	routes_unavailable(req, "import");
	return req->status;
}

struct recent_ctx {
	struct strbuf *o;
	int any;
};

/* One row of 最近的匯入. */
static int recent_row(void *ctx, const struct store_import *im)
{
	struct recent_ctx *c = ctx;
	struct strbuf *o = c->o;

	c->any = 1;
	html(o, "<tr><td>");
	html_txt(o, im->created_at);
	strbuf_addf(o, "</td><td><a href=\"/team/agencies/import?id=%lld\">", im->id);
	html_txt(o, im->filename);
	html(o, "</a></td><td>");
	if (im->applied)
		strbuf_addf(o, "已匯入（新增 %d、更新 %d）", im->created, im->updated);
	else
		html(o, "預覽中（尚未寫入）");
	html(o, "</td></tr>");
	return 0;
}

int render_upload(struct request *req, const char *error)
{
	struct strbuf *o = &req->body;
	struct recent_ctx c = { .o = o, .any = 0 };

	layout_begin(req, "批次匯入機關", "機關管理");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/team/agencies\">機關管理</a> › 批次匯入</nav>");
	html(o, "<h1>批次匯入機關</h1>");
	html(o, "<p>上傳 CSV（UTF-8）或 Excel .xlsx 檔，每列一個機關，前三欄依序為 <strong>機關代碼</strong>、"
		"<strong>機關單位名稱</strong>、<strong>上級機關代碼</strong>（一級機關留空）；第一列可為標題列。"
		"代碼已存在者更新名稱或上級機關，不存在者新增機關與帳號。上傳後會先顯示每一列的變更與問題，確認後才寫入。</p>");
	html(o, "<table class=\"compact\"><caption>範例</caption><thead><tr><th>機關代碼</th><th>機關單位名稱</th><th>上級機關代碼</th></tr></thead>"
		"<tbody><tr><td>376410000A</td><td>○○縣政府</td><td></td></tr>"
		"<tr><td>376410100A</td><td>○○縣政府民政處</td><td>376410000A</td></tr></tbody></table>");
	html(o, "<form method=\"post\" action=\"/team/agencies/import\" enctype=\"multipart/form-data\"><fieldset><legend>上傳檔案</legend>");
	html_hidden(o, "csrf", req->csrf);
	html(o, "<div class=\"field\"><label for=\"file\">機關清單檔案（.csv 或 .xlsx，4 MB 以內）</label>"
		"<input id=\"file\" name=\"file\" type=\"file\" required accept=\".csv,.xlsx,text/csv,"
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"");
	if (error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"file-error\"");
	html(o, ">");
	if (error) {
		html(o, "<p class=\"field-error\" id=\"file-error\">");
		html_txt(o, error);
		html(o, "</p>");
	}
	html(o, "</div><div class=\"actions\"><button type=\"submit\">上傳並預覽</button></div></fieldset></form>");
	html(o, "<h2>最近的匯入</h2><table><thead><tr><th>上傳時間</th><th>檔案</th><th>狀態</th></tr></thead><tbody>");
	if (store_import_recent(&req->app->db, req->session->county_id, recent_row, &c))
		return unavailable(req);
	if (!c.any)
		html(o, "<tr><td colspan=\"3\" class=\"empty\">尚無匯入紀錄。</td></tr>");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

static const char *change_text(const struct import_row *r)
{
	if (r->error)
		return "—";
	switch (r->action) {
	case IMPORT_CREATE: return "新增";
	case IMPORT_SAME: return "無變更";
	case IMPORT_UPDATE:
		return r->changes == (IMPORT_RENAME | IMPORT_MOVE) ? "更名並移動" : r->changes == IMPORT_RENAME ? "更名" : "移動";
	}
	return "";
}

int render_preview(struct request *req, const struct store_import *im, const struct import_file *f, int nerr,
			   const char *flash)
{
	struct strbuf *o = &req->body;
	int ncreate = 0, nupdate = 0, nsame = 0;

	for (int i = 0; i < f->n; i++) {
		if (f->rows[i].error)
			continue;
		ncreate += f->rows[i].action == IMPORT_CREATE;
		nupdate += f->rows[i].action == IMPORT_UPDATE;
		nsame += f->rows[i].action == IMPORT_SAME;
	}
	layout_begin(req, "批次匯入預覽", "機關管理");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/team/agencies\">機關管理</a> › "
		"<a href=\"/team/agencies/import\">批次匯入</a> › 預覽</nav><h1>批次匯入預覽：");
	html_txt(o, im->filename);
	html(o, "</h1>");
	if (flash)
		form_flash(req, "error", flash);
	strbuf_addf(o, "<p class=\"counts\" id=\"import-counts\">共 %d 列：新增 <strong>%d</strong>、更新 <strong>%d</strong>、"
		    "無變更 <strong>%d</strong>、有問題 <strong>%d</strong>。</p>", f->n, ncreate, nupdate, nsame, nerr);
	if (nerr)
		html(o, "<div class=\"flash error\" role=\"alert\">有問題的列必須先在檔案中修正後重新上傳；"
			"在此之前不會寫入任何資料。</div>");
	html(o, "<table id=\"import-preview\"><thead><tr><th>列</th><th>機關代碼</th><th>機關單位名稱</th><th>上級機關代碼</th>"
		"<th>層級</th><th>變更</th><th>問題</th></tr></thead><tbody>");
	for (int i = 0; i < f->n; i++) {
		const struct import_row *r = &f->rows[i];

		strbuf_addf(o, "<tr%s><td>%d</td><td>", r->error ? " class=\"row-error\"" : "", r->line);
		html_txt(o, r->code);
		html(o, "</td><td>");
		html_txt(o, r->name);
		if (!r->error && (r->changes & IMPORT_RENAME)) {
			html(o, "<br><span class=\"muted\">原：");
			html_txt(o, r->old_name);
			html(o, "</span>");
		}
		html(o, "</td><td>");
		html_txt(o, r->parent);
		if (!r->error && (r->changes & IMPORT_MOVE)) {
			html(o, "<br><span class=\"muted\">原：");
			html_txt(o, *r->old_parent ? r->old_parent : "（一級）");
			html(o, "</span>");
		}
		if (r->depth)
			strbuf_addf(o, "</td><td>%d</td><td>", r->depth);
		else
			html(o, "</td><td></td><td>");
		html(o, change_text(r));
		html(o, "</td><td>");
		if (r->error) {
			html(o, "<span class=\"field-error\">");
			html_txt(o, r->error);
			html(o, "</span>");
		}
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
	if (!nerr && (ncreate || nupdate)) {
		html(o, "<form method=\"post\" action=\"/team/agencies/import\">");
		html_hidden(o, "csrf", req->csrf);
		html_hidden(o, "action", "confirm");
		strbuf_addf(o, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"plan\" value=\"%016llx\">",
			    im->id, import_plan_hash(f));
		strbuf_addf(o, "<div class=\"actions\"><button type=\"submit\">確認匯入（新增 %d、更新 %d）</button> "
			    "<a href=\"/team/agencies/import\">取消，重新上傳</a></div></form>", ncreate, nupdate);
	} else if (!nerr) {
		html(o, "<p>檔案內容與目前資料相同，沒有需要寫入的變更。</p>");
	}
	layout_end(req);
	return req->status;
}

int render_applied(struct request *req, const struct store_import *im)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "批次匯入完成", "機關管理");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/team/agencies\">機關管理</a> › "
		"<a href=\"/team/agencies/import\">批次匯入</a> › 完成</nav><h1>已匯入：");
	html_txt(o, im->filename);
	html(o, "</h1>");
	strbuf_addf(o, "<p id=\"import-result\" class=\"flash ok\" role=\"status\">新增 %d 個機關（含帳號）、更新 %d 個機關；"
		    "各年度的排放量小計已排入重新計算。</p>", im->created, im->updated);
	if (im->created && im->account_id != req->session->account_id) {
		html(o, "<p>新帳號的一次性密碼由匯入的帳號下載與保管。</p>");
	} else if (im->created) {
		html(o, "<p>新帳號的一次性密碼只寫在下方的 .xlsx 檔中（首次登入須變更密碼），請妥善保管並分送各機關。"
			"檔案完成前，新帳號還沒有密碼、無法登入。</p>");
		if (im->export_id)
			strbuf_addf(o, "<p><a class=\"button\" id=\"otp-export\" href=\"/exports?id=%lld\">一次性密碼 .xlsx（產製進度與下載）</a></p>",
				    im->export_id);
		html(o, "<form method=\"post\" action=\"/team/agencies/import\" class=\"inline\">");
		html_hidden(o, "csrf", req->csrf);
		html_hidden(o, "action", "passwords");
		strbuf_addf(o, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
			    "<button type=\"submit\" class=\"secondary\">重新產生尚未使用的一次性密碼</button></form>"
			    "<p class=\"muted\">新檔案完成時，先前檔案中尚未使用的密碼隨即失效；完成前仍可使用。</p>", im->id);
	}
	layout_end(req);
	return req->status;
}

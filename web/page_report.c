/* page_report.c: 機關單位登錄: the year list, the report form (計算 / 存檔), the read-only view, the history. */
#include <string.h>

#include "factors.h"
#include "form.h"
#include "html.h"
#include "report.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_audit.h"
#include "store_review.h"
#include "store_year.h"
#include "util.h"

static const struct form_key report_edit_keys[REPORT_KEY__MAX] = {
	[REPORT_KEY_YEAR] = { .name = "year", .kind = FORM_YEAR },
	[REPORT_KEY_REVISION] = { .name = "revision", .kind = FORM_INT, .min = 0, .max = REPORT_REVISION_MAX },
	[REPORT_KEY_ACTION] = { .name = "action", .kind = FORM_ENUM, .choices = report_action_names },
	[REPORT_KEY_FILED] = { .name = "filed", .kind = FORM_FLAG },
	[REPORT_KEY_SCOPE] = { .name = "scope_text", .kind = FORM_TEXT, .flags = FORM_MULTILINE, .max = 1000 },
	[REPORT_KEY_OUTSOURCED_SCOPE] = { .name = "outsourced_scope_text", .kind = FORM_TEXT, .flags = FORM_MULTILINE, .max = 1000 },
	[REPORT_KEY_SAVED] = { .name = "saved", .kind = FORM_FLAG },
};
const struct form_decl report_edit_in = FORM_DECL(report_edit_keys);

enum report_view_key { REPORT_VIEW_YEAR, REPORT_VIEW_AGENCY, REPORT_VIEW__MAX };
static const struct form_key report_view_keys[REPORT_VIEW__MAX] = {
	[REPORT_VIEW_YEAR] = { .name = "year", .kind = FORM_YEAR },
	[REPORT_VIEW_AGENCY] = { .name = "agency", .kind = FORM_ID },
};
const struct form_decl report_view_in = FORM_DECL(report_view_keys);

enum report_history_key { REPORT_HISTORY_YEAR, REPORT_HISTORY__MAX };
static const struct form_key report_history_keys[REPORT_HISTORY__MAX] = {
	[REPORT_HISTORY_YEAR] = { .name = "year", .kind = FORM_YEAR },
};
const struct form_decl report_history_in = FORM_DECL(report_history_keys);

static int unavailable(struct request *req)
{
	return routes_unavailable(req, "report");
}

static int not_found(struct request *req)
{
	req->status = 404;
	return routes_error_page(req);
}

static int year_row(void *ctx, const struct store_year_report *y)
{
	static const char *const status[] = { "未登錄", "登錄中", "已登錄完成" };
	struct strbuf *o = ctx;
	int s = y->status >= 0 && y->status <= 2 ? y->status : 0;

	strbuf_addf(o, "<tr><td>民國 %d 年（%d）</td><td><span class=\"status s%d\">", roc_year(y->year), y->year, s);
	html_txt(o, status[s]);
	html(o, "</span></td><td>");
	html_txt(o, *y->deadline ? y->deadline : "—");
	html(o, y->is_open ? "</td><td>開放填報</td><td>" : "</td><td>已關閉（唯讀）</td><td>");
	if (y->is_open)
		strbuf_addf(o, "<a href=\"/report/edit?year=%d\">填報</a> · ", y->year);
	strbuf_addf(o, "<a href=\"/report/view?year=%d\">檢視</a> · <a href=\"/report/history?year=%d\">修改紀錄</a></td></tr>",
		    y->year, y->year);
	return 0;
}

int page_report_years(struct request *req)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "機關單位登錄", "機關單位登錄");
	html(o, "<h1>機關單位登錄：選擇填報年度</h1>");
	if (!req->session->has_contact)
		form_flash(req, "error", "請先至「帳號維護」填寫業務承辦聯絡資訊（必填），才能登錄資料。");
	html(o, "<table><thead><tr><th>年度</th><th>狀態</th><th>填報期限</th><th>開放</th><th>操作</th></tr></thead><tbody>");
	if (store_year_report_each(&req->app->db, req->session->agency_id, req->session->county_id, year_row, o))
		return unavailable(req);
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

/* What the form's handlers share: the year, the report as typed or stored, and its figures. */
struct edit {
	const struct calc_table *t;
	struct store_year_report y;
	struct report r, prev;
	struct calc_input in[REPORT_MAX_LINES];
	struct calc_line lines[REPORT_MAX_LINES];
	int n;
	struct calc_result res;
	struct form f;
	char err[256];
};

/* The form again with status, res (NULL: no figures) and a message above it. */
static int edit_page(struct request *req, struct edit *e, int status, const struct calc_result *res,
		     const char *flash, const char *kind)
{
	const struct form_val *rev = &req->in[REPORT_KEY_REVISION];
	struct report_page pg = {
		.f = &e->f, .t = e->t, .r = &e->r, .prev = &e->prev, .deadline = e->y.deadline,
		.lines = e->lines, .n = res ? e->n : 0, .res = res, .flash = flash, .flash_kind = kind,
		/* A bad revision goes back as sent: the next 存檔 is refused again, never taken as another. */
		.revision = rev->set ? NULL : rev->raw ? rev->raw : "",
	};

	req->status = status;
	report_render(req, &pg);
	return req->status;
}

static int edit_get(struct request *req, struct edit *e)
{
	int saved = req->in[REPORT_KEY_SAVED].set, ok;
	struct report_page pg = {
		.t = e->t, .r = &e->r, .prev = &e->prev, .deadline = e->y.deadline, .lines = e->lines,
		.readonly = !e->y.is_open,
	};

	if (report_load(req, req->session->agency_id, e->y.year, &e->r))
		return unavailable(req);
	report_inputs(req, &e->r, e->in, &e->n);
	ok = calc_compute(e->t, e->y.year, e->in, e->n, e->lines, &e->res, e->err, sizeof(e->err)) == 0;
	pg.n = e->n;
	pg.res = ok ? &e->res : NULL;
	pg.flash = saved ? "已存檔。" : ok ? report_form_warning(&e->r) : e->err;
	pg.flash_kind = saved ? "ok" : "error";
	report_render(req, &pg);
	return req->status;
}

/* 存檔 of a checked form: the outcome of report_save() as a page. */
static int edit_save(struct request *req, struct edit *e)
{
	switch (report_save(req, &e->r, e->lines, e->n, &e->res)) {
	case REPORT_SAVED:
		return redirect(req, arena_printf(&req->arena, "/report/edit?year=%d&saved=1", e->y.year));
	case REPORT_STALE:
		return edit_page(req, e, 409, &e->res,
				 "未存檔：這份報表在您開啟之後已被他人（或另一個視窗）修改並存檔。您輸入的內容保留在下方；"
				 "請另開新視窗檢視目前內容，確認後再重新輸入並存檔。", "error");
	case REPORT_UNKNOWN:
		return edit_page(req, e, 503, &e->res,
				 "資料庫連線在存檔的最後一刻中斷，無法確認是否已存檔。您輸入的內容保留在下方；"
				 "請稍候另開新視窗查看本年度報表，若未存檔再重新存檔。", "error");
	case REPORT_FAILED:
	case REPORT_RETRY:
		break;
	}
	return unavailable(req);
}

static int edit_post(struct request *req, struct edit *e)
{
	const struct form_val *action = &req->in[REPORT_KEY_ACTION];
	int saving = action->set && action->i == REPORT_ACTION_SAVE, rc;
	const char *w;

	e->r.agency_id = req->session->agency_id;
	e->r.year = e->y.year;
	report_from_form(req, &e->r, &e->f, e->in, &e->n);
	if (saving && !*e->r.scope_text)
		form_error(&e->f, "scope_text", "請填寫盤查範圍（必填）。");
	if (saving && !req->session->has_contact)
		return edit_page(req, e, 400, NULL, "請先至「帳號維護」填寫業務承辦聯絡資訊（必填），才能存檔。", "error");
	if (saving && e->r.revision < 0)
		return edit_page(req, e, 400, NULL,
				 "未存檔：表單缺少版本資訊或版本不正確（頁面可能不完整或已被改動）。您輸入的內容保留在下方；"
				 "請另開新視窗重新開啟本年度報表，確認後再重新輸入並存檔。", "error");
	rc = calc_compute(e->t, e->y.year, e->in, e->n, e->lines, &e->res, e->err, sizeof(e->err));
	if (!rc)
		report_check_total(req, &e->f, e->lines, e->n, &e->res);   /* the report bound: refused beside the field */
	if (e->f.nerr || rc)
		return edit_page(req, e, 400, rc ? NULL : &e->res, rc ? e->err : NULL, "error");
	if (saving)
		return edit_save(req, e);
	/* 計算: show the figures, store nothing. */
	w = report_form_warning(&e->r);
	return edit_page(req, e, req->status, &e->res, w ? w : "計算完成（尚未存檔）。", w ? "error" : "ok");
}

int page_report_edit(struct request *req)
{
	struct edit *e = arena_zalloc(&req->arena, sizeof(*e));
	int rc;

	e->t = factors_table(req->app);
	if (!e->t)
		return unavailable(req);
	if (!req->in[REPORT_KEY_YEAR].set)
		return not_found(req);
	rc = store_year_report_get(&req->app->db, req->session->county_id, (int)req->in[REPORT_KEY_YEAR].i, &e->y);
	if (rc < 0)
		return unavailable(req);
	if (!rc)
		return not_found(req);
	if (report_load(req, req->session->agency_id, e->y.year - 1, &e->prev))
		return unavailable(req);
	if (req->method != METHOD_POST)
		return edit_get(req, e);
	if (!e->y.is_open) {
		req->status = 403;
		return routes_error_page(req);
	}
	if (form_error_of(req->in_err, "action")) {
		/* Neither 計算 nor 存檔: no button of the form sends that. */
		req->status = 400;
		return routes_error_page(req);
	}
	return edit_post(req, e);
}

/* The agency whose report the viewer asks for: 1 with *agency, 0 none it may see (404), -1 error. */
static int view_agency(struct request *req, long long *agency)
{
	const struct form_val *a = &req->in[REPORT_VIEW_AGENCY];
	int may = 0;

	/* An agency sees its own report and, read-only, those of its subtree; the team names one of its county. */
	if (a->raw && !a->set)
		return 0;
	*agency = a->set ? a->i : req->session->agency_id;
	if (req->session->kind != ACCOUNT_AGENCY && !(req->session->kind == ACCOUNT_TEAM && a->set))
		return 0;
	if (review_may_see(req, *agency, &may))
		return -1;
	return may;
}

int page_report_view(struct request *req)
{
	struct edit *e = arena_zalloc(&req->arena, sizeof(*e));
	struct report_page pg = { .t = NULL, .r = &e->r, .lines = e->lines, .flash_kind = "error", .readonly = 1 };
	long long agency = 0;
	int rc;

	e->t = pg.t = factors_table(req->app);
	if (!e->t)
		return unavailable(req);
	if (!req->in[REPORT_VIEW_YEAR].set)
		return not_found(req);
	rc = view_agency(req, &agency);
	if (rc <= 0)
		return rc < 0 ? unavailable(req) : not_found(req);
	rc = store_year_report_get(&req->app->db, req->session->county_id, (int)req->in[REPORT_VIEW_YEAR].i, &e->y);
	if (rc <= 0)
		return rc < 0 ? unavailable(req) : not_found(req);
	if (report_load(req, agency, e->y.year, &e->r))
		return unavailable(req);
	if (agency != req->session->agency_id) {
		struct store_review_agency *a = arena_alloc(&req->arena, sizeof(*a));

		if (store_review_agency(&req->app->db, agency, a) != 1)
			return unavailable(req);
		e->r.agency_name = arena_strdup(&req->arena, a->name);
	}
	report_inputs(req, &e->r, e->in, &e->n);
	rc = calc_compute(e->t, e->y.year, e->in, e->n, e->lines, &e->res, e->err, sizeof(e->err));
	pg.deadline = e->y.deadline;
	pg.n = e->n;
	pg.res = rc ? NULL : &e->res;
	pg.flash = rc ? e->err : NULL;
	report_render(req, &pg);
	return req->status;
}

struct history {
	struct strbuf *o;
	int rows;
};

static int history_row(void *ctx, const struct store_audit_change *c)
{
	struct history *h = ctx;
	const char *cells[] = { c->at, c->login, c->field, c->old_value, c->new_value, c->client_addr };

	html(h->o, "<tr>");
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		html(h->o, "<td>");
		html_txt(h->o, cells[i]);
		html(h->o, "</td>");
	}
	html(h->o, "</tr>");
	h->rows++;
	return 0;
}

int page_report_history(struct request *req)
{
	struct strbuf *o = &req->body;
	struct history h = { o, 0 };
	int year = (int)req->in[REPORT_HISTORY_YEAR].i;

	if (!req->in[REPORT_HISTORY_YEAR].set)
		return not_found(req);
	layout_begin(req, "修改紀錄", "修改紀錄");
	strbuf_addf(o, "<h1>民國 %d 年 修改紀錄</h1><table><thead><tr><th>時間</th><th>帳號</th><th>欄位</th>"
		    "<th>原值</th><th>新值</th><th>來源位址</th></tr></thead><tbody>", roc_year(year));
	if (store_audit_history(&req->app->db, req->session->agency_id, year, history_row, &h))
		return unavailable(req);
	if (!h.rows)
		html(o, "<tr><td colspan=\"6\" class=\"empty\">尚無修改紀錄。</td></tr>");
	strbuf_addf(o, "</tbody></table><p><a href=\"/report/edit?year=%d\">回填報頁</a></p>", year);
	layout_end(req);
	return req->status;
}

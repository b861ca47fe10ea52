/* page_report.c: 機關單位登錄: the year list, the report form (計算 / 存檔), its read-only view, 申請更正, the history. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "factors.h"
#include "form.h"
#include "html.h"
#include "report.h"
#include "report_status.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_audit.h"
#include "store_review.h"
#include "store_workflow.h"
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
	[REPORT_KEY_REQUESTED] = { .name = "requested", .kind = FORM_FLAG },
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

/* 申請更正: the year and the reason (required: checked by the handler, with its own message). */
enum report_correction_key { CORRECTION_YEAR, CORRECTION_REASON, CORRECTION__MAX };
static const struct form_key report_correction_keys[CORRECTION__MAX] = {
	[CORRECTION_YEAR] = { .name = "year", .kind = FORM_YEAR },
	[CORRECTION_REASON] = { .name = "reason", .kind = FORM_TEXT, .flags = FORM_MULTILINE, .max = 500,
				.msg = "原因請在 500 字以內，且不可含無法辨識或控制字元。" },
};
const struct form_decl report_correction_in = FORM_DECL(report_correction_keys);

#define LOCKED_TEXT "本年度盤查已由縣市盤查小組鎖定（年度鎖定），無法修改"

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
	struct strbuf *o = ctx;
	int s = y->status >= 0 && y->status < REPORT_STATUS__MAX ? y->status : REPORT_NONE;

	strbuf_addf(o, "<tr id=\"year-%d\"><td>民國 %d 年（%d）</td><td><span class=\"status s%d\">", y->year, roc_year(y->year),
		    y->year, s);
	html_txt(o, report_status_text(s, y->returned));
	html(o, "</span>");
	if (y->returned) {
		html(o, "<br><span class=\"return-comment\">退回意見：");
		html_txt(o, y->return_comment);
		html(o, "</span>");
	}
	html(o, "</td><td>");
	html_txt(o, *y->deadline ? y->deadline : "—");
	html(o, y->locked ? "</td><td>已鎖定（唯讀）</td><td>" : y->is_open ? "</td><td>開放填報</td><td>" : "</td><td>已關閉（唯讀）</td><td>");
	if (y->is_open && !y->locked && s != REPORT_CONFIRMED)
		strbuf_addf(o, "<a href=\"/report/edit?year=%d\">填報</a> · ", y->year);
	else if (s == REPORT_CONFIRMED && !y->locked)
		strbuf_addf(o, "<a href=\"/report/edit?year=%d#correction\">申請更正</a> · ", y->year);
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
	struct store_workflow_version *v;   /* the report's versions */
	int nv;
	int have_state;                     /* r.st and v read (edit_state); a save that succeeds never needs them */
	struct calc_input in[REPORT_MAX_LINES];
	struct calc_line lines[REPORT_MAX_LINES];
	int n;
	struct calc_result res;
	struct form f;
	char err[256];
};

/* Why the agency's own report cannot be changed now (its stored state), or NULL. */
static const char *readonly_why(const struct edit *e)
{
	if (!e->y.is_open)
		return "此年度已關閉，資料僅供檢視。";
	if (e->y.locked)
		return LOCKED_TEXT "，資料僅供檢視。";
	if (e->r.st && e->r.st->confirmed_version)
		return "此報表已確認，資料僅供檢視，無法修改；如需修改，請於下方「申請更正」，由上級機關（一級機關為縣市盤查小組）重新開放。";
	return NULL;
}

/* A stored report shown with the figures it was confirmed or locked with (report_stored_figures), not today's factors'. */
static int frozen(const struct report *r, const struct store_year_report *y)
{
	return r->id && ((r->st && r->st->confirmed_version) || y->locked);
}

/* The report whose versions are to be read: 0 when it has none (never confirmed), which asks nothing. */
static long long versions_of(const struct edit *e)
{
	return e->r.st && e->r.st->last_version ? e->r.st->id : 0;
}

/* The stored state and versions of the agency's report into e (after a refusal: as they are now).  0 or -1. */
static int edit_state(struct request *req, struct edit *e)
{
	if (report_state(req, req->session->agency_id, e->y.year, &e->r.st))
		return -1;
	e->have_state = 1;
	return report_versions_load(req, versions_of(e), &e->v, &e->nv);
}

/*
 * The page with status, res (NULL: no figures) and a message above it.
 * posted: r is the form as sent (its revision field goes back as sent);
 * reason: the 申請更正 reason as typed, or NULL.
 */
static int edit_page(struct request *req, struct edit *e, int status, const struct calc_result *res,
		     const char *flash, const char *kind, int posted, const char *reason)
{
	const struct form_val *rev = &req->in[REPORT_KEY_REVISION];
	struct report_page pg = {
		.f = &e->f, .t = e->t, .r = &e->r, .prev = &e->prev, .deadline = e->y.deadline,
		.lines = e->lines, .n = res ? e->n : 0, .res = res, .flash = flash, .flash_kind = kind,
		.correction_reason = reason,
	};

	/*
	 * The stored state, read when a page needs it.  The page of a save whose
	 * outcome is unknown (503) shows what was typed even without it.
	 */
	if (!e->have_state && edit_state(req, e) && status != 503)
		return unavailable(req);
	pg.readonly_why = readonly_why(e);
	pg.versions = e->v;
	pg.nversions = e->nv;

	/* A bad revision goes back as sent: the next 存檔 is refused again, never taken as another. */
	if (posted)
		pg.revision = rev->set ? NULL : rev->raw ? rev->raw : "";
	pg.readonly = pg.readonly_why != NULL;
	pg.year_locked = e->y.locked;
	/* 申請更正 on a confirmed report, not in a locked year (the lock refuses it too). */
	pg.correction = e->r.st && e->r.st->confirmed_version && !e->y.locked;
	req->status = status;
	report_render(req, &pg);
	return req->status;
}

/* The stored report as a page (GET, and a refused 申請更正). */
static int edit_stored(struct request *req, struct edit *e, int status, const char *flash, const char *kind, const char *reason)
{
	int ok;

	/* report_load read the state (r.st) too: only the versions are left. */
	if (report_load(req, req->session->agency_id, e->y.year, &e->r) ||
	    report_versions_load(req, versions_of(e), &e->v, &e->nv))
		return unavailable(req);
	e->have_state = 1;
	e->r.prev = &e->prev;
	report_inputs(req, &e->r, e->in, &e->n);
	ok = calc_compute(e->t, e->y.year, e->y.elec, e->in, e->n, e->lines, &e->res, e->err, sizeof(e->err)) == 0;
	if (ok && frozen(&e->r, &e->y) && report_stored_figures(req, e->r.id, e->lines, &e->n, &e->res))
		return unavailable(req);
	if (!flash) {
		flash = ok ? report_form_warning(&e->r) : e->err;
		kind = "error";
	}
	return edit_page(req, e, status, ok ? &e->res : NULL, flash, kind, 0, reason);
}

static int edit_get(struct request *req, struct edit *e)
{
	if (req->in[REPORT_KEY_SAVED].set)
		return edit_stored(req, e, 200, "已存檔。", "ok", NULL);
	if (req->in[REPORT_KEY_REQUESTED].set)
		return edit_stored(req, e, 200, "已送出申請更正，待上級機關（一級機關為縣市盤查小組）處理。", "ok", NULL);
	return edit_stored(req, e, 200, NULL, NULL, NULL);
}

/*
 * report_save() with what the lines were computed with; when a factor day's
 * run wrote a factor or the county's electricity variant since (REPORT_RECALC),
 * the lines computed again with them, a few times at most.  *failed 1: they
 * no longer compute (e->err), 2: a check of the form's now refuses them (the
 * report bound, 沿用's thresholds, a refrigerant: the message beside the field).
 */
static enum report_save save_computed(struct request *req, struct edit *e, int *failed)
{
	enum report_save out = REPORT_FAILED;

	*failed = 0;
	for (int tries = 0; tries < 3; tries++) {
		struct store_year_basis used = { .elec = e->y.elec };

		snprintf(used.factors, sizeof(used.factors), "%s", factors_table_stamp());
		out = report_save(req, &e->r, e->lines, e->n, &e->res, &used);
		if (out != REPORT_RECALC)
			return out;
		e->t = factors_table(req->app, NULL);
		if (!e->t || store_year_report_get(&req->app->db, req->session->county_id, e->y.year, &e->y) != 1)
			return REPORT_FAILED;
		if (calc_compute(e->t, e->y.year, e->y.elec, e->in, e->n, e->lines, &e->res, e->err, sizeof(e->err))) {
			*failed = 1;
			return REPORT_FAILED;
		}
		/* The form's checks that depend on the figures, again (as edit_post does). */
		report_check_refrigerants(req, &e->f, &e->r, e->t);
		if (!report_check_total(req, &e->f, e->lines, e->n, &e->res))
			report_check_carry(req, &e->f, &e->r, e->lines, e->n, &e->res);
		if (e->f.nerr) {
			*failed = 2;
			return REPORT_FAILED;
		}
	}
	return REPORT_FAILED;
}

/* 存檔 of a checked form: the outcome of report_save() as a page. */
static int edit_save(struct request *req, struct edit *e)
{
	int failed;
	enum report_save out = save_computed(req, e, &failed);

	if (failed)
		return edit_page(req, e, 400, failed == 2 ? &e->res : NULL, failed == 2 ? NULL : e->err, "error", 1, NULL);

	if (out == REPORT_SAVED)
		return redirect(req, arena_printf(&req->arena, "/report/edit?year=%d&saved=1", e->y.year));
	if (out == REPORT_UNKNOWN)
		return edit_page(req, e, 503, &e->res,
				 "資料庫連線在存檔的最後一刻中斷，無法確認是否已存檔。您輸入的內容保留在下方；"
				 "請稍候另開新視窗查看本年度報表，若未存檔再重新存檔。", "error", 1, NULL);
	/* A refusal shows the report's state as it is now (a 退回's comment, a 確認). */
	if (out == REPORT_FAILED || out == REPORT_RETRY || edit_state(req, e))
		return unavailable(req);
	switch (out) {
	case REPORT_STALE:
		return edit_page(req, e, 409, &e->res,
				 "未存檔：這份報表在您開啟之後已被他人（或另一個視窗）修改並存檔、已由上級機關退回或重新開放，或因係數更新而重新計算。"
				 "您輸入的內容保留在下方；請另開新視窗檢視目前內容，確認後再重新輸入並存檔。", "error", 1, NULL);
	case REPORT_YEAR_LOCKED:
		e->y.locked = 1;   /* as the transaction saw it */
		return edit_page(req, e, 409, &e->res, "未存檔：" LOCKED_TEXT "。下方是您輸入的內容（未存檔），僅供檢視。",
				 "error", 1, NULL);
	case REPORT_ALREADY_CONFIRMED:
		return edit_page(req, e, 409, &e->res,
				 "未存檔：此報表已由上級機關確認，無法修改。下方是您輸入的內容（未存檔），僅供檢視；"
				 "如需修改，請於下方「申請更正」。", "error", 1, NULL);
	default:
		return unavailable(req);
	}
}

static int edit_post(struct request *req, struct edit *e)
{
	const struct form_val *action = &req->in[REPORT_KEY_ACTION];
	int saving = action->set && action->i == REPORT_ACTION_SAVE, rc;
	const char *w;

	e->r.agency_id = req->session->agency_id;
	e->r.year = e->y.year;
	e->r.prev = &e->prev;   /* what 沿用 reuses */
	if (report_from_form(req, &e->r, &e->f, e->in, &e->n))
		return unavailable(req);
	report_check_refrigerants(req, &e->f, &e->r, e->t);
	if (saving && !*e->r.scope_text)
		form_error(&e->f, "scope_text", "請填寫盤查範圍（必填）。");
	if (saving && !req->session->has_contact)
		return edit_page(req, e, 400, NULL, "請先至「帳號維護」填寫業務承辦聯絡資訊（必填），才能存檔。", "error", 1, NULL);
	if (saving && e->r.revision < 0)
		return edit_page(req, e, 400, NULL,
				 "未存檔：表單缺少版本資訊或版本不正確（頁面可能不完整或已被改動）。您輸入的內容保留在下方；"
				 "請另開新視窗重新開啟本年度報表，確認後再重新輸入並存檔。", "error", 1, NULL);
	rc = calc_compute(e->t, e->y.year, e->y.elec, e->in, e->n, e->lines, &e->res, e->err, sizeof(e->err));
	if (!rc && !report_check_total(req, &e->f, e->lines, e->n, &e->res))   /* the report bound: refused beside the field */
		report_check_carry(req, &e->f, &e->r, e->lines, e->n, &e->res);   /* 沿用's thresholds, with this year's total */
	if (e->f.nerr || rc)
		return edit_page(req, e, 400, rc ? NULL : &e->res, rc ? e->err : NULL, "error", 1, NULL);
	if (saving)
		return edit_save(req, e);
	/* 計算: show the figures, store nothing. */
	w = report_form_warning(&e->r);
	return edit_page(req, e, req->status, &e->res, w ? w : "計算完成（尚未存檔）。", w ? "error" : "ok", 1, NULL);
}

/* The year of the request (`key` of req->in) as the county's: 1 with e->t and e->y, 0 the page written (404, 503). */
static int edit_year(struct request *req, struct edit *e, int key)
{
	int rc;

	e->t = factors_table(req->app, req->factor_stamp);
	if (!e->t)
		return unavailable(req), 0;
	if (!req->in[key].set)
		return not_found(req), 0;
	rc = store_year_report_get(&req->app->db, req->session->county_id, (int)req->in[key].i, &e->y);
	if (rc <= 0)
		return (rc < 0 ? unavailable(req) : not_found(req)), 0;
	if (report_load(req, req->session->agency_id, e->y.year - 1, &e->prev))
		return unavailable(req), 0;
	return 1;
}

int page_report_edit(struct request *req)
{
	struct edit *e = arena_zalloc(&req->arena, sizeof(*e));

	if (!edit_year(req, e, REPORT_KEY_YEAR))
		return req->status;
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

/* The outcomes of a 申請更正's transaction. */
enum correction { CORRECTION_OK, CORRECTION_LOCKED, CORRECTION_NOT_CONFIRMED, CORRECTION_ERROR };

/*
 * One transaction: the county-year's lock (share mode) first, then the
 * report row (store_workflow_request_correction locks it and checks it is
 * confirmed), the request and its audit line.
 */
static enum correction correction_write(struct request *req, int year, const char *reason)
{
	struct db *db = &req->app->db;
	struct store_report *row = arena_alloc(&req->arena, sizeof(*row));
	enum store_workflow_result res = STORE_WORKFLOW_NOT_FOUND;
	int locked = 0, found;

	if (db_begin(db))
		return CORRECTION_ERROR;
	if (store_year_lock_state(db, req->session->county_id, year, &locked) < 0)
		goto fail;
	if (locked) {
		db_rollback(db);
		return CORRECTION_LOCKED;
	}
	found = store_report_get(db, req->session->agency_id, year, row);
	if (found < 0)
		goto fail;
	if (found)
		res = store_workflow_request_correction(db, row->id, reason);
	if (res == STORE_WORKFLOW_ERROR)
		goto fail;
	if (res != STORE_WORKFLOW_OK) {
		db_rollback(db);
		return CORRECTION_NOT_CONFIRMED;
	}
	if (audit_add(req, req->session->agency_id, year, "申請更正", *row->correction_reason ? row->correction_reason : NULL, reason) ||
	    db_commit(db))
		goto fail;
	return CORRECTION_OK;
fail:
	error("report correction: %s", db->errstr);
	db_rollback(db);
	return CORRECTION_ERROR;
}

int page_report_correction(struct request *req)
{
	struct edit *e = arena_zalloc(&req->arena, sizeof(*e));
	const struct form_val *reason = &req->in[CORRECTION_REASON];
	const char *msg = form_error_of(req->in_err, "reason"), *typed = reason->raw ? reason->raw : "";

	if (!edit_year(req, e, CORRECTION_YEAR))
		return req->status;
	if (!msg && !reason->set)
		msg = "請填寫申請更正的原因（必填）。";
	if (msg) {
		form_error(&e->f, "reason", msg);
		return edit_stored(req, e, 400, "未送出申請更正：請修正標示的欄位。", "error", typed);
	}
	switch (correction_write(req, e->y.year, reason->s)) {
	case CORRECTION_OK:
		return redirect(req, arena_printf(&req->arena, "/report/edit?year=%d&requested=1", e->y.year));
	case CORRECTION_LOCKED:
		e->y.locked = 1;
		return edit_stored(req, e, 409, "未送出申請更正：" LOCKED_TEXT "。", "error", typed);
	case CORRECTION_NOT_CONFIRMED:
		return edit_stored(req, e, 409, "未送出申請更正：此報表目前不是「已確認」狀態（可能已由上級機關重新開放），"
				   "可直接修改存檔，不需申請更正。", "error", typed);
	case CORRECTION_ERROR:
		break;
	}
	return unavailable(req);
}

int page_report_view(struct request *req)
{
	struct edit *e = arena_zalloc(&req->arena, sizeof(*e));
	struct report_page pg = { .t = NULL, .r = &e->r, .lines = e->lines, .flash_kind = "error", .readonly = 1 };
	long long agency = 0;
	int rc;

	e->t = pg.t = factors_table(req->app, req->factor_stamp);
	if (!e->t)
		return unavailable(req);
	if (!req->in[REPORT_VIEW_YEAR].set)
		return not_found(req);
	rc = report_viewable(req, &req->in[REPORT_VIEW_AGENCY], &agency);
	if (rc <= 0)
		return rc < 0 ? unavailable(req) : not_found(req);
	rc = store_year_report_get(&req->app->db, req->session->county_id, (int)req->in[REPORT_VIEW_YEAR].i, &e->y);
	if (rc <= 0)
		return rc < 0 ? unavailable(req) : not_found(req);
	if (report_load(req, agency, e->y.year, &e->r) ||
	    report_versions_load(req, e->r.id, &e->v, &e->nv))
		return unavailable(req);
	if (agency != req->session->agency_id) {
		struct store_review_agency *a = arena_alloc(&req->arena, sizeof(*a));

		if (store_review_agency(&req->app->db, agency, a) != 1)
			return unavailable(req);
		e->r.agency_name = arena_strdup(&req->arena, a->name);
	}
	report_inputs(req, &e->r, e->in, &e->n);
	rc = calc_compute(e->t, e->y.year, e->y.elec, e->in, e->n, e->lines, &e->res, e->err, sizeof(e->err));
	if (!rc && frozen(&e->r, &e->y) && report_stored_figures(req, e->r.id, e->lines, &e->n, &e->res))
		return unavailable(req);
	pg.deadline = e->y.deadline;
	pg.n = e->n;
	pg.res = rc ? NULL : &e->res;
	pg.flash = rc ? e->err : NULL;
	pg.readonly_why = e->y.locked ? LOCKED_TEXT "。" : !e->y.is_open ? "此年度已關閉，資料僅供檢視。" : NULL;
	pg.year_locked = e->y.locked;
	pg.versions = e->v;
	pg.nversions = e->nv;
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

/* page_review_act.c: 所屬機關填報確認's actions (POST /review): 確認, 退回, 重新開放 and 全部確認, one transaction per report. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "form.h"
#include "html.h"
#include "job.h"
#include "report_status.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_review.h"
#include "store_workflow.h"
#include "store_year.h"
#include "util.h"

/*
 * DESIGN: an action is one transaction per report, its steps in the lock
 * order of docs/workflow.md: store_year_lock_state() first (the
 * county-year's row in share mode: a 年度鎖定 waits for the action or the
 * action for it, and a locked year refuses); then who may act, decided
 * again on the agency read in share mode (review_may_act: a move between
 * the page and the POST counts); then the report's row, locked, its
 * revision compared with the one the page showed; then store_workflow's
 * transition and its audit line.  Anything refused rolls back, so nothing
 * is written.  A deadlock or a lock wait is tried again while the request
 * is young.  The outbox row that moves the review's stamp (page_review.c)
 * is queued by the trigger of migration 0022 in the same transaction;
 * after the commit Redis only wakes the worker.  全部確認 runs that
 * transaction for each 已登錄完成 row the page showed (its rev-<agency>
 * field), each report alone: one that changed since is left out and named,
 * the others are confirmed, and a failure of one undoes no other.
 */

enum act_kind { ACT_CONFIRM, ACT_RETURN, ACT_REOPEN };

enum { ACT_YEAR, ACT_AGENCY, ACT_REVISION, ACT_AT, ACT_TEXT, ACT__MAX };
#define ACT_KEYS \
	[ACT_YEAR] = { "year", FORM_YEAR, FORM_REQUIRED }, \
	[ACT_AGENCY] = { "agency", FORM_ID, FORM_REQUIRED }, \
	[ACT_REVISION] = { "revision", FORM_INT, FORM_REQUIRED, 0, 4294967295LL }, \
	[ACT_AT] = { "at", FORM_ID }
static const struct form_key confirm_keys[ACT_TEXT] = { ACT_KEYS };
static const struct form_key return_keys[ACT__MAX] = {
	ACT_KEYS,
	[ACT_TEXT] = { "comment", FORM_TEXT, FORM_REQUIRED | FORM_MULTILINE, .max = 500, .msg = "請填寫退回原因，500 字以內。" },
};
static const struct form_key reopen_keys[ACT__MAX] = {
	ACT_KEYS,
	[ACT_TEXT] = { "reason", FORM_TEXT, FORM_REQUIRED | FORM_MULTILINE, .max = 500, .msg = "請填寫重新開放原因，500 字以內。" },
};
const struct form_decl review_confirm_in = FORM_DECL(confirm_keys);
const struct form_decl review_return_in = FORM_DECL(return_keys);
const struct form_decl review_reopen_in = FORM_DECL(reopen_keys);

enum { ALL_YEAR, ALL_AT, ALL__MAX };
static const struct form_key all_keys[ALL__MAX] = {
	[ALL_YEAR] = { "year", FORM_YEAR, FORM_REQUIRED },
	[ALL_AT] = { "at", FORM_ID },
};
const struct form_decl review_confirm_all_in = FORM_DECL(all_keys);

/* One action on one report, as the page showed it. */
struct act {
	enum act_kind kind;
	long long agency;
	int year;
	long long revision;
	const char *text;       /* 退回's comment, 重新開放's reason */
};

enum outcome {
	OUT_DONE,
	OUT_REFUSED,            /* who may not act: status 403 or 404 */
	OUT_LOCKED,             /* 年度鎖定 */
	OUT_STALE,              /* the report is not as the page showed it */
	OUT_RECALC,             /* 確認 of figures the unlock's run has yet to write (STORE_WORKFLOW_RECALC_DUE) */
	OUT_NO_REPORT,
	OUT_FAILED,             /* a database error (db->errstr) */
	OUT_RETRY,
};

struct act_res {
	int status;             /* OUT_REFUSED: 403 or 404 */
	int version;            /* OUT_DONE of 確認: the version written */
};

/* The audit line of a transition: the state before and after, with the comment or reason. */
static int act_audit(struct request *req, const struct act *a, const struct act_res *res)
{
	const char *const *n = report_status_names;

	if (a->kind == ACT_CONFIRM)
		return audit_add(req, a->agency, a->year, "確認", n[REPORT_FILED],
				 arena_printf(&req->arena, "%s（第 %d 版）", n[REPORT_CONFIRMED], res->version));
	if (a->kind == ACT_RETURN)
		return audit_add(req, a->agency, a->year, "退回", n[REPORT_FILED],
				 arena_printf(&req->arena, "%s；退回原因：%s", report_status_text(REPORT_DRAFT, 1), a->text));
	return audit_add(req, a->agency, a->year, "重新開放", n[REPORT_CONFIRMED],
			 arena_printf(&req->arena, "%s；重新開放原因：%s", n[REPORT_DRAFT], a->text));
}

/* The steps of one action inside its transaction (the DESIGN's order). */
static enum outcome act_writes(struct request *req, const struct act *a, struct act_res *res)
{
	struct db *db = &req->app->db;
	const struct session *s = req->session;
	enum store_workflow_result w;
	long long rid, rev;
	int locked, year_found, r;

	year_found = store_year_lock_state(db, s->county_id, a->year, &locked);
	if (year_found < 0 || review_may_act(req, a->agency, &res->status))
		return OUT_FAILED;
	if (!res->status && !year_found)
		res->status = 404;
	if (res->status)
		return OUT_REFUSED;
	if (locked)
		return OUT_LOCKED;
	r = store_review_lock_report(db, a->agency, a->year, &rid, &rev);
	if (r <= 0)
		return r < 0 ? OUT_FAILED : OUT_NO_REPORT;
	if (rev != a->revision)
		return OUT_STALE;
	if (a->kind == ACT_CONFIRM)
		w = store_workflow_confirm(db, rid, a->revision, s->account_id, &res->version);
	else if (a->kind == ACT_RETURN)
		w = store_workflow_return(db, rid, a->revision, s->account_id, a->text);
	else
		w = store_workflow_reopen(db, rid, s->account_id, a->text);
	if (w == STORE_WORKFLOW_ERROR)
		return OUT_FAILED;
	if (w == STORE_WORKFLOW_NOT_FOUND)
		return OUT_NO_REPORT;
	if (w == STORE_WORKFLOW_RECALC_DUE)
		return OUT_RECALC;
	if (w != STORE_WORKFLOW_OK)
		return OUT_STALE;   /* not filed, already confirmed, not confirmed: not as shown */
	return act_audit(req, a, res) ? OUT_FAILED : OUT_DONE;
}

static enum outcome act_once(struct request *req, const struct act *a, struct act_res *res)
{
	struct db *db = &req->app->db;
	enum outcome o;

	if (db_begin(db))
		return OUT_FAILED;
	o = act_writes(req, a, res);
	if (o == OUT_DONE && !db_commit(db))
		return OUT_DONE;
	if (o == OUT_DONE || o == OUT_FAILED) {
		o = db_err_contention(db) ? OUT_RETRY : OUT_FAILED;
		if (o == OUT_RETRY)
			log_warn("review %d: %s; trying again", (int)a->kind, db->errstr);
		else
			error("review %d of agency %lld: %s", (int)a->kind, a->agency, db->errstr);
	}
	db_rollback(db);
	return o;
}

/* One action, tried again after a deadlock or a lock wait while the request is young. */
static enum outcome act_run(struct request *req, const struct act *a, struct act_res *res)
{
	long long t0 = now_ms();
	enum outcome o = OUT_FAILED;

	for (int attempt = 0; attempt < 4 && now_ms() - t0 < 1500; attempt++) {
		*res = (struct act_res){ 0 };
		o = act_once(req, a, res);
		if (o != OUT_RETRY)
			return o;
		usleep(10000 * (attempt + 1));
	}
	return o == OUT_RETRY ? OUT_FAILED : o;
}

/* The list the page came from: /review?year=Y[&agency=at]. */
static const char *back_url(struct request *req, int year, long long at)
{
	if (at)
		return arena_printf(&req->arena, "/review?year=%d&agency=%lld", year, at);
	return arena_printf(&req->arena, "/review?year=%d", year);
}

static const char *const stale_msg =
	"此機關的填報資料在您開啟頁面之後已有變更（機關再次存檔、因係數更新而重新計算，或已由他人確認、退回或重新開放），未執行。請回列表查看目前的狀態後再操作。";

static const char *const recalc_msg =
	"此機關的填報在年度鎖定期間遇係數更新而保留原數值；縣市盤查小組解除鎖定後，系統正依現行係數就地重新計算（或計算失敗，待平臺管理者重新執行）。"
	"重新計算完成前不能確認，未執行。請稍後回列表查看更新後的數值再確認。";

static const char *locked_msg(struct request *req, int year)
{
	return arena_printf(&req->arena, "民國 %d 年已年度鎖定，不能確認、退回或重新開放，未執行。需要變更時，請洽縣市盤查小組解除鎖定。",
			    roc_year(year));
}

/* 409: not done, why, and the way back to the list. */
static int conflict(struct request *req, int year, long long at, const char *msg)
{
	struct strbuf *o = &req->body;

	req->status = 409;
	layout_begin(req, "所屬機關填報確認", "所屬機關填報確認");
	html(o, "<section class=\"notice error\"><h1>未執行</h1><p>");
	html_txt(o, msg);
	html(o, "</p><p><a href=\"");
	html_attr(o, back_url(req, year, at));
	html(o, "\">回所屬機關填報確認</a></p></section>");
	layout_end(req);
	return req->status;
}

static int status_page(struct request *req, int status)
{
	req->status = status;
	return routes_error_page(req);
}

/* 確認, 退回 or 重新開放 of one report: the route's handler. */
static int act_page(struct request *req, enum act_kind kind)
{
	const struct form_val *in = req->in;
	struct act a = { kind, in[ACT_AGENCY].i, (int)in[ACT_YEAR].i, in[ACT_REVISION].i, NULL };
	long long at = in[ACT_AT].set ? in[ACT_AT].i : 0;
	struct act_res res;
	int status;
	static const char *const done[] = { "confirm", "return", "reopen" };

	if (!in[ACT_YEAR].set || !in[ACT_AGENCY].set)
		return status_page(req, 404);
	/* Who may act, first: a party that may not learns nothing more (the transaction decides again). */
	if (review_may_act(req, a.agency, &status))
		return routes_unavailable(req, "review: who may act");
	if (status)
		return status_page(req, status);
	if (!in[ACT_REVISION].set || (in[ACT_AT].raw && !in[ACT_AT].set))
		return status_page(req, 400);
	if (kind != ACT_CONFIRM && !in[ACT_TEXT].set) {
		const char *name = kind == ACT_RETURN ? "comment" : "reason";
		struct review_err err = { a.agency, kind == ACT_REOPEN, in[ACT_TEXT].raw ? in[ACT_TEXT].raw : "",
					  form_error_of(req->in_err, name) };

		req->status = 400;
		/* Above the table too: the row's form shows only while the report is in the state it acts on. */
		return review_page(req, at, a.year, kind == ACT_RETURN ? "未退回：請填寫退回原因，500 字以內。"
				   : "未重新開放：請填寫重新開放原因，500 字以內。", &err);
	}
	a.text = kind == ACT_CONFIRM ? NULL : in[ACT_TEXT].s;
	switch (act_run(req, &a, &res)) {
	case OUT_DONE:
		job_push_rollup(&req->app->queue, req->session->county_id, a.year);
		return redirect(req, arena_printf(&req->arena, "%s&done=%s&of=%lld", back_url(req, a.year, at), done[kind], a.agency));
	case OUT_REFUSED:
		return status_page(req, res.status);
	case OUT_LOCKED:
		return conflict(req, a.year, at, locked_msg(req, a.year));
	case OUT_STALE:
		return conflict(req, a.year, at, stale_msg);
	case OUT_RECALC:
		return conflict(req, a.year, at, recalc_msg);
	case OUT_NO_REPORT:
		return status_page(req, 404);
	default:
		return routes_unavailable(req, "review: the action");
	}
}

int page_review_confirm(struct request *req)
{
	return act_page(req, ACT_CONFIRM);
}

int page_review_return(struct request *req)
{
	return act_page(req, ACT_RETURN);
}

int page_review_reopen(struct request *req)
{
	return act_page(req, ACT_REOPEN);
}

/* 全部確認: a row of the list and what became of it. */
struct bulk_row {
	long long id;
	const char *name;
	int posted;             /* the page showed it 已登錄完成, with this revision */
	long long revision;
	enum outcome out;
	struct act_res res;
	struct bulk_row *next;
};

struct bulk {
	struct arena *arena;
	struct bulk_row *first, **tail;
};

static int bulk_take(void *ctx, const struct store_review_child *c)
{
	struct bulk *b = ctx;
	struct bulk_row *r = arena_zalloc(b->arena, sizeof(*r));

	r->id = c->id;
	r->name = arena_strdup(b->arena, c->name);
	*b->tail = r;
	b->tail = &r->next;
	return 0;
}

/* The revisions the page showed, one rev-<agency> field per 已登錄完成 row: 0, 1 when one is not a number, -1. */
static int bulk_read(struct request *req, struct bulk *b)
{
	struct form scratch = { .nerr = 0 };

	for (struct bulk_row *r = b->first; r; r = r->next) {
		struct form_key k = { .name = arena_printf(&req->arena, "rev-%lld", r->id), .kind = FORM_INT, .max = 4294967295LL };
		struct form_val v;
		int bad = form_read_one(req, &k, &v, &scratch);

		if (bad)
			return bad;
		r->posted = v.set;
		r->revision = v.i;
	}
	return 0;
}

/* Why a row was left out, for the result page. */
static const char *bulk_why(struct request *req, const struct bulk_row *r)
{
	switch (r->out) {
	case OUT_STALE: return "在您開啟頁面之後已有變更（再次存檔、係數更新重新計算，或已被確認或退回）";
	case OUT_LOCKED: return arena_printf(&req->arena, "民國 %d 年已年度鎖定", roc_year((int)req->in[ALL_YEAR].i));
	case OUT_NO_REPORT: return "沒有填報資料";
	case OUT_RECALC: return "解除年度鎖定後的重新計算尚未完成，完成後才能確認";
	case OUT_REFUSED: return "您不是此機關的上級機關";
	default: return "系統暫時無法處理，請稍後再試";
	}
}

/* The result of 全部確認: who was confirmed, who was left out and why. */
static int bulk_page(struct request *req, const struct bulk *b, int year, long long at)
{
	struct strbuf *o = &req->body;
	int done = 0, left = 0, failed = 0;

	for (const struct bulk_row *r = b->first; r; r = r->next) {
		done += r->posted && r->out == OUT_DONE;
		left += r->posted && r->out != OUT_DONE;
		failed += r->posted && r->out == OUT_FAILED;
	}
	req->status = failed ? 503 : left ? 409 : 200;
	layout_begin(req, "所屬機關填報確認", "所屬機關填報確認");
	strbuf_addf(o, "<h1>全部確認：民國 %d 年</h1>", roc_year(year));
	form_flash(req, "ok", arena_printf(&req->arena, "已確認 %d 個機關的填報資料。", done));
	html(o, "<ul class=\"bulk-done\">");
	for (const struct bulk_row *r = b->first; r; r = r->next) {
		if (!r->posted || r->out != OUT_DONE)
			continue;
		html(o, "<li>");
		html_txt(o, r->name);
		strbuf_addf(o, "（第 %d 版）</li>", r->res.version);
	}
	html(o, "</ul>");
	if (left) {
		form_flash(req, "error", arena_printf(&req->arena, "下列 %d 個機關未確認：", left));
		html(o, "<ul class=\"bulk-left\">");
		for (const struct bulk_row *r = b->first; r; r = r->next) {
			if (!r->posted || r->out == OUT_DONE)
				continue;
			html(o, "<li>");
			html_txt(o, r->name);
			html(o, "：");
			html_txt(o, bulk_why(req, r));
			html(o, "</li>");
		}
		html(o, "</ul>");
	}
	html(o, "<p><a href=\"");
	html_attr(o, back_url(req, year, at));
	html(o, "\">回所屬機關填報確認</a></p>");
	layout_end(req);
	return req->status;
}

/* May the viewer act on the rows of `agency`'s list (0: the team's county top)?  0 yes, else 403 / 404; -1 db error. */
static int bulk_may(struct request *req, long long agency)
{
	const struct session *s = req->session;
	int may;

	if (s->kind == ACCOUNT_AGENCY ? agency == s->agency_id : !agency)
		return 0;
	if (review_may_see(req, agency, &may))
		return -1;
	return may ? 403 : 404;
}

int page_review_confirm_all(struct request *req)
{
	const struct form_val *in = req->in;
	const struct session *s = req->session;
	long long at = in[ALL_AT].set ? in[ALL_AT].i : 0, agency = at ? at : s->agency_id;
	int year = (int)in[ALL_YEAR].i, r, locked = 0, done = 0;
	struct bulk b = { &req->arena, NULL, &b.first };

	if (!in[ALL_YEAR].set || (in[ALL_AT].raw && !in[ALL_AT].set))
		return status_page(req, 404);
	r = bulk_may(req, agency);
	if (r)
		return r < 0 ? routes_unavailable(req, "review: who may act") : status_page(req, r);
	r = store_year_exists(&req->app->db, s->county_id, year);
	if (r <= 0)
		return r < 0 ? routes_unavailable(req, "review: the year") : status_page(req, 404);
	if (store_review_children(&req->app->db, s->county_id, agency, year, bulk_take, &b))
		return routes_unavailable(req, "review: the list");
	r = bulk_read(req, &b);
	if (r)
		return r < 0 ? routes_unavailable(req, "review: the years") : status_page(req, 400);
	for (struct bulk_row *row = b.first; row; row = row->next) {
		struct act a = { ACT_CONFIRM, row->id, year, row->revision, NULL };

		if (!row->posted)
			continue;
		/* Once the year is locked every other row would be refused too: not tried. */
		row->out = locked ? OUT_LOCKED : act_run(req, &a, &row->res);
		locked = row->out == OUT_LOCKED;
		done += row->out == OUT_DONE;
	}
	if (done)
		job_push_rollup(&req->app->queue, s->county_id, year);
	return bulk_page(req, &b, year, at);
}

/* page_year_lock.c: 年度鎖定 (/team/years/lock): the county team locks a county-year, each agency not 已確認 listed with a reason, and unlocks it with one. */
#include <string.h>

#include "audit.h"
#include "factor_change_view.h"
#include "form.h"
#include "html.h"
#include "job.h"
#include "report_status.h"
#include "routes.h"
#include "session.h"
#include "store_year.h"
#include "store_year_lock.h"

/*
 * DESIGN: the page lists every active agency of the county whose report of
 * the year is not 已確認, each with the state it shows (a hidden
 * st_<agency id>) and its reason (reason_<agency id>).  A lock is one
 * transaction: the county's row, then the county-year's, FOR UPDATE (it
 * waits for an agency's change, a save or a 確認, and they for it), the
 * agencies' states read again in share mode and compared with the page.
 * An agency listed whose state changed since (filed, confirmed, returned),
 * or one not 已確認 that the page did not list, makes it a 409 naming them:
 * the page again as it is now, with the reasons typed for the agencies
 * still listed.  Then every listed agency needs a reason; then the lock,
 * its exceptions and the audit line are written.  An agency deactivated
 * since the page was drawn is no longer one of the county-year's: it is
 * neither checked nor an exception.
 *
 * A published county-year cannot be unlocked (its public figures would stand
 * on a year open to changes): the team withdraws the publication first.  The
 * unlock form names the lock it showed (another since is a 409); unlocking
 * queues the exporter's run over what the lock kept as 重算值 (store_fd_unlock_queue).
 *
 * The county is always the session's: a team reaches only its own years.
 */

/*
 * The most agencies one lock can list as exceptions: its form sends two
 * fields each, and a request is parsed up to QUERY_MAX_PARAMS (1024).  A
 * county with more not 已確認 is told to confirm first.
 */
#define LOCK_MAX_LISTED 400
#define HISTORY_MAX 50      /* the locks the page lists, newest first */
#define REASON_MSG "請說明列為例外的理由，500 字以內。"

enum { VIEW_YEAR, VIEW_LOCKED, VIEW_UNLOCKED, VIEW__MAX };
static const struct form_key team_year_lock_keys[VIEW__MAX] = {
	[VIEW_YEAR] = { "year", FORM_YEAR },
	[VIEW_LOCKED] = { "locked", FORM_FLAG },
	[VIEW_UNLOCKED] = { "unlocked", FORM_FLAG },
};
const struct form_decl team_year_lock_in = FORM_DECL(team_year_lock_keys);

/* action=lock: the year; the agencies' st_<id> and reason_<id> depend on the county (read by list_agency, read_reasons). */
enum { TAKE_YEAR, TAKE__MAX };
static const struct form_key team_year_lock_take_keys[TAKE__MAX] = {
	[TAKE_YEAR] = { "year", FORM_YEAR },
};
const struct form_decl team_year_lock_take_in = FORM_DECL(team_year_lock_take_keys);

enum { UNLOCK_YEAR, UNLOCK_LOCK, UNLOCK_REASON, UNLOCK__MAX };
static const struct form_key team_year_unlock_keys[UNLOCK__MAX] = {
	[UNLOCK_YEAR] = { "year", FORM_YEAR },
	[UNLOCK_LOCK] = { "lock", FORM_ID, FORM_REQUIRED },
	[UNLOCK_REASON] = { "reason", FORM_TEXT, FORM_REQUIRED | FORM_MULTILINE, 0, STORE_YEAR_LOCK_REASON_MAX, NULL, NULL,
			    "請說明解除鎖定的理由，500 字以內。" },
};
const struct form_decl team_year_unlock_in = FORM_DECL(team_year_unlock_keys);

/* An agency not 已確認, as listed, with what was typed for it. */
struct lock_row {
	long long id;
	const char *code, *name;
	int status, returned;
	const char *reason;     /* as typed ("" when none) */
	const char *text;       /* the reason checked (what is stored) */
	const char *msg;        /* its refusal, or NULL */
};

/* The agencies not 已確認 (v), and, for a POST, those changed since its page (stale: what to tell). */
struct lock_list {
	struct request *req;
	int posted;
	struct lock_row *v;
	int n, cap;
	const char **stale;
	int nstale, stale_cap;
};

/* v with room for n + 1 elements of `size` (arena memory; the old array is left to the arena). */
static void *grow(struct arena *a, void *v, int n, int *cap, size_t size)
{
	void *nv;

	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	nv = arena_alloc(a, size * (size_t)*cap);
	if (n)
		memcpy(nv, v, size * (size_t)n);
	return nv;
}

static int not_found(struct request *req)
{
	req->status = 404;
	return routes_error_page(req);
}

/*
 * The state a POST's page showed for agency `id`: -1 not listed, -2 a value
 * that is no state (a form not the page's: as changed), else the state.
 */
static int shown_state(struct request *req, long long id)
{
	struct form_key k = { .name = arena_printf(&req->arena, "st_%lld", id), .kind = FORM_INT, .min = REPORT_NONE, .max = REPORT_FILED };
	struct form f = { .nerr = 0 };
	struct form_val v;

	form_read_one(req, &k, &v, &f);
	if (!v.raw)
		return -1;
	return v.set ? (int)v.i : -2;
}

static void add_stale(struct lock_list *l, const struct store_year_lock_agency *a, int shown)
{
	struct request *req = l->req;

	l->stale = grow(&req->arena, l->stale, l->nstale, &l->stale_cap, sizeof(*l->stale));
	l->stale[l->nstale++] = arena_printf(&req->arena, "%s %s：%s，現為%s", a->code, a->name,
		shown == -1 ? "頁面未列出" : shown == -2 ? "頁面的狀態不明" :
		arena_printf(&req->arena, "頁面顯示為%s", report_status_names[shown]),
		report_status_text(a->status, a->returned));
}

/* store_year_lock_agencies' callback: the agencies not 已確認 into l; for a POST, each compared with its page. */
static int list_agency(void *ctx, const struct store_year_lock_agency *a)
{
	struct lock_list *l = ctx;
	struct request *req = l->req;
	struct lock_row *row;

	if (l->posted) {
		int shown = shown_state(req, a->id);

		if (shown != (a->status == REPORT_CONFIRMED ? -1 : a->status))
			add_stale(l, a, shown);
	}
	if (a->status == REPORT_CONFIRMED)
		return 0;
	l->v = grow(&req->arena, l->v, l->n, &l->cap, sizeof(*l->v));
	row = &l->v[l->n++];
	memset(row, 0, sizeof(*row));
	row->id = a->id;
	row->code = arena_strdup(&req->arena, a->code);
	row->name = arena_strdup(&req->arena, a->name);
	row->status = a->status;
	row->returned = a->returned;
	row->reason = l->posted ? req_str(req, arena_printf(&req->arena, "reason_%lld", a->id)) : "";
	return 0;
}

/* Each listed agency's reason checked: the number refused (each row's msg set). */
static int read_reasons(struct request *req, struct lock_list *l)
{
	int bad = 0;

	for (int i = 0; i < l->n; i++) {
		struct lock_row *row = &l->v[i];
		struct form_key k = { .name = arena_printf(&req->arena, "reason_%lld", row->id), .kind = FORM_TEXT,
				      .flags = FORM_REQUIRED | FORM_MULTILINE, .max = STORE_YEAR_LOCK_REASON_MAX, .msg = REASON_MSG };
		struct form f = { .nerr = 0 };
		struct form_val v;

		form_read_one(req, &k, &v, &f);
		if (f.nerr) {
			row->msg = f.err[0].msg;
			bad++;
		} else {
			row->text = v.s;
		}
	}
	return bad;
}

/* One lock of the history, its strings in the request's arena. */
struct hist_entry {
	long long id;
	const char *locked_at, *locked_by, *unlocked_at, *unlocked_by, *unlock_reason;
	int exceptions;
};

/* The history as the page writes it: the locks, then their exceptions streamed in beside them (hist_exception). */
struct history {
	struct request *req;
	struct hist_entry *e;
	int n, cap;
	int next;               /* the next lock to write */
	int open;               /* the list of exceptions of lock next - 1 is open */
};

static int hist_add(void *ctx, const struct store_year_lock_entry *src)
{
	struct history *h = ctx;
	struct arena *a = &h->req->arena;
	struct hist_entry *e;

	h->e = grow(a, h->e, h->n, &h->cap, sizeof(*h->e));
	e = &h->e[h->n++];
	e->id = src->id;
	e->locked_at = arena_strdup(a, src->locked_at);
	e->locked_by = arena_strdup(a, src->locked_by);
	e->unlocked_at = arena_strdup(a, src->unlocked_at);
	e->unlocked_by = arena_strdup(a, src->unlocked_by);
	e->unlock_reason = arena_strdup(a, src->unlock_reason);
	e->exceptions = src->exceptions;
	return 0;
}

/* Writes the next lock of the history; its list of exceptions stays open when it has any. */
static void hist_write_next(struct history *h)
{
	struct strbuf *o = &h->req->body;
	const struct hist_entry *e = &h->e[h->next++];

	strbuf_addf(o, "<li data-lock=\"%lld\"><p>鎖定：", e->id);
	html_txt(o, e->locked_at);
	html(o, "（");
	html_txt(o, e->locked_by);
	strbuf_addf(o, "），例外 %d 個機關。", e->exceptions);
	if (*e->unlocked_at) {
		html(o, "<br>解除鎖定：");
		html_txt(o, e->unlocked_at);
		html(o, "（");
		html_txt(o, e->unlocked_by);
		html(o, "），理由：<span class=\"unlock-reason\">");
		html_txt(o, e->unlock_reason);
		html(o, "</span>");
	} else {
		html(o, "<br><strong>鎖定中</strong>");
	}
	html(o, "</p>");
	h->open = e->exceptions > 0;
	html(o, h->open ? "<ul class=\"exceptions\">" : "</li>");
}

/* Closes the open lock's list of exceptions and writes the locks newer than lock_id (0: all that are left). */
static void hist_advance(struct history *h, long long lock_id)
{
	if (h->open) {
		html(&h->req->body, "</ul></li>");
		h->open = 0;
	}
	while (h->next < h->n && (!lock_id || h->e[h->next].id > lock_id))
		hist_write_next(h);
}

static int hist_exception(void *ctx, const struct store_year_lock_exception *x)
{
	struct history *h = ctx;
	struct strbuf *o = &h->req->body;

	if (!(h->open && h->e[h->next - 1].id == x->lock_id)) {
		hist_advance(h, x->lock_id);
		if (h->next < h->n && h->e[h->next].id == x->lock_id)
			hist_write_next(h);
		if (!h->open)
			return 0;   /* a lock the history does not show */
	}
	strbuf_addf(o, "<li data-agency=\"%lld\">", x->agency_id);
	html_txt(o, x->code);
	html(o, " ");
	html_txt(o, x->name);
	html(o, "：");
	html_txt(o, x->reason);
	html(o, "</li>");
	return 0;
}

/* 鎖定紀錄: every lock shown with its exceptions and its unlocking.  0 / -1. */
static int history_section(struct request *req, int year, struct history *h)
{
	struct strbuf *o = &req->body;

	html(o, "<section id=\"lock-history\"><h2>鎖定紀錄</h2>");
	if (!h->n) {
		html(o, "<p>本年度尚無鎖定紀錄。</p></section>");
		return 0;
	}
	html(o, "<ol class=\"locks\">");
	if (store_year_lock_exceptions(&req->app->db, req->session->county_id, year, h->e[h->n - 1].id, hist_exception, h))
		return -1;
	hist_advance(h, 0);
	html(o, "</ol></section>");
	return 0;
}

/* One agency's row of the lock form: its state as shown (sent back) and its reason. */
static void lock_row_html(struct request *req, const struct lock_row *row)
{
	struct strbuf *o = &req->body;

	strbuf_addf(o, "<tr data-agency=\"%lld\"><td>", row->id);
	html_txt(o, row->code);
	html(o, "</td><td>");
	html_txt(o, row->name);
	strbuf_addf(o, "</td><td><span class=\"status s%d\">", row->status);
	html_txt(o, report_status_text(row->status, row->returned));
	strbuf_addf(o, "</span></td><td><input type=\"hidden\" name=\"st_%lld\" value=\"%d\">"
		    "<textarea id=\"r-%lld\" name=\"reason_%lld\" rows=\"2\" maxlength=\"500\" required aria-label=\"",
		    row->id, row->status, row->id, row->id);
	html_attr(o, arena_printf(&req->arena, "%s的例外理由", row->name));
	html(o, "\"");
	if (row->msg)
		strbuf_addf(o, " aria-invalid=\"true\" aria-describedby=\"e-r-%lld\"", row->id);
	html(o, ">");
	html_txt(o, row->reason);
	html(o, "</textarea>");
	if (row->msg) {
		strbuf_addf(o, "<p class=\"field-error\" id=\"e-r-%lld\">", row->id);
		html_txt(o, row->msg);
		html(o, "</p>");
	}
	html(o, "</td></tr>");
}

/* The lock form: the agencies not 已確認, each with its reason; or why the year cannot be locked at once. */
static void lock_form(struct request *req, int year, const struct lock_list *l)
{
	struct strbuf *o = &req->body;

	html(o, "<p><span class=\"status s0\" id=\"lock-state\">未鎖定</span></p>"
		"<p>鎖定後，本年度的機關填報、確認、退回、重新開放、申請更正與非機關活動資料都不能再修改，直到解除鎖定；"
		"盤查成果須先鎖定才能公開。</p>");
	if (l->n > LOCK_MAX_LISTED) {
		strbuf_addf(o, "<p class=\"flash error\" role=\"status\" id=\"too-many\">尚有 %d 個機關未確認，超過一次可列為例外的上限 %d 個；"
			    "請先完成所屬機關的確認，再鎖定本年度。</p>", l->n, LOCK_MAX_LISTED);
		return;
	}
	html(o, "<form method=\"post\" action=\"/team/years/lock\" id=\"lock-form\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "lock");
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	if (!l->n) {
		html(o, "<p>本年度所有機關皆已確認。</p>");
	} else {
		strbuf_addf(o, "<p>以下 %d 個機關尚未確認：鎖定時將列為例外，請逐一說明理由（500 字以內）。</p>"
			    "<table id=\"exceptions\"><thead><tr><th>機關代碼</th><th>機關名稱</th><th>狀態</th><th>例外理由</th></tr></thead><tbody>",
			    l->n);
		for (int i = 0; i < l->n; i++)
			lock_row_html(req, &l->v[i]);
		html(o, "</tbody></table>");
	}
	html(o, "<div class=\"actions\"><button type=\"submit\">鎖定本年度</button></div></form>");
}

/* The lock in force (h's newest) and the unlock form, unless the year is published. */
static void locked_section(struct request *req, int year, const struct store_year_state *ys, const struct history *h,
			   const char *reason, const char *msg)
{
	struct strbuf *o = &req->body;
	const struct hist_entry *e = h->n && h->e[0].id == ys->lock_id ? &h->e[0] : NULL;

	html(o, "<p><span class=\"status s2\" id=\"lock-state\">已鎖定</span>");
	if (e) {
		html(o, "（");
		html_txt(o, e->locked_at);
		html(o, "，");
		html_txt(o, e->locked_by);
		strbuf_addf(o, "；例外 %d 個機關）", e->exceptions);
	}
	html(o, "</p><p>本年度的機關填報、確認、退回、重新開放、申請更正與非機關活動資料都不能修改。</p>");
	if (ys->published) {
		html(o, "<p id=\"unlock-blocked\">本年度盤查成果已公開：須先於「<a href=\"/team/inventory?year=");
		html_int(o, year);
		html(o, "\">盤查清冊</a>」撤回公開，才能解除鎖定。</p>");
		return;
	}
	html(o, "<form method=\"post\" action=\"/team/years/lock\" id=\"unlock-form\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "unlock");
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"lock\" value=\"%lld\">"
		    "<div class=\"field\"><label for=\"f-reason\">解除鎖定的理由 <span class=\"req\" aria-hidden=\"true\">*</span></label>"
		    "<div class=\"control\"><textarea id=\"f-reason\" name=\"reason\" rows=\"3\" maxlength=\"500\" required",
		    year, ys->lock_id);
	if (msg)
		html(o, " aria-invalid=\"true\" aria-describedby=\"e-reason\"");
	html(o, ">");
	html_txt(o, reason ? reason : "");
	html(o, "</textarea>");
	if (msg) {
		html(o, "<p class=\"field-error\" id=\"e-reason\">");
		html_txt(o, msg);
		html(o, "</p>");
	}
	html(o, "</div></div><div class=\"actions\"><button type=\"submit\" class=\"secondary\">解除鎖定</button></div></form>");
}

/* What a page drawn after a POST shows besides the year's state. */
struct lock_view {
	struct lock_list *list;         /* the agencies not 已確認 with what was typed; NULL: read them */
	const char *flash;              /* an error above the page */
	const char *ok;                 /* else a notice of what was done */
	const char *unlock_reason;      /* as typed */
	const char *unlock_msg;         /* its refusal */
};

/* The changes since the page that refused a lock. */
static void stale_list(struct strbuf *o, const struct lock_list *l)
{
	html(o, "<ul id=\"stale\">");
	for (int i = 0; i < l->nstale; i++) {
		html(o, "<li>");
		html_txt(o, l->stale[i]);
		html(o, "</li>");
	}
	html(o, "</ul>");
}

/* The year's page: its lock (or the lock form), and its history.  Returns req->status. */
static int lock_page(struct request *req, int year, const struct lock_view *v)
{
	struct db *db = &req->app->db;
	struct strbuf *o = &req->body;
	struct store_year_state ys;
	struct lock_list fresh = { .req = req };
	struct history h = { .req = req };
	const struct lock_list *l = v->list ? v->list : &fresh;
	int r = store_year_get_state(db, req->session->county_id, year, &ys);

	if (r < 0)
		return routes_unavailable(req, "year lock");
	if (!r)
		return not_found(req);
	if ((!v->list && !ys.locked && store_year_lock_agencies(db, req->session->county_id, year, 0, list_agency, &fresh)) ||
	    store_year_lock_history(db, req->session->county_id, year, HISTORY_MAX, hist_add, &h))
		return routes_unavailable(req, "year lock");
	layout_begin(req, "年度鎖定", "年度鎖定");
	strbuf_addf(o, "<h1>年度鎖定　民國 %d 年（%d）</h1><p><a href=\"/team/years\">回年度管理</a></p>", roc_year(year), year);
	if (v->flash)
		form_flash(req, "error", v->flash);
	else if (v->ok)
		form_flash(req, "ok", v->ok);
	if (v->list && v->list->nstale)
		stale_list(o, v->list);
	if (ys.locked)
		locked_section(req, year, &ys, &h, v->unlock_reason, v->unlock_msg);
	else
		lock_form(req, year, l);
	if (factor_unlock_section(req, year, h.n ? h.e[0].id : 0) || history_section(req, year, &h))
		return routes_unavailable(req, "year lock history");
	layout_end(req);
	return req->status;
}

/* The year of a request: 0 with *year, or the status of the page answered (the year list when none, 404 for a bad one). */
static int year_of(struct request *req, const struct form_val *v, int *year)
{
	if (v->set) {
		*year = (int)v->i;
		return 0;
	}
	if (form_error_of(req->in_err, "year"))
		return not_found(req);
	return layout_year_page(req, "年度鎖定", "年度鎖定", "年度鎖定", "/team/years/lock");
}

/* GET /team/years/lock: a year's lock, its form and its history. */
int page_team_year_lock(struct request *req)
{
	const struct form_val *in = req->in;
	struct lock_view v = { .ok = in[VIEW_LOCKED].set ? "已鎖定本年度。" : in[VIEW_UNLOCKED].set ? "已解除鎖定。" : NULL };
	int year = 0, st = year_of(req, &in[VIEW_YEAR], &year);

	return st ? st : lock_page(req, year, &v);
}

/* The lock, its exceptions and its audit line, then the commit.  0 / -1. */
static int write_lock(struct request *req, int year, const struct lock_list *l)
{
	struct db *db = &req->app->db;
	long long id;

	if (store_year_lock_take(db, req->session->county_id, year, req->session->account_id, &id))
		return -1;
	for (int i = 0; i < l->n; i++)
		if (store_year_lock_add_exception(db, id, l->v[i].id, l->v[i].text))
			return -1;
	if (audit_add_county(req, year, "年度鎖定", NULL, arena_printf(&req->arena, "鎖定 #%lld（例外 %d 個機關）", id, l->n)))
		return -1;
	return db_commit(db);
}

/* A refused POST: rolled back, the year's page with status and flash. */
static int refused(struct request *req, int year, int status, struct lock_view *v)
{
	db_rollback(&req->app->db);
	req->status = status;
	return lock_page(req, year, v);
}

/* POST /team/years/lock action=lock: 年度鎖定. */
int page_team_year_lock_take(struct request *req)
{
	struct db *db = &req->app->db;
	struct lock_list *l = arena_zalloc(&req->arena, sizeof(*l));
	struct lock_view v = { .list = l };
	struct store_year_state ys;
	int year = 0, r = year_of(req, &req->in[TAKE_YEAR], &year);

	if (r)
		return r;
	l->req = req;
	l->posted = 1;
	if (db_begin(db) || (r = store_year_lock_begin(db, req->session->county_id, year, &ys)) < 0)
		goto fail;
	if (!r) {
		db_rollback(db);
		return not_found(req);
	}
	/* A signed year's figures have one basis: a change being applied finishes first. */
	r = ys.locked ? 0 : store_fd_unfinished(db, req->session->county_id, year, 1);
	if (r < 0)
		goto fail;
	if (ys.locked || r) {
		v.list = NULL;
		v.flash = ys.locked ? "本年度已經鎖定（可能剛由他人完成），未重複鎖定；以下是目前的狀態。"
			: r == 1 ? "未鎖定：本年度的電力排碳係數變更尚未完成（重新計算中，或失敗待重新執行），完成後才能鎖定。"
			: r == 3 ? "未鎖定：解除鎖定後的重新計算尚未完成（更新中，或失敗待重新執行），完成後才能鎖定。"
			: "未鎖定：平台的係數變更尚未完成（重新計算中，或失敗待重新執行），完成後才能鎖定。";
		return refused(req, year, 409, &v);
	}
	if (store_year_lock_agencies(db, req->session->county_id, year, 1, list_agency, l))
		goto fail;
	/* None pending: a locked year's rows are set aside (store_year_lock_pending). */
	if ((r = store_year_lock_pending(db, req->session->county_id, year)) < 0)
		goto fail;
	if (l->nstale || r || l->n > LOCK_MAX_LISTED) {
		v.flash = l->nstale ? "未鎖定：以下機關的狀態在此頁顯示後已變動，請檢視下方目前的清單後再鎖定。"
			: r ? "未鎖定：本年度的總計仍在計算中（剛有存檔、確認或機關變動），請稍候幾秒再鎖定。"
			: "未鎖定：未確認的機關超過一次可列為例外的上限。";
		return refused(req, year, 409, &v);
	}
	if (read_reasons(req, l)) {
		v.flash = "未鎖定：請為每個列為例外的機關說明理由。";
		return refused(req, year, 400, &v);
	}
	if (write_lock(req, year, l))
		goto fail;
	return redirect(req, arena_printf(&req->arena, "/team/years/lock?year=%d&locked=1", year));
fail:
	db_rollback(db);
	return routes_unavailable(req, "year lock");
}

/* POST /team/years/lock action=unlock: 解除鎖定, with its reason. */
int page_team_year_unlock(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *in = req->in;
	struct lock_view v = { .unlock_reason = in[UNLOCK_REASON].raw, .unlock_msg = form_error_of(req->in_err, "reason") };
	struct store_year_state ys;
	int year = 0, done, r = year_of(req, &in[UNLOCK_YEAR], &year);

	if (r)
		return r;
	if (!in[UNLOCK_LOCK].set) {
		req->status = 400;   /* the form always names its lock */
		return routes_error_page(req);
	}
	if (db_begin(db) || (r = store_year_lock_begin(db, req->session->county_id, year, &ys)) < 0)
		goto fail;
	if (!r) {
		db_rollback(db);
		return not_found(req);
	}
	if (ys.lock_id != in[UNLOCK_LOCK].i) {
		v.flash = "本年度的鎖定在此頁顯示後已變更（已解除或重新鎖定），未解除；以下是目前的狀態。";
		return refused(req, year, 409, &v);
	}
	if (ys.published) {
		v.flash = "本年度盤查成果已公開，不能解除鎖定；請先於「盤查清冊」撤回公開。";
		return refused(req, year, 409, &v);
	}
	if (v.unlock_msg) {
		v.flash = "未解除鎖定：請說明理由。";
		return refused(req, year, 400, &v);
	}
	if (store_year_lock_release(db, req->session->county_id, year, ys.lock_id, req->session->account_id, in[UNLOCK_REASON].s, &done) ||
	    !done || audit_add_county(req, year, "解除鎖定", arena_printf(&req->arena, "鎖定 #%lld", ys.lock_id), in[UNLOCK_REASON].s) ||
	    db_commit(db))
		goto fail;
	job_push_rollup(&req->app->queue, req->session->county_id, year);   /* what the tree did while it was locked */
	return redirect(req, arena_printf(&req->arena, "/team/years/lock?year=%d&unlocked=1", year));
fail:
	db_rollback(db);
	return routes_unavailable(req, "year unlock");
}

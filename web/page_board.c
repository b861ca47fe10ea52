/* page_board.c: 檢核看板 (/team/board): the county team's validation board, its 已查核, thresholds and workbook. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "board_rules.h"
#include "form.h"
#include "html.h"
#include "job.h"
#include "routes.h"
#include "session.h"
#include "store_board.h"
#include "store_export.h"
#include "util.h"

/*
 * DESIGN: the findings are the worker's (worker/board.c, run after saves);
 * this page only reads them, and SAYS when they are behind: it compares the
 * stamp the last run recorded with the county-year's data now
 * (store_board_stamp), and when a save (or a threshold) came since, shows
 * 「資料已於 … 更新，檢核重新計算中」 above the list; a finding whose report
 * was saved after the run is marked on its row.  已查核 names the finding's
 * rev as the page showed it: a finding changed since (a rerun, another
 * check) or whose report was saved since is a 409, nothing written.  The
 * team is the county's own (ROLE_TEAM: the session's county); a finding of
 * another county is a 404.
 */

enum { BOARD_YEAR, BOARD_DONE, BOARD__MAX };
static const char *const done_choices[] = { "check", "thresholds", NULL };
static const struct form_key board_keys[BOARD__MAX] = {
	[BOARD_YEAR] = { "year", FORM_YEAR },
	[BOARD_DONE] = { "done", FORM_ENUM, .choices = done_choices },
};
const struct form_decl team_board_in = FORM_DECL(board_keys);

enum { CHECK_YEAR, CHECK_ID, CHECK_REV, CHECK_NOTE, CHECK__MAX };
static const struct form_key check_keys[CHECK__MAX] = {
	[CHECK_YEAR] = { "year", FORM_YEAR, FORM_REQUIRED },
	[CHECK_ID] = { "finding", FORM_ID, FORM_REQUIRED },
	[CHECK_REV] = { "rev", FORM_INT, FORM_REQUIRED, 0, 4294967295LL },
	[CHECK_NOTE] = { "note", FORM_TEXT, FORM_REQUIRED | FORM_MULTILINE, .max = 500, .msg = "請填寫查核說明，500 字以內。" },
};
const struct form_decl team_board_check_in = FORM_DECL(check_keys);

enum { TH_YEAR, TH_CHANGE, TH_MAD, TH_REFRIGERANT, TH_UNC, TH__MAX };
static const struct form_key th_keys[TH__MAX] = {
	[TH_YEAR] = { "year", FORM_YEAR, FORM_REQUIRED },
	[TH_CHANGE] = { "change_pct", FORM_INT, FORM_REQUIRED, 1, 10000, .msg = "請填 1 至 10000 之間的整數（%）。" },
	[TH_MAD] = { "mad", FORM_INT, FORM_REQUIRED, 1, 100, .msg = "請填 1 至 100 之間的整數（倍 MAD）。" },
	[TH_REFRIGERANT] = { "refrigerant_kg", FORM_QUANTITY, FORM_REQUIRED, .max = 10000000, .unit = "kg",
			     .msg = "請填 0 以上、最多 3 位小數的公斤數。" },
	[TH_UNC] = { "uncertainty_pct", FORM_QUANTITY, FORM_REQUIRED, .max = 10000, .unit = "%",
		     .msg = "請填 0 至 10000 之間、最多 3 位小數的百分比。" },
};
const struct form_decl team_board_thresholds_in = FORM_DECL(th_keys);

enum { EXP_YEAR, EXP__MAX };
static const struct form_key exp_keys[EXP__MAX] = {
	[EXP_YEAR] = { "year", FORM_YEAR, FORM_REQUIRED },
};
const struct form_decl team_board_export_in = FORM_DECL(exp_keys);

/* A refused POST shown again: the finding whose note was refused, or the thresholds as typed. */
struct board_err {
	long long finding;           /* 0: none */
	const char *note;            /* as typed */
	const char *note_msg;
	const struct form *th;       /* the thresholds' field errors, or NULL */
	const struct form_val *th_in;
};

static int unavailable(struct request *req)
{
	return routes_unavailable(req, "board");
}

static int status_page(struct request *req, int status)
{
	req->status = status;
	return routes_error_page(req);
}

struct rows {
	struct request *req;
	int year;
	int n;
	const struct board_err *err;
};

static void agency_link(struct strbuf *o, int year, long long agency, const char *name)
{
	strbuf_addf(o, "<a href=\"/report/view?year=%d&amp;agency=%lld\">", year, agency);
	html_txt(o, name[0] ? name : "（已刪除的機關）");
	html(o, "</a>");
}

static void item_cell(struct strbuf *o, const struct store_board_row *r)
{
	html_txt(o, r->detail);
	if (r->changed_after_check)
		html(o, "<br><strong class=\"changed\">已查核後資料已變更</strong>");
	if (r->report_changed)
		html(o, "<br><strong class=\"changed\">此機關報告已於本次檢核後存檔，檢核重新計算中</strong>");
}

static int open_row(void *ctx, const struct store_board_row *r)
{
	struct rows *rs = ctx;
	struct request *req = rs->req;
	struct strbuf *o = &req->body;
	const struct board_err *e = rs->err && rs->err->finding == r->id ? rs->err : NULL;
	char id[40];

	snprintf(id, sizeof(id), "note-%lld", r->id);
	strbuf_addf(o, "<tr id=\"finding-%lld\"><td>%d</td><td>", r->id, ++rs->n);
	html_txt(o, board_rule_labels[r->rule]);
	html(o, "</td><td>");
	agency_link(o, rs->year, r->agency, r->agency_name);
	html(o, "</td><td>");
	item_cell(o, r);
	html(o, "</td><td class=\"num delta\">");
	html_milli(o, r->delta_milli);
	html(o, "</td><td><form method=\"post\" action=\"/team/board\" class=\"check\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "check");
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"finding\" value=\"%lld\">"
		       "<input type=\"hidden\" name=\"rev\" value=\"%lld\">", rs->year, r->id, r->rev);
	strbuf_addf(o, "<label for=\"%s\">查核說明</label><textarea id=\"%s\" name=\"note\" maxlength=\"500\" rows=\"2\" required", id, id);
	if (e && e->note_msg)
		strbuf_addf(o, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", id);
	html(o, ">");
	if (e && e->note)
		html_txt(o, e->note);
	html(o, "</textarea>");
	if (e && e->note_msg) {
		strbuf_addf(o, "<p class=\"field-error\" id=\"%s-error\">", id);
		html_txt(o, e->note_msg);
		html(o, "</p>");
	}
	html(o, "<button type=\"submit\" class=\"secondary\">已查核</button></form></td></tr>\n");
	return 0;
}

static int history_row(void *ctx, const struct store_board_row *r)
{
	struct rows *rs = ctx;
	struct strbuf *o = &rs->req->body;

	strbuf_addf(o, "<tr id=\"history-%lld\"><td>", r->id);
	html_txt(o, board_rule_labels[r->rule]);
	html(o, "</td><td>");
	agency_link(o, rs->year, r->agency, r->agency_name);
	html(o, "</td><td>");
	item_cell(o, r);
	html(o, "</td><td class=\"num\">");
	html_milli(o, r->delta_milli);
	html(o, "</td><td>");
	if (r->checked_at[0]) {
		html(o, "<span class=\"status s2\">已查核</span> ");
		html_txt(o, r->checked_at);
		html(o, "（");
		html_txt(o, r->checked_by);
		html(o, "）：");
		html_txt(o, r->check_note);
	}
	if (!r->holds) {
		html(o, r->checked_at[0] ? "<br>" : "");
		html(o, "<span class=\"status s0\">已不成立</span> ");
		html_txt(o, r->closed_at);
	}
	html(o, "</td></tr>\n");
	rs->n++;
	return 0;
}

/* The freshness line: behind (a save since the run), current, or never run. */
static int freshness(struct request *req, int year)
{
	struct strbuf *o = &req->body;
	char last[STORE_BOARD_STAMP_MAX + 1], now[STORE_BOARD_STAMP_MAX + 1], newest[20], ran[20];
	int r = store_board_last_run(&req->app->db, req->session->county_id, year, last, ran);

	if (r < 0 || store_board_stamp(&req->app->db, req->session->county_id, year, now, newest))
		return -1;
	if (!r) {
		html(o, "<p class=\"flash error\" role=\"status\" id=\"board-state\" data-state=\"never\">尚未執行檢核；機關存檔後數秒內自動產生。</p>\n");
	} else if (strcmp(last, now)) {
		html(o, "<p class=\"flash error\" role=\"status\" id=\"board-state\" data-state=\"stale\">資料已於 ");
		html_txt(o, newest[0] ? newest : ran);
		html(o, " 更新，檢核重新計算中（以下為 ");
		html_txt(o, ran);
		html(o, " 的檢核結果）。</p>\n");
	} else {
		html(o, "<p class=\"flash ok\" role=\"status\" id=\"board-state\" data-state=\"current\">檢核結果涵蓋目前所有資料（檢核時間 ");
		html_txt(o, ran);
		html(o, "）。</p>\n");
	}
	return 0;
}

static void th_field(struct request *req, const struct board_err *e, const char *name, const char *label, const char *value,
		     const char *unit)
{
	struct field fd = { .name = name, .label = label, .value = value, .required = 1, .decimal = 1, .unit = unit, .maxlength = 20 };

	form_field(req, e && e->th ? e->th : NULL, &fd);
}

static void thresholds_form(struct request *req, int year, const struct board_thresholds *t, const struct board_err *e)
{
	struct strbuf *o = &req->body;
	const struct form_val *in = e ? e->th_in : NULL;
	char ch[24], mad[24], rf[48], un[48];

	snprintf(ch, sizeof(ch), "%d", t->change_pct);
	snprintf(mad, sizeof(mad), "%d", t->mad_tenths / 10);
	snprintf(rf, sizeof(rf), "%lld.%03lld", t->refrigerant_milli / 1000, t->refrigerant_milli % 1000);
	snprintf(un, sizeof(un), "%d.%03d", t->uncertainty_milli / 1000, t->uncertainty_milli % 1000);
	html(o, "<section aria-labelledby=\"th-h\"><h2 id=\"th-h\">檢核門檻</h2>"
		"<form method=\"post\" action=\"/team/board\" id=\"thresholds\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "thresholds");
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	th_field(req, e, "change_pct", "與去年差異門檻（±%）", in && in[TH_CHANGE].raw ? in[TH_CHANGE].raw : ch, "%");
	th_field(req, e, "mad", "用電量偏離同級機關中位數（倍 MAD）", in && in[TH_MAD].raw ? in[TH_MAD].raw : mad, "倍");
	th_field(req, e, "refrigerant_kg", "冷媒單項年填充量門檻", in && in[TH_REFRIGERANT].raw ? in[TH_REFRIGERANT].raw : rf, "kg");
	th_field(req, e, "uncertainty_pct", "不確定性門檻（±%）", in && in[TH_UNC].raw ? in[TH_UNC].raw : un, "%");
	strbuf_addf(o, "<p>已登錄完成逾期未確認：%d 天（於<a href=\"/team/years\">年度管理</a>的確認期限設定）。</p>", t->confirm_days);
	html(o, "<button type=\"submit\">儲存門檻</button></form></section>\n");
}

/* The board of `year`, with the refused POST's input and messages when err. */
static int board_page(struct request *req, int year, const char *done, const struct board_err *err)
{
	struct db *db = &req->app->db;
	const struct session *s = req->session;
	struct strbuf *o = &req->body;
	struct board_thresholds t;
	struct rows rs = { req, year, 0, err };
	int r;

	r = store_board_thresholds(db, s->county_id, year, &t);
	if (r == 0 && !store_board_thresholds_ensure(db, s->county_id, year))
		r = store_board_thresholds(db, s->county_id, year, &t);
	if (r < 0)
		return unavailable(req);
	if (!r)
		return status_page(req, 404);
	layout_begin(req, "檢核看板", "檢核看板");
	html(o, "<h1>");
	html_txt(o, s->county_name);
	strbuf_addf(o, " 檢核看板　民國 %d 年（%d）</h1>\n", year - 1911, year);
	if (done)
		form_flash(req, "ok", !strcmp(done, "check") ? "已標記為已查核。" : "已儲存檢核門檻，檢核重新計算中。");
	if (err && (err->note_msg || err->th))
		form_flash(req, "error", "資料有誤，請依欄位旁的說明修正。");
	if (freshness(req, year))
		return unavailable(req);
	html(o, "<form method=\"post\" action=\"/team/board\" class=\"inline\" id=\"board-export\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "export");
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><p><button type=\"submit\" class=\"secondary\">"
		       "轉出檢核結果（Excel）</button></p></form>\n", year);
	html(o, "<section aria-labelledby=\"open-h\"><h2 id=\"open-h\">待查核</h2>"
		"<p>依 Δ（對全縣總排放量的影響，kgCO2e）由大到小排列。</p>"
		"<table id=\"board-open\"><thead><tr><th scope=\"col\">順位</th><th scope=\"col\">檢核規則</th><th scope=\"col\">機關</th>"
		"<th scope=\"col\">說明</th><th scope=\"col\">Δ（kgCO2e）</th><th scope=\"col\">查核</th></tr></thead><tbody>\n");
	if (store_board_each(db, s->county_id, year, 0, open_row, &rs))
		return unavailable(req);
	if (!rs.n)
		html(o, "<tr><td colspan=\"6\">目前沒有待查核的項目。</td></tr>\n");
	html(o, "</tbody></table></section>\n");
	thresholds_form(req, year, &t, err);
	rs.n = 0;
	html(o, "<section aria-labelledby=\"hist-h\"><h2 id=\"hist-h\">歷史紀錄（已查核、已不成立）</h2>"
		"<table id=\"board-history\"><thead><tr><th scope=\"col\">檢核規則</th><th scope=\"col\">機關</th><th scope=\"col\">說明</th>"
		"<th scope=\"col\">Δ（kgCO2e）</th><th scope=\"col\">狀態</th></tr></thead><tbody>\n");
	if (store_board_each(db, s->county_id, year, 1, history_row, &rs))
		return unavailable(req);
	if (!rs.n)
		html(o, "<tr><td colspan=\"5\">尚無紀錄。</td></tr>\n");
	html(o, "</tbody></table></section>\n");
	layout_end(req);
	return req->status;
}

/* GET /team/board: the year list, or a year's board. */
int page_team_board(struct request *req)
{
	const struct form_val *in = req->in;

	if (!in[BOARD_YEAR].set) {
		if (in[BOARD_YEAR].raw && in[BOARD_YEAR].raw[0])
			return status_page(req, 404);
		return layout_year_page(req, "檢核看板", "檢核看板", "檢核看板：選擇年度", "/team/board");
	}
	return board_page(req, (int)in[BOARD_YEAR].i, in[BOARD_DONE].set ? done_choices[in[BOARD_DONE].i] : NULL, NULL);
}

/* 409: not done, why, and the way back. */
static int conflict(struct request *req, int year)
{
	struct strbuf *o = &req->body;

	req->status = 409;
	layout_begin(req, "檢核看板", "檢核看板");
	html(o, "<section class=\"notice error\"><h1>未執行</h1><p>此檢核項目在您開啟頁面之後已有變更（重新檢核、他人已查核，"
		"或機關已再次存檔），未標記為已查核。請回檢核看板查看目前的內容後再操作。</p>");
	strbuf_addf(o, "<p><a href=\"/team/board?year=%d\">回檢核看板</a></p></section>", year);
	layout_end(req);
	return req->status;
}

/* POST /team/board action=check: 已查核 with a note. */
int page_team_board_check(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *in = req->in;
	const struct session *s = req->session;
	enum store_board_check c;
	long long agency = 0;
	int year = (int)in[CHECK_YEAR].i;

	if (!in[CHECK_YEAR].set || !in[CHECK_ID].set || !in[CHECK_REV].set)
		return status_page(req, in[CHECK_YEAR].set ? 400 : 404);
	if (!in[CHECK_NOTE].set) {
		struct board_err e = { in[CHECK_ID].i, in[CHECK_NOTE].raw ? in[CHECK_NOTE].raw : "",
				       form_error_of(req->in_err, "note"), NULL, NULL };

		req->status = 400;
		return board_page(req, year, NULL, &e);
	}
	if (db_begin(db))
		return unavailable(req);
	c = store_board_check(db, in[CHECK_ID].i, s->county_id, year, in[CHECK_REV].i, s->account_id, in[CHECK_NOTE].s, &agency);
	if (c == STORE_BOARD_CHECKED
	    && audit_add(req, agency, year, "檢核看板已查核", NULL,
			 arena_printf(&req->arena, "檢核項目 %lld；查核說明：%s", in[CHECK_ID].i, in[CHECK_NOTE].s)))
		c = STORE_BOARD_ERROR;
	if (c == STORE_BOARD_CHECKED && db_commit(db))
		c = STORE_BOARD_ERROR;
	if (c != STORE_BOARD_CHECKED)
		db_rollback(db);
	switch (c) {
	case STORE_BOARD_CHECKED:
		return redirect(req, arena_printf(&req->arena, "/team/board?year=%d&done=check", year));
	case STORE_BOARD_STALE:
		return conflict(req, year);
	case STORE_BOARD_NOT_FOUND:
		return status_page(req, 404);
	case STORE_BOARD_ERROR:
		break;
	}
	return unavailable(req);
}

/* POST /team/board action=thresholds: the county-year's thresholds, audited; the board runs again. */
int page_team_board_thresholds(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *in = req->in;
	const struct session *s = req->session;
	struct board_thresholds old, t;
	long long unc;
	int year = (int)in[TH_YEAR].i, r;

	if (!in[TH_YEAR].set)
		return status_page(req, 404);
	if (req->in_err->nerr) {
		struct board_err e = { 0, NULL, NULL, req->in_err, in };

		req->status = 400;
		return board_page(req, year, NULL, &e);
	}
	/* The declared maxima keep both within range. */
	if (dec_to_scaled_i64(in[TH_REFRIGERANT].q, 3, &t.refrigerant_milli) || dec_to_scaled_i64(in[TH_UNC].q, 3, &unc))
		return status_page(req, 400);
	t.uncertainty_milli = (int)unc;
	t.change_pct = (int)in[TH_CHANGE].i;
	t.mad_tenths = (int)in[TH_MAD].i * 10;
	if (store_board_thresholds_ensure(db, s->county_id, year) || db_begin(db))
		return unavailable(req);
	r = store_board_thresholds(db, s->county_id, year, &old);
	t.confirm_days = r == 1 ? old.confirm_days : 0;
	if (r == 1 && !store_board_thresholds_set(db, s->county_id, year, &t, s->account_id)
	    && !store_board_queue(db, s->county_id, year)
	    && !audit_add_county(req, year, "檢核門檻",
				 arena_printf(&req->arena, "±%d %%；%d MAD；冷媒 %lld.%03lld kg；不確定性 ±%d.%03d %%", old.change_pct,
					      old.mad_tenths / 10, old.refrigerant_milli / 1000, old.refrigerant_milli % 1000,
					      old.uncertainty_milli / 1000, old.uncertainty_milli % 1000),
				 arena_printf(&req->arena, "±%d %%；%d MAD；冷媒 %lld.%03lld kg；不確定性 ±%d.%03d %%", t.change_pct,
					      t.mad_tenths / 10, t.refrigerant_milli / 1000, t.refrigerant_milli % 1000,
					      t.uncertainty_milli / 1000, t.uncertainty_milli % 1000))
	    && !db_commit(db)) {
		job_push_rollup(&req->app->queue, s->county_id, year);
		return redirect(req, arena_printf(&req->arena, "/team/board?year=%d&done=thresholds", year));
	}
	db_rollback(db);
	if (r == 0)
		return status_page(req, 404);
	return unavailable(req);
}

/* POST /team/board action=export: the board as a workbook, through the export job. */
int page_team_board_export(struct request *req)
{
	struct db *db = &req->app->db;
	const struct session *s = req->session;
	char stamp[STORE_BOARD_STAMP_MAX + 1];
	long long id = 0;
	int year = (int)req->in[EXP_YEAR].i;

	if (!req->in[EXP_YEAR].set)
		return status_page(req, 404);
	if (store_board_stamp(db, s->county_id, year, stamp, NULL))
		return unavailable(req);
	if (store_export_request_inventory(db, "board", s->county_id, year, s->account_id,
					   arena_printf(&req->arena, "%s_%d年_檢核看板.xlsx", s->county_name, year - 1911), stamp, &id))
		return unavailable(req);
	export_push(req, id);
	return redirect(req, arena_printf(&req->arena, "/exports?id=%lld", id));
}

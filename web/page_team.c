/* page_team.c: the county inventory team's console (/team): 填報情形總覽 (the counts per state and
 * the reports waiting for 確認 too long), every agency of the county with its filing of a year,
 * filters and search, the county's total with its data-quality grade and uncertainty, and the
 * reminder list. */
#include <stdio.h>

#include "form.h"
#include "html.h"
#include "inventory.h"
#include "report_status.h"
#include "routes.h"
#include "session.h"
#include "store_county.h"
#include "store_factorday.h"
#include "store_year.h"
#include "years.h"

/* The status filter's value for 登錄中（退回）; 0 to 3 are an enum report_status. */
#define STATUS_RETURNED REPORT_STATUS__MAX

/*
 * The filters: a year the platform serves (else the last one), a level of
 * the form's choices (else every level) and a status (else any).  A bad
 * value is ignored as before: this is a GET of filters, not a form to fix.
 */
enum { TEAM_YEAR, TEAM_LEVEL, TEAM_STATUS, TEAM_Q, TEAM__MAX };
static const struct form_key team_keys[TEAM__MAX] = {
	[TEAM_YEAR] = { "year", FORM_YEAR },
	[TEAM_LEVEL] = { "level", FORM_INT, 0, 1, 4 },     /* 4: 四級以下 */
	[TEAM_STATUS] = { "status", FORM_INT, 0, 0, STATUS_RETURNED },
	[TEAM_Q] = { "q", FORM_TEXT, 0, .max = 100 },
};
const struct form_decl team_in = FORM_DECL(team_keys);

/* The county's total, with 計算中 while work for it is pending.  0, or -1 on a database error. */
static int team_total(struct request *req, int year)
{
	struct strbuf *o = &req->body;
	struct store_county_total t;

	if (store_county_total(&req->app->db, req->session->county_id, year, &t) != 1)
		return -1;
	/* The agencies' own figures only: the inventory's 排放總量 adds the team's non-agency lines. */
	strbuf_addf(o, "<table class=\"totals\"><tbody><tr><th>各機關填報合計 (KgCO₂e)<br><span class=\"muted\">不含非機關單位活動；"
		    "全縣市的排放總量見<a href=\"/team/inventory?year=%d\">盤查清冊</a></span></th><td class=\"num\" id=\"county-total\">", year);
	html_milli(o, t.total_milli);
	if (t.pending)
		html(o, " <span class=\"status s1 pending\">計算中</span>");
	if (t.restated_reports) {
		long long open = t.restated_reports - t.restated_confirmed;
		struct store_year_state ys = { 0 };
		int locked = 0, due = 0;

		/* What the figures not confirmed wait for, as their agencies' notices say (report_notices.c): plain reads. */
		if (open && (store_year_get_state(&req->app->db, req->session->county_id, year, &ys) < 0 ||
			     (!(locked = ys.locked) && (due = store_fd_unlock_pending(&req->app->db, req->session->county_id, year)) < 0)))
			return -1;
		html(o, "</td></tr><tr><th>重算值（係數更新後）</th><td class=\"num\" id=\"county-restated\">");
		html_milli(o, t.total_milli + t.restated_delta_milli);
		strbuf_addf(o, "<br><span class=\"muted\">%lld 份填報依新係數重算", t.restated_reports);
		if (t.restated_confirmed)
			strbuf_addf(o, "；已確認 %lld 份：數字不變，經申請更正、重新開放（年度鎖定中須先解除鎖定）後重新存檔並確認，才採用新數字",
				    t.restated_confirmed);
		if (open)
			strbuf_addf(o, "；未確認 %lld 份：%s", open, locked ? "年度鎖定中的數值不覆寫，解除鎖定後由系統依現行係數就地更新"
				    : due ? "解除年度鎖定後的重新計算尚未完成，完成後就地更新" : "機關重新存檔時即依現行係數計算");
		html(o, "</span>");
	}
	html(o, "</td></tr><tr><th>委外部分（不納入總量計算）</th><td class=\"num\">");
	html_milli(o, t.outsourced_milli);
	html(o, "</td></tr><tr><th>計算時間</th><td class=\"num\">");
	html_txt(o, *t.computed_at ? t.computed_at : "尚未計算");
	html(o, "</td></tr></tbody></table>");
	return 0;
}

/*
 * The county-year's data-quality grade and uncertainty (county_quality, as
 * the quality job last wrote them), with 計算中 while a save is not in them.  0 / -1.
 */
static int team_quality(struct request *req, int year)
{
	struct store_county_quality q;

	if (store_county_quality(&req->app->db, req->session->county_id, year, &q) != 1)
		return -1;
	html(&req->body, "<h2>數據品質與不確定性</h2>");
	inventory_quality_html(&req->body, &q, "team");
	return 0;
}

/*
 * 登錄中 n（其中退回 m): the 退回 inside 登錄中.  With an id (the overview)
 * always, its figures in spans id and id-returned; without (a table row)
 * only when there are some.
 */
static void draft_count(struct strbuf *o, const struct store_county_counts *c, const char *id)
{
	if (!id) {
		strbuf_addf(o, "%lld", c->n[REPORT_DRAFT]);
		if (c->n_returned)
			strbuf_addf(o, "（其中退回 %lld）", c->n_returned);
		return;
	}
	strbuf_addf(o, "<span id=\"%s\">%lld</span>（其中退回 <span id=\"%s-returned\">%lld</span>）",
		    id, c->n[REPORT_DRAFT], id, c->n_returned);
}

/* 填報情形總覽: the county-year's active agencies counted by state.  0 / -1. */
static int team_overview(struct request *req, int year)
{
	struct strbuf *o = &req->body;
	struct store_county_counts c;

	if (store_county_status_counts(&req->app->db, req->session->county_id, year, &c))
		return -1;
	strbuf_addf(o, "<h2>填報情形總覽</h2><dl class=\"totals\" id=\"overview\"><dt>機關數</dt><dd id=\"n-all\">%lld</dd>",
		    c.n_agencies);
	for (int s = 0; s < REPORT_STATUS__MAX; s++) {
		char id[8];

		snprintf(id, sizeof(id), "n-s%d", s);
		html(o, "<dt>");
		html_txt(o, report_status_names[s]);
		html(o, "</dt><dd>");
		if (s == REPORT_DRAFT)
			draft_count(o, &c, id);
		else
			strbuf_addf(o, "<span id=\"%s\">%lld</span>", id, c.n[s]);
		html(o, "</dd>");
	}
	html(o, "</dl>");
	return 0;
}

static int first_level_row(void *ctx, const struct store_county_first_level *row)
{
	struct strbuf *o = ctx;
	const struct store_county_counts *c = &row->counts;

	html(o, "<tr><td>");
	html_txt(o, row->name);
	strbuf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">", c->n[REPORT_NONE]);
	draft_count(o, c, NULL);
	strbuf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
		    c->n[REPORT_FILED], c->n[REPORT_CONFIRMED], c->n_agencies);
	return 0;
}

/* Counts per state under each 一級 agency.  0 / -1. */
static int team_first_levels(struct request *req, int year)
{
	struct strbuf *o = &req->body;

	html(o, "<table class=\"levels\"><caption>各一級機關（含所屬機關）填報狀況</caption><thead><tr><th>一級機關</th>");
	for (int s = 0; s < REPORT_STATUS__MAX; s++) {
		html(o, "<th class=\"num\">");
		html_txt(o, report_status_names[s]);
		html(o, "</th>");
	}
	html(o, "<th class=\"num\">機關數</th></tr></thead><tbody>");
	if (store_county_each_first_level(&req->app->db, req->session->county_id, year, first_level_row, o))
		return -1;
	html(o, "</tbody></table>");
	return 0;
}

struct waiting_rows {
	struct strbuf *o;
	int year;
	int rows;
};

static int waiting_row(void *ctx, const struct store_county_waiting *w)
{
	struct waiting_rows *c = ctx;
	struct strbuf *o = c->o;
	const char *cells[] = { w->parent_login, w->contact_name, w->contact_phone, w->contact_email };

	c->rows++;
	strbuf_addf(o, "<tr data-agency=\"%lld\"><td>", w->agency_id);
	html_txt(o, w->code);
	strbuf_addf(o, "</td><td><a href=\"/report/view?year=%d&amp;agency=%lld\">", c->year, w->agency_id);
	html_txt(o, w->name);
	strbuf_addf(o, "</a></td><td class=\"num\">%lld</td><td>", w->days);
	html_txt(o, w->filed_at);
	html(o, "</td><td>");
	html_txt(o, w->by_team ? "縣市盤查團隊" : w->parent_name);
	for (int i = 0; i < 4; i++) {
		html(o, "</td><td>");
		html_txt(o, cells[i]);
	}
	html(o, "</td></tr>");
	return 0;
}

/* 待確認逾期: the 已登錄完成 reports waiting for 確認 more than N days, longest first.  0 / -1. */
static int team_waiting(struct request *req, int year)
{
	struct waiting_rows c = { &req->body, year, 0 };
	int days = 0, r = store_county_confirm_within(&req->app->db, req->session->county_id, year, &days);

	if (r < 0)
		return -1;
	if (!r)   /* the county does not serve the year: nobody waits for it */
		return 0;
	strbuf_addf(c.o, "<h2>逾期待確認</h2><p>已登錄完成超過 <strong id=\"confirm-within\">%d</strong> 天（自登錄完成時起算）"
		    "仍未經上級機關確認的機關，等待最久者在前。</p>", days);
	html(c.o, "<table class=\"agencies\" id=\"waiting\"><thead><tr><th>代碼</th><th>機關單位名稱</th><th class=\"num\">已等待天數</th>"
		"<th>登錄完成時間</th><th>負責確認</th><th>其帳號</th><th>聯絡人</th><th>電話</th><th>Email</th></tr></thead><tbody>");
	if (store_county_each_waiting(&req->app->db, req->session->county_id, year, waiting_row, &c))
		return -1;
	if (!c.rows)
		html(c.o, "<tr><td colspan=\"9\" class=\"empty\">沒有逾期待確認的機關。</td></tr>");
	strbuf_addf(c.o, "</tbody></table><p class=\"muted\">共 <span id=\"n-waiting\">%d</span> 個機關。</p>", c.rows);
	return 0;
}

/* The filters (a GET form: no CSRF needed, nothing changes). */
static void team_filters(struct request *req, const struct years *span, const struct store_county_filter *f)
{
	struct strbuf *o = &req->body;

	strbuf_addf(o, "<form method=\"get\" action=\"/team\" class=\"filters\"><label for=\"f-year\">年度</label>"
		    "<select id=\"f-year\" name=\"year\">");
	for (int y = span->last; y >= span->first; y--) {
		char v[12], l[32];
		snprintf(v, sizeof(v), "%d", y);
		snprintf(l, sizeof(l), "民國 %d 年", roc_year(y));
		html_option(o, v, l, y == f->year);
	}
	html(o, "</select> <label for=\"f-level\">層級</label><select id=\"f-level\" name=\"level\">");
	html_option(o, "", "全部", f->level == 0);
	html_option(o, "1", "一級", f->level == 1);
	html_option(o, "2", "二級", f->level == 2);
	html_option(o, "3", "三級", f->level == 3);
	html_option(o, "4", "四級以下", f->level == 4);
	html(o, "</select> <label for=\"f-status\">登錄狀況</label><select id=\"f-status\" name=\"status\">");
	html_option(o, "", "全部", f->status < 0 && !f->returned);
	for (int i = 0; i < REPORT_STATUS__MAX; i++) {
		char v[12];
		snprintf(v, sizeof(v), "%d", i);
		html_option(o, v, report_status_names[i], f->status == i);
		if (i == REPORT_DRAFT) {
			snprintf(v, sizeof(v), "%d", STATUS_RETURNED);
			html_option(o, v, report_status_text(REPORT_DRAFT, 1), f->returned);
		}
	}
	html(o, "</select> <label for=\"f-q\">名稱或代碼</label><input id=\"f-q\" name=\"q\" maxlength=\"100\" value=\"");
	html_attr(o, f->q);
	html(o, "\"> <button type=\"submit\">查詢</button></form>");
}

struct agency_rows {
	struct strbuf *o;
	int year;
	int rows;
};

static int agency_row(void *ctx, const struct store_county_agency *a)
{
	struct agency_rows *c = ctx;
	struct strbuf *o = c->o;

	c->rows++;
	html(o, "<tr><td>");
	html_txt(o, a->code);
	html(o, "</td><td>");
	if (a->status)
		strbuf_addf(o, "<a href=\"/report/view?year=%d&amp;agency=%lld\">", c->year, a->id);
	html_txt(o, a->name);
	if (a->status)
		html(o, "</a>");
	if (a->locked)
		html(o, " <span class=\"status s0\">已鎖定</span>");
	strbuf_addf(o, "</td><td>%d</td><td>", a->level);
	html_txt(o, a->parent_name);
	strbuf_addf(o, "</td><td><span class=\"status s%d\">", a->status);
	html_txt(o, report_status_text(a->status, a->returned));
	html(o, "</span></td><td class=\"num\">");
	html_milli(o, a->own_total_milli);
	if (a->has_restated) {
		html(o, "<br><span class=\"restated\">重算值 ");
		html_milli(o, a->restated_own_milli);
		html(o, "</span>");
	}
	html(o, "</td><td class=\"num\">");
	html_milli(o, a->subtree_milli);
	for (int i = 0; i < 3; i++) {
		html(o, "</td><td>");
		html_txt(o, i == 0 ? a->contact_name : i == 1 ? a->contact_phone : a->contact_email);
	}
	html(o, "</td></tr>");
	return 0;
}

/* The county's agencies that pass the filters.  0 / -1. */
static int team_agencies(struct request *req, const struct store_county_filter *f)
{
	struct agency_rows c = { &req->body, f->year, 0 };

	html(c.o, "<table class=\"agencies\"><thead><tr><th>代碼</th><th>機關單位名稱</th><th>層級</th><th>上級機關</th>"
		"<th>登錄狀況</th><th class=\"num\">本機關排放量(KgCO₂e)</th><th class=\"num\">含所屬機關</th>"
		"<th>聯絡人</th><th>電話</th><th>Email</th></tr></thead><tbody>");
	if (store_county_each_agency(&req->app->db, f, agency_row, &c))
		return -1;
	if (!c.rows)
		html(c.o, "<tr><td colspan=\"10\" class=\"empty\">沒有符合條件的機關。</td></tr>");
	strbuf_addf(c.o, "</tbody></table><p class=\"muted\">共 %d 個機關。</p>", c.rows);
	return 0;
}

int page_team(struct request *req)
{
	const struct form_val *in = req->in;
	struct strbuf *o = &req->body;
	struct store_county_filter f = { .county_id = req->session->county_id };
	struct years span;

	if (years_get(&req->app->db, &span))
		return routes_unavailable(req, "team: the years served");
	f.year = in[TEAM_YEAR].set ? (int)in[TEAM_YEAR].i : span.last;
	f.level = in[TEAM_LEVEL].set ? (int)in[TEAM_LEVEL].i : 0;
	f.status = in[TEAM_STATUS].set ? (int)in[TEAM_STATUS].i : -1;
	if (f.status == STATUS_RETURNED) {
		f.status = -1;
		f.returned = 1;
	}
	f.q = in[TEAM_Q].set ? in[TEAM_Q].s : "";

	layout_begin(req, "盤查小組", "盤查小組");
	html(o, "<h1>");
	html_txt(o, req->session->county_name);
	strbuf_addf(o, "盤查小組：民國 %d 年填報情形</h1>", roc_year(f.year));
	html(o, "<p class=\"links\"><a href=\"/team/years\">年度管理</a> · <a href=\"/team/accounts\">機關帳號</a></p>");
	/*
	 * The reminder list for a notice (公文): every agency not yet 已登錄完成,
	 * with contacts, and on a second sheet the waiting list below.
	 */
	html(o, "<form method=\"post\" action=\"/team/reminders\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><button type=\"submit\" class=\"secondary\">"
		    "未登錄／登錄中機關名單（含聯絡人）及逾期待確認名單轉excel</button></form>", f.year);
	if (team_overview(req, f.year) || team_waiting(req, f.year) || team_total(req, f.year) || team_quality(req, f.year) ||
	    team_first_levels(req, f.year))
		return routes_unavailable(req, "team");
	team_filters(req, &span, &f);
	if (team_agencies(req, &f))
		return routes_unavailable(req, "team");
	layout_end(req);
	return req->status;
}

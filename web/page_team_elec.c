/* page_team_elec.c: 電力排碳係數 (/team/elec?year=): the county team chooses, per year, the one
 * electricity factor all its agencies use where the year's has variants (整體 / 產業 / 民生). */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "calc.h"
#include "factor_change_view.h"
#include "factors.h"
#include "form.h"
#include "html.h"
#include "routes.h"
#include "session.h"
#include "store_factorday.h"
#include "store_year.h"
#include "years.h"

/*
 * DESIGN: SPEC-2 §3.  Until agencies' meters carry a tariff class (電號,
 * §6), a county uses one electricity factor a year for all its agencies
 * and its own non-agency lines: the overall one by default, or the 產業 or
 * 民生 variant where the year has them.  Changing it is a factor change of
 * its own (store_factorday: factor_changes.county_id), so it goes the way
 * of every factor change: a draft, previewed by the exporter worker over
 * this county-year only (the agency-years and lines it moves, their Δ),
 * then 套用 queues it; its run writes the choice (inventory_years.elec_variant)
 * and recomputes the county-year through factor day's walk: unconfirmed
 * reports in place with 係數更新, confirmed ones with a 重算值, a notice
 * each.  A locked or published year keeps its choice (its figures are
 * signed): unlock it first.
 */

enum { ELEC_YEAR, ELEC_VARIANT, ELEC_ID, ELEC__MAX };
static const struct form_key team_elec_keys[ELEC__MAX] = {
	[ELEC_YEAR] = { "year", FORM_YEAR },
	[ELEC_VARIANT] = { "variant", FORM_ENUM, .choices = calc_elec_keys, .msg = "請選擇要採用的電力排碳係數。" },
	[ELEC_ID] = { "id", FORM_ID },
};
const struct form_decl team_elec_in = FORM_DECL(team_elec_keys);

/* The factor each variant gives the year (as text, "" when none), and whether they differ. */
struct variants {
	char text[CALC_ELEC__MAX][64];
	int differ;
};

static int variants_of(struct request *req, int year, struct variants *v)
{
	const struct calc_table *t = factors_table(req->app, req->factor_stamp);
	struct calc_input in = { CALC_ELECTRICITY, CALC_OWN, 0, NULL, { 1, 0 } };
	static struct calc_line l;
	struct calc_result res;
	char err[300];

	if (!t)
		return -1;
	memset(v, 0, sizeof(*v));
	for (int e = 0; e < CALC_ELEC__MAX; e++) {
		if (calc_compute(t, year, (enum calc_elec)e, &in, 1, &l, &res, err, sizeof(err)) == 0)
			snprintf(v->text[e], sizeof(v->text[e]), "%s", l.factor_text);
		if (e && strcmp(v->text[e], v->text[0]))
			v->differ = 1;
	}
	return 0;
}

/* The year's state and its factors: 1, 0 not one of the county's years (404 written), -1 (503 written). */
static int year_of(struct request *req, struct store_year_state *ys, struct variants *v)
{
	int r;

	if (!req->in[ELEC_YEAR].set) {
		req->status = 404;
		routes_error_page(req);
		return 0;
	}
	r = store_year_get_state(&req->app->db, req->session->county_id, (int)req->in[ELEC_YEAR].i, ys);
	if (r == 0) {
		req->status = 404;
		routes_error_page(req);
		return 0;
	}
	if (r < 0 || variants_of(req, (int)req->in[ELEC_YEAR].i, v)) {
		routes_unavailable(req, "team elec");
		return -1;
	}
	return 1;
}

static void variant_name(struct strbuf *o, const struct variants *v, enum calc_elec e)
{
	html_txt(o, calc_elec_names[e]);
	if (*v->text[e]) {
		html(o, " ");
		html_txt(o, v->text[e]);
		html(o, " kgCO₂e/度");
	}
}

static void action_button(struct request *req, int year, long long id, const char *action, const char *label, const char *cls)
{
	struct strbuf *o = &req->body;

	html(o, "<form method=\"post\" action=\"/team/elec\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", action);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
		    "<button type=\"submit\" class=\"%s\">", year, id, cls);
	html_txt(o, label);
	html(o, "</button></form> ");
}

/* The latest change of this county-year's choice, if it is not a finished one of long ago: its state and preview. */
static int change_view(struct request *req, int year, const struct store_fd_change *c, const struct variants *v, int frozen,
		       int written)
{
	struct strbuf *o = &req->body;

	html(o, "<h2>變更</h2><dl class=\"facts\" id=\"change\"><dt>狀態</dt><dd id=\"change-status\">");
	html_txt(o, factor_change_status(c));
	html(o, "</dd><dt>係數</dt><dd>");
	variant_name(o, v, calc_elec_of(c->old_value));
	html(o, " → <strong>");
	variant_name(o, v, calc_elec_of(c->value));
	html(o, "</strong></dd><dt>建立</dt><dd>");
	html_txt(o, c->created_at);
	html(o, " ");
	html_txt(o, c->by);
	html(o, "</dd>");
	factor_change_progress(o, c);
	if (*c->error) {
		html(o, "<dt>錯誤</dt><dd>");
		html_txt(o, c->error);
		html(o, "</dd>");
	}
	html(o, "</dl>");
	if (factor_change_effects(req, c))
		return -1;
	if (!strcmp(c->status, "draft")) {
		html(o, "<p>");
		if (!strcmp(c->preview_status, "done") && !frozen)
			action_button(req, year, c->id, "apply", "套用", "");
		action_button(req, year, c->id, "cancel", "取消這個草稿", "secondary");
		html(o, "</p>");
	} else if (!strcmp(c->status, "failed") && written) {
		/* Failed after its claim wrote the choice: the year is half recomputed until it goes on. */
		html(o, "<p id=\"retry-note\">這筆變更已寫入本年度的選擇，但重新計算未完成；排除上方錯誤所指的資料後，請重新執行（從中斷處繼續）。</p><p>");
		action_button(req, year, c->id, "retry", "重新執行", "");
		html(o, "</p>");
	}
	return 0;
}

static int is_open(const struct store_fd_change *c)
{
	return !strcmp(c->status, "draft") || !strcmp(c->status, "queued") || !strcmp(c->status, "running");
}

/* The page of the county-year; f: a refused choice (its message beside the field), flash: a message on top. */
static int elec_page(struct request *req, const struct store_year_state *ys, const struct variants *v, const struct form *f,
		     const char *flash, const char *kind)
{
	struct strbuf *o = &req->body;
	int year = (int)req->in[ELEC_YEAR].i, r;
	struct store_fd_change c;
	const char *msg = f ? form_error_of(f, "variant") : NULL;

	r = store_fd_latest_choice(&req->app->db, req->session->county_id, year, &c);
	if (r < 0)
		return routes_unavailable(req, "team elec");
	layout_begin(req, "電力排碳係數", "年度管理");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/team/years\">年度管理</a> › 電力排碳係數</nav>");
	strbuf_addf(o, "<h1>電力排碳係數（民國 %d 年）</h1>", roc_year(year));
	if (flash)
		form_flash(req, kind, flash);
	html(o, "<p>在機關電號標示用電類別之前，本縣市所有機關的用電（及非機關活動的用電）同一年度採用同一個電力排碳係數，預設為公用售電業整體。"
		"變更後，系統以新係數重新計算本年度的填報：未確認的填報就地更新並留下「係數更新」紀錄；已確認的填報不覆寫，改列重算值；每個受影響的機關都會看到通知。</p>");
	html(o, "<p id=\"current\">目前採用：<strong>");
	variant_name(o, v, ys->elec);
	html(o, "</strong></p>");
	if (r == 1 && (is_open(&c) || !strcmp(c.status, "done") || !strcmp(c.status, "failed")) && change_view(req, year, &c, v, ys->locked || ys->published,
								   ys->elec == calc_elec_of(c.value)))
		return routes_unavailable(req, "team elec");
	if (!v->differ) {
		html(o, "<p id=\"no-variants\">本年度的電力排碳係數沒有分類公告，所有機關採用同一個係數，不需選擇。</p>");
	} else if (ys->locked || ys->published) {
		html(o, "<p id=\"frozen\">本年度已鎖定或已公開，不能變更電力排碳係數；須先解除年度鎖定（已公開者須先撤回公開）。</p>");
	} else if (r != 1 || !is_open(&c)) {
		html(o, "<form method=\"post\" action=\"/team/elec\" id=\"elec-choose\" novalidate><fieldset><legend>改採</legend>");
		html_hidden(o, "csrf", req->csrf);
		html_hidden(o, "action", "propose");
		strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><div class=\"field\"><label for=\"variant\">電力排碳係數</label>"
			    "<select id=\"variant\" name=\"variant\"%s>", year, msg ? " aria-invalid=\"true\" aria-describedby=\"variant-error\"" : "");
		for (int e = 0; e < CALC_ELEC__MAX; e++) {
			const char *typed = f && req->in[ELEC_VARIANT].set ? calc_elec_keys[req->in[ELEC_VARIANT].i] : NULL;
			int sel = typed ? !strcmp(typed, calc_elec_keys[e]) : (enum calc_elec)e == ys->elec;

			strbuf_addf(o, "<option value=\"%s\"%s>", calc_elec_keys[e], sel ? " selected" : "");
			variant_name(o, v, (enum calc_elec)e);
			html(o, "</option>");
		}
		html(o, "</select>");
		if (msg) {
			html(o, "<p class=\"field-error\" id=\"variant-error\">");
			html_txt(o, msg);
			html(o, "</p>");
		}
		html(o, "</div><p class=\"muted\">先計算預覽（受影響的機關年度、明細與排放量變化），確認後再套用。</p>"
			"<button type=\"submit\">預覽變更</button></fieldset></form>");
	}
	layout_end(req);
	return req->status;
}

int page_team_elec(struct request *req)
{
	struct store_year_state ys;
	struct variants v;

	if (year_of(req, &ys, &v) != 1)
		return req->status;
	return elec_page(req, &ys, &v, NULL, NULL, NULL);
}

int page_team_elec_propose(struct request *req)
{
	struct db *db = &req->app->db;
	struct store_year_state ys;
	struct variants v;
	struct form f = { .nerr = 0 };
	struct store_fd_change c;
	long long id = 0;
	int year, r;
	enum calc_elec want;

	if (year_of(req, &ys, &v) != 1)
		return req->status;
	year = (int)req->in[ELEC_YEAR].i;
	/* An open change first: its page has no form to show a field's refusal beside (the INSERT checks again). */
	r = store_fd_latest_choice(db, req->session->county_id, year, &c);
	if (r < 0)
		return routes_unavailable(req, "team elec");
	if (r == 1 && is_open(&c))
		goto pending;
	/* A failed run that wrote the choice is finished (重新執行) before another change. */
	r = store_fd_unfinished(db, req->session->county_id, year, 0);
	if (r < 0)
		return routes_unavailable(req, "team elec");
	if (r == 1)   /* (3, an unlock's run: the choice's queues behind it) */
		goto pending;
	if (!req->in[ELEC_VARIANT].set) {
		form_error(&f, "variant", "請選擇要採用的電力排碳係數。");
		req->status = 400;
		return elec_page(req, &ys, &v, &f, "未變更：請修正標示的欄位。", "error");
	}
	want = (enum calc_elec)req->in[ELEC_VARIANT].i;
	if (!v.differ || ys.locked || ys.published) {
		req->status = 409;
		return elec_page(req, &ys, &v, NULL, !v.differ ? "未變更：本年度的電力排碳係數沒有分類公告。"
				 : "未變更：本年度已鎖定或已公開。", "error");
	}
	if (want == ys.elec) {
		form_error(&f, "variant", "與目前採用的相同：沒有要變更的。");
		req->status = 400;
		return elec_page(req, &ys, &v, &f, "未變更：請修正標示的欄位。", "error");
	}
	memset(&c, 0, sizeof(c));
	snprintf(c.key, sizeof(c.key), "elec_variant_%02d_%d", req->session->county_id, year);
	c.county_id = req->session->county_id;
	snprintf(c.category, sizeof(c.category), "electricity");
	snprintf(c.scope, sizeof(c.scope), "2");
	snprintf(c.gas, sizeof(c.gas), "CO2e");
	snprintf(c.unit, sizeof(c.unit), "kgCO2e/kWh");
	snprintf(c.value, sizeof(c.value), "%s", calc_elec_keys[want]);
	snprintf(c.old_value, sizeof(c.old_value), "%s", calc_elec_keys[ys.elec]);
	snprintf(c.source, sizeof(c.source), "%s選擇 %d 年採用%s電力排碳係數", req->session->county_name ? req->session->county_name : "縣市",
		 year, calc_elec_names[want]);
	snprintf(c.confidence, sizeof(c.confidence), "official");
	c.valid_from = c.valid_to = year;
	c.ci_lower_milli = c.ci_upper_milli = -1;
	if (db_begin(db))
		return routes_unavailable(req, "team elec");
	r = store_fd_create(db, &c, req->session->account_id, &id);
	if (r < 0 || (r == 1 && (audit_add_county(req, year, "電力排碳係數（草稿）", calc_elec_names[ys.elec], calc_elec_names[want]) ||
				 db_commit(db)))) {
		db_rollback(db);
		return routes_unavailable(req, "team elec");
	}
	if (r == 0) {
		db_rollback(db);
		goto pending;
	}
	return redirect(req, arena_printf(&req->arena, "/team/elec?year=%d", year));
pending:
	req->status = 409;
	return elec_page(req, &ys, &v, NULL, "未變更：本年度已有一筆尚未完成的變更，請先完成或取消它。", "error");
}

enum act { ACT_CANCEL, ACT_APPLY, ACT_RETRY };

/* 套用 or 取消 of this county-year's draft, or 重新執行 of its failed change. */
static int act(struct request *req, enum act what)
{
	static const char *const audit_field[] = { "電力排碳係數（取消草稿）", "電力排碳係數（套用）", "電力排碳係數（重新執行）" };
	static const char *const refused[] = { "只有草稿可以取消。", "只有已預覽的草稿可以套用。",
		"只有已寫入本年度選擇、重新計算未完成的變更可以重新執行（或本年度已有另一筆尚未完成的變更）。" };
	int apply = what == ACT_APPLY;
	struct db *db = &req->app->db;
	struct store_year_state ys;
	struct variants v;
	struct store_fd_change c;
	int year, r;

	if (year_of(req, &ys, &v) != 1)
		return req->status;
	year = (int)req->in[ELEC_YEAR].i;
	r = req->in[ELEC_ID].set ? store_fd_get(db, req->in[ELEC_ID].i, &c) : 0;
	if (r < 0)
		return routes_unavailable(req, "team elec");
	if (!r || c.unlock || c.county_id != req->session->county_id || c.first_year != year) {
		req->status = 404;   /* another county's, or not a choice of variant at all */
		return routes_error_page(req);
	}
	if (apply && (ys.locked || ys.published)) {
		/* Locked or published since it was proposed (the worker's claim checks again under the row's lock). */
		req->status = 409;
		return elec_page(req, &ys, &v, NULL, "未套用：本年度已鎖定或已公開，電力排碳係數不能變更；須先解除年度鎖定。", "error");
	}
	if (db_begin(db))
		return routes_unavailable(req, "team elec");
	r = apply ? store_fd_queue(db, c.id) : what == ACT_RETRY ? store_fd_retry(db, c.id) : store_fd_cancel(db, c.id);
	if (r < 0 || (r == 1 && (audit_add_county(req, year, audit_field[what],
						  calc_elec_names[calc_elec_of(c.old_value)], calc_elec_names[calc_elec_of(c.value)]) ||
				 db_commit(db)))) {
		db_rollback(db);
		return routes_unavailable(req, "team elec");
	}
	if (r == 0) {
		db_rollback(db);
		req->status = 409;
		return elec_page(req, &ys, &v, NULL, refused[what], "error");
	}
	return redirect(req, arena_printf(&req->arena, "/team/elec?year=%d", year));
}

int page_team_elec_apply(struct request *req)
{
	return act(req, ACT_APPLY);
}

int page_team_elec_cancel(struct request *req)
{
	return act(req, ACT_CANCEL);
}

int page_team_elec_retry(struct request *req)
{
	return act(req, ACT_RETRY);
}

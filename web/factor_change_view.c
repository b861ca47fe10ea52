/* factor_change_view.c: a factor change as its pages show it (the console's, and the team's
 * choice of electricity variant): its state, its run's progress, its preview. */
#include <stdio.h>
#include <string.h>

#include "factor_change_view.h"
#include "html.h"
#include "session.h"

const char *factor_change_status(const struct store_fd_change *c)
{
	if (!strcmp(c->status, "draft"))
		return !strcmp(c->preview_status, "done") ? "草稿（已預覽）" : !strcmp(c->preview_status, "failed") ? "草稿（預覽失敗）"
											   : "草稿（預覽計算中）";
	if (!strcmp(c->status, "queued"))
		return "排隊中（等候其他變更完成）";
	if (!strcmp(c->status, "running"))
		return "重新計算中";
	if (!strcmp(c->status, "done"))
		return "已完成";
	if (!strcmp(c->status, "failed"))
		return "失敗";
	return "已取消";
}

struct effects_view {
	struct strbuf *o;
	int n;
	long long ay, conf, lines, delta, alines, adelta;
};

static int effect_row(void *ctx, const struct store_fd_effect *e)
{
	struct effects_view *v = ctx;
	struct strbuf *o = v->o;

	v->n++;
	v->ay += e->agency_years;
	v->conf += e->confirmed_years;
	v->lines += e->lines;
	v->delta += e->delta_milli;
	v->alines += e->activity_lines;
	v->adelta += e->activity_delta_milli;
	html(o, "<tr><td>");
	html_txt(o, e->county);
	strbuf_addf(o, "</td><td>%d</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">",
		    e->year, e->agency_years, e->confirmed_years, e->lines);
	html_milli(o, e->delta_milli);
	strbuf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">", e->activity_lines);
	html_milli(o, e->activity_delta_milli);
	html(o, "</td></tr>");
	return 0;
}

void factor_change_progress(struct strbuf *o, const struct store_fd_change *c)
{
	if (strcmp(c->status, "draft") && strcmp(c->status, "cancelled"))
		strbuf_addf(o, "<dt>進度</dt><dd id=\"change-progress\">%lld / %lld 份填報；就地更新 %lld，重算值 %lld；"
			    "非機關活動更新 %lld 筆，保留 %lld 筆（年度已鎖定或已公開）</dd>", c->done, c->total, c->changed, c->restated,
			    c->changed_activities, c->kept_activities);
}

int factor_change_effects(struct request *req, const struct store_fd_change *c)
{
	struct strbuf *o = &req->body;
	struct effects_view v = { .o = o };

	if (!strcmp(c->preview_status, "done")) {
		html(o, "<h2>預覽</h2><table id=\"effects\"><thead><tr><th>縣市</th><th>年度</th><th class=\"num\">機關年度</th>"
			"<th class=\"num\">其中已確認或已鎖定（列重算值）</th><th class=\"num\">明細筆數</th><th class=\"num\">自有排放量變化（kgCO₂e）</th>"
			"<th class=\"num\">非機關活動筆數</th><th class=\"num\">非機關活動排放量變化（kgCO₂e）</th></tr></thead><tbody>");
		if (store_fd_effects(&req->app->db, c->id, effect_row, &v))
			return -1;
		if (!v.n)
			html(o, "<tr><td colspan=\"8\" class=\"empty\">沒有任何填報或非機關活動會因此變更。</td></tr>");
		strbuf_addf(o, "</tbody><tfoot><tr><th scope=\"row\" colspan=\"2\">合計</th><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
			    "<td class=\"num\">%lld</td><td class=\"num\">", v.ay, v.conf, v.lines);
		html_milli(o, v.delta);
		strbuf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">", v.alines);
		html_milli(o, v.adelta);
		html(o, "</td></tr></tfoot></table>");
	} else if (!strcmp(c->status, "draft") && strcmp(c->preview_status, "failed")) {
		html(o, "<p class=\"muted\" role=\"status\">預覽計算中，請稍候重新整理本頁。</p>");
	}
	return 0;
}

int factor_unlock_section(struct request *req, int year, long long lock_id)
{
	struct strbuf *o = &req->body;
	struct store_fd_change c;
	char key[sizeof(c.key)];
	int r = lock_id ? store_fd_latest_unlock(&req->app->db, req->session->county_id, year, &c) : 0;

	snprintf(key, sizeof(key), STORE_FD_UNLOCK_KEY "%lld", lock_id);
	if (r <= 0 || strcmp(c.key, key))
		return r < 0 ? -1 : 0;
	html(o, "<section id=\"unlock-run\" aria-labelledby=\"unlock-run-h\"><h2 id=\"unlock-run-h\">解除鎖定後的重新計算</h2><p>年度鎖定期間若有係數變更，未確認的填報與非機關活動只另列重算值；"
		"解除鎖定後，系統依現行係數就地重新計算這些數值（數值或計算依據有變動者，各留下「係數更新」紀錄，並通知所屬機關）；"
		"完成前，這些填報不能確認。已確認的填報維持確認時的數字與重算值，如需採用新數字，須經「申請更正」後重新存檔並確認。</p>"
		"<dl class=\"facts\"><dt>解除鎖定</dt><dd>");
	html_txt(o, c.created_at);
	html(o, " ");
	html_txt(o, c.by);
	html(o, "</dd><dt>狀態</dt><dd id=\"unlock-status\">");
	html_txt(o, factor_change_status(&c));
	html(o, "</dd>");
	factor_change_progress(o, &c);
	if (!strcmp(c.status, "failed")) {
		html(o, "<dt>錯誤</dt><dd>");
		html_txt(o, c.error);
		html(o, "（排除錯誤後，由平台管理者於係數變更頁重新執行，從中斷處繼續；完成前本年度不能再鎖定。尚未更新的填報，機關存檔時即依現行係數計算）</dd>");
	}
	html(o, "</dl></section>");
	return 0;
}

/* report_notices.c: 係數更新 on the report form: the factor changes (factor day) that moved the year's figures. */
#include <string.h>

#include "html.h"
#include "report.h"
#include "routes.h"
#include "session.h"
#include "store_factor.h"
#include "store_factorday.h"
#include "util.h"

/* Where the notices go, and what the report's 重算值 waits for: its owner (confirmed), the unlocking (locked), a save. */
struct notices {
	struct strbuf *o;
	int confirmed, locked;
	int due;                /* the run of the year's unlocking is to rewrite this report (store_fd_unlock_due_for) */
	struct store_fd_notice *rows;
	int n;
};

/* store_fd_notices' callback: the rows kept (at most STORE_FD_NOTICES), to be written once all are read. */
static int take_notice(void *ctx, const struct store_fd_notice *n)
{
	struct notices *v = ctx;

	if (v->n < STORE_FD_NOTICES)
		v->rows[v->n++] = *n;
	return 0;
}

/* A factor day notice: what the change did to this year's figures. */
static void factor_notice(const struct notices *v, const struct store_fd_notice *n)
{
	struct strbuf *o = v->o;
	int conf;

	html(o, "<li>");
	html_txt(o, n->finished_at);
	if (n->unlock) {
		html(o, "　年度解除鎖定，鎖定期間保留的數值依現行係數重新計算");
	} else if (n->choice) {
		html(o, "　縣市的電力排碳係數由");
		html_txt(o, calc_elec_names[calc_elec_of(n->old_value)]);
		html(o, "改採");
		html_txt(o, calc_elec_names[calc_elec_of(n->value)]);
	} else {
		html(o, "　係數 <code>");
		html_txt(o, n->key);
		html(o, "</code> 由 ");
		html_txt(o, *n->old_value ? n->old_value : "（無）");
		conf = *n->old_value && strcmp(n->confidence, n->old_confidence);
		if (conf) {
			html(o, "（");
			html_txt(o, calc_confidence_names[store_factor_confidence(n->old_confidence)]);
			html(o, "）");
		}
		html(o, " 改為 ");
		html_txt(o, n->value);
		if (conf) {
			html(o, "（");
			html_txt(o, calc_confidence_names[store_factor_confidence(n->confidence)]);
			html(o, "）");
		}
	}
	html(o, "：自有 ");
	html_milli(o, n->old_own);
	html(o, " → ");
	html_milli(o, n->new_own);
	html(o, "、委外 ");
	html_milli(o, n->old_outsourced);
	html(o, " → ");
	html_milli(o, n->new_outsourced);
	html(o, " kgCO₂e");
	if (n->restated && v->confirmed)
		html(o, "（<strong>重算值</strong>：已確認或已鎖定的數值不覆寫；如需採用新數字，請「申請更正」，經上級機關重新開放後重新存檔並確認；年度鎖定中須先由縣市盤查小組解除鎖定）");
	else if (n->restated && v->locked)   /* not confirmed, its year locked: the unlocking's run writes it */
		html(o, "（<strong>重算值</strong>：年度鎖定中的數值不覆寫；縣市盤查小組解除鎖定後，系統依現行係數就地更新）");
	else if (n->restated)   /* not confirmed now: reopened since, or its year unlocked since (the lock's notice kept) */
		html(o, v->due ? "（<strong>重算值</strong>：當時已確認或年度鎖定，數值未覆寫；年度已解除鎖定，系統將依現行係數就地重新計算）"
			       : "（<strong>重算值</strong>：當時已確認或年度鎖定，數值未覆寫；重新存檔時即依現行係數計算）");
	else
		html(o, "（已依新係數重新計算）");
	html(o, "</li>");
}

/* 係數更新: the factor changes that moved this report's figures (factor day), newest first. */
void report_factor_notices(struct request *req, const struct report *r, int year_locked)
{
	struct strbuf *o = &req->body;
	struct store_fd_notice rows[STORE_FD_NOTICES];
	struct notices v = { o, r->st && r->st->confirmed_version, year_locked, 0, rows, 0 };
	int ask = 0;

	if (!r->id)
		return;
	if (store_fd_notices(&req->app->db, r->agency_id, r->year, take_notice, &v)) {
		error("factor notices: %s", req->app->db.errstr);
		return;
	}
	if (!v.n)
		return;
	/* A 重算值 not confirmed in an open year: is the run of its unlocking still to write this report? */
	for (int i = 0; i < v.n; i++)
		ask |= rows[i].restated && !v.confirmed && !v.locked;
	if (ask && (v.due = store_fd_unlock_due_for(&req->app->db, r->id)) < 0) {
		error("factor notices: the unlock's run: %s", req->app->db.errstr);
		v.due = 0;
	}
	html(o, "<div class=\"warn\" id=\"factor-notices\" role=\"status\"><p><strong>係數更新</strong>：排放係數公告或更正後，系統已重新計算本年度：</p><ul>");
	for (int i = 0; i < v.n; i++)
		factor_notice(&v, &rows[i]);
	html(o, "</ul></div>");
}

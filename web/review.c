/* review.c: 所屬機關填報確認's rights (who sees, who acts) and its table: states, counts, the forms of 確認 / 退回 / 重新開放. */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "quality.h"
#include "report_status.h"
#include "review.h"
#include "session.h"
#include "store_review.h"

int review_may_see(struct request *req, long long agency_id, int *yes)
{
	const struct session *s = req->session;
	int r;

	*yes = 0;
	if (!s)
		return 0;
	if (s->kind == ACCOUNT_AGENCY)
		r = store_review_is_ancestor(&req->app->db, s->agency_id, agency_id);
	else if (s->kind == ACCOUNT_TEAM)
		r = store_review_in_county(&req->app->db, agency_id, s->county_id);
	else
		return 0;
	if (r < 0)
		return -1;
	*yes = r;
	return 0;
}

int review_may_act(struct request *req, long long agency_id, int *status)
{
	const struct session *s = req->session;
	struct store_review_subject sub;
	int r = store_review_subject(&req->app->db, agency_id, &sub);

	*status = 404;
	if (r < 0)
		return -1;
	if (!r || !sub.active || !s || sub.county_id != s->county_id)
		return 0;
	if (s->kind == ACCOUNT_TEAM) {
		*status = sub.parent_id ? 403 : 0;
		return 0;
	}
	if (s->kind != ACCOUNT_AGENCY) {
		*status = 403;
		return 0;
	}
	if (sub.parent_id == s->agency_id) {
		*status = 0;
		return 0;
	}
	/* Not its parent: one that sees it (itself, an ancestor above) is refused, anyone else never sees it. */
	r = store_review_is_ancestor(&req->app->db, s->agency_id, agency_id);
	if (r < 0)
		return -1;
	*status = r ? 403 : 404;
	return 0;
}

void review_state(struct strbuf *o, const struct store_review_state *st)
{
	int status = st->status >= 0 && st->status < REPORT_STATUS__MAX ? st->status : REPORT_NONE;

	strbuf_addf(o, "<span class=\"status s%d\">", status);
	html_txt(o, report_status_text(status, st->returned));
	html(o, "</span>");
	if (status == REPORT_CONFIRMED)
		strbuf_addf(o, " <span class=\"muted version\">第 %d 版</span>", st->confirmed_version);
	if (status == REPORT_DRAFT && st->returned && *st->return_comment) {
		html(o, "<p class=\"muted return-comment\">退回原因：");
		html_txt(o, st->return_comment);
		html(o, "</p>");
	}
	if (*st->correction_reason) {
		html(o, "<p class=\"correction\"><strong>申請更正</strong>（");
		html_txt(o, st->correction_at);
		html(o, "）：");
		html_txt(o, st->correction_reason);
		html(o, "</p>");
	}
}

/* The hidden fields of every action form: the token's mark, the action, the report as shown, the way back. */
static void form_head(struct strbuf *o, const struct review_view *v, const char *action, long long agency, long long revision)
{
	html(o, "<input type=\"hidden\" name=\"csrf\" value=\"" REVIEW_CSRF_MARK "\">");
	strbuf_addf(o, "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"year\" value=\"%d\">"
		    "<input type=\"hidden\" name=\"agency\" value=\"%lld\"><input type=\"hidden\" name=\"revision\" value=\"%lld\">",
		    action, v->year, agency, revision);
	if (v->agency)
		strbuf_addf(o, "<input type=\"hidden\" name=\"at\" value=\"%lld\">", v->agency);
}

/* 退回 (a comment) or 重新開放 (a reason): a disclosed form; open, with the text and the message, when it was refused. */
static void text_form(struct strbuf *o, const struct review_view *v, long long agency, const struct store_review_state *st,
		      int reopen)
{
	const struct review_err *e = v->err && v->err->agency == agency && v->err->reopen == reopen ? v->err : NULL;
	const char *label = reopen ? "重新開放" : "退回", *id = reopen ? "ro" : "rt";

	strbuf_addf(o, "<details class=\"act\"%s><summary>%s</summary><form method=\"post\" action=\"/review\">",
		    e ? " open" : "", label);
	form_head(o, v, reopen ? "reopen" : "return", agency, st->revision);
	strbuf_addf(o, "<label for=\"%s-%lld\">%s原因（必填，500 字以內）</label>"
		    "<textarea id=\"%s-%lld\" name=\"%s\" rows=\"3\" maxlength=\"500\" required",
		    id, agency, label, id, agency, reopen ? "reason" : "comment");
	if (e)
		strbuf_addf(o, " aria-invalid=\"true\" aria-describedby=\"e-%s-%lld\"", id, agency);
	/* A newline first: the parser drops one at the start, so a typed one survives. */
	html(o, ">\n");
	if (e)
		html_txt(o, e->text);
	html(o, "</textarea>");
	if (e) {
		strbuf_addf(o, "<p class=\"field-error\" id=\"e-%s-%lld\">", id, agency);
		html_txt(o, e->msg);
		html(o, "</p>");
	}
	strbuf_addf(o, "<button type=\"submit\" class=\"secondary\">送出%s</button></form></details>", label);
}

int review_held(const struct review_view *v, const struct store_review_state *st)
{
	return v->unlock_pending && st->held_back;
}

void review_actions(struct strbuf *o, const struct review_view *v, long long agency, const struct store_review_state *st)
{
	if (!v->acts)
		return;
	if (st->status == REPORT_FILED && review_held(v, st)) {
		/* The unlock's run is to rewrite its figures: 確認 waits (store_workflow_confirm), 退回 does not. */
		html(o, "<span class=\"muted held\">解除年度鎖定後的重新計算完成後才能確認</span>");
		text_form(o, v, agency, st, 0);
	} else if (st->status == REPORT_FILED) {
		html(o, "<form method=\"post\" action=\"/review\" class=\"inline\">");
		form_head(o, v, "confirm", agency, st->revision);
		html(o, "<button type=\"submit\">確認</button></form>");
		text_form(o, v, agency, st, 0);
	} else if (st->status == REPORT_CONFIRMED) {
		text_form(o, v, agency, st, 1);
	} else {
		html(o, "—");
	}
}

/*
 * The subtree's data-quality grade (8.46 第一級) and uncertainty (±7.159 %,
 * with the share assessed), as the quality job last wrote them; 計算中
 * while a save is not in them yet.
 */
static void quality_cells(struct strbuf *o, const struct store_review_quality *q, int pending)
{
	struct quality_uncertainty u = { q->assessed, { q->lower_milli, q->upper_milli }, q->assessed_bp };
	char buf[64];

	html(o, "<td class=\"num grade\">");
	if (!q->has) {
		html(o, "<span class=\"muted\">尚未計算</span>");
	} else if (!q->has_grade) {
		html(o, "—");
	} else {
		quality_grade_text(q->grade_hundredths, buf, sizeof(buf));
		strbuf_addf(o, "<span class=\"grade-value\">%s</span> ", buf);
		html_txt(o, quality_class_label(q->grade));
	}
	if (q->has && q->uncovered_lines)
		strbuf_addf(o, "<br><span class=\"muted uncovered\">%d 筆明細未設定 A1–A3，未納入</span>", q->uncovered_lines);
	if (pending)
		html(o, " <span class=\"status s1 pending\">計算中</span>");
	html(o, "</td><td class=\"num uncertainty\">");
	if (q->has) {
		quality_interval_text(&u, buf, sizeof(buf));
		html_txt(o, buf);
		if (u.assessed)
			strbuf_addf(o, "<br><span class=\"muted\">評估占比 %d.%02d %%</span>", q->assessed_bp / 100, q->assessed_bp % 100);
	} else {
		html(o, "—");
	}
	html(o, "</td>");
}

/* The rows of the table of subordinates, with the counts per state and the bulk form's fields. */
struct table {
	struct strbuf *o;
	const struct review_view *v;
	const long long *pend;      /* agencies whose subtree total waits for the worker */
	int npend;
	int all_pending;            /* the whole county-year does */
	int counts[REPORT_STATUS__MAX];
	int returned;
	int rows;
	struct strbuf bulk;         /* rev-<agency> fields of the 已登錄完成 rows */
	int nbulk;
};

/*
 * What a report's 重算值 waits for, as report_notices.c tells its agency: confirmed figures stand
 * until a new version is confirmed; figures not confirmed are rewritten by the run of the year's
 * unlocking, or at the agency's next save.
 */
static const char *restated_wait(int confirmed, const struct review_view *v)
{
	if (confirmed)
		return v->locked ? "已確認的數字不變；年度鎖定中須先解除鎖定，再經申請更正、重新開放後重新存檔並確認，才採用新數字"
				 : "已確認的數字不變，經申請更正、重新開放後重新存檔並確認，才採用新數字";
	if (v->locked)
		return "未確認：年度鎖定中的數值不覆寫，解除鎖定後由系統依現行係數就地更新";
	if (v->unlock_pending)
		return "未確認：解除年度鎖定後的重新計算尚未完成，完成後就地更新，才能確認";
	return "未確認：機關重新存檔時即依現行係數計算";
}

static int table_row(void *ctx, const struct store_review_child *c)
{
	struct table *t = ctx;
	struct strbuf *o = t->o;
	int stt = c->st.status >= 0 && c->st.status < REPORT_STATUS__MAX ? c->st.status : REPORT_NONE;
	int pending = t->all_pending || c->uncounted, year = t->v->year;

	for (int i = 0; !pending && i < t->npend; i++)
		pending = t->pend[i] == c->id;
	t->rows++;
	t->counts[stt]++;
	t->returned += stt == REPORT_DRAFT && c->st.returned;
	strbuf_addf(o, "<tr data-agency=\"%lld\"><td>%d</td><td>", c->id, t->rows);
	html_txt(o, c->name);
	html(o, "</td><td class=\"num\">");
	html_milli(o, c->subtree_milli);
	if (pending)
		html(o, " <span class=\"status s1 pending\">計算中</span>");
	html(o, "<br><span class=\"muted computed\">");
	html_txt(o, *c->computed_at ? c->computed_at : "尚未計算");
	html(o, "</span></td><td class=\"num\">");
	html_milli(o, c->subtree_outsourced_milli);
	html(o, "</td>");
	quality_cells(o, &c->q, pending || t->v->quality_pending);
	html(o, "<td>");
	review_state(o, &c->st);
	if (c->has_restated) {
		/* Factor day: the figures it kept stand; what they come to with the factors of now, beside them, and what they wait for. */
		html(o, "<br><span class=\"restated\">重算值：本機關 ");
		html_milli(o, c->own_total_milli);
		html(o, " → ");
		html_milli(o, c->restated_own_milli);
		html(o, " kgCO₂e（係數更新後；");
		html(o, restated_wait(stt == REPORT_CONFIRMED, t->v));
		html(o, "）</span>");
	}
	html(o, "</td>");
	if (stt)
		strbuf_addf(o, "<td><a href=\"/report/view?year=%d&amp;agency=%lld\">檢視</a></td>", year, c->id);
	else
		html(o, "<td>—</td>");
	if (c->has_children)
		strbuf_addf(o, "<td><a href=\"/review?year=%d&amp;agency=%lld\">所屬機關列表</a></td>", year, c->id);
	else
		html(o, "<td>—</td>");
	if (t->v->acts) {
		html(o, "<td class=\"acts\">");
		review_actions(o, t->v, c->id, &c->st);
		html(o, "</td>");
		if (stt == REPORT_FILED && !review_held(t->v, &c->st)) {
			strbuf_addf(&t->bulk, "<input type=\"hidden\" name=\"rev-%lld\" value=\"%lld\">", c->id, c->st.revision);
			t->nbulk++;
		}
	}
	html(o, "</tr>");
	return 0;
}

/* The counts per state, 退回 counted apart within 登錄中. */
static void table_counts(struct strbuf *o, const struct table *t)
{
	strbuf_addf(o, "<p class=\"counts\">未登錄 <strong id=\"n-s0\">%d</strong>　登錄中 <strong id=\"n-s1\">%d</strong>"
		    "（其中退回 <strong id=\"n-ret\">%d</strong>）　已登錄完成 <strong id=\"n-s2\">%d</strong>"
		    "　已確認 <strong id=\"n-s3\">%d</strong></p>",
		    t->counts[REPORT_NONE], t->counts[REPORT_DRAFT], t->returned, t->counts[REPORT_FILED], t->counts[REPORT_CONFIRMED]);
}

/* Bulk 確認: every 已登錄完成 row, each with the revision shown. */
static void table_bulk(struct strbuf *o, const struct table *t)
{
	const struct review_view *v = t->v;

	if (!v->acts || !t->nbulk)
		return;
	html(o, "<form method=\"post\" action=\"/review\" class=\"bulk\">");
	html(o, "<input type=\"hidden\" name=\"csrf\" value=\"" REVIEW_CSRF_MARK "\">");
	strbuf_addf(o, "<input type=\"hidden\" name=\"action\" value=\"confirm_all\"><input type=\"hidden\" name=\"year\" value=\"%d\">",
		    v->year);
	if (v->agency)
		strbuf_addf(o, "<input type=\"hidden\" name=\"at\" value=\"%lld\">", v->agency);
	strbuf_add(o, t->bulk.buf, t->bulk.len);
	strbuf_addf(o, "<button type=\"submit\">全部確認（本頁 %d 個已登錄完成的機關）</button></form>", t->nbulk);
}

int review_table(struct request *req, const struct review_view *v, struct strbuf *o)
{
	struct table t = { .o = o, .v = v };
	long long *pend;
	int n, rc = -1;

	/*
	 * Pending work, in one indexed query instead of a check per row: the
	 * agencies with unfinished outbox rows and all their ancestors (a row
	 * without an agency stands for the whole county-year).
	 */
	if (store_review_pending(&req->app->db, v->county, v->year, &req->arena, &pend, &n))
		return -1;
	t.pend = pend;
	t.npend = n > STORE_REVIEW_PENDING_MAX ? STORE_REVIEW_PENDING_MAX : n;
	t.all_pending = n > STORE_REVIEW_PENDING_MAX;
	for (int i = 0; i < t.npend; i++)
		if (!pend[i])
			t.all_pending = 1;
	if (v->locked)
		strbuf_addf(o, "<p class=\"flash error locked\" role=\"status\">民國 %d 年已年度鎖定：不能確認、退回或重新開放。"
			    "需要變更時，請洽縣市盤查小組解除鎖定。</p>", roc_year(v->year));
	strbuf_addf(o, "<table class=\"review\"><thead><tr><th>序號</th><th>%d級機關單位名稱</th>"
		    "<th class=\"num\">排放量小計(KgCO₂e)(包含所屬機關)</th>"
		    "<th class=\"num\">委外操作排放量小計(KgCO₂e)不納入總量計算</th>"
		    "<th class=\"num\">數據品質等級(包含所屬機關)</th><th class=\"num\">不確定性(95%%信賴區間)</th>"
		    "<th>登錄狀況</th><th>檢視</th><th>所屬機關列表</th>%s</tr></thead><tbody>",
		    v->level + 1, v->acts ? "<th>確認作業</th>" : "");
	strbuf_init(&t.bulk, 1024);
	if (store_review_children(&req->app->db, v->county, v->agency, v->year, table_row, &t))
		goto out;
	if (!t.rows)
		strbuf_addf(o, "<tr><td colspan=\"%d\" class=\"empty\">目前並沒有下轄機關</td></tr>", v->acts ? 10 : 9);
	html(o, "</tbody></table>");
	table_counts(o, &t);
	table_bulk(o, &t);
	rc = 0;
out:
	strbuf_release(&t.bulk);
	return rc;
}

void review_emit(struct request *req, const struct strbuf *cached)
{
	const char *p = cached->buf, *end = cached->buf + cached->len, *m;
	struct strbuf tok;

	/* The token escaped once: a table of 200 rows holds a mark in every row's forms. */
	strbuf_init(&tok, 128);
	html_attr(&tok, req->csrf ? req->csrf : "");
	strbuf_grow(&req->body, cached->len);
	while ((m = memchr(p, REVIEW_CSRF_MARK[0], (size_t)(end - p)))) {
		strbuf_add(&req->body, p, (size_t)(m - p));
		strbuf_add(&req->body, tok.buf, tok.len);
		p = m + 1;
	}
	strbuf_add(&req->body, p, (size_t)(end - p));
	strbuf_release(&tok);
}

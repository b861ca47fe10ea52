/* page_review.c: 所屬機關填報確認: a parent's subordinates for a year, with subtree totals, drill-down. */
#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "form.h"
#include "html.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_review.h"
#include "util.h"
#include "years.h"

enum review_key { REVIEW_YEAR, REVIEW_AGENCY, REVIEW__MAX };
static const struct form_key review_keys[REVIEW__MAX] = {
	[REVIEW_YEAR] = { .name = "year", .kind = FORM_YEAR },
	[REVIEW_AGENCY] = { .name = "agency", .kind = FORM_ID },
};
const struct form_decl review_in = FORM_DECL(review_keys);

static int unavailable(struct request *req)
{
	return routes_unavailable(req, "review");
}

static int not_found(struct request *req)
{
	req->status = 404;
	return routes_error_page(req);
}

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

/*
 * DESIGN: the page is the same for every viewer with the same right until
 * something under the county-year changes, and every change (a save, a
 * move, a rename, a worker's rollup) moves the county-year's stamp: the
 * newest outbox row, the number still pending and the county total's
 * computed_at.  So each process keeps the rendered breadcrumb and table of
 * the last few (viewer, agency, year) it served, reads the stamp first (one
 * indexed query), and renders again only when it moved.  Reading the stamp
 * before rendering means a cached table is never older than its stamp.
 */
#define CACHE_SLOTS 32

struct cached {
	int kind;               /* the viewer: agency (its id) or team (its county) */
	long long viewer;
	long long agency;
	int year;
	char stamp[80];
	unsigned long long used;    /* 0: never used (the strbufs are not initialised yet) */
	struct strbuf head;     /* breadcrumb and title */
	struct strbuf table;    /* the table and the counts */
};

static struct cached cache[CACHE_SLOTS];
static unsigned long long cache_clock;

/*
 * The county-year stamp of `agency`'s county; 1 found, 0 no such agency, -1
 * error.  *served is set when the year is one of the viewer's county's
 * inventory years (whether or not the agency exists, so a refused year says
 * nothing about agencies): only those have their stamp moved by every change
 * (a move or a rename queues outbox rows for each of them), so only those
 * may be shown and cached.
 */
static int stamp_of(struct request *req, long long agency, int year, char *out, size_t size, int *served)
{
	struct store_review_stamp st;
	int found = store_review_stamp(&req->app->db, req->session->county_id, agency, year, &st);

	*served = found < 0 ? 0 : st.served;
	if (found < 0)
		return -1;
	snprintf(out, size, "%lld/%lld/%lld/%s", st.county_id, st.last_outbox, st.pending, st.computed_at);
	return found;
}

static struct cached *cache_find(int kind, long long viewer, long long agency, int year)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct cached *c = &cache[i];

		if (c->used && c->kind == kind && c->viewer == viewer && c->agency == agency && c->year == year)
			return c;
	}
	return NULL;
}

static struct cached *cache_slot(void)
{
	struct cached *lru = &cache[0];

	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (!cache[i].used)
			return &cache[i];
		if (cache[i].used < lru->used)
			lru = &cache[i];
	}
	return lru;
}

struct trail {
	struct strbuf *h;
	int year;
	int n;
};

static int trail_step(void *ctx, const struct store_review_crumb *c)
{
	struct trail *t = ctx;

	if (t->n++)
		html(t->h, " › ");
	strbuf_addf(t->h, "<a href=\"/review?year=%d&amp;agency=%lld\">", t->year, c->id);
	html_txt(t->h, c->name);
	html(t->h, "</a>");
	return 0;
}

/* Breadcrumb and title into h; the agency's level, or -1 on a database error. */
static int render_head(struct request *req, long long agency, int year, struct strbuf *h)
{
	const struct session *s = req->session;
	struct store_review_agency *a = arena_alloc(&req->arena, sizeof(*a));
	struct trail t = { h, year, 0 };

	if (store_review_agency(&req->app->db, agency, a) != 1)
		return -1;
	/* Breadcrumb: from the viewer's own agency (or the county's top) down to this one. */
	html(h, "<nav class=\"trail\" aria-label=\"機關層級\">");
	if (store_review_trail(&req->app->db, agency, s->kind == ACCOUNT_AGENCY ? s->agency_id : 0, trail_step, &t))
		return -1;
	html(h, "</nav>");
	strbuf_addf(h, "<h1>政府%d級機關：", a->level);
	html_txt(h, a->name);
	strbuf_addf(h, " 之所屬機關　年度：%d</h1>", roc_year(year));
	return a->level;
}

/* The rows of the table of subordinates, with the counts per status. */
struct table {
	struct strbuf *o;
	int year;
	const long long *pend;      /* agencies whose subtree total waits for the worker */
	int npend;
	int all_pending;            /* the whole county-year does */
	int counts[3];
	int rows;
};

static int table_row(void *ctx, const struct store_review_child *c)
{
	static const char *const status[] = { "未登錄", "登錄中", "已登錄完成" };
	struct table *t = ctx;
	struct strbuf *o = t->o;
	int stt = c->status >= 0 && c->status <= 2 ? c->status : 0, pending = t->all_pending || c->uncounted;

	for (int i = 0; !pending && i < t->npend; i++)
		pending = t->pend[i] == c->id;
	t->rows++;
	t->counts[stt]++;
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
	strbuf_addf(o, "</td><td><span class=\"status s%d\">%s</span></td>", stt, status[stt]);
	if (stt)
		strbuf_addf(o, "<td><a href=\"/report/view?year=%d&amp;agency=%lld\">檢視</a></td>", t->year, c->id);
	else
		html(o, "<td>—</td>");
	if (c->has_children)
		strbuf_addf(o, "<td><a href=\"/review?year=%d&amp;agency=%lld\">所屬機關列表</a></td></tr>", t->year, c->id);
	else
		html(o, "<td>—</td></tr>");
	return 0;
}

/* The table of subordinates and the counts per status into o; 0 or -1. */
static int render_table(struct request *req, long long agency, int year, int level, struct strbuf *o)
{
	struct table t = { .o = o, .year = year };
	long long *pend;
	int n;

	/*
	 * Pending work, in one indexed query instead of a check per row: the
	 * agencies with unfinished outbox rows and all their ancestors (a row
	 * without an agency stands for the whole county-year).
	 */
	if (store_review_pending(&req->app->db, agency, year, &req->arena, &pend, &n))
		return -1;
	t.pend = pend;
	t.npend = n > STORE_REVIEW_PENDING_MAX ? STORE_REVIEW_PENDING_MAX : n;
	t.all_pending = n > STORE_REVIEW_PENDING_MAX;
	for (int i = 0; i < t.npend; i++)
		if (!pend[i])
			t.all_pending = 1;
	strbuf_addf(o, "<table class=\"review\"><thead><tr><th>序號</th><th>%d級機關單位名稱</th>"
		    "<th class=\"num\">排放量小計(KgCO₂e)(包含所屬機關)</th>"
		    "<th class=\"num\">委外操作排放量小計(KgCO₂e)不納入總量計算</th>"
		    "<th>登錄狀況</th><th>檢視</th><th>所屬機關列表</th></tr></thead><tbody>", level + 1);
	if (store_review_children(&req->app->db, agency, year, table_row, &t))
		return -1;
	if (!t.rows)
		html(o, "<tr><td colspan=\"7\" class=\"empty\">目前並沒有下轄機關</td></tr>");
	html(o, "</tbody></table>");
	strbuf_addf(o, "<p class=\"counts\">未登錄 <strong id=\"n-s0\">%d</strong>　登錄中 <strong id=\"n-s1\">%d</strong>"
		    "　已登錄完成 <strong id=\"n-s2\">%d</strong></p>", t.counts[0], t.counts[1], t.counts[2]);
	return 0;
}

/*
 * A year asked for that is not one of the viewer's county's: 404 with the
 * list of years, naming the year when it is a number near the years served
 * (within YEARS_MAX of them), else the plain 404.
 */
static int year_refused(struct request *req, long long year)
{
	struct years y;
	struct form_key k = { .name = "year", .kind = FORM_INT };
	struct form_val v = { 0 };
	struct form scratch = { .nerr = 0 };

	req->status = 404;
	if (!year) {
		if (years_get(&req->app->db, &y))
			return unavailable(req);
		k.min = y.first - YEARS_MAX;
		k.max = y.last + YEARS_MAX;
		if (form_read_one(req, &k, &v, &scratch) || !v.set)
			return routes_error_page(req);
		year = v.i;
	}
	return layout_year_page_notice(req, "所屬機關填報確認", "所屬機關填報確認", "所屬機關填報確認", "/review",
		arena_printf(&req->arena, "民國 %d 年（%d）不是盤查年度，請從下列年度中選擇。", roc_year((int)year), (int)year));
}

/* The cached breadcrumb and table of (viewer, agency, year), rendered again when its stamp moved; NULL with the page written. */
static struct cached *review_cached(struct request *req, long long agency, int year, const char *stamp)
{
	const struct session *s = req->session;
	long long viewer = s->kind == ACCOUNT_AGENCY ? s->agency_id : s->county_id;
	struct cached *c = cache_find(s->kind, viewer, agency, year);
	int may, level;

	if (c && !strcmp(c->stamp, stamp))
		return c;
	/* The right to see it is checked with the render: the stamp covers the tree too. */
	if (review_may_see(req, agency, &may))
		return unavailable(req), NULL;
	if (!may)
		return not_found(req), NULL;
	if (!c) {
		c = cache_slot();
		if (!c->used) {
			strbuf_init(&c->head, 1024);
			strbuf_init(&c->table, 64 * 1024);
		}
		c->kind = s->kind;
		c->viewer = viewer;
		c->agency = agency;
		c->year = year;
	}
	c->stamp[0] = '\0';   /* invalid until both parts are rendered */
	c->used = 1;
	strbuf_reset(&c->head);
	strbuf_reset(&c->table);
	level = render_head(req, agency, year, &c->head);
	if (level < 0 || render_table(req, agency, year, level, &c->table))
		return unavailable(req), NULL;
	snprintf(c->stamp, sizeof(c->stamp), "%s", stamp);
	return c;
}

int page_review(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct form_val *ya = &req->in[REVIEW_YEAR], *aa = &req->in[REVIEW_AGENCY];
	int year = (int)ya->i, r, served;
	long long agency = aa->set ? aa->i : req->session->agency_id;
	char stamp[80];
	struct cached *c;

	if (!ya->set && !form_error_of(req->in_err, "year"))
		return layout_year_page(req, "所屬機關填報確認", "所屬機關填報確認", "所屬機關填報確認", "/review");
	if (!ya->set)
		return year_refused(req, 0);
	/* An agency id that is not one (not digits, 0, too long) is no agency: the year is still checked first. */
	r = stamp_of(req, aa->raw && !aa->set ? 0 : agency, year, stamp, sizeof(stamp), &served);
	if (r < 0)
		return unavailable(req);
	if (!served)
		return year_refused(req, year);
	if (!r)
		return not_found(req);
	c = review_cached(req, agency, year, stamp);
	if (!c)
		return req->status;
	c->used = ++cache_clock;
	layout_begin(req, "所屬機關填報確認", "所屬機關填報確認");
	strbuf_add(o, c->head.buf, c->head.len);
	/* 轉出明細: 轉excel — built by the worker, followed on its own page (the form carries this session's token). */
	html(o, "<form method=\"post\" action=\"/review/export\" class=\"inline\">轉出明細：");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"agency\" value=\"%lld\">"
		    "<button type=\"submit\" class=\"secondary\">轉excel</button></form>", year, agency);
	strbuf_add(o, c->table.buf, c->table.len);
	html(o, "<p><a class=\"button secondary\" href=\"/review\">返回</a></p>");
	layout_end(req);
	return req->status;
}

/* page_review.c: 所屬機關填報確認: a parent's subordinates for a year, with subtree totals, drill-down. */
#include <stdio.h>
#include <string.h>

#include "store_factorday.h"
#include "decimal.h"
#include "form.h"
#include "html.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_review.h"
#include "util.h"
#include "years.h"

enum review_key { REVIEW_YEAR, REVIEW_AGENCY, REVIEW_DONE, REVIEW_OF, REVIEW__MAX };
/* done and of: what the action before this page did (a redirect after it), and to whose report. */
static const char *const done_choices[] = { "confirm", "return", "reopen", NULL };
static const struct form_key review_keys[REVIEW__MAX] = {
	[REVIEW_YEAR] = { .name = "year", .kind = FORM_YEAR },
	[REVIEW_AGENCY] = { .name = "agency", .kind = FORM_ID },
	[REVIEW_DONE] = { .name = "done", .kind = FORM_ENUM, .choices = done_choices },
	[REVIEW_OF] = { .name = "of", .kind = FORM_ID },
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

/*
 * DESIGN: the page is the same for every viewer with the same right until
 * something under the county-year changes, and every change (a save, a
 * move, a rename, a worker's rollup, a 確認 / 退回 / 重新開放 / 申請更正,
 * which queue an outbox row by the trigger of migration 0022, a 年度鎖定)
 * moves the county-year's stamp: the newest outbox row, the rollups
 * committed (their totals landed), the lock in force, and the quality
 * job's (its runs that wrote figures and whether a run is still to come:
 * the grades move when that job finishes).  So each
 * process keeps the rendered breadcrumb and table of the last few (viewer,
 * agency, year) it served, reads the stamp first (with the session), and
 * renders again only when it moved.  Reading the stamp before rendering
 * means a cached table is never older than its stamp.  The forms in it are
 * the viewer's (who acts depends on the viewer and the lock only), their
 * token a mark filled in per session (review_emit).
 */
#define CACHE_SLOTS 32

struct cached {
	int kind;               /* the viewer: agency (its id) or team (its county) */
	long long viewer;
	long long agency;
	int year;
	char stamp[160];
	unsigned long long used;    /* 0: never used (the strbufs are not initialised yet) */
	struct strbuf head;     /* breadcrumb, title and the agency's own report when the viewer acts on it */
	struct strbuf table;    /* the table, the counts and the bulk form */
};

static struct cached cache[CACHE_SLOTS];
static unsigned long long cache_clock;

/*
 * The county-year stamp of `agency`'s county (0: the team's own county as a
 * whole); 1 found, 0 no such agency, -1 error.  *served is set when the
 * year is one of the viewer's county's inventory years (whether or not the
 * agency exists, so a refused year says nothing about agencies): only those
 * have their stamp moved by every change (a move or a rename queues outbox
 * rows for each of them), so only those may be shown and cached.
 */
static int stamp_of(struct request *req, long long agency, int year, char *out, size_t size, int *served, int *locked,
		    int *quality_pending)
{
	const struct session_stamp *pre = req->stamp;
	struct store_review_stamp st;
	int found;

	if (pre && pre->year == year && (pre->agency ? pre->agency : req->session->agency_id) == agency) {
		/* Read with the session (page_review_stamp). */
		st = pre->st;
		found = pre->found;
	} else if (agency)
		found = store_review_stamp(&req->app->db, req->session->county_id, agency, year, &st);
	else if (req->session->kind == ACCOUNT_TEAM)
		found = store_review_stamp_county(&req->app->db, req->session->county_id, year, &st) ? -1 : 1;
	else
		found = store_review_stamp(&req->app->db, req->session->county_id, 0, year, &st);
	*served = found < 0 ? 0 : st.served;
	if (found < 0)
		return -1;
	*locked = st.lock_id != 0;
	if (quality_pending)
		*quality_pending = st.quality_pending;
	/* The viewer's county's (the cache is per viewer, so the county is the same in every stamp compared). */
	snprintf(out, size, "%lld/%lld/%lld/%lld/%d", st.last_outbox, st.rollups, st.quality_runs, st.lock_id, st.quality_pending);
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

/*
 * The agency's own report, on the page listing its subordinates, when the
 * viewer is the one who confirms it (its direct parent, or the team for a
 * 一級 agency): a drill-down keeps 確認 / 退回 / 重新開放 at hand.  0 or -1.
 */
static int render_own(struct request *req, struct review_view *v, const struct store_review_agency *a, struct strbuf *h)
{
	const struct session *s = req->session;
	struct store_review_state *st;
	struct review_view own = *v;

	if (s->kind == ACCOUNT_AGENCY ? a->parent_id != s->agency_id : a->parent_id != 0)
		return 0;
	st = arena_alloc(&req->arena, sizeof(*st));
	if (store_review_report_state(&req->app->db, v->agency, v->year, st) != 1)
		return -1;
	own.acts = !v->locked;
	html(h, "<section class=\"own-report\" aria-label=\"本機關填報狀況\"><p>本機關填報狀況：");
	review_state(h, st);
	if (st->status)
		strbuf_addf(h, " <a href=\"/report/view?year=%d&amp;agency=%lld\">檢視</a>", v->year, v->agency);
	html(h, "</p>");
	review_actions(h, &own, v->agency, st);
	html(h, "</section>");
	return 0;
}

/* Breadcrumb, title and the agency's own report into h; sets v->level.  0, or -1 on a database error. */
static int render_head(struct request *req, struct review_view *v, struct strbuf *h)
{
	const struct session *s = req->session;
	struct store_review_agency *a = arena_alloc(&req->arena, sizeof(*a));
	struct trail t = { h, v->year, 0 };

	if (!v->agency) {
		/* The team's page: its county's 一級 agencies, whose reports it confirms. */
		v->level = 0;
		html(h, "<h1>");
		html_txt(h, s->county_name);
		strbuf_addf(h, " 之一級機關　年度：%d</h1>", roc_year(v->year));
		return 0;
	}
	if (store_review_agency(&req->app->db, v->agency, a) != 1)
		return -1;
	v->level = a->level;
	/* Breadcrumb: from the viewer's own agency (or the county's top) down to this one. */
	html(h, "<nav class=\"trail\" aria-label=\"機關層級\">");
	if (s->kind == ACCOUNT_TEAM)
		strbuf_addf(h, "<a href=\"/review?year=%d\">一級機關</a> › ", v->year);
	if (store_review_trail(&req->app->db, v->agency, s->kind == ACCOUNT_AGENCY ? s->agency_id : 0, trail_step, &t))
		return -1;
	html(h, "</nav>");
	strbuf_addf(h, "<h1>政府%d級機關：", a->level);
	html_txt(h, a->name);
	strbuf_addf(h, " 之所屬機關　年度：%d</h1>", roc_year(v->year));
	return render_own(req, v, a, h);
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

/* Renders head and table of v into the two buffers; 0, or -1 with the page written (404 or 503). */
static int render(struct request *req, struct review_view *v, struct strbuf *head, struct strbuf *table)
{
	const struct session *s = req->session;
	int may;

	/* The right to see it is checked with the render: the stamp covers the tree too. */
	if (v->agency && review_may_see(req, v->agency, &may))
		return unavailable(req), -1;
	if (v->agency && !may)
		return not_found(req), -1;
	/* The viewer acts on the rows when it is their direct parent: its own list, or the team's top. */
	v->acts = !v->locked && (s->kind == ACCOUNT_AGENCY ? v->agency == s->agency_id : !v->agency);
	/*
	 * Cached with the page.  It matters only for rows held back (review_held, the 重算值's words),
	 * each of which the run stages, and a staged batch queues its county-year's outbox row: the
	 * stamp moves at 解除鎖定 (its lock) and as the run writes them.
	 */
	v->unlock_pending = v->locked ? 0 : store_fd_unlock_pending(&req->app->db, v->county, v->year);
	if (v->unlock_pending < 0 || render_head(req, v, head) || review_table(req, v, table))
		return unavailable(req), -1;
	return 0;
}

/* The cached breadcrumb and table of (viewer, agency, year), rendered again when its stamp moved; NULL with the page written. */
static struct cached *review_cached(struct request *req, struct review_view *v, const char *stamp)
{
	const struct session *s = req->session;
	long long viewer = s->kind == ACCOUNT_AGENCY ? s->agency_id : s->county_id;
	struct cached *c = cache_find(s->kind, viewer, v->agency, v->year);

	if (c && !strcmp(c->stamp, stamp))
		return c;
	if (!c) {
		c = cache_slot();
		if (!c->used) {
			strbuf_init(&c->head, 1024);
			strbuf_init(&c->table, 64 * 1024);
		}
		c->kind = s->kind;
		c->viewer = viewer;
		c->agency = v->agency;
		c->year = v->year;
	}
	c->stamp[0] = '\0';   /* invalid until both parts are rendered */
	c->used = 1;
	strbuf_reset(&c->head);
	strbuf_reset(&c->table);
	if (render(req, v, &c->head, &c->table))
		return NULL;
	snprintf(c->stamp, sizeof(c->stamp), "%s", stamp);
	return c;
}

/* The page around head and table. */
static int review_write(struct request *req, const struct review_view *v, const struct strbuf *head, const struct strbuf *table,
			const char *flash)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "所屬機關填報確認", "所屬機關填報確認");
	review_emit(req, head);
	if (flash)
		form_flash(req, v->err ? "error" : "ok", flash);
	if (req->session->kind == ACCOUNT_AGENCY) {
		/* 轉出明細: 轉excel — built by the worker, followed on its own page (the form carries this session's token). */
		html(o, "<form method=\"post\" action=\"/review/export\" class=\"inline\">轉出明細：");
		html_hidden(o, "csrf", req->csrf);
		strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"agency\" value=\"%lld\">"
			    "<button type=\"submit\" class=\"secondary\">轉excel</button></form>", v->year, v->agency);
	}
	review_emit(req, table);
	html(o, "<p><a class=\"button secondary\" href=\"/review\">返回</a></p>");
	layout_end(req);
	return req->status;
}

int review_page(struct request *req, long long at, int year, const char *flash, const struct review_err *err)
{
	struct review_view v = { .agency = at ? at : req->session->agency_id, .county = req->session->county_id,
				 .year = year, .err = err };
	struct strbuf head, table;
	char stamp[160];
	int r, served, rc;
	struct cached *c;

	r = stamp_of(req, v.agency, year, stamp, sizeof(stamp), &served, &v.locked, &v.quality_pending);
	if (r < 0)
		return unavailable(req);
	if (!served)
		return year_refused(req, year);
	if (!r)
		return not_found(req);
	if (!err) {
		c = review_cached(req, &v, stamp);
		if (!c)
			return req->status;
		c->used = ++cache_clock;
		/* Served again unchanged until the stamp moves: gzipped once, then as kept (compress.c). */
		req->compress = 1;
		return review_write(req, &v, &c->head, &c->table, flash);
	}
	/* A refused form: rendered afresh with what was typed, never kept. */
	strbuf_init(&head, 1024);
	strbuf_init(&table, 16 * 1024);
	rc = render(req, &v, &head, &table) ? req->status : review_write(req, &v, &head, &table, flash);
	strbuf_release(&head);
	strbuf_release(&table);
	return rc;
}

/* What the action before this page did, named for the flash (an agency the viewer may not see is not named). */
static const char *done_flash(struct request *req)
{
	static const char *const verbs[] = { "已確認", "已退回", "已重新開放" };
	const struct form_val *d = &req->in[REVIEW_DONE], *of = &req->in[REVIEW_OF];
	struct store_review_agency *a = arena_alloc(&req->arena, sizeof(*a));
	int may = 0;

	if (!d->set)
		return NULL;
	if (of->set && (review_may_see(req, of->i, &may) || (may && store_review_agency(&req->app->db, of->i, a) != 1)))
		may = 0;
	if (!may)
		return arena_printf(&req->arena, "%s。", verbs[d->i]);
	return arena_printf(&req->arena, "%s「%s」的填報資料。", verbs[d->i], a->name);
}

/* The stamp page_review reads first, when its fields name one (routes.c reads it with the session). */
int page_review_stamp(struct request *req, long long *agency, int *year)
{
	const struct form_val *ya = &req->in[REVIEW_YEAR], *aa = &req->in[REVIEW_AGENCY];

	if (!ya->set || (aa->raw && !aa->set))
		return 0;
	*agency = aa->set ? aa->i : 0;
	*year = (int)ya->i;
	return 1;
}

int page_review(struct request *req)
{
	const struct form_val *ya = &req->in[REVIEW_YEAR], *aa = &req->in[REVIEW_AGENCY];
	if (!ya->set && !form_error_of(req->in_err, "year"))
		return layout_year_page(req, "所屬機關填報確認", "所屬機關填報確認", "所屬機關填報確認", "/review");
	if (!ya->set)
		return year_refused(req, 0);
	/* An agency id that is not one (not digits, 0, too long) is no agency: the year is still checked first. */
	if (aa->raw && !aa->set) {
		int served, locked;
		char stamp[160];
		int r = stamp_of(req, 0, (int)ya->i, stamp, sizeof(stamp), &served, &locked, NULL);

		if (r < 0)
			return unavailable(req);
		return served ? not_found(req) : year_refused(req, ya->i);
	}
	return review_page(req, aa->set ? aa->i : 0, (int)ya->i, done_flash(req), NULL);
}

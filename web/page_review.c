/* page_review.c: 所屬機關填報確認: a parent's subordinates for a year, with subtree totals, drill-down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "form.h"
#include "html.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "util.h"

static int unavailable(struct request *req)
{
	routes_unavailable(req, "review");
	return req->status;
}

int review_may_see(struct request *req, long long agency_id, int *yes)
{
	const struct session *s = req->session;
	struct db_stmt *st;

	*yes = 0;
	if (!s)
		return 0;
	if (s->kind == ACCOUNT_AGENCY) {
		st = db_prepare(&req->app->db, "SELECT 1 FROM agency_tree WHERE ancestor_id = ? AND descendant_id = ?");
		if (!st)
			return -1;
		db_bind_int(st, 0, s->agency_id);
		db_bind_int(st, 1, agency_id);
	} else if (s->kind == ACCOUNT_TEAM) {
		st = db_prepare(&req->app->db, "SELECT 1 FROM agencies WHERE id = ? AND county_id = ?");
		if (!st)
			return -1;
		db_bind_int(st, 0, agency_id);
		db_bind_int(st, 1, s->county_id);
	} else {
		return 0;
	}
	if (db_exec(st))
		return -1;
	*yes = db_step(st) == 1;
	db_reset(st);
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
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT y.served, a.county_id IS NOT NULL, IFNULL(a.county_id, 0),"
		" (SELECT IFNULL(MAX(o.id), 0) FROM outbox o WHERE o.county_id = a.county_id AND o.year = ?),"
		" (SELECT COUNT(*) FROM outbox o WHERE o.county_id = a.county_id AND o.year = ? AND o.done_at IS NULL),"
		" IFNULL((SELECT IFNULL(DATE_FORMAT(c.computed_at, '%Y%m%d%H%i%s%f'), '-') FROM county_rollups c"
		"  WHERE c.county_id = a.county_id AND c.year = ?), '-')"
		" FROM (SELECT EXISTS (SELECT 1 FROM inventory_years WHERE county_id = ? AND year = ?) AS served) y"
		" LEFT JOIN agencies a ON a.id = ?");
	int found;

	*served = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, req->session->county_id);
	db_bind_int(st, 4, year);
	db_bind_int(st, 5, agency);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	*served = (int)db_col_int(st, 0);
	found = (int)db_col_int(st, 1);
	snprintf(out, size, "%lld/%lld/%lld/%s", db_col_int(st, 2), db_col_int(st, 3), db_col_int(st, 4), db_col_text(st, 5, NULL));
	db_reset(st);
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

/* Breadcrumb and title into h; the agency's level, or -1 on a database error. */
static int render_head(struct request *req, long long agency, int year, struct strbuf *h)
{
	const struct session *s = req->session;
	struct db_stmt *st = db_prepare(&req->app->db, "SELECT name, level FROM agencies WHERE id = ?");
	char name[256];
	int level;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	snprintf(name, sizeof(name), "%s", db_col_text(st, 0, NULL));
	level = (int)db_col_int(st, 1);
	db_reset(st);
	/* Breadcrumb: from the viewer's own agency (or the county's top) down to this one. */
	st = db_prepare(&req->app->db,
		"SELECT a.id, a.name FROM agency_tree t JOIN agencies a ON a.id = t.ancestor_id"
		" WHERE t.descendant_id = ? AND (? = 0 OR EXISTS (SELECT 1 FROM agency_tree v"
		"  WHERE v.ancestor_id = ? AND v.descendant_id = a.id)) ORDER BY t.depth DESC");
	if (!st)
		return -1;
	db_bind_int(st, 0, agency);
	db_bind_int(st, 1, s->kind == ACCOUNT_AGENCY ? 1 : 0);
	db_bind_int(st, 2, s->agency_id);
	if (db_exec(st))
		return -1;
	html(h, "<nav class=\"trail\" aria-label=\"機關層級\">");
	for (int i = 0; db_step(st) == 1; i++) {
		if (i)
			html(h, " › ");
		strbuf_addf(h, "<a href=\"/review?year=%d&amp;agency=%lld\">", year, db_col_int(st, 0));
		html_txt(h, db_col_text(st, 1, NULL));
		html(h, "</a>");
	}
	html(h, "</nav>");
	strbuf_addf(h, "<h1>政府%d級機關：", level);
	html_txt(h, name);
	strbuf_addf(h, " 之所屬機關　年度：%d</h1>", year - 1911);
	return level;
}

/* The table of subordinates and the counts per status into o; 0 or -1. */
static int render_table(struct request *req, long long agency, int year, int level, struct strbuf *o)
{
	static const char *const status[] = { "未登錄", "登錄中", "已登錄完成" };
	int counts[3] = { 0, 0, 0 }, rows = 0;
	struct db_stmt *st;

	/*
	 * Pending work, in one indexed query instead of a check per row: the
	 * agencies with unfinished outbox rows and all their ancestors (a row
	 * without an agency stands for the whole county-year).
	 */
	long long *pend = NULL;
	int npend = 0, all_pending = 0;
	st = db_prepare(&req->app->db,
		"SELECT DISTINCT IFNULL(t.ancestor_id, 0) FROM outbox o LEFT JOIN agency_tree t ON t.descendant_id = o.agency_id"
		" WHERE o.county_id = (SELECT county_id FROM agencies WHERE id = ?) AND o.year = ? AND o.done_at IS NULL LIMIT 20001");
	if (!st)
		return -1;
	db_bind_int(st, 0, agency);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	pend = arena_alloc(&req->arena, sizeof(*pend) * 20001);
	while (db_step(st) == 1) {
		long long a = db_col_int(st, 0);
		if (!a || npend == 20000)
			all_pending = 1;
		else
			pend[npend++] = a;
	}

	st = db_prepare(&req->app->db,
		"SELECT a.id, a.name, IFNULL(r.subtree_milli, 0), IFNULL(r.subtree_outsourced_milli, 0),"
		" IF(rep.id IS NULL, 0, IF(rep.confirmed, 2, 1)),"
		" IFNULL(DATE_FORMAT(r.computed_at, '%Y-%m-%d %H:%i:%s'), ''),"
		" r.agency_id IS NULL AND rep.id IS NOT NULL,"
		" EXISTS (SELECT 1 FROM agencies c WHERE c.parent_id = a.id AND c.active = 1)"
		" FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ?"
		" WHERE a.parent_id = ? AND a.active = 1 ORDER BY a.code");
	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, agency);
	if (db_exec(st))
		return -1;
	strbuf_addf(o, "<table class=\"review\"><thead><tr><th>序號</th><th>%d級機關單位名稱</th>"
		    "<th class=\"num\">排放量小計(KgCO₂e)(包含所屬機關)</th>"
		    "<th class=\"num\">委外操作排放量小計(KgCO₂e)不納入總量計算</th>"
		    "<th>登錄狀況</th><th>檢視</th><th>所屬機關列表</th></tr></thead><tbody>", level + 1);
	while (db_step(st) == 1) {
		long long id = db_col_int(st, 0);
		int stt = (int)db_col_int(st, 4), pending = all_pending || (int)db_col_int(st, 6), kids = (int)db_col_int(st, 7);

		for (int i = 0; !pending && i < npend; i++)
			pending = pend[i] == id;

		rows++;
		counts[stt]++;
		strbuf_addf(o, "<tr data-agency=\"%lld\"><td>%d</td><td>", id, rows);
		html_txt(o, db_col_text(st, 1, NULL));
		html(o, "</td><td class=\"num\">");
		html_milli(o, db_col_int(st, 2));
		if (pending)
			html(o, " <span class=\"status s1 pending\">計算中</span>");
		html(o, "<br><span class=\"muted computed\">");
		html_txt(o, *db_col_text(st, 5, NULL) ? db_col_text(st, 5, NULL) : "尚未計算");
		html(o, "</span></td><td class=\"num\">");
		html_milli(o, db_col_int(st, 3));
		strbuf_addf(o, "</td><td><span class=\"status s%d\">%s</span></td>", stt, status[stt]);
		if (stt)
			strbuf_addf(o, "<td><a href=\"/report/view?year=%d&amp;agency=%lld\">檢視</a></td>", year, id);
		else
			html(o, "<td>—</td>");
		if (kids)
			strbuf_addf(o, "<td><a href=\"/review?year=%d&amp;agency=%lld\">所屬機關列表</a></td></tr>", year, id);
		else
			html(o, "<td>—</td></tr>");
	}
	if (!rows)
		html(o, "<tr><td colspan=\"7\" class=\"empty\">目前並沒有下轄機關</td></tr>");
	html(o, "</tbody></table>");
	strbuf_addf(o, "<p class=\"counts\">未登錄 <strong id=\"n-s0\">%d</strong>　登錄中 <strong id=\"n-s1\">%d</strong>"
		    "　已登錄完成 <strong id=\"n-s2\">%d</strong></p>", counts[0], counts[1], counts[2]);
	return 0;
}

int page_review(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct session *s = req->session;
	const char *ya = req_arg(req, "year"), *aa = req_arg(req, "agency");
	int year = ya ? atoi(ya) : 0, may, r, served;
	long long agency = aa ? strtoll(aa, NULL, 10) : s->agency_id;
	long long viewer = s->kind == ACCOUNT_AGENCY ? s->agency_id : s->county_id;
	char stamp[80];
	struct cached *c;

	if (!year)
		return layout_year_page(req, "所屬機關填報確認", "所屬機關填報確認", "所屬機關填報確認", "/review");
	if (year < 2000 || year > 2100) {
		req->status = 404;
		return routes_error_page(req);
	}
	r = stamp_of(req, agency, year, stamp, sizeof(stamp), &served);
	if (r < 0)
		return unavailable(req);
	if (!served) {
		req->status = 404;
		return layout_year_page_notice(req, "所屬機關填報確認", "所屬機關填報確認", "所屬機關填報確認", "/review",
			arena_printf(&req->arena, "民國 %d 年（%d）不是盤查年度，請從下列年度中選擇。", year - 1911, year));
	}
	if (!r) {
		req->status = 404;
		return routes_error_page(req);
	}
	c = cache_find(s->kind, viewer, agency, year);
	if (!c || strcmp(c->stamp, stamp)) {
		/* The right to see it is checked with the render: the stamp covers the tree too. */
		int level;

		if (review_may_see(req, agency, &may))
			return unavailable(req);
		if (!may) {
			req->status = 404;
			return routes_error_page(req);
		}
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
			return unavailable(req);
		snprintf(c->stamp, sizeof(c->stamp), "%s", stamp);
	}
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

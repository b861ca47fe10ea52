/* page_versions.c: a report's confirmed versions: their list (who / when / why) and the line-by-line diff of two. */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "html.h"
#include "report.h"
#include "routes.h"
#include "session.h"
#include "store_review.h"
#include "store_workflow.h"
#include "store_year.h"
#include "util.h"

/*
 * DESIGN: versions are written only by 確認 and never change, so the diff
 * is computed from two lists of stored lines (store_workflow_version_lines)
 * keyed by (part, item, seq), the key of report_lines: a line only in the
 * second is added, only in the first removed, in both with another
 * quantity, kgCO2e, factor, GWP set, 類別, A1-A3, activity-data interval
 * or amount (or interval) of a gas changed.  Who may read them is who
 * may read the report (report_viewable(): the agency, its ancestors, its
 * county's team); anyone else gets the 404 an unknown agency gets.
 */
enum versions_key { VERSIONS_YEAR, VERSIONS_AGENCY, VERSIONS_A, VERSIONS_B, VERSIONS__MAX };
static const struct form_key report_versions_keys[VERSIONS__MAX] = {
	[VERSIONS_YEAR] = { .name = "year", .kind = FORM_YEAR },
	[VERSIONS_AGENCY] = { .name = "agency", .kind = FORM_ID },
	[VERSIONS_A] = { .name = "a", .kind = FORM_INT, .min = 1, .max = 65535 },
	[VERSIONS_B] = { .name = "b", .kind = FORM_INT, .min = 1, .max = 65535 },
};
const struct form_decl report_versions_in = FORM_DECL(report_versions_keys);

/* A growing array of rows in the request's arena. */
struct rows {
	struct arena *a;
	void *v;
	size_t size;
	int n, cap;
};

static void *rows_push(struct rows *r)
{
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 8;
		void *v = arena_alloc(r->a, r->size * (size_t)cap);

		if (r->n)
			memcpy(v, r->v, r->size * (size_t)r->n);
		r->v = v;
		r->cap = cap;
	}
	return (char *)r->v + r->size * (size_t)r->n++;
}

static int take_version(void *ctx, const struct store_workflow_version *v)
{
	memcpy(rows_push(ctx), v, sizeof(*v));
	return 0;
}

static int take_line(void *ctx, const struct store_workflow_line *l)
{
	memcpy(rows_push(ctx), l, sizeof(*l));
	return 0;
}

int report_versions_load(struct request *req, long long report_id, struct store_workflow_version **v, int *n)
{
	struct rows r = { .a = &req->arena, .size = sizeof(**v) };

	*v = NULL;
	*n = 0;
	if (report_id && store_workflow_versions(&req->app->db, report_id, take_version, &r))
		return -1;
	*v = r.v;
	*n = r.n;
	return 0;
}

static const char *who(struct request *req, const char *name, const char *login)
{
	return *login ? arena_printf(&req->arena, "%s（%s）", name, login) : name;
}

/* Version no as a <select> named name (the choice `sel` selected). */
static void version_select(struct strbuf *o, const char *name, const char *label, const struct store_workflow_version *v,
			   int n, int sel)
{
	strbuf_addf(o, "<label for=\"v-%s\">%s</label> <select id=\"v-%s\" name=\"%s\">", name, label, name, name);
	for (int i = 0; i < n; i++)
		strbuf_addf(o, "<option value=\"%d\"%s>第 %d 版</option>", v[i].version_no, v[i].version_no == sel ? " selected" : "",
			    v[i].version_no);
	html(o, "</select> ");
}

void report_versions_render(struct request *req, long long agency_id, int year,
			    const struct store_workflow_version *v, int n)
{
	struct strbuf *o = &req->body;

	html(o, "<section id=\"versions\" aria-labelledby=\"versions-h\"><h2 id=\"versions-h\">確認版本</h2>"
		"<table class=\"versions\"><thead><tr><th>版本</th><th class=\"num\">排放量 (kgCO₂e)</th><th class=\"num\">委外 (kgCO₂e)</th>"
		"<th>確認者</th><th>確認時間</th><th>確認前的重新開放</th><th>比較</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		strbuf_addf(o, "<tr id=\"version-%d\"><td>第 %d 版</td><td class=\"num\">", v[i].version_no, v[i].version_no);
		html_milli(o, v[i].own_total_milli);
		html(o, "</td><td class=\"num\">");
		html_milli(o, v[i].outsourced_total_milli);
		html(o, "</td><td>");
		html_txt(o, who(req, v[i].confirmed_by_name, v[i].confirmed_by_login));
		html(o, "</td><td>");
		html_txt(o, v[i].confirmed_at);
		html(o, "</td><td>");
		if (*v[i].reopen_reason) {
			html_txt(o, v[i].reopen_reason);
			html(o, "<br><span class=\"muted\">");
			html_txt(o, who(req, v[i].reopened_by_name, v[i].reopened_by_login));
			html(o, "，");
			html_txt(o, v[i].reopened_at);
			html(o, "</span>");
		} else {
			html(o, "—");
		}
		html(o, "</td><td>");
		if (i)
			strbuf_addf(o, "<a href=\"/report/versions?year=%d&amp;agency=%lld&amp;a=%d&amp;b=%d\">與第 %d 版比較</a>", year,
				    agency_id, v[i - 1].version_no, v[i].version_no, v[i - 1].version_no);
		else
			html(o, "—");
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
	if (n > 1) {
		strbuf_addf(o, "<form method=\"get\" action=\"/report/versions\" class=\"inline\">"
			    "<input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" name=\"agency\" value=\"%lld\">",
			    year, agency_id);
		version_select(o, "a", "比較", v, n, v[n - 2].version_no);
		version_select(o, "b", "與", v, n, v[n - 1].version_no);
		html(o, "<button type=\"submit\" class=\"secondary\">比較差異</button></form>");
	}
	html(o, "</section>");
}

/* ---- The diff ---- */

static int line_cmp(const void *x, const void *y)
{
	const struct store_workflow_line *a = x, *b = y;
	int c;

	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
	c = strcmp(a->item, b->item);
	if (c)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* The lines of version no, sorted by their key, in the arena.  0 or -1. */
static int lines_load(struct request *req, long long report_id, int no, struct rows *r)
{
	memset(r, 0, sizeof(*r));
	r->a = &req->arena;
	r->size = sizeof(struct store_workflow_line);
	if (store_workflow_version_lines(&req->app->db, report_id, no, take_line, r))
		return -1;
	if (r->n > 1)
		qsort(r->v, (size_t)r->n, r->size, line_cmp);
	return 0;
}

static void line_label(struct strbuf *o, const struct store_workflow_line *l)
{
	for (int k = 0; k < CALC__MAX; k++) {
		if (strcmp(calc_items[k].key, l->item))
			continue;
		if (k == CALC_REFRIGERANT) {
			html(o, "冷媒 ");
			html_txt(o, *l->refrigerant ? l->refrigerant : "（型號不明）");
		} else {
			html_txt(o, calc_items[k].label);
		}
		return;
	}
	html_txt(o, l->item);
}

static const char *unit_of(const struct store_workflow_line *l)
{
	for (int k = 0; k < CALC__MAX; k++)
		if (!strcmp(calc_items[k].key, l->item))
			return calc_items[k].unit;
	return "";
}

/* A kgCO2e difference with its sign. */
static void html_delta(struct strbuf *o, long long d)
{
	if (d > 0)
		html(o, "+");
	html_milli(o, d);
}

/* An interval as text: "±1.5 %", "−1 % / +2 %", or "未評估". */
static const char *interval_text(struct arena *ar, int lo, int hi)
{
	if (lo < 0 || hi < 0)
		return "未評估";
	if (lo == hi)
		return arena_printf(ar, "±%d.%03d %%", lo / 1000, lo % 1000);
	return arena_printf(ar, "−%d.%03d %% / +%d.%03d %%", lo / 1000, lo % 1000, hi / 1000, hi % 1000);
}

/* What changed besides the figures: 類別, A1-A3, the activity data's interval, the gases. */
static void quality_changes(struct request *req, struct strbuf *o, const struct store_workflow_line *a,
			    const struct store_workflow_line *b)
{
	struct arena *ar = &req->arena;
	const char *sep = "";

	if (!a || !b)
		return;
	if (a->iso_category != b->iso_category && a->iso_category >= 0 && a->iso_category <= CALC_ISO_MAX &&
	    b->iso_category >= 0 && b->iso_category <= CALC_ISO_MAX) {
		strbuf_addf(o, "%s<span class=\"chg-iso\">類別 %s → %s</span>", sep, *calc_iso_labels[a->iso_category] ? calc_iso_labels[a->iso_category] : "—",
			    calc_iso_labels[b->iso_category]);
		sep = "<br>";
	}
	if (a->a1 != b->a1 || a->a2 != b->a2 || a->a3 != b->a3) {
		strbuf_addf(o, "%s<span class=\"chg-a\">A1/A2/A3 %d/%d/%d → %d/%d/%d</span>", sep, a->a1, a->a2, a->a3, b->a1, b->a2, b->a3);
		sep = "<br>";
	}
	if (a->ad_lower_milli != b->ad_lower_milli || a->ad_upper_milli != b->ad_upper_milli || strcmp(a->ad_basis, b->ad_basis)) {
		strbuf_addf(o, "%s<span class=\"chg-ad\">活動數據不確定性 ", sep);
		html_txt(o, interval_text(ar, a->ad_lower_milli, a->ad_upper_milli));
		html(o, " → ");
		html_txt(o, interval_text(ar, b->ad_lower_milli, b->ad_upper_milli));
		if (*b->ad_basis) {
			html(o, "（");
			html_txt(o, b->ad_basis);
			html(o, "）");
		}
		html(o, "</span>");
		sep = "<br>";
	}
	if (strcmp(a->gases, b->gases)) {
		strbuf_addf(o, "%s<span class=\"chg-gas\">各氣體：", sep);
		html_txt(o, *a->gases ? a->gases : "—");
		html(o, " → ");
		html_txt(o, *b->gases ? b->gases : "—");
		html(o, "</span>");
	}
}

/* One row of the diff: a the line of the first version (NULL: added), b of the second (NULL: removed). */
static void diff_row(struct request *req, struct strbuf *o, const struct store_workflow_line *a, const struct store_workflow_line *b)
{
	static const char *const what[] = { "added", "removed", "changed" };
	static const char *const label[] = { "新增", "刪除", "變更" };
	const struct store_workflow_line *l = a ? a : b;
	int k = !a ? 0 : !b ? 1 : 2;

	strbuf_addf(o, "<tr data-change=\"%s\" data-line=\"%s.", what[k], calc_part_keys[l->part]);
	html_attr(o, l->item);
	strbuf_addf(o, ".%d\"><td>%s</td><td>%s</td><td>", l->seq, label[k], l->part == CALC_OWN ? "不含委外" : "委外");
	line_label(o, l);
	html(o, "</td><td>");
	html_txt(o, unit_of(l));
	html(o, "</td><td class=\"num q-a\">");
	if (a)
		html_milli(o, a->quantity_milli);
	html(o, "</td><td class=\"num q-b\">");
	if (b)
		html_milli(o, b->quantity_milli);
	html(o, "</td><td class=\"num kg-a\">");
	if (a)
		html_milli(o, a->kg_milli);
	html(o, "</td><td class=\"num kg-b\">");
	if (b)
		html_milli(o, b->kg_milli);
	html(o, "</td><td class=\"num kg-d\">");
	html_delta(o, (b ? b->kg_milli : 0) - (a ? a->kg_milli : 0));
	html(o, "</td><td class=\"factor\">");
	if (a && b && (strcmp(a->factor_text, b->factor_text) || strcmp(a->gwp_set, b->gwp_set))) {
		html_txt(o, a->factor_text);
		html(o, " → ");
	}
	html_txt(o, b ? b->factor_text : a->factor_text);
	html(o, "</td><td class=\"quality\">");
	quality_changes(req, o, a, b);
	html(o, "</td></tr>");
}

static int line_changed(const struct store_workflow_line *a, const struct store_workflow_line *b)
{
	return a->quantity_milli != b->quantity_milli || a->kg_milli != b->kg_milli || strcmp(a->factor_text, b->factor_text) ||
	       strcmp(a->gwp_set, b->gwp_set) || a->iso_category != b->iso_category || a->a1 != b->a1 || a->a2 != b->a2 ||
	       a->a3 != b->a3 || a->ad_lower_milli != b->ad_lower_milli || a->ad_upper_milli != b->ad_upper_milli ||
	       strcmp(a->ad_basis, b->ad_basis) || strcmp(a->gases, b->gases);
}

/* The rows of the diff of two sorted lists (merged on their key); the number of unchanged lines. */
static int diff_rows(struct request *req, struct strbuf *o, const struct rows *ra, const struct rows *rb)
{
	const struct store_workflow_line *a = ra->v, *b = rb->v;
	int i = 0, j = 0, same = 0, shown = 0;

	while (i < ra->n || j < rb->n) {
		int c = i == ra->n ? 1 : j == rb->n ? -1 : line_cmp(&a[i], &b[j]);

		if (c < 0) {
			diff_row(req, o, &a[i++], NULL);
			shown++;
		} else if (c > 0) {
			diff_row(req, o, NULL, &b[j++]);
			shown++;
		} else if (line_changed(&a[i], &b[j])) {
			diff_row(req, o, &a[i++], &b[j++]);
			shown++;
		} else {
			i++, j++, same++;
		}
	}
	if (!shown)
		html(o, "<tr><td colspan=\"11\" class=\"empty\" id=\"no-diff\">兩個版本的排放明細相同。</td></tr>");
	return same;
}

/* A totals row: 合計 of one part in both versions and the difference. */
static void total_row(struct strbuf *o, const char *id, const char *label, long long a, long long b)
{
	strbuf_addf(o, "<tr id=\"%s\"><th colspan=\"6\">%s</th><td class=\"num\">", id, label);
	html_milli(o, a);
	html(o, "</td><td class=\"num\">");
	html_milli(o, b);
	html(o, "</td><td class=\"num\">");
	html_delta(o, b - a);
	html(o, "</td><td></td><td></td></tr>");
}

/* A version's exclusions and NE / IE / 沿用 items, as loaded for the diff. */
struct notes {
	struct rows ex, noted;
};

static int take_exclusion(void *ctx, const struct store_report_exclusion *e)
{
	memcpy(rows_push(ctx), e, sizeof(*e));
	return 0;
}

static int take_noted(void *ctx, const struct store_report_noted *n)
{
	memcpy(rows_push(ctx), n, sizeof(*n));
	return 0;
}

static int notes_load(struct request *req, long long report_id, int no, struct notes *n)
{
	memset(n, 0, sizeof(*n));
	n->ex.a = n->noted.a = &req->arena;
	n->ex.size = sizeof(struct store_report_exclusion);
	n->noted.size = sizeof(struct store_report_noted);
	return store_workflow_version_exclusions(&req->app->db, report_id, no, take_exclusion, &n->ex) ||
	       store_workflow_version_noted(&req->app->db, report_id, no, take_noted, &n->noted) ? -1 : 0;
}

/* The same source: part and item, and for a refrigerant its code (named field or extra row alike). */
static int noted_source(const struct store_report_noted *a, const struct store_report_noted *b)
{
	return a->part == b->part && !strcmp(a->item, b->item) && !strcmp(a->refrigerant, b->refrigerant);
}

/*
 * Item `at` of list `from` in list r: the one of the same source, the k-th
 * of its source in r for the k-th in `from` (an extra refrigerant row's
 * line number moves when rows above it come or go; its code does not).
 */
static const struct store_report_noted *noted_find(const struct rows *r, const struct rows *from, int at)
{
	const struct store_report_noted *v = r->v, *f = from->v;
	int k = 0;

	for (int i = 0; i < at; i++)
		k += noted_source(&f[i], &f[at]);
	for (int i = 0; i < r->n; i++)
		if (noted_source(&v[i], &f[at]) && k-- == 0)
			return &v[i];
	return NULL;
}

static int noted_same(const struct store_report_noted *a, const struct store_report_noted *b)
{
	return a->n.key == b->n.key && a->n.carried_from == b->n.carried_from && !strcmp(a->n.text, b->n.text) &&
	       a->quantity_milli == b->quantity_milli;
}

static const struct store_report_exclusion *ex_find(const struct rows *r, const char *name)
{
	const struct store_report_exclusion *v = r->v;

	for (int i = 0; i < r->n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/*
 * The notation keys and the exclusions of versions a and b side by side: every
 * item or source either has, marked 新增 / 刪除 / 變更 / 未變更 (an exclusion is
 * matched by its name, an item by part, item and refrigerant: noted_find).
 */
static void render_notes(struct strbuf *o, int na, int nb, const struct notes *a, const struct notes *b)
{
	static const char *const what[] = { "新增", "刪除", "變更", "未變更" };
	const struct store_report_noted *an = a->noted.v, *bn = b->noted.v;
	const struct store_report_exclusion *ae = a->ex.v, *be = b->ex.v;

	strbuf_addf(o, "<section id=\"notes-diff\" aria-labelledby=\"notes-h\"><h2 id=\"notes-h\">註記（NE、IE、沿用）與排除之排放源："
		    "第 %d 版 → 第 %d 版</h2>", na, nb);
	if (!a->noted.n && !b->noted.n) {
		html(o, "<p class=\"muted\" id=\"no-notes\">兩個版本皆無 NE、IE 或沿用之項目。</p>");
	} else {
		strbuf_addf(o, "<table id=\"notes-table\"><thead><tr><th scope=\"col\">異動</th><th scope=\"col\">項目</th>"
			    "<th scope=\"col\">第 %d 版</th><th scope=\"col\">第 %d 版</th></tr></thead><tbody>", na, nb);
		for (int i = 0; i < a->noted.n; i++) {
			const struct store_report_noted *m = noted_find(&b->noted, &a->noted, i);

			strbuf_addf(o, "<tr><td>%s</td><td>", what[!m ? 1 : noted_same(&an[i], m) ? 3 : 2]);
			report_noted_label(o, &an[i]);
			html(o, "</td><td>");
			report_noted_text(o, &an[i]);
			html(o, "</td><td>");
			if (m)
				report_noted_text(o, m);
			else
				html(o, "—");
			html(o, "</td></tr>");
		}
		for (int i = 0; i < b->noted.n; i++) {
			if (noted_find(&a->noted, &b->noted, i))
				continue;
			strbuf_addf(o, "<tr><td>%s</td><td>", what[0]);
			report_noted_label(o, &bn[i]);
			html(o, "</td><td>—</td><td>");
			report_noted_text(o, &bn[i]);
			html(o, "</td></tr>");
		}
		html(o, "</tbody></table>");
	}
	if (!a->ex.n && !b->ex.n) {
		html(o, "<p class=\"muted\" id=\"no-exclusions\">兩個版本皆未列排除之排放源。</p></section>");
		return;
	}
	strbuf_addf(o, "<table id=\"exclusions-table\"><thead><tr><th scope=\"col\">異動</th><th scope=\"col\">排除之排放源</th>"
		    "<th scope=\"col\">理由（第 %d 版）</th><th scope=\"col\">理由（第 %d 版）</th></tr></thead><tbody>", na, nb);
	for (int i = 0; i < a->ex.n; i++) {
		const struct store_report_exclusion *m = ex_find(&b->ex, ae[i].name);

		strbuf_addf(o, "<tr><td>%s</td><td>", what[!m ? 1 : strcmp(m->reason, ae[i].reason) ? 2 : 3]);
		html_txt(o, ae[i].name);
		html(o, "</td><td>");
		html_txt(o, ae[i].reason);
		html(o, "</td><td>");
		html_txt(o, m ? m->reason : "—");
		html(o, "</td></tr>");
	}
	for (int i = 0; i < b->ex.n; i++) {
		if (ex_find(&a->ex, be[i].name))
			continue;
		strbuf_addf(o, "<tr><td>%s</td><td>", what[0]);
		html_txt(o, be[i].name);
		html(o, "</td><td>—</td><td>");
		html_txt(o, be[i].reason);
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table></section>");
}

/* The diff table of versions va and vb of report_id.  0 or -1. */
static int render_diff(struct request *req, long long report_id, const struct store_workflow_version *va,
		       const struct store_workflow_version *vb)
{
	struct strbuf *o = &req->body;
	struct rows ra, rb;
	struct notes na, nb;
	int same;

	if (lines_load(req, report_id, va->version_no, &ra) || lines_load(req, report_id, vb->version_no, &rb))
		return -1;
	strbuf_addf(o, "<section id=\"diff\" aria-labelledby=\"diff-h\"><h2 id=\"diff-h\">第 %d 版 → 第 %d 版 的差異</h2>"
		    "<table class=\"diff\"><thead><tr><th>異動</th><th>部分</th><th>項目</th><th>單位</th>"
		    "<th class=\"num\">數量（第 %d 版）</th><th class=\"num\">數量（第 %d 版）</th>"
		    "<th class=\"num\">排放量 kgCO₂e（第 %d 版）</th><th class=\"num\">排放量 kgCO₂e（第 %d 版）</th>"
		    "<th class=\"num\">差異 kgCO₂e</th><th>係數</th><th>類別、數據品質、氣體</th></tr></thead><tbody>",
		    va->version_no, vb->version_no, va->version_no, vb->version_no, va->version_no, vb->version_no);
	same = diff_rows(req, o, &ra, &rb);
	html(o, "</tbody><tfoot>");
	total_row(o, "total-own", "合計（不含委外）", va->own_total_milli, vb->own_total_milli);
	total_row(o, "total-outsourced", "合計（委外，不納入總量）", va->outsourced_total_milli, vb->outsourced_total_milli);
	strbuf_addf(o, "</tfoot></table><p class=\"muted\" id=\"unchanged\">其餘 %d 項未變更。</p></section>", same);
	if (notes_load(req, report_id, va->version_no, &na) || notes_load(req, report_id, vb->version_no, &nb))
		return -1;
	render_notes(o, va->version_no, vb->version_no, &na, &nb);
	return 0;
}

static const struct store_workflow_version *find_version(const struct store_workflow_version *v, int n, int no)
{
	for (int i = 0; i < n; i++)
		if (v[i].version_no == no)
			return &v[i];
	return NULL;
}

/* What the page shows: whose report, which year, its versions. */
struct versions_page {
	long long agency;
	int year;
	const char *name;
	const struct store_report *st;
	struct store_workflow_version *v;
	int nv;
};

/* The list, and the diff of a and b when both are versions of the report (else 404 with the list). */
static int versions_render(struct request *req, const struct versions_page *p)
{
	struct strbuf *o = &req->body;
	const struct form_val *fa = &req->in[VERSIONS_A], *fb = &req->in[VERSIONS_B];
	const struct store_workflow_version *va = fa->set ? find_version(p->v, p->nv, (int)fa->i) : NULL;
	const struct store_workflow_version *vb = fb->set ? find_version(p->v, p->nv, (int)fb->i) : NULL;
	int asked = fa->raw || fb->raw;

	layout_begin(req, "確認版本", "確認版本");
	html(o, "<h1>");
	html_txt(o, p->name);
	strbuf_addf(o, "　民國 %d 年（%d）確認版本</h1>", roc_year(p->year), p->year);
	if (asked && !(va && vb)) {
		req->status = 404;
		form_flash(req, "error", "沒有這個版本：請從下列版本中選擇兩個比較。");
	}
	if (!p->nv)
		html(o, "<p class=\"empty\" id=\"no-versions\">此報表尚未經上級機關確認，沒有確認版本。</p>");
	else
		report_versions_render(req, p->agency, p->year, p->v, p->nv);
	if (va && vb && render_diff(req, p->st->id, va, vb))
		return routes_unavailable(req, "report versions");
	if (p->agency == req->session->agency_id)
		strbuf_addf(o, "<p><a class=\"button secondary\" href=\"/report/edit?year=%d\">回填報頁</a></p>", p->year);
	else
		strbuf_addf(o, "<p><a class=\"button secondary\" href=\"/report/view?year=%d&amp;agency=%lld\">回報表</a></p>",
			    p->year, p->agency);
	layout_end(req);
	return req->status;
}

int page_report_versions(struct request *req)
{
	struct versions_page p = { 0 };
	struct store_year_report y;
	struct store_review_agency *a = arena_alloc(&req->arena, sizeof(*a));
	int rc;

	if (!req->in[VERSIONS_YEAR].set)
		return req->status = 404, routes_error_page(req);
	rc = report_viewable(req, &req->in[VERSIONS_AGENCY], &p.agency);
	if (rc > 0)
		rc = store_year_report_get(&req->app->db, req->session->county_id, (int)req->in[VERSIONS_YEAR].i, &y);
	if (rc > 0)
		rc = report_state(req, p.agency, y.year, &p.st) ? -1 : p.st != NULL;
	if (rc > 0)
		rc = store_review_agency(&req->app->db, p.agency, a);
	if (rc < 0)
		return routes_unavailable(req, "report versions");
	if (!rc)
		return req->status = 404, routes_error_page(req);
	p.year = y.year;
	p.name = a->name;
	if (report_versions_load(req, p.st->id, &p.v, &p.nv))
		return routes_unavailable(req, "report versions");
	return versions_render(req, &p);
}

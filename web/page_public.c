/* page_public.c: 公開資訊 for everyone: the published county-years, and each one's inventory. */
#include <string.h>
#include <strings.h>

#include "counties.h"
#include "form.h"
#include "html.h"
#include "inventory.h"
#include "routes.h"
#include "store_year.h"
#include "years.h"

/* 公開資訊: a county (its letter) and a year; both, or the list. */
enum public_key {
	PUBLIC_COUNTY,
	PUBLIC_YEAR,
	PUBLIC__MAX
};
static const struct form_key public_keys[PUBLIC__MAX] = {
	[PUBLIC_COUNTY] = { .name = "county", .kind = FORM_TEXT, .max = 1 },
	[PUBLIC_YEAR] = { .name = "year", .kind = FORM_YEAR },
};
const struct form_decl public_in = FORM_DECL(public_keys);

static int unavailable(struct request *req)
{
	return routes_unavailable(req, "public inventory");
}

static int not_found(struct request *req)
{
	req->status = 404;
	return routes_error_page(req);
}

/* Was field `name` sent with something in it (valid or not)? */
static int given(const struct request *req, const struct form_val *v, const char *name)
{
	return v->set || form_error_of(req->in_err, name);
}

/* The trend of a public page shows published years only: the county's published years, by trend index. */
struct published_years {
	const struct inventory *inv;
	char on[YEARS_MAX];
};

static int mark_published(void *ctx, int year)
{
	struct published_years *p = ctx;
	int i = year - p->inv->trend_first;

	if (i >= 0 && i < p->inv->trend_n)
		p->on[i] = 1;
	return 0;
}

static int published_trend_only(struct request *req, int county, struct inventory *inv)
{
	struct published_years p = { .inv = inv };

	if (store_year_each_published_of_county(&req->app->db, county, mark_published, &p))
		return -1;
	for (int i = 0; i < inv->trend_n; i++)
		if (!p.on[i])
			inv->trend_has[i] = 0, inv->trend[i] = 0;
	return 0;
}

/* 公開資訊 of one county-year: 404 unless the county has published it. */
static int public_one(struct request *req, const char *letter, int year)
{
	struct strbuf *o = &req->body;
	const struct county *all, *c = NULL;
	struct inventory *inv;
	struct inventory_notes *notes;
	long long lock;
	int nc, r;

	all = counties_all(req->app, &nc);
	for (int i = 0; i < nc; i++)
		if (!strcasecmp(all[i].letter, letter))
			c = &all[i];
	if (!c)
		return not_found(req);
	r = inventory_year_published(req, c->id, year, &lock);
	if (r < 0)
		return unavailable(req);
	if (!r)
		return not_found(req);
	inv = arena_zalloc(&req->arena, sizeof(*inv));
	r = inventory_load_locked(&req->app->db, c->id, year, lock, inv);
	if (r == INVENTORY_RANGE)
		return inventory_out_of_range(req, "公開資訊");
	if (r || published_trend_only(req, c->id, inv))
		return unavailable(req);
	notes = arena_alloc(&req->arena, sizeof(*notes));
	if (inventory_notes_load(req, inv, notes))
		return unavailable(req);
	layout_begin(req, "公開資訊", "公開資訊");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/public\">公開資訊</a> › ");
	html_txt(o, inv->county_name);
	strbuf_addf(o, " 民國 %d 年</nav><h1>", year - 1911);
	html_txt(o, inv->county_name);
	strbuf_addf(o, " 政府機關溫室氣體盤查成果　民國 %d 年（%d）</h1>", year - 1911, year);
	inventory_render(req, inv);
	inventory_notes_render(req, notes);
	layout_end(req);
	return req->status;
}

/* 公開資訊's list as it is written: the request, and whether a row was. */
struct public_list {
	struct request *req;
	int any;
};

static int public_row(void *ctx, const struct store_year_published *row)
{
	struct public_list *l = ctx;
	struct strbuf *o = &l->req->body;

	l->any = 1;
	html(o, "<tr><td>");
	html_txt(o, row->county_name);
	strbuf_addf(o, "</td><td>民國 %d 年</td><td>", row->year - 1911);
	html_txt(o, row->published_on);
	html(o, "</td><td><a href=\"/public?county=");
	html_url_arg(o, row->letter);
	strbuf_addf(o, "&amp;year=%d\">盤查成果</a></td></tr>", row->year);
	return 0;
}

/*
 * 公開資訊: the published county-years; one of them with its inventory when
 * a county is named (even blank: not found) and a year given (a bad one,
 * or a county's letter that is not one: 404).
 */
int page_public(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct form_val *county = &req->in[PUBLIC_COUNTY], *year = &req->in[PUBLIC_YEAR];
	struct public_list l = { req, 0 };

	if (county->raw && given(req, year, "year")) {
		if (!county->set || !year->set)
			return not_found(req);
		return public_one(req, county->s, (int)year->i);
	}
	layout_begin(req, "公開資訊", "公開資訊");
	html(o, "<h1>公開資訊</h1><p>各縣市已公開之政府機關溫室氣體盤查成果。</p>"
		"<table id=\"published\"><thead><tr><th>縣市</th><th>年度</th><th>公開日期</th><th><span class=\"visually-hidden\">盤查成果</span></th></tr></thead><tbody>");
	if (store_year_each_published(&req->app->db, public_row, &l))
		return unavailable(req);
	if (!l.any)
		html(o, "<tr><td colspan=\"4\" class=\"empty\">目前尚無已公開的盤查成果。</td></tr>");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

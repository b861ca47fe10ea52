/* page_inventory.c: 製作政府機關盤查清冊 for the county team (the inventory of a year, publish and
 * withdraw), and 公開資訊 for everyone (published county-years only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "counties.h"
#include "form.h"
#include "html.h"
#include "inventory.h"
#include "routes.h"
#include "session.h"
#include "util.h"

/*
 * DESIGN: publishing needs the year closed (agencies can no longer change
 * it) and, while published, the team's non-agency lines of that year are
 * read-only too (page_activities.c asks year_locked()), so what the public
 * sees does not move under it; to correct it the team withdraws, corrects
 * and publishes again.  The public pages select published county-years in
 * the same query that reads them, so nothing unpublished can leak.
 */

static int unavailable(struct request *req)
{
	routes_unavailable(req, "inventory");
	return req->status;
}

/*
 * A sum beyond int64 (inventory_load()'s INVENTORY_RANGE): rows outside the
 * bounds, written around the application.  No figure is shown rather than
 * a wrapped one.
 */
static int out_of_range(struct request *req, const char *title)
{
	req->status = 500;
	layout_begin(req, title, title);
	html(&req->body, "<h1>");
	html_txt(&req->body, title);
	html(&req->body, "</h1>");
	form_flash(req, "error", "本年度的排放量合計超出系統可計算的範圍：資料庫中有超出上限的資料（例如設定上限之前存入的填報）。"
		   "為免顯示錯誤的數字，本頁不顯示合計；請聯絡系統管理者檢查資料。");
	layout_end(req);
	return req->status;
}

/* The county-year's state: is_open and published; 1 found, 0 not, -1 error. */
static int year_state(struct request *req, int county, int year, int *open, int *published, char *when, size_t size)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT is_open, published_at IS NOT NULL, IFNULL(DATE_FORMAT(published_at, '%Y-%m-%d %H:%i'), '')"
		" FROM inventory_years WHERE county_id = ? AND year = ?");

	if (!st || (db_bind_int(st, 0, county), db_bind_int(st, 1, year), db_exec(st)))
		return -1;
	if (db_step(st) != 1)
		return 0;
	*open = (int)db_col_int(st, 0);
	*published = (int)db_col_int(st, 1);
	snprintf(when, size, "%s", db_col_text(st, 2, NULL));
	db_reset(st);
	return 1;
}

int inventory_year_published(struct request *req, int county, int year)
{
	int open, published, r;
	char when[32];

	r = year_state(req, county, year, &open, &published, when, sizeof(when));
	return r < 0 ? -1 : r && published;
}

static int publish(struct request *req, int year, int on)
{
	struct db *db = &req->app->db;
	int open, published, r;
	char when[32];
	struct db_stmt *st;

	if (db_begin(db))
		return unavailable(req);
	st = db_prepare(db, "SELECT 1 FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE");
	if (!st || (db_bind_int(st, 0, req->session->county_id), db_bind_int(st, 1, year), db_exec(st)))
		goto fail;
	db_reset(st);
	r = year_state(req, req->session->county_id, year, &open, &published, when, sizeof(when));
	if (r < 0)
		goto fail;
	if (!r) {
		db_rollback(db);
		req->status = 404;
		return routes_error_page(req);
	}
	if (on && open) {
		db_rollback(db);
		return redirect(req, arena_printf(&req->arena, "/team/inventory?year=%d&must_close=1", year));
	}
	st = db_prepare(db, on ? "UPDATE inventory_years SET published_at = NOW(), published_by = ? WHERE county_id = ? AND year = ?" :
				 "UPDATE inventory_years SET published_at = NULL, published_by = NULL WHERE county_id = ? AND year = ? AND ? > 0");
	if (!st)
		goto fail;
	if (on) {
		db_bind_int(st, 0, req->session->account_id);
		db_bind_int(st, 1, req->session->county_id);
		db_bind_int(st, 2, year);
	} else {
		db_bind_int(st, 0, req->session->county_id);
		db_bind_int(st, 1, year);
		db_bind_int(st, 2, 1);
	}
	if (db_exec(st) || audit_add_county(req, year, on ? "公開盤查成果" : "撤回公開", NULL, on ? "公開" : "撤回") || db_commit(db))
		goto fail;
	redirect(req, arena_printf(&req->arena, "/team/inventory?year=%d&%s=1", year, on ? "published" : "withdrawn"));
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

/*
 * 轉出明細 / 轉出圖表: the stamp of the data under the workbooks (the
 * county's newest outbox row — every agency change makes one —, its
 * non-agency lines, its agencies' contacts, the factor table); a done,
 * unexpired workbook of the same kind and stamp is offered again instead of
 * being rebuilt.
 */
static int request_export(struct request *req, int year, const char *kind)
{
	struct db *db = &req->app->db;
	struct db_stmt *st = db_prepare(db,
		"SELECT CONCAT_WS('/', (SELECT IFNULL(MAX(id), 0) FROM outbox WHERE county_id = ?),"
		" (SELECT CONCAT(COUNT(*), ':', IFNULL(MAX(id), 0), ':', IFNULL(SUM(kg_milli), 0), ':', IFNULL(MAX(updated_at), ''))"
		"  FROM county_activities WHERE county_id = ?),"
		" (SELECT IFNULL(MAX(contact_updated_at), '') FROM agencies WHERE county_id = ?),"
		" (SELECT CONCAT(COUNT(*), ':', IFNULL(MAX(updated_at), '')) FROM factors))");
	const char *stamp;
	long long id = 0;

	if (!st)
		return unavailable(req);
	for (int i = 0; i < 3; i++)
		db_bind_int(st, i, req->session->county_id);
	if (db_exec(st) || db_step(st) != 1)
		return unavailable(req);
	stamp = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
	db_reset(st);
	st = db_prepare(db, "SELECT id FROM exports WHERE kind = ? AND county_id = ? AND year = ? AND stamp = ? AND requested_by = ?"
			    " AND status IN ('queued', 'running', 'done') AND (expires_at IS NULL OR expires_at > NOW()) ORDER BY id DESC LIMIT 1");
	if (!st)
		return unavailable(req);
	db_bind_text(st, 0, kind);
	db_bind_int(st, 1, req->session->county_id);
	db_bind_int(st, 2, year);
	db_bind_text(st, 3, stamp);
	db_bind_int(st, 4, req->session->account_id);
	if (db_exec(st))
		return unavailable(req);
	if (db_step(st) == 1) {
		id = db_col_int(st, 0);
		db_reset(st);
		return redirect(req, arena_printf(&req->arena, "/exports?id=%lld&reused=1", id));
	}
	st = db_prepare(db, "INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at, stamp)"
			    " VALUES (?, ?, NULL, ?, ?, ?, NOW(3), ?)" EXPORT_COALESCE);
	if (!st)
		return unavailable(req);
	db_bind_text(st, 0, kind);
	db_bind_int(st, 1, req->session->county_id);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, req->session->account_id);
	db_bind_text(st, 4, arena_printf(&req->arena, "%s_%d年_盤查清冊%s.xlsx", req->session->county_name, year - 1911,
					 !strcmp(kind, "inventory_detail") ? "明細" : "圖表"));
	db_bind_text(st, 5, stamp);
	if (db_exec(st))
		return unavailable(req);
	id = (long long)db_insert_id(st);
	export_push(req, id);
	redirect(req, arena_printf(&req->arena, "/exports?id=%lld", id));
	return req->status;
}

int page_team_inventory(struct request *req)
{
	struct strbuf *o = &req->body;
	const char *ya = req_arg(req, "year");
	int year = ya ? atoi(ya) : 0, open, published, r;
	char when[32];
	struct inventory *inv;

	if (!year)
		return layout_year_page(req, "盤查清冊", "盤查清冊", "製作政府機關盤查清冊", "/team/inventory");
	if (year < INV_YEAR_FIRST || year > INV_YEAR_LAST) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (req->method == METHOD_POST) {
		const char *action = req_arg(req, "action");

		if (action && (!strcmp(action, "publish") || !strcmp(action, "withdraw")))
			return publish(req, year, !strcmp(action, "publish"));
		if (action && !strcmp(action, "export_detail"))
			return request_export(req, year, "inventory_detail");
		if (action && !strcmp(action, "export_charts"))
			return request_export(req, year, "inventory_charts");
		req->status = 400;
		return routes_error_page(req);
	}
	r = year_state(req, req->session->county_id, year, &open, &published, when, sizeof(when));
	if (r < 0)
		return unavailable(req);
	if (!r) {
		req->status = 404;
		return routes_error_page(req);
	}
	inv = arena_zalloc(&req->arena, sizeof(*inv));
	r = inventory_load(&req->app->db, req->session->county_id, year, inv);
	if (r == INVENTORY_RANGE)
		return out_of_range(req, "盤查清冊");
	if (r)
		return unavailable(req);
	layout_begin(req, "盤查清冊", "盤查清冊");
	strbuf_addf(o, "<h1>");
	html_txt(o, inv->county_name);
	strbuf_addf(o, " 政府機關溫室氣體盤查清冊　民國 %d 年（%d）</h1>", year - 1911, year);
	if (req_arg(req, "must_close"))
		form_flash(req, "error", "請先於「年度管理」截止本年度，再公開盤查成果。");
	else if (req_arg(req, "published"))
		form_flash(req, "ok", "已公開，民眾可於「公開資訊」查閱。");
	else if (req_arg(req, "withdrawn"))
		form_flash(req, "ok", "已撤回公開。");
	html(o, "<form method=\"post\" class=\"inline\" id=\"publication\">");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	if (published) {
		html(o, "<p><span class=\"status s2\" id=\"published\">已公開</span>（");
		html_txt(o, when);
		html(o, "）公開期間本年度非機關活動資料不可修改。 ");
		html_hidden(o, "action", "withdraw");
		html(o, "<button type=\"submit\" class=\"secondary\">撤回公開</button></p>");
	} else {
		html(o, "<p><span class=\"status s0\" id=\"published\">未公開</span> ");
		if (open)
			html(o, "（本年度仍開放填報，截止後才能公開） ");
		html_hidden(o, "action", "publish");
		html(o, open ? "<button type=\"submit\" disabled>公開</button></p>" : "<button type=\"submit\">公開</button></p>");
	}
	html(o, "</form><form method=\"post\" class=\"inline\" id=\"exports\">");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><p>下載清冊："
		    "<button type=\"submit\" name=\"action\" value=\"export_detail\" class=\"secondary\">轉出明細</button> "
		    "<button type=\"submit\" name=\"action\" value=\"export_charts\" class=\"secondary\">轉出圖表</button></p></form>", year);
	inventory_render(req, inv);
	layout_end(req);
	return req->status;
}

/* 公開資訊: the published county-years; one of them with its inventory. */
int page_public(struct request *req)
{
	struct strbuf *o = &req->body;
	const char *ca = req_arg(req, "county"), *ya = req_arg(req, "year");
	int year = ya ? atoi(ya) : 0, any = 0;
	struct db_stmt *st;

	if (ca && year) {
		const struct county *all, *c = NULL;
		int nc;

		all = counties_all(req->app, &nc);
		for (int i = 0; i < nc; i++)
			if (!strcasecmp(all[i].letter, ca))
				c = &all[i];
		struct inventory *inv;
		int pub;

		if (!c || year < INV_YEAR_FIRST || year > INV_YEAR_LAST) {
			req->status = 404;
			return routes_error_page(req);
		}
		pub = inventory_year_published(req, c->id, year);
		if (pub < 0)
			return unavailable(req);
		if (!pub) {
			req->status = 404;
			return routes_error_page(req);
		}
		inv = arena_zalloc(&req->arena, sizeof(*inv));
		pub = inventory_load(&req->app->db, c->id, year, inv);
		if (pub == INVENTORY_RANGE)
			return out_of_range(req, "公開資訊");
		if (pub)
			return unavailable(req);
		/* The trend of a public page shows published years only (one query for them all). */
		{
			int published[INV_YEARS] = { 0 };
			struct db_stmt *yq = db_prepare(&req->app->db,
				"SELECT year FROM inventory_years WHERE county_id = ? AND published_at IS NOT NULL");

			if (!yq || (db_bind_int(yq, 0, c->id), db_exec(yq)))
				return unavailable(req);
			while (db_step(yq) == 1) {
				int y = (int)db_col_int(yq, 0) - INV_YEAR_FIRST;
				if (y >= 0 && y < INV_YEARS)
					published[y] = 1;
			}
			for (int i = 0; i < INV_YEARS; i++)
				if (!published[i])
					inv->trend_has[i] = 0, inv->trend[i] = 0;
		}
		layout_begin(req, "公開資訊", "公開資訊");
		html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/public\">公開資訊</a> › ");
		html_txt(o, inv->county_name);
		strbuf_addf(o, " 民國 %d 年</nav><h1>", year - 1911);
		html_txt(o, inv->county_name);
		strbuf_addf(o, " 政府機關溫室氣體盤查成果　民國 %d 年（%d）</h1>", year - 1911, year);
		inventory_render(req, inv);
		layout_end(req);
		return req->status;
	}
	st = db_prepare(&req->app->db,
		"SELECT c.letter, c.name, y.year, DATE_FORMAT(y.published_at, '%Y-%m-%d'), IFNULL(cr.total_milli, 0)"
		" FROM inventory_years y JOIN counties c ON c.id = y.county_id"
		" LEFT JOIN county_rollups cr ON cr.county_id = y.county_id AND cr.year = y.year"
		" WHERE y.published_at IS NOT NULL ORDER BY y.year DESC, c.id");
	if (!st || db_exec(st))
		return unavailable(req);
	layout_begin(req, "公開資訊", "公開資訊");
	html(o, "<h1>公開資訊</h1><p>各縣市已公開之政府機關溫室氣體盤查成果。</p>"
		"<table id=\"published\"><thead><tr><th>縣市</th><th>年度</th><th>公開日期</th><th></th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		any = 1;
		html(o, "<tr><td>");
		html_txt(o, db_col_text(st, 1, NULL));
		strbuf_addf(o, "</td><td>民國 %lld 年</td><td>", db_col_int(st, 2) - 1911);
		html_txt(o, db_col_text(st, 3, NULL));
		html(o, "</td><td><a href=\"/public?county=");
		html_url_arg(o, db_col_text(st, 0, NULL));
		strbuf_addf(o, "&amp;year=%lld\">盤查成果</a></td></tr>", db_col_int(st, 2));
	}
	if (!any)
		html(o, "<tr><td colspan=\"4\" class=\"empty\">目前尚無已公開的盤查成果。</td></tr>");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

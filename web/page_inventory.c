/* page_inventory.c: 製作政府機關盤查清冊 for the county team: the inventory of a year, publish and withdraw. */
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "counties.h"
#include "form.h"
#include "html.h"
#include "inventory.h"
#include "routes.h"
#include "session.h"
#include "store_export.h"
#include "store_inventory.h"
#include "store_year.h"
#include "util.h"

/*
 * DESIGN: publishing needs the year locked (年度鎖定, page_year_lock.c:
 * nothing of it can change, neither the agencies' reports nor the team's
 * non-agency lines), and a published year cannot be unlocked, so what the
 * public sees does not move under it; to correct it the team withdraws,
 * unlocks, corrects, locks and publishes again.  Publishing, withdrawing,
 * locking and unlocking each take the county-year's row FOR UPDATE and
 * read its state under that lock (store_year_lock_row).  The public pages (page_public.c) select published
 * county-years in the same query that reads them, so nothing unpublished
 * can leak.
 */

/* 盤查清冊: a year (none: the year list), and the notice of the action that led here. */
enum team_inventory_key {
	TEAM_INVENTORY_YEAR,
	TEAM_INVENTORY_MUST_LOCK,
	TEAM_INVENTORY_PUBLISHED,
	TEAM_INVENTORY_WITHDRAWN,
	TEAM_INVENTORY_ALREADY,
	TEAM_INVENTORY__MAX
};
static const struct form_key team_inventory_keys[TEAM_INVENTORY__MAX] = {
	[TEAM_INVENTORY_YEAR] = { .name = "year", .kind = FORM_YEAR },
	[TEAM_INVENTORY_MUST_LOCK] = { .name = "must_lock", .kind = FORM_FLAG },
	[TEAM_INVENTORY_PUBLISHED] = { .name = "published", .kind = FORM_FLAG },
	[TEAM_INVENTORY_WITHDRAWN] = { .name = "withdrawn", .kind = FORM_FLAG },
	[TEAM_INVENTORY_ALREADY] = { .name = "already", .kind = FORM_FLAG },
};
const struct form_decl team_inventory_in = FORM_DECL(team_inventory_keys);

/* The POSTs of 盤查清冊 (公開, 撤回公開, 轉出明細, 轉出圖表): the year only. */
enum team_inventory_post_key {
	TEAM_INVENTORY_POST_YEAR,
	TEAM_INVENTORY_POST__MAX
};
static const struct form_key team_inventory_post_keys[TEAM_INVENTORY_POST__MAX] = {
	[TEAM_INVENTORY_POST_YEAR] = { .name = "year", .kind = FORM_YEAR },
};
const struct form_decl team_inventory_post_in = FORM_DECL(team_inventory_post_keys);


static int unavailable(struct request *req)
{
	routes_unavailable(req, "inventory");
	return req->status;
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

/*
 * A sum beyond int64 (inventory_load()'s INVENTORY_RANGE): rows outside the
 * bounds, written around the application.  No figure is shown rather than
 * a wrapped one.
 */
int inventory_out_of_range(struct request *req, const char *title)
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

int inventory_year_published(struct request *req, int county, int year, long long *lock)
{
	struct store_year_state ys;
	int r = store_year_get_state(&req->app->db, county, year, &ys);

	if (lock)
		*lock = r > 0 ? ys.lock_id : 0;
	return r < 0 ? -1 : r && ys.published;
}

/*
 * The year a POST of 盤查清冊 names: 1 with *year, or 0 when the page was
 * answered: the year list when none was sent (as the page without one),
 * 404 for one the platform does not serve (or not a year at all).
 */
static int post_year(struct request *req, int *year)
{
	const struct form_val *v = &req->in[TEAM_INVENTORY_POST_YEAR];

	if (v->set) {
		*year = (int)v->i;
		return 1;
	}
	if (given(req, v, "year"))
		not_found(req);
	else
		layout_year_page(req, "盤查清冊", "盤查清冊", "製作政府機關盤查清冊", "/team/inventory");
	return 0;
}

static int publish(struct request *req, int on)
{
	struct db *db = &req->app->db;
	struct store_year_state ys;
	int county = req->session->county_id, year, r;

	if (!post_year(req, &year))
		return req->status;
	if (db_begin(db))
		return unavailable(req);
	r = store_year_lock_row(db, county, year, &ys);
	if (r < 0)
		goto fail;
	if (!r) {
		db_rollback(db);
		return not_found(req);
	}
	if (on && !ys.locked) {
		db_rollback(db);
		return redirect(req, arena_printf(&req->arena, "/team/inventory?year=%d&must_lock=1", year));
	}
	/* Already so (a second tab, a second click): nothing written, the first publication's time kept. */
	if (on == ys.published) {
		db_rollback(db);
		return redirect(req, arena_printf(&req->arena, "/team/inventory?year=%d&already=1", year));
	}
	if ((on ? store_year_publish(db, county, year, req->session->account_id) : store_year_withdraw(db, county, year)) ||
	    audit_add_county(req, year, on ? "公開盤查成果" : "撤回公開", NULL, on ? "公開" : "撤回") || db_commit(db))
		goto fail;
	return redirect(req, arena_printf(&req->arena, "/team/inventory?year=%d&%s=1", year, on ? "published" : "withdrawn"));
fail:
	db_rollback(db);
	return unavailable(req);
}

/* POST /team/inventory action=publish: 公開 (a locked year only). */
int page_team_inventory_publish(struct request *req)
{
	return publish(req, 1);
}

/* POST /team/inventory action=withdraw: 撤回公開. */
int page_team_inventory_withdraw(struct request *req)
{
	return publish(req, 0);
}

/*
 * 轉出明細 / 轉出圖表: a done, unexpired workbook of the same kind and the
 * same data (store_inventory_stamp) is offered again instead of being
 * rebuilt.  `what` names it in the file name.
 */
static int request_export(struct request *req, const char *kind, const char *what)
{
	struct db *db = &req->app->db;
	const struct session *s = req->session;
	char stamp[STORE_INVENTORY_STAMP_MAX + 1];
	long long id = 0;
	int year, r;

	if (!post_year(req, &year))
		return req->status;
	if (store_inventory_stamp(db, s->county_id, stamp))
		return unavailable(req);
	r = store_export_find_inventory(db, kind, s->county_id, year, stamp, s->account_id, &id);
	if (r < 0)
		return unavailable(req);
	if (r)
		return redirect(req, arena_printf(&req->arena, "/exports?id=%lld&reused=1", id));
	if (store_export_request_inventory(db, kind, s->county_id, year, s->account_id,
					   arena_printf(&req->arena, "%s_%d年_盤查清冊%s.xlsx", s->county_name, year - 1911, what), stamp, &id))
		return unavailable(req);
	export_push(req, id);
	return redirect(req, arena_printf(&req->arena, "/exports?id=%lld", id));
}

/* POST /team/inventory action=export_detail: 轉出明細. */
int page_team_inventory_export_detail(struct request *req)
{
	return request_export(req, "inventory_detail", "明細");
}

/* POST /team/inventory action=export_charts: 轉出圖表. */
int page_team_inventory_export_charts(struct request *req)
{
	return request_export(req, "inventory_charts", "圖表");
}

/* The publication form (公開 or 撤回公開) and the two workbook buttons. */
static void team_forms(struct request *req, int year, const struct store_year_state *ys)
{
	struct strbuf *o = &req->body;

	html(o, "<form method=\"post\" class=\"inline\" id=\"publication\">");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	if (ys->published) {
		html(o, "<p><span class=\"status s2\" id=\"published\">已公開</span>（");
		html_txt(o, ys->published_at);
		html(o, "）公開期間本年度非機關活動資料不可修改。 ");
		html_hidden(o, "action", "withdraw");
		html(o, "<button type=\"submit\" class=\"secondary\">撤回公開</button></p>");
	} else {
		html(o, "<p><span class=\"status s0\" id=\"published\">未公開</span> ");
		if (!ys->locked)
			strbuf_addf(o, "（本年度尚未鎖定：請先完成<a href=\"/team/years/lock?year=%d\">年度鎖定</a>，才能公開） ", year);
		html_hidden(o, "action", "publish");
		html(o, ys->locked ? "<button type=\"submit\">公開</button></p>" : "<button type=\"submit\" disabled>公開</button></p>");
	}
	html(o, "</form><form method=\"post\" class=\"inline\" id=\"exports\">");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><p>下載清冊："
		    "<button type=\"submit\" name=\"action\" value=\"export_detail\" class=\"secondary\">轉出明細</button> "
		    "<button type=\"submit\" name=\"action\" value=\"export_charts\" class=\"secondary\">轉出圖表</button></p></form>", year);
}

/* GET /team/inventory: the year list, or a year's inventory with its publication and workbooks. */
int page_team_inventory(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct form_val *in = req->in;
	struct store_year_state ys;
	struct inventory *inv;
	struct inventory_notes *notes;
	int year, r;

	if (!in[TEAM_INVENTORY_YEAR].set) {
		if (given(req, &in[TEAM_INVENTORY_YEAR], "year"))
			return not_found(req);
		return layout_year_page(req, "盤查清冊", "盤查清冊", "製作政府機關盤查清冊", "/team/inventory");
	}
	year = (int)in[TEAM_INVENTORY_YEAR].i;
	r = store_year_get_state(&req->app->db, req->session->county_id, year, &ys);
	if (r < 0)
		return unavailable(req);
	if (!r)
		return not_found(req);
	inv = arena_zalloc(&req->arena, sizeof(*inv));
	r = inventory_load_locked(&req->app->db, req->session->county_id, year, ys.lock_id, inv);
	if (r == INVENTORY_RANGE)
		return inventory_out_of_range(req, "盤查清冊");
	if (r)
		return unavailable(req);
	notes = arena_alloc(&req->arena, sizeof(*notes));
	if (inventory_notes_load(req, inv, notes))
		return unavailable(req);
	layout_begin(req, "盤查清冊", "盤查清冊");
	strbuf_addf(o, "<h1>");
	html_txt(o, inv->county_name);
	strbuf_addf(o, " 政府機關溫室氣體盤查清冊　民國 %d 年（%d）</h1>", year - 1911, year);
	if (in[TEAM_INVENTORY_MUST_LOCK].set)
		strbuf_addf(o, "<p class=\"flash error\" role=\"status\">未公開：請先完成年度鎖定，再公開盤查成果。"
			    "<a href=\"/team/years/lock?year=%d\">前往年度鎖定</a></p>\n", year);
	else if (in[TEAM_INVENTORY_PUBLISHED].set)
		form_flash(req, "ok", "已公開，民眾可於「公開資訊」查閱。");
	else if (in[TEAM_INVENTORY_WITHDRAWN].set)
		form_flash(req, "ok", "已撤回公開。");
	else if (in[TEAM_INVENTORY_ALREADY].set)
		form_flash(req, "ok", ys.published ? "本年度已是公開狀態（可能剛由他人完成），未重複公開。" : "本年度目前未公開，沒有可撤回的公開。");
	team_forms(req, year, &ys);
	inventory_render(req, inv);
	inventory_notes_render(req, notes);
	layout_end(req);
	return req->status;
}

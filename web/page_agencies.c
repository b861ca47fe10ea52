/* page_agencies.c: the county team manages its agencies: create (with a one-time password),
 * edit (code and name), move in the tree (rollups follow), deactivate (history stays). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agencies.h"
#include "agency_import.h"
#include "audit.h"
#include "form.h"
#include "html.h"
#include "input.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "util.h"

/*
 * Every change is one transaction that also queues the recalculation of
 * every year of the county (outbox rows): a new, moved or deactivated agency
 * changes totals and counts above it.  The closure table follows a move in
 * the same transaction; a move under the agency's own subtree (a cycle) is
 * refused.
 */

static int unavailable(struct request *req)
{
	routes_unavailable(req, "agencies");
	return req->status;
}

/* An agency of this county: its level and active flag; 1 found, 0 not, -1 error. */
static int agency_of_county(struct request *req, long long id, int *level, int *active)
{
	struct db_stmt *st = db_prepare(&req->app->db, "SELECT level, active FROM agencies WHERE id = ? AND county_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, req->session->county_id);
	if (db_exec(st))
		return -1;
	if (db_step(st) != 1)
		return 0;
	*level = (int)db_col_int(st, 0);
	*active = (int)db_col_int(st, 1);
	db_reset(st);
	return 1;
}

/* A refused move: the row's new-parent field shows what was typed and why. */
struct move_error {
	long long agency;
	const char *parent;
	const char *msg;
};

static int render(struct request *req, const struct form *f, const char *flash, const char *otp, const char *otp_who,
		   const struct move_error *mv)
{
	struct strbuf *o = &req->body;
	struct db_stmt *st;
	int creating = !mv;

	layout_begin(req, "機關管理", "機關管理");
	html(o, "<h1>機關管理</h1>");
	if (flash)
		form_flash(req, f && f->nerr ? "error" : "ok", flash);
	if (otp) {
		html(o, "<div class=\"flash ok\" role=\"status\">已建立 ");
		html_txt(o, otp_who);
		html(o, "。一次性密碼（只顯示這一次，首次登入須變更）：<strong id=\"otp\">");
		html_txt(o, otp);
		html(o, "</strong></div>");
	}
	html(o, "<p><a class=\"button secondary\" href=\"/team/agencies/import\">批次匯入（CSV／XLSX）</a></p>");
	html(o, "<form method=\"post\" action=\"/team/agencies\"><fieldset><legend>新增機關</legend>");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "create");
	struct field code = { .name = "code", .label = "機關代碼", .value = creating ? req_arg(req, "code") : NULL, .maxlength = 20, .required = 1 };
	struct field name = { .name = "name", .label = "機關單位名稱", .value = creating ? req_arg(req, "name") : NULL, .maxlength = 200, .required = 1 };
	struct field parent = { .name = "parent", .label = "上級機關代碼（一級機關免填）", .value = creating ? req_arg(req, "parent") : NULL,
				.maxlength = 20 };
	form_field(req, f, &code);
	form_field(req, f, &name);
	form_field(req, f, &parent);
	html(o, "<div class=\"actions\"><button type=\"submit\">新增</button></div></fieldset></form>");

	st = db_prepare(&req->app->db,
		"SELECT a.id, a.code, a.name, a.level, IFNULL(p.code, ''), a.active FROM agencies a"
		" LEFT JOIN agencies p ON p.id = a.parent_id WHERE a.county_id = ? ORDER BY a.active DESC, a.level, a.code LIMIT 5000");
	if (!st || (db_bind_int(st, 0, req->session->county_id), db_exec(st)))
		return unavailable(req);
	html(o, "<table><thead><tr><th>代碼</th><th>名稱</th><th>層級</th><th>上級</th><th>編輯／移動／停用</th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		long long id = db_col_int(st, 0);
		int active = (int)db_col_int(st, 5);

		html(o, "<tr><td>");
		html_txt(o, db_col_text(st, 1, NULL));
		html(o, "</td><td>");
		html_txt(o, db_col_text(st, 2, NULL));
		if (!active)
			html(o, " <span class=\"status s0\">已停用</span>");
		strbuf_addf(o, "</td><td>%lld</td><td>", db_col_int(st, 3));
		html_txt(o, db_col_text(st, 4, NULL));
		html(o, "</td><td>");
		if (active) {
			strbuf_addf(o, "<a href=\"/team/agencies?edit=%lld\">編輯</a> ", id);
			html(o, "<form method=\"post\" action=\"/team/agencies\" class=\"inline\">");
			html_hidden(o, "csrf", req->csrf);
			html_hidden(o, "action", "move");
			int bad = mv && mv->agency == id;

			strbuf_addf(o, "<input type=\"hidden\" name=\"agency\" value=\"%lld\"><label for=\"mv-%lld\">新上級代碼</label> "
				    "<input id=\"mv-%lld\" name=\"parent\" maxlength=\"20\" size=\"12\"", id, id, id);
			if (bad) {
				html(o, " value=\"");
				html_attr(o, mv->parent);
				strbuf_addf(o, "\" aria-invalid=\"true\" aria-describedby=\"e-mv-%lld\"", id);
			}
			html(o, "> <button type=\"submit\" class=\"secondary\">移動</button>");
			if (bad) {
				strbuf_addf(o, "<p class=\"field-error\" id=\"e-mv-%lld\">", id);
				html_txt(o, mv->msg);
				html(o, "</p>");
			}
			html(o, "</form> ");
			html(o, "<form method=\"post\" action=\"/team/agencies\" class=\"inline\">");
			html_hidden(o, "csrf", req->csrf);
			html_hidden(o, "action", "deactivate");
			strbuf_addf(o, "<input type=\"hidden\" name=\"agency\" value=\"%lld\"><button type=\"submit\" class=\"secondary\">停用</button></form>", id);
		}
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

/* The id and level of the active agency `code` of this county; 1, 0 (none), -1 (error). */
static int by_code(struct request *req, const char *code, long long *id, int *level)
{
	struct db_stmt *st = db_prepare(&req->app->db, "SELECT id, level FROM agencies WHERE county_id = ? AND code = ? AND active = 1");

	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->county_id);
	db_bind_text(st, 1, code);
	if (db_exec(st))
		return -1;
	if (db_step(st) != 1)
		return 0;
	*id = db_col_int(st, 0);
	*level = (int)db_col_int(st, 1);
	db_reset(st);
	return 1;
}

#define PARENT_CODE_BAD "上級機關代碼為 4 至 20 個英數字（一級機關免填）。"

/*
 * The typed parent code into *out ("" for none: a 一級 agency).  -1 when
 * something was typed that cannot be a code (too long, other characters):
 * never read as "no parent", which would make the agency 一級.
 */
static int parent_code(struct request *req, const char *raw, const char **out)
{
	enum input_err e = input_text(&req->arena, raw ? raw : "", raw ? strlen(raw) : 0, 20, 0, out);

	if (e == INPUT_EMPTY)
		return 0;
	return e || !import_valid_code(*out) ? -1 : 0;
}

/* Why a new agency cannot go under the parent by_code() found (r) at plevel, or NULL. */
static const char *parent_refused(struct request *req, int r, int plevel)
{
	if (!r)
		return "找不到此上級機關（本縣市、啟用中）。";
	if (plevel >= IMPORT_MAX_DEPTH)
		return arena_printf(&req->arena, "此上級機關已是第 %d 級，機關最多 %d 級，其下不能再新增機關。", plevel, IMPORT_MAX_DEPTH);
	return NULL;
}

static int create(struct request *req)
{
	struct db *db = &req->app->db;
	struct form f = { .nerr = 0 };
	const char *code = "", *name = "", *pcode = "", *why;
	const char *rc = req_arg(req, "code"), *rn = req_arg(req, "name"), *rp = req_arg(req, "parent");
	long long pid = 0, id;
	int plevel = 0, r;
	struct db_stmt *st;

	input_text(&req->arena, rc ? rc : "", rc ? strlen(rc) : 0, 20, 0, &code);
	if (!import_valid_code(code))
		form_error(&f, "code", "機關代碼為 4 至 20 個英數字。");
	if (input_text(&req->arena, rn ? rn : "", rn ? strlen(rn) : 0, 200, 0, &name))
		form_error(&f, "name", "請填寫機關單位名稱（200 字以內）。");
	if (parent_code(req, rp, &pcode))
		form_error(&f, "parent", PARENT_CODE_BAD);
	else if (*pcode) {
		r = by_code(req, pcode, &pid, &plevel);
		if (r < 0)
			return unavailable(req);
		why = parent_refused(req, r, plevel);
		if (why)
			form_error(&f, "parent", why);
	}
	if (f.nerr) {
		req->status = 400;
		return render(req, &f, "資料未存檔：請修正標示的欄位。", NULL, NULL, NULL);
	}
	char pw[13], hash[PASSWORD_HASH_MAX];

	if (password_onetime(pw) || password_hash(pw, 12, hash) || db_begin(db))
		return unavailable(req);
	if (agencies_lock_county(req))
		goto fail;
	/* The parent again, under the county's lock: a move in between changes its level. */
	if (*pcode) {
		r = by_code(req, pcode, &pid, &plevel);
		if (r < 0)
			goto fail;
		why = parent_refused(req, r, plevel);
		if (why) {
			db_rollback(db);
			form_error(&f, "parent", why);
			req->status = 400;
			return render(req, &f, "資料未存檔：請修正標示的欄位。", NULL, NULL, NULL);
		}
	}
	/* The bound on a county's agencies (agency_import.h), counted under the county's lock. */
	st = db_prepare(db, "SELECT COUNT(*) FROM agencies WHERE county_id = ?");
	if (!st || (db_bind_int(st, 0, req->session->county_id), db_exec(st)) || db_step(st) != 1)
		goto fail;
	long long count = db_col_int(st, 0);
	db_reset(st);
	if (count >= AGENCY_MAX_PER_COUNTY) {
		db_rollback(db);
		form_error(&f, "code", arena_printf(&req->arena, "本縣市已有 %lld 個機關（含已停用），已達上限 %d 個，不能再新增。",
						    count, AGENCY_MAX_PER_COUNTY));
		req->status = 409;
		return render(req, &f, "資料未存檔：請修正標示的欄位。", NULL, NULL, NULL);
	}
	st = db_prepare(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, ?, ?, ?, NULLIF(?, 0))");
	if (!st)
		goto fail;
	db_bind_int(st, 0, req->session->county_id);
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_int(st, 3, plevel + 1);
	db_bind_int(st, 4, pid);
	if (db_exec(st)) {
		if (db_err_duplicate(db)) {
			db_rollback(db);
			form_error(&f, "code", "此機關代碼已存在。");
			req->status = 400;
			return render(req, &f, "資料未存檔：請修正標示的欄位。", NULL, NULL, NULL);
		}
		goto fail;
	}
	id = (long long)db_insert_id(st);
	st = db_prepare(db, "INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)"
			    " VALUES ('agency', ?, ?, ?, ?, 1)");
	if (!st)
		goto fail;
	db_bind_int(st, 0, req->session->county_id);
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, hash);
	if (db_exec(st)) {
		if (!db_err_duplicate(db))
			goto fail;
		db_rollback(db);
		form_error(&f, "code", "此代碼已是本縣市另一個帳號（例如盤查小組）的登入帳號。");
		req->status = 400;
		return render(req, &f, "資料未存檔：請修正標示的欄位。", NULL, NULL, NULL);
	}
	if (agencies_queue_all_years(req) || audit_add(req, id, 0, "新增機關", NULL, arena_printf(&req->arena, "%s %s", code, name)) ||
	    db_commit(db))
		goto fail;
	agencies_wake_worker(req);
	render(req, NULL, NULL, pw, arena_printf(&req->arena, "%s %s", code, name), NULL);
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

static int move_refused(struct request *req, long long x, const char *typed, const char *msg)
{
	struct move_error mv = { .agency = x, .parent = typed ? typed : "", .msg = msg };
	struct form f = { .nerr = 0 };

	form_error(&f, "move", msg);
	req->status = 400;
	/* The flash names the agency's row too: in a long table the field may be far down. */
	render(req, &f, "未移動：請修正標示的欄位（見該機關列的「新上級代碼」）。", NULL, NULL, &mv);
	return req->status;
}

static int move(struct request *req)
{
	struct db *db = &req->app->db;
	const char *aa = req_arg(req, "agency"), *rp = req_arg(req, "parent"), *pcode = "";
	long long x = aa ? strtoll(aa, NULL, 10) : 0, p = 0;
	int level, active, plevel = 0, r, height;
	struct db_stmt *st;

	r = agency_of_county(req, x, &level, &active);
	if (r < 0)
		return unavailable(req);
	if (!r || !active) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (parent_code(req, rp, &pcode))
		return move_refused(req, x, rp, PARENT_CODE_BAD);
	/* The new parent and its level are read under the county's lock: no move or import in between. */
	if (db_begin(db) || agencies_lock_county(req))
		goto fail;
	if (*pcode) {
		r = by_code(req, pcode, &p, &plevel);
		if (r < 0)
			goto fail;
		if (!r) {
			db_rollback(db);
			return move_refused(req, x, rp, "找不到新的上級機關（本縣市、啟用中）。");
		}
	}
	if (p) {
		/* A cycle: the new parent inside the agency's own subtree. */
		st = db_prepare(db, "SELECT 1 FROM agency_tree WHERE ancestor_id = ? AND descendant_id = ?");
		if (!st)
			goto fail;
		db_bind_int(st, 0, x);
		db_bind_int(st, 1, p);
		if (db_exec(st))
			goto fail;
		if (db_step(st) == 1) {
			db_reset(st);
			db_rollback(db);
			return move_refused(req, x, rp, "無法移動：新的上級機關是這個機關本身或其所屬機關（會形成循環）。");
		}
	}
	/* The subtree's deepest agency must stay within IMPORT_MAX_DEPTH levels (read under the county's lock). */
	st = db_prepare(db, "SELECT IFNULL(MAX(depth), 0) FROM agency_tree WHERE ancestor_id = ?");
	if (!st || (db_bind_int(st, 0, x), db_exec(st)) || db_step(st) != 1)
		goto fail;
	height = (int)db_col_int(st, 0);
	db_reset(st);
	if (plevel + 1 + height > IMPORT_MAX_DEPTH) {
		db_rollback(db);
		return move_refused(req, x, rp, arena_printf(&req->arena,
			"無法移動：移到此上級機關之下，最下層的所屬機關將成為第 %d 級，超過 %d 級的上限。",
			plevel + 1 + height, IMPORT_MAX_DEPTH));
	}
	if (agencies_set_parent(db, x, p, plevel + 1))
		goto fail;
	if (agencies_queue_all_years(req) ||
	    audit_add(req, x, 0, "移動機關", arena_printf(&req->arena, "層級 %d", level), *pcode ? pcode : "（一級）") || db_commit(db))
		goto fail;
	agencies_wake_worker(req);
	redirect(req, "/team/agencies?moved=1");
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

/* The edit form of agency `id`: its code and name (moving has its own form). */
static int render_edit(struct request *req, const struct form *f, long long id, const char *code, const char *name)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "編輯機關", "機關管理");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/team/agencies\">機關管理</a> › 編輯機關</nav>");
	html(o, "<h1>編輯機關</h1>");
	if (f && f->nerr)
		form_flash(req, "error", "資料未存檔：請修正標示的欄位。");
	html(o, "<form method=\"post\" action=\"/team/agencies\"><fieldset><legend>機關資料</legend>");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "edit");
	strbuf_addf(o, "<input type=\"hidden\" name=\"agency\" value=\"%lld\">", id);
	struct field fc = { .name = "code", .label = "機關代碼（亦為登入帳號）", .value = code, .maxlength = 20, .required = 1 };
	struct field fn = { .name = "name", .label = "機關單位名稱", .value = name, .maxlength = 200, .required = 1 };
	form_field(req, f, &fc);
	form_field(req, f, &fn);
	html(o, "<div class=\"actions\"><button type=\"submit\">存檔</button> <a href=\"/team/agencies\">取消</a></div></fieldset></form>");
	layout_end(req);
	return req->status;
}

static int edit_form(struct request *req, long long id)
{
	struct db_stmt *st = db_prepare(&req->app->db, "SELECT code, name FROM agencies WHERE id = ? AND county_id = ? AND active = 1");

	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, req->session->county_id);
	if (db_exec(st))
		return unavailable(req);
	if (db_step(st) != 1) {
		req->status = 404;
		return routes_error_page(req);
	}
	const char *code = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
	const char *name = arena_strdup(&req->arena, db_col_text(st, 1, NULL));
	db_reset(st);
	render_edit(req, NULL, id, code, name);
	return req->status;
}

static int edit(struct request *req)
{
	struct db *db = &req->app->db;
	struct form f = { .nerr = 0 };
	const char *aa = req_arg(req, "agency"), *rc = req_arg(req, "code"), *rn = req_arg(req, "name");
	const char *code = "", *name = "", *old_code, *old_name;
	long long x = aa ? strtoll(aa, NULL, 10) : 0;
	struct db_stmt *st;

	if (db_begin(db) || agencies_lock_county(req))
		goto fail;
	st = db_prepare(db, "SELECT code, name FROM agencies WHERE id = ? AND county_id = ? AND active = 1 FOR UPDATE");
	if (!st || (db_bind_int(st, 0, x), db_bind_int(st, 1, req->session->county_id), db_exec(st)))
		goto fail;
	if (db_step(st) != 1) {
		db_rollback(db);
		req->status = 404;
		return routes_error_page(req);
	}
	old_code = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
	old_name = arena_strdup(&req->arena, db_col_text(st, 1, NULL));
	db_reset(st);
	input_text(&req->arena, rc ? rc : "", rc ? strlen(rc) : 0, 20, 0, &code);
	if (!import_valid_code(code))
		form_error(&f, "code", "機關代碼為 4 至 20 個英數字。");
	if (input_text(&req->arena, rn ? rn : "", rn ? strlen(rn) : 0, 200, 0, &name))
		form_error(&f, "name", "請填寫機關單位名稱（200 字以內）。");
	if (f.nerr) {
		db_rollback(db);
		req->status = 400;
		return render_edit(req, &f, x, rc ? rc : "", rn ? rn : "");
	}
	st = db_prepare(db, "UPDATE agencies SET code = ?, name = ? WHERE id = ?");
	if (!st)
		goto fail;
	db_bind_text(st, 0, code);
	db_bind_text(st, 1, name);
	db_bind_int(st, 2, x);
	if (db_exec(st)) {
		if (db_err_duplicate(db)) {
			db_rollback(db);
			form_error(&f, "code", "此機關代碼已被本縣市另一個機關使用。");
			req->status = 400;
			return render_edit(req, &f, x, rc ? rc : "", rn ? rn : "");
		}
		goto fail;
	}
	/* The agency's account logs in with its code. */
	st = db_prepare(db, "UPDATE accounts SET login = ? WHERE agency_id = ?");
	if (!st || (db_bind_text(st, 0, code), db_bind_int(st, 1, x), db_exec(st))) {
		if (db_err_duplicate(db)) {
			db_rollback(db);
			form_error(&f, "code", "此代碼已是本縣市另一個帳號的登入帳號。");
			req->status = 400;
			return render_edit(req, &f, x, rc ? rc : "", rn ? rn : "");
		}
		goto fail;
	}
	/* Pages that show the name are stamped by the outbox: a rename is a change like any other. */
	if (agencies_queue_all_years(req) ||
	    audit_add(req, x, 0, "編輯機關", arena_printf(&req->arena, "%s %s", old_code, old_name),
		      arena_printf(&req->arena, "%s %s", code, name)) || db_commit(db))
		goto fail;
	agencies_wake_worker(req);
	redirect(req, "/team/agencies?edited=1");
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

static int deactivate(struct request *req)
{
	struct db *db = &req->app->db;
	const char *aa = req_arg(req, "agency");
	long long x = aa ? strtoll(aa, NULL, 10) : 0;
	int level, active, r = agency_of_county(req, x, &level, &active);
	struct db_stmt *st;

	if (r < 0)
		return unavailable(req);
	if (!r) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (db_begin(db) || agencies_lock_county(req))
		goto fail;
	st = db_prepare(db, "UPDATE agencies SET active = 0 WHERE id = ?");
	if (!st || (db_bind_int(st, 0, x), db_exec(st)))
		goto fail;
	st = db_prepare(db, "DELETE s FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.agency_id = ?");
	if (!st || (db_bind_int(st, 0, x), db_exec(st)))
		goto fail;
	if (agencies_queue_all_years(req) || audit_add(req, x, 0, "停用機關", NULL, "已停用") || db_commit(db))
		goto fail;
	agencies_wake_worker(req);
	redirect(req, "/team/agencies?deactivated=1");
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

int page_team_agencies(struct request *req)
{
	const char *action = req_arg(req, "action");

	if (req->method != METHOD_POST) {
		const char *e = req_arg(req, "edit");

		if (e)
			return edit_form(req, strtoll(e, NULL, 10));
		return render(req, NULL, req_arg(req, "moved") ? "已移動。" : req_arg(req, "deactivated") ? "已停用（歷史資料保留）。" :
			      req_arg(req, "edited") ? "已更新機關資料。" : NULL, NULL, NULL, NULL);
	}
	if (action && !strcmp(action, "edit"))
		return edit(req);
	if (action && !strcmp(action, "create"))
		return create(req);
	if (action && !strcmp(action, "move"))
		return move(req);
	if (action && !strcmp(action, "deactivate"))
		return deactivate(req);
	req->status = 400;
	routes_error_page(req);
	return req->status;
}

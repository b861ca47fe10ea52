/* page_agencies.c: the county team manages its agencies: create (with a one-time password),
 * edit (code and name), move in the tree (rollups follow), deactivate (history stays). */
#include "agencies.h"
#include "agency_import.h"
#include "audit.h"
#include "form.h"
#include "html.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "store_account.h"
#include "store_agency.h"
#include "store_rollup.h"
#include "store_session.h"
#include "util.h"

/*
 * Every change is one transaction that also queues the recalculation of
 * every year of the county (outbox rows): a new, moved or deactivated agency
 * changes totals and counts above it, a rename the names shown.  The
 * closure table follows a move in the same transaction; a move under the
 * agency's own subtree (a cycle) is refused.
 */

#define AGENCY_CODE_MAX_CHARS 20
#define AGENCY_NAME_MAX_CHARS 200
#define AGENCY_CODE_BAD "機關代碼為 4 至 20 個英數字。"
#define AGENCY_NAME_BAD "請填寫機關單位名稱（200 字以內）。"
#define AGENCY_PARENT_BAD "上級機關代碼為 4 至 20 個英數字（一級機關免填）。"
#define NOT_SAVED "資料未存檔：請修正標示的欄位。"

enum agencies_key { AGENCIES_EDIT, AGENCIES_MOVED, AGENCIES_DEACTIVATED, AGENCIES_EDITED, AGENCIES__MAX };
static const struct form_key team_agencies_keys[AGENCIES__MAX] = {
	[AGENCIES_EDIT] = { .name = "edit", .kind = FORM_ID },
	[AGENCIES_MOVED] = { .name = "moved", .kind = FORM_FLAG },
	[AGENCIES_DEACTIVATED] = { .name = "deactivated", .kind = FORM_FLAG },
	[AGENCIES_EDITED] = { .name = "edited", .kind = FORM_FLAG },
};
const struct form_decl team_agencies_in = FORM_DECL(team_agencies_keys);

enum create_key { CREATE_CODE, CREATE_NAME, CREATE_PARENT, CREATE__MAX };
static const struct form_key team_agencies_create_keys[CREATE__MAX] = {
	[CREATE_CODE] = { .name = "code", .kind = FORM_TEXT, .flags = FORM_REQUIRED, .max = AGENCY_CODE_MAX_CHARS, .msg = AGENCY_CODE_BAD },
	[CREATE_NAME] = { .name = "name", .kind = FORM_TEXT, .flags = FORM_REQUIRED, .max = AGENCY_NAME_MAX_CHARS, .msg = AGENCY_NAME_BAD },
	[CREATE_PARENT] = { .name = "parent", .kind = FORM_TEXT, .max = AGENCY_CODE_MAX_CHARS, .msg = AGENCY_PARENT_BAD },
};
const struct form_decl team_agencies_create_in = FORM_DECL(team_agencies_create_keys);

enum edit_key { EDIT_AGENCY, EDIT_CODE, EDIT_NAME, EDIT__MAX };
static const struct form_key team_agencies_edit_keys[EDIT__MAX] = {
	[EDIT_AGENCY] = { .name = "agency", .kind = FORM_ID },
	[EDIT_CODE] = { .name = "code", .kind = FORM_TEXT, .flags = FORM_REQUIRED, .max = AGENCY_CODE_MAX_CHARS, .msg = AGENCY_CODE_BAD },
	[EDIT_NAME] = { .name = "name", .kind = FORM_TEXT, .flags = FORM_REQUIRED, .max = AGENCY_NAME_MAX_CHARS, .msg = AGENCY_NAME_BAD },
};
const struct form_decl team_agencies_edit_in = FORM_DECL(team_agencies_edit_keys);

static int agencies_unavailable(struct request *req)
{
	return routes_unavailable(req, "agencies");
}

static int agencies_not_found(struct request *req)
{
	req->status = 404;
	return routes_error_page(req);
}

/* A refused move: the row's new-parent field shows what was typed and why. */
struct move_error {
	long long agency;
	const char *parent;
	const char *msg;
};

/* What the list page shows besides the agencies. */
struct agencies_view {
	const struct form *f;           /* the errors of the create form, or of a move */
	const char *flash;
	const char *otp, *otp_who;      /* an agency just created: its one-time password */
	const struct move_error *mv;     /* a refused move */
	const char *code, *name, *parent; /* the create form's values (NULL: empty) */
};

struct list_ctx {
	struct request *req;
	const struct move_error *mv;
};

/* The move form of an active agency's row, with the refusal beside it when it is the row refused. */
static void move_form(struct request *req, long long id, const struct move_error *mv)
{
	struct strbuf *o = &req->body;
	int bad = mv && mv->agency == id;

	html(o, "<form method=\"post\" action=\"/team/agencies\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "move");
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
}

static int list_row(void *ctx, const struct store_agency *a)
{
	struct list_ctx *c = ctx;
	struct strbuf *o = &c->req->body;

	html(o, "<tr><td>");
	html_txt(o, a->code);
	html(o, "</td><td>");
	html_txt(o, a->name);
	if (!a->active)
		html(o, " <span class=\"status s0\">已停用</span>");
	strbuf_addf(o, "</td><td>%d</td><td>", a->level);
	html_txt(o, a->parent_code);
	html(o, "</td><td>");
	if (a->active) {
		strbuf_addf(o, "<a href=\"/team/agencies?edit=%lld\">編輯</a> ", a->id);
		move_form(c->req, a->id, c->mv);
		html(o, "<form method=\"post\" action=\"/team/agencies\" class=\"inline\">");
		html_hidden(o, "csrf", c->req->csrf);
		html_hidden(o, "action", "deactivate");
		strbuf_addf(o, "<input type=\"hidden\" name=\"agency\" value=\"%lld\"><button type=\"submit\" class=\"secondary\">停用</button></form>",
			    a->id);
	}
	html(o, "</td></tr>");
	return 0;
}

/* 機關管理: the create form and every agency of the county with its forms; returns req->status. */
static int agencies_render(struct request *req, const struct agencies_view *v)
{
	struct strbuf *o = &req->body;
	struct list_ctx c = { .req = req, .mv = v->mv };

	layout_begin(req, "機關管理", "機關管理");
	html(o, "<h1>機關管理</h1>");
	if (v->flash)
		form_flash(req, v->f && v->f->nerr ? "error" : "ok", v->flash);
	if (v->otp) {
		html(o, "<div class=\"flash ok\" role=\"status\">已建立 ");
		html_txt(o, v->otp_who);
		html(o, "。一次性密碼（只顯示這一次，首次登入須變更）：<strong id=\"otp\">");
		html_txt(o, v->otp);
		html(o, "</strong></div>");
	}
	html(o, "<p><a class=\"button secondary\" href=\"/team/agencies/import\">批次匯入（CSV／XLSX）</a></p>");
	html(o, "<form method=\"post\" action=\"/team/agencies\"><fieldset><legend>新增機關</legend>");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "create");
	struct field code = { .name = "code", .label = "機關代碼", .value = v->code, .maxlength = 20, .required = 1 };
	struct field name = { .name = "name", .label = "機關單位名稱", .value = v->name, .maxlength = 200, .required = 1 };
	struct field parent = { .name = "parent", .label = "上級機關代碼（一級機關免填）", .value = v->parent,
				.maxlength = 20 };
	form_field(req, v->f, &code);
	form_field(req, v->f, &name);
	form_field(req, v->f, &parent);
	html(o, "<div class=\"actions\"><button type=\"submit\">新增</button></div></fieldset></form>");
	html(o, "<table><thead><tr><th>代碼</th><th>名稱</th><th>層級</th><th>上級</th><th>編輯／移動／停用</th></tr></thead><tbody>");
	if (store_agency_list(&req->app->db, req->session->county_id, list_row, &c))
		return agencies_unavailable(req);
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

/* A code typed into a declared field that passed its length: must also be a code (4 to 20 letters and digits). */
static void check_code(struct request *req, const struct form_val *v, const char *field, const char *msg)
{
	if (v->set && !import_valid_code(v->s))
		form_error(req->in_err, field, msg);
}

/* Why a new agency cannot go under the parent store_agency_by_code() found (r) at plevel, or NULL. */
static const char *parent_refused(struct request *req, int r, int plevel)
{
	if (!r)
		return "找不到此上級機關（本縣市、啟用中）。";
	if (plevel >= IMPORT_MAX_DEPTH)
		return arena_printf(&req->arena, "此上級機關已是第 %d 級，機關最多 %d 級，其下不能再新增機關。", plevel, IMPORT_MAX_DEPTH);
	return NULL;
}

/*
 * Looks up the parent the create form names (when it is a code): *pid and
 * *plevel (0 for none), a refusal beside the field.  0, or -1 on a
 * database error.
 */
static int create_parent(struct request *req, long long *pid, int *plevel)
{
	const struct form_val *p = &req->in[CREATE_PARENT];
	const char *why;
	int r;

	*pid = 0;
	*plevel = 0;
	if (!p->set)
		return 0;
	r = store_agency_by_code(&req->app->db, req->session->county_id, p->s, pid, plevel);
	if (r < 0)
		return -1;
	why = parent_refused(req, r, *plevel);
	if (why)
		form_error(req->in_err, "parent", why);
	return 0;
}

/* The list again with the create form's errors and what was typed; returns status. */
static int create_refused(struct request *req, int status)
{
	struct agencies_view v = { .f = req->in_err, .flash = NOT_SAVED, .code = req->in[CREATE_CODE].raw,
				   .name = req->in[CREATE_NAME].raw, .parent = req->in[CREATE_PARENT].raw };

	req->status = status;
	return agencies_render(req, &v);
}

/*
 * Inside the transaction: the parent again, the county's bound, the agency
 * and its account, the queued recalculation and the audit.  0, -1 (a
 * database error), or the status of a refusal whose message is beside
 * its field.
 */
static int create_write(struct request *req, const char *hash, long long *id)
{
	struct db *db = &req->app->db;
	int county = req->session->county_id, plevel;
	const char *code = req->in[CREATE_CODE].s, *name = req->in[CREATE_NAME].s, *why;
	long long pid = 0, count;

	if (store_agency_lock_county(db, county))
		return -1;
	/* The parent again, under the county's lock: a move in between changes its level. */
	if (create_parent(req, &pid, &plevel))
		return -1;
	if (req->in_err->nerr)
		return 400;
	/* The bound on a county's agencies (agency_import.h), counted under the county's lock. */
	if (store_agency_count(db, county, &count))
		return -1;
	if (count >= AGENCY_MAX_PER_COUNTY) {
		why = arena_printf(&req->arena, "本縣市已有 %lld 個機關（含已停用），已達上限 %d 個，不能再新增。", count, AGENCY_MAX_PER_COUNTY);
		form_error(req->in_err, "code", why);
		return 409;
	}
	if (store_agency_create(db, county, code, name, plevel + 1, pid, id)) {
		if (!db_err_duplicate(db))
			return -1;
		form_error(req->in_err, "code", "此機關代碼已存在。");
		return 400;
	}
	if (store_account_add_agency(db, county, *id, code, hash)) {
		if (!db_err_duplicate(db))
			return -1;
		form_error(req->in_err, "code", "此代碼已是本縣市另一個帳號（例如盤查小組）的登入帳號。");
		return 400;
	}
	if (store_rollup_queue_county(db, county) ||
	    audit_add(req, *id, 0, "新增機關", NULL, arena_printf(&req->arena, "%s %s", code, name)))
		return -1;
	return 0;
}

int page_team_agencies_create(struct request *req)
{
	struct db *db = &req->app->db;
	char pw[13], hash[PASSWORD_HASH_MAX];
	long long pid, id;
	int plevel, r;

	check_code(req, &req->in[CREATE_CODE], "code", AGENCY_CODE_BAD);
	check_code(req, &req->in[CREATE_PARENT], "parent", AGENCY_PARENT_BAD);
	if (!form_error_of(req->in_err, "parent") && create_parent(req, &pid, &plevel))
		return agencies_unavailable(req);
	if (req->in_err->nerr)
		return create_refused(req, 400);
	if (password_onetime(pw) || password_hash(pw, 12, hash) || db_begin(db))
		return agencies_unavailable(req);
	r = create_write(req, hash, &id);
	if (r > 0) {
		db_rollback(db);
		return create_refused(req, r);
	}
	if (r < 0 || db_commit(db)) {
		db_rollback(db);
		return agencies_unavailable(req);
	}
	agencies_wake_worker(req);
	struct agencies_view v = { .otp = pw, .code = req->in[CREATE_CODE].raw, .name = req->in[CREATE_NAME].raw,
				   .parent = req->in[CREATE_PARENT].raw,
				   .otp_who = arena_printf(&req->arena, "%s %s", req->in[CREATE_CODE].s, req->in[CREATE_NAME].s) };
	return agencies_render(req, &v);
}

/* The edit form of agency `id`: its code and name (moving has its own form). */
static int render_edit(struct request *req, const struct form *f, long long id, const char *code, const char *name)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "編輯機關", "機關管理");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/team/agencies\">機關管理</a> › 編輯機關</nav>");
	html(o, "<h1>編輯機關</h1>");
	if (f && f->nerr)
		form_flash(req, "error", NOT_SAVED);
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
	struct store_agency a;
	int r = store_agency_get_active(&req->app->db, req->session->county_id, id, 0, &a);

	if (r < 0)
		return agencies_unavailable(req);
	if (!r)
		return agencies_not_found(req);
	return render_edit(req, NULL, id, a.code, a.name);
}

int page_team_agencies(struct request *req)
{
	const struct form_val *in = req->in;
	struct agencies_view v = { 0 };

	if (in[AGENCIES_EDIT].raw)
		return in[AGENCIES_EDIT].set ? edit_form(req, in[AGENCIES_EDIT].i) : agencies_not_found(req);
	v.flash = in[AGENCIES_MOVED].set ? "已移動。" : in[AGENCIES_DEACTIVATED].set ? "已停用（歷史資料保留）。" :
		  in[AGENCIES_EDITED].set ? "已更新機關資料。" : NULL;
	return agencies_render(req, &v);
}

/* The edit form again with a message beside the code (a unique key refused it); returns 400. */
static int edit_refused(struct request *req, const char *msg)
{
	if (msg)
		form_error(req->in_err, "code", msg);
	req->status = 400;
	return render_edit(req, req->in_err, req->in[EDIT_AGENCY].i, req->in[EDIT_CODE].raw ? req->in[EDIT_CODE].raw : "",
			   req->in[EDIT_NAME].raw ? req->in[EDIT_NAME].raw : "");
}

/*
 * Inside the transaction, agency x locked: its code and name, its
 * account's login, the queued recalculation (pages that show the name are
 * stamped by the outbox: a rename is a change like any other) and the
 * audit.  0, -1, or 400 with the message beside the code in *why.
 */
static int edit_write(struct request *req, const struct store_agency *old, const char **why)
{
	struct db *db = &req->app->db;
	const char *code = req->in[EDIT_CODE].s, *name = req->in[EDIT_NAME].s;

	if (store_agency_rename(db, old->id, code, name)) {
		*why = "此機關代碼已被本縣市另一個機關使用。";
		return db_err_duplicate(db) ? 400 : -1;
	}
	/* The agency's account logs in with its code. */
	if (store_account_set_agency_login(db, old->id, code)) {
		*why = "此代碼已是本縣市另一個帳號的登入帳號。";
		return db_err_duplicate(db) ? 400 : -1;
	}
	if (store_rollup_queue_county(db, req->session->county_id) ||
	    audit_add(req, old->id, 0, "編輯機關", arena_printf(&req->arena, "%s %s", old->code, old->name),
		      arena_printf(&req->arena, "%s %s", code, name)))
		return -1;
	return 0;
}

int page_team_agencies_edit(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *x = &req->in[EDIT_AGENCY];
	struct store_agency old;
	const char *why = NULL;
	int r;

	if (!x->set)
		return agencies_not_found(req);
	if (db_begin(db) || store_agency_lock_county(db, req->session->county_id))
		goto fail;
	r = store_agency_get_active(db, req->session->county_id, x->i, 1, &old);
	if (r < 0)
		goto fail;
	if (!r) {
		db_rollback(db);
		return agencies_not_found(req);
	}
	check_code(req, &req->in[EDIT_CODE], "code", AGENCY_CODE_BAD);
	if (req->in_err->nerr) {
		db_rollback(db);
		return edit_refused(req, NULL);
	}
	r = edit_write(req, &old, &why);
	if (r > 0) {
		db_rollback(db);
		return edit_refused(req, why);
	}
	if (r < 0 || db_commit(db))
		goto fail;
	agencies_wake_worker(req);
	return redirect(req, "/team/agencies?edited=1");
fail:
	db_rollback(db);
	return agencies_unavailable(req);
}

enum move_key { MOVE_AGENCY, MOVE_PARENT, MOVE__MAX };
static const struct form_key team_agencies_move_keys[MOVE__MAX] = {
	[MOVE_AGENCY] = { .name = "agency", .kind = FORM_ID },
	[MOVE_PARENT] = { .name = "parent", .kind = FORM_TEXT, .max = AGENCY_CODE_MAX_CHARS, .msg = AGENCY_PARENT_BAD },
};
const struct form_decl team_agencies_move_in = FORM_DECL(team_agencies_move_keys);

/* The list again with msg beside the refused row's new-parent field; returns 400. */
static int move_refused(struct request *req, const char *msg)
{
	const char *typed = req->in[MOVE_PARENT].raw;
	struct move_error mv = { .agency = req->in[MOVE_AGENCY].i, .parent = typed ? typed : "", .msg = msg };
	struct form f = { .nerr = 0 };
	/* The flash names the agency's row too: in a long table the field may be far down. */
	struct agencies_view v = { .f = &f, .flash = "未移動：請修正標示的欄位（見該機關列的「新上級代碼」）。", .mv = &mv };

	form_error(&f, "move", msg);
	req->status = 400;
	return agencies_render(req, &v);
}

/*
 * Inside the transaction, the county locked: the new parent and its level
 * (none: 一級), no cycle, the subtree within IMPORT_MAX_DEPTH levels, then
 * the move, the queued recalculation and the audit.  0, -1, or 400 with
 * the refusal in *why.
 */
static int move_write(struct request *req, long long x, int level, const char **why)
{
	struct db *db = &req->app->db;
	const char *pcode = req->in[MOVE_PARENT].set ? req->in[MOVE_PARENT].s : "";
	long long p = 0;
	int plevel = 0, height, r;

	if (*pcode) {
		r = store_agency_by_code(db, req->session->county_id, pcode, &p, &plevel);
		if (r < 0)
			return -1;
		if (!r) {
			*why = "找不到新的上級機關（本縣市、啟用中）。";
			return 400;
		}
		/* A cycle: the new parent inside the agency's own subtree. */
		r = store_agency_in_subtree(db, x, p);
		if (r < 0)
			return -1;
		if (r) {
			*why = "無法移動：新的上級機關是這個機關本身或其所屬機關（會形成循環）。";
			return 400;
		}
	}
	/* The subtree's deepest agency must stay within IMPORT_MAX_DEPTH levels (read under the county's lock). */
	if (store_agency_height(db, x, &height))
		return -1;
	if (plevel + 1 + height > IMPORT_MAX_DEPTH) {
		*why = arena_printf(&req->arena, "無法移動：移到此上級機關之下，最下層的所屬機關將成為第 %d 級，超過 %d 級的上限。",
				    plevel + 1 + height, IMPORT_MAX_DEPTH);
		return 400;
	}
	if (store_agency_set_parent(db, x, p, plevel + 1) || store_rollup_queue_county(db, req->session->county_id) ||
	    audit_add(req, x, 0, "移動機關", arena_printf(&req->arena, "層級 %d", level), *pcode ? pcode : "（一級）"))
		return -1;
	return 0;
}

int page_team_agencies_move(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *x = &req->in[MOVE_AGENCY], *p = &req->in[MOVE_PARENT];
	struct store_agency a;
	const char *why = NULL;
	int r;

	r = x->set ? store_agency_state(db, req->session->county_id, x->i, &a) : 0;
	if (r < 0)
		return agencies_unavailable(req);
	if (!r || !a.active)
		return agencies_not_found(req);
	/* Something typed that cannot be a code is never read as "no parent", which would make the agency 一級. */
	if (form_error_of(req->in_err, "parent") || (p->set && !import_valid_code(p->s)))
		return move_refused(req, AGENCY_PARENT_BAD);
	/* The new parent and its level are read under the county's lock: no move or import in between. */
	if (db_begin(db) || store_agency_lock_county(db, req->session->county_id))
		goto fail;
	r = move_write(req, x->i, a.level, &why);
	if (r > 0) {
		db_rollback(db);
		return move_refused(req, why);
	}
	if (r < 0 || db_commit(db))
		goto fail;
	agencies_wake_worker(req);
	return redirect(req, "/team/agencies?moved=1");
fail:
	db_rollback(db);
	return agencies_unavailable(req);
}

enum deactivate_key { DEACTIVATE_AGENCY, DEACTIVATE__MAX };
static const struct form_key team_agencies_deactivate_keys[DEACTIVATE__MAX] = {
	[DEACTIVATE_AGENCY] = { .name = "agency", .kind = FORM_ID },
};
const struct form_decl team_agencies_deactivate_in = FORM_DECL(team_agencies_deactivate_keys);

int page_team_agencies_deactivate(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *x = &req->in[DEACTIVATE_AGENCY];
	int county = req->session->county_id;
	struct store_agency a;
	long long kids;
	int signed_year, r = x->set ? store_agency_state(db, county, x->i, &a) : 0;

	if (r < 0)
		return agencies_unavailable(req);
	if (!r)
		return agencies_not_found(req);
	/*
	 * Under the county's lock: no subordinate may be left with no one to confirm
	 * it (review.c), and no locked year's signed figures may lose its report (a
	 * deactivated agency leaves every year's totals; worker/rollup.c's unfrozen).
	 */
	if (db_begin(db) || store_agency_lock_county(db, county) || store_agency_active_children(db, x->i, &kids) ||
	    store_agency_locked_report_year(db, x->i, &signed_year))
		goto fail;
	if (kids || signed_year) {
		struct form f = { .nerr = 0 };
		struct agencies_view v = { .f = &f };

		db_rollback(db);
		v.flash = kids ? arena_printf(&req->arena, "未停用：%s %s 尚有 %lld 個啟用中的所屬機關，停用後將無人確認它們的填報；"
					      "請先將它們移到其他上級機關，或先停用它們。", a.code, a.name, kids)
			: arena_printf(&req->arena, "未停用：%s %s 在已鎖定的民國 %d 年有填報資料，停用會改變該年度已簽署的數字；"
				       "請先解除該年度的鎖定（已公開者須先撤回公開）。", a.code, a.name, roc_year(signed_year));
		form_error(&f, "deactivate", v.flash);
		req->status = 409;
		return agencies_render(req, &v);
	}
	if (store_agency_deactivate(db, x->i) || store_session_delete_agency(db, x->i) || store_rollup_queue_county(db, county) ||
	    audit_add(req, x->i, 0, "停用機關", NULL, "已停用") || db_commit(db))
		goto fail;
	agencies_wake_worker(req);
	return redirect(req, "/team/agencies?deactivated=1");
fail:
	db_rollback(db);
	return agencies_unavailable(req);
}

/* page_import.c: 批次匯入機關: the county team uploads a CSV or XLSX list of agencies, sees a
 * preview of every change with each row's problems, and confirms; nothing is written before. */
#include <stdio.h>
#include <string.h>

#include "agencies.h"
#include "agency_import.h"
#include "audit.h"
#include "form.h"
#include "html.h"
#include "import.h"
#include "input.h"
#include "routes.h"
#include "session.h"
#include "store_account.h"
#include "store_agency.h"
#include "store_export.h"
#include "store_import.h"
#include "store_rollup.h"
#include "util.h"

/*
 * DESIGN: the upload is kept (agency_imports, status preview) so the
 * preview is a page of its own (POST, redirect, GET) and the confirmation
 * re-reads the very same bytes.  Confirming re-plans inside the transaction
 * that applies, with the county locked, against the agencies as they are
 * then; if the plan is not the one the team saw (its hash differs) or has
 * errors now, nothing is written and the new preview is shown.  Rows are
 * applied parents first (by their depth in the final tree), so a move
 * never passes through a cycle.  New accounts get no password here: the
 * worker gives each a one-time password and writes them to a workbook only
 * the importing account can download (argon2 for thousands of accounts is
 * work for the worker, not for a page).
 */

/*
 * One route: a POST without an action is the upload (a multipart form with
 * its file), so the confirmation and the passwords are a declared choice
 * of `action` rather than routes of their own.
 */
enum import_key { IMP_ACTION, IMP_ID, IMP_PLAN, IMP__MAX };
enum import_do { DO_CONFIRM, DO_PASSWORDS };
static const char *const import_actions[] = { [DO_CONFIRM] = "confirm", [DO_PASSWORDS] = "passwords", NULL };
static const struct form_key team_import_keys[IMP__MAX] = {
	[IMP_ACTION] = { .name = "action", .kind = FORM_ENUM, .choices = import_actions },
	[IMP_ID] = { .name = "id", .kind = FORM_ID },
	[IMP_PLAN] = { .name = "plan", .kind = FORM_TEXT, .max = 16 },   /* import_plan_hash() as %016llx */
};
const struct form_decl team_import_in = FORM_DECL(team_import_keys);

static int unavailable(struct request *req)
{
	return routes_unavailable(req, "import");
}

static int not_found(struct request *req)
{
	req->status = 404;
	return routes_error_page(req);
}

/* The county's agencies for planning, and their ids (same order), grown in the request's arena. */
struct existing {
	struct arena *a;
	struct import_existing *v;
	long long *ids;
	int n, cap;
};

static int add_existing(void *ctx, const struct store_agency *ag)
{
	struct existing *e = ctx;

	if (e->n >= e->cap) {
		int ncap = e->cap ? e->cap * 2 : 256;
		struct import_existing *v = arena_alloc(e->a, sizeof(*v) * (size_t)ncap);
		long long *w = arena_alloc(e->a, sizeof(*w) * (size_t)ncap);

		if (e->n) {
			memcpy(v, e->v, sizeof(*v) * (size_t)e->n);
			memcpy(w, e->ids, sizeof(*w) * (size_t)e->n);
		}
		e->v = v;
		e->ids = w;
		e->cap = ncap;
	}
	e->v[e->n].code = arena_strdup(e->a, ag->code);
	e->v[e->n].name = arena_strdup(e->a, ag->name);
	e->v[e->n].parent = arena_strdup(e->a, ag->parent_code);
	e->v[e->n].active = ag->active;
	e->ids[e->n] = ag->id;
	e->n++;
	return 0;
}

/* The plan as the team saw it: FNV-1a over every row's outcome. */
unsigned long long import_plan_hash(const struct import_file *f)
{
	unsigned long long h = 1469598103934665603ull;

	for (int i = 0; i < f->n; i++) {
		const struct import_row *r = &f->rows[i];
		const char *parts[5] = { r->code, r->name, r->parent, r->old_name ? r->old_name : "", r->old_parent ? r->old_parent : "" };

		for (int k = 0; k < 5; k++) {
			for (const char *s = parts[k]; *s; s++)
				h = (h ^ (unsigned char)*s) * 1099511628211ull;
			h = (h ^ 0x1f) * 1099511628211ull;
		}
		h = (h ^ (unsigned)(r->action * 4 + (int)r->changes)) * 1099511628211ull;
		h = (h ^ (unsigned)r->depth) * 1099511628211ull;
	}
	return h;
}

/*
 * The import's rows read and planned against the county as it is now;
 * nerr, or -1 on a database error.  *ids (when asked) gets the ids of the
 * agencies the plan's row->existing and row->parent_existing index.
 */
static int plan(struct request *req, const struct store_import *im, struct import_file *f, long long **ids)
{
	struct db *db = &req->app->db;
	struct existing ex = { .a = &req->arena };
	const char **reserved;
	int nreserved;

	if (import_read(&req->arena, im->content, im->len, f))
		return 0;
	if (ids)
		*ids = NULL;
	if (store_agency_each(db, req->session->county_id, add_existing, &ex) ||
	    store_account_reserved_logins(db, req->session->county_id, &req->arena, &reserved, &nreserved))
		return -1;
	if (ids)
		*ids = ex.ids;
	return import_plan(&req->arena, f, ex.v, ex.n, reserved, nreserved);
}

static int show(struct request *req, long long id)
{
	struct store_import im;
	struct import_file f;
	int r = store_import_get(&req->app->db, req->session->county_id, id, 0, &req->arena, &im), nerr;

	if (r < 0)
		return unavailable(req);
	if (!r)
		return not_found(req);
	if (im.applied)
		return render_applied(req, &im);
	nerr = plan(req, &im, &f, NULL);
	if (nerr < 0)
		return unavailable(req);
	if (f.error) {
		/* Stored before its kind of file was refused at upload. */
		req->status = 400;
		return render_upload(req, f.error);
	}
	return render_preview(req, &im, &f, nerr, NULL);
}

static int upload(struct request *req)
{
	const struct upload *u = NULL;
	struct import_file f;
	const char *filename;
	long long id;

	for (int i = 0; i < req->nfiles; i++)
		if (!strcmp(req->files[i].field, "file"))
			u = &req->files[i];
	if (!u || !u->len) {
		req->status = 400;
		return render_upload(req, "請選擇要上傳的 .csv 或 .xlsx 檔案。");
	}
	/* A file that cannot be read at all is refused here, with the reason beside the field. */
	if (import_read(&req->arena, u->data, u->len, &f)) {
		req->status = 400;
		return render_upload(req, f.error);
	}
	if (input_text(&req->arena, u->filename, strlen(u->filename), 200, 0, &filename))
		filename = f.is_xlsx ? "agencies.xlsx" : "agencies.csv";
	if (store_import_add(&req->app->db, req->session->county_id, req->session->account_id, filename, u->data, u->len, &id))
		return unavailable(req);
	return redirect(req, arena_printf(&req->arena, "/team/agencies/import?id=%lld", id));
}

/* Applies a new row: the agency under its parent's id, and its account without a password yet.  0 or -1. */
static int apply_create(struct request *req, long long import_id, const struct import_row *r, long long pid, long long *id)
{
	struct db *db = &req->app->db;
	int county = req->session->county_id;

	if (store_agency_create(db, county, r->code, r->name, r->depth, pid, id) ||
	    store_account_add_imported(db, county, *id, r->code, import_id))
		return -1;
	return audit_add(req, *id, 0, "匯入新增機關", NULL, arena_printf(&req->arena, "%s %s", r->code, r->name));
}

/*
 * Applies one planned row; ids are the county's agencies' (the plan's
 * indexes), created[] the ids of the rows created so far (parents come
 * first, so a new parent's id is there).  0 or -1.
 */
static int apply_row(struct request *req, long long import_id, const struct import_row *r, int idx, const long long *ids,
		     long long *created)
{
	struct db *db = &req->app->db;
	long long pid = r->parent_existing >= 0 ? ids[r->parent_existing] : r->parent_row >= 0 ? created[r->parent_row] : 0, id;

	if (*r->parent && pid <= 0)
		return -1;   /* the plan said the parent exists by now */
	if (r->action == IMPORT_CREATE)
		return apply_create(req, import_id, r, pid, &created[idx]);
	if (r->existing < 0)
		return -1;
	id = ids[r->existing];
	if (r->changes & IMPORT_RENAME) {
		if (store_agency_set_name(db, id, r->name) || audit_add(req, id, 0, "匯入更名", r->old_name, r->name))
			return -1;
	}
	if (r->changes & IMPORT_MOVE) {
		if (store_agency_set_parent(db, id, pid, r->depth) ||
		    audit_add(req, id, 0, "匯入移動", *r->old_parent ? r->old_parent : "（一級）", *r->parent ? r->parent : "（一級）"))
			return -1;
	}
	return 0;
}

/*
 * Inside the transaction, the plan checked: every row parents first (by
 * depth in the final tree, so a new parent's id is in created[]), the
 * queued recalculation, the passwords workbook of the new accounts and
 * the import marked applied.  *export_id: that workbook (0: none).  0 or -1.
 */
static int apply(struct request *req, long long id, const struct import_file *f, const long long *ids, long long *export_id)
{
	struct db *db = &req->app->db;
	long long *created = arena_zalloc(&req->arena, sizeof(*created) * (size_t)(f->n + 1));
	int ncreate = 0, nupdate = 0;

	*export_id = 0;
	for (int depth = 1; depth <= IMPORT_MAX_DEPTH; depth++)
		for (int i = 0; i < f->n; i++) {
			const struct import_row *row = &f->rows[i];

			if (row->depth != depth || row->action == IMPORT_SAME)
				continue;
			if (apply_row(req, id, row, i, ids, created)) {
				error("import %lld: row %d (%s) failed", id, row->line, row->code);
				return -1;
			}
			ncreate += row->action == IMPORT_CREATE;
			nupdate += row->action == IMPORT_UPDATE;
		}
	if (store_rollup_queue_county(db, req->session->county_id))
		return -1;
	if (ncreate && store_export_request_passwords(db, req->session->county_id, req->session->account_id, id, export_id))
		return -1;
	return store_import_mark_applied(db, id, ncreate, nupdate, *export_id);
}

static int confirm(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *ph = &req->in[IMP_PLAN];
	long long id = req->in[IMP_ID].i, export_id = 0, *ids = NULL;
	struct store_import im;
	struct import_file f;
	int nerr, r;
	char want[17];

	if (!req->in[IMP_ID].set)
		return not_found(req);
	if (db_begin(db))
		return unavailable(req);
	/* Every change to the county's agencies takes this lock first: the plan sees what it changes. */
	if (store_agency_lock_county(db, req->session->county_id))
		goto fail;
	r = store_import_get(db, req->session->county_id, id, 1, &req->arena, &im);
	if (r < 0)
		goto fail;
	if (!r) {
		db_rollback(db);
		return not_found(req);
	}
	if (im.applied) {
		db_rollback(db);
		return redirect(req, arena_printf(&req->arena, "/team/agencies/import?id=%lld", id));
	}
	nerr = plan(req, &im, &f, &ids);
	if (nerr < 0)
		goto fail;
	if (f.error) {
		db_rollback(db);
		req->status = 400;
		return render_upload(req, f.error);
	}
	snprintf(want, sizeof(want), "%016llx", import_plan_hash(&f));
	if (nerr || !ph->set || strcmp(ph->s, want)) {
		db_rollback(db);
		req->status = 409;
		return render_preview(req, &im, &f, nerr, "資料已在預覽後變動，以下是依目前資料重新比對的結果；請再次確認。");
	}
	if (apply(req, id, &f, ids, &export_id) || db_commit(db))
		goto fail;
	if (export_id)
		export_push(req, export_id);
	agencies_wake_worker(req);
	return redirect(req, arena_printf(&req->arena, "/team/agencies/import?id=%lld", id));
fail:
	db_rollback(db);
	return unavailable(req);
}

/* New one-time passwords for the import's accounts nobody has used yet. */
static int passwords(struct request *req)
{
	struct db *db = &req->app->db;
	long long id = req->in[IMP_ID].i, export_id;
	struct store_import im;
	int r = req->in[IMP_ID].set ? store_import_get(db, req->session->county_id, id, 0, &req->arena, &im) : 0;

	if (r < 0)
		return unavailable(req);
	/* Only the account that imported may have the passwords made again (and download them). */
	if (!r || !im.applied || !im.created || im.account_id != req->session->account_id)
		return not_found(req);
	if (db_begin(db) || store_export_request_passwords(db, req->session->county_id, req->session->account_id, id, &export_id) ||
	    store_import_set_export(db, id, export_id) || db_commit(db)) {
		db_rollback(db);
		return unavailable(req);
	}
	export_push(req, export_id);
	return redirect(req, arena_printf(&req->arena, "/exports?id=%lld", export_id));
}

int page_team_import(struct request *req)
{
	const struct form_val *action = &req->in[IMP_ACTION], *id = &req->in[IMP_ID];

	if (req->method != METHOD_POST) {
		if (id->set)
			return show(req, id->i);
		return id->raw ? not_found(req) : render_upload(req, NULL);
	}
	if (!action->set) {
		if (!form_error_of(req->in_err, "action"))
			return upload(req);
		/* An action this path does not have, as for the paths split by action. */
		req->status = 400;
		return routes_error_page(req);
	}
	switch ((enum import_do)action->i) {
	case DO_CONFIRM: return confirm(req);
	case DO_PASSWORDS: return passwords(req);
	}
	req->status = 400;
	return routes_error_page(req);
}

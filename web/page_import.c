/* page_import.c: 批次匯入機關: the county team uploads a CSV or XLSX list of agencies, sees a
 * preview of every change with each row's problems, and confirms; nothing is written before. */
#include <stdio.h>
#include <stdlib.h>
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

static int unavailable(struct request *req)
{
	routes_unavailable(req, "import");
	return req->status;
}

/* The import `id` of the session's county; 1, 0 (none), -1 (error). */
static int load_import(struct request *req, long long id, int lock, struct import *im)
{
	struct db_stmt *st = db_prepare(&req->app->db, lock ?
		"SELECT filename, content, status, IFNULL(export_id, 0), created_count, updated_count,"
		" DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), account_id FROM agency_imports WHERE id = ? AND county_id = ? FOR UPDATE" :
		"SELECT filename, content, status, IFNULL(export_id, 0), created_count, updated_count,"
		" DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), account_id FROM agency_imports WHERE id = ? AND county_id = ?");
	size_t len;
	const char *c;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, req->session->county_id);
	if (db_exec(st))
		return -1;
	if (db_step(st) != 1)
		return 0;
	im->id = id;
	im->filename = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
	c = db_col_text(st, 1, &len);
	im->content = arena_strndup(&req->arena, c, len);
	im->len = len;
	im->status = arena_strdup(&req->arena, db_col_text(st, 2, NULL));
	im->export_id = db_col_int(st, 3);
	im->created = (int)db_col_int(st, 4);
	im->updated = (int)db_col_int(st, 5);
	im->created_at = arena_strdup(&req->arena, db_col_text(st, 6, NULL));
	im->account_id = db_col_int(st, 7);
	db_reset(st);
	return 1;
}

/* The county's agencies for planning, and their ids (same order); 0 or -1. */
static int load_agencies(struct request *req, struct import_existing **out, long long **ids, int *n)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT a.code, a.name, IFNULL(p.code, ''), a.active, a.id FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
		" WHERE a.county_id = ?");
	int cap = 0;

	*out = NULL;
	*ids = NULL;
	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->county_id);
	if (db_exec(st))
		return -1;
	while (db_step(st) == 1) {
		if (*n >= cap) {
			int ncap = cap ? cap * 2 : 256;
			struct import_existing *v = arena_alloc(&req->arena, sizeof(*v) * (size_t)ncap);
			long long *w = arena_alloc(&req->arena, sizeof(*w) * (size_t)ncap);

			if (*n) {
				memcpy(v, *out, sizeof(*v) * (size_t)*n);
				memcpy(w, *ids, sizeof(*w) * (size_t)*n);
			}
			*out = v;
			*ids = w;
			cap = ncap;
		}
		(*out)[*n].code = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
		(*out)[*n].name = arena_strdup(&req->arena, db_col_text(st, 1, NULL));
		(*out)[*n].parent = arena_strdup(&req->arena, db_col_text(st, 2, NULL));
		(*out)[*n].active = (int)db_col_int(st, 3);
		(*ids)[*n] = db_col_int(st, 4);
		(*n)++;
	}
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

/* The logins of the county's accounts that are not agencies' (the team's): no new code may take one. */
static int load_reserved(struct request *req, const char ***out, int *n)
{
	struct db_stmt *st = db_prepare(&req->app->db, "SELECT login FROM accounts WHERE county_id = ? AND kind <> 'agency' LIMIT 1000");
	const char **v;

	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->county_id);
	if (db_exec(st))
		return -1;
	v = arena_alloc(&req->arena, sizeof(*v) * 1000);
	while (*n < 1000 && db_step(st) == 1)
		v[(*n)++] = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
	*out = v;
	return 0;
}

/*
 * The import's rows read and planned against the county as it is now;
 * nerr, or -1 on a database error.  *ids (when asked) gets the ids of the
 * agencies the plan's row->existing and row->parent_existing index.
 */
static int plan(struct request *req, const struct import *im, struct import_file *f, long long **ids)
{
	struct import_existing *ex;
	const char **reserved;
	long long *idv;
	int nex, nreserved;

	if (import_read(&req->arena, im->content, im->len, f))
		return 0;
	if (ids)
		*ids = NULL;
	if (load_agencies(req, &ex, &idv, &nex) || load_reserved(req, &reserved, &nreserved))
		return -1;
	if (ids)
		*ids = idv;
	return import_plan(&req->arena, f, ex, nex, reserved, nreserved);
}

static int show(struct request *req, long long id)
{
	struct import im;
	struct import_file f;
	int r = load_import(req, id, 0, &im), nerr;

	if (r < 0)
		return unavailable(req);
	if (!r) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (!strcmp(im.status, "applied"))
		return render_applied(req, &im);
	nerr = plan(req, &im, &f, NULL);
	if (nerr < 0)
		return unavailable(req);
	if (f.error) {
		/* Stored before its kind of file was refused at upload. */
		req->status = 400;
		return render_upload(req, f.error);
	}
	render_preview(req, &im, &f, nerr, NULL);
	return req->status;
}

static int upload(struct request *req)
{
	const struct upload *u = NULL;
	struct import_file f;
	struct db_stmt *st;
	const char *filename;

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
	st = db_prepare(&req->app->db,
		"INSERT INTO agency_imports (county_id, account_id, filename, content, created_at) VALUES (?, ?, ?, ?, NOW(3))");
	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, req->session->county_id);
	db_bind_int(st, 1, req->session->account_id);
	db_bind_text(st, 2, filename);
	db_bind_textn(st, 3, u->data, u->len);
	if (db_exec(st))
		return unavailable(req);
	redirect(req, arena_printf(&req->arena, "/team/agencies/import?id=%llu", db_insert_id(st)));
	return req->status;
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
	struct db_stmt *st;
	long long pid = r->parent_existing >= 0 ? ids[r->parent_existing] : r->parent_row >= 0 ? created[r->parent_row] : 0, id;

	if (*r->parent && pid <= 0)
		return -1;   /* the plan said the parent exists by now */
	if (r->action == IMPORT_CREATE) {
		st = db_prepare(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, ?, ?, ?, NULLIF(?, 0))");
		if (!st)
			return -1;
		db_bind_int(st, 0, req->session->county_id);
		db_bind_text(st, 1, r->code);
		db_bind_text(st, 2, r->name);
		db_bind_int(st, 3, r->depth);
		db_bind_int(st, 4, pid);
		if (db_exec(st))
			return -1;
		id = (long long)db_insert_id(st);
		created[idx] = id;
		/* No usable password until the worker gives it a one-time one. */
		st = db_prepare(db, "INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password, import_id)"
				    " VALUES ('agency', ?, ?, ?, '!', 1, ?)");
		if (!st)
			return -1;
		db_bind_int(st, 0, req->session->county_id);
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, r->code);
		db_bind_int(st, 3, import_id);
		if (db_exec(st))
			return -1;
		return audit_add(req, id, 0, "匯入新增機關", NULL, arena_printf(&req->arena, "%s %s", r->code, r->name));
	}
	if (r->existing < 0)
		return -1;
	id = ids[r->existing];
	if (r->changes & IMPORT_RENAME) {
		st = db_prepare(db, "UPDATE agencies SET name = ? WHERE id = ?");
		if (!st || (db_bind_text(st, 0, r->name), db_bind_int(st, 1, id), db_exec(st)))
			return -1;
		if (audit_add(req, id, 0, "匯入更名", r->old_name, r->name))
			return -1;
	}
	if (r->changes & IMPORT_MOVE) {
		if (agencies_set_parent(db, id, pid, r->depth))
			return -1;
		if (audit_add(req, id, 0, "匯入移動", *r->old_parent ? r->old_parent : "（一級）", *r->parent ? r->parent : "（一級）"))
			return -1;
	}
	return 0;
}

/* A passwords export for the import's still unused accounts (the one already queued or running, if any); its id, or -1. */
static long long queue_passwords(struct request *req, long long import_id)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at, import_id)"
		" VALUES ('passwords', ?, NULL, 0, ?, ?, NOW(3), ?)" EXPORT_COALESCE);

	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->county_id);
	db_bind_int(st, 1, req->session->account_id);
	db_bind_text(st, 2, arena_printf(&req->arena, "一次性密碼-匯入%lld.xlsx", import_id));
	db_bind_int(st, 3, import_id);
	if (db_exec(st))
		return -1;
	return (long long)db_insert_id(st);
}

static int confirm(struct request *req)
{
	struct db *db = &req->app->db;
	const char *ia = req_arg(req, "id"), *ph = req_arg(req, "plan");
	long long id = ia ? strtoll(ia, NULL, 10) : 0, export_id = 0, *ids = NULL, *created;
	struct import im;
	struct import_file f;
	struct db_stmt *st;
	int nerr, r, ncreate = 0, nupdate = 0;
	char want[17];

	if (db_begin(db))
		return unavailable(req);
	/* Every change to the county's agencies takes this lock first: the plan sees what it changes. */
	if (agencies_lock_county(req))
		goto fail;
	r = load_import(req, id, 1, &im);
	if (r < 0)
		goto fail;
	if (!r) {
		db_rollback(db);
		req->status = 404;
		return routes_error_page(req);
	}
	if (strcmp(im.status, "preview")) {
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
	if (nerr || !ph || strcmp(ph, want)) {
		db_rollback(db);
		req->status = 409;
		return render_preview(req, &im, &f, nerr, "資料已在預覽後變動，以下是依目前資料重新比對的結果；請再次確認。");
	}
	/* Parents first: by depth in the final tree (so a new parent's id is in created[]). */
	created = arena_zalloc(&req->arena, sizeof(*created) * (size_t)(f.n + 1));
	for (int depth = 1; depth <= IMPORT_MAX_DEPTH; depth++)
		for (int i = 0; i < f.n; i++) {
			const struct import_row *row = &f.rows[i];

			if (row->depth != depth || row->action == IMPORT_SAME)
				continue;
			if (apply_row(req, id, row, i, ids, created)) {
				error("import %lld: row %d (%s) failed", id, row->line, row->code);
				goto fail;
			}
			ncreate += row->action == IMPORT_CREATE;
			nupdate += row->action == IMPORT_UPDATE;
		}
	if (agencies_queue_all_years(req))
		goto fail;
	if (ncreate && (export_id = queue_passwords(req, id)) < 0)
		goto fail;
	st = db_prepare(db, "UPDATE agency_imports SET status = 'applied', applied_at = NOW(3), created_count = ?, updated_count = ?,"
			    " export_id = NULLIF(?, 0) WHERE id = ?");
	if (!st)
		goto fail;
	db_bind_int(st, 0, ncreate);
	db_bind_int(st, 1, nupdate);
	db_bind_int(st, 2, export_id);
	db_bind_int(st, 3, id);
	if (db_exec(st) || db_commit(db))
		goto fail;
	if (export_id)
		export_push(req, export_id);
	agencies_wake_worker(req);
	redirect(req, arena_printf(&req->arena, "/team/agencies/import?id=%lld", id));
	return req->status;
fail:
	db_rollback(db);
	unavailable(req);
	return req->status;
}

/* New one-time passwords for the import's accounts nobody has used yet. */
static int passwords(struct request *req)
{
	const char *ia = req_arg(req, "id");
	long long id = ia ? strtoll(ia, NULL, 10) : 0, export_id;
	struct import im;
	struct db_stmt *st;
	int r = load_import(req, id, 0, &im);

	if (r < 0)
		return unavailable(req);
	/* Only the account that imported may have the passwords made again (and download them). */
	if (!r || strcmp(im.status, "applied") || !im.created || im.account_id != req->session->account_id) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (db_begin(&req->app->db))
		return unavailable(req);
	export_id = queue_passwords(req, id);
	st = export_id < 0 ? NULL : db_prepare(&req->app->db, "UPDATE agency_imports SET export_id = ? WHERE id = ?");
	if (!st || (db_bind_int(st, 0, export_id), db_bind_int(st, 1, id), db_exec(st)) || db_commit(&req->app->db)) {
		db_rollback(&req->app->db);
		return unavailable(req);
	}
	export_push(req, export_id);
	redirect(req, arena_printf(&req->arena, "/exports?id=%lld", export_id));
	return req->status;
}

int page_team_import(struct request *req)
{
	const char *action = req_arg(req, "action");

	if (req->method != METHOD_POST) {
		const char *id = req_arg(req, "id");

		if (id)
			return show(req, strtoll(id, NULL, 10));
		return render_upload(req, NULL);
	}
	if (action && !strcmp(action, "confirm"))
		return confirm(req);
	if (action && !strcmp(action, "passwords"))
		return passwords(req);
	upload(req);
	return req->status;
}

/* store_import.c: the county team's uploads of agency lists (agency_imports) and what applying one writes. */
#include <string.h>

#include "store_import.h"

int store_import_get(struct db *db, int county_id, long long id, int for_update, struct arena *a, struct store_import *out)
{
	struct db_stmt *st = db_prepare(db, for_update ?
		"SELECT filename, content, status, IFNULL(export_id, 0), created_count, updated_count,"
		" DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), account_id FROM agency_imports WHERE id = ? AND county_id = ? FOR UPDATE" :
		"SELECT filename, content, status, IFNULL(export_id, 0), created_count, updated_count,"
		" DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), account_id FROM agency_imports WHERE id = ? AND county_id = ?");
	const char *c;
	size_t len;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r <= 0) {
		db_reset(st);
		return r;
	}
	memset(out, 0, sizeof(*out));
	out->id = id;
	db_col_copy(st, 0, out->filename, sizeof(out->filename));
	c = db_col_text(st, 1, &len);
	out->content = arena_strndup(a, c, len);
	out->len = len;
	out->applied = !strcmp(db_col_text(st, 2, NULL), "applied");
	out->export_id = db_col_int(st, 3);
	out->created = (int)db_col_int(st, 4);
	out->updated = (int)db_col_int(st, 5);
	db_col_copy(st, 6, out->created_at, sizeof(out->created_at));
	out->account_id = db_col_int(st, 7);
	db_reset(st);
	return 1;
}

int store_import_recent(struct db *db, int county_id, int (*each)(void *ctx, const struct store_import *im), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id, filename, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), status, created_count, updated_count"
		" FROM agency_imports WHERE county_id = ? ORDER BY id DESC LIMIT 20");
	struct store_import im;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		memset(&im, 0, sizeof(im));
		im.id = db_col_int(st, 0);
		db_col_copy(st, 1, im.filename, sizeof(im.filename));
		db_col_copy(st, 2, im.created_at, sizeof(im.created_at));
		im.applied = !strcmp(db_col_text(st, 3, NULL), "applied");
		im.created = (int)db_col_int(st, 4);
		im.updated = (int)db_col_int(st, 5);
		if (each(ctx, &im))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_import_add(struct db *db, int county_id, long long account_id, const char *filename, const char *data, size_t len,
		     long long *id)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO agency_imports (county_id, account_id, filename, content, created_at) VALUES (?, ?, ?, ?, NOW(3))");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, account_id);
	db_bind_text(st, 2, filename);
	db_bind_textn(st, 3, data, len);
	if (db_exec(st))
		return -1;
	*id = (long long)db_insert_id(st);
	return 0;
}

int store_import_set_export(struct db *db, long long import_id, long long export_id)
{
	struct db_stmt *st = db_prepare(db, "UPDATE agency_imports SET export_id = ? WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, export_id);
	db_bind_int(st, 1, import_id);
	return db_exec(st);
}

int store_import_mark_applied(struct db *db, long long id, int created, int updated, long long export_id)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE agency_imports SET status = 'applied', applied_at = NOW(3), created_count = ?, updated_count = ?,"
		" export_id = NULLIF(?, 0) WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, created);
	db_bind_int(st, 1, updated);
	db_bind_int(st, 2, export_id);
	db_bind_int(st, 3, id);
	return db_exec(st);
}

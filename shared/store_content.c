/* store_content.c: the public site's content kept by the platform admin (site_content). */
#include <stdio.h>
#include <string.h>

#include "store_content.h"

/* Column i of the current row into dst[size] (cut to fit: each caller's size holds its column). */
/* Column i of the current row copied into a. */
static const char *col_arena(struct db_stmt *st, int i, struct arena *a, size_t *len)
{
	size_t n;
	const char *s = db_col_text(st, i, &n);

	if (len)
		*len = n;
	return arena_strndup(a, s, n);
}

int store_content_list(struct db *db, const char *kind, int limit, struct arena *a,
		       int (*each)(void *ctx, const struct content_item *it), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id, title, title_en, body_md, DATE_FORMAT(posted_on, '%Y-%m-%d'), IFNULL(file_name, ''), IFNULL(file_size, 0)"
		" FROM site_content WHERE kind = ? ORDER BY IF(kind IN ('glossary', 'faq'), title, '') , posted_on DESC, id DESC LIMIT ?");
	struct content_item it;
	int r = 0, stop = 0;

	if (!st)
		return -1;
	db_bind_text(st, 0, kind);
	db_bind_int(st, 1, limit);
	if (db_exec(st))
		return -1;
	while (!stop && (r = db_step(st)) == 1) {
		it.id = db_col_int(st, 0);
		db_col_copy(st, 1, it.title, sizeof(it.title));
		db_col_copy(st, 2, it.title_en, sizeof(it.title_en));
		it.body_md = col_arena(st, 3, a, &it.body_len);
		db_col_copy(st, 4, it.posted_on, sizeof(it.posted_on));
		db_col_copy(st, 5, it.file_name, sizeof(it.file_name));
		it.file_size = db_col_int(st, 6);
		stop = each(ctx, &it);
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_content_headlines(struct db *db, int (*each)(void *ctx, const struct content_headline *h), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, title, DATE_FORMAT(posted_on, '%Y-%m-%d') FROM site_content WHERE kind = 'news'"
					    " ORDER BY posted_on DESC, id DESC LIMIT 5");
	struct content_headline h;
	int r = 0, stop = 0;

	if (!st || db_exec(st))
		return -1;
	while (!stop && (r = db_step(st)) == 1) {
		h.id = db_col_int(st, 0);
		db_col_copy(st, 1, h.title, sizeof(h.title));
		db_col_copy(st, 2, h.posted_on, sizeof(h.posted_on));
		stop = each(ctx, &h);
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_content_entries(struct db *db, const char *kind, int (*each)(void *ctx, const struct content_entry *e), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, title, DATE_FORMAT(posted_on, '%Y-%m-%d'), version, IFNULL(file_name, '')"
					    " FROM site_content WHERE kind = ? ORDER BY posted_on DESC, id DESC LIMIT 500");
	struct content_entry e;
	int r = 0, stop = 0;

	if (!st)
		return -1;
	db_bind_text(st, 0, kind);
	if (db_exec(st))
		return -1;
	while (!stop && (r = db_step(st)) == 1) {
		e.id = db_col_int(st, 0);
		db_col_copy(st, 1, e.title, sizeof(e.title));
		db_col_copy(st, 2, e.posted_on, sizeof(e.posted_on));
		e.version = db_col_int(st, 3);
		db_col_copy(st, 4, e.file_name, sizeof(e.file_name));
		stop = each(ctx, &e);
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_content_get(struct db *db, long long id, const char *kind, struct arena *a, struct content_edit *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, title, title_en, body_md, DATE_FORMAT(posted_on, '%Y-%m-%d'), version"
					    " FROM site_content WHERE id = ? AND kind = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_text(st, 1, kind);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->id = db_col_int(st, 0);
		db_col_copy(st, 1, out->title, sizeof(out->title));
		db_col_copy(st, 2, out->title_en, sizeof(out->title_en));
		out->body_md = col_arena(st, 3, a, NULL);
		db_col_copy(st, 4, out->posted_on, sizeof(out->posted_on));
		out->version = db_col_int(st, 5);
	}
	db_reset(st);
	return r;
}

int store_content_file(struct db *db, long long id, struct content_file *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT file, file_name FROM site_content WHERE id = ? AND kind = 'download' AND file IS NOT NULL");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		db_col_copy(st, 0, out->file, sizeof(out->file));
		db_col_copy(st, 1, out->file_name, sizeof(out->file_name));
	}
	db_reset(st);
	return r;
}

/* Binds v to parameters 0..6 of an INSERT or UPDATE (the file's three NULL without a file) and `by` to 7. */
static void bind_values(struct db_stmt *st, const struct content_values *v, long long by)
{
	db_bind_text(st, 0, v->title);
	db_bind_text(st, 1, v->title_en);
	db_bind_text(st, 2, v->body_md);
	db_bind_text(st, 3, v->posted_on);
	db_bind_text(st, 4, v->file);
	if (v->file) {
		db_bind_text(st, 5, v->file_name);
		db_bind_int(st, 6, v->file_size);
	} else {
		db_bind_null(st, 5);
		db_bind_null(st, 6);
	}
	db_bind_int(st, 7, by);
}

int store_content_insert(struct db *db, const char *kind, const struct content_values *v, long long by, long long *id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO site_content (title, title_en, body_md, posted_on, file, file_name, file_size, updated_by,"
					    " created_at, updated_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3), ?)");

	if (!st)
		return -1;
	bind_values(st, v, by);
	db_bind_text(st, 8, kind);
	if (db_exec(st))
		return -1;
	if (id)
		*id = (long long)db_insert_id(st);
	return 0;
}

int store_content_update(struct db *db, long long id, const char *kind, long long version,
			 const struct content_values *v, long long by)
{
	struct db_stmt *st = db_prepare(db, "UPDATE site_content SET title = ?, title_en = ?, body_md = ?, posted_on = ?,"
					    " file = IFNULL(?, file), file_name = IFNULL(?, file_name), file_size = IFNULL(?, file_size),"
					    " version = version + 1, updated_by = ?, updated_at = NOW(3) WHERE id = ? AND kind = ? AND version = ?");

	if (!st)
		return -1;
	bind_values(st, v, by);
	db_bind_int(st, 8, id);
	db_bind_text(st, 9, kind);
	db_bind_int(st, 10, version);
	if (db_exec(st))
		return -1;
	return db_affected(st) == 1;
}

int store_content_delete(struct db *db, long long id, const char *kind, long long version)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM site_content WHERE id = ? AND kind = ? AND version = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_text(st, 1, kind);
	db_bind_int(st, 2, version);
	if (db_exec(st))
		return -1;
	return db_affected(st) == 1;
}

/* store_agency.c: a county's agencies and their tree (agencies, agency_tree) as 機關管理 and the import need them, and their contacts. */
#include <string.h>

#include "store_agency.h"

/* Steps a one-row lookup: 1 with the row there (the caller reads it, then db_reset), 0 none, -1 error. */
static int step_one(struct db_stmt *st)
{
	int r = db_step(st);

	if (r <= 0)
		db_reset(st);
	return r;
}

int store_agency_lock_county(struct db *db, int county_id)
{
	struct db_stmt *st = db_prepare(db, "SELECT id FROM counties WHERE id = ? FOR UPDATE");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	if (db_exec(st))
		return -1;
	db_reset(st);
	return 0;
}

/* Runs the rows of the executed listing (id, code, name, level, parent code, active) through each. */
static int list_rows(struct db_stmt *st, store_agency_each_fn each, void *ctx)
{
	struct store_agency a;
	int r;

	while ((r = db_step(st)) == 1) {
		memset(&a, 0, sizeof(a));
		a.id = db_col_int(st, 0);
		db_col_copy(st, 1, a.code, sizeof(a.code));
		db_col_copy(st, 2, a.name, sizeof(a.name));
		a.level = (int)db_col_int(st, 3);
		db_col_copy(st, 4, a.parent_code, sizeof(a.parent_code));
		a.active = (int)db_col_int(st, 5);
		if (each(ctx, &a))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_agency_list(struct db *db, int county_id, store_agency_each_fn each, void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.code, a.name, a.level, IFNULL(p.code, ''), a.active FROM agencies a"
		" LEFT JOIN agencies p ON p.id = a.parent_id WHERE a.county_id = ? ORDER BY a.active DESC, a.level, a.code LIMIT 5000");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	if (db_exec(st))
		return -1;
	return list_rows(st, each, ctx);
}

int store_agency_each(struct db *db, int county_id, store_agency_each_fn each, void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.code, a.name, IFNULL(p.code, ''), a.active, a.id FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
		" WHERE a.county_id = ?");
	struct store_agency a;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		memset(&a, 0, sizeof(a));
		db_col_copy(st, 0, a.code, sizeof(a.code));
		db_col_copy(st, 1, a.name, sizeof(a.name));
		db_col_copy(st, 2, a.parent_code, sizeof(a.parent_code));
		a.active = (int)db_col_int(st, 3);
		a.id = db_col_int(st, 4);
		if (each(ctx, &a))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_agency_state(struct db *db, int county_id, long long id, struct store_agency *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT level, active, code, name FROM agencies WHERE id = ? AND county_id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county_id);
	if (db_exec(st) || (r = step_one(st)) < 0)
		return -1;
	if (!r)
		return 0;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->level = (int)db_col_int(st, 0);
	out->active = (int)db_col_int(st, 1);
	db_col_copy(st, 2, out->code, sizeof(out->code));
	db_col_copy(st, 3, out->name, sizeof(out->name));
	db_reset(st);
	return 1;
}

int store_agency_get_active(struct db *db, int county_id, long long id, int for_update, struct store_agency *out)
{
	struct db_stmt *st = db_prepare(db, for_update ?
		"SELECT code, name FROM agencies WHERE id = ? AND county_id = ? AND active = 1 FOR UPDATE" :
		"SELECT code, name FROM agencies WHERE id = ? AND county_id = ? AND active = 1");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county_id);
	if (db_exec(st) || (r = step_one(st)) < 0)
		return -1;
	if (!r)
		return 0;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->active = 1;
	db_col_copy(st, 0, out->code, sizeof(out->code));
	db_col_copy(st, 1, out->name, sizeof(out->name));
	db_reset(st);
	return 1;
}

int store_agency_by_code(struct db *db, int county_id, const char *code, long long *id, int *level)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, level FROM agencies WHERE county_id = ? AND code = ? AND active = 1");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_text(st, 1, code);
	if (db_exec(st) || (r = step_one(st)) < 0)
		return -1;
	if (!r)
		return 0;
	*id = db_col_int(st, 0);
	*level = (int)db_col_int(st, 1);
	db_reset(st);
	return 1;
}

/* The one integer statement sql gives for the id x, into *out.  0 or -1. */
static int one_number(struct db *db, const char *sql, long long x, long long *out)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (!st)
		return -1;
	db_bind_int(st, 0, x);
	if (db_exec(st) || step_one(st) != 1)
		return -1;
	*out = db_col_int(st, 0);
	db_reset(st);
	return 0;
}

int store_agency_count(struct db *db, int county_id, long long *n)
{
	return one_number(db, "SELECT COUNT(*) FROM agencies WHERE county_id = ?", county_id, n);
}

int store_agency_create(struct db *db, int county_id, const char *code, const char *name, int level, long long parent_id,
			long long *id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO agencies (county_id, code, name, level, parent_id) VALUES (?, ?, ?, ?, NULLIF(?, 0))");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_int(st, 3, level);
	db_bind_int(st, 4, parent_id);
	if (db_exec(st))
		return -1;
	*id = (long long)db_insert_id(st);
	return 0;
}

int store_agency_rename(struct db *db, long long id, const char *code, const char *name)
{
	struct db_stmt *st = db_prepare(db, "UPDATE agencies SET code = ?, name = ? WHERE id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, code);
	db_bind_text(st, 1, name);
	db_bind_int(st, 2, id);
	return db_exec(st);
}

int store_agency_set_name(struct db *db, long long id, const char *name)
{
	struct db_stmt *st = db_prepare(db, "UPDATE agencies SET name = ? WHERE id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, name);
	db_bind_int(st, 1, id);
	return db_exec(st);
}

int store_agency_in_subtree(struct db *db, long long ancestor, long long descendant)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM agency_tree WHERE ancestor_id = ? AND descendant_id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, ancestor);
	db_bind_int(st, 1, descendant);
	if (db_exec(st) || (r = step_one(st)) < 0)
		return -1;
	if (r)
		db_reset(st);
	return r;
}

int store_agency_locked_report_year(struct db *db, long long x, int *year)
{
	long long y;

	if (one_number(db, "SELECT IFNULL(MIN(r.year), 0) FROM reports r JOIN agencies a ON a.id = r.agency_id"
		       " JOIN inventory_years y ON y.county_id = a.county_id AND y.year = r.year"
		       " WHERE r.agency_id = ? AND y.lock_id IS NOT NULL LOCK IN SHARE MODE", x, &y))
		return -1;
	*year = (int)y;
	return 0;
}

int store_agency_active_children(struct db *db, long long x, long long *n)
{
	return one_number(db, "SELECT COUNT(*) FROM agencies WHERE parent_id = ? AND active = 1", x, n);
}

int store_agency_height(struct db *db, long long x, int *height)
{
	long long h;

	if (one_number(db, "SELECT IFNULL(MAX(depth), 0) FROM agency_tree WHERE ancestor_id = ?", x, &h))
		return -1;
	*height = (int)h;
	return 0;
}

int store_agency_set_parent(struct db *db, long long x, long long p, int level)
{
	struct db_stmt *st;

	/* Links from ancestors outside the subtree to the subtree go; new ones come. */
	st = db_prepare(db,
		"DELETE t FROM agency_tree t JOIN agency_tree sub ON sub.descendant_id = t.descendant_id AND sub.ancestor_id = ?"
		" LEFT JOIN agency_tree inside ON inside.ancestor_id = ? AND inside.descendant_id = t.ancestor_id"
		" WHERE inside.ancestor_id IS NULL");
	if (!st)
		return -1;
	db_bind_int(st, 0, x);
	db_bind_int(st, 1, x);
	if (db_exec(st))
		return -1;
	st = db_prepare(db,
		"INSERT INTO agency_tree (ancestor_id, descendant_id, depth)"
		" SELECT a.ancestor_id, s.descendant_id, a.depth + s.depth + 1 FROM agency_tree a JOIN agency_tree s ON s.ancestor_id = ?"
		" WHERE a.descendant_id = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, x);
	db_bind_int(st, 1, p);
	if (db_exec(st))
		return -1;
	st = db_prepare(db, "UPDATE agencies SET parent_id = NULLIF(?, 0), level = ? WHERE id = ?");
	if (!st)
		return -1;
	db_bind_int(st, 0, p);
	db_bind_int(st, 1, level);
	db_bind_int(st, 2, x);
	if (db_exec(st))
		return -1;
	st = db_prepare(db, "UPDATE agencies a JOIN agency_tree s ON s.descendant_id = a.id AND s.ancestor_id = ? AND s.depth > 0"
			    " SET a.level = ? + s.depth");
	if (!st)
		return -1;
	db_bind_int(st, 0, x);
	db_bind_int(st, 1, level);
	return db_exec(st);
}

int store_agency_deactivate(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, "UPDATE agencies SET active = 0 WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	return db_exec(st);
}

int store_agency_contact_get(struct db *db, long long agency_id, struct arena *a, struct store_agency_contact *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT IFNULL(full_name, name), IFNULL(contact_name, ''), IFNULL(contact_phone, ''),"
		" IFNULL(contact_fax, ''), IFNULL(contact_email, '') FROM agencies WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->full_name = arena_strdup(a, db_col_text(st, 0, NULL));
		out->contact_name = arena_strdup(a, db_col_text(st, 1, NULL));
		out->contact_phone = arena_strdup(a, db_col_text(st, 2, NULL));
		out->contact_fax = arena_strdup(a, db_col_text(st, 3, NULL));
		out->contact_email = arena_strdup(a, db_col_text(st, 4, NULL));
	}
	db_reset(st);
	return r;
}

int store_agency_contact_set(struct db *db, long long agency_id, const struct store_agency_contact *c)
{
	struct db_stmt *st = db_prepare(db, "UPDATE agencies SET full_name = ?, contact_name = ?, contact_phone = ?,"
				       " contact_fax = NULLIF(?, ''), contact_email = ?, contact_updated_at = NOW() WHERE id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, c->full_name);
	db_bind_text(st, 1, c->contact_name);
	db_bind_text(st, 2, c->contact_phone);
	db_bind_text(st, 3, c->contact_fax);
	db_bind_text(st, 4, c->contact_email);
	db_bind_int(st, 5, agency_id);
	return db_exec(st);
}

/* store_county.c: the counties (counties), and what the county team's console reads of one county. */
#include <stdio.h>

#include "store_county.h"
#include "strbuf.h"

int store_county_list(struct db *db, struct county *out, int max, int *n)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, letter, name FROM counties ORDER BY letter");
	int r = 0;

	*n = 0;
	if (!st || db_exec(st))
		return -1;
	while (*n < max && (r = db_step(st)) == 1) {
		struct county *c = &out[(*n)++];

		c->id = (int)db_col_int(st, 0);
		db_col_copy(st, 1, c->letter, sizeof(c->letter));
		db_col_copy(st, 2, c->name, sizeof(c->name));
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_county_name(struct db *db, int county, char *name, size_t size)
{
	struct db_stmt *st = db_prepare(db, "SELECT name FROM counties WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county);
	if (db_exec(st) || (r = db_step(st)) < 0)
		return -1;
	if (r)
		snprintf(name, size, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	return r;
}

int store_county_total(struct db *db, int county_id, int year, struct store_county_total *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT IFNULL(c.total_milli, 0), IFNULL(c.outsourced_milli, 0), IFNULL(DATE_FORMAT(c.computed_at, '%Y-%m-%d %H:%i:%s'), ''),"
		" EXISTS (SELECT 1 FROM outbox o WHERE o.county_id = ? AND o.year = ? AND o.done_at IS NULL)"
		" FROM counties k LEFT JOIN county_rollups c ON c.county_id = k.id AND c.year = ? WHERE k.id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, county_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->total_milli = db_col_int(st, 0);
		out->outsourced_milli = db_col_int(st, 1);
		db_col_copy(st, 2, out->computed_at, sizeof(out->computed_at));
		out->pending = (int)db_col_int(st, 3);
	}
	db_reset(st);
	return r;
}

int store_county_each_first_level(struct db *db, int county_id, int year,
				  int (*each)(void *ctx, const struct store_county_first_level *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.name, IFNULL(r.n_unreported, 0), IFNULL(r.n_in_progress, 0), IFNULL(r.n_complete, 0), IFNULL(r.n_agencies, 0)"
		" FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.parent_id IS NULL AND a.active = 1 ORDER BY a.code");
	struct store_county_first_level row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.name = db_col_text(st, 0, NULL);
		row.n_unreported = db_col_int(st, 1);
		row.n_in_progress = db_col_int(st, 2);
		row.n_complete = db_col_int(st, 3);
		row.n_agencies = db_col_int(st, 4);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* Binds q as a LIKE pattern matching it anywhere, with % and _ and \ taken literally. */
static void bind_like(struct db_stmt *st, int i, const char *q)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			strbuf_addch(&sb, '\\');
		strbuf_addch(&sb, *q);
	}
	strbuf_addch(&sb, '%');
	db_bind_textn(st, i, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void agency_row(struct db_stmt *st, struct store_county_agency *row)
{
	row->id = db_col_int(st, 0);
	row->code = db_col_text(st, 1, NULL);
	row->name = db_col_text(st, 2, NULL);
	row->level = (int)db_col_int(st, 3);
	row->parent_name = db_col_text(st, 4, NULL);
	row->status = (int)db_col_int(st, 5);
	row->own_total_milli = db_col_int(st, 6);
	row->subtree_milli = db_col_int(st, 7);
	row->contact_name = db_col_text(st, 8, NULL);
	row->contact_phone = db_col_text(st, 9, NULL);
	row->contact_email = db_col_text(st, 10, NULL);
	row->locked = (int)db_col_int(st, 11);
}

int store_county_each_agency(struct db *db, const struct store_county_filter *f,
			     int (*each)(void *ctx, const struct store_county_agency *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.code, a.name, a.level, IFNULL(p.name, ''), IF(rep.id IS NULL, 0, IF(rep.filed, 2, 1)) AS stt,"
		" IFNULL(rep.own_total_milli, 0), IFNULL(r.subtree_milli, 0), IFNULL(a.contact_name, ''), IFNULL(a.contact_phone, ''),"
		" IFNULL(a.contact_email, ''), ac.locked_until IS NOT NULL AND ac.locked_until > NOW()"
		" FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
		" LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ?"
		" LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" LEFT JOIN accounts ac ON ac.agency_id = a.id"
		" WHERE a.county_id = ? AND a.active = 1 AND (? = 0 OR a.level = ? OR (? = 4 AND a.level >= 4))"
		" AND (? < 0 OR IF(rep.id IS NULL, 0, IF(rep.filed, 2, 1)) = ?)"
		" AND (? = '' OR a.name LIKE ? OR CONVERT(a.code USING utf8mb4) LIKE ?)"
		" ORDER BY a.level, a.code LIMIT 2000");
	struct store_county_agency row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, f->year);
	db_bind_int(st, 1, f->year);
	db_bind_int(st, 2, f->county_id);
	db_bind_int(st, 3, f->level);
	db_bind_int(st, 4, f->level);
	db_bind_int(st, 5, f->level);
	db_bind_int(st, 6, f->status);
	db_bind_int(st, 7, f->status);
	db_bind_text(st, 8, f->q);
	bind_like(st, 9, f->q);
	bind_like(st, 10, f->q);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		agency_row(st, &row);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

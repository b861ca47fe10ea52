/* store_inventory_lines.c: the detail workbook's lines, a chunk of agencies at a time. */
#include <stdlib.h>
#include <string.h>

#include "store_inventory_sql.h"
#include "util.h"

/*
 * DESIGN: one statement read a chunk's lines with each of their seven gases
 * by a join of its own, ordered by agency, part, item and seq: seven index
 * dives a line, and a sort of wide rows in an on-disk temporary table (the
 * method and source texts), 35 ms of server time for 400 agencies on the
 * synthetic data, half the detail workbook's reading.  Now the chunk's
 * agency ids are bounded first, then its lines and its gases are read by
 * two range reads without ORDER BY (in the caller's transaction, so in one
 * snapshot), and sorted and joined here: 14 ms.  The order is the one the statement gave (the sheet's order
 * stays what users know): by agency, then the part's ENUM value descending
 * (委外 before 本身), the item in ascii_general_ci (letters case-folded,
 * '_' after them) and seq.
 */

void store_inventory_lines_init(struct store_inventory_lines *ls)
{
	memset(ls, 0, sizeof(*ls));
	arena_init(&ls->text, (size_t)64 << 10);
}

void store_inventory_lines_release(struct store_inventory_lines *ls)
{
	arena_release(&ls->text);
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

/* report_lines.part's ENUM value ('own' 1, 'outsourced' 2), as ORDER BY part compares them; 0 for no line. */
static int part_rank(const char *part)
{
	return !strcmp(part, "own") ? 1 : !strcmp(part, "outsourced") ? 2 : 0;
}

/* Two items as ascii_general_ci orders them: letters case-folded (an item holds no trailing space). */
static int item_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;

		x = x >= 'a' && x <= 'z' ? x - 'a' + 'A' : x;
		y = y >= 'a' && y <= 'z' ? y - 'a' + 'A' : y;
		if (x != y || !x)
			return x - y;
	}
}

static int key_cmp(long long agency, int part, const char *item, int seq, const struct store_inventory_line *l)
{
	int c;

	if (agency != l->agency)
		return agency < l->agency ? -1 : 1;
	if (part != part_rank(l->part))
		return part > part_rank(l->part) ? -1 : 1;   /* descending */
	if ((c = item_cmp(item, l->item)))
		return c;
	return seq < l->seq ? -1 : seq > l->seq;
}

static int line_cmp(const void *x, const void *y)
{
	const struct store_inventory_line *a = x, *b = y;

	return key_cmp(a->agency, part_rank(a->part), a->item, a->seq, b);
}

static const char *keep(struct store_inventory_lines *ls, struct db_stmt *st, int i)
{
	size_t len;
	const char *s = db_col_text(st, i, &len);

	return arena_strndup(&ls->text, s, len);
}

/* The highest id of the next `limit` active agencies above `after` into *bound (0: none left). */
#define CHUNK_SQL(V) \
	"SELECT IFNULL(MAX(id), 0) FROM (SELECT " V##_ID " id FROM " V##_FROM " WHERE " V##_WHERE " AND " V##_ID " > ?" \
	" ORDER BY " V##_ID " LIMIT ?) ch"

static int chunk_bound(struct db *db, int county, long long lock, long long after, int limit, long long *bound)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, CHUNK_SQL));

	if (!st)
		return -1;
	db_bind_int(st, 0, INV_KEY(lock, county));
	db_bind_int(st, 1, after);
	db_bind_int(st, 2, limit);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	*bound = db_col_int(st, 0);
	db_reset(st);
	return 0;
}

/* Executes st, a statement of the chunk's agencies: its parameters year, county (or lock) and the ids (after, bound]. */
static int range_exec(struct db_stmt *st, long long county, int year, long long after, long long bound)
{
	if (!st)
		return -1;
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, county);
	db_bind_int(st, 2, after);
	db_bind_int(st, 3, bound);
	return db_exec(st);
}

#define LINES_SQL(V) \
	"SELECT a.id, a.code, a.name, " V##_LEVEL ", IFNULL(p.code, ''), " STATE_COLS "," \
	" IFNULL(l.part, ''), IFNULL(l.item, ''), IFNULL(l.quantity_milli, 0), IFNULL(l.factor_text, '')," \
	" IFNULL(l.gwp_set, ''), IFNULL(l.method, ''), IFNULL(l.sources, ''), IFNULL(l.kg_milli, 0), l.report_id IS NULL," \
	" IFNULL(l.scope, 0), IFNULL(l.iso_category, 0), IFNULL(l.a1, 0), IFNULL(l.a2, 0), IFNULL(l.a3, 0)," \
	" IFNULL(l.ad_lower_milli, -1), IFNULL(l.ad_upper_milli, -1), IFNULL(l.seq, 0), IFNULL(l.provisional, 0)" \
	" FROM " V##_FROM " LEFT JOIN agencies p ON p.id = " V##_PARENT \
	" LEFT JOIN reports r ON r.agency_id = a.id AND r.year = ?" \
	" LEFT JOIN report_lines l ON l.report_id = r.id" \
	" WHERE " V##_WHERE " AND " V##_ID " > ? AND " V##_ID " <= ?"

static int read_lines(struct db *db, int county, int year, long long lock, long long after, long long bound,
		      struct store_inventory_lines *ls)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, LINES_SQL));
	int r;

	if (range_exec(st, INV_KEY(lock, county), year, after, bound))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_inventory_line *l;

		if (ls->n == ls->cap) {
			ls->cap = ls->cap ? 2 * ls->cap : 1024;
			ls->v = xrealloc(ls->v, ls->cap * sizeof(*ls->v));
		}
		l = memset(&ls->v[ls->n++], 0, sizeof(*l));
		l->agency = db_col_int(st, 0);
		l->code = keep(ls, st, 1);
		l->name = keep(ls, st, 2);
		l->level = (int)db_col_int(st, 3);
		l->parent_code = keep(ls, st, 4);
		state_of(st, 5, &l->state);
		l->part = keep(ls, st, 9);
		l->item = keep(ls, st, 10);
		l->quantity_milli = db_col_int(st, 11);
		l->factor_text = keep(ls, st, 12);
		l->gwp_set = keep(ls, st, 13);
		l->method = keep(ls, st, 14);
		l->sources = keep(ls, st, 15);
		l->kg_milli = db_col_int(st, 16);
		l->has_line = !db_col_int(st, 17);
		l->scope = (int)db_col_int(st, 18);
		l->iso = (int)db_col_int(st, 19);
		l->a1 = (int)db_col_int(st, 20);
		l->a2 = (int)db_col_int(st, 21);
		l->a3 = (int)db_col_int(st, 22);
		l->ad_lower = (int)db_col_int(st, 23);
		l->ad_upper = (int)db_col_int(st, 24);
		l->seq = (int)db_col_int(st, 25);
		l->provisional = (int)db_col_int(st, 26);
	}
	return r;
}

/* The gases of the chunk's lines, each into its line (found by bisection in the sorted lines). */
#define GASES_SQL(V) \
	"SELECT r.agency_id, g.part + 0, g.item, g.seq, g.gas + 0, g.kg_milli, IFNULL(g.ef_lower_milli, -1)," \
	" IFNULL(g.ef_upper_milli, -1) FROM " V##_FROM " JOIN reports r ON r.agency_id = a.id AND r.year = ?" \
	" JOIN report_line_gases g ON g.report_id = r.id WHERE " V##_WHERE " AND " V##_ID " > ? AND " V##_ID " <= ?"

static int read_gases(struct db *db, int county, int year, long long lock, long long after, long long bound,
		      struct store_inventory_lines *ls)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, GASES_SQL));
	int r;

	if (range_exec(st, INV_KEY(lock, county), year, after, bound))
		return -1;
	while ((r = db_step(st)) == 1) {
		long long agency = db_col_int(st, 0);
		int part = (int)db_col_int(st, 1), seq = (int)db_col_int(st, 3), gas = (int)db_col_int(st, 4) - 1;
		const char *item = db_col_text(st, 2, NULL);
		size_t lo = 0, hi = ls->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = key_cmp(agency, part, item, seq, &ls->v[mid]);

			if (!c) {
				if (gas >= 0 && gas < STORE_INVENTORY_GASES) {
					ls->v[mid].gas[gas].present = 1;
					ls->v[mid].gas[gas].milli = db_col_int(st, 5);
					ls->v[mid].gas[gas].ef_lower = (int)db_col_int(st, 6);
					ls->v[mid].gas[gas].ef_upper = (int)db_col_int(st, 7);
				}
				break;
			}
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return r;
}

int store_inventory_read_lines(struct db *db, int county, int year, long long lock, long long after, int limit,
			       struct store_inventory_lines *ls)
{
	ls->n = 0;
	ls->last = 0;
	arena_reset(&ls->text);
	if (chunk_bound(db, county, lock, after, limit, &ls->last))
		goto fail;
	if (ls->last) {
		if (read_lines(db, county, year, lock, after, ls->last, ls))
			goto fail;
		qsort(ls->v, ls->n, sizeof(*ls->v), line_cmp);
		if (read_gases(db, county, year, lock, after, ls->last, ls))
			goto fail;
	}
	return 0;
fail:
	ls->n = 0;
	ls->last = 0;
	return -1;
}

/* store_report.c: an agency's yearly report (reports, report_items, report_lines), what its pages list, and its save's writes. */
#include <stdio.h>
#include <string.h>

#include "store_inventory_sql.h"
#include "store_report.h"

const char *const store_notation_names[3] = { "", "NE", "IE" };

/*
 * Who acted (store_report_actor) from an accounts row aliased a, its
 * agency g and its county c (LEFT JOINs: NULL when nobody): the name, the
 * login.  An admin has neither agency nor team: its login names it.
 */
#define ACTOR_COLS(a, g, c) \
	" IFNULL(IF(" a ".kind = 'team', CONCAT(" c ".name, '盤查小組'), " g ".name), IFNULL(" a ".login, '')), IFNULL(" a ".login, '')"
#define ACTOR_JOIN(col, a, g, c) \
	" LEFT JOIN accounts " a " ON " a ".id = " col " LEFT JOIN agencies " g " ON " g ".id = " a ".agency_id" \
	" LEFT JOIN counties " c " ON " c ".id = " a ".county_id"
#define AT_COL(col) " IFNULL(DATE_FORMAT(" col ", '%Y-%m-%d %H:%i'), '')"

static void actor_copy(struct db_stmt *st, int col, struct store_report_actor *out)
{
	db_col_copy(st, col, out->name, sizeof(out->name));
	db_col_copy(st, col + 1, out->login, sizeof(out->login));
	db_col_copy(st, col + 2, out->at, sizeof(out->at));
}

int store_report_get(struct db *db, long long agency_id, int year, struct store_report *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT r.id, r.revision, r.filed, r.scope_text, r.outsourced_scope_text,"
				       " DATE_FORMAT(r.updated_at, '%Y-%m-%d %H:%i'), r.own_total_milli, r.outsourced_total_milli,"
				       " IFNULL(r.confirmed_version, 0), r.last_version, r.returned, IFNULL(r.return_comment, ''),"
				       ACTOR_COLS("ra", "rg", "rc") "," AT_COL("r.returned_at") ","
				       " IFNULL(r.correction_reason, '')," AT_COL("r.correction_at") ", IFNULL(r.reopen_reason, ''),"
				       ACTOR_COLS("oa", "og", "oc") "," AT_COL("r.reopened_at") ","
				       " EXISTS (SELECT 1 FROM report_exclusions x WHERE x.report_id = r.id)"
				       " FROM reports r" ACTOR_JOIN("r.returned_by", "ra", "rg", "rc") ACTOR_JOIN("r.reopened_by", "oa", "og", "oc")
				       " WHERE r.agency_id = ? AND r.year = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->id = db_col_int(st, 0);
		out->revision = db_col_int(st, 1);
		out->filed = (int)db_col_int(st, 2);
		db_col_copy(st, 3, out->scope_text, sizeof(out->scope_text));
		db_col_copy(st, 4, out->outsourced_scope_text, sizeof(out->outsourced_scope_text));
		db_col_copy(st, 5, out->updated_at, sizeof(out->updated_at));
		out->own_total_milli = db_col_int(st, 6);
		out->outsourced_total_milli = db_col_int(st, 7);
		out->confirmed_version = (int)db_col_int(st, 8);
		out->last_version = (int)db_col_int(st, 9);
		out->returned = (int)db_col_int(st, 10);
		db_col_copy(st, 11, out->return_comment, sizeof(out->return_comment));
		actor_copy(st, 12, &out->returned_by);
		db_col_copy(st, 15, out->correction_reason, sizeof(out->correction_reason));
		db_col_copy(st, 16, out->correction_at, sizeof(out->correction_at));
		db_col_copy(st, 17, out->reopen_reason, sizeof(out->reopen_reason));
		actor_copy(st, 18, &out->reopened_by);
		out->has_exclusions = (int)db_col_int(st, 21);
	}
	db_reset(st);
	return r;
}

int store_report_returned_each(struct db *db, long long agency_id,
			       int (*each)(void *ctx, const struct store_report_returned *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT r.year, IFNULL(r.return_comment, ''),"
				       ACTOR_COLS("ra", "rg", "rc") "," AT_COL("r.returned_at")
				       " FROM reports r" ACTOR_JOIN("r.returned_by", "ra", "rg", "rc")
				       " WHERE r.agency_id = ? AND r.returned = 1 ORDER BY r.year DESC");
	struct store_report_returned row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.year = (int)db_col_int(st, 0);
		db_col_copy(st, 1, row.comment, sizeof(row.comment));
		actor_copy(st, 2, &row.by);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* struct store_quality from 8 columns from col: a1, a2, a3, dq_note, dq_keeper, ad_lower, ad_upper (-1 for NULL), ad_basis. */
static void quality_cols(struct db_stmt *st, int col, struct store_quality *q)
{
	q->a1 = (int)db_col_int(st, col);
	q->a2 = (int)db_col_int(st, col + 1);
	q->a3 = (int)db_col_int(st, col + 2);
	db_col_copy(st, col + 3, q->dq_note, sizeof(q->dq_note));
	db_col_copy(st, col + 4, q->dq_keeper, sizeof(q->dq_keeper));
	q->ad_lower_milli = (int)db_col_int(st, col + 5);
	q->ad_upper_milli = (int)db_col_int(st, col + 6);
	db_col_copy(st, col + 7, q->ad_basis, sizeof(q->ad_basis));
}

/* An interval bound: NULL when -1. */
static void bind_bound(struct db_stmt *st, int i, int milli)
{
	if (milli < 0)
		db_bind_null(st, i);
	else
		db_bind_int(st, i, milli);
}

/* struct store_notation from 3 columns from col: notation + 0 (0 NULL, 1 NE, 2 IE), its text, carried_from (0 NULL). */
static void notation_cols(struct db_stmt *st, int col, struct store_notation *n)
{
	int k = (int)db_col_int(st, col);

	n->key = k == 1 ? STORE_NOTATION_NE : k == 2 ? STORE_NOTATION_IE : STORE_NOTATION_NONE;
	db_col_copy(st, col + 1, n->text, sizeof(n->text));
	n->carried_from = (int)db_col_int(st, col + 2);
}

int store_report_items(struct db *db, long long report_id,
		       int (*each)(void *ctx, const struct store_report_item *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT part, item, seq, IFNULL(refrigerant, ''), IFNULL(name, ''), IFNULL(unit, ''),"
				       " quantity_milli, IFNULL(a1, 0), IFNULL(a2, 0), IFNULL(a3, 0), IFNULL(dq_note, ''),"
				       " IFNULL(dq_keeper, ''), IFNULL(ad_lower_milli, -1), IFNULL(ad_upper_milli, -1), IFNULL(ad_basis, ''),"
				       " IFNULL(notation + 0, 0), IFNULL(notation_text, ''), IFNULL(carried_from, 0)"
				       " FROM report_items WHERE report_id = ? ORDER BY part, item, seq");
	struct store_report_item it;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		it.part = !strcmp(db_col_text(st, 0, NULL), "own") ? CALC_OWN : CALC_OUTSOURCED;
		db_col_copy(st, 1, it.item, sizeof(it.item));
		it.seq = (int)db_col_int(st, 2);
		db_col_copy(st, 3, it.refrigerant, sizeof(it.refrigerant));
		db_col_copy(st, 4, it.name, sizeof(it.name));
		db_col_copy(st, 5, it.unit, sizeof(it.unit));
		it.has_quantity = !db_col_isnull(st, 6);
		it.quantity_milli = it.has_quantity ? db_col_int(st, 6) : 0;
		quality_cols(st, 7, &it.q);
		notation_cols(st, 15, &it.n);
		if (each(ctx, &it))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_report_lock(struct db *db, long long agency_id, int year, struct store_report_locked *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, revision, filed, IFNULL(confirmed_version, 0) FROM reports"
				       " WHERE agency_id = ? AND year = ? FOR UPDATE");
	int r;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->id = db_col_int(st, 0);
		out->revision = db_col_int(st, 1);
		out->filed = (int)db_col_int(st, 2);
		out->confirmed_version = (int)db_col_int(st, 3);
	}
	db_reset(st);
	return r;
}

int store_report_insert(struct db *db, const struct store_report_write *w, long long *id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO reports (agency_id, year, revision, filed, scope_text, outsourced_scope_text,"
				       " own_total_milli, outsourced_total_milli, computed_at, updated_at, updated_by, save_token, filed_at)"
				       " VALUES (?, ?, 1, ?, ?, ?, ?, ?, NOW(), NOW(), ?, ?, IF(? <> 0, NOW(), NULL))");

	if (!st)
		return -1;
	db_bind_int(st, 0, w->agency_id);
	db_bind_int(st, 1, w->year);
	db_bind_int(st, 2, w->filed);
	db_bind_text(st, 3, w->scope_text);
	db_bind_text(st, 4, w->outsourced_scope_text);
	db_bind_int(st, 5, w->own_total_milli);
	db_bind_int(st, 6, w->outsourced_total_milli);
	db_bind_int(st, 7, w->account_id);
	db_bind_text(st, 8, w->save_token);
	db_bind_int(st, 9, w->filed);
	if (db_exec(st))
		return -1;
	*id = (long long)db_insert_id(st);
	return 0;
}

int store_report_update(struct db *db, long long id, long long revision, const struct store_report_write *w)
{
	/* filed_at first: an assignment sees the columns assigned before it (the old filed here). */
	struct db_stmt *st = db_prepare(db, "UPDATE reports SET filed_at = IF(? <> 0 AND filed = 0, NOW(), filed_at),"
				       " revision = revision + 1, filed = ?, scope_text = ?,"
				       " outsourced_scope_text = ?, own_total_milli = ?, outsourced_total_milli = ?,"
				       " computed_at = NOW(), updated_at = NOW(), updated_by = ?, save_token = ?,"
				       /* computed with the factors of now: a 重算值 of factor day is behind it */
				       " restated_own_milli = NULL, restated_outsourced_milli = NULL, restated_change_id = NULL,"
				       " restated_at = NULL WHERE id = ? AND revision = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, w->filed);
	db_bind_int(st, 1, w->filed);
	db_bind_text(st, 2, w->scope_text);
	db_bind_text(st, 3, w->outsourced_scope_text);
	db_bind_int(st, 4, w->own_total_milli);
	db_bind_int(st, 5, w->outsourced_total_milli);
	db_bind_int(st, 6, w->account_id);
	db_bind_text(st, 7, w->save_token);
	db_bind_int(st, 8, id);
	db_bind_int(st, 9, revision);
	return db_exec(st);
}

int store_report_items_clear(struct db *db, long long report_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM report_items WHERE report_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	return db_exec(st);
}

int store_report_item_add(struct db *db, long long report_id, enum calc_part part, const char *item, int seq,
			  const char *refrigerant, const char *name, const char *unit, const long long *quantity_milli,
			  const struct store_quality *q)
{
	static const struct store_quality none = { .ad_lower_milli = -1, .ad_upper_milli = -1 };
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO report_items (report_id, part, item, seq, refrigerant, name, unit, quantity_milli,"
		" a1, a2, a3, dq_note, dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis)"
		" VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?,"
		" NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, ''), NULLIF(?, ''), ?, ?, NULLIF(?, ''))");

	if (!q)
		q = &none;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	db_bind_text(st, 1, calc_part_keys[part]);
	db_bind_text(st, 2, item);
	db_bind_int(st, 3, seq);
	db_bind_text(st, 4, refrigerant ? refrigerant : "");
	db_bind_text(st, 5, name ? name : "");
	db_bind_text(st, 6, unit ? unit : "");
	if (quantity_milli)
		db_bind_int(st, 7, *quantity_milli);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, q->a1);
	db_bind_int(st, 9, q->a2);
	db_bind_int(st, 10, q->a3);
	db_bind_text(st, 11, q->dq_note);
	db_bind_text(st, 12, q->dq_keeper);
	bind_bound(st, 13, q->ad_lower_milli);
	bind_bound(st, 14, q->ad_upper_milli);
	db_bind_text(st, 15, q->ad_basis);
	return db_exec(st);
}

int store_report_item_notation(struct db *db, long long report_id, enum calc_part part, const char *item, int seq,
			       const struct store_notation *nt)
{
	struct db_stmt *st;

	if (!nt || (nt->key == STORE_NOTATION_NONE && !nt->carried_from))
		return 0;
	st = db_prepare(db, "UPDATE report_items SET notation = NULLIF(?, ''), notation_text = NULLIF(?, ''),"
			" carried_from = NULLIF(?, 0) WHERE report_id = ? AND part = ? AND item = ? AND seq = ?");
	if (!st)
		return -1;
	db_bind_text(st, 0, store_notation_names[nt->key]);
	db_bind_text(st, 1, nt->key == STORE_NOTATION_NONE ? "" : nt->text);
	db_bind_int(st, 2, nt->carried_from);
	db_bind_int(st, 3, report_id);
	db_bind_text(st, 4, calc_part_keys[part]);
	db_bind_text(st, 5, item);
	db_bind_int(st, 6, seq);
	return db_exec(st);
}

#define NOTED_SQL(V) \
	"SELECT r.agency_id, i.part, i.item, i.seq, IFNULL(i.refrigerant, ''), i.quantity_milli, IFNULL(i.notation + 0, 0)," \
	" IFNULL(i.notation_text, ''), IFNULL(i.carried_from, 0), a.name FROM report_items i JOIN reports r ON r.id = i.report_id" \
	" JOIN (" V##_FROM ") ON " V##_ID " = r.agency_id WHERE " V##_WHERE " AND r.year = ?" \
	" AND (i.notation IS NOT NULL OR i.carried_from IS NOT NULL) ORDER BY a.code, i.part, i.item, i.seq"

int store_report_noted_county(struct db *db, int county_id, int year, long long lock,
			      int (*each)(void *ctx, const struct store_report_noted *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, INV_SQL(lock, NOTED_SQL));
	struct store_report_noted row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, INV_KEY(lock, county_id));
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.agency_id = db_col_int(st, 0);
		row.part = !strcmp(db_col_text(st, 1, NULL), "own") ? CALC_OWN : CALC_OUTSOURCED;
		db_col_copy(st, 2, row.item, sizeof(row.item));
		row.seq = (int)db_col_int(st, 3);
		db_col_copy(st, 4, row.refrigerant, sizeof(row.refrigerant));
		row.has_quantity = !db_col_isnull(st, 5);
		row.quantity_milli = row.has_quantity ? db_col_int(st, 5) : 0;
		notation_cols(st, 6, &row.n);
		db_col_copy(st, 9, row.agency_name, sizeof(row.agency_name));
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_report_lines_clear(struct db *db, long long report_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM report_lines WHERE report_id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	return db_exec(st);
}

int store_report_line_add(struct db *db, long long report_id, const struct calc_line *l,
			  long long quantity_milli, long long kg_milli, const struct store_quality *q)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli,"
				       " kg_milli, factor_text, gwp_set, method, sources, provisional, iso_category, a1, a2, a3,"
				       " dq_note, dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis)"
				       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	db_bind_text(st, 1, calc_part_keys[l->part]);
	db_bind_text(st, 2, calc_items[l->item].key);
	db_bind_int(st, 3, l->seq);
	db_bind_text(st, 4, calc_category_keys[l->category]);
	db_bind_int(st, 5, l->scope);
	db_bind_int(st, 6, quantity_milli);
	db_bind_int(st, 7, kg_milli);
	db_bind_text(st, 8, l->factor_text);
	db_bind_text(st, 9, l->gwp_set);
	db_bind_text(st, 10, l->method);
	db_bind_text(st, 11, l->sources);
	db_bind_int(st, 12, l->provisional);
	db_bind_int(st, 13, l->iso_category);
	db_bind_int(st, 14, q->a1);
	db_bind_int(st, 15, q->a2);
	db_bind_int(st, 16, q->a3);
	db_bind_text(st, 17, q->dq_note);
	db_bind_text(st, 18, q->dq_keeper);
	bind_bound(st, 19, q->ad_lower_milli);
	bind_bound(st, 20, q->ad_upper_milli);
	db_bind_text(st, 21, q->ad_basis);
	return db_exec(st);
}

/*
 * The gases of a report: GAS_ROWS rows per statement (a report has a few
 * dozen at most), the rest one by one, so a save sends a handful of
 * statements rather than one per gas.  Both are literals: the statement
 * cache is keyed by the text's address.
 */
#define GAS_ROWS 8
#define GAS_ROW "(?, ?, ?, ?, ?, ?, ?, ?)"
#define GAS_INSERT "INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli, ef_lower_milli, ef_upper_milli) VALUES "

struct gas_row {
	const struct calc_line *l;
	int g;
	long long kg_milli;
};

static void bind_gas(struct db_stmt *st, int base, long long report_id, const struct gas_row *r)
{
	const struct calc_gas_amount *a = &r->l->gas[r->g];

	db_bind_int(st, base, report_id);
	db_bind_text(st, base + 1, calc_part_keys[r->l->part]);
	db_bind_text(st, base + 2, calc_items[r->l->item].key);
	db_bind_int(st, base + 3, r->l->seq);
	db_bind_text(st, base + 4, calc_gas_keys[r->g]);
	db_bind_int(st, base + 5, r->kg_milli);
	bind_bound(st, base + 6, a->has_ci ? a->ci_lower_milli : -1);
	bind_bound(st, base + 7, a->has_ci ? a->ci_upper_milli : -1);
}

int store_report_line_gases_add(struct db *db, long long report_id, const struct calc_line *lines, int n)
{
	struct gas_row rows[GAS_ROWS];
	int nr = 0;

	for (int i = 0; i < n; i++) {
		for (int g = 0; g < CALC_GAS__MAX; g++) {
			if (!lines[i].gas[g].present)
				continue;
			rows[nr].l = &lines[i];
			rows[nr].g = g;
			if (dec_to_scaled_i64(lines[i].gas[g].kg, 3, &rows[nr].kg_milli))
				return -2;
			if (++nr < GAS_ROWS)
				continue;
			struct db_stmt *st = db_prepare(db, GAS_INSERT GAS_ROW "," GAS_ROW "," GAS_ROW "," GAS_ROW ","
							GAS_ROW "," GAS_ROW "," GAS_ROW "," GAS_ROW);
			if (!st)
				return -1;
			for (int k = 0; k < GAS_ROWS; k++)
				bind_gas(st, 8 * k, report_id, &rows[k]);
			if (db_exec(st))
				return -1;
			nr = 0;
		}
	}
	for (int k = 0; k < nr; k++) {
		struct db_stmt *st = db_prepare(db, GAS_INSERT GAS_ROW);

		if (!st)
			return -1;
		bind_gas(st, 0, report_id, &rows[k]);
		if (db_exec(st))
			return -1;
	}
	return 0;
}

int store_report_gases(struct db *db, long long report_id,
		       int (*each)(void *ctx, const struct store_report_gas *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT part, item, seq, gas + 0, kg_milli, IFNULL(ef_lower_milli, -1),"
				       " IFNULL(ef_upper_milli, -1) FROM report_line_gases WHERE report_id = ?"
				       " ORDER BY part, item, seq, gas");
	struct store_report_gas row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		int g = (int)db_col_int(st, 3) - 1;   /* the ENUM's index, 1-based, in calc_gas order */

		row.part = !strcmp(db_col_text(st, 0, NULL), "own") ? CALC_OWN : CALC_OUTSOURCED;
		db_col_copy(st, 1, row.item, sizeof(row.item));
		row.seq = (int)db_col_int(st, 2);
		row.gas = g >= 0 && g < CALC_GAS__MAX ? (enum calc_gas)g : CALC_GAS_CO2;
		row.kg_milli = db_col_int(st, 4);
		row.ef_lower_milli = (int)db_col_int(st, 5);
		row.ef_upper_milli = (int)db_col_int(st, 6);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_report_lines(struct db *db, long long report_id,
		       int (*each)(void *ctx, const struct store_report_line *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT part, item, seq, scope, iso_category, kg_milli, a1, a2, a3, dq_note, dq_keeper,"
				       " IFNULL(ad_lower_milli, -1), IFNULL(ad_upper_milli, -1), ad_basis"
				       " FROM report_lines WHERE report_id = ? ORDER BY part, item, seq");
	struct store_report_line row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.part = !strcmp(db_col_text(st, 0, NULL), "own") ? CALC_OWN : CALC_OUTSOURCED;
		db_col_copy(st, 1, row.item, sizeof(row.item));
		row.seq = (int)db_col_int(st, 2);
		row.scope = (int)db_col_int(st, 3);
		row.iso_category = (int)db_col_int(st, 4);
		row.kg_milli = db_col_int(st, 5);
		quality_cols(st, 6, &row.q);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_report_figures(struct db *db, long long report_id,
			 int (*each)(void *ctx, const struct store_report_figure *f), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT l.part, l.item, l.seq, l.kg_milli, l.factor_text, l.gwp_set, l.method, l.sources, l.provisional,"
		" IFNULL(g.gas, ''), IFNULL(g.kg_milli, 0), IFNULL(g.ef_lower_milli, -1), IFNULL(g.ef_upper_milli, -1)"
		" FROM report_lines l LEFT JOIN report_line_gases g ON g.report_id = l.report_id AND g.part = l.part"
		" AND g.item = l.item AND g.seq = l.seq WHERE l.report_id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		struct store_report_figure f = {
			.part = !strcmp(db_col_text(st, 0, NULL), "own") ? CALC_OWN : CALC_OUTSOURCED,
			.item = db_col_text(st, 1, NULL),
			.seq = (int)db_col_int(st, 2),
			.kg_milli = db_col_int(st, 3),
			.factor_text = db_col_text(st, 4, NULL),
			.gwp_set = db_col_text(st, 5, NULL),
			.method = db_col_text(st, 6, NULL),
			.sources = db_col_text(st, 7, NULL),
			.provisional = (int)db_col_int(st, 8),
			.gas = -1,
			.gas_milli = db_col_int(st, 10),
			.ci_lower_milli = (int)db_col_int(st, 11),
			.ci_upper_milli = (int)db_col_int(st, 12),
		};
		const char *gas = db_col_text(st, 9, NULL);

		for (int k = 0; k < CALC_GAS__MAX; k++)
			if (!strcmp(gas, calc_gas_keys[k]))
				f.gas = k;
		if ((r = each(ctx, &f)))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_report_token_is(struct db *db, long long agency_id, int year, const char *token)
{
	struct db_stmt *st = db_prepare(db, "SELECT save_token = ? FROM reports WHERE agency_id = ? AND year = ?");
	int r, yes = 0;

	if (!st)
		return -1;
	db_bind_text(st, 0, token);
	db_bind_int(st, 1, agency_id);
	db_bind_int(st, 2, year);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		yes = db_col_int(st, 0) == 1;
	db_reset(st);
	return r < 0 ? -1 : yes;
}

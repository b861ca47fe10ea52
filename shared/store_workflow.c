/* store_workflow.c: a report's 確認 / 退回 / 重新開放 / 申請更正 and its immutable versions (docs/workflow.md). */
#include <stdio.h>
#include <string.h>

#include "store_factorday.h"
#include "store_workflow.h"

static const char *const result_words[STORE_WORKFLOW__MAX] = {
	[STORE_WORKFLOW_OK] = "ok",
	[STORE_WORKFLOW_NOT_FOUND] = "no such report",
	[STORE_WORKFLOW_STALE] = "the report changed since the page showed it",
	[STORE_WORKFLOW_NOT_FILED] = "the report is not filed",
	[STORE_WORKFLOW_ALREADY_CONFIRMED] = "the report is confirmed",
	[STORE_WORKFLOW_NOT_CONFIRMED] = "the report is not confirmed",
	[STORE_WORKFLOW_RECALC_DUE] = "the unlock's run has yet to write the report",
};

const char *store_workflow_strerror(enum store_workflow_result r)
{
	if (r == STORE_WORKFLOW_ERROR)
		return "database error";
	if (r < 0 || r >= STORE_WORKFLOW__MAX || !result_words[r])
		return "unknown";
	return result_words[r];
}

/* The locked state of a report row. */
struct locked {
	long long revision;
	int filed;
	int confirmed;                      /* confirmed_version IS NOT NULL */
	int last_version;
	int held_back;          /* restated_change_id: a change held it back while its year was locked */
};

/* Locks the reports row FOR UPDATE: 1 with *out, 0 no such report, -1. */
static int lock_report(struct db *db, long long report_id, struct locked *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT revision, filed, confirmed_version IS NOT NULL, last_version,"
				       " restated_change_id IS NOT NULL FROM reports WHERE id = ? FOR UPDATE");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->revision = db_col_int(st, 0);
		out->filed = (int)db_col_int(st, 1);
		out->confirmed = (int)db_col_int(st, 2);
		out->last_version = (int)db_col_int(st, 3);
		out->held_back = (int)db_col_int(st, 4);
	}
	db_reset(st);
	return r;
}

/* The checks 確認 and 退回 share, on the locked row. */
static enum store_workflow_result check_filed(struct db *db, long long report_id, long long expected_revision,
					      struct locked *l)
{
	int r = lock_report(db, report_id, l);

	if (r < 0)
		return STORE_WORKFLOW_ERROR;
	if (!r)
		return STORE_WORKFLOW_NOT_FOUND;
	if (l->revision != expected_revision)
		return STORE_WORKFLOW_STALE;
	if (l->confirmed)
		return STORE_WORKFLOW_ALREADY_CONFIRMED;
	if (!l->filed)
		return STORE_WORKFLOW_NOT_FILED;
	return STORE_WORKFLOW_OK;
}

static int exec_id_version(struct db_stmt *st, long long report_id, int version_no)
{
	if (!st)
		return -1;
	db_bind_int(st, 0, version_no);
	db_bind_int(st, 1, report_id);
	return db_exec(st);
}

enum store_workflow_result store_workflow_confirm(struct db *db, long long report_id, long long expected_revision,
						  long long account_id, int *version_no)
{
	struct locked l;
	enum store_workflow_result res = check_filed(db, report_id, expected_revision, &l);
	struct db_stmt *st;
	int v;

	if (res != STORE_WORKFLOW_OK)
		return res;
	if (l.held_back) {   /* its row as locked; the run's state by a plain read */
		int due = store_fd_unlock_due_for(db, report_id);

		if (due)
			return due < 0 ? STORE_WORKFLOW_ERROR : STORE_WORKFLOW_RECALC_DUE;
	}
	v = l.last_version + 1;
	st = db_prepare(db, "INSERT INTO report_versions (report_id, version_no, agency_id, year, revision, own_total_milli,"
			" outsourced_total_milli, scope_text, outsourced_scope_text, confirmed_by, confirmed_at,"
			" reopen_reason, reopened_by, reopened_at)"
			" SELECT id, ?, agency_id, year, revision, own_total_milli, outsourced_total_milli, scope_text,"
			" outsourced_scope_text, ?, NOW(), reopen_reason, reopened_by, reopened_at FROM reports WHERE id = ?");
	if (!st)
		return STORE_WORKFLOW_ERROR;
	db_bind_int(st, 0, v);
	db_bind_int(st, 1, account_id);
	db_bind_int(st, 2, report_id);
	if (db_exec(st))
		return STORE_WORKFLOW_ERROR;
	if (exec_id_version(db_prepare(db, "INSERT INTO report_version_items (report_id, version_no, part, item, seq,"
				       " refrigerant, name, unit, quantity_milli, a1, a2, a3, dq_note, dq_keeper, ad_lower_milli,"
				       " ad_upper_milli, ad_basis, notation, notation_text, carried_from)"
				       " SELECT report_id, ?, part, item, seq, refrigerant, name, unit, quantity_milli, a1, a2, a3,"
				       " dq_note, dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis, notation, notation_text, carried_from"
				       " FROM report_items WHERE report_id = ?"), report_id, v) ||
	    exec_id_version(db_prepare(db, "INSERT INTO report_version_exclusions (report_id, version_no, seq, name, reason)"
				       " SELECT report_id, ?, seq, name, reason FROM report_exclusions WHERE report_id = ?"),
			    report_id, v) ||
	    exec_id_version(db_prepare(db, "INSERT INTO report_version_lines (report_id, version_no, part, item, seq,"
				       " category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources, provisional,"
				       " iso_category, a1, a2, a3, dq_note, dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis)"
				       " SELECT report_id, ?, part, item, seq, category, scope, quantity_milli, kg_milli,"
				       " factor_text, gwp_set, method, sources, provisional, iso_category, a1, a2, a3, dq_note,"
				       " dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis FROM report_lines WHERE report_id = ?"),
			    report_id, v) ||
	    exec_id_version(db_prepare(db, "INSERT INTO report_version_line_gases (report_id, version_no, part, item, seq, gas,"
				       " kg_milli, ef_lower_milli, ef_upper_milli)"
				       " SELECT report_id, ?, part, item, seq, gas, kg_milli, ef_lower_milli, ef_upper_milli"
				       " FROM report_line_gases WHERE report_id = ?"), report_id, v))
		return STORE_WORKFLOW_ERROR;
	st = db_prepare(db, "UPDATE reports SET confirmed_version = ?, last_version = ?,"
			" reopen_reason = NULL, reopened_by = NULL, reopened_at = NULL WHERE id = ?");
	if (!st)
		return STORE_WORKFLOW_ERROR;
	db_bind_int(st, 0, v);
	db_bind_int(st, 1, v);
	db_bind_int(st, 2, report_id);
	if (db_exec(st))
		return STORE_WORKFLOW_ERROR;
	*version_no = v;
	return STORE_WORKFLOW_OK;
}

enum store_workflow_result store_workflow_return(struct db *db, long long report_id, long long expected_revision,
						 long long account_id, const char *comment)
{
	struct locked l;
	enum store_workflow_result res = check_filed(db, report_id, expected_revision, &l);
	struct db_stmt *st;

	if (res != STORE_WORKFLOW_OK)
		return res;
	st = db_prepare(db, "UPDATE reports SET revision = revision + 1, filed = 0, returned = 1, return_comment = ?,"
			" returned_at = NOW(), returned_by = ? WHERE id = ?");
	if (!st)
		return STORE_WORKFLOW_ERROR;
	db_bind_text(st, 0, comment);
	db_bind_int(st, 1, account_id);
	db_bind_int(st, 2, report_id);
	return db_exec(st) ? STORE_WORKFLOW_ERROR : STORE_WORKFLOW_OK;
}

/* Locks report_id and requires it confirmed. */
static enum store_workflow_result check_confirmed(struct db *db, long long report_id)
{
	struct locked l;
	int r = lock_report(db, report_id, &l);

	if (r < 0)
		return STORE_WORKFLOW_ERROR;
	if (!r)
		return STORE_WORKFLOW_NOT_FOUND;
	return l.confirmed ? STORE_WORKFLOW_OK : STORE_WORKFLOW_NOT_CONFIRMED;
}

enum store_workflow_result store_workflow_reopen(struct db *db, long long report_id, long long account_id,
						 const char *reason)
{
	enum store_workflow_result res = check_confirmed(db, report_id);
	struct db_stmt *st;

	if (res != STORE_WORKFLOW_OK)
		return res;
	st = db_prepare(db, "UPDATE reports SET revision = revision + 1, confirmed_version = NULL, filed = 0, reopen_reason = ?,"
			" reopened_by = ?, reopened_at = NOW(), correction_reason = NULL, correction_at = NULL WHERE id = ?");
	if (!st)
		return STORE_WORKFLOW_ERROR;
	db_bind_text(st, 0, reason);
	db_bind_int(st, 1, account_id);
	db_bind_int(st, 2, report_id);
	return db_exec(st) ? STORE_WORKFLOW_ERROR : STORE_WORKFLOW_OK;
}

enum store_workflow_result store_workflow_request_correction(struct db *db, long long report_id, const char *reason)
{
	enum store_workflow_result res = check_confirmed(db, report_id);
	struct db_stmt *st;

	if (res != STORE_WORKFLOW_OK)
		return res;
	st = db_prepare(db, "UPDATE reports SET correction_reason = ?, correction_at = NOW() WHERE id = ?");
	if (!st)
		return STORE_WORKFLOW_ERROR;
	db_bind_text(st, 0, reason);
	db_bind_int(st, 1, report_id);
	return db_exec(st) ? STORE_WORKFLOW_ERROR : STORE_WORKFLOW_OK;
}

int store_workflow_clear_return(struct db *db, long long report_id)
{
	struct db_stmt *st = db_prepare(db, "UPDATE reports SET returned = 0 WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	return db_exec(st);
}

/* Who acted, from an accounts row aliased a with its agency g and county c (as store_report.c names them). */
#define ACTOR_NAME(a, g, c) "IFNULL(IF(" a ".kind = 'team', CONCAT(" c ".name, '盤查小組'), " g ".name), IFNULL(" a ".login, ''))"
#define ACTOR_JOIN(col, a, g, c) \
	" LEFT JOIN accounts " a " ON " a ".id = " col " LEFT JOIN agencies " g " ON " g ".id = " a ".agency_id" \
	" LEFT JOIN counties " c " ON " c ".id = " a ".county_id"

static void version_row(struct db_stmt *st, struct store_workflow_version *v)
{
	v->version_no = (int)db_col_int(st, 0);
	v->revision = db_col_int(st, 1);
	v->own_total_milli = db_col_int(st, 2);
	v->outsourced_total_milli = db_col_int(st, 3);
	v->confirmed_by = db_col_int(st, 4);
	db_col_copy(st, 5, v->confirmed_by_login, sizeof(v->confirmed_by_login));
	db_col_copy(st, 6, v->confirmed_at, sizeof(v->confirmed_at));
	db_col_copy(st, 7, v->reopen_reason, sizeof(v->reopen_reason));
	v->reopened_by = db_col_int(st, 8);
	db_col_copy(st, 9, v->reopened_at, sizeof(v->reopened_at));
	db_col_copy(st, 10, v->confirmed_by_name, sizeof(v->confirmed_by_name));
	db_col_copy(st, 11, v->reopened_by_login, sizeof(v->reopened_by_login));
	db_col_copy(st, 12, v->reopened_by_name, sizeof(v->reopened_by_name));
}

int store_workflow_versions(struct db *db, long long report_id,
			    int (*each)(void *ctx, const struct store_workflow_version *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT v.version_no, v.revision, v.own_total_milli, v.outsourced_total_milli,"
				       " v.confirmed_by, ca.login, DATE_FORMAT(v.confirmed_at, '%Y-%m-%d %H:%i:%s'),"
				       " IFNULL(v.reopen_reason, ''), IFNULL(v.reopened_by, 0),"
				       " IFNULL(DATE_FORMAT(v.reopened_at, '%Y-%m-%d %H:%i:%s'), ''), " ACTOR_NAME("ca", "cg", "cc") ","
				       " IFNULL(oa.login, ''), IF(oa.id IS NULL, '', " ACTOR_NAME("oa", "og", "oc") ")"
				       " FROM report_versions v" ACTOR_JOIN("v.confirmed_by", "ca", "cg", "cc")
				       ACTOR_JOIN("v.reopened_by", "oa", "og", "oc")
				       " WHERE v.report_id = ? ORDER BY v.version_no");
	struct store_workflow_version v;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		version_row(st, &v);
		if (each(ctx, &v))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_workflow_version_lines(struct db *db, long long report_id, int version_no,
				 int (*each)(void *ctx, const struct store_workflow_line *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT l.part, l.item, l.seq, l.category, l.scope, l.quantity_milli, l.kg_milli,"
				       " l.factor_text, l.gwp_set, l.method, l.sources, l.provisional, IFNULL(i.refrigerant, ''),"
				       " l.iso_category, l.a1, l.a2, l.a3, IFNULL(l.ad_lower_milli, -1), IFNULL(l.ad_upper_milli, -1),"
				       " l.ad_basis, l.dq_note,"
				       " IFNULL((SELECT GROUP_CONCAT(g.gas, ':', g.kg_milli, ':', IFNULL(g.ef_lower_milli, '-'), '/',"
				       " IFNULL(g.ef_upper_milli, '-') ORDER BY g.gas SEPARATOR ' ') FROM report_version_line_gases g"
				       " WHERE g.report_id = l.report_id AND g.version_no = l.version_no AND g.part = l.part"
				       " AND g.item = l.item AND g.seq = l.seq), '')"
				       " FROM report_version_lines l LEFT JOIN report_version_items i ON i.report_id = l.report_id"
				       " AND i.version_no = l.version_no AND i.part = l.part AND i.item = l.item AND i.seq = l.seq"
				       " WHERE l.report_id = ? AND l.version_no = ? ORDER BY l.part, l.item, l.seq");
	struct store_workflow_line l;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	db_bind_int(st, 1, version_no);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		l.part = !strcmp(db_col_text(st, 0, NULL), "own") ? CALC_OWN : CALC_OUTSOURCED;
		db_col_copy(st, 1, l.item, sizeof(l.item));
		l.seq = (int)db_col_int(st, 2);
		db_col_copy(st, 3, l.category, sizeof(l.category));
		l.scope = (int)db_col_int(st, 4);
		l.quantity_milli = db_col_int(st, 5);
		l.kg_milli = db_col_int(st, 6);
		db_col_copy(st, 7, l.factor_text, sizeof(l.factor_text));
		db_col_copy(st, 8, l.gwp_set, sizeof(l.gwp_set));
		db_col_copy(st, 9, l.method, sizeof(l.method));
		db_col_copy(st, 10, l.sources, sizeof(l.sources));
		l.provisional = (int)db_col_int(st, 11);
		db_col_copy(st, 12, l.refrigerant, sizeof(l.refrigerant));
		l.iso_category = (int)db_col_int(st, 13);
		l.a1 = (int)db_col_int(st, 14);
		l.a2 = (int)db_col_int(st, 15);
		l.a3 = (int)db_col_int(st, 16);
		l.ad_lower_milli = (int)db_col_int(st, 17);
		l.ad_upper_milli = (int)db_col_int(st, 18);
		db_col_copy(st, 19, l.ad_basis, sizeof(l.ad_basis));
		db_col_copy(st, 20, l.dq_note, sizeof(l.dq_note));
		db_col_copy(st, 21, l.gases, sizeof(l.gases));
		if (each(ctx, &l))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_workflow_version_exclusions(struct db *db, long long report_id, int version_no,
				      int (*each)(void *ctx, const struct store_report_exclusion *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT seq, name, reason FROM report_version_exclusions"
				       " WHERE report_id = ? AND version_no = ? ORDER BY seq");
	struct store_report_exclusion row = { 0 };
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	db_bind_int(st, 1, version_no);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.seq = (int)db_col_int(st, 0);
		db_col_copy(st, 1, row.name, sizeof(row.name));
		db_col_copy(st, 2, row.reason, sizeof(row.reason));
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_workflow_version_noted(struct db *db, long long report_id, int version_no,
				 int (*each)(void *ctx, const struct store_report_noted *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT part, item, seq, IFNULL(refrigerant, ''), quantity_milli, IFNULL(notation + 0, 0),"
				       " IFNULL(notation_text, ''), IFNULL(carried_from, 0) FROM report_version_items"
				       " WHERE report_id = ? AND version_no = ? AND (notation IS NOT NULL OR carried_from IS NOT NULL)"
				       " ORDER BY part, item, seq");
	struct store_report_noted row = { 0 };
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, report_id);
	db_bind_int(st, 1, version_no);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		int k = (int)db_col_int(st, 5);

		row.part = !strcmp(db_col_text(st, 0, NULL), "own") ? CALC_OWN : CALC_OUTSOURCED;
		db_col_copy(st, 1, row.item, sizeof(row.item));
		row.seq = (int)db_col_int(st, 2);
		db_col_copy(st, 3, row.refrigerant, sizeof(row.refrigerant));
		row.has_quantity = !db_col_isnull(st, 4);
		row.quantity_milli = row.has_quantity ? db_col_int(st, 4) : 0;
		row.n.key = k == 1 ? STORE_NOTATION_NE : k == 2 ? STORE_NOTATION_IE : STORE_NOTATION_NONE;
		db_col_copy(st, 6, row.n.text, sizeof(row.n.text));
		row.n.carried_from = (int)db_col_int(st, 7);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

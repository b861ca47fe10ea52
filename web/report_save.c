/* report_save.c: saving an agency's yearly report: one transaction, its audit trail and its outbox row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "audit.h"
#include "job.h"
#include "report.h"
#include "session.h"
#include "util.h"

/*
 * DESIGN: a save is one transaction.  The report row is locked (FOR UPDATE)
 * and its version compared with the one the form was opened at: another
 * save in between makes this one REPORT_STALE (409, the input kept).  The
 * lines are written again, every changed field goes to the audit trail
 * (old -> new), and an outbox row asks the worker for the rollup, all in
 * the same transaction, so a total is never recomputed for a save that did
 * not happen, nor missed for one that did.  A random save token is written
 * with the report: when the connection is lost at COMMIT the server may
 * have committed, so committed() asks for the token (while the server is
 * restarting, never while it hangs) and the page says "not saved", "saved"
 * or, honestly, that it cannot tell (REPORT_UNKNOWN).  A deadlock or a lock
 * wait with another save or the worker is retried, while the request is
 * young.  Redis is told after the commit, only to wake the worker.
 */

/* Every field of a report as (key, label, value): what the audit trail compares. */
struct flat {
	const char *key[256], *label[256], *value[256];
	int n;
};

static void flat_add(struct flat *fl, const char *key, const char *label, const char *value)
{
	if (fl->n < 256 && value && *value) {
		fl->key[fl->n] = key;
		fl->label[fl->n] = label;
		fl->value[fl->n] = value;
		fl->n++;
	}
}

static void flatten(struct arena *a, const struct report *r, struct flat *fl)
{
	fl->n = 0;
	flat_add(fl, "scope_text", "盤查範圍", r->scope_text);
	flat_add(fl, "outsourced_scope_text", "委外操作範圍說明", r->outsourced_scope_text);
	flat_add(fl, "confirmed", "我已確認完整填報各欄位", r->id || r->version >= 0 ? (r->confirmed ? "是" : "否") : NULL);
	for (int p = 0; p < CALC_PART__MAX; p++) {
		const struct report_part *rp = &r->part[p];
		const char *pk = calc_part_keys[p], *pl = report_part_label[p];

		for (int k = 0; k < CALC__MAX; k++)
			if (k != CALC_REFRIGERANT)
				flat_add(fl, arena_printf(a, "%s.%s", pk, calc_items[k].key),
					 arena_printf(a, "%s %s", pl, calc_items[k].label), rp->qty[k]);
		flat_add(fl, arena_printf(a, "%s.generator_name", pk), arena_printf(a, "%s 發電機設施名稱", pl), rp->generator_name);
		flat_add(fl, arena_printf(a, "%s.R134a", pk), arena_printf(a, "%s 冷媒R134a", pl), rp->r134a);
		flat_add(fl, arena_printf(a, "%s.R410a", pk), arena_printf(a, "%s 冷媒R410a", pl), rp->r410a);
		for (int i = 0; i < rp->nref; i++)
			flat_add(fl, arena_printf(a, "%s.ref%d", pk, i + 1), arena_printf(a, "%s 其他冷媒 %d", pl, i + 1),
				 arena_printf(a, "%s %s 公斤", rp->ref_type[i], rp->ref_qty[i] ? rp->ref_qty[i] : ""));
		for (int i = 0; i < rp->nother; i++)
			flat_add(fl, arena_printf(a, "%s.other%d", pk, i + 1), arena_printf(a, "%s 其他能源 %d", pl, i + 1),
				 arena_printf(a, "%s %s %s", rp->other_name[i], rp->other_qty[i] ? rp->other_qty[i] : "",
					      rp->other_unit[i]));
	}
}

static const char *flat_get(const struct flat *fl, const char *key, const char **label)
{
	for (int i = 0; i < fl->n; i++)
		if (!strcmp(fl->key[i], key)) {
			if (label)
				*label = fl->label[i];
			return fl->value[i];
		}
	return NULL;
}

/* The thousandths of a checked quantity's text into *m: 0, or -1 (logged) when it is not one. */
static int milli_of(const char *s, long long *m)
{
	dec_t d;

	if (!s || dec_parse(s, strlen(s), 3, DEC_ALLOW_GROUPING, &d) != DEC_OK || dec_to_scaled_i64(d, 3, m))
		return error("report save: quantity %.40s does not fit", s ? s : "(null)");
	return 0;
}

static int insert_item(struct db *db, long long rid, int part, const char *item, int seq, const char *refrigerant,
		       const char *name, const char *unit, const char *qty)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO report_items (report_id, part, item, seq, refrigerant, name, unit, quantity_milli)"
		" VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?)");
	long long m = 0;

	if (!st || (qty && milli_of(qty, &m)))
		return -1;
	db_bind_int(st, 0, rid);
	db_bind_text(st, 1, calc_part_keys[part]);
	db_bind_text(st, 2, item);
	db_bind_int(st, 3, seq);
	db_bind_text(st, 4, refrigerant ? refrigerant : "");
	db_bind_text(st, 5, name ? name : "");
	db_bind_text(st, 6, unit ? unit : "");
	if (qty)
		db_bind_int(st, 7, m);
	else
		db_bind_null(st, 7);
	return db_exec(st);
}

/*
 * After a connection lost at COMMIT: was the save with `token` committed?
 * Asks again for up to 15 s (a restarting server); 1 yes, 0 no, -1 unknown.
 */
static int committed(struct db *db, const struct report *r, const char *token)
{
	for (int i = 0; i < 30; i++) {
		struct db_stmt *st;

		/* A server that hangs (not one restarting) gets no more of the user's time. */
		if (db_paused(db))
			return -1;
		db_rollback(db);
		st = db_prepare(db, "SELECT save_token = ? FROM reports WHERE agency_id = ? AND year = ?");
		if (st) {
			db_bind_text(st, 0, token);
			db_bind_int(st, 1, r->agency_id);
			db_bind_int(st, 2, r->year);
			if (!db_exec(st)) {
				int yes = db_step(st) == 1 && db_col_int(st, 0) == 1;

				db_reset(st);
				return yes;
			}
		}
		usleep(500000);
	}
	return -1;
}

static enum report_save save_once(struct request *req, struct report *r, const struct calc_line *lines, int n,
				  const struct calc_result *res)
{
	unsigned char rnd[16];
	char token[33];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return REPORT_FAILED;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(token + i * 2, 3, "%02x", rnd[i]);

	struct db *db = &req->app->db;
	struct report old;
	struct flat *fo = arena_alloc(&req->arena, sizeof(*fo)), *fn = arena_alloc(&req->arena, sizeof(*fn));
	struct db_stmt *st;
	long long own = 0, out = 0, rid;

	if (db_begin(db))
		return REPORT_FAILED;
	st = db_prepare(db, "SELECT id, version FROM reports WHERE agency_id = ? AND year = ? FOR UPDATE");
	if (!st)
		goto fail;
	db_bind_int(st, 0, r->agency_id);
	db_bind_int(st, 1, r->year);
	if (db_exec(st))
		goto fail;
	long long cur = db_step(st) == 1 ? db_col_int(st, 1) : 0;
	db_reset(st);
	if (cur != r->version) {
		db_rollback(db);
		return REPORT_STALE;
	}
	if (report_load(req, r->agency_id, r->year, &old))
		goto fail;
	if (dec_to_scaled_i64(res->total[CALC_OWN], 3, &own) || dec_to_scaled_i64(res->total[CALC_OUTSOURCED], 3, &out)) {
		/* calc_compute() and the report bound exclude it; never store a stand-in. */
		error("report save: a total does not fit");
		db_rollback(db);
		return REPORT_FAILED;
	}
	if (!old.id) {
		st = db_prepare(db, "INSERT INTO reports (agency_id, year, version, confirmed, scope_text, outsourced_scope_text,"
				    " own_total_milli, outsourced_total_milli, computed_at, updated_at, updated_by, save_token)"
				    " VALUES (?, ?, 1, ?, ?, ?, ?, ?, NOW(), NOW(), ?, ?)");
		if (!st)
			goto fail;
		db_bind_int(st, 0, r->agency_id);
		db_bind_int(st, 1, r->year);
		db_bind_int(st, 2, r->confirmed);
		db_bind_text(st, 3, r->scope_text);
		db_bind_text(st, 4, r->outsourced_scope_text);
		db_bind_int(st, 5, own);
		db_bind_int(st, 6, out);
		db_bind_int(st, 7, req->session->account_id);
		db_bind_text(st, 8, token);
		if (db_exec(st)) {
			if (db_err_duplicate(db)) {  /* someone else saved the first version meanwhile */
				db_rollback(db);
				return REPORT_STALE;
			}
			goto fail;
		}
		rid = (long long)db_insert_id(st);
	} else {
		rid = old.id;
		st = db_prepare(db, "UPDATE reports SET version = version + 1, confirmed = ?, scope_text = ?,"
				    " outsourced_scope_text = ?, own_total_milli = ?, outsourced_total_milli = ?,"
				    " computed_at = NOW(), updated_at = NOW(), updated_by = ?, save_token = ? WHERE id = ? AND version = ?");
		if (!st)
			goto fail;
		db_bind_int(st, 0, r->confirmed);
		db_bind_text(st, 1, r->scope_text);
		db_bind_text(st, 2, r->outsourced_scope_text);
		db_bind_int(st, 3, own);
		db_bind_int(st, 4, out);
		db_bind_int(st, 5, req->session->account_id);
		db_bind_text(st, 6, token);
		db_bind_int(st, 7, rid);
		db_bind_int(st, 8, r->version);
		if (db_exec(st))
			goto fail;
	}
	st = db_prepare(db, "DELETE FROM report_items WHERE report_id = ?");
	if (!st)
		goto fail;
	db_bind_int(st, 0, rid);
	if (db_exec(st))
		goto fail;
	for (int p = 0; p < CALC_PART__MAX; p++) {
		const struct report_part *rp = &r->part[p];

		for (int k = 0; k < CALC__MAX; k++) {
			const char *name = k == CALC_GENERATOR_DIESEL ? rp->generator_name : NULL;
			if (k == CALC_REFRIGERANT || (!rp->qty[k] && !(name && *name)))
				continue;
			if (insert_item(db, rid, p, calc_items[k].key, 0, NULL, name, NULL, rp->qty[k]))
				goto fail;
		}
		if ((rp->r134a && insert_item(db, rid, p, "refrigerant", REPORT_SEQ_R134A, "R134a", NULL, NULL, rp->r134a)) ||
		    (rp->r410a && insert_item(db, rid, p, "refrigerant", REPORT_SEQ_R410A, "R410a", NULL, NULL, rp->r410a)))
			goto fail;
		for (int i = 0; i < rp->nref; i++)
			if (insert_item(db, rid, p, "refrigerant", REPORT_SEQ_EXTRA + i, rp->ref_type[i], NULL, NULL, rp->ref_qty[i]))
				goto fail;
		for (int i = 0; i < rp->nother; i++)
			if (insert_item(db, rid, p, "other", i + 1, NULL, rp->other_name[i], rp->other_unit[i], rp->other_qty[i]))
				goto fail;
	}
	st = db_prepare(db, "DELETE FROM report_lines WHERE report_id = ?");
	if (!st)
		goto fail;
	db_bind_int(st, 0, rid);
	if (db_exec(st))
		goto fail;
	for (int i = 0; i < n; i++) {
		const struct calc_line *l = &lines[i];
		long long qm = 0, km = 0;

		st = db_prepare(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli,"
				    " kg_milli, factor_text, gwp_set, method, sources, provisional)"
				    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if (!st)
			goto fail;
		if (dec_to_scaled_i64(l->quantity, 3, &qm) || dec_to_scaled_i64(l->kg, 3, &km)) {
			error("report save: line %d does not fit", i);
			db_rollback(db);
			return REPORT_FAILED;
		}
		db_bind_int(st, 0, rid);
		db_bind_text(st, 1, calc_part_keys[l->part]);
		db_bind_text(st, 2, calc_items[l->item].key);
		db_bind_int(st, 3, l->seq);
		db_bind_text(st, 4, calc_category_keys[l->category]);
		db_bind_int(st, 5, l->scope);
		db_bind_int(st, 6, qm);
		db_bind_int(st, 7, km);
		db_bind_text(st, 8, l->factor_text);
		db_bind_text(st, 9, l->gwp_set);
		db_bind_text(st, 10, l->method);
		db_bind_text(st, 11, l->sources);
		db_bind_int(st, 12, l->provisional);
		if (db_exec(st))
			goto fail;
	}
	/* The audit trail: every field whose value changed, old -> new. */
	old.version = old.id ? 0 : -1;
	r->id = rid;
	flatten(&req->arena, &old, fo);
	flatten(&req->arena, r, fn);
	for (int i = 0; i < fn->n; i++) {
		const char *ov = flat_get(fo, fn->key[i], NULL);
		if ((!ov || strcmp(ov, fn->value[i])) &&
		    audit_add(req, r->agency_id, r->year, fn->label[i], ov, fn->value[i]))
			goto fail;
	}
	for (int i = 0; i < fo->n; i++) {
		if (!flat_get(fn, fo->key[i], NULL) &&
		    audit_add(req, r->agency_id, r->year, fo->label[i], fo->value[i], NULL))
			goto fail;
	}
	/* The recalculation it calls for, in the same transaction (the outbox). */
	st = db_prepare(db, "INSERT INTO outbox (county_id, year, agency_id, created_at)"
			    " SELECT county_id, ?, id, NOW(3) FROM agencies WHERE id = ?");
	if (!st)
		goto fail;
	db_bind_int(st, 0, r->year);
	db_bind_int(st, 1, r->agency_id);
	if (db_exec(st))
		goto fail;
	if (db_commit(db)) {
		int c;

		if (!db_err_is_connection(db))
			goto fail;
		/* Lost at COMMIT: the server may have committed before it went away. */
		error("report save: %s at commit; asking whether it was committed", db->errstr);
		c = committed(db, r, token);
		if (c == 0)
			return REPORT_FAILED;
		if (c < 0)
			return REPORT_UNKNOWN;
	}
	r->version = old.id ? r->version + 1 : 1;
	/* Wake a worker; if Redis is down the worker's outbox poll finds the work anyway. */
	job_push_rollup(&req->app->queue, req->session->county_id, r->year);
	return REPORT_SAVED;
fail:
	if (db_err_contention(db)) {
		/* A deadlock (or a lock wait) with another save or the worker: InnoDB rolled back; try again. */
		log_warn("report save: %s; trying again", db->errstr);
		db_rollback(db);
		return REPORT_RETRY;
	}
	error("report save: %s", db->errstr);
	db_rollback(db);
	return REPORT_FAILED;
}

enum report_save report_save(struct request *req, struct report *r, const struct calc_line *lines, int n,
			     const struct calc_result *res)
{
	enum report_save rc = REPORT_FAILED;
	long long t0 = now_ms();

	/* Deadlocks are retried at once; lock waits only while the request is young. */
	for (int attempt = 0; attempt < 4 && now_ms() - t0 < 1500; attempt++) {
		rc = save_once(req, r, lines, n, res);
		if (rc != REPORT_RETRY)
			return rc;
		usleep(10000 * (attempt + 1));
	}
	return REPORT_FAILED;
}

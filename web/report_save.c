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
#include "store_report.h"
#include "store_rollup.h"
#include "store_workflow.h"
#include "store_year.h"
#include "util.h"

/*
 * DESIGN: a save is one transaction.  It first reads the county-year's
 * lock (store_year_save_basis, share mode: a 年度鎖定 waits for the save or
 * the save for it) and writes nothing in a locked year (REPORT_LOCKED).
 * The same read takes the county's electricity variant and the factors'
 * stamp in share mode: when a factor day's run wrote either after the
 * page computed the lines, the save says REPORT_RECALC and the page
 * computes them again (factor day's walk may already have passed this
 * report; the lines it stores must be the new factor's).
 * Then the report row is locked (FOR UPDATE): a 已確認 report is refused
 * (REPORT_CONFIRMED: the agency asks 申請更正 instead), and its revision is
 * compared with the one the form was opened at: another save, a 退回 or a
 * 重新開放 in between makes this one REPORT_STALE (409, the input kept).
 * 確認 locks the same row and checks the revision, so a save and a 確認
 * end in one order or the other, never a confirmed report whose rows are
 * not its version's.  The lines are written again, the 退回 flag cleared,
 * every changed field goes to the audit trail (old -> new), and an outbox
 * row asks the worker for the rollup, all in the same transaction, so a total is never recomputed for a save that did
 * not happen, nor missed for one that did.  A random save token is written
 * with the report: when the connection is lost at COMMIT the server may
 * have committed, so committed() asks for the token (while the server is
 * restarting, never while it hangs) and the page says "not saved", "saved"
 * or, honestly, that it cannot tell (REPORT_UNKNOWN).  A deadlock or a lock
 * wait with another save or the worker is retried, while the request is
 * young.  Redis is told after the commit, only to wake the worker.  The
 * statements are store_report's; this file keeps the transaction, the
 * order of its steps, the retries and what each outcome means.  A form
 * whose revision is missing or not a number never gets here (page_report.c
 * refuses it with a 400): read as 0, it would pass for a new report's.
 */

/* Every field of a report as (key, label, value): what the audit trail compares. */
struct flat {
	const char *key[1024], *label[1024], *value[1024];
	int n;
};

static void flat_add(struct flat *fl, const char *key, const char *label, const char *value)
{
	if (fl->n < 1024 && value && *value) {
		fl->key[fl->n] = key;
		fl->label[fl->n] = label;
		fl->value[fl->n] = value;
		fl->n++;
	}
}

/* The quality fields of a line as audit entries (only what was typed: the defaults are NULL). */
static void flat_quality(struct arena *a, struct flat *fl, const char *key, const char *label, const struct dq_typed *q)
{
	static const char *const names[3] = { "A1 活動數據種類", "A2 活動數據可信度", "A3 係數種類" };

	for (int i = 0; i < 3; i++)
		flat_add(fl, arena_printf(a, "%s.a%d", key, i + 1), arena_printf(a, "%s %s", label, names[i]), q->a[i]);
	flat_add(fl, arena_printf(a, "%s.dq_note", key), arena_printf(a, "%s 數據可信度資訊說明", label), q->note);
	flat_add(fl, arena_printf(a, "%s.dq_keeper", key), arena_printf(a, "%s 保存單位", label), q->keeper);
	flat_add(fl, arena_printf(a, "%s.ad_lower", key), arena_printf(a, "%s 活動數據不確定性下限 %%", label), q->ad_lower);
	flat_add(fl, arena_printf(a, "%s.ad_upper", key), arena_printf(a, "%s 活動數據不確定性上限 %%", label), q->ad_upper);
	flat_add(fl, arena_printf(a, "%s.ad_basis", key), arena_printf(a, "%s 不確定性依據", label), q->basis);
}

/* A line's NE / IE mark and its 沿用 as audit entries (a mark's text alone is not kept: nothing is stored). */
static void flat_mark(struct arena *a, struct flat *fl, const char *key, const char *label, const struct report_mark *m)
{
	if (m->key)
		flat_add(fl, arena_printf(a, "%s.mark", key), arena_printf(a, "%s 註記", label),
			 arena_printf(a, "%s：%s", m->key, m->text ? m->text : ""));
	if (m->carried_from)
		flat_add(fl, arena_printf(a, "%s.carried", key), arena_printf(a, "%s 沿用", label),
			 arena_printf(a, "沿用 %d 年數量", m->carried_from));
}

static void flatten(struct arena *a, const struct report *r, struct flat *fl)
{
	fl->n = 0;
	flat_add(fl, "scope_text", "盤查範圍", r->scope_text);
	flat_add(fl, "outsourced_scope_text", "委外操作範圍說明", r->outsourced_scope_text);
	flat_add(fl, "filed", "我已確認完整填報各欄位", r->id || r->revision >= 0 ? (r->filed ? "是" : "否") : NULL);
	for (int p = 0; p < CALC_PART__MAX; p++) {
		const struct report_part *rp = &r->part[p];
		const char *pk = calc_part_keys[p], *pl = report_part_label[p];

		for (int k = 0; k < CALC__MAX; k++)
			if (k != CALC_REFRIGERANT) {
				const char *key = arena_printf(a, "%s.%s", pk, calc_items[k].key);
				const char *label = arena_printf(a, "%s %s", pl, calc_items[k].label);

				flat_add(fl, key, label, rp->qty[k]);
				flat_quality(a, fl, key, label, &rp->qk[k]);
				flat_mark(a, fl, key, label, &rp->mk[k]);
			}
		flat_add(fl, arena_printf(a, "%s.generator_name", pk), arena_printf(a, "%s 發電機設施名稱", pl), rp->generator_name);
		flat_add(fl, arena_printf(a, "%s.R134a", pk), arena_printf(a, "%s 冷媒R134a", pl), rp->r134a);
		flat_quality(a, fl, arena_printf(a, "%s.R134a", pk), arena_printf(a, "%s 冷媒R134a", pl), &rp->q134a);
		flat_mark(a, fl, arena_printf(a, "%s.R134a", pk), arena_printf(a, "%s 冷媒R134a", pl), &rp->mk134a);
		flat_add(fl, arena_printf(a, "%s.R410a", pk), arena_printf(a, "%s 冷媒R410a", pl), rp->r410a);
		flat_quality(a, fl, arena_printf(a, "%s.R410a", pk), arena_printf(a, "%s 冷媒R410a", pl), &rp->q410a);
		flat_mark(a, fl, arena_printf(a, "%s.R410a", pk), arena_printf(a, "%s 冷媒R410a", pl), &rp->mk410a);
		for (int i = 0; i < rp->nref; i++) {
			const char *key = arena_printf(a, "%s.ref%d", pk, i + 1), *label = arena_printf(a, "%s 其他冷媒 %d", pl, i + 1);

			/* An NE / IE row is its type alone. */
			flat_add(fl, key, label, rp->ref_qty[i] ? arena_printf(a, "%s %s 公斤", rp->ref_type[i], rp->ref_qty[i])
							       : rp->ref_type[i]);
			flat_quality(a, fl, key, label, &rp->qref[i]);
			/* The mark's label names the type: the trail reads "不含委外 其他冷媒 1（R22） 註記". */
			flat_mark(a, fl, key, arena_printf(a, "%s（%s）", label, rp->ref_type[i]), &rp->mkref[i]);
		}
		for (int i = 0; i < rp->nother; i++)
			flat_add(fl, arena_printf(a, "%s.other%d", pk, i + 1), arena_printf(a, "%s 其他能源 %d", pl, i + 1),
				 arena_printf(a, "%s %s %s", rp->other_name[i], rp->other_qty[i] ? rp->other_qty[i] : "",
					      rp->other_unit[i]));
	}
	for (int i = 0; i < r->nexcl; i++)
		flat_add(fl, arena_printf(a, "excl%d", i + 1), arena_printf(a, "排除之排放源 %d", i + 1),
			 arena_printf(a, "%s：%s", r->excl_name[i], r->excl_reason[i]));
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

/*
 * What a step of the save returns besides 0: SAVE_DB, a database error
 * (db->errstr: a deadlock is tried again); SAVE_UNFIT, a number that does
 * not fit a column (calc_compute() and the form's bounds exclude it:
 * logged, never stored as a stand-in, never retried); SAVE_STALE, another
 * save (or a 退回, a 重新開放) came first; SAVE_LOCKED, the county-year is
 * locked; SAVE_CONFIRMED, the report is 已確認.
 */
enum { SAVE_DB = -1, SAVE_UNFIT = -2, SAVE_STALE = -3, SAVE_LOCKED = -4, SAVE_CONFIRMED = -5, SAVE_RECALC = -6 };

static int insert_item(struct db *db, long long rid, int part, const char *item, int seq, const char *refrigerant,
		       const char *name, const char *unit, const char *qty, const struct dq_typed *typed,
		       const struct report_mark *mk)
{
	struct store_quality q;
	struct store_notation nt = { 0 };
	long long m = 0;

	if (qty && milli_of(qty, &m))
		return SAVE_UNFIT;
	dq_to_stored(qty ? typed : NULL, &q);
	if (store_report_item_add(db, rid, (enum calc_part)part, item, seq, refrigerant, name, unit, qty ? &m : NULL, &q))
		return SAVE_DB;
	if (!mk)
		return 0;
	/* The form checked it: a mark has its text and no quantity, a carried line its quantity. */
	if (mk->key && !qty) {
		nt.key = !strcmp(mk->key, "NE") ? STORE_NOTATION_NE : STORE_NOTATION_IE;
		snprintf(nt.text, sizeof(nt.text), "%s", mk->text ? mk->text : "");
	} else if (mk->carried_from && qty) {
		nt.carried_from = mk->carried_from;
	}
	return store_report_item_notation(db, rid, (enum calc_part)part, item, seq, &nt) ? SAVE_DB : 0;
}

/* What was typed, as report_items rows (all of them again); had_excl: the report had 排除之排放源 rows. */
static int write_items(struct db *db, long long rid, const struct report *r, int had_excl)
{
	int rc = 0;

	if (store_report_items_clear(db, rid))
		return SAVE_DB;
	for (int p = 0; p < CALC_PART__MAX && !rc; p++) {
		const struct report_part *rp = &r->part[p];

		for (int k = 0; k < CALC__MAX && !rc; k++) {
			const char *name = k == CALC_GENERATOR_DIESEL ? rp->generator_name : NULL;
			if (k == CALC_REFRIGERANT || (!rp->qty[k] && !(name && *name) && !rp->mk[k].key))
				continue;
			rc = insert_item(db, rid, p, calc_items[k].key, 0, NULL, name, NULL, rp->qty[k], &rp->qk[k], &rp->mk[k]);
		}
		if (!rc && (rp->r134a || rp->mk134a.key))
			rc = insert_item(db, rid, p, "refrigerant", REPORT_SEQ_R134A, "R134a", NULL, NULL, rp->r134a, &rp->q134a,
					 &rp->mk134a);
		if (!rc && (rp->r410a || rp->mk410a.key))
			rc = insert_item(db, rid, p, "refrigerant", REPORT_SEQ_R410A, "R410a", NULL, NULL, rp->r410a, &rp->q410a,
					 &rp->mk410a);
		for (int i = 0; i < rp->nref && !rc; i++)
			rc = insert_item(db, rid, p, "refrigerant", REPORT_SEQ_EXTRA + i, rp->ref_type[i], NULL, NULL, rp->ref_qty[i],
					 &rp->qref[i], &rp->mkref[i]);
		for (int i = 0; i < rp->nother && !rc; i++)
			rc = insert_item(db, rid, p, "other", i + 1, NULL, rp->other_name[i], rp->other_unit[i], rp->other_qty[i], NULL,
					 NULL);
	}
	if (rc)
		return rc;
	/* 排除之排放源, all of them again (read under the report's lock: none to clear is none). */
	if (had_excl && store_report_exclusions_clear(db, rid))
		return SAVE_DB;
	for (int i = 0; i < r->nexcl; i++)
		if (store_report_exclusion_add(db, rid, i + 1, r->excl_name[i], r->excl_reason[i]))
			return SAVE_DB;
	return 0;
}

/* The computed lines, as report_lines rows with the quality values in force, and their gases (all of them again). */
static int write_lines(struct db *db, long long rid, const struct report *r, const struct calc_line *lines, int n)
{
	int rc;

	if (store_report_lines_clear(db, rid))   /* their gases go with them (ON DELETE CASCADE) */
		return SAVE_DB;
	for (int i = 0; i < n; i++) {
		long long qm = 0, km = 0;
		struct store_quality q;

		if (dec_to_scaled_i64(lines[i].quantity, 3, &qm) || dec_to_scaled_i64(lines[i].kg, 3, &km)) {
			error("report save: line %d does not fit", i);
			return SAVE_UNFIT;
		}
		report_line_quality(r, &lines[i], &q);
		if (store_report_line_add(db, rid, &lines[i], qm, km, &q))
			return SAVE_DB;
	}
	rc = store_report_line_gases_add(db, rid, lines, n);
	if (rc == -2) {
		error("report save: a gas amount does not fit");
		return SAVE_UNFIT;
	}
	return rc ? SAVE_DB : 0;
}

/* The audit trail: every field whose value changed, old -> new. */
static int write_audit(struct request *req, const struct report *old, const struct report *r)
{
	struct flat *fo = arena_alloc(&req->arena, sizeof(*fo)), *fn = arena_alloc(&req->arena, sizeof(*fn));

	flatten(&req->arena, old, fo);
	flatten(&req->arena, r, fn);
	for (int i = 0; i < fn->n; i++) {
		const char *ov = flat_get(fo, fn->key[i], NULL);
		if ((!ov || strcmp(ov, fn->value[i])) &&
		    audit_add(req, r->agency_id, r->year, fn->label[i], ov, fn->value[i]))
			return SAVE_DB;
	}
	for (int i = 0; i < fo->n; i++) {
		if (!flat_get(fn, fo->key[i], NULL) &&
		    audit_add(req, r->agency_id, r->year, fo->label[i], fo->value[i], NULL))
			return SAVE_DB;
	}
	return 0;
}

/*
 * The county-year's lock first, then the report row locked (the lock order
 * of docs/workflow.md); a confirmed report refused, its revision compared
 * with the form's; then what is stored (the audit trail's old values) into
 * *old.
 */
static int check_state(struct request *req, const struct report *r, const struct store_year_basis *used, struct report *old)
{
	struct db *db = &req->app->db;
	struct store_report_locked l;
	struct store_year_basis now;

	if (store_year_save_basis(db, req->session->county_id, r->year, &now) < 0)
		return SAVE_DB;
	if (now.locked)
		return SAVE_LOCKED;
	if (store_year_basis_moved(&now, used->elec, used->factors))
		return SAVE_RECALC;   /* a factor day's run wrote since: compute again with what it wrote */
	if (store_report_lock(db, r->agency_id, r->year, &l) < 0)
		return SAVE_DB;
	if (l.confirmed_version)
		return SAVE_CONFIRMED;
	if (l.revision != r->revision)
		return SAVE_STALE;
	return report_load(req, r->agency_id, r->year, old) ? SAVE_DB : 0;
}

/* The agency's save answers a 退回: the flag goes (the comment stays on record), and the trail says so. */
static int clear_return(struct request *req, const struct report *old, const struct report *r)
{
	if (!old->st || !old->st->returned)
		return 0;
	if (store_workflow_clear_return(&req->app->db, r->id) ||
	    audit_add(req, r->agency_id, r->year, "退回", old->st->return_comment, "已重新存檔（退回標記解除）"))
		return SAVE_DB;
	return 0;
}

/* The reports row: its first revision, or the next one; *rid set. */
static int write_report(struct request *req, const struct report *r, const struct report *old,
			const struct calc_result *res, const char *token, long long *rid)
{
	struct db *db = &req->app->db;
	struct store_report_write w = {
		.agency_id = r->agency_id, .year = r->year, .filed = r->filed,
		.scope_text = r->scope_text, .outsourced_scope_text = r->outsourced_scope_text,
		.account_id = req->session->account_id, .save_token = token,
	};

	if (dec_to_scaled_i64(res->total[CALC_OWN], 3, &w.own_total_milli) ||
	    dec_to_scaled_i64(res->total[CALC_OUTSOURCED], 3, &w.outsourced_total_milli)) {
		/* calc_compute() and the report bound exclude it; never store a stand-in. */
		error("report save: a total does not fit");
		return SAVE_UNFIT;
	}
	if (old->id) {
		*rid = old->id;
		return store_report_update(db, old->id, r->revision, &w) ? SAVE_DB : 0;
	}
	if (!store_report_insert(db, &w, rid))
		return 0;
	/* someone else saved the first revision meanwhile */
	return db_err_duplicate(db) ? SAVE_STALE : SAVE_DB;
}

/*
 * After a connection lost at COMMIT: was the save with `token` committed?
 * Asks again for up to 15 s (a restarting server); 1 yes, 0 no, -1 unknown.
 */
static int committed(struct db *db, const struct report *r, const char *token)
{
	for (int i = 0; i < 30; i++) {
		int yes;

		/* A server that hangs (not one restarting) gets no more of the user's time. */
		if (db_paused(db))
			return -1;
		db_rollback(db);
		yes = store_report_token_is(db, r->agency_id, r->year, token);
		if (yes >= 0)
			return yes;
		usleep(500000);
	}
	return -1;
}

/*
 * Commits: 0 with *out REPORT_SAVED, or, after a connection lost at COMMIT,
 * what the database says of it (REPORT_SAVED, REPORT_FAILED, REPORT_UNKNOWN);
 * SAVE_DB on another error.
 */
static int commit(struct db *db, const struct report *r, const char *token, enum report_save *out)
{
	int c;

	*out = REPORT_SAVED;
	if (!db_commit(db))
		return 0;
	if (!db_err_is_connection(db))
		return SAVE_DB;
	/* Lost at COMMIT: the server may have committed before it went away. */
	error("report save: %s at commit; asking whether it was committed", db->errstr);
	c = committed(db, r, token);
	*out = c > 0 ? REPORT_SAVED : c == 0 ? REPORT_FAILED : REPORT_UNKNOWN;
	return 0;
}

/* A random save token: 32 hex characters.  0, or -1 when the kernel gives no randomness. */
static int new_token(char token[33])
{
	unsigned char rnd[16];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(token + i * 2, 3, "%02x", rnd[i]);
	return 0;
}

/* The writes of one save, in the open transaction: 0, or a SAVE_ value. */
static int save_writes(struct request *req, struct report *r, const struct calc_line *lines, int n,
		       const struct calc_result *res, const struct store_year_basis *used, const char *token)
{
	struct db *db = &req->app->db;
	struct report *old = arena_alloc(&req->arena, sizeof(*old));
	long long rid = 0;
	int rc;

	rc = check_state(req, r, used, old);
	if (!rc)
		rc = write_report(req, r, old, res, token, &rid);
	if (!rc)
		rc = write_items(db, rid, r, old->st && old->st->has_exclusions);
	if (!rc)
		rc = write_lines(db, rid, r, lines, n);
	if (rc)
		return rc;
	old->revision = old->id ? 0 : -1;
	r->id = rid;
	rc = clear_return(req, old, r);
	if (!rc)
		rc = write_audit(req, old, r);
	if (!rc && store_rollup_queue_agency(db, r->agency_id, r->year))   /* the outbox, in the same transaction */
		rc = SAVE_DB;
	return rc;
}

static enum report_save save_once(struct request *req, struct report *r, const struct calc_line *lines, int n,
				  const struct calc_result *res, const struct store_year_basis *used)
{
	struct db *db = &req->app->db;
	enum report_save out;
	char token[33];
	int rc;

	if (new_token(token) || db_begin(db))
		return REPORT_FAILED;
	rc = save_writes(req, r, lines, n, res, used, token);
	if (!rc)
		rc = commit(db, r, token, &out);
	if (!rc) {
		if (out == REPORT_SAVED) {
			r->revision++;   /* the row's revision was r->revision (check_state) */
			/* Wake a worker; if Redis is down the worker's outbox poll finds the work anyway. */
			job_push_rollup(&req->app->queue, req->session->county_id, r->year);
		}
		return out;
	}
	if (rc == SAVE_STALE || rc == SAVE_UNFIT || rc == SAVE_LOCKED || rc == SAVE_CONFIRMED || rc == SAVE_RECALC) {
		db_rollback(db);
		return rc == SAVE_STALE ? REPORT_STALE : rc == SAVE_LOCKED ? REPORT_YEAR_LOCKED
			: rc == SAVE_CONFIRMED ? REPORT_ALREADY_CONFIRMED : rc == SAVE_RECALC ? REPORT_RECALC : REPORT_FAILED;
	}
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
			     const struct calc_result *res, const struct store_year_basis *used)
{
	enum report_save rc = REPORT_FAILED;
	long long t0 = now_ms();

	/*
	 * Deadlocks are retried, lock waits only while the request is young.
	 * The wait before each try grows and is drawn at random, so that two
	 * saves that met in a deadlock do not try again in the same moment.
	 */
	for (int attempt = 0; attempt < 6 && now_ms() - t0 < 1500; attempt++) {
		unsigned short jitter = 0;

		rc = save_once(req, r, lines, n, res, used);
		if (rc != REPORT_RETRY)
			return rc;
		if (getrandom(&jitter, sizeof(jitter), 0) != (ssize_t)sizeof(jitter))
			jitter = 0;
		usleep((useconds_t)(5000 + jitter % 10000) * (useconds_t)(attempt + 1));
	}
	return REPORT_FAILED;
}

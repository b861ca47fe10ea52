/* report_post.c: a report as posted: its quantities, 數據品質 fields, NE / IE / 沿用 marks and
 * exclusions read and checked, each bad field with its message (the stored report: report.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "quality.h"
#include "html.h"
#include "report.h"
#include "report_status.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_factor.h"
#include "store_report.h"
#include "util.h"

/*
 * One quantity of a part's family (form_read_one with a key built from its
 * item: its maximum and unit): the text for the page (normalised when
 * valid, as sent when not, NULL when blank); *valid and *q when valid.
 */
static const char *field_qty(struct request *req, struct form *f, const char *name, long long max, const char *unit,
			     dec_t *q, int *valid)
{
	const struct form_key k = { .name = name, .kind = FORM_QUANTITY, .max = max, .unit = unit };
	struct form_val v;

	if (form_read_one(req, &k, &v, f)) {
		*valid = 0;
		return v.raw;
	}
	*valid = v.set;
	if (!v.set)
		return NULL;
	*q = v.q;
	return v.s;
}

/* One text of a part's family: normalised, as sent when bad, "" when blank. */
static const char *field_text(struct request *req, struct form *f, const char *name, long long max)
{
	const struct form_key k = { .name = name, .kind = FORM_TEXT, .max = max };
	struct form_val v;

	if (form_read_one(req, &k, &v, f))
		return v.raw;
	return v.set ? v.s : "";
}

/* A declared text field: the same, with its message (if any) copied into f. */
static const char *declared_text(struct request *req, struct form *f, enum report_key key)
{
	const struct form_val *v = &req->in[key];
	const char *name = report_edit_in.keys[key].name, *msg = form_error_of(req->in_err, name);

	if (msg) {
		form_error(f, name, msg);
		return v->raw;
	}
	return v->set ? v->s : "";
}

/* The 數據品質與不確定性 fields of the line whose quantity is field fld (item k), against the item's defaults (dq.c). */
static void quality_from_form(struct request *req, struct form *f, const char *fld, const struct report_defaults *dq, int k,
			      struct dq_typed *q)
{
	dq_read(req, f, fld, dq && dq->has[k] ? &dq->q[k] : NULL, NULL, q);
}

const struct report_mark *report_mark_of(const struct report *r, int part, int item, int seq)
{
	const struct report_part *rp = &r->part[part];

	if (item != CALC_REFRIGERANT)
		return item >= 0 && item < CALC__MAX ? &rp->mk[item] : NULL;
	if (seq >= REPORT_SEQ_EXTRA && seq < REPORT_SEQ_EXTRA + REPORT_EXTRA)
		return &rp->mkref[seq - REPORT_SEQ_EXTRA];
	return seq == REPORT_SEQ_R134A ? &rp->mk134a : seq == REPORT_SEQ_R410A ? &rp->mk410a : NULL;
}

const char *report_line_type(const struct report *r, int p, int item, int seq)
{
	const struct report_part *rp = &r->part[p];

	if (item != CALC_REFRIGERANT)
		return NULL;
	if (seq == REPORT_SEQ_R134A)
		return "R134a";
	if (seq == REPORT_SEQ_R410A)
		return "R410a";
	if (seq >= REPORT_SEQ_EXTRA && seq < REPORT_SEQ_EXTRA + REPORT_EXTRA) {
		const char *t = rp->ref_type[seq - REPORT_SEQ_EXTRA];

		return t && *t ? t : NULL;
	}
	return NULL;
}

/* The fugitive items: an extinguisher type, or a refrigerant. */
static int fugitive(int item)
{
	return item == CALC_EXT_CO2 || item == CALC_EXT_BC || item == CALC_EXT_KBC || item == CALC_REFRIGERANT;
}

/* A line 沿用 may reuse: a fugitive line of the own part (a refrigerant row with its type). */
static int carriable(const struct report *r, int part, int item, int seq)
{
	return part == CALC_OWN && fugitive(item) && (item != CALC_REFRIGERANT || report_line_type(r, part, item, seq));
}

/* The own part's fugitive lines of pv as the rule reads them (carry.h), with their quantity texts: how many. */
#define CARRY_ROWS (3 + 2 + REPORT_EXTRA)
static int carry_rows(const struct report *pv, struct carry_row *rows, const char **qty)
{
	const struct report_part *rp = &pv->part[CALC_OWN];
	static const int ext[] = { CALC_EXT_CO2, CALC_EXT_BC, CALC_EXT_KBC };
	int n = 0;

#define ROW(it, ty, q, m) do { \
		rows[n] = (struct carry_row){ .item = (it), .type = (ty), .has_quantity = (q) != NULL, .carried_from = (m).carried_from }; \
		qty[n++] = (q); \
	} while (0)
	for (int i = 0; i < 3; i++)
		ROW(ext[i], NULL, rp->qty[ext[i]], rp->mk[ext[i]]);
	ROW(CALC_REFRIGERANT, "R134a", rp->r134a, rp->mk134a);
	ROW(CALC_REFRIGERANT, "R410a", rp->r410a, rp->mk410a);
	for (int i = 0; i < rp->nref; i++)
		ROW(CALC_REFRIGERANT, rp->ref_type[i], rp->ref_qty[i], rp->mkref[i]);
#undef ROW
	return n;
}

/* What the own part's source (item, type) of r could reuse from r->prev. */
static enum carry_source carry_of(const struct report *r, int item, const char *type, const char **qty, int *from)
{
	const struct report *pv = r->prev;
	struct carry_row rows[CARRY_ROWS];
	const char *q[CARRY_ROWS];
	enum carry_source rc;
	int i;

	*qty = NULL;
	*from = 0;
	if (!pv || !pv->id)
		return CARRY_NONE;
	rc = carry_find(rows, carry_rows(pv, rows, q), item, type, pv->year, r->year, &i, from);
	if (i >= 0)
		*qty = q[i];
	return rc;
}

enum carry_source report_carry_source(const struct report *r, int part, int item, int seq, const char **qty, int *from)
{
	*qty = NULL;
	*from = 0;
	if (!carriable(r, part, item, seq))
		return CARRY_NONE;
	return carry_of(r, item, report_line_type(r, part, item, seq), qty, from);
}

enum carry_source report_carry_refrigerant(const struct report *r, const char *type, const char **qty, int *from)
{
	*qty = NULL;
	*from = 0;
	if (!type || !*type)
		return CARRY_NONE;
	return carry_of(r, CALC_REFRIGERANT, type, qty, from);
}

static const char *const mark_names[] = { "NE", "IE", NULL };

/*
 * The NE / IE mark and the 沿用 box of the line whose quantity is field fld
 * (before the quantity goes to the calculation): a mark with a quantity,
 * a mark without its text, a 沿用 with nothing to reuse or in a third year,
 * or with another quantity typed, each get a message beside their field.
 * A valid 沿用 makes the quantity the reused one (*qty, *q, *ok).
 */
static void mark_from_form(struct request *req, struct form *f, struct report *r, int p, const char *fld, int item, int seq,
			   const char **qty, dec_t *q, int *ok, struct report_mark *m)
{
	struct arena *a = &req->arena;
	const char *mname = arena_printf(a, "%s_mark", fld), *tname = arena_printf(a, "%s_mark_text", fld);
	const struct form_key mk = { .name = mname, .kind = FORM_ENUM, .choices = mark_names, .msg = "請選擇 NE 或 IE。" };
	const struct form_key ck = { .name = arena_printf(a, "%s_carry", fld), .kind = FORM_FLAG };
	struct form_val v, c;
	const char *src;
	int from, rc;

	memset(m, 0, sizeof(*m));
	if (form_read_one(req, &mk, &v, f))
		m->key = v.raw;
	else if (v.set)
		m->key = mark_names[v.i];
	m->text = field_text(req, f, tname, 300);
	if (!*m->text)
		m->text = NULL;
	if (m->key && !form_error_of(f, mname)) {
		if (*qty)
			form_error(f, fld, "已填寫數量的項目不可同時標示 NE 或 IE：請清除數量，或取消標示。");
		if (!m->text && !form_error_of(f, tname))
			form_error(f, tname, !strcmp(m->key, "NE") ? "標示 NE（未估算）時，請填寫未估算的原因。"
								 : "標示 IE（已包含於他處）時，請註明包含於何處。");
	}
	if (p != CALC_OWN || !fugitive(item) || form_read_one(req, &ck, &c, f) || !c.i)
		return;
	m->carry = 1;
	if (!carriable(r, p, item, seq))
		return;   /* an extra row without its type: rows_from_form says so beside the type */
	rc = report_carry_source(r, p, item, seq, &src, &from);
	if (m->key) {
		form_error(f, fld, "沿用的項目不可同時標示 NE 或 IE。");
	} else if (rc == CARRY_NONE) {
		form_error(f, fld, "前一年度沒有此項的實際數量可沿用，請填寫數量。");
	} else if (rc == CARRY_THIRD_YEAR) {
		form_error(f, fld, arena_printf(a, "此項已連續沿用兩年（%d 年的數量），本年度須填寫實際數量"
					       "（環境部 114 年 12 月 19 日環部氣字第1149114687號）。", from));
	} else if (rc == CARRY_AMBIGUOUS) {
		form_error(f, fld, arena_printf(a, "前一年度有多列冷媒 %s 的數量，無法判定沿用哪一列，請填寫實際數量。",
					       report_line_type(r, p, item, seq)));
	} else {
		dec_t d;

		if (dec_parse(src, strlen(src), 3, DEC_ALLOW_GROUPING, &d) != DEC_OK)
			return;   /* a stored quantity always parses */
		if (*qty && (!*ok || dec_cmp(*q, d) != 0)) {
			form_error(f, fld, arena_printf(a, "勾選沿用時，數量即為 %d 年的 %s；請清除此欄，或取消沿用。", from, src));
			return;
		}
		*qty = src;
		*q = d;
		*ok = 1;
		m->carried_from = from;
	}
}

/* The fixed items, the generator's name and the two named refrigerants of part p. */
static void fixed_from_form(struct request *req, struct report *r, struct report_part *rp, int p, struct form *f,
			    const struct report_defaults *dq, struct calc_input *in, int *n)
{
	struct arena *a = &req->arena;
	const char *pk = calc_part_keys[p];
	dec_t q;
	int ok;

	for (int k = 0; k < CALC__MAX; k++) {
		if (k == CALC_REFRIGERANT)
			continue;
		const char *fld = arena_printf(a, "%s_%s", pk, calc_items[k].key);

		rp->qty[k] = field_qty(req, f, fld, calc_items[k].max, calc_items[k].unit, &q, &ok);
		mark_from_form(req, f, r, p, fld, k, 0, &rp->qty[k], &q, &ok, &rp->mk[k]);
		if (ok)
			report_add_input(in, n, (enum calc_item)k, (enum calc_part)p, 0, NULL, q);
		if (rp->qty[k])
			quality_from_form(req, f, fld, dq, k, &rp->qk[k]);
	}
	rp->generator_name = field_text(req, f, arena_printf(a, "%s_generator_name", pk), 100);
	rp->r134a = field_qty(req, f, arena_printf(a, "%s_ref_R134a", pk), CALC_MAX_REFRIGERANT, "公斤", &q, &ok);
	mark_from_form(req, f, r, p, arena_printf(a, "%s_ref_R134a", pk), CALC_REFRIGERANT, REPORT_SEQ_R134A, &rp->r134a, &q, &ok, &rp->mk134a);
	if (ok)
		report_add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R134A, "R134a", q);
	if (rp->r134a)
		quality_from_form(req, f, arena_printf(a, "%s_ref_R134a", pk), dq, CALC_REFRIGERANT, &rp->q134a);
	rp->r410a = field_qty(req, f, arena_printf(a, "%s_ref_R410a", pk), CALC_MAX_REFRIGERANT, "公斤", &q, &ok);
	mark_from_form(req, f, r, p, arena_printf(a, "%s_ref_R410a", pk), CALC_REFRIGERANT, REPORT_SEQ_R410A, &rp->r410a, &q, &ok, &rp->mk410a);
	if (ok)
		report_add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R410A, "R410a", q);
	if (rp->r410a)
		quality_from_form(req, f, arena_printf(a, "%s_ref_R410a", pk), dq, CALC_REFRIGERANT, &rp->q410a);
}

/*
 * The extra refrigerant rows and the 其他能源 rows of part p (blank rows
 * dropped).  A refrigerant row is its type with a quantity, with NE / IE
 * and its text (no quantity), or with 沿用 (the year before's quantity of
 * the same refrigerant).
 */
static void rows_from_form(struct request *req, struct report *r, struct report_part *rp, int p, struct form *f,
			   const struct report_defaults *dq, struct calc_input *in, int *n)
{
	struct arena *a = &req->arena;
	const char *pk = calc_part_keys[p];
	dec_t q;
	int ok;

	for (int i = 1; i <= REPORT_EXTRA; i++) {
		const char *tname = arena_printf(a, "%s_ref_type_%d", pk, i);
		const char *qname = arena_printf(a, "%s_ref_qty_%d", pk, i);
		const char *type = field_text(req, f, tname, 16);
		const char *qty = field_qty(req, f, qname, CALC_MAX_REFRIGERANT, "公斤", &q, &ok);
		int j = rp->nref;
		struct report_mark *m = &rp->mkref[j];

		/* The type first: 沿用 reuses the year before's row of the same refrigerant. */
		rp->ref_type[j] = type;
		mark_from_form(req, f, r, p, qname, CALC_REFRIGERANT, REPORT_SEQ_EXTRA + j, &qty, &q, &ok, m);
		if (!*type && !qty && !m->key && !m->text && !m->carry) {
			rp->ref_type[j] = NULL;
			continue;
		}
		if (!*type) {
			if (!form_error_of(f, tname))
				form_error(f, tname, "請選擇冷媒型號。");
		} else if (ok) {
			report_add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_EXTRA + j, type, q);
		} else if (!qty && !m->key && !form_error_of(f, qname)) {
			/* A type alone: NO would be a blank row; a line not estimated or included elsewhere says so. */
			form_error(f, qname, "請填寫補充量（公斤）；未估算或已包含於他處時，請於下方標示 NE／IE。");
		}
		if (qty)
			quality_from_form(req, f, qname, dq, CALC_REFRIGERANT, &rp->qref[j]);
		rp->ref_qty[j] = qty;
		rp->nref++;
	}
	for (int i = 1; i <= REPORT_EXTRA; i++) {
		const char *nm = field_text(req, f, arena_printf(a, "%s_other_name_%d", pk, i), 100);
		const char *un = field_text(req, f, arena_printf(a, "%s_other_unit_%d", pk, i), 20);
		const char *qty = field_qty(req, f, arena_printf(a, "%s_other_qty_%d", pk, i), REPORT_OTHER_MAX, NULL, &q, &ok);

		if (!*nm && !*un && !qty)
			continue;
		if (!*nm)
			form_error(f, arena_printf(a, "%s_other_name_%d", pk, i), "請填寫能源資源名稱。");
		rp->other_name[rp->nother] = nm;
		rp->other_unit[rp->nother] = un;
		rp->other_qty[rp->nother] = qty;
		rp->nother++;
	}
}

/* How many rows of the own part of r are refrigerant `type` (named fields and extra rows, filled or marked). */
static int rows_of_type(const struct report *r, const char *type)
{
	const struct report_part *rp = &r->part[CALC_OWN];
	int n = 0;

	if (!strcmp(type, "R134a") && (rp->r134a || rp->mk134a.key))
		n++;
	if (!strcmp(type, "R410a") && (rp->r410a || rp->mk410a.key))
		n++;
	for (int i = 0; i < rp->nref; i++)
		if (rp->ref_type[i] && !strcmp(rp->ref_type[i], type))
			n++;
	return n;
}

/*
 * "One source type": at most one carried line a report (named fields and
 * extra rows alike); a second (and any after it) gets the message.  A
 * carried refrigerant is its type's only row: another row of it (a real
 * figure, an NE) would leave the type half carried.
 */
static void one_carry(struct request *req, const struct report *r, struct form *f)
{
	int seen = 0;

	for (int p = 0; p < CALC_PART__MAX; p++)
		for (int k = 0; k < CALC__MAX; k++) {
			int nseq = k == CALC_REFRIGERANT ? REPORT_SEQ_EXTRA + r->part[p].nref : 1;

			for (int seq = 0; seq < nseq; seq++) {
				const struct report_mark *m = report_mark_of(r, p, k, seq);
				const struct calc_line l = { .part = (enum calc_part)p, .item = (enum calc_item)k, .seq = seq };
				const char *type = report_line_type(r, p, k, seq);

				if (!m || !m->carried_from)
					continue;
				if (seen++ == 0) {
					if (type && rows_of_type(r, type) > 1)
						form_error(f, report_line_field(&req->arena, &l),
							   arena_printf(&req->arena, "沿用的冷媒 %s 在本報表僅能有一列：請合併為一列，"
									"或取消沿用並填寫實際數量。", type));
					continue;
				}
				form_error(f, report_line_field(&req->arena, &l),
					   "每份報表僅能有一項排放源沿用（一種冷媒或一種滅火器）；此項請填寫實際數量。");
			}
		}
}

/* 排除之排放源: name and reason, both required on a row that has either (blank rows dropped). */
static void exclusions_from_form(struct request *req, struct report *r, struct form *f)
{
	struct arena *a = &req->arena;

	r->nexcl = 0;
	for (int i = 1; i <= REPORT_EXCLUSIONS; i++) {
		const char *nn = arena_printf(a, "excl_name_%d", i), *rn = arena_printf(a, "excl_reason_%d", i);
		const char *nm = field_text(req, f, nn, 100), *why = field_text(req, f, rn, 300);

		if (!*nm && !*why)
			continue;
		if (!*nm && !form_error_of(f, nn))
			form_error(f, nn, "請填寫排除的排放源名稱。");
		if (!*why && !form_error_of(f, rn))
			form_error(f, rn, "請填寫排除的原因（必填）。");
		r->excl_name[r->nexcl] = nm;
		r->excl_reason[r->nexcl] = why;
		r->nexcl++;
	}
}

int report_check_carry(struct request *req, struct form *f, const struct report *r, const struct calc_line *lines, int n,
		       const struct calc_result *res)
{
	long long own, kg;
	char b[96], t[96];

	if (dec_to_scaled_i64(res->total[CALC_OWN], 3, &own))
		return 0;   /* report_check_total refuses it */
	for (int i = 0; i < n; i++) {
		const struct calc_line *l = &lines[i];
		const struct report_mark *m = report_mark_of(r, l->part, l->item, l->seq);

		if (!m || !m->carried_from || dec_to_scaled_i64(l->kg, 3, &kg))
			continue;
		dec_format_grouped(l->kg, b, sizeof(b));
		dec_format_grouped(res->total[CALC_OWN], t, sizeof(t));
		switch (carry_check(kg, own)) {
		case CARRY_UNDER:
			continue;
		case CARRY_OVER_TONNES:
			form_error(f, report_line_field(&req->arena, l),
				   arena_printf(&req->arena, "沿用僅限排放量未達 5 公噸 CO₂e 的排放源：此項 %s kgCO₂e，請填寫實際數量。", b));
			return 1;
		case CARRY_OVER_SHARE:
			form_error(f, report_line_field(&req->arena, l),
				   arena_printf(&req->arena, "沿用僅限排放量未達本年度總排放量 0.05 %% 的排放源：此項 %s kgCO₂e，"
						"總排放量（不含委外）%s kgCO₂e，請填寫實際數量。", b, t));
			return 1;
		}
	}
	return 0;
}

void report_check_refrigerants(struct request *req, struct form *f, const struct report *r, const struct calc_table *t)
{
	for (int p = 0; p < CALC_PART__MAX; p++)
		for (int i = 0; i < r->part[p].nref; i++) {
			const char *type = r->part[p].ref_type[i];
			const char *tname = arena_printf(&req->arena, "%s_ref_type_%d", calc_part_keys[p], i + 1);

			if (type && *type && !calc_refrigerant_get(t, type) && !form_error_of(f, tname))
				form_error(f, tname, "請從清單選擇冷媒型號。");
		}
}

int report_from_form(struct request *req, struct report *r, struct form *f, struct calc_input *in, int *n)
{
	const struct form_val *rev = &req->in[REPORT_KEY_REVISION];

	*n = 0;
	r->dq = report_defaults(req);
	if (!r->dq)
		return -1;
	r->revision = rev->set ? rev->i : -1;
	r->filed = (int)req->in[REPORT_KEY_FILED].i;
	r->scope_text = declared_text(req, f, REPORT_KEY_SCOPE);
	r->outsourced_scope_text = declared_text(req, f, REPORT_KEY_OUTSOURCED_SCOPE);
	for (int p = 0; p < CALC_PART__MAX; p++) {
		struct report_part *rp = &r->part[p];

		memset(rp, 0, sizeof(*rp));
		fixed_from_form(req, r, rp, p, f, r->dq, in, n);
		rows_from_form(req, r, rp, p, f, r->dq, in, n);
	}
	one_carry(req, r, f);
	exclusions_from_form(req, r, f);
	return 0;
}


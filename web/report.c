/* report.c: the yearly report of an agency: its values, loading and checking (saving: report_save.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "report.h"
#include "report_status.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_report.h"
#include "util.h"

const char *const report_part_label[CALC_PART__MAX] = { "不含委外", "委外" };
const char *const report_action_names[REPORT_ACTION__MAX + 1] = { "calc", "save", NULL };

static const char *qty_text(struct arena *a, long long milli)
{
	char buf[64];
	size_t n = dec_format(dec_from_scaled_i64(milli, 3), buf, sizeof(buf));

	/* 100.000 -> 100, 12.500 -> 12.5: show what a person would have typed. */
	while (n && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	return arena_strdup(a, buf);
}

static int item_index(const char *key)
{
	for (int i = 0; i < CALC__MAX; i++)
		if (!strcmp(calc_items[i].key, key))
			return i;
	return -1;
}

struct load_ctx {
	struct arena *a;
	struct report *r;
};

/* One stored item into its part of the report. */
static int load_item(void *ctx, const struct store_report_item *it)
{
	struct load_ctx *c = ctx;
	struct report_part *p = &c->r->part[it->part];
	const char *q = it->has_quantity ? qty_text(c->a, it->quantity_milli) : NULL;
	int k = item_index(it->item);

	if (!strcmp(it->item, "other")) {
		if (p->nother < REPORT_EXTRA) {
			p->other_name[p->nother] = arena_strdup(c->a, it->name);
			p->other_unit[p->nother] = arena_strdup(c->a, it->unit);
			p->other_qty[p->nother] = q;
			p->nother++;
		}
	} else if (k == CALC_REFRIGERANT) {
		if (it->seq == REPORT_SEQ_R134A)
			p->r134a = q;
		else if (it->seq == REPORT_SEQ_R410A)
			p->r410a = q;
		else if (p->nref < REPORT_EXTRA) {
			p->ref_type[p->nref] = arena_strdup(c->a, it->refrigerant);
			p->ref_qty[p->nref] = q;
			p->nref++;
		}
	} else if (k >= 0) {
		p->qty[k] = q;
		if (k == CALC_GENERATOR_DIESEL && *it->name)
			p->generator_name = arena_strdup(c->a, it->name);
	}
	return 0;
}

int report_state(struct request *req, long long agency_id, int year, const struct store_report **st)
{
	struct store_report *row = arena_alloc(&req->arena, sizeof(*row));
	int found = store_report_get(&req->app->db, agency_id, year, row);

	*st = found == 1 ? row : NULL;
	return found < 0 ? -1 : 0;
}

int report_load(struct request *req, long long agency_id, int year, struct report *r)
{
	struct load_ctx ctx = { &req->arena, r };
	const struct store_report *row;

	memset(r, 0, sizeof(*r));
	r->agency_id = agency_id;
	r->year = year;
	r->scope_text = r->outsourced_scope_text = "";
	if (report_state(req, agency_id, year, &row))
		return -1;
	if (!row)
		return 0;
	r->st = row;
	r->id = row->id;
	r->revision = row->revision;
	r->filed = row->filed;
	r->scope_text = row->scope_text;
	r->outsourced_scope_text = row->outsourced_scope_text;
	r->updated_at = row->updated_at;
	return store_report_items(&req->app->db, r->id, load_item, &ctx);
}

int report_viewable(struct request *req, const struct form_val *a, long long *agency)
{
	int may = 0;

	if (a->raw && !a->set)
		return 0;
	*agency = a->set ? a->i : req->session->agency_id;
	if (req->session->kind != ACCOUNT_AGENCY && !(req->session->kind == ACCOUNT_TEAM && a->set))
		return 0;
	if (review_may_see(req, *agency, &may))
		return -1;
	return may;
}

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

static void add_input(struct calc_input *in, int *n, enum calc_item item, enum calc_part part, int seq,
		      const char *refrigerant, dec_t q)
{
	if (*n >= REPORT_MAX_LINES)
		return;
	in[*n].item = item;
	in[*n].part = part;
	in[*n].seq = seq;
	in[*n].refrigerant = refrigerant;
	in[*n].quantity = q;
	(*n)++;
}

/* The fixed items, the generator's name and the two named refrigerants of part p. */
static void fixed_from_form(struct request *req, struct report_part *rp, int p, struct form *f,
			    struct calc_input *in, int *n)
{
	struct arena *a = &req->arena;
	const char *pk = calc_part_keys[p];
	dec_t q;
	int ok;

	for (int k = 0; k < CALC__MAX; k++) {
		if (k == CALC_REFRIGERANT)
			continue;
		rp->qty[k] = field_qty(req, f, arena_printf(a, "%s_%s", pk, calc_items[k].key), calc_items[k].max,
				       calc_items[k].unit, &q, &ok);
		if (ok)
			add_input(in, n, (enum calc_item)k, (enum calc_part)p, 0, NULL, q);
	}
	rp->generator_name = field_text(req, f, arena_printf(a, "%s_generator_name", pk), 100);
	rp->r134a = field_qty(req, f, arena_printf(a, "%s_ref_R134a", pk), CALC_MAX_REFRIGERANT, "公斤", &q, &ok);
	if (ok)
		add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R134A, "R134a", q);
	rp->r410a = field_qty(req, f, arena_printf(a, "%s_ref_R410a", pk), CALC_MAX_REFRIGERANT, "公斤", &q, &ok);
	if (ok)
		add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R410A, "R410a", q);
}

/* The extra refrigerant rows and the 其他能源 rows of part p (blank rows dropped). */
static void rows_from_form(struct request *req, struct report_part *rp, int p, struct form *f,
			   struct calc_input *in, int *n)
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

		if (!*type && !qty)
			continue;
		if (!*type) {
			form_error(f, tname, "請選擇冷媒型號。");
		} else if (ok) {
			add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_EXTRA + rp->nref, type, q);
		} else if (!qty) {
			form_error(f, qname, "請填寫補充量（公斤）。");
		}
		rp->ref_type[rp->nref] = type;
		rp->ref_qty[rp->nref] = qty;
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

void report_from_form(struct request *req, struct report *r, struct form *f, struct calc_input *in, int *n)
{
	const struct form_val *rev = &req->in[REPORT_KEY_REVISION];

	*n = 0;
	r->revision = rev->set ? rev->i : -1;
	r->filed = (int)req->in[REPORT_KEY_FILED].i;
	r->scope_text = declared_text(req, f, REPORT_KEY_SCOPE);
	r->outsourced_scope_text = declared_text(req, f, REPORT_KEY_OUTSOURCED_SCOPE);
	for (int p = 0; p < CALC_PART__MAX; p++) {
		struct report_part *rp = &r->part[p];

		memset(rp, 0, sizeof(*rp));
		fixed_from_form(req, rp, p, f, in, n);
		rows_from_form(req, rp, p, f, in, n);
	}
}

/* The form field a line was computed from (as render_part names it). */
static const char *field_of(struct arena *a, const struct calc_line *l)
{
	const char *pk = calc_part_keys[l->part];

	if (l->item != CALC_REFRIGERANT)
		return arena_printf(a, "%s_%s", pk, calc_items[l->item].key);
	if (l->seq == REPORT_SEQ_R134A)
		return arena_printf(a, "%s_ref_R134a", pk);
	if (l->seq == REPORT_SEQ_R410A)
		return arena_printf(a, "%s_ref_R410a", pk);
	return arena_printf(a, "%s_ref_qty_%d", pk, l->seq - REPORT_SEQ_EXTRA + 1);
}

int report_check_total(struct request *req, struct form *f, const struct calc_line *lines, int n,
		       const struct calc_result *res)
{
	int part, line;
	char total[96], max[64];
	dec_t m;

	if (!calc_over_limit(res, lines, n, &part, &line))
		return 0;
	dec_format_grouped(res->total[part], total, sizeof(total));
	dec_from_int(CALC_REPORT_MAX_KG, &m);
	dec_format_grouped(m, max, sizeof(max));
	form_error(f, line >= 0 ? field_of(&req->arena, &lines[line]) : arena_printf(&req->arena, "%s_electricity", calc_part_keys[part]),
		   arena_printf(&req->arena, "%s部分的排放量合計 %s kgCO₂e，超過一個機關一年的上限 %s kgCO₂e（1,000 萬公噸）；"
				"此欄的排放量最大，請確認數值與單位。", report_part_label[part], total, max));
	return 1;
}

void report_inputs(struct request *req, const struct report *r, struct calc_input *in, int *n)
{
	dec_t q;

	(void)req;
	*n = 0;
	for (int p = 0; p < CALC_PART__MAX; p++) {
		const struct report_part *rp = &r->part[p];

#define Q(s) ((s) && dec_parse((s), strlen(s), 3, DEC_ALLOW_GROUPING, &q) == DEC_OK)
		for (int k = 0; k < CALC__MAX; k++)
			if (k != CALC_REFRIGERANT && Q(rp->qty[k]))
				add_input(in, n, (enum calc_item)k, (enum calc_part)p, 0, NULL, q);
		if (Q(rp->r134a))
			add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R134A, "R134a", q);
		if (Q(rp->r410a))
			add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R410A, "R410a", q);
		for (int i = 0; i < rp->nref; i++)
			if (Q(rp->ref_qty[i]))
				add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_EXTRA + i, rp->ref_type[i], q);
#undef Q
	}
}

int report_status(const struct report *r)
{
	if (r->st)
		return r->st->confirmed_version ? REPORT_CONFIRMED : r->st->filed ? REPORT_FILED : REPORT_DRAFT;
	return !r->id ? REPORT_NONE : r->filed ? REPORT_FILED : REPORT_DRAFT;
}

const char *report_status_label(const struct report *r)
{
	return report_status_text(report_status(r), r->st && r->st->returned);
}

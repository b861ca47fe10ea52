/* report.c: the yearly report of an agency: its values, loading and checking (saving: report_save.c). */
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

struct load_ctx {
	struct arena *a;
	struct report *r;
};

/* A stored notation as a mark. */
static void mark_text(struct arena *a, const struct store_notation *n, struct report_mark *m)
{
	m->key = n->key == STORE_NOTATION_NONE ? NULL : store_notation_names[n->key];
	m->text = *n->text ? arena_strdup(a, n->text) : NULL;
	m->carried_from = n->carried_from;
	m->carry = n->carried_from != 0;
}

/* One stored item into its part of the report. */
static int load_item(void *ctx, const struct store_report_item *it)
{
	struct load_ctx *c = ctx;
	struct report_part *p = &c->r->part[it->part];
	const char *q = it->has_quantity ? qty_text(c->a, it->quantity_milli) : NULL;
	int k = calc_item_index(it->item);

	if (!strcmp(it->item, "other")) {
		if (p->nother < REPORT_EXTRA) {
			p->other_name[p->nother] = arena_strdup(c->a, it->name);
			p->other_unit[p->nother] = arena_strdup(c->a, it->unit);
			p->other_qty[p->nother] = q;
			p->nother++;
		}
	} else if (k == CALC_REFRIGERANT) {
		if (it->seq == REPORT_SEQ_R134A) {
			p->r134a = q;
			dq_from_stored(c->a, &it->q, &p->q134a);
			mark_text(c->a, &it->n, &p->mk134a);
		} else if (it->seq == REPORT_SEQ_R410A) {
			p->r410a = q;
			dq_from_stored(c->a, &it->q, &p->q410a);
			mark_text(c->a, &it->n, &p->mk410a);
		} else if (p->nref < REPORT_EXTRA) {
			p->ref_type[p->nref] = arena_strdup(c->a, it->refrigerant);
			p->ref_qty[p->nref] = q;
			dq_from_stored(c->a, &it->q, &p->qref[p->nref]);
			mark_text(c->a, &it->n, &p->mkref[p->nref]);
			p->nref++;
		}
	} else if (k >= 0) {
		p->qty[k] = q;
		dq_from_stored(c->a, &it->q, &p->qk[k]);
		mark_text(c->a, &it->n, &p->mk[k]);
		if (k == CALC_GENERATOR_DIESEL && *it->name)
			p->generator_name = arena_strdup(c->a, it->name);
	}
	return 0;
}

static int load_exclusion(void *ctx, const struct store_report_exclusion *e)
{
	struct load_ctx *c = ctx;
	struct report *r = c->r;

	if (r->nexcl < REPORT_EXCLUSIONS) {
		r->excl_name[r->nexcl] = arena_strdup(c->a, e->name);
		r->excl_reason[r->nexcl] = arena_strdup(c->a, e->reason);
		r->nexcl++;
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

static int take_default(void *ctx, const struct store_item_quality *row)
{
	struct report_defaults *d = ctx;
	int k = calc_item_index(row->item);

	if (k >= 0) {
		d->has[k] = 1;
		dq_default_of(row, &d->q[k]);
	}
	return 0;
}

/*
 * The items' default quality values (item_quality_defaults, written by
 * migrations only), kept by the process for DEFAULTS_TTL_MS as the years
 * are (years.c), and kept across a database failure: a form loads two or
 * three reports a request, and each asked for them.  NULL on a database
 * error with nothing kept.
 */
#define DEFAULTS_TTL_MS 60000

const struct report_defaults *report_defaults(struct request *req)
{
	static struct report_defaults cached;
	static long long loaded_at;
	static int have;
	struct report_defaults *d;

	if (have && now_ms() - loaded_at < DEFAULTS_TTL_MS)
		return &cached;
	d = arena_zalloc(&req->arena, sizeof(*d));
	if (store_factor_item_defaults(&req->app->db, take_default, d))
		return have ? &cached : NULL;
	cached = *d;
	loaded_at = now_ms();
	have = 1;
	return &cached;
}

int report_load(struct request *req, long long agency_id, int year, struct report *r)
{
	struct load_ctx ctx = { &req->arena, r };
	const struct store_report *row;

	memset(r, 0, sizeof(*r));
	r->agency_id = agency_id;
	r->year = year;
	r->scope_text = r->outsourced_scope_text = "";
	r->dq = report_defaults(req);
	if (!r->dq || report_state(req, agency_id, year, &row))
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
	if (store_report_items(&req->app->db, r->id, load_item, &ctx))
		return -1;
	if (!row->has_exclusions)
		return 0;   /* most reports have none: no query for them */
	return store_report_exclusions(&req->app->db, r->id, load_exclusion, &ctx);
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

void report_add_input(struct calc_input *in, int *n, enum calc_item item, enum calc_part part, int seq,
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

const struct dq_typed *report_typed_quality(const struct report *r, const struct calc_line *l)
{
	const struct report_part *rp = &r->part[l->part];

	if (l->item != CALC_REFRIGERANT)
		return &rp->qk[l->item];
	if (l->seq == REPORT_SEQ_R134A)
		return &rp->q134a;
	if (l->seq == REPORT_SEQ_R410A)
		return &rp->q410a;
	if (l->seq >= REPORT_SEQ_EXTRA && l->seq < REPORT_SEQ_EXTRA + REPORT_EXTRA)
		return &rp->qref[l->seq - REPORT_SEQ_EXTRA];
	return NULL;
}

void report_line_quality(const struct report *r, const struct calc_line *l, struct store_quality *out)
{
	struct store_quality t;

	dq_to_stored(report_typed_quality(r, l), &t);
	dq_in_force(r->dq && r->dq->has[l->item] ? &r->dq->q[l->item] : NULL, &t, out);
}

/* The form field a line was computed from (as render_part names it). */
const char *report_line_field(struct arena *a, const struct calc_line *l)
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
	form_error(f, line >= 0 ? report_line_field(&req->arena, &lines[line]) : arena_printf(&req->arena, "%s_electricity", calc_part_keys[part]),
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
				report_add_input(in, n, (enum calc_item)k, (enum calc_part)p, 0, NULL, q);
		if (Q(rp->r134a))
			report_add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R134A, "R134a", q);
		if (Q(rp->r410a))
			report_add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_R410A, "R410a", q);
		for (int i = 0; i < rp->nref; i++)
			if (Q(rp->ref_qty[i]))
				report_add_input(in, n, CALC_REFRIGERANT, (enum calc_part)p, REPORT_SEQ_EXTRA + i, rp->ref_type[i], q);
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

/* "NE：理由", "IE：位置" or "沿用 2023 年數量 12.000" of a noted item, into o. */
void report_noted_text(struct strbuf *o, const struct store_report_noted *n)
{
	if (n->n.carried_from) {
		strbuf_addf(o, "沿用 %d 年數量 ", n->n.carried_from);
		html_milli(o, n->quantity_milli);
		return;
	}
	html_txt(o, store_notation_names[n->n.key]);
	html(o, "：");
	html_txt(o, n->n.text);
}

void report_noted_label(struct strbuf *o, const struct store_report_noted *n)
{
	for (int k = 0; k < CALC__MAX; k++) {
		if (strcmp(calc_items[k].key, n->item))
			continue;
		html_txt(o, n->part == CALC_OUTSOURCED ? "委外 " : "");
		if (k == CALC_REFRIGERANT) {
			html(o, "冷媒 ");
			html_txt(o, *n->refrigerant ? n->refrigerant : "（型號不明）");
		} else {
			html_txt(o, calc_items[k].label);
		}
		return;
	}
	html_txt(o, n->item);
}

struct stored {
	struct calc_line *lines;
	char *seen;                     /* [i]: lines[i] was stored */
	int n;
};

/* src into dst[size]: a stored text was written from a calc_line's, so it fits; cut if not. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t k = strnlen(src, size - 1);

	memcpy(dst, src, k);
	dst[k] = '\0';
}

/* A stored line's figures over the computed line of the same part, item and seq; the first row of a line clears its gases. */
static int take_figure(void *ctx, const struct store_report_figure *f)
{
	struct stored *s = ctx;

	for (int i = 0; i < s->n; i++) {
		struct calc_line *l = &s->lines[i];
		dec_t factor;

		if (l->part != f->part || l->seq != f->seq || strcmp(calc_items[l->item].key, f->item))
			continue;
		if (!s->seen[i]) {
			s->seen[i] = 1;
			l->kg = dec_from_scaled_i64(f->kg_milli, 3);
			if (dec_parse(f->factor_text, strlen(f->factor_text), DEC_MAX_SCALE, DEC_ALLOW_EXPONENT, &factor) == DEC_OK)
				l->factor = factor;
			copy(l->factor_text, sizeof(l->factor_text), f->factor_text);
			copy(l->gwp_set, sizeof(l->gwp_set), f->gwp_set);
			copy(l->method, sizeof(l->method), f->method);
			copy(l->sources, sizeof(l->sources), f->sources);
			l->provisional = f->provisional;
			memset(l->gas, 0, sizeof(l->gas));
		}
		if (f->gas >= 0) {
			struct calc_gas_amount *g = &l->gas[f->gas];

			g->present = 1;
			g->kg = dec_from_scaled_i64(f->gas_milli, 3);
			g->has_ci = f->ci_lower_milli >= 0;
			g->ci_lower_milli = g->has_ci ? f->ci_lower_milli : 0;
			g->ci_upper_milli = g->has_ci ? f->ci_upper_milli : 0;
		}
		break;
	}
	return 0;
}

int report_stored_figures(struct request *req, long long report_id, struct calc_line *lines, int *n, struct calc_result *res)
{
	struct stored s = { lines, arena_zalloc(&req->arena, (size_t)*n + 1), *n };
	int k = 0;

	if (store_report_figures(&req->app->db, report_id, take_figure, &s))
		return -1;
	/* Only what was stored: a line computed from the inputs but never stored is not the report's. */
	for (int i = 0; i < *n; i++)
		if (s.seen[i])
			lines[k++] = lines[i];
	*n = k;
	return calc_sum(lines, k, res);
}

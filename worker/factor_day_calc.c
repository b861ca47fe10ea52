/* factor_day_calc.c: factor day's computations: both tables, the county-years' electricity
 * variants, the year probe, the audit lines' wording (factor_day_calc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factor_day_calc.h"
#include "store_factor.h"
#include "util.h"

int fd_add_choice(void *ctx, int county_id, int year, enum calc_elec elec)
{
	struct choices *ch = ctx;

	if (ch->n == ch->cap) {
		ch->cap = ch->cap ? ch->cap * 2 : 64;
		ch->v = xrealloc(ch->v, sizeof(*ch->v) * (size_t)ch->cap);
	}
	ch->v[ch->n++] = (struct choice){ county_id, year, elec };
	return 0;
}

static void elec_of(const struct choices *ch, int county_id, int year, enum calc_elec *before, enum calc_elec *after)
{
	const struct store_fd_change *c = ch->c;

	*before = *after = CALC_ELEC_OVERALL;
	if (c->county_id && !c->unlock && c->county_id == county_id && c->first_year == year) {
		*before = calc_elec_of(c->old_value);
		*after = calc_elec_of(c->value);
		return;
	}
	for (int i = 0; i < ch->n; i++)
		if (ch->v[i].county_id == county_id && ch->v[i].year == year)
			*before = *after = ch->v[i].elec;
}

/* Whether two computations of a line give its gases (a[], b[]) other amounts or intervals. */
static int gases_differ(const struct calc_gas_amount *a, const struct calc_gas_amount *b)
{
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		const struct calc_gas_amount *x = &a[g], *y = &b[g];

		if (x->present != y->present || (x->present && (dec_cmp(x->kg, y->kg) || x->has_ci != y->has_ci ||
		    (x->has_ci && (x->ci_lower_milli != y->ci_lower_milli || x->ci_upper_milli != y->ci_upper_milli)))))
			return 1;
	}
	return 0;
}

/*
 * Whether two computations of one input give its line another amount,
 * factor, method, gases, sources or 暫用 / derived mark: a 暫用 value
 * announced as it stood (暫用 0.474 → 正式 0.474) moves no figure, but
 * every line that used it loses its 暫用 mark and gets the announcement's
 * source.
 */
static int line_differs(const struct calc_line *a, const struct calc_line *b)
{
	return dec_cmp(a->kg, b->kg) || strcmp(a->factor_text, b->factor_text) || strcmp(a->method, b->method) ||
	       strcmp(a->sources, b->sources) || a->provisional != b->provisional || a->derived != b->derived || gases_differ(a->gas, b->gas);
}


/* Report r's inputs (items [*pos..) of it) computed with both tables into *o: 0, or -1 with err. */
int fd_compute(const struct factor_table *old, const struct factor_table *new, const struct choices *ch, struct batch *b,
		   int *pos, const struct store_fd_report *r, struct outcome *o, char *err, size_t errlen)
{
	static struct calc_line before[MAX_INPUTS];
	struct calc_input in[MAX_INPUTS];
	struct calc_result rb;
	enum calc_elec eo, en;
	char e2[300];
	int n = 0, old_ok;

	while (*pos < b->nitems && b->items[*pos].report_id < r->id)
		(*pos)++;
	for (; *pos < b->nitems && b->items[*pos].report_id == r->id; (*pos)++) {
		if (n == MAX_INPUTS)   /* more than the form can save: never computed in part */
			return calc_fail(err, errlen, "填報 %lld 的明細超過 %d 筆", r->id, MAX_INPUTS);
		in[n] = b->items[*pos].in;
		in[n].refrigerant = b->items[*pos].refrigerant[0] ? b->items[*pos].refrigerant : NULL;
		n++;
	}
	o->n = n;
	o->changed_lines = o->affected = 0;
	/* The unlock's run writes only what a change held back and nobody confirmed: the others are not computed (nor can fail it). */
	if (!n || (ch->c->unlock && (r->frozen || !r->restated)))
		return 0;
	elec_of(ch, r->county_id, r->year, &eo, &en);
	if (calc_compute(&new->t, r->year, en, in, n, o->lines, &o->res, err, errlen))
		return -1;
	if (ch->c->unlock) {
		/*
		 * After 解除鎖定: a report its owner has not confirmed that a change held back while the
		 * year was locked (a 重算值, or lines whose texts alone moved), written as a save would.
		 */
		o->affected = 1;   /* not frozen and held back: those alone are computed (above) */
		o->changed_lines = n;
		if (dec_to_scaled_i64(o->res.total[CALC_OWN], 3, &o->own) ||
		    dec_to_scaled_i64(o->res.total[CALC_OUTSOURCED], 3, &o->outsourced))
			return calc_fail(err, errlen, "a total does not fit");
		return 0;
	}
	old_ok = !calc_compute(&old->t, r->year, eo, in, n, before, &rb, e2, sizeof(e2));
	for (int i = 0; i < n; i++)
		o->changed_lines += !old_ok || line_differs(&before[i], &o->lines[i]);
	o->affected = o->changed_lines > 0;
	if (dec_to_scaled_i64(o->res.total[CALC_OWN], 3, &o->own) ||
	    dec_to_scaled_i64(o->res.total[CALC_OUTSOURCED], 3, &o->outsourced))
		return calc_fail(err, errlen, "a total does not fit");
	/*
	 * The old table's lines are what a report not saved since holds.  One
	 * computed since the run's first claim wrote the change, whose stored
	 * totals are already the new table's where the old table's are not, was
	 * saved with the change in force (a save computes with the factors in
	 * force; before the claim its totals could only be the old table's):
	 * nothing of it to rewrite, and no 係數更新 nor notice to record.  One
	 * computed before the claim is rewritten whatever its totals (an
	 * earlier run that never reached it left its lines' texts behind).  A
	 * confirmed one is left to the apply (FD_SAME there: no 重算值, and an
	 * earlier change's cleared), and so is one reopened with an earlier
	 * change's 重算值 still on it.
	 */
	if (o->affected && !r->frozen && !r->restated && ch->c->started && r->computed >= ch->c->started && old_ok &&
	    o->own == r->own_milli && o->outsourced == r->outsourced_milli) {
		long long own, outsourced;

		if (!dec_to_scaled_i64(rb.total[CALC_OWN], 3, &own) && !dec_to_scaled_i64(rb.total[CALC_OUTSOURCED], 3, &outsourced) &&
		    (own != o->own || outsourced != o->outsourced))
			o->affected = 0;
	}
	return 0;
}

/*
 * Whether the change can move any agency line of `year`: one unit of every
 * item of both parts and of every refrigerant, computed with both tables.
 * A line is its quantity times its factor, each on its own, so a year where
 * none of these moves has no report the change moves: the walk skips it
 * (an electricity factor of 2024 walks 2024, and the years after it only
 * while they have no factor of their own to use instead).
 */
static int year_matters(const struct factor_table *old, const struct factor_table *new, int year, enum calc_elec eo,
			enum calc_elec en)
{
	static struct calc_line a[MAX_INPUTS], b[MAX_INPUTS];
	struct calc_input in[MAX_INPUTS];
	struct calc_result ra, rb;
	char e1[300], e2[300];
	int n = 0, fa, fb;

	for (int p = 0; p < CALC_PART__MAX; p++) {
		for (int k = 0; k < CALC__MAX; k++) {
			if (k == CALC_REFRIGERANT)
				continue;
			in[n] = (struct calc_input){ (enum calc_item)k, (enum calc_part)p, 0, NULL, dec_from_scaled_i64(1, 0) };
			n++;
		}
		for (int r = 0; r < new->t.nrefrigerants && n < MAX_INPUTS; r++) {
			in[n] = (struct calc_input){ CALC_REFRIGERANT, (enum calc_part)p, r, new->t.refrigerants[r].code, dec_from_scaled_i64(1, 0) };
			n++;
		}
	}
	/* One input at a time: a missing factor fails the whole computation, and must not hide the others. */
	for (int i = 0; i < n; i++) {
		fa = calc_compute(&old->t, year, eo, &in[i], 1, a, &ra, e1, sizeof(e1));
		fb = calc_compute(&new->t, year, en, &in[i], 1, b, &rb, e2, sizeof(e2));
		if (fa != fb || (!fa && line_differs(&a[0], &b[0])))
			return 1;
	}
	return 0;
}

/*
 * The span the walk goes over: the years of c's whose reports the change can
 * move, as the smallest range holding them (y0 0: none), of every county
 * (a factor: with each variant a county may have chosen) or of the one
 * county whose choice of variant it is.
 */
static void fd_years(const struct factor_table *old, const struct factor_table *new, const struct store_fd_change *c,
			      struct store_fd_span *sp)
{
	sp->county_id = c->county_id;
	sp->y0 = sp->y1 = 0;
	for (int y = c->first_year; y && y <= c->last_year; y++) {
		int m = 0;

		if (c->unlock)
			m = 1;   /* its one county-year, whatever the table */
		else if (c->county_id)
			m = year_matters(old, new, y, calc_elec_of(c->old_value), calc_elec_of(c->value));
		for (int e = 0; !c->county_id && !m && e < CALC_ELEC__MAX; e++)
			m = year_matters(old, new, y, (enum calc_elec)e, (enum calc_elec)e);
		if (m) {
			if (!sp->y0)
				sp->y0 = y;
			sp->y1 = y;
		}
	}
}

/*
 * The tables before and after change c, from the table in the database now (a county's choice of
 * variant: both as they are): 0, -1 the database could not be read, 1 a value does not parse.
 */
static int tables(struct db *db, const struct store_fd_change *c, struct factor_table *old, struct factor_table *new)
{
	struct factor_table now;
	struct factor_table_change after = { c->key, c->value, c->unit, c->source, store_factor_confidence(c->confidence),
					     c->valid_from, c->valid_to, c->ci_lower_milli, c->ci_upper_milli };
	struct factor_table_change before = after;
	int rc = 1;

	if (c->county_id)
		return factor_table_load(db, old) || factor_table_load(db, new) ? -1 : 0;
	if (factor_table_load(db, &now)) {
		rc = -1;
		goto out;
	}
	if (factor_table_with(&now, &after, new))
		goto out;
	before.value = c->is_new ? NULL : c->old_value;
	before.confidence = store_factor_confidence(c->old_confidence);
	/* The interval as it was (the change keeps it): the table holds the new one once the run has written it. */
	before.ci_lower_milli = c->old_ci_lower_milli >= 0 ? c->old_ci_lower_milli : -2;
	before.ci_upper_milli = c->old_ci_upper_milli >= 0 ? c->old_ci_upper_milli : -2;
	rc = factor_table_with(&now, &before, old) ? 1 : 0;
out:
	factor_table_free(&now);
	return rc;
}

int fd_setup(struct db *db, const struct store_fd_change *c, struct factor_table *old, struct factor_table *new, struct choices *ch,
	     struct store_fd_span *sp)
{
	int rc;

	ch->c = c;
	rc = tables(db, c, old, new);
	if (rc)
		return rc;
	if (store_fd_variants(db, c->first_year, c->last_year, fd_add_choice, ch))
		return -1;
	fd_years(old, new, c, sp);
	return 0;
}

static int parse_dec(const char *s, int scale, unsigned flags, dec_t *out)
{
	return dec_parse(s, strlen(s), scale, flags, out) == DEC_OK ? 0 : -1;
}

/* Activity a computed with both tables (nonagency.c's na_compute, as the team's save does) into *o: 0, or -1 with err. */
int fd_compute_activity(const struct factor_table *old, const struct factor_table *new, const struct choices *ch,
			    const struct store_fd_activity *a, struct na_outcome *o, char *err, size_t errlen)
{
	struct na_input in;
	struct na_line before;
	enum calc_elec eo, en;
	char e2[300];

	if (ch->c->unlock && (a->frozen || !a->restated)) {   /* as fd_compute: not the unlock's to write */
		o->affected = 0;
		return 0;
	}
	memset(&in, 0, sizeof(in));
	in.method = a->method;
	if (parse_dec(a->quantity, 3, 0, &in.q) || (*a->quantity2 && parse_dec(a->quantity2, 6, DEC_ALLOW_NEGATIVE, &in.q2)))
		return calc_fail(err, errlen, "非機關活動 %lld 的數量無法讀取", a->id);
	for (int i = 0; i < NA_MAX_OPTIONS && i < 3; i++)
		in.opt[i] = *a->opt[i] ? a->opt[i] : NULL;
	if (*a->override_factor) {
		in.has_override = 1;
		if (parse_dec(a->override_factor, 9, 0, &in.override))
			return calc_fail(err, errlen, "非機關活動 %lld 的自訂係數無法讀取", a->id);
	}
	elec_of(ch, a->county_id, a->year, &eo, &en);
	if (na_compute(&new->t, a->year, en, &in, &o->line, err, errlen))
		return -1;
	if (ch->c->unlock)
		o->affected = 1;   /* not frozen and held back (above) */
	else
		o->affected = na_compute(&old->t, a->year, eo, &in, &before, e2, sizeof(e2)) || dec_cmp(before.kg, o->line.kg) ||
			      strcmp(before.factor_text, o->line.factor_text) || strcmp(before.method, o->line.method) ||
			      strcmp(before.sources, o->line.sources) || before.provisional != o->line.provisional ||
			      gases_differ(before.gas, o->line.gas);
	if (dec_to_scaled_i64(o->line.kg, 3, &o->kg))
		return calc_fail(err, errlen, "非機關活動 %lld 的排放量超出範圍", a->id);
	return 0;
}

/*
 * What the figures were computed with, before the change or after it, as
 * an audit line begins: "elec_grid_2025_public_average 0.467" (a factor;
 * "（新增）" before a new one; its confidence after the value where the
 * change moves it: "0.474（暫用）"), "2025 年電力排碳係數（產業）" (a county's
 * choice).
 */
const char *fd_basis_text(char *buf, size_t size, const struct store_fd_change *c, int after)
{
	const char *v = after ? c->value : c->old_value;

	if (c->unlock)
		snprintf(buf, size, "%s", after ? "解除年度鎖定後依現行係數" : "年度鎖定期間保留的數值");
	else if (c->county_id)
		snprintf(buf, size, "%d 年電力排碳係數（%s）", c->first_year, calc_elec_names[calc_elec_of(v)]);
	else if (!after && c->is_new)
		snprintf(buf, size, "%s （新增）", c->key);
	else if (strcmp(c->confidence, c->old_confidence))   /* 暫用 0.474 → 正式公告 0.474 says what changed */
		snprintf(buf, size, "%s %s（%s）", c->key, v,
			 calc_confidence_names[store_factor_confidence(after ? c->confidence : c->old_confidence)]);
	else
		snprintf(buf, size, "%s %s", c->key, v);
	return buf;
}

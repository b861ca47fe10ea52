/* factor_table.c: the calculation's reference table read from the database, and the same with one factor changed. */
#include <stdlib.h>
#include <string.h>

#include "factor_table.h"
#include "store_factor.h"
#include "util.h"

static struct calc_factor *grow(struct factor_table *ft)
{
	if (ft->n == ft->cap) {
		ft->cap = ft->cap ? ft->cap * 2 : 512;
		ft->rows = xrealloc(ft->rows, sizeof(*ft->rows) * (size_t)ft->cap);
	}
	return &ft->rows[ft->n];
}

static int parse_value(const char *text, dec_t *out)
{
	return dec_parse(text, strlen(text), DEC_MAX_SCALE, DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, out) == DEC_OK ? 0 : -1;
}

static int add_factor(void *ctx, const struct store_factor *row)
{
	struct factor_table *ft = ctx;
	struct calc_factor *f = grow(ft);

	if (parse_value(row->value, &f->value)) {
		error("factors: bad value %s of %s", row->value, row->key);
		return 0;
	}
	f->key = xstrdup(row->key);
	f->unit = xstrdup(row->unit);
	f->source = xstrdup(row->source);
	f->valid_from = row->valid_from;
	f->valid_to = row->valid_to;
	f->confidence = row->confidence;
	f->has_ci = row->has_ci;
	f->ci_lower_milli = row->ci_lower_milli;
	f->ci_upper_milli = row->ci_upper_milli;
	ft->n++;
	return 0;
}

static int add_era(void *ctx, const struct calc_era *e)
{
	struct calc_table *t = ctx;

	if (t->neras >= CALC_MAX_ERAS)
		return 1;
	t->eras[t->neras++] = *e;
	return 0;
}

static int add_refrigerant(void *ctx, const struct calc_refrigerant *r)
{
	struct calc_table *t = ctx;

	if (t->nrefrigerants >= CALC_MAX_REFRIGERANTS)
		return 1;
	t->refrigerants[t->nrefrigerants++] = *r;
	return 0;
}

/* t.factors and t.nfactors from the rows, sorted by key. */
static void seal(struct factor_table *ft)
{
	calc_sort_factors(ft->rows, ft->n);
	ft->t.factors = ft->rows;
	ft->t.nfactors = ft->n;
}

int factor_table_load(struct db *db, struct factor_table *ft)
{
	memset(ft, 0, sizeof(*ft));
	if (store_factor_each(db, add_factor, ft))
		return -1;
	seal(ft);
	if (store_factor_eras(db, add_era, &ft->t) || store_factor_refrigerants(db, add_refrigerant, &ft->t))
		return -1;
	return 0;
}

int factor_table_with(const struct factor_table *src, const struct factor_table_change *c, struct factor_table *out)
{
	struct calc_factor *f;
	int at = -1;
	dec_t v;

	memset(out, 0, sizeof(*out));
	if (c->value && parse_value(c->value, &v))
		return -1;
	out->t = src->t;
	for (int i = 0; i < src->n; i++) {
		struct calc_factor *d;

		if (!c->value && !strcmp(src->rows[i].key, c->key))
			continue;   /* the table without it */
		d = grow(out);
		*d = src->rows[i];
		d->key = xstrdup(d->key);
		d->unit = xstrdup(d->unit);
		d->source = xstrdup(d->source);
		if (!strcmp(d->key, c->key))
			at = out->n;   /* an index: grow() may move the rows */
		out->n++;
	}
	if (!c->value) {
		seal(out);
		return 0;
	}
	if (at < 0) {
		f = grow(out);
		memset(f, 0, sizeof(*f));
		f->key = xstrdup(c->key);
		f->unit = xstrdup(c->unit ? c->unit : "");
		f->source = xstrdup(c->source ? c->source : "");
		out->n++;
	} else {
		f = &out->rows[at];
		if (c->source) {
			free((char *)f->source);
			f->source = xstrdup(c->source);
		}
	}
	f->value = v;
	f->confidence = c->confidence;
	f->valid_from = c->valid_from;
	f->valid_to = c->valid_to;
	if (c->ci_lower_milli >= 0 && c->ci_upper_milli >= 0) {
		f->has_ci = 1;
		f->ci_lower_milli = c->ci_lower_milli;
		f->ci_upper_milli = c->ci_upper_milli;
	} else if (c->ci_lower_milli == -2) {
		f->has_ci = 0;
		f->ci_lower_milli = f->ci_upper_milli = 0;
	}
	seal(out);
	return 0;
}

void factor_table_free(struct factor_table *ft)
{
	for (int i = 0; i < ft->n; i++) {
		free((char *)ft->rows[i].key);
		free((char *)ft->rows[i].unit);
		free((char *)ft->rows[i].source);
	}
	free(ft->rows);
	memset(ft, 0, sizeof(*ft));
}

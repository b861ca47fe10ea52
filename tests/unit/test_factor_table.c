/* test_factor_table.c: the calculation's table with one factor changed, added or taken away
 * (factor day's before and after, shared/factor_table.c), under the sanitizers too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factor_table.h"
#include "store_factor.h"
#include "tap.h"
#include "util.h"

/* The loader's database side is not this test's: factor_table_with() reads no database. */
int store_factor_each(struct db *db, int (*each)(void *ctx, const struct store_factor *row), void *ctx)
{
	(void)db, (void)each, (void)ctx;
	return -1;
}
int store_factor_eras(struct db *db, int (*each)(void *ctx, const struct calc_era *row), void *ctx)
{
	(void)db, (void)each, (void)ctx;
	return -1;
}
int store_factor_refrigerants(struct db *db, int (*each)(void *ctx, const struct calc_refrigerant *row), void *ctx)
{
	(void)db, (void)each, (void)ctx;
	return -1;
}

/* A table of n factors key0000 … with value i/1000, unit "u", source "s" (owned as factor_table_load's are). */
static void table_of(struct factor_table *ft, int n)
{
	memset(ft, 0, sizeof(*ft));
	ft->cap = n;
	ft->rows = xmalloc(sizeof(*ft->rows) * (size_t)n);
	for (int i = 0; i < n; i++) {
		char key[16], v[16];
		struct calc_factor *f = &ft->rows[i];

		memset(f, 0, sizeof(*f));
		snprintf(key, sizeof(key), "key%04d", n - 1 - i);   /* unsorted on purpose */
		snprintf(v, sizeof(v), "%d.%03d", (n - 1 - i) / 1000, (n - 1 - i) % 1000);
		f->key = xstrdup(key);
		f->unit = xstrdup("u");
		f->source = xstrdup("s");
		dec_parse(v, strlen(v), DEC_MAX_SCALE, 0, &f->value);
		f->confidence = CONF_PROVISIONAL;
		ft->n++;
	}
	calc_sort_factors(ft->rows, ft->n);
	ft->t.factors = ft->rows;
	ft->t.nfactors = ft->n;
}

static const char *value_of(const struct factor_table *ft, const char *key, char *buf, size_t size)
{
	const struct calc_factor *f = calc_factor_get(&ft->t, key);

	if (!f)
		return "(none)";
	dec_format(f->value, buf, size);
	return buf;
}

int main(void)
{
	struct factor_table src, out;
	char b[64];
	/* 1,300 rows: more than the first block of 512, so the copy grows while the changed row is held. */
	const int n = 1300;

	table_of(&src, n);
	struct factor_table_change rep = { "key0005", "0.467", NULL, "能源署115.6.2", CONF_OFFICIAL, 2025, 2025, -1, -1 };
	is_int(factor_table_with(&src, &rep, &out), 0, "a factor replaced");
	is_int(out.n, n, "as many factors");
	is_str(value_of(&out, "key0005", b, sizeof(b)), "0.467", "its new value");
	is_int(calc_factor_get(&out.t, "key0005")->confidence, CONF_OFFICIAL, "its confidence");
	is_int(calc_factor_get(&out.t, "key0005")->valid_from, 2025, "its years");
	is_str(calc_factor_get(&out.t, "key0005")->source, "能源署115.6.2", "its source");
	is_int(calc_factor_get(&out.t, "key0005")->has_ci, 0, "no interval given: none kept (it had none)");
	is_str(value_of(&out, "key1299", b, sizeof(b)), "1.299", "the others as they were");
	is_str(value_of(&src, "key0005", b, sizeof(b)), "0.005", "the table it came from untouched");
	ok(calc_factor_get(&out.t, "key1200") != NULL && calc_factor_get(&out.t, "key0000") != NULL, "found by key: sorted");
	factor_table_free(&out);

	struct factor_table_change add = { "elec_grid_2026", "0.45", "kgCO2e/kWh", "新增", CONF_OFFICIAL, 2026, 2026, 7000, 7500 };
	is_int(factor_table_with(&src, &add, &out), 0, "a factor added");
	is_int(out.n, n + 1, "one more");
	is_str(value_of(&out, "elec_grid_2026", b, sizeof(b)), "0.45", "found");
	is_str(calc_factor_get(&out.t, "elec_grid_2026")->unit, "kgCO2e/kWh", "its unit");
	ok(calc_factor_get(&out.t, "elec_grid_2026")->has_ci && calc_factor_get(&out.t, "elec_grid_2026")->ci_lower_milli == 7000 &&
	   calc_factor_get(&out.t, "elec_grid_2026")->ci_upper_milli == 7500, "its interval");
	struct factor_table with_ci = out;
	struct factor_table_change unset = { "elec_grid_2026", "0.45", NULL, NULL, CONF_OFFICIAL, 2026, 2026, -2, -2 };
	struct factor_table again;
	is_int(factor_table_with(&with_ci, &unset, &again), 0, "the interval taken away (-2)");
	is_int(calc_factor_get(&again.t, "elec_grid_2026")->has_ci, 0, "none now");
	factor_table_free(&again);
	struct factor_table_change keep = { "elec_grid_2026", "0.46", NULL, NULL, CONF_OFFICIAL, 2026, 2026, -1, -1 };
	is_int(factor_table_with(&with_ci, &keep, &again), 0, "a value changed, the interval not given");
	is_int(calc_factor_get(&again.t, "elec_grid_2026")->ci_upper_milli, 7500, "the interval kept");
	factor_table_free(&again);
	ok(calc_factor_get(&out.t, "key0777") != NULL, "the others found: sorted again");
	factor_table_free(&out);

	struct factor_table_change del = { "key0700", NULL, NULL, NULL, CONF_OFFICIAL, 0, 0, -1, -1 };
	is_int(factor_table_with(&src, &del, &out), 0, "a factor taken away (the table before an added one)");
	is_int(out.n, n - 1, "one fewer");
	is_str(value_of(&out, "key0700", b, sizeof(b)), "(none)", "gone");
	is_str(value_of(&out, "key0701", b, sizeof(b)), "0.701", "its neighbour kept");
	factor_table_free(&out);

	struct factor_table_change bad = { "key0001", "0.4.5", NULL, NULL, CONF_OFFICIAL, 0, 0, -1, -1 };
	is_int(factor_table_with(&src, &bad, &out), -1, "a value that is no decimal");
	factor_table_free(&out);
	factor_table_free(&src);
	is_int(src.n, 0, "freed");
	return tap_done();
}

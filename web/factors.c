/* factors.c: the reference table of the calculation, cached per process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factors.h"
#include "util.h"

static struct calc_table table;
static struct calc_factor *rows;
static int nrows;
static char stamp[64];

static void drop(void)
{
	for (int i = 0; i < nrows; i++) {
		free((char *)rows[i].key);
		free((char *)rows[i].unit);
		free((char *)rows[i].source);
	}
	free(rows);
	rows = NULL;
	nrows = 0;
	memset(&table, 0, sizeof(table));
}

static int load(struct db *db)
{
	struct db_stmt *st;
	int cap = 0;

	drop();
	st = db_prepare(db, "SELECT fkey, value, unit, source, IFNULL(valid_from, 0), IFNULL(valid_to, 0), confidence FROM factors");
	if (!st || db_exec(st))
		return -1;
	while (db_step(st) == 1) {
		struct calc_factor *f;
		const char *v = db_col_text(st, 1, NULL), *conf = db_col_text(st, 6, NULL);

		if (nrows == cap) {
			cap = cap ? cap * 2 : 512;
			rows = xrealloc(rows, sizeof(*rows) * (size_t)cap);
		}
		f = &rows[nrows];
		if (dec_parse(v, strlen(v), DEC_MAX_SCALE, DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, &f->value) != DEC_OK) {
			error("factors: bad value %s", v);
			continue;
		}
		f->key = xstrdup(db_col_text(st, 0, NULL));
		f->unit = xstrdup(db_col_text(st, 2, NULL));
		f->source = xstrdup(db_col_text(st, 3, NULL));
		f->valid_from = (int)db_col_int(st, 4);
		f->valid_to = (int)db_col_int(st, 5);
		f->confidence = !strcmp(conf, "provisional") ? CONF_PROVISIONAL : !strcmp(conf, "secondary") ? CONF_SECONDARY :
				!strcmp(conf, "derived") ? CONF_DERIVED : CONF_OFFICIAL;
		nrows++;
	}
	calc_sort_factors(rows, nrows);
	table.factors = rows;
	table.nfactors = nrows;

	st = db_prepare(db, "SELECT gwp_set, from_year, IFNULL(to_year, 0) FROM gwp_eras ORDER BY from_year");
	if (!st || db_exec(st))
		return -1;
	while (table.neras < CALC_MAX_ERAS && db_step(st) == 1) {
		struct calc_era *e = &table.eras[table.neras++];

		snprintf(e->set, sizeof(e->set), "%s", db_col_text(st, 0, NULL));
		e->from = (int)db_col_int(st, 1);
		e->to = (int)db_col_int(st, 2);
	}
	st = db_prepare(db, "SELECT code, label, gas, counts_zero, note FROM refrigerants ORDER BY sort");
	if (!st || db_exec(st))
		return -1;
	while (table.nrefrigerants < CALC_MAX_REFRIGERANTS && db_step(st) == 1) {
		struct calc_refrigerant *r = &table.refrigerants[table.nrefrigerants++];

		snprintf(r->code, sizeof(r->code), "%s", db_col_text(st, 0, NULL));
		snprintf(r->label, sizeof(r->label), "%s", db_col_text(st, 1, NULL));
		snprintf(r->gas, sizeof(r->gas), "%s", db_col_text(st, 2, NULL));
		r->counts_zero = (int)db_col_int(st, 3);
		snprintf(r->note, sizeof(r->note), "%s", db_col_text(st, 4, NULL));
	}
	return 0;
}

const struct calc_table *factors_table(struct app *app)
{
	struct db_stmt *st = db_prepare(&app->db, "SELECT CONCAT(COUNT(*), '/', IFNULL(MAX(updated_at), '')) FROM factors");
	char now[64];

	if (!st || db_exec(st) || db_step(st) != 1)
		return NULL;
	snprintf(now, sizeof(now), "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	if (nrows && !strcmp(now, stamp))
		return &table;
	if (load(&app->db)) {
		drop();
		stamp[0] = '\0';
		return NULL;
	}
	snprintf(stamp, sizeof(stamp), "%s", now);
	return &table;
}

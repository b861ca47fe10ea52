/* factors.h: the unit tests' copy of the factor table, read from the repository's CSVs with
 * libcsv as cityinv-admin loads them (header only: one loader for every test that needs it). */
#ifndef CITYINV_TEST_FACTORS_H
#define CITYINV_TEST_FACTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "calc.h"

#ifndef FACTORS_CSV
#define FACTORS_CSV "migrations/data/emission-factors.csv"
#endif
#ifndef SUPPLEMENT_CSV
#define SUPPLEMENT_CSV "migrations/data/supplementary-factors.csv"
#endif

static struct calc_factor factors[512];
static int nfactors;
static char *fields[9];
static int col, row;

static void on_field(void *s, size_t len, void *data)
{
	(void)data;
	if (col < 9)
		fields[col] = strndup(s ? s : "", s ? len : 0);
	col++;
}

static void on_row(int c, void *data)
{
	(void)c;
	(void)data;
	if (row++ > 0 && col == 9 && nfactors < 512) {
		struct calc_factor *f = &factors[nfactors];
		if (dec_parse(fields[5], strlen(fields[5]), DEC_MAX_SCALE, DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, &f->value) == DEC_OK) {
			f->key = fields[0];
			f->unit = fields[4];
			f->source = fields[8];
			f->valid_from = atoi(fields[6]);
			f->valid_to = atoi(fields[7]);
			f->confidence = !strncmp(f->source, "PROVISIONAL", 11) ? CONF_PROVISIONAL :
					!strncmp(f->source, "SECONDARY", 9) ? CONF_SECONDARY :
					!strncmp(f->source, "DERIVED", 7) ? CONF_DERIVED : CONF_OFFICIAL;
			nfactors++;
			fields[0] = fields[4] = fields[8] = NULL;
		}
	}
	for (int i = 0; i < 9; i++) {
		free(fields[i]);
		fields[i] = NULL;
	}
	col = 0;
}

static void load_file(const char *path)
{
	FILE *f = fopen(path, "r");
	struct csv_parser p;
	char buf[4096];
	size_t n;

	if (!f) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	row = 0;
	csv_init(&p, CSV_STRICT | CSV_APPEND_NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		csv_parse(&p, buf, n, on_field, on_row, NULL);
	csv_fini(&p, on_field, on_row, NULL);
	csv_free(&p);
	fclose(f);
}

static void load(struct calc_table *t)
{
	load_file(FACTORS_CSV);
	load_file(SUPPLEMENT_CSV);
	calc_sort_factors(factors, nfactors);
	memset(t, 0, sizeof(*t));
	t->factors = factors;
	t->nfactors = nfactors;
	/* As migrations/0003_reports.sql loads them. */
	static const struct calc_era eras[] = { { "SAR", 1990, 2015 }, { "AR4", 2016, 2022 }, { "AR5", 2023, 0 } };
	memcpy(t->eras, eras, sizeof(eras));
	t->neras = 3;
	static const struct calc_refrigerant refr[] = {
		{ "R134a", "R134a", "HFC-134a", 0, "" }, { "R410a", "R410a", "R-410A", 0, "" },
		{ "R22", "R22", "HCFC-22", 1, "以 0 計" }, { "R32", "R32", "HFC-32", 0, "" },
		{ "R404A", "R404A", "R-404A", 0, "" }, { "R407C", "R407C", "R-407C", 0, "" },
		{ "R507A", "R507A", "R-507A", 0, "" }, { "R600a", "R600a", "R-600a", 1, "以 0 計" },
		{ "R1234yf", "R1234yf", "HFC-1234yf", 1, "以 0 計" },
	};
	memcpy(t->refrigerants, refr, sizeof(refr));
	t->nrefrigerants = 9;
}


#endif

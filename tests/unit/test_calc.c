/* test_calc.c: the calculation against values computed independently (tests/unit/data/
 * calc_expected.py, Python's decimal module straight from the reference CSV) and SPEC 4's
 * worked checks, over 2013-2025: every GWP era, the provisional year, each refrigerant,
 * BC/KBC, LPG in kg, outsourced apart from own; and the bounds (calc.h BOUNDS): every field at
 * its maximum with the largest factor of every year, the form's validators, the factor ceiling
 * and the report bound, each at the limit and one step beyond. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "calc.h"
#include "input.h"
#include "tap.h"

#include "factors.h"

static const struct {
	const char *item;
	int year;
	const char *qty;
	const char *refrigerant;
	const char *kg;
} cases[] = {
	/* python3 tests/unit/data/calc_expected.py */
	{ "electricity", 2013, "12345.678", NULL, "6407.407" },
	{ "electricity", 2015, "1", NULL, "0.525" },
	{ "electricity", 2016, "98765.4", NULL, "52345.662" },
	{ "electricity", 2020, "500000", NULL, "251000.000" },
	{ "electricity", 2023, "10000", NULL, "4940.000" },
	{ "electricity", 2024, "31415.926", NULL, "14891.149" },
	{ "electricity", 2025, "250000.5", NULL, "116750.234" },
	{ "natural_gas", 2013, "1000", NULL, "1880.778" },
	{ "natural_gas", 2019, "2345.678", NULL, "4411.919" },
	{ "natural_gas", 2023, "800", NULL, "1504.689" },
	{ "natural_gas", 2024, "800", NULL, "1517.291" },
	{ "natural_gas", 2025, "1234.567", NULL, "2341.496" },
	{ "lpg", 2014, "100", NULL, "290.105" },
	{ "lpg", 2018, "55.5", NULL, "161.015" },
	{ "lpg", 2023, "20", NULL, "58.023" },
	{ "lpg", 2024, "20", NULL, "58.023" },
	{ "lpg", 2025, "1000", NULL, "2901.164" },
	{ "vehicle_gasoline", 2013, "100", NULL, "236.127" },
	{ "vehicle_gasoline", 2017, "4321.5", NULL, "10204.781" },
	{ "vehicle_gasoline", 2023, "100", NULL, "235.523" },
	{ "vehicle_gasoline", 2024, "100", NULL, "229.061" },
	{ "vehicle_gasoline", 2025, "12000", NULL, "27487.296" },
	{ "vehicle_diesel", 2015, "300", NULL, "795.430" },
	{ "vehicle_diesel", 2021, "300", NULL, "795.100" },
	{ "vehicle_diesel", 2025, "300", NULL, "816.170" },
	{ "generator_diesel", 2016, "100", NULL, "261.496" },
	{ "generator_diesel", 2022, "77.777", NULL, "203.384" },
	{ "generator_diesel", 2024, "50", NULL, "134.402" },
	{ "ext_co2", 2013, "5", NULL, "5.000" },
	{ "ext_co2", 2023, "5", NULL, "5.000" },
	{ "ext_bc", 2019, "10", NULL, "2.619" },
	{ "ext_bc", 2025, "3.333", NULL, "0.873" },
	{ "ext_kbc", 2016, "10", NULL, "2.198" },
	{ "ext_kbc", 2024, "7.5", NULL, "1.649" },
	{ "refrigerant", 2013, "2", "R134a", "2600.000" },
	{ "refrigerant", 2018, "2", "R134a", "2860.000" },
	{ "refrigerant", 2023, "2", "R134a", "2600.000" },
	{ "refrigerant", 2014, "2", "R410a", "3450.000" },
	{ "refrigerant", 2020, "2", "R410a", "4175.000" },
	{ "refrigerant", 2023, "2", "R410a", "3847.000" },
	{ "refrigerant", 2025, "1.25", "R32", "846.250" },
	{ "refrigerant", 2015, "4", "R404A", "13040.000" },
	{ "refrigerant", 2019, "0.8", "R407C", "1419.080" },
	{ "refrigerant", 2024, "3", "R507A", "11955.000" },
	{ "refrigerant", 2013, "10", "R22", "0.000" },
	{ "refrigerant", 2023, "10", "R22", "0.000" },
	{ "refrigerant", 2020, "0.5", "R600a", "0.000" },
	{ "refrigerant", 2025, "1", "R1234yf", "0.000" },
};

static enum calc_item item_of(const char *key)
{
	for (int i = 0; i < CALC__MAX; i++)
		if (!strcmp(calc_items[i].key, key))
			return (enum calc_item)i;
	return CALC__MAX;
}

static dec_t Q(const char *s)
{
	dec_t d = { 0, 0 };

	dec_parse(s, strlen(s), 3, 0, &d);
	return d;
}

static char b[128];
static const char *fmt(dec_t d)
{
	dec_format(d, b, sizeof(b));
	return b;
}

/* The largest per-unit factor a refrigerant row can have in `year`, and which refrigerant. */
static const char *largest_refrigerant(const struct calc_table *t, int year, dec_t *factor)
{
	const char *best = NULL;
	struct calc_line l;
	struct calc_result res;
	char err[256];

	for (int i = 0; i < t->nrefrigerants; i++) {
		struct calc_input in = { CALC_REFRIGERANT, CALC_OWN, 10, t->refrigerants[i].code, { 1, 0 } };

		if (calc_compute(t, year, CALC_ELEC_OVERALL, &in, 1, &l, &res, err, sizeof(err)) == 0 && (!best || dec_cmp(l.factor, *factor) > 0)) {
			best = t->refrigerants[i].code;
			*factor = l.factor;
		}
	}
	return best;
}

/*
 * Every field of both parts at its maximum, CALC_MAX_REFRIGERANT_ROWS rows
 * of the year's largest-GWP refrigerant, for every year of the table:
 * computes exactly (each line is its exact product rounded once; the total
 * is the sum of the lines), its thousandths fit int64 within the bound
 * calc.c proves at compile time, and the report bound refuses it, naming
 * its largest line.  Also the largest factor the table can produce.
 */
static void test_bounds_all_fields(const struct calc_table *t)
{
	static struct calc_input in[2 * (CALC__MAX + CALC_MAX_REFRIGERANT_ROWS)];
	static struct calc_line lines[2 * (CALC__MAX + CALC_MAX_REFRIGERANT_ROWS)];
	struct calc_result res;
	char err[256];
	dec_t largest = { 0, 0 }, bound;
	int bad_exact = 0, bad_fit = 0, bad_limit = 0, computed = 0;

	/* 3.05 x 10^15 kg: the compile-time bound of calc.c, at the field maxima and CALC_FACTOR_MAX. */
	dec_from_int(2 * CALC_FACTOR_MAX * (CALC_MAX_ELECTRICITY + 5 * CALC_MAX_FUEL + 3 * CALC_MAX_EXTINGUISHER +
					    CALC_MAX_REFRIGERANT_ROWS * CALC_MAX_REFRIGERANT), &bound);
	for (int year = 2013; year <= 2025; year++) {
		dec_t rf = { 0, 0 }, sum = { 0, 3 }, both;
		const char *ref = largest_refrigerant(t, year, &rf);
		int n = 0, part, line;
		long long m;

		for (int p = 0; p < CALC_PART__MAX; p++) {
			for (int k = 0; k < CALC__MAX; k++)
				if (k != CALC_REFRIGERANT)
					in[n++] = (struct calc_input){ (enum calc_item)k, (enum calc_part)p, 0, NULL, { calc_items[k].max, 0 } };
			for (int i = 0; i < CALC_MAX_REFRIGERANT_ROWS; i++)
				in[n++] = (struct calc_input){ CALC_REFRIGERANT, (enum calc_part)p, 10 + i, ref, { CALC_MAX_REFRIGERANT, 0 } };
		}
		if (!ok(ref && calc_compute(t, year, CALC_ELEC_OVERALL, in, n, lines, &res, err, sizeof(err)) == 0,
			"%d: every field at its maximum, %d rows of %s, computes", year, CALC_MAX_REFRIGERANT_ROWS, ref ? ref : "?")) {
			printf("# %s\n", err);
			continue;
		}
		computed++;
		for (int i = 0; i < n; i++) {
			dec_t exact, rounded;

			if (dec_mul(lines[i].quantity, lines[i].factor, &exact) || dec_round(exact, 3, &rounded) ||
			    dec_cmp(rounded, lines[i].kg) || dec_add(sum, lines[i].kg, &sum))
				bad_exact++;
			if (dec_cmp(lines[i].factor, largest) > 0)
				largest = lines[i].factor;
		}
		if (dec_add(res.total[CALC_OWN], res.total[CALC_OUTSOURCED], &both) || dec_cmp(both, sum))
			bad_exact++;
		if (dec_to_scaled_i64(both, 3, &m) || dec_cmp(both, bound) > 0)
			bad_fit++;
		if (calc_over_limit(&res, lines, n, &part, &line) != -1 || part != CALC_OWN || line < 0 ||
		    lines[line].item != CALC_REFRIGERANT)
			bad_limit++;
	}
	is_int(computed, 13, "all 13 years compute at the bounds");
	is_int(bad_exact, 0, "each line is its exact product rounded once; both totals are the sum of the lines");
	is_int(bad_fit, 0, "both parts together fit int64 thousandths, within calc.c's bound of %s kg", fmt(bound));
	is_int(bad_limit, 0, "and the report bound refuses them, beside the largest line (a refrigerant row)");
	ok(dec_sign(largest) > 0 && dec_cmp(largest, (dec_t){ CALC_FACTOR_MAX, 0 }) <= 0,
	   "the largest per-unit factor the table produces, %s, is within CALC_FACTOR_MAX", fmt(largest));
}

/* The factor ceiling, on a one-row table: 100,000 is accepted, 100,000.001 and -0.001 are not. */
static void test_factor_ceiling(void)
{
	struct calc_factor f = { "elec_grid_2023", { 100000, 0 }, "kgCO2e/kWh", "test", 2023, 2023, CONF_OFFICIAL, 0, 0, 0 };
	struct calc_table small = { .factors = &f, .nfactors = 1, .eras = { { "AR5", 2023, 0 } }, .neras = 1 };
	struct calc_input in = { CALC_ELECTRICITY, CALC_OWN, 0, NULL, { CALC_MAX_ELECTRICITY, 0 } };
	struct calc_line l;
	struct calc_result res;
	char err[256];
	long long m;

	ok(calc_compute(&small, 2023, CALC_ELEC_OVERALL, &in, 1, &l, &res, err, sizeof(err)) == 0 && !strcmp(fmt(l.kg), "1000000000000000.000") &&
	   dec_to_scaled_i64(l.kg, 3, &m) == 0, "factor 100,000 x 10^10 kWh: 10^15 kg, fits");
	f.value = (dec_t){ 100000001, 3 };
	ok(calc_compute(&small, 2023, CALC_ELEC_OVERALL, &in, 1, &l, &res, err, sizeof(err)) == -1 && strstr(err, "100,000"),
	   "factor 100,000.001 refused as a data error: %s", err);
	f.value = (dec_t){ -1, 3 };
	ok(calc_compute(&small, 2023, CALC_ELEC_OVERALL, &in, 1, &l, &res, err, sizeof(err)) == -1, "a negative factor refused");
	f.value = (dec_t){ 494, 3 };
	in.quantity = (dec_t){ -1, 0 };
	ok(calc_compute(&small, 2023, CALC_ELEC_OVERALL, &in, 1, &l, &res, err, sizeof(err)) == -1, "a negative quantity refused");
}

/*
 * The report bound, exactly: in 2023, 10^10 kWh x 0.494 + 1,269,761 kg R507A
 * x 3,985 + 2,415 kg CO2 extinguishers = 4,940,000,000 + 5,059,997,585 +
 * 2,415 = 10,000,000,000.000 kg is accepted; 0.001 kg more is not, and the
 * message goes beside the largest line (R507A).  Each part on its own.
 */
static void test_report_bound(const struct calc_table *t)
{
	struct calc_input in[] = {
		{ CALC_ELECTRICITY, CALC_OWN, 0, NULL, { CALC_MAX_ELECTRICITY, 0 } },
		{ CALC_REFRIGERANT, CALC_OWN, 10, "R507A", { 1269761, 0 } },
		{ CALC_EXT_CO2, CALC_OWN, 0, NULL, { 2415, 0 } },
		{ CALC_ELECTRICITY, CALC_OUTSOURCED, 0, NULL, { CALC_MAX_ELECTRICITY, 0 } },
		{ CALC_REFRIGERANT, CALC_OUTSOURCED, 10, "R507A", { 1269761, 0 } },
		{ CALC_EXT_CO2, CALC_OUTSOURCED, 0, NULL, { 2415, 0 } },
	};
	struct calc_line lines[6];
	struct calc_result res;
	char err[256];
	int part = 9, line = 9;

	ok(calc_compute(t, 2023, CALC_ELEC_OVERALL, in, 6, lines, &res, err, sizeof(err)) == 0, "the report at its bound computes");
	is_str(fmt(res.total[CALC_OWN]), "10000000000.000", "own: exactly 10^10 kg");
	is_str(fmt(res.total[CALC_OUTSOURCED]), "10000000000.000", "outsourced: exactly 10^10 kg");
	is_int(calc_over_limit(&res, lines, 6, &part, &line), 0, "both at the bound: accepted");
	in[5].quantity = (dec_t){ 2415001, 3 };
	ok(calc_compute(t, 2023, CALC_ELEC_OVERALL, in, 6, lines, &res, err, sizeof(err)) == 0 &&
	   !strcmp(fmt(res.total[CALC_OUTSOURCED]), "10000000000.001"), "outsourced 0.001 kg above");
	ok(calc_over_limit(&res, lines, 6, &part, &line) == -1 && part == CALC_OUTSOURCED && line == 4,
	   "refused: the outsourced part, beside its R507A line");
	in[5].quantity = (dec_t){ 2415, 0 };
	in[2].quantity = (dec_t){ 2415001, 3 };
	ok(calc_compute(t, 2023, CALC_ELEC_OVERALL, in, 6, lines, &res, err, sizeof(err)) == 0 &&
	   calc_over_limit(&res, lines, 6, &part, &line) == -1 && part == CALC_OWN && line == 1,
	   "own 0.001 kg above: refused beside its R507A line");

	/* Issue 10: twenty rows of 10^12 kg R404A: the form refuses each (below); the calculation itself refuses the total. */
	struct calc_input r404[20];
	struct calc_line l20[20];

	for (int i = 0; i < 20; i++)
		r404[i] = (struct calc_input){ CALC_REFRIGERANT, CALC_OWN, 10 + i, "R404A", { 1000000000000LL, 0 } };
	ok(calc_compute(t, 2023, CALC_ELEC_OVERALL, r404, 20, l20, &res, err, sizeof(err)) == -1 && strstr(err, "合計過大"),
	   "twenty 10^12 kg R404A rows: the total's thousandths do not fit, refused (%s)", err);
}

/* The form's validators (input_quantity with each field's maximum): the limit passes, 0.001 more does not. */
static void test_validators(void)
{
	struct arena a;
	dec_t q;
	const char *norm;
	int bad = 0;

	arena_init(&a, 1 << 14);
	for (int k = 0; k < CALC__MAX; k++) {
		char at[64], beyond[64];

		snprintf(at, sizeof(at), "%lld", calc_items[k].max);
		snprintf(beyond, sizeof(beyond), "%lld.001", calc_items[k].max);
		if (input_quantity(&a, at, strlen(at), calc_items[k].max, &q, &norm) != INPUT_OK ||
		    input_quantity(&a, beyond, strlen(beyond), calc_items[k].max, &q, &norm) != INPUT_TOO_LARGE) {
			printf("# %s: %s / %s\n", calc_items[k].key, at, beyond);
			bad++;
		}
	}
	is_int(bad, 0, "every item: its maximum accepted, 0.001 more refused");
	is_int(input_quantity(&a, "10,000,000,000", 14, CALC_MAX_ELECTRICITY, &q, &norm), INPUT_OK, "10,000,000,000 kWh (grouped) accepted");
	is_int(input_quantity(&a, "１０，０００，０００，００１", strlen("１０，０００，０００，００１"), CALC_MAX_ELECTRICITY, &q, &norm), INPUT_TOO_LARGE,
	       "10,000,000,001 kWh in full-width digits refused");
	is_int(input_quantity(&a, "1000000000000", 13, CALC_MAX_REFRIGERANT, &q, &norm), INPUT_TOO_LARGE,
	       "issue 10: 10^12 kg of refrigerant refused by the field");
	is_str(input_max_message(&a, CALC_MAX_REFRIGERANT, "公斤"), "數值過大（上限 10,000,000 公斤）。", "the message names the limit");
	is_str(input_max_message(&a, 1000000000000LL, NULL), "數值過大（上限 1,000,000,000,000）。", "... with or without a unit");
	arena_release(&a);
}

/* The sum of a line's present gases. */
static dec_t gas_sum(const struct calc_line *l)
{
	dec_t s = { 0, 3 };

	for (int g = 0; g < CALC_GAS__MAX; g++)
		if (l->gas[g].present && dec_add(s, l->gas[g].kg, &s))
			s.m = -1;
	return s;
}

/* q x a x b rounded half-up to 3 decimals, computed here (not by calc.c). */
static dec_t round3(dec_t q, dec_t a, dec_t gwpv)
{
	dec_t x = { 0, 0 };

	if (dec_mul(q, a, &x) || dec_mul(x, gwpv, &x) || dec_round(x, 3, &x))
		x.m = -1;
	return x;
}

/*
 * SPEC-2 §2a: every line's gases add up to its kg; the rounding residue goes
 * to the largest gas.  Natural gas in 2023 (table 6.0.4, AR5): each gas is
 * q x EF_g x GWP_g rounded on its own, computed here from the table's rows;
 * among many quantities some leave a residue, and it is CO2's.
 */
static void test_gases(const struct calc_table *t)
{
	struct calc_line l;
	struct calc_result res;
	char err[256];
	const char *g3[3] = { "CO2", "CH4", "N2O" };
	const struct calc_factor *ef[3], *gw[3];
	int residues = 0, bad = 0, largest_bad = 0;

	for (int i = 0; i < 3; i++) {
		char k[96];

		snprintf(k, sizeof(k), "ef604_natural_gas_stationary_%s", g3[i]);
		ef[i] = calc_factor_get(t, k);
		snprintf(k, sizeof(k), "gwp_AR5_%s", g3[i]);
		gw[i] = calc_factor_get(t, k);
	}
	ok(ef[0] && ef[1] && ef[2] && gw[0] && gw[1] && gw[2], "natural gas 2023 rows found");
	for (int i = 1; i <= 3000 && ef[2] && gw[2]; i++) {
		struct calc_input in = { CALC_NATURAL_GAS, CALC_OWN, 0, NULL, { (dec_i128)i * 7919, 3 } };
		dec_t r[3], sum = { 0, 3 }, co2;

		if (calc_compute(t, 2023, CALC_ELEC_OVERALL, &in, 1, &l, &res, err, sizeof(err))) {
			bad++;
			continue;
		}
		for (int g = 0; g < 3; g++) {
			r[g] = round3(in.quantity, ef[g]->value, gw[g]->value);
			if (dec_add(sum, r[g], &sum))
				bad++;
		}
		if (dec_cmp(gas_sum(&l), l.kg))
			bad++;
		if (!l.gas[CALC_GAS_CO2].present || !l.gas[CALC_GAS_CH4].present || !l.gas[CALC_GAS_N2O].present ||
		    l.gas[CALC_GAS_HFC].present)
			bad++;
		/* CH4 and N2O are their own rounding; CO2 (the largest) takes kg - the others. */
		if (dec_cmp(l.gas[CALC_GAS_CH4].kg, r[1]) || dec_cmp(l.gas[CALC_GAS_N2O].kg, r[2]))
			largest_bad++;
		if (dec_sub(l.kg, r[1], &co2) || dec_sub(co2, r[2], &co2) || dec_cmp(l.gas[CALC_GAS_CO2].kg, co2))
			largest_bad++;
		if (dec_cmp(sum, l.kg))
			residues++;
	}
	ok(!bad, "3000 natural gas lines: every one's gases add up to its kg (%d wrong)", bad);
	ok(!largest_bad, "the residue always goes to CO2, the largest gas (%d wrong)", largest_bad);
	ok(residues > 0, "%d of them have a rounding residue (q x EF x GWP of the gases rounded apart)", residues);

	/* The 2025 route (kg/TJ x heat value) splits too. */
	{
		struct calc_input in = { CALC_VEHICLE_DIESEL, CALC_OWN, 0, NULL, Q("12345.678") };

		ok(calc_compute(t, 2025, CALC_ELEC_OVERALL, &in, 1, &l, &res, err, sizeof(err)) == 0 && !dec_cmp(gas_sum(&l), l.kg) &&
		   l.gas[CALC_GAS_CH4].present && dec_sign(l.gas[CALC_GAS_N2O].kg) > 0, "2025 diesel: gases add up to %s", fmt(l.kg));
	}
}

/* Every item in both parts, several years: 類別, 範疇, the gases present, Σ gases = kg, and the tables by 類別 and gas. */
static void test_iso_every_item(struct calc_table *t)
{
	static const int years[] = { 2015, 2019, 2023, 2024, 2025 };
	static const int own_iso[CALC__MAX] = { 2, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	static const int out_iso[CALC__MAX] = { 4, 4, 4, 3, 3, 4, 4, 4, 4, 4 };
	struct calc_input in[2 * CALC__MAX];
	struct calc_line lines[2 * CALC__MAX];
	struct calc_result res;
	char err[256];

	for (int p = 0; p < CALC_PART__MAX; p++)
		for (int k = 0; k < CALC__MAX; k++) {
			struct calc_input *x = &in[p * CALC__MAX + k];

			x->item = (enum calc_item)k;
			x->part = (enum calc_part)p;
			x->seq = k == CALC_REFRIGERANT ? 1 : 0;
			x->refrigerant = k == CALC_REFRIGERANT ? "R410a" : NULL;
			x->quantity = Q("1234.567");
		}
	/* The grid factor's interval travels with electricity's CO2 (as i13-core loads it from 附表一). */
	for (int i = 0; i < nfactors; i++)
		if (!strcmp(factors[i].key, "elec_grid_2023")) {
			factors[i].has_ci = 1;
			factors[i].ci_lower_milli = factors[i].ci_upper_milli = 7000;
		}
	for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++) {
		int bad = 0;
		dec_t iso_sum[CALC_PART__MAX] = { { 0, 3 }, { 0, 3 } }, gas_tot[CALC_PART__MAX] = { { 0, 3 }, { 0, 3 } };

		if (calc_compute(t, years[y], CALC_ELEC_OVERALL, in, 2 * CALC__MAX, lines, &res, err, sizeof(err))) {
			ok(0, "%d: every item computes: %s", years[y], err);
			continue;
		}
		for (int i = 0; i < 2 * CALC__MAX; i++) {
			const struct calc_line *l = &lines[i];
			int want = l->part == CALC_OWN ? own_iso[l->item] : out_iso[l->item];
			int wscope = l->part == CALC_OWN ? calc_items[l->item].scope : 3;

			if (l->iso_category != want || l->scope != wscope) {
				printf("# %d %s %s: 類別 %d 範疇 %d\n", years[y], calc_part_keys[l->part], calc_items[l->item].key,
				     l->iso_category, l->scope), fflush(stdout);
				bad++;
			}
			if (dec_cmp(gas_sum(l), l->kg))
				bad++;
			if (l->item == CALC_ELECTRICITY &&
			    (!l->gas[CALC_GAS_CO2].present || l->gas[CALC_GAS_CH4].present || dec_cmp(l->gas[CALC_GAS_CO2].kg, l->kg)))
				bad++;
			if (l->item >= CALC_EXT_CO2 && l->item <= CALC_EXT_KBC && !l->gas[CALC_GAS_CO2].present)
				bad++;
			if (l->item == CALC_REFRIGERANT && (!l->gas[CALC_GAS_HFC].present || l->gas[CALC_GAS_CO2].present))
				bad++;
		}
		for (int p = 0; p < CALC_PART__MAX; p++) {
			for (int c = 1; c <= CALC_ISO_MAX; c++)
				if (dec_add(iso_sum[p], res.by_iso[p][c], &iso_sum[p]))
					bad++;
			for (int g = 0; g < CALC_GAS__MAX; g++)
				if (dec_add(gas_tot[p], res.by_gas[p][g], &gas_tot[p]))
					bad++;
			if (dec_cmp(iso_sum[p], res.total[p]) || dec_cmp(gas_tot[p], res.total[p]))
				bad++;
		}
		if (dec_sign(res.by_scope[CALC_OUTSOURCED][1]) || dec_sign(res.by_scope[CALC_OUTSOURCED][2]) ||
		    dec_cmp(res.by_scope[CALC_OUTSOURCED][3], res.total[CALC_OUTSOURCED]) || dec_sign(res.by_scope[CALC_OWN][3]))
			bad++;
		ok(!bad, "%d: 類別/範疇 of every item x part, Σ gases = kg, by 類別 and by gas add up to the totals", years[y]);
		if (years[y] == 2023)
			ok(lines[0].gas[CALC_GAS_CO2].has_ci && lines[0].gas[CALC_GAS_CO2].ci_lower_milli == 7000 &&
			   !lines[CALC_REFRIGERANT].gas[CALC_GAS_HFC].has_ci, "electricity's CO2 carries the grid factor's ±7.0 %%; R410a 未評估");
	}
	{
		struct calc_input r22 = { CALC_REFRIGERANT, CALC_OWN, 1, "R22", Q("10") };

		ok(calc_compute(t, 2023, CALC_ELEC_OVERALL, &r22, 1, lines, &res, err, sizeof(err)) == 0 && lines[0].gas[CALC_GAS_HFC].present &&
		   dec_is_zero(lines[0].gas[CALC_GAS_HFC].kg), "R22 (counted 0): its gas present at 0 kg");
	}
}

/*
 * The county's electricity variant (SPEC-2 §3): 2025's three announced
 * values (emission-factors.csv: 0.467 overall, 0.466 產業, 0.471 民生) by
 * the choice; a year without variants the same whatever the choice; 2026
 * without a factor falls back on 2025's value of the same variant.
 */
static int no_variant(const char *method)
{
	return !strstr(method, "（產業）") && !strstr(method, "（民生）") && !strstr(method, "（公用售電業整體）");
}

static void test_elec_variants(const struct calc_table *t)
{
	static struct calc_line l;
	struct calc_result res;
	char err[300];
	struct calc_input in = { CALC_ELECTRICITY, CALC_OWN, 0, NULL, Q("1000") };
	const char *want2025[CALC_ELEC__MAX] = { "467.000", "466.000", "471.000" };
	const char *word[CALC_ELEC__MAX] = { NULL, "（產業）", "（民生）" };

	for (int e = 0; e < CALC_ELEC__MAX; e++) {
		ok(calc_compute(t, 2025, (enum calc_elec)e, &in, 1, &l, &res, err, sizeof(err)) == 0 && !strcmp(fmt(l.kg), want2025[e]) &&
		   !l.provisional, "2025 %s: 1,000 kWh -> %s", calc_elec_keys[e], want2025[e]);
		ok(word[e] ? strstr(l.method, word[e]) != NULL : no_variant(l.method), "its method names the variant: %s", l.method);
		ok(calc_compute(t, 2024, (enum calc_elec)e, &in, 1, &l, &res, err, sizeof(err)) == 0 && !strcmp(fmt(l.kg), "474.000") &&
		   no_variant(l.method), "2024 has no variants: 474.000 whatever the choice (%s)", calc_elec_keys[e]);
		ok(calc_compute(t, 2026, (enum calc_elec)e, &in, 1, &l, &res, err, sizeof(err)) == 0 && !strcmp(fmt(l.kg), want2025[e]) &&
		   l.provisional, "2026 without a factor: 2025's %s, provisional", calc_elec_keys[e]);
	}
	ok(calc_compute(t, 2025, (enum calc_elec)CALC_ELEC__MAX, &in, 1, &l, &res, err, sizeof(err)) == -1, "an unknown variant refused");
	ok(calc_elec_of("industry") == CALC_ELEC_INDUSTRY && calc_elec_of("residential") == CALC_ELEC_RESIDENTIAL &&
	   calc_elec_of("overall") == CALC_ELEC_OVERALL && calc_elec_of("x") == CALC_ELEC_OVERALL && calc_elec_of(NULL) == CALC_ELEC_OVERALL,
	   "calc_elec_of: the keys, anything else overall");
}

int main(void)
{
	struct calc_table t;
	struct calc_line lines[16];
	struct calc_result res;
	char err[256];

	load(&t);
	ok(t.nfactors > 250, "reference table loaded (%d rows)", t.nfactors);
	is_str(calc_gwp_set(&t, 2015), "SAR", "2015 uses SAR");
	is_str(calc_gwp_set(&t, 2016), "AR4", "2016 uses AR4");
	is_str(calc_gwp_set(&t, 2022), "AR4", "2022 uses AR4");
	is_str(calc_gwp_set(&t, 2023), "AR5", "2023 uses AR5");
	is_int(calc_item_index("electricity"), CALC_ELECTRICITY, "an item by its stored name");
	is_int(calc_item_index("Electricity"), -1, "exactly as stored");
	is_str(calc_item_label("refrigerant"), "冷媒", "its label");
	is_str(calc_item_label("no_such_item"), "no_such_item", "no item: the key itself");

	/* The independent cases. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct calc_input in = { item_of(cases[i].item), CALC_OWN, 0, cases[i].refrigerant, Q(cases[i].qty) };
		int rc = calc_compute(&t, cases[i].year, CALC_ELEC_OVERALL, &in, 1, lines, &res, err, sizeof(err));
		if (rc)
			printf("# %s\n", err);
		is_str(rc ? err : fmt(lines[0].kg), cases[i].kg, "%d %s %s %s", cases[i].year, cases[i].item,
		       cases[i].qty, cases[i].refrigerant ? cases[i].refrigerant : "");
	}

	/* SPEC 4's worked checks together, with subtotals by category and scope. */
	{
		struct calc_input in[] = {
			{ CALC_ELECTRICITY, CALC_OWN, 0, NULL, Q("10000") },
			{ CALC_VEHICLE_GASOLINE, CALC_OWN, 0, NULL, Q("100") },
			{ CALC_REFRIGERANT, CALC_OWN, 1, "R410a", Q("2") },
			{ CALC_EXT_CO2, CALC_OWN, 0, NULL, Q("5") },
			{ CALC_ELECTRICITY, CALC_OUTSOURCED, 0, NULL, Q("1000") },
		};
		ok(calc_compute(&t, 2023, CALC_ELEC_OVERALL, in, 5, lines, &res, err, sizeof(err)) == 0, "2023 worked checks compute");
		is_str(fmt(lines[0].kg), "4940.000", "10,000 kWh -> 4,940.000");
		is_str(fmt(lines[1].kg), "235.523", "100 L gasoline in a 公務車 -> 235.523");
		is_str(fmt(lines[2].kg), "3847.000", "2 kg R410A -> 3,847.000");
		is_str(fmt(lines[3].kg), "5.000", "5 kg CO2 extinguisher -> 5.000");
		is_str(fmt(res.total[CALC_OWN]), "9027.523", "own total = sum of the rounded lines");
		is_str(fmt(res.total[CALC_OUTSOURCED]), "494.000", "outsourced total apart");
		is_str(fmt(res.by_category[CALC_OWN][CALC_CAT_STATIONARY]), "4940.000", "固定式能源");
		is_str(fmt(res.by_category[CALC_OWN][CALC_CAT_TRANSPORT]), "235.523", "交通運輸");
		is_str(fmt(res.by_category[CALC_OWN][CALC_CAT_FUGITIVE]), "3852.000", "逸散");
		is_str(fmt(res.by_scope[CALC_OWN][1]), "4087.523", "範疇一");
		is_str(fmt(res.by_scope[CALC_OWN][2]), "4940.000", "範疇二");
		is_str(fmt(res.by_scope[CALC_OUTSOURCED][3]), "494.000", "outsourced 範疇三 apart");
		is_str(lines[0].gwp_set, "", "electricity has no GWP set");
		is_str(lines[1].gwp_set, "AR5", "gasoline shows its GWP set");
		ok(strstr(lines[1].method, "6.0.4") != NULL, "method names table 6.0.4");
		ok(strstr(lines[1].method, "0.000816426 × 28") != NULL, "method shows CH4 x 28 (combustion under AR5)");
		ok(strstr(lines[0].sources, "MOENV") != NULL, "electricity line carries its source");
		ok(!res.provisional, "nothing provisional in 2023");
	}

	/* Marks: provisional (2024 heat values), derived (BC, LPG before 2024), 6.0.3 stand-in, zero-counted refrigerants. */
	{
		struct calc_input in[] = {
			{ CALC_VEHICLE_GASOLINE, CALC_OWN, 0, NULL, Q("100") },
			{ CALC_EXT_BC, CALC_OWN, 0, NULL, Q("10") },
			{ CALC_LPG, CALC_OWN, 0, NULL, Q("10") },
		};
		ok(calc_compute(&t, 2024, CALC_ELEC_OVERALL, in, 3, lines, &res, err, sizeof(err)) == 0, "2024 computes");
		ok(lines[0].provisional, "2024 gasoline uses a provisional heat value");
		ok(strstr(lines[0].method, "暫用") != NULL, "and says 暫用");
		ok(res.provisional, "the result is marked provisional");
		ok(lines[1].derived && strstr(lines[1].method, "推估"), "BC powder is marked derived");
		ok(calc_compute(&t, 2019, CALC_ELEC_OVERALL, &in[2], 1, lines, &res, err, sizeof(err)) == 0 && lines[0].derived,
		   "LPG per kg in 2019 is marked derived");
		ok(!res.provisional, "2019 is not provisional");
		ok(calc_compute(&t, 2014, CALC_ELEC_OVERALL, &in[0], 1, lines, &res, err, sizeof(err)) == 0 &&
		   strstr(lines[0].method, "6.0.3") != NULL, "2014 fuels say 6.0.3 stands in");
		struct calc_input r22 = { CALC_REFRIGERANT, CALC_OWN, 1, "R22", Q("10") };
		ok(calc_compute(&t, 2020, CALC_ELEC_OVERALL, &r22, 1, lines, &res, err, sizeof(err)) == 0 && lines[0].note[0],
		   "R22 counts 0 with its note");
	}

	/* Refusals. */
	{
		struct calc_input bad = { CALC_REFRIGERANT, CALC_OWN, 1, "R999", Q("1") };
		ok(calc_compute(&t, 2023, CALC_ELEC_OVERALL, &bad, 1, lines, &res, err, sizeof(err)) == -1 && strstr(err, "R999"),
		   "unknown refrigerant refused: %s", err);
		struct calc_input old = { CALC_ELECTRICITY, CALC_OWN, 0, NULL, Q("1") };
		ok(calc_compute(&t, 1980, CALC_ELEC_OVERALL, &old, 1, lines, &res, err, sizeof(err)) == -1, "a year without a GWP set refused");
		struct calc_input future = { CALC_ELECTRICITY, CALC_OWN, 0, NULL, Q("1000") };
		ok(calc_compute(&t, 2026, CALC_ELEC_OVERALL, &future, 1, lines, &res, err, sizeof(err)) == 0 && lines[0].provisional &&
		   !strcmp(fmt(lines[0].kg), "467.000"), "a year without its electricity factor uses the latest, provisional");
		struct calc_input huge = { CALC_REFRIGERANT, CALC_OWN, 1, "R410a", { (dec_i128)1000000000000000000LL * 100000000000000000LL, 3 } };
		ok(calc_compute(&t, 2023, CALC_ELEC_OVERALL, &huge, 1, lines, &res, err, sizeof(err)) == -1, "overflow refused, not wrapped");
	}
	test_elec_variants(&t);
	test_gases(&t);
	test_iso_every_item(&t);
	test_bounds_all_fields(&t);
	test_factor_ceiling();
	test_report_bound(&t);
	test_validators();
	return tap_done();
}

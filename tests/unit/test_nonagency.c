/* test_nonagency.c: each non-agency method against values computed by hand from the IPCC
 * defaults of the reference table (the arithmetic is in the comments). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nonagency.h"
#include "tap.h"

#include "factors.h"

static struct calc_table t;

static dec_t Q(const char *s)
{
	dec_t d;

	if (dec_parse(s, strlen(s), 9, DEC_ALLOW_NEGATIVE, &d) != DEC_OK) {
		printf("Bail out! bad number %s\n", s);
		exit(1);
	}
	return d;
}

static char buf[128];
static const char *fmt(dec_t d)
{
	dec_format(d, buf, sizeof(buf));
	return buf;
}

/* Computes one line; the kg as text, or "error: ..." */
static const char *kg(int year, const char *method, const char *q, const char *q2, const char *o0, const char *o1,
		      const char *o2, struct na_line *l)
{
	static char out[400];
	char err[300] = "";
	struct na_input in = { .method = method, .q = Q(q), .q2 = Q(q2 ? q2 : "0"), .opt = { o0, o1, o2 } };

	if (na_compute(&t, year, CALC_ELEC_OVERALL, &in, l, err, sizeof(err))) {
		snprintf(out, sizeof(out), "error: %s", err);
		return out;
	}
	return fmt(l->kg);
}

/* The decimal text of v (+ extra, e.g. ".001"), for quantities at and beyond a bound. */
static const char *text(long long v, const char *extra)
{
	static char b[4][64];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof(b[k]), "%s%lld%s", v < 0 ? "-" : "", v < 0 ? -v : v, extra);
	return b[k];
}

struct tally {
	int computed, by_bound, other, gases_off;
	dec_t largest;
};

/* 1 when the gases of l add up to its kg exactly and only present gases carry an amount. */
static int gases_add_up(const struct na_line *l)
{
	dec_t sum = { 0, 3 };
	int n = 0;

	for (int g = 0; g < CALC_GAS__MAX; g++) {
		if (!l->gas[g].present) {
			if (dec_sign(l->gas[g].kg))
				return 0;
			continue;
		}
		n++;
		if (dec_add(sum, l->gas[g].kg, &sum))
			return 0;
	}
	return n > 0 && dec_cmp(sum, l->kg) == 0;
}

/* The kg of gas g of l as text, or "-" when the line has not that gas. */
static const char *gas_kg(const struct na_line *l, enum calc_gas g)
{
	static char b[4][64];
	static int k;

	k = (k + 1) % 4;
	if (!l->gas[g].present)
		return "-";
	dec_format(l->gas[g].kg, b[k], sizeof(b[k]));
	return b[k];
}

/* 類別 and the gases of each kind of line (SPEC-2 §2a). */
static void test_gases(void)
{
	struct na_line l;
	char err[300];
	struct na_input ov = { .method = "compost", .q = Q("50"), .has_override = 1, .override = Q("2") };

	kg(2023, "elec_street", "10000", NULL, NULL, NULL, NULL, &l);
	is_int(l.iso_category, 2, "electricity: 類別二");
	ok(!strcmp(gas_kg(&l, CALC_GAS_CO2), "4940.000") && !strcmp(gas_kg(&l, CALC_GAS_CH4), "-"),
	   "electricity counts as CO2 (%s)", gas_kg(&l, CALC_GAS_CO2));
	kg(2023, "fuel_mobile", "100", NULL, "vehicle_gasoline", NULL, NULL, &l);
	is_int(l.iso_category, 1, "vehicle fuel: 類別一");
	ok(l.gas[CALC_GAS_CO2].present && l.gas[CALC_GAS_CH4].present && l.gas[CALC_GAS_N2O].present && gases_add_up(&l),
	   "fuel: CO2 %s + CH4 %s + N2O %s = %s", gas_kg(&l, CALC_GAS_CO2), gas_kg(&l, CALC_GAS_CH4),
	   gas_kg(&l, CALC_GAS_N2O), fmt(l.kg));
	/* Compost 50 t in 2023: CH4 50 x 4 kg/t x 28 = 5,600; N2O 50 x 0.3 x 265 = 3,975. */
	kg(2023, "compost", "50", NULL, NULL, NULL, NULL, &l);
	is_str(gas_kg(&l, CALC_GAS_CH4), "5600.000", "compost CH4 5,600");
	is_str(gas_kg(&l, CALC_GAS_N2O), "3975.000", "compost N2O 3,975");
	is_int(l.iso_category, 1, "compost: 類別一");
	kg(2017, "incineration", "1000", "0.4", NULL, NULL, NULL, &l);
	is_str(fmt(l.kg), "328193.193", "incineration's kg unchanged by the split");
	ok(gases_add_up(&l) && l.gas[CALC_GAS_CH4].present && l.gas[CALC_GAS_N2O].present &&
	   dec_cmp(l.gas[CALC_GAS_CO2].kg, l.gas[CALC_GAS_N2O].kg) > 0,
	   "incineration: CO2 %s + CH4 %s + N2O %s add up", gas_kg(&l, CALC_GAS_CO2), gas_kg(&l, CALC_GAS_CH4),
	   gas_kg(&l, CALC_GAS_N2O));
	kg(2023, "landuse", "20", "-5.5", NULL, NULL, NULL, &l);
	is_str(gas_kg(&l, CALC_GAS_CO2), "-110000.000", "a removal: CO2, negative");
	is_int(l.iso_category, 1, "removals: 類別一");
	kg(2023, "rice", "10", "120", "intermittent_single_aeration", NULL, NULL, &l);
	ok(!strcmp(gas_kg(&l, CALC_GAS_CH4), "26208.000") && !strcmp(gas_kg(&l, CALC_GAS_CO2), "-"), "rice: CH4 only");
	kg(2023, "landfill", "100", NULL, "food", "managed_anaerobic", NULL, &l);
	is_str(gas_kg(&l, CALC_GAS_CH4), "140000.000", "landfill (÷12 at the rounding): CH4");
	ok(na_compute(&t, 2023, CALC_ELEC_OVERALL, &ov, &l, err, sizeof(err)) == 0, "compost on the team's own factor");
	ok(!strcmp(gas_kg(&l, CALC_GAS_CH4), "100.000") && !l.gas[CALC_GAS_N2O].present, "the own factor: one gas, CH4 (%s)",
	   gas_kg(&l, CALC_GAS_CH4));
	is_int(na_main_gas(na_method_get("process")), CALC_GAS_CO2, "process emissions count as CO2");
	/* Residues: 0.0005 kg of each of three gases would round to 0.001 three times. */
	{
		int bad = 0;

		for (int i = 1; i <= 2000; i++) {
			char q[32];

			snprintf(q, sizeof(q), "%d.%03d", i / 7, (i * 37) % 1000);
			kg(2023, "compost", q, NULL, NULL, NULL, NULL, &l);
			bad += !gases_add_up(&l);
			kg(2019, "incineration", q, "0.37", NULL, NULL, NULL, &l);
			bad += !gases_add_up(&l);
			kg(2023, "fuel_stationary", q, NULL, "natural_gas", NULL, NULL, &l);
			bad += !gases_add_up(&l);
		}
		is_int(bad, 0, "over 6,000 lines of split methods the gases add up to the line");
	}
}

/* Gives the row `key` of the test's table the interval lo / hi (as factor-uncertainty.csv gives the stored table). */
static void set_ci(const char *key, int lo, int hi)
{
	for (int i = 0; i < nfactors; i++)
		if (!strcmp(factors[i].key, key)) {
			factors[i].has_ci = 1;
			factors[i].ci_lower_milli = lo;
			factors[i].ci_upper_milli = hi;
			return;
		}
	printf("Bail out! no factor %s\n", key);
	exit(1);
}

/*
 * SPEC-2 §2b, §2c: whose defaults a line takes (electricity and fuels the
 * agency form's items', every other method its own), and each gas's factor
 * interval where the table has one (electricity, fuels, incineration).
 */
static void test_quality(void)
{
	struct na_line l;

	ok(!na_quality_own(na_method_get("elec_street")) && !na_quality_own(na_method_get("fuel_mobile")),
	   "electricity and fuels: no defaults of their own");
	ok(na_quality_own(na_method_get("rice")) && na_quality_own(na_method_get("process")) &&
	   na_quality_own(na_method_get("incineration")), "process and the Tier 1 estimates: their own");
	is_str(na_quality_item(na_method_get("elec_waste"), NULL), "electricity", "electricity: the form's 電力");
	is_str(na_quality_item(na_method_get("fuel_stationary"), "lpg"), "lpg", "a fuel: the fuel chosen");
	ok(!na_quality_item(na_method_get("fuel_mobile"), "lpg"), "a fuel the method has not: none");
	ok(!na_quality_item(na_method_get("fuel_mobile"), NULL), "no fuel chosen: none");
	ok(!na_quality_item(na_method_get("rice"), "lpg"), "a method with its own: no item");

	set_ci("elec_grid_2023", 7000, 7000);
	set_ci("ef113_msw_nonbiomass_combustion_CO2", 20065, 31952);
	set_ci("ef113_msw_nonbiomass_combustion_CH4", 66667, 233333);
	set_ci("ef113_msw_nonbiomass_combustion_N2O", 62500, 275000);
	kg(2023, "elec_street", "10000", NULL, NULL, NULL, NULL, &l);
	ok(l.gas[CALC_GAS_CO2].has_ci && l.gas[CALC_GAS_CO2].ci_lower_milli == 7000, "electricity: the grid factor's ±7 %%");
	kg(2023, "incineration", "1000", "0.4", NULL, NULL, NULL, &l);
	ok(l.gas[CALC_GAS_CO2].has_ci && l.gas[CALC_GAS_CO2].ci_lower_milli == 20065 && l.gas[CALC_GAS_CO2].ci_upper_milli == 31952 &&
	   l.gas[CALC_GAS_CH4].ci_upper_milli == 233333 && l.gas[CALC_GAS_N2O].ci_lower_milli == 62500,
	   "incineration: each gas its per-TJ factor's interval");
	kg(2023, "compost", "50", NULL, NULL, NULL, NULL, &l);
	ok(l.gas[CALC_GAS_CH4].present && !l.gas[CALC_GAS_CH4].has_ci && !l.gas[CALC_GAS_N2O].has_ci,
	   "compost: no interval in the table (未評估)");
	kg(2023, "rice", "10", "120", "intermittent_single_aeration", NULL, NULL, &l);
	ok(!l.gas[CALC_GAS_CH4].has_ci, "rice: none");
	{
		struct na_input ov = { .method = "incineration", .q = Q("1000"), .q2 = Q("0.4"), .has_override = 1, .override = Q("2") };
		char err[300];

		ok(na_compute(&t, 2023, CALC_ELEC_OVERALL, &ov, &l, err, sizeof(err)) == 0 && l.gas[CALC_GAS_CO2].present && !l.gas[CALC_GAS_CO2].has_ci,
		   "the team's own factor: none");
	}
}

/* One line of method m at its maxima with choices idx[] (-1: left out) and the second quantity's sign. */
static void at_maxima(int year, const struct na_method *m, const int *idx, int negative, struct tally *ty)
{
	struct na_input in = { .method = m->key, .q = Q(text(m->q_max, "")),
			       .q2 = Q(text(negative ? -m->q2_max : m->q2_max, "")) };
	struct na_line l;
	char err[300];
	long long km;

	for (int o = 0; o < NA_MAX_OPTIONS && m->options[o].name; o++)
		in.opt[o] = idx[o] >= 0 ? m->options[o].choices[idx[o]].key : NULL;
	if (na_compute(&t, year, CALC_ELEC_OVERALL, &in, &l, err, sizeof(err)) == 0) {
		dec_t mag = l.kg;

		if (mag.m < 0)
			mag.m = -mag.m;
		if (dec_to_scaled_i64(l.kg, 3, &km) || dec_cmp(mag, Q(text(NA_LINE_MAX_KG, ""))) > 0)
			ty->other++;
		if (dec_cmp(mag, ty->largest) > 0)
			ty->largest = mag;
		ty->gases_off += !gases_add_up(&l);
		ty->computed++;
	} else if (strstr(err, "超過單筆上限")) {
		ty->by_bound++;
	} else {
		printf("# %d %s %s %s %s: %s\n", year, m->key, in.opt[0] ? in.opt[0] : "-", in.opt[1] ? in.opt[1] : "-",
		       in.opt[2] ? in.opt[2] : "-", err);
		ty->other++;
	}
}

/*
 * Every method with every combination of its choices (each optional one also
 * left out), its quantities at their maxima (a signed second quantity at
 * both ends), in every year 2013-2025: each line either computes exactly
 * within NA_LINE_MAX_KG or is refused by that bound, never by an arithmetic
 * overflow; the largest line that computes is reported.
 */
static void test_bounds_all_methods(void)
{
	struct tally ty = { 0, 0, 0, 0, { 0, 0 } };

	for (int year = 2013; year <= 2025; year++) {
		for (int i = 0; i < na_nmethods; i++) {
			const struct na_method *m = &na_methods[i];
			int first[NA_MAX_OPTIONS] = { 0 }, last[NA_MAX_OPTIONS] = { 0 }, idx[NA_MAX_OPTIONS];

			for (int o = 0; o < NA_MAX_OPTIONS && m->options[o].name; o++) {
				first[o] = m->options[o].required ? 0 : -1;
				while (last[o] + 1 < NA_MAX_CHOICES && m->options[o].choices[last[o] + 1].key)
					last[o]++;
			}
			for (idx[0] = first[0]; idx[0] <= last[0]; idx[0]++)
				for (idx[1] = first[1]; idx[1] <= last[1]; idx[1]++)
					for (idx[2] = first[2]; idx[2] <= last[2]; idx[2]++)
						for (int neg = 0; neg <= m->q2_signed; neg++)
							at_maxima(year, m, idx, neg, &ty);
		}
	}
	ok(ty.computed > 0 && ty.by_bound > 0, "at the maxima: %d lines compute, %d are refused by the line bound",
	   ty.computed, ty.by_bound);
	is_int(ty.other, 0, "no line at the maxima overflows or exceeds the bound unnoticed");
	is_int(ty.gases_off, 0, "at the maxima every line's gases add up to it");
	ok(dec_cmp(ty.largest, Q(text(NA_LINE_MAX_KG, ""))) <= 0, "the largest that computes: %s kg", fmt(ty.largest));
}

/* Each bound at its limit and one step beyond. */
static void test_bounds_edges(void)
{
	struct na_line l;
	char err[300];
	struct na_input ov = { .method = "process", .q = Q("100000"), .has_override = 1, .override = Q("1000000") };

	/* The line bound: 10^8 t of process emissions is exactly 10^11 kg. */
	is_str(kg(2023, "process", "100000000", NULL, NULL, NULL, NULL, &l), "100000000000.000", "process at 10^8 t: the line bound, accepted");
	ok(!strncmp(kg(2023, "process", "100000000.001", NULL, NULL, NULL, NULL, &l), "error: 排放量須介於 0 與 100,000,000", 40),
	   "0.001 t more: refused (%s)", kg(2023, "process", "100000000.001", NULL, NULL, NULL, NULL, &l));
	is_str(kg(2023, "landuse", "10000000", "-10", NULL, NULL, NULL, &l), "-100000000000.000", "a removal of exactly 10^11 kg accepted");
	ok(strstr(kg(2023, "landuse", "10000000", "-10.000001", NULL, NULL, NULL, &l), "超過單筆上限") != NULL,
	   "a removal 10 kg beyond: refused by the line bound");
	ok(strstr(kg(2023, "landuse", "10000000", "1000.000001", NULL, NULL, NULL, &l), "須介於 -1,000 與 1,000 之間") != NULL,
	   "a stock-change factor beyond 1,000 refused");
	ok(strstr(kg(2023, "landuse", "10000000.001", "1", NULL, NULL, NULL, &l), "須介於 0 與 10,000,000") != NULL,
	   "an area beyond 10^7 ha refused");
	ok(strstr(kg(2023, "rice", "1", "367", "upland", NULL, NULL, &l), "須介於 0 與 366 之間") != NULL, "367 days a year refused");
	is_str(kg(2023, "rice", "1", "366", "continuously_flooded", NULL, NULL, &l), "13322.400", "366 days accepted (1 x 366 x 1.3 x 1 x 28)");
	/* The team's own factor: 10^5 t x 10^6 kg/t = 10^11 kg, at both limits. */
	ok(na_compute(&t, 2023, CALC_ELEC_OVERALL, &ov, &l, err, sizeof(err)) == 0 && !strcmp(fmt(l.kg), "100000000000.000"),
	   "an override of 10^6 kgCO2e per unit accepted");
	ov.override = Q("1000000.000000001");
	ok(na_compute(&t, 2023, CALC_ELEC_OVERALL, &ov, &l, err, sizeof(err)) == -1 && strstr(err, "自訂係數"), "10^-9 more refused: %s", err);
	ov.override = Q("1000000");
	ov.q = Q("100000.001");
	ok(na_compute(&t, 2023, CALC_ELEC_OVERALL, &ov, &l, err, sizeof(err)) == -1 && strstr(err, "超過單筆上限"), "0.001 t more: the line bound");
	/* A street-lighting line at its maximum, 10^11 kWh x 0.494 = 4.94 x 10^10 kg, fits. */
	is_str(kg(2023, "elec_street", "100000000000", NULL, NULL, NULL, NULL, &l), "49400000000.000", "10^11 kWh of street lighting");
	ok(strstr(kg(2023, "elec_street", "100000000000.001", NULL, NULL, NULL, NULL, &l), "須介於 0 與 100,000,000,000 度") != NULL,
	   "0.001 kWh more refused");
	/* NA_MAX_LINES lines at the bound, added up as inventory_data.c does, fit int64 thousandths 30 times over. */
	{
		long long sum = 0, v = NA_LINE_MAX_KG * 1000;
		int fine = 1;

		for (int i = 0; i < NA_MAX_LINES; i++)
			fine &= dec_add_i64(sum, v, &sum) == 0;
		ok(fine && sum == 100000000000000000LL && sum <= LLONG_MAX / 30, "%d lines of 10^11 kg: %lld thousandths", NA_MAX_LINES, sum);
	}
}

int main(void)
{
	struct na_line l;

	load(&t);
	ok(t.nfactors > 250, "reference table loaded (%d rows)", t.nfactors);

	/* Electricity (SPEC worked check): 10,000 kWh x 0.494 (2023) = 4,940.000, scope 2, no GWP. */
	is_str(kg(2023, "elec_street", "10000", NULL, NULL, NULL, NULL, &l), "4940.000", "street lighting 10,000 kWh in 2023");
	is_int(l.scope, 2, "scope 2");
	is_int(l.category, INV_STATIONARY, "固定式能源");
	is_str(l.factor_text, "0.494", "factor shown");
	ok(strstr(l.method, "街道照明") != NULL, "the method names the use");
	/* Fuels as on the agency form (SPEC: 100 L gasoline in a 公務車 in 2023 -> 235.523). */
	is_str(kg(2023, "fuel_mobile", "100", NULL, "vehicle_gasoline", NULL, NULL, &l), "235.523", "100 L gasoline, 2023");
	is_int(l.category, INV_TRANSPORT, "交通運輸");
	is_str(kg(2023, "fuel_mobile", "100", NULL, "lpg", NULL, NULL, &l), "error: 燃料的選項不正確", "a stationary fuel is not a mobile choice");
	/* Process: 12.5 tCO2e reported -> 12,500 kg. */
	is_str(kg(2023, "process", "12.5", NULL, NULL, NULL, NULL, &l), "12500.000", "industrial process 12.5 t");
	is_int(l.category, INV_PROCESS, "工業製程");
	/* Rice: 10 ha x 120 d x 1.30 x SFw 0.60 x GWP 28 (AR5, 2023) = 26,208. */
	is_str(kg(2023, "rice", "10", "120", "intermittent_single_aeration", NULL, NULL, &l), "26208.000", "rice, single aeration");
	is_int(l.category, INV_AGRICULTURE, "農業");
	is_str(l.gwp_set, "AR5", "AR5 in 2023");
	ok(strstr(l.sources, "Table 5.11") && strstr(l.sources, "Table 5.12"), "sources of both factors listed");
	/* ... x SFp 0.68 x SFo 0.05 = 10 x 120 x 1.3 x 0.6 x 0.68 x 0.05 x 28 = 891.072. */
	is_str(kg(2023, "rice", "10", "120", "intermittent_single_aeration", "not_flooded_gt180d", "compost", &l), "891.072",
	       "rice with SFp and SFo");
	is_str(kg(2023, "rice", "10", "120", NULL, NULL, NULL, &l), "error: 請選擇水分管理（SFw）", "SFw is required");
	/* Enteric: 100 dairy cattle x 68 x 28 = 190,400 (2023); x 25 (AR4, 2020) = 170,000. */
	is_str(kg(2023, "enteric", "100", NULL, "dairy_cattle_asia", NULL, NULL, &l), "190400.000", "100 dairy cattle, 2023");
	is_str(kg(2020, "enteric", "100", NULL, "dairy_cattle_asia", NULL, NULL, &l), "170000.000", "the same in 2020 (AR4)");
	/* Manure: 1,000 swine at 24 °C x 5 x 28 = 140,000. */
	is_str(kg(2023, "manure", "1000", NULL, "swine_asia_24C", NULL, NULL, &l), "140000.000", "1,000 swine, 24 °C");
	/* Compost 2023: 50 t x (4 x 28 + 0.3 x 265) = 50 x 191.5 = 9,575; 2024: 0.24 N2O -> 50 x 175.6 = 8,780. */
	is_str(kg(2023, "compost", "50", NULL, NULL, NULL, NULL, &l), "9575.000", "compost 50 t, 2023 (N2O 0.3)");
	is_int(l.category, INV_WASTE, "廢棄物");
	is_str(kg(2024, "compost", "50", NULL, NULL, NULL, NULL, &l), "8780.000", "compost 50 t, 2024 (N2O 0.24)");
	/* Landfill: 100 t food (DOC 15 %) x 1,000 x 0.15 x DOCf 0.5 x MCF 1.0 x F 0.5 x 16/12 x (1 - 0) x 28 = 140,000. */
	is_str(kg(2023, "landfill", "100", NULL, "food", "managed_anaerobic", NULL, &l), "140000.000", "landfill 100 t food");
	/* 1.001 t paper: 1,001 x 0.40 x 0.5 x 1.0 x 0.5 x 16/12 x 28 = 3,737.0666... -> 3,737.067 (one rounding). */
	is_str(kg(2023, "landfill", "1.001", NULL, "paper", "managed_anaerobic", NULL, &l), "3737.067", "landfill 1.001 t paper");
	ok(l.factor_text[0] != '\0' && strstr(l.factor_text, "≈") != NULL, "the per-tonne factor after ÷12 is marked ≈ (%s)", l.factor_text);
	/* 7 t paper, semi-aerobic 0.5, covered OX 0.1: 7,000 x 0.4 x 0.5 x 0.5 x 0.5 x 16/12 x 0.9 x 28 = 11,760. */
	is_str(kg(2023, "landfill", "7", NULL, "paper", "managed_semi_aerobic", "covered", &l), "11760.000", "landfill with OX");
	/* Incineration 2017 (AR4): 1,000 t x 1,000 x 2,029.61 kcal/kg x 4.1868e-9 = 8.497571148 TJ, x (0.4 x 91,700
	 * + 30 x 25 + 4 x 298): the fossil share scales CO2 only = 328,193.192878056 -> 328,193.193. */
	is_str(kg(2017, "incineration", "1000", "0.4", NULL, NULL, NULL, &l), "328193.193", "incineration 1,000 t, 2017");
	ok(!l.provisional, "2017 has its own heat value");
	is_str(gas_kg(&l, CALC_GAS_CO2), "311690.910", "incineration CO2: 8.497571148 TJ x 0.4 x 91,700 = 311,690.90970864");
	is_str(gas_kg(&l, CALC_GAS_CH4), "6373.178", "incineration CH4: not scaled by the share, 8.497571148 x 30 x 25");
	is_str(gas_kg(&l, CALC_GAS_N2O), "10129.105", "incineration N2O: not scaled by the share, 8.497571148 x 4 x 298");
	/* 2023 has no heat value: 2017's, marked; GWP AR5: (0.4 x 91,700 + 30 x 28 + 4 x 265) -> 327,836.295. */
	is_str(kg(2023, "incineration", "1000", "0.4", NULL, NULL, NULL, &l), "327836.295", "incineration 2023 (2017 heat value)");
	ok(l.provisional && strstr(l.method, "暫用 2017"), "marked provisional (暫用 2017)");
	is_str(kg(2023, "incineration", "1000", "1.5", NULL, NULL, NULL, &l), "error: 化石碳比例須介於 0 與 1 之間", "fossil share above 1");
	/* Septic: 10,000 person-days x 40 g / 1,000 x 0.6 x 0.5 x 28 = 3,360. */
	is_str(kg(2023, "septic", "10000", NULL, NULL, NULL, NULL, &l), "3360.000", "septic 10,000 person-days");
	/* Wastewater: 5,000 kg BOD x 0.6 x MCF 0.8 (anaerobic reactor) x 28 = 67,200. */
	is_str(kg(2023, "wastewater", "5000", NULL, "anaerobic_reactor", NULL, NULL, &l), "67200.000", "wastewater 5,000 kg BOD");
	/* Land use: 20 ha x -5.5 tCO2/ha/yr x 1,000 = -110,000 (a removal). */
	is_str(kg(2023, "landuse", "20", "-5.5", NULL, NULL, NULL, &l), "-110000.000", "forest 20 ha removing 5.5 t/ha");
	is_int(l.category, INV_LANDUSE, "林業及其他土地利用");
	/* The team's own factor: 10 ha x 120 d x 2 kgCO2e/(ha·day) = 2,400, said so in the method. */
	{
		struct na_input in = { .method = "rice", .q = Q("10"), .q2 = Q("120"), .opt = { "continuously_flooded" },
				       .has_override = 1, .override = Q("2") };
		char err[200];

		ok(na_compute(&t, 2023, CALC_ELEC_OVERALL, &in, &l, err, sizeof(err)) == 0, "an override computes");
		is_str(fmt(l.kg), "2400.000", "with the team's factor");
		ok(strstr(l.method, "自訂係數") != NULL, "and says so");
	}
	is_str(kg(2023, "nonsense", "1", NULL, NULL, NULL, NULL, &l), "error: 未知的活動類別", "an unknown method");
	/* Every choice of every method names a row of the table (no dangling key). */
	{
		int missing = 0;

		for (int i = 0; i < na_nmethods; i++)
			for (int o = 0; o < NA_MAX_OPTIONS && na_methods[i].options[o].name; o++)
				for (int c = 0; c < NA_MAX_CHOICES && na_methods[i].options[o].choices[c].key; c++) {
					struct na_input in = { .method = na_methods[i].key, .q = Q("1"), .q2 = Q("0.5") };
					char err[300];

					for (int k = 0; k < NA_MAX_OPTIONS && na_methods[i].options[k].name; k++)
						in.opt[k] = na_methods[i].options[k].required ? na_methods[i].options[k].choices[0].key : NULL;
					in.opt[o] = na_methods[i].options[o].choices[c].key;
					if (na_compute(&t, 2023, CALC_ELEC_OVERALL, &in, &l, err, sizeof(err))) {
						printf("# %s %s: %s\n", na_methods[i].key, in.opt[o], err);
						missing++;
					}
				}
		is_int(missing, 0, "every choice computes from the table");
	}
	test_bounds_all_methods();
	test_bounds_edges();
	test_gases();
	test_quality();
	{
		/* The keys a form chooses from: every method's, in order, so a choice's index is its method. */
		int same = 1;

		for (int i = 0; i < na_nmethods; i++)
			same &= na_method_keys[i] && !strcmp(na_method_keys[i], na_methods[i].key) && na_method_get(na_method_keys[i]) == &na_methods[i];
		ok(same && !na_method_keys[na_nmethods], "na_method_keys lists the %d methods in order, NULL after them", na_nmethods);
	}
	return tap_done();
}

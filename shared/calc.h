/* calc.h: the emission calculation of the agency form: activities and factors in, lines out. */
#ifndef CITYINV_CALC_H
#define CITYINV_CALC_H

#include <stddef.h>

#include "decimal.h"

/*
 * DESIGN: a pure module (no I/O, no allocation): the caller hands it a
 * factor table (every row of the reference data: key, exact value, unit,
 * valid years, source, confidence), the GWP eras, the refrigerant list, a
 * data year and the form's quantities; it returns one line per quantity
 * with the per-unit CO2e factor, the kgCO2e rounded half-up to 3 decimals,
 * the category and scope, the GWP set, a readable method and the sources.
 * Totals are sums of the rounded lines.  The web's 計算 preview and the
 * stored figures both come from calc_compute(), so they cannot disagree.
 *
 * The policy (SPEC 4) is in the rules below; the numbers are all data:
 *   electricity: kWh x the year's grid factor (already CO2e); a year without
 *     one uses the latest earlier year's, marked provisional (暫用);
 *   fuels, data years up to the last year of table 6.0.4's rows: its
 *     per-unit factors x GWP (years before those rows: the same values,
 *     marked as 6.0.3 standing in); later years: the 2024 announcement's
 *     kg/TJ x the year's heat value x kcal_to_TJ (a year without its own
 *     heat value is an error unless a provisional row covers it);
 *   LPG per kg in every year: the 2024 kg/TJ x the per-kg heat value (marked derived);
 *   extinguishers: kg x factor x GWP(CO2); refrigerants: kg x 1 x GWP(gas).
 *
 * BOUNDS: nothing here can wrap or be stored wrong.  Every step is exact
 * decimal arithmetic that refuses (-1) instead of rounding or wrapping
 * (decimal.h), and calc_compute() also refuses a line or a total whose
 * thousandths do not fit the BIGINT *_milli columns.  The form accepts at
 * most calc_items[].max of each quantity (far above any agency, e.g.
 * electricity 10^10 kWh where all of Taiwan uses about 2.8 x 10^11 kWh a
 * year; the reasoning is in docs/operations.md, "Bounds"), and a line's
 * per-unit factor must lie in 0..CALC_FACTOR_MAX (the largest GWP of the
 * table, SF6 in AR6, is 25,200), so at those bounds, with every field of
 * both parts filled and CALC_MAX_REFRIGERANT_ROWS refrigerant rows per
 * part, the largest possible report is about 3.05 x 10^15 kgCO2e: its
 * thousandths fit in int64 (checked at compile time in calc.c).  A report
 * must moreover stay within CALC_REPORT_MAX_KG per part (calc_over_limit()),
 * which is what makes a county's sum provably fit (inventory_data.h).
 */

enum calc_item {
	CALC_ELECTRICITY,
	CALC_NATURAL_GAS,
	CALC_LPG,
	CALC_VEHICLE_GASOLINE,
	CALC_VEHICLE_DIESEL,
	CALC_GENERATOR_DIESEL,
	CALC_EXT_CO2,
	CALC_EXT_BC,
	CALC_EXT_KBC,
	CALC_REFRIGERANT,
	CALC__MAX
};

/*
 * The electricity factor a county chose for a year (SPEC-2 §3): where a year's
 * 排碳係數 has tariff-class variants (2025: 公用售電業整體 0.467, 產業 0.466,
 * 民生 0.471), every agency of the county uses the one the county chose, until
 * meters carry a tariff class.  A year without variants uses its one factor
 * whatever the choice.  The keys are inventory_years.elec_variant's.
 */
enum calc_elec { CALC_ELEC_OVERALL, CALC_ELEC_INDUSTRY, CALC_ELEC_RESIDENTIAL, CALC_ELEC__MAX };
extern const char *const calc_elec_keys[CALC_ELEC__MAX + 1];   /* "overall", "industry", "residential", NULL */
extern const char *const calc_elec_names[CALC_ELEC__MAX];      /* 公用售電業整體, 產業, 民生 */
/* The variant of key s (calc_elec_keys), or CALC_ELEC_OVERALL for anything else. */
enum calc_elec calc_elec_of(const char *s);

enum calc_category { CALC_CAT_STATIONARY, CALC_CAT_TRANSPORT, CALC_CAT_FUGITIVE, CALC_CAT__MAX };
enum calc_part { CALC_OWN, CALC_OUTSOURCED, CALC_PART__MAX };
enum calc_confidence { CONF_OFFICIAL, CONF_SECONDARY, CONF_DERIVED, CONF_PROVISIONAL, CONF__MAX };
extern const char *const calc_confidence_names[CONF__MAX];   /* 正式公告, 次級資料, 推導, 暫用 */

/*
 * The gases of a line (SPEC-2 §2a), in the order of the registry's 七大溫室氣體
 * table; the keys are report_line_gases.gas.  Electricity counts as CO2.
 */
enum calc_gas { CALC_GAS_CO2, CALC_GAS_CH4, CALC_GAS_N2O, CALC_GAS_HFC, CALC_GAS_PFC, CALC_GAS_SF6,
		CALC_GAS_NF3, CALC_GAS__MAX };
extern const char *const calc_gas_keys[CALC_GAS__MAX];     /* "CO2", "CH4", "N2O", "HFCs", … */
extern const char *const calc_gas_labels[CALC_GAS__MAX];   /* CO₂, CH₄, N₂O, HFCs, … */

/*
 * ISO 14064-1:2018 類別 of a line (SPEC-2 §2a): own fuels, refrigerants and
 * extinguishers 1, purchased electricity 2; outsourced (委外) vehicle fuels 3,
 * every other outsourced line 4.  0 is "not computed" (a line stored before
 * the 類別 existed).
 */
#define CALC_ISO_MAX 6
extern const char *const calc_iso_labels[CALC_ISO_MAX + 1];   /* [1] 類別一 … [6] 類別六 */

/* The largest quantities the agency form accepts, in each item's unit (see BOUNDS). */
#define CALC_MAX_ELECTRICITY 10000000000LL    /* 10^10 kWh */
#define CALC_MAX_FUEL 1000000000LL            /* 10^9 m3, kg or L of a fuel */
#define CALC_MAX_EXTINGUISHER 10000000LL      /* 10^7 kg refilled */
#define CALC_MAX_REFRIGERANT 10000000LL       /* 10^7 kg refilled, per refrigerant row */
#define CALC_MAX_REFRIGERANT_ROWS 22          /* per part: R134a, R410a and 20 others */
#define CALC_FACTOR_MAX 100000LL              /* kgCO2e per unit: a larger factor is a data error */
#define CALC_REPORT_MAX_KG 10000000000LL      /* one part of one report: 10^10 kgCO2e (10 Mt) */

struct calc_item_info {
	const char *key;        /* stored name: "electricity" */
	const char *label;      /* 電力 */
	const char *unit;       /* 度 */
	enum calc_category category;
	int scope;
	long long max;          /* the largest quantity the form accepts, in `unit` */
};
extern const struct calc_item_info calc_items[CALC__MAX];
/* The item of stored name `key` (calc_items[].key): its index, or -1. */
int calc_item_index(const char *key);
/* Its label (電力), or the key itself when it is no item. */
const char *calc_item_label(const char *key);
extern const char *const calc_category_labels[CALC_CAT__MAX];  /* 固定式能源 … */
extern const char *const calc_category_keys[CALC_CAT__MAX];    /* stationary … */
extern const char *const calc_part_keys[CALC_PART__MAX];       /* own, outsourced */

/* One row of the reference table.  Strings are borrowed (must outlive the table). */
struct calc_factor {
	const char *key;
	dec_t value;
	const char *unit;
	const char *source;
	int valid_from;   /* 0: no lower bound */
	int valid_to;     /* 0: no upper bound */
	enum calc_confidence confidence;
	/* The 95 % interval in percent of the value, as magnitudes in thousandths of a
	 * percent (7.0 % -> 7000); has_ci 0: none known (未評估). */
	int has_ci;
	int ci_lower_milli, ci_upper_milli;
};

struct calc_era {
	char set[8];
	int from, to;     /* to 0: open */
};

struct calc_refrigerant {
	char code[16];    /* R134a */
	char label[48];
	char gas[16];     /* HFC-134a: the GWP row is gwp_<SET>_<gas> */
	int counts_zero;  /* counted as 0 (gwp_TW_<gas>), with the note shown */
	char note[200];
};

#define CALC_MAX_ERAS 8
#define CALC_MAX_REFRIGERANTS 32

struct calc_table {
	const struct calc_factor *factors;   /* sorted by key (calc_table_sort) */
	int nfactors;
	struct calc_era eras[CALC_MAX_ERAS];
	int neras;
	struct calc_refrigerant refrigerants[CALC_MAX_REFRIGERANTS];
	int nrefrigerants;
};

/* Sorts a factor array by key so lookups can bisect. */
void calc_sort_factors(struct calc_factor *v, int n);
const struct calc_factor *calc_factor_get(const struct calc_table *t, const char *key);
/* 1 when the row applies to data year `year` (its valid_from..valid_to, either open). */
int calc_factor_valid(const struct calc_factor *f, int year);
const struct calc_refrigerant *calc_refrigerant_get(const struct calc_table *t, const char *code);
/* The GWP set of a data year, or NULL. */
const char *calc_gwp_set(const struct calc_table *t, int year);

struct calc_input {
	enum calc_item item;
	enum calc_part part;
	int seq;
	const char *refrigerant;   /* CALC_REFRIGERANT: the code */
	dec_t quantity;
};

#define CALC_METHOD_MAX 600
#define CALC_SOURCES_MAX 1000

struct calc_line {
	enum calc_item item;
	enum calc_part part;
	int seq;
	const char *refrigerant;
	dec_t quantity;
	dec_t factor;              /* kgCO2e per unit, exact */
	dec_t kg;                  /* quantity x factor, rounded half-up to 3 decimals */
	enum calc_category category;
	int scope;
	char gwp_set[8];           /* "" for electricity */
	char factor_text[64];      /* the factor as text */
	char method[CALC_METHOD_MAX];
	char sources[CALC_SOURCES_MAX];
	int provisional;           /* uses a 暫用 value */
	int derived;               /* uses a derived or secondary value */
	char note[200];
	int iso_category;          /* 類別 1..6 */
	/*
	 * The line per gas: kg rounded half-up to 3 decimals, the rounding residue
	 * (kg - the sum of the rounded gases) added to the largest gas, so the gases
	 * add up to kg exactly; present 1 for every gas the line's factors have
	 * (even at 0 kg); the interval of that gas's factor (has_ci 0: 未評估).
	 */
	struct calc_gas_amount {
		int present;
		dec_t kg;
		int has_ci;
		int ci_lower_milli, ci_upper_milli;
	} gas[CALC_GAS__MAX];
};

struct calc_result {
	dec_t total[CALC_PART__MAX];
	dec_t by_category[CALC_PART__MAX][CALC_CAT__MAX];
	dec_t by_scope[CALC_PART__MAX][4];   /* [1] 範疇一, [2] 範疇二, [3] 範疇三 */
	dec_t by_iso[CALC_PART__MAX][CALC_ISO_MAX + 1];   /* [1] 類別一 … */
	dec_t by_gas[CALC_PART__MAX][CALC_GAS__MAX];
	int provisional;
};

/* Appends formatted text to the NUL-terminated buf of `size` bytes, cut to fit. */
__attribute__((format(printf, 3, 4)))
void calc_append(char *buf, size_t size, const char *fmt, ...);
/* Writes the formatted message into err; returns -1 (for `return calc_fail(...)`). */
__attribute__((format(printf, 3, 4)))
int calc_fail(char *err, size_t errlen, const char *fmt, ...);

/*
 * Computes n lines for data year `year`, with the county's electricity
 * variant `elec` for that year, into out[0..n).  Returns 0, or -1
 * with a message (in Traditional Chinese, for the page) in err when a
 * factor is missing or outside 0..CALC_FACTOR_MAX, or a number would
 * overflow (a line or total whose thousandths do not fit in int64 is
 * refused: on success dec_to_scaled_i64(x, 3) succeeds for every kg and
 * total).
 */
int calc_compute(const struct calc_table *t, int year, enum calc_elec elec, const struct calc_input *in, int n,
		 struct calc_line *out, struct calc_result *res, char *err, size_t errlen);

/*
 * The report bound: 0 when each part's total is at most CALC_REPORT_MAX_KG;
 * else -1 with *part the first part above it and *line the index in
 * lines[0..n) of that part's largest line (where the form shows the
 * message), or -1 when the part has no line.
 */
int calc_over_limit(const struct calc_result *res, const struct calc_line *lines, int n, int *part, int *line);

/* res all zero (0.000), nothing provisional (calc_sum.c). */
void calc_result_zero(struct calc_result *res);
/* Adds line l (its kg, by category, scope, 類別 and gas) to res: 0, or -1 when a total leaves int64 thousandths or l names no part, scope or 類別. */
int calc_result_add(struct calc_result *res, const struct calc_line *l);
/* res as the sums of lines[0..n) as they are (a report's stored lines): 0 or -1 as calc_result_add. */
int calc_sum(const struct calc_line *lines, int n, struct calc_result *res);

#endif

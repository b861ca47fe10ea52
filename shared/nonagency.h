/* nonagency.h: the county team's non-agency activities (IPCC 2006 Tier 1), lines out. */
#ifndef CITYINV_NONAGENCY_H
#define CITYINV_NONAGENCY_H

#include <stddef.h>

#include "calc.h"
#include "decimal.h"

/*
 * DESIGN: like calc.h, a pure module over the same factor table: every
 * number is a row of the reference data (a missing row is an error, never
 * a constant here).  A line is quantity x a per-unit factor built from
 * those rows (and the data year's GWP), computed exactly and rounded once
 * to 3 decimals; only the landfill's 16/12 divides, once, at that same
 * rounding.  The team may replace a line's per-unit factor with its own,
 * with the reason kept; the line then says so.
 *
 * The seven categories of the county inventory (seed 000 p. 14): the
 * agency form's three come first, in calc.h's order.
 *
 * BOUNDS: each method declares the largest quantities its form accepts
 * (q_max, q2_max: above anything a county has, e.g. 10^11 kWh of street
 * lighting where all of Taiwan uses about 2.8 x 10^11 kWh a year; the
 * reasoning is in docs/operations.md, "Bounds"), the team's own factor is
 * at most NA_OVERRIDE_MAX, and na_compute() refuses a line beyond
 * NA_LINE_MAX_KG either way (10^11 kgCO2e, 100 Mt: ten times an agency's
 * report bound, above the largest single emitter in Taiwan).  A county-year
 * holds at most NA_MAX_LINES lines, so its non-agency sum stays within
 * 10^14 kgCO2e (inventory_data.h adds it up).
 */
#define NA_LINE_MAX_KG 100000000000LL     /* |kgCO2e| of one line */
#define NA_OVERRIDE_MAX 1000000LL         /* kgCO2e per unit of the team's own factor */
#define NA_MAX_LINES 1000                 /* lines per county-year */
enum inv_category {
	INV_STATIONARY, INV_TRANSPORT, INV_FUGITIVE, INV_PROCESS, INV_AGRICULTURE, INV_LANDUSE, INV_WASTE,
	INV_CAT__MAX
};
extern const char *const inv_category_labels[INV_CAT__MAX];
extern const char *const inv_category_keys[INV_CAT__MAX];

#define NA_MAX_OPTIONS 3
#define NA_MAX_CHOICES 32

/* One choice of a method's option: the stored key and its label. */
struct na_choice {
	const char *key;
	const char *label;
};

struct na_option {
	const char *name;        /* form field: "sfw" */
	const char *label;       /* 水分管理 */
	int required;
	struct na_choice choices[NA_MAX_CHOICES];
};

struct na_method {
	const char *key;         /* stored: "rice" */
	const char *label;       /* 公有水稻田 */
	enum inv_category category;
	int scope;
	const char *q_label;     /* 面積 */
	const char *q_unit;      /* 公頃 */
	const char *q2_label;    /* NULL: no second quantity */
	const char *q2_unit;
	int q2_signed;           /* the second quantity may be negative (a stock-change factor) */
	int needs_note;          /* a description and source are required (process, land use) */
	struct na_option options[NA_MAX_OPTIONS];
	long long q_max;         /* the largest quantity accepted, in q_unit */
	long long q2_max;        /* the largest second quantity (its magnitude when q2_signed) */
};

#define NA_METHODS 15     /* the methods of na_methods[] (checked in nonagency.c) */
extern const struct na_method na_methods[NA_METHODS];
extern const int na_nmethods;
/* The methods' keys in the order of na_methods[], NULL-terminated: a form's choices, whose index is the method's. */
extern const char *const na_method_keys[];
const struct na_method *na_method_get(const char *key);

struct na_input {
	const char *method;
	dec_t q;                 /* >= 0 */
	dec_t q2;                /* when the method has one */
	const char *opt[NA_MAX_OPTIONS];   /* choice keys, NULL or "" when not given */
	int has_override;
	dec_t override;          /* kgCO2e per unit of the line's quantity */
};

struct na_line {
	dec_t kg;                /* rounded to 3 decimals; negative for a removal */
	enum inv_category category;
	int scope;
	char gwp_set[8];
	char factor_text[64];    /* kgCO2e per unit, exact (or to 9 decimals after ÷12, marked ≈) */
	char unit_text[32];      /* the unit the factor applies to */
	char method[CALC_METHOD_MAX];
	char sources[CALC_SOURCES_MAX];
	int provisional;
	/*
	 * SPEC-2 §2a: the line's ISO 14064-1 類別 (its direct sources 類別一,
	 * electricity 類別二: na_methods[].scope decides) and its amount per gas
	 * (calc.h's struct: present, kg rounded to 3 decimals, the factor's
	 * interval where known), the rounding residue given to the gas of the
	 * largest magnitude so the gases add up to kg exactly.  Electricity and
	 * fuels are split as the agency form splits them (calc_compute); compost
	 * and incineration by their CH4 / N2O (and CO2) terms; every other method,
	 * and a line on the team's own factor, is one gas: na_main_gas().  The
	 * factor's interval of a gas is known where the agency lines know it:
	 * electricity and fuels (calc_compute's), and incineration, whose gases are
	 * the per-TJ factors of table 113 as the agency form's fuels after 6.0.4;
	 * every other method's factors have none in the table (未評估).
	 */
	int iso_category;
	struct calc_gas_amount gas[CALC_GAS__MAX];
};

/*
 * The data-quality defaults of a line (SPEC-2 §2b, §2c; docs/quality.md).  A line
 * of electricity or of a fuel is the agency form's line of the same bills and
 * receipts: it takes that item's defaults (quality-defaults.csv), so each
 * number has one home.  na_quality_own() is 1 for a method with defaults of its
 * own (nonagency-quality-defaults.csv: process and the IPCC Tier 1 estimates),
 * 0 for one that takes an item's; na_quality_item() is that item's key
 * ("electricity", or the fuel chosen: one of the method's choices), or NULL
 * (a method with its own, or a fuel not chosen yet).
 */
int na_quality_own(const struct na_method *m);
const char *na_quality_item(const struct na_method *m, const char *fuel);

/* The gas a method's line counts as when it is not split: CH4 for the methane methods, else CO2. */
enum calc_gas na_main_gas(const struct na_method *m);

/*
 * Computes one line for data year `year` (electricity with the county's
 * variant `elec` for that year, as its agencies' reports); 0, or -1 with a Traditional
 * Chinese message in err (a quantity outside the method's bounds, or a line
 * beyond NA_LINE_MAX_KG, included: on success the line's thousandths fit).
 */
int na_compute(const struct calc_table *t, int year, enum calc_elec elec, const struct na_input *in, struct na_line *out,
	       char *err, size_t errlen);

#endif

/* inventory_data.c: the county inventory (清冊) of a year, added up from a few grouped queries (store_inventory). */
#include <stdio.h>
#include <string.h>

#include "inventory_data.h"

/*
 * DESIGN: every figure is a sum of stored lines: the agencies' report
 * lines (own; the outsourced apart) of the county's active agencies and
 * the team's non-agency lines (removals, negative, apart).  So the total
 * is, by construction, the agencies' part plus the non-agency part, and
 * each breakdown (category, scope, 類別, gas) adds up to it; the tests check that
 * against independent SQL.  Charts are geometry only: the numbers shown
 * are the tables' exact decimals.
 *
 * No sum can wrap: MySQL's SUM() of a BIGINT is a DECIMAL, read back
 * checked by the store (a row's `fits`: refused when it does not fit, never
 * saturated), and every sum here is a checked add (dec_add_i64()).  Within the bounds of
 * inventory_data.h nothing is refused; beyond them (rows written around the
 * application) the load fails with INVENTORY_RANGE instead of a wrong figure.
 */

#include "agency_import.h"
#include "decimal.h"
#include "store_county.h"
#include "store_inventory.h"
#include "util.h"

/* The proof of BOUNDS (inventory_data.h), in 128 bits so the check itself cannot wrap. */
_Static_assert(1000 * ((dec_i128)AGENCY_MAX_PER_COUNTY * CALC_REPORT_MAX_KG + (dec_i128)NA_MAX_LINES * NA_LINE_MAX_KG) * 30 <=
	       (dec_i128)9223372036854775807LL, "a county-year's sums must fit int64 thousandths with a margin of 30");

_Static_assert(STORE_INVENTORY_GASES == CALC_GAS__MAX, "the workbook's line reads every gas of calc.h");

/* *acc += v for each of the n accumulators; 0 or -1 (nothing beyond the first failing one is added). */
static int add(long long v, long long *a, long long *b, long long *c, long long *d)
{
	long long *acc[4] = { a, b, c, d };

	for (int i = 0; i < 4; i++)
		if (acc[i] && dec_add_i64(*acc[i], v, acc[i]))
			return -1;
	return 0;
}

/* What a load is filling, and what did not fit when a callback stops it (1). */
struct load {
	struct inventory *inv;
	const char *what;
	int year;
};

/* Stops the load: `what` of `year` does not fit. */
static int range(struct load *ld, const char *what, int year)
{
	ld->what = what;
	ld->year = year;
	return 1;
}

static int category_of(const char *key)
{
	for (int c = 0; c < INV_CAT__MAX; c++)
		if (!strcmp(inv_category_keys[c], key))
			return c;
	return -1;
}

/* The agencies' lines: own by category and scope; the outsourced apart. */
static int agency_sum(void *ctx, const struct store_inventory_agency_sum *row)
{
	struct load *ld = ctx;
	struct inventory *inv = ld->inv;
	int c = category_of(row->category);
	int iso = row->iso >= 1 && row->iso <= CALC_ISO_MAX ? row->iso : 0;

	if (!row->fits)
		return range(ld, "agency lines", inv->year);
	if (!strcmp(row->part, "outsourced"))
		return add(row->milli, &inv->outsourced, &inv->outsourced_by_iso[iso], NULL, NULL) ? range(ld, "outsourced lines", inv->year) : 0;
	inv->provisional_lines += row->provisional_lines;
	if (add(row->provisional_milli, &inv->provisional_milli, NULL, NULL, NULL))
		return range(ld, "agency lines", inv->year);
	if (c < 0 || row->scope < 1 || row->scope > 2)
		return 0;
	if (add(row->milli, &inv->agencies_total, &inv->agencies_by_category[c], &inv->by_category[c], &inv->by_scope[row->scope]))
		return range(ld, "agency lines", inv->year);
	if (add(row->milli, &inv->agencies_by_iso[iso], &inv->by_iso[iso], NULL, NULL))
		return range(ld, "agency lines", inv->year);
	return 0;
}

/* The non-agency lines: emissions by category and scope, removals apart. */
static int nonagency_sum(void *ctx, const struct store_inventory_nonagency_sum *row)
{
	struct load *ld = ctx;
	struct inventory *inv = ld->inv;
	int c = row->category;
	int iso = row->iso >= 1 && row->iso <= CALC_ISO_MAX ? row->iso : 0;

	if (!row->fits || add(row->removals, &inv->removals, NULL, NULL, NULL) ||
	    add(row->provisional_milli, &inv->provisional_milli, NULL, NULL, NULL))
		return range(ld, "non-agency lines", inv->year);
	inv->provisional_lines += row->provisional_lines;
	if (c < 0 || c >= INV_CAT__MAX || row->scope < 1 || row->scope > 2)
		return 0;
	if (add(row->emissions, &inv->nonagency_total, &inv->nonagency_by_category[c], &inv->by_category[c], &inv->by_scope[row->scope]))
		return range(ld, "non-agency lines", inv->year);
	if (add(row->emissions, &inv->nonagency_by_iso[iso], &inv->by_iso[iso], NULL, NULL))
		return range(ld, "non-agency lines", inv->year);
	return 0;
}

/* The index of a gas key in calc_gas_keys; CALC_GAS__MAX (未分氣體) for NULL or an unknown key. */
static int gas_of(const char *key)
{
	for (int g = 0; key && g < CALC_GAS__MAX; g++)
		if (!strcmp(calc_gas_keys[g], key))
			return g;
	return CALC_GAS__MAX;
}

static int agency_gas(void *ctx, const struct store_inventory_gas_sum *row)
{
	struct load *ld = ctx;
	struct inventory *inv = ld->inv;
	int g = gas_of(row->gas);

	if (!row->fits || add(row->milli, &inv->agencies_by_gas[g], &inv->by_gas[g], NULL, NULL))
		return range(ld, "agency gases", inv->year);
	return 0;
}

static int nonagency_gas(void *ctx, const struct store_inventory_gas_sum *row)
{
	struct load *ld = ctx;
	struct inventory *inv = ld->inv;
	int g = gas_of(row->gas);

	if (!row->fits || add(row->milli, &inv->nonagency_by_gas[g], &inv->by_gas[g], NULL, NULL))
		return range(ld, "non-agency gases", inv->year);
	return 0;
}

/* By agency level, and the filing counts. */
static int level(void *ctx, const struct store_inventory_level *row)
{
	struct load *ld = ctx;
	struct inventory *inv = ld->inv;

	inv->n_agencies += row->n_agencies;
	for (int s = 0; s < REPORT_STATUS__MAX; s++)
		inv->n_status[s] += row->n_status[s];
	inv->n_returned += row->n_returned;
	if (!row->fits)
		return range(ld, "a level", inv->year);
	if (row->level >= 1 && row->level <= INV_LEVELS)
		inv->by_level[row->level] = row->milli;
	return 0;
}

/* The largest emitters (each agency's own report, not its subtree). */
static int top(void *ctx, const struct store_inventory_top *row)
{
	struct inventory *inv = ((struct load *)ctx)->inv;

	if (inv->ntop == INV_TOP)
		return 0;
	snprintf(inv->top[inv->ntop].code, sizeof(inv->top[0].code), "%s", row->code);
	snprintf(inv->top[inv->ntop].name, sizeof(inv->top[0].name), "%s", row->name);
	inv->top[inv->ntop].level = row->level;
	inv->top[inv->ntop].milli = row->milli;
	inv->top[inv->ntop].state = row->state;
	inv->ntop++;
	return 0;
}

/* The trend: each year's total, the same sums. */
static int trend(void *ctx, const struct store_inventory_trend *row)
{
	struct load *ld = ctx;
	struct inventory *inv = ld->inv;
	int i = row->year - inv->trend_first;

	if (i < 0 || i >= inv->trend_n)
		return 0;
	if (!row->fits)
		return range(ld, "the trend", row->year);
	inv->trend[i] = row->milli;
	inv->trend_has[i] = 1;
	return 0;
}

/* A store's answer as the load's: 0 (go on), -1 (database), or INVENTORY_RANGE (logged) when a callback found a sum too large. */
static int loaded(const struct load *ld, int r)
{
	if (r > 0) {
		error("inventory county %d year %d: the sum of %s does not fit in 64 bits (rows beyond the bounds?)",
		      ld->inv->county_id, ld->year, ld->what);
		return INVENTORY_RANGE;
	}
	return r;
}

int inventory_load(struct db *db, int county_id, int year, struct inventory *inv)
{
	long long lock;

	if (store_inventory_lock(db, county_id, year, &lock))
		return -1;
	return inventory_load_locked(db, county_id, year, lock, inv);
}

int inventory_load_locked(struct db *db, int county_id, int year, long long lock, struct inventory *inv)
{
	struct load ld = { inv, NULL, year };
	struct years y;
	int r;

	memset(inv, 0, sizeof(*inv));
	inv->county_id = county_id;
	inv->year = year;
	inv->lock = lock;
	if (years_get(db, &y))
		return -1;
	inv->trend_first = y.first;
	inv->trend_n = years_count(&y);
	if (store_county_name(db, county_id, inv->county_name, sizeof(inv->county_name)) < 0)
		return -1;
	if ((r = loaded(&ld, store_inventory_each_agency_sum(db, county_id, year, inv->lock, agency_sum, &ld))))
		return r;
	if ((r = loaded(&ld, store_inventory_each_nonagency_sum(db, county_id, year, nonagency_sum, &ld))))
		return r;
	if (dec_add_i64(inv->agencies_total, inv->nonagency_total, &inv->total))
		return loaded(&ld, range(&ld, "the total", year));
	if ((r = loaded(&ld, store_inventory_each_agency_gas(db, county_id, year, inv->lock, agency_gas, &ld))))
		return r;
	if ((r = loaded(&ld, store_inventory_each_nonagency_gas(db, county_id, year, nonagency_gas, &ld))))
		return r;
	if (store_county_quality(db, county_id, year, &inv->quality) < 0)
		return -1;
	if ((r = loaded(&ld, store_inventory_each_level(db, county_id, year, inv->lock, INV_LEVELS, level, &ld))))
		return r;
	if ((r = loaded(&ld, store_inventory_each_top(db, county_id, year, inv->lock, top, &ld))))
		return r;
	return loaded(&ld, store_inventory_each_trend(db, county_id, y.first, y.last, trend, &ld));
}

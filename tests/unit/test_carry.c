/* test_carry.c: the de minimis 沿用 rule (SPEC-2 §2d): which row of the year before a line reuses, and its thresholds. */
#include "calc.h"
#include "carry.h"
#include "tap.h"

#define R(t, q, c) { CALC_REFRIGERANT, (t), (q), (c) }

int main(void)
{
	/* The year before (2018): R134a on its named field, extra rows of R22 and R404A, an NE R32, a CO2 extinguisher carried from 2017. */
	const struct carry_row rows[] = {
		{ CALC_EXT_CO2, NULL, 1, 2017 },
		R("R134a", 1, 0),
		R("R22", 1, 0),
		R("R404A", 1, 2017),
		R("R32", 0, 0),
	};
	const int n = (int)(sizeof(rows) / sizeof(rows[0]));
	int i, from;

	is_int(carry_find(rows, n, CALC_REFRIGERANT, "R22", 2018, 2019, &i, &from), CARRY_OK, "an extra R22 row reuses the year before's R22 row");
	is_int(i, 2, "its row");
	is_int(from, 2018, "a real figure of 2018");
	is_int(carry_find(rows, n, CALC_REFRIGERANT, "R134a", 2018, 2019, &i, &from), CARRY_OK,
	       "R134a by its code, whatever field it was on");
	is_int(i, 1, "the named field's row");
	is_int(carry_find(rows, n, CALC_REFRIGERANT, "R404A", 2018, 2019, &i, &from), CARRY_OK, "a second year");
	is_int(from, 2017, "keeps the year of the real figure");
	is_int(carry_find(rows, n, CALC_REFRIGERANT, "R404A", 2018, 2020, &i, &from), CARRY_NONE,
	       "a year before that is not year - 1 gives nothing");
	is_int(carry_find(rows, n, CALC_EXT_CO2, NULL, 2018, 2019, &i, &from), CARRY_OK, "an extinguisher, second year");
	is_int(carry_find(rows, n, CALC_EXT_BC, NULL, 2018, 2019, &i, &from), CARRY_NONE, "no BC the year before");
	is_int(i, -1, "no row");
	is_int(carry_find(rows, n, CALC_REFRIGERANT, "R32", 2018, 2019, &i, &from), CARRY_NONE, "an NE row is no figure");
	is_int(carry_find(rows, n, CALC_REFRIGERANT, "R507A", 2018, 2019, &i, &from), CARRY_NONE, "no R507A the year before");
	is_int(carry_find(rows, n, CALC_REFRIGERANT, "r22", 2018, 2019, &i, &from), CARRY_NONE, "codes are exact");
	is_int(carry_find(rows, n, CALC_REFRIGERANT, NULL, 2018, 2019, &i, &from), CARRY_NONE, "a refrigerant without a type");

	const struct carry_row third[] = { R("R22", 1, 2016) };
	is_int(carry_find(third, 1, CALC_REFRIGERANT, "R22", 2018, 2019, &i, &from), CARRY_THIRD_YEAR, "a third consecutive year");
	is_int(from, 2016, "names the real figure's year");
	is_int(i, 0, "and its row");

	const struct carry_row two[] = { R("R22", 1, 0), R("R404A", 1, 0), R("R22", 1, 0) };
	is_int(carry_find(two, 3, CALC_REFRIGERANT, "R22", 2018, 2019, &i, &from), CARRY_AMBIGUOUS, "two R22 rows: which one is unclear");
	is_int(carry_find(two, 3, CALC_REFRIGERANT, "R404A", 2018, 2019, &i, &from), CARRY_OK, "the other type still reuses");
	const struct carry_row ne[] = { R("R22", 0, 0), R("R22", 1, 0) };
	is_int(carry_find(ne, 2, CALC_REFRIGERANT, "R22", 2018, 2019, &i, &from), CARRY_OK, "an NE row beside a figure: the figure");
	is_int(i, 1, "its row");

	/* The thresholds, exactly: kg < 5 t and kg × 10000 < own × 5. */
	is_int(carry_check(4999999, 100000000000LL), CARRY_UNDER, "4,999.999 kg: under 5 t");
	is_int(carry_check(5000000, 100000000000LL), CARRY_OVER_TONNES, "5 t: over");
	is_int(carry_check(3000, 5999529), CARRY_OVER_SHARE, "3 kg of 5,999.529 kg: at or over 0.05 %%");
	is_int(carry_check(3000, 6000038), CARRY_UNDER, "3 kg of 6,000.038 kg: under 0.05 %%");
	is_int(carry_check(3000, 6000000), CARRY_OVER_SHARE, "exactly 0.05 %%: over");
	is_int(carry_check(0, 0), CARRY_OVER_SHARE, "nothing of nothing: no share to be under");
	is_int(carry_check(0, 1), CARRY_UNDER, "0 kg (R22 counts 0) of any total");
	return tap_done();
}

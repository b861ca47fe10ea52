/* calc_sum.c: a report's figures summed from its lines (calc.h): what calc_compute adds up as it
 * computes, and what a page adds up from the lines as they were stored. */
#include "calc.h"

void calc_result_zero(struct calc_result *res)
{
	const dec_t zero = { 0, 3 };

	for (int p = 0; p < CALC_PART__MAX; p++) {
		res->total[p] = zero;
		for (int c = 0; c < CALC_CAT__MAX; c++)
			res->by_category[p][c] = zero;
		for (int s = 0; s < 4; s++)
			res->by_scope[p][s] = zero;
		for (int c = 0; c <= CALC_ISO_MAX; c++)
			res->by_iso[p][c] = zero;
		for (int g = 0; g < CALC_GAS__MAX; g++)
			res->by_gas[p][g] = zero;
	}
	res->provisional = 0;
}

int calc_result_add(struct calc_result *res, const struct calc_line *l)
{
	long long m;

	if (l->part < 0 || l->part >= CALC_PART__MAX || l->category < 0 || l->category >= CALC_CAT__MAX || l->scope < 1 ||
	    l->scope > 3 || l->iso_category < 1 || l->iso_category > CALC_ISO_MAX)
		return -1;
	if (dec_add(res->total[l->part], l->kg, &res->total[l->part]) ||
	    dec_add(res->by_category[l->part][l->category], l->kg, &res->by_category[l->part][l->category]) ||
	    dec_add(res->by_scope[l->part][l->scope], l->kg, &res->by_scope[l->part][l->scope]) ||
	    dec_add(res->by_iso[l->part][l->iso_category], l->kg, &res->by_iso[l->part][l->iso_category]) ||
	    dec_to_scaled_i64(res->total[l->part], 3, &m))
		return -1;
	for (int g = 0; g < CALC_GAS__MAX; g++)
		if (l->gas[g].present && dec_add(res->by_gas[l->part][g], l->gas[g].kg, &res->by_gas[l->part][g]))
			return -1;
	if (l->provisional)
		res->provisional = 1;
	return 0;
}

int calc_sum(const struct calc_line *lines, int n, struct calc_result *res)
{
	calc_result_zero(res);
	for (int i = 0; i < n; i++)
		if (calc_result_add(res, &lines[i]))
			return -1;
	return 0;
}

int calc_over_limit(const struct calc_result *res, const struct calc_line *lines, int n, int *part, int *line)
{
	dec_t max;

	dec_from_int(CALC_REPORT_MAX_KG, &max);
	for (int p = 0; p < CALC_PART__MAX; p++) {
		if (dec_cmp(res->total[p], max) <= 0)
			continue;
		*part = p;
		*line = -1;
		for (int i = 0; i < n; i++)
			if (lines[i].part == (enum calc_part)p && (*line < 0 || dec_cmp(lines[i].kg, lines[*line].kg) > 0))
				*line = i;
		return -1;
	}
	return 0;
}

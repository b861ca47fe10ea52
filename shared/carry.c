/* carry.c: the de minimis 沿用 rule (SPEC-2 §2d). */
#include <string.h>

#include "carry.h"

/* Same source: the same item and, for a refrigerant, the same code ("" and NULL alike). */
static int same_source(const struct carry_row *r, int item, const char *type)
{
	const char *a = r->type ? r->type : "", *b = type ? type : "";

	return r->item == item && !strcmp(a, b);
}

enum carry_source carry_find(const struct carry_row *rows, int n, int item, const char *type, int prev_year, int year,
			     int *index, int *from)
{
	int found = -1;

	*index = -1;
	*from = 0;
	if (prev_year != year - 1)
		return CARRY_NONE;
	for (int i = 0; i < n; i++) {
		if (!rows[i].has_quantity || !same_source(&rows[i], item, type))
			continue;
		if (found >= 0)
			return CARRY_AMBIGUOUS;
		found = i;
	}
	if (found < 0)
		return CARRY_NONE;
	*index = found;
	/* The last real quantity: the year before's own, or the one it carried itself. */
	*from = rows[found].carried_from ? rows[found].carried_from : prev_year;
	return year - *from > CARRY_YEARS ? CARRY_THIRD_YEAR : CARRY_OK;
}

enum carry_limit carry_check(long long kg_milli, long long own_milli)
{
	if (kg_milli >= CARRY_MAX_MILLI)
		return CARRY_OVER_TONNES;
	if (kg_milli * 10000 >= own_milli * 5)
		return CARRY_OVER_SHARE;
	return CARRY_UNDER;
}

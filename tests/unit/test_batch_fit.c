/* test_batch_fit.c: a factor-day batch cut to the reports whose quantities fit the staging tables (worker/factor_day_calc.h). */
#include <stdlib.h>

#include "factor_day_calc.h"
#include "tap.h"

/* b: n reports with ids 10, 20, 30, ...; report k has lines[k] quantities; between two reports, `between` of a report not the batch's. */
static void fill(struct batch *b, int n, const int *lines, int between)
{
	b->n = n;
	b->nitems = 0;
	for (int k = 0; k < n; k++) {
		b->rep[k].id = 10 * (k + 1);
		for (int i = 0; i < lines[k]; i++)
			b->items[b->nitems++].report_id = b->rep[k].id;
		for (int i = 0; k + 1 < n && i < between; i++)
			b->items[b->nitems++].report_id = b->rep[k].id + 5;   /* another year's report in the id range */
	}
}

int main(void)
{
	struct batch *b = calloc(1, sizeof(*b));
	static const int small[4] = { 3, 2, 5, 1 }, big[5] = { 40, 50, 30, 100, 2 }, huge[3] = { 108, 108, 108 };

	if (!b || !(b->items = calloc(20000, sizeof(*b->items))))
		return 1;
	fill(b, 4, small, 2);
	is_int(batch_fit(b, 100), 4, "within the cap: the batch whole");
	is_int(b->nitems, 17, "every quantity kept");
	fill(b, 5, big, 0);
	is_int(batch_fit(b, 120), 3, "40 + 50 = 90 fit 120, + 30 = 120 too: three reports");
	fill(b, 5, big, 0);
	is_int(batch_fit(b, 119), 2, "at 119, the third's 30 no longer fit: two");
	fill(b, 5, big, 0);
	is_int(batch_fit(b, 125), 3, "40 + 50 + 30 = 120 fit 125: three reports");
	is_int(b->nitems, 120, "their 120 quantities kept, the rest the next batch's");
	is_int((int)b->items[b->nitems - 1].report_id, 30, "the last kept is the third report's");
	fill(b, 5, big, 4);
	is_int(batch_fit(b, 125), 3, "another report's quantities between them (4 each) do not count: 40 + 50 + 30 = 120 fit 125");
	is_int(b->nitems, 128, "the first three reports and what lies between them");
	fill(b, 5, big, 4);
	is_int(batch_fit(b, 119), 2, "at 119, two");
	is_int(b->nitems, 94, "their 90 and the 4 between them");
	fill(b, 5, big, 400);
	is_int(batch_fit(b, 125), 3, "however many lie between");
	fill(b, 3, huge, 0);
	is_int(batch_fit(b, 50), 1, "a first report beyond the cap alone: never fewer than one");
	is_int(b->nitems, 108, "all of its quantities");
	fill(b, 3, huge, 0);
	is_int(batch_fit(b, 216), 2, "exactly at the cap: kept");
	free(b->items);
	free(b);
	return tap_done();
}

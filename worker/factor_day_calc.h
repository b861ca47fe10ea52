/* factor_day_calc.h: factor day's computations (factor_day_calc.c): a report's or a non-agency
 * line's figures with the tables before and after a change, the electricity variant each
 * county-year computes with, the years a change can move, and the audit lines' wording. */
#ifndef CITYINV_FACTOR_DAY_CALC_H
#define CITYINV_FACTOR_DAY_CALC_H

#include "calc.h"
#include "factor_table.h"
#include "nonagency.h"
#include "store_factorday.h"

#define BATCH 1000
_Static_assert(BATCH <= STORE_FD_STAGE_REPORTS, "a batch stages the lines of at most STORE_FD_STAGE_REPORTS reports");
#define MAX_INPUTS (2 * (CALC__MAX + 2 * CALC_MAX_REFRIGERANT_ROWS))

struct item {
	long long report_id;
	struct calc_input in;
	char refrigerant[17];
};

struct batch {
	struct store_fd_report rep[BATCH];
	struct store_fd_activity act[BATCH];
	int n;
	struct item *items;
	int nitems, cap;
};
_Static_assert(MAX_INPUTS <= STORE_FD_STAGE_LINES, "one report's lines fit a batch");

/*
 * Batch b (its reports rep[0..n) and the quantities of their id range,
 * items[0..nitems) in report order, those of reports not the batch's among
 * them) cut to its first reports whose own quantities number at most cap,
 * never fewer than one report: the rest are the next batch's.  Only the
 * batch's own count: the others are never staged, and counting them could
 * cut a one-county run over ids spread among counties to a few reports a
 * batch.  Its new n.
 */
static inline int batch_fit(struct batch *b, int cap)
{
	int k = 0, m = 0, counted = 0;

	if (b->nitems <= cap)
		return b->n;
	while (k < b->n) {
		int e = m, own = 0;

		for (; e < b->nitems && b->items[e].report_id <= b->rep[k].id; e++)
			own += b->items[e].report_id == b->rep[k].id;
		if (k > 0 && counted + own > cap)
			break;
		counted += own;
		m = e;
		k++;
	}
	b->nitems = m;
	return b->n = k;
}


/*
 * The electricity variant each county-year computes with, before and after
 * the change: the county's choice (inventory_years.elec_variant) for both,
 * except the county-year whose choice the change is.
 */
struct choices {
	const struct store_fd_change *c;
	struct choice {
		int county_id, year;
		enum calc_elec elec;
	} *v;
	int n, cap;
};

/* store_fd_variants' callback: one county-year's choice into ctx (a struct choices). */
int fd_add_choice(void *ctx, int county_id, int year, enum calc_elec elec);

/* One report's outcome: its lines and totals with the new table, and whether the change moves them. */
struct outcome {
	struct calc_line lines[MAX_INPUTS];
	struct calc_result res;
	int n, changed_lines, affected;
	long long own, outsourced;
};

/* Report r's inputs (items [*pos..) of b) computed with both tables into *o: 0, or -1 with err. */
int fd_compute(const struct factor_table *old, const struct factor_table *new, const struct choices *ch, struct batch *b,
	       int *pos, const struct store_fd_report *r, struct outcome *o, char *err, size_t errlen);

/*
 * What a walk (preview or run) needs: the tables before and after change c
 * (from the table in the database now), every county-year's choice of
 * variant into *ch, and the span it goes over: the years of c's whose
 * reports the change can move, of every county or of the one county whose
 * choice c is.  0; -1 the database could not be read (try again later);
 * 1 a value of the change does not parse (the change fails).
 */
int fd_setup(struct db *db, const struct store_fd_change *c, struct factor_table *old, struct factor_table *new, struct choices *ch,
	     struct store_fd_span *sp);

/* An activity's outcome: its line with the new table, and whether the change moves it. */
struct na_outcome {
	struct na_line line;
	long long kg;
	int affected;
};

/* Activity a computed with both tables (na_compute, as the team's save does) into *o: 0, or -1 with err. */
int fd_compute_activity(const struct factor_table *old, const struct factor_table *new, const struct choices *ch,
			const struct store_fd_activity *a, struct na_outcome *o, char *err, size_t errlen);

/* What figures were computed with, before the change (after 0) or after it, as an audit line begins. */
const char *fd_basis_text(char *buf, size_t size, const struct store_fd_change *c, int after);

#endif

/* carry.h: the de minimis 沿用 of a fugitive line (SPEC-2 §2d): which line of the year before it reuses, and whether it may. */
#ifndef CITYINV_CARRY_H
#define CITYINV_CARRY_H

/*
 * DESIGN: a pure module (no I/O, no allocation), so the rule of MOENV's
 * amendment of 2025-12-19 (環部氣字第1149114687號) is read in one place and
 * tested alone.  A fugitive source type is an extinguisher item, or one
 * refrigerant by its code: the named fields (R134a, R410a) and the extra
 * rows whose type is the same code are the same source, wherever the row
 * sits on the form.  The line reuses the last real quantity of its source
 * in the year before: the year before must hold exactly one row of that
 * source with a quantity (two R22 rows leave it unclear which to reuse),
 * and the real figure must be at most CARRY_YEARS old.
 */

#define CARRY_YEARS 2                 /* carried for at most this many consecutive years */
#define CARRY_MAX_MILLI 5000000LL     /* under 5 tCO2e: kgCO2e in thousandths */

/* A line of the year before's own part, as the rule reads it. */
struct carry_row {
	int item;                     /* enum calc_item */
	const char *type;             /* a refrigerant's code ("R22", "R134a"); NULL or "" for the others */
	int has_quantity;             /* 0: blank, NE or IE (no figure) */
	int carried_from;             /* the year its quantity came from; 0: its own year's */
};

enum carry_source {
	CARRY_NONE,                   /* nothing to reuse */
	CARRY_OK,                     /* *index, *from set */
	CARRY_THIRD_YEAR,             /* it would be a third consecutive year (*index, *from set) */
	CARRY_AMBIGUOUS,              /* several rows of the source with a quantity the year before */
};

/*
 * The row of rows[0..n) (the year prev_year's) that a line of (item, type)
 * in `year` reuses: CARRY_OK with *index and *from (the year of its real
 * figure), or why not.  A year before that is not year - 1 gives nothing.
 */
enum carry_source carry_find(const struct carry_row *rows, int n, int item, const char *type, int prev_year, int year,
			     int *index, int *from);

enum carry_limit {
	CARRY_UNDER,                  /* may be carried */
	CARRY_OVER_TONNES,            /* kg at or over 5 tCO2e */
	CARRY_OVER_SHARE,             /* kg at or over 0.05 % of the year's own total */
};

/*
 * The thresholds of a carried line of kg_milli kgCO2e (thousandths, >= 0)
 * against the year's own total own_milli, exactly: kg < 5 t, and
 * kg / own < 0.05 %, i.e. kg × 10000 < own × 5 (no overflow: kg is checked
 * under 5e6 first, and own is a report's total, at most 10^13 thousandths).
 */
enum carry_limit carry_check(long long kg_milli, long long own_milli);

#endif

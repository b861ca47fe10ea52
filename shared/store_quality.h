/* store_quality.h: the quality job's record (quality_queue), what it reads (the county-year's
 * own-operation lines and their gases) and what it writes (quality_rollups, county_quality). */
#ifndef CITYINV_STORE_QUALITY_H
#define CITYINV_STORE_QUALITY_H

#include "db.h"

/*
 * DESIGN: quality_queue (migration 0025) is the record of the work, one row
 * per county-year: a request adds one to `requests`; a run reads `requests`
 * first (store_quality_begin), writes the figures and sets `figures_for`
 * in one transaction (store_quality_lock_figures says whether newer figures
 * are already there), then sets `done_for` (store_quality_done).  Pending
 * means done_for < requests.  Redis only wakes the quality worker.
 *
 * Unless said otherwise a function returns 0, or -1 on a database error
 * (db->errstr set); none begins or ends a transaction.
 */

/* Asks for the county-year's quality run (the rollup job, inside its transaction). */
int store_quality_request(struct db *db, int county, int year);

struct store_quality_pending {
	int county, year;
};
/* The county-years with a request not yet done, oldest first, at most max, into out[0..*n). */
int store_quality_pending(struct db *db, struct store_quality_pending *out, int max, int *n);
/* A request for every county-year with rollups (county_rollups) but no quality_queue row; *n is how many. */
int store_quality_fill_missing(struct db *db, long long *n);
/*
 * The start of a run: *requests is the count the run serves; 1 when there is
 * work (done_for < requests), 0 when nothing is pending (or no row), -1.
 */
int store_quality_begin(struct db *db, int county, int year, long long *requests);
/*
 * The county's row in share mode, before the run writes anything: the web's agency edits lock it
 * FOR UPDATE before they touch agencies (store_agency_lock_county), and the figures' rows take
 * shared locks on their agencies (the foreign keys), so taking it first keeps the two orders the
 * same (no deadlock; one waits for the other).  0 or -1.
 */
int store_quality_share_county(struct db *db, int county);

/*
 * Inside the figures' transaction: locks the queue row and says whether the
 * figures of `requests` are still to be written: 1 yes, 0 when a run that
 * served as many or more requests already wrote its own (nothing to write), -1.
 */
int store_quality_lock_figures(struct db *db, int county, int year, long long requests, int *runs);
/* In the same transaction: the figures of `requests` are written (figures_for, runs + 1). */
int store_quality_figures_written(struct db *db, int county, int year, long long requests);
/* After everything of the run (figures, board): done_for = at least `requests`. */
int store_quality_done(struct db *db, int county, int year, long long requests);

/* The queue row of a county-year, for tests and the pages' 計算中. 1 found, 0 none, -1. */
struct store_quality_queue {
	long long requests, figures_for, done_for;
	int runs;
};
int store_quality_queue_get(struct db *db, int county, int year, struct store_quality_queue *out);

/*
 * What a run reads: every agency of the county (active or not: an agency's
 * own figures are kept like its rollup; a subtree counts only its active
 * agencies, as rollups do) with its report's last save of the year; of a
 * locked year (`lock`, store_inventory_lock) the agencies it was locked with
 * at their parents then, so that its grades stay as signed ...
 */
struct store_quality_agency {
	long long id, parent_id;      /* parent_id 0 for a 一級 agency */
	int active;
	char saved_at[24];            /* reports.updated_at, "" when the agency has no report */
};
typedef int (*store_quality_agency_fn)(void *ctx, const struct store_quality_agency *a);
int store_quality_agencies(struct db *db, int county, int year, long long lock, store_quality_agency_fn each, void *ctx);

/*
 * ... and, in one query, every own-operation line of their reports of the
 * year with each of its gases: one call per gas, lines in order (agency,
 * item, seq); a line with no gas rows (saved before migration 0023) comes
 * once with has_gas 0.  Intervals are -1 where NULL (未評估).
 */
struct store_quality_row {
	long long agency_id;
	char item[25];
	int seq;
	long long kg_milli;            /* the line's */
	int a1, a2, a3;                /* 0: saved before 0023 (not covered) */
	int ad_lower, ad_upper;        /* thousandths of a percent, -1 NULL */
	int has_gas;
	char gas[8];
	long long gas_kg_milli;
	int ef_lower, ef_upper;        /* thousandths of a percent, -1 NULL */
};
typedef int (*store_quality_row_fn)(void *ctx, const struct store_quality_row *r);
int store_quality_lines(struct db *db, int county, int year, store_quality_row_fn each, void *ctx);

/*
 * ... and the county team's non-agency lines of the year (county_activities,
 * which only the county's figures count: SPEC-2 §2b, §2c), one call per line
 * in id order, with what was in force at its save.  Intervals are -1 where
 * NULL (未評估).
 */
#define STORE_QUALITY_GASES 7          /* calc_gas_keys' order: CO2 CH4 N2O HFCs PFCs SF6 NF3 */
struct store_quality_nonagency {
	long long id;
	long long kg_milli;            /* negative for a removal */
	int a1, a2, a3;                /* 0: saved before migration 0028 (not covered) */
	int ad_lower, ad_upper;
	int has_gas[STORE_QUALITY_GASES];      /* 0: not that gas (none at all: saved before 0024) */
	long long gas_milli[STORE_QUALITY_GASES];
	int ef_lower[STORE_QUALITY_GASES], ef_upper[STORE_QUALITY_GASES];
	char saved_at[24];             /* updated_at, as store_quality_agencies' */
};
typedef int (*store_quality_nonagency_fn)(void *ctx, const struct store_quality_nonagency *l);
int store_quality_nonagency(struct db *db, int county, int year, store_quality_nonagency_fn each, void *ctx);

/* The figures of a set (an agency's own report, its subtree, the county). */
struct store_quality_figures {
	long long covered_milli;       /* Σ|E| of the covered lines */
	int has_grade;                 /* 0: nothing covered (grade_hundredths NULL) */
	long long grade_hundredths;
	int grade;                     /* 1..3, 0 none */
	int assessed;                  /* 0: no interval (未評估) */
	int unc_lower_milli, unc_upper_milli;
	int assessed_bp;
	int uncovered_lines;           /* lines saved before 0023 (a1 = 0): in no grade */
	long long uncovered_milli;
	char data_at[24];              /* the newest save included, "" none */
	char computed_at[24];          /* when written (reads only) */
};

/*
 * The stored figures of the county's agencies for the year, scope "own" or
 * "subtree", one call each (writers compare before writing).
 */
typedef int (*store_quality_stored_fn)(void *ctx, long long agency_id, int subtree, const struct store_quality_figures *f);
int store_quality_stored(struct db *db, int county, int year, store_quality_stored_fn each, void *ctx);
/* An agency's figures to write (scope own or subtree). */
struct store_quality_put {
	long long agency_id;
	int subtree;
	struct store_quality_figures f;
};
/* Writes rows[0..n) of `year`, many to a statement. */
int store_quality_put_agencies(struct db *db, int year, const struct store_quality_put *rows, int n);
/* Writes the county's figures (always: its computed_at is the pages' stamp). */
int store_quality_put_county(struct db *db, int county, int year, const struct store_quality_figures *f);

/* Reads: 1 found, 0 none, -1. */
int store_quality_get_agency(struct db *db, long long agency_id, int year, int subtree, struct store_quality_figures *out);
int store_quality_get_county(struct db *db, int county, int year, struct store_quality_figures *out);

#endif

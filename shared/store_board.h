/* store_board.h: the validation board's data: the county-year read for its rules, its thresholds, runs and findings. */
#ifndef CITYINV_STORE_BOARD_H
#define CITYINV_STORE_BOARD_H

#include "board_rules.h"
#include "db.h"

/*
 * DESIGN: worker/board.c runs the rules of a county-year in one
 * transaction: store_board_lock() (its board_runs row, FOR UPDATE: two runs
 * take turns), store_board_stamp() and the reads below in the same
 * snapshot, one store_board_put() per finding (an upsert on the finding's
 * identity that moves its rev only when what the board shows changed), then
 * store_board_finish() closes the findings this run did not see again and
 * records the run.  The page compares the run's stamp with
 * store_board_stamp() now: a save since (or a threshold changed) shows as
 * 重新計算中.  Every function returns 0 / -1 (db->errstr) unless its comment
 * says otherwise; a lookup 1 found / 0 not / -1.
 */

#define STORE_BOARD_STAMP_MAX 120

/*
 * The county-year's data as the rules read it: its reports (count,
 * revisions, filed and confirmed states, newest save) and the thresholds'
 * last change, into stamp[STORE_BOARD_STAMP_MAX + 1]; newest (may be NULL):
 * the newest save, "YYYY-MM-DD HH:MM:SS" or "" when none, into newest[20].
 */
int store_board_stamp(struct db *db, int county, int year, char *stamp, char *newest);

/* The thresholds of county's year (with inventory_years.confirm_within_days): 1, 0 no such year, -1. */
int store_board_thresholds(struct db *db, int county, int year, struct board_thresholds *out);
/* Gives a year without a row of thresholds its row of defaults (the migration's). */
int store_board_thresholds_ensure(struct db *db, int county, int year);
/* Sets the thresholds (not confirm_days: the years page's) of county's year (its row ensured), by account. */
int store_board_thresholds_set(struct db *db, int county, int year, const struct board_thresholds *t, long long account);

/* Queues the county-year's recomputation (an outbox row, as a save does) after its thresholds changed. */
int store_board_queue(struct db *db, int county, int year);

/* Locks the county-year's run row (creating it): inside the caller's transaction. */
int store_board_lock(struct db *db, int county, int year);

/* An active agency of the county, with what the rules read of its reports and quality. */
struct store_board_agency {
	long long id;
	int level;
	char name[801];
	int status;                   /* report_status (0: no report this year) */
	long long rev, last_rev;
	long long total_milli;
	long long filed_age_s;
	int grade;
	long long grade_hundredths;
	int has_unc;
	int unc_lower_milli, unc_upper_milli;
};
int store_board_each_agency(struct db *db, int county, int year,
			    int (*each)(void *ctx, const struct store_board_agency *a), void *ctx);

/* A computed line of own operations of this year or last year of an active agency of the county. */
struct store_board_line {
	long long agency;
	int last_year;
	char item[25];
	int seq;
	char refrigerant[17];
	long long quantity_milli, kg_milli;
};
int store_board_each_line(struct db *db, int county, int year,
			  int (*each)(void *ctx, const struct store_board_line *l), void *ctx);

/*
 * The findings of the county-year that hold, as the last run wrote them
 * (identity, Δ, detail, sig, agency_rev; rules this program does not know
 * are left out): 0 or -1.  each returning non-zero stops.
 */
int store_board_each_holding(struct db *db, int county, int year,
			     int (*each)(void *ctx, const struct board_finding *f), void *ctx);
/*
 * The findings f[0..n) of run number run_no, each written on its identity
 * (see the DESIGN): new, changed, or holding again; several to a statement.
 * seen_run is the run that last wrote the row.  0 or -1.
 */
int store_board_put(struct db *db, int county, int year, long long run_no, const struct board_finding *const *f, int n);
/*
 * The medians the run's findings name (delta_level: a missing-electricity
 * finding's Δ is its level's median), levels[i] → medians[i] for i < n:
 * written where they differ from the stored ones, the stored ones of other
 * levels deleted.  0 or -1.
 */
int store_board_medians(struct db *db, int county, int year, const int *levels, const long long *medians, int n);
/* Closes a holding finding the run did not find again (kept, with its 已查核): 0 or -1. */
int store_board_close(struct db *db, int county, int year, const struct board_finding *f);
/* The next run's number (board_runs.run_no + 1), after store_board_lock: 0 or -1. */
int store_board_run_no(struct db *db, int county, int year, long long *run_no);
/* Records the run (its number, stamp, newest save). */
int store_board_finish(struct db *db, int county, int year, long long run_no, const char *stamp, const char *newest);

/* The last run of the county-year: 1 with stamp and ran_at ("YYYY-MM-DD HH:MM:SS"), 0 never run, -1. */
int store_board_last_run(struct db *db, int county, int year, char *stamp, char *ran_at);

/* A finding as the board shows it. */
struct store_board_row {
	long long id;
	enum board_rule rule;
	long long agency;
	char agency_name[801];
	long long other;
	char other_name[801];
	char item[25];
	int seq;
	long long delta_milli;
	char detail[1601];
	long long rev;
	int holds;
	int checked;                  /* 已查核, on the data it was checked on */
	int changed_after_check;      /* checked once, the data changed since (已查核後資料已變更) */
	int report_changed;           /* the agency's report was saved after the run */
	char checked_at[20];
	char checked_by[41];
	char check_note[2001];
	char first_seen_at[20];
	char closed_at[20];
};
/*
 * The open findings of the county-year (history 0: holding, not checked on
 * their data), by Δ descending; or its history (1: checked, or closed), the
 * newest change first.  each returning non-zero stops.
 */
int store_board_each(struct db *db, int county, int year, int history,
		     int (*each)(void *ctx, const struct store_board_row *r), void *ctx);

enum store_board_check {
	STORE_BOARD_CHECKED,
	STORE_BOARD_STALE,            /* the finding changed, closed, or its report was saved since the run */
	STORE_BOARD_NOT_FOUND,        /* no such finding in the county-year */
	STORE_BOARD_ERROR,
};
/*
 * 已查核 of finding id of county's year as its page showed it (rev), by
 * account with note, inside the caller's transaction (the finding locked
 * first).  *agency: the finding's agency (for the audit line).
 */
enum store_board_check store_board_check(struct db *db, long long id, int county, int year, long long rev, long long account,
					 const char *note, long long *agency);

#endif

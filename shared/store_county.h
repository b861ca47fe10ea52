/* store_county.h: the counties (counties), and what the county team's console reads of one county. */
#ifndef CITYINV_STORE_COUNTY_H
#define CITYINV_STORE_COUNTY_H

#include <stddef.h>

#include "db.h"
#include "report_status.h"

/*
 * Return conventions: a lookup returns 1 found / 0 not found / -1 on a
 * database error (db->errstr set); anything else 0 / -1.  Lists are passed
 * row by row to a callback (a non-zero return stops them); a row's strings
 * are valid only during the call.
 */

/* One county (counties.letter is CHAR(1), counties.name VARCHAR(16)). */
struct county {
	int id;
	char letter[2];   /* the ROC letter, upper case: "Z" */
	char name[65];    /* 連江縣 */
};

/* The counties in letter order, at most `max` of them, into out[0..*n).  0 / -1. */
int store_county_list(struct db *db, struct county *out, int max, int *n);

/* The name of county `county` into name[size] (cut to fit): 1 / 0 / -1. */
int store_county_name(struct db *db, int county, char *name, size_t size);

/* A county's total for a year, as the worker last computed it (county_rollups). */
struct store_county_total {
	long long total_milli;        /* 0 before any computation */
	long long outsourced_milli;
	char computed_at[20];         /* YYYY-MM-DD HH:MM:SS, "" when never computed */
	int pending;                  /* work for this county and year is still in the outbox */
	long long restated_reports;   /* active agencies' reports with a 重算值 (factor day: confirmed or locked) */
	long long restated_delta_milli;   /* what their 重算值 add to the total (new − confirmed) */
	long long restated_confirmed;     /* of restated_reports, those confirmed */
};

/* The total of county_id in `year`: 1 / 0 (no such county) / -1. */
int store_county_total(struct db *db, int county_id, int year, struct store_county_total *out);

/*
 * A county-year's data-quality grade and uncertainty as the quality job last
 * wrote them (county_quality; SPEC-2 §2b, §2c), and whether they are older
 * than the data: work still in the outbox (the rollup that requests the
 * quality run has not run) or quality_queue requests not yet in the figures.
 */
struct store_county_quality {
	int has;                       /* 0: never computed */
	int has_grade;                 /* 0: nothing covered */
	long long grade_hundredths;    /* 8.46 -> 846 */
	int grade;                     /* 1..3 (第一/二/三級), 0 none */
	int assessed;                  /* 0: 未評估 */
	int lower_milli, upper_milli;  /* thousandths of a percent */
	int assessed_bp;               /* hundredths of a percent */
	long long covered_milli;
	int uncovered_lines;           /* lines saved before 0023: in no grade */
	long long uncovered_milli;
	char computed_at[20];          /* YYYY-MM-DD HH:MM:SS, "" */
	int pending;                   /* 計算中 */
};

/* The figures of county_id in `year` (has 0 when none yet): 1 / 0 (no such county) / -1. */
int store_county_quality(struct db *db, int county_id, int year, struct store_county_quality *out);

/*
 * How many active agencies are in each state (docs/workflow.md), counted
 * from the reports as they are now (not from the rollups: 確認 and 退回
 * queue no recomputation).
 */
struct store_county_counts {
	long long n_agencies;
	long long n[REPORT_STATUS__MAX];   /* by enum report_status; they add up to n_agencies */
	long long n_returned;              /* of n[REPORT_DRAFT], those 登錄中（退回） */
};

/* The counts of county_id's active agencies for `year` (all zero for a county without any).  0 / -1. */
int store_county_status_counts(struct db *db, int county_id, int year, struct store_county_counts *out);

/* A 一級 agency with the counts of its subtree's active agencies (itself included). */
struct store_county_first_level {
	const char *name;
	struct store_county_counts counts;
};

/* county_id's active 一級 agencies in code order, with their counts of `year`.  0 / -1. */
int store_county_each_first_level(struct db *db, int county_id, int year,
				  int (*each)(void *ctx, const struct store_county_first_level *row), void *ctx);

/* Which of a county's agencies the team console lists. */
struct store_county_filter {
	int county_id;
	int year;
	int level;          /* 0: every level; 1 to 3: that level; 4: level 4 and below */
	int status;         /* -1: any; else an enum report_status */
	int returned;       /* 1: only 登錄中（退回） (whatever status says) */
	const char *q;      /* "": no search; else part of the name or code, taken literally */
};

/* One agency of the console with its filing of the year and its contact. */
struct store_county_agency {
	long long id;
	const char *code, *name;
	int level;
	const char *parent_name;        /* "" for a 一級 agency */
	int status;                     /* enum report_status */
	int returned;                   /* 退回: shown 登錄中（退回） (report_status_text) */
	long long own_total_milli;      /* its own report's total (0 without one) */
	long long subtree_milli;        /* with its subordinates (rollups) */
	const char *contact_name, *contact_phone, *contact_email;   /* "" when absent */
	int locked;                     /* its account is locked */
	int has_restated;               /* its report has a 重算值 (factor day), beside its confirmed figures */
	long long restated_own_milli;
};

/* The active agencies of f->county_id that pass the filter, by level and code, at most 2000.  0 / -1. */
int store_county_each_agency(struct db *db, const struct store_county_filter *f,
			     int (*each)(void *ctx, const struct store_county_agency *row), void *ctx);

/*
 * 待確認: the waiting list.  N is inventory_years.confirm_within_days of the
 * county-year: 1 with *days, 0 when the county does not serve that year, -1.
 */
int store_county_confirm_within(struct db *db, int county_id, int year, int *days);

/*
 * An active agency whose report of the year is 已登錄完成 and has waited for
 * 確認 more than N days since filed_at (since its last save for a report
 * filed while the save did not record filed_at yet), with the party that
 * confirms it: its parent agency and that agency's account and contact, or
 * the county team for a 一級 agency.
 */
struct store_county_waiting {
	long long agency_id;
	const char *code, *name;
	long long days;                 /* whole days waited */
	const char *filed_at;           /* YYYY-MM-DD HH:MM */
	int by_team;                    /* no parent: the county team confirms (the parent_* are "") */
	const char *parent_name;
	const char *parent_login;       /* the parent's account; "" when it has none */
	const char *contact_name, *contact_phone, *contact_email;   /* the parent's; "" when absent */
};

/* The waiting list of county_id's `year`, longest wait first (then by code).  0 / -1. */
int store_county_each_waiting(struct db *db, int county_id, int year,
			      int (*each)(void *ctx, const struct store_county_waiting *row), void *ctx);

#endif

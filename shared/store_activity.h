/* store_activity.h: the county team's non-agency activity lines (county_activities). */
#ifndef CITYINV_STORE_ACTIVITY_H
#define CITYINV_STORE_ACTIVITY_H

#include "arena.h"
#include "db.h"
#include "nonagency.h"
#include "store_report.h"

/*
 * DESIGN: a line belongs to a county-year and is only ever found, changed
 * or deleted under its county and year, so one county's team never reaches
 * another's lines by id.  A change names the version it read; a line changed
 * meanwhile is left alone and the caller is told (0).  While a county-year
 * is published its lines are read-only: a change takes the county-year's
 * row (inventory_years) FOR UPDATE first (store_year_lock_published), the
 * row publishing locks too, so a publication cannot slip in between the
 * check and the write.  Transactions are the caller's.  Strings bounded by
 * their column are arrays here (VARCHAR(n) of utf8mb4: 4n bytes and the
 * NUL); `sources` (TEXT) is copied into the caller's arena.
 */
#define ACTIVITY_METHOD_SIZE (24 + 1)          /* method: VARCHAR(24) of ASCII */
#define ACTIVITY_DESCRIPTION_SIZE (200 * 4 + 1)
#define ACTIVITY_NOTE_SIZE (300 * 4 + 1)        /* note, override_reason */
#define ACTIVITY_NUMBER_SIZE 48                 /* DECIMAL(24,9) as text, at most 26 characters */
#define ACTIVITY_OPT_SIZE (48 + 1)              /* opt1..opt3: VARCHAR(48) of ASCII */
#define ACTIVITY_GWP_SIZE (8 + 1)
#define ACTIVITY_FACTOR_SIZE (64 * 4 + 1)
#define ACTIVITY_UNIT_SIZE (32 * 4 + 1)
#define ACTIVITY_METHOD_TEXT_SIZE (600 * 4 + 1)

/*
 * A line's data quality as stored at its save (SPEC-2 §2b, §2c; migrations
 * 0024, 0028): the A1-A3 and activity-data interval in force (the typed
 * values, else the defaults), whether anything was typed, and each gas with
 * its factor's interval.  Intervals in thousandths of a percent, -1 none
 * (未評估).
 */
struct activity_quality {
	int a1, a2, a3;                         /* 1..3; 0: saved before they existed (in no grade) */
	int typed;                              /* the team typed a quality value (its defaults changed) */
	int ad_lower, ad_upper;
	int has_gas[CALC_GAS__MAX];             /* 0: the line has not that gas (or is not split yet) */
	long long gas_milli[CALC_GAS__MAX];     /* kgCO2e thousandths, by calc_gas_keys */
	int ef_lower[CALC_GAS__MAX], ef_upper[CALC_GAS__MAX];
};

/* A line as the team's list shows it. */
struct activity_row {
	long long id;
	long long version;
	char method[ACTIVITY_METHOD_SIZE];
	char description[ACTIVITY_DESCRIPTION_SIZE];
	char note[ACTIVITY_NOTE_SIZE];
	char quantity[ACTIVITY_NUMBER_SIZE];
	char quantity2[ACTIVITY_NUMBER_SIZE];   /* "" when none */
	char opt[NA_MAX_OPTIONS][ACTIVITY_OPT_SIZE];   /* "" when none */
	long long kg_milli;
	int category;
	int scope;
	char gwp_set[ACTIVITY_GWP_SIZE];
	char factor_text[ACTIVITY_FACTOR_SIZE];
	char unit_text[ACTIVITY_UNIT_SIZE];
	char method_text[ACTIVITY_METHOD_TEXT_SIZE];
	const char *sources;                    /* arena */
	int provisional;
	char override_reason[ACTIVITY_NOTE_SIZE];   /* "" when none */
	int iso_category;                       /* 類別 1..6; 0: saved before it existed */
	int has_restated;                       /* a factor change's 重算值 beside its kept figures (a locked or published year) */
	long long restated_kg_milli;
	struct activity_quality q;              /* its gases, A1-A3 and intervals */
};

/*
 * The lines of a county-year by category, method and id, each passed to
 * each(ctx, row) (valid during the call; its sources in arena a); a non-zero
 * return stops the list.  0 or -1.
 */
int store_activity_list(struct db *db, int county_id, int year, struct arena *a,
			int (*each)(void *ctx, const struct activity_row *row), void *ctx);

/* A line as its form shows it again. */
struct activity_form {
	long long version;
	char method[ACTIVITY_METHOD_SIZE];
	char description[ACTIVITY_DESCRIPTION_SIZE];
	char note[ACTIVITY_NOTE_SIZE];
	char quantity[ACTIVITY_NUMBER_SIZE];
	char quantity2[ACTIVITY_NUMBER_SIZE];        /* "" when none */
	char opt[NA_MAX_OPTIONS][ACTIVITY_OPT_SIZE]; /* "" when none */
	char override_factor[ACTIVITY_NUMBER_SIZE];  /* "" when none */
	char override_reason[ACTIVITY_NOTE_SIZE];    /* "" when none */
	struct store_quality typed;                  /* what was typed: 0, "" and -1 keep the default */
	struct store_quality used;                   /* A1-A3 and AD in force at the save (0 / -1 none) */
};

/* Line `id` of the county-year into *out: 1 found, 0 not found, -1 error. */
int store_activity_get(struct db *db, long long id, int county_id, int year, struct activity_form *out);

/* The number of lines of the county-year, a locking read (the newest committed lines), into *n.  0 or -1. */
int store_activity_count(struct db *db, int county_id, int year, long long *n);

/* What the team typed, as stored: decimals as text, "" for an absent optional value. */
struct activity_text {
	const char *method;
	const char *description, *note;
	const char *quantity, *quantity2;
	const char *opt[NA_MAX_OPTIONS];
	const char *override_factor, *override_reason;
	/*
	 * The data quality (NULL: none): typed, what the team typed beside the
	 * line (0, "" and -1 stored as NULL: the default); used, the A1-A3 and
	 * the activity data's interval in force (the typed values, else the
	 * defaults; its texts are not stored).  Each gas's factor interval comes
	 * with the line (na_line.gas).
	 */
	const struct store_quality *typed, *used;
};

/*
 * A new line of the county-year: what was typed (t), what was computed
 * (line, with its kgCO2e in thousandths: kg_milli; its 類別 and gases from
 * line->iso_category and line->gas), by account `by`.  0
 * with *id set (when id is not NULL), or -1.
 */
int store_activity_insert(struct db *db, int county_id, int year, const struct activity_text *t, const struct na_line *line,
			  long long kg_milli, long long by, long long *id);

/*
 * Line `id` of the county-year and of method t->method, at `version`,
 * replaced (its version + 1): 1 changed, 0 when no such line is at that
 * version (changed or deleted meanwhile, or another county's), -1 error.
 */
int store_activity_update(struct db *db, long long id, long long version, int county_id, int year, const struct activity_text *t,
			  const struct na_line *line, long long kg_milli, long long by);

/* What a deleted line was, for the audit trail. */
struct activity_gone {
	char method[ACTIVITY_METHOD_SIZE];
	char description[ACTIVITY_DESCRIPTION_SIZE];
	long long kg_milli;
};

/*
 * Inside the caller's transaction: locks line `id` of the county-year at
 * `version` and deletes it, with what it was in *out.  1 deleted, 0 when
 * no such line is at that version, -1 error.
 */
int store_activity_delete(struct db *db, long long id, long long version, int county_id, int year, struct activity_gone *out);

/*
 * The lines of a county-year as the inventory's workbook lists them
 * (worker/export_inventory.c), by category, method and id: text as stored,
 * the options joined with " / ".  Each row (and its strings) is valid only
 * during the call; a non-zero return stops the list, and the function
 * returns that value.  0 or -1 otherwise.
 */
struct store_activity_workbook_row {
	int category;
	const char *method, *description, *note, *quantity, *unit, *quantity2, *options;
	const char *factor_text, *gwp_set, *method_text, *sources, *override_reason;
	long long kg_milli;
	struct activity_quality q;
	int provisional;           /* computed with a 暫用 factor */
};
int store_activity_each_workbook_row(struct db *db, int county, int year,
				     int (*each)(void *ctx, const struct store_activity_workbook_row *row), void *ctx);

#endif

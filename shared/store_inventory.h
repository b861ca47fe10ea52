/* store_inventory.h: the county inventory (清冊): its sums and trend, the stamp of the data
 * under its workbooks, and the rows they list. */
#ifndef CITYINV_STORE_INVENTORY_H
#define CITYINV_STORE_INVENTORY_H

#include "arena.h"
#include "db.h"
#include "report_status.h"

/*
 * Conventions.  A function returns 0, or -1 on a database error (db->errstr
 * set); a lookup returns 1 found, 0 not found, -1.  None begins or ends a
 * transaction.  The functions named _each_ stream their rows into a
 * callback: its row (and any string in it) is valid only during the call;
 * a callback returns non-zero to stop, and the function then returns that
 * value.  A sum that may not fit in 64 bits (a SUM() is a DECIMAL) is read
 * checked: `fits` is 0 when it did not, and the figure is then 0.
 */

/*
 * The agencies a county-year counts: with `lock` 0 the county's active
 * agencies as they are; with the year's lock (store_inventory_lock) the
 * agencies it was locked with, at their parents and levels then
 * (year_lock_agencies), whatever was done to the agencies since.  The
 * statements below that take a lock read the one or the other.
 */
/* The lock in force on the county-year (inventory_years.lock_id) into *lock, 0 none.  0 or -1. */
int store_inventory_lock(struct db *db, int county, int year, long long *lock);

/* The agencies' report lines of the county-year, summed by part, category, scope and 類別. */
struct store_inventory_agency_sum {
	const char *part;       /* "own", "outsourced" */
	const char *category;   /* a key of inv_category_keys (nonagency.h) */
	int scope;
	int iso;                /* ISO 14064-1 類別 1..6; 0 a line saved before 類別 existed (未分類) */
	long long milli;
	int provisional_lines;  /* of them, emission lines on a 暫用 factor, */
	long long provisional_milli;   /* and their sum */
	int fits;
};
int store_inventory_each_agency_sum(struct db *db, int county, int year, long long lock,
				    int (*each)(void *ctx, const struct store_inventory_agency_sum *row), void *ctx);

/* The county's non-agency lines of the year, by category (an index), scope and 類別: emissions and removals apart. */
struct store_inventory_nonagency_sum {
	int category, scope;
	int iso;                         /* 類別 1..6, 0 not computed (未分類) */
	long long emissions, removals;   /* removals <= 0 */
	int provisional_lines;           /* emission lines on a 暫用 factor, */
	long long provisional_milli;     /* and their sum */
	int fits;
};
int store_inventory_each_nonagency_sum(struct db *db, int county, int year,
				       int (*each)(void *ctx, const struct store_inventory_nonagency_sum *row), void *ctx);

/*
 * The own lines of the county's active agencies summed per gas
 * (report_line_gases): one row per gas present; then one row with gas NULL,
 * the own lines that have no gas rows (saved before the gases existed:
 * 未分氣體).  The rows add up to the own lines' sum.
 */
struct store_inventory_gas_sum {
	const char *gas;        /* a key of calc_gas_keys, or NULL: not split */
	long long milli;
	int fits;
};
int store_inventory_each_agency_gas(struct db *db, int county, int year, long long lock,
				    int (*each)(void *ctx, const struct store_inventory_gas_sum *row), void *ctx);

/*
 * The emissions of the county's non-agency lines (kg_milli > 0: removals
 * apart) per gas of county_activities (co2_milli ...), then the lines not yet
 * split (every gas NULL) as gas NULL; rows as above.
 */
int store_inventory_each_nonagency_gas(struct db *db, int county, int year,
				       int (*each)(void *ctx, const struct store_inventory_gas_sum *row), void *ctx);

/* The county's active agencies by level (levels beyond max_level counted as max_level). */
struct store_inventory_level {
	int level;
	int n_agencies;
	int n_status[REPORT_STATUS__MAX];   /* by enum report_status */
	int n_returned;                     /* of n_status[REPORT_DRAFT], those 登錄中（退回） */
	long long milli;        /* their own reports */
	int fits;
};
int store_inventory_each_level(struct db *db, int county, int year, long long lock, int max_level,
			       int (*each)(void *ctx, const struct store_inventory_level *row), void *ctx);

/*
 * The state of an agency's report and the version its figures come from
 * (docs/workflow.md): confirmed_version while 已確認 (0 otherwise), and
 * last_version, the newest version written (0: none).
 */
struct store_inventory_state {
	int status;                /* enum report_status */
	int returned;              /* 登錄中（退回） */
	int confirmed_version, last_version;
};

/* The largest emitters of the county-year (each agency's own report), largest first, at most 20. */
struct store_inventory_top {
	const char *code, *name;
	int level;
	long long milli;
	struct store_inventory_state state;
};
int store_inventory_each_top(struct db *db, int county, int year, long long lock,
			     int (*each)(void *ctx, const struct store_inventory_top *row), void *ctx);

/* The county's total of each year from first to last that has one (the agencies' and the non-agency emissions). */
struct store_inventory_trend {
	int year;
	long long milli;
	int fits;
};
int store_inventory_each_trend(struct db *db, int county, int first, int last,
			       int (*each)(void *ctx, const struct store_inventory_trend *row), void *ctx);

/*
 * The stamp of the data under the county's workbooks (its newest outbox row
 * — every agency change and every factor day's batch makes one —, its
 * non-agency lines, its agencies' contacts, and the states of its reports
 * (the factor table is not in it: the workbooks show the factors the
 * lines keep, not the table): 確認, 退回 and
 * 重新開放 make no outbox row but move the sum of last_version (a 確認
 * raises it) or of filed (the others lower it; only a save raises it
 * again)) and the quality job's last run (county_quality), as exports.stamp holds it (VARCHAR(200)): -1 also when it would
 * not fit there.
 */
#define STORE_INVENTORY_STAMP_MAX 200
int store_inventory_stamp(struct db *db, int county, char stamp[STORE_INVENTORY_STAMP_MAX + 1]);

/* The workbooks' rows (worker/export_inventory.c). */

/* The gases of report_line_gases, CO2 CH4 N2O HFCs PFCs SF6 NF3 (calc.h's CALC_GAS__MAX, checked in inventory_data.c). */
#define STORE_INVENTORY_GASES 7

/* An agency of the county and one line of its report (has_line 0: an agency without lines). */
struct store_inventory_line {
	long long agency;
	const char *code, *name;
	int level;
	const char *parent_code;   /* "" for a 一級 agency */
	struct store_inventory_state state;
	int has_line;
	const char *part, *item;
	long long quantity_milli;
	const char *factor_text, *gwp_set, *method, *sources;
	long long kg_milli;
	/* Issue 13 (SPEC-2 §2a-2c): 0s and -1s for a line saved before migration 0023. */
	int scope;                 /* report_lines.scope: 1, 2 (an outsourced line is 範疇三 whatever it holds) */
	int iso;                   /* 類別 1..6, 0 未分類 */
	int a1, a2, a3;            /* 1..3, 0 not set */
	int ad_lower, ad_upper;    /* the activity data's interval, thousandths of a percent; -1 none */
	int seq;                   /* report_lines.seq: the line's place among its item's */
	int provisional;           /* computed with a 暫用 factor */
	struct {
		int present;                  /* a report_line_gases row */
		long long milli;
		int ef_lower, ef_upper;       /* the factor's interval; -1 未評估 */
	} gas[STORE_INVENTORY_GASES];     /* in the order of calc_gas_keys */
};
/* A chunk of lines in memory: their strings live in `text` until the next read. */
struct store_inventory_lines {
	struct store_inventory_line *v;
	size_t n, cap;
	long long last;            /* the chunk's highest agency id, the next read's `after`; 0: no agency left */
	struct arena text;
};
void store_inventory_lines_init(struct store_inventory_lines *ls);
void store_inventory_lines_release(struct store_inventory_lines *ls);
/*
 * The lines of the next `limit` active agencies of the county whose id is
 * above `after` (keyset) into *ls, emptied first: one row per line, one
 * for an agency without lines, by agency id, then 委外 before 本身, by
 * item and seq (store_inventory_lines.c).  Three statements: inside a
 * transaction (REPEATABLE READ) they read one snapshot.  0 or -1.
 */
int store_inventory_read_lines(struct db *db, int county, int year, long long lock, long long after, int limit,
			       struct store_inventory_lines *ls);

/* An agency's (or subtree's) grade and uncertainty as the quality job last wrote them (quality_rollups). */
struct store_inventory_quality {
	int has;                       /* 0: not computed */
	int has_grade;                 /* 0: nothing covered */
	long long grade_hundredths;
	int grade;                     /* 1..3 */
	int assessed;                  /* 0: 未評估 */
	int lower_milli, upper_milli, assessed_bp;
};

/* An active agency of the county with its filing of the year (its contacts and its report's totals). */
struct store_inventory_filing {
	long long agency;
	const char *code, *name;
	int level;
	const char *parent_name;
	struct store_inventory_state state;
	const char *contact_name, *contact_phone, *contact_email;
	long long own_milli, outsourced_milli;
	struct store_inventory_quality own_q, subtree_q;   /* quality_rollups of its report, of its subtree */
};
/* The next `limit` agencies whose id is above `after`, by id. */
int store_inventory_each_filing(struct db *db, int county, int year, long long lock, long long after, int limit,
				int (*each)(void *ctx, const struct store_inventory_filing *row), void *ctx);

#endif

/* store_report.h: an agency's yearly report (reports, report_items, report_lines), what its pages list, and its save's writes. */
#ifndef CITYINV_STORE_REPORT_H
#define CITYINV_STORE_REPORT_H

#include "calc.h"
#include "db.h"

/*
 * Return conventions: 0 / -1 (database error, db->errstr set); a lookup
 * 1 found / 0 not found / -1.  A list calls each(ctx, row) per row (the row
 * is valid during the call only); a non-zero return stops it, and the list
 * returns 0.  Strings are fixed arrays sized by the schema's columns
 * (utf8mb4: four bytes a character).  The save's functions run inside the
 * caller's transaction (report_save.c owns it, its retries and its errors).
 */

/*
 * The enum report_status (report_status.h) of a reports row aliased `r`
 * in a LEFT JOIN (NULL id: 未登錄), as an SQL expression for the stores.
 */
#define STORE_REPORT_STATUS_SQL(r) \
	"IF(" r ".id IS NULL, 0, IF(" r ".confirmed_version IS NOT NULL, 3, IF(" r ".filed, 2, 1)))"

/*
 * Who acted on a report (returned_by, reopened_by: accounts), as the
 * agency's pages name them: the account's agency, or the county's team
 * ("連江縣盤查小組"), with its login.
 */
struct store_report_actor {
	char name[801];                     /* agencies.name VARCHAR(200); "" when nobody */
	char login[41];
	char at[20];                        /* YYYY-MM-DD HH:MM; "" when never */
};

/* A reports row, as the form shows it, with its state (docs/workflow.md). */
struct store_report {
	long long id;
	long long revision;                 /* the save counter (optimistic locking) */
	int filed;                          /* the agency's 已登錄完成 tick */
	char scope_text[4001];              /* VARCHAR(1000) */
	char outsourced_scope_text[4001];
	char updated_at[24];                /* YYYY-MM-DD HH:MM */
	long long own_total_milli;          /* as the last save computed them */
	long long outsourced_total_milli;
	int confirmed_version;              /* the version in force (已確認); 0: not confirmed */
	int last_version;                   /* the newest version written; 0: none */
	int returned;                       /* the 退回 flag (登錄中（退回）) */
	char return_comment[2001];          /* VARCHAR(500): the last 退回's, kept after the flag is cleared */
	struct store_report_actor returned_by;
	char correction_reason[2001];       /* the agency's pending 申請更正; "" when none */
	char correction_at[20];
	char reopen_reason[2001];           /* why it was reopened, until the next 確認; "" when not */
	struct store_report_actor reopened_by;
	int has_exclusions;                 /* any 排除之排放源 row (report_exclusions) */
};

/* The report of (agency_id, year): 1 found, 0 none, -1. */
int store_report_get(struct db *db, long long agency_id, int year, struct store_report *out);

/* A report of the agency waiting for it after a 退回 (its home page). */
struct store_report_returned {
	int year;
	char comment[2001];
	struct store_report_actor by;
};

/* The agency's returned reports (the flag set), newest year first: 0 or -1. */
int store_report_returned_each(struct db *db, long long agency_id,
			       int (*each)(void *ctx, const struct store_report_returned *row), void *ctx);

/*
 * The data-quality values of a line (SPEC-2 §2b, §2c; 0023_quality.sql).  In
 * a report_items row they are what the agency typed, NULL (a 0, "", -1
 * here) keeping the item's default; in a report_lines row and a default
 * they are the values in force, -1 being no interval (未評估).  Intervals are
 * magnitudes in thousandths of a percent (1.5 % -> 1500).
 */
struct store_quality {
	int a1, a2, a3;                     /* 1..3; 0: none (the default) */
	char dq_note[801];                  /* 數據可信度資訊說明, VARCHAR(200) */
	char dq_keeper[401];                /* 保存單位, VARCHAR(100) */
	int ad_lower_milli, ad_upper_milli; /* -1: none */
	char ad_basis[801];                 /* 依據, VARCHAR(200) */
};

/*
 * A line's notation key and 沿用 (SPEC-2 §2d, 0027_exclusions.sql): NE (not
 * estimated, text the reason) or IE (included elsewhere, text naming
 * where), with no quantity; or carried_from, the year whose real quantity
 * the line reuses (de minimis).  All empty: a plain line.
 */
enum store_notation_key { STORE_NOTATION_NONE, STORE_NOTATION_NE, STORE_NOTATION_IE };
struct store_notation {
	enum store_notation_key key;
	char text[1201];                    /* VARCHAR(300); "" when none */
	int carried_from;                   /* a year; 0: not carried */
};

/* "NE", "IE" ("" for none). */
extern const char *const store_notation_names[3];

/* A report_items row: one filled field of the form. */
struct store_report_item {
	enum calc_part part;
	char item[25];                      /* calc_items[].key, or "other" */
	int seq;
	char refrigerant[17];               /* "" when NULL */
	char name[401];                     /* "" when NULL */
	char unit[81];                      /* "" when NULL */
	int has_quantity;                   /* quantity_milli is not NULL */
	long long quantity_milli;
	struct store_quality q;             /* as typed: 0, "" and -1 where NULL */
	struct store_notation n;            /* NE / IE, 沿用 (0027) */
};

/* The items of report_id by part, item, seq: 0 or -1 (also when the rows could not all be read). */
int store_report_items(struct db *db, long long report_id,
		       int (*each)(void *ctx, const struct store_report_item *row), void *ctx);

/* ---- The save (inside the caller's transaction) ---- */

/* The state of a locked report row, as the save checks it. */
struct store_report_locked {
	long long id;
	long long revision;
	int filed;
	int confirmed_version;              /* 0: not confirmed */
};

/*
 * Locks the report row of (agency_id, year) FOR UPDATE: 1 with *out, 0 none
 * yet (*out zeroed), -1.  The save calls it after store_year_lock_state()
 * (the lock order of docs/workflow.md: inventory_years row, then reports row).
 */
int store_report_lock(struct db *db, long long agency_id, int year, struct store_report_locked *out);

/* What a save writes into the reports row. */
struct store_report_write {
	long long agency_id;
	int year;
	int filed;
	const char *scope_text;
	const char *outsourced_scope_text;
	long long own_total_milli;
	long long outsourced_total_milli;
	long long account_id;               /* updated_by */
	const char *save_token;             /* 32 hex characters (report_save.c) */
};

/*
 * The first revision of a report (revision 1): 0 with *id set, or -1;
 * db_err_duplicate() then says another save created it meanwhile.
 * filed_at is now when it is filed.
 */
int store_report_insert(struct db *db, const struct store_report_write *w, long long *id);
/*
 * The next revision of report `id`, whose revision is now `revision`: 0 or -1.
 * A row at another revision is left as it is (0): the save holds its lock.
 * filed_at becomes now when filed goes from 0 to 1, and is kept otherwise
 * (it is when the report was last filed: the wait for 確認 counts from it).
 */
int store_report_update(struct db *db, long long id, long long revision, const struct store_report_write *w);

/* Removes the items of report_id (the save writes them all again): 0 or -1. */
int store_report_items_clear(struct db *db, long long report_id);
/*
 * One item; refrigerant, name, unit NULL or "" store NULL; quantity_milli
 * NULL stores NULL; q NULL stores no quality values (0, "", -1 in q: NULL
 * each).  0 or -1.
 */
int store_report_item_add(struct db *db, long long report_id, enum calc_part part, const char *item, int seq,
			  const char *refrigerant, const char *name, const char *unit, const long long *quantity_milli,
			  const struct store_quality *q);
/*
 * Sets the notation of an item written by store_report_item_add (nt NULL
 * or all empty: nothing to do).  An item with a notation key has no
 * quantity; a carried one has one (the schema's checks).  0 or -1.
 */
int store_report_item_notation(struct db *db, long long report_id, enum calc_part part, const char *item, int seq,
			       const struct store_notation *nt);

/* ---- Exclusions (report_exclusions) ---- */

/* An excluded source of a report, with its reason. */
struct store_report_exclusion {
	long long agency_id;                /* in the county-wide list; the report's otherwise */
	int seq;                            /* 1.. in the form's order */
	char name[401];                     /* VARCHAR(100) */
	char reason[1201];                  /* VARCHAR(300) */
	char agency_name[801];              /* in the county-wide list; "" otherwise */
};

/* Removes the exclusions of report_id (the save writes them all again): 0 or -1. */
int store_report_exclusions_clear(struct db *db, long long report_id);
/* One exclusion (name and reason not empty: the form checks): 0 or -1. */
int store_report_exclusion_add(struct db *db, long long report_id, int seq, const char *name, const char *reason);
/* The exclusions of report_id by seq: 0 or -1. */
int store_report_exclusions(struct db *db, long long report_id,
			    int (*each)(void *ctx, const struct store_report_exclusion *row), void *ctx);

/*
 * For the inventory and the 報告書 (SPEC-2 §2d: "shown in the inventory and
 * 報告書"): every exclusion of the county-year's agency reports (the latest
 * saved data, as the rollups), by agency code then seq, agency_id set; of
 * the agencies the year counts (`lock`: store_inventory_lock).  0 or -1.
 */
int store_report_exclusions_county(struct db *db, int county_id, int year, long long lock,
				   int (*each)(void *ctx, const struct store_report_exclusion *row), void *ctx);

/* A marked or carried line of an agency's report, for the inventory and the 報告書. */
struct store_report_noted {
	long long agency_id;
	enum calc_part part;
	char item[25];                      /* calc_items[].key */
	int seq;
	char refrigerant[17];               /* "" when not a refrigerant */
	int has_quantity;
	long long quantity_milli;           /* the carried quantity (沿用) */
	struct store_notation n;
	char agency_name[801];              /* in the county-wide list; "" otherwise */
};

/* Every NE / IE / 沿用 line of the county-year's agency reports (the agencies the year counts, `lock`), by agency code, part, item, seq: 0 or -1. */
int store_report_noted_county(struct db *db, int county_id, int year, long long lock,
			      int (*each)(void *ctx, const struct store_report_noted *row), void *ctx);

/* Removes the computed lines of report_id: 0 or -1. */
int store_report_lines_clear(struct db *db, long long report_id);
/*
 * One computed line, with its quantity and kgCO2e in thousandths (the caller
 * checked they fit), its 類別 and the quality values in force q: 0 or -1.
 */
int store_report_line_add(struct db *db, long long report_id, const struct calc_line *l,
			  long long quantity_milli, long long kg_milli, const struct store_quality *q);
/*
 * The report_line_gases rows of lines[0..n) (after their report_lines rows):
 * one per present gas, its kgCO2e and its factor's interval (NULL when none),
 * a few rows per statement.  0, -1, or -2 when an amount does not fit (the
 * caller's calc_compute() excludes it; nothing is written in its place).
 * The rows go with their lines (ON DELETE CASCADE).
 */
int store_report_line_gases_add(struct db *db, long long report_id, const struct calc_line *lines, int n);

/* A report_line_gases row. */
struct store_report_gas {
	enum calc_part part;
	char item[25];
	int seq;
	enum calc_gas gas;
	long long kg_milli;
	int ef_lower_milli, ef_upper_milli; /* -1: NULL (未評估) */
};

/* The gases of report_id's lines by part, item, seq, gas: 0 or -1. */
int store_report_gases(struct db *db, long long report_id,
		       int (*each)(void *ctx, const struct store_report_gas *row), void *ctx);

/* A computed line as stored (report_lines), for the checks of what a save wrote. */
struct store_report_line {
	enum calc_part part;
	char item[25];
	int seq;
	int scope, iso_category;
	long long kg_milli;
	struct store_quality q;             /* the values in force */
};

/* The lines of report_id by part, item, seq: 0 or -1. */
int store_report_lines(struct db *db, long long report_id,
		       int (*each)(void *ctx, const struct store_report_line *row), void *ctx);

/*
 * A stored line's figures (report_lines) with one of its gases
 * (report_line_gases): what a confirmed or locked report shows.  Texts
 * valid during the callback.
 */
struct store_report_figure {
	enum calc_part part;
	const char *item;
	int seq;
	long long kg_milli;
	const char *factor_text, *gwp_set, *method, *sources;
	int provisional;
	int gas;                               /* enum calc_gas; -1: the line has no gas rows */
	long long gas_milli;
	int ci_lower_milli, ci_upper_milli;    /* the gas's interval; -1: 未評估 */
};

/* The stored lines of report_id, a row a line and gas, in no order: 0 or -1. */
int store_report_figures(struct db *db, long long report_id,
			 int (*each)(void *ctx, const struct store_report_figure *f), void *ctx);


/*
 * After a connection lost at COMMIT: does the report of (agency_id, year)
 * carry `token` (so that save was committed)?  1 yes, 0 no (or no report), -1.
 */
int store_report_token_is(struct db *db, long long agency_id, int year, const char *token);

#endif

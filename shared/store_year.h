/* store_year.h: the inventory years (inventory_years), per county and for the platform: open, deadline, publication, lock. */
#ifndef CITYINV_STORE_YEAR_H
#define CITYINV_STORE_YEAR_H

#include "calc.h"
#include "db.h"

/*
 * The first and last year any county has (the years the platform serves):
 * 0 with both set, 1 when there are none, -1 on a database error.
 */
int store_year_span(struct db *db, int *first, int *last);

/*
 * A county's years (the team's 年度管理).  Return conventions: a lookup
 * returns 1 found / 0 not found / -1 on a database error (db->errstr set);
 * anything else 0 / -1.
 */

/* Is `year` one of county_id's years?  1 / 0 / -1. */
int store_year_exists(struct db *db, int county_id, int year);

/*
 * Opens or closes county_id's `year` and sets its deadline (YYYY-MM-DD, or ""
 * for none); *changed tells whether the row was different before.  0 / -1.
 */
int store_year_set(struct db *db, int county_id, int year, int is_open, const char *deadline, int *changed);

/*
 * Sets N of the team's waiting list (confirm_within_days, 1 to 365: the
 * caller checked it) of county_id's `year`; *changed tells whether it was
 * different before.  0 / -1.
 */
int store_year_set_confirm_within(struct db *db, int county_id, int year, int days, int *changed);

/* One of a county's years, as 年度管理 lists it. */
struct store_year_row {
	int year;
	int is_open;
	char deadline[11];          /* YYYY-MM-DD, "" when none */
	int confirm_within_days;
	int published;
	long long lock_id;          /* the 年度鎖定 in force, 0 when not locked; then: */
	char locked_at[17];         /* YYYY-MM-DD HH:MM */
	char locked_by[41];         /* the account's login */
	int exceptions;             /* agencies locked without being 已確認 */
	enum calc_elec elec;        /* the electricity variant the county chose for the year */
};

/* county_id's years, latest first, each passed to each(ctx, row) (non-zero stops).  0 / -1. */
int store_year_each_of_county(struct db *db, int county_id, int (*each)(void *ctx, const struct store_year_row *row), void *ctx);

/*
 * The county's inventory year as an agency's report pages show it.
 * locked: the county-year is locked (年度鎖定; a plain read for the page:
 * a change asks store_year_lock_state() in its transaction).
 * status, returned, return_comment: in store_year_report_each only, the
 * agency's report of that year: its enum report_status (report_status.h:
 * 0 未登錄, 1 登錄中, 2 已登錄完成, 3 已確認), its 退回 flag and the comment
 * of that 退回 ("" when the flag is not set).
 */
struct store_year_report {
	int year;
	int is_open;
	char deadline[40];                  /* "114年6月30日", or "" */
	int locked;
	int status;
	int returned;
	char return_comment[2001];          /* reports.return_comment VARCHAR(500) */
	enum calc_elec elec;                /* the county's electricity variant of the year (store_year_report_get) */
};

/*
 * What a save computed with must still hold when it writes, read inside its
 * transaction in share mode (the county-year's row, then every factor row):
 * the year's lock, the county's electricity variant, and the factors' stamp
 * (store_factor_stamp).  A factor day's run writes the factor, or the
 * variant, only after such a save has committed; a save that finds another
 * variant or stamp than it computed with computes again.  1 / 0 no such
 * county-year / -1.
 */
struct store_year_basis {
	int locked;
	enum calc_elec elec;
	char factors[64];
};
int store_year_save_basis(struct db *db, int county_id, int year, struct store_year_basis *out);
/* Whether `now` (store_year_save_basis) is not what a save computed with: the variant elec, the factors' stamp. */
int store_year_basis_moved(const struct store_year_basis *now, enum calc_elec elec, const char *factors);

/* The county's year row: 1 found, 0 not one of its years, -1. */
int store_year_report_get(struct db *db, int county_id, int year, struct store_year_report *out);
/* The county's years, newest first, each with the agency's report status (non-zero stops): 0 or -1. */
int store_year_report_each(struct db *db, long long agency_id, int county_id,
			   int (*each)(void *ctx, const struct store_year_report *row), void *ctx);

/*
 * Publication and 年度鎖定: a county-year's inventory is published
 * (published_at) by the team once the year is locked (lock_id), and
 * withdrawn again; while it is locked or published its non-agency lines
 * are read-only, and a published year cannot be unlocked.  Whoever writes
 * one of these, or a non-agency line, takes the county-year's row FOR
 * UPDATE first and reads its state under that lock (store_year_lock_row),
 * inside the caller's transaction, so none slips in between another's
 * check and its write.
 */

/* The county-year's state in inventory_years. */
struct store_year_state {
	int is_open;
	int published;
	char published_at[20];  /* "YYYY-MM-DD HH:MM", "" when not published */
	int locked;             /* 年度鎖定 in force */
	long long lock_id;      /* its year_locks.id, 0 when not locked */
	enum calc_elec elec;    /* the electricity variant the county chose for the year */
};
/* A plain read (a page's): 1 found, 0 the county has no such year, -1. */
int store_year_get_state(struct db *db, int county, int year, struct store_year_state *out);
/*
 * Inside the caller's transaction: locks the county-year's row FOR UPDATE
 * until the transaction ends and reads its state under that lock (the one
 * a change relies on).  1 found, 0 no such county-year (*out zeroed), -1.
 */
int store_year_lock_row(struct db *db, int county, int year, struct store_year_state *out);
/* Publishes the county-year now, by `account`.  0 / -1. */
int store_year_publish(struct db *db, int county, int year, long long account);
/* Withdraws the county-year's publication.  0 / -1. */
int store_year_withdraw(struct db *db, int county, int year);

/*
 * Is the county-year published?  1 published, 0 not (or no such
 * county-year), -1 error.  A plain read: the answer may change at once;
 * store_year_lock_row() is the one a change relies on.
 */
int store_year_is_published(struct db *db, int county_id, int year);

/*
 * 年度鎖定 (docs/workflow.md): inside the caller's transaction, takes the
 * county-year's row in share mode (so a 年度鎖定, which takes it FOR
 * UPDATE, waits for the transaction and is waited for) and reads whether
 * it is locked into *locked.  Every change the lock forbids (a save, 確認,
 * 退回, 重新開放, 申請更正) calls this first, before it locks the report.
 * 1 found, 0 no such county-year (*locked 0), -1 error.
 */
int store_year_lock_state(struct db *db, int county_id, int year, int *locked);

/* The county's published years, in no order: 0, -1, or the non-zero value of an each() that stopped it. */
int store_year_each_published_of_county(struct db *db, int county, int (*each)(void *ctx, int year), void *ctx);

/* A published county-year, for 公開資訊's list. */
struct store_year_published {
	const char *letter, *county_name;
	int year;
	const char *published_on;   /* "YYYY-MM-DD" */
	long long total_milli;      /* the county's stored rollup (0 before the first) */
};
/* Every published county-year, the latest year first: 0, -1, or the non-zero value of an each() that stopped it. */
int store_year_each_published(struct db *db, int (*each)(void *ctx, const struct store_year_published *row), void *ctx);

/* A county-year whose inventory is published (the home page's 縣市成果展現). */
struct store_year_latest {
	char letter[2];
	char county[16 * 4 + 1];            /* counties.name: VARCHAR(16) */
	int year;
};
/*
 * The twelve latest published county-years (latest year first, then by
 * county), each passed to each(ctx, p) (valid during the call; non-zero
 * stops).  0 or -1.
 */
int store_year_latest_published(struct db *db, int (*each)(void *ctx, const struct store_year_latest *p), void *ctx);

#endif

/* store_workflow.h: a report's 確認 / 退回 / 重新開放 / 申請更正 and its immutable versions (docs/workflow.md). */
#ifndef CITYINV_STORE_WORKFLOW_H
#define CITYINV_STORE_WORKFLOW_H

#include "calc.h"
#include "db.h"
#include "store_report.h"

/*
 * DESIGN: each transition runs inside the caller's transaction (the page
 * owns it, its retries and its audit lines), begins by locking the reports
 * row FOR UPDATE and checks, on the locked row, the state it needs; a
 * refused transition writes nothing.  A version (report_versions and its
 * items and lines, copied with INSERT ... SELECT from the live rows) is
 * written only by store_workflow_confirm(); the schema's triggers refuse
 * any UPDATE or DELETE of it.
 *
 * NOT HERE: who may act.  The store does not know the account's role or
 * its place in the agency tree; the pages check that (the direct parent,
 * or the county team for a 一級 agency) before calling, in the same
 * transaction.  Nor the county lock (年度鎖定), nor the audit trail.
 *
 * Return conventions: the transitions return an enum store_workflow_result
 * (STORE_WORKFLOW_ERROR is a database error, db->errstr set); the others 0 /
 * -1.  A list calls each(ctx, row) per row (the row is valid during the
 * call only); a non-zero return stops it, and the list returns 0.
 */
enum store_workflow_result {
	STORE_WORKFLOW_ERROR = -1,
	STORE_WORKFLOW_OK = 0,
	STORE_WORKFLOW_NOT_FOUND,          /* no such report */
	STORE_WORKFLOW_STALE,              /* its revision is not the one the page showed (409) */
	STORE_WORKFLOW_NOT_FILED,          /* filed = 0: not 已登錄完成 */
	STORE_WORKFLOW_ALREADY_CONFIRMED,  /* confirmed_version is set: 已確認 */
	STORE_WORKFLOW_NOT_CONFIRMED,      /* reopen or 申請更正 of a report that is not 已確認 */
	STORE_WORKFLOW_RECALC_DUE,         /* 確認 of figures the unlock's run is to rewrite (store_fd_unlock_due_for) */
	STORE_WORKFLOW__MAX
};

/* A word for the logs (not for users); never NULL. */
const char *store_workflow_strerror(enum store_workflow_result r);

/*
 * 確認: report_id must be filed, not confirmed, at expected_revision.
 * Writes version last_version + 1 (the report, its items with their typed
 * quality values, its lines with their 類別, quality values and gases, who
 * and when, and the reopen_* of the reopening before it), sets
 * confirmed_version and last_version to it and clears reopen_*.
 * STORE_WORKFLOW_RECALC_DUE: a factor change held it back while its year was
 * locked, and the run of the year's unlocking has not yet written it.
 * *version_no is set on STORE_WORKFLOW_OK only.
 */
enum store_workflow_result store_workflow_confirm(struct db *db, long long report_id, long long expected_revision,
						  long long account_id, int *version_no);

/*
 * 退回: report_id must be filed, not confirmed, at expected_revision.
 * Sets filed = 0, returned = 1, return_comment (the page checked it is
 * not empty and at most 500 characters), returned_at and returned_by,
 * and moves the revision on: a form the agency opened before the 退回 is
 * stale (409), so its next save is made from a page that shows the
 * comment, never one that files the report again without it being seen.
 */
enum store_workflow_result store_workflow_return(struct db *db, long long report_id, long long expected_revision,
						 long long account_id, const char *comment);

/*
 * 重新開放: report_id must be confirmed.  Sets confirmed_version NULL and
 * filed = 0, keeps last_version (the version shown beside the live total),
 * records reason, account and time in reopen_* (the next 確認 copies them
 * into its version) and clears a pending correction_reason (the parent
 * has acted on it).  Moves the revision on, as 退回 does: a form opened
 * before the report was confirmed (confirming keeps the revision) must
 * not be saved over the reopened report as if nothing had happened.
 */
enum store_workflow_result store_workflow_reopen(struct db *db, long long report_id, long long account_id,
						 const char *reason);

/*
 * 申請更正 by the agency: report_id must be confirmed.  Sets
 * correction_reason and correction_at (a second request replaces the
 * first) until the parent reopens it.
 */
enum store_workflow_result store_workflow_request_correction(struct db *db, long long report_id, const char *reason);

/*
 * For the agency's save, once its write is done, in its transaction: the
 * save clears the 退回 flag (returned = 0).  The comment, returned_at and
 * returned_by are kept as the record of the last 退回.  0 or -1.
 * (report_save.c calls it; store_report_update() sets filed_at.)
 */
int store_workflow_clear_return(struct db *db, long long report_id);

/* One version of a report, for the list (who / when / why). */
struct store_workflow_version {
	int version_no;
	long long revision;                 /* the revision confirmed */
	long long own_total_milli;
	long long outsourced_total_milli;
	long long confirmed_by;
	char confirmed_by_login[41];        /* accounts.login */
	char confirmed_by_name[801];        /* its agency's name, or "<county>盤查小組" (its login for an admin) */
	char confirmed_at[20];              /* YYYY-MM-DD HH:MM:SS */
	char reopen_reason[2001];           /* VARCHAR(500); "" for version 1 */
	long long reopened_by;              /* 0 when none */
	char reopened_by_login[41];         /* "" when none */
	char reopened_by_name[801];         /* as confirmed_by_name; "" when none */
	char reopened_at[20];               /* "" when none */
};

/* The versions of report_id, oldest first: 0 or -1. */
int store_workflow_versions(struct db *db, long long report_id,
			    int (*each)(void *ctx, const struct store_workflow_version *row), void *ctx);

/* One line of a version (a copy of a report_lines row), for the diff. */
struct store_workflow_line {
	enum calc_part part;
	char item[25];
	int seq;
	char category[16];                  /* calc_category_keys[] */
	int scope;
	long long quantity_milli;
	long long kg_milli;
	char factor_text[65];
	char gwp_set[9];
	char method[2401];                  /* VARCHAR(600) */
	char sources[4001];                 /* VARCHAR(1000) */
	int provisional;
	char refrigerant[17];               /* the version's item's refrigerant code; "" for other items */
	int iso_category;                   /* 類別 1..6; 0: a line stored before 類別 existed */
	int a1, a2, a3;                     /* in force at the save; 0: none */
	int ad_lower_milli, ad_upper_milli; /* the activity data's interval; -1: none */
	char ad_basis[801];
	char dq_note[801];
	/*
	 * Its gases (report_version_line_gases) as one comparable text, by gas:
	 * "CO2:4940000:7000/7000 CH4:1400:-/-" (kg_milli, the factor's interval or -).
	 */
	char gases[512];
};

/* The lines of version_no of report_id by part, item, seq (none when there is no such version): 0 or -1. */
int store_workflow_version_lines(struct db *db, long long report_id, int version_no,
				 int (*each)(void *ctx, const struct store_workflow_line *row), void *ctx);

/* The exclusions of version_no of report_id by seq (agency_id 0): 0 or -1. */
int store_workflow_version_exclusions(struct db *db, long long report_id, int version_no,
				      int (*each)(void *ctx, const struct store_report_exclusion *row), void *ctx);
/* The NE / IE / 沿用 items of version_no of report_id by part, item, seq (agency_id 0): 0 or -1. */
int store_workflow_version_noted(struct db *db, long long report_id, int version_no,
				 int (*each)(void *ctx, const struct store_report_noted *row), void *ctx);

#endif

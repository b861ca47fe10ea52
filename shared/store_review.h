/* store_review.h: what 所屬機關填報確認 reads and locks: who may see or act on an agency, the county-year stamp, the subtree, its totals and its reports' states. */
#ifndef CITYINV_STORE_REVIEW_H
#define CITYINV_STORE_REVIEW_H

#include "arena.h"
#include "db.h"

/*
 * Return conventions: 0 / -1 (database error, db->errstr set); a lookup
 * 1 found / 0 not found / -1.  A list calls each(ctx, row) per row (valid
 * during the call only); a non-zero return stops it, and the list returns 0.
 * These read agencies, agency_tree, rollups, county_rollups, reports and
 * the outbox, whose writers are other stores': they are here because the
 * review asks them in its own way.  The transitions themselves (確認, 退回,
 * 重新開放) are store_workflow's; the two locking reads below are what the
 * review's actions take before them, inside the same transaction.
 */

/* Is ancestor_id one of descendant_id's ancestors (or itself)?  1, 0, -1. */
int store_review_is_ancestor(struct db *db, long long ancestor_id, long long descendant_id);
/* Is agency_id in county_id?  1, 0, -1. */
int store_review_in_county(struct db *db, long long agency_id, int county_id);

/* An agency's name, level and place (agencies). */
struct store_review_agency {
	char name[801];                     /* VARCHAR(200) utf8mb4 */
	int level;
	long long parent_id;                /* 0 for a 一級 agency */
	int county_id;
};

/* 1 found, 0 no such agency, -1. */
int store_review_agency(struct db *db, long long agency_id, struct store_review_agency *out);

/*
 * The county-year stamp of county_id (page_review.c's DESIGN): the newest
 * outbox row, the rollups and quality runs committed, and the county-year's
 * 年度鎖定 (inventory_years.lock_id: a new lock row each time it is locked).
 * served: `year` is one of county_id's inventory years.  An agency of
 * another county is not found.
 */
struct store_review_stamp {
	int served;
	long long last_outbox;
	long long rollups;                  /* quality_queue.requests: one a rollup that changed something */
	long long quality_runs;             /* quality_queue.runs: one a quality run that wrote figures */
	long long lock_id;                  /* 0: the county-year is not locked */
	int quality_pending;                /* the quality job has requests not yet in the figures */
};

/* 1 with *out set, 0 no such agency (out->served still set), -1. */
int store_review_stamp(struct db *db, int county_id, long long agency_id, int year, struct store_review_stamp *out);
/* The same for the county as a whole (the team's list of its 一級 agencies): 0 or -1. */
int store_review_stamp_county(struct db *db, int county_id, int year, struct store_review_stamp *out);

/*
 * The session of `token` (store_session_find) and, in the same statement, the
 * stamp the review page of (agency_id, year) reads first: that of
 * store_review_stamp(county of the account, agency_id or, when 0, the
 * account's own agency), or for the team with agency_id 0
 * store_review_stamp_county; *found as they return it.  1 session found
 * (*sess, *stamp, *found set), 0 none, -1.
 */
struct store_session;
int store_review_session(struct db *db, const char *token, long long agency_id, int year, struct arena *a,
			 struct store_session *sess, struct store_review_stamp *stamp, int *found);

/* One step of the breadcrumb. */
struct store_review_crumb {
	long long id;
	char name[801];
};

/*
 * The ancestors of agency_id (itself included), the top first; with
 * viewer_agency_id non-zero only those within the viewer's subtree (an
 * agency sees from itself down; the county team, 0, sees from the top).  0 or -1.
 */
int store_review_trail(struct db *db, long long agency_id, long long viewer_agency_id,
		       int (*each)(void *ctx, const struct store_review_crumb *row), void *ctx);

/* At most this many agencies with pending work are listed (a county has at most 20,000). */
#define STORE_REVIEW_PENDING_MAX 20000

/*
 * The agencies whose subtree total still waits for the worker in the
 * county-year: every ancestor of an agency with an unfinished outbox row;
 * 0 stands for the whole county (a row naming no agency).  *ids in the
 * arena, *n of them: at most STORE_REVIEW_PENDING_MAX + 1 (more means all).  0 or -1.
 */
int store_review_pending(struct db *db, int county_id, int year, struct arena *a, long long **ids, int *n);

/* The state of an agency's report of a year (docs/workflow.md), as the review shows and acts on it. */
struct store_review_state {
	int status;                         /* enum report_status: 0 未登錄 1 登錄中 2 已登錄完成 3 已確認 */
	int returned;                       /* the 退回 flag: 登錄中（退回） */
	long long revision;                 /* the save counter the forms carry back; 0 without a report */
	int confirmed_version;              /* the version in force; 0 when not confirmed */
	char return_comment[2001];          /* VARCHAR(500): the last 退回's, "" */
	char correction_reason[2001];       /* a pending 申請更正, "" when none */
	char correction_at[20];             /* YYYY-MM-DD HH:MM:SS, "" */
	int held_back;                      /* a factor change held it back while its year was locked (restated_change_id) */
};

/* agency_id's report of `year` into *out (status 0 when it has none): 1, 0 no such agency, -1. */
int store_review_report_state(struct db *db, long long agency_id, int year, struct store_review_state *out);

/* The data-quality grade and uncertainty of a subtree as the quality job last wrote them (quality_rollups). */
struct store_review_quality {
	int has;                            /* 0: not computed yet */
	int has_grade;                      /* 0: nothing covered */
	long long grade_hundredths;
	int grade;                          /* 1..3 */
	int assessed;                       /* 0: 未評估 */
	int lower_milli, upper_milli;       /* thousandths of a percent */
	int assessed_bp;
	int uncovered_lines;                /* saved before 0023: in no grade */
};

/* One active child of the agency, with its subtree totals and its report's state. */
struct store_review_child {
	long long id;
	char name[801];
	long long subtree_milli;            /* 0 when not computed yet */
	long long subtree_outsourced_milli;
	char computed_at[24];               /* YYYY-MM-DD HH:MM:SS, or "" */
	int uncounted;                      /* a report with no rollup row yet */
	int has_children;                   /* active children of its own */
	struct store_review_state st;
	struct store_review_quality q;      /* the subtree's grade and uncertainty */
	long long own_total_milli;          /* its own report's total (0 without one) */
	int has_restated;                   /* its report has a 重算值 (factor day) beside its confirmed figures */
	long long restated_own_milli;
};

/*
 * The active children of agency_id by code, for `year`; agency_id 0: the
 * active 一級 agencies (no parent) of county_id.  0 or -1.
 */
int store_review_children(struct db *db, int county_id, long long agency_id, int year,
			  int (*each)(void *ctx, const struct store_review_child *row), void *ctx);

/*
 * For an action (確認, 退回, 重新開放), inside the caller's transaction,
 * after store_year_lock_state() (the lock order: the inventory_years row,
 * the agency, the report).
 *
 * The agency's place, read in share mode so that a move of it (the team's
 * 機關管理) waits for the action or the action for the move: who may act
 * is decided on what is committed.  1 found, 0 no such agency, -1.
 */
struct store_review_subject {
	int county_id;
	long long parent_id;                /* 0 for a 一級 agency */
	int active;
};
int store_review_subject(struct db *db, long long agency_id, struct store_review_subject *out);

/*
 * Locks agency_id's report of `year` (FOR UPDATE, as store_workflow does
 * after it) and reads its id and revision, to compare with the revision
 * the page showed.  1 found, 0 no report, -1.
 */
int store_review_lock_report(struct db *db, long long agency_id, int year, long long *report_id, long long *revision);

#endif

/* store_review.h: what 所屬機關填報確認 reads: who may see an agency, the county-year stamp, the subtree and its totals. */
#ifndef CITYINV_STORE_REVIEW_H
#define CITYINV_STORE_REVIEW_H

#include "arena.h"
#include "db.h"

/*
 * Return conventions: 0 / -1 (database error, db->errstr set); a lookup
 * 1 found / 0 not found / -1.  A list calls each(ctx, row) per row (valid
 * during the call only); a non-zero return stops it, and the list returns 0.
 * These read agencies, agency_tree, rollups, county_rollups and the outbox,
 * whose writers are other stores': they are here because the review asks
 * them in its own way.
 */

/* Is ancestor_id one of descendant_id's ancestors (or itself)?  1, 0, -1. */
int store_review_is_ancestor(struct db *db, long long ancestor_id, long long descendant_id);
/* Is agency_id in county_id?  1, 0, -1. */
int store_review_in_county(struct db *db, long long agency_id, int county_id);

/* An agency's name and level (agencies). */
struct store_review_agency {
	char name[801];                     /* VARCHAR(200) utf8mb4 */
	int level;
};

/* 1 found, 0 no such agency, -1. */
int store_review_agency(struct db *db, long long agency_id, struct store_review_agency *out);

/*
 * The county-year stamp of agency_id's county (page_review.c's DESIGN):
 * the newest outbox row, the number still pending, the county total's
 * computed_at.  served: `year` is one of county_id's inventory years
 * (whether or not the agency exists).
 */
struct store_review_stamp {
	int served;
	long long county_id;                /* the agency's county (0 when no such agency) */
	long long last_outbox;
	long long pending;
	char computed_at[32];               /* YYYYMMDDHHMMSSffffff, or "-" */
};

/* 1 with *out set, 0 no such agency (out->served still set), -1. */
int store_review_stamp(struct db *db, int county_id, long long agency_id, int year, struct store_review_stamp *out);

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
 * The agencies whose subtree total still waits for the worker in agency_id's
 * county-year: every ancestor of an agency with an unfinished outbox row;
 * 0 stands for the whole county (a row naming no agency).  *ids in the
 * arena, *n of them: at most STORE_REVIEW_PENDING_MAX + 1 (more means all).  0 or -1.
 */
int store_review_pending(struct db *db, long long agency_id, int year, struct arena *a, long long **ids, int *n);

/* One active child of the agency, with its subtree totals and its report's status. */
struct store_review_child {
	long long id;
	char name[801];
	long long subtree_milli;            /* 0 when not computed yet */
	long long subtree_outsourced_milli;
	int status;                         /* 0 未登錄, 1 登錄中, 2 已登錄完成 */
	char computed_at[24];               /* YYYY-MM-DD HH:MM:SS, or "" */
	int uncounted;                      /* a report with no rollup row yet */
	int has_children;                   /* active children of its own */
};

/* The active children of agency_id by code, for `year`: 0 or -1. */
int store_review_children(struct db *db, long long agency_id, int year,
			  int (*each)(void *ctx, const struct store_review_child *row), void *ctx);

#endif

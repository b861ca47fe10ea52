/* store_agency.h: a county's agencies and their tree (agencies, agency_tree) as 機關管理 and the import need them, and their contacts. */
#ifndef CITYINV_STORE_AGENCY_H
#define CITYINV_STORE_AGENCY_H

#include "arena.h"
#include "db.h"

/*
 * DESIGN: every writer of a county's agencies (create, edit, move,
 * deactivate, import) runs in one transaction of its caller that first
 * takes store_agency_lock_county(), so what it checked (the parent's level,
 * no cycle, the count) holds until it commits.  The functions here never
 * begin, commit or roll back; a unique key that refuses a row (a code or a
 * login already taken) is -1 with db_err_duplicate() true, for the caller
 * to say so beside the field.  Returns: 0 / -1 (database error, db->errstr
 * set); a lookup 1 found / 0 not found / -1.
 */

#define STORE_AGENCY_CODE_MAX 20     /* agencies.code: VARCHAR(20) ascii */
#define STORE_AGENCY_NAME_BYTES 800  /* agencies.name: VARCHAR(200) utf8mb4 */

/* One agency as the pages show it. */
struct store_agency {
	long long id;
	char code[STORE_AGENCY_CODE_MAX + 1];
	char name[STORE_AGENCY_NAME_BYTES + 1];
	int level;                                   /* 1 = 一級 */
	char parent_code[STORE_AGENCY_CODE_MAX + 1]; /* "" for 一級 */
	int active;
};

/* Each row handed to a lister; non-zero stops the list (the lister returns 0 then). */
typedef int (*store_agency_each_fn)(void *ctx, const struct store_agency *a);

/*
 * Locks the county's row (SELECT ... FOR UPDATE) inside the caller's
 * transaction: the first statement of every writer of its agencies.  0 or
 * -1.
 */
int store_agency_lock_county(struct db *db, int county_id);

/*
 * The county's agencies for 機關管理: active first, by level and code, at
 * most 5000.  Fills id, code, name, level, parent_code, active.  0 (each
 * may have stopped it) or -1.
 */
int store_agency_list(struct db *db, int county_id, store_agency_each_fn each, void *ctx);
/* Every agency of the county, in no order (the import's plan): id, code, name, parent_code, active.  0 or -1. */
int store_agency_each(struct db *db, int county_id, store_agency_each_fn each, void *ctx);

/* Agency `id` of the county, active or not: fills level, active, code and name (and id).  1, 0, -1. */
int store_agency_state(struct db *db, int county_id, long long id, struct store_agency *out);
/*
 * Active agency `id` of the county: fills code and name (and id); with
 * for_update its row stays locked until the caller's transaction ends.
 * 1, 0, -1.
 */
int store_agency_get_active(struct db *db, int county_id, long long id, int for_update, struct store_agency *out);
/* The active agency whose code is `code` in the county: *id and *level.  1, 0, -1. */
int store_agency_by_code(struct db *db, int county_id, const char *code, long long *id, int *level);
/* How many agencies the county has, active or not, into *n.  0 or -1. */
int store_agency_count(struct db *db, int county_id, long long *n);

/*
 * A new agency (the agency_tree trigger adds its closure rows): *id is its
 * id.  parent_id 0 makes it 一級; level must then be 1.  A code the county
 * already has: -1 with db_err_duplicate().  0 or -1.
 */
int store_agency_create(struct db *db, int county_id, const char *code, const char *name, int level, long long parent_id,
			long long *id);
/* Sets agency `id`'s code and name: 0, or -1 (a code another agency of its county has: db_err_duplicate()). */
int store_agency_rename(struct db *db, long long id, const char *code, const char *name);
/* Sets agency `id`'s name only (the import, which never changes a code).  0 or -1. */
int store_agency_set_name(struct db *db, long long id, const char *name);

/* Is agency `descendant` inside `ancestor`'s subtree (itself included)?  1, 0, -1. */
int store_agency_in_subtree(struct db *db, long long ancestor, long long descendant);
/*
 * The first locked year (0: none) in which agency x has a report, into
 * *year: its figures are signed.  Read locking: a lock being taken is
 * waited for, and one taken after cannot miss what follows.  0 or -1.
 */
int store_agency_locked_report_year(struct db *db, long long x, int *year);
/* How many active agencies are directly under x into *n.  0 or -1. */
int store_agency_active_children(struct db *db, long long x, long long *n);
/* The depth of agency x's subtree below it (0 for a leaf or no agency) into *height.  0 or -1. */
int store_agency_height(struct db *db, long long x, int *height);
/*
 * Moves agency x under p (0: makes it 一級) at `level`: the closure rows
 * from ancestors outside x's subtree to the subtree go, the new ones come,
 * and the subtree's levels follow.  The caller has made sure p is not
 * inside x's subtree and that the deepest agency stays within the bound.
 * 0 or -1.
 */
int store_agency_set_parent(struct db *db, long long x, long long p, int level);
/* Agency `id` inactive (its history stays; store_session_delete_agency() ends its account's sessions).  0 or -1. */
int store_agency_deactivate(struct db *db, long long id);

/*
 * 帳號維護: the agency's full name and its contact (full_name falls back to
 * name; absent values are "").  Strings in the caller's arena.
 */
struct store_agency_contact {
	const char *full_name;
	const char *contact_name;
	const char *contact_phone;
	const char *contact_fax;
	const char *contact_email;
};

/* The contact of agency `agency_id`: 1 / 0 / -1. */
int store_agency_contact_get(struct db *db, long long agency_id, struct arena *a, struct store_agency_contact *out);

/* Writes it (an empty fax is NULL) and stamps contact_updated_at.  0 / -1. */
int store_agency_contact_set(struct db *db, long long agency_id, const struct store_agency_contact *c);

#endif

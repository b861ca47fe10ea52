/* store_audit.h: the audit trail (audit_log): who changed what, when, from where; and an agency's year read back. */
#ifndef CITYINV_STORE_AUDIT_H
#define CITYINV_STORE_AUDIT_H

#include "db.h"

/*
 * One line of the trail.  It is written inside the caller's transaction,
 * so a change and its line commit together.  An empty or NULL old/new
 * value is stored as NULL.
 */
struct store_audit_entry {
	long long account_id;       /* who; 0: nobody logged in, or the system (factor day): NULL */
	long long agency_id;        /* the agency changed; 0: none (store_audit_add) */
	int county_id;              /* the county changed (store_audit_add_county) */
	int year;                   /* 0: none (store_audit_add) */
	const char *field;
	const char *old_value;
	const char *new_value;
	const char *client_addr;    /* NULL: "" */
};

/* A change of one agency (or of none): county_id is not used.  0 / -1. */
int store_audit_add(struct db *db, const struct store_audit_entry *e);

/* A change of a county as a whole (the team's non-agency lines, publication): agency_id is not used.  0 / -1. */
int store_audit_add_county(struct db *db, const struct store_audit_entry *e);

/* One line of the trail of an agency's year as 修改紀錄 shows it (joined with the account's login). */
struct store_audit_change {
	char at[24];                        /* YYYY-MM-DD HH:MM:SS */
	char login[41];                     /* ascii; "" when nobody was logged in */
	char field[257];
	char old_value[4001];               /* "" when NULL */
	char new_value[4001];
	char client_addr[46];
};

/*
 * The newest 500 changes of (agency_id, year), newest first, each passed
 * to each(ctx, row) (valid during the call; non-zero stops): 0 or -1.
 */
int store_audit_history(struct db *db, long long agency_id, int year,
			int (*each)(void *ctx, const struct store_audit_change *row), void *ctx);

#endif

/* store_audit.h: the audit trail (audit_log): who changed what, when, from where. */
#ifndef CITYINV_STORE_AUDIT_H
#define CITYINV_STORE_AUDIT_H

#include "db.h"

/*
 * One line of the trail.  It is written inside the caller's transaction,
 * so a change and its line commit together.  An empty or NULL old/new
 * value is stored as NULL.
 */
struct store_audit_entry {
	long long account_id;       /* who; 0: nobody logged in (NULL) */
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

#endif

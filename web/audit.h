/* audit.h: the audit trail: who changed what, when, from where. */
#ifndef CITYINV_AUDIT_H
#define CITYINV_AUDIT_H

#include "request.h"

/* Records one change inside the caller's transaction (year 0: none).  0 or -1. */
int audit_add(struct request *req, long long agency_id, int year, const char *field,
	      const char *old_value, const char *new_value);

/* The same for a change of the session's county (not of one agency): the team's non-agency lines. */
int audit_add_county(struct request *req, int year, const char *field, const char *old_value, const char *new_value);

#endif

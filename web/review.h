/* review.h: who may see an agency's figures (itself, its ancestors, its county's team). */
#ifndef CITYINV_REVIEW_H
#define CITYINV_REVIEW_H

#include "request.h"

/* *yes set when the session may read agency_id's reports and totals.  0 or -1 (db error). */
int review_may_see(struct request *req, long long agency_id, int *yes);

#endif

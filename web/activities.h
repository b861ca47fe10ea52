/* activities.h: what the files of 填報非機關單位耗用之活動 share (page_activities.c, page_activities_post.c). */
#ifndef CITYINV_ACTIVITIES_H
#define CITYINV_ACTIVITIES_H

#include "form.h"
#include "nonagency.h"
#include "request.h"

/* What the form shows: a line's stored text, or what was typed (as sent). */
struct activity_values {
	const char *description, *note, *q, *q2, *opt[NA_MAX_OPTIONS], *override, *reason;
	long long id, version;
};

/*
 * The page of a year: the methods, the form of method m (when m) with v and
 * the errors of f, the year's lines and their totals, and flash (when not
 * NULL: an error when f has any).  Returns req->status.
 */
int activities_render(struct request *req, int year, const struct na_method *m, const struct activity_values *v,
		      const struct form *f, const char *flash);

/* The year's page refused (409): nothing of the year may change while it is locked (年度鎖定) or published. */
int activities_frozen(struct request *req, int year);

/* 503 after a database failure; returns req->status. */
int activities_unavailable(struct request *req);

#endif

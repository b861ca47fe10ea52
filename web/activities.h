/* activities.h: what the files of 填報非機關單位耗用之活動 share (page_activities.c, page_activities_post.c). */
#ifndef CITYINV_ACTIVITIES_H
#define CITYINV_ACTIVITIES_H

#include "dq.h"
#include "form.h"
#include "nonagency.h"
#include "request.h"

/* What the form shows: a line's stored text, or what was typed (as sent). */
struct activity_values {
	const char *description, *note, *q, *q2, *opt[NA_MAX_OPTIONS], *override, *reason;
	struct dq_typed dq;     /* 數據品質與不確定性 (dq.h, fields q_a1 … q_ad_basis): NULLs keep the defaults */
	long long id, version;
};

/*
 * The data-quality defaults of the team's lines (SPEC-2 §2b, §2c): the agency
 * form's items' (electricity, fuels: na_quality_item) and the methods' own
 * (na_quality_own), as store_quality (0 / "" / -1 where none).
 */
struct activity_defaults {
	int has_item[CALC__MAX];
	struct store_quality item[CALC__MAX];
	int has_method[NA_METHODS];
	struct store_quality method[NA_METHODS];
};
/* Both tables read into the arena: NULL on a database error. */
const struct activity_defaults *activities_defaults(struct request *req);
/* The defaults of a line of method m with fuel (opt1) `fuel`: NULL when none (a fuel not chosen yet). */
const struct store_quality *activities_default(const struct activity_defaults *d, const struct na_method *m, const char *fuel);

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

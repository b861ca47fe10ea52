/* dq.h: the 數據品質與不確定性 fields beside a quantity (SPEC-2 §2b, §2c): the agency form's lines and the team's non-agency lines. */
#ifndef CITYINV_DQ_H
#define CITYINV_DQ_H

#include "form.h"
#include "request.h"
#include "store_factor.h"
#include "store_report.h"

/*
 * DESIGN: one block of fields, one reading of them, one set of messages,
 * whichever form a line is on (report_form.c, page_activities.c): A1-A3
 * with the default marked, 數據可信度資訊說明, 保存單位, the activity
 * data's interval and its basis, named <fld>_a1 … <fld>_ad_basis after the
 * quantity's field <fld>.  A value equal to the default is kept as NULL, so
 * the line follows its default; an A1-A3 away from the default needs the
 * note (refused beside the note, the input kept).  Defaults are a struct
 * store_quality (0 / "" / -1 where there is none), NULL when the line has
 * none (every value then counts as typed).
 */

/* The values as text (typed or stored): NULL keeps the default. */
struct dq_typed {
	const char *a[3];                    /* A1, A2, A3: "1".."3" */
	const char *note;                    /* 數據可信度資訊說明 */
	const char *keeper;                  /* 保存單位 */
	const char *ad_lower, *ad_upper;     /* the activity data's 95 % interval, percent ("1.5") */
	const char *basis;                   /* its 依據 (meter class, receipt number) */
};

/*
 * The block of the line whose quantity is field fld, titled 數據品質與不確定性：label,
 * open when something was typed or refused; ro: read-only.
 */
void dq_render(struct request *req, const struct form *f, const char *fld, const struct store_quality *def,
	       const struct dq_typed *q, const char *label, int ro);

/*
 * The block's fields as sent into q, each refusal beside its field in f.
 * shown: the defaults the page showed when they were another line's (a
 * fuel changed with the form: a value the page showed as the default stays
 * the default), or NULL.
 */
void dq_read(struct request *req, struct form *f, const char *fld, const struct store_quality *def,
	     const struct store_quality *shown, struct dq_typed *q);

/* Stored typed values (0, "", -1 for NULL) as text, in the arena. */
/* A default row (item_quality_defaults, nonagency_quality_defaults) as the values in force: no AD is -1. */
void dq_default_of(const struct store_item_quality *row, struct store_quality *out);
void dq_from_stored(struct arena *a, const struct store_quality *q, struct dq_typed *out);
/* Checked text (dq_read's, or dq_from_stored's) into stored values; t NULL: nothing typed. */
void dq_to_stored(const struct dq_typed *t, struct store_quality *out);
/* What is in force: the typed values of t (stored form) over the defaults def (NULL: none). */
void dq_in_force(const struct store_quality *def, const struct store_quality *t, struct store_quality *out);

/* An interval's bound (thousandths of a percent) as a person would type it ("1.5"), or NULL when -1. */
const char *dq_bound_text(struct arena *a, int milli);

#endif

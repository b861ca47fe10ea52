/* import.h: what page_import.c (the handlers) and import_view.c (their pages) share. */
#ifndef CITYINV_IMPORT_H
#define CITYINV_IMPORT_H

#include "agency_import.h"
#include "form.h"
#include "request.h"
#include "store_import.h"

/* What the preview showed, as a hash: confirming refuses a plan that differs from it. */
unsigned long long import_plan_hash(const struct import_file *f);
/* The upload form, with an error beside the file field when there is one. */
int render_upload(struct request *req, const char *error);
/* The preview of every row of f (nerr rows with problems), with a notice when given. */
int render_preview(struct request *req, const struct store_import *im, const struct import_file *f, int nerr,
		    const char *flash);
/* What a confirmed import did, and its one-time-password workbook. */
int render_applied(struct request *req, const struct store_import *im);

#endif

/* store_import.h: the county team's uploads of agency lists (agency_imports) and what applying one writes. */
#ifndef CITYINV_STORE_IMPORT_H
#define CITYINV_STORE_IMPORT_H

#include <stddef.h>

#include "arena.h"
#include "db.h"

/*
 * DESIGN: an upload is kept as it came (status preview) so that the
 * preview and the confirmation read the very same bytes; applying it
 * (status applied) happens in one transaction of the caller, which takes
 * store_agency_lock_county() first and writes the agencies through
 * store_agency.h and the accounts through store_account.h.  The functions never begin,
 * commit or roll back.  Returns: 0 / -1 (database error, db->errstr set);
 * a lookup 1 found / 0 not found / -1.
 */

#define STORE_IMPORT_FILENAME_BYTES 800   /* agency_imports.filename: VARCHAR(200) utf8mb4 */

/* A stored upload of a county. */
struct store_import {
	long long id;
	char filename[STORE_IMPORT_FILENAME_BYTES + 1];
	const char *content;   /* the file as uploaded (the caller's arena; NULL in a listing) */
	size_t len;
	int applied;           /* status: applied (1) or preview (0) */
	long long export_id;   /* its one-time-password workbook, or 0 */
	int created, updated;  /* agencies created and updated when applied */
	char created_at[17];   /* YYYY-MM-DD HH:MM */
	long long account_id;  /* who uploaded it */
};

/*
 * Upload `id` of the county, its content copied into a; with for_update
 * its row stays locked until the caller's transaction ends.  1, 0, -1.
 */
int store_import_get(struct db *db, int county_id, long long id, int for_update, struct arena *a, struct store_import *out);
/* The county's 20 latest uploads, newest first (without their content); each returns non-zero to stop.  0 or -1. */
int store_import_recent(struct db *db, int county_id, int (*each)(void *ctx, const struct store_import *im), void *ctx);
/* Keeps an upload (status preview) of account_id's: *id is its id.  0 or -1. */
int store_import_add(struct db *db, int county_id, long long account_id, const char *filename, const char *data, size_t len,
		     long long *id);

/* The import's passwords workbook is export_id from now on.  0 or -1. */
int store_import_set_export(struct db *db, long long import_id, long long export_id);
/* Upload `id` applied now: created and updated agencies, its passwords workbook (0: none).  0 or -1. */
int store_import_mark_applied(struct db *db, long long id, int created, int updated, long long export_id);

#endif

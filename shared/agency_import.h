/* agency_import.h: the county team's list of agencies from a CSV or XLSX file, and its plan. */
#ifndef CITYINV_AGENCY_IMPORT_H
#define CITYINV_AGENCY_IMPORT_H

#include <stddef.h>

#include "arena.h"

/*
 * A file holds one agency per row: 機關代碼, 機關單位名稱, 上級機關代碼
 * (empty for a 一級 agency), in the first three columns of a CSV (UTF-8,
 * comma-separated, a BOM allowed) or of an .xlsx workbook's first sheet.
 * A first row whose first cell is 機關代碼 (or "code") is a heading.
 * Reading never touches the database; planning compares the rows with the
 * county's agencies and says, row by row, what would change and what is
 * wrong.  Nothing is written unless no row is wrong.
 */

#define IMPORT_MAX_ROWS 10000   /* agencies in one file (a heading row besides) */
#define IMPORT_MAX_DEPTH 20
/*
 * Agencies a county may have, active or not (creation and import refuse
 * more): the largest county has a few thousand (its hall, bureaus, schools,
 * health stations), and this bound is part of the proof that a county's
 * sums fit (inventory_data.h BOUNDS).
 */
#define AGENCY_MAX_PER_COUNTY 20000

enum import_action {
	IMPORT_CREATE,
	IMPORT_UPDATE,   /* rename and/or move */
	IMPORT_SAME,     /* already so */
};

#define IMPORT_RENAME 1
#define IMPORT_MOVE 2

struct import_row {
	int line;               /* the row's number in the file (1-based, heading included) */
	const char *code;       /* normalised (NFKC, trimmed, upper case); "" when empty */
	const char *name;
	const char *parent;     /* "" for a 一級 agency */
	unsigned char code_err, name_err, parent_err;   /* input_text()'s verdicts (enum input_err) */
	/* Filled in by import_plan(): */
	enum import_action action;
	unsigned changes;       /* IMPORT_RENAME | IMPORT_MOVE */
	int depth;              /* 1 = 一級 (0 when the row is wrong) */
	const char *error;      /* what is wrong, in Traditional Chinese, or NULL */
	const char *old_name;   /* for an update */
	const char *old_parent;
	int existing;           /* the row's agency: its index in the county's agencies, or -1 when new */
	int parent_existing;    /* its final parent there, or -1 */
	int parent_row;         /* or the index of the row that creates the parent, or -1 (一級) */
};

/* The refusal of a file that is not UTF-8 text (a CSV saved as Big5 or UTF-16, a binary). */
#define IMPORT_NOT_UTF8 "檔案不是 UTF-8 編碼。請在 Excel 選「另存新檔」→「CSV UTF-8（逗號分隔）」，或直接上傳 .xlsx。"

struct import_file {
	struct import_row *rows;
	int n;
	int is_xlsx;
	const char *error;      /* the file as a whole cannot be read: why, or NULL */
};

/* One agency already in the county; parent is its parent's code ("" for 一級). */
struct import_existing {
	const char *code;
	const char *name;
	const char *parent;
	int active;
};

/*
 * Reads data[0..len) (an .xlsx when it is a zip archive, else CSV) into
 * *out, all memory from the arena.  0, or -1 with out->error set.
 */
int import_read(struct arena *a, const char *data, size_t len, struct import_file *out);

/*
 * Plans f's rows against the county's agencies ex[0..nex): sets each row's
 * action, changes, depth and error.  Returns the number of rows in error.
 * Errors: a bad code, a missing or over-long name, a code twice in the
 * file, a code of a deactivated agency, a parent that is the row itself or
 * is neither an active agency of the county nor in the file, a cycle, a
 * tree deeper than IMPORT_MAX_DEPTH (an agency left out of the file but
 * moved with its ancestor included: the row that moved it says so), a new
 * code that is already another account's login (reserved[0..nreserved),
 * such as the team's), a new agency beyond AGENCY_MAX_PER_COUNTY (nex
 * counts the county's agencies, active or not).
 */
int import_plan(struct arena *a, struct import_file *f, const struct import_existing *ex, int nex,
		const char *const *reserved, int nreserved);

/* 1 when code is 4 to 20 ASCII letters and digits. */
int import_valid_code(const char *code);

#endif

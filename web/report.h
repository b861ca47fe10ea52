/* report.h: the yearly report of an agency: its values, loading, checking and saving. */
#ifndef CITYINV_REPORT_H
#define CITYINV_REPORT_H

#include "calc.h"
#include "carry.h"
#include "dq.h"
#include "form.h"
#include "request.h"
#include "store_report.h"
#include "store_workflow.h"
#include "store_year.h"

#define REPORT_EXTRA 20      /* at most this many extra refrigerant / other rows per part */
#define REPORT_MAX_LINES (2 * (CALC__MAX + 2 * REPORT_EXTRA + 2))
/* An 其他能源 row's quantity (no factor, any unit): its thousandths still fit the BIGINT column. */
#define REPORT_OTHER_MAX 1000000000000LL

#define REPORT_EXCLUSIONS 20 /* at most this many excluded sources a report (SPEC-2 §2d) */


/* The largest revision a report can have (reports.revision is an INT UNSIGNED). */
#define REPORT_REVISION_MAX 4294967295LL

/* calc.h's proof of the bounds counts this many refrigerant rows per part. */
_Static_assert(2 + REPORT_EXTRA <= CALC_MAX_REFRIGERANT_ROWS, "refrigerant rows beyond calc.h's bound");

/* The stored line numbers (seq) of the named refrigerants and the first extra row. */
#define REPORT_SEQ_R134A 1
#define REPORT_SEQ_R410A 2
#define REPORT_SEQ_EXTRA 10

/* 不含委外, 委外: how the audit trail names each part. */
extern const char *const report_part_label[CALC_PART__MAX];

/* The default quality values of each item (item_quality_defaults): has[k] 0 when the data has none. */
struct report_defaults {
	int has[CALC__MAX];
	struct store_quality q[CALC__MAX];
};

/*
 * A line's notation key or 沿用 (SPEC-2 §2d) as typed or stored: key "NE"
 * or "IE" (or the bad value as sent), NULL for none (an empty quantity is
 * NO); text its reason or place; carried_from the year whose real quantity
 * the line reuses (0: none), carry 1 when the form's 沿用 box was ticked.
 */
struct report_mark {
	const char *key;
	const char *text;
	int carried_from;
	int carry;
};

/* The quantities of one part as text (what was typed, or what is stored). */
struct report_part {
	const char *qty[CALC__MAX];          /* fixed items; CALC_REFRIGERANT unused */
	const char *generator_name;
	const char *r134a, *r410a;
	int nref;
	const char *ref_type[REPORT_EXTRA], *ref_qty[REPORT_EXTRA];
	/* The quality of each line: fixed items, R134a, R410a, the extra refrigerant rows. */
	struct dq_typed qk[CALC__MAX], q134a, q410a, qref[REPORT_EXTRA];
	/* NE / IE / 沿用 of the fixed items, the two named refrigerants and the extra refrigerant rows. */
	struct report_mark mk[CALC__MAX], mk134a, mk410a, mkref[REPORT_EXTRA];
	int nother;
	const char *other_name[REPORT_EXTRA], *other_unit[REPORT_EXTRA], *other_qty[REPORT_EXTRA];
};

struct report {
	long long agency_id;
	const char *agency_name;  /* for the heading when not the viewer's own */
	int year;                 /* CE */
	long long id;             /* 0: nothing saved yet (未登錄) */
	long long revision;       /* the save counter: a save based on an older one is refused */
	int filed;                /* the 已登錄完成 tick */
	const char *scope_text;
	const char *outsourced_scope_text;
	const char *updated_at;
	/* The stored row with its state (confirmed, returned, reopened, a correction asked): NULL when none. */
	const struct store_report *st;
	const struct report_defaults *dq;    /* the items' default quality values (report_load, report_from_form) */
	struct report_part part[CALC_PART__MAX];
	/* 排除之排放源: name and reason of each (as typed or stored). */
	int nexcl;
	const char *excl_name[REPORT_EXCLUSIONS], *excl_reason[REPORT_EXCLUSIONS];
	/* The agency's report of the year before (what 沿用 reuses), or NULL; set by the page before report_from_form(). */
	const struct report *prev;
};

/*
 * The declared fields of the report form (page_report.c's report_edit_keys,
 * read into req->in).  The quantities and the rows of each part are a
 * family built from calc_items: report_from_form() reads them one by one.
 */
enum report_key {
	REPORT_KEY_YEAR,
	REPORT_KEY_REVISION,     /* the revision the form was opened at */
	REPORT_KEY_ACTION,       /* report_action_names */
	REPORT_KEY_FILED,        /* 我已確認完整填報各欄位 */
	REPORT_KEY_SCOPE,
	REPORT_KEY_OUTSOURCED_SCOPE,
	REPORT_KEY_SAVED,        /* the page after a save */
	REPORT_KEY_REQUESTED,    /* the page after a 申請更正 */
	REPORT_KEY__MAX
};

/* The form's buttons: 計算 (shows the figures, stores nothing) and 存檔. */
enum report_action { REPORT_ACTION_CALC, REPORT_ACTION_SAVE, REPORT_ACTION__MAX };
extern const char *const report_action_names[REPORT_ACTION__MAX + 1];

/* Appends one input line to in[*n] (at most REPORT_MAX_LINES). */
void report_add_input(struct calc_input *in, int *n, enum calc_item item, enum calc_part part, int seq,
		      const char *refrigerant, dec_t q);
/* The items' default quality values, kept by the process for 60 s: NULL on a database error with none kept. */
const struct report_defaults *report_defaults(struct request *req);
/* Loads the stored report of (agency, year) into r (empty when none).  0 or -1. */
int report_load(struct request *req, long long agency_id, int year, struct report *r);

/* The stored row of (agency, year) with its state, in the arena: *st NULL when none.  0 or -1. */
int report_state(struct request *req, long long agency_id, int year, const struct store_report **st);

/*
 * Whose report the viewer asks for with `agency` (the field as read; not
 * sent: the viewer's own): an agency sees its own and those of its
 * subtree, the team one of its county (named), nobody else any.  1 with
 * *agency_id, 0 none it may see (404), -1 error.
 */
int report_viewable(struct request *req, const struct form_val *agency, long long *agency_id);

/*
 * Reads the posted form into r: the declared fields from req->in (the
 * messages of the text fields copied from req->in_err into f), the family
 * of each part with form_read_one(), and the rules across fields; errors go
 * to f.  r->revision is -1 when the form's revision is missing or bad.
 * in/n: the calculation inputs of the valid quantities.  The quality
 * fields of each filled quantity (dq.h) are read beside it.
 * 0, or -1 when the items' defaults could not be read (503).
 */
int report_from_form(struct request *req, struct report *r, struct form *f,
		     struct calc_input *in, int *n);

/*
 * The extra refrigerant rows' types against the factor table t (a marked
 * row has no line for calc_compute() to refuse): a code t does not know
 * gets its message beside the row's type.
 */
void report_check_refrigerants(struct request *req, struct form *f, const struct report *r, const struct calc_table *t);

/*
 * The report bound (calc_over_limit()): when a part's total is above
 * CALC_REPORT_MAX_KG, puts the message beside the field of that part's
 * largest line and returns 1; else 0.
 */
int report_check_total(struct request *req, struct form *f, const struct calc_line *lines, int n,
		       const struct calc_result *res);

/*
 * The de minimis thresholds of the carried line (at most one: report_from_form
 * refuses a second), with the year's own total: when over, the message
 * beside its field and 1; else 0.
 */
int report_check_carry(struct request *req, struct form *f, const struct report *r, const struct calc_line *lines, int n,
		       const struct calc_result *res);

/*
 * What 沿用 could reuse for the line (part, item, seq) of r, from r->prev
 * (carry.h: a refrigerant by its code, named field or extra row alike):
 * CARRY_OK with *qty (text) and *from (the year of the real figure),
 * CARRY_THIRD_YEAR (*from set), CARRY_AMBIGUOUS (two rows of that
 * refrigerant the year before), CARRY_NONE (not a fugitive line of the own
 * part, an extra row without a type, or no figure the year before).
 */
enum carry_source report_carry_source(const struct report *r, int part, int item, int seq, const char **qty, int *from);
/* The same for a refrigerant of code `type` in the own part of r. */
enum carry_source report_carry_refrigerant(const struct report *r, const char *type, const char **qty, int *from);

/*
 * The refrigerant code of line (part, item, seq) of r: "R134a", "R410a", an
 * extra row's type (report_from_form sets it before the row's mark is read);
 * NULL when not a refrigerant or the row has no type.
 */
const char *report_line_type(const struct report *r, int part, int item, int seq);

/* The mark of a fixed item, named refrigerant or extra refrigerant row (part, item, seq) of r, or NULL for other lines. */
const struct report_mark *report_mark_of(const struct report *r, int part, int item, int seq);

/* The quality values typed for line l (by part, item, seq), or NULL. */
const struct dq_typed *report_typed_quality(const struct report *r, const struct calc_line *l);
/* The values in force for line l: the typed ones, else its item's defaults (0 and -1 where none). */
void report_line_quality(const struct report *r, const struct calc_line *l, struct store_quality *out);
/* The form field of line l's quantity (the prefix of its quality fields): "own_electricity", "own_ref_qty_1". */
const char *report_line_field(struct arena *a, const struct calc_line *l);

/* Calculation inputs of a stored report. */
void report_inputs(struct request *req, const struct report *r, struct calc_input *in, int *n);

/*
 * lines[0..*n) (computed from a stored report's inputs), *n and res as the
 * report's lines were stored (a line never stored left out): their amounts, gases, factors, methods and
 * sources as computed when saved, not with today's factors.  What a
 * confirmed report, or one of a locked year, shows: the figures its owner
 * confirmed (a later factor change gives it a 重算值 beside them, never
 * new figures).  0, or -1 (the database; or the stored lines do not add up).
 */
int report_stored_figures(struct request *req, long long report_id, struct calc_line *lines, int *n, struct calc_result *res);

/*
 * REPORT_UNKNOWN: the connection was lost at COMMIT and the database could not be asked since.
 * REPORT_YEAR_LOCKED: the county-year is locked (年度鎖定); REPORT_ALREADY_CONFIRMED: the report is 已確認.
 * Both write nothing.  REPORT_RETRY stays inside report_save(): a deadlock, tried again.
 * REPORT_RECALC: a factor day's run changed the factors or the county's electricity variant
 * since `used` (what the lines were computed with); nothing written: compute again and save.
 */
enum report_save { REPORT_SAVED, REPORT_STALE, REPORT_FAILED, REPORT_UNKNOWN, REPORT_YEAR_LOCKED, REPORT_ALREADY_CONFIRMED, REPORT_RETRY,
		   REPORT_RECALC };
/*
 * Saves r (one transaction: the county-year's lock state, the report row
 * locked, report, items, computed lines, the 退回 flag cleared, audit).
 */
enum report_save report_save(struct request *req, struct report *r, const struct calc_line *lines, int n,
			     const struct calc_result *res, const struct store_year_basis *used);

/* What the report's page shows (report_form.c). */
struct report_page {
	const struct form *f;              /* the messages beside the fields, or NULL */
	const struct calc_table *t;
	const struct report *r;
	const struct report *prev;         /* last year's report, for the hints; NULL: none shown */
	const char *deadline;              /* 民國 text, or "" */
	const struct calc_line *lines;
	int n;
	const struct calc_result *res;     /* NULL: no 四、排放量小計 */
	const char *flash, *flash_kind;    /* a message above the form ("ok" or "error"), or NULL */
	int readonly;                      /* no form: a closed or locked year, a confirmed report, another agency's */
	int year_locked;                   /* the county-year is locked (年度鎖定) */
	const char *readonly_why;          /* why, shown above it; NULL: nothing said */
	const char *revision;              /* the revision field as posted; NULL: r->revision */
	const struct store_workflow_version *versions;   /* the report's versions, oldest first */
	int nversions;
	int correction;                    /* show the 申請更正 form */
	const char *correction_reason;     /* its reason as typed (a refused request), or NULL */
};

/* The whole page of the report form (or its read-only view). */
void report_render(struct request *req, const struct report_page *pg);
/* 四、排放量小計 of report r: its lines[0..n), the tables by 範疇, 類別 and gas, the data quality (report_figures.c). */
void report_render_figures(struct request *req, const struct calc_table *t, const struct report *r,
			   const struct calc_line *lines, int n, const struct calc_result *res);

/* A warning on the whole form (electricity missing while other fields are filled), or NULL. */
const char *report_form_warning(const struct report *r);

/* The enum report_status of r (its stored state when r->st is set), and its name (登錄中（退回） included). */
const char *report_status_label(const struct report *r);
int report_status(const struct report *r);

/* ---- Versions (page_versions.c) ---- */

/* The versions of report_id (0: none), oldest first, in the arena: *v and *n.  0 or -1. */
int report_versions_load(struct request *req, long long report_id, struct store_workflow_version **v, int *n);

/* The list of the versions (第 n 版, who, when, why reopened) with the chooser of two to compare. */
void report_versions_render(struct request *req, long long agency_id, int year,
			    const struct store_workflow_version *v, int n);

/* A noted item (NE / IE / 沿用) of store_report_noted: its label ("委外 冷媒 R134a") and its note
 * ("NE：理由", "沿用 2023 年數量 12.000"), escaped, into o. */
void report_noted_label(struct strbuf *o, const struct store_report_noted *n);
void report_noted_text(struct strbuf *o, const struct store_report_noted *n);

/*
 * report_notices.c: 係數更新, the factor changes that moved report r's figures (nothing when none);
 * year_locked: the county-year is locked now, which says what an unconfirmed report's 重算值 waits for.
 */
void report_factor_notices(struct request *req, const struct report *r, int year_locked);

#endif

/* review.h: 所屬機關填報確認, shared by its page and its actions: who may see or act, the table, the page. */
#ifndef CITYINV_REVIEW_H
#define CITYINV_REVIEW_H

#include "request.h"
#include "store_review.h"

/* *yes set when the session may read agency_id's reports and totals.  0 or -1 (db error). */
int review_may_see(struct request *req, long long agency_id, int *yes);

/*
 * Who may 確認, 退回 or 重新開放 agency_id's report (docs/workflow.md): the
 * account of its direct parent agency, or, for a 一級 agency (no parent),
 * the team of its county.  *status: 0 allowed; 403 a party that sees the
 * report but may not act on it (the agency itself, an ancestor above the
 * parent, the team for an agency below 一級); 404 one that never sees it
 * (another county, a sibling, an agency outside its subtree, an inactive
 * or unknown agency).  The agency is read in share mode: inside the
 * action's transaction this is the check the action relies on.  0 or -1.
 */
int review_may_act(struct request *req, long long agency_id, int *status);

/* A 退回 or 重新開放 refused for its text: shown again, its form open, with what was typed and why. */
struct review_err {
	long long agency;       /* the report's agency: its row, or the page's own box */
	int reopen;             /* 0: 退回's comment; 1: 重新開放's reason */
	const char *text;       /* as typed */
	const char *msg;
};

/*
 * The page of `year` listing the subordinates of `at` (0: the viewer's
 * own agency; for the team, its county's 一級 agencies), with `flash`
 * (plain text, or NULL) above the table.  With err the page is rendered
 * afresh (never from nor into the cache).  Writes the page; returns req->status.
 */
int review_page(struct request *req, long long at, int year, const char *flash, const struct review_err *err);

/*
 * Markup kept in the cache is shared by every session of the same viewer,
 * so its forms carry this mark where the session's CSRF token goes;
 * review_emit() puts the token in.  A control character: no text of the
 * data reaches a page unescaped (html_txt turns it into U+FFFD).
 */
#define REVIEW_CSRF_MARK "\x01"

/* What one rendering of the subordinates' table is for. */
struct review_view {
	long long agency;       /* the agency listed (the forms' way back); 0: the county's 一級 agencies (the team) */
	int county;
	int year;
	int level;              /* the listed agency's level; 0 for the county */
	int acts;               /* the viewer is the rows' direct parent and the year is not locked */
	int locked;             /* the county-year is locked (年度鎖定) */
	int quality_pending;    /* the quality job has work not yet in the grades (計算中) */
	int unlock_pending;     /* the run of the year's unlocking is to write the figures held back (store_fd_unlock_pending) */
	const struct review_err *err;
};

/* The table of subordinates, its counts per state and the bulk 確認 into o.  0 or -1. */
int review_table(struct request *req, const struct review_view *v, struct strbuf *o);

/* A report not confirmed (an 已登錄完成 row) whose figures wait for the run of the year's unlocking: 確認 waits too. */
int review_held(const struct review_view *v, const struct store_review_state *st);

/* The forms acting on one report (確認 and 退回, or 重新開放) into o, as its state allows. */
void review_actions(struct strbuf *o, const struct review_view *v, long long agency, const struct store_review_state *st);

/* The state of one report: its name, its version, the 退回 comment, a pending 申請更正. */
void review_state(struct strbuf *o, const struct store_review_state *st);

/* Appends cached markup to req->body with the session's token for every REVIEW_CSRF_MARK. */
void review_emit(struct request *req, const struct strbuf *cached);

#endif

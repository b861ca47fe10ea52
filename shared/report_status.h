/* report_status.h: the state of an agency's yearly report, as every page and workbook names it (docs/workflow.md). */
#ifndef CITYINV_REPORT_STATUS_H
#define CITYINV_REPORT_STATUS_H

/*
 * The four states, in the order a report passes them.  Stores compute the
 * number with STORE_REPORT_STATUS_SQL (store_report.h); 退回 is not a state
 * but a flag on 登錄中 (reports.returned), shown as 登錄中（退回）.
 */
enum report_status {
	REPORT_NONE,        /* 未登錄: no reports row */
	REPORT_DRAFT,       /* 登錄中: filed = 0 */
	REPORT_FILED,       /* 已登錄完成: filed = 1, not confirmed */
	REPORT_CONFIRMED,   /* 已確認: confirmed_version set */
	REPORT_STATUS__MAX
};

/* The state's name: 未登錄, 登錄中, 已登錄完成, 已確認. */
extern const char *const report_status_names[REPORT_STATUS__MAX];

/*
 * The state as shown for one report: its name, or 登錄中（退回） for a
 * returned 登錄中 report.  A number out of range is "" (never NULL).
 */
const char *report_status_text(int status, int returned);

#endif

/* inventory_data.h: the county inventory (清冊) of a year as numbers: totals by category, scope
 * and agency level, the largest emitters and the trend, from the agencies' lines and the
 * non-agency lines.  The 盤查清冊 page, 公開資訊 and the worker's workbooks all read it here. */
#ifndef CITYINV_INVENTORY_DATA_H
#define CITYINV_INVENTORY_DATA_H

#include "calc.h"
#include "db.h"
#include "nonagency.h"
#include "store_county.h"
#include "store_inventory.h"
#include "years.h"

#define INV_TOP 20
#define INV_LEVELS 6        /* levels 1..5, and 6 for deeper */

struct inventory {
	int county_id, year;
	long long lock;     /* the year's lock (0 none): its agencies are the ones it was locked with (store_inventory.h) */
	char county_name[32];
	/* kgCO2e x 1,000 (milli); own emissions, the outsourced apart, removals apart (negative) */
	long long agencies_total, nonagency_total, total, outsourced, removals;
	long long by_category[INV_CAT__MAX];        /* agencies + non-agency, emissions only */
	long long agencies_by_category[INV_CAT__MAX];
	long long nonagency_by_category[INV_CAT__MAX];
	long long by_scope[3];                      /* [1], [2] */
	/*
	 * By ISO 14064-1 類別 (SPEC-2 §2a): [1..CALC_ISO_MAX], [0] the lines saved
	 * before 類別 existed (未分類, not guessed).  Own emissions as by_scope;
	 * the outsourced (範疇三: 類別三, 四) apart, beside the total.
	 */
	long long by_iso[CALC_ISO_MAX + 1], agencies_by_iso[CALC_ISO_MAX + 1], nonagency_by_iso[CALC_ISO_MAX + 1];
	long long outsourced_by_iso[CALC_ISO_MAX + 1];
	/*
	 * Per gas (七大溫室氣體, enum calc_gas), [CALC_GAS__MAX] the lines not
	 * split into gases yet (未分氣體); each row adds up to its total.
	 */
	long long by_gas[CALC_GAS__MAX + 1], agencies_by_gas[CALC_GAS__MAX + 1], nonagency_by_gas[CALC_GAS__MAX + 1];
	/* The county-year's data-quality grade and uncertainty (county_quality), 計算中 in quality.pending. */
	struct store_county_quality quality;
	long long by_level[INV_LEVELS + 1];          /* [1..INV_LEVELS]; non-agency apart */
	int n_agencies;                             /* the active agencies, */
	int n_status[REPORT_STATUS__MAX];           /* by the state of their report (enum report_status), */
	int n_returned;                             /* of them 登錄中（退回） */
	int provisional_lines;                      /* own emission lines computed with a 暫用 factor, */
	long long provisional_milli;                /* and their sum */
	struct {
		char code[24]; char name[208]; int level; long long milli;
		struct store_inventory_state state;     /* the version its figure comes from */
	} top[INV_TOP];
	int ntop;
	/* The trend over the years served (years.h) when it was loaded: [i] is year trend_first + i. */
	int trend_first, trend_n;
	long long trend[YEARS_MAX];                 /* total of each year (0 when none) */
	int trend_has[YEARS_MAX];
};

/*
 * BOUNDS: why a county's sums fit the int64 thousandths used here and in
 * the BIGINT rollup columns.  An agency's report is at most
 * CALC_REPORT_MAX_KG per part (calc.h), a county has at most
 * AGENCY_MAX_PER_COUNTY agencies (agency_import.h: creation and import
 * refuse more), a non-agency line is at most NA_LINE_MAX_KG either way and a
 * county-year has at most NA_MAX_LINES of them (nonagency.h).  So every
 * figure of a county-year (own or outsourced, by category, scope, level, a
 * subtree, the trend's year) lies within 3 x 10^17 thousandths, 30 times
 * below the int64 limit (checked at compile time in inventory_data.c).
 */
#define INVENTORY_RANGE (-2)

/*
 * Fills inv for the county-year from the database; 0, -1 on a database
 * error (or the years served could not be read), or INVENTORY_RANGE
 * (logged) when a sum does not fit in int64, which rows within the bounds
 * above cannot cause: never a wrapped figure.
 */
int inventory_load(struct db *db, int county_id, int year, struct inventory *inv);
/* The same for the agencies of `lock` (store_inventory_lock, read before): the workbook's sheets and summary read one tree. */
int inventory_load_locked(struct db *db, int county_id, int year, long long lock, struct inventory *inv);

#endif

/* export_inventory.h: what the two inventory workbooks share (export_inventory.c builds
 * 轉出明細, export_charts.c 轉出圖表). */
#ifndef CITYINV_EXPORT_INVENTORY_H
#define CITYINV_EXPORT_INVENTORY_H

#include <stddef.h>

#include <xlsxwriter.h>

#include "inventory_data.h"
#include "store_inventory.h"
#include "jobs.h"

struct xinv_fmt {
	lxw_format *head, *num, *title;
};

void xinv_formats(lxw_workbook *wb, struct xinv_fmt *f);
/* Thousandths as a number of the sheet. */
double xinv_kg(long long milli);
/* The county's (or an agency's) grade and its class in two cells, as the pages write them. */
void xinv_grade_cells(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int has, int has_grade, long long hundredths, int cls);
/* An uncertainty interval and the share assessed in two cells, as the pages write them. */
void xinv_interval_cells(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int has, int assessed, int lower, int upper, int bp);
/* The inventory of the county-year; 0, or an export status: -2 (the database) or -1 (sums beyond the bounds). */
int xinv_load(struct job_ctx *ctx, lxw_workbook *wb, int county, int year, struct inventory *inv, char *err, size_t errlen);

/* The heading of the column that states the version an agency's figures come from. */
#define VERSION_HEAD "數據版本（已確認：第 n 版；未確認：最新存檔資料）"
/* An agency's state and the version its figures come from, in columns status_col and version_col of row r. */
void xinv_state_cells(lxw_worksheet *ws, lxw_row_t r, int status_col, int version_col, const struct store_inventory_state *st);

/* 使用係數 as the long sheets hand their lines over (export_factors.c). */
struct xinv_factor;
struct xinv_factors {
	struct xinv_factor *v;
	size_t n, cap;
};
/* A line's factor counted: an agency line's part and item (calc_items[].key), or a non-agency line's method. */
void xinv_factors_add(struct xinv_factors *fs, int nonagency, const char *part, const char *item, const char *unit,
		      const char *factor_text, const char *gwp_set, const char *sources, int provisional, long long milli);
/* The sheet of the factors counted, by source, item and factor. */
void xinv_factors_sheet(lxw_worksheet *ws, struct xinv_factors *fs, const struct xinv_fmt *f);
void xinv_factors_release(struct xinv_factors *fs);

/* A chunk of rows being written: the sheet, its next row, and what the chunk saw. */
struct sheet_rows {
	lxw_worksheet *ws;
	const struct xinv_fmt *f;
	struct xinv_factors *used;   /* the factors of the lines written (NULL: not counted) */
	lxw_row_t r;
	long long last;   /* the last agency id written */
	int rows;         /* rows in this chunk */
	int agencies;     /* agencies seen in all */
};

/* A line's gases, one column each in calc_gas order, then what a line not split by gas has. */
#define GAS_HEADS "CO₂(KgCO₂e)", "CH₄(KgCO₂e)", "N₂O(KgCO₂e)", "HFCs(KgCO₂e)", "PFCs(KgCO₂e)", "SF₆(KgCO₂e)", "NF₃(KgCO₂e)", \
	"未分氣體(KgCO₂e)"

/* Column headings cols[0..n) in row `row`. */
void xinv_heads(lxw_worksheet *ws, lxw_row_t row, const char *const *cols, int n, lxw_format *f);
/* 非機關單位活動: every non-agency line of the county-year, its gases and data quality.  0 or -1. */
int xinv_nonagency_sheet(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, const struct xinv_fmt *f,
			 struct xinv_factors *used);
/* 排除與註記: every exclusion of the county-year's reports, then every NE / IE / 沿用 line (the agencies it counts: lock).  0 or -1. */
int xinv_notes_sheet(struct job_ctx *ctx, lxw_worksheet *ws, int county, int year, long long lock, const struct xinv_fmt *f);

#endif

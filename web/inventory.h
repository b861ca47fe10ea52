/* inventory.h: the county inventory (清冊) drawn for a page: tables and SVG charts. */
#ifndef CITYINV_INVENTORY_H
#define CITYINV_INVENTORY_H

#include "inventory_data.h"
#include "request.h"
#include "store_report.h"

/*
 * 1 when the county-year is published (page_inventory.c), 0 when not, -1 on
 * a database error; its lock into *lock (0 none) unless lock is NULL.
 */
int inventory_year_published(struct request *req, int county, int year, long long *lock);

/*
 * A sum beyond int64 (inventory_load()'s INVENTORY_RANGE): rows outside the
 * bounds, written around the application.  A 500 page saying so, rather
 * than a wrapped figure; returns 500.
 */
int inventory_out_of_range(struct request *req, const char *title);

/*
 * The county-year's data-quality grade (8.46 第一級) and uncertainty
 * (±7.159 %, with the share assessed), what they cover (the agencies' own
 * lines and the non-agency lines), the lines in no grade and 計算中, as a
 * <dl> whose figures carry ids prefixed by `id` (q-grade, q-class,
 * q-uncertainty, q-assessed, q-covers, q-uncovered, q-pending with "q").
 */
void inventory_quality_html(struct strbuf *o, const struct store_county_quality *q, const char *id);

/* The inventory's tables and SVG charts (server-drawn, no script) into the page body. */
void inventory_render(struct request *req, const struct inventory *inv);

/*
 * The county-year's 排除之排放源 and NE / IE / 沿用 items (SPEC-2 §2d), by agency, loaded before the
 * page begins (so a database failure is a 503, never half a page) and shown after the tables; at
 * most INVENTORY_NOTES_MAX of each, the rest counted.
 */
#define INVENTORY_NOTES_MAX 1000
struct inventory_notes {
	struct store_report_exclusion *ex;
	struct store_report_noted *noted;
	int nex, nnoted, more_ex, more_noted;
	struct arena *a;
};
int inventory_notes_load(struct request *req, const struct inventory *inv, struct inventory_notes *n);
void inventory_notes_render(struct request *req, const struct inventory_notes *n);

#endif

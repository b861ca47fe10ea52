/* inventory.h: the county inventory (清冊) drawn for a page: tables and SVG charts. */
#ifndef CITYINV_INVENTORY_H
#define CITYINV_INVENTORY_H

#include "inventory_data.h"
#include "request.h"

/* 1 when the county-year is published (page_inventory.c), 0 when not, -1 on a database error. */
int inventory_year_published(struct request *req, int county, int year);

/*
 * A sum beyond int64 (inventory_load()'s INVENTORY_RANGE): rows outside the
 * bounds, written around the application.  A 500 page saying so, rather
 * than a wrapped figure; returns 500.
 */
int inventory_out_of_range(struct request *req, const char *title);

/*
 * The county-year's data-quality grade (8.46 第一級) and uncertainty
 * (±7.159 %, with the share assessed), the lines in no grade and 計算中,
 * as a <dl> whose figures carry ids prefixed by `id` (q-grade, q-class,
 * q-uncertainty, q-assessed, q-uncovered, q-pending with "q").
 */
void inventory_quality_html(struct strbuf *o, const struct store_county_quality *q, const char *id);

/* The inventory's tables and SVG charts (server-drawn, no script) into the page body. */
void inventory_render(struct request *req, const struct inventory *inv);

#endif

/* inventory.h: the county inventory (清冊) drawn for a page: tables and SVG charts. */
#ifndef CITYINV_INVENTORY_H
#define CITYINV_INVENTORY_H

#include "inventory_data.h"
#include "request.h"

/* 1 when the county-year is published (page_inventory.c), 0 when not, -1 on a database error. */
int inventory_year_published(struct request *req, int county, int year);

/* The inventory's tables and SVG charts (server-drawn, no script) into the page body. */
void inventory_render(struct request *req, const struct inventory *inv);

#endif

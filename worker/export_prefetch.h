/* export_prefetch.h: the detail workbook's reads beside its writing: the two long sheets, and the summary. */
#ifndef CITYINV_EXPORT_PREFETCH_H
#define CITYINV_EXPORT_PREFETCH_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "inventory_data.h"
#include "store_inventory.h"

/*
 * DESIGN: the detail workbook (export_inventory.c) spent about as long
 * waiting for MariaDB as libxlsxwriter and zlib spend writing (issue 14: 0.5
 * s each for 5,000 agencies), one after the other.  Now each long sheet has
 * a reader thread with a connection of its own, which reads it chunk by
 * chunk into copies while the job's thread writes the chunks before; so the
 * reading and the writing overlap on the machine's two cores.  At most
 * XPF_AHEAD chunks of lines (XPF_AHEAD_FILING of the small filing rows)
 * wait to be written, so memory stays bounded whatever the county's size.
 * The reads were separate statements before (no snapshot spans them), so
 * other connections change nothing of what is read.  A sheet's chunks end
 * with an empty one; a database error ends them with one whose `failed` is
 * set.  The summary sheet's figures (inventory_load, 0.15 s) are read on a
 * connection of their own at the same time, and the summary written last.
 */
#define XPF_AHEAD 8
#define XPF_AHEAD_FILING 16
#define XPF_FIRST 64        /* agencies in the first chunk of lines */

enum xpf_sheet { XPF_LINES, XPF_FILING };

struct xpf_chunk {
	struct xpf_chunk *next;
	int failed;
	size_t n;
	struct store_inventory_lines lines;      /* the lines sheet's chunks: lines.v */
	struct store_inventory_filing *filing;   /* the filing sheet's */
	size_t filing_cap;
	struct arena text;                       /* the filing rows' strings */
};

struct xpf;
struct xpf_inventory;

/* Starts reading the county-year's lines or its filing, `chunk` agencies at a time; NULL if no thread could start. */
struct xpf *xpf_start(const struct config *cfg, enum xpf_sheet sheet, int county, int year, int chunk);
/* The next chunk, waiting for it; hand it back with xpf_recycle(). */
struct xpf_chunk *xpf_next(struct xpf *pf);
void xpf_recycle(struct xpf *pf, struct xpf_chunk *c);
/* Stops the reader (after its statement in hand), waits for it and frees everything. */
void xpf_stop(struct xpf *pf);

/* inventory_load() of county-year into *inv, on a thread and a connection of its own; NULL if no thread could start. */
struct xpf_inventory *xpf_inventory_start(const struct config *cfg, int county, int year, struct inventory *inv);
/* Has it finished (without waiting)? */
int xpf_inventory_done(struct xpf_inventory *h);
/* Waits for it and frees it: inventory_load()'s result. */
int xpf_inventory_wait(struct xpf_inventory *h);

#endif

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
 * s each for 5,000 agencies), one after the other.  Now two reader
 * threads, each with a connection of its own, read beside the writing: one
 * the lines, chunk by chunk into copies, while fewer than XPF_AHEAD wait;
 * the other the summary's figures (inventory_load), then the filing while
 * fewer than XPF_AHEAD_FILING of its small rows wait.  The job's thread
 * writes the chunks before, so reading and writing overlap on the
 * machine's two cores.  One reader for all three was as fast on a quiet
 * machine (8 exports each in turns, synthetic county B: medians 643 and
 * 645 ms) but 1.65 times the bare program in a bench run where MariaDB
 * answered slower, the summary's statements then standing in the lines'
 * way; three readers held a connection more for nothing.  What waits to be
 * written is bounded, whatever the county's size.  The reads were separate
 * statements before (no snapshot spans them), so other connections change
 * nothing of what is read.  A sheet's chunks end with an empty one; a
 * database error ends every sheet not yet ended with one whose `failed` is
 * set, and the summary with -1.
 */
#define XPF_AHEAD 10
#define XPF_AHEAD_FILING 16
#define XPF_FIRST 64        /* agencies in the first chunk of lines */
/*
 * How much nicer than the job's thread the readers run.  They are ahead of
 * the writing by design, and the writing (one core's worth, as the bare
 * program's) is what the workbook waits for: on two cores shared with
 * MariaDB the readers' own CPU should not take the writer's turn.  Measured
 * in bench/README.md (2026-12-05, stop 31): 581-597 ms at 0, 562-578 at 10.
 * The other side: on a machine busy with other work at nice 0 (web
 * requests, a factor day) the readers get the smaller share, and a workbook
 * whose writer waits for them would take longer (not measured): it is the
 * background job.
 */
#define XPF_READER_NICE 10

enum xpf_sheet { XPF_LINES, XPF_FILING, XPF__SHEETS };

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

/*
 * Starts reading the county-year's two long sheets, `chunk` agencies at a
 * time, of the agencies the year counts (`lock`: store_inventory_lock), and
 * its summary into *inv; NULL if no thread could start.
 */
struct xpf *xpf_start(const struct config *cfg, int county, int year, long long lock, int chunk, struct inventory *inv);
/* The sheet's next chunk, waiting for it; hand it back with xpf_recycle(). */
struct xpf_chunk *xpf_next(struct xpf *pf, enum xpf_sheet sheet);
void xpf_recycle(struct xpf *pf, enum xpf_sheet sheet, struct xpf_chunk *c);
/* Hands each chunk of the sheet to fn, in order, to the sheet's end: 0, or -1 when it ended on a database error. */
int xpf_each(struct xpf *pf, enum xpf_sheet sheet, void (*fn)(void *ctx, const struct xpf_chunk *c), void *ctx);
/* Has the summary been read (without waiting)? */
int xpf_summary_done(struct xpf *pf);
/* Waits for the summary: inventory_load()'s result. */
int xpf_summary(struct xpf *pf);
/* Stops the reader (after its statement in hand), waits for it and frees everything. */
void xpf_stop(struct xpf *pf);

#endif

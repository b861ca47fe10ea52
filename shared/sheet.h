/* sheet.h: the rows the CSV and XLSX readers fill (the first three cells of each row), and their bounds. */
#ifndef CITYINV_SHEET_H
#define CITYINV_SHEET_H

#include <stddef.h>

#include "agency_import.h"

/*
 * DESIGN: reading collects raw cells (the first three columns of each
 * row) into a struct import_file through sheet_add_row() and
 * sheet_set_cell(); import_read() (agency_import.c) normalises them.
 */

#define CELL_MAX 1000                /* bytes kept of one cell (cut at a character boundary) */
#define KEPT_MAX (8u << 20)          /* bytes of cells kept from one file */

/*
 * The bounds of an .xlsx, each far beyond a real agency list.  Measured on
 * lists of 10,000 agencies: three columns written by libxlsxwriter give
 * 20,003 shared strings (0.7 MB) and a 1.3 MB sheet of 70,000 elements
 * nested 5 deep; written by openpyxl (inline strings), a 3.5 MB sheet of
 * 100,000 elements; twelve columns of 40-character texts by openpyxl (a
 * 3.2 MB upload, under the 4 MB limit) a 28 MB sheet of 370,000 elements.
 * expat never held more than 210 KB for one of their parts.  Past any
 * bound the file is refused.  Parts are streamed through the parser, never
 * inflated whole, so reading holds at most expat's bound, the shared
 * strings and the cells kept (8 MB of each), and takes about a second at
 * worst.
 */
#define IMPORT_XLSX_PART_MAX (64u << 20)      /* bytes one part inflates to (counted, whatever it declares) */
#define IMPORT_XLSX_TOTAL_MAX (96u << 20)     /* bytes the parts read inflate to together */
#define IMPORT_XML_DEPTH_MAX 64               /* nesting: SpreadsheetML parts go about 6 deep */
#define IMPORT_XML_ELEMENTS_MAX 1000000       /* elements in one part: 10,000 rows of 33 inline-string cells */
#define IMPORT_XML_MEMORY_MAX (4u << 20)      /* expat's memory for one part (its names, a start tag, buffers) */
#define IMPORT_XLSX_SST_MAX 200000            /* shared strings: 20 distinct texts for each of 10,000 rows */
#define IMPORT_XLSX_SST_BYTES_MAX (8u << 20)  /* bytes of shared strings kept (each cut at 4,000) */

struct rows {
	struct arena *a;
	struct import_file *f;
	int cap;
	int line;               /* rows seen, blank ones included */
	char *cell[3];
	size_t cell_len[3];
	int col;
	int too_many;
	int too_big;            /* more than KEPT_MAX bytes of cells */
	size_t kept;
	int last_cr;            /* the last row ended with CR */
};

/* Ends the current row: kept when any of its cells is (up to IMPORT_MAX_ROWS + 1 rows), counted for line numbers either way. */
void sheet_add_row(struct rows *r);
/* Keeps the first value of a column in the current row (a sheet may repeat a cell). */
void sheet_set_cell(struct rows *r, int col, const char *s, size_t len);

/* CSV (a BOM allowed) into r: 0, or -1 with r->f->error set. */
int sheet_csv_read(struct rows *r, const char *data, size_t len);
/* An .xlsx workbook's first sheet into r: 0, or -1 with r->f->error set. */
int sheet_xlsx_read(struct rows *r, const char *data, size_t len);

#endif

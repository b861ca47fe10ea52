/* sheet_csv.c: the CSV reader (libcsv) of agency lists. */
#include <stddef.h>
#include <string.h>

#include <csv.h>

#include "agency_import.h"
#include "sheet.h"

static void csv_field(void *s, size_t len, void *data)
{
	struct rows *r = data;

	if (len)
		sheet_set_cell(r, r->col, s, len);
	r->col++;
}

/*
 * With CSV_REPALL_NL libcsv reports every line end, blank lines included,
 * so line numbers match what a spreadsheet shows; the LF of a CRLF that
 * ended a row is not a row of its own.
 */
static void csv_row(int c, void *data)
{
	struct rows *r = data;
	int blank = !(r->cell[0] || r->cell[1] || r->cell[2]) && !r->col;

	if (c == '\n' && r->last_cr && blank) {
		r->last_cr = 0;
		return;
	}
	r->last_cr = c == '\r';
	sheet_add_row(r);
}

int sheet_csv_read(struct rows *r, const char *data, size_t len)
{
	struct csv_parser p;

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	/* A text in UTF-8 has no NUL byte; UTF-16 (without its BOM) and binaries do. */
	if (memchr(data, '\0', len)) {
		r->f->error = IMPORT_NOT_UTF8;
		return -1;
	}
	/* Strict: a quote opened and never closed, or text after a closing quote, is an error, not the rest of the file in one cell. */
	if (csv_init(&p, CSV_REPALL_NL | CSV_STRICT | CSV_STRICT_FINI))
		return -1;
	if (csv_parse(&p, data, len, csv_field, csv_row, r) != len || csv_fini(&p, csv_field, csv_row, r)) {
		/* r->line rows were complete: the fault is in the next one (a quote never closed: where it opened). */
		r->f->error = arena_printf(r->a, "CSV 格式錯誤（第 %d 列起）：請確認引號成對。含有逗號或引號的欄位須整欄以雙引號括住，"
					   "欄內的引號寫成兩個（\"\"）；Excel 另存的 CSV 即是如此。", r->line + 1);
		csv_free(&p);
		return -1;
	}
	csv_free(&p);
	return 0;
}

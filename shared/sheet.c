/* sheet.c: the rows both readers fill, one cell at a time (see sheet.h). */
#include <stddef.h>
#include <string.h>

#include "agency_import.h"
#include "sheet.h"

void sheet_add_row(struct rows *r)
{
	struct import_file *f = r->f;
	struct import_row *row;

	r->line++;
	if (!(r->cell[0] || r->cell[1] || r->cell[2]))
		goto out;
	if (f->n > IMPORT_MAX_ROWS) {   /* one more: the first may be a heading */
		r->too_many = 1;
		goto out;
	}
	if (f->n >= r->cap) {
		int ncap = r->cap ? r->cap * 2 : 64;
		struct import_row *v = arena_alloc(r->a, sizeof(*v) * (size_t)ncap);

		if (f->n)
			memcpy(v, f->rows, sizeof(*v) * (size_t)f->n);
		f->rows = v;
		r->cap = ncap;
	}
	row = &f->rows[f->n++];
	memset(row, 0, sizeof(*row));
	row->line = r->line;
	/* Raw for now; import_read() normalises. */
	row->code = r->cell[0] ? r->cell[0] : "";
	row->name = r->cell[1] ? r->cell[1] : "";
	row->parent = r->cell[2] ? r->cell[2] : "";
out:
	r->cell[0] = r->cell[1] = r->cell[2] = NULL;
	r->col = 0;
}

/* Keeps the first value of a column in the current row (a sheet may repeat a cell). */
void sheet_set_cell(struct rows *r, int col, const char *s, size_t len)
{
	if (col < 0 || col > 2 || r->cell[col] || r->too_many || r->too_big)
		return;
	if (len > CELL_MAX) {
		len = CELL_MAX;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;   /* not in the middle of a UTF-8 sequence */
	}
	r->kept += len + 1;
	if (r->kept > KEPT_MAX) {
		r->too_big = 1;
		return;
	}
	r->cell[col] = arena_strndup(r->a, s, len);
	r->cell_len[col] = len;
}

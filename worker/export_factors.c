/* export_factors.c: 轉出明細's sheet 使用係數, the factors the year's lines were computed with. */
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "calc.h"
#include "export_inventory.h"
#include "nonagency.h"
#include "util.h"

/*
 * DESIGN: the sheet lists what the lines themselves keep (their factor
 * text, GWP set and sources), not today's factor table: after a factor day
 * a signed year's lines keep the factor they were signed with, and only the
 * factors some line used are listed.  The lines are not read again for it:
 * the two long sheets hand each line to xinv_factors_add() as they write
 * it, and the sheet is written after them (constant-memory mode keeps each
 * sheet in a file of its own).  A county-year uses a few dozen distinct
 * factors, so a list searched from its end (lines come grouped by item)
 * is enough.
 */
struct xinv_factor {
	int nonagency;                 /* 0 an agency line, 1 a non-agency line */
	char *part, *item, *unit, *factor_text, *gwp_set, *sources;
	int provisional;
	long long lines, milli;
	int fits;                      /* the sum held in int64 */
};

static int same(const struct xinv_factor *f, int nonagency, const char *part, const char *item, const char *factor_text,
		const char *gwp_set, const char *sources)
{
	return f->nonagency == nonagency && !strcmp(f->item, item) && !strcmp(f->part, part) &&
	       !strcmp(f->factor_text, factor_text) && !strcmp(f->gwp_set, gwp_set) && !strcmp(f->sources, sources);
}

void xinv_factors_add(struct xinv_factors *fs, int nonagency, const char *part, const char *item, const char *unit,
		      const char *factor_text, const char *gwp_set, const char *sources, int provisional, long long milli)
{
	struct xinv_factor *f = NULL;

	if (!factor_text || !*factor_text)
		return;   /* a line without a factor (none is stored so today) */
	for (size_t i = fs->n; i-- > 0;)
		if (same(&fs->v[i], nonagency, part, item, factor_text, gwp_set, sources)) {
			f = &fs->v[i];
			break;
		}
	if (!f) {
		if (fs->n == fs->cap) {
			fs->cap = fs->cap ? 2 * fs->cap : 32;
			fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
		}
		f = &fs->v[fs->n++];
		*f = (struct xinv_factor){ .nonagency = nonagency, .part = xstrdup(part), .item = xstrdup(item),
					   .unit = xstrdup(unit ? unit : ""), .factor_text = xstrdup(factor_text),
					   .gwp_set = xstrdup(gwp_set), .sources = xstrdup(sources), .fits = 1 };
	}
	f->provisional |= provisional;
	f->lines++;
	if (f->fits && __builtin_add_overflow(f->milli, milli, &f->milli))
		f->fits = 0;
}

static int by_place(const void *x, const void *y)
{
	const struct xinv_factor *a = x, *b = y;
	int c;

	if (a->nonagency != b->nonagency)
		return a->nonagency - b->nonagency;
	if ((c = -strcmp(a->part, b->part)))   /* own before outsourced */
		return c;
	if ((c = strcmp(a->item, b->item)))
		return c;
	return strcmp(a->factor_text, b->factor_text);
}

void xinv_factors_sheet(lxw_worksheet *ws, struct xinv_factors *fs, const struct xinv_fmt *f)
{
	static const char *const cols[] = { "排放源", "項目", "單位", "係數(kgCO₂e/單位)", "GWP 版本", "來源", "暫用係數",
		"明細筆數", "排放量(KgCO₂e)" };

	xinv_heads(ws, 0, cols, 9, f->head);
	worksheet_set_column(ws, 1, 1, 28, NULL);
	worksheet_set_column(ws, 3, 3, 18, NULL);
	worksheet_set_column(ws, 5, 5, 60, NULL);
	worksheet_set_column(ws, 8, 8, 18, NULL);
	if (fs->n)
		qsort(fs->v, fs->n, sizeof(*fs->v), by_place);
	for (size_t i = 0; i < fs->n; i++) {
		const struct xinv_factor *x = &fs->v[i];
		lxw_row_t r = (lxw_row_t)(i + 1);
		const struct na_method *m = x->nonagency ? na_method_get(x->item) : NULL;

		worksheet_write_string(ws, r, 0, x->nonagency ? "非機關單位活動" : !strcmp(x->part, "own") ? "機關自有" : "機關委外", NULL);
		worksheet_write_string(ws, r, 1, x->nonagency ? (m ? m->label : x->item) : calc_item_label(x->item), NULL);
		worksheet_write_string(ws, r, 2, x->unit, NULL);
		worksheet_write_string(ws, r, 3, x->factor_text, NULL);
		worksheet_write_string(ws, r, 4, x->gwp_set, NULL);
		worksheet_write_string(ws, r, 5, x->sources, NULL);
		worksheet_write_string(ws, r, 6, x->provisional ? "暫用" : "", NULL);
		worksheet_write_number(ws, r, 7, (double)x->lines, NULL);
		if (x->fits)
			worksheet_write_number(ws, r, 8, xinv_kg(x->milli), f->num);
		else
			worksheet_write_string(ws, r, 8, "超出範圍", NULL);
	}
}

void xinv_factors_release(struct xinv_factors *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct xinv_factor *x = &fs->v[i];

		free(x->part);
		free(x->item);
		free(x->unit);
		free(x->factor_text);
		free(x->gwp_set);
		free(x->sources);
	}
	free(fs->v);
	*fs = (struct xinv_factors){ 0 };
}

/* admin_reference.c: cityinv-admin's reference data: the factor and quality-default CSVs of
 * migrations/data, checked and upserted at every migrate. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "admin.h"
#include "config.h"
#include "db.h"
#include "decimal.h"
#include "nonagency.h"
#include "quality.h"
#include "store_factor.h"
#include "strbuf.h"
#include "util.h"

/*
 * The reference data, upserted at every migrate (idempotent; one
 * transaction, so a bad row leaves the tables as they were):
 *   emission-factors.csv (a copy of ../shared/reference) and
 *   supplementary-factors.csv (key, category, scope, gas, unit, value,
 *   valid_from_year, valid_to_year, source) into `factors`.  Values are
 *   checked as exact decimals; a source starting with PROVISIONAL,
 *   SECONDARY or DERIVED sets the confidence mark.
 *   factor-uncertainty.csv (fkey, ci_lower_percent, ci_upper_percent,
 *   source; scripts/factor_uncertainty.py derives it from the official
 *   form's 附表一) into the factors' ci_* columns: every key must exist.
 *   quality-defaults.csv (item, a1, a2, a3, dq_note, ad_lower_percent,
 *   ad_upper_percent, ad_basis, source) into item_quality_defaults: item a
 *   calc_items key, A1-A3 1..3, both bounds or neither.
 *   nonagency-quality-defaults.csv (method, then the same columns) into
 *   nonagency_quality_defaults: a non-agency method with defaults of its own
 *   (na_quality_own(): electricity and fuels take the agency form's items'),
 *   each such method once at least (a line without defaults would have no
 *   grade).
 * Percents are magnitudes with at most 3 decimals (1.5, 66.667), stored in
 * thousandths of a percent.
 */
#define CSV_MAX_COLS 9

struct csv_load;

struct csv_file {
	const char *name;
	int ncols;
	const char *first, *last;   /* the header's first and last column names */
	int (*take)(struct csv_load *l);   /* one data row: 0 or -1 (message logged) */
	int (*finish)(struct csv_load *l); /* after the last row, or NULL: 0 or -1 (message logged) */
};

struct csv_load {
	struct db *db;
	const struct csv_file *file;
	char *field[CSV_MAX_COLS];
	int col;
	int row;
	int loaded;
	int failed;
	char seen[NA_METHODS];     /* nonagency-quality-defaults.csv: the methods (by index) with a row */
};

static void csv_field(void *data, size_t len, void *ctx)
{
	struct csv_load *l = ctx;

	if (l->col < CSV_MAX_COLS)
		l->field[l->col] = xstrndup(data ? data : "", data ? len : 0);
	l->col++;
}

static enum calc_confidence confidence_of(const char *source)
{
	if (!strncmp(source, "PROVISIONAL", 11))
		return CONF_PROVISIONAL;
	if (!strncmp(source, "SECONDARY", 9))
		return CONF_SECONDARY;
	if (!strncmp(source, "DERIVED", 7))
		return CONF_DERIVED;
	return CONF_OFFICIAL;
}

static int take_factor(struct csv_load *l)
{
	struct store_factor_load row;
	dec_t v;

	if (dec_parse(l->field[5], strlen(l->field[5]), DEC_MAX_SCALE,
		      DEC_ALLOW_NEGATIVE | DEC_ALLOW_EXPONENT, &v) != DEC_OK)
		return error("factors: row %d (%s): bad value '%s'", l->row, l->field[0], l->field[5]);
	row = (struct store_factor_load){
		.key = l->field[0], .category = l->field[1], .scope = l->field[2], .gas = l->field[3], .unit = l->field[4],
		.value = l->field[5], .valid_from = l->field[6], .valid_to = l->field[7], .source = l->field[8],
		.confidence = confidence_of(l->field[8]),
	};
	if (store_factor_upsert(l->db, &row))
		return error("factors: row %d (%s): %s", l->row, l->field[0], l->db->errstr);
	return 0;
}

/*
 * A magnitude in percent with at most 3 decimals ("7", "1.5", "66.667")
 * into thousandths of a percent in 0..QUALITY_INTERVAL_MAX: 0, 1 when s is
 * empty, -1 when it is anything else.
 */
static int percent_milli(const char *s, int *out)
{
	long long v = 0;
	int digits = 0, decimals = -1;

	if (!*s)
		return 1;
	for (; *s; s++) {
		if (*s == '.' && decimals < 0 && digits) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || digits >= 9 || decimals >= 3)
			return -1;
		v = v * 10 + (*s - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
	}
	if (!digits || decimals == 0)
		return -1;
	for (int d = decimals < 0 ? 0 : decimals; d < 3; d++)
		v *= 10;
	if (v > QUALITY_INTERVAL_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int take_factor_ci(struct csv_load *l)
{
	int lo, up, r;

	if (percent_milli(l->field[1], &lo) || percent_milli(l->field[2], &up))
		return error("%s: row %d (%s): the bounds must be percents with at most 3 decimals, both given: '%s', '%s'",
			     l->file->name, l->row, l->field[0], l->field[1], l->field[2]);
	if (!*l->field[3])
		return error("%s: row %d (%s): no source", l->file->name, l->row, l->field[0]);
	r = store_factor_set_ci(l->db, l->field[0], lo, up, l->field[3]);
	if (r > 0)
		return error("%s: row %d: no factor '%s'", l->file->name, l->row, l->field[0]);
	if (r < 0)
		return error("%s: row %d (%s): %s", l->file->name, l->row, l->field[0], l->db->errstr);
	return 0;
}

/* "1".."3" into 1..3, or 0. */
static int grade_digit(const char *s)
{
	return s[0] >= '1' && s[0] <= '3' && !s[1] ? s[0] - '0' : 0;
}

/* A row of quality defaults (its key checked by the caller) into q; 0 or -1 (logged). */
static int quality_row(struct csv_load *l, struct store_item_quality *q)
{
	int rl, ru;

	memset(q, 0, sizeof(*q));
	q->a1 = grade_digit(l->field[1]);
	q->a2 = grade_digit(l->field[2]);
	q->a3 = grade_digit(l->field[3]);
	if (!q->a1 || !q->a2 || !q->a3)
		return error("%s: row %d (%s): A1, A2 and A3 must be 1, 2 or 3", l->file->name, l->row, l->field[0]);
	rl = percent_milli(l->field[5], &q->ad_lower_milli);
	ru = percent_milli(l->field[6], &q->ad_upper_milli);
	if (rl < 0 || ru < 0 || rl != ru)
		return error("%s: row %d (%s): the activity data's bounds must be percents with at most 3 decimals,"
			     " both or neither: '%s', '%s'", l->file->name, l->row, l->field[0], l->field[5], l->field[6]);
	q->has_ad = rl == 0;
	if (q->has_ad && !*l->field[7])
		return error("%s: row %d (%s): an interval needs its basis", l->file->name, l->row, l->field[0]);
	snprintf(q->item, sizeof(q->item), "%s", l->field[0]);
	snprintf(q->dq_note, sizeof(q->dq_note), "%s", l->field[4]);
	snprintf(q->ad_basis, sizeof(q->ad_basis), "%s", l->field[7]);
	snprintf(q->source, sizeof(q->source), "%s", l->field[8]);
	if (strlen(l->field[4]) >= sizeof(q->dq_note) || strlen(l->field[7]) >= sizeof(q->ad_basis) ||
	    strlen(l->field[8]) >= sizeof(q->source))
		return error("%s: row %d (%s): a text is too long", l->file->name, l->row, l->field[0]);
	return 0;
}

static int take_item_quality(struct csv_load *l)
{
	struct store_item_quality q;

	if (calc_item_index(l->field[0]) < 0)
		return error("%s: row %d: '%s' is not a form item", l->file->name, l->row, l->field[0]);
	if (quality_row(l, &q))
		return -1;
	if (store_factor_item_default_upsert(l->db, &q))
		return error("%s: row %d (%s): %s", l->file->name, l->row, l->field[0], l->db->errstr);
	return 0;
}

static int take_method_quality(struct csv_load *l)
{
	const struct na_method *m = na_method_get(l->field[0]);
	struct store_item_quality q;

	if (!m)
		return error("%s: row %d: '%s' is not a non-agency method", l->file->name, l->row, l->field[0]);
	if (!na_quality_own(m))
		return error("%s: row %d: '%s' takes the agency form's defaults (quality-defaults.csv: 電力, or the fuel chosen)",
			     l->file->name, l->row, l->field[0]);
	if (quality_row(l, &q))
		return -1;
	if (store_factor_method_default_upsert(l->db, &q))
		return error("%s: row %d (%s): %s", l->file->name, l->row, l->field[0], l->db->errstr);
	l->seen[m - na_methods] = 1;
	return 0;
}

/* Every method with defaults of its own has its row. */
static int methods_complete(struct csv_load *l)
{
	for (int i = 0; i < na_nmethods; i++)
		if (na_quality_own(&na_methods[i]) && !l->seen[i])
			return error("%s: no row for the method '%s'", l->file->name, na_methods[i].key);
	return 0;
}

static void csv_row(int c, void *ctx)
{
	struct csv_load *l = ctx;
	const struct csv_file *f = l->file;

	(void)c;
	l->row++;
	if (l->failed)
		goto out;
	if (l->col != f->ncols) {
		error("%s: row %d has %d fields, not %d", f->name, l->row, l->col, f->ncols);
		l->failed = 1;
		goto out;
	}
	if (l->row == 1) {
		if (strcmp(l->field[0], f->first) || strcmp(l->field[f->ncols - 1], f->last)) {
			error("%s: unexpected header", f->name);
			l->failed = 1;
		}
		goto out;
	}
	if (f->take(l)) {
		l->failed = 1;
		goto out;
	}
	l->loaded++;
out:
	for (int i = 0; i < CSV_MAX_COLS && i < l->col; i++)
		free(l->field[i]);
	memset(l->field, 0, sizeof(l->field));
	l->col = 0;
}

int load_factors(struct db *db, const struct config *cfg)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct csv_parser p;
	struct csv_load l = { .db = db };
	int ret = -1;

	/* The reference copy, then rows the reference gives only in its notes (each row says where),
	 * then the factors' intervals (on the rows just loaded), the items' quality defaults and the
	 * non-agency methods'. */
	static const struct csv_file files[] = {
		{ "emission-factors.csv", 9, "key", "source", take_factor, NULL },
		{ "supplementary-factors.csv", 9, "key", "source", take_factor, NULL },
		{ "factor-uncertainty.csv", 4, "fkey", "source", take_factor_ci, NULL },
		{ "quality-defaults.csv", 9, "item", "source", take_item_quality, NULL },
		{ "nonagency-quality-defaults.csv", 9, "method", "source", take_method_quality, methods_complete },
	};

	if (db_begin(db))
		goto out;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		strbuf_reset(&path);
		strbuf_reset(&text);
		strbuf_addf(&path, "%s/data/%s", cfg->migrations_dir, files[f].name);
		if (admin_read_file(path.buf, &text) || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
			db_rollback(db);
			goto out;
		}
		l.file = &files[f];
		l.row = 0;
		l.loaded = 0;
		memset(l.seen, 0, sizeof(l.seen));
		if (csv_parse(&p, text.buf, text.len, csv_field, csv_row, &l) != text.len ||
		    csv_fini(&p, csv_field, csv_row, &l)) {
			error("%s: %s", path.buf, csv_strerror(csv_error(&p)));
			l.failed = 1;
		}
		csv_free(&p);
		if (!l.failed && files[f].finish && files[f].finish(&l))
			l.failed = 1;
		if (l.failed) {
			db_rollback(db);
			goto out;
		}
		printf("%s: %d rows from %s\n", f < 2 ? "factors" : "quality", l.loaded, path.buf);
	}
	if (db_commit(db))
		goto out;
	ret = 0;
out:
	for (int i = 0; i < CSV_MAX_COLS; i++)
		free(l.field[i]);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

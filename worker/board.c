/* board.c: the validation board's run (SPEC-2 §2e): read a county-year, run its rules, write the findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "board_rules.h"
#include "calc.h"
#include "store_board.h"
#include "util.h"

/*
 * DESIGN: one transaction.  The county-year's board_runs row is locked
 * first (two runs take turns, the second sees the first's findings), then
 * the stamp, the thresholds, the agencies and the lines are read in one
 * snapshot, so the findings and the stamp they are recorded with describe
 * the same data: the page that finds the stamp moved knows the board is
 * behind.  The findings that hold are read too, and only the differences
 * are written, each on its identity: a new or changed finding, and the
 * closing of one this run did not find again (kept, with its 已查核); then
 * the run is recorded.  A run after one save writes a few rows, not the
 * thousands a county's board may hold (the quality job runs after every
 * burst of saves, on the same machine as the saves).  A failure rolls everything back: the board stays as the last
 * run left it, and its stamp says it is behind.
 */

#define ATTEMPTS 3

struct data {
	struct store_board_agency *ag;
	struct board_agency *in_ag;
	int nag, cap_ag;
	struct store_board_line *li;
	struct board_line *in_li;
	int nli, cap_li;
};

static int got_agency(void *ctx, const struct store_board_agency *a)
{
	struct data *d = ctx;

	if (d->nag == d->cap_ag) {
		d->cap_ag = d->cap_ag ? d->cap_ag * 2 : 64;
		d->ag = xrealloc(d->ag, sizeof(*d->ag) * (size_t)d->cap_ag);
	}
	d->ag[d->nag++] = *a;
	return 0;
}

static int got_line(void *ctx, const struct store_board_line *l)
{
	struct data *d = ctx;

	if (d->nli == d->cap_li) {
		d->cap_li = d->cap_li ? d->cap_li * 2 : 256;
		d->li = xrealloc(d->li, sizeof(*d->li) * (size_t)d->cap_li);
	}
	d->li[d->nli++] = *l;
	return 0;
}

/* The agency index of id among d->ag (sorted by id): -1 when not there. */
static int agency_index(const struct data *d, long long id)
{
	int lo = 0, hi = d->nag - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (d->ag[mid].id == id)
			return mid;
		if (d->ag[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The rules' input from what was read (pointers into d). */
static void build_input(struct data *d, struct board_input *in)
{
	int n = 0;

	d->in_ag = xcalloc((size_t)d->nag + 1, sizeof(*d->in_ag));
	d->in_li = xcalloc((size_t)d->nli + 1, sizeof(*d->in_li));
	for (int i = 0; i < d->nag; i++) {
		const struct store_board_agency *a = &d->ag[i];

		d->in_ag[i] = (struct board_agency){ a->id, a->level, a->name, a->status, a->rev, a->last_rev, a->total_milli,
						     a->filed_age_s, a->grade, a->grade_hundredths, a->has_unc,
						     a->unc_lower_milli, a->unc_upper_milli };
	}
	for (int i = 0; i < d->nli; i++) {
		const struct store_board_line *l = &d->li[i];
		int ix = agency_index(d, l->agency);

		if (ix < 0)
			continue;
		d->in_li[n++] = (struct board_line){ ix, l->last_year, l->item, calc_item_label(l->item), l->seq, l->refrigerant,
						     l->quantity_milli, l->kg_milli };
	}
	*in = (struct board_input){ d->in_ag, d->nag, d->in_li, n };
}

static void data_release(struct data *d)
{
	free(d->ag);
	free(d->in_ag);
	free(d->li);
	free(d->in_li);
	memset(d, 0, sizeof(*d));
}

static int identity_cmp(const void *x, const void *y)
{
	return board_finding_identity_cmp(x, y);
}

/* What a row holds: a Δ that is a level's median is that level's row (board_level_medians), not the finding's. */
static int same_finding(const struct board_finding *a, const struct board_finding *b)
{
	return a->delta_level == b->delta_level && (a->delta_level || a->delta_milli == b->delta_milli) && a->agency_rev == b->agency_rev && !strcmp(a->sig, b->sig) &&
	       !strcmp(a->detail, b->detail);
}

static int got_holding(void *ctx, const struct board_finding *f)
{
	*board_findings_push(ctx) = *f;
	return 0;
}

/* The level medians f's findings name (a level's findings all carry its median). */
static int write_medians(struct db *db, int county, int year, const struct board_findings *f)
{
	int levels[256], n = 0;
	long long medians[256];

	for (int i = 0; i < f->n; i++) {
		int k = 0;

		if (!f->v[i].delta_level)
			continue;
		while (k < n && levels[k] != f->v[i].delta_level)
			k++;
		if (k == n && n < 256) {
			levels[n] = f->v[i].delta_level;
			medians[n++] = f->v[i].delta_milli;
		}
	}
	return store_board_medians(db, county, year, levels, medians, n);
}

/*
 * Writes what differs between the findings f of this run and those that
 * hold (both sorted by identity, a merge): *written new or changed, *closed
 * no longer found.  0 or -1.
 */
static int write_changes(struct db *db, int county, int year, long long run_no, struct board_findings *f, int *written,
			 int *closed)
{
	struct board_findings h = { 0 };
	const struct board_finding **put = NULL;
	int i = 0, j = 0, n = 0, rc = -1;

	if (store_board_each_holding(db, county, year, got_holding, &h))
		goto out;
	if (f->n)
		qsort(f->v, (size_t)f->n, sizeof(*f->v), identity_cmp);
	if (h.n)
		qsort(h.v, (size_t)h.n, sizeof(*h.v), identity_cmp);
	while (i < f->n || j < h.n) {
		int c = i == f->n ? 1 : j == h.n ? -1 : identity_cmp(&f->v[i], &h.v[j]);

		if (c > 0) {
			if (store_board_close(db, county, year, &h.v[j++]))
				goto out;
			(*closed)++;
			continue;
		}
		if (c == 0 && same_finding(&f->v[i], &h.v[j++])) {
			i++;
			continue;
		}
		if (!put)
			put = xmalloc((size_t)f->n * sizeof(*put));
		put[n++] = &f->v[i++];
	}
	if (store_board_put(db, county, year, run_no, put, n) || write_medians(db, county, year, f))
		goto out;
	*written = n;
	rc = 0;
out:
	free(put);
	board_findings_release(&h);
	return rc;
}

/* One attempt inside a transaction begun here: 0 committed, -1 failed (rolled back). */
static int run_once(struct db *db, int county, int year, int *found)
{
	char stamp[STORE_BOARD_STAMP_MAX + 1], newest[20];
	struct board_thresholds t;
	struct board_input in;
	struct board_findings f = { 0 };
	struct data d = { 0 };
	long long run_no;
	int rc = -1, r, written = 0, closed = 0;

	*found = 1;
	if (store_board_thresholds_ensure(db, county, year) || db_begin(db))
		return -1;
	/* First whether the year is served (a county-year without inventory_years has no board). */
	r = store_board_thresholds(db, county, year, &t);
	if (r <= 0) {
		*found = r == 0 ? 0 : 1;
		goto out;
	}
	if (store_board_lock(db, county, year) || store_board_run_no(db, county, year, &run_no))
		goto out;
	if (store_board_stamp(db, county, year, stamp, newest))
		goto out;
	/* Read again under the lock: a change of thresholds committed meanwhile is seen. */
	if (store_board_thresholds(db, county, year, &t) != 1)
		goto out;
	if (store_board_each_agency(db, county, year, got_agency, &d) || store_board_each_line(db, county, year, got_line, &d))
		goto out;
	build_input(&d, &in);
	if (board_rules_run(&in, &t, &f))
		goto out;
	if (write_changes(db, county, year, run_no, &f, &written, &closed))
		goto out;
	if (store_board_finish(db, county, year, run_no, stamp, newest) || db_commit(db))
		goto out;
	log_info("board county %d year %d: %d finding(s), %d written, %d closed", county, year, f.n, written, closed);
	rc = 0;
out:
	if (rc)
		db_rollback(db);
	board_findings_release(&f);
	data_release(&d);
	return rc;
}

int board_run(struct db *db, int county, int year)
{
	int found;

	for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
		if (!run_once(db, county, year, &found))
			return 0;
		if (!found) {
			log_warn("board county %d year %d: not a year served", county, year);
			return 0;
		}
		if (!db_err_contention(db) || attempt == ATTEMPTS)
			break;
		log_warn("board county %d year %d: %s; trying again", county, year, db->errstr);
		usleep(20000 * attempt);
	}
	return error("board county %d year %d: %s", county, year, db->errstr);
}

/* board_rules.c: the validation board's rules: a county-year's figures in, findings ranked by Δ out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_rules.h"
#include "decimal.h"
#include "util.h"

const char *const board_rule_keys[BOARD_RULE__MAX] = {
	[BOARD_MISSING_ELECTRICITY] = "missing_electricity",
	[BOARD_ITEM_CHANGE] = "item_change",
	[BOARD_ELECTRICITY_OUTLIER] = "electricity_outlier",
	[BOARD_REFRIGERANT] = "refrigerant",
	[BOARD_DUPLICATE] = "duplicate",
	[BOARD_GRADE] = "grade",
	[BOARD_UNCERTAINTY] = "uncertainty",
	[BOARD_UNCONFIRMED] = "unconfirmed",
};

const char *const board_rule_labels[BOARD_RULE__MAX] = {
	[BOARD_MISSING_ELECTRICITY] = "缺少電力",
	[BOARD_ITEM_CHANGE] = "與去年差異過大",
	[BOARD_ELECTRICITY_OUTLIER] = "用電量偏離同級機關",
	[BOARD_REFRIGERANT] = "冷媒填充量過大",
	[BOARD_DUPLICATE] = "與其他機關數據相同",
	[BOARD_GRADE] = "數據品質第三級",
	[BOARD_UNCERTAINTY] = "不確定性過大",
	[BOARD_UNCONFIRMED] = "已登錄完成逾期未確認",
};

#define ELECTRICITY "electricity"
#define REFRIGERANT "refrigerant"
#define MAD_MIN_AGENCIES 3

enum board_rule board_rule_of(const char *key)
{
	for (int i = 0; i < BOARD_RULE__MAX; i++)
		if (!strcmp(board_rule_keys[i], key))
			return (enum board_rule)i;
	return BOARD_RULE__MAX;
}

void board_kg_text(long long milli, char *buf, int size)
{
	dec_format_grouped(dec_from_scaled_i64(milli, 3), buf, (size_t)size);
}

/* Half away from zero, as everywhere (no libm: the worker and the tests link none). */
static long long round_ld(long double x)
{
	return x < 0 ? -(long long)(-x + 0.5L) : (long long)(x + 0.5L);
}

static long double abs_ld(long double x)
{
	return x < 0 ? -x : x;
}

static long long absll(long long v)
{
	return v < 0 ? -v : v;
}

struct board_finding *board_findings_push(struct board_findings *out)
{
	struct board_finding *f;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = xrealloc(out->v, sizeof(*out->v) * (size_t)out->cap);
	}
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

static struct board_finding *add(struct board_findings *out, enum board_rule rule, const struct board_agency *a)
{
	struct board_finding *f = board_findings_push(out);

	f->rule = rule;
	f->agency = a->id;
	f->agency_rev = a->rev;
	snprintf(f->sig, sizeof(f->sig), "%lld", a->rev);
	return f;
}

/* A finding's Δ, never below 0. */
static void set_delta(struct board_finding *f, long long d)
{
	f->delta_milli = d < 0 ? 0 : d;
}

static int cmp_ld(const void *x, const void *y)
{
	long double a = *(const long double *)x, b = *(const long double *)y;

	return (a > b) - (a < b);
}

/* The median of v[0..n) (sorted in place); n > 0. */
static long double median(long double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_ld);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* What the rules need of one agency, summed from its lines. */
struct per_agency {
	long long elec, last_elec;   /* electricity kg, this year and last */
	int has_elec, has_last_elec;
};

/* The statistics of electricity by level: median and MAD, among the agencies with electricity. */
struct level_stats {
	int level;
	int n;
	long double median, mad;
};

static const struct level_stats *stats_of(const struct level_stats *s, int ns, int level)
{
	for (int i = 0; i < ns; i++)
		if (s[i].level == level)
			return &s[i];
	return NULL;
}

static int level_stats(const struct board_input *in, const struct per_agency *pa, struct level_stats *s)
{
	int ns = 0;
	long double *v = xmalloc(sizeof(*v) * (size_t)(in->nagencies + 1));

	for (int i = 0; i < in->nagencies; i++) {
		int level = in->agencies[i].level, n = 0;

		if (stats_of(s, ns, level))
			continue;
		for (int j = 0; j < in->nagencies; j++)
			if (in->agencies[j].level == level && pa[j].has_elec)
				v[n++] = (long double)pa[j].elec;
		s[ns].level = level;
		s[ns].n = n;
		s[ns].median = s[ns].mad = 0;
		if (n) {
			s[ns].median = median(v, n);
			for (int j = 0; j < n; j++)
				v[j] = abs_ld(v[j] - s[ns].median);
			s[ns].mad = median(v, n);
		}
		ns++;
	}
	free(v);
	return ns;
}

static void pct_text(long long now, long long then, char *buf, size_t size)
{
	long double p = ((long double)now - (long double)then) * 100.0L / (long double)then;

	snprintf(buf, size, "%+.1Lf %%", p);
}

static void rule_missing_electricity(const struct board_input *in, const struct per_agency *pa,
				     const struct level_stats *s, int ns, struct board_findings *out)
{
	char a_txt[48];

	for (int i = 0; i < in->nagencies; i++) {
		const struct board_agency *a = &in->agencies[i];
		const struct level_stats *ls = stats_of(s, ns, a->level);
		struct board_finding *f;

		if (!a->status || pa[i].has_elec)
			continue;
		f = add(out, BOARD_MISSING_ELECTRICITY, a);
		snprintf(f->item, sizeof(f->item), ELECTRICITY);
		if (pa[i].has_last_elec) {
			set_delta(f, pa[i].last_elec);
			board_kg_text(pa[i].last_elec, a_txt, sizeof(a_txt));
			snprintf(f->sig, sizeof(f->sig), "%lld/%lld", a->rev, a->last_rev);
			snprintf(f->detail, sizeof(f->detail), "本年未填電力；去年電力 %s kgCO2e。", a_txt);
		} else if (ls && ls->n) {
			/* The level's median, which moves with every save of the level: named, not copied (its Δ). */
			set_delta(f, round_ld(ls->median));
			f->delta_level = a->level >= 1 && a->level <= 255 ? a->level : 0;
			snprintf(f->detail, sizeof(f->detail), "本年未填電力；去年無電力資料，以政府%d級機關電力中位數估計影響。", a->level);
		} else {
			snprintf(f->detail, sizeof(f->detail), "本年未填電力；去年與同級機關皆無電力資料可估計影響。");
		}
	}
}

/* Per agency and item: this year's and last year's kg of own operations. */
struct item_sum {
	int agency;
	const char *item, *label;
	long long now, then;
};

static int cmp_item_sum(const void *x, const void *y)
{
	const struct item_sum *a = x, *b = y;

	if (a->agency != b->agency)
		return a->agency < b->agency ? -1 : 1;
	return strcmp(a->item, b->item);
}

static void rule_item_change(const struct board_input *in, const struct board_thresholds *t, struct board_findings *out)
{
	struct item_sum *v = xmalloc(sizeof(*v) * (size_t)(in->nlines + 1));
	int n = 0, m = 0;

	for (int i = 0; i < in->nlines; i++) {
		const struct board_line *l = &in->lines[i];

		v[n].agency = l->agency;
		v[n].item = l->item;
		v[n].label = l->label;
		v[n].now = l->last_year ? 0 : l->kg_milli;
		v[n].then = l->last_year ? l->kg_milli : 0;
		n++;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_item_sum);
	/* Sum the lines of one agency and item (the seqs of refrigerants). */
	for (int i = 0; i < n; i++) {
		if (m && !cmp_item_sum(&v[m - 1], &v[i])) {
			v[m - 1].now += v[i].now;
			v[m - 1].then += v[i].then;
		} else {
			v[m++] = v[i];
		}
	}
	for (int i = 0; i < m; i++) {
		const struct board_agency *a = &in->agencies[v[i].agency];
		long long diff = v[i].now - v[i].then;
		char now_t[48], then_t[48], pct[32];
		struct board_finding *f;

		if (!a->status || !a->last_rev || v[i].then <= 0)
			continue;
		/* |this − last| > pct % of last, exactly: (diff · 100 > pct · last), within int64 for a report's bounds. */
		if ((long double)absll(diff) * 100.0L <= (long double)t->change_pct * (long double)v[i].then)
			continue;
		f = add(out, BOARD_ITEM_CHANGE, a);
		snprintf(f->item, sizeof(f->item), "%s", v[i].item);
		snprintf(f->sig, sizeof(f->sig), "%lld/%lld", a->rev, a->last_rev);
		set_delta(f, absll(diff));
		board_kg_text(v[i].now, now_t, sizeof(now_t));
		board_kg_text(v[i].then, then_t, sizeof(then_t));
		pct_text(v[i].now, v[i].then, pct, sizeof(pct));
		snprintf(f->detail, sizeof(f->detail), "%s：本年 %s kgCO2e，去年 %s kgCO2e（%s，門檻 ±%d %%）。",
			 v[i].label, now_t, then_t, pct, t->change_pct);
	}
	free(v);
}

static void rule_electricity_outlier(const struct board_input *in, const struct board_thresholds *t,
				     const struct per_agency *pa, const struct level_stats *s, int ns,
				     struct board_findings *out)
{
	for (int i = 0; i < in->nagencies; i++) {
		const struct board_agency *a = &in->agencies[i];
		const struct level_stats *ls = stats_of(s, ns, a->level);
		char v_t[48], m_t[48], mad_t[48];
		long double dev;
		struct board_finding *f;

		if (!pa[i].has_elec || !ls || ls->n < MAD_MIN_AGENCIES || ls->mad <= 0)
			continue;
		dev = abs_ld((long double)pa[i].elec - ls->median);
		if (dev * 10.0L <= (long double)t->mad_tenths * ls->mad)
			continue;
		f = add(out, BOARD_ELECTRICITY_OUTLIER, a);
		snprintf(f->item, sizeof(f->item), ELECTRICITY);
		set_delta(f, round_ld(dev));
		board_kg_text(pa[i].elec, v_t, sizeof(v_t));
		board_kg_text(round_ld(ls->median), m_t, sizeof(m_t));
		board_kg_text(round_ld(ls->mad), mad_t, sizeof(mad_t));
		snprintf(f->detail, sizeof(f->detail), "電力 %s kgCO2e；政府%d級機關（%d 個）中位數 %s、MAD %s kgCO2e，超出中位數 ± %d.%d MAD。",
			 v_t, a->level, ls->n, m_t, mad_t, t->mad_tenths / 10, t->mad_tenths % 10);
	}
}

static void rule_refrigerant(const struct board_input *in, const struct board_thresholds *t, struct board_findings *out)
{
	for (int i = 0; i < in->nlines; i++) {
		const struct board_line *l = &in->lines[i];
		const struct board_agency *a = &in->agencies[l->agency];
		char q_t[48], lim_t[48], kg_t[48];
		struct board_finding *f;

		if (l->last_year || strcmp(l->item, REFRIGERANT) || l->quantity_milli <= t->refrigerant_milli)
			continue;
		f = add(out, BOARD_REFRIGERANT, a);
		snprintf(f->item, sizeof(f->item), "%s", l->item);
		f->seq = l->seq;
		set_delta(f, l->kg_milli < 0 ? -l->kg_milli : l->kg_milli);
		board_kg_text(l->quantity_milli, q_t, sizeof(q_t));
		board_kg_text(t->refrigerant_milli, lim_t, sizeof(lim_t));
		board_kg_text(l->kg_milli, kg_t, sizeof(kg_t));
		snprintf(f->detail, sizeof(f->detail), "%s %s 填充 %s kg（門檻 %s kg），排放 %s kgCO2e。",
			 l->label, l->refrigerant, q_t, lim_t, kg_t);
	}
}

static const struct board_input *dup_in;

/* This year's lines by (item, refrigerant, quantity), then agency id, then seq. */
static int cmp_dup(const void *x, const void *y)
{
	const struct board_line *a = &dup_in->lines[*(const int *)x], *b = &dup_in->lines[*(const int *)y];
	long long ia = dup_in->agencies[a->agency].id, ib = dup_in->agencies[b->agency].id;
	int c = strcmp(a->item, b->item);

	if (c)
		return c;
	if ((c = strcmp(a->refrigerant, b->refrigerant)))
		return c;
	if (a->quantity_milli != b->quantity_milli)
		return a->quantity_milli < b->quantity_milli ? -1 : 1;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static void rule_duplicate(const struct board_input *in, struct board_findings *out)
{
	int *ix = xmalloc(sizeof(*ix) * (size_t)(in->nlines + 1)), n = 0;

	for (int i = 0; i < in->nlines; i++)
		if (!in->lines[i].last_year && in->lines[i].quantity_milli != 0)
			ix[n++] = i;
	dup_in = in;
	qsort(ix, (size_t)n, sizeof(*ix), cmp_dup);
	for (int g = 0; g < n;) {
		const struct board_line *first = &in->lines[ix[g]];
		int e = g + 1;

		while (e < n && !strcmp(in->lines[ix[e]].item, first->item) && !strcmp(in->lines[ix[e]].refrigerant, first->refrigerant)
		       && in->lines[ix[e]].quantity_milli == first->quantity_milli)
			e++;
		/* Each later agency's line names the first agency of the group (one line per other agency). */
		for (int k = g + 1; k < e; k++) {
			const struct board_line *l = &in->lines[ix[k]];
			const struct board_agency *a = &in->agencies[l->agency], *o = &in->agencies[first->agency];
			char q_t[48], kg_t[48];
			struct board_finding *f;

			if (l->agency == first->agency || in->lines[ix[k - 1]].agency == l->agency)
				continue;
			f = add(out, BOARD_DUPLICATE, a);
			f->other = o->id;
			snprintf(f->item, sizeof(f->item), "%s", l->item);
			f->seq = l->seq;
			snprintf(f->sig, sizeof(f->sig), "%lld/%lld", a->rev, o->rev);
			set_delta(f, absll(l->kg_milli));
			board_kg_text(l->quantity_milli, q_t, sizeof(q_t));
			board_kg_text(l->kg_milli, kg_t, sizeof(kg_t));
			snprintf(f->detail, sizeof(f->detail), "%s%s%s 數量 %s 與「%s」完全相同（排放 %s kgCO2e）。", l->label,
				 l->refrigerant[0] ? " " : "", l->refrigerant, q_t, o->name, kg_t);
		}
		g = e;
	}
	free(ix);
}

static void rule_agency_wide(const struct board_input *in, const struct board_thresholds *t, struct board_findings *out)
{
	for (int i = 0; i < in->nagencies; i++) {
		const struct board_agency *a = &in->agencies[i];
		char tot[48];
		struct board_finding *f;

		board_kg_text(a->total_milli, tot, sizeof(tot));
		if (a->status && a->grade == 3) {
			f = add(out, BOARD_GRADE, a);
			set_delta(f, absll(a->total_milli));
			snprintf(f->detail, sizeof(f->detail), "數據品質等級 第三級（%lld.%02lld）；機關排放量 %s kgCO2e。",
				 a->grade_hundredths / 100, a->grade_hundredths % 100, tot);
		}
		if (a->status && a->has_unc
		    && (a->unc_lower_milli > t->uncertainty_milli || a->unc_upper_milli > t->uncertainty_milli)) {
			long double half = ((long double)a->unc_lower_milli + a->unc_upper_milli) / 2.0L / 100000.0L;

			f = add(out, BOARD_UNCERTAINTY, a);
			set_delta(f, round_ld(abs_ld((long double)a->total_milli) * half));
			snprintf(f->detail, sizeof(f->detail), "不確定性 −%d.%03d %% / +%d.%03d %%（門檻 ±%d.%03d %%）；機關排放量 %s kgCO2e。",
				 a->unc_lower_milli / 1000, a->unc_lower_milli % 1000, a->unc_upper_milli / 1000,
				 a->unc_upper_milli % 1000, t->uncertainty_milli / 1000, t->uncertainty_milli % 1000, tot);
		}
		if (a->status == 2 && a->filed_age_s > (long long)t->confirm_days * 86400) {
			f = add(out, BOARD_UNCONFIRMED, a);
			set_delta(f, absll(a->total_milli));
			snprintf(f->detail, sizeof(f->detail), "已登錄完成 %lld 天仍未確認（期限 %d 天）；機關排放量 %s kgCO2e。",
				 a->filed_age_s / 86400, t->confirm_days, tot);
		}
	}
}

int board_finding_cmp(const struct board_finding *a, const struct board_finding *b)
{
	if (a->delta_milli != b->delta_milli)
		return a->delta_milli > b->delta_milli ? -1 : 1;
	return board_finding_identity_cmp(a, b);
}

int board_finding_identity_cmp(const struct board_finding *a, const struct board_finding *b)
{
	int c;

	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (a->agency != b->agency)
		return a->agency < b->agency ? -1 : 1;
	if ((c = strcmp(a->item, b->item)))
		return c;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return (a->other > b->other) - (a->other < b->other);
}

static int cmp_finding(const void *x, const void *y)
{
	return board_finding_cmp(x, y);
}

void board_sort(struct board_finding *v, int n)
{
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_finding);
}

int board_rules_run(const struct board_input *in, const struct board_thresholds *t, struct board_findings *out)
{
	struct per_agency *pa;
	struct level_stats *s;
	int ns, first = out->n;

	for (int i = 0; i < in->nlines; i++)
		if (in->lines[i].agency < 0 || in->lines[i].agency >= in->nagencies)
			return -1;
	pa = xcalloc((size_t)in->nagencies + 1, sizeof(*pa));
	s = xcalloc((size_t)in->nagencies + 1, sizeof(*s));
	for (int i = 0; i < in->nlines; i++) {
		const struct board_line *l = &in->lines[i];
		struct per_agency *p = &pa[l->agency];

		if (strcmp(l->item, ELECTRICITY) || l->quantity_milli <= 0)
			continue;
		if (l->last_year) {
			p->last_elec += l->kg_milli;
			p->has_last_elec = 1;
		} else {
			p->elec += l->kg_milli;
			p->has_elec = 1;
		}
	}
	ns = level_stats(in, pa, s);
	rule_missing_electricity(in, pa, s, ns, out);
	rule_item_change(in, t, out);
	rule_electricity_outlier(in, t, pa, s, ns, out);
	rule_refrigerant(in, t, out);
	rule_duplicate(in, out);
	rule_agency_wide(in, t, out);
	board_sort(out->v + first, out->n - first);
	free(s);
	free(pa);
	return 0;
}

void board_findings_release(struct board_findings *f)
{
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

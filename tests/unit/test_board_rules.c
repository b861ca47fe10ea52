/* test_board_rules.c: the validation board's rules (board_rules): each rule, its threshold, its Δ, the order. */
#include <stdlib.h>
#include <string.h>

#include "board_rules.h"
#include "tap.h"

static const struct board_thresholds T = { 50, 30, 50000, 30000, 14 };

/* An agency with a report (登錄中) of revision 1 and last year's of revision 1. */
static struct board_agency ag(long long id, int level, const char *name, long long total)
{
	struct board_agency a = { .id = id, .level = level, .name = name, .status = 1, .rev = 1, .last_rev = 1,
				  .total_milli = total };
	return a;
}

static struct board_line ln(int agency, int last, const char *item, long long q, long long kg)
{
	struct board_line l = { agency, last, item, !strcmp(item, "electricity") ? "電力" : item, 0, "", q, kg };
	return l;
}

/* The findings of one rule among f. */
static int count(const struct board_findings *f, enum board_rule r)
{
	int n = 0;

	for (int i = 0; i < f->n; i++)
		n += f->v[i].rule == r;
	return n;
}

static const struct board_finding *find(const struct board_findings *f, enum board_rule r, long long agency)
{
	for (int i = 0; i < f->n; i++)
		if (f->v[i].rule == r && f->v[i].agency == agency)
			return &f->v[i];
	return NULL;
}

static void run(const struct board_agency *a, int na, const struct board_line *l, int nl, const struct board_thresholds *t,
		struct board_findings *out)
{
	struct board_input in = { a, na, l, nl };

	board_findings_release(out);
	ok(board_rules_run(&in, t, out) == 0, "the rules run");
}

static void test_item_change(void)
{
	struct board_agency a[2] = { ag(1, 2, "甲", 0), ag(2, 2, "乙", 0) };
	struct board_line l[] = {
		ln(0, 0, "electricity", 5000000, 2500000), ln(0, 1, "electricity", 1000000, 500000),   /* +400 % */
		ln(1, 0, "electricity", 1400000, 700000), ln(1, 1, "electricity", 1000000, 500000),    /* +40 %: within ±50 % */
	};
	struct board_findings f = { 0 };
	const struct board_finding *x;
	struct board_thresholds t = T;

	run(a, 2, l, 4, &T, &f);
	is_int(count(&f, BOARD_ITEM_CHANGE), 1, "one item beyond ±50 %%");
	x = find(&f, BOARD_ITEM_CHANGE, 1);
	ok(x != NULL, "the +400 %% jump is found");
	if (x) {
		is_int(x->delta_milli, 2000000, "Δ is |this − last| (2,000 kgCO2e)");
		is_str(x->item, "electricity", "its item");
		ok(strstr(x->detail, "+400.0 %") != NULL, "the detail gives the change: %s", x->detail);
		is_str(x->sig, "1/1", "its data: this year's and last year's revisions");
	}
	t.change_pct = 30;
	run(a, 2, l, 4, &t, &f);
	is_int(count(&f, BOARD_ITEM_CHANGE), 2, "a ±30 %% threshold finds the +40 %% too");
	t.change_pct = 400;
	run(a, 2, l, 4, &t, &f);
	is_int(count(&f, BOARD_ITEM_CHANGE), 0, "exactly +400 %% is not beyond ±400 %%");
	a[0].last_rev = 0;
	run(a, 2, l, 4, &T, &f);
	ok(!find(&f, BOARD_ITEM_CHANGE, 1), "no comparison without last year's report");
	board_findings_release(&f);
}

static void test_missing_electricity(void)
{
	struct board_agency a[4] = { ag(1, 3, "甲", 0), ag(2, 3, "乙", 0), ag(3, 3, "丙", 0), ag(4, 3, "丁", 0) };
	struct board_line l[] = {
		ln(0, 1, "electricity", 1000, 400000),          /* 甲: none this year, 400 kg last year */
		ln(2, 0, "electricity", 1000, 100000), ln(3, 0, "electricity", 1000, 300000),
	};
	struct board_findings f = { 0 };
	const struct board_finding *x;

	a[1].last_rev = 0;
	run(a, 4, l, 3, &T, &f);
	is_int(count(&f, BOARD_MISSING_ELECTRICITY), 2, "甲 and 乙 have no electricity");
	x = find(&f, BOARD_MISSING_ELECTRICITY, 1);
	ok(x && x->delta_milli == 400000 && !x->delta_level, "Δ is last year's electricity, the finding's own");
	x = find(&f, BOARD_MISSING_ELECTRICITY, 2);
	ok(x && x->delta_milli == 200000, "else the median of its level (100 and 300 -> 200)");
	ok(x && x->delta_level == 3 && !strstr(x->detail, "200"),
	   "which the finding names (level 3), not copies: its text holds no figure that moves with the level's saves");
	a[1].status = 0;
	run(a, 4, l, 3, &T, &f);
	ok(!find(&f, BOARD_MISSING_ELECTRICITY, 2), "an agency without a report is not asked");
	board_findings_release(&f);
}

static void test_outlier(void)
{
	struct board_agency a[6] = { ag(1, 3, "a", 0), ag(2, 3, "b", 0), ag(3, 3, "c", 0), ag(4, 3, "d", 0), ag(5, 3, "e", 0),
				     ag(6, 2, "f", 0) };
	/* 100, 110, 120, 130 and 1000: median 120, deviations 20 10 0 10 880 -> MAD 10; 1000 is 880 > 30 away. */
	struct board_line l[] = {
		ln(0, 0, "electricity", 1, 100000), ln(1, 0, "electricity", 2, 110000), ln(2, 0, "electricity", 3, 120000),
		ln(3, 0, "electricity", 4, 130000), ln(4, 0, "electricity", 5, 1000000), ln(5, 0, "electricity", 6, 9000000),
	};
	struct board_findings f = { 0 };
	const struct board_finding *x;
	struct board_thresholds t = T;

	run(a, 6, l, 6, &T, &f);
	is_int(count(&f, BOARD_ELECTRICITY_OUTLIER), 1, "one agency outside median ± 3 MAD");
	x = find(&f, BOARD_ELECTRICITY_OUTLIER, 5);
	ok(x && x->delta_milli == 880000, "Δ |value − median| = 880 kgCO2e");
	ok(!find(&f, BOARD_ELECTRICITY_OUTLIER, 6), "a level of one agency has no median to leave");
	t.mad_tenths = 900;   /* 90 MAD = 900 */
	run(a, 6, l, 6, &t, &f);
	is_int(count(&f, BOARD_ELECTRICITY_OUTLIER), 0, "90 MAD keeps it in");
	t.mad_tenths = 880;   /* 88 MAD = 880: not beyond */
	run(a, 6, l, 6, &t, &f);
	is_int(count(&f, BOARD_ELECTRICITY_OUTLIER), 0, "exactly 88 MAD away is not outside ± 88 MAD");
	board_findings_release(&f);
}

static void test_refrigerant_duplicate(void)
{
	struct board_agency a[3] = { ag(7, 3, "甲", 0), ag(8, 3, "乙", 0), ag(9, 3, "丙", 0) };
	struct board_line l[] = {
		{ 0, 0, "refrigerant", "冷媒", 1, "R410a", 60000, 125000000 },   /* 60 kg > 50 kg */
		{ 1, 0, "refrigerant", "冷媒", 1, "R410a", 50000, 104000000 },   /* exactly 50 kg: not above */
		ln(1, 0, "natural_gas", 123456, 250000), ln(2, 0, "natural_gas", 123456, 250000),   /* the same figure */
		ln(0, 0, "lpg", 0, 0), ln(2, 0, "lpg", 0, 0),                                     /* zero: never a duplicate */
	};
	struct board_findings f = { 0 };
	const struct board_finding *x;

	run(a, 3, l, 6, &T, &f);
	is_int(count(&f, BOARD_REFRIGERANT), 1, "one refrigerant line above 50 kg");
	x = find(&f, BOARD_REFRIGERANT, 7);
	ok(x && x->delta_milli == 125000000 && x->seq == 1, "Δ the line's emissions, the line named");
	is_int(count(&f, BOARD_DUPLICATE), 1, "one duplicated figure");
	x = find(&f, BOARD_DUPLICATE, 9);
	ok(x && x->other == 8 && x->delta_milli == 250000, "on the later agency, naming the other, Δ the line's emissions");
	if (x)
		ok(strstr(x->detail, "「乙」") != NULL, "the detail names the other agency: %s", x->detail);
	board_findings_release(&f);
}

static void test_agency_wide(void)
{
	struct board_agency a[3] = { ag(1, 2, "甲", 1000000), ag(2, 2, "乙", 2000000), ag(3, 2, "丙", 3000000) };
	struct board_findings f = { 0 };
	const struct board_finding *x;

	a[0].grade = 3;
	a[0].grade_hundredths = 2130;
	a[1].has_unc = 1, a[1].unc_lower_milli = 40000, a[1].unc_upper_milli = 50000;   /* half-width 45 % */
	a[2].has_unc = 1, a[2].unc_lower_milli = 30000, a[2].unc_upper_milli = 30000;   /* exactly ±30 %: not wider */
	a[2].status = 2, a[2].filed_age_s = 15 * 86400;
	a[1].status = 2, a[1].filed_age_s = 14 * 86400;                                   /* exactly 14 days: not longer */
	run(a, 3, NULL, 0, &T, &f);
	x = find(&f, BOARD_GRADE, 1);
	ok(x && x->delta_milli == 1000000, "第三級: Δ the agency's total");
	if (x)
		ok(strstr(x->detail, "21.30") != NULL, "the grade in the detail: %s", x->detail);
	is_int(count(&f, BOARD_UNCERTAINTY), 1, "one interval wider than ±30 %%");
	x = find(&f, BOARD_UNCERTAINTY, 2);
	ok(x && x->delta_milli == 900000, "Δ total × half-width (2,000 × 45 %% = 900)");
	is_int(count(&f, BOARD_UNCONFIRMED), 1, "one report waiting longer than 14 days");
	x = find(&f, BOARD_UNCONFIRMED, 3);
	ok(x && x->delta_milli == 3000000, "Δ the report's total");
	board_findings_release(&f);
}

static void test_order(void)
{
	struct board_agency a[3] = { ag(1, 2, "甲", 1000000), ag(2, 2, "乙", 5000000), ag(3, 2, "丙", 0) };
	struct board_line l[] = { ln(2, 0, "electricity", 9000, 2500000), ln(2, 1, "electricity", 1000, 500000),
				  ln(0, 0, "electricity", 1, 1000), ln(0, 1, "electricity", 1, 1000),
				  ln(1, 0, "electricity", 2, 1000), ln(1, 1, "electricity", 2, 1000) };
	struct board_findings f = { 0 };
	int sorted = 1;

	a[0].grade = 3;
	a[1].status = 2, a[1].filed_age_s = 30 * 86400;
	a[1].grade = 3;
	run(a, 3, l, 6, &T, &f);
	is_int(f.n, 4, "four findings");
	for (int i = 1; i < f.n; i++)
		sorted &= f.v[i - 1].delta_milli >= f.v[i].delta_milli;
	ok(sorted, "sorted by Δ, largest first");
	ok(f.n == 4 && f.v[0].agency == 2 && f.v[0].rule == BOARD_GRADE && f.v[1].rule == BOARD_UNCONFIRMED,
	   "equal Δ: by rule");
	ok(f.n == 4 && f.v[2].rule == BOARD_ITEM_CHANGE && f.v[2].delta_milli == 2000000, "then the jump (2,000)");
	ok(f.n == 4 && f.v[3].agency == 1, "then 甲 (1,000)");
	is_int(board_rule_of("item_change"), BOARD_ITEM_CHANGE, "a rule by its stored name");
	is_int(board_rule_of("nope"), BOARD_RULE__MAX, "an unknown name");
	board_findings_release(&f);
}

int main(void)
{
	test_item_change();
	test_missing_electricity();
	test_outlier();
	test_refrigerant_duplicate();
	test_agency_wide();
	test_order();
	return tap_done();
}

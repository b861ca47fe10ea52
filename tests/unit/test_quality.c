/* test_quality.c: the official grade and uncertainty against the form's worked example (README section 9). */
#include <string.h>

#include "quality.h"
#include "tap.h"

/* t CO2e with 4 decimals, as the form shows them, into kgCO2e thousandths. */
#define T(whole, frac4) ((whole) * 1000000LL + (frac4) * 100LL)

static void levels(void)
{
	is_int(quality_level(2, 1, 3), 6, "電力 from bills: 2 x 1 x 3 = 6");
	is_int(quality_level(3, 3, 3), 27, "the worst level is 27");
	is_int(quality_level(0, 1, 1), 0, "A1 0 is out of range");
	is_int(quality_level(1, 4, 1), 0, "A2 4 is out of range");
	is_int(quality_score(9), 1, "level 9 scores 1");
	is_int(quality_score(10), 2, "level 10 scores 2");
	is_int(quality_score(18), 2, "level 18 scores 2");
	is_int(quality_score(19), 3, "level 19 scores 3");
	is_int(quality_score(0), 0, "level 0 scores 0");
	is_int(quality_class(999), 1, "9.99 is 第一級");
	is_int(quality_class(1000), 2, "10.00 is 第二級");
	is_int(quality_class(1899), 2, "18.99 is 第二級");
	is_int(quality_class(1900), 3, "19.00 is 第三級");
	is_int(quality_class(2700), 3, "27.00 is 第三級");
	is_int(quality_class(2701), 0, "above 27 has no class");
	is_str(quality_class_label(1), "第一級", "label of class 1");
	is_str(quality_class_label(3), "第三級", "label of class 3");
	is_str(quality_class_label(0), "—", "label of no class");
}

/* README section 9(b): the 12 lines of 表六 with their AU (表五) and levels. */
static const struct quality_line sample[] = {
	{ 0, 12 },                  /* 柴油 (no emission) */
	{ T(809, 2258), 12 },       /* 其他汽油 */
	{ T(0, 1173), 4 },          /* 乙炔 */
	{ 0, 12 },                  /* ４～６號重油 */
	{ 0, 12 },                  /* 天然氣 */
	{ T(1202, 4545), 6 },       /* 車用汽油 */
	{ T(3522, 2786), 12 },      /* 車用汽油 */
	{ T(0, 367), 2 },           /* 二氧化碳 */
	{ T(7859, 210), 18 },       /* 廢水處理(BOD) */
	{ T(35160, 5814), 6 },      /* 其他電力 */
	{ 0, 12 },                  /* REC */
	{ T(372, 0), 6 },           /* HFC-23 */
};
#define NSAMPLE ((int)(sizeof(sample) / sizeof(sample[0])))

static void grade(void)
{
	struct quality_grade g;
	struct quality_line v[4], w[7];
	char buf[32];

	ok(quality_grade(sample, NSAMPLE, &g) == 0, "the official sample is graded");
	is_int(g.covered_milli, T(48925, 7153), "covered Σ|E| = 48,925.7153 t");
	is_int(g.grade_hundredths, 846, "grade 8.46");
	is_int(g.cls, 1, "第一級");
	is_int(g.n_by_score[1], 5, "5 lines score 1");
	is_int(g.n_by_score[2], 7, "7 lines score 2 (zero-emission lines count)");
	is_int(g.n_by_score[3], 0, "no line scores 3");
	quality_grade_text(g.grade_hundredths, buf, sizeof(buf));
	is_str(buf, "8.46", "grade text");
	quality_grade_text(5, buf, sizeof(buf));
	is_str(buf, "0.05", "grade text pads hundredths");

	/* The form rounds each product: seven equal lines at level 1 have shares ROUND(1/7, 4) =
	 * 0.1429, products 0.14, grade 0.98; unrounded products (1.0003) or no rounding (1.00)
	 * would give 1.00. */
	for (int i = 0; i < 7; i++)
		w[i] = (struct quality_line){ 1000, 1 };
	ok(quality_grade(w, 7, &g) == 0, "seven equal lines");
	is_int(g.grade_hundredths, 98, "Σ ROUND(ROUND(share, 4) x level, 2) = 0.98, not 1.00");
	is_int(g.cls, 1, "0.98 is 第一級");

	/* A removal counts by its absolute value. */
	v[0] = (struct quality_line){ -3000, 27 };
	v[1] = (struct quality_line){ 1000, 1 };
	ok(quality_grade(v, 2, &g) == 0, "a removal is graded");
	is_int(g.covered_milli, 4000, "covered is Σ|E|");
	is_int(g.grade_hundredths, 2050, "0.75 x 27 + 0.25 x 1 = 20.50");
	is_int(g.cls, 3, "20.50 is 第三級");

	/* Half away from zero on the share: 1/8 = 0.125 -> 0.1250 exactly; 0.00005 ties round up. */
	v[0] = (struct quality_line){ 1, 1 };
	v[1] = (struct quality_line){ 19999, 1 };
	ok(quality_grade(v, 2, &g) == 0, "a share at a tie");
	/* 1/20000 = 0.00005 -> ROUND 4 = 0.0001 -> x1 = 0.0001 -> ROUND 2 = 0.00; 19999/20000 = 0.99995 -> 1.0000 -> 1.00 */
	is_int(g.grade_hundredths, 100, "0.99995 rounds half away to 1.0000");

	/* Nothing covered. */
	ok(quality_grade(v, 0, &g) == 0, "no lines");
	ok(g.covered_milli == 0 && g.grade_hundredths == 0 && g.cls == 0, "nothing covered: 0, class 0");
	v[0] = (struct quality_line){ 0, 6 };
	ok(quality_grade(v, 1, &g) == 0 && g.cls == 0 && g.n_by_score[1] == 1, "only 0 kg: class 0, the line still counted");

	/* Bad levels and sums. */
	v[0] = (struct quality_line){ 1000, 28 };
	is_int(quality_grade(v, 1, &g), -1, "level 28 refused");
	ok(g.n_by_score[1] == 0 && g.cls == 0, "and out zeroed");
	v[0] = (struct quality_line){ 1000, 0 };
	is_int(quality_grade(v, 1, &g), -1, "level 0 refused");
	v[0] = (struct quality_line){ 9000000000000000000LL, 1 };
	v[1] = (struct quality_line){ -9000000000000000000LL, 1 };
	is_int(quality_grade(v, 2, &g), -1, "a covered total beyond int64 refused");
}

static void gas_interval(void)
{
	struct quality_interval u;

	ok(quality_gas_interval((struct quality_interval){ 1500, 1500 }, (struct quality_interval){ 7000, 7000 }, &u) == 0,
	   "electricity AD ±1.5 %%, EF ±7.0 %%");
	is_int(u.lower_milli, 7159, "lower √(1.5² + 7.0²) = 7.159 %%");
	is_int(u.upper_milli, 7159, "upper 7.159 %%");
	quality_gas_interval((struct quality_interval){ 1500, 1500 }, (struct quality_interval){ 2000, 900 }, &u);
	is_int(u.lower_milli, 2500, "heavy oil lower 2.500 %%");
	is_int(u.upper_milli, 1749, "heavy oil upper 1.749 %%");
	quality_gas_interval((struct quality_interval){ 200, 200 }, (struct quality_interval){ 2500, 1800 }, &u);
	is_int(u.lower_milli, 2508, "natural gas lower 2.508 %%");
	is_int(u.upper_milli, 1811, "natural gas upper 1.811 %%");
	quality_gas_interval((struct quality_interval){ 0, 0 }, (struct quality_interval){ 0, 0 }, &u);
	ok(u.lower_milli == 0 && u.upper_milli == 0, "0 and 0 is 0");
	quality_gas_interval((struct quality_interval){ QUALITY_INTERVAL_MAX, QUALITY_INTERVAL_MAX },
			     (struct quality_interval){ QUALITY_INTERVAL_MAX, 0 }, &u);
	is_int(u.lower_milli, 14142136, "the largest inputs: √2 x 10^7 rounded");
	is_int(u.upper_milli, QUALITY_INTERVAL_MAX, "one side 0: the other");
	is_int(quality_gas_interval((struct quality_interval){ -1, 0 }, (struct quality_interval){ 0, 0 }, &u), -1,
	       "a negative bound refused");
	is_int(quality_gas_interval((struct quality_interval){ 0, 0 }, (struct quality_interval){ 0, QUALITY_INTERVAL_MAX + 1 }, &u),
	       -1, "a bound above the maximum refused");
}

static void uncertainty(void)
{
	struct quality_interval elec = { 7159, 7159 }, rec = { 7159, 7159 };
	struct quality_acc a, b, all;
	struct quality_uncertainty u;
	char buf[64];

	/* README section 9(c): electricity 35,160.5814 t assessed at 7.159 %, REC 0 t assessed,
	 * every other line not assessed; Σ|E| 48,925.7153 t. */
	quality_acc_init(&a);
	quality_acc_add(&a, T(809, 2258), NULL);
	quality_acc_add(&a, T(0, 1173), NULL);
	quality_acc_add(&a, 0, NULL);                 /* heavy oil: assessed in the form, but 0 t */
	quality_acc_add(&a, T(1202, 4545), NULL);
	quality_acc_add(&a, T(3522, 2786), NULL);
	quality_acc_add(&a, T(0, 367), NULL);
	quality_acc_add(&a, T(7859, 210), NULL);
	quality_acc_add(&a, T(35160, 5814), &elec);
	quality_acc_add(&a, 0, &rec);
	quality_acc_add(&a, T(372, 0), NULL);
	ok(quality_uncertainty(&a, &u) == 0, "the official sample's uncertainty");
	is_int(u.assessed, 1, "assessed");
	is_int(u.u.lower_milli, 7159, "lower -7.159 %%");
	is_int(u.u.upper_milli, 7159, "upper +7.159 %%");
	is_int(u.assessed_bp, 7187, "71.87 %% of |E| assessed");
	quality_interval_text(&u, buf, sizeof(buf));
	is_str(buf, "±7.159 %", "text ±7.159 %%");

	/* Two lines with different bounds combine as √Σ(E·U)² / ΣE. */
	quality_acc_init(&b);
	quality_acc_add(&b, 3000000, &(struct quality_interval){ 3000, 4000 });   /* 3,000 kg */
	quality_acc_add(&b, 4000000, &(struct quality_interval){ 4000, 3000 });   /* 4,000 kg */
	ok(quality_uncertainty(&b, &u) == 0 && u.assessed, "two assessed lines");
	/* lower √(90² + 160²) / 7000 = 183.576 / 7000 = 2.62251 % ; upper √(120² + 120²) / 7000 = 2.42437 % */
	is_int(u.u.lower_milli, 2623, "lower 2.623 %%");
	is_int(u.u.upper_milli, 2424, "upper 2.424 %%");
	is_int(u.assessed_bp, 10000, "all assessed");
	quality_interval_text(&u, buf, sizeof(buf));
	is_str(buf, "−2.623 % / +2.424 %", "different bounds: both shown");

	/* Merge of two accumulators equals adding all. */
	quality_acc_init(&all);
	quality_acc_add(&all, T(35160, 5814), &elec);
	quality_acc_add(&all, T(13765, 1339), NULL);
	quality_acc_add(&all, 3000000, &(struct quality_interval){ 3000, 4000 });
	quality_acc_add(&all, 4000000, &(struct quality_interval){ 4000, 3000 });
	quality_acc_init(&a);
	quality_acc_add(&a, T(35160, 5814), &elec);
	quality_acc_add(&a, T(13765, 1339), NULL);
	quality_acc_merge(&a, &b);
	{
		struct quality_uncertainty u1, u2;

		ok(quality_uncertainty(&a, &u1) == 0 && quality_uncertainty(&all, &u2) == 0, "merged and whole");
		ok(!memcmp(&u1, &u2, sizeof(u1)), "merging equals adding all (%d/%d/%d vs %d/%d/%d)",
		   u1.u.lower_milli, u1.u.upper_milli, u1.assessed_bp, u2.u.lower_milli, u2.u.upper_milli, u2.assessed_bp);
	}

	/* A removal counts by its absolute value in the share assessed. */
	quality_acc_init(&a);
	quality_acc_add(&a, -1000000, NULL);
	quality_acc_add(&a, 3000000, &elec);
	ok(quality_uncertainty(&a, &u) == 0 && u.assessed, "a removal beside an assessed line");
	is_int(u.assessed_bp, 7500, "3 of |1| + |3| assessed: 75.00 %%");
	is_int(u.u.lower_milli, 7159, "one assessed line keeps its interval");

	/* Nothing assessed. */
	quality_acc_init(&a);
	quality_acc_add(&a, 5000000, NULL);
	ok(quality_uncertainty(&a, &u) == 0, "nothing assessed");
	ok(!u.assessed && u.assessed_bp == 0, "未評估, 0 %% assessed");
	quality_interval_text(&u, buf, sizeof(buf));
	is_str(buf, "未評估", "text 未評估");
	quality_acc_init(&a);
	ok(quality_uncertainty(&a, &u) == 0 && !u.assessed && u.assessed_bp == 0, "nothing at all: 未評估");
	quality_acc_add(&a, 0, &rec);
	ok(quality_uncertainty(&a, &u) == 0 && !u.assessed, "only a REC line at 0 kg: 未評估, no division by 0");
}

int main(void)
{
	levels();
	grade();
	gas_interval();
	uncertainty();
	return tap_done();
}

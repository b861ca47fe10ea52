/* quality.c: the official data-quality grade and uncertainty of an inventory (清冊表單 表六, 表七, 表八). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "quality.h"

__extension__ typedef __int128 i128;

/*
 * DESIGN: the grade is integer arithmetic throughout (__int128 where a
 * product of a covered total and 10^4 needs it), so 8.46 is 846 on every
 * machine; the form's ROUND is half away from zero, and every quantity
 * rounded here is non-negative, so "half up" on magnitudes is the same.
 * The per-gas interval is exact too: ROUND(√(a² + b²), 5) of fractions is
 * the integer nearest √(a² + b²) of the thousandths of a percent, and a
 * square of integers is never exactly half-way between two squares.  Only
 * the combined uncertainty, a ratio of square roots of sums, is long double.
 */

int quality_level(int a1, int a2, int a3)
{
	if (a1 < 1 || a1 > 3 || a2 < 1 || a2 > 3 || a3 < 1 || a3 > 3)
		return 0;
	return a1 * a2 * a3;
}

int quality_score(int level)
{
	if (level < 1 || level > 27)
		return 0;
	return level < 10 ? 1 : level < 19 ? 2 : 3;
}

int quality_class(long long grade_hundredths)
{
	if (grade_hundredths < 0)
		return 0;
	if (grade_hundredths < 1000)
		return 1;
	if (grade_hundredths < 1900)
		return 2;
	if (grade_hundredths <= 2700)
		return 3;
	return 0;
}

const char *quality_class_label(int cls)
{
	static const char *const labels[] = { "—", "第一級", "第二級", "第三級" };

	return cls >= 1 && cls <= 3 ? labels[cls] : labels[0];
}

/* n / d rounded half up, for n >= 0 and d > 0. */
static i128 div_round(i128 n, i128 d)
{
	return (2 * n + d) / (2 * d);
}

int quality_grade(const struct quality_line *v, int n, struct quality_grade *out)
{
	i128 covered = 0, grade = 0;

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		i128 e = v[i].e_milli;

		if (v[i].level < 1 || v[i].level > 27)
			goto fail;
		covered += e < 0 ? -e : e;
		if (covered > LLONG_MAX)
			goto fail;
		out->n_by_score[quality_score(v[i].level)]++;
	}
	if (!covered)
		return 0;
	for (int i = 0; i < n; i++) {
		i128 e = v[i].e_milli;
		/* ROUND(|E| / ΣE, 4), in ten-thousandths; then ROUND(share × level, 2), in hundredths. */
		i128 share = div_round((e < 0 ? -e : e) * 10000, covered);

		grade += div_round(share * v[i].level, 100);
	}
	out->covered_milli = (long long)covered;
	out->grade_hundredths = (long long)grade;
	out->cls = quality_class(out->grade_hundredths);
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	return -1;
}

static int interval_ok(struct quality_interval x)
{
	return x.lower_milli >= 0 && x.lower_milli <= QUALITY_INTERVAL_MAX &&
	       x.upper_milli >= 0 && x.upper_milli <= QUALITY_INTERVAL_MAX;
}

/* The integer nearest √(a² + b²), a and b in 0..QUALITY_INTERVAL_MAX (no ties: see DESIGN). */
static int hypot_round(long long a, long long b)
{
	long long s = a * a + b * b;
	long long r = (long long)sqrtl((long double)s);

	/* sqrtl of an exact integer below 2^64 is within one of the floor; settle it exactly. */
	while (r > 0 && r * r > s)
		r--;
	while ((r + 1) * (r + 1) <= s)
		r++;
	/* r ≤ √s < r + 1: round up when s ≥ (r + ½)², i.e. s > r² + r. */
	return (int)(s > r * r + r ? r + 1 : r);
}

int quality_gas_interval(struct quality_interval ad, struct quality_interval ef, struct quality_interval *out)
{
	if (!interval_ok(ad) || !interval_ok(ef)) {
		out->lower_milli = out->upper_milli = 0;
		return -1;
	}
	out->lower_milli = hypot_round(ad.lower_milli, ef.lower_milli);
	out->upper_milli = hypot_round(ad.upper_milli, ef.upper_milli);
	return 0;
}

void quality_acc_init(struct quality_acc *a)
{
	a->sq_lower = a->sq_upper = 0;
	a->e_assessed = a->abs_assessed = a->abs_all = 0;
}

void quality_acc_add(struct quality_acc *a, long long e_milli, const struct quality_interval *u)
{
	long double e = (long double)e_milli / 1000.0L;
	long double ae = fabsl(e);

	a->abs_all += ae;
	if (!u)
		return;
	long double lo = e * ((long double)u->lower_milli / 100000.0L);
	long double up = e * ((long double)u->upper_milli / 100000.0L);

	a->sq_lower += lo * lo;
	a->sq_upper += up * up;
	a->e_assessed += e;
	a->abs_assessed += ae;
}

void quality_acc_add_gas(struct quality_acc *a, long long e_milli, int ad_lower, int ad_upper, int ef_lower, int ef_upper)
{
	struct quality_interval u;
	int ok = ad_lower >= 0 && ad_upper >= 0 && ef_lower >= 0 && ef_upper >= 0 &&
		 quality_gas_interval((struct quality_interval){ ad_lower, ad_upper },
				      (struct quality_interval){ ef_lower, ef_upper }, &u) == 0;

	quality_acc_add(a, e_milli, ok ? &u : NULL);
}

void quality_acc_merge(struct quality_acc *a, const struct quality_acc *b)
{
	a->sq_lower += b->sq_lower;
	a->sq_upper += b->sq_upper;
	a->e_assessed += b->e_assessed;
	a->abs_assessed += b->abs_assessed;
	a->abs_all += b->abs_all;
}

/* x ≥ 0 rounded half up to an int, or -1 when it is not finite or too large. */
static long long round_nonneg(long double x, long long max)
{
	if (!isfinite(x) || x < 0 || x > (long double)max)
		return -1;
	return (long long)floorl(x + 0.5L);
}

int quality_uncertainty(const struct quality_acc *a, struct quality_uncertainty *out)
{
	long double denom, lo, up;
	long long l, u, bp;

	memset(out, 0, sizeof(*out));
	if (!isfinite(a->abs_all) || !isfinite(a->abs_assessed) || !isfinite(a->sq_lower) || !isfinite(a->sq_upper))
		return -1;
	if (a->abs_all > 0) {
		bp = round_nonneg(a->abs_assessed / a->abs_all * 10000.0L, 10000);
		if (bp < 0)
			return -1;
		out->assessed_bp = (int)bp;
	}
	/*
	 * Nothing assessed, or only lines at 0 kg (the form's REC line): 未評估.
	 * The form divides by ΣE of the assessed gases; a net removal divides by
	 * its magnitude, and a sum cancelling to 0 has no interval (-1).
	 */
	if (a->abs_assessed <= 0)
		return 0;
	denom = fabsl(a->e_assessed);
	if (denom <= 0) {
		out->assessed_bp = 0;
		return -1;
	}
	lo = sqrtl(a->sq_lower) / denom * 100000.0L;
	up = sqrtl(a->sq_upper) / denom * 100000.0L;
	l = round_nonneg(lo, INT_MAX);
	u = round_nonneg(up, INT_MAX);
	if (l < 0 || u < 0) {
		out->assessed_bp = 0;
		return -1;
	}
	out->assessed = 1;
	out->u.lower_milli = (int)l;
	out->u.upper_milli = (int)u;
	return 0;
}

void quality_interval_text(const struct quality_uncertainty *u, char *buf, int size)
{
	if (size <= 0)
		return;
	if (!u->assessed)
		snprintf(buf, (size_t)size, "未評估");
	else if (u->u.lower_milli == u->u.upper_milli)
		snprintf(buf, (size_t)size, "±%d.%03d %%", u->u.lower_milli / 1000, u->u.lower_milli % 1000);
	else
		snprintf(buf, (size_t)size, "−%d.%03d %% / +%d.%03d %%", u->u.lower_milli / 1000, u->u.lower_milli % 1000,
			 u->u.upper_milli / 1000, u->u.upper_milli % 1000);
}

void quality_grade_text(long long grade_hundredths, char *buf, int size)
{
	unsigned long long m = grade_hundredths < 0 ? 0ULL - (unsigned long long)grade_hundredths
						    : (unsigned long long)grade_hundredths;

	if (size <= 0)
		return;
	snprintf(buf, (size_t)size, "%s%llu.%02llu", grade_hundredths < 0 ? "-" : "", m / 100, m % 100);
}

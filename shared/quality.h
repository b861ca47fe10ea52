/* quality.h: the official data-quality grade and uncertainty of an inventory (清冊表單 表六, 表七, 表八). */
#ifndef CITYINV_QUALITY_H
#define CITYINV_QUALITY_H

/*
 * DESIGN: a pure module (no I/O, no allocation, no global state), used by the
 * form (one agency), the worker's quality job (agencies, subtrees, the county)
 * and the workbooks, so every figure comes from the same code (SPEC-2 §2b, §2c;
 * the form's formulas: ../shared/reference/moenv-form/README.md, section 9).
 *
 * The grade is computed exactly, in integers: a line's share of the covered
 * total is ROUND(E / ΣE, 4), half away from zero as Excel's ROUND; times the
 * line's error level A1 × A2 × A3, rounded to 2 decimals; the grade is the sum,
 * and its class (第一/二/三級) is decided on that sum.  E is a line's own
 * operations in thousandths of a kgCO2e; a removal counts by its absolute value.
 *
 * The uncertainty is a statistic, not an emission figure: it is computed in
 * long double (the squares of a county's sums exceed 128-bit scaled integers).
 * Per gas, U = ROUND(√(AD² + EF²), 5) as fractions, lower and upper apart;
 * combined, U = √Σ(E_g · U_g)² / ΣE_g over every assessed gas, with the share of
 * |E| assessed.  Intervals come in and go out as magnitudes in thousandths of a
 * percent (1.5 % -> 1500, 7.159 % -> 7159), the unit of the database columns.
 *
 * BOUNDS: E is at most a report's CALC_REPORT_MAX_KG per line in thousandths
 * (10^13), a covered total at most 10^19 (the grade refuses more with -1); a
 * level is 1..27, an interval 0..QUALITY_INTERVAL_MAX.
 */

#define QUALITY_INTERVAL_MAX 10000000   /* 10,000 %: a larger bound is a data error */

/* Error level A1 × A2 × A3 (1..27), or 0 when any of them is outside 1..3. */
int quality_level(int a1, int a2, int a3);
/* The line score of a level: 1 (1-9), 2 (10-18), 3 (19-27); 0 for 0. */
int quality_score(int level);
/* The class of a grade in hundredths: 1 (< 10), 2 (< 19), 3 (≤ 27); 0 when none. */
int quality_class(long long grade_hundredths);
/* 第一級, 第二級, 第三級, or "—" for 0. */
const char *quality_class_label(int cls);

/* One covered line: its own-operation emissions and its error level. */
struct quality_line {
	long long e_milli;   /* kgCO2e thousandths; a removal is negative */
	int level;           /* 1..27 */
};

struct quality_grade {
	long long covered_milli;     /* Σ|E| of the lines */
	long long grade_hundredths;  /* Σ ROUND(ROUND(|E|/Σ|E|, 4) × level, 2), in hundredths */
	int cls;                     /* quality_class() of it; 0 when nothing is covered */
	int n_by_score[4];           /* lines per score [1..3] (lines at 0 kg count, as the form does) */
};

/*
 * The grade of lines v[0..n).  0, or -1 when a level is outside 1..27 or a sum
 * would not fit (out is then zeroed).  Nothing covered (n 0 or every E 0):
 * 0 with covered_milli 0, grade_hundredths 0 and cls 0.
 */
int quality_grade(const struct quality_line *v, int n, struct quality_grade *out);

/* An interval: magnitudes in thousandths of a percent. */
struct quality_interval {
	int lower_milli, upper_milli;
};

/*
 * The interval of one gas of a line from the activity data's and the factor's:
 * ROUND(√(AD² + EF²), 5) as fractions, i.e. thousandths of a percent: 1500 and
 * 7000 -> 7159.  -1 when an input is outside 0..QUALITY_INTERVAL_MAX.
 */
int quality_gas_interval(struct quality_interval ad, struct quality_interval ef, struct quality_interval *out);

/*
 * A running sum for the combined uncertainty of any set of lines: add every
 * gas of every covered line (assessed or not), merge sums of parts.
 */
struct quality_acc {
	long double sq_lower, sq_upper;   /* Σ (E_g · U_g)², E in kgCO2e, U as fractions */
	long double e_assessed;           /* Σ E_g over assessed gases */
	long double abs_assessed;         /* Σ |E_g| over assessed gases */
	long double abs_all;              /* Σ |E_g| over every gas */
};

void quality_acc_init(struct quality_acc *a);
/* One gas of a line: u NULL when the gas is not assessed (未評估). */
void quality_acc_add(struct quality_acc *a, long long e_milli, const struct quality_interval *u);
void quality_acc_merge(struct quality_acc *a, const struct quality_acc *b);
/*
 * One gas of a line from the stored bounds (thousandths of a percent, -1 for
 * none): assessed with quality_gas_interval(ad, ef) when all four are known
 * and valid, else not assessed (未評估).
 */
void quality_acc_add_gas(struct quality_acc *a, long long e_milli, int ad_lower, int ad_upper, int ef_lower, int ef_upper);

struct quality_uncertainty {
	int assessed;                /* 0: nothing assessed (the interval is 未評估) */
	struct quality_interval u;   /* √Σ(E·U)² / ΣE, rounded to thousandths of a percent */
	int assessed_bp;             /* Σ|E| assessed ÷ Σ|E|, hundredths of a percent (7187) */
};

/* The combined uncertainty of what was added.  0, or -1 when it is not finite. */
int quality_uncertainty(const struct quality_acc *a, struct quality_uncertainty *out);

/* "±7.159 %" or "−7.159 % / +7.200 %" (different bounds) or "未評估", into buf. */
void quality_interval_text(const struct quality_uncertainty *u, char *buf, int size);
/* "8.46" from 846, into buf. */
void quality_grade_text(long long grade_hundredths, char *buf, int size);

/*
 * What a county's grade and uncertainty cover (worker/quality_job.c), as the
 * pages and workbooks that show them say it: the agencies' own operations
 * and the county team's non-agency lines, removals by their magnitude.
 */
#define QUALITY_COUNTY_COVERS "各機關自身營運之明細及非機關單位活動（碳吸收以絕對值計入）；委外操作不納入"

#endif

/* board_rules.h: the rules of the county team's validation board (SPEC-2 §2e), a pure module. */
#ifndef CITYINV_BOARD_RULES_H
#define CITYINV_BOARD_RULES_H

/*
 * DESIGN: no I/O.  worker/board.c reads a county-year through store_board
 * (its agencies, this year's and last year's lines of their own
 * operations, their grade and uncertainty, the thresholds in force) into
 * the arrays of struct board_input; board_rules_run() turns them into
 * findings, each with the rule, the agency (and the other agency of a
 * duplicate), the item and line, its Δ (the effect on the county total,
 * kgCO2e thousandths, which ranks the board) and a detail text in
 * Traditional Chinese.  The identity of a finding is (rule, agency, item,
 * seq, other): a rerun on changed data finds the same finding again.
 * `sig` names the data behind a finding (the revisions of the reports it
 * reads), so a finding checked (已查核) can tell when that data changed.
 *
 * Only own operations count: the county total is theirs (outsourced lines
 * are shown beside it, never inside).  Decisions where SPEC-2 is silent:
 * missing electricity is asked of agencies that have a report for the year
 * (an agency with none is 未登錄, the waiting list's business); an item is
 * compared with last year only when both years have a report and last
 * year's figure is not 0; the median ± k MAD of a level needs 3 agencies
 * with electricity and a MAD above 0; the refrigerant threshold is per line
 * (one refrigerant type's top-up); a duplicate is the same item with the
 * same non-zero quantity (and refrigerant type) in two agencies, reported
 * on the agency with the larger id, naming the other.  Medians and the
 * uncertainty's Δ are statistics (long double), rounded to a thousandth.
 */

enum board_rule {
	BOARD_MISSING_ELECTRICITY,
	BOARD_ITEM_CHANGE,
	BOARD_ELECTRICITY_OUTLIER,
	BOARD_REFRIGERANT,
	BOARD_DUPLICATE,
	BOARD_GRADE,
	BOARD_UNCERTAINTY,
	BOARD_UNCONFIRMED,
	BOARD_RULE__MAX
};

/* Stored names ("missing_electricity", …) and the board's labels (缺少電力, …). */
extern const char *const board_rule_keys[BOARD_RULE__MAX];
extern const char *const board_rule_labels[BOARD_RULE__MAX];
/* The rule of a stored name; BOARD_RULE__MAX when none. */
enum board_rule board_rule_of(const char *key);

/* The thresholds in force for a county-year (their defaults are the migration's, 0026_board.sql). */
struct board_thresholds {
	int change_pct;               /* an item may change by ± this percent vs last year */
	int mad_tenths;               /* electricity outside its level's median ± k MAD, k in tenths (30: 3 MAD) */
	long long refrigerant_milli;  /* a refrigerant line's top-up above this, kg thousandths */
	int uncertainty_milli;        /* an interval wider than ± this, thousandths of a percent (30000: 30 %) */
	int confirm_days;             /* 已登錄完成 unconfirmed longer than this (inventory_years.confirm_within_days) */
};

/* One agency of the county-year. */
struct board_agency {
	long long id;
	int level;
	const char *name;
	int status;                   /* report_status: 0 no report, 1 登錄中, 2 已登錄完成, 3 已確認 */
	long long rev;                /* this year's report revision; 0 none */
	long long last_rev;           /* last year's report revision; 0 none */
	long long total_milli;        /* own total this year */
	long long filed_age_s;        /* status 2: seconds since it was filed */
	int grade;                    /* quality_rollups scope own: 1..3; 0 unknown */
	long long grade_hundredths;
	int has_unc;                  /* the uncertainty is assessed */
	int unc_lower_milli, unc_upper_milli;
};

/* One computed line of own operations. */
struct board_line {
	int agency;                   /* index into board_input.agencies */
	int last_year;                /* 0 this year's, 1 last year's */
	const char *item;             /* "electricity" */
	const char *label;            /* 電力 */
	int seq;
	const char *refrigerant;      /* "" when none */
	long long quantity_milli;
	long long kg_milli;
};

struct board_input {
	const struct board_agency *agencies;
	int nagencies;
	const struct board_line *lines;
	int nlines;
};

#define BOARD_ITEM_MAX 25
#define BOARD_SIG_MAX 64
#define BOARD_DETAIL_MAX 400

struct board_finding {
	enum board_rule rule;
	long long agency;
	long long other;              /* the other agency of a duplicate; 0 */
	char item[BOARD_ITEM_MAX];    /* "" when the finding is about the agency as a whole */
	int seq;
	long long delta_milli;        /* Δ, kgCO2e thousandths, >= 0 */
	int delta_level;              /* > 0: Δ is this level's median electricity (stored once, board_level_medians) */
	long long agency_rev;         /* the agency's report revision the finding was computed on */
	char sig[BOARD_SIG_MAX];      /* the data behind it */
	char detail[BOARD_DETAIL_MAX];
};

/* A growing array of findings (board_findings_release frees it). */
struct board_findings {
	struct board_finding *v;
	int n, cap;
};

/*
 * The findings of `in` under `t`, appended to out, sorted by Δ (board_sort).
 * 0, or -1 when an agency index of a line is out of range (nothing added).
 * Aborts on out-of-memory.
 */
int board_rules_run(const struct board_input *in, const struct board_thresholds *t, struct board_findings *out);
void board_findings_release(struct board_findings *f);

/* The board's order: Δ descending, then rule, agency, item, seq, other (a total order). */
int board_finding_cmp(const struct board_finding *a, const struct board_finding *b);
/* A finding's identity (board_findings_identity): rule, agency, item, seq, other. */
int board_finding_identity_cmp(const struct board_finding *a, const struct board_finding *b);
/* A new zeroed finding at the end of out (grown as needed). */
struct board_finding *board_findings_push(struct board_findings *out);
void board_sort(struct board_finding *v, int n);

/* "12,345.678" (kgCO2e thousandths, grouped, three decimals) into buf. */
void board_kg_text(long long milli, char *buf, int size);

#endif

/* calc.c: the emission calculation of the agency form: activities and factors in, lines out. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

const struct calc_item_info calc_items[CALC__MAX] = {
	[CALC_ELECTRICITY]      = { "electricity", "電力", "度", CALC_CAT_STATIONARY, 2, CALC_MAX_ELECTRICITY },
	[CALC_NATURAL_GAS]      = { "natural_gas", "天然氣", "立方公尺", CALC_CAT_STATIONARY, 1, CALC_MAX_FUEL },
	[CALC_LPG]              = { "lpg", "瓦斯", "公斤", CALC_CAT_STATIONARY, 1, CALC_MAX_FUEL },
	[CALC_VEHICLE_GASOLINE] = { "vehicle_gasoline", "公務車用油 汽油", "公升", CALC_CAT_TRANSPORT, 1, CALC_MAX_FUEL },
	[CALC_VEHICLE_DIESEL]   = { "vehicle_diesel", "公務車用油 柴油", "公升", CALC_CAT_TRANSPORT, 1, CALC_MAX_FUEL },
	[CALC_GENERATOR_DIESEL] = { "generator_diesel", "其他設施(如發電機) 柴油", "公升", CALC_CAT_STATIONARY, 1, CALC_MAX_FUEL },
	[CALC_EXT_CO2]          = { "ext_co2", "二氧化碳滅火器", "公斤", CALC_CAT_FUGITIVE, 1, CALC_MAX_EXTINGUISHER },
	[CALC_EXT_BC]           = { "ext_bc", "BC乾粉滅火器", "公斤", CALC_CAT_FUGITIVE, 1, CALC_MAX_EXTINGUISHER },
	[CALC_EXT_KBC]          = { "ext_kbc", "KBC乾粉滅火器", "公斤", CALC_CAT_FUGITIVE, 1, CALC_MAX_EXTINGUISHER },
	[CALC_REFRIGERANT]      = { "refrigerant", "冷媒", "公斤", CALC_CAT_FUGITIVE, 1, CALC_MAX_REFRIGERANT },
};

int calc_item_index(const char *key)
{
	for (int i = 0; i < CALC__MAX; i++)
		if (!strcmp(calc_items[i].key, key))
			return i;
	return -1;
}

const char *calc_item_label(const char *key)
{
	int i = calc_item_index(key);

	return i < 0 ? key : calc_items[i].label;
}

/*
 * The proof of BOUNDS (calc.h): both parts with every item at its maximum
 * (one electricity line, five fuels, three extinguishers and
 * CALC_MAX_REFRIGERANT_ROWS refrigerants each) and every factor at
 * CALC_FACTOR_MAX, in thousandths of a kgCO2e, fit in int64.  Counted in
 * 128 bits so the check itself cannot wrap.
 */
_Static_assert((dec_i128)2 * 1000 * CALC_FACTOR_MAX *
	       ((dec_i128)CALC_MAX_ELECTRICITY + 5 * (dec_i128)CALC_MAX_FUEL + 3 * (dec_i128)CALC_MAX_EXTINGUISHER +
		(dec_i128)CALC_MAX_REFRIGERANT_ROWS * CALC_MAX_REFRIGERANT) <= (dec_i128)9223372036854775807LL,
	       "the largest report at the field bounds must fit BIGINT thousandths");
_Static_assert((dec_i128)CALC_REPORT_MAX_KG * 1000 <= (dec_i128)9223372036854775807LL, "the report bound fits BIGINT");

const char *const calc_category_labels[CALC_CAT__MAX] = { "固定式能源", "交通運輸", "逸散" };
const char *const calc_category_keys[CALC_CAT__MAX] = { "stationary", "transport", "fugitive" };
const char *const calc_part_keys[CALC_PART__MAX] = { "own", "outsourced" };
const char *const calc_gas_keys[CALC_GAS__MAX] = { "CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3" };
const char *const calc_gas_labels[CALC_GAS__MAX] = { "CO₂", "CH₄", "N₂O", "HFCs", "PFCs", "SF₆", "NF₃" };
const char *const calc_iso_labels[CALC_ISO_MAX + 1] = { "", "類別一", "類別二", "類別三", "類別四", "類別五", "類別六" };

/*
 * Fuels: the row-name stems in the reference table.  ef604: per-unit factors
 * of table 6.0.4 (ef604_<stem>_<gas>); ef113: kg/TJ of the 2024 announcement
 * (ef113_<stem>_<gas>); lhv: the heat-value suffix (lhv*_<lhv>).
 */
static const struct fuel_rule {
	enum calc_item item;
	const char *ef604;    /* NULL: always the kg/TJ route (LPG per kg) */
	const char *ef113;
	const char *lhv;
	const char *label;
} fuels[] = {
	{ CALC_NATURAL_GAS, "natural_gas_stationary", "natural_gas_stationary", "natural_gas_NG1_per_m3", "天然氣（固定源）" },
	{ CALC_LPG, NULL, "lpg_stationary", "lpg_per_kg", "液化石油氣（固定源，每公斤）" },
	{ CALC_VEHICLE_GASOLINE, "gasoline_mobile", "gasoline_mobile_oxidation_catalyst", "gasoline_per_L", "車用汽油（移動源，觸媒轉化器）" },
	{ CALC_VEHICLE_DIESEL, "diesel_mobile", "diesel_mobile", "diesel_per_L", "柴油（移動源）" },
	{ CALC_GENERATOR_DIESEL, "diesel_stationary", "diesel_stationary", "diesel_per_L", "柴油（固定源）" },
};

static const char *const gases[3] = { "CO2", "CH4", "N2O" };
static const char *const gas_labels[3] = { "CO₂", "CH₄", "N₂O" };

static int cmp_factor(const void *a, const void *b)
{
	return strcmp(((const struct calc_factor *)a)->key, ((const struct calc_factor *)b)->key);
}

void calc_sort_factors(struct calc_factor *v, int n)
{
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_factor);
}

const struct calc_factor *calc_factor_get(const struct calc_table *t, const char *key)
{
	int lo = 0, hi = t->nfactors - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(t->factors[mid].key, key);

		if (!c)
			return &t->factors[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

const struct calc_refrigerant *calc_refrigerant_get(const struct calc_table *t, const char *code)
{
	for (int i = 0; code && i < t->nrefrigerants; i++)
		if (!strcmp(t->refrigerants[i].code, code))
			return &t->refrigerants[i];
	return NULL;
}

const char *calc_gwp_set(const struct calc_table *t, int year)
{
	for (int i = 0; i < t->neras; i++)
		if (year >= t->eras[i].from && (!t->eras[i].to || year <= t->eras[i].to))
			return t->eras[i].set;
	return NULL;
}

int calc_factor_valid(const struct calc_factor *f, int year)
{
	return (!f->valid_from || year >= f->valid_from) && (!f->valid_to || year <= f->valid_to);
}

void calc_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/* Adds a factor's source to the line once, and its marks. */
static void use(struct calc_line *l, const struct calc_factor *f)
{
	if (!strstr(l->sources, f->source)) {
		if (l->sources[0])
			calc_append(l->sources, sizeof(l->sources), "；");
		calc_append(l->sources, sizeof(l->sources), "%s", f->source);
	}
	if (f->confidence == CONF_PROVISIONAL)
		l->provisional = 1;
	if (f->confidence == CONF_DERIVED || f->confidence == CONF_SECONDARY)
		l->derived = 1;
}

/*
 * The per-unit kgCO2e of gas g in line l (pu[g]) and the interval of the
 * factor row that gives it (the fuel's EF_g row, the grid factor row, the
 * extinguisher's or refrigerant's emission factor): the line's split by gas
 * (split_gases) multiplies them by the quantity.
 */
static void gas_unit(struct calc_line *l, dec_t *pu, enum calc_gas g, dec_t v, const struct calc_factor *f)
{
	pu[g] = v;
	l->gas[g].present = 1;
	l->gas[g].has_ci = f->has_ci;
	l->gas[g].ci_lower_milli = f->has_ci ? f->ci_lower_milli : 0;
	l->gas[g].ci_upper_milli = f->has_ci ? f->ci_upper_milli : 0;
}

/* A refrigerant's gas by its name's prefix (HFC-134a, R-410A: HFCs; PFC-14: PFCs; SF6; NF3). */
static enum calc_gas refrigerant_gas(const char *name)
{
	if (!strncmp(name, "PFC", 3))
		return CALC_GAS_PFC;
	if (!strncmp(name, "SF6", 3))
		return CALC_GAS_SF6;
	if (!strncmp(name, "NF3", 3))
		return CALC_GAS_NF3;
	return CALC_GAS_HFC;
}

static const char *num(dec_t d, char *buf, size_t size)
{
	dec_format(d, buf, size);
	return buf;
}

int calc_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The GWP row of `gas` in `set` (gwp_<set>_<gas>). */
static const struct calc_factor *gwp(const struct calc_table *t, const char *set, const char *gas)
{
	char key[64];

	snprintf(key, sizeof(key), "gwp_%s_%s", set, gas);
	return calc_factor_get(t, key);
}

const char *const calc_elec_keys[CALC_ELEC__MAX + 1] = { "overall", "industry", "residential", NULL };
const char *const calc_elec_names[CALC_ELEC__MAX] = { "公用售電業整體", "產業", "民生" };
const char *const calc_confidence_names[CONF__MAX] = { "正式公告", "次級資料", "推導", "暫用" };
static const char *const elec_suffix[CALC_ELEC__MAX] = { "public_average", "industry", "residential" };

enum calc_elec calc_elec_of(const char *s)
{
	for (int i = 0; s && i < CALC_ELEC__MAX; i++)
		if (!strcmp(s, calc_elec_keys[i]))
			return (enum calc_elec)i;
	return CALC_ELEC_OVERALL;
}

/*
 * The electricity factor of year y in t: the county's variant where y has
 * one (*variant 1), else the year's overall factor (elec_grid_<y>_public_average,
 * or elec_grid_<y> for a year without variants); NULL when y has none.
 */
static const struct calc_factor *elec_factor(const struct calc_table *t, int y, enum calc_elec elec, int *variant)
{
	const struct calc_factor *f;
	char key[64];

	*variant = 0;
	if (elec != CALC_ELEC_OVERALL) {
		snprintf(key, sizeof(key), "elec_grid_%d_%s", y, elec_suffix[elec]);
		if ((f = calc_factor_get(t, key))) {
			*variant = 1;
			return f;
		}
	}
	snprintf(key, sizeof(key), "elec_grid_%d_public_average", y);
	if ((f = calc_factor_get(t, key)))
		return f;
	snprintf(key, sizeof(key), "elec_grid_%d", y);
	return calc_factor_get(t, key);
}

/* The electricity factor of `year`, or of the latest earlier year (provisional). */
static int electricity(const struct calc_table *t, int year, enum calc_elec elec, struct calc_line *l, dec_t *pu,
		       char *err, size_t errlen)
{
	char b[64], kind[64] = "";

	if (elec < 0 || elec >= CALC_ELEC__MAX)
		return calc_fail(err, errlen, "未知的電力排碳係數類別");
	for (int y = year; y >= year - 20; y--) {
		int variant;
		const struct calc_factor *f = elec_factor(t, y, elec, &variant);

		if (!f)
			continue;
		if (variant)
			snprintf(kind, sizeof(kind), "（%s）", calc_elec_names[elec]);
		l->factor = f->value;
		use(l, f);
		gas_unit(l, pu, CALC_GAS_CO2, f->value, f);
		if (y == year) {
			snprintf(l->method, sizeof(l->method), "%d 年電力排碳係數%s %s kgCO₂e/度（已為二氧化碳當量，不乘 GWP）",
				 year, kind, num(f->value, b, sizeof(b)));
		} else {
			l->provisional = 1;
			snprintf(l->method, sizeof(l->method),
				 "暫用：%d 年電力排碳係數尚未公告，暫用 %d 年係數%s %s kgCO₂e/度；公告後將重新計算",
				 year, y, kind, num(f->value, b, sizeof(b)));
		}
		return 0;
	}
	return calc_fail(err, errlen, "%d 年沒有可用的電力排碳係數", year);
}

/* Heat value for a fuel in `year`: a row lhv*_<suffix> valid that year. */
static const struct calc_factor *heat_value(const struct calc_table *t, const char *suffix, int year,
					    int *fallback)
{
	const struct calc_factor *best = NULL, *latest = NULL;
	size_t sl = strlen(suffix);

	*fallback = 0;
	for (int i = 0; i < t->nfactors; i++) {
		const struct calc_factor *f = &t->factors[i];
		size_t kl = strlen(f->key);

		if (strncmp(f->key, "lhv", 3) || kl <= sl + 1 || strcmp(f->key + kl - sl, suffix) ||
		    f->key[kl - sl - 1] != '_')
			continue;
		if (calc_factor_valid(f, year))
			best = f;
		if (f->confidence != CONF_PROVISIONAL && (!latest || f->valid_from > latest->valid_from))
			latest = f;
	}
	if (best)
		return best;
	*fallback = latest != NULL;
	return latest;
}

static int fuel(const struct calc_table *t, int year, const char *set, const struct fuel_rule *r,
		struct calc_line *l, dec_t *pu, char *err, size_t errlen)
{
	char key[96], b1[64], b2[64], b3[64];
	const struct calc_factor *f[3], *g[3];
	dec_t sum = { 0, 0 }, term;
	const char *unit = calc_items[r->item].unit;

	for (int i = 0; i < 3; i++) {
		g[i] = gwp(t, set, gases[i]);
		if (!g[i])
			return calc_fail(err, errlen, "找不到 %s 的 %s GWP 值", set, gases[i]);
		use(l, g[i]);
	}
	/* Table 6.0.4's per-unit factors while its rows last. */
	if (r->ef604) {
		snprintf(key, sizeof(key), "ef604_%s_CO2", r->ef604);
		f[0] = calc_factor_get(t, key);
		if (f[0] && (!f[0]->valid_to || year <= f[0]->valid_to)) {
			snprintf(l->method, sizeof(l->method), "%s，溫室氣體排放係數管理表 6.0.4 版每%s係數 × %s GWP：",
				 r->label, unit, set);
			for (int i = 0; i < 3; i++) {
				snprintf(key, sizeof(key), "ef604_%s_%s", r->ef604, gases[i]);
				f[i] = calc_factor_get(t, key);
				if (!f[i])
					return calc_fail(err, errlen, "找不到排放係數 %s", key);
				use(l, f[i]);
				if (dec_mul(f[i]->value, g[i]->value, &term) || dec_add(sum, term, &sum))
					return calc_fail(err, errlen, "計算溢位");
				gas_unit(l, pu, (enum calc_gas)i, term, f[i]);
				calc_append(l->method, sizeof(l->method), "%s%s %s × %s", i ? " + " : "", gas_labels[i],
				       num(f[i]->value, b1, sizeof(b1)), num(g[i]->value, b2, sizeof(b2)));
			}
			calc_append(l->method, sizeof(l->method), " = %s kgCO₂e/%s", num(sum, b3, sizeof(b3)), unit);
			if (f[0]->valid_from && year < f[0]->valid_from)
				calc_append(l->method, sizeof(l->method), "（%d 年以 6.0.3 版起相同之係數代用）", year);
			l->factor = sum;
			return 0;
		}
	}
	/* The 2024 announcement: kg/TJ x heat value x kcal_to_TJ. */
	int fallback;
	const struct calc_factor *lhv = heat_value(t, r->lhv, year, &fallback);
	const struct calc_factor *conv = calc_factor_get(t, "kcal_to_TJ");
	if (!lhv)
		return calc_fail(err, errlen, "%d 年沒有 %s 的熱值", year, r->label);
	if (!conv)
		return calc_fail(err, errlen, "找不到熱值換算係數 kcal_to_TJ");
	if (fallback && r->ef604)
		return calc_fail(err, errlen, "%d 年沒有 %s 的熱值", year, r->label);
	use(l, lhv);
	use(l, conv);
	if (fallback)
		l->derived = 1;
	dec_t per_tj = { 0, 0 };
	snprintf(l->method, sizeof(l->method), "%s，熱值 %s %s × %s TJ/kcal × (", r->label,
		 num(lhv->value, b1, sizeof(b1)), lhv->unit, num(conv->value, b2, sizeof(b2)));
	for (int i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "ef113_%s_%s", r->ef113, gases[i]);
		f[i] = calc_factor_get(t, key);
		if (!f[i])
			return calc_fail(err, errlen, "找不到排放係數 %s", key);
		use(l, f[i]);
		if (dec_mul(f[i]->value, g[i]->value, &term) || dec_add(per_tj, term, &per_tj))
			return calc_fail(err, errlen, "計算溢位");
		gas_unit(l, pu, (enum calc_gas)i, term, f[i]);   /* per TJ: scaled to per unit below */
		calc_append(l->method, sizeof(l->method), "%s%s %s × %s", i ? " + " : "", gas_labels[i],
		       num(f[i]->value, b1, sizeof(b1)), num(g[i]->value, b2, sizeof(b2)));
	}
	if (dec_mul(lhv->value, conv->value, &sum))
		return calc_fail(err, errlen, "計算溢位");
	for (int i = 0; i < 3; i++)
		if (dec_mul(sum, pu[i], &pu[i]))
			return calc_fail(err, errlen, "計算溢位");
	if (dec_mul(sum, per_tj, &sum))
		return calc_fail(err, errlen, "計算溢位");
	calc_append(l->method, sizeof(l->method), ") kg/TJ，%s GWP = %s kgCO₂e/%s", set, num(sum, b3, sizeof(b3)), unit);
	if (fallback)
		calc_append(l->method, sizeof(l->method), "（推估：以 %d 年熱值代用）", lhv->valid_from);
	if (lhv->confidence == CONF_PROVISIONAL)
		calc_append(l->method, sizeof(l->method), "（暫用熱值）");
	l->factor = sum;
	return 0;
}

static int extinguisher(const struct calc_table *t, const char *set, const char *fkey, struct calc_line *l,
			dec_t *pu, char *err, size_t errlen)
{
	const struct calc_factor *f = calc_factor_get(t, fkey), *g = gwp(t, set, "CO2");
	char b1[64], b2[64];

	if (!f || !g)
		return calc_fail(err, errlen, "找不到滅火器係數 %s", fkey);
	use(l, f);
	use(l, g);
	if (dec_mul(f->value, g->value, &l->factor))
		return calc_fail(err, errlen, "計算溢位");
	gas_unit(l, pu, CALC_GAS_CO2, l->factor, f);
	snprintf(l->method, sizeof(l->method), "每公斤 %s kgCO₂ × CO₂ GWP %s%s", num(f->value, b1, sizeof(b1)),
		 num(g->value, b2, sizeof(b2)), f->confidence == CONF_DERIVED ? "（推估：化學計量）" : "");
	return 0;
}

static int refrigerant(const struct calc_table *t, const char *set, struct calc_line *l, dec_t *pu, char *err, size_t errlen)
{
	const struct calc_refrigerant *r = calc_refrigerant_get(t, l->refrigerant);
	const struct calc_factor *ef = calc_factor_get(t, "refrigerant_refill_EF"), *g;
	char b1[64], b2[64];

	if (!r)
		return calc_fail(err, errlen, "未知的冷媒型號 %s", l->refrigerant ? l->refrigerant : "");
	if (!ef)
		return calc_fail(err, errlen, "找不到冷媒補充排放係數");
	g = r->counts_zero ? gwp(t, "TW", r->gas) : gwp(t, set, r->gas);
	if (!g)
		return calc_fail(err, errlen, "%s 沒有 %s 版本的 GWP 值", r->label, set);
	use(l, ef);
	use(l, g);
	if (dec_mul(ef->value, g->value, &l->factor))
		return calc_fail(err, errlen, "計算溢位");
	gas_unit(l, pu, refrigerant_gas(r->gas), l->factor, ef);
	snprintf(l->method, sizeof(l->method), "%s：補充量 × 排放係數 %s × GWP %s（%s）", r->label,
		 num(ef->value, b1, sizeof(b1)), num(g->value, b2, sizeof(b2)), r->counts_zero ? "臺灣登錄規定" : set);
	if (r->counts_zero)
		snprintf(l->note, sizeof(l->note), "%s", r->note);
	return 0;
}

/* 1 when d's thousandths (rounded) fit a BIGINT column, else 0. */
static int fits_milli(dec_t d)
{
	long long m;

	return dec_to_scaled_i64(d, 3, &m) == 0;
}

/* The factor (and method, sources) of line l by its item's rule; 0 or -1 with err. */
static int line_factor(const struct calc_table *t, int year, enum calc_elec elec, const char *set, struct calc_line *l,
		       dec_t *pu, char *err, size_t errlen)
{
	int rc = -1;

	switch (l->item) {
	case CALC_ELECTRICITY:
		rc = electricity(t, year, elec, l, pu, err, errlen);
		break;
	case CALC_EXT_CO2:
		rc = extinguisher(t, set, "fire_ext_CO2_refill", l, pu, err, errlen);
		break;
	case CALC_EXT_BC:
		rc = extinguisher(t, set, "fire_ext_BC_NaHCO3", l, pu, err, errlen);
		break;
	case CALC_EXT_KBC:
		rc = extinguisher(t, set, "fire_ext_KBC_KHCO3", l, pu, err, errlen);
		break;
	case CALC_REFRIGERANT:
		rc = refrigerant(t, set, l, pu, err, errlen);
		break;
	default:
		for (size_t k = 0; k < sizeof(fuels) / sizeof(fuels[0]); k++)
			if (fuels[k].item == l->item)
				rc = fuel(t, year, set, &fuels[k], l, pu, err, errlen);
		break;
	}
	return rc;
}

/*
 * Line l's gases (SPEC-2 §2a): each q x pu[g] rounded half-up to 3 decimals,
 * the residue (kg - their sum, a few thousandths at most) added to the
 * largest gas (the first of equals), so the gases add up to kg exactly.
 * 0, or -1 when a number does not fit.
 */
static int split_gases(struct calc_line *l, const dec_t *pu)
{
	dec_t sum = { 0, 3 }, residue;
	int largest = -1;

	for (int g = 0; g < CALC_GAS__MAX; g++) {
		if (!l->gas[g].present)
			continue;
		if (dec_mul(l->quantity, pu[g], &l->gas[g].kg) || dec_round(l->gas[g].kg, 3, &l->gas[g].kg) ||
		    dec_add(sum, l->gas[g].kg, &sum))
			return -1;
		if (largest < 0 || dec_cmp(l->gas[g].kg, l->gas[largest].kg) > 0)
			largest = g;
	}
	if (largest < 0)
		return -1;   /* every rule names its gases */
	if (dec_sub(l->kg, sum, &residue) || dec_add(l->gas[largest].kg, residue, &l->gas[largest].kg) ||
	    dec_round(l->gas[largest].kg, 3, &l->gas[largest].kg))
		return -1;
	return 0;
}

/*
 * 類別 and 範疇 of a line (SPEC-2 §2a): own lines by their item (範疇一 /
 * 類別一, electricity 範疇二 / 類別二); outsourced (委外) lines are other
 * indirect emissions, 範疇三, 類別三 for the 公務車 fuels and 類別四 for the rest.
 */
static void classify(const struct calc_item_info *info, struct calc_line *l)
{
	if (l->part == CALC_OUTSOURCED) {
		l->scope = 3;
		l->iso_category = l->item == CALC_VEHICLE_GASOLINE || l->item == CALC_VEHICLE_DIESEL ? 3 : 4;
	} else {
		l->scope = info->scope;
		l->iso_category = info->scope;   /* 範疇一 -> 類別一, 範疇二 -> 類別二 */
	}
}

/* Line l's factor checked against CALC_FACTOR_MAX, its kgCO2e, and its share of *res; 0 or -1 with err. */
static int line_total(const struct calc_item_info *info, struct calc_line *l, const dec_t *pu, struct calc_result *res,
		      char *err, size_t errlen)
{
	const dec_t factor_max = { CALC_FACTOR_MAX, 0 };

	if (dec_sign(l->factor) < 0 || dec_cmp(l->factor, factor_max) > 0) {
		char b[64], bm[64];

		dec_format_grouped(factor_max, bm, sizeof(bm));
		return calc_fail(err, errlen, "%s 的係數 %s 不在 0 至 %s kgCO₂e／單位之間，參考資料可能有誤",
				 info->label, num(l->factor, b, sizeof(b)), bm);
	}
	if (dec_sign(l->quantity) < 0 || dec_mul(l->quantity, l->factor, &l->kg) || dec_round(l->kg, 3, &l->kg) ||
	    !fits_milli(l->kg))
		return calc_fail(err, errlen, "%s 的數量過大，無法計算", info->label);
	dec_format(l->factor, l->factor_text, sizeof(l->factor_text));
	if (l->part < 0 || l->part >= CALC_PART__MAX || l->scope < 1 || l->scope > 3 || l->iso_category < 1 ||
	    l->iso_category > CALC_ISO_MAX)
		return calc_fail(err, errlen, "未知的項目");
	if (split_gases(l, pu))
		return calc_fail(err, errlen, "%s 的數量過大，無法計算", info->label);
	if (calc_result_add(res, l))
		return calc_fail(err, errlen, "合計過大，無法計算");
	return 0;
}

int calc_compute(const struct calc_table *t, int year, enum calc_elec elec, const struct calc_input *in, int n,
		 struct calc_line *out, struct calc_result *res, char *err, size_t errlen)
{
	const char *set = calc_gwp_set(t, year);

	calc_result_zero(res);
	if (!set)
		return calc_fail(err, errlen, "%d 年沒有適用的 GWP 版本", year);

	for (int i = 0; i < n; i++) {
		struct calc_line *l = &out[i];
		const struct calc_item_info *info;
		dec_t pu[CALC_GAS__MAX];

		memset(l, 0, sizeof(*l));
		if (in[i].item < 0 || in[i].item >= CALC__MAX)
			return calc_fail(err, errlen, "未知的項目");
		info = &calc_items[in[i].item];
		l->item = in[i].item;
		l->part = in[i].part;
		l->seq = in[i].seq;
		l->refrigerant = in[i].refrigerant;
		l->quantity = in[i].quantity;
		l->category = info->category;
		classify(info, l);
		if (l->item != CALC_ELECTRICITY)
			snprintf(l->gwp_set, sizeof(l->gwp_set), "%s", set);
		if (line_factor(t, year, elec, set, l, pu, err, errlen) || line_total(info, l, pu, res, err, errlen))
			return -1;
	}
	return 0;
}

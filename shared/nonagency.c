/* nonagency.c: the county team's non-agency activities (IPCC 2006 Tier 1), lines out
 * (their methods as data: nonagency_methods.c). */
#include <stdio.h>
#include <string.h>

#include "nonagency.h"

static const char *num(dec_t d, char *buf, size_t size)
{
	dec_format(d, buf, size);
	return buf;
}

/* Factor `key`, its value multiplied into *acc and its source noted; 0 or -1 (missing). */
struct work {
	const struct calc_table *t;
	int year;
	enum calc_elec elec;
	struct na_line *l;
	char *err;
	size_t errlen;
	dec_t acc;
	int has_part[CALC_GAS__MAX];   /* compost, incineration: acc as the sum of its gases' terms */
	dec_t part[CALC_GAS__MAX];
};

static const struct calc_factor *need(struct work *w, const char *key)
{
	const struct calc_factor *f = calc_factor_get(w->t, key);

	if (!f) {
		calc_fail(w->err, w->errlen, "參考資料中沒有係數 %s", key);
		return NULL;
	}
	if (!strstr(w->l->sources, f->source)) {
		if (w->l->sources[0])
			calc_append(w->l->sources, sizeof(w->l->sources), "；");
		calc_append(w->l->sources, sizeof(w->l->sources), "%s", f->source);
	}
	if (f->confidence == CONF_PROVISIONAL)
		w->l->provisional = 1;
	return f;
}

/* acc *= factor `key` (when key names a row), with "label value" added to the method. */
static int times(struct work *w, const char *key, const char *label)
{
	const struct calc_factor *f = need(w, key);
	char b[64];

	if (!f)
		return -1;
	if (dec_mul(w->acc, f->value, &w->acc))
		return calc_fail(w->err, w->errlen, "數值過大，無法計算");
	calc_append(w->l->method, sizeof(w->l->method), " × %s %s", label, num(f->value, b, sizeof(b)));
	return 0;
}

static int times_gwp(struct work *w, const char *gas)
{
	char key[48], label[48];

	snprintf(key, sizeof(key), "gwp_%s_%s", w->l->gwp_set, gas);
	snprintf(label, sizeof(label), "GWP(%s, %s)", gas, w->l->gwp_set);
	return times(w, key, label);
}

static int times_const(struct work *w, long long v)
{
	dec_t d;

	dec_from_int(v, &d);
	return dec_mul(w->acc, d, &w->acc) ? calc_fail(w->err, w->errlen, "數值過大，無法計算") : 0;
}

/* round(a / d) to `scale` decimals, half away from zero; 0 or -1. */
static int div_round(dec_t a, long long d, int scale, dec_t *out)
{
	dec_i128 m = a.m, den = d, q, r;
	int s = a.scale;

	if (d <= 0)
		return -1;
	for (; s < scale; s++) {
		if (m > ((dec_i128)1 << 120) / 10 || m < -((dec_i128)1 << 120) / 10)
			return -1;
		m *= 10;
	}
	for (; s > scale; s--)
		den *= 10;
	q = m / den;
	r = m % den;
	if ((r < 0 ? -r : r) * 2 >= den)
		q += m < 0 ? -1 : 1;
	out->m = q;
	out->scale = scale;
	return 0;
}

static int electricity(struct work *w, const char *use)
{
	struct calc_input in = { .item = CALC_ELECTRICITY, .quantity = { 1, 0 } };
	struct calc_line line;
	struct calc_result res;

	if (calc_compute(w->t, w->year, w->elec, &in, 1, &line, &res, w->err, w->errlen))
		return -1;
	w->acc = line.factor;
	w->l->method[0] = '\0';
	calc_append(w->l->method, sizeof(w->l->method), "%s：%s", use, line.method);
	snprintf(w->l->sources, sizeof(w->l->sources), "%s", line.sources);
	w->l->provisional = line.provisional;
	w->l->gwp_set[0] = '\0';
	return 0;
}

static int fuel(struct work *w, const char *item)
{
	struct calc_input in = { .quantity = { 1, 0 } };
	struct calc_line line;
	struct calc_result res;
	int i = calc_item_index(item);

	if (i < 0)
		return calc_fail(w->err, w->errlen, "未知的燃料");
	in.item = (enum calc_item)i;
	if (calc_compute(w->t, w->year, w->elec, &in, 1, &line, &res, w->err, w->errlen))
		return -1;
	w->acc = line.factor;
	w->l->method[0] = '\0';
	calc_append(w->l->method, sizeof(w->l->method), "%s：%s", calc_items[i].label, line.method);
	snprintf(w->l->sources, sizeof(w->l->sources), "%s", line.sources);
	snprintf(w->l->unit_text, sizeof(w->l->unit_text), "%s", calc_items[i].unit);
	w->l->provisional = line.provisional;
	return 0;
}

/* The MSW heat value of the year, or of the latest earlier year (provisional). */
static int msw_heat(struct work *w)
{
	char key[48], b[64];

	for (int y = w->year; y >= w->year - 30; y--) {
		const struct calc_factor *f;

		snprintf(key, sizeof(key), "msw_wet_LHV_%d", y);
		f = calc_factor_get(w->t, key);
		if (!f)
			continue;
		need(w, key);
		if (dec_mul(w->acc, f->value, &w->acc))
			return calc_fail(w->err, w->errlen, "數值過大，無法計算");
		if (y == w->year) {
			calc_append(w->l->method, sizeof(w->l->method), " × %d 年垃圾濕基低位發熱量 %s kcal/kg", y, num(f->value, b, sizeof(b)));
		} else {
			w->l->provisional = 1;
			calc_append(w->l->method, sizeof(w->l->method), " × 暫用 %d 年垃圾濕基低位發熱量 %s kcal/kg（%d 年尚無資料）",
			       y, num(f->value, b, sizeof(b)), w->year);
		}
		return 0;
	}
	return calc_fail(w->err, w->errlen, "%d 年沒有可用的垃圾低位發熱量", w->year);
}

/* The row among keys[] valid in the year. */
static const char *valid_key(struct work *w, const char *const *keys, int n)
{
	for (int i = 0; i < n; i++) {
		const struct calc_factor *f = calc_factor_get(w->t, keys[i]);

		if (f && calc_factor_valid(f, w->year))
			return keys[i];
	}
	return keys[0];
}

/* v with thousands separators, for messages. */
static const char *grouped(long long v, char *buf, size_t size)
{
	dec_t d;

	dec_from_int(v, &d);
	dec_format_grouped(d, buf, size);
	return buf;
}

/* 1 when |d| <= max, else 0. */
static int within(dec_t d, long long max)
{
	dec_t lim;

	dec_from_int(max, &lim);
	if (d.m < 0)
		d.m = -d.m;
	return dec_cmp(d, lim) <= 0;
}

/*
 * The declared bounds and the options of in (the form checks them first; a
 * caller that does not is refused here); 0 or -1 with err.
 */
static int check_input(const struct na_method *m, const struct na_input *in, char *err, size_t errlen)
{
	char b[64], b2[64];

	if (dec_sign(in->q) < 0 || !within(in->q, m->q_max))
		return calc_fail(err, errlen, "%s須介於 0 與 %s %s之間", m->q_label, grouped(m->q_max, b, sizeof(b)), m->q_unit);
	if (m->q2_label && ((!m->q2_signed && dec_sign(in->q2) < 0) || !within(in->q2, m->q2_max)))
		return calc_fail(err, errlen, "%s須介於 %s%s 與 %s 之間", m->q2_label, m->q2_signed ? "-" : "",
				 m->q2_signed ? grouped(m->q2_max, b, sizeof(b)) : "0", grouped(m->q2_max, b2, sizeof(b2)));
	if (in->has_override && (dec_sign(in->override) < 0 || !within(in->override, NA_OVERRIDE_MAX)))
		return calc_fail(err, errlen, "自訂係數須介於 0 與 %s kgCO₂e 之間", grouped(NA_OVERRIDE_MAX, b, sizeof(b)));
	for (int i = 0; i < NA_MAX_OPTIONS && m->options[i].name; i++) {
		const struct na_option *o = &m->options[i];
		const char *v = in->opt[i];
		int found = 0;

		if (!v || !*v) {
			if (o->required)
				return calc_fail(err, errlen, "請選擇%s", o->label);
			continue;
		}
		for (int k = 0; k < NA_MAX_CHOICES && o->choices[k].key; k++)
			found |= !strcmp(o->choices[k].key, v);
		if (!found)
			return calc_fail(err, errlen, "%s的選項不正確", o->label);
	}
	return 0;
}

/* The team's own per-unit factor replaces the method's. */
static int own_factor(struct work *w, const struct na_method *m, const struct na_input *in, dec_t *q)
{
	char b[64];

	w->acc = in->override;
	snprintf(w->l->method, sizeof(w->l->method), "自訂係數 %s kgCO₂e/%s", num(in->override, b, sizeof(b)), m->q_unit);
	snprintf(w->l->sources, sizeof(w->l->sources), "縣市盤查小組自訂（理由見本筆）");
	w->l->gwp_set[0] = '\0';
	if (m->q2_label && strcmp(m->key, "incineration") && strcmp(m->key, "landuse")) {
		if (dec_mul(*q, in->q2, q))
			return calc_fail(w->err, w->errlen, "數值過大，無法計算");
	}
	return 0;
}

/* ha x days x EF x SFw (x SFp x SFo) x GWP(CH4) */
static int rice(struct work *w, const struct na_input *in, dec_t *q)
{
	char key[96];

	if (dec_mul(*q, in->q2, q))
		return calc_fail(w->err, w->errlen, "數值過大，無法計算");
	snprintf(w->l->unit_text, sizeof(w->l->unit_text), "公頃·日");
	snprintf(w->l->method, sizeof(w->l->method), "面積 × 栽培日數");
	if (times(w, "ipcc_rice_baseline_EF", "基準排放係數 kg CH₄/公頃/日"))
		return -1;
	snprintf(key, sizeof(key), "ipcc_rice_SFw_%s", in->opt[0]);
	if (times(w, key, "SFw"))
		return -1;
	if (in->opt[1] && *in->opt[1]) {
		snprintf(key, sizeof(key), "ipcc_rice_SFp_%s", in->opt[1]);
		if (times(w, key, "SFp"))
			return -1;
	}
	if (in->opt[2] && *in->opt[2]) {
		snprintf(key, sizeof(key), "ipcc_rice_CFOA_%s", in->opt[2]);
		if (times(w, key, "SFo"))
			return -1;
	}
	return times_gwp(w, "CH4");
}

/* ha x stock-change factor (tCO2/ha/yr) x 1,000 */
static int landuse(struct work *w, const struct na_input *in)
{
	char b[64];

	w->acc = in->q2;
	if (times_const(w, 1000))
		return -1;
	snprintf(w->l->method, sizeof(w->l->method), "面積 × 碳存量變化係數 %s 公噸CO₂/公頃/年 × 1,000 公斤/公噸",
		 num(in->q2, b, sizeof(b)));
	snprintf(w->l->sources, sizeof(w->l->sources), "縣市盤查小組所述係數（來源見本筆）");
	w->l->gwp_set[0] = '\0';
	return 0;
}

/* t x 1,000 x DOC% / 100 x DOCf x MCF x F x 16/12 x (1 - OX) x GWP(CH4); the 16/12 divides at the rounding (*divisor). */
static int landfill(struct work *w, const struct na_input *in, long long *divisor)
{
	const struct calc_factor *ox;
	const dec_t one = { 1, 0 };
	dec_t keep;
	char key[96], b[64];

	snprintf(w->l->method, sizeof(w->l->method), "掩埋量 × 1,000 公斤/公噸");
	snprintf(key, sizeof(key), "ipcc_DOC_wet_%s", in->opt[0]);
	if (times(w, key, "DOC %"))
		return -1;
	/* x 1,000 kg/t / 100 (DOC is a percentage) = x 10 */
	if (times_const(w, 10))
		return -1;
	calc_append(w->l->method, sizeof(w->l->method), " ÷ 100");
	snprintf(key, sizeof(key), "ipcc_landfill_MCF_%s", in->opt[1]);
	if (times(w, "ipcc_landfill_DOCf", "DOCf") || times(w, key, "MCF") || times(w, "ipcc_landfill_F", "F"))
		return -1;
	snprintf(key, sizeof(key), "ipcc_landfill_OX_%s", in->opt[2] && *in->opt[2] ? in->opt[2] : "default");
	ox = need(w, key);
	if (!ox || dec_sub(one, ox->value, &keep) || dec_mul(w->acc, keep, &w->acc))
		return ox ? calc_fail(w->err, w->errlen, "數值過大，無法計算") : -1;
	calc_append(w->l->method, sizeof(w->l->method), " × (1 − OX %s) × 16/12", num(ox->value, b, sizeof(b)));
	if (times_const(w, 16) || times_gwp(w, "CH4"))
		return -1;
	*divisor = 12;
	return 0;
}

/* t x (CH4 g/kg x GWP + N2O g/kg x GWP): g/kg wet = kg/t */
static int compost(struct work *w)
{
	static const char *const n2o[] = { "ipcc_compost_N2O_wet_113", "ipcc_compost_N2O_wet_604" };
	struct work w2 = *w;
	dec_t sum;

	snprintf(w->l->method, sizeof(w->l->method), "處理量 × (");
	if (times(w, "ipcc_compost_CH4_wet", "CH₄ kg/公噸") || times_gwp(w, "CH4"))
		return -1;
	w2.acc = (dec_t){ 1, 0 };
	calc_append(w->l->method, sizeof(w->l->method), " ＋");
	if (times(&w2, valid_key(&w2, n2o, 2), "N₂O kg/公噸") || times_gwp(&w2, "N2O"))
		return -1;
	calc_append(w->l->method, sizeof(w->l->method), " )");
	if (dec_add(w->acc, w2.acc, &sum))
		return calc_fail(w->err, w->errlen, "數值過大，無法計算");
	w->has_part[CALC_GAS_CH4] = w->has_part[CALC_GAS_N2O] = 1;
	w->part[CALC_GAS_CH4] = w->acc;
	w->part[CALC_GAS_N2O] = w2.acc;
	w->acc = sum;
	return 0;
}

/*
 * t x 1,000 x LHV x kcal_to_TJ x (fossil share x CO2 + CH4 x GWP + N2O x GWP) kg/TJ: the fossil
 * share scales CO2 only (SPEC §6a; IPCC 2006 Vol. 5 Ch. 5: the biogenic carbon's CO2 is not
 * counted, the CH4 and N2O of burning all of it are).
 */
static int incineration(struct work *w, const struct na_input *in)
{
	const dec_t one = { 1, 0 };
	struct work g = *w;
	dec_t per_gas[3];
	static const enum calc_gas gases[3] = { CALC_GAS_CO2, CALC_GAS_CH4, CALC_GAS_N2O };
	static const char *const keys[3] = { "ef113_msw_nonbiomass_combustion_CO2", "ef113_msw_nonbiomass_combustion_CH4",
					     "ef113_msw_nonbiomass_combustion_N2O" };
	static const char *const labels[3] = { "CO₂ kg/TJ", "CH₄ kg/TJ", "N₂O kg/TJ" };
	char b[64];

	if (dec_cmp(in->q2, one) > 0)
		return calc_fail(w->err, w->errlen, "化石碳比例須介於 0 與 1 之間");
	snprintf(w->l->method, sizeof(w->l->method), "焚化量 × 1,000 公斤/公噸");
	if (times_const(w, 1000) || msw_heat(w) || times(w, "kcal_to_TJ", "TJ/kcal"))
		return -1;
	calc_append(w->l->method, sizeof(w->l->method), " × ( 化石碳比例 %s", num(in->q2, b, sizeof(b)));
	for (int i = 0; i < 3; i++) {
		const struct calc_factor *f;

		if (i)
			calc_append(w->l->method, sizeof(w->l->method), " ＋");
		g.acc = i ? one : in->q2;
		if (times(&g, keys[i], labels[i]) || (i && times_gwp(&g, i == 1 ? "CH4" : "N2O")))
			return -1;
		per_gas[i] = g.acc;
		/* The gas's interval is its per-TJ factor's, as calc.c gives the fuels' (times() found the row). */
		f = calc_factor_get(w->t, keys[i]);
		w->l->gas[gases[i]].has_ci = f->has_ci;
		w->l->gas[gases[i]].ci_lower_milli = f->has_ci ? f->ci_lower_milli : 0;
		w->l->gas[gases[i]].ci_upper_milli = f->has_ci ? f->ci_upper_milli : 0;
	}
	calc_append(w->l->method, sizeof(w->l->method), " )");
	/* acc x (CO2 + CH4 + N2O) = the sum of acc x each: exact decimals, so the parts add up to the factor. */
	for (int i = 0; i < 3; i++) {
		if (dec_mul(w->acc, per_gas[i], &w->part[gases[i]]))
			return calc_fail(w->err, w->errlen, "數值過大，無法計算");
		w->has_part[gases[i]] = 1;
	}
	if (dec_add(w->part[CALC_GAS_CO2], w->part[CALC_GAS_CH4], &w->acc) || dec_add(w->acc, w->part[CALC_GAS_N2O], &w->acc))
		return calc_fail(w->err, w->errlen, "數值過大，無法計算");
	return 0;
}

/* person-days x BOD g/person/day / 1,000 x B0 x MCF(septic) x GWP(CH4) */
static int septic(struct work *w)
{
	snprintf(w->l->method, sizeof(w->l->method), "人日");
	if (times(w, "ipcc_ww_BOD_asia", "BOD g/人/日"))
		return -1;
	if (dec_mul(w->acc, (dec_t){ 1, 3 }, &w->acc))
		return calc_fail(w->err, w->errlen, "數值過大，無法計算");
	calc_append(w->l->method, sizeof(w->l->method), " ÷ 1,000");
	return times(w, "ipcc_ww_B0_BOD", "B₀ kg CH₄/kg BOD") || times(w, "ipcc_ww_MCF_septic_system", "MCF") ||
	       times_gwp(w, "CH4") ? -1 : 0;
}

/* The per-unit factor of method m into w->acc (with its method text and sources), q and *divisor adjusted; 0 or -1. */
static int method_factor(struct work *w, const struct na_method *m, const struct na_input *in, dec_t *q, long long *divisor)
{
	char key[96];

	if (!strncmp(m->key, "elec_", 5))
		return electricity(w, m->label);
	if (!strncmp(m->key, "fuel_", 5))
		return fuel(w, in->opt[0]);
	if (!strcmp(m->key, "process")) {
		w->acc = (dec_t){ 1000, 0 };
		snprintf(w->l->method, sizeof(w->l->method), "申報排放量（公噸CO₂e）× 1,000 公斤/公噸");
		snprintf(w->l->sources, sizeof(w->l->sources), "設施申報資料（說明與來源見本筆）");
		w->l->gwp_set[0] = '\0';
		return 0;
	}
	if (!strcmp(m->key, "rice"))
		return rice(w, in, q);
	if (!strcmp(m->key, "enteric") || !strcmp(m->key, "manure")) {
		snprintf(key, sizeof(key), "ipcc_%s_%s", m->key, in->opt[0]);
		snprintf(w->l->method, sizeof(w->l->method), "頭數");
		return times(w, key, "排放係數 kg CH₄/頭/年") || times_gwp(w, "CH4") ? -1 : 0;
	}
	if (!strcmp(m->key, "landuse"))
		return landuse(w, in);
	if (!strcmp(m->key, "landfill"))
		return landfill(w, in, divisor);
	if (!strcmp(m->key, "compost"))
		return compost(w);
	if (!strcmp(m->key, "incineration"))
		return incineration(w, in);
	if (!strcmp(m->key, "septic"))
		return septic(w);
	if (!strcmp(m->key, "wastewater")) {
		snprintf(w->l->method, sizeof(w->l->method), "BOD 公斤");
		snprintf(key, sizeof(key), "ipcc_ww_MCF_%s", in->opt[0]);
		return times(w, "ipcc_ww_B0_BOD", "B₀ kg CH₄/kg BOD") || times(w, key, "MCF") || times_gwp(w, "CH4") ? -1 : 0;
	}
	return calc_fail(w->err, w->errlen, "未知的活動類別");
}

/* q x w->acc (÷ divisor) rounded into the line, within NA_LINE_MAX_KG, and the factor's text; 0 or -1. */
static int line_kg(struct work *w, const struct na_method *m, dec_t q, long long divisor)
{
	struct na_line *out = w->l;
	dec_t product;
	char b[64], b2[64];

	if (dec_mul(q, w->acc, &product) || div_round(product, divisor, 3, &out->kg))
		return calc_fail(w->err, w->errlen, "%s的數量過大，無法計算", m->label);
	if (!within(out->kg, NA_LINE_MAX_KG)) {
		dec_format_grouped(out->kg, b2, sizeof(b2));
		return calc_fail(w->err, w->errlen, "此筆排放量 %s kgCO₂e 超過單筆上限 %s kgCO₂e（1 億公噸），請確認數量與單位",
				 b2, grouped(NA_LINE_MAX_KG, b, sizeof(b)));
	}
	if (divisor == 1) {
		dec_format(w->acc, out->factor_text, sizeof(out->factor_text));
	} else {
		dec_t f;

		if (div_round(w->acc, divisor, 9, &f))
			return calc_fail(w->err, w->errlen, "%s的係數無法計算", m->label);
		out->factor_text[0] = '\0';
		calc_append(out->factor_text, sizeof(out->factor_text), "≈%s", num(f, b2, sizeof(b2)));
	}
	return 0;
}

int na_quality_own(const struct na_method *m)
{
	return m && strncmp(m->key, "elec_", 5) && strncmp(m->key, "fuel_", 5);
}

const char *na_quality_item(const struct na_method *m, const char *fuel)
{
	if (!m || na_quality_own(m))
		return NULL;
	if (!strncmp(m->key, "elec_", 5))
		return calc_items[CALC_ELECTRICITY].key;
	for (int k = 0; fuel && k < NA_MAX_CHOICES && m->options[0].choices[k].key; k++)
		if (!strcmp(m->options[0].choices[k].key, fuel))
			return m->options[0].choices[k].key;
	return NULL;
}

enum calc_gas na_main_gas(const struct na_method *m)
{
	static const char *const methane[] = { "rice", "enteric", "manure", "landfill", "compost", "septic", "wastewater" };

	for (size_t i = 0; m && i < sizeof(methane) / sizeof(methane[0]); i++)
		if (!strcmp(m->key, methane[i]))
			return CALC_GAS_CH4;
	return CALC_GAS_CO2;
}

/* |a| > |b| */
static int larger(dec_t a, dec_t b)
{
	if (a.m < 0)
		a.m = -a.m;
	if (b.m < 0)
		b.m = -b.m;
	return dec_cmp(a, b) > 0;
}

/* Electricity and fuels: the agency form's split of the same quantity (its kg is the line's: same factor, same rounding). */
static int split_as_form(struct work *w, const struct na_method *m, const struct na_input *in, dec_t q)
{
	struct calc_input ci = { .item = CALC_ELECTRICITY, .quantity = q };
	struct calc_line line;
	struct calc_result res;

	if (!strncmp(m->key, "fuel_", 5))
		ci.item = (enum calc_item)calc_item_index(in->opt[0]);   /* fuel() has found it */
	if (calc_compute(w->t, w->year, w->elec, &ci, 1, &line, &res, w->err, w->errlen))
		return -1;
	if (dec_cmp(line.kg, w->l->kg))
		return calc_fail(w->err, w->errlen, "%s的各溫室氣體排放量無法計算", m->label);
	memcpy(w->l->gas, line.gas, sizeof(w->l->gas));
	return 0;
}

/* The line's gases (nonagency.h); 0 or -1 with err. */
static int split_gases(struct work *w, const struct na_method *m, const struct na_input *in, dec_t q, long long divisor)
{
	struct na_line *out = w->l;
	dec_t sum = { 0, 3 }, residue;
	int largest = -1;

	if (!in->has_override && (!strncmp(m->key, "elec_", 5) || !strncmp(m->key, "fuel_", 5)))
		return split_as_form(w, m, in, q);
	for (int g = 0; g < CALC_GAS__MAX; g++) {
		if (in->has_override || !w->has_part[g])
			continue;
		out->gas[g].present = 1;
		if (dec_mul(q, w->part[g], &out->gas[g].kg) || div_round(out->gas[g].kg, divisor, 3, &out->gas[g].kg) ||
		    dec_add(sum, out->gas[g].kg, &sum))
			return calc_fail(w->err, w->errlen, "%s的數量過大，無法計算", m->label);
		if (largest < 0 || larger(out->gas[g].kg, out->gas[largest].kg))
			largest = g;
	}
	if (largest < 0) {
		largest = na_main_gas(m);
		out->gas[largest].present = 1;
		out->gas[largest].kg = out->kg;
		return 0;
	}
	if (dec_sub(out->kg, sum, &residue) || dec_add(out->gas[largest].kg, residue, &out->gas[largest].kg))
		return calc_fail(w->err, w->errlen, "%s的數量過大，無法計算", m->label);
	return 0;
}

int na_compute(const struct calc_table *t, int year, enum calc_elec elec, const struct na_input *in, struct na_line *out,
	       char *err, size_t errlen)
{
	const struct na_method *m = na_method_get(in->method);
	const char *set = calc_gwp_set(t, year);
	struct work w = { .t = t, .year = year, .elec = elec, .l = out, .err = err, .errlen = errlen, .acc = { 1, 0 } };
	dec_t q = in->q;
	long long divisor = 1;

	memset(out, 0, sizeof(*out));
	if (!m)
		return calc_fail(err, errlen, "未知的活動類別");
	if (!set)
		return calc_fail(err, errlen, "%d 年沒有適用的 GWP 版本", year);
	if (check_input(m, in, err, errlen))
		return -1;
	out->category = m->category;
	out->scope = m->scope;
	snprintf(out->gwp_set, sizeof(out->gwp_set), "%s", set);
	snprintf(out->unit_text, sizeof(out->unit_text), "%s", m->q_unit);
	out->iso_category = m->scope == 2 ? 2 : 1;
	if (in->has_override ? own_factor(&w, m, in, &q) : method_factor(&w, m, in, &q, &divisor))
		return -1;
	if (line_kg(&w, m, q, divisor))
		return -1;
	return split_gases(&w, m, in, q, divisor);
}

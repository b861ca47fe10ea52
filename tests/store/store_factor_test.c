/* store_factor_test.c: the reference data's store (store_factor) against the test stack's MariaDB, inside a transaction rolled back. */
#include <string.h>

#include "nonagency.h"
#include "store_factor.h"
#include "store_test.h"

struct seen {
	int n, stop_after;
	int provisional_ok, open_ok;
	int elec_ci_ok, lpg_mobile_ch4_none, test_ci;
	char first[64];
};

static int take_factor(void *ctx, const struct store_factor *f)
{
	struct seen *v = ctx;

	v->n++;
	if (!strcmp(f->key, "lhv113_provisional_gasoline_per_L"))
		v->provisional_ok = f->confidence == CONF_PROVISIONAL && f->valid_from == 2024 && f->valid_to == 2024 &&
				    !strcmp(f->value, "7586") && !strncmp(f->source, "PROVISIONAL", 11);
	if (!strcmp(f->key, "store_factor_test_key"))
		v->open_ok = f->valid_from == 0 && f->valid_to == 0 && f->confidence == CONF_DERIVED && !strcmp(f->unit, "公斤");
	if (!strcmp(f->key, "elec_grid_2024"))
		v->elec_ci_ok = f->has_ci && f->ci_lower_milli == 7000 && f->ci_upper_milli == 7000;
	if (!strcmp(f->key, "ef113_lpg_mobile_CH4"))
		v->lpg_mobile_ch4_none = !f->has_ci && !f->ci_lower_milli && !f->ci_upper_milli;
	if (!strcmp(f->key, "store_factor_test_key"))
		v->test_ci = f->has_ci ? f->ci_lower_milli * 1000 + f->ci_upper_milli % 1000 : -1;
	return v->stop_after && v->n >= v->stop_after;
}

static int take_era(void *ctx, const struct calc_era *e)
{
	struct seen *v = ctx;

	if (!v->n++)
		snprintf(v->first, sizeof(v->first), "%s", e->set);
	v->open_ok = e->to == 0;    /* the last one read */
	return 0;
}

static int take_refrigerant(void *ctx, const struct calc_refrigerant *r)
{
	struct seen *v = ctx;

	if (!v->n++)
		snprintf(v->first, sizeof(v->first), "%s", r->code);
	if (!strcmp(r->code, "R22"))
		v->provisional_ok = r->counts_zero == 1 && *r->note;
	return v->stop_after && v->n >= v->stop_after;
}

/* The items' data-quality defaults as read. */
struct defaults {
	int n, stop_after;
	struct store_item_quality electricity, lpg, test;
};

static int take_default(void *ctx, const struct store_item_quality *q)
{
	struct defaults *d = ctx;

	d->n++;
	if (!strcmp(q->item, "electricity"))
		d->electricity = *q;
	if (!strcmp(q->item, "lpg"))
		d->lpg = *q;
	if (!strcmp(q->item, "zz_store_test"))
		d->test = *q;
	return d->stop_after && d->n >= d->stop_after;
}

/* The non-agency methods' own defaults as read (nonagency-quality-defaults.csv). */
struct method_defaults {
	int n, own, stop_after;
	struct store_item_quality rice, septic, process, test;
};

static int take_method_default(void *ctx, const struct store_item_quality *q)
{
	struct method_defaults *d = ctx;
	const struct na_method *m = na_method_get(q->item);

	d->n++;
	d->own += m && na_quality_own(m);
	if (!strcmp(q->item, "rice"))
		d->rice = *q;
	if (!strcmp(q->item, "septic"))
		d->septic = *q;
	if (!strcmp(q->item, "process"))
		d->process = *q;
	if (!strcmp(q->item, "zz_store_test"))
		d->test = *q;
	return d->stop_after && d->n >= d->stop_after;
}

/*
 * SPEC-2 §2b, §2c for the team's lines (issue 13): every method with
 * defaults of its own has its row; electricity and fuels have none (they
 * take the agency form's items'); the IPCC Tier 1 estimates are A2 3, A3 3
 * with A1 2 for a record, 3 for an estimate, and no AD interval.
 */
static void test_method_defaults(struct db *db)
{
	struct method_defaults d = { 0 };
	struct store_item_quality q = { .item = "zz_store_test", .a1 = 1, .a2 = 2, .a3 = 3, .dq_note = "測試", .has_ad = 1,
					.ad_lower_milli = 1000, .ad_upper_milli = 2000, .ad_basis = "依據", .source = "a test row" };
	int own = 0;

	for (int i = 0; i < na_nmethods; i++)
		own += na_quality_own(&na_methods[i]);
	ok(store_factor_method_defaults(db, take_method_default, &d) == 0, "the methods' defaults");
	is_int(d.n, own, "one row per method with defaults of its own (%d)", own);
	is_int(d.own, d.n, "and only those: no electricity or fuel row");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM nonagency_quality_defaults WHERE method LIKE 'elec\\_%' OR method LIKE 'fuel\\_%'"),
	       0, "electricity and fuels take the agency form's");
	ok(d.rice.a1 == 2 && d.rice.a2 == 3 && d.rice.a3 == 3 && !d.rice.has_ad, "rice (a record of areas): 2/3/3, no AD default");
	ok(d.septic.a1 == 3 && d.septic.a2 == 3 && d.septic.a3 == 3 && !d.septic.has_ad, "septic (person-days estimated): 3/3/3");
	ok(d.process.a1 == 2 && d.process.a3 == 3 && strstr(d.process.dq_note, "A3") != NULL,
	   "process as reported: A3 per its source, said in the note (%s)", d.process.dq_note);
	ok(store_factor_method_default_upsert(db, &q) == 0, "a test method upserted");
	q.a1 = 3;
	q.has_ad = 0;
	ok(store_factor_method_default_upsert(db, &q) == 0, "and again");
	d = (struct method_defaults){ 0 };
	ok(store_factor_method_defaults(db, take_method_default, &d) == 0 && d.test.a1 == 3 && !d.test.has_ad &&
	   !strcmp(d.test.ad_basis, "依據"), "the second replaced the first");
	q.a2 = 0;
	ok(store_factor_method_default_upsert(db, &q) == -1, "A2 0 refused by the table's CHECK (%s)", db->errstr);
	d = (struct method_defaults){ .stop_after = 3 };
	ok(store_factor_method_defaults(db, take_method_default, &d) == 0 && d.n == 3, "a non-zero return stops the list");
}

/* The factors' intervals and the items' defaults (inside main's transaction, after the test row exists). */
static void test_quality_data(struct db *db)
{
	struct seen v = { 0 };
	struct defaults d = { 0 };
	struct store_item_quality q = { .item = "zz_store_test", .a1 = 3, .a2 = 2, .a3 = 1, .dq_note = "說明",
					.has_ad = 1, .ad_lower_milli = 2500, .ad_upper_milli = 1750, .ad_basis = "錶級 1.5",
					.source = "a test row" };

	ok(store_factor_each(db, take_factor, &v) == 0, "factors with their intervals");
	ok(v.elec_ci_ok, "elec_grid_2024: ±7.000 %% (附表一's fraction normalised)");
	ok(v.lpg_mobile_ch4_none, "ef113_lpg_mobile_CH4: none (附表一 NULL): has_ci 0");
	is_int(v.test_ci, -1, "the test row has none yet");
	is_int(store_factor_set_ci(db, "store_factor_test_key", 3209, 3922, "a test source"), 0, "an interval set");
	is_int(store_factor_set_ci(db, "store_factor_test_key", 3209, 3922, "a test source"), 0,
	       "the same again: 0 (the row exists, nothing changed)");
	is_int(store_factor_set_ci(db, "store_factor_test_no_such_key", 1, 1, "x"), 1, "an unknown key: 1");
	v = (struct seen){ 0 };
	ok(store_factor_each(db, take_factor, &v) == 0, "read again");
	is_int(v.test_ci, 3209 * 1000 + 922, "3.209 %% below, 3.922 %% above");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key' AND ci_source = 'a test source'"),
	       1, "with its source");

	ok(store_factor_item_defaults(db, take_default, &d) == 0, "the items' defaults");
	is_int(d.n, store_test_int(db, "SELECT COUNT(*) FROM item_quality_defaults"), "every row");
	is_int(d.n, CALC__MAX, "one per form item (quality-defaults.csv)");
	ok(d.electricity.a1 == 2 && d.electricity.a2 == 1 && d.electricity.a3 == 3, "電力: A1 2, A2 1, A3 3");
	ok(d.electricity.has_ad && d.electricity.ad_lower_milli == 1500 && d.electricity.ad_upper_milli == 1500,
	   "電力: AD ±1.5 %%");
	ok(strstr(d.electricity.ad_basis, "台電") != NULL, "with its basis (%s)", d.electricity.ad_basis);
	ok(!d.lpg.has_ad && !d.lpg.ad_lower_milli, "LPG: no AD interval (未評估 until given)");
	ok(store_factor_item_default_upsert(db, &q) == 0, "a test item upserted");
	q.a1 = 1;
	q.has_ad = 0;
	ok(store_factor_item_default_upsert(db, &q) == 0, "and again, without an interval");
	d = (struct defaults){ 0 };
	ok(store_factor_item_defaults(db, take_default, &d) == 0, "read back");
	ok(d.test.a1 == 1 && d.test.a2 == 2 && d.test.a3 == 1 && !d.test.has_ad && !strcmp(d.test.dq_note, "說明") &&
	   !strcmp(d.test.ad_basis, "錶級 1.5"), "the second upsert replaced the first (NULL bounds: has_ad 0)");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM item_quality_defaults WHERE item = 'zz_store_test' AND ad_lower_milli IS NULL"),
	       1, "stored as NULL");
	q.a1 = 4;
	ok(store_factor_item_default_upsert(db, &q) == -1, "A1 4 refused by the table's CHECK (%s)", db->errstr);
	d = (struct defaults){ .stop_after = 2 };
	ok(store_factor_item_defaults(db, take_default, &d) == 0 && d.n == 2, "a non-zero return stops the list");
}

int main(void)
{
	struct db db;
	struct seen v = { 0 };
	char stamp[64], again[64];
	struct store_factor_load row = {
		.key = "store_factor_test_key", .category = "test", .scope = "1", .gas = "CO2", .unit = "公斤",
		.value = "1.5", .valid_from = "", .valid_to = "", .source = "DERIVED: a test row", .confidence = CONF_DERIVED,
	};

	store_test_open(&db);
	ok(db_begin(&db) == 0, "a transaction");

	ok(store_factor_stamp(&db, stamp, sizeof(stamp)) == 0, "the stamp (%s)", stamp);
	is_int(atoll(stamp), store_test_int(&db, "SELECT COUNT(*) FROM factors"), "it starts with the number of factors");
	ok(db_exec_sql(&db, "UPDATE factors SET updated_at = updated_at + INTERVAL 1 DAY ORDER BY updated_at DESC LIMIT 1") == 0,
	   "the newest factor changed");
	ok(store_factor_stamp(&db, again, sizeof(again)) == 0 && strcmp(stamp, again), "the stamp moves (%s)", again);

	ok(store_factor_each(&db, take_factor, &v) == 0, "every factor read");
	is_int(v.n, store_test_int(&db, "SELECT COUNT(*) FROM factors"), "as many as the table has");
	ok(v.provisional_ok, "a provisional row: its value text, years, source and confidence");
	v = (struct seen){ .stop_after = 3 };
	ok(store_factor_each(&db, take_factor, &v) == 0 && v.n == 3, "a non-zero return stops the list");

	ok(store_factor_upsert(&db, &row) == 0, "a new factor upserted");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key' AND value = '1.5'"
				   " AND valid_from IS NULL AND valid_to IS NULL AND confidence = 'derived' AND category = 'test'"), 1,
	       "read back: empty years are NULL, the confidence its ENUM value");
	v = (struct seen){ 0 };
	ok(store_factor_each(&db, take_factor, &v) == 0 && v.open_ok, "and read by the store: open years 0, derived");
	row.value = "2.25";
	row.valid_to = "2030";
	row.confidence = CONF_OFFICIAL;
	ok(store_factor_upsert(&db, &row) == 0, "the same key again");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key' AND value = '2.25'"
				   " AND valid_to = 2030 AND confidence = 'official'"), 1, "updates the row");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key'"), 1, "still one row");
	row.value = "1234567890123456789012345678901234567890x";
	ok(store_factor_upsert(&db, &row) == -1, "a value longer than its column is refused (%s)", db.errstr);
	test_quality_data(&db);
	test_method_defaults(&db);

	v = (struct seen){ 0 };
	ok(store_factor_eras(&db, take_era, &v) == 0, "the GWP eras");
	is_int(v.n, store_test_int(&db, "SELECT COUNT(*) FROM gwp_eras"), "every one");
	is_str(v.first, "SAR", "by from_year: SAR first");
	ok(v.open_ok, "the last one open-ended (to 0)");

	v = (struct seen){ 0 };
	ok(store_factor_refrigerants(&db, take_refrigerant, &v) == 0, "the refrigerants");
	is_int(v.n, store_test_int(&db, "SELECT COUNT(*) FROM refrigerants"), "every one");
	is_str(v.first, "R134a", "in the form's order");
	ok(v.provisional_ok, "R22 counted as 0, with its note");
	v = (struct seen){ .stop_after = 1 };
	ok(store_factor_refrigerants(&db, take_refrigerant, &v) == 0 && v.n == 1, "a non-zero return stops the list");

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key'"), 0, "nothing of it is left");
	db_release(&db);
	return tap_done();
}

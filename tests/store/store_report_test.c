/* store_report_test.c: the report's store (store_report, and the agency's years of store_year) against the test stack's MariaDB, inside a transaction rolled back. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "report_status.h"
#include "store_report.h"
#include "store_test.h"
#include "store_year.h"

struct items {
	struct store_report_item row[8];
	int n;
	int stop_after;    /* 0: read them all */
};

static int take_item(void *ctx, const struct store_report_item *it)
{
	struct items *v = ctx;

	if (v->n < 8)
		v->row[v->n++] = *it;
	return v->stop_after && v->n >= v->stop_after;
}

static void test_report_row(struct db *db, long long agency, int year, long long account, long long *rid)
{
	struct store_report got;
	struct store_report_write w = {
		.agency_id = agency, .year = year, .filed = 0, .scope_text = "校舍及宿舍", .outsourced_scope_text = "",
		.own_total_milli = 9027523, .outsourced_total_milli = LLONG_MAX, .account_id = account,
		.save_token = "0123456789abcdef0123456789abcdef",
	};
	struct store_report_locked l;
	long long dup = 0;

	is_int(store_report_get(db, agency, year, &got), 0, "no report yet: not found");
	is_int(store_report_lock(db, agency, year, &l), 0, "nothing to lock yet");
	ok(store_report_insert(db, &w, rid) == 0 && *rid > 0, "the first revision is inserted (id %lld)", *rid);
	is_int(*rid, store_test_int(db, "SELECT id FROM reports WHERE agency_id = @a AND year = @y"), "its id is the row's");
	ok(store_report_insert(db, &w, &dup) == -1 && db_err_duplicate(db), "a second first revision is a duplicate");
	is_int(store_report_get(db, agency, year, &got), 1, "found now");
	ok(got.id == *rid && got.revision == 1 && got.filed == 0, "id, revision 1, not filed");
	is_str(got.scope_text, "校舍及宿舍", "the scope text as written");
	is_str(got.outsourced_scope_text, "", "an empty text stays empty");
	is_int(strlen(got.updated_at), 16, "updated_at as YYYY-MM-DD HH:MM (%s)", got.updated_at);
	is_int(store_test_int(db, "SELECT outsourced_total_milli = 9223372036854775807 FROM reports WHERE agency_id = @a AND year = @y"), 1,
	       "the largest BIGINT total is stored exactly");

	ok(store_report_lock(db, agency, year, &l) == 1 && l.id == *rid && l.revision == 1 && !l.filed && !l.confirmed_version,
	   "locked: its id, revision 1, not filed, not confirmed");
	w.filed = 1;
	w.scope_text = "辦公廳舍";
	ok(got.own_total_milli == 9027523 && got.outsourced_total_milli == LLONG_MAX && !got.confirmed_version && !got.last_version &&
	   !got.returned && !*got.return_comment && !*got.returned_by.name && !*got.returned_by.login && !*got.returned_by.at &&
	   !*got.correction_reason && !*got.reopen_reason && !*got.reopened_by.name, "its totals; no state: not confirmed, no version, not returned");
	is_int(store_test_int(db, "SELECT filed_at IS NULL FROM reports WHERE agency_id = @a AND year = @y"), 1, "not filed: no filed_at");
	ok(store_report_update(db, *rid, 1, &w) == 0, "the next revision is written");
	ok(store_report_get(db, agency, year, &got) == 1 && got.revision == 2 && got.filed == 1, "revision 2, filed");
	is_int(store_test_int(db, "SELECT filed_at >= NOW() - INTERVAL 1 MINUTE FROM reports WHERE agency_id = @a AND year = @y"), 1, "filed 0 -> 1: filed_at is now");
	is_str(got.scope_text, "辦公廳舍", "the new scope text");
	w.scope_text = "舊版本";
	ok(store_report_update(db, *rid, 1, &w) == 0, "an update from revision 1 again runs");
	ok(store_report_get(db, agency, year, &got) == 1 && got.revision == 2, "and changes nothing: still revision 2");
	is_str(got.scope_text, "辦公廳舍", "nor the text");
}

/* filed_at: set when filed goes 0 -> 1, kept while it stays 1 and when it goes back to 0. */
static void test_filed_at(struct db *db, long long rid, long long agency, int year, long long account)
{
	struct store_report_write w = {
		.agency_id = agency, .year = year, .filed = 1, .scope_text = "辦公廳舍", .outsourced_scope_text = "",
		.account_id = account, .save_token = "0123456789abcdef0123456789abcdef",
	};

	ok(db_exec_sql(db, "UPDATE reports SET filed_at = '2020-01-02 03:04:05' WHERE id = @r") == 0, "(filed_at set back to 2020)");
	ok(store_report_update(db, rid, 2, &w) == 0, "saved again, still filed (revision 3)");
	is_int(store_test_int(db, "SELECT filed_at = '2020-01-02 03:04:05' FROM reports WHERE id = @r"), 1, "filed 1 -> 1: filed_at kept");
	w.filed = 0;
	ok(store_report_update(db, rid, 3, &w) == 0, "saved not filed (revision 4)");
	is_int(store_test_int(db, "SELECT filed = 0 AND filed_at = '2020-01-02 03:04:05' FROM reports WHERE id = @r"), 1,
	       "filed 1 -> 0: filed_at kept (when it was last filed)");
	w.filed = 1;
	ok(store_report_update(db, rid, 4, &w) == 0, "filed again (revision 5)");
	is_int(store_test_int(db, "SELECT filed = 1 AND filed_at >= NOW() - INTERVAL 1 MINUTE FROM reports WHERE id = @r"), 1,
	       "filed 0 -> 1 again: filed_at is now");
	is_int(store_test_int(db, "SELECT revision FROM reports WHERE id = @r"), 5, "revision 5");
}

static void test_items(struct db *db, long long rid)
{
	struct items v = { .n = 0 };
	long long big = LLONG_MAX, q = 12345;

	ok(store_report_items_clear(db, rid) == 0, "items cleared");
	ok(store_report_items(db, rid, take_item, &v) == 0 && v.n == 0, "no items: none listed");
	struct store_quality typed = { .a1 = 1, .a2 = 0, .a3 = 2, .dq_note = "電表經外部校正", .dq_keeper = "總務處",
				       .ad_lower_milli = 2000, .ad_upper_milli = -1, .ad_basis = "" };

	ok(store_report_item_add(db, rid, CALC_OWN, "electricity", 0, NULL, NULL, NULL, &q, &typed) == 0 &&
	   store_report_item_add(db, rid, CALC_OUTSOURCED, "other", 1, "", "太陽能", "度", NULL, NULL) == 0 &&
	   store_report_item_add(db, rid, CALC_OWN, "refrigerant", 10, "R404A", NULL, NULL, &big, NULL) == 0, "three items added");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_items i JOIN reports r ON r.id = i.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y AND i.item = 'electricity' AND i.a1 = 1 AND i.a2 IS NULL"
				  " AND i.a3 = 2 AND i.dq_note = '電表經外部校正' AND i.dq_keeper = '總務處' AND i.ad_lower_milli = 2000"
				  " AND i.ad_upper_milli IS NULL AND i.ad_basis IS NULL"), 1,
	       "typed quality values stored, the ones not typed NULL (the default)");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_items i JOIN reports r ON r.id = i.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y AND i.item = 'refrigerant' AND i.a1 IS NULL AND i.a2 IS NULL"
				  " AND i.a3 IS NULL AND i.dq_note IS NULL AND i.ad_lower_milli IS NULL AND i.ad_basis IS NULL"), 1,
	       "no quality given: every column NULL");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_items i JOIN reports r ON r.id = i.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y"), 3, "three rows in report_items");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_items i JOIN reports r ON r.id = i.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y AND refrigerant IS NULL AND name IS NULL AND unit IS NULL"), 1,
	       "empty texts stored as NULL");
	ok(store_report_items(db, rid, take_item, &v) == 0 && v.n == 3, "three listed");
	ok(v.row[0].part == CALC_OWN && !strcmp(v.row[0].item, "electricity") && v.row[0].has_quantity && v.row[0].quantity_milli == 12345,
	   "by part, item, seq: own electricity 12.345 first");
	ok(v.row[0].q.a1 == 1 && v.row[0].q.a2 == 0 && v.row[0].q.a3 == 2 && !strcmp(v.row[0].q.dq_note, "電表經外部校正") &&
	   !strcmp(v.row[0].q.dq_keeper, "總務處") && v.row[0].q.ad_lower_milli == 2000 && v.row[0].q.ad_upper_milli == -1 &&
	   !*v.row[0].q.ad_basis, "its quality values read back (NULL as 0, \"\", -1)");
	ok(!v.row[1].q.a1 && !v.row[1].q.a2 && !v.row[1].q.a3 && v.row[1].q.ad_lower_milli == -1 && !*v.row[1].q.dq_note,
	   "the refrigerant's: none");
	ok(v.row[1].part == CALC_OWN && !strcmp(v.row[1].item, "refrigerant") && v.row[1].seq == 10 &&
	   !strcmp(v.row[1].refrigerant, "R404A") && v.row[1].quantity_milli == LLONG_MAX, "then the refrigerant, its largest quantity exact");
	ok(v.row[2].part == CALC_OUTSOURCED && !strcmp(v.row[2].name, "太陽能") && !strcmp(v.row[2].unit, "度") &&
	   !v.row[2].has_quantity && !*v.row[2].refrigerant, "then the outsourced 其他能源 row, without a quantity");
	v = (struct items){ .stop_after = 1 };
	ok(store_report_items(db, rid, take_item, &v) == 0 && v.n == 1, "a non-zero return stops the list");
	v = (struct items){ .n = 0 };
	ok(store_report_items(db, 0, take_item, &v) == 0 && v.n == 0, "no such report: no items");
	ok(store_report_items_clear(db, rid) == 0, "cleared again");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_items i JOIN reports r ON r.id = i.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y"), 0, "none left");
}

static void test_lines(struct db *db, long long rid)
{
	struct calc_line l;

	memset(&l, 0, sizeof(l));
	l.item = CALC_ELECTRICITY;
	l.part = CALC_OWN;
	l.category = CALC_CAT_STATIONARY;
	l.scope = 2;
	snprintf(l.factor_text, sizeof(l.factor_text), "0.474");
	snprintf(l.method, sizeof(l.method), "度 × 係數");
	snprintf(l.sources, sizeof(l.sources), "能源署");
	l.provisional = 1;
	struct store_quality q = { .a1 = 2, .a2 = 1, .a3 = 3, .dq_note = "台電帳單", .dq_keeper = "",
				   .ad_lower_milli = 1500, .ad_upper_milli = 1500, .ad_basis = "台電帳單（電表經台電校正）" };

	l.iso_category = 2;
	ok(store_report_lines_clear(db, rid) == 0, "lines cleared");
	ok(store_report_line_add(db, rid, &l, 10000000, 4740000, &q) == 0, "a line added");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y AND l.iso_category = 2 AND l.a1 = 2 AND l.a2 = 1 AND l.a3 = 3"
				  " AND l.dq_note = '台電帳單' AND l.dq_keeper = '' AND l.ad_lower_milli = 1500 AND l.ad_upper_milli = 1500"
				  " AND l.ad_basis = '台電帳單（電表經台電校正）'"), 1, "its 類別 and the quality values in force");
	is_int(store_test_int(db, "SELECT kg_milli FROM report_lines l JOIN reports r ON r.id = l.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y AND l.part = 'own' AND l.item = 'electricity'"
				  " AND l.category = 'stationary' AND l.scope = 2 AND l.quantity_milli = 10000000"
				  " AND l.factor_text = '0.474' AND l.gwp_set = '' AND l.provisional = 1"), 4740000, "read back as written");
	ok(store_report_line_add(db, rid, &l, 1, 1, &q) == -1 && db_err_duplicate(db), "the same line twice is a duplicate");
	ok(store_report_lines_clear(db, rid) == 0, "cleared again");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y"), 0, "none left");
}


struct gases {
	struct store_report_gas row[64];
	int n;
};

static int take_gas(void *ctx, const struct store_report_gas *g)
{
	struct gases *v = ctx;

	if (v->n < 64)
		v->row[v->n++] = *g;
	return 0;
}

struct lines {
	struct store_report_line row[16];
	int n;
};

static int take_line(void *ctx, const struct store_report_line *l)
{
	struct lines *v = ctx;

	if (v->n < 16)
		v->row[v->n++] = *l;
	return 0;
}

/*
 * Computed lines with their gases as a save writes them: more gases than
 * one statement holds (8), a gas without an interval, the rows read back,
 * Σ gases = kg_milli of each line, and gone with their lines.
 */
static void test_gases(struct db *db, long long rid)
{
	static const struct store_quality none = { .ad_lower_milli = -1, .ad_upper_milli = -1 };
	struct calc_line l[5];
	struct gases v = { .n = 0 };
	struct lines lv = { .n = 0 };
	/* kg of each line, and of each gas: CO2, CH4, N2O (fuels), CO2 (electricity), HFCs (refrigerants) */
	static const long long kg[5] = { 2341496, 4940000, 235523, 3847000, 0 };
	static const long long gas[5][3] = { { 2339000, 1400, 1096 }, { 4940000, 0, 0 }, { 230000, 5000, 523 }, { 3847000, 0, 0 }, { 0, 0, 0 } };
	static const enum calc_item item[5] = { CALC_NATURAL_GAS, CALC_ELECTRICITY, CALC_VEHICLE_GASOLINE, CALC_REFRIGERANT, CALC_REFRIGERANT };
	int bad = 0;

	memset(l, 0, sizeof(l));
	ok(store_report_lines_clear(db, rid) == 0, "lines cleared");
	for (int i = 0; i < 5; i++) {
		l[i].item = item[i];
		l[i].part = i == 2 ? CALC_OUTSOURCED : CALC_OWN;
		l[i].seq = i == 4 ? 3 : i == 3 ? 2 : 0;
		l[i].category = CALC_CAT_STATIONARY;
		l[i].scope = i == 2 ? 3 : i == 1 ? 2 : 1;
		l[i].iso_category = i == 2 ? 3 : i == 1 ? 2 : 1;
		l[i].kg = dec_from_scaled_i64(kg[i], 3);
		if (item[i] == CALC_ELECTRICITY || item[i] == CALC_REFRIGERANT) {
			int g = item[i] == CALC_ELECTRICITY ? CALC_GAS_CO2 : CALC_GAS_HFC;

			l[i].gas[g] = (struct calc_gas_amount){ 1, dec_from_scaled_i64(gas[i][0], 3), item[i] == CALC_ELECTRICITY, 7000, 7000 };
		} else {
			for (int g = 0; g < 3; g++)
				l[i].gas[g] = (struct calc_gas_amount){ 1, dec_from_scaled_i64(gas[i][g], 3), g == 0, 3209, 3922 };
		}
		if (store_report_line_add(db, rid, &l[i], 1000, kg[i], &none))
			bad++;
	}
	ok(!bad, "five lines added");
	/* nine gases: one statement of 8, then 1 alone */
	ok(store_report_line_gases_add(db, rid, l, 5) == 0, "their gases added");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_line_gases WHERE report_id = @r"), 9, "one row per present gas (9)");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_lines l LEFT JOIN (SELECT part, item, seq, SUM(kg_milli) s"
				  " FROM report_line_gases WHERE report_id = @r GROUP BY part, item, seq) g USING (part, item, seq)"
				  " WHERE l.report_id = @r AND (g.s IS NULL OR g.s <> l.kg_milli)"), 0, "Σ gases = kg_milli of every line");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_line_gases WHERE report_id = @r AND gas = 'CO2' AND item = 'electricity'"
				  " AND ef_lower_milli = 7000 AND ef_upper_milli = 7000"), 1, "electricity's CO2 with the factor's interval");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_line_gases WHERE report_id = @r AND gas = 'CH4'"
				  " AND ef_lower_milli IS NULL AND ef_upper_milli IS NULL"), 2, "a gas without an interval: NULL (未評估)");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_line_gases WHERE report_id = @r AND gas = 'HFCs' AND kg_milli = 0"), 1,
	       "a refrigerant counted 0: its gas present at 0");
	ok(store_report_gases(db, rid, take_gas, &v) == 0 && v.n == 9, "read back: 9 rows");
	ok(v.row[0].part == CALC_OWN && !strcmp(v.row[0].item, "electricity") && v.row[0].gas == CALC_GAS_CO2 &&
	   v.row[0].kg_milli == 4940000 && v.row[0].ef_lower_milli == 7000, "own electricity's CO2 first");
	ok(v.row[1].gas == CALC_GAS_CO2 && v.row[2].gas == CALC_GAS_CH4 && v.row[2].ef_lower_milli == -1 && v.row[3].gas == CALC_GAS_N2O &&
	   v.row[3].kg_milli == 1096, "natural gas: CO2, CH4 (未評估), N2O");
	ok(v.row[8].part == CALC_OUTSOURCED && v.row[8].gas == CALC_GAS_N2O, "the outsourced line last");
	ok(store_report_lines(db, rid, take_line, &lv) == 0 && lv.n == 5 && lv.row[0].iso_category == 2 && lv.row[0].scope == 2 &&
	   lv.row[4].iso_category == 3 && lv.row[4].scope == 3 && lv.row[0].q.ad_lower_milli == -1, "lines read back with 類別 and 範疇");
	ok(store_report_lines_clear(db, rid) == 0, "lines cleared");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_line_gases WHERE report_id = @r"), 0, "their gases went with them");
	l[0].gas[0].kg = (dec_t){ (dec_i128)1 << 100, 3 };
	ok(store_report_line_gases_add(db, rid, l, 1) == -2, "a gas amount that does not fit: -2, nothing stored in its place");
}

struct returned {
	struct store_report_returned row[4];
	int n;
};

static int take_returned(void *ctx, const struct store_report_returned *r)
{
	struct returned *v = ctx;

	if (v->n < 4)
		v->row[v->n++] = *r;
	return 0;
}

/* The state columns as store_report_get and store_report_lock read them; the agency's returned reports. */
static void test_state(struct db *db, long long agency, int year, long long rid)
{
	struct store_report got;
	struct store_report_locked l;
	struct returned v = { .n = 0 };

	ok(store_test_int(db, "SELECT @team := id FROM accounts WHERE kind = 'team' AND county_id = @c AND login = 'TEAM'") > 0 &&
	   store_test_int(db, "SELECT @parent := s.id FROM accounts s JOIN agencies a ON a.id = s.agency_id"
			      " WHERE a.county_id = @c AND a.code = '371030000A'") > 0, "the county's team and the parent's account");
	ok(db_exec_sql(db, "UPDATE reports SET filed = 0, returned = 1, return_comment = '請補附電費單', returned_at = '2026-01-02 03:04:59',"
			   " returned_by = @team, correction_reason = '電費單位填錯', correction_at = '2026-01-03 04:05:00',"
			   " reopen_reason = '依申請更正', reopened_by = @parent, reopened_at = '2026-01-04 05:06:00', last_version = 3"
			   " WHERE id = @r") == 0, "(returned by the team, reopened by the parent, a correction asked, version 3 the last)");
	ok(store_report_get(db, agency, year, &got) == 1 && got.returned == 1 && !got.confirmed_version && got.last_version == 3,
	   "returned, not confirmed, last version 3");
	is_str(got.return_comment, "請補附電費單", "the comment");
	is_str(got.returned_by.name, "連江縣盤查小組", "returned by the county's team, named as such");
	is_str(got.returned_by.login, "TEAM", "its login");
	is_str(got.returned_by.at, "2026-01-02 03:04", "when, to the minute");
	is_str(got.correction_reason, "電費單位填錯", "the correction asked");
	is_str(got.correction_at, "2026-01-03 04:05", "and when");
	is_str(got.reopen_reason, "依申請更正", "why it was reopened");
	is_str(got.reopened_by.name, "連江縣政府教育處", "by the parent agency, named");
	is_str(got.reopened_by.login, "371030000A", "its login");
	is_str(got.reopened_by.at, "2026-01-04 05:06", "when");
	ok(store_report_returned_each(db, agency, take_returned, &v) == 0 && v.n == 1 && v.row[0].year == year &&
	   !strcmp(v.row[0].comment, "請補附電費單") && !strcmp(v.row[0].by.name, "連江縣盤查小組") &&
	   !strcmp(v.row[0].by.at, "2026-01-02 03:04"), "the agency's returned reports: this one, with the comment and who");
	v.n = 0;
	ok(store_report_returned_each(db, agency + 1000000, take_returned, &v) == 0 && v.n == 0, "another agency: none");
	ok(db_exec_sql(db, "UPDATE reports SET returned = 0, confirmed_version = 3, filed = 1 WHERE id = @r") == 0, "(saved, then confirmed as version 3)");
	v.n = 0;
	ok(store_report_returned_each(db, agency, take_returned, &v) == 0 && v.n == 0, "flag cleared: not listed any more");
	ok(store_report_get(db, agency, year, &got) == 1 && got.confirmed_version == 3 && !got.returned &&
	   !strcmp(got.return_comment, "請補附電費單"), "confirmed_version 3; the last comment kept on record");
	ok(store_report_lock(db, agency, year, &l) == 1 && l.id == rid && l.confirmed_version == 3 && l.filed == 1,
	   "the locked row says it is confirmed");
}

/* Another report inserted filed: filed_at set at once. */
static void test_insert_filed(struct db *db, long long account)
{
	struct store_report_write w = {
		.year = 0, .filed = 1, .scope_text = "x", .outsourced_scope_text = "", .account_id = account,
		.save_token = "0123456789abcdef0123456789abcdef",
	};
	long long id = 0;

	w.agency_id = store_test_int(db, "SELECT @a2 := id FROM agencies WHERE county_id = @c AND code = '371036600X'");
	w.year = (int)store_test_int(db, "SELECT @y2 := MIN(y.year) FROM inventory_years y WHERE y.county_id = @c"
				      " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = @a2 AND r.year = y.year)");
	ok(w.agency_id > 0 && w.year > 0 && store_report_insert(db, &w, &id) == 0, "a filed first revision of another agency");
	is_int(store_test_int(db, "SELECT filed_at >= NOW() - INTERVAL 1 MINUTE FROM reports WHERE agency_id = @a2 AND year = @y2"), 1,
	       "filed_at is now");
}

struct years {
	int year, status, returned, locked, others_locked;
	char comment[2001];
};

static int take_year(void *ctx, const struct store_year_report *y)
{
	struct years *v = ctx;

	if (y->year == v->year) {
		v->status = y->status;
		v->returned = y->returned;
		v->locked = y->locked;
		snprintf(v->comment, sizeof(v->comment), "%s", y->return_comment);
	} else if (y->locked) {
		v->others_locked++;
	}
	return 0;
}

/* The agency's years (store_year_report_get / _each): the four states, 退回 and its comment, the county's lock. */
static void test_years(struct db *db, long long agency, int county, int year)
{
	struct years v = { .year = year };
	struct store_year_report y;

	ok(store_year_report_each(db, agency, county, take_year, &v) == 0 && v.status == REPORT_CONFIRMED && !v.returned &&
	   !*v.comment && !v.locked, "a confirmed report: 已確認 (3), no 退回 shown");
	ok(db_exec_sql(db, "UPDATE reports SET confirmed_version = NULL, filed = 0, returned = 1 WHERE id = @r") == 0 &&
	   store_year_report_each(db, agency, county, take_year, &v) == 0 && v.status == REPORT_DRAFT && v.returned &&
	   !strcmp(v.comment, "請補附電費單"), "returned: 登錄中 with the flag and its comment");
	ok(db_exec_sql(db, "UPDATE reports SET returned = 0 WHERE id = @r") == 0 &&
	   store_year_report_each(db, agency, county, take_year, &v) == 0 && v.status == REPORT_DRAFT && !v.returned && !*v.comment,
	   "flag cleared: the comment is not shown any more");
	ok(db_exec_sql(db, "UPDATE reports SET filed = 1 WHERE id = @r") == 0 &&
	   store_year_report_each(db, agency, county, take_year, &v) == 0 && v.status == REPORT_FILED, "filed: 已登錄完成 (2)");
	ok(store_year_report_get(db, county, year, &y) == 1 && !y.locked, "the year is not locked");
	ok(db_exec_sql(db, "INSERT INTO year_locks (county_id, year, locked_at, locked_by) VALUES (@c, @y, NOW(), @team)") == 0 &&
	   db_exec_sql(db, "UPDATE inventory_years SET lock_id = LAST_INSERT_ID() WHERE county_id = @c AND year = @y") == 0,
	   "(the team locks the year)");
	ok(store_year_report_get(db, county, year, &y) == 1 && y.locked, "store_year_report_get: locked");
	v.others_locked = 0;
	ok(store_year_report_each(db, agency, county, take_year, &v) == 0 && v.locked && !v.others_locked,
	   "store_year_report_each: that year locked, no other");
}

struct excls {
	struct store_report_exclusion row[4];
	int n;
};

static int take_excl(void *ctx, const struct store_report_exclusion *e)
{
	struct excls *v = ctx;

	if (v->n < 4)
		v->row[v->n++] = *e;
	return 0;
}

struct noted {
	struct store_report_noted row[4];
	int n;
};

static int take_noted(void *ctx, const struct store_report_noted *r)
{
	struct noted *v = ctx;

	if (v->n < 4)
		v->row[v->n++] = *r;
	return 0;
}

/* SPEC-2 §2d: NE / IE on an item without quantity, 沿用 on one with; exclusions; the county-wide lists. */
static void test_notation(struct db *db, long long rid, long long agency, int county, int year)
{
	const long long three = 3000;
	struct store_notation ne = { .key = STORE_NOTATION_NE }, ie = { .key = STORE_NOTATION_IE }, carried = { .carried_from = 2019 };
	struct items v = { .n = 0 };
	struct excls e = { .n = 0 };
	struct noted nd = { .n = 0 };

	snprintf(ne.text, sizeof(ne.text), "%s", "無法取得補充紀錄");
	snprintf(ie.text, sizeof(ie.text), "%s", "併入總務處電費");
	ok(store_report_items_clear(db, rid) == 0, "(items cleared)");
	ok(store_report_item_add(db, rid, CALC_OWN, "lpg", 0, NULL, NULL, NULL, NULL, NULL) == 0 &&
	   store_report_item_notation(db, rid, CALC_OWN, "lpg", 0, &ne) == 0, "an NE item with its reason");
	ok(store_report_item_add(db, rid, CALC_OUTSOURCED, "electricity", 0, NULL, NULL, NULL, NULL, NULL) == 0 &&
	   store_report_item_notation(db, rid, CALC_OUTSOURCED, "electricity", 0, &ie) == 0, "an IE item naming where");
	ok(store_report_item_add(db, rid, CALC_OWN, "ext_co2", 0, NULL, NULL, NULL, &three, NULL) == 0 &&
	   store_report_item_notation(db, rid, CALC_OWN, "ext_co2", 0, &carried) == 0, "a carried item with its quantity");
	ok(store_report_item_add(db, rid, CALC_OWN, "natural_gas", 0, NULL, NULL, NULL, &three, NULL) == 0 &&
	   store_report_item_notation(db, rid, CALC_OWN, "natural_gas", 0, NULL) == 0, "a plain item: nothing to set");
	ok(store_report_items(db, rid, take_item, &v) == 0 && v.n == 4, "four items read back (%d)", v.n);
	ok(v.n == 4 && !strcmp(v.row[0].item, "ext_co2") && v.row[0].n.carried_from == 2019 && v.row[0].n.key == STORE_NOTATION_NONE &&
	   v.row[0].has_quantity && v.row[0].quantity_milli == 3000, "ext_co2: 沿用 2019, quantity 3");
	ok(v.n == 4 && !strcmp(v.row[1].item, "lpg") && v.row[1].n.key == STORE_NOTATION_NE && !v.row[1].has_quantity &&
	   !strcmp(v.row[1].n.text, "無法取得補充紀錄") && !v.row[1].n.carried_from, "lpg: NE with its reason, no quantity");
	ok(v.n == 4 && !strcmp(v.row[2].item, "natural_gas") && v.row[2].n.key == STORE_NOTATION_NONE && !*v.row[2].n.text &&
	   !v.row[2].n.carried_from, "natural_gas: no notation");
	ok(v.n == 4 && v.row[3].part == CALC_OUTSOURCED && v.row[3].n.key == STORE_NOTATION_IE && !strcmp(v.row[3].n.text, "併入總務處電費"),
	   "outsourced electricity: IE naming where");
	/* The schema's own checks: a notation with a quantity, a carried line without one. */
	ok(db_exec_sql(db, "UPDATE report_items SET quantity_milli = 1 WHERE report_id = @r AND item = 'lpg'") != 0,
	   "the schema refuses a quantity on an NE item");
	ok(db_exec_sql(db, "UPDATE report_items SET quantity_milli = NULL WHERE report_id = @r AND item = 'ext_co2'") != 0,
	   "the schema refuses a carried item without a quantity");

	ok(store_report_exclusions_clear(db, rid) == 0 && store_report_exclusion_add(db, rid, 1, "宿舍瓦斯", "由住宿者自付，非機關控制") == 0 &&
	   store_report_exclusion_add(db, rid, 2, "員工通勤", "類別三，本年度不盤查") == 0, "two exclusions");
	ok(store_report_exclusions(db, rid, take_excl, &e) == 0 && e.n == 2 && e.row[0].seq == 1 && !strcmp(e.row[0].name, "宿舍瓦斯") &&
	   !strcmp(e.row[1].reason, "類別三，本年度不盤查") && e.row[0].agency_id == agency, "read back by seq, with the agency");
	e.n = 0;
	ok(store_report_exclusions_county(db, county, year, 0, take_excl, &e) == 0 && e.n >= 2, "the county-year's list has them");
	ok(store_report_noted_county(db, county, year, 0, take_noted, &nd) == 0, "the county-year's marked and carried lines");
	{
		int mine = 0;

		for (int i = 0; i < nd.n; i++)
			mine += nd.row[i].agency_id == agency;
		is_int(mine, 3, "three of this agency: NE, IE and 沿用, not the plain one");
	}
	{
		struct store_report *row = xmalloc(sizeof(*row));

		ok(store_report_get(db, agency, year, row) == 1 && row->has_exclusions, "the report says it has exclusions");
		ok(store_report_exclusions_clear(db, rid) == 0 && store_report_exclusions(db, rid, take_excl, &(struct excls){ .n = 0 }) == 0 &&
		   store_test_int(db, "SELECT COUNT(*) FROM report_exclusions WHERE report_id = @r") == 0, "cleared");
		ok(store_report_get(db, agency, year, row) == 1 && !row->has_exclusions, "and then that it has none (no query for them)");
		free(row);
	}
	ok(store_report_exclusion_add(db, rid, 1, "宿舍瓦斯", "x") == 0, "(one again, for the cascade)");
}

static void test_save_checks(struct db *db, long long agency, int year)
{
	is_int(store_report_token_is(db, agency, year, "0123456789abcdef0123456789abcdef"), 1, "the save token is the row's");
	is_int(store_report_token_is(db, agency, year, "ffffffffffffffffffffffffffffffff"), 0, "another token is not");
	is_int(store_report_token_is(db, agency, year + 1, "0123456789abcdef0123456789abcdef"), 0, "another year's row: not this save");
}

int main(void)
{
	struct db db;
	long long agency, account, rid = 0;
	int county, year;

	store_test_open(&db);
	ok(db_begin(&db) == 0, "a transaction");
	agency = store_test_int(&db, "SELECT @a := a.id FROM agencies a JOIN counties c ON c.id = a.county_id"
				     " WHERE c.letter = 'Z' AND a.code = '371036500X'");
	county = (int)store_test_int(&db, "SELECT @c := county_id FROM agencies WHERE id = @a");
	account = store_test_int(&db, "SELECT @acct := id FROM accounts WHERE agency_id = @a");
	year = (int)store_test_int(&db, "SELECT @y := MIN(y.year) FROM inventory_years y WHERE y.county_id = @c"
				       " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = @a AND r.year = y.year)");
	ok(agency > 0 && county > 0 && account > 0 && year > 0, "a demo agency (%lld) and a year it has no report of (%d)", agency, year);

	test_report_row(&db, agency, year, account, &rid);
	ok(store_test_int(&db, "SELECT @r := id FROM reports WHERE agency_id = @a AND year = @y") == rid, "(@r)");
	test_filed_at(&db, rid, agency, year, account);
	test_state(&db, agency, year, rid);
	test_insert_filed(&db, account);
	test_years(&db, agency, county, year);
	test_items(&db, rid);
	test_lines(&db, rid);
	test_gases(&db, rid);
	test_save_checks(&db, agency, year);
	test_notation(&db, rid, agency, county, year);

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM reports WHERE agency_id = @a AND year = @y"), 0, "nothing of it is left");
	db_release(&db);
	return tap_done();
}

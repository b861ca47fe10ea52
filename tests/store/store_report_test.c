/* store_report_test.c: the report's store (store_report) against the test stack's MariaDB, inside a transaction rolled back. */
#include <limits.h>

#include "store_report.h"
#include "store_test.h"

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
	long long id = 0, revision = 0, dup = 0;

	is_int(store_report_get(db, agency, year, &got), 0, "no report yet: not found");
	is_int(store_report_lock(db, agency, year, &id, &revision), 0, "nothing to lock yet");
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

	ok(store_report_lock(db, agency, year, &id, &revision) == 1 && id == *rid && revision == 1, "locked: its id and revision 1");
	w.filed = 1;
	w.scope_text = "辦公廳舍";
	ok(store_report_update(db, *rid, 1, &w) == 0, "the next revision is written");
	ok(store_report_get(db, agency, year, &got) == 1 && got.revision == 2 && got.filed == 1, "revision 2, filed");
	is_str(got.scope_text, "辦公廳舍", "the new scope text");
	w.scope_text = "舊版本";
	ok(store_report_update(db, *rid, 1, &w) == 0, "an update from revision 1 again runs");
	ok(store_report_get(db, agency, year, &got) == 1 && got.revision == 2, "and changes nothing: still revision 2");
	is_str(got.scope_text, "辦公廳舍", "nor the text");
}

static void test_items(struct db *db, long long rid)
{
	struct items v = { .n = 0 };
	long long big = LLONG_MAX, q = 12345;

	ok(store_report_items_clear(db, rid) == 0, "items cleared");
	ok(store_report_items(db, rid, take_item, &v) == 0 && v.n == 0, "no items: none listed");
	ok(store_report_item_add(db, rid, CALC_OWN, "electricity", 0, NULL, NULL, NULL, &q) == 0 &&
	   store_report_item_add(db, rid, CALC_OUTSOURCED, "other", 1, "", "太陽能", "度", NULL) == 0 &&
	   store_report_item_add(db, rid, CALC_OWN, "refrigerant", 10, "R404A", NULL, NULL, &big) == 0, "three items added");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_items i JOIN reports r ON r.id = i.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y"), 3, "three rows in report_items");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_items i JOIN reports r ON r.id = i.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y AND refrigerant IS NULL AND name IS NULL AND unit IS NULL"), 1,
	       "empty texts stored as NULL");
	ok(store_report_items(db, rid, take_item, &v) == 0 && v.n == 3, "three listed");
	ok(v.row[0].part == CALC_OWN && !strcmp(v.row[0].item, "electricity") && v.row[0].has_quantity && v.row[0].quantity_milli == 12345,
	   "by part, item, seq: own electricity 12.345 first");
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
	ok(store_report_lines_clear(db, rid) == 0, "lines cleared");
	ok(store_report_line_add(db, rid, &l, 10000000, 4740000) == 0, "a line added");
	is_int(store_test_int(db, "SELECT kg_milli FROM report_lines l JOIN reports r ON r.id = l.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y AND l.part = 'own' AND l.item = 'electricity'"
				  " AND l.category = 'stationary' AND l.scope = 2 AND l.quantity_milli = 10000000"
				  " AND l.factor_text = '0.474' AND l.gwp_set = '' AND l.provisional = 1"), 4740000, "read back as written");
	ok(store_report_line_add(db, rid, &l, 1, 1) == -1 && db_err_duplicate(db), "the same line twice is a duplicate");
	ok(store_report_lines_clear(db, rid) == 0, "cleared again");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_lines l JOIN reports r ON r.id = l.report_id"
				  " WHERE r.agency_id = @a AND r.year = @y"), 0, "none left");
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
	test_items(&db, rid);
	test_lines(&db, rid);
	test_save_checks(&db, agency, year);

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM reports WHERE agency_id = @a AND year = @y"), 0, "nothing of it is left");
	db_release(&db);
	return tap_done();
}

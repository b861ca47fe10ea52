/* store_review_test.c: what the review page reads (store_review) against the test stack's MariaDB, inside a transaction rolled back. */
#include "arena.h"
#include "store_review.h"
#include "store_test.h"

struct crumbs {
	int n;
	long long first, last;
};

static int take_crumb(void *ctx, const struct store_review_crumb *c)
{
	struct crumbs *v = ctx;

	if (!v->n++)
		v->first = c->id;
	v->last = c->id;
	return 0;
}

struct children {
	int n, stop_after;
	int status_of_school, school_uncounted, hall_kids;
	long long school, sum;
	char first_name[801];
};

static int take_child(void *ctx, const struct store_review_child *c)
{
	struct children *v = ctx;

	if (!v->n++)
		snprintf(v->first_name, sizeof(v->first_name), "%s", c->name);
	if (c->id == v->school) {
		v->status_of_school = c->status;
		v->school_uncounted = c->uncounted;
	}
	v->hall_kids += c->has_children;
	v->sum += c->subtree_milli;
	return v->stop_after && v->n >= v->stop_after;
}

static void test_rights(struct db *db, long long hall, long long edu, long long school, int county)
{
	struct store_review_agency a;

	is_int(store_review_is_ancestor(db, hall, school), 1, "the county hall is above the school");
	is_int(store_review_is_ancestor(db, school, school), 1, "an agency is within its own subtree");
	is_int(store_review_is_ancestor(db, school, edu), 0, "the school is not above its parent");
	is_int(store_review_in_county(db, school, county), 1, "the school is in its county");
	is_int(store_review_in_county(db, school, (int)store_test_int(db, "SELECT MIN(id) FROM counties WHERE id <> @c")), 0,
	       "and in no other");
	ok(store_review_agency(db, edu, &a) == 1 && a.level == (int)store_test_int(db, "SELECT level FROM agencies WHERE id = @e"),
	   "an agency's level (%d)", a.level);
	is_str(a.name, "連江縣政府教育處", "and its name");
	is_int(store_review_agency(db, 0, &a), 0, "no agency 0");
}

static void test_stamp(struct db *db, long long school, int county, int year)
{
	struct store_review_stamp st;

	ok(store_review_stamp(db, county, school, year, &st) == 1 && st.served, "a served year of an existing agency");
	is_int(st.county_id, county, "its county");
	is_int(st.last_outbox, store_test_int(db, "SELECT IFNULL(MAX(id), 0) FROM outbox WHERE county_id = @c AND year = @y"),
	       "the newest outbox row");
	is_int(st.pending, store_test_int(db, "SELECT COUNT(*) FROM outbox WHERE county_id = @c AND year = @y AND done_at IS NULL"),
	       "the number pending");
	ok(db_exec_sql(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (@c, @y, @s, NOW(3))") == 0,
	   "a save's outbox row");
	ok(store_review_stamp(db, county, school, year, &st) == 1 &&
	   st.last_outbox == store_test_int(db, "SELECT MAX(id) FROM outbox WHERE county_id = @c AND year = @y"), "moves the stamp");
	ok(*st.computed_at, "a computed_at or '-' (%s)", st.computed_at);
	ok(store_review_stamp(db, county, school, 1999, &st) == 1 && !st.served, "a year the county does not have: not served");
	ok(store_review_stamp(db, county, 0, year, &st) == 0 && st.served, "no such agency: 0, the year still served");
}

static void test_trail(struct db *db, long long hall, long long edu, long long school)
{
	struct crumbs v = { 0 };

	ok(store_review_trail(db, school, 0, take_crumb, &v) == 0, "the team's breadcrumb");
	is_int(v.n, store_test_int(db, "SELECT COUNT(*) FROM agency_tree WHERE descendant_id = @s"), "every ancestor");
	ok(v.first == hall && v.last == school, "from the top down to the school");
	v = (struct crumbs){ 0 };
	ok(store_review_trail(db, school, edu, take_crumb, &v) == 0 && v.n == 2 && v.first == edu && v.last == school,
	   "an agency's: from itself down");
	v = (struct crumbs){ 0 };
	ok(store_review_trail(db, 0, 0, take_crumb, &v) == 0 && v.n == 0, "no such agency: no breadcrumb");
}

static void test_pending(struct db *db, long long hall, long long school, int year)
{
	struct arena a;
	long long *ids;
	int n, has_hall = 0, has_school = 0, has_zero = 0;

	arena_init(&a, 4096);
	/* test_stamp left one pending row of the school (in this transaction). */
	ok(store_review_pending(db, hall, year, &a, &ids, &n) == 0, "the pending agencies");
	for (int i = 0; i < n; i++) {
		has_hall |= ids[i] == hall;
		has_school |= ids[i] == school;
		has_zero |= !ids[i];
	}
	ok(has_hall && has_school, "the school and its ancestors");
	is_int(n, store_test_int(db, "SELECT COUNT(DISTINCT IFNULL(t.ancestor_id, 0)) FROM outbox o"
				     " LEFT JOIN agency_tree t ON t.descendant_id = o.agency_id"
				     " WHERE o.county_id = @c AND o.year = @y AND o.done_at IS NULL"), "as many as SQL counts");
	if (!has_zero) {
		ok(db_exec_sql(db, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (@c, @y, NULL, NOW(3))") == 0,
		   "a county-wide row");
		ok(store_review_pending(db, hall, year, &a, &ids, &n) == 0, "listed again");
		for (int i = 0; i < n; i++)
			has_zero |= !ids[i];
	}
	ok(has_zero, "a row naming no agency is 0: the whole county");
	ok(store_review_pending(db, 0, year, &a, &ids, &n) == 0 && n == 0, "no such agency: nothing pending");
	arena_release(&a);
}

static void test_children(struct db *db, long long hall, long long edu, long long school, int year)
{
	struct children v = { .school = school };

	ok(db_exec_sql(db, "DELETE FROM rollups WHERE agency_id = @s AND year = @y") == 0 &&
	   db_exec_sql(db, "INSERT INTO reports (agency_id, year, revision, filed) VALUES (@s, @y, 1, 1)"
			   " ON DUPLICATE KEY UPDATE filed = 1") == 0, "the school's report filed, its rollup not yet computed");
	ok(store_review_children(db, edu, year, take_child, &v) == 0, "the children of the education department");
	is_int(v.n, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE parent_id = @e AND active = 1"), "every active one");
	is_int(v.status_of_school, 2, "the school: 已登錄完成");
	is_int(v.school_uncounted, 1, "a report without its rollup is not counted yet");
	is_str(v.first_name, "連江縣介壽國中小", "by code: 371036500X first");
	v = (struct children){ .school = school };
	ok(store_review_children(db, hall, year, take_child, &v) == 0 && v.hall_kids >= 1, "the hall's children: some have their own");
	is_int(v.sum, store_test_int(db, "SELECT IFNULL(SUM(r.subtree_milli), 0) FROM agencies a JOIN rollups r ON r.agency_id = a.id"
				     " AND r.year = @y WHERE a.parent_id = @h AND a.active = 1"), "their subtree totals");
	v = (struct children){ .stop_after = 1 };
	ok(store_review_children(db, hall, year, take_child, &v) == 0 && v.n == 1, "a non-zero return stops the list");
	v = (struct children){ 0 };
	ok(store_review_children(db, school, year, take_child, &v) == 0 && v.n == 0, "a school has no children");
}

int main(void)
{
	struct db db;
	long long hall, edu, school;
	int county, year;

	store_test_open(&db);
	ok(db_begin(&db) == 0, "a transaction");
	hall = store_test_int(&db, "SELECT @h := a.id FROM agencies a JOIN counties c ON c.id = a.county_id"
				   " WHERE c.letter = 'Z' AND a.code = '371000000A'");
	edu = store_test_int(&db, "SELECT @e := id FROM agencies WHERE county_id = (SELECT county_id FROM agencies WHERE id = @h)"
				  " AND code = '371030000A'");
	school = store_test_int(&db, "SELECT @s := id FROM agencies WHERE county_id = (SELECT county_id FROM agencies WHERE id = @h)"
				     " AND code = '371036500X'");
	county = (int)store_test_int(&db, "SELECT @c := county_id FROM agencies WHERE id = @h");
	year = (int)store_test_int(&db, "SELECT @y := MAX(year) FROM inventory_years WHERE county_id = @c");
	ok(hall > 0 && edu > 0 && school > 0 && county > 0 && year > 0, "the demo tree of county Z, year %d", year);

	test_rights(&db, hall, edu, school, county);
	test_stamp(&db, school, county, year);
	test_trail(&db, hall, edu, school);
	test_pending(&db, hall, school, year);
	test_children(&db, hall, edu, school, year);

	ok(db_rollback(&db) == 0, "rolled back");
	db_release(&db);
	return tap_done();
}

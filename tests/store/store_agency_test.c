/* store_agency_test.c: a county's agencies and their tree (store_agency) against the stack's MariaDB. */
#include <string.h>
#include <strings.h>

#include "store_agency.h"
#include "store_test.h"
#include "store_text.h"

/*
 * Everything happens inside one transaction that is rolled back, in the
 * county of 連江縣 (Z) under codes no other test uses (STA...) and on its
 * demo school's contact, except the lock check, which needs a second
 * connection.
 */

/* One statement of the test's own with one bound integer: its first column, or -1. */
static long long sql1(struct db *db, const char *sql, long long a)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = -1;

	if (!st)
		return -1;
	db_bind_int(st, 0, a);
	if (!db_exec(st) && db_step(st) == 1)
		v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

struct seen {
	int n, stop_after;
	int found_child, child_level;
	char child_parent[32];
	int ordered;          /* active DESC, level, code */
	struct store_agency last;
};

static int collect(void *ctx, const struct store_agency *a)
{
	struct seen *s = ctx;

	if (s->n) {
		const struct store_agency *p = &s->last;
		if (p->active < a->active || (p->active == a->active && (p->level > a->level ||
		    (p->level == a->level && strcasecmp(p->code, a->code) > 0))))
			s->ordered = 0;
	}
	if (!strcmp(a->code, "STA0002")) {
		s->found_child = 1;
		s->child_level = a->level;
		snprintf(s->child_parent, sizeof(s->child_parent), "%s", a->parent_code);
	}
	s->last = *a;
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

/* A name of 200 four-byte characters: the longest agencies.name holds. */
static void long_name(char *buf)
{
	for (int i = 0; i < 200; i++)
		memcpy(buf + i * 4, "\xF0\x9F\x98\x80", 4);
	buf[800] = '\0';
}

static void test_lock(struct db *db, int county)
{
	struct db other;

	ok(db_init(&other, &store_test_cfg) == 0 && db_connect(&other) == 0, "a second connection");
	ok(db_begin(db) == 0 && store_agency_lock_county(db, county) == 0, "the county locked inside a transaction");
	ok(db_exec_sql(&other, "SELECT id FROM counties WHERE letter = 'Z' FOR UPDATE NOWAIT") < 0,
	   "another transaction cannot lock it meanwhile (%s)", other.errstr);
	ok(db_exec_sql(&other, "SELECT id FROM counties WHERE letter = 'W' FOR UPDATE NOWAIT") == 0, "another county stays free");
	ok(db_rollback(db) == 0, "rolled back");
	ok(db_exec_sql(&other, "SELECT id FROM counties WHERE letter = 'Z' FOR UPDATE NOWAIT") == 0, "and then it can");
	ok(db_begin(db) == 0 && store_agency_lock_county(db, 250) == 0 && db_rollback(db) == 0, "a county that does not exist: nothing to lock, no error");
	db_release(&other);
}

/* Root STA0001, its child STA0002, its grandchild STA0003; returns their ids. */
static void test_create(struct db *db, int county, long long *root, long long *child, long long *grand)
{
	char name[801];
	long long dup, n0, n1;

	ok(store_agency_count(db, county, &n0) == 0, "count");
	is_int(n0, sql1(db, "SELECT COUNT(*) FROM agencies WHERE county_id = ?", county), "count: the table's");
	ok(store_agency_create(db, county, "STA0001", "儲存測試一級", 1, 0, root) == 0 && *root > 0, "a 一級 agency created (%lld)", *root);
	ok(store_agency_create(db, county, "STA0002", "儲存測試二級", 2, *root, child) == 0, "its child");
	long_name(name);
	ok(store_agency_create(db, county, "STA0003", name, 3, *child, grand) == 0, "a grandchild with a 200-character name");
	is_int(sql1(db, "SELECT parent_id IS NULL FROM agencies WHERE id = ?", *root), 1, "parent 0 is NULL");
	is_int(sql1(db, "SELECT parent_id FROM agencies WHERE id = ?", *child), *root, "the child's parent");
	is_int(sql1(db, "SELECT depth FROM agency_tree WHERE ancestor_id = (SELECT parent_id FROM agencies WHERE id = ?)"
		    " AND descendant_id = (SELECT id FROM agencies WHERE code = 'STA0003' AND county_id = 22)", *child), 2,
	       "the closure rows follow (trigger)");
	ok(store_agency_create(db, county, "sta0001", "重複", 1, 0, &dup) < 0 && db_err_duplicate(db),
	   "the same code (any case) again: a duplicate");
	ok(store_agency_count(db, county, &n1) == 0 && n1 == n0 + 3, "count: three more (%lld)", n1);
}

static void test_read(struct db *db, int county, long long root, long long child, long long grand)
{
	struct store_agency a;
	struct seen s = { .ordered = 1 };
	char name[801];
	long long id = 0;
	int level = 0;

	ok(store_agency_state(db, county, child, &a) == 1 && a.level == 2 && a.active == 1, "state: level and active");
	ok(store_agency_state(db, county + 1, child, &a) == 0, "state: not in another county");
	ok(store_agency_get_active(db, county, grand, 0, &a) == 1 && !strcmp(a.code, "STA0003"), "get_active: the code");
	long_name(name);
	is_str(a.name, name, "get_active: a 200-character name read whole");
	ok(store_agency_get_active(db, county, grand, 1, &a) == 1, "get_active FOR UPDATE");
	ok(store_agency_get_active(db, county, 0, 0, &a) == 0, "get_active: no agency 0");
	ok(store_agency_by_code(db, county, "STA0002", &id, &level) == 1 && id == child && level == 2, "by_code");
	ok(store_agency_by_code(db, county, "STA9999", &id, &level) == 0, "by_code: unknown");
	ok(store_agency_list(db, county, collect, &s) == 0, "list");
	is_int(s.n, sql1(db, "SELECT LEAST(COUNT(*), 5000) FROM agencies WHERE county_id = ?", county), "list: every agency of the county");
	ok(s.found_child && s.child_level == 2 && !strcmp(s.child_parent, "STA0001"), "list: level and parent code");
	ok(s.ordered, "list: active first, by level and code");
	s = (struct seen){ .stop_after = 2, .ordered = 1 };
	ok(store_agency_list(db, county, collect, &s) == 0 && s.n == 2, "list: the callback stops it");
	s = (struct seen){ .ordered = 1 };
	ok(store_agency_each(db, county, collect, &s) == 0, "each");
	is_int(s.n, sql1(db, "SELECT COUNT(*) FROM agencies WHERE county_id = ?", county), "each: every agency");
	ok(s.found_child && !strcmp(s.child_parent, "STA0001"), "each: the parent code");
	s = (struct seen){ .ordered = 1 };
	ok(store_agency_each(db, 250, collect, &s) == 0 && s.n == 0, "each: a county without agencies");
	(void)root;
}

static void test_update(struct db *db, long long child)
{
	ok(store_agency_rename(db, child, "STA0012", "改名測試") == 0, "rename");
	is_int(sql1(db, "SELECT code = 'STA0012' AND name = '改名測試' FROM agencies WHERE id = ?", child), 1, "rename: read back");
	ok(store_agency_rename(db, child, "STA0001", "x") < 0 && db_err_duplicate(db), "rename to another agency's code: a duplicate");
	ok(store_agency_set_name(db, child, "只改名稱") == 0, "set_name");
	is_int(sql1(db, "SELECT code = 'STA0012' AND name = '只改名稱' FROM agencies WHERE id = ?", child), 1, "set_name keeps the code");
}

static void test_tree(struct db *db, int county, long long root, long long child, long long grand)
{
	long long top;
	int h = -1;

	ok(store_agency_in_subtree(db, root, grand) == 1, "in_subtree: a grandchild");
	ok(store_agency_in_subtree(db, root, root) == 1, "in_subtree: itself");
	ok(store_agency_in_subtree(db, grand, root) == 0, "in_subtree: not its ancestor");
	ok(store_agency_height(db, root, &h) == 0 && h == 2, "height of the root: 2 (%d)", h);
	ok(store_agency_height(db, grand, &h) == 0 && h == 0, "height of a leaf: 0");
	ok(store_agency_height(db, 0, &h) == 0 && h == 0, "height of no agency: 0");
	ok(store_agency_set_parent(db, child, 0, 1) == 0, "the child's branch made 一級");
	is_int(sql1(db, "SELECT level FROM agencies WHERE id = ?", grand), 2, "the grandchild's level follows");
	is_int(sql1(db, "SELECT parent_id IS NULL FROM agencies WHERE id = ?", child), 1, "no parent");
	is_int(sql1(db, "SELECT COUNT(*) FROM agency_tree WHERE ancestor_id = ? AND descendant_id <> ancestor_id", root), 0,
	       "the old root has no descendant left");
	ok(store_agency_set_parent(db, child, root, 2) == 0, "and moved back");
	is_int(sql1(db, "SELECT level FROM agencies WHERE id = ?", grand), 3, "the grandchild at level 3 again");
	is_int(sql1(db, "SELECT depth FROM agency_tree WHERE descendant_id = ? ORDER BY depth DESC LIMIT 1", grand), 2,
	       "its closure reaches the root again");
	/* The whole tree of three under another 一級 agency: every level below follows, two deep too. */
	ok(store_agency_create(db, county, "STA0004", "另一個一級", 1, 0, &top) == 0, "another 一級 agency");
	ok(store_agency_set_parent(db, root, top, 2) == 0, "the root moved under it");
	is_int(sql1(db, "SELECT level FROM agencies WHERE id = ?", child), 3, "its child at level 3");
	is_int(sql1(db, "SELECT level FROM agencies WHERE id = ?", grand), 4, "its grandchild at level 4");
	is_int(sql1(db, "SELECT depth FROM agency_tree WHERE ancestor_id = ? AND descendant_id = (SELECT id FROM agencies WHERE code = 'STA0003')",
		    top), 3, "the new ancestor reaches the grandchild");
	ok(store_agency_set_parent(db, root, 0, 1) == 0, "and 一級 again");
	is_int(sql1(db, "SELECT level FROM agencies WHERE id = ?", grand), 3, "the grandchild at level 3");
	is_int(sql1(db, "SELECT COUNT(*) FROM agency_tree WHERE ancestor_id = ? AND descendant_id <> ancestor_id", top), 0,
	       "the other 一級 agency has no descendant left");
	/* The closure table equals the one the parents give (what tests/lib.mjs checkTree() checks). */
	is_int(store_test_int(db, "SELECT COUNT(*) FROM agency_tree t WHERE t.descendant_id IN (SELECT id FROM agencies WHERE code LIKE 'STA%')"),
	       7, "seven closure rows: three agencies in a line and one alone");
}

static void test_deactivate(struct db *db, int county, long long child)
{
	struct store_agency a;
	long long id;
	int level;

	ok(store_agency_deactivate(db, child) == 0, "deactivate");
	is_int(sql1(db, "SELECT active FROM agencies WHERE id = ?", child), 0, "inactive");
	ok(store_agency_state(db, county, child, &a) == 1 && a.active == 0, "state still finds it, inactive");
	ok(store_agency_get_active(db, county, child, 0, &a) == 0, "get_active does not");
	ok(store_agency_by_code(db, county, "STA0012", &id, &level) == 0, "nor by_code");
}

/* 帳號維護's contact of the demo school (371036500X). */
static void test_contact(struct db *db, struct arena *arena)
{
	struct store_agency_contact c, w = { "連江縣介壽國中小（全名）", "承辦人", "0836-22381", "", "x@example.gov.tw" };
	long long agency = store_test_int(db, "SELECT id FROM agencies WHERE county_id = 22 AND code = '371036500X'");
	char buf[256];

	ok(agency > 0, "the demo school");
	ok(store_agency_contact_get(db, agency, arena, &c) == 1, "a contact read");
	is_str(c.full_name, store_test_text(db, "SELECT IFNULL(full_name, name) FROM agencies WHERE county_id = 22 AND code = '371036500X'", buf, sizeof(buf)),
	       "the full name (or the name)");
	is_str(c.contact_email, store_test_text(db, "SELECT IFNULL(contact_email, '') FROM agencies WHERE county_id = 22 AND code = '371036500X'",
						buf, sizeof(buf)), "the email");
	ok(store_agency_contact_get(db, 0, arena, &c) == 0, "no such agency: not found");

	ok(store_agency_contact_set(db, agency, &w) == 0, "a contact written");
	ok(store_agency_contact_get(db, agency, arena, &c) == 1 && !strcmp(c.full_name, w.full_name) && !strcmp(c.contact_name, w.contact_name) &&
	   !strcmp(c.contact_phone, w.contact_phone) && !strcmp(c.contact_fax, "") && !strcmp(c.contact_email, w.contact_email), "read back");
	is_int(store_test_int(db, "SELECT contact_fax IS NULL AND contact_updated_at > NOW() - INTERVAL 1 MINUTE FROM agencies"
			      " WHERE county_id = 22 AND code = '371036500X'"), 1, "an empty fax is NULL; stamped now");
	ok(db_exec_sql(db, "UPDATE agencies SET full_name = NULL WHERE county_id = 22 AND code = '371036500X'") == 0, "no full name");
	ok(store_agency_contact_get(db, agency, arena, &c) == 1 &&
	   !strcmp(c.full_name, store_test_text(db, "SELECT name FROM agencies WHERE county_id = 22 AND code = '371036500X'", buf, sizeof(buf))),
	   "the name stands for it");
}

int main(void)
{
	struct db db;
	struct arena arena;
	long long root, child, grand;
	int county;

	store_test_open(&db);
	arena_init(&arena, 4096);
	county = (int)store_test_int(&db, "SELECT id FROM counties WHERE letter = 'Z'");
	ok(county == 22, "連江縣 is county 22 (the SQL above names it)");
	test_lock(&db, county);
	ok(db_begin(&db) == 0, "a transaction for the rest");
	test_create(&db, county, &root, &child, &grand);
	test_read(&db, county, root, child, grand);
	test_update(&db, child);
	test_tree(&db, county, root, child, grand);
	test_deactivate(&db, county, child);
	test_contact(&db, &arena);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM agencies WHERE code LIKE 'STA%'"), 0, "nothing is left");
	arena_release(&arena);
	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

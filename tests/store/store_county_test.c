/* store_county_test.c: the counties and the team console's reads (store_county) against the stack's MariaDB. */
#include <string.h>

#include "store_county.h"
#include "store_test.h"
#include "store_text.h"

struct seen {
	int n;
	int stop_after;      /* 0: never */
	char first[256];
	long long sum;       /* first level: the agencies counted; agencies: their ids */
};

static int first_level(void *ctx, const struct store_county_first_level *row)
{
	struct seen *s = ctx;

	if (!s->n++)
		snprintf(s->first, sizeof(s->first), "%s", row->name);
	s->sum += row->n_agencies;
	return s->stop_after && s->n >= s->stop_after;
}

static int agency(void *ctx, const struct store_county_agency *row)
{
	struct seen *s = ctx;

	if (!s->n++)
		snprintf(s->first, sizeof(s->first), "%s", row->code);
	s->sum += row->status;
	return s->stop_after && s->n >= s->stop_after;
}

static int agencies(struct db *db, int level, int status, const char *q, struct seen *s)
{
	struct store_county_filter f = { .county_id = 22, .year = 2020, .level = level, .status = status, .q = q };

	memset(s, 0, sizeof(*s));
	return store_county_each_agency(db, &f, agency, s);
}

static void test_list(struct db *db)
{
	struct county c[40];
	char buf[64];
	int n = -1, z = -1;

	ok(store_county_list(db, c, 40, &n) == 0, "the counties read");
	is_int(n, store_test_int(db, "SELECT COUNT(*) FROM counties"), "every one");
	is_str(c[0].letter, store_test_text(db, "SELECT letter FROM counties ORDER BY letter LIMIT 1", buf, sizeof(buf)), "in letter order");
	for (int i = 0; i < n; i++)
		if (!strcmp(c[i].letter, "Z"))
			z = i;
	ok(z >= 0 && c[z].id == 22, "Z is 22");
	is_str(z >= 0 ? c[z].name : "", store_test_text(db, "SELECT name FROM counties WHERE id = 22", buf, sizeof(buf)), "its name");
	ok(store_county_list(db, c, 1, &n) == 0 && n == 1, "no more than asked for");
}

static void test_name(struct db *db)
{
	char name[65] = "", cut[4] = "", buf[64];

	ok(store_county_name(db, 22, name, sizeof(name)) == 1, "a county's name");
	is_str(name, store_test_text(db, "SELECT name FROM counties WHERE id = 22", buf, sizeof(buf)), "the table's");
	ok(store_county_name(db, 22, cut, sizeof(cut)) == 1 && strlen(cut) == 3 && !strncmp(cut, name, 3), "cut to the size given");
	strcpy(name, "unchanged");
	is_int(store_county_name(db, 99, name, sizeof(name)), 0, "no such county: not found");
	is_str(name, "unchanged", "and nothing written");
}

static void test_total(struct db *db)
{
	struct store_county_total t;
	char buf[64];

	ok(store_county_total(db, 22, 2020, &t) == 1, "a county's total");
	is_int(t.total_milli, store_test_int(db, "SELECT IFNULL((SELECT total_milli FROM county_rollups WHERE county_id = 22 AND year = 2020), 0)"),
	       "the computed total");
	is_str(t.computed_at, store_test_text(db, "SELECT IFNULL((SELECT DATE_FORMAT(computed_at, '%Y-%m-%d %H:%i:%s') FROM county_rollups"
					      " WHERE county_id = 22 AND year = 2020), '')", buf, sizeof(buf)), "when");
	ok(store_county_total(db, 99, 2020, &t) == 0, "no such county: not found");
	ok(store_county_total(db, 22, 1900, &t) == 1 && t.total_milli == 0 && t.outsourced_milli == 0 && !strcmp(t.computed_at, "") && !t.pending,
	   "a year never computed: 0, no time, nothing pending");
	ok(db_begin(db) == 0 && db_exec_sql(db, "INSERT INTO outbox (county_id, year, created_at) VALUES (22, 1900, NOW(3))") == 0, "work queued");
	ok(store_county_total(db, 22, 1900, &t) == 1 && t.pending == 1, "pending");
	ok(db_rollback(db) == 0, "rolled back");
}

static void test_lists(struct db *db)
{
	struct seen s = { 0 };
	char buf[256];

	ok(store_county_each_first_level(db, 22, 2020, first_level, &s) == 0, "the 一級 agencies");
	is_int(s.n, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND parent_id IS NULL AND active = 1"), "each active one");
	is_str(s.first, store_test_text(db, "SELECT name FROM agencies WHERE county_id = 22 AND parent_id IS NULL AND active = 1 ORDER BY code LIMIT 1",
					buf, sizeof(buf)), "in code order");
	is_int(s.sum, store_test_int(db, "SELECT IFNULL(SUM(r.n_agencies), 0) FROM agencies a JOIN rollups r ON r.agency_id = a.id AND r.year = 2020"
				     " WHERE a.county_id = 22 AND a.parent_id IS NULL AND a.active = 1"), "with the counts of its subtree");
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	ok(store_county_each_first_level(db, 22, 2020, first_level, &s) == 0 && s.n == 1, "stopped after one");

	ok(agencies(db, 0, -1, "", &s) == 0, "the console's agencies");
	is_int(s.n, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1"), "every active one");
	is_str(s.first, store_test_text(db, "SELECT code FROM agencies WHERE county_id = 22 AND active = 1 ORDER BY level, code LIMIT 1", buf, sizeof(buf)),
	       "by level and code");
	is_int(s.sum, store_test_int(db, "SELECT IFNULL(SUM(IF(r.filed, 2, 1)), 0) FROM reports r JOIN agencies a ON a.id = r.agency_id"
				     " WHERE a.county_id = 22 AND a.active = 1 AND r.year = 2020"), "each with its status");
	ok(agencies(db, 3, -1, "", &s) == 0 && s.n == store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1 AND level = 3"),
	   "level 3: %d", s.n);
	ok(agencies(db, 4, -1, "", &s) == 0 && s.n == store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1 AND level >= 4"),
	   "level 4 and below: %d", s.n);
	ok(agencies(db, 0, 0, "", &s) == 0 &&
	   s.n == store_test_int(db, "SELECT COUNT(*) FROM agencies a WHERE county_id = 22 AND active = 1"
				 " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = a.id AND r.year = 2020)") && s.sum == 0,
	   "未登錄 only: %d", s.n);
	ok(agencies(db, 0, -1, "介壽", &s) == 0 && s.n == 1 && !strcmp(s.first, "371036500X"), "by part of the name");
	ok(agencies(db, 0, -1, "3710365", &s) == 0 && s.n == 1 && !strcmp(s.first, "371036500X"), "by part of the code");
	ok(agencies(db, 0, -1, "%", &s) == 0 && s.n == 0, "%% taken literally");
	ok(agencies(db, 0, -1, "_", &s) == 0 && s.n == 0, "_ taken literally");
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	struct store_county_filter f = { .county_id = 22, .year = 2020, .level = 0, .status = -1, .q = "" };
	ok(store_county_each_agency(db, &f, agency, &s) == 0 && s.n == 2, "stopped after two");
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	test_list(&db);
	test_name(&db);
	test_total(&db);
	test_lists(&db);
	db_release(&db);
	return tap_done();
}

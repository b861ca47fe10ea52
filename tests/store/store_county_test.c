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
	s->sum += row->counts.n_agencies;
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

	/* One snapshot for the function's read and the SQL's: a rollup the stack's worker commits between them changes neither. */
	ok(db_begin(db) == 0 && store_county_total(db, 22, 2020, &t) == 1, "a county's total");
	is_int(t.total_milli, store_test_int(db, "SELECT IFNULL((SELECT total_milli FROM county_rollups WHERE county_id = 22 AND year = 2020), 0)"),
	       "the computed total");
	is_str(t.computed_at, store_test_text(db, "SELECT IFNULL((SELECT DATE_FORMAT(computed_at, '%Y-%m-%d %H:%i:%s') FROM county_rollups"
					      " WHERE county_id = 22 AND year = 2020), '')", buf, sizeof(buf)), "when");
	ok(db_rollback(db) == 0, "the snapshot let go");
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
	is_int(s.sum, store_test_int(db, "SELECT COUNT(*) FROM agencies a JOIN agency_tree t ON t.ancestor_id = a.id"
				     " JOIN agencies d ON d.id = t.descendant_id AND d.active = 1"
				     " WHERE a.county_id = 22 AND a.parent_id IS NULL AND a.active = 1"), "with the counts of its subtree's active agencies");
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	ok(store_county_each_first_level(db, 22, 2020, first_level, &s) == 0 && s.n == 1, "stopped after one");

	ok(agencies(db, 0, -1, "", &s) == 0, "the console's agencies");
	is_int(s.n, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1"), "every active one");
	is_str(s.first, store_test_text(db, "SELECT code FROM agencies WHERE county_id = 22 AND active = 1 ORDER BY level, code LIMIT 1", buf, sizeof(buf)),
	       "by level and code");
	is_int(s.sum, store_test_int(db, "SELECT IFNULL(SUM(IF(r.confirmed_version IS NOT NULL, 3, IF(r.filed, 2, 1))), 0) FROM reports r"
				     " JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = 22 AND a.active = 1 AND r.year = 2020"), "each with its status");
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

/*
 * The states of 1900 (a year of the test's own, inside a transaction rolled
 * back): the hall 已登錄完成 20 days ago (no filed_at: its last save counts),
 * 教育處 30 days ago, 環境資源局 3 days ago, 介壽 已確認, 中正 登錄中（退回）.
 */
static void setup_states(struct db *db)
{
	ok(db_exec_sql(db, "INSERT INTO inventory_years (county_id, year, confirm_within_days) VALUES (22, 1900, 14)") == 0 &&
	   db_exec_sql(db, "INSERT INTO reports (agency_id, year, filed, returned, confirmed_version, last_version, filed_at, updated_at)"
		       " SELECT id, 1900, code <> '371036600X', code = '371036600X', IF(code = '371036500X', 1, NULL), code = '371036500X',"
		       " CASE code WHEN '371030000A' THEN NOW() - INTERVAL 30 DAY WHEN '371040000A' THEN NOW() - INTERVAL 3 DAY"
		       "  WHEN '371036500X' THEN NOW() - INTERVAL 40 DAY END,"
		       " IF(code = '371000000A', NOW() - INTERVAL 20 DAY, NOW())"
		       " FROM agencies WHERE county_id = 22 AND code IN ('371000000A', '371030000A', '371040000A', '371036500X', '371036600X')") == 0 &&
	   db_exec_sql(db, "UPDATE agencies SET contact_name = '總務', contact_phone = '0836-1', contact_email = 'hall@example.gov.tw'"
		       " WHERE county_id = 22 AND code = '371000000A'") == 0,
	   "(the year 1900 and five reports in every state)");
}

static void test_counts(struct db *db)
{
	struct store_county_counts c;
	struct seen s = { 0 };

	ok(store_county_status_counts(db, 22, 1900, &c) == 0, "the counts of 1900");
	is_int(c.n_agencies, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1"), "every active agency");
	is_int(c.n[REPORT_NONE], c.n_agencies - 5, "未登錄: all but the five");
	ok(c.n[REPORT_DRAFT] == 1 && c.n_returned == 1, "登錄中 1, of which 退回 1");
	is_int(c.n[REPORT_FILED], 3, "已登錄完成 3");
	is_int(c.n[REPORT_CONFIRMED], 1, "已確認 1");
	ok(store_county_status_counts(db, 99, 1900, &c) == 0 && c.n_agencies == 0 && c.n[REPORT_FILED] == 0, "no such county: all zero");
	ok(store_county_each_first_level(db, 22, 1900, first_level, &s) == 0, "the 一級 agencies of 1900");
	is_int(s.sum, store_test_int(db, "SELECT COUNT(*) FROM agencies WHERE county_id = 22 AND active = 1"), "their subtrees cover the county");

	struct store_county_filter f = { .county_id = 22, .year = 1900, .level = 0, .status = -1, .returned = 1, .q = "" };
	memset(&s, 0, sizeof(s));
	ok(store_county_each_agency(db, &f, agency, &s) == 0 && s.n == 1 && !strcmp(s.first, "371036600X"), "only 登錄中（退回）");
	f.returned = 0;
	f.status = REPORT_CONFIRMED;
	memset(&s, 0, sizeof(s));
	ok(store_county_each_agency(db, &f, agency, &s) == 0 && s.n == 1 && !strcmp(s.first, "371036500X") && s.sum == 3, "only 已確認");
	f.status = REPORT_FILED;
	memset(&s, 0, sizeof(s));
	ok(store_county_each_agency(db, &f, agency, &s) == 0 && s.n == 3 && s.sum == 6, "only 已登錄完成");
}

struct waits {
	int n;
	char text[1024];
};

static int waiting(void *ctx, const struct store_county_waiting *w)
{
	struct waits *l = ctx;
	size_t n = strlen(l->text);

	l->n++;
	snprintf(l->text + n, sizeof(l->text) - n, "%s:%lld:%d:%s:%s:%s:%s;", w->code, w->days, w->by_team, w->parent_name,
		 w->parent_login, w->contact_name, w->contact_email);
	return 0;
}

static void test_waiting(struct db *db)
{
	struct waits l = { 0 };
	char want[512], buf[256];
	int days = -1;

	ok(store_county_confirm_within(db, 22, 1900, &days) == 1 && days == 14, "N of 1900: 14");
	ok(store_county_confirm_within(db, 22, 1899, &days) == 0, "a year the county does not serve: not found");
	ok(store_county_each_waiting(db, 22, 1900, waiting, &l) == 0, "the waiting list");
	snprintf(want, sizeof(want), "371030000A:30:0:%s:371000000A:總務:hall@example.gov.tw;371000000A:20:1::::;",
		 store_test_text(db, "SELECT name FROM agencies WHERE county_id = 22 AND code = '371000000A'", buf, sizeof(buf)));
	is_str(l.text, want, "over 14 days, longest first: 教育處 with the hall (its account, its contact), the hall with the team");
	ok(db_exec_sql(db, "UPDATE inventory_years SET confirm_within_days = 25 WHERE county_id = 22 AND year = 1900") == 0, "(N = 25)");
	memset(&l, 0, sizeof(l));
	ok(store_county_each_waiting(db, 22, 1900, waiting, &l) == 0 && l.n == 1 && !strncmp(l.text, "371030000A:30:", 14),
	   "N = 25: only the one of 30 days");
	ok(db_exec_sql(db, "UPDATE inventory_years SET confirm_within_days = 2 WHERE county_id = 22 AND year = 1900") == 0, "(N = 2)");
	memset(&l, 0, sizeof(l));
	ok(store_county_each_waiting(db, 22, 1900, waiting, &l) == 0 && l.n == 3 && strstr(l.text, ";371040000A:3:0:"),
	   "N = 2: the one of 3 days too, last (%s)", l.text);
	ok(!strstr(l.text, "371036500X") && !strstr(l.text, "371036600X"), "never 已確認 nor 登錄中");
	memset(&l, 0, sizeof(l));
	ok(store_county_each_waiting(db, 20, 1900, waiting, &l) == 0 && l.n == 0, "another county: none");
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	test_list(&db);
	test_name(&db);
	test_total(&db);
	test_lists(&db);
	ok(db_begin(&db) == 0, "a transaction");
	setup_states(&db);
	test_counts(&db);
	test_waiting(&db);
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM reports WHERE year = 1900"), 0, "nothing of it left");
	db_release(&db);
	return tap_done();
}

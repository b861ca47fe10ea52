/* store_import_test.c: the uploads of agency lists and what applying one writes (store_import) against the stack's MariaDB. */
#include <string.h>

#include "store_import.h"
#include "store_test.h"

/*
 * Everything happens inside one transaction that is rolled back, in the
 * county of 金門縣 (W), as its team's account.
 */

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
	long long first_id;
	struct store_import first;
	int descending;
	long long last_id;
};

static int collect(void *ctx, const struct store_import *im)
{
	struct seen *s = ctx;

	if (!s->n) {
		s->first_id = im->id;
		s->first = *im;
	} else if (im->id >= s->last_id) {
		s->descending = 0;
	}
	s->last_id = im->id;
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

/* An upload of binary content (a NUL and bytes that are not UTF-8) under a 200-character name. */
static long long test_add_get(struct db *db, struct arena *a, int county, long long team)
{
	static const char content[] = "STI0001,\xE5\x90\x8D\0\xFF\xFE,\r\nSTI0002,x,STI0001\n";
	char filename[801];
	struct store_import im;
	long long id = 0;

	for (int i = 0; i < 200; i++)
		memcpy(filename + i * 4, "\xF0\x9F\x93\x84", 4);
	filename[800] = '\0';
	ok(store_import_add(db, county, team, filename, content, sizeof(content) - 1, &id) == 0 && id > 0, "an upload kept (%lld)", id);
	ok(store_import_get(db, county, id, 0, a, &im) == 1, "get");
	ok(im.len == sizeof(content) - 1 && !memcmp(im.content, content, im.len), "the very same bytes, NUL included (%zu)", im.len);
	is_str(im.filename, filename, "the 200-character file name whole");
	ok(!im.applied && im.export_id == 0 && im.created == 0 && im.updated == 0, "a preview, nothing applied");
	ok(im.account_id == team, "who uploaded it");
	ok(strlen(im.created_at) == 16 && im.created_at[4] == '-' && im.created_at[13] == ':', "created_at as YYYY-MM-DD HH:MM (%s)",
	   im.created_at);
	ok(store_import_get(db, county, id, 1, a, &im) == 1, "get FOR UPDATE");
	ok(store_import_get(db, county + 1, id, 0, a, &im) == 0, "not in another county");
	ok(store_import_get(db, county, id + 1000000, 0, a, &im) == 0, "no such upload");
	return id;
}

static void test_recent(struct db *db, int county, long long team, long long id)
{
	struct seen s = { .descending = 1 };
	long long more;

	for (int i = 0; i < 21; i++)
		ok(store_import_add(db, county, team, "more.csv", "x", 1, &more) == 0, "upload %d more", i + 1);
	ok(store_import_recent(db, county, collect, &s) == 0, "recent");
	is_int(s.n, 20, "at most 20");
	ok(s.descending && s.first_id == more, "newest first");
	ok(!strcmp(s.first.filename, "more.csv") && s.first.content == NULL, "its name, not its content");
	s = (struct seen){ .stop_after = 1, .descending = 1 };
	ok(store_import_recent(db, county, collect, &s) == 0 && s.n == 1, "the callback stops it");
	s = (struct seen){ .descending = 1 };
	ok(store_import_recent(db, 250, collect, &s) == 0 && s.n == 0, "a county without uploads");
	(void)id;
}

/* The import applied, with its passwords workbook (an export row of the test's own). */
static void test_applied(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO exports (kind, county_id, year, requested_by, filename, created_at, import_id)"
					" SELECT 'passwords', county_id, 0, account_id, 'store-import-test.xlsx', NOW(3), id FROM agency_imports WHERE id = ?");
	long long e = -1;

	if (st && (db_bind_int(st, 0, id), !db_exec(st)))
		e = (long long)db_insert_id(st);
	ok(e > 0, "its passwords workbook (%lld)", e);
	ok(store_import_set_export(db, id, e) == 0, "set_export");
	is_int(sql1(db, "SELECT export_id FROM agency_imports WHERE id = ?", id), e, "set_export: read back");
	ok(store_import_mark_applied(db, id, 2, 1, e) == 0, "mark_applied");
	is_int(sql1(db, "SELECT status = 'applied' AND applied_at IS NOT NULL AND created_count = 2 AND updated_count = 1"
		    " FROM agency_imports WHERE id = ?", id), 1, "applied, with its counts");
	is_int(sql1(db, "SELECT export_id FROM agency_imports WHERE id = ?", id), e, "and its workbook");
	ok(store_import_mark_applied(db, id, 0, 3, 0) == 0, "mark_applied without a workbook");
	is_int(sql1(db, "SELECT export_id IS NULL FROM agency_imports WHERE id = ?", id), 1, "export 0 is NULL");
}

int main(void)
{
	struct db db;
	struct arena a;
	struct store_import im;
	long long team, id;
	int county;

	store_test_open(&db);
	arena_init(&a, 1 << 16);
	county = (int)store_test_int(&db, "SELECT id FROM counties WHERE letter = 'W'");
	ok(county == 20, "金門縣 is county 20 (the SQL above names it)");
	team = sql1(&db, "SELECT id FROM accounts WHERE county_id = ? AND login = 'TEAM'", county);
	ok(team > 0, "its team's account");
	ok(db_begin(&db) == 0, "a transaction");
	id = test_add_get(&db, &a, county, team);
	test_recent(&db, county, team, id);
	test_applied(&db, id);
	ok(store_import_get(&db, county, id, 0, &a, &im) == 1 && im.applied && im.updated == 3, "get reads the applied import");
	ok(db_rollback(&db) == 0, "rolled back");
	is_int(sql1(&db, "SELECT COUNT(*) FROM agency_imports WHERE id = ?", id), 0, "nothing is left");
	arena_release(&a);
	db_release(&db);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* store_audit_test.c: the audit trail and its history (store_audit) against the stack's MariaDB, in a rolled-back transaction. */
#include <string.h>

#include "store_audit.h"
#include "store_test.h"
#include "store_text.h"

struct changes {
	int n, stop_after;
	char first_field[257], first_old[4001], first_login[41], first_addr[46];
};

static int take_change(void *ctx, const struct store_audit_change *c)
{
	struct changes *v = ctx;

	if (!v->n++) {
		snprintf(v->first_field, sizeof(v->first_field), "%s", c->field);
		snprintf(v->first_old, sizeof(v->first_old), "%s", c->old_value);
		snprintf(v->first_login, sizeof(v->first_login), "%s", c->login);
		snprintf(v->first_addr, sizeof(v->first_addr), "%s", c->client_addr);
	}
	return v->stop_after && v->n >= v->stop_after;
}

/* 修改紀錄: an agency's year read back (inside main's transaction), on a year no data has (1901). */
static void test_history(struct db *db)
{
	struct changes ch = { 0 };

	ok(store_test_int(db, "SELECT @a := id FROM agencies WHERE county_id = 22 AND code = '371036500X'") > 0 &&
	   store_test_int(db, "SELECT @acct := id FROM accounts WHERE county_id = 22 AND login = '371036500X'") > 0, "(the demo school and its account)");
	ok(db_exec_sql(db, "INSERT INTO audit_log (at, account_id, agency_id, year, field, old_value, new_value, client_addr)"
			   " WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 501)"
			   " SELECT NOW(3), @acct, @a, 1901, CONCAT('欄位 ', n), 'x', 'y', '127.0.0.1' FROM s") == 0 &&
	   db_exec_sql(db, "INSERT INTO audit_log (at, account_id, agency_id, year, field, old_value, new_value, client_addr)"
			   " VALUES (NOW(3), @acct, @a, 1901, '最新', NULL, 'z', '192.0.2.9')") == 0,
	   "502 changes recorded");
	ok(store_audit_history(db, store_test_int(db, "SELECT @a"), 1901, take_change, &ch) == 0, "the history listed");
	is_int(ch.n, 500, "the newest 500 only");
	is_str(ch.first_field, "最新", "newest first");
	is_str(ch.first_old, "", "a NULL old value reads as empty");
	is_str(ch.first_login, "371036500X", "with the account's login");
	is_str(ch.first_addr, "192.0.2.9", "and where from");
	ok(db_exec_sql(db, "INSERT INTO audit_log (at, account_id, agency_id, year, field, old_value, new_value, client_addr)"
			   " VALUES (NOW(3), NULL, @a, 1901, '無人', NULL, NULL, '')") == 0, "a change by nobody logged in");
	ch = (struct changes){ .stop_after = 1 };
	ok(store_audit_history(db, store_test_int(db, "SELECT @a"), 1901, take_change, &ch) == 0 && ch.n == 1, "stopped after one");
	ok(!strcmp(ch.first_field, "無人") && !strcmp(ch.first_login, ""), "nobody's: no login");
	ch = (struct changes){ 0 };
	ok(store_audit_history(db, store_test_int(db, "SELECT @a"), 1902, take_change, &ch) == 0 && ch.n == 0, "no changes in a year without any");
	ch = (struct changes){ 0 };
	ok(store_audit_history(db, 0, 1901, take_change, &ch) == 0 && ch.n == 0, "nor of no agency");
}

int main(void)
{
	struct db db;
	char buf[1200], big[1001];
	long long team, agency;

	store_test_open(&db);
	team = store_test_int(&db, "SELECT id FROM accounts WHERE county_id = 22 AND login = 'TEAM'");
	agency = store_test_int(&db, "SELECT id FROM agencies WHERE county_id = 22 AND code = '371036500X'");
	ok(team > 0 && agency > 0, "the demo team and agency");
	ok(db_begin(&db) == 0, "a transaction");

	struct store_audit_entry e = { .account_id = team, .agency_id = agency, .year = 2020, .field = "s11.field",
				       .old_value = "舊", .new_value = "新", .client_addr = "192.0.2.7" };
	ok(store_audit_add(&db, &e) == 0, "a change of an agency");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM audit_log WHERE id = LAST_INSERT_ID() AND at > NOW() - INTERVAL 1 MINUTE"
			      " AND account_id = (SELECT id FROM accounts WHERE county_id = 22 AND login = 'TEAM')"
			      " AND agency_id = (SELECT id FROM agencies WHERE county_id = 22 AND code = '371036500X')"
			      " AND year = 2020 AND county_id IS NULL AND field = 's11.field' AND client_addr = '192.0.2.7'"), 1,
	       "read back: who, which agency, which year, from where");
	is_str(store_test_text(&db, "SELECT CONCAT(old_value, '→', new_value) FROM audit_log WHERE id = LAST_INSERT_ID()", buf, sizeof(buf)),
	       "舊→新", "the values");

	/* Nobody logged in, no agency, no year, empty values: NULLs; no address: "". */
	struct store_audit_entry none = { .field = "s11.none", .old_value = "", .new_value = NULL };
	ok(store_audit_add(&db, &none) == 0, "a change by nobody of nothing");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM audit_log WHERE id = LAST_INSERT_ID() AND account_id IS NULL AND agency_id IS NULL"
			      " AND year IS NULL AND old_value IS NULL AND new_value IS NULL AND client_addr = ''"), 1, "all NULL");

	/* The column's whole 1000 characters. */
	memset(big, 'v', 1000);
	big[1000] = 0;
	struct store_audit_entry full = { .account_id = team, .field = "s11.big", .new_value = big };
	ok(store_audit_add(&db, &full) == 0, "a value of 1000 characters");
	is_int(store_test_int(&db, "SELECT CHAR_LENGTH(new_value) FROM audit_log WHERE id = LAST_INSERT_ID()"), 1000, "kept whole");

	struct store_audit_entry county = { .account_id = team, .county_id = 22, .year = 2021, .field = "s11.county",
					    .old_value = NULL, .new_value = "公開" };
	ok(store_audit_add_county(&db, &county) == 0, "a change of a county");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM audit_log WHERE id = LAST_INSERT_ID() AND county_id = 22 AND agency_id IS NULL"
			      " AND year = 2021 AND field = 's11.county' AND old_value IS NULL AND new_value = '公開' AND client_addr = ''"), 1,
	       "read back: the county, the year, the value");

	test_history(&db);

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM audit_log WHERE field LIKE 's11.%' OR year = 1901"), 0, "nothing left");
	db_release(&db);
	return tap_done();
}

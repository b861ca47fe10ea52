/* store_audit_test.c: the audit trail (store_audit) against the stack's MariaDB, in a rolled-back transaction. */
#include <string.h>

#include "store_audit.h"
#include "store_test.h"
#include "store_text.h"

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

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM audit_log WHERE field LIKE 's11.%'"), 0, "nothing left");
	db_release(&db);
	return tap_done();
}

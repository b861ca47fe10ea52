/* store_workflow_test.c: 確認 / 退回 / 重新開放 and the versions (store_workflow) against the test stack's MariaDB, inside a transaction rolled back. */
#include <string.h>

#include "store_workflow.h"
#include "store_test.h"

struct versions {
	struct store_workflow_version row[4];
	int n;
};

static int take_version(void *ctx, const struct store_workflow_version *v)
{
	struct versions *l = ctx;

	if (l->n < 4)
		l->row[l->n++] = *v;
	return 0;
}

struct lines {
	struct store_workflow_line row[4];
	int n;
};

static int take_line(void *ctx, const struct store_workflow_line *v)
{
	struct lines *l = ctx;

	if (l->n < 4)
		l->row[l->n++] = *v;
	return 0;
}

/* Rows of version 1 or 2 (@v) of the test's report that equal the live rows, column by column (NULL-safe). */
#define SAME_ITEMS "SELECT COUNT(*) FROM report_items i JOIN report_version_items v ON v.report_id = i.report_id" \
	" AND v.version_no = @v AND v.part = i.part AND v.item = i.item AND v.seq = i.seq AND v.refrigerant <=> i.refrigerant" \
	" AND v.name <=> i.name AND v.unit <=> i.unit AND v.quantity_milli <=> i.quantity_milli AND v.a1 <=> i.a1 AND v.a2 <=> i.a2" \
	" AND v.a3 <=> i.a3 AND v.dq_note <=> i.dq_note AND v.dq_keeper <=> i.dq_keeper AND v.ad_lower_milli <=> i.ad_lower_milli" \
	" AND v.ad_upper_milli <=> i.ad_upper_milli AND v.ad_basis <=> i.ad_basis WHERE i.report_id = @r"
#define SAME_LINES "SELECT COUNT(*) FROM report_lines l JOIN report_version_lines v ON v.report_id = l.report_id" \
	" AND v.version_no = @v AND v.part = l.part AND v.item = l.item AND v.seq = l.seq AND v.category = l.category" \
	" AND v.scope = l.scope AND v.quantity_milli = l.quantity_milli AND v.kg_milli = l.kg_milli" \
	" AND BINARY v.factor_text = BINARY l.factor_text AND BINARY v.gwp_set = BINARY l.gwp_set" \
	" AND BINARY v.method = BINARY l.method AND BINARY v.sources = BINARY l.sources AND v.provisional = l.provisional" \
	" AND v.iso_category = l.iso_category AND v.a1 = l.a1 AND v.a2 = l.a2 AND v.a3 = l.a3 AND BINARY v.dq_note = BINARY l.dq_note" \
	" AND BINARY v.dq_keeper = BINARY l.dq_keeper AND v.ad_lower_milli <=> l.ad_lower_milli" \
	" AND v.ad_upper_milli <=> l.ad_upper_milli AND BINARY v.ad_basis = BINARY l.ad_basis WHERE l.report_id = @r"
#define SAME_GASES "SELECT COUNT(*) FROM report_line_gases g JOIN report_version_line_gases v ON v.report_id = g.report_id" \
	" AND v.version_no = @v AND v.part = g.part AND v.item = g.item AND v.seq = g.seq AND v.gas = g.gas" \
	" AND v.kg_milli = g.kg_milli AND v.ef_lower_milli <=> g.ef_lower_milli AND v.ef_upper_milli <=> g.ef_upper_milli" \
	" WHERE g.report_id = @r"
/* A digest of version 1 as written, to see it unchanged later. */
#define V1_DIGEST "SELECT CRC32(CONCAT_WS('|', (SELECT GROUP_CONCAT(CONCAT_WS(',', part, item, seq, category, scope, quantity_milli," \
	" kg_milli, factor_text, gwp_set, method, sources, provisional, iso_category, a1, a2, a3, dq_note, IFNULL(ad_lower_milli, '-')," \
	" IFNULL(ad_upper_milli, '-'), ad_basis) ORDER BY part, item, seq SEPARATOR ';')" \
	" FROM report_version_lines WHERE report_id = @r AND version_no = 1)," \
	" (SELECT GROUP_CONCAT(CONCAT_WS(',', part, item, seq, gas, kg_milli, IFNULL(ef_lower_milli, '-')) ORDER BY part, item, seq, gas" \
	" SEPARATOR ';') FROM report_version_line_gases WHERE report_id = @r AND version_no = 1)," \
	" (SELECT GROUP_CONCAT(CONCAT_WS(',', part, item, seq, IFNULL(refrigerant, '-'), IFNULL(name, '-'), IFNULL(unit, '-')," \
	" IFNULL(quantity_milli, '-')) ORDER BY part, item, seq SEPARATOR ';') FROM report_version_items WHERE report_id = @r AND version_no = 1)," \
	" (SELECT CONCAT_WS(',', revision, own_total_milli, outsourced_total_milli, scope_text, confirmed_by, confirmed_at," \
	" IFNULL(reopen_reason, '-')) FROM report_versions WHERE report_id = @r AND version_no = 1)))"

static int q(struct db *db, const char *sql)
{
	return db_exec_sql(db, sql);
}

static void test_refusals(struct db *db, long long rid, long long account)
{
	int v = -7;

	is_int(store_workflow_confirm(db, rid, 3, account, &v), STORE_WORKFLOW_NOT_FILED, "confirm of a report not filed: not_filed");
	is_int(store_workflow_return(db, rid, 3, account, "x"), STORE_WORKFLOW_NOT_FILED, "return of a report not filed: not_filed");
	ok(q(db, "UPDATE reports SET filed = 1, revision = revision + 1 WHERE id = @r") == 0, "the agency files it (revision 4)");
	is_int(store_workflow_confirm(db, rid, 3, account, &v), STORE_WORKFLOW_STALE, "confirm from the page of revision 3: stale");
	is_int(store_workflow_return(db, rid, 3, account, "x"), STORE_WORKFLOW_STALE, "return from revision 3: stale");
	is_int(v, -7, "no version number given back");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_versions WHERE report_id = @r")
	       + store_test_int(db, "SELECT COUNT(*) FROM report_version_items WHERE report_id = @r")
	       + store_test_int(db, "SELECT COUNT(*) FROM report_version_lines WHERE report_id = @r"), 0, "nothing written");
	is_int(store_test_int(db, "SELECT filed + 10 * returned + 100 * (confirmed_version IS NOT NULL) + 1000 * last_version"
				  " FROM reports WHERE id = @r"), 1, "still filed, not returned, not confirmed, no version");
	is_int(store_workflow_confirm(db, 0, 4, account, &v), STORE_WORKFLOW_NOT_FOUND, "confirm of no report: not_found");
	is_int(store_workflow_reopen(db, rid, account, "x"), STORE_WORKFLOW_NOT_CONFIRMED, "reopen of a report not confirmed");
	is_int(store_workflow_request_correction(db, rid, "x"), STORE_WORKFLOW_NOT_CONFIRMED, "correction of a report not confirmed");
	is_str(store_workflow_strerror(STORE_WORKFLOW_STALE), "the report changed since the page showed it", "strerror names the cause");
}

static void test_return(struct db *db, long long rid, long long account)
{
	is_int(store_workflow_return(db, rid, 4, account, "請補附電費單"), STORE_WORKFLOW_OK, "return at revision 4: ok");
	is_int(store_test_int(db, "SELECT filed = 0 AND returned = 1 AND return_comment = '請補附電費單' AND returned_by = @acct"
				  " AND returned_at IS NOT NULL AND confirmed_version IS NULL FROM reports WHERE id = @r"), 1,
	       "filed 0, the flag, the comment, who and when");
	is_int(store_test_int(db, "SELECT revision FROM reports WHERE id = @r"), 5,
	       "the revision moved on (5): a form opened before the 退回 is stale");
	is_int(store_workflow_return(db, rid, 4, account, "again"), STORE_WORKFLOW_STALE, "returned again from the page of revision 4: stale");
	is_int(store_workflow_return(db, rid, 5, account, "again"), STORE_WORKFLOW_NOT_FILED, "from revision 5: not filed any more");
	ok(store_workflow_clear_return(db, rid) == 0, "the save clears the flag");
	is_int(store_test_int(db, "SELECT returned = 0 AND return_comment = '請補附電費單' AND revision = 5 FROM reports WHERE id = @r"), 1,
	       "flag cleared, the last comment kept (the revision is the save's to move)");
	ok(q(db, "UPDATE reports SET filed = 1, revision = revision + 1 WHERE id = @r") == 0, "filed again (revision 6)");
}

static void test_confirm(struct db *db, long long rid, long long account)
{
	struct lines ls = { .n = 0 };
	int v = 0;

	is_int(store_workflow_confirm(db, rid, 6, account, &v), STORE_WORKFLOW_OK, "confirm at revision 6: ok");
	is_int(v, 1, "version 1");
	is_int(store_test_int(db, "SELECT confirmed_version = 1 AND last_version = 1 AND filed = 1 AND revision = 6"
				  " FROM reports WHERE id = @r"), 1, "confirmed_version 1, last_version 1, revision unchanged");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_versions v JOIN reports r ON r.id = v.report_id"
				  " WHERE v.report_id = @r AND v.version_no = 1 AND v.agency_id = r.agency_id AND v.year = r.year"
				  " AND v.revision = 6 AND v.own_total_milli = r.own_total_milli"
				  " AND v.outsourced_total_milli = 9223372036854775807 AND BINARY v.scope_text = BINARY r.scope_text"
				  " AND v.outsourced_scope_text = '' AND v.confirmed_by = @acct AND v.confirmed_at IS NOT NULL"
				  " AND v.reopen_reason IS NULL AND v.reopened_by IS NULL AND v.reopened_at IS NULL"), 1,
	       "the version row: the report's totals, texts and revision, who, when, no reopen reason");
	store_test_int(db, "SELECT @v := 1");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_version_items WHERE report_id = @r AND version_no = 1"), 3, "three items copied");
	is_int(store_test_int(db, SAME_ITEMS), 3, "each equal to its live item, NULLs included");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_version_lines WHERE report_id = @r AND version_no = 1"), 2, "two lines copied");
	is_int(store_test_int(db, SAME_LINES), 2, "each equal to its live line, every column (類別, A1-A3, intervals included)");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_version_line_gases WHERE report_id = @r AND version_no = 1"), 2,
	       "two gases copied");
	is_int(store_test_int(db, SAME_GASES), 2, "each equal to its live gas, its interval (or NULL) included");
	is_int(store_workflow_confirm(db, rid, 6, account, &v), STORE_WORKFLOW_ALREADY_CONFIRMED, "confirmed twice: already_confirmed");
	is_int(store_workflow_return(db, rid, 6, account, "x"), STORE_WORKFLOW_ALREADY_CONFIRMED, "return of a confirmed report: refused");

	ok(store_workflow_version_lines(db, rid, 1, take_line, &ls) == 0 && ls.n == 2, "the version's lines listed");
	ok(ls.row[0].part == CALC_OWN && !strcmp(ls.row[0].item, "electricity") && !strcmp(ls.row[0].category, "stationary") &&
	   ls.row[0].scope == 2 && ls.row[0].quantity_milli == 1000 && ls.row[0].kg_milli == 474 &&
	   !strcmp(ls.row[0].factor_text, "0.474") && !strcmp(ls.row[0].gwp_set, "") && !strcmp(ls.row[0].method, "度 × 係數") &&
	   !strcmp(ls.row[0].sources, "能源署") && ls.row[0].provisional == 1 && !*ls.row[0].refrigerant, "electricity first, as written");
	ok(ls.row[0].iso_category == 2 && ls.row[0].a1 == 2 && ls.row[0].a2 == 1 && ls.row[0].a3 == 3 && ls.row[0].ad_lower_milli == 1500 &&
	   ls.row[0].ad_upper_milli == 1500 && !strcmp(ls.row[0].ad_basis, "台電帳單") && !strcmp(ls.row[0].gases, "CO2:474:7000/7000"),
	   "with its 類別, A1-A3, interval and gases (%s)", ls.row[0].gases);
	is_str(ls.row[1].gases, "HFCs:19610000:-/-", "the refrigerant's gas, 未評估");
	ok(!strcmp(ls.row[1].item, "refrigerant") && ls.row[1].seq == 2 && ls.row[1].kg_milli == 19610000 &&
	   !strcmp(ls.row[1].gwp_set, "AR5") && ls.row[1].provisional == 0, "then the refrigerant");
	is_str(ls.row[1].refrigerant, "R404A", "with its type, from the version's item");
	ls.n = 0;
	ok(store_workflow_version_lines(db, rid, 2, take_line, &ls) == 0 && ls.n == 0, "no version 2 yet: no lines");
}

static void test_immutable(struct db *db)
{
	static const char *const sql[] = {
		"UPDATE report_versions SET own_total_milli = 0 WHERE report_id = @r",
		"DELETE FROM report_versions WHERE report_id = @r",
		"UPDATE report_version_items SET quantity_milli = 1 WHERE report_id = @r",
		"DELETE FROM report_version_items WHERE report_id = @r",
		"UPDATE report_version_lines SET kg_milli = 1 WHERE report_id = @r",
		"DELETE FROM report_version_lines WHERE report_id = @r",
		"UPDATE report_version_line_gases SET kg_milli = 1 WHERE report_id = @r",
		"DELETE FROM report_version_line_gases WHERE report_id = @r",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		ok(q(db, sql[i]) == -1 && strstr(db->errstr, "immutable"), "refused by its trigger: %s (%s)", sql[i], db->errstr);
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_versions WHERE report_id = @r AND own_total_milli = 12345")
	       + store_test_int(db, "SELECT COUNT(*) FROM report_version_items WHERE report_id = @r")
	       + store_test_int(db, "SELECT COUNT(*) FROM report_version_lines WHERE report_id = @r AND kg_milli > 1")
	       + store_test_int(db, "SELECT COUNT(*) FROM report_version_line_gases WHERE report_id = @r AND kg_milli > 1"), 8,
	       "every row as it was");
	ok(q(db, "DELETE FROM reports WHERE id = @r") == -1, "a report with a version cannot be deleted");
}

static void test_reopen(struct db *db, long long rid, long long account)
{
	struct versions vs = { .n = 0 };
	long long digest = store_test_int(db, V1_DIGEST);
	int v = 0;

	is_int(store_workflow_request_correction(db, rid, "電費單位填錯"), STORE_WORKFLOW_OK, "申請更正 on the confirmed report");
	is_int(store_test_int(db, "SELECT correction_reason = '電費單位填錯' AND correction_at IS NOT NULL FROM reports WHERE id = @r"), 1,
	       "its reason and time kept");
	is_int(store_workflow_reopen(db, rid, account, "依申請更正電費"), STORE_WORKFLOW_OK, "reopened with a reason");
	is_int(store_test_int(db, "SELECT confirmed_version IS NULL AND filed = 0 AND last_version = 1 AND reopen_reason = '依申請更正電費'"
				  " AND reopened_by = @acct AND reopened_at IS NOT NULL AND correction_reason IS NULL AND correction_at IS NULL"
				  " FROM reports WHERE id = @r"), 1,
	       "登錄中: not confirmed, not filed, last_version kept, the reason recorded, the correction request answered");
	is_int(store_test_int(db, "SELECT revision FROM reports WHERE id = @r"), 7,
	       "the revision moved on (7): a form opened before the 確認 is stale now");
	is_int(store_workflow_reopen(db, rid, account, "x"), STORE_WORKFLOW_NOT_CONFIRMED, "reopened twice: not confirmed");

	/* The agency's corrected save: one line changed, one removed, one added; filed again. */
	ok(q(db, "UPDATE report_lines SET quantity_milli = 2000, kg_milli = 948 WHERE report_id = @r AND item = 'electricity'") == 0 &&
	   q(db, "DELETE FROM report_lines WHERE report_id = @r AND item = 'refrigerant'") == 0 &&
	   q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set,"
		 " method, sources, provisional, iso_category) VALUES (@r, 'outsourced', 'natural_gas', 0, 'stationary', 3, 300, 570, '1.9',"
		 " 'AR5', 'm', 's', 0, 4)") == 0 &&
	   q(db, "INSERT INTO report_line_gases VALUES (@r, 'outsourced', 'natural_gas', 0, 'CO2', 569, NULL, NULL),"
		 " (@r, 'outsourced', 'natural_gas', 0, 'CH4', 1, NULL, NULL)") == 0 &&
	   q(db, "UPDATE report_lines SET a1 = 1, ad_lower_milli = 2000 WHERE report_id = @r AND item = 'electricity'") == 0 &&
	   q(db, "UPDATE report_line_gases SET kg_milli = 948 WHERE report_id = @r AND item = 'electricity'") == 0 &&
	   q(db, "UPDATE report_items SET quantity_milli = 2000 WHERE report_id = @r AND item = 'electricity'") == 0 &&
	   q(db, "UPDATE reports SET filed = 1, revision = revision + 1, own_total_milli = 948 WHERE id = @r") == 0,
	   "the corrected save (revision 8)");
	is_int(store_workflow_confirm(db, rid, 7, account, &v), STORE_WORKFLOW_STALE, "confirm from the page of revision 7: stale");
	is_int(store_workflow_confirm(db, rid, 8, account, &v), STORE_WORKFLOW_OK, "confirmed again");
	is_int(v, 2, "version 2");
	is_int(store_test_int(db, "SELECT confirmed_version = 2 AND last_version = 2 AND reopen_reason IS NULL AND reopened_by IS NULL"
				  " AND reopened_at IS NULL FROM reports WHERE id = @r"), 1, "confirmed_version 2; the reopen_* moved to the version");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_versions WHERE report_id = @r AND version_no = 2 AND revision = 8"
				  " AND own_total_milli = 948 AND reopen_reason = '依申請更正電費' AND reopened_by = @acct AND reopened_at IS NOT NULL"), 1,
	       "version 2 carries the reason of the reopening before it");
	store_test_int(db, "SELECT @v := 2");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_version_lines WHERE report_id = @r AND version_no = 2"), 2, "two lines in version 2");
	is_int(store_test_int(db, SAME_LINES), 2, "equal to the live lines");
	is_int(store_test_int(db, SAME_ITEMS), 3, "and its items to the live items");
	is_int(store_test_int(db, SAME_GASES), 3, "and its gases to the live gases");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_version_lines WHERE report_id = @r AND version_no = 1 AND item = 'electricity'"
				  " AND a1 = 2 AND ad_lower_milli = 1500"), 1, "version 1 keeps the A1 and interval it was confirmed with");
	is_int(store_test_int(db, V1_DIGEST), digest, "version 1 unchanged, every column of its row, items and lines");
	is_int(store_test_int(db, "SELECT COUNT(*) FROM report_version_lines WHERE report_id = @r AND version_no = 1"
				  " AND item = 'refrigerant' AND kg_milli = 19610000"), 1, "its removed line still there");

	ok(store_workflow_versions(db, rid, take_version, &vs) == 0 && vs.n == 2, "two versions listed");
	ok(vs.row[0].version_no == 1 && vs.row[0].revision == 6 && vs.row[0].own_total_milli == 12345 &&
	   vs.row[0].outsourced_total_milli == 9223372036854775807LL && vs.row[0].confirmed_by == account &&
	   !strcmp(vs.row[0].confirmed_by_login, "371036500X") && strlen(vs.row[0].confirmed_at) == 19 &&
	   !*vs.row[0].reopen_reason && !vs.row[0].reopened_by && !*vs.row[0].reopened_at && !*vs.row[0].reopened_by_login &&
	   !*vs.row[0].reopened_by_name, "version 1: who, when, no reason");
	is_str(vs.row[0].confirmed_by_name, "連江縣介壽國中小", "who confirmed, by its agency's name");
	ok(vs.row[1].version_no == 2 && vs.row[1].revision == 8 && !strcmp(vs.row[1].reopen_reason, "依申請更正電費") &&
	   vs.row[1].reopened_by == account && strlen(vs.row[1].reopened_at) == 19, "version 2: why it was reopened, by whom, when");
	ok(!strcmp(vs.row[1].reopened_by_login, "371036500X") && !strcmp(vs.row[1].reopened_by_name, "連江縣介壽國中小"),
	   "who reopened it, by login and name");
}

/*
 * The check is made on the locked row, not on the transaction's snapshot:
 * a save committed after the confirming transaction first read the report
 * makes the confirm stale (a plain SELECT would still see the old revision
 * and confirm contents the page never showed).  On committed rows of its
 * own (a second connection commits), removed at the end.
 */
static void test_locking_read(struct db *db, long long account)
{
	struct db other;
	long long rid;
	int v = 0;

	if (db_init(&other, &store_test_cfg) || db_connect(&other)) {
		ok(0, "a second connection: %s", other.errstr);
		return;
	}
	ok(db_exec_sql(&other, "INSERT INTO reports (agency_id, year, revision, filed)"
			       " SELECT id, @y2 := (SELECT MIN(y.year) FROM inventory_years y WHERE y.county_id = a.county_id"
			       " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = a.id AND r.year = y.year)), 1, 1"
			       " FROM agencies a WHERE a.code = '371036600X' AND a.county_id = (SELECT id FROM counties WHERE letter = 'Z')") == 0,
	   "another connection commits a filed report at revision 1");
	rid = store_test_int(&other, "SELECT @r2 := LAST_INSERT_ID()");
	ok(rid > 0 && db_begin(db) == 0, "the confirming transaction begins");
	ok(store_test_int(db, "SELECT COUNT(*) FROM reports") > 0, "and reads the reports (its snapshot)");
	ok(db_exec_sql(&other, "UPDATE reports SET revision = 2 WHERE id = @r2") == 0, "the agency's save commits revision 2 meanwhile");
	is_int(store_workflow_confirm(db, rid, 1, account, &v), STORE_WORKFLOW_STALE, "confirm from revision 1: stale, seen on the locked row");
	ok(db_rollback(db) == 0, "rolled back");
	is_int(store_test_int(&other, "SELECT COUNT(*) FROM report_versions WHERE report_id = @r2"), 0, "no version written");
	ok(db_exec_sql(&other, "DELETE FROM reports WHERE id = @r2") == 0, "its report removed");
	db_release(&other);
}

int main(void)
{
	struct db db;
	long long agency, account, rid;
	int county, year;

	store_test_open(&db);
	ok(db_begin(&db) == 0, "a transaction");
	agency = store_test_int(&db, "SELECT @a := a.id FROM agencies a JOIN counties c ON c.id = a.county_id"
				     " WHERE c.letter = 'Z' AND a.code = '371036500X'");
	county = (int)store_test_int(&db, "SELECT @c := county_id FROM agencies WHERE id = @a");
	/* The store does not check who acts (the pages do): the school's own account serves. */
	account = store_test_int(&db, "SELECT @acct := id FROM accounts WHERE agency_id = @a");
	year = (int)store_test_int(&db, "SELECT @y := MIN(y.year) FROM inventory_years y WHERE y.county_id = @c"
				       " AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.agency_id = @a AND r.year = y.year)");
	ok(agency > 0 && county > 0 && account > 0 && year > 0, "a demo agency (%lld) and a year it has no report of (%d)", agency, year);
	ok(q(&db, "INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, updated_by)"
		  " VALUES (@a, @y, 3, 0, '校舍及宿舍', 12345, 9223372036854775807, @acct)") == 0, "a report at revision 3, not filed");
	rid = store_test_int(&db, "SELECT @r := id FROM reports WHERE agency_id = @a AND year = @y");
	ok(q(&db, "INSERT INTO report_items (report_id, part, item, seq, refrigerant, name, unit, quantity_milli, a1, dq_note, ad_lower_milli)"
		  " VALUES (@r, 'own', 'electricity', 0, NULL, NULL, NULL, 1000, 2, '台電帳單', 1500),"
		  " (@r, 'outsourced', 'other', 1, NULL, '太陽能', '度', NULL, NULL, NULL, NULL),"
		  " (@r, 'own', 'refrigerant', 2, 'R404A', NULL, NULL, 9223372036854775807, NULL, NULL, NULL)") == 0 &&
	   q(&db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set,"
		  " method, sources, provisional, iso_category, a1, a2, a3, dq_note, dq_keeper, ad_lower_milli, ad_upper_milli, ad_basis)"
		  " VALUES (@r, 'own', 'electricity', 0, 'stationary', 2, 1000, 474, '0.474', '', '度 × 係數', '能源署', 1, 2, 2, 1, 3,"
		  " '台電帳單', '總務處', 1500, 1500, '台電帳單'),"
		  " (@r, 'own', 'refrigerant', 2, 'fugitive', 1, 5000, 19610000, '3922', 'AR5', '冷媒 × GWP', 'IPCC AR5', 0, 1, 3, 3, 3,"
		  " '', '', NULL, NULL, '')") == 0 &&
	   q(&db, "INSERT INTO report_line_gases VALUES (@r, 'own', 'electricity', 0, 'CO2', 474, 7000, 7000),"
		  " (@r, 'own', 'refrigerant', 2, 'HFCs', 19610000, NULL, NULL)") == 0,
	   "three items, two lines and their gases");

	test_refusals(&db, rid, account);
	test_return(&db, rid, account);
	test_confirm(&db, rid, account);
	test_immutable(&db);
	test_reopen(&db, rid, account);

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM reports WHERE agency_id = @a AND year = @y"), 0, "nothing of it is left");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM report_versions WHERE report_id = @r"), 0, "no version left");
	test_locking_read(&db, account);
	db_release(&db);
	return tap_done();
}

/* store_factorday_test.c: factor day's batch locks (store_fd_reports): a county's run keeps only its
 * county's reports and year rows locked; a run of every county locks the whole id range.  A batch's
 * writes (store_fd_stage_apply): lines and gases in place, a new gas inserted, a gone one removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_factorday.h"
#include "store_test.h"

#define LL(x) ((long long)(x))

/* Whether another connection finds the row held: 1 held (NOWAIT refused), 0 free (read), -1 neither. */
static int held(struct db *other, const char *sql, long long a, long long b)
{
	struct db_stmt *st = db_prepare(other, sql);
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, a);
	db_bind_int(st, 1, b);
	if (db_exec(st))
		return other->err == 1205 || other->err == 3572 ? 1 : -1;
	r = db_step(st) == 1 ? 0 : -1;
	db_reset(st);
	return r;
}

#define MAX_BATCH 100000
#define Y 2019
#define REPORT_HELD "SELECT id FROM reports WHERE id = ? AND year = ? FOR UPDATE NOWAIT"
#define YEAR_HELD "SELECT year FROM inventory_years WHERE county_id = ? AND year = ? FOR UPDATE NOWAIT"

/* One statement of the test's own, with text parameters a and b: its first column (or 0 with no result); -1 on error. */
static long long q2(struct db *db, const char *sql, const char *a, const char *b)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = 0;

	if (!st)
		return -1;
	db_bind_text(st, 0, a);
	if (b)
		db_bind_text(st, 1, b);
	if (db_exec(st))
		return -1;
	if (db_step(st) == 1)
		v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

/* An agency of county `letter` of the test's own, with a report of Y (committed: another connection must see it): its report's id. */
static long long report_of(struct db *db, const char *letter, const char *code)
{
	if (q2(db, "INSERT INTO agencies (county_id, code, name, level) SELECT id, ?, '係數日鎖定測試', 1 FROM counties WHERE letter = ?",
	       code, letter) < 0 ||
	    q2(db, "INSERT INTO reports (agency_id, year, own_total_milli, outsourced_total_milli, computed_at)"
		   " SELECT id, 2019, 0, 0, NOW() FROM agencies WHERE code = ?", code, NULL) < 0)
		return -1;
	return q2(db, "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code = ?", code, NULL);
}

/* The test's agencies and reports gone (a run before it may have left them). */
static int cleanup(struct db *db)
{
	return db_exec_sql(db, "DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.code LIKE 'SFDT%'") ||
	       db_exec_sql(db, "DELETE t FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id WHERE a.code LIKE 'SFDT%'") ||
	       db_exec_sql(db, "DELETE FROM agencies WHERE code LIKE 'SFDT%'") ? -1 : 0;
}

/* A line as the test stages it: its item, method, and which gases it has (gas_kg[g] >= 0). */
static void line_of(struct calc_line *l, enum calc_item item, const char *method, const long long gas_kg[CALC_GAS__MAX])
{
	memset(l, 0, sizeof(*l));
	l->item = item;
	l->part = CALC_OWN;
	snprintf(l->factor_text, sizeof(l->factor_text), "%s", "0.5");
	snprintf(l->method, sizeof(l->method), "%s", method);
	snprintf(l->sources, sizeof(l->sources), "%s", "係數日測試");
	for (int g = 0; g < CALC_GAS__MAX; g++)
		l->gas[g].present = gas_kg[g] >= 0;
}

/*
 * A batch's writes.  Report rid's electricity line gets a new amount and a gas it did not have
 * (CH4), its natural gas line keeps CH4 as it was and loses N2O; report rid2's line gets a new
 * amount; report mid, between them by id, is not staged and keeps its line and gas; report frozen
 * (confirmed) gets a 重算值 and keeps its line and gas.  All in one transaction, rolled back.
 */
static void test_apply(struct db *db, long long rid, long long mid, long long rid2, long long frozen)
{
	static const long long elec[CALC_GAS__MAX] = { 200000, 3000, -1, -1, -1, -1, -1 };
	static const long long ng[CALC_GAS__MAX] = { 55000, 5000, -1, -1, -1, -1, -1 };
	static const long long elec2[CALC_GAS__MAX] = { 150000, -1, -1, -1, -1, -1, -1 };
	struct store_fd_report r[3] = { { .id = rid, .year = Y, .own_milli = 100000 + 56000 }, { .id = rid2, .year = Y, .own_milli = 100000 },
					{ .id = frozen, .year = Y, .own_milli = 100000, .frozen = 1 } };
	struct store_fd_staged staged[3] = { { &r[0], 203000 + 60000, 0, "before", "after" }, { &r[1], 150000, 0, "before", "after" },
					     { &r[2], 120000, 0, "before", "after" } };
	const long long planted[4] = { rid, mid, rid2, frozen };
	struct calc_line l;
	long long change;
	int rc = 0;

	for (int i = 0; i < 3; i++) {
		r[i].agency_id = store_test_q(db, "SELECT agency_id FROM reports WHERE id = ?", 1, r[i].id);
		r[i].county_id = (int)store_test_q(db, "SELECT county_id FROM agencies WHERE id = ?", 1, r[i].agency_id);
	}
	ok(rid < mid && mid < rid2, "report mid lies between the staged ones by id");
	ok(store_fd_stage_open(db) == 0 && store_fd_stage_clear(db) == 0 && db_begin(db) == 0, "staging opened, a transaction begun");
	change = store_test_q(db, "INSERT INTO factor_changes (fkey, is_new, category, unit, value, source, confidence, first_year, last_year,"
			      " created_at) VALUES ('sfdt_test', 0, 'electricity', 'kWh', '0.5', '測試', 'official', ?, ?, NOW())", 2, LL(Y), LL(Y));
	for (int i = 0; i < 4; i++) {
		rc |= store_test_q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli,"
				   " factor_text, gwp_set, method, sources) VALUES (?, 'own', 'electricity', 0, 'stationary', 2, 1000, 100000,"
				   " '0.1', '', 'old', 'old')", 1, planted[i]) < 0;
		rc |= store_test_q(db, "INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli) VALUES (?, 'own',"
				   " 'electricity', 0, 'CO2', 100000)", 1, planted[i]) < 0;
	}
	rc |= store_test_q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli,"
			   " factor_text, gwp_set, method, sources) VALUES (?, 'own', 'natural_gas', 0, 'stationary', 1, 1000, 56000,"
			   " '0.1', 'AR5', 'old', 'old')", 1, rid) < 0;
	rc |= store_test_q(db, "INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli) VALUES (?, 'own', 'natural_gas', 0,"
			   " 'CO2', 50000), (?, 'own', 'natural_gas', 0, 'CH4', 5000), (?, 'own', 'natural_gas', 0, 'N2O', 1000)", 3, rid, rid, rid) < 0;
	rc |= store_test_q(db, "UPDATE reports SET own_total_milli = 100000, confirmed_version = 1 WHERE id = ?", 1, frozen) < 0;
	ok(change > 0 && !rc, "a change, four reports' lines and gases planted");
	long long rev = store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, rid),
		  rev_mid = store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, mid),
		  rev_frozen = store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, frozen);

	/* As the worker stages them: each report's lines, each line's gases after it; a frozen report's totals only. */
	line_of(&l, CALC_ELECTRICITY, "新方法", elec);
	rc = store_fd_stage_line(db, rid, &l, 203000);
	for (int g = 0; g < CALC_GAS__MAX; g++)
		if (elec[g] >= 0)
			rc |= store_fd_stage_gas(db, rid, &l, g, elec[g]);
	line_of(&l, CALC_NATURAL_GAS, "天然氣新方法", ng);
	rc |= store_fd_stage_line(db, rid, &l, 60000);
	for (int g = 0; g < CALC_GAS__MAX; g++)
		if (ng[g] >= 0)
			rc |= store_fd_stage_gas(db, rid, &l, g, ng[g]);
	rc |= store_fd_stage_report(db, &staged[0]);
	line_of(&l, CALC_ELECTRICITY, "新方法", elec2);
	rc |= store_fd_stage_line(db, rid2, &l, 150000);
	rc |= store_fd_stage_gas(db, rid2, &l, CALC_GAS_CO2, 150000);
	rc |= store_fd_stage_report(db, &staged[1]);
	rc |= store_fd_stage_report(db, &staged[2]);
	ok(!rc && store_fd_stage_apply(db, change, 1, 0) == 0, "three lines, five gases and three reports staged and applied");

	is_int(store_test_q(db, "SELECT kg_milli FROM report_lines WHERE report_id = ? AND item = 'electricity'", 1, rid), 203000,
	       "rid's electricity line: its amount in place");
	is_int(store_test_q(db, "SELECT method = '新方法' AND sources = '係數日測試' AND factor_text = '0.5' FROM report_lines"
			    " WHERE report_id = ? AND item = 'electricity'", 1, rid), 1, "its method, sources and factor too");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_lines WHERE report_id = ? AND item = 'natural_gas'", 1, rid), 60000,
	       "rid's natural gas line: its amount in place");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_line_gases WHERE report_id = ? AND item = 'electricity' AND gas = 'CO2'", 1, rid),
	       200000, "electricity's CO2 updated");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_line_gases WHERE report_id = ? AND item = 'electricity' AND gas = 'CH4'", 1, rid),
	       3000, "electricity's CH4, a gas it did not have, inserted");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_line_gases WHERE report_id = ? AND item = 'natural_gas' AND gas = 'CO2'", 1, rid),
	       55000, "natural gas's CO2 updated");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_line_gases WHERE report_id = ? AND item = 'natural_gas' AND gas = 'CH4'", 1, rid),
	       5000, "natural gas's CH4, the same figures, kept");
	is_int(store_test_q(db, "SELECT COUNT(*) FROM report_line_gases WHERE report_id = ? AND item = 'natural_gas' AND gas = 'N2O'", 1, rid),
	       0, "natural gas's N2O, a gas it no longer has, removed");
	is_int(store_test_q(db, "SELECT COUNT(*) FROM report_line_gases WHERE report_id = ?", 1, rid), 4, "four gases in all");
	is_int(store_test_q(db, "SELECT own_total_milli FROM reports WHERE id = ?", 1, rid), 263000, "rid's total in place");
	/* As a save does: a form or review page drawn before is refused as stale (page_report.c, page_review_act.c). */
	is_int(store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, rid), rev + 1, "rid's revision moved on");
	is_int(store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, mid), rev_mid, "mid's, not staged, did not");
	is_int(store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, frozen), rev_frozen,
	       "nor frozen's: its confirmed figures stand");
	is_int(store_test_q(db, "SELECT kg_milli * 10 + (method = '新方法') FROM report_lines WHERE report_id = ?", 1, rid2), 1500001,
	       "rid2, the second id staged: its line in place");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_line_gases WHERE report_id = ?", 1, rid2), 150000, "and its gas");
	is_int(store_test_q(db, "SELECT own_total_milli FROM reports WHERE id = ?", 1, rid2), 150000, "and its total");
	is_int(store_test_q(db, "SELECT kg_milli * 10 + (method = 'old') FROM report_lines WHERE report_id = ?", 1, mid), 1000001,
	       "mid, not staged: its line untouched");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_line_gases WHERE report_id = ?", 1, mid), 100000, "and its gas");
	is_int(store_test_q(db, "SELECT kg_milli * 10 + (method = 'old') FROM report_lines WHERE report_id = ?", 1, frozen), 1000001,
	       "frozen: its line kept");
	is_int(store_test_q(db, "SELECT kg_milli FROM report_line_gases WHERE report_id = ?", 1, frozen), 100000, "and its gas");
	is_int(store_test_q(db, "SELECT own_total_milli * 1000000 + restated_own_milli FROM reports WHERE id = ?", 1, frozen),
	       100000LL * 1000000 + 120000, "its confirmed total kept, the 重算值 beside it");
	is_int(store_test_q(db, "SELECT COUNT(*) FROM factor_notices WHERE change_id = ?", 1, change), 3, "a notice for each of the three");
	ok(db_rollback(db) == 0, "rolled back");
}

/*
 * The unlock's run (unlock = 1): of four unconfirmed reports, each a change held back while their
 * year was locked (restated_change_id), with one electricity line and its CO2 as stored, staged
 * with the same totals: r[0] exactly as stored (only no longer marked: no revision, notice or audit
 * line); r[1] with its sources moved (the factor's source text); r[2] with a CH4 more; r[3] with a
 * second stored line the staging lacks.  The three are written as a save would.  Rolled back.
 */
static void test_unlock_same(struct db *db, const long long id[4])
{
	static const long long co2[CALC_GAS__MAX] = { 100000, -1, -1, -1, -1, -1, -1 };
	static const long long more[CALC_GAS__MAX] = { 100000, 2000, -1, -1, -1, -1, -1 };
	struct store_fd_report r[4];
	struct calc_line l;
	long long change, rev[4], audits;
	int rc = 0, same;

	ok(store_fd_stage_open(db) == 0 && store_fd_stage_clear(db) == 0 && db_begin(db) == 0, "unlock: staging opened, a transaction begun");
	change = store_test_q(db, "INSERT INTO factor_changes (fkey, is_new, category, unit, value, source, confidence, first_year, last_year,"
			      " created_at) VALUES ('sfdt_unlock', 0, 'electricity', 'kWh', '0.5', '測試', 'official', ?, ?, NOW())", 2, LL(Y), LL(Y));
	for (int i = 0; i < 4; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].id = id[i];
		r[i].year = Y;
		r[i].restated = 1;
		r[i].own_milli = 100000 + (i == 3 ? 1000 : 0);
		r[i].agency_id = store_test_q(db, "SELECT agency_id FROM reports WHERE id = ?", 1, id[i]);
		r[i].county_id = (int)store_test_q(db, "SELECT county_id FROM agencies WHERE id = ?", 1, r[i].agency_id);
		rc |= store_test_q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli,"
				   " factor_text, gwp_set, method, sources) VALUES (?, 'own', 'electricity', 0, 'stationary', 2, 1000, 100000,"
				   " '0.5', '', '電力', '係數日測試')", 1, id[i]) < 0;
		rc |= store_test_q(db, "INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli) VALUES (?, 'own',"
				   " 'electricity', 0, 'CO2', 100000)", 1, id[i]) < 0;
		rc |= store_test_q(db, "UPDATE reports SET own_total_milli = ?, outsourced_total_milli = 0, confirmed_version = NULL,"
				   " restated_change_id = ? WHERE id = ?", 3, LL(r[i].own_milli), change, id[i]) < 0;
		rev[i] = store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, id[i]);
	}
	rc |= store_test_q(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli,"
			   " factor_text, gwp_set, method, sources) VALUES (?, 'own', 'electricity', 1, 'stationary', 2, 10, 1000,"
			   " '0.5', '', '電力', '係數日測試')", 1, id[3]) < 0;
	ok(change > 0 && !rc, "unlock: four marked reports planted (%s)", rc ? db->errstr : "");
	audits = store_test_q(db, "SELECT COUNT(*) FROM audit_log WHERE field = '係數更新' AND client_addr = 'factor-day'", 0);
	for (int i = 0; i < 4; i++) {
		struct store_fd_staged s = { &r[i], r[i].own_milli, 0, "年度鎖定期間保留的數值", "解除年度鎖定後依現行係數" };

		line_of(&l, CALC_ELECTRICITY, "電力", i == 2 ? more : co2);
		if (i == 1)
			snprintf(l.sources, sizeof(l.sources), "%s", "係數日測試（更正）");
		rc |= store_fd_stage_line(db, id[i], &l, 100000);
		for (int g = 0; g < CALC_GAS__MAX; g++)
			if ((i == 2 ? more : co2)[g] >= 0)
				rc |= store_fd_stage_gas(db, id[i], &l, g, (i == 2 ? more : co2)[g]);
		rc |= store_fd_stage_report(db, &s);
	}
	same = rc ? -1 : store_fd_stage_apply(db, change, 0, 1);
	is_int(same, 1, "unlock: one report already as computed");
	is_int(store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, id[0]), rev[0], "it keeps its revision");
	is_int(store_test_q(db, "SELECT restated_change_id IS NULL FROM reports WHERE id = ?", 1, id[0]), 1, "and is no longer marked");
	for (int i = 1; i < 4; i++) {
		is_int(store_test_q(db, "SELECT revision FROM reports WHERE id = ?", 1, id[i]), rev[i] + 1, "report %d written in place", i);
		is_int(store_test_q(db, "SELECT restated_change_id IS NULL FROM reports WHERE id = ?", 1, id[i]), 1, "report %d no longer marked", i);
	}
	is_int(store_test_q(db, "SELECT COUNT(*) FROM factor_notices WHERE change_id = ?", 1, change), 3, "unlock: a notice for each of the three");
	is_int(store_test_q(db, "SELECT COUNT(*) FROM factor_notices WHERE change_id = ? AND agency_id = ?", 2, change, r[0].agency_id), 0,
	       "none for the one as computed");
	is_int(store_test_q(db, "SELECT COUNT(*) FROM audit_log WHERE field = '係數更新' AND client_addr = 'factor-day'", 0), audits + 3,
	       "unlock: an audit line for each of the three");
	ok(db_rollback(db) == 0, "unlock: rolled back");
}

/* The claims' row (migration 0038): one worker's claim at a time, the others skip it at once; it goes with the transaction. */
#define NA_AUDITS "SELECT COUNT(*) FROM audit_log WHERE county_id = ? AND year = 2019 AND field LIKE '係數更新（非機關活動%'"
#define NA_ROW "SELECT CONCAT_WS('/', kg_milli, version, IFNULL(restated_kg_milli, '-'), method_text) FROM county_activities WHERE id = ?"

/* One statement's first column as text (a row's columns joined), with one integer parameter. */
static const char *row_text(struct db *db, const char *sql, long long a)
{
	static char buf[700];
	struct db_stmt *st = db_prepare(db, sql);

	snprintf(buf, sizeof(buf), "%s", "(error)");
	if (st)
		db_bind_int(st, 0, a);
	if (st && !db_exec(st)) {
		if (db_step(st) == 1)
			db_col_copy(st, 0, buf, sizeof(buf));
		db_reset(st);
	}
	return buf;
}

/*
 * A non-agency line's writes: store_fd_activity_set writes a line that
 * differs (its version on, an audit line) and leaves one that already holds
 * the figures (saved at the new factors mid-run: 1, no version, no audit),
 * comparing its texts byte for byte and rewriting one with a 重算值;
 * store_fd_activity_restate sets a 重算值 with its audit line, and clears one
 * when the new figure is the kept one.  In one transaction, rolled back.
 */
static void test_activity(struct db *db, int county)
{
	struct store_fd_activity a = { .county_id = county, .year = Y, .kg_milli = 474000 };
	struct na_line l;
	long long audits;

	memset(&l, 0, sizeof(l));
	l.kg = dec_from_scaled_i64(467000, 3);
	snprintf(l.factor_text, sizeof(l.factor_text), "%s", "0.467");
	snprintf(l.unit_text, sizeof(l.unit_text), "%s", "度");
	snprintf(l.method, sizeof(l.method), "%s", "Street lighting 0.467");
	snprintf(l.sources, sizeof(l.sources), "%s", "係數日測試");
	l.iso_category = 2;
	l.gas[CALC_GAS_CO2] = (struct calc_gas_amount){ 1, dec_from_scaled_i64(467000, 3), 1, 5000, 5000 };
	ok(db_begin(db) == 0, "a non-agency line's transaction");
	a.id = store_test_q(db, "INSERT INTO county_activities (county_id, year, method, quantity, kg_milli, category, scope, factor_text,"
			    " unit_text, method_text, sources, provisional, created_by, updated_by, created_at, updated_at)"
			    " VALUES (?, 2019, 'elec_street', 1000, 474000, 2, 2, '0.474', '度', 'street lighting 0.474', '暫用', 1, 1, 1,"
			    " NOW(3), NOW(3))", 1, LL(county));
	ok(a.id > 0, "a line of 474 kg planted");
	audits = store_test_q(db, NA_AUDITS, 1, LL(county));
	is_int(store_fd_activity_set(db, &a, &l, 467000, "舊", "新"), 0, "a line that differs is written");
	is_str(row_text(db, NA_ROW, a.id), "467000/2/-/Street lighting 0.467", "its figures, its version on");
	is_int(store_test_q(db, NA_AUDITS, 1, LL(county)), audits + 1, "an audit line");
	a.kg_milli = 467000;
	is_int(store_fd_activity_set(db, &a, &l, 467000, "舊", "新"), 1, "one that holds the figures already is left");
	is_str(row_text(db, NA_ROW, a.id), "467000/2/-/Street lighting 0.467", "its version as it was");
	is_int(store_test_q(db, NA_AUDITS, 1, LL(county)), audits + 1, "no audit line");
	snprintf(l.method, sizeof(l.method), "%s", "street lighting 0.467");
	is_int(store_fd_activity_set(db, &a, &l, 467000, "舊", "新"), 0, "a text that differs in case only is written (bytes, not collation)");
	is_str(row_text(db, NA_ROW, a.id), "467000/3/-/street lighting 0.467", "its version on");
	ok(store_test_q(db, "UPDATE county_activities SET restated_kg_milli = 1 WHERE id = ?", 1, a.id) >= 0, "a 重算值 planted");
	is_int(store_fd_activity_set(db, &a, &l, 467000, "舊", "新"), 0, "one with a 重算值 is written");
	is_str(row_text(db, NA_ROW, a.id), "467000/4/-/street lighting 0.467", "the 重算值 cleared");
	audits = store_test_q(db, NA_AUDITS, 1, LL(county));
	is_int(store_fd_activity_restate(db, &a, 460000, 1, "舊", "新"), 0, "a kept line's 重算值");
	is_str(row_text(db, NA_ROW, a.id), "467000/4/460000/street lighting 0.467", "beside its figure, the line as it was");
	is_int(store_test_q(db, NA_AUDITS, 1, LL(county)), audits + 1, "an audit line");
	is_int(store_fd_activity_restate(db, &a, 467000, 2, "舊", "新"), 0, "a 重算值 that is the kept figure");
	is_str(row_text(db, NA_ROW, a.id), "467000/4/-/street lighting 0.467", "clears the earlier one");
	is_int(store_test_q(db, NA_AUDITS, 1, LL(county)), audits + 1, "with no audit line");
	ok(db_rollback(db) == 0, "rolled back");
}

static void test_claim_lock(struct db *db, struct db *other)
{
	long long t0;

	ok(db_begin(db) == 0 && store_fd_claim_lock(db) == 0, "a claim takes the row");
	t0 = now_ms();
	ok(db_begin(other) == 0, "another worker's claim begins");
	is_int(store_fd_claim_lock(other), 1, "and finds the row taken");
	ok(now_ms() - t0 < 1000, "without waiting (%lld ms)", now_ms() - t0);
	ok(db_rollback(other) == 0 && db_rollback(db) == 0, "both rolled back");
	ok(db_begin(other) == 0 && store_fd_claim_lock(other) == 0, "the row free again once the first's transaction ended");
	ok(db_commit(other) == 0, "committed");
}

/* db_repeat: the chunks a statement takes (DB_MAX_PARAMS) and their texts, each built once. */
static void test_repeat(void)
{
	struct db_repeat ids = { "SELECT id FROM t WHERE id IN (", "?", ")", 1, { 0 } };
	struct db_repeat rows = { "INSERT INTO t VALUES ", "(?, ?, NOW())", " ON DUPLICATE KEY UPDATE a = 1", 3, { 0 } };
	const char *sql;

	is_int(db_repeat_chunk(&ids, 1), 1, "one id: one group");
	is_int(db_repeat_chunk(&ids, 7), 4, "seven ids: a chunk of four first");
	is_int(db_repeat_chunk(&ids, 5000), DB_MAX_PARAMS, "5,000 ids: as many as a statement takes");
	is_int(db_repeat_chunk(&rows, 1000), 256, "rows of three parameters: 256 to a statement");
	is_str(db_repeat_sql(&ids, 4), "SELECT id FROM t WHERE id IN (?,?,?,?)", "four ids");
	is_str(db_repeat_sql(&rows, 2), "INSERT INTO t VALUES (?, ?, NOW()),(?, ?, NOW()) ON DUPLICATE KEY UPDATE a = 1", "two rows");
	sql = db_repeat_sql(&rows, 1);
	is_str(sql, "INSERT INTO t VALUES (?, ?, NOW()) ON DUPLICATE KEY UPDATE a = 1", "one row");
	ok(db_repeat_sql(&rows, 1) == sql, "a text is built once and kept (the statement cache's key)");
}

int main(void)
{
	struct db db, other;
	struct store_fd_report *out = calloc(MAX_BATCH, sizeof(*out));
	long long mine, theirs;
	int county, elsewhere;

	test_repeat();
	store_test_open(&db);
	store_test_open(&other);
	if (!out || cleanup(&db))
		return 1;
	/* The other county's report first, so that it lies in the id range of the county's batch. */
	theirs = report_of(&db, "W", "SFDTW0001");
	mine = report_of(&db, "Z", "SFDTZ0001");
	county = (int)store_test_int(&db, "SELECT id FROM counties WHERE letter = 'Z'");
	elsewhere = (int)store_test_int(&db, "SELECT id FROM counties WHERE letter = 'W'");
	ok(theirs > 0 && mine > theirs, "county W's report %lld below county Z's %lld", theirs, mine);

	for (int all = 0; all < 2; all++) {
		struct store_fd_span sp = { all ? 0 : county, Y, Y };
		int n;

		ok(db_exec_sql(&db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED") == 0 && db_begin(&db) == 0, "a batch's transaction");
		n = store_fd_reports(&db, &sp, theirs - 1, MAX_BATCH, 1, out);
		ok(n > 0 && out[n - 1].id >= mine, "%s: %d reports read and locked, up to the county's", all ? "every county" : "one county", n);
		is_int(held(&other, REPORT_HELD, mine, Y), 1, "the county's report is locked");
		is_int(held(&other, REPORT_HELD, theirs, Y), all,
		       all ? "every county: the other county's report in the range is locked too" : "the other county's report is free");
		is_int(held(&other, YEAR_HELD, county, Y), 1, "the county's year row is held (a 年度鎖定 waits)");
		is_int(held(&other, YEAR_HELD, elsewhere, Y), all, all ? "every county: the other's year row is held too" : "the other county's year row is free");
		db_rollback(&other);
		ok(db_rollback(&db) == 0, "rolled back");
	}
	{
		/* A deactivated agency's report first in the range: never in a batch; a batch of one steps over it to the next. */
		long long gone = report_of(&db, "Z", "SFDTZ0006"), next = report_of(&db, "Z", "SFDTZ0007");
		struct store_fd_span sp = { county, Y, Y };

		ok(gone > 0 && next > gone && db_exec_sql(&db, "UPDATE agencies SET active = 0 WHERE code = 'SFDTZ0006'") == 0,
		   "a deactivated agency's report %lld before %lld", gone, next);
		for (int max = 1; max <= 2; max++) {
			int n;

			ok(db_exec_sql(&db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED") == 0 && db_begin(&db) == 0, "(a batch of %d)", max);
			n = store_fd_reports(&db, &sp, gone - 1, max, 1, out);
			ok(n == 1 && out[0].id == next, "a batch of %d: only the next report read (%d: %lld)", max, n, n > 0 ? out[0].id : 0);
			is_int(held(&other, REPORT_HELD, next, Y), 1, "a batch of %d: the report read is locked", max);
			db_rollback(&other);
			ok(db_rollback(&db) == 0, "(rolled back)");
		}
	}
	{
		long long rid = report_of(&db, "Z", "SFDTZ0002"), mid = report_of(&db, "Z", "SFDTZ0003");
		long long four[4] = { rid, mid, report_of(&db, "Z", "SFDTZ0004"), report_of(&db, "Z", "SFDTZ0005") };

		test_apply(&db, rid, mid, four[2], four[3]);
		test_unlock_same(&db, four);
	}
	test_activity(&db, county);
	test_claim_lock(&db, &other);
	ok(cleanup(&db) == 0, "the test's rows deleted");
	db_release(&other);
	db_release(&db);
	free(out);
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* store_board_test.c: the validation board's store (store_board) and its run (worker/board.c) on a county of the test's own. */
#include <stdarg.h>
#include <string.h>

#include "board.h"
#include "store_board.h"
#include "store_test.h"

/*
 * board_run commits, so the test's rows are committed too: a county of its
 * own (id 97, the letter L no longer in use) with two 一級 agencies, their
 * reports of 2023 and 2024, deleted at the end (and at the start, after a
 * run that died).
 */
#define TC 97
#define Y 2024

static struct db db;

/* One statement of the test's own on its connection (store_test_q). */
#define q(sql, n, ...) store_test_q(&db, sql, n, ##__VA_ARGS__)

static void cleanup(void)
{
	q("DELETE FROM board_findings WHERE county_id = ?", 1, (long long)TC);
	q("DELETE FROM board_runs WHERE county_id = ?", 1, (long long)TC);
	q("DELETE FROM board_level_medians WHERE county_id = ?", 1, (long long)TC);
	q("DELETE FROM board_thresholds WHERE county_id = ?", 1, (long long)TC);
	q("DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ?", 1, (long long)TC);
	q("DELETE t FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id WHERE a.county_id = ?", 1, (long long)TC);
	q("DELETE FROM agencies WHERE county_id = ?", 1, (long long)TC);
	q("DELETE FROM inventory_years WHERE county_id = ?", 1, (long long)TC);
	q("DELETE FROM counties WHERE id = ?", 1, (long long)TC);
}

static long long report(long long agency, int year, long long kwh_milli, long long kg_milli)
{
	long long id = q("INSERT INTO reports (agency_id, year, own_total_milli) VALUES (?, ?, ?)", 3, agency, (long long)year, kg_milli);

	q("INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set,"
	  " method, sources) VALUES (?, 'own', 'electricity', 0, 'stationary', 2, ?, ?, '0.5', '', '', '')", 3, id, kwh_milli, kg_milli);
	return id;
}

/* What a list showed: "rule:agency:Δ:checked:changed:closed" of each row. */
static struct {
	int n;
	char text[1024];
	struct store_board_row first;
} got;

static int seen(void *ctx, const struct store_board_row *r)
{
	size_t len = strlen(got.text);

	(void)ctx;
	if (!got.n++)
		got.first = *r;
	snprintf(got.text + len, sizeof(got.text) - len, "%s%s:%lld:%lld:%d:%d:%d", len ? " " : "", board_rule_keys[r->rule],
		 r->agency, r->delta_milli, r->checked, r->changed_after_check, r->closed_at[0] != 0);
	return 0;
}

static const char *list(int history)
{
	memset(&got, 0, sizeof(got));
	if (store_board_each(&db, TC, Y, history, seen, NULL))
		return "(error)";
	return got.text;
}

/* A finding whose Δ is its level's median names the level: a save that moves the median writes one row, not the finding. */
static void level_median(long long a, long long b)
{
	char want[256];
	long long c, f, rev, updated;

	c = q("INSERT INTO agencies (county_id, code, name, level) VALUES (?, 'BT3', '檢核丙', 1)", 1, (long long)TC);
	q("INSERT INTO reports (agency_id, year, own_total_milli) VALUES (?, ?, 0)", 2, c, (long long)Y);   /* no electricity */
	ok(!board_run(&db, TC, Y), "a run with 丙, which has no electricity this year or last");
	list(0);
	snprintf(want, sizeof(want), "missing_electricity:%lld:2000000:0:0:0", c);
	ok(strstr(got.text, want) != NULL, "its Δ is the median of its level (甲 1,000 and 乙 3,000 kgCO2e: 2,000)");
	f = q("SELECT id FROM board_findings WHERE county_id = ? AND year = ? AND rule = 'missing_electricity' AND agency_id = ?", 3,
	      (long long)TC, (long long)Y, c);
	is_int(q("SELECT delta_level * 1000000000 + delta_milli FROM board_findings WHERE id = ?", 1, f), 1000000000LL,
	       "stored as level 1's median, not as the figure");
	is_int(q("SELECT median_milli FROM board_level_medians WHERE county_id = ? AND year = ? AND level = 1", 2, (long long)TC,
		 (long long)Y), 2000000, "the median, once for the level");
	rev = q("SELECT rev FROM board_findings WHERE id = ?", 1, f);
	updated = q("SELECT ROUND(UNIX_TIMESTAMP(updated_at) * 1000) FROM board_findings WHERE id = ?", 1, f);

	/* 乙 saves: 5,000 kgCO2e of electricity, and the level's median moves to 3,000. */
	q("UPDATE reports SET revision = revision + 1, own_total_milli = 5000000 WHERE agency_id = ? AND year = ?", 2, b, (long long)Y);
	q("UPDATE report_lines l JOIN reports r ON r.id = l.report_id SET l.kg_milli = 5000000 WHERE r.agency_id = ? AND r.year = ?", 2,
	  b, (long long)Y);
	ok(!board_run(&db, TC, Y), "the run after 乙's save");
	list(0);
	snprintf(want, sizeof(want), "missing_electricity:%lld:3000000:0:0:0", c);
	ok(strstr(got.text, want) != NULL, "丙's Δ follows the median (3,000)");
	is_int(q("SELECT median_milli FROM board_level_medians WHERE county_id = ? AND year = ? AND level = 1", 2, (long long)TC,
		 (long long)Y), 3000000, "the level's row was written");
	is_int(q("SELECT rev FROM board_findings WHERE id = ?", 1, f), rev, "the finding was not (its rev: a page open stays valid)");
	is_int(q("SELECT ROUND(UNIX_TIMESTAMP(updated_at) * 1000) FROM board_findings WHERE id = ?", 1, f), updated, "nor its updated_at");

	/* 丙 files electricity: its finding closes; no finding names level 1 any more, and its median goes. */
	q("UPDATE reports SET revision = revision + 1, own_total_milli = 100000 WHERE agency_id = ? AND year = ?", 2, c, (long long)Y);
	q("INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set,"
	  " method, sources) SELECT id, 'own', 'electricity', 0, 'stationary', 2, 200000, 100000, '0.5', '', '', '' FROM reports"
	  " WHERE agency_id = ? AND year = ?", 2, c, (long long)Y);
	ok(!board_run(&db, TC, Y), "the run after 丙's electricity");
	is_int(q("SELECT holds FROM board_findings WHERE id = ?", 1, f), 0, "丙's finding closed");
	is_int(q("SELECT COUNT(*) FROM board_level_medians WHERE county_id = ? AND year = ?", 2, (long long)TC, (long long)Y), 0,
	       "and the median no finding names is gone");
	(void)a;
}

int main(void)
{
	struct board_thresholds t;
	char stamp[STORE_BOARD_STAMP_MAX + 1], now[STORE_BOARD_STAMP_MAX + 1], newest[20], ran[20], want[256];
	long long a, b, ra, rev, agency = 0, seen_run, updated, run_no;

	store_test_open(&db);
	cleanup();
	ok(q("INSERT INTO counties (id, letter, name) VALUES (?, 'L', '檢核測試縣')", 1, (long long)TC) >= 0, "a county of the test's own");
	q("INSERT INTO inventory_years (county_id, year) VALUES (?, 2023), (?, 2024)", 2, (long long)TC, (long long)TC);
	a = q("INSERT INTO agencies (county_id, code, name, level) VALUES (?, 'BT1', '檢核甲', 1)", 1, (long long)TC);
	b = q("INSERT INTO agencies (county_id, code, name, level) VALUES (?, 'BT2', '檢核乙', 1)", 1, (long long)TC);
	ok(a > 0 && b > 0, "two agencies");
	report(a, 2023, 2000000, 1000000);
	ra = report(a, 2024, 10000000, 5000000);   /* +400 % */
	report(b, 2023, 6000000, 3000000);
	report(b, 2024, 6000001, 3000000);

	is_int(store_board_thresholds(&db, TC, Y, &t), 0, "a year added after the migration has no thresholds yet");
	ok(!store_board_thresholds_ensure(&db, TC, Y) && store_board_thresholds(&db, TC, Y, &t) == 1, "ensured, they read");
	ok(t.change_pct == 50 && t.mad_tenths == 30 && t.refrigerant_milli == 50000 && t.uncertainty_milli == 30000 && t.confirm_days == 14,
	   "the defaults of SPEC-2 §2e (and 確認期限's 14 days)");
	is_int(store_board_last_run(&db, TC, Y, stamp, ran), 0, "never run");

	ok(!board_run(&db, TC, Y), "the board runs");
	snprintf(want, sizeof(want), "item_change:%lld:4000000:0:0:0", a);
	is_str(list(0), want, "the +400 %% electricity jump is the open finding, Δ 4,000 kgCO2e");
	rev = got.first.rev;
	ok(!got.first.report_changed, "its report is as the run read it");
	is_str(list(1), "", "no history yet");
	ok(store_board_last_run(&db, TC, Y, stamp, ran) == 1 && !store_board_stamp(&db, TC, Y, now, newest), "the run and the data now");
	is_str(stamp, now, "the run's stamp is the data's: the board is current");

	list(0);
	seen_run = q("SELECT seen_run FROM board_findings WHERE id = ?", 1, got.first.id);
	ok(seen_run == 1, "the first run wrote the finding (seen_run 1)");
	updated = q("SELECT ROUND(UNIX_TIMESTAMP(updated_at) * 1000) FROM board_findings WHERE id = ?", 1, got.first.id);
	run_no = q("SELECT run_no FROM board_runs WHERE county_id = ? AND year = ?", 2, (long long)TC, (long long)Y);
	ok(!board_run(&db, TC, Y), "run again");
	list(0);
	is_int(got.first.rev, rev, "nothing changed: the finding's rev stays (a page open is not stale)");
	is_int(q("SELECT run_no FROM board_runs WHERE county_id = ? AND year = ?", 2, (long long)TC, (long long)Y), run_no + 1,
	       "the run counted");
	is_int(q("SELECT seen_run FROM board_findings WHERE id = ?", 1, got.first.id), seen_run,
	       "but a finding that holds as it was is not written again (seen_run as the first run left it)");
	is_int(q("SELECT ROUND(UNIX_TIMESTAMP(updated_at) * 1000) FROM board_findings WHERE id = ?", 1, got.first.id), updated,
	       "nor its updated_at");
	ok(list(0)[0] && !got.first.closed_at[0], "and it stays open");

	ok(!db_begin(&db), "begin");
	is_int(store_board_check(&db, got.first.id, TC, Y, rev + 1, 1, "x", &agency), STORE_BOARD_STALE, "a stale rev is refused");
	is_int(store_board_check(&db, got.first.id, TC + 1, Y, rev, 1, "x", &agency), STORE_BOARD_NOT_FOUND, "another county's: not found");
	is_int(store_board_check(&db, got.first.id, TC, Y, rev, 1, "用電大樓新啟用，已電話確認", &agency), STORE_BOARD_CHECKED, "已查核");
	ok(!db_commit(&db), "commit");
	is_int(agency, a, "the finding's agency, for the audit line");
	is_str(list(0), "", "已查核 removes it from the open list");
	snprintf(want, sizeof(want), "item_change:%lld:4000000:1:0:0", a);
	is_str(list(1), want, "and keeps it in the history, checked");
	is_str(got.first.check_note, "用電大樓新啟用，已電話確認", "with its note");

	ok(!board_run(&db, TC, Y), "a rerun on the same data");
	is_str(list(0), "", "keeps 已查核");

	/* The agency saves again: its electricity is now +500 %. */
	q("UPDATE reports SET revision = revision + 1, own_total_milli = 6000000, updated_at = NOW() + INTERVAL 1 SECOND WHERE id = ?", 1, ra);
	q("UPDATE report_lines SET kg_milli = 6000000 WHERE report_id = ?", 1, ra);
	ok(!store_board_stamp(&db, TC, Y, now, newest) && strcmp(stamp, now), "the data moved past the run (the page says so)");
	list(0);
	ok(!board_run(&db, TC, Y), "the run after the save");
	snprintf(want, sizeof(want), "item_change:%lld:5000000:0:1:0", a);
	is_str(list(0), want, "open again, Δ 5,000, 已查核後資料已變更");

	/* Back to last year's figure: the finding no longer holds. */
	q("UPDATE reports SET revision = revision + 1, own_total_milli = 1000000 WHERE id = ?", 1, ra);
	q("UPDATE report_lines SET kg_milli = 1000000, quantity_milli = 2000000 WHERE report_id = ?", 1, ra);
	ok(!board_run(&db, TC, Y), "the run after the correction");
	is_str(list(0), "", "nothing open");
	snprintf(want, sizeof(want), "item_change:%lld:5000000:0:1:1", a);
	is_str(list(1), want, "the finding closed, kept in the history");

	ok(store_board_last_run(&db, TC, Y, stamp, ran) == 1, "the last run");
	t.change_pct = 10;
	t.refrigerant_milli = 20000;
	ok(!store_board_thresholds_set(&db, TC, Y, &t, 1), "thresholds set");
	ok(store_board_thresholds(&db, TC, Y, &t) == 1 && t.change_pct == 10 && t.refrigerant_milli == 20000, "and read back");
	ok(!store_board_stamp(&db, TC, Y, now, newest) && strcmp(stamp, now), "a threshold changed moves the stamp");
	level_median(a, b);

	cleanup();
	db_release(&db);
	return tap_done();
}

/* export_prefetch_test.c: the detail workbook's readers (worker/export_prefetch.c) on a county of
 * the test's own, committed (and removed at the end): the chunks they hand over are what the stores read in one go, they stop
 * when told at any point, and a database that cannot be reached ends them with a failure. */
#include <string.h>

#include "export_prefetch.h"
#include "store_test.h"
#include "strbuf.h"

#define TC 96   /* the test's county (letter R), committed: the readers have connections of their own */
#define run(...) (store_test_q(__VA_ARGS__) < 0)
#define AGENCIES 40

static int county, year;

/* Everything of the test's county, children first (also what an interrupted run left). */
static int drop_county(struct db *db)
{
	return run(db, "DELETE g FROM report_line_gases g JOIN reports r ON r.id = g.report_id JOIN agencies a ON a.id = r.agency_id"
		       " WHERE a.county_id = ?", 1, (long long)TC) ||
	       run(db, "DELETE l FROM report_lines l JOIN reports r ON r.id = l.report_id JOIN agencies a ON a.id = r.agency_id"
		       " WHERE a.county_id = ?", 1, (long long)TC) ||
	       run(db, "DELETE r FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ?", 1, (long long)TC) ||
	       run(db, "DELETE t FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id WHERE a.county_id = ?", 1, (long long)TC) ||
	       run(db, "DELETE FROM agencies WHERE county_id = ?", 1, (long long)TC) ||
	       run(db, "DELETE FROM inventory_years WHERE county_id = ?", 1, (long long)TC) ||
	       run(db, "DELETE FROM counties WHERE id = ?", 1, (long long)TC);
}

/*
 * AGENCIES agencies, each with a report of two or three lines (both parts;
 * the items in an order the sort must mend) and gas rows on some.
 */
static void plant(struct db *db)
{
	long long y = (long long)year;

	ok(drop_county(db) == 0 &&
	   run(db, "INSERT INTO counties (id, letter, name) VALUES (?, 'R', '讀取測試縣')", 1, (long long)TC) == 0 &&
	   run(db, "INSERT INTO inventory_years (county_id, year, is_open) VALUES (?, ?, 1)", 2, (long long)TC, y) == 0 &&
	   run(db, "INSERT INTO agencies (county_id, code, name, level) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s"
		   " WHERE n < ?) SELECT ?, CONCAT('PF', LPAD(n, 4, '0')), CONCAT('讀取機關', n), 1 FROM s", 2, (long long)AGENCIES, (long long)TC) == 0 &&
	   run(db, "INSERT INTO reports (agency_id, year, filed, own_total_milli) SELECT id, ?, id % 2, 1000 FROM agencies WHERE county_id = ?",
	       2, y, (long long)TC) == 0 &&
	   run(db, "INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources)"
		   " SELECT r.id, x.part, x.item, x.seq, 'stationary', 2, 1000, 500 + x.seq, '0.5', 'AR5', 'm', 's'"
		   " FROM reports r JOIN agencies a ON a.id = r.agency_id JOIN (SELECT 'own' part, 'vehicle_gasoline' item, 0 seq"
		   "  UNION ALL SELECT 'outsourced', 'electricity', 0 UNION ALL SELECT 'own', 'ext_co2', 3 UNION ALL SELECT 'own', 'electricity', 0) x"
		   " WHERE a.county_id = ? AND r.year = ? AND (x.item <> 'ext_co2' OR a.id % 3 = 0)", 2, (long long)TC, y) == 0 &&
	   run(db, "INSERT INTO report_line_gases (report_id, part, item, seq, gas, kg_milli) SELECT l.report_id, l.part, l.item, l.seq,"
		   " IF(l.item = 'ext_co2', 'CH4', 'CO2'), l.kg_milli FROM report_lines l JOIN reports r ON r.id = l.report_id"
		   " JOIN agencies a ON a.id = r.agency_id WHERE a.county_id = ? AND l.part = 'own'", 1, (long long)TC) == 0,
	   "a county of the test's own: %d agencies, their lines and gases (committed)", AGENCIES);
	county = TC;
}

static void line_sig(struct strbuf *b, const struct store_inventory_line *l)
{
	strbuf_addf(b, "%lld/%s/%s/%s/%d/%lld/%d/%d", l->agency, l->code, l->part, l->item, l->seq, l->kg_milli,
		      l->state.status, l->has_line);
	for (int g = 0; g < STORE_INVENTORY_GASES; g++)
		if (l->gas[g].present)
			strbuf_addf(b, "/g%d=%lld", g, l->gas[g].milli);
	strbuf_addch(b, ';');
}

static int filing_sig(void *ctx, const struct store_inventory_filing *a)
{
	strbuf_addf(ctx, "%lld/%s/%s/%s/%lld;", a->agency, a->code, a->parent_name, a->contact_name, a->own_milli);
	return 0;
}

/* The county-year as the stores read it in one go. */
static void read_whole(struct db *db, struct strbuf *lines, struct strbuf *filing)
{
	struct store_inventory_lines ls;
	int rc;

	store_inventory_lines_init(&ls);
	rc = db_begin(db) || store_inventory_read_lines(db, county, year, 0, 1000000, &ls) || db_commit(db);
	ok(!rc && ls.n > 0, "the lines in one go (%zu)", ls.n);
	for (size_t i = 0; i < ls.n; i++)
		line_sig(lines, &ls.v[i]);
	store_inventory_lines_release(&ls);
	ok(store_inventory_each_filing(db, county, year, 0, 1000000, filing_sig, filing) == 0 && filing->len > 0, "the filing in one go");
}

/* The chunks of one sheet until its end into sig (with sig_line or sig_filing); how many, -1 if one failed. */
static int drain(struct xpf *pf, enum xpf_sheet sheet, struct strbuf *sig)
{
	struct xpf_chunk *c;
	int chunks = 0, failed = 0;

	while ((c = xpf_next(pf, sheet))->n) {
		for (size_t i = 0; i < c->n; i++)
			if (sheet == XPF_LINES)
				line_sig(sig, &c->lines.v[i]);
			else
				filing_sig(sig, &c->filing[i]);
		chunks++;
		xpf_recycle(pf, sheet, c);
	}
	failed = c->failed;
	xpf_recycle(pf, sheet, c);
	return failed ? -1 : chunks;
}

/*
 * One agency a chunk, so that the reader runs XPF_AHEAD chunks ahead and
 * turns to the summary and the filing meanwhile; the sheets taken in
 * either order.
 */
static void test_chunks(struct db *db)
{
	struct strbuf want_lines, want_filing, lines, filing;
	struct inventory want, got;

	strbuf_init(&want_lines, 0);
	strbuf_init(&want_filing, 0);
	read_whole(db, &want_lines, &want_filing);
	ok(inventory_load(db, county, year, &want) == 0, "the summary on the test's connection");
	for (int order = 0; order < 2; order++) {
		struct xpf *pf = xpf_start(&store_test_cfg, county, year, 1, &got);
		int nl, nf;

		strbuf_init(&lines, 0);
		strbuf_init(&filing, 0);
		ok(pf != NULL, "the reader starts");
		if (!order) {
			nl = drain(pf, XPF_LINES, &lines);
			nf = drain(pf, XPF_FILING, &filing);
		} else {
			nf = drain(pf, XPF_FILING, &filing);
			nl = drain(pf, XPF_LINES, &lines);
		}
		ok(nl > XPF_AHEAD && nf > XPF_AHEAD_FILING, "%s: each sheet's chunks, then an empty one (%d, %d)",
		   order ? "the filing first" : "the lines first", nl, nf);
		ok(lines.len && !strcmp(lines.buf, want_lines.buf), "the same lines in the same order");
		ok(filing.len && !strcmp(filing.buf, want_filing.buf), "the same filing rows");
		ok(xpf_summary_done(pf) && xpf_summary(pf) == 0 && got.total == want.total && got.n_agencies == want.n_agencies &&
		   got.outsourced == want.outsourced && !memcmp(got.by_level, want.by_level, sizeof(want.by_level)),
		   "the summary's figures, the same (total %lld, %d agencies)", got.total, got.n_agencies);
		xpf_stop(pf);
		strbuf_release(&lines);
		strbuf_release(&filing);
	}
	strbuf_release(&want_lines);
	strbuf_release(&want_filing);
}

/* Told to stop while it waits for room, or before it has read anything: it stops. */
static void test_stop(void)
{
	struct inventory inv;
	struct xpf *pf = xpf_start(&store_test_cfg, county, year, 1, &inv);
	struct xpf_chunk *c = xpf_next(pf, XPF_LINES);

	ok(c->n > 0 && !c->failed, "a first chunk");
	xpf_recycle(pf, XPF_LINES, c);
	xpf_stop(pf);
	ok(1, "stopped with the reader ahead (no wait without end)");
	xpf_stop(xpf_start(&store_test_cfg, county, year, 1, &inv));
	ok(1, "stopped at once");
}

/* A server nobody answers at: every sheet ends with a failure and so does the summary; nothing waits for ever. */
static void test_unreachable(void)
{
	struct config cfg = store_test_cfg;
	struct inventory inv;
	struct xpf *pf;
	struct strbuf sig = STRBUF_INIT;

	snprintf(cfg.db_socket, sizeof(cfg.db_socket), "%s", "/nonexistent/mysql.sock");
	cfg.db_host[0] = '\0';
	pf = xpf_start(&cfg, county, year, 1, &inv);
	ok(drain(pf, XPF_LINES, &sig) == -1 && drain(pf, XPF_FILING, &sig) == -1 && sig.len == 0, "both sheets: a failed chunk");
	ok(xpf_summary(pf) != 0, "the summary: a failure");
	xpf_stop(pf);
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	if (db_library_init()) {
		printf("Bail out! the client library\n");
		return 1;
	}
	year = (int)store_test_int(&db, "SELECT MIN(year) FROM inventory_years");
	plant(&db);
	test_chunks(&db);
	test_stop();
	test_unreachable();
	ok(drop_county(&db) == 0, "the test's county removed");
	db_release(&db);
	return tap_done();
}

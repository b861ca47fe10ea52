/* export_prefetch_test.c: the detail workbook's readers (worker/export_prefetch.c) against the
 * test stack's demo data: the chunks they hand over are what the stores read in one go, they stop
 * when told at any point, and a database that cannot be reached ends them with a failure. */
#include <string.h>

#include "export_prefetch.h"
#include "store_test.h"
#include "strbuf.h"

static int county, year;

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

/* One agency a chunk, so that the reader runs XPF_AHEAD chunks ahead and waits. */
static void test_chunks(struct db *db)
{
	struct strbuf want_lines, want_filing, lines, filing;
	struct xpf *pf = xpf_start(&store_test_cfg, county, year, 1);
	struct xpf_chunk *c;
	int chunks = 0, failed = 0;

	strbuf_init(&want_lines, 0);
	strbuf_init(&want_filing, 0);
	strbuf_init(&lines, 0);
	strbuf_init(&filing, 0);
	read_whole(db, &want_lines, &want_filing);
	ok(pf != NULL, "the reader starts");
	while ((c = xpf_next(pf))->n) {
		for (size_t i = 0; i < c->n; i++)
			line_sig(&lines, &c->lines.v[i]);
		failed |= c->failed;
		chunks++;
		xpf_recycle(pf, c);
	}
	failed |= c->failed;
	xpf_recycle(pf, c);
	ok(!failed && chunks > XPF_AHEAD, "the lines' chunks, then an empty one (%d chunks)", chunks);
	ok(lines.len && !strcmp(lines.buf, want_lines.buf), "the same lines in the same order");
	chunks = 0;
	while ((c = xpf_next(pf))->n) {
		for (size_t i = 0; i < c->n; i++)
			filing_sig(&filing, &c->filing[i]);
		failed |= c->failed;
		chunks++;
		xpf_recycle(pf, c);
	}
	failed |= c->failed;
	xpf_recycle(pf, c);
	ok(!failed && chunks > XPF_AHEAD, "the filing's chunks, then an empty one (%d chunks)", chunks);
	ok(filing.len && !strcmp(filing.buf, want_filing.buf), "the same filing rows");
	xpf_stop(pf);
	strbuf_release(&want_lines);
	strbuf_release(&want_filing);
	strbuf_release(&lines);
	strbuf_release(&filing);
}

/* Told to stop while it waits for room, or before it has read anything: it stops. */
static void test_stop(void)
{
	struct xpf *pf = xpf_start(&store_test_cfg, county, year, 1);
	struct xpf_chunk *c = xpf_next(pf);

	ok(c->n > 0 && !c->failed, "a first chunk");
	xpf_recycle(pf, c);
	xpf_stop(pf);
	ok(1, "stopped with the reader ahead (no wait without end)");
	xpf_stop(xpf_start(&store_test_cfg, county, year, 1));
	ok(1, "stopped at once");
}

static void test_summary(struct db *db)
{
	struct inventory want, got;
	struct xpf_inventory *h = xpf_inventory_start(&store_test_cfg, county, year, &got);
	int rc;

	ok(inventory_load(db, county, year, &want) == 0, "the summary on the test's connection");
	ok(h != NULL, "and on a thread of its own");
	rc = xpf_inventory_wait(h);
	ok(rc == 0 && got.total == want.total && got.n_agencies == want.n_agencies && got.outsourced == want.outsourced &&
	   !memcmp(got.by_level, want.by_level, sizeof(want.by_level)),
	   "the same figures (total %lld, %d agencies)", got.total, got.n_agencies);
}

/* A server nobody answers at: every reader ends with a failure, none waits for ever. */
static void test_unreachable(void)
{
	struct config cfg = store_test_cfg;
	struct inventory inv;
	struct xpf *pf;
	struct xpf_chunk *c;

	snprintf(cfg.db_socket, sizeof(cfg.db_socket), "%s", "/nonexistent/mysql.sock");
	cfg.db_host[0] = '\0';
	pf = xpf_start(&cfg, county, year, 1);
	c = xpf_next(pf);
	ok(c->failed && c->n == 0, "the lines' reader: a failed chunk");
	xpf_recycle(pf, c);
	xpf_stop(pf);
	ok(xpf_inventory_wait(xpf_inventory_start(&cfg, county, year, &inv)) != 0, "the summary's reader: a failure");
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	if (db_library_init()) {
		printf("Bail out! the client library\n");
		return 1;
	}
	/* The demo county-year with the most lines. */
	county = (int)store_test_int(&db, "SELECT a.county_id * 10000 + r.year FROM report_lines l JOIN reports r ON r.id = l.report_id"
					  " JOIN agencies a ON a.id = r.agency_id AND a.active = 1 GROUP BY a.county_id, r.year ORDER BY COUNT(*) DESC, 1 LIMIT 1");
	year = county % 10000;
	county /= 10000;
	ok(county > 0, "a demo county-year with lines (%d, %d)", county, year);
	test_chunks(&db);
	test_stop();
	test_summary(&db);
	test_unreachable();
	db_release(&db);
	return tap_done();
}

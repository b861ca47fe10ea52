/* export_prefetch_test.c: the detail workbook's readers (worker/export_prefetch.c) on a county of
 * the test's own, committed (and removed at the end): the chunks they hand over are what the stores read in one go, they stop
 * when told at any point, and a database that cannot be reached ends them with a failure. */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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
	rc = db_begin(db) || store_inventory_read_lines(db, county, year, 0, 0, 1000000, &ls) || db_commit(db);
	ok(!rc && ls.n > 0, "the lines in one go (%zu)", ls.n);
	for (size_t i = 0; i < ls.n; i++)
		line_sig(lines, &ls.v[i]);
	store_inventory_lines_release(&ls);
	ok(store_inventory_each_filing(db, county, year, 0, 0, 1000000, filing_sig, filing) == 0 && filing->len > 0, "the filing in one go");
}

/* What drain() saw: the signatures, and how many chunks. */
struct drained {
	struct strbuf *sig;
	int chunks;
};

static void lines_chunk(void *arg, const struct xpf_chunk *c)
{
	struct drained *d = arg;

	for (size_t i = 0; i < c->n; i++)
		line_sig(d->sig, &c->lines.v[i]);
	d->chunks++;
}

static void filing_chunk(void *arg, const struct xpf_chunk *c)
{
	struct drained *d = arg;

	for (size_t i = 0; i < c->n; i++)
		filing_sig(d->sig, &c->filing[i]);
	d->chunks++;
}

/* The chunks of one sheet until its end into sig; how many, -1 if it ended on a failure. */
static int drain(struct xpf *pf, enum xpf_sheet sheet, struct strbuf *sig)
{
	struct drained d = { sig, 0 };

	if (xpf_each(pf, sheet, sheet == XPF_LINES ? lines_chunk : filing_chunk, &d))
		return -1;
	return d.chunks;
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
		struct xpf *pf = xpf_start(&store_test_cfg, county, year, 0, 1, &got);
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

/*
 * What must end never waits for ever: a test that hangs is failed after
 * DEADLINE seconds (the readers' own timeouts are a few seconds here).
 */
#define DEADLINE 30
static const char *waiting_for = "";

static void deadline(int sig)
{
	(void)sig;
	printf("not ok - still waiting after %d s: %s\n", DEADLINE, waiting_for);
	fflush(stdout);
	_exit(1);
}

static void expect_within(const char *what)
{
	waiting_for = what;
	alarm(DEADLINE);
}

/* How many of this process's threads run at nice `want` (/proc/self/task/TID/stat, field 19). */
static int threads_at_nice(int want)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], buf[1024], *p;
		FILE *f;
		int field = 3, nice;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (!p)
			continue;
		for (p += 2; *p && field < 19; p++)   /* after ") ": field 3, the state */
			if (*p == ' ')
				field++;
		if (sscanf(p, "%d", &nice) == 1 && nice == want)
			n++;
	}
	closedir(d);
	return n;
}

/* Told to stop while it waits for room, or before it has read anything: it stops. */
static void test_stop(void)
{
	struct inventory inv;
	struct xpf *pf = xpf_start(&store_test_cfg, county, year, 0, 1, &inv);
	struct xpf_chunk *c = xpf_next(pf, XPF_LINES);
	long long t0;

	ok(c->n > 0 && !c->failed, "a first chunk");
	{
		int base = getpriority(PRIO_PROCESS, 0), nicer = base + XPF_READER_NICE > 19 ? 19 : base + XPF_READER_NICE;

		int n = 0;

		/* Both threads are started; the second may not have run its first line yet: 2 s at most. */
		for (int i = 0; i < 200 && (n = threads_at_nice(nicer)) < 2; i++)
			poll(NULL, 0, 10);
		is_int(n, 2, "both readers run %d nicer than the job's thread (at %d)", XPF_READER_NICE, nicer);
		is_int(getpriority(PRIO_PROCESS, 0), base, "the job's thread keeps its own");
	}
	xpf_recycle(pf, XPF_LINES, c);
	/* One agency a chunk and 40 agencies: the lines' reader soon waits for room, the other for the filing's. */
	expect_within("xpf_stop() with the readers waiting for room");
	t0 = now_ms();
	xpf_stop(pf);
	alarm(0);
	ok(now_ms() - t0 < 1000LL * store_test_cfg.worker_db_timeout, "stopped with the readers ahead (%lld ms)", now_ms() - t0);
	expect_within("xpf_stop() at once");
	xpf_stop(xpf_start(&store_test_cfg, county, year, 0, 1, &inv));
	alarm(0);
	ok(1, "stopped at once, within %d s", DEADLINE);
}

/* Both sheets end with a failure, and so does the summary, within the deadline. */
static void expect_failures(const struct config *cfg, const char *what)
{
	struct inventory inv;
	struct strbuf sig = STRBUF_INIT;
	struct xpf *pf = xpf_start(cfg, county, year, 0, 1, &inv);
	long long t0 = now_ms();

	expect_within(what);
	ok(drain(pf, XPF_LINES, &sig) == -1 && drain(pf, XPF_FILING, &sig) == -1 && sig.len == 0, "%s: both sheets end failed", what);
	ok(xpf_summary(pf) != 0, "%s: the summary fails", what);
	xpf_stop(pf);
	alarm(0);
	printf("# %s: ended in %lld ms\n", what, now_ms() - t0);
}

/*
 * A relay between the readers and the test stack's MariaDB that stops
 * passing anything on when told: the server frozen in the middle of the
 * export (SIGSTOP), without freezing the server the other suites share.
 */
#define RELAY_MAX 8
static struct {
	int listen_fd, frozen, stop;
	int fd[RELAY_MAX][2];      /* client, server; -1 when free */
	pthread_mutex_t mu;
} relay = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void *relay_main(void *arg)
{
	const char *server = arg;

	for (int rounds = 0; rounds < 100000; rounds++) {   /* ~100 s at most */
		struct pollfd p[1 + 2 * RELAY_MAX];
		int n = 0, frozen, stop;

		pthread_mutex_lock(&relay.mu);
		frozen = relay.frozen;
		stop = relay.stop;
		pthread_mutex_unlock(&relay.mu);
		if (stop)
			break;
		p[n++] = (struct pollfd){ .fd = relay.listen_fd, .events = POLLIN };
		for (int i = 0; i < RELAY_MAX; i++)
			for (int k = 0; k < 2; k++)
				p[n++] = (struct pollfd){ .fd = frozen ? -1 : relay.fd[i][k], .events = POLLIN };
		if (poll(p, (nfds_t)n, 1) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			int c = accept(relay.listen_fd, NULL, NULL);

			for (int i = 0; c >= 0 && i < RELAY_MAX; i++)
				if (relay.fd[i][0] < 0) {
					relay.fd[i][0] = c;
					relay.fd[i][1] = connect_unix(server);
					c = -1;
				}
			if (c >= 0)
				close(c);
		}
		for (int i = 0; i < RELAY_MAX; i++)
			for (int k = 0; k < 2; k++) {
				char buf[16384];
				ssize_t r;

				if (!(p[1 + 2 * i + k].revents & (POLLIN | POLLHUP)))
					continue;
				r = read(relay.fd[i][k], buf, sizeof(buf));
				if (r <= 0 || write(relay.fd[i][!k], buf, (size_t)r) != r) {
					close(relay.fd[i][0]);
					close(relay.fd[i][1]);
					relay.fd[i][0] = relay.fd[i][1] = -1;
					break;
				}
			}
	}
	for (int i = 0; i < RELAY_MAX; i++)
		for (int k = 0; k < 2; k++)
			if (relay.fd[i][k] >= 0)
				close(relay.fd[i][k]);
	return NULL;
}

static int listen_unix(const char *name, char *path, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *tmp = getenv("CITYINV_TEST_TMP");
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(path, size, "%s/prefetch-%s-%d.sock", tmp ? tmp : "/tmp", name, (int)getpid());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd >= 0 && (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * A server that is not there; one that takes the connection and never
 * answers; and the stack's server frozen half-way through the sheets.
 */
static void test_unreachable(void)
{
	struct config cfg = store_test_cfg;
	struct inventory inv;
	struct strbuf sig = STRBUF_INIT;
	char mute[256], relayed[256];
	struct xpf *pf;
	pthread_t t;
	int fd, nl, nf;
	long long t0;

	cfg.db_host[0] = '\0';
	cfg.db_connect_timeout = 1;
	cfg.worker_db_timeout = 2;
	snprintf(cfg.db_socket, sizeof(cfg.db_socket), "%s", "/nonexistent/mysql.sock");
	expect_failures(&cfg, "no server");

	fd = listen_unix("mute", mute, sizeof(mute));
	if (!ok(fd >= 0, "(a socket that never answers)"))
		return;
	snprintf(cfg.db_socket, sizeof(cfg.db_socket), "%s", mute);
	expect_failures(&cfg, "a server that never answers");
	close(fd);
	unlink(mute);

	for (int i = 0; i < RELAY_MAX; i++)
		relay.fd[i][0] = relay.fd[i][1] = -1;
	relay.listen_fd = listen_unix("relay", relayed, sizeof(relayed));
	if (!ok(relay.listen_fd >= 0 && !pthread_create(&t, NULL, relay_main, store_test_cfg.db_socket), "(a relay to the server)"))
		return;
	snprintf(cfg.db_socket, sizeof(cfg.db_socket), "%s", relayed);
	pf = xpf_start(&cfg, county, year, 0, 1, &inv);
	expect_within("the server frozen half-way");
	t0 = now_ms();
	ok(xpf_summary(pf) == 0, "through the relay: the summary read");
	pthread_mutex_lock(&relay.mu);
	relay.frozen = 1;   /* the readers are ahead, and more is to come: 40 agencies, one a chunk */
	pthread_mutex_unlock(&relay.mu);
	nl = drain(pf, XPF_LINES, &sig);
	nf = drain(pf, XPF_FILING, &sig);
	xpf_stop(pf);
	alarm(0);
	ok(nl == -1 && nf == -1 && sig.len > 0, "frozen half-way: both sheets end failed after the rows read before");
	printf("# frozen half-way: ended in %lld ms\n", now_ms() - t0);
	pthread_mutex_lock(&relay.mu);
	relay.stop = 1;
	pthread_mutex_unlock(&relay.mu);
	pthread_join(t, NULL);
	close(relay.listen_fd);
	unlink(relayed);
	strbuf_release(&sig);
}

int main(void)
{
	struct db db;

	store_test_open(&db);
	signal(SIGALRM, deadline);
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

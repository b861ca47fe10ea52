/* main.c: cityinv-web: the FastCGI processes (a supervisor and its children), or one CGI request. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "request.h"
#include "util.h"

/*
 * DESIGN: `cityinv-web -c FILE` opens the FastCGI socket of the settings and
 * forks web_processes children that each accept requests on it, one at a
 * time, for as long as they live (persistent processes: connections and
 * prepared statements are reused across requests).  The parent only
 * supervises: a child that dies (a crash, a SIGKILL) is replaced at once;
 * SIGTERM or SIGINT stops the children, which finish the request in hand.
 * One more child serves /healthz alone, on health_socket (nginx sends it
 * there): whatever the other children wait on, the health check is never
 * queued behind them.
 * Started with fd 0 already a FastCGI socket (spawn-fcgi), it serves as a
 * single process; started with GATEWAY_INTERFACE set, it serves one request
 * as a plain CGI (used by tests).
 */

#define WEB_MMAP_THRESHOLD (256 << 10)   /* blocks from this size up are mmapped */
#define WEB_TRIM_THRESHOLD (1 << 20)     /* free memory above this at the heap's top is returned */

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;   /* no SA_RESTART: accept() and waitpid() return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* FastCGI I/O. */
static const char *fcgi_param(struct request *req, const char *name)
{
	FCGX_Request *r = req->io_data;

	return FCGX_GetParam(name, r->envp);
}

static size_t fcgi_read(struct request *req, char *buf, size_t len)
{
	FCGX_Request *r = req->io_data;
	int n = FCGX_GetStr(buf, len > (1 << 30) ? 1 << 30 : (int)len, r->in);

	return n > 0 ? (size_t)n : 0;
}

static void fcgi_write(struct request *req, const char *buf, size_t len)
{
	FCGX_Request *r = req->io_data;

	while (len) {
		int chunk = len > (1 << 30) ? 1 << 30 : (int)len;
		if (FCGX_PutStr(buf, chunk, r->out) < 0)
			return;
		buf += chunk;
		len -= (size_t)chunk;
	}
}

static const struct request_io fcgi_io = { fcgi_param, fcgi_read, fcgi_write };

/* CGI I/O. */
static const char *cgi_param(struct request *req, const char *name)
{
	(void)req;
	return getenv(name);
}

static size_t cgi_read(struct request *req, char *buf, size_t len)
{
	(void)req;
	return fread(buf, 1, len, stdin);
}

static void cgi_write(struct request *req, const char *buf, size_t len)
{
	(void)req;
	fwrite(buf, 1, len, stdout);
}

static const struct request_io cgi_io = { cgi_param, cgi_read, cgi_write };

static void request_init(struct request *req, struct app *app)
{
	memset(req, 0, sizeof(*req));
	req->app = app;
	arena_init(&req->arena, 32768);
	strbuf_init(&req->headers, 512);
	strbuf_init(&req->body, 32768);
}

/*
 * Gets the request ready for the next one: every field back to what
 * request_init() left (a field added to struct request is cleared too),
 * only the app and the arena's and buffers' memory kept.  Nothing of one
 * request (its files, form, session, error) may be seen by the next.
 */
static void request_clear(struct request *req)
{
	struct app *app = req->app;
	struct arena arena;
	struct strbuf headers, body;

	arena_reset(&req->arena);
	strbuf_reset(&req->headers);
	strbuf_reset(&req->body);
	/* A huge page once should not pin its memory for the process's life. */
	if (req->body.alloc > (4 << 20)) {
		strbuf_release(&req->body);
		strbuf_init(&req->body, 32768);
	}
	arena = req->arena;
	headers = req->headers;
	body = req->body;
	memset(req, 0, sizeof(*req));
	req->app = app;
	req->arena = arena;
	req->headers = headers;
	req->body = body;
}

static void request_free(struct request *req)
{
	arena_release(&req->arena);
	strbuf_release(&req->headers);
	strbuf_release(&req->body);
}

static void app_init(struct app *app, const struct config *cfg)
{
	memset(app, 0, sizeof(*app));
	app->cfg = cfg;
	db_init(&app->db, cfg);
	/* A lock wait ends as an error the server reports (db_err_contention) before the read timeout drops the link. */
	app->db.lock_wait = cfg->db_timeout > 1 ? cfg->db_timeout - 1 : 1;
	/*
	 * A process stopped inside a transaction (SIGSTOP, a stalled host) would
	 * keep its row locks for as long as its connection lives, eight hours by
	 * the server's default: every save of that report, and factor day's
	 * batch over it, refused meanwhile.  The server rolls it back once it has
	 * been idle ten statement timeouts; a request's statements follow one
	 * another within milliseconds.
	 */
	app->db.idle_tx = 10 * cfg->db_timeout;
	db_init(&app->health, cfg);
	app->health.timeout = 1;
	queue_init(&app->queue, cfg);
	queue_init(&app->health_queue, cfg);
	if (app->health_queue.timeout_ms > 100)
		app->health_queue.timeout_ms = 100;
}

static void app_free(struct app *app)
{
	db_release(&app->db);
	db_release(&app->health);
	queue_close(&app->queue);
	queue_close(&app->health_queue);
}

static int serve_cgi(const struct config *cfg)
{
	struct app app;
	struct request req;

	app_init(&app, cfg);
	request_init(&req, &app);
	req.io = &cgi_io;
	request_handle(&req);
	fflush(stdout);
	request_free(&req);
	app_free(&app);
	return 0;
}

/* One FastCGI process: accept and handle until told to stop. */
static int serve_fcgi(const struct config *cfg, int sock, int health_only)
{
	FCGX_Request fr;
	struct app app;
	struct request req;

	install_signals();
	/*
	 * A request's big blocks (an upload's body, a long page, argon2's 19 MB)
	 * come from mmap and go back to the kernel when freed.  Left to itself,
	 * glibc raises its mmap threshold after the first such free and keeps
	 * later ones in the heap, so a process's resident memory grew with its
	 * history (measured: 48 MB after a 3 MB import, its preview and a
	 * login; see tests/http/import_hostile.test.mjs for the bound).
	 */
	mallopt(M_MMAP_THRESHOLD, WEB_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, WEB_TRIM_THRESHOLD);
	if (FCGX_Init())
		die("FCGX_Init failed");
	if (FCGX_InitRequest(&fr, sock, FCGI_FAIL_ACCEPT_ON_INTR))
		die("FCGX_InitRequest failed");
	app_init(&app, cfg);
	app.health_only = health_only;
	request_init(&req, &app);
	while (!stopping) {
		if (FCGX_Accept_r(&fr) < 0) {
			if (stopping)
				break;
			if (errno == EINTR)
				continue;
			error("accept failed: %s", strerror(errno));
			break;
		}
		req.io = &fcgi_io;
		req.io_data = &fr;
		request_handle(&req);
		FCGX_Finish_r(&fr);
		request_clear(&req);
	}
	request_free(&req);
	app_free(&app);
	return 0;
}

static pid_t spawn(const struct config *cfg, int sock, int health_only)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0) {
		error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* If the supervisor dies (even by SIGKILL) its children follow. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			exit(0);
		log_init(health_only ? "web-health" : "web");
		if (health_only)
			prctl(PR_SET_NAME, "cityinv-health");   /* tells it apart in ps */
		exit(serve_fcgi(cfg, sock, health_only));
	}
	return pid;
}

/* A FastCGI socket for path (a unix path, or host:port), for its owner and group. */
static int open_socket(const struct config *cfg, const char *path)
{
	mode_t old;
	int sock;

	if (path[0] == '/')
		unlink(path);
	/* The socket is for its owner and group (nginx runs as one of them). */
	old = umask(0117);
	sock = FCGX_OpenSocket(path, cfg->web_backlog);
	umask(old);
	if (sock < 0)
		die("cannot open FastCGI socket %s: %s", path, strerror(errno));
	return sock;
}

/* SIGTERM to the children kids[0..count), then 10 s for them to finish their request before SIGKILL. */
static void stop_children(pid_t *kids, int count)
{
	long long deadline = now_ms() + 10000;

	for (int i = 0; i < count; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	for (;;) {
		int left = 0;

		for (int i = 0; i < count; i++) {
			if (kids[i] <= 0)
				continue;
			if (waitpid(kids[i], NULL, WNOHANG) == kids[i])
				kids[i] = 0;
			else
				left++;
		}
		if (!left)
			break;
		if (now_ms() > deadline) {
			for (int i = 0; i < count; i++)
				if (kids[i] > 0) {
					kill(kids[i], SIGKILL);
					waitpid(kids[i], NULL, 0);
				}
			break;
		}
		usleep(20000);
	}
}

static int supervise(const struct config *cfg)
{
	/* Children 0..n-1 serve the site; child n serves /healthz. */
	int n = cfg->web_processes, sock, hsock, live = 0;
	pid_t *kids = xcalloc((size_t)n + 1, sizeof(pid_t));
	long long window = now_ms();
	int deaths = 0;

	hsock = open_socket(cfg, cfg->health_socket);
	sock = open_socket(cfg, cfg->web_socket);
	install_signals();
	for (int i = 0; i <= n; i++)
		if ((kids[i] = spawn(cfg, i < n ? sock : hsock, i == n)) > 0)
			live++;
	log_info("listening on %s with %d processes, and on %s for /healthz", cfg->web_socket, live - 1,
		 cfg->health_socket);

	while (!stopping) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				sleep(1);
			continue;
		}
		for (int i = 0; i <= n; i++) {
			if (kids[i] != pid)
				continue;
			kids[i] = 0;
			if (stopping)
				break;
			if (WIFSIGNALED(status))
				log_warn("process %d killed by signal %d; starting another", (int)pid, WTERMSIG(status));
			else
				log_warn("process %d exited with %d; starting another", (int)pid, WEXITSTATUS(status));
			/* Crashing in a loop: slow down rather than fork-bomb. */
			if (now_ms() - window > 10000) {
				window = now_ms();
				deaths = 0;
			}
			if (++deaths > 10)
				sleep(1);
			kids[i] = spawn(cfg, i < n ? sock : hsock, i == n);
		}
	}

	log_info("stopping");
	stop_children(kids, n + 1);
	if (cfg->web_socket[0] == '/')
		unlink(cfg->web_socket);
	if (cfg->health_socket[0] == '/')
		unlink(cfg->health_socket);
	free(kids);
	return 0;
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: cityinv-web [-c FILE]\n"
		"  FILE defaults to $CITYINV_CONFIG, then /etc/cityinv/cityinv.conf\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct config cfg;
	const char *path = getenv("CITYINV_CONFIG");
	char err[512];
	int opt;

	log_init("web");
	while ((opt = getopt(argc, argv, "c:h")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (!path)
		path = "/etc/cityinv/cityinv.conf";
	if (config_load(&cfg, path, err, sizeof(err)))
		die("%s", err);

	if (getenv("GATEWAY_INTERFACE"))
		return serve_cgi(&cfg);
	if (!FCGX_IsCGI())
		return serve_fcgi(&cfg, 0, 0);   /* fd 0 is a FastCGI socket */
	return supervise(&cfg);
}

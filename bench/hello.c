/* hello.c: a bare libfcgi "hello" responder (4 processes on one unix socket, like the web
 * app), the baseline for the review page's throughput through the same nginx.
 * usage: hello SOCKET [MARIADB_SOCKET BYTES]
 * With the last two, each request first runs one prepared "SELECT 1" on MariaDB (user cityinv,
 * password $CITYINV_DB_PASSWORD, one connection per process) and answers BYTES bytes: the least
 * a page costs that asks MariaDB once per request, as a logged-in page must to keep logout and
 * deactivation immediate (issue 14: what bounds review / hello).
 * The first process only forks the four and waits: SIGTERM to it stops them by their PIDs and
 * reaps them, so `kill PID` leaves nothing behind (and a child whose parent died stops too). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

#define WORKERS 4

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* One "SELECT 1" round trip on st (prepared): 0, or -1 when MariaDB did not answer it. */
static int one_query(MYSQL_STMT *st)
{
	int v = 0, rc;
	MYSQL_BIND out = { .buffer_type = MYSQL_TYPE_LONG, .buffer = &v };

	if (mysql_stmt_execute(st) || mysql_stmt_bind_result(st, &out))
		return -1;
	rc = mysql_stmt_fetch(st);
	mysql_stmt_free_result(st);
	return rc == 0 && v == 1 ? 0 : -1;
}

static void serve(int sock, const char *db_sock, size_t bytes)
{
	FCGX_Request r;
	MYSQL_STMT *st = NULL;
	char *body = NULL;

	if (db_sock) {
		MYSQL *m = mysql_init(NULL);
		const char *pw = getenv("CITYINV_DB_PASSWORD");

		if (!m || !mysql_real_connect(m, NULL, "cityinv", pw ? pw : "", "cityinv", 0, db_sock, 0) ||
		    !(st = mysql_stmt_init(m)) || mysql_stmt_prepare(st, "SELECT 1", 8)) {
			fprintf(stderr, "hello: MariaDB: %s\n", m ? mysql_error(m) : "out of memory");
			_exit(1);
		}
		if (!(body = malloc(bytes + 1)))
			_exit(1);
		for (size_t i = 0; i < bytes; i++)
			body[i] = (char)('a' + i % 26);
	}
	FCGX_Init();
	FCGX_InitRequest(&r, sock, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		if (!st) {
			FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n", r.out);
		} else if (one_query(st)) {
			FCGX_PutS("Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n", r.out);
		} else {
			FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n", r.out);
			FCGX_PutStr(body, (int)bytes, r.out);
		}
		FCGX_Finish_r(&r);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pid_t kids[WORKERS];
	int sock, n = 0;

	const char *db_sock = argc == 4 ? argv[2] : NULL;
	long bytes = argc == 4 ? atol(argv[3]) : 0;

	if ((argc != 2 && argc != 4) || bytes < 0 || bytes > (1L << 24)) {
		fprintf(stderr, "usage: hello SOCKET [MARIADB_SOCKET BYTES]\n");
		return 2;
	}
	unlink(argv[1]);
	umask(0117);
	sock = FCGX_OpenSocket(argv[1], 256);
	if (sock < 0)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (int i = 0; i < WORKERS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() == 1)
				_exit(0);   /* the parent died before the line above */
			serve(sock, db_sock, (size_t)bytes);
		}
		if (pid > 0)
			kids[n++] = pid;
	}
	while (!stop && n > 0) {
		pid_t pid = wait(NULL);

		if (pid > 0)
			for (int i = 0; i < n; i++)
				if (kids[i] == pid)
					kids[i] = kids[--n];
	}
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGTERM);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	unlink(argv[1]);
	return 0;
}

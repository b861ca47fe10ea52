/* hello.c: a bare libfcgi "hello" responder (4 processes on one unix socket, like the web
 * app), the baseline for the review page's throughput through the same nginx.
 * usage: hello SOCKET
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

#define WORKERS 4

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void serve(int sock)
{
	FCGX_Request r;

	FCGX_Init();
	FCGX_InitRequest(&r, sock, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n", r.out);
		FCGX_Finish_r(&r);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pid_t kids[WORKERS];
	int sock, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: hello SOCKET\n");
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
			serve(sock);
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

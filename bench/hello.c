/* hello.c: a bare libfcgi "hello" responder (4 processes on one unix socket, like the web
 * app), the baseline for the review page's throughput through the same nginx.
 * usage: hello SOCKET */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

int main(int argc, char **argv)
{
	FCGX_Request r;
	int sock;

	if (argc != 2) {
		fprintf(stderr, "usage: hello SOCKET\n");
		return 2;
	}
	unlink(argv[1]);
	umask(0117);
	sock = FCGX_OpenSocket(argv[1], 256);
	if (sock < 0)
		return 1;
	for (int i = 0; i < 3; i++)
		if (fork() == 0)
			break;
	FCGX_Init();
	FCGX_InitRequest(&r, sock, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n", r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}

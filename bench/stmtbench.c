/*
 * stmtbench.c: what one prepared statement costs MariaDB.
 *
 *	cc -O2 -o stmtbench bench/stmtbench.c $(mariadb_config --cflags --libs)
 *	MPID=$(cat var/run/mariadbd.pid) ./stmtbench var/run/mysql.sock PASSWORD 20000 \
 *		'SELECT ... WHERE token_hash = UNHEX(SHA2(?, 256))' TOKEN
 *
 * Prepares the statement once on its own connection (user and database
 * cityinv), binds the arguments after it as strings, executes it N times
 * and prints the server's CPU per execution (user and system time of the
 * mariadbd process MPID, from /proc, so run it with nothing else asking)
 * and the wall time per execution.  Used for the session statement's
 * figures in bench/README.md (2026-12-05, stop 32); SELECT 1 is the floor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#define MAXARGS 32

/* The process's user plus system time in microseconds, or -1. */
static long long
proc_cpu_us(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	size_t n;
	FILE *f;
	int i;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15 (utime, stime); the name in field 2 may hold spaces. */
	if (!(p = strrchr(buf, ')')))
		return -1;
	for (i = 2; i < 14 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)((ut + st) * 1000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
}

static double
elapsed_us(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1e6 + (b->tv_nsec - a->tv_nsec) / 1e3;
}

int
main(int argc, char **argv)
{
	MYSQL_BIND bind[MAXARGS];
	unsigned long len[MAXARGS];
	struct timespec t0, t1;
	long long c0, c1, rows = 0;
	const char *mpid;
	MYSQL_STMT *st;
	MYSQL *m;
	long n, pid, i;
	int nargs;

	if (argc < 5 || argc - 5 > MAXARGS || !(mpid = getenv("MPID"))) {
		fprintf(stderr, "usage: MPID=pid %s SOCKET PASSWORD N SQL [ARG...]\n", argv[0]);
		return 2;
	}
	n = strtol(argv[3], NULL, 10);
	pid = strtol(mpid, NULL, 10);
	nargs = argc - 5;
	if (n < 1 || n > 10000000 || pid < 1) {
		fprintf(stderr, "%s: N must be 1 to 10000000, MPID a process id\n", argv[0]);
		return 2;
	}

	m = mysql_init(NULL);
	if (!mysql_real_connect(m, NULL, "cityinv", argv[2], "cityinv", 0, argv[1], 0)) {
		fprintf(stderr, "%s: %s\n", argv[0], mysql_error(m));
		return 1;
	}
	st = mysql_stmt_init(m);
	if (mysql_stmt_prepare(st, argv[4], strlen(argv[4]))) {
		fprintf(stderr, "%s: %s\n", argv[0], mysql_stmt_error(st));
		return 1;
	}
	memset(bind, 0, sizeof bind);
	for (i = 0; i < nargs; i++) {
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = argv[5 + i];
		len[i] = strlen(argv[5 + i]);
		bind[i].length = &len[i];
	}
	if (nargs && mysql_stmt_bind_param(st, bind)) {
		fprintf(stderr, "%s: %s\n", argv[0], mysql_stmt_error(st));
		return 1;
	}

	c0 = proc_cpu_us(pid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (mysql_stmt_execute(st) || mysql_stmt_store_result(st)) {
			fprintf(stderr, "%s: %s\n", argv[0], mysql_stmt_error(st));
			return 1;
		}
		rows += (long long)mysql_stmt_num_rows(st);
		mysql_stmt_free_result(st);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c1 = proc_cpu_us(pid);
	if (c0 < 0 || c1 < 0) {
		fprintf(stderr, "%s: cannot read /proc/%ld/stat\n", argv[0], pid);
		return 1;
	}

	printf("%.1f us server CPU, %.1f us wall a statement, %.2f rows (%ld executions)\n",
	    (double)(c1 - c0) / n, elapsed_us(&t0, &t1) / n, (double)rows / n, n);
	mysql_stmt_close(st);
	mysql_close(m);
	return 0;
}

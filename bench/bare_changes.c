/*
 * bare_changes.c: a save's change without the web (bench/README.md, stop 37): n times, gap ms apart, an
 * UPDATE of one report, its outbox row and COMMIT, then the rollup job pushed to Redis, as
 * web/report_save.c does; the worker's log then says how long each change waited.
 *
 *	cc -O2 -o bare_changes bench/bare_changes.c $(mariadb_config --cflags --libs) -lhiredis
 *	./bare_changes var/run/mysql.sock PASSWORD var/run/redis.sock 1000 30 AGENCY_ID
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mysql.h>
#include <hiredis/hiredis.h>

static MYSQL_STMT *prepare(MYSQL *m, const char *sql, long long *agency)
{
	MYSQL_STMT *st = mysql_stmt_init(m);
	MYSQL_BIND b;

	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_LONGLONG;
	b.buffer = agency;
	if (!st || mysql_stmt_prepare(st, sql, strlen(sql)) || mysql_stmt_bind_param(st, &b)) {
		fprintf(stderr, "%s\n", st ? mysql_stmt_error(st) : "out of memory");
		exit(1);
	}
	return st;
}

int main(int argc, char **argv)
{
	MYSQL *m = mysql_init(NULL);
	MYSQL_STMT *up, *ins;
	redisContext *r;
	long long agency;
	int n, gap;

	if (argc != 7) {
		fprintf(stderr, "usage: bare_changes MYSQL_SOCKET PASSWORD REDIS_SOCKET N GAP_MS AGENCY_ID\n");
		return 2;
	}
	n = atoi(argv[4]);
	gap = atoi(argv[5]);
	agency = atoll(argv[6]);
	if (!mysql_real_connect(m, NULL, "cityinv", argv[2], "cityinv", 0, argv[1], 0)) {
		fprintf(stderr, "%s\n", mysql_error(m));
		return 1;
	}
	r = redisConnectUnix(argv[3]);
	if (!r || r->err) {
		fprintf(stderr, "redis: %s\n", r ? r->errstr : "out of memory");
		return 1;
	}
	up = prepare(m, "UPDATE reports SET own_total_milli = own_total_milli + 1, revision = revision + 1 WHERE agency_id = ? AND year = 2020", &agency);
	ins = prepare(m, "INSERT INTO outbox (county_id, year, agency_id, created_at) VALUES (22, 2020, ?, NOW(3))", &agency);
	for (int i = 0; i < n && n <= 100000; i++) {
		redisReply *x;

		usleep((useconds_t)gap * 1000);
		if (mysql_query(m, "START TRANSACTION") || mysql_stmt_execute(up) || mysql_stmt_execute(ins) || mysql_query(m, "COMMIT")) {
			fprintf(stderr, "%s%s%s\n", mysql_error(m), mysql_stmt_error(up), mysql_stmt_error(ins));
			return 1;
		}
		x = redisCommand(r, "LPUSH cityinv:jobs %s", "rollup 22 2020");
		if (x)
			freeReplyObject(x);
	}
	mysql_stmt_close(up);
	mysql_stmt_close(ins);
	redisFree(r);
	mysql_close(m);
	return 0;
}

/* store_test.h: what the store tests share: a link to the test stack's MariaDB (header only). */
#ifndef CITYINV_STORE_TEST_H
#define CITYINV_STORE_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "db.h"
#include "tap.h"
#include "util.h"

/*
 * The stores are tested against the private stack's database (tests/run.sh
 * starts it; CITYINV_VAR names its data).  Each test works inside a
 * transaction it rolls back, or on rows it creates under names no other
 * test uses, so the suites that follow find the demo data as it was.
 */
static struct config store_test_cfg;

static void store_test_open(struct db *db)
{
	const char *var = getenv("CITYINV_VAR");
	char path[4096], err[256];

	if (!var) {
		printf("Bail out! CITYINV_VAR is not set: run through tests/run.sh\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/cityinv.conf", var);
	if (config_load(&store_test_cfg, path, err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	if (db_init(db, &store_test_cfg) || db_connect(db)) {
		printf("Bail out! database: %s\n", db->errstr);
		exit(1);
	}
}

/* Runs one statement of the test's own (setting up rows, reading what a store wrote). */
__attribute__((unused)) static long long store_test_int(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = -1;

	if (st && !db_exec(st) && db_step(st) == 1)
		v = db_col_int(st, 0);
	if (st)
		db_reset(st);
	return v;
}

/*
 * One statement of the test's own with n integer parameters (long long):
 * its first column, or with no result the insert id (0 when none); -1 on
 * error.  The store tests' way to plant rows and read what a store wrote.
 */
__attribute__((unused)) static long long store_test_q(struct db *db, const char *sql, int n, ...)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v;
	va_list ap;

	if (!st)
		return -1;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		db_bind_int(st, i, va_arg(ap, long long));
	va_end(ap);
	if (db_exec(st))
		return -1;
	v = db_step(st) == 1 ? db_col_int(st, 0) : (long long)db_insert_id(st);
	db_reset(st);
	return v;
}

#endif

/* store_schema.h: the record of applied migrations (schema_migrations) and the lock that serialises them. */
#ifndef CITYINV_STORE_SCHEMA_H
#define CITYINV_STORE_SCHEMA_H

#include "db.h"

/*
 * Return conventions: 0 / -1 (database error, db->errstr set); a question
 * 1 yes / 0 no / -1.  The migrations' own scripts run through
 * db_run_script() (files shipped with the program, no SQL of ours).
 */

/* Creates schema_migrations when it is missing (DDL: commits whatever is open).  0 or -1. */
int store_schema_init(struct db *db);
/* Has migration `version` been applied?  1, 0, -1. */
int store_schema_applied(struct db *db, int version);
/* Records migration `version` (its file name) as applied: 0 or -1. */
int store_schema_record(struct db *db, int version, const char *name);

/*
 * Takes the named migration lock of the server (GET_LOCK, waiting up to
 * 60 s), so two hosts starting together do not migrate at once: 1 taken,
 * 0 another connection holds it still, -1.
 */
int store_schema_lock(struct db *db);
/* Releases it: 0 or -1. */
int store_schema_unlock(struct db *db);

#endif

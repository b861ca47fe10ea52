/* store_rollup.h: the precomputed totals (rollups, county_rollups), the agency closure
 * (agency_tree) they are summed over, the outbox that asks for them, and worker_pings. */
#ifndef CITYINV_STORE_ROLLUP_H
#define CITYINV_STORE_ROLLUP_H

#include "db.h"

/*
 * Unless said otherwise a function returns 0, or -1 on a database error
 * (db->errstr set).  None of them begins or ends a transaction: the
 * worker's recompute of a county-year (worker/rollup.c) is one transaction
 * that spans many of them, in READ COMMITTED (store_rollup_read_committed).
 * After a failure a statement may be gone with its connection, so a failed
 * call leaves nothing to reset.
 */

/*
 * Whether the county-year has outbox rows pending (*any 1) or not (0), read
 * without a lock, outside any transaction: what was committed when it ran.
 */
int store_rollup_any_pending(struct db *db, int county, int year, int *any);
/* The same, read locking when `locking` (the committed rows, their locks held to the end: 年度鎖定). */
int store_rollup_pending_in(struct db *db, int county, int year, int locking, int *any);
/* The county-year's row in county_rollups, created (all zero) when missing. */
int store_rollup_county_row(struct db *db, int county, int year);
/* The isolation level of the next transactions of this session: READ COMMITTED. */
int store_rollup_read_committed(struct db *db);
/* Locks the county-year's county_rollups row until the transaction ends (two workers take turns). */
int store_rollup_lock(struct db *db, int county, int year);

/*
 * Claims the county-year's pending outbox rows under `claim` (waiting for a
 * save still committing its row); *n is how many (0: nothing pending).
 * This and store_rollup_done lock only the claim's rows, each reading
 * through the index it names: left to choose, MariaDB read a claim's rows
 * through every pending one, another worker's claim among them, and two
 * workers deadlocked (migrations/0042_outbox_claim_apart.sql).
 */
int store_rollup_claim(struct db *db, int county, int year, const char *claim, long long *n);
/* The county's row from its 一級 agencies' stored rollups (rollup_changes has the same statement). */
int store_rollup_county_from_roots(struct db *db, int county, int year);
/* Every agency's rollup of the county-year from the reports, from scratch (one statement); only rows that differ are written. */
int store_rollup_agencies_all(struct db *db, int county, int year);
/* The same for every year of the county that `claim` holds outbox rows of, in one statement. */
int store_rollup_agencies_claimed_years(struct db *db, int county, const char *claim);
/* Marks the rows `claim` holds done; *n is how many. */
int store_rollup_done(struct db *db, const char *claim, long long *n);
/* How long, in ms, the oldest row `claim` holds has waited (-1 when it holds none). */
int store_rollup_oldest_wait(struct db *db, const char *claim, long long *ms);

/*
 * One year's claim and, when the claim can take it, its incremental move: the
 * procedure rollup_changes (migrations/0040_rollup_changes.sql, which says
 * what it does), in a transaction of its own (own_tx 1: the worker) or inside
 * the caller's (0).  0, or -1 on an error (a lock wait or a deadlock among
 * them; with own_tx, rolled back); what it did is in *out.
 */
struct store_rollup_changes {
	int status;          /* 1 done, 0 nothing pending, 2 the full recompute needed, 3 the move refused (error says why) */
	long long rows;      /* 1: the changes marked done; 2, 3 without own_tx: the changes claimed */
	long long waited;    /* 1: ms the oldest of them waited */
	char error[512];
};
int store_rollup_changes(struct db *db, int county, int year, const char *claim, int own_tx, struct store_rollup_changes *out);

/* A county-year with work pending. */
struct store_rollup_pending {
	int county, year;
	int county_wide;            /* a county-wide row is among them: the full recompute */
};
/*
 * The county-years with outbox rows pending for at least min_age_ms (1,000:
 * a job on its way through Redis goes first; 0: rows no job is on its way
 * for, the startup check's), at most 200 and at most max, into
 * out[0..*n), by county and year.  Deferred: a county-year whose rows are
 * all full recomputes while a factor change's run (its lease alive) walks
 * it: factor day queues one with each batch it commits (the record, in the
 * batch's transaction), and recomputing the county-year after every batch
 * only competed with the run (issue 15's bench: 91 recomputes, 42 s of
 * the rollup worker's time during a 57 s run); the run's end, or its lease
 * running out when it dies, lets them through: one recompute each.  A
 * save's row is never deferred (and its recompute takes the rest too).
 */
int store_rollup_pending(struct db *db, struct store_rollup_pending *out, int max, int min_age_ms, int *n);
/*
 * 1 when a county-wide row (a full recompute) is pending that the rollup
 * worker can take (one a factor change's run defers is not), 0, -1.
 */
int store_rollup_bulk_pending(struct db *db);
/*
 * Queues a county-wide outbox row for every county-year (of inventory_years)
 * where an agency has no rollup and none is pending; *n is how many.  It
 * sets the session's next transactions to READ COMMITTED first, as the
 * recompute's: in REPEATABLE READ (a new connection's) its reads of outbox
 * and rollups took shared next-key locks, and a save's outbox row waited
 * for the whole statement (3.6 s at 110,000 agencies, the worker's start).
 */
int store_rollup_fill_missing(struct db *db, long long *n);

/*
 * Asking for work (the web's writers, inside their transactions; the
 * worker's poll finds the rows even when Redis does not wake it).
 */

/* The outbox row asking for the recomputation of agency_id's county-year (a report saved); none when there is no such agency. */
int store_rollup_queue_agency(struct db *db, long long agency_id, int year);
/*
 * An outbox row for every year the county has in inventory_years: a new,
 * moved, renamed or deactivated agency changes the totals, counts and
 * names above it.
 */
int store_rollup_queue_county(struct db *db, int county_id);
/* A county-wide outbox row for one county-year: its full recompute (a year unlocked: what changed meanwhile). */
int store_rollup_queue_year(struct db *db, int county_id, int year);
/*
 * A locked (so also a published) county-year's figures stay as they were
 * signed: none of its outbox rows is pending when it is locked
 * (store_year_lock_pending), so those written since (a change of the
 * tree, a factor day's, the startup check's) are marked done under `claim`
 * without a recompute, and its quality job asked for (a board's thresholds
 * changed), in one transaction that holds the year's row, so an unlock
 * (which queues the recompute, store_year_lock_release) comes wholly
 * before or after.  A year not locked costs one plain read.  *rows how
 * many; 1 the year is locked, 0 not (nothing done), -1.
 */
int store_rollup_set_aside(struct db *db, int county_id, int year, const char *claim, long long *rows);

/* Counts one run of the ping `token` (worker_pings) by `worker`. */
int store_rollup_ping(struct db *db, const char *token, const char *worker);

#endif

/* agencies.h: what 機關管理 and its bulk import share. */
#ifndef CITYINV_AGENCIES_H
#define CITYINV_AGENCIES_H

#include "request.h"

/*
 * Locks the session's county row (FOR UPDATE) inside the caller's
 * transaction: every writer of the county's agencies (create, edit, move,
 * deactivate, import) takes it first, so checks such as "no cycle" hold
 * until commit.  0 or -1.
 */
int agencies_lock_county(struct request *req);
/* Queues (outbox rows) the recalculation of every year of the session's county; 0 or -1. */
int agencies_queue_all_years(struct request *req);
/* Pushes those jobs to Redis; failures are left to the worker's outbox poll. */
void agencies_wake_worker(struct request *req);
/* Moves agency x under p (0: 一級) at `level`, closure and levels included; 0 or -1. */
int agencies_set_parent(struct db *db, long long x, long long p, int level);

#endif

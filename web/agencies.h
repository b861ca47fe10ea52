/* agencies.h: what 機關管理 and its bulk import share. */
#ifndef CITYINV_AGENCIES_H
#define CITYINV_AGENCIES_H

#include "request.h"

/*
 * Every writer of a county's agencies (create, edit, move, deactivate,
 * import) runs one transaction that first locks the county
 * (store_agency_lock_county) and ends by queueing the recalculation of every
 * year of the county (store_rollup_queue_county); after its commit
 * it wakes the worker with this.  Failures are left to the worker's outbox
 * poll, which finds the work anyway.
 */
void agencies_wake_worker(struct request *req);

#endif

/* agencies.c: what 機關管理 and its bulk import share: waking the worker after a change to the tree. */
#include "agencies.h"
#include "job.h"
#include "session.h"
#include "years.h"

void agencies_wake_worker(struct request *req)
{
	struct years y;

	if (years_get(&req->app->db, &y))
		return;   /* the outbox poll finds the work anyway */
	for (int year = y.first; year <= y.last; year++)
		if (job_push_rollup(&req->app->queue, req->session->county_id, year))
			return;
}

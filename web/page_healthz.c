/* page_healthz.c: /healthz: 200 "ok" when MariaDB and Redis answer, else 503 naming the part. */
#include "html.h"
#include "routes.h"
#include "util.h"

/*
 * Within 1.5 s whatever hangs: Redis is asked first, on a link of this
 * page's own with a 100 ms timeout (a PING takes well under a millisecond),
 * then MariaDB on another of its own whose connect, read and write timeouts
 * are 1 s, the least the client counts.  The pages' links may be paused
 * after a hang; these are not, so the answer is the truth of this moment,
 * not of the last request.
 */
int page_healthz(struct request *req)
{
	struct db *h = &req->app->health;
	int redis_ok = queue_ping(&req->app->health_queue) == 0;
	int db_ok;

	h->paused_until = 0;
	db_ok = db_ping(h) == 0;
	if (!db_ok)
		error("healthz: mariadb: %s", h->errstr);
	if (!redis_ok)
		error("healthz: redis: %s", req->app->health_queue.errstr);
	req->content_type = "text/plain; charset=utf-8";
	if (db_ok && redis_ok) {
		html(&req->body, "ok\n");
		return req->status;
	}
	req->status = 503;
	if (!db_ok)
		html(&req->body, "mariadb: unavailable\n");
	if (!redis_ok)
		html(&req->body, "redis: unavailable\n");
	return req->status;
}

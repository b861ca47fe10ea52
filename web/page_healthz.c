/* page_healthz.c: /healthz: 200 "ok" when MariaDB and Redis answer, else 503 naming the part. */
#include "html.h"
#include "routes.h"
#include "util.h"

void page_healthz(struct request *req)
{
	int db_ok = db_ping(&req->app->db) == 0;
	int redis_ok = queue_ping(&req->app->queue) == 0;

	if (!db_ok)
		error("healthz: mariadb: %s", req->app->db.errstr);
	if (!redis_ok)
		error("healthz: redis: %s", req->app->queue.errstr);
	req->content_type = "text/plain; charset=utf-8";
	if (db_ok && redis_ok) {
		html(&req->body, "ok\n");
		return;
	}
	req->status = 503;
	if (!db_ok)
		html(&req->body, "mariadb: unavailable\n");
	if (!redis_ok)
		html(&req->body, "redis: unavailable\n");
}

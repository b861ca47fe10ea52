/* page_export.c: asking for a workbook, following its progress, downloading it through nginx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "html.h"
#include "job.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "util.h"

/*
 * The worker builds the file; the page shows 排隊中 / 產製中 n% / 完成 / 失敗
 * (refreshing itself while it waits: a meta refresh, no script), and
 * /download answers with X-Accel-Redirect so nginx streams the file from
 * the internal /_files/ location once the right to it has been checked here.
 */

static int unavailable(struct request *req)
{
	routes_unavailable(req, "export");
	return req->status;
}

/* POST /review/export: year, agency. */
int page_review_export(struct request *req)
{
	const char *ya = req_arg(req, "year"), *aa = req_arg(req, "agency");
	int year = ya ? atoi(ya) : 0, may = 0;
	long long agency = aa ? strtoll(aa, NULL, 10) : 0;
	struct db_stmt *st;
	long long id;

	if (year < 2000 || year > 2100 || !agency) {
		req->status = 400;
		return routes_error_page(req);
	}
	if (review_may_see(req, agency, &may))
		return unavailable(req);
	if (!may) {
		req->status = 404;
		return routes_error_page(req);
	}
	st = db_prepare(&req->app->db,
		"INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at)"
		" SELECT 'review', county_id, id, ?, ?, CONCAT(CONVERT(code USING utf8mb4), '_', ? - 1911, '_所屬機關.xlsx'), NOW(3) FROM agencies WHERE id = ?"
		EXPORT_COALESCE);
	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, req->session->account_id);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, agency);
	if (db_exec(st))
		return unavailable(req);
	id = (long long)db_insert_id(st);
	export_push(req, id);
	redirect(req, arena_printf(&req->arena, "/exports?id=%lld", id));
	return req->status;
}

void export_push(struct request *req, long long id)
{
	/* Wakes an export worker (a job for an export already claimed or done is a no-op there). */
	job_push_export(&req->app->queue, id);
}

/* POST /team/reminders: the list of agencies not yet 已登錄完成, with contacts, as .xlsx. */
int page_team_reminders(struct request *req)
{
	const char *ya = req_arg(req, "year");
	int year = ya ? atoi(ya) : 0;
	struct db_stmt *st;
	long long id;

	if (year < 2000 || year > 2100) {
		req->status = 400;
		return routes_error_page(req);
	}
	st = db_prepare(&req->app->db,
		"INSERT INTO exports (kind, county_id, agency_id, year, requested_by, filename, created_at)"
		" VALUES ('reminders', ?, NULL, ?, ?, CONCAT(? - 1911, '年_催報名單.xlsx'), NOW(3))" EXPORT_COALESCE);
	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, req->session->county_id);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, req->session->account_id);
	db_bind_int(st, 3, year);
	if (db_exec(st))
		return unavailable(req);
	id = (long long)db_insert_id(st);
	export_push(req, id);
	redirect(req, arena_printf(&req->arena, "/exports?id=%lld", id));
	return req->status;
}

/*
 * The export row if the session asked for it (a workbook past its time is
 * gone; one replaced by a newer workbook still says so, with no file);
 * 1 found, 0 not, -1 error.
 */
static int load(struct request *req, long long id, const char **status, int *progress, const char **err,
		const char **file, const char **filename, long long *superseded_by)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"SELECT status, progress, IFNULL(error, ''), IF(superseded_by IS NULL, IFNULL(file, ''), ''), filename,"
		" IFNULL(superseded_by, 0) FROM exports"
		" WHERE id = ? AND requested_by = ? AND (expires_at IS NULL OR expires_at > NOW() OR superseded_by IS NOT NULL)");

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, req->session->account_id);
	if (db_exec(st))
		return -1;
	if (db_step(st) != 1)
		return 0;
	*status = arena_strdup(&req->arena, db_col_text(st, 0, NULL));
	*progress = (int)db_col_int(st, 1);
	*err = arena_strdup(&req->arena, db_col_text(st, 2, NULL));
	*file = arena_strdup(&req->arena, db_col_text(st, 3, NULL));
	*filename = arena_strdup(&req->arena, db_col_text(st, 4, NULL));
	*superseded_by = db_col_int(st, 5);
	db_reset(st);
	return 1;
}

int page_export_status(struct request *req)
{
	struct strbuf *o = &req->body;
	const char *ia = req_arg(req, "id"), *status, *err, *file, *filename;
	long long id = ia ? strtoll(ia, NULL, 10) : 0, newer;
	int progress, rc = load(req, id, &status, &progress, &err, &file, &filename, &newer);

	if (rc < 0)
		return unavailable(req);
	if (!rc) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (!strcmp(status, "queued") || !strcmp(status, "running"))
		req_header(req, "Refresh", "2");
	layout_begin(req, "轉出明細", "轉出明細");
	html(o, "<h1>轉出明細：");
	html_txt(o, filename);
	html(o, "</h1>");
	if (req_arg(req, "reused"))
		html(o, "<p class=\"flash ok\" role=\"status\">資料自上次產製後沒有變動，沿用先前的檔案。</p>");
	html(o, "<p id=\"export-status\" aria-live=\"polite\">");
	if (!strcmp(status, "queued"))
		html(o, "<span class=\"status s0\">排隊中</span>（頁面會自動更新）");
	else if (!strcmp(status, "running"))
		strbuf_addf(o, "<span class=\"status s1\">產製中 %d%%</span>（頁面會自動更新）", progress);
	else if (!strcmp(status, "done") && newer)
		strbuf_addf(o, "<span class=\"status s0\">已失效</span>　此檔案的一次性密碼已由較新的檔案取代，不再提供下載："
			    "<a href=\"/exports?id=%lld\">較新的檔案</a>", newer);
	else if (!strcmp(status, "done"))
		strbuf_addf(o, "<span class=\"status s2\">完成</span>　<a class=\"button\" href=\"/download?id=%lld\">下載</a>", id);
	else {
		html(o, "<span class=\"status s0\">失敗</span>　");
		html_txt(o, err);
	}
	html(o, "</p>");
	layout_end(req);
	return req->status;
}

int page_download(struct request *req)
{
	const char *ia = req_arg(req, "id"), *status, *err, *file, *filename;
	long long id = ia ? strtoll(ia, NULL, 10) : 0, newer;
	int progress, rc = load(req, id, &status, &progress, &err, &file, &filename, &newer);
	struct strbuf cd = STRBUF_INIT;

	if (rc < 0)
		return unavailable(req);
	if (!rc || strcmp(status, "done") || newer || !*file || strstr(file, "..")) {
		req->status = 404;
		return routes_error_page(req);
	}
	/* RFC 6266: a plain ASCII fallback and the UTF-8 name. */
	strbuf_addstr(&cd, "attachment; filename=\"cityinv.xlsx\"; filename*=UTF-8''");
	html_url_arg(&cd, filename);
	req_header(req, "Content-Disposition", cd.buf);
	strbuf_release(&cd);
	req_header(req, "X-Accel-Redirect", arena_printf(&req->arena, "/_files/%s", file));
	req->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return req->status;
}

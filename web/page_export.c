/* page_export.c: asking for a workbook, following its progress, downloading it through nginx. */
#include <string.h>

#include "form.h"
#include "html.h"
#include "job.h"
#include "review.h"
#include "routes.h"
#include "session.h"
#include "store_export.h"
#include "util.h"

/*
 * The worker builds the file; the page shows 排隊中 / 產製中 n% / 完成 / 失敗
 * (refreshing itself while it waits: a meta refresh, no script), and
 * /download answers with X-Accel-Redirect so nginx streams the file from
 * the internal /_files/ location once the right to it has been checked here.
 *
 * Their input comes from the buttons of other pages and from links, never
 * typed: a bad value answers with the error page (400 for a request to
 * build, 404 for an export to show), as before the forms were declared.
 */

enum review_export_key { REVIEW_EXPORT_YEAR, REVIEW_EXPORT_AGENCY, REVIEW_EXPORT__MAX };
static const struct form_key review_export_keys[REVIEW_EXPORT__MAX] = {
	[REVIEW_EXPORT_YEAR] = { "year", FORM_YEAR, FORM_REQUIRED, 0, 0, NULL, NULL, NULL },
	[REVIEW_EXPORT_AGENCY] = { "agency", FORM_ID, FORM_REQUIRED, 0, 0, NULL, NULL, NULL },
};
const struct form_decl review_export_in = FORM_DECL(review_export_keys);

enum team_reminders_key { TEAM_REMINDERS_YEAR, TEAM_REMINDERS__MAX };
static const struct form_key team_reminders_keys[TEAM_REMINDERS__MAX] = {
	[TEAM_REMINDERS_YEAR] = { "year", FORM_YEAR, FORM_REQUIRED, 0, 0, NULL, NULL, NULL },
};
const struct form_decl team_reminders_in = FORM_DECL(team_reminders_keys);

enum export_status_key { EXPORT_STATUS_ID, EXPORT_STATUS_REUSED, EXPORT_STATUS__MAX };
static const struct form_key export_status_keys[EXPORT_STATUS__MAX] = {
	[EXPORT_STATUS_ID] = { "id", FORM_ID, 0, 0, 0, NULL, NULL, NULL },
	/* Set by the inventory page when the data had not changed since the last workbook. */
	[EXPORT_STATUS_REUSED] = { "reused", FORM_FLAG, 0, 0, 0, NULL, NULL, NULL },
};
const struct form_decl export_status_in = FORM_DECL(export_status_keys);

enum download_key { DOWNLOAD_ID, DOWNLOAD__MAX };
static const struct form_key download_keys[DOWNLOAD__MAX] = {
	[DOWNLOAD_ID] = { "id", FORM_ID, 0, 0, 0, NULL, NULL, NULL },
};
const struct form_decl download_in = FORM_DECL(download_keys);

static int unavailable(struct request *req)
{
	routes_unavailable(req, "export");
	return req->status;
}

static int refuse(struct request *req, int status)
{
	req->status = status;
	return routes_error_page(req);
}

/* Wakes a worker for export id and sends the browser to its status page. */
static int follow(struct request *req, long long id)
{
	export_push(req, id);
	return redirect(req, arena_printf(&req->arena, "/exports?id=%lld", id));
}

/* POST /review/export: year, agency. */
int page_review_export(struct request *req)
{
	const struct form_val *in = req->in;
	long long agency = in[REVIEW_EXPORT_AGENCY].i, id;
	int may = 0, rc;

	if (req->in_err->nerr)
		return refuse(req, 400);
	if (review_may_see(req, agency, &may))
		return unavailable(req);
	if (!may)
		return refuse(req, 404);
	rc = store_export_request_review(&req->app->db, agency, (int)in[REVIEW_EXPORT_YEAR].i,
					 req->session->account_id, &id);
	if (rc < 0)
		return unavailable(req);
	if (!rc)
		return refuse(req, 404);
	return follow(req, id);
}

void export_push(struct request *req, long long id)
{
	/* Wakes an export worker (a job for an export already claimed or done is a no-op there). */
	job_push_export(&req->app->queue, id);
}

/* POST /team/reminders: the list of agencies not yet 已登錄完成, with contacts, as .xlsx. */
int page_team_reminders(struct request *req)
{
	long long id;

	if (req->in_err->nerr)
		return refuse(req, 400);
	if (store_export_request_reminders(&req->app->db, req->session->county_id, (int)req->in[TEAM_REMINDERS_YEAR].i,
					   req->session->account_id, &id))
		return unavailable(req);
	return follow(req, id);
}

/* The export named by a valid id, if the session asked for it: 1, 0 (answer 404), -1 (answer 503). */
static int load(struct request *req, const struct form_val *id, struct store_export_view *e)
{
	if (!id->set)
		return 0;
	return store_export_read(&req->app->db, id->i, req->session->account_id, e);
}

/* The status line of export id. */
static void status_line(struct strbuf *o, long long id, const struct store_export_view *e)
{
	switch (e->status) {
	case STORE_EXPORT_QUEUED:
		html(o, "<span class=\"status s0\">排隊中</span>（頁面會自動更新）");
		return;
	case STORE_EXPORT_RUNNING:
		strbuf_addf(o, "<span class=\"status s1\">產製中 %d%%</span>（頁面會自動更新）", e->progress);
		return;
	case STORE_EXPORT_DONE:
		if (e->superseded_by)
			strbuf_addf(o, "<span class=\"status s0\">已失效</span>　此檔案的一次性密碼已由較新的檔案取代，不再提供下載："
				    "<a href=\"/exports?id=%lld\">較新的檔案</a>", e->superseded_by);
		else
			strbuf_addf(o, "<span class=\"status s2\">完成</span>　<a class=\"button\" href=\"/download?id=%lld\">下載</a>", id);
		return;
	case STORE_EXPORT_FAILED:
	case STORE_EXPORT_STATUS__MAX:
		break;
	}
	html(o, "<span class=\"status s0\">失敗</span>　");
	html_txt(o, e->error);
}

/* GET /exports?id=: the export's status, refreshing itself while it waits. */
int page_export_status(struct request *req)
{
	struct strbuf *o = &req->body;
	struct store_export_view e;
	int rc = load(req, &req->in[EXPORT_STATUS_ID], &e);

	if (rc < 0)
		return unavailable(req);
	if (!rc)
		return refuse(req, 404);
	if (e.status == STORE_EXPORT_QUEUED || e.status == STORE_EXPORT_RUNNING)
		req_header(req, "Refresh", "2");
	layout_begin(req, "轉出明細", "轉出明細");
	html(o, "<h1>轉出明細：");
	html_txt(o, e.filename);
	html(o, "</h1>");
	if (req->in[EXPORT_STATUS_REUSED].set)
		html(o, "<p class=\"flash ok\" role=\"status\">資料自上次產製後沒有變動，沿用先前的檔案。</p>");
	html(o, "<p id=\"export-status\" aria-live=\"polite\">");
	status_line(o, req->in[EXPORT_STATUS_ID].i, &e);
	html(o, "</p>");
	layout_end(req);
	return req->status;
}

/* GET /download?id=: the workbook, streamed by nginx, to the account that asked for it. */
int page_download(struct request *req)
{
	struct store_export_view e;
	int rc = load(req, &req->in[DOWNLOAD_ID], &e);
	struct strbuf cd = STRBUF_INIT;

	if (rc < 0)
		return unavailable(req);
	if (!rc || e.status != STORE_EXPORT_DONE || e.superseded_by || !*e.file || strstr(e.file, ".."))
		return refuse(req, 404);
	/* RFC 6266: a plain ASCII fallback and the UTF-8 name. */
	strbuf_addstr(&cd, "attachment; filename=\"cityinv.xlsx\"; filename*=UTF-8''");
	html_url_arg(&cd, e.filename);
	req_header(req, "Content-Disposition", cd.buf);
	strbuf_release(&cd);
	req_header(req, "X-Accel-Redirect", arena_printf(&req->arena, "/_files/%s", e.file));
	req->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return req->status;
}

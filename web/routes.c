/* routes.c: the one table of routes, and the dispatcher that enforces its flags. */
#include <string.h>

#include "form.h"
#include "html.h"
#include "routes.h"
#include "session.h"
#include "util.h"

#define GET_HEAD (METHOD_GET | METHOD_HEAD)

/*
 * Each handler is in the page file its path names (/team/years:
 * page_team_years.c, / : page_home.c, /login, /logout, /password:
 * page_login.c), but for the workbooks: asking for one (/review/export,
 * /team/reminders), its progress (/exports) and its download (/download)
 * are together in page_export.c; 盤查清冊's own workbooks are actions of
 * /team/inventory (page_inventory.c); /report/correction (申請更正) is with
 * the report form in page_report.c, /report/versions in page_versions.c;
 * 年度鎖定 (/team/years/lock) is in page_year_lock.c.
 */
static const struct route routes[PAGE__MAX] = {
	[PAGE_HOME]      = { "/",          GET_HEAD, ROLE_PUBLIC, 0, page_home },
	[PAGE_INTL]      = { "/intl",      GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_GLOSSARY]  = { "/glossary",  GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_CASES]     = { "/cases",     GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_DOWNLOADS] = { "/downloads", GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_FAQ]       = { "/faq",       GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_PUBLIC]    = { "/public",    GET_HEAD, ROLE_PUBLIC, 0, page_public, &public_in },
	[PAGE_HEALTHZ]   = { "/healthz",   GET_HEAD, ROLE_PUBLIC, 0, page_healthz },
	[PAGE_LOGIN]     = { "/login",     METHOD_POST, ROLE_PUBLIC, ROUTE_CSRF, page_login, &login_in },
	[PAGE_LOGOUT]    = { "/logout",    METHOD_POST, ROLE_LOGGED_IN, ROUTE_CSRF | ROUTE_PASSWORD_OK, page_logout },
	[PAGE_ACCOUNT]   = { "/account",   GET_HEAD | METHOD_POST, ROLE_AGENCY, ROUTE_CSRF, page_account, &account_in },
	[PAGE_PASSWORD]  = { "/password",  GET_HEAD | METHOD_POST, ROLE_LOGGED_IN, ROUTE_CSRF | ROUTE_PASSWORD_OK, page_password, &password_in },
	[PAGE_REPORT_YEARS]   = { "/report",         GET_HEAD, ROLE_AGENCY, 0, page_report_years },
	[PAGE_REPORT_EDIT]    = { "/report/edit",    GET_HEAD | METHOD_POST, ROLE_AGENCY, ROUTE_CSRF | ROUTE_FACTORS, page_report_edit, &report_edit_in },
	[PAGE_REPORT_VIEW]    = { "/report/view",    GET_HEAD, ROLE_LOGGED_IN, ROUTE_FACTORS, page_report_view, &report_view_in },
	[PAGE_REPORT_HISTORY] = { "/report/history", GET_HEAD, ROLE_AGENCY, 0, page_report_history, &report_history_in },
	[PAGE_REPORT_CORRECTION] = { "/report/correction", METHOD_POST, ROLE_AGENCY, ROUTE_CSRF, page_report_correction, &report_correction_in },
	[PAGE_REPORT_VERSIONS] = { "/report/versions", GET_HEAD, ROLE_LOGGED_IN, 0, page_report_versions, &report_versions_in },
	/* /review: an agency's subordinates, or the team's 一級 agencies; 確認 / 退回 / 重新開放 of them (page_review_act.c). */
	[PAGE_REVIEW]         = { "/review",         GET_HEAD, ROLE_COUNTY, 0, page_review, &review_in, NULL, page_review_stamp },
	[PAGE_REVIEW_CONFIRM] = { "/review", METHOD_POST, ROLE_COUNTY, ROUTE_CSRF, page_review_confirm, &review_confirm_in, "confirm" },
	[PAGE_REVIEW_RETURN]  = { "/review", METHOD_POST, ROLE_COUNTY, ROUTE_CSRF, page_review_return, &review_return_in, "return" },
	[PAGE_REVIEW_REOPEN]  = { "/review", METHOD_POST, ROLE_COUNTY, ROUTE_CSRF, page_review_reopen, &review_reopen_in, "reopen" },
	[PAGE_REVIEW_CONFIRM_ALL] = { "/review", METHOD_POST, ROLE_COUNTY, ROUTE_CSRF, page_review_confirm_all,
		&review_confirm_all_in, "confirm_all" },
	[PAGE_REVIEW_EXPORT]  = { "/review/export",  METHOD_POST, ROLE_AGENCY, ROUTE_CSRF, page_review_export, &review_export_in },
	[PAGE_EXPORT_STATUS]  = { "/exports",        GET_HEAD, ROLE_LOGGED_IN, 0, page_export_status, &export_status_in },
	[PAGE_DOWNLOAD]       = { "/download",       GET_HEAD, ROLE_LOGGED_IN, 0, page_download, &download_in },
	[PAGE_TEAM]           = { "/team",           GET_HEAD, ROLE_TEAM, 0, page_team, &team_in },
	[PAGE_TEAM_YEARS]     = { "/team/years",     GET_HEAD | METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_years, &team_years_in },
	[PAGE_TEAM_ELEC]      = { "/team/elec",      GET_HEAD, ROLE_TEAM, 0, page_team_elec, &team_elec_in },
	[PAGE_TEAM_ELEC_PROPOSE] = { "/team/elec", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_elec_propose, &team_elec_in, "propose" },
	[PAGE_TEAM_ELEC_APPLY] = { "/team/elec", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_elec_apply, &team_elec_in, "apply" },
	[PAGE_TEAM_ELEC_CANCEL] = { "/team/elec", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_elec_cancel, &team_elec_in, "cancel" },
	[PAGE_TEAM_ELEC_RETRY] = { "/team/elec", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_elec_retry, &team_elec_in, "retry" },
	[PAGE_TEAM_YEAR_LOCK] = { "/team/years/lock", GET_HEAD, ROLE_TEAM, 0, page_team_year_lock, &team_year_lock_in },
	[PAGE_TEAM_YEAR_LOCK_TAKE] = { "/team/years/lock", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_year_lock_take, &team_year_lock_take_in, "lock" },
	[PAGE_TEAM_YEAR_UNLOCK] = { "/team/years/lock", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_year_unlock, &team_year_unlock_in, "unlock" },
	[PAGE_TEAM_ACCOUNTS]  = { "/team/accounts",  GET_HEAD, ROLE_TEAM, 0, page_team_accounts, &team_accounts_in },
	[PAGE_TEAM_UNLOCK]    = { "/team/accounts",  METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_unlock, &team_account_in, "unlock" },
	[PAGE_TEAM_RESET]     = { "/team/accounts",  METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_reset, &team_account_in, "reset" },
	[PAGE_TEAM_REMINDERS] = { "/team/reminders", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_reminders, &team_reminders_in },
	[PAGE_TEAM_AGENCIES]  = { "/team/agencies",  GET_HEAD, ROLE_TEAM, 0, page_team_agencies, &team_agencies_in },
	[PAGE_TEAM_AGENCIES_CREATE] = { "/team/agencies", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_agencies_create, &team_agencies_create_in, "create" },
	[PAGE_TEAM_AGENCIES_EDIT] = { "/team/agencies", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_agencies_edit, &team_agencies_edit_in, "edit" },
	[PAGE_TEAM_AGENCIES_MOVE] = { "/team/agencies", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_agencies_move, &team_agencies_move_in, "move" },
	[PAGE_TEAM_AGENCIES_DEACTIVATE] = { "/team/agencies", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_agencies_deactivate,
					    &team_agencies_deactivate_in, "deactivate" },
	[PAGE_TEAM_IMPORT]    = { "/team/agencies/import", GET_HEAD | METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_import, &team_import_in },
	[PAGE_TEAM_ACTIVITIES] = { "/team/activities", GET_HEAD, ROLE_TEAM, ROUTE_CSRF, page_team_activities, &team_activities_in },
	[PAGE_TEAM_ACTIVITIES_SAVE] = { "/team/activities", METHOD_POST, ROLE_TEAM, ROUTE_CSRF | ROUTE_FACTORS, page_team_activities_save, &team_activities_save_in, "save" },
	[PAGE_TEAM_ACTIVITIES_DELETE] = { "/team/activities", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_activities_delete, &team_activities_delete_in, "delete" },
	[PAGE_TEAM_INVENTORY] = { "/team/inventory", GET_HEAD, ROLE_TEAM, 0, page_team_inventory, &team_inventory_in },
	[PAGE_TEAM_INVENTORY_PUBLISH] = { "/team/inventory", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_inventory_publish,
		&team_inventory_post_in, "publish" },
	[PAGE_TEAM_INVENTORY_WITHDRAW] = { "/team/inventory", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_inventory_withdraw,
		&team_inventory_post_in, "withdraw" },
	[PAGE_TEAM_INVENTORY_EXPORT_DETAIL] = { "/team/inventory", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_inventory_export_detail,
		&team_inventory_post_in, "export_detail" },
	[PAGE_TEAM_INVENTORY_EXPORT_CHARTS] = { "/team/inventory", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_inventory_export_charts,
		&team_inventory_post_in, "export_charts" },
	/* 檢核看板: the county team's own (its county is the session's). */
	[PAGE_TEAM_BOARD] = { "/team/board", GET_HEAD, ROLE_TEAM, 0, page_team_board, &team_board_in },
	[PAGE_TEAM_BOARD_CHECK] = { "/team/board", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_board_check, &team_board_check_in, "check" },
	[PAGE_TEAM_BOARD_THRESHOLDS] = { "/team/board", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_board_thresholds,
		&team_board_thresholds_in, "thresholds" },
	[PAGE_TEAM_BOARD_EXPORT] = { "/team/board", METHOD_POST, ROLE_TEAM, ROUTE_CSRF, page_team_board_export, &team_board_export_in, "export" },
	[PAGE_NEWS]           = { "/news",           GET_HEAD, ROLE_PUBLIC, 0, page_info },
	[PAGE_DOWNLOAD_FILE]  = { "/downloads/file", GET_HEAD, ROLE_PUBLIC, 0, page_download_file, &download_file_in },
	[PAGE_ADMIN_CONTENT]  = { "/admin/content",  GET_HEAD, ROLE_ADMIN, ROUTE_CSRF, page_admin_content, &admin_content_in },
	[PAGE_ADMIN_CONTENT_SAVE] = { "/admin/content", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_content_save, &admin_content_save_in, "save" },
	[PAGE_ADMIN_CONTENT_DELETE] = { "/admin/content", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_content_delete, &admin_content_delete_in, "delete" },
	[PAGE_ADMIN]          = { "/admin",          GET_HEAD, ROLE_ADMIN, 0, page_admin, &admin_in },
	[PAGE_ADMIN_HOST]     = { "/admin",          METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_host, &admin_host_in, "host" },
	[PAGE_ADMIN_UNHOST]   = { "/admin",          METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_unhost, &admin_host_in, "unhost" },
	[PAGE_ADMIN_AUDIT]    = { "/admin/audit",    GET_HEAD, ROLE_ADMIN, 0, page_admin_audit },
	[PAGE_ADMIN_ACCOUNTS] = { "/admin/accounts", GET_HEAD, ROLE_ADMIN, 0, page_admin_accounts, &admin_accounts_in },
	[PAGE_ADMIN_ACCOUNT_CREATE] = { "/admin/accounts", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_account_create,
					&admin_account_create_in, "create" },
	[PAGE_ADMIN_ACCOUNT_RESET] = { "/admin/accounts", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_account_reset,
				       &admin_account_in, "reset" },
	[PAGE_ADMIN_ACCOUNT_LOCK] = { "/admin/accounts", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_account_lock,
				      &admin_account_in, "lock" },
	[PAGE_ADMIN_ACCOUNT_UNLOCK] = { "/admin/accounts", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_account_unlock,
					&admin_account_in, "unlock" },
	[PAGE_ADMIN_ACCOUNT_DEACTIVATE] = { "/admin/accounts", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_account_deactivate,
					    &admin_account_in, "deactivate" },
	[PAGE_ADMIN_ACCOUNT_REACTIVATE] = { "/admin/accounts", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_account_reactivate,
					    &admin_account_in, "reactivate" },
	[PAGE_ADMIN_FACTORS]  = { "/admin/factors",  GET_HEAD, ROLE_ADMIN, 0, page_admin_factors, &admin_factors_in },
	[PAGE_ADMIN_FACTOR_PROPOSE] = { "/admin/factors", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_factor_propose,
					&admin_factor_change_in, "propose" },
	[PAGE_ADMIN_FACTOR_CHANGE] = { "/admin/factors/change", GET_HEAD, ROLE_ADMIN, 0, page_admin_factor_change, &admin_factor_one_in },
	[PAGE_ADMIN_FACTOR_APPLY] = { "/admin/factors/change", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_factor_apply,
				      &admin_factor_one_in, "apply" },
	[PAGE_ADMIN_FACTOR_CANCEL] = { "/admin/factors/change", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_factor_cancel,
				       &admin_factor_one_in, "cancel" },
	[PAGE_ADMIN_FACTOR_RETRY] = { "/admin/factors/change", METHOD_POST, ROLE_ADMIN, ROUTE_CSRF, page_admin_factor_retry,
				      &admin_factor_one_in, "retry" },
};

int routes_unavailable(struct request *req, const char *what)
{
	/*
	 * A deadlock or a lock wait that ran out (another change of the same rows
	 * at once): InnoDB rolled the transaction back, and the database is fine.
	 * The user is told so and asked to look again, not that the system is down.
	 */
	if (db_err_contention(&req->app->db)) {
		log_warn("%s: %s", what, req->app->db.errstr);
		req->status = 409;
	} else {
		error("%s: %s", what, req->app->db.errstr);
		req->status = 503;
	}
	strbuf_reset(&req->body);
	strbuf_reset(&req->headers);
	routes_error_page(req);
	return req->status;
}

int redirect(struct request *req, const char *to)
{
	req->status = 303;
	req_header(req, "Location", to);
	return req->status;
}

static int role_allows(const struct route *r, const struct session *s)
{
	switch (r->role) {
	case ROLE_PUBLIC: return 1;
	case ROLE_LOGGED_IN: return s != NULL;
	case ROLE_AGENCY: return s && s->kind == ACCOUNT_AGENCY;
	case ROLE_TEAM: return s && s->kind == ACCOUNT_TEAM;
	case ROLE_ADMIN: return s && s->kind == ACCOUNT_ADMIN;
	case ROLE_COUNTY: return s && (s->kind == ACCOUNT_AGENCY || s->kind == ACCOUNT_TEAM);
	}
	return 0;
}

int routes_error_page(struct request *req)
{
	const char *msg;

	switch (req->status) {
	case 400: msg = "請求格式錯誤，請回上一頁重新操作。"; break;
	case 401: msg = "請先登入。若您已登入，可能因閒置超過 30 分鐘而已自動登出。"; break;
	case 403: msg = "您沒有權限執行此操作，或表單已逾時，請重新整理頁面後再試。"; break;
	case 404: msg = "找不到您要的頁面。"; break;
	case 405: msg = "不支援此請求方式。"; break;
	case 413: msg = "送出的資料過大（上傳檔案以 4 MB 為限），沒有寫入任何資料；請縮小檔案或分批送出後再試。"; break;
	case 409: msg = "有其他人同時在變更相同的資料，這次操作沒有完成；請重新整理頁面，確認目前的資料後再試一次。"; break;
	case 503: msg = "系統暫時無法服務，請稍後再試。"; break;
	default: msg = "系統發生錯誤，請稍後再試。"; break;
	}
	strbuf_reset(&req->body);
	req->content_type = "text/html; charset=utf-8";
	layout_begin(req, "錯誤", NULL);
	html(&req->body, "<section class=\"notice error\"><h1>");
	html_int(&req->body, req->status);
	html(&req->body, "</h1><p>");
	html_txt(&req->body, msg);
	html(&req->body, "</p><p><a href=\"/\">回首頁</a></p></section>");
	layout_end(req);
	return req->status;
}

/*
 * The route for req: the path's route for the POSTed action when the path
 * has routes by action, else its route without one (or, for a GET of a
 * path that has only those, one of them: the method check answers 405);
 * NULL: no such path.
 * A POST to such a path naming an action it does not have, or none when
 * no route without an action takes a POST, sets *bad_action and returns
 * one of the path's routes, so that its role and token are checked as for
 * any of them before the 400.
 */
static const struct route *route_find(struct request *req, int *bad_action)
{
	const char *action = req->method == METHOD_POST ? query_get(&req->form, "action") : NULL;
	const struct route *plain = NULL, *split = NULL;

	*bad_action = 0;
	for (int i = 0; i < PAGE__MAX; i++) {
		const struct route *r = &routes[i];

		if (!r->path || strcmp(r->path, req->path))
			continue;
		if (!r->action) {
			if (!plain)
				plain = r;
			continue;
		}
		if (!split)
			split = r;
		if (action && !strcmp(r->action, action))
			return r;
	}
	if (split && req->method == METHOD_POST && (action || !(plain && plain->methods & METHOD_POST))) {
		*bad_action = 1;
		return split;
	}
	return plain ? plain : split;   /* a GET of a path only POSTed to: 405 */
}

/* The Allow header of a 405: the methods of every route of the path. */
static const char *route_allow(const char *path)
{
	unsigned m = 0;

	for (int i = 0; i < PAGE__MAX; i++)
		if (routes[i].path && !strcmp(routes[i].path, path))
			m |= routes[i].methods;
	if (m & METHOD_POST)
		return m & METHOD_GET ? "GET, HEAD, POST" : "POST";
	return "GET, HEAD";
}

/* Reads the route's declared fields into req->in; -1 when the years could not be read. */
static int route_input(struct request *req, const struct route *r)
{
	if (!r->in)
		return 0;
	req->in = arena_zalloc(&req->arena, sizeof(*req->in) * (size_t)r->in->n);
	req->in_err = arena_zalloc(&req->arena, sizeof(*req->in_err));
	return form_read(req, r->in->keys, r->in->n, req->in, req->in_err) < 0 ? -1 : 0;
}

void routes_dispatch(struct request *req)
{
	const struct route *r;
	struct session_stamp want = { 0 }, *w = NULL;
	int bad_action, inputs_read = 0;

	/* The error a request reports is its own: not one the process kept from an earlier request (routes_unavailable). */
	req->app->db.err = 0;
	r = route_find(req, &bad_action);
	if (!r) {
		req->status = 404;
		routes_error_page(req);
		return;
	}
	if (!(r->methods & req->method)) {
		req->status = 405;
		req_header(req, "Allow", route_allow(r->path));
		routes_error_page(req);
		return;
	}
	/* A page that answers from a cache reads its stamp with the session: one round trip. */
	if (r->stamp && (req->method & GET_HEAD)) {
		if (route_input(req, r)) {
			routes_unavailable(req, "the years served");
			return;
		}
		inputs_read = 1;
		if (r->stamp(req, &want.agency, &want.year))
			w = &want;
	}
	/* Without a session cookie this costs nothing; public pages show who is logged in. */
	if (session_load(req, w, r->flags & ROUTE_FACTORS)) {
		routes_error_page(req);
		return;
	}
	if (!role_allows(r, req->session)) {
		req->status = req->session ? 403 : 401;
		routes_error_page(req);
		return;
	}
	if (req->session && req->session->must_change_password && !(r->flags & ROUTE_PASSWORD_OK)) {
		redirect(req, "/password");
		return;
	}
	if (req->method == METHOD_POST && (r->flags & ROUTE_CSRF) && !csrf_valid(req)) {
		req->status = 403;
		routes_error_page(req);
		return;
	}
	if (bad_action) {
		req->status = 400;
		routes_error_page(req);
		return;
	}
	if (!inputs_read && route_input(req, r)) {
		routes_unavailable(req, "the years served");
		return;
	}
	req->status = r->handler(req);
}

/* routes.h: the route table, the pages it names and the shared page frame. */
#ifndef CITYINV_ROUTES_H
#define CITYINV_ROUTES_H

#include "request.h"

/* Who may open a route.  Checked by the dispatcher before the handler runs. */
enum role {
	ROLE_PUBLIC = 0,   /* anyone */
	ROLE_LOGGED_IN,    /* any account */
	ROLE_AGENCY,       /* an agency account */
	ROLE_TEAM,         /* a county inventory team account */
	ROLE_ADMIN,        /* the platform admin */
	ROLE_COUNTY,       /* an agency or a county team account: a county's, not the admin */
};

/* Route flags. */
#define ROUTE_CSRF 1       /* a POST must carry the form token */
#define ROUTE_PASSWORD_OK 2 /* open to an account that must still change its password */
#define ROUTE_FACTORS 4    /* uses the factor table: its stamp is read with the session (req->factor_stamp) */

/* The pages; adding one is a change here, in routes.c and a page_<name>.c. */
enum page {
	PAGE_HOME,
	PAGE_INTL,
	PAGE_GLOSSARY,
	PAGE_CASES,
	PAGE_DOWNLOADS,
	PAGE_FAQ,
	PAGE_PUBLIC,
	PAGE_HEALTHZ,
	PAGE_LOGIN,
	PAGE_LOGOUT,
	PAGE_ACCOUNT,
	PAGE_PASSWORD,
	PAGE_REPORT_YEARS,
	PAGE_REPORT_EDIT,
	PAGE_REPORT_VIEW,
	PAGE_REPORT_HISTORY,
	PAGE_REPORT_CORRECTION,
	PAGE_REPORT_VERSIONS,
	PAGE_REVIEW,
	PAGE_REVIEW_CONFIRM,
	PAGE_REVIEW_RETURN,
	PAGE_REVIEW_REOPEN,
	PAGE_REVIEW_CONFIRM_ALL,
	PAGE_REVIEW_EXPORT,
	PAGE_EXPORT_STATUS,
	PAGE_DOWNLOAD,
	PAGE_TEAM,
	PAGE_TEAM_YEARS,
	PAGE_TEAM_YEAR_LOCK,
	PAGE_TEAM_YEAR_LOCK_TAKE,
	PAGE_TEAM_YEAR_UNLOCK,
	PAGE_TEAM_ELEC,
	PAGE_TEAM_ELEC_PROPOSE,
	PAGE_TEAM_ELEC_APPLY,
	PAGE_TEAM_ELEC_CANCEL,
	PAGE_TEAM_ELEC_RETRY,
	PAGE_TEAM_ACCOUNTS,
	PAGE_TEAM_UNLOCK,
	PAGE_TEAM_RESET,
	PAGE_TEAM_REMINDERS,
	PAGE_TEAM_AGENCIES,
	PAGE_TEAM_AGENCIES_CREATE,
	PAGE_TEAM_AGENCIES_EDIT,
	PAGE_TEAM_AGENCIES_MOVE,
	PAGE_TEAM_AGENCIES_DEACTIVATE,
	PAGE_TEAM_IMPORT,
	PAGE_TEAM_ACTIVITIES,
	PAGE_TEAM_ACTIVITIES_SAVE,
	PAGE_TEAM_ACTIVITIES_DELETE,
	PAGE_TEAM_INVENTORY,
	PAGE_TEAM_INVENTORY_PUBLISH,
	PAGE_TEAM_INVENTORY_WITHDRAW,
	PAGE_TEAM_INVENTORY_EXPORT_DETAIL,
	PAGE_TEAM_INVENTORY_EXPORT_CHARTS,
	PAGE_TEAM_BOARD,
	PAGE_TEAM_BOARD_CHECK,
	PAGE_TEAM_BOARD_THRESHOLDS,
	PAGE_TEAM_BOARD_EXPORT,
	PAGE_NEWS,
	PAGE_DOWNLOAD_FILE,
	PAGE_ADMIN_CONTENT,
	PAGE_ADMIN_CONTENT_SAVE,
	PAGE_ADMIN_CONTENT_DELETE,
	PAGE_ADMIN,
	PAGE_ADMIN_HOST,
	PAGE_ADMIN_UNHOST,
	PAGE_ADMIN_AUDIT,
	PAGE_ADMIN_ACCOUNTS,
	PAGE_ADMIN_ACCOUNT_CREATE,
	PAGE_ADMIN_ACCOUNT_RESET,
	PAGE_ADMIN_ACCOUNT_LOCK,
	PAGE_ADMIN_ACCOUNT_UNLOCK,
	PAGE_ADMIN_ACCOUNT_DEACTIVATE,
	PAGE_ADMIN_ACCOUNT_REACTIVATE,
	PAGE_ADMIN_FACTORS,
	PAGE_ADMIN_FACTOR_PROPOSE,
	PAGE_ADMIN_FACTOR_CHANGE,
	PAGE_ADMIN_FACTOR_APPLY,
	PAGE_ADMIN_FACTOR_CANCEL,
	PAGE_ADMIN_FACTOR_RETRY,
	PAGE__MAX
};

struct form_decl;

/*
 * A route: a path and, for a POST that carries an `action` field, the
 * action (NULL: a route for the path's other requests).  A path whose POSTs are split by action has
 * one route per action; a POST naming no action of that path is answered
 * 400.  `in` declares the fields the handler reads (form.h).
 */
struct route {
	const char *path;
	unsigned methods;          /* METHOD_* mask */
	enum role role;
	unsigned flags;
	/* Writes the response and returns its HTTP status (req->status). */
	int (*handler)(struct request *req);
	const struct form_decl *in;
	const char *action;
	/*
	 * A GET whose page answers from a cache once it has a stamp: its fields
	 * are read before the session, and when this says which stamp (1) it is
	 * read in the session's statement (req->stamp).
	 */
	int (*stamp)(struct request *req, long long *agency, int *year);
};

void routes_dispatch(struct request *req);
/* A page for req->status (400, 403, 404, 405, 413, 500, 503); returns req->status. */
int routes_error_page(struct request *req);

/* The page frame (layout.c): everything around a page's own content. */
void layout_begin(struct request *req, const char *title, const char *crumb);
void layout_end(struct request *req);
/* A whole page choosing the inventory year (the years served, newest first), each linking to path?year=Y. */
int layout_year_page(struct request *req, const char *title, const char *crumb, const char *heading, const char *path);
/* The same with a notice above the list (e.g. why the year asked for was refused); notice is plain text. */
int layout_year_page_notice(struct request *req, const char *title, const char *crumb, const char *heading, const char *path,
			     const char *notice);

/* Page handlers. */
int page_home(struct request *req);
int page_info(struct request *req);
int page_healthz(struct request *req);
int page_login(struct request *req);
int page_logout(struct request *req);
int page_account(struct request *req);
int page_password(struct request *req);
/* Their declared fields (form.h), and those of the team's console, years and accounts. */
extern const struct form_decl login_in, password_in, account_in;
extern const struct form_decl team_in, team_years_in, team_accounts_in, team_account_in;
int page_report_years(struct request *req);
int page_report_edit(struct request *req);
int page_report_view(struct request *req);
int page_report_history(struct request *req);
int page_report_correction(struct request *req);
int page_report_versions(struct request *req);
int page_review(struct request *req);
int page_review_stamp(struct request *req, long long *agency, int *year);
extern const struct form_decl report_edit_in, report_view_in, report_history_in, review_in;
extern const struct form_decl report_correction_in, report_versions_in;
/* 所屬機關填報確認's actions (page_review_act.c). */
int page_review_confirm(struct request *req);
int page_review_return(struct request *req);
int page_review_reopen(struct request *req);
int page_review_confirm_all(struct request *req);
extern const struct form_decl review_confirm_in, review_return_in, review_reopen_in, review_confirm_all_in;
int page_review_export(struct request *req);
extern const struct form_decl review_export_in;
int page_export_status(struct request *req);
extern const struct form_decl export_status_in;
int page_download(struct request *req);
extern const struct form_decl download_in;
int page_team(struct request *req);
int page_team_years(struct request *req);
int page_team_year_lock(struct request *req);
int page_team_year_lock_take(struct request *req);
int page_team_year_unlock(struct request *req);
extern const struct form_decl team_year_lock_in, team_year_lock_take_in, team_year_unlock_in;
int page_team_accounts(struct request *req);
int page_team_unlock(struct request *req);
int page_team_reset(struct request *req);
int page_team_reminders(struct request *req);
extern const struct form_decl team_reminders_in;
int page_team_agencies(struct request *req);
int page_team_agencies_create(struct request *req);
int page_team_agencies_edit(struct request *req);
int page_team_agencies_move(struct request *req);
int page_team_agencies_deactivate(struct request *req);
int page_team_import(struct request *req);
extern const struct form_decl team_agencies_in, team_agencies_create_in, team_agencies_edit_in, team_agencies_move_in,
	team_agencies_deactivate_in, team_import_in;
int page_team_activities(struct request *req);
int page_team_activities_save(struct request *req);
int page_team_activities_delete(struct request *req);
extern const struct form_decl team_activities_in, team_activities_save_in, team_activities_delete_in;
int page_team_inventory(struct request *req);
int page_team_inventory_publish(struct request *req);
int page_team_inventory_withdraw(struct request *req);
int page_team_inventory_export_detail(struct request *req);
int page_team_inventory_export_charts(struct request *req);
extern const struct form_decl team_inventory_in, team_inventory_post_in;
/* 檢核看板 (page_board.c). */
int page_team_board(struct request *req);
int page_team_board_check(struct request *req);
int page_team_board_thresholds(struct request *req);
int page_team_board_export(struct request *req);
extern const struct form_decl team_board_in, team_board_check_in, team_board_thresholds_in, team_board_export_in;
int page_public(struct request *req);
extern const struct form_decl public_in;
int page_download_file(struct request *req);
extern const struct form_decl download_file_in;
int page_admin_content(struct request *req);
int page_admin_content_save(struct request *req);
int page_admin_content_delete(struct request *req);
extern const struct form_decl admin_content_in, admin_content_save_in, admin_content_delete_in;
/* page_admin.c, page_admin_accounts.c: the platform operator's console. */
int page_admin(struct request *req);
int page_admin_host(struct request *req);
int page_admin_unhost(struct request *req);
int page_admin_audit(struct request *req);
int page_admin_accounts(struct request *req);
int page_admin_account_create(struct request *req);
int page_admin_account_reset(struct request *req);
int page_admin_account_lock(struct request *req);
int page_admin_account_unlock(struct request *req);
int page_admin_account_deactivate(struct request *req);
int page_admin_account_reactivate(struct request *req);
int page_admin_factors(struct request *req);
int page_admin_factors_render(struct request *req, const struct form *f);
void admin_factor_change_form(struct request *req, const struct form *f);
int page_admin_factor_propose(struct request *req);
int page_admin_factor_change(struct request *req);
int page_admin_factor_apply(struct request *req);
int page_admin_factor_cancel(struct request *req);
int page_admin_factor_retry(struct request *req);
int page_team_elec(struct request *req);
int page_team_elec_propose(struct request *req);
int page_team_elec_apply(struct request *req);
int page_team_elec_cancel(struct request *req);
int page_team_elec_retry(struct request *req);
extern const struct form_decl admin_in, admin_host_in, admin_accounts_in, admin_account_create_in,
	admin_account_in, admin_factors_in, admin_factor_change_in, admin_factor_one_in, team_elec_in;

/* Wakes an export worker for export <id>; when Redis is down the export worker's poll finds the row anyway. */
void export_push(struct request *req, long long id);

/* 503 after a database failure: logs what failed (with the server's message) and shows the error page; returns 503. */
int routes_unavailable(struct request *req, const char *what);

/* Sends the browser elsewhere (303 See Other); returns 303. */
int redirect(struct request *req, const char *to);

#endif

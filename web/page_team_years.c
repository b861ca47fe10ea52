/* page_team_years.c: 年度管理 (/team/years): the county team opens or closes a year, sets its deadline and its 確認期限, and sees its lock. */
#include <limits.h>

#include "audit.h"
#include "form.h"
#include "html.h"
#include "inventory.h"
#include "routes.h"
#include "session.h"
#include "store_year.h"
#include "years.h"

/*
 * The deadline is checked in two steps: the declared field is any real
 * date (its shape), and the handler then checks its year against the years
 * module (deadline_check): from the first year served to the last the
 * module could ever serve from it (first + YEARS_MAX - 1).  Not the last
 * year served: a year's inventory is filed after it ends, often after the
 * next year has begun but before a migration adds that year.  The bound
 * only catches a mistyped century.
 */
/*
 * confirm_within_days is N of the team's waiting list (已登錄完成 reports
 * waiting for 確認 longer than N days).  A form that does not send it (a
 * client of the form before it had the field) leaves it as it is; sent
 * blank or outside 1 to 365 it is refused beside the field.
 */
#define DAYS_MSG "確認期限須為 1 至 365 之間的整數（天）。"
enum { YEARS_YEAR, YEARS_OPEN, YEARS_DEADLINE, YEARS_DAYS, YEARS_SAVED, YEARS__MAX };
static const struct form_key team_years_keys[YEARS__MAX] = {
	[YEARS_YEAR] = { "year", FORM_YEAR },
	[YEARS_OPEN] = { "is_open", FORM_FLAG },
	[YEARS_DEADLINE] = { "deadline", FORM_DATE, 0, 0, INT_MAX },   /* the range: deadline_key() */
	[YEARS_DAYS] = { "confirm_within_days", FORM_INT, 0, 1, 365, NULL, NULL, DAYS_MSG },
	[YEARS_SAVED] = { "saved", FORM_FLAG },
};
const struct form_decl team_years_in = FORM_DECL(team_years_keys);

/* A refused save: the row of `year` shows what was typed and why. */
struct years_refused {
	int year;
	int open;
	const char *deadline;   /* as typed */
	const char *msg;        /* the deadline's refusal, or NULL */
	const char *days;       /* as typed; NULL: not sent */
	const char *days_msg;   /* its refusal, or NULL */
};

struct years_rows {
	struct request *req;
	const struct years_refused *bad;
};

/* An input refused with msg (none: NULL) is marked invalid and described by its message's element `id`. */
static void invalid_attrs(struct strbuf *o, const char *msg, const char *id)
{
	if (msg) {
		html(o, " aria-invalid=\"true\" aria-describedby=\"");
		html_attr(o, id);
		html(o, "\"");
	}
}

/* The message of a refused input beside it, under `id`. */
static void field_error(struct strbuf *o, const char *msg, const char *id)
{
	if (!msg)
		return;
	html(o, "<p class=\"field-error\" id=\"");
	html_attr(o, id);
	html(o, "\">");
	html_txt(o, msg);
	html(o, "</p>");
}

/* The year's lock: who locked it when, its exceptions, and the link to its page. */
static void lock_cell(struct strbuf *o, const struct store_year_row *row)
{
	html(o, "<td class=\"lock\">");
	if (row->lock_id) {
		html(o, "<span class=\"status s2\">已鎖定</span><br><span class=\"muted\">");
		html_txt(o, row->locked_by);
		html(o, "，");
		html_txt(o, row->locked_at);
		strbuf_addf(o, "；例外 %d 個機關</span>", row->exceptions);
	} else {
		html(o, "<span class=\"status s0\">未鎖定</span>");
	}
	strbuf_addf(o, "<br><a href=\"/team/years/lock?year=%d\">年度鎖定</a></td>", row->year);
}

static int year_row(void *ctx, const struct store_year_row *row)
{
	struct years_rows *c = ctx;
	struct request *req = c->req;
	struct strbuf *o = &req->body;
	int y = row->year;
	const struct years_refused *bad = c->bad && c->bad->year == y ? c->bad : NULL;
	const char *dl_id = arena_printf(&req->arena, "e-dl-%d", y), *days_id = arena_printf(&req->arena, "e-days-%d", y);

	strbuf_addf(o, "<tr data-year=\"%d\"><td>民國 %d 年（%d）</td><td colspan=\"4\"><form method=\"post\" action=\"/team/years\" class=\"inline\">",
		    y, roc_year(y), y);
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">"
		    "<input type=\"checkbox\" id=\"open-%d\" name=\"is_open\" value=\"1\"%s> <label for=\"open-%d\">開放</label> "
		    "<label for=\"dl-%d\">期限</label> <input type=\"date\" id=\"dl-%d\" name=\"deadline\" value=\"",
		    y, y, (bad ? bad->open : row->is_open) ? " checked" : "", y, y, y);
	html_attr(o, bad ? bad->deadline : row->deadline);
	html(o, "\"");
	invalid_attrs(o, bad ? bad->msg : NULL, dl_id);
	strbuf_addf(o, "> <label for=\"days-%d\">確認期限</label> <input type=\"number\" id=\"days-%d\" name=\"confirm_within_days\""
		    " min=\"1\" max=\"365\" required class=\"days\" value=\"", y, y);
	if (bad && bad->days)
		html_attr(o, bad->days);
	else
		html_int(o, row->confirm_within_days);
	html(o, "\"");
	invalid_attrs(o, bad ? bad->days_msg : NULL, days_id);
	html(o, "> 天 <button type=\"submit\" class=\"secondary\">存檔</button>");
	field_error(o, bad ? bad->msg : NULL, dl_id);
	field_error(o, bad ? bad->days_msg : NULL, days_id);
	html(o, "</form></td>");
	lock_cell(o, row);
	html(o, "<td class=\"elec\">");
	html_txt(o, calc_elec_names[row->elec]);
	strbuf_addf(o, "<br><a href=\"/team/elec?year=%d\">電力排碳係數</a></td></tr>", y);
	return 0;
}

/* The list of the county's years, each its own form; bad: a refused save, or NULL. */
static int years_page(struct request *req, const struct years_refused *bad)
{
	struct strbuf *o = &req->body;
	struct years_rows c = { req, bad };

	layout_begin(req, "年度管理", "年度管理");
	html(o, "<h1>年度管理</h1><p>關閉的年度，機關只能檢視不能修改。確認期限：已登錄完成的填報超過此天數仍未確認，列入待確認清單。"
		"鎖定的年度，所有資料都不能修改；公開盤查成果前須先鎖定。</p>");
	if (req->in[YEARS_SAVED].set)
		form_flash(req, "ok", "已存檔。");
	if (bad)
		strbuf_addf(o, "<p class=\"flash error\" role=\"status\">民國 %d 年未存檔：請修正標示的欄位。</p>\n", roc_year(bad->year));
	html(o, "<table id=\"years\"><thead><tr><th>年度</th><th>開放填報</th><th>填報期限</th><th>確認期限</th><th><span class=\"visually-hidden\">存檔</span></th><th>年度鎖定</th><th>電力排碳係數</th></tr></thead><tbody>");
	if (store_year_each_of_county(&req->app->db, req->session->county_id, year_row, &c))
		return routes_unavailable(req, "team years");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

/*
 * The deadline's message when it is refused, else NULL (with *deadline the
 * date, "" for none); -1 in *err when the years could not be read.
 */
static const char *deadline_check(struct request *req, const char **deadline, int *err)
{
	const struct form_val *v = &req->in[YEARS_DEADLINE];
	const char *msg = form_error_of(req->in_err, "deadline");
	struct form_key k = team_years_keys[YEARS_DEADLINE];
	struct form_val ranged;
	struct form f = { .nerr = 0 };
	struct years span;

	*err = 0;
	*deadline = "";
	if (msg || !v->set)
		return msg;
	if (years_get(&req->app->db, &span)) {
		*err = -1;
		return NULL;
	}
	k.min = span.first;
	k.max = span.first + YEARS_MAX - 1;
	k.msg = arena_printf(&req->arena, "期限的年份須在 %lld 至 %lld 年之間。", k.min, k.max);
	if (form_read_one(req, &k, &ranged, &f) < 0) {
		*err = -1;
		return NULL;
	}
	if (f.nerr)
		return k.msg;
	*deadline = ranged.s;
	return NULL;
}

/* The year's new state and its audit lines, in one transaction; days -1: left as it is.  0 / -1. */
static int years_write(struct request *req, int year, int open, const char *deadline, int days)
{
	struct db *db = &req->app->db;
	int changed, days_changed = 0;

	if (db_begin(db))
		return -1;
	if (store_year_set(db, req->session->county_id, year, open, deadline, &changed) ||
	    (changed && audit_add(req, 0, year, open ? "年度開放" : "年度關閉", NULL, *deadline ? deadline : "（無期限）")) ||
	    (days > 0 && store_year_set_confirm_within(db, req->session->county_id, year, days, &days_changed)) ||
	    (days_changed && audit_add_county(req, year, "確認期限", NULL, arena_printf(&req->arena, "%d 天", days))) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* The 確認期限 sent: -1 when not sent (left as it is), else 1 to 365; a refusal in bad->days_msg. */
static int days_check(struct request *req, struct years_refused *bad)
{
	const struct form_val *v = &req->in[YEARS_DAYS];

	bad->days = v->raw;
	if (!v->raw)
		return -1;
	if (!v->set)   /* blank, or refused by its declaration */
		bad->days_msg = DAYS_MSG;
	return v->set ? (int)v->i : -1;
}

static int years_save(struct request *req)
{
	const struct form_val *in = req->in;
	struct years_refused bad = { .year = (int)in[YEARS_YEAR].i, .open = (int)in[YEARS_OPEN].i };
	const char *deadline;
	int known, err, days;

	/* Only a year of this county's list (an unknown one would silently change nothing). */
	known = in[YEARS_YEAR].set ? store_year_exists(&req->app->db, req->session->county_id, bad.year) : 0;
	if (known < 0)
		return routes_unavailable(req, "team years");
	if (!known) {
		req->status = 404;
		return routes_error_page(req);
	}
	bad.msg = deadline_check(req, &deadline, &err);
	if (err)
		return routes_unavailable(req, "team years: the years served");
	days = days_check(req, &bad);
	if (!bad.msg && bad.open) {
		/* A published year stays closed: its public figures must not move. */
		int pub = inventory_year_published(req, req->session->county_id, bad.year, NULL);

		if (pub < 0)
			return routes_unavailable(req, "team years");
		if (pub)
			bad.msg = "此年度盤查成果已公開，須先於「盤查清冊」撤回公開，才能重新開放填報。";
	}
	if (bad.msg || bad.days_msg) {
		bad.deadline = in[YEARS_DEADLINE].raw ? in[YEARS_DEADLINE].raw : "";
		req->status = 400;
		return years_page(req, &bad);
	}
	if (years_write(req, bad.year, bad.open, deadline, days))
		return routes_unavailable(req, "team years");
	return redirect(req, "/team/years?saved=1");
}

int page_team_years(struct request *req)
{
	if (req->method == METHOD_POST)
		return years_save(req);
	return years_page(req, NULL);
}

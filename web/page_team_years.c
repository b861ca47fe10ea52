/* page_team_years.c: 年度管理 (/team/years): the county team opens or closes a year and sets its deadline. */
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
enum { YEARS_YEAR, YEARS_OPEN, YEARS_DEADLINE, YEARS_SAVED, YEARS__MAX };
static const struct form_key team_years_keys[YEARS__MAX] = {
	[YEARS_YEAR] = { "year", FORM_YEAR },
	[YEARS_OPEN] = { "is_open", FORM_FLAG },
	[YEARS_DEADLINE] = { "deadline", FORM_DATE, 0, 0, INT_MAX },   /* the range: deadline_key() */
	[YEARS_SAVED] = { "saved", FORM_FLAG },
};
const struct form_decl team_years_in = FORM_DECL(team_years_keys);

/* A refused save: the row of `year` shows what was typed and why. */
struct years_refused {
	int year;
	int open;
	const char *deadline;   /* as typed */
	const char *msg;
};

struct years_rows {
	struct request *req;
	const struct years_refused *bad;
};

static int year_row(void *ctx, const struct store_year_row *row)
{
	struct years_rows *c = ctx;
	struct request *req = c->req;
	struct strbuf *o = &req->body;
	int y = row->year;
	const struct years_refused *bad = c->bad && c->bad->year == y ? c->bad : NULL;

	strbuf_addf(o, "<tr><td>民國 %d 年（%d）</td><td colspan=\"3\"><form method=\"post\" action=\"/team/years\" class=\"inline\">",
		    roc_year(y), y);
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">"
		    "<input type=\"checkbox\" id=\"open-%d\" name=\"is_open\" value=\"1\"%s> <label for=\"open-%d\">開放</label> "
		    "<label for=\"dl-%d\">期限</label> <input type=\"date\" id=\"dl-%d\" name=\"deadline\" value=\"",
		    y, y, (bad ? bad->open : row->is_open) ? " checked" : "", y, y, y);
	html_attr(o, bad ? bad->deadline : row->deadline);
	html(o, "\"");
	if (bad)
		strbuf_addf(o, " aria-invalid=\"true\" aria-describedby=\"e-dl-%d\"", y);
	html(o, "> <button type=\"submit\" class=\"secondary\">存檔</button>");
	if (bad) {
		strbuf_addf(o, "<p class=\"field-error\" id=\"e-dl-%d\">", y);
		html_txt(o, bad->msg);
		html(o, "</p>");
	}
	html(o, "</form></td></tr>");
	return 0;
}

/* The list of the county's years, each its own form; bad: a refused save, or NULL. */
static int years_page(struct request *req, const struct years_refused *bad)
{
	struct strbuf *o = &req->body;
	struct years_rows c = { req, bad };

	layout_begin(req, "年度管理", "年度管理");
	html(o, "<h1>年度管理</h1><p>關閉的年度，機關只能檢視不能修改。</p>");
	if (req->in[YEARS_SAVED].set)
		form_flash(req, "ok", "已存檔。");
	if (bad)
		strbuf_addf(o, "<p class=\"flash error\" role=\"status\">民國 %d 年未存檔：請修正標示的欄位。</p>\n", roc_year(bad->year));
	html(o, "<table><thead><tr><th>年度</th><th>開放填報</th><th>填報期限</th><th></th></tr></thead><tbody>");
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

/* The year's new state and its audit line, in one transaction.  0 / -1. */
static int years_write(struct request *req, int year, int open, const char *deadline)
{
	struct db *db = &req->app->db;
	int changed;

	if (db_begin(db))
		return -1;
	if (store_year_set(db, req->session->county_id, year, open, deadline, &changed) ||
	    (changed && audit_add(req, 0, year, open ? "年度開放" : "年度關閉", NULL, *deadline ? deadline : "（無期限）")) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static int years_save(struct request *req)
{
	const struct form_val *in = req->in;
	struct years_refused bad = { .year = (int)in[YEARS_YEAR].i, .open = (int)in[YEARS_OPEN].i };
	const char *deadline;
	int known, err;

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
	if (!bad.msg && bad.open) {
		/* A published year stays closed: its public figures must not move. */
		int pub = inventory_year_published(req, req->session->county_id, bad.year);

		if (pub < 0)
			return routes_unavailable(req, "team years");
		if (pub)
			bad.msg = "此年度盤查成果已公開，須先於「盤查清冊」撤回公開，才能重新開放填報。";
	}
	if (bad.msg) {
		bad.deadline = in[YEARS_DEADLINE].raw ? in[YEARS_DEADLINE].raw : "";
		req->status = 400;
		return years_page(req, &bad);
	}
	if (years_write(req, bad.year, bad.open, deadline))
		return routes_unavailable(req, "team years");
	return redirect(req, "/team/years?saved=1");
}

int page_team_years(struct request *req)
{
	if (req->method == METHOD_POST)
		return years_save(req);
	return years_page(req, NULL);
}

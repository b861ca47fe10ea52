/* page_team.c: the county inventory team's console: every agency of the county, filters,
 * the reminder list, years (open/close, deadline), unlocking and resetting accounts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "decimal.h"
#include "form.h"
#include "html.h"
#include "inventory.h"
#include "input.h"
#include "password.h"
#include "routes.h"
#include "session.h"
#include "util.h"

static const char *const status_label[] = { "未登錄", "登錄中", "已登錄完成" };

static int unavailable(struct request *req)
{
	routes_unavailable(req, "team");
	return req->status;
}

static int arg_int(struct request *req, const char *name, int def)
{
	const char *v = req_arg(req, name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	n = strtol(v, &end, 10);
	return *end ? def : (int)n;
}

/* LIKE pattern for a search: % and _ and \ taken literally. */
static const char *like_pattern(struct arena *a, const char *q)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	strbuf_addch(&sb, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			strbuf_addch(&sb, '\\');
		strbuf_addch(&sb, *q);
	}
	strbuf_addch(&sb, '%');
	out = arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return out;
}

int page_team(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct session *s = req->session;
	int year = arg_int(req, "year", 2025), level = arg_int(req, "level", 0), stf = arg_int(req, "status", -1);
	const char *qraw = req_arg(req, "q"), *q = "";
	struct db_stmt *st;
	int rows = 0;

	if (year < 2013 || year > 2100)
		year = 2025;
	if (qraw)
		input_text(&req->arena, qraw, strlen(qraw), 100, 0, &q);
	layout_begin(req, "盤查小組", "盤查小組");
	html(o, "<h1>");
	html_txt(o, s->county_name);
	strbuf_addf(o, "盤查小組：民國 %d 年填報情形</h1>", year - 1911);
	html(o, "<p class=\"links\"><a href=\"/team/years\">年度管理</a> · <a href=\"/team/accounts\">機關帳號</a></p>");
	/* The reminder list for a notice (公文): every agency not yet 已登錄完成, with contacts. */
	html(o, "<form method=\"post\" action=\"/team/reminders\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf);
	strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\"><button type=\"submit\" class=\"secondary\">"
		    "未登錄／登錄中機關名單（含聯絡人）轉excel</button></form>", year);

	/* The county's total. */
	st = db_prepare(&req->app->db,
		"SELECT IFNULL(c.total_milli, 0), IFNULL(c.outsourced_milli, 0), IFNULL(DATE_FORMAT(c.computed_at, '%Y-%m-%d %H:%i:%s'), ''),"
		" EXISTS (SELECT 1 FROM outbox o WHERE o.county_id = ? AND o.year = ? AND o.done_at IS NULL)"
		" FROM counties k LEFT JOIN county_rollups c ON c.county_id = k.id AND c.year = ? WHERE k.id = ?");
	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, s->county_id);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, s->county_id);
	if (db_exec(st) || db_step(st) != 1)
		return unavailable(req);
	html(o, "<table class=\"totals\"><tbody><tr><th>縣市合計 (KgCO₂e)</th><td class=\"num\" id=\"county-total\">");
	html_milli(o, db_col_int(st, 0));
	if (db_col_int(st, 3))
		html(o, " <span class=\"status s1 pending\">計算中</span>");
	html(o, "</td></tr><tr><th>委外部分（不納入總量計算）</th><td class=\"num\">");
	html_milli(o, db_col_int(st, 1));
	html(o, "</td></tr><tr><th>計算時間</th><td class=\"num\">");
	html_txt(o, *db_col_text(st, 2, NULL) ? db_col_text(st, 2, NULL) : "尚未計算");
	html(o, "</td></tr></tbody></table>");
	db_reset(st);

	/* Counts per status under each 一級 agency. */
	st = db_prepare(&req->app->db,
		"SELECT a.name, IFNULL(r.n_unreported, 0), IFNULL(r.n_in_progress, 0), IFNULL(r.n_complete, 0), IFNULL(r.n_agencies, 0)"
		" FROM agencies a LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" WHERE a.county_id = ? AND a.parent_id IS NULL AND a.active = 1 ORDER BY a.code");
	if (!st)
		return unavailable(req);
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, s->county_id);
	if (db_exec(st))
		return unavailable(req);
	html(o, "<table class=\"levels\"><caption>各一級機關（含所屬機關）填報狀況</caption><thead><tr><th>一級機關</th>"
		"<th class=\"num\">未登錄</th><th class=\"num\">登錄中</th><th class=\"num\">已登錄完成</th><th class=\"num\">機關數</th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		html(o, "<tr><td>");
		html_txt(o, db_col_text(st, 0, NULL));
		strbuf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
			    db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3), db_col_int(st, 4));
	}
	html(o, "</tbody></table>");

	/* Filters (a GET form: no CSRF needed, nothing changes). */
	strbuf_addf(o, "<form method=\"get\" action=\"/team\" class=\"filters\"><label for=\"f-year\">年度</label>"
		    "<select id=\"f-year\" name=\"year\">");
	for (int y = 2025; y >= 2013; y--) {
		char v[12], l[32];
		snprintf(v, sizeof(v), "%d", y);
		snprintf(l, sizeof(l), "民國 %d 年", y - 1911);
		html_option(o, v, l, y == year);
	}
	html(o, "</select> <label for=\"f-level\">層級</label><select id=\"f-level\" name=\"level\">");
	html_option(o, "", "全部", level == 0);
	html_option(o, "1", "一級", level == 1);
	html_option(o, "2", "二級", level == 2);
	html_option(o, "3", "三級", level == 3);
	html_option(o, "4", "四級以下", level == 4);
	html(o, "</select> <label for=\"f-status\">登錄狀況</label><select id=\"f-status\" name=\"status\">");
	html_option(o, "", "全部", stf < 0);
	for (int i = 0; i < 3; i++) {
		char v[12];
		snprintf(v, sizeof(v), "%d", i);
		html_option(o, v, status_label[i], stf == i);
	}
	html(o, "</select> <label for=\"f-q\">名稱或代碼</label><input id=\"f-q\" name=\"q\" maxlength=\"100\" value=\"");
	html_attr(o, q);
	html(o, "\"> <button type=\"submit\">查詢</button></form>");

	st = db_prepare(&req->app->db,
		"SELECT a.id, a.code, a.name, a.level, IFNULL(p.name, ''), IF(rep.id IS NULL, 0, IF(rep.confirmed, 2, 1)) AS stt,"
		" IFNULL(rep.own_total_milli, 0), IFNULL(r.subtree_milli, 0), IFNULL(a.contact_name, ''), IFNULL(a.contact_phone, ''),"
		" IFNULL(a.contact_email, ''), ac.locked_until IS NOT NULL AND ac.locked_until > NOW()"
		" FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
		" LEFT JOIN reports rep ON rep.agency_id = a.id AND rep.year = ?"
		" LEFT JOIN rollups r ON r.agency_id = a.id AND r.year = ?"
		" LEFT JOIN accounts ac ON ac.agency_id = a.id"
		" WHERE a.county_id = ? AND a.active = 1 AND (? = 0 OR a.level = ? OR (? = 4 AND a.level >= 4))"
		" AND (? < 0 OR IF(rep.id IS NULL, 0, IF(rep.confirmed, 2, 1)) = ?)"
		" AND (? = '' OR a.name LIKE ? OR CONVERT(a.code USING utf8mb4) LIKE ?)"
		" ORDER BY a.level, a.code LIMIT 2000");
	if (!st)
		return unavailable(req);
	const char *pat = like_pattern(&req->arena, q);
	db_bind_int(st, 0, year);
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, s->county_id);
	db_bind_int(st, 3, level);
	db_bind_int(st, 4, level);
	db_bind_int(st, 5, level);
	db_bind_int(st, 6, stf);
	db_bind_int(st, 7, stf);
	db_bind_text(st, 8, q);
	db_bind_text(st, 9, pat);
	db_bind_text(st, 10, pat);
	if (db_exec(st))
		return unavailable(req);
	html(o, "<table class=\"agencies\"><thead><tr><th>代碼</th><th>機關單位名稱</th><th>層級</th><th>上級機關</th>"
		"<th>登錄狀況</th><th class=\"num\">本機關排放量(KgCO₂e)</th><th class=\"num\">含所屬機關</th>"
		"<th>聯絡人</th><th>電話</th><th>Email</th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		int stt = (int)db_col_int(st, 5);

		rows++;
		html(o, "<tr><td>");
		html_txt(o, db_col_text(st, 1, NULL));
		html(o, "</td><td>");
		if (stt)
			strbuf_addf(o, "<a href=\"/report/view?year=%d&amp;agency=%lld\">", year, db_col_int(st, 0));
		html_txt(o, db_col_text(st, 2, NULL));
		if (stt)
			html(o, "</a>");
		if (db_col_int(st, 11))
			html(o, " <span class=\"status s0\">已鎖定</span>");
		strbuf_addf(o, "</td><td>%lld</td><td>", db_col_int(st, 3));
		html_txt(o, db_col_text(st, 4, NULL));
		strbuf_addf(o, "</td><td><span class=\"status s%d\">%s</span></td><td class=\"num\">", stt, status_label[stt]);
		html_milli(o, db_col_int(st, 6));
		html(o, "</td><td class=\"num\">");
		html_milli(o, db_col_int(st, 7));
		for (int c = 8; c <= 10; c++) {
			html(o, "</td><td>");
			html_txt(o, db_col_text(st, c, NULL));
		}
		html(o, "</td></tr>");
	}
	if (!rows)
		html(o, "<tr><td colspan=\"10\" class=\"empty\">沒有符合條件的機關。</td></tr>");
	strbuf_addf(o, "</tbody></table><p class=\"muted\">共 %d 個機關。</p>", rows);
	layout_end(req);
	return req->status;
}

/* 年度管理: open or close a year, set its deadline. */
int page_team_years(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct session *s = req->session;
	struct form f = { .nerr = 0 };
	struct db_stmt *st;
	int year = 0, open = 0;
	const char *dl_raw = NULL;

	if (req->method == METHOD_POST) {
		const char *dl = "";
		enum input_err e;
		int known;

		year = arg_int(req, "year", 0);
		open = query_get(&req->form, "is_open") != NULL;
		dl_raw = req_arg(req, "deadline");
		/* Only a year of this county's list (an unknown one would silently change nothing). */
		st = db_prepare(&req->app->db, "SELECT 1 FROM inventory_years WHERE county_id = ? AND year = ?");
		if (!st || (db_bind_int(st, 0, s->county_id), db_bind_int(st, 1, year), db_exec(st)))
			return unavailable(req);
		known = db_step(st) == 1;
		db_reset(st);
		if (!known) {
			req->status = 404;
			return routes_error_page(req);
		}
		e = input_date(&req->arena, dl_raw, dl_raw ? strlen(dl_raw) : 0, 2013, 2100, &dl);
		if (e == INPUT_DATE_RANGE)
			form_error(&f, "deadline", "期限的年份須在 2013 至 2100 年之間。");
		else if (e && e != INPUT_EMPTY)
			form_error(&f, "deadline", input_message(e));
		if (!f.nerr && open) {
			/* A published year stays closed: its public figures must not move. */
			int pub = inventory_year_published(req, s->county_id, year);

			if (pub < 0)
				return unavailable(req);
			if (pub)
				form_error(&f, "deadline", "此年度盤查成果已公開，須先於「盤查清冊」撤回公開，才能重新開放填報。");
		}
		if (!f.nerr) {
			st = db_prepare(&req->app->db, "UPDATE inventory_years SET is_open = ?, deadline = NULLIF(?, '') WHERE county_id = ? AND year = ?");
			if (!st)
				return unavailable(req);
			db_bind_int(st, 0, open);
			db_bind_text(st, 1, dl);
			db_bind_int(st, 2, s->county_id);
			db_bind_int(st, 3, year);
			if (db_exec(st))
				return unavailable(req);
			if (db_affected(st) && audit_add(req, 0, year, open ? "年度開放" : "年度關閉", NULL, *dl ? dl : "（無期限）"))
				return unavailable(req);
			redirect(req, "/team/years?saved=1");
			return req->status;
		}
		req->status = 400;
	}
	st = db_prepare(&req->app->db, "SELECT year, is_open, IFNULL(DATE_FORMAT(deadline, '%Y-%m-%d'), '') FROM inventory_years"
			    " WHERE county_id = ? ORDER BY year DESC");
	if (!st || (db_bind_int(st, 0, s->county_id), db_exec(st)))
		return unavailable(req);
	layout_begin(req, "年度管理", "年度管理");
	html(o, "<h1>年度管理</h1><p>關閉的年度，機關只能檢視不能修改。</p>");
	if (req_arg(req, "saved"))
		form_flash(req, "ok", "已存檔。");
	if (f.nerr)
		strbuf_addf(o, "<p class=\"flash error\" role=\"status\">民國 %d 年未存檔：請修正標示的欄位。</p>\n", year - 1911);
	html(o, "<table><thead><tr><th>年度</th><th>開放填報</th><th>填報期限</th><th></th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		int y = (int)db_col_int(st, 0);
		/* The refused row shows what was typed and why, beside its field. */
		const char *err = y == year ? form_error_of(&f, "deadline") : NULL;

		strbuf_addf(o, "<tr><td>民國 %d 年（%d）</td><td colspan=\"3\"><form method=\"post\" action=\"/team/years\" class=\"inline\">", y - 1911, y);
		html_hidden(o, "csrf", req->csrf);
		strbuf_addf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">"
			    "<input type=\"checkbox\" id=\"open-%d\" name=\"is_open\" value=\"1\"%s> <label for=\"open-%d\">開放</label> "
			    "<label for=\"dl-%d\">期限</label> <input type=\"date\" id=\"dl-%d\" name=\"deadline\" value=\"",
			    y, y, (err ? open : db_col_int(st, 1)) ? " checked" : "", y, y, y);
		html_attr(o, err ? (dl_raw ? dl_raw : "") : db_col_text(st, 2, NULL));
		html(o, "\"");
		if (err)
			strbuf_addf(o, " aria-invalid=\"true\" aria-describedby=\"e-dl-%d\"", y);
		html(o, "> <button type=\"submit\" class=\"secondary\">存檔</button>");
		if (err) {
			strbuf_addf(o, "<p class=\"field-error\" id=\"e-dl-%d\">", y);
			html_txt(o, err);
			html(o, "</p>");
		}
		html(o, "</form></td></tr>");
	}
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

/* 機關帳號: unlock (解鎖機關帳號) and reset passwords with a one-time password shown once. */
int page_team_accounts(struct request *req)
{
	struct strbuf *o = &req->body;
	const struct session *s = req->session;
	const char *otp = NULL, *who = NULL;
	struct db_stmt *st;

	if (req->method == METHOD_POST) {
		const char *action = req_arg(req, "action");
		long long acc = strtoll(req_arg(req, "account") ? req_arg(req, "account") : "0", NULL, 10);
		long long agency = 0;

		/* Only an account of this county's agencies. */
		st = db_prepare(&req->app->db, "SELECT a.agency_id, a.login FROM accounts a WHERE a.id = ? AND a.kind = 'agency' AND a.county_id = ?");
		if (!st)
			return unavailable(req);
		db_bind_int(st, 0, acc);
		db_bind_int(st, 1, s->county_id);
		if (db_exec(st))
			return unavailable(req);
		if (db_step(st) != 1) {
			req->status = 404;
			return routes_error_page(req);
		}
		agency = db_col_int(st, 0);
		who = arena_strdup(&req->arena, db_col_text(st, 1, NULL));
		db_reset(st);
		if (action && !strcmp(action, "unlock")) {
			st = db_prepare(&req->app->db, "UPDATE accounts SET failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE id = ?");
			if (!st || (db_bind_int(st, 0, acc), db_exec(st)) || audit_add(req, agency, 0, "解鎖機關帳號", NULL, who))
				return unavailable(req);
			redirect(req, "/team/accounts?unlocked=1");
			return req->status;
		}
		if (action && !strcmp(action, "reset")) {
			char pw[13], hash[PASSWORD_HASH_MAX];

			if (password_onetime(pw) || password_hash(pw, 12, hash))
				return unavailable(req);
			if (db_begin(&req->app->db))
				return unavailable(req);
			st = db_prepare(&req->app->db, "UPDATE accounts SET password_hash = ?, must_change_password = 1, failed_logins = 0,"
					    " first_failed_at = NULL, locked_until = NULL WHERE id = ?");
			if (!st || (db_bind_text(st, 0, hash), db_bind_int(st, 1, acc), db_exec(st)))
				goto rollback;
			st = db_prepare(&req->app->db, "DELETE FROM sessions WHERE account_id = ?");
			if (!st || (db_bind_int(st, 0, acc), db_exec(st)))
				goto rollback;
			if (audit_add(req, agency, 0, "重設密碼", NULL, "已重設（一次性密碼）") || db_commit(&req->app->db))
				goto rollback;
			otp = arena_strdup(&req->arena, pw);
		}
	}
	st = db_prepare(&req->app->db,
		"SELECT ac.id, g.code, g.name, ac.locked_until IS NOT NULL AND ac.locked_until > NOW(), ac.must_change_password"
		" FROM accounts ac JOIN agencies g ON g.id = ac.agency_id WHERE ac.county_id = ? AND ac.kind = 'agency'"
		" AND g.active = 1 ORDER BY g.level, g.code LIMIT 5000");
	if (!st || (db_bind_int(st, 0, s->county_id), db_exec(st)))
		return unavailable(req);
	layout_begin(req, "機關帳號", "機關帳號");
	html(o, "<h1>機關帳號</h1>");
	if (req_arg(req, "unlocked"))
		form_flash(req, "ok", "已解鎖。");
	if (otp) {
		html(o, "<div class=\"flash ok\" role=\"status\">已重設 ");
		html_txt(o, who);
		html(o, " 的密碼。一次性密碼（只顯示這一次，首次登入須變更）：<strong id=\"otp\">");
		html_txt(o, otp);
		html(o, "</strong></div>");
	}
	html(o, "<table><thead><tr><th>帳號</th><th>機關單位名稱</th><th>狀態</th><th>操作</th></tr></thead><tbody>");
	while (db_step(st) == 1) {
		long long id = db_col_int(st, 0);
		int locked = (int)db_col_int(st, 3);

		html(o, "<tr><td>");
		html_txt(o, db_col_text(st, 1, NULL));
		html(o, "</td><td>");
		html_txt(o, db_col_text(st, 2, NULL));
		html(o, "</td><td>");
		html(o, locked ? "<span class=\"status s0\">已鎖定</span>" : db_col_int(st, 4) ? "待變更密碼" : "正常");
		html(o, "</td><td>");
		for (int a = 0; a < 2; a++) {
			if (a == 0 && !locked)
				continue;
			html(o, "<form method=\"post\" action=\"/team/accounts\" class=\"inline\">");
			html_hidden(o, "csrf", req->csrf);
			strbuf_addf(o, "<input type=\"hidden\" name=\"account\" value=\"%lld\"><input type=\"hidden\" name=\"action\" value=\"%s\">"
				    "<button type=\"submit\" class=\"secondary\">%s</button></form> ", id, a ? "reset" : "unlock",
				    a ? "重設密碼" : "解鎖機關帳號");
		}
		html(o, "</td></tr>");
	}
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
rollback:
	db_rollback(&req->app->db);
	unavailable(req);
	return req->status;
}

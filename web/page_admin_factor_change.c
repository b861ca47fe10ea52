/* page_admin_factor_change.c: factor day in the console: 新增或取代係數 (POST /admin/factors), a change's
 * page (/admin/factors/change?id=) with its preview, 套用 and 取消, and its run's progress. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "calc.h"
#include "factor_change_view.h"
#include "form.h"
#include "html.h"
#include "input.h"
#include "routes.h"
#include "session.h"
#include "store_console.h"
#include "store_factorday.h"

/*
 * DESIGN: a change is never applied as it is typed.  It is saved as a
 * draft, and the exporter worker computes its preview (factor_day.c: which
 * county-years, how many agency-years and lines, the change of the
 * agencies' own total per county-year, and how many of those agency-years
 * are confirmed or locked and get a 重算值 instead).  Only a previewed
 * draft can be applied (套用): it is queued, and runs when no other change
 * runs.  One unfinished change per factor (migration 0032).
 */

static const char KEY_BAD[] = "係數代碼為 3 至 64 個英文字母、數字、底線或連字號（照係數表的寫法，例：ef113_diesel_stationary_CO2、gwp_AR5_HFC-32）。";
static const char VALUE_BAD[] = "請填寫係數數值：0 以上的數字（至多 12 位小數）。";
static const char SOURCE_BAD[] = "請填寫來源（公告文號、日期或網址；600 字以內）。";
static const char CI_BAD[] = "不確定性為 0 至 1000 的百分比（至多 3 位小數）；下限與上限須一起填寫，或都空白。";

/* A bound typed as a percent ("7.0", input_number_chars) in thousandths of a percent, or -1 when it is none. */
static int ci_of(const struct form_val *f)
{
	dec_t v, max;
	long long m;

	dec_from_int(1000, &max);
	if (!input_number_chars(f->raw, strlen(f->raw)) || dec_parse(f->s, strlen(f->s), 3, 0, &v) != DEC_OK || dec_cmp(v, max) > 0 ||
	    dec_to_scaled_i64(v, 3, &m))
		return -1;
	return (int)m;
}
static const char *const conf_keys[] = { "official", "provisional", NULL };
static const char *const conf_names[] = { "正式公告", "暫用" };

enum { CH_KEY, CH_VALUE, CH_FROM, CH_TO, CH_CONF, CH_SOURCE, CH_CATEGORY, CH_UNIT, CH_CI_LOWER, CH_CI_UPPER, CH__MAX };
static const struct form_key admin_factor_change_keys[CH__MAX] = {
	[CH_KEY] = { "key", FORM_TEXT, FORM_REQUIRED, .max = 64, .msg = KEY_BAD },
	[CH_VALUE] = { "value", FORM_TEXT, FORM_REQUIRED, .max = 40, .msg = VALUE_BAD },
	[CH_FROM] = { "valid_from", FORM_INT, 0, 1990, 2100, .msg = "適用年度須為 1990 至 2100 的西元年。" },
	[CH_TO] = { "valid_to", FORM_INT, 0, 1990, 2100, .msg = "適用年度須為 1990 至 2100 的西元年。" },
	[CH_CONF] = { "confidence", FORM_ENUM, FORM_REQUIRED, .choices = conf_keys, .msg = "請選擇信度。" },
	[CH_SOURCE] = { "source", FORM_TEXT, FORM_REQUIRED, .max = 600, .msg = SOURCE_BAD },
	[CH_CATEGORY] = { "category", FORM_TEXT, 0, .max = 40 },
	[CH_UNIT] = { "unit", FORM_TEXT, 0, .max = 40 },
	[CH_CI_LOWER] = { "ci_lower", FORM_TEXT, 0, .max = 12 },
	[CH_CI_UPPER] = { "ci_upper", FORM_TEXT, 0, .max = 12 },
};
const struct form_decl admin_factor_change_in = FORM_DECL(admin_factor_change_keys);

enum { ONE_ID, ONE__MAX };
static const struct form_key admin_factor_one_keys[ONE__MAX] = {
	[ONE_ID] = { "id", FORM_ID, FORM_REQUIRED },
};
const struct form_decl admin_factor_one_in = FORM_DECL(admin_factor_one_keys);

/* The form of a change, with what was typed and its refusals (f NULL: empty). */
void admin_factor_change_form(struct request *req, const struct form *f)
{
	struct strbuf *o = &req->body;
	const struct form_val *in = f ? req->in : NULL;
	const char *conf = in && in[CH_CONF].set ? conf_keys[in[CH_CONF].i] : "official";
	const char *conf_err = f ? form_error_of(f, "confidence") : NULL;
#define V(k) (in && in[k].raw ? in[k].raw : "")

	html(o, "<form method=\"post\" action=\"/admin/factors\" id=\"factor-change\" novalidate><fieldset><legend>新增或取代係數</legend>"
		"<p class=\"muted\">先存為草稿並計算預覽（影響的縣市年度、機關年度、明細與排放量變化），確認後再套用。"
		"套用後，未確認的填報就地重算並留下「係數更新」紀錄；已確認、已鎖定或已公開的數值不覆寫，改列重算值。</p>");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", "propose");
	struct field fs[] = {
		{ .name = "key", .label = "係數代碼（例：elec_grid_2026）", .value = V(CH_KEY), .maxlength = 64, .required = 1, .autocomplete = "off" },
		{ .name = "value", .label = "數值", .value = V(CH_VALUE), .maxlength = 40, .required = 1, .decimal = 1 },
		{ .name = "valid_from", .label = "適用年度起（西元）", .value = V(CH_FROM), .maxlength = 4 },
		{ .name = "valid_to", .label = "適用年度迄（西元）", .value = V(CH_TO), .maxlength = 4 },
		{ .name = "source", .label = "來源", .value = V(CH_SOURCE), .maxlength = 600, .required = 1 },
		{ .name = "category", .label = "類別（新係數才需填，例：electricity）", .value = V(CH_CATEGORY), .maxlength = 40 },
		{ .name = "unit", .label = "單位（新係數才需填，例：kgCO2e/kWh）", .value = V(CH_UNIT), .maxlength = 40 },
		{ .name = "ci_lower", .label = "不確定性下限（95 %，係數的百分比，例：7.0；空白：不變）", .value = V(CH_CI_LOWER), .maxlength = 12, .decimal = 1 },
		{ .name = "ci_upper", .label = "不確定性上限（95 %，係數的百分比；空白：不變）", .value = V(CH_CI_UPPER), .maxlength = 12, .decimal = 1 },
	};
	for (size_t i = 0; i < 4; i++)
		form_field(req, f, &fs[i]);
	html(o, "<div class=\"field\"><label for=\"f-confidence\">信度</label><div class=\"control\"><select id=\"f-confidence\" name=\"confidence\"");
	if (conf_err)
		html(o, " aria-invalid=\"true\" aria-describedby=\"e-confidence\"");
	html(o, ">");
	for (int i = 0; conf_keys[i]; i++)
		html_option(o, conf_keys[i], conf_names[i], !strcmp(conf, conf_keys[i]));
	html(o, "</select>");
	if (conf_err) {
		html(o, "<p class=\"field-error\" id=\"e-confidence\">");
		html_txt(o, conf_err);
		html(o, "</p>");
	}
	html(o, "</div></div>");
	for (size_t i = 4; i < sizeof(fs) / sizeof(fs[0]); i++)
		form_field(req, f, &fs[i]);
	html(o, "<div class=\"actions\"><button type=\"submit\">存為草稿並預覽</button></div></fieldset></form>");
#undef V
}


/*
 * 3 to 64 of [a-z0-9_]: a category; with `key`, of [A-Z-] too: a factor key
 * as factors.fkey holds every one of them (ef113_diesel_stationary_CO2, gwp_AR5_HFC-32).
 */
static int key_ok(const char *s, int key)
{
	size_t n = strlen(s);

	if (n < 3 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (key && ((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-')) ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * The years typed, with the factor's own where left blank, must be a range;
 * the change is recomputed from the lower of its first year before and
 * after (store_fd_create): a report of a year the factor leaves is moved
 * as one of a year it takes.
 */
static void years_check(struct request *req, struct form *f, const struct form_val *in, struct store_fd_change *c)
{
	int from = in[CH_FROM].set ? (int)in[CH_FROM].i : c->valid_from;
	int to = in[CH_TO].set ? (int)in[CH_TO].i : c->valid_to;

	c->recompute_from = c->is_new ? from : !from || !c->valid_from ? 0 : from < c->valid_from ? from : c->valid_from;
	if (!from || !to || to >= from || form_error_of(f, "valid_from") || form_error_of(f, "valid_to"))
		return;
	if (in[CH_FROM].set && in[CH_TO].set)
		form_error(f, "valid_to", "適用年度迄不可早於起。");
	else if (in[CH_FROM].set)
		form_error(f, "valid_from", c->is_new ? "適用年度起不可晚於迄。" :
			   arena_printf(&req->arena, "適用年度起不可晚於這個係數現行的適用年度迄（%d）；要一併變更請填寫迄。", to));
	else
		form_error(f, "valid_to", arena_printf(&req->arena, "適用年度迄不可早於這個係數現行的適用年度起（%d）；要一併變更請填寫起。", from));
}

int page_admin_factor_propose(struct request *req)
{
	struct db *db = &req->app->db;
	struct form *f = req->in_err;
	const struct form_val *in = req->in;
	struct store_fd_change c;
	long long id = 0;
	dec_t v, max;
	int r = 0;

	memset(&c, 0, sizeof(c));
	if (in[CH_KEY].set && !key_ok(in[CH_KEY].s, 1) && !form_error_of(f, "key"))
		form_error(f, "key", KEY_BAD);
	/* The counties' choices of electricity variant are changes of these keys (page_team_elec.c): never a factor. */
	if (in[CH_KEY].set && !strncasecmp(in[CH_KEY].s, "elec_variant_", 13) && !form_error_of(f, "key"))
		form_error(f, "key", "elec_variant_ 開頭的代碼保留給縣市的電力排碳係數選擇（年度管理 → 電力排碳係數）。");
	dec_from_int(CALC_FACTOR_MAX, &max);
	if (in[CH_VALUE].set && !form_error_of(f, "value") && (!input_number_chars(in[CH_VALUE].raw, strlen(in[CH_VALUE].raw)) ||
	    dec_parse(in[CH_VALUE].s, strlen(in[CH_VALUE].s), 12, 0, &v) != DEC_OK || dec_cmp(v, max) > 0))
		form_error(f, "value", VALUE_BAD);
	if (in[CH_FROM].set && in[CH_TO].set && in[CH_TO].i < in[CH_FROM].i)
		form_error(f, "valid_to", "適用年度迄不可早於起。");
	c.ci_lower_milli = c.ci_upper_milli = -1;
	if (in[CH_CI_LOWER].set || in[CH_CI_UPPER].set) {
		c.ci_lower_milli = in[CH_CI_LOWER].set ? ci_of(&in[CH_CI_LOWER]) : -1;
		c.ci_upper_milli = in[CH_CI_UPPER].set ? ci_of(&in[CH_CI_UPPER]) : -1;
		if (c.ci_lower_milli < 0 || c.ci_upper_milli < 0) {
			form_error(f, c.ci_lower_milli < 0 ? "ci_lower" : "ci_upper", CI_BAD);
			c.ci_lower_milli = c.ci_upper_milli = -1;
		}
	}
	if (!form_error_of(f, "key") && in[CH_KEY].set) {
		snprintf(c.key, sizeof(c.key), "%s", in[CH_KEY].s);
		r = store_fd_factor(db, c.key, &c);
		if (r < 0)
			return routes_unavailable(req, "factor change");
		c.is_new = r == 0;
		if (c.is_new) {
			char same[65];

			r = store_fd_key_other_case(db, c.key, same, sizeof(same));
			if (r < 0)
				return routes_unavailable(req, "factor change");
			if (r)
				form_error(f, "key", arena_printf(&req->arena, "係數表已有只差大小寫的代碼 %s：要取代它，請照係數表的寫法填寫。", same));
		}
		years_check(req, f, in, &c);
		if (c.is_new && (!in[CH_CATEGORY].set || !key_ok(in[CH_CATEGORY].s, 0)))
			form_error(f, "category", "新係數須填類別（小寫英文字母、數字或底線，例：electricity）。");
		if (c.is_new && !in[CH_UNIT].set)
			form_error(f, "unit", "新係數須填單位（例：kgCO2e/kWh）。");
		if (!c.is_new && in[CH_VALUE].set && in[CH_CONF].set && !strcmp(c.old_value, in[CH_VALUE].s) &&
		    !strcmp(c.old_confidence, conf_keys[in[CH_CONF].i]) &&
		    (c.ci_lower_milli < 0 || (c.ci_lower_milli == c.old_ci_lower_milli && c.ci_upper_milli == c.old_ci_upper_milli)))
			form_error(f, "value", "數值與信度都與現行相同：沒有要變更的。");
	}
	if (!f->nerr) {
		if (c.is_new) {
			snprintf(c.category, sizeof(c.category), "%s", in[CH_CATEGORY].s);
			snprintf(c.unit, sizeof(c.unit), "%s", in[CH_UNIT].s);
		}
		snprintf(c.value, sizeof(c.value), "%s", in[CH_VALUE].s);
		snprintf(c.source, sizeof(c.source), "%s", in[CH_SOURCE].s);
		snprintf(c.confidence, sizeof(c.confidence), "%s", conf_keys[in[CH_CONF].i]);
		/* Years left blank keep the factor's own (a new one's: open). */
		if (in[CH_FROM].set)
			c.valid_from = (int)in[CH_FROM].i;
		if (in[CH_TO].set)
			c.valid_to = (int)in[CH_TO].i;
		if (db_begin(db))
			return routes_unavailable(req, "factor change");
		r = store_fd_create(db, &c, req->session->account_id, &id);
		if (r == 0)
			form_error(f, "key", "這個係數已有一筆尚未完成的變更（草稿、排隊或執行中）：請先完成或取消它。");
		if (r < 0 || (r == 1 && (store_console_audit(db, req->session->account_id, 0, 0, "係數變更草稿",
							       arena_printf(&req->arena, "%s：%s → %s（%s）", c.key,
									    c.is_new ? "（新增）" : c.old_value, c.value, c.confidence),
							       req->remote_addr) || db_commit(db)))) {
			db_rollback(db);
			return routes_unavailable(req, "factor change");
		}
		if (r == 0)
			db_rollback(db);
	}
	if (f->nerr) {
		req->status = 400;
		return page_admin_factors_render(req, f);
	}
	return redirect(req, arena_printf(&req->arena, "/admin/factors/change?id=%lld", id));
}

/* The small form of an action on change id. */
static void action_button(struct request *req, long long id, const char *action, const char *label, const char *cls)
{
	struct strbuf *o = &req->body;

	html(o, "<form method=\"post\" action=\"/admin/factors/change\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf);
	html_hidden(o, "action", action);
	strbuf_addf(o, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><button type=\"submit\" class=\"%s\">", id, cls);
	html_txt(o, label);
	html(o, "</button></form> ");
}

static int change_page(struct request *req, long long id, const char *flash, const char *kind)
{
	struct strbuf *o = &req->body;
	struct store_fd_change c;
	int r = store_fd_get(&req->app->db, id, &c);

	if (r <= 0) {
		if (r < 0)
			return routes_unavailable(req, "factor change");
		req->status = 404;
		return routes_error_page(req);
	}
	layout_begin(req, "係數變更", "係數變更");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/admin\">平台管理</a> › <a href=\"/admin/factors\">係數表</a> › 係數變更</nav>");
	strbuf_addf(o, "<h1>係數變更 #%lld：<code>", c.id);
	html_txt(o, c.key);
	html(o, "</code></h1>");
	if (flash)
		form_flash(req, kind, flash);
	html(o, "<dl class=\"facts\" id=\"change\"><dt>狀態</dt><dd id=\"change-status\">");
	html_txt(o, factor_change_status(&c));
	if (c.unlock) {
		html(o, "</dd><dt>解除鎖定</dt><dd id=\"unlock\">");
		html_txt(o, c.county);
		strbuf_addf(o, " %d 年解除年度鎖定：鎖定期間保留的重算值，於未確認的填報與非機關活動就地套用（已確認的填報維持重算值）", c.first_year);
	} else if (c.county_id) {
		/* A county team's choice of electricity variant (page_team_elec.c): its own names, not key values. */
		html(o, "</dd><dt>縣市選擇</dt><dd id=\"choice\">");
		html_txt(o, c.county);
		strbuf_addf(o, " %d 年電力排碳係數：", c.first_year);
		html_txt(o, calc_elec_names[calc_elec_of(c.old_value)]);
		html(o, " → <strong>");
		html_txt(o, calc_elec_names[calc_elec_of(c.value)]);
		html(o, "</strong>");
	} else {
		html(o, "</dd><dt>數值</dt><dd>");
		html_txt(o, c.is_new ? "（新增）" : c.old_value);
		html(o, " → <strong>");
		html_txt(o, c.value);
		html(o, "</strong> ");
		html_txt(o, c.unit);
	}
	if (!c.unlock) {
		html(o, "</dd><dt>信度</dt><dd>");
		html_txt(o, !strcmp(c.confidence, "provisional") ? "暫用" : "正式公告");
	}
	if (c.ci_lower_milli >= 0) {
		html(o, "</dd><dt>不確定性（95 %）</dt><dd>");
		if (c.old_ci_lower_milli >= 0)
			strbuf_addf(o, "−%d.%03d %% / +%d.%03d %% → ", c.old_ci_lower_milli / 1000, c.old_ci_lower_milli % 1000,
				    c.old_ci_upper_milli / 1000, c.old_ci_upper_milli % 1000);
		else
			html(o, "未評估 → ");
		strbuf_addf(o, "−%d.%03d %% / +%d.%03d %%", c.ci_lower_milli / 1000, c.ci_lower_milli % 1000, c.ci_upper_milli / 1000,
			    c.ci_upper_milli % 1000);
	}
	strbuf_addf(o, "</dd><dt>重算的年度</dt><dd>%d–%d</dd><dt>%s</dt><dd>", c.first_year, c.last_year, c.unlock ? "解除理由" : "來源");
	html_txt(o, c.source);
	html(o, "</dd><dt>建立</dt><dd>");
	html_txt(o, c.created_at);
	html(o, " ");
	html_txt(o, c.by);
	html(o, "</dd>");
	factor_change_progress(o, &c);
	if (*c.error) {
		html(o, "<dt>錯誤</dt><dd>");
		html_txt(o, c.error);
		html(o, "</dd>");
	}
	html(o, "</dl>");
	if (!c.unlock && factor_change_effects(req, &c))   /* an unlock's run has no preview */
		return routes_unavailable(req, "factor change");
	if (c.county_id && !c.unlock && (!strcmp(c.status, "draft") || !strcmp(c.status, "failed")))
		html(o, "<p>這是縣市團隊對該年度電力排碳係數的選擇：由該縣市團隊套用、取消或重新執行。</p>");
	else if (!strcmp(c.status, "failed")) {
		html(o, c.unlock ? "<p id=\"retry-note\">解除鎖定後的重新計算未完成。排除上方錯誤所指的資料後，請重新執行（從中斷處繼續；年度須仍未鎖定）。</p><p>"
			: "<p id=\"retry-note\">重新計算未完成。若係數已寫入（此後的存檔都已採用新係數），排除上方錯誤所指的資料後，請重新執行（從中斷處繼續）。</p><p>");
		action_button(req, c.id, "retry", "重新執行", "");
		html(o, "</p>");
	}
	else if (!strcmp(c.status, "draft")) {
		html(o, "<p>");
		if (!strcmp(c.preview_status, "done"))
			action_button(req, c.id, "apply", "套用", "");
		action_button(req, c.id, "cancel", "取消這個草稿", "secondary");
		html(o, "</p>");
	}
	layout_end(req);
	return req->status;
}

int page_admin_factor_change(struct request *req)
{
	if (req->in_err->nerr) {
		req->status = 404;
		return routes_error_page(req);
	}
	return change_page(req, req->in[ONE_ID].i, NULL, NULL);
}

enum act { ACT_CANCEL, ACT_APPLY, ACT_RETRY };

/* 套用 or 取消 of a draft, or 重新執行 of a change whose run failed. */
static int act(struct request *req, enum act what)
{
	static const char *const audit_what[] = { "取消係數變更", "套用係數變更", "重新執行係數變更" };
	static const char *const refused[] = { "只有草稿可以取消。", "只有已預覽的草稿可以套用。",
		"只有寫入係數後才失敗的變更可以重新執行（在寫入係數之前失敗的，或同一係數已有另一筆尚未完成的變更，請重新建立變更）。" };
	struct db *db = &req->app->db;
	long long id = req->in[ONE_ID].i;
	struct store_fd_change c;
	int r;

	if (req->in_err->nerr) {
		req->status = 404;
		return routes_error_page(req);
	}
	if (db_begin(db))
		return routes_unavailable(req, "factor change");
	/* A county's choice of electricity variant is its team's to apply or cancel (page_team_elec.c), not the platform's. */
	r = store_fd_get(db, id, &c);
	if (r == 1 && c.county_id && !c.unlock) {
		db_rollback(db);
		req->status = 409;
		return change_page(req, id, "這是縣市團隊的選擇，只能由該縣市團隊套用、取消或重新執行。", "error");
	}
	r = r < 0 ? -1 : what == ACT_APPLY ? store_fd_queue(db, id) : what == ACT_RETRY ? store_fd_retry(db, id) : store_fd_cancel(db, id);
	if (r < 0 || (r == 1 && (store_console_audit(db, req->session->account_id, 0, 0, audit_what[what],
						       arena_printf(&req->arena, "#%lld", id), req->remote_addr) || db_commit(db)))) {
		db_rollback(db);
		return routes_unavailable(req, "factor change");
	}
	if (r == 0) {
		db_rollback(db);
		req->status = 409;
		return change_page(req, id, refused[what], "error");
	}
	return redirect(req, arena_printf(&req->arena, "/admin/factors/change?id=%lld", id));
}

int page_admin_factor_apply(struct request *req)
{
	return act(req, ACT_APPLY);
}

int page_admin_factor_cancel(struct request *req)
{
	return act(req, ACT_CANCEL);
}

int page_admin_factor_retry(struct request *req)
{
	return act(req, ACT_RETRY);
}

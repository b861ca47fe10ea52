/* page_admin_factors.c: 係數表 (/admin/factors), every factor the calculation uses with its kind, value,
 * unit, the years it is valid, its source, its confidence and its uncertainty, by category and year. */
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "html.h"
#include "quality.h"
#include "routes.h"
#include "session.h"
#include "store_console.h"
#include "store_factor.h"
#include "store_factorday.h"

void admin_factor_change_form(struct request *req, const struct form *f);

/*
 * DESIGN: the table as the calculation reads it (factors, loaded from
 * migrations/data/emission-factors.csv with the intervals of
 * factor-uncertainty.csv), never a copy: what this page shows is what
 * every line was computed with.  Electricity is the inventory's 排碳係數
 * (never the policy 排放係數); where a year has the announced variants
 * (2025: 公用售電業整體, 產業, 民生), the calculation uses the overall one
 * (shared/calc.c), which the page says beside the table.
 */

/* The categories in the order shown (the filter's choices, NULL-terminated), and their names. */
static const char *const category_keys[] = {
	"electricity", "stationary_combustion", "mobile_combustion", "heat_value", "gwp", "fugitive_refrigerant",
	"fugitive_fire_extinguisher", "fugitive_septic", "agriculture_rice", "agriculture_livestock", "waste_landfill",
	"waste_incineration", "waste_biological", "waste_wastewater", "conversion", NULL,
};
#define NCATEGORIES (int)(sizeof(category_keys) / sizeof(category_keys[0]) - 1)
static const char *const category_names[NCATEGORIES] = {
	"電力排碳係數", "固定燃燒", "移動燃燒", "熱值", "全球暖化潛勢（GWP）", "冷媒逸散", "滅火器逸散", "化糞池逸散",
	"農業：稻作", "農業：畜牧", "廢棄物：掩埋", "廢棄物：焚化", "廢棄物：生物處理", "廢棄物：廢水", "單位換算",
};

enum { FAC_CATEGORY, FAC_YEAR, FAC__MAX };
static const struct form_key admin_factors_keys[FAC__MAX] = {
	[FAC_CATEGORY] = { "category", FORM_ENUM, 0, .choices = category_keys },
	[FAC_YEAR] = { "year", FORM_INT, 0, 1990, 2100, .msg = "年度須為 1990 至 2100 的西元年。" },
};
const struct form_decl admin_factors_in = FORM_DECL(admin_factors_keys);

static const char *category_name(const char *key)
{
	for (int i = 0; i < NCATEGORIES; i++)
		if (!strcmp(category_keys[i], key))
			return category_names[i];
	return key;
}

struct listing {
	struct strbuf *o;
	int n;
};

static int factor_row(void *ctx, const struct store_console_factor *f)
{
	struct listing *l = ctx;
	struct strbuf *o = l->o;
	char b[64];

	l->n++;
	html(o, "<tr><td><code>");
	html_txt(o, f->key);
	html(o, "</code></td><td>");
	html_txt(o, category_name(f->category));
	html(o, "</td><td>");
	html_txt(o, f->scope);
	html(o, "</td><td>");
	html_txt(o, f->gas);
	html(o, "</td><td class=\"num\">");
	html_txt(o, f->value);
	html(o, "</td><td>");
	html_txt(o, f->unit);
	html(o, "</td><td>");
	if (f->valid_from && f->valid_from == f->valid_to)
		strbuf_addf(o, "%d", f->valid_from);
	else if (f->valid_from && f->valid_to)
		strbuf_addf(o, "%d–%d", f->valid_from, f->valid_to);
	else if (f->valid_from)
		strbuf_addf(o, "%d 起", f->valid_from);
	else if (f->valid_to)
		strbuf_addf(o, "至 %d", f->valid_to);
	else
		html(o, "不限");
	strbuf_addf(o, "</td><td><span class=\"status %s\">", !strcmp(f->confidence, "provisional") ? "s1" : "s3");
	html_txt(o, calc_confidence_names[store_factor_confidence(f->confidence)]);
	html(o, "</span></td><td>");
	if (f->has_ci) {
		struct quality_uncertainty u = { 1, { f->ci_lower_milli, f->ci_upper_milli }, 10000 };

		quality_interval_text(&u, b, sizeof(b));
		html_txt(o, b);
		if (*f->ci_source) {
			html(o, "<br><span class=\"muted\">");
			html_txt(o, f->ci_source);
			html(o, "</span>");
		}
	} else {
		html(o, "未評估");
	}
	html(o, "</td><td class=\"source\">");
	html_txt(o, f->source);
	html(o, "</td></tr>");
	return 0;
}

static int change_row(void *ctx, const struct store_fd_change *c)
{
	struct listing *l = ctx;
	struct strbuf *o = l->o;

	l->n++;
	strbuf_addf(o, "<tr><td><a href=\"/admin/factors/change?id=%lld\">#%lld</a></td><td>", c->id, c->id);
	if (c->unlock) {
		/* Queued by a county team's 解除鎖定 (store_fd_unlock_queue): no factor of its own. */
		html_txt(o, c->county);
		strbuf_addf(o, " %d 年解除鎖定後重新計算</td><td class=\"num\">", c->first_year);
	} else {
		html(o, "<code>");
		html_txt(o, c->key);
		html(o, "</code></td><td class=\"num\">");
		html_txt(o, c->is_new ? "（新增）" : c->old_value);
		html(o, " → ");
		html_txt(o, c->value);
	}
	html(o, "</td><td>");
	html_txt(o, c->status);
	html(o, "</td><td>");
	html_txt(o, c->created_at);
	html(o, "</td></tr>");
	return 0;
}

/* The page: the filters (category index cat, -1 every one; year, 0 every one), the table, the changes and their form (f). */
static int render(struct request *req, int cat, int year, const char *year_raw, const struct form *filters, const struct form *f)
{
	struct strbuf *o = &req->body;
	struct listing l = { .o = o };

	layout_begin(req, "係數表", "係數表");
	html(o, "<nav class=\"trail\" aria-label=\"路徑\"><a href=\"/admin\">平台管理</a> › 係數表</nav><h1>係數表</h1>"
		"<p>計算所用的每個係數：數值、單位、適用年度、來源、信度與不確定性（95 % 信賴區間）。"
		"電力為盤查用的電力排碳係數（非政策用的排放係數）；公告有產業、民生等分類係數的年度，各縣市每年為所屬機關選定其中一個（於「年度管理」的電力排碳係數；預設為公用售電業整體）。"
		"尚未公告的年度暫用最近一年的係數，並標示為暫用。</p>");
	if (f && f->nerr)
		form_flash(req, "error", "尚未存檔：請修正標示的欄位。");
	html(o, "<form method=\"get\" action=\"/admin/factors\" class=\"filters\"><div class=\"field\"><label for=\"f-category\">類別</label>"
		"<div class=\"control\"><select id=\"f-category\" name=\"category\"><option value=\"\">全部</option>");
	for (int i = 0; i < NCATEGORIES; i++)
		html_option(o, category_keys[i], category_names[i], cat == i);
	html(o, "</select></div></div>");
	struct field fy = { .name = "year", .label = "適用年度（西元，空白：全部）", .value = year_raw, .maxlength = 4 };
	form_field(req, filters, &fy);
	html(o, "<div class=\"actions\"><button type=\"submit\">篩選</button></div></form>");
	html(o, "<table id=\"factors\"><thead><tr><th>代碼</th><th>類別</th><th>範疇</th><th>氣體</th><th class=\"num\">數值</th>"
		"<th>單位</th><th>適用年度</th><th>信度</th><th>不確定性（95 %）</th><th>來源</th></tr></thead><tbody>");
	if (store_console_factors(&req->app->db, cat >= 0 ? category_keys[cat] : "", year, factor_row, &l))
		return routes_unavailable(req, "console factors");
	if (!l.n)
		html(o, "<tr><td colspan=\"10\" class=\"empty\">沒有符合的係數。</td></tr>");
	html(o, "</tbody></table>");
	if (year)
		strbuf_addf(o, "<p class=\"muted\">共 %d 個係數，適用於 %d 年。</p>", l.n, year);
	else
		strbuf_addf(o, "<p class=\"muted\">共 %d 個係數。</p>", l.n);
	html(o, "<h2>係數變更</h2>");
	admin_factor_change_form(req, f);
	l.n = 0;
	html(o, "<table id=\"changes\"><thead><tr><th>變更</th><th>係數</th><th class=\"num\">數值</th><th>狀態</th><th>建立時間</th></tr></thead><tbody>");
	if (store_fd_list(&req->app->db, change_row, &l))
		return routes_unavailable(req, "factor changes");
	if (!l.n)
		html(o, "<tr><td colspan=\"5\" class=\"empty\">尚無變更。</td></tr>");
	html(o, "</tbody></table>");
	layout_end(req);
	return req->status;
}

int page_admin_factors_render(struct request *req, const struct form *f)
{
	return render(req, -1, 0, "", NULL, f);
}

int page_admin_factors(struct request *req)
{
	const struct form_val *cat = &req->in[FAC_CATEGORY], *year = &req->in[FAC_YEAR];

	return render(req, cat->set ? (int)cat->i : -1, year->set ? (int)year->i : 0, year->raw ? year->raw : "", req->in_err, NULL);
}

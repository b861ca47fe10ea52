/* page_account.c: 帳號維護: the agency's full name and its contact (/account). */
#include <string.h>

#include "audit.h"
#include "form.h"
#include "html.h"
#include "routes.h"
#include "session.h"
#include "store_agency.h"

enum { ACC_FULL_NAME, ACC_NAME, ACC_PHONE, ACC_FAX, ACC_EMAIL, ACC_SAVED, ACC__MAX };
#define ACC_FIELDS ACC_SAVED   /* the fields of the form (before the flag of the page after a save) */

static const struct form_key account_keys[ACC__MAX] = {
	[ACC_FULL_NAME] = { "full_name", FORM_TEXT, FORM_REQUIRED, .max = 200 },
	[ACC_NAME] = { "contact_name", FORM_TEXT, FORM_REQUIRED, .max = 50 },
	[ACC_PHONE] = { "contact_phone", FORM_PHONE, FORM_REQUIRED, .max = 30 },
	[ACC_FAX] = { "contact_fax", FORM_PHONE, 0, .max = 30 },
	[ACC_EMAIL] = { "contact_email", FORM_EMAIL, FORM_REQUIRED, .max = 254 },
	[ACC_SAVED] = { "saved", FORM_FLAG },
};
const struct form_decl account_in = FORM_DECL(account_keys);

/* How each field shows. */
static const struct {
	const char *label;
	const char *type;
	const char *autocomplete;
} shown[ACC_FIELDS] = {
	[ACC_FULL_NAME] = { "機關/單位名稱(全名)", "text", NULL },
	[ACC_NAME] = { "姓名", "text", "name" },
	[ACC_PHONE] = { "連絡電話", "tel", "tel" },
	[ACC_FAX] = { "傳真電話", "tel", NULL },
	[ACC_EMAIL] = { "Email", "email", "email" },
};

static void contact_to_values(const struct store_agency_contact *c, const char *v[ACC_FIELDS])
{
	v[ACC_FULL_NAME] = c->full_name;
	v[ACC_NAME] = c->contact_name;
	v[ACC_PHONE] = c->contact_phone;
	v[ACC_FAX] = c->contact_fax;
	v[ACC_EMAIL] = c->contact_email;
}

static void render_account(struct request *req, const struct form *f, const char *v[ACC_FIELDS], const char *flash)
{
	struct strbuf *o = &req->body;

	layout_begin(req, "帳號維護", "帳號維護");
	html(o, "<h1>帳號維護</h1><p class=\"muted\">您的位置：城市盤查 - 帳號維護 &gt;&gt;&gt; 修改。"
		"填報資料前，請先完成業務承辦聯絡資訊（必填）。</p>");
	if (flash)
		form_flash(req, "ok", flash);
	if (f && f->nerr)
		form_flash(req, "error", "資料未存檔：請修正標示的欄位。");
	html(o, "<form method=\"post\" action=\"/account\" novalidate>");
	html_hidden(o, "csrf", req->csrf);
	html(o, "<fieldset><legend>一、基本資料</legend>");
	for (int i = 0; i < ACC_FIELDS; i++) {
		struct field fd = { .name = account_keys[i].name, .label = shown[i].label, .value = v[i],
				    .maxlength = (int)account_keys[i].max, .required = !!(account_keys[i].flags & FORM_REQUIRED),
				    .type = shown[i].type, .autocomplete = shown[i].autocomplete };
		form_field(req, f, &fd);
		if (i == ACC_FULL_NAME)
			html(o, "</fieldset><fieldset><legend>二、業務承辦聯絡資訊</legend>");
	}
	html(o, "</fieldset><div class=\"actions\"><button type=\"submit\">存檔</button>"
		"<a class=\"button secondary\" href=\"/\">放棄</a></div></form>");
	html(o, "<p><a href=\"/password\">變更密碼</a></p>");
	layout_end(req);
}

/* The contact saved with one audit line per changed field, in one transaction.  0 / -1. */
static int account_save(struct request *req, const char *old[ACC_FIELDS], const char *v[ACC_FIELDS])
{
	struct db *db = &req->app->db;
	long long agency = req->session->agency_id;
	struct store_agency_contact c = { v[ACC_FULL_NAME], v[ACC_NAME], v[ACC_PHONE], v[ACC_FAX], v[ACC_EMAIL] };

	if (db_begin(db))
		return -1;
	if (store_agency_contact_set(db, agency, &c))
		goto rollback;
	for (int i = 0; i < ACC_FIELDS; i++)
		if (strcmp(old[i], v[i]) &&
		    audit_add(req, agency, 0, arena_printf(&req->arena, "帳號維護.%s", shown[i].label), old[i], v[i]))
			goto rollback;
	if (db_commit(db))
		goto rollback;
	return 0;
rollback:
	db_rollback(db);
	return -1;
}

int page_account(struct request *req)
{
	const struct form_val *in = req->in;
	const struct form *f = req->in_err;
	struct store_agency_contact saved;
	const char *old[ACC_FIELDS], *v[ACC_FIELDS];

	if (store_agency_contact_get(&req->app->db, req->session->agency_id, &req->arena, &saved) != 1)
		return routes_unavailable(req, "account");
	contact_to_values(&saved, old);
	if (req->method != METHOD_POST) {
		render_account(req, NULL, old, in[ACC_SAVED].set ? "已存檔。" : NULL);
		return req->status;
	}
	for (int i = 0; i < ACC_FIELDS; i++) {
		/* A refused field gives back exactly what was typed. */
		if (form_error_of(f, account_keys[i].name))
			v[i] = in[i].raw ? in[i].raw : "";
		else
			v[i] = in[i].set ? in[i].s : "";
	}
	if (f->nerr) {
		req->status = 400;
		render_account(req, f, v, NULL);
		return req->status;
	}
	if (account_save(req, old, v))
		return routes_unavailable(req, "account");
	return redirect(req, "/account?saved=1");
}

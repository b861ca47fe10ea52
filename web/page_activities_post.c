/* page_activities_post.c: 填報非機關單位耗用之活動's saves and deletes (POST /team/activities, action save or delete). */
#include <stdio.h>
#include <string.h>

#include "activities.h"
#include "audit.h"
#include "factors.h"
#include "input.h"
#include "job.h"
#include "quality.h"
#include "routes.h"
#include "session.h"
#include "store_activity.h"
#include "store_quality.h"
#include "store_year.h"

/*
 * DESIGN: a save or a delete changes the county's grade and uncertainty
 * (county_quality counts the non-agency lines, worker/quality_job.c): its
 * transaction records a quality request (quality_queue, the record; the
 * pages show 計算中 until a run has served it) and, once committed, wakes
 * the quality worker through Redis (a lost wake-up is found by its poll).
 * The request's row shares the county's row (its foreign key), which the
 * web's agency edits lock before the county-year's rows (their outbox rows
 * read inventory_years); so the county is shared first, before the
 * county-year's row is locked, and the two orders cannot cross.  The
 * non-agency lines are in no rollup: no outbox row.
 */

/* Row ids and versions: what FORM_ID accepts, and 0 (a new line's). */
#define ROW_MAX (1LL << 53)

enum { SAVE_YEAR, SAVE_METHOD, SAVE_ID, SAVE_VERSION, SAVE_DESCRIPTION, SAVE_NOTE, SAVE_Q2, SAVE_OVERRIDE, SAVE_REASON, SAVE__MAX };
static const struct form_key team_activities_save_keys[SAVE__MAX] = {
	[SAVE_YEAR] = { "year", FORM_YEAR, 0, 0, 0, NULL, NULL, NULL },
	[SAVE_METHOD] = { "method", FORM_ENUM, FORM_REQUIRED, 0, 0, na_method_keys, NULL, NULL },
	[SAVE_ID] = { "id", FORM_INT, 0, 0, ROW_MAX, NULL, NULL, NULL },
	[SAVE_VERSION] = { "version", FORM_INT, 0, 0, ROW_MAX, NULL, NULL, NULL },
	[SAVE_DESCRIPTION] = { "description", FORM_TEXT, 0, 0, 200, NULL, NULL, "說明過長（200 字以內）或含有不允許的字元。" },
	[SAVE_NOTE] = { "note", FORM_TEXT, 0, 0, 300, NULL, NULL, "備註過長（300 字以內）或含有不允許的字元。" },
	/* Signed, 6 or 9 places: read as text here, its number checked by number() below. */
	[SAVE_Q2] = { "q2", FORM_TEXT, 0, 0, 40, NULL, NULL, NULL },
	[SAVE_OVERRIDE] = { "override", FORM_TEXT, 0, 0, 40, NULL, NULL, NULL },
	[SAVE_REASON] = { "reason", FORM_TEXT, 0, 0, 300, NULL, NULL, "採用自訂係數時，請說明理由（300 字以內）。" },
};
const struct form_decl team_activities_save_in = FORM_DECL(team_activities_save_keys);

enum { DEL_YEAR, DEL_ID, DEL_VERSION, DEL__MAX };
static const struct form_key team_activities_delete_keys[DEL__MAX] = {
	[DEL_YEAR] = { "year", FORM_YEAR, 0, 0, 0, NULL, NULL, NULL },
	[DEL_ID] = { "id", FORM_ID, FORM_REQUIRED, 0, 0, NULL, NULL, NULL },
	[DEL_VERSION] = { "version", FORM_INT, FORM_REQUIRED, 0, ROW_MAX, NULL, NULL, NULL },
};
const struct form_decl team_activities_delete_in = FORM_DECL(team_activities_delete_keys);

static const char *const opt_names[NA_MAX_OPTIONS] = { "opt1", "opt2", "opt3" };

/*
 * Before a change: no year (the year page, as a GET), a year the platform
 * does not serve (404), or the year locked or published (409); else 0 with
 * *year.  Returns the status of the page it wrote, or 0.  A plain read, so
 * that a refused change says so before its fields: the write checks again
 * under the county-year's row lock.
 */
static int year_gate(struct request *req, const struct form_val *y, int *year, enum calc_elec *elec)
{
	struct store_year_state ys;
	int r;

	if (!y->set && !form_error_of(req->in_err, "year"))
		return layout_year_page(req, "填報非機關單位耗用之活動", "非機關活動", "填報非機關單位耗用之活動", "/team/activities");
	if (!y->set) {
		req->status = 404;
		return routes_error_page(req);
	}
	*year = (int)y->i;
	r = store_year_get_state(&req->app->db, req->session->county_id, *year, &ys);
	if (r < 0)
		return activities_unavailable(req);
	if (elec)
		*elec = ys.elec;
	return r && (ys.locked || ys.published) ? activities_frozen(req, *year) : 0;
}

/* A malformed hidden field (an id, a version): the form was not the page's. */
static int bad_request(struct request *req)
{
	req->status = 400;
	return routes_error_page(req);
}

/*
 * A signed or unsigned decimal typed by the team (its field's NFKC text, at
 * most 40 characters; thousands separators allowed; typed in the characters
 * of input_number_chars), at most `max` in magnitude.
 */
static enum input_err number(const struct form_val *v, int max_scale, int allow_negative, long long max, dec_t *out)
{
	const char *s = v->s;
	dec_t lim, mag;
	enum dec_err d;

	if (!input_number_chars(v->raw, strlen(v->raw)))
		return INPUT_NOT_NUMBER;
	d = dec_parse(s, strlen(s), max_scale, DEC_ALLOW_GROUPING | (allow_negative ? DEC_ALLOW_NEGATIVE : 0), out);

	switch (d) {
	case DEC_OK: break;
	case DEC_NEGATIVE: return INPUT_NEGATIVE;
	case DEC_TOO_MANY_DECIMALS: return INPUT_TOO_MANY_DECIMALS;
	case DEC_OVERFLOW: return INPUT_TOO_LARGE;
	default: return INPUT_NOT_NUMBER;
	}
	dec_from_int(max, &lim);
	mag = *out;
	if (mag.m < 0)
		mag.m = -mag.m;
	return dec_cmp(mag, lim) <= 0 ? INPUT_OK : INPUT_TOO_LARGE;
}

static void decimals_message(struct request *req, struct form *f, const char *field, enum input_err e, int scale,
			     long long max, const char *unit)
{
	if (e == INPUT_TOO_MANY_DECIMALS)
		form_error(f, field, arena_printf(&req->arena, "最多 %d 位小數。", scale));
	else if (e == INPUT_TOO_LARGE)
		form_error(f, field, input_max_message(&req->arena, max, unit));
	else
		form_error(f, field, input_message(e));
}

/* What a save reads and writes. */
struct saving {
	const struct na_method *m;
	int year;
	enum calc_elec elec;            /* the county's electricity variant of the year, as computed with */
	struct activity_values v;       /* as sent, for the form again */
	struct na_input in;
	struct activity_text text;      /* as stored */
	struct na_line line;
	long long kg_milli;
	int foreign;                    /* the last option sent that the method does not have (1..3), or 0 */
	const struct activity_defaults *defaults;
	const struct store_quality *def;   /* the line's defaults (NULL: none) */
	struct store_quality typed, used;  /* the quality as typed (stored form) and in force */
	struct form f;
};

/* The quantity, against the method's own bound (a field whose declaration depends on the method). */
static void read_q(struct request *req, struct saving *s)
{
	const struct form_key k = { "q", FORM_QUANTITY, 0, 0, s->m->q_max, NULL, s->m->q_unit, NULL };
	struct form_val q;

	if (form_read_one(req, &k, &q, &s->f) == 0 && !q.set)
		form_error(&s->f, "q", "請填寫數量。");
	s->v.q = q.raw ? q.raw : "";
	s->in.q = q.q;
}

/* The second quantity, when the method has one. */
static void read_q2(struct request *req, struct saving *s)
{
	const struct na_method *m = s->m;
	const struct form_val *q2 = &req->in[SAVE_Q2];
	const char *err = form_error_of(req->in_err, "q2");
	enum input_err e;

	if (!m->q2_label)
		return;
	if (err) {
		form_error(&s->f, "q2", err);
		return;
	}
	e = q2->set ? number(q2, 6, m->q2_signed, m->q2_max, &s->in.q2) : INPUT_EMPTY;
	if (e == INPUT_EMPTY) {
		form_error(&s->f, "q2", "此欄位為必填。");
	} else if (e == INPUT_TOO_LARGE) {
		char b[64];
		dec_t d;

		dec_from_int(m->q2_max, &d);
		dec_format_grouped(d, b, sizeof(b));
		form_error(&s->f, "q2", arena_printf(&req->arena, "%s須介於 %s%s 與 %s 之間。", m->q2_label,
						     m->q2_signed ? "-" : "", m->q2_signed ? b : "0", b));
	} else if (e) {
		decimals_message(req, &s->f, "q2", e, 6, m->q2_max, m->q2_unit);
	}
}

/*
 * The options: each the method has is one of its choices (its own
 * declaration, built from the method); one it does not have must not be
 * sent (nothing is stored unchecked).
 */
static void read_options(struct request *req, struct saving *s)
{
	for (int i = 0; i < NA_MAX_OPTIONS; i++) {
		const struct na_option *op = &s->m->options[i];
		struct form_key k = { opt_names[i], FORM_FLAG, 0, 0, 0, NULL, NULL, NULL };
		struct form_val val;

		if (op->name) {
			const char **choices = arena_zalloc(&req->arena, sizeof(*choices) * (NA_MAX_CHOICES + 1));

			for (int c = 0; c < NA_MAX_CHOICES && op->choices[c].key; c++)
				choices[c] = op->choices[c].key;
			k.kind = FORM_ENUM;
			k.choices = choices;
			k.msg = arena_printf(&req->arena, "%s的選項不正確", op->label);
		}
		form_read_one(req, &k, &val, &s->f);
		s->v.opt[i] = val.raw ? val.raw : "";
		s->in.opt[i] = op->name && val.set ? op->choices[val.i].key : NULL;
		if (!op->name && *s->v.opt[i]) {
			form_error(&s->f, opt_names[i], "此活動類別沒有這個選項。");
			s->foreign = i + 1;
		}
	}
}

/* The team's own factor and its reason, when a factor was typed. */
static void read_override(struct request *req, struct saving *s)
{
	const struct form_val *o = &req->in[SAVE_OVERRIDE];
	const char *err = form_error_of(req->in_err, "override");
	enum input_err e;

	if (!o->raw || !*o->raw)
		return;
	s->in.has_override = 1;
	if (err)
		form_error(&s->f, "override", err);
	else if ((e = o->set ? number(o, 9, 0, NA_OVERRIDE_MAX, &s->in.override) : INPUT_EMPTY))
		decimals_message(req, &s->f, "override", e, 9, NA_OVERRIDE_MAX, "kgCO₂e／每單位數量");
	if (!req->in[SAVE_REASON].set)
		form_error(&s->f, "reason", team_activities_save_keys[SAVE_REASON].msg);
}

/*
 * 數據品質與不確定性 (dq.c), against the line's defaults: the method's own,
 * or the agency form's item (electricity, the fuel chosen).  A fuel line's
 * form names the fuel whose defaults it showed (dq_for): a value it showed
 * as the default stays the default when the fuel is changed with the form.
 */
static void read_quality(struct request *req, struct saving *s)
{
	const struct store_quality *shown = NULL;

	s->def = activities_default(s->defaults, s->m, s->in.opt[0]);
	if (!na_quality_own(s->m)) {
		/* A hidden field: anything but one of the method's fuels names no defaults (a scratch form: no message). */
		const struct form_key k = { "dq_for", FORM_TEXT, 0, 0, 48, NULL, NULL, NULL };
		struct form scratch = { .nerr = 0 };
		struct form_val v;

		if (form_read_one(req, &k, &v, &scratch) == 0 && v.set && (!s->in.opt[0] || strcmp(v.s, s->in.opt[0])))
			shown = activities_default(s->defaults, s->m, v.s);
	}
	dq_read(req, &s->f, "q", s->def, shown, &s->v.dq);
}

/* The fields into s (what was typed kept in s->v), each refusal beside its field in s->f. */
static void read_fields(struct request *req, struct saving *s)
{
	const struct form_val *in = req->in;
	const char *err;

	s->v.id = in[SAVE_ID].i;
	s->v.version = in[SAVE_VERSION].i;
	s->v.description = in[SAVE_DESCRIPTION].raw ? in[SAVE_DESCRIPTION].raw : "";
	s->v.note = in[SAVE_NOTE].raw ? in[SAVE_NOTE].raw : "";
	s->v.q2 = in[SAVE_Q2].raw ? in[SAVE_Q2].raw : "";
	s->v.override = in[SAVE_OVERRIDE].raw ? in[SAVE_OVERRIDE].raw : "";
	s->v.reason = in[SAVE_REASON].raw ? in[SAVE_REASON].raw : "";
	s->in.method = s->m->key;
	if ((err = form_error_of(req->in_err, "description")))
		form_error(&s->f, "description", err);
	if ((err = form_error_of(req->in_err, "note")))
		form_error(&s->f, "note", err);
	else if (s->m->needs_note && !in[SAVE_NOTE].set)
		form_error(&s->f, "note", "請說明資料內容與來源。");
	read_q(req, s);
	read_q2(req, s);
	read_options(req, s);
	read_override(req, s);
	read_quality(req, s);
}

/* The line computed, a refusal of the method beside the field it concerns. */
static void compute(struct request *req, const struct calc_table *t, struct saving *s)
{
	const struct na_method *m = s->m;
	char err[300] = "";

	if (na_compute(t, s->year, s->elec, &s->in, &s->line, err, sizeof(err))) {
		const char *field = strstr(err, "選") ? "opt1" : strstr(err, "比例") ? "q2" : "q";

		for (int i = 0; i < NA_MAX_OPTIONS && m->options[i].name; i++)
			if (strstr(err, m->options[i].label))
				field = opt_names[i];
		form_error(&s->f, field, arena_strdup(&req->arena, err));
		return;
	}
	if (dec_to_scaled_i64(s->line.kg, 3, &s->kg_milli))
		form_error(&s->f, "q", "數量過大，無法計算。");
}

/* What is stored of what was typed: the decimals as the form read them. */
static void stored_text(struct request *req, struct saving *s)
{
	char b[64];

	s->text.method = s->m->key;
	s->text.description = req->in[SAVE_DESCRIPTION].set ? req->in[SAVE_DESCRIPTION].s : "";
	s->text.note = req->in[SAVE_NOTE].set ? req->in[SAVE_NOTE].s : "";
	dec_format(s->in.q, b, sizeof(b));
	s->text.quantity = arena_strdup(&req->arena, b);
	s->text.quantity2 = "";
	if (s->m->q2_label) {
		dec_format(s->in.q2, b, sizeof(b));
		s->text.quantity2 = arena_strdup(&req->arena, b);
	}
	for (int i = 0; i < NA_MAX_OPTIONS; i++)
		s->text.opt[i] = s->in.opt[i];
	s->text.override_factor = "";
	s->text.override_reason = "";
	if (s->in.has_override) {
		dec_format(s->in.override, b, sizeof(b));
		s->text.override_factor = arena_strdup(&req->arena, b);
		s->text.override_reason = req->in[SAVE_REASON].s;
	}
	dq_to_stored(&s->v.dq, &s->typed);
	dq_in_force(s->def, &s->typed, &s->used);
	s->text.typed = &s->typed;
	s->text.used = &s->used;
}

/*
 * A line's quality for the audit trail: A1-A3 and the activity data's
 * interval in force, and what was typed of the note, keeper and basis
 * (used: in force, typed: as typed, stored form).
 */
static const char *quality_audit(struct arena *a, const struct store_quality *used, const struct store_quality *typed)
{
	struct quality_uncertainty ad = { used->ad_lower_milli >= 0 && used->ad_upper_milli >= 0,
					   { used->ad_lower_milli, used->ad_upper_milli }, 10000 };
	char b[64];
	const char *t;

	if (!quality_level(used->a1, used->a2, used->a3))
		return "未設定 A1–A3（數據品質欄位啟用前存檔）";
	quality_interval_text(&ad, b, sizeof(b));
	t = arena_printf(a, "A1 %d／A2 %d／A3 %d；活動數據不確定性 %s", used->a1, used->a2, used->a3, b);
	if (*typed->dq_note)
		t = arena_printf(a, "%s；數據可信度資訊說明：%s", t, typed->dq_note);
	if (*typed->dq_keeper)
		t = arena_printf(a, "%s；保存單位：%s", t, typed->dq_keeper);
	if (*typed->ad_basis)
		t = arena_printf(a, "%s；不確定性依據：%s", t, typed->ad_basis);
	return t;
}

/* The form again with the reason in the flash (status already set); rolls back. */
static int refused(struct request *req, struct saving *s, const char *why, const char *flash)
{
	db_rollback(&req->app->db);
	form_error(&s->f, "_", why);   /* no field of its own: the flash says it */
	return activities_render(req, s->year, s->m, &s->v, &s->f, flash);
}

/*
 * Writes the line with its audit row in one transaction, under the
 * county-year's row lock (locked or published meanwhile: refused), a new
 * line only below NA_MAX_LINES (nonagency.h BOUNDS), an edit only at the
 * version it read.
 */
static int write_line(struct request *req, struct saving *s, int *recalc)
{
	struct db *db = &req->app->db;
	const struct session *ses = req->session;
	struct store_year_state ys;
	struct store_year_basis now;
	long long lines = 0;
	char kgtext[64];
	int r;

	const char *old_quality = NULL, *new_quality;

	/* The county shared before the county-year's row (DESIGN). */
	if (db_begin(db) || store_quality_share_county(db, ses->county_id) ||
	    store_year_lock_row(db, ses->county_id, s->year, &ys) < 0 ||
	    store_year_save_basis(db, ses->county_id, s->year, &now) < 0)
		goto fail;
	if (ys.locked || ys.published) {
		db_rollback(db);
		return activities_frozen(req, s->year);
	}
	if (store_year_basis_moved(&now, s->elec, factors_table_stamp())) {
		/* A factor day's run wrote a factor or the variant since the line was computed: compute again. */
		db_rollback(db);
		*recalc = 1;
		return 0;
	}
	if (s->v.id) {
		/* What the line's quality was, for the trail: read at the version the update will require. */
		struct activity_form *was = arena_alloc(&req->arena, sizeof(*was));

		r = store_activity_get(db, s->v.id, ses->county_id, s->year, was);
		if (r < 0)
			goto fail;
		if (r && was->version == s->v.version)
			old_quality = quality_audit(&req->arena, &was->used, &was->typed);
	}
	if (!s->v.id) {
		/* Counted under the county-year's row lock, so two saves cannot both take the last place. */
		if (store_activity_count(db, ses->county_id, s->year, &lines))
			goto fail;
		if (lines >= NA_MAX_LINES) {
			req->status = 409;
			return refused(req, s, "full", arena_printf(&req->arena,
				"本年度非機關活動已有 %lld 筆，已達上限 %d 筆，未存檔；請合併或刪除部分資料後再新增。", lines, NA_MAX_LINES));
		}
		r = store_activity_insert(db, ses->county_id, s->year, &s->text, &s->line, s->kg_milli, ses->account_id, NULL);
	} else {
		r = store_activity_update(db, s->v.id, s->v.version, ses->county_id, s->year, &s->text, &s->line, s->kg_milli,
					  ses->account_id);
	}
	if (r < 0)
		goto fail;
	if (s->v.id && !r) {
		req->status = 409;
		return refused(req, s, "conflict", "此筆資料已被他人修改或刪除，未存檔；以下保留您輸入的內容，請重新整理後再修改。");
	}
	dec_format(s->line.kg, kgtext, sizeof(kgtext));
	new_quality = quality_audit(&req->arena, &s->used, &s->typed);
	if (store_quality_request(db, ses->county_id, s->year) ||
	    audit_add_county(req, s->year, arena_printf(&req->arena, "非機關活動 %s%s", s->m->label, s->v.id ? "（修改）" : ""), NULL,
			     arena_printf(&req->arena, "%s %s %s → %s kgCO2e", s->text.description, s->text.quantity, s->m->q_unit,
					  kgtext)) ||
	    ((!old_quality || strcmp(old_quality, new_quality)) &&
	     audit_add_county(req, s->year, arena_printf(&req->arena, "非機關活動 %s 數據品質與不確定性", s->m->label), old_quality,
			      new_quality)) ||
	    db_commit(db))
		goto fail;
	job_push_quality(&req->app->queue, ses->county_id, s->year);   /* a lost wake-up: the worker's poll finds the request */
	return redirect(req, arena_printf(&req->arena, "/team/activities?year=%d&saved=1", s->year));
fail:
	db_rollback(db);
	return activities_unavailable(req);
}

int page_team_activities_save(struct request *req)
{
	const struct calc_table *t;
	struct saving *s = arena_zalloc(&req->arena, sizeof(*s));
	int st = year_gate(req, &req->in[SAVE_YEAR], &s->year, &s->elec);

	if (st)
		return st;
	if (!req->in[SAVE_METHOD].set || form_error_of(req->in_err, "id") || form_error_of(req->in_err, "version"))
		return bad_request(req);
	s->m = &na_methods[req->in[SAVE_METHOD].i];
	t = factors_table(req->app, req->factor_stamp);
	s->defaults = activities_defaults(req);
	if (!t || !s->defaults)
		return activities_unavailable(req);
	read_fields(req, s);
	if (!s->f.nerr)
		compute(req, t, s);
	if (s->f.nerr) {
		req->status = 400;
		return activities_render(req, s->year, s->m, &s->v, &s->f, s->foreign ?
			arena_printf(&req->arena, "資料未存檔：「%s」沒有第 %d 個選項，送出的選項值不屬於此表單。", s->m->label, s->foreign) :
			"資料未存檔：請修正標示的欄位。");
	}
	stored_text(req, s);
	for (int tries = 0; tries < 3; tries++) {
		int recalc = 0;

		st = write_line(req, s, &recalc);
		if (!recalc)
			return st;
		/* What the run wrote (write_line's DESIGN): the table and the variant again, the line computed with them. */
		t = factors_table(req->app, NULL);
		if (!t)
			return activities_unavailable(req);
		st = year_gate(req, &req->in[SAVE_YEAR], &s->year, &s->elec);
		if (st)
			return st;
		compute(req, t, s);
		if (s->f.nerr) {
			req->status = 400;
			return activities_render(req, s->year, s->m, &s->v, &s->f, "資料未存檔：係數剛更新，以新係數計算時有欄位需要修正。");
		}
		stored_text(req, s);
	}
	return activities_unavailable(req);
}

int page_team_activities_delete(struct request *req)
{
	struct db *db = &req->app->db;
	const struct form_val *in = req->in;
	struct activity_gone gone;
	struct store_year_state ys;
	int year, r, st = year_gate(req, &in[DEL_YEAR], &year, NULL);

	if (st)
		return st;
	if (req->in_err->nerr)
		return bad_request(req);
	if (db_begin(db) || store_quality_share_county(db, req->session->county_id) ||
	    store_year_lock_row(db, req->session->county_id, year, &ys) < 0)
		goto fail;
	if (ys.locked || ys.published) {
		db_rollback(db);
		return activities_frozen(req, year);
	}
	r = store_activity_delete(db, in[DEL_ID].i, in[DEL_VERSION].i, req->session->county_id, year, &gone);
	if (r < 0)
		goto fail;
	if (!r) {
		struct form f = { .nerr = 0 };

		db_rollback(db);
		req->status = 409;
		form_error(&f, "_", "conflict");
		return activities_render(req, year, NULL, NULL, &f, "此筆資料已被他人修改或刪除，未刪除。");
	}
	if (store_quality_request(db, req->session->county_id, year) ||
	    audit_add_county(req, year, "非機關活動（刪除）", arena_printf(&req->arena, "%s %s %lld", gone.method, gone.description,
									   gone.kg_milli), NULL) ||
	    db_commit(db))
		goto fail;
	job_push_quality(&req->app->queue, req->session->county_id, year);
	return redirect(req, arena_printf(&req->arena, "/team/activities?year=%d&deleted=1", year));
fail:
	db_rollback(db);
	return activities_unavailable(req);
}

/* store_console.c: the platform operator's console: hosted counties, team and admin accounts, its audit lines. */
#include <string.h>

#include "store_console.h"

int store_console_login_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > STORE_CONSOLE_LOGIN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

int store_console_counties(struct db *db, int (*each)(void *ctx, const struct store_console_county *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT c.id, c.letter, c.name, c.hosted, IFNULL(DATE_FORMAT(c.hosted_at, '%Y-%m-%d %H:%i'), ''),"
		" (SELECT COUNT(*) FROM agencies g WHERE g.county_id = c.id AND g.active = 1),"
		" (SELECT COUNT(*) FROM accounts a WHERE a.county_key = c.id AND a.kind = 'team' AND a.active = 1)"
		" FROM counties c ORDER BY c.letter");
	struct store_console_county row;
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.id = (int)db_col_int(st, 0);
		row.letter = db_col_text(st, 1, NULL);
		row.name = db_col_text(st, 2, NULL);
		row.hosted = (int)db_col_int(st, 3);
		row.hosted_at = db_col_text(st, 4, NULL);
		row.agencies = db_col_int(st, 5);
		row.team_accounts = db_col_int(st, 6);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_console_county_lock(struct db *db, const char *letter, int *id, int *hosted)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, hosted FROM counties WHERE letter = ? FOR UPDATE");
	int r;

	if (!st)
		return -1;
	db_bind_text(st, 0, letter);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		*id = (int)db_col_int(st, 0);
		*hosted = (int)db_col_int(st, 1);
	}
	db_reset(st);
	return r;
}

int store_console_set_hosted(struct db *db, int id, int hosted)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE counties SET hosted = ?, hosted_at = IF(? = 1, NOW(), hosted_at) WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, hosted);
	db_bind_int(st, 1, hosted);
	db_bind_int(st, 2, id);
	return db_exec(st);
}

int store_console_accounts(struct db *db, int county_id,
			   int (*each)(void *ctx, const struct store_console_account *row), void *ctx)
{
	/* county_key is the accounts' key: 0 for the admins, whose county_id is NULL. */
	struct db_stmt *st = db_prepare(db,
		"SELECT id, login, IFNULL(display_name, ''), active, admin_locked, must_change_password,"
		" locked_until IS NOT NULL AND locked_until > NOW(), DATE_FORMAT(created_at, '%Y-%m-%d %H:%i')"
		" FROM accounts WHERE county_key = ? AND kind = IF(? = 0, 'admin', 'team') ORDER BY active DESC, login LIMIT 1000");
	struct store_console_account row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.id = db_col_int(st, 0);
		row.login = db_col_text(st, 1, NULL);
		row.display_name = db_col_text(st, 2, NULL);
		row.active = (int)db_col_int(st, 3);
		row.admin_locked = (int)db_col_int(st, 4);
		row.must_change_password = (int)db_col_int(st, 5);
		row.failures_locked = (int)db_col_int(st, 6);
		row.created_at = db_col_text(st, 7, NULL);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_console_account_lock(struct db *db, long long id, int county_id, struct store_console_target *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT county_key, login, IFNULL(display_name, ''), active, admin_locked FROM accounts"
		" WHERE id = ? AND county_key = ? AND kind = IF(? = 0, 'admin', 'team') FOR UPDATE");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county_id);
	db_bind_int(st, 2, county_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->county_id = (int)db_col_int(st, 0);
		db_col_copy(st, 1, out->login, sizeof(out->login));
		db_col_copy(st, 2, out->display_name, sizeof(out->display_name));
		out->active = (int)db_col_int(st, 3);
		out->admin_locked = (int)db_col_int(st, 4);
	}
	db_reset(st);
	return r;
}

/*
 * A login typed without a county is an admin's as typed, else a county's
 * behind its letter (page_login.c): an admin named "z" and a login of county
 * Z would take that account's way in without a county, and a county account
 * so named under an admin's would have none.  1 such an account exists, 0, -1.
 * An agency's login is its official 機關代碼, never refused for an admin's:
 * an agency made after such an admin logs in with its county chosen.
 */
static int shadows(struct db *db, int county_id, const char *login)
{
	struct db_stmt *st = db_prepare(db, county_id
		? "SELECT COUNT(*) FROM accounts a JOIN counties c ON c.id = ? WHERE a.county_key = 0 AND a.login = CONCAT(c.letter, ?)"
		: "SELECT COUNT(*) FROM accounts a JOIN counties c ON c.id = a.county_key WHERE c.letter = UPPER(LEFT(?, 1))"
		  " AND a.login = SUBSTRING(?, 2)");
	int r;

	if (!st)
		return -1;
	if (county_id) {
		db_bind_int(st, 0, county_id);
		db_bind_text(st, 1, login);
	} else {
		db_bind_text(st, 0, login);
		db_bind_text(st, 1, login);
	}
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	r = db_col_int(st, 0) > 0;
	db_reset(st);
	return r;
}

/*
 * The county row a new login can clash with, locked for the transaction:
 * a team login's county, an admin's behind its first letter (none: nothing
 * to lock).  Every change to a county's logins takes it first (an agency's
 * create, edit and import: store_agency_lock_county), so the check for a
 * shadow and the INSERT after it are one step against them.
 */
static int lock_county_of(struct db *db, int county_id, const char *login)
{
	struct db_stmt *st = db_prepare(db, county_id ? "SELECT id FROM counties WHERE id = ? FOR UPDATE"
						       : "SELECT id FROM counties WHERE letter = UPPER(LEFT(?, 1)) FOR UPDATE");

	if (!st)
		return -1;
	if (county_id)
		db_bind_int(st, 0, county_id);
	else
		db_bind_text(st, 0, login);
	if (db_exec(st))
		return -1;
	db_reset(st);
	return 0;
}

int store_console_add_account(struct db *db, int county_id, const char *login, const char *display_name,
			      const char *hash, long long created_by, long long *id)
{
	int shadowed = lock_county_of(db, county_id, login) ? -1 : shadows(db, county_id, login);
	struct db_stmt *st;

	if (shadowed)
		return shadowed < 0 ? -1 : 2;
	st = db_prepare(db, "INSERT INTO accounts (kind, county_id, agency_id, login, display_name, password_hash, must_change_password,"
			" created_by) VALUES (IF(? = 0, 'admin', 'team'), NULLIF(?, 0), NULL, ?, ?, ?, 1, NULLIF(?, 0))");
	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, county_id);
	db_bind_text(st, 2, login);
	db_bind_text(st, 3, display_name);
	db_bind_text(st, 4, hash);
	db_bind_int(st, 5, created_by);
	if (db_exec(st))
		return db_err_duplicate(db) ? 0 : -1;
	*id = (long long)db_insert_id(st);
	return 1;
}

int store_console_set_locked(struct db *db, long long id, int locked)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE accounts SET admin_locked = ?, failed_logins = IF(? = 1, failed_logins, 0),"
		" first_failed_at = IF(? = 1, first_failed_at, NULL), locked_until = IF(? = 1, locked_until, NULL) WHERE id = ?");

	if (!st)
		return -1;
	for (int i = 0; i < 4; i++)
		db_bind_int(st, i, locked);
	db_bind_int(st, 4, id);
	return db_exec(st);
}

int store_console_set_active(struct db *db, long long id, int active)
{
	struct db_stmt *st = db_prepare(db, "UPDATE accounts SET active = ? WHERE id = ?");

	if (!st)
		return -1;
	db_bind_int(st, 0, active);
	db_bind_int(st, 1, id);
	return db_exec(st);
}

int store_console_other_admins(struct db *db, long long id)
{
	/* Locked in share mode: two admins cannot each take the other off at once. */
	struct db_stmt *st = db_prepare(db,
		"SELECT COUNT(*) FROM accounts WHERE kind = 'admin' AND active = 1 AND admin_locked = 0 AND id <> ? LOCK IN SHARE MODE");
	int n;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st) || db_step(st) != 1)
		return -1;
	n = (int)db_col_int(st, 0);
	db_reset(st);
	return n;
}

int store_console_audit(struct db *db, long long by, int county_id, long long subject, const char *field,
			const char *value, const char *client_addr)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO audit_log (at, account_id, county_id, subject_account_id, field, new_value, client_addr)"
		" VALUES (NOW(3), NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, NULLIF(?, ''), ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, by);
	db_bind_int(st, 1, county_id);
	db_bind_int(st, 2, subject);
	db_bind_text(st, 3, field);
	db_bind_text(st, 4, value ? value : "");
	db_bind_text(st, 5, client_addr ? client_addr : "");
	return db_exec(st);
}

int store_console_audit_lines(struct db *db, int (*each)(void *ctx, const struct store_console_audit_line *row),
			      void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT DATE_FORMAT(l.at, '%Y-%m-%d %H:%i:%s'), b.login, IFNULL(c.name, ''), IFNULL(s.login, ''),"
		" l.field, IFNULL(l.new_value, ''), l.client_addr"
		" FROM accounts b JOIN audit_log l ON l.account_id = b.id"
		" LEFT JOIN counties c ON c.id = l.county_id LEFT JOIN accounts s ON s.id = l.subject_account_id"
		" WHERE b.kind = 'admin' ORDER BY l.id DESC LIMIT 300");
	struct store_console_audit_line row;
	int r;

	if (!st || db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.at = db_col_text(st, 0, NULL);
		row.by = db_col_text(st, 1, NULL);
		row.county = db_col_text(st, 2, NULL);
		row.subject = db_col_text(st, 3, NULL);
		row.field = db_col_text(st, 4, NULL);
		row.value = db_col_text(st, 5, NULL);
		row.client_addr = db_col_text(st, 6, NULL);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

int store_console_factors(struct db *db, const char *category, int year,
			  int (*each)(void *ctx, const struct store_console_factor *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT fkey, category, scope, gas, unit, value, source, confidence, IFNULL(ci_source, ''),"
		" DATE_FORMAT(updated_at, '%Y-%m-%d'), IFNULL(valid_from, 0), IFNULL(valid_to, 0),"
		" ci_lower_milli IS NOT NULL AND ci_upper_milli IS NOT NULL, IFNULL(ci_lower_milli, 0), IFNULL(ci_upper_milli, 0)"
		" FROM factors WHERE (? = '' OR category = ?)"
		" AND (? = 0 OR ((valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?)))"
		" ORDER BY category, fkey");
	struct store_console_factor row;
	int r;

	if (!st)
		return -1;
	db_bind_text(st, 0, category);
	db_bind_text(st, 1, category);
	for (int i = 2; i < 5; i++)
		db_bind_int(st, i, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.key = db_col_text(st, 0, NULL);
		row.category = db_col_text(st, 1, NULL);
		row.scope = db_col_text(st, 2, NULL);
		row.gas = db_col_text(st, 3, NULL);
		row.unit = db_col_text(st, 4, NULL);
		row.value = db_col_text(st, 5, NULL);
		row.source = db_col_text(st, 6, NULL);
		row.confidence = db_col_text(st, 7, NULL);
		row.ci_source = db_col_text(st, 8, NULL);
		row.updated_at = db_col_text(st, 9, NULL);
		row.valid_from = (int)db_col_int(st, 10);
		row.valid_to = (int)db_col_int(st, 11);
		row.has_ci = (int)db_col_int(st, 12);
		row.ci_lower_milli = (int)db_col_int(st, 13);
		row.ci_upper_milli = (int)db_col_int(st, 14);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

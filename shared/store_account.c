/* store_account.c: the accounts (accounts): login lookup, passwords, the team's agency accounts. */
#include <stdio.h>
#include <string.h>

#include "store_account.h"

enum account_kind store_account_kind(const char *kind)
{
	if (!strcmp(kind, "agency"))
		return ACCOUNT_AGENCY;
	if (!strcmp(kind, "team"))
		return ACCOUNT_TEAM;
	return ACCOUNT_ADMIN;
}

int store_account_find_login(struct db *db, const char *login, const char *letter, struct store_account_login *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.password_hash, a.locked_until IS NOT NULL AND a.locked_until > NOW(), a.must_change_password"
		" FROM accounts a LEFT JOIN agencies g ON g.id = a.agency_id LEFT JOIN counties k ON k.id = a.county_id"
		/* One row of the key (county_key, login): the county's by its letter, the admins' under 0. */
		" WHERE a.county_key = IF(? = '', 0, (SELECT c.id FROM counties c WHERE c.letter = ?)) AND a.login = ?"
		" AND (? <> '' OR a.kind = 'admin') AND a.active = 1 AND a.admin_locked = 0 AND (g.id IS NULL OR g.active = 1)"
		/* A county the platform does not host (any more) has no logins. */
		" AND (k.id IS NULL OR k.hosted = 1)");
	int r;

	if (!st)
		return -1;
	db_bind_text(st, 0, letter);
	db_bind_text(st, 1, letter);
	db_bind_text(st, 2, login);
	db_bind_text(st, 3, letter);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->id = db_col_int(st, 0);
		db_col_copy(st, 1, out->password_hash, sizeof(out->password_hash));
		out->locked = (int)db_col_int(st, 2);
		out->must_change_password = (int)db_col_int(st, 3);
	}
	db_reset(st);
	return r;
}

int store_account_password_hash(struct db *db, long long id, char hash[129])
{
	struct db_stmt *st = db_prepare(db, "SELECT password_hash FROM accounts WHERE id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1)
		snprintf(hash, 129, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	return r;
}

int store_account_set_password(struct db *db, long long id, const char *hash)
{
	struct db_stmt *st = db_prepare(db,
		"UPDATE accounts SET password_hash = ?, must_change_password = 0, password_changed_at = NOW() WHERE id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, hash);
	db_bind_int(st, 1, id);
	return db_exec(st);
}

int store_account_reset_password(struct db *db, long long id, const char *hash)
{
	struct db_stmt *st = db_prepare(db, "UPDATE accounts SET password_hash = ?, must_change_password = 1, failed_logins = 0,"
				       " first_failed_at = NULL, locked_until = NULL WHERE id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, hash);
	db_bind_int(st, 1, id);
	return db_exec(st);
}

int store_account_add_agency(struct db *db, int county_id, long long agency_id, const char *login, const char *hash)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)"
					" VALUES ('agency', ?, ?, ?, ?, 1)");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, agency_id);
	db_bind_text(st, 2, login);
	db_bind_text(st, 3, hash);
	return db_exec(st);
}

int store_account_add_imported(struct db *db, int county_id, long long agency_id, const char *login, long long import_id)
{
	/* No usable password ('!') until the worker gives it a one-time one. */
	struct db_stmt *st = db_prepare(db, "INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password, import_id)"
					" VALUES ('agency', ?, ?, ?, '!', 1, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	db_bind_int(st, 1, agency_id);
	db_bind_text(st, 2, login);
	db_bind_int(st, 3, import_id);
	return db_exec(st);
}

int store_account_set_agency_login(struct db *db, long long agency_id, const char *login)
{
	struct db_stmt *st = db_prepare(db, "UPDATE accounts SET login = ? WHERE agency_id = ?");

	if (!st)
		return -1;
	db_bind_text(st, 0, login);
	db_bind_int(st, 1, agency_id);
	return db_exec(st);
}

#define RESERVED_MAX 1000

int store_account_reserved_logins(struct db *db, int county_id, struct arena *a, const char ***out, int *n)
{
	struct db_stmt *st = db_prepare(db, "SELECT login FROM accounts WHERE county_id = ? AND kind <> 'agency' LIMIT 1000");
	const char **v;
	int r = 0;

	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	if (db_exec(st))
		return -1;
	v = arena_alloc(a, sizeof(*v) * RESERVED_MAX);
	while (*n < RESERVED_MAX && (r = db_step(st)) == 1)
		v[(*n)++] = arena_strdup(a, db_col_text(st, 0, NULL));
	db_reset(st);
	*out = v;
	return r < 0 ? -1 : 0;
}

int store_account_of_county(struct db *db, long long id, int county_id, struct store_account_ref *out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.agency_id, a.login FROM accounts a WHERE a.id = ? AND a.kind = 'agency' AND a.county_id = ?");
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, id);
	db_bind_int(st, 1, county_id);
	if (db_exec(st))
		return -1;
	r = db_step(st);
	if (r == 1) {
		out->agency_id = db_col_int(st, 0);
		db_col_copy(st, 1, out->login, sizeof(out->login));
	}
	db_reset(st);
	return r;
}

int store_account_each_of_county(struct db *db, int county_id,
				 int (*each)(void *ctx, const struct store_account_row *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT ac.id, g.code, g.name, ac.locked_until IS NOT NULL AND ac.locked_until > NOW(), ac.must_change_password"
		" FROM accounts ac JOIN agencies g ON g.id = ac.agency_id WHERE ac.county_id = ? AND ac.kind = 'agency'"
		" AND g.active = 1 ORDER BY g.level, g.code LIMIT 5000");
	struct store_account_row row;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, county_id);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		row.id = db_col_int(st, 0);
		row.code = db_col_text(st, 1, NULL);
		row.name = db_col_text(st, 2, NULL);
		row.locked = (int)db_col_int(st, 3);
		row.must_change_password = (int)db_col_int(st, 4);
		if (each(ctx, &row))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* store_audit.c: the audit trail (audit_log): who changed what, when, from where; and an agency's year read back. */
#include <stdio.h>

#include "store_audit.h"

/* Column i of the current row into dst (cut to size, "" for NULL). */
static const char *value(const char *v)
{
	return v && *v ? v : NULL;
}

int store_audit_add(struct db *db, const struct store_audit_entry *e)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO audit_log (at, account_id, agency_id, year, field, old_value, new_value, client_addr)"
		" VALUES (NOW(3), ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?)");

	if (!st)
		return -1;
	if (e->account_id)
		db_bind_int(st, 0, e->account_id);
	else
		db_bind_null(st, 0);
	db_bind_int(st, 1, e->agency_id);
	db_bind_int(st, 2, e->year);
	db_bind_text(st, 3, e->field);
	db_bind_text(st, 4, value(e->old_value));
	db_bind_text(st, 5, value(e->new_value));
	db_bind_text(st, 6, e->client_addr ? e->client_addr : "");
	return db_exec(st);
}

int store_audit_add_county(struct db *db, const struct store_audit_entry *e)
{
	struct db_stmt *st = db_prepare(db,
		"INSERT INTO audit_log (at, account_id, county_id, year, field, old_value, new_value, client_addr)"
		" VALUES (NOW(3), NULLIF(?, 0), ?, ?, ?, ?, ?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, e->account_id);
	db_bind_int(st, 1, e->county_id);
	db_bind_int(st, 2, e->year);
	db_bind_text(st, 3, e->field);
	db_bind_text(st, 4, value(e->old_value));
	db_bind_text(st, 5, value(e->new_value));
	db_bind_text(st, 6, e->client_addr ? e->client_addr : "");
	return db_exec(st);
}

int store_audit_history(struct db *db, long long agency_id, int year,
			int (*each)(void *ctx, const struct store_audit_change *row), void *ctx)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT DATE_FORMAT(l.at, '%Y-%m-%d %H:%i:%s'), IFNULL(a.login, ''), l.field, IFNULL(l.old_value, ''),"
		" IFNULL(l.new_value, ''), l.client_addr FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id"
		" WHERE l.agency_id = ? AND l.year = ? ORDER BY l.id DESC LIMIT 500");
	struct store_audit_change c;
	int r;

	if (!st)
		return -1;
	db_bind_int(st, 0, agency_id);
	db_bind_int(st, 1, year);
	if (db_exec(st))
		return -1;
	while ((r = db_step(st)) == 1) {
		db_col_copy(st, 0, c.at, sizeof(c.at));
		db_col_copy(st, 1, c.login, sizeof(c.login));
		db_col_copy(st, 2, c.field, sizeof(c.field));
		db_col_copy(st, 3, c.old_value, sizeof(c.old_value));
		db_col_copy(st, 4, c.new_value, sizeof(c.new_value));
		db_col_copy(st, 5, c.client_addr, sizeof(c.client_addr));
		if (each(ctx, &c))
			break;
	}
	db_reset(st);
	return r < 0 ? -1 : 0;
}

/* store_audit.c: the audit trail (audit_log): who changed what, when, from where. */
#include "store_audit.h"

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
		" VALUES (NOW(3), ?, ?, ?, ?, ?, ?, ?)");

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

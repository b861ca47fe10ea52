/* audit.c: the audit trail: who changed what, when, from where. */
#include "audit.h"
#include "session.h"

int audit_add(struct request *req, long long agency_id, int year, const char *field,
	      const char *old_value, const char *new_value)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"INSERT INTO audit_log (at, account_id, agency_id, year, field, old_value, new_value, client_addr)"
		" VALUES (NOW(3), ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?)");

	if (!st)
		return -1;
	if (req->session)
		db_bind_int(st, 0, req->session->account_id);
	else
		db_bind_null(st, 0);
	db_bind_int(st, 1, agency_id);
	db_bind_int(st, 2, year);
	db_bind_text(st, 3, field);
	db_bind_text(st, 4, old_value && *old_value ? old_value : NULL);
	db_bind_text(st, 5, new_value && *new_value ? new_value : NULL);
	db_bind_text(st, 6, req->remote_addr ? req->remote_addr : "");
	return db_exec(st);
}

int audit_add_county(struct request *req, int year, const char *field, const char *old_value, const char *new_value)
{
	struct db_stmt *st = db_prepare(&req->app->db,
		"INSERT INTO audit_log (at, account_id, county_id, year, field, old_value, new_value, client_addr)"
		" VALUES (NOW(3), ?, ?, ?, ?, ?, ?, ?)");

	if (!st)
		return -1;
	db_bind_int(st, 0, req->session->account_id);
	db_bind_int(st, 1, req->session->county_id);
	db_bind_int(st, 2, year);
	db_bind_text(st, 3, field);
	db_bind_text(st, 4, old_value && *old_value ? old_value : NULL);
	db_bind_text(st, 5, new_value && *new_value ? new_value : NULL);
	db_bind_text(st, 6, req->remote_addr ? req->remote_addr : "");
	return db_exec(st);
}

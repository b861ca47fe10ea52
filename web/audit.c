/* audit.c: the audit trail: who changed what, when, from where (the request's side of store_audit). */
#include "audit.h"
#include "session.h"
#include "store_audit.h"

int audit_add(struct request *req, long long agency_id, int year, const char *field,
	      const char *old_value, const char *new_value)
{
	struct store_audit_entry e = {
		.account_id = req->session ? req->session->account_id : 0,
		.agency_id = agency_id,
		.year = year,
		.field = field,
		.old_value = old_value,
		.new_value = new_value,
		.client_addr = req->remote_addr,
	};

	return store_audit_add(&req->app->db, &e);
}

int audit_add_county(struct request *req, int year, const char *field, const char *old_value, const char *new_value)
{
	struct store_audit_entry e = {
		.account_id = req->session->account_id,
		.county_id = req->session->county_id,
		.year = year,
		.field = field,
		.old_value = old_value,
		.new_value = new_value,
		.client_addr = req->remote_addr,
	};

	return store_audit_add_county(&req->app->db, &e);
}

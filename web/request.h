/* request.h: the per-request context handed to every page. */
#ifndef CITYINV_REQUEST_H
#define CITYINV_REQUEST_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "multipart.h"
#include "query.h"
#include "queue.h"
#include "strbuf.h"

/* What lives as long as the process: settings and the connections. */
struct app {
	const struct config *cfg;
	struct db db;
	struct db health;           /* /healthz's own link: 1 s timeouts, never paused */
	struct queue queue;
	struct queue health_queue;  /* /healthz's own: 100 ms, so both checks fit in 1.5 s */
	int health_only;            /* the process of health_socket: /healthz and nothing else */
};

enum method { METHOD_OTHER = 0, METHOD_GET = 1, METHOD_HEAD = 2, METHOD_POST = 4 };

struct request;
struct session;
struct form;
struct form_val;

/* How a request reads its body and sends its response (FastCGI or CGI). */
struct request_io {
	const char *(*param)(struct request *req, const char *name);
	size_t (*read)(struct request *req, char *buf, size_t len);
	void (*write)(struct request *req, const char *buf, size_t len);
};

/*
 * One request.  Everything hanging off it (params, strings) is allocated
 * from `arena`, which is reset when the response has been sent: nothing may
 * keep a pointer into it past the request.
 */
struct request {
	struct app *app;
	struct arena arena;
	const struct request_io *io;
	void *io_data;

	enum method method;
	const char *path;           /* DOCUMENT_URI / path part of REQUEST_URI */
	const char *remote_addr;
	int https;
	struct params query;        /* from QUERY_STRING */
	struct params form;         /* from a urlencoded or multipart POST body */
	struct upload files[MULTIPART_MAX_FILES];   /* a multipart body's files */
	int nfiles;
	const char *cookie_header;

	/* The route's declared fields, validated before its handler runs (form.h). */
	struct form_val *in;        /* indexed by the page's key enum; NULL when it declares none */
	struct form *in_err;        /* one message per bad field (never NULL when in is set) */

	const char *csrf;           /* the token forms must carry */
	struct session *session;    /* the logged-in account, or NULL */
	int session_unread;         /* answered before the session was read (a malformed request): neither logged in nor out */
	struct session_stamp *stamp;    /* read with the session when the route asks (session.h), or NULL */
	const char *factor_stamp;       /* the same for the factor table (ROUTE_FACTORS, factors.h), or NULL */

	/* A failed login shows the home page again with these. */
	const char *login_error;
	const char *login_county;
	const char *login_account;

	int status;
	const char *content_type;
	int compress;               /* the body may go gzipped to a client that takes it: never for a page echoing free text of the request (compress.c) */
	struct strbuf headers;      /* extra header lines, each ending "\r\n" */
	struct strbuf body;
};

/* A request parameter (CGI variable) or NULL. */
const char *req_param(struct request *req, const char *name);
/* A query-string or form value, or NULL. */
const char *req_arg(struct request *req, const char *name);
/* The same, "" when absent. */
const char *req_str(struct request *req, const char *name);

/* Adds "Name: value\r\n"; value must not contain CR or LF (aborts if it does). */
void req_header(struct request *req, const char *name, const char *value);
/* Sets a cookie with HttpOnly, SameSite and Secure (when configured) set. */
void req_set_cookie(struct request *req, const char *name, const char *value,
		    const char *samesite, int max_age);
/* A cookie value from the request, or NULL. */
const char *req_cookie(struct request *req, const char *name);

/* Fills buf with 2*n hex characters of n random bytes; aborts if the kernel cannot. */
void random_hex(char *buf, size_t n);
/* Is t exactly 64 lower-case hex characters (a token from random_hex(.., 32))? */
int hex_token_ok(const char *t);
/* Constant-time string equality. */
int secure_streq(const char *a, const char *b);

/* Ensures req->csrf is set (from the cookie, or a new token and cookie). */
void csrf_ensure(struct request *req);
/* Does the POSTed "csrf" field match the request's token? */
int csrf_valid(struct request *req);

/* Runs the route table on a request whose fields are filled; writes the response. */
void request_handle(struct request *req);

#endif

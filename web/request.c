/* request.c: parsing a request into its context, and sending the response. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "compress.h"
#include "request.h"
#include "routes.h"
#include "session.h"
#include "util.h"

#define BODY_MAX (4 << 20)  /* the upload forms' 4 MB; nginx refuses bodies over 8 MB before (both pages say 4 MB) */

const char *req_param(struct request *req, const char *name)
{
	return req->io->param(req, name);
}

const char *req_arg(struct request *req, const char *name)
{
	const char *v = query_get(&req->form, name);

	return v ? v : query_get(&req->query, name);
}

const char *req_str(struct request *req, const char *name)
{
	const char *v = req_arg(req, name);

	return v ? v : "";
}

void req_header(struct request *req, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		die("header injection attempt in %s", name);
	strbuf_addstr(&req->headers, name);
	strbuf_addstr(&req->headers, ": ");
	strbuf_addstr(&req->headers, value);
	strbuf_addstr(&req->headers, "\r\n");
}

void req_set_cookie(struct request *req, const char *name, const char *value,
		    const char *samesite, int max_age)
{
	char *v = arena_printf(&req->arena, "%s=%s; Path=/; HttpOnly; SameSite=%s%s%s",
			       name, value, samesite,
			       req->app->cfg->cookie_secure || req->https ? "; Secure" : "",
			       max_age >= 0 ? arena_printf(&req->arena, "; Max-Age=%d", max_age) : "");
	req_header(req, "Set-Cookie", v);
}

const char *req_cookie(struct request *req, const char *name)
{
	return query_cookie(&req->arena, req->cookie_header, name);
}

void random_hex(char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t got = 0;

	if (n > sizeof(raw))
		die("random_hex: too many bytes");
	while (got < n) {
		ssize_t r = getrandom(raw + got, n - got, 0);
		if (r < 0)
			die("getrandom failed");
		got += (size_t)r;
	}
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = hex[raw[i] >> 4];
		buf[2 * i + 1] = hex[raw[i] & 15];
	}
	buf[2 * n] = '\0';
}

int secure_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

#define CSRF_COOKIE "cityinv_csrf"

int hex_token_ok(const char *t)
{
	if (!t || strlen(t) != 64)
		return 0;
	for (; *t; t++)
		if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f')))
			return 0;
	return 1;
}

void csrf_ensure(struct request *req)
{
	const char *c;
	char tok[65];

	if (req->csrf)
		return;
	c = req_cookie(req, CSRF_COOKIE);
	if (hex_token_ok(c)) {
		req->csrf = c;
		return;
	}
	random_hex(tok, 32);
	req->csrf = arena_strdup(&req->arena, tok);
	req_set_cookie(req, CSRF_COOKIE, req->csrf, "Strict", -1);
}

int csrf_valid(struct request *req)
{
	const char *f = query_get(&req->form, "csrf");
	const char *c;

	/* Logged in: the session's own token.  Before login: the cookie's. */
	if (req->session)
		return f && secure_streq(req->session->csrf, f);
	c = req_cookie(req, CSRF_COOKIE);
	return hex_token_ok(c) && f && secure_streq(c, f);
}

static enum method parse_method(const char *m)
{
	if (!m)
		return METHOD_OTHER;
	if (!strcmp(m, "GET"))
		return METHOD_GET;
	if (!strcmp(m, "HEAD"))
		return METHOD_HEAD;
	if (!strcmp(m, "POST"))
		return METHOD_POST;
	return METHOD_OTHER;
}

/* Reads a urlencoded body into req->form; 0, or -1 with the response set. */
static int read_body(struct request *req)
{
	const char *ct = req_param(req, "CONTENT_TYPE");
	const char *cl = req_param(req, "CONTENT_LENGTH");
	long long n = 0;
	char *buf;
	size_t got = 0;

	/* nginx sends what the client said; anything but digits is not a length. */
	if (cl && *cl && parse_digits(cl, strlen(cl), &n)) {
		req->status = 400;
		return -1;
	}
	if (n > BODY_MAX) {
		req->status = 413;
		return -1;
	}
	if (!n)
		return 0;
	buf = arena_alloc(&req->arena, (size_t)n + 1);
	while (got < (size_t)n) {
		size_t r = req->io->read(req, buf + got, (size_t)n - got);
		if (!r)
			break;
		got += r;
	}
	buf[got] = '\0';
	if (got != (size_t)n) {
		req->status = 400;
		return -1;
	}
	if (ct && !strncmp(ct, "application/x-www-form-urlencoded", 33)) {
		if (query_parse(&req->arena, buf, got, &req->form) != QUERY_OK) {
			req->status = 400;
			return -1;
		}
	} else if (ct && !strncasecmp(ct, "multipart/form-data", 19)) {
		enum multipart_err e = multipart_parse(&req->arena, ct, buf, got, &req->form, req->files, &req->nfiles);

		if (e != MULTIPART_OK) {
			log_warn("%s: multipart body refused: %s", req->path, multipart_strerror(e));
			req->status = 400;
			return -1;
		}
	}
	return 0;
}

/* Bodies smaller than this go as they are: gzip's header alone is 18 bytes. */
#define COMPRESS_MIN 1024

static void send_response(struct request *req)
{
	struct strbuf head = STRBUF_INIT;
	const struct strbuf *gz = NULL;
	const char *reason;

	switch (req->status) {
	case 200: reason = "OK"; break;
	case 302: reason = "Found"; break;
	case 401: reason = "Unauthorized"; break;
	case 303: reason = "See Other"; break;
	case 400: reason = "Bad Request"; break;
	case 403: reason = "Forbidden"; break;
	case 404: reason = "Not Found"; break;
	case 405: reason = "Method Not Allowed"; break;
	case 409: reason = "Conflict"; break;
	case 413: reason = "Payload Too Large"; break;
	case 503: reason = "Service Unavailable"; break;
	default: reason = "Error"; break;
	}
	strbuf_addf(&head, "Status: %d %s\r\n", req->status, reason);
	strbuf_addstr(&head, "Content-Type: ");
	strbuf_addstr(&head, req->content_type);
	strbuf_addstr(&head, "\r\nCache-Control: no-store\r\n");
	if (req->compress) {
		strbuf_addstr(&head, "Vary: Accept-Encoding\r\n");
		if (req->status == 200 && req->body.len >= COMPRESS_MIN &&
		    compress_accepted(req_param(req, "HTTP_ACCEPT_ENCODING")))
			gz = compress_body(req->body.buf, req->body.len);
		if (gz)
			strbuf_addstr(&head, "Content-Encoding: gzip\r\n");
	}
	strbuf_addf(&head, "Content-Length: %zu\r\n", gz ? gz->len : req->body.len);
	strbuf_add(&head, req->headers.buf, req->headers.len);
	strbuf_addstr(&head, "\r\n");
	req->io->write(req, head.buf, head.len);
	if (req->method != METHOD_HEAD)
		req->io->write(req, gz ? gz->buf : req->body.buf, gz ? gz->len : req->body.len);
	strbuf_release(&head);
}

/*
 * The client's address for the login log, the sessions and the audit trail:
 * REMOTE_ADDR as nginx resolved it (real_ip from the same trusted_proxies
 * setting), walked again in case the front end passed a trusted proxy's own
 * address.  Allocated from the request's arena.
 */
static const char *client_addr(struct request *req)
{
	const struct config_nets *proxies = &req->app->cfg->trusted_proxies;
	char *out = arena_alloc(&req->arena, IPNET_ADDR_MAX);

	return ipnet_client(proxies->net, proxies->n, req_param(req, "REMOTE_ADDR"),
			    req_param(req, "HTTP_X_FORWARDED_FOR"), out);
}

void request_handle(struct request *req)
{
	const char *qs, *uri;
	size_t plen;

	req->status = 200;
	req->content_type = "text/html; charset=utf-8";
	req->compress = 0;
	req->method = parse_method(req_param(req, "REQUEST_METHOD"));
	req->remote_addr = client_addr(req);
	req->cookie_header = req_param(req, "HTTP_COOKIE");
	req->https = req_param(req, "HTTPS") != NULL;
	req->query.n = req->form.n = 0;
	req->csrf = NULL;
	req->session = NULL;
	req->session_unread = 0;
	req->login_error = req->login_county = req->login_account = NULL;

	/* The path is DOCUMENT_URI when nginx gives it, else REQUEST_URI up to '?'. */
	uri = req_param(req, "DOCUMENT_URI");
	if (!uri)
		uri = req_param(req, "SCRIPT_NAME");
	if (!uri || !*uri) {
		uri = req_param(req, "REQUEST_URI");
		if (!uri)
			uri = "/";
	}
	plen = strcspn(uri, "?");
	req->path = arena_strndup(&req->arena, uri, plen);

	qs = req_param(req, "QUERY_STRING");
	if (qs && query_parse(&req->arena, qs, strlen(qs), &req->query) != QUERY_OK) {
		req->status = 400;
		req->session_unread = 1;
		routes_error_page(req);
		goto send;
	}
	if (req->method == METHOD_POST && read_body(req)) {
		req->session_unread = 1;
		routes_error_page(req);
		goto send;
	}
	if (req->app->health_only && strcmp(req->path, "/healthz")) {
		req->status = 404;
		routes_error_page(req);
		goto send;
	}
	routes_dispatch(req);
	/* A handler that returned inside a transaction: nothing of it may outlive the request. */
	if (db_settle(&req->app->db))
		error("%s: transaction left open at the end of the request; rolled back", req->path);
send:
	send_response(req);
}

/* config.h: the settings file, read once at start against a table of bounds. */
#ifndef CITYINV_CONFIG_H
#define CITYINV_CONFIG_H

#include <stddef.h>

#include "ipnet.h"

/*
 * The file is lines of `key = value`; '#' starts a comment line; blank lines
 * are ignored.  Every key is declared in one table (config.c) with its type
 * and bounds; an unknown key, a repeated key, a value out of bounds or a
 * missing required key is an error naming the file and line.  Secrets never
 * live in the file: they come from the environment (CITYINV_DB_PASSWORD,
 * CITYINV_REDIS_PASSWORD).
 */
#define CONFIG_STR_MAX 256
#define CONFIG_NETS_MAX 16

/* A list of networks as written (CIDRs separated by commas or spaces) and parsed. */
struct config_nets {
	char text[CONFIG_STR_MAX];
	struct ipnet net[CONFIG_NETS_MAX];
	int n;
};

struct config {
	char web_socket[CONFIG_STR_MAX];   /* unix socket of the FastCGI processes */
	char health_socket[CONFIG_STR_MAX]; /* /healthz's own process; "" = web_socket + ".health" */
	int web_processes;                 /* how many FastCGI processes */
	int web_backlog;

	char db_host[CONFIG_STR_MAX];      /* empty: use db_socket */
	int db_port;
	char db_socket[CONFIG_STR_MAX];
	char db_name[CONFIG_STR_MAX];
	char db_user[CONFIG_STR_MAX];
	char db_password[CONFIG_STR_MAX];  /* from CITYINV_DB_PASSWORD */

	char redis_host[CONFIG_STR_MAX];   /* empty: use redis_socket */
	int redis_port;
	char redis_socket[CONFIG_STR_MAX];
	int redis_db;
	char redis_password[CONFIG_STR_MAX]; /* from CITYINV_REDIS_PASSWORD */
	char queue_prefix[64];             /* key prefix of every Redis key */
	int redis_timeout_ms;              /* connect and command timeout (not a claim's wait) */

	int db_connect_timeout;            /* seconds (the client counts whole seconds) */
	int db_timeout;                    /* read/write timeout of the web processes, seconds */
	int worker_db_timeout;             /* the same for the worker and admin, seconds */

	char files_dir[CONFIG_STR_MAX];    /* generated files, served by nginx */
	char epoch_file[CONFIG_STR_MAX];   /* the write epoch (epoch.h), on a tmpfs; "" none */
	char migrations_dir[CONFIG_STR_MAX];

	int worker_poll_seconds;           /* outbox poll and claim timeout */
	int worker_heartbeat_seconds;      /* a worker silent this long is dead */
	int cookie_secure;                 /* add Secure to cookies (default yes: https) */
	/*
	 * Proxies whose X-Forwarded-For is believed (nginx's set_real_ip_from,
	 * rendered from this same setting): the client address of the login limit,
	 * the sessions and the audit trail.  Empty: the connecting address.
	 */
	struct config_nets trusted_proxies;
};

/*
 * Reads `path` into *cfg (defaults first, then the file, then secrets from
 * the environment).  Returns 0, or -1 with "path:line: reason" in err.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

/* The same for text already in memory; `name` is used in messages. */
int config_parse(struct config *cfg, const char *name, const char *text,
		 size_t len, char *err, size_t errlen);

void config_defaults(struct config *cfg);

#endif

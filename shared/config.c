/* config.c: the settings file, read once at start against a table of bounds. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "strbuf.h"

enum config_type { CONFIG_INT, CONFIG_STR, CONFIG_BOOL, CONFIG_NETS };

struct config_key {
	const char *name;
	enum config_type type;
	size_t offset;
	size_t size;      /* CONFIG_STR: buffer size */
	long long min;    /* CONFIG_INT: bounds; CONFIG_STR: minimum length */
	long long max;    /* CONFIG_NETS: most networks */
	const char *def;  /* default, as it would be written in the file */
};

#define INT_KEY(n, lo, hi, d) { #n, CONFIG_INT, offsetof(struct config, n), 0, lo, hi, d }
#define STR_KEY(n, minlen, d) { #n, CONFIG_STR, offsetof(struct config, n), \
	sizeof(((struct config *)0)->n), minlen, 0, d }
#define BOOL_KEY(n, d) { #n, CONFIG_BOOL, offsetof(struct config, n), 0, 0, 1, d }
#define NETS_KEY(n, most, d) { #n, CONFIG_NETS, offsetof(struct config, n), 0, 0, most, d }

static const struct config_key keys[] = {
	STR_KEY(web_socket, 1, "/run/cityinv/web.sock"),
	STR_KEY(health_socket, 0, ""),
	INT_KEY(web_processes, 1, 64, "4"),
	INT_KEY(web_backlog, 1, 4096, "256"),
	STR_KEY(db_host, 0, ""),
	INT_KEY(db_port, 1, 65535, "3306"),
	STR_KEY(db_socket, 0, ""),
	STR_KEY(db_name, 1, "cityinv"),
	STR_KEY(db_user, 1, "cityinv"),
	STR_KEY(redis_host, 0, ""),
	INT_KEY(redis_port, 1, 65535, "6379"),
	STR_KEY(redis_socket, 0, ""),
	INT_KEY(redis_db, 0, 15, "0"),
	STR_KEY(queue_prefix, 1, "cityinv"),
	INT_KEY(redis_timeout_ms, 10, 10000, "200"),
	INT_KEY(db_connect_timeout, 1, 60, "1"),
	INT_KEY(db_timeout, 1, 600, "2"),
	INT_KEY(worker_db_timeout, 1, 3600, "60"),
	STR_KEY(files_dir, 1, "/var/lib/cityinv/files"),
	STR_KEY(epoch_file, 0, ""),
	STR_KEY(migrations_dir, 1, "/usr/share/cityinv/migrations"),
	INT_KEY(worker_poll_seconds, 1, 300, "5"),
	INT_KEY(worker_heartbeat_seconds, 2, 3600, "30"),
	/* Secure unless a settings file says otherwise: a deployment is served over https. */
	BOOL_KEY(cookie_secure, "yes"),
	NETS_KEY(trusted_proxies, CONFIG_NETS_MAX, ""),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

__attribute__((format(printf, 5, 6)))
static int fail(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line > 0)
		n = snprintf(err, errlen, "%s:%d: ", name, line);
	else
		n = snprintf(err, errlen, "%s: ", name);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Stores `val` for key k; returns NULL or a reason. */
static const char *set_value(struct config *cfg, const struct config_key *k, const char *val)
{
	char *base = (char *)cfg;

	switch (k->type) {
	case CONFIG_INT: {
		char *end;
		long long v;

		if (!*val)
			return "a number is required";
		errno = 0;
		v = strtoll(val, &end, 10);
		if (errno || *end || end == val)
			return "not a whole number";
		if (v < k->min || v > k->max) {
			static char why[96];
			snprintf(why, sizeof(why), "must be between %lld and %lld", k->min, k->max);
			return why;
		}
		*(int *)(base + k->offset) = (int)v;
		return NULL;
	}
	case CONFIG_BOOL:
		if (!strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1"))
			*(int *)(base + k->offset) = 1;
		else if (!strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "0"))
			*(int *)(base + k->offset) = 0;
		else
			return "must be yes or no";
		return NULL;
	case CONFIG_STR: {
		size_t n = strlen(val);

		if (n >= k->size)
			return "value too long";
		if ((long long)n < k->min)
			return "a value is required";
		for (const char *p = val; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return "control characters are not allowed";
		memcpy(base + k->offset, val, n + 1);
		return NULL;
	}
	case CONFIG_NETS: {
		struct config_nets *nets = (struct config_nets *)(base + k->offset);
		const char *p = val;

		if (strlen(val) >= sizeof(nets->text))
			return "value too long";
		memset(nets, 0, sizeof(*nets));
		strcpy(nets->text, val);
		for (;;) {
			static char why[CONFIG_STR_MAX + 96];
			size_t len;
			const char *bad;

			p += strspn(p, ", \t");
			if (!*p)
				return NULL;
			len = strcspn(p, ", \t");
			if (nets->n == k->max) {
				snprintf(why, sizeof(why), "more than %lld networks", k->max);
				return why;
			}
			bad = ipnet_parse(&nets->net[nets->n], p, len);
			if (bad) {
				snprintf(why, sizeof(why), "'%.*s' %s", (int)len, p, bad);
				return why;
			}
			nets->n++;
			p += len;
		}
	}
	}
	return "unknown type";
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NKEYS; i++)
		if (set_value(cfg, &keys[i], keys[i].def))
			abort(); /* a bad default is a programming error */
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int env_secret(char *dst, size_t size, const char *var, const char *name,
		      char *err, size_t errlen)
{
	const char *v = getenv(var);

	if (!v)
		return 0;
	if (strlen(v) >= size)
		return fail(err, errlen, name, 0, "%s is too long", var);
	strcpy(dst, v);
	return 0;
}

/* One line of the file (NUL-free): a comment, a blank, or 'key = value' stored in cfg; 0 or -1 with err. */
static int parse_line(struct config *cfg, unsigned char *seen, char *buf, const char *name, int lineno,
		      char *err, size_t errlen)
{
	char *s = trim(buf), *eq, *key, *val;
	const char *why;
	size_t i;

	if (!*s || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq)
		return fail(err, errlen, name, lineno, "expected 'key = value'");
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, key))
			break;
	if (i == NKEYS)
		return fail(err, errlen, name, lineno, "unknown setting '%.64s'", key);
	if (seen[i])
		return fail(err, errlen, name, lineno, "'%s' is set twice", key);
	seen[i] = 1;
	why = set_value(cfg, &keys[i], val);
	if (why)
		return fail(err, errlen, name, lineno, "%s: %s", key, why);
	return 0;
}

/* What the settings must say together, once every line is read, and the secrets from the environment. */
static int check_whole(struct config *cfg, const char *name, char *err, size_t errlen)
{
	if (!cfg->health_socket[0]) {
		size_t n = strlen(cfg->web_socket);

		if (cfg->web_socket[0] != '/')
			return fail(err, errlen, name, 0, "set health_socket (web_socket is not a path)");
		if (n + sizeof(".health") > sizeof(cfg->health_socket))
			return fail(err, errlen, name, 0, "web_socket too long to derive health_socket");
		memcpy(cfg->health_socket, cfg->web_socket, n);
		memcpy(cfg->health_socket + n, ".health", sizeof(".health"));
	}
	if (!strcmp(cfg->health_socket, cfg->web_socket))
		return fail(err, errlen, name, 0, "health_socket must differ from web_socket");
	if (!cfg->db_host[0] && !cfg->db_socket[0])
		return fail(err, errlen, name, 0, "set db_host or db_socket");
	if (!cfg->redis_host[0] && !cfg->redis_socket[0])
		return fail(err, errlen, name, 0, "set redis_host or redis_socket");
	if (env_secret(cfg->db_password, sizeof(cfg->db_password), "CITYINV_DB_PASSWORD", name, err, errlen) ||
	    env_secret(cfg->redis_password, sizeof(cfg->redis_password), "CITYINV_REDIS_PASSWORD", name, err, errlen))
		return -1;
	return 0;
}

int config_parse(struct config *cfg, const char *name, const char *text,
		 size_t len, char *err, size_t errlen)
{
	unsigned char seen[NKEYS] = { 0 };
	struct strbuf line = STRBUF_INIT;
	size_t pos = 0;
	int lineno = 0, ret = -1;

	config_defaults(cfg);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		strbuf_reset(&line);
		strbuf_add(&line, text + pos, n);
		pos += n + (nl ? 1 : 0);
		if (memchr(line.buf, '\0', line.len)) {
			fail(err, errlen, name, lineno, "NUL byte in line");
			goto out;
		}
		if (parse_line(cfg, seen, line.buf, name, lineno, err, errlen))
			goto out;
	}
	ret = check_whole(cfg, name, err, errlen);
out:
	strbuf_release(&line);
	return ret;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	struct strbuf text = STRBUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return fail(err, errlen, path, 0, "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		strbuf_add(&text, chunk, n);
		if (text.len > 1 << 20) {
			fclose(f);
			strbuf_release(&text);
			return fail(err, errlen, path, 0, "file too large");
		}
	}
	if (ferror(f)) {
		fclose(f);
		strbuf_release(&text);
		return fail(err, errlen, path, 0, "read error");
	}
	fclose(f);
	ret = config_parse(cfg, path, text.buf, text.len, err, errlen);
	strbuf_release(&text);
	return ret;
}

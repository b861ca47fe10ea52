/* test_config.c: the settings file: bounds, unknown keys, messages with file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tap.h"

static struct config cfg;
static char err[512];

static int parse(const char *text)
{
	err[0] = '\0';
	return config_parse(&cfg, "test.conf", text, strlen(text), err, sizeof(err));
}

int main(void)
{
	unsetenv("CITYINV_DB_PASSWORD");
	unsetenv("CITYINV_REDIS_PASSWORD");

	is_int(parse("db_socket = /s\nredis_socket = /r\n"), 0, "minimal file");
	is_int(cfg.web_processes, 4, "default web_processes");
	is_str(cfg.db_name, "cityinv", "default db_name");
	is_int(cfg.cookie_secure, 1, "default cookie_secure: yes (a deployment is served over https)");
	is_int(cfg.trusted_proxies.n, 0, "default trusted_proxies: none");

	is_int(parse("# comment\n\n  db_socket=/s  \nredis_socket = /r\nweb_processes = 8\r\n"), 0,
	       "comments, blank lines, spaces and CRLF");
	is_int(cfg.web_processes, 8, "web_processes read");
	is_str(cfg.db_socket, "/s", "value trimmed");

	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_processes = 0\n"), -1, "below minimum refused");
	is_str(err, "test.conf:3: web_processes: must be between 1 and 64", "message names file, line, key and bounds");
	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_processes = 65\n"), -1, "above maximum refused");
	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_processes = 4x\n"), -1, "junk after number refused");
	is_str(err, "test.conf:3: web_processes: not a whole number", "junk message");
	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_processes =\n"), -1, "empty number refused");
	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_processes = 99999999999999999999\n"), -1, "overflowing number refused");
	is_int(parse("db_socket = /s\nredis_socket = /r\ndb_port = 65536\n"), -1, "port above 65535 refused");
	is_int(parse("db_socket = /s\nredis_socket = /r\ndb_port = -1\n"), -1, "negative port refused");

	is_int(parse("db_socket = /s\nbogus = 1\n"), -1, "unknown key refused");
	is_str(err, "test.conf:2: unknown setting 'bogus'", "unknown key message");
	is_int(parse("db_socket = /s\ndb_socket = /t\n"), -1, "repeated key refused");
	is_str(err, "test.conf:2: 'db_socket' is set twice", "repeat message");
	is_int(parse("db_socket /s\n"), -1, "line without '=' refused");
	is_str(err, "test.conf:1: expected 'key = value'", "syntax message");

	is_int(parse("db_socket = /s\nredis_socket = /r\ncookie_secure = yes\n"), 0, "boolean yes");
	is_int(cfg.cookie_secure, 1, "cookie_secure set");
	is_int(parse("db_socket = /s\nredis_socket = /r\ncookie_secure = maybe\n"), -1, "bad boolean refused");
	is_str(err, "test.conf:3: cookie_secure: must be yes or no", "boolean message");

	is_int(parse("db_socket = /s\nredis_socket = /r\n"), 0, "minimal file again");
	is_str(cfg.health_socket, "/run/cityinv/web.sock.health", "health_socket derived from web_socket");
	is_int(cfg.redis_timeout_ms, 200, "default redis_timeout_ms");
	is_int(cfg.db_connect_timeout, 1, "default db_connect_timeout");
	is_int(cfg.db_timeout, 2, "default db_timeout");
	is_int(cfg.worker_db_timeout, 60, "default worker_db_timeout");
	is_int(parse("db_socket = /s\nredis_socket = /r\nredis_timeout_ms = 5\n"), -1, "redis timeout below 10 ms refused");
	is_int(parse("db_socket = /s\nredis_socket = /r\ndb_timeout = 0\n"), -1, "db timeout of 0 (no timeout) refused");
	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_socket = 0.0.0.0:9000\n"), -1,
	       "a TCP web_socket without health_socket refused");
	is_str(err, "test.conf: set health_socket (web_socket is not a path)", "health_socket message");
	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_socket = 0.0.0.0:9000\nhealth_socket = 0.0.0.0:9001\n"), 0,
	       "TCP web_socket and health_socket");
	is_int(parse("db_socket = /s\nredis_socket = /r\nweb_socket = /w\nhealth_socket = /w\n"), -1,
	       "health_socket equal to web_socket refused");

	is_int(parse("db_socket = /s\nredis_socket = /r\ncookie_secure = no\n"), 0, "boolean no");
	is_int(cfg.cookie_secure, 0, "cookie_secure off (the local stack over http)");

	is_int(parse("db_socket = /s\nredis_socket = /r\ntrusted_proxies = 10.0.0.0/8, 192.0.2.7 2001:db8::/32\n"), 0,
	       "trusted_proxies: networks separated by commas or spaces");
	is_int(cfg.trusted_proxies.n, 3, "three networks");
	is_str(cfg.trusted_proxies.text, "10.0.0.0/8, 192.0.2.7 2001:db8::/32", "the text kept as written");
	is_int(cfg.trusted_proxies.net[1].prefix, 32, "a bare address is one address");
	is_int(parse("db_socket = /s\nredis_socket = /r\ntrusted_proxies =\n"), 0, "trusted_proxies may be empty");
	is_int(cfg.trusted_proxies.n, 0, "none then");
	is_int(parse("db_socket = /s\nredis_socket = /r\ntrusted_proxies = 10.0.0.0/8, proxy.example\n"), -1,
	       "a name in trusted_proxies refused");
	is_str(err, "test.conf:3: trusted_proxies: 'proxy.example' is not an IPv4 or IPv6 address or network",
	       "the message names the entry");
	is_int(parse("db_socket = /s\nredis_socket = /r\ntrusted_proxies = 10.1.0.0/8\n"), -1, "host bits refused");
	is_str(err, "test.conf:3: trusted_proxies: '10.1.0.0/8' has address bits set beyond its prefix length", "host bits message");
	is_int(parse("db_socket = /s\nredis_socket = /r\ntrusted_proxies = 0.0.0.0/0\n"), -1, "trusting everyone refused");
	{
		char text[400] = "db_socket = /s\nredis_socket = /r\ntrusted_proxies =";

		for (int i = 1; i <= 16; i++)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), " 10.0.0.%d", i);
		is_int(parse(text), 0, "16 networks accepted");
		is_int(cfg.trusted_proxies.n, 16, "all 16 read");
		strcat(text, " 10.0.0.17");
		is_int(parse(text), -1, "a 17th refused");
		is_str(err, "test.conf:3: trusted_proxies: more than 16 networks", "the bound named");
	}

	is_int(parse("redis_socket = /r\n"), -1, "no database location refused");
	is_str(err, "test.conf: set db_host or db_socket", "missing database message");
	is_int(parse("db_socket = /s\n"), -1, "no redis location refused");
	is_int(parse("db_socket = /s\nredis_socket = /r\ndb_name =\n"), -1, "required string empty refused");
	is_str(err, "test.conf:3: db_name: a value is required", "required message");

	{
		char text[600];

		strcpy(text, "db_socket = /");
		for (int i = 0; i < 300; i++)
			strcat(text, "x");
		strcat(text, "\nredis_socket = /r\n");
		is_int(parse(text), -1, "overlong string refused");
		is_str(err, "test.conf:1: db_socket: value too long", "length message");
	}
	is_int(parse("db_socket = /s\x01x\nredis_socket = /r\n"), -1, "control character refused");
	{
		static const char nul[] = "db_socket = /s\0\nredis_socket = /r\n";
		err[0] = '\0';
		is_int(config_parse(&cfg, "test.conf", nul, sizeof(nul) - 1, err, sizeof(err)), -1, "NUL byte refused");
	}

	setenv("CITYINV_DB_PASSWORD", "s3cret", 1);
	is_int(parse("db_socket = /s\nredis_socket = /r\n"), 0, "secret from environment");
	is_str(cfg.db_password, "s3cret", "db password from CITYINV_DB_PASSWORD");
	is_int(parse("db_socket = /s\nredis_socket = /r\ndb_password = x\n"), -1, "password in the file refused (unknown key)");
	unsetenv("CITYINV_DB_PASSWORD");

	is_int(config_load(&cfg, "/nonexistent/cityinv.conf", err, sizeof(err)), -1, "missing file");
	ok(strstr(err, "/nonexistent/cityinv.conf: cannot open") == err, "missing file message names the file");
	return tap_done();
}

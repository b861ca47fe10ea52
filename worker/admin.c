/* admin.c: cityinv-admin: migrations, demo data, the first admin, password hashes and the write epoch, from the command line. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "config.h"
#include "db.h"
#include "epoch.h"
#include "password.h"
#include "store_console.h"
#include "store_schema.h"
#include "strbuf.h"
#include "util.h"

/*
 * migrate: applies every migrations/NNNN_name.sql not yet recorded in
 * schema_migrations, in order, each once, under a named lock so two hosts
 * starting together do not race.  demo: loads the files of migrations/demo/
 * (idempotent inserts) — for local runs and tests only, never production.
 */

int admin_read_file(const char *path, struct strbuf *out)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return error("cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(out, chunk, n);
	if (ferror(f)) {
		fclose(f);
		return error("cannot read %s", path);
	}
	fclose(f);
	return 0;
}

static int is_migration(const char *name)
{
	size_t n = strlen(name);

	if (n < 9 || strcmp(name + n - 4, ".sql"))
		return 0;
	for (int i = 0; i < 4; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return name[4] == '_';
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the files in dir that pass `want` into *out, *n set; 0 or -1. */
static int list_sql(const char *dir, int (*want)(const char *), char ***out, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int cap = 0;

	*n = 0;
	*out = NULL;
	if (!d)
		return error("cannot open %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		if (!want(e->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, sizeof(*v) * (size_t)cap);
		}
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, (size_t)*n, sizeof(*v), cmp_names);
	*out = v;
	return 0;
}

static void free_list(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}


static int cmd_migrate(struct db *db, const struct config *cfg)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char **names = NULL;
	int n = 0, ret = -1, count = 0, locked;

	if (store_schema_init(db))
		return error("migrate: %s", db->errstr);
	if (list_sql(cfg->migrations_dir, is_migration, &names, &n))
		return -1;
	locked = store_schema_lock(db);
	if (locked < 0) {
		error("migrate: lock: %s", db->errstr);
		goto out;
	}
	if (!locked) {
		error("migrate: another migration is running");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		long long version = 0;
		int yes;

		parse_digits(names[i], 4, &version);   /* is_migration() lets only NNNN_ names through */
		yes = store_schema_applied(db, (int)version);

		if (yes < 0)
			goto unlock;
		if (yes)
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", cfg->migrations_dir, names[i]);
		strbuf_reset(&text);
		if (admin_read_file(path.buf, &text))
			goto unlock;
		if (db_run_script(db, text.buf, text.len)) {
			error("migrate: %s failed; fix it and run again", names[i]);
			goto unlock;
		}
		if (store_schema_record(db, version, names[i]))
			goto unlock;
		printf("applied %s\n", names[i]);
		count++;
	}
	printf("migrations: %d applied, %d in all\n", count, n);
	if (load_factors(db, cfg))
		goto unlock;
	ret = 0;
unlock:
	if (store_schema_unlock(db))
		error("migrate: unlock: %s", db->errstr);
out:
	free_list(names, n);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}


static int is_sql(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".sql") && name[0] != '.';
}

static int cmd_demo(struct db *db, const struct config *cfg)
{
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT, text = STRBUF_INIT;
	char **names = NULL;
	int n = 0, ret = -1;

	strbuf_addf(&dir, "%s/demo", cfg->migrations_dir);
	if (list_sql(dir.buf, is_sql, &names, &n))
		goto out;
	for (int i = 0; i < n; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir.buf, names[i]);
		strbuf_reset(&text);
		if (admin_read_file(path.buf, &text) || db_run_script(db, text.buf, text.len)) {
			error("demo: %s failed", names[i]);
			goto out;
		}
		printf("loaded %s\n", names[i]);
	}
	ret = 0;
out:
	free_list(names, n);
	strbuf_release(&dir);
	strbuf_release(&path);
	strbuf_release(&text);
	return ret;
}

/* Reads one line (the password) from stdin and prints its argon2id hash. */
static int cmd_hash_password(void)
{
	char line[1024], out[PASSWORD_HASH_MAX];
	size_t n;

	if (!fgets(line, sizeof(line), stdin))
		return error("hash-password: no password on standard input");
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (!n)
		return error("hash-password: empty password");
	if (password_hash(line, n, out))
		return -1;
	printf("%s\n", out);
	return 0;
}

/*
 * A platform admin account with a one-time password, printed once (changed
 * at first login): the first admin of a new deployment, after which the
 * console (/admin/accounts) makes the others.  Audited as the console's.
 */
static int cmd_add_admin(struct db *db, const char *login, const char *name)
{
	char pw[13], hash[PASSWORD_HASH_MAX];
	long long id = 0;
	int r;

	if (!store_console_login_ok(login))
		return error("add-admin: a login is 2 to 40 ASCII letters, digits and . _ -, from a letter or a digit");
	if (!*name || strlen(name) > 150)
		return error("add-admin: give the person's name (at most 50 characters)");
	if (password_onetime(pw) || password_hash(pw, 12, hash))
		return error("add-admin: no password could be made");
	if (db_begin(db))
		return error("add-admin: %s", db->errstr);
	r = store_console_add_account(db, 0, login, name, hash, 0, &id);
	if (r == 0 || r == 2) {
		db_rollback(db);
		return r == 0 ? error("add-admin: an admin account %s exists already", login)
			      : error("add-admin: %s is a county's letter and one of its logins: that account could not log in without a county", login);
	}
	if (r < 0 || store_console_audit(db, 0, 0, id, "建立帳號", login, "cityinv-admin") || db_commit(db)) {
		db_rollback(db);
		return error("add-admin: %s", db->errstr);
	}
	printf("admin %s created; one-time password (shown once, changed at first login): %s\n", login, pw);
	return 0;
}

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: cityinv-admin [-c FILE] migrate | demo | hash-password | add-admin LOGIN NAME | epoch\n"
		"  migrate        apply the migrations not yet applied\n"
		"  demo           load the demo data (never on a production database)\n"
		"  hash-password  print the argon2id hash of the password on standard input\n"
		"  add-admin      a platform admin account with a one-time password (the first one; the console makes the rest)\n"
		"  epoch          move the write epoch after SQL by hand: every web process reads its sessions again\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct config cfg;
	const char *path = getenv("CITYINV_CONFIG");
	const char *cmd;
	char err[512];
	struct db db;
	int opt, rc;

	log_init("admin");
	while ((opt = getopt(argc, argv, "c:h")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind];
	if (optind != argc - 1 && !(optind == argc - 3 && !strcmp(cmd, "add-admin")))
		usage();
	if (!strcmp(cmd, "hash-password"))
		return cmd_hash_password() ? 1 : 0;
	if (!path)
		path = "/etc/cityinv/cityinv.conf";
	if (config_load(&cfg, path, err, sizeof(err)))
		die("%s", err);
	/* No database: what was written by hand is committed already (shared/epoch.h). */
	if (!strcmp(cmd, "epoch")) {
		if (!*cfg.epoch_file)
			die("%s sets no epoch_file", path);
		if (epoch_open(cfg.epoch_file))
			return 1;
		epoch_bump();
		return 0;
	}
	db_init(&db, &cfg);
	db.timeout = cfg.worker_db_timeout;   /* migrations and demo data run long statements */
	if (db_connect(&db))
		die("cannot connect to the database: %s", db.errstr);
	if (!strcmp(cmd, "migrate"))
		rc = cmd_migrate(&db, &cfg);
	else if (!strcmp(cmd, "demo"))
		rc = cmd_demo(&db, &cfg);
	else if (!strcmp(cmd, "add-admin") && optind == argc - 3)
		rc = cmd_add_admin(&db, argv[optind + 1], argv[optind + 2]);
	else
		usage();
	db_release(&db);
	return rc ? 1 : 0;
}

/* admin.h: what the files of cityinv-admin share. */
#ifndef CITYINV_ADMIN_H
#define CITYINV_ADMIN_H

struct config;
struct db;
struct strbuf;

/* The whole file at path appended to out: 0, or -1 (logged). */
int admin_read_file(const char *path, struct strbuf *out);

/* The reference data of cfg->migrations_dir/data upserted in one transaction: 0, or -1 (logged). */
int load_factors(struct db *db, const struct config *cfg);

#endif

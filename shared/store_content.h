/* store_content.h: the public site's content kept by the platform admin (site_content). */
#ifndef CITYINV_STORE_CONTENT_H
#define CITYINV_STORE_CONTENT_H

#include "arena.h"
#include "db.h"

/*
 * DESIGN: `kind` is one of the column's ENUM values ("news", "intl",
 * "glossary", "case", "download", "faq"), checked by the caller; a row of
 * another kind is never found, changed or deleted by id alone.  A change
 * names the version it read: a row changed meanwhile is left alone and the
 * caller is told (0), so nothing is overwritten unseen.  Strings bounded by
 * their column are arrays here (VARCHAR(n) of utf8mb4: 4n bytes and the
 * NUL); a Markdown body (TEXT) is copied into the caller's arena.
 */
#define CONTENT_TEXT_SIZE (200 * 4 + 1)   /* title, title_en, file_name: VARCHAR(200) */
#define CONTENT_FILE_SIZE (200 + 1)       /* file: VARCHAR(200) of ASCII */
#define CONTENT_DATE_SIZE 11              /* posted_on as YYYY-MM-DD */

/* An item of a public page. */
struct content_item {
	long long id;
	char title[CONTENT_TEXT_SIZE];
	char title_en[CONTENT_TEXT_SIZE];
	char posted_on[CONTENT_DATE_SIZE];
	const char *body_md;            /* arena */
	size_t body_len;
	char file_name[CONTENT_TEXT_SIZE];   /* "" without a file */
	long long file_size;            /* bytes; 0 without a file */
};

/*
 * The items of `kind`, newest first (glossary and FAQ in title order), at
 * most `limit`, each passed to each(ctx, item) (the item is valid during the
 * call; its body in arena a); a non-zero return stops the list.  0 or -1.
 */
int store_content_list(struct db *db, const char *kind, int limit, struct arena *a,
		       int (*each)(void *ctx, const struct content_item *it), void *ctx);

/* A news headline of the home page. */
struct content_headline {
	long long id;
	char title[CONTENT_TEXT_SIZE];
	char posted_on[CONTENT_DATE_SIZE];
};

/* The five newest news items, newest first, each passed to each(ctx, h) as above.  0 or -1. */
int store_content_headlines(struct db *db, int (*each)(void *ctx, const struct content_headline *h), void *ctx);

/* A row of the admin's list. */
struct content_entry {
	long long id;
	long long version;
	char title[CONTENT_TEXT_SIZE];
	char posted_on[CONTENT_DATE_SIZE];
	char file_name[CONTENT_TEXT_SIZE];   /* "" without a file */
};

/* The admin's list of `kind`: at most 500, newest first, each passed to each(ctx, e) as above.  0 or -1. */
int store_content_entries(struct db *db, const char *kind, int (*each)(void *ctx, const struct content_entry *e), void *ctx);

/* A row as the admin edits it. */
struct content_edit {
	long long id;
	long long version;
	char title[CONTENT_TEXT_SIZE];
	char title_en[CONTENT_TEXT_SIZE];
	char posted_on[CONTENT_DATE_SIZE];
	const char *body_md;            /* arena */
};

/* Row `id` of `kind` into *out (its body in arena a): 1 found, 0 not found, -1 error. */
int store_content_get(struct db *db, long long id, const char *kind, struct arena *a, struct content_edit *out);

/* The stored name and the original name of download `id`. */
struct content_file {
	char file[CONTENT_FILE_SIZE];
	char file_name[CONTENT_TEXT_SIZE];
};

/* Download `id` when it has a file: 1 found, 0 not found (or another kind, or no file), -1 error. */
int store_content_file(struct db *db, long long id, struct content_file *out);

/* What the admin saves: text as stored; `file` NULL keeps a row's file (an update) or stores none. */
struct content_values {
	const char *title, *title_en, *body_md, *posted_on;
	const char *file;               /* the stored name under files_dir/downloads/, or NULL */
	const char *file_name;          /* the upload's name (with file) */
	long long file_size;            /* bytes (with file) */
};

/* A new row of `kind` by account `by`; 0 with *id set (when id is not NULL), or -1. */
int store_content_insert(struct db *db, const char *kind, const struct content_values *v, long long by, long long *id);

/*
 * Row `id` of `kind` at `version` replaced by v (its version + 1) by
 * account `by`: 1 changed, 0 when no such row is at that version (changed
 * or deleted meanwhile), -1 error.
 */
int store_content_update(struct db *db, long long id, const char *kind, long long version,
			 const struct content_values *v, long long by);

/* Row `id` of `kind` at `version` deleted: 1 deleted, 0 when no such row is at that version, -1 error. */
int store_content_delete(struct db *db, long long id, const char *kind, long long version);

#endif

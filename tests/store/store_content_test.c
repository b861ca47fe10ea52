/* store_content_test.c: the public site's content (store_content) against the stack's MariaDB, in a transaction rolled back. */
#include <string.h>

#include "store_content.h"
#include "store_test.h"

static struct arena arena;
/*
 * One of the test's own statements, formatted (ids it read; never input),
 * each in memory of its own: db_prepare caches statements by the address
 * of their text.
 */
__attribute__((format(printf, 2, 3)))
static long long q(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		abort();
	va_end(ap);
	arena_cleanup(&arena, free, sql);
	return store_test_int(db, sql);
}

/* What the callbacks saw. */
struct seen {
	int n, stop_after;
	long long first_id, want_id;
	int found;
	char title[CONTENT_TEXT_SIZE], body[70000], posted_on[CONTENT_DATE_SIZE], file_name[CONTENT_TEXT_SIZE];
	long long version, file_size;
};

static int on_item(void *ctx, const struct content_item *it)
{
	struct seen *s = ctx;

	if (!s->n++)
		s->first_id = it->id;
	if (it->id == s->want_id) {
		s->found = 1;
		snprintf(s->title, sizeof(s->title), "%s", it->title);
		snprintf(s->body, sizeof(s->body), "%.*s", (int)it->body_len, it->body_md);
		snprintf(s->posted_on, sizeof(s->posted_on), "%s", it->posted_on);
		snprintf(s->file_name, sizeof(s->file_name), "%s", it->file_name);
		s->file_size = it->file_size;
	}
	return s->stop_after && s->n >= s->stop_after;
}

static int on_headline(void *ctx, const struct content_headline *h)
{
	struct seen *s = ctx;

	if (!s->n++)
		s->first_id = h->id;
	if (h->id == s->want_id) {
		s->found = 1;
		snprintf(s->posted_on, sizeof(s->posted_on), "%s", h->posted_on);
	}
	return 0;
}

static int on_entry(void *ctx, const struct content_entry *e)
{
	struct seen *s = ctx;

	s->n++;
	if (e->id == s->want_id) {
		s->found = 1;
		s->version = e->version;
		snprintf(s->title, sizeof(s->title), "%s", e->title);
		snprintf(s->file_name, sizeof(s->file_name), "%s", e->file_name);
	}
	return 0;
}

static void test_lists(struct db *db, long long faq, long long news)
{
	struct seen s = { .want_id = faq };

	ok(store_content_list(db, "faq", 500, &arena, on_item, &s) == 0, "the FAQ listed");
	is_int(s.n, q(db, "SELECT COUNT(*) FROM site_content WHERE kind = 'faq'"), "every FAQ item, as COUNT(*) says");
	ok(s.found, "the new item among them");
	is_str(s.body, "**粗體**\n- 清單", "its body read back");
	is_str(s.posted_on, "2024-02-29", "its date read back");
	s = (struct seen){ .want_id = faq };
	ok(store_content_list(db, "faq", 1, &arena, on_item, &s) == 0 && s.n == 1, "LIMIT 1: one item");
	s = (struct seen){ .stop_after = 1 };
	ok(store_content_list(db, "glossary", 500, &arena, on_item, &s) == 0 && s.n == 1, "a callback that returns non-zero stops the list");
	s = (struct seen){ .n = 0 };
	ok(store_content_list(db, "intl", 500, &arena, on_item, &s) == 0, "a kind listed");
	is_int(s.n, q(db, "SELECT COUNT(*) FROM site_content WHERE kind = 'intl'"), "as many as the table has");

	s = (struct seen){ .want_id = news };
	ok(store_content_headlines(db, on_headline, &s) == 0, "the headlines read");
	is_int(s.n, q(db, "SELECT LEAST(5, COUNT(*)) FROM site_content WHERE kind = 'news'"), "at most five");
	is_int(s.first_id, q(db, "SELECT id FROM site_content WHERE kind = 'news' ORDER BY posted_on DESC, id DESC LIMIT 1"), "the newest first");
	ok(s.found && !strcmp(s.posted_on, "2099-12-31"), "the news item dated last is among them");

	s = (struct seen){ .want_id = faq };
	ok(store_content_entries(db, "faq", on_entry, &s) == 0 && s.found, "the admin's list has the new item");
	is_int(s.n, q(db, "SELECT COUNT(*) FROM site_content WHERE kind = 'faq'"), "and every other of its kind");
	is_int(s.version, 1, "at version 1");
}

static void test_get_file(struct db *db, long long faq, long long dl, long long dl_nofile)
{
	struct content_edit e;
	struct content_file f;

	ok(store_content_get(db, faq, "faq", &arena, &e) == 1, "a row found by id and kind");
	ok(e.id == faq && e.version == 1 && !strcmp(e.title_en, "term") && !strcmp(e.body_md, "**粗體**\n- 清單"),
	   "with what was written");
	is_int(strlen(e.title), 800, "a title of 200 four-byte characters whole (800 bytes)");
	is_int(store_content_get(db, faq, "news", &arena, &e), 0, "not found under another kind");
	is_int(store_content_get(db, 0, "faq", &arena, &e), 0, "id 0: not found");

	ok(store_content_file(db, dl, &f) == 1, "a download's file found");
	is_str(f.file, "0123456789abcdef01234567.pdf", "its stored name");
	is_str(f.file_name, "手冊.PDF", "its original name");
	is_int(store_content_file(db, dl_nofile, &f), 0, "a download without a file: not found");
	is_int(store_content_file(db, faq, &f), 0, "a row of another kind: not found");
}

static void test_update_delete(struct db *db, long long faq, long long dl)
{
	struct content_values v = { .title = "改過", .title_en = "", .body_md = "新內容", .posted_on = "2024-03-01" };
	struct content_values nf = { .title = "換檔", .title_en = "", .body_md = "", .posted_on = "2024-03-02",
				     .file = "fedcba9876543210fedcba98.zip", .file_name = "新.zip", .file_size = 1234 };

	is_int(store_content_update(db, faq, "faq", 1, &v, 1), 1, "an update at the version read");
	is_int(q(db, "SELECT version FROM site_content WHERE id = %lld AND title = '改過' AND body_md = '新內容'", faq), 2,
	       "written, version 2");
	is_int(store_content_update(db, faq, "faq", 1, &v, 1), 0, "a stale version: nothing changed (0)");
	is_int(store_content_update(db, faq, "news", 2, &v, 1), 0, "another kind: nothing changed (0)");
	is_int(store_content_update(db, dl, "download", 1, &v, 1), 1, "an update without a file");
	is_int(q(db, "SELECT file = '0123456789abcdef01234567.pdf' AND file_size = 3000 FROM site_content WHERE id = %lld", dl), 1,
	       "keeps the row's file");
	is_int(store_content_update(db, dl, "download", 2, &nf, 1), 1, "an update with a file");
	is_int(q(db, "SELECT file_size FROM site_content WHERE id = %lld AND file = 'fedcba9876543210fedcba98.zip' AND file_name = '新.zip'", dl),
	       1234, "replaces it");

	is_int(store_content_delete(db, faq, "faq", 1), 0, "a delete at a stale version: nothing deleted (0)");
	is_int(store_content_delete(db, faq, "news", 2), 0, "under another kind: nothing deleted (0)");
	is_int(q(db, "SELECT COUNT(*) FROM site_content WHERE id = %lld", faq), 1, "still there");
	is_int(store_content_delete(db, faq, "faq", 2), 1, "a delete at the version read");
	is_int(q(db, "SELECT COUNT(*) FROM site_content WHERE id = %lld", faq), 0, "gone");
}

int main(void)
{
	struct db db;
	char title[CONTENT_TEXT_SIZE] = "";
	long long faq = 0, news = 0, dl = 0, dl_nofile = 0, by;

	store_test_open(&db);
	arena_init(&arena, 4096);
	by = q(&db, "SELECT MIN(id) FROM accounts");
	for (int i = 0; i < 200; i++)
		strcat(title, "😀");
	ok(db_begin(&db) == 0, "a transaction (rolled back at the end)");

	struct content_values v = { .title = title, .title_en = "term", .body_md = "**粗體**\n- 清單", .posted_on = "2024-02-29" };
	ok(store_content_insert(&db, "faq", &v, by, &faq) == 0 && faq > 0, "an FAQ item inserted (id %lld)", faq);
	is_int(q(&db, "SELECT COUNT(*) FROM site_content WHERE id = %lld AND kind = 'faq' AND CHAR_LENGTH(title) = 200 AND title_en = 'term'"
		 " AND posted_on = '2024-02-29' AND version = 1 AND file IS NULL AND file_name IS NULL AND updated_by = %lld", faq, by), 1,
	       "read back as written, without a file");
	v = (struct content_values){ .title = "最新", .title_en = "", .body_md = "", .posted_on = "2099-12-31" };
	ok(store_content_insert(&db, "news", &v, by, &news) == 0, "a news item dated last");
	v = (struct content_values){ .title = "手冊", .title_en = "", .body_md = "", .posted_on = "2024-01-01",
				     .file = "0123456789abcdef01234567.pdf", .file_name = "手冊.PDF", .file_size = 3000 };
	ok(store_content_insert(&db, "download", &v, by, &dl) == 0, "a download with a file");
	is_int(q(&db, "SELECT file_size FROM site_content WHERE id = %lld AND file_name = '手冊.PDF'", dl), 3000, "its file read back");
	v.file = NULL;
	ok(store_content_insert(&db, "download", &v, by, &dl_nofile) == 0, "a download without a file");

	test_lists(&db, faq, news);
	test_get_file(&db, faq, dl, dl_nofile);
	test_update_delete(&db, faq, dl);

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(q(&db, "SELECT COUNT(*) FROM site_content WHERE id IN (%lld, %lld, %lld)", news, dl, dl_nofile), 0, "nothing left behind");
	db_release(&db);
	arena_release(&arena);
	return tap_done();
}

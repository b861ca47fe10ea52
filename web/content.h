/* content.h: the kinds of the public site's content, shared by its pages (page_info.c) and the admin's (page_admin_content.c). */
#ifndef CITYINV_CONTENT_H
#define CITYINV_CONTENT_H

/* A kind of content: its stored key (site_content.kind), its public page and what that page says. */
struct content_kind {
	const char *key;
	const char *path;
	const char *title;
	const char *lead;
	const char *empty;
};

enum content_kind_id { CONTENT_NEWS, CONTENT_INTL, CONTENT_GLOSSARY, CONTENT_CASE, CONTENT_DOWNLOAD, CONTENT_FAQ, CONTENT__MAX };

extern const struct content_kind content_kinds[CONTENT__MAX];
/* The keys of content_kinds[], NULL-terminated: a form's choices, whose index is the kind's. */
extern const char *const content_kind_keys[CONTENT__MAX + 1];

#endif

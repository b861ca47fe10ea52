/* strbuf.h: a growable byte string (after git's strbuf). */
#ifndef CITYINV_STRBUF_H
#define CITYINV_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Invariants: buf is never NULL and buf[len] == '\0' (so buf is always a C
 * string, though it may hold NUL bytes before len); alloc > len once
 * anything was added.  A zeroed struct is not valid: use STRBUF_INIT or
 * strbuf_init().  Growth aborts on out-of-memory (xrealloc).
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the buffer and makes sb empty (STRBUF_INIT) again. */
void strbuf_release(struct strbuf *sb);
/* Hands the buffer to the caller (free() it); sb becomes empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
/* Keeps the allocation, sets len to 0. */
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
/*
 * printf into sb.  Only for trusted formats and values (numbers, constants);
 * user data goes through the html_* helpers.
 */
__attribute__((format(printf, 2, 3))) void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

#endif

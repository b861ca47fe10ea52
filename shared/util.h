/* util.h: allocation that aborts on OOM, logging and the error() convention. */
#ifndef CITYINV_UTIL_H
#define CITYINV_UTIL_H

#include <stddef.h>

/*
 * Error convention (application layers): functions return 0 on success and -1
 * on failure; error() logs the reason and returns -1 so a caller can write
 * `return error("...")`.  Dependency wrappers (db, queue) keep the library's
 * own message in their context as well.
 */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* The program's name in log lines ("web", "worker", ...). */
void log_init(const char *prog);

__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
/* Logs "error: ..." and returns -1. */
__attribute__((format(printf, 1, 2))) int error(const char *fmt, ...);
/* Logs "fatal: ..." and exits with status 1. */
__attribute__((format(printf, 1, 2), noreturn)) void die(const char *fmt, ...);

/*
 * s[0..len) read as a whole number: ASCII digits only (no sign, no space),
 * 1 to 18 of them, so it cannot overflow.  0 with *out set, or -1.  For
 * numbers from outside (a header, a command line, a file name); what users
 * type goes through input.h and form.h.
 */
int parse_digits(const char *s, size_t len, long long *out);

/* Milliseconds of a monotonic clock. */
long long now_ms(void);
/* Microseconds of the same clock. */
long long now_us(void);

#endif

/* tap.h: a tiny TAP producer for the C unit tests (header only). */
#ifndef CITYINV_TAP_H
#define CITYINV_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 4, 5)))
static int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		printf("#   failed at %s:%d\n", file, line);
	return cond;
}

/* ok(cond, "description %s", ...): one test point. */
#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* is_str(got, want, "description"): string equality, shows both on failure. */
#define is_str(got, want, ...) do { \
	const char *is_g_ = (got), *is_w_ = (want); \
	if (!ok(is_g_ && is_w_ && strcmp(is_g_, is_w_) == 0, __VA_ARGS__)) \
		printf("#   got:  '%s'\n#   want: '%s'\n", is_g_ ? is_g_ : "(null)", is_w_ ? is_w_ : "(null)"); \
} while (0)

/* is_int(got, want, "description"). */
#define is_int(got, want, ...) do { \
	long long is_g_ = (long long)(got), is_w_ = (long long)(want); \
	if (!ok(is_g_ == is_w_, __VA_ARGS__)) \
		printf("#   got:  %lld\n#   want: %lld\n", is_g_, is_w_); \
} while (0)

/* Prints the plan; the process exit status is non-zero when any test failed. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif

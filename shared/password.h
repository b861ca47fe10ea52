/* password.h: argon2id password hashes (libargon2). */
#ifndef CITYINV_PASSWORD_H
#define CITYINV_PASSWORD_H

#include <stddef.h>

/* Room for an encoded hash ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"). */
#define PASSWORD_HASH_MAX 128

/*
 * Hashes `pw` with argon2id (19 MiB, 2 passes, 1 lane: OWASP's minimum) and
 * a random 16-byte salt into `out` (NUL-terminated).  0, or -1 on failure.
 */
int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX]);

/* 1 when `pw` matches the encoded hash, 0 when not (or the hash is malformed). */
int password_verify(const char *encoded, const char *pw, size_t len);

/*
 * A one-time password: 12 characters from an alphabet without look-alikes
 * (no 0/O, 1/l/I), 66 bits of entropy.  0, or -1 when the kernel gives no randomness.
 */
int password_onetime(char out[13]);

#endif

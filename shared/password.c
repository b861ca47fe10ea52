/* password.c: argon2id password hashes (libargon2). */
#include <string.h>
#include <sys/random.h>

#include <argon2.h>

#include "password.h"
#include "util.h"

#define T_COST 2
#define M_COST 19456   /* KiB */
#define LANES 1
#define SALT_LEN 16
#define HASH_LEN 32

int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX])
{
	unsigned char salt[SALT_LEN];
	size_t got = 0;
	int rc;

	while (got < sizeof(salt)) {
		ssize_t r = getrandom(salt + got, sizeof(salt) - got, 0);
		if (r < 0)
			return error("password: getrandom failed");
		got += (size_t)r;
	}
	rc = argon2id_hash_encoded(T_COST, M_COST, LANES, pw, len, salt, sizeof(salt),
				   HASH_LEN, out, PASSWORD_HASH_MAX);
	if (rc != ARGON2_OK)
		return error("password: %s", argon2_error_message(rc));
	return 0;
}

int password_verify(const char *encoded, const char *pw, size_t len)
{
	if (strncmp(encoded, "$argon2id$", 10))
		return 0;
	return argon2id_verify(encoded, pw, len) == ARGON2_OK;
}

int password_onetime(char out[13])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char raw[12];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return error("password: getrandom failed");
	for (int i = 0; i < 12; i++)
		out[i] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
	out[12] = '\0';
	return 0;
}

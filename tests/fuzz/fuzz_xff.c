/*
 * fuzz_xff.c: libFuzzer target for ipnet_client() (the client address from REMOTE_ADDR and an
 * X-Forwarded-For header sent by anyone) and ipnet_parse() (shared/ipnet.c).
 * Input: the header; the first byte also picks REMOTE_ADDR.  The header is copied into an
 * exact-size NUL-terminated buffer so ASan sees any read past the NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const trusted[] = { "127.0.0.1", "10.0.0.0/8", "2001:db8::/32", "::1", "172.16.0.0/12" };
static const char *const remotes[] = { "127.0.0.1", "10.1.2.3", "203.0.113.5", "::1", "2001:db8::7", "unix:", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipnet nets[5], one;
	char *xff = malloc(size + 1), out[IPNET_ADDR_MAX], again[IPNET_ADDR_MAX];
	const char *remote = remotes[size ? data[0] % (sizeof(remotes) / sizeof(remotes[0])) : 0];
	const char *got;

	if (!xff)
		abort();
	if (size)
		memcpy(xff, data, size);
	xff[size] = '\0';
	for (int i = 0; i < 5; i++)
		if (ipnet_parse(&nets[i], trusted[i], strlen(trusted[i])))
			abort();

	got = ipnet_client(nets, 5, remote, xff, out);
	if (!ipnet_match(nets, 5, remote)) {
		/* An untrusted address is never replaced, whatever the header says. */
		if (got != remote)
			abort();
	} else if (got != remote) {
		/* A replacement is an address, written in full into out, and the walk is idempotent. */
		if (got != out || strlen(out) >= IPNET_ADDR_MAX || ipnet_parse(&one, out, strlen(out)))
			abort();
		if (strcmp(ipnet_client(nets, 5, out, xff, again), out))
			abort();
	}
	/* Without trusted networks the header is never read. */
	if (ipnet_client(nets, 0, remote, xff, out) != remote)
		abort();

	/* The header as a network: a parsed one has its prefix in bounds and no host bits. */
	if (!ipnet_parse(&one, xff, size)) {
		int bits = one.family == AF_INET ? 32 : 128;

		if (one.prefix < 1 || one.prefix > bits)
			abort();
		for (int i = one.prefix; i < bits; i++)
			if (one.addr[i / 8] & (0x80 >> (i % 8)))
				abort();
	}
	free(xff);
	return 0;
}

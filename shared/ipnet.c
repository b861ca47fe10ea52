/* ipnet.c: IP networks (CIDR) and the client's address behind trusted proxies. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipnet.h"

/*
 * DESIGN: the trusted_proxies setting is rendered into nginx's real_ip
 * directives (scripts/stack.sh, docker/nginx-site.sh), so nginx's $remote_addr,
 * its login limit key and the REMOTE_ADDR it passes are already the client's.
 * The application applies the same rule again to REMOTE_ADDR and
 * X-Forwarded-For: with nginx configured it changes nothing (an untrusted
 * address stops the walk at once), and with a front end that passes the
 * proxy's address it still records the client.  The text parsing is inet_pton's.
 */

/* An address of `len` bytes of s into family/addr; with `port`, "[v6]:port" and "v4:port" too. */
static int parse_addr(const char *s, size_t len, int port, int *family, unsigned char addr[16])
{
	char buf[IPNET_ADDR_MAX];

	if (port && len > 2 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close)
			return -1;
		if ((size_t)(close - s) + 1 < len && close[1] != ':')
			return -1;
		len = (size_t)(close - s - 1);
		s++;
	} else if (port && memchr(s, '.', len)) {
		const char *colon = memchr(s, ':', len);

		if (colon && !memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)))
			len = (size_t)(colon - s);
	}
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *ipnet_parse(struct ipnet *net, const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	int bits;

	memset(net, 0, sizeof(*net));
	if (parse_addr(s, alen, 0, &net->family, net->addr))
		return "is not an IPv4 or IPv6 address or network";
	bits = net->family == AF_INET ? 32 : 128;
	net->prefix = bits;
	if (slash) {
		const char *p = slash + 1, *end = s + len;
		int v = 0;

		if (p == end || end - p > 3)
			return "has no prefix length after '/'";
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return "has a prefix length that is not a number";
			v = v * 10 + (*p - '0');
		}
		if (v > bits)
			return net->family == AF_INET ? "has a prefix longer than 32" : "has a prefix longer than 128";
		if (v == 0)
			return "has prefix 0, which would trust every address";
		net->prefix = v;
	}
	for (int i = net->prefix; i < bits; i++)
		if (net->addr[i / 8] & (0x80 >> (i % 8)))
			return "has address bits set beyond its prefix length";
	return NULL;
}

static int in_net(const struct ipnet *net, int family, const unsigned char *addr)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	int full, rest;

	/* An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 address. */
	if (family == AF_INET6 && net->family == AF_INET && !memcmp(addr, mapped, 12)) {
		family = AF_INET;
		addr += 12;
	}
	if (family != net->family)
		return 0;
	full = net->prefix / 8;
	rest = net->prefix % 8;
	if (memcmp(addr, net->addr, (size_t)full))
		return 0;
	return !rest || !((addr[full] ^ net->addr[full]) & (0xff00 >> rest));
}

static int trusted(const struct ipnet *nets, int n, int family, const unsigned char *addr)
{
	for (int i = 0; i < n; i++)
		if (in_net(&nets[i], family, addr))
			return 1;
	return 0;
}

int ipnet_match(const struct ipnet *nets, int n, const char *addr)
{
	unsigned char a[16];
	int family;

	if (!addr || parse_addr(addr, strlen(addr), 0, &family, a))
		return 0;
	return trusted(nets, n, family, a);
}

const char *ipnet_client(const struct ipnet *nets, int n, const char *remote, const char *xff,
			 char out[IPNET_ADDR_MAX])
{
	unsigned char cur[16];
	int family, found = 0;
	size_t end;

	if (!remote || !xff || !n || parse_addr(remote, strlen(remote), 0, &family, cur))
		return remote;
	end = strlen(xff);
	while (trusted(nets, n, family, cur)) {
		unsigned char next[16];
		size_t start;
		int nfamily;

		while (end > 0 && (xff[end - 1] == ' ' || xff[end - 1] == ','))
			end--;
		if (end == 0)
			break;
		start = end;
		while (start > 0 && xff[start - 1] != ' ' && xff[start - 1] != ',')
			start--;
		if (parse_addr(xff + start, end - start, 1, &nfamily, next))
			break;
		family = nfamily;
		memcpy(cur, next, sizeof(cur));
		found = 1;
		end = start;
	}
	if (!found)
		return remote;
	if (!inet_ntop(family, cur, out, IPNET_ADDR_MAX))
		return remote;
	return out;
}

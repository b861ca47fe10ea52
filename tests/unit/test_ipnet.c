/* test_ipnet.c: networks (CIDR) and the client address behind trusted proxies, as nginx's real_ip. */
#include <string.h>
#include <sys/socket.h>

#include "ipnet.h"
#include "tap.h"

static struct ipnet nets[8];
static int nnets;

/* Parses a list separated by spaces into nets; returns the first reason or NULL. */
static const char *setup(const char *list)
{
	const char *p = list;

	nnets = 0;
	while (*p) {
		size_t len = strcspn(p, " ");
		const char *why = ipnet_parse(&nets[nnets], p, len);

		if (why)
			return why;
		nnets++;
		p += len;
		p += strspn(p, " ");
	}
	return NULL;
}

static const char *client(const char *remote, const char *xff)
{
	static char out[IPNET_ADDR_MAX];

	return ipnet_client(nets, nnets, remote, xff, out);
}

static const char *parse(const char *s)
{
	struct ipnet n;

	return ipnet_parse(&n, s, strlen(s));
}

int main(void)
{
	struct ipnet n;

	ok(!ipnet_parse(&n, "192.0.2.7", 9) && n.family == AF_INET && n.prefix == 32, "a bare IPv4 address is a /32");
	ok(!ipnet_parse(&n, "10.0.0.0/8", 10) && n.prefix == 8 && n.addr[0] == 10, "an IPv4 network");
	ok(!ipnet_parse(&n, "2001:db8::/32", 13) && n.family == AF_INET6 && n.prefix == 32, "an IPv6 network");
	ok(!ipnet_parse(&n, "::1", 3) && n.prefix == 128, "a bare IPv6 address is a /128");
	ok(!ipnet_parse(&n, "10.0.0.0/8, x", 10), "only len bytes are read");
	is_str(parse("10.1.0.0/8"), "has address bits set beyond its prefix length", "host bits set refused");
	is_str(parse("0.0.0.0/0"), "has prefix 0, which would trust every address", "/0 refused");
	is_str(parse("::/0"), "has prefix 0, which would trust every address", "IPv6 /0 refused");
	is_str(parse("10.0.0.0/33"), "has a prefix longer than 32", "IPv4 prefix above 32 refused");
	is_str(parse("2001:db8::/129"), "has a prefix longer than 128", "IPv6 prefix above 128 refused");
	is_str(parse("10.0.0.0/"), "has no prefix length after '/'", "empty prefix refused");
	is_str(parse("10.0.0.0/8x"), "has a prefix length that is not a number", "junk prefix refused");
	is_str(parse("10.0.0.0/0008"), "has no prefix length after '/'", "overlong prefix refused");
	is_str(parse("proxy.example"), "is not an IPv4 or IPv6 address or network", "a name refused");
	is_str(parse("10.0.0"), "is not an IPv4 or IPv6 address or network", "a short address refused");
	is_str(parse("10.0.0.1:80"), "is not an IPv4 or IPv6 address or network", "a port refused in a network");
	is_str(parse(""), "is not an IPv4 or IPv6 address or network", "empty refused");

	ok(!setup("10.0.0.0/8 192.0.2.7 2001:db8::/32 172.16.0.0/12"), "a list");
	ok(ipnet_match(nets, nnets, "10.255.1.2"), "inside a /8");
	ok(!ipnet_match(nets, nnets, "11.0.0.1"), "outside it");
	ok(ipnet_match(nets, nnets, "192.0.2.7") && !ipnet_match(nets, nnets, "192.0.2.8"), "a /32 is one address");
	ok(ipnet_match(nets, nnets, "172.31.255.255") && !ipnet_match(nets, nnets, "172.32.0.0"), "a /12 (a partial byte)");
	ok(ipnet_match(nets, nnets, "2001:db8:ffff::1") && !ipnet_match(nets, nnets, "2001:db9::1"), "IPv6");
	ok(ipnet_match(nets, nnets, "::ffff:10.1.2.3"), "an IPv4-mapped IPv6 address is its IPv4 address");
	ok(!ipnet_match(nets, nnets, "not-an-address") && !ipnet_match(nets, nnets, NULL), "no address, no match");

	/* The real_ip walk (set_real_ip_from 127.0.0.1 and 10.0.0.0/8, recursive). */
	setup("127.0.0.1 10.0.0.0/8");
	is_str(client("127.0.0.1", "203.0.113.5"), "203.0.113.5", "a trusted proxy's X-Forwarded-For is believed");
	is_str(client("127.0.0.2", "203.0.113.5"), "127.0.0.2", "an untrusted client's X-Forwarded-For is ignored");
	is_str(client("127.0.0.1", "198.51.100.1, 203.0.113.5, 10.2.3.4"), "203.0.113.5",
	       "recursive: trusted hops skipped from the right, the first untrusted one is the client");
	is_str(client("127.0.0.1", "6.6.6.6, 203.0.113.5"), "203.0.113.5",
	       "an entry left of the first untrusted one (forged by the client) is not believed");
	is_str(client("127.0.0.1", "10.0.0.1, 10.0.0.2"), "10.0.0.1", "all trusted: the leftmost, as nginx");
	is_str(client("127.0.0.1", "203.0.113.5,  ,"), "203.0.113.5", "empty entries and spaces skipped");
	is_str(client("127.0.0.1", "garbage, 203.0.113.5"), "203.0.113.5", "junk further left is never reached");
	is_str(client("127.0.0.1", "203.0.113.5, garbage"), "127.0.0.1", "junk at the right: the proxy's address stays");
	is_str(client("127.0.0.1", "203.0.113.5:4711"), "203.0.113.5", "an IPv4 entry's port dropped");
	is_str(client("127.0.0.1", "[2001:db8::5]:443"), "2001:db8::5", "an IPv6 entry's brackets and port dropped");
	is_str(client("127.0.0.1", "2001:DB8:0::5"), "2001:db8::5", "an IPv6 entry in its usual form");
	is_str(client("127.0.0.1", ""), "127.0.0.1", "an empty header: the proxy's address");
	is_str(client("127.0.0.1", NULL), "127.0.0.1", "no header: the proxy's address");
	is_str(client("203.0.113.5", "10.0.0.1"), "203.0.113.5",
	       "already resolved by nginx (untrusted): kept, so the walk applied twice changes nothing");
	{
		char out[IPNET_ADDR_MAX];
		is_str(ipnet_client(nets, 0, "127.0.0.1", "203.0.113.5", out), "127.0.0.1",
		       "no trusted proxies: the header is never read");
	}
	ok(client(NULL, "203.0.113.5") == NULL, "no remote address: none");
	return tap_done();
}

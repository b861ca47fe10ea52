/* ipnet.h: IP networks (CIDR) and the client's address behind trusted proxies. */
#ifndef CITYINV_IPNET_H
#define CITYINV_IPNET_H

#include <stddef.h>

/* Room for any address ipnet_client() writes (INET6_ADDRSTRLEN). */
#define IPNET_ADDR_MAX 46

/* One network: an IPv4 or IPv6 address and a prefix length; host bits are zero. */
struct ipnet {
	int family;                 /* AF_INET or AF_INET6 */
	int prefix;                 /* 1..32 or 1..128 */
	unsigned char addr[16];     /* network order; 4 bytes used for IPv4 */
};

/*
 * Parses one network, `len` bytes of `s`: "192.0.2.7", "10.0.0.0/8", "2001:db8::1",
 * "2001:db8::/32" (a bare address is a /32 or /128).  Returns NULL, or a reason
 * in English (a static string) when it is not a network, has host bits set beyond
 * its prefix (10.1.0.0/8) or a prefix of 0, which would trust every address.
 */
const char *ipnet_parse(struct ipnet *net, const char *s, size_t len);

/* 1 when the address text `addr` is in one of nets[0..n), else 0 (also when it is no address). */
int ipnet_match(const struct ipnet *nets, int n, const char *addr);

/*
 * The client's address, computed as nginx's real_ip module does with
 * `real_ip_header X-Forwarded-For; real_ip_recursive on;` and set_real_ip_from
 * for each of nets: starting from `remote` (the address the request came from),
 * while that address is trusted the rightmost X-Forwarded-For entry not yet used
 * replaces it; an entry that is no address ends the walk.  So a header sent by an
 * untrusted client is ignored, and an address already resolved by nginx is kept
 * (the walk is idempotent).  `xff` may be NULL.  Returns `remote` itself when it
 * stands, else `out` holding the address (an entry's port and brackets dropped).
 */
const char *ipnet_client(const struct ipnet *nets, int n, const char *remote, const char *xff,
			 char out[IPNET_ADDR_MAX]);

#endif

/*
 * hs_source.h - where a request comes from: CIDR lists (an endpoint's
 * allow_from and trusted_proxies) and the client address, taken from
 * REMOTE_ADDR or, behind a trusted proxy, from its forwarding header read
 * right to left.
 */
#ifndef HS_SOURCE_H
#define HS_SOURCE_H

#include <stddef.h>

struct hs_request;

/* Longest entry or address text we look at (an IPv6 CIDR is 43). */
#define HS_CIDR_TEXT_MAX	64
/* Hops of a forwarding header read at most; a longer chain is refused. */
#define HS_FORWARD_HOPS_MAX	32

/* An address block; IPv4 is kept IPv4-mapped (::ffff:a.b.c.d, bits + 96). */
struct hs_cidr {
	unsigned char	addr[16];
	unsigned int	bits;
};

struct hs_cidrlist {
	struct hs_cidr	*v;
	size_t		 n;
};

enum hs_forward_header {
	HS_FWD_XFF = 0,		/* X-Forwarded-For: a, b, c */
	HS_FWD_FORWARDED	/* Forwarded: for=a, for="[b]:1" (RFC 7239) */
};

/* "X-Forwarded-For" or "Forwarded": the config's and check-config's name. */
const char *hs_forward_header_name(enum hs_forward_header h);

/* An endpoint's source rule; allow.n == 0: every source is allowed. */
struct hs_source {
	struct hs_cidrlist allow;
	struct hs_cidrlist proxies;
	enum hs_forward_header header;
};

/*
 * "192.0.2.0/24", "2001:db8::/32" or a lone address (/32, /128). Host bits
 * set are an error (a typo like 10.0.0.1/8 would silently widen or narrow
 * what the user meant). -1 with *why.
 */
int	hs_cidr_parse(const char *text, struct hs_cidr *out, const char **why);
int	hs_cidrlist_add(struct hs_cidrlist *l, const char *text,
	    const char **why);
void	hs_cidrlist_free(struct hs_cidrlist *l);
int	hs_cidrlist_match(const struct hs_cidrlist *l,
	    const unsigned char addr[16]);

/* An address alone (no port, no zone) -> 16 bytes; -1 if it is not one. */
int	hs_addr_parse(const char *text, size_t len, unsigned char out[16]);
/* 16 bytes -> text (IPv4-mapped printed as IPv4). */
void	hs_addr_format(const unsigned char addr[16], char *out, size_t outlen);

/*
 * The client's address for this rule: REMOTE_ADDR, unless that is one of
 * the trusted proxies, then the first address from the right of the
 * forwarding header that is not. 0 with out; -1 when it cannot be known
 * (no or malformed REMOTE_ADDR, a trusted peer without the header, a
 * malformed or overlong chain, an obfuscated "for=" or a chain of trusted
 * proxies only): the caller refuses such a request.
 */
int	hs_source_client(const struct hs_source *src,
	    const struct hs_request *req, unsigned char out[16]);

/* Is this request allowed? 1 yes, 0 no; addr gets what was checked. */
int	hs_source_allowed(const struct hs_source *src,
	    const struct hs_request *req, unsigned char addr[16], int *known);

#endif

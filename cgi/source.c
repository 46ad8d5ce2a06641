/*
 * source.c - an endpoint's allow_from: which client address a request has
 * and whether it is in the list.
 *
 * The address is REMOTE_ADDR, the peer the web server saw. Only when that
 * peer is one of the endpoint's trusted_proxies does a forwarding header
 * count, and then it is read right to left: each proxy appends the address
 * it received from, so the entries on the right were written by proxies we
 * trust and everything left of the first untrusted one may be forged by
 * the client. Anything we cannot read for certain makes the client
 * unknown, and an unknown client is refused: a malformed header must
 * never fall back to a trusted proxy's own address.
 *
 * Addresses are parsed by inet_pton(3) (strict dotted quads, no zones);
 * RFC 7239's element/pair/quoted-string framing has no library in Debian
 * we could use from C, so it is the small scanner below (fuzz_source).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hs_request.h"
#include "hs_source.h"

static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

int
hs_addr_parse(const char *text, size_t len, unsigned char out[16])
{
	char	 buf[HS_CIDR_TEXT_MAX];

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (memchr(buf, ':', len) == NULL) {
		memcpy(out, v4mapped, 12);
		return inet_pton(AF_INET, buf, out + 12) == 1 ? 0 : -1;
	}
	return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

void
hs_addr_format(const unsigned char addr[16], char *out, size_t outlen)
{
	const char *ok;

	if (memcmp(addr, v4mapped, 12) == 0)
		ok = inet_ntop(AF_INET, addr + 12, out, (socklen_t)outlen);
	else
		ok = inet_ntop(AF_INET6, addr, out, (socklen_t)outlen);
	if (ok == NULL && outlen > 0)
		out[0] = '\0';
}

int
hs_cidr_parse(const char *text, struct hs_cidr *out, const char **why)
{
	const char *slash = strchr(text, '/');
	size_t	 alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned int max, bits, i;
	char	*end;
	long	 n;

	if (hs_addr_parse(text, alen, out->addr) == -1) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	max = memcmp(out->addr, v4mapped, 12) == 0 &&
	    memchr(text, ':', alen) == NULL ? 32 : 128;
	bits = max;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9') {
			*why = "prefix length must be a number";
			return -1;
		}
		errno = 0;
		n = strtol(slash + 1, &end, 10);
		if (*end != '\0' || errno != 0 || n < 0 || n > (long)max ||
		    (slash[1] == '0' && slash[2] != '\0')) {
			*why = max == 32 ? "prefix length must be 0 to 32" :
			    "prefix length must be 0 to 128";
			return -1;
		}
		bits = (unsigned int)n;
	}
	if (max == 32)
		bits += 96;
	for (i = bits; i < 128; i++)
		if (out->addr[i / 8] & (0x80 >> (i % 8))) {
			*why = "host bits set after the prefix (write the "
			    "network address)";
			return -1;
		}
	out->bits = bits;
	return 0;
}

int
hs_cidrlist_add(struct hs_cidrlist *l, const char *text, const char **why)
{
	struct hs_cidr c, *v;

	if (hs_cidr_parse(text, &c, why) == -1)
		return -1;
	if ((v = reallocarray(l->v, l->n + 1, sizeof *v)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	l->v = v;
	l->v[l->n++] = c;
	return 0;
}

void
hs_cidrlist_free(struct hs_cidrlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
cidr_match(const struct hs_cidr *c, const unsigned char addr[16])
{
	unsigned int whole = c->bits / 8, rest = c->bits % 8;

	if (memcmp(c->addr, addr, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((c->addr[whole] ^ addr[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

int
hs_cidrlist_match(const struct hs_cidrlist *l, const unsigned char addr[16])
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (cidr_match(&l->v[i], addr))
			return 1;
	return 0;
}

const char *
hs_forward_header_name(enum hs_forward_header h)
{
	return h == HS_FWD_FORWARDED ? "Forwarded" : "X-Forwarded-For";
}

/* A piece of a header value. */
struct span {
	const char	*p;
	size_t		 len;
};

static int
is_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

static struct span
trim(const char *p, size_t len)
{
	while (len && is_ows(*p)) {
		p++;
		len--;
	}
	while (len && is_ows(p[len - 1]))
		len--;
	return (struct span){ p, len };
}

/*
 * A node as proxies write it: 192.0.2.1, 192.0.2.1:4711, 2001:db8::1,
 * [2001:db8::1], [2001:db8::1]:4711. The port is checked, then dropped.
 */
static int
node_parse(struct span s, unsigned char out[16])
{
	const char *colon, *close;
	size_t	 i, alen = s.len;

	if (s.len == 0)
		return -1;
	if (s.p[0] == '[') {
		if ((close = memchr(s.p, ']', s.len)) == NULL)
			return -1;
		i = (size_t)(close - s.p) + 1;
		if (i < s.len) {
			if (s.p[i] != ':' || i + 1 == s.len || s.len - i > 6)
				return -1;
			for (i++; i < s.len; i++)
				if (s.p[i] < '0' || s.p[i] > '9')
					return -1;
		}
		alen = (size_t)(close - s.p) - 1;
		/* brackets hold IPv6 only */
		if (memchr(s.p + 1, ':', alen) == NULL)
			return -1;
		return hs_addr_parse(s.p + 1, alen, out);
	}
	colon = memchr(s.p, ':', s.len);
	if (colon && memchr(colon + 1, ':', s.len - (size_t)(colon - s.p) - 1)
	    == NULL) {
		/* exactly one colon: IPv4 with a port */
		alen = (size_t)(colon - s.p);
		if (s.len - alen < 2 || s.len - alen > 6)
			return -1;
		for (i = alen + 1; i < s.len; i++)
			if (s.p[i] < '0' || s.p[i] > '9')
				return -1;
	}
	return hs_addr_parse(s.p, alen, out);
}

/* X-Forwarded-For: comma-separated nodes, left (client) to right. */
static int
xff_hops(const char *v, struct span *hops, size_t *nhops)
{
	const char *comma;
	size_t	 n = 0;

	for (;;) {
		if (n == HS_FORWARD_HOPS_MAX)
			return -1;
		comma = strchr(v, ',');
		hops[n++] = trim(v, comma ? (size_t)(comma - v) : strlen(v));
		if (comma == NULL)
			break;
		v = comma + 1;
	}
	*nhops = n;
	return 0;
}

static int
is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/*
 * Forwarded (RFC 7239 section 4): elements separated by ",", pairs by
 * ";", each pair token=token or token="quoted string". Each element's
 * "for" value, unquoted into store, becomes one hop; an element without
 * one is a hop with len 0 (unknown).
 */
static int
forwarded_hops(const char *v, char store[][HS_CIDR_TEXT_MAX],
    struct span *hops, size_t *nhops)
{
	size_t	 n = 0, klen, vlen;
	const char *key;
	char	 val[HS_CIDR_TEXT_MAX];
	int	 have_for;

	for (;;) {			/* one element */
		if (n == HS_FORWARD_HOPS_MAX)
			return -1;
		hops[n] = (struct span){ store[n], 0 };
		have_for = 0;
		for (;;) {		/* one pair */
			while (is_ows(*v))
				v++;
			if (*v == ';' || *v == ',' || *v == '\0')
				goto next;	/* an empty pair */
			for (key = v; is_tchar((unsigned char)*v); v++)
				;
			klen = (size_t)(v - key);
			if (klen == 0 || *v++ != '=')
				return -1;
			vlen = 0;
			if (*v == '"') {
				for (v++; *v != '"'; v++) {
					if (*v == '\\' && v[1] != '\0')
						v++;
					if (*v == '\0' || (unsigned char)*v <
					    0x20 || vlen + 1 >= sizeof val)
						return -1;
					val[vlen++] = *v;
				}
				v++;
			} else {
				for (; is_tchar((unsigned char)*v); v++) {
					if (vlen + 1 >= sizeof val)
						return -1;
					val[vlen++] = *v;
				}
				if (vlen == 0)
					return -1;
			}
			if (klen == 3 && strncasecmp(key, "for", 3) == 0) {
				if (have_for++)	/* two "for" in one element */
					return -1;
				memcpy(store[n], val, vlen);
				hops[n].len = vlen;
			}
			while (is_ows(*v))
				v++;
next:
			if (*v == ';') {
				v++;
				continue;
			}
			if (*v == ',' || *v == '\0')
				break;
			return -1;
		}
		n++;
		if (*v == '\0')
			break;
		v++;			/* past the "," */
	}
	*nhops = n;
	return 0;
}

int
hs_source_client(const struct hs_source *src, const struct hs_request *req,
    unsigned char out[16])
{
	char	 store[HS_FORWARD_HOPS_MAX][HS_CIDR_TEXT_MAX];
	struct span hops[HS_FORWARD_HOPS_MAX];
	const char *peer = hs_request_var(req, "REMOTE_ADDR"), *hdr;
	unsigned char addr[16];
	size_t	 nhops, i;

	if (peer == NULL || hs_addr_parse(peer, strlen(peer), addr) == -1)
		return -1;
	if (!hs_cidrlist_match(&src->proxies, addr)) {
		memcpy(out, addr, 16);
		return 0;
	}
	if (src->header == HS_FWD_FORWARDED) {
		hdr = hs_request_var(req, "HTTP_FORWARDED");
		if (hdr == NULL || forwarded_hops(hdr, store, hops, &nhops)
		    == -1)
			return -1;
	} else {
		hdr = hs_request_var(req, "HTTP_X_FORWARDED_FOR");
		if (hdr == NULL || xff_hops(hdr, hops, &nhops) == -1)
			return -1;
	}
	for (i = nhops; i-- > 0; ) {
		if (node_parse(hops[i], addr) == -1)
			return -1;
		if (!hs_cidrlist_match(&src->proxies, addr)) {
			memcpy(out, addr, 16);
			return 0;
		}
	}
	return -1;		/* trusted proxies all the way */
}

int
hs_source_allowed(const struct hs_source *src, const struct hs_request *req,
    unsigned char addr[16], int *known)
{
	*known = hs_source_client(src, req, addr) == 0;
	return *known && hs_cidrlist_match(&src->allow, addr);
}

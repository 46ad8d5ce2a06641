/* test_source.c - CIDR lists and the client address behind proxies. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hs_request.h"
#include "hs_source.h"

static void
cidr_ok(const char *text, unsigned int bits)
{
	struct hs_cidr c;
	const char *why = NULL;

	CHECK(hs_cidr_parse(text, &c, &why) == 0, "%s parses (%s)", text,
	    why ? why : "");
	CHECK_INT(c.bits, bits, text);
}

static void
cidr_bad(const char *text, const char *want)
{
	struct hs_cidr c;
	const char *why = NULL;

	CHECK(hs_cidr_parse(text, &c, &why) == -1, "%s refused", text);
	CHECK(why && strstr(why, want), "%s: why \"%s\" has \"%s\"", text,
	    why ? why : "(null)", want);
}

static void
cidrs(void)
{
	cidr_ok("10.0.0.0/8", 104);
	cidr_ok("192.0.2.1", 128);
	cidr_ok("192.0.2.1/32", 128);
	cidr_ok("0.0.0.0/0", 96);
	cidr_ok("2001:db8::/32", 32);
	cidr_ok("::/0", 0);
	cidr_ok("2001:db8::1", 128);
	cidr_ok("::ffff:192.0.2.0/120", 120);
	cidr_bad("10.0.0.1/8", "host bits");
	cidr_bad("2001:db8::1/32", "host bits");
	cidr_bad("10.0.0.0/33", "0 to 32");
	cidr_bad("2001:db8::/129", "0 to 128");
	cidr_bad("10.0.0.0/08", "0 to 32");
	cidr_bad("10.0.0.0/", "a number");
	cidr_bad("10.0.0.0/+8", "a number");
	cidr_bad("10.0.0.0/8 ", "0 to 32");
	cidr_bad("10.0.0.0/-1", "a number");
	cidr_bad("010.0.0.0/8", "not an IPv4");
	cidr_bad("10.0.0/8", "not an IPv4");
	cidr_bad("10.0.0.0.0", "not an IPv4");
	cidr_bad("fe80::1%eth0", "not an IPv4");
	cidr_bad("example.com", "not an IPv4");
	cidr_bad("", "not an IPv4");
	cidr_bad(" 10.0.0.0/8", "not an IPv4");
	cidr_bad("[2001:db8::]/32", "not an IPv4");
}

static int
in(const struct hs_cidrlist *l, const char *addr)
{
	unsigned char a[16];

	if (hs_addr_parse(addr, strlen(addr), a) == -1)
		return -1;
	return hs_cidrlist_match(l, a);
}

static void
matching(void)
{
	struct hs_cidrlist l = { 0 };
	const char *why;

	CHECK(hs_cidrlist_add(&l, "192.0.2.0/25", &why) == 0, "add v4");
	CHECK(hs_cidrlist_add(&l, "2001:db8:10::/44", &why) == 0, "add v6");
	CHECK(hs_cidrlist_add(&l, "198.51.100.7", &why) == 0, "add host");
	CHECK_INT(in(&l, "192.0.2.0"), 1, "network address");
	CHECK_INT(in(&l, "192.0.2.127"), 1, "last of /25");
	CHECK_INT(in(&l, "192.0.2.128"), 0, "first past /25");
	CHECK_INT(in(&l, "192.0.3.1"), 0, "next /24");
	CHECK_INT(in(&l, "::ffff:192.0.2.5"), 1, "v4-mapped form matches");
	CHECK_INT(in(&l, "198.51.100.7"), 1, "host entry");
	CHECK_INT(in(&l, "198.51.100.8"), 0, "host entry neighbour");
	CHECK_INT(in(&l, "2001:db8:1f:ffff::1"), 1, "inside /44");
	CHECK_INT(in(&l, "2001:db8:20::1"), 0, "past /44");
	CHECK_INT(in(&l, "::192.0.2.5"), 0, "v4-compatible is not v4");
	CHECK_INT(in(&l, "2002:c000:0205::1"), 0, "6to4 is not v4");
	hs_cidrlist_free(&l);
	CHECK_INT(in(&l, "192.0.2.5"), 0, "empty list matches nothing");
	CHECK(hs_cidrlist_add(&l, "0.0.0.0/0", &why) == 0, "add any v4");
	CHECK_INT(in(&l, "203.0.113.9"), 1, "any v4");
	CHECK_INT(in(&l, "2001:db8::1"), 0, "any v4 is not v6");
	hs_cidrlist_free(&l);
}

/* The client a request with this REMOTE_ADDR and header gets ("" unknown). */
static const char *
client(const struct hs_source *src, const char *peer, const char *header,
    const char *value)
{
	static char out[64];
	char	 a[200], h[4200], *envp[4];
	struct hs_request req;
	unsigned char addr[16];
	size_t	 n = 0;

	if (peer) {
		snprintf(a, sizeof a, "REMOTE_ADDR=%s", peer);
		envp[n++] = a;
	}
	if (value) {
		snprintf(h, sizeof h, "%s=%s", header, value);
		envp[n++] = h;
	}
	envp[n] = NULL;
	memset(&req, 0, sizeof req);
	req.envp = envp;
	if (hs_source_client(src, &req, addr) == -1)
		return "";
	hs_addr_format(addr, out, sizeof out);
	return out;
}

#define XFF	"HTTP_X_FORWARDED_FOR"
#define FWD	"HTTP_FORWARDED"

static void
forwarded_for(void)
{
	struct hs_source s = { 0 };
	const char *why;
	char	 big[4000];
	int	 i;

	/* no proxies: the header is never read */
	CHECK_STR(client(&s, "192.0.2.9", XFF, "10.1.1.1"), "192.0.2.9",
	    "untrusted peer keeps its address");
	CHECK_STR(client(&s, "::ffff:192.0.2.9", NULL, NULL), "192.0.2.9",
	    "v4-mapped REMOTE_ADDR");
	CHECK_STR(client(&s, "2001:db8::5", NULL, NULL), "2001:db8::5",
	    "v6 REMOTE_ADDR");
	CHECK_STR(client(&s, NULL, NULL, NULL), "", "no REMOTE_ADDR");
	CHECK_STR(client(&s, "localhost", NULL, NULL), "", "a name");
	CHECK_STR(client(&s, "192.0.2.9:80", NULL, NULL), "",
	    "REMOTE_ADDR with a port");
	CHECK_STR(client(&s, "fe80::1%eth0", NULL, NULL), "", "zone id");

	CHECK(hs_cidrlist_add(&s.proxies, "127.0.0.0/8", &why) == 0, "p1");
	CHECK(hs_cidrlist_add(&s.proxies, "10.0.0.0/8", &why) == 0, "p2");
	CHECK_STR(client(&s, "192.0.2.9", XFF, "10.1.1.1"), "192.0.2.9",
	    "a peer that is not a proxy: header ignored");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5"), "203.0.113.5",
	    "one hop");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "6.6.6.6, 203.0.113.5"),
	    "203.0.113.5", "the forged left part is never read");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "6.6.6.6,203.0.113.5, 10.2.2.2"),
	    "203.0.113.5", "trusted hops on the right skipped");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "garbage, 203.0.113.5"),
	    "203.0.113.5", "garbage left of the client is not read");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5, garbage"), "",
	    "garbage right of the client: unknown");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "10.0.0.2, 127.0.0.5"), "",
	    "proxies only: unknown");
	CHECK_STR(client(&s, "127.0.0.1", NULL, NULL), "",
	    "trusted peer without the header: unknown");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5,"), "",
	    "empty last element");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5:4711"),
	    "203.0.113.5", "v4 with a port");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5:"), "",
	    "v4 with an empty port");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5:99999999"), "",
	    "v4 with a long port");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "2001:db8::7"), "2001:db8::7",
	    "bare v6");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "[2001:db8::7]:443"),
	    "2001:db8::7", "bracketed v6 with a port");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "[203.0.113.5]"), "",
	    "brackets around v4");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "[2001:db8::7"), "",
	    "unclosed bracket");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "unknown"), "", "unknown");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5 6.6.6.6"), "",
	    "two addresses without a comma");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "::ffff:10.0.0.1"), "",
	    "a proxy in v4-mapped form is still a proxy");
	big[0] = '\0';
	for (i = 0; i < HS_FORWARD_HOPS_MAX; i++)
		strcat(big, i ? ",10.0.0.1" : "203.0.113.5");
	CHECK_STR(client(&s, "127.0.0.1", XFF, big), "203.0.113.5",
	    "32 hops read");
	strcat(big, ",10.0.0.1");
	CHECK_STR(client(&s, "127.0.0.1", XFF, big), "", "33 hops refused");
	hs_cidrlist_free(&s.proxies);
}

static void
forwarded(void)
{
	struct hs_source s = { .header = HS_FWD_FORWARDED };
	const char *why;

	CHECK(hs_cidrlist_add(&s.proxies, "127.0.0.0/8", &why) == 0, "proxy");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=203.0.113.5"),
	    "203.0.113.5", "one element");
	CHECK_STR(client(&s, "127.0.0.1", FWD,
	    "for=6.6.6.6;proto=https, for=203.0.113.5;by=127.0.0.1;proto=http"),
	    "203.0.113.5", "rightmost element");
	CHECK_STR(client(&s, "127.0.0.1", FWD,
	    "for=\"[2001:db8:cafe::17]:4711\""), "2001:db8:cafe::17",
	    "RFC 7239 quoted v6 with port");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "For=\"203.0.113.5:80\""),
	    "203.0.113.5", "case-insensitive name, quoted v4 with port");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=\"203.0.113.\\5\""),
	    "203.0.113.5", "quoted-pair");
	CHECK_STR(client(&s, "127.0.0.1", FWD,
	    "for=\"6.6.6.6, for=1.2.3.4\", for=203.0.113.5"), "203.0.113.5",
	    "a comma inside quotes does not split");
	CHECK_STR(client(&s, "127.0.0.1", FWD,
	    "for=203.0.113.5, for=\"6.6.6.6, for=127.0.0.1\""), "",
	    "the quoted part is one value (not an address)");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=unknown"), "", "unknown");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=_hidden"), "",
	    "obfuscated");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "proto=https"), "",
	    "element without for");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=1.2.3.4;for=5.6.7.8"), "",
	    "two for in one element");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=\"203.0.113.5"), "",
	    "unterminated quote");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=203.0.113.5 x"), "",
	    "junk after a value");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=[2001:db8::1]"), "",
	    "brackets outside quotes are not a token");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for="), "", "empty value");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "=1.2.3.4"), "", "no name");
	CHECK_STR(client(&s, "127.0.0.1", FWD, " for=203.0.113.5 ;proto=http"),
	    "203.0.113.5", "whitespace around pairs");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=203.0.113.5;;"),
	    "203.0.113.5", "empty pairs");
	CHECK_STR(client(&s, "127.0.0.1", FWD, "for=203.0.113.5, for=127.0.0.9"),
	    "203.0.113.5", "trusted hop skipped");
	CHECK_STR(client(&s, "127.0.0.1", XFF, "203.0.113.5"), "",
	    "X-Forwarded-For is not read when Forwarded is configured");
	hs_cidrlist_free(&s.proxies);
}

int
main(void)
{
	tap_suite = "source";
	cidrs();
	matching();
	forwarded_for();
	forwarded();
	return tap_done();
}

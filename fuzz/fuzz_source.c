/*
 * fuzz_source.c - cgi/source.c on hostile input: CIDR entries (the config
 * side, a ranges file a cron job downloads) and the client address taken
 * from REMOTE_ADDR and a forwarding header (X-Forwarded-For or RFC 7239
 * Forwarded) behind trusted proxies.
 *
 * Input: byte 0 picks the header (bit 0: Forwarded) and whether the peer
 * is the trusted proxy 127.0.0.1 (bit 1) or the input's first line; the
 * rest, up to a NUL, is "REMOTE_ADDR\nheader value" or just the value.
 * Invariants: a client found is never one of the trusted proxies, and it
 * formats and parses back to itself; an untrusted peer is its own
 * client whatever the header says; a CIDR that parses formats and parses
 * back to the same block and contains its own network address.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "hs_request.h"
#include "hs_source.h"

static struct hs_source src_xff, src_fwd;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why;

	(void)argc;
	(void)argv;
	if (hs_cidrlist_add(&src_xff.proxies, "127.0.0.0/8", &why) == -1 ||
	    hs_cidrlist_add(&src_xff.proxies, "2001:db8::/32", &why) == -1 ||
	    hs_cidrlist_add(&src_xff.allow, "203.0.113.0/24", &why) == -1)
		fz_die("setup: %s", why);
	src_fwd = src_xff;
	src_fwd.header = HS_FWD_FORWARDED;
	return 0;
}

static void
cidr_round_trip(const char *text)
{
	struct hs_cidr c, back;
	struct hs_cidrlist one = { &c, 1 };
	char	 addr[64], again[80];
	const char *why;
	unsigned int bits;

	if (hs_cidr_parse(text, &c, &why) == -1)
		return;
	if (c.bits > 128)
		fz_die("INVARIANT: %s: %u bits", text, c.bits);
	hs_addr_format(c.addr, addr, sizeof addr);
	bits = c.bits;
	if (strchr(addr, ':') == NULL)
		bits -= 96;	/* printed as IPv4 */
	snprintf(again, sizeof again, "%s/%u", addr, bits);
	if (hs_cidr_parse(again, &back, &why) == -1 || back.bits != c.bits ||
	    memcmp(back.addr, c.addr, 16) != 0)
		fz_die("INVARIANT: %s -> %s does not parse back", text, again);
	if (!hs_cidrlist_match(&one, c.addr))
		fz_die("INVARIANT: %s does not contain its own address", text);
}

static void
client_checks(const struct hs_source *src, const char *peer,
    const char *value)
{
	struct hs_request req;
	char	 a[300], h[HS_CIDR_TEXT_MAX + 8200], *envp[3], text[64];
	unsigned char addr[16], back[16], peer_addr[16];
	int	 peer_ok;

	snprintf(a, sizeof a, "REMOTE_ADDR=%s", peer);
	snprintf(h, sizeof h, "%s=%s", src->header == HS_FWD_FORWARDED ?
	    "HTTP_FORWARDED" : "HTTP_X_FORWARDED_FOR", value);
	envp[0] = a;
	envp[1] = h;
	envp[2] = NULL;
	memset(&req, 0, sizeof req);
	req.envp = envp;
	peer_ok = hs_addr_parse(peer, strlen(peer), peer_addr) == 0;
	if (hs_source_client(src, &req, addr) == -1) {
		if (peer_ok && !hs_cidrlist_match(&src->proxies, peer_addr))
			fz_die("INVARIANT: untrusted peer %s made unknown", peer);
		return;
	}
	if (!peer_ok)
		fz_die("INVARIANT: a client without a usable REMOTE_ADDR");
	if (!hs_cidrlist_match(&src->proxies, peer_addr)) {
		if (memcmp(addr, peer_addr, 16) != 0)
			fz_die("INVARIANT: untrusted peer %s, header read",
			    peer);
		return;
	}
	if (hs_cidrlist_match(&src->proxies, addr))
		fz_die("INVARIANT: a trusted proxy returned as the client");
	hs_addr_format(addr, text, sizeof text);
	if (hs_addr_parse(text, strlen(text), back) == -1 ||
	    memcmp(back, addr, 16) != 0)
		fz_die("INVARIANT: client %s does not parse back", text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*in, *nl, *peer = "127.0.0.1", *value;
	const struct hs_source *src;

	if (size < 1 || size > 8192)
		return 0;
	src = data[0] & 1 ? &src_fwd : &src_xff;
	if ((in = malloc(size)) == NULL)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';	/* a NUL in the input ends it, as in envp */
	value = in;
	if (!(data[0] & 2) && (nl = strchr(in, '\n')) != NULL) {
		*nl = '\0';
		peer = in;
		value = nl + 1;
		cidr_round_trip(peer);
	}
	cidr_round_trip(value);
	client_checks(src, peer, value);
	free(in);
	return 0;
}

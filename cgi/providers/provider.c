/* provider.c - the provider table and helpers the providers share. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "hs_buf.h"
#include "hs_codec.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_verify.h"

/*
 * The registry: a new sender is its own file, its line here and its
 * tests. Nothing outside this file names a provider; code that needs to
 * know what one can do asks its flags and hooks.
 */
extern const struct hs_provider hs_provider_circularo;
extern const struct hs_provider hs_provider_documenso;
extern const struct hs_provider hs_provider_ignisign;
extern const struct hs_provider hs_provider_docusign;
extern const struct hs_provider hs_provider_yousign;
extern const struct hs_provider hs_provider_zoho_sign;
extern const struct hs_provider hs_provider_github;
extern const struct hs_provider hs_provider_stripe;
extern const struct hs_provider hs_provider_standard;
extern const struct hs_provider hs_provider_hmac;
/* the e-signature platforms whose reply rules change the answer (#13) */
extern const struct hs_provider hs_provider_adobesign;
extern const struct hs_provider hs_provider_dropboxsign;
/* issue #13: e-signature platforms */
extern const struct hs_provider hs_provider_boldsign;
extern const struct hs_provider hs_provider_docuseal;
/* #13: PandaDoc */
extern const struct hs_provider hs_provider_pandadoc;

static const struct hs_provider *const providers[] = {
	&hs_provider_circularo,
	&hs_provider_documenso,
	&hs_provider_ignisign,
	&hs_provider_docusign,
	&hs_provider_yousign,
	&hs_provider_zoho_sign,
	&hs_provider_github,
	&hs_provider_stripe,
	&hs_provider_standard,
	&hs_provider_hmac,
	&hs_provider_adobesign,
	&hs_provider_dropboxsign,
	&hs_provider_boldsign,
	&hs_provider_docuseal,
	/* #13: PandaDoc */
	&hs_provider_pandadoc,
	NULL
};

const struct hs_provider *
hs_provider_find(const char *name)
{
	size_t	 i;

	if (strcmp(name, "standard") == 0 || strcmp(name, "svix") == 0)
		return &hs_provider_standard;
	for (i = 0; providers[i]; i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

void
hs_provider_names(char *out, size_t outlen)
{
	size_t	 i, n = 0;

	out[0] = '\0';
	for (i = 0; providers[i] && n < outlen; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s",
		    i ? ", " : "", providers[i]->name);
}

const struct hs_option *
hs_provider_option(const struct hs_provider *p, const char *name)
{
	const struct hs_option *o;

	for (o = p->options; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

const struct hs_provider *const *
hs_provider_all(void)
{
	return providers;
}

/* Every key is tried even after a match: timing says nothing. */
int
hs_provider_body_mac_matches(const struct hs_endpoint *ep, const char *digest,
    enum hs_encoding enc, const char *sig, size_t siglen, const char *body,
    size_t len)
{
	unsigned char mac[HS_MAC_MAX];
	size_t	 i;
	int	 n, match = 0;

	for (i = 0; i < ep->nkeys; i++) {
		n = hs_hmac(digest, &ep->keys[i], body, len, NULL, 0, NULL, 0,
		    mac);
		if (n > 0)
			match |= hs_sig_matches(sig, siglen, enc, mac,
			    (size_t)n);
	}
	return match;
}

int
hs_provider_body_mac_verify(const struct hs_endpoint *ep,
    const struct hs_request *req, const struct hs_body_mac *m,
    const char **why)
{
	const char *sig = hs_request_var(req, m->var);
	size_t	 plen = strlen(m->prefix);

	if (sig == NULL) {
		*why = m->missing;
		return -1;
	}
	if (strncmp(sig, m->prefix, plen) != 0) {
		*why = m->unprefixed;
		return -1;
	}
	sig += plen;
	if (!hs_provider_body_mac_matches(ep, m->digest, m->enc, sig, strlen(sig),
	    req->body, req->body_len)) {
		*why = "bad signature";
		return -1;
	}
	return 0;
}

int
hs_provider_ts_mac_hex(const struct hs_key *key, long long now,
    const char *body, size_t len, char ts[24], char *hex)
{
	unsigned char mac[HS_MAC_MAX];
	int	 n, tn;

	tn = snprintf(ts, 24, "%lld", now);
	if ((n = hs_hmac("SHA256", key, ts, (size_t)tn, ".", 1, body, len,
	    mac)) < 0)
		return -1;
	hs_hex_encode(mac, (size_t)n, hex);
	return 0;
}

int
hs_provider_body_mac_sign(const struct hs_body_mac *m,
    const struct hs_key *key, const char *body, size_t len,
    struct hs_buf *headers)
{
	unsigned char mac[HS_MAC_MAX];
	char	 text[2 * HS_MAC_MAX + 1];
	int	 n;

	if ((n = hs_hmac(m->digest, key, body, len, NULL, 0, NULL, 0,
	    mac)) < 0)
		return -1;
	if (m->enc == HS_ENC_HEX)
		hs_hex_encode(mac, (size_t)n, text);
	else
		hs_base64_encode(mac, (size_t)n, text);
	return hs_buf_printf(headers, "%s: %s%s\n", m->header, m->prefix,
	    text);
}

void
hs_provider_header_name(const char *cgi, char *out, size_t outlen)
{
	size_t	 i, o = 0;
	int	 start = 1;

	if (strncmp(cgi, "HTTP_", 5) == 0)
		cgi += 5;
	for (i = 0; cgi[i] && o + 1 < outlen; i++) {
		if (cgi[i] == '_') {
			out[o++] = '-';
			start = 1;
		} else {
			out[o++] = start ? (char)toupper((unsigned char)cgi[i])
			    : (char)tolower((unsigned char)cgi[i]);
			start = 0;
		}
	}
	out[o] = '\0';
}

void
hs_provider_random_hex(char out[33])
{
	unsigned char r[16];

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		memset(r, 0x5a, sizeof r);
	hs_hex_encode(r, sizeof r, out);
}

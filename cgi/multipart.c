/*
 * multipart.c - finds one field of a multipart/form-data body (Dropbox
 * Sign's "json"). Every byte is hostile: lines are CRLF only, header
 * lines and counts are bounded, a delimiter line is exactly "--boundary"
 * then optional padding and CRLF (or "--" to close), and anything that
 * two parsers could read two ways (folded headers, a duplicate field,
 * the boundary inside a part, a transfer encoding) is refused rather
 * than guessed at. Nothing is copied: the field points into the body.
 */
#include <string.h>
#include <strings.h>

#include "hs_multipart.h"

struct param {
	const char	*name;
	size_t		 nlen;
	char		 val[HS_MP_PARAM_MAX + 1];
	size_t		 vlen;
	int		 toolong;	/* val holds only the first part */
};

/* RFC 9110 tchar */
static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/* RFC 2046 bcharsnospace */
static int
is_bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("'()+_,-./:=?",
	    c) != NULL);
}

static const char *
skip_ows(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static int
token_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static void
keep(struct param *p, char c)
{
	if (p->vlen < HS_MP_PARAM_MAX)
		p->val[p->vlen++] = c;
	else
		p->toolong = 1;
}

/*
 * The next "; name=value" (token or quoted-string) at *sp. 1 and p, 0
 * at the end, -1 when malformed.
 */
static int
next_param(const char **sp, const char *end, struct param *p)
{
	const char *s = skip_ows(*sp, end);

	if (s == end)
		return 0;
	if (*s != ';')
		return -1;
	s = skip_ows(s + 1, end);
	if (s == end)		/* a trailing ';' */
		return 0;
	memset(p, 0, sizeof *p);
	p->name = s;
	while (s < end && is_tchar((unsigned char)*s))
		s++;
	if ((p->nlen = (size_t)(s - p->name)) == 0 || s == end || *s != '=')
		return -1;
	s++;
	if (s < end && *s == '"') {
		for (s++; s < end && *s != '"'; s++) {
			if (*s == '\\') {
				if (++s == end)
					return -1;
			}
			if ((unsigned char)*s < 0x20 && *s != '\t')
				return -1;
			if (*s == 0x7f)
				return -1;
			keep(p, *s);
		}
		if (s == end)
			return -1;	/* unterminated */
		s++;
	} else {
		const char *v = s;

		while (s < end && is_tchar((unsigned char)*s))
			keep(p, *s++);
		if (s == v)
			return -1;
	}
	p->val[p->vlen] = '\0';
	*sp = s;
	return 1;
}

int
hs_multipart_boundary(const char *ct, char out[HS_MP_BOUNDARY_MAX + 1],
    const char **why)
{
	static const char type[] = "multipart/form-data";
	struct param p;
	const char *s, *end;
	size_t	 len, i;
	int	 rc, seen = 0;

	*why = "Content-Type must be multipart/form-data";
	if (ct == NULL || (len = strlen(ct)) > HS_MP_CT_MAX)
		return -1;
	end = ct + len;
	s = skip_ows(ct, end);
	if ((size_t)(end - s) < sizeof type - 1 ||
	    strncasecmp(s, type, sizeof type - 1) != 0)
		return -1;
	s += sizeof type - 1;
	if (s < end && *s != ';' && *s != ' ' && *s != '\t')
		return -1;
	while ((rc = next_param(&s, end, &p)) == 1) {
		if (!token_is(p.name, p.nlen, "boundary"))
			continue;
		if (seen++) {
			*why = "multipart boundary given twice";
			return -1;
		}
		if (p.toolong || p.vlen == 0 || p.vlen > HS_MP_BOUNDARY_MAX) {
			*why = "multipart boundary must be 1 to 70 characters";
			return -1;
		}
		for (i = 0; i < p.vlen; i++)
			if (!is_bchar((unsigned char)p.val[i]) &&
			    !(p.val[i] == ' ' && i + 1 < p.vlen)) {
				*why = "multipart boundary has a character "
				    "RFC 2046 does not allow";
				return -1;
			}
		memcpy(out, p.val, p.vlen + 1);
	}
	if (rc == -1) {
		*why = "malformed Content-Type parameters";
		return -1;
	}
	if (!seen) {
		*why = "multipart/form-data without a boundary";
		return -1;
	}
	return 0;
}

/* Content-Disposition: form-data; name="..." -> its name in *name. */
static int
disposition(const char *s, const char *end, struct param *name, int *named,
    const char **why)
{
	struct param p;
	const char *t = s;
	int	 rc;

	while (t < end && is_tchar((unsigned char)*t))
		t++;
	if (!token_is(s, (size_t)(t - s), "form-data")) {
		*why = "multipart part is not form-data";
		return -1;
	}
	while ((rc = next_param(&t, end, &p)) == 1) {
		if (!token_is(p.name, p.nlen, "name"))
			continue;	/* filename and the like */
		if ((*named)++) {
			*why = "multipart part named twice";
			return -1;
		}
		*name = p;
	}
	if (rc == -1) {
		*why = "malformed Content-Disposition";
		return -1;
	}
	return 0;
}

/*
 * A part's header lines from *pp up to the empty line; *pp moves past it.
 * *name gets the form field's name, *named whether there is one.
 */
static int
part_headers(const char **pp, const char *end, struct param *name,
    int *named, const char **why)
{
	const char *p = *pp, *line, *eol, *colon, *v, *vend;
	size_t	 n, avail, nheaders = 0;
	int	 disp = 0;

	for (;;) {
		avail = (size_t)(end - p);
		if (avail > HS_MP_HEADER_LINE_MAX + 2)
			avail = HS_MP_HEADER_LINE_MAX + 2;
		line = p;
		if ((eol = memchr(line, '\r', avail)) == NULL &&
		    avail == HS_MP_HEADER_LINE_MAX + 2) {
			*why = "multipart header line too long";
			return -1;
		}
		if (eol == NULL || (size_t)(eol - line) + 1 >= avail ||
		    eol[1] != '\n') {
			*why = "multipart header lines must end in CRLF";
			return -1;
		}
		p = eol + 2;
		if (eol == line)
			break;		/* the empty line */
		if (++nheaders > HS_MP_MAX_HEADERS) {
			*why = "too many multipart part headers";
			return -1;
		}
		for (v = line; v < eol; v++)
			if (*v == '\n' || *v == '\0' ||
			    ((unsigned char)*v < 0x20 && *v != '\t') ||
			    *v == 0x7f) {
				*why = "control character in a multipart "
				    "header";
				return -1;
			}
		for (colon = line; colon < eol &&
		    is_tchar((unsigned char)*colon); colon++)
			;
		/* a leading space or tab would be an obsolete fold */
		if (colon == line || colon == eol || *colon != ':') {
			*why = "malformed multipart header";
			return -1;
		}
		n = (size_t)(colon - line);
		v = skip_ows(colon + 1, eol);
		for (vend = eol; vend > v && (vend[-1] == ' ' ||
		    vend[-1] == '\t'); vend--)
			;
		if (token_is(line, n, "Content-Disposition")) {
			if (disp++) {
				*why = "multipart part has two "
				    "Content-Disposition headers";
				return -1;
			}
			if (disposition(v, vend, name, named, why) == -1)
				return -1;
		} else if (token_is(line, n, "Content-Transfer-Encoding")) {
			if (!token_is(v, (size_t)(vend - v), "7bit") &&
			    !token_is(v, (size_t)(vend - v), "8bit") &&
			    !token_is(v, (size_t)(vend - v), "binary")) {
				*why = "multipart Content-Transfer-Encoding "
				    "not supported";
				return -1;
			}
		}
	}
	if (!disp) {
		*why = "multipart part without Content-Disposition";
		return -1;
	}
	*pp = p;
	return 0;
}

int
hs_multipart_field(const char *body, size_t len, const char *boundary,
    const char *name, const char **val, size_t *vlen, const char **why)
{
	char	 delim[HS_MP_BOUNDARY_MAX + 5];	/* CRLF "--" boundary */
	const char *p, *end = body + len, *next;
	struct param pname;
	size_t	 blen = strlen(boundary), dlen, parts = 0;
	int	 found = 0, named;

	if (blen == 0 || blen > HS_MP_BOUNDARY_MAX) {
		*why = "bad multipart boundary";
		return -1;
	}
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen);
	dlen = 4 + blen;
	/* the first delimiter has no CRLF before it; a preamble is skipped */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((next = memmem(body, len, delim, dlen)) != NULL)
		p = next + dlen;
	else {
		*why = "multipart body without its boundary";
		return -1;
	}
	for (;;) {
		/* just after a delimiter's boundary */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;		/* the close delimiter; epilogue ignored */
		p = skip_ows(p, end);
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			*why = "malformed multipart delimiter line";
			return -1;
		}
		p += 2;
		if (++parts > HS_MP_MAX_PARTS) {
			*why = "too many multipart parts";
			return -1;
		}
		named = 0;
		if (part_headers(&p, end, &pname, &named, why) == -1)
			return -1;
		if ((next = memmem(p, (size_t)(end - p), delim, dlen)) ==
		    NULL) {
			*why = "multipart body not closed";
			return -1;
		}
		if (named && !pname.toolong && strlen(name) == pname.vlen &&
		    memcmp(pname.val, name, pname.vlen) == 0) {
			if (found++) {
				*why = "multipart field given twice";
				return -1;
			}
			*val = p;
			*vlen = (size_t)(next - p);
		}
		p = next + dlen;
	}
	if (!found) {
		*why = "multipart form field missing";
		return -1;
	}
	return 0;
}

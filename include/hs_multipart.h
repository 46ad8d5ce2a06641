/*
 * hs_multipart.h - one field of a multipart/form-data body (RFC 7578 on
 * RFC 2046), found in place: bounded, strict, nothing copied or decoded.
 */
#ifndef HS_MULTIPART_H
#define HS_MULTIPART_H

#include <stddef.h>

#define HS_MP_BOUNDARY_MAX	70	/* RFC 2046 5.1.1: 1 .. 70 */
#define HS_MP_CT_MAX		1024	/* a Content-Type we read at all */
#define HS_MP_MAX_PARTS		32
#define HS_MP_MAX_HEADERS	16	/* per part */
#define HS_MP_HEADER_LINE_MAX	1024	/* one part header line, CRLF excluded */
#define HS_MP_PARAM_MAX		128	/* a parameter value we keep */

/*
 * Is ct multipart/form-data with exactly one boundary parameter (quoted or
 * not) that RFC 2046 allows? 0 and the boundary in out, or -1 with *why.
 */
int	hs_multipart_boundary(const char *ct,
	    char out[HS_MP_BOUNDARY_MAX + 1], const char **why);

/*
 * The content of the one part whose Content-Disposition is form-data with
 * name="<name>": *val points into body, verbatim (no transfer decoding;
 * 7bit, 8bit and binary only). -1 with *why when the body is not a clean
 * multipart (CRLF lines only, no header folding, every delimiter line
 * well formed, a close delimiter), has too many parts or headers, a part
 * without Content-Disposition, or the field is missing or given twice.
 */
int	hs_multipart_field(const char *body, size_t len, const char *boundary,
	    const char *name, const char **val, size_t *vlen,
	    const char **why);

#endif

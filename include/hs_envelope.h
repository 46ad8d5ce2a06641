/*
 * hs_envelope.h - the spool file format (stable API, see README "Spool"):
 * one JSON object per file, our fields first, then "body" holding the
 * sender's bytes verbatim:
 *   {"hookspool":1,"id":...,"endpoint":...,"provider":...,"event":...,
 *    "queue":...,"received_at":...,"verified":...,"delivery_id":...,
 *    "document_id":...,"actor":...,"occurred_at":...,"body_sha256":...,
 *    "body":<raw body>}\n
 */
#ifndef HS_ENVELOPE_H
#define HS_ENVELOPE_H

#include "hs_buf.h"
#include "hs_event.h"

#define HS_FORMAT_VERSION	1

struct hs_envelope {
	const char	*id;
	const char	*endpoint;
	const char	*provider;
	const char	*queue;
	const char	*received_at;
	const struct hs_event *ev;
};

/*
 * Appends everything up to and including "\"body\":" to out; the caller
 * writes the body and then HS_ENVELOPE_TAIL.
 */
int	hs_envelope_head(const struct hs_envelope *env, struct hs_buf *out);

#define HS_ENVELOPE_TAIL	"}\n"

#endif

/*
 * hs_envelope.h - the spool file format (stable API, see README "Spool"):
 * one JSON object per file, our fields first, then "body" holding the
 * sender's bytes verbatim:
 *   {"hookspool":1,"id":...,"endpoint":...,"provider":...,"event":...,
 *    "queue":...,"received_at":...,"verified":...,"verified_scope":...,
 *    "source_checked":...,"delivery_id":...,
 *    "document_id":...,"actor":...,"occurred_at":...,"body_sha256":...,
 *    ["batch_index":...,"batch_sha256":...,] "body":<raw body>}\n
 * (the batch fields only for one element of a batch, hs_provider.h split)
 */
#ifndef HS_ENVELOPE_H
#define HS_ENVELOPE_H

#include <stddef.h>

#include "hs_buf.h"
#include "hs_config.h"
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
/* "body", "event" or "none": what the sender's check authenticated. */
const char *hs_envelope_scope(const struct hs_event *ev);

int	hs_envelope_head(const struct hs_envelope *env, struct hs_buf *out);

#define HS_ENVELOPE_TAIL	"}\n"

/* The largest event file a reader takes: the largest body plus its head. */
#define HS_ENVELOPE_FILE_MAX	(HS_BODY_HARD_MAX + (1UL << 20))

/*
 * An event file read whole: head holds our fields (parsed), the raw body
 * is data[body_off .. body_off + body_len). hs_envelope_read reads fd to
 * its end: -1 with errno EFBIG for a file over HS_ENVELOPE_FILE_MAX or
 * still growing past the size it had, EINVAL for one that is not a
 * complete envelope (a partial write, or not ours).
 */
struct hs_envelope_file {
	char	*data;
	size_t	 len;
	size_t	 head_len;	/* offset of the top-level ,"body": */
	size_t	 body_off;
	size_t	 body_len;
	struct json_object *head;
};
int	hs_envelope_read(int fd, struct hs_envelope_file *ef);
void	hs_envelope_free(struct hs_envelope_file *ef);
/* A string field of the head; "" when null or absent. */
const char *hs_envelope_str(const struct hs_envelope_file *ef,
	    const char *key);

#endif

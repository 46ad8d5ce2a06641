/*
 * test_envelope.c - the spool file format has one owner (cgi/envelope.c):
 * what hs_envelope_head writes, hs_envelope_read reads back, head and
 * body, whatever the sender's actor object holds; and a file that is not
 * a complete envelope is refused, never half-read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_envelope.h"
#include "check.h"

/* Writes bytes to an unlinked temp file and returns its fd at offset 0. */
static int
temp_with(const char *data, size_t len)
{
	char	 path[] = "/tmp/hs-envelope-XXXXXX";
	int	 fd = mkstemp(path);

	if (fd == -1)
		return -1;
	unlink(path);
	if (write(fd, data, len) != (ssize_t)len ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
round_trip(const char *actor_json, const char *body)
{
	struct hs_event ev;
	struct hs_envelope env = { "1764583200.M1P2R3Q1.host", "docs",
	    "documenso", "signed", "2026-12-01T10:00:00Z", &ev };
	struct hs_envelope_file ef;
	struct hs_buf b;
	int	 fd;

	memset(&ev, 0, sizeof ev);
	ev.verified = 1;
	snprintf(ev.name, sizeof ev.name, "DOCUMENT_SIGNED");
	snprintf(ev.document_id, sizeof ev.document_id, "42");
	snprintf(ev.body_sha256, sizeof ev.body_sha256, "%064d", 0);
	ev.actor = actor_json ? json_tokener_parse(actor_json) : NULL;
	hs_buf_init(&b);
	CHECK(hs_envelope_head(&env, &b) == 0, "head written");
	hs_buf_adds(&b, body);
	hs_buf_adds(&b, HS_ENVELOPE_TAIL);
	fd = temp_with(b.data, b.len);
	CHECK(fd != -1, "temp file");
	CHECK(hs_envelope_read(fd, &ef) == 0, "read back (actor %s)",
	    actor_json ? actor_json : "null");
	CHECK(ef.body_len == strlen(body) &&
	    memcmp(ef.data + ef.body_off, body, ef.body_len) == 0,
	    "body byte for byte");
	CHECK_STR(hs_envelope_str(&ef, "event"), "DOCUMENT_SIGNED", "event");
	CHECK_STR(hs_envelope_str(&ef, "queue"), "signed", "queue");
	CHECK_STR(hs_envelope_str(&ef, "id"), env.id, "id");
	CHECK_STR(hs_envelope_str(&ef, "delivery_id"), "", "null is \"\"");
	CHECK_STR(hs_envelope_str(&ef, "verified_scope"), "body",
	    "verified_scope defaults to the whole body");
	CHECK_STR(hs_envelope_str(&ef, "nonexistent"), "", "absent is \"\"");
	hs_envelope_free(&ef);
	close(fd);

	/* every cut of the file short of its last byte is refused */
	{
		size_t	 cut, refused = 0;

		for (cut = 0; cut < b.len; cut++) {
			fd = temp_with(b.data, cut);
			errno = 0;
			if (hs_envelope_read(fd, &ef) == -1 && errno == EINVAL &&
			    ef.data == NULL && ef.head == NULL)
				refused++;
			else
				hs_envelope_free(&ef);
			close(fd);
		}
		CHECK_INT(refused, b.len, "every truncation refused, EINVAL");
	}
	json_object_put(ev.actor);
	hs_buf_free(&b);
}

/* "verified" is true only for a body-authenticated event (#19). */
static void
scope_is(int verified, const char *scope, int source_checked,
    const char *want)
{
	struct hs_event ev;
	struct hs_envelope env = { "1764583200.M1P2R3Q1.host", "e", "p", "q",
	    "2026-12-01T10:00:00Z", &ev };
	struct hs_buf b;

	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "x");
	snprintf(ev.body_sha256, sizeof ev.body_sha256, "%064d", 0);
	ev.verified = verified;
	ev.verified_scope = scope;
	ev.source_checked = source_checked;
	hs_buf_init(&b);
	CHECK(hs_envelope_head(&env, &b) == 0, "head");
	hs_buf_adds(&b, "");
	CHECK(b.data && strstr(b.data, want) != NULL, "head has %s: %.*s",
	    want, (int)b.len, b.data ? b.data : "");
	hs_buf_free(&b);
}

static void
scopes(void)
{
	scope_is(1, NULL, 0, "\"verified\":true,\"verified_scope\":\"body\","
	    "\"source_checked\":false,");
	scope_is(0, NULL, 0, "\"verified\":false,\"verified_scope\":\"none\","
	    "\"source_checked\":false,");
	scope_is(1, "event", 1, "\"verified\":false,\"verified_scope\":"
	    "\"event\",\"source_checked\":true,");
	scope_is(1, "none", 0, "\"verified\":false,\"verified_scope\":"
	    "\"none\",");
}

int
main(void)
{
	struct hs_envelope_file ef;
	int	 fd;

	tap_suite = "test_envelope";
	scopes();
	round_trip(NULL, "{\"event\":\"DOCUMENT_SIGNED\",\"payload\":{}}");
	/* the sender's actor may hold a "body" key and braces in strings */
	round_trip("{\"name\":\"x\",\"body\":\"}{,\\\"body\\\":\"}",
	    "{\"body\":{\"body\":1}}");
	round_trip("{\"n\":[1,{\"body\":[]}]}", "[]");

	fd = temp_with("{\"hookspool\":1,\"bodx\":{}}\n", 26);
	CHECK(hs_envelope_read(fd, &ef) == -1 && errno == EINVAL,
	    "no top-level ,\"body\": not ours");
	close(fd);
	fd = temp_with("{\"hookspool\":1,\"body\":{}}\n", 26);
	CHECK(hs_envelope_read(fd, &ef) == 0 && ef.body_len == 2,
	    "the smallest envelope");
	hs_envelope_free(&ef);
	close(fd);
	fd = temp_with("[1,\"body\":{}}\n", 14);
	CHECK(hs_envelope_read(fd, &ef) == -1 && errno == EINVAL,
	    "head not an object");
	close(fd);
	return tap_done();
}

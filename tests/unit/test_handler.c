/*
 * test_handler.c - the whole pipeline through hs_handle() with an in-memory
 * body and answer: exact status, exact spool file, nothing on failure.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include <openssl/hmac.h>

#include "hs_clock.h"
#include "hs_codec.h"
#include "hs_handler.h"
#include "check.h"

static char root[] = "/tmp/hs-test-handler-XXXXXX";
static char spool[128], confpath[160];

struct mem {
	const char *in;
	size_t	 inlen, pos;
	size_t	 stall;		/* > 0: input stops here until the deadline */
	long long left_us;	/* what was left of the last read's deadline */
	char	 out[8192];
	size_t	 outlen;
};

static ssize_t
mem_read(void *ctx, char *buf, size_t len, const struct timespec *deadline)
{
	struct mem *m = ctx;
	size_t	 n = m->inlen - m->pos;

	m->left_us = deadline ? hs_clock_us_left(deadline) : -1;
	/* the real readers' contract: -1 with ETIMEDOUT once it has passed */
	if (m->stall && m->pos >= m->stall) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (m->stall && n > m->stall - m->pos)
		n = m->stall - m->pos;
	if (n > len)
		n = len;
	if (n == 0)
		return 0;
	memcpy(buf, m->in + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static int
mem_write(void *ctx, const char *buf, size_t len)
{
	struct mem *m = ctx;

	if (m->outlen + len >= sizeof m->out)
		return -1;
	memcpy(m->out + m->outlen, buf, len);
	m->outlen += len;
	m->out[m->outlen] = '\0';
	return 0;
}

static struct hs_handler handler;
static struct mem mem;
static size_t stall_at;		/* request(): input stalls after this */

/* Runs one request; extra is a NULL-terminated list of "NAME=value". */
static int
request(const char *method, const char *endpoint, const char *body,
    const char *const *extra)
{
	char	*envp[32], cl[64], pi[200], m[64];
	struct hs_io io = { mem_read, mem_write, &mem };
	int	 n = 0;

	snprintf(m, sizeof m, "REQUEST_METHOD=%s", method);
	snprintf(pi, sizeof pi, "PATH_INFO=/webhooks/%s", endpoint);
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", strlen(body));
	envp[n++] = m;
	envp[n++] = pi;
	envp[n++] = cl;
	envp[n++] = "CONTENT_TYPE=application/json";
	while (extra && *extra)
		envp[n++] = (char *)*extra++;
	envp[n] = NULL;
	memset(&mem, 0, sizeof mem);
	mem.in = body;
	mem.inlen = strlen(body);
	mem.stall = stall_at;
	return hs_handle(&handler, envp, &io);
}

static int
count_files(const char *queue, const char *state)
{
	char	 path[256];
	DIR	*d;
	struct dirent *e;
	int	 n = 0;

	snprintf(path, sizeof path, "%s/%s/%s", spool, queue, state);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The one file in queue/state parsed as JSON, or NULL. */
static struct json_object *
only_file(const char *queue, const char *state, char *raw, size_t rawlen)
{
	char	 path[512];
	DIR	*d;
	struct dirent *e;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof path, "%s/%s/%s", spool, queue, state);
	if ((d = opendir(path)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL && e->d_name[0] == '.')
		;
	if (e == NULL) {
		closedir(d);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/%s/%s/%s", spool, queue, state,
	    e->d_name);
	closedir(d);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(raw, 1, rawlen - 1, f);
	raw[n] = '\0';
	fclose(f);
	return json_tokener_parse(raw);
}

static const char *
answer_status(void)
{
	static char buf[64];
	const char *p = strstr(mem.out, "{\"status\":\"");

	if (p == NULL)
		return "";
	p += 11;
	snprintf(buf, sizeof buf, "%.*s", (int)strcspn(p, "\""), p);
	return buf;
}

static void
write_config(const char *extra_top)
{
	FILE	*f = fopen(confpath, "w");

	fprintf(f, "{\"spool_dir\":\"%s\",%s\"endpoints\":{"
	    "\"circularo\":{\"provider\":\"circularo\",\"secrets\":"
	    "[\"Gh1!f5dFs0dA\"],\"routes\":{\"documentCompleted\":\"completed\","
	    "\"*\":\"inbox\"}},"
	    "\"documenso\":{\"provider\":\"documenso\",\"secrets\":[\"sekrit\"],"
	    "\"routes\":{\"DOCUMENT_COMPLETED\":\"completed\"}},"
	    "\"ignisign\":{\"provider\":\"ignisign\",\"app_id\":\"appId_1\","
	    "\"routes\":{\"*\":\"signing\"}}"
	    /* #13: PandaDoc (a batch of events per request) */
	    ",\"pandadoc\":{\"provider\":\"pandadoc\",\"secrets\":"
	    "[\"test-shared-key\"],\"routes\":{\"document_state_changed\":"
	    "\"pd\",\"recipient_completed\":\"pd\",\"document_deleted\":"
	    "\"pdblocked\"}}"
	    "}}", spool, extra_top);
	fclose(f);
}

static const char *
circularo_sig(const char *body)
{
	static char env[128];
	unsigned char mac[32];
	unsigned int len;
	char	 hex[65];

	HMAC(EVP_sha256(), "Gh1!f5dFs0dA", 12, (const unsigned char *)body,
	    strlen(body), mac, &len);
	hs_hex_encode(mac, 32, hex);
	snprintf(env, sizeof env, "HTTP_X_CIRCULARO_SIGNATURE=%s", hex);
	return env;
}

static void
test_accept(void)
{
	const char *body = "{\"documentId\":\"aB3dEfGh12\",\"event\":"
	    "\"documentCompleted\",\"actor\":{\"email\":\"m@x\"},"
	    "\"timestamp\":\"2024-06-01T13:10:10.500Z\"}";
	const char *sig[] = { circularo_sig(body), NULL };
	struct json_object *o, *v;
	char	 raw[4096], sha[65];

	CHECK_INT(request("POST", "circularo", body, sig), 200, "signed event");
	CHECK_STR(answer_status(), "accepted", "answer status");
	CHECK(strncmp(mem.out, "Status: 200 OK\r\n", 16) == 0, "status line");
	CHECK_INT(count_files("completed", "new"), 1, "one file in completed/new");
	CHECK_INT(count_files("completed", "tmp"), 0, "tmp/ empty");
	CHECK_INT(count_files("inbox", "new"), 0, "not in the fallback queue");
	o = only_file("completed", "new", raw, sizeof raw);
	CHECK(o != NULL, "spool file is JSON");
	CHECK(json_object_object_get_ex(o, "event", &v) &&
	    strcmp(json_object_get_string(v), "documentCompleted") == 0, "event");
	CHECK(json_object_object_get_ex(o, "queue", &v) &&
	    strcmp(json_object_get_string(v), "completed") == 0, "queue");
	CHECK(json_object_object_get_ex(o, "verified", &v) &&
	    json_object_get_boolean(v), "verified true");
	CHECK(json_object_object_get_ex(o, "document_id", &v) &&
	    strcmp(json_object_get_string(v), "aB3dEfGh12") == 0, "document_id");
	CHECK(json_object_object_get_ex(o, "delivery_id", &v) && v == NULL,
	    "delivery_id null for Circularo");
	CHECK(json_object_object_get_ex(o, "actor", &v) &&
	    json_object_is_type(v, json_type_object), "actor object kept");
	CHECK(json_object_object_get_ex(o, "occurred_at", &v) &&
	    strcmp(json_object_get_string(v), "2024-06-01T13:10:10.500Z") == 0,
	    "occurred_at");
	hs_sha256_hex(body, strlen(body), sha);
	CHECK(json_object_object_get_ex(o, "body_sha256", &v) &&
	    strcmp(json_object_get_string(v), sha) == 0, "body_sha256");
	CHECK(strstr(raw, body) != NULL, "body spliced byte for byte");
	CHECK(strncmp(raw, "{\"hookspool\":1,\"id\":\"", 21) == 0,
	    "format version first");
	CHECK(raw[strlen(raw) - 1] == '\n' && raw[strlen(raw) - 2] == '}',
	    "file ends with }\\n");
	json_object_put(o);

	CHECK_INT(request("POST", "circularo", body, sig), 200, "same delivery");
	CHECK_STR(answer_status(), "duplicate", "duplicate answered");
	CHECK_INT(count_files("completed", "new"), 1, "no second file");
}

static void
test_refusals(void)
{
	const char *body = "{\"event\":\"documentEdited\"}";
	const char *sig[] = { circularo_sig(body), NULL };
	const char *bad[] = { "HTTP_X_CIRCULARO_SIGNATURE=00", NULL };
	const char *nocl_env[] = { NULL };

	CHECK_INT(request("GET", "circularo", "", NULL), 405, "GET");
	CHECK(strstr(mem.out, "Allow: POST\r\n") != NULL, "Allow header");
	CHECK_INT(request("POST", "nope", body, sig), 404, "unknown endpoint");
	CHECK_INT(request("POST", "..", body, sig), 404, "dot-dot endpoint");
	CHECK_INT(request("POST", "circularo", body, bad), 401, "bad signature");
	CHECK_INT(request("POST", "circularo", body, NULL), 401, "no signature");
	CHECK(strstr(mem.out, "00") == NULL || strstr(mem.out, "Status: 401"),
	    "answer does not echo");
	{
		const char *ct[] = { sig[0], "CONTENT_TYPE=text/plain", NULL };
		char	*envp[8];
		struct hs_io io = { mem_read, mem_write, &mem };

		/* CONTENT_TYPE appears twice; the first wins, so build by hand */
		envp[0] = "REQUEST_METHOD=POST";
		envp[1] = "PATH_INFO=/circularo";
		envp[2] = "CONTENT_LENGTH=26";
		envp[3] = (char *)ct[1];
		envp[4] = (char *)ct[0];
		envp[5] = NULL;
		memset(&mem, 0, sizeof mem);
		mem.in = body;
		mem.inlen = strlen(body);
		CHECK_INT(hs_handle(&handler, envp, &io), 415, "text/plain");
		envp[2] = "CONTENT_TYPE=application/json";
		envp[3] = (char *)ct[0];
		envp[4] = NULL;
		memset(&mem, 0, sizeof mem);
		CHECK_INT(hs_handle(&handler, envp, &io), 411, "no Content-Length");
		envp[4] = "CONTENT_LENGTH=-5";
		envp[5] = NULL;
		CHECK_INT(hs_handle(&handler, envp, &io), 400, "negative length");
		envp[4] = "CONTENT_LENGTH=1048577";
		CHECK_INT(hs_handle(&handler, envp, &io), 413, "over max_body_bytes");
		envp[4] = "CONTENT_LENGTH=99999999999999999999999";
		CHECK_INT(hs_handle(&handler, envp, &io), 400, "overflowing length");
		envp[4] = "CONTENT_LENGTH=40";
		memset(&mem, 0, sizeof mem);
		mem.in = body;
		mem.inlen = strlen(body);
		CHECK_INT(hs_handle(&handler, envp, &io), 400, "truncated body");
		(void)nocl_env;
	}
	{
		const char *nb = "{\"event\":\"x\",\"event\":\"y\"}";
		const char *s2[] = { circularo_sig(nb), NULL };

		CHECK_INT(request("POST", "circularo", nb, s2), 400, "duplicate keys");
	}
	{
		const char *nb = "{\"documentId\":\"x\"}";
		const char *s2[] = { circularo_sig(nb), NULL };

		CHECK_INT(request("POST", "circularo", nb, s2), 400, "no event");
	}
	{
		const char *nb = "{\"event\":\"a\"} x";
		const char *s2[] = { circularo_sig(nb), NULL };

		CHECK_INT(request("POST", "circularo", nb, s2), 400, "trailing bytes");
	}
	CHECK_INT(count_files("inbox", "new"), 0, "nothing spooled by refusals");
	CHECK_INT(count_files("inbox", "tmp"), 0, "nothing left in tmp/");
}

static void
test_documenso_and_ignisign(void)
{
	const char *sec[] = { "HTTP_X_DOCUMENSO_SECRET=sekrit", NULL };
	const char *empty[] = { "HTTP_X_DOCUMENSO_SECRET=", NULL };
	const char *a = "{\"event\":\"DOCUMENT_COMPLETED\",\"payload\":{\"id\":10,"
	    "\"updatedAt\":\"2024-04-22T11:52:05.708Z\"},\"createdAt\":"
	    "\"2024-04-22T11:52:18.277Z\"}";
	const char *retry = "{\"event\":\"DOCUMENT_COMPLETED\",\"payload\":{\"id\":10,"
	    "\"updatedAt\":\"2024-04-22T11:52:05.708Z\"},\"createdAt\":"
	    "\"2024-04-22T11:52:19.001Z\"}";
	const char *sent = "{\"event\":\"DOCUMENT_SENT\",\"payload\":{\"id\":10}}";
	const char *ig = "{\"appId\":\"appId_1\",\"appEnv\":\"DEVELOPMENT\","
	    "\"topic\":\"SIGNATURE\",\"action\":\"FINALIZED\",\"msgNature\":"
	    "\"SUCCESS\",\"content\":{\"signatureRequestId\":\"672d\"},"
	    "\"verificationToken\":\"tok\"}";
	const char *ig_other = "{\"appId\":\"appId_2\",\"appEnv\":\"DEVELOPMENT\","
	    "\"topic\":\"SIGNATURE\",\"action\":\"FINALIZED\","
	    "\"verificationToken\":\"tok\"}";
	const char *ig_notoken = "{\"appId\":\"appId_1\",\"appEnv\":\"DEVELOPMENT\","
	    "\"topic\":\"SIGNATURE\",\"action\":\"FINALIZED\"}";
	struct json_object *o, *v;
	char	 raw[4096];

	CHECK_INT(request("POST", "documenso", a, empty), 401,
	    "Documenso empty secret header");
	CHECK_INT(request("POST", "documenso", a, sec), 200, "Documenso");
	CHECK_STR(answer_status(), "accepted", "Documenso accepted");
	o = only_file("completed", "new", raw, sizeof raw);
	CHECK_INT(count_files("completed", "new"), 2, "second completed event");
	json_object_put(o);
	CHECK_INT(request("POST", "documenso", retry, sec), 200,
	    "Documenso retry with a new createdAt");
	CHECK_STR(answer_status(), "duplicate", "recognised by id+updatedAt");
	CHECK_INT(request("POST", "documenso", sent, sec), 200, "unrouted event");
	CHECK_STR(answer_status(), "ignored", "ignored");
	CHECK_INT(count_files("completed", "new"), 2, "nothing for ignored");

	CHECK_INT(request("POST", "ignisign", ig_notoken, NULL), 401,
	    "Ignisign without verificationToken");
	CHECK_INT(request("POST", "ignisign", ig_other, NULL), 401,
	    "Ignisign for another appId");
	CHECK_INT(request("POST", "ignisign", ig, NULL), 200, "Ignisign");
	CHECK_STR(answer_status(), "pending", "Ignisign pending");
	CHECK_INT(count_files("signing", "new"), 0, "not in new/ before verify");
	o = only_file("signing", "pending", raw, sizeof raw);
	CHECK(o != NULL, "in pending/");
	CHECK(o && json_object_object_get_ex(o, "verified", &v) &&
	    !json_object_get_boolean(v), "verified false");
	CHECK(o && json_object_object_get_ex(o, "event", &v) &&
	    strcmp(json_object_get_string(v), "SIGNATURE.FINALIZED") == 0,
	    "event is topic.action");
	json_object_put(o);
}

static void
test_body_timeout(void)
{
	const char *body = "{\"event\":\"documentCompleted\",\"n\":3}";
	const char *sig[] = { circularo_sig(body), NULL };
	int	 before = count_files("completed", "new");

	write_config("\"body_timeout_seconds\":7,");
	stall_at = 10;
	CHECK_INT(request("POST", "circularo", body, sig), 408,
	    "body stalls after 10 bytes: 408");
	CHECK(strncmp(mem.out, "Status: 408 Request Timeout\r\n", 29) == 0,
	    "408 status line");
	CHECK(strstr(mem.out, "\r\n\r\n{\"status\":\"error\",\"error\":"
	    "\"body not received in time\"}\n") != NULL, "fixed error text");
	CHECK(mem.left_us > 6900000 && mem.left_us <= 7000000,
	    "deadline is body_timeout_seconds away (%lld us left)",
	    mem.left_us);
	CHECK_INT(count_files("completed", "new"), before, "nothing spooled");
	CHECK_INT(count_files("completed", "tmp"), 0, "nothing left in tmp/");
	CHECK_INT(request("POST", "nope", body, sig), 404,
	    "a stalled drain keeps the refusal");
	CHECK(mem.left_us > 6900000 && mem.left_us <= 7000000,
	    "the drain has the same deadline");
	stall_at = 0;
	write_config("");
	CHECK_INT(request("POST", "circularo", body, sig), 200,
	    "the next request is served");
	CHECK(mem.left_us > 9900000 && mem.left_us <= 10000000,
	    "default body_timeout_seconds is 10");
}

static void
test_spool_failure(void)
{
	const char *body = "{\"event\":\"documentCompleted\",\"n\":2}";
	const char *sig[] = { circularo_sig(body), NULL };
	FILE	*f;

	/* spool_dir is a regular file: every write fails */
	snprintf(spool, sizeof spool, "%s/not-a-dir", root);
	f = fopen(spool, "w");
	fclose(f);
	write_config("");
	CHECK_INT(request("POST", "circularo", body, sig), 503, "spool broken");
	CHECK(strstr(mem.out, "Retry-After: ") != NULL, "Retry-After");
	snprintf(spool, sizeof spool, "%s/spool", root);
	write_config("\"durable\":false,");
	CHECK_INT(request("POST", "circularo", body, sig), 200,
	    "config reloaded on change; durable off still spools");
	CHECK_INT(count_files("completed", "new"), 4, "fourth completed event");

	/* a config broken after a good load: the last good one serves on
	 * (issue #11 item 8); only a process that never had one says 500 */
	f = fopen(confpath, "w");
	fputs("{\"spool_dir\":\"/x\",\"oops\":1,\"endpoints\":{}}", f);
	fclose(f);
	CHECK_INT(request("POST", "circularo", body, sig), 200,
	    "broken config: the last good one stays in service");
	CHECK(strstr(mem.out, "\"duplicate\"") != NULL,
	    "broken config: served by the old config (its spool's marker)");
	hs_handler_free(&handler);
	hs_handler_init(&handler);
	CHECK_INT(request("POST", "circularo", body, sig), 500,
	    "broken config: a process with no good config answers 500");
}

/* --- #13: PandaDoc, one request carrying several events ----------------- */

static const char *
pandadoc_sig(const char *body)
{
	static char env[128];
	unsigned char mac[32];
	unsigned int len;
	char	 hex[65];

	HMAC(EVP_sha256(), "test-shared-key", 15, (const unsigned char *)body,
	    strlen(body), mac, &len);
	hs_hex_encode(mac, 32, hex);
	snprintf(env, sizeof env, "QUERY_STRING=signature=%s", hex);
	return env;
}

/* The files of queue/new parsed, in batch_index order; their number. */
static int
batch_files(const char *queue, struct json_object **o, char raw[][1024],
    int max)
{
	char	 path[512];
	DIR	*d;
	struct dirent *e;
	struct json_object *v, *t;
	FILE	*f;
	size_t	 len;
	int	 n = 0, i, j;
	char	 tmp[1024];

	snprintf(path, sizeof path, "%s/%s/new", spool, queue);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/new/%s", spool, queue,
		    e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		len = fread(raw[n], 1, 1023, f);
		raw[n][len] = '\0';
		fclose(f);
		o[n] = json_tokener_parse(raw[n]);
		n++;
	}
	closedir(d);
	for (i = 1; i < n; i++)		/* by batch_index */
		for (j = i; j > 0; j--) {
			long a = json_object_object_get_ex(o[j - 1],
			    "batch_index", &v) ? json_object_get_int(v) : -1;
			long b = json_object_object_get_ex(o[j],
			    "batch_index", &v) ? json_object_get_int(v) : -1;

			if (a <= b)
				break;
			t = o[j]; o[j] = o[j - 1]; o[j - 1] = t;
			memcpy(tmp, raw[j], sizeof tmp);
			memcpy(raw[j], raw[j - 1], sizeof tmp);
			memcpy(raw[j - 1], tmp, sizeof tmp);
		}
	return n;
}

static int
has_str(struct json_object *o, const char *key, const char *want)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), want) == 0;
}

static void
test_pandadoc(void)
{
	const char *e0 = "{\"event\":\"document_state_changed\",\"data\":"
	    "{\"id\":\"doc1\",\"status\":\"document.completed\","
	    "\"date_modified\":\"2024-07-31T16:06:09.157758Z\"}}";
	const char *e1 = "{\"event\":\"document_updated\",\"data\":{\"id\":"
	    "\"doc1\"}}";
	const char *e2 = "{\"event\":\"recipient_completed\",\"data\":{\"id\":"
	    "\"doc2\",\"recipients\":[{\"id\":\"r1\"}]}}";
	const char *unrouted = "[{\"event\":\"document_updated\",\"data\":{}},"
	    "{\"event\":\"template_created\",\"data\":{}}]";
	const char *sig[2] = { NULL, NULL };
	struct json_object *o[8], *v;
	char	 body[2048], raw[8][1024], sha[65], esha[65], path[300];
	const char *elem[] = { e0, e2 };
	int	 n, i;
	FILE	*f;

	/* three elements, the middle one unrouted; blanks between them */
	snprintf(body, sizeof body, "[%s, %s,\n %s]", e0, e1, e2);
	sig[0] = pandadoc_sig(body);
	CHECK_INT(request("POST", "pandadoc", body, sig), 200, "pandadoc: batch");
	CHECK_STR(answer_status(), "accepted", "pandadoc: accepted");
	CHECK(strstr(mem.out, "\"ids\":[\"") != NULL &&
	    strstr(mem.out, "\",\"") != NULL, "pandadoc: two ids answered");
	CHECK(strstr(mem.out, "\"id\":") == NULL &&
	    strstr(mem.out, "\"queue\":") == NULL,
	    "pandadoc: no single id or queue in a batch's answer");
	CHECK_INT(count_files("pd", "tmp"), 0, "pandadoc: tmp/ empty");
	n = batch_files("pd", o, raw, 8);
	CHECK_INT(n, 2, "pandadoc: exactly the two routed elements stored");
	hs_sha256_hex(body, strlen(body), sha);
	for (i = 0; i < n && i < 2; i++) {
		hs_sha256_hex(elem[i], strlen(elem[i]), esha);
		CHECK(json_object_object_get_ex(o[i], "batch_index", &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int(v) == (i ? 2 : 0),
		    "pandadoc: element %d batch_index %d", i, i ? 2 : 0);
		CHECK(has_str(o[i], "batch_sha256", sha),
		    "pandadoc: element %d batch_sha256 is the delivery's", i);
		CHECK(has_str(o[i], "body_sha256", esha),
		    "pandadoc: element %d body_sha256 is its own", i);
		CHECK(strstr(raw[i], ",\"body\":") != NULL &&
		    strncmp(strstr(raw[i], ",\"body\":") + 8, elem[i],
		    strlen(elem[i])) == 0 &&
		    strcmp(strstr(raw[i], ",\"body\":") + 8 + strlen(elem[i]),
		    "}\n") == 0, "pandadoc: element %d body byte for byte", i);
		CHECK(has_str(o[i], "event", i ? "recipient_completed" :
		    "document_state_changed"), "pandadoc: element %d event", i);
		CHECK(has_str(o[i], "document_id", i ? "doc2" : "doc1"),
		    "pandadoc: element %d document_id", i);
		CHECK(has_str(o[i], "provider", "pandadoc") &&
		    has_str(o[i], "queue", "pd"), "pandadoc: element %d head", i);
	}
	CHECK(n > 0 && has_str(o[0], "occurred_at",
	    "2024-07-31T16:06:09.157758Z"), "pandadoc: data.date_modified");
	for (i = 0; i < n; i++)
		json_object_put(o[i]);

	CHECK_INT(request("POST", "pandadoc", body, sig), 200,
	    "pandadoc: redelivered batch");
	CHECK_STR(answer_status(), "duplicate", "pandadoc: redelivery duplicate");
	CHECK_INT(count_files("pd", "new"), 2, "pandadoc: nothing new stored");

	sig[0] = pandadoc_sig(unrouted);
	CHECK_INT(request("POST", "pandadoc", unrouted, sig), 200,
	    "pandadoc: all unrouted");
	CHECK_STR(answer_status(), "ignored", "pandadoc: all unrouted ignored");
	CHECK_INT(count_files("pd", "new"), 2, "pandadoc: ignored stores nothing");

	sig[0] = pandadoc_sig("[]");
	CHECK_INT(request("POST", "pandadoc", "[]", sig), 400,
	    "pandadoc: empty array 400");
	snprintf(body, sizeof body, "[%s,7]", e0);
	sig[0] = pandadoc_sig(body);
	CHECK_INT(request("POST", "pandadoc", body, sig), 400,
	    "pandadoc: a non-object element 400");
	snprintf(body, sizeof body, "[%s,{\"event\":\"x\",\"event\":\"y\"}]",
	    e2);
	sig[0] = pandadoc_sig(body);
	CHECK_INT(request("POST", "pandadoc", body, sig), 400,
	    "pandadoc: an element with a duplicate key 400");
	snprintf(body, sizeof body, "%s", e0);
	sig[0] = pandadoc_sig(body);
	CHECK_INT(request("POST", "pandadoc", body, sig), 400,
	    "pandadoc: a bare object (not an array) 400");
	snprintf(body, sizeof body, "[%s] x", e0);
	sig[0] = pandadoc_sig(body);
	CHECK_INT(request("POST", "pandadoc", body, sig), 400,
	    "pandadoc: trailing bytes 400");
	CHECK_INT(count_files("pd", "new"), 2, "pandadoc: the 400s stored nothing");
	snprintf(body, sizeof body, "[%s]", e2);
	sig[0] = "QUERY_STRING=signature=00";
	CHECK_INT(request("POST", "pandadoc", body, sig), 401,
	    "pandadoc: bad signature 401");

	/* two identical elements are two events: never merged */
	snprintf(body, sizeof body, "[%s,%s]", e2, e2);
	sig[0] = pandadoc_sig(body);
	CHECK_INT(request("POST", "pandadoc", body, sig), 200,
	    "pandadoc: twice the same element");
	CHECK_INT(count_files("pd", "new"), 4, "pandadoc: both stored");

	/* the 3rd of 4 cannot be written (its queue is a file): none stays */
	snprintf(path, sizeof path, "%s/pdblocked", spool);
	f = fopen(path, "w");
	fclose(f);
	snprintf(body, sizeof body, "[%s,{\"event\":\"recipient_completed\","
	    "\"data\":{\"id\":\"doc3\"}},{\"event\":\"document_deleted\","
	    "\"data\":{\"id\":\"doc3\"}},%s]", e0, e2);
	sig[0] = pandadoc_sig(body);
	CHECK_INT(request("POST", "pandadoc", body, sig), 503,
	    "pandadoc: 3rd of 4 fails: 503");
	CHECK(strstr(mem.out, "Retry-After: ") != NULL, "pandadoc: Retry-After");
	CHECK_INT(count_files("pd", "new"), 4,
	    "pandadoc: the first two did not stay in new/");
	CHECK_INT(count_files("pd", "tmp"), 0, "pandadoc: nor in tmp/");
	unlink(path);
	CHECK_INT(request("POST", "pandadoc", body, sig), 200,
	    "pandadoc: the retry is stored (no marker was left)");
	CHECK_STR(answer_status(), "accepted", "pandadoc: retry accepted");
	CHECK_INT(count_files("pd", "new"), 7, "pandadoc: three more in pd/");
	CHECK_INT(count_files("pdblocked", "new"), 1,
	    "pandadoc: and one in pdblocked/");
}

int
main(void)
{
	char	 cmd[200];

	tap_suite = "test_handler";
	if (mkdtemp(root) == NULL)
		return 1;
	snprintf(spool, sizeof spool, "%s/spool", root);
	snprintf(confpath, sizeof confpath, "%s/hookspool.json", root);
	setenv("HOOKSPOOL_CONFIG", confpath, 1);
	write_config("");
	hs_handler_init(&handler);
	test_accept();
	test_refusals();
	test_documenso_and_ignisign();
	test_body_timeout();
	test_pandadoc();	/* #13 */
	test_spool_failure();
	hs_handler_free(&handler);
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}

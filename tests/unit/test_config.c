/* test_config.c - config loading: defaults, secrets, and errors that name the key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_config.h"
#include "hs_route.h"
#include "hs_spool.h"
#include "check.h"

static char dir[] = "/tmp/hs-test-config-XXXXXX";

static int
load(const char *text, struct hs_config *cfg, char *err, size_t errlen)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof path, "%s/c.json", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return hs_config_load(path, cfg, err, errlen);
}

/* The load must fail and the message must contain want. */
static void
refused(const char *text, const char *want)
{
	struct hs_config cfg;
	char	 err[512] = "";

	if (load(text, &cfg, err, sizeof err) == 0) {
		hs_config_free(&cfg);
		CHECK(0, "accepted, expected error containing \"%s\"", want);
		return;
	}
	CHECK(strstr(err, want) != NULL, "error \"%s\" lacks \"%s\"", err, want);
	CHECK(strstr(err, "s3cr3t") == NULL, "error leaks a secret: %s", err);
}

#define EP(body) "{\"spool_dir\":\"/tmp/x\",\"endpoints\":{\"e\":" body "}}"

int
main(void)
{
	struct hs_config cfg;
	const struct hs_endpoint *e;
	char	 err[512], path[64], text[1024];
	FILE	*f;

	tap_suite = "test_config";
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/secret", dir);
	f = fopen(path, "w");
	fputs("from-a-file\n", f);
	fclose(f);
	setenv("HS_TEST_SECRET", "from-env", 1);

	snprintf(text, sizeof text, "{\"spool_dir\":\"/tmp/x\",\"endpoints\":{"
	    "\"c\":{\"provider\":\"circularo\",\"secrets\":[\"inline\","
	    "\"file:%s\",\"env:HS_TEST_SECRET\"],\"routes\":{"
	    "\"documentCompleted\":\"completed\",\"sign*\":\"signing\","
	    "\"*\":\"inbox\"}},\"g\":{\"provider\":\"github\",\"secrets\":[\"x\"],"
	    "\"routes\":{\"push\":\"deploy\"},\"_comment\":\"ok\"}}}", path);
	CHECK(load(text, &cfg, err, sizeof err) == 0, "valid config: %s", err);
	CHECK_INT(cfg.max_body_bytes, 1048576, "default max_body_bytes");
	CHECK_INT(cfg.body_timeout_seconds, 10, "default body_timeout_seconds");
	CHECK_INT(cfg.durable, 1, "durable by default");
	CHECK_INT(cfg.counters, 1, "counters on by default");
	CHECK_INT(cfg.sandbox, HS_SANDBOX_AUTO, "sandbox auto by default");
	CHECK_INT(cfg.retry.max_attempts, 5, "default retry.max_attempts");
	e = hs_config_endpoint(&cfg, "c");
	CHECK(e != NULL && e->nkeys == 3, "three secrets");
	CHECK(e && e->keys[1].len == 11 &&
	    memcmp(e->keys[1].bytes, "from-a-file", 11) == 0,
	    "file: secret without its newline");
	CHECK(e && e->keys[2].len == 8 &&
	    memcmp(e->keys[2].bytes, "from-env", 8) == 0, "env: secret");
	CHECK_STR(hs_route_find(e, "documentCompleted"), "completed", "exact route");
	CHECK_STR(hs_route_find(e, "signRequest"), "signing", "pattern route");
	CHECK_STR(hs_route_find(e, "documentEdited"), "inbox", "fallback route");
	CHECK_STR(hs_route_find(e, "../../x"), "inbox",
	    "hostile name is only a routing key");
	e = hs_config_endpoint(&cfg, "g");
	CHECK(hs_route_find(e, "issues") == NULL, "unrouted event");
	CHECK(hs_config_endpoint(&cfg, "nope") == NULL, "unknown endpoint");
	CHECK(hs_config_endpoint(&cfg, NULL) == NULL, "no endpoint");
	hs_config_free(&cfg);

	refused("{", "not valid JSON");
	refused("{\"spool_dir\":\"/tmp/x\",\"endpointz\":{}}", "endpointz: unknown key");
	refused("{\"endpoints\":{}}", "spool_dir: required");
	refused("{\"spool_dir\":\"relative\",\"endpoints\":{}}", "spool_dir: must be an absolute");
	refused("{\"spool_dir\":\"/x\",\"max_body_bytes\":0,\"endpoints\":{}}", "max_body_bytes");
	refused("{\"spool_dir\":\"/x\",\"body_timeout_seconds\":0,\"endpoints\":{}}",
	    "body_timeout_seconds: must be between 1 and 3600");
	refused("{\"spool_dir\":\"/x\",\"body_timeout_seconds\":3601,\"endpoints\":{}}",
	    "body_timeout_seconds: must be between 1 and 3600");
	refused("{\"spool_dir\":\"/x\",\"body_timeout_seconds\":1.5,\"endpoints\":{}}",
	    "body_timeout_seconds: must be an integer");
	refused("{\"spool_dir\":\"/x\",\"durable\":\"yes\",\"endpoints\":{}}", "durable: must be true or false");
	refused("{\"spool_dir\":\"/x\",\"counters\":1,\"endpoints\":{}}", "counters: must be true or false");
	refused("{\"spool_dir\":\"/x\",\"sandbox\":\"maybe\",\"endpoints\":{}}",
	    "sandbox: must be \"auto\", \"required\" or \"off\"");
	refused("{\"spool_dir\":\"/x\",\"sandbox\":false,\"endpoints\":{}}",
	    "sandbox: must be");
	{
		static const char *const modes[] = { "auto", "off", "required" };
		static const int want[] = { HS_SANDBOX_AUTO, HS_SANDBOX_OFF,
		    HS_SANDBOX_REQUIRED };
		size_t	 m;

		for (m = 0; m < 3; m++) {
			snprintf(text, sizeof text, "{\"spool_dir\":\"/x\","
			    "\"sandbox\":\"%s\",\"endpoints\":{\"e\":{"
			    "\"provider\":\"github\",\"secrets\":[\"x\"],"
			    "\"routes\":{\"*\":\"q\"}}}}", modes[m]);
			CHECK(load(text, &cfg, err, sizeof err) == 0,
			    "sandbox %s: %s", modes[m], err);
			CHECK_INT(cfg.sandbox, want[m], "sandbox mode");
			hs_config_free(&cfg);
		}
	}
	/* why a file could not be read reaches the caller as errno (the
	 * receiver tells the sandbox's EACCES from a bad config by it) */
	CHECK(load(EP("{\"provider\":\"circularo\",\"secrets\":[\"file:/nonexistent/s\"],\"routes\":{\"*\":\"q\"}}"),
	    &cfg, err, sizeof err) == -1 && errno == ENOENT,
	    "unreadable secret file: errno ENOENT");
	CHECK(load("{\"spool_dir\":1}", &cfg, err, sizeof err) == -1 &&
	    errno == EINVAL, "a bad config: errno EINVAL");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"../etc\"}}"),
	    "endpoints.e.routes.*: bad queue name");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\".hidden\"}}"),
	    "bad queue name");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"\"],\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.secrets[0]: secret is empty");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"file:/nonexistent/s\"],\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.secrets[0]: cannot read secret file");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"env:HS_NOT_SET_EVER\"],\"routes\":{\"*\":\"q\"}}"),
	    "HS_NOT_SET_EVER is not set");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[],\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.secrets: provider circularo needs");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"]}"),
	    "endpoints.e.routes: required");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},\"tolerence_seconds\":5}"),
	    "endpoints.e.tolerence_seconds: unknown key");
	refused(EP("{\"provider\":\"paypal\",\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.provider: unknown provider");
	refused(EP("{\"provider\":\"standard-webhooks\",\"secrets\":[\"whsec_s3cr3t!!\"],\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.secrets[0]: secret is not base64");
	refused(EP("{\"provider\":\"hmac\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},\"event_field\":\"t\"}"),
	    "endpoints.e.header: required");
	refused(EP("{\"provider\":\"hmac\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},\"header\":\"X_Sig\",\"event_field\":\"t\"}"),
	    "endpoints.e.header: not a header name");
	refused(EP("{\"provider\":\"hmac\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},\"header\":\"X-Sig\",\"event_field\":\"t\",\"algorithm\":\"md5\"}"),
	    "endpoints.e.algorithm: must be sha1");
	refused(EP("{\"provider\":\"ignisign\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"}}"),
	    "provider ignisign signs nothing");
	refused(EP("{\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},\"app_env\":\"TEST\"}"),
	    "endpoints.e.app_env: must be");
	refused("{\"spool_dir\":\"/x\",\"endpoints\":{\"a/b\":{\"provider\":\"github\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"}}}}",
	    "bad endpoint name");
	refused("{\"spool_dir\":\"/x\",\"retry\":{\"max_attempt\":3},\"endpoints\":{}}",
	    "retry.max_attempt: unknown key");

	/* every kind of value refused names its key (issue #20) */
	refused("[1]", "is not a JSON object");
	refused("{\"spool_dir\":7,\"endpoints\":{}}", "spool_dir: must be a non-empty string");
	refused("{\"spool_dir\":\"\",\"endpoints\":{}}", "spool_dir: must be a non-empty string");
	refused("{\"spool_dir\":\"/x\",\"verify_now\":0,\"endpoints\":{}}",
	    "verify_now: must be between 1 and");
	refused("{\"spool_dir\":\"/x\",\"retry\":[],\"endpoints\":{}}", "retry: must be an object");
	refused("{\"spool_dir\":\"/x\",\"retry\":{\"max_attempts\":0},\"endpoints\":{}}",
	    "retry.max_attempts: must be at least 1");
	refused("{\"spool_dir\":\"/x\",\"retry\":{\"backoff_seconds\":-1},\"endpoints\":{}}",
	    "retry.backoff_seconds: must be between 0 and 31536000");
	refused("{\"spool_dir\":\"/x\",\"retry\":{\"keep_done_seconds\":\"1d\"},\"endpoints\":{}}",
	    "retry.keep_done_seconds: must be an integer");
	refused("{\"spool_dir\":\"/x\",\"endpoints\":[]}", "endpoints: required (an object");
	/* a comment is no endpoint: a config of comments alone would 404
	 * every request, so it is refused like an empty one */
	refused("{\"spool_dir\":\"/x\",\"endpoints\":{\"_c\":1}}", "endpoints: required (an object");
	refused(EP("[]"), "endpoints.e: must be an object");
	refused(EP("{\"routes\":{\"*\":\"q\"}}"), "endpoints.e.provider: required (a string)");
	refused(EP("{\"provider\":7,\"routes\":{\"*\":\"q\"}}"), "endpoints.e.provider: required (a string)");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":[]}"),
	    "endpoints.e.routes: must be an object");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{}}"),
	    "endpoints.e.routes: needs at least one route");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":1}}"),
	    "endpoints.e.routes.*: queue must be a string");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"\":\"q\"}}"),
	    "endpoints.e.routes: empty or overlong event pattern");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":\"s3cr3t\",\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.secrets: must be an array of strings");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"a\",\"b\",\"c\",\"d\",\"e\","
	    "\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"],"
	    "\"routes\":{\"*\":\"q\"}}"), "endpoints.e.secrets: at most 16");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[1],\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.secrets[0]: must be a string");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},"
	    "\"tolerance_seconds\":604801}"),
	    "endpoints.e.tolerance_seconds: must be between 0 and 604800");
	refused(EP("{\"provider\":\"circularo\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},"
	    "\"dedup\":\"no\"}"), "endpoints.e.dedup: must be true or false");
	refused(EP("{\"provider\":\"hmac\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},"
	    "\"header\":\"X-Sig\",\"event_field\":\"t\",\"prefix\":5}"),
	    "endpoints.e.prefix: must be a string");
	refused(EP("{\"provider\":\"hmac\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},"
	    "\"header\":5,\"event_field\":\"t\"}"),
	    "endpoints.e.header: must be a non-empty string");
	refused(EP("{\"provider\":\"hmac\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},"
	    "\"header\":\"X-Sig\",\"event_field\":\"t\",\"encoding\":\"b64\"}"),
	    "endpoints.e.encoding: must be hex or base64");
	refused(EP("{\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},\"api_base_url\":\"ftp://x\"}"),
	    "endpoints.e.api_base_url: must be an http(s) URL");
	refused(EP("{\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},\"api_base_url\":\"\"}"),
	    "endpoints.e.api_base_url: must be a non-empty string");
	refused(EP("{\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},\"max_pending_bytes\":10}"),
	    "endpoints.e.max_pending_bytes: must be between 1024 and");
	refused(EP("{\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},\"max_pending_bytes\":\"1M\"}"),
	    "endpoints.e.max_pending_bytes: must be an integer");
	/* Adobe Sign's client ids: the receiver compares and echoes them */
	refused(EP("{\"provider\":\"adobe-sign\",\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.client_ids: required");
	refused(EP("{\"provider\":\"adobe-sign\",\"routes\":{\"*\":\"q\"},\"client_ids\":[]}"),
	    "endpoints.e.client_ids: must be an array of 1 to 16 strings");
	refused(EP("{\"provider\":\"adobe-sign\",\"routes\":{\"*\":\"q\"},\"client_ids\":\"UB7E5BXCXY\"}"),
	    "endpoints.e.client_ids: must be an array of 1 to 16 strings");
	refused(EP("{\"provider\":\"adobe-sign\",\"routes\":{\"*\":\"q\"},\"client_ids\":[7]}"),
	    "endpoints.e.client_ids[0]: must be a string");
	refused(EP("{\"provider\":\"adobe-sign\",\"routes\":{\"*\":\"q\"},\"client_ids\":[\"UB7E5 BXCXY\"]}"),
	    "endpoints.e.client_ids[0]: must be 1 to");
	refused(EP("{\"provider\":\"adobe-sign\",\"routes\":{\"*\":\"q\"},\"client_ids\":[\"ok\",\"x\\r\\nX-Injected: 1\"]}"),
	    "endpoints.e.client_ids[1]: must be 1 to");
	refused(EP("{\"provider\":\"adobe-sign\",\"routes\":{\"*\":\"q\"},\"client_ids\":[\"env:HS_TEST_NO_SUCH_VARIABLE\"]}"),
	    "endpoints.e.client_ids[0]");
	refused(EP("{\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},\"api_timeout_seconds\":0}"),
	    "endpoints.e.api_timeout_seconds: must be between 1 and 300");

	/* accepted: comments anywhere, the optional keys, a CRLF secret file */
	snprintf(path, sizeof path, "%s/crlf", dir);
	f = fopen(path, "w");
	fputs("crlf-secret\r\n", f);
	fclose(f);
	snprintf(text, sizeof text, "{\"_c\":1,\"spool_dir\":\"/tmp/x\",\"verify_now\":"
	    "1700000000,\"retry\":{\"_c\":1,\"max_attempts\":2,\"lease_seconds\":0},"
	    "\"endpoints\":{\"_c\":{},\"h\":{\"provider\":\"hmac\",\"secrets\":"
	    "[\"file:%s\"],\"routes\":{\"*\":\"q\"},\"header\":\"X-Sig\","
	    "\"event_header\":\"X-Event\",\"prefix\":\"\",\"dedup\":false,"
	    "\"tolerance_seconds\":0,\"encoding\":\"base64\",\"algorithm\":\"sha512\"},"
	    "\"i\":{\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},"
	    "\"api_base_url\":\"https://api.example\",\"max_pending\":3,"
	    "\"max_pending_bytes\":4096,\"api_timeout_seconds\":5}}}", path);
	CHECK(load(text, &cfg, err, sizeof err) == 0, "optional keys: %s", err);
	if (cfg.nendpoints == 2) {
		e = hs_config_endpoint(&cfg, "h");
		CHECK(e != NULL && e->nkeys == 1 && e->keys[0].len == 11 &&
		    memcmp(e->keys[0].bytes, "crlf-secret", 11) == 0,
		    "a secret file's CRLF is not part of the secret");
		CHECK(e != NULL && e->dedup == 0 && e->tolerance == 0 &&
		    e->encoding == HS_ENC_BASE64 && strcmp(e->digest, "SHA512") == 0 &&
		    strcmp(e->event_header, "HTTP_X_EVENT") == 0,
		    "dedup false, tolerance 0, base64, sha512, event header");
		e = hs_config_endpoint(&cfg, "i");
		CHECK(e != NULL && e->max_pending == 3 && e->max_pending_bytes == 4096 &&
		    strcmp(e->api_base_url, "https://api.example") == 0,
		    "ignisign's URL and pending bounds");
		CHECK(cfg.verify_now == 1700000000 && cfg.retry.max_attempts == 2 &&
		    cfg.retry.lease_seconds == 0, "verify_now and retry");
	} else
		CHECK(0, "two endpoints (the _c one a comment): %zu", cfg.nendpoints);
	hs_config_free(&cfg);

	/* a secret file with a NUL byte in it is refused, not cut short */
	snprintf(path, sizeof path, "%s/nul", dir);
	f = fopen(path, "w");
	fwrite("ab\0cd", 1, 5, f);
	fclose(f);
	snprintf(text, sizeof text, EP("{\"provider\":\"circularo\",\"secrets\":"
	    "[\"file:%s\"],\"routes\":{\"*\":\"q\"}}"), path);
	refused(text, "contains a NUL byte");

	CHECK(hs_header_to_cgi("") == NULL, "empty header name refused");
	{
		char	 h101[102];

		memset(h101, 'X', 101);
		h101[101] = '\0';
		CHECK(hs_header_to_cgi(h101) == NULL, "101-character header refused");
		h101[100] = '\0';
		{
			char	*h = hs_header_to_cgi(h101);

			CHECK(h != NULL && strlen(h) == 105, "100 characters: fine");
			free(h);
		}
	}

	/* issue #13: BoldSign, DocuSeal (a boolean provider option) */
	refused(EP("{\"provider\":\"boldsign\",\"routes\":{\"*\":\"q\"}}"),
	    "endpoints.e.secrets: provider boldsign needs at least one secret");
	refused(EP("{\"provider\":\"docuseal\",\"routes\":{\"*\":\"q\"},\"accept_unsigned_test\":true}"),
	    "endpoints.e.secrets: provider docuseal needs at least one secret");
	refused(EP("{\"provider\":\"docuseal\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},\"accept_unsigned_test\":\"yes\"}"),
	    "endpoints.e.accept_unsigned_test: must be true or false");
	refused(EP("{\"provider\":\"boldsign\",\"secrets\":[\"s3cr3t\"],\"routes\":{\"*\":\"q\"},\"accept_unsigned_test\":true}"),
	    "endpoints.e.accept_unsigned_test: unknown key for provider boldsign");
	CHECK(load(EP("{\"provider\":\"docuseal\",\"secrets\":[\"whsec_x\"],\"routes\":{\"*\":\"q\"},\"accept_unsigned_test\":true}"),
	    &cfg, err, sizeof err) == 0, "docuseal config: %s", err);
	if ((e = hs_config_endpoint(&cfg, "e")) != NULL) {
		CHECK_INT(e->accept_unsigned_test, 1, "accept_unsigned_test read");
		CHECK_INT((long)e->keys[0].len, 7, "docuseal key: whsec_x as is");
		CHECK_INT(e->tolerance, 300, "docuseal tolerance 300 s");
	}
	hs_config_free(&cfg);
	CHECK(load(EP("{\"provider\":\"docuseal\",\"secrets\":[\"whsec_x\"],\"routes\":{\"*\":\"q\"}}"),
	    &cfg, err, sizeof err) == 0, "docuseal config: %s", err);
	if ((e = hs_config_endpoint(&cfg, "e")) != NULL)
		CHECK_INT(e->accept_unsigned_test, 0, "accept_unsigned_test off");
	hs_config_free(&cfg);

	CHECK(hs_name_valid("completed") && hs_name_valid("a.b_c-1"), "names");
	CHECK(!hs_name_valid(".x") && !hs_name_valid("a/b") && !hs_name_valid("") &&
	    !hs_name_valid("a b") && !hs_name_valid(".."), "bad names");
	{
		char *h = hs_header_to_cgi("X-Hub-Signature-256");
		CHECK_STR(h, "HTTP_X_HUB_SIGNATURE_256", "header to CGI name");
		free(h);
		CHECK(hs_header_to_cgi("X_Sig") == NULL, "underscore header refused");
	}
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	return tap_done();
}

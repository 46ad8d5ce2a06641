/*
 * cli_sign.c - `hookspool sign ENDPOINT --event NAME [--body FILE]
 * [--send URL | --url URL] [--delivery-id ID] [--at UNIX]`: builds a sample
 * body for the endpoint's provider, signs it exactly as that sender would
 * and prints a ready curl command, or sends it (libcurl) and prints the
 * answer. The equivalent of Documenso's "Test" button.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "hs_buf.h"
#include "hs_cli.h"
#include "hs_cli_util.h"
#include "hs_clock.h"
#include "hs_provider.h"

struct sign_opts {
	const char *endpoint, *event, *body_file, *send_url, *url, *delivery_id;
	long long at;
};

static int
parse(int argc, char **argv, struct sign_opts *o)
{
	int	 i;
	char	*end;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-') {
			if (o->endpoint)
				return -1;
			o->endpoint = a;
			continue;
		}
		if (v == NULL)
			return -1;
		if (strcmp(a, "--event") == 0)
			o->event = v;
		else if (strcmp(a, "--body") == 0)
			o->body_file = v;
		else if (strcmp(a, "--send") == 0)
			o->send_url = v;
		else if (strcmp(a, "--url") == 0)
			o->url = v;
		else if (strcmp(a, "--delivery-id") == 0)
			o->delivery_id = v;
		else if (strcmp(a, "--at") == 0) {
			errno = 0;
			o->at = strtoll(v, &end, 10);
			if (errno || *end || o->at <= 0)
				return -1;
		} else
			return -1;
		i++;
	}
	if (o->endpoint == NULL || (o->event == NULL && o->body_file == NULL))
		return -1;
	return 0;
}

static int
read_body(const char *path, struct hs_buf *body)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char	 chunk[8192];
	size_t	 n;

	if (f == NULL) {
		fprintf(stderr, "hookspool: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		hs_buf_add(body, chunk, n);
	if (f != stdin)
		fclose(f);
	return body->oom ? -1 : 0;
}

/* 'text' for a POSIX shell: single quotes, each ' as '\'' */
static void
shell_quote(FILE *out, const char *s, size_t n)
{
	size_t	 i;

	fputc('\'', out);
	for (i = 0; i < n; i++) {
		if (s[i] == '\'')
			fputs("'\\''", out);
		else
			fputc(s[i], out);
	}
	fputc('\'', out);
}

/* An answer is for a human to read: the first 64 KiB are kept, the rest
 * is read and dropped (a 2 GB answer must not cost 2 GB of memory). */
#define ANSWER_KEEP	(64 * 1024)

struct answer {
	struct hs_buf	 kept;
	unsigned long long total;
};

static size_t
collect(char *p, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t	 len = size * n, room;

	room = a->kept.len < ANSWER_KEEP ? ANSWER_KEEP - a->kept.len : 0;
	hs_buf_add(&a->kept, p, len < room ? len : room);
	a->total += len;
	return len;
}

static int
send_request(const char *url, const struct hs_buf *headers,
    const struct hs_buf *body, const char *form_field)
{
	CURL	*c;
	curl_mime *mime = NULL;
	curl_mimepart *part;
	struct curl_slist *list = NULL;
	struct answer answer;
	char	*copy, *line, *save;
	long	 code = 0;
	CURLcode rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c = curl_easy_init()) == NULL)
		return 1;
	hs_buf_init(&answer.kept);
	answer.total = 0;
	if (form_field == NULL)
		list = curl_slist_append(list, "Content-Type: application/json");
	copy = strdup(headers->data ? headers->data : "");
	for (line = strtok_r(copy, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		if (line[0] != '?')	/* a query parameter: in the URL */
			list = curl_slist_append(list, line);
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (form_field) {
		/* the JSON as one form field, as `curl -F` sends it */
		mime = curl_mime_init(c);
		part = curl_mime_addpart(mime);
		curl_mime_name(part, form_field);
		curl_mime_data(part, body->data ? body->data : "", body->len);
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	} else {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)body->len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "hookspool-sign");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK)
		fprintf(stderr, "hookspool: %s: %s\n", url,
		    curl_easy_strerror(rc));
	else {
		/* a server's words, escaped like a handler's for show */
		printf("HTTP %ld ", code);
		hs_cli_put_text(stdout, answer.kept.data ? answer.kept.data : "",
		    answer.kept.len, 1);
		if (answer.total > answer.kept.len)
			fprintf(stderr, "\nhookspool: answer cut: %llu bytes, the "
			    "first %zu shown\n", answer.total, answer.kept.len);
	}
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	curl_mime_free(mime);
	curl_global_cleanup();
	free(copy);
	hs_buf_free(&answer.kept);
	return rc == CURLE_OK && code >= 200 && code < 300 ? 0 : 1;
}

static void
print_curl(const struct sign_opts *o, const char *url,
    const struct hs_buf *headers, const struct hs_buf *body,
    const char *form_field)
{
	char	*copy = strdup(headers->data ? headers->data : ""), *line, *save;
	struct hs_buf arg;

	printf("curl -sS -X POST ");
	shell_quote(stdout, url, strlen(url));
	if (form_field == NULL)
		printf(" \\\n  -H 'Content-Type: application/json'");
	for (line = strtok_r(copy, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '?')	/* a query parameter: in the URL */
			continue;
		printf(" \\\n  -H ");
		shell_quote(stdout, line, strlen(line));
	}
	if (form_field) {
		/* multipart/form-data, the JSON as the field's value, taken
		 * literally (--form-string) or from the file (-F name=<file) */
		hs_buf_init(&arg);
		hs_buf_printf(&arg, "%s=", form_field);
		if (o->body_file && strcmp(o->body_file, "-") != 0) {
			hs_buf_printf(&arg, "<%s", o->body_file);
			printf(" \\\n  -F ");
		} else {
			hs_buf_add(&arg, body->data, body->len);
			printf(" \\\n  --form-string ");
		}
		shell_quote(stdout, arg.data ? arg.data : "", arg.len);
		putchar('\n');
		hs_buf_free(&arg);
		free(copy);
		return;
	}
	printf(" \\\n  --data-binary ");
	if (o->body_file && strcmp(o->body_file, "-") != 0) {
		putchar('@');
		shell_quote(stdout, o->body_file, strlen(o->body_file));
	} else
		shell_quote(stdout, body->data, body->len);
	putchar('\n');
	free(copy);
}

/*
 * The "?name=value" lines of sign() (a sender that signs in the query
 * string, PandaDoc) appended to url: after '?', or '&' when it has one.
 * -1 when the URL would not fit.
 */
static int
add_query(char *url, size_t urllen, const struct hs_buf *headers)
{
	const char *p = headers->data, *nl;
	size_t	 len, at;

	for (; p && *p; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (*p != '?')
			continue;
		len = (size_t)(nl - p);
		at = strlen(url);
		if (at + len + 1 > urllen)
			return -1;
		memcpy(url + at, p, len);
		if (strchr(url, '?') != url + at)
			url[at] = '&';
		url[at + len] = '\0';
	}
	return 0;
}

int
hs_cmd_sign(const char *config, int argc, char **argv)
{
	struct sign_opts o;
	struct hs_config cfg;
	const struct hs_endpoint *ep;
	const struct hs_provider *p;
	struct hs_buf headers, body;
	char	 url[2048], hname[128];
	long long now;
	int	 rc = 1;

	if (parse(argc, argv, &o) == -1)
		return hs_cli_usage("sign");
	/* the one command that may read private signing keys (whsk_) */
	hs_config_signing_keys = 1;
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	hs_buf_init(&headers);
	hs_buf_init(&body);
	if ((ep = hs_config_endpoint(&cfg, o.endpoint)) == NULL) {
		fprintf(stderr, "hookspool: no endpoint \"%s\" in %s\n",
		    o.endpoint, cfg.path);
		goto done;
	}
	p = ep->provider;
	if (o.body_file ? read_body(o.body_file, &body) :
	    p->sample(ep, o.event, &body)) {
		fprintf(stderr, "hookspool: cannot build the body\n");
		goto done;
	}
	now = o.at ? o.at : hs_clock_verify_now(cfg.verify_now);
	/* a sender without keys may still send a header (Adobe's client id) */
	if ((ep->nkeys || !(p->flags & HS_PROV_NEEDS_SECRET)) &&
	    p->sign(ep, ep->nkeys ? &ep->keys[0] : NULL, body.data, body.len,
	    now, o.delivery_id, &headers) == -1) {
		fprintf(stderr, "hookspool: signing failed\n");
		goto done;
	}
	/* Senders that name the event in a header, not the body. */
	if (o.event && p->event_header &&
	    p->event_header(ep, hname, sizeof hname) == 0)
		hs_buf_printf(&headers, "%s: %s\n", hname, o.event);
	if (o.send_url) {
		if (strlen(o.send_url) >= sizeof url ||
		    (snprintf(url, sizeof url, "%s", o.send_url),
		    add_query(url, sizeof url, &headers) == -1)) {
			fprintf(stderr, "hookspool: URL too long\n");
			goto done;
		}
		rc = send_request(url, &headers, &body, p->form_field);
	} else {
		snprintf(url, sizeof url, "%s", o.url ? o.url :
		    "http://127.0.0.1:8080/webhooks/");
		if (o.url == NULL)
			snprintf(url, sizeof url,
			    "http://127.0.0.1:8080/webhooks/%s", ep->name);
		if (add_query(url, sizeof url, &headers) == -1) {
			fprintf(stderr, "hookspool: URL too long\n");
			goto done;
		}
		print_curl(&o, url, &headers, &body, p->form_field);
		rc = 0;
	}
	if (p->flags & HS_PROV_PENDING)
		fprintf(stderr, "note: %s events carry a made-up "
		    "verificationToken; `hookspool verify` will reject this "
		    "one.\n", p->name);
done:
	hs_buf_free(&headers);
	hs_buf_free(&body);
	hs_config_free(&cfg);
	return rc;
}

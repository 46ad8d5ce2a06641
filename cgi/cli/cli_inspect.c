/*
 * cli_inspect.c - `hookspool ls` and `show`: read-only views of
 * the spool. They never take locks and never move anything, so they are
 * safe to run next to the receiver and any number of runners.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_cli.h"
#include "hs_cli_spool.h"
#include "hs_cli_util.h"
#include "hs_spool.h"

/* One listed event. */
struct row {
	const char	*queue;
	const char	*state;
	const char	*id;
	int		 deferred;
	long long	 next;
	long long	 age;
	long long	 attempts;
	struct hs_envelope_file ev;
	int		 readable;
};

static json_object *
json_str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static void
row_json(json_object *arr, const struct row *w)
{
	json_object *o = json_object_new_object(), *v;

	json_object_object_add(o, "id", json_object_new_string(w->id));
	json_object_object_add(o, "queue", json_object_new_string(w->queue));
	json_object_object_add(o, "state", json_object_new_string(w->state));
	json_object_object_add(o, "deferred",
	    json_object_new_boolean(w->deferred));
	json_object_object_add(o, "event", !w->readable ? NULL :
	    json_str_or_null(hs_envelope_str(&w->ev, "event")));
	json_object_object_add(o, "endpoint", !w->readable ? NULL :
	    json_str_or_null(hs_envelope_str(&w->ev, "endpoint")));
	json_object_object_add(o, "received_at", !w->readable ? NULL :
	    json_str_or_null(hs_envelope_str(&w->ev, "received_at")));
	v = NULL;
	if (w->readable)
		json_object_object_get_ex(w->ev.head, "verified", &v);
	json_object_object_add(o, "verified", v ? json_object_get(v) : NULL);
	json_object_object_add(o, "age_seconds", json_object_new_int64(w->age));
	json_object_object_add(o, "attempts",
	    json_object_new_int64(w->attempts));
	json_object_object_add(o, "next_attempt_at", w->deferred ?
	    json_object_new_int64(w->next) : NULL);
	json_object_array_add(arr, o);
}

static void
row_text(const struct row *w)
{
	char	 age[32], next[64] = "";

	hs_cli_fmt_age(w->age, age, sizeof age);
	if (w->deferred)
		hs_cli_fmt_time(w->next, next, sizeof next);
	const char *event = w->readable ? hs_envelope_str(&w->ev, "event") :
	    "(unreadable)";
	int	 pad;

	/* the id is a file name and the event a sender's string: both are
	 * escaped, whoever wrote them */
	printf("%-8s %-12s ", w->deferred ? "deferred" : w->state, w->queue);
	hs_cli_put_text(stdout, w->id, strlen(w->id), 0);
	for (pad = 44 - (int)strlen(w->id); pad-- > 0;)
		putchar(' ');
	putchar(' ');
	hs_cli_put_text(stdout, event, strlen(event), 0);
	for (pad = 32 - (int)strlen(event); pad-- > 0;)
		putchar(' ');
	printf(" %5s %2lld %s\n", age, w->attempts, next);
}

static int
ls_state(const struct hs_config *cfg, int qfd, int mfd, const char *queue,
    const char *state, const char *want, json_object *arr)
{
	struct hs_cli_names l;
	struct stat st;
	long long now = (long long)time(NULL);
	size_t	 i;
	int	 sfd, rc = 0;

	if ((sfd = hs_cli_subdir(cfg, qfd, queue, state, 0)) == -1) {
		if (errno == ENOENT)
			return 0;
		hs_cli_warn("ls");
		return -1;
	}
	if (hs_cli_list_at(sfd, &l) == -1) {
		fprintf(stderr, "hookspool: ls: %s/%s/%s: %s\n", cfg->spool_dir,
		    queue, state, strerror(errno));
		close(sfd);
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		struct row w;
		json_object *m;

		memset(&w, 0, sizeof w);
		if (fstatat(sfd, l.v[i], &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;	/* moved on meanwhile */
		if (!S_ISREG(st.st_mode)) {
			hs_cli_not_an_event(cfg, "ls", queue, state, l.v[i],
			    S_ISLNK(st.st_mode) ? ELOOP : EMEDIUMTYPE);
			rc = -1;
			continue;
		}
		w.queue = queue;
		w.state = state;
		w.id = l.v[i];
		m = mfd == -1 ? NULL : hs_cli_meta_loadat(mfd, w.id);
		w.attempts = hs_cli_meta_int(m, "attempts", 0);
		if (strcmp(state, HS_STATE_NEW) == 0) {
			w.next = hs_cli_next_attempt(&st, m);
			w.deferred = w.next > now;
		}
		json_object_put(m);
		if (strcmp(want, "deferred") == 0 && !w.deferred)
			continue;
		w.age = now - hs_cli_id_time(w.id, &st);
		w.readable = hs_cli_event_loadat(sfd, w.id, &w.ev) == 0;
		if (arr)
			row_json(arr, &w);
		else
			row_text(&w);
		hs_envelope_free(&w.ev);
	}
	hs_cli_names_free(&l);
	close(sfd);
	return rc;
}

int
hs_cmd_ls(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_cli_names queues = { NULL, 0 };
	json_object *arr = NULL;
	const char *queue = NULL, *want = NULL;
	size_t	 q, s;
	int	 i, json = 0, rc = 0, qfd, mfd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			want = argv[++i];
		else if (argv[i][0] != '-' && queue == NULL)
			queue = argv[i];
		else
			goto usage;
	}
	if (want && !hs_cli_state_valid(want) && strcmp(want, "deferred"))
		goto usage;
	if (queue && !hs_name_valid(queue)) {
		fprintf(stderr, "hookspool: ls: bad queue name\n");
		return 2;
	}
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	if (queue == NULL && hs_cli_queues(&cfg, &queues) == -1) {
		hs_cli_warn("ls");
		hs_config_free(&cfg);
		return 1;
	}
	if (json)
		arr = json_object_new_array();
	for (q = 0; q < (queue ? 1 : queues.n); q++) {
		const char *qn = queue ? queue : queues.v[q];

		if ((qfd = hs_cli_open_queue(&cfg, "ls", qn, &mfd)) < 0) {
			if (qfd == -1)
				rc = 1;
			continue;
		}
		for (s = 0; hs_cli_states[s]; s++) {
			const char *st = hs_cli_states[s];

			if (want && strcmp(want, st) != 0 &&
			    !(strcmp(want, "deferred") == 0 &&
			    strcmp(st, HS_STATE_NEW) == 0))
				continue;
			if (ls_state(&cfg, qfd, mfd, qn, st, want ? want : "",
			    arr) == -1)
				rc = 1;
		}
		if (mfd != -1)
			close(mfd);
		close(qfd);
	}
	if (arr) {
		hs_cli_print_json(arr);
		json_object_put(arr);
	}
	hs_cli_names_free(&queues);
	hs_config_free(&cfg);
	return rc;
usage:
	return hs_cli_usage("ls");
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* "label: value" with the value escaped for a terminal. */
static void
put_field(const char *label, const char *value, int multiline)
{
	if (multiline)
		printf("%s\n", label);
	else
		printf("%-14s ", label);
	hs_cli_put_text(stdout, value, strlen(value), multiline);
	putchar('\n');
}

static void
show_meta(json_object *meta)
{
	char	 when[64], label[80];

	json_object_object_foreach(meta, key, val) {
		if (strcmp(key, "id") == 0 || strcmp(key, "queue") == 0)
			continue;
		snprintf(label, sizeof label, "%s:", key);
		if (ends_with(key, "_at") &&
		    json_object_is_type(val, json_type_int)) {
			hs_cli_fmt_time(json_object_get_int64(val), when,
			    sizeof when);
			printf("%-14s %s\n", label, when);
		} else if (json_object_is_type(val, json_type_string))
			/* a handler's stderr may carry terminal escapes */
			put_field(label, json_object_get_string(val),
			    strchr(json_object_get_string(val), '\n') != NULL);
		else
			put_field(label, json_object_to_json_string_ext(val,
			    JSON_C_TO_STRING_PLAIN), 0);
	}
}

static void
show_text(const char *id, const char *queue, const char *state,
    const char *path, const struct hs_envelope_file *ev, int readable,
    json_object *meta)
{
	static const char *fields[] = { "event", "endpoint", "provider",
	    "received_at", "verified", "delivery_id", "document_id",
	    "occurred_at", NULL };
	char	 label[80];
	json_object *v;
	size_t	 i;

	put_field("id:", id, 0);
	put_field("queue:", queue, 0);
	put_field("state:", state, 0);
	put_field("path:", path, 0);
	for (i = 0; readable && fields[i]; i++) {
		snprintf(label, sizeof label, "%s:", fields[i]);
		v = NULL;
		json_object_object_get_ex(ev->head, fields[i], &v);
		/* get_string of an object is its JSON text, escapes intact */
		put_field(label, v == NULL ? "" : json_object_get_string(v), 0);
	}
	if (meta)
		show_meta(meta);
	/* held waits for a person: say how to decide */
	if (strcmp(state, HS_STATE_HELD) == 0)
		printf("%-14s hookspool verify --release %s | --reject %s "
		    "[--reason TEXT]\n", "decide:", id, id);
	if (readable) {
		printf("body:\n");
		hs_cli_put_text(stdout, ev->data + ev->body_off, ev->body_len, 1);
		putchar('\n');
	}
}

int
hs_cmd_show(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_envelope_file ev;
	json_object *meta;
	const char *id = NULL, *state;
	char	 queue[HS_NAME_MAX + 1], path[PATH_MAX];
	int	 i, json = 0, readable, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (id == NULL && argv[i][0] != '-')
			id = argv[i];
		else
			goto usage;
	}
	if (id == NULL)
		goto usage;
	if (!hs_cli_id_valid(id)) {
		fprintf(stderr, "hookspool: show: not an event id\n");
		return 2;
	}
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	if (hs_cli_find_event(&cfg, id, queue, sizeof queue, &state) == -1) {
		if (errno == ENOENT)
			fprintf(stderr, "hookspool: show: no event %s\n", id);
		else
			hs_cli_warn("show");
		hs_config_free(&cfg);
		return 1;
	}
	hs_cli_path(path, sizeof path, &cfg, queue, state, id);
	if ((readable = hs_cli_event_load(path, &ev) == 0) == 0 &&
	    (errno == ELOOP || errno == EMEDIUMTYPE)) {
		/* a planted symlink is never followed, and said so */
		fprintf(stderr, "hookspool: show: %s: %s\n", path,
		    hs_cli_file_error(errno));
		hs_config_free(&cfg);
		return 1;
	}
	/* a refused meta/ or meta file (a symlink) is said, and fails
	 * show; the event itself is still shown */
	if ((meta = hs_cli_meta_load(&cfg, queue, id)) == NULL &&
	    (errno == ELOOP || errno == ENOTDIR || errno == EMEDIUMTYPE)) {
		hs_cli_warn("show");
		rc = 1;
	}
	if (json) {
		json_object *o = json_object_new_object();
		const char *text;

		json_object_object_add(o, "id", json_object_new_string(id));
		json_object_object_add(o, "queue", json_object_new_string(queue));
		json_object_object_add(o, "state", json_object_new_string(state));
		json_object_object_add(o, "path", json_object_new_string(path));
		json_object_object_add(o, "meta", meta ? json_object_get(meta) :
		    NULL);
		/* the event goes out byte for byte, like the spool holds it */
		text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
		printf("%.*s,\"event\":", (int)strlen(text) - 1, text);
		if (readable)
			printf("%.*s}\n", (int)(ev.len - 1), ev.data);
		else
			printf("null}\n");
		json_object_put(o);
	} else
		show_text(id, queue, state, path, &ev, readable, meta);
	if (readable)
		hs_envelope_free(&ev);
	json_object_put(meta);
	hs_config_free(&cfg);
	return rc;
usage:
	return hs_cli_usage("show");
}

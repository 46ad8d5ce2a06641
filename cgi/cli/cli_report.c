/*
 * cli_report.c - `hookspool report --html FILE`: the status page cron
 * regenerates. One self-contained HTML file (inline CSS and SVG, no
 * script, nothing fetched): each endpoint's last 24 hours by outcome and
 * the hints they earn, an hour-by-hour chart, each queue by state, and
 * the events that wait for a person (failed, pending, held).
 *
 * The page may be read by more people than the spool is: it carries ids,
 * event names, times, counts, exit statuses and stderr tails, never a
 * secret, a signature, a body or a header value. Every string that came
 * from the spool, a sender or a handler is escaped for HTML. Like ls and
 * stats it takes no lock, moves nothing and never follows a symlink in
 * the spool; what it refuses is said on the page, on stderr and in the
 * exit status (1), and the rest of the page is still written.
 *
 * FILE is replaced atomically: a temp file beside it, fsync'd, renamed
 * over it. A failure leaves the old page as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_cli.h"
#include "hs_cli_counters.h"
#include "hs_cli_spool.h"
#include "hs_cli_util.h"
#include "hs_json.h"
#include "hs_spool.h"
#include "hs_version.h"

#define LIST_MAX	200	/* events listed per section, newest first */
#define TAIL_SHOWN	4096	/* bytes of a stderr tail shown (its end) */
#define NAME_SHOWN	200	/* bytes of an event name shown */
#define HINTS_MAX	8

/* An event the page lists: found while counting, shown afterwards. */
struct listed {
	const char	*queue;		/* in the queue list, alive to the end */
	const char	*state;		/* one of hs_cli_states */
	char		*id;
	long long	 received;
};

/* The newest LIST_MAX of one section, and how many there were in all. */
struct list {
	struct listed	*v;
	size_t		 n, cap;
	long long	 total;
};

struct report {
	const struct hs_config *cfg;
	long long	 now;
	int		 refused;	/* a directory or file refused: exit 1 */
	int		 oom;
	struct hs_buf	 problems;	/* <li> items */
	struct list	 failed;	/* failed/ */
	struct list	 waiting;	/* pending/ and held/ */
};

/* The page's parts, written out in this order by one writev. */
enum { P_HEAD, P_PROBLEMS, P_ENDPOINTS, P_CHART, P_QUEUES, P_FAILED,
	P_WAITING, P_FOOT, P_N };

static const char css[] =
	":root{color-scheme:light}\n"
	"body{font:14px/1.45 \"DejaVu Sans\",system-ui,sans-serif;margin:0 auto;"
	"max-width:1180px;padding:12px 16px 32px;color:#1b1f24;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 2px}\n"
	"h2{font-size:17px;margin:26px 0 8px;padding-bottom:3px;"
	"border-bottom:1px solid #d0d7de}\n"
	"p{margin:4px 0}\n"
	"table{border-collapse:collapse;margin:4px 0 8px}\n"
	"th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:right;"
	"vertical-align:top}\n"
	"th{background:#f6f8fa;font-weight:600}\n"
	"th[scope=row],td.text,th.text{text-align:left}\n"
	"table.counts th[scope=col]{font-size:12px;padding:3px 4px}\n"
	"td.zero{color:#9aa4ae}\n"
	"td.bad{color:#a40e26;background:#ffebe9;font-weight:600}\n"
	"td.ok{color:#116329}\n"
	"td.refused{color:#a40e26;font-style:italic}\n"
	"tr.hints td{text-align:left;background:#fffbea}\n"
	"tr.hints ul{margin:0;padding-left:18px}\n"
	"code,pre{font-family:\"DejaVu Sans Mono\",ui-monospace,monospace;"
	"font-size:12px}\n"
	"table.events{font-size:13px}\n"
	/* a narrow screen scrolls a wide table, never the whole page */
	"section{overflow-x:auto}\n"
	"td[data-field=event]{overflow-wrap:anywhere;min-width:8em}\n"
	"td.id{text-align:left;word-break:break-all;min-width:12em;max-width:24em}\n"
	"time{white-space:nowrap}\n"
	"pre.stderr{margin:0;max-height:18em;overflow:auto;white-space:pre-wrap;"
	"word-break:break-all;background:#1b1f24;color:#e6edf3;"
	"padding:6px 8px;text-align:left}\n"
	"tr.stderr td{padding:0}\n"
	"#problems li{color:#a40e26}\n"
	".muted{color:#57606a}\n"
	".note{font-weight:normal;font-size:12px;color:#57606a}\n"
	"svg{display:block;max-width:100%;height:auto}\n"
	"svg text{font-size:11px;fill:#57606a}\n"
	"svg text.title{font-size:12px;fill:#1b1f24}\n"
	"svg .arrivals{fill:#2da44e}\n"
	"svg .refusals{fill:#cf222e}\n"
	"svg .hit{fill:transparent}\n"
	"svg .hit:hover{fill:rgba(0,0,0,.05)}\n"
	"svg .grid{stroke:#eaeef2}\n"
	"svg .axis{stroke:#57606a}\n"
	".sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 14px}\n"
	".sw.arrivals{background:#2da44e}\n"
	".sw.refusals{background:#cf222e}\n"
	"footer{margin-top:28px;font-size:12px;color:#57606a}\n";

static const char *
entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	}
	return NULL;
}

/*
 * Text from the spool, a sender or a handler, for an element or an
 * attribute value: the five characters that could end either as
 * entities; control bytes (tab, and newline when multiline, aside), DEL
 * and bytes that are not UTF-8 as \xNN and C1 controls as \u0080..\u009f,
 * as hs_cli_put_text shows them on a terminal.
 */
static void
put_text(struct hs_buf *b, const char *s, size_t len, int multiline)
{
	const unsigned char *u = (const unsigned char *)s;
	const char *ent;
	size_t	 i = 0, n;

	while (i < len) {
		n = hs_utf8_len(s + i, len - i);
		if (n == 1 && (ent = entity(u[i])) != NULL)
			hs_buf_adds(b, ent);
		else if (n == 1 && ((u[i] >= 0x20 && u[i] != 0x7f) ||
		    u[i] == '\t' || (u[i] == '\n' && multiline)))
			hs_buf_add(b, s + i, 1);
		else if (n <= 1)
			hs_buf_printf(b, "\\x%02x", u[i]);
		else if (n == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)
			hs_buf_printf(b, "\\u%04x", u[i + 1]);
		else
			hs_buf_add(b, s + i, n);
		i += n ? n : 1;
	}
}

static void
put_str(struct hs_buf *b, const char *s)
{
	put_text(b, s, strlen(s), 0);
}

/* The first max bytes of s or less, never half a UTF-8 sequence. */
static size_t
utf8_head(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Where the last max bytes of s start, never inside a UTF-8 sequence. */
static size_t
utf8_tail(const char *s, size_t len, size_t max)
{
	size_t	 start = len > max ? len - max : 0;

	while (start < len && ((unsigned char)s[start] & 0xc0) == 0x80)
		start++;
	return start;
}

/* <time datetime="T">T</time> (and its age), or a dash for none. */
static void
put_time(struct hs_buf *b, long long t, long long now, int with_age)
{
	char	 when[64], age[32];

	if (t <= 0) {
		hs_buf_adds(b, "<span class=\"muted\">&#8211;</span>");
		return;
	}
	hs_cli_fmt_time(t, when, sizeof when);
	hs_buf_printf(b, "<time datetime=\"%s\">%s</time>", when, when);
	if (with_age) {
		hs_cli_fmt_age(now - t, age, sizeof age);
		hs_buf_printf(b, " <span class=\"muted\">(%s ago)</span>", age);
	}
}

/* A problem for the top of the page; WHERE is relative to spool_dir. */
static void
problem(struct report *r, const char *where, const char *why)
{
	hs_buf_adds(&r->problems, "<li class=\"problem\"><code>");
	put_str(&r->problems, where);
	hs_buf_adds(&r->problems, "</code>: ");
	put_str(&r->problems, why);
	hs_buf_adds(&r->problems, "</li>\n");
}

/* A directory the spool way refused (hs_cli_dir noted it for stderr). */
static void
refused_dir(struct report *r, const char *queue, const char *state, int err)
{
	char	 where[2 * HS_NAME_MAX + 16];

	hs_cli_warn("report");
	snprintf(where, sizeof where, "%s%s%s", queue, state ? "/" : "",
	    state ? state : "");
	problem(r, where, hs_spool_dir_error(err));
	r->refused = 1;
}

/* An entry of a state directory that is not a regular file: never read,
 * never followed, always reported. */
static void
not_an_event(struct report *r, const char *queue, const char *state,
    const char *id, int err)
{
	char	 path[PATH_MAX], where[PATH_MAX];

	hs_cli_path(path, sizeof path, r->cfg, queue, state, id);
	fprintf(stderr, "hookspool: report: %s: %s\n", path,
	    hs_cli_file_error(err));
	snprintf(where, sizeof where, "%s/%s/%s", queue, state, id);
	problem(r, where, hs_cli_file_error(err));
	r->refused = 1;
}

/* ------------------------------------------------------------- lists */

/* Newest first: by received time, then by id. */
static int
listed_cmp(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	if (x->received != y->received)
		return x->received > y->received ? -1 : 1;
	return -hs_cli_id_cmp(x->id, y->id);
}

/* Keeps the newest LIST_MAX. */
static void
list_trim(struct list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, listed_cmp);
	while (l->n > LIST_MAX)
		free(l->v[--l->n].id);
}

/* Adds an event; trimmed on the way, so a failed/ of a million events
 * costs at most 2 * LIST_MAX copies of names, not a million. */
static int
list_add(struct list *l, const char *queue, const char *state,
    const char *id, long long received)
{
	struct listed *nv;
	size_t	 ncap;

	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 64;
		if ((nv = realloc(l->v, ncap * sizeof *nv)) == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	if ((l->v[l->n].id = strdup(id)) == NULL)
		return -1;
	l->v[l->n].queue = queue;
	l->v[l->n].state = state;
	l->v[l->n].received = received;
	l->n++;
	l->total++;
	if (l->n >= 2 * LIST_MAX)
		list_trim(l);
	return 0;
}

static void
list_free(struct list *l)
{
	while (l->n > 0)
		free(l->v[--l->n].id);
	free(l->v);
	l->v = NULL;
}

/* ------------------------------------------------------------ queues */

struct tally {
	long long	 count, oldest, deferred;
	int		 refused;
};

/* Counts one state directory (what is not a regular file is reported,
 * never counted) and keeps the events the page lists. */
static void
count_state(struct report *r, int qfd, int mfd, const char *queue,
    const char *state, struct tally *t)
{
	struct hs_cli_names l;
	struct list *keep = NULL;
	struct stat st;
	long long received;
	size_t	 i;
	int	 sfd;

	memset(t, 0, sizeof *t);
	t->oldest = -1;
	if (qfd < 0)
		return;		/* a routed queue nothing was delivered to */
	if ((sfd = hs_cli_subdir(r->cfg, qfd, queue, state, 0)) == -1) {
		if (errno != ENOENT) {
			refused_dir(r, queue, state, errno);
			t->refused = 1;
		}
		return;
	}
	if (hs_cli_list_at(sfd, &l) == -1) {
		char	 where[2 * HS_NAME_MAX + 16];
		const char *why = strerror(errno);

		fprintf(stderr, "hookspool: report: %s/%s/%s: %s\n",
		    r->cfg->spool_dir, queue, state, why);
		snprintf(where, sizeof where, "%s/%s", queue, state);
		problem(r, where, why);
		r->refused = 1;
		t->refused = 1;
		close(sfd);
		return;
	}
	if (strcmp(state, HS_STATE_FAILED) == 0)
		keep = &r->failed;
	else if (strcmp(state, HS_STATE_PENDING) == 0 ||
	    strcmp(state, HS_STATE_HELD) == 0)
		keep = &r->waiting;
	for (i = 0; i < l.n; i++) {
		if (fstatat(sfd, l.v[i], &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;	/* moved on meanwhile */
		if (!S_ISREG(st.st_mode)) {
			not_an_event(r, queue, state, l.v[i],
			    S_ISLNK(st.st_mode) ? ELOOP : EMEDIUMTYPE);
			continue;
		}
		t->count++;
		received = hs_cli_id_time(l.v[i], &st);
		if (r->now - received > t->oldest)
			t->oldest = r->now - received;
		if (strcmp(state, HS_STATE_NEW) == 0) {
			json_object *m = mfd == -1 ? NULL :
			    hs_cli_meta_loadat(mfd, l.v[i]);

			if (hs_cli_next_attempt(&st, m) > r->now)
				t->deferred++;
			json_object_put(m);
		}
		if (keep && list_add(keep, queue, state, l.v[i], received) == -1)
			r->oom = 1;
	}
	if (keep)
		list_trim(keep);
	hs_cli_names_free(&l);
	close(sfd);
}

/* A queue's directory and its meta/ (*mfd -1: none, or refused). -2: the
 * queue has no directory yet; -1: refused. */
static int
open_queue(struct report *r, const char *queue, int *mfd)
{
	int	 qfd;

	*mfd = -1;
	if ((qfd = hs_cli_dir(r->cfg, queue, NULL, 0)) == -1) {
		if (errno == ENOENT)
			return -2;
		refused_dir(r, queue, NULL, errno);
		return -1;
	}
	/* the counts do not need meta/: only deferred and the listed
	 * events' attempts are missing without it */
	if ((*mfd = hs_cli_subdir(r->cfg, qfd, queue, HS_STATE_META, 0)) == -1 &&
	    errno != ENOENT)
		refused_dir(r, queue, HS_STATE_META, errno);
	return qfd;
}

static void
count_cell(struct hs_buf *b, const char *queue, const char *state,
    const struct tally *t)
{
	/* what waits for a person stands out */
	int	 for_a_person = strcmp(state, HS_STATE_FAILED) == 0 ||
	    strcmp(state, HS_STATE_HELD) == 0;

	hs_buf_adds(b, "<td data-queue=\"");
	put_str(b, queue);
	hs_buf_printf(b, "\" data-state=\"%s\"", state);
	if (t->refused)
		hs_buf_adds(b, " class=\"refused\" data-refused=\"1\">refused</td>");
	else
		hs_buf_printf(b, " class=\"%s\">%lld</td>", t->count == 0 ?
		    "zero" : for_a_person ? "bad" : "n", t->count);
}

static void
queue_row(struct report *r, struct hs_buf *b, const char *queue)
{
	struct tally t, tnew = { 0, -1, 0, 0 };
	char	 age[32];
	size_t	 s;
	int	 qfd, mfd, cols = 0;

	for (s = 0; hs_cli_states[s]; s++)
		cols++;
	hs_buf_adds(b, "<tr data-queue=\"");
	put_str(b, queue);
	hs_buf_adds(b, "\"><th scope=\"row\">");
	put_str(b, queue);
	hs_buf_adds(b, "</th>");
	if ((qfd = open_queue(r, queue, &mfd)) == -1) {
		hs_buf_printf(b, "<td colspan=\"%d\" class=\"refused\" "
		    "data-queue=\"", cols + 2);
		put_str(b, queue);
		hs_buf_adds(b, "\" data-refused=\"1\">refused: see the problems "
		    "above</td></tr>\n");
		return;
	}
	for (s = 0; hs_cli_states[s]; s++) {
		count_state(r, qfd, mfd, queue, hs_cli_states[s], &t);
		count_cell(b, queue, hs_cli_states[s], &t);
		if (strcmp(hs_cli_states[s], HS_STATE_NEW) == 0)
			tnew = t;
	}
	hs_buf_adds(b, "<td data-queue=\"");
	put_str(b, queue);
	hs_buf_printf(b, "\" data-field=\"deferred\" class=\"%s\">%lld</td>",
	    tnew.deferred ? "n" : "zero", tnew.deferred);
	hs_buf_adds(b, "<td data-queue=\"");
	put_str(b, queue);
	if (tnew.count > 0) {
		hs_cli_fmt_age(tnew.oldest, age, sizeof age);
		hs_buf_printf(b, "\" data-field=\"oldest-new\" "
		    "data-seconds=\"%lld\">%s</td>", tnew.oldest < 0 ? 0 :
		    tnew.oldest, age);
	} else
		hs_buf_adds(b, "\" data-field=\"oldest-new\" class=\"zero\">"
		    "&#8211;</td>");
	hs_buf_adds(b, "</tr>\n");
	if (mfd != -1)
		close(mfd);
	if (qfd >= 0)
		close(qfd);
}


/* Every queue's counts; fills r's lists on the way. queues NULL: the
 * spool could not be listed. */
static void
queues_section(struct report *r, struct hs_buf *b,
    const struct hs_cli_names *queues)
{
	size_t	 q, s;

	hs_buf_adds(b, "<section id=\"queues\">\n<h2>Queues</h2>\n");
	if (queues == NULL) {
		hs_buf_adds(b, "<p class=\"refused\">The spool cannot be "
		    "listed: see the problems above.</p>\n</section>\n");
		return;
	}
	if (queues->n == 0) {
		hs_buf_adds(b, "<p class=\"muted\">No queue: no route names one "
		    "and the spool holds none.</p>\n</section>\n");
		return;
	}
	hs_buf_adds(b, "<table class=\"queues\">\n<thead><tr>"
	    "<th scope=\"col\" class=\"text\">queue</th>");
	for (s = 0; hs_cli_states[s]; s++)
		hs_buf_printf(b, "<th scope=\"col\">%s</th>", hs_cli_states[s]);
	hs_buf_adds(b, "<th scope=\"col\" title=\"in new/, waiting for their "
	    "next attempt\">deferred</th><th scope=\"col\" title=\"the oldest "
	    "event in new/, by its receive time\">oldest new</th>"
	    "</tr></thead>\n<tbody>\n");
	for (q = 0; q < queues->n; q++)
		queue_row(r, b, queues->v[q]);
	hs_buf_adds(b, "</tbody>\n</table>\n<p class=\"muted\">new: waiting for "
	    "<code>hookspool run</code>; pending: waiting for <code>hookspool "
	    "verify</code>; held: waiting for a person.</p>\n</section>\n");
}

/* --------------------------------------------------------- endpoints */

static int
outcome_refusal(int o)
{
	return o >= HS_OUT_400;
}

static void
endpoint_cell(struct hs_buf *b, const char *name, const char *attr,
    const char *what, uint64_t n, int bad)
{
	hs_buf_adds(b, "<td data-endpoint=\"");
	put_str(b, name);
	hs_buf_printf(b, "\" %s=\"%s\" class=\"%s\">%llu</td>", attr, what,
	    n == 0 ? "zero" : bad ? "bad" : "ok", (unsigned long long)n);
}

static void
endpoint_rows(struct hs_buf *b, const struct hs_cli_ep_counts *e,
    long long now)
{
	const char *hints[HINTS_MAX];
	size_t	 nh, i;
	int	 o;

	hs_buf_adds(b, "<tr data-endpoint=\"");
	put_str(b, e->name);
	hs_buf_adds(b, "\"><th scope=\"row\">");
	put_str(b, e->name);
	if (!e->configured && e->name[0] != '(')
		hs_buf_adds(b, " <span class=\"note\">not in the config "
		    "now</span>");
	hs_buf_adds(b, "</th>");
	for (o = 0; o < HS_OUT_N; o++)
		endpoint_cell(b, e->name, "data-outcome", hs_outcome_names[o],
		    hs_cli_counts_window(e, HS_CLI_WINDOW_DAY,
		    (enum hs_outcome)o), outcome_refusal(o));
	endpoint_cell(b, e->name, "data-sum", "arrivals",
	    hs_cli_counts_ok(e, HS_CLI_WINDOW_DAY), 0);
	endpoint_cell(b, e->name, "data-sum", "refusals",
	    hs_cli_counts_refused(e, HS_CLI_WINDOW_DAY), 1);
	hs_buf_adds(b, "</tr>\n");
	nh = hs_cli_counts_hints(e, hints, HINTS_MAX);
	if (nh == 0 && e->last_refusal_usec == 0)
		return;
	hs_buf_adds(b, "<tr class=\"hints\" data-endpoint=\"");
	put_str(b, e->name);
	hs_buf_printf(b, "\"><td colspan=\"%d\"><ul>", HS_OUT_N + 3);
	for (i = 0; i < nh; i++) {
		hs_buf_adds(b, "<li class=\"hint\">");
		put_str(b, hints[i]);
		hs_buf_adds(b, "</li>");
	}
	if (e->last_refusal_usec) {
		/* the reason is the receiver's fixed text, never request data;
		 * escaped all the same */
		hs_buf_printf(b, "<li class=\"last-refusal\" data-status=\"%d\">"
		    "last refusal: %d at ", e->last_status, e->last_status);
		put_time(b, (long long)(e->last_refusal_usec / 1000000), now, 1);
		if (e->last_reason[0]) {
			hs_buf_adds(b, ": ");
			put_str(b, e->last_reason);
		}
		hs_buf_adds(b, "</li>");
	}
	hs_buf_adds(b, "</ul></td></tr>\n");
}

static void
endpoints_section(struct report *r, struct hs_buf *b,
    const struct hs_cli_counters *c, int loaded, const char *why)
{
	size_t	 i;
	int	 o;

	hs_buf_adds(b, "<section id=\"endpoints\">\n<h2>Endpoints: the last 24 "
	    "hours</h2>\n");
	if (!loaded) {
		hs_buf_adds(b, "<p id=\"counters-error\" class=\"refused\">The "
		    "counters file (<code>.counters</code> in the spool) cannot "
		    "be read: ");
		put_str(b, why ? why : "unknown error");
		hs_buf_adds(b, ". No counts are shown.</p>\n</section>\n");
		return;
	}
	if (!c->present) {
		hs_buf_adds(b, "<p id=\"counters-none\">Nothing counted yet: the "
		    "receiver has answered no request since the spool was "
		    "made (or its counters file was removed).</p>\n"
		    "</section>\n");
		return;
	}
	hs_buf_adds(b, "<p class=\"muted\">Answers per endpoint and outcome "
	    "over 24 clock hours, this one so far included; counting since ");
	put_time(b, (long long)c->created, r->now, 0);
	hs_buf_adds(b, ". <code>(unknown)</code>: requests for endpoints not "
	    "in the config.</p>\n<table class=\"counts\">\n<thead><tr>"
	    "<th scope=\"col\" class=\"text\">endpoint</th>");
	for (o = 0; o < HS_OUT_N; o++)
		hs_buf_printf(b, "<th scope=\"col\">%s</th>", hs_outcome_names[o]);
	hs_buf_adds(b, "<th scope=\"col\" title=\"accepted, pending, duplicate, "
	    "ignored\">arrivals</th><th scope=\"col\" title=\"every 4xx, 5xx "
	    "and other\">refusals</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < c->n; i++)
		endpoint_rows(b, &c->ep[i], r->now);
	hs_buf_adds(b, "</tbody>\n</table>\n</section>\n");
}

/* ------------------------------------------------------------- chart */

#define CH_W	1120	/* the SVG's user units */
#define CH_H	300
#define CH_L	64	/* room for the count labels and the y title */
#define CH_R	12
#define CH_T	14
#define CH_B	52	/* room for the hour labels and the x title */

/* A tick step of 1, 2 or 5 times a power of ten: at most 5 ticks. */
static uint64_t
tick_step(uint64_t max)
{
	uint64_t step = 1;

	for (;;) {
		if (max <= step * 5 || step > UINT64_MAX / 100)
			return step;
		if (max <= step * 2 * 5)
			return step * 2;
		if (max <= step * 5 * 5)
			return step * 5;
		step *= 10;
	}
}

static void
chart_bar(struct hs_buf *b, const char *series, int ago, uint64_t n,
    double x, double w, uint64_t ymax, const char *span)
{
	double	 ph = CH_H - CH_T - CH_B, h = ph * (double)n / (double)ymax;

	hs_buf_printf(b, "<rect class=\"bar %s\" data-series=\"%s\" "
	    "data-ago=\"%d\" data-count=\"%llu\" x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%.1f\" height=\"%.1f\"><title>%s: %llu %s</title></rect>",
	    series, series, ago, (unsigned long long)n, x, CH_T + ph - h, w, h,
	    span, (unsigned long long)n, series);
}

/* Arrivals (2xx) and refusals (the rest) per clock hour, summed over
 * the endpoints, the oldest hour on the left. */
static void
chart_section(struct hs_buf *b, const struct hs_cli_counters *c, int loaded)
{
	uint64_t ok[HS_COUNTERS_HOURS] = { 0 }, bad[HS_COUNTERS_HOURS] = { 0 };
	uint64_t max = 0, step, ymax, tick, sum_ok = 0, sum_bad = 0;
	double	 pw = CH_W - CH_L - CH_R, ph = CH_H - CH_T - CH_B;
	double	 gw = pw / HS_COUNTERS_HOURS, x0, y;
	char	 span[96];
	struct tm tm;
	time_t	 start;
	size_t	 i;
	int	 h, o;

	hs_buf_adds(b, "<section id=\"chart\">\n<h2>Arrivals and refusals per "
	    "hour</h2>\n");
	if (!loaded || !c->present) {
		hs_buf_adds(b, "<p class=\"muted\">No chart: nothing counted "
		    "(see above).</p>\n</section>\n");
		return;
	}
	for (i = 0; i < c->n; i++)
		for (h = 0; h < HS_COUNTERS_HOURS; h++)
			for (o = 0; o < HS_OUT_N; o++) {
				if (outcome_refusal(o))
					bad[h] += c->ep[i].hour[h][o];
				else
					ok[h] += c->ep[i].hour[h][o];
			}
	for (h = 0; h < HS_COUNTERS_HOURS; h++) {
		if (ok[h] > max)
			max = ok[h];
		if (bad[h] > max)
			max = bad[h];
		sum_ok += ok[h];
		sum_bad += bad[h];
	}
	step = tick_step(max);
	ymax = max == 0 ? step : (max + step - 1) / step * step;
	hs_buf_printf(b, "<p><span class=\"sw arrivals\"></span>arrivals (2xx: "
	    "accepted, pending, duplicate, ignored): <span id=\"chart-arrivals\">"
	    "%llu</span><span class=\"sw refusals\"></span>refusals (4xx, 5xx, "
	    "other): <span id=\"chart-refusals\">%llu</span> "
	    "<span class=\"muted\">in 24 h; hover a bar for its hour</span></p>\n",
	    (unsigned long long)sum_ok, (unsigned long long)sum_bad);
	hs_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-labelledby=\"chart-title\"><title id=\"chart-title\">Arrivals "
	    "and refusals per hour, the last 24 hours</title>\n",
	    CH_W, CH_H, CH_W, CH_H);
	for (tick = 0; tick <= ymax; tick += step) {
		y = CH_T + ph - ph * (double)tick / (double)ymax;
		hs_buf_printf(b, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
		    "y1=\"%.1f\" y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\" dominant-baseline=\"middle\">%llu</text>\n",
		    CH_L, CH_W - CH_R, y, y, CH_L - 6, y,
		    (unsigned long long)tick);
	}
	for (h = HS_COUNTERS_HOURS - 1; h >= 0; h--) {
		int	 col = HS_COUNTERS_HOURS - 1 - h;

		start = (time_t)((c->now_hour - (uint64_t)h) * 3600);
		gmtime_r(&start, &tm);
		snprintf(span, sizeof span, "%04d-%02d-%02d %02d:00-%02d:00 UTC%s",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    (tm.tm_hour + 1) % 24, h == 0 ? " (so far)" : "");
		x0 = CH_L + gw * col;
		hs_buf_printf(b, "<g class=\"hour\" data-ago=\"%d\">"
		    "<rect class=\"hit\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>%s: %llu arrivals, %llu refusals"
		    "</title></rect>", h, x0, CH_T, gw, ph, span,
		    (unsigned long long)ok[h], (unsigned long long)bad[h]);
		chart_bar(b, "arrivals", h, ok[h], x0 + gw * 0.12, gw * 0.36,
		    ymax, span);
		chart_bar(b, "refusals", h, bad[h], x0 + gw * 0.52, gw * 0.36,
		    ymax, span);
		hs_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
		    ">%02d</text></g>\n", x0 + gw / 2, CH_H - CH_B + 16,
		    tm.tm_hour);
	}
	hs_buf_printf(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
	    "y2=\"%.1f\"/><line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
	    "y2=\"%.1f\"/>\n", CH_L, CH_W - CH_R, CH_T + ph, CH_T + ph, CH_L,
	    CH_L, CH_T, CH_T + ph);
	hs_buf_printf(b, "<text class=\"title\" x=\"%.1f\" y=\"%d\" "
	    "text-anchor=\"middle\">hour (UTC), oldest left; the last is the "
	    "current hour so far</text>\n", CH_L + pw / 2, CH_H - 10);
	hs_buf_printf(b, "<text class=\"title\" transform=\"translate(16 %.1f) "
	    "rotate(-90)\" text-anchor=\"middle\">answers per hour</text>\n",
	    CH_T + ph / 2);
	hs_buf_adds(b, "</svg>\n</section>\n");
}

/* ------------------------------------------------------ listed events */

/*
 * The event's name from its envelope head, or NULL when the file cannot
 * be read (moved on since it was counted). The body is read with the file
 * but never looked at.
 */
static char *
event_name(int sfd, const char *id)
{
	struct hs_envelope_file ev;
	const char *name;
	char	*copy;

	if (sfd == -1 || hs_cli_event_loadat(sfd, id, &ev) == -1)
		return NULL;
	name = hs_envelope_str(&ev, "event");
	copy = strndup(name, utf8_head(name, strlen(name), NAME_SHOWN));
	hs_envelope_free(&ev);
	return copy;
}

/* What the page needs of a listed event: its name and its meta. */
struct shown {
	char		*event;
	json_object	*meta;
	int		 readable;
};

static void
shown_load(struct report *r, const struct listed *e, struct shown *sh)
{
	char	 where[PATH_MAX];
	int	 sfd, mfd;

	memset(sh, 0, sizeof *sh);
	if ((sfd = hs_cli_dir(r->cfg, e->queue, e->state, 0)) != -1) {
		sh->event = event_name(sfd, e->id);
		close(sfd);
	}
	sh->readable = sh->event != NULL;
	if ((mfd = hs_cli_dir(r->cfg, e->queue, HS_STATE_META, 0)) == -1)
		return;
	if ((sh->meta = hs_cli_meta_loadat(mfd, e->id)) == NULL &&
	    (errno == ELOOP || errno == EMEDIUMTYPE)) {
		/* a planted meta symlink is said, never followed */
		snprintf(where, sizeof where, "%s/%s/%s.json", e->queue,
		    HS_STATE_META, e->id);
		fprintf(stderr, "hookspool: report: %s/%s: %s\n",
		    r->cfg->spool_dir, where, hs_cli_file_error(errno));
		problem(r, where, hs_cli_file_error(errno));
		r->refused = 1;
	}
	close(mfd);
}

static void
shown_free(struct shown *sh)
{
	free(sh->event);
	json_object_put(sh->meta);
}

static const char *
meta_str(json_object *meta, const char *key)
{
	json_object *v;

	if (meta == NULL || !json_object_object_get_ex(meta, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
meta_true(json_object *meta, const char *key)
{
	json_object *v;

	return meta && json_object_object_get_ex(meta, key, &v) &&
	    json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
}

/* <tr class="event" data-id data-queue data-state> and the first cells. */
static void
event_row_start(struct hs_buf *b, const struct listed *e,
    const struct shown *sh, long long now)
{
	hs_buf_adds(b, "<tr class=\"event\" data-id=\"");
	put_str(b, e->id);
	hs_buf_adds(b, "\" data-queue=\"");
	put_str(b, e->queue);
	hs_buf_printf(b, "\" data-state=\"%s\"><td class=\"id\" "
	    "data-field=\"id\"><code>", e->state);
	put_str(b, e->id);
	hs_buf_adds(b, "</code></td><td class=\"text\" data-field=\"queue\">");
	put_str(b, e->queue);
	hs_buf_adds(b, "</td><td class=\"text\" data-field=\"event\">");
	if (sh->readable)
		put_str(b, sh->event);
	else
		hs_buf_adds(b, "<span class=\"muted\">(unreadable or moved "
		    "on)</span>");
	hs_buf_adds(b, "</td><td class=\"text\" data-field=\"received\">");
	put_time(b, e->received, now, 1);
	hs_buf_adds(b, "</td>");
}

static void
exit_cell(struct hs_buf *b, json_object *m)
{
	long long code = hs_cli_meta_int(m, "last_exit", -1);
	long long sig = hs_cli_meta_int(m, "last_signal", -1);

	hs_buf_adds(b, "<td class=\"text\" data-field=\"last-exit\"");
	if (meta_true(m, "last_timed_out"))
		hs_buf_adds(b, " data-timed-out=\"1\">timed out");
	else if (sig >= 0)
		hs_buf_printf(b, " data-signal=\"%lld\">signal %lld", sig, sig);
	else if (code >= 0)
		hs_buf_printf(b, " data-exit=\"%lld\">exit %lld", code, code);
	else
		hs_buf_adds(b, "><span class=\"muted\">&#8211;</span>");
	hs_buf_adds(b, "</td>");
}

static void
failed_event(struct report *r, struct hs_buf *b, const struct listed *e)
{
	struct shown sh;
	const char *err, *tail;
	size_t	 len, start;

	shown_load(r, e, &sh);
	event_row_start(b, e, &sh, r->now);
	hs_buf_adds(b, "<td class=\"text\" data-field=\"failed-at\">");
	put_time(b, hs_cli_meta_int(sh.meta, "failed_at", 0), r->now, 1);
	hs_buf_printf(b, "</td><td data-field=\"attempts\">%lld</td>",
	    hs_cli_meta_int(sh.meta, "attempts", 0));
	exit_cell(b, sh.meta);
	hs_buf_adds(b, "<td class=\"text\" data-field=\"last-error\">");
	if ((err = meta_str(sh.meta, "last_error")) != NULL)
		put_text(b, err, utf8_head(err, strlen(err), TAIL_SHOWN), 0);
	hs_buf_adds(b, "</td></tr>\n");
	if ((tail = meta_str(sh.meta, "last_stderr")) != NULL && *tail) {
		/* the meta keeps HS_CLI_TAIL_MAX already; a meta written by
		 * hand or by an older version is cut here all the same */
		len = strlen(tail);
		start = utf8_tail(tail, len, TAIL_SHOWN);
		hs_buf_adds(b, "<tr class=\"stderr\" data-id=\"");
		put_str(b, e->id);
		hs_buf_adds(b, "\"><td colspan=\"8\"><pre class=\"stderr\" "
		    "data-id=\"");
		put_str(b, e->id);
		hs_buf_adds(b, "\">");
		put_text(b, tail + start, len - start, 1);
		hs_buf_adds(b, "</pre></td></tr>\n");
	}
	shown_free(&sh);
}

static void
more_line(struct hs_buf *b, const char *id, const struct list *l,
    const char *how)
{
	if (l->total <= (long long)l->n)
		return;
	hs_buf_printf(b, "<p class=\"more\" id=\"%s\" data-more=\"%lld\">and "
	    "%lld more, older: <code>%s</code></p>\n", id,
	    l->total - (long long)l->n, l->total - (long long)l->n, how);
}

static void
failed_section(struct report *r, struct hs_buf *b)
{
	size_t	 i;

	hs_buf_printf(b, "<section id=\"failed\">\n<h2>Failed events "
	    "<span class=\"note\" id=\"failed-count\" data-count=\"%lld\">"
	    "%lld</span></h2>\n", r->failed.total, r->failed.total);
	if (r->failed.n == 0) {
		hs_buf_adds(b, "<p class=\"muted\">None.</p>\n</section>\n");
		return;
	}
	hs_buf_adds(b, "<p class=\"muted\">Their handler failed every attempt; "
	    "<code>hookspool retry ID</code> runs one again, <code>hookspool "
	    "show ID</code> shows it whole. Newest first; stderr is the "
	    "handler's last words.</p>\n<table class=\"events\">\n<thead><tr>"
	    "<th scope=\"col\" class=\"text\">id</th><th scope=\"col\" "
	    "class=\"text\">queue</th><th scope=\"col\" class=\"text\">event"
	    "</th><th scope=\"col\" class=\"text\">received</th><th scope=\"col\" "
	    "class=\"text\">failed</th><th scope=\"col\">attempts</th>"
	    "<th scope=\"col\" class=\"text\">last exit</th><th scope=\"col\" "
	    "class=\"text\">last error</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->failed.n; i++)
		failed_event(r, b, &r->failed.v[i]);
	hs_buf_adds(b, "</tbody>\n</table>\n");
	more_line(b, "failed-more", &r->failed, "hookspool ls --state failed");
	hs_buf_adds(b, "</section>\n");
}

static void
waiting_event(struct report *r, struct hs_buf *b, const struct listed *e)
{
	struct shown sh;
	json_object *vo = NULL;

	shown_load(r, e, &sh);
	if (sh.meta)
		json_object_object_get_ex(sh.meta, "verify", &vo);
	if (!json_object_is_type(vo, json_type_object))
		vo = NULL;
	event_row_start(b, e, &sh, r->now);
	hs_buf_printf(b, "<td class=\"text\" data-field=\"state\">%s</td>"
	    "<td data-field=\"checks\">%lld</td><td class=\"text\" "
	    "data-field=\"checked-at\">", e->state,
	    hs_cli_meta_int(vo, "checks", 0));
	/* times and counts only: the check's answer and errors stay in
	 * meta (hookspool show) */
	put_time(b, hs_cli_meta_int(vo, "checked_at",
	    hs_cli_meta_int(vo, "last_error_at", 0)), r->now, 1);
	hs_buf_adds(b, "</td><td class=\"text\" data-field=\"held-at\">");
	put_time(b, hs_cli_meta_int(vo, "held_at", 0), r->now, 1);
	hs_buf_adds(b, "</td><td class=\"text\" data-field=\"interrupted-at\">");
	put_time(b, hs_cli_meta_int(vo, "interrupted_at", 0), r->now, 1);
	hs_buf_adds(b, "</td></tr>\n");
	shown_free(&sh);
}

static void
waiting_section(struct report *r, struct hs_buf *b)
{
	size_t	 i;

	hs_buf_printf(b, "<section id=\"waiting\">\n<h2>Pending and held "
	    "events <span class=\"note\" id=\"waiting-count\" "
	    "data-count=\"%lld\">%lld</span></h2>\n", r->waiting.total,
	    r->waiting.total);
	if (r->waiting.n == 0) {
		hs_buf_adds(b, "<p class=\"muted\">None.</p>\n</section>\n");
		return;
	}
	hs_buf_adds(b, "<p class=\"muted\">Pending: not yet checked with the "
	    "sender's API (<code>hookspool verify</code>). Held: a check was "
	    "interrupted and came back negative; a person decides with "
	    "<code>hookspool verify --release ID</code> or <code>--reject "
	    "ID</code>. Newest first.</p>\n<table class=\"events\">\n<thead><tr>"
	    "<th scope=\"col\" class=\"text\">id</th><th scope=\"col\" "
	    "class=\"text\">queue</th><th scope=\"col\" class=\"text\">event"
	    "</th><th scope=\"col\" class=\"text\">received</th><th scope=\"col\" "
	    "class=\"text\">state</th><th scope=\"col\">checks</th><th "
	    "scope=\"col\" class=\"text\">last check</th><th scope=\"col\" "
	    "class=\"text\">held</th><th scope=\"col\" class=\"text\">"
	    "interrupted</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->waiting.n; i++)
		waiting_event(r, b, &r->waiting.v[i]);
	hs_buf_adds(b, "</tbody>\n</table>\n");
	more_line(b, "waiting-more", &r->waiting,
	    "hookspool ls --state pending");
	hs_buf_adds(b, "</section>\n");
}

/* -------------------------------------------------------------- page */

static void
page_head(struct hs_buf *b, long long now)
{
	char	 when[64];

	hs_cli_fmt_time(now, when, sizeof when);
	hs_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    /* were an escape ever missed, still no script would run and
	     * nothing would be fetched */
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	    "'none'; style-src 'unsafe-inline'\">\n<meta name=\"referrer\" "
	    "content=\"no-referrer\">\n<meta name=\"robots\" content=\"noindex, "
	    "nofollow\">\n<title>hookspool status</title>\n<style>\n");
	hs_buf_adds(b, css);
	hs_buf_printf(b, "</style>\n</head>\n<body>\n<header>\n<h1>hookspool "
	    "status</h1>\n<p>Generated <time id=\"generated\" datetime=\"%s\">"
	    "%s</time> (UTC) by hookspool %s. A static page: it changes when "
	    "<code>hookspool report --html</code> runs again.</p>\n</header>\n",
	    when, when, HS_VERSION);
}

static void
problems_section(const struct report *r, struct hs_buf *b)
{
	if (r->problems.len == 0)
		return;
	hs_buf_adds(b, "<section id=\"problems\">\n<h2>Problems</h2>\n<p>What "
	    "the report refused or could not read (paths below the spool); "
	    "the numbers below leave it out.</p>\n<ul>\n");
	hs_buf_add(b, r->problems.data, r->problems.len);
	hs_buf_adds(b, "</ul>\n</section>\n");
}

static void
page_foot(struct hs_buf *b)
{
	hs_buf_adds(b, "<footer>\n<p>This page shows ids, event names, times, "
	    "counts, exit statuses and stderr tails only: no secret, "
	    "signature, event body or header value.</p>\n</footer>\n"
	    "</body>\n</html>\n");
}

/*
 * Replaces path with the page: a temp file beside it (the same
 * directory, so the rename is atomic), mode 0644 whatever the umask,
 * fsync'd, renamed over path, the directory fsync'd (hs_spool_commit).
 * Until the rename the old page is whole; on failure the temp file goes.
 */
static int
write_page(const char *path, const struct iovec *iov, int iovcnt)
{
	char	 dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *slash = strrchr(path, '/'), *base, *why = NULL;
	int	 dfd = -1, fd = -1, n, tries;

	base = slash ? slash + 1 : path;
	if (slash == NULL)
		n = snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		n = snprintf(dir, sizeof dir, "/");
	else
		n = snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if (n < 0 || (size_t)n >= sizeof dir) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", base, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		why = "cannot open its directory";
		goto fail;
	}
	for (tries = 0; tries < 2; tries++) {
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd != -1 || errno != EEXIST || tries > 0)
			break;
		/* a leftover of a run that died with our pid: ours */
		(void)unlinkat(dfd, tmp, 0);
	}
	if (fd == -1) {
		why = "cannot create the temp file";
		goto fail;
	}
	if (fchmod(fd, 0644) == -1) {
		why = "cannot set the mode";
		close(fd);
		(void)unlinkat(dfd, tmp, 0);
		goto fail;
	}
	/* fd is closed and, before the rename, tmp removed either way */
	if (hs_spool_commit(fd, dfd, tmp, dfd, base, iov, iovcnt,
	    HS_COMMIT_DURABLE, &why) == -1)
		goto fail;
	close(dfd);
	return 0;
fail:
	n = errno;
	fprintf(stderr, "hookspool: report: %s: %s%s%s\n", path,
	    why ? why : "", why ? ": " : "", strerror(n));
	if (dfd != -1)
		close(dfd);
	return -1;
}

int
hs_cmd_report(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_cli_names queues = { NULL, 0 };
	struct hs_cli_counters *counters = NULL;
	struct report r;
	struct hs_buf part[P_N];
	struct iovec iov[P_N];
	const char *file, *base, *why = NULL;
	int	 i, loaded, listed, rc = 0;

	if (argc != 3 || strcmp(argv[1], "--html") != 0)
		return hs_cli_usage("report");
	file = argv[2];
	base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return hs_cli_usage("report");
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	memset(&r, 0, sizeof r);
	r.cfg = &cfg;
	r.now = (long long)time(NULL);
	hs_buf_init(&r.problems);
	for (i = 0; i < P_N; i++)
		hs_buf_init(&part[i]);
	/* a few hundred KiB: not for the stack */
	if ((counters = calloc(1, sizeof *counters)) == NULL) {
		r.oom = 1;
		goto out;
	}
	loaded = hs_cli_counters_load(&cfg, r.now, counters, &why) == 0;
	if (!loaded) {
		/* the receiver logs a torn or foreign file itself; the page
		 * says so and shows the rest, and cron is not woken for it */
		fprintf(stderr, "hookspool: report: warning: %s/%s: %s\n",
		    cfg.spool_dir, HS_COUNTERS_FILE, why ? why : "unreadable");
		problem(&r, HS_COUNTERS_FILE, why ? why : "unreadable");
	}
	listed = hs_cli_queues(&cfg, &queues) == 0;
	if (!listed) {
		hs_cli_warn("report");
		problem(&r, ".", "the spool cannot be listed");
		r.refused = 1;
	}
	queues_section(&r, &part[P_QUEUES], listed ? &queues : NULL);
	endpoints_section(&r, &part[P_ENDPOINTS], counters, loaded, why);
	chart_section(&part[P_CHART], counters, loaded);
	failed_section(&r, &part[P_FAILED]);
	waiting_section(&r, &part[P_WAITING]);
	page_head(&part[P_HEAD], r.now);
	problems_section(&r, &part[P_PROBLEMS]);
	page_foot(&part[P_FOOT]);
	for (i = 0; i < P_N; i++) {
		if (part[i].oom)
			r.oom = 1;
		iov[i].iov_base = part[i].data;
		iov[i].iov_len = part[i].len;
	}
	if (r.problems.oom)
		r.oom = 1;
	if (r.oom)
		goto out;
	if (write_page(file, iov, P_N) == -1)
		rc = 1;
	else if (r.refused) {
		fprintf(stderr, "hookspool: report: %s written; it lists what "
		    "was refused\n", file);
		rc = 1;
	}
out:
	if (r.oom) {
		fprintf(stderr, "hookspool: report: out of memory; %s not "
		    "written\n", file);
		rc = 1;
	}
	for (i = 0; i < P_N; i++)
		hs_buf_free(&part[i]);
	hs_buf_free(&r.problems);
	list_free(&r.failed);
	list_free(&r.waiting);
	hs_cli_names_free(&queues);
	free(counters);
	hs_config_free(&cfg);
	return rc;
}

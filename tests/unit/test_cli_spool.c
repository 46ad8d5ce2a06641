/*
 * test_cli_spool.c - cgi/cli/cli_spool.c through its API: the spool as
 * the command line sees it. Config loading, paths, listings and queues,
 * finding an event, moves between state directories (the event in
 * exactly one of them, never replacing one), replacements through tmp/
 * (byte-identical, nothing left in tmp/), the meta sidecar (what is
 * fsync'd, nothing left behind) and event files, never through a
 * symlink (ELOOP) and never a FIFO (EMEDIUMTYPE), with the refused path
 * named in the warning.
 *
 * Faults are injected in-process as in test_spool.c: this file defines
 * the libc calls the two files make; each passes through to libc unless
 * armed with fault_on(), when the nth call of one name runs a hook and
 * fails with the errno given (errno 0: goes on after the hook).
 */
#undef _FORTIFY_SOURCE		/* its inline wrappers would shadow ours */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_cli.h"
#include "hs_cli_spool.h"
#include "hs_spool.h"
#include "check.h"
#include "fault.h"

/* --- the fault shim ------------------------------------------------------ */

static int	 calls_fsync;	/* every fsync, armed or not */
static int	 readdir_unknown;	/* readdir says DT_UNKNOWN */

int
open(const char *path, int flags, ...)
{
	REAL(int, "open", const char *, int, ...);
	va_list	 ap;
	mode_t	 mode = 0;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	return faulted("open") ? -1 : real(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	REAL(int, "openat", int, const char *, int, ...);
	va_list	 ap;
	mode_t	 mode = 0;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	return faulted("openat") ? -1 : real(dirfd, path, flags, mode);
}

/* what a fortified openat without a mode calls (an -O1 build) */
int	__openat_2(int, const char *, int);
int
__openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	REAL(ssize_t, "read", int, void *, size_t);

	return faulted("read") ? -1 : real(fd, buf, len);
}

/* and a fortified read of a buffer of known size */
ssize_t	__read_chk(int, void *, size_t, size_t);
ssize_t
__read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	(void)buflen;
	return read(fd, buf, len);
}

int
fsync(int fd)
{
	REAL(int, "fsync", int);

	calls_fsync++;
	return faulted("fsync") ? -1 : real(fd);
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	REAL(int, "renameat", int, const char *, int, const char *);

	return faulted("renameat") ? -1 : real(fd1, from, fd2, to);
}

int
renameat2(int fd1, const char *from, int fd2, const char *to,
    unsigned int flags)
{
	REAL(int, "renameat2", int, const char *, int, const char *,
	    unsigned int);

	return faulted("renameat2") ? -1 : real(fd1, from, fd2, to, flags);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	REAL(int, "unlinkat", int, const char *, int);

	return faulted("unlinkat") ? -1 : real(dirfd, path, flags);
}

int
fstat(int fd, struct stat *st)
{
	REAL(int, "fstat", int, struct stat *);

	return faulted("fstat") ? -1 : real(fd, st);
}

int
dup(int fd)
{
	REAL(int, "dup", int);

	return faulted("dup") ? -1 : real(fd);
}

DIR *
fdopendir(int fd)
{
	REAL(DIR *, "fdopendir", int);

	return faulted("fdopendir") ? NULL : real(fd);
}

struct dirent *
readdir(DIR *d)
{
	REAL(struct dirent *, "readdir", DIR *);
	struct dirent *de;

	if (faulted("readdir"))
		return NULL;
	if ((de = real(d)) != NULL && readdir_unknown)
		de->d_type = DT_UNKNOWN;	/* a file system without d_type */
	return de;
}

/* The allocator is not replaced under the sanitizers (they own it). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(HS_ASAN)
#define HS_ASAN 1
#endif
#ifndef HS_ASAN
void *
realloc(void *p, size_t len)
{
	REAL(void *, "realloc", void *, size_t);

	return faulted("realloc") ? NULL : real(p, len);
}
#endif

char *
strdup(const char *s)
{
	REAL(char *, "strdup", const char *);

	return faulted("strdup") ? NULL : real(s);
}

/* --- helpers --------------------------------------------------------------- */

static char	 base[] = "/tmp/hs-test-cli-spool-XXXXXX";
static char	 spool[256];
static int	 caseno;
static struct hs_config cfg;
static int	 cfg_loaded;

/* <base>/<rel> */
static const char *
at(const char *rel)
{
	static char path[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof path[i], "%s%s%s", spool, *rel ? "/" : "",
	    rel);
	return path[i];
}

static void
put(const char *rel, const char *text)
{
	FILE	*f;

	if ((f = fopen(at(rel), "w")) == NULL) {
		CHECK(0, "cannot write %s", at(rel));
		return;
	}
	fputs(text, f);
	fclose(f);
}

static char *
slurp(const char *rel)
{
	static char buf[4096];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(at(rel), "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
mk(const char *rel)
{
	CHECK(mkdir(at(rel), 0700) == 0, "mkdir %s", at(rel));
}

static void
ln(const char *target, const char *rel)
{
	CHECK(symlink(target, at(rel)) == 0, "symlink %s", at(rel));
}

static int
exists(const char *rel)
{
	struct stat st;

	return lstat(at(rel), &st) == 0;
}

/* Entries of <spool>/<rel>, dot names too (temp files must not stay). */
static int
entries(const char *rel)
{
	struct dirent *de;
	DIR	*d;
	int	 n = 0;

	if ((d = opendir(at(rel))) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* In how many of the event states is <queue>/<state>/<id>? */
static int
states_holding(const char *queue, const char *id)
{
	char	 rel[512];
	int	 i, n = 0;

	for (i = 0; hs_cli_states[i] != NULL; i++) {
		snprintf(rel, sizeof rel, "%s/%s/%s", queue, hs_cli_states[i], id);
		n += exists(rel);
	}
	return n;
}

/* stderr into a file from capture() until captured() gives its text */
static int	 stderr_saved = -1;

static void
capture(void)
{
	char	 path[300];
	int	 fd;

	snprintf(path, sizeof path, "%s/stderr", base);
	fflush(stderr);
	stderr_saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
}

static const char *
captured(void)
{
	static char buf[PATH_MAX + 512];
	char	 path[300];
	FILE	*f;
	size_t	 n;

	fflush(stderr);
	dup2(stderr_saved, 2);
	close(stderr_saved);
	buf[0] = '\0';
	snprintf(path, sizeof path, "%s/stderr", base);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

/* What hs_cli_warn(cmd) prints, without the newline. */
static const char *
warned(const char *cmd)
{
	const char *s;

	capture();
	hs_cli_warn(cmd);
	s = captured();
	((char *)s)[strcspn(s, "\n")] = '\0';
	return s;
}

/* Does the warning name path and say why? */
static int
warns(const char *path, const char *why)
{
	char	 want[PATH_MAX + 512];

	snprintf(want, sizeof want, "hookspool: t: %s: %s", path, why);
	if (strcmp(warned("t"), want) == 0)
		return 1;
	printf("# warned \"%s\"\n#   want \"%s\"\n", warned("t"), want);
	return 0;
}

#define LOOP_WHY "is a symbolic link (refused: spool directories must be " \
	"real directories)"
#define FILE_LOOP_WHY "is a symbolic link (refused: an event file must be " \
	"a regular file, and is never followed)"

/*
 * A fresh spool path (not made) and its config, loaded the CLI's way:
 * routes into q and r (a queue that never gets a directory unless a case
 * makes one).
 */
static void
fresh(int durable)
{
	char	 path[300];
	FILE	*f;

	snprintf(spool, sizeof spool, "%s/s%d", base, ++caseno);
	snprintf(path, sizeof path, "%s/c%d.json", base, caseno);
	if ((f = fopen(path, "w")) == NULL) {
		CHECK(0, "config %s", path);
		return;
	}
	fprintf(f, "{\"spool_dir\":\"%s\",\"durable\":%s,\"endpoints\":{"
	    "\"e\":{\"provider\":\"github\",\"secrets\":[\"s3cr3t\"],"
	    "\"routes\":{\"push\":\"q\",\"*\":\"r\"}}}}", spool,
	    durable ? "true" : "false");
	fclose(f);
	if (cfg_loaded)
		hs_config_free(&cfg);
	cfg_loaded = hs_cli_load_config(path, &cfg) == 0;
	CHECK(cfg_loaded, "config %s loads", path);
}

/* A spool with queue q and every directory a delivery makes. */
static void
fresh_queue(int durable)
{
	fresh(durable);
	mk("");
	mk("q");
	mk("q/tmp");
	mk("q/new");
	mk("q/cur");
}

#define EVENT	"{\"id\":\"1700000000.M1\",\"queue\":\"q\",\"body\":{\"a\":1}}\n"
#define ID	"1700000000.M1"

/* --- config, names, ids ---------------------------------------------------- */

static void
test_config(void)
{
	struct hs_config c;
	char	 path[300], longp[PATH_MAX + 10], want[400];
	FILE	*f;

	/* before any config: no spool, so no path below it is accepted */
	CHECK_INT(hs_cli_list_dir("/tmp/x/y", &(struct hs_cli_names){ 0 }), -1,
	    "no config loaded: every spool path is refused");
	CHECK_INT(errno, EXDEV, "... EXDEV");
	CHECK(warns("/tmp/x/y", "is not inside spool_dir (refused)"),
	    "... naming the path");

	/* no -c and nothing to find: the message says where to look */
	memset(longp, 'x', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	setenv("HOOKSPOOL_CONFIG", longp, 1);
	capture();
	CHECK_INT(hs_cli_load_config(NULL, &c), -1,
	    "HOOKSPOOL_CONFIG longer than PATH_MAX: no config");
	CHECK(strstr(captured(), "hookspool: no config: use -c PATH") != NULL,
	    "... says how to name one");
	/* found through HOOKSPOOL_CONFIG, then refused */
	snprintf(path, sizeof path, "%s/nonexistent.json", base);
	setenv("HOOKSPOOL_CONFIG", path, 1);
	capture();
	CHECK_INT(hs_cli_load_config(NULL, &c), -1, "a missing config: -1");
	snprintf(want, sizeof want, "hookspool: config %s: ", path);
	CHECK(strncmp(captured(), want, strlen(want)) == 0,
	    "... naming it: %s", captured());
	/* an api_key from an unset variable: refused after the load */
	snprintf(path, sizeof path, "%s/ignisign.json", base);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "{\"spool_dir\":\"/tmp/x\",\"endpoints\":{\"i\":{"
		    "\"provider\":\"ignisign\",\"routes\":{\"*\":\"q\"},"
		    "\"api_key\":\"env:HS_TEST_CLI_SPOOL_UNSET\"}}}");
		fclose(f);
	}
	unsetenv("HS_TEST_CLI_SPOOL_UNSET");
	capture();
	CHECK_INT(hs_cli_load_config(path, &c), -1,
	    "an api_key that cannot be resolved: -1");
	snprintf(want, sizeof want, "hookspool: config %s: endpoints.i.api_key",
	    path);
	CHECK(strncmp(captured(), want, strlen(want)) == 0,
	    "... naming the file and the key: %s", captured());
	/* and one that is fine, found through HOOKSPOOL_CONFIG */
	snprintf(path, sizeof path, "%s/ok.json", base);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "{\"spool_dir\":\"%s/found\",\"endpoints\":{\"e\":{"
		    "\"provider\":\"github\",\"secrets\":[\"x\"],"
		    "\"routes\":{\"*\":\"q\"}}}}", base);
		fclose(f);
	}
	setenv("HOOKSPOOL_CONFIG", path, 1);
	CHECK_INT(hs_cli_load_config(NULL, &c), 0, "found through "
	    "HOOKSPOOL_CONFIG");
	snprintf(longp, sizeof longp, "%s/found/q/new", base);
	CHECK_INT(hs_cli_list_dir(longp, &(struct hs_cli_names){ 0 }), 0,
	    "its spool_dir is now the one paths must be inside (missing: "
	    "empty)");
	hs_config_free(&c);
	unsetenv("HOOKSPOOL_CONFIG");
}

static void
test_names(void)
{
	char	 out[64], id[300];
	struct hs_config c = { 0 };
	struct stat st = { 0 };
	size_t	 i;

	for (i = 0; hs_cli_states[i] != NULL; i++)
		CHECK(hs_cli_state_valid(hs_cli_states[i]), "state %s",
		    hs_cli_states[i]);
	CHECK_INT(i, 7, "seven event states");
	CHECK(!hs_cli_state_valid("tmp") && !hs_cli_state_valid("meta") &&
	    !hs_cli_state_valid("") && !hs_cli_state_valid("newx"),
	    "tmp, meta, '' and newx are no event states");

	CHECK(hs_cli_id_valid(ID) && !hs_cli_id_valid("../x") &&
	    !hs_cli_id_valid(".x") && !hs_cli_id_valid("a/b"),
	    "ids: ours, never '/', '..' or a dot name");
	memset(id, 'i', HS_SPOOL_ID_MAX);
	id[HS_SPOOL_ID_MAX] = '\0';
	CHECK(!hs_cli_id_valid(id), "an id of HS_SPOOL_ID_MAX: too long");
	id[HS_SPOOL_ID_MAX - 1] = '\0';
	CHECK(hs_cli_id_valid(id), "HS_SPOOL_ID_MAX - 1: fine");

	c.spool_dir = "/sp";
	CHECK(hs_cli_path(out, sizeof out, &c, "q", NULL, NULL) == 0 &&
	    strcmp(out, "/sp/q") == 0, "path: queue");
	CHECK(hs_cli_path(out, sizeof out, &c, "q", "new", NULL) == 0 &&
	    strcmp(out, "/sp/q/new") == 0, "path: state");
	CHECK(hs_cli_path(out, sizeof out, &c, "q", "new", "i") == 0 &&
	    strcmp(out, "/sp/q/new/i") == 0, "path: event");
	CHECK_INT(hs_cli_path(out, 9, &c, "q", "new", "i"), -1,
	    "path: 11 bytes do not fit in 9");
	CHECK_INT(hs_cli_path(out, 12, &c, "q", "new", "i"), 0,
	    "... they do in 12 (the NUL)");
	CHECK_INT(hs_cli_path(out, 5, &c, "q", NULL, NULL), -1,
	    "path: queue that does not fit");
	CHECK_INT(hs_cli_path(out, 9, &c, "q", "new", NULL), -1,
	    "path: state that does not fit");

	/* ids by their leading seconds, then by name */
	CHECK(hs_cli_id_cmp("9.x", "10.x") < 0, "9 s before 10 s (not strcmp)");
	CHECK(hs_cli_id_cmp("10.b", "10.a") > 0, "same second: by name");
	CHECK(hs_cli_id_cmp("10.a", "10.a") == 0, "equal");
	CHECK(hs_cli_id_cmp("abc", "5.x") < 0,
	    "no leading seconds sorts first (-1)");
	CHECK(hs_cli_id_cmp("123", "5.x") < 0, "digits without a '.': no seconds");
	CHECK(hs_cli_id_cmp("1234567890123456789.x", "5.x") < 0,
	    "more than 18 digits: no seconds (no overflow)");
	CHECK(hs_cli_id_cmp("123456789012345678.x", "5.x") > 0,
	    "18 digits: seconds");

	st.st_mtim.tv_sec = 42;
	CHECK_INT(hs_cli_id_time("1700000000.M1", &st), 1700000000,
	    "received time: the id's seconds");
	CHECK_INT(hs_cli_id_time("0.M1", &st), 42, "0 seconds: the mtime");
	CHECK_INT(hs_cli_id_time("x", &st), 42, "no seconds: the mtime");
	CHECK_INT(hs_cli_state_time(&st), 42, "state time: the mtime");

	CHECK_STR(hs_cli_file_error(ELOOP), FILE_LOOP_WHY, "ELOOP");
	CHECK_STR(hs_cli_file_error(EMEDIUMTYPE),
	    "is not a regular file (refused)", "EMEDIUMTYPE");
	CHECK_STR(hs_cli_file_error(EIO), strerror(EIO), "others: strerror");

	hs_cli_note("why not", "/some/path");
	CHECK_STR(warned("ls"), "hookspool: ls: /some/path: why not",
	    "warn: command, path, why");
}

static void
test_meta_values(void)
{
	json_object *m = json_object_new_object();
	struct stat st = { 0 };

	json_object_object_add(m, "attempts", json_object_new_int(3));
	json_object_object_add(m, "s", json_object_new_string("7"));
	CHECK_INT(hs_cli_meta_int(m, "attempts", -1), 3, "an int");
	CHECK_INT(hs_cli_meta_int(m, "s", -1), -1, "a string: the default");
	CHECK_INT(hs_cli_meta_int(m, "none", -1), -1, "missing: the default");
	CHECK_INT(hs_cli_meta_int(NULL, "attempts", -2), -2, "no meta");

	st.st_mtim.tv_sec = 1000;
	CHECK_INT(hs_cli_next_attempt(&st, NULL), 1000, "no meta: the mtime");
	json_object_object_add(m, "next_attempt_at", json_object_new_int(2000));
	CHECK_INT(hs_cli_next_attempt(&st, m), 2000,
	    "the meta's later time (a file we may not touch)");
	st.st_mtim.tv_sec = 3000;
	CHECK_INT(hs_cli_next_attempt(&st, m), 3000, "a later mtime wins");
	json_object_put(m);

	CHECK(hs_cli_meta_absent(ENOENT) && hs_cli_meta_absent(EINVAL) &&
	    hs_cli_meta_absent(EFBIG) && hs_cli_meta_absent(ELOOP) &&
	    hs_cli_meta_absent(EMEDIUMTYPE),
	    "none, not JSON, too big, symlink, not a file: absent");
	CHECK(!hs_cli_meta_absent(EIO) && !hs_cli_meta_absent(EACCES) &&
	    !hs_cli_meta_absent(EMFILE) && !hs_cli_meta_absent(EINTR),
	    "EIO, EACCES, EMFILE, EINTR: there, unreadable now");
}

/* --- directories and listings ---------------------------------------------- */

static void
test_dirs(void)
{
	int	 fd;

	fresh(1);
	CHECK_INT(hs_cli_dir(&cfg, "q", "new", 0), -1, "no spool, create=0");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	CHECK(warns(spool, strerror(ENOENT)), "... naming spool_dir");
	CHECK(!exists(""), "... and nothing made");
	fd = hs_cli_dir(&cfg, "q", "new", 1);
	CHECK(fd >= 0 && exists("q/new"), "create=1 makes root, queue, state");
	close(fd);
	fd = hs_cli_dir(&cfg, "q", NULL, 0);
	CHECK(fd >= 0, "the queue alone");
	CHECK_INT(hs_cli_subdir(&cfg, fd, "q", "cur", 0), -1, "no cur/");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	CHECK(warns(at("q/cur"), strerror(ENOENT)), "... naming q/cur");
	close(fd);

	ln("/tmp", "lq");
	CHECK_INT(hs_cli_dir(&cfg, "lq", "new", 1), -1, "symlinked queue");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("lq"), LOOP_WHY), "... naming it, a symbolic link");
	ln("/tmp", "q/done");
	CHECK_INT(hs_cli_dir(&cfg, "q", "done", 1), -1, "symlinked state");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("q/done"), LOOP_WHY), "... naming it");
	put("q/failed", "x");
	CHECK_INT(hs_cli_dir(&cfg, "q", "failed", 1), -1, "a file as a state");
	CHECK_INT(errno, ENOTDIR, "... ENOTDIR");
	CHECK(warns(at("q/failed"), "is not a directory"), "... naming it");
}

static int
has(const struct hs_cli_names *l, const char *name)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return 1;
	return 0;
}

static void
test_list(void)
{
	struct hs_cli_names l;
	char	 rel[64], dir[1024], longc[300];
	int	 fd, i, sorted;

	fresh_queue(1);
	snprintf(dir, sizeof dir, "%s/q/new", spool);
	CHECK_INT(hs_cli_list_dir(dir, &l), 0, "an empty state");
	CHECK(l.n == 0 && l.v == NULL, "... lists nothing");
	put("q/new/20.a", "x");
	put("q/new/3.b", "x");
	put("q/new/.3.tmp", "x");
	put("q/new/100.c", "x");
	ln("/nowhere", "q/new/5.lnk");
	CHECK_INT(hs_cli_list_dir(dir, &l), 0, "four events");
	CHECK(l.n == 4 && strcmp(l.v[0], "3.b") == 0 &&
	    strcmp(l.v[1], "5.lnk") == 0 && strcmp(l.v[2], "20.a") == 0 &&
	    strcmp(l.v[3], "100.c") == 0,
	    "oldest first, a symlink listed (refused when opened), no dot names");
	hs_cli_names_free(&l);
	CHECK(l.n == 0 && l.v == NULL, "names_free empties the list");

	/* more than the first allocation (16), in order */
	for (i = 40; i > 0; i--) {
		snprintf(rel, sizeof rel, "q/cur/%d.x", i);
		put(rel, "x");
	}
	fd = hs_cli_dir(&cfg, "q", "cur", 0);
	CHECK_INT(hs_cli_list_at(fd, &l), 0, "40 events");
	for (sorted = l.n == 40, i = 0; sorted && i < 40; i++) {
		snprintf(rel, sizeof rel, "%d.x", i + 1);
		sorted = strcmp(l.v[i], rel) == 0;
	}
	CHECK(sorted, "... all of them, oldest first");
	hs_cli_names_free(&l);
	CHECK_INT(hs_cli_list_at(fd, &l), 0, "listed again through the same fd");
	CHECK_INT(l.n, 40, "... all 40: the listing rewinds");
	hs_cli_names_free(&l);

	/* every step failing, with its errno; nothing half-listed */
	fault_on("dup", 1, EMFILE, NULL);
	CHECK_INT(hs_cli_list_at(fd, &l), -1, "dup fails");
	CHECK(errno == EMFILE && l.n == 0, "... EMFILE, nothing listed");
	fault_on("fdopendir", 1, ENOMEM, NULL);
	CHECK_INT(hs_cli_list_at(fd, &l), -1, "fdopendir fails");
	CHECK(errno == ENOMEM && l.n == 0, "... ENOMEM");
	fault_on("readdir", 10, EIO, NULL);
	CHECK_INT(hs_cli_list_at(fd, &l), -1,
	    "readdir fails midway: -1, not a short list");
	CHECK(errno == EIO && l.n == 0 && l.v == NULL, "... EIO, list freed");
	fault_on("strdup", 20, ENOMEM, NULL);
	CHECK_INT(hs_cli_list_at(fd, &l), -1, "out of memory midway");
	CHECK(errno == ENOMEM && l.n == 0 && l.v == NULL, "... ENOMEM, freed");
	fault_off();
#ifndef HS_ASAN
	fault_on("realloc", 2, ENOMEM, NULL);	/* growing past 16 */
	CHECK_INT(hs_cli_list_at(fd, &l), -1, "the list cannot grow");
	CHECK(errno == ENOMEM && l.n == 0 && l.v == NULL, "... ENOMEM, freed");
	fault_off();
#endif
	close(fd);

	/* one event: nothing to sort */
	put("q/tmp/1.x", "x");
	snprintf(dir, sizeof dir, "%s/q/tmp", spool);
	CHECK(hs_cli_list_dir(dir, &l) == 0 && l.n == 1 &&
	    strcmp(l.v[0], "1.x") == 0, "one event");
	hs_cli_names_free(&l);

	/* missing: empty; refused: -1 naming what */
	snprintf(dir, sizeof dir, "%s/q/done", spool);
	CHECK(hs_cli_list_dir(dir, &l) == 0 && l.n == 0, "no done/: empty");
	snprintf(dir, sizeof dir, "%s/nq/new", spool);
	CHECK(hs_cli_list_dir(dir, &l) == 0 && l.n == 0, "no queue: empty");
	ln("/tmp", "q/failed");
	snprintf(dir, sizeof dir, "%s/q/failed", spool);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "a symlinked state");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(dir, LOOP_WHY), "... naming it");
	ln("/tmp", "lq");
	snprintf(dir, sizeof dir, "%s/lq/new", spool);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "a symlinked queue on the way");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("lq"), LOOP_WHY), "... naming the queue, not new/");
	snprintf(dir, sizeof dir, "%s/q/new/", spool);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "a trailing '/': no last name");
	CHECK_INT(errno, EINVAL, "... EINVAL");
	snprintf(dir, sizeof dir, "%s/q/..", spool);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "'..' as the last name");
	CHECK_INT(errno, EINVAL, "... EINVAL");
	snprintf(dir, sizeof dir, "%s/q/.", spool);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "'.' as the last name");
	CHECK_INT(errno, EINVAL, "... EINVAL");
	snprintf(dir, sizeof dir, "%s//q//new", spool);
	CHECK(hs_cli_list_dir(dir, &l) == 0 && l.n == 4,
	    "repeated slashes are one");
	hs_cli_names_free(&l);
	memset(longc, 'c', 256);
	longc[256] = '\0';
	snprintf(dir, sizeof dir, "%s/%s/new", spool, longc);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "a component past NAME_MAX");
	CHECK_INT(errno, ENAMETOOLONG, "... ENAMETOOLONG");
	snprintf(dir, sizeof dir, "%sx/q/new", spool);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "a sibling of spool_dir "
	    "sharing its prefix");
	CHECK_INT(errno, EXDEV, "... is outside: EXDEV");
	CHECK(warns(dir, "is not inside spool_dir (refused)"), "... naming it");
	CHECK_INT(hs_cli_list_dir("/etc/passwd", &l), -1, "outside");
	CHECK_INT(errno, EXDEV, "... EXDEV");

	/* spool_dir gone: a missing directory is empty; unreadable: -1 */
	snprintf(dir, sizeof dir, "%s/q/new", spool);
	fault_on("open", 1, EACCES, NULL);
	CHECK_INT(hs_cli_list_dir(dir, &l), -1, "spool_dir cannot be opened");
	CHECK_INT(errno, EACCES, "... EACCES");
	CHECK(warns(spool, strerror(EACCES)), "... naming spool_dir");
	fault_off();
	fresh(1);
	snprintf(dir, sizeof dir, "%s/q/new", spool);
	CHECK(hs_cli_list_dir(dir, &l) == 0 && l.n == 0, "no spool: empty");
}

static void
test_queues(void)
{
	struct hs_cli_names l;

	CHECK(hs_cli_queue_routed(&cfg, "q") && hs_cli_queue_routed(&cfg, "r") &&
	    !hs_cli_queue_routed(&cfg, "x"), "q and r are routed, x is not");

	fresh(1);
	CHECK_INT(hs_cli_queues(&cfg, &l), 0, "no spool yet");
	CHECK(l.n == 2 && strcmp(l.v[0], "q") == 0 && strcmp(l.v[1], "r") == 0,
	    "... the routed queues, sorted");
	hs_cli_names_free(&l);

	mk("");
	mk("q");
	mk("old");
	mk("a b");
	mk(".dedup");
	put("file", "x");
	ln("/tmp", "lnk");
	CHECK_INT(hs_cli_queues(&cfg, &l), 0, "directories and routes");
	CHECK(l.n == 4 && strcmp(l.v[0], "lnk") == 0 &&
	    strcmp(l.v[1], "old") == 0 && strcmp(l.v[2], "q") == 0 &&
	    strcmp(l.v[3], "r") == 0, "q once, old (no route), lnk (to be "
	    "refused aloud); no file, no .dedup, no 'a b'");
	hs_cli_names_free(&l);
	readdir_unknown = 1;
	CHECK_INT(hs_cli_queues(&cfg, &l), 0, "no d_type from the file system");
	CHECK(l.n == 5 && has(&l, "file") && has(&l, "lnk") && has(&l, "old"),
	    "... every name is a candidate (opening it tells)");
	readdir_unknown = 0;
	hs_cli_names_free(&l);

	fault_on("readdir", 2, EIO, NULL);
	CHECK_INT(hs_cli_queues(&cfg, &l), -1, "readdir fails");
	CHECK(errno == EIO && l.n == 0, "... EIO, nothing listed");
	CHECK(warns(spool, strerror(EIO)), "... naming spool_dir");
	fault_off();
	/* lnk, old, q, 'a b' (dropped later), then the route q */
	fault_on("strdup", 5, ENOMEM, NULL);
	CHECK_INT(hs_cli_queues(&cfg, &l), -1, "out of memory on a route");
	CHECK(l.n == 0 && l.v == NULL, "... nothing listed");
	fault_off();
	CHECK(hs_cli_queues(&cfg, &l) == 0 && l.n == 4, "the fifth is a route");
	hs_cli_names_free(&l);

	/* no spool and no route: nothing */
	{
		struct hs_config none = { 0 };
		char	 path[300];

		snprintf(path, sizeof path, "%s/none", base);
		none.spool_dir = path;
		CHECK(hs_cli_queues(&none, &l) == 0 && l.n == 0 && l.v == NULL,
		    "no spool, no routes: no queue");
	}

	fresh(1);
	put("", "x");
	CHECK_INT(hs_cli_queues(&cfg, &l), -1, "spool_dir is a file");
	CHECK_INT(errno, ENOTDIR, "... ENOTDIR");
	CHECK(warns(spool, "is not a directory"), "... naming it");
}

/* --- finding, moving ------------------------------------------------------- */

static void
test_find(void)
{
	char	 queue[64];
	const char *state;

	fresh(1);
	put("", "x");
	CHECK_INT(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state), -1,
	    "spool_dir a file");
	CHECK_INT(errno, ENOTDIR, "... ENOTDIR, not 'nowhere'");

	fresh_queue(1);
	CHECK_INT(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state), -1,
	    "nowhere");
	CHECK_INT(errno, ENOENT, "... ENOENT (r has no directory: skipped)");
	mk("q/done");
	put("q/done/" ID, EVENT);
	mk("z");
	mk("z/new");
	put("z/new/" ID, EVENT);	/* the same id in a later queue */
	state = NULL;
	CHECK_INT(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state), 0,
	    "in done/");
	CHECK(strcmp(queue, "q") == 0 && state != NULL &&
	    strcmp(state, "done") == 0, "q, done: the first queue that has it");
	unlink(at("q/done/" ID));
	CHECK(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state) == 0 &&
	    strcmp(queue, "z") == 0 && strcmp(state, "new") == 0,
	    "a queue no route names is searched too");
	unlink(at("z/new/" ID));
	ln("/nowhere", "q/new/" ID);
	CHECK(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state) == 0 &&
	    strcmp(state, "new") == 0, "a symlink is found (never followed): "
	    "opening it refuses it aloud");
	unlink(at("q/new/" ID));

	/* refused on the way: that error, not ENOENT */
	ln("/tmp", "lnk");
	ln("/tmp", "lnk2");
	ln("/tmp", "q/pending");
	CHECK_INT(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state), -1,
	    "symlinked queue and state, the event nowhere");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("lnk"), LOOP_WHY), "... naming the first refused "
	    "(lnk sorts before lnk2 and q)");
	unlink(at("lnk"));
	unlink(at("lnk2"));
	put("q/held", "x");
	CHECK_INT(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state), -1,
	    "symlinked pending/, held/ a file");
	CHECK_INT(errno, ELOOP, "... the first one's ELOOP");
	CHECK(warns(at("q/pending"), LOOP_WHY), "... naming q/pending");
	put("z/new/" ID, EVENT);
	CHECK(hs_cli_find_event(&cfg, ID, queue, sizeof queue, &state) == 0 &&
	    strcmp(queue, "z") == 0, "found beyond a refused directory: found");
}

static void
test_move(void)
{
	fresh_queue(1);
	put("q/new/" ID, EVENT);
	calls_fsync = 0;
	CHECK_INT(hs_cli_move(&cfg, "q", "new", "cur", ID), 0, "new -> cur");
	CHECK(states_holding("q", ID) == 1 && strcmp(slurp("q/cur/" ID),
	    EVENT) == 0, "in cur/ only, byte-identical");
	CHECK_INT(calls_fsync, 1, "durable: cur/ fsync'd");
	calls_fsync = 0;
	CHECK_INT(hs_cli_move(&cfg, "q", "cur", "done", ID), 0,
	    "cur -> done, done/ made");
	CHECK(states_holding("q", ID) == 1 && exists("q/done/" ID),
	    "in done/ only");
	CHECK_INT(calls_fsync, 2, "... the queue (new entry done/) and done/");

	/* never over an event of the same id */
	put("q/cur/" ID, "another\n");
	CHECK_INT(hs_cli_move(&cfg, "q", "cur", "done", ID), -1,
	    "done/ has it already");
	CHECK_INT(errno, EEXIST, "... EEXIST");
	CHECK(strcmp(slurp("q/done/" ID), EVENT) == 0 &&
	    strcmp(slurp("q/cur/" ID), "another\n") == 0, "neither touched");
	CHECK(warns(at("q/cur/" ID " -> done/"), strerror(EEXIST)),
	    "... naming from and to");
	unlink(at("q/cur/" ID));
	CHECK_INT(hs_cli_move(&cfg, "q", "cur", "done", ID), -1,
	    "nothing to move");
	CHECK_INT(errno, ENOENT, "... ENOENT");

	/* the directory fsync fails: said, -1 */
	fault_on("fsync", 2, EIO, NULL);	/* the queue (new failed/), failed/ */
	CHECK_INT(hs_cli_move(&cfg, "q", "done", "failed", ID), -1,
	    "fsync of failed/ fails");
	fault_off();
	CHECK_INT(errno, EIO, "... EIO");
	CHECK(warns(at("q/failed (fsync)"), strerror(EIO)), "... naming it");
	CHECK(states_holding("q", ID) == 1 && exists("q/failed/" ID),
	    "the rename stands: in failed/ only");

	cfg.durable = 0;
	calls_fsync = 0;
	CHECK_INT(hs_cli_move(&cfg, "q", "failed", "new", ID), 0,
	    "durable false");
	CHECK_INT(calls_fsync, 0, "... nothing fsync'd");
	CHECK(states_holding("q", ID) == 1 && exists("q/new/" ID), "in new/");
	cfg.durable = 1;

	/* refused directories: the event stays where it was */
	CHECK_INT(hs_cli_move(&cfg, "nq", "new", "cur", ID), -1, "no queue");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	CHECK(!exists("nq"), "... not made");
	CHECK_INT(hs_cli_move(&cfg, "q", "pending", "cur", ID), -1,
	    "no pending/");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	CHECK(!exists("q/pending"), "... not made");
	ln("/tmp", "q/held");
	CHECK_INT(hs_cli_move(&cfg, "q", "new", "held", ID), -1,
	    "held/ a symlink");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("q/held"), LOOP_WHY), "... naming it");
	CHECK(exists("q/new/" ID) && states_holding("q", ID) == 1,
	    "... still in new/ only, nothing under /tmp");
	CHECK(access("/tmp/" ID, F_OK) == -1, "... nothing under /tmp");
}

/* --- replacements through tmp/ --------------------------------------------- */

#define REPL1	"{\"id\":\"1700000000.M1\","
#define REPL2	"\"queue\":\"q\",\"body\":{\"b\":2}}\n"
#define REPL	REPL1 REPL2
static const struct iovec repl[2] = {
	{ (void *)REPL1, sizeof REPL1 - 1 }, { (void *)REPL2, sizeof REPL2 - 1 },
};

static void
test_commit(void)
{
	char	 tmp[512], dst[512], outside[300];
	FILE	*f;
	int	 fd;

	fresh_queue(1);
	mk("q/done");
	put("q/done/" ID, EVENT);
	CHECK_INT(hs_cli_tmp_open(&cfg, "q", ID, tmp, 8), -1, "tmp path too long");
	CHECK_INT(errno, ENAMETOOLONG, "... ENAMETOOLONG");
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	CHECK(fd >= 0 && strcmp(tmp, at("q/tmp/" ID)) == 0 &&
	    exists("q/tmp/" ID), "tmp/<id> made, its path given");
	snprintf(dst, sizeof dst, "%s/q/done/%s", spool, ID);
	calls_fsync = 0;
	CHECK_INT(hs_cli_commit(&cfg, fd, tmp, dst, repl, 2), 0, "committed");
	CHECK_STR(slurp("q/done/" ID), REPL, "done/ holds the new version, "
	    "byte for byte");
	CHECK_INT(entries("q/tmp"), 0, "nothing left in tmp/");
	CHECK_INT(calls_fsync, 2, "durable: the file and done/");

	/* a leftover of ours (a crash), or a symlink planted: replaced, the
	 * target untouched */
	put("q/tmp/" ID, "leftover");
	put("target", "not ours");
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	CHECK(fd >= 0, "a leftover is removed first");
	CHECK(fd >= 0 && write(fd, "x", 1) == 1, "write");
	close(fd);
	CHECK_STR(slurp("q/tmp/" ID), "x", "a new, empty file (not appended)");
	unlink(at("q/tmp/" ID));
	ln(at("target"), "q/tmp/" ID);
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	CHECK(fd >= 0 && write(fd, "y", 1) == 1, "a planted symlink: replaced");
	close(fd);
	CHECK_STR(slurp("target"), "not ours", "... its target untouched");
	CHECK_STR(slurp("q/tmp/" ID), "y", "... a file of ours in its place");
	unlink(at("q/tmp/" ID));
	fault_on("openat", 3, EACCES, NULL);	/* queue, tmp/, the file */
	CHECK_INT(hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp), -1,
	    "the file cannot be made");
	CHECK_INT(errno, EACCES, "... EACCES");
	fault_off();
	rmdir(at("q/tmp"));
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	CHECK(fd >= 0 && exists("q/tmp/" ID), "tmp/ made if missing");
	close(fd);
	unlink(at("q/tmp/" ID));
	rmdir(at("q/tmp"));
	ln("/tmp", "q/tmp");
	CHECK_INT(hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp), -1,
	    "tmp/ a symlink");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("q/tmp"), LOOP_WHY), "... naming it");
	CHECK(access("/tmp/" ID, F_OK) == -1, "... nothing made under /tmp");
	unlink(at("q/tmp"));
	mk("q/tmp");

	/* not durable: nothing fsync'd */
	cfg.durable = 0;
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	calls_fsync = 0;
	CHECK_INT(hs_cli_commit(&cfg, fd, tmp, dst, repl, 1), 0,
	    "committed, not durable");
	CHECK_INT(calls_fsync, 0, "... nothing fsync'd");
	CHECK_STR(slurp("q/done/" ID), REPL1, "... the one iovec");
	cfg.durable = 1;

	/* the destination's directory refused: tmp/ emptied, the old
	 * version kept */
	put("q/done/" ID, EVENT);
	ln("/tmp", "q/failed");
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	snprintf(dst, sizeof dst, "%s/q/failed/%s", spool, ID);
	CHECK_INT(hs_cli_commit(&cfg, fd, tmp, dst, repl, 2), -1,
	    "into a symlinked failed/");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("q/failed"), LOOP_WHY), "... naming it");
	CHECK_INT(entries("q/tmp"), 0, "... nothing left in tmp/");
	CHECK(access("/tmp/" ID, F_OK) == -1, "... nothing under /tmp");
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "... fd closed");

	/* tmp's directory fails to open once: the second try removes it */
	snprintf(dst, sizeof dst, "%s/q/done/%s", spool, ID);
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	fault_on("openat", 1, EMFILE, NULL);	/* q, from spool_dir */
	CHECK_INT(hs_cli_commit(&cfg, fd, tmp, dst, repl, 2), -1,
	    "tmp's directory cannot be opened");
	fault_off();
	CHECK_INT(errno, EMFILE, "... EMFILE");
	CHECK_INT(entries("q/tmp"), 0, "... tried again: nothing left in tmp/");
	CHECK_STR(slurp("q/done/" ID), EVENT, "... the old version kept");

	/* a temp file outside the spool: refused, nothing removed there */
	snprintf(outside, sizeof outside, "%s/outside", base);
	if ((f = fopen(outside, "w")) != NULL)
		fclose(f);
	fd = open(outside, O_WRONLY);
	CHECK_INT(hs_cli_commit(&cfg, fd, outside, dst, repl, 2), -1,
	    "a tmp outside spool_dir");
	CHECK_INT(errno, EXDEV, "... EXDEV");
	CHECK(access(outside, F_OK) == 0, "... not removed");
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "... fd closed");
	CHECK_STR(slurp("q/done/" ID), EVENT, "... the old version kept");

	/* the rename fails: tmp/ emptied, the old version kept */
	fd = hs_cli_tmp_open(&cfg, "q", ID, tmp, sizeof tmp);
	fault_on("renameat", 1, EIO, NULL);
	CHECK_INT(hs_cli_commit(&cfg, fd, tmp, dst, repl, 2), -1,
	    "rename fails");
	fault_off();
	CHECK_INT(errno, EIO, "... EIO");
	CHECK_INT(entries("q/tmp"), 0, "... nothing left in tmp/");
	CHECK_STR(slurp("q/done/" ID), EVENT, "... the old version kept");
}

/* --- the meta sidecar -------------------------------------------------------- */

static void
test_meta(void)
{
	json_object *m, *got;
	char	 id[300], big[4096];
	int	 mfd, i;
	FILE	*f;

	fresh_queue(1);
	errno = 0;
	CHECK(hs_cli_meta_load(&cfg, "q", ID) == NULL && errno == ENOENT,
	    "no meta/: none, ENOENT");
	CHECK_INT(hs_cli_meta_remove(&cfg, "q", ID), 0,
	    "removing it without meta/: nothing to do");
	m = json_object_new_object();
	json_object_object_add(m, "attempts", json_object_new_int(2));
	json_object_object_add(m, "path", json_object_new_string("a/b"));
	calls_fsync = 0;
	CHECK_INT(hs_cli_meta_save(&cfg, "q", ID, m), 0, "saved, meta/ made");
	CHECK_STR(slurp("q/meta/" ID ".json"), "{\"attempts\":2,\"path\":\"a/b\"}\n",
	    "one line of plain JSON, '/' not escaped");
	CHECK_INT(entries("q/meta"), 1, "no temp file left in meta/");
	CHECK_INT(calls_fsync, 3, "the queue (new meta/), the file, meta/");
	got = hs_cli_meta_load(&cfg, "q", ID);
	CHECK(got != NULL && hs_cli_meta_int(got, "attempts", 0) == 2,
	    "loaded back");
	json_object_put(got);

	/* what each sync level fsyncs */
	mfd = hs_cli_dir(&cfg, "q", "meta", 0);
	calls_fsync = 0;
	CHECK(hs_cli_meta_saveat(&cfg, mfd, ID, m, HS_CLI_META_DURABLE) == 0 &&
	    calls_fsync == 2, "DURABLE: file and meta/ (%d)", calls_fsync);
	calls_fsync = 0;
	CHECK(hs_cli_meta_saveat(&cfg, mfd, ID, m, HS_CLI_META_DATA) == 0 &&
	    calls_fsync == 1, "DATA: the file only (%d)", calls_fsync);
	calls_fsync = 0;
	CHECK(hs_cli_meta_saveat(&cfg, mfd, ID, m, HS_CLI_META_LAZY) == 0 &&
	    calls_fsync == 0, "LAZY: nothing (%d)", calls_fsync);
	cfg.durable = 0;
	calls_fsync = 0;
	CHECK(hs_cli_meta_saveat(&cfg, mfd, ID, m, HS_CLI_META_DURABLE) == 0 &&
	    calls_fsync == 0, "durable false: nothing (%d)", calls_fsync);
	cfg.durable = 1;
	CHECK_INT(entries("q/meta"), 1, "still one file in meta/");

	/* a symlink planted as the meta is replaced, never followed */
	put("target", "not ours");
	unlink(at("q/meta/" ID ".json"));
	ln(at("target"), "q/meta/" ID ".json");
	errno = 0;
	CHECK(hs_cli_meta_load(&cfg, "q", ID) == NULL && errno == ELOOP,
	    "a symlinked meta: not loaded, ELOOP");
	CHECK(warns(at("q/meta/" ID ".json"), FILE_LOOP_WHY), "... naming it");
	CHECK_INT(hs_cli_meta_saveat(&cfg, mfd, ID, m, HS_CLI_META_DURABLE), 0,
	    "saved over the symlink");
	CHECK_STR(slurp("target"), "not ours", "... its target untouched");
	CHECK_STR(slurp("q/meta/" ID ".json"), "{\"attempts\":2,\"path\":\"a/b\"}\n",
	    "... a file of ours in its place");

	/* a name planted at our temp name (a hard link to a file elsewhere,
	 * as the spool's writer can where fs.protected_hardlinks is 0, or a
	 * crashed run's leftover) is removed, never written through */
	{
		char	 victim[300], tmpname[320];
		FILE	*vf;

		snprintf(victim, sizeof victim, "%s/victim", base);
		if ((vf = fopen(victim, "w")) != NULL) {
			fputs("precious\n", vf);
			fclose(vf);
		}
		snprintf(tmpname, sizeof tmpname, "q/meta/.%s.%ld.tmp", ID,
		    (long)getpid());
		CHECK(link(victim, at(tmpname)) == 0, "hard link planted");
		CHECK_INT(hs_cli_meta_saveat(&cfg, mfd, ID, m,
		    HS_CLI_META_DURABLE), 0, "saved past a planted temp name");
		CHECK_STR(slurp("../victim"), "precious\n",
		    "... the file it linked to untouched");
		CHECK_STR(slurp("q/meta/" ID ".json"),
		    "{\"attempts\":2,\"path\":\"a/b\"}\n", "... the meta saved");
		CHECK_INT(entries("q/meta"), 1, "... no temp file left");
	}

	/* a FIFO: refused at once, never waited on */
	unlink(at("q/meta/" ID ".json"));
	CHECK(mkfifo(at("q/meta/" ID ".json"), 0600) == 0, "mkfifo");
	errno = 0;
	CHECK(hs_cli_meta_load(&cfg, "q", ID) == NULL && errno == EMEDIUMTYPE,
	    "a FIFO meta: EMEDIUMTYPE, and no hang");
	CHECK(warns(at("q/meta/" ID ".json"), "is not a regular file (refused)"),
	    "... naming it");
	unlink(at("q/meta/" ID ".json"));

	/* none in meta/: ENOENT, and nothing noted (none is no refusal) */
	hs_cli_note("untouched", "marker");
	errno = 0;
	CHECK(hs_cli_meta_load(&cfg, "q", ID) == NULL && errno == ENOENT,
	    "no meta in meta/: ENOENT");
	CHECK_STR(warned("t"), "hookspool: t: marker: untouched",
	    "... the note not taken");

	/* unreadable now, not JSON, not an object, too big */
	CHECK_INT(hs_cli_meta_save(&cfg, "q", ID, m), 0, "saved");
	fault_on("read", 1, EIO, NULL);
	errno = 0;
	CHECK(hs_cli_meta_loadat(mfd, ID) == NULL && errno == EIO &&
	    !hs_cli_meta_absent(errno), "a read error: EIO, not absent");
	fault_off();
	put("q/meta/" ID ".json", "{\"attempts\":");
	errno = 0;
	CHECK(hs_cli_meta_loadat(mfd, ID) == NULL && errno == EINVAL,
	    "cut short (a lazy write and a crash): EINVAL");
	put("q/meta/" ID ".json", "[1,2]\n");
	errno = 0;
	CHECK(hs_cli_meta_loadat(mfd, ID) == NULL && errno == EINVAL,
	    "an array: EINVAL");
	if ((f = fopen(at("q/meta/" ID ".json"), "w")) != NULL) {
		memset(big, ' ', sizeof big);
		for (i = 0; i < 257; i++)
			fwrite(big, 1, sizeof big, f);
		fclose(f);
	}
	errno = 0;
	CHECK(hs_cli_meta_loadat(mfd, ID) == NULL && errno == EFBIG,
	    "over 1 MiB: EFBIG");

	/* ids whose meta or temp name cannot be made */
	memset(id, 'i', sizeof id);
	id[252] = '\0';		/* <id>.json: 257 bytes */
	errno = 0;
	CHECK(hs_cli_meta_loadat(mfd, id) == NULL && errno == ENAMETOOLONG,
	    "meta name past NAME_MAX: ENAMETOOLONG");
	CHECK_INT(hs_cli_meta_saveat(&cfg, mfd, id, m, HS_CLI_META_DURABLE), -1,
	    "... not saved");
	CHECK_INT(errno, ENAMETOOLONG, "... ENAMETOOLONG");
	CHECK_INT(hs_cli_meta_removeat(mfd, id), -1, "... not removed");
	CHECK_INT(errno, ENAMETOOLONG, "... ENAMETOOLONG");
	id[250] = '\0';		/* <id>.json fits, .<id>.<pid>.tmp not */
	CHECK_INT(hs_cli_meta_saveat(&cfg, mfd, id, m, HS_CLI_META_DURABLE), -1,
	    "temp name past NAME_MAX");
	CHECK_INT(errno, ENAMETOOLONG, "... ENAMETOOLONG");
	CHECK_INT(entries("q/meta"), 1, "... nothing made");

	/* the temp file cannot be made; the commit fails: nothing left */
	fault_on("openat", 1, ENOSPC, NULL);
	CHECK_INT(hs_cli_meta_saveat(&cfg, mfd, ID, m, HS_CLI_META_DURABLE), -1,
	    "temp file cannot be made");
	CHECK_INT(errno, ENOSPC, "... ENOSPC");
	fault_off();
	fault_on("fsync", 1, EIO, NULL);
	CHECK_INT(hs_cli_meta_saveat(&cfg, mfd, ID, m, HS_CLI_META_DURABLE), -1,
	    "fsync fails");
	CHECK_INT(errno, EIO, "... EIO");
	fault_off();
	CHECK_INT(entries("q/meta"), 1, "... no temp file left, the old meta "
	    "there");
	CHECK(slurp("q/meta/" ID ".json") != NULL &&
	    slurp("q/meta/" ID ".json")[0] == ' ', "... unchanged");

	/* removal */
	CHECK_INT(hs_cli_meta_removeat(mfd, ID), 0, "removed");
	CHECK(!exists("q/meta/" ID ".json"), "... gone");
	CHECK_INT(hs_cli_meta_removeat(mfd, ID), 0, "again: nothing to do");
	mk("q/meta/dir.json");
	CHECK_INT(hs_cli_meta_removeat(mfd, "dir"), -1, "a directory: -1");
	CHECK_INT(errno, EISDIR, "... EISDIR");
	CHECK(exists("q/meta/dir.json"), "... kept");
	CHECK_INT(hs_cli_meta_save(&cfg, "q", ID, m), 0, "saved");
	CHECK_INT(hs_cli_meta_remove(&cfg, "q", ID), 0, "removed by queue");
	CHECK(!exists("q/meta/" ID ".json"), "... gone");
	close(mfd);

	/* meta/ refused */
	rmdir(at("q/meta/dir.json"));
	rmdir(at("q/meta"));
	ln("/tmp", "q/meta");
	errno = 0;
	CHECK(hs_cli_meta_load(&cfg, "q", ID) == NULL && errno == ELOOP,
	    "meta/ a symlink: not loaded, ELOOP");
	CHECK(warns(at("q/meta"), LOOP_WHY), "... naming meta/");
	CHECK_INT(hs_cli_meta_save(&cfg, "q", ID, m), -1, "... not saved");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK_INT(hs_cli_meta_remove(&cfg, "q", ID), -1, "... not removed");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(access("/tmp/" ID ".json", F_OK) == -1, "nothing under /tmp");
	json_object_put(m);
}

/* --- event files ------------------------------------------------------------- */

static void
test_event(void)
{
	struct hs_envelope_file ev;
	char	 path[512];
	int	 fd, dfd;

	fresh_queue(1);
	put("q/new/" ID, EVENT);
	snprintf(path, sizeof path, "%s/q/new/%s", spool, ID);
	CHECK_INT(hs_cli_event_load(path, &ev), 0, "an event");
	CHECK(strcmp(hs_envelope_str(&ev, "id"), ID) == 0 && ev.body_len == 7 &&
	    memcmp(ev.data + ev.body_off, "{\"a\":1}", 7) == 0,
	    "... its head and body");
	hs_envelope_free(&ev);

	ln(at("q/new/" ID), "q/new/lnk");
	snprintf(path, sizeof path, "%s/q/new/lnk", spool);
	CHECK_INT(hs_cli_event_load(path, &ev), -1, "a symlink to an event");
	CHECK_INT(errno, ELOOP, "... ELOOP, never followed");
	CHECK(ev.data == NULL && ev.head == NULL, "... nothing loaded");
	CHECK(mkfifo(at("q/new/fifo"), 0600) == 0, "mkfifo");
	snprintf(path, sizeof path, "%s/q/new/fifo", spool);
	CHECK_INT(hs_cli_event_load(path, &ev), -1, "a FIFO");
	CHECK_INT(errno, EMEDIUMTYPE, "... EMEDIUMTYPE, and no hang");
	mk("q/new/dir");
	snprintf(path, sizeof path, "%s/q/new/dir", spool);
	CHECK_INT(hs_cli_event_load(path, &ev), -1, "a directory");
	CHECK_INT(errno, EMEDIUMTYPE, "... EMEDIUMTYPE");
	put("q/new/cut", "{\"id\":\"x\"");
	snprintf(path, sizeof path, "%s/q/new/cut", spool);
	CHECK_INT(hs_cli_event_load(path, &ev), -1, "not an event");
	CHECK_INT(errno, EINVAL, "... EINVAL");
	snprintf(path, sizeof path, "%s/q/new/none", spool);
	CHECK_INT(hs_cli_event_load(path, &ev), -1, "none");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	ln("/tmp", "q/cur/x");
	snprintf(path, sizeof path, "%s/q/cur/x/y", spool);
	CHECK_INT(hs_cli_event_load(path, &ev), -1, "through a symlinked dir");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK(warns(at("q/cur/x"), LOOP_WHY), "... naming it");
	CHECK_INT(hs_cli_event_load("/etc/passwd", &ev), -1, "outside the spool");
	CHECK_INT(errno, EXDEV, "... EXDEV");

	/* open_file itself: flags kept, fstat failing */
	dfd = hs_cli_dir(&cfg, "q", "new", 0);
	fd = hs_cli_open_file(dfd, ID, O_RDWR | O_APPEND);
	CHECK(fd >= 0 && (fcntl(fd, F_GETFL) & (O_NONBLOCK | O_APPEND)) ==
	    O_APPEND, "opened read-write: O_NONBLOCK dropped, O_APPEND kept");
	close(fd);
	fault_on("fstat", 1, EIO, NULL);
	CHECK_INT(hs_cli_open_file(dfd, ID, O_RDONLY), -1, "fstat fails");
	CHECK_INT(errno, EIO, "... EIO");
	fault_off();
	CHECK_INT(hs_cli_event_loadat(dfd, "lnk", &ev), -1, "loadat: symlink");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK_INT(hs_cli_event_loadat(dfd, ID, &ev), 0, "loadat: the event");
	hs_envelope_free(&ev);
	close(dfd);
}

int
main(void)
{
	char	 cmd[200];

	tap_suite = "test_cli_spool";
	if (mkdtemp(base) == NULL)
		return 1;
	umask(022);
	test_config();
	test_names();
	test_meta_values();
	test_dirs();
	test_list();
	test_queues();
	test_find();
	test_move();
	test_commit();
	test_meta();
	test_event();
	if (cfg_loaded)
		hs_config_free(&cfg);
	snprintf(cmd, sizeof cmd, "rm -rf %s", base);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}

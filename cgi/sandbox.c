/*
 * sandbox.c - the receiver confines itself, as OpenBSD's slowcgi pledges
 * and unveils: Landlock for the files, seccomp for the system calls.
 *
 * Landlock rules hold directories, not the files' current inodes: a
 * config or secret replaced by rename(2) (every editor, every rotation
 * script) is a new inode that a rule on the old file would not cover, and
 * the reload would fail. So the directory of the config and of every file
 * it read may be read (files only: no listing), and spool_dir read and
 * written; nothing may be executed, and no other file written anywhere.
 *
 * seccomp allows the calls the request path makes (found with strace -f
 * of the test suites, CGI and FastCGI); anything else, process creation
 * and socket(2)/connect(2)/bind(2) first, raises SIGSYS, whose handler
 * writes one fixed line naming the call to stderr (the server's error
 * log: the kernel's audit record is not one a user can read) and exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#ifdef HS_SANDBOX_TEST_HOOK
#include <arpa/inet.h>
#include <sys/resource.h>
#include <netinet/in.h>
#endif
#include <unistd.h>

#include <linux/landlock.h>
#include <seccomp.h>

#include "hs_log.h"
#include "hs_sandbox.h"
#include "hs_spool.h"

/*
 * The rights of later ABIs than the build host's <linux/landlock.h> may
 * know (Debian 12's stops at ABI 2); the values are the kernel's ABI.
 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)	/* ABI 5 */
#endif
#define NET_BIND_TCP		(1ULL << 0)		/* ABI 4 */
#define NET_CONNECT_TCP		(1ULL << 1)
#define SCOPE_ABSTRACT_UNIX	(1ULL << 0)		/* ABI 6 */
#define SCOPE_SIGNAL		(1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6; older kernels get a prefix. */
struct ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;	/* ABI 4 */
	uint64_t	scoped;			/* ABI 6 */
};

#define FS_READ		LANDLOCK_ACCESS_FS_READ_FILE
#define FS_SPOOL	(LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_DIR | \
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)

#define MAX_DIRS	64

#ifndef SYS_SECCOMP
#define SYS_SECCOMP	1	/* si_code of a seccomp trap (asm/siginfo.h) */
#endif

/* What hs_sandbox_enter() did, for hs_sandbox_covers(). */
static struct {
	int	 entered;
	int	 mode;		/* HS_SANDBOX_* of the config it entered with */
	int	 landlock;	/* ABI in force, 0: files not confined */
	int	 seccomp;
	char	*spools[HS_SANDBOX_MAX_CONFIGS];
	size_t	 nspools;
	char	*configs[HS_SANDBOX_MAX_CONFIGS];	/* paths confined for */
	size_t	 nconfigs;
	char	*dirs[MAX_DIRS];
	size_t	 ndirs;
} sb;

int
hs_sandbox_landlock_abi(const char **why)
{
	long	 abi;

#ifdef HS_SANDBOX_DISABLED
	*why = "this build has no sandbox (SANDBOX=off)";
	return 0;
#endif
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi >= 2)
		return (int)abi;
	/* ABI 1 had no REFER: a rename between two directories, which
	 * every delivery makes (tmp/ -> new/), is always refused */
	*why = abi == 1 ? "Landlock: ABI 1 (kernel 5.13-5.18) refuses the "
	    "spool's renames between directories" :
	    errno == ENOSYS ? "Landlock: not in this kernel" :
	    errno == EOPNOTSUPP ? "Landlock: disabled at boot (lsm=)" :
	    errno == EPERM ? "Landlock: refused (a container's seccomp "
	    "profile?)" : "Landlock: unavailable";
	return 0;
}

int
hs_sandbox_seccomp_ok(const char **why)
{
#ifdef HS_SANDBOX_DISABLED
	*why = "this build has no sandbox (SANDBOX=off)";
	return 0;
#endif
	/* PR_GET_SECCOMP: EINVAL without CONFIG_SECCOMP */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == -1) {
		*why = "seccomp: not in this kernel";
		return 0;
	}
	return 1;
}

/* The directory of path ("/" for "/x", "." for "x"), into out. */
static void
dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/*
 * A directory shared with other files: the root, a top-level one (/etc,
 * /tmp, /home), a home directory. Allowing it would let the process read
 * everything below it (~/.ssh beside a config in $HOME).
 */
static int
broad(const char *dir)
{
	const char *home = getenv("HOME"), *p;

	if (strcmp(dir, "/") == 0 || strchr(dir + 1, '/') == NULL ||
	    (home && *home && strcmp(dir, home) == 0) ||
	    strcmp(dir, "/root") == 0)
		return 1;
	/* /home/NAME */
	return strncmp(dir, "/home/", 6) == 0 && (p = dir + 6, *p) &&
	    strchr(p, '/') == NULL;
}

/*
 * What Landlock is given for a file the config reads: its directory, so
 * that a file replaced by rename still reloads in this process, unless
 * that directory is broad; then the file itself (a replaced file is a new
 * inode it may not read, and the process is replaced instead). Both as
 * the kernel sees them: absolute, symlinks resolved. -1 when the path
 * cannot be resolved.
 */
static int
grant_for(const char *path, char *out, size_t len)
{
	char	 dir[PATH_MAX], real[PATH_MAX];

	dir_of(path, dir, sizeof dir);
	if (realpath(dir, real) == NULL)
		return -1;
	if (!broad(real)) {
		snprintf(out, len, "%s", real);
		return 0;
	}
	if (realpath(path, real) == NULL)
		return -1;
	snprintf(out, len, "%s", real);
	return 0;
}

/* Whether the list v of n strings holds s. */
static int
listed(char *const *v, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
remember_dir(const char *path)
{
	char	 grant[PATH_MAX];

	if (grant_for(path, grant, sizeof grant) == -1)
		return 0;	/* unreadable anyway; a reload names it */
	if (listed(sb.dirs, sb.ndirs, grant))
		return 0;
	if (sb.ndirs == MAX_DIRS) {
		errno = E2BIG;
		return -1;
	}
	if ((sb.dirs[sb.ndirs] = strdup(grant)) == NULL)
		return -1;
	sb.ndirs++;
	return 0;
}

static int
known_dir(const char *path)
{
	char	 grant[PATH_MAX];

	return grant_for(path, grant, sizeof grant) == 0 &&
	    listed(sb.dirs, sb.ndirs, grant);
}

/* What cfg needs: its directories, its spool (made now if it is not
 * there, as its first delivery would make it: a rule needs an inode). */
static int
remember(const struct hs_config *cfg)
{
	size_t	 i;
	int	 fd;

	if (remember_dir(cfg->path) == -1)
		return -1;
	if (sb.nconfigs < HS_SANDBOX_MAX_CONFIGS &&
	    (sb.configs[sb.nconfigs] = strdup(cfg->path)) != NULL)
		sb.nconfigs++;
	for (i = 0; i < cfg->nwatch; i++)
		if (remember_dir(cfg->watch[i].path) == -1)
			return -1;
	if (listed(sb.spools, sb.nspools, cfg->spool_dir))
		return 0;
	if (sb.nspools == HS_SANDBOX_MAX_CONFIGS) {
		errno = E2BIG;
		return -1;
	}
	if ((sb.spools[sb.nspools] = strdup(cfg->spool_dir)) == NULL)
		return -1;
	sb.nspools++;
	if ((fd = hs_spool_open_root(cfg->spool_dir, 1)) != -1)
		close(fd);
	return 0;
}

static int
add_rule(int ruleset, const char *path, uint64_t access, uint64_t handled)
{
	struct landlock_path_beneath_attr pb;
	int	 fd, rc, saved;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return -1;
	pb.allowed_access = access & handled;
	pb.parent_fd = fd;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/*
 * Files: read below the remembered directories, read-write below spool,
 * nothing else; TCP bind and connect denied (ABI 4), abstract Unix
 * sockets and signals outside the process scoped (ABI 6). 0, or -1 with
 * *why.
 */
static int
landlock_enter(int abi, const char **why)
{
	struct ruleset_attr ra;
	size_t	 size, i;
	int	 rs = -1;

	memset(&ra, 0, sizeof ra);
	ra.handled_access_fs = ((LANDLOCK_ACCESS_FS_REFER << 1) - 1);
	if (abi >= 3)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	size = sizeof ra.handled_access_fs;
	if (abi >= 4) {
		ra.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
		size = offsetof(struct ruleset_attr, scoped);
	}
	if (abi >= 6) {
		ra.scoped = SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL;
		size = sizeof ra;
	}
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &ra, size, 0)) ==
	    -1) {
		*why = "Landlock: cannot create a ruleset";
		goto fail;
	}
	for (i = 0; i < sb.ndirs; i++)
		if (add_rule(rs, sb.dirs[i], FS_READ, ra.handled_access_fs) ==
		    -1) {
			*why = "Landlock: cannot add a config directory";
			goto fail;
		}
	for (i = 0; i < sb.nspools; i++)
		if (add_rule(rs, sb.spools[i], FS_SPOOL,
		    ra.handled_access_fs) == -1) {
			*why = "Landlock: cannot add spool_dir";
			goto fail;
		}
#ifdef HS_SANDBOX_GCOV_DIR
	/* `make coverage` only: gcov writes .gcda files there at exit */
	if (add_rule(rs, HS_SANDBOX_GCOV_DIR, FS_SPOOL,
	    ra.handled_access_fs) == -1) {
		*why = "Landlock: cannot add the coverage directory";
		goto fail;
	}
#endif
	if (syscall(SYS_landlock_restrict_self, rs, 0) == -1) {
		*why = "Landlock: restrict_self failed";
		goto fail;
	}
	close(rs);
	return 0;
fail:
	if (rs != -1)
		close(rs);
	return -1;
}

/* A decimal for the signal handler (no stdio there). */
static size_t
fmt_long(char *out, long v)
{
	char	 tmp[24];
	size_t	 n = 0, i = 0;
	int	 neg = v < 0;

	do {
		tmp[n++] = (char)('0' + (neg ? -(v % 10) : v % 10));
		v /= 10;
	} while (v != 0);
	if (neg)
		out[i++] = '-';
	while (n)
		out[i++] = tmp[--n];
	return i;
}

/* Names of the calls an exploit reaches for first, for the log line (the
 * signal handler cannot ask libseccomp, which allocates). */
static const struct {
	long		 nr;
	const char	*name;
} named[] = {
	{ SYS_execve, "execve" }, { SYS_execveat, "execveat" },
	{ SYS_clone, "clone" }, { SYS_clone3, "clone3" },
#ifdef SYS_fork
	{ SYS_fork, "fork" }, { SYS_vfork, "vfork" },
#endif
	{ SYS_socket, "socket" }, { SYS_connect, "connect" },
	{ SYS_bind, "bind" }, { SYS_listen, "listen" },
	{ SYS_socketpair, "socketpair" }, { SYS_sendto, "sendto" },
	{ SYS_ptrace, "ptrace" }, { SYS_mprotect, "mprotect" },
	{ SYS_mmap, "mmap" }, { SYS_rt_sigaction, "rt_sigaction" },
	{ SYS_kill, "kill" }, { SYS_tgkill, "tgkill" },
	{ SYS_setuid, "setuid" }, { SYS_chmod, "chmod" },
	{ SYS_chown, "chown" }, { SYS_symlink, "symlink" },
	{ SYS_accept, "accept" }, { SYS_accept4, "accept4" },
};

/*
 * A refused system call. Async-signal-safe: one write(2) of a fixed line,
 * then _exit with 128 + SIGSYS, as a kill by the signal would report.
 */
static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char a[] = "hookspool[", b[] = "]: sandbox: system call ",
	    c[] = " refused by seccomp; exiting\n";
	char	 line[160];
	size_t	 n = 0, i, len;
	ssize_t	 w;

	(void)uc;
	if (si->si_code != SYS_SECCOMP)	/* kill(2) by someone: as by default */
		_exit(128 + sig);
	memcpy(line + n, a, sizeof a - 1);
	n += sizeof a - 1;
	n += fmt_long(line + n, (long)getpid());
	memcpy(line + n, b, sizeof b - 1);
	n += sizeof b - 1;
	n += fmt_long(line + n, (long)si->si_syscall);
	for (i = 0; i < sizeof named / sizeof named[0]; i++)
		if (named[i].nr == si->si_syscall) {
			len = strlen(named[i].name);
			line[n++] = ' ';
			line[n++] = '(';
			memcpy(line + n, named[i].name, len);
			n += len;
			line[n++] = ')';
			break;
		}
	memcpy(line + n, c, sizeof c - 1);
	n += sizeof c - 1;
	w = write(STDERR_FILENO, line, n);
	(void)w;
	_exit(128 + sig);
}

/*
 * The request path's system calls, by name (libseccomp resolves them for
 * the build's architecture; one that does not exist there is skipped).
 * Those with conditions are added in seccomp_enter().
 */
static const char *const allowed[] = {
	/* I/O on the request's descriptors, the log, spool files */
	"read", "readv", "write", "writev", "pread64", "pwrite64", "lseek",
	"close", "dup", "poll", "ppoll", "select", "pselect6",
	"shutdown", "getpeername", "getsockname", "getsockopt",
	/* config lookup, reload checks, the spool (spool.c) */
	"open", "openat", "stat", "fstat", "lstat", "newfstatat", "statx",
	"access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"getdents64", "getcwd", "mkdir", "mkdirat", "unlink", "unlinkat", "rmdir",
	"rename", "renameat", "renameat2", "link", "linkat", "fchmod",
	"fsync", "fdatasync", "flock", "ftruncate", "fallocate", "umask",
	/* malloc; mmap and mprotect only without PROT_EXEC (below) */
	"brk", "munmap", "mremap", "madvise", "futex",
	/* ids, time, randomness */
	"getrandom", "clock_gettime", "clock_getres", "gettimeofday", "time",
	"clock_nanosleep", "nanosleep", "getpid", "gettid", "getuid",
	"geteuid", "getgid", "getegid", "uname", "getrlimit", "sched_yield",
	/* glibc's qsort sizes its buffer by the machine's memory (the JSON
	 * tracker sorts an object's keys): sysinfo(2), first called once a
	 * body has an object of 33 keys or more */
	"sysinfo",
	/* signals: the body timer, SIGTERM between requests */
	"rt_sigprocmask", "rt_sigreturn", "sigaltstack", "setitimer",
	"getitimer", "alarm", "restart_syscall",
	"exit", "exit_group",
};

/* the body timer, SIGTERM/SIGUSR1 between requests, abort(3) */
static const int handled_signals[] = {
	SIGALRM, SIGTERM, SIGUSR1, SIGPIPE, SIGABRT, SIGINT, SIGHUP,
};

static const int fcntl_cmds[] = {
	F_GETFD, F_SETFD, F_GETFL, F_DUPFD_CLOEXEC, F_GETLK, F_SETLK, F_SETLKW,
	F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW,
};

static int
seccomp_enter(const char **why)
{
	scmp_filter_ctx ctx;
	size_t	 i;
	int	 nr;

	/* the default: SIGSYS, on_sigsys */
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		*why = "seccomp: cannot make a filter";
		return -1;
	}
	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		if ((nr = seccomp_syscall_resolve_name(allowed[i])) ==
		    __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			goto fail;
	}
	/* FastCGI: accept only on fd 0, the socket the server listens on */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(accept), 1,
	    SCMP_A0(SCMP_CMP_EQ, 0, 0)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(accept4), 1,
	    SCMP_A0(SCMP_CMP_EQ, 0, 0)) < 0)
		goto fail;
	/* no new executable memory */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) < 0)
		goto fail;
	/* signal handlers for the signals the request path handles, never
	 * SIGSYS's: on_sigsys stays. The kernel reads the signal as an int,
	 * so only its low 32 bits are compared (libseccomp compares all 64:
	 * a not-equal rule would let SIGSYS | 1 << 32 through) */
	for (i = 0; i < sizeof handled_signals / sizeof handled_signals[0];
	    i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction),
		    1, SCMP_A0_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL,
		    (scmp_datum_t)handled_signals[i])) < 0)
			goto fail;
	/* abort(3) signals itself; nobody else */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0_32(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0_32(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0)) < 0)
		goto fail;
	/* its own limits, read only: prlimit64(0, res, NULL, &old) */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
	    SCMP_A0_32(SCMP_CMP_EQ, 0, 0), SCMP_A2_64(SCMP_CMP_EQ, 0, 0)) < 0)
		goto fail;
	/* fcntl: descriptor flags and locks (libfcgi, gcov); never
	 * F_SETOWN/F_SETSIG/O_ASYNC, which signal another process */
	for (i = 0; i < sizeof fcntl_cmds / sizeof fcntl_cmds[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
		    SCMP_A1_32(SCMP_CMP_EQ, (scmp_datum_t)fcntl_cmds[i], 0)) < 0)
			goto fail;
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 2,
	    SCMP_A1_32(SCMP_CMP_EQ, F_SETFL, 0),
	    SCMP_A2_64(SCMP_CMP_MASKED_EQ, O_ASYNC, 0)) < 0)
		goto fail;
	if (seccomp_load(ctx) < 0) {
		*why = "seccomp: cannot load the filter";
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
fail:
	*why = "seccomp: cannot build the filter";
	seccomp_release(ctx);
	return -1;
}

#ifdef HS_SANDBOX_TEST_HOOK
/*
 * Tests only (the suite's own build, never the shipped binary): once
 * confined, HS_SANDBOX_TEST=read|write|exec|socket|connect|mprotect|
 * setown|sigsys|prlimit tries
 * what the sandbox must refuse (HS_SANDBOX_TEST_PATH: the file, or the
 * TCP port to connect to on 127.0.0.1) and logs what the kernel said, so
 * the suite can assert it.
 */
static void
test_hook(void)
{
	const char *t = getenv("HS_SANDBOX_TEST"), *p;
	char	*argv[] = { "/bin/true", NULL }, *envp[] = { NULL };
	struct sockaddr_in sin;
	void	*page;
	int	 fd = -1, rc = 0;

	if (t == NULL)
		return;
	p = getenv("HS_SANDBOX_TEST_PATH");
	if (strcmp(t, "read") == 0)
		rc = fd = open(p ? p : "/etc/passwd", O_RDONLY | O_CLOEXEC);
	else if (strcmp(t, "write") == 0)
		rc = fd = open(p ? p : "/tmp/hookspool-sandbox-test",
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	else if (strcmp(t, "exec") == 0)
		rc = execve(argv[0], argv, envp);
	else if (strcmp(t, "socket") == 0)
		rc = fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	else if (strcmp(t, "connect") == 0) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)atoi(p ? p : "1"));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((rc = fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) !=
		    -1)
			rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
	} else if (strcmp(t, "setown") == 0)	/* signal another process */
		rc = fcntl(STDERR_FILENO, F_SETOWN, 1);
	else if (strcmp(t, "sigsys") == 0) {	/* SIGSYS | 1 << 32 */
		struct sigaction act;

		memset(&act, 0, sizeof act);
		act.sa_handler = SIG_IGN;
		rc = (int)syscall(SYS_rt_sigaction, (long)SIGSYS | 1L << 32, &act,
		    NULL, 8);
	} else if (strcmp(t, "prlimit") == 0) {	/* another's limits */
		struct rlimit lim = { 0, 0 };

		rc = (int)syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, &lim, NULL);
	} else if (strcmp(t, "mprotect") == 0) {
		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		rc = page == MAP_FAILED ? -1 :
		    mprotect(page, 4096, PROT_READ | PROT_EXEC);
	} else
		return;
	hs_log_msg("sandbox test", rc == -1 ? strerror(errno) : "allowed");
	if (fd != -1)
		close(fd);
}
#endif

/*
 * The one line saying what this process runs under. per_request (plain
 * CGI: a process per request) keeps quiet when it got what the mode
 * asks for, so a shared host's error log does not gain a line per
 * request; an unconfined CGI process says so every time, until the
 * admin sets "sandbox": "off".
 */
static void
log_state(const char *mode, const char *fs_why, const char *sc_why,
    int per_request)
{
	char	 line[512];

	if (sb.landlock && sb.seccomp) {
		if (per_request)
			return;
		snprintf(line, sizeof line, "Landlock ABI %d, seccomp (%s)",
		    sb.landlock, mode);
	} else if (sb.landlock)
		snprintf(line, sizeof line, "Landlock ABI %d; system calls "
		    "unconfined: %s (%s)", sb.landlock, sc_why, mode);
	else if (sb.seccomp)
		snprintf(line, sizeof line, "seccomp; files unconfined: %s "
		    "(%s)", fs_why, mode);
	else
		snprintf(line, sizeof line, "unconfined: %s; %s (%s; "
		    "\"sandbox\": \"off\" in the config silences this)",
		    fs_why ? fs_why : "-", sc_why ? sc_why : "-", mode);
	hs_log_msg("sandbox", line);
}

int
hs_sandbox_enter(const struct hs_config *const *cfgs, size_t ncfgs,
    int per_request)
{
	const struct hs_config *cfg = cfgs[0];
	const char *fs_why = NULL, *sc_why = NULL;
	struct sigaction sa;
	size_t	 i;
	int	 abi, files_ok = 1;

	if (sb.entered)
		return 0;
	sb.entered = 1;
	sb.mode = cfg->sandbox;
	if (cfg->sandbox == HS_SANDBOX_OFF) {
		if (!per_request)
			hs_log_msg("sandbox", "off (\"sandbox\": \"off\" in "
			    "the config)");
		goto done;
	}
#ifdef HS_SANDBOX_DISABLED
	/* the sanitizer and valgrind builds: see the Makefile */
	fs_why = sc_why = "this build has no sandbox (SANDBOX=off)";
	goto decided;
#endif
	for (i = 0; i < ncfgs && files_ok; i++)
		if (cfgs[i]->sandbox == sb.mode && remember(cfgs[i]) == -1) {
			/* files unconfined, said so; system calls still are */
			fs_why = errno == E2BIG ? "Landlock: more than 64 "
			    "directories or 8 spools to allow" :
			    "Landlock: out of memory";
			files_ok = 0;
		}
	/* both need no_new_privs without CAP_SYS_ADMIN; a receiver has no
	 * business gaining privileges anyway */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		fs_why = sc_why = "prctl(PR_SET_NO_NEW_PRIVS) failed";
		goto decided;
	}
	if (files_ok && (abi = hs_sandbox_landlock_abi(&fs_why)) > 0 &&
	    landlock_enter(abi, &fs_why) == 0)
		sb.landlock = abi;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (hs_sandbox_seccomp_ok(&sc_why)) {
		if (sigaction(SIGSYS, &sa, NULL) == -1)
			sc_why = "seccomp: cannot catch SIGSYS";
		else if (seccomp_enter(&sc_why) == 0)
			sb.seccomp = 1;
	}
	goto decided;
decided:
	if (cfg->sandbox == HS_SANDBOX_REQUIRED &&
	    (!sb.landlock || !sb.seccomp)) {
		char	 why[400];

		snprintf(why, sizeof why, "\"sandbox\": \"required\" but %s; "
		    "refusing to serve", !sb.landlock ? fs_why : sc_why);
		hs_log_msg("sandbox", why);
		return -1;
	}
	log_state(hs_sandbox_modes[cfg->sandbox], fs_why, sc_why, per_request);
done:
#ifdef HS_SANDBOX_TEST_HOOK
	test_hook();
#endif
	return 0;
}

static int
uncovered(const struct hs_config *cfg, char *why, size_t len)
{
	size_t	 i;

	if (cfg->sandbox != sb.mode) {
		snprintf(why, len, "its \"sandbox\" setting is not this "
		    "process's");
		return 1;
	}
	if (!sb.landlock)
		return 0;
	if (!listed(sb.spools, sb.nspools, cfg->spool_dir)) {
		snprintf(why, len, "spool_dir %s is not one this process may "
		    "write (%s%s)", cfg->spool_dir, sb.spools[0],
		    sb.nspools > 1 ? ", ..." : "");
		return 1;
	}
	if (!known_dir(cfg->path)) {
		snprintf(why, len, "it is outside the directories this "
		    "process may read");
		return 1;
	}
	for (i = 0; i < cfg->nwatch; i++)
		if (!known_dir(cfg->watch[i].path)) {
			snprintf(why, len, "it reads %s, outside the "
			    "directories this process may read",
			    cfg->watch[i].path);
			return 1;
		}
	return 0;
}

int
hs_sandbox_covers(const struct hs_config *cfg, char *why, size_t len)
{
	if (!sb.entered || !uncovered(cfg, why, len))
		return 1;
	hs_sandbox_hint(cfg->path, why, len);
	return 0;
}

void
hs_sandbox_hint(const char *path, char *why, size_t len)
{
	size_t	 n = strlen(why);

	/* a process meant to serve several configs: they must be named */
	if (sb.entered && !listed(sb.configs, sb.nconfigs, path) && n < len)
		snprintf(why + n, len - n, "; a process serving several "
		    "configs needs the others in HOOKSPOOL_SANDBOX_ALSO");
}

int
hs_sandbox_entered(void)
{
	return sb.entered;
}

int
hs_sandbox_active(void)
{
	return sb.landlock || sb.seccomp;
}

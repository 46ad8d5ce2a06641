/*
 * deny.c - sandbox-deny MODE CMD [ARG...]: runs CMD as on a host that
 * cannot confine it, by answering the calls the receiver's sandbox makes
 * the way such hosts do (a seccomp filter of our own, inherited across
 * execve, as a container runtime's profile is):
 *
 *   nolandlock  landlock_*() fail with ENOSYS (a kernel built without it)
 *   landlock-eperm  landlock_*() fail with EPERM (Docker's default profile)
 *   noseccomp   seccomp() and prctl(PR_{GET,SET}_SECCOMP) fail with EINVAL
 *               (a kernel without CONFIG_SECCOMP_FILTER)
 *   neither     both of nolandlock and noseccomp
 *
 * Tests only (tests/sandbox/run.sh); exits 127 when it cannot set up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

static int
deny(scmp_filter_ctx ctx, const char *name, int err)
{
	int	 nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;	/* not on this architecture */
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
}

int
main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	const char *mode;
	int	 no_ll, no_sc, ll_err = ENOSYS, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: sandbox-deny nolandlock|landlock-eperm|"
		    "noseccomp|neither CMD [ARG...]\n");
		return 127;
	}
	mode = argv[1];
	no_ll = strcmp(mode, "nolandlock") == 0 ||
	    strcmp(mode, "landlock-eperm") == 0 || strcmp(mode, "neither") == 0;
	no_sc = strcmp(mode, "noseccomp") == 0 || strcmp(mode, "neither") == 0;
	if (strcmp(mode, "landlock-eperm") == 0)
		ll_err = EPERM;
	if (!no_ll && !no_sc) {
		fprintf(stderr, "sandbox-deny: unknown mode %s\n", mode);
		return 127;
	}
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return 127;
	if (no_ll)
		rc |= deny(ctx, "landlock_create_ruleset", ll_err) |
		    deny(ctx, "landlock_add_rule", ll_err) |
		    deny(ctx, "landlock_restrict_self", ll_err);
	if (no_sc) {
		rc |= deny(ctx, "seccomp", EINVAL);
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL),
		    SCMP_SYS(prctl), 1, SCMP_A0(SCMP_CMP_EQ, PR_GET_SECCOMP, 0));
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL),
		    SCMP_SYS(prctl), 1, SCMP_A0(SCMP_CMP_EQ, PR_SET_SECCOMP, 0));
	}
	if (rc != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    seccomp_load(ctx) != 0) {
		fprintf(stderr, "sandbox-deny: cannot install the filter\n");
		return 127;
	}
	seccomp_release(ctx);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "sandbox-deny: %s: %s\n", argv[2], strerror(errno));
	return 127;
}

/*
 * hs_sandbox.h - the receiver confines itself once its first config is
 * loaded, before that request goes on: Landlock lets it read the config's
 * and its secret files' directories and read-write spool_dir, nothing
 * else; seccomp lets it make the system calls the request path makes,
 * none that start a process or open a socket (a violation logs one line
 * naming the call and ends the process).
 */
#ifndef HS_SANDBOX_H
#define HS_SANDBOX_H

#include <stddef.h>

#include "hs_config.h"

/*
 * The kernel's Landlock ABI version: > 0, or 0 (not built in, disabled
 * at boot, or this build has no sandbox) with *why set.
 */
int	hs_sandbox_landlock_abi(const char **why);

/* seccomp filtering available (nonzero), else 0 with *why set. */
int	hs_sandbox_seccomp_ok(const char **why);

/* How many configs one process may be confined for (HOOKSPOOL_SANDBOX_ALSO) */
#define HS_SANDBOX_MAX_CONFIGS	8

/*
 * Confines the process for cfgs[0] (its "sandbox" mode) and the other
 * configs of the same mode among cfgs[1..n-1], and logs one line saying
 * what was enabled, or why not (per_request, plain CGI: only what falls
 * short of the mode). -1 only when the mode is "required" and the process
 * could not be confined (logged): the caller must not serve.
 */
int	hs_sandbox_enter(const struct hs_config *const *cfgs, size_t ncfgs,
	    int per_request);

/*
 * Whether this process, as hs_sandbox_enter() left it, can serve cfg:
 * the same mode, and, confined, every file it reads below a directory it
 * may read and the same spool_dir. 0 with why filled when not: a fresh
 * process must serve it.
 */
int	hs_sandbox_covers(const struct hs_config *cfg, char *why, size_t len);

/*
 * Appends to why (a NUL-terminated reason of len bytes at most) the advice
 * for a config path this process was not confined for.
 */
void	hs_sandbox_hint(const char *path, char *why, size_t len);

/* Nonzero once hs_sandbox_enter() was called (whatever it achieved). */
int	hs_sandbox_entered(void);

/* Nonzero once hs_sandbox_enter() confined the process (either part). */
int	hs_sandbox_active(void);

#endif

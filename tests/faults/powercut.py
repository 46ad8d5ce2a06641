#!/usr/bin/env python3
"""tests/faults/powercut.py - simulated power cuts during one delivery.

Usage: powercut.py BIN CLI WORKDIR

The receiver (BIN, plain CGI) delivers one event into a spool under strace;
the trace is the sequence of file-system operations it made. For every
prefix of that sequence (a cut after operation k) the model builds every
on-disk state the kernel may leave behind, then checks each state and
recovers from it with the real programs.

The model (what a crash may lose):
  - a file's data is durable only up to what an fsync of it covered; data
    written after that may be missing or cut anywhere;
  - a directory operation (create, mkdir, rename's two halves, link,
    unlink) is durable only once its directory was fsync'd after it; until
    then any subset of the pending operations may have reached the disk
    (each half of a rename on its own: the weakest POSIX reading), except
    that nothing can exist inside a directory that does not;
  - the answer is sent when the receiver writes "Status: 2xx" to stdout.
What it leaves out: reordering inside one file's data (a cut file is a
prefix), metadata other than names and lengths (modes, mtimes), and the
file system's own bugs; ext4's and XFS's stronger rename ordering is not
assumed, so the model is pessimistic.

Checked in every state of every cut:
  1. no reader-visible file (new/, cur/) may be partial;
  2. after the answer, the event is in new/, complete;
  3. recovery: the sender's retry (same request, no cut) ends with the
     event exactly once in new/ (answer accepted, or duplicate when the
     complete event survived), tmp/ leftovers are swept by `hookspool
     purge`, and `hookspool run` hands every event to the handler once.
Then the same for a CLAIM: one `hookspool run` over one queued event
(claim rename new/ -> cur/, fsync cur/, the start record in meta/ written
lazily, the handler, the rename to done/, fsync done/, the meta removed),
traced with the written bytes and the handler's execve. Every cut's states
start from the durable spool the delivery left; a rename is one pending
operation (both names at once), durable once its destination directory is
fsync'd; a file written but not fsync'd keeps nothing or all of its data.
Checked: the event complete in exactly one of new/, cur/, done/, failed/;
then one `run` (lease 0) and `purge` leave it in done/ only, the handler
run exactly once when it had not started before the cut, at most once
more when it may have (counted and printed: the re-runs). Left out for
the claim: a rename whose old name survives next to the new one (a file
system without atomic rename), partly kept meta data (a cut file is
empty or whole), mtimes (the lease is 0 in the model).
Prints one "ok"/"FAIL" line per cut and a closing "N passed, N failed".
"""
import codecs
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time

BIN, CLI, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
SECRET = "powercut-secret"
BODY = ('{"event":"DOCUMENT_SIGNED","payload":{"id":7,"title":"nda.pdf"},'
        '"createdAt":"2026-12-01T10:00:00.000Z"}')
passed = failed = 0


def ok(msg):
    global passed
    passed += 1
    print("ok   " + msg)


def bad(msg):
    global failed
    failed += 1
    print("FAIL " + msg)


def conf(spool):
    path = os.path.join(WORK, "conf.json")
    with open(path, "w") as f:
        # POWERCUT_DURABLE=false shows what durability off costs (and that
        # the model catches it)
        json.dump({"spool_dir": spool, "retry": {"keep_done_seconds": 3600},
                   "durable": os.environ.get("POWERCUT_DURABLE") != "false",
                   "endpoints": {"docs": {"provider": "documenso",
                                          "secrets": [SECRET],
                                          "routes": {"*": "signed"}}}}, f)
    return path


def no_leaks(env):
    """Under strace (an ASan build): LeakSanitizer needs ptrace itself."""
    opts = env.get("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] = (opts + ":" if opts else "") + "detect_leaks=0"


def deliver(spool, strace_out=None):
    env = {"PATH": "/usr/bin:/bin", "HOOKSPOOL_CONFIG": conf(spool),
           "REQUEST_METHOD": "POST", "PATH_INFO": "/docs",
           "CONTENT_TYPE": "application/json",
           "CONTENT_LENGTH": str(len(BODY.encode())),
           "HTTP_X_DOCUMENSO_SECRET": SECRET}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    cmd = [BIN]
    if strace_out:
        no_leaks(env)
        cmd = ["strace", "-f", "-y", "-s", "64", "-o", strace_out, "-e",
               "trace=open,openat,write,writev,fsync,fdatasync,mkdir,"
               "mkdirat,rename,renameat,renameat2,link,linkat,unlink,"
               "unlinkat"] + cmd
    out = subprocess.run(cmd, input=BODY.encode(), env=env,
                         capture_output=True).stdout.decode(errors="replace")
    status = out.split("\r\n", 1)[0]
    answer = out.split("\r\n\r\n", 1)[-1]
    try:
        answer = json.loads(answer).get("status")
    except ValueError:
        pass
    return status, answer


# --- the trace ------------------------------------------------------------
PATHARG = r'(?:-?\d+|AT_FDCWD)<([^>]*)>'
RX = {
    "openat": re.compile(r'^\d+ +openat\(' + PATHARG + r', "([^"]*)", ([A-Z_|0-9]+)(?:, \d+)?\)\s+=\s+(\d+)<'),
    "open": re.compile(r'^\d+ +open\("([^"]*)", ([A-Z_|0-9]+)(?:, \d+)?\)\s+=\s+(\d+)<'),
    "write": re.compile(r'^\d+ +writev?\((\d+)<([^>]*)>, (.*)\)\s+=\s+(\d+)$'),
    "fsync": re.compile(r'^\d+ +f(?:data)?sync\((\d+)<([^>]*)>\)\s+=\s+0$'),
    "mkdirat": re.compile(r'^\d+ +mkdirat\(' + PATHARG + r', "([^"]*)", \d+\)\s+=\s+0$'),
    "mkdir": re.compile(r'^\d+ +mkdir\("([^"]*)", \d+\)\s+=\s+0$'),
    "renameat": re.compile(r'^\d+ +renameat2?\(' + PATHARG + r', "([^"]*)", ' + PATHARG + r', "([^"]*)"(?:, [A-Z_]+)?\)\s+=\s+0$'),
    "linkat": re.compile(r'^\d+ +linkat\(' + PATHARG + r', "([^"]*)", ' + PATHARG + r', "([^"]*)", \d+\)\s+=\s+0$'),
    "unlinkat": re.compile(r'^\d+ +unlinkat\(' + PATHARG + r', "([^"]*)", \d+\)\s+=\s+0$'),
}


def join(d, name):
    return name if name.startswith("/") else os.path.normpath(d + "/" + name)


QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
EXECVE = re.compile(r'^(\d+) +execve\(.*\)\s+=\s+0$')


def parse(trace, spool, data=False):
    """The trace as model operations on paths under spool. data: writes
    carry their bytes (strace -s large enough), and ("handler",) marks
    where a child (the handler) was executed."""
    ops = []
    main_pid = None
    # the spool, and the directory holding it (the new root's own entry)
    top = os.path.dirname(spool)
    under = lambda p: p == top or p.startswith(spool + "/") or p == spool
    for line in open(trace):
        line = line.rstrip("\n")
        pid = line.split(" ", 1)[0]
        if main_pid is None:
            main_pid = pid
        if data:
            m = EXECVE.match(line)
            if m and pid != main_pid:
                ops.append(("handler",))
                continue
            if pid != main_pid:
                continue
        m = RX["openat"].match(line) or RX["open"].match(line)
        if m:
            if len(m.groups()) == 4:
                path, flags = join(m.group(1), m.group(2)), m.group(3)
            else:
                path, flags = m.group(1), m.group(2)
            if under(path) and "O_CREAT" in flags and "O_DIRECTORY" not in flags:
                ops.append(("create", path))
            continue
        m = RX["write"].match(line)
        if m:
            path, n = m.group(2), int(m.group(4))
            if under(path) and data:
                raw = b"".join(codecs.escape_decode(q.encode())[0]
                               for q in QUOTED.findall(m.group(3)))
                ops.append(("write", path, n, raw[:n]))
            elif under(path):
                ops.append(("write", path, n))
            elif "Status: 2" in m.group(3):
                ops.append(("ack",))
            continue
        m = RX["fsync"].match(line)
        if m:
            if under(m.group(2)):
                ops.append(("fsync", m.group(2)))
            continue
        m = RX["mkdirat"].match(line)
        if m:
            path = join(m.group(1), m.group(2))
            if under(path):
                ops.append(("mkdir", path))
            continue
        m = RX["mkdir"].match(line)
        if m:
            if under(m.group(1)):
                ops.append(("mkdir", m.group(1)))
            continue
        m = RX["renameat"].match(line)
        if m:
            src, dst = join(m.group(1), m.group(2)), join(m.group(3), m.group(4))
            ops.append(("rename", src, dst))
            continue
        m = RX["linkat"].match(line)
        if m:
            ops.append(("link", join(m.group(1), m.group(2)),
                        join(m.group(3), m.group(4))))
            continue
        m = RX["unlinkat"].match(line)
        if m:
            ops.append(("unlink", join(m.group(1), m.group(2))))
    return ops


# --- the model --------------------------------------------------------------
class Inode:
    count = 0

    def __init__(self):
        Inode.count += 1
        self.no = Inode.count
        self.written = 0
        self.synced = 0
        self.data = b""     # what was written (the claim model's traces)


def crash_states(ops, k, root_parent, initial=None, atomic_rename=False):
    """Every (names, inodes) state a cut after ops[:k] may leave.

    names: {path: ("dir", None) | ("file", inode)}; each inode carries the
    length a crash may keep (its fsync'd length: the worst case).
    initial: the durable tree before the first operation (the claim model
    starts from a spool holding a delivered event). atomic_rename: a
    rename is one pending operation, both names at once, durable once the
    destination's directory was fsync'd (the claim model; the delivery
    model splits it in halves)."""
    durable = {root_parent: ("dir", None)}
    durable.update(initial or {})
    current = dict(durable)
    pending = []       # [(dir, action, path, entry)] not yet fsync'd
    inodes = {}
    for op in ops[:k]:
        kind = op[0]
        if kind == "create":
            if op[1] not in current:
                ino = Inode()
                inodes[ino.no] = ino
                current[op[1]] = ("file", ino)
                pending.append((os.path.dirname(op[1]), "add", op[1], current[op[1]]))
        elif kind == "mkdir":
            current[op[1]] = ("dir", None)
            pending.append((os.path.dirname(op[1]), "add", op[1], current[op[1]]))
        elif kind == "write":
            ent = current.get(op[1])
            if ent and ent[0] == "file":
                ent[1].written += op[2]
                if len(op) > 3:
                    ent[1].data += op[3]
        elif kind == "fsync":
            ent = current.get(op[1])
            if ent and ent[0] == "file":
                ent[1].synced = ent[1].written
            elif ent:
                still = []
                for p in pending:
                    if p[0] == op[1]:
                        apply(durable, p)
                    else:
                        still.append(p)
                pending = still
        elif kind == "rename" and atomic_rename:
            ent = current.get(op[1])
            if ent is None:
                continue
            current[op[2]] = ent
            del current[op[1]]
            pending.append((os.path.dirname(op[2]), "move", op[2], (op[1], ent)))
        elif kind in ("rename", "link"):
            ent = current.get(op[1])
            if ent is None:
                continue
            current[op[2]] = ent
            pending.append((os.path.dirname(op[2]), "add", op[2], ent))
            if kind == "rename":
                del current[op[1]]
                pending.append((os.path.dirname(op[1]), "del", op[1], ent))
        elif kind == "unlink":
            ent = current.pop(op[1], None)
            if ent:
                pending.append((os.path.dirname(op[1]), "del", op[1], ent))
    states = []
    n = len(pending)
    if n > 14:
        raise SystemExit("too many pending operations to enumerate: %d" % n)
    for mask in range(1 << n):
        names = dict(durable)
        for i, p in enumerate(pending):
            if mask >> i & 1:
                apply(names, p)
        # nothing survives inside a directory that did not
        alive = {}
        for path in sorted(names, key=len):
            parent = os.path.dirname(path)
            if path == root_parent or (parent in alive and alive[parent][0] == "dir"):
                alive[path] = names[path]
        states.append(alive)
    return states


def apply(names, p):
    _, action, path, ent = p
    if action == "move":
        names.pop(ent[0], None)
        names[path] = ent[1]
    elif action == "add":
        names[path] = ent
    else:
        names.pop(path, None)


def key(state):
    return tuple(sorted((p, e[0], e[1].synced if e[1] else 0,
                         e[1].no if e[1] else 0) for p, e in state.items()))


# --- the run -------------------------------------------------------------------
def main():
    base = os.path.join(WORK, "base")
    os.makedirs(base, exist_ok=True)
    spool = os.path.join(base, "spool")
    trace = os.path.join(WORK, "trace")
    status, answer = deliver(spool, trace)
    if status != "Status: 200 OK" or answer != "accepted":
        bad("traced delivery: %s %s" % (status, answer))
        return
    event_path = [os.path.join(spool, "signed", "new", f)
                  for f in os.listdir(os.path.join(spool, "signed", "new"))][0]
    final = {}   # path at the end of the real run -> bytes
    for d, _, files in os.walk(spool):
        for f in files:
            final[os.path.join(d, f)] = open(os.path.join(d, f), "rb").read()
    event_bytes = final[event_path]
    ops = parse(trace, spool)
    kinds = {}
    for op in ops:
        kinds[op[0]] = kinds.get(op[0], 0) + 1
    print("# %d operations traced: %s" % (len(ops), ", ".join(
        "%d %s" % (v, k) for k, v in sorted(kinds.items()))))
    if not any(op[0] == "ack" for op in ops):
        bad("trace: no answer seen")
        return
    # the content an inode ends with: its last name in the real run
    seen_states = {}
    total_states = 0
    acked = False
    for k in range(len(ops) + 1):
        if k and ops[k - 1][0] == "ack":
            acked = True
        states = crash_states(ops, k, base)
        total_states += len(states)
        problems = []
        for st in states:
            visible = {p: e for p, e in st.items() if e[0] == "file" and
                       ("/new/" in p or "/cur/" in p)}
            for p, e in visible.items():
                if e[1].synced < len(event_bytes) and "/signed/" in p:
                    problems.append("%s visible with %d of %d bytes durable" %
                                    (p[len(spool):], e[1].synced, len(event_bytes)))
            if acked:
                full = [p for p, e in visible.items() if "/signed/new/" in p and
                        e[1].synced >= len(event_bytes)]
                if not full:
                    problems.append("answered 200, but a cut may lose the event")
            seen_states.setdefault(key(st), (k, st))
        if problems:
            bad("cut after op %d (%s): %s" % (k, ops[k - 1][0] if k else "start",
                                             sorted(set(problems))[0]))
        else:
            ok("cut after op %d (%s): %d possible states, no partial file%s" %
               (k, ops[k - 1][0] if k else "start", len(states),
                ", the answered event present" if acked else ""))
    print("# %d states in all, %d distinct; recovering from each" %
          (total_states, len(seen_states)))
    recover_all(seen_states, spool, final, event_path, event_bytes)


def materialize(st, spool, final, event_path, event_bytes, dest):
    """Builds the crash state st (paths under the traced spool) at dest."""
    shutil.rmtree(dest, ignore_errors=True)
    old = time.time() - 3 * 86400
    for p in sorted(st, key=len):
        e = st[p]
        if not p.startswith(spool):
            continue
        q = dest + p[len(spool):]
        if e[0] == "dir":
            os.makedirs(q, exist_ok=True)
            os.chmod(q, 0o2770)
            continue
        content = final.get(p)
        if content is None:   # a name the file had before its last rename
            content = event_bytes if "/signed/" in p else b""
        with open(q, "wb") as f:
            f.write(content[:e[1].synced])
        if p[len(spool):].startswith("/signed/tmp/"):   # not WORK's /tmp
            os.utime(q, (old, old))


def whole(path, event_bytes):
    """Is the file at path the complete event (JSON, the same body)?"""
    try:
        return (json.load(open(path))["body_sha256"] ==
                json.loads(event_bytes)["body_sha256"])
    except (ValueError, KeyError):
        return False


def recover_all(seen, spool, final, event_path, event_bytes):
    dest = os.path.join(WORK, "state")
    handled_log = os.path.join(WORK, "handled")
    fails = dups = 0
    for n, (k, st) in enumerate(seen.values()):
        materialize(st, spool, final, event_path, event_bytes, dest)
        newdir = os.path.join(dest, "signed", "new")
        had = [f for f in (os.listdir(newdir) if os.path.isdir(newdir) else [])
               if open(os.path.join(newdir, f), "rb").read() == event_bytes]
        status, answer = deliver(dest)
        now = [f for f in os.listdir(newdir)] if os.path.isdir(newdir) else []
        complete = [f for f in now if whole(os.path.join(newdir, f), event_bytes)]
        why = None
        if status != "Status: 200 OK":
            why = "the retry got %s" % status
        elif len(complete) != len(now) or not complete:
            why = "after the retry (%s) new/ holds %d files, %d complete" % (
                answer, len(now), len(complete))
        elif answer == "duplicate" and not had:
            why = "the retry was answered duplicate, but the event was lost"
        elif len(now) > 1 and not (had and answer == "accepted" and
                                   len(now) == len(had) + 1):
            why = "after the retry new/ holds %d copies" % len(now)
        elif len(now) > 1:
            dups += 1
        if why is None:
            c = conf(dest)
            r1 = subprocess.run([CLI, "-c", c, "purge", "--older-than", "30d"],
                                capture_output=True)
            tmpdir = os.path.join(dest, "signed", "tmp")
            left = os.listdir(tmpdir) if os.path.isdir(tmpdir) else []
            if os.path.exists(handled_log):
                os.unlink(handled_log)
            r2 = subprocess.run([CLI, "-c", c, "run", "signed", "--", "sh", "-c",
                                 'echo "$HOOKSPOOL_ID" >> ' + handled_log],
                                capture_output=True)
            handled = open(handled_log).read().split() if os.path.exists(handled_log) else []
            if r1.returncode != 0:
                why = "purge exited %d: %s" % (r1.returncode, r1.stderr[:200])
            elif left:
                why = "purge left %s in tmp/" % left
            elif r2.returncode != 0 or sorted(handled) != sorted(now):
                why = "run exited %d, handled %s of %s: %s" % (
                    r2.returncode, handled, now, r2.stderr[:200])
        if why:
            fails += 1
            if fails <= 10:
                bad("state %d (cut after op %d): %s" % (n, k, why))
    # A cut after the event is durable but before its duplicate marker is
    # (the marker is never fsync'd: losing it can only cause a duplicate)
    # makes the sender's retry store a second copy: allowed, and counted.
    print("# %d of %d states: the retry stored a second copy (the event was "
          "durable, its marker not)" % (dups, len(seen)))
    if fails == 0:
        ok("recovery from all %d distinct states: the retry leaves the event "
           "complete in new/ (never lost, never partial), purge sweeps tmp/, "
           "run hands each copy over once" % len(seen))
    elif fails > 10:
        bad("... and %d more states" % (fails - 10))


# --- the claim: one `hookspool run` over one queued event -------------------
HANDLER = 'echo "$HOOKSPOOL_ID $HOOKSPOOL_ATTEMPT" >> "$0"'


def claim_conf(spool):
    path = os.path.join(WORK, "claim.json")
    with open(path, "w") as f:
        json.dump({"spool_dir": spool, "durable": True,
                   "retry": {"keep_done_seconds": 3600, "lease_seconds": 0,
                             "backoff_seconds": 0},
                   "endpoints": {"docs": {"provider": "documenso",
                                          "secrets": [SECRET],
                                          "routes": {"*": "signed"}}}}, f)
    return path


def run_cli(spool, log, strace_out=None):
    cmd = [CLI, "-c", claim_conf(spool), "run", "signed", "--", "sh", "-c",
           HANDLER, log]
    env = dict(os.environ)
    if strace_out:
        cmd = ["strace", "-f", "-y", "-s", "1000000", "-o", strace_out, "-e",
               "trace=open,openat,write,writev,fsync,fdatasync,mkdir,"
               "mkdirat,rename,renameat,renameat2,link,linkat,unlink,"
               "unlinkat,execve"] + cmd
        # LeakSanitizer stops the process with ptrace, which strace holds
        no_leaks(env)
    return subprocess.run(cmd, capture_output=True, env=env)


def variants(st):
    """The data a crash may keep of each file written but not fsync'd:
    only what was fsync'd (the worst case) or all of it."""
    open_inos = sorted({e[1].no: e[1] for e in st.values() if e[0] == "file"
                        and len(e[1].data) > e[1].synced}.items())
    for choice in itertools.product((0, 1), repeat=len(open_inos)):
        kept = {e[1].no: e[1].synced for e in st.values() if e[0] == "file"}
        for (no, ino), full in zip(open_inos, choice):
            if full:
                kept[no] = len(ino.data)
        yield kept


def claim_main():
    base = os.path.join(WORK, "cbase")
    spool = os.path.join(base, "spool")
    os.makedirs(base, exist_ok=True)
    status, answer = deliver(spool)
    if status != "Status: 200 OK":
        bad("claim: the delivery before it: %s %s" % (status, answer))
        return
    q = os.path.join(spool, "signed")
    eid = os.listdir(os.path.join(q, "new"))[0]
    event = open(os.path.join(q, "new", eid), "rb").read()
    initial = {}
    for d, dirs, files in os.walk(spool):
        initial[d] = ("dir", None)
        for f in files:
            ino = Inode()
            ino.data = open(os.path.join(d, f), "rb").read()
            ino.written = ino.synced = len(ino.data)
            initial[os.path.join(d, f)] = ("file", ino)
    log = os.path.join(WORK, "claim.handled")
    trace = os.path.join(WORK, "claim.trace")
    r = run_cli(spool, log, trace)
    if r.returncode != 0 or not os.path.exists(os.path.join(q, "done", eid)):
        bad("claim: traced run exited %d: %s" % (r.returncode, r.stderr[:200]))
        return
    ops = parse(trace, spool, data=True)
    kinds = {}
    for op in ops:
        kinds[op[0]] = kinds.get(op[0], 0) + 1
    print("# claim: %d operations traced: %s" % (len(ops), ", ".join(
        "%d %s" % (v, k) for k, v in sorted(kinds.items()))))
    if kinds.get("handler") != 1:
        bad("claim: the trace shows %d handler starts" % kinds.get("handler", 0))
        return
    places = [os.path.join(q, d, eid) for d in ("new", "cur", "done", "failed")]
    seen = {}
    total = 0
    ran = False
    for k in range(len(ops) + 1):
        if k and ops[k - 1][0] == "handler":
            ran = True
        problems = []
        n = 0
        for st in crash_states(ops, k, base, initial, atomic_rename=True):
            for kept in variants(st):
                n += 1
                at = [p for p in places if p in st]
                for p in at:
                    ino = st[p][1]
                    if ino.data[:kept[ino.no]] != event:
                        problems.append("%s holds %d of %d bytes" % (
                            p[len(spool):], kept[ino.no], len(event)))
                if len(at) != 1:
                    problems.append("the event is in %d places: %s" % (
                        len(at), [p[len(q):] for p in at]))
                kk = tuple(sorted((p, e[0], kept.get(e[1].no, 0) if e[1] else 0,
                                   e[1].no if e[1] else 0)
                                  for p, e in st.items()))
                seen.setdefault(kk, (k, ran, st, kept))
        total += n
        label = "claim: cut after op %d (%s)" % (k, ops[k - 1][0] if k else "start")
        if problems:
            bad("%s: %s" % (label, sorted(set(problems))[0]))
        else:
            ok("%s: %d possible states, the event complete in exactly one "
               "place%s" % (label, n, ", the handler may have run" if ran else ""))
    print("# claim: %d states in all, %d distinct; recovering from each" %
          (total, len(seen)))
    claim_recover(seen, spool, eid, event)


def claim_recover(seen, spool, eid, event):
    dest = os.path.join(WORK, "cstate")
    log = os.path.join(WORK, "claim.rerun")
    old = time.time() - 3 * 86400
    fails = reruns = 0
    for n, (k, ran, st, kept) in enumerate(seen.values()):
        shutil.rmtree(dest, ignore_errors=True)
        for p in sorted(st, key=len):
            if not p.startswith(spool):
                continue
            e, qp = st[p], dest + p[len(spool):]
            if e[0] == "dir":
                os.makedirs(qp, exist_ok=True)
                continue
            with open(qp, "wb") as f:
                f.write(e[1].data[:kept[e[1].no]])
            rel = p[len(spool):]
            if rel.startswith("/signed/tmp/") or os.path.basename(rel).startswith("."):
                os.utime(qp, (old, old))
        was_done = os.path.exists(os.path.join(dest, "signed", "done", eid))
        if os.path.exists(log):
            os.unlink(log)
        r = run_cli(dest, log)
        p = subprocess.run([CLI, "-c", claim_conf(dest), "purge",
                            "--older-than", "30d"], capture_output=True)
        runs = open(log).read().split("\n")[:-1] if os.path.exists(log) else []
        q = os.path.join(dest, "signed")
        where = [d for d in ("new", "cur", "done", "failed", "tmp")
                 if os.path.exists(os.path.join(q, d, eid))]
        left = [f for d in ("tmp", "meta") if os.path.isdir(os.path.join(q, d))
                for f in os.listdir(os.path.join(q, d)) if d == "tmp" or
                f.startswith(".")]
        why = None
        if r.returncode != 0 or p.returncode != 0:
            why = "run exited %d, purge %d: %s" % (r.returncode, p.returncode,
                                                   (r.stderr + p.stderr)[:200])
        elif where != ["done"]:
            why = "after the run the event is in %s: %s" % (where, r.stderr[:200])
        elif open(os.path.join(q, "done", eid), "rb").read() != event:
            why = "done/ holds a different file"
        elif left:
            why = "purge left %s" % left
        elif len(runs) != (0 if was_done else 1):
            why = "the handler ran %d times after the cut (done/ had it: %s)" % (
                len(runs), was_done)
        elif runs and ran:
            reruns += 1     # it may have run before the cut: a duplicate
        if why:
            fails += 1
            if fails <= 10:
                bad("claim state %d (cut after op %d): %s" % (n, k, why))
    print("# claim: %d of %d states give a re-run of the handler (cut after "
          "it started, before done/ was durable: allowed, the README's "
          "at-least-once edge)" % (reruns, len(seen)))
    if fails == 0:
        ok("claim: recovery from all %d distinct states: one run (lease 0) "
           "and purge leave the event handled, in done/ only, never lost; "
           "a handler that had not started runs exactly once" % len(seen))
    elif fails > 10:
        bad("... and %d more claim states" % (fails - 10))


main()
claim_main()
print("powercut: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)

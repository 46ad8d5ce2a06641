#!/usr/bin/env bash
# tests/sandbox/run.sh BUILD_DIR - the receiver's self-confinement
# (cgi/sandbox.c, issue #18): the escapes a memory bug would try, refused
# by the kernel (Landlock's EACCES, seccomp's kill with its log line), in
# plain CGI and under FastCGI; a reload the sandbox cannot serve answered
# 503 and the process replaced, through spawn-fcgi and through lighttpd;
# hosts without Landlock or seccomp (tests/sandbox/deny.c answers the
# calls as such kernels do): "auto" runs and says so, "required" refuses.
#
# The escapes use BUILD/tests/hookspool-sandbox.fcgi, the receiver with
# its test hook (HS_SANDBOX_TEST=...), never shipped; everything else the
# shipped BUILD/hookspool.fcgi.
set -u
BUILD=$(cd "${1:-build}" && pwd)
BIN=$BUILD/hookspool.fcgi
TBIN=$BUILD/tests/hookspool-sandbox.fcgi
DENY=$BUILD/tests/sandbox-deny
CLI=$BUILD/hookspool
T=$(mktemp -d /tmp/hs-sandbox-XXXXXX)
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
# shellcheck source=../lib/fixtures.sh
. "$(dirname "$0")/../lib/fixtures.sh"
# shellcheck source=../lib/servers.sh
. "$(dirname "$0")/../lib/servers.sh"
trap 'hs_stop_server; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
chmod 0755 "$T"

for f in "$BIN" "$TBIN" "$DENY" "$CLI"; do
	[ -x "$f" ] || { echo "sandbox: $f missing (make check-sandbox builds it)"; exit 1; }
done

# The kernel's Landlock ABI, asked by python, not by the code under test.
KABI=$(python3 -c '
import ctypes
r = ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1)
print(r if r > 0 else 0)')
if [ "$KABI" -lt 2 ]; then
	# the escape checks below need a kernel that can confine; a CI host
	# without one must say so loudly rather than pass quietly
	echo "FAIL this kernel has no usable Landlock (ABI $KABI): the sandbox cannot be tested here"
	echo "sandbox: 0 passed, 1 failed"
	exit 1
fi

CONFDIR=$T/conf
SPOOL=$T/spool
CONF=$CONFDIR/hookspool.json
mkdir -p "$CONFDIR" "$T/elsewhere"
hs_prepare_spool "$SPOOL"
printf '%s\n' "$FX_CIRCULARO_SECRET" > "$CONFDIR/circularo.secret"
# conf SPOOL SECRETFILE [EXTRA]: the config, replaced by rename as an
# editor or a deployment does
conf() {
	cat > "$CONF.new" <<JSON
{"spool_dir": "$1", ${3:-}
 "endpoints": {
  "circularo": {"provider": "circularo", "secrets": ["file:$2"],
                "routes": {"*": "inbox"}}}}
JSON
	chmod 0644 "$CONF.new" && mv -f "$CONF.new" "$CONF"
}
conf "$SPOOL" "$CONFDIR/circularo.secret"
chmod -R a+rX "$T/conf" "$T/elsewhere"

N=0
# body: a fresh event each time (no duplicates), in $T/body, signature in $SIG
body() {
	N=$((N + 1))
	printf '{"documentId":"doc-%d","event":"documentSigned"}' "$N" > "$T/body"
	SIG=$(hmac_hex "${1:-$FX_CIRCULARO_SECRET}" "$(cat "$T/body")")
}
# cgi CMD... : one plain CGI request of the current body; $T/out, $T/err, $RC
cgi() {
	env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="${CGI_CONF:-$CONF}" \
	    REQUEST_METHOD=POST PATH_INFO=/circularo \
	    CONTENT_LENGTH="$(stat -c %s "$T/body")" \
	    CONTENT_TYPE=application/json HTTP_X_CIRCULARO_SIGNATURE="$SIG" \
	    ${HS_SANDBOX_TEST:+HS_SANDBOX_TEST=$HS_SANDBOX_TEST} \
	    ${HS_SANDBOX_TEST_PATH:+HS_SANDBOX_TEST_PATH=$HS_SANDBOX_TEST_PATH} \
	    "$@" < "$T/body" > "$T/out" 2> "$T/err"
	RC=$?
}
status() { head -n1 "$T/out" | tr -d '\r'; }
answer() { sed -n '/^\r$/,$p' "$T/out" | tail -n +2; }
# events DIR: files delivered anywhere under the spool DIR
events() { find "$1" -path '*/new/*' -type f 2>/dev/null | wc -l; }
# sblines FILE: the sandbox's own log lines
sblines() { grep -c ': sandbox: ' "$1"; }
test_line() { grep -o 'sandbox test: .*' "$T/err" | head -n1; }

# --- plain CGI, the shipped binary -------------------------------------------
body; cgi "$BIN"
check "cgi: confined delivery answered" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
check "cgi: its file in new/" "$(events "$SPOOL")" "1"
check "cgi: a fully confined CGI process adds no log line" "$(sblines "$T/err")" "0"
check "check-config: this kernel's Landlock ABI and seccomp" \
    "$("$CLI" --config "$CONF" check-config --json 2>/dev/null | jq -c '.sandbox')" \
    "{\"mode\":\"auto\",\"landlock_abi\":$KABI,\"seccomp\":true,\"unavailable\":null}"
check "check-config: the text line" \
    "$("$CLI" --config "$CONF" check-config 2>/dev/null | grep '^sandbox:')" \
    "sandbox:     auto; this host: Landlock ABI $KABI, seccomp"

# bodies that take the paths a two-key document never does: an object of
# 120 keys (glibc's qsort of the keys asks sysinfo(2)), 30 levels of
# nesting, 900 KB (malloc's mmap, realloc's mremap)
big_body() {
	python3 - "$1" "$T/body" <<'PY'
import json, sys
kind, out = sys.argv[1], sys.argv[2]
doc = {"documentId": "big-" + kind, "event": "documentSigned"}
if kind == "keys":
    doc["repository"] = {"k%03d" % i: i for i in range(120)}
elif kind == "deep":
    d = doc
    for i in range(30):
        d["n"] = {}
        d = d["n"]
else:
    doc["blob"] = "x" * 900000
open(out, "w").write(json.dumps(doc))
PY
	SIG=$(hmac_hex "$FX_CIRCULARO_SECRET" "$(cat "$T/body")")
}
for kind in keys deep large; do
	n0=$(events "$SPOOL")
	big_body $kind; cgi "$BIN"
	check "cgi: a confined receiver takes a body of $kind" "$RC $(status) $(events "$SPOOL") $(sblines "$T/err")" "0 Status: 200 OK $((n0 + 1)) 0"
done

# --- the escapes, refused (test hook build) ----------------------------------
HS_SANDBOX_TEST=read; body; n0=$(events "$SPOOL"); cgi "$TBIN"
check "escape: open(/etc/passwd) refused by Landlock" "$(test_line)" "sandbox test: Permission denied"
check "escape: the request itself still delivered" "$(status) $(events "$SPOOL")" "Status: 200 OK $((n0 + 1))"
HS_SANDBOX_TEST_PATH=$CONF; body; cgi "$TBIN"
check "control: the config itself may be read" "$(test_line)" "sandbox test: allowed"
HS_SANDBOX_TEST=write HS_SANDBOX_TEST_PATH=$T/escaped; body; cgi "$TBIN"
check "escape: creating a file outside the spool refused" "$(test_line)" "sandbox test: Permission denied"
check "escape: and no such file" "$(test -e "$T/escaped" && echo yes || echo no)" "no"
HS_SANDBOX_TEST_PATH=$CONFDIR/hookspool.json; body; cgi "$TBIN"
check "escape: overwriting the config refused (read-only)" "$(test_line)" "sandbox test: Permission denied"
check "escape: the config untouched" "$(jq -r .spool_dir "$CONF")" "$SPOOL"
HS_SANDBOX_TEST_PATH=$SPOOL/scratch; body; cgi "$TBIN"
check "control: a file in spool_dir may be written" "$(test_line)" "sandbox test: allowed"
rm -f "$SPOOL/scratch"
n0=$(events "$SPOOL")
HS_SANDBOX_TEST=exec HS_SANDBOX_TEST_PATH=; body; cgi "$TBIN"
check "escape: execve kills the process (128+SIGSYS)" "$RC" "159"
check "escape: execve's log line" "$(grep -c '^hookspool\[[0-9]*\]: sandbox: system call 59 (execve) refused by seccomp; exiting$' "$T/err")" "1"
check "escape: no answer, nothing delivered" "$(wc -c < "$T/out") $(events "$SPOOL")" "0 $n0"
HS_SANDBOX_TEST=socket; body; cgi "$TBIN"
check "escape: socket(2) kills the process" "$RC $(grep -c 'system call 41 (socket) refused' "$T/err")" "159 1"
HS_SANDBOX_TEST=mprotect; body; cgi "$TBIN"
check "escape: making memory executable kills the process" "$RC $(grep -c 'system call 10 (mprotect) refused' "$T/err")" "159 1"
HS_SANDBOX_TEST=setown; body; cgi "$TBIN"
check "escape: fcntl(F_SETOWN) (signals another process) kills it" "$RC $(grep -c 'system call 72 refused' "$T/err")" "159 1"
HS_SANDBOX_TEST=sigsys; body; cgi "$TBIN"
check "escape: rt_sigaction(SIGSYS | 1 << 32) cannot unhook the trap" "$RC $(grep -c 'system call 13 (rt_sigaction) refused' "$T/err")" "159 1"
HS_SANDBOX_TEST=prlimit; body; cgi "$TBIN"
check "escape: prlimit64 on another process kills it" "$RC $(grep -c 'system call 302 refused' "$T/err")" "159 1"
# Landlock alone (a host with no seccomp): execve and TCP connect refused too
HS_SANDBOX_TEST=exec; body; cgi "$DENY" noseccomp "$TBIN"
check "landlock alone: execve refused (EACCES), request delivered" "$(test_line) $(status)" "sandbox test: Permission denied Status: 200 OK"
PORT=$(hs_free_port)
HS_SANDBOX_TEST=connect HS_SANDBOX_TEST_PATH=$PORT; body; cgi "$DENY" noseccomp "$TBIN"
if [ "$KABI" -ge 4 ]; then
	check "landlock alone: TCP connect refused (ABI >= 4)" "$(test_line)" "sandbox test: Permission denied"
else
	check "landlock alone: TCP connect not handled before ABI 4" "$(test_line)" "sandbox test: Connection refused"
fi
# the controls: without Landlock the same tries get through, so the
# checks above can fail
HS_SANDBOX_TEST=read HS_SANDBOX_TEST_PATH=; body; cgi "$DENY" nolandlock "$TBIN"
check "control: unconfined files, /etc/passwd opens" "$(test_line)" "sandbox test: allowed"
HS_SANDBOX_TEST=connect HS_SANDBOX_TEST_PATH=$PORT; body; cgi "$DENY" neither "$TBIN"
check "control: unconfined, connect reaches the (closed) port" "$(test_line)" "sandbox test: Connection refused"
# a secret kept in a home directory: the file is granted, not the home
mkdir -p "$T/home"
printf '%s\n' "$FX_CIRCULARO_SECRET" > "$T/home/circularo.secret"
printf 'private\n' > "$T/home/id_ed25519"
conf "$SPOOL" "$T/home/circularo.secret"
HS_SANDBOX_TEST=read HS_SANDBOX_TEST_PATH=$T/home/id_ed25519; body; cgi env HOME="$T/home" "$TBIN"
check "a secret in \$HOME: delivered, but the rest of \$HOME stays unreadable" "$(status) $(test_line)" "Status: 200 OK sandbox test: Permission denied"
HS_SANDBOX_TEST_PATH=$T/home/circularo.secret; body; cgi env HOME="$T/home" "$TBIN"
check "control: the secret file itself may be read" "$(test_line)" "sandbox test: allowed"
HS_SANDBOX_TEST_PATH=$T/home/id_ed25519; body; cgi env HOME="$T/nowhere" "$TBIN"
check "control: the same directory, not a home, is granted whole" "$(test_line)" "sandbox test: allowed"
conf "$SPOOL" "$CONFDIR/circularo.secret"
HS_SANDBOX_TEST=read HS_SANDBOX_TEST_PATH=
conf "$SPOOL" "$CONFDIR/circularo.secret" '"sandbox": "off",'
body; cgi "$TBIN"
check "off: nothing confined, /etc/passwd opens" "$(test_line)" "sandbox test: allowed"
check "off: a CGI process says nothing about it" "$(sblines "$T/err")" "0"
unset HS_SANDBOX_TEST HS_SANDBOX_TEST_PATH

# --- hosts that cannot confine -----------------------------------------------
conf "$SPOOL" "$CONFDIR/circularo.secret"
n0=$(events "$SPOOL")
body; cgi "$DENY" nolandlock "$BIN"
check "no Landlock, auto: delivered" "$(status) $(events "$SPOOL")" "Status: 200 OK $((n0 + 1))"
check "no Landlock, auto: says so" "$(grep -o 'sandbox: .*' "$T/err")" "sandbox: seccomp; files unconfined: Landlock: not in this kernel (auto)"
body; cgi "$DENY" landlock-eperm "$BIN"
check "Landlock refused by a container profile: says so" "$(grep -o 'sandbox: .*' "$T/err")" "sandbox: seccomp; files unconfined: Landlock: refused (a container's seccomp profile?) (auto)"
body; cgi "$DENY" noseccomp "$BIN"
check "no seccomp, auto: delivered, says so" "$(status) $(grep -o 'sandbox: .*' "$T/err")" "Status: 200 OK sandbox: Landlock ABI $KABI; system calls unconfined: seccomp: not in this kernel (auto)"
body; cgi "$DENY" neither "$BIN"
check "neither, auto: delivered, says how to silence it" "$(status) $(grep -o 'sandbox: .*' "$T/err")" \
    "Status: 200 OK sandbox: unconfined: Landlock: not in this kernel; seccomp: not in this kernel (auto; \"sandbox\": \"off\" in the config silences this)"
check "check-config on such a host" \
    "$("$DENY" neither "$CLI" --config "$CONF" check-config --json 2>/dev/null | jq -c '.sandbox')" \
    '{"mode":"auto","landlock_abi":0,"seccomp":false,"unavailable":"Landlock: not in this kernel"}'
conf "$SPOOL" "$CONFDIR/circularo.secret" '"sandbox": "required",'
n0=$(events "$SPOOL")
body; cgi "$DENY" nolandlock "$BIN"
check "required, no Landlock: refused" "$(status) $(answer | jq -r .error)" "Status: 500 Internal Server Error server configuration error"
check "required, no Landlock: the reason logged" "$(grep -o 'sandbox: .*' "$T/err")" \
    "sandbox: \"sandbox\": \"required\" but Landlock: not in this kernel; refusing to serve"
body; cgi "$DENY" noseccomp "$BIN"
check "required, no seccomp: refused" "$(status)" "Status: 500 Internal Server Error"
check "required refusals write nothing" "$(events "$SPOOL") $(find "$SPOOL" -path "$SPOOL/*/tmp/*" -type f | wc -l)" "$n0 0"
body; cgi "$BIN"
check "required on a host that can: delivered" "$(status) $(events "$SPOOL")" "Status: 200 OK $((n0 + 1))"
"$DENY" nolandlock "$CLI" --config "$CONF" check-config > /dev/null 2> "$T/cc.err"
check "check-config: required on a host without Landlock fails" "$? $(grep -c 'sandbox: "required" but Landlock: not in this kernel: the receiver will refuse to serve on this host' "$T/cc.err")" "1 1"
"$CLI" --config "$CONF" check-config > /dev/null 2>&1
check "check-config: required where it can is fine" "$?" "0"
conf "$SPOOL" "$CONFDIR/circularo.secret" '"sandbox": "off",'
body; cgi "$DENY" neither "$BIN"
check "off on such a host: delivered, silent" "$(status) $(sblines "$T/err")" "Status: 200 OK 0"
conf "$SPOOL" "$CONFDIR/circularo.secret" '"sandbox": "maybe",'
body; cgi "$BIN"
check "a sandbox value it does not know: 500, named in the log" "$(status) $(grep -c 'sandbox: must be "auto", "required" or "off"' "$T/err")" "Status: 500 Internal Server Error 1"

# --- FastCGI through spawn-fcgi ----------------------------------------------
# fcgi SOCK [NAME=VALUE...]: the current body through cgi-fcgi
fcgi() {
	local sock=$1
	shift
	env -i PATH=/usr/bin:/bin REQUEST_METHOD=POST PATH_INFO=/circularo \
	    SCRIPT_NAME=/webhooks CONTENT_LENGTH="$(stat -c %s "$T/body")" \
	    CONTENT_TYPE=application/json HTTP_X_CIRCULARO_SIGNATURE="$SIG" \
	    "$@" cgi-fcgi -bind -connect "$sock" < "$T/body" > "$T/out" 2> "$T/err"
	RC=$?
}
# start NAME CMD...: a FastCGI process under spawn-fcgi, as the server's
# user; $SOCK, $LOG, $PID
start() {
	local d
	d=$(_hs_server_dir "$T" "$1") || return 1
	shift
	SOCK=$d/sock/fcgi.sock LOG=$d/fcgi.log
	_hs_spawn_fcgi "$1" "$CONF" "$SOCK" "$LOG" "$d" || return 1
	PID=$(_hs_group_members "$_HS_LAST_PGID" | head -n1)
}
# gone PID: the process ends within 3 s
gone() {
	local i
	for ((i = 0; i < 30; i++)); do
		[ -d "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ] || return 0
		sleep 0.1
	done
	return 1
}
proc_status() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# the server's user runs these: a spool of its own (root made the queues
# of the one above)
SPOOL=$T/spool-fcgi
hs_prepare_spool "$SPOOL"
conf "$SPOOL" "$CONFDIR/circularo.secret"
if ! command -v cgi-fcgi > /dev/null; then
	bad "cgi-fcgi (libfcgi-bin) missing"
elif start fcgi1 "$BIN"; then
	n0=$(events "$SPOOL")
	for i in 1 2 3; do body; fcgi "$SOCK"; codes+="$(status | cut -d' ' -f2) "; done
	check "fastcgi: three deliveries" "$codes$(events "$SPOOL")" "200 200 200 $((n0 + 3))"
	check "fastcgi: one start-up line for the process" "$(sblines "$LOG") $(grep -o 'sandbox: .*' "$LOG")" "1 sandbox: Landlock ABI $KABI, seccomp (auto)"
	check "fastcgi: the kernel holds it to a filter, no new privileges" "$(proc_status "$PID" Seccomp) $(proc_status "$PID" NoNewPrivs)" "2 1"
	# a rotated secret (replaced by rename in its directory) reloads in place
	printf 'rotated-secret\n' > "$CONFDIR/circularo.secret.new"
	chmod 0644 "$CONFDIR/circularo.secret.new"
	mv -f "$CONFDIR/circularo.secret.new" "$CONFDIR/circularo.secret"
	body rotated-secret; fcgi "$SOCK"
	check "fastcgi: a secret rotated by rename, same process" "$(status) $(test -d "/proc/$PID" && echo alive)" "Status: 200 OK alive"
	body; fcgi "$SOCK"
	check "fastcgi: the old secret now 401" "$(status)" "Status: 401 Unauthorized"
	# a rotation gone wrong (the new file unreadable by the receiver's
	# user): a permission error, not the sandbox's: the last good config
	# stays in service, no restart
	printf 'unreadable-secret\n' > "$CONFDIR/circularo.secret.new"
	if [ "$(id -u)" -eq 0 ]; then chmod 0600 "$CONFDIR/circularo.secret.new"; else chmod 0 "$CONFDIR/circularo.secret.new"; fi
	mv -f "$CONFDIR/circularo.secret.new" "$CONFDIR/circularo.secret"
	body rotated-secret; fcgi "$SOCK"
	check "fastcgi: an unreadable rotated secret keeps the last good config, same process" "$(status) $(test -d "/proc/$PID" && echo alive)" "Status: 200 OK alive"
	chmod 0644 "$CONFDIR/circularo.secret"
	printf 'rotated-secret\n' > "$CONFDIR/circularo.secret.new"
	chmod 0644 "$CONFDIR/circularo.secret.new"
	mv -f "$CONFDIR/circularo.secret.new" "$CONFDIR/circularo.secret"
	# a config edit the sandbox can serve: no restart
	printf '{"spool_dir": "%s",' "$SPOOL" > "$CONF.new"
	chmod 0644 "$CONF.new"; mv -f "$CONF.new" "$CONF"
	body rotated-secret; fcgi "$SOCK"
	check "fastcgi: a broken reload keeps the last good config, no restart" "$(status) $(test -d "/proc/$PID" && echo alive)" "Status: 200 OK alive"
	# spool_dir moved: this process may not write there
	SPOOL2=$T/spool2
	hs_prepare_spool "$SPOOL2"
	conf "$SPOOL2" "$CONFDIR/circularo.secret"
	n0=$(events "$SPOOL")
	body rotated-secret; fcgi "$SOCK"
	check "fastcgi: spool_dir changed: 503, retry" "$(status) $(answer | jq -r .error)" "Status: 503 Service Unavailable receiver restarting; retry"
	check "fastcgi: ... the reason logged" "$(grep -c "sandbox: config $CONF: this process's sandbox cannot serve it (spool_dir $SPOOL2 is not one this process may write ($SPOOL)); exiting after this request, answered 503" "$LOG")" "1"
	holds "fastcgi: ... and the process ends" gone "$PID"
	check "fastcgi: ... nothing written in either spool" "$(events "$SPOOL") $(events "$SPOOL2")" "$n0 0"
	hs_stop_server
	start fcgi2 "$BIN"
	fcgi "$SOCK"
	check "fastcgi: the retry, by a fresh process, is delivered" "$(status) $(events "$SPOOL2")" "Status: 200 OK 1"
	# a secret moved to a directory the process may not read
	printf 'elsewhere-secret\n' > "$T/elsewhere/secret"
	chmod 0644 "$T/elsewhere/secret"
	conf "$SPOOL2" "$T/elsewhere/secret"
	body elsewhere-secret; fcgi "$SOCK"
	check "fastcgi: a secret outside its directories: 503" "$(status)" "Status: 503 Service Unavailable"
	check "fastcgi: ... logged as the sandbox's" "$(grep -c "sandbox: config $CONF: this process's sandbox cannot serve it" "$LOG")" "1"
	holds "fastcgi: ... the process ends" gone "$PID"
	hs_stop_server
	start fcgi3 "$BIN"
	fcgi "$SOCK"
	check "fastcgi: ... a fresh one serves it" "$(status) $(events "$SPOOL2")" "Status: 200 OK 2"
	# a request naming another config, in a directory it may not read
	mkdir -p "$T/other"
	SPOOLO=$T/spool-other
	hs_prepare_spool "$SPOOLO"
	printf 'other-secret\n' > "$T/other/secret"
	cat > "$T/other/hookspool.json" <<JSON
{"spool_dir": "$SPOOLO", "endpoints": {"circularo": {"provider": "circularo",
 "secrets": ["file:$T/other/secret"], "routes": {"*": "inbox"}}}}
JSON
	chmod -R a+rX "$T/other"
	body other-secret; fcgi "$SOCK" HOOKSPOOL_CONFIG="$T/other/hookspool.json"
	check "fastcgi: a second config it cannot read: 503" "$(status)" "Status: 503 Service Unavailable"
	check "fastcgi: ... the log says how to serve both" "$(grep -c "sandbox: config $T/other/hookspool.json: this process's sandbox cannot serve it (cannot read: Permission denied; a process serving several configs needs the others in HOOKSPOOL_SANDBOX_ALSO)" "$LOG")" "1"
	holds "fastcgi: ... the process ends" gone "$PID"
	hs_stop_server
	# one process for both, as a pool serving two vhosts is set up
	HOOKSPOOL_SANDBOX_ALSO=$T/nonexistent.json:$T/other/hookspool.json start fcgi3b "$BIN"
	body elsewhere-secret; fcgi "$SOCK"
	r1="$(status)"
	body other-secret; fcgi "$SOCK" HOOKSPOOL_CONFIG="$T/other/hookspool.json"
	r2="$(status)"
	body elsewhere-secret; fcgi "$SOCK"
	check "HOOKSPOOL_SANDBOX_ALSO: one process serves both configs" "$r1|$r2|$(status)|$(test -d "/proc/$PID" && echo alive)" "Status: 200 OK|Status: 200 OK|Status: 200 OK|alive"
	check "HOOKSPOOL_SANDBOX_ALSO: each event in its own spool" "$(events "$SPOOLO") $(events "$SPOOL2")" "1 4"
	check "HOOKSPOOL_SANDBOX_ALSO: a listed config that cannot be loaded is named" "$(grep -c "sandbox: HOOKSPOOL_SANDBOX_ALSO: $T/nonexistent.json left out: " "$LOG")" "1"
	hs_stop_server
	# the escape under FastCGI: the kill, the line, the process gone
	HS_SANDBOX_TEST=exec start fcgi4 "$TBIN"
	n0=$(events "$SPOOL2")
	body elsewhere-secret; fcgi "$SOCK"
	check "fastcgi escape: execve gets no answer, nothing delivered" "$(wc -c < "$T/out") $(events "$SPOOL2")" "0 $n0"
	check "fastcgi escape: the seccomp line in the server's log" "$(grep -c 'sandbox: system call 59 (execve) refused by seccomp; exiting' "$LOG")" "1"
	holds "fastcgi escape: the process is gone" gone "$PID"
	hs_stop_server
	# "required" where the kernel lacks Landlock: 500 and the process ends
	conf "$SPOOL2" "$T/elsewhere/secret" '"sandbox": "required",'
	printf '#!/bin/sh\nexec %s nolandlock %s\n' "$DENY" "$BIN" > "$T/nolandlock.sh"
	chmod 0755 "$T/nolandlock.sh"
	start fcgi5 "$T/nolandlock.sh"
	n0=$(events "$SPOOL2")
	fcgi "$SOCK"
	check "fastcgi required, no Landlock: 500" "$(status)" "Status: 500 Internal Server Error"
	holds "fastcgi required, no Landlock: the process ends" gone "$PID"
	check "fastcgi required, no Landlock: nothing written" "$(events "$SPOOL2")" "$n0"
	hs_stop_server
fi

# --- lighttpd: a real server replaces the process ----------------------------
conf "$SPOOL" "$CONFDIR/circularo.secret"
if HS_PROCS=1 hs_start_lighttpd "$BIN" "$CONF" "$T/lt"; then
	post() { curl -s -o "$T/out" -w '%{http_code}' -H 'Content-Type: application/json' \
	    -H "X-Circularo-Signature: $SIG" --data-binary @"$T/body" "$HS_URL/webhooks/circularo"; }
	body rotated-secret
	n0=$(events "$SPOOL")
	check "lighttpd: delivered confined" "$(post) $(events "$SPOOL")" "200 $((n0 + 1))"
	LPID=$(_hs_exe_members "$BIN" | head -n1)
	check "lighttpd: its receiver under a seccomp filter" "$(proc_status "$LPID" Seccomp)" "2"
	check "lighttpd: the start-up line in the error log" "$(grep -c "sandbox: Landlock ABI $KABI, seccomp (auto)" "$T/lt/lighttpd/stderr.log")" "1"
	SPOOL3=$T/spool3
	hs_prepare_spool "$SPOOL3"
	conf "$SPOOL3" "$CONFDIR/circularo.secret"
	body rotated-secret
	check "lighttpd: spool_dir moved: 503 from the old process" "$(post)" "503"
	holds "lighttpd: the old process ends" gone "$LPID"
	code=$(post)
	check "lighttpd: the sender's retry, served by the process lighttpd started" "$code $(events "$SPOOL3")" "200 1"
	NPID=$(_hs_exe_members "$BIN" | head -n1)
	check "lighttpd: a new process, confined too" "$([ -n "$NPID" ] && [ "$NPID" != "$LPID" ] && echo new) $(proc_status "$NPID" Seccomp)" "new 2"
	hs_stop_server
else
	bad "lighttpd did not start"
fi
# an escape under lighttpd (bin-path a wrapper that sets the test hook):
# lighttpd answers for the killed process, and serves on with a fresh one
printf '#!/bin/sh\nHS_SANDBOX_TEST=${HS_HOOK:-exec} exec %s\n' "$TBIN" > "$T/hook-exec.sh"
chmod 0755 "$T/hook-exec.sh"
if HS_PROCS=1 hs_start_lighttpd "$T/hook-exec.sh" "$CONF" "$T/lt2"; then
	body rotated-secret
	n0=$(events "$SPOOL3")
	code=$(post)
	check "lighttpd escape: the server answers for the killed process" "$code $(events "$SPOOL3")" "500 $n0"
	check "lighttpd escape: the seccomp line in its log" "$(grep -c 'sandbox: system call 59 (execve) refused by seccomp; exiting' "$T/lt2/lighttpd/stderr.log")" "1"
	hs_stop_server
else
	bad "lighttpd (escape) did not start"
fi

# --- the shipped systemd unit lets the sandbox set itself up -----------------
# systemd's own SystemCallFilter= kills on any call outside it: expand the
# unit's lines as systemd does (the first an allow list, ~ lines removing,
# later ones adding) and look up each call the sandbox makes to set up
expand() {	# expand NAME...: the calls, @groups resolved by systemd-analyze
	local n
	for n in "$@"; do
		case $n in
		@*) expand $(systemd-analyze syscall-filter "$n" 2>/dev/null |
		    awk 'NR > 1 && $1 !~ /^#/ {print $1}') ;;
		*) echo "$n" ;;
		esac
	done
}
if command -v systemd-analyze > /dev/null; then
	: > "$T/allowed"
	while IFS= read -r line; do
		v=${line#SystemCallFilter=}
		if [ "${v#\~}" != "$v" ]; then
			expand ${v#\~} | sort -u > "$T/deny"
			grep -vxFf "$T/deny" "$T/allowed" > "$T/allowed.new"
			mv "$T/allowed.new" "$T/allowed"
		else
			expand $v >> "$T/allowed"
		fi
	done < <(grep '^SystemCallFilter=' "$HS_REPO/systemd/hookspool.service")
	missing=""
	for c in prctl landlock_create_ruleset landlock_add_rule \
	    landlock_restrict_self seccomp rt_sigaction openat; do
		grep -qxF "$c" "$T/allowed" || missing+="$c "
	done
	check "hookspool.service: its SystemCallFilter allows the sandbox's set-up calls" "$missing" ""
	# and every call the sandbox lets the request path make: systemd's
	# filter would kill where ours allows (the list in cgi/sandbox.c)
	missing=""
	for c in $(sed -n '/^static const char \*const allowed\[\] = {/,/^};/p' \
	    "$HS_REPO/cgi/sandbox.c" | grep -o '"[a-z_0-9]*"' | tr -d '"') \
	    accept accept4 mmap mprotect rt_sigaction tgkill kill prlimit64 fcntl; do
		grep -qxF "$c" "$T/allowed" || missing+="$c "
	done
	check "hookspool.service: allows every call the sandbox allows" "$missing" ""
else
	bad "systemd-analyze missing: the unit's filter is not checked"
fi

hs_summary sandbox

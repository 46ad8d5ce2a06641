#!/usr/bin/env bash
# tests/cli/run.sh BUILD - the `hookspool` CLI against a real spool.
# Events come from the real receiver (BUILD/hookspool.fcgi in CGI mode)
# or, for bulk, from copies of one it wrote. One line per check, then
# "N passed, N failed"; exit status 1 when anything failed.
set -u

BUILD=$(cd "${1:-build}" && pwd) || exit 2
HS=$BUILD/hookspool
FCGI=$BUILD/hookspool.fcgi
HERE=$(cd "$(dirname "$0")" && pwd)
for tool in jq openssl python3 timeout; do
	command -v $tool >/dev/null || { echo "missing $tool"; exit 2; }
done

T=$(mktemp -d)
STUB_PID=
cleanup() {
	[ -n "$STUB_PID" ] && kill "$STUB_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
# wait_for SECONDS COMMAND...: polls every 0.1 s
wait_for() {
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
# a killed orphan may stay a zombie where init does not reap (containers)
not_running() {
	local st; st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -z "$st" ] || [ "${st#Z}" != "$st" ]
}
count() { find "$1" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }

SECRET=circ-test-secret-$$
API_KEY=skv2_development_test_$$
SPOOL=$T/spool
CFG=$T/hookspool.json

# --- the Ignisign stand-in, on a free port of 127.0.0.1 ---
python3 "$HERE/ignisign_stub.py" "$T/stub.port" "$T/stub.log" &
STUB_PID=$!
wait_for 10 test -s "$T/stub.port" || { echo "stub did not start"; exit 2; }
PORT=$(cat "$T/stub.port")

write_config() { # FILE KEEP_DONE API_URL
	cat >"$1" <<EOF
{
  "_comment": "tests/cli/run.sh",
  "spool_dir": "$SPOOL",
  "durable": true,
  "retry": { "max_attempts": 3, "backoff_seconds": 2,
             "backoff_max_seconds": 2, "lease_seconds": 2,
             "timeout_seconds": 20, "keep_done_seconds": $2 },
  "endpoints": {
    "circ": { "provider": "circularo", "secrets": ["$SECRET"],
              "routes": { "bulk.event": "bulk", "fail.event": "failq",
                          "slow.event": "slowq", "crash.event": "crashq",
                          "misc.event": "misc", "zero.event": "zeroq" } },
    "ign": { "provider": "ignisign", "app_id": "appId_test",
             "app_env": "DEVELOPMENT", "api_key": "file:$T/api.key",
             "api_base_url": "$3", "routes": { "*": "signed" } }
  }
}
EOF
}
echo "$API_KEY" >"$T/api.key"
chmod 600 "$T/api.key"	# only verify reads it (check-config warns otherwise)
write_config "$CFG" 3600 "http://127.0.0.1:$PORT"
write_config "$T/keep0.json" 0 "http://127.0.0.1:$PORT"
hs() { timeout 60 "$HS" -c "$CFG" "$@"; }

cgi() { # ENDPOINT BODY [VAR=VALUE...]: prints the receiver's JSON answer
	local ep=$1 body=$2; shift 2
	printf %s "$body" | env -i REQUEST_METHOD=POST PATH_INFO="/$ep" \
	    CONTENT_LENGTH="$(printf %s "$body" | wc -c)" \
	    CONTENT_TYPE=application/json HOOKSPOOL_CONFIG="$CFG" "$@" \
	    "$FCGI" 2>>"$T/fcgi.log" | tail -n 1
}
post_circ() { # EVENT UNIQUE: prints the new event's id
	local body sig
	body="{\"event\":\"$1\",\"documentId\":\"doc-$2\",\"timestamp\":1763900000000,\"n\":\"$2\"}"
	sig=$(printf %s "$body" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')
	cgi circ "$body" HTTP_X_CIRCULARO_SIGNATURE="$sig" | jq -r .id
}
post_ign() { # TOKEN: prints the new event's id
	cgi ign "{\"appId\":\"appId_test\",\"appEnv\":\"DEVELOPMENT\",\"topic\":\"SIGNATURE_PROOF\",\"action\":\"GENERATED\",\"msgNature\":\"SUCCESS\",\"content\":{\"signatureRequestId\":\"sr-$1\"},\"verificationToken\":\"$1\"}" | jq -r .id
}

# ---------------------------------------------------------------- basics
check "run without -- is a usage error" "$(hs run bulk >/dev/null 2>&1; echo $?)" 2
check "run on a queue nobody routes to is an error" \
    "$(hs run nosuch -- true >/dev/null 2>&1; echo $?)" 2
check "run on an empty queue exits 0" "$(hs run bulk -- true; echo $?)" 0
check "show rejects a path as id" "$(hs show ../x 2>/dev/null; echo $?)" 2
check "show rejects a dot id" "$(hs show .hidden 2>/dev/null; echo $?)" 2
check "retry rejects a slash" "$(hs retry a/b 2>/dev/null; echo $?)" 2
check "show of an unknown id exits 1" "$(hs show 1.nosuch 2>/dev/null; echo $?)" 1

# --help on every command: its usage on stdout, exit 0; a usage error
# prints the same usage on stderr and exits 2
for c in ls show stats report run retry purge verify check-config sign; do
	out=$("$HS" "$c" --help 2>"$T/help.err"); rc=$?
	check "$c --help exits 0" "$rc" 0
	holds "$c --help prints its usage on stdout" \
	    test "$(printf '%s\n' "$out" | head -n1 | cut -d' ' -f1-3)" = "usage: hookspool $c"
	check "$c --help writes nothing to stderr" "$(wc -c < "$T/help.err")" 0
done
check "a --help after run's -- is the handler's, not ours" \
    "$(hs run bulk --max 1 -- sh -c 'exit 0' --help 2>/dev/null | grep -c '^usage:')" 0
check "usage error: same text on stderr" \
    "$(hs retry 2>&1 >/dev/null)" "$("$HS" retry --help)"
check "usage error exits 2" "$(hs retry >/dev/null 2>&1; echo $?)" 2
check "hookspool --help exits 0" "$("$HS" --help >/dev/null; echo $?)" 0
check "hookspool --version" "$("$HS" --version)" "hookspool $(sed -n 's/^#define HS_VERSION[[:space:]]*"\(.*\)"/\1/p' "$(dirname "$0")/../../include/hs_version.h")"
check "hookspool.fcgi --version from a shell" "$("$(dirname "$HS")/hookspool.fcgi" --version)" \
    "$("$HS" --version | sed 's/^hookspool /hookspool.fcgi /')"
# under CGI the argument is a request's query (mod_cgi's ?--version), and
# the answer is the pipeline's, never the version
check "hookspool.fcgi --version under CGI answers as a request" \
    "$(GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET HOOKSPOOL_CONFIG="$CFG" \
      "$(dirname "$HS")/hookspool.fcgi" --version </dev/null 2>/dev/null | head -n1 | tr -d '\r')" \
    "Status: 405 Method Not Allowed"

# ------------------------------------------------ 4 runners x 200 events
M=200
first=$(post_circ bulk.event 0)
holds "receiver spooled an event into bulk/new" test -f "$SPOOL/bulk/new/$first"
i=1
while [ $i -lt $M ]; do
	id="1763900000.M$(printf %06d $i)P1R0Q$i.test"
	sed "s/$first/$id/" "$SPOOL/bulk/new/$first" >"$SPOOL/bulk/tmp/$id"
	mv "$SPOOL/bulk/tmp/$id" "$SPOOL/bulk/new/$id"
	i=$((i + 1))
done
check "bulk/new holds $M events" "$(count "$SPOOL/bulk/new")" $M
check "stats counts them" "$(hs stats --json | jq .bulk.new.count)" $M
cp "$SPOOL/bulk/new/$first" "$T/first.orig"
pids=
for _ in 1 2 3 4; do
	hs run bulk -- sh -c 'echo "$HOOKSPOOL_ID $PPID" >>"$0"' "$T/bulk.log" &
	pids="$pids $!"
done
rcs=
for p in $pids; do wait "$p"; rcs="$rcs$?"; done
check "4 overlapping runners exit 0" "$rcs" 0000
check "every event handled ($M log lines)" "$(wc -l <"$T/bulk.log")" $M
check "no event handled twice" "$(cut -d' ' -f1 "$T/bulk.log" | sort | uniq -d | wc -l)" 0
check "$M distinct ids handled" "$(cut -d' ' -f1 "$T/bulk.log" | sort -u | wc -l)" $M
holds "the runners really overlapped (more than one did work)" \
    test "$(cut -d' ' -f2 "$T/bulk.log" | sort -u | wc -l)" -gt 1
check "all $M in done/" "$(count "$SPOOL/bulk/done")" $M
check "new/ and cur/ empty" "$(count "$SPOOL/bulk/new")$(count "$SPOOL/bulk/cur")" 00
holds "event file unchanged by run" cmp -s "$T/first.orig" "$SPOOL/bulk/done/$first"
holds "no meta for events that never failed" test ! -e "$SPOOL/bulk/meta/$first.json"
check "ls --state done --json lists $M" "$(hs ls bulk --state "done" --json | jq length)" $M
check "ls shows the event name" \
    "$(hs ls bulk --json | jq -r --arg id "$first" '.[] | select(.id == $id) | .event')" bulk.event
check "stats: bulk done count" "$(hs stats --json | jq .bulk.done.count)" $M

# ------------------------------------------------------- handler env
envid=$(post_circ misc.event env)
hs run misc -- sh -c 'env | grep ^HOOKSPOOL_ | sort >"$0"; cat >"$0.stdin"' "$T/env.out"
check "HOOKSPOOL_ID" "$(grep ^HOOKSPOOL_ID= "$T/env.out")" "HOOKSPOOL_ID=$envid"
check "HOOKSPOOL_EVENT" "$(grep ^HOOKSPOOL_EVENT= "$T/env.out")" HOOKSPOOL_EVENT=misc.event
check "HOOKSPOOL_ENDPOINT" "$(grep ^HOOKSPOOL_ENDPOINT= "$T/env.out")" HOOKSPOOL_ENDPOINT=circ
check "HOOKSPOOL_DOCUMENT_ID" "$(grep ^HOOKSPOOL_DOCUMENT_ID= "$T/env.out")" HOOKSPOOL_DOCUMENT_ID=doc-env
check "HOOKSPOOL_QUEUE" "$(grep ^HOOKSPOOL_QUEUE= "$T/env.out")" HOOKSPOOL_QUEUE=misc
check "HOOKSPOOL_ATTEMPT" "$(grep ^HOOKSPOOL_ATTEMPT= "$T/env.out")" HOOKSPOOL_ATTEMPT=1
check "HOOKSPOOL_FILE" "$(grep ^HOOKSPOOL_FILE= "$T/env.out")" "HOOKSPOOL_FILE=$SPOOL/misc/cur/$envid"
holds "HOOKSPOOL_DELIVERY_ID is set" grep -q ^HOOKSPOOL_DELIVERY_ID= "$T/env.out"
holds "the event file arrives on stdin" cmp -s "$T/env.out.stdin" "$SPOOL/misc/done/$envid"

# -------------------------------------- failing handler: backoff, failed/
fid=$(post_circ fail.event 1)
FAILER='head -c 5000 /dev/zero | tr "\0" x >&2; echo >&2; echo "boom $HOOKSPOOL_ATTEMPT" >&2; echo run >>"$0"; exit 7'
check "failing handler: run exits 1" "$(hs run failq -- sh -c "$FAILER" "$T/fail.log" 2>/dev/null; echo $?)" 1
check "attempt 1 recorded" "$(jq .attempts "$SPOOL/failq/meta/$fid.json")" 1
check "back in new/" "$(count "$SPOOL/failq/new")" 1
check "ls shows it deferred" "$(hs ls failq --state deferred --json | jq -r '.[0].id')" "$fid"
holds "next attempt is in the future" \
    test "$(hs ls failq --json | jq '.[0].next_attempt_at')" -gt "$(($(date +%s) - 1))"
holds "mtime is the next attempt time" \
    test "$(stat -c %Y "$SPOOL/failq/new/$fid")" -eq "$(jq .next_attempt_at "$SPOOL/failq/meta/$fid.json")"
hs run failq -- sh -c "$FAILER" "$T/fail.log" 2>/dev/null
check "not run again before its time" "$(wc -l <"$T/fail.log")" 1
retry_until_failed() {
	hs run failq -- sh -c "$FAILER" "$T/fail.log" 2>/dev/null
	test -f "$SPOOL/failq/failed/$fid"
}
holds "after max_attempts it lands in failed/" wait_for 15 retry_until_failed
check "handler ran max_attempts times" "$(wc -l <"$T/fail.log")" 3
show=$(hs show "$fid" --json)
check "show: state failed" "$(jq -r .state <<<"$show")" failed
check "show: attempts 3" "$(jq .meta.attempts <<<"$show")" 3
check "show: last exit status" "$(jq .meta.last_exit <<<"$show")" 7
check "show: last error" "$(jq -r .meta.last_error <<<"$show")" "exit status 7"
holds "show: stderr tail ends with the last words" \
    test "$(jq -j .meta.last_stderr <<<"$show" | tail -n 1)" = "boom 3"
holds "stderr tail bounded to 4 KiB" \
    test "$(jq -j .meta.last_stderr <<<"$show" | wc -c)" -le 4096
check "show: the event itself" "$(jq -r .event.id <<<"$show")" "$fid"
check "show: the body verbatim" "$(jq -r .event.body.n <<<"$show")" 1
holds "show (text) prints the meta" sh -c "'$HS' -c '$CFG' show '$fid' | grep -q '^last_error: *exit status 7'"
check "stats: failq failed count" "$(hs stats --json | jq .failq.failed.count)" 1

check "retry ID exits 0" "$(hs retry "$fid" >/dev/null; echo $?)" 0
check "retry: back in new/" "$(count "$SPOOL/failq/new")" 1
check "retry: attempts reset" "$(jq .attempts "$SPOOL/failq/meta/$fid.json")" 0
check "retry: ready now" "$(hs ls failq --json | jq '.[0].deferred')" false
hs run failq -- sh -c 'echo "$HOOKSPOOL_ATTEMPT" >"$0"' "$T/retry.attempt"
check "retried event handled" "$(count "$SPOOL/failq/done")" 1
check "retried event started at attempt 1" "$(cat "$T/retry.attempt")" 1
check "retry of a running (cur/) event refused" "$(hs retry 1.x 2>/dev/null; echo $?)" 1

# --------------------------------------------------------- timeouts
sid=$(post_circ slow.event 1)
start=$(date +%s)
rc=$(hs run slowq --timeout 1 -- sh -c 'sleep 30 & echo $! >"$0"; wait' "$T/bg.pid" 2>/dev/null; echo $?)
took=$(($(date +%s) - start))
check "timed-out handler: run exits 1" "$rc" 1
holds "killed at the timeout, not after 30 s ($took s)" test $took -le 4
holds "its whole process group is gone" not_running "$(cat "$T/bg.pid")"
check "timeout counted as an attempt" "$(jq .attempts "$SPOOL/slowq/meta/$sid.json")" 1
check "timeout recorded" "$(jq .last_timed_out "$SPOOL/slowq/meta/$sid.json")" true
check "timeout reason" "$(jq -r .last_error "$SPOOL/slowq/meta/$sid.json")" "timed out after 1 s"
sleep 2.5	# the backoff
start=$(date +%s)
hs run slowq --timeout 1 -- sh -c 'trap "" TERM; sleep 30' 2>/dev/null
took=$(($(date +%s) - start))
holds "a handler ignoring TERM is KILLed after the grace ($took s)" test $took -ge 5 -a $took -le 9
check "second attempt recorded" "$(jq .attempts "$SPOOL/slowq/meta/$sid.json")" 2

# ------------------------------------------ runner killed with kill -9
cid=$(post_circ crash.event 1)
"$HS" -c "$CFG" run crashq -- sh -c 'echo started >>"$0"; sleep 30' "$T/crash.log" 2>/dev/null &
rpid=$!
holds "handler started" wait_for 10 test -s "$T/crash.log"
kill -9 $rpid
wait $rpid 2>/dev/null
check "claimed event stays in cur/" "$(count "$SPOOL/crashq/cur")" 1
hs run crashq -- sh -c 'echo "$HOOKSPOOL_ID" >>"$0"' "$T/crash2.log"
check "not taken back before the lease ends" "$(count "$SPOOL/crashq/cur")" 1
sleep 3
hs run crashq -- sh -c 'echo "$HOOKSPOOL_ID $HOOKSPOOL_ATTEMPT" >>"$0"' "$T/crash2.log" 2>/dev/null
check "after the lease a later run handled it" "$(cat "$T/crash2.log" 2>/dev/null)" "$cid 2"
check "in done/" "$(count "$SPOOL/crashq/done")" 1
check "the dead runner's attempt is on record" \
    "$(jq -r .last_error "$SPOOL/crashq/meta/$cid.json")" "runner died (lease expired)"

# ------------------------------------------ keep_done_seconds = 0
zid=$(post_circ zero.event 1)
timeout 60 "$HS" -c "$T/keep0.json" run zeroq -- true
holds "keep_done_seconds 0: handled event deleted" \
    test ! -e "$SPOOL/zeroq/done/$zid" -a ! -e "$SPOOL/zeroq/new/$zid" -a ! -e "$SPOOL/zeroq/cur/$zid"

# --------------------------------------------------- retry --failed
m1=$(post_circ misc.event a)
m2=$(post_circ misc.event b)
mkdir -p "$SPOOL/misc/failed"
mv "$SPOOL/misc/new/$m1" "$SPOOL/misc/new/$m2" "$SPOOL/misc/failed/"
check "retry --failed QUEUE" "$(hs retry --failed misc)" "2 events back in new/"
check "both back in new/" "$(hs ls misc --state new --json | jq length)" 2

# ------------------------------------------------------------ verify
v1=$(post_ign tok-valid-1)
v2=$(post_ign tok-used-2)
v3=$(post_ign tok-flaky-3)
check "ignisign events wait in pending/" "$(count "$SPOOL/signed/pending")" 3
cp "$SPOOL/signed/pending/$v1" "$T/v1.orig"
check "verify with a 503 exits 1" "$(hs verify 2>"$T/verify.err"; echo $?)" 1
check "valid token: released into new/" "$(test -f "$SPOOL/signed/new/$v1" && echo yes)" yes
check "released copy says verified" "$(jq .verified "$SPOOL/signed/new/$v1")" true
holds "released copy differs only in verified and verified_scope" \
    cmp -s <(sed 's/"verified":false,"verified_scope":"none"/"verified":true,"verified_scope":"body"/' "$T/v1.orig") "$SPOOL/signed/new/$v1"
check "used token: rejected/" "$(test -f "$SPOOL/signed/rejected/$v2" && echo yes)" yes
check "rejection reason recorded" "$(jq -r .verify.reason "$SPOOL/signed/meta/$v2.json")" alreadyConsumed
check "503: stays pending" "$(test -f "$SPOOL/signed/pending/$v3" && echo yes)" yes
check "503 recorded" "$(jq -r .verify.last_error "$SPOOL/signed/meta/$v3.json")" "HTTP status 503"
check "3 requests to the API" "$(wc -l <"$T/stub.log")" 3
req=$(grep tok-valid-1 "$T/stub.log")
check "request path" "$(jq -r .path <<<"$req")" /v4/tokens/webhook-verification/checking-consumption
check "request Authorization" "$(jq -r .authorization <<<"$req")" "Bearer $API_KEY"
check "request Content-Type" "$(jq -r .content_type <<<"$req")" application/json
check "request body, exactly" "$(jq -r .body <<<"$req")" \
    '{"token":"tok-valid-1","appId":"appId_test","appEnv":"DEVELOPMENT"}'
holds "verify never prints the API key" sh -c "! grep -q '$API_KEY' '$T/verify.err'"
check "rerun: flaky token now valid, exit 0" "$(hs verify 2>/dev/null; echo $?)" 0
check "flaky event released" "$(jq .verified "$SPOOL/signed/new/$v3")" true
check "rerun asked only about the pending one" "$(wc -l <"$T/stub.log")" 4
# a crash after the answer, before the move: the meta says valid
v4=$(post_ign tok-used-4)
mkdir -p "$SPOOL/signed/meta"
echo "{\"id\":\"$v4\",\"verify\":{\"outcome\":\"valid\",\"checked_at\":1}}" >"$SPOOL/signed/meta/$v4.json"
hs verify 2>/dev/null
check "recorded isValid releases without asking again" "$(wc -l <"$T/stub.log")" 4
check "and the event is in new/, verified" "$(jq .verified "$SPOOL/signed/new/$v4")" true
# a symlinked tmp/: the verified copy is never written through it
v6=$(post_ign tok-valid-6)
mkdir -p "$T/vvictim"; mv "$SPOOL/signed/tmp" "$T/realtmp"; ln -s "$T/vvictim" "$SPOOL/signed/tmp"
check "verify with tmp/ a symlink: exit 1" "$(hs verify 2>"$T/verify.err"; echo $?)" 1
check "verify with tmp/ a symlink: nothing written into the victim" "$(ls -A "$T/vvictim" | wc -l)" 0
check "verify with tmp/ a symlink: still pending" "$(test -f "$SPOOL/signed/pending/$v6" && echo yes)" yes
rm "$SPOOL/signed/tmp"; mv "$T/realtmp" "$SPOOL/signed/tmp"
hs verify 2>/dev/null
check "verify with tmp/ real again: released (the recorded answer)" "$(jq .verified "$SPOOL/signed/new/$v6")" true
# the API is down
kill "$STUB_PID"; wait "$STUB_PID" 2>/dev/null; STUB_PID=
v5=$(post_ign tok-valid-5)
check "network down: verify exits 1" "$(hs verify 2>/dev/null; echo $?)" 1
check "network down: stays pending" "$(test -f "$SPOOL/signed/pending/$v5" && echo yes)" yes
holds "network error recorded" jq -e '.verify.last_error | length > 0' "$SPOOL/signed/meta/$v5.json" >/dev/null
check "verify of a non-ignisign endpoint is a usage error" "$(hs verify circ 2>/dev/null; echo $?)" 2

# ------------------------------------------------------------- purge
check "purge: nothing old yet" "$(hs purge --older-than 1d --json | jq .done)" 0
ls "$SPOOL/bulk/done" | head -n 50 | while read -r f; do
	touch -d '3 days ago' "$SPOOL/bulk/done/$f"
done
check "purge --older-than 2d removes 50 done" "$(hs purge --older-than 2d --json | jq .done)" 50
check "150 done left" "$(count "$SPOOL/bulk/done")" 150
touch -d '3 days ago' "$SPOOL/failq/done/$fid"
mkdir -p "$SPOOL/misc/failed"
mv "$SPOOL/misc/new/$m1" "$SPOOL/misc/failed/"
touch -d '3 days ago' "$SPOOL/misc/failed/$m1"
check "purge without --failed keeps failed/" "$(hs purge --older-than 2d --json | jq .failed)" 0
holds "failed event still there" test -f "$SPOOL/misc/failed/$m1"
check "purge --failed removes it" "$(hs purge --older-than 2d --failed --json | jq .failed)" 1
holds "its meta went with it" test ! -e "$SPOOL/misc/meta/$m1.json"
holds "purge removed the old done event's meta" test ! -e "$SPOOL/failq/meta/$fid.json"
echo junk >"$SPOOL/bulk/tmp/stale"; touch -d '37 hours ago' "$SPOOL/bulk/tmp/stale"
echo junk >"$SPOOL/bulk/tmp/fresh"
marker=$(ls "$SPOOL/.dedup/circ" | head -n 1)
markers=$(ls "$SPOOL/.dedup/circ" | wc -l)
touch -d '3 days ago' "$SPOOL/.dedup/circ/$marker"
out=$(hs purge --older-than 2d --json)
check "purge sweeps tmp/ leftovers older than 36 h" "$(jq .tmp <<<"$out")" 1
holds "fresh tmp/ file kept" test -f "$SPOOL/bulk/tmp/fresh"
check "purge sweeps old dedup markers" "$(jq .dedup <<<"$out")" 1
check "younger dedup markers kept" "$(ls "$SPOOL/.dedup/circ" | wc -l)" $((markers - 1))
check "purge with a bad duration is a usage error" "$(hs purge --older-than 3x 2>/dev/null; echo $?)" 2

# ------------------------------------------------------ check-config
cc=$(hs check-config --json)
check "check-config exits 0" "$?" 0
check "check-config: secrets counted" "$(jq .endpoints.circ.secrets <<<"$cc")" 1
check "check-config: routes" "$(jq -r '.endpoints.circ.routes["fail.event"]' <<<"$cc")" failq
check "check-config: api key present" "$(jq .endpoints.ign.api_key <<<"$cc")" true
check "check-config: spool writable" "$(jq .spool_writable <<<"$cc")" true
# every provider's own keys, from the table the config is read with
cat >"$T/opts.json" <<JSON
{"spool_dir": "$T/optspool", "endpoints": {"h": {"provider": "hmac",
 "header": "X-Sig", "algorithm": "sha512", "encoding": "base64",
 "event_field": "type", "secrets": ["x"], "routes": {"*": "q"}}}}
JSON
check "check-config: hmac's options shown" \
    "$("$HS" -c "$T/opts.json" check-config --json | jq -c '.endpoints.h | [.header, .algorithm, .encoding, .event_field, .event_header]')" \
    '["X-Sig","sha512","base64","type",null]'
holds "check-config: hmac's options in text" sh -c "'$HS' -c '$T/opts.json' check-config | grep -qF 'header \"X-Sig\", algorithm \"sha512\"'"
check "check-config: retry settings" "$(jq .retry.max_attempts <<<"$cc")" 3
holds "check-config never prints a secret" \
    sh -c "! '$HS' -c '$CFG' check-config 2>&1 | grep -q -e '$SECRET' -e '$API_KEY'"
sed 's/"max_attempts"/"max_atempts"/' "$CFG" >"$T/bad.json"
err=$("$HS" -c "$T/bad.json" check-config 2>&1 >/dev/null)
check "bad config: exit 1" "$("$HS" -c "$T/bad.json" check-config >/dev/null 2>&1; echo $?)" 1
holds "bad config: the error names the key ($err)" grep -q 'retry.max_atempts' <<<"$err"
check "config from HOOKSPOOL_CONFIG" "$(HOOKSPOOL_CONFIG=$CFG "$HS" check-config --json | jq -r .config)" "$CFG"

# ------------------------------------------------------------- stats
st=$(hs stats --json)
check "stats: signed rejected" "$(jq .signed.rejected.count <<<"$st")" 1
check "stats: signed pending" "$(jq .signed.pending.count <<<"$st")" 1
holds "stats: oldest age is a number" jq -e '.bulk.done.oldest_age_seconds >= 0' >/dev/null <<<"$st"
check "stats: empty state has no age" "$(jq .bulk.cur.oldest_age_seconds <<<"$st")" null
holds "stats (text) lists bulk done" sh -c "'$HS' -c '$CFG' stats | grep -q '^bulk  *done  *150'"

# ---------------------------- symlinks inside the spool are never followed
# Whoever writes the spool (the web server's user) must not be able to
# point a root cron job elsewhere. A victim directory with old files that
# any sweep would delete, and a fresh spool per case.
SP=$T/sym
SCFG=$T/sym.json
cat >"$SCFG" <<JSON
{ "spool_dir": "$SP", "durable": true,
  "retry": { "max_attempts": 3, "backoff_seconds": 0, "backoff_max_seconds": 0,
             "lease_seconds": 1, "timeout_seconds": 20, "keep_done_seconds": 3600 },
  "endpoints": { "circ": { "provider": "circularo", "secrets": ["$SECRET"],
                           "routes": { "*": "q" } } } }
JSON
shs() { timeout 60 "$HS" -c "$SCFG" "$@"; }
SYMID=1763900001.M000001P1R0Q1.test
fresh() { # an empty spool with queue q, one event in q/new; a victim dir
	rm -rf "$SP" "$T/victim"
	mkdir -p "$SP/q/tmp" "$SP/q/new" "$SP/q/cur" "$SP/.dedup/circ" "$T/victim"
	sed "s/$first/$SYMID/" "$T/first.orig" >"$SP/q/new/$SYMID"
	for f in a b c.json; do
		echo keep >"$T/victim/$f"
		touch -d '40 days ago' "$T/victim/$f"
	done
	: >"$T/sym.log"
}
victim_intact() { [ "$(ls -A "$T/victim" | wc -l)" = 3 ] && [ "$(cat "$T/victim"/a "$T/victim"/b "$T/victim"/c.json)" = "keep
keep
keep" ]; }
# plant DIR: DIR (below $SP) becomes a symlink to the victim
plant() { rm -rf "${SP:?}/$1"; ln -s "$T/victim" "$SP/$1"; }
# sym_case WHAT CMD...: runs CMD on the planted spool; exit status 1, the
# message names the path, the victim untouched
sym_case() {
	local what=$1 rc; shift
	rc=$("$@" >/dev/null 2>"$T/sym.err"; echo $?)
	check "$what: exit 1" "$rc" 1
	holds "$what: the message names $SP/$where" grep -qF "$SP/$where" "$T/sym.err"
	holds "$what: victim untouched" victim_intact
}
for where in q/done q/tmp q/meta .dedup/circ .dedup q; do
	fresh; plant "$where"
	sym_case "purge with $where a symlink" shs purge --older-than 30d --done --failed --rejected
done
for where in q/done q/cur q/meta q/failed q/new q; do
	fresh; plant "$where"
	sym_case "run with $where a symlink" shs run q -- sh -c 'echo ran >>"$0"; exit 1' "$T/sym.log"
	check "run with $where a symlink: no handler ran" "$(wc -l <"$T/sym.log")" 0
done
fresh; mkdir -p "$SP/q/failed"; mv "$SP/q/new/$SYMID" "$SP/q/failed/"; plant q/new
where=q/new
sym_case "retry ID with q/new a symlink" shs retry "$SYMID"
holds "retry ID with q/new a symlink: still in failed/" test -f "$SP/q/failed/$SYMID"
fresh; rm -rf "$T/victim"; mkdir -p "$T/victim"; mv "$SP/q/new/$SYMID" "$T/victim/"
touch "$T/victim/a" "$T/victim/b"; echo keep >"$T/victim/a"; echo keep >"$T/victim/b"
rm -rf "$SP/q/failed"; ln -s "$T/victim" "$SP/q/failed"
rc=$(shs retry --failed q >/dev/null 2>"$T/sym.err"; echo $?)
check "retry --failed with q/failed a symlink: exit 1" "$rc" 1
holds "retry --failed: the message names the path" grep -qF "$SP/q/failed" "$T/sym.err"
holds "retry --failed: nothing moved out of the victim" test -f "$T/victim/$SYMID" -a ! -e "$SP/q/new/$SYMID"
for where in q/new q/meta q; do
	fresh; plant "$where"
	sym_case "ls with $where a symlink" shs ls
	sym_case "ls q with $where a symlink" shs ls q
	sym_case "stats with $where a symlink" shs stats --json
done
fresh; mkdir -p "$T/vq"; cp -a "$SP/q/." "$T/vq/"; rm -rf "$SP/q"; ln -s "$T/vq" "$SP/q"
where=q
sym_case "show with the queue directory a symlink" shs show "$SYMID"
fresh; plant q/meta; where=q/meta
sym_case "show with q/meta a symlink" shs show "$SYMID"
fresh; mkdir -p "$SP/q/meta"; ln -s "$T/victim/c.json" "$SP/q/meta/$SYMID.json"
where=q/meta/$SYMID.json
sym_case "show with the event's meta file a symlink" shs show "$SYMID"
# an event file that is a symlink to a file only root may read
fresh
sed "s/$first/$SYMID/" "$T/first.orig" | sed 's/"n":"0"/"n":"TOPSECRET"/' >"$T/secret"
chmod 600 "$T/secret"
rm "$SP/q/new/$SYMID"; ln -s "$T/secret" "$SP/q/new/$SYMID"
where=q/new/$SYMID
sym_case "run with an event file a symlink" shs run q -- sh -c 'cat >>"$0"' "$T/sym.log"
holds "run: the symlink's target was never read" sh -c "! grep -q TOPSECRET '$T/sym.log'"
holds "run: the symlink left in place, not moved" test -L "$SP/q/new/$SYMID"
sym_case "ls with an event file a symlink" shs ls q
sym_case "stats with an event file a symlink" shs stats
sym_case "show of an event file that is a symlink" shs show "$SYMID"
holds "show: the target was never printed" sh -c "! grep -q TOPSECRET '$T/sym.err'"
check "show --json of it: nothing on stdout" "$(shs show "$SYMID" --json 2>/dev/null | grep -c TOPSECRET)" 0
mkdir -p "$SP/q/failed"; mv "$SP/q/new/$SYMID" "$SP/q/failed/"
where=q/failed/$SYMID
sym_case "retry of an event file that is a symlink" shs retry "$SYMID"
holds "retry: the symlink stays in failed/" test -L "$SP/q/failed/$SYMID"
touch -h -d '40 days ago' "$SP/q/failed/$SYMID"
sym_case "purge of an old symlink in failed/" shs purge --older-than 30d --failed
holds "purge: the symlink's target is untouched" test -f "$T/secret"

# ------------------------------ run cannot claim: an error, never "0 handled"
fresh; rm -rf "$SP/q/cur"; echo junk >"$SP/q/cur"
rc=$(shs run q -v -- sh -c 'echo ran >>"$0"' "$T/sym.log" >"$T/sym.out" 2>"$T/sym.err"; echo $?)
check "run with cur/ a plain file: exit 1" "$rc" 1
holds "run with cur/ a plain file: the message names it" grep -qF "$SP/q/cur: is not a directory" "$T/sym.err"
holds "run with cur/ a plain file: the event stays in new/" test -f "$SP/q/new/$SYMID"
check "run with cur/ a plain file: no handler ran" "$(wc -l <"$T/sym.log")" 0
if command -v setpriv >/dev/null; then
	# a runner that may not write cur/ (the cron user outside the group)
	fresh; chmod 711 "$T"; chmod 644 "$SCFG"; chown -R 65534:65534 "$SP"
	chmod 555 "$SP/q/cur"
	rc=$(setpriv --reuid=65534 --regid=65534 --clear-groups timeout 60 "$HS" \
	    -c "$SCFG" run q -- true >/dev/null 2>"$T/sym.err"; echo $?)
	chmod 700 "$T"
	check "run that cannot rename into cur/: exit 1" "$rc" 1
	holds "run that cannot rename into cur/: the message names the path" \
	    grep -qF "$SP/q/new/$SYMID" "$T/sym.err"
	holds "run that cannot rename into cur/: says why" grep -q "Permission denied" "$T/sym.err"
	holds "run that cannot rename into cur/: the event stays in new/" test -f "$SP/q/new/$SYMID"
fi

# ------------------------------------------- show escapes a handler's stderr
fresh
shs run q -- sh -c 'printf "\033[31mred\033]0;pwned\007 tab\tend\n" >&2; exit 1' \
    >/dev/null 2>"$T/esc.err"
shs show "$SYMID" >"$T/show.txt"
check "show (text): no raw ESC or BEL byte" "$(LC_ALL=C grep -c "$(printf '[\033\007]')" "$T/show.txt")" 0
holds "show (text): ESC shown as \\x1b" grep -qF '\x1b[31mred\x1b]0;pwned\x07' "$T/show.txt"
holds "show (text): tabs kept" grep -q "$(printf 'tab\tend')" "$T/show.txt"
holds "show --json: the stderr as it was (JSON escapes)" \
    sh -c "'$HS' -c '$SCFG' show '$SYMID' --json | jq -e '.meta.last_stderr | startswith(\"\u001b[31mred\")' >/dev/null"
# backoff_seconds 0: the retry is due at once, not in 1970
holds "backoff 0: \"next attempt now\"" grep -q "attempt 1 of 3, next attempt now" "$T/esc.err"
holds "backoff 0: no 1970" sh -c "! grep -q 1970 '$T/esc.err'"

# ----------------- check-config: a body limit smaller than the sender's bodies
cat >"$T/adobe.json" <<JSON
{"spool_dir": "$T/adobespool", "endpoints": {"a": {"provider": "adobe-sign",
 "client_ids": ["UB7E5BXCXY"], "routes": {"*": "q"}}}}
JSON
check "check-config: Adobe Sign with the 1 MiB default is warned about" \
    "$("$HS" -c "$T/adobe.json" check-config --json 2>/dev/null | jq -r '.warnings[]' | grep -c 'endpoints.a: adobe-sign sends bodies of up to 10485760 bytes, max_body_bytes is 1048576')" 1
sed -i 's/"spool_dir"/"max_body_bytes": 10485760, "spool_dir"/' "$T/adobe.json"
check "check-config: Adobe Sign without allow_from: the advice, nothing else" \
    "$("$HS" -c "$T/adobe.json" check-config --json 2>/dev/null | jq -r '.warnings[]')" \
    "endpoints.a: no allow_from: Adobe Acrobat Sign signs nothing (anyone who learns the client id can send): set allow_from to Adobe's published ranges or put mTLS in front, and fetch the agreement from Adobe's API before acting on an event"
holds "check-config: ... on stderr too" sh -c "'$HS' -c '$T/adobe.json' check-config 2>&1 >/dev/null | grep -q '^hookspool: warning: endpoints.a: no allow_from: Adobe'"
sed -i 's/"client_ids"/"allow_from": ["192.0.2.0\/24"], "client_ids"/' "$T/adobe.json"
check "check-config: Adobe Sign with max_body_bytes 10 MB and allow_from: no warning" \
    "$("$HS" -c "$T/adobe.json" check-config --json 2>/dev/null | jq -r '.warnings|length')" 0
check "check-config --json: allow_from shown as a count" \
    "$("$HS" -c "$T/adobe.json" check-config --json 2>/dev/null | jq -c '.endpoints.a | [.allow_from, .trusted_proxies, .forwarded_header]')" '[1,null,"none"]'

# ------------------------- sign: the event in a header where the sender puts it
cat >"$T/evh.json" <<JSON
{"spool_dir": "$T/evhspool", "endpoints": {
 "gh": {"provider": "github", "secrets": ["s"], "routes": {"*": "q"}},
 "h":  {"provider": "hmac", "header": "X-Sig", "event_header": "X-Event-Type",
        "secrets": ["x"], "routes": {"*": "q"}},
 "hb": {"provider": "hmac", "header": "X-Sig", "event_field": "type",
        "secrets": ["x"], "routes": {"*": "q"}}}}
JSON
check "sign github: X-GitHub-Event carries the event" \
    "$("$HS" -c "$T/evh.json" sign gh --event push | grep -o 'X-GitHub-Event: [a-z]*')" \
    "X-GitHub-Event: push"
check "sign hmac with event_header: that header carries the event" \
    "$("$HS" -c "$T/evh.json" sign h --event order.paid | grep -o 'X-Event-Type: [a-z.]*')" \
    "X-Event-Type: order.paid"
check "sign hmac with event_field: no event header" \
    "$("$HS" -c "$T/evh.json" sign hb --event order.paid | grep -ci 'event')" 0

# --------------------------------------------- sign --send keeps 64 KiB
python3 - "$T/big.port" 67108864 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        n = int(sys.argv[2])
        self.send_response(200)
        self.send_header("Content-Length", str(n))
        self.end_headers()
        chunk = b"x" * 65536
        while n > 0:
            k = min(n, len(chunk))
            self.wfile.write(chunk[:k])
            n -= k
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_port))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.handle_request()
PY
BIG_PID=$!
wait_for 10 test -s "$T/big.port"
/usr/bin/time -f %M -o "$T/big.rss" "$HS" -c "$SCFG" sign circ --event x \
    --send "http://127.0.0.1:$(cat "$T/big.port")/webhooks/circ" >"$T/big.out" 2>"$T/big.err"
wait "$BIG_PID" 2>/dev/null
holds "sign --send: a 64 MiB answer prints at most 64 KiB ($(wc -c <"$T/big.out") bytes)" \
    test "$(wc -c <"$T/big.out")" -le 65600
holds "sign --send: says it was cut" grep -q "answer cut: 67108864 bytes, the first 65536 shown" "$T/big.err"
holds "sign --send: memory stays small ($(cat "$T/big.rss") KiB max RSS)" \
    test "$(tail -n 1 "$T/big.rss")" -lt 40000

# ------------------------------- check-config: who else may read a secret
echo wh-secret >"$T/wh.secret"; echo key >"$T/cc.key"
cat >"$T/cc.json" <<JSON
{ "spool_dir": "$SP",
  "endpoints": {
    "circ": { "provider": "circularo", "secrets": ["file:$T/wh.secret"], "routes": { "*": "q" } },
    "ign": { "provider": "ignisign", "api_key": "file:$T/cc.key", "allow_from": ["192.0.2.0/24"], "routes": { "*": "q" } } } }
JSON
ccwarn() { "$HS" -c "$T/cc.json" check-config --json 2>/dev/null | jq -r '.warnings[]'; }
chmod 640 "$T/wh.secret"; chmod 600 "$T/cc.key"
check "check-config: group-readable webhook secret, owner-only api key: no warning" "$(ccwarn | wc -l)" 0
check "check-config: the suite's own config warns only of its senders that sign nothing" \
    "$(hs check-config --json 2>/dev/null | jq -r '.warnings[]' | sed 's/: no allow_from: .*//' | sort | tr '\n' ' ')" \
    "$(hs check-config --json 2>/dev/null | jq -r '.endpoints | to_entries[] | select(.value.provider == "ignisign" or .value.provider == "adobe-sign" or .value.provider == "dropbox-sign") | "endpoints." + .key' | sort | tr '\n' ' ')"
chmod 644 "$T/wh.secret"
holds "check-config: a webhook secret readable by others is a warning" \
    sh -c "'$HS' -c '$T/cc.json' check-config 2>&1 >/dev/null | grep -qF 'endpoints.circ.secrets[0]: $T/wh.secret is readable by others (mode 0644)'"
check "check-config: a warning does not fail it" "$("$HS" -c "$T/cc.json" check-config >/dev/null 2>&1; echo $?)" 0
chmod 640 "$T/wh.secret"; chmod 640 "$T/cc.key"
holds "check-config: a group-readable api_key is a warning (only verify reads it)" \
    sh -c "'$HS' -c '$T/cc.json' check-config --json 2>/dev/null | jq -r '.warnings[]' | grep -qF 'endpoints.ign.api_key: $T/cc.key is readable by its group'"
chmod 600 "$T/cc.key"; chmod 660 "$T/wh.secret"
holds "check-config: a group-writable secret is a warning" sh -c "'$HS' -c '$T/cc.json' check-config --json 2>/dev/null | jq -r '.warnings[]' | grep -q 'writable by its group'"
chmod 640 "$T/wh.secret"; mkdir -p "$T/ww"; chmod 777 "$T/ww"; mv "$T/cc.key" "$T/ww/"
sed -i "s|$T/cc.key|$T/ww/cc.key|" "$T/cc.json"
holds "check-config: a secret in a world-writable directory is a warning" sh -c "'$HS' -c '$T/cc.json' check-config --json 2>/dev/null | jq -r '.warnings[]' | grep -q 'which anyone may write'"
chmod 1777 "$T/ww"
check "check-config: ... unless the directory is sticky" "$(ccwarn | wc -l)" 0

# ------------------- a runner that died before its handler started costs nothing
# (the state it leaves: the claim in cur/, no lock, meta without started_at)
fresh; mkdir -p "$SP/q/meta"; mv "$SP/q/new/$SYMID" "$SP/q/cur/"
echo "{\"id\":\"$SYMID\",\"attempts\":1}" >"$SP/q/meta/$SYMID.json"
sleep 1.2	# the lease
shs run q -- sh -c 'echo "$HOOKSPOOL_ATTEMPT" >>"$0"' "$T/sym.log" 2>"$T/sym.err"
check "died before the handler started: not counted (the handler ran as attempt 2)" \
    "$(cat "$T/sym.log")" 2
holds "died before the handler started: said so" grep -q "before its handler started" "$T/sym.err"
fresh; mkdir -p "$SP/q/meta"; mv "$SP/q/new/$SYMID" "$SP/q/cur/"
echo "{\"id\":\"$SYMID\",\"attempts\":3,\"started_at\":1}" >"$SP/q/meta/$SYMID.json"
sleep 1.2
shs run q -- sh -c 'echo "$HOOKSPOOL_ATTEMPT" >>"$0"' "$T/sym.log" 2>"$T/sym.err"
holds "died while its 3rd of 3 handlers ran: failed/" test -f "$SP/q/failed/$SYMID"
check "died while its handler ran: that attempt counted, not another" \
    "$(jq .attempts "$SP/q/meta/$SYMID.json")" 3
check "died while its handler ran: not run again" "$(wc -l <"$T/sym.log")" 0

# ---------------- claims under load: looping runners, arrivals, short lease
# Every event must be handled exactly once, at attempt 1, and none may be
# given up for a runner that "died": a claim is never abandoned by its own
# runner, and only a started handler counts as an attempt.
ST=$T/stress
cat >"$T/stress.json" <<JSON
{ "spool_dir": "$ST", "durable": false,
  "retry": { "max_attempts": 2, "backoff_seconds": 0, "backoff_max_seconds": 0,
             "lease_seconds": 1, "timeout_seconds": 20, "keep_done_seconds": 3600 },
  "endpoints": { "circ": { "provider": "circularo", "secrets": ["$SECRET"],
                           "routes": { "*": "sq" } } } }
JSON
mkdir -p "$ST/sq/tmp" "$ST/sq/new" "$ST/sq/cur"
: >"$T/stress.log"; : >"$T/stress.err"
STRESS_SECS=${STRESS_SECS:-10}
runner_loop() {
	while [ ! -e "$T/stress.stop" ]; do
		"$HS" -c "$T/stress.json" run sq --max 25 -- \
		    sh -c 'echo "$HOOKSPOOL_ID $HOOKSPOOL_ATTEMPT" >>"$0"' "$T/stress.log" \
		    2>>"$T/stress.err"
	done
}
# the runners get the pauses of a loaded host (tests/cli/slow_claims.c)
SLOW=
if cc -shared -fPIC -O1 -o "$T/slow_claims.so" "$HERE/slow_claims.c" -ldl 2>/dev/null; then
	SLOW=$T/slow_claims.so
fi
rpids=
for _ in 1 2 3; do
	LD_PRELOAD=$SLOW ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    runner_loop & rpids="$rpids $!"
done
# arrivals: Maildir deliveries (tmp/, then rename into new/), ~200 a second
python3 - "$T/first.orig" "$first" "$ST/sq" "$STRESS_SECS" >"$T/stress.n" <<'PY'
import os, sys, time
tmpl = open(sys.argv[1]).read(); old = sys.argv[2]; q = sys.argv[3]
end = time.time() + float(sys.argv[4]); n = 0
while time.time() < end:
    for _ in range(2):
        n += 1
        t = time.time()
        eid = "%d.M%06dP%dR%08xQ%d.stress" % (int(t), int((t % 1) * 1e6), os.getpid(), n, n)
        with open(os.path.join(q, "tmp", eid), "w") as f:
            f.write(tmpl.replace(old, eid))
        os.rename(os.path.join(q, "tmp", eid), os.path.join(q, "new", eid))
    time.sleep(0.01)
print(n)
PY
N=$(cat "$T/stress.n")
drained() { [ "$(count "$ST/sq/new")$(count "$ST/sq/cur")" = 00 ] && \
    [ "$(wc -l <"$T/stress.log")" -ge "$N" ]; }
wait_for 10 drained
touch "$T/stress.stop"
for p in $rpids; do wait "$p"; done
echo "# stress: $N events in ${STRESS_SECS}s, 3 looping runners${SLOW:+ (slow_claims.so)}, lease 1 s;" \
    "$(grep -c 'runner died' "$T/stress.err") 'runner died' recoveries," \
    "$(count "$ST/sq/failed") in failed/"
check "stress: every event handled ($N)" "$(cut -d' ' -f1 "$T/stress.log" | sort -u | wc -l)" "$N"
check "stress: none handled twice" "$(cut -d' ' -f1 "$T/stress.log" | sort | uniq -d | wc -l)" 0
check "stress: every handler ran at attempt 1" "$(awk '$2 != 1' "$T/stress.log" | wc -l)" 0
check "stress: nothing in failed/" "$(count "$ST/sq/failed")" 0
check "stress: no claim taken back as a dead runner's" "$(grep -c 'runner died' "$T/stress.err")" 0
check "stress: all in done/, new/ and cur/ empty" \
    "$(count "$ST/sq/done") $(count "$ST/sq/new") $(count "$ST/sq/cur")" "$N 0 0"
check "stress: no meta left for events that never failed" "$(count "$ST/sq/meta")" 0

hs_summary cli

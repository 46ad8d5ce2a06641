#!/usr/bin/env bash
# tests/faults/run.sh BUILD_DIR - "2xx means on disk" under faults: a full
# disk, an unwritable spool, concurrent writers, kill -9 of FastCGI
# processes under load, and broken configs. Needs root for mount(8) and to
# drop to an unprivileged user; without it those parts print "skip" lines.
# FAULTS_WRITERS x FAULTS_EVENTS sets the concurrency load (default 8x1000).
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
WRITERS=${FAULTS_WRITERS:-8}
EVENTS=${FAULTS_EVENTS:-1000}
T=$(mktemp -d /tmp/hs-faults-XXXXXX)
chmod 0755 "$T"		# the unprivileged user must reach its config
PIDS=""
cleanup() {
	local p
	for p in $PIDS $(cat "$T"/kill/pids 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	mountpoint -q "$T/mnt" 2>/dev/null && umount "$T/mnt"
	rm -rf "$T"
}
trap cleanup EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
skip() { echo "skip $*"; }
ROOT=0; [ "$(id -u)" -eq 0 ] && ROOT=1

SECRET=s3cr3t-documenso
# conf FILE SPOOL [DURABLE]: one Documenso endpoint (shared-secret header,
# so the shell needs no HMAC per request); every event is distinct by
# payload.id, so dedup never hides one.
conf() {
	cat > "$1" <<JSON
{"spool_dir": "$2", "durable": ${3:-true},
 "endpoints": {"docs": {"provider": "documenso", "secrets": ["$SECRET"],
   "routes": {"DOCUMENT_SIGNED": "signed", "*": "other"}}}}
JSON
	chmod 0644 "$1"
}
# event N [EVENT [PAD]]: a body for payload id N
EVENT_FMT='{"event":"%s","payload":{"id":%s,"updatedAt":"2024-04-22T11:52:05.708Z","pad":"%s"}}'
event() { printf "$EVENT_FMT" "${2:-DOCUMENT_SIGNED}" "$1" "${3:-}"; }
# post CONF BODYFILE [PREFIX...]: CGI request; answer in $T/out, log in $T/err
post_() {
	local c=$1 f=$2; shift 2
	"$@" env -i HOOKSPOOL_CONFIG="$c" REQUEST_METHOD=POST PATH_INFO=/docs \
	    CONTENT_TYPE=application/json CONTENT_LENGTH="$(stat -c %s "$f")" \
	    HTTP_X_DOCUMENSO_SECRET="$SECRET" "$BIN" < "$f" > "$T/out" 2> "$T/err"
}
# Under `make asan` a sanitizer report is a failure wherever it shows up.
SAN=0
post() {
	post_ "$@"
	local rc=$?
	grep -qE 'Sanitizer|runtime error' "$T/err" && SAN=$((SAN + 1))
	return $rc
}
status() { head -n1 "$T/out" | tr -d '\r'; }
answer() { sed -n '/^\r$/,$p' "$T/out" | tail -n +2; }
files() { find "$1" -type f 2>/dev/null | sort; }
tree() { find "$1" 2>/dev/null | sort; }

# --- 1. disk full: tmpfs of 64 KiB ---------------------------------------------
echo "# disk full"
mkdir -p "$T/mnt"
if [ "$ROOT" -ne 1 ]; then
	skip "disk full: not root, cannot mount a tmpfs"
elif ! mount -t tmpfs -o size=64k,mode=0755 hs-faults "$T/mnt" 2>"$T/mount.err"; then
	skip "disk full: mount -t tmpfs not permitted here ($(head -c 200 "$T/mount.err"))"
else
	S=$T/mnt/spool
	conf "$T/full.json" "$S"
	event 1 > "$T/e1"
	post "$T/full.json" "$T/e1"
	check "full: first event accepted" "$(status)" "Status: 200 OK"
	dd if=/dev/zero of="$T/mnt/fill" bs=1k 2>/dev/null
	check "full: tmpfs is full" "$(df --output=avail "$T/mnt" | tail -1 | tr -d ' ')" "0"
	tree "$S" > "$T/before"
	event 2 > "$T/e2"
	post "$T/full.json" "$T/e2"
	check "full: 503" "$(status)" "Status: 503 Service Unavailable"
	check "full: Retry-After" "$(grep -c $'^Retry-After: 30\r$' "$T/out")" "1"
	check "full: answer" "$(answer | jq -c '[.status,.id]')" '["error",null]'
	check "full: log names the spool failure" \
	    "$(grep -c 'spool: write failed' "$T/err")" "1"
	tree "$S" > "$T/after"
	check "full: spool unchanged (no partial file in tmp/ or new/, no marker)" \
	    "$(diff "$T/before" "$T/after" && echo same)" "same"
	event 3 OTHER > "$T/e3"
	post "$T/full.json" "$T/e3"
	check "full: new queue on a full disk: 503" "$(status)" "Status: 503 Service Unavailable"
	check "full: new queue: no file anywhere" \
	    "$(files "$S" | grep -v /.dedup/ | grep -vc '/signed/new/')" "0"
	# Room for part of the body only: the write starts, then ENOSPC.
	rm -f "$T/mnt/fill"
	head -c $((64 * 1024 - 5 * 4096)) /dev/zero > "$T/mnt/fill" 2>/dev/null
	event 4 DOCUMENT_SIGNED "$(head -c 40000 /dev/zero | tr '\0' x)" > "$T/e4"
	tree "$S" > "$T/before"
	post "$T/full.json" "$T/e4"
	check "full: body larger than the space left: 503" "$(status)" "Status: 503 Service Unavailable"
	tree "$S" > "$T/after"
	check "full: partial write removed from tmp/" \
	    "$(diff "$T/before" "$T/after" && echo same)" "same"
	rm -f "$T/mnt/fill"
	post "$T/full.json" "$T/e4"
	check "full: space freed: the retry is accepted" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
	F=$S/signed/new/$(answer | jq -r .id)
	check "full: retried file complete" "$(jq -r .body.payload.id "$F" 2>/dev/null)" "4"
	post "$T/full.json" "$T/e2"
	check "full: the refused event was not marked as seen" "$(answer | jq -r .status)" "accepted"
	umount "$T/mnt"
fi

# --- 2. unwritable spool, as an unprivileged user -------------------------------
echo "# unwritable spool"
NOBODY=$(id -u nobody 2>/dev/null)
NOGROUP=$(getent group nogroup | cut -d: -f3)
if [ "$ROOT" -ne 1 ] || [ -z "$NOBODY" ] || [ -z "$NOGROUP" ] ||
    ! command -v setpriv > /dev/null; then
	skip "unwritable spool: needs root, user nobody, group nogroup and setpriv"
else
	AS=(setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups --)
	S=$T/ro/spool
	mkdir -p "$S"
	conf "$T/ro.json" "$S"
	chown "$NOBODY:$NOGROUP" "$S"
	chmod 0500 "$S"
	event 11 > "$T/e11"
	post "$T/ro.json" "$T/e11" "${AS[@]}"
	check "ro: spool dir 0500: 503" "$(status)" "Status: 503 Service Unavailable"
	check "ro: Retry-After" "$(grep -c '^Retry-After: ' "$T/out")" "1"
	check "ro: log line" "$(grep -c 'spool: cannot create queue directories' "$T/err")" "1"
	check "ro: nothing created" "$(tree "$S" | wc -l)" "1"
	chmod 0700 "$S"
	post "$T/ro.json" "$T/e11" "${AS[@]}"
	check "ro: writable again: accepted as nobody" "$(status)" "Status: 200 OK"
	chmod 0500 "$S/signed/tmp"
	event 12 > "$T/e12"
	tree "$S" > "$T/before"
	post "$T/ro.json" "$T/e12" "${AS[@]}"
	check "ro: tmp/ 0500: 503" "$(status)" "Status: 503 Service Unavailable"
	check "ro: tmp/ 0500: spool unchanged" "$(tree "$S" | diff "$T/before" - && echo same)" "same"
	chmod 2770 "$S/signed/tmp"
	chmod 0500 "$S/signed/new"
	post "$T/ro.json" "$T/e12" "${AS[@]}"
	check "ro: new/ 0500: 503" "$(status)" "Status: 503 Service Unavailable"
	check "ro: new/ 0500: log says rename" "$(grep -c 'rename into the queue failed' "$T/err")" "1"
	check "ro: new/ 0500: file taken back out of tmp/" "$(tree "$S" | diff "$T/before" - && echo same)" "same"
	chmod 2770 "$S/signed/new"
	post "$T/ro.json" "$T/e12" "${AS[@]}"
	check "ro: new/ writable again: accepted" "$(answer | jq -r .status)" "accepted"
	# A lost dedup marker may cost a duplicate later, never the event.
	chmod 0500 "$S/.dedup/docs"
	event 13 > "$T/e13"
	post "$T/ro.json" "$T/e13" "${AS[@]}"
	check "ro: .dedup unwritable: event still accepted" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
	check "ro: .dedup unwritable: file on disk" "$(test -s "$S/signed/new/$(answer | jq -r .id)" && echo yes)" "yes"
fi

# --- 3. concurrent CGI writers --------------------------------------------------
echo "# $WRITERS concurrent CGI writers x $EVENTS events"
S=$T/conc/spool
mkdir -p "$T/conc"
conf "$T/conc.json" "$S"
# Answers go to out.W as "@<payload id>" then the CGI output; answers()
# turns that into "<payload id> <answer JSON>" lines.
writer() {
	local w=$1 i n f=$T/conc/body.$1 b
	for ((i = 1; i <= EVENTS; i++)); do
		n=$((w * 1000000 + i))
		printf -v b "$EVENT_FMT" DOCUMENT_SIGNED "$n" ""
		printf '%s' "$b" > "$f"
		echo "@$n"
		env -i HOOKSPOOL_CONFIG="$T/conc.json" REQUEST_METHOD=POST \
		    PATH_INFO=/docs CONTENT_TYPE=application/json \
		    CONTENT_LENGTH=${#b} HTTP_X_DOCUMENSO_SECRET="$SECRET" \
		    "$BIN" < "$f" 2>> "$T/conc/err.$w"
	done > "$T/conc/out.$w"
}
answers() { tr -d '\r' | awk '/^@/ { n = substr($0, 2) } /^\{/ { print n, $0 }'; }
start=$SECONDS
for ((w = 1; w <= WRITERS; w++)); do writer "$w" & PIDS="$PIDS $!"; done
wait
PIDS=""
secs=$((SECONDS - start))
TOTAL=$((WRITERS * EVENTS))
cat "$T"/conc/out.* | answers > "$T/conc/all"
check "conc: every request answered accepted" \
    "$(grep -c '"status":"accepted"' "$T/conc/all")" "$TOTAL"
# "<payload id> <spool id>" from the answers and from the files
sed -E 's/^([0-9]+) .*"id":"([^"]+)".*/\1 \2/' "$T/conc/all" | sort > "$T/conc/answered"
check "conc: ids unique" "$(cut -d' ' -f2 "$T/conc/answered" | sort -u | wc -l)" "$TOTAL"
check "conc: files in new/" "$(find "$S/signed/new" -type f | wc -l)" "$TOTAL"
find "$S/signed/new" -type f -print0 |
    xargs -0 jq -r '"\(.body.payload.id) \(.id) \(input_filename | split("/") | last)"' \
    > "$T/conc/stored" 2> "$T/conc/jq.err"
check "conc: every file is valid JSON" "$(wc -c < "$T/conc/jq.err")" "0"
check "conc: each file named by its id" "$(awk '$2 != $3' "$T/conc/stored" | wc -l)" "0"
check "conc: names and payloads match the answers" \
    "$(cut -d' ' -f1,2 "$T/conc/stored" | sort | diff - "$T/conc/answered" && echo same)" "same"
check "conc: tmp/ empty" "$(find "$S/signed/tmp" -type f | wc -l)" "0"
check "conc: no sanitizer report" "$(cat "$T"/conc/err.* | grep -cE 'Sanitizer|runtime error')" "0"
echo "# conc: $TOTAL events in ${secs}s"

# --- 4. kill -9 of FastCGI processes under load ----------------------------------
echo "# kill -9 under FastCGI load"
if ! command -v spawn-fcgi > /dev/null || ! command -v cgi-fcgi > /dev/null; then
	skip "kill -9: needs spawn-fcgi and cgi-fcgi (Debian: spawn-fcgi libfcgi-bin)"
else
	K=$T/kill
	S=$K/spool
	mkdir -p "$K"
	conf "$K/conf.json" "$S"
	start_app() {
		HOOKSPOOL_CONFIG="$K/conf.json" spawn-fcgi -s "$K/sock" -F 2 \
		    -P "$K/pids" -- "$BIN" > /dev/null 2>> "$K/app.err"
	}
	start_app
	PAD=$(printf '%9000s' '')
	client() {
		local c=$1 i n f=$K/body.$1 b
		for ((i = 1; i <= 400; i++)); do
			n=$((c * 1000000 + i))
			printf -v b "$EVENT_FMT" DOCUMENT_SIGNED "$n" \
			    "${PAD:0:$((i % 7 * 1500))}"
			printf '%s' "$b" > "$f"
			echo "@$n"
			env -i REQUEST_METHOD=POST PATH_INFO=/docs \
			    CONTENT_TYPE=application/json CONTENT_LENGTH=${#b} \
			    HTTP_X_DOCUMENSO_SECRET="$SECRET" \
			    cgi-fcgi -bind -connect "$K/sock" < "$f" 2> /dev/null
			echo
		done > "$K/out.$c"
	}
	for c in 1 2 3 4; do client "$c" & PIDS="$PIDS $!"; done
	CLIENTS=$PIDS
	kills=0
	sleep 0.3
	while kill -0 $CLIENTS 2> /dev/null; do
		for p in $(cat "$K/pids"); do kill -9 "$p" 2> /dev/null; done
		kills=$((kills + 1))
		sleep 0.1
		start_app
		sleep 0.$((RANDOM % 4 + 2))
	done
	wait $CLIENTS 2> /dev/null
	PIDS=""
	cat "$K"/out.* | answers > "$K/all"
	grep '"status":"accepted"' "$K/all" |
	    sed -E 's/^([0-9]+) .*"id":"([^"]+)".*/\1 \2/' | sort > "$K/acked"
	find "$S/signed/new" -type f -print0 2>/dev/null |
	    xargs -0 -r jq -r '"\(.body.payload.id) \(.id) \(input_filename | split("/") | last)"' \
	    > "$K/stored" 2> "$K/jq.err"
	acked=$(wc -l < "$K/acked")
	stored=$(wc -l < "$K/stored")
	echo "# kill: $kills kill -9 rounds, 1600 requests, $acked acknowledged, $stored files, $(find "$S/signed/tmp" -type f | wc -l) tmp/ leftovers"
	check "kill: load was interrupted and resumed" \
	    "$([ "$kills" -ge 3 ] && [ "$acked" -gt 0 ] && [ "$acked" -lt 1600 ] && echo yes)" "yes"
	check "kill: no partial file in new/ (all valid JSON)" "$(wc -c < "$K/jq.err")" "0"
	check "kill: every file named by its id" "$(awk '$2 != $3' "$K/stored" | wc -l)" "0"
	check "kill: every 2xx has exactly its file" \
	    "$(cut -d' ' -f1,2 "$K/stored" | sort | comm -23 "$K/acked" - | wc -l)" "0"
	check "kill: no event stored twice" \
	    "$(cut -d' ' -f1 "$K/stored" | sort | uniq -d | wc -l)" "0"
	check "kill: no sanitizer report" "$(grep -cE 'Sanitizer|runtime error' "$K/app.err")" "0"
	for p in $(cat "$K/pids"); do kill -9 "$p" 2> /dev/null; done
fi

# --- 5. broken configs: 500, a log line naming the key, never a crash -------------
echo "# bad configs"
S=$T/badconf/spool
mkdir -p "$T/badconf"
event 21 > "$T/e21"
# badconf NAME WANT_IN_LOG CONFIG_TEXT
badconf() {
	local c=$T/badconf/$1.json rc
	printf '%s' "$3" > "$c"
	post "$c" "$T/e21"
	rc=$?
	if [ "$(status)" = "Status: 500 Internal Server Error" ] &&
	    [ "$(answer | jq -r .error)" = "server configuration error" ] &&
	    grep -qF -- "$2" "$T/err" && [ "$rc" -eq 1 ] &&
	    ! grep -q topsecret "$T/err" "$T/out" && [ ! -e "$S" ]; then
		ok "config $1: 500, log names \"$2\""
	else
		bad "config $1: $(status) rc=$rc log: $(head -c 300 "$T/err")"
	fi
}
EP='"docs": {"provider": "documenso", "secrets": ["topsecret"], "routes": {"*": "q"}}'
badconf unknown_top_key 'spool_dirr: unknown key' \
    "{\"spool_dirr\": \"$S\", \"endpoints\": {$EP}}"
badconf unknown_endpoint_key 'endpoints.docs.secret: unknown key' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secret\": [\"topsecret\"], \"routes\": {\"*\": \"q\"}}}}"
badconf unknown_retry_key 'retry.max_attempt: unknown key' \
    "{\"spool_dir\": \"$S\", \"retry\": {\"max_attempt\": 3}, \"endpoints\": {$EP}}"
badconf bad_queue_name 'endpoints.docs.routes.*: bad queue name' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"topsecret\"], \"routes\": {\"*\": \"../q\"}}}}"
badconf dot_queue_name 'endpoints.docs.routes.*: bad queue name' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"topsecret\"], \"routes\": {\"*\": \".dedup\"}}}}"
badconf bad_endpoint_name 'bad endpoint name' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"do/cs\": {\"provider\": \"documenso\", \"secrets\": [\"topsecret\"], \"routes\": {\"*\": \"q\"}}}}"
badconf empty_secret 'endpoints.docs.secrets[0]: secret is empty' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"\"], \"routes\": {\"*\": \"q\"}}}}"
badconf no_secrets 'endpoints.docs.secrets: provider documenso needs at least one secret' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"routes\": {\"*\": \"q\"}}}}"
badconf missing_secret_file 'endpoints.docs.secrets[0]: cannot read secret file' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"file:$T/none\"], \"routes\": {\"*\": \"q\"}}}}"
badconf unset_secret_env 'endpoints.docs.secrets[0]: environment variable HS_NO_SUCH_VAR is not set' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"env:HS_NO_SUCH_VAR\"], \"routes\": {\"*\": \"q\"}}}}"
badconf bad_whsec 'endpoints.docs.secrets[0]: secret is not base64' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"standard-webhooks\", \"secrets\": [\"whsec_!!!!\"], \"routes\": {\"*\": \"q\"}}}}"
badconf invalid_json 'not valid JSON' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {$EP},}"
badconf empty_file 'not valid JSON' ""
badconf trailing_control_byte 'not valid JSON' "{\"spool_dir\": \"/x\"}"$'\x01'
badconf deep_json 'not valid JSON' "{\"spool_dir\": \"$S\", \"_x\": $(printf '%40s' '' | tr ' ' '[')$(printf '%40s' '' | tr ' ' ']'), \"endpoints\": {$EP}}"
badconf top_array 'not valid JSON: body is not a JSON object' "[{\"spool_dir\": \"$S\"}]"
badconf max_body_string 'max_body_bytes: must be an integer' \
    "{\"spool_dir\": \"$S\", \"max_body_bytes\": \"1000\", \"endpoints\": {$EP}}"
badconf max_body_huge 'max_body_bytes: must be between' \
    "{\"spool_dir\": \"$S\", \"max_body_bytes\": 99999999999, \"endpoints\": {$EP}}"
badconf durable_string 'durable: must be true or false' \
    "{\"spool_dir\": \"$S\", \"durable\": \"yes\", \"endpoints\": {$EP}}"
badconf spool_relative 'spool_dir: must be an absolute path' \
    "{\"spool_dir\": \"spool\", \"endpoints\": {$EP}}"
badconf spool_number 'spool_dir: must be a non-empty string' \
    "{\"spool_dir\": 5, \"endpoints\": {$EP}}"
badconf secrets_string 'endpoints.docs.secrets: must be an array' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": \"topsecret\", \"routes\": {\"*\": \"q\"}}}}"
badconf secret_number 'endpoints.docs.secrets[0]: must be a string' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [5], \"routes\": {\"*\": \"q\"}}}}"
badconf routes_array 'endpoints.docs.routes: must be an object' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"topsecret\"], \"routes\": [\"q\"]}}}"
badconf route_queue_number 'endpoints.docs.routes.*: queue must be a string' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"topsecret\"], \"routes\": {\"*\": 1}}}}"
badconf tolerance_negative 'endpoints.docs.tolerance_seconds: must be between' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"documenso\", \"secrets\": [\"topsecret\"], \"tolerance_seconds\": -1, \"routes\": {\"*\": \"q\"}}}}"
badconf unknown_provider 'endpoints.docs.provider: unknown provider' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"paypal\", \"secrets\": [\"topsecret\"], \"routes\": {\"*\": \"q\"}}}}"
badconf hmac_without_header 'endpoints.docs.header: required for provider hmac' \
    "{\"spool_dir\": \"$S\", \"endpoints\": {\"docs\": {\"provider\": \"hmac\", \"event_field\": \"type\", \"secrets\": [\"topsecret\"], \"routes\": {\"*\": \"q\"}}}}"
badconf no_endpoints 'endpoints: required' "{\"spool_dir\": \"$S\"}"
post "$T/badconf/does-not-exist.json" "$T/e21"
check "config missing file: 500" "$(status)" "Status: 500 Internal Server Error"
check "config missing file: log says cannot read" \
    "$(grep -c 'does-not-exist.json: cannot read: No such file or directory' "$T/err")" "1"

check "no sanitizer report from any CGI run" "$SAN" "0"

hs_summary faults

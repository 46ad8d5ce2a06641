#!/usr/bin/env bash
# tests/promise/run.sh BUILD_DIR - the promise under attack, receiver side:
# a dedup key never merges two distinct events (Documenso's multi-recipient
# documents, generic hmac ids) and a replayed body is a duplicate whatever
# its unsigned headers say (GitHub); concurrent copies of one delivery
# store exactly one file; symlinks planted in the spool by whoever owns the
# web server's account are refused (503, nothing written anywhere); dedup
# that cannot work is logged, once; and configs and secrets that change
# under a running FastCGI process.
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
T=$(mktemp -d /tmp/hs-promise-XXXXXX)
PIDS=""
cleanup() {
	local p
	for p in $PIDS $(cat "$T"/*.pids 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
# shellcheck source=../lib/fixtures.sh
. "$(dirname "$0")/../lib/fixtures.sh"

SPOOL=$T/spool
CONF=$T/hookspool.json
GH_SECRET="It's a Secret to Everybody"
DOC_SECRET=documenso-shared-secret
writeconf() {	# writeconf FILE SPOOL [EXTRA_TOP]
	cat > "$1" <<JSON
{"spool_dir": "$2", ${3:-}
 "endpoints": {
  "documenso": {"provider": "documenso", "secrets": ["$DOC_SECRET"],
                "routes": {"*": "documents"}},
  "github":    {"provider": "github", "secrets": ["$GH_SECRET"],
                "routes": {"*": "deploy"}},
  "convoy":    {"provider": "hmac", "header": "X-Convoy-Signature",
                "event_field": "event", "delivery_id_header": "X-Delivery",
                "routes": {"*": "charges"}, "secrets": ["convoy-secret"]}
 }}
JSON
}
writeconf "$CONF" "$SPOOL"

# post ENDPOINT BODY [NAME=VALUE...]: one CGI request; answer in $T/out
post() {
	local ep=$1 body=$2; shift 2
	printf '%s' "$body" > "$T/body"
	env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="${PCONF:-$CONF}" \
	    REQUEST_METHOD=POST PATH_INFO="/$ep" CONTENT_LENGTH=${#body} \
	    CONTENT_TYPE=application/json "$@" \
	    "$BIN" < "$T/body" > "$T/out" 2> "$T/err"
}
status() { head -n1 "$T/out" | tr -d '\r'; }
answer() { sed -n '/^\r$/,$p' "$T/out" | tail -n +2; }
said() { answer | jq -r .status; }
nfiles() { find "${1:-$SPOOL}" -type f -not -path '*/.dedup/*' -not -name .counters 2>/dev/null | wc -l; }
doc() { post documenso "$1" HTTP_X_DOCUMENSO_SECRET="$DOC_SECRET"; }

# --- 1. Documenso: a multi-recipient document, as Documenso sends it ---------
# Documenso's job builds {event, payload, createdAt, webhookEndpoint} per
# attempt; opening and signing update only the Recipient rows, so the
# document's id and updatedAt stay put while the recipients array changes.
echo "# documenso: two recipients open and sign one after another"
recip() {	# recip ID EMAIL READ SIGN [SIGNED_AT]
	printf '{"id":%s,"envelopeId":"envelope_k3j","documentId":7,"email":"%s","name":"R%s","token":"tok%s","signedAt":%s,"role":"SIGNER","readStatus":"%s","signingStatus":"%s","sendStatus":"SENT"}' \
	    "$1" "$2" "$1" "$1" "${5:-null}" "$3" "$4"
}
payload() {	# payload R1 R2 [STATUS]
	printf '{"id":%s,"envelopeId":"envelope_k3j","title":"nda.pdf","status":"%s","createdAt":"2026-11-30T09:00:00.000Z","updatedAt":"2026-11-30T09:01:00.000Z","recipients":[%s,%s]}' \
	    "${DOCID:-7}" "${3:-PENDING}" "$1" "$2"
}
envelope() {	# envelope EVENT PAYLOAD CREATED_AT
	printf '{"event":"%s","payload":%s,"createdAt":"%s","webhookEndpoint":"https://example.org/webhooks/documenso"}' "$1" "$2" "$3"
}
A0=$(recip 1 a@example.org NOT_OPENED NOT_SIGNED); B0=$(recip 2 b@example.org NOT_OPENED NOT_SIGNED)
A1=$(recip 1 a@example.org OPENED NOT_SIGNED);     B1=$(recip 2 b@example.org OPENED NOT_SIGNED)
A2=$(recip 1 a@example.org OPENED SIGNED '"2026-11-30T09:05:00.000Z"')
B2=$(recip 2 b@example.org OPENED SIGNED '"2026-11-30T09:07:00.000Z"')
n=0
for step in "DOCUMENT_SENT|$A0|$B0" "DOCUMENT_OPENED|$A1|$B0" "DOCUMENT_SIGNED|$A2|$B0" \
    "DOCUMENT_RECIPIENT_COMPLETED|$A2|$B0" "DOCUMENT_OPENED|$A2|$B1" \
    "DOCUMENT_SIGNED|$A2|$B2" "DOCUMENT_RECIPIENT_COMPLETED|$A2|$B2"; do
	IFS='|' read -r ev ra rb <<< "$step"
	n=$((n + 1))
	doc "$(envelope "$ev" "$(payload "$ra" "$rb")" "2026-11-30T09:1$n:00.000Z")"
	check "documenso: step $n $ev stored" "$(status) $(said)" "Status: 200 OK accepted"
done
check "documenso: seven distinct events, seven files" "$(nfiles "$SPOOL/documents")" "7"
P=$(payload "$A2" "$B2")
doc "$(envelope DOCUMENT_SIGNED "$P" "2026-11-30T09:30:00.000Z")"
check "documenso: retry of the second signature (new createdAt) is a duplicate" "$(said)" "duplicate"
doc "$(envelope DOCUMENT_COMPLETED "$(payload "$A2" "$B2" COMPLETED)" "2026-11-30T09:31:00.000Z")"
check "documenso: completion stored" "$(said)" "accepted"
# A wrapper whose payload differs only in whitespace is another payload.
doc "$(envelope DOCUMENT_SIGNED "${P/\"status\":/\"status\": }" "2026-11-30T09:32:00.000Z")"
check "documenso: payload bytes are the key (not a re-serialisation)" "$(said)" "accepted"
R=$(envelope DOCUMENT_REMINDER_SENT "$(payload "$A2" "$B0")" "2026-12-01T09:00:00.000Z")
doc "$R"
check "documenso: first reminder stored" "$(said)" "accepted"
doc "${R/12-01T09/12-02T09}"
check "documenso: a second reminder of an unchanged document is not merged" "$(said)" "accepted"
doc "$R"
check "documenso: the same reminder attempt again is a duplicate" "$(said)" "duplicate"
doc '{"event":"DOCUMENT_SIGNED","createdAt":"2026-11-30T09:00:00.000Z"}'
check "documenso: no payload: keyed on the body" "$(said)" "accepted"

# --- GitHub: a captured signed body replayed under a fresh delivery id --------
echo "# github: replay with a fresh X-GitHub-Delivery"
G='{"ref":"refs/heads/main","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","repository":{"full_name":"octo/hello"},"sender":{"login":"octocat"}}'
GSIG="sha256=$(hmac_hex "$GH_SECRET" "$G")"
post github "$G" HTTP_X_GITHUB_EVENT=push HTTP_X_GITHUB_DELIVERY=d-1 HTTP_X_HUB_SIGNATURE_256="$GSIG"
check "github: first delivery stored" "$(said)" "accepted"
post github "$G" HTTP_X_GITHUB_EVENT=push HTTP_X_GITHUB_DELIVERY=d-1 HTTP_X_HUB_SIGNATURE_256="$GSIG"
check "github: redelivery (same id) is a duplicate" "$(said)" "duplicate"
post github "$G" HTTP_X_GITHUB_EVENT=push HTTP_X_GITHUB_DELIVERY=attacker-fresh-id HTTP_X_HUB_SIGNATURE_256="$GSIG"
check "github: replay under a fresh delivery id is a duplicate" "$(said)" "duplicate"
post github "$G" HTTP_X_GITHUB_EVENT=release HTTP_X_GITHUB_DELIVERY=d-2 HTTP_X_HUB_SIGNATURE_256="$GSIG"
check "github: replay under another (unsigned) event name is a duplicate" "$(said)" "duplicate"
check "github: one file" "$(nfiles "$SPOOL/deploy")" "1"

# --- generic hmac: the delivery header is not signed ----------------------------
echo "# hmac: delivery id and body together"
C1='{"event":"charge.success","amount":1000}'
C2='{"event":"charge.success","amount":2000}'
post convoy "$C1" HTTP_X_CONVOY_SIGNATURE="$(hmac_hex convoy-secret "$C1")" HTTP_X_DELIVERY=same-id
check "hmac: first stored" "$(said)" "accepted"
post convoy "$C2" HTTP_X_CONVOY_SIGNATURE="$(hmac_hex convoy-secret "$C2")" HTTP_X_DELIVERY=same-id
check "hmac: another body under a reused delivery id is not merged" "$(said)" "accepted"
post convoy "$C1" HTTP_X_CONVOY_SIGNATURE="$(hmac_hex convoy-secret "$C1")" HTTP_X_DELIVERY=same-id
check "hmac: the same delivery again is a duplicate" "$(said)" "duplicate"

# --- 3. concurrent copies of one delivery: exactly one file ---------------------
echo "# 32 simultaneous copies over 4 FastCGI processes"
if ! command -v spawn-fcgi > /dev/null || ! command -v cgi-fcgi > /dev/null; then
	bad "concurrency: needs spawn-fcgi and cgi-fcgi (Debian: spawn-fcgi libfcgi-bin)"
else
	K=$T/conc
	mkdir -p "$K"
	writeconf "$K/conf.json" "$K/spool"
	HOOKSPOOL_CONFIG="$K/conf.json" spawn-fcgi -s "$K/sock" -F 4 -P "$T/conc.pids" \
	    -- "$BIN" > /dev/null 2> "$K/app.err"
	copies_ok=0 acked_ok=0 rounds=6
	for round in $(seq 1 $rounds); do
		# a document of its own each round: distinct under any key
		b=$(DOCID=$((100 + round)) envelope DOCUMENT_SIGNED "$(DOCID=$((100 + round)) payload "$A2" "$(recip 2 "r$round@example.org" OPENED SIGNED)")" "2026-11-30T10:00:00.000Z")
		printf '%s' "$b" > "$K/body"
		for i in $(seq 1 32); do
			env -i REQUEST_METHOD=POST PATH_INFO=/documenso CONTENT_TYPE=application/json \
			    CONTENT_LENGTH=${#b} HTTP_X_DOCUMENSO_SECRET="$DOC_SECRET" \
			    cgi-fcgi -bind -connect "$K/sock" < "$K/body" > "$K/out.$i" 2> /dev/null &
		done
		wait
		files=$(grep -lF "r$round@example.org" "$K"/spool/documents/new/* 2>/dev/null | wc -l)
		acc=$(cat "$K"/out.* | grep -c '"status":"accepted"')
		dup=$(cat "$K"/out.* | grep -c '"status":"duplicate"')
		busy=$(cat "$K"/out.* | grep -c '^Status: 503')
		echo "# round $round: $files file(s); answers: $acc accepted, $dup duplicate, $busy 503"
		[ "$files" = 1 ] && copies_ok=$((copies_ok + 1))
		[ "$acc" = 1 ] && [ $((acc + dup + busy)) = 32 ] && acked_ok=$((acked_ok + 1))
	done
	check "concurrency: exactly one file in each of $rounds rounds" "$copies_ok" "$rounds"
	check "concurrency: one accepted, the rest duplicate or 503, in each round" "$acked_ok" "$rounds"
	check "concurrency: no in-flight marker left" "$(find "$K/spool/.dedup" -name '*.inflight' | wc -l)" "0"
	check "concurrency: nothing left in tmp/" "$(ls -A "$K/spool/documents/tmp" | wc -l)" "0"
	for p in $(cat "$T/conc.pids"); do kill "$p" 2>/dev/null; done
	# a copy whose first writer crashed (its lock gone with it, its
	# in-flight file left) is stored by the next copy, not refused as
	# "in flight" for ever. The key: SHA-256 of endpoint NUL event LF
	# SHA-256(payload bytes), as the README documents.
	p2=$(payload "$A2" "$(recip 2 crashed@example.org OPENED SIGNED)")
	psha=$(printf '%s' "$p2" | sha256sum | cut -d' ' -f1)
	key=$(printf 'documenso\0DOCUMENT_SIGNED\n%s' "$psha" | sha256sum | cut -d' ' -f1)
	: > "$K/spool/.dedup/documenso/$key.inflight"
	PCONF=$K/conf.json doc "$(envelope DOCUMENT_SIGNED "$p2" "2026-11-30T10:00:00.000Z")"
	check "concurrency: a crashed writer's leftover in-flight marker does not block" "$(status) $(said)" "Status: 200 OK accepted"
	check "concurrency: ... the marker is the documented key" "$(test -f "$K/spool/.dedup/documenso/$key" && echo yes)" "yes"
	check "concurrency: ... and the in-flight file is cleared" "$(test -e "$K/spool/.dedup/documenso/$key.inflight" && echo left || echo gone)" "gone"
fi

# --- 4. symlinks in the spool: 503, nothing written, nothing outside ------------
echo "# symlinks planted in the spool"
VICTIM=$T/victim
symlink_case() {	# symlink_case NAME PATH_IN_SPOOL
	local name=$1 rel=$2 s=$T/sym-$1 c=$T/sym-$1.json
	rm -rf "$VICTIM"; mkdir -p "$VICTIM"
	writeconf "$c" "$s"
	mkdir -p "$s/documents/tmp" "$s/documents/new" "$s/documents/cur" "$s/.dedup/documenso"
	rm -rf "${s:?}/$rel"
	ln -s "$VICTIM" "$s/$rel"
	PCONF=$c doc "$(envelope DOCUMENT_SIGNED "$(payload "$A2" "$(recip 2 "$name@example.org" OPENED SIGNED)")" "2026-11-30T11:00:00.000Z")"
	check "symlink $rel: 503" "$(status)" "Status: 503 Service Unavailable"
	check "symlink $rel: Retry-After" "$(grep -c '^Retry-After: ' "$T/out")" "1"
	check "symlink $rel: nothing in the victim directory" "$(find "$VICTIM" -mindepth 1 | wc -l)" "0"
	check "symlink $rel: no event file in the spool" "$(find "$s" -type f -not -path '*/.dedup/*' -not -name .counters | wc -l)" "0"
	check "symlink $rel: the log says why" "$(grep -c 'symbolic link\|not a real directory' "$T/err")" "1"
}
symlink_case new documents/new
symlink_case tmp documents/tmp
symlink_case queue documents
symlink_case dedup .dedup/documenso
symlink_case dedupdir .dedup

# --- 9. dedup that cannot work: stored anyway, and said once per process --------
echo "# .dedup is not a directory"
if command -v spawn-fcgi > /dev/null && command -v cgi-fcgi > /dev/null; then
	K=$T/nodedup
	mkdir -p "$K/spool"
	writeconf "$K/conf.json" "$K/spool"
	: > "$K/spool/.dedup"
	# spawn-fcgi sends a forked child's stderr to /dev/null; -n keeps it
	HOOKSPOOL_CONFIG="$K/conf.json" spawn-fcgi -n -s "$K/sock" \
	    -- "$BIN" > /dev/null 2> "$K/app.err" &
	echo $! > "$T/nodedup.pids"
	disown $!
	for _ in $(seq 50); do [ -S "$K/sock" ] && break; sleep 0.1; done
	for i in 1 2 3; do
		b=$(envelope DOCUMENT_OPENED "$(payload "$A0" "$(recip 2 "n$i@example.org" OPENED NOT_SIGNED)")" "2026-11-30T12:00:00.000Z")
		printf '%s' "$b" > "$K/body"
		env -i REQUEST_METHOD=POST PATH_INFO=/documenso CONTENT_TYPE=application/json \
		    CONTENT_LENGTH=${#b} HTTP_X_DOCUMENSO_SECRET="$DOC_SECRET" \
		    cgi-fcgi -bind -connect "$K/sock" < "$K/body" > "$K/out.$i" 2> /dev/null
	done
	check "no dedup: every event stored" "$(cat "$K"/out.* | grep -c '"status":"accepted"') $(nfiles "$K/spool/documents")" "3 3"
	for p in $(cat "$T/nodedup.pids"); do kill "$p" 2>/dev/null; done
	sleep 0.2
	check "no dedup: logged once per process, naming the cause" \
	    "$(grep -c 'dedup disabled.*\.dedup is not a directory' "$K/app.err")" "1"
fi

# --- 15. a new spool root's own directory entry is fsync'd ------------------------
echo "# creating the spool root"
if command -v strace > /dev/null; then
	writeconf "$T/fresh.json" "$T/fresh/spool"
	mkdir -p "$T/fresh"
	printf '%s' "$G" > "$T/body"
	env -i HOOKSPOOL_CONFIG="$T/fresh.json" REQUEST_METHOD=POST PATH_INFO=/github \
	    CONTENT_LENGTH=${#G} CONTENT_TYPE=application/json HTTP_X_GITHUB_EVENT=push \
	    HTTP_X_HUB_SIGNATURE_256="$GSIG" strace -f -e trace=mkdir,mkdirat,open,openat,fsync \
	    -o "$T/strace" "$BIN" < "$T/body" > "$T/out" 2> /dev/null
	check "fresh spool: stored" "$(status)" "Status: 200 OK"
	# the parent of the new root opened (by name) after mkdir, then fsync'd
	pfd=$(awk -v d="\"$T/fresh\"" '/mkdir/ && index($0, "\"'"$T"'/fresh/spool\"") {m=1}
	    m && /open/ && index($0, d) && /O_DIRECTORY/ {sub(/.*= /, ""); print; exit}' "$T/strace")
	check "fresh spool: parent of spool_dir fsync'd after mkdir" \
	    "$([ -n "$pfd" ] && grep -qE "fsync\\($pfd\\) += 0" "$T/strace" && echo yes)" "yes"
else
	bad "fresh spool: needs strace"
fi

# --- 14. ids from JSON numbers keep the number's own text ------------------------
echo "# numbers rendered as text"
for num in 18446744073709551616 9223372036854775808 -9223372036854775809 1.5 1e3 10 0.1e-2; do
	doc "{\"event\":\"DOCUMENT_SENT\",\"payload\":{\"id\":$num,\"n\":\"$num\"},\"createdAt\":\"x\"}"
	F=$SPOOL/documents/new/$(answer | jq -r .id)
	check "number $num: document_id is its own text" "$(status) $(jq -r .document_id "$F" 2>/dev/null)" "Status: 200 OK $num"
done

# --- 16. a lone surrogate escape (a JavaScript string cut inside an emoji) -------
# valid JSON grammar, and refusing it would lose the event for good (the
# sender sends the same bytes on every retry): stored verbatim (README).
echo "# lone UTF-16 surrogate escapes are stored verbatim"
LS='{"event":"DOCUMENT_SENT","payload":{"id":99,"title":"Contract \ud83d","x":"\udc00 and \ud83d\ude00"},"createdAt":"x"}'
doc "$LS"
check "lone surrogate: accepted" "$(status) $(said)" "Status: 200 OK accepted"
F=$SPOOL/documents/new/$(answer | jq -r .id)
check "lone surrogate: the body's bytes spliced verbatim" "$(grep -cF ",\"body\":$LS}" "$F")" "1"
check "lone surrogate: a JSON reader (Python) reads the file" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["body_sha256"], d["body"]["payload"]["id"])' "$F")" \
    "$(printf '%s' "$LS" | sha256sum | cut -d' ' -f1) 99"

# --- 12. unauthenticated Ignisign posts cannot fill the spool ------------------
echo "# pending/ is bounded"
IG='{"appId":"appId_1","appEnv":"PRODUCTION","topic":"SIGNATURE","action":"FINALIZED","msgNature":"SUCCESS","content":{"signatureRequestId":"sr%d","pad":"%s"},"verificationToken":"tok%d"}'
cat > "$T/ig.json" <<JSON
{"spool_dir": "$T/igspool", "max_body_bytes": 1048576, "endpoints": {
  "ignisign": {"provider": "ignisign", "max_pending": 3, "max_pending_bytes": 6000,
               "routes": {"SIGNATURE.*": "signing", "*": "other"}}}}
JSON
ig() { local b; printf -v b "$IG" "$1" "${2:-}" "$1"; PCONF=$T/ig.json post ignisign "$b"; }
for i in 1 2 3; do ig "$i"; done
check "pending: three wait" "$(nfiles "$T/igspool")" "3"
ig 4
check "pending: the fourth is refused with 503" "$(status) $(answer | jq -r .error)" \
    "Status: 503 Service Unavailable too many events awaiting verification; retry later"
check "pending: ... with Retry-After" "$(grep -c '^Retry-After: ' "$T/out")" "1"
check "pending: ... and nothing written" "$(nfiles "$T/igspool")" "3"
check "pending: ... the log says what to do" "$(grep -c 'pending/ is full.*hookspool verify' "$T/err")" "1"
mv "$T/igspool/signing/pending/"* "$T/igspool/signing/new/"
ig 5 "$(head -c 5500 /dev/zero | tr '\0' x)"
check "pending: room again once verified" "$(status)" "Status: 200 OK"
ig 6 "$(head -c 1000 /dev/zero | tr '\0' x)"
check "pending: max_pending_bytes bounds the bytes" "$(status)" "Status: 503 Service Unavailable"
# the defaults, against the attack as reported: 200 posts of 1 MB
cat > "$T/ig2.json" <<JSON
{"spool_dir": "$T/igspool2", "max_body_bytes": 1048576, "endpoints": {
  "ignisign": {"provider": "ignisign", "routes": {"*": "signing"}}}}
JSON
PAD=$(head -c 1000000 /dev/zero | tr '\0' x)
acc=0 refused=0
for i in $(seq 1 200); do
	printf -v b "$IG" "$i" "$PAD" "$i"
	PCONF=$T/ig2.json post ignisign "$b"
	case $(status) in "Status: 200 OK") acc=$((acc + 1)) ;; "Status: 503 Service Unavailable") refused=$((refused + 1)) ;; esac
done
pbytes=$(du -sb "$T/igspool2/signing/pending" | cut -f1)
echo "# 200 posts of 1 MB: $acc accepted, $refused refused, $pbytes bytes pending"
check "pending defaults: 64 MiB of 1 MB posts accepted, the rest refused" "$acc $refused" "67 133"
check "pending defaults: pending/ stays within 64 MiB" "$([ "$pbytes" -le $((64 << 20)) ] && echo yes)" "yes"

# --- 6-8. configs and secrets that change under a running FastCGI process -------
# fcgi_start NAME [ENV...]: one receiver process under spawn-fcgi -n (which
# keeps its stderr: NAME.err), socket $T/NAME.sock
fcgi_start() {
	local name=$1; shift
	rm -f "$T/$name.sock"
	env -i PATH=/usr/bin:/bin "$@" spawn-fcgi -n -s "$T/$name.sock" -- "$BIN" \
	    > /dev/null 2> "$T/$name.err" &
	echo $! >> "$T/$name.pids"
	disown $!
	for _ in $(seq 50); do [ -S "$T/$name.sock" ] && return 0; sleep 0.1; done
	bad "fcgi_start $name: no socket"
}
# fpost NAME ENDPOINT BODY [NAME=VALUE...]: one FastCGI request; $T/out
fpost() {
	local name=$1 ep=$2 body=$3; shift 3
	printf '%s' "$body" > "$T/body"
	env -i REQUEST_METHOD=POST PATH_INFO="/$ep" CONTENT_TYPE=application/json \
	    CONTENT_LENGTH=${#body} "$@" cgi-fcgi -bind -connect "$T/$name.sock" \
	    < "$T/body" > "$T/out" 2> /dev/null
}
gh() {	# gh NAME SECRET BODY [NAME=VALUE...]: a signed GitHub push
	local name=$1 secret=$2 body=$3; shift 3
	fpost "$name" github "$body" HTTP_X_GITHUB_EVENT=push \
	    HTTP_X_HUB_SIGNATURE_256="sha256=$(hmac_hex "$secret" "$body")" "$@"
}
if command -v spawn-fcgi > /dev/null && command -v cgi-fcgi > /dev/null; then
	echo "# 6. one process, a config per request"
	C6=$T/c6
	mkdir -p "$C6"
	for x in a b; do
		cat > "$C6/$x.json" <<JSON
{"spool_dir": "$C6/spool-$x", "endpoints": {"github": {"provider": "github",
 "secrets": ["secret-$x"], "routes": {"*": "deploy"}}}}
JSON
	done
	# a process serving several configs names the others for its sandbox
	# (README, "The sandbox"); without it the second config's request is
	# answered 503 and the process replaced (tests/sandbox/run.sh)
	fcgi_start c6 HOOKSPOOL_SANDBOX_ALSO="$C6/b.json"
	gh c6 secret-a '{"n":"a1"}' HOOKSPOOL_CONFIG="$C6/a.json"
	check "per-request config: A's request stored" "$(status) $(nfiles "$C6/spool-a")" "Status: 200 OK 1"
	gh c6 secret-b '{"n":"b1"}' HOOKSPOOL_CONFIG="$C6/b.json"
	check "per-request config: B's request verified with B's secret" "$(status)" "Status: 200 OK"
	check "per-request config: ... and stored in B's spool" "$(nfiles "$C6/spool-b") $(nfiles "$C6/spool-a")" "1 1"
	gh c6 secret-a '{"n":"a2"}' HOOKSPOOL_CONFIG="$C6/b.json"
	check "per-request config: A's secret is refused under B" "$(status)" "Status: 401 Unauthorized"
	gh c6 secret-a '{"n":"a3"}' HOOKSPOOL_CONFIG="$C6/a.json"
	check "per-request config: back to A" "$(status) $(nfiles "$C6/spool-a")" "Status: 200 OK 2"
	# the process's HOOKSPOOL_CONFIG (FcgidInitialEnv, bin-environment)
	# is the default; a request's own (SetEnv) is more specific and wins
	fcgi_start c6p HOOKSPOOL_CONFIG="$C6/a.json" HOOKSPOOL_SANDBOX_ALSO="$C6/b.json"
	gh c6p secret-b '{"n":"b2"}' HOOKSPOOL_CONFIG="$C6/b.json"
	check "per-request config: the request's value wins over the process's" "$(status) $(nfiles "$C6/spool-b")" "Status: 200 OK 2"
	gh c6p secret-a '{"n":"a4"}'
	check "per-request config: the process's value when the request has none" "$(status) $(nfiles "$C6/spool-a")" "Status: 200 OK 3"

	echo "# 7. a file: secret replaced on disk"
	C7=$T/c7
	mkdir -p "$C7"
	printf 'old-secret\n' > "$C7/secret"
	cat > "$C7/conf.json" <<JSON
{"spool_dir": "$C7/spool", "endpoints": {"github": {"provider": "github",
 "secrets": ["file:$C7/secret"], "routes": {"*": "deploy"}}}}
JSON
	fcgi_start c7 HOOKSPOOL_CONFIG="$C7/conf.json"
	gh c7 old-secret '{"n":1}'
	check "secret file: the old secret works" "$(status)" "Status: 200 OK"
	printf 'new-secret\n' > "$C7/secret.tmp" && mv "$C7/secret.tmp" "$C7/secret"
	gh c7 old-secret '{"n":2}'
	check "secret file: after rotation (rename) the old secret is refused" "$(status)" "Status: 401 Unauthorized"
	gh c7 new-secret '{"n":3}'
	check "secret file: ... and the new one works" "$(status)" "Status: 200 OK"
	printf 'third-secret-longer\n' > "$C7/secret"
	gh c7 new-secret '{"n":4}'
	check "secret file: rewritten in place, the previous secret is refused" "$(status)" "Status: 401 Unauthorized"
	gh c7 third-secret-longer '{"n":5}'
	check "secret file: ... and the new one works" "$(status)" "Status: 200 OK"

	echo "# 8. the config rewritten in place under load"
	C8=$T/c8
	mkdir -p "$C8"
	cat > "$C8/good.json" <<JSON
{"spool_dir": "$C8/spool", "endpoints": {"github": {"provider": "github",
 "secrets": ["s8"], "routes": {"*": "deploy"}}}}
JSON
	cp "$C8/good.json" "$C8/conf.json"
	fcgi_start c8 HOOKSPOOL_CONFIG="$C8/conf.json"
	gh c8 s8 '{"first":1}'
	check "rewrite in place: a good config loaded first" "$(status)" "Status: 200 OK"
	( end=$((SECONDS + 4)); while [ $SECONDS -lt $end ]; do
		cat "$C8/good.json" > "$C8/conf.json"; done ) &
	W=$!
	: > "$C8/statuses"
	for i in $(seq 1 300); do
		b="{\"n\":$i}"
		env -i REQUEST_METHOD=POST PATH_INFO=/github CONTENT_TYPE=application/json \
		    CONTENT_LENGTH=${#b} HTTP_X_GITHUB_EVENT=push \
		    HTTP_X_HUB_SIGNATURE_256="sha256=$(hmac_hex s8 "$b")" \
		    cgi-fcgi -bind -connect "$T/c8.sock" <<< "$b" 2> /dev/null |
		    head -n1 | tr -d '\r' >> "$C8/statuses"
		kill -0 $W 2> /dev/null || break
	done
	wait $W
	total=$(wc -l < "$C8/statuses")
	echo "# in-place rewrites: $total requests, $(sort "$C8/statuses" | uniq -c | tr '\n' ';')"
	check "rewrite in place: no 500 while the config is rewritten" "$(grep -vc '^Status: 200' "$C8/statuses")" "0"
	check "rewrite in place: enough requests raced the writer" "$([ "$total" -ge 50 ] && echo yes)" "yes"
	printf '{"spool_dir": "%s/spool", "endpionts": {}}' "$C8" > "$C8/conf.json"
	for i in 1 2 3 4 5; do gh c8 s8 "{\"broken\":$i}"; echo "$(status)" >> "$C8/broken"; done
	check "broken config: the last good one serves on" "$(sort -u "$C8/broken")" "Status: 200 OK"
	check "broken config: logged once, naming the key" "$(grep -c 'reload failed.*endpionts: unknown key' "$T/c8.err")" "1"
	cp "$C8/good.json" "$C8/conf.json"
	sed -i 's/"s8"/"s8-next"/' "$C8/conf.json"
	gh c8 s8-next '{"fixed":1}'
	check "broken config: the next good one is loaded" "$(status)" "Status: 200 OK"
else
	bad "config changes: need spawn-fcgi and cgi-fcgi"
fi

hs_summary promise

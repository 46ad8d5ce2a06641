#!/usr/bin/env bash
# tests/senders/run.sh BUILD_DIR - deliveries signed by the senders' own
# published libraries (npm: standardwebhooks, svix, stripe,
# @octokit/webhooks-methods) and Documenso's sending code path reproduced from
# its source, sent with Node's fetch to the receiver behind a real lighttpd on
# 127.0.0.1. Exact answers and exact spool files; refusals and duplicates
# leave the spool unchanged. A capturing server (capture.mjs) checks what the
# reproduced Documenso sender and `hookspool sign` put on the wire, the latter
# with the senders' own verify functions (verify.mjs). The versions are pinned
# in package-lock.json; `npm ci` runs here when node_modules is missing or
# older than the lock.
#
#   send.mjs       one delivery signed by standardwebhooks, svix, stripe or
#                  @octokit/webhooks-methods, sent with fetch
#   documenso.mjs  Documenso's trigger -> job -> executeWebhookCall path for
#                  one document whose recipients open and sign in turn
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/servers.sh
. "$HERE/../lib/servers.sh"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"

for c in node npm jq openssl curl; do
	command -v "$c" >/dev/null 2>&1 ||
		{ echo "senders: $c is missing (bash tests/lib/deps.sh check)"; echo "senders: 0 passed, 1 failed"; exit 1; }
done
if [ ! -f "$HERE/node_modules/.package-lock.json" ] ||
	[ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
	echo "senders: npm ci"
	(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) ||
		{ echo "senders: npm ci failed (needs the npm registry)"; echo "senders: 0 passed, 1 failed"; exit 1; }
fi

T=$(mktemp -d /tmp/hs-senders-XXXXXX)
chmod 0755 "$T"
trap 'hs_stop_server; rm -rf "$T"' EXIT
SPOOL=$T/spool
hs_prepare_spool "$SPOOL"

# Secrets shaped as each sender issues them.
SW_SECRET=whsec_$(openssl rand -base64 32)         # 32 bytes: base64 with padding
SVIX_SECRET=whsec_$(openssl rand -base64 24)       # Svix's own: 24 bytes
STRIPE_SECRET=whsec_$(openssl rand -hex 16)        # used as a string, never decoded
GH_SECRET="Geheimnis ✓ $(openssl rand -hex 8)"     # any string; UTF-8 as octokit hashes it
DS_SECRET=documenso-$(openssl rand -hex 12)
cat > "$T/hookspool.json" <<JSON
{"spool_dir": "$SPOOL", "max_body_bytes": 1048576,
 "endpoints": {
  "standard":  {"provider": "standard-webhooks", "secrets": ["$SW_SECRET"],
                "routes": {"*": "standard"}},
  "svix":      {"provider": "svix", "secrets": ["$SVIX_SECRET"], "routes": {"*": "svix"}},
  "stripe":    {"provider": "stripe", "secrets": ["$STRIPE_SECRET"],
                "routes": {"invoice.*": "billing", "*": "payments"}},
  "github":    {"provider": "github", "secrets": ["$GH_SECRET"],
                "routes": {"push": "deploy", "*": "github"}},
  "documenso": {"provider": "documenso", "secrets": ["$DS_SECRET"],
                "routes": {"DOCUMENT_COMPLETED": "completed", "*": "documents"}}
 }}
JSON
chmod 0644 "$T/hookspool.json"
hs_start_lighttpd "$BIN" "$T/hookspool.json" "$T" || {
	echo "senders: 0 passed, 1 failed"
	exit 1
}

# send SENDER ENDPOINT SPEC_JSON: one delivery through send.mjs; result in $R,
# the bytes sent in $T/sent
send() {
	local spec
	spec=$(jq -cn --arg s "$1" --arg u "$HS_URL/webhooks/$2" --arg f "$T/sent" \
	    --argjson x "$3" '{sender: $s, url: $u, save: $f} + $x')
	rm -f "$T/sent"
	R=$(node "$HERE/send.mjs" "$spec" 2>"$T/node.err") || {
		R='{}'
		sed 's/^/    node: /' "$T/node.err" | head -5
	}
}
r() { printf '%s' "$R" | jq -r "$1" 2>/dev/null; }
# snapshot: every file in the spool (markers included), names, sizes, contents
# the counters file counts refusals too: not an event
snapshot() { (cd "$SPOOL" && find . -type f ! -name .counters -printf '%P %s\n' | sort && find . -type f ! -name .counters -exec cat {} + | sha256sum) 2>/dev/null | sha256sum; }
nfiles() { find "$SPOOL" -type f -not -path '*/.dedup/*' -not -name .counters 2>/dev/null | wc -l; }
# spliced FILE SENT: FILE ends with ,"body":<SENT's bytes>}\n
spliced() {
	local n
	n=$(stat -c %s "$2")
	if { printf ',"body":'; cat "$2"; printf '}\n'; } | cmp -s - <(tail -c $((n + 10)) "$1"); then
		echo yes
	else
		echo no
	fi
}

# accepted LABEL ENDPOINT PROVIDER QUEUE EVENT DELIVERY_ID DOCUMENT_ID: the
# delivery in $R was stored, exactly once, exactly as sent
accepted() {
	local label=$1 ep=$2 prov=$3 queue=$4 event=$5 did=$6 doc=$7 f
	check "$label: the library's own verify accepts it" "$(r .lib_ok)" "true"
	check "$label: the library signs as the README says" "$(r .readme_ok)" "true"
	check "$label: 200 accepted into $queue" "$(r '[.code, .answer.status, .answer.queue] | join(" ")')" "200 accepted $queue"
	f=$SPOOL/$queue/new/$(r .answer.id)
	check "$label: one new file, named by the answered id" \
	    "$(test -f "$f" && echo $(($(nfiles) - BEFORE)))" "1"
	check "$label: envelope" \
	    "$(jq -c '[.endpoint, .provider, .event, .queue, .delivery_id, .document_id, .verified]' "$f" 2>/dev/null)" \
	    "$(jq -cn --arg e "$ep" --arg p "$prov" --arg q "$queue" --arg ev "$event" --arg d "$did" --arg doc "$doc" \
	        '[$e, $p, $ev, $q, $d, $doc, true]')"
	check "$label: body_sha256 = SHA-256 of the bytes sent" \
	    "$(jq -r .body_sha256 "$f" 2>/dev/null) $(sha256sum < "$T/sent" | cut -d' ' -f1)" "$(r .sha256) $(r .sha256)"
	check "$label: body spliced byte for byte" "$(spliced "$f" "$T/sent")" "yes"
	F=$f
}
# refused LABEL: the delivery in $R was refused with 401; spool unchanged
refused() {
	check "$1: the library's own verify refuses it too" "$(r .lib_ok)" "false"
	check "$1: 401" "$(r .code)" "401"
	check "$1: spool unchanged" "$(snapshot)" "$SNAP"
}
# duplicate LABEL: answered 200 duplicate; spool unchanged
duplicate() {
	check "$1: the library's own verify accepts it" "$(r .lib_ok)" "true"
	check "$1: 200 duplicate" "$(r '[.code, .answer.status] | join(" ")')" "200 duplicate"
	check "$1: nothing stored" "$(snapshot)" "$SNAP"
}
mark() { BEFORE=$(nfiles); SNAP=$(snapshot); }
# capture_start: capture.mjs in the background for one request at $CAP_URL;
# `wait "$CAP"`, then $T/cap.json holds what arrived
capture_start() {
	rm -f "$T/cap.port" "$T/cap.json"
	timeout 20 node "$HERE/capture.mjs" "$T/cap.port" > "$T/cap.json" 2>"$T/cap.err" &
	CAP=$!
	for _ in $(seq 100); do [ -s "$T/cap.port" ] && break; sleep 0.1; done
	CAP_URL=http://127.0.0.1:$(cat "$T/cap.port" 2>/dev/null)
}

# --- Standard Webhooks: standardwebhooks' Webhook.sign, webhook-* headers -----
SW=$(jq -cn --arg s "$SW_SECRET" '{secret: $s, id: "msg_2Hc8Kq1wPzT5vYb3", event: "invoice.paid", object_id: "inv_7F3k"}')
mark
send standardwebhooks standard "$SW"
accepted "standardwebhooks" standard standard-webhooks standard invoice.paid msg_2Hc8Kq1wPzT5vYb3 inv_7F3k
check "standardwebhooks: occurred_at is the body's timestamp" "$(jq -r .occurred_at "$F" 2>/dev/null)" "$(jq -r .timestamp "$T/sent")"
cp "$T/sent" "$T/sw-first"
mark
send standardwebhooks standard "$(jq -c '. + {tamper: true, id: "msg_tamper1"}' <<<"$SW")"
refused "standardwebhooks tampered body"
send standardwebhooks standard "$(jq -c --arg w "whsec_$(openssl rand -base64 32)" '. + {sign_secrets: [$w], id: "msg_wrong1"}' <<<"$SW")"
refused "standardwebhooks wrong secret"
send standardwebhooks standard "$(jq -c '. + {ts_offset: -400, id: "msg_stale1"}' <<<"$SW")"
refused "standardwebhooks timestamp 400 s old"
send standardwebhooks standard "$(jq -c '. + {ts_offset: 400, id: "msg_future1"}' <<<"$SW")"
refused "standardwebhooks timestamp 400 s ahead"
send standardwebhooks standard "$(jq -c --arg b "$T/sw-first" '. + {body_from: $b, ts_offset: 3}' <<<"$SW")"
duplicate "standardwebhooks retry (same webhook-id and body, new timestamp)"
mark
send standardwebhooks standard "$(jq -c --arg w "whsec_$(openssl rand -base64 32)" --arg s "$SW_SECRET" \
    '. + {sign_secrets: [$w, $s], id: "msg_rotated1", object_id: "inv_8G4m"}' <<<"$SW")"
accepted "standardwebhooks rotation (two signatures, one key unknown)" standard standard-webhooks standard invoice.paid msg_rotated1 inv_8G4m

# --- Svix: the svix package's Webhook.sign, svix-* headers ---------------------
SV=$(jq -cn --arg s "$SVIX_SECRET" '{secret: $s, id: "msg_31q8NvGkQe0lJbZ4", event: "user.created", object_id: "usr_19"}')
mark
send svix svix "$SV"
accepted "svix" svix standard-webhooks svix user.created msg_31q8NvGkQe0lJbZ4 usr_19
cp "$T/sent" "$T/svix-first"
mark
send svix svix "$(jq -c '. + {tamper: true, id: "msg_tamper2"}' <<<"$SV")"
refused "svix tampered body"
send svix svix "$(jq -c --arg w "whsec_$(openssl rand -base64 24)" '. + {sign_secrets: [$w], id: "msg_wrong2"}' <<<"$SV")"
refused "svix wrong secret"
send svix svix "$(jq -c '. + {ts_offset: -400, id: "msg_stale2"}' <<<"$SV")"
refused "svix timestamp 400 s old"
send svix svix "$(jq -c --arg b "$T/svix-first" '. + {body_from: $b, ts_offset: 5}' <<<"$SV")"
duplicate "svix retry (same svix-id and body, new timestamp)"

# --- Stripe: stripe.webhooks.generateTestHeaderString ----------------------------
ST=$(jq -cn --arg s "$STRIPE_SECRET" '{secret: $s, id: "evt_1QxY2bLkdIwHu7ix0aB3cD4e", event: "invoice.paid", object_id: "in_1QxY2aLkdIwHu7ix"}')
mark
send stripe stripe "$ST"
accepted "stripe" stripe stripe billing invoice.paid evt_1QxY2bLkdIwHu7ix0aB3cD4e in_1QxY2aLkdIwHu7ix
check "stripe: occurred_at is created" "$(jq -r .occurred_at "$F" 2>/dev/null)" "$(jq -r '.created | todate' "$T/sent")"
cp "$T/sent" "$T/stripe-first"
mark
send stripe stripe "$(jq -c '. + {tamper: true, id: "evt_tamper3"}' <<<"$ST")"
refused "stripe tampered body"
send stripe stripe "$(jq -c '. + {sign_secrets: ["whsec_0123456789abcdef0123456789abcdef"], id: "evt_wrong3"}' <<<"$ST")"
refused "stripe wrong secret"
send stripe stripe "$(jq -c '. + {ts_offset: -400, id: "evt_stale3"}' <<<"$ST")"
refused "stripe timestamp 400 s old"
send stripe stripe "$(jq -c --arg b "$T/stripe-first" '. + {body_from: $b, ts_offset: 4}' <<<"$ST")"
duplicate "stripe retry (same event id and body, new t=)"
mark
send stripe stripe "$(jq -c '. + {ts_offset: 400, id: "evt_future3", event: "customer.created", object_id: "cus_R2d2"}' <<<"$ST")"
accepted "stripe timestamp 400 s ahead (Stripe's library checks the past only)" stripe stripe payments customer.created evt_future3 cus_R2d2
mark
send stripe stripe "$(jq -c --arg s "$STRIPE_SECRET" '. + {sign_secrets: ["whsec_0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0l", $s], id: "evt_rotated3", object_id: "in_rot"}' <<<"$ST")"
accepted "stripe rotation (two v1=, one key unknown)" stripe stripe billing invoice.paid evt_rotated3 in_rot

# --- GitHub: @octokit/webhooks-methods sign ------------------------------------------
GH=$(jq -cn --arg s "$GH_SECRET" '{secret: $s, id: "8f3b2c10-cf4e-11f0-9d2a-3a1b7c5e9f01", event: "push", object_id: "hello-world"}')
mark
send github github "$GH"
accepted "github" github github deploy push 8f3b2c10-cf4e-11f0-9d2a-3a1b7c5e9f01 octo-org/hello-world
check "github: actor" "$(jq -r .actor "$F" 2>/dev/null)" "octocat"
cp "$T/sent" "$T/gh-first"
mark
send github github "$(jq -c '. + {tamper: true, id: "0c1d2e3f-0000-4000-8000-000000000001"}' <<<"$GH")"
refused "github tampered body"
send github github "$(jq -c '. + {sign_secrets: ["Geheimnis ✓ 0000000000000000"], id: "0c1d2e3f-0000-4000-8000-000000000002"}' <<<"$GH")"
refused "github wrong secret"
send github github "$(jq -c --arg b "$T/gh-first" '. + {body_from: $b}' <<<"$GH")"
duplicate "github redelivery (same X-GitHub-Delivery and body)"

# --- `hookspool sign` ("signs it exactly as that sender would"), checked by the
# senders' own verify functions on what it put on the wire -----------------------
for c in "standard standardwebhooks invoice.paid $SW_SECRET" "svix svix user.created $SVIX_SECRET" \
    "stripe stripe invoice.paid $STRIPE_SECRET" "github github push $GH_SECRET"; do
	read -r ep lib event secret <<<"$c"
	capture_start
	"$(cd "$BUILD" && pwd)/hookspool" -c "$T/hookspool.json" sign "$ep" --event "$event" \
	    --send "$CAP_URL/webhooks/$ep" > /dev/null 2>"$T/sign.err"
	wait "$CAP"
	name=$lib
	[ "$lib" = github ] && name=@octokit/webhooks-methods
	check "hookspool sign $ep: $name's own verify accepts what it sent" \
	    "$(node "$HERE/verify.mjs" "$T/cap.json" "$lib" "$secret" 2>&1)" "true"
done

# --- Documenso: its sending code path, one document, three recipients ------------------
# ds SPEC_JSON: documenso.mjs, one JSON line per attempt in $T/ds.jsonl
ds() {
	local spec
	mkdir -p "$T/ds"
	spec=$(jq -cn --arg u "$HS_URL/webhooks/documenso" --arg o "$T/ds" --argjson x "$1" '{url: $u, out: $o} + $x')
	node "$HERE/documenso.mjs" "$spec" > "$T/ds.jsonl" 2>"$T/node.err" ||
		sed 's/^/    node: /' "$T/node.err" | head -5
}
# What the reproduced sender puts on the wire, seen by a capturing server
# (not the receiver): Documenso's own headers and nothing else but fetch's.
capture_start
mkdir -p "$T/ds"
node "$HERE/documenso.mjs" "$(jq -cn --arg u "$CAP_URL/webhooks/documenso" \
    --arg o "$T/ds" --arg s "$DS_SECRET" '{url: $u, out: $o, secret: $s, only: 0}')" > "$T/ds.jsonl" 2>"$T/node.err"
wait "$CAP"
hdr() { jq -r --arg h "$1" '.headers[] | select(.[0] | ascii_downcase == $h) | .[1]' "$T/cap.json" 2>/dev/null; }
check "documenso on the wire: POST to the webhook's path" "$(jq -r '.method + " " + .path' "$T/cap.json" 2>/dev/null)" "POST /webhooks/documenso"
check "documenso on the wire: its own headers are Content-Type and X-Documenso-Secret, nothing else but fetch's" \
    "$(jq -r '.headers[][0] | ascii_downcase' "$T/cap.json" 2>/dev/null |
        grep -vxE 'host|connection|accept|accept-language|sec-fetch-mode|user-agent|accept-encoding|content-length' | paste -sd' ')" \
    "content-type x-documenso-secret"
check "documenso on the wire: Content-Type: application/json" "$(hdr content-type)" "application/json"
check "documenso on the wire: X-Documenso-Secret is the secret itself" "$(hdr x-documenso-secret)" "$DS_SECRET"
check "documenso on the wire: Content-Length is the body's length" "$(hdr content-length)" "$(jq -r .body_len "$T/cap.json" 2>/dev/null)"
check "documenso on the wire: the bytes the driver recorded" \
    "$(jq -j .body "$T/cap.json" 2>/dev/null | sha256sum | cut -d' ' -f1)" "$(jq -r .sha256 "$T/ds.jsonl")"
check "documenso on the wire: body keys event, payload, createdAt, webhookEndpoint" \
    "$(jq -r '.body | fromjson | keys_unsorted | join(" ")' "$T/cap.json" 2>/dev/null)" "event payload createdAt webhookEndpoint"
check "documenso on the wire: createdAt is toISOString()" \
    "$(jq -r '.body | fromjson | .createdAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$")' "$T/cap.json" 2>/dev/null)" "true"
check "documenso on the wire: webhookEndpoint is the webhook's URL" \
    "$(jq -r '.body | fromjson | .webhookEndpoint' "$T/cap.json" 2>/dev/null)" "$CAP_URL/webhooks/documenso"
check "documenso on the wire: non-ASCII as raw UTF-8, not \\u escapes" \
    "$(jq -j .body "$T/cap.json" 2>/dev/null | grep -c 'Zoë Müller')" "1"

mark
ds "$(jq -cn '{secret: "not-the-secret", only: 0}')"
check "documenso wrong secret: 401" "$(jq -r .code "$T/ds.jsonl")" "401"
check "documenso wrong secret: spool unchanged" "$(snapshot)" "$SNAP"
ds "$(jq -cn '{secret: null, only: 0}')"
check "documenso no secret (X-Documenso-Secret empty, as a Zapier hook): 401" "$(jq -r .code "$T/ds.jsonl")" "401"
check "documenso no secret: spool unchanged" "$(snapshot)" "$SNAP"

# SENT, then each recipient OPENED, SIGNED, RECIPIENT_COMPLETED in turn, then
# COMPLETED; then step 6 (recipient 2's DOCUMENT_SIGNED) delivered again.
ds "$(jq -cn --arg s "$DS_SECRET" '{secret: $s, recipients: 3, retry: 6}')"
check "documenso scenario: 12 attempts made" "$(wc -l < "$T/ds.jsonl")" "12"
check "documenso scenario: the sequence" "$(jq -r '.event + (if .recipient then "/\(.recipient)" else "" end)' "$T/ds.jsonl" | paste -sd' ')" \
    "DOCUMENT_SENT DOCUMENT_OPENED/1 DOCUMENT_RECIPIENT_COMPLETED/1 DOCUMENT_SIGNED/1 DOCUMENT_OPENED/2 DOCUMENT_RECIPIENT_COMPLETED/2 DOCUMENT_SIGNED/2 DOCUMENT_OPENED/3 DOCUMENT_RECIPIENT_COMPLETED/3 DOCUMENT_SIGNED/3 DOCUMENT_COMPLETED DOCUMENT_SIGNED/2"
check "documenso scenario: updatedAt stays put from SENT to the last DOCUMENT_SIGNED" \
    "$(jq -r 'select(.step <= 9) | .updatedAt' "$T/ds.jsonl" | sort -u | wc -l)" "1"
check "documenso scenario: COMPLETED moves updatedAt" "$(jq -r .updatedAt "$T/ds.jsonl" | sort -u | wc -l)" "2"
check "documenso scenario: 11 distinct payloads" "$(jq -r 'select(.attempt == 1) | .event + .payload_sha256' "$T/ds.jsonl" | sort -u | wc -l)" "11"
check "documenso scenario: every attempt answered 200 (what Documenso counts as delivered)" \
    "$(jq -r .code "$T/ds.jsonl" | sort | uniq -c | awk '{print $1 "x" $2}')" "12x200"
while IFS= read -r line; do
	R=$line
	[ "$(r .attempt)" = 1 ] || continue
	lbl="documenso $(r '.event + (if .recipient then " by recipient \(.recipient)" else "" end)')"
	q=documents
	[ "$(r .event)" = DOCUMENT_COMPLETED ] && q=completed
	check "$lbl: 200 accepted into $q" "$(r '[.code, .answer.status, .answer.queue] | join(" ")')" "200 accepted $q"
	f=$SPOOL/$q/new/$(r .answer.id)
	check "$lbl: envelope" "$(jq -c '[.endpoint, .provider, .event, .queue, .delivery_id, .document_id, .occurred_at, .verified]' "$f" 2>/dev/null)" \
	    "$(jq -cn --arg ev "$(r .event)" --arg q "$q" --arg at "$(r .updatedAt)" '["documenso", "documenso", $ev, $q, null, "4711", $at, true]')"
	check "$lbl: body_sha256 = SHA-256 of the bytes sent" "$(jq -r .body_sha256 "$f" 2>/dev/null)" "$(r .sha256)"
	check "$lbl: body spliced byte for byte" "$(test -f "$f" && spliced "$f" "$(r .file)")" "yes"
done < "$T/ds.jsonl"
R=$(tail -n 1 "$T/ds.jsonl")
ORIG=$(jq -c 'select(.step == 6 and .attempt == 1)' "$T/ds.jsonl")
check "documenso retry: same payload bytes, new createdAt" \
    "$(r .payload_sha256) $(r '.createdAt != '"$(jq .createdAt <<<"$ORIG")")" "$(jq -r .payload_sha256 <<<"$ORIG") true"
check "documenso retry: 200 duplicate" "$(r '[.code, .answer.status] | join(" ")')" "200 duplicate"
check "documenso scenario: one file per distinct event, none for the retry" \
    "$(find "$SPOOL/documents/new" "$SPOOL/completed/new" -type f | wc -l)" "11"
check "documenso scenario: stored per event" \
    "$(cat "$SPOOL"/documents/new/* "$SPOOL"/completed/new/* | jq -r .event | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ')" \
    "DOCUMENT_COMPLETED=1 DOCUMENT_OPENED=3 DOCUMENT_RECIPIENT_COMPLETED=3 DOCUMENT_SENT=1 DOCUMENT_SIGNED=3"
check "documenso scenario: each recipient's signature is on file" \
    "$(cat "$SPOOL"/documents/new/* | jq -r 'select(.event == "DOCUMENT_SIGNED") | .body.payload.recipients | map(.signingStatus[0:1]) | join("")' | sort | paste -sd' ')" \
    "SNN SSN SSS"

# A title cut mid-emoji by String.slice: JSON.stringify sends "\ud83d" (valid
# JSON); it is stored as sent (refusing it would lose the event for good).
# jq 1.6 cannot read such a file (README, "Strict JSON"); Python can.
mark
ds "$(jq -cn --arg s "$DS_SECRET" '{secret: $s, doc_id: 4712, title: "Vertrag 😀 2026", title_units: 9, only: 0}')"
R=$(cat "$T/ds.jsonl")
check "documenso title with a lone surrogate: sent as \\ud83d" "$(grep -c '"title":"Vertrag \\ud83d"' "$(r .file)")" "1"
check "documenso title with a lone surrogate: 200 accepted" "$(r '[.code, .answer.status] | join(" ")')" "200 accepted"
f=$SPOOL/documents/new/$(r .answer.id)
check "documenso title with a lone surrogate: body spliced byte for byte" "$(test -f "$f" && spliced "$f" "$(r .file)")" "yes"
check "documenso title with a lone surrogate: a JSON reader (Python) reads the file" \
    "$(python3 -c 'import json,sys; print(ascii(json.load(open(sys.argv[1]))["body"]["payload"]["title"]))' "$f" 2>/dev/null)" "'Vertrag \ud83d'"

hs_summary senders

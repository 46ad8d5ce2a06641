#!/usr/bin/env bash
# tests/cgi/source.sh BUILD_DIR - allow_from, trusted_proxies and the
# forwarding headers, in plain CGI mode (REMOTE_ADDR as a server sets it),
# the spool's verified / verified_scope / source_checked for every kind of
# sender, and `hookspool run --verified-only` with its environment.
# Exact status lines, exact spool contents, nothing written on a refusal.
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
HS=$(cd "$BUILD" && pwd)/hookspool
T=$(mktemp -d /tmp/hs-cgi-source-XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
# shellcheck source=../lib/fixtures.sh
. "$(dirname "$0")/../lib/fixtures.sh"

SPOOL=$T/spool
CONF=$T/hookspool.json
cat >"$T/adobe-ranges.txt" <<'EOF'
# Adobe Acrobat Sign egress (test ranges), refreshed by cron
192.0.2.0/24      # NA1
2001:db8:ad0::/48
EOF
cat >"$CONF" <<JSON
{ "spool_dir": "$SPOOL", "durable": false,
  "queues": { "contracts": { "verified_only": true } },
  "endpoints": {
    "circ": { "provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
              "allow_from": ["198.51.100.0/24", "2001:db8:1::/48"],
              "routes": { "*": "contracts" } },
    "open": { "provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
              "routes": { "*": "contracts" } },
    "adobe": { "provider": "adobe-sign", "client_ids": ["$FX_ADOBE_CLIENT_ID"],
               "allow_from": ["file:$T/adobe-ranges.txt"],
               "routes": { "*": "contracts" } },
    "proxied": { "provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
                 "allow_from": ["203.0.113.0/24"],
                 "trusted_proxies": ["127.0.0.0/8", "10.0.0.0/8"],
                 "routes": { "*": "contracts" } },
    "rfc7239": { "provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
                 "allow_from": ["203.0.113.0/24"],
                 "trusted_proxies": ["127.0.0.1"],
                 "forwarded_header": "Forwarded",
                 "routes": { "*": "contracts" } },
    "dropbox": { "provider": "dropbox-sign", "secrets": ["$FX_DROPBOX_API_KEY"],
                 "routes": { "*": "contracts" } },
    "ignisign": { "provider": "ignisign", "app_id": "appId_e5d6", "app_env": "DEVELOPMENT",
                  "allow_from": ["198.51.100.0/24"],
                  "routes": { "*": "contracts" } }
  } }
JSON

# cgi METHOD ENDPOINT BODY_FILE [NAME=VALUE...]: output in $T/out
cgi() {
	local m=$1 ep=$2 body=$3; shift 3
	env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$CONF" \
	    REQUEST_METHOD="$m" PATH_INFO="/$ep" \
	    CONTENT_LENGTH="$(stat -c %s "$body")" \
	    CONTENT_TYPE=application/json "$@" \
	    "$BIN" < "$body" > "$T/out" 2> "$T/err"
}
status() { head -n1 "$T/out" | tr -d '\r'; }
answer() { sed -n '/^\r$/,$p' "$T/out" | tail -n +2; }
nfiles() { find "$SPOOL" -type f -not -path '*/.dedup/*' -not -name .counters 2>/dev/null | wc -l; }
refused() { # NAME: 403, the fixed text, nothing stored
	check "$1: 403" "$(status) $(answer | jq -r .error)" \
	    "Status: 403 Forbidden source address not allowed"
	check "$1: nothing stored" "$(nfiles)" "$before"
}

B='{"documentId":"aB3dEfGh12","event":"documentCompleted","timestamp":"2024-06-01T13:10:10.500Z"}'
printf '%s' "$B" > "$T/c.json"
SIG=$(hmac_hex "$FX_CIRCULARO_SECRET" "$B")
n=0
body() { # a new signed body each time (no duplicate answers)
	n=$((n + 1))
	B="{\"documentId\":\"d$n\",\"event\":\"documentCompleted\"}"
	printf '%s' "$B" > "$T/c.json"
	SIG=$(hmac_hex "$FX_CIRCULARO_SECRET" "$B")
}

# --- allow_from against REMOTE_ADDR ------------------------------------------
before=$(nfiles)
body; cgi POST circ "$T/c.json" REMOTE_ADDR=198.51.100.20 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "inside allow_from: 200" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
F=$SPOOL/contracts/new/$(answer | jq -r .id)
check "inside allow_from: verified, body, source_checked" \
    "$(jq -c '[.verified, .verified_scope, .source_checked]' "$F")" '[true,"body",true]'
check "the envelope's field order (spool format)" \
    "$(jq -c 'keys_unsorted[7:11]' "$F")" '["verified","verified_scope","source_checked","delivery_id"]'
before=$(nfiles)
body; cgi POST circ "$T/c.json" REMOTE_ADDR=198.51.101.20 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "outside allow_from, signed correctly"
check "the refused address is logged" "$(grep -c 'endpoint circ: source 198.51.101.20 not in allow_from' "$T/err")" 1
check "the refusal's request line is logged" "$(grep -c 'status=403' "$T/err")" 1
body; cgi POST circ "$T/c.json" REMOTE_ADDR=::ffff:198.51.100.9 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "v4-mapped REMOTE_ADDR (a dual-stack listener) matches the v4 block" "$(status)" "Status: 200 OK"
body; cgi POST circ "$T/c.json" REMOTE_ADDR=2001:db8:1:ff::7 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "IPv6 inside the /48" "$(status)" "Status: 200 OK"
before=$(nfiles)
body; cgi POST circ "$T/c.json" REMOTE_ADDR=2001:db8:2::7 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "IPv6 outside the /48"
body; cgi POST circ "$T/c.json" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "no REMOTE_ADDR"
check "an unknown client is logged as such" "$(grep -c 'source (unknown' "$T/err")" 1
body; cgi POST circ "$T/c.json" REMOTE_ADDR="198.51.100.20 " HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "a REMOTE_ADDR that is not an address"
body; cgi POST circ "$T/c.json" REMOTE_ADDR=198.51.101.20 HTTP_X_FORWARDED_FOR=198.51.100.20 \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "X-Forwarded-For without trusted_proxies is never read"
body; cgi POST circ "$T/c.json" REMOTE_ADDR=198.51.101.20 HTTP_X_REAL_IP=198.51.100.20 \
    HTTP_CLIENT_IP=198.51.100.20 HTTP_FORWARDED=for=198.51.100.20 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "X-Real-IP, Client-IP, Forwarded without trusted_proxies are never read"
body; cgi POST circ "$T/c.json" REMOTE_ADDR=198.51.101.20 HTTP_X_CIRCULARO_SIGNATURE=bad
refused "outside and badly signed: 403 (the address is checked first)"
printf 'x%.0s' $(seq 1 70000) > "$T/big"
cgi POST circ "$T/big" REMOTE_ADDR=198.51.101.20
refused "outside with a body over max_body_bytes: 403, before the length"

body; cgi POST open "$T/c.json" REMOTE_ADDR=198.51.101.20 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "no allow_from: any source" "$(status)" "Status: 200 OK"
check "no allow_from: source_checked false" \
    "$(jq .source_checked "$SPOOL/contracts/new/$(answer | jq -r .id)")" false

# --- a sender that signs nothing: Adobe, its ranges from a file ------------
ADOBE_B='{"webhookId":"9b7f","webhookNotificationId":"n-1","event":"AGREEMENT_WORKFLOW_COMPLETED","eventDate":"2024-05-30T22:57:28Z","agreement":{"id":"CBJ1","status":"SIGNED"}}'
printf '%s' "$ADOBE_B" > "$T/adobe.json"
: > "$T/empty"
cgi GET adobe "$T/empty" REMOTE_ADDR=192.0.2.77 HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
check "adobe: verification of intent from its range" "$(status)" "Status: 200 OK"
cgi GET adobe "$T/empty" REMOTE_ADDR=203.0.113.1 HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
before=$(nfiles)
refused "adobe: the handshake from elsewhere"
check "adobe: a refused handshake does not echo the client id" \
    "$(grep -ci 'X-AdobeSign-ClientId' "$T/out")" 0
cgi POST adobe "$T/adobe.json" REMOTE_ADDR=2001:db8:ad0:1::1 HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
check "adobe: POST from its v6 range" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
F=$SPOOL/contracts/new/$(answer | jq -r .id)
check "adobe: in new/, but verified false, scope none, source checked" \
    "$(jq -c '[.verified, .verified_scope, .source_checked]' "$F")" '[false,"none",true]'
before=$(nfiles)
printf '%s' "${ADOBE_B/n-1/n-2}" > "$T/adobe2.json"
cgi POST adobe "$T/adobe2.json" REMOTE_ADDR=192.0.3.1 HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
refused "adobe: the right client id from outside its ranges"

# --- Dropbox Sign: only the event time and type are signed -------------------
DJ=$(fx_dropbox_json 1669926463 account_confirmed)
fx_multipart hsboundary json "$DJ" > "$T/dbx.body"
env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=POST PATH_INFO=/dropbox \
    REMOTE_ADDR=192.0.2.1 CONTENT_LENGTH="$(stat -c %s "$T/dbx.body")" \
    CONTENT_TYPE="multipart/form-data; boundary=hsboundary" \
    "$BIN" < "$T/dbx.body" > "$T/out" 2> "$T/err"
check "dropbox: accepted" "$(status)" "Status: 200 OK"
check "dropbox: verified false, scope event, source not checked" \
    "$(jq -c '[.verified, .verified_scope, .source_checked]' "$SPOOL/contracts/new/$(answer | jq -r .id 2>/dev/null)" 2>/dev/null)" \
    '[false,"event",false]'

# --- Ignisign: pending, scope none until verify ----------------------------
I='{"appId":"appId_e5d6","appEnv":"DEVELOPMENT","topic":"SIGNATURE","action":"FINALIZED","msgNature":"SUCCESS","content":{"signatureRequestId":"672d"},"verificationToken":"tok-1"}'
printf '%s' "$I" > "$T/i.json"
cgi POST ignisign "$T/i.json" REMOTE_ADDR=198.51.100.3
check "ignisign: pending" "$(status) $(answer | jq -r .status)" "Status: 200 OK pending"
check "ignisign: verified false, scope none, source checked" \
    "$(jq -c '[.verified, .verified_scope, .source_checked]' "$SPOOL/contracts/pending/$(answer | jq -r .id)")" \
    '[false,"none",true]'
before=$(nfiles)
printf '%s' "${I/tok-1/tok-2}" > "$T/i2.json"
cgi POST ignisign "$T/i2.json" REMOTE_ADDR=198.51.99.3
refused "ignisign: a forged event from outside cannot fill pending/"

# --- behind trusted proxies: X-Forwarded-For, right to left -------------------
before=$(nfiles)
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 HTTP_X_FORWARDED_FOR=203.0.113.9 \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "proxied: the client the proxy names" "$(status)" "Status: 200 OK"
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 \
    HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.1.2.3" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "proxied: two trusted hops, a forged left part" "$(status)" "Status: 200 OK"
before=$(nfiles)
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 \
    HTTP_X_FORWARDED_FOR="203.0.113.9, 6.6.6.6" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "proxied: a client's forged allowed address, left of its real one"
check "proxied: the log names the real client" "$(grep -c 'source 6.6.6.6 not in' "$T/err")" 1
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=198.51.100.1 \
    HTTP_X_FORWARDED_FOR=203.0.113.9 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "proxied: the header from a peer that is no trusted proxy"
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=203.0.113.9 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "proxied: an allowed client straight, no proxy" "$(status)" "Status: 200 OK"
before=$(nfiles)
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "proxied: the trusted proxy without the header"
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 HTTP_X_FORWARDED_FOR="10.0.0.1, 127.0.0.2" \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "proxied: proxies all the way"
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 HTTP_X_FORWARDED_FOR="203.0.113.9, junk" \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "proxied: junk right of the client"
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 HTTP_X_FORWARDED_FOR="203.0.113.9 " \
    HTTP_FORWARDED="for=6.6.6.6" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "proxied: trailing space trimmed; Forwarded not read" "$(status)" "Status: 200 OK"
before=$(nfiles)
body; cgi POST proxied "$T/c.json" REMOTE_ADDR=127.0.0.1 \
    HTTP_X_FORWARDED_FOR="$(printf '203.0.113.9'; for i in $(seq 1 32); do printf ',10.0.0.1'; done)" \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "proxied: a chain of 33 hops"

# --- Forwarded (RFC 7239) ----------------------------------------------------
body; cgi POST rfc7239 "$T/c.json" REMOTE_ADDR=127.0.0.1 \
    HTTP_FORWARDED='for=6.6.6.6;proto=https, for="203.0.113.5:4711";by=127.0.0.1' HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "forwarded: the rightmost element's for=" "$(status)" "Status: 200 OK"
before=$(nfiles)
body; cgi POST rfc7239 "$T/c.json" REMOTE_ADDR=127.0.0.1 HTTP_X_FORWARDED_FOR=203.0.113.5 \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "forwarded: X-Forwarded-For is not the configured header"
body; cgi POST rfc7239 "$T/c.json" REMOTE_ADDR=127.0.0.1 \
    HTTP_FORWARDED='for=203.0.113.5, for="6.6.6.6, for=203.0.113.5"' HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "forwarded: a quoted comma cannot add a hop"
body; cgi POST rfc7239 "$T/c.json" REMOTE_ADDR=127.0.0.1 HTTP_FORWARDED='for=_hidden' \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "forwarded: an obfuscated node"
body; cgi POST rfc7239 "$T/c.json" REMOTE_ADDR=127.0.0.2 HTTP_FORWARDED='for=203.0.113.5' \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG"
refused "forwarded: 127.0.0.2 is not the one trusted proxy"

# --- config errors name the entry -------------------------------------------
bad_config() { # NAME ENDPOINT-KEYS WANT
	cat >"$T/bad.json" <<JSON
{ "spool_dir": "$SPOOL", "endpoints": { "e": { "provider": "circularo",
  "secrets": ["s"], "routes": { "*": "q" }, $2 } } }
JSON
	check "config: $1" "$("$HS" -c "$T/bad.json" check-config 2>&1 >/dev/null | head -n1)" "$3"
}
bad_config "host bits set" '"allow_from": ["10.0.0.1/8"]' \
    "hookspool: config $T/bad.json: endpoints.e.allow_from: \"10.0.0.1/8\": host bits set after the prefix (write the network address)"
bad_config "not an address" '"allow_from": ["198.51.100.0/24", "adobe.com"]' \
    "hookspool: config $T/bad.json: endpoints.e.allow_from: \"adobe.com\": not an IPv4 or IPv6 address"
bad_config "empty list" '"allow_from": []' \
    "hookspool: config $T/bad.json: endpoints.e.allow_from: empty (no address could send; remove the key to allow any)"
bad_config "trusted_proxies alone" '"trusted_proxies": ["127.0.0.1"]' \
    "hookspool: config $T/bad.json: endpoints.e.trusted_proxies: needs allow_from"
bad_config "an unknown forwarded_header" '"allow_from": ["10.0.0.0/8"], "forwarded_header": "X-Real-IP"' \
    "hookspool: config $T/bad.json: endpoints.e.forwarded_header: must be \"X-Forwarded-For\" or \"Forwarded\""
printf '192.0.2.0/24\n\n# c\n192.0.2.300\n' > "$T/bad-ranges.txt"
bad_config "a file's bad line" "\"allow_from\": [\"file:$T/bad-ranges.txt\"]" \
    "hookspool: config $T/bad.json: endpoints.e.allow_from: $T/bad-ranges.txt line 4: \"192.0.2.300\": not an IPv4 or IPv6 address"
printf '192.0.2.0/24 198.51.100.0/24\n' > "$T/bad-ranges.txt"
bad_config "two entries on a line" "\"allow_from\": [\"file:$T/bad-ranges.txt\"]" \
    "hookspool: config $T/bad.json: endpoints.e.allow_from: $T/bad-ranges.txt line 1: one entry per line"
printf '# nothing yet\n' > "$T/bad-ranges.txt"
bad_config "a file with no entry" "\"allow_from\": [\"file:$T/bad-ranges.txt\"]" \
    "hookspool: config $T/bad.json: endpoints.e.allow_from: empty (no address could send; remove the key to allow any)"
bad_config "a missing file" "\"allow_from\": [\"file:$T/nope.txt\"]" \
    "hookspool: config $T/bad.json: endpoints.e.allow_from: cannot read $T/nope.txt: No such file or directory"

# --- a cron refresh of the ranges file reloads (FastCGI keeps the config) ----
# (the CGI runs load the config each time; the change is seen at once)
printf '203.0.113.0/24\n' > "$T/adobe-ranges.txt.new"
mv "$T/adobe-ranges.txt.new" "$T/adobe-ranges.txt"
printf '%s' "${ADOBE_B/n-1/n-3}" > "$T/adobe3.json"
cgi POST adobe "$T/adobe3.json" REMOTE_ADDR=203.0.113.50 HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
check "ranges file replaced: the new range is allowed" "$(status)" "Status: 200 OK"
before=$(nfiles)
cgi POST adobe "$T/adobe2.json" REMOTE_ADDR=192.0.2.77 HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
refused "ranges file replaced: the old range is not"

# --- run --verified-only, and the queue's default ------------------------------
cat >"$T/handler.sh" <<'EOF'
#!/bin/sh
echo "$HOOKSPOOL_ID $HOOKSPOOL_PROVIDER $HOOKSPOOL_VERIFIED $HOOKSPOOL_VERIFIED_SCOPE $HOOKSPOOL_SOURCE_CHECKED" >>"$LOG"
EOF
chmod +x "$T/handler.sh"
export LOG=$T/handled.log
new_count() { ls "$SPOOL/contracts/new" | wc -l; }
adobe_n=$(grep -l '"provider":"adobe-sign"' "$SPOOL"/contracts/new/* | wc -l)
dropbox_n=$(grep -l '"provider":"dropbox-sign"' "$SPOOL"/contracts/new/* | wc -l)
total=$(new_count)
"$HS" -c "$CONF" run contracts -- "$T/handler.sh"
check "run (queue verified_only): exits 0" "$?" 0
check "run: handed the body-verified ones only" "$(awk '{print $2, $3, $4}' "$LOG" | sort -u)" \
    "circularo true body"
check "run: left the Adobe and Dropbox events in new/" "$(new_count)" "$((adobe_n + dropbox_n))"
check "run: HOOKSPOOL_SOURCE_CHECKED per event" "$(awk '{print $5}' "$LOG" | sort | uniq -c | awk '{print $2}' | tr '\n' ' ')" "false true "
check "run: every handled one handled once" "$(awk '{print $1}' "$LOG" | sort | uniq -d | wc -l)" 0
check "run: all the others" "$(wc -l <"$LOG")" "$((total - adobe_n - dropbox_n))"
: >"$LOG"
"$HS" -c "$CONF" run contracts --verified-only -- "$T/handler.sh"
check "run --verified-only again: nothing to do" "$(wc -l <"$LOG")" 0
"$HS" -c "$CONF" run contracts --unverified-only -- "$T/handler.sh"
check "run --unverified-only: the rest, with their scopes" "$(awk '{print $2, $3, $4, $5}' "$LOG" | sort | uniq -c | sed 's/^ *//')" \
    "$adobe_n adobe-sign false none true
$dropbox_n dropbox-sign false event false"
check "run --unverified-only: new/ empty" "$(new_count)" 0
check "run: two filters at once is a usage error" \
    "$("$HS" -c "$CONF" run contracts --any --verified-only -- true >/dev/null 2>&1; echo $?)" 2
# --any overrides the queue's default
body; cgi POST open "$T/c.json" REMOTE_ADDR=1.2.3.4 HTTP_X_CIRCULARO_SIGNATURE="$SIG"
printf '%s' "${ADOBE_B/n-1/n-4}" > "$T/adobe4.json"
cgi POST adobe "$T/adobe4.json" REMOTE_ADDR=203.0.113.50 HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
: >"$LOG"
"$HS" -c "$CONF" run contracts --any -- "$T/handler.sh"
check "run --any: both" "$(awk '{print $2}' "$LOG" | sort | tr '\n' ' ')" "adobe-sign circularo "

hs_summary cgi-source

#!/usr/bin/env bash
# tests/cgi/run.sh BUILD_DIR - the built receiver in plain CGI mode: a CGI
# environment and a body on stdin, as Apache mod_cgi runs it. Checks the
# exact status line and the exact file in the spool.
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
T=$(mktemp -d /tmp/hs-cgi-XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
# shellcheck source=../lib/fixtures.sh
. "$(dirname "$0")/../lib/fixtures.sh"

SPOOL=$T/spool
CONF=$T/hookspool.json
fx_config "$CONF" "$SPOOL" \
    '"max_body_bytes": 65536, "durable": true, "body_timeout_seconds": 2,'

# cgi ENDPOINT BODY_FILE [NAME=VALUE...]: runs the binary, output in $T/out
cgi() {
	local ep=$1 body=$2; shift 2
	env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$CONF" \
	    REQUEST_METHOD=POST PATH_INFO="/$ep" \
	    CONTENT_LENGTH="$(stat -c %s "$body")" \
	    CONTENT_TYPE=application/json "$@" \
	    "$BIN" < "$body" > "$T/out" 2> "$T/err"
}
status() { head -n1 "$T/out" | tr -d '\r'; }
answer() { sed -n '/^\r$/,$p' "$T/out" | tail -n +2; }
nfiles() { find "$SPOOL" -type f -not -path '*/.dedup/*' -not -name .counters 2>/dev/null | wc -l; }

# --- Circularo: the issue's "done when" ------------------------------------
B='{"documentId":"aB3dEfGh12","event":"documentCompleted","actor":"mary.griffin@circularo.com","timestamp":"2024-06-01T13:10:10.500Z"}'
printf '%s' "$B" > "$T/c.json"
SIG=$(hmac_hex "$FX_CIRCULARO_SECRET" "$B")
cgi circularo "$T/c.json" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "circularo: status line" "$(status)" "Status: 200 OK"
check "circularo: answer" "$(answer | jq -r .status)" "accepted"
ID=$(answer | jq -r .id)
F=$SPOOL/completed/new/$ID
check "circularo: file named by the answered id" "$(test -f "$F" && echo yes)" "yes"
check "circularo: only file in the spool" "$(nfiles)" "1"
check "circularo: tmp/ empty" "$(ls -A "$SPOOL/completed/tmp" | wc -l)" "0"
check "circularo: cur/ exists" "$(test -d "$SPOOL/completed/cur" && echo yes)" "yes"
check "circularo: envelope" "$(jq -c '[.hookspool,.id==$id,.endpoint,.provider,.event,.queue,.verified,.delivery_id,.document_id,.actor,.occurred_at]' --arg id "$ID" "$F")" \
    '[1,true,"circularo","circularo","documentCompleted","completed",true,null,"aB3dEfGh12","mary.griffin@circularo.com","2024-06-01T13:10:10.500Z"]'
check "circularo: received_at RFC 3339 with microseconds" \
    "$(jq -r .received_at "$F" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$')" "1"
check "circularo: body_sha256" "$(jq -r .body_sha256 "$F")" "$(printf '%s' "$B" | sha256sum | cut -d' ' -f1)"
check "circularo: body verbatim" "$(jq -c .body "$F")" "$(printf '%s' "$B" | jq -c .)"
check "circularo: raw bytes spliced" "$(grep -cF ",\"body\":$B}" "$F")" "1"
check "circularo: file mode" "$(stat -c %a "$F")" "640"
check "circularo: log line" "$(grep -c 'status=200 outcome="accepted" endpoint="circularo" event="documentCompleted"' "$T/err")" "1"
check "circularo: log has no signature" "$(grep -c "$SIG" "$T/err")" "0"

cgi circularo "$T/c.json" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "circularo: redelivery is a duplicate" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
check "circularo: no second file" "$(nfiles)" "1"

UP=$(printf '%s' "$SIG" | tr a-f A-F)
B2='{"documentId":"x","event":"documentEdited"}'
printf '%s' "$B2" > "$T/c2.json"
cgi circularo "$T/c2.json" HTTP_X_CIRCULARO_SIGNATURE="$(hmac_hex "$FX_CIRCULARO_SECRET" "$B2" | tr a-f A-F)"
check "circularo: upper-case hex, fallback route" "$(status) $(answer | jq -r .queue)" "Status: 200 OK inbox"
cgi circularo "$T/c.json" HTTP_X_CIRCULARO_SIGNATURE="${UP:0:63}0"
check "circularo: one digit off" "$(status)" "Status: 401 Unauthorized"
check "circularo: 401 does not echo the signature" "$(grep -c "${UP:0:20}" "$T/out")" "0"
cgi circularo "$T/c.json"
check "circularo: missing signature" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized missing X-Circularo-Signature"

# Body longer on stdin than CONTENT_LENGTH: exactly CONTENT_LENGTH is read.
B3='{"documentId":"y","event":"documentSigned"}'
printf '%sGARBAGE' "$B3" > "$T/c3.json"
env -i HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=POST PATH_INFO=/circularo \
    CONTENT_LENGTH=${#B3} CONTENT_TYPE='application/json; charset=utf-8' \
    HTTP_X_CIRCULARO_SIGNATURE="$(hmac_hex "$FX_CIRCULARO_SECRET" "$B3")" \
    "$BIN" < "$T/c3.json" > "$T/out" 2> "$T/err"
check "reads exactly CONTENT_LENGTH bytes" "$(status)" "Status: 200 OK"
check "charset parameter accepted" "$(answer | jq -r .status)" "accepted"

# --- Documenso ----------------------------------------------------------------
D='{"event":"DOCUMENT_COMPLETED","payload":{"id":10,"envelopeId":"envelope_abc","updatedAt":"2024-04-22T11:52:05.708Z"},"createdAt":"2024-04-22T11:52:18.277Z","webhookEndpoint":"https://x/webhooks/documenso"}'
printf '%s' "$D" > "$T/d.json"
cgi documenso "$T/d.json" HTTP_X_DOCUMENSO_SECRET=
check "documenso: empty secret header" "$(status)" "Status: 401 Unauthorized"
cgi documenso "$T/d.json" HTTP_X_DOCUMENSO_SECRET="$FX_DOCUMENSO_SECRET"
check "documenso: accepted into pattern route" "$(status) $(answer | jq -r .queue)" "Status: 200 OK documents"
F=$SPOOL/documents/new/$(answer | jq -r .id)
check "documenso: envelope" "$(jq -c '[.event,.document_id,.delivery_id,.occurred_at,.verified]' "$F")" \
    '["DOCUMENT_COMPLETED","10",null,"2024-04-22T11:52:05.708Z",true]'
printf '%s' "${D/52:18.277Z/52:19.500Z}" > "$T/d2.json"
cgi documenso "$T/d2.json" HTTP_X_DOCUMENSO_SECRET="$FX_DOCUMENSO_SECRET"
check "documenso: retry (new createdAt) is a duplicate" "$(answer | jq -r .status)" "duplicate"

# --- Ignisign -----------------------------------------------------------------
I='{"appId":"appId_e5d6","appEnv":"DEVELOPMENT","topic":"SIGNATURE_PROOF","action":"GENERATED","msgNature":"SUCCESS","content":{"signatureRequestId":"672d206d10e44e00125eac63"},"verificationToken":"N3gVBJB4TZZuE3MZSBeCqKo25ijHHFU2SvdiIMxm8znMAA"}'
printf '%s' "$I" > "$T/i.json"
cgi ignisign "$T/i.json"
check "ignisign: accepted as pending" "$(status) $(answer | jq -r .status)" "Status: 200 OK pending"
F=$SPOOL/signing/pending/$(answer | jq -r .id)
check "ignisign: in pending/, not new/" "$(test -f "$F" && ls -A "$SPOOL/signing/new" | wc -l)" "0"
check "ignisign: envelope" "$(jq -c '[.event,.verified,.document_id]' "$F")" '["SIGNATURE_PROOF.GENERATED",false,"672d206d10e44e00125eac63"]'

# --- GitHub (published vector GH-1 needs a JSON body here, so sign our own) ----
G='{"ref":"refs/heads/main","repository":{"full_name":"octo/hello"},"sender":{"login":"octocat"}}'
printf '%s' "$G" > "$T/g.json"
cgi github "$T/g.json" HTTP_X_GITHUB_EVENT=push HTTP_X_GITHUB_DELIVERY=72d3162e-cc78-11e3-81ab-4c9367dc0958 \
    HTTP_X_HUB_SIGNATURE_256="sha256=$(hmac_hex "$FX_GITHUB_SECRET" "$G")"
check "github: accepted" "$(status) $(answer | jq -r .queue)" "Status: 200 OK deploy"
F=$SPOOL/deploy/new/$(answer | jq -r .id)
check "github: envelope" "$(jq -c '[.event,.delivery_id,.actor,.document_id]' "$F")" \
    '["push","72d3162e-cc78-11e3-81ab-4c9367dc0958","octocat","octo/hello"]'
cgi github "$T/g.json" HTTP_X_GITHUB_EVENT=issues HTTP_X_GITHUB_DELIVERY=other \
    HTTP_X_HUB_SIGNATURE_256="sha256=$(hmac_hex "$FX_GITHUB_SECRET" "$G")"
check "github: unrouted event ignored" "$(status) $(answer | jq -r .status)" "Status: 200 OK ignored"
cgi github "$T/g.json" HTTP_X_GITHUB_EVENT=push HTTP_X_GITHUB_DELIVERY=72d3162e-cc78-11e3-81ab-4c9367dc0958 \
    HTTP_X_HUB_SIGNATURE_256="$(hmac_hex "$FX_GITHUB_SECRET" "$G")"
check "github: missing sha256= prefix" "$(status)" "Status: 401 Unauthorized"

cgi github "$T/g.json" HTTP_X_GITHUB_EVENT=$'\xffpush' HTTP_X_GITHUB_DELIVERY=d-utf8 \
    HTTP_X_HUB_SIGNATURE_256="sha256=$(hmac_hex "$FX_GITHUB_SECRET" "$G")"
check "github: event header with invalid UTF-8" "$(status) $(answer | jq -r .error)" \
    "Status: 400 Bad Request event name has control characters or bad UTF-8"

# --- Stripe (derived vector, clock pinned) -----------------------------------
S='{"id":"evt_test_webhook","object":"event"}'
printf '%s' "$S" > "$T/s.json"
STRIPE_SIG='t=1614265330,v1=3c5817089d739023dd6190f70a3757e04f7a2fd8b5dab12c2e000f51970dccff'
cgi stripe "$T/s.json" HTTP_STRIPE_SIGNATURE="$STRIPE_SIG" HOOKSPOOL_NOW=1614265400
check "stripe: vector without a type is a 400" "$(status) $(answer | jq -r .error)" "Status: 400 Bad Request no event name"
S2='{"id":"evt_1","object":"event","type":"invoice.paid","created":1614265330,"data":{"object":{"id":"in_1"}}}'
printf '%s' "$S2" > "$T/s2.json"
TS=1614265330
V1=$(hmac_hex "$FX_STRIPE_SECRET" "$TS.$S2")
cgi stripe "$T/s2.json" HTTP_STRIPE_SIGNATURE="t=$TS,v1=$V1" HOOKSPOOL_NOW=1614265400
check "stripe: accepted with pinned clock" "$(status)" "Status: 200 OK"
F=$SPOOL/payments/new/$(answer | jq -r .id)
check "stripe: envelope" "$(jq -c '[.event,.delivery_id,.document_id,.occurred_at]' "$F")" \
    '["invoice.paid","evt_1","in_1","2021-02-25T15:02:10Z"]'
cgi stripe "$T/s2.json" HTTP_STRIPE_SIGNATURE="t=$TS,v1=$V1" HOOKSPOOL_NOW=1614265700
check "stripe: 370 s old is stale" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized timestamp too old"

# --- Standard Webhooks SW-1 ----------------------------------------------------
W='{"type":"invoice.paid","data":{"id":"inv_1"}}'
printf '%s' "$W" > "$T/w.json"
WS=$(fx_standard_sig msg_1 1614265330 "$W")
cgi svix "$T/w.json" HTTP_WEBHOOK_ID=msg_1 HTTP_WEBHOOK_TIMESTAMP=1614265330 \
    HTTP_WEBHOOK_SIGNATURE="$WS" HOOKSPOOL_NOW=1614265330
check "standard: accepted" "$(status) $(answer | jq -r .queue)" "Status: 200 OK standard"
F=$SPOOL/standard/new/$(answer | jq -r .id)
check "standard: envelope" "$(jq -c '[.event,.delivery_id,.document_id,.occurred_at]' "$F")" \
    '["invoice.paid","msg_1","inv_1","2021-02-25T15:02:10Z"]'
cgi svix "$T/w.json" HTTP_WEBHOOK_ID=msg_1 HTTP_WEBHOOK_TIMESTAMP=1614265330 \
    HTTP_WEBHOOK_SIGNATURE="$WS" HOOKSPOOL_NOW=1614265330
check "standard: replayed webhook-id is a duplicate" "$(answer | jq -r .status)" "duplicate"
cgi svix "$T/w.json" HTTP_WEBHOOK_ID=msg_2 HTTP_WEBHOOK_TIMESTAMP=1614265330 \
    HTTP_WEBHOOK_SIGNATURE="$WS" HOOKSPOOL_NOW=1614265330
check "standard: signature bound to the id" "$(status)" "Status: 401 Unauthorized"

# --- Standard Webhooks v1a (ed25519): openssl signs, the receiver verifies -------
CLI=$(cd "$BUILD" && pwd)/hookspool
fx_v1a_pem "$T/v1a.pem"
V='{"type":"contract.signed","timestamp":"2024-05-01T10:00:00Z","data":{"id":"ctr_7"}}'
printf '%s' "$V" > "$T/v.json"
VS=$(fx_v1a_sig "$T/v1a.pem" msg_v1a_1 1714557600 "$V")
BEFORE=$(nfiles)
cgi standard-v1a "$T/v.json" HTTP_WEBHOOK_ID=msg_v1a_1 HTTP_WEBHOOK_TIMESTAMP=1714557600 \
    HTTP_WEBHOOK_SIGNATURE="$VS" HOOKSPOOL_NOW=1714557600
check "v1a: openssl's signature accepted" "$(status) $(answer | jq -r .queue)" "Status: 200 OK v1a"
ID=$(answer | jq -r .id)
F=$SPOOL/v1a/new/$ID
check "v1a: the spool file" "$(jq -c --arg id "$ID" 'del(.received_at) | .id == $id, del(.id, .received_at)' "$F" | tr '\n' ' ')" \
    'true {"hookspool":1,"endpoint":"standard-v1a","provider":"standard-webhooks","event":"contract.signed","queue":"v1a","verified":true,"verified_scope":"body","source_checked":false,"delivery_id":"msg_v1a_1","document_id":"ctr_7","actor":null,"occurred_at":"2024-05-01T10:00:00Z","body_sha256":"'"$(printf '%s' "$V" | sha256sum | cut -d' ' -f1)"'","body":{"type":"contract.signed","timestamp":"2024-05-01T10:00:00Z","data":{"id":"ctr_7"}}} '
check "v1a: raw bytes spliced" "$(grep -cF ",\"body\":$V}" "$F")" "1"
check "v1a: one new file" "$(nfiles)" "$((BEFORE + 1))"
check "v1a: log has no signature" "$(grep -c "${VS#v1a,}" "$T/err")" "0"
# a tampered body, a stale one, the key kinds crossed: 401, nothing left
BEFORE=$(nfiles)
printf '%s' "${V/ctr_7/ctr_8}" > "$T/v2.json"
cgi standard-v1a "$T/v2.json" HTTP_WEBHOOK_ID=msg_v1a_2 HTTP_WEBHOOK_TIMESTAMP=1714557600 \
    HTTP_WEBHOOK_SIGNATURE="$(fx_v1a_sig "$T/v1a.pem" msg_v1a_2 1714557600 "$V")" HOOKSPOOL_NOW=1714557600
check "v1a: tampered body refused" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized bad signature"
cgi standard-v1a "$T/v.json" HTTP_WEBHOOK_ID=msg_v1a_1 HTTP_WEBHOOK_TIMESTAMP=1714557600 \
    HTTP_WEBHOOK_SIGNATURE="$VS" HOOKSPOOL_NOW=1714557901
check "v1a: stale timestamp refused" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized timestamp too old"
cgi standard "$T/v.json" HTTP_WEBHOOK_ID=msg_v1a_1 HTTP_WEBHOOK_TIMESTAMP=1714557600 \
    HTTP_WEBHOOK_SIGNATURE="$VS" HOOKSPOOL_NOW=1714557600
check "v1a: refused by a whsec_-only endpoint" "$(status)" "Status: 401 Unauthorized"
check "v1a: refusals wrote nothing" "$(nfiles)" "$BEFORE"
check "v1a: refusals left nothing in tmp/" "$(find "$SPOOL"/*/tmp -type f | wc -l)" "0"
# both kinds on one endpoint: a wrong v1 before a right v1a, and v1 alone
cgi standard-v1a "$T/v2.json" HTTP_WEBHOOK_ID=msg_v1a_3 HTTP_WEBHOOK_TIMESTAMP=1714557600 \
    HTTP_WEBHOOK_SIGNATURE="v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= $(fx_v1a_sig "$T/v1a.pem" msg_v1a_3 1714557600 "${V/ctr_7/ctr_8}")" \
    HOOKSPOOL_NOW=1714557600
check "v1a: mixed list, v1a matches" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
cgi standard-v1a "$T/v2.json" HTTP_WEBHOOK_ID=msg_v1a_4 HTTP_WEBHOOK_TIMESTAMP=1714557600 \
    HTTP_WEBHOOK_SIGNATURE="$(fx_standard_sig msg_v1a_4 1714557600 "${V/ctr_7/ctr_8}")" HOOKSPOOL_NOW=1714557600
check "v1a endpoint: its whsec_ key still verifies v1" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
# `hookspool sign` with the whsk_ key: openssl's signature byte for byte
fx_v1a_sender_config "$T/sender.json" "$T/sender-spool"
"$CLI" -c "$T/sender.json" sign standard-v1a --body "$T/v.json" --delivery-id msg_v1a_1 \
    --at 1714557600 > "$T/curl" 2> "$T/err"
check "v1a: hookspool sign = openssl pkeyutl" "$(grep -c "webhook-signature: $VS'" "$T/curl")" "1"
"$CLI" -c "$T/sender.json" sign standard-v1a --body "$T/v.json" --delivery-id msg_v1a_5 \
    --at 1714557600 > "$T/curl" 2> "$T/err"
cgi standard-v1a "$T/v.json" HTTP_WEBHOOK_ID=msg_v1a_5 HTTP_WEBHOOK_TIMESTAMP=1714557600 \
    HTTP_WEBHOOK_SIGNATURE="$(sed -n "s/.*webhook-signature: \(v1a,[^']*\)'.*/\1/p" "$T/curl")" HOOKSPOOL_NOW=1714557600
check "v1a: what hookspool sign sends is accepted" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
# the private key has no place in the receiver's config; nor a bad whpk_
env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$T/sender.json" REQUEST_METHOD=POST PATH_INFO=/standard-v1a \
    CONTENT_LENGTH=${#V} CONTENT_TYPE=application/json "$BIN" < "$T/v.json" > "$T/out" 2> "$T/err"
check "v1a: a whsk_ key in the receiver's config is a 500" "$(status)" "Status: 500 Internal Server Error"
check "v1a: the log names the key" "$(grep -c 'endpoints.standard-v1a.secrets\[0\]: a private signing key' "$T/err")" "1"
check "v1a: the log has no key" "$(grep -c "$FX_V1A_SEED_B64" "$T/err")" "0"
check "v1a: check-config refuses the whsk_ key" "$("$CLI" -c "$T/sender.json" check-config > /dev/null 2>&1; echo $?)" "1"
sed 's|"whsk_[^"]*"|"whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248cw=="|' "$T/sender.json" > "$T/short.json"
check "v1a: a 31-byte whpk_ is refused, naming the key" \
    "$("$CLI" -c "$T/short.json" check-config 2>&1 | grep -c 'endpoints.standard-v1a.secrets\[0\]: whpk_ key is not 32 bytes')" "1"
# --- end of Standard Webhooks v1a ------------------------------------------------

# --- generic hmac ---------------------------------------------------------------
C='{"event":"charge.success","amount":1000,"currency":"NGN"}'
printf '%s' "$C" > "$T/h.json"
cgi convoy "$T/h.json" HTTP_X_CONVOY_SIGNATURE=244449b7f48cbc2709060c9dcdc2b3aa47a78f540430579015c579fb12defbb4 HTTP_X_DELIVERY=d-1
check "hmac: Convoy vector accepted" "$(status) $(answer | jq -r .queue)" "Status: 200 OK charges"
F=$SPOOL/charges/new/$(answer | jq -r .id)
check "hmac: delivery id from header" "$(jq -r .delivery_id "$F")" "d-1"

# --- DocuSign Connect (JSON SIM; the reference's vector) ---------------------------
DS='{"event":"envelope-completed","apiVersion":"v2.1","uri":"/restapi/v2.1/accounts/a1/envelopes/e1","retryCount":0,"configurationId":1,"generatedDateTime":"2025-05-30T18:03:50.4233752Z","data":{"accountId":"a1","userId":"u1","envelopeId":"e1"}}'
printf '%s' "$DS" > "$T/ds.json"
check "docusign: the reference's vector" "$(hmac_b64 "$FX_DOCUSIGN_SECRET" "$DS")" "WlrQl9TEDXkkRh3HXIvLZB2Nl+nWLvQI9EoCjHiPWME="
# the account holds two keys: header 1 is a key this endpoint does not know
cgi docusign "$T/ds.json" HTTP_X_DOCUSIGN_SIGNATURE_1="$(hmac_b64 unknown-key "$DS")" \
    HTTP_X_DOCUSIGN_SIGNATURE_2=WlrQl9TEDXkkRh3HXIvLZB2Nl+nWLvQI9EoCjHiPWME=
check "docusign: header 2 matches" "$(status) $(answer | jq -r .status) $(answer | jq -r .queue)" "Status: 200 OK accepted envelopes"
F=$SPOOL/envelopes/new/$(answer | jq -r .id)
check "docusign: envelope" "$(jq -c '[.provider,.event,.delivery_id,.document_id,.occurred_at,.verified]' "$F")" \
    '["docusign","envelope-completed",null,"e1","2025-05-30T18:03:50.4233752Z",true]'
check "docusign: body verbatim" "$(grep -cF ",\"body\":$DS}" "$F")" "1"
# a retry: DocuSign increments retryCount, nothing else changes
DSR=${DS/\"retryCount\":0/\"retryCount\":12}
printf '%s' "$DSR" > "$T/dsr.json"
cgi docusign "$T/dsr.json" HTTP_X_DOCUSIGN_SIGNATURE_1="$(hmac_b64 "$FX_DOCUSIGN_SECRET" "$DSR")"
check "docusign: a retry (retryCount 12) is a duplicate" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
DS2=${DS/50.4233752Z/51.0000001Z}
printf '%s' "$DS2" > "$T/ds2.json"
cgi docusign "$T/ds2.json" HTTP_X_DOCUSIGN_SIGNATURE_1="$(hmac_b64 old-connect-key "$DS2")"
check "docusign: another message (generatedDateTime), the other secret" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
DS3=${DS/\"retryCount\":0,/}
printf '%s' "$DS3" > "$T/ds3.json"
cgi docusign "$T/ds3.json" HTTP_X_DOCUSIGN_SIGNATURE_1="$(hmac_b64 "$FX_DOCUSIGN_SECRET" "$DS3")"
check "docusign: without retryCount, keyed by the body hash" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
BEFORE=$(nfiles)
cgi docusign "$T/ds.json"
check "docusign: no signature header" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized missing X-DocuSign-Signature-1"
cgi docusign "$T/ds.json" HTTP_X_DOCUSIGN_SIGNATURE_101=WlrQl9TEDXkkRh3HXIvLZB2Nl+nWLvQI9EoCjHiPWME=
check "docusign: header 101 is not read" "$(status)" "Status: 401 Unauthorized"
cgi docusign "$T/ds.json" HTTP_X_DOCUSIGN_SIGNATURE_1="$(hmac_b64 unknown-key "$DS")"
check "docusign: only an unknown key's MAC" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized bad signature"
printf '<?xml version="1.0" encoding="utf-8"?><DocuSignEnvelopeInformation><EnvelopeStatus><EnvelopeID>e1</EnvelopeID><Status>Completed</Status></EnvelopeStatus></DocuSignEnvelopeInformation>' > "$T/ds.xml"
for ct in text/xml 'application/xml; charset=utf-8' TEXT/XML; do
	cgi docusign "$T/ds.xml" CONTENT_TYPE="$ct" \
	    HTTP_X_DOCUSIGN_SIGNATURE_1="$(hmac_b64 "$FX_DOCUSIGN_SECRET" "$(cat "$T/ds.xml")")"
	check "docusign: XML ($ct) says to switch to JSON SIM" "$(status) $(answer | jq -r .error)" \
	    "Status: 415 Unsupported Media Type DocuSign XML messages are not accepted: switch the Connect configuration to JSON SIM (data format REST v2.1, delivery mode SIM)"
done
cgi docusign "$T/ds.json" CONTENT_TYPE=text/plain HTTP_X_DOCUSIGN_SIGNATURE_1=WlrQl9TEDXkkRh3HXIvLZB2Nl+nWLvQI9EoCjHiPWME=
check "docusign: another type, the common text" "$(status) $(answer | jq -r .error)" "Status: 415 Unsupported Media Type Content-Type must be application/json"
cgi circularo "$T/ds.xml" CONTENT_TYPE=text/xml HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "XML to another provider: the common text" "$(status) $(answer | jq -r .error)" "Status: 415 Unsupported Media Type Content-Type must be application/json"
check "docusign: refusals wrote nothing" "$(nfiles)" "$BEFORE"

# --- Yousign (the reference's vector) ------------------------------------------------
Y='{"event_id":"b6c63685-c556-4a30-8fe9-b6f2b187d936","event_name":"signature_request.done","event_time":"1670855889","subscription_id":"s1","subscription_description":"d","sandbox":false,"data":{"signature_request":{"id":"sr1","status":"done"}}}'
printf '%s' "$Y" > "$T/y.json"
YSIG=sha256=5d724b030a5fecb7157045fdb6707cf56753172c8f3246705f1471162e9556a1
check "yousign: the reference's vector" "sha256=$(hmac_hex "$FX_YOUSIGN_SECRET" "$Y")" "$YSIG"
cgi yousign "$T/y.json" HTTP_X_YOUSIGN_SIGNATURE_256="$YSIG" HTTP_X_YOUSIGN_RETRY=0
check "yousign: accepted" "$(status) $(answer | jq -r .status) $(answer | jq -r .queue)" "Status: 200 OK accepted signatures"
F=$SPOOL/signatures/new/$(answer | jq -r .id)
check "yousign: envelope (event_time, Unix seconds as a string, in RFC 3339)" \
    "$(jq -c '[.provider,.event,.delivery_id,.document_id,.occurred_at,.verified]' "$F")" \
    '["yousign","signature_request.done","b6c63685-c556-4a30-8fe9-b6f2b187d936","sr1","2022-12-12T14:38:09Z",true]'
cgi yousign "$T/y.json" HTTP_X_YOUSIGN_SIGNATURE_256="$YSIG" HTTP_X_YOUSIGN_RETRY=1
check "yousign: the retry is a duplicate" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
Y2=${Y/\"sandbox\":false/\"sandbox\":true}
printf '%s' "$Y2" > "$T/y2.json"
cgi yousign "$T/y2.json" HTTP_X_YOUSIGN_SIGNATURE_256="sha256=$(hmac_hex "$FX_YOUSIGN_SECRET" "$Y2")"
check "yousign: other bytes, the same event_id: a duplicate (dedup on event_id)" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
Y3=${Y/b6c63685-c556/c7d74796-d667}
printf '%s' "$Y3" > "$T/y3.json"
cgi yousign "$T/y3.json" HTTP_X_YOUSIGN_SIGNATURE_256="sha256=$(hmac_hex "$FX_YOUSIGN_SECRET" "$Y3")"
check "yousign: another event_id is another event" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
BEFORE=$(nfiles)
cgi yousign "$T/y.json"
check "yousign: no signature" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized missing X-Yousign-Signature-256"
cgi yousign "$T/y.json" HTTP_X_YOUSIGN_SIGNATURE_256="${YSIG#sha256=}"
check "yousign: without sha256=" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized X-Yousign-Signature-256 lacks sha256="
check "yousign: refusals wrote nothing" "$(nfiles)" "$BEFORE"

# --- Zoho Sign (its documented vector) -----------------------------------------------
# Zoho's page prints the payload with a stray "{{", and only those bytes give
# its signature: the MAC passes, then the body is no JSON (400, not 401)
printf '%s' '{{"requests":{"request_name":"Test Name"},"notifications":{"operation_type":"RequestSigningSuccess"}}' > "$T/zv.json"
BEFORE=$(nfiles)
cgi zoho-sign "$T/zv.json" HTTP_X_ZS_WEBHOOK_SIGNATURE=drbSrM4H816RYKpZiRBLddUa0yHaTrwjtY04sIZFZus=
check "zoho-sign: the printed vector verifies, then is no JSON" "$(status)" "Status: 400 Bad Request"
cgi zoho-sign "$T/zv.json"
check "zoho-sign: no signature header" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized missing X-ZS-WEBHOOK-SIGNATURE"
check "zoho-sign: refusals wrote nothing" "$(nfiles)" "$BEFORE"
Z='{"requests":{"request_name":"Test Name","request_id":"2000000123456","request_status":"completed"},"notifications":{"operation_type":"RequestCompleted","performed_by_email":"signer@example.com","performed_at":1717247410123}}'
printf '%s' "$Z" > "$T/z.json"
cgi zoho-sign "$T/z.json" HTTP_X_ZS_WEBHOOK_SIGNATURE="$(hmac_b64 "$FX_ZOHO_SECRET" "$Z")"
check "zoho-sign: accepted" "$(status) $(answer | jq -r .status) $(answer | jq -r .queue)" "Status: 200 OK accepted zoho"
F=$SPOOL/zoho/new/$(answer | jq -r .id)
check "zoho-sign: envelope" "$(jq -c '[.provider,.event,.delivery_id,.document_id,.actor,.occurred_at,.verified]' "$F")" \
    '["zoho-sign","RequestCompleted",null,"2000000123456","signer@example.com","2024-06-01T13:10:10Z",true]'
cgi zoho-sign "$T/z.json" HTTP_X_ZS_WEBHOOK_SIGNATURE="$(hmac_b64 "$FX_ZOHO_SECRET" "$Z")"
check "zoho-sign: the same body again is a duplicate" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
cgi zoho-sign "$T/z.json" HTTP_X_ZS_WEBHOOK_SIGNATURE="$(hmac_hex "$FX_ZOHO_SECRET" "$Z")"
check "zoho-sign: the MAC in hex" "$(status)" "Status: 401 Unauthorized"
# Zoho can send unsigned webhooks; hookspool does not take them: no secrets, no endpoint
printf '{"spool_dir":"/x","endpoints":{"z":{"provider":"zoho-sign","routes":{"*":"q"}}}}' > "$T/zbad.json"
env -i HOOKSPOOL_CONFIG="$T/zbad.json" REQUEST_METHOD=POST PATH_INFO=/z CONTENT_LENGTH=${#Z} CONTENT_TYPE=application/json \
    "$BIN" < "$T/z.json" > "$T/out" 2> "$T/err"
check "zoho-sign without secrets: the config is refused" "$(status)" "Status: 500 Internal Server Error"
check "zoho-sign without secrets: the log names the key" "$(grep -c 'endpoints.z.secrets: provider zoho-sign needs at least one secret' "$T/err")" "1"

# --- refusals leave nothing behind ------------------------------------------------
BEFORE=$(nfiles)
env -i HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=GET PATH_INFO=/circularo "$BIN" < /dev/null > "$T/out" 2>/dev/null
check "GET" "$(status)" "Status: 405 Method Not Allowed"
check "GET: Allow header" "$(grep -c '^Allow: POST' "$T/out")" "1"
cgi nope "$T/c.json" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "unknown endpoint" "$(status)" "Status: 404 Not Found"
head -c 70000 /dev/zero | tr '\0' 'a' > "$T/big"
cgi circularo "$T/big" HTTP_X_CIRCULARO_SIGNATURE="$SIG"
check "over max_body_bytes" "$(status)" "Status: 413 Content Too Large"
printf '{"event":' > "$T/m.json"
cgi circularo "$T/m.json" HTTP_X_CIRCULARO_SIGNATURE="$(hmac_hex "$FX_CIRCULARO_SECRET" '{"event":')"
check "malformed JSON (signed)" "$(status)" "Status: 400 Bad Request"
env -i HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=POST PATH_INFO=/circularo CONTENT_TYPE=application/json \
    HTTP_X_CIRCULARO_SIGNATURE="$SIG" "$BIN" < "$T/c.json" > "$T/out" 2>/dev/null
check "no Content-Length" "$(status)" "Status: 411 Length Required"
env -i HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=POST PATH_INFO=/circularo CONTENT_LENGTH=${#B} \
    CONTENT_TYPE=application/x-www-form-urlencoded HTTP_X_CIRCULARO_SIGNATURE="$SIG" "$BIN" < "$T/c.json" > "$T/out" 2>/dev/null
check "form content type" "$(status)" "Status: 415 Unsupported Media Type"
check "nothing written by refusals" "$(nfiles)" "$BEFORE"

# --- a body that stalls: 408 within body_timeout_seconds (2 s here) ---------------
# slow_cgi CMD...: stdin is a pipe that CMD (in the background) writes to;
# sets MS to the receiver's run time in milliseconds.
slow_cgi() {
	local t0 wpid
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	"$@" > "$T/fifo" 2>/dev/null &
	wpid=$!
	t0=$(date +%s%N)
	env -i HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=POST PATH_INFO=/circularo \
	    CONTENT_LENGTH=1000 CONTENT_TYPE=application/json \
	    HTTP_X_CIRCULARO_SIGNATURE="$SIG" "$BIN" < "$T/fifo" > "$T/out" 2> "$T/err"
	MS=$((($(date +%s%N) - t0) / 1000000))
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
}
# within NAME VALUE LO HI
within() { if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then ok "$1 ($2)"; else bad "$1: $2 not in $3..$4"; fi; }
BEFORE=$(nfiles)
# 10 bytes of a 1000-byte body, then silence
slow_cgi sh -c 'printf "{\"event\":\"x"; exec sleep 10'
check "stalled body: 408" "$(status)" "Status: 408 Request Timeout"
check "stalled body: fixed error" "$(answer)" '{"status":"error","error":"body not received in time"}'
within "stalled body: answered after body_timeout_seconds, ms" "$MS" 1950 3000
check "stalled body: the request log line" \
    "$(grep -c 'status=408 outcome="error" endpoint="circularo" error="body not received in time" us=' "$T/err")" "1"
# a byte every 0.2 s: an idle timeout would never fire, the total one does
slow_cgi sh -c 'i=0; while [ $i -lt 40 ]; do printf x; sleep 0.2; i=$((i + 1)); done'
check "trickled body: 408" "$(status)" "Status: 408 Request Timeout"
within "trickled body: a total deadline, not renewed by each byte, ms" "$MS" 1950 3000
check "slow bodies wrote nothing" "$(nfiles)" "$BEFORE"
check "slow bodies left nothing in tmp/" "$(find "$SPOOL"/*/tmp -type f | wc -l)" "0"

# --- config fallbacks (suEXEC strips HOOKSPOOL_CONFIG) -----------------------------
mkdir -p "$T/site/www"
cp "$BIN" "$T/site/www/hookspool.fcgi"
cp "$CONF" "$T/site/hookspool.json"
env -i REQUEST_METHOD=POST PATH_INFO=/circularo CONTENT_LENGTH=${#B2} CONTENT_TYPE=application/json \
    HTTP_X_CIRCULARO_SIGNATURE="$(hmac_hex "$FX_CIRCULARO_SECRET" "$B2")" \
    "$T/site/www/hookspool.fcgi" < "$T/c2.json" > "$T/out" 2>/dev/null
check "config found at ../hookspool.json" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
mv "$T/site/hookspool.json" "$T/site/www/hookspool.json"
env -i REQUEST_METHOD=POST PATH_INFO=/circularo CONTENT_LENGTH=${#B2} CONTENT_TYPE=application/json \
    HTTP_X_CIRCULARO_SIGNATURE="$(hmac_hex "$FX_CIRCULARO_SECRET" "$B2")" \
    "$T/site/www/hookspool.fcgi" < "$T/c2.json" > "$T/out" 2>/dev/null
check "config found beside the binary" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
rm "$T/site/www/hookspool.json"
env -i REQUEST_METHOD=POST PATH_INFO=/circularo CONTENT_LENGTH=${#B2} CONTENT_TYPE=application/json \
    "$T/site/www/hookspool.fcgi" < "$T/c2.json" > "$T/out" 2> "$T/err"
check "no config anywhere" "$(status)" "Status: 500 Internal Server Error"
check "no config: log says how to fix" "$(grep -c 'set HOOKSPOOL_CONFIG' "$T/err")" "1"
printf '{"spool_dir":"/x","endpoints":{"a":{"provider":"circularo","secrets":["x"],"routes":{"*":"../up"}}}}' > "$T/bad.json"
env -i HOOKSPOOL_CONFIG="$T/bad.json" REQUEST_METHOD=POST PATH_INFO=/a CONTENT_LENGTH=2 CONTENT_TYPE=application/json \
    "$BIN" <<< '{}' > "$T/out" 2> "$T/err"
check "bad config: 500" "$(status)" "Status: 500 Internal Server Error"
check "bad config: log names the key" "$(grep -c 'endpoints.a.routes.\*: bad queue name' "$T/err")" "1"

# --- BoldSign (issue #13) -------------------------------------------------------
BS='{"event":{"id":"afceddb1-2eed-4301-ae14-8b96a6b0393a","created":1669959514,"eventType":"Completed","environment":"Test"},"context":{"eventType":"Completed","actor":{"userType":"Signer","id":"richard@cubeflakes.com"}},"data":{"object":"document","documentId":"26b8695f-46d0-4cd4-ba1a-c5a0d595c849","status":"Completed"}}'
printf '%s' "$BS" > "$T/bs.json"
BEFORE=$(nfiles)
BSIG=$(fx_boldsign_sig 1669959514 "$BS")
cgi boldsign "$T/bs.json" HTTP_X_BOLDSIGN_SIGNATURE="$BSIG" HOOKSPOOL_NOW=1669959600
check "boldsign: accepted" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
F=$SPOOL/esign/new/$(answer | jq -r .id)
check "boldsign: envelope" "$(jq -c '[.endpoint,.provider,.event,.queue,.verified,.verified_scope,.delivery_id,.document_id,.occurred_at,.actor]' "$F")" \
    '["boldsign","boldsign","Completed","esign",true,"body","afceddb1-2eed-4301-ae14-8b96a6b0393a","26b8695f-46d0-4cd4-ba1a-c5a0d595c849","2022-12-02T05:38:34Z",{"userType":"Signer","id":"richard@cubeflakes.com"}]'
check "boldsign: body_sha256" "$(jq -r .body_sha256 "$F")" "$(printf '%s' "$BS" | sha256sum | cut -d' ' -f1)"
check "boldsign: raw bytes spliced" "$(grep -cF ",\"body\":$BS}" "$F")" "1"
check "boldsign: one file written" "$(nfiles)" "$((BEFORE + 1))"
check "boldsign: log has no signature" "$(grep -c "${BSIG##*s0=}" "$T/err")" "0"
# a retry is signed afresh (new t): the same event.id is a duplicate
cgi boldsign "$T/bs.json" HTTP_X_BOLDSIGN_SIGNATURE="$(fx_boldsign_sig 1669959700 "$BS")" HOOKSPOOL_NOW=1669959700
check "boldsign: retry under a new t is a duplicate" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
BEFORE=$(nfiles)
cgi boldsign "$T/bs.json" HTTP_X_BOLDSIGN_SIGNATURE="$BSIG" HOOKSPOOL_NOW=$((1669959514 + 301))
check "boldsign: stale" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized timestamp too old"
cgi boldsign "$T/bs.json" HTTP_X_BOLDSIGN_SIGNATURE="$BSIG" HOOKSPOOL_NOW=$((1669959514 - 301))
check "boldsign: future" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized timestamp in the future"
cgi boldsign "$T/bs.json" HOOKSPOOL_NOW=1669959600
check "boldsign: missing signature" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized missing X-BoldSign-Signature"
cgi boldsign "$T/bs.json" HTTP_X_BOLDSIGN_SIGNATURE="t=1669959514, s0=$(hmac_hex wrong-secret "1669959514.$BS")" HOOKSPOOL_NOW=1669959600
check "boldsign: wrong key" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized bad signature"
check "boldsign: refusals write nothing" "$(nfiles)" "$BEFORE"
# the Verify button: 200, nothing stored, signed or not
BV='{"event":{"id":"7c872a5b-1111-2222-3333-92530a83a8b9","created":1617180024,"eventType":"Verification","environment":"Test"}}'
printf '%s' "$BV" > "$T/bv.json"
cgi boldsign "$T/bv.json"
check "boldsign: unsigned Verification acknowledged" "$(status) $(answer | jq -r .status)" "Status: 200 OK acknowledged"
cgi boldsign "$T/bv.json" HTTP_X_BOLDSIGN_SIGNATURE="$(fx_boldsign_sig 1617180024 "$BV")" HOOKSPOOL_NOW=1617180030
check "boldsign: signed Verification acknowledged" "$(status) $(answer | jq -r .status)" "Status: 200 OK acknowledged"
cgi boldsign "$T/bv.json" HTTP_X_BOLDSIGN_SIGNATURE="t=1617180024, s0=$(hmac_hex wrong-secret "1617180024.$BV")" HOOKSPOOL_NOW=1617180030
check "boldsign: Verification with a bad signature" "$(status)" "Status: 401 Unauthorized"
check "boldsign: Verification stores nothing" "$(nfiles)" "$BEFORE"
check "boldsign: no dedup marker for Verification" "$(find "$SPOOL/.dedup" -type f 2>/dev/null | xargs -r grep -l 7c872a5b | wc -l)" "0"

# --- DocuSeal (issue #13) ---------------------------------------------------------
DS='{"event_type":"form.completed","timestamp":"2026-08-03T12:53:50.123Z","data":{"id":1,"submission_id":12,"email":"john@example.com","status":"completed","template":{"id":7,"name":"NDA"},"submission":{"id":12,"status":"completed"}}}'
printf '%s' "$DS" > "$T/ds.json"
BEFORE=$(nfiles)
DSIG=$(fx_docuseal_sig 1785761630 "$DS")
cgi docuseal "$T/ds.json" HTTP_X_DOCUSEAL_SIGNATURE="$DSIG" HOOKSPOOL_NOW=1785761700
check "docuseal: accepted" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
F=$SPOOL/esign/new/$(answer | jq -r .id)
check "docuseal: envelope" "$(jq -c '[.endpoint,.provider,.event,.queue,.verified,.verified_scope,.delivery_id,.document_id,.occurred_at,.actor]' "$F")" \
    '["docuseal","docuseal","form.completed","esign",true,"body",null,"12","2026-08-03T12:53:50.123Z","john@example.com"]'
check "docuseal: body verbatim" "$(grep -cF ",\"body\":$DS}" "$F")" "1"
check "docuseal: one file written" "$(nfiles)" "$((BEFORE + 1))"
check "docuseal: log has no signature" "$(grep -c "${DSIG#*.}" "$T/err")" "0"
cgi docuseal "$T/ds.json" HTTP_X_DOCUSEAL_SIGNATURE="$(fx_docuseal_sig 1785761760 "$DS")" HOOKSPOOL_NOW=1785761760
check "docuseal: retry under a new header time is a duplicate" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
BEFORE=$(nfiles)
cgi docuseal "$T/ds.json" HTTP_X_DOCUSEAL_SIGNATURE="$DSIG" HOOKSPOOL_NOW=$((1785761630 + 301))
check "docuseal: stale" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized timestamp too old"
cgi docuseal "$T/ds.json" HTTP_X_DOCUSEAL_SIGNATURE="$DSIG" HOOKSPOOL_NOW=$((1785761630 - 301))
check "docuseal: future" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized timestamp in the future"
# the key is the whole whsec_ string: its base64 decoded is a wrong key
DKEY=$(printf '%s' "${FX_DOCUSEAL_SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
cgi docuseal "$T/ds.json" HTTP_X_DOCUSEAL_SIGNATURE="1785761630.$(printf '%s' "1785761630.$DS" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$DKEY" | awk '{print $NF}')" HOOKSPOOL_NOW=1785761700
check "docuseal: base64-decoded key is wrong" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized bad signature"
# the dashboard's test webhook: unsigned, form.completed, Time.current.iso8601
DT='{"event_type":"form.completed","timestamp":"2026-08-03T12:55:00Z","data":{"id":1,"submission_id":12,"email":"john@example.com","submission":{"id":12}}}'
printf '%s' "$DT" > "$T/dt.json"
cgi docuseal "$T/dt.json"
check "docuseal: unsigned test refused by default" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized missing X-Docuseal-Signature"
check "docuseal: refusals write nothing" "$(nfiles)" "$BEFORE"
cgi docuseal-test "$T/dt.json"
check "docuseal-test: unsigned test taken as pending" "$(status) $(answer | jq -r .status)" "Status: 200 OK pending"
F=$SPOOL/esign/pending/$(answer | jq -r .id)
check "docuseal-test: envelope" "$(jq -c '[.endpoint,.provider,.event,.queue,.verified,.document_id,.occurred_at]' "$F")" \
    '["docuseal-test","docuseal","form.completed","esign",false,"12","2026-08-03T12:55:00Z"]'
check "docuseal-test: one file, in pending/" "$(nfiles)" "$((BEFORE + 1))"
BEFORE=$(nfiles)
DU='{"event_type":"submission.completed","timestamp":"2026-08-03T12:55:00Z","data":{"id":12}}'
printf '%s' "$DU" > "$T/du.json"
cgi docuseal-test "$T/du.json"
check "docuseal-test: unsigned non-test event refused" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized missing X-Docuseal-Signature"
cgi docuseal-test "$T/dt.json" HTTP_X_DOCUSEAL_SIGNATURE="1785761630.$(hmac_hex wrong "1785761630.$DT")" HOOKSPOOL_NOW=1785761700
check "docuseal-test: a bad signature is still refused" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized bad signature"
check "docuseal-test: refusals write nothing" "$(nfiles)" "$BEFORE"

# --- OpenSSL start-up ----------------------------------------------------------------
# The receiver skips openssl.cnf unless OPENSSL_CONF names one; one that
# demands FIPS-approved algorithms (with no FIPS provider installed) must
# then be obeyed, and a MAC it cannot compute is a 500, not a 401.
printf 'openssl_conf = init\n[init]\nalg_section = evp\n[evp]\ndefault_properties = "fips=yes"\n' > "$T/fips.cnf"
BEFORE=$(nfiles)
cgi circularo "$T/c2.json" HTTP_X_CIRCULARO_SIGNATURE="$(hmac_hex "$FX_CIRCULARO_SECRET" "$B2")" OPENSSL_CONF="$T/fips.cnf"
check "OPENSSL_CONF obeyed: no HMAC is a 500" "$(status) $(answer | jq -r .error)" "Status: 500 Internal Server Error HMAC unavailable"
check "OPENSSL_CONF obeyed: nothing written" "$(nfiles)" "$BEFORE"
cgi circularo "$T/c2.json" HTTP_X_CIRCULARO_SIGNATURE="$(hmac_hex "$FX_CIRCULARO_SECRET" "$B2")" OPENSSL_CONF="$T/missing.cnf"
check "OPENSSL_CONF missing file: still verifies" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
# LINK=static (the default) loads no shared library at all, so the binary
# runs on a host without libfcgi, json-c, OpenSSL 3 or this glibc; LINK=libs
# loads only the C library (make LINK=... check passes LINK down)
case ${LINK:-static} in
static)
	check "LINK=static: no shared library loaded" "$(ldd "$BIN" 2>&1 | grep -c '=>')" "0"
	check "LINK=static: no program interpreter" "$(readelf -l "$BIN" | grep -c 'interpreter')" "0" ;;
libs)
	check "LINK=libs: only the C library is shared" \
	    "$(ldd "$BIN" | grep -cE 'libcrypto|libjson-c|libfcgi')" "0" ;;
esac

# --- Adobe Acrobat Sign (#13): the echo, the GET verification of intent ------
ADOBE_B='{"webhookId":"9b7fc222-0c74-478b-9bde-8ac70a2dd163","webhookNotificationId":"d20d758a-f8b2-41b7-8c20-016312de7978","event":"AGREEMENT_WORKFLOW_COMPLETED","eventDate":"2024-05-30T22:57:28Z","eventResourceType":"agreement","actingUserEmail":"cjones@adobe.com","agreement":{"id":"CBJCHBCAABAA2XhaLGV0pKssKU03QXTcTXS4ebPyoSL_","status":"SIGNED"}}'
printf '%s' "$ADOBE_B" > "$T/adobe.json"
hdr() { sed -n '1,/^\r$/p' "$T/out" | tr -d '\r' | grep -i "^$1:" ; }
env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=GET PATH_INFO=/adobe-sign \
    HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID" "$BIN" < /dev/null > "$T/out" 2> "$T/err"
check "adobe: GET verification of intent" "$(status) $(answer | jq -r .status)" "Status: 200 OK acknowledged"
check "adobe: GET echoes the client id" "$(hdr X-AdobeSign-ClientId)" "X-AdobeSign-ClientId: $FX_ADOBE_CLIENT_ID"
check "adobe: log has no client id" "$(grep -c "$FX_ADOBE_CLIENT_ID" "$T/err")" "0"
BEFORE=$(nfiles)
env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=GET PATH_INFO=/adobe-sign \
    HTTP_X_ADOBESIGN_CLIENTID=CBJCHBCAABAAnotOurs "$BIN" < /dev/null > "$T/out" 2> "$T/err"
check "adobe: GET with an unknown id" "$(status)" "Status: 401 Unauthorized"
check "adobe: no echo for an unknown id" "$(hdr X-AdobeSign-ClientId | wc -l)" "0"
env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$CONF" REQUEST_METHOD=DELETE PATH_INFO=/adobe-sign \
    HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID" "$BIN" < /dev/null > "$T/out" 2> "$T/err"
check "adobe: other methods stay 405" "$(status) $(hdr Allow)" "Status: 405 Method Not Allowed Allow: POST"
cgi adobe-sign "$T/adobe.json" HTTP_X_ADOBESIGN_CLIENTID=CBJCHBCAABAAnotOurs
check "adobe: POST with an unknown id" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized unknown client id"
cgi adobe-sign "$T/adobe.json"
check "adobe: POST without an id" "$(status)" "Status: 401 Unauthorized"
check "adobe: nothing written on refusal" "$(nfiles)" "$BEFORE"
cgi adobe-sign "$T/adobe.json" HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID2"
check "adobe: accepted" "$(status) $(answer | jq -r .queue)" "Status: 200 OK agreements"
check "adobe: POST echoes the second client id" "$(hdr X-AdobeSign-ClientId)" "X-AdobeSign-ClientId: $FX_ADOBE_CLIENT_ID2"
F=$SPOOL/agreements/new/$(answer | jq -r .id)
check "adobe: envelope" "$(jq -c '[.provider,.event,.verified,.verified_scope,.delivery_id,.document_id,.actor,.occurred_at]' "$F")" \
    '["adobe-sign","AGREEMENT_WORKFLOW_COMPLETED",false,"none","d20d758a-f8b2-41b7-8c20-016312de7978","CBJCHBCAABAA2XhaLGV0pKssKU03QXTcTXS4ebPyoSL_","cjones@adobe.com","2024-05-30T22:57:28Z"]'
check "adobe: body verbatim" "$(grep -cF ",\"body\":$ADOBE_B}" "$F")" "1"
check "adobe: one more file" "$(nfiles)" "$((BEFORE + 1))"
cgi adobe-sign "$T/adobe.json" HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
check "adobe: retry is a duplicate, still echoed" "$(answer | jq -r .status) $(hdr X-AdobeSign-ClientId)" \
    "duplicate X-AdobeSign-ClientId: $FX_ADOBE_CLIENT_ID"
head -c 70000 /dev/zero | tr '\0' ' ' > "$T/adobe-big.json"
cgi adobe-sign "$T/adobe-big.json" HTTP_X_ADOBESIGN_CLIENTID="$FX_ADOBE_CLIENT_ID"
check "adobe: over max_body_bytes is 413 (Adobe retries it)" "$(status)" "Status: 413 Content Too Large"

# --- Dropbox Sign (#13): multipart/form-data, the json field, the reply text ---
DBX_J=$(fx_dropbox_json 1669926463 account_confirmed)
fx_multipart XyZ json "$DBX_J" > "$T/dbx.form"
cgi dropbox-sign "$T/dbx.form" CONTENT_TYPE='multipart/form-data; boundary=XyZ'
check "dropbox: official key and vector accepted" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
check "dropbox: the reply text" "$(answer | jq -r .message)" "Hello API Event Received"
F=$SPOOL/esign/new/$(answer | jq -r .id)
check "dropbox: envelope" "$(jq -c '[.provider,.event,.verified,.verified_scope,.delivery_id,.document_id,.occurred_at]' "$F")" \
    '["dropbox-sign","account_confirmed",false,"event",null,"fa5c8a0b0f492d768749333ad6fcc214c111e967","2022-12-01T20:27:43Z"]'
check "dropbox: body is the json field verbatim" "$(grep -cF ",\"body\":$DBX_J}" "$F")" "1"
check "dropbox: body_sha256 of the field" "$(jq -r .body_sha256 "$F")" "$(printf '%s' "$DBX_J" | sha256sum | cut -d' ' -f1)"
check "dropbox: log has no API key or hash" "$(grep -cE "$FX_DROPBOX_API_KEY|ff8b0343" "$T/err")" "0"
cgi dropbox-sign "$T/dbx.form" CONTENT_TYPE='multipart/form-data; boundary="XyZ"'
check "dropbox: quoted boundary, retry is a duplicate with the text" "$(answer | jq -r '.status+" "+.message')" "duplicate Hello API Event Received"
BEFORE=$(nfiles)
fx_multipart XyZ json "$(fx_dropbox_json 1669926463 account_confirmed "$(fx_dropbox_hash 1669926464 account_confirmed)")" > "$T/dbx-bad.form"
cgi dropbox-sign "$T/dbx-bad.form" CONTENT_TYPE='multipart/form-data; boundary=XyZ'
check "dropbox: wrong event_hash" "$(status) $(answer | jq -r '.error+" "+(.message//"-")')" "Status: 401 Unauthorized bad signature -"
cgi dropbox-sign "$T/dbx.form"
check "dropbox: JSON Content-Type refused" "$(status)" "Status: 415 Unsupported Media Type"
fx_multipart XyZ other "$DBX_J" > "$T/dbx-none.form"
cgi dropbox-sign "$T/dbx-none.form" CONTENT_TYPE='multipart/form-data; boundary=XyZ'
check "dropbox: no json field" "$(status)" "Status: 400 Bad Request"
check "dropbox: nothing written on refusal" "$(nfiles)" "$BEFORE"
# with the window on, a fresh event_time (HOOKSPOOL_NOW pins the clock)
DBX_J2=$(fx_dropbox_json 1700000000 signature_request_sent)
fx_multipart XyZ json "$DBX_J2" > "$T/dbx2.form"
cgi dropbox-window "$T/dbx2.form" CONTENT_TYPE='multipart/form-data; boundary=XyZ' HOOKSPOOL_NOW=1700000100
check "dropbox: inside tolerance_seconds" "$(status) $(answer | jq -r .status)" "Status: 200 OK accepted"
cgi dropbox-window "$T/dbx.form" CONTENT_TYPE='multipart/form-data; boundary=XyZ' HOOKSPOOL_NOW=1700000100
check "dropbox: outside tolerance_seconds" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized timestamp too old"

# --- PandaDoc: ?signature= over the whole body; a JSON array, one stored
# event per routed element, each its own bytes, all or none
E1='{"event":"document_state_changed","data":{"id":"doc-1","name":"NDA","status":"document.completed","date_modified":"2024-07-31T16:06:09.157758Z"}}'
E2='{"event":"recipient_completed","data":{"id":"doc-1","name":"NDA","status":"document.completed"}}'
E3='{"event":"document_updated","data":{"id":"doc-1"}}'
E4='{"event":"document_deleted","data":{"id":"doc-2"}}'
PD="[$E1, $E2,$E3 ,$E4]"
printf '%s' "$PD" > "$T/pd.json"
BEFORE=$(nfiles)
cgi pandadoc "$T/pd.json" QUERY_STRING="signature=$(fx_pandadoc_sig "$PD")"
check "pandadoc: batch accepted" "$(status) $(answer | jq -r .status) $(answer | jq -r '.ids|length')" \
    "Status: 200 OK accepted 3"
check "pandadoc: three files (the unrouted element skipped)" "$(nfiles)" "$((BEFORE + 3))"
PDSHA=$(printf '%s' "$PD" | sha256sum | cut -d' ' -f1)
i=0
for want in "$E1 pandadoc 0" "$E2 pandadoc 1" "$E4 pd-deleted 3"; do
	el=${want% * *}; rest=${want#"$el" }; q=${rest% *}; idx=${rest#* }
	F=$SPOOL/$q/new/$(answer | jq -r ".ids[$i]")
	check "pandadoc: element $idx in $q/, its own bytes spliced" "$(grep -cF ",\"body\":$el}" "$F")" 1
	check "pandadoc: element $idx envelope" \
	    "$(jq -c '[.provider,.event,.document_id,.batch_index,.batch_sha256,.body_sha256,.verified_scope]' "$F")" \
	    "$(printf '["pandadoc","%s","%s",%s,"%s","%s","body"]' "$(jq -r .event <<< "$el")" \
	    "$(jq -r .data.id <<< "$el")" "$idx" "$PDSHA" "$(printf '%s' "$el" | sha256sum | cut -d' ' -f1)")"
	i=$((i + 1))
done
BEFORE=$(nfiles)
cgi pandadoc "$T/pd.json" QUERY_STRING="signature=$(fx_pandadoc_sig "$PD")"
check "pandadoc: the same batch again is a duplicate" "$(status) $(answer | jq -r .status)" "Status: 200 OK duplicate"
cgi pandadoc "$T/pd.json" QUERY_STRING="signature=$(hmac_hex wrong-key "$PD")"
check "pandadoc: wrong key" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized bad signature"
cgi pandadoc "$T/pd.json"
check "pandadoc: no signature" "$(status)" "Status: 401 Unauthorized"
printf '%s' "${PD/doc-2/doc-3}" > "$T/pd2.json"
cgi pandadoc "$T/pd2.json" QUERY_STRING="signature=$(fx_pandadoc_sig "$PD")"
check "pandadoc: one byte changed" "$(status) $(answer | jq -r .error)" "Status: 401 Unauthorized bad signature"
printf '[]' > "$T/pd3.json"
cgi pandadoc "$T/pd3.json" QUERY_STRING="signature=$(fx_pandadoc_sig '[]')"
check "pandadoc: an empty array is 400" "$(status)" "Status: 400 Bad Request"
printf '[%s,7]' "$E1" > "$T/pd4.json"
cgi pandadoc "$T/pd4.json" QUERY_STRING="signature=$(fx_pandadoc_sig "[$E1,7]")"
check "pandadoc: a non-object element is 400, nothing stored of the others" "$(status)" "Status: 400 Bad Request"
printf '[%s]' "$E3" > "$T/pd5.json"
cgi pandadoc "$T/pd5.json" QUERY_STRING="signature=$(fx_pandadoc_sig "[$E3]")"
check "pandadoc: all unrouted is 200 ignored" "$(status) $(answer | jq -r .status)" "Status: 200 OK ignored"
check "pandadoc: refusals, duplicates and ignored write nothing" "$(nfiles)" "$BEFORE"

hs_summary cgi

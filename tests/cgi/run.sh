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
nfiles() { find "$SPOOL" -type f -not -path '*/.dedup/*' 2>/dev/null | wc -l; }

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

hs_summary cgi

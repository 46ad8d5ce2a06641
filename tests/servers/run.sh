#!/usr/bin/env bash
# tests/servers/run.sh BUILD_DIR - the real receiver behind real servers on
# 127.0.0.1: lighttpd + mod_fastcgi, Apache + mod_fcgid (vhost), Apache +
# mod_cgi through www/.htaccess (plain CGI, config found by the ../ fallback),
# Apache + mod_fcgid through www/.htaccess, Apache + mod_proxy_fcgi +
# spawn-fcgi, nginx + spawn-fcgi (nginx/hookspool.conf), nginx + fcgiwrap
# (plain CGI, nginx/hookspool-fcgiwrap.conf), Caddy + reverse_proxy's
# fastcgi transport + spawn-fcgi (caddy/Caddyfile). Every provider signed
# as its sender signs, bad requests, and the servers' own quirks (header
# names with '_', bodies over each server's own limit, chunked bodies);
# exact status codes and exact spool contents. A server that is not
# installed fails its setup: nothing is skipped.
# Then slow clients in front of one mod_proxy_fcgi receiver process.
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
CLI=$(cd "$BUILD" && pwd)/hookspool
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/servers.sh
. "$HERE/../lib/servers.sh"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"
# shellcheck source=../lib/fixtures.sh
. "$HERE/../lib/fixtures.sh"
T=$(mktemp -d /tmp/hs-servers-XXXXXX)
chmod 0755 "$T"
trap 'hs_stop_server; rm -rf "$T"' EXIT
# Standard Webhooks v1a: the test vector's key, and the sender's config
fx_v1a_pem "$T/v1a.pem"
fx_v1a_sender_config "$T/v1a-sender.json" "$T/v1a-sender-spool"


write_config() { # DIR [TOP-LEVEL KEYS,] -> DIR/hookspool.json with the spool in DIR/spool
	fx_config "$1/hookspool.json" "$1/spool" "\"max_body_bytes\": 1048576, ${2:-}"
	chmod 0644 "$1/hookspool.json"
}

# post ENDPOINT BODY [curl args...] -> $CODE, $ANSWER
post() {
	local ep=$1 body=$2; shift 2
	printf '%s' "$body" > "$W/body"
	CODE=$(curl -sS -o "$W/answer" -w '%{http_code}' --max-time 20 \
	    -H "Content-Type: ${CT:-application/json}" "$@" \
	    --data-binary @"$W/body" "$HS_URL/webhooks/$ep")
	ANSWER=$(cat "$W/answer")
}
field() { printf '%s' "$ANSWER" | jq -r "$1" 2>/dev/null; }
spooled() { find "$W/spool" -type f -not -path '*/.dedup/*' -not -name .counters 2>/dev/null | wc -l; }

battery() {
	local kind=$1 n before now id f big accepted
	now=$(date +%s)

	# Circularo, the headline case
	B='{"documentId":"aB3dEfGh12","event":"documentCompleted","actor":"mary.griffin@circularo.com","timestamp":"2024-06-01T13:10:10.500Z"}'
	post circularo "$B" -H "X-Circularo-Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$B")"
	check "$kind: circularo 200 accepted" "$CODE $(field .status)" "200 accepted"
	id=$(field .id)
	f=$W/spool/completed/new/$id
	check "$kind: circularo file in completed/new" "$(jq -r '.event + " " + .endpoint' "$f" 2>/dev/null)" "documentCompleted circularo"
	check "$kind: circularo body byte for byte" "$(jq -r .body_sha256 "$f" 2>/dev/null)" \
	    "$(printf '%s' "$B" | sha256sum | cut -d' ' -f1)"
	post circularo "$B" -H "X-Circularo-Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$B")"
	check "$kind: redelivery answered duplicate" "$CODE $(field .status)" "200 duplicate"

	# Documenso: the secret itself in a header
	D='{"event":"DOCUMENT_SIGNED","payload":{"id":11,"updatedAt":"2026-11-01T10:00:00.000Z"},"createdAt":"2026-11-01T10:00:01.000Z","webhookEndpoint":"x"}'
	post documenso "$D" -H 'X-Documenso-Secret: '"$FX_DOCUMENSO_SECRET"
	check "$kind: documenso 200" "$CODE $(field .queue)" "200 documents"
	post documenso "$D" -H 'X-Documenso-Secret: wrong'
	check "$kind: documenso wrong secret 401" "$CODE" "401"

	# Ignisign: unsigned, pending until `hookspool verify`
	I='{"appId":"appId_1","appEnv":"DEVELOPMENT","topic":"SIGNATURE","action":"FINALIZED","msgNature":"SUCCESS","content":{"signatureRequestId":"672d"},"verificationToken":"tok-'$kind'"}'
	post ignisign "$I"
	check "$kind: ignisign 200 pending" "$CODE $(field .status)" "200 pending"
	check "$kind: ignisign file in pending/" "$(ls "$W/spool/signing/pending" 2>/dev/null | wc -l)" "1"

	# GitHub
	G='{"ref":"refs/heads/main","sender":{"login":"octocat"}}'
	post github "$G" -H 'X-GitHub-Event: push' -H "X-GitHub-Delivery: d-$kind" \
	    -H "X-Hub-Signature-256: sha256=$(hmac_hex "$FX_GITHUB_SECRET" "$G")"
	check "$kind: github 200" "$CODE $(field .queue)" "200 deploy"
	f=$W/spool/deploy/new/$(field .id)
	check "$kind: github delivery id" "$(jq -r .delivery_id "$f" 2>/dev/null)" "d-$kind"

	# Stripe, signed now
	S='{"id":"evt_'$kind'","object":"event","type":"charge.succeeded","created":'$now'}'
	post stripe "$S" -H "Stripe-Signature: t=$now,v1=$(hmac_hex "$FX_STRIPE_SECRET" "$now.$S")"
	check "$kind: stripe 200" "$CODE $(field .queue)" "200 payments"
	post stripe "$S" -H "Stripe-Signature: t=$((now - 400)),v1=$(hmac_hex "$FX_STRIPE_SECRET" "$((now - 400)).$S")"
	check "$kind: stripe stale timestamp 401" "$CODE $(field .error)" "401 timestamp too old"

	# Standard Webhooks, and the svix-* spelling
	X='{"type":"user.created","data":{"id":"u_1"}}'
	post standard "$X" -H "webhook-id: msg_$kind" -H "webhook-timestamp: $now" \
	    -H "webhook-signature: $(fx_standard_sig "msg_$kind" "$now" "$X")"
	check "$kind: standard-webhooks 200" "$CODE $(field .queue)" "200 standard"
	post standard "$X" -H "svix-id: msg2_$kind" -H "svix-timestamp: $now" \
	    -H "svix-signature: $(fx_standard_sig "msg2_$kind" "$now" "$X")"
	check "$kind: svix headers 200" "$CODE $(field .status)" "200 accepted"
	post standard "$X" -H "webhook-id: msg3_$kind" -H "webhook-timestamp: $((now + 400))" \
	    -H "webhook-signature: $(fx_standard_sig "msg3_$kind" "$((now + 400))" "$X")"
	check "$kind: standard future timestamp 401" "$CODE" "401"

	# --- Standard Webhooks v1a (ed25519): openssl signs; then hookspool sign
	X='{"type":"contract.signed","data":{"id":"ctr_'$kind'"}}'
	post standard-v1a "$X" -H "webhook-id: msga_$kind" -H "webhook-timestamp: $now" \
	    -H "webhook-signature: $(fx_v1a_sig "$T/v1a.pem" "msga_$kind" "$now" "$X")"
	check "$kind: v1a 200" "$CODE $(field .queue)" "200 v1a"
	f=$W/spool/v1a/new/$(field .id)
	check "$kind: v1a spool file" "$(jq -c '[.endpoint,.event,.delivery_id,.document_id,.verified,.body_sha256]' "$f" 2>/dev/null)" \
	    '["standard-v1a","contract.signed","msga_'$kind'","ctr_'$kind'",true,"'"$(printf '%s' "$X" | sha256sum | cut -d' ' -f1)"'"]'
	before=$(spooled)
	post standard-v1a "${X/ctr_/ctX_}" -H "webhook-id: msgb_$kind" -H "webhook-timestamp: $now" \
	    -H "webhook-signature: $(fx_v1a_sig "$T/v1a.pem" "msgb_$kind" "$now" "$X")"
	check "$kind: v1a tampered body 401" "$CODE $(field .error)" "401 bad signature"
	post standard "$X" -H "webhook-id: msgb_$kind" -H "webhook-timestamp: $now" \
	    -H "webhook-signature: $(fx_v1a_sig "$T/v1a.pem" "msgb_$kind" "$now" "$X")"
	check "$kind: v1a on a whsec_-only endpoint 401" "$CODE" "401"
	check "$kind: v1a refusals spooled nothing" "$(spooled)" "$before"
	printf '%s' "$X" > "$W/v1a-body"
	"$CLI" -c "$T/v1a-sender.json" sign standard-v1a --body "$W/v1a-body" \
	    --delivery-id "msgc_$kind" --send "$HS_URL/webhooks/standard-v1a" > "$W/v1a-sent" 2>&1
	check "$kind: hookspool sign --send v1a accepted" "$(grep -c '"status":"accepted"' "$W/v1a-sent") $(spooled)" "1 $((before + 1))"
	# --- end of v1a

	# generic hmac: sha512, base64, prefix
	H='{"kind":"order.paid","id":7}'
	post generic "$H" -H "X-Signature: sha512=$(printf '%s' "$H" | openssl dgst -sha512 -hmac "$FX_GENERIC_SECRET" -binary | base64 -w0)"
	check "$kind: generic hmac 200" "$CODE $(field .queue)" "200 generic"

	# --- issue #13: BoldSign and DocuSeal, signed now by openssl
	before=$(spooled)
	BS='{"event":{"id":"bs-'$kind'","created":'$now',"eventType":"Completed","environment":"Test"},"data":{"object":"document","documentId":"doc-'$kind'","status":"Completed"}}'
	post boldsign "$BS" -H "X-BoldSign-Signature: $(fx_boldsign_sig "$now" "$BS")"
	check "$kind: boldsign 200" "$CODE $(field .status) $(field .queue)" "200 accepted esign"
	f=$W/spool/esign/new/$(field .id)
	check "$kind: boldsign envelope" "$(jq -c '[.provider,.event,.delivery_id,.document_id,.verified]' "$f" 2>/dev/null)" \
	    '["boldsign","Completed","bs-'$kind'","doc-'$kind'",true]'
	check "$kind: boldsign body byte for byte" "$(jq -r .body_sha256 "$f" 2>/dev/null)" \
	    "$(printf '%s' "$BS" | sha256sum | cut -d' ' -f1)"
	post boldsign "$BS" -H "X-BoldSign-Signature: $(fx_boldsign_sig "$((now - 400))" "$BS")"
	check "$kind: boldsign stale 401" "$CODE $(field .error)" "401 timestamp too old"
	post boldsign "$BS"
	check "$kind: boldsign unsigned 401" "$CODE $(field .error)" "401 missing X-BoldSign-Signature"
	BV='{"event":{"id":"bv-'$kind'","created":'$now',"eventType":"Verification","environment":"Test"}}'
	post boldsign "$BV"
	check "$kind: boldsign unsigned Verification 200" "$CODE $(field .status)" "200 acknowledged"
	post boldsign "$BV" -H "X-BoldSign-Signature: $(fx_boldsign_sig "$now" "$BV")"
	check "$kind: boldsign signed Verification 200" "$CODE $(field .status)" "200 acknowledged"
	DS='{"event_type":"form.completed","timestamp":"2026-08-03T12:53:50.123Z","data":{"id":1,"submission_id":12,"email":"'$kind'@example.com","submission":{"id":12}}}'
	post docuseal "$DS" -A 'DocuSeal.com Webhook' -H "X-Docuseal-Signature: $(fx_docuseal_sig "$now" "$DS")"
	check "$kind: docuseal 200" "$CODE $(field .status) $(field .queue)" "200 accepted esign"
	f=$W/spool/esign/new/$(field .id)
	check "$kind: docuseal envelope" "$(jq -c '[.provider,.event,.document_id,.actor,.verified]' "$f" 2>/dev/null)" \
	    '["docuseal","form.completed","12","'$kind'@example.com",true]'
	post docuseal "$DS" -H "X-Docuseal-Signature: $(fx_docuseal_sig "$((now + 400))" "$DS")"
	check "$kind: docuseal future 401" "$CODE $(field .error)" "401 timestamp in the future"
	DT='{"event_type":"form.completed","timestamp":"2026-08-03T12:55:00Z","data":{"id":1,"email":"'$kind'@example.com","submission":{"id":12}}}'
	post docuseal "$DT" -A 'DocuSeal.com Webhook'
	check "$kind: docuseal unsigned test 401" "$CODE $(field .error)" "401 missing X-Docuseal-Signature"
	post docuseal-test "$DT" -A 'DocuSeal.com Webhook'
	check "$kind: docuseal-test unsigned test 200 pending" "$CODE $(field .status)" "200 pending"
	f=$W/spool/esign/pending/$(field .id)
	check "$kind: docuseal-test test in pending/, unverified" "$(jq -c '[.endpoint,.verified]' "$f" 2>/dev/null)" '["docuseal-test",false]'
	check "$kind: boldsign/docuseal wrote 3 files" "$(spooled)" "$((before + 3))"
	for p in "boldsign Completed" "boldsign Verification" "docuseal form.completed"; do
		if "$CLI" -c "$W/hookspool.json" sign "${p%% *}" --event "${p#* }" \
		    --send "$HS_URL/webhooks/${p%% *}" > "$W/sign.out" 2>&1; then
			check "$kind: hookspool sign $p --send" "$(sed 's/^HTTP \([0-9]*\) .*/\1/' "$W/sign.out" | head -1)" "200"
		else
			bad "$kind: hookspool sign $p --send: $(cat "$W/sign.out")"
		fi
	done
	# DocuSign: numbered headers (digits and dashes in the name), one per
	# account key; header 1 carries a key this endpoint does not know
	E='{"event":"envelope-sent","apiVersion":"v2.1","retryCount":0,"generatedDateTime":"2026-11-01T10:00:00.0000001Z","data":{"accountId":"a1","envelopeId":"env-'$kind'"}}'
	post docusign "$E" -H "X-DocuSign-Signature-1: $(hmac_b64 unknown-key "$E")" \
	    -H "X-DocuSign-Signature-2: $(hmac_b64 "$FX_DOCUSIGN_SECRET" "$E")"
	check "$kind: docusign header 2 matches" "$CODE $(field .queue)" "200 envelopes"
	f=$W/spool/envelopes/new/$(field .id)
	check "$kind: docusign document id" "$(jq -r .document_id "$f" 2>/dev/null)" "env-$kind"
	CT='text/xml; charset=utf-8' post docusign '<DocuSignEnvelopeInformation/>' \
	    -H "X-DocuSign-Signature-1: $(hmac_b64 "$FX_DOCUSIGN_SECRET" '<DocuSignEnvelopeInformation/>')"
	check "$kind: docusign XML 415" "$CODE $(field .error | cut -d: -f1)" "415 DocuSign XML messages are not accepted"

	# Yousign and Zoho Sign
	Y='{"event_id":"ev-'$kind'","event_name":"signature_request.done","event_time":"'$now'","data":{"signature_request":{"id":"sr-'$kind'"}}}'
	post yousign "$Y" -H "X-Yousign-Signature-256: sha256=$(hmac_hex "$FX_YOUSIGN_SECRET" "$Y")"
	check "$kind: yousign 200" "$CODE $(field .queue)" "200 signatures"
	Z='{"requests":{"request_id":"rq-'$kind'"},"notifications":{"operation_type":"RequestCompleted","performed_at":'$now'000}}'
	post zoho-sign "$Z" -H "X-ZS-WEBHOOK-SIGNATURE: $(hmac_b64 "$FX_ZOHO_SECRET" "$Z")"
	check "$kind: zoho-sign 200" "$CODE $(field .queue)" "200 zoho"

	# PandaDoc: the signature in the query string (servers must pass it
	# through as QUERY_STRING), a JSON array stored element by element
	P1='{"event":"document_state_changed","data":{"id":"pd-'$kind'","status":"document.completed"}}'
	P2='{"event":"document_deleted","data":{"id":"pd-'$kind'"}}'
	PB="[$P1,$P2]"
	post "pandadoc?signature=$(fx_pandadoc_sig "$PB")" "$PB"
	check "$kind: pandadoc batch 200" "$CODE $(field .status) $(field '.ids|length')" "200 accepted 2"
	f=$W/spool/pd-deleted/new/$(field '.ids[1]')
	check "$kind: pandadoc element 1 stored as itself" \
	    "$(jq -c '[.event,.batch_index,.document_id]' "$f" 2>/dev/null) $(grep -cF ",\"body\":$P2}" "$f" 2>/dev/null)" \
	    '["document_deleted",1,"pd-'$kind'"] 1'
	post "pandadoc?signature=$(fx_pandadoc_sig "$PB")&signature=00" "$PB"
	check "$kind: pandadoc two signature parameters 401" "$CODE" "401"

	# hookspool sign --send: the CLI signs exactly as the sender would
	if "$CLI" -c "$W/hookspool.json" sign circularo --event documentSigned \
	    --send "$HS_URL/webhooks/circularo" > "$W/sign.out" 2>&1; then
		check "$kind: hookspool sign --send" "$(sed 's/^HTTP \([0-9]*\) .*/\1/' "$W/sign.out" | head -1)" "200"
	else
		bad "$kind: hookspool sign --send: $(cat "$W/sign.out")"
	fi

	before=$(spooled)
	# Refusals: nothing may be written.
	post circularo "$B" -H "X-Circularo-Signature: $(hmac_hex wrong "$B")"
	check "$kind: bad signature 401" "$CODE $(field .error)" "401 bad signature"
	post circularo "$B"
	check "$kind: missing signature 401" "$CODE" "401"
	post nosuch "$B"
	check "$kind: unknown endpoint 404" "$CODE $(field .error)" "404 unknown endpoint"
	CODE=$(curl -sS -o "$W/answer" -D "$W/headers" -w '%{http_code}' "$HS_URL/webhooks/circularo")
	check "$kind: GET 405" "$CODE" "405"
	check "$kind: GET Allow: POST" "$(grep -ci '^Allow: POST' "$W/headers")" "1"
	M='{"event":"documentCompleted",'
	post circularo "$M" -H "X-Circularo-Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$M")"
	check "$kind: malformed JSON 400" "$CODE" "400"
	CT=text/plain post circularo "$B" -H "X-Circularo-Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$B")"
	check "$kind: text/plain 415" "$CODE" "415"
	# Apache and nginx drop header names with '_' (nginx: its defaults
	# underscores_in_headers off, ignore_invalid_headers on); lighttpd and
	# Caddy map '_' like '-', so it arrives as HTTP_X_CIRCULARO_SIGNATURE.
	B4='{"documentId":"u","event":"documentEdited"}'
	post circularo "$B4" -H "X_Circularo_Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$B4")"
	accepted=2	# the Circularo event and the one `hookspool sign` sent
	case $kind in
	lighttpd|caddy) check "$kind: underscore header reaches the receiver" "$CODE $(field .status)" "200 accepted"
		before=$((before + 1)) accepted=3 ;;
	*) check "$kind: underscore header dropped by the server" "$CODE $(field .error)" "401 missing X-Circularo-Signature" ;;
	esac
	# Over max_body_bytes (1 MiB): who answers depends on the server.
	big=$W/big.json
	{ printf '{"event":"documentCompleted","pad":"'; head -c 1048576 /dev/zero | tr '\0' a; printf '"}'; } > "$big"
	CODE=$(curl -sS -o "$W/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
	    -H 'X-Circularo-Signature: 00' --data-binary @"$big" "$HS_URL/webhooks/circularo")
	case $kind in
	lighttpd) check "$kind: over-size body 413 (server.max-request-size)" "$CODE" "413" ;;
	apache-fcgid|apache-htaccess-fcgid)
		check "$kind: over-size body 500 (FcgidMaxRequestLen)" "$CODE" "500" ;;
	nginx|nginx-fcgiwrap)
		# client_max_body_size: nginx's own page, the receiver never asked
		check "$kind: over-size body 413 (client_max_body_size), nginx's HTML" \
		    "$CODE $(grep -c '<title>413 Request Entity Too Large</title>' "$W/answer")" "413 1" ;;
	caddy)
		# request_body max_size: Caddy's 413 with an empty body (its
		# fastcgi client hits the limit while sending the body, before it
		# reads the receiver's answer)
		check "$kind: over-size body 413 (request_body max_size), empty" \
		    "$CODE $(wc -c < "$W/answer")" "413 0" ;;
	*) check "$kind: over-size body 413 (receiver)" "$CODE $(jq -r .status "$W/answer" 2>/dev/null)" "413 error" ;;
	esac
	check "$kind: refusals wrote nothing" "$(spooled)" "$before"
	n=$(find "$W"/spool/*/tmp -type f | wc -l)
	check "$kind: tmp/ empty" "$n" "0"
	check "$kind: every spool file is valid JSON" \
	    "$(find "$W/spool" -type f -not -path '*/.dedup/*' -not -name .counters -exec jq -e .id {} + >/dev/null 2>&1 && echo yes)" "yes"
	# the receiver's stderr: Apache's error log; lighttpd's and spawn-fcgi's stderr
	check "$kind: one request log line per accepted request" \
	    "$(cat "$W"/*/*.log "$W"/*/logs/*.log 2>/dev/null | grep -c 'hookspool\[[0-9]*\]: status=200 outcome="accepted" endpoint="circularo"')" "$accepted"
}

# The e-signature platforms whose reply rules change the answer (#13):
# Adobe Sign's GET verification of intent and its echoed header, Dropbox
# Sign's multipart body (as curl -F sends it, and written by hand as a
# form of H1's pretty-printed example) and its reply text, through each server.
esign_battery() {
	local kind=$1 before f id code now
	now=$(date +%s)
	before=$(spooled)
	code=$(curl -sS -o "$W/answer" -D "$W/headers" -w '%{http_code}' --max-time 20 \
	    -H "X-AdobeSign-ClientId: $FX_ADOBE_CLIENT_ID" "$HS_URL/webhooks/adobe-sign")
	check "$kind: adobe GET verification of intent 200" "$code $(jq -r .status "$W/answer" 2>/dev/null)" "200 acknowledged"
	check "$kind: adobe GET echoes X-AdobeSign-ClientId" \
	    "$(tr -d '\r' < "$W/headers" | grep -i '^X-AdobeSign-ClientId:' | sed 's/^[^:]*: *//')" "$FX_ADOBE_CLIENT_ID"
	code=$(curl -sS -o "$W/answer" -D "$W/headers" -w '%{http_code}' --max-time 20 \
	    -H "X-AdobeSign-ClientId: CBJCHBCAABAAnotOurs" "$HS_URL/webhooks/adobe-sign")
	check "$kind: adobe GET unknown id 401, no echo" "$code $(grep -ci '^X-AdobeSign-ClientId' "$W/headers")" "401 0"
	A='{"webhookId":"9b7fc222-0c74-478b-9bde-8ac70a2dd163","webhookNotificationId":"n-'"$kind"'","event":"AGREEMENT_WORKFLOW_COMPLETED","eventDate":"2024-05-30T22:57:28Z","agreement":{"id":"CBJCHBCAABAA2XhaLGV0pKssKU03QXTcTXS4ebPyoSL_"}}'
	post adobe-sign "$A" -D "$W/headers" -H "X-AdobeSign-ClientId: $FX_ADOBE_CLIENT_ID2"
	check "$kind: adobe POST 200 accepted" "$CODE $(field .queue)" "200 agreements"
	check "$kind: adobe POST echoes X-AdobeSign-ClientId" \
	    "$(tr -d '\r' < "$W/headers" | grep -i '^X-AdobeSign-ClientId:' | sed 's/^[^:]*: *//')" "$FX_ADOBE_CLIENT_ID2"
	f=$W/spool/agreements/new/$(field .id)
	check "$kind: adobe body byte for byte" "$(jq -r .body_sha256 "$f" 2>/dev/null)" "$(printf '%s' "$A" | sha256sum | cut -d' ' -f1)"
	post adobe-sign "$A" -H "X-AdobeSign-ClientId: nobody"
	check "$kind: adobe POST unknown id 401" "$CODE" "401"

	# Dropbox Sign as curl -F sends it (curl's own boundary)
	fx_dropbox_json "$now" signature_request_signed > "$W/dbx.json"
	code=$(curl -sS -o "$W/answer" -w '%{http_code}' --max-time 20 \
	    -F "json=<$W/dbx.json" "$HS_URL/webhooks/dropbox-sign")
	check "$kind: dropbox curl -F 200 with the reply text" \
	    "$code $(jq -r '.status+" "+.message' "$W/answer" 2>/dev/null)" "200 accepted Hello API Event Received"
	id=$(jq -r .id "$W/answer" 2>/dev/null)
	check "$kind: dropbox stored the json field verbatim" \
	    "$(jq -r .body_sha256 "$W/spool/esign/new/$id" 2>/dev/null)" "$(sha256sum < "$W/dbx.json" | cut -d' ' -f1)"
	# by hand: quoted boundary, pretty-printed JSON (LF lines inside the
	# field, CRLF around it), as H1's examples/json files are written
	printf '{\n  "event": {\n    "event_time": "%s",\n    "event_type": "signature_request_all_signed",\n    "event_hash": "%s",\n    "event_metadata": {\n      "related_signature_id": null,\n      "reported_for_account_id": "63522885f9261e2b04eea043933ee7313eb674fd",\n      "reported_for_app_id": null\n    }\n  },\n  "signature_request": {\n    "signature_request_id": "fa5c8a0b0f492d768749333ad6fcc214c111e967",\n    "title": "Purchase Agreement"\n  }\n}\n' \
	    "$now" "$(fx_dropbox_hash "$now" signature_request_all_signed)" > "$W/dbx2.json"
	fx_multipart "Dropbox-Sign-$kind=+" json "$(cat "$W/dbx2.json")" > "$W/dbx2.form"
	code=$(curl -sS -o "$W/answer" -w '%{http_code}' --max-time 20 \
	    -H "Content-Type: multipart/form-data; boundary=\"Dropbox-Sign-$kind=+\"" \
	    --data-binary @"$W/dbx2.form" "$HS_URL/webhooks/dropbox-sign")
	check "$kind: dropbox hand-built form 200 with the reply text" \
	    "$code $(jq -r '.status+" "+.message' "$W/answer" 2>/dev/null)" "200 accepted Hello API Event Received"
	id=$(jq -r .id "$W/answer" 2>/dev/null)
	check "$kind: dropbox hand-built field verbatim (LF lines kept)" \
	    "$(jq -r .body_sha256 "$W/spool/esign/new/$id" 2>/dev/null)" \
	    "$(printf '%s' "$(cat "$W/dbx2.json")" | sha256sum | cut -d' ' -f1)"
	fx_dropbox_json "$now" signature_request_signed 00 > "$W/dbx-bad.json"
	code=$(curl -sS -o "$W/answer" -w '%{http_code}' --max-time 20 \
	    -F "json=<$W/dbx-bad.json" "$HS_URL/webhooks/dropbox-sign")
	check "$kind: dropbox bad event_hash 401, no reply text" \
	    "$code $(jq -r '.message // "-"' "$W/answer" 2>/dev/null)" "401 -"
	if "$CLI" -c "$W/hookspool.json" sign dropbox-sign --event callback_test \
	    --send "$HS_URL/webhooks/dropbox-sign" > "$W/sign.out" 2>&1; then
		check "$kind: hookspool sign --send dropbox-sign" "$(grep -c '^HTTP 200 .*Hello API Event Received' "$W/sign.out")" "1"
	else
		bad "$kind: hookspool sign --send dropbox-sign: $(cat "$W/sign.out")"
	fi
	check "$kind: esign stored exactly what was accepted" "$(spooled)" "$((before + 4))"
}

# Chunked request bodies (no Content-Length from the client): whether the
# server de-chunks and sends CONTENT_LENGTH decides what the receiver does;
# and a chunked body over the server's limit, which only the server can
# count. Exact answers per server; nothing refused may be stored.
chunked_battery() {
	local kind=$1 before C big
	before=$(spooled)
	C='{"ref":"refs/heads/chunked","sender":{"login":"octocat"}}'
	post github "$C" -H 'Transfer-Encoding: chunked' -H 'X-GitHub-Event: push' \
	    -H "X-GitHub-Delivery: chunked-$kind" -H "X-Hub-Signature-256: sha256=$(hmac_hex "$FX_GITHUB_SECRET" "$C")"
	case $kind in
	caddy)
		# Caddy 2.6's fastcgi transport streams the body and sends the
		# request's length as Go's net/http has it: CONTENT_LENGTH=-1,
		# "unknown", which the receiver refuses as malformed (later Caddy
		# answers 411 itself or buffers: caddyserver/caddy#6637)
		check "$kind: chunked body 400 (CONTENT_LENGTH=-1)" "$CODE $(field .error)" "400 malformed Content-Length" ;;
	*)	# nginx (fcgiwrap too) reads the whole body first and sends
		# CONTENT_LENGTH = the bytes received
		check "$kind: chunked body de-chunked, 200" "$CODE $(field .status)" "200 accepted"
		check "$kind: chunked body stored byte for byte" \
		    "$(jq -r .body_sha256 "$W/spool/deploy/new/$(field .id)" 2>/dev/null)" \
		    "$(printf '%s' "$C" | sha256sum | cut -d' ' -f1)"
		before=$((before + 1)) ;;
	esac
	big=$W/big.json
	CODE=$(curl -sS -o "$W/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
	    -H 'Transfer-Encoding: chunked' -H 'X-Circularo-Signature: 00' \
	    --data-binary @"$big" "$HS_URL/webhooks/circularo")
	case $kind in
	nginx|nginx-fcgiwrap)
		check "$kind: over-size chunked body 413, nginx's HTML" \
		    "$CODE $(grep -c '<title>413 Request Entity Too Large</title>' "$W/answer")" "413 1" ;;
	caddy)
		check "$kind: over-size chunked body 413, empty" "$CODE $(wc -c < "$W/answer")" "413 0" ;;
	esac
	check "$kind: chunked refusals wrote nothing" "$(spooled)" "$before"
}

run_setup() { # NAME START_FUNCTION [extra args]
	local kind=$1 start=$2; shift 2
	W=$T/$kind
	mkdir -p "$W"
	chmod 0755 "$W"
	write_config "$W"
	hs_prepare_spool "$W/spool" || { bad "$kind: spool"; return; }
	if ! "$start" "$BIN" "$W/hookspool.json" "$W" "$@" > "$W/start.log" 2>&1; then
		bad "$kind: server did not start: $(tail -5 "$W/start.log")"
		hs_stop_server	# what did start (spawn-fcgi) must not linger
		return
	fi
	ok "$kind: started on $HS_URL"
	battery "$kind"
	esign_battery "$kind"
	case $kind in nginx*|caddy) chunked_battery "$kind" ;; esac
	hs_stop_server
}

# One client that sends part of its body and pauses must not stall every
# delivery behind it (issue #11, item 13). ONE receiver process (spawn-fcgi
# -n) behind Apache + mod_proxy_fcgi, body_timeout_seconds 2, Apache's own
# Timeout 6 s (so its reaction to a silent client arrives quickly).
SLOW_REST=$(printf '%988s' '' | tr ' ' x)'"}'
slow_post() { # OUT silent|resume|trickle: headers + 10 of 1000 body bytes, then...
	local out=$1 mode=$2
	(
		trap '' PIPE
		t0=$(date +%s%N)
		exec 3<>"/dev/tcp/127.0.0.1/$HS_PORT" || exit 1
		printf 'POST /webhooks/circularo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Circularo-Signature: 00\r\n\r\n{"pad":"xx' >&3
		case $mode in
		resume) sleep 3; printf '%s' "$SLOW_REST" >&3 ;;	# after the deadline
		trickle) for _ in $(seq 16); do sleep 0.25; printf x >&3; done ;;
		esac
		timeout 30 cat <&3 > "$out"
		echo $((($(date +%s%N) - t0) / 1000000)) > "$out.ms"
	) &
	SLOW_PID=$!
}
within() { # NAME VALUE LO HI
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then ok "$1 ($2)"; else bad "$1: $2 not in $3..$4"; fi
}
# behind_slow MODE: a slow client, then 0.5 s later a normal signed request
behind_slow() {
	local mode=$1 t0 ms B
	B='{"documentId":"slow-'$mode'","event":"documentCompleted"}'
	t0=$(date +%s%N)
	slow_post "$W/slow-$mode" "$mode"
	sleep 0.5
	post circularo "$B" -H "X-Circularo-Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$B")"
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "slow $mode: the request behind it is accepted" "$CODE $(field .status)" "200 accepted"
	# >= 1900: it really queued behind the slow one (one process);
	# <= 3500: the slow one held it for body_timeout_seconds, not longer
	within "slow $mode: ...within body_timeout_seconds + 1.5 s of the slow one, ms" "$ms" 1900 3500
	wait "$SLOW_PID"
}
slow_clients() {
	local kind=apache-proxy-fcgi-slow pid fds us
	W=$T/$kind
	mkdir -p "$W"
	chmod 0755 "$W"
	write_config "$W" '"body_timeout_seconds": 2,'
	hs_prepare_spool "$W/spool" || { bad "$kind: spool"; return; }
	if ! HS_APACHE_TIMEOUT=6 hs_start_apache_proxy_fcgi "$BIN" "$W/hookspool.json" "$W" > "$W/start.log" 2>&1; then
		bad "$kind: server did not start: $(tail -5 "$W/start.log")"
		return
	fi
	pid=$(_hs_exe_members "$(readlink -f "$HS_BIN_PATH")")
	check "$kind: one receiver process" "$(wc -w <<<"$pid")" "1"
	fds=$(ls "/proc/$pid/fd" | wc -l)

	behind_slow silent
	# mod_proxy_fcgi waits for the client's body and never reads the
	# receiver's 408: the silent client gets Apache's own 408 at its Timeout
	check "slow silent: the client gets Apache's 408" "$(head -1 "$W/slow-silent" | tr -d '\r')" "HTTP/1.1 408 Request Timeout"
	within "slow silent: ...at Apache's Timeout (6 s), ms" "$(cat "$W/slow-silent.ms")" 5500 8000
	us=$(grep -ho 'status=408 outcome="error" endpoint="circularo" error="body not received in time" us=[0-9]*' \
	    "$W"/*/logs/*.log | head -1 | sed 's/.*us=//')
	within "slow silent: the receiver logged 408 after 2 s, us" "${us:-0}" 2000000 2300000

	behind_slow resume
	# the rest arrives after the receiver gave up: Apache cannot send it on
	check "slow resume: the client gets Apache's 503" "$(head -1 "$W/slow-resume" | tr -d '\r')" "HTTP/1.1 503 Service Unavailable"
	check "slow resume: Apache logs the broken pipe" \
	    "$(grep -c 'Broken pipe.*AH01075.*sending stdin' "$W"/*/logs/error.log)" "1"

	behind_slow trickle
	us=$(grep -ho 'status=408 outcome="error" endpoint="circularo" error="body not received in time" us=[0-9]*' \
	    "$W"/*/logs/*.log | sed -n 3p | sed 's/.*us=//')
	within "slow trickle: a byte every 0.25 s does not renew the deadline, us" "${us:-0}" 2000000 2300000
	check "slow trickle: the client gets Apache's 503 (its next byte meets a closed socket)" \
	    "$(head -1 "$W/slow-trickle" | tr -d '\r')" "HTTP/1.1 503 Service Unavailable"

	check "$kind: three 408 log lines" "$(cat "$W"/*/logs/*.log | grep -c 'status=408 outcome="error"')" "3"
	check "$kind: only the three normal requests were spooled" "$(spooled)" "3"
	check "$kind: tmp/ empty" "$(find "$W"/spool/*/tmp -type f | wc -l)" "0"
	check "$kind: the same receiver process still serves" "$(_hs_exe_members "$(readlink -f "$HS_BIN_PATH")")" "$pid"
	check "$kind: and holds no more fds than before" "$(ls "/proc/$pid/fd" | wc -l)" "$fds"
	hs_stop_server
}

# A client that sends 10 of its 1000 body bytes and stalls, then 0.5 s
# later a normal signed delivery, with ONE receiver process and
# body_timeout_seconds 2: nginx (and fcgiwrap behind it) reads whole bodies
# before it connects, so the delivery is served at once; Caddy 2.6 streams
# the body, so the stalled client holds the receiver until its deadline.
stalled_client() { # NAME START_FUNCTION
	local kind=$1-stalled start=$2 t0 ms B us stall
	W=$T/$kind
	mkdir -p "$W"
	chmod 0755 "$W"
	write_config "$W" '"body_timeout_seconds": 2,'
	hs_prepare_spool "$W/spool" || { bad "$kind: spool"; return; }
	if ! "$start" "$BIN" "$W/hookspool.json" "$W" > "$W/start.log" 2>&1; then
		bad "$kind: server did not start: $(tail -5 "$W/start.log")"
		hs_stop_server
		return
	fi
	B='{"documentId":"stalled","event":"documentCompleted"}'
	t0=$(date +%s%N)
	# the stalled client gives up by itself after 4 s
	timeout 4 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
		printf "POST /webhooks/circularo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Circularo-Signature: 00\r\n\r\n{\"pad\":\"xx" >&3
		cat <&3 > "$1"' "$HS_PORT" "$W/stalled.out" &
	stall=$!
	sleep 0.5
	post circularo "$B" -H "X-Circularo-Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$B")"
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "$kind: the delivery behind a stalled client is accepted" "$CODE $(field .status)" "200 accepted"
	case $kind in
	caddy-stalled)
		# it queued behind the stalled body until the receiver gave up
		within "$kind: ...after body_timeout_seconds (2 s), ms" "$ms" 1900 3500
		us=$(grep -ho 'status=408 outcome="error" endpoint="circularo" error="body not received in time" us=[0-9]*' \
		    "$W"/*/*.log | head -1 | sed 's/.*us=//')
		within "$kind: the receiver logged 408 after 2 s, us" "${us:-0}" 2000000 2300000 ;;
	*)	# 0.5 s head start + a few ms
		within "$kind: ...at once, the receiver never saw the stalled one, ms" "$ms" 500 1200
		check "$kind: no 408 logged" "$(cat "$W"/*/*.log | grep -c 'status=408')" "0" ;;
	esac
	wait "$stall"
	check "$kind: only the delivery was spooled" "$(spooled)" "1"
	hs_stop_server
}

run_setup lighttpd hs_start_lighttpd
run_setup apache-fcgid hs_start_apache_fcgid
run_setup apache-cgi hs_start_apache_htaccess cgi fallback
run_setup apache-htaccess-fcgid hs_start_apache_htaccess fcgid setenv
run_setup apache-proxy-fcgi hs_start_apache_proxy_fcgi
run_setup nginx hs_start_nginx
run_setup nginx-fcgiwrap hs_start_nginx_fcgiwrap
run_setup caddy hs_start_caddy
slow_clients
stalled_client nginx hs_start_nginx
stalled_client nginx-fcgiwrap hs_start_nginx_fcgiwrap
stalled_client caddy hs_start_caddy

hs_summary servers

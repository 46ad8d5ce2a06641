#!/usr/bin/env bash
# fuzz/mkseeds.sh - (re)writes the seed corpora of the handler and verify
# harnesses from the sample payloads in fuzz/corpus/json/ (taken from the
# providers' documentation) plus a few hostile bodies. The output is
# checked in; run this only to change the seeds. Layouts: see the
# comments at the top of fuzz_handler.c and fuzz_verify.c.
set -eu
cd "$(dirname "$0")"
J=corpus/json
H=corpus/handler
V=corpus/verify
NOW=1700000000
rm -f "$H"/* "$V"/*

# handler NAME FLAGS ARG ENV BODYFILE
handler() {
	local env=$4
	{ printf "\\x$(printf %02x "$2")\\x$(printf %02x "$3")\\x$(printf %02x "${#env}")"
	  printf '%s' "$env"; cat "$5"; } > "$H/$1"
}
# verify NAME FLAGS ENV BODYFILE
verify() {
	local env=$3
	{ printf "\\x$(printf %02x "$2")\\x$(printf %02x "${#env}")"
	  printf '%s' "$env"; cat "$4"; } > "$V/$1"
}
hex() { openssl dgst "-$1" -hmac "$2" | awk '{print $NF}'; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%s' '{"documentId":"aB3dEfGh12","event":"documentCompleted","actor":{"email":"m@x"},"timestamp":1717247410500}' > "$T/circ"
printf '%s' '{"zen":"Design for failure.","hook_id":1,"repository":{"full_name":"octocat/Hello-World"},"sender":{"login":"octocat"}}' > "$T/gh"
printf '%s' '{"id":"evt_1","object":"event","created":1700000000,"data":{"object":{"id":"pi_1"}},"type":"payment_intent.succeeded"}' > "$T/stripe"
printf '%s' '{"type":"invoice.paid","timestamp":"2023-11-14T22:13:20Z","data":{"id":"inv_1","amount":4200}}' > "$T/sw"
printf '%s' '{"event":"ignored","data":{"id":"obj_1","status":"ok"}}' > "$T/hmac"
printf '%s' '{"data":{"type":"invoice.created","id":"in_9"}}' > "$T/hmac2"
printf '%s' '{"documentId":"x","event":"../../x"}' > "$T/dotdot"
printf '{"event":"a\xed\xa0\x80b"}' > "$T/surrogate"
printf '{"event":"x","a":%s%s}' "$(printf '%70s' '' | tr ' ' '[')" "$(printf '%70s' '' | tr ' ' ']')" > "$T/deep"
printf '%s' '{"event":"x","event":"y"}' > "$T/dup"
printf '%s' '{"event":"x","n":1e400,"m":-0.0e-5,"s":"\u00e9\ud83d\ude00"}' > "$T/numbers"
for f in dotdot surrogate deep dup numbers; do cp "$T/$f" "$J/hostile-$f.json"; done

# flags: endpoint | 0x08 sign | 0x10 length delta | 0x20 chunked | 0x40 upper
handler circularo-signed 0x08 0 "" "$T/circ"
handler circularo-sample-upper 0x48 0 "" "$J/circularo-document-signed.json"
handler circularo-chunked 0x28 3 "" "$J/circularo-document-signed.json"
handler circularo-short-length 0x18 $((256 - 5)) "" "$T/circ"
handler circularo-dotdot 0x08 0 "" "$T/dotdot"
handler circularo-deep 0x08 0 "" "$T/deep"
handler circularo-surrogate 0x08 0 "" "$T/surrogate"
handler circularo-dupkey 0x08 0 "" "$T/dup"
handler circularo-numbers 0x08 0 "" "$T/numbers"
handler circularo-unsigned 0x00 0 "HTTP_X_CIRCULARO_SIGNATURE=00" "$T/circ"
handler documenso-completed 0x09 0 "HTTP_X_DOCUMENSO_DELIVERY_ID=dlv-1" "$J/documenso-completed.json"
handler documenso-rejected 0x09 0 "" "$J/documenso-rejected.json"
handler ignisign-proof 0x0a 0 "" "$J/ignisign-signature-proof.json"
handler ignisign-launched 0x02 0 "" "$J/ignisign-request-launched.json"
handler ignisign-finalized 0x02 0 "" "$J/ignisign-finalized.json"
handler github-push 0x0b 0 "HTTP_X_GITHUB_DELIVERY=72d3162e" "$T/gh"
handler github-issues 0x0b 0 "HTTP_X_GITHUB_EVENT=issues
HTTP_X_GITHUB_DELIVERY=72d3162f" "$T/gh"
handler stripe-now 0x0c 0 "" "$T/stripe"
handler stripe-old 0x0c $((256 - 80)) "" "$T/stripe"
handler standard-now 0x0d 0 "" "$T/sw"
handler svix-future 0x4d 70 "" "$T/sw"
handler hmac-hex 0x0e 0 "HTTP_X_EVENT=charge.succeeded
HTTP_X_DELIVERY=d-1" "$T/hmac"
handler hmac-b64 0x0f 0 "" "$T/hmac2"
handler get-method 0x80 0 "REQUEST_METHOD=GET
PATH_INFO=/circularo" "$T/circ"
handler bad-length 0x08 0 "CONTENT_LENGTH=-1" "$T/circ"
handler bad-type 0x08 0 "CONTENT_TYPE=text/plain" "$T/circ"
handler unknown-endpoint 0x08 0 "PATH_INFO=/x/../.dedup" "$T/circ"

# verify: flags = endpoint | 0x08 tolerance off | 0x10 past-only window
#   | 0x20 the e-signature platforms (8 + endpoint)
verify circularo 0x00 "HTTP_X_CIRCULARO_SIGNATURE=$(hex sha256 'Gh1!f5dFs0dA' < "$T/circ")" "$T/circ"
verify documenso 0x01 "HTTP_X_DOCUMENSO_SECRET=my-shared-secret" "$J/documenso-completed.json"
verify ignisign 0x02 "" "$J/ignisign-finalized.json"
verify github 0x03 "HTTP_X_HUB_SIGNATURE_256=sha256=$(hex sha256 "It's a Secret to Everybody" < "$T/gh")
HTTP_X_GITHUB_EVENT=push" "$T/gh"
verify stripe 0x04 "HTTP_STRIPE_SIGNATURE=t=$NOW,v1=$({ printf '%s.' $NOW; cat "$T/stripe"; } | hex sha256 whsec_test_secret),v1=potato" "$T/stripe"
KEY=$(printf 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' | base64 -d | od -An -tx1 | tr -d ' \n')
SIG=$({ printf 'msg_1.%s.' $NOW; cat "$T/sw"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY" -binary | base64)
verify standard 0x05 "HTTP_WEBHOOK_ID=msg_1
HTTP_WEBHOOK_TIMESTAMP=$NOW
HTTP_WEBHOOK_SIGNATURE=v2,AAAA v1,$SIG" "$T/sw"
# --- Standard Webhooks v1a: the svix endpoint's whpk_ key (fuzz_common.h)
{ printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'
  printf TESTSIGNINGKEYDONOTUSETHISFORANY; } | openssl pkey -inform DER -out "$T/v1a.pem"
{ printf 'msg_1.%s.' $NOW; cat "$T/sw"; } > "$T/v1a.msg"
V1A=$(openssl pkeyutl -sign -rawin -inkey "$T/v1a.pem" -in "$T/v1a.msg" | base64 -w0)
verify standard-v1a 0x05 "HTTP_WEBHOOK_ID=msg_1
HTTP_WEBHOOK_TIMESTAMP=$NOW
HTTP_WEBHOOK_SIGNATURE=v1a,AAAA v1,$SIG= v1a,$V1A" "$T/sw"
# --- end of v1a
verify hmac-hex 0x06 "HTTP_X_SIGNATURE=sha512=$(hex sha512 generic-hex-secret < "$T/hmac")
HTTP_X_EVENT=a.b" "$T/hmac"
verify hmac-b64 0x07 "HTTP_X_SIG=$(openssl dgst -sha1 -hmac generic-b64-secret -binary < "$T/hmac2" | base64)" "$T/hmac2"
b64() { openssl dgst -sha256 -hmac "$1" -binary | base64 -w0; }
DS=$J/docusign-envelope-completed.json
verify docusign 0x20 "HTTP_X_DOCUSIGN_SIGNATURE_1=$(b64 old < "$DS")
HTTP_X_DOCUSIGN_SIGNATURE_2=$(b64 test-connect-key < "$DS")" "$DS"
verify docusign-bounds 0x20 "HTTP_X_DOCUSIGN_SIGNATURE_0=AAAA
HTTP_X_DOCUSIGN_SIGNATURE_01=AAAA
HTTP_X_DOCUSIGN_SIGNATURE_101=AAAA
HTTP_X_DOCUSIGN_SIGNATURE_100=$(b64 test-connect-key < "$DS")" "$DS"
YS=$J/yousign-signature-request-activated.json
verify yousign 0x21 "HTTP_X_YOUSIGN_SIGNATURE_256=sha256=$(hex sha256 test-yousign-secret < "$YS")" "$YS"
# Zoho Sign's own vector: its payload is printed with a stray "{{"
printf '{%s' "$(cat "$J/zoho-sign-request-signing-success.json")" > "$T/zoho"
verify zoho-sign 0x22 "HTTP_X_ZS_WEBHOOK_SIGNATURE=drbSrM4H816RYKpZiRBLddUa0yHaTrwjtY04sIZFZus=" "$T/zoho"
printf '%s' "$NOW" > "$T/ts"
verify timestamp 0x14 "" "$T/ts"
printf '%s' 'YWJjZA==' > "$T/b64"
verify base64 0x05 "" "$T/b64"
printf '%s' '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' > "$T/hex"
verify hex 0x03 "" "$T/hex"

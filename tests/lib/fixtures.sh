# shellcheck shell=bash
# tests/lib/fixtures.sh - what the suites share besides assertions: the
# test config with one endpoint per provider, its secrets, and signatures
# computed by openssl, never by the code under test. Source it after
# check.sh.

FX_CIRCULARO_SECRET='Gh1!f5dFs0dA'
FX_DOCUMENSO_SECRET='my-shared-secret'
FX_GITHUB_SECRET="It's a Secret to Everybody"	# GitHub's documented example
FX_STRIPE_SECRET=whsec_test_secret
# Standard Webhooks' documented example key: whsec_ + base64 of the key bytes
FX_STANDARD_B64=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
FX_STANDARD_SECRET=whsec_$FX_STANDARD_B64
FX_STANDARD_KEYHEX=$(printf '%s' "$FX_STANDARD_B64" | base64 -d | od -An -tx1 | tr -d ' \n')
FX_CONVOY_SECRET=convoy-webhook-secret
# the e-signature platforms' keys of the reference's vectors (Zoho Sign's
# is its documented example)
FX_DOCUSIGN_SECRET=test-connect-key
FX_YOUSIGN_SECRET=test-yousign-secret
FX_ZOHO_SECRET=thisisthesamplekeyfortestingpurposes
FX_GENERIC_SECRET=generic-secret
# e-signature platforms (#13). Adobe Sign: application client ids (not
# secrets, but the receiver's allow-list); Dropbox Sign: the API key of its
# official event_hash example (EventCallbackExample.py)
FX_ADOBE_CLIENT_ID=CBJCHBCAABAAfx7TestClientIdA1b2C3d4
FX_ADOBE_CLIENT_ID2=UB7E5BXCXY
FX_DROPBOX_API_KEY=324e3b0840f065eb51f3fd63231d0d33daa35d4ed10d27718839e81737065782
# issue #13: BoldSign (its reference vector's secret); DocuSeal's is kept
# whole, whsec_ included, as its signer uses it
FX_BOLDSIGN_SECRET=test-boldsign-secret
FX_DOCUSEAL_SECRET=whsec_q83vEjRWeJq83vEjRWeJq83vEjRWeJq8

# --- Standard Webhooks v1a (ed25519) ------------------------------------------
# The key pair of the test vector in Go PR #253 (TestAsymmetricWebhookSign):
# the seed is ASCII "TESTSIGNINGKEYDONOTUSETHISFORANY"; the public key was
# derived from it with openssl. whsk_ is the 32-byte seed, whpk_ the key.
FX_V1A_SEED_B64=VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=
FX_V1A_SIGNING=whsk_$FX_V1A_SEED_B64
FX_V1A_PUBLIC=whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=
# fx_v1a_pem FILE: the seed as a PKCS#8 PEM key, for openssl pkeyutl
# (RFC 8410's fixed 16-byte DER prefix, then the seed)
fx_v1a_pem() {
	{ printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'
	  printf '%s' "$FX_V1A_SEED_B64" | base64 -d; } |
	    openssl pkey -inform DER -out "$1"
}
# fx_v1a_sig PEM ID TIMESTAMP BODY: webhook-signature's value (v1a,<base64>),
# signed by openssl (pure ed25519 over the raw id.timestamp.body)
fx_v1a_sig() {
	local m
	m=$(mktemp /tmp/hs-v1a-XXXXXX)
	printf '%s' "$2.$3.$4" > "$m"
	printf 'v1a,%s' "$(openssl pkeyutl -sign -rawin -inkey "$1" -in "$m" |
	    base64 -w0)"
	rm -f "$m"
}
# fx_v1a_sender_config FILE SPOOL: what the sender's side holds (the whsk_
# private key, read by `hookspool sign` only; the receiver refuses it)
fx_v1a_sender_config() {
	cat > "$1" <<JSON
{"spool_dir": "$2", "endpoints": {
  "standard-v1a": {"provider": "standard-webhooks", "secrets": ["$FX_V1A_SIGNING"],
                   "routes": {"*": "standard"}}}}
JSON
}
# --- end of Standard Webhooks v1a ---------------------------------------------
# #13: PandaDoc's shared key (the reference's self-made vector uses it)
FX_PANDADOC_SECRET=test-shared-key

# fx_config FILE SPOOL [TOP-LEVEL KEYS, ...]: the shared test config. The
# keys come verbatim before "endpoints", each with its trailing comma.
#   circularo  documentCompleted -> completed, else inbox
#   documenso  DOCUMENT_* -> documents        github   push -> deploy
#   ignisign   -> signing; ign-inbox -> inbox stripe   -> payments
#   svix, standard (standard-webhooks)        -> standard
#   standard-v1a  whpk_ (v1a) and whsec_ (v1) keys together -> v1a
#   convoy     hmac sha256 hex, X-Convoy-Signature, event field "event",
#              X-Delivery as delivery id; charge.* -> charges
#   generic    hmac sha512 base64 "sha512=" in X-Signature, field "kind"
#   adobe-sign   client ids FX_ADOBE_CLIENT_ID, FX_ADOBE_CLIENT_ID2;
#                AGREEMENT_* -> agreements, else ignored
#   dropbox-sign API key FX_DROPBOX_API_KEY, no window -> esign;
#   dropbox-window the same with tolerance_seconds 300
#   boldsign   Completed -> esign, * -> inbox
#   docuseal   form.* -> esign, * -> inbox; docuseal-test the same with
#              accept_unsigned_test
#   pandadoc   ?signature=, a JSON array: document_state_changed and
#              recipient_completed -> pandadoc, document_deleted -> pd-deleted
#   docusign   envelope-* -> envelopes (two secrets: an old key first)
#   yousign    signature_request.* -> signatures
#   zoho-sign  -> zoho
fx_config() {
	cat > "$1" <<JSON
{"spool_dir": "$2", ${3:-}
 "endpoints": {
  "adobe-sign": {"provider": "adobe-sign",
                "client_ids": ["$FX_ADOBE_CLIENT_ID", "$FX_ADOBE_CLIENT_ID2"],
                "routes": {"AGREEMENT_*": "agreements"}},
  "dropbox-sign": {"provider": "dropbox-sign", "secrets": ["$FX_DROPBOX_API_KEY"],
                "routes": {"*": "esign"}},
  "dropbox-window": {"provider": "dropbox-sign", "secrets": ["$FX_DROPBOX_API_KEY"],
                "tolerance_seconds": 300, "routes": {"*": "esign"}},
  "circularo": {"provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
                "routes": {"documentCompleted": "completed", "*": "inbox"}},
  "documenso": {"provider": "documenso", "secrets": ["$FX_DOCUMENSO_SECRET"],
                "routes": {"DOCUMENT_*": "documents"}},
  "ignisign":  {"provider": "ignisign", "routes": {"*": "signing"}},
  "ign-inbox": {"provider": "ignisign", "routes": {"*": "inbox"}},
  "github":    {"provider": "github", "secrets": ["$FX_GITHUB_SECRET"],
                "routes": {"push": "deploy"}},
  "stripe":    {"provider": "stripe", "secrets": ["$FX_STRIPE_SECRET"],
                "routes": {"*": "payments"}},
  "svix":      {"provider": "standard-webhooks", "secrets": ["$FX_STANDARD_SECRET"],
                "routes": {"*": "standard"}},
  "standard":  {"provider": "standard-webhooks", "secrets": ["$FX_STANDARD_SECRET"],
                "routes": {"*": "standard"}},
  "standard-v1a": {"provider": "standard-webhooks",
                "secrets": ["$FX_V1A_PUBLIC", "$FX_STANDARD_SECRET"],
                "routes": {"*": "v1a"}},
  "convoy":    {"provider": "hmac", "header": "X-Convoy-Signature",
                "algorithm": "sha256", "encoding": "hex",
                "event_field": "event", "delivery_id_header": "X-Delivery",
                "routes": {"charge.*": "charges"},
                "secrets": ["$FX_CONVOY_SECRET"]},
  "generic":   {"provider": "hmac", "header": "X-Signature", "algorithm": "sha512",
                "encoding": "base64", "prefix": "sha512=", "event_field": "kind",
                "secrets": ["$FX_GENERIC_SECRET"], "routes": {"*": "generic"}},
  "boldsign":  {"provider": "boldsign", "secrets": ["$FX_BOLDSIGN_SECRET"],
                "routes": {"Completed": "esign", "*": "inbox"}},
  "docuseal":  {"provider": "docuseal", "secrets": ["$FX_DOCUSEAL_SECRET"],
                "routes": {"form.*": "esign", "*": "inbox"}},
  "docuseal-test": {"provider": "docuseal", "secrets": ["$FX_DOCUSEAL_SECRET"],
                "accept_unsigned_test": true,
                "routes": {"form.*": "esign", "*": "inbox"}},
  "pandadoc":  {"provider": "pandadoc", "secrets": ["$FX_PANDADOC_SECRET"],
                "routes": {"document_state_changed": "pandadoc",
                           "recipient_completed": "pandadoc",
                           "document_deleted": "pd-deleted"}},
  "docusign":  {"provider": "docusign", "secrets": ["old-connect-key", "$FX_DOCUSIGN_SECRET"],
                "routes": {"envelope-*": "envelopes"}},
  "yousign":   {"provider": "yousign", "secrets": ["$FX_YOUSIGN_SECRET"],
                "routes": {"signature_request.*": "signatures"}},
  "zoho-sign": {"provider": "zoho-sign", "secrets": ["$FX_ZOHO_SECRET"],
                "routes": {"*": "zoho"}}
 }}
JSON
}

# hmac_hex SECRET TEXT: hex HMAC-SHA256
hmac_hex() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" | awk '{print $NF}'; }
# hmac_b64 SECRET TEXT: base64 HMAC-SHA256 (DocuSign, Zoho Sign)
hmac_b64() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" -binary | base64 -w0; }
# fx_stripe_sig TIMESTAMP BODY: Stripe-Signature's value (t=...,v1=...)
fx_stripe_sig() { echo "t=$1,v1=$(hmac_hex "$FX_STRIPE_SECRET" "$1.$2")"; }
# fx_standard_sig ID TIMESTAMP BODY: webhook-signature's value (v1,<base64>)
fx_standard_sig() {
	printf 'v1,%s' "$(printf '%s' "$1.$2.$3" | openssl dgst -sha256 -mac HMAC \
	    -macopt "hexkey:$FX_STANDARD_KEYHEX" -binary | base64 -w0)"
}

# fx_dropbox_hash TIME TYPE: Dropbox Sign's event_hash
fx_dropbox_hash() { hmac_hex "$FX_DROPBOX_API_KEY" "$1$2"; }
# fx_dropbox_json TIME TYPE [HASH]: a Dropbox Sign event (the form field)
fx_dropbox_json() {
	printf '{"event":{"event_time":"%s","event_type":"%s","event_hash":"%s","event_metadata":{"related_signature_id":"ad4d8a769b555fa5ef38691465d426682bf2c992","reported_for_account_id":"63522885f9261e2b04eea043933ee7313eb674fd","reported_for_app_id":null}},"signature_request":{"signature_request_id":"fa5c8a0b0f492d768749333ad6fcc214c111e967","title":"Purchase Agreement","is_complete":false}}' \
	    "$1" "$2" "${3:-$(fx_dropbox_hash "$1" "$2")}"
}
# fx_multipart BOUNDARY FIELD VALUE: a form with one field, CRLF lines,
# written by hand (not by curl)
fx_multipart() {
	printf -- '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n--%s--\r\n' \
	    "$1" "$2" "$3" "$1"
}
# fx_boldsign_sig TIMESTAMP BODY: X-BoldSign-Signature's value
fx_boldsign_sig() { echo "t=$1, s0=$(hmac_hex "$FX_BOLDSIGN_SECRET" "$1.$2")"; }
# fx_docuseal_sig TIMESTAMP BODY: X-Docuseal-Signature's value, as
# lib/webhook_urls/signatures.rb: "#{ts}.#{hexdigest(secret, "#{ts}.#{body}")}"
fx_docuseal_sig() { echo "$1.$(hmac_hex "$FX_DOCUSEAL_SECRET" "$1.$2")"; }
# fx_pandadoc_sig BODY: the ?signature= value (hex HMAC-SHA256 of the body)
fx_pandadoc_sig() { hmac_hex "$FX_PANDADOC_SECRET" "$1"; }

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

# fx_config FILE SPOOL [TOP-LEVEL KEYS, ...]: the shared test config. The
# keys come verbatim before "endpoints", each with its trailing comma.
#   circularo  documentCompleted -> completed, else inbox
#   documenso  DOCUMENT_* -> documents        github   push -> deploy
#   ignisign   -> signing; ign-inbox -> inbox stripe   -> payments
#   svix, standard (standard-webhooks)        -> standard
#   convoy     hmac sha256 hex, X-Convoy-Signature, event field "event",
#              X-Delivery as delivery id; charge.* -> charges
#   generic    hmac sha512 base64 "sha512=" in X-Signature, field "kind"
#   docusign   envelope-* -> envelopes (two secrets: an old key first)
#   yousign    signature_request.* -> signatures
#   zoho-sign  -> zoho
fx_config() {
	cat > "$1" <<JSON
{"spool_dir": "$2", ${3:-}
 "endpoints": {
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
  "convoy":    {"provider": "hmac", "header": "X-Convoy-Signature",
                "algorithm": "sha256", "encoding": "hex",
                "event_field": "event", "delivery_id_header": "X-Delivery",
                "routes": {"charge.*": "charges"},
                "secrets": ["$FX_CONVOY_SECRET"]},
  "generic":   {"provider": "hmac", "header": "X-Signature", "algorithm": "sha512",
                "encoding": "base64", "prefix": "sha512=", "event_field": "kind",
                "secrets": ["$FX_GENERIC_SECRET"], "routes": {"*": "generic"}},
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

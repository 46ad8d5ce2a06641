# shellcheck shell=bash
# tests/lib/check.sh - the assertions the shell suites share. Source it,
# call check/ok/bad, and end with `hs_summary NAME`.
PASS=0 FAIL=0

ok()   { PASS=$((PASS + 1)); echo "ok   $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
# check NAME GOT WANT
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got [$2] want [$3]"; fi; }

# hmac_hex SECRET TEXT: hex HMAC-SHA256, computed by openssl, not by us
hmac_hex() { printf '%s' "$2" | openssl dgst -sha256 -hmac "$1" | awk '{print $NF}'; }

# hs_summary SUITE: the closing line CI reads; exit status says it all
hs_summary() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

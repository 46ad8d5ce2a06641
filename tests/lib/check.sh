# shellcheck shell=bash
# tests/lib/check.sh - the assertions the shell suites share. Source it,
# call check/holds/ok/bad, and end with `hs_summary NAME`.
PASS=0 FAIL=0

ok()   { PASS=$((PASS + 1)); echo "ok   $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
# check NAME GOT WANT
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got [$2] want [$3]"; fi; }
# check_in NAME GOT ALLOWED...: GOT is one of the allowed values
check_in() {
	local name=$1 got=$2 a
	shift 2
	for a in "$@"; do
		if [ "$got" = "$a" ]; then ok "$name ($got)"; return; fi
	done
	bad "$name: got [$got] want one of: $*"
}
# holds NAME COMMAND...: passes when the command succeeds
holds() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }


# hs_summary SUITE: the closing line CI reads; exit status says it all
hs_summary() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

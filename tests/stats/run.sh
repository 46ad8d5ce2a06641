#!/usr/bin/env bash
# tests/stats/run.sh BUILD - the receiver's counters (<spool>/.counters)
# and what `hookspool stats` makes of them: the table and its hints,
# --json, --prometheus checked by promtool; request names never becoming
# keys; a missing, foreign or symlinked counters file never failing a
# request. One line per check, then "stats: N passed, N failed".
set -u

BUILD=$(cd "${1:-build}" && pwd) || exit 2
HS=$BUILD/hookspool
FCGI=$BUILD/hookspool.fcgi
for tool in jq openssl timeout; do
	command -v $tool >/dev/null || { echo "missing $tool"; exit 2; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"

SECRET=stats-secret-$$
SPOOL=$T/spool
CFG=$T/hookspool.json
cat >"$CFG" <<EOF
{
  "spool_dir": "$SPOOL",
  "max_body_bytes": 4096,
  "endpoints": {
    "circ": { "provider": "circularo", "secrets": ["$SECRET"],
              "routes": { "*": "docs" } },
    "idle": { "provider": "circularo", "secrets": ["$SECRET"],
              "routes": { "*": "docs" } },
    "strict": { "provider": "circularo", "secrets": ["$SECRET"],
                "allow_from": ["10.0.0.0/8"], "routes": { "*": "docs" } },
    "broken": { "provider": "circularo", "secrets": ["$SECRET"],
                "routes": { "*": "brokenq" } }
  }
}
EOF
hs() { timeout 60 "$HS" -c "$CFG" "$@"; }
# cgi ENDPOINT BODY [VAR=VALUE...]: prints the answer's status code
cgi() {
	local ep=$1 body=$2; shift 2
	printf %s "$body" | env -i REQUEST_METHOD=POST PATH_INFO="/$ep" \
	    CONTENT_LENGTH="$(printf %s "$body" | wc -c)" \
	    CONTENT_TYPE=application/json HOOKSPOOL_CONFIG="$CFG" "$@" \
	    "$FCGI" 2>>"$T/fcgi.log" | head -n 1 | sed 's/^Status: \([0-9]*\).*/\1/'
}
sig() { printf %s "$1" | openssl dgst -sha256 -hmac "$2" | sed 's/^.*= //'; }
body() { echo "{\"event\":\"doc.signed\",\"documentId\":\"doc-$1\",\"timestamp\":1763900000000}"; }
post_good() { local b; b=$(body "$1"); cgi circ "$b" HTTP_X_CIRCULARO_SIGNATURE="$(sig "$b" "$SECRET")"; }
post_bad() { local b; b=$(body "$1"); cgi circ "$b" HTTP_X_CIRCULARO_SIGNATURE="$(sig "$b" rotated-away)"; }
jstats() { hs stats --json | jq -c "$1"; }

# ---------------------------------------------------------------- a mix
check "nothing counted yet: no file" "$(test -e "$SPOOL/.counters"; echo $?)" 1
check "stats before any request: exit 0" "$(hs stats >"$T/s0" 2>&1; echo $?)" 0
check "stats says nothing was counted yet" "$(grep -c 'nothing counted yet' "$T/s0")" 1
for i in 1 2 3; do check "accepted $i" "$(post_good "$i")" 200; done
check "a duplicate delivery" "$(post_good 1)" 200
for i in 1 2; do check "bad signature $i" "$(post_bad "x$i")" 401; done
check "unknown endpoint" "$(cgi nosuch-endpoint-name '{}' )" 404
big=$(head -c 5000 /dev/zero | tr '\0' a)
check "body too large" "$(cgi circ "{\"a\":\"$big\"}")" 413
check "GET: 405" "$(env -i REQUEST_METHOD=GET PATH_INFO=/circ HOOKSPOOL_CONFIG="$CFG" "$FCGI" 2>>"$T/fcgi.log" </dev/null | head -n1 | cut -c9-11)" 405

# the other refusals, each with its hint
check "403: outside allow_from" "$(cgi strict '{}' REMOTE_ADDR=127.0.0.1)" 403
b=$(body s1)
check "415: text/plain" "$(printf %s "$b" | env -i REQUEST_METHOD=POST PATH_INFO=/circ CONTENT_LENGTH=${#b} CONTENT_TYPE=text/plain HOOKSPOOL_CONFIG="$CFG" HTTP_X_CIRCULARO_SIGNATURE="$(sig "$b" "$SECRET")" "$FCGI" 2>>"$T/fcgi.log" | head -n1 | cut -c9-11)" 415
mkdir -p "$SPOOL"; ln -s /tmp "$SPOOL/brokenq"
b=$(body b1)
check "503: a symlinked queue" "$(cgi broken "$b" HTTP_X_CIRCULARO_SIGNATURE="$(sig "$b" "$SECRET")")" 503
rm "$SPOOL/brokenq"

st=$(stat -c '%a %s' "$SPOOL/.counters")
check "the counters file: mode 0660, its documented size" "$st" "660 $(( 64 + 64 * $(jq -n '8+64+16*8+24*16*8+8+64') ))"
check "no temporary left beside it" "$(find "$SPOOL" -maxdepth 1 -name '.counters.*' | wc -l)" 0
check "the sandboxed receiver made and mapped it (no seccomp kill)" "$(grep -c 'refused by seccomp' "$T/fcgi.log")" 0

# ---------------------------------------------------------------- --json
check "json: circ last hour" "$(jstats '.[".receiver"].endpoints.circ.last_hour | [.accepted,.duplicate,."401",."413",."405",."415"]')" "[3,1,2,1,1,1]"
check "json: circ last day = totals" "$(jstats '.[".receiver"].endpoints.circ | [.last_day.accepted, .total.accepted, .total."401"]')" "[3,3,2]"
check "json: the unknown endpoint counts as (unknown)" "$(jstats '.[".receiver"].endpoints."(unknown)".last_hour."404"')" 1
check "json: idle is shown, zeros" "$(jstats '.[".receiver"].endpoints.idle | [.configured, .total.accepted, .last_refusal]')" "[true,0,null]"
check "json: last refusal of circ" "$(jstats '.[".receiver"].endpoints.circ.last_refusal | [.status, .reason]')" '[415,"Content-Type must be application/json"]'
check "json: circ hint: secret rotated" "$(jstats '.[".receiver"].endpoints.circ.hints | map(select(test("was the secret rotated"))) | length')" 1
check "json: circ hint: raise max_body_bytes" "$(jstats '.[".receiver"].endpoints.circ.hints | map(select(test("raise max_body_bytes"))) | length')" 1
check "json: (unknown) hint: check the URL" "$(jstats '.[".receiver"].endpoints."(unknown)".hints | length')" 1
check "json: strict 403 hint" "$(jstats '.[".receiver"].endpoints.strict.hints | map(select(test("^403: .*allow_from"))) | length')" 1
check "json: circ 415 hint" "$(jstats '.[".receiver"].endpoints.circ.hints | map(select(test("^415: "))) | length')" 1
check "json: broken 503 hint" "$(jstats '.[".receiver"].endpoints.broken.hints | map(select(test("spool not writable / disk full"))) | length')" 1
check "json: queues as before" "$(jstats '.docs.new.count')" 3
check "json: no requested name anywhere" "$(hs stats --json | grep -c nosuch)" 0

# ---------------------------------------------------------------- text
hs stats >"$T/s1"; rc=$?
check "stats: exit 0" "$rc" 0
check "stats: circ's row" "$(awk '$1=="circ" {print $2, $3, $4, $5, $6}' "$T/s1")" "4 5 4 5 415"
check "stats: refusals in words" "$(grep -c '^  refused in the last day: 401 x2, 405 x1, 413 x1, 415 x1$' "$T/s1")" 1
check "stats: hint in plain words" "$(grep -c '^  hint: 401 in the last hour after accepted events in the last day: signature mismatch: was the secret rotated?$' "$T/s1")" 1
check "stats: no requested name" "$(grep -c nosuch "$T/s1")" 0

# ---------------------------------------------------------------- prometheus
hs stats --prometheus >"$T/m.prom"; rc=$?
check "prometheus: exit 0" "$rc" 0
check "prometheus: accepted" "$(grep -c '^hookspool_requests_total{endpoint="circ",outcome="accepted"} 3$' "$T/m.prom")" 1
check "prometheus: 401" "$(grep -c '^hookspool_requests_total{endpoint="circ",outcome="401"} 2$' "$T/m.prom")" 1
check "prometheus: (unknown) 404" "$(grep -c '^hookspool_requests_total{endpoint="(unknown)",outcome="404"} 1$' "$T/m.prom")" 1
check "prometheus: every outcome of every endpoint" "$(grep -c '^hookspool_requests_total{' "$T/m.prom")" $((5 * 16))
check "prometheus: events by queue and state" "$(grep -c '^hookspool_events{queue="docs",state="new"} 3$' "$T/m.prom")" 1
check "prometheus: oldest age" "$(grep -c '^hookspool_oldest_event_age_seconds{queue="docs",state="new"} [0-9]*$' "$T/m.prom")" 1
check "prometheus: no problems" "$(grep -c '^hookspool_spool_problems 0$' "$T/m.prom")" 1
check "prometheus: no requested name" "$(grep -c nosuch "$T/m.prom")" 0
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/m.prom" >"$T/promtool.out" 2>&1; rc=$?
	check "promtool check metrics: clean" "$rc $(cat "$T/promtool.out")" "0 "
	EX=$(dirname "$0")/../../examples/prometheus
	check "promtool check rules: the README's alert rules" "$(promtool check rules "$EX/hookspool.rules.yml" >/dev/null 2>&1; echo $?)" 0
	check "promtool test rules: each alert fires on its pattern, not on healthy traffic" "$(cd "$EX" && promtool test rules hookspool.rules.test.yml >"$T/rules.out" 2>&1; echo $?) $(grep -c FAILED "$T/rules.out")" "0 0"
elif [ "${CI:-}" = true ]; then
	bad "promtool missing (Debian package prometheus)"
else
	echo "skip promtool: not installed"
fi

# ---------------------------------------------------------------- refused files
cp "$SPOOL/.counters" "$T/counters.saved"
# foreign: right size, someone else's bytes
head -c "$(stat -c %s "$T/counters.saved")" /dev/zero | tr '\0' Z >"$SPOOL/.counters"
: >"$T/fcgi.log"
check "foreign counters file: the request is served" "$(post_good 10)" 200
check "and the file is left byte for byte" "$(tr -d Z <"$SPOOL/.counters" | wc -c)" 0
check "the receiver says so once" "$(grep -c 'counters: .*not a counters file of this version (left alone); requests are served, not counted' "$T/fcgi.log")" 1
hs stats >/dev/null 2>"$T/err"; rc=$?
check "stats on a foreign file: exit 1" "$rc" 1
check "stats names it" "$(grep -c "hookspool: stats: $SPOOL/.counters: not a counters file of this version" "$T/err")" 1
check "prometheus on a foreign file: exit 0, problems 1" "$(hs stats --prometheus 2>/dev/null | grep -c '^hookspool_spool_problems 1$')" 1
# a symlink planted by the web server's account: never followed
rm -f "$SPOOL/.counters"
echo keep >"$T/victim"
ln -s "$T/victim" "$SPOOL/.counters"
check "symlinked counters file: the request is served" "$(post_good 11)" 200
check "its target untouched" "$(cat "$T/victim")" keep
check "stats refuses the symlink" "$(hs stats >/dev/null 2>&1; echo $?)" 1
# gone: made again at the next request
rm -f "$SPOOL/.counters"
check "deleted: the next request makes it again" "$(post_good 12)" 200
check "and counts from zero" "$(jstats '.[".receiver"].endpoints.circ.total.accepted')" 1
# an unwritable spool root for the counters (the events still go in)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip unwritable: not root"
else
	rm -f "$SPOOL/.counters"
	: >"$T/fcgi.log"
	chattr +i "$SPOOL" 2>/dev/null && {
		# immutable root: no .counters can be made; events are in
		# queues below, which stay writable
		check "no counters file possible: the event is still accepted" "$(post_good 13)" 200
		check "and logged once" "$(grep -c 'counters:' "$T/fcgi.log")" 1
		chattr -i "$SPOOL"
	} || echo "skip immutable: chattr not supported here"
fi

# 401s on an endpoint that never accepted anything: another hint
b=$(body i1)
check "idle: a bad signature" "$(cgi idle "$b" HTTP_X_CIRCULARO_SIGNATURE="$(sig "$b" wrong)")" 401
check "json: idle's hint: check the secret" "$(jstats '.[".receiver"].endpoints.idle.hints')" '["401 and nothing accepted in the last day: check the endpoint'"'"'s secret against the sender'"'"'s"]'

# more endpoints than slots: the rest count together as (other)
jq --arg s "$SECRET" '.endpoints = ([range(70)] | map({key: "ep\(.)", value: {provider: "circularo", secrets: [$s], routes: {"*": "many"}}}) | from_entries)' "$CFG" >"$T/many.json"
rm -f "$SPOOL/.counters"
n_ok=0
for i in $(seq 0 69); do
	b=$(body m$i)
	[ "$(CFG=$T/many.json cgi "ep$i" "$b" HTTP_X_CIRCULARO_SIGNATURE="$(sig "$b" "$SECRET")")" = 200 ] && n_ok=$((n_ok + 1))
done
check "70 endpoints: every request served" "$n_ok" 70
check "62 get a slot of their own, 8 count as (other)" "$(timeout 60 "$HS" -c "$T/many.json" stats --json | jq -c '[(.[".receiver"].endpoints | to_entries | map(select(.value.total.accepted == 1 and (.key | startswith("ep")))) | length), .[".receiver"].endpoints."(other)".total.accepted, (.[".receiver"].endpoints."(other)".hints | length)]')" "[62,8,1]"

# "counters": false: nothing made, nothing counted
sed 's/"max_body_bytes": 4096,/"max_body_bytes": 4096, "counters": false,/' "$CFG" >"$T/off.json"
rm -f "$SPOOL/.counters"
check "counters off: the request is served" "$(CFG=$T/off.json post_good 14)" 200
check "counters off: no counters file" "$(test -e "$SPOOL/.counters"; echo $?)" 1
check "counters: a string is a config error" "$(sed 's/"counters": false/"counters": "no"/' "$T/off.json" >"$T/bad.json"; timeout 20 "$HS" -c "$T/bad.json" check-config >/dev/null 2>&1; echo $?)" 1

hs_summary stats

#!/usr/bin/env bash
# tests/cli/ignisign.sh BUILD - `hookspool verify` against the Ignisign
# stand-in (ignisign_stub.py, which consumes each token once, as the real
# API does): checks whose answer is lost are held for a person, never
# rejected on a later "alreadyConsumed"; `verify --release/--reject`;
# msgNature; old-style credentials (app secret -> JWT). One line per
# check, then "N passed, N failed"; exit status 1 when anything failed.
set -u

BUILD=$(cd "${1:-build}" && pwd) || exit 2
HS=$BUILD/hookspool
FCGI=$BUILD/hookspool.fcgi
HERE=$(cd "$(dirname "$0")" && pwd)
for tool in jq python3 timeout; do
	command -v $tool >/dev/null || { echo "missing $tool"; exit 2; }
done
. "$HERE/../lib/check.sh"

T=$(mktemp -d)
STUB_PID=
stop_stub() {
	[ -n "$STUB_PID" ] && { kill "$STUB_PID" 2>/dev/null; wait "$STUB_PID" 2>/dev/null; }
	STUB_PID=
}
cleanup() { stop_stub; rm -rf "$T"; }
trap cleanup EXIT

# holds DESCRIPTION COMMAND...: passes when the command succeeds
holds() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
# wait_for SECONDS COMMAND...: polls every 0.1 s
wait_for() {
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
count() { find "$1" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }

API_KEY=skv2_development_test_$$
APP_SECRET=old-app-secret-$$
SPOOL=$T/spool
CFG=$T/hookspool.json
echo "$API_KEY" >"$T/api.key"
echo "$APP_SECRET" >"$T/app.secret"

write_config() { # FILE API_TIMEOUT [EXTRA OLD-ENDPOINT KEYS]
	cat >"$1" <<EOF
{
  "_comment": "tests/cli/ignisign.sh",
  "spool_dir": "$SPOOL",
  "durable": true,
  "endpoints": {
    "ign": { "provider": "ignisign", "app_id": "appId_test",
             "app_env": "DEVELOPMENT", "api_key": "file:$T/api.key",
             "api_base_url": "http://127.0.0.1:$PORT/",
             "api_timeout_seconds": $2, "routes": { "*": "signed" } },
    "old": { "provider": "ignisign", "app_id": "appId_old",
             "app_env": "STAGING", "app_secret": "file:$T/app.secret",
             ${3:-}
             "api_base_url": "http://127.0.0.1:$PORT",
             "api_timeout_seconds": $2, "routes": { "*": "oldq" } }
  }
}
EOF
}
start_stub() { # [VAR=VALUE...]: a fresh stub (nothing consumed), configs
	stop_stub
	rm -f "$T/stub.port"
	env STUB_API_KEY="$API_KEY" STUB_APP_ID=appId_old STUB_APP_ENV=STAGING \
	    STUB_APP_SECRET="$APP_SECRET" STUB_HANG_SECONDS=6 "$@" \
	    python3 "$HERE/ignisign_stub.py" "$T/stub.port" "$T/stub.log" &
	STUB_PID=$!
	wait_for 10 test -s "$T/stub.port" || { echo "stub did not start"; exit 2; }
	PORT=$(cat "$T/stub.port")
	write_config "$CFG" 2
	write_config "$T/slow.json" 20
}
hs() { timeout 60 "$HS" -c "$CFG" "$@"; }
cgi() { # ENDPOINT BODY: prints the receiver's JSON answer
	printf %s "$2" | env -i REQUEST_METHOD=POST PATH_INFO="/$1" \
	    CONTENT_LENGTH="$(printf %s "$2" | wc -c)" \
	    CONTENT_TYPE=application/json HOOKSPOOL_CONFIG="${3:-$CFG}" \
	    "$FCGI" 2>>"$T/fcgi.log" | tail -n 1
}
body() { # APPID APPENV TOKEN [MSGNATURE, "" for none]
	local nature=SUCCESS nf=
	[ $# -ge 4 ] && nature=$4
	[ -n "$nature" ] && nf=",\"msgNature\":\"$nature\""
	printf '{"appId":"%s","appEnv":"%s","topic":"SIGNATURE_PROOF","action":"GENERATED"%s,"content":{"signatureRequestId":"sr-%s"},"verificationToken":"%s"}' \
	    "$1" "$2" "$nf" "$3" "$3"
}
post_ign() { cgi ign "$(body appId_test DEVELOPMENT "$@")" | jq -r .id; }
post_old() { cgi old "$(body appId_old STAGING "$1")" | jq -r .id; }
state_of() { hs show "$1" --json 2>/dev/null | jq -r .state; }
meta() { jq -r "$2" "$SPOOL/$(hs show "$1" --json | jq -r .queue)/meta/$1.json"; }
requests() { { cat "$T/stub.log" 2>/dev/null || :; } | grep -c -- "$1"; }
# everywhere the id is: exactly one state directory
copies() { find "$SPOOL" -path "*/meta" -prune -o -type f -name "$1" -print | wc -l; }

start_stub

# ------------------------------------------------ msgNature (issue #11.11)
n1=$(post_ign tok-valid-nomsg "")
check "receiver spools an event without msgNature into pending/" \
    "$(state_of "$n1")" pending
hs verify 2>"$T/err" >/dev/null
check "no msgNature: rejected, as the SDK refuses it" "$(state_of "$n1")" rejected
check "no msgNature: the reason names it" "$(meta "$n1" .verify.reason)" \
    "badly formatted: no msgNature in the body"
check "no msgNature: its token was never sent (not spent)" \
    "$(requests tok-valid-nomsg)" 0
n2=$(post_ign tok-valid-msg INFO)
check "with msgNature: verify exits 0" "$(hs verify 2>/dev/null; echo $?)" 0
check "with msgNature: released" "$(state_of "$n2")" new
check "the check body is exactly what the SDK sends" \
    "$(grep tok-valid-msg "$T/stub.log" | jq -r .body)" \
    '{"token":"tok-valid-msg","appId":"appId_test","appEnv":"DEVELOPMENT"}'
check "api_key as Bearer" \
    "$(grep tok-valid-msg "$T/stub.log" | jq -r .authorization)" "Bearer $API_KEY"

# ---------------------------------- a timed-out check (issue #11.10)
h1=$(post_ign tok-hang-1)
cp "$SPOOL/signed/pending/$h1" "$T/h1.orig"
start=$(date +%s)
rc=$(hs verify 2>"$T/err" >/dev/null; echo $?)
took=$(($(date +%s) - start))
check "timed-out check: verify exits 1" "$rc" 1
holds "api_timeout_seconds is the limit ($took s)" test $took -le 4
check "timed-out check: stays pending" "$(state_of "$h1")" pending
holds "timed-out check: the unknown outcome is marked" \
    test "$(meta "$h1" .verify.interrupted_at)" -gt 0
holds "timed-out check: the error is recorded" \
    grep -qi 'timed out' <<<"$(meta "$h1" .verify.last_error)"
check "no check left under way" "$(meta "$h1" .verify.checking_since)" null
holds "stderr says the token may be spent" grep -q 'may have spent' "$T/err"
rc=$(hs verify 2>"$T/err" >/dev/null; echo $?)
check "after the lost answer, alreadyConsumed: not rejected but held" \
    "$(state_of "$h1")" held
check "held: verify exits 1" "$rc" 1
check "held: outcome in meta" "$(meta "$h1" .verify.outcome)" held
check "held: Ignisign's answer kept as the reason" \
    "$(meta "$h1" .verify.reason)" alreadyConsumed
check "held: in held/ only" "$(copies "$h1")" 1
holds "held: stderr names the event and the way out" \
    grep -q "$h1 held: .*verify --release $h1" "$T/err"
check "ls --state held lists it" \
    "$(hs ls signed --state held --json | jq -r '.[0].id')" "$h1"
check "ls shows the state held" \
    "$(hs ls --json | jq -r --arg id "$h1" '.[] | select(.id == $id) | .state')" held
holds "ls (text) shows held" sh -c "'$HS' -c '$CFG' ls signed | grep -q '^held .*$h1'"
check "stats counts held" "$(hs stats --json | jq .signed.held.count)" 1
holds "stats (text) lists held" sh -c "'$HS' -c '$CFG' stats | grep -q '^signed  *held  *1'"
holds "show (text) says how to decide" \
    sh -c "'$HS' -c '$CFG' show '$h1' | grep -q '^decide: .*--release $h1'"
before=$(wc -l <"$T/stub.log")
check "held stays held: verify keeps exiting 1" "$(hs verify 2>/dev/null; echo $?)" 1
check "a held event is never asked about again" "$(wc -l <"$T/stub.log")" "$before"

check "release: exits 0" "$(hs verify --release "$h1" >/dev/null 2>&1; echo $?)" 0
check "release: in new/" "$(state_of "$h1")" new
check "release: only there" "$(copies "$h1")" 1
holds "release: the copy differs from the original only in verified and verified_scope" \
    cmp -s <(sed 's/"verified":false,"verified_scope":"none"/"verified":true,"verified_scope":"body"/' "$T/h1.orig") "$SPOOL/signed/new/$h1"
holds "release: byte for byte what verify releases" \
    cmp -s <(sed "s/$n2/$h1/g; s/tok-valid-msg/tok-hang-1/g; s/\"INFO\"/\"SUCCESS\"/" \
    "$SPOOL/signed/new/$n2" | jq -c 'del(.received_at, .body_sha256)') \
    <(jq -c 'del(.received_at, .body_sha256)' "$SPOOL/signed/new/$h1")
check "release: meta outcome valid, as verify records it" "$(meta "$h1" .verify.outcome)" valid
check "release: the decision is on record" "$(meta "$h1" .verify.decision)" released
check "release: the hold reason is kept" "$(meta "$h1" .verify.held_reason)" alreadyConsumed
check "release: nothing held, verify exits 0" "$(hs verify 2>/dev/null; echo $?)" 0
check "release again: already done, exit 0" \
    "$(hs verify --release "$h1" >/dev/null 2>&1; echo $?)" 0
check "a handler gets it" "$(hs run signed -- true; state_of "$h1")" done

# ------------------- every kind of lost answer, and what is not one
d1=$(post_ign tok-drop-1)
d2=$(post_ign tok-reset-2)
d3=$(post_ign tok-gw-3)
d4=$(post_ign tok-garble-4)
d5=$(post_ign tok-flaky-5)
r1=$(post_ign tok-refuse-used-6)
check "lost answers: verify exits 1" "$(hs verify 2>/dev/null >/dev/null; echo $?)" 1
for id in $d1 $d2 $d3 $d4 $d5; do
	e=$(meta "$id" .verify.last_error)
	check "unknown outcome ($e): pending" "$(state_of "$id")" pending
	holds "unknown outcome ($e): marked" test "$(meta "$id" .verify.interrupted_at)" -gt 0
done
check "4xx (refused, nothing spent): pending" "$(state_of "$r1")" pending
check "4xx: no unknown mark" "$(meta "$r1" .verify.interrupted_at)" null
hs verify 2>/dev/null >/dev/null
for id in $d1 $d2 $d3 $d4; do
	check "then alreadyConsumed: held ($(meta "$id" .verify.interrupted))" \
	    "$(state_of "$id")" held
done
check "a 503 whose token was not spent: the recheck releases it" "$(state_of "$d5")" new
check "after a 4xx, alreadyConsumed is believed: rejected" "$(state_of "$r1")" rejected

check "reject: --reason with --release is a usage error" \
    "$(hs verify --release "$d1" --reason x 2>/dev/null; echo $?)" 2
check "reject: exits 0" \
    "$(hs verify --reject "$d1" --reason "support says: never sent" 2>/dev/null; echo $?)" 0
check "reject: in rejected/" "$(state_of "$d1")" rejected
check "reject: only there" "$(copies "$d1")" 1
check "reject: the reason is recorded" "$(meta "$d1" .verify.reason)" \
    "rejected by hand: support says: never sent"
check "reject: outcome invalid" "$(meta "$d1" .verify.outcome)" invalid
check "reject: the hold reason is kept" "$(meta "$d1" .verify.held_reason)" alreadyConsumed
check "reject without a reason" \
    "$(hs verify --reject "$d2" 2>/dev/null; meta "$d2" .verify.reason)" "rejected by hand"
check "release of a pending event: refused" \
    "$(p=$(post_ign tok-valid-p); hs verify --release "$p" 2>/dev/null; echo $?)" 1
check "release of a rejected event: refused" \
    "$(hs verify --release "$r1" 2>/dev/null; echo $?)" 1
check "release of an unknown id: exit 1" "$(hs verify --release 1.nosuch 2>/dev/null; echo $?)" 1
check "release of a path: usage error" "$(hs verify --release ../x 2>/dev/null; echo $?)" 2
check "release and an endpoint: usage error" \
    "$(hs verify ign --release "$d3" 2>/dev/null; echo $?)" 2
check "retry of a held event is refused" "$(hs retry "$d3" 2>/dev/null; echo $?)" 1

# ------------------ crashes between the steps of a decision
# the decision is on record, the move did not happen
jq '.verify.outcome = "valid" | .verify.decision = "released"' \
    "$SPOOL/signed/meta/$d3.json" >"$T/m" && mv "$T/m" "$SPOOL/signed/meta/$d3.json"
hs verify >/dev/null 2>&1
check "a recorded release is finished by the next verify" "$(state_of "$d3")" new
check "  verified" "$(jq .verified "$SPOOL/signed/new/$d3")" true
check "  one copy" "$(copies "$d3")" 1
# the verified copy replaced held/ID, the move did not happen
sed 's/"verified":false,"verified_scope":"none"/"verified":true,"verified_scope":"body"/' "$SPOOL/signed/held/$d4" >"$T/v" &&
    mv "$T/v" "$SPOOL/signed/held/$d4"
jq '.verify.outcome = "valid" | .verify.decision = "released"' \
    "$SPOOL/signed/meta/$d4.json" >"$T/m" && mv "$T/m" "$SPOOL/signed/meta/$d4.json"
check "a release rerun after the copy was made: exits 0" \
    "$(hs verify --release "$d4" >/dev/null 2>&1; echo $?)" 0
check "  in new/, verified once" "$(state_of "$d4") $(grep -o '"verified":true' "$SPOOL/signed/new/$d4" | wc -l)" "new 1"
check "  one copy" "$(copies "$d4")" 1
check "  verified_scope body, once" "$(grep -o '"verified_scope":"[a-z]*"' "$SPOOL/signed/new/$d4" | tr '\n' ' ')" '"verified_scope":"body" '

# a crash after the answer "held" was recorded, before the move
x1=$(post_ign tok-used-x1)
mkdir -p "$SPOOL/signed/meta"
echo "{\"id\":\"$x1\",\"verify\":{\"outcome\":\"held\",\"reason\":\"alreadyConsumed\",\"interrupted_at\":1}}" \
    >"$SPOOL/signed/meta/$x1.json"
before=$(wc -l <"$T/stub.log")
hs verify >/dev/null 2>&1
check "a recorded hold is carried out without asking again" \
    "$(state_of "$x1") $(wc -l <"$T/stub.log")" "held $before"
hs verify --reject "$x1" >/dev/null 2>&1

# ----------------------------- verify killed during the check
k1=$(post_ign tok-hang-kill)
"$HS" -c "$T/slow.json" verify >/dev/null 2>&1 &
vpid=$!
holds "the check reached the API" wait_for 10 grep -q tok-hang-kill "$T/stub.log"
kill -9 $vpid; wait $vpid 2>/dev/null
holds "the mark was on disk before the request" \
    test "$(meta "$k1" .verify.checking_since)" -gt 0
rc=$(hs verify 2>/dev/null >/dev/null; echo $?)
check "after a crash mid-check, alreadyConsumed: held" "$(state_of "$k1")" held
check "  exit 1" "$rc" 1
check "  the crash is named" "$(meta "$k1" .verify.interrupted)" "verify stopped during the check"
hs verify --reject "$k1" >/dev/null 2>&1

# --------------------------- nothing sent: the token is untouched
stop_stub
u1=$(post_ign tok-used-down)
check "API down: verify exits 1" "$(hs verify 2>/dev/null; echo $?)" 1
check "connection refused: no unknown mark (nothing was sent)" \
    "$(meta "$u1" .verify.interrupted_at)" null
start_stub
hs verify >/dev/null 2>&1
check "so a later alreadyConsumed rejects it" "$(state_of "$u1")" rejected

# ---------------------- no silent resend on a kept-alive connection
w1=$(post_ign tok-valid-w1)
w2=$(post_ign tok-drop-w2)
hs verify >/dev/null 2>&1
check "valid then a dropped answer in one run: released" "$(state_of "$w1")" new
check "the dropped one was not resent and rejected: pending" "$(state_of "$w2")" pending
check "  sent once" "$(requests tok-drop-w2)" 1

# ---------- a file pending since before verified_scope was honest (#19)
old=$(post_ign tok-valid-old)
f=$SPOOL/signed/pending/$old
sed 's/"verified":false,"verified_scope":"none"/"verified":false,"verified_scope":"body"/' "$f" >"$T/o" &&
    cat "$T/o" >"$f"
check "an old-format pending file: as written then" "$(jq -c '[.verified, .verified_scope]' "$f")" '[false,"body"]'
hs verify >/dev/null 2>&1
check "  released" "$(state_of "$old")" new
check "  verified true, scope body" "$(jq -c '[.verified, .verified_scope]' "$SPOOL/signed/new/$old")" '[true,"body"]'
check "  body untouched" "$(jq -r .body_sha256 "$SPOOL/signed/new/$old")" "$(jq -r .body_sha256 "$T/o")"

# ------------------------- old-style credentials: app secret -> JWT
: >"$T/stub.log"
o1=$(post_old tok-valid-o1)
o2=$(post_old tok-valid-o2)
o3=$(post_old tok-valid-o3)
check "app_secret: verify exits 0" "$(hs verify old 2>"$T/err" >/dev/null; echo $?)" 0
check "app_secret: all released" "$(state_of "$o1") $(state_of "$o2") $(state_of "$o3")" "new new new"
check "one JWT for the run" "$(requests /v4/auth/app-api)" 1
auth=$(grep /v4/auth/app-api "$T/stub.log")
check "JWT request body, exactly" "$(jq -r .body <<<"$auth")" \
    "{\"appId\":\"appId_old\",\"appEnv\":\"STAGING\",\"secret\":\"$APP_SECRET\"}"
check "JWT request carries no Authorization" "$(jq -r .authorization <<<"$auth")" null
check "JWT request Content-Type" "$(jq -r .content_type <<<"$auth")" application/json
check "every check uses the JWT" \
    "$(grep checking-consumption "$T/stub.log" | jq -r .authorization | sort -u | grep -c '^Bearer eyJ')" 1
check "the secret never goes into a check" "$(grep checking-consumption "$T/stub.log" | grep -c -- "$APP_SECRET")" 0
holds "verify never prints the secret" sh -c "! grep -q -- '$APP_SECRET' '$T/err'"
start_stub STUB_JWT_USES=2
: >"$T/stub.log"
for t in 1 2 3; do post_old tok-valid-e$t >/dev/null; done
check "an expired JWT: verify exits 0" "$(hs verify old 2>/dev/null >/dev/null; echo $?)" 0
check "a new JWT after the 401" "$(requests /v4/auth/app-api)" 2
check "all three released" "$(hs ls oldq --state new --json | jq length)" 6
echo wrong-secret >"$T/app.secret"
: >"$T/stub.log"
b1=$(post_old tok-valid-b1)
check "wrong app_secret: verify exits 1" "$(hs verify old 2>"$T/err" >/dev/null; echo $?)" 1
check "wrong app_secret: stays pending" "$(state_of "$b1")" pending
check "wrong app_secret: its token never left" "$(requests tok-valid-b1)" 0
check "wrong app_secret: no unknown mark" \
    "$(test -e "$SPOOL/oldq/meta/$b1.json" && meta "$b1" .verify.interrupted_at || echo null)" null
holds "wrong app_secret: said once, without the secret" \
    test "$(grep -c 'cannot get a JWT' "$T/err")" = 1 -a "$(grep -c wrong-secret "$T/err")" = 0
echo "$APP_SECRET" >"$T/app.secret"
check "right secret again: released" "$(hs verify old >/dev/null 2>&1; state_of "$b1")" new

# ------------------------------------------------ config
cc=$(hs check-config --json 2>"$T/err")
check "check-config: app_secret present" "$(jq .endpoints.old.app_secret <<<"$cc")" true
check "check-config: no api_key warning for app_secret" "$(grep -c old.api_key "$T/err")" 0
holds "check-config never prints the secret" \
    sh -c "! '$HS' -c '$CFG' check-config 2>&1 | grep -q -- '$APP_SECRET'"
badcfg() { # DESCRIPTION KEY-NAMED SED-EXPRESSION
	sed "$3" "$CFG" >"$T/bad.json"
	local err
	err=$("$HS" -c "$T/bad.json" check-config 2>&1 >/dev/null)
	holds "$1 (names $2: $err)" grep -qF "$2" <<<"$err"
}
badcfg "app_secret and api_key together" endpoints.old.app_secret \
    "s|\"app_secret\"|\"api_key\": \"x\", \"app_secret\"|"
badcfg "app_secret without app_id" endpoints.old.app_secret 's|"app_id": "appId_old",||'
badcfg "app_secret empty" endpoints.old.app_secret 's|"app_secret": "[^"]*"|"app_secret": ""|'
badcfg "app_secret from an unset variable" endpoints.old.app_secret \
    's|"app_secret": "[^"]*"|"app_secret": "env:HS_TEST_UNSET_VAR"|'
badcfg "api_timeout_seconds 0" endpoints.ign.api_timeout_seconds \
    '0,/"api_timeout_seconds": 2/s//"api_timeout_seconds": 0/'
badcfg "app_secret on another provider" endpoints.c.app_secret \
    's|"endpoints": {|"endpoints": { "c": { "provider": "github", "secrets": ["s"], "app_secret": "x", "routes": {"*": "q"} },|'
sed 's|"app_secret": "[^"]*"|"app_secret": "env:HS_TEST_UNSET_VAR"|' "$CFG" >"$T/web.json"
check "the receiver never resolves app_secret" \
    "$(cgi old "$(body appId_old STAGING tok-web)" "$T/web.json" | jq -r .status)" pending
check "verify needs api_key or app_secret" \
    "$(sed 's|"app_secret": "[^"]*",||' "$CFG" >"$T/nokey.json"; "$HS" -c "$T/nokey.json" verify old 2>&1 >/dev/null | grep -c 'endpoints.old.api_key: required')" 1

hs_summary "tests/cli/ignisign.sh"

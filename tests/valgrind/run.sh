#!/usr/bin/env bash
# tests/valgrind/run.sh BUILD_DIR - the FastCGI binary under valgrind
# memcheck behind spawn-fcgi, driven by cgi-fcgi for VG_REQUESTS requests
# (default 10,000) cycling through accepted, duplicate, pending, 401, 400,
# 404, 405, 413 and 415 answers; then SIGTERM (a clean exit between
# requests) and valgrind's verdict: no errors, no definite leaks.
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
N=${VG_REQUESTS:-10000}
T=$(mktemp -d /tmp/hs-valgrind-XXXXXX)
VG=""
trap '[ -n "$VG" ] && kill -9 "$VG" 2>/dev/null; rm -rf "$T"' EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"

for c in valgrind spawn-fcgi cgi-fcgi; do
	if ! command -v "$c" > /dev/null; then
		echo "skip valgrind: $c not installed (Debian: valgrind spawn-fcgi libfcgi-bin)"
		hs_summary valgrind
		exit 1
	fi
done

SECRET='Gh1!f5dFs0dA'
cat > "$T/hookspool.json" <<JSON
{"spool_dir": "$T/spool", "durable": true, "max_body_bytes": 4096,
 "endpoints": {
  "circularo": {"provider": "circularo", "secrets": ["$SECRET"],
                "routes": {"*": "inbox"}},
  "always":    {"provider": "circularo", "secrets": ["$SECRET"],
                "dedup": false, "routes": {"*": "inbox"}},
  "ignisign":  {"provider": "ignisign", "dedup": false, "max_pending": 100000,
                "routes": {"*": "signing"}}
 }}
JSON

B='{"documentId":"vg1","event":"documentSigned","actor":{"email":"a@b"},"timestamp":1717247410500}'
printf '%s' "$B" > "$T/ok"
SIG=$(openssl dgst -sha256 -hmac "$SECRET" < "$T/ok" | awk '{print $NF}')
printf '%s' '{"event":"x","v":NaN}' > "$T/bad"
BADSIG=$(openssl dgst -sha256 -hmac "$SECRET" < "$T/bad" | awk '{print $NF}')
printf '%s' '{"appId":"a","appEnv":"DEVELOPMENT","topic":"SIGNATURE","action":"FINALIZED","verificationToken":"t"}' > "$T/ign"
head -c 5000 /dev/zero | tr '\0' x > "$T/big"

# Each kind: expected status, endpoint, body, extra variables.
KINDS=(accepted duplicate pending unauthorized badjson unknown method toolarge mediatype)
req() {
	local kind=$1 ep=circularo f=$T/ok m=POST ct=application/json
	local sig=$SIG
	case $kind in
	accepted) ep=always ;;
	pending) ep=ignisign f=$T/ign ;;
	unauthorized) sig=${SIG%?}0 ;;
	badjson) f=$T/bad sig=$BADSIG ;;
	unknown) ep=nope ;;
	method) m=GET ;;
	toolarge) f=$T/big ;;
	mediatype) ct=text/plain ;;
	esac
	env -i REQUEST_METHOD=$m PATH_INFO=/$ep CONTENT_TYPE=$ct \
	    CONTENT_LENGTH="$(stat -c %s "$f")" HTTP_X_CIRCULARO_SIGNATURE="$sig" \
	    cgi-fcgi -bind -connect "$T/sock" < "$f"
	echo
}

HOOKSPOOL_CONFIG=$T/hookspool.json spawn-fcgi -n -s "$T/sock" -- \
    "$(command -v valgrind)" --quiet --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --error-exitcode=99 --track-origins=yes \
    --log-file="$T/vg.log" "$BIN" > /dev/null 2> "$T/app.err" &
VG=$!
for _ in $(seq 50); do [ -S "$T/sock" ] && break; sleep 0.1; done

start=$SECONDS
for ((i = 0; i < N; i++)); do
	req "${KINDS[i % ${#KINDS[@]}]}"
done > "$T/out" 2> "$T/client.err"
secs=$((SECONDS - start))

kill -TERM "$VG"
wait "$VG"
rc=$?
VG=""
echo "# $N requests in ${secs}s under valgrind"

# answers per kind: N / kinds each (plus one for the first kinds)
want() {
	local k=$1 idx n=$((N / ${#KINDS[@]}))
	for idx in "${!KINDS[@]}"; do
		[ "${KINDS[idx]}" = "$k" ] && [ "$idx" -lt $((N % ${#KINDS[@]})) ] &&
		    n=$((n + 1))
	done
	echo "$n"
}
tr -d '\r' < "$T/out" | grep -E '^(Status|\{)' > "$T/answers"
count() { grep -c "$1" "$T/answers"; }
# the first "duplicate" request is the one that stores the event
check "valgrind: 200 accepted" "$(count '"status":"accepted"')" "$(($(want accepted) + 1))"
check "valgrind: 200 duplicate" "$(count '"status":"duplicate"')" "$(($(want duplicate) - 1))"
check "valgrind: 200 pending" "$(count '"status":"pending"')" "$(want pending)"
check "valgrind: 401" "$(count '^Status: 401 ')" "$(want unauthorized)"
check "valgrind: 400" "$(count '^Status: 400 ')" "$(want badjson)"
check "valgrind: 404" "$(count '^Status: 404 ')" "$(want unknown)"
check "valgrind: 405" "$(count '^Status: 405 ')" "$(want method)"
check "valgrind: 413" "$(count '^Status: 413 ')" "$(want toolarge)"
check "valgrind: 415" "$(count '^Status: 415 ')" "$(want mediatype)"
check "valgrind: no 5xx" "$(count '^Status: 5')" "0"
check "valgrind: files stored" \
    "$(find "$T/spool/inbox/new" "$T/spool/signing/pending" -type f | wc -l)" \
    "$(($(want accepted) + $(want pending) + 1))"
check "valgrind: exit status (99 = errors or definite leaks)" "$rc" "0"
check "valgrind: error summary" "$(grep -c 'ERROR SUMMARY: [1-9]' "$T/vg.log")" "0"
check "valgrind: no definite leaks" "$(grep -c 'definitely lost: [1-9]' "$T/vg.log")" "0"
if [ "$FAIL" -ne 0 ]; then
	sed 's/^/    | /' "$T/vg.log" | head -60
	tail -n 3 "$T/client.err" "$T/app.err" | sed 's/^/    | /'
fi
hs_summary valgrind

#!/usr/bin/env bash
# tests/badinput/run.sh BUILD_DIR - one hostile request per line of
# cases.tsv, sent to the real binary in CGI mode (env -i ... < body), in
# order, against one spool. Each case checks the exact status (and answer
# state) and that the spool changed exactly as the case says: "none" means
# new/, tmp/, pending/ and .dedup/ gained nothing and no directory appeared.
#
# cases.tsv columns (tab-separated, "-" for empty/unset):
#   name method path content-type content-length env body expect spool
#   content-type: json = application/json, else literal
#   content-length: auto | auto+N | auto-N | none | =LITERAL
#   env: NAME=VALUE|NAME=VALUE...; values go through printf %b after
#        placeholders are expanded (see placeholder() below)
#   body: raw:TEXT | esc:TEXT (printf %b) | gen:deep:N | gen:event:N |
#         gen:pad:N
#   expect: STATUS or STATUS/STATE (the answer's "status")
#   spool: none | new:QUEUE | pending:QUEUE (exactly one file there; a
#          batch answers "ids": its first, the only one in these cases)
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
DIR=$(cd "$(dirname "$0")" && pwd)
CASES=${CASES:-$DIR/cases.tsv}
T=$(mktemp -d /tmp/hs-bad-XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=../lib/check.sh
. "$DIR/../lib/check.sh"
# shellcheck source=../lib/fixtures.sh
. "$DIR/../lib/fixtures.sh"

NOW=1700000000		# HOOKSPOOL_NOW: the verification clock
CIRC=$FX_CIRCULARO_SECRET
DOCS=$FX_DOCUMENSO_SECRET
GH=$FX_GITHUB_SECRET
STRIPE=$FX_STRIPE_SECRET
SWKEY=$FX_STANDARD_KEYHEX
CONVOY=$FX_CONVOY_SECRET
BOLDSIGN=$FX_BOLDSIGN_SECRET
DOCUSEAL=$FX_DOCUSEAL_SECRET
DOCUSIGN=$FX_DOCUSIGN_SECRET
YOUSIGN=$FX_YOUSIGN_SECRET
ZOHO=$FX_ZOHO_SECRET
SPOOL=$T/spool
CONF=$T/hookspool.json
mkdir -p "$SPOOL"
fx_config "$CONF" "$SPOOL" '"max_body_bytes": 65536, "durable": true,'
fx_v1a_pem "$T/v1a.pem"	# Standard Webhooks v1a: the test vector's key

# mac ALG KEYOPT: HMAC of stdin by openssl (never by the code under test)
mac_hex() { openssl dgst -sha256 -hmac "$1" | awk '{print $NF}'; }
mac_b64() { openssl dgst "-$1" -mac HMAC -macopt "$2" -binary | base64 -w0; }

# placeholder TOKEN BODYFILE: {circ} {CIRC} {gh} {convoy} {convoy_b64} {doc} {pd}
# {ds} (DocuSign, base64) {ys} (Yousign, hex) {zs} (Zoho Sign, base64)
# {ts:OFF} {stripe:OFF} {stripe_v1:OFF} {sw:ID:OFF} {v1a:ID:OFF}
# {rep:CHAR:N} {bs:OFF} {bs_s0:OFF} {ds:OFF} (DocuSeal) {ds_hex:OFF}; a
# trailing /N keeps the first N characters ({circ/63}).
placeholder() {
	local tok=${1%/*} cut='' f=$2 ts id
	[[ $1 == */* ]] && cut=${1##*/}
	case $tok in
	circ) v=$(mac_hex "$CIRC" < "$f") ;;
	CIRC) v=$(mac_hex "$CIRC" < "$f" | tr a-f A-F) ;;
	gh) v=$(mac_hex "$GH" < "$f") ;;
	convoy) v=$(mac_hex "$CONVOY" < "$f") ;;
	convoy_b64) v=$(mac_b64 sha256 "key:$CONVOY" < "$f") ;;
	ds) v=$(mac_b64 sha256 "key:$DOCUSIGN" < "$f") ;;
	ys) v=$(mac_hex "$YOUSIGN" < "$f") ;;
	zs) v=$(mac_b64 sha256 "key:$ZOHO" < "$f") ;;
	doc) v=$DOCS ;;
	pd) v=$(mac_hex "$FX_PANDADOC_SECRET" < "$f") ;;	# #13
	ts:*) v=$((NOW + ${tok#ts:})) ;;
	stripe:* | stripe_v1:*)
		ts=$((NOW + ${tok#*:}))
		v=$( { printf '%s.' "$ts"; cat "$f"; } | mac_hex "$STRIPE")
		[[ $tok == stripe:* ]] && v="t=$ts,v1=$v" ;;
	sw:*)
		id=${tok#sw:}; id=${id%:*}
		ts=$((NOW + ${tok##*:}))
		v=$( { printf '%s.%s.' "$id" "$ts"; cat "$f"; } |
		    mac_b64 sha256 "hexkey:$SWKEY") ;;
	bs:* | bs_s0:*)	# BoldSign: t=<ts>, s0=<hex of "<ts>.<body>">
		ts=$((NOW + ${tok#*:}))
		v=$( { printf '%s.' "$ts"; cat "$f"; } | mac_hex "$BOLDSIGN")
		[[ $tok == bs:* ]] && v="t=$ts, s0=$v" ;;
	ds:* | ds_hex:*)	# DocuSeal: <ts>.<hex of "<ts>.<body>">
		ts=$((NOW + ${tok#*:}))
		v=$( { printf '%s.' "$ts"; cat "$f"; } | mac_hex "$DOCUSEAL")
		[[ $tok == ds:* ]] && v="$ts.$v" ;;
	# --- Standard Webhooks v1a: {v1a:ID:OFF}, base64 of openssl's ed25519
	v1a:*)
		id=${tok#v1a:}; id=${id%:*}
		ts=$((NOW + ${tok##*:}))
		{ printf '%s.%s.' "$id" "$ts"; cat "$f"; } > "$T/v1a.msg"
		v=$(openssl pkeyutl -sign -rawin -inkey "$T/v1a.pem" \
		    -in "$T/v1a.msg" | base64 -w0) ;;
	# --- end of v1a
	rep:*)
		v=$(printf "%${tok##*:}s" '' | tr ' ' "$(cut -d: -f2 <<< "$tok")") ;;
	*) echo "bad placeholder {$1}" >&2; v= ;;
	esac
	[ -n "$cut" ] && v=${v:0:$cut}
	printf '%s' "$v"
}

# expand TEXT BODYFILE: placeholders replaced
expand() {
	local v=$1 out='' tok
	while [[ $v == *\{*\}* ]]; do
		out+=${v%%\{*}
		v=${v#*\{}
		tok=${v%%\}*}
		v=${v#*\}}
		out+=$(placeholder "$tok" "$2")
	done
	printf '%s' "$out$v"
}

# body SPEC FILE
body() {
	local spec=$1 f=$2 n
	case $spec in
	raw:*) printf '%s' "${spec#raw:}" > "$f" ;;
	esc:*) printf '%b' "${spec#esc:}" > "$f" ;;
	gen:deep:*)	# {"event":"deep","a":[[[...]]]} with N arrays
		n=${spec#gen:deep:}
		{ printf '{"event":"deep%s","a":' "$n"
		  printf "%${n}s" '' | tr ' ' '['
		  printf "%${n}s" '' | tr ' ' ']'
		  printf '}'; } > "$f" ;;
	gen:event:*)	# an event name N bytes long
		n=${spec#gen:event:}
		{ printf '{"documentId":"len%s","event":"' "$n"
		  printf "%${n}s" '' | tr ' ' 'e'
		  printf '"}'; } > "$f" ;;
	gen:pad:*)	# a valid event padded to about N bytes
		n=${spec#gen:pad:}
		{ printf '{"event":"pad","p":"'
		  printf "%${n}s" '' | tr ' ' 'p'
		  printf '"}'; } > "$f" ;;
	*) echo "bad body spec $spec" >&2; : > "$f" ;;
	esac
}

# the counters file (.counters) counts refusals too: not an event
snapshot() { find "$SPOOL" -mindepth 1 -not -path "$SPOOL/.counters" | sort; }

# Paths a delivery into queue $1 may add besides the event file itself.
allowed() {
	grep -vE "^$SPOOL/$1(/(tmp|new|cur|pending))?\$" |
	    grep -vE "^$SPOOL/\.dedup(/[A-Za-z0-9._-]+(/[0-9a-f]{64})?)?\$"
}

run_case() {
	local name=$1 method=$2 path=$3 ct=$4 cl=$5 envs=$6 spec=$7 want=$8 \
	    spool=$9
	local f=$T/body args=() size why='' got state id q kind a
	body "$spec" "$f"
	size=$(stat -c %s "$f")
	args=(PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$CONF" HOOKSPOOL_NOW="$NOW")
	[ "$method" != - ] && args+=(REQUEST_METHOD="$method")
	[ "$path" != - ] && args+=(PATH_INFO="$(expand "$path" "$f")")
	case $ct in
	-) ;;
	json) args+=(CONTENT_TYPE=application/json) ;;
	*) args+=(CONTENT_TYPE="$ct") ;;
	esac
	case $cl in
	none) ;;
	auto) args+=(CONTENT_LENGTH="$size") ;;
	auto[+-]*) args+=(CONTENT_LENGTH="$((size + ${cl#auto}))") ;;
	=*) args+=(CONTENT_LENGTH="${cl#=}") ;;
	esac
	if [ "$envs" != - ]; then
		local IFS='|' kv
		for kv in $envs; do
			args+=("${kv%%=*}=$(printf '%b' "$(expand "${kv#*=}" "$f")")")
		done
		unset IFS
	fi
	snapshot > "$T/before"
	env -i "${args[@]}" "$BIN" < "$f" > "$T/out" 2> "$T/err"
	a=$?
	snapshot > "$T/after"

	got=$(head -n1 "$T/out" | tr -d '\r' | awk '{print $2}')
	state=$(sed -n '/^\r$/,$p' "$T/out" | tail -n +2 | jq -r .status 2>/dev/null)
	id=$(sed -n '/^\r$/,$p' "$T/out" | tail -n +2 | jq -r '.id // (.ids // [])[0] // empty' 2>/dev/null)
	if [[ $want == */* ]]; then
		[ "$got/$state" = "$want" ] || why+=" status [$got/$state] want [$want]"
	else
		[ "$got" = "$want" ] || why+=" status [$got] want [$want]"
	fi
	[ "$a" -lt 128 ] || why+=" binary died (exit $a)"
	! grep -qE 'Sanitizer|runtime error' "$T/err" || why+=" sanitizer report"
	grep -q "hookspool\[[0-9]*\]: status=$got " "$T/err" ||
	    why+=" no log line"
	[ -z "$(comm -23 "$T/before" "$T/after")" ] || why+=" spool lost paths"
	comm -13 "$T/before" "$T/after" > "$T/added"
	case $spool in
	none)
		[ -s "$T/added" ] && why+=" spool gained: $(tr '\n' ' ' < "$T/added")" ;;
	new:* | pending:*)
		kind=${spool%%:*} q=${spool#*:}
		if [ -z "$id" ] || ! grep -qxF "$SPOOL/$q/$kind/$id" "$T/added"; then
			why+=" no file $q/$kind/<id>"
		else
			jq -e --arg q "$q" '.queue == $q' "$SPOOL/$q/$kind/$id" \
			    > /dev/null 2>&1 || why+=" file is not a valid envelope"
			# one element of a batch (#13) holds its own element
			sel=$(jq -r 'if .batch_index then ".[\(.batch_index)]" else "." end' \
			    "$SPOOL/$q/$kind/$id" 2>/dev/null)
			[ "$(jq -c .body "$SPOOL/$q/$kind/$id" 2>/dev/null)" = \
			    "$(jq -c "${sel:-.}" "$f" 2>/dev/null)" ] || why+=" body differs"
		fi
		a=$(grep -vxF "$SPOOL/$q/$kind/$id" "$T/added" | allowed "$q")
		[ -z "$a" ] && [ "$(grep -c "^$SPOOL/$q/" "$T/added")" -le 5 ] ||
		    why+=" spool gained more: $(tr '\n' ' ' <<< "$a")"
		[ -z "$(ls -A "$SPOOL/$q/tmp" 2>/dev/null)" ] ||
		    why+=" leftover in $q/tmp"
		;;
	*) why+=" bad spool column [$spool]" ;;
	esac
	if [ -z "$why" ]; then
		ok "$name: $want${spool:+ $spool}"
	else
		bad "$name:$why"
		sed 's/^/    | /' "$T/err" | head -3
	fi
}

while IFS=$'\t' read -r name method path ct cl envs spec want spool extra; do
	case $name in '' | '#'*) continue ;; esac
	if [ -z "$spool" ] || [ -n "${extra:-}" ]; then
		bad "$name: malformed line in $(basename "$CASES")"
		continue
	fi
	run_case "$name" "$method" "$path" "$ct" "$cl" "$envs" "$spec" \
	    "$want" "$spool"
done < "$CASES"

hs_summary badinput

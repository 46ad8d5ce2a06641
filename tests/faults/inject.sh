#!/usr/bin/env bash
# tests/faults/inject.sh BUILD_DIR - every file operation of a delivery
# fails in turn (tests/faults/failcall.c, LD_PRELOAD; the receiver linked
# with LINK=libs so that the shim can interpose): the trace run lists the
# calls one delivery makes on the spool, then for each call N, with an
# errno that fits it, EINTR, and a short write, the same delivery runs
# again with call N failing. Every run must end in a state the README
# allows:
#   503 with Retry-After, nothing in tmp/ or new/, no duplicate marker, and
#       the sender's retry (no fault) is accepted with exactly one file; or
#   200 accepted with exactly one complete file, and the retry answered
#       duplicate (or stored again, when the marker itself failed: a
#       duplicate is better than a loss)
# and in FastCGI mode the process holds no more fds than before.
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
SHIM=$(cd "$(dirname "${2:-$BUILD/tests/failcall.so}")" && pwd)/$(basename "${2:-failcall.so}")
T=$(mktemp -d /tmp/hs-inject-XXXXXX)
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
# ASan wants its runtime first; the shim only interposes libc calls
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

SECRET=inject-secret
SPOOL=$T/spool
cat > "$T/conf.json" <<JSON
{"spool_dir": "$SPOOL", "endpoints": {"docs": {"provider": "documenso",
 "secrets": ["$SECRET"], "routes": {"*": "signed"}}}}
JSON
BODY='{"event":"DOCUMENT_SIGNED","payload":{"id":42,"title":"nda.pdf"},"createdAt":"2026-12-01T10:00:00.000Z"}'
printf '%s' "$BODY" > "$T/body"
SHA=$(sha256sum < "$T/body" | cut -d' ' -f1)
# dedup that cannot work stores the event anyway and says so (README): a
# retry then stores a second copy, a duplicate rather than a loss
DEDUP_SAID='cannot write a duplicate marker|dedup disabled, duplicates are stored'

# cgi [ENV...]: one CGI delivery of BODY; answer in $T/out, log in $T/err
cgi() {
	env -i PATH=/usr/bin:/bin ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
	    HOOKSPOOL_CONFIG="$T/conf.json" REQUEST_METHOD=POST PATH_INFO=/docs \
	    CONTENT_TYPE=application/json CONTENT_LENGTH=${#BODY} \
	    HTTP_X_DOCUMENSO_SECRET="$SECRET" "$@" "$BIN" < "$T/body" > "$T/out" 2> "$T/err"
}
status() { head -n1 "$T/out" | tr -d '\r'; }
said() { sed -n '/^\r$/,$p' "$T/out" | tail -n +2 | jq -r .status 2>/dev/null; }
events() { find "$SPOOL/signed/new" -type f 2>/dev/null | wc -l; }
leftovers() { find "$SPOOL/signed/tmp" -type f 2>/dev/null | wc -l; }
markers() { find "$SPOOL/.dedup" -type f -not -name '*.inflight' 2>/dev/null | wc -l; }
complete() {	# every file in new/ is the whole event: JSON, right body hash
	local f
	for f in "$SPOOL"/signed/new/*; do
		[ -f "$f" ] || continue
		[ "$(jq -r .body_sha256 "$f" 2>/dev/null)" = "$SHA" ] || return 1
	done
	return 0
}

# prepare fresh|warm: the spool before the delivery (none at all, or the
# queue's directories already there, as after the first event)
prepare() {
	rm -rf "$SPOOL"
	if [ "$1" = warm ]; then
		mkdir -p "$SPOOL/signed/tmp" "$SPOOL/signed/new" "$SPOOL/signed/cur" \
		    "$SPOOL/.dedup/docs"
	fi
}

# which errnos fit call NAME
errnos_for() {
	case $1 in
	write|writev) echo "ENOSPC EDQUOT short EINTR" ;;
	fsync|fdatasync) echo "EIO" ;;
	open|openat) echo "EACCES ENOSPC EMFILE EINTR" ;;
	mkdir|mkdirat) echo "ENOSPC EDQUOT" ;;
	close) echo "EIO" ;;
	flock) echo "ENOLCK EINTR" ;;
	# EINVAL: a file system without RENAME_NOREPLACE (NFS): the
	# link + unlink fallback must deliver, or fail cleanly
	renameat2) echo "EIO EINVAL" ;;
	*) echo "EIO" ;;
	esac
}

# judge LABEL: the state after a faulted run, then the sender's retry
judge() {
	local label=$1 st s first retry
	st=$(status); s=$(said)
	case "$st $s" in
	"Status: 503 Service Unavailable error")
		first=503
		grep -q '^Retry-After: ' "$T/out" || { bad "$label: 503 without Retry-After"; return; }
		[ "$(events) $(leftovers)" = "0 0" ] || { bad "$label: 503 left $(events) in new/, $(leftovers) in tmp/"; return; }
		[ "$(markers)" = 0 ] || { bad "$label: 503 left a duplicate marker (the retry would be lost)"; return; }
		;;
	"Status: 200 OK accepted")
		first=200
		[ "$(events) $(leftovers)" = "1 0" ] || { bad "$label: 200 with $(events) in new/, $(leftovers) in tmp/"; return; }
		complete || { bad "$label: 200 but the file in new/ is not complete"; return; }
		;;
	*)	bad "$label: answered [$st $s]"; return ;;
	esac
	cgi
	retry="$(status) $(said)"
	if [ "$first" = 503 ]; then
		[ "$retry" = "Status: 200 OK accepted" ] && [ "$(events)" = 1 ] && complete ||
		    { bad "$label: after the 503, the retry got [$retry] with $(events) file(s)"; return; }
	else
		case "$retry" in
		"Status: 200 OK duplicate") [ "$(events)" = 1 ] || { bad "$label: duplicate, but $(events) files"; return; } ;;
		"Status: 200 OK accepted")
			grep -qE "$DEDUP_SAID" "$T/err.first" ||
			    { bad "$label: the retry was stored again without a word"; return; } ;;
		*) bad "$label: the retry got [$retry]"; return ;;
		esac
	fi
	[ "$(leftovers)" = 0 ] || { bad "$label: tmp/ not empty after the retry"; return; }
	ok "$label: $first, then the retry [$retry]"
}

walk_cgi() {	# walk_cgi fresh|warm
	local kind=$1 n name what calls
	prepare "$kind"
	rm -f "$T/trace"
	cgi LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$SPOOL" HS_FAIL_LOG="$T/trace"
	check "cgi $kind: trace run accepted" "$(status) $(said)" "Status: 200 OK accepted"
	calls=$(wc -l < "$T/trace")
	echo "# cgi $kind: $calls file operations on the spool: $(awk '{print $2}' "$T/trace" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
	cp "$T/trace" "$T/trace.$kind"
	while read -r n name _; do
		for what in $(errnos_for "$name"); do
			prepare "$kind"
			cgi LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$SPOOL" HS_FAIL="$n:$what"
			cp "$T/err" "$T/err.first"
			judge "cgi $kind: call $n ($name) fails with $what"
		done
	done < "$T/trace.$kind"
}

walk_cgi fresh
walk_cgi warm

# --- FastCGI: the same walk in a long-lived process, and no fd leaks ----------
if command -v spawn-fcgi > /dev/null && command -v cgi-fcgi > /dev/null; then
	fpost() {
		env -i REQUEST_METHOD=POST PATH_INFO=/docs CONTENT_TYPE=application/json \
		    CONTENT_LENGTH=${#BODY} HTTP_X_DOCUMENSO_SECRET="$SECRET" \
		    cgi-fcgi -bind -connect "$T/sock" < "$T/body" > "$T/out" 2> /dev/null
	}
	nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
	while read -r n name _; do
		what=$(errnos_for "$name" | cut -d' ' -f1)
		prepare warm
		rm -f "$T/sock"
		env -i PATH=/usr/bin:/bin ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
		    HOOKSPOOL_CONFIG="$T/conf.json" LD_PRELOAD="$SHIM" \
		    HS_FAIL_UNDER="$SPOOL" HS_FAIL="$n:$what" \
		    spawn-fcgi -n -s "$T/sock" -- "$BIN" > /dev/null 2> "$T/fcgi.err" &
		pid=$!
		PIDS="$PIDS $pid"
		# spawn-fcgi -n makes the socket, then execs the receiver: count
		# the receiver's fds, not spawn-fcgi's
		for _ in $(seq 100); do
			[ -S "$T/sock" ] && [ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$BIN")" ] && break
			sleep 0.05
		done
		base=$(nfds "$pid")
		fpost
		cp "$T/fcgi.err" "$T/err.first"
		# judge() sends the retry through CGI; here it goes through
		# the same process, so compare by hand
		st="$(status) $(said)"
		fpost
		retry="$(status) $(said)"
		after=$(nfds "$pid")
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		label="fcgi: call $n ($name) fails with $what"
		case "$st|$retry" in
		"Status: 503 Service Unavailable error|Status: 200 OK accepted"|\
		"Status: 200 OK accepted|Status: 200 OK duplicate")
			if [ "$(events) $(leftovers)" = "1 0" ] && complete && [ "$after" = "$base" ]; then
				ok "$label: [$st] then [$retry], fds $base -> $after"
			else
				bad "$label: $(events) in new/, $(leftovers) in tmp/, fds $base -> $after"
			fi ;;
		"Status: 200 OK accepted|Status: 200 OK accepted")
			if grep -qE "$DEDUP_SAID" "$T/err.first" && [ "$after" = "$base" ]; then
				ok "$label: marker lost (said so), stored twice; fds $base -> $after"
			else
				bad "$label: stored twice without a word, or fds $base -> $after"
			fi ;;
		*)	bad "$label: answered [$st] then [$retry]" ;;
		esac
	done < "$T/trace.warm"
else
	bad "fcgi walk: needs spawn-fcgi and cgi-fcgi"
fi

# --- #13: a batch (PandaDoc: one request, several events) ---------------------
# The same walk over a delivery of 4 elements, 3 of them routed (two
# queues): every call failing in turn must end in
#   503, nothing in tmp/ or new/ of either queue, no marker, and the retry
#       accepted with exactly the 3; or
#   200 accepted with exactly the 3 complete files, and the retry
#       duplicate (or accepted again, when a marker failed and said so)
BSPOOL=$T/bspool
PDKEY=inject-pandadoc-key
cat > "$T/batch.json" <<JSON
{"spool_dir": "$BSPOOL", "endpoints": {"pd": {"provider": "pandadoc",
 "secrets": ["$PDKEY"], "routes": {"document_state_changed": "pda",
 "recipient_completed": "pda", "document_deleted": "pdb"}}}}
JSON
BBODY='[{"event":"document_state_changed","data":{"id":"d1","status":"document.sent"}},{"event":"document_updated","data":{"id":"d1"}},{"event":"recipient_completed","data":{"id":"d1"}},{"event":"document_deleted","data":{"id":"d2"}}]'
printf '%s' "$BBODY" > "$T/bbody"
BSIG=$(openssl dgst -sha256 -hmac "$PDKEY" < "$T/bbody" | awk '{print $NF}')
BSHA=$(sha256sum < "$T/bbody" | cut -d' ' -f1)
bcgi() {
	env -i PATH=/usr/bin:/bin ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
	    HOOKSPOOL_CONFIG="$T/batch.json" REQUEST_METHOD=POST PATH_INFO=/pd \
	    CONTENT_TYPE=application/json CONTENT_LENGTH=${#BBODY} \
	    QUERY_STRING="signature=$BSIG" "$@" "$BIN" < "$T/bbody" > "$T/out" 2> "$T/err"
}
bevents() { find "$BSPOOL/pda/new" "$BSPOOL/pdb/new" -type f 2>/dev/null | wc -l; }
bleft() { find "$BSPOOL/pda/tmp" "$BSPOOL/pdb/tmp" -type f 2>/dev/null | wc -l; }
bmarkers() { find "$BSPOOL/.dedup" -type f -not -name '*.inflight' 2>/dev/null | wc -l; }
bcomplete() {	# exactly elements 0, 2, 3, whole, of this delivery
	local f got=""
	for f in "$BSPOOL"/pda/new/* "$BSPOOL"/pdb/new/*; do
		[ -f "$f" ] || continue
		[ "$(jq -r .batch_sha256 "$f" 2>/dev/null)" = "$BSHA" ] || return 1
		[ "$(jq -c .body "$f")" = "$(jq -c ".[$(jq .batch_index "$f")]" "$T/bbody")" ] || return 1
		got="$got $(jq .batch_index "$f")"
	done
	[ "$(tr ' ' '\n' <<< "$got" | sort | tr '\n' ' ')" = " 0 2 3 " ]
}
bprepare() {
	rm -rf "$BSPOOL"
	if [ "$1" = warm ]; then
		mkdir -p "$BSPOOL"/pda/{tmp,new,cur} "$BSPOOL"/pdb/{tmp,new,cur} "$BSPOOL/.dedup/pd"
	fi
}
bjudge() {
	local label=$1 st s first retry
	st=$(status); s=$(said)
	case "$st $s" in
	"Status: 503 Service Unavailable error")
		first=503
		[ "$(bevents) $(bleft)" = "0 0" ] || { bad "$label: 503 left $(bevents) in new/, $(bleft) in tmp/"; return; }
		[ "$(bmarkers)" = 0 ] || { bad "$label: 503 left a duplicate marker"; return; }
		;;
	"Status: 200 OK accepted")
		first=200
		[ "$(bevents) $(bleft)" = "3 0" ] || { bad "$label: 200 with $(bevents) in new/, $(bleft) in tmp/"; return; }
		bcomplete || { bad "$label: 200 but new/ is not exactly the 3 routed elements"; return; }
		[ "$(sed -n '/^\r$/,$p' "$T/out" | tail -n +2 | jq '.ids | length')" = 3 ] ||
		    { bad "$label: 200 without 3 ids"; return; }
		;;
	*)	bad "$label: answered [$st $s]"; return ;;
	esac
	bcgi
	retry="$(status) $(said)"
	if [ "$first" = 503 ]; then
		[ "$retry" = "Status: 200 OK accepted" ] && [ "$(bevents)" = 3 ] && bcomplete ||
		    { bad "$label: after the 503, the retry got [$retry] with $(bevents) file(s)"; return; }
	else
		case "$retry" in
		"Status: 200 OK duplicate") [ "$(bevents)" = 3 ] || { bad "$label: duplicate, but $(bevents) files"; return; } ;;
		"Status: 200 OK accepted")
			grep -qE "$DEDUP_SAID" "$T/err.first" ||
			    { bad "$label: the retry was stored again without a word"; return; } ;;
		*) bad "$label: the retry got [$retry]"; return ;;
		esac
	fi
	[ "$(bleft)" = 0 ] || { bad "$label: tmp/ not empty after the retry"; return; }
	ok "$label: $first, then the retry [$retry]"
}
walk_batch() {	# walk_batch fresh|warm
	local kind=$1 n name what calls
	bprepare "$kind"
	rm -f "$T/btrace"
	bcgi LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$BSPOOL" HS_FAIL_LOG="$T/btrace"
	check "batch $kind: trace run accepted" "$(status) $(said) $(bevents)" "Status: 200 OK accepted 3"
	calls=$(wc -l < "$T/btrace")
	echo "# batch $kind: $calls file operations on the spool: $(awk '{print $2}' "$T/btrace" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
	cp "$T/btrace" "$T/btrace.$kind"
	while read -r n name _; do
		for what in $(errnos_for "$name"); do
			bprepare "$kind"
			bcgi LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$BSPOOL" HS_FAIL="$n:$what"
			cp "$T/err" "$T/err.first"
			bjudge "batch $kind: call $n ($name) fails with $what"
		done
	done < "$T/btrace.$kind"
}
walk_batch fresh
walk_batch warm

# --- the CLI: a claim, the handler, the move to done/ ---------------------------
# `hookspool run` over one event, with each of its file operations failing
# in turn. Then clean runs (the lease is 0: a claim left in cur/ is taken
# back at once). In every case: the event is in exactly one state
# directory and complete, the handler ran exactly once in all, and a run
# that hit a failure exited non-zero.
CLI=$(cd "$BUILD" && pwd)/hookspool
RS=$T/runspool
cat > "$T/run.json" <<JSON
{"spool_dir": "$RS", "retry": {"max_attempts": 5, "backoff_seconds": 0,
 "lease_seconds": 0, "keep_done_seconds": 3600},
 "endpoints": {"docs": {"provider": "documenso", "secrets": ["$SECRET"],
 "routes": {"*": "signed"}}}}
JSON
run_prepare() {
	rm -rf "$RS"
	env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$T/run.json" REQUEST_METHOD=POST \
	    PATH_INFO=/docs CONTENT_TYPE=application/json CONTENT_LENGTH=${#BODY} \
	    HTTP_X_DOCUMENSO_SECRET="$SECRET" "$BIN" < "$T/body" > /dev/null 2>&1
	RID=$(ls "$RS/signed/new")
	: > "$T/handled"
}
hrun() {	# hrun [ENV...]: one run, handler logs the id; exit status echoed
	env ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} "$@" "$CLI" -c "$T/run.json" \
	    run signed -- sh -c 'echo "$HOOKSPOOL_ID" >> "$0"' "$T/handled" \
	    > /dev/null 2> "$T/run.err"
	echo $?
}
where_is() {	# the state directories holding the event, and if it is whole
	local d n=0 at=""
	for d in new cur done failed; do
		if [ -f "$RS/signed/$d/$RID" ]; then
			n=$((n + 1)); at="$at $d"
			[ "$(jq -r .body_sha256 "$RS/signed/$d/$RID" 2>/dev/null)" = "$SHA" ] || at="$at(partial)"
		fi
	done
	echo "$n$at"
}
run_prepare
rm -f "$T/runtrace"
hrun LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$RS" HS_FAIL_LOG="$T/runtrace" > /dev/null
check "run: trace run handled it" "$(where_is) $(wc -l < "$T/handled")" "1 done 1"
echo "# run: $(wc -l < "$T/runtrace") file operations on the spool: $(awk '{print $2}' "$T/runtrace" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
while read -r n name _; do
	for what in $(errnos_for "$name" | cut -d' ' -f1-2); do
		[ "$what" = short ] && what=EIO
		run_prepare
		rc=$(hrun LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$RS" HS_FAIL="$n:$what")
		cp "$T/run.err" "$T/run.err.first"
		first=$(where_is)
		for _ in 1 2 3; do
			[ "$(where_is)" = "1 done" ] && break
			hrun > /dev/null
		done
		label="run: call $n ($name) fails with $what"
		runs=$(grep -c "^$RID\$" "$T/handled")
		if [ "$first" = 0 ] && [ "$rc" != 0 ] && [ "$runs" = 1 ] &&
		    grep -q 'handled, but done/ cannot take it: deleted' "$T/run.err.first"; then
			# README: a handled event done/ cannot take is deleted
			# rather than run twice
			ok "$label: exit $rc, handled once, then deleted (done/ refused it; said so)"
		elif [ "$(where_is)" != "1 done" ]; then
			bad "$label: after it [$first], after clean runs [$(where_is)]"
		elif [ "$runs" != 1 ]; then
			bad "$label: the handler ran $runs times"
		elif [ "$first" != "1 done" ] && [ "$rc" = 0 ]; then
			bad "$label: left the event in [$first] but exited 0"
		else
			ok "$label: exit $rc, [$first], then done; handled once"
		fi
	done
done < "$T/runtrace"

hs_summary inject

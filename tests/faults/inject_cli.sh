#!/usr/bin/env bash
# tests/faults/inject_cli.sh BUILD_DIR SHIM - the CLI's side of the fault
# walk (issue #20): every file operation on the spool of one command fails
# in turn (tests/faults/failcall.c, LD_PRELOAD), with each errno that fits
# the call, EINTR, and a short write where it is a write. The commands:
#   fail      `hookspool run` whose handler exits 1, attempt 1 of 3 (no
#             meta yet): the attempt and next-attempt record, the move
#             back to new/ with its backoff
#   deadletter `hookspool run` on the last attempt (2 of 2, meta there):
#             the record and the move to failed/
#   release   `hookspool verify --release ID` of a held Ignisign event
#   reject    `hookspool verify --reject ID --reason TEXT` of one
#   retry     `hookspool retry ID` of a dead letter (writes meta: attempts
#             reset, then the move to new/)
# After each faulted run, the state must be one the README allows: the
# event in exactly one state directory and complete (byte for byte the file
# before, or its verified copy), nothing in tmp/, no temp file left in
# meta/, meta's attempts equal to the handler starts so far, and a run
# that did not reach the clean outcome exits non-zero and says why. Then
# runs with no fault (after the backoff: the test ages the event's times,
# as the clock would) must finish the job: handled exactly once, at the
# attempt the count says, or in failed/ after exactly max_attempts starts.
set -u
BUILD=${1:-build}
CLI=$(cd "$BUILD" && pwd)/hookspool
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
SHIM=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
T=$(mktemp -d /tmp/hs-injectcli-XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=../lib/check.sh
. "$(dirname "$0")/../lib/check.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

SECRET=inject-secret
RS=$T/spool
Q=$RS/signed
STATES="tmp new cur done failed pending held rejected"
# ignisign: api_base_url a closed port; --release/--reject never ask it
write_conf() {	# FILE MAX_ATTEMPTS
	cat > "$1" <<JSON
{"spool_dir": "$RS", "durable": true,
 "retry": {"max_attempts": $2, "backoff_seconds": 60, "backoff_max_seconds": 3600,
  "lease_seconds": 0, "keep_done_seconds": 3600},
 "endpoints": {
  "docs": {"provider": "documenso", "secrets": ["$SECRET"], "routes": {"*": "signed"}},
  "ign": {"provider": "ignisign", "app_id": "appId_test", "app_env": "DEVELOPMENT",
   "api_key": "inject-key", "api_base_url": "http://127.0.0.1:9/",
   "api_timeout_seconds": 2, "routes": {"*": "signed"}}}}
JSON
}
write_conf "$T/c3.json" 3
write_conf "$T/c2.json" 2

deliver() {	# ENDPOINT HEADER=VALUE BODY: one CGI delivery, the id printed
	printf '%s' "$3" | env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG="$T/c3.json" \
	    REQUEST_METHOD=POST PATH_INFO="/$1" CONTENT_TYPE=application/json \
	    CONTENT_LENGTH=${#3} "$2" "$BIN" 2> /dev/null | tail -n 1 | jq -r .id
}
# hs CONF [ENV...] -- ARGS: the CLI, its exit status echoed, stderr in $T/err
hs() {
	local conf=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} "${envs[@]}" "$CLI" \
	    -c "$conf" "$@" > /dev/null 2> "$T/err" < /dev/null
	echo $?
}
# the handlers log "ID ATTEMPT" for every start
FAIL_H=(sh -c 'echo "$HOOKSPOOL_ID $HOOKSPOOL_ATTEMPT" >> "$0"; exit 1' "$T/starts")
OK_H=(sh -c 'echo "$HOOKSPOOL_ID $HOOKSPOOL_ATTEMPT ok" >> "$0"' "$T/starts")
starts() { [ -f "$T/starts" ] && wc -l < "$T/starts" || echo 0; }
meta() {	# JQ: from the event's meta, "none" when there is none
	[ -f "$Q/meta/$RID.json" ] || { echo none; return; }
	jq -r "$1" "$Q/meta/$RID.json" 2>/dev/null || echo unreadable
}
attempts() { local a; a=$(meta '.attempts // 0'); [ "$a" = none ] && a=0; echo "$a"; }
# where the event is: "N state..." over every state directory
where_is() {
	local d n=0 at=""
	for d in $STATES; do
		[ -e "$Q/$d/$RID" ] && { n=$((n + 1)); at="$at $d"; }
	done
	echo "$n$at"
}
# is the file in state $1 one of the allowed contents ($T/ok.*)?
intact() {
	local f
	for f in "$T"/ok.*; do
		cmp -s "$f" "$Q/$1/$RID" && return 0
	done
	return 1
}
tmp_clean() { [ -z "$(ls -A "$Q/tmp" 2>/dev/null)" ]; }
# meta/ holds <id>.json or nothing: no temp file a crash-free run left
meta_clean() { [ -z "$(ls -A "$Q/meta" 2>/dev/null | grep -v "^$RID\.json\$")" ]; }
# the clock moves past any backoff: the event's mtime and next_attempt_at
age() {
	local d past=$(($(date +%s) - 10))
	for d in new cur; do
		[ -f "$Q/$d/$RID" ] && touch -d "@$past" "$Q/$d/$RID"
	done
	if [ -f "$Q/meta/$RID.json" ] && [ "$(meta .next_attempt_at)" != null ]; then
		jq -c ".next_attempt_at = $past" "$Q/meta/$RID.json" > "$T/m" &&
		    mv "$T/m" "$Q/meta/$RID.json"
	fi
}
# which errnos fit call NAME (ENOSPC/EDQUOT: a full disk or quota, EIO:
# the device, EACCES: permissions, EINTR: a signal, short: a short write)
errnos_for() {
	case $1 in
	write|writev) echo "ENOSPC EDQUOT EIO EINTR short" ;;
	fsync|fdatasync) echo "EIO ENOSPC EDQUOT" ;;
	open|openat) echo "EACCES ENOSPC EDQUOT EIO EINTR" ;;
	close) echo "EIO ENOSPC EINTR" ;;
	flock) echo "EINTR ENOLCK" ;;
	rename|renameat|renameat2|link|linkat) echo "EIO ENOSPC EDQUOT EACCES" ;;
	unlink|unlinkat) echo "EIO EACCES" ;;
	mkdir|mkdirat) echo "ENOSPC EDQUOT EACCES EIO" ;;
	*) echo "EIO" ;;
	esac
}

# --- the scenarios: each has setup_X (builds $T/tpl.X once), act_X (the
# command, given the shim's environment), judge_X LABEL RC (the state after
# the faulted run, then the recovery) ------------------------------------------
restore() { rm -rf "$RS"; cp -a "$T/tpl.$1" "$RS"; cp "$T/tpl.$1.starts" "$T/starts"; }
save_tpl() {
	rm -rf "$T/tpl.$1"; cp -a "$RS" "$T/tpl.$1"
	if [ -f "$T/starts" ]; then cp "$T/starts" "$T/tpl.$1.starts"; else : > "$T/tpl.$1.starts"; fi
}

# the clean outcome is said by the command itself; anything else must be
# named on stderr by a hookspool line other than the handler's report
said_so() { grep -v -e 'exit status 1; attempt' -e '^HANDLER' "$T/err.first" | grep -q 'hookspool'; }

DOC_BODY='{"event":"DOCUMENT_SIGNED","payload":{"id":42,"title":"nda.pdf"},"createdAt":"2026-12-01T10:00:00.000Z"}'

setup_fail() {
	rm -rf "$RS"
	RID=$(deliver docs HTTP_X_DOCUMENSO_SECRET="$SECRET" "$DOC_BODY")
	rm -f "$T"/ok.*; cp "$Q/new/$RID" "$T/ok.orig"
	: > "$T/starts"
	save_tpl fail
}
act_fail() { hs "$T/c3.json" "$@" -- run signed -- "${FAIL_H[@]}"; }
# the faulted run's state; then aged, clean runs with a handler that
# succeeds: done/, handled once, at attempt (failed starts + 1)
judge_fail() {
	local label=$1 rc=$2 rc0=$2 first n s a clean=0 i
	first=$(where_is); s=$(starts); a=$(attempts)
	if [ "$first" = "1 new" ] && [ "$s" = 1 ] && [ "$a" = 1 ] &&
	    [ "$(meta .next_attempt_at)" = "$(stat -c %Y "$Q/new/$RID")" ] &&
	    [ "$(meta .next_attempt_at)" -gt "$(date +%s)" ] &&
	    [ "$(meta '.last_exit, .started_at, .last_error' | tr '\n' ' ')" = "1 null exit status 1 " ]; then
		clean=1
	fi
	case $first in
	"1 new"|"1 cur") ;;
	*) bad "$label: after it the event is in [$first]"; return ;;
	esac
	n=${first#1 }
	if ! intact "$n"; then bad "$label: $n/$RID is not the event it was"; return; fi
	tmp_clean || { bad "$label: left [$(ls -A "$Q/tmp")] in tmp/"; return; }
	meta_clean || { bad "$label: left [$(ls -A "$Q/meta")] in meta/"; return; }
	[ "$s" -le 1 ] || { bad "$label: the handler started $s times"; return; }
	[ "$a" = "$s" ] || { bad "$label: meta says $a attempts, the handler started $s times"; return; }
	[ "$rc" != 0 ] || { bad "$label: exit 0"; return; }
	[ "$clean" = 1 ] || said_so || { bad "$label: left [$first] attempts $a, next $(meta .next_attempt_at), without a word"; return; }
	for i in 1 2 3; do
		[ "$(where_is)" = "1 done" ] && break
		age
		rc=$(hs "$T/c3.json" -- run signed -- "${OK_H[@]}")
	done
	if [ "$(where_is)" != "1 done" ] || ! intact done; then
		bad "$label: after [$first], clean runs left [$(where_is)]"
	elif [ "$rc" != 0 ]; then
		bad "$label: the clean run exited $rc"
	elif [ "$(grep -c ' ok$' "$T/starts")" != 1 ] ||
	    [ "$(grep ' ok$' "$T/starts" | cut -d' ' -f2)" != $((s + 1)) ]; then
		bad "$label: handler starts after [$first]: $(tr '\n' ',' < "$T/starts")"
	elif [ "$s" = 0 ] && [ "$(meta .)" != none ]; then
		# an event that never failed keeps no meta (README)
		bad "$label: handled at the first start, but meta is left: $(meta 'tojson')"
	elif [ "$s" != 0 ] && [ "$(attempts) $(meta '.done_at > 0')" != "$((s + 1)) true" ]; then
		bad "$label: done, but meta says attempts $(attempts), done_at $(meta .done_at)"
	else
		ok "$label: exit $rc0, [$first] after $s start(s)$([ $clean = 1 ] && echo ' (clean)'), then done at attempt $((s + 1))"
	fi
}

setup_deadletter() {
	rm -rf "$RS"
	RID=$(deliver docs HTTP_X_DOCUMENSO_SECRET="$SECRET" "$DOC_BODY")
	rm -f "$T"/ok.*; cp "$Q/new/$RID" "$T/ok.orig"
	: > "$T/starts"
	hs "$T/c2.json" -- run signed -- "${FAIL_H[@]}" > /dev/null
	age
	save_tpl deadletter
	check "deadletter: set up at attempt 1 of 2, due" "$(where_is) $(attempts) $(starts)" "1 new 1 1"
}
act_deadletter() { hs "$T/c2.json" "$@" -- run signed -- "${FAIL_H[@]}"; }
# after it: failed/ (or still new/ or cur/); aged, clean runs (the handler
# still failing) end in failed/ after exactly 2 starts in all
judge_deadletter() {
	local label=$1 rc=$2 rc0=$2 first n s a clean=0 i
	first=$(where_is); s=$(($(starts) - 1)); a=$(attempts)
	[ "$first" = "1 failed" ] && [ "$s" = 1 ] && [ "$a" = 2 ] &&
	    [ "$(meta '.failed_at > 0, .started_at, .next_attempt_at, .last_exit' | tr '\n' ' ')" = "true null null 1 " ] &&
	    clean=1
	case $first in
	"1 new"|"1 cur"|"1 failed") ;;
	*) bad "$label: after it the event is in [$first]"; return ;;
	esac
	n=${first#1 }
	if ! intact "$n"; then bad "$label: $n/$RID is not the event it was"; return; fi
	tmp_clean || { bad "$label: left [$(ls -A "$Q/tmp")] in tmp/"; return; }
	meta_clean || { bad "$label: left [$(ls -A "$Q/meta")] in meta/"; return; }
	[ "$s" -le 1 ] || { bad "$label: the handler started $s times"; return; }
	[ "$a" = $((s + 1)) ] || { bad "$label: meta says $a attempts, the handler started $((s + 1)) times"; return; }
	[ "$rc" != 0 ] || { bad "$label: exit 0"; return; }
	[ "$clean" = 1 ] || said_so || { bad "$label: left [$first] attempts $a without a word"; return; }
	for i in 1 2 3; do
		[ "$(where_is)" = "1 failed" ] && break
		age
		hs "$T/c2.json" -- run signed -- "${FAIL_H[@]}" > /dev/null
	done
	if [ "$(where_is)" != "1 failed" ] || ! intact failed; then
		bad "$label: after [$first], clean runs left [$(where_is)]"
	elif [ "$(starts)" != 2 ] || [ "$(cut -d' ' -f2 "$T/starts" | tr '\n' ' ')" != "1 2 " ]; then
		bad "$label: handler starts after [$first]: $(tr '\n' ',' < "$T/starts")"
	elif [ "$(attempts)" != 2 ]; then
		bad "$label: failed/, but meta says attempts $(attempts)"
	elif [ "$(meta '.failed_at > 0')" != true ] &&
	    ! grep -q 'cannot write meta' "$T/err.first"; then
		bad "$label: failed/, but meta says failed_at $(meta .failed_at), and nobody said why"
	elif [ "$(meta '.failed_at > 0')" != true ]; then
		# the record of the last attempt was lost, and said so; the
		# event is a dead letter all the same (README: exit 1 names it)
		ok "$label: exit $rc0, [$first], failed/ after 2 starts; meta not updated (said so: cannot write meta)"
	else
		ok "$label: exit $rc0, [$first]$([ $clean = 1 ] && echo ' (clean)'), then failed/ after 2 starts"
	fi
}

# a held Ignisign event, made the way verify makes one: the answer "held"
# on record (a lost check, then alreadyConsumed), carried out by verify
setup_held() {
	rm -rf "$RS"
	RID=$(deliver ign X=1 '{"appId":"appId_test","appEnv":"DEVELOPMENT","topic":"SIGNATURE_PROOF","action":"GENERATED","msgNature":"SUCCESS","content":{"signatureRequestId":"sr-1"},"verificationToken":"tok-1"}')
	mkdir -p "$Q/meta"
	echo "{\"id\":\"$RID\",\"queue\":\"signed\",\"verify\":{\"outcome\":\"held\",\"reason\":\"alreadyConsumed\",\"interrupted_at\":1,\"interrupted\":\"timed out\"}}" > "$Q/meta/$RID.json"
	hs "$T/c3.json" -- verify > /dev/null
	: > "$T/starts"
	check "verify: set up a held event" "$(where_is)" "1 held"
	rm -f "$T"/ok.*
	cp "$Q/held/$RID" "$T/ok.orig"
	sed 's/"verified":false,"verified_scope":"none"/"verified":true,"verified_scope":"body"/' "$T/ok.orig" > "$T/ok.verified"
	save_tpl held
}
act_release() { hs "$T/c3.json" "$@" -- verify --release "$RID"; }
act_reject() { hs "$T/c3.json" "$@" -- verify --reject "$RID" --reason "no such signature"; }
# judge_decision LABEL RC release|reject
judge_decision() {
	local label=$1 rc=$2 rc0=$2 how=$3 first n want wantfile d clean=0 cmd
	if [ "$how" = release ]; then
		want=new wantfile=ok.verified d=released cmd=act_release
	else
		want=rejected wantfile=ok.orig d=rejected cmd=act_reject
	fi
	first=$(where_is)
	final_ok() {	# the whole decision: state, bytes, meta
		[ "$(where_is)" = "1 $want" ] && cmp -s "$T/$wantfile" "$Q/$want/$RID" &&
		    if [ "$how" = release ]; then
			[ "$(meta '.verify | [.decision, .outcome, .held_reason, .reason] | join(",")')" = "released,valid,alreadyConsumed," ]
		    else
			[ "$(meta '.verify | [.decision, .outcome, .held_reason, .reason] | join(",")')" = "rejected,invalid,alreadyConsumed,rejected by hand: no such signature" ]
		    fi
	}
	final_ok && clean=1
	case $first in
	"1 held"|"1 $want") ;;
	*) bad "$label: after it the event is in [$first]"; return ;;
	esac
	n=${first#1 }
	if [ "$n" = "$want" ]; then
		cmp -s "$T/$wantfile" "$Q/$n/$RID" || { bad "$label: $n/$RID is not the $how copy"; return; }
		[ "$(meta .verify.decision)" = "$d" ] || { bad "$label: in $n/ but meta's decision is [$(meta .verify.decision)]"; return; }
	elif ! intact held; then
		bad "$label: held/$RID is neither the event nor its verified copy"; return
	fi
	tmp_clean || { bad "$label: left [$(ls -A "$Q/tmp")] in tmp/"; return; }
	meta_clean || { bad "$label: left [$(ls -A "$Q/meta")] in meta/"; return; }
	if [ "$clean" = 0 ]; then
		[ "$rc" != 0 ] || { bad "$label: exit 0, but [$first], meta $(meta ".verify|tojson")"; return; }
		said_so || { bad "$label: exit $rc without a word"; return; }
	elif [ "$rc" != 0 ]; then
		# done, but a step after it failed (an fsync): said so
		said_so || { bad "$label: complete, exit $rc without a word"; return; }
	fi
	rc=$($cmd)
	if ! final_ok; then
		bad "$label: after [$first], the rerun (exit $rc) left [$(where_is)], meta $(meta ".verify|tojson")"
	elif [ "$rc" != 0 ]; then
		bad "$label: the rerun exited $rc"
	elif [ "$how" = release ] && { [ "$(hs "$T/c3.json" -- run signed -- "${OK_H[@]}")" != 0 ] ||
	    [ "$(where_is) $(starts)" != "1 done 1" ]; }; then
		bad "$label: released, then run left [$(where_is)] after $(starts) start(s)"
	else
		ok "$label: exit $rc0, [$first]$([ $clean = 1 ] && echo ' (complete)'), then $d$([ "$how" = release ] && echo ', handled once')"
	fi
}
judge_release() { judge_decision "$1" "$2" release; }
judge_reject() { judge_decision "$1" "$2" reject; }

# a dead letter (2 failed starts), for `retry ID`
setup_retry() {
	restore deadletter
	RID=$(ls "$Q/new")
	hs "$T/c2.json" -- run signed -- "${FAIL_H[@]}" > /dev/null
	check "retry: set up a dead letter" "$(where_is) $(attempts)" "1 failed 2"
	rm -f "$T"/ok.*; cp "$Q/failed/$RID" "$T/ok.orig"
	save_tpl retry
}
act_retry() { hs "$T/c2.json" "$@" -- retry "$RID"; }
# after it: failed/ or new/ (then with attempts reset: meta first); a rerun
# of retry and a clean run handle it once, at attempt 1
judge_retry() {
	local label=$1 rc=$2 rc0=$2 first n clean=0
	first=$(where_is)
	[ "$first" = "1 new" ] && [ "$(meta '[.attempts, .failed_at, .retried_at > 0] | map(tostring) | join(",")')" = "0,null,true" ] &&
	    clean=1
	case $first in
	"1 new"|"1 failed") ;;
	*) bad "$label: after it the event is in [$first]"; return ;;
	esac
	n=${first#1 }
	intact "$n" || { bad "$label: $n/$RID is not the event it was"; return; }
	[ "$n" = failed ] || [ "$(attempts)" = 0 ] || { bad "$label: in new/ with attempts $(attempts)"; return; }
	tmp_clean || { bad "$label: left [$(ls -A "$Q/tmp")] in tmp/"; return; }
	meta_clean || { bad "$label: left [$(ls -A "$Q/meta")] in meta/"; return; }
	if [ "$clean" = 0 ] && [ "$rc" = 0 ]; then bad "$label: exit 0, but [$first] attempts $(attempts)"; return; fi
	[ "$rc" = 0 ] || said_so || { bad "$label: exit $rc without a word"; return; }
	: > "$T/starts"
	rc=$(act_retry)
	if [ "$rc" != 0 ] || [ "$(where_is) $(attempts)" != "1 new 0" ]; then
		bad "$label: after [$first], the rerun (exit $rc) left [$(where_is)] attempts $(attempts)"
	elif [ "$(hs "$T/c2.json" -- run signed -- "${OK_H[@]}")" != 0 ] ||
	    [ "$(where_is) $(tr '\n' ' ' < "$T/starts")" != "1 done $RID 1 ok " ]; then
		bad "$label: after the retry, run left [$(where_is)], starts: $(tr '\n' ',' < "$T/starts")"
	else
		ok "$label: exit $rc0, [$first]$([ $clean = 1 ] && echo ' (clean)'), then retried and handled once at attempt 1"
	fi
}

# walk NAME TEMPLATE: trace the command once, then fail each call in turn
walk() {
	local name=$1 tpl=$2 n call what rc runs=0
	restore "$tpl"
	rm -f "$T/trace"
	rc=$("act_$name" LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$RS" HS_FAIL_LOG="$T/trace")
	cp "$T/err" "$T/err.first"
	"judge_$name" "$name: trace run (no fault)" "$rc"
	echo "# $name: $(wc -l < "$T/trace") file operations on the spool: $(awk '{print $2}' "$T/trace" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
	cp "$T/trace" "$T/trace.$name"
	sed "s|$RS/||; s/^/#   /" "$T/trace"
	while read -r n call _; do
		for what in $(errnos_for "$call"); do
			restore "$tpl"
			rc=$("act_$name" LD_PRELOAD="$SHIM" HS_FAIL_UNDER="$RS" HS_FAIL="$n:$what")
			cp "$T/err" "$T/err.first"
			"judge_$name" "$name: call $n ($call) fails with $what" "$rc"
			runs=$((runs + 1))
		done
	done < "$T/trace.$name"
	echo "# $name: $runs faulted runs"
}

# INJECT_CLI_ONLY="fail retry" walks only those
only() { [ -z "${INJECT_CLI_ONLY:-}" ] || [[ " $INJECT_CLI_ONLY " == *" $1 "* ]]; }
only fail && { setup_fail; walk fail fail; }
setup_deadletter
only deadletter && walk deadletter deadletter
setup_held
only release && walk release held
only reject && walk reject held
setup_retry
only retry && walk retry retry

hs_summary inject_cli

#!/usr/bin/env bash
# fuzz/regress.sh FUZZ_BUILD HARNESS... - replays every kept input through
# its harness once: fuzz/regress/<harness>/ (crashers found so far, each
# fixed) and the seed corpus fuzz/corpus/<harness>/. A replay passes when
# the harness exits 0 (no sanitizer report, no broken invariant).
set -u
FB=${1:?usage: fuzz/regress.sh FUZZ_BUILD HARNESS...}
shift
DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/lib/check.sh
. "$DIR/../tests/lib/check.sh"
LOG=$(mktemp /tmp/hs-fuzz-regress-XXXXXX)
trap 'rm -f "$LOG"' EXIT

for h in "$@"; do
	for f in "$DIR/regress/$h"/* "$DIR/corpus/$h"/*; do
		[ -f "$f" ] || continue
		name=${f#"$DIR"/}
		if "$FB/fuzz_$h" -close_fd_mask=2 "$f" > "$LOG" 2>&1; then
			ok "fuzz_$h $name"
		else
			bad "fuzz_$h $name"
			grep -E 'INVARIANT|ERROR|SUMMARY|runtime error' "$LOG" |
			    head -5 | sed 's/^/    | /'
		fi
	done
done
hs_summary fuzz-regress

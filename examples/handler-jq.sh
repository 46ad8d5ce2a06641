#!/bin/sh
# examples/handler-jq.sh - a `hookspool run` handler: reads the event with
# jq and calls your own system. Exit 0 and the event is done; exit non-zero
# (or let a command fail under `set -e`) and hookspool retries it later,
# up to retry.max_attempts, then keeps it in failed/ with our stderr.
#
#   hookspool run completed -- /usr/local/bin/handler-jq.sh
#
# Everything is in the file on stdin (also at $HOOKSPOOL_FILE); the
# envelope fields are in the environment as well.
set -eu

event=$(cat)	# the whole event: small, and read once

# Our fields: see README "The spool". The sender's body is .body, verbatim.
doc=$(printf '%s' "$event" | jq -r '.document_id // empty')
actor=$(printf '%s' "$event" | jq -r '.actor | if type == "object" then (.email // .name // "") else (. // "") end')

case "$HOOKSPOOL_EVENT" in
documentCompleted|document.completed|SIGNATURE_REQUEST.COMPLETED)
	;;
*)
	# routed here but nothing to do: done, not failed
	echo "ignoring $HOOKSPOOL_EVENT ($HOOKSPOOL_ID)" >&2
	exit 0
	;;
esac

if [ -z "$doc" ]; then
	echo "no document id in $HOOKSPOOL_ID" >&2
	exit 1	# retried; ends in failed/ where `hookspool show` explains
fi

# Idempotent on our side: a retry after a timeout may repeat this call.
printf '%s' "$event" | jq -c --arg doc "$doc" --arg actor "$actor" \
    '{document: $doc, signed_by: $actor, at: .occurred_at, attempt: env.HOOKSPOOL_ATTEMPT}' |
    curl -fsS --max-time 20 -H 'Content-Type: application/json' \
	--data-binary @- "https://erp.example.com/api/documents/$doc/completed"

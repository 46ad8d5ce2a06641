#!/usr/bin/env bash
# tests/report/run.sh BUILD - `hookspool report --html FILE`, the static
# status page: events from the real receiver (BUILD/hookspool.fcgi in CGI
# mode) and a real runner, the page opened in headless Chromium and its
# numbers read from the DOM; what it must never show (secret, signature,
# body); written atomically; symlinks in the spool refused; and
# www/status/.htaccess behind a real Apache with www/.htaccess above it.
# The screenshot stays in BUILD/report/status.png. One line per check,
# then "report: N passed, N failed"; exit status 1 when anything failed.
# Chromium or Apache missing: a failure when CI=true, skipped otherwise.
set -u

BUILD=$(cd "${1:-build}" && pwd) || exit 2
HS=$BUILD/hookspool
FCGI=$BUILD/hookspool.fcgi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
for tool in jq openssl python3 timeout curl; do
	command -v $tool >/dev/null || { echo "missing $tool"; exit 2; }
done
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"
# shellcheck source=../lib/servers.sh
. "$HERE/../lib/servers.sh"

T=$(mktemp -d)
cleanup() { hs_stop_server; rm -rf "$T"; }
trap cleanup EXIT
ART=$BUILD/report
mkdir -p "$ART"

# missing NAME: a failure under CI, a skip elsewhere
missing() {
	if [ "${CI:-}" = true ]; then bad "$1 missing (CI=true: not skipped)"
	else echo "skip: $1 not installed"; fi
}

SECRET=report-secret-$$-7f3a
MARKER=BODYMARKER-$$-c0ffee
SPOOL=$T/spool
CFG=$T/hookspool.json
echo "skv2_report_test_$$" >"$T/api.key"
chmod 600 "$T/api.key"
cat >"$CFG" <<EOF
{
  "_comment": "tests/report/run.sh",
  "spool_dir": "$SPOOL",
  "durable": true,
  "max_body_bytes": 4096,
  "retry": { "max_attempts": 1, "backoff_seconds": 0,
             "backoff_max_seconds": 0, "lease_seconds": 2,
             "timeout_seconds": 20, "keep_done_seconds": 3600 },
  "endpoints": {
    "circ": { "provider": "circularo", "secrets": ["$SECRET"],
              "routes": { "fail.*": "failq", "*": "inbox" } },
    "ign": { "provider": "ignisign", "app_id": "appId_test",
             "app_env": "DEVELOPMENT", "api_key": "file:$T/api.key",
             "api_base_url": "http://127.0.0.1:9", "routes": { "*": "signed" } }
  }
}
EOF
hs() { timeout 60 "$HS" -c "$CFG" "$@"; }
# cgi ENDPOINT BODY [VAR=VALUE...]: the receiver's status code
cgi() {
	local ep=$1 body=$2; shift 2
	printf %s "$body" | env -i REQUEST_METHOD=POST PATH_INFO="/$ep" \
	    CONTENT_LENGTH="$(printf %s "$body" | wc -c)" \
	    CONTENT_TYPE=application/json HOOKSPOOL_CONFIG="$CFG" "$@" \
	    "$FCGI" 2>>"$T/fcgi.log" | head -n 1 | sed 's/^Status: \([0-9]*\).*/\1/'
}
sig() { printf %s "$1" | openssl dgst -sha256 -hmac "$2" | sed 's/^.*= //'; }
body() { # EVENT UNIQUE: a Circularo event carrying the body marker
	jq -cn --arg e "$1" --arg d "doc-$2" --arg m "$MARKER" \
	    '{event: $e, documentId: $d, timestamp: 1763900000000, note: $m}'
}
# every signature header value sent, to look for on the page
: >"$T/sigs"
post() { # EVENT UNIQUE [KEY]: signed with KEY (default the secret)
	local b s
	b=$(body "$1" "$2")
	s=$(sig "$b" "${3:-$SECRET}")
	echo "$s" >>"$T/sigs"
	cgi circ "$b" HTTP_X_CIRCULARO_SIGNATURE="$s"
}
post_ign() { # TOKEN
	cgi ign "{\"appId\":\"appId_test\",\"appEnv\":\"DEVELOPMENT\",\"topic\":\"SIGNATURE_PROOF\",\"action\":\"GENERATED\",\"msgNature\":\"SUCCESS\",\"content\":{\"note\":\"$MARKER\"},\"verificationToken\":\"$1\"}"
}

# ------------------------------------------------------- the scripted mix
# N accepted on circ (one of them the event that fails), 401s with a
# rotated-away key, a 404 for an endpoint not in the config, a 413, an
# Ignisign event left pending and one made held.
N=5
FAILNAME="fail.<b>\"q'&x"
for i in 1 2 3 4; do check "accepted $i" "$(post doc.signed "$i")" 200; done
check "accepted: the one that will fail" "$(post "$FAILNAME" f1)" 200
N401=3
for i in 1 2 3; do check "bad signature $i: 401" "$(post doc.signed "bad$i" rotated-away-key)" 401; done
check "unknown endpoint: 404" "$(cgi nosuch '{}')" 404
big=$(head -c 5000 /dev/zero | tr '\0' a)
check "a body over max_body_bytes: 413" "$(cgi circ "$big" HTTP_X_CIRCULARO_SIGNATURE="$(sig "$big" "$SECRET")")" 413
check "Ignisign: 200, pending" "$(post_ign tok-pending-$$)" 200
check "Ignisign: a second one" "$(post_ign tok-held-$$)" 200
# the second is made held, as verify leaves an interrupted check that came
# back negative (tests/cli/ignisign.sh does it for real, with its stub)
HELD=$(ls "$SPOOL/signed/pending" | sort | tail -n 1)
PENDING=$(ls "$SPOOL/signed/pending" | sort | head -n 1)
mkdir -p "$SPOOL/signed/held" "$SPOOL/signed/meta"
mv "$SPOOL/signed/pending/$HELD" "$SPOOL/signed/held/"
NOW=$(date +%s)
printf '{"id":"%s","queue":"signed","verify":{"checks":2,"interrupted_at":%d,"checked_at":%d,"held_at":%d,"outcome":"held","reason":"alreadyConsumed","response":{"token":"%s"}}}\n' \
    "$HELD" $((NOW - 120)) $((NOW - 60)) $((NOW - 60)) "$MARKER" >"$SPOOL/signed/meta/$HELD.json"

FAILID=$(ls "$SPOOL/failq/new")
check "the failing event is in failq/new" "$(ls "$SPOOL/failq/new" | wc -l)" 1
rc=$(hs run failq -- sh -c 'echo "<script>alert(1)</script> & boom" >&2; exit 3' 2>"$T/run.err"; echo $?)
check "run: the handler fails (exit 1)" "$rc" 1
check "after max_attempts 1 it is in failq/failed" "$(ls "$SPOOL/failq/failed")" "$FAILID"
check "two of inbox handled" "$(hs run inbox --max 2 -- true; echo $?)" 0

# ---------------------------------------------------------------- the page
OUT=$T/out
mkdir "$OUT"
PAGE=$OUT/status.html
rc=$( (umask 077; hs report --html "$PAGE") 2>"$T/report.err"; echo $?)
check "report: exit 0" "$rc" 0
check "report: nothing on stderr" "$(cat "$T/report.err")" ""
check "page mode 0644 (whatever the umask)" "$(stat -c %a "$PAGE")" 644
check "no temp file left beside it" "$(ls -A "$OUT")" status.html
check "usage: no FILE" "$(hs report --html >/dev/null 2>&1; echo $?)" 2
check "usage: no --html" "$(hs report "$PAGE" >/dev/null 2>&1; echo $?)" 2
check "usage: a directory name" "$(hs report --html "$OUT/" >/dev/null 2>&1; echo $?)" 2
check "usage: the usage line" "$(hs report 2>&1)" "usage: hookspool report --html FILE"
check "report --help" "$("$HS" report --help)" "usage: hookspool report --html FILE"
check "a config that does not load: exit 2" "$("$HS" -c "$T/nosuch.json" report --html "$T/x.html" >/dev/null 2>&1; echo $?) $(test -e "$T/x.html"; echo $?)" "2 1"

# what the page must never show, in the file itself
check "the secret is not on the page" "$(grep -c -- "$SECRET" "$PAGE")" 0
check "no event body (its marker) on the page" "$(grep -c -- "$MARKER" "$PAGE")" 0
check "no signature header value on the page" "$(grep -c -F -f "$T/sigs" "$PAGE")" 0
check "the Ignisign api key is not on the page" "$(grep -c "skv2_report_test_$$" "$PAGE")" 0
check "the tokens are not on the page" "$(grep -c "tok-pending-$$\|tok-held-$$" "$PAGE")" 0
check "no <script> in the file" "$(grep -ci '<script' "$PAGE")" 0
check "nothing external: no src= or href=" "$(grep -ciE '(src|href)=' "$PAGE")" 0

# ------------------------------------------------------------- Chromium
# dom.py [--count] FILE SELECTOR [ATTR]: the text (or ATTR) of each element
# matching SELECTOR in the DOM Chromium dumped, or how many there are;
# SELECTOR is steps tag[attr="value"][attr]... separated by spaces, each
# an ancestor of the next
DOM=$T/dom.py
cat >"$DOM" <<'PY'
import re, signal, sys
from html.parser import HTMLParser
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head -n 1` is fine
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.kids = tag, dict(attrs), parent, []
    def text(self):
        return "".join(k if isinstance(k, str) else k.text() for k in self.kids)
class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", [], None)
        self.all = []
    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.kids.append(n)
        self.all.append(n)
        if tag not in VOID:
            self.cur = n
    def handle_startendtag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.kids.append(n)
        self.all.append(n)
    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent
    def handle_data(self, data):
        self.cur.kids.append(data)
def parse(sel):
    m = re.fullmatch(r'([\w*]*)((?:\[[\w-]+(?:="[^"]*")?\])*)', sel)
    return (m.group(1) or "*",
            re.findall(r'\[([\w-]+)(?:="([^"]*)")?\]', m.group(2)))
def matches(n, step):
    tag, conds = step
    return (tag == "*" or n.tag == tag) and all(
        k in n.attrs and (v == "" or n.attrs[k] == v) for k, v in conds)
def within(n, steps):
    # the steps before the last, each an ancestor of the next
    for step in reversed(steps):
        n = n.parent
        while n is not None and not (n.tag != "#root" and matches(n, step)):
            n = n.parent
        if n is None:
            return False
    return True
args = sys.argv[1:]
count = args[0] == "--count"
if count:
    args = args[1:]
t = Tree()
t.feed(open(args[0], encoding="utf-8").read())
steps = [parse(x) for x in args[1].split()]
hits = [n for n in t.all if matches(n, steps[-1]) and within(n, steps[:-1])]
if count:
    print(len(hits))
else:
    for n in hits:
        print(n.attrs.get(args[2], "") if len(args) > 2 else n.text())
PY
q() { # [--count] SELECTOR [ATTR]
	if [ "$1" = --count ]; then shift; python3 "$DOM" --count "$T/dom.html" "$@"
	else python3 "$DOM" "$T/dom.html" "$@"; fi
}

# HS_CHROMIUM: another browser binary (as HS_APACHE_BIN for Apache)
CHROMIUM=${HS_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
# chrome ARGS...: headless, its own profile, bounded
chrome() {
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$T/chrome" --no-first-run --no-default-browser-check \
	    --disable-extensions --disable-dev-shm-usage "$@" 2>>"$T/chrome.log"
}
if [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ]; then
	chrome --dump-dom "file://$PAGE" >"$T/dom.html"
	check "chromium --dump-dom: exit 0" "$?" 0
	holds "the DOM is there" grep -q 'id="generated"' "$T/dom.html"
	gen=$(q 'time[id="generated"]')
	holds "generated: ISO 8601 UTC ($gen)" \
	    sh -c "echo '$gen' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'"
	holds "generated: within the last minute" \
	    test $(( $(date +%s) - $(date -d "$gen" +%s) )) -lt 60
	check "generated: its datetime attribute" "$(q 'time[id="generated"]' datetime)" "$gen"
	check "circ accepted = $N" "$(q 'td[data-endpoint="circ"][data-outcome="accepted"]')" $N
	check "circ 401 = $N401" "$(q 'td[data-endpoint="circ"][data-outcome="401"]')" $N401
	check "circ 413 = 1" "$(q 'td[data-endpoint="circ"][data-outcome="413"]')" 1
	check "circ 400 = 0" "$(q 'td[data-endpoint="circ"][data-outcome="400"]')" 0
	check "circ arrivals = $N" "$(q 'td[data-endpoint="circ"][data-sum="arrivals"]')" $N
	check "circ refusals = $((N401 + 1))" "$(q 'td[data-endpoint="circ"][data-sum="refusals"]')" $((N401 + 1))
	check "(unknown) 404 = 1" "$(q 'td[data-endpoint="(unknown)"][data-outcome="404"]')" 1
	check "ign pending = 2" "$(q 'td[data-endpoint="ign"][data-outcome="pending"]')" 2
	check "every outcome of every endpoint has its cell" \
	    "$(q --count 'td[data-endpoint][data-outcome]')" $((3 * 16))
	check "the outcome words head the columns" \
	    "$(q 'table[class="counts"] thead th[scope="col"]' | tr '\n' ' ')" \
	    "endpoint accepted pending duplicate ignored 400 401 403 404 405 408 411 413 415 500 503 other arrivals refusals "
	q 'tr[class="hints"][data-endpoint="circ"] li[class="hint"]' >"$T/hints.circ"
	holds "hint: the 401s after accepted events (secret rotated?)" \
	    grep -qx '401 in the last hour after accepted events in the last day: signature mismatch: was the secret rotated?' "$T/hints.circ"
	holds "hint: the 413s" grep -qx '413: bodies over max_body_bytes: raise max_body_bytes' "$T/hints.circ"
	check "hint: (unknown) 404" \
	    "$(q 'tr[class="hints"][data-endpoint="(unknown)"] li[class="hint"]')" \
	    "404: requests for endpoints not in the config: check the URL the sender posts to"
	check "last refusal of circ: the 413 (the latest)" \
	    "$(q 'tr[data-endpoint="circ"] li[class="last-refusal"]' data-status)" 413

	# the chart: 24 groups of two bars, the exact numbers in <title>s
	check "chart: 24 hour groups" "$(q --count 'g[class="hour"]')" 24
	check "chart: 48 bars" "$(q --count 'rect[data-series]')" 48
	# this clock hour, or the one before if the run straddled the hour
	bars() { echo $(( $(q "rect[data-series=\"$1\"][data-ago=\"0\"]" data-count) + $(q "rect[data-series=\"$1\"][data-ago=\"1\"]" data-count) )); }
	check "chart: arrivals this hour" "$(bars arrivals)" $((N + 2))
	check "chart: refusals this hour" "$(bars refusals)" $((N401 + 2))
	check "chart: the bars' <title>s hold the numbers" \
	    "$(q 'rect[data-series="refusals"][data-ago="0"]' | sed 's/.*: //') $(q 'rect[data-series="arrivals"][data-ago="0"]' | sed 's/.*: //')" \
	    "$(q 'rect[data-series="refusals"][data-ago="0"]' data-count) refusals $(q 'rect[data-series="arrivals"][data-ago="0"]' data-count) arrivals"
	check "chart: the hours before are empty" "$(q 'rect[data-series]' data-count | sed -n '1,44p' | sort -u)" 0
	check "chart: 24 h sums" "$(q 'span[id="chart-arrivals"]') $(q 'span[id="chart-refusals"]')" "$((N + 2)) $((N401 + 2))"
	holds "chart: axes labelled" sh -c "grep -q 'answers per hour' '$T/dom.html' && grep -q 'hour (UTC)' '$T/dom.html'"

	# queues by state
	check "failq failed = 1" "$(q 'td[data-queue="failq"][data-state="failed"]')" 1
	check "failq new = 0" "$(q 'td[data-queue="failq"][data-state="new"]')" 0
	check "inbox new = 2" "$(q 'td[data-queue="inbox"][data-state="new"]')" 2
	check "inbox done = 2" "$(q 'td[data-queue="inbox"][data-state="done"]')" 2
	check "signed pending = 1" "$(q 'td[data-queue="signed"][data-state="pending"]')" 1
	check "signed held = 1" "$(q 'td[data-queue="signed"][data-state="held"]')" 1
	check "every state of every queue has its cell" \
	    "$(q --count 'td[data-queue][data-state]')" $((3 * 7))
	holds "inbox: the oldest new event's age in seconds" \
	    test "$(q 'td[data-queue="inbox"][data-field="oldest-new"]' data-seconds)" -ge 0
	check "failq: no new event, no age" "$(q 'td[data-queue="failq"][data-field="oldest-new"]' data-seconds)" ""

	# the failed event: id, name (escaped), attempts, exit, stderr as text
	check "failed: one row, its id" "$(q 'tr[class="event"][data-state="failed"]' data-id)" "$FAILID"
	check "failed: the count" "$(q 'span[id="failed-count"]')" 1
	check "failed: the event name, as text" \
	    "$(q "tr[data-id=\"$FAILID\"] td[data-field=\"event\"]")" "$FAILNAME"
	check "failed: the name made no element" "$(q --count b)" 0
	check "failed: attempts" "$(q "tr[data-id=\"$FAILID\"] td[data-field=\"attempts\"]")" 1
	check "failed: last exit" \
	    "$(q "tr[data-id=\"$FAILID\"] td[data-field=\"last-exit\"]" data-exit) $(q "tr[data-id=\"$FAILID\"] td[data-field=\"last-exit\"]")" "3 exit 3"
	check "failed: the stderr tail, as text" \
	    "$(q "pre[class=\"stderr\"][data-id=\"$FAILID\"]")" "<script>alert(1)</script> & boom"
	holds "failed: the DOM holds it escaped" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &amp; boom' "$T/dom.html"
	check "no <script> element in the DOM" "$(q --count script)" 0
	check "no <script> text in the dumped DOM" "$(grep -ci '<script' "$T/dom.html")" 0

	# pending and held: ids, names, times only
	check "pending: its id" "$(q 'tr[class="event"][data-state="pending"]' data-id)" "$PENDING"
	check "held: its id" "$(q 'tr[class="event"][data-state="held"]' data-id)" "$HELD"
	check "held: checks" "$(q "tr[data-id=\"$HELD\"] td[data-field=\"checks\"]")" 2
	holds "held: since when" test -n "$(q "tr[data-id=\"$HELD\"] td[data-field=\"held-at\"] time" datetime)"
	check "held: the check's answer is not shown" "$(grep -c alreadyConsumed "$T/dom.html")" 0
	check "waiting: the count" "$(q 'span[id="waiting-count"]')" 2
	check "no problems section" "$(q --count 'section[id="problems"]')" 0

	check "DOM: the secret absent" "$(grep -c -- "$SECRET" "$T/dom.html")" 0
	check "DOM: no body marker" "$(grep -c -- "$MARKER" "$T/dom.html")" 0
	check "DOM: no signature header value" "$(grep -c -F -f "$T/sigs" "$T/dom.html")" 0

	rm -f "$ART/status.png"
	chrome --hide-scrollbars --window-size=1200,1600 \
	    --screenshot="$ART/status.png" "file://$PAGE" >/dev/null
	check "screenshot: exit 0" "$?" 0
	holds "screenshot: a PNG over 10 KB ($(stat -c %s "$ART/status.png" 2>/dev/null) bytes)" \
	    sh -c "test \"\$(stat -c %s '$ART/status.png')\" -gt 10240 && head -c 8 '$ART/status.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
	cp "$PAGE" "$ART/status.html"
else
	missing "chromium (Debian package chromium)"
fi

# ------------------------------------------------------ written atomically
ino=$(stat -c %i "$PAGE")
check "again: exit 0" "$(hs report --html "$PAGE"; echo $?)" 0
check "again: replaced (a new inode), not rewritten in place" "$(test "$(stat -c %i "$PAGE")" != "$ino" && echo yes)" yes
check "again: one page, not two" "$(grep -c '<!DOCTYPE html>' "$PAGE")" 1
check "again: no temp file left" "$(ls -A "$OUT")" status.html
cp "$PAGE" "$T/page.before"
ino=$(stat -c %i "$PAGE")
# a write that fails half-way: the file size limit (SIGXFSZ ignored, so
# write(2) says EFBIG). 16 KiB, not less: a coverage build's .gcda files
# (up to ~6 KiB), written at exit under the same limit, must not be cut
holds "the page is larger than the limit below" test "$(stat -c %s "$PAGE")" -gt 16384
rc=$( (trap '' XFSZ; ulimit -f 16; hs report --html "$PAGE") 2>"$T/efbig.err"; echo $?)
check "a failed write: exit 1" "$rc" 1
holds "a failed write: says why" grep -q "hookspool: report: $PAGE: write failed" "$T/efbig.err"
holds "a failed write: the old page intact" cmp -s "$T/page.before" "$PAGE"
check "a failed write: the same file" "$(stat -c %i "$PAGE")" "$ino"
check "a failed write: no temp file left" "$(ls -A "$OUT")" status.html
check "a directory that does not exist: exit 1" "$(hs report --html "$T/nosuch/status.html" 2>/dev/null; echo $?)" 1
holds "a directory that does not exist: nothing created" test ! -e "$T/nosuch"
mkdir "$OUT/adir"
check "FILE is a directory: exit 1" "$(hs report --html "$OUT/adir" 2>/dev/null; echo $?)" 1
check "FILE is a directory: left as it was, no temp file" "$(ls -A "$OUT/adir" | wc -l) $(ls -A "$OUT" | tr '\n' ' ')" "0 adir status.html "
rmdir "$OUT/adir"
# a leftover temp file of ours (a run that died): replaced, not followed
ln -s "$T/victim" "$OUT/status.html.tmp-424242"
echo keep >"$T/victim"
check "a planted temp-name symlink: not followed" "$(hs report --html "$OUT/status.html" 2>/dev/null; echo $?) $(cat "$T/victim")" "0 keep"
rm -f "$OUT/status.html.tmp-424242"

# ------------------------------------ nothing counted yet; a torn counters file
ECFG=$T/empty.json
sed "s|\"spool_dir\": \"$SPOOL\"|\"spool_dir\": \"$T/empty\"|" "$CFG" >"$ECFG"
check "an empty spool: exit 0" "$("$HS" -c "$ECFG" report --html "$T/empty.html"; echo $?)" 0
check "an empty spool: nothing counted yet" "$(grep -c 'id="counters-none">Nothing counted yet' "$T/empty.html")" 1
SP=$T/sym
SCFG=$T/sym.json
sed "s|\"spool_dir\": \"$SPOOL\"|\"spool_dir\": \"$SP\"|" "$CFG" >"$SCFG"
cp -a "$SPOOL" "$SP"
head -c 1000 /dev/zero >"$SP/.counters"
rc=$("$HS" -c "$SCFG" report --html "$T/torn.html" 2>"$T/torn.err"; echo $?)
check "a torn counters file: exit 0, the page written" "$rc $(test -s "$T/torn.html" && echo yes)" "0 yes"
holds "a torn counters file: a warning on stderr" grep -q "hookspool: report: warning: $SP/.counters: " "$T/torn.err"
check "a torn counters file: said on the page" "$(grep -c 'id="counters-error"' "$T/torn.html")" 1
check "a torn counters file: the queues still there" "$(grep -c 'data-queue="failq" data-state="failed" class="bad">1<' "$T/torn.html")" 1
rm -f "$SP/.counters"

# ------------------------------------ symlinks in the spool are never followed
mkdir -p "$T/svictim"
for f in a b; do echo keep >"$T/svictim/$f"; done
mv "$SP/inbox/new" "$T/inbox-new"
ln -s "$T/svictim" "$SP/inbox/new"
rc=$("$HS" -c "$SCFG" report --html "$T/sym.html" 2>"$T/sym.err"; echo $?)
check "inbox/new a symlink: exit 1" "$rc" 1
holds "inbox/new a symlink: the page still written" test -s "$T/sym.html"
holds "inbox/new a symlink: stderr names it" grep -qF "$SP/inbox/new: is a symbolic link" "$T/sym.err"
check "inbox/new a symlink: a problem on the page" "$(grep -c '<li class="problem"><code>inbox/new</code>: is a symbolic link' "$T/sym.html")" 1
check "inbox/new a symlink: its cell says refused" "$(grep -c 'data-queue="inbox" data-state="new" class="refused" data-refused="1">refused<' "$T/sym.html")" 1
check "inbox/new a symlink: the rest counted" "$(grep -c 'data-queue="inbox" data-state="done" class="n">2<' "$T/sym.html")" 1
check "inbox/new a symlink: the victim untouched" "$(cat "$T/svictim/a" "$T/svictim/b" | tr '\n' ' ')" "keep keep "
rm "$SP/inbox/new"; mv "$T/inbox-new" "$SP/inbox/new"
# a failed event that is a symlink to a file only root may read
cp "$SP/failq/failed/$FAILID" "$T/topsecret"
sed -i 's/boom/TOPSECRET/' "$T/topsecret"
chmod 600 "$T/topsecret"
ln -s "$T/topsecret" "$SP/failq/failed/1763900000.M1P1R1Q1.evil"
rc=$("$HS" -c "$SCFG" report --html "$T/sym2.html" 2>"$T/sym2.err"; echo $?)
check "a symlinked event: exit 1" "$rc" 1
holds "a symlinked event: stderr names it" grep -qF "$SP/failq/failed/1763900000.M1P1R1Q1.evil: is a symbolic link" "$T/sym2.err"
check "a symlinked event: not counted" "$(grep -c 'data-queue="failq" data-state="failed" class="bad">1<' "$T/sym2.html")" 1
check "a symlinked event: not listed" "$(grep -c 'class="event" data-id="1763900000.M1P1R1Q1.evil"' "$T/sym2.html")" 0
check "a symlinked event: its target never read" "$(grep -c TOPSECRET "$T/sym2.html")" 0
rm "$SP/failq/failed/1763900000.M1P1R1Q1.evil"
# a meta file that is a symlink: refused, the event still listed
mv "$SP/failq/meta/$FAILID.json" "$T/failmeta.json"
ln -s "$T/failmeta.json" "$SP/failq/meta/$FAILID.json"
rc=$("$HS" -c "$SCFG" report --html "$T/sym3.html" 2>"$T/sym3.err"; echo $?)
check "a symlinked meta: exit 1, still listed" "$rc $(grep -c "class=\"event\" data-id=\"$FAILID\"" "$T/sym3.html")" "1 1"
check "a symlinked meta: its stderr tail not shown" "$(grep -c 'alert(1)' "$T/sym3.html")" 0

rm "$SP/failq/meta/$FAILID.json"; mv "$T/failmeta.json" "$SP/failq/meta/$FAILID.json"

# --------------------------------------------- what is listed is bounded
# 205 more failed events, older than the real one; one with a stderr tail
# over 4 KiB, terminal escapes in it, killed by a signal
for i in $(seq 1 205); do
	cp "$SP/failq/failed/$FAILID" "$SP/failq/failed/$((1763900000 + i)).M1P1R0Q$i.test"
done
LONG=1763900205.M1P1R0Q205.test
jq -n --arg t "$(head -c 6000 /dev/zero | tr '\0' x)$(printf '\033[31mred\001')END" \
    '{attempts: 2, last_exit: null, last_signal: 9, last_timed_out: false, last_stderr: $t}' \
    >"$SP/failq/meta/$LONG.json"
rc=$("$HS" -c "$SCFG" report --html "$T/many.html" 2>"$T/many.err"; echo $?)
check "206 failed: exit 0" "$rc" 0
m() { # [--count] SELECTOR [ATTR]
	if [ "$1" = --count ]; then shift; python3 "$DOM" --count "$T/many.html" "$@"
	else python3 "$DOM" "$T/many.html" "$@"; fi
}
check "206 failed: the count" "$(m 'span[id="failed-count"]')" 206
check "206 failed: 200 listed" "$(m --count 'tr[class="event"][data-state="failed"]')" 200
check "206 failed: and 6 more" "$(m 'p[id="failed-more"]' data-more)" 6
check "206 failed: newest first" "$(m 'tr[class="event"][data-state="failed"]' data-id | head -n 1)" "$FAILID"
check "206 failed: the oldest left out" "$(grep -c 'data-id="1763900001.M1P1R0Q1.test"' "$T/many.html")" 0
check "killed by a signal: shown so" "$(m "tr[data-id=\"$LONG\"] td[data-field=\"last-exit\"]")" "signal 9"
m "pre[data-id=\"$LONG\"]" >"$T/long.txt"
holds "a long stderr tail: its end shown" grep -q 'END$' "$T/long.txt"
# the last 4096 bytes, its two control bytes shown as 4 characters each
check "a long stderr tail: its last 4 KiB exactly" "$(wc -c <"$T/long.txt")" $((4096 + 6 + 1))
holds "terminal escapes shown as text" grep -qF '\x1b[31mred\x01END' "$T/long.txt"

# --------------------------- www/status/.htaccess behind a real Apache
if [ -x "$HS_APACHE_BIN" ] && command -v htpasswd >/dev/null; then
	ASPOOL=$T/aspool
	ACFG=$T/apache.json
	hs_prepare_spool "$ASPOOL"
	sed "s|\"spool_dir\": \"$SPOOL\"|\"spool_dir\": \"$ASPOOL\"|" "$CFG" >"$ACFG"
	chmod 0644 "$ACFG" "$T/api.key"
	if hs_start_apache_htaccess "$FCGI" "$ACFG" "$T/apache" cgi setenv; then
		AD=$T/apache/apache-htaccess-cgi
		# the test Apache loads no auth modules (servers.sh's list);
		# a host's default set has these three
		hs_stop_server
		for m in authn_core authn_file auth_basic authz_user; do
			printf 'LoadModule %s_module "%s/mod_%s.so"\n' "$m" "$HS_APACHE_MODDIR" "$m"
		done >>"$AD/httpd.conf"
		_hs_apache_start "$AD" apache-htaccess-cgi
		check "apache with the auth modules: up" "$?" 0
		D=$HS_DOCROOT/status
		mkdir -p "$D"
		htpasswd -cbB "$T/apache/htpasswd" ops "s3cret pass" 2>/dev/null
		chmod 0644 "$T/apache/htpasswd"
		grep -q '^AuthUserFile /home/USER/.htpasswd-hookspool$' "$REPO/www/status/.htaccess"
		check "www/status/.htaccess names the documented AuthUserFile" "$?" 0
		sed "s|^AuthUserFile /home/USER/.htpasswd-hookspool$|AuthUserFile $T/apache/htpasswd|" \
		    "$REPO/www/status/.htaccess" >"$D/.htaccess"
		chmod 0755 "$D"; chmod 0644 "$D/.htaccess"
		check "the page written into the docroot" "$(hs -c "$ACFG" report --html "$D/index.html" 2>/dev/null; echo $?)" 0
		echo other >"$D/other.txt"
		echo '<p>other</p>' >"$D/other.html"
		echo partial >"$D/index.html.tmp-4242"
		mkdir -p "$D/sub" && echo sub >"$D/sub/index.html"
		chmod -R a+rX "$D"
		code() { curl -s -o "$T/curl.body" -D "$T/curl.head" -w '%{http_code}' --max-time 10 "$@"; }
		check "status/ without a password: 401" "$(code "$HS_URL/status/")" 401
		holds "401: asks for Basic auth" grep -qi '^WWW-Authenticate: Basic realm="hookspool status"' "$T/curl.head"
		check "status/ with the wrong password: 401" "$(code -u 'ops:wrong' "$HS_URL/status/")" 401
		check "status/ with a user not in the file: 401" "$(code -u 'eve:s3cret pass' "$HS_URL/status/")" 401
		check "status/ with the password: 200" "$(code -u 'ops:s3cret pass' "$HS_URL/status/")" 200
		holds "status/: the page itself" cmp -s "$T/curl.body" "$D/index.html"
		holds "status/: served as UTF-8 HTML" grep -qi '^Content-Type: text/html; charset=utf-8' "$T/curl.head"
		check "status/index.html with the password: 200" "$(code -u 'ops:s3cret pass' "$HS_URL/status/index.html")" 200
		check "status/index.html without: 401" "$(code "$HS_URL/status/index.html")" 401
		check_in "status (no slash) with the password: to status/" "$(code -u 'ops:s3cret pass' "$HS_URL/status")" 301
		check "status/other.txt with the password: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/other.txt")" 403
		check "status/other.html with the password: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/other.html")" 403
		check "status/index.html.tmp-4242 (a temp file): 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/index.html.tmp-4242")" 403
		check "status/.htaccess: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/.htaccess")" 403
		check "status/sub/ with the password: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/sub/")" 403
		check "status/sub/index.html with the password: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/sub/index.html")" 403
		check "status/nosuch with the password: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/nosuch")" 403
		# the receiver's own rules still hold around it
		b=$(body doc.signed apache1)
		check "webhooks/circ signed: 200" "$(code -H "X-Circularo-Signature: $(sig "$b" "$SECRET")" \
		    -H 'Content-Type: application/json' --data-binary "$b" "$HS_URL/webhooks/circ")" 200
		check "and it is spooled" "$(ls "$ASPOOL/inbox/new" 2>/dev/null | wc -l)" 1
		check "webhooks/circ badly signed: 401" "$(code -H "X-Circularo-Signature: $(sig "$b" nope)" \
		    -H 'Content-Type: application/json' --data-binary "$b" "$HS_URL/webhooks/circ")" 401
		check "/ : 403" "$(code "$HS_URL/")" 403
		check "/other : 403" "$(code "$HS_URL/other")" 403
		check "/hookspool.fcgi : 403" "$(code "$HS_URL/hookspool.fcgi")" 403
		check "/.htaccess : 403" "$(code "$HS_URL/.htaccess")" 403
		check "/status.html (not the page's directory): 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status.html")" 403
		check "the password file is outside the docroot" "$(case $T/apache/htpasswd in "$HS_DOCROOT"/*) echo inside;; *) echo outside;; esac)" outside
		# a host without mod_rewrite: the fallback serves the page by its
		# full URL and nothing else
		hs_stop_server
		sed -i '/mod_rewrite\.so/d' "$AD/httpd.conf"
		_hs_apache_start "$AD" apache-htaccess-cgi
		check "without mod_rewrite: up" "$?" 0
		check "without mod_rewrite: status/index.html, no password: 401" "$(code "$HS_URL/status/index.html")" 401
		check "without mod_rewrite: status/index.html: 200" "$(code -u 'ops:s3cret pass' "$HS_URL/status/index.html")" 200
		check "without mod_rewrite: status/ refused" "$(code -u 'ops:s3cret pass' "$HS_URL/status/")" 403
		check "without mod_rewrite: status/other.html: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/other.html")" 403
		check "without mod_rewrite: the temp file: 403" "$(code -u 'ops:s3cret pass' "$HS_URL/status/index.html.tmp-4242")" 403
		hs_stop_server
	else
		bad "apache with www/.htaccess did not start"
	fi
else
	missing "apache2 or htpasswd"
fi

hs_summary report

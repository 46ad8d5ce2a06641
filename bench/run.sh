#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - `make bench`: hookspool.fcgi against its floor
# (an empty FastCGI responder behind the same lighttpd), the durable-write
# limit of the file system (bench/fsync_loop.c) and a peer (Circularo's
# canonical Express receiver with the same spool write, bench/express/).
# Everything on 127.0.0.1, every step bounded in time. Writes the raw
# numbers to bench/results/ and regenerates BENCHMARKS.md and
# bench/results/chart.png (bench/report.sh).
#
# For each process count, all servers (floor, hookspool durable and not,
# Express durable and not) run side by side, idle but for the one being
# measured, and for each body size their cells and the fsync loop run back
# to back: every ratio compares numbers taken within about a minute on this
# shared, noisy machine.
#
# Tunables (environment):
#   BENCH_SECONDS      [5]           wrk duration per run of a cell, bodies < 1 MB
#   BENCH_SECONDS_1M   [3]           wrk duration per run of a cell, 1 MB bodies
#   BENCH_LOOP_SECONDS [3]           fsync_loop duration per run of a cell
#   BENCH_REPEAT       [2]           runs of each cell; the report takes the fastest
#   BENCH_PROCS        ["1 2 4"]     FastCGI processes / Express workers
#   BENCH_SIZES        ["200 16384 1048576"]  body sizes (bytes)
#   BENCH_CONNS_PER_PROC [2]         wrk connections per backend process (>= 2 in all)
#   BENCH_YOUSIGN_CONNS ["2 16 64 256"] concurrent deliveries for the Yousign latency runs
#   BENCH_YOUSIGN_PROCS [2]          FastCGI processes for them
#   BENCH_YOUSIGN_SIZE  [1024]       their body size (bytes)
#   BENCH_SKIP_REPORT  [0]           1: measure only, don't rewrite BENCHMARKS.md
#   BENCH_COUNTERS_RUNS [12]         counters on/off pairs
#   BENCH_COUNTERS_SECONDS [3]       wrk duration of each side of a pair
#   BENCH_ONLY         []            counters: only the counters on/off pair
#                                    (bench/results/counters.txt), no report
set -u
BUILD=${1:-build}
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
BUILD_ABS=$(cd "$BUILD" && pwd) || exit 1
SECS=${BENCH_SECONDS:-5}
SECS_1M=${BENCH_SECONDS_1M:-3}
LOOP_SECS=${BENCH_LOOP_SECONDS:-3}
REPEAT=${BENCH_REPEAT:-2}
PROCS_LIST=${BENCH_PROCS:-1 2 4}
SIZES=${BENCH_SIZES:-200 16384 1048576}
CPP=${BENCH_CONNS_PER_PROC:-2}
SECRET=bench-Gh1!f5dFs0dA
RES=$REPO/bench/results
# BENCH_ONLY=counters measures in a scratch directory and keeps only
# counters.txt: the last full run's results stay as they were
if [ "${BENCH_ONLY:-}" = counters ]; then
	RES_KEEP=$RES
	RES=$(mktemp -d /tmp/hs-bench-results-XXXXXX)
fi
# The work directory (spools, fsync loop) is on the repository's file system,
# like a real spool. Its parent has the ext4 "top directory" flag (chattr
# +T), so each run's directory lands in a little-used block group rather
# than beside the previous run's freshly deleted files (see retire below).
ROOT=$BUILD_ABS/bench-root
W=$ROOT/run.$$
BIN=$W/bin
T0=$(date +%s)

# shellcheck source=../tests/lib/servers.sh
. "$REPO/tests/lib/servers.sh"

log() { printf '[bench %4ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
die() {
	local f
	log "FAILED: $*"
	# a server that died under us says who stopped it ("stopped by ... PID")
	for f in "$W"/lt-*/lighttpd/error.log "$W"/express-*.log; do
		[ -s "$f" ] && log "$f: $(tail -n 3 "$f" | tr '\n' ' ')"
	done
	exit 1
}
trap hs_stop_server EXIT
trap 'exit 130' INT TERM

for tool in wrk hyperfine gnuplot lighttpd node cc pkg-config jq; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found (bash tests/lib/deps.sh bench installs it)"
done
[ -x "$BUILD_ABS/hookspool.fcgi" ] || die "$BUILD/hookspool.fcgi missing: run make"

rm -rf "$BUILD_ABS/bench-work" "$ROOT"/run.* # an interrupted run's leftovers
mkdir -p "$ROOT" "$RES" || die "cannot create $ROOT"
chattr +T "$ROOT" 2>/dev/null || true
mkdir -p "$W" "$BIN" || die "cannot create $W"
chmod 0755 "$ROOT" "$W"

# --- the machine and what else runs on it ------------------------------------
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "nproc: $(nproc)"
	echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
	echo "mem: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
	dev=$(findmnt -n -o SOURCE --target "$W")
	echo "spool_fs: $(findmnt -n -o FSTYPE --target "$W") on $dev, $([ -d "/proc/fs/jbd2/$(basename "$dev")-8" ] && echo 'with a journal' || echo 'no journal'), mount options $(findmnt -n -o OPTIONS --target "$W" | cut -d, -f1-3)"
	echo "lighttpd: $(lighttpd -v 2>&1 | head -n1 | cut -d' ' -f1)"
	echo "wrk: $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
	echo "hyperfine: $(hyperfine --version)"
	echo "node: $(node --version)"
	echo "express: $(node -p 'require("./bench/express/node_modules/express/package.json").version' 2>/dev/null || echo '?')"
	echo "cc: $(cc --version | head -n1)"
	echo "openssl: $(openssl version 2>/dev/null | cut -d' ' -f1-2)"
	echo "json-c: $(pkg-config --modversion json-c)"
} > "$RES/machine.txt"
snapshot_load() { # FILE
	{
		echo "uptime: $(uptime)"
		echo
		top -bn1 -w 150 -o %CPU 2>/dev/null | head -n 16
	} > "$1"
}
snapshot_load "$RES/load-before.txt"
# Every 20 s, the processes using >= 10% CPU that are not this benchmark's
# (wrk, lighttpd, the receivers, Node, the helpers, the shell plumbing).
OWN='^(wrk|lighttpd|hookspool.fcgi|floor|node|fsync_loop|hyperfine|libs_only|scan|env|true|top|ps|awk|sed|grep|find|truncate|sync|mv|rm|sleep|bash|sh|date|cat|curl|make|timeout|mkbody)$'
sample_load() {
	while :; do
		top -bn1 -w 512 2>/dev/null | awk -v ts="$(date +%T)" -v own="$OWN" '
			NR > 7 && $9 + 0 >= 10 && $12 !~ own && $12 !~ /^kworker/ {
				printf "%s\t%s\t%s\t%s\n", ts, $1, $9, $12 }'
		sleep 20
	done
}
: > "$RES/load-during.txt"
sample_load >> "$RES/load-during.txt" 2>/dev/null &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null; hs_stop_server' EXIT

# --- build the helpers; snapshot the receiver --------------------------------
HCFLAGS="-std=gnu11 -O2 -g -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes"
# shellcheck disable=SC2046,SC2086
cc $HCFLAGS -Iinclude -o "$BIN/counters" bench/counters.c "$BUILD_ABS/libhookspool.a" \
	$(pkg-config --cflags --libs json-c libcrypto) || die "cannot build bench/counters.c"
for p in floor fsync_loop mkbody; do
	# shellcheck disable=SC2046,SC2086 # pkg-config output is word-split on purpose
	cc $HCFLAGS -o "$BIN/$p" "bench/$p.c" $(pkg-config --cflags --libs fcgi libcrypto) ||
		die "cannot build bench/$p.c"
done
# The in-process scan benchmark links the receiver's own objects.
# shellcheck disable=SC2046,SC2086
cc $HCFLAGS -Iinclude -o "$BIN/scan" bench/scan.c "$BUILD_ABS/libhookspool.a" \
	$(pkg-config --cflags --libs json-c libcrypto) || die "cannot build bench/scan.c"
# The CGI baseline that loads the receiver's libraries and does nothing else.
# shellcheck disable=SC2046
printf 'int main(void);\nint main(void) { return 0; }\n' |
	cc $HCFLAGS -x c -o "$BIN/libs_only" - -Wl,--no-as-needed $(pkg-config --libs fcgi libcrypto json-c) ||
	die "cannot build the libs_only baseline"
# Copies, so that a concurrent `make` cannot swap the binary mid-run, and so
# that the durable and the non-durable instance's processes are told apart
# (from each other and from any other hookspool.fcgi on the machine).
mkdir -p "$BIN/nd" "$BIN/d"
cp "$BUILD_ABS/hookspool.fcgi" "$BIN/nd/hookspool.fcgi" &&
	cp "$BUILD_ABS/hookspool.fcgi" "$BIN/d/hookspool.fcgi" || die "cannot copy the receiver"
# The same receiver linked against the system's shared libraries
# (LINK=shared, what a distribution package would build), for the CGI rows.
mkdir -p "$BIN/shared"
make -s -C "$REPO" BUILD="$W/build-shared" LINK=shared "$W/build-shared/hookspool.fcgi" >/dev/null &&
	cp "$W/build-shared/hookspool.fcgi" "$BIN/shared/hookspool.fcgi" ||
	die "cannot build the LINK=shared receiver"
rm -rf "$W/build-shared"
if [ ! -d bench/express/node_modules/express ]; then
	log "npm ci (bench/express)"
	(cd bench/express && npm ci --no-audit --no-fund >/dev/null 2>&1) ||
		die "npm ci in bench/express failed (needs the npm registry once)"
fi

# --- bodies and configs ---------------------------------------------------------
for s in $SIZES; do
	"$BIN/mkbody" "$SECRET" "$s" 1 "$W/body-$s" || die "mkbody $s"
done
DEDUP_LINES=200000
"$BIN/mkbody" "$SECRET" 200 "$DEDUP_LINES" "$W/lines-200" || die "mkbody lines"
MAXB=0
for s in $SIZES; do [ "$s" -gt "$MAXB" ] && MAXB=$s; done
MAXB=$((MAXB * 2 > 1048576 ? MAXB * 2 : 1048576))
write_config() { # FILE SPOOL DURABLE DEDUP
	cat > "$1" <<JSON
{"_comment": "generated by bench/run.sh",
 "spool_dir": "$2", "max_body_bytes": $MAXB, "durable": $3,
 "endpoints": {
  "circularo": {"provider": "circularo", "secrets": ["$SECRET"], "dedup": $4,
                "routes": {"*": "inbox"}}}}
JSON
}
write_config "$W/nondurable.json" "$W/spool-nd" false false
write_config "$W/nocounters.json" "$W/spool-nc" false false
sed -i 's/"durable": false,/"durable": false, "counters": false,/' "$W/nocounters.json"
write_config "$W/durable.json" "$W/spool-d" true false
write_config "$W/durable-dedup.json" "$W/spool-d" true true
export HS_MAX_BODY=$MAXB HS_WAIT_SECS=20

secs_for() { if [ "$1" -ge 1048576 ]; then echo "$SECS_1M"; else echo "$SECS"; fi; }
conns_for() { local c=$(($1 * CPP)); [ "$c" -lt 2 ] && c=2; echo "$c"; }
count_files() { # DIR -> number of files in it
	if [ -d "$1" ]; then
		find "$1" -mindepth 1 -maxdepth 1 -type f | wc -l
	else
		echo 0
	fi
}
# Spools are never deleted during the run. On ext4 without a journal the
# inode allocator skips every inode freed in the last 1-6 minutes
# (fs/ext4/ialloc.c, recently_deleted()), scanning past each one: in a block
# group whose free inodes were all freed just now, creating a file took
# ~1 ms instead of ~40 us. So a measured spool is moved aside and its files
# truncated (which frees their blocks and drops their unwritten pages, so
# no writeback of it competes with the next cell); everything is deleted at
# the end.
RETIRED=0
retire() { # DIR...
	local d
	mkdir -p "$W/retired"
	for d in "$@"; do
		[ -e "$d" ] || continue
		RETIRED=$((RETIRED + 1))
		mv "$d" "$W/retired/$RETIRED"
		find "$W/retired/$RETIRED" -type f -size +0 -exec truncate -s 0 {} +
	done
	sync
}
# VmHWM (kB) of every live process running EXE, the largest
hwm_of() {
	local f pid m=0 v
	for f in /proc/[0-9]*/exe; do
		[ "$(readlink -- "$f" 2>/dev/null)" = "$1" ] || continue
		pid=${f#/proc/}
		pid=${pid%/exe}
		v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
		[ -n "$v" ] && [ "$v" -gt "$m" ] && m=$v
	done
	echo "$m"
}
pid_of() { # EXE -> one live process running it
	local f pid
	for f in /proc/[0-9]*/exe; do
		[ "$(readlink -- "$f" 2>/dev/null)" = "$1" ] || continue
		pid=${f#/proc/}
		echo "${pid%/exe}"
		return 0
	done
	return 1
}

TSV=$RES/results.tsv
printf 'server\tmode\tsize\tprocs\tconns\tseconds\trps\tp50_ms\tp99_ms\trequests\tnon2xx\terrors\tfiles\thwm_kb\n' > "$TSV"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$TSV"; }

# run_wrk URL SIZE SECS CONNS [lines] -> sets WRK_* from the script's line
# (lines: the requests come from $W/lines-SIZE.lines)
run_wrk() {
	local url=$1 size=$2 secs=$3 conns=$4 mode=${5:-} out line
	if [ "$mode" = lines ]; then
		out=$(WRK_LINES=1 WRK_THREADS=1 timeout $((secs + 30)) wrk -t1 -c"$conns" \
			-d"${secs}s" --timeout 10s -s bench/post.lua "$url" -- lines "$W/lines-$size.lines" 2>&1)
	else
		out=$(timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s \
			-s bench/post.lua "$url" -- "$W/body-$size.json" "$W/body-$size.sig" 2>&1)
	fi
	line=$(printf '%s\n' "$out" | grep '^WRK ')
	if [ -z "$line" ]; then
		printf '%s\n' "$out" >&2
		die "wrk produced no result for $url"
	fi
	WRK_REQ=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
	WRK_RPS=$(sed 's/.*rps=\([0-9.]*\).*/\1/' <<<"$line")
	WRK_P50=$(sed 's/.*p50_us=\([0-9]*\).*/\1/' <<<"$line" | awk '{printf "%.2f", $1 / 1000}')
	WRK_P99=$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$line" | awk '{printf "%.2f", $1 / 1000}')
	WRK_P999=$(sed 's/.*p999_us=\([0-9]*\).*/\1/' <<<"$line" | awk '{printf "%.2f", $1 / 1000}')
	WRK_MAX=$(sed 's/.*max_us=\([0-9]*\).*/\1/' <<<"$line" | awk '{printf "%.2f", $1 / 1000}')
	WRK_NON2XX=$(sed 's/.*non2xx=\([0-9]*\).*/\1/' <<<"$line")
	WRK_ERR=$(sed 's/.*errors=\([0-9]*\).*/\1/' <<<"$line")
}

# cell SERVER MODE SIZE PROCS URL SPOOL|- NEW_SUBDIR [EXE]: one measured wrk
# run; the files in SPOOL/NEW_SUBDIR are counted, then SPOOL is retired at
# once, before any of it is old enough for writeback (30 s)
cell() {
	local server=$1 mode=$2 size=$3 procs=$4 url=$5 spool=$6 sub=$7 exe=${8:-}
	local secs conns files=- hwm=-
	secs=$(secs_for "$size")
	conns=$(conns_for "$procs")
	run_wrk "$url" "$size" "$secs" "$conns"
	if [ "$spool" != - ]; then
		sleep 0.3 # requests still in flight when wrk stopped
		files=$(count_files "$spool/$sub")
		retire "$spool"
		# Express wants tmp/ and new/; hookspool makes its own
		[ "$server" = express ] && mkdir -p "$spool/tmp" "$spool/new"
	fi
	[ -n "$exe" ] && hwm=$(hwm_of "$exe")
	row "$server" "$mode" "$size" "$procs" "$conns" "$secs" "$WRK_RPS" "$WRK_P50" \
		"$WRK_P99" "$WRK_REQ" "$WRK_NON2XX" "$WRK_ERR" "$files" "$hwm"
	log "$(printf '%-10s %-10s %8s B  %s procs  %9s req/s  p50 %7s ms  p99 %7s ms  non2xx %s  files %s' \
		"$server" "$mode" "$size" "$procs" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_NON2XX" "$files")"
	[ "$WRK_NON2XX" = 0 ] && [ "$WRK_ERR" = 0 ] ||
		log "WARNING: $server $mode $size B: $WRK_NON2XX non-2xx, $WRK_ERR socket errors"
	if [ "$files" != - ] && [ "$files" -lt "$WRK_REQ" ]; then
		log "WARNING: $server $mode $size B: $files files for $WRK_REQ answered requests"
	fi
}

loop_cell() { # MODE(durable|nondurable) SIZE PROCS
	local d=1 out rate files
	[ "$1" = nondurable ] && d=0
	out=$(timeout $((LOOP_SECS + 60)) "$BIN/fsync_loop" "$W/loop" "$3" \
		"$W/body-$2.json" "$LOOP_SECS" "$d") || die "fsync_loop failed: $out"
	files=$(count_files "$W/loop/new")
	rate=$(sed 's/.*files_per_s=\([0-9.]*\).*/\1/' <<<"$out")
	row fsync_loop "$1" "$2" "$3" - "$LOOP_SECS" "$rate" - - \
		"$(sed 's/files=\([0-9]*\).*/\1/' <<<"$out")" 0 0 "$files" -
	log "$(printf '%-10s %-10s %8s B  %s procs  %9s files/s' fsync_loop "$1" "$2" "$3" "$rate")"
	retire "$W/loop"
}

# start_lighttpd NAME EXE CONFIG PROCS -> LT_URL (one retry: a port taken meanwhile)
start_lighttpd() {
	local try
	for try in 1 2; do
		rm -rf "$W/lt-$1"
		if HS_PROCS=$4 hs_start_lighttpd "$2" "$3" "$W/lt-$1" >/dev/null 2>"$W/lt-$1.err"; then
			LT_URL=$HS_URL
			return 0
		fi
		log "lighttpd ($1) start failed (try $try): $(tail -n 3 "$W/lt-$1.err" | tr '\n' ' ')"
		sleep 1
	done
	return 1
}

# start_express NAME DURABLE(0|1) PROCS SPOOL -> EX_URL
start_express() {
	local port i log=$W/express-$1.log
	port=$(hs_free_port) || die "no free port"
	: > "$log"
	PORT=$port WORKERS=$3 SPOOL=$4 DURABLE=$2 CIRCULARO_HMAC_SECRET=$SECRET \
		NODE_ENV=production _hs_spawn "$log" node "$REPO/bench/express/server.js" ||
		die "could not start Express ($1)"
	for ((i = 0; i < 200; i++)); do
		grep -q '^ready' "$log" && break
		sleep 0.1
	done
	grep -q '^ready' "$log" || {
		cat "$log" >&2
		die "Express ($1) did not get ready"
	}
	EX_URL=http://127.0.0.1:$port
}

warmup() { # URL: one second of the smallest body, results discarded
	local s
	s=$(set -- $SIZES; echo "$1")
	run_wrk "$1" "$s" 1 2
}

log "work dir $W; $REPEAT runs of ${SECS}s per cell (${SECS_1M}s for 1 MB), procs: $PROCS_LIST"
# How fast this file system creates files right now (see retire). Freed
# inodes stop counting as recent 60 s after their inode table block was
# written back (360 s while it is dirty): sync, and wait up to 2 minutes for
# deletions made just before the run (an earlier run's clean-up, other
# test suites) to age out.
s0=$(set -- $SIZES; echo "$1")
waited=0
for try in 1 2 3 4 5 6 7 8 9; do
	PRE=$("$BIN/fsync_loop" "$W/loop" 1 "$W/body-$s0.json" 1 0)
	retire "$W/loop"
	rate=$(sed 's/.*files_per_s=\([0-9]*\).*/\1/' <<<"$PRE")
	log "preflight: $rate files/s created (1 process, no fsync)"
	[ "$rate" -ge 10000 ] || [ "$try" = 9 ] && break
	log "file creation is slow (recently freed inodes?): waiting 15 s"
	sleep 15
	waited=$((waited + 15))
done
echo "create_rate: $rate files/s (1 process, ${s0} B, no fsync, 1 s, measured before the run after waiting ${waited} s for it to reach 10000)" >> "$RES/machine.txt"

EP=/webhooks/circularo

# --- the counters' cost: the same non-durable receiver with "counters" on
# and off (<spool>/.counters, two atomic adds per request), 200 B, 2
# processes, ABAB runs; the ratio of the medians goes to counters.txt -------
counters_pair() {
	local runs=${BENCH_COUNTERS_RUNS:-12} secs=${BENCH_COUNTERS_SECONDS:-3}
	local i on=() off=() ratios=() s micro
	s=$(set -- $SIZES; echo "$1")
	log "counters on vs off: $runs pairs of ${secs}s, $s B, 2 procs"
	start_lighttpd con "$BIN/nd/hookspool.fcgi" "$W/nondurable.json" 2 || die "lighttpd (counters on) did not start"
	local u_on=$LT_URL$EP
	start_lighttpd coff "$BIN/d/hookspool.fcgi" "$W/nocounters.json" 2 || die "lighttpd (counters off) did not start"
	local u_off=$LT_URL$EP
	warmup "$u_on"; warmup "$u_off"
	for i in $(seq "$runs"); do
		# alternate which goes first, and compare within a pair: a
		# drift of the machine's speed then favours neither side
		if [ $((i % 2)) = 1 ]; then
			run_wrk "$u_on" "$s" "$secs" 4; on+=("$WRK_RPS")
			retire "$W/spool-nd"
			run_wrk "$u_off" "$s" "$secs" 4; off+=("$WRK_RPS")
			retire "$W/spool-nc"
		else
			run_wrk "$u_off" "$s" "$secs" 4; off+=("$WRK_RPS")
			retire "$W/spool-nc"
			run_wrk "$u_on" "$s" "$secs" 4; on+=("$WRK_RPS")
			retire "$W/spool-nd"
		fi
		ratios+=("$(awk -v a="${on[-1]}" -v b="${off[-1]}" 'BEGIN { printf "%.4f", a / b }')")
		log "counters pair $i: on ${on[-1]} req/s, off ${off[-1]} req/s, on/off ${ratios[-1]}"
	done
	hs_stop_server
	rm -rf "$W"/lt-con "$W"/lt-coff
	median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
	# the count itself, in process: one process, then two into one file
	micro=$("$BIN/counters" "$W/counters-micro" 2000000 2) || die "bench/counters failed"
	local mr mon
	mr=$(median "${ratios[@]}"); mon=$(median "${on[@]}")
	{
		echo "counters on:  ${on[*]} req/s"
		echo "counters off: ${off[*]} req/s"
		echo "on/off per pair: ${ratios[*]}"
		awk -v r="$mr" 'BEGIN { printf "median on/off: %.4f (throughput cost %.2f%%)\n", r, (1 - r) * 100 }'
		echo "in process: $micro"
		sed 's/.*ns_per_count_2=\([0-9.]*\).*/\1/' <<<"$micro" | awk -v rps="$mon" '{
			us = 2 / rps * 1e6
			printf "a count (2 processes, one file) takes %.1f ns of a request'"'"'s %.0f us per process: %.3f%%\n", $1, us, $1 / (us * 1000) * 100 }'
	} > "$RES/counters.txt"
	log "$(grep median "$RES/counters.txt")"
}
if [ "${BENCH_ONLY:-}" = counters ]; then
	counters_pair
	cp "$RES/counters.txt" "$RES_KEEP/counters.txt"
	cat "$RES/counters.txt"
	rm -rf "$RES"
	exit 0
fi

for procs in $PROCS_LIST; do
	start_lighttpd floor "$BIN/floor" "$W/nondurable.json" "$procs" || die "lighttpd (floor) did not start"
	U_FLOOR=$LT_URL$EP
	start_lighttpd nd "$BIN/nd/hookspool.fcgi" "$W/nondurable.json" "$procs" || die "lighttpd (non-durable) did not start"
	U_ND=$LT_URL$EP
	start_lighttpd d "$BIN/d/hookspool.fcgi" "$W/durable.json" "$procs" || die "lighttpd (durable) did not start"
	U_D=$LT_URL$EP
	mkdir -p "$W/xspool-nd" "$W/xspool-d"
	start_express nd 0 "$procs" "$W/xspool-nd"
	X_ND=$EX_URL$EP
	start_express d 1 "$procs" "$W/xspool-d"
	X_D=$EX_URL$EP
	for u in "$U_FLOOR" "$U_ND" "$U_D" "$X_ND" "$X_D"; do warmup "$u"; done
	retire "$W/spool-nd" "$W/spool-d" "$W/xspool-nd" "$W/xspool-d"
	mkdir -p "$W/xspool-nd/tmp" "$W/xspool-nd/new" "$W/xspool-d/tmp" "$W/xspool-d/new"
	for s in $SIZES; do
		# the whole sequence again, not each cell twice in a row: a
		# noisy minute then costs one run of several servers, not
		# both runs of one
		for _ in $(seq "$REPEAT"); do
			cell floor - "$s" "$procs" "$U_FLOOR" - -
			cell hookspool nondurable "$s" "$procs" "$U_ND" "$W/spool-nd" inbox/new "$BIN/nd/hookspool.fcgi"
			cell express nondurable "$s" "$procs" "$X_ND" "$W/xspool-nd" new
			loop_cell durable "$s" "$procs"
			cell hookspool durable "$s" "$procs" "$U_D" "$W/spool-d" inbox/new "$BIN/d/hookspool.fcgi"
			cell express durable "$s" "$procs" "$X_D" "$W/xspool-d" new
			loop_cell nondurable "$s" "$procs"
		done
	done
	hs_stop_server
	rm -rf "$W"/lt-*
done

counters_pair

# --- durable with deduplication on: 200k distinct signed bodies ------------------
DP=2
log "hookspool durable, dedup on, distinct bodies ($DP procs)"
start_lighttpd dedup "$BIN/d/hookspool.fcgi" "$W/durable-dedup.json" "$DP" ||
	die "lighttpd (dedup) did not start"
run_wrk "$LT_URL$EP" 200 "$SECS" "$(conns_for $DP)" lines
sleep 0.3
files=$(count_files "$W/spool-d/inbox/new")
hs_stop_server
rm -rf "$W"/lt-*
retire "$W/spool-d"
row hookspool durable-dedup 200 "$DP" "$(conns_for $DP)" "$SECS" "$WRK_RPS" "$WRK_P50" "$WRK_P99" \
	"$WRK_REQ" "$WRK_NON2XX" "$WRK_ERR" "$files" -
log "hookspool durable-dedup: $WRK_RPS req/s, $WRK_REQ requests, $files files (of $DEDUP_LINES distinct bodies)"
[ "$WRK_REQ" -le "$DEDUP_LINES" ] ||
	log "WARNING: more requests than distinct bodies: later ones were duplicates"

# --- Yousign: its first attempt gives up after 1 s --------------------------------
# The receiver answers only once the event is durable, so what Yousign sees
# is the durable write's latency, behind whatever else is in flight. The
# receiver as it runs for Yousign ("durable": true, dedup on), every request
# a distinct event (its own event_id) signed as Yousign signs; C deliveries
# in flight at once (wrk is closed-loop: a connection sends its next
# request when its answer came). Each level starts from a fresh spool, so
# its event_ids are new to the dedup markers.
YS_CONNS=${BENCH_YOUSIGN_CONNS:-2 16 64 256}
YS_PROCS=${BENCH_YOUSIGN_PROCS:-2}
YS_SIZE=${BENCH_YOUSIGN_SIZE:-1024}
YS_SECRET=bench-yousign-secret
YS_LINES=200000
"$BIN/mkbody" "$YS_SECRET" "$YS_SIZE" "$YS_LINES" "$W/lines-yousign" yousign ||
	die "mkbody yousign"
cat > "$W/yousign.json" <<JSON
{"_comment": "generated by bench/run.sh",
 "spool_dir": "$W/spool-y", "max_body_bytes": $MAXB, "durable": true,
 "endpoints": {
  "yousign": {"provider": "yousign", "secrets": ["$YS_SECRET"],
              "routes": {"*": "signatures"}}}}
JSON
YTSV=$RES/yousign.tsv
printf 'conns\tprocs\tsize\tseconds\trps\tp50_ms\tp99_ms\tp999_ms\tmax_ms\trequests\tnon2xx\terrors\tfiles\n' > "$YTSV"
log "yousign: durable, dedup on, distinct events, $YS_SIZE B, $YS_PROCS procs, connections: $YS_CONNS"
start_lighttpd yousign "$BIN/d/hookspool.fcgi" "$W/yousign.json" "$YS_PROCS" ||
	die "lighttpd (yousign) did not start"
export WRK_SIG_HEADER=X-Yousign-Signature-256 WRK_SIG_PREFIX=sha256=
run_wrk "$LT_URL/webhooks/yousign" yousign 1 2 lines # warm-up
retire "$W/spool-y"
for c in $YS_CONNS; do
	run_wrk "$LT_URL/webhooks/yousign" yousign "$SECS" "$c" lines
	sleep 0.3
	files=$(count_files "$W/spool-y/signatures/new")
	retire "$W/spool-y"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$YS_PROCS" \
		"$YS_SIZE" "$SECS" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_P999" "$WRK_MAX" \
		"$WRK_REQ" "$WRK_NON2XX" "$WRK_ERR" "$files" >> "$YTSV"
	row hookspool yousign-durable-dedup "$YS_SIZE" "$YS_PROCS" "$c" "$SECS" "$WRK_RPS" \
		"$WRK_P50" "$WRK_P99" "$WRK_REQ" "$WRK_NON2XX" "$WRK_ERR" "$files" -
	log "$(printf 'yousign %4s conns  %9s req/s  p50 %7s ms  p99 %7s ms  p99.9 %7s ms  max %7s ms  non2xx %s  files %s' \
		"$c" "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_P999" "$WRK_MAX" "$WRK_NON2XX" "$files")"
	[ "$WRK_NON2XX" = 0 ] && [ "$WRK_ERR" = 0 ] ||
		log "WARNING: yousign $c conns: $WRK_NON2XX non-2xx, $WRK_ERR socket errors"
	[ "$WRK_REQ" -le "$YS_LINES" ] ||
		log "WARNING: yousign $c conns: more requests than distinct events: later ones were duplicates"
done
unset WRK_SIG_HEADER WRK_SIG_PREFIX
hs_stop_server
rm -rf "$W"/lt-*

# --- peak RSS after 10,000 requests, one FastCGI process -------------------------
# (1 MB bodies: 300 requests, or this alone would take a minute). The
# floor, same setup, is the baseline: libc + libfcgi and nothing else.
RSS=$RES/rss.tsv
printf 'server\tsize\trequests\thwm_kb\trss_kb\tanon_kb\tfile_kb\tpss_kb\n' > "$RSS"
rss_run() { # SERVER EXE SIZE
	local want=10000 n=0 pid
	[ "$3" -ge 1048576 ] && want=300
	start_lighttpd rss "$2" "$W/nondurable.json" 1 || die "lighttpd (rss) did not start"
	while [ "$n" -lt "$want" ]; do
		run_wrk "$LT_URL$EP" "$3" 2 2
		n=$((n + WRK_REQ))
		[ "$WRK_REQ" -gt 0 ] || die "no requests in the RSS run"
	done
	pid=$(pid_of "$2") || die "no FastCGI process for $2"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$n" \
		"$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")" \
		"$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")" \
		"$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status")" \
		"$(awk '/^RssFile:/ {print $2}' "/proc/$pid/status")" \
		"$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)" >> "$RSS"
	log "RSS $1 after $n requests of $3 B: $(grep -E '^(VmHWM|RssAnon|RssFile)' "/proc/$pid/status" | tr -s ' \t\n' ' ')"
	hs_stop_server
	rm -rf "$W"/lt-*
	retire "$W/spool-nd"
}
s0=$(set -- $SIZES; echo "$1")
rss_run floor "$BIN/floor" "$s0"
for s in $SIZES; do
	rss_run hookspool "$BIN/nd/hookspool.fcgi" "$s"
done

# --- plain CGI: one process per request ----------------------------------------------
# hyperfine's default shell mode: it measures the shell's own start-up and
# subtracts it, so the times are those of `env -i ... BINARY < body`.
log "hyperfine: plain CGI"
s=$s0
write_config "$W/cgi-nd.json" "$W/spool-cgi" false false
write_config "$W/cgi-d.json" "$W/spool-cgi" true false
cgienv() { # CONFIG
	printf 'env -i PATH=/usr/bin:/bin HOOKSPOOL_CONFIG=%s REQUEST_METHOD=POST PATH_INFO=/circularo CONTENT_TYPE=application/json CONTENT_LENGTH=%s HTTP_X_CIRCULARO_SIGNATURE=%s' \
		"$1" "$s" "$(cat "$W/body-$s.sig")"
}
B=$W/body-$s.json
timeout 600 hyperfine --warmup 20 --min-runs 300 --style basic --export-json "$RES/cgi.json" \
	-n 'env -i /bin/true (process start)' "env -i /bin/true < $B > /dev/null" \
	-n 'floor.fcgi as CGI (libc + libfcgi)' "$(cgienv x) $BIN/floor < $B > /dev/null" \
	-n 'libs_only (loads libcrypto, json-c, libfcgi; does nothing)' "env -i $BIN/libs_only < $B > /dev/null" \
	-n 'hookspool.fcgi as CGI, durable=false' "$(cgienv "$W/cgi-nd.json") $BIN/nd/hookspool.fcgi < $B > /dev/null 2>&1" \
	-n 'hookspool.fcgi as CGI, durable=true' "$(cgienv "$W/cgi-d.json") $BIN/d/hookspool.fcgi < $B > /dev/null 2>&1" \
	-n 'hookspool.fcgi built LINK=shared, as CGI, durable=false' "$(cgienv "$W/cgi-nd.json") $BIN/shared/hookspool.fcgi < $B > /dev/null 2>&1" \
	> "$RES/cgi.txt" 2>&1 || {
	cat "$RES/cgi.txt" >&2
	die "hyperfine failed"
}
CGI_FILES=$(count_files "$W/spool-cgi/inbox/new")
echo "$CGI_FILES" > "$RES/cgi-files.txt"
log "CGI runs spooled $CGI_FILES files"
[ "$CGI_FILES" -gt 0 ] || die "the CGI runs spooled nothing"
retire "$W/spool-cgi"

# --- the per-byte work in process: strict scan vs json-c vs SHA-256 -------------
log "in-process scan"
SCAN_ARGS=()
for s in $SIZES; do SCAN_ARGS+=("$W/body-$s.json"); done
SCAN_ARGS+=("text:1048576")
"$BIN/scan" "${SCAN_ARGS[@]}" > "$RES/scan.txt" || die "bench/scan failed"
sed -i "s|name=$W/body-|name=body-|" "$RES/scan.txt"

kill "$SAMPLER" 2>/dev/null
wait "$SAMPLER" 2>/dev/null
snapshot_load "$RES/load-after.txt"
echo "$(($(date +%s) - T0))" > "$RES/duration.txt"
log "measured in $(($(date +%s) - T0))s; deleting $W"
rm -rf "$W"
sync # so freed inodes count as recent for 60 s, not 360 s
if [ "${BENCH_SKIP_REPORT:-0}" != 1 ]; then
	bash "$REPO/bench/report.sh" "$RES" "$REPO/BENCHMARKS.md" || die "report failed"
	log "wrote BENCHMARKS.md and bench/results/chart.png"
fi

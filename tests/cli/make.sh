#!/usr/bin/env bash
# tests/cli/make.sh BUILD_DIR - the conventions an admin relies on:
# `make install` / `make uninstall` with DESTDIR, PREFIX, BINDIR, MANDIR,
# LIBEXECDIR, DATADIR; and `make run` serving a signed event and stopping
# its lighttpd and receivers when make gets SIGTERM (a service manager or
# a CI job's timeout), not only on Ctrl-C.
set -u
BUILD=${1:-build}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/hs-make-XXXXXX)
MAKE_PID=""
trap '[ -n "$MAKE_PID" ] && kill -TERM "$MAKE_PID" 2>/dev/null; rm -rf "$T"' EXIT
# shellcheck source=../lib/check.sh
. "$REPO/tests/lib/check.sh"
mk() { make --no-print-directory -s -C "$REPO" BUILD="$BUILD" "$@"; }

# ------------------------------------------------ install / uninstall
D=$T/dest
VARS="PREFIX=/usr BINDIR=/usr/sbin MANDIR=/usr/share/man LIBEXECDIR=/usr/libexec/hookspool
    DATADIR=/usr/share/hookspool UNITDIR=/etc/systemd/system CONFFILE=/etc/hs/hs.json SPOOLDIR=/srv/spool"
# shellcheck disable=SC2086 # one word per variable
mk install DESTDIR="$D" $VARS >/dev/null 2>&1
check "install: exits 0" "$?" 0
check "install: the files where the variables say" \
    "$(cd "$D" && find . -path ./usr/share/hookspool -prune -o -path ./etc/systemd/system -prune -o -type f -print | sort | tr '\n' ' ')" \
    "./usr/libexec/hookspool/hookspool.fcgi ./usr/sbin/hookspool ./usr/share/man/man1/hookspool.1 ./usr/share/man/man5/hookspool.json.5 ./usr/share/man/man8/hookspool.fcgi.8 "
check "install: the systemd units in UNITDIR, 0644" \
    "$(cd "$D/etc/systemd/system" 2>/dev/null && stat -c '%n %a' * | tr '\n' ' ')" \
    "hookspool-purge.service 644 hookspool-purge.timer 644 hookspool-run@.service 644 hookspool-run@.timer 644 hookspool-verify.service 644 hookspool-verify.timer 644 hookspool.service 644 hookspool.socket 644 "
# installed files name where this install put things
check "install: the receiver's unit starts LIBEXECDIR's binary with CONFFILE, writes SPOOLDIR" \
    "$(grep -E '^(ExecStart|Environment|ReadWritePaths)=' "$D/etc/systemd/system/hookspool.service" | tr '\n' ' ')" \
    "Environment=HOOKSPOOL_CONFIG=/etc/hs/hs.json ExecStart=/usr/libexec/hookspool/hookspool.fcgi ReadWritePaths=/srv/spool "
check "install: the run unit calls BINDIR's hookspool" \
    "$(grep -c '^ExecStart=/usr/sbin/hookspool run %i ' "$D/etc/systemd/system/hookspool-run@.service")" 1
check "install: lighttpd's fragment defaults to the installed receiver and CONFFILE" \
    "$(grep -o 'HOOKSPOOL_BIN:-[^}]*}\|HOOKSPOOL_CONFIG:-[^}]*}' "$D/usr/share/hookspool/lighttpd/hookspool.conf" | sort -u | tr '\n' ' ')" \
    "HOOKSPOOL_BIN:-/usr/libexec/hookspool/hookspool.fcgi} HOOKSPOOL_CONFIG:-/etc/hs/hs.json} "
check "install: nginx's server block passes CONFFILE, include path is DATADIR's" \
    "$(grep -c 'fastcgi_param HOOKSPOOL_CONFIG /etc/hs/hs.json;' "$D/usr/share/hookspool/nginx/hookspool.conf") $(grep -c 'include /usr/share/hookspool/nginx/hookspool.conf;' "$D/usr/share/hookspool/nginx/hookspool.conf")" "1 1"
check "install: the tree's own files are untouched" \
    "$(grep -c 'fastcgi_param HOOKSPOOL_CONFIG /srv/hookspool/hookspool.json;' "$REPO/nginx/hookspool.conf")" 1
check "install: the server configs" \
    "$(ls "$D/usr/share/hookspool" | tr '\n' ' ')" "apache caddy lighttpd nginx www "
check "install: the man pages render" "$(for m in man1/hookspool.1 man5/hookspool.json.5 man8/hookspool.fcgi.8; do man -l "$D/usr/share/man/$m" 2>&1 >/dev/null | wc -l; done | tr '\n' ' ')" "0 0 0 "
check "install: the CLI runs" "$("$D/usr/sbin/hookspool" --version >/dev/null 2>&1; echo $?)" 0
check "install: modes" "$(stat -c %a "$D/usr/sbin/hookspool" "$D/usr/libexec/hookspool/hookspool.fcgi" "$D/usr/share/man/man1/hookspool.1" | tr '\n' ' ')" \
    "755 755 644 "
mk install DESTDIR="$T/default" >/dev/null 2>&1
check "install: the defaults (PREFIX=/usr/local)" \
    "$(cd "$T/default" && find . -path ./usr/local/share/hookspool -prune -o -path ./usr/local/lib/systemd -prune -o -type f -print | sort | tr '\n' ' ')" \
    "./usr/local/bin/hookspool ./usr/local/lib/hookspool/hookspool.fcgi ./usr/local/share/man/man1/hookspool.1 ./usr/local/share/man/man5/hookspool.json.5 ./usr/local/share/man/man8/hookspool.fcgi.8 "
check "install: the units' default place is on systemd's path (PREFIX/lib/systemd/system)" \
    "$(ls "$T/default/usr/local/lib/systemd/system" 2>/dev/null | wc -l)" 8
mkdir -p "$D/usr/sbin" && echo other > "$D/usr/sbin/other-tool"
mkdir -p "$D/etc/systemd/system" && echo other > "$D/etc/systemd/system/other.service"
# shellcheck disable=SC2086
mk uninstall DESTDIR="$D" $VARS >/dev/null 2>&1
check "uninstall: exits 0" "$?" 0
check "uninstall: nothing of ours left, someone else's file kept" \
    "$(cd "$D" && find . -type f | sort | tr '\n' ' ')" "./etc/systemd/system/other.service ./usr/sbin/other-tool "
check "uninstall: our own directories removed" \
    "$(ls -d "$D/usr/libexec/hookspool" "$D/usr/share/hookspool" 2>/dev/null | wc -l)" 0

# ------------------------------------------------ make run, then SIGTERM
port=$((20000 + RANDOM % 9000))
setsid make --no-print-directory -s -C "$REPO" BUILD="$BUILD" run PORT="$port" \
    HOOKSPOOL_RUN_DIR="$T/var" >"$T/run.out" 2>&1 &
MAKE_PID=$!
up=0
for _ in $(seq 1 100); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && { up=1; break; }
	sleep 0.1
done
check "make run: serves on 127.0.0.1:$port" "$up" 1
send=$(grep -o "[^ ]*hookspool -c [^ ]* sign circularo --event documentCompleted --send [^ ]*" "$T/run.out")
check "make run: prints a signed send command" "$(test -n "$send" && echo yes)" yes
# shellcheck disable=SC2086 # the printed command, word for word
out=$($send 2>&1)
check "make run: the printed command is answered 200 accepted" \
    "$(printf '%s' "$out" | grep -o '"status":"accepted"')" '"status":"accepted"'
check "make run: the event is in the spool it names" \
    "$(ls "$T/var/spool/completed/new" 2>/dev/null | wc -l)" 1
kill -TERM "$MAKE_PID"
gone=0
for _ in $(seq 1 100); do
	if ! pgrep -f "$T/var" >/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		gone=1
		break
	fi
	sleep 0.1
done
check "make run: SIGTERM to make stops lighttpd and every receiver" "$gone" 1
wait "$MAKE_PID" 2>/dev/null
MAKE_PID=""

hs_summary make

#!/usr/bin/env bash
# tests/deb/run.sh - the Debian package as an admin meets it: `make deb`
# builds it from a clean copy of the tree, lintian has nothing to say but
# the explained overrides, and then, as root, the round trip on this
# machine: `apt-get install ./hookspool_*.deb` (the hookspool user and
# group, the spool 02770, the config a conffile only that group reads, a
# generated secret), the shipped units verified by systemd-analyze with
# their man pages installed, a signed event answered through the package's
# own nginx example and spawn-fcgi command and handled by the run@ unit's
# command, and `apt-get purge` leaving nothing of ours but the spool.
#
# Not as root: the build and lintian checks only (installing a package
# needs root; the suite says so in its summary).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/check.sh
. "$REPO/tests/lib/check.sh"
# shellcheck source=../lib/servers.sh
. "$REPO/tests/lib/servers.sh"
DEB_DIR=$REPO/build/deb
T=$(mktemp -d /tmp/hs-deb-XXXXXX)
chmod 0755 "$T"
INSTALLED=0
MARK=/etc/hookspool/run/.installed-by-tests
# what this suite installed, gone again: the package, its spool, its socket
purge_ours() {
	rm -f /etc/hookspool/run/completed.env "$MARK"
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq hookspool >/dev/null 2>&1
	rm -rf /var/spool/hookspool /run/hookspool
}
cleanup() {
	hs_stop_server >/dev/null 2>&1
	id -nG www-data 2>/dev/null | grep -qw hookspool && deluser --quiet www-data hookspool
	[ "$INSTALLED" = 1 ] && purge_ours
	rm -rf "$T"
}
trap cleanup EXIT

# ------------------------------------------------ build from a clean tree
make --no-print-directory -s -C "$REPO" deb >"$T/make-deb.log" 2>&1
check "make deb: exits 0" "$?" 0
deb=$(ls "$DEB_DIR"/hookspool_*_*.deb 2>/dev/null | head -1)
check "make deb: one hookspool_VERSION_ARCH.deb" "$(test -f "$deb" && echo yes)" yes
[ -f "$deb" ] || { cat "$T/make-deb.log"; hs_summary deb; exit 1; }
version=$(dpkg-deb -f "$deb" Version)
check "package version is the program's" "$version" \
    "$(sed -n 's/^#define HS_VERSION[[:space:]]*"\(.*\)"/\1/p' "$REPO/include/hs_version.h")"

# lintian: no error, no warning, nothing pedantic; the overrides are the
# three permissions of /etc/hookspool (debian/hookspool.lintian-overrides
# says why). Info tags are allowed and listed in the log.
lintian --pedantic --display-info "$deb" >"$T/lintian.log" 2>&1
check "lintian: no error, warning or pedantic tag" \
    "$(grep -E '^[EWP]: ' "$T/lintian.log" | tr '\n' ' ')" ""
check "lintian: only the explained info tag" \
    "$(grep -E '^I: ' "$T/lintian.log" | sed 's/ \[.*//' | sort -u | tr '\n' ' ')" \
    "I: hookspool: package-supports-alternative-init-but-no-init.d-script "

contents=$(dpkg-deb -c "$deb" | awk '{print $1, $2, $6}')
has() { printf '%s\n' "$contents" | grep -qxF -- "$1"; }
holds "contents: receiver in /usr/lib/hookspool" has "-rwxr-xr-x root/root ./usr/lib/hookspool/hookspool.fcgi"
holds "contents: CLI in /usr/bin" has "-rwxr-xr-x root/root ./usr/bin/hookspool"
holds "contents: config 0640, never world-readable" has "-rw-r----- root/root ./etc/hookspool/hookspool.json"
holds "contents: /etc/hookspool 0750" has "drwxr-x--- root/root ./etc/hookspool/"
for m in man1/hookspool.1 man5/hookspool.json.5 man8/hookspool.fcgi.8; do
	holds "contents: man page $m" has "-rw-r--r-- root/root ./usr/share/man/$m.gz"
done
for u in hookspool.socket hookspool.service hookspool-run@.service hookspool-run@.timer \
    hookspool-verify.service hookspool-verify.timer hookspool-purge.service hookspool-purge.timer; do
	holds "contents: unit $u" has "-rw-r--r-- root/root ./lib/systemd/system/$u"
done
for f in nginx/hookspool.conf nginx/hookspool-fcgiwrap.conf caddy/Caddyfile \
    lighttpd/hookspool.conf apache/hookspool-fcgid.conf apache/hookspool-proxy-fcgi.conf www/.htaccess; do
	holds "contents: example $f" has "-rw-r--r-- root/root ./usr/share/doc/hookspool/examples/$f"
done
check "contents: nothing under /usr/local, /srv or /usr/share/hookspool" \
    "$(printf '%s\n' "$contents" | grep -cE '\./(usr/local|srv|usr/share/hookspool)')" 0

# the receiver linked the distribution way: library updates apply
dpkg-deb -x "$deb" "$T/x"
needed=$(readelf -d "$T/x/usr/lib/hookspool/hookspool.fcgi" 2>/dev/null |
    sed -n 's/.*Shared library: \[\(lib[a-z0-9-]*\)\.so.*/\1/p' | sort | tr '\n' ' ')
check "receiver is linked shared (libfcgi, libcrypto, json-c, libseccomp)" "$needed" \
    "libc libcrypto libfcgi libjson-c libseccomp "
check "package depends on those libraries" \
    "$(dpkg-deb -f "$deb" Depends | grep -o 'libfcgi0ldbl\|libssl3\|libjson-c5\|libseccomp2\|adduser' | sort | tr '\n' ' ')" \
    "adduser libfcgi0ldbl libjson-c5 libseccomp2 libssl3 "
# the examples name the package's paths, not the source tree's /srv layout
ex=$T/x/usr/share/doc/hookspool/examples
check "examples: nginx passes the package's config path" \
    "$(grep -c 'fastcgi_param HOOKSPOOL_CONFIG /etc/hookspool/hookspool.json;' "$ex/nginx/hookspool.conf")" 1
check "examples: lighttpd starts the package's receiver by default" \
    "$(grep -c 'HOOKSPOOL_BIN:-/usr/lib/hookspool/hookspool.fcgi' "$ex/lighttpd/hookspool.conf")" 1
check "examples: no /srv/hookspool/hookspool.{fcgi,json} left" \
    "$(grep -rE '/srv/hookspool/hookspool\.(fcgi|json)' "$ex" | wc -l)" 0

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the install/purge round trip needs root"
	hs_summary deb
	exit
fi

# ------------------------------------------------ install
# This machine's own hookspool (a real install, a real spool) is never
# touched: the round trip runs only where the package is absent, or was
# left by an interrupted run of this suite (its marker file).
if dpkg-query -W -f='${Status}' hookspool 2>/dev/null | grep -q 'installed\|config-files'; then
	if [ ! -e "$MARK" ]; then
		echo "skipped: hookspool is installed on this machine and not by this suite; the round trip would purge it"
		hs_summary deb
		exit
	fi
	purge_ours
fi
if [ -n "$(ls -A /var/spool/hookspool 2>/dev/null)" ]; then
	echo "skipped: /var/spool/hookspool holds files of an earlier install; the round trip will not touch them"
	hs_summary deb
	exit
fi
INSTALLED=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$T/apt-install.log" 2>&1
check "apt-get install ./hookspool_*.deb: exits 0" "$?" 0
touch "$MARK"
check "dpkg: installed" "$(dpkg-query -W -f='${Status} ${Version}' hookspool 2>/dev/null)" \
    "install ok installed $version"
uid=$(id -u hookspool 2>/dev/null)
check "user hookspool: a system user" "$(test -n "$uid" && [ "$uid" -lt 1000 ] && echo yes)" yes
check "user hookspool: in group hookspool, no login shell" \
    "$(id -gn hookspool 2>/dev/null) $(getent passwd hookspool | cut -d: -f7)" "hookspool /usr/sbin/nologin"
check "spool: 2770 hookspool:hookspool" "$(stat -c '%a %U:%G' /var/spool/hookspool)" "2770 hookspool:hookspool"
check "/etc/hookspool: 750 root:hookspool" "$(stat -c '%a %U:%G' /etc/hookspool)" "750 root:hookspool"
check "config: 640 root:hookspool" "$(stat -c '%a %U:%G' /etc/hookspool/hookspool.json)" "640 root:hookspool"
check "config: a conffile" \
    "$(dpkg-query -W -f='${Conffiles}' hookspool | awk '{print $1}' | tr -d '\n')" "/etc/hookspool/hookspool.json"
check "secret: generated, 640 root:hookspool, 48 hex digits" \
    "$(stat -c '%a %U:%G' /etc/hookspool/circularo.secret) $(tr -d '\n' </etc/hookspool/circularo.secret | grep -cE '^[0-9a-f]{48}$')" \
    "640 root:hookspool 1"
check "dpkg-statoverride keeps the owners across upgrades" \
    "$(dpkg-statoverride --list | grep -c ' hookspool ')" 4
check "check-config as hookspool: exit 0" \
    "$(runuser -u hookspool -- hookspool check-config >"$T/check-config.out" 2>&1; echo $?)" 0
check "check-config as nobody: refused, the config is not theirs to read" \
    "$(runuser -u nobody -- hookspool check-config 2>&1 | grep -c 'Permission denied') $(runuser -u nobody -- hookspool check-config >/dev/null 2>&1; echo $?)" "1 1"
check "man hookspool.json(5) is installed" "$(man -w hookspool.json 2>/dev/null)" \
    /usr/share/man/man5/hookspool.json.5.gz

# the shipped units as systemd reads them, man pages (Documentation=) and
# binaries (ExecStart=) resolved on this system
mkdir -p /etc/hookspool/run
printf 'HOOKSPOOL_HANDLER=/usr/bin/tee -a %s/handled.log\nHOOKSPOOL_RUN_ARGS=--max 10\n' "$T" \
    >/etc/hookspool/run/completed.env
cd /lib/systemd/system || exit 1
check "systemd-analyze verify: every shipped unit, silent" \
    "$(systemd-analyze verify hookspool.socket hookspool.service hookspool-run@completed.service \
        hookspool-run@completed.timer hookspool-verify.service hookspool-verify.timer \
        hookspool-purge.service hookspool-purge.timer 2>&1; echo "rc=$?")" "rc=0"
cd "$REPO" || exit 1
# exposure as systemd-analyze security scores it (0 best, 10 worst); the
# run unit is higher by design: the handler may use the network
for u in hookspool.service:1.5 hookspool-purge.service:1.5 hookspool-verify.service:2.5 hookspool-run@completed.service:3.5; do
	score=$(systemd-analyze security --offline=yes "/lib/systemd/system/${u%%:*}" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check "systemd-analyze security ${u%%:*}: exposure <= ${u##*:}" \
	    "$(awk -v s="$score" -v m="${u##*:}" 'BEGIN { print (s != "" && s <= m) ? "yes" : "no (" s ")" }')" yes
done
check "timers are shipped disabled (nothing runs before an admin says so)" \
    "$(ls /etc/systemd/system/timers.target.wants/hookspool* /etc/systemd/system/sockets.target.wants/hookspool* 2>/dev/null | wc -l)" 0

# ------------------------------------------------ a signed event through the package's nginx example
# The receiver started exactly as the example's own comment says (spawn-fcgi
# on /run/hookspool/hookspool.sock as hookspool, socket for www-data);
# the example itself changed only in listen and server_name.
install -d -o hookspool -g hookspool /run/hookspool
ex=/usr/share/doc/hookspool/examples/nginx/hookspool.conf
check "the example documents the spawn-fcgi line used here" \
    "$(grep -c 'spawn-fcgi -n -d /srv/hookspool -s /run/hookspool/hookspool.sock' "$ex")" 1
_hs_spawn_fcgi /usr/lib/hookspool/hookspool.fcgi /etc/hookspool/hookspool.json \
    /run/hookspool/hookspool.sock "$T/spawn-fcgi.log" /var/spool/hookspool hookspool
check "spawn-fcgi: socket up, the receiver as hookspool" \
    "$(test -S /run/hookspool/hookspool.sock && ps -o user= -C hookspool.fcgi | sort -u | tr -d ' ')" hookspool
nd=$(_hs_server_dir "$T" nginx)
HS_PORT=$(hs_free_port)
_hs_subst "$ex" "$nd/hookspool.conf" 'listen 80;' "listen 127.0.0.1:$HS_PORT;" \
    'hooks.example.org' 127.0.0.1
# in this shell, not a $(...): hs_stop_server must know its process group
_hs_nginx_start "$nd" nginx-deb "$nd/hookspool.conf" >/dev/null 2>&1
check "nginx with the package's example: starts" "$?" 0
url=http://127.0.0.1:$HS_PORT/webhooks/circularo
out=$(hookspool sign circularo --event documentCompleted --send "$url" 2>&1)
check "signed Circularo event: 200 accepted into completed" \
    "$(printf '%s' "$out" | grep -o 'HTTP 200 {"status":"accepted"' | head -1) $(printf '%s' "$out" | grep -o '"queue":"completed"')" \
    'HTTP 200 {"status":"accepted" "queue":"completed"'
files=$(find /var/spool/hookspool/completed/new -type f 2>/dev/null)
check "spool: exactly one file in completed/new" "$(printf '%s\n' "$files" | grep -c .)" 1
check "spool: the file is the receiver's (hookspool:hookspool 640)" \
    "$(stat -c '%U:%G %a' $files 2>/dev/null)" "hookspool:hookspool 640"
check "spool: the file is the event (endpoint circularo, verified)" \
    "$(jq -r '[.endpoint, .event, .verified] | join(" ")' $files 2>/dev/null)" "circularo documentCompleted true"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H 'X-Circularo-Signature: 00' --data '{"event":"documentCompleted"}' "$url")
check "bad signature: 401" "$code" 401
check "bad signature: nothing more in the spool" \
    "$(find /var/spool/hookspool -path '*/new/*' -type f | wc -l)" 1

hs_stop_server >/dev/null 2>&1

# ------------------------------------------------ lighttpd running the receiver itself
# lighttpd (and Apache mod_fcgid) start the receiver as the web server's
# user: www-data joins the hookspool group (the README's one command for
# it), reads the config through the group and writes the spool through
# its 02770; the handler then runs as hookspool on files www-data wrote.
# The package's lighttpd example as shipped, its defaults untouched: only
# the port and the work directory come from the environment.
adduser --quiet www-data hookspool
lw=$(_hs_server_dir "$T" lighttpd)
HS_PORT=$(hs_free_port)
mapfile -d '' cmd < <(_hs_as_user "$HS_LIGHTTPD_BIN" -D -f /usr/share/doc/hookspool/examples/lighttpd/test.conf)
HOOKSPOOL_WORKDIR=$lw HOOKSPOOL_PORT=$HS_PORT _hs_spawn "$lw/stderr.log" "${cmd[@]}"
_hs_wait_ready "$_HS_LAST_PGID" >/dev/null 2>&1
out=$(hookspool sign circularo --event documentCompleted --send "http://127.0.0.1:$HS_PORT/webhooks/circularo" 2>&1)
check "lighttpd (package example, receiver as www-data): 200 accepted" \
    "$(printf '%s' "$out" | grep -o 'HTTP 200 {"status":"accepted"' | head -1)" 'HTTP 200 {"status":"accepted"'
check "lighttpd: the receiver runs from the package" \
    "$(pgrep -u www-data -f '^/usr/lib/hookspool/hookspool.fcgi' | wc -l | awk '{print ($1 > 0) ? "yes" : "no"}')" yes
newest=$(ls -t /var/spool/hookspool/completed/new/ 2>/dev/null | head -1)
check "lighttpd: the new file is www-data's, group hookspool by the setgid spool, 640" \
    "$(stat -c '%U:%G %a' "/var/spool/hookspool/completed/new/$newest" 2>/dev/null)" "www-data:hookspool 640"
hs_stop_server >/dev/null 2>&1
deluser --quiet www-data hookspool
check "every server this suite started is stopped" "$(pgrep -f "$T" | wc -l)" 0

# the run@ unit's command line, as systemd builds it: %i the instance,
# $VAR split at whitespace from the EnvironmentFile, run as User=hookspool
exec_line=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/hookspool-run@.service)
check "run@ ExecStart: the documented shape" "$exec_line" \
    '/usr/bin/hookspool run %i --for 55s $HOOKSPOOL_RUN_ARGS -- $HOOKSPOOL_HANDLER'
# an EnvironmentFile is KEY=VALUE lines, not shell: read, not sourced
while IFS='=' read -r key value; do
	case $key in
	HOOKSPOOL_HANDLER) HOOKSPOOL_HANDLER=$value ;;
	HOOKSPOOL_RUN_ARGS) HOOKSPOOL_RUN_ARGS=$value ;;
	esac
done </etc/hookspool/run/completed.env
chown hookspool "$T" && touch "$T/handled.log" && chown hookspool "$T/handled.log"
cmdline=${exec_line//%i/completed}
cmdline=${cmdline//\$HOOKSPOOL_RUN_ARGS/$HOOKSPOOL_RUN_ARGS}
cmdline=${cmdline//\$HOOKSPOOL_HANDLER/$HOOKSPOOL_HANDLER}
# shellcheck disable=SC2086 # split at whitespace, as systemd does
(cd /var/spool/hookspool && runuser -u hookspool -- env HOOKSPOOL_CONFIG=/etc/hookspool/hookspool.json $cmdline) \
    >"$T/run.out" 2>&1
check "run@completed's command as hookspool: exit 0" "$?" 0
check "run@completed: the handler got both events on stdin, oldest first" \
    "$(jq -r '[.id, .event] | join(" ")' "$T/handled.log" 2>/dev/null | tr '\n' ' ')" \
    "$(basename "$files") documentCompleted $newest documentCompleted "
check "run@completed: both events moved to done/ (nginx's and lighttpd's)" \
    "$(find /var/spool/hookspool/completed/new /var/spool/hookspool/completed/cur -type f | wc -l) $(find /var/spool/hookspool/completed/done -type f | wc -l)" "0 2"

# ------------------------------------------------ purge: nothing of ours but the spool
# the admin's own file goes first: purge leaves what is not the package's
rm -f /etc/hookspool/run/completed.env "$MARK"
dpkg-query -L hookspool >"$T/files" 2>/dev/null
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq hookspool >"$T/apt-purge.log" 2>&1
check "apt-get purge hookspool: exits 0" "$?" 0
check "dpkg: not installed, no config-files left" \
    "$(dpkg-query -W -f='${Status}' hookspool 2>/dev/null)" ""
left=$(while read -r p; do
	case $p in /. | /var/spool/hookspool) continue ;; esac
	# directories shared with other packages stay; any of ours must go
	[ -d "$p" ] && dpkg-query -S "$p" >/dev/null 2>&1 && continue
	[ -e "$p" ] && printf '%s ' "$p"
done <"$T/files")
check "purge: no file or directory of the package left" "$left" ""
check "purge: /etc/hookspool gone (conffile, generated secret, run/)" \
    "$(test -e /etc/hookspool && echo left || echo gone)" gone
check "purge: no statoverride of ours left" "$(dpkg-statoverride --list | grep -c hookspool)" 0
check "purge: the spool and its events kept (they are the admin's data)" \
    "$(find /var/spool/hookspool/completed/done -type f | wc -l)" 2
INSTALLED=0
rm -rf /var/spool/hookspool /run/hookspool

hs_summary deb

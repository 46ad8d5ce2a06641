#!/usr/bin/env bash
# tests/lib/deps.sh build|run|check|bench|coverage|deb - install the Debian packages a
# target needs. As root: apt-get installs what is missing (services are kept
# from starting on port 80). Otherwise: prints the exact apt-get line.
set -eu
BUILD_PKGS="gcc make pkg-config libfcgi-dev libssl-dev libjson-c-dev libcurl4-openssl-dev libseccomp-dev"
RUN_PKGS="$BUILD_PKGS lighttpd curl jq openssl"
CHECK_PKGS="$RUN_PKGS man-db apache2 libapache2-mod-fcgid spawn-fcgi libfcgi-bin nginx-light caddy fcgiwrap systemd clang llvm libclang-rt-14-dev valgrind python3 iproute2 util-linux procps strace nodejs npm debhelper dpkg-dev lintian chromium fonts-dejavu-core prometheus"
BENCH_PKGS="$RUN_PKGS wrk hyperfine gnuplot-nox nodejs npm procps util-linux"
COVERAGE_PKGS="$CHECK_PKGS gcovr"
DEB_PKGS="$BUILD_PKGS debhelper dpkg-dev"

case ${1:-run} in
build) want=$BUILD_PKGS ;;
run) want=$RUN_PKGS ;;
check) want=$CHECK_PKGS ;;
bench) want=$BENCH_PKGS ;;
coverage) want=$COVERAGE_PKGS ;;
deb) want=$DEB_PKGS ;;
*) echo "usage: $0 build|run|check|bench|coverage|deb" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	# a nodejs from elsewhere (NodeSource) brings its own npm; Debian's npm
	# package would conflict with it
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "hookspool: missing Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "hookspool: installing$missing" >&2
# Keep lighttpd/apache2/nginx/caddy from starting their default sites on port 80.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 0755 "$policy"
	made_policy=1
fi
trap '[ "$made_policy" = 1 ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing > /tmp/hookspool-apt.log 2>&1 || {
	tail -20 /tmp/hookspool-apt.log >&2
	exit 1
}

# shellcheck shell=bash disable=SC2034 # HS_* globals are for the sourcing script
# tests/lib/servers.sh - start real web servers (lighttpd, Apache, nginx,
# Caddy) in front of a FastCGI/CGI receiver binary, for integration tests.
# Source it:
#
#   . "$(dirname "$0")/lib/servers.sh"
#   trap hs_stop_server EXIT
#   hs_prepare_spool "$work/spool"
#   hs_start_lighttpd "$PWD/build/hookspool.fcgi" "$work/hookspool.json" "$work/lt"
#   curl -sS -d @body.json "$HS_URL/webhooks/circularo"
#
# Functions (all return non-zero on failure, after printing the reason and
# the server's logs to stderr):
#   hs_free_port                               print a free 127.0.0.1 TCP port
#   hs_prepare_spool DIR                       mkdir DIR, make it writable by
#                                              the Apache user, parents traversable
#   hs_start_lighttpd BIN CONFIG WORKDIR       lighttpd + mod_fastcgi (bin-path BIN,
#                                              max-procs $HS_PROCS) via lighttpd/test.conf
#   hs_start_apache_fcgid BIN CONFIG WORKDIR   Apache + mod_fcgid via apache/hookspool-fcgid.conf
#   hs_start_apache_cgi BIN CONFIG WORKDIR [CFGMODE]
#                                              Apache + mod_cgi + www/.htaccess
#   hs_start_apache_htaccess BIN CONFIG WORKDIR HANDLER [CFGMODE]
#                                              same, HANDLER cgi|fcgid (the
#                                              .htaccess picks fcgid-script when
#                                              mod_fcgid is loaded)
#   hs_start_apache_proxy_fcgi BIN CONFIG WORKDIR
#                                              Apache + mod_proxy_fcgi + spawn-fcgi
#                                              via apache/hookspool-proxy-fcgi.conf
#   hs_start_nginx BIN CONFIG WORKDIR          nginx + spawn-fcgi via nginx/hookspool.conf
#   hs_start_nginx_fcgiwrap BIN CONFIG WORKDIR nginx + fcgiwrap (plain CGI per
#                                              request) via nginx/hookspool-fcgiwrap.conf
#   hs_start_caddy BIN CONFIG WORKDIR          Caddy + reverse_proxy/fastcgi +
#                                              spawn-fcgi via caddy/Caddyfile
#   (nginx, fcgiwrap and Caddy run as HS_APACHE_USER when we are root, in
#   the foreground, with pid, logs, temp files and Caddy's HOME/XDG dirs in
#   WORKDIR/nginx, WORKDIR/nginx-fcgiwrap or WORKDIR/caddy; the shipped
#   nginx files' values are replaced by _hs_subst, which fails if one is
#   gone; the Caddyfile's {$HOOKSPOOL_*} come from the environment)
#   hs_stop_server                             stop everything started; idempotent
#
# CFGMODE (how the .htaccess layout finds the config):
#   setenv    (default) append `SetEnv HOOKSPOOL_CONFIG CONFIG` to the copied
#             .htaccess (works because the test Apache has no suEXEC)
#   fallback  copy CONFIG to ../hookspool.json relative to the binary and set
#             nothing (the receiver's portable fallback)
#   none      neither
#
# After a successful start these globals are set:
#   HS_URL         http://127.0.0.1:PORT   (receiver at $HS_URL/webhooks/<endpoint>)
#   HS_PORT        the port
#   HS_SERVER_LOG  the server's error log (lighttpd: also the receiver's stderr;
#                  Apache: ErrorLog, which gets the receiver's stderr too;
#                  nginx, Caddy: the receiver's stderr is spawn-fcgi.log or
#                  fcgiwrap.log next to it)
#   HS_SERVER_KIND lighttpd | apache-fcgid | apache-cgi | apache-htaccess-fcgid |
#                  apache-proxy-fcgi | nginx | nginx-fcgiwrap | caddy
#   HS_DOCROOT     the document root (for the .htaccess layout: the directory
#                  holding .htaccess and hookspool.fcgi)
#   HS_BIN_PATH    the path the server runs (Apache: a copy of BIN in WORKDIR)
#
# Tunables (environment, read at start):
#   HS_WAIT_SECS   [10]        how long to wait for the port to answer
#   HS_PROCS       [2]         lighttpd max-procs / mod_fcgid MaxProcessesPerClass
#   HS_MAX_BODY    [1048576]   FcgidMaxRequestLen / LimitRequestBody /
#                              client_max_body_size / request_body max_size (bytes);
#                              match it to the config's max_body_bytes
#   HS_APACHE_USER / HS_APACHE_GROUP  [www-data, else nobody/nogroup]
#                              Apache refuses to run as root; the receiver runs
#                              as this user under Apache (lighttpd: as root)
#   HS_ALLOW_OVERRIDE [All]    AllowOverride for the .htaccess docroot
#   HS_APACHE_LOGLEVEL [warn]
#   HS_APACHE_TIMEOUT [30]     Apache's Timeout (seconds): how long it waits
#                              for a silent client (then answers 408 itself)
#
# Everything listens on 127.0.0.1 only; all waits are bounded.

HS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HS_REPO=${HS_REPO:-$(cd "$HS_LIB_DIR/../.." && pwd)}
HS_URL=""
HS_PORT=""
HS_SERVER_LOG=""
HS_SERVER_KIND=""
HS_DOCROOT=""
HS_BIN_PATH=""
HS_APACHE_BIN=${HS_APACHE_BIN:-/usr/sbin/apache2}
HS_APACHE_MODDIR=${HS_APACHE_MODDIR:-/usr/lib/apache2/modules}
HS_LIGHTTPD_BIN=${HS_LIGHTTPD_BIN:-$(command -v lighttpd || echo /usr/sbin/lighttpd)}
HS_SPAWN_FCGI_BIN=${HS_SPAWN_FCGI_BIN:-$(command -v spawn-fcgi || echo /usr/bin/spawn-fcgi)}
HS_NGINX_BIN=${HS_NGINX_BIN:-/usr/sbin/nginx}
HS_FCGIWRAP_BIN=${HS_FCGIWRAP_BIN:-/usr/sbin/fcgiwrap}
HS_CADDY_BIN=${HS_CADDY_BIN:-/usr/bin/caddy}

if [[ -z ${HS_APACHE_USER:-} ]]; then
    if getent passwd www-data >/dev/null 2>&1; then
        HS_APACHE_USER=www-data
    else
        HS_APACHE_USER=nobody
    fi
fi
if [[ -z ${HS_APACHE_GROUP:-} ]]; then
    if getent group "$HS_APACHE_USER" >/dev/null 2>&1; then
        HS_APACHE_GROUP=$HS_APACHE_USER
    else
        HS_APACHE_GROUP=nogroup
    fi
fi

_HS_PGIDS=()   # process groups started (each a server or spawn-fcgi'd app)
_HS_PIDS=()    # background jobs to reap
_HS_EXES=()    # binary copies under a WORKDIR: stray processes get killed
_HS_LOGS=()    # logs printed on failure

_hs_err() { printf 'servers.sh: %s\n' "$*" >&2; }

_hs_dump_logs() {
    local f
    for f in "${_HS_LOGS[@]}" "$@"; do
        [[ -s $f ]] || continue
        printf -- '----- %s (last 40 lines) -----\n' "$f" >&2
        tail -n 40 -- "$f" >&2
    done
}

# Any socket on the port, listening or connected: a client's ephemeral
# port blocks a server's bind as well.
_hs_port_in_use() {
    if command -v ss >/dev/null 2>&1; then
        [[ -n $(ss -Htan "sport = :$1" 2>/dev/null) ]] && return 0
    fi
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A free port below the kernel's ephemeral range (ip_local_port_range):
# a port inside it, free when checked, can be taken by any outgoing
# connection (curl, the server's own FastCGI sockets) before the server
# binds it ("Address already in use" on 127.0.0.1:49408 in CI).
hs_free_port() {
    local port i low=32768 span
    read -r low _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
    ((low > 12000)) || low=32768
    span=$((low - 10000))
    for ((i = 0; i < 200; i++)); do
        port=$((10000 + (RANDOM * 32768 + RANDOM) % span))
        if ! _hs_port_in_use "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    _hs_err "no free port found"
    return 1
}

# Make DIR and its ancestors traversable by other users.  Only directories we
# own below the temp dir (or DIR itself) are changed; others just warn.
_hs_open_path() {
    local d top tmp mode
    tmp=$(cd "${TMPDIR:-/tmp}" && pwd -P)
    d=$(cd "$1" && pwd -P) || return 1
    top=$d
    while [[ -n $d && $d != / ]]; do
        mode=$(stat -c %A -- "$d")
        if [[ ${mode:9:1} != [xt] ]]; then
            if [[ -O $d && ($d == "$tmp"/* || $d == "$top") ]]; then
                chmod o+x -- "$d"
            else
                _hs_err "warning: $d is not traversable by $HS_APACHE_USER"
            fi
        fi
        d=${d%/*}
    done
    return 0
}

hs_prepare_spool() {
    local dir=${1:?usage: hs_prepare_spool DIR}
    mkdir -p -- "$dir" || return 1
    if [[ $(id -u) -eq 0 ]]; then
        chown "$HS_APACHE_USER:$HS_APACHE_GROUP" -- "$dir" || return 1
    fi
    chmod 0770 -- "$dir" || return 1
    _hs_open_path "$(dirname -- "$dir")"
}

# The receiver under Apache runs as HS_APACHE_USER: CONFIG must be readable.
_hs_check_readable() {
    local f=$1
    [[ -e $f ]] || return 0 # the test may write it later
    if [[ -O $f ]]; then chmod a+r -- "$f"; fi
    _hs_open_path "$(dirname -- "$f")" || true
    if [[ $(id -u) -eq 0 ]] && command -v runuser >/dev/null 2>&1 &&
        ! runuser -u "$HS_APACHE_USER" -- test -r "$f" 2>/dev/null; then
        _hs_err "warning: $f is not readable by $HS_APACHE_USER"
    fi
}

# _hs_spawn LOG CMD... : run CMD in a new session (its own process group)
# with stdio to LOG; records the group.
_hs_spawn() {
    local log=$1 pidf pg i
    shift
    pidf=$(mktemp "${TMPDIR:-/tmp}/hs-pgid.XXXXXX") || return 1
    # shellcheck disable=SC2016 # $$ and $@ are for the inner sh
    setsid sh -c 'echo "$$" >"$0"; exec "$@"' "$pidf" "$@" >>"$log" 2>&1 </dev/null &
    _HS_PIDS+=("$!")
    for ((i = 0; i < 50; i++)); do
        pg=$(cat -- "$pidf" 2>/dev/null)
        [[ -n $pg ]] && break
        sleep 0.1
    done
    rm -f -- "$pidf"
    if [[ -z $pg ]]; then
        _hs_err "could not start: $*"
        return 1
    fi
    _HS_PGIDS+=("$pg")
    _HS_LAST_PGID=$pg
}

# PIDs of live (non-zombie) processes in process group $1.
_hs_group_members() {
    local f stat rest pid
    for f in /proc/[0-9]*/stat; do
        { stat=$(<"$f"); } 2>/dev/null || continue
        pid=${stat%% *}
        rest=${stat##*) } # "S ppid pgrp ..."
        read -r -a rest <<<"$rest"
        if [[ ${rest[2]} == "$1" && ${rest[0]} != Z ]]; then
            printf '%s\n' "$pid"
        fi
    done
    return 0
}

# PIDs of processes whose executable is $1.
_hs_exe_members() {
    local f
    for f in /proc/[0-9]*/exe; do
        [[ $(readlink -- "$f" 2>/dev/null) == "$1" ]] || continue
        f=${f#/proc/}
        printf '%s\n' "${f%/exe}"
    done
    return 0
}

# _hs_wait_ready PGID : wait until $HS_URL answers (any HTTP status).
_hs_wait_ready() {
    local pg=$1 code i n
    n=$((${HS_WAIT_SECS:-10} * 10))
    for ((i = 0; i < n; i++)); do
        if [[ -z $(_hs_group_members "$pg") ]]; then
            _hs_err "$HS_SERVER_KIND exited during startup"
            _hs_dump_logs
            return 1
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$HS_URL/" 2>/dev/null) || true
        if [[ $code != 000 && -n $code ]]; then
            return 0
        fi
        sleep 0.1
    done
    _hs_err "$HS_SERVER_KIND did not answer on $HS_URL within ${HS_WAIT_SECS:-10}s"
    _hs_dump_logs
    return 1
}

_hs_check_args() {
    local bin=$1 config=$2 workdir=$3
    if [[ -z $bin || -z $config || -z $workdir ]]; then
        _hs_err "usage: ${FUNCNAME[1]} BIN CONFIG WORKDIR"
        return 1
    fi
    if [[ ! -x $bin ]]; then
        _hs_err "receiver binary not executable: $bin"
        return 1
    fi
    if [[ $config != /* || $workdir != /* ]]; then
        _hs_err "CONFIG and WORKDIR must be absolute paths"
        return 1
    fi
}

hs_start_lighttpd() {
    local bin=${1:-} config=${2:-} workdir=${3:-} port lw
    _hs_check_args "$bin" "$config" "$workdir" || return 1
    bin=$(cd "$(dirname -- "$bin")" && pwd -P)/$(basename -- "$bin")
    port=$(hs_free_port) || return 1
    lw=$workdir/lighttpd
    mkdir -p -- "$lw/htdocs" || return 1
    HS_SERVER_KIND=lighttpd
    HS_PORT=$port
    HS_URL=http://127.0.0.1:$port
    HS_SERVER_LOG=$lw/error.log
    HS_DOCROOT=$lw/htdocs
    HS_BIN_PATH=$bin
    _HS_LOGS+=("$lw/stderr.log" "$lw/error.log")
    HOOKSPOOL_WORKDIR=$lw HOOKSPOOL_PORT=$port HOOKSPOOL_BIN=$bin \
        HOOKSPOOL_CONFIG=$config HOOKSPOOL_PROCS=${HS_PROCS:-2} \
        HOOKSPOOL_SOCKET=$lw/hookspool.sock \
        HOOKSPOOL_MAX_KB=$(((${HS_MAX_BODY:-1048576} + 1023) / 1024)) \
        _hs_spawn "$lw/stderr.log" "$HS_LIGHTTPD_BIN" -D -f "$HS_REPO/lighttpd/test.conf" ||
        return 1
    _hs_wait_ready "$_HS_LAST_PGID"
}

# _hs_apache_conf AD PORT EXTRA : write AD/httpd.conf (base server config).
_hs_apache_conf() {
    local ad=$1 port=$2 extra=$3 m
    mkdir -p -- "$ad/run" "$ad/logs" "$ad/htdocs" || return 1
    {
        printf '# generated by tests/lib/servers.sh\n'
        printf 'ServerRoot "%s"\n' "$ad"
        printf 'DefaultRuntimeDir "%s/run"\n' "$ad"
        printf 'PidFile "%s/run/httpd.pid"\n' "$ad"
        printf 'Mutex file:%s/run default\n' "$ad"
        printf 'ErrorLog "%s/logs/error.log"\n' "$ad"
        printf 'LogLevel %s\n' "${HS_APACHE_LOGLEVEL:-warn}"
        printf 'Listen 127.0.0.1:%s\n' "$port"
        printf 'ServerName 127.0.0.1\n'
        printf 'User %s\nGroup %s\n' "$HS_APACHE_USER" "$HS_APACHE_GROUP"
        printf 'Timeout %s\nKeepAlive Off\n' "${HS_APACHE_TIMEOUT:-30}"
        for m in mpm_prefork authz_core alias env setenvif rewrite dir mime; do
            printf 'LoadModule %s_module "%s/mod_%s.so"\n' "$m" "$HS_APACHE_MODDIR" "$m"
        done
        printf 'StartServers 2\nMinSpareServers 1\nMaxSpareServers 4\nMaxRequestWorkers 16\n'
        printf 'TypesConfig /dev/null\n'
        printf 'LogFormat "%%h %%l %%u %%t \\"%%r\\" %%>s %%b" common\n'
        printf 'CustomLog "%s/logs/access.log" common\n' "$ad"
        printf 'DocumentRoot "%s/htdocs"\n' "$ad"
        printf '<Directory />\n    Options None\n    AllowOverride None\n    Require all denied\n</Directory>\n'
        printf '%s\n' "$extra"
    } >"$ad/httpd.conf"
}

# _hs_apache_start AD KIND : start Apache with AD/httpd.conf and wait.
_hs_apache_start() {
    local ad=$1
    HS_SERVER_KIND=$2
    HS_URL=http://127.0.0.1:$HS_PORT
    HS_SERVER_LOG=$ad/logs/error.log
    _HS_LOGS+=("$ad/logs/stderr.log" "$ad/logs/error.log")
    if ! "$HS_APACHE_BIN" -t -f "$ad/httpd.conf" >"$ad/logs/configtest.log" 2>&1; then
        _hs_err "apache2 -t failed for $ad/httpd.conf"
        _hs_dump_logs "$ad/logs/configtest.log"
        return 1
    fi
    _hs_spawn "$ad/logs/stderr.log" "$HS_APACHE_BIN" -f "$ad/httpd.conf" -DFOREGROUND ||
        return 1
    _hs_wait_ready "$_HS_LAST_PGID"
}

# _hs_install_bin BIN DIR : copy BIN to DIR/hookspool.fcgi (readable and
# executable by the Apache user); prints the new path.
_hs_install_bin() {
    local dest=$2/hookspool.fcgi
    mkdir -p -- "$2" && cp -- "$1" "$dest" && chmod 0755 -- "$dest" "$2" || return 1
    _HS_EXES+=("$(cd "$2" && pwd -P)/hookspool.fcgi")
    printf '%s\n' "$dest"
}

hs_start_apache_fcgid() {
    local bin=${1:-} config=${2:-} workdir=${3:-} ad
    _hs_check_args "$bin" "$config" "$workdir" || return 1
    ad=$workdir/apache-fcgid
    mkdir -p -- "$ad/fcgid" || return 1
    chmod 0755 -- "$workdir" "$ad" || return 1
    _hs_open_path "$workdir" || return 1
    HS_PORT=$(hs_free_port) || return 1
    HS_BIN_PATH=$(_hs_install_bin "$bin" "$ad/bin") || return 1
    HS_DOCROOT=$ad/htdocs
    chown "$HS_APACHE_USER:$HS_APACHE_GROUP" -- "$ad/fcgid" 2>/dev/null || true
    _hs_check_readable "$config"
    _hs_apache_conf "$ad" "$HS_PORT" "$(
        printf 'LoadModule fcgid_module "%s/mod_fcgid.so"\n' "$HS_APACHE_MODDIR"
        printf 'FcgidIPCDir "%s/fcgid"\n' "$ad"
        printf 'FcgidProcessTableFile "%s/run/fcgid_shm"\n' "$ad"
        printf 'Define HOOKSPOOL_PORT %s\n' "$HS_PORT"
        printf 'Define HOOKSPOOL_SERVERNAME 127.0.0.1\n'
        printf 'Define HOOKSPOOL_BIN "%s"\n' "$HS_BIN_PATH"
        printf 'Define HOOKSPOOL_CONFIG "%s"\n' "$config"
        printf 'Define HOOKSPOOL_DOCROOT "%s"\n' "$HS_DOCROOT"
        printf 'Define HOOKSPOOL_MAX_BODY %s\n' "${HS_MAX_BODY:-1048576}"
        printf 'Define HOOKSPOOL_PROCS %s\n' "${HS_PROCS:-2}"
        printf 'Include "%s/apache/hookspool-fcgid.conf"\n' "$HS_REPO"
    )" || return 1
    _hs_apache_start "$ad" apache-fcgid
}

hs_start_apache_proxy_fcgi() {
    local bin=${1:-} config=${2:-} workdir=${3:-} ad sock
    _hs_check_args "$bin" "$config" "$workdir" || return 1
    ad=$workdir/apache-proxy
    mkdir -p -- "$ad/sock" || return 1
    chmod 0755 -- "$workdir" "$ad" || return 1
    _hs_open_path "$workdir" || return 1
    HS_PORT=$(hs_free_port) || return 1
    HS_BIN_PATH=$(_hs_install_bin "$bin" "$ad/bin") || return 1
    HS_DOCROOT=$ad/htdocs
    _hs_check_readable "$config"
    sock=$ad/sock/hookspool.sock
    chown "$HS_APACHE_USER:$HS_APACHE_GROUP" -- "$ad/sock" 2>/dev/null || true
    mkdir -p -- "$ad/logs" || return 1
    # The receiver runs as the Apache user (as it would as a dedicated user).
    _hs_spawn_fcgi "$HS_BIN_PATH" "$config" "$sock" "$ad/logs/spawn-fcgi.log" "$ad/bin" ||
        return 1
    _hs_apache_conf "$ad" "$HS_PORT" "$(
        for m in proxy proxy_fcgi; do
            printf 'LoadModule %s_module "%s/mod_%s.so"\n' "$m" "$HS_APACHE_MODDIR" "$m"
        done
        printf 'Define HOOKSPOOL_PORT %s\n' "$HS_PORT"
        printf 'Define HOOKSPOOL_SERVERNAME 127.0.0.1\n'
        printf 'Define HOOKSPOOL_BIN "%s"\n' "$HS_BIN_PATH"
        printf 'Define HOOKSPOOL_SOCKET "%s"\n' "$sock"
        printf 'Define HOOKSPOOL_CONFIG "%s"\n' "$config"
        printf 'Define HOOKSPOOL_DOCROOT "%s"\n' "$HS_DOCROOT"
        printf 'Define HOOKSPOOL_MAX_BODY %s\n' "${HS_MAX_BODY:-1048576}"
        printf 'Include "%s/apache/hookspool-proxy-fcgi.conf"\n' "$HS_REPO"
    )" || return 1
    _hs_apache_start "$ad" apache-proxy-fcgi
}

# _hs_subst IN OUT OLD NEW [OLD NEW...] : copy IN to OUT with each literal
# OLD replaced by NEW; fails if an OLD does not occur in IN (the shipped
# file changed and the test would run its defaults).
_hs_subst() {
    local in=$1 out=$2 text
    shift 2
    text=$(<"$in") || return 1
    while (($# >= 2)); do
        if [[ $text != *"$1"* ]]; then
            _hs_err "$in: no '$1' to replace"
            return 1
        fi
        text=${text//"$1"/"$2"}
        shift 2
    done
    printf '%s\n' "$text" >"$out"
}

# _hs_as_user CMD... : the command line that runs CMD as HS_APACHE_USER when
# we are root (web servers refuse or should not run as root), else as is.
_hs_as_user() {
    if [[ $(id -u) -eq 0 ]]; then
        printf '%s\0' setpriv --reuid="$HS_APACHE_USER" --regid="$HS_APACHE_GROUP" \
            --init-groups -- "$@"
    else
        printf '%s\0' "$@"
    fi
}

# _hs_spawn_fcgi BIN CONFIG SOCK LOG DIR [USER] : spawn-fcgi -n runs BIN
# (one process, cwd DIR) as USER (user and group of that name; default
# HS_APACHE_USER and its group) on the unix socket SOCK (0660, owned by
# HS_APACHE_USER:HS_APACHE_GROUP, the web server's), its stderr to LOG;
# waits for the socket.
_hs_spawn_fcgi() {
    local bin=$1 config=$2 sock=$3 log=$4 dir=$5 i
    local user=${6:-$HS_APACHE_USER} group=${6:-$HS_APACHE_GROUP}
    _HS_LOGS+=("$log")
    HOOKSPOOL_CONFIG=$config _hs_spawn "$log" \
        "$HS_SPAWN_FCGI_BIN" -n -d "$dir" -s "$sock" -M 0660 \
        -U "$HS_APACHE_USER" -G "$HS_APACHE_GROUP" \
        -u "$user" -g "$group" -- "$bin" || return 1
    for ((i = 0; i < ${HS_WAIT_SECS:-10} * 10; i++)); do
        [[ -S $sock ]] && return 0
        [[ -n $(_hs_group_members "$_HS_LAST_PGID") ]] || break
        sleep 0.1
    done
    _hs_err "spawn-fcgi did not create $sock"
    _hs_dump_logs
    return 1
}

# _hs_server_dir WORKDIR NAME : make WORKDIR/NAME (owned by the server's
# user, HS_APACHE_USER, when we are root); prints the directory.
_hs_server_dir() {
    local d=$1/$2
    mkdir -p -- "$d/tmp" "$d/sock" || return 1
    chmod 0755 -- "$1" "$d" || return 1
    if [[ $(id -u) -eq 0 ]]; then
        chown -R "$HS_APACHE_USER:$HS_APACHE_GROUP" -- "$d" || return 1
    fi
    _hs_open_path "$1" || return 1
    printf '%s\n' "$d"
}

# _hs_nginx_start ND KIND SITE : ND/nginx.conf around ND/SITE (the shipped
# server block, substituted), `nginx -t`, then nginx in the foreground as
# HS_APACHE_USER; pid, logs and temp files in ND.
_hs_nginx_start() {
    local nd=$1 site=$3 t
    local -a cmd
    HS_SERVER_KIND=$2
    HS_URL=http://127.0.0.1:$HS_PORT
    HS_SERVER_LOG=$nd/error.log
    _HS_LOGS+=("$nd/stderr.log" "$nd/error.log")
    cp -- /etc/nginx/fastcgi_params "$nd/fastcgi_params" || return 1
    {
        printf '# generated by tests/lib/servers.sh\n'
        printf 'daemon off;\nmaster_process on;\nworker_processes 1;\n'
        printf 'pid %s/nginx.pid;\n' "$nd"
        printf 'error_log %s/error.log warn;\n' "$nd"
        printf 'events {\n    worker_connections 64;\n}\n'
        printf 'http {\n'
        printf '    access_log %s/access.log;\n' "$nd"
        for t in client_body proxy fastcgi uwsgi scgi; do
            printf '    %s_temp_path %s/tmp/%s;\n' "$t" "$nd" "$t"
        done
        printf '    default_type application/octet-stream;\n'
        printf '    include %s;\n' "$site"
        printf '}\n'
    } >"$nd/nginx.conf" || return 1
    [[ $(id -u) -ne 0 ]] || chown -R "$HS_APACHE_USER:$HS_APACHE_GROUP" -- "$nd"
    mapfile -d '' cmd < <(_hs_as_user "$HS_NGINX_BIN" -p "$nd" -e "$nd/error.log" -c "$nd/nginx.conf")
    if ! "${cmd[@]}" -t >"$nd/configtest.log" 2>&1; then
        _hs_err "nginx -t failed for $nd/nginx.conf"
        _hs_dump_logs "$nd/configtest.log"
        return 1
    fi
    _hs_spawn "$nd/stderr.log" "${cmd[@]}" || return 1
    _hs_wait_ready "$_HS_LAST_PGID"
}

# nginx + nginx/hookspool.conf + the receiver under spawn-fcgi (one process)
hs_start_nginx() {
    local bin=${1:-} config=${2:-} workdir=${3:-} nd sock
    _hs_check_args "$bin" "$config" "$workdir" || return 1
    nd=$(_hs_server_dir "$workdir" nginx) || return 1
    HS_PORT=$(hs_free_port) || return 1
    HS_BIN_PATH=$(_hs_install_bin "$bin" "$nd/bin") || return 1
    HS_DOCROOT=""
    _hs_check_readable "$config"
    sock=$nd/sock/hookspool.sock
    _hs_spawn_fcgi "$HS_BIN_PATH" "$config" "$sock" "$nd/spawn-fcgi.log" "$nd/bin" || return 1
    _hs_subst "$HS_REPO/nginx/hookspool.conf" "$nd/hookspool.conf" \
        'listen 80;' "listen 127.0.0.1:$HS_PORT;" \
        'hooks.example.org' 127.0.0.1 \
        /run/hookspool/hookspool.sock "$sock" \
        /srv/hookspool/hookspool.json "$config" \
        'client_max_body_size 1m;' "client_max_body_size ${HS_MAX_BODY:-1048576};" || return 1
    _hs_nginx_start "$nd" nginx "$nd/hookspool.conf"
}

# nginx + nginx/hookspool-fcgiwrap.conf: fcgiwrap (restricted to the
# receiver with -p) forks it as plain CGI per request. Without -f: the
# receiver's stderr is fcgiwrap's, ND/fcgiwrap.log.
hs_start_nginx_fcgiwrap() {
    local bin=${1:-} config=${2:-} workdir=${3:-} nd sock i
    local -a cmd
    _hs_check_args "$bin" "$config" "$workdir" || return 1
    nd=$(_hs_server_dir "$workdir" nginx-fcgiwrap) || return 1
    HS_PORT=$(hs_free_port) || return 1
    HS_BIN_PATH=$(_hs_install_bin "$bin" "$nd/bin") || return 1
    HS_DOCROOT=""
    _hs_check_readable "$config"
    sock=$nd/sock/fcgiwrap.sock
    _HS_LOGS+=("$nd/fcgiwrap.log")
    mapfile -d '' cmd < <(_hs_as_user "$HS_FCGIWRAP_BIN" -s "unix:$sock" -p "$HS_BIN_PATH")
    _hs_spawn "$nd/fcgiwrap.log" "${cmd[@]}" || return 1
    for ((i = 0; i < ${HS_WAIT_SECS:-10} * 10; i++)); do
        [[ -S $sock ]] && break
        [[ -n $(_hs_group_members "$_HS_LAST_PGID") ]] || break
        sleep 0.1
    done
    if [[ ! -S $sock ]]; then
        _hs_err "fcgiwrap did not create $sock"
        _hs_dump_logs
        return 1
    fi
    _hs_subst "$HS_REPO/nginx/hookspool-fcgiwrap.conf" "$nd/hookspool.conf" \
        'listen 80;' "listen 127.0.0.1:$HS_PORT;" \
        'hooks.example.org' 127.0.0.1 \
        /run/fcgiwrap.socket "$sock" \
        /srv/hookspool/hookspool.fcgi "$HS_BIN_PATH" \
        /srv/hookspool/hookspool.json "$config" \
        'client_max_body_size 1m;' "client_max_body_size ${HS_MAX_BODY:-1048576};" || return 1
    _hs_nginx_start "$nd" nginx-fcgiwrap "$nd/hookspool.conf"
}

# Caddy + caddy/Caddyfile (its {$HOOKSPOOL_*} parameters from the
# environment) + the receiver under spawn-fcgi; admin API off, an http://
# site address (so no automatic HTTPS), HOME and XDG dirs in CD, as
# HS_APACHE_USER.
hs_start_caddy() {
    local bin=${1:-} config=${2:-} workdir=${3:-} cdir sock b
    local -a cmd
    _hs_check_args "$bin" "$config" "$workdir" || return 1
    cdir=$(_hs_server_dir "$workdir" caddy) || return 1
    HS_PORT=$(hs_free_port) || return 1
    HS_BIN_PATH=$(_hs_install_bin "$bin" "$cdir/bin") || return 1
    HS_DOCROOT=""
    HS_SERVER_KIND=caddy
    HS_URL=http://127.0.0.1:$HS_PORT
    HS_SERVER_LOG=$cdir/caddy.log
    _hs_check_readable "$config"
    sock=$cdir/sock/hookspool.sock
    _hs_spawn_fcgi "$HS_BIN_PATH" "$config" "$sock" "$cdir/spawn-fcgi.log" "$cdir/bin" || return 1
    _HS_LOGS+=("$cdir/caddy.log")
    b=${HS_MAX_BODY:-1048576}
    mkdir -p -- "$cdir/home" && cp -- "$HS_REPO/caddy/Caddyfile" "$cdir/Caddyfile" || return 1
    [[ $(id -u) -ne 0 ]] || chown -R "$HS_APACHE_USER:$HS_APACHE_GROUP" -- "$cdir"
    mapfile -d '' cmd < <(_hs_as_user env HOME="$cdir/home" XDG_DATA_HOME="$cdir/home/data" \
        XDG_CONFIG_HOME="$cdir/home/config" HOOKSPOOL_SITE="http://127.0.0.1:$HS_PORT" \
        HOOKSPOOL_BIND=127.0.0.1 HOOKSPOOL_ADMIN=off \
        HOOKSPOOL_SOCKET="$sock" HOOKSPOOL_CONFIG="$config" HOOKSPOOL_MAX_BODY="${b}B" \
        "$HS_CADDY_BIN")
    if ! "${cmd[@]}" validate --config "$cdir/Caddyfile" --adapter caddyfile >"$cdir/configtest.log" 2>&1; then
        _hs_err "caddy validate failed for $cdir/Caddyfile"
        _hs_dump_logs "$cdir/configtest.log"
        return 1
    fi
    _hs_spawn "$cdir/caddy.log" "${cmd[@]}" run --config "$cdir/Caddyfile" --adapter caddyfile || return 1
    _hs_wait_ready "$_HS_LAST_PGID"
}

hs_start_apache_htaccess() {
    local bin=${1:-} config=${2:-} workdir=${3:-} handler=${4:-cgi} cfgmode=${5:-setenv}
    local ad site extra
    _hs_check_args "$bin" "$config" "$workdir" || return 1
    case $handler in cgi | fcgid) ;; *)
        _hs_err "HANDLER must be cgi or fcgid, not '$handler'"
        return 1
        ;;
    esac
    ad=$workdir/apache-htaccess-$handler
    site=$ad/site # the "home directory": site/www is the docroot
    mkdir -p -- "$site/www" || return 1
    chmod 0755 -- "$workdir" "$ad" "$site" "$site/www" || return 1
    _hs_open_path "$workdir" || return 1
    HS_PORT=$(hs_free_port) || return 1
    HS_DOCROOT=$site/www
    HS_BIN_PATH=$(_hs_install_bin "$bin" "$HS_DOCROOT") || return 1
    cp -- "$HS_REPO/www/.htaccess" "$HS_DOCROOT/.htaccess" || return 1
    chmod 0644 -- "$HS_DOCROOT/.htaccess" || return 1
    case $cfgmode in
    setenv)
        _hs_check_readable "$config"
        printf '\n# added by tests/lib/servers.sh (no suEXEC here)\nSetEnv HOOKSPOOL_CONFIG "%s"\n' \
            "$config" >>"$HS_DOCROOT/.htaccess"
        ;;
    fallback)
        cp -- "$config" "$site/hookspool.json" && chmod 0644 -- "$site/hookspool.json" || return 1
        ;;
    none) ;;
    *)
        _hs_err "CFGMODE must be setenv, fallback or none, not '$cfgmode'"
        return 1
        ;;
    esac
    if [[ $handler == fcgid ]]; then
        mkdir -p -- "$ad/fcgid" || return 1
        chown "$HS_APACHE_USER:$HS_APACHE_GROUP" -- "$ad/fcgid" 2>/dev/null || true
        extra=$(
            printf 'LoadModule fcgid_module "%s/mod_fcgid.so"\n' "$HS_APACHE_MODDIR"
            printf 'FcgidIPCDir "%s/fcgid"\n' "$ad"
            printf 'FcgidProcessTableFile "%s/run/fcgid_shm"\n' "$ad"
            printf 'FcgidMaxRequestLen %s\n' "${HS_MAX_BODY:-1048576}"
            printf 'FcgidMaxProcessesPerClass %s\nFcgidMinProcessesPerClass 0\n' "${HS_PROCS:-2}"
        )
    else
        extra=$(printf 'LoadModule cgi_module "%s/mod_cgi.so"\n' "$HS_APACHE_MODDIR")
    fi
    extra+=$(
        printf '\nDocumentRoot "%s"\n' "$HS_DOCROOT"
        printf '<Directory "%s">\n' "$HS_DOCROOT"
        printf '    Options SymLinksIfOwnerMatch\n'
        printf '    AllowOverride %s\n' "${HS_ALLOW_OVERRIDE:-All}"
        printf '    Require all granted\n'
        printf '</Directory>\n'
    )
    _hs_apache_conf "$ad" "$HS_PORT" "$extra" || return 1
    _hs_apache_start "$ad" "apache-htaccess-$handler" || return 1
    if [[ $handler == cgi ]]; then HS_SERVER_KIND=apache-cgi; fi
    return 0
}

hs_start_apache_cgi() {
    hs_start_apache_htaccess "${1:-}" "${2:-}" "${3:-}" cgi "${4:-setenv}"
}

hs_stop_server() {
    local pg pid i exe live
    for pg in "${_HS_PGIDS[@]}"; do
        kill -TERM -- "-$pg" 2>/dev/null || true
    done
    for ((i = 0; i < 100; i++)); do
        live=""
        for pg in "${_HS_PGIDS[@]}"; do
            live+=" $(_hs_group_members "$pg")"
        done
        [[ -z ${live//[[:space:]]/} ]] && break
        sleep 0.1
    done
    if [[ -n ${live//[[:space:]]/} ]]; then
        _hs_err "warning: killing leftovers with SIGKILL:${live//$'\n'/ }"
        for pg in "${_HS_PGIDS[@]}"; do
            kill -KILL -- "-$pg" 2>/dev/null || true
        done
    fi
    # FastCGI children that left the process group (none expected).
    for exe in "${_HS_EXES[@]}"; do
        for pid in $(_hs_exe_members "$exe"); do
            _hs_err "warning: stray receiver process $pid ($exe) killed"
            kill -KILL "$pid" 2>/dev/null || true
        done
    done
    for pid in "${_HS_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    _HS_PGIDS=()
    _HS_PIDS=()
    _HS_EXES=()
    _HS_LOGS=()
    HS_URL=""
    return 0
}

#!/usr/bin/env bash
# tests/servers/selftest.sh - proves tests/lib/servers.sh and the shipped
# server configs (lighttpd/, apache/, www/.htaccess) with a stand-in receiver
# (tests/lib/standin.c) that echoes what the web server delivered; nginx/
# and caddy/ too.
#
# Needs: cc, libfcgi-dev, lighttpd, apache2, libapache2-mod-fcgid, spawn-fcgi,
# nginx-light, fcgiwrap, caddy, systemd (systemd-analyze), curl, jq; run as
# root (Apache then runs as www-data / nobody; nginx, fcgiwrap and Caddy as
# that user too).
# Prints one line per check and "N passed, N failed"; exits 1 on any failure.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/servers.sh
. "$here/lib/servers.sh"
# shellcheck source=tests/lib/check.sh
. "$here/lib/check.sh"
finish() {
    hs_summary servers-selftest
    exit
}

work=$(mktemp -d "${TMPDIR:-/tmp}/hs-selftest.XXXXXX") || exit 1
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    hs_stop_server
    rm -rf -- "$work"
}
trap cleanup EXIT

for tool in cc curl jq lighttpd "$HS_APACHE_BIN" "$HS_SPAWN_FCGI_BIN" "$HS_NGINX_BIN" \
    "$HS_FCGIWRAP_BIN" "$HS_CADDY_BIN" setpriv; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        bad "required tool missing: $tool"
    fi
done
[[ $FAIL -eq 0 ]] || finish

standin=$work/standin
if cc -O2 -Wall -Wextra -o "$standin" "$here/lib/standin.c" -lfcgi 2>"$work/cc.log"; then
    ok "stand-in receiver builds"
else
    cat "$work/cc.log"
    bad "stand-in receiver builds"
    finish
fi

config=$work/hookspool.json
spool=$work/spool
printf '{"spool_dir": "%s", "max_body_bytes": 1048576}\n' "$spool" >"$config"
hs_prepare_spool "$spool"
check "spool owned by the Apache user" "$(stat -c %U "$spool")" "$HS_APACHE_USER"

sig='sha256=0123456789abcdef'
auth='Bearer s3cr3t-t0ken'
body=$work/body.json
{
    printf '{"event":"document.signed","padding":"'
    head -c 3000 /dev/zero | tr '\0' 'x'
    printf '"}'
} >"$body"
body_len=$(wc -c <"$body")
body_len=${body_len// /}

# post URL [curl args...] : POST the body; sets resp (JSON) and code.
resp=""
code=""
post() {
    local url=$1
    shift
    code=$(curl -sS --max-time 20 -o "$work/resp" -w '%{http_code}' \
        -H 'Content-Type: application/json' \
        -H "X-Circularo-Signature: $sig" \
        -H "Authorization: $auth" \
        "$@" --data-binary @"$body" "$url" 2>"$work/curl.err") || code="curl-failed:$(cat "$work/curl.err")"
    resp=$(cat "$work/resp" 2>/dev/null)
}
jqr() { jq -r "$1" <<<"$resp" 2>/dev/null; }

# get PATH : HTTP status of a GET (path sent as is).
get() {
    curl -s --max-time 10 --path-as-is -o /dev/null -w '%{http_code}' "$HS_URL$1"
}

# echo_checks KIND MODE CONFIG_FROM : the standard delivery checks.
echo_checks() {
    local k=$1 mode=$2 from=$3
    post "$HS_URL/webhooks/circularo"
    check "$k: POST /webhooks/circularo status" "$code" 200
    check "$k: mode" "$(jqr .mode)" "$mode"
    check "$k: REQUEST_METHOD" "$(jqr .REQUEST_METHOD)" POST
    check "$k: PATH_INFO" "$(jqr .PATH_INFO)" /circularo
    check "$k: X-Circularo-Signature arrived" "$(jqr .HTTP_X_CIRCULARO_SIGNATURE)" "$sig"
    check "$k: Authorization arrived" "$(jqr .HTTP_AUTHORIZATION)" "$auth"
    check "$k: CONTENT_TYPE" "$(jqr .CONTENT_TYPE)" application/json
    check "$k: CONTENT_LENGTH" "$(jqr .CONTENT_LENGTH)" "$body_len"
    check "$k: body bytes read" "$(jqr .body_bytes)" "$body_len"
    if [[ -n $from ]]; then
        check "$k: HOOKSPOOL_CONFIG reached the receiver" "$(jqr .HOOKSPOOL_CONFIG)" "$config"
        check "$k: HOOKSPOOL_CONFIG came from" "$(jqr .HOOKSPOOL_CONFIG_from)" "$from"
    fi
    check "$k: receiver cwd is the binary's directory" \
        "$(jqr .cwd)" "$(cd "$(dirname "$HS_BIN_PATH")" && pwd -P)"
    # Chunked upload: FastCGI front-ends buffer it and send a real length
    # (Caddy does not: its own section).
    if [[ $mode == fcgi && $k != caddy ]]; then
        post "$HS_URL/webhooks/circularo" -H 'Transfer-Encoding: chunked'
        check "$k: chunked POST gets CONTENT_LENGTH" "$(jqr .CONTENT_LENGTH)" "$body_len"
    fi
}

# no_leftovers KIND : nothing of ours runs after hs_stop_server.
no_leftovers() {
    local f cmd left=""
    for f in /proc/[0-9]*/cmdline; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$f")
        if [[ $cmd == *"$work/"* ]]; then
            left+=" ${f//[^0-9]/}"
        fi
    done
    for f in /proc/[0-9]*/exe; do
        if [[ $(readlink "$f" 2>/dev/null) == "$work/"* ]]; then
            left+=" ${f//[^0-9]/}"
        fi
    done
    check "$1: no processes left after hs_stop_server" "$left" ""
}

# 1. lighttpd + mod_fastcgi --------------------------------------------------
k=lighttpd
if hs_start_lighttpd "$standin" "$config" "$work"; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" fcgi process
    check "$k: process env HOOKSPOOL_CONFIG (bin-environment)" "$(jqr .process_HOOKSPOOL_CONFIG)" \
        "$config"
    check_in "$k: GET / refused" "$(get /)" 403 404
    check_in "$k: GET /hookspool.json refused" "$(get /hookspool.json)" 403 404
    pids=""
    for _ in 1 2 3 4 5 6; do
        post "$HS_URL/webhooks/circularo"
        pids+="$(jqr .pid)"$'\n'
    done
    n=$(sort -u <<<"$pids" | grep -c .)
    if [[ $n -ge 1 && $n -le ${HS_PROCS:-2} ]]; then
        ok "$k: 6 requests served by $n FastCGI process(es) (max-procs ${HS_PROCS:-2})"
    else
        bad "$k: 6 requests served by $n processes, max-procs ${HS_PROCS:-2}"
    fi
    check "$k: error log exists" "$([[ -f $HS_SERVER_LOG ]] && echo yes)" yes
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"
hs_stop_server # idempotent
ok "$k: hs_stop_server twice is harmless"

# 2. Apache + mod_fcgid (apache/hookspool-fcgid.conf) -------------------------
k=apache-fcgid
if hs_start_apache_fcgid "$standin" "$config" "$work"; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" fcgi process
    check_in "$k: GET / refused" "$(get /)" 403 404
    check_in "$k: GET /hookspool.fcgi refused" "$(get /hookspool.fcgi)" 403 404
    lim=${HS_MAX_BODY:-1048576}
    code=$(head -c "$lim" /dev/zero | curl -s --max-time 20 -o "$work/resp" -w '%{http_code}' \
        --data-binary @- "$HS_URL/webhooks/circularo")
    check "$k: body of exactly FcgidMaxRequestLen ($lim) accepted" "$code" 200
    resp=$(cat "$work/resp")
    check "$k: ... and fully read" "$(jqr .body_bytes)" "$lim"
    code=$(head -c "$((lim + 1))" /dev/zero | curl -s --max-time 20 -o /dev/null -w '%{http_code}' \
        --data-binary @- "$HS_URL/webhooks/circularo")
    check "$k: body over FcgidMaxRequestLen gets Apache's 500" "$code" 500
    if grep -q 'exceeds MaxRequestLen' "$HS_SERVER_LOG"; then
        ok "$k: error log says 'exceeds MaxRequestLen'"
    else
        bad "$k: error log says 'exceeds MaxRequestLen'"
    fi
    check "$k: receiver runs as the Apache user" "$(ps -o user= -p "$(jqr .pid)" 2>/dev/null | tr -d ' ')" \
        "$HS_APACHE_USER"
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# 3. Apache + mod_cgi + www/.htaccess, config via SetEnv ----------------------
k=apache-cgi
if hs_start_apache_cgi "$standin" "$config" "$work"; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" cgi environ
    printf '{"secret": true}\n' >"$HS_DOCROOT/hookspool.json"
    printf 'x\n' >"$HS_DOCROOT/other.conf"
    printf 'x\n' >"$HS_DOCROOT/index.html"
    for p in / /hookspool.json /.htaccess /other.conf /index.html /hookspool.fcgi \
        /hookspool.fcgi/circularo /webhooks /webhooks/ /webhooks/a/b; do
        check_in "$k: GET $p refused" "$(get "$p")" 403 404
    done
    post "$HS_URL/webhooks/circularo/"
    check "$k: trailing slash /webhooks/circularo/ routed" "$code $(jqr .PATH_INFO)" "200 /circularo"
    code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -d x "$HS_URL/webhooks/circularo?x=1")
    check "$k: query string tolerated" "$code" 200
    # Chunked upload under plain CGI: Apache streams it with NO CONTENT_LENGTH
    # (the receiver must read to EOF or answer 411).
    post "$HS_URL/webhooks/circularo" -H 'Transfer-Encoding: chunked'
    check "$k: chunked POST has no CONTENT_LENGTH under mod_cgi" "$code $(jqr .CONTENT_LENGTH)" "200 null"
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# 4. same layout, config found at ../hookspool.json (no SetEnv), and only the
#    AllowOverride classes the .htaccess header documents as the minimum -----
k=apache-cgi-fallback
if HS_ALLOW_OVERRIDE="FileInfo AuthConfig Options=ExecCGI,Indexes" \
    hs_start_apache_cgi "$standin" "$config" "$work" fallback; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" cgi ""
    check "$k: no HOOKSPOOL_CONFIG in the request" "$(jqr .HOOKSPOOL_CONFIG)" null
    fb=$(jqr .cwd)/../hookspool.json
    check "$k: ../hookspool.json (from the binary's dir) is the config" \
        "$(cat "$fb" 2>/dev/null)" "$(cat "$config")"
    check_in "$k: GET /../hookspool.json refused" "$(get /../hookspool.json)" 400 403 404
    check_in "$k: GET /%2e%2e/hookspool.json refused" "$(get /%2e%2e/hookspool.json)" 400 403 404
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# 5. same .htaccess with mod_fcgid loaded (shared host with mod_fcgid) --------
k=apache-htaccess-fcgid
if hs_start_apache_htaccess "$standin" "$config" "$work" fcgid setenv; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" fcgi request
    for p in / /.htaccess /hookspool.fcgi; do
        check_in "$k: GET $p refused" "$(get "$p")" 403 404
    done
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# 6. Apache + mod_proxy_fcgi + spawn-fcgi (apache/hookspool-proxy-fcgi.conf) --
k=apache-proxy-fcgi
if hs_start_apache_proxy_fcgi "$standin" "$config" "$work"; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" fcgi request
    check "$k: process env HOOKSPOOL_CONFIG (spawn-fcgi env)" "$(jqr .process_HOOKSPOOL_CONFIG)" \
        "$config"
    check_in "$k: GET / refused" "$(get /)" 403 404
    lim=${HS_MAX_BODY:-1048576}
    # Apache 2.4 skips LimitRequestBody for proxied requests: a big body
    # reaches the receiver, which must enforce max_body_bytes itself.
    code=$(head -c "$((lim + 1))" /dev/zero | curl -s --max-time 20 -o "$work/resp" -w '%{http_code}' \
        --data-binary @- "$HS_URL/webhooks/circularo")
    resp=$(cat "$work/resp")
    check "$k: no Apache body limit, receiver gets all $((lim + 1)) bytes" \
        "$code $(jqr .body_bytes)" "200 $((lim + 1))"
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# limits KIND OVER_CODE : a body of exactly HS_MAX_BODY reaches the receiver
# whole; one byte more gets the server's own OVER_CODE, the receiver never
# asked (the stand-in would answer 200).
limits() {
    local k=$1 over=$2 lim=${HS_MAX_BODY:-1048576}
    code=$(head -c "$lim" /dev/zero | curl -s --max-time 20 -o "$work/resp" -w '%{http_code}' \
        --data-binary @- "$HS_URL/webhooks/circularo")
    resp=$(cat "$work/resp")
    check "$k: body of exactly the limit ($lim) fully read" "$code $(jqr .body_bytes)" "200 $lim"
    code=$(head -c "$((lim + 1))" /dev/zero | curl -s --max-time 20 -o "$work/resp" -w '%{http_code}' \
        --data-binary @- "$HS_URL/webhooks/circularo")
    resp=$(cat "$work/resp")
    check "$k: one byte over the limit gets the server's $over" "$code $(jqr .mode)" "$over "
}

# 7. nginx + spawn-fcgi (nginx/hookspool.conf) --------------------------------
k=nginx
if hs_start_nginx "$standin" "$config" "$work"; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" fcgi request
    check "$k: SCRIPT_NAME" "$(jqr .SCRIPT_NAME)" /webhooks
    post "$HS_URL/webhooks/circularo" -H 'X_Circularo_Signature: underscored'
    check "$k: X_Circularo_Signature dropped, X-Circularo-Signature kept" "$(jqr .HTTP_X_CIRCULARO_SIGNATURE)" "$sig"
    post "$HS_URL/webhooks/circularo?signature=abc"
    check "$k: QUERY_STRING" "$(jqr .QUERY_STRING)" signature=abc
    for p in / /hookspool.json /bin/hookspool.fcgi /webhooks.json; do
        check "$k: GET $p 404" "$(get "$p")" 404
    done
    # nginx's own redirect to the prefix location, not the receiver
    check "$k: GET /webhooks 301 to /webhooks/" "$(get /webhooks)" 301
    check "$k: receiver runs as the spawn-fcgi user" "$(ps -o user= -p "$(jqr .pid)" 2>/dev/null | tr -d ' ')" \
        "$HS_APACHE_USER"
    limits "$k" 413
    check "$k: nginx does not run as root" "$(ps -o user= -p "$(cat "$work/nginx/nginx.pid")" 2>/dev/null | tr -d ' ')" \
        "$([[ $(id -u) -eq 0 ]] && echo "$HS_APACHE_USER" || id -un)"
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# 8. nginx + fcgiwrap (nginx/hookspool-fcgiwrap.conf): plain CGI -------------
k=nginx-fcgiwrap
if hs_start_nginx_fcgiwrap "$standin" "$config" "$work"; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" cgi environ
    post "$HS_URL/webhooks/circularo" -H 'Transfer-Encoding: chunked'
    check "$k: chunked POST gets CONTENT_LENGTH (nginx buffers)" "$(jqr .CONTENT_LENGTH) $(jqr .body_bytes)" \
        "$body_len $body_len"
    pids=""
    for _ in 1 2 3; do
        post "$HS_URL/webhooks/circularo"
        pids+="$(jqr .pid)"$'\n'
    done
    check "$k: one process per request" "$(sort -u <<<"$pids" | grep -c .)" 3
    limits "$k" 413
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# 9. Caddy + spawn-fcgi (caddy/Caddyfile) -------------------------------------
k=caddy
if hs_start_caddy "$standin" "$config" "$work"; then
    ok "$k: started at $HS_URL"
    echo_checks "$k" fcgi request
    check "$k: SCRIPT_NAME (split /webhooks)" "$(jqr .SCRIPT_NAME)" /webhooks
    # the http:// site address alone keeps automatic HTTPS away (for
    # 127.0.0.1 it would make a local CA under pki/ and a certificate)
    check "$k: no automatic HTTPS for the http:// site (no pki/, certificates/)" \
        "$(find "$work/caddy/home" -name pki -o -name certificates | wc -l)" 0
    post "$HS_URL/webhooks/circularo?signature=abc"
    check "$k: QUERY_STRING" "$(jqr .QUERY_STRING)" signature=abc
    # Caddy 2.6 neither buffers nor counts a chunked body: CONTENT_LENGTH
    # is Go's "unknown", -1; the body itself is still sent on
    post "$HS_URL/webhooks/circularo" -H 'Transfer-Encoding: chunked'
    check "$k: chunked POST gets CONTENT_LENGTH=-1" "$(jqr .CONTENT_LENGTH)" -1
    for p in / /webhooks /hookspool.json; do
        check "$k: GET $p 404" "$(get "$p")" 404
    done
    limits "$k" 413
    check "$k: Caddy listens on 127.0.0.1 only" \
        "$(ss -Htln "sport = :$HS_PORT" | awk '{print $4}' | sort -u | tr '\n' ' ')" "127.0.0.1:$HS_PORT "
else
    bad "$k: start"
fi
hs_stop_server
no_leftovers "$k"

# 10. the shipped files as they are, with no substitution and no
# environment: nginx -t with each server block inside `http`, caddy
# validate (the {$HOOKSPOOL_*} defaults must make a valid config)
k=as-shipped
mkdir -p "$work/shipped/tmp" "$work/shipped/home"
cp -- /etc/nginx/fastcgi_params "$work/shipped/"
for f in hookspool.conf hookspool-fcgiwrap.conf; do
    {
        printf 'pid %s/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n' "$work/shipped"
        for t in client_body proxy fastcgi uwsgi scgi; do
            printf '    %s_temp_path %s/tmp/%s;\n' "$t" "$work/shipped" "$t"
        done
        printf '    include %s;\n}\n' "$here/../nginx/$f"
    } >"$work/shipped/nginx.conf"
    check "$k: nginx -t with nginx/$f" \
        "$("$HS_NGINX_BIN" -t -p "$work/shipped" -c "$work/shipped/nginx.conf" 2>&1 | grep -c 'test is successful')" 1
done
check "$k: caddy validate caddy/Caddyfile" \
    "$(cd "$work/shipped" && env -u HOOKSPOOL_CONFIG HOME="$work/shipped/home" \
        XDG_DATA_HOME="$work/shipped/home/data" XDG_CONFIG_HOME="$work/shipped/home/config" \
        "$HS_CADDY_BIN" validate --config "$here/../caddy/Caddyfile" 2>&1 | tail -1)" "Valid configuration"

# 11. the systemd units (systemd/): systemd itself is not run here, so:
# systemd-analyze verify has nothing to say about any of them (ExecStart
# pointed at existing binaries, man pages not looked up: tests/deb/run.sh
# verifies the installed units with both resolved), the service takes the
# socket as stdin and logs elsewhere, and the socket is the one the nginx
# and Caddy configs name by default.
k=systemd-units
mkdir -p "$work/units"
for u in "$here"/../systemd/*; do
    sed -e "s|^ExecStart=/usr/lib/hookspool/hookspool.fcgi$|ExecStart=$standin|" \
        -e "s|^ExecStart=/usr/bin/hookspool |ExecStart=/bin/echo |" "$u" >"$work/units/${u##*/}"
done
# as systemd wants them, whatever the umask (`make coverage` runs with 000)
chmod 0644 "$work/units"/*
check "$k: ExecStart substituted" "$(grep -c "^ExecStart=$standin$" "$work/units/hookspool.service")" 1
check "$k: every unit shipped" "$(cd "$work/units" && ls | tr '\n' ' ')" \
    "hookspool-purge.service hookspool-purge.timer hookspool-run@.service hookspool-run@.timer hookspool-verify.service hookspool-verify.timer hookspool.service hookspool.socket "
if command -v systemd-analyze >/dev/null 2>&1; then
    check "$k: systemd-analyze verify is silent" \
        "$(cd "$work/units" && systemd-analyze verify --man=no hookspool.socket hookspool.service \
            hookspool-run@inbox.service hookspool-run@inbox.timer hookspool-verify.service \
            hookspool-verify.timer hookspool-purge.service hookspool-purge.timer 2>&1; echo "rc=$?")" "rc=0"
else
    bad "$k: systemd-analyze missing"
fi
check "$k: stdin is the socket, stdout/stderr the journal" \
    "$(grep -E '^Standard(Input|Output|Error)=' "$here/../systemd/hookspool.service" | tr '\n' ' ')" \
    "StandardInput=socket StandardOutput=journal StandardError=journal "
sock=$(sed -n 's/^ListenStream=//p' "$here/../systemd/hookspool.socket")
check "$k: nginx/hookspool.conf passes to ListenStream" \
    "$(grep -c "fastcgi_pass unix:$sock;" "$here/../nginx/hookspool.conf")" 1
check "$k: caddy/Caddyfile defaults to ListenStream" \
    "$(grep -c "{\$HOOKSPOOL_SOCKET:$sock}" "$here/../caddy/Caddyfile")" 1
check "$k: every service runs as hookspool with the spool its only writable path" \
    "$(for u in "$here"/../systemd/*.service; do grep -c '^User=hookspool$' "$u"; grep -c '^ReadWritePaths=/var/spool/hookspool$' "$u"; grep -c '^ProtectSystem=strict$' "$u"; done | sort -u | tr '\n' ' ')" "1 "

finish

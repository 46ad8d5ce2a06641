#!/usr/bin/env bash
# tests/servers/source.sh BUILD_DIR - allow_from through real servers on
# loopback, where REMOTE_ADDR really differs: clients bound to 127.0.0.2
# and 127.0.0.3 (curl --interface) in front of lighttpd + mod_fastcgi and
# Apache + mod_fcgid, then a proxying lighttpd (mod_proxy, which appends to
# X-Forwarded-For and, with proxy.forwarded, to Forwarded) in front of the
# receiving lighttpd for trusted_proxies. Forged forwarding headers from
# the client are refused at every layer. Exact codes, exact spool.
set -u
BUILD=${1:-build}
BIN=$(cd "$BUILD" && pwd)/hookspool.fcgi
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/servers.sh
. "$HERE/../lib/servers.sh"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"
# shellcheck source=../lib/fixtures.sh
. "$HERE/../lib/fixtures.sh"
T=$(mktemp -d /tmp/hs-servers-source-XXXXXX)
chmod 0755 "$T"
trap 'hs_stop_server; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT

n=0
# post FROM URL ENDPOINT [curl args]: a new signed Circularo event from the
# local address FROM; $CODE, $ID
post() {
	local from=$1 url=$2 ep=$3; shift 3
	n=$((n + 1))
	B="{\"documentId\":\"d$n\",\"event\":\"documentCompleted\"}"
	CODE=$(curl -sS -o "$T/answer" -w '%{http_code}' --max-time 20 \
	    --interface "$from" -H 'Content-Type: application/json' \
	    -H "X-Circularo-Signature: $(hmac_hex "$FX_CIRCULARO_SECRET" "$B")" \
	    "$@" --data-binary "$B" "$url/webhooks/$ep")
	ID=$(jq -r '.id // empty' "$T/answer" 2>/dev/null)
}
# what the receiver wrote to stderr: lighttpd keeps it apart from its error.log
logs() { cat "$HS_SERVER_LOG" "${HS_SERVER_LOG%/*}/stderr.log" 2>/dev/null; }
# wait_port PORT: until a front proxy answers (5 s at most)
wait_port() {
	local i
	for i in $(seq 1 50); do
		curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
		sleep 0.1
	done
	return 1
}
stored() { find "$T/spool" -type f -path '*/new/*' 2>/dev/null | wc -l; }

write_config() {
	cat >"$T/hookspool.json" <<JSON
{ "spool_dir": "$T/spool", "durable": true,
  "endpoints": {
    "near": { "provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
              "allow_from": ["file:$T/ranges.txt"], "routes": { "*": "q" } },
    "proxied": { "provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
                 "allow_from": ["127.0.0.3"], "trusted_proxies": ["127.0.0.1"],
                 "routes": { "*": "q" } },
    "rfc7239": { "provider": "circularo", "secrets": ["$FX_CIRCULARO_SECRET"],
                 "allow_from": ["127.0.0.3"], "trusted_proxies": ["127.0.0.1"],
                 "forwarded_header": "Forwarded", "routes": { "*": "q" } } } }
JSON
	chmod 0644 "$T/hookspool.json"
	printf '# who may send to "near"\n127.0.0.2\n' >"$T/ranges.txt"
	chmod 0644 "$T/ranges.txt"
}

direct() { # KIND: the checks where the client talks to the receiving server
	local kind=$1 url=$HS_URL before
	post 127.0.0.2 "$url" near
	check "$kind: from 127.0.0.2, in allow_from: 200" "$CODE" 200
	check "$kind: source_checked in the file" \
	    "$(jq -c '[.verified, .verified_scope, .source_checked]' "$T/spool/q/new/$ID" 2>/dev/null)" \
	    '[true,"body",true]'
	before=$(stored)
	post 127.0.0.3 "$url" near
	check "$kind: from 127.0.0.3, not in allow_from: 403" "$CODE $(jq -r .error "$T/answer")" \
	    "403 source address not allowed"
	check "$kind: nothing stored" "$(stored)" "$before"
	holds "$kind: the refused address in the server's log" \
	    sh -c "cat '$HS_SERVER_LOG' '${HS_SERVER_LOG%/*}/stderr.log' 2>/dev/null | grep -q 'endpoint near: source 127.0.0.3 not in allow_from'"
	post 127.0.0.3 "$url" near -H 'X-Forwarded-For: 127.0.0.2' -H 'Forwarded: for=127.0.0.2' \
	    -H 'X-Real-IP: 127.0.0.2'
	check "$kind: forged forwarding headers, no trusted proxy: 403" "$CODE" 403
	post 127.0.0.2 "$url" proxied -H 'X-Forwarded-For: 127.0.0.3'
	check "$kind: X-Forwarded-For from a peer that is no trusted proxy: 403" "$CODE" 403
	post 127.0.0.2 "$url" rfc7239 -H 'Forwarded: for=127.0.0.3'
	check "$kind: Forwarded from a peer that is no trusted proxy: 403" "$CODE" 403
	post 127.0.0.3 "$url" proxied
	check "$kind: the allowed client straight, no proxy between: 200" "$CODE" 200
	check "$kind: nothing stored by the refusals" "$(stored)" "$((before + 1))"
	# the handshake path: a GET is refused the same way, before the 405
	CODE=$(curl -sS -o /dev/null -w '%{http_code}' --interface 127.0.0.3 "$url/webhooks/near")
	check "$kind: GET from outside: 403, not 405" "$CODE" 403
}

write_config
hs_prepare_spool "$T/spool"

# --- lighttpd + mod_fastcgi: persistent receivers, so also the reload ----
if hs_start_lighttpd "$BIN" "$T/hookspool.json" "$T/lt"; then
	ok "lighttpd started"
	direct lighttpd
	# a cron job refreshes the ranges: write a new file, rename it over
	printf '127.0.0.3\n' >"$T/ranges.new"; chmod 0644 "$T/ranges.new"
	mv "$T/ranges.new" "$T/ranges.txt"
	post 127.0.0.3 "$HS_URL" near
	check "lighttpd: ranges file replaced: the running receivers allow the new range" "$CODE" 200
	post 127.0.0.2 "$HS_URL" near
	check "lighttpd: ... and refuse the old one" "$CODE" 403
	# a refresh that went wrong keeps the last good list in service
	printf '# download failed\n' >"$T/ranges.new"; chmod 0644 "$T/ranges.new"
	mv "$T/ranges.new" "$T/ranges.txt"
	post 127.0.0.3 "$HS_URL" near
	check "lighttpd: an empty ranges file: the last good list stays (200)" "$CODE" 200
	post 127.0.0.2 "$HS_URL" near
	check "lighttpd: ... still refusing the rest (403)" "$CODE" 403
	holds "lighttpd: the failed reload is logged, naming the key" \
	    sh -c "cat '$HS_SERVER_LOG' '${HS_SERVER_LOG%/*}/stderr.log' | grep 'reload failed; the last good config stays in service' | grep -q 'endpoints.near.allow_from: empty'"
	printf '127.0.0.2\n' >"$T/ranges.new"; chmod 0644 "$T/ranges.new"
	mv "$T/ranges.new" "$T/ranges.txt"
	BACKEND=$HS_URL
	BACKEND_PORT=$HS_PORT

	# --- a proxying lighttpd in front (the trusted_proxies case) -------
	FP=$(hs_free_port)
	mkdir -p "$T/front/htdocs"
	cat >"$T/front/lighttpd.conf" <<CONF
server.bind          = "127.0.0.1"
server.port          = $FP
server.document-root = "$T/front/htdocs"
server.errorlog      = "$T/front/error.log"
server.modules       = ( "mod_proxy" )
proxy.server         = ( "/webhooks/" => ( ( "host" => "127.0.0.1", "port" => $BACKEND_PORT ) ) )
proxy.forwarded      = ( "for" => 1, "proto" => 1 )
CONF
	if _hs_spawn "$T/front/stderr.log" "$HS_LIGHTTPD_BIN" -D -f "$T/front/lighttpd.conf"; then
		wait_port "$FP"
		FRONT=http://127.0.0.1:$FP
		before=$(stored)
		post 127.0.0.3 "$FRONT" proxied
		check "proxy: the client the proxy forwards for, in allow_from: 200" "$CODE" 200
		check "proxy: stored, source checked" \
		    "$(jq -r .source_checked "$T/spool/q/new/$ID" 2>/dev/null)" true
		post 127.0.0.3 "$FRONT" rfc7239
		check "proxy: the same through RFC 7239 Forwarded: 200" "$CODE" 200
		before=$(stored)
		post 127.0.0.2 "$FRONT" proxied
		check "proxy: a client outside allow_from: 403" "$CODE" 403
		post 127.0.0.2 "$FRONT" proxied -H 'X-Forwarded-For: 127.0.0.3'
		check "proxy: a forged X-Forwarded-For (the proxy appends the real peer): 403" "$CODE" 403
		post 127.0.0.2 "$FRONT" rfc7239 -H 'Forwarded: for=127.0.0.3'
		check "proxy: a forged Forwarded (the proxy appends the real peer): 403" "$CODE" 403
		post 127.0.0.2 "$FRONT" rfc7239 -H 'Forwarded: for="127.0.0.3, for=127.0.0.3"'
		check "proxy: a forged quoted Forwarded: 403" "$CODE" 403
		post 127.0.0.2 "$FRONT" near
		check "proxy: an endpoint without trusted_proxies sees the proxy itself: 403" "$CODE" 403
		check "proxy: nothing stored by the refusals" "$(stored)" "$before"
		check "proxy: the log names the real client, never the forged one" \
		    "$(logs | grep -c 'endpoint proxied: source 127.0.0.3 not in')" 0
	else
		bad "front lighttpd did not start"
	fi

	# --- nginx in front: proxy_add_x_forwarded_for appends the peer ----
	ND=$T/nginx-front
	NP=$(hs_free_port)
	mkdir -p "$ND/tmp"
	cat >"$ND/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $ND/nginx.pid;
error_log $ND/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $ND/tmp/client_body;
    proxy_temp_path $ND/tmp/proxy;
    fastcgi_temp_path $ND/tmp/fastcgi;
    uwsgi_temp_path $ND/tmp/uwsgi;
    scgi_temp_path $ND/tmp/scgi;
    server {
        listen 127.0.0.1:$NP;
        location /webhooks/ {
            proxy_pass http://127.0.0.1:$BACKEND_PORT;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
CONF
	[ "$(id -u)" -ne 0 ] || chown -R "$HS_APACHE_USER:$HS_APACHE_GROUP" "$ND"
	mapfile -d '' NGX < <(_hs_as_user "$HS_NGINX_BIN" -p "$ND" -e "$ND/error.log" -c "$ND/nginx.conf")
	if _hs_spawn "$ND/stderr.log" "${NGX[@]}"; then
		wait_port "$NP"
		NFRONT=http://127.0.0.1:$NP
		before=$(stored)
		post 127.0.0.3 "$NFRONT" proxied
		check "nginx proxy: the client nginx forwards for, in allow_from: 200" "$CODE" 200
		before=$(stored)
		post 127.0.0.2 "$NFRONT" proxied
		check "nginx proxy: a client outside allow_from: 403" "$CODE" 403
		post 127.0.0.2 "$NFRONT" proxied -H 'X-Forwarded-For: 127.0.0.3'
		check "nginx proxy: a forged X-Forwarded-For (nginx appends the real peer): 403" "$CODE" 403
		post 127.0.0.2 "$NFRONT" proxied -H 'X-Forwarded-For: 127.0.0.3, 127.0.0.1'
		check "nginx proxy: a forged chain ending in the proxy's address: 403" "$CODE" 403
		check "nginx proxy: nothing stored by the refusals" "$(stored)" "$before"
	else
		bad "front nginx did not start"
	fi
	: "$BACKEND"
else
	bad "lighttpd did not start"
fi
hs_stop_server

# --- Apache + mod_fcgid ------------------------------------------------------
rm -rf "$T/spool"
hs_prepare_spool "$T/spool"
if hs_start_apache_fcgid "$BIN" "$T/hookspool.json" "$T/ap"; then
	ok "apache-fcgid started"
	direct apache-fcgid
else
	bad "apache-fcgid did not start"
fi
hs_stop_server

hs_summary servers-source

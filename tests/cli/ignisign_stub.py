#!/usr/bin/env python3
"""A stand-in for Ignisign's API, for tests/cli/run.sh and ignisign.sh.

Usage: ignisign_stub.py PORTFILE LOGFILE
Binds 127.0.0.1 on a free port, writes the port to PORTFILE, and logs
every request as one JSON line (method, path, headers, body) to LOGFILE,
before answering it.

It enforces what the real API (as the official SDK calls it) requires:
  POST /v4/tokens/webhook-verification/checking-consumption
      body exactly {"token", "appId", "appEnv"}, all strings, else 400;
      "Authorization: Bearer <key>": the API key (STUB_API_KEY, when set)
      or a JWT this stub issued, else 401;
      a token is consumed by its first successful check: every later
      check answers alreadyConsumed.
  POST /v4/auth/app-api (old-style credentials, no Authorization)
      body exactly {"appId", "appEnv", "secret"} matching STUB_APP_ID,
      STUB_APP_ENV and STUB_APP_SECRET -> 200 {"jwtToken": "..."},
      else 401. Each JWT is good for STUB_JWT_USES checks (default:
      unlimited), then 401, as an expired one would be.
msgNature is not part of the check (the SDK checks it is in the webhook
body before it asks), so a check says nothing about it.

The answer to a check depends on the token:
  *valid*    -> consumed, 200 {"isValid": true, ...}
  *used*     -> 200 {"isValid": false, "alreadyConsumed": true, ...}
  *expired*  -> 200 {"isValid": false, "isExpired": true, ...}
  *notfound* -> 200 {"isValid": false, "notFound": true, ...}
  *flaky*    -> 503 the first time (not consumed), then valid
  *refuse*   -> 400 the first time (not consumed), then as the rest says
  *hang*     -> consumed, then no answer for STUB_HANG_SECONDS (5): the
                answer is lost to a client that times out
  *drop*     -> consumed, then the connection closes without an answer
  *reset*    -> consumed, then the connection is reset
  *gw*       -> consumed, then 504 (a proxy lost the answer)
  *garble*   -> consumed, then 200 with a body that is not JSON
  anything else -> 500
"""
import base64
import http.server
import json
import os
import socket
import struct
import sys
import threading
import time

PORTFILE, LOGFILE = sys.argv[1], sys.argv[2]
API_KEY = os.environ.get("STUB_API_KEY")
APP_ID = os.environ.get("STUB_APP_ID")
APP_ENV = os.environ.get("STUB_APP_ENV")
APP_SECRET = os.environ.get("STUB_APP_SECRET")
JWT_USES = int(os.environ.get("STUB_JWT_USES", "0"))
HANG = float(os.environ.get("STUB_HANG_SECONDS", "5"))
CHECK = "/v4/tokens/webhook-verification/checking-consumption"
AUTH = "/v4/auth/app-api"

lock = threading.Lock()
seen = set()        # first-time modes already played
consumed = set()
jwts = {}           # jwt -> {"appId", "appEnv", "uses"}


def answer(valid, **flags):
    a = {"isValid": valid, "context": None, "notFound": False,
         "alreadyConsumed": False, "badTarget": False, "isExpired": False,
         "badRelatedId": False, "errorStr": None, "haveBeenConsumed": valid}
    a.update(flags)
    return a


def b64(o):
    return base64.urlsafe_b64encode(json.dumps(o).encode()).rstrip(b"=").decode()


def shaped(obj, keys):
    return (isinstance(obj, dict) and set(obj) == set(keys) and
            all(isinstance(obj[k], str) and obj[k] for k in keys))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, obj=None, raw=None):
        data = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        auth = self.headers.get("Authorization")
        with lock, open(LOGFILE, "a") as f:
            f.write(json.dumps({"method": "POST", "path": self.path,
                                "authorization": auth,
                                "content_type": self.headers.get("Content-Type"),
                                "body": body}) + "\n")
        try:
            req = json.loads(body)
        except ValueError:
            req = None
        if self.path == AUTH:
            return self.app_api(req)
        if self.path != CHECK:
            return self.reply(404, {"error": "no such route"})
        if not shaped(req, ("token", "appId", "appEnv")):
            return self.reply(400, {"errorCode": "INVALID_BODY"})
        if not self.authorized(auth, req):
            return self.reply(401, {"errorCode": "UNAUTHORIZED"})
        self.check(req["token"])

    def app_api(self, req):
        if (not shaped(req, ("appId", "appEnv", "secret")) or
                APP_SECRET is None or req["secret"] != APP_SECRET or
                req["appId"] != APP_ID or req["appEnv"] != APP_ENV):
            return self.reply(401, {"errorCode": "AUTH_FAILED"})
        with lock:
            jwt = ".".join([b64({"alg": "HS256", "typ": "JWT"}),
                            b64({"appId": req["appId"], "appEnv": req["appEnv"],
                                 "n": len(jwts) + 1,
                                 "exp": int(time.time()) + 3600}),
                            "c2lnbmF0dXJl"])
            jwts[jwt] = {"appId": req["appId"], "appEnv": req["appEnv"],
                         "uses": 0}
        self.reply(200, {"jwtToken": jwt})

    def authorized(self, auth, req):
        if not auth or not auth.startswith("Bearer "):
            return False
        cred = auth[len("Bearer "):]
        with lock:
            j = jwts.get(cred)
            if j is not None:
                if JWT_USES and j["uses"] >= JWT_USES:
                    return False
                j["uses"] += 1
                return j["appId"] == req["appId"] and j["appEnv"] == req["appEnv"]
        return API_KEY is None or cred == API_KEY

    def check(self, token):
        with lock:
            first = token not in seen
            seen.add(token)
            if token in consumed:
                return self.reply(200, answer(False, alreadyConsumed=True))
            if "flaky" in token and first:
                return self.reply(503, {"error": "try later"})
            if "refuse" in token and first:
                return self.reply(400, {"errorCode": "RATE_LIMITED"})
            spends = any(m in token for m in ("valid", "flaky", "hang", "drop",
                                              "reset", "gw", "garble"))
            if spends:
                consumed.add(token)
        if "hang" in token and first:
            time.sleep(HANG)
            self.close_connection = True
            return
        if "drop" in token and first:
            self.close_connection = True
            return
        if "reset" in token and first:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if "gw" in token and first:
            return self.reply(504, {"error": "gateway timeout"})
        if "garble" in token and first:
            return self.reply(200, raw=b"<html>upstream said something</html>")
        if spends:
            return self.reply(200, answer(True))
        if "used" in token:
            return self.reply(200, answer(False, alreadyConsumed=True))
        if "expired" in token:
            return self.reply(200, answer(False, isExpired=True))
        if "notfound" in token:
            return self.reply(200, answer(False, notFound=True))
        self.reply(500, {"error": "unexpected"})

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()

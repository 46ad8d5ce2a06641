#!/usr/bin/env python3
"""A stand-in for Ignisign's token check, for tests/cli/run.sh.

Usage: ignisign_stub.py PORTFILE LOGFILE
Binds 127.0.0.1 on a free port, writes the port to PORTFILE, and logs
every request as one JSON line (method, path, headers, body) to LOGFILE.
The answer depends on the token:
  *valid*   -> 200 {"isValid": true, ...}
  *used*    -> 200 {"isValid": false, "alreadyConsumed": true, ...}
  *expired* -> 200 {"isValid": false, "isExpired": true, ...}
  *flaky*   -> 503 the first time, then valid
  anything else -> 500
"""
import http.server
import json
import os
import sys

PORTFILE, LOGFILE = sys.argv[1], sys.argv[2]
seen = set()


def answer(valid, **flags):
    a = {"isValid": valid, "context": None, "notFound": False,
         "alreadyConsumed": False, "badTarget": False, "isExpired": False,
         "badRelatedId": False, "errorStr": None, "haveBeenConsumed": valid}
    a.update(flags)
    return a


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        with open(LOGFILE, "a") as f:
            f.write(json.dumps({"method": "POST", "path": self.path,
                                "authorization": self.headers.get("Authorization"),
                                "content_type": self.headers.get("Content-Type"),
                                "body": body}) + "\n")
        try:
            token = json.loads(body).get("token", "")
        except ValueError:
            token = ""
        status, reply = 500, {"error": "unexpected"}
        if "flaky" in token and token not in seen:
            seen.add(token)
            status, reply = 503, {"error": "try later"}
        elif "valid" in token or "flaky" in token:
            status, reply = 200, answer(True)
        elif "used" in token:
            status, reply = 200, answer(False, alreadyConsumed=True)
        elif "expired" in token:
            status, reply = 200, answer(False, isExpired=True)
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()

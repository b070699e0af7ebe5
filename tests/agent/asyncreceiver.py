# SPDX-License-Identifier: GPL-3.0-or-later
"""A plain HTTP server for tst_asynccalls: what functions report to and callbacks go to.

Listens on a free loopback port, prints it ("port <n>") on stdout, and appends one JSON line per
request it gets to the file named on its command line: method, path, headers (names in lower
case) and body. A path /flaky/<n>/... is answered 503 the first n times it is asked, 200 after;
every other path 200 at once.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
asked = {}


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length) if length else b""
        entry = {"method": self.command, "path": self.path,
                 "headers": {name.lower(): value for name, value in self.headers.items()},
                 "body": body.decode("utf-8", "replace")}
        status = 200
        with lock:
            with open(sys.argv[1], "a") as log:
                log.write(json.dumps(entry) + "\n")
            parts = self.path.split("/")
            if len(parts) > 2 and parts[1] == "flaky":
                asked[self.path] = asked.get(self.path, 0) + 1
                if asked[self.path] <= int(parts[2]):
                    status = 503
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = handle_any

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
print("port %d" % server.server_address[1], flush=True)
server.serve_forever()

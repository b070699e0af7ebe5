# SPDX-License-Identifier: GPL-3.0-or-later
"""A node for tst_gatewayconformance that answers with exact bytes on the wire.

Listens on a free loopback port and prints it ("port <n>") on stdout. The last segment of a
request's path chooses the answer: interim 1xx answers, HEAD/204/304, chunked with trailers,
and broken framings a real node would never send. It counts what it received, so the test can
tell whether the gateway replayed a call or reused a connection it should have closed
(GET .../stats), and whether it closed a connection it gave up on.
"""

import json
import socket
import sys
import threading
import time

lock = threading.Lock()
stats = {"requests": {}, "reused_after_bad": 0, "connections": 0, "silent_closed": 0}

# Answers after which a gateway may keep the connection; after any other it must close it.
WELL_FRAMED = {"healthz", "stats", "echo", "head", "head-chunked", "nocontent", "notmodified", "chunked", "hop", "continue",
               "early-hints", "interim-many", "interim-separate"}


def answer(status, headers=(), body=b"", reason=None):
    reasons = {200: "OK", 204: "No Content", 304: "Not Modified", 101: "Switching Protocols"}
    head = "HTTP/1.1 %d %s\r\n" % (status, reason or reasons.get(status, "Whatever"))
    for name, value in headers:
        head += "%s: %s\r\n" % (name, value)
    return head.encode("latin-1") + b"\r\n" + body


def full(body, extra=()):
    if isinstance(body, str):
        body = body.encode()
    return answer(200, list(extra) + [("Content-Length", str(len(body)))], body)


def read_request(conn, pending):
    while b"\r\n\r\n" not in pending:
        data = conn.recv(65536)
        if not data:
            return None, pending
        pending += data
    head, _, pending = pending.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append([name.strip(), value.strip()])
    lowered = {name.lower(): value for name, value in headers}
    if lowered.get("expect", "").lower() == "100-continue":
        conn.sendall(answer(100, reason="Continue"))
    length = int(lowered.get("content-length", "0"))
    while len(pending) < length:
        data = conn.recv(65536)
        if not data:
            return None, pending
        pending += data
    body, pending = pending[:length], pending[length:]
    return {"method": method, "target": target, "headers": headers, "body": body}, pending


def echo(request, connection_id, index):
    lowered = {name.lower(): value for name, value in request["headers"]}
    return full(json.dumps({
        "method": request["method"],
        "target": request["target"],
        "headers": request["headers"],
        "body_length": len(request["body"]),
        "expect_seen": "expect" in lowered,
        "connection": connection_id,
        "request_on_connection": index,
    }))


def chunked(parts, trailers=()):
    body = b""
    for part in parts:
        body += b"%x;ext=1\r\n%s\r\n" % (len(part), part)
    body += b"0\r\n"
    for name, value in trailers:
        body += ("%s: %s\r\n" % (name, value)).encode()
    return body + b"\r\n"


# Answers that end the connection after them (the body runs to the close, or is cut short).
def close_after(case):
    return case in ("close-delimited", "truncated", "te-gzip", "te-chunked-identity", "drop", "silent")


def respond(conn, case, request, tag, connection_id, index):
    head = request["method"] == "HEAD"
    interim_100 = answer(100, reason="Continue")
    interim_103 = answer(103, [("Link", "</style.css>; rel=preload")], reason="Early Hints")
    final = full("final answer for " + tag)
    plain = {
        "continue": interim_100 + final,
        "early-hints": interim_103 + final,
        "interim-many": interim_100 + answer(102, reason="Processing") + interim_103 + final,
        "interim-flood": interim_103 * 20 + final,
        "switching": answer(101, [("Upgrade", "websocket"), ("Connection", "upgrade")]),
        "interim-with-body": answer(100, [("Content-Length", "5")], reason="Continue") + b"hello" + final,
        "nocontent": answer(204, [("X-Answer", "none")]),
        "notmodified": answer(304, [("ETag", '"v1"'), ("Content-Length", "42")]),
        "chunked": answer(200, [("Transfer-Encoding", "chunked"), ("Trailer", "X-Checksum")],
                          chunked([b"hello ", b"world"], [("X-Checksum", "abc")])),
        "hop": answer(200, [("Connection", "X-Node-Hop, keep-alive"), ("X-Node-Hop", "secret"),
                            ("Keep-Alive", "timeout=5"), ("Proxy-Authenticate", 'Basic realm="x"'),
                            ("X-End-To-End", "kept"), ("Content-Length", "2")], b"ok"),
        "close-delimited": answer(200, [("Content-Type", "text/plain")], b"until the close"),
        "truncated": answer(200, [("Content-Length", "100")], b"only a part"),
        "te-gzip": answer(200, [("Transfer-Encoding", "gzip")], b"\x1f\x8b whatever"),
        "te-chunked-identity": answer(200, [("Transfer-Encoding", "chunked, identity")], chunked([b"x"])),
        "te-gzip-chunked": answer(200, [("Transfer-Encoding", "gzip, chunked")], chunked([b"x"])),
        "te-cl": answer(200, [("Transfer-Encoding", "chunked"), ("Content-Length", "5")], chunked([b"hello"])),
        "cl-te": answer(200, [("Content-Length", "5"), ("Transfer-Encoding", "chunked")], chunked([b"hello"])),
        "cl-conflict": answer(200, [("Content-Length", "5"), ("Content-Length", "6")], b"hello!"),
        "cl-list-conflict": answer(200, [("Content-Length", "5, 6")], b"hello!"),
        "cl-invalid": answer(200, [("Content-Length", "+5")], b"hello"),
        "te-http10": b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked([b"hello"]),
        "nocontent-body": answer(204, [("Content-Length", "5")], b"hello"),
        "smuggle": full("first") + full("smuggled"),
    }
    if case == "healthz":
        conn.sendall(full('{"status":"ok"}'))
    elif case == "stats":
        with lock:
            conn.sendall(full(json.dumps(stats)))
    elif case == "echo":
        conn.sendall(echo(request, connection_id, index))
    elif case == "head":
        body = b"h" * 1234
        headers = [("Content-Length", "1234"), ("Content-Type", "text/plain")]
        conn.sendall(answer(200, headers, b"" if head else body))
    elif case == "head-chunked":
        conn.sendall(answer(200, [("Transfer-Encoding", "chunked")], b"" if head else chunked([b"abc"])))
    elif case == "interim-separate":
        conn.sendall(interim_100)
        time.sleep(0.05)
        conn.sendall(interim_103)
        time.sleep(0.05)
        conn.sendall(final)
    elif case == "smuggle-late":
        conn.sendall(full("first"))
        time.sleep(0.2)
        conn.sendall(full("smuggled"))
    elif case == "drop":
        pass
    elif case == "silent":
        # No answer; wait for the gateway to give up and close the connection.
        while conn.recv(65536):
            pass
        with lock:
            stats["silent_closed"] += 1
    elif case in plain:
        conn.sendall(plain[case])
    else:
        conn.sendall(answer(404, [("Content-Length", "0")], reason="Not Found"))


def serve(conn, connection_id):
    pending = b""
    index = 0
    answered_badly = False
    with conn:
        while True:
            request, pending = read_request(conn, pending)
            if request is None:
                return
            index += 1
            path, _, query = request["target"].partition("?")
            case = path.rstrip("/").rsplit("/", 1)[-1]
            tag = query.partition("tag=")[2] or "-"
            with lock:
                stats["requests"][case] = stats["requests"].get(case, 0) + 1
                if answered_badly:
                    stats["reused_after_bad"] += 1
            respond(conn, case, request, tag, connection_id, index)
            if close_after(case):
                return
            if case not in WELL_FRAMED:
                answered_badly = True


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print("port %d" % listener.getsockname()[1], flush=True)
    connection_id = 0
    while True:
        conn, _ = listener.accept()
        connection_id += 1
        with lock:
            stats["connections"] += 1
        threading.Thread(target=serve, args=(conn, connection_id), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())

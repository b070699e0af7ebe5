# SPDX-License-Identifier: GPL-3.0-or-later
"""rune-agent's python3 worker: loads a function's handler once, then serves calls.

The agent talks to this process over the socket on file descriptor 3. Every message is two
frames (a 4-byte big-endian length, then the bytes): a JSON header and the raw body.

    agent -> worker  {"type": "load", "dir", "handler", "env"}   (first, to a worker started with --standby)
                     {"type": "invoke", "id", "method", "path", "query", "headers", "deadline_ms"} + body
    worker -> agent  {"type": "ready"} | {"type": "init_error", "error"}
                     {"type": "result", "id", "status", "headers", "error"?, "error_code"?} + body
                     (error_code "out_of_memory": the handler hit the memory limit)

stdout and stderr go to the function's log; the agent tags each line with the call in flight.
"""

import json
import os
import socket
import struct
import sys
import time
import traceback

CHANNEL_FD = 3
LENGTH = struct.Struct(">I")


class Response:
    """What a handler returns to choose the status code and headers itself."""

    def __init__(self, body=b"", status=200, headers=None):
        self.body = body
        self.status = status
        self.headers = dict(headers or {})


class Context:
    """The call's facts: request id, function, version, memory, and the time left."""

    __slots__ = ("request_id", "_deadline")
    # The same for every call of this worker: read once the function is loaded (see main).
    function_name = ""
    function_version = 0
    memory_limit_mib = 0

    def __init__(self, request_id, deadline):
        self.request_id = request_id
        self._deadline = deadline

    def remaining_time_ms(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    @staticmethod
    def response(body=b"", status=200, headers=None):
        return Response(body, status, headers)


class Channel:
    def __init__(self, fd):
        self._sock = socket.socket(fileno=fd)
        self._buffer = bytearray()
        # One encoder for every reply: json.dumps with options builds a new one per call.
        self._encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def receive(self):
        """The next message as (header, body), read with as few recv calls as the bytes allow."""
        buffer = self._buffer
        while True:
            have = len(buffer)
            if have >= 8:
                (head_length,) = LENGTH.unpack_from(buffer, 0)
                if have >= head_length + 8:
                    (body_length,) = LENGTH.unpack_from(buffer, 4 + head_length)
                    end = 8 + head_length + body_length
                    if have >= end:
                        header = json.loads(buffer[4 : 4 + head_length])
                        body = bytes(buffer[8 + head_length : end])
                        del buffer[:end]
                        return header, body
            chunk = self._sock.recv(65536)
            if not chunk:
                raise EOFError
            buffer += chunk

    def send(self, header, body=b""):
        head = self._encode(header).encode("utf-8", "replace")
        self._sock.sendall(LENGTH.pack(len(head)) + head + LENGTH.pack(len(body)) + body)


def load_handler(spec):
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        module_name, function_name = spec, "handle"
    sys.path.insert(0, os.getcwd())
    module = __import__(module_name.replace("/", "."), fromlist=[function_name])
    handler = getattr(module, function_name, None)
    if not callable(handler):
        raise AttributeError("module '%s' has no function '%s'" % (module_name, function_name))
    return handler


def make_event(header, body):
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body
    event = {
        "method": header.get("method", "GET"),
        "path": header.get("path", "/"),
        "query": header.get("query", ""),
        "headers": {name.lower(): value for name, value in header.get("headers", [])},
        "body": text,
    }
    for key in ("topic", "trigger"):
        if key in header:
            event[key] = header[key]
    return event


def encode(value):
    """A handler's return value as (status, headers, body bytes)."""
    status, headers = 200, {}
    if isinstance(value, Response):
        status, headers, value = value.status, value.headers, value.body
    elif isinstance(value, tuple) and 2 <= len(value) <= 3:
        status = value[1]
        headers = dict(value[2]) if len(value) == 3 else {}
        value = value[0]
    if value is None:
        body, kind = b"", None
    elif isinstance(value, (bytes, bytearray, memoryview)):
        body, kind = bytes(value), "application/octet-stream"
    elif isinstance(value, str):
        body, kind = value.encode("utf-8"), "text/plain; charset=utf-8"
    else:
        body, kind = json.dumps(value, ensure_ascii=False, default=str).encode("utf-8"), "application/json"
    names = {name.lower() for name in headers}
    if kind and "content-type" not in names:
        headers["Content-Type"] = kind
    return int(status), [[str(k), str(v)] for k, v in headers.items()], body


def out_of_memory(request_id):
    """The reply for a call that hit the memory limit, built without allocating much."""
    try:
        sys.stderr.write("MemoryError: the handler ran out of memory\n")
        sys.stderr.flush()
    except BaseException:  # writing may need memory too; the reply matters more
        pass
    return {"type": "result", "id": request_id, "status": 500, "error": "MemoryError",
            "error_code": "out_of_memory", "headers": []}


def call(handler, header, body):
    """One call's reply header and body; the handler's own failures become a 500 reply."""
    request_id = header.get("id", "")
    deadline = time.monotonic() + header.get("deadline_ms", 30000) / 1000.0
    try:
        result = handler(make_event(header, body), Context(request_id, deadline))
        status, headers, payload = encode(result)
        return {"type": "result", "id": request_id, "status": status, "headers": headers}, payload
    except MemoryError:
        # Marked, so the caller gets 502 out_of_memory like a worker the kernel killed, not a 500.
        return out_of_memory(request_id), b""
    except Exception as error:  # the function's own failure: a 500 for the caller, details in the log
        # The traceback starts at the handler: this loop's own frame is of no use to its author.
        traceback.print_exception(type(error), error, error.__traceback__.tb_next)
        sys.stderr.flush()
        text = "%s: %s" % (type(error).__name__, error)
        reply = {"type": "result", "id": request_id, "status": 500, "error": text,
                 "headers": [["Content-Type", "text/plain; charset=utf-8"]]}
        return reply, text.encode("utf-8", "replace")


def serve(channel, handler):
    while True:
        try:
            header, body = channel.receive()
        except EOFError:
            return
        try:
            reply, payload = call(handler, header, body)
            sys.stdout.flush()
            channel.send(reply, payload)
        except MemoryError:
            reply = payload = None
            channel.send(out_of_memory(header.get("id", "")))


def wait_for_function(channel):
    """A pre-started (standby) worker: told which function to load once one needs it."""
    header, _ = channel.receive()
    if header.get("type") != "load":
        raise EOFError
    os.chdir(header["dir"])
    os.environ.update(header.get("env", {}))
    return header.get("handler", "handler.handle")


def main():
    channel = Channel(CHANNEL_FD)
    spec = sys.argv[1] if len(sys.argv) > 1 else "handler.handle"
    if spec == "--standby":
        try:
            spec = wait_for_function(channel)
        except EOFError:
            return 0
    try:
        handler = load_handler(spec)
    except BaseException as error:  # a broken import must be reported, never silently retried
        traceback.print_exc()
        sys.stderr.flush()
        channel.send({"type": "init_error", "error": "%s: %s" % (type(error).__name__, error)})
        return 1
    Context.function_name = os.environ.get("RUNE_FUNCTION", "")
    Context.function_version = int(os.environ.get("RUNE_FUNCTION_VERSION", "0"))
    Context.memory_limit_mib = int(os.environ.get("RUNE_MEMORY_MIB", "0"))
    channel.send({"type": "ready", "pid": os.getpid()})
    serve(channel, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())

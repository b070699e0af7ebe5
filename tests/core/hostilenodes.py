#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fake nodes that answer what no real agent would, for the console's hostile-node tests.

hostilenodes.py BEHAVIOUR...  listens on a free loopback port per behaviour and prints
"BEHAVIOUR PORT" for each, then "ready". It serves until stdin closes (the test ended).
Every behaviour answers any request the same way, so whatever the console asks (metrics, facts,
functions, events, logs) meets the fault. "newer" is the exception: a well-behaved agent of a
newer version, answering from the protocol fixtures (isolation warnings, a start failure).
"""

import asyncio
import json
import os
import sys
import zlib

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "protocol")
MIB = 1024 * 1024


async def read_request(reader):
    """The request's path, or None when the console closed the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    words = head.split(b"\r\n", 1)[0].split(b" ")
    return words[1].decode("latin-1") if len(words) > 1 else "/"


def response(body, status="200 OK", extra=b"", content_type=b"application/json"):
    return (b"HTTP/1.1 " + status.encode() + b"\r\nContent-Type: " + content_type + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body)


async def write_forever(writer, make_chunk, pause=0.0):
    """Writes chunks until the console hangs up."""
    try:
        while True:
            writer.write(make_chunk())
            await writer.drain()
            if pause:
                await asyncio.sleep(pause)
    except (ConnectionError, asyncio.CancelledError):
        pass


async def garbage(reader, writer):
    await read_request(reader)
    writer.write(bytes((i * 37 + 11) % 256 for i in range(8192)))
    await writer.drain()


async def flood(reader, writer):
    """A 100 MB answer, as fast as the console reads it."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                 + str(100 * 1000 * 1000).encode() + b"\r\n\r\n{\"node\":{\"cpu_percent\":\"")
    chunk = b"x" * (64 * 1024)
    await write_forever(writer, lambda: chunk)


async def endless(reader, writer):
    """A chunked answer that never ends and never says how long it is."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"[" * 0x10000 + b"\r\n"
    await write_forever(writer, lambda: chunk)


async def trickle(reader, writer):
    """A valid-looking answer, one byte every 200 ms: never silent, never done."""
    await read_request(reader)
    body = json.dumps({"node": {"cpu_percent": 1}, "functions": [], "pad": " " * 4000}).encode()
    message = response(body)
    try:
        for byte in message:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)
    except ConnectionError:
        pass


async def trickle_headers(reader, writer):
    """Headers without end, one line every 200 ms."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\n")
    counter = iter(range(10**9))
    await write_forever(writer, lambda: b"X-Filler-%d: yes\r\n" % next(counter), pause=0.2)


async def silent(reader, writer):
    await read_request(reader)
    await asyncio.sleep(3600)


async def truncated(reader, writer):
    """Promises 400 bytes, sends half, hangs up."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                 + b'{"node": {"cpu_percent": 12, "memory_total_bytes": 1000, ' + b" " * 140)
    await writer.drain()


async def keep_answering(reader, writer, answer):
    """Answers every request on a kept-alive connection with answer(path)."""
    while True:
        path = await read_request(reader)
        if path is None:
            return
        writer.write(answer(path))
        await writer.drain()


async def truncated_json(reader, writer):
    await keep_answering(reader, writer, lambda path: response(b'{"node": {"cpu_percent": 12, "mem'))


WRONG_SHAPE = {
    "time_ms": "yesterday", "uptime_s": [], "hostname": 42, "os": {"name": 1}, "arch": None, "cores": "many",
    "memory_bytes": -1, "node": {"cpu_percent": "high", "memory_total_bytes": 1e308},
    "functions": [{"name": 5, "version": "v1", "invocations": -1e300, "latency": [1, 2]}],
    "events": [{"seq": "first", "kind": 7}], "lines": "none",
}


async def wrong_shape(reader, writer):
    await keep_answering(reader, writer, lambda path: response(json.dumps(WRONG_SHAPE).encode()))


async def deep(reader, writer):
    body = b'{"node": ' + b"[" * 10000 + b"]" * 10000 + b"}"
    await keep_answering(reader, writer, lambda path: response(body))


async def bad_utf8(reader, writer):
    body = b'{"node": {"cpu_percent": 5}, "role": "comp\xff\xfeute", "hostname": "\xc0\xaf", "functions": []}'
    await keep_answering(reader, writer, lambda path: response(body))


async def bad_framing(reader, writer):
    """Two lengths that disagree and a length that is not a number."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: nine\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"node\":{}}\r\n0\r\n\r\n")
    await writer.drain()


async def bad_chunks(reader, writer):
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n{}\r\n0\r\n\r\n")
    await writer.drain()


def make_bomb(size):
    """gzip of @size zero bytes, made a MiB at a time (a few hundred KiB of output)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * MIB
    parts = [deflate.compress(zeros) for _ in range(size // MIB)]
    return b"".join(parts) + deflate.flush()


BOMB = []


async def gzip_bomb(reader, writer):
    """A small compressed body that inflates to 256 MiB."""
    await keep_answering(reader, writer, lambda path: response(BOMB[0], extra=b"Content-Encoding: gzip\r\n"))


async def bad_lines(reader, writer):
    """A log stream whose second line is JSON but not a log line."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n"
                 b'{"seq": 1, "time_ms": 1700000000000, "stream": "stdout", "text": "fine"}\n'
                 b'{"seq": "two", "text": 2}\n')
    await writer.drain()
    await asyncio.sleep(3600)


async def html(reader, writer):
    page = b"<html><body><h1>It works!</h1>" + b"<p>" * 1000 + b"</body></html>"
    await keep_answering(reader, writer, lambda path: response(page, content_type=b"text/html"))


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as file:
        return file.read()


NEWER = {
    "/v1/health": "health.json", "/v1/info": "info-isolation.json", "/v1/metrics": "metrics.json",
    "/v1/functions": "functions-start-failure.json", "/v1/events": "events.json",
}


async def newer(reader, writer):
    def answer(path):
        name = NEWER.get(path.split("?", 1)[0])
        if name is None:
            return response(b'{"error":{"code":"not_found","message":"no such path"}}', "404 Not Found")
        return response(fixture(name))
    await keep_answering(reader, writer, answer)


BEHAVIOURS = {
    "garbage": garbage, "flood": flood, "endless": endless, "trickle": trickle,
    "trickle-headers": trickle_headers, "silent": silent, "truncated": truncated,
    "truncated-json": truncated_json, "wrong-shape": wrong_shape, "deep": deep, "bad-utf8": bad_utf8,
    "bad-framing": bad_framing, "bad-chunks": bad_chunks, "gzip-bomb": gzip_bomb, "html": html,
    "bad-lines": bad_lines, "newer": newer,
}


def serve(behaviour):
    async def handle(reader, writer):
        try:
            await behaviour(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
    return handle


async def main(names):
    if "gzip-bomb" in names:
        BOMB.append(make_bomb(256 * MIB))
    for name in names:
        server = await asyncio.start_server(serve(BEHAVIOURS[name]), "127.0.0.1", 0)
        print(name, server.sockets[0].getsockname()[1], flush=True)
    print("ready", flush=True)
    # Serve until the test closes our stdin (or dies).
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    os._exit(0)  # at once: the connections still open need no goodbye


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or list(BEHAVIOURS)))

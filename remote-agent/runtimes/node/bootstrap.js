// SPDX-License-Identifier: GPL-3.0-or-later
// rune-agent's node worker: loads a function's handler once, then serves calls.
//
// The agent talks to this process over the socket on file descriptor 3. Every message is two
// frames (a 4-byte big-endian length, then the bytes): a JSON header and the raw body.
//   agent -> worker  {"type": "load", "dir", "handler", "env"}   (first, to a worker started with --standby)
//                    {"type": "invoke", "id", "method", "path", "query", "headers", "deadline_ms"} + body
//   worker -> agent  {"type": "ready"} | {"type": "init_error", "error"}
//                    {"type": "result", "id", "status", "headers", "error"?, "error_code"?} + body
//                    (error_code "out_of_memory": an allocation the memory limit did not allow)
// stdout and stderr go to the function's log; the agent tags each line with the call in flight.
'use strict';

const net = require('net');
const path = require('path');
const { pathToFileURL } = require('url');

const CHANNEL_FD = 3;

class Response {
    constructor(body = '', status = 200, headers = {}) {
        this.body = body;
        this.status = status;
        this.headers = headers;
    }
}

function makeContext(requestId, deadline) {
    return {
        requestId,
        functionName: process.env.RUNE_FUNCTION || '',
        functionVersion: Number(process.env.RUNE_FUNCTION_VERSION || 0),
        memoryLimitMiB: Number(process.env.RUNE_MEMORY_MIB || 0),
        remainingTimeMs: () => Math.max(0, deadline - Date.now()),
        response: (body, status, headers) => new Response(body, status, headers),
    };
}

// Splits the byte stream into messages (header frame + body frame).
class Decoder {
    constructor(onMessage) {
        this.chunks = [];
        this.size = 0;
        this.header = null;
        this.onMessage = onMessage;
    }

    push(chunk) {
        this.chunks.push(chunk);
        this.size += chunk.length;
        for (;;) {
            if (this.size < 4)
                return;
            const buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
            this.chunks = [buffer];
            const length = buffer.readUInt32BE(0);
            if (this.size < 4 + length)
                return;
            const frame = buffer.subarray(4, 4 + length);
            const rest = buffer.subarray(4 + length);
            this.chunks = rest.length ? [rest] : [];
            this.size = rest.length;
            if (this.header === null) {
                this.header = JSON.parse(frame.toString('utf8'));
            } else {
                const header = this.header;
                this.header = null;
                this.onMessage(header, Buffer.from(frame));
            }
        }
    }
}

function frame(payload) {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(payload.length, 0);
    return [prefix, payload];
}

function send(socket, header, body = Buffer.alloc(0)) {
    const head = Buffer.from(JSON.stringify(header), 'utf8');
    socket.write(Buffer.concat([...frame(head), ...frame(body)]));
}

async function loadHandler(spec) {
    const dot = spec.lastIndexOf('.');
    const moduleName = dot > 0 ? spec.slice(0, dot) : spec;
    const functionName = dot > 0 ? spec.slice(dot + 1) : 'handle';
    const file = path.resolve(process.cwd(), moduleName);
    let loaded;
    try {
        loaded = require(file);
    } catch (error) {
        if (error.code !== 'ERR_REQUIRE_ESM')
            throw error;
        loaded = await import(pathToFileURL(require.resolve(file)).href);
    }
    const handler = loaded[functionName] || (loaded.default && loaded.default[functionName]);
    if (typeof handler !== 'function')
        throw new Error(`module '${moduleName}' has no function '${functionName}'`);
    return handler;
}

function makeEvent(header, body) {
    const text = body.toString('utf8');
    const headers = {};
    for (const [name, value] of header.headers || [])
        headers[name.toLowerCase()] = value;
    const event = {
        method: header.method || 'GET',
        path: header.path || '/',
        query: header.query || '',
        headers,
        // Bytes that are not UTF-8 reach the handler untouched, as a Buffer.
        body: Buffer.from(text, 'utf8').equals(body) ? text : body,
    };
    for (const key of ['topic', 'trigger']) {
        if (key in header)
            event[key] = header[key];
    }
    return event;
}

function encode(value) {
    let status = 200;
    let headers = {};
    if (value instanceof Response) {
        status = value.status || 200;
        headers = { ...(value.headers || {}) };
        value = value.body;
    }
    let body;
    let kind = null;
    if (value === undefined || value === null) {
        body = Buffer.alloc(0);
    } else if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
        body = Buffer.from(value);
        kind = 'application/octet-stream';
    } else if (typeof value === 'string') {
        body = Buffer.from(value, 'utf8');
        kind = 'text/plain; charset=utf-8';
    } else {
        body = Buffer.from(JSON.stringify(value), 'utf8');
        kind = 'application/json';
    }
    if (kind && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
        headers['Content-Type'] = kind;
    return { status, headers: Object.entries(headers).map(([k, v]) => [String(k), String(v)]), body };
}

// A buffer or array the memory limit did not allow (a full heap aborts V8 instead: see the agent).
function isAllocationFailure(error) {
    return error instanceof RangeError && /allocation failed/i.test(String(error.message));
}

async function handle(socket, handler, header, body) {
    const id = header.id || '';
    const deadline = Date.now() + (header.deadline_ms || 30000);
    try {
        const result = await handler(makeEvent(header, body), makeContext(id, deadline));
        const { status, headers, body: payload } = encode(result);
        send(socket, { type: 'result', id, status, headers }, payload);
    } catch (error) {
        console.error(error && error.stack ? error.stack : String(error));
        const text = error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
        const reply = { type: 'result', id, status: 500, error: text,
            headers: [['Content-Type', 'text/plain; charset=utf-8']] };
        // Marked, so the caller gets 502 out_of_memory like a worker V8 or the kernel ended.
        if (isAllocationFailure(error))
            reply.error_code = 'out_of_memory';
        send(socket, reply, Buffer.from(text, 'utf8'));
    }
}

// A pre-started (standby) worker is told which function to load once one needs it.
function waitForFunction(socket) {
    return new Promise((resolve, reject) => {
        const decoder = new Decoder((header, rest) => {
            socket.removeListener('data', onData);
            if (header.type !== 'load')
                return reject(new Error('expected a load message'));
            process.chdir(header.dir);
            Object.assign(process.env, header.env || {});
            resolve(header.handler || 'handler.handle');
        });
        const onData = (chunk) => decoder.push(chunk);
        socket.on('data', onData);
        socket.once('end', () => process.exit(0));
    });
}

async function main() {
    const socket = new net.Socket({ fd: CHANNEL_FD, readable: true, writable: true });
    let handler;
    try {
        let spec = process.argv[2] || 'handler.handle';
        if (spec === '--standby')
            spec = await waitForFunction(socket);
        handler = await loadHandler(spec);
    } catch (error) {
        console.error(error && error.stack ? error.stack : String(error));
        send(socket, { type: 'init_error', error: String(error && error.message ? error.message : error) });
        socket.end(() => process.exit(1));
        return;
    }
    // Calls are one at a time: the agent sends the next only after the result of the last.
    let queue = Promise.resolve();
    const decoder = new Decoder((header, body) => {
        queue = queue.then(() => handle(socket, handler, header, body));
    });
    socket.on('data', (chunk) => decoder.push(chunk));
    socket.on('end', () => process.exit(0));
    socket.on('error', () => process.exit(0));
    send(socket, { type: 'ready', pid: process.pid });
}

main();

// A Rune function: handle(event, context) is called once per request; it may be async.
// event: method, path, query, headers (lower-case names), body (a string).
// Return a string, a Buffer, an object (sent as JSON) or context.response(body, status, headers).

let calls = 0; // lives as long as the replica: the worker loads this file once

exports.handle = async (event, context) => {
  calls += 1;
  console.log(`${event.method} ${event.path} call ${calls} on this replica`);
  let body = event.body;
  if ((event.headers['content-type'] || '').startsWith('application/json') && body) {
    try {
      body = JSON.parse(body);
    } catch (error) {
      console.error(`not JSON: ${error.message}`);
      return context.response({ error: 'the body is not JSON' }, 400);
    }
  }
  return context.response(
    { method: event.method, path: event.path, query: event.query, body, calls, version: context.functionVersion },
    200,
    { 'X-Calls': String(calls) },
  );
};

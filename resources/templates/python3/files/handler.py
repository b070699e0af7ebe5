"""A Rune function: handle(event, context) is called once per request.

event: method, path, query, headers (lower-case names), body (str, or bytes if not UTF-8).
Return a str, bytes, a dict/list (sent as JSON) or (body, status[, headers]).
"""
import json
import os
from urllib.parse import parse_qs

GREETING = os.environ.get("GREETING", "Hello")


def handle(event, context):
    name = parse_qs(event["query"]).get("name", ["world"])[0]
    if event["body"]:
        try:
            name = json.loads(event["body"]).get("name", name)
        except (ValueError, AttributeError):
            print("refused a body that is not JSON")  # stdout lands in the log, tagged with the request id
            return {"error": 'send JSON like {"name": "Ada"}'}, 400
    print(f"greeting {name}")
    return {
        "message": f"{GREETING}, {name}!",
        "version": context.function_version,
        "request_id": context.request_id,
    }

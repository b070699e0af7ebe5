# SPDX-License-Identifier: GPL-3.0-or-later
"""Python's http.client as an outside caller for tst_gatewayconformance.

Reads {"port": n, "requests": [{"method", "path", "headers": [[name, value]], "body"}]} on stdin,
sends the requests one after another on one kept-alive connection and prints one JSON object per
answer: status, headers, body (latin-1), the local port the answer came on (the same port means
the same connection), or the error http.client raised when the answer's framing was wrong.
"""

import http.client
import json
import sys


def main():
    job = json.load(sys.stdin)
    connection = http.client.HTTPConnection("127.0.0.1", job["port"], timeout=20)
    results = []
    for request in job["requests"]:
        try:
            body = request.get("body")
            connection.request(request["method"], request["path"],
                               body=body.encode("latin-1") if body is not None else None,
                               headers=dict(request.get("headers", [])))
            response = connection.getresponse()
            local_port = connection.sock.getsockname()[1] if connection.sock else 0
            data = response.read()
            results.append({"status": response.status, "headers": [[n, v] for n, v in response.getheaders()],
                            "body": data.decode("latin-1"), "local_port": local_port,
                            "will_close": response.will_close})
        except Exception as failure:  # any framing mistake shows up here
            results.append({"error": "%s: %s" % (type(failure).__name__, failure)})
            connection.close()
    print(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())

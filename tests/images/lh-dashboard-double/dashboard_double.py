# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test double of the LittleHorse dashboard (tests only; not the real dashboard).

Contract it keeps with the real image, so that the dashboard module and role can be
tested: port 3000, LHC_API_HOST and LHC_API_PORT required at start, GET / answers 200
while the API server accepts TCP connections and 503 while it does not.
"""
import http.server
import json
import os
import signal
import socket
import sys

PORT = 3000


def api_reachable(host, port, timeout=2.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def main():
    missing = [name for name in ("LHC_API_HOST", "LHC_API_PORT") if not os.environ.get(name)]
    if missing:
        print("dashboard double: %s must be set" % " and ".join(missing), file=sys.stderr)
        return 1
    host, port = os.environ["LHC_API_HOST"], int(os.environ["LHC_API_PORT"])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            up = api_reachable(host, port)
            body = json.dumps({"double": True, "api": "%s:%d" % (host, port), "api_reachable": up}).encode()
            self.send_response(200 if up else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            sys.stderr.write("dashboard double: " + fmt % args + "\n")

    # As PID 1 of its container it would ignore SIGTERM: stop at once, like a web server.
    signal.signal(signal.SIGTERM, lambda *unused: sys.exit(0))
    print("dashboard double (TEST DOUBLE) on :%d, API %s:%d" % (PORT, host, port), flush=True)
    http.server.ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

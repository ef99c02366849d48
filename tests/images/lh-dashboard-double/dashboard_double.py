# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TEST DOUBLE of the LittleHorse dashboard (tests only; not the real dashboard).

The contract it keeps with the real image (lh-dashboard), so that the dashboard module, role and plan can be
tested against real servers:
- port 3000; LHC_API_HOST and LHC_API_PORT required at start;
- OAuth like the real image's entrypoint: once any of LHD_OAUTH_CLIENT_ID, LHD_OAUTH_CLIENT_SECRET,
  LHD_OAUTH_ISSUER_URI, LHD_OAUTH_ENCRYPT_SECRET is set, all four must be, or it exits 1 at start (naming the
  missing ones, never a value) - so a deployment whose secrets do not reach the process does not start;
- GET / answers 200 only when the server it points at accepts it, 503 otherwise:
  LHC_API_PROTOCOL PLAINTEXT (default): a TCP connection to LHC_API_HOST:LHC_API_PORT;
  TLS: a real TLS handshake with ALPN h2 that verifies the server's certificate against LHC_CA_CERT and its name
  against LHC_API_HOST, presenting LHC_CLIENT_CERT/LHC_CLIENT_KEY when given, then HTTP/2's preface and an empty
  SETTINGS frame: 'accepted' only when the server answers with frames (an MTLS listener refuses a client without a
  certificate only after the TLS 1.3 handshake, on that first read);
- with OAuth on, it also fetches the issuer's /.well-known/openid-configuration and reports it; 200 needs it too.
The body is JSON: what was checked and how it went (no secret value).
"""
import http.server
import json
import os
import signal
import socket
import ssl
import sys
import urllib.request

PORT = 3000
TIMEOUT = 5
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
OAUTH = ("LHD_OAUTH_CLIENT_ID", "LHD_OAUTH_CLIENT_SECRET", "LHD_OAUTH_ISSUER_URI", "LHD_OAUTH_ENCRYPT_SECRET")


def say(text):
    print("dashboard double: %s" % text, file=sys.stderr, flush=True)


def api_plaintext(host, port):
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT):
            return True, "TCP connection accepted"
    except OSError as err:
        return False, "TCP connection failed: %s" % err


def api_tls(host, port, ca, cert, key):
    """(accepted, detail): the TLS handshake and HTTP/2's first exchange with the server's listener."""
    try:
        context = ssl.create_default_context(cafile=ca or None)
        if cert:
            context.load_cert_chain(cert, key)
        context.set_alpn_protocols(["h2"])
        with socket.create_connection((host, port), timeout=TIMEOUT) as raw:
            with context.wrap_socket(raw, server_hostname=host) as sock:
                version, alpn = sock.version(), sock.selected_alpn_protocol()
                sock.sendall(HTTP2_PREFACE + EMPTY_SETTINGS)
                answer = sock.recv(4096)
    except (ssl.SSLError, ssl.CertificateError, OSError) as err:
        return False, "TLS refused: %s: %s" % (type(err).__name__, err)
    if not answer:
        return False, "TLS handshake done (%s), then the server closed the connection without an answer" % version
    return True, "TLS handshake (%s, ALPN %s, server certificate verified%s) and HTTP/2 answered %d bytes" % (
        version, alpn, ", client certificate presented" if cert else "", len(answer))


def oauth_discovery(issuer):
    """(ok, report): the issuer's OpenID configuration, fetched as the dashboard would."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as reply:
            document = json.loads(reply.read().decode("utf-8"))
    except (OSError, ValueError) as err:
        return False, {"issuer": issuer, "discovery": url, "error": str(err)}
    ok = document.get("issuer") == issuer.rstrip("/")
    return ok, {"issuer": issuer, "discovery": url, "issuer_matches": ok,
                "authorization_endpoint": document.get("authorization_endpoint"),
                "token_endpoint": document.get("token_endpoint")}


def main():
    missing = [name for name in ("LHC_API_HOST", "LHC_API_PORT") if not os.environ.get(name)]
    if missing:
        say("%s must be set" % " and ".join(missing))
        return 1
    oauth_given = [name for name in OAUTH if os.environ.get(name)]
    if oauth_given and len(oauth_given) < len(OAUTH):
        say("authentication is enabled but these OAuth settings are missing: %s"
            % " ".join(name for name in OAUTH if name not in oauth_given))
        return 1
    host, port = os.environ["LHC_API_HOST"], int(os.environ["LHC_API_PORT"])
    protocol = os.environ.get("LHC_API_PROTOCOL") or "PLAINTEXT"
    ca, cert, key = (os.environ.get(name) for name in ("LHC_CA_CERT", "LHC_CLIENT_CERT", "LHC_CLIENT_KEY"))
    issuer = os.environ.get("LHD_OAUTH_ISSUER_URI") if oauth_given else None

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if protocol == "TLS":
                up, detail = api_tls(host, port, ca, cert, key)
            else:
                up, detail = api_plaintext(host, port)
            oauth_ok, oauth = (True, None) if not issuer else oauth_discovery(issuer)
            body = json.dumps({"double": True, "api": "%s:%d" % (host, port), "protocol": protocol,
                               "client_certificate": bool(cert), "api_reachable": up, "api_detail": detail,
                               "oauth": oauth}).encode()
            self.send_response(200 if up and oauth_ok else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            say(fmt % args)

    # As PID 1 of its container it would ignore SIGTERM: stop at once, like a web server.
    signal.signal(signal.SIGTERM, lambda *unused: sys.exit(0))
    say("TEST DOUBLE on :%d, API %s:%d over %s%s%s" % (
        PORT, host, port, protocol, " with a client certificate" if cert else "",
        ", OAuth with issuer %s" % issuer if issuer else ""))
    http.server.ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

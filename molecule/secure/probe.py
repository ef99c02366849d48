# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a machine of the cluster's network can do without the cluster's credentials - run ON a simulated
host (ansible.builtin.script), with the standard library only (`served` runs on the machine too).

    probe.py internal HOST PORT --ca CA [--cert CERT --key KEY] --expect served|refused
        a server's internal port (mutual TLS): the TLS handshake with ALPN h2, then HTTP/2's preface and
        an empty SETTINGS frame; 'served' when the server answers with frames, 'refused' when the
        handshake or the first read fails (no client certificate: the server's certificate_required alert)
    probe.py kafka HOST PORT --ca CA
        a broker's SASL_SSL listener: over TLS, ApiVersions is answered (the broker is there and speaks
        Kafka before authentication), but a Metadata request without the SASL handshake closes the
        connection unanswered
    probe.py served HOST PORT --ca CA [--cert CERT --key KEY] --expect-cert PEM
        the certificate a TLS port serves (verified against CA and HOST) is the one in PEM: their SHA-256
        fingerprints are the same
Prints one '[probe]' line per check; exits 1 when a check does not go as expected.
"""
import argparse
import hashlib
import socket
import ssl
import struct
import sys

TIMEOUT = 10
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def say(text):
    print("[probe] %s" % text)
    sys.stdout.flush()


def tls_socket(host, port, ca, cert=None, key=None, alpn=None):
    context = ssl.create_default_context(cafile=ca)
    if cert:
        context.load_cert_chain(cert, key)
    if alpn:
        context.set_alpn_protocols(alpn)
    raw = socket.create_connection((host, port), timeout=TIMEOUT)
    return context.wrap_socket(raw, server_hostname=host)


def read_some(sock):
    try:
        return sock.recv(4096)
    except socket.timeout:
        return None


def internal(args):
    try:
        sock = tls_socket(args.host, args.port, args.ca, args.cert, args.key, alpn=["h2"])
        sock.sendall(HTTP2_PREFACE + EMPTY_SETTINGS)
        answer = read_some(sock)
        sock.close()
    except (ssl.SSLError, OSError) as err:
        outcome, detail = "refused", "%s: %s" % (type(err).__name__, err)
    else:
        if answer:
            outcome, detail = "served", "answered %d bytes of HTTP/2 frames" % len(answer)
        else:
            outcome, detail = "refused", "closed without an answer"
    who = "with the cluster's certificate" if args.cert else "without a client certificate"
    say("internal port %s:%d %s: %s (%s)" % (args.host, args.port, who, outcome, detail))
    return outcome == args.expect


def sha256_of(der):
    return hashlib.sha256(der).hexdigest()


def served(args):
    sock = tls_socket(args.host, args.port, args.ca, args.cert, args.key, alpn=["h2"])
    der = sock.getpeercert(binary_form=True)
    sock.close()
    with open(args.expect_cert) as handle:
        expected = ssl.PEM_cert_to_DER_cert(handle.read())
    same = sha256_of(der) == sha256_of(expected)
    say("%s:%d serves the certificate of sha256 %s: %s %s"
        % (args.host, args.port, sha256_of(der), "the same as" if same else "NOT", args.expect_cert))
    return same


def kafka_request(api_key, version, correlation, body=b""):
    client = b"lhsec-probe"
    header = struct.pack(">hhih", api_key, version, correlation, len(client)) + client
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def kafka_answer(sock):
    data = b""
    while len(data) < 8:
        chunk = read_some(sock)
        if not chunk:
            return None
        data += chunk
    return struct.unpack(">ii", data[:8])


def kafka(args):
    sock = tls_socket(args.host, args.port, args.ca)
    sock.sendall(kafka_request(18, 0, 1))  # ApiVersions v0
    versions = kafka_answer(sock)
    sock.close()
    say("kafka %s:%d over TLS, ApiVersions before logging in: %s"
        % (args.host, args.port, "answered" if versions and versions[1] == 1 else "no answer"))
    sock = tls_socket(args.host, args.port, args.ca)
    sock.sendall(kafka_request(3, 0, 2, struct.pack(">i", 0)))  # Metadata v0, no SASL handshake
    try:
        metadata = kafka_answer(sock)
    except (ssl.SSLError, OSError):
        metadata = None
    sock.close()
    say("kafka %s:%d over TLS, Metadata without the SASL login: %s"
        % (args.host, args.port, "ANSWERED" if metadata else "refused (connection closed)"))
    return bool(versions) and versions[1] == 1 and not metadata


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    # each command: a TLS port (host, port, the CA that verifies it), with a client certificate or not, and its own
    for command, client, option, settings in (
            ("internal", True, "--expect", dict(choices=["served", "refused"], required=True)),
            ("kafka", False, None, None),
            ("served", True, "--expect-cert", dict(required=True))):
        p = sub.add_parser(command)
        p.add_argument("host")
        p.add_argument("port", type=int)
        p.add_argument("--ca", required=True)
        if client:
            p.add_argument("--cert")
            p.add_argument("--key")
        if option:
            p.add_argument(option, **settings)
    args = parser.parse_args()
    ok = {"internal": internal, "kafka": kafka, "served": served}[args.command](args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

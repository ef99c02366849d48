# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""lh_load_balancer against the real engine: the test bed's HAProxy (Debian's package, laid out like
the official image) in front of two small HTTP servers standing in for LittleHorse servers.

Everything here is named lhlbtest-*, publishes on 127.0.0.1:36xxx only, and is removed again."""
import csv
import io
import os
import time
import urllib.request

import pytest
from lhtest.testbed import image

from conftest import DASHBOARD_DOUBLE_IMAGE, docker, four_times, run_module

LB_PREFIX = "lhlbtest"
NETWORK = LB_PREFIX + "-net"
LB = LB_PREFIX + "-lb"
HAPROXY_IMAGE = image("load_balancer_image")
LB_PORT, STATS_PORT = 36023, 36404
# A backend: python3's HTTP server (the dashboard double's image has python3) serving /who (its
# name) and /readiness on port 8000.
BACKEND = ("mkdir -p /srv && echo $WHO >/srv/who && echo ok >/srv/readiness "
           "&& exec python3 -m http.server 8000 --directory /srv")


def remove_ours():
    for container in docker("ps", "-aq", "--filter", "name=^%s-" % LB_PREFIX).split():
        docker("rm", "-f", container)
    docker("network", "rm", NETWORK, check=False)


@pytest.fixture(scope="module")
def backends(tmp_path_factory):
    remove_ours()
    docker("network", "create", NETWORK)
    for who in ("b1", "b2"):
        docker("run", "-d", "--name", "%s-%s" % (LB_PREFIX, who), "--network", NETWORK, "-e", "WHO=" + who,
               "--entrypoint", "sh", DASHBOARD_DOUBLE_IMAGE, "-c", BACKEND)
    yield str(tmp_path_factory.mktemp("lb"))
    remove_ours()


def lb_args(config_dir, **extra):
    args = dict(name=LB, image=HAPROXY_IMAGE, network=NETWORK, port=2023, stats_port=8404,
                published_ports=["127.0.0.1:%d:2023" % LB_PORT, "127.0.0.1:%d:8404" % STATS_PORT],
                backends=[{"name": LB_PREFIX + "-b1", "host": LB_PREFIX + "-b1", "port": 8000, "health_port": 8000},
                          # its health port answers nothing: HAProxy must take it out
                          {"name": LB_PREFIX + "-b2", "host": LB_PREFIX + "-b2", "port": 8000, "health_port": 8001}],
                balance="roundrobin", check_interval=1, config_dir=config_dir, wait=True, wait_timeout=60)
    args.update(extra)
    return args


def server_states():
    """{server name: HAProxy's status (UP, DOWN, MAINT ...)} from the statistics page's CSV."""
    with urllib.request.urlopen("http://127.0.0.1:%d/stats;csv" % STATS_PORT, timeout=5) as reply:
        text = reply.read().decode().lstrip("# ")
    return dict((row["svname"], row["status"]) for row in csv.DictReader(io.StringIO(text))
                if row["pxname"] == "littlehorse_servers" and row["svname"] not in ("FRONTEND", "BACKEND"))


def wait_states(expected, timeout=30):
    deadline, states = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        states = server_states()
        if all(states.get(name, "").startswith(status) for name, status in expected.items()):
            return states
        time.sleep(0.5)
    raise AssertionError("HAProxy's servers are %s, expected %s" % (states, expected))


def who_answers(times=8):
    """Which backends answered `times` requests sent through the load balancer."""
    answers = []
    while len(answers) < times:
        with urllib.request.urlopen("http://127.0.0.1:%d/who" % LB_PORT, timeout=5) as reply:
            answers.append(reply.read().decode().strip())
    return answers


def test_bad_backends_fail_naming_the_option_and_change_nothing(backends):
    result = run_module("lh_load_balancer", lb_args(backends, backends=[]), expect_failure=True)
    assert result["msg"].startswith("backends: required")
    bad = [{"name": "x", "host": "::1", "port": 1, "health_port": 2}]
    result = run_module("lh_load_balancer", lb_args(backends, backends=bad), expect_failure=True)
    assert "backends[0].host" in result["msg"]
    assert docker("ps", "-aq", "--filter", "name=^%s$" % LB) == ""
    assert not os.path.exists(os.path.join(backends, "haproxy.cfg"))


def test_load_balancer_forwards_to_ready_servers_and_reloads_a_new_configuration(backends):
    args = lb_args(backends)
    config = os.path.join(backends, "haproxy.cfg")
    checked, real = four_times("lh_load_balancer", args)
    assert checked["actions"] == ["write %s" % config, "create", "start"]
    assert real["container"]["status"] == "running" and real["config_path"] == config
    assert "server lhlbtest-b2 lhlbtest-b2:8000 check port 8001" in real["config"]
    assert docker("inspect", "-f", "{{.Config.User}}", LB) == "haproxy"

    # b2 answers on its traffic port but not on its health port: it is DOWN and gets nothing.
    wait_states({LB_PREFIX + "-b1": "UP", LB_PREFIX + "-b2": "DOWN"})
    assert set(who_answers()) == {"b1"}

    # A new configuration is reloaded in the running container (same container, no re-create).
    before = docker("inspect", "-f", "{{.Id}}", LB)
    healthy = [dict(b, health_port=8000) for b in args["backends"]]
    checked, real = four_times("lh_load_balancer", dict(args, backends=healthy))
    assert checked["actions"] == ["write %s" % config, "reload (SIGUSR2)"]
    assert docker("inspect", "-f", "{{.Id}}", LB) == before, "the load balancer was re-created, not reloaded"
    wait_states({LB_PREFIX + "-b1": "UP", LB_PREFIX + "-b2": "UP"})
    assert set(who_answers()) == {"b1", "b2"}

    # One server gone: the other one still takes every connection.
    docker("rm", "-f", LB_PREFIX + "-b1")
    states = wait_states({LB_PREFIX + "-b2": "UP"})
    deadline = time.monotonic() + 30
    while not states[LB_PREFIX + "-b1"].startswith(("DOWN", "MAINT")):
        assert time.monotonic() < deadline, "b1 is still %s after it was removed" % states[LB_PREFIX + "-b1"]
        time.sleep(0.5)
        states = server_states()
    assert set(who_answers()) == {"b2"}

    # HAProxy stops on the image's stop signal at once, well before Docker would kill it.
    started = time.monotonic()
    docker("stop", LB)
    assert time.monotonic() - started < 8
    assert docker("inspect", "-f", "{{.State.ExitCode}}", LB) == "0"
    checked = four_times("lh_load_balancer", dict(args, state="absent"))[0]
    assert checked["actions"] == ["remove"]
    assert docker("ps", "-aq", "--filter", "name=^%s$" % LB) == ""


# ---- the dashboard through the load balancer (the plan's choice when the balancer fronts its listener)

DASHBOARD = LB_PREFIX + "-dashboard"
DASHBOARD_PORT = 36080
# A TLS backend standing in for a server's TLS listener: TLS on 8443 with the certificate in /tls (it answers the
# first bytes it reads with its name), /readiness over HTTP on 8000 for HAProxy's check.
TLS_BACKEND = """
import functools, http.server, os, socket, ssl, threading
os.makedirs('/srv', exist_ok=True)
open('/srv/readiness', 'w').write('ok')
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain('/tls/server.crt', '/tls/server.key')
context.set_alpn_protocols(['h2'])
listener = socket.create_server(('0.0.0.0', 8443))
def answer(connection):
    try:
        with context.wrap_socket(connection, server_side=True) as tls:
            tls.recv(4096)
            tls.sendall(os.environ['WHO'].encode())
    except (OSError, ssl.SSLError):
        pass
def accept():
    while True:
        threading.Thread(target=answer, args=(listener.accept()[0],), daemon=True).start()
threading.Thread(target=accept, daemon=True).start()
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory='/srv')
http.server.ThreadingHTTPServer(('0.0.0.0', 8000), handler).serve_forever()
"""


def tls_files(folder, name):
    """A CA and a server certificate for `name` (the address the dashboard dials), PEM files in folder."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def issue(subject, key, issuer, issuer_key, ca):
        # what Python's strict verification (3.13+, the double's) asks of a chain: key identifiers, key usage
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                  critical=False)
                   .add_extension(x509.KeyUsage(digital_signature=not ca, key_cert_sign=ca, crl_sign=ca,
                                                content_commitment=False, key_encipherment=False,
                                                data_encipherment=False, key_agreement=False, encipher_only=False,
                                                decipher_only=False), critical=True))
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lhlbtest CA")])
    ca = issue(ca_name, ca_key, ca_name, ca_key, True)
    cert = issue(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), key, ca_name, ca_key, False)
    files = {"ca.crt": ca.public_bytes(serialization.Encoding.PEM),
             "server.crt": cert.public_bytes(serialization.Encoding.PEM),
             "server.key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())}
    for file_name, content in files.items():
        path = os.path.join(folder, file_name)
        with open(path, "wb") as handle:
            handle.write(content)
        os.chmod(path, 0o644)  # a test key, read by the backends' user in their containers
    return os.path.join(folder, "ca.crt")


def dashboard_page():
    """(status, the double's JSON) of the dashboard's / (200 only when the server behind its API address answered)."""
    import json
    import urllib.error
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/" % DASHBOARD_PORT, timeout=15) as reply:
            return reply.status, json.loads(reply.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode())


def test_a_dashboard_through_the_load_balancer_survives_one_server_and_checks_its_certificate(tmp_path):
    remove_ours()
    try:
        docker("network", "create", NETWORK)
        folder = str(tmp_path)
        os.chmod(folder, 0o755)  # mounted at /tls: the backends' user enters it
        os.makedirs(os.path.join(folder, "lb"))
        ca = tls_files(folder, LB)
        for who in ("b1", "b2"):
            docker("run", "-d", "--name", "%s-%s" % (LB_PREFIX, who), "--network", NETWORK, "-e", "WHO=" + who,
                   "-v", "%s:/tls:ro" % folder, "--entrypoint", "python3", DASHBOARD_DOUBLE_IMAGE, "-c", TLS_BACKEND)
        tls_backends = [{"name": "%s-%s" % (LB_PREFIX, who), "host": "%s-%s" % (LB_PREFIX, who), "port": 8443,
                         "health_port": 8000} for who in ("b1", "b2")]
        run_module("lh_load_balancer", lb_args(os.path.join(folder, "lb"), backends=tls_backends))
        wait_states({LB_PREFIX + "-b1": "UP", LB_PREFIX + "-b2": "UP"})
        # what the plan hands lh_dashboard with a load balancer in front of a TLS listener: the balancer's address
        run_module("lh_dashboard", dict(name=DASHBOARD, image=DASHBOARD_DOUBLE_IMAGE, network=NETWORK,
                                        published_ports=["127.0.0.1:%d:3000" % DASHBOARD_PORT], api_host=LB,
                                        api_port=2023, api_protocol="TLS", ca_cert_file=ca, wait=True,
                                        wait_timeout=60))
        status, page = dashboard_page()
        assert status == 200 and page["api"] == "%s:2023" % LB, page
        assert "server certificate verified" in page["api_detail"], page

        # One server gone: HAProxy takes it out, and the dashboard still reaches the cluster through the other.
        docker("rm", "-f", LB_PREFIX + "-b1")
        deadline = time.monotonic() + 30
        while not server_states()[LB_PREFIX + "-b1"].startswith(("DOWN", "MAINT")):
            assert time.monotonic() < deadline, "HAProxy still sends to the removed b1"
            time.sleep(0.5)
        for _attempt in range(4):
            status, page = dashboard_page()
            assert status == 200 and "server certificate verified" in page["api_detail"], page

        # The control: with no server left, the balancer alone does not make the dashboard answer.
        docker("rm", "-f", LB_PREFIX + "-b2")
        deadline = time.monotonic() + 30
        while dashboard_page()[0] != 503:
            assert time.monotonic() < deadline, "the dashboard still answers 200 with no server behind the balancer"
            time.sleep(0.5)
        assert not dashboard_page()[1]["api_reachable"]
    finally:
        remove_ours()

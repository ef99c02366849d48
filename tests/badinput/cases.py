# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input cases, shared by both tiers: the baseline inventory they vary, and the case table.

Each case is a variant of the baseline inventory (prefix lhbad, ports 35xxx) with the sentences the code must say
for it (host, setting, fix), labelled with the tier that proves it:

- PLAN: the plan filter (littlehorse.cluster.cluster_plan) or a role's argument spec refuses it. The plan tier
  (test_plan_tier.py, `make test-bad-input-plan`) runs it in-process, through the real filter and the real
  argument specs, with no Docker engine.
- E2E: it needs the host look (lh_host_info), the running cluster, the modules, or a Jinja assert of a playbook or
  role. The end-to-end tier (test_bad_inventories.py, `make test-bad-input`) runs the real site.yml against the
  running baseline and asserts that nothing changed.
- WIRING (both tiers): one case per kind of plan-level refusal, also played end to end, so that the plan tier's
  in-process wiring is proved to be the playbook's.

Cases that span several hosts use inventory hosts lhbad1..N with ansible_connection local at 203.0.113.N
(TEST-NET-3): the plan refuses them before any connection. Cases of several hosts that reach the preflight, whose
reach check dials the other hosts, put them at addresses the test bed itself makes on this machine (conftest's
`testnet`: HOME_ADDRESS on an interface of its own, UNREACHABLE_ADDRESS behind an unreachable route): no packet
leaves the machine.

This module needs no Docker SDK and no engine.
"""
import datetime
import hashlib
import io
import ipaddress
import json
import os
import struct
import tarfile

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lhtest.testbed import image, single_engine_vars

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build", "badinput")
PREFIX = "lhbad"
FOREIGN = PREFIX + "foreign"  # the foreign test container: made by the test, left out of the snapshots
IDLE_IMAGE = image("debian_image")
KAFKA_IMAGE = image("kafka_image")
SERVER_IMAGE = image("server_image")
OLD_SDK = "docker==6.1.3"

# The baseline's port layout (single engine, everything on 127.0.0.1; never 2024):
#   lhbad-server-1  public 35023  health 35822  internal 35011 (not published)
#   lhbad-server-2  public 35033  health 35832  internal 35021 (not published)
#   lhbad-kafka-1   35092 / controller 35093 (not published)
PUBLIC, INTERNAL, HEALTH, KAFKA, CONTROLLER = 35023, 35011, 35822, 35092, 35093
BASELINE_CONTAINERS = ("lhbad-kafka-1", "lhbad-server-1", "lhbad-server-2")

BASELINE_HOST = "lhbad1"

# Addresses the test bed makes on this machine for the cases whose hosts the preflight dials (conftest's `testnet`,
# a session fixture that removes them at the end), in 198.18.0.0/15 (RFC 2544, benchmarking: no network here uses it):
# HOME_ADDRESS is an address of this machine, on an interface of the test bed's own (TESTNET_LINK): the preflight dials
# it, binds its ports there, and no packet leaves the machine. UNREACHABLE_ADDRESS is an address of no host, behind an
# `unreachable` route: the kernel refuses a connection to it at once (EHOSTUNREACH, "No route to host"), no packet is
# sent; a bind there fails (EADDRNOTAVAIL, "Cannot assign requested address"): it is not one of this host's addresses.
TESTNET_LINK = "lhbad0"
HOME_ADDRESS = "198.18.0.1"
UNREACHABLE_ADDRESS = "198.18.0.99"

BASE_VARS = single_engine_vars(PREFIX, "bGhiYWRrYWZrYWNsdXN0ZQ", 2, (PUBLIC, INTERNAL, HEALTH, KAFKA, CONTROLLER),
                               (KAFKA_IMAGE, SERVER_IMAGE), BUILD)


class Inventory(object):
    """An inventory as data: the variables of all, each host's own variables, the groups."""

    def __init__(self, variables, hosts, groups):
        self.vars = dict(variables)
        self.hosts = dict((name, dict(values)) for name, values in hosts.items())
        self.groups = dict((group, list(members)) for group, members in groups.items())

    def host(self, name):
        return self.hosts.setdefault(name, {})

    def render(self):
        children = dict((group, {"hosts": dict((host, None) for host in members)})
                        for group, members in self.groups.items())
        data = {"all": {"vars": self.vars, "hosts": dict((name, values or None) for name, values in self.hosts.items()),
                        "children": children}}
        return yaml.safe_dump(data, default_flow_style=False, sort_keys=False)


def baseline():
    """The baseline: the running cluster's own inventory."""
    return Inventory(BASE_VARS, {BASELINE_HOST: {}}, {"kafka": [BASELINE_HOST], "littlehorse_servers": [BASELINE_HOST]})


def multi(count=3, kafka=None):
    """A cluster over several inventory hosts lhbad1..N (each ansible_connection local, at 203.0.113.N, an
    address of TEST-NET-3 that nothing here uses): server ids 100*N+1, Kafka node id N on the first `kafka`
    hosts (all by default), the baseline's ports. Plan refusals stop the run before any connection."""
    variables = dict((k, v) for k, v in BASE_VARS.items() if k not in (
        "littlehorse_single_engine", "littlehorse_advertised_host", "littlehorse_bind_address",
        "littlehorse_server_count", "littlehorse_server_id_base", "littlehorse_kafka_node_id"))
    names = ["%s%d" % (PREFIX, i) for i in range(1, count + 1)]
    hosts = dict((name, {"ansible_host": "203.0.113.%d" % i, "littlehorse_server_id_base": 100 * i,
                         "littlehorse_kafka_node_id": i}) for i, name in enumerate(names, 1))
    kafka_hosts = names if kafka is None else names[:kafka]
    return Inventory(variables, hosts, {"kafka": kafka_hosts, "littlehorse_servers": names})


def write_inventory(inventory, path):
    with open(path, "w") as handle:
        handle.write(inventory.render())
    return path


PORT_FIX = ("Free it (stop or move what holds it), or move the cluster's ports (littlehorse_public_port_base, "
            "littlehorse_internal_port_base, littlehorse_health_port_base, littlehorse_dashboard_port, "
            "littlehorse_load_balancer_port, littlehorse_kafka_port, or pin littlehorse_server_ports).")
SDK_FIX = ("(the managed hosts need the Docker SDK for Python, see the collection's requirements.txt; the docker CLI "
           "is not needed).")
IMAGE_FIX = "Load the image on that host with 'docker load' (from a 'docker save' archive), or set %s to an image " \
            "the host can pull."
TWICE_FIX = "change littlehorse_port_step, the port bases or the pinned ports of that host"
WHOLE = "must be a whole number (it is %s); give a whole number such as 2023"
ADDRESS_FIX = "set littlehorse_advertised_host (or ansible_host) to the address clients and the other hosts reach " \
              "this host at"
BOOTSTRAP_FIX = "write littlehorse_kafka_bootstrap_servers as host:port[,host:port...] with the brokers' addresses"
ROLE_WIDE_FIX = ("every host of the group must run the same: set it once in group_vars/all (or group_vars/%s), and "
                 "change it there for all of them (site.yml rolls the change one host at a time)")
REACH_FIX = ("Open the port from %s to %s (firewall, security group), or correct %s's address (ansible_host or "
             "littlehorse_advertised_host).")
RESOLVE_FIX = "set ansible_host or littlehorse_advertised_host to an address, or a name the hosts and clients resolve."
DASHBOARD_DOUBLE = image("dashboard_image")
REFERENCE_GRAMMAR = ("[registry-host[:port]/]path[:tag][@sha256:<64 hex>], the path in lower case, the tag of letters, "
                     "digits, '_', '.', '-', at most 128")
FLOATING_FIX = ("Pin a release (e.g. '%s:1.2.1') or a digest (@sha256:...), or set littlehorse_allow_floating_tags: "
                "true to run it anyway")


# The tiers (see the module's docstring): a case's `tier` is one of these.
PLAN = ("plan",)  # the plan filter or a role's argument spec refuses it: in-process (test_plan_tier.py)
E2E = ("e2e",)  # it needs the host look, the running cluster, the modules or a Jinja assert: site.yml on the engine
WIRING = ("plan", "e2e")  # a plan-level refusal played both ways: the plan tier's wiring is the playbook's


class Case(object):
    def __init__(self, name, kind, build, expect, tier, uses=(), pending=None):
        assert tier in (PLAN, E2E, WIRING), "case %s: tier must be PLAN, E2E or WIRING" % name
        assert not (uses and "plan" in tier), "case %s: a case of the plan tier uses no fixture" % name
        self.name, self.kind, self.build, self.expect, self.tier, self.uses, self.pending = (
            name, kind, build, list(expect), tier, tuple(uses), pending)


def edit(inventory, variables=None, hosts=None, groups=None, drop=()):
    """The inventory with `variables` in all:vars, `hosts` {name: {vars}} merged in, `groups` {group: [hosts] or
    None to remove it} and the all:vars `drop` removed."""
    for name in drop:
        inventory.vars.pop(name, None)
    inventory.vars.update(variables or {})
    for name, values in (hosts or {}).items():
        inventory.host(name).update(values)
    for group, members in (groups or {}).items():
        if members is None:
            inventory.groups.pop(group, None)
        else:
            inventory.groups[group] = list(members)
    return inventory


def other_image_archive(ctx):
    """An archive laid out as 'docker save' writes it (its index files; no layer is needed to read which images it
    holds), that holds lh-testbed/other:1 only."""
    path = os.path.join(os.path.dirname(ctx["inventory"]), "other-image.tar")
    manifest = json.dumps([{"Config": "c.json", "RepoTags": ["lh-testbed/other:1"], "Layers": []}]).encode("utf-8")
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    return path


# ---- the user's CA (littlehorse_ca_cert_file, littlehorse_ca_key_file), made at test time in the test's folder
TLS_LISTENERS = [{"name": "PLAIN"}, {"name": "SECURE", "protocol": "TLS", "port_offset": 2}]
CA_EXPIRED_ON = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
CA_FIX_BOTH = ("or unset littlehorse_ca_cert_file and littlehorse_ca_key_file (the collection then makes a CA on the "
               "controller)")


def ca_pair(ca=True, not_after=None, password=None):
    """(certificate PEM, key PEM) of a self-signed certificate; ca: its basicConstraints CA flag; password: the key
    encrypted with it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_after = not_after or now + datetime.timedelta(days=30)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lhbad test CA")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(min(now, not_after) - datetime.timedelta(days=30)).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM), key_bytes(key, password)


def key_bytes(key, password=None):
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def users_ca(cert=None, key=None, cert_path=None, key_path=None, pair=None):
    """The baseline with a TLS listener and littlehorse_ca_cert_file/littlehorse_ca_key_file: ca.crt and ca.key in
    the test's folder, with the content cert and key (PEM bytes; None: a good CA's; pair: a function that makes
    both when the case runs) unless a path is given (a file that does not exist, a folder). ctx gets <ca_cert> and
    <ca_key>, the paths."""
    def build(ctx):
        folder = os.path.dirname(ctx["inventory"])
        good = ca_pair()
        cert_content, key_content = pair() if pair else (cert, key)
        ctx["ca_cert"] = cert_path(folder) if cert_path else os.path.join(folder, "ca.crt")
        ctx["ca_key"] = key_path(folder) if key_path else os.path.join(folder, "ca.key")
        for path, content, given in ((ctx["ca_cert"], cert_content, cert_path), (ctx["ca_key"], key_content, key_path)):
            if not given:
                with open(path, "wb") as handle:
                    handle.write(content if content is not None else good[path == ctx["ca_key"]])
        return edit(baseline(), {"littlehorse_listeners": TLS_LISTENERS, "littlehorse_ca_cert_file": ctx["ca_cert"],
                                 "littlehorse_ca_key_file": ctx["ca_key"]})
    return build


# ---- the servers' certificate the user gives (littlehorse_server_cert_file, littlehorse_server_key_file of lhbad1)
SERVER_FIX = ("or unset littlehorse_server_cert_file and littlehorse_server_key_file (the collection then issues it "
              "with your CA)")


def server_pair(ca, ca_key, names=(x509.IPAddress(ipaddress.ip_address("127.0.0.1")),), usages=None, not_after=None,
                issuer=None, password=None):
    """(certificate PEM, key PEM) of a server certificate that the CA (certificate and key PEM) signs, with the SANs
    names; usages: its extendedKeyUsage OIDs (None: none); issuer: the name it claims (the CA's by default)."""
    ca, ca_key = x509.load_pem_x509_certificate(ca), serialization.load_pem_private_key(ca_key, None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_after = not_after or now + datetime.timedelta(days=30)
    builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lhbad1")]))
               .issuer_name(issuer or ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(min(now, not_after) - datetime.timedelta(days=30)).not_valid_after(not_after)
               .add_extension(x509.SubjectAlternativeName(list(names)), critical=False))
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM), key_bytes(key, password)


def users_server_cert(make):
    """The baseline with a TLS listener, the user's CA (ca.crt alone: with the servers' certificate given and no MTLS
    listener nothing is issued) and lhbad1's servers' certificate: make(ca PEM, ca key PEM) -> (certificate PEM, key
    PEM), None for a file that does not exist. ctx gets <ca_cert>, <server_cert> and <server_key>, the paths."""
    def build(ctx):
        folder = os.path.dirname(ctx["inventory"])
        ca, ca_key = ca_pair()
        ctx.update(ca_cert=os.path.join(folder, "ca.crt"), server_cert=os.path.join(folder, "server.crt"),
                   server_key=os.path.join(folder, "server.key"))
        for path, content in zip((ctx["ca_cert"], ctx["server_cert"], ctx["server_key"]), (ca,) + make(ca, ca_key)):
            if content is not None:
                with open(path, "wb") as handle:
                    handle.write(content)
        return edit(baseline(), {"littlehorse_listeners": TLS_LISTENERS, "littlehorse_ca_cert_file": ctx["ca_cert"]},
                    hosts={BASELINE_HOST: {"littlehorse_server_cert_file": ctx["server_cert"],
                                           "littlehorse_server_key_file": ctx["server_key"]}})
    return build


def another_key(ca, ca_key):
    return server_pair(ca, ca_key)[0], server_pair(ca, ca_key)[1]


def another_ca(ca, ca_key):
    """Signed by another CA of the same name; its key encrypted too."""
    other, other_key = ca_pair()
    return server_pair(other, other_key, issuer=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lhbad other CA")]),
                       password=b"secret")


# ---- OAuth: an OAUTH listener over TLS, and the settings it needs (the servers' and the clients')
OAUTH_LISTENERS = [{"name": "PLAIN"}, {"name": "SECURE", "protocol": "TLS", "authentication": "OAUTH", "port_offset": 2}]
OAUTH_SERVERS = {"littlehorse_oauth_introspect_url": "https://idp.example.com/realms/lh/protocol/openid-connect/token/"
                                                     "introspect",
                 "littlehorse_oauth_client_id": "lh-server"}
OAUTH_CLIENTS = {"littlehorse_oauth_access_token_url": "https://idp.example.com/realms/lh/protocol/openid-connect/token",
                 "littlehorse_oauth_worker_client_id": "lh-worker"}


def oauth_secret_file_missing(ctx):
    """Every OAuth setting, the workers' secret as a file that does not exist in the test's folder (<secret_file>)."""
    ctx["secret_file"] = os.path.join(os.path.dirname(ctx["inventory"]), "no-such-secret")
    return edit(baseline(), dict(OAUTH_SERVERS, littlehorse_listeners=OAUTH_LISTENERS,
                                 littlehorse_oauth_client_secret="lhbad-introspect-secret",
                                 littlehorse_oauth_worker_client_secret_file=ctx["secret_file"], **OAUTH_CLIENTS))


# The dashboard on the OAUTH listener: the servers' and clients' OAuth settings, and the dashboard's own.
DASHBOARD_OAUTH = dict(OAUTH_SERVERS, littlehorse_listeners=OAUTH_LISTENERS,
                       littlehorse_oauth_client_secret="lhbad-introspect-secret",
                       littlehorse_oauth_worker_client_secret="lhbad-worker-secret",
                       littlehorse_dashboard_listener="SECURE", littlehorse_dashboard_oauth_client_id="lhbad-dashboard",
                       littlehorse_dashboard_oauth_client_secret="lhbad-dashboard-secret",
                       littlehorse_dashboard_oauth_issuer_uri="https://idp.example.com/realms/lh",
                       littlehorse_dashboard_oauth_encrypt_secret="lhbad-dashboard-cookie-key",
                       littlehorse_dashboard_oauth_callback_url="http://127.0.0.1:35080", **OAUTH_CLIENTS)


def dashboard_oauth(drop=(), **changes):
    """The baseline with a dashboard on its host, on the OAUTH listener with DASHBOARD_OAUTH, `drop` removed."""
    def build(ctx):
        variables = dict((k, v) for k, v in DASHBOARD_OAUTH.items() if k not in drop)
        variables.update(changes)
        return edit(baseline(), dict(variables, littlehorse_dashboard_port=35080, dashboard_image=DASHBOARD_DOUBLE),
                    groups={"littlehorse_dashboard": [BASELINE_HOST]})
    return build


def dashboard_on_lhbad1(**values):
    """Three hosts (multi), the dashboard on lhbad1 with `values` in its host variables."""
    return lambda ctx: edit(multi(3), hosts={"lhbad1": values}, groups={"littlehorse_dashboard": ["lhbad1"]})


def dashboard_secret_file_missing(ctx):
    """The dashboard's cookie key as a file that does not exist in the test's folder (<secret_file>)."""
    ctx["secret_file"] = os.path.join(os.path.dirname(ctx["inventory"]), "no-such-cookie-key")
    return dashboard_oauth(drop=("littlehorse_dashboard_oauth_encrypt_secret",),
                           littlehorse_dashboard_oauth_encrypt_secret_file=ctx["secret_file"])(ctx)


def kafka_password_file_missing(ctx):
    """Kafka on SASL_SSL, its password as a file that does not exist in the test's folder (<secret_file>)."""
    ctx["secret_file"] = os.path.join(os.path.dirname(ctx["inventory"]), "no-such-password")
    return edit(baseline(), {"littlehorse_kafka_security_protocol": "SASL_SSL",
                             "littlehorse_kafka_sasl_password_file": ctx["secret_file"]})


def kafka_password_file_unquotable(ctx):
    """Kafka on SASL_SSL, its password in a file in the test's folder (<secret_file>) with a '"', which the servers' and
    the Kafka nodes' JAAS login cannot quote."""
    ctx["secret_file"] = os.path.join(os.path.dirname(ctx["inventory"]), "kafka.password")
    with open(ctx["secret_file"], "w") as handle:
        handle.write('lhbad"pw\n')
    return edit(baseline(), {"littlehorse_kafka_security_protocol": "SASL_SSL",
                             "littlehorse_kafka_sasl_password_file": ctx["secret_file"]})


def external_kafka(**variables):
    """The baseline on an external Kafka (no kafka group) at kafka.example:9093, with `variables`."""
    return lambda ctx: edit(baseline(), dict({"littlehorse_kafka_bootstrap_servers": "kafka.example:9093"}, **variables),
                            groups={"kafka": None})


JAAS_REFUSED = "holds a character a JAAS configuration cannot quote (\", \\, ';' or a line break); "
LOOPBACK_FIX = ("is on loopback, which inside the servers' containers is the container itself, not this host; give "
                "the brokers at an address the containers reach - the host's own IP address, or the gateway of its "
                "Docker bridge (e.g. 172.17.0.1) - where Kafka listens and which it advertises")


# ---- an external Kafka over SSL with the user's stores (littlehorse_kafka_truststore_file, ..._keystore_file), made at
# test time in the test's folder: the preflight opens them on the controller before anything changes
EXTERNAL_KAFKA = {"littlehorse_kafka_bootstrap_servers": "kafka.example:9093", "littlehorse_kafka_security_protocol": "SSL"}


def client_pair():
    """(CA certificate, client key, client certificate the CA signed)."""
    ca_cert, ca_key_pem = ca_pair()
    ca = x509.load_pem_x509_certificate(ca_cert)
    ca_key = serialization.load_pem_private_key(ca_key_pem, None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lhbad")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .sign(ca_key, hashes.SHA256()))
    return ca, key, cert


def pkcs12_truststore(password):
    return pkcs12.serialize_java_truststore([pkcs12.PKCS12Certificate(client_pair()[0], b"kafka-ca")],
                                            serialization.BestAvailableEncryption(password))


def pkcs12_keystore(password):
    ca, key, cert = client_pair()
    return pkcs12.serialize_key_and_certificates(b"lhbad", key, cert, [ca],
                                                 serialization.BestAvailableEncryption(password))


def jks_truststore(password):
    """A JKS file as keytool writes it (magic 0xFEEDFEED, version 2): one trusted certificate entry, then the SHA-1 of
    the password (UTF-16BE), 'Mighty Aphrodite' and the entries."""
    der = client_pair()[0].public_bytes(serialization.Encoding.DER)
    alias, kind = b"kafka-ca", b"X.509"
    body = (b"\xfe\xed\xfe\xed" + struct.pack(">II", 2, 1) + struct.pack(">I", 2)
            + struct.pack(">H", len(alias)) + alias + struct.pack(">Q", 0)
            + struct.pack(">H", len(kind)) + kind + struct.pack(">I", len(der)) + der)
    return body + hashlib.sha1(password.decode("ascii").encode("utf-16-be") + b"Mighty Aphrodite" + body).digest()


def external_kafka_stores(truststore=None, keystore=None, keystore_password_file=None):
    """The baseline on an external Kafka (no kafka group) over SSL with the stores truststore.p12 and keystore.p12 in
    the test's folder: truststore and keystore, functions of the password (b'lhbad-store-pw') that make the content,
    None for no such store. The truststore's password is a variable, the keystore's one a file whose content is
    keystore_password_file (the right password by default); a JKS truststore is truststore.jks. ctx gets <truststore>
    and <keystore>, the paths, and <folder>."""
    def build(ctx):
        folder = ctx["folder"] = os.path.dirname(ctx["inventory"])
        variables = dict(EXTERNAL_KAFKA)
        for kind, make in (("truststore", truststore), ("keystore", keystore)):
            if make is None:
                continue
            ctx[kind] = os.path.join(folder, kind + (".jks" if make is jks_truststore else ".p12"))
            with open(ctx[kind], "wb") as handle:
                handle.write(make(b"lhbad-store-pw"))
            variables["littlehorse_kafka_%s_file" % kind] = ctx[kind]
        if truststore:
            variables["littlehorse_kafka_truststore_password"] = "lhbad-store-pw"
        if keystore:
            variables["littlehorse_kafka_keystore_password_file"] = os.path.join(folder, "keystore.password")
            with open(variables["littlehorse_kafka_keystore_password_file"], "w") as handle:
                handle.write((keystore_password_file or "lhbad-store-pw") + "\n")
        return edit(baseline(), variables, groups={"kafka": None})
    return build


# A file that is there on every controller, for the plan's check of kafka_jmx_exporter_jar (it reads no content).
JMX_JAR = os.path.join(ROOT, "LICENSE")


def watched(**variables):
    """The baseline with a Prometheus on its host (group littlehorse_monitoring) and the JMX exporter's jar, and
    `variables`."""
    return lambda ctx: edit(baseline(), dict({"kafka_jmx_exporter_jar": JMX_JAR}, **variables),
                            groups={"littlehorse_monitoring": [BASELINE_HOST]})


def base(**variables):
    return lambda ctx: edit(baseline(), variables)


def base_host(**values):
    return lambda ctx: edit(baseline(), hosts={BASELINE_HOST: values})


# A fake engine's ports are tested with a bind on this machine, where the baseline holds the 35xxx ports: the
# inventories on fake engines plan 37xxx instead.
FAKE_PORTS = {"littlehorse_public_port_base": PUBLIC + 2000, "littlehorse_internal_port_base": INTERNAL + 2000,
              "littlehorse_health_port_base": HEALTH + 2000, "littlehorse_kafka_port": KAFKA + 2000,
              "littlehorse_kafka_controller_port": CONTROLLER + 2000}


def fake_host(ctx, inventory, host, name, **options):
    """Point `host` at a fake engine of its own (build/badinput/fake-<name>.sock), on ports 37xxx."""
    inventory.vars.update(FAKE_PORTS)
    inventory.host(host)["littlehorse_docker_host"] = ctx["fakes"].start(name, **options).url
    return inventory


def on_fakes(ctx, inventory, **options):
    """Every host of the inventory on a fake engine of its own."""
    for host in sorted(inventory.hosts):
        fake_host(ctx, inventory, host, host, **options)
    return inventory


def at_home(ctx, inventory, *hosts):
    """Put `hosts` at the test bed's address of this machine (<home>, conftest's `testnet`), where the preflight dials
    them and binds their ports without a packet leaving the machine."""
    for host in hosts:
        inventory.host(host)["ansible_host"] = ctx["testnet"]["home"]
    return inventory


def third_server(ctx):
    """The baseline with a third server: its public port 35043 and health port 35842 are new."""
    return edit(baseline(), {"littlehorse_server_count": 3})


# ---------------------------------------------------------------------------------------------------------------
# The cases. expect: sentences that must appear in the failure messages, exactly as the code words them;
# <inventory>, <machine>, <build> and the values of the fixtures in `uses` (<nosdk_python> ...) are filled in.

CASES = [
    # ---- the inventory's shape
    Case("no-host-in-any-group", "inventory: no host in the collection's groups",
         lambda ctx: edit(baseline(), groups={"kafka": None, "littlehorse_servers": None,
                                              "littlehorse_server": [BASELINE_HOST]}),
         ["No host of the inventory (<inventory>) is in the groups kafka, littlehorse_servers, littlehorse_dashboard "
          "or littlehorse_load_balancer (its groups: littlehorse_server), so nothing would be deployed. Put the hosts "
          "in these groups (see inventories/multi-host.example), or pass the right inventory with -i."], tier=E2E),
    Case("no-server-host", "inventory: empty littlehorse_servers",
         lambda ctx: edit(baseline(), groups={"littlehorse_servers": None}),
         ["inventory: group 'littlehorse_servers' has no host; add the hosts that run LittleHorse servers"], tier=PLAN),
    Case("no-kafka-and-no-bootstrap", "inventory: no Kafka",
         lambda ctx: edit(baseline(), groups={"kafka": None}),
         ["inventory: no host in group 'kafka' and no littlehorse_kafka_bootstrap_servers; add a host to 'kafka' or "
          "point littlehorse_kafka_bootstrap_servers at an existing Kafka"], tier=PLAN),
    Case("bootstrap-servers-and-kafka-group", "inventory: external and own Kafka",
         base(littlehorse_kafka_bootstrap_servers="kafka.example:9092"),
         ["littlehorse_kafka_bootstrap_servers is set and group 'kafka' has hosts (lhbad1); use one or the other"],
         tier=PLAN),
    Case("dashboard-on-two-hosts", "inventory: two dashboards",
         lambda ctx: edit(multi(3), groups={"littlehorse_dashboard": ["lhbad1", "lhbad2"]}),
         ["inventory: group 'littlehorse_dashboard' has 2 hosts (lhbad1, lhbad2); the dashboard runs on one host"],
         tier=PLAN),
    Case("dashboard-without-login-on-a-public-address", "dashboard: no login, public bind address",
         dashboard_on_lhbad1(littlehorse_bind_address="203.0.113.1"),
         ["host lhbad1: the dashboard uses listener PLAIN (authentication NONE), so it has no login and anyone who "
          "reaches it can run workflows, and littlehorse_bind_address 203.0.113.1 would publish it there; put the "
          "dashboard on an OAUTH listener (littlehorse_dashboard_listener, with its littlehorse_dashboard_oauth_* "
          "settings), or set littlehorse_dashboard_allow_unauthenticated: true on lhbad1 to publish it on 203.0.113.1 "
          "without a login"], tier=PLAN),
    Case("dashboard-without-login-on-a-remote-engine", "dashboard: no login, engine reached from elsewhere",
         dashboard_on_lhbad1(littlehorse_docker_host="tcp://203.0.113.1:2376"),
         ["host lhbad1: the dashboard uses listener PLAIN (authentication NONE), so it has no login and is published "
          "on 127.0.0.1 only, but littlehorse_docker_host has the collection reach this host's engine from elsewhere, "
          "where that address is not this host and the dashboard cannot be checked; put the dashboard on an OAUTH "
          "listener (littlehorse_dashboard_listener), or set littlehorse_dashboard_allow_unauthenticated: true on "
          "lhbad1 to publish it on 0.0.0.0 without a login"], tier=PLAN),
    Case("dashboard-allow-unauthenticated-not-a-boolean", "dashboard: flag not a boolean",
         dashboard_on_lhbad1(littlehorse_dashboard_allow_unauthenticated="sometimes"),
         ["host lhbad1: littlehorse_dashboard_allow_unauthenticated must be true or false (it is 'sometimes')"],
         tier=PLAN),
    Case("load-balancer-on-two-hosts", "inventory: two load balancers",
         lambda ctx: edit(multi(3), {"littlehorse_load_balancer_port": 35000},
                          groups={"littlehorse_load_balancer": ["lhbad2", "lhbad3"]}),
         ["inventory: group 'littlehorse_load_balancer' has 2 hosts (lhbad2, lhbad3); clients take one bootstrap "
          "address, so the load balancer runs on one host: keep one of them in the group"], tier=PLAN),

    # ---- names the collection does not know
    Case("misspelled-setting-with-suggestion", "misspelled littlehorse_* (suggestion)",
         base_host(littlehorse_sever_count=3),
         ["host lhbad1: littlehorse_sever_count is not a setting of littlehorse.cluster and would be ignored; did you "
          "mean littlehorse_server_count? fix its name or remove it (docs/docsite/rst/deploying.rst lists the settings)"], tier=WIRING),
    Case("unknown-setting-without-suggestion", "unknown littlehorse_* (no suggestion)",
         base(littlehorse_zzz=1),
         ["host lhbad1: littlehorse_zzz is not a setting of littlehorse.cluster and would be ignored; fix its name or "
          "remove it (docs/docsite/rst/deploying.rst lists the settings)"], tier=PLAN),

    # ---- listeners from the inventory (littlehorse_listeners)
    Case("listener-oauth-on-plain", "listeners: OAUTH on a PLAIN listener",
         base(littlehorse_listeners=[{"name": "PLAIN"},
                                     {"name": "OPEN", "protocol": "PLAIN", "authentication": "OAUTH", "port_offset": 2}]),
         ["host lhbad1: littlehorse_listeners[1] (OPEN): authentication OAUTH on protocol PLAIN would send every bearer "
          "token in clear text; set protocol: TLS (or MTLS) on this listener"], tier=PLAN),
    Case("listener-mtls-auth-on-tls", "listeners: MTLS authentication on a TLS listener",
         base(littlehorse_listeners=[{"name": "PLAIN"},
                                     {"name": "SECURE", "protocol": "TLS", "authentication": "MTLS", "port_offset": 2}]),
         ["host lhbad1: littlehorse_listeners[1] (SECURE): authentication MTLS needs protocol MTLS (it is TLS): only an "
          "MTLS listener asks clients for a certificate; set protocol: MTLS, or authentication: NONE"], tier=PLAN),

    # ---- Kafka's security (littlehorse_kafka_security_protocol and its SASL settings)
    Case("kafka-sasl-plaintext", "Kafka: SASL_PLAINTEXT",
         base(littlehorse_kafka_security_protocol="SASL_PLAINTEXT", littlehorse_kafka_sasl_password="lhbad-pw"),
         ["host lhbad1: littlehorse_kafka_security_protocol SASL_PLAINTEXT is not supported by the LittleHorse server "
          "(it connects to Kafka with PLAINTEXT, SSL or SASL_SSL only), and it would send the SASL password in clear "
          "text; set it to SASL_SSL"], tier=PLAN),
    Case("kafka-sasl-password-twice", "Kafka: the SASL password both inline and as a file",
         base(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password="lhbad-pw",
              littlehorse_kafka_sasl_password_file="/etc/hostname"),
         ["host lhbad1: littlehorse_kafka_sasl_password and littlehorse_kafka_sasl_password_file are both set; give the "
          "password of littlehorse_kafka_sasl_username one way only - the Ansible Vault variable "
          "littlehorse_kafka_sasl_password or the file on the controller littlehorse_kafka_sasl_password_file - and "
          "remove the other"], tier=PLAN),
    Case("kafka-sasl-without-password", "Kafka: SASL_SSL without a password",
         base(littlehorse_kafka_security_protocol="SASL_SSL"),
         ["host lhbad1: littlehorse_kafka_security_protocol SASL_SSL needs the password of littlehorse_kafka_sasl_username, "
          "and neither littlehorse_kafka_sasl_password nor littlehorse_kafka_sasl_password_file is set; set "
          "littlehorse_kafka_sasl_password (an Ansible Vault variable) or littlehorse_kafka_sasl_password_file (a file "
          "on the controller that holds it) in group_vars/all"], tier=PLAN),
    Case("kafka-sasl-password-file-missing", "Kafka: the SASL password file is not there (preflight)",
         kafka_password_file_missing,
         ["host lhbad1: littlehorse_kafka_sasl_password_file '<secret_file>' is not a file on the controller; put the "
          "password of littlehorse_kafka_sasl_username in that file (alone), or give it as "
          "littlehorse_kafka_sasl_password (an Ansible Vault variable) instead"], tier=E2E),
    Case("external-kafka-sasl-password-unquotable", "Kafka: an external Kafka's SASL password the JAAS login cannot hold",
         external_kafka(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password='lhbad"pw;x'),
         ["host lhbad1: littlehorse_kafka_sasl_password: " + JAAS_REFUSED + "choose a password without them for "
          "littlehorse_kafka_sasl_username (on an external Kafka, change it there too)"], tier=PLAN),
    Case("kafka-sasl-password-unquotable", "Kafka: the own Kafka's SASL password the JAAS login cannot hold",
         base(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password="lhbad\\pw"),
         ["host lhbad1: littlehorse_kafka_sasl_password: " + JAAS_REFUSED + "choose a password without them"],
         tier=PLAN),
    Case("external-kafka-sasl-username-unquotable", "Kafka: an external Kafka's SASL user name the JAAS login cannot hold",
         external_kafka(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_username='lh"bad',
                        littlehorse_kafka_sasl_password="lhbad-pw"),
         ["host lhbad1: littlehorse_kafka_sasl_username 'lh\"bad' must be set and hold only letters, digits and '.', "
          "'_', '@', '-'; fix the user name"], tier=PLAN),
    Case("kafka-sasl-password-file-unquotable", "Kafka: the SASL password in its file the JAAS login cannot hold "
                                                "(preflight, on the controller)",
         kafka_password_file_unquotable,
         ["host lhbad1: littlehorse_kafka_sasl_password_file '<secret_file>': " + JAAS_REFUSED + "choose a password "
          "without them for littlehorse_kafka_sasl_username and put it in that file alone (on an external Kafka, "
          "change it there too)"], tier=E2E),
    Case("kafka-sasl-mechanism-unknown", "Kafka: a SASL mechanism Kafka's nodes and the servers do not share",
         base(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_mechanism="GSSAPI",
              littlehorse_kafka_sasl_password="lhbad-pw"),
         ["host lhbad1: littlehorse_kafka_sasl_mechanism 'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; "
          "set one of them"], tier=PLAN),

    # ---- an external Kafka's stores: refused with the collection's own Kafka by the plan; opened with their passwords on
    # the controller by the preflight
    Case("kafka-stores-with-own-kafka", "Kafka: the user's stores with the collection's own Kafka nodes",
         base(littlehorse_kafka_security_protocol="SSL", littlehorse_kafka_truststore_file="/etc/lhbad/truststore.p12",
              littlehorse_kafka_truststore_password="lhbad-store-pw"),
         ["host lhbad1: littlehorse_kafka_truststore_file is for an external Kafka (littlehorse_kafka_bootstrap_servers); "
          "the collection's Kafka nodes (group 'kafka') are reached with the cluster's CA, whose stores the collection "
          "makes itself; remove littlehorse_kafka_truststore_file, littlehorse_kafka_truststore_password"], tier=PLAN),
    Case("external-kafka-store-jks", "Kafka: a JKS store for the external Kafka (preflight)",
         external_kafka_stores(truststore=jks_truststore),
         ["host lhbad1: littlehorse_kafka_truststore_file: <truststore> is a JKS keystore, and the LittleHorse server "
          "reads PKCS12 stores only; convert it with 'keytool -importkeystore -srckeystore <truststore> -srcstoretype "
          "JKS -destkeystore <folder>/truststore.p12 -deststoretype PKCS12' and set littlehorse_kafka_truststore_file "
          "to <folder>/truststore.p12"], tier=E2E),
    Case("external-kafka-store-wrong-password", "Kafka: a store's password file holds another password (preflight)",
         external_kafka_stores(truststore=pkcs12_truststore, keystore=pkcs12_keystore,
                               keystore_password_file="lhbad-not-the-password"),
         ["host lhbad1: littlehorse_kafka_keystore_file: <keystore> does not open with the password given in "
          "littlehorse_kafka_keystore_password (or littlehorse_kafka_keystore_password_file): the password is wrong or "
          "the store is damaged; give the store's password"], tier=E2E),
    Case("external-kafka-keystore-without-key", "Kafka: a keystore that holds no private key (preflight)",
         external_kafka_stores(keystore=pkcs12_truststore),
         ["host lhbad1: littlehorse_kafka_keystore_file: <keystore> holds no private key with its certificate, which the "
          "servers present to Kafka for mutual TLS; make a keystore of the client's key and certificate ('openssl "
          "pkcs12 -export -in client.crt -inkey client.key -certfile ca.crt -out client-keystore.p12') and set "
          "littlehorse_kafka_keystore_file to it"], tier=E2E),

    # ---- OAuth (an OAUTH listener): the plan refuses missing settings and a secret given twice; the preflight a secret
    # file that is not there
    Case("listener-oauth-without-introspection", "OAuth: an OAUTH listener without the servers' introspection",
         base(littlehorse_listeners=OAUTH_LISTENERS, littlehorse_oauth_client_secret="lhbad-introspect-secret",
              littlehorse_oauth_worker_client_secret="lhbad-worker-secret", **OAUTH_CLIENTS),
         ["host lhbad1: littlehorse_listeners[1] (SECURE): authentication OAUTH needs littlehorse_oauth_introspect_url, "
          "which is not set; set it in group_vars/all to the identity provider's token introspection endpoint (RFC "
          "7662) that the servers call, e.g. https://idp.example.com/realms/lh/protocol/openid-connect/token/"
          "introspect"], tier=PLAN),
    Case("oauth-client-secret-inline-and-as-a-file", "OAuth: the servers' client secret given twice",
         base(littlehorse_listeners=OAUTH_LISTENERS, littlehorse_oauth_client_secret="lhbad-introspect-secret",
              littlehorse_oauth_client_secret_file="/etc/lhbad/introspect-secret",
              littlehorse_oauth_worker_client_secret="lhbad-worker-secret", **dict(OAUTH_SERVERS, **OAUTH_CLIENTS)),
         ["host lhbad1: littlehorse_oauth_client_secret and littlehorse_oauth_client_secret_file are both set; give the "
          "secret of the servers' introspection client one way only - the Ansible Vault variable "
          "littlehorse_oauth_client_secret or the file on the controller littlehorse_oauth_client_secret_file - and "
          "remove the other"], tier=PLAN),
    Case("oauth-worker-secret-file-missing", "OAuth: the workers' secret file is not there (preflight)",
         oauth_secret_file_missing,
         ["host lhbad1: littlehorse_oauth_worker_client_secret_file '<secret_file>' is not a file on the controller; "
          "put the secret of the OAuth client of the workers in that file (alone), or give it as "
          "littlehorse_oauth_worker_client_secret (an Ansible Vault variable) instead"], tier=E2E),

    # ---- the dashboard follows its listener (littlehorse_dashboard_listener): an unknown one, and on an OAUTH listener
    # its OAuth settings - missing, contradictory, a secret given twice (the plan), a secret file not there (preflight)
    Case("dashboard-listener-unknown", "dashboard: a listener that does not exist",
         lambda ctx: edit(baseline(), {"littlehorse_dashboard_listener": "SECURE", "littlehorse_dashboard_port": 35080},
                          groups={"littlehorse_dashboard": [BASELINE_HOST]}),
         ["host lhbad1: littlehorse_dashboard_listener 'SECURE' is not a listener of littlehorse_listeners (PLAIN); "
          "name one of them"], tier=PLAN),
    Case("dashboard-oauth-without-issuer", "dashboard: an OAUTH listener without the issuer",
         dashboard_oauth(drop=("littlehorse_dashboard_oauth_issuer_uri",)),
         ["host lhbad1: the dashboard's listener SECURE (littlehorse_dashboard_listener): authentication OAUTH needs "
          "littlehorse_dashboard_oauth_issuer_uri, which is not set; set it to the identity provider's issuer URI as "
          "the dashboard reaches it (LHD_OAUTH_ISSUER_URI), e.g. https://idp.example.com/realms/lh"], tier=PLAN),
    Case("dashboard-oauth-on-a-plain-listener", "dashboard: OAuth settings its listener would not use",
         dashboard_oauth(littlehorse_dashboard_listener="PLAIN"),
         ["host lhbad1: littlehorse_dashboard_oauth_client_id, littlehorse_dashboard_oauth_issuer_uri, "
          "littlehorse_dashboard_oauth_callback_url, littlehorse_dashboard_oauth_client_secret, "
          "littlehorse_dashboard_oauth_encrypt_secret are set, but the dashboard's listener PLAIN "
          "(littlehorse_dashboard_listener) has authentication NONE, so the dashboard would not use them; remove them, "
          "or set littlehorse_dashboard_listener to an OAUTH listener"], tier=PLAN),
    Case("dashboard-oauth-client-secret-twice", "dashboard: its client secret given twice",
         dashboard_oauth(littlehorse_dashboard_oauth_client_secret_file="/etc/lhbad/dashboard-secret"),
         ["host lhbad1: littlehorse_dashboard_oauth_client_secret and littlehorse_dashboard_oauth_client_secret_file "
          "are both set; give the secret of the dashboard's OAuth client one way only - the Ansible Vault variable "
          "littlehorse_dashboard_oauth_client_secret or the file on the controller "
          "littlehorse_dashboard_oauth_client_secret_file - and remove the other"], tier=PLAN),
    Case("dashboard-oauth-encrypt-secret-file-missing", "dashboard: its cookie key file is not there (preflight)",
         dashboard_secret_file_missing,
         ["host lhbad1: littlehorse_dashboard_oauth_encrypt_secret_file '<secret_file>' is not a file on the "
          "controller; put the key the dashboard encrypts its session cookies with in that file (alone), or give it as "
          "littlehorse_dashboard_oauth_encrypt_secret (an Ansible Vault variable) instead"], tier=E2E),

    # ---- the user's CA (littlehorse_ca_cert_file, littlehorse_ca_key_file): read on the controller by the preflight,
    # before Kafka or anything changes (lh_pki signs the servers' certificates with it only in the server role)
    Case("user-ca-files-cannot-be-read", "user's CA: a file that does not exist, a folder",
         users_ca(cert_path=lambda folder: os.path.join(folder, "nowhere.crt"), key_path=lambda folder: folder),
         ["host lhbad1: littlehorse_ca_cert_file: <ca_cert> cannot be read on the controller (No such file or "
          "directory); give the path, on the controller (where ansible-playbook runs), of your CA's certificate (PEM), "
          "readable by the user that runs ansible-playbook",
          "host lhbad1: littlehorse_ca_key_file: <ca_key> cannot be read on the controller (Is a directory); give the "
          "path, on the controller (where ansible-playbook runs), of the private key of your CA's certificate "
          "(unencrypted PEM), readable by the user that runs ansible-playbook"], tier=E2E),
    Case("user-ca-files-not-pem", "user's CA: neither file is PEM",
         users_ca(b"not a certificate\n", b"not a key\n"),
         ["host lhbad1: littlehorse_ca_cert_file: <ca_cert> is not a PEM certificate; give your CA's certificate in "
          "PEM, the text that starts with -----BEGIN CERTIFICATE----- (convert a DER file with 'openssl x509 -inform "
          "der -in ca.der -out ca.crt')",
          "host lhbad1: littlehorse_ca_key_file: <ca_key> is not a PEM private key; give the private key of your CA's "
          "certificate in PEM, unencrypted (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)"],
         tier=E2E),
    Case("user-ca-key-encrypted", "user's CA: a key with a passphrase",
         users_ca(pair=lambda: ca_pair(password=b"secret")),
         ["host lhbad1: littlehorse_ca_key_file: <ca_key> is an encrypted private key (it has a passphrase), and the "
          "collection signs with an unencrypted key only; write an unencrypted copy ('openssl pkey -in <ca_key> -out "
          "ca-plain.key', mode 0600) and set littlehorse_ca_key_file to it"], tier=E2E),
    Case("user-ca-key-of-another-certificate", "user's CA: the key is another certificate's",
         users_ca(pair=lambda: (ca_pair()[0], ca_pair()[1])),
         ["host lhbad1: littlehorse_ca_key_file: <ca_key> is not the key of the CA certificate <ca_cert> "
          "(littlehorse_ca_cert_file): their public keys differ; give the private key that belongs to that "
          "certificate"], tier=E2E),
    Case("user-ca-not-a-ca", "user's CA: basicConstraints CA:FALSE",
         users_ca(pair=lambda: ca_pair(ca=False)),
         ["host lhbad1: littlehorse_ca_cert_file: <ca_cert> is not a CA certificate (its basicConstraints say "
          "CA:FALSE), so the certificates it signs would not be trusted; give a CA certificate (basicConstraints "
          "critical, CA:TRUE) and its key, " + CA_FIX_BOTH], tier=E2E),
    Case("user-ca-expired", "user's CA: its validity ended",
         users_ca(pair=lambda: ca_pair(not_after=CA_EXPIRED_ON)),
         ["host lhbad1: littlehorse_ca_cert_file: <ca_cert> expired on 2025-01-01T00:00:00+00:00 (its validity "
          "ended), so the certificates it signs would not be trusted; renew your CA and give the new certificate and "
          "key, " + CA_FIX_BOTH], tier=E2E),

    # ---- the servers' certificate the user gives: the plan's refusals, then the preflight reads the files on the
    # controller, before anything changes (lh_pki copies it for the servers only in the server role)
    Case("user-server-cert-without-its-key", "user's server certificate: the key file is not set",
         lambda ctx: edit(baseline(), {"littlehorse_listeners": TLS_LISTENERS},
                          hosts={BASELINE_HOST: {"littlehorse_server_cert_file": "/srv/lhbad.crt"}}),
         ["host lhbad1: littlehorse_server_cert_file and littlehorse_server_key_file: give both (this host's servers' "
          "certificate and its key, PEM files on the controller) or neither (the collection issues their "
          "certificates)"], tier=PLAN),
    Case("user-server-cert-without-a-ca", "user's server certificate: no littlehorse_ca_cert_file",
         lambda ctx: edit(baseline(), {"littlehorse_listeners": TLS_LISTENERS},
                          hosts={BASELINE_HOST: {"littlehorse_server_cert_file": "/srv/lhbad.crt",
                                                 "littlehorse_server_key_file": "/srv/lhbad.key"}}),
         ["host lhbad1: littlehorse_server_cert_file needs littlehorse_ca_cert_file, the CA that signed it (the servers "
          "and clients trust it); set littlehorse_ca_cert_file in group_vars/all (and littlehorse_ca_key_file when the "
          "collection issues the other certificates)"], tier=PLAN),
    Case("user-server-cert-serves-nowhere", "user's server certificate: no TLS listener, no internal mTLS",
         lambda ctx: edit(baseline(), {"littlehorse_ca_cert_file": "/srv/ca.crt"},
                          hosts={BASELINE_HOST: {"littlehorse_server_cert_file": "/srv/lhbad.crt",
                                                 "littlehorse_server_key_file": "/srv/lhbad.key"}}),
         ["host lhbad1: littlehorse_server_cert_file is set, but no listener of littlehorse_listeners is TLS or MTLS "
          "and the internal port is not mutual TLS, so the servers would serve it nowhere; unset "
          "littlehorse_server_cert_file and littlehorse_server_key_file, or add a TLS or MTLS listener (or set "
          "littlehorse_internal_tls: true)"], tier=PLAN),
    Case("user-ca-key-needed", "user's CA without its key, with certificates to issue",
         base(littlehorse_listeners=TLS_LISTENERS, littlehorse_ca_cert_file="/srv/ca.crt"),
         ["host lhbad1: littlehorse_ca_key_file is not set, but the collection must sign certificates with your CA "
          "(littlehorse_ca_cert_file): the server lhbad-server-1 on lhbad1 (no littlehorse_server_cert_file there), the "
          "server lhbad-server-2 on lhbad1 (no littlehorse_server_cert_file there); set littlehorse_ca_key_file to "
          "your CA's private key, or give each of those servers' hosts littlehorse_server_cert_file and "
          "littlehorse_server_key_file"], tier=PLAN),
    Case("user-server-cert-missing", "user's server certificate: no such file, a key that is not PEM",
         users_server_cert(lambda ca, ca_key: (None, b"not a key\n")),
         ["host lhbad1: littlehorse_server_cert_file: <server_cert> cannot be read on the controller (No such file or "
          "directory); give the path, on the controller (where ansible-playbook runs), of the servers' certificate "
          "(PEM), signed by your CA, readable by the user that runs ansible-playbook",
          "host lhbad1: littlehorse_server_key_file: <server_key> is not a PEM private key; give the private key of "
          "the servers' certificate in PEM, unencrypted (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE "
          "KEY-----)"], tier=E2E),
    Case("user-server-key-of-another-certificate", "user's server certificate: the key is another one's",
         users_server_cert(another_key),
         ["host lhbad1: littlehorse_server_key_file: <server_key> is not the key of the certificate <server_cert> "
          "(littlehorse_server_cert_file): their public keys differ; give the private key that belongs to that "
          "certificate"], tier=E2E),
    Case("user-server-cert-misses-the-advertised-host", "user's server certificate: its SANs miss 127.0.0.1",
         users_server_cert(lambda ca, ca_key: server_pair(ca, ca_key, names=[x509.DNSName("lhbad.example.com")])),
         ["host lhbad1: littlehorse_server_cert_file: <server_cert> does not cover 127.0.0.1 (the advertised host of "
          "lhbad-server-1's listener SECURE; the advertised host of lhbad-server-2's listener SECURE): its subject "
          "alternative names are DNS:lhbad.example.com; issue it again with every name and address its servers are "
          "reached at as subject alternative names (IP:127.0.0.1), " + SERVER_FIX], tier=E2E),
    Case("user-server-cert-of-another-ca", "user's server certificate: another CA signed it, its key is encrypted",
         users_server_cert(another_ca),
         ["host lhbad1: littlehorse_server_cert_file: <server_cert> is not signed by the cluster's CA (CN=lhbad test "
          "CA): its issuer is CN=lhbad other CA; the servers and clients trust that CA alone, so give a certificate that "
          "CA signed directly (no intermediate), " + SERVER_FIX,
          "host lhbad1: littlehorse_server_key_file: <server_key> is an encrypted private key (it has a passphrase), "
          "and the LittleHorse server reads an unencrypted key only; write an unencrypted copy ('openssl pkey -in "
          "<server_key> -out server-plain.key', mode 0600) and set littlehorse_server_key_file to it"], tier=E2E),
    Case("user-server-cert-expired-client-only", "user's server certificate: expired, for clients only",
         users_server_cert(lambda ca, ca_key: server_pair(ca, ca_key, usages=[ExtendedKeyUsageOID.CLIENT_AUTH],
                                                          not_after=CA_EXPIRED_ON)),
         ["host lhbad1: littlehorse_server_cert_file: <server_cert> expired on 2025-01-01T00:00:00+00:00 (its validity "
          "ended); renew it and give the new certificate and key, " + SERVER_FIX,
          "host lhbad1: littlehorse_server_cert_file: <server_cert> has an extendedKeyUsage without serverAuth (its TLS "
          "listeners and internal port serve it); issue it again with serverAuth, or with no extendedKeyUsage "
          "extension at all, " + SERVER_FIX], tier=E2E),

    # ---- cluster-wide settings and values of the wrong type
    Case("cluster-setting-differs-between-hosts", "cluster-wide setting differs",
         lambda ctx: edit(multi(3), hosts={"lhbad2": {"littlehorse_partitions": 12}}),
         ["littlehorse_partitions differs between hosts (6 on lhbad1, 12 on lhbad2); it describes the whole cluster: "
          "set it once in group_vars/all"], tier=PLAN),
    Case("number-as-text-that-differs", "numbers as text vs numbers",
         lambda ctx: edit(multi(3), hosts={"lhbad3": {"littlehorse_standby_replicas": "2"}}),
         ["littlehorse_standby_replicas differs between hosts (1 on lhbad1, '2' on lhbad3); it describes the whole "
          "cluster: set it once in group_vars/all"], tier=PLAN),
    Case("text-where-a-number-is-expected", "not a number",
         base(littlehorse_server_count="two"),
         ["host lhbad1: littlehorse_server_count " + WHOLE % "'two'"], tier=PLAN),
    Case("text-where-true-or-false-is-expected", "not a boolean",
         base(littlehorse_single_engine="maybe"),
         ["host lhbad1: littlehorse_single_engine must be true or false (it is 'maybe')"], tier=PLAN),
    Case("prefix-with-capitals", "bad prefix",
         base(littlehorse_prefix="LHbad"),
         ["littlehorse_prefix: 'LHbad' must start with a lower-case letter or digit and hold only a-z, 0-9, '_', "
          "'.', '-' (it names containers, volumes and the network)"], tier=PLAN),
    Case("single-engine-over-several-hosts", "single engine on many hosts",
         lambda ctx: edit(multi(3), {"littlehorse_single_engine": True}),
         ["littlehorse_single_engine is true but the cluster spans 3 hosts (lhbad1, lhbad2, lhbad3); set it false "
          "(each host then publishes and advertises its own address) or put everything on one host"], tier=PLAN),
    Case("partitions-zero", "out of range",
         base(littlehorse_partitions=0),
         ["host lhbad1: littlehorse_partitions = 0 is outside 1-10000; choose a value in that range"], tier=PLAN),
    Case("standby-replicas-above-the-servers", "standby replicas vs servers",
         base(littlehorse_standby_replicas=2),
         ["littlehorse_standby_replicas: 2 standby replicas need at least 3 servers (there are 2); lower it or add "
          "servers"], tier=PLAN),
    Case("replication-above-the-brokers", "replication factor vs brokers",
         base(littlehorse_replication_factor=3),
         ["littlehorse_replication_factor: 3 but only 1 Kafka broker(s) in group 'kafka'; lower it or add brokers"],
         tier=PLAN),

    Case("server-image-differs-between-hosts", "role setting differs across hosts (server_*)",
         lambda ctx: edit(multi(3), hosts={"lhbad2": {"server_image": "lh-testbed/lh-server:1.2.0"}}),
         ["server_image differs between the hosts of group 'littlehorse_servers' ('%s' on lhbad1, "
          "'lh-testbed/lh-server:1.2.0' on lhbad2); " % SERVER_IMAGE + ROLE_WIDE_FIX % "littlehorse_servers"],
         tier=PLAN),
    Case("server-image-empty", "image: not a reference",
         base(server_image=""),
         ["host lhbad1: server_image '' is not a valid image reference (" + REFERENCE_GRAMMAR + "); set server_image "
          "to an image such as ghcr.io/littlehorse-enterprises/littlehorse/lh-server:1.2.1"], tier=PLAN),
    Case("kafka-image-upper-case", "image: not a reference",
         base(kafka_image="apache/Kafka:4.1.1"),
         ["host lhbad1: kafka_image 'apache/Kafka:4.1.1' is not a valid image reference (" + REFERENCE_GRAMMAR + "); "
          "set kafka_image to an image such as"], tier=PLAN),
    Case("load-balancer-image-bad-tag", "image: not a reference",
         lambda ctx: edit(baseline(), {"littlehorse_load_balancer_port": 35070, "load_balancer_image": "haproxy:3.0 "},
                          groups={"littlehorse_load_balancer": [BASELINE_HOST]}),
         ["host lhbad1: load_balancer_image 'haproxy:3.0 ' is not a valid image reference"], tier=PLAN),
    Case("server-image-master", "image: floating tag",
         base(server_image="ghcr.io/littlehorse-enterprises/littlehorse/lh-server:master"),
         ["host lhbad1: server_image 'ghcr.io/littlehorse-enterprises/littlehorse/lh-server:master' has the floating "
          "tag 'master', which moves to another build without notice", FLOATING_FIX
          % "ghcr.io/littlehorse-enterprises/littlehorse/lh-server"], tier=PLAN),
    Case("server-image-without-tag", "image: floating tag",
         lambda ctx: edit(multi(3), {"server_image": "registry.example.com:5000/lh-server"}),
         ["host lhbad1: server_image 'registry.example.com:5000/lh-server' has no tag (Docker takes 'latest')",
          FLOATING_FIX % "registry.example.com:5000/lh-server"], tier=PLAN),
    Case("dashboard-image-latest", "image: floating tag",
         lambda ctx: edit(baseline(), {"littlehorse_dashboard_port": 35080,
                                       "dashboard_image": "ghcr.io/littlehorse-enterprises/littlehorse/lh-dashboard"
                                                          ":latest"},
                          groups={"littlehorse_dashboard": [BASELINE_HOST]}),
         ["host lhbad1: dashboard_image 'ghcr.io/littlehorse-enterprises/littlehorse/lh-dashboard:latest' has the "
          "floating tag 'latest'", FLOATING_FIX % "ghcr.io/littlehorse-enterprises/littlehorse/lh-dashboard"],
         tier=PLAN),
    Case("server-argument-of-the-wrong-type", "role argument spec (first play)",
         base(server_stop_timeout="soon"),
         ["argument 'server_stop_timeout' is of type str and we were unable to convert to int: \"'soon'\" cannot be "
          "converted to an int"], tier=WIRING),
    # ---- the pki role's settings (each component's certificates), checked in the first play when TLS is on
    Case("pki-argument-of-the-wrong-type", "role argument spec (first play, pki)",
         base(littlehorse_listeners=TLS_LISTENERS, pki_server_validity_days="a year"),
         ["argument 'pki_server_validity_days' is of type str and we were unable to convert to int: \"'a year'\" "
          "cannot be converted to an int"], tier=PLAN),
    Case("pki-renewal-not-below-validity", "certificates: renewed on every run (first play, pki)",
         base(littlehorse_listeners=TLS_LISTENERS, pki_client_validity_days=10),
         ["host lhbad1: pki_client_renew_before_days must be 0 or more and below pki_client_validity_days (10), got "
          "30; set pki_client_validity_days to a number of days above 0 and pki_client_renew_before_days to fewer days "
          "than that (how long before expiry a certificate is issued again)"], tier=E2E),
    Case("client-config-argument-not-a-choice", "role argument spec (first play, last role)",
         base(client_config_protocol="SSL"),
         ["value of client_config_protocol must be one of: , PLAINTEXT, TLS, got: SSL"], tier=PLAN),
    Case("client-config-path-relative", "relative client file path",
         base(client_config_path="lhbad-client.properties"),
         ["host lhbad1: client_config_path 'lhbad-client.properties' is a relative path, which would be written "
          "relative to wherever ansible-playbook is started; give an absolute path (~ and $HOME are expanded), or "
          "leave it unset for ~/.config/littlehorse/lhbad-client.properties."], tier=E2E),

    # ---- Kafka
    Case("kafka-cluster-id-not-kraft", "bad KRaft cluster id",
         base(littlehorse_kafka_cluster_id="lhbad-kafka"),
         ["littlehorse_kafka_cluster_id: 'lhbad-kafka' is not a KRaft cluster id (22 characters of base64url, as "
          "'kafka-storage.sh random-uuid' prints)"], tier=PLAN),
    Case("even-kraft-quorum-of-2", "even KRaft quorum",
         lambda ctx: multi(2),
         ["inventory: group 'kafka' has 2 hosts (lhbad1, lhbad2), a KRaft quorum of an even size: it tolerates no "
          "more failures than 1 nodes (a majority of 2 is 2), so the extra node adds a machine that can fail and no "
          "safety; use 1 or 3 Kafka nodes, or set littlehorse_kafka_allow_even_quorum: true in group_vars/all to "
          "accept it"], tier=PLAN),
    Case("kafka-node-id-twice", "duplicate ids",
         lambda ctx: edit(multi(3), hosts={"lhbad3": {"littlehorse_kafka_node_id": 1}}),
         ["hosts lhbad1 and lhbad3: id 1 is given twice; pin littlehorse_kafka_node_id so that every id is unique"],
         tier=PLAN),
    Case("kafka-port-equals-controller-port", "port clash (Kafka)",
         base(littlehorse_kafka_controller_port=KAFKA),
         ["host lhbad1: littlehorse_kafka_port and littlehorse_kafka_controller_port are both 35092; give them "
          "different ports"], tier=PLAN),
    Case("kafka-external-port-on-several-hosts", "one-engine setting on many hosts",
         lambda ctx: edit(multi(3), hosts={"lhbad2": {"littlehorse_kafka_external_port": 35094}}),
         ["host lhbad2: littlehorse_kafka_external_port is for one-engine layouts (the broker port is published as it "
          "is on many hosts); remove it"], tier=PLAN),
    Case("bootstrap-entry-without-port", "external Kafka address",
         lambda ctx: edit(baseline(), {"littlehorse_kafka_bootstrap_servers": "kafka1"}, groups={"kafka": None}),
         ["host lhbad1: littlehorse_kafka_bootstrap_servers entry 'kafka1' is not host:port; " + BOOTSTRAP_FIX],
         tier=PLAN),
    Case("bootstrap-entry-on-loopback-across-hosts", "loopback across hosts (external Kafka)",
         lambda ctx: edit(multi(3), {"littlehorse_kafka_bootstrap_servers": "203.0.113.10:9092,127.0.0.1:9092"},
                          groups={"kafka": None}),
         ["host lhbad1: littlehorse_kafka_bootstrap_servers entry '127.0.0.1:9092' is on loopback, which the servers "
          "on the other hosts cannot reach; give the brokers' addresses that every host reaches"], tier=PLAN),

    Case("external-kafka-on-loopback", "an external Kafka on loopback, which the servers' containers do not reach",
         external_kafka(littlehorse_kafka_bootstrap_servers="127.0.0.1:%d" % KAFKA),
         ["host lhbad1: littlehorse_kafka_bootstrap_servers entry '127.0.0.1:%d' " % KAFKA + LOOPBACK_FIX],
         tier=PLAN),
    Case("external-kafka-on-localhost", "an external Kafka at localhost, which the servers' containers do not reach",
         external_kafka(littlehorse_kafka_bootstrap_servers="kafka.example:9093,localhost:%d" % KAFKA),
         ["host lhbad1: littlehorse_kafka_bootstrap_servers entry 'localhost:%d' " % KAFKA + LOOPBACK_FIX],
         tier=PLAN),

    # ---- server_env: lh_server's own rule, for every server host in the first play (not after Kafka was created)
    Case("server-env-typed-option", "server_env: a variable a typed option of lh_server sets",
         base(server_env={"LHS_STREAMS_SESSION_TIMEOUT": "30000"}),
         ["host lhbad1: server_env has 'LHS_STREAMS_SESSION_TIMEOUT', which lh_server sets itself from its option "
          "session_timeout_ms (the collection fills it in from the inventory); remove it from server_env and set it "
          "through the littlehorse_* or server_* variable that README.md gives for it"], tier=PLAN),
    Case("server-env-secret", "server_env: a variable that looks like a secret",
         base_host(server_env={"LHS_KAFKA_SASL_JAAS_CONFIG": "lhbad"}),
         ["host lhbad1: server_env has 'LHS_KAFKA_SASL_JAAS_CONFIG', which looks like a secret and would show in docker "
          "inspect; remove it from server_env"], tier=PLAN),
    Case("server-env-not-lhs", "server_env: a variable the server does not read",
         base(server_env={"JAVA_OPTS": "-Xss1m"}),
         ["host lhbad1: server_env has 'JAVA_OPTS', which the server ignores (it reads only LHS_* variables); JVM flags "
          "go in server_java_opts, remove it from server_env"], tier=PLAN),

    # ---- kafka_properties: lh_kafka_node's own rule, for every planned node in the first play
    Case("kafka-properties-typed-option", "kafka_properties: a property a typed option of lh_kafka_node sets",
         base(kafka_properties={"log.retention.hours": 48, "log.dirs": "/tmp/kafka"}),
         ["host lhbad1: kafka_properties: 'log.dirs' is set by a typed option already; remove it from kafka_properties "
          "(the collection sets it from the inventory's littlehorse_kafka_* settings and the kafka role's variables)"],
         tier=PLAN),

    # ---- servers: ids, lists, ports
    Case("instance-ids-one-short", "list of the wrong length",
         base(littlehorse_server_instance_ids=[1]),
         ["host lhbad1: littlehorse_server_instance_ids must list one id per server (2), it is [1]"], tier=PLAN),
    Case("instance-ids-scalar", "scalar where a list is expected",
         base(littlehorse_server_instance_ids=1),
         ["host lhbad1: littlehorse_server_instance_ids must be a list (it is 1); write it as a YAML list, e.g. [1]"],
         tier=PLAN),
    Case("server-ports-scalar", "scalar where a list is expected",
         base(littlehorse_server_ports=PUBLIC),
         ["host lhbad1: littlehorse_server_ports must be a list (it is 35023); write it as a YAML list, e.g. [35023]"],
         tier=PLAN),
    Case("reserved-ports-scalar", "scalar where a list is expected",
         base(littlehorse_reserved_ports=2024),
         ["host lhbad1: littlehorse_reserved_ports must be a list (it is 2024); write it as a YAML list, e.g. [2024]"],
         tier=PLAN),
    Case("server-ports-unknown-key", "bad list entry",
         base(littlehorse_server_ports=[{"public": PUBLIC, "admin": 35099}, {"public": PUBLIC + 10}]),
         ["host lhbad1: littlehorse_server_ports[0] = ", "; each entry is a dict with keys among public, internal, "
                                                         "health"], tier=PLAN),
    Case("fractional-port-base", "fractional port",
         base(littlehorse_public_port_base=35023.5),
         ["host lhbad1: littlehorse_public_port_base " + WHOLE % "35023.5"], tier=PLAN),
    Case("fractional-port-as-text", "fractional port (text)",
         base(littlehorse_kafka_port="35092.5"),
         ["host lhbad1: littlehorse_kafka_port " + WHOLE % "'35092.5'"], tier=PLAN),
    Case("second-server-port-above-65535", "port above 65535",
         base(littlehorse_public_port_base=65530),
         ["host lhbad1: server 2's public port would be 65540 (base + 1 x littlehorse_port_step 10), above 65535; "
          "lower the port bases or the step"], tier=PLAN),
    Case("server-id-twice-across-hosts", "duplicate ids",
         lambda ctx: edit(multi(3), hosts={"lhbad2": {"littlehorse_server_id_base": 100}}),
         ["hosts lhbad1 and lhbad2: id 101 is given twice; pin littlehorse_server_id_base or "
          "littlehorse_server_instance_ids so that every id is unique"], tier=PLAN),

    # ---- addresses
    Case("no-address-and-a-name-with-underscore", "no address (inventory name unusable)",
         lambda ctx: edit(Inventory(BASE_VARS, {"lhbad_1": {}},
                                    {"kafka": ["lhbad_1"], "littlehorse_servers": ["lhbad_1"]}),
                          drop=("littlehorse_advertised_host",)),
         ["host lhbad_1: the advertised host 'lhbad_1' (from the inventory name) contains '_', which LittleHorse "
          "refuses in advertised listeners; set littlehorse_advertised_host to a name without '_' or an IP address"],
         tier=PLAN),
    Case("advertised-host-ipv6", "address not IPv4",
         base(littlehorse_advertised_host="::1"),
         ["host lhbad1: the advertised host '::1' (from littlehorse_advertised_host) is not a host name or IPv4 "
          "address (LittleHorse takes no IPv6 literals); set littlehorse_advertised_host"], tier=PLAN),
    Case("ansible-host-0.0.0.0", "0.0.0.0 as an address",
         lambda ctx: edit(multi(3), hosts={"lhbad2": {"ansible_host": "0.0.0.0"}}),
         ["host lhbad2: the advertised host '0.0.0.0' (from ansible_host) is 0.0.0.0, which means 'all addresses' to "
          "a listener and nothing to a client; " + ADDRESS_FIX], tier=PLAN),
    Case("ansible-host-invalid-ipv4", "invalid IPv4",
         lambda ctx: edit(multi(3), hosts={"lhbad3": {"ansible_host": "203.0.113.300"}}),
         ["host lhbad3: the advertised host '203.0.113.300' (from ansible_host) is not a valid IPv4 address (four "
          "numbers 0-255, e.g. 10.0.0.3); " + ADDRESS_FIX], tier=PLAN),
    Case("loopback-across-hosts", "loopback across hosts",
         lambda ctx: edit(multi(3), hosts={"lhbad3": {"ansible_host": "127.0.0.1"}}),
         ["host lhbad3: advertises 127.0.0.1, which the other hosts cannot reach; set ansible_host or "
          "littlehorse_advertised_host to an address the other hosts and the clients reach"], tier=PLAN),
    Case("kafka-node-on-loopback-across-hosts", "loopback across hosts (Kafka)",
         lambda ctx: edit(multi(3), hosts={"lhbadk": {"ansible_host": "127.0.0.1", "littlehorse_kafka_node_id": 9}},
                          groups={"kafka": ["lhbad1", "lhbad2", "lhbadk"]}),
         ["host lhbadk: Kafka node lhbad-kafka-9 advertises 127.0.0.1, which the other hosts cannot reach; set "
          "ansible_host or littlehorse_advertised_host to an address the other hosts reach"], tier=PLAN),
    Case("load-balancer-on-loopback-across-hosts", "loopback across hosts (load balancer)",
         lambda ctx: edit(multi(3), {"littlehorse_load_balancer_port": 35000},
                          hosts={"lhbadlb": {"ansible_host": "127.0.0.1"}},
                          groups={"littlehorse_load_balancer": ["lhbadlb"]}),
         ["host lhbadlb: the load balancer advertises 127.0.0.1, which clients on other hosts cannot reach; set "
          "ansible_host or littlehorse_advertised_host to an address the clients reach"], tier=PLAN),
    Case("bind-127.0.0.1-on-one-of-several-hosts", "bind on loopback across hosts",
         lambda ctx: edit(multi(3), hosts={"lhbad2": {"littlehorse_bind_address": "127.0.0.1"}}),
         ["host lhbad2: littlehorse_bind_address is 127.0.0.1, so its ports are published on loopback only and the "
          "other hosts of this 3-host cluster cannot reach them; set it to an address the other hosts reach, or leave "
          "it unset (all addresses)"], tier=PLAN),
    Case("bind-127.0.0.1-on-every-host", "bind on loopback on several hosts",
         lambda ctx: edit(multi(3), {"littlehorse_bind_address": "127.0.0.1"}),
         ["host lhbad1: littlehorse_bind_address is 127.0.0.1, so its ports are published on loopback only and the "
          "other hosts of this 3-host cluster cannot reach them"], tier=PLAN),
    Case("bind-address-with-a-port", "bind with ':'",
         base(littlehorse_bind_address="127.0.0.1:35023"),
         ["host lhbad1: littlehorse_bind_address '127.0.0.1:35023' is not an IPv4 address (the ports are published on "
          "it: no host names, no IPv6); set it to one of the host's IPv4 addresses, or leave it unset to publish on "
          "all addresses (0.0.0.0)"], tier=PLAN),

    # ---- one machine, one port space
    Case("same-machine-twice-overlapping-ports", "same machine twice",
         lambda ctx: edit(multi(3), hosts={"lhbad3": {"ansible_host": "203.0.113.1"}}),
         ["hosts lhbad1 and lhbad3 are the same machine (both at 203.0.113.1): port 35023 is planned on both "
          "(lhbad-server-101 public listener port on lhbad1, lhbad-server-301 public listener port on lhbad3); give "
          "each inventory host its own ansible_host / littlehorse_advertised_host, or different ports on one of them "
          "(the port bases, littlehorse_server_ports, littlehorse_kafka_port ...)"], tier=PLAN),
    Case("same-engine-twice-overlapping-ports", "same machine twice (one engine)",
         lambda ctx: edit(multi(3), hosts=dict((h, {"littlehorse_docker_host": "unix:///nonexistent/lhbad.sock"})
                                               for h in ("lhbad1", "lhbad2"))),
         ["hosts lhbad1 and lhbad2 are the same machine (both at engine unix:///nonexistent/lhbad.sock): port 35023 "
          "is planned on both (lhbad-server-101 public listener port on lhbad1, lhbad-server-201 public listener port "
          "on lhbad2)"], tier=PLAN),
    Case("reserved-port", "reserved port",
         base(littlehorse_server_count=3, littlehorse_reserved_ports=[2024, PUBLIC + 20]),
         ["host lhbad1: lhbad-server-3 public listener port would be 35043, which is reserved "
          "(littlehorse_reserved_ports); choose other port bases (e.g. littlehorse_public_port_base) or pin "
          "littlehorse_server_ports, or remove 35043 from littlehorse_reserved_ports where that port is free"],
         tier=PLAN),
    Case("port-planned-twice-on-one-host", "port clash (servers)",
         base(littlehorse_health_port_base=PUBLIC + 10),
         ["host lhbad1: port 35033 is planned twice (lhbad-server-1 health port and lhbad-server-2 public listener "
          "port); " + TWICE_FIX], tier=PLAN),
    Case("internal-port-equals-public-port", "port clash (one engine)",
         base(littlehorse_internal_port_base=PUBLIC),
         ["host lhbad1: lhbad-server-1 internal port 35023 equals its public or health port; change "
          "littlehorse_internal_port_base"], tier=PLAN),
    Case("kafka-port-on-a-server-port", "port clash (Kafka and server)",
         lambda ctx: edit(multi(3), hosts={"lhbad2": {"littlehorse_kafka_port": PUBLIC}}),
         ["host lhbad2: port 35023 is planned twice (lhbad-server-201 public listener port and lhbad-kafka-2 port); "
          + TWICE_FIX], tier=PLAN),
    Case("load-balancer-on-a-server-port", "load balancer clash",
         lambda ctx: edit(baseline(), {"littlehorse_load_balancer_port": PUBLIC + 10,
                                       "load_balancer_image": image("load_balancer_image")},
                          groups={"littlehorse_load_balancer": [BASELINE_HOST]}),
         ["host lhbad1: port 35033 is planned twice (lhbad-server-2 public listener port and lhbad-lb port (set "
          "littlehorse_load_balancer_port to a free port)); " + TWICE_FIX], tier=PLAN),
    Case("skipped-dashboard-on-a-server-port", "dashboard port clash (dashboard skipped)",
         lambda ctx: edit(baseline(), {"littlehorse_dashboard_port": HEALTH},
                          groups={"littlehorse_dashboard": [BASELINE_HOST]}),
         ["host lhbad1: port 35822 is planned twice (lhbad-server-1 health port and dashboard port); " + TWICE_FIX],
         tier=PLAN),

    # ---- the hosts themselves, through the real engine
    Case("required-image-missing", "host: image missing",
         base(server_image="lh-testbed/nonexistent:0"),
         ["host lhbad1: image lh-testbed/nonexistent:0 (server_image) is not on the Docker engine and is a local build "
          "of the test bed (lh-testbed/*), never pulled. " + IMAGE_FIX % "server_image"], tier=E2E),
    Case("image-archive-missing", "host: an image archive that does not exist on the controller",
         base(server_image="lh-testbed/nonexistent:0", littlehorse_image_archives=["/nonexistent/lh-server.tar"]),
         ["host lhbad1: the image archive /nonexistent/lh-server.tar (littlehorse_image_archives) does not exist on "
          "the controller. Correct the path in littlehorse_image_archives, or write the archive there with 'docker save "
          "-o /nonexistent/lh-server.tar <image>...' on a machine that has the images."], tier=E2E),
    Case("image-archive-without-the-image", "host: a missing image that no image archive holds",
         lambda ctx: edit(baseline(), {"server_image": "lh-testbed/nonexistent:0",
                                       "littlehorse_image_archives": [other_image_archive(ctx)]}),
         ["host lhbad1: image lh-testbed/nonexistent:0 (server_image) is not on the host's Docker engine and no "
          "archive of littlehorse_image_archives holds it (they hold: lh-testbed/other:1). Add an archive that holds "
          "it to littlehorse_image_archives ('docker save -o <file>.tar lh-testbed/nonexistent:0' where the image "
          "is), or set server_image to an image the archives hold."], tier=E2E),
    Case("load-balancer-image-missing", "host: image missing (load balancer)",
         lambda ctx: edit(baseline(), {"littlehorse_load_balancer_port": 35000,
                                       "load_balancer_image": "lh-testbed/nonexistent-haproxy:0"},
                          groups={"littlehorse_load_balancer": [BASELINE_HOST]}),
         ["host lhbad1: image lh-testbed/nonexistent-haproxy:0 (load_balancer_image) is not on the Docker engine and "
          "is a local build of the test bed (lh-testbed/*), never pulled. " + IMAGE_FIX % "load_balancer_image"],
         tier=E2E),
    Case("dashboard-image-missing", "host: image missing (dashboard, dashboard_required by default)",
         lambda ctx: edit(baseline(), {"littlehorse_dashboard_port": 35080,
                                       "dashboard_image": "lh-testbed/nonexistent-dashboard:0"},
                          groups={"littlehorse_dashboard": [BASELINE_HOST]}),
         ["host lhbad1: image lh-testbed/nonexistent-dashboard:0 (dashboard_image) is not on the Docker engine and "
          "is a local build of the test bed (lh-testbed/*), never pulled. " + IMAGE_FIX % "dashboard_image"],
         tier=E2E),
    Case("planned-port-held-by-a-process", "host: port held by a process",
         third_server,
         ["host lhbad1: port 35043/tcp (127.0.0.1), planned for lhbad-server-3, is held by a process on the host "
          "(Address already in use). " + PORT_FIX], uses=("held_port",), tier=E2E),
    Case("planned-port-published-by-a-foreign-container", "host: port held by a container",
         third_server,
         ["host lhbad1: port 35842/tcp (127.0.0.1), planned for lhbad-server-3, is published by container %s. "
          % FOREIGN + PORT_FIX], uses=("foreign_container",), tier=E2E),
    Case("docker-sdk-missing", "host: Docker SDK missing",
         lambda ctx: edit(baseline(), hosts={BASELINE_HOST: {"ansible_python_interpreter": ctx["nosdk_python"]}}),
         ["host lhbad1: the Docker SDK for Python is not installed. Install it for <nosdk_python> on lhbad1: "
          "<nosdk_python> -m pip install 'docker>=7.1' " + SDK_FIX], uses=("nosdk_python",), tier=E2E),
    Case("docker-sdk-too-old", "host: Docker SDK too old",
         lambda ctx: edit(baseline(), hosts={BASELINE_HOST: {"ansible_python_interpreter": ctx["oldsdk_python"]}}),
         ["host lhbad1: the Docker SDK for Python is 6.1.3, older than 7.1. Install it for <oldsdk_python> on lhbad1: "
          "<oldsdk_python> -m pip install 'docker>=7.1' " + SDK_FIX], uses=("oldsdk_python",), tier=E2E),
    Case("engine-not-answering", "host: engine not answering",
         base_host(littlehorse_docker_host="unix:///nonexistent/docker.sock"),
         ["host lhbad1: The Docker engine at unix:///nonexistent/docker.sock on <machine> does not answer (",
          "Start it (dockerd, or the host's service manager), or point littlehorse_docker_host (the modules' "
          "docker_host, else DOCKER_HOST) at the engine's address."], tier=E2E),
    Case("one-bad-host-stops-every-host", "host: one bad host of two stops all",
         # lhbad1 keeps the baseline's ids: its containers are there and would be re-created (now publishing their
         # ports). lhbad2, on ports of its own at the same address (no reach check between them), has an engine that
         # does not answer: nothing may change on lhbad1 either.
         lambda ctx: edit(at_home(ctx, multi(2, kafka=1), "lhbad1", "lhbad2"),
                          hosts={"lhbad1": {"littlehorse_server_id_base": 0, "littlehorse_server_count": 2},
                                 "lhbad2": dict(FAKE_PORTS,
                                                littlehorse_docker_host="unix:///nonexistent/docker.sock")}),
         ["host lhbad2: The Docker engine at unix:///nonexistent/docker.sock on <machine> does not answer ("],
         uses=("testnet",), tier=E2E),

    Case("partitions-changed-under-running-servers", "host: destructive change (data of the running servers)",
         base(littlehorse_partitions=12),
         ["host lhbad1: lhbad-server-1 holds data for littlehorse_partitions 6 (LHS_CLUSTER_PARTITIONS=6) and the plan "
          "now says 12: the partition count is fixed when the topics are created, so the servers could no longer read "
          "the cluster's data. Put littlehorse_partitions back to 6, or set littlehorse_allow_destructive_changes: "
          "true (group_vars/all) to re-create it deliberately on data that no longer fits."], tier=E2E),
    Case("cluster-id-changed-under-running-servers", "host: destructive change (data of the running servers)",
         base(littlehorse_cluster_id="lhbad-other"),
         ["host lhbad1: lhbad-server-2 holds data for littlehorse_cluster_id lhbad (LHS_CLUSTER_ID=lhbad) and the plan "
          "now says lhbad-other: the cluster id prefixes every topic of the cluster, so the server would start a new, "
          "empty cluster and leave the data of this one behind. Put littlehorse_cluster_id back to lhbad, or set "
          "littlehorse_allow_destructive_changes: true (group_vars/all) to re-create it deliberately on data that no "
          "longer fits."], tier=E2E),
    Case("kafka-cluster-id-changed-under-a-running-node", "host: destructive change (data of the running Kafka node)",
         base(littlehorse_kafka_cluster_id="bGhiYWRvdGhlcmthZmthaQ"),
         ["host lhbad1: lhbad-kafka-1 holds data for littlehorse_kafka_cluster_id %s (CLUSTER_ID=%s) and the plan now "
          "says bGhiYWRvdGhlcmthZmthaQ: its log directories were formatted for that KRaft cluster, so the node would "
          "refuse to start on its data. Put littlehorse_kafka_cluster_id back to %s, or set "
          "littlehorse_allow_destructive_changes: true (group_vars/all) to re-create it deliberately on data that no "
          "longer fits." % ((BASE_VARS["littlehorse_kafka_cluster_id"],) * 3)], tier=E2E),
    Case("server-count-lowered-under-running-servers", "host: a running server the plan dropped",
         base(littlehorse_server_count=1, littlehorse_standby_replicas=0),
         ["host lhbad1: lhbad-server-2 is a LittleHorse server of this cluster (LHS_CLUSTER_ID=lhbad) that the plan no "
          "longer puts on lhbad1 (its littlehorse_server_count, littlehorse_server_id_base or littlehorse_servers "
          "group changed). Take it out one at a time with playbooks/remove_server.yml (its volume is kept unless "
          "server_remove_purge_volumes is true), or plan it again."], tier=E2E),
    Case("kafka-node-id-changed-under-a-running-node", "host: a running Kafka node the plan renumbered",
         base(littlehorse_kafka_node_id=2),
         ["host lhbad1: lhbad-kafka-1 is a Kafka node of this cluster (CLUSTER_ID=%s) that the plan no longer puts "
          "on lhbad1 (its littlehorse_kafka_node_id or kafka group changed). The collection does not take Kafka nodes "
          "out: plan it again; or move its partitions to the other brokers and remove it from the KRaft quorum with "
          "Kafka's tools, then remove the container yourself." % BASE_VARS["littlehorse_kafka_cluster_id"]], tier=E2E),
    Case("kafka-protocol-switched-under-a-running-node", "host: a Kafka protocol switch that cannot roll",
         base(littlehorse_kafka_security_protocol="SSL"),
         ["host lhbad1: lhbad-kafka-1 runs its listeners on PLAINTEXT and the plan now says SSL "
          "(littlehorse_kafka_security_protocol SSL): Kafka nodes and servers on the old and the new protocol cannot "
          "reach each other, so this change cannot roll one node at a time. Put littlehorse_kafka_security_protocol "
          "back to what the running cluster uses; or switch in a maintenance window: playbooks/teardown.yml (it keeps "
          "the volumes and their data), then site.yml with the new setting."], tier=E2E),
    Case("dashboard-port-held-by-a-process", "host: dashboard port held",
         lambda ctx: edit(baseline(), {"littlehorse_dashboard_port": 35080, "dashboard_image": DASHBOARD_DOUBLE},
                          groups={"littlehorse_dashboard": [BASELINE_HOST]}),
         ["host lhbad1: port 35080/tcp (127.0.0.1), planned for lhbad-dashboard, is held by a process on the host "
          "(Address already in use). " + PORT_FIX], uses=("held_dashboard_port",), tier=E2E),
    Case("free-disk-below-the-minimum", "host: free disk",
         # The engine's real data directory, against a minimum no disk here has (100 TiB).
         base(preflight_min_free_disk_mb=104857600),
         ["host lhbad1: the Docker engine's data directory <docker_root> has ",
          " MiB free, less than the 104857600 MiB the cluster's containers and volumes need to start "
          "(preflight_min_free_disk_mb). Free space on lhbad1 under <docker_root>, or lower "
          "preflight_min_free_disk_mb if you know the cluster needs less."], uses=("docker_root",), tier=E2E),
    Case("engine-older-than-20.10", "host: engine too old (fake engine)",
         lambda ctx: fake_host(ctx, baseline(), BASELINE_HOST, "old-engine", version="1.13.1", api_version="1.26"),
         ["host lhbad1: the Docker engine is 1.13.1, older than 20.10, the oldest the collection supports. Upgrade "
          "Docker on lhbad1 to 20.10 or newer."], uses=("fakes",), tier=E2E),
    Case("host-cannot-reach-another-host", "host: host-to-host reachability (fake engines)",
         # lhbad1 at the test bed's address of this machine, lhbad2 at its unreachable address: the kernel refuses the
         # connection at once (no packet). lhbad2's own look cannot publish its ports at an address it does not have.
         lambda ctx: on_fakes(ctx, edit(at_home(ctx, multi(2, kafka=1), "lhbad1"),
                                        hosts={"lhbad2": {"ansible_host": ctx["testnet"]["unreachable"]}})),
         ["host lhbad1 cannot reach lhbad2 at %s:37011 (the internal port of lhbad-server-201): No route to host. "
          % UNREACHABLE_ADDRESS + REACH_FIX % ("lhbad1", "lhbad2", "lhbad2"),
          "host lhbad2: %s (from ansible_host: the address the other hosts reach lhbad2 at, where the ports only they "
          "use are published) is not an address of lhbad2 (Cannot assign requested address), so the ports planned "
          "there cannot be published: 37011/tcp (lhbad-server-201). Set ansible_host to an IPv4 address of lhbad2 "
          "itself; or, when the other hosts reach lhbad2 at an address it does not have (NAT), set "
          "littlehorse_cluster_address to 0.0.0.0 (every address of lhbad2) and keep ansible_host."
          % UNREACHABLE_ADDRESS],
         uses=("fakes", "testnet"), tier=E2E),
    Case("bind-address-not-on-the-host", "host: a bind address that is not one of the host's",
         # The baseline's ports on an address this machine does not have: no port is held there, the address is wrong.
         lambda ctx: edit(baseline(), {"littlehorse_bind_address": ctx["testnet"]["unreachable"]}),
         ["host lhbad1: littlehorse_bind_address %s is not an address of lhbad1 (Cannot assign requested address), so "
          "the ports planned there cannot be published: 35023/tcp (lhbad-server-1), 35033/tcp (lhbad-server-2), "
          "35822/tcp (lhbad-server-1), 35832/tcp (lhbad-server-2). Set littlehorse_bind_address to one of lhbad1's own "
          "IPv4 addresses, or leave it unset to publish on all addresses (0.0.0.0)." % UNREACHABLE_ADDRESS],
         uses=("testnet",), tier=E2E),

    # ---- bounded memory and logs (plugins/module_utils/_limits.py): the plan splits and checks each container's
    # limit from the role variables of its host; the host look adds a host's limits up against its engine's memory.
    Case("server-memory-not-a-size", "limits: a size that is not a size",
         base(server_memory="1 GB"),
         ["host lhbad1: server_memory: '1 GB' is not a size; give a whole number with k, m or g, such as 768m or 2g"],
         tier=PLAN),
    Case("server-heap-not-below-the-limit", "limits: heap >= memory limit",
         base(server_memory="768m", server_heap="1g"),
         ["host lhbad1: server_heap: 1024 MiB is not below server_memory (768 MiB), and the JVM needs memory beside "
          "its heap; lower server_heap or leave it unset (then it is half of server_memory), or raise server_memory"],
         tier=WIRING),
    Case("server-heap-and-rocksdb-over-the-limit", "limits: heap + RocksDB caps > memory limit",
         base(server_memory="1g", server_heap="800m"),
         ["host lhbad1: server_heap (800 MiB) and server_rocksdb_block_cache (256 MiB, the memtables included) add up "
          "to 1056 MiB, which leaves nothing of server_memory (1024 MiB) for the JVM beside its heap; lower them or "
          "raise server_memory"], tier=PLAN),
    Case("server-memtables-over-the-block-cache", "limits: memtables > block cache",
         base(server_rocksdb_block_cache="64m", server_rocksdb_memtable="128m"),
         ["host lhbad1: server_rocksdb_memtable: 128 MiB is more than server_rocksdb_block_cache (64 MiB); the server "
          "charges its memtables to the block cache, so they must fit in it: lower server_rocksdb_memtable or raise "
          "server_rocksdb_block_cache"], tier=PLAN),
    Case("server-memory-below-the-floor", "limits: below what the JVM needs",
         base(server_memory="200m"),
         ["host lhbad1: server_memory: 200 MiB is below 256 MiB, the least a server container needs to start and "
          "serve; raise it to 256m or more"], tier=PLAN),
    # ---- the JVM: the image's start script gives its own flags (-XX:+UseZGC ...) before JAVA_OPTS
    Case("server-java-opts-with-a-collector", "JVM: a GC flag in server_java_opts",
         base(server_gc="zgc", server_java_opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
         ["host lhbad1: server_java_opts: -XX:+UseSerialGC selects a garbage collector, but the image's start script "
          "already gives -XX:+UseZGC before JAVA_OPTS and the JVM refuses two ('Multiple garbage collectors "
          "selected'); remove it from server_java_opts and set server_gc: serial instead"], tier=PLAN),
    Case("server-gc-unknown", "JVM: a collector that is not a choice",
         base(server_gc="cms"),
         ["host lhbad1: server_gc: 'cms' is not a collector this collection can select; set one of g1, parallel, "
          "serial, shenandoah, zgc (zgc, the image's own, by default)"], tier=PLAN),
    Case("kafka-heap-not-below-the-limit", "limits: Kafka heap >= memory limit",
         base(kafka_memory="512m", kafka_heap="512m"),
         ["host lhbad1: kafka_heap: 512 MiB is not below kafka_memory (512 MiB), and the JVM needs memory beside its "
          "heap; lower kafka_heap or leave it unset (then it is half of kafka_memory), or raise kafka_memory"],
         tier=PLAN),
    Case("dashboard-memory-below-the-floor", "limits: dashboard below its floor",
         lambda ctx: edit(baseline(), {"dashboard_memory": "32m", "dashboard_image": DASHBOARD_DOUBLE},
                          groups={"littlehorse_dashboard": [BASELINE_HOST]}),
         ["host lhbad1: dashboard_memory: 32 MiB is below 64 MiB, the least a dashboard container needs to start and "
          "serve; raise it to 64m or more"], tier=PLAN),
    Case("log-size-not-a-size", "limits: a log size that is not a size",
         base(littlehorse_log_max_size="50 megabytes"),
         ["host lhbad1: littlehorse_log_max_size: '50 megabytes' is not a size; give a whole number with k, m or g, "
          "such as 768m or 2g"], tier=PLAN),
    Case("log-files-not-a-count", "limits: no log file kept",
         base(littlehorse_log_max_files=0),
         ["host lhbad1: littlehorse_log_max_files: 0 is not a number of files; give a whole number of 1 or more, such "
          "as 5"], tier=PLAN),
    Case("memory-limits-over-the-engines-memory", "host: memory limits over the engine's memory",
         # Two servers of 4096 GiB each: more than any engine here has (docker info's MemTotal).
         base(server_memory="4096g"),
         ["host lhbad1: the memory limits of the containers planned here (lhbad-kafka-1 768 MiB, lhbad-server-1 "
          "4194304 MiB, lhbad-server-2 4194304 MiB) add up to 8389376 MiB, more than the ",
          " MiB its Docker engine has (docker info: MemTotal); lower server_memory, kafka_memory, dashboard_memory or "
          "load_balancer_memory for this host (they are each container's limit), or move containers to another host"],
         tier=E2E),

    # ---- monitoring: Kafka's metrics (the JMX exporter's agent) and the Prometheus of littlehorse_monitoring
    Case("monitoring-kafka-metrics-port-clash", "monitoring: Kafka's metrics port on a server's port",
         watched(kafka_metrics_port=HEALTH),
         ["host lhbad1: port 35822 is planned twice (lhbad-server-1 health port and lhbad-kafka-1 metrics port "
          "(kafka_metrics_port)); " + TWICE_FIX], tier=PLAN),
    Case("monitoring-kafka-metrics-port-on-a-listener", "monitoring: Kafka's metrics port on its own listener",
         watched(kafka_metrics_port=KAFKA),
         ["host lhbad1: kafka_metrics_port 35092 is also the port of lhbad-kafka-1's listener PLAINTEXT; give the "
          "metrics a port of their own"], tier=PLAN),
    Case("monitoring-prometheus-port-clash", "monitoring: Prometheus's port on a server's port",
         watched(monitoring_port=PUBLIC),
         ["host lhbad1: port 35023 is planned twice (lhbad-server-1 public listener port and lhbad-prometheus port "
          "(set monitoring_port to a free port)); " + TWICE_FIX], tier=PLAN),
    Case("monitoring-retention-not-a-duration", "monitoring: retention not a duration",
         watched(monitoring_retention="two weeks"),
         ["host lhbad1: monitoring_retention 'two weeks' is not a Prometheus duration; give a number with its unit - "
          "ms, s, m, h, d, w or y - such as 15d, 12h or 1h30m"], tier=PLAN),
    Case("monitoring-jmx-exporter-jar-missing", "monitoring: the JMX exporter's jar is not on the controller",
         watched(kafka_jmx_exporter_jar="/nonexistent/jmx_prometheus_javaagent.jar"),
         ["host lhbad1: kafka_jmx_exporter_jar '/nonexistent/jmx_prometheus_javaagent.jar' is not a file on the "
          "controller (lhbad-kafka-1 needs it, group littlehorse_monitoring has a host); download "
          "io.prometheus.jmx:jmx_prometheus_javaagent:<version> from Maven Central (the Java agent jar) and set "
          "kafka_jmx_exporter_jar to its path on the controller"], tier=PLAN),
    Case("monitoring-jmx-exporter-jar-unset", "monitoring: Kafka's metrics port without the JMX exporter's jar",
         lambda ctx: edit(baseline(), hosts={BASELINE_HOST: {"kafka_metrics_port": 35404}}),
         ["host lhbad1: kafka_metrics_port is set, so lhbad-kafka-1 serves Kafka's metrics through the Prometheus JMX "
          "exporter, and kafka_jmx_exporter_jar is not set; download io.prometheus.jmx:jmx_prometheus_javaagent:"
          "<version> from Maven Central (the Java agent jar) and set kafka_jmx_exporter_jar to its path on the "
          "controller"], tier=PLAN),
    Case("monitoring-host-out-of-reach", "monitoring: a host that cannot reach the metrics ports",
         lambda ctx: edit(baseline(), hosts={"lhbad2": {"ansible_host": "203.0.113.2"}},
                          groups={"littlehorse_monitoring": ["lhbad2"]}, drop=("littlehorse_single_engine",)),
         ["host lhbad2: Prometheus there (group littlehorse_monitoring) scrapes the metrics of lhbad1, which publishes "
          "its ports on 127.0.0.1 only (littlehorse_bind_address), where lhbad2 cannot reach them; put the monitoring "
          "host on lhbad1 itself (the same inventory host), or set littlehorse_bind_address on lhbad1 to an address "
          "lhbad2 reaches"], tier=PLAN),
    Case("monitoring-on-two-hosts", "monitoring: two Prometheus hosts",
         lambda ctx: edit(multi(3), {"kafka_jmx_exporter_jar": JMX_JAR},
                          groups={"littlehorse_monitoring": ["lhbad1", "lhbad2"]}),
         ["inventory: group 'littlehorse_monitoring' has 2 hosts (lhbad1, lhbad2); Prometheus runs on one host: keep "
          "one of them in the group"], tier=PLAN),
    Case("monitoring-bind-address-not-an-address", "monitoring: bind address not IPv4",
         watched(monitoring_bind_address="localhost"),
         ["host lhbad1: monitoring_bind_address 'localhost' is not an IPv4 address (Prometheus is published on it); "
          "give one of the host's IPv4 addresses, 127.0.0.1 (the default: this host only) or 0.0.0.0 (every "
          "address)"], tier=PLAN),
    Case("monitoring-alert-for-not-a-dict", "monitoring: role argument spec",
         watched(monitoring_alert_for="30s"),
         ["argument 'monitoring_alert_for' is of type str and we were unable to convert to dict"], tier=PLAN),

    # ---- names that do not resolve: each host looks up its own advertised name and those it dials (the preflight's
    # resolve). The load balancer's host is the one no other host dials, so only its own look sees its name. Names
    # under .invalid are refused without a lookup (RFC 6761), so no query leaves the machine: the inventory name of the
    # second case ends in .invalid too. Fake engines: were the check gone, the run would go on to the roles, which
    # the fakes refuse and record, and nothing real would change.
    Case("load-balancer-address-does-not-resolve", "host: non-resolving address",
         lambda ctx: on_fakes(ctx, edit(at_home(ctx, multi(1), "lhbad1"), {"littlehorse_load_balancer_port": 35000},
                                        hosts={"lhbad1": {"littlehorse_server_count": 2},
                                               "lhbadlb": {"ansible_host": "lhbad-nowhere.invalid"}},
                                        groups={"littlehorse_load_balancer": ["lhbadlb"]})),
         ["host lhbadlb: the advertised host 'lhbad-nowhere.invalid' (from ansible_host) does not resolve here (on "
          "lhbadlb: names under .invalid never resolve, RFC 6761): " + RESOLVE_FIX],
         uses=("fakes", "testnet"), tier=E2E),
    Case("load-balancer-without-address-name-does-not-resolve", "host: no address, inventory name",
         lambda ctx: on_fakes(ctx, edit(at_home(ctx, multi(1), "lhbad1"), {"littlehorse_load_balancer_port": 35000},
                                        hosts={"lhbad1": {"littlehorse_server_count": 2}, "lhbadlb.invalid": {}},
                                        groups={"littlehorse_load_balancer": ["lhbadlb.invalid"]})),
         ["host lhbadlb.invalid: the advertised host 'lhbadlb.invalid' (from the inventory name) does not resolve here "
          "(on lhbadlb.invalid: names under .invalid never resolve, RFC 6761): " + RESOLVE_FIX],
         uses=("fakes", "testnet"), tier=E2E),
]


def fill(text, ctx):
    for key, value in ctx.items():
        if isinstance(value, str):
            text = text.replace("<%s>" % key, value)
    return text


def tier_cases(tier):
    """The cases `tier` ('plan' or 'e2e') runs."""
    return [case for case in CASES if tier in case.tier]


def tier_counts():
    """'plan tier N cases, e2e tier M cases (W of them in both ...)', for the sessions' summaries."""
    both = [case for case in CASES if case.tier == WIRING]
    return ("%d cases: plan tier %d (in-process), e2e tier %d (site.yml on the engine); %d in both (wiring: %s)"
            % (len(CASES), len(tier_cases("plan")), len(tier_cases("e2e")), len(both),
               ", ".join(case.name for case in both)))

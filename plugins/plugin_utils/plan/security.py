# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security phase: OAuth (the servers' introspection, the clients' credentials) and TLS (the cluster's CA, each
server's, Kafka node's and client's certificate, the user's certificates, the stores the servers reach Kafka with)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._pki import STORE_PASSWORD_FILE
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import files_folder, is_ipv4
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import secret_source
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import OAUTH_URL, SERVER_GROUP, PlanError

# The OAuth settings an OAUTH listener needs besides the two secrets: (setting, what it is, whether it is a URL).
OAUTH_SETTINGS = (
    ("littlehorse_oauth_introspect_url", "the identity provider's token introspection endpoint (RFC 7662) that the "
     "servers call, e.g. https://idp.example.com/realms/lh/protocol/openid-connect/token/introspect", True),
    ("littlehorse_oauth_client_id", "the client id the servers introspect tokens as", False),
    ("littlehorse_oauth_access_token_url", "the identity provider's token endpoint the clients fetch their tokens "
     "from, e.g. https://idp.example.com/realms/lh/protocol/openid-connect/token", True),
    ("littlehorse_oauth_worker_client_id", "the client id the workers, lhctl and verify.yml fetch tokens as (client "
     "credentials)", False),
)


def oauth_plan(inv, first, listeners):
    """The OAuth settings when a listener is OAUTH, else None: the servers' introspection (URL, client id, how their
    client secret is given) and the clients' credentials (token URL, client id, how their secret is given). No
    secret value is in it: the roles read littlehorse_oauth_client_secret and littlehorse_oauth_worker_client_secret
    themselves. Each setting an OAUTH listener misses is refused, naming it and the fix; so is a secret given both
    inline and as a file, with or without an OAUTH listener."""
    oauth = [(index, l["name"]) for index, l in enumerate(listeners) if l["authentication"] == "OAUTH"]
    where = ("littlehorse_listeners[%d] (%s)" % oauth[0]) if oauth else None
    needed_by = ("%s: authentication OAUTH" % where) if where else None
    servers = secret_source(inv, first, "littlehorse_oauth_client_secret", needed_by,
                            "the secret of the servers' introspection client")
    workers = secret_source(inv, first, "littlehorse_oauth_worker_client_secret", needed_by,
                            "the secret of the clients' (workers', lhctl's) OAuth client")
    if not oauth:
        return None
    values = {}
    for name, what, url in OAUTH_SETTINGS:
        value = inv.raw(first, name)
        value = "" if value is None else str(value).strip()
        if not value:
            raise PlanError("host %s: %s: authentication OAUTH needs %s, which is not set; set it in group_vars/all to "
                            "%s" % (first, where, name, what))
        if url and not OAUTH_URL.match(value):
            raise PlanError("host %s: %s '%s' is not an http:// or https:// URL; set it to %s" % (first, name, value, what))
        values[name[len("littlehorse_oauth_"):]] = value
    values.update(listeners=[name for _index, name in oauth], client_secret_inline=servers["inline"],
                  client_secret_file=servers["file"], worker_client_secret_inline=workers["inline"],
                  worker_client_secret_file=workers["file"])
    return values


def tls_plan(inv, first, plan):
    """The certificates the cluster needs, as new data for the assembly to compose (nothing of `plan` changes):
    {tls, servers, nodes, kafka_stores, dashboard_tls}.

    - tls: {enabled, internal, mtls, ca (path on the hosts), client_name, kafka, truststore, pki_dir, ca_cert_file,
      ca_key_file, store_password_file, given, certificates} - what littlehorse.cluster.lh_pki keeps on the controller;
    - servers: {container: {tls, listeners, kafka_tls}} - each server's tls {cert, key, ca, internal, kafka_keystore,
      dns_names, ip_addresses, reached_at} (None without TLS), its listeners with the certificate files on the TLS
      and MTLS ones, and the Kafka stores' paths lh_server takes;
    - nodes: {container: tls} - each Kafka node's keystore and truststore and their names (None without TLS);
    - kafka_stores: the stores the servers reach Kafka with (the cluster's own over TLS to the collection's Kafka);
    - dashboard_tls: the dashboard's CA and, on an MTLS listener, its client certificate (None on PLAIN).

    One certificate per server serves its TLS and MTLS listeners and, as server and client certificate, the internal
    port (LHS_INTERNAL_*); its SANs cover every address it is reached by. Internal mTLS is on by default when the
    servers span more than one host (littlehorse_internal_tls: false keeps the internal port plaintext there, bound
    to the cluster address)."""
    servers = plan["servers"]
    server_hosts = sorted(set(s["host"] for s in servers))
    if inv.raw(first, "littlehorse_internal_tls") is None:
        internal = len(server_hosts) > 1 and not plan["cluster"]["single_engine"]
    else:
        internal = inv.bool(first, "littlehorse_internal_tls")
    protocols = set(l["protocol"] for l in servers[0]["listeners"])
    mtls = "MTLS" in protocols
    kafka = plan["kafka"]
    kafka_tls = kafka["security"]["tls"] and not kafka["external"]
    enabled = internal or kafka_tls or bool(protocols & set(("TLS", "MTLS")))
    prefix = plan["cluster"]["prefix"]
    ca_files = [inv.raw(first, name) for name in ("littlehorse_ca_cert_file", "littlehorse_ca_key_file")]
    if ca_files[1] and not ca_files[0]:
        raise PlanError("host %s: littlehorse_ca_cert_file and littlehorse_ca_key_file: give both (your CA signs the "
                        "cluster's certificates) or neither (the collection makes a CA on the controller)" % first)
    tls = {"enabled": enabled, "internal": internal, "mtls": mtls, "client_name": "%s-client" % prefix,
           "ca": files_folder(prefix, "tls", "ca.crt"), "kafka": kafka_tls,
           "truststore": files_folder(prefix, "tls", "truststore.p12"),
           "pki_dir": str(inv.raw(first, "littlehorse_pki_dir") or "~/.local/share/littlehorse/%s/pki" % prefix),
           "ca_cert_file": ca_files[0], "ca_key_file": ca_files[1]}
    # where lh_pki keeps the password of the PKCS12 stores (Kafka's), on the controller
    tls["store_password_file"] = "%s/%s" % (tls["pki_dir"].rstrip("/"), STORE_PASSWORD_FILE)
    balancer = plan["load_balancer"]
    secured = []  # each server as it is with its TLS: the certificates below are read from it
    for server in servers:
        if not enabled:
            secured.append(dict(server, tls=None))
            continue
        folder = files_folder(server["container"], "tls")
        names = [l["advertised_host"] for l in server["listeners"]] + [
            server["internal"]["advertised_host"], server["container"], "localhost", "127.0.0.1"]
        if not plan["cluster"]["single_engine"] and inv.cluster_address(server["host"]) != "0.0.0.0":
            names.append(inv.cluster_address(server["host"]))
        if balancer:
            names.append(balancer["advertised_host"])
        unique = unique_list(names)
        server_tls = {"cert": folder + "/server.crt", "key": folder + "/server.key", "ca": tls["ca"],
                      "internal": internal, "kafka_keystore": folder + "/kafka-keystore.p12",
                      "dns_names": [n for n in unique if not is_ipv4(n)],
                      "ip_addresses": [n for n in unique if is_ipv4(n)],
                      "reached_at": reached_names(server, internal, balancer)}
        listeners = [dict(l, cert_file=server_tls["cert"], key_file=server_tls["key"])
                     if l["protocol"] in ("TLS", "MTLS") else l for l in server["listeners"]]
        secured.append(dict(server, tls=server_tls, listeners=listeners))
    # The servers connect to the collection's Kafka over TLS with the cluster's CA (truststore.p12); over SSL
    # alone the broker asks for their certificate (a PKCS12 keystore of it), over SASL_SSL for the user's password.
    # Both stores open with the password lh_pki keeps (stores.password). An external Kafka is reached with the
    # user's stores (kafka_stores), copied to every server host; without a truststore, with the JVM's default trust.
    own_keystore = kafka_tls and kafka["security"]["protocol"] == "SSL"
    stores = kafka["stores"]
    if kafka_tls:
        stores = {"truststore": {"file": None, "path": tls["truststore"], "password_inline": False,
                                 "password_file": tls["store_password_file"]},
                  "keystore": None if not own_keystore else {
                      "file": None, "path": None, "password_inline": False,
                      "password_file": tls["store_password_file"]}}
    result_servers = {}
    for server in secured:
        kafka_stores = dict(
            ([("kafka_truststore_file", stores["truststore"]["path"])] if stores["truststore"] else []) +
            ([("kafka_keystore_file", server["tls"]["kafka_keystore"] if own_keystore else stores["keystore"]["path"])]
             if stores["keystore"] else [])) or None
        result_servers[server["container"]] = {"tls": server["tls"], "listeners": server["listeners"],
                                               "kafka_tls": kafka_stores}
    nodes = {}
    for node in kafka["nodes"]:
        nodes[node["container"]] = None
        if kafka_tls:
            folder = files_folder(node["container"], "tls")
            names = [node["advertised_host"], node["container"], "localhost"]
            if not plan["cluster"]["single_engine"] and inv.cluster_address(node["host"]) != "0.0.0.0":
                names.append(inv.cluster_address(node["host"]))
            if node.get("external_advertised_host"):
                names.append(node["external_advertised_host"])
            unique = unique_list(names)
            nodes[node["container"]] = {"folder": folder, "keystore": folder + "/keystore.p12",
                                        "truststore": folder + "/truststore.p12",
                                        "dns_names": [n for n in unique if not is_ipv4(n)],
                                        "ip_addresses": [n for n in unique if is_ipv4(n)]}
    # What littlehorse.cluster.lh_pki keeps on the controller: one certificate per server (server and client
    # usage, for the internal port's mutual TLS; a PKCS12 keystore of it when Kafka asks for it), one per Kafka
    # node (with its keystore: the broker's TLS and, as client, the controllers' mutual TLS), and the client
    # certificate of the generated client file.
    tls["given"] = given_server_certs(inv, secured, tls, own_keystore)
    given = dict((container, entry) for entry in tls["given"] for container in entry["containers"])
    tls["certificates"] = [] if not enabled else [
        server_certificate(s, given.get(s["container"]), own_keystore) for s in secured] + [
        {"name": n["container"], "common_name": n["container"], "dns_names": nodes[n["container"]]["dns_names"],
         "ip_addresses": nodes[n["container"]]["ip_addresses"], "usages": ["server", "client"], "keystore": True}
        for n in kafka["nodes"] if nodes[n["container"]]] + [
        {"name": tls["client_name"], "common_name": tls["client_name"], "dns_names": [], "ip_addresses": [],
         "usages": ["client"], "keystore": False}]
    # The dashboard on a TLS or MTLS listener: the cluster's CA on its host; on MTLS a client certificate of its own
    # (its CN is its principal on an MTLS-authenticated listener), key 0600 on its host.
    dashboard = plan["dashboard"]
    dashboard_tls = None
    if dashboard and dashboard["protocol"] != "PLAIN":
        folder = files_folder(dashboard["container"], "tls")
        mtls_name = dashboard["container"] if dashboard["protocol"] == "MTLS" else None
        dashboard_tls = {"ca": tls["ca"], "folder": folder, "name": mtls_name,
                         "cert": folder + "/client.crt" if mtls_name else None,
                         "key": folder + "/client.key" if mtls_name else None}
        if mtls_name:
            tls["certificates"].append({"name": mtls_name, "common_name": mtls_name, "dns_names": [],
                                        "ip_addresses": [], "usages": ["client"], "keystore": False})
    if enabled and ca_files[0] and not ca_files[1]:
        # Only the certificates the user gives need no CA key; the client file's is needed on an MTLS listener.
        tls["certificates"] = [c for c in tls["certificates"] if c["name"] != tls["client_name"] or mtls]
        check_ca_key_not_needed(first, tls["certificates"], servers, kafka)
    return {"tls": tls, "servers": result_servers, "nodes": nodes, "kafka_stores": stores,
            "dashboard_tls": dashboard_tls}


def unique_list(values):
    """The values in their order, each once."""
    unique = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return unique


def reached_names(server, internal, balancer):
    """[{name, why}]: every host name and address a TLS client connects to this server at, and checks its
    certificate against: the advertised host of its TLS and MTLS listeners, its internal advertised host when the
    internal port is mutual TLS, the load balancer's address when the balancer fronts a TLS or MTLS first listener
    (it passes TLS through)."""
    found = []

    def add(name, why):
        for item in found:
            if item["name"] == name:
                item["why"] += "; " + why
                return
        found.append({"name": name, "why": why})
    secure = [l for l in server["listeners"] if l["protocol"] in ("TLS", "MTLS")]
    for host in unique_list(l["advertised_host"] for l in secure):
        names = [l["name"] for l in secure if l["advertised_host"] == host]
        add(host, "the advertised host of %s's listener%s %s"
            % (server["container"], "s" if len(names) > 1 else "", ", ".join(names)))
    if internal:
        add(server["internal"]["advertised_host"], "%s's internal advertised host, for the other servers"
            % server["container"])
    if balancer and server["listeners"][0]["protocol"] in ("TLS", "MTLS"):
        add(balancer["advertised_host"], "the load balancer %s's address, in front of listener %s"
            % (balancer["container"], server["listeners"][0]["name"]))
    return found


def given_server_certs(inv, servers, tls, keystore):
    """The servers' certificates the inventory gives (littlehorse_server_cert_file and littlehorse_server_key_file,
    host variables: one certificate for every server of the host), as [{host, containers, cert_file, key_file,
    reached_at, usages}]: reached_at joins every name each of the host's servers is reached at (its SANs must cover
    them all); usages are server, and client when it is also a client certificate (internal mutual TLS, or `keystore`: the
    collection's Kafka over SSL asks for it). The preflight reads the files (the lookup littlehorse.cluster.user_file_problems)."""
    given = []
    for host in inv.hosts(SERVER_GROUP):
        files = [inv.raw(host, name) for name in ("littlehorse_server_cert_file", "littlehorse_server_key_file")]
        if not any(files):
            continue
        if not all(files):
            raise PlanError("host %s: littlehorse_server_cert_file and littlehorse_server_key_file: give both (this "
                            "host's servers' certificate and its key, PEM files on the controller) or neither (the "
                            "collection issues their certificates)" % host)
        own = [s for s in servers if s["host"] == host]
        secure = any(l["protocol"] in ("TLS", "MTLS") for l in own[0]["listeners"])
        if not (secure or tls["internal"] or keystore):
            raise PlanError("host %s: littlehorse_server_cert_file is set, but no listener of littlehorse_listeners "
                            "is TLS or MTLS and the internal port is not mutual TLS, so the servers would serve it "
                            "nowhere; unset littlehorse_server_cert_file and littlehorse_server_key_file, or add a "
                            "TLS or MTLS listener (or set littlehorse_internal_tls: true)" % host)
        if not tls["ca_cert_file"]:
            raise PlanError("host %s: littlehorse_server_cert_file needs littlehorse_ca_cert_file, the CA that signed "
                            "it (the servers and clients trust it); set littlehorse_ca_cert_file in group_vars/all "
                            "(and littlehorse_ca_key_file when the collection issues the other certificates)" % host)
        reached_at = []
        for server in own:
            for item in server["tls"]["reached_at"]:
                known = [r for r in reached_at if r["name"] == item["name"]]
                if known:
                    known[0]["why"] += "; " + item["why"]
                else:
                    reached_at.append(dict(item))
        given.append({"host": host, "containers": [s["container"] for s in own], "cert_file": str(files[0]),
                      "key_file": str(files[1]), "reached_at": reached_at,
                      "usages": ["server", "client"] if tls["internal"] or keystore else ["server"]})
    return given


def server_certificate(server, given, keystore):
    """What littlehorse.cluster.lh_pki keeps for one server: a certificate it issues with the server's names, or the
    user's (cert_file, key_file) whose SANs must cover every name the server's host is reached at; with a PKCS12
    keystore of it when the collection's Kafka asks the servers for their certificate (SSL)."""
    item = {"name": server["container"], "common_name": server["container"], "dns_names": server["tls"]["dns_names"],
            "ip_addresses": server["tls"]["ip_addresses"], "usages": ["server", "client"], "keystore": keystore}
    if given:
        names = [r["name"] for r in given["reached_at"]]
        item.update(cert_file=given["cert_file"], key_file=given["key_file"], usages=given["usages"],
                    dns_names=[n for n in names if not is_ipv4(n)], ip_addresses=[n for n in names if is_ipv4(n)])
    return item


def check_ca_key_not_needed(first, certificates, servers, kafka):
    """With littlehorse_ca_cert_file and no littlehorse_ca_key_file, every certificate must be given."""
    issued = [c["name"] for c in certificates if not c.get("cert_file")]
    if not issued:
        return
    kinds = dict((s["container"], "the server %s on %s (no littlehorse_server_cert_file there)"
                  % (s["container"], s["host"])) for s in servers)
    protocol = kafka["security"]["protocol"]
    kinds.update((n["container"], "the Kafka node %s (Kafka over %s)" % (n["container"], protocol))
                 for n in kafka["nodes"])
    what = ", ".join(kinds.get(n, "the client certificate %s (an MTLS listener)" % n) for n in issued)
    raise PlanError("host %s: littlehorse_ca_key_file is not set, but the collection must sign certificates with "
                    "your CA (littlehorse_ca_cert_file): %s; set littlehorse_ca_key_file to your CA's private key, or "
                    "give each of those servers' hosts littlehorse_server_cert_file and littlehorse_server_key_file "
                    "(the CA's key is needed anyway for the Kafka nodes' certificates and, with an MTLS listener, the "
                    "client file's)" % (first, what))


def secret_files(plan):
    """The secrets the inventory gives as files on the controller, as [{setting, variable, path, what, host}] (the
    preflight checks each is a file before anything changes; `variable` is the Vault variable to give instead): the
    OAuth client secrets (an OAUTH listener), the Kafka SASL password, the passwords of an external Kafka's stores,
    the dashboard's OAuth secrets (its OAUTH listener). Only those given as files."""
    first = plan["cluster"]["hosts"][0]
    oauth, stores, dashboard = plan["oauth"], plan["kafka"]["stores"], plan["dashboard"]
    dashboard_oauth = dashboard["oauth"] if dashboard and dashboard["oauth"] else None

    def user_store_password(store):
        return store["password_file"] if store and store["file"] else None  # the cluster's own stores are lh_pki's
    found = [
        ("littlehorse_oauth_client_secret_file", oauth and oauth["client_secret_file"],
         "the secret of the introspection client of the servers", first),
        ("littlehorse_oauth_worker_client_secret_file", oauth and oauth["worker_client_secret_file"],
         "the secret of the OAuth client of the workers", first),
        ("littlehorse_kafka_sasl_password_file", plan["kafka"]["security"]["password_file"],
         "the password of littlehorse_kafka_sasl_username", first),
        ("littlehorse_kafka_truststore_password_file", user_store_password(stores["truststore"]),
         "the password of littlehorse_kafka_truststore_file", first),
        ("littlehorse_kafka_keystore_password_file", user_store_password(stores["keystore"]),
         "the password of littlehorse_kafka_keystore_file", first),
        ("littlehorse_dashboard_oauth_client_secret_file", dashboard_oauth and dashboard_oauth["client_secret_file"],
         "the secret of the dashboard's OAuth client", dashboard and dashboard["host"]),
        ("littlehorse_dashboard_oauth_encrypt_secret_file", dashboard_oauth and dashboard_oauth["encrypt_secret_file"],
         "the key the dashboard encrypts its session cookies with", dashboard and dashboard["host"]),
    ]
    return [{"setting": setting, "variable": setting[:-len("_file")], "path": path, "what": what, "host": host}
            for setting, path, what, host in found if path]

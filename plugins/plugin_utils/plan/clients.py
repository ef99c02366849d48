# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The clients phase: where clients bootstrap on each listener, and the listener the generated client file uses."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.compat.version import LooseVersion
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import api_protocol
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import named_listener
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import PlanError


def clients_plan(inv, first, plan):
    """Where clients bootstrap, per listener ({name: {host, port, protocol, authentication, servers}}), and the
    one the generated client file uses (littlehorse_client_listener, the first listener by default). The load
    balancer fronts the first listener, so clients of that listener bootstrap through it."""
    servers, balancer = plan["servers"], plan["load_balancer"]
    names = [l["name"] for l in servers[0]["listeners"]]
    listeners = {}
    for position, name in enumerate(names):
        entries = [next(l for l in s["listeners"] if l["name"] == name) for s in servers]
        entry = {"name": name, "host": entries[0]["advertised_host"], "port": entries[0]["advertised_port"],
                 "protocol": entries[0]["protocol"], "authentication": entries[0]["authentication"],
                 "servers": ["%s:%d" % (l["advertised_host"], l["advertised_port"]) for l in entries],
                 # every server as a worker on this listener must be assigned it (lh_workflow_check's servers)
                 "members": [{"name": s["container"], "host": s["host"], "advertised_host": l["advertised_host"],
                              "advertised_port": l["advertised_port"]} for s, l in zip(servers, entries)]}
        if balancer and position == 0:
            entry.update(host=balancer["advertised_host"], port=balancer["port"])
        entry["bootstrap"] = "%s:%d" % (entry["host"], entry["port"])
        listeners[name] = entry
    chosen = named_listener(inv, first, "littlehorse_client_listener", names) or names[0]
    clients = dict(listeners[chosen])
    clients["listener"] = chosen
    clients["listeners"] = listeners
    return clients


def client_settings(clients, tls, oauth):
    """{listener: what a client of that listener needs}: {protocol (LHC_API_PROTOCOL: PLAINTEXT on a PLAIN listener,
    else TLS), ca_cert (the cluster's CA in tls.pki_dir, on TLS and MTLS), client_cert and client_key (the client
    file's certificate, on MTLS), oauth (on OAUTH: the clients' client id, token URL and the file of their secret,
    none when it is the Vault variable littlehorse_oauth_worker_client_secret)}. Paths on the controller, ~ not
    expanded; the generated client file (role client_config) and playbooks/verify.yml both read them."""
    settings = {}
    for name, entry in clients["listeners"].items():
        secure, mtls = entry["protocol"] != "PLAIN", entry["protocol"] == "MTLS"
        client = "%s/%s" % (tls["pki_dir"], tls["client_name"])
        settings[name] = {
            "protocol": api_protocol(entry["protocol"]),
            "ca_cert": tls["pki_dir"] + "/ca.crt" if secure else None,
            "client_cert": client + ".crt" if mtls else None,
            "client_key": client + ".key" if mtls else None,
            "oauth": {"client_id": oauth["worker_client_id"], "access_token_url": oauth["access_token_url"],
                      "client_secret_file": oauth["worker_client_secret_file"]}
            if entry["authentication"] == "OAUTH" and oauth else None}
    return settings


def client_properties(client, oauth_client_id="", oauth_access_token_url=""):
    """The LHC_* settings of a client of one listener (its plan entry clients.listeners[name].client), as the
    generated client file sets them, paths with ~ expanded: LHC_API_PROTOCOL, LHC_CA_CERT, LHC_CLIENT_CERT,
    LHC_CLIENT_KEY, LHC_OAUTH_CLIENT_ID, LHC_OAUTH_ACCESS_TOKEN_URL (oauth_client_id and oauth_access_token_url, the
    client_config role's own, win over the plan's)."""
    if not isinstance(client, Mapping) or "protocol" not in client:
        raise PlanError("client_properties: use it on a listener's client entry of the plan "
                        "(littlehorse_plan.clients.listeners[name].client)")
    properties = {"LHC_API_PROTOCOL": client["protocol"]}
    for key, name in (("ca_cert", "LHC_CA_CERT"), ("client_cert", "LHC_CLIENT_CERT"), ("client_key", "LHC_CLIENT_KEY")):
        if client.get(key):
            properties[name] = os.path.expanduser(client[key])
    if client.get("oauth"):
        properties.update(LHC_OAUTH_CLIENT_ID=oauth_client_id or client["oauth"]["client_id"],
                          LHC_OAUTH_ACCESS_TOKEN_URL=oauth_access_token_url or client["oauth"]["access_token_url"])
    return properties


# Servers before this release need the listener's name from workers (LHW_SERVER_CONNECT_LISTENER); later ones infer it.
CONNECT_LISTENER_BEFORE = "0.11.0"


def client_file(entry, protocol="", tenant="", worker_threads="", ca_cert="", client_cert="", client_key="",
                oauth_client_id="", oauth_access_token_url="", path="", oauth_secret_path="", server_version=""):
    """The client file of one listener (its plan entry clients.listeners[name]), as the role client_config writes it:
    KEY=VALUE lines that the clients and a shell read. The client settings are the plan's (client_properties); the
    role's own settings win - protocol, ca_cert, client_cert and client_key as given, oauth_client_id and
    oauth_access_token_url on any listener; tenant and worker_threads only when given. oauth_secret_path: the file
    that holds the OAuth client secret when there is one (the client file holds no secret, it says where the secret
    is); server_version: the servers' release."""
    if not isinstance(entry, Mapping) or "client" not in entry:
        raise PlanError("client_file: use it on a listener's entry of the plan (littlehorse_plan.clients.listeners[name])")
    properties = client_properties(entry["client"], oauth_client_id, oauth_access_token_url)
    given = (("LHC_API_PROTOCOL", protocol), ("LHC_TENANT_ID", tenant), ("LHW_NUM_WORKER_THREADS", worker_threads),
             ("LHC_CA_CERT", ca_cert), ("LHC_CLIENT_CERT", client_cert), ("LHC_CLIENT_KEY", client_key),
             ("LHC_OAUTH_CLIENT_ID", oauth_client_id), ("LHC_OAUTH_ACCESS_TOKEN_URL", oauth_access_token_url))
    properties.update((name, value) for name, value in given if value)
    lines = ["# Written by littlehorse.cluster (role client_config): a run of site.yml overwrites changes made here.",
             "# How task workers and lhctl reach the LittleHorse cluster (littlehorse.cluster.client_config).",
             "# Servers: %s" % ", ".join(entry["servers"]),
             "# Listener: %s (%s, authentication %s)" % (entry["name"], entry["protocol"], entry["authentication"]),
             "LHC_API_HOST=%s" % entry["host"], "LHC_API_PORT=%s" % entry["port"]]
    lines += ["%s=%s" % (name, properties[name]) for name, dummy in given if name in properties]
    if oauth_secret_path:
        lines += ["# The OAuth client secret (LHC_OAUTH_CLIENT_SECRET) is in %s (mode 0600): load" % oauth_secret_path,
                  "# both files - a shell: set -a; . %s; . %s; set +a -" % (path, oauth_secret_path),
                  "# or, in a worker, LHConfig.load() of each file (Python), or both files in one Properties (Java)."]
    if server_version and LooseVersion(str(server_version)) < LooseVersion(CONNECT_LISTENER_BEFORE):
        lines += ["# Servers before 0.11 need the listener name from workers; later ones infer it.",
                  "LHW_SERVER_CONNECT_LISTENER=%s" % entry["name"]]
    return "\n".join(lines) + "\n"


def client_summary(plan, path, targets_path=""):
    """What the role client_config says at the end of a run, as lines: where the cluster answers (the client
    bootstrap and every server), every server's readiness URL, how to point a worker or lhctl at the client file
    (`path`), and the Prometheus targets file (`targets_path`, empty for none)."""
    clients = plan["clients"]
    return [
        "LittleHorse answers at %s (%d servers: %s)." % (clients["bootstrap"], len(plan["servers"]),
                                                         ", ".join(clients["servers"])),
        "Health: %s" % "".join("http://%s:%s/readiness " % (server["listeners"][0]["advertised_host"],
                                                            server["health_port"]) for server in plan["servers"]),
        "Point a task worker or lhctl at it: set -a; . %s; set +a" % path,
        "Prometheus: file_sd_configs [{files: [%s]}] scrapes every server." % targets_path if targets_path
        else "No Prometheus targets file (client_config_prometheus_targets_path is empty)."]

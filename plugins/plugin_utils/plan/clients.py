# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The clients phase: where clients bootstrap on each listener, and the listener the generated client file uses."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

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

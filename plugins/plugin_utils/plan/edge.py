# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The edge phase: the dashboard (its listener, where it is published, the target it dials, its OAuth settings)
and the load balancer in front of the servers' first listener."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._names import is_loopback, published_port
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import named_listener, secret_source
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import (
    DASHBOARD_GROUP, LOAD_BALANCER_GROUP, OAUTH_URL, PlanError)

# The dashboard's OAuth settings besides its two secrets: (setting, what it is, whether it is a URL).
DASHBOARD_OAUTH_SETTINGS = (
    ("littlehorse_dashboard_oauth_client_id", "the client id the dashboard signs its users in as (LHD_OAUTH_CLIENT_ID)",
     False),
    ("littlehorse_dashboard_oauth_issuer_uri", "the identity provider's issuer URI as the dashboard reaches it "
     "(LHD_OAUTH_ISSUER_URI), e.g. https://idp.example.com/realms/lh", True),
    ("littlehorse_dashboard_oauth_callback_url", "the dashboard's URL as its users' browsers reach it, where the "
     "identity provider sends them back (LHD_OAUTH_CALLBACK_URL), e.g. http://dashboard.example.com:8080", True),
)
DASHBOARD_OAUTH_SECRETS = (
    ("littlehorse_dashboard_oauth_client_secret", "client_secret", "the secret of the dashboard's OAuth client"),
    ("littlehorse_dashboard_oauth_encrypt_secret", "encrypt_secret", "the key the dashboard encrypts its session "
     "cookies with (LHD_OAUTH_ENCRYPT_SECRET, a long random string)"),
)


def dashboard_oauth(inv, host, listener):
    """The dashboard's OAuth settings when its listener is OAUTH, else None (and then none may be set): {client_id,
    issuer_uri, callback_url, client_secret_inline, client_secret_file, encrypt_secret_inline, encrypt_secret_file};
    no secret value."""
    where = "the dashboard's listener %s (littlehorse_dashboard_listener)" % listener["name"]
    oauth = listener["authentication"] == "OAUTH"
    needed_by = ("%s: authentication OAUTH" % where) if oauth else None
    values = {}
    for setting, key, what in DASHBOARD_OAUTH_SECRETS:
        source = secret_source(inv, host, setting, needed_by, what)
        values.update({key + "_inline": source["inline"], key + "_file": source["file"]})
    given = [name for name, _what, _url in DASHBOARD_OAUTH_SETTINGS if inv.raw(host, name) not in (None, "")] + [
        name if values[key + "_inline"] else name + "_file" for name, key, _what in DASHBOARD_OAUTH_SECRETS
        if values[key + "_inline"] or values[key + "_file"]]
    if not oauth:
        if given:
            raise PlanError("host %s: %s %s set, but %s has authentication %s, so the dashboard would not use %s; "
                            "remove %s, or set littlehorse_dashboard_listener to an OAUTH listener"
                            % (host, ", ".join(given), "are" if len(given) > 1 else "is", where,
                               listener["authentication"], "them" if len(given) > 1 else "it",
                               "them" if len(given) > 1 else "it"))
        return None
    for name, what, url in DASHBOARD_OAUTH_SETTINGS:
        value = inv.raw(host, name)
        value = "" if value is None else str(value).strip()
        if not value:
            raise PlanError("host %s: %s: authentication OAUTH needs %s, which is not set; set it to %s"
                            % (host, where, name, what))
        if url and not OAUTH_URL.match(value):
            raise PlanError("host %s: %s '%s' is not an http:// or https:// URL; set it to %s" % (host, name, value, what))
        values[name[len("littlehorse_dashboard_oauth_"):]] = value
    return values


def dashboard_plan(inv, first, servers, balancer, single, prefix):
    """The dashboard on the one host of its group, or None. It uses littlehorse_dashboard_listener (default:
    littlehorse_client_listener, else the first listener): PLAINTEXT on a PLAIN listener, TLS with the cluster's CA on
    a TLS one, and with a client certificate of its own on an MTLS one (the security phase adds them); on an OAUTH listener its
    OAuth settings (dashboard_oauth). It reaches the cluster through the load balancer when that fronts its listener
    (dashboard_target), else through a server on its host (else the first); it is published where
    dashboard_bind says."""
    hosts = inv.hosts(DASHBOARD_GROUP)
    if not hosts:
        return None
    if len(hosts) > 1:
        raise PlanError("inventory: group '%s' has %d hosts (%s); the dashboard runs on one host"
                        % (DASHBOARD_GROUP, len(hosts), ", ".join(hosts)))
    host = hosts[0]
    server = next((s for s in servers if s["host"] == host), servers[0])
    names = [l["name"] for l in server["listeners"]]
    chosen = (named_listener(inv, host, "littlehorse_dashboard_listener", names)
              or named_listener(inv, first, "littlehorse_client_listener", names) or names[0])
    listener = next(l for l in server["listeners"] if l["name"] == chosen)
    port = inv.int(host, "littlehorse_dashboard_port", 1)
    bind = dashboard_bind(inv, host, listener)
    target = dashboard_target(server, listener, balancer, single)
    return {"host": host, "container": "%s-dashboard" % prefix, "port": port, "bind": bind,
            "health_host": inv.probe_host(host) if bind == "0.0.0.0" else bind, "wait_host": inv.wait_host(host),
            "published_ports": [published_port(bind, port, 3000)],
            "listener": chosen, "protocol": listener["protocol"], "authentication": listener["authentication"],
            "api_host": target["api_host"], "api_port": target["api_port"], "target": target,
            "oauth": dashboard_oauth(inv, host, listener), "tls": None}


def dashboard_bind(inv, host, listener):
    """Where the dashboard is published. Behind an OAUTH listener (its users sign in) or with
    littlehorse_dashboard_allow_unauthenticated, where the host publishes its ports (littlehorse_bind_address, every
    address by default). Otherwise it has no login and runs workflows for anyone who reaches it: on loopback -
    littlehorse_bind_address when that is a loopback address, else 127.0.0.1 - and a public littlehorse_bind_address
    is refused rather than overridden, so the host's one bind setting never means two things."""
    if listener["authentication"] == "OAUTH" or inv.bool(host, "littlehorse_dashboard_allow_unauthenticated"):
        return inv.bind(host)
    if not str(inv.raw(host, "littlehorse_bind_address") or "").strip():
        address = "127.0.0.1"
    elif is_loopback(inv.bind(host)):
        address = inv.bind(host)
    else:
        raise PlanError("host %s: the dashboard uses listener %s (authentication %s), so it has no login and anyone "
                        "who reaches it can run workflows, and littlehorse_bind_address %s would publish it there; put "
                        "the dashboard on an OAUTH listener (littlehorse_dashboard_listener, with its "
                        "littlehorse_dashboard_oauth_* settings), or set littlehorse_dashboard_allow_unauthenticated: "
                        "true on %s to publish it on %s without a login"
                        % (host, listener["name"], listener["authentication"], inv.bind(host), host, inv.bind(host)))
    if inv.remote_engine(host):
        raise PlanError("host %s: the dashboard uses listener %s (authentication %s), so it has no login and is "
                        "published on %s only, but littlehorse_docker_host has the collection reach this host's engine "
                        "from elsewhere, where that address is not this host and the dashboard cannot be checked; put "
                        "the dashboard on an OAUTH listener (littlehorse_dashboard_listener), or set "
                        "littlehorse_dashboard_allow_unauthenticated: true on %s to publish it on %s without a login"
                        % (host, listener["name"], listener["authentication"], address, host, inv.bind(host)))
    return address


def dashboard_target(server, listener, balancer, single):
    """Where the dashboard reaches the cluster: {api_host, api_port, via, host, container} - `host` and `container`
    the machine and container that answer at api_host:api_port (the reach check dials them). Through the load
    balancer when it fronts the dashboard's listener (each server's first), so the loss of one server leaves the
    dashboard up: across hosts at the balancer's advertised address, which every server's certificate names (TCP
    passthrough: the dashboard checks the server's certificate against it), on one engine at its container name on the
    cluster network - there for a PLAIN listener only, as the servers' certificates do not name the balancer's
    container (naming it would re-issue them). Otherwise the server: by container name on one engine, else at its
    advertised address."""
    fronted = balancer and listener["name"] == server["listeners"][0]["name"]
    if fronted and not single:
        return {"via": "load_balancer", "host": balancer["host"], "container": balancer["container"],
                "api_host": balancer["advertised_host"], "api_port": balancer["port"]}
    if fronted and listener["protocol"] == "PLAIN":
        return {"via": "load_balancer", "host": balancer["host"], "container": balancer["container"],
                "api_host": balancer["container"], "api_port": balancer["port"]}
    return {"via": "server", "host": server["host"], "container": server["container"],
            "api_host": server["container"] if single else listener["advertised_host"],
            "api_port": listener["port"] if single else listener["advertised_port"]}


def load_balancer_plan(inv, servers, single, prefix):
    """The one load balancer in front of every server's public listener, or None (no host in its group)."""
    hosts = inv.hosts(LOAD_BALANCER_GROUP)
    if not hosts:
        return None
    if len(hosts) > 1:
        raise PlanError("inventory: group '%s' has %d hosts (%s); clients take one bootstrap address, so the load "
                        "balancer runs on one host: keep one of them in the group"
                        % (LOAD_BALANCER_GROUP, len(hosts), ", ".join(hosts)))
    host = hosts[0]
    port = inv.int(host, "littlehorse_load_balancer_port", 1)
    bind = inv.bind(host)
    backends = []
    for server in servers:
        listener = server["listeners"][0]
        # One engine: the servers by container name and container port on the cluster network.
        backends.append({"name": server["container"],
                         "host": server["container"] if single else listener["advertised_host"],
                         "port": listener["port"] if single else listener["advertised_port"],
                         "health_port": server["health_port"]})
    return {"host": host, "container": "%s-lb" % prefix, "port": port, "bind": bind,
            "published_ports": [published_port(bind, port)],
            "health_host": inv.probe_host(host), "wait_host": inv.wait_host(host),
            "advertised_host": inv.advertised_host(host), "backends": backends}

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The load balancer's typed options -> haproxy.cfg (TCP in front of every server's public
listener, each server checked on its health port) and the container that runs it.

HAProxy runs master-worker (-W): a rewritten configuration is loaded with SIGUSR2 without
dropping the connections that are open (workers keep gRPC poll streams open for long), so the
configuration file is a reloadable mount, not part of what re-creates the container."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    ContainerSpec, Mount, host_files_dir, tcp_probe, write_file)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import check_port
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_kwargs

CONFIG_TARGET = "/usr/local/etc/haproxy/haproxy.cfg"
CONFIG_NAME = "haproxy.cfg"
BALANCES = ("roundrobin", "leastconn")
RELOAD_SIGNAL = "SIGUSR2"
STOP_TIMEOUT = 15
REQUIRED = ("image", "backends")
# HAProxy identifiers (proxy and server names) and the addresses a backend may have.
SERVER_NAME = re.compile(r"^[A-Za-z0-9_.:-]+$")
BACKEND_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$")
HEALTH_PATH = re.compile(r"^/[A-Za-z0-9._~/%-]*$")


def argument_spec():
    return dict(
        port=dict(type="int", default=2023),
        backends=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            host=dict(type="str", required=True),
            port=dict(type="int", required=True),
            health_port=dict(type="int", required=True),
        )),
        balance=dict(type="str", default="leastconn", choices=list(BALANCES)),
        health_path=dict(type="str", default="/readiness"),
        connect_timeout=dict(type="int", default=5),
        idle_timeout=dict(type="int", default=3600),
        drain_timeout=dict(type="int", default=10),
        check_interval=dict(type="int", default=2),
        check_fall=dict(type="int", default=2),
        check_rise=dict(type="int", default=2),
        max_connections=dict(type="int", default=4000),
        stats_port=dict(type="int"),
        config_dir=dict(type="path"),
    )


def _at_least(option, value, low, fix):
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise LHClusterError("%s: %r must be a whole number of at least %d; %s" % (option, value, low, fix))


def validate(params):
    check_port("port", params["port"])
    check_port("stats_port", params["stats_port"])
    if params["stats_port"] is not None and params["stats_port"] == params["port"]:
        raise LHClusterError("stats_port: %d is also the listen port (port); give the statistics page another port"
                             % params["port"])
    backends = params["backends"]
    if not backends:
        raise LHClusterError("backends: give at least one server, e.g. {name: lh-server-1, host: lh-server-1, "
                             "port: 2023, health_port: 1822}")
    names, addresses = {}, {}
    for index, backend in enumerate(backends):
        where = "backends[%d]" % index
        name = backend.get("name")
        if not name or not SERVER_NAME.match(str(name)):
            raise LHClusterError("%s.name: %r may hold only letters, digits and '.', '_', '-', ':' (HAProxy names the "
                                 "server with it); use the server's container name" % (where, name))
        if name in names:
            raise LHClusterError("%s.name: '%s' is also the name of backends[%d]; give every backend its own name"
                                 % (where, name, names[name]))
        names[name] = index
        host = backend.get("host")
        if not host or ":" in str(host) or not BACKEND_HOST.match(str(host)):
            raise LHClusterError("%s.host: %r is not a host name or IPv4 address (no port, no IPv6 literal); give the "
                                 "server's advertised host, or its container name on one Docker network"
                                 % (where, host))
        check_port(where + ".port", backend.get("port"))
        check_port(where + ".health_port", backend.get("health_port"))
        if backend.get("port") is None or backend.get("health_port") is None:
            raise LHClusterError("%s: give port (the server's public listener) and health_port (where it answers "
                                 "GET %s)" % (where, params["health_path"]))
        address = "%s:%d" % (host, backend["port"])
        if address in addresses:
            raise LHClusterError("%s: %s is also backends[%d]; list every server once" % (where, address,
                                                                                          addresses[address]))
        addresses[address] = index
    if params["balance"] not in BALANCES:
        raise LHClusterError("balance: '%s' is not one of %s" % (params["balance"], ", ".join(BALANCES)))
    if not params["health_path"] or not HEALTH_PATH.match(params["health_path"]):
        raise LHClusterError("health_path: %r is not a URL path such as /readiness" % (params["health_path"],))
    _at_least("connect_timeout", params["connect_timeout"], 1, "seconds to wait for a server to accept")
    _at_least("idle_timeout", params["idle_timeout"], 1, "keep it long (e.g. 3600): task workers hold their poll "
              "streams open")
    _at_least("drain_timeout", params["drain_timeout"], 1, "seconds the old workers keep open connections on a "
              "reload or stop")
    _at_least("check_interval", params["check_interval"], 1, "seconds between two health checks of a server")
    _at_least("check_fall", params["check_fall"], 1, "failed checks before a server is taken out")
    _at_least("check_rise", params["check_rise"], 1, "passed checks before a server is taken back")
    _at_least("max_connections", params["max_connections"], 1, "the most connections HAProxy holds at once")


def render(params):
    """The haproxy.cfg text of the options; validates first."""
    validate(params)
    check = "inter %ds fall %d rise %d" % (params["check_interval"], params["check_fall"], params["check_rise"])
    lines = [
        "# Written by littlehorse.cluster.lh_load_balancer for container %s; a change is overwritten." % params["name"],
        "global",
        "    log stdout format raw local0 notice",
        "    maxconn %d" % params["max_connections"],
        # Old workers keep serving open streams after a reload or on a graceful stop, this long at most.
        "    hard-stop-after %ds" % params["drain_timeout"],
        "",
        # Names are looked up again while HAProxy runs: a re-created server keeps its name, not its address.
        "resolvers system",
        "    parse-resolv-conf",
        "    hold valid 10s",
        "",
        "defaults",
        "    mode tcp",
        "    log global",
        "    option dontlognull",
        "    option redispatch",
        "    retries 2",
        "    timeout connect %ds" % params["connect_timeout"],
        "    timeout client %ds" % params["idle_timeout"],
        "    timeout server %ds" % params["idle_timeout"],
        "    timeout check %ds" % params["check_interval"],
        "",
        "frontend littlehorse",
        "    bind :%d" % params["port"],
        "    default_backend littlehorse_servers",
        "",
        "backend littlehorse_servers",
        "    balance %s" % params["balance"],
        "    option httpchk",
        "    http-check send meth GET uri %s" % params["health_path"],
        "    http-check expect status 200",
        "    default-server %s resolvers system resolve-prefer ipv4 init-addr libc,none" % check,
    ]
    for backend in params["backends"]:
        lines.append("    server %s %s:%d check port %d"
                     % (backend["name"], backend["host"], backend["port"], backend["health_port"]))
    if params["stats_port"] is not None:
        lines += [
            "",
            "frontend stats",
            "    mode http",
            "    bind :%d" % params["stats_port"],
            "    timeout client 30s",
            "    stats enable",
            "    stats uri /stats",
            "    stats refresh 5s",
        ]
    return "\n".join(lines) + "\n"


def config_path(params):
    return os.path.join(host_files_dir(params["config_dir"], params["name"]), CONFIG_NAME)


def write_config(path, content, check_mode):
    """0644 (HAProxy reads it as its own user), rewritten in place; True when it (would) change."""
    return write_file(path, content, 0o644, 0o755, check_mode)


def build_spec(params, check_mode=False):
    config = render(params)
    path = config_path(params)
    written = [path] if write_config(path, config, check_mode) else []
    mounts = [Mount(CONFIG_TARGET, host_path=path, read_only=True, content=config, reloadable=True)]
    spec = ContainerSpec(mounts=mounts, health=tcp_probe(params["port"]), reload_signal=RELOAD_SIGNAL,
                         **container_kwargs(params))
    return spec, {"files_written": written, "config": config, "config_path": path}

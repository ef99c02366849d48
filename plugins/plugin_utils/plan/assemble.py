# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster plan, assembled from its phases: which instances run on which host, with ids, ports and advertised
hosts (plugins/filter/cluster_plan.yml documents its shape).

One pure function of the inventory (groups + hostvars). Ids are stable: a host's ids come from the host itself
(pinned ids, a pinned base, or a base derived from its name), never from its position in a group, so adding a host
renumbers nothing that exists. The plan is validated as a whole; every error names the host, the setting and the fix.

The phases, in the order they run (each its own module of this package; each takes what it needs and returns new
data, and the assembly below composes their results - no phase changes another's):
settings (settings.py) -> inventory (inventory.py) -> kafka -> servers -> security: OAuth -> edge (load balancer,
dashboard) -> images -> network (probes, reach, resolve, addresses) -> preflight (members) -> monitoring (Kafka's metrics, Prometheus) ->
network (ports) -> clients -> security: TLS -> module
options -> limits and JVM.

Each entry of the plan carries exactly what the collection's modules take, so a role hands it over unchanged:
- kafka.nodes[].options  -> littlehorse.cluster.lh_kafka_node
- servers[].options      -> littlehorse.cluster.lh_server
- dashboard.options      -> littlehorse.cluster.lh_dashboard (no secret: the role adds the OAuth secrets)
- load_balancer.options  -> littlehorse.cluster.lh_load_balancer (port, backends, published_ports); None without one
- monitoring.options     -> littlehorse.cluster.lh_prometheus (scrape jobs, retention, published ports)
each with the options the cluster shares (network, log limits, ids, the Kafka connection: shared_options), one item
of the module's `instances`
- probes[host]           -> littlehorse.cluster.lh_server_info (servers): every server's health port as a check that
                            runs for that host reaches it - loopback only for the host's own servers
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.clients import client_settings, clients_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.edge import dashboard_plan, load_balancer_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.images import image_plan, looked_at_images
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import Inventory
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.kafka import kafka_plan, node_identities
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.limits import jvm_plan, limits_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.monitoring import (
    MONITORING_GROUP, check_monitoring_reach, monitoring_plan)
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.network import (
    address_plan, check_advertised_across_hosts, check_bind_across_hosts, check_external_kafka_reach,
    check_load_balancer_across_hosts, check_ports, ports_by_host, probe_plan, reach_plan, resolve_plan)
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.options import (
    check_kafka_properties, check_server_env, dashboard_options, kafka_node_options, load_balancer_options,
    monitoring_options, server_options, shared_options)
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.preflight import cluster_members
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.security import oauth_plan, secret_files, tls_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.servers import (
    cluster_section, server_identities, server_plan)
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import (
    DASHBOARD_GROUP, KAFKA_GROUP, LOAD_BALANCER_GROUP, PREFIX, SERVER_GROUP, PlanError, check_cluster_wide,
    check_known_settings, check_role_cluster_wide)


def _hosts(inv):
    """Every host of the cluster's groups, each once, in the groups' order; the first reads the cluster-wide settings."""
    hosts = []
    for group in (SERVER_GROUP, KAFKA_GROUP, DASHBOARD_GROUP, LOAD_BALANCER_GROUP, MONITORING_GROUP):
        hosts.extend(h for h in inv.hosts(group) if h not in hosts)
    if not hosts:
        raise PlanError("inventory: group '%s' has no host; add the hosts that run LittleHorse servers" % SERVER_GROUP)
    return hosts


def _prefix_and_engine(inv, first, hosts):
    """(littlehorse_prefix, whether everything runs on one engine), checked."""
    prefix = str(inv.raw(first, "littlehorse_prefix"))
    if not PREFIX.match(prefix):
        raise PlanError("littlehorse_prefix: '%s' must start with a lower-case letter or digit and hold only "
                        "a-z, 0-9, '_', '.', '-' (it names containers, volumes and the network)" % prefix)
    if inv.raw(first, "littlehorse_single_engine") is None:
        single = len(hosts) == 1
    else:
        single = inv.bool(first, "littlehorse_single_engine")
    if single and len(hosts) > 1:
        raise PlanError("littlehorse_single_engine is true but the cluster spans %d hosts (%s); set it false (each "
                        "host then publishes and advertises its own address) or put everything on one host"
                        % (len(hosts), ", ".join(hosts)))
    return prefix, single


def cluster_plan(groups, hostvars):
    """groups | littlehorse.cluster.cluster_plan(hostvars) -> the plan (see the module docstring)."""
    if not isinstance(groups, Mapping) or not isinstance(hostvars, Mapping):
        raise PlanError("cluster_plan: use it as groups | littlehorse.cluster.cluster_plan(hostvars)")
    inv = Inventory(groups, hostvars)
    hosts = _hosts(inv)
    first = hosts[0]
    check_known_settings(inv, hosts)
    check_cluster_wide(inv, hosts)
    check_role_cluster_wide(inv)
    check_monitoring_reach(inv)
    prefix, single = _prefix_and_engine(inv, first, hosts)
    across_hosts = not single and len(hosts) > 1
    if across_hosts:
        check_bind_across_hosts(inv, hosts)

    kafka = kafka_plan(inv, first, single, prefix)
    servers = server_plan(inv, first, single, prefix)
    oauth = oauth_plan(inv, first, servers[0]["listeners"])
    if across_hosts:
        check_advertised_across_hosts(first, servers, kafka)
    check_external_kafka_reach(first, kafka)
    check_server_env(inv, servers)
    cluster = dict(cluster_section(inv, first, kafka, servers, prefix, single, hosts),
                   allow_destructive_changes=inv.bool(first, "littlehorse_allow_destructive_changes"))
    identities = server_identities(servers, cluster)
    servers = [dict(server, identity=identities[server["container"]]) for server in servers]
    nodes = node_identities(kafka)
    kafka = dict(kafka, nodes=[dict(node, **nodes[node["container"]]) for node in kafka["nodes"]])

    balancer = load_balancer_plan(inv, servers, single, prefix)
    dashboard = dashboard_plan(inv, first, servers, balancer, single, prefix)
    if across_hosts:
        check_load_balancer_across_hosts(balancer)
    plan = {"cluster": cluster, "kafka": kafka, "servers": servers, "oauth": oauth, "load_balancer": balancer,
            "dashboard": dashboard, "warnings": image_plan(inv, first), "probes": probe_plan(servers, hosts)}
    plan["images"] = looked_at_images(inv, hosts)
    plan["reach"] = reach_plan(plan, inv)
    plan["resolve"] = resolve_plan(plan, inv)
    plan["addresses"] = address_plan(plan, inv)
    plan["members"] = cluster_members(plan)
    plan = monitoring_plan(inv, plan)
    plan["ports"] = ports_by_host(check_ports(plan, inv, first), hosts)
    plan["clients"] = clients_plan(inv, first, plan)
    return _secured(inv, first, plan)


def _secured(inv, first, plan):
    """The plan with the security phase's TLS, the clients' settings, the module options and the limits composed in."""
    security = tls_plan(inv, first, plan)
    servers = [dict(server, **security["servers"][server["container"]]) for server in plan["servers"]]
    servers = [dict(server, options=server_options(server)) for server in servers]
    kafka = dict(plan["kafka"], stores=security["kafka_stores"],
                 nodes=[dict(node, tls=security["nodes"][node["container"]]) for node in plan["kafka"]["nodes"]])
    kafka["nodes"] = [dict(node, options=kafka_node_options(node)) for node in kafka["nodes"]]
    dashboard = plan["dashboard"]
    if dashboard:
        dashboard = dict(dashboard, tls=security["dashboard_tls"])
        dashboard["options"] = dashboard_options(dashboard)
    settings = client_settings(plan["clients"], security["tls"], plan["oauth"])
    clients = dict(plan["clients"], client=settings[plan["clients"]["listener"]], listeners=dict(
        (name, dict(entry, client=settings[name])) for name, entry in plan["clients"]["listeners"].items()))
    plan = dict(plan, tls=security["tls"], servers=servers, kafka=kafka, dashboard=dashboard, clients=clients)
    plan["secret_files"] = secret_files(plan)

    limits = limits_plan(inv, first, plan)
    jvm = jvm_plan(inv, servers)
    plan["cluster"] = dict(plan["cluster"], log=limits["log"])
    plan["servers"] = [dict(server, memory=limits["servers"][server["container"]]["memory"],
                            options=dict(server["options"], **dict(limits["servers"][server["container"]]["options"],
                                                                   **jvm[server["container"]])))
                       for server in servers]
    kafka["nodes"] = [dict(node, memory=limits["nodes"][node["container"]]["memory"],
                           options=dict(node["options"], **limits["nodes"][node["container"]]["options"]))
                      for node in kafka["nodes"]]
    for role in ("dashboard", "load_balancer", "monitoring"):
        if plan[role]:
            plan[role] = dict(plan[role], **limits[role])
    plan = _with_shared_options(plan)
    check_kafka_properties(inv, plan)
    return plan


def _with_shared_options(plan):
    """The plan with the options each kind of container shares in every entry's module options (options phase), and
    the load balancer's and Prometheus's options."""
    shared = shared_options(plan)
    plan = dict(plan, servers=[dict(s, options=dict(shared["server"], **s["options"])) for s in plan["servers"]],
                kafka=dict(plan["kafka"], nodes=[dict(n, options=dict(shared["kafka"], **n["options"]))
                                                 for n in plan["kafka"]["nodes"]]))
    if plan["dashboard"]:
        plan["dashboard"] = dict(plan["dashboard"], options=dict(shared["dashboard"], **plan["dashboard"]["options"]))
    for role, options in (("load_balancer", load_balancer_options), ("monitoring", monitoring_options)):
        if plan[role]:
            plan[role] = dict(plan[role], options=options(plan))
    return plan

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prometheus file_sd targets of a cluster plan: every LittleHorse server's /metrics on its health port.

Only the servers export Prometheus metrics: the Kafka image the collection deploys (Apache Kafka's) exposes its
metrics over JMX only, and neither the dashboard nor the load balancer is configured to export any.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six.moves.collections_abc import Mapping

METRICS_PATH = "/metrics"
WILDCARDS = ("", "0.0.0.0")


def scrape_host(server):
    """Where the server's health port answers from other machines: the address it is published on, or, published
    on every address, the host's advertised address (the one clients reach it at)."""
    health = int(server["health_port"])
    for spec in server.get("published_ports") or []:
        head = str(spec).split("/", 1)[0]
        parts = head.rsplit(":", 2)
        if len(parts) == 3 and parts[1] == str(health) and parts[2] == str(health):
            if parts[0] not in WILDCARDS:
                return parts[0]
            break
    return server["listeners"][0]["advertised_host"]


def prometheus_targets(plan):
    """plan | littlehorse.cluster.prometheus_targets -> [{targets: [host:port], labels: {...}}], one per server."""
    if not isinstance(plan, Mapping) or not isinstance(plan.get("cluster"), Mapping) or "servers" not in plan:
        raise AnsibleFilterError("prometheus_targets: use it as littlehorse_plan | littlehorse.cluster.prometheus_targets "
                                 "(the plan of littlehorse.cluster.cluster_plan)")
    groups = []
    for server in plan["servers"] or []:
        groups.append({
            "targets": ["%s:%d" % (scrape_host(server), int(server["health_port"]))],
            "labels": {
                "__metrics_path__": METRICS_PATH,
                "littlehorse_prefix": str(plan["cluster"]["prefix"]),
                "littlehorse_cluster_id": str(plan["cluster"]["id"]),
                "littlehorse_component": "server",
                "littlehorse_instance_id": str(server["instance_id"]),
                "inventory_host": str(server["host"]),
                "container": str(server["container"]),
            },
        })
    return groups


class FilterModule(object):
    def filters(self):
        return {"prometheus_targets": prometheus_targets}

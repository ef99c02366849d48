# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the preflight's host look (littlehorse.cluster.lh_host_info) must check of the plan's entries on a host."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import PlanError


def host_look_options(entries, memory=True, identity=True):
    """The options of lh_host_info for the plan's entries on one host (servers, Kafka nodes, dashboard, load
    balancer): {containers, ports, volumes, memory, identity, protocols}, each keyed by container where the module
    takes a dict. memory false: no memory limits are added up ({}); identity false (littlehorse_allow_destructive_changes):
    no container's identity is compared ({})."""
    if not isinstance(entries, list) or not all(isinstance(entry, Mapping) and "container" in entry for entry in entries):
        raise PlanError("host_look_options: use it on a list of the plan's entries (servers, kafka.nodes, dashboard, "
                        "load_balancer), each with its container")
    return {
        "containers": [entry["container"] for entry in entries],
        "ports": dict((entry["container"], entry.get("published_ports") or []) for entry in entries),
        "volumes": [entry["volume"] for entry in entries if entry.get("volume")],
        "memory": dict((entry["container"], entry.get("memory") or 0) for entry in entries) if memory else {},
        "identity": dict((entry["container"], entry["identity"]) for entry in entries
                         if entry.get("identity") is not None) if identity else {},
        "protocols": dict((entry["container"], entry["listener_protocols"]) for entry in entries
                          if entry.get("listener_protocols") is not None),
    }


def cluster_members(plan):
    """How a host look (lh_host_info's members) recognises this cluster's containers that the plan no longer puts on a
    host: {server, kafka}, each {name_prefix, env, value} - a container whose name starts with name_prefix and whose
    environment holds env=value is this cluster's; kafka is none with an external Kafka."""
    prefix = plan["cluster"]["prefix"]
    return {"server": {"name_prefix": prefix + "-server-", "env": "LHS_CLUSTER_ID", "value": plan["cluster"]["id"]},
            "kafka": None if plan["kafka"]["external"] else {
                "name_prefix": prefix + "-kafka-", "env": "CLUSTER_ID", "value": plan["kafka"]["cluster_id"]}}


def host_look(plan, host, images=(), archive=False, memory=True, reach=True, resolve=True):
    """The host's slice of the plan as lh_host_info's `plan` option: host_look_options of the plan's entries on `host`
    (its servers, Kafka nodes, load balancer, Prometheus, and the dashboard when `images` name its image - without an
    image it is left out, its port not looked at either), with the addresses the host's ports are planned on, the
    images to look for (`images`: {image, variable, required, pull}, each once, from the image archives when
    `archive`), the cluster's members and - unless switched off - the peers to reach and the names to resolve.
    memory false: no memory limits are added up; the identities are compared unless the plan allows destructive
    changes."""
    if not isinstance(plan, Mapping) or "cluster" not in plan or "servers" not in plan:
        raise PlanError("host_look: use it as littlehorse_plan | littlehorse.cluster.host_look(inventory_hostname, "
                        "images)")
    images = list(images or [])
    singles = [plan.get("load_balancer"), plan.get("monitoring")]
    if plan.get("dashboard") and any(image.get("variable") == "dashboard_image" for image in images):
        singles.insert(0, plan["dashboard"])
    entries = [entry for entry in plan["servers"] + list(plan["kafka"].get("nodes") or []) + singles
               if entry and entry.get("host") == host]
    look = host_look_options(entries, memory=memory, identity=not plan["cluster"]["allow_destructive_changes"])
    looked_for = []
    for image in images:
        if dict(image, archive=bool(archive)) not in looked_for:
            looked_for.append(dict(image, archive=bool(archive)))
    look.update(addresses=(plan.get("addresses") or {}).get(host) or {}, images=looked_for,
                peers=(plan.get("reach") or {}).get(host) or [] if reach else [],
                resolve=(plan.get("resolve") or {}).get(host) or [] if resolve else [],
                members=[member for member in (plan.get("members") or {}).values() if member])
    return look

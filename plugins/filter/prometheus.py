# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prometheus file_sd targets of a cluster plan: every LittleHorse server's /metrics on its health port, for a
Prometheus of the user's own (the monitoring role configures its own Prometheus from the same labels and addresses,
plugins/module_utils/_monitoring_plan.py, and adds the Kafka nodes' exporters).

certificates | littlehorse.cluster.certificate_expiries -> each certificate that littlehorse.cluster.lh_pki returned,
once, as lh_prometheus's certificates option takes it ({name, not_after}).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._monitoring_plan import (
    METRICS_PATH, scrape_host, server_labels)


def prometheus_targets(plan):
    """plan | littlehorse.cluster.prometheus_targets -> [{targets: [host:port], labels: {...}}], one per server."""
    if not isinstance(plan, Mapping) or not isinstance(plan.get("cluster"), Mapping) or "servers" not in plan:
        raise AnsibleFilterError("prometheus_targets: use it as littlehorse_plan | littlehorse.cluster.prometheus_targets "
                                 "(the plan of littlehorse.cluster.cluster_plan)")
    groups = []
    for server in plan["servers"] or []:
        groups.append({
            "targets": ["%s:%d" % (scrape_host(server), int(server["health_port"]))],
            "labels": dict(server_labels(plan, server), __metrics_path__=METRICS_PATH),
        })
    return groups


def certificate_expiries(certificates):
    """[{name, not_after}] of the certificates lh_pki returned (each with more keys), each name once (its last)."""
    if not isinstance(certificates, list) or not all(isinstance(c, Mapping) and "name" in c and "not_after" in c
                                                     for c in certificates):
        raise AnsibleFilterError("certificate_expiries: use it on the certificates littlehorse.cluster.lh_pki returns, "
                                 "each with name and not_after")
    expiries = {}
    for certificate in certificates:
        expiries[certificate["name"]] = certificate["not_after"]
    return [{"name": name, "not_after": not_after} for name, not_after in expiries.items()]


class FilterModule(object):
    def filters(self):
        return {"certificate_expiries": certificate_expiries, "prometheus_targets": prometheus_targets}

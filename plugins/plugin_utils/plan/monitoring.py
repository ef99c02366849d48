# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitoring phase: each Kafka node's metrics (the JMX exporter's agent and its published port), the Prometheus
of the littlehorse_monitoring group and its scrape targets, and what the monitoring host must reach. Its rules are in
plugins/module_utils/_monitoring_plan.py; this phase composes their results into a new plan."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._monitoring_plan import (
    MONITORING_GROUP, check_reach, kafka_metrics, monitoring_entry, monitoring_host, reach_of_monitoring)
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import (
    KAFKA_GROUP, SERVER_GROUP, PlanError)

__all__ = ("MONITORING_GROUP", "check_monitoring_reach", "monitoring_plan")


def check_monitoring_reach(inv):
    """Before the plan's other phases: a monitoring host that could not scrape a Kafka or server host at all."""
    try:
        check_reach(inv, (KAFKA_GROUP, SERVER_GROUP))
    except LHClusterError as err:
        raise PlanError(err.message)


def monitoring_plan(inv, plan):
    """The plan with the Kafka nodes' `metrics` (their metrics port among their published ports), `monitoring` (the
    Prometheus entry, None without a host in the group) and the monitoring host's reach composed in, before the
    ports are claimed."""
    try:
        host = monitoring_host(inv)
        metrics = kafka_metrics(inv, plan["kafka"]["nodes"], host is not None)
        nodes = []
        for node in plan["kafka"]["nodes"]:
            planned = metrics[node["container"]]
            published = list(node["published_ports"]) + ([planned["published_port"]] if planned else [])
            nodes.append(dict(node, metrics=planned, published_ports=published))
        plan = dict(plan, kafka=dict(plan["kafka"], nodes=nodes))
        entry = monitoring_entry(inv, plan, host) if host else None
        reach = plan["reach"]
        if entry:
            reach = dict(reach)
            reach[entry["host"]] = reach_of_monitoring(plan, entry)
    except LHClusterError as err:
        raise PlanError(err.message)
    return dict(plan, monitoring=entry, reach=reach)

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kafka and server roles' decisions, and the preflight's options of its host look (littlehorse.cluster.lh_host_info).

littlehorse_plan.servers | littlehorse.cluster.role_items(host, mode, pending, started) -> {containers, selected,
selected_containers}: which of a host's planned servers or Kafka nodes one run of its role handles.

entries | littlehorse.cluster.behind_first(infos) -> batches of one, the servers not caught up first.

planned_here | littlehorse.cluster.host_look_options(memory, identity) -> the options of lh_host_info for the plan's
entries on a host (containers, ports, volumes, memory, identity, protocols): what the preflight's look checks.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import behind_first, role_items
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.preflight import host_look_options


class FilterModule(object):
    def filters(self):
        return {"behind_first": behind_first, "host_look_options": host_look_options, "role_items": role_items}

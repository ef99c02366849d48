# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kafka and server roles' decisions, and the preflight's options of its host look (littlehorse.cluster.lh_host_info).

littlehorse_plan.servers | littlehorse.cluster.role_items(host, mode, pending, started) -> {containers, selected,
selected_containers}: which of a host's planned servers or Kafka nodes one run of its role handles.

entries | littlehorse.cluster.behind_first(infos) -> batches of one, the servers not caught up first.

littlehorse_plan | littlehorse.cluster.host_look(host, images, archive, memory, reach, resolve) -> the host's slice of
the plan as lh_host_info's `plan` option: what the preflight's look checks.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import behind_first, role_items
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.preflight import host_look


class FilterModule(object):
    def filters(self):
        return {"behind_first": behind_first, "host_look": host_look, "role_items": role_items}

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster_plan filter: groups | littlehorse.cluster.cluster_plan(hostvars). The plan is computed by the phases
of plugins/plugin_utils/plan (assemble.py composes them); its shape is documented in cluster_plan.yml."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.assemble import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import KNOWN_SETTINGS, PlanError

__all__ = ("FilterModule", "KNOWN_SETTINGS", "PlanError", "cluster_plan")


class FilterModule(object):
    def filters(self):
        return {"cluster_plan": cluster_plan}

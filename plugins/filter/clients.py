# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""littlehorse_plan.clients.listeners[name].client | littlehorse.cluster.client_properties -> the LHC_* settings of a
client of that listener, as the generated client file sets them (playbooks/verify.yml's worker uses them)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.clients import client_properties


class FilterModule(object):
    def filters(self):
        return {"client_properties": client_properties}

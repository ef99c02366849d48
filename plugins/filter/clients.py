# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""littlehorse_plan.clients.listeners[name].client | littlehorse.cluster.client_properties -> the LHC_* settings of a
client of that listener, as the generated client file sets them (playbooks/verify.yml's worker uses them).

littlehorse_plan.clients.listeners[name] | littlehorse.cluster.client_file(...) -> the client file of that listener,
as the role client_config writes it.

littlehorse_plan | littlehorse.cluster.client_summary(path, targets_path) -> what the role client_config says at the
end of a run: where the cluster answers, the servers' readiness URLs, the client file, the Prometheus targets file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.clients import client_file, client_properties, client_summary


class FilterModule(object):
    def filters(self):
        return {"client_file": client_file, "client_properties": client_properties, "client_summary": client_summary}

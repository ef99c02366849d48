# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # littlehorse.cluster.health: the servers whose health service a module reads. A module sets the
    # option's description and whether it is required (or its default) in its own options.servers; it
    # must not set suboptions there, they would replace these.
    DOCUMENTATION = r'''
options:
  servers:
    type: list
    elements: dict
    suboptions:
      host:
        description: Address of the server's health service as seen from the managed host.
        type: str
        required: true
      health_port:
        description: Port of the health service.
        type: int
        default: 1822
      name:
        description: The name to report the server by (its container).
        type: str
      instance_id:
        description:
          - The server's C(LHS_INSTANCE_ID). When given, the answer counts only if the C(instanceId) of the health
            port's C(/status) is this id; an answer from another server is reported naming both.
        type: int
'''

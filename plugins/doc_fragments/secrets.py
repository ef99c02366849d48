# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # littlehorse.cluster.secrets: what the diagnostics modules take for a secret.
    DOCUMENTATION = r'''
options:
  secret_name_pattern:
    description:
      - A regular expression (matched anywhere, ignoring case) for the names whose values are secrets.
    type: str
    default: PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL|KEY
  secret_values:
    description:
      - Values that are secret whatever their name (those of the inventory's secret variables); each is replaced
        wherever it shows. Never shown in Ansible's output.
    type: list
    elements: str
    default: []
'''

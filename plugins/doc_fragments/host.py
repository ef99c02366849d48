# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # littlehorse.cluster.host: the O(host) option of the modules that work on one host and name it in their messages.
    DOCUMENTATION = r'''
options:
  host:
    description: The host's name in messages (the inventory name); defaults to the managed host's name.
    type: str
'''

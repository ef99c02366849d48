# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # littlehorse.cluster.attributes: a module with full check mode and no diff mode, on POSIX hosts.
    # List it before ansible.builtin.action_common_attributes: of two fragments that set the same key of
    # an attribute, the one listed first wins (that fragment's platform support is N/A). A module may add
    # details to an attribute in its own attributes section, e.g. check_mode.details.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
'''

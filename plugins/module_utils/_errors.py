# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type the collection's module_utils raise; modules turn it into fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class LHClusterError(Exception):
    """A problem the user can fix: the message names the option (or host) and the fix."""

    def __init__(self, message, **details):
        super(LHClusterError, self).__init__(message)
        self.message = message
        self.details = details

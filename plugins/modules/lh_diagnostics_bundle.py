#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_diagnostics_bundle
short_description: Write one diagnostics archive of a LittleHorse cluster, with every secret removed
version_added: 0.1.0
description:
  - Writes one C(tar.gz) archive at O(path) from the cluster plan and what littlehorse.cluster.lh_diagnostics_info
    read on each host. The archive holds one folder named like the file, with C(summary.json) (what was collected,
    by host, and what could not be), C(plan.json), and per host C(hosts/<host>/engine.json), per container
    C(containers/<name>/state.json), C(inspect.json) and C(logs.txt), per server C(servers/<name>/status.json) and
    C(diskUsage.json), or C(hosts/<host>/error.txt) for a host that could not be read.
  - Every text is cleaned once more before it is written - the values under names matching O(secret_name_pattern)
    are replaced by C(<redacted>) (in the plan too) and every value of O(secret_values) wherever it shows.
  - The archive is written to a temporary file beside O(path) and renamed, with mode 0600; its folder is made
    (mode 0700) when missing. Meant to run on the controller.
author: littlehorse.cluster contributors (!UNKNOWN)
attributes:
  check_mode:
    details: In check mode nothing is written; RV(members) lists what would be.
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
  - littlehorse.cluster.secrets
options:
  path:
    description: The archive to write (C(.tar.gz)); an existing file is replaced.
    type: path
    required: true
  plan:
    description: The cluster plan (C(littlehorse_plan)).
    type: dict
    default: {}
  hosts:
    description:
      - By inventory host, the result of littlehorse.cluster.lh_diagnostics_info there, or a failed or unreachable
        result (its C(msg) is written as the host's C(error.txt)).
    type: dict
    default: {}
  log_lines:
    description: How many log lines per container were asked for, noted in C(summary.json).
    type: int
'''

EXAMPLES = r'''
- name: Write the bundle on the controller
  littlehorse.cluster.lh_diagnostics_bundle:
    path: /home/me/littlehorse-diagnostics-lh.tar.gz
    plan: "{{ littlehorse_plan }}"
    hosts: "{{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'diagnostics_host'))) }}"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
path:
  description: The archive written.
  returned: success
  type: str
  sample: /root/.cache/littlehorse/diagnostics/littlehorse-diagnostics-lh-20261126T012000Z.tar.gz
members:
  description: The files in the archive.
  returned: success
  type: list
  elements: str
  sample: [littlehorse-diagnostics-lh-20261126T012000Z/plan.json]
size_bytes:
  description: Size of the archive (0 in check mode).
  returned: success
  type: int
hosts_failed:
  description: The hosts that could not be read (their C(error.txt) says why).
  returned: success
  type: list
  elements: str
'''

import os
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils._diagnostics import (
    SECRET_NAME_PATTERN, bundle_files, host_error, redactor_from, write_bundle)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def main():
    module = AnsibleModule(argument_spec=dict(
        path=dict(type="path", required=True),
        plan=dict(type="dict", default={}),
        hosts=dict(type="dict", default={}),
        secret_name_pattern=dict(type="str", default=SECRET_NAME_PATTERN, no_log=False),
        secret_values=dict(type="list", elements="str", default=[], no_log=True),
        log_lines=dict(type="int"),
    ), supports_check_mode=True)
    params = module.params
    try:
        redactor = redactor_from(params)
    except LHClusterError as err:
        module.fail_json(msg=str(err))
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    files = bundle_files(params["plan"], params["hosts"], redactor, created, params["log_lines"])
    failed = sorted(host for host, result in params["hosts"].items() if host_error(result))
    path = params["path"]
    if module.check_mode:
        top = os.path.basename(path).replace(".tar.gz", "")
        module.exit_json(changed=True, path=path, members=["%s/%s" % (top, name) for name in sorted(files)],
                         size_bytes=0, hosts_failed=failed)
    try:
        members = write_bundle(path, files)
    except (IOError, OSError) as err:
        module.fail_json(msg="writing %s failed: %s" % (path, err))
    module.exit_json(changed=True, path=path, members=members, size_bytes=os.path.getsize(path), hosts_failed=failed)


if __name__ == "__main__":
    main()

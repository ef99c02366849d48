#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_host_cleanup
short_description: Remove what a LittleHorse cluster left on a host once its containers are gone
version_added: 0.1.0
description:
  - In one run on a host, removes the cluster's folders (O(folders)) and files (O(files)), its Docker volumes
    (O(volumes), only with O(purge=true)) and its network (O(network)), and says what it kept and why (RV(kept)).
    C(playbooks/teardown.yml) runs it after it removed the containers.
  - Only the collection's own paths are removed. Each of O(folders) must be a folder directly under
    C(/etc/littlehorse) (the collection's files of one container or cluster), else nothing at all is removed; a file
    is removed only when it is a regular file (or a link) the collection wrote - by its place (V(path), such as an
    image archive the collection copied), by its first line (V(marker)) or, a Prometheus targets file, by every
    target group naming the cluster's prefix (V(targets)). Any other file there is kept and reported, never removed.
  - A file of O(files[].purge_only=true) and every volume go only with O(purge=true); without it they are kept and
    listed in RV(kept).
author: littlehorse.cluster contributors (!UNKNOWN)
attributes:
  check_mode:
    details: In check mode nothing is removed; RV(removed) lists what would be.
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
  - littlehorse.cluster.docker.sdk
  - littlehorse.cluster.host
options:
  folders:
    description: Folders of the collection's files, each C(/etc/littlehorse/<name>), removed whole.
    type: list
    elements: str
    default: []
  files:
    description: Files the collection may have written on the host the module runs on.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The absolute path.
        type: str
        required: true
      what:
        description: What it is, for the report.
        type: str
        required: true
      owned:
        description:
          - How the collection knows the file is its own. V(path) - the collection put it there; V(marker) - its
            first line begins with O(files[].marker); V(targets) - a JSON Prometheus targets file whose every group
            carries the label C(littlehorse_prefix) O(files[].prefix); V(never) - never removed, only reported as
            kept when it is there (with O(files[].keep_why)).
        type: str
        choices: [path, marker, targets, never]
        default: path
      purge_only:
        description: Remove it only with O(purge=true).
        type: bool
        default: false
      marker:
        description: With O(files[].owned=marker), how the file's first line begins.
        type: str
      prefix:
        description: With O(files[].owned=targets), the cluster's prefix.
        type: str
      keep_why:
        description: Why it is kept (when it is), for the report.
        type: str
  archives:
    description:
      - Image archives the collection copied to the host (preflight's C(preflight_image_archive_dir)), removed only
        with O(purge=true) and not with O(keep_archives=true).
    type: list
    elements: str
    default: []
  keep_archives:
    description: Keep O(archives) even with O(purge=true) (another cluster on the host loads from the same folder).
    type: bool
    default: false
  volumes:
    description: The cluster's volumes on the host's engine, each name with what it holds (removed only with
      O(purge=true)).
    type: dict
    default: {}
  network:
    description: The cluster's Docker network, removed when it is there.
    type: str
  purge:
    description: Remove the volumes and the paths of O(files[].purge_only=true) too.
    type: bool
    default: false
  prune:
    description: Folders to remove afterwards when they are empty (such as the folder of the image archives).
    type: list
    elements: path
    default: []
'''

EXAMPLES = r'''
- name: Remove the files, the network and the volumes of the cluster lh on this host
  littlehorse.cluster.lh_host_cleanup:
    folders: [/etc/littlehorse/lh-server-1, /etc/littlehorse/lh]
    archives: [/var/cache/littlehorse/images/lh-server.tar]
    volumes:
      lh-server-1: state of lh-server-1
    network: lh
    purge: true
    prune: [/var/cache/littlehorse/images]
'''

RETURN = r'''
removed:
  description: What was removed (or would be, in check mode), one sentence each.
  returned: always
  type: list
  elements: str
  sample: ["path /etc/littlehorse/lh-server-1 (files of lh-server-1)", "volume lh-server-1 (state of lh-server-1)"]
kept:
  description: What is there and was kept, with why, one sentence each.
  returned: always
  type: list
  elements: str
  sample: ["volume lh-server-1 (state of lh-server-1): data is kept without littlehorse_teardown_purge_volumes"]
kept_items:
  description: The same as RV(kept), as data (C({kind, name, what, why}); kind C(path) or C(volume)).
  returned: always
  type: list
  elements: dict
network:
  description: The network removed, or null.
  returned: always
  type: str
pruned:
  description: The empty folders of O(prune) removed.
  returned: when not in check mode
  type: list
  elements: str
'''

import socket

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _docker_client
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_cleanup import archive_entries, cleanup, folder_entries


def main():
    module = AnsibleModule(argument_spec=dict(
        host=dict(type="str"),
        folders=dict(type="list", elements="str", default=[]),
        files=dict(type="list", elements="dict", default=[], options=dict(
            path=dict(type="str", required=True),
            what=dict(type="str", required=True),
            owned=dict(type="str", default="path", choices=["path", "marker", "targets", "never"]),
            purge_only=dict(type="bool", default=False),
            marker=dict(type="str"),
            prefix=dict(type="str"),
            keep_why=dict(type="str"),
        )),
        archives=dict(type="list", elements="str", default=[]),
        keep_archives=dict(type="bool", default=False),
        volumes=dict(type="dict", default={}),
        network=dict(type="str"),
        purge=dict(type="bool", default=False),
        prune=dict(type="list", elements="path", default=[]),
        docker_host=dict(type="str"),
    ), supports_check_mode=True)
    params = module.params
    host = params["host"] or socket.gethostname()
    try:
        result = cleanup(lambda: _docker_client.connect(params["docker_host"]), host,
                         folder_entries(params["folders"]) + params["files"]
                         + archive_entries(params["archives"], params["keep_archives"]),
                         [{"name": name, "what": str(what)} for name, what in sorted(params["volumes"].items())],
                         params["network"], params["purge"], params["prune"], module.check_mode)
    except LHClusterError as err:
        module.fail_json(msg=err.message, **err.details.get("result", {}))
    module.exit_json(**result)


if __name__ == "__main__":
    main()

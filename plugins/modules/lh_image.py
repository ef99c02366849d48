#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_image
short_description: Pull the images a host misses onto its Docker engine
version_added: 0.1.0
description:
  - Makes sure each image of O(images) is on the host's Docker engine (through the Docker SDK for Python) - an image
    the engine has is left alone, a missing one is pulled. When every image is there, nothing changes.
  - Names under the test bed's prefix C(lh-testbed/) are never pulled (no registry has them), nor images with
    O(images[].pull=false). Images for hosts that reach no registry come from image archives, which
    M(littlehorse.cluster.lh_image_archive) loads.
  - The preflight role runs it on each host once every host passed its look (M(littlehorse.cluster.lh_host_info),
    which only reads and lists in its C(pull) the images to pull here).
  - Fails naming the host, the variable (O(images[].variable)) and the fix, with every problem at once, when a required
    image is missing and may not or cannot be pulled. The problems are also returned as data (RV(problems)).
author: littlehorse.cluster contributors (!UNKNOWN)
attributes:
  check_mode:
    details: In check mode nothing is pulled; each missing image that would be is reported with C(would_pull).
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
  - littlehorse.cluster.docker.sdk
  - littlehorse.cluster.host
options:
  images:
    description: The images the host needs.
    type: list
    elements: dict
    required: true
    suboptions:
      image:
        description: The image.
        type: str
        required: true
      variable:
        description: The variable the user sets the image with, named in messages.
        type: str
        default: image
      required:
        description: A missing image that is not pulled is a problem. When false it is only reported.
        type: bool
        default: true
      pull:
        description: Pull the image when it is missing (never names under C(lh-testbed/)).
        type: bool
        default: true
  timeout:
    description: Seconds the engine may take to answer one request; pulling a large image is one request.
    type: int
    default: 900
'''

EXAMPLES = r'''
- name: Look at the host (reads only)
  littlehorse.cluster.lh_host_info:
    host: "{{ inventory_hostname }}"
    images:
      - {image: "ghcr.io/littlehorse-enterprises/littlehorse/lh-server:1.2.1", variable: server_image}
  register: host_look

- name: Pull what it misses
  littlehorse.cluster.lh_image:
    host: "{{ inventory_hostname }}"
    images: "{{ host_look.pull }}"
  when: host_look.pull | length > 0

- name: The dashboard image, when the host can have it
  littlehorse.cluster.lh_image:
    images:
      - {image: "ghcr.io/littlehorse-enterprises/littlehorse/lh-dashboard:1.2.1", variable: dashboard_image,
         required: false}
  register: dashboard_pulled
'''

RETURN = r'''
images:
  description:
    - One entry per image of O(images) (duplicates once). C(present) says whether the engine had it before, C(pulled)
      whether it was pulled now, C(would_pull) that check mode would pull it, C(available) that the engine has it now
      (or would have), C(missing_because) why it is not there (empty when it is). C(from_archive) is always false here
      (the shape M(littlehorse.cluster.lh_host_info) returns).
  returned: always
  type: list
  elements: dict
  sample:
    - {image: "haproxy:3.0.11", variable: load_balancer_image, required: true, present: false, pulled: true,
       would_pull: false, id: "sha256:...", available: true, from_archive: false, missing_because: ""}
problems:
  description:
    - Every problem found, each C({kind, msg}); kind is C(sdk), C(engine) or C(image) (a required image that is still
      missing).
  returned: always
  type: list
  elements: dict
'''

import socket
import sys

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _docker_client
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import sdk_problem
from ansible_collections.littlehorse.cluster.plugins.module_utils._images import image_options, pull


def main():
    module = AnsibleModule(argument_spec=dict(
        host=dict(type="str"),
        images=dict(type="list", elements="dict", required=True,
                    options=image_options(pull=dict(type="bool", default=True))),
        docker_host=dict(type="str"),
        timeout=dict(type="int", default=900),
    ), supports_check_mode=True)
    params = module.params
    host = params["host"] or socket.gethostname()
    problem = sdk_problem(_docker_client.sdk_version(), host, sys.executable or "python3")
    if problem:
        module.fail_json(msg=problem, problems=[{"kind": "sdk", "msg": problem}], images=[])
    images, problems, changed = _docker_client.on_engine(
        module, host, lambda client: pull(client, host, params["images"], check_mode=module.check_mode),
        docker_host=params["docker_host"], timeout=params["timeout"], images=[])
    result = dict(images=images, problems=problems, changed=changed)
    if problems:
        module.fail_json(msg=" | ".join(p["msg"] for p in problems), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

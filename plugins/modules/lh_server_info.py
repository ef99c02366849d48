#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_server_info
short_description: Read the health of LittleHorse servers
version_added: 0.1.0
description:
  - Reads C(/liveness), C(/readiness) and C(/status) of the health service of one or several servers, from the
    managed host, and returns them as data for gates and checks. Changes nothing.
  - With O(wait_ready=true) it polls until every server is ready (and, with O(wait_no_restorations=true), until no
    server restores state), or fails after O(timeout) seconds naming the servers that were not.
author: LittleHorse cluster maintainers (@littlehorse-enterprises)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
options:
  servers:
    description: The servers to read.
    type: list
    elements: dict
    required: true
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
        description: A name to report the server by.
        type: str
  wait_ready:
    description: Poll until every server is ready.
    type: bool
    default: false
  wait_no_restorations:
    description:
      - With O(wait_ready), also wait until every server is caught up - its core state (C(/status) C(coreState)) is
        C(RUNNING) and it reports no state restorations in progress. A rolling change gates on this before it
        takes the next server down.
    type: bool
    default: false
  timeout:
    description: Seconds to poll with O(wait_ready).
    type: int
    default: 300
'''

EXAMPLES = r'''
- name: Gate on every server being ready
  littlehorse.cluster.lh_server_info:
    servers:
      - {name: lh-server-1, host: 127.0.0.1, health_port: 1822}
      - {name: lh-server-2, host: 127.0.0.1, health_port: 1832}
    wait_ready: true
  register: health
'''

RETURN = r'''
servers:
  description: One entry per server, in the order given.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: lh-server-1, host: 127.0.0.1, health_port: 1822, reachable: true, liveness: 200, readiness: 200,
       ready: true, restorations: 0, status: {}}
all_ready:
  description: Whether every server answered C(/readiness) with 200.
  returned: always
  type: bool
'''

import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import server_health


def read_all(servers):
    results = []
    for server in servers:
        health = server_health(server["host"], server["health_port"])
        health["name"] = server["name"] or "%s:%d" % (server["host"], server["health_port"])
        results.append(health)
    return results


def caught_up(result):
    return (result["status"] or {}).get("coreState") == "RUNNING" and not result["restorations"]


def settled(results, no_restorations):
    return all(r["ready"] and (not no_restorations or caught_up(r)) for r in results)


def describe(result):
    """How far one server got, for the failure message."""
    return "%s (readiness %s, core %s, %s restorations)" % (
        result["name"], result["readiness"], (result["status"] or {}).get("coreState", "?"), result["restorations"])


def main():
    module = AnsibleModule(argument_spec=dict(
        servers=dict(type="list", elements="dict", required=True, options=dict(
            host=dict(type="str", required=True),
            health_port=dict(type="int", default=1822),
            name=dict(type="str"),
        )),
        wait_ready=dict(type="bool", default=False),
        wait_no_restorations=dict(type="bool", default=False),
        timeout=dict(type="int", default=300),
    ), supports_check_mode=True)
    params = module.params
    deadline = time.time() + params["timeout"]
    results = read_all(params["servers"])
    while params["wait_ready"] and not settled(results, params["wait_no_restorations"]) and time.time() < deadline:
        time.sleep(1)
        results = read_all(params["servers"])
    all_ready = all(r["ready"] for r in results)
    if params["wait_ready"] and not settled(results, params["wait_no_restorations"]):
        waiting = [describe(r) for r in results if not r["ready"] or (params["wait_no_restorations"] and not caught_up(r))]
        module.fail_json(msg="servers not %s after %ss: %s" % (
            "caught up (ready, core RUNNING, no restorations)" if params["wait_no_restorations"] else "ready",
            params["timeout"], "; ".join(waiting)), servers=results, all_ready=all_ready)
    module.exit_json(changed=False, servers=results, all_ready=all_ready)


if __name__ == "__main__":
    main()

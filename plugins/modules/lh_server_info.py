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
  - A server given with O(servers[].instance_id) is read only as that server - the C(instanceId) of its C(/status)
    answer must be that id. An answer from another server (an address that leads to another server, such as
    loopback on another host) is reported naming both, counts as neither ready nor caught up, and with
    O(wait_ready) or O(gate_for) fails the module at once, without waiting.
author: littlehorse.cluster contributors (!UNKNOWN)
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
  - littlehorse.cluster.health
options:
  servers:
    description: The servers to read.
    required: true
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
  gate_for:
    description:
      - The rolling gate for taking the server of this name (one of O(servers)) down. When that server is not
        caught up itself, it serves nothing that could be lost and the gate opens at once (RV(gate_opened_at_once));
        otherwise the module waits until every other server is caught up - ready, core C(RUNNING), no
        restorations - or fails after O(timeout) seconds naming each server that was not.
      - Implies O(wait_ready).
    type: str
  timeout:
    description: Seconds to poll with O(wait_ready).
    type: int
    default: 300
  stable_for:
    description:
      - With O(wait_ready), the servers must stay ready (caught up) for this many seconds, polled every second.
        Right after a server left or joined the cluster the others still report C(RUNNING) until their next
        heartbeat tells them of the rebalance; a rolling step waits a few seconds so that it does not go on
        before that.
    type: int
    default: 0
  logs_from:
    description:
      - Names of containers on the managed host's Docker engine (O(docker_host)) whose last log lines the failure
        message carries when their server (of the same O(servers[].name)) did not get there - for a rolling step,
        the servers this host runs. Each server that did not get there is reported with its C(/status) too, and one
        whose log says that it reaches no Kafka broker with the bootstrap servers its container was given.
    type: list
    elements: str
    default: []
  log_lines:
    description: How many of the last log lines of each server of O(logs_from) the failure message carries.
    type: int
    default: 30
  docker_host:
    description: The engine to read O(logs_from) from; default C(DOCKER_HOST), else C(unix:///var/run/docker.sock).
    type: str
  spread:
    description:
      - Also return how the work is spread across the servers (RV(spread)), from the C(/status) the module read last
        (with O(wait_ready), once the servers got there) - each server's active and standby tasks of the core and the
        timer topologies. A server whose active core tasks exceed ceil(O(partitions) / O(server_count)) + 1 holds
        more than its share, and the module warns naming it, its count and the share (it does not fail).
    type: bool
    default: false
  partitions:
    description: The cluster's partition count (C(littlehorse_partitions)). Required with O(spread=true).
    type: int
  server_count:
    description:
      - How many servers the cluster has, for the share. Default the number of O(servers) - give it when O(servers)
        are only some of the cluster's (those of one host).
    type: int
'''

EXAMPLES = r'''
- name: Gate on every server being ready
  littlehorse.cluster.lh_server_info:
    servers:
      - {name: lh-server-1, host: 127.0.0.1, health_port: 1822, instance_id: 1}
      - {name: lh-server-2, host: 127.0.0.1, health_port: 1832, instance_id: 2}
    wait_ready: true
  register: health

- name: Read how the work is spread, once the cluster is caught up (warns about a server holding more than its share)
  littlehorse.cluster.lh_server_info:
    servers:
      - {name: lh-server-1, host: 127.0.0.1, health_port: 1822, instance_id: 1}
      - {name: lh-server-2, host: 127.0.0.1, health_port: 1832, instance_id: 2}
      - {name: lh-server-3, host: 127.0.0.1, health_port: 1842, instance_id: 3}
    wait_ready: true
    wait_no_restorations: true
    spread: true
    partitions: 12
  register: spread

- name: One line per server
  ansible.builtin.debug:
    msg: "{{ spread.spread.servers | map(attribute='summary') | list }}"
'''

RETURN = r'''
servers:
  description: One entry per server, in the order given.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: lh-server-1, host: 127.0.0.1, health_port: 1822, reachable: true, liveness: 200, readiness: 200,
       ready: true, restorations: 0, caught_up: true, status: {coreState: RUNNING, instanceId: "1"}, instance_id: 1,
       answered_as: "1", identity_problem: null}
all_ready:
  description: Whether every server answered C(/readiness) with 200, each as the server it was meant for.
  returned: always
  type: bool
gate_opened_at_once:
  description: With O(gate_for), whether that server was not caught up itself, so nothing was waited for.
  returned: success
  type: bool
spread:
  description:
    - How the work is spread across the servers, from each one's last C(/status). A task is named by its partition
      (the server's C(/status) names it by nothing else).
  returned: with O(spread=true)
  type: dict
  contains:
    partitions:
      description: O(partitions).
      type: int
    server_count:
      description: The servers the share is counted over (O(server_count), else the number of O(servers)).
      type: int
    share:
      description: The most active core tasks a server may hold, ceil(partitions / server_count) + 1.
      type: int
    over_share:
      description: The names of the servers whose active core tasks exceed RV(spread.share).
      type: list
      elements: str
    warnings:
      description: One sentence per server of RV(spread.over_share), naming it, its count and the share (also given as
        the module's warnings).
      type: list
      elements: str
    servers:
      description: One entry per server, in the order of O(servers).
      type: list
      elements: dict
      contains:
        name:
          description: The server's name (O(servers[].name), else host:port).
          type: str
        instance_id:
          description: The C(instanceId) its C(/status) answered with (else O(servers[].instance_id)).
          type: raw
        reachable:
          description: Whether the server's own C(/status) was read (not when it did not answer, or answered as
            another server).
          type: bool
        core_state:
          description: The core topology's state (C(coreState)), null without an answer.
          type: str
        timer_state:
          description: The timer topology's state (C(timerState)); null when the server runs none (the default of
            LittleHorse 1.2, C(LHS_X_ENABLE_TIMER_STREAMS)).
          type: str
        tasks:
          description:
            - Per topology (C(core), C(repartition) - the core topology's repartition processor - and C(timer)) its
              C(active) and C(standby) tasks, each C({count, ids}) with the partitions sorted.
            - Null when the tasks are unknown (RV(spread.servers[].unknown_because)).
          type: dict
        unknown_because:
          description: Why the tasks are unknown (no C(/status) answer, an answer from another server, a C(/status)
            without task lists); null when they are known.
          type: str
        share:
          description: RV(spread.share).
          type: int
        over_share:
          description: Whether its active core tasks exceed the share.
          type: bool
        summary:
          description: One readable line.
          type: str
          sample: "lh-server-1 (instance 1): core RUNNING, active 2 [2, 5], standby 2 [1, 4]; timer topology not
            running"
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _docker_client
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import (
    failure_message, is_ready, read_servers, wait_servers)
from ansible_collections.littlehorse.cluster.plugins.module_utils._server_config import KAFKA_BOOTSTRAP_ENV
from ansible_collections.littlehorse.cluster.plugins.module_utils._work_spread import spread_problems, work_spread


def last_logs(names, docker_host, lines):
    """({name: last lines}, {name: the Kafka bootstrap servers it was given}) of the containers of `names` on the
    engine; none when it cannot be read."""
    logs, bootstraps = {}, {}
    if not names:
        return logs, bootstraps
    try:
        client = _docker_client.connect(docker_host or _docker_client.docker_host_default(), timeout=10)
    except Exception:  # the report goes on without logs
        return logs, bootstraps
    for name in names:
        try:
            logs[name] = client.api.logs(name, tail=lines).decode("utf-8", "replace")
            env = client.api.inspect_container(name)["Config"].get("Env") or []
        except Exception:  # not on this engine
            continue
        bootstraps.update((name, item.split("=", 1)[1]) for item in env if item.startswith(KAFKA_BOOTSTRAP_ENV + "="))
    return logs, bootstraps


def main():
    module = AnsibleModule(argument_spec=dict(
        servers=dict(type="list", elements="dict", required=True, options=dict(
            host=dict(type="str", required=True),
            health_port=dict(type="int", default=1822),
            name=dict(type="str"),
            instance_id=dict(type="int"),
        )),
        wait_ready=dict(type="bool", default=False),
        wait_no_restorations=dict(type="bool", default=False),
        gate_for=dict(type="str"),
        timeout=dict(type="int", default=300),
        stable_for=dict(type="int", default=0),
        logs_from=dict(type="list", elements="str", default=[]),
        log_lines=dict(type="int", default=30),
        docker_host=dict(type="str"),
        spread=dict(type="bool", default=False),
        partitions=dict(type="int"),
        server_count=dict(type="int"),
    ), required_if=[("spread", True, ["partitions"])], supports_check_mode=True)
    params = module.params
    if params["spread"]:
        problems = spread_problems(params["partitions"], params["server_count"])
        if problems:
            module.fail_json(msg="; ".join(problems))
    results, opened_at_once, waiting = wait_servers(
        lambda: read_servers(params["servers"]), ready=params["wait_ready"] or bool(params["gate_for"]),
        no_restorations=params["wait_no_restorations"], timeout=params["timeout"], gate_for=params["gate_for"],
        stable_for=params["stable_for"])
    all_ready = all(is_ready(r) for r in results)
    extra = {}
    if params["spread"]:
        extra["spread"] = work_spread(results, params["partitions"], params["server_count"])
        for warning in extra["spread"]["warnings"]:
            module.warn(warning)
    if waiting:
        logs, bootstraps = last_logs([r["name"] for r in waiting if r["name"] in params["logs_from"]],
                                     params["docker_host"], params["log_lines"])
        module.fail_json(msg=failure_message(waiting, logs, params["timeout"],
                                             params["wait_no_restorations"] or bool(params["gate_for"]),
                                             params["gate_for"], bootstraps), servers=results, all_ready=all_ready,
                         **extra)
    module.exit_json(changed=False, servers=results, all_ready=all_ready, gate_opened_at_once=opened_at_once, **extra)


if __name__ == "__main__":
    main()

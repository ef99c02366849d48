#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_load_balancer
short_description: Manage an HAProxy load balancer in front of the LittleHorse servers as a Docker container
version_added: 0.1.0
description:
  - Runs HAProxy (the official C(haproxy) image, or any image laid out like it) as one TCP load balancer in front
    of the public listeners of the LittleHorse servers, so that clients need only one bootstrap address.
  - Writes C(haproxy.cfg) on the managed host (in O(config_dir)) and mounts it read-only at
    C(/usr/local/etc/haproxy/haproxy.cfg). A new configuration reaches a running container through a graceful
    reload (C(SIGUSR2) to the HAProxy master), which keeps the open connections; other changes re-create it.
  - Each server is checked with C(GET) O(health_path) on its O(backends[].health_port); a server that does not
    answer 200 receives no new connections until it does again.
  - With O(wait=true) it waits until the load balancer accepts connections on O(port).
author: littlehorse.cluster contributors (!UNKNOWN)
extends_documentation_fragment:
  - littlehorse.cluster.container
  - littlehorse.cluster.docker
  - ansible.builtin.action_common_attributes
options:
  port:
    description:
      - The port HAProxy listens on inside the container; publish it with O(published_ports).
      - Keep it at 1024 or above, the official image runs HAProxy as an unprivileged user.
    type: int
    default: 2023
  backends:
    description: The LittleHorse servers, one entry each. Required unless O(state=absent).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the server in HAProxy (its logs and statistics), for example its container name.
        type: str
        required: true
      host:
        description:
          - Address of the server, its advertised host; on one Docker network its container name.
          - Names are looked up again while HAProxy runs, so a re-created server is found at its new address.
        type: str
        required: true
      port:
        description: The server's public listener port at O(backends[].host).
        type: int
        required: true
      health_port:
        description: The server's health port at O(backends[].host), where it answers O(health_path).
        type: int
        required: true
  balance:
    description:
      - How HAProxy picks a server for a new connection. V(leastconn) suits long-lived gRPC streams (task workers
        keep theirs open); V(roundrobin) takes the servers in turn.
    type: str
    default: leastconn
    choices: [roundrobin, leastconn]
  health_path:
    description: The path checked on every server's health port; the server takes new connections while it answers 200.
    type: str
    default: /readiness
  connect_timeout:
    description: Seconds to wait for a server to accept a connection.
    type: int
    default: 5
  idle_timeout:
    description:
      - Seconds a connection may stay silent in either direction before HAProxy closes it (C(timeout client) and
        C(timeout server)). Keep it long, task workers hold their poll streams open.
    type: int
    default: 3600
  drain_timeout:
    description:
      - Seconds the old HAProxy workers keep serving open connections after a reload or on a graceful stop
        (C(hard-stop-after)). Keep it below O(stop_timeout).
    type: int
    default: 10
  check_interval:
    description: Seconds between two health checks of a server.
    type: int
    default: 2
  check_fall:
    description: Failed checks in a row before a server is taken out.
    type: int
    default: 2
  check_rise:
    description: Passed checks in a row before a server is taken back.
    type: int
    default: 2
  max_connections:
    description:
      - The most connections HAProxy holds at once (C(maxconn)).
      - HAProxy needs two file descriptors per connection and refuses to start when the container's open files
        limit (C(ulimit -n), the engine's default) is below about twice this.
    type: int
    default: 4000
  stats_port:
    description:
      - When set, HAProxy also serves its statistics page on this port inside the container, at C(/stats)
        (C(/stats;csv) for machines). Publish it with O(published_ports) to read it from outside.
    type: int
  config_dir:
    description: Folder on the managed host for C(haproxy.cfg); default C(/etc/littlehorse/<name>).
    type: path
  stop_timeout:
    description: Seconds Docker waits after the stop signal before it kills the container.
    type: int
    default: 15
notes:
  - The configuration file holds no secret; it is written with mode 0644, readable by the container's user.
seealso:
  - module: littlehorse.cluster.lh_server
'''

EXAMPLES = r'''
- name: One address for the clients, port 2023 of the host, in front of three servers on one Docker network
  littlehorse.cluster.lh_load_balancer:
    name: lh-lb
    image: haproxy:3.0.11
    network: lh-net
    published_ports: ["2023:2023"]
    port: 2023
    backends:
      - {name: lh-server-1, host: lh-server-1, port: 2023, health_port: 1822}
      - {name: lh-server-2, host: lh-server-2, port: 2033, health_port: 1832}
      - {name: lh-server-3, host: lh-server-3, port: 2043, health_port: 1842}
    wait: true

- name: Servers on three machines, reached at their advertised addresses
  littlehorse.cluster.lh_load_balancer:
    name: lh-lb
    image: haproxy:3.0.11
    published_ports: ["0.0.0.0:2023:2023"]
    backends:
      - {name: lh-server-101, host: 192.0.2.11, port: 2023, health_port: 1822}
      - {name: lh-server-201, host: 192.0.2.12, port: 2023, health_port: 1822}
      - {name: lh-server-301, host: 192.0.2.13, port: 2023, health_port: 1822}
    balance: roundrobin
'''

RETURN = r'''
actions:
  description: What the module did (or would do in check mode), in order.
  returned: when O(instances) is not given
  type: list
  elements: str
  sample: ["write /etc/littlehorse/lh-lb/haproxy.cfg", "reload (SIGUSR2)"]
files_written:
  description: The host files of O(files) that this run wrote (or would write in check mode), in order.
  returned: always
  type: list
  elements: path
  sample: [/etc/littlehorse/certs/ca.crt]
container:
  description: The container after the run (empty in check mode).
  returned: when O(instances) is not given
  type: dict
config:
  description: The rendered C(haproxy.cfg).
  returned: unless O(state=absent)
  type: str
config_path:
  description: Where C(haproxy.cfg) is on the managed host.
  returned: unless O(state=absent)
  type: str
  sample: /etc/littlehorse/lh-lb/haproxy.cfg
env:
  description: The container's environment set by the module (none).
  returned: when O(instances) is not given
  type: dict
instances:
  description: With O(instances), one result per container in the order given, each with the keys above.
  returned: when O(instances) is given
  type: list
  elements: dict
pending:
  description:
    - The containers that run and differ from their item but were left as they are (O(change_existing=false)); one
      that does not run is changed and started all the same.
  returned: when O(instances) is given
  type: list
  elements: str
changed_containers:
  description:
    - The containers that this run created, changed, started or restarted (or would, in check mode), in the order
      given. With O(change_existing=false) those are the new ones and those that were down.
  returned: when O(instances) is given
  type: list
  elements: str
  sample: [lh-server-3]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _load_balancer_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import (
    container_argument_spec, run_container_module)


def main():
    argument_spec = container_argument_spec(_load_balancer_config.STOP_TIMEOUT)
    argument_spec.update(_load_balancer_config.argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_container_module(module, _load_balancer_config.build_spec, _load_balancer_config.REQUIRED)


if __name__ == "__main__":
    main()

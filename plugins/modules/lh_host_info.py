#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_host_info
short_description: Look once at a host's Docker engine against the host's slice of the cluster plan
version_added: 0.1.0
description:
  - One connection to the host's Docker engine (through the Docker SDK for Python) returns what the host holds
    for the plan, the preflight reads it, and the roles after it do not ask the engine again for it.
  - Returns the engine, API and SDK versions, the plan's containers that exist (with their start times and
    labels), the images (present, to be pulled, or to be loaded from an image archive), the volumes present, the
    networks, each planned port (free, held by its own planned container, or held by whom) and the free disk of the
    engine's data root.
  - Fails naming the host and the fix, with every problem at once, when the SDK is missing or older than 7.1,
    the engine does not answer or is older than 20.10, its data directory has less free space than
    O(min_free_disk_mb), the memory limits of O(memory) add up to more than the engine's memory, a name of
    O(resolve) does not resolve on the host, another host of O(peers) does not answer, an existing container holds
    data of another
    cluster id, partition count or node or instance id than O(identity), a container of the cluster runs there that
    the plan does not put there (O(members)), a required image is missing and may not be pulled, or a planned port
    is taken by something else or planned on an address that is not one of the host's. The problems are also
    returned as data (RV(problems)).
  - Changes nothing (an C(_info) module). A missing image that may be pulled is listed in RV(pull), for
    M(littlehorse.cluster.lh_image) to pull; names under the test bed's prefix C(lh-testbed/) may never be pulled (no
    registry has them), nor images that come from image archives (O(images[].archive)), which are listed in
    RV(load_from_archives) instead.
author: littlehorse.cluster contributors (!UNKNOWN)
attributes:
  check_mode:
    details: The module changes nothing; it runs in check mode as in a real run.
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
  - littlehorse.cluster.docker.sdk
  - littlehorse.cluster.host
options:
  plan:
    description:
      - The host's slice of the cluster plan as one dictionary, whose keys are the options O(containers), O(ports),
        O(addresses), O(images), O(volumes), O(memory), O(identity), O(protocols), O(peers), O(resolve) and
        O(members) - each taken and checked as that option. The preflight role hands it as the filter
        P(littlehorse.cluster.host_look#filter) makes it of C(littlehorse_plan) for the host, so that the plan's facts
        reach the module as the plan has them.
      - An option it gives may not also be given on its own.
    type: dict
  containers:
    description: Names of the containers the plan puts on this host.
    type: list
    elements: str
    default: []
  ports:
    description:
      - The ports the plan publishes on this host, by the container meant to hold them, in the container
        modules' C(published_ports) form (C([bind:]host_port:container_port[/protocol])).
      - A port is free, held by that very container (a re-run), or taken; taken ports are problems.
      - Ports are tested with a bind on the managed host, when the engine runs there (a C(unix://) O(docker_host)).
        A bind address that is not one of the host's own addresses is a problem of its own (kind C(address)), once
        per address, naming where it comes from (O(addresses)) and the fix.
    type: dict
    default: {}
  addresses:
    description:
      - Where each address of O(ports) other than C(0.0.0.0) comes from - each address mapped to the setting that
        puts it there (the plan's C(addresses) of this host - C(littlehorse_bind_address),
        C(littlehorse_cluster_address), C(ansible_host) or C(littlehorse_advertised_host)); named, with its fix, when
        the address is not one of the host's.
    type: dict
    default: {}
  images:
    description: The images the host needs.
    type: list
    elements: dict
    default: []
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
        description: A missing image that may not be pulled is a problem. When false it is only reported.
        type: bool
        default: true
      pull:
        description:
          - The image may be pulled when it is missing (never names under C(lh-testbed/)); it is then listed in
            RV(pull).
        type: bool
        default: true
      archive:
        description:
          - The image comes from an image archive when it is missing (the preflight role's C(littlehorse_image_archives)).
            A missing image is then not pulled and is no problem here; it is listed in RV(load_from_archives), for
            M(littlehorse.cluster.lh_image_archive) to load.
        type: bool
        default: false
  volumes:
    description: Names of the volumes the plan uses on this host; those present are returned.
    type: list
    elements: str
    default: []
  min_free_disk_mb:
    description:
      - Less free space (MiB) than this in the engine's data directory is a problem; V(0) checks nothing.
      - Read only when the engine runs on the managed host (a C(unix://) O(docker_host)).
    type: int
    default: 0
  memory:
    description:
      - The memory limit (bytes) of each container the plan puts on the host, by container name. When they add up
        to more than the memory the engine reports (C(docker info) C(MemTotal)) that is a problem naming every
        container, its limit, the sum and the engine's memory.
    type: dict
    default: {}
  identity:
    description:
      - What each existing container of O(containers) must hold for the plan to keep its data, by container and
        environment variable (C(LHS_CLUSTER_ID), C(LHS_CLUSTER_PARTITIONS), C(LHS_INSTANCE_ID), C(CLUSTER_ID),
        C(KAFKA_NODE_ID)). A container that holds another value is a problem (kind C(destructive)) naming the
        inventory variable, what would be lost, and C(littlehorse_allow_destructive_changes).
    type: dict
    default: {}
  protocols:
    description:
      - The protocols each existing Kafka node of O(containers) must run its listeners on, by container - C(protocols)
        (a list, e.g. V([SASL_SSL, SSL])), C(setting) and C(value) (the inventory variable that decides them and its
        value, in messages). The node's tools listener (C(LOCAL)) is left out.
      - A node that runs other protocols is a problem (kind C(protocol)) - nodes and servers on the old and the new
        protocol cannot reach each other, so the change cannot roll one node at a time - naming the setting and the
        fix (keep the protocol, or switch in a maintenance window - C(playbooks/teardown.yml), which keeps the
        volumes, then C(site.yml)).
    type: dict
    default: {}
  peers:
    description:
      - Addresses and ports of the other hosts this host must reach, each dialled once from the managed host, all
        at the same time, for up to 3 seconds. A refused connection counts as reached (the machine answered;
        nothing listens there yet on a first deploy); no answer or no route is a problem.
    type: list
    elements: dict
    default: []
    suboptions:
      to:
        description: The other host's name, in messages.
        type: str
        required: true
      address:
        description: The address to dial.
        type: str
        required: true
      port:
        description: The port to dial.
        type: int
        required: true
      purpose:
        description: What the port is for, in messages.
        type: str
        default: a port of the cluster
  resolve:
    description:
      - Host names this host must resolve - its own advertised host and those of the other hosts it dials - each
        looked up once on the managed host (C(getaddrinfo)), all at the same time, for up to 10 seconds. Names under
        C(.invalid) never resolve (RFC 6761) and are not looked up.
      - A name that does not resolve is a problem (kind C(resolve)) naming the host it belongs to, where it came from
        (O(resolve[].source)) and the fix; a peer of O(peers) at such a name is not dialled (its RV(reach) state is
        C(unresolved)).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The name to look up.
        type: str
        required: true
      host:
        description: The inventory host whose advertised host the name is, in messages.
        type: str
        required: true
      source:
        description:
          - Where the name came from, in messages - V(littlehorse_advertised_host), V(ansible_host) or V(the inventory
            name); the fix names the setting to change.
        type: str
        default: the inventory
  members:
    description:
      - How to recognise the cluster's own containers that the plan does not put on this host (a server the
        inventory no longer plans, or one whose instance or node id changed). A container whose name starts with
        C(name_prefix) and whose environment holds C(env=value) is one; each is returned in RV(unplanned) and is a
        problem of kind C(unplanned_server) or C(unplanned_kafka) naming the fix.
    type: list
    elements: dict
    default: []
    suboptions:
      name_prefix:
        description: The start of the containers' names, e.g. C(lh-server-).
        type: str
        required: true
      env:
        description: The variable that holds the cluster's id - C(LHS_CLUSTER_ID) for servers, C(CLUSTER_ID) for Kafka nodes.
        type: str
        required: true
        choices: [LHS_CLUSTER_ID, CLUSTER_ID]
      value:
        description: The cluster's id.
        type: str
        required: true
'''

EXAMPLES = r'''
- name: Look at the host once
  littlehorse.cluster.lh_host_info:
    host: "{{ inventory_hostname }}"
    containers: [lh-kafka-1, lh-server-1]
    ports:
      lh-server-1: ["127.0.0.1:2023:2023", "127.0.0.1:1822:1822"]
    images:
      - {image: registry.example.com/littlehorse/lh-server:1.2.1, variable: server_image}
      - {image: "{{ dashboard_image }}", variable: dashboard_image, required: false}
    volumes: [lh-kafka-1, lh-server-1]
  register: host_look

- name: Is the dashboard there, and running?
  littlehorse.cluster.lh_host_info:
    containers: [lh-dashboard]
  register: dashboard_look
'''

RETURN = r'''
engine:
  description: The engine's version, API version and operating system.
  returned: success
  type: dict
  sample: {version: 26.1.5, api_version: "1.45", os: Debian GNU/Linux 12 (bookworm), memory_bytes: 8218382336}
sdk_version:
  description: Version of the Docker SDK for Python on the managed host.
  returned: when the SDK is installed
  type: str
  sample: 7.1.0
containers:
  description:
    - The containers of O(containers) that exist. C(listener_protocols) are a Kafka node's listener protocols
      (without its tools listener), null for other containers.
  returned: success
  type: list
  elements: dict
  sample:
    - {name: lh-server-1, id: 3f2a, image: "registry.example.com/littlehorse/lh-server:1.2.1", image_id: "sha256:...", running: true,
       status: running, started_at: "2026-11-25T14:00:00.000000000Z", labels: {},
       identity: {LHS_CLUSTER_ID: lh, LHS_CLUSTER_PARTITIONS: "12", LHS_INSTANCE_ID: "1"}, listener_protocols: null,
       volumes: [lh-server-1-data]}
images:
  description:
    - One entry per image of O(images) (duplicates once). C(available) says the engine has it now; C(would_pull)
      that it is missing and listed in RV(pull); C(from_archive) that it is missing and listed in
      RV(load_from_archives); C(pulled) is always false here (the shape M(littlehorse.cluster.lh_image) returns).
  returned: success
  type: list
  elements: dict
  sample:
    - {image: "haproxy:3.0.11", variable: load_balancer_image, required: true, present: true, pulled: false,
       would_pull: false, id: "sha256:...", available: true, from_archive: false, missing_because: ""}
pull:
  description:
    - The missing images of O(images) that may be pulled, each C({image, variable, required}), as
      M(littlehorse.cluster.lh_image) takes them. Empty when every image is there.
  returned: success
  type: list
  elements: dict
  sample:
    - {image: "haproxy:3.0.11", variable: load_balancer_image, required: true}
load_from_archives:
  description:
    - The missing images of O(images) with O(images[].archive), each C({image, variable, required}), as
      M(littlehorse.cluster.lh_image_archive) takes them. Empty when every image is there.
  returned: success
  type: list
  elements: dict
  sample:
    - {image: "lh-testbed/lh-server:1.2.1", variable: server_image, required: true}
volumes:
  description: The volumes of O(volumes) that exist.
  returned: success
  type: list
  elements: str
networks:
  description: Names of every network of the engine.
  returned: success
  type: list
  elements: str
ports:
  description:
    - One entry per planned port. C(state) is C(free), C(ours) (held by its planned container), C(container)
      (published by another container, C(held_by) names it), C(process) (held by a process on the host) or
      C(address) (its bind address is not one of the host's addresses, so nothing can hold it there).
  returned: success
  type: list
  elements: dict
  sample:
    - {container: lh-server-1, bind: 127.0.0.1, port: 2023, protocol: tcp, state: ours, held_by: lh-server-1,
       checked: engine and bind}
disk:
  description: The engine's data root (C(DockerRootDir)) and its free and total bytes (null where it cannot be read).
  returned: success
  type: dict
  sample: {root_dir: /var/lib/docker, free_bytes: 52000000000, total_bytes: 100000000000}
resolve:
  description:
    - Each name of O(resolve) once, with C(resolved), the C(addresses) it resolved to on the host and, when it did not
      resolve, the C(error).
  returned: success
  type: list
  elements: dict
  sample:
    - {name: lh2.example.com, host: lh2, source: ansible_host, resolved: true, addresses: [192.0.2.12], error: ""}
reach:
  description:
    - Each of O(peers) with C(state) C(open), C(refused) (the machine answered), C(unresolved) (its name does not
      resolve, see RV(resolve), so it was not dialled), or why nothing answered.
  returned: success
  type: list
  elements: dict
  sample:
    - {to: lh2, address: 192.0.2.12, port: 9093, purpose: the Kafka controller port of lh-kafka-2, state: refused}
unplanned:
  description: The cluster's containers on this engine that the plan does not put on this host (see O(members)).
  returned: success
  type: list
  elements: dict
  sample:
    - {name: lh-server-302, kind: server, member_of: LHS_CLUSTER_ID, running: true, status: running,
       volumes: [lh-server-302-data], identity: {LHS_CLUSTER_ID: lh, LHS_INSTANCE_ID: "302"}}
problems:
  description:
    - Every problem found, each C({kind, msg}); kind is C(sdk), C(engine), C(disk), C(resolve), C(reach), C(destructive),
      C(protocol), C(unplanned_server), C(unplanned_kafka), C(image), C(port) or C(address).
  returned: always
  type: list
  elements: dict
'''

import socket
import sys

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _docker_client
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import (
    local_engine_path, look, sdk_problem, with_plan_options)
from ansible_collections.littlehorse.cluster.plugins.module_utils._images import image_options


def argument_spec():
    return dict(
        host=dict(type="str"),
        plan=dict(type="dict"),
        containers=dict(type="list", elements="str", default=[]),
        ports=dict(type="dict", default={}),
        addresses=dict(type="dict", default={}),
        images=dict(type="list", elements="dict", default=[], options=image_options(
            pull=dict(type="bool", default=True), archive=dict(type="bool", default=False))),
        volumes=dict(type="list", elements="str", default=[]),
        docker_host=dict(type="str"),
        min_free_disk_mb=dict(type="int", default=0),
        memory=dict(type="dict", default={}),
        identity=dict(type="dict", default={}),
        protocols=dict(type="dict", default={}),
        peers=dict(type="list", elements="dict", default=[], options=dict(
            to=dict(type="str", required=True),
            address=dict(type="str", required=True),
            port=dict(type="int", required=True),
            purpose=dict(type="str", default="a port of the cluster"),
        )),
        resolve=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            host=dict(type="str", required=True),
            source=dict(type="str", default="the inventory"),
        )),
        members=dict(type="list", elements="dict", default=[], options=dict(
            name_prefix=dict(type="str", required=True),
            env=dict(type="str", required=True, choices=["LHS_CLUSTER_ID", "CLUSTER_ID"]),
            value=dict(type="str", required=True),
        )),
    )


def main():
    spec = argument_spec()
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    host = module.params["host"] or socket.gethostname()
    try:
        params = with_plan_options(module.params, spec)
    except LHClusterError as err:
        module.fail_json(msg="host %s: %s" % (host, err), problems=[{"kind": "input", "msg": str(err)}])
    sdk_version = _docker_client.sdk_version()
    problem = sdk_problem(sdk_version, host, sys.executable or "python3")
    if problem:
        problems = [{"kind": "sdk", "msg": problem}]
        module.fail_json(msg=problem, problems=problems, sdk_version=sdk_version)
    url = params["docker_host"] or _docker_client.docker_host_default()
    client, result, problems = None, {}, []
    try:
        client = _docker_client.connect(url)
    except LHClusterError as err:
        message = "host %s: %s" % (host, err)
        module.fail_json(msg=message, problems=[{"kind": "engine", "msg": message}], sdk_version=sdk_version)
    try:
        result, problems = look(
            client, host, containers=params["containers"], ports=params["ports"], images=params["images"],
            volumes=params["volumes"], local=local_engine_path(url) is not None,
            min_free_disk_mb=params["min_free_disk_mb"], peers=params["peers"], identity=params["identity"],
            members=params["members"], resolve=params["resolve"], protocols=params["protocols"],
            addresses=params["addresses"], memory=params["memory"])
    except LHClusterError as err:
        module.fail_json(msg="host %s: %s" % (host, err), problems=[{"kind": "input", "msg": str(err)}])
    except Exception as err:  # the SDK's errors while reading: name the host and the engine
        message = "host %s: reading the Docker engine at %s failed (%s)" % (host, url, err)
        module.fail_json(msg=message, problems=[{"kind": "engine", "msg": message}], sdk_version=sdk_version)
    result.update(sdk_version=sdk_version, problems=problems, changed=False)
    if problems:
        module.fail_json(msg=" | ".join(p["msg"] for p in problems), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

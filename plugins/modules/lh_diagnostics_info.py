#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_diagnostics_info
short_description: Read what a diagnostics bundle needs from one host, with every secret removed
version_added: 0.1.0
description:
  - Reads, through the Docker SDK, the host's Docker engine (version, operating system, resources), each container
    of O(containers) and every other container whose name starts with O(name_prefix) (its state, C(docker inspect)
    and its last O(log_lines) log lines), and, from the managed host, C(/status) and C(/diskUsage) of the health
    service of each server of O(servers). Changes nothing.
  - Secrets are removed on the host, before anything is returned. The value of every environment variable, key
    and C(NAME=value) of a log line whose name matches O(secret_name_pattern) is replaced by C(<redacted>); every
    such value found in a container's environment, and every value of O(secret_values), is then replaced wherever
    else it shows (log lines, C(/status), inspect data). Values shorter than 4 characters are only removed by name.
  - Nothing that cannot be read fails the module (a container that does not exist, a server that does not answer) -
    it is reported in its place. It fails only when the Docker SDK is missing or the engine does not answer.
  - The playbook littlehorse.cluster.diagnostics runs it on every host and hands the results to
    littlehorse.cluster.lh_diagnostics_bundle.
author: littlehorse.cluster contributors (!UNKNOWN)
attributes:
  check_mode:
    details: The module only reads; check mode reads the same.
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
  - littlehorse.cluster.docker.sdk
  - littlehorse.cluster.health
  - littlehorse.cluster.secrets
options:
  containers:
    description: Names of the containers the plan puts on this host; one that does not exist is reported as absent.
    type: list
    elements: str
    default: []
  name_prefix:
    description:
      - Every other container of the engine whose name starts with this is read too (a left-over of the cluster, such
        as a server the plan no longer puts on this host). Empty reads only O(containers).
    type: str
    default: ""
  servers:
    description: The servers whose health service is read, as seen from the managed host.
    default: []
  log_lines:
    description: How many of the last log lines (standard output and error, with timestamps) of each container.
    type: int
    default: 500
  timeout:
    description: Seconds to wait for each health service request.
    type: int
    default: 5
'''

EXAMPLES = r'''
- name: Read the host's containers and servers for a diagnostics bundle
  littlehorse.cluster.lh_diagnostics_info:
    containers: [lh-kafka-1, lh-server-1]
    name_prefix: lh-
    servers:
      - {name: lh-server-1, host: 127.0.0.1, health_port: 1822}
    log_lines: 200
    secret_values: ["{{ vault_kafka_password }}"]
  register: diagnostics
'''

RETURN = r'''
engine:
  description: The Docker engine - version, API versions, operating system, kernel, CPUs, memory, data root, storage
    driver, cgroup version, container and image counts, its warnings - and the SDK's version.
  returned: success
  type: dict
  sample: {version: 26.1.5, api_version: "1.45", os: Debian GNU/Linux 13 (trixie), cpus: 2, sdk_version: 7.1.0}
containers:
  description:
    - One entry per container, those of O(containers) first. C(exists) false for one that is not there.
    - C(state) (status, running, exit code, OOM kill, error, start and finish times, restart count, health, image),
      C(inspect) (C(docker inspect) with secret values redacted), C(logs) (the last O(log_lines) lines) and
      C(redacted_env) (the names of the environment variables whose values were removed).
  returned: success
  type: list
  elements: dict
  sample:
    - {name: lh-server-1, planned: true, exists: true, state: {status: running, exit_code: 0},
       inspect: {}, logs: "2026-11-26T01:00:00.000Z ...", logs_error: "", redacted_env: []}
servers:
  description:
    - One entry per server of O(servers), with C(status) and C(diskUsage) - each C(status_code) (null when nothing
      answered), C(body) (parsed JSON when it is JSON) and C(error).
    - C(answered_as) is the C(instanceId) the C(/status) answer names; C(identity_problem) says so when it is not the
      server's O(servers[].instance_id) (the address reached another server), else null.
  returned: success
  type: list
  elements: dict
  sample:
    - {name: lh-server-1, url: "http://127.0.0.1:1822", status: {status_code: 200, body: {coreState: RUNNING}, error: ""},
       diskUsage: {status_code: 200, body: {diskUsageBytes: 455603}, error: ""}, instance_id: 1, answered_as: "1",
       identity_problem: null}
redaction:
  description: The pattern used, and by container the environment variables whose values were removed.
  returned: success
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _docker_client
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import http_get
from ansible_collections.littlehorse.cluster.plugins.module_utils._diagnostics import (
    SECRET_NAME_PATTERN, collect, redactor_from)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def main():
    module = AnsibleModule(argument_spec=dict(
        containers=dict(type="list", elements="str", default=[]),
        name_prefix=dict(type="str", default=""),
        servers=dict(type="list", elements="dict", default=[], options=dict(
            host=dict(type="str", required=True),
            health_port=dict(type="int", default=1822),
            name=dict(type="str"),
            instance_id=dict(type="int"),
        )),
        log_lines=dict(type="int", default=500),
        secret_name_pattern=dict(type="str", default=SECRET_NAME_PATTERN, no_log=False),
        secret_values=dict(type="list", elements="str", default=[], no_log=True),
        docker_host=dict(type="str"),
        timeout=dict(type="int", default=5),
    ), supports_check_mode=True)
    params = module.params
    try:
        redactor = redactor_from(params)
    except LHClusterError as err:
        module.fail_json(msg=str(err))
    docker = _docker_client.docker
    sdk_version = getattr(docker, "__version__", None) if docker is not None else None
    try:
        client = _docker_client.connect(params["docker_host"], timeout=30)
        result = collect(client, containers=params["containers"], name_prefix=params["name_prefix"],
                         servers=params["servers"], log_lines=params["log_lines"], redactor=redactor,
                         fetch=lambda url: http_get(url, params["timeout"]), sdk_version=sdk_version)
    except LHClusterError as err:
        module.fail_json(msg=redactor.text(str(err)))
    except Exception as err:  # the SDK's errors while reading the engine
        module.fail_json(msg="reading the Docker engine failed: %s" % redactor.text(str(err)))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_workflow_check
short_description: Prove a LittleHorse cluster with a real workflow, as a task worker sees it
version_added: 0.1.0
description:
  - Runs a real workflow through a LittleHorse cluster with the LittleHorse Python client, from the host the module
    runs on (run it on the controller with C(delegate_to=localhost) to see the cluster as a user's worker would).
  - Registers a TaskDef and a one-task WfSpec (the task node retries a failed task O(task_retries) times), starts a
    task worker that bootstraps from O(bootstrap_host):O(bootstrap_port), and checks that the cluster assigns the
    worker every server of O(servers) by its advertised address.
  - Tries a TCP connection to every address the worker was assigned (and to every server's advertised address),
    maps each assigned address back to the server that advertises it, checks that the worker's poll stream to it
    stayed open, and requires O(runs) workflow runs to COMPLETE.
  - Removes what it registered (the workflow runs it started, the WfSpec, the TaskDef) at the end, also when a
    check failed, unless O(cleanup=false).
  - On failure, one message lists every failing server by name, host and advertised address, with the reason;
    an assigned address that no server of O(servers) advertises is listed too.
  - With O(versions=true) it also asks every server of O(servers), at its advertised address, for its version
    (C(GetServerVersion)) and sets it beside the release of the image the server's container runs (from
    O(containers)); a server whose version differs from its image's release fails the check, naming the server,
    both versions and the image. The release of an image is its tag when the tag is a bare release (C(1.2.1)); for
    a reference pinned by a digest, a tag that is not a release (C(master)) or a release with a suffix
    (C(1.2.1-p1), a patched rebuild or a pre-release), the image's C(org.opencontainers.image.version) label when it
    has one (a suffixed tag without the label is read as the pre-release it spells); else V(unknown), which is
    reported and never fails. The dashboard's release (O(dashboard)) differing from the servers' versions is a
    warning.
  - C(LHC_*) and C(LHW_*) environment variables of the host the module runs on are ignored; the options say
    everything the clients use.
author: littlehorse.cluster contributors (!UNKNOWN)
requirements:
  - littlehorse-client (the LittleHorse Python client, the same release as the servers) on the host the module
    runs on
attributes:
  check_mode:
    details: The check runs in check mode too; it leaves nothing behind unless O(cleanup=false).
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
options:
  bootstrap_host:
    description: The address task workers bootstrap from (a server's advertised host, or a load balancer).
    type: str
    required: true
  bootstrap_port:
    description: The port task workers bootstrap from.
    type: int
    default: 2023
  servers:
    description:
      - Every server of the cluster, as the worker must be assigned it.
      - The worker must be assigned exactly these advertised addresses.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The server's name in the report (its container name).
        type: str
        required: true
      host:
        description: The inventory host the server runs on, for the report.
        type: str
        required: true
      advertised_host:
        description: The host of the server's advertised listener, as it is handed to task workers.
        type: str
        required: true
      advertised_port:
        description: The port of the server's advertised listener.
        type: int
        required: true
  runs:
    description: How many workflow runs must COMPLETE. V(0) checks the assignment only.
    type: int
    default: 5
  timeout:
    description: Seconds to wait for the registrations to be readable and for the runs to complete.
    type: int
    default: 180
  assign_timeout:
    description:
      - Seconds to wait until the worker is assigned every server. The worker asks once when it starts and then
        every 60 seconds, so a value above 60 allows for one more answer.
    type: int
    default: 90
  connect_timeout:
    description: Seconds a TCP connection to an assigned address may take.
    type: int
    default: 5
  task_retries:
    description: How many times the workflow's task node retries a failed task (with exponential backoff).
    type: int
    default: 3
  tenant:
    description: The tenant to register and run in (C(LHC_TENANT_ID)); the server's default tenant when unset.
    type: str
  client_settings:
    description:
      - Further settings of the LittleHorse client, C(LHC_*) or C(LHW_*) (for example C(LHC_API_PROTOCOL),
        C(LHC_CA_CERT), C(LHC_OAUTH_CLIENT_ID), C(LHC_OAUTH_ACCESS_TOKEN_URL)). Empty values are left out.
      - C(LHC_API_HOST) and C(LHC_API_PORT) come from O(bootstrap_host) and O(bootstrap_port); the OAuth client
        secret goes in O(oauth_client_secret).
    type: dict
    default: {}
  oauth_client_secret:
    description: The OAuth client secret (C(LHC_OAUTH_CLIENT_SECRET)), hidden in logs.
    type: str
  name_prefix:
    description: Prefix of the names of the TaskDef, the WfSpec and the runs it registers (a random suffix follows).
    type: str
    default: lh-verify
  cleanup:
    description: Remove the runs, the WfSpec and the TaskDef at the end, also when a check failed.
    type: bool
    default: true
  workflow:
    description:
      - Run the workflow check. V(false) registers nothing and starts no worker; only the versions are read
        (O(versions)).
    type: bool
    default: true
  versions:
    description: Read every server's version and compare it with its image's release (RV(versions)).
    type: bool
    default: true
  containers:
    description:
      - The containers of the servers (and of the dashboard), as M(littlehorse.cluster.lh_host_info) returns them
        (RV(littlehorse.cluster.lh_host_info#module:containers)); each needs C(name), C(image) and C(labels), other
        keys are ignored. A server whose container is not given is reported with its image unknown.
    type: list
    elements: dict
    default: []
  dashboard:
    description: The name of the dashboard's container in O(containers), whose release is set beside the servers'.
    type: str
'''

EXAMPLES = r'''
- name: A real workflow through every server, from the controller
  littlehorse.cluster.lh_workflow_check:
    bootstrap_host: 127.0.0.1
    bootstrap_port: 2023
    servers:
      - {name: lh-server-1, host: local, advertised_host: 127.0.0.1, advertised_port: 2023}
      - {name: lh-server-2, host: local, advertised_host: 127.0.0.1, advertised_port: 2033}
      - {name: lh-server-3, host: local, advertised_host: 127.0.0.1, advertised_port: 2043}
    runs: 5
  delegate_to: localhost
  run_once: true
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"

- name: Only each server's version beside its image's release (no workflow)
  littlehorse.cluster.lh_workflow_check:
    bootstrap_host: 127.0.0.1
    servers: "{{ verify_servers }}"
    workflow: false
    containers: "{{ look.containers }}"
  delegate_to: localhost
  run_once: true

- name: Through a TLS listener in a tenant of its own
  littlehorse.cluster.lh_workflow_check:
    bootstrap_host: lh.example.internal
    bootstrap_port: 2023
    servers: "{{ verify_servers }}"
    tenant: verify
    client_settings:
      LHC_API_PROTOCOL: TLS
      LHC_CA_CERT: /etc/littlehorse/ca.crt
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
bootstrap:
  description: The address the worker bootstrapped from.
  returned: always
  type: str
  sample: 127.0.0.1:2023
servers:
  description:
    - One entry per server, in the order given, then one per assigned address no server advertises (with
      C(name) null). C(reachable) is whether a TCP connection from here opened; C(polling) whether the
      worker's poll stream to it was still open at the end (null when it was not assigned).
  returned: always
  type: list
  elements: dict
  sample:
    - {name: lh-server-1, host: local, advertised: "127.0.0.1:2023", assigned: true, reachable: true,
       connect_error: null, polling: true, ok: true, problem: null}
assigned:
  description: Every host:port the cluster assigned to the worker.
  returned: always
  type: list
  elements: str
  sample: ["127.0.0.1:2023", "127.0.0.1:2033", "127.0.0.1:2043"]
problems:
  description: What failed, one sentence each (empty when the check passed).
  returned: always
  type: list
  elements: str
figures:
  description: Seconds until the worker held its assignment, runs asked for and completed, seconds the runs took,
    seconds in all.
  returned: always
  type: dict
  sample: {assignment_seconds: 0.4, runs: 5, completed: 5, runs_seconds: 1.9, seconds: 4.2}
registered:
  description: The names of the TaskDef and the WfSpec, and the ids of the runs, the check registered.
  returned: always
  type: dict
  sample: {task_def: lh-verify-greet-1a2b3c4d, wf_spec: lh-verify-wf-1a2b3c4d, wf_runs: [lh-verify-wf-1a2b3c4d-5e6f7a8b-0]}
cleanup:
  description: Whether what was registered was removed (C(done)), and what could not be (C(errors)).
  returned: always
  type: dict
  sample: {done: true, errors: []}
versions:
  description:
    - With O(versions), per server its version (null when it could not be read), the image its container runs and
      that image's release with where it came from (C(tag), C(label) or C(unknown)), and the problem when they
      differ; the dashboard's image and release, with a warning when it differs from the servers'.
  returned: when O(versions=true)
  type: dict
  sample:
    servers:
      - {name: lh-server-1, host: local, version: 1.2.1, image: "lh-testbed/lh-server:1.2.1-p1", release: 1.2.1,
         release_source: label, problem: null, summary: "lh-server-1 (host local): LittleHorse 1.2.1; image
         lh-testbed/lh-server:1.2.1-p1, release 1.2.1 (its label org.opencontainers.image.version)"}
    dashboard: {name: lh-dashboard, image: "lh-testbed/lh-dashboard-double:1.2.1", release: 1.2.1,
                release_source: tag, warning: null, summary: "dashboard lh-dashboard: image
                lh-testbed/lh-dashboard-double:1.2.1, release 1.2.1 (its tag)"}
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._release import versions_report
from ansible_collections.littlehorse.cluster.plugins.module_utils._workflow import (
    HAS_LITTLEHORSE, LITTLEHORSE_IMPORT_ERROR, check_cluster, client_settings, failure_message,
    forget_client_environment, read_versions, skipped_check)


def main():
    module = AnsibleModule(argument_spec=dict(
        bootstrap_host=dict(type="str", required=True),
        bootstrap_port=dict(type="int", default=2023),
        servers=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            host=dict(type="str", required=True),
            advertised_host=dict(type="str", required=True),
            advertised_port=dict(type="int", required=True),
        )),
        runs=dict(type="int", default=5),
        timeout=dict(type="int", default=180),
        assign_timeout=dict(type="int", default=90),
        connect_timeout=dict(type="int", default=5),
        task_retries=dict(type="int", default=3),
        tenant=dict(type="str"),
        client_settings=dict(type="dict", default={}),
        oauth_client_secret=dict(type="str", no_log=True),
        name_prefix=dict(type="str", default="lh-verify"),
        cleanup=dict(type="bool", default=True),
        workflow=dict(type="bool", default=True),
        versions=dict(type="bool", default=True),
        containers=dict(type="list", elements="dict", default=[]),
        dashboard=dict(type="str"),
    ), supports_check_mode=True)
    params = module.params
    if not HAS_LITTLEHORSE:
        module.fail_json(msg=missing_required_lib("littlehorse-client"), exception=LITTLEHORSE_IMPORT_ERROR)
    for option in ("runs", "task_retries"):
        if params[option] < 0:
            module.fail_json(msg="%s must be 0 or more, got %d" % (option, params[option]))
    for option in ("timeout", "assign_timeout", "connect_timeout"):
        if params[option] <= 0:
            module.fail_json(msg="%s must be above 0, got %d" % (option, params[option]))
    try:
        settings = client_settings(params["bootstrap_host"], params["bootstrap_port"], params["tenant"],
                                   params["client_settings"], params["oauth_client_secret"])
    except LHClusterError as err:
        module.fail_json(msg=err.message)
    forget_client_environment()
    if params["workflow"]:
        result = check_cluster(params["bootstrap_host"], params["bootstrap_port"], params["servers"],
                               runs=params["runs"], timeout=params["timeout"], assign_timeout=params["assign_timeout"],
                               connect_timeout=params["connect_timeout"], task_retries=params["task_retries"],
                               settings=settings, cleanup=params["cleanup"], name_prefix=params["name_prefix"])
    else:
        result = skipped_check(params["bootstrap_host"], params["bootstrap_port"])
    if params["versions"]:
        result["versions"], problems, warnings = versions_report(
            params["servers"], read_versions(params["servers"], settings, min(params["timeout"], 30)),
            params["containers"], params["dashboard"])
        result["problems"].extend(problems)
        result["ok"] = result["ok"] and not problems
        for warning in warnings:
            module.warn(warning)
    ok = result.pop("ok")
    for error in result["cleanup"]["errors"]:
        module.warn("could not remove what the check registered: %s" % error)
    changed = not params["cleanup"] and bool(result["registered"]["task_def"])
    if not ok:
        message = failure_message(result["bootstrap"], result["problems"]) if params["workflow"] else (
            "version check of the servers failed: %s" % "; ".join(result["problems"]))
        module.fail_json(msg=message, changed=changed, **result)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every container module shares: the common options and the run from params to result."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    RESTART_POLICIES, STATES, ContainerSpec, Reconciler)
from ansible_collections.littlehorse.cluster.plugins.module_utils._docker_client import connect, docker_host_default
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def container_argument_spec(stop_timeout_default=None):
    """The options of the littlehorse.cluster.container doc fragment."""
    return dict(
        name=dict(type="str", required=True),
        image=dict(type="str"),
        state=dict(type="str", default="started", choices=list(STATES)),
        network=dict(type="str"),
        network_aliases=dict(type="list", elements="str"),
        published_ports=dict(type="list", elements="str"),
        restart_policy=dict(type="str", default="unless-stopped", choices=list(RESTART_POLICIES)),
        stop_timeout=dict(type="int", default=stop_timeout_default),
        labels=dict(type="dict"),
        docker_host=dict(type="str"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
        wait_host=dict(type="str"),
        force_recreate=dict(type="bool", default=False),
    )


def container_kwargs(params):
    """The ContainerSpec arguments that come straight from the common options."""
    return dict(
        name=params["name"], image=params["image"], network=params["network"],
        network_aliases=params["network_aliases"], published_ports=params["published_ports"],
        restart_policy=params["restart_policy"], stop_timeout=params["stop_timeout"],
        labels=params["labels"])


def missing_required(params, required):
    """The options of `required` that are not given, when the container should exist."""
    if params["state"] == "absent":
        return []
    return [option for option in required if params.get(option) in (None, [], "")]


def run_container_module(module, build_spec, required=()):
    """Validate (build_spec raises LHClusterError before anything changes), reconcile, exit.

    The options in `required` are needed unless state is absent: removing a container takes
    only its name."""
    params = module.params
    missing = missing_required(params, required)
    if missing:
        module.fail_json(msg="%s: required unless state is absent" % ", ".join(missing))
    try:
        if params["state"] == "absent":
            spec, extra = ContainerSpec(name=params["name"], image=None, stop_timeout=params["stop_timeout"]), {}
        else:
            spec, extra = build_spec(params, module.check_mode)
        written = extra.pop("files_written", [])
        reloadable = set(m.host_path for m in spec.mounts if m.reloadable)
        client = connect(params["docker_host"] or docker_host_default())
        engine = Reconciler(client, check_mode=module.check_mode)
        result = engine.apply(spec, state=params["state"], force_recreate=params["force_recreate"],
                              wait=params["wait"], wait_timeout=params["wait_timeout"],
                              wait_host=params["wait_host"], reload=any(path in reloadable for path in written))
    except LHClusterError as err:
        module.fail_json(msg=err.message, **err.details)
    if written:
        result["actions"] = ["write %s" % path for path in written] + result["actions"]
        result["changed"] = True
    result.update(extra)
    result["env"] = spec.masked_env()
    if module._diff:
        result["diff"] = engine.diff
    module.exit_json(**result)

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every container module shares: the common options and the run from params to result."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    FILES_PLANNED, RESTART_POLICIES, STATES, ContainerSpec, Reconciler, host_file_entries, write_host_files)
from ansible_collections.littlehorse.cluster.plugins.module_utils._docker_client import connect, docker_host_default
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import log_options, size_bytes


def container_argument_spec(stop_timeout_default=None):
    """The options of the littlehorse.cluster.container doc fragment."""
    return dict(
        name=dict(type="str"),
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
        purge_volumes=dict(type="bool", default=False),
        instances=dict(type="list", elements="dict"),
        change_existing=dict(type="bool", default=True),
        memory=dict(type="str"),
        log_max_size=dict(type="str"),
        log_max_files=dict(type="int"),
        files=dict(type="list", elements="dict", options=dict(
            path=dict(type="path", required=True),
            content_base64=dict(type="str", required=True, no_log=True),
            mode=dict(type="str", default="0644"),
            folder_mode=dict(type="str", default="0700"),
            owner=dict(type="int"))),
    )


# Options that hold for the whole run, never for one item of `instances`.
RUN_OPTIONS = ("instances", "change_existing", "docker_host", "files")


def container_kwargs(params):
    """The ContainerSpec arguments that come straight from the common options."""
    return dict(
        name=params["name"], image=params["image"], network=params["network"],
        network_aliases=params["network_aliases"], published_ports=params["published_ports"],
        restart_policy=params["restart_policy"], stop_timeout=params["stop_timeout"],
        labels=params["labels"], memory=size_bytes(params["memory"], "memory") if params.get("memory") else None,
        log_options=container_log_options(params))


def container_log_options(params):
    """The json-file driver's options from log_max_size and log_max_files (both or neither), else None."""
    size, files = params.get("log_max_size"), params.get("log_max_files")
    if size is None and files is None:
        return None
    if size is None or files is None:
        raise LHClusterError("log_max_size, log_max_files: give both (the size of one log file and how many are "
                             "kept), or neither to leave the engine's log settings")
    return log_options(size, files)


def missing_required(params, required):
    """The options of `required` that are not given, when the container should exist."""
    if params["state"] == "absent":
        return [] if params.get("name") else ["name"]
    return [option for option in ("name",) + tuple(required) if params.get(option) in (None, [], "")]


def item_params(argument_spec, params):
    """[(label, params)] of every container of the run: the top-level options, or each item of
    `instances` over them, validated and converted with the module's own argument spec."""
    if not params.get("instances"):
        return [("", params)]
    item_spec = dict((k, v) for k, v in argument_spec.items() if k not in RUN_OPTIONS)
    defaults = dict((k, v) for k, v in params.items() if k not in RUN_OPTIONS and v is not None)
    items = []
    for index, overrides in enumerate(params["instances"]):
        label = "instances[%d]%s" % (index, " (%s)" % overrides["name"] if overrides.get("name") else "")
        misplaced = sorted(set(overrides) & set(RUN_OPTIONS))
        if misplaced:
            raise LHClusterError("%s: %s hold for the whole run; set them at the top level, not per item"
                                 % (label, ", ".join(misplaced)))
        given = dict((k, v) for k, v in overrides.items() if v is not None)
        result = ArgumentSpecValidator(item_spec).validate(dict(defaults, **given))
        if result.error_messages:
            raise LHClusterError("%s: %s" % (label, "; ".join(result.error_messages)))
        items.append((label, dict(result.validated_parameters, docker_host=params["docker_host"])))
    names = [p["name"] for dummy, p in items]
    twice = sorted(set(n for n in names if names.count(n) > 1))
    if twice:
        raise LHClusterError("instances: the container name %s is given more than once" % ", ".join(twice))
    return items


def prepare(params, build_spec, required, check_mode):
    """(spec, extra) of one container; raises LHClusterError before anything changes."""
    missing = missing_required(params, required)
    if missing:
        raise LHClusterError("%s: required unless state is absent" % ", ".join(missing))
    if params["state"] == "absent":
        return ContainerSpec(name=params["name"], image=None, stop_timeout=params["stop_timeout"]), {}
    return build_spec(params, check_mode)


def is_within(path, mounted):
    """True when the host file `path` is the mounted host path or inside the mounted folder."""
    return path == mounted or path.startswith(mounted.rstrip("/") + "/")


def is_running(attrs):
    """An existing container (inspect data) that runs; one that is created, exited or dead serves nothing."""
    return bool(attrs and (attrs.get("State") or {}).get("Running"))


def reconcile(client, params, spec, extra, check_mode, change_existing=True):
    """Apply one container; returns (result, diff). With change_existing false, an existing
    container that runs and differs is only looked at (check mode) and its result says pending;
    one that does not run serves nothing, so it is changed and started at once like a new one
    (a rolling play must never be left to start a container that is down: its gates would wait
    on the very containers it has yet to start). With wait, a running container that matches is
    waited for too, as it is when existing ones may change: a later run can so wait for the ones
    an earlier run started without waiting."""
    written_paths = extra.pop("files_written", [])
    reloadable = set(m.host_path for m in spec.mounts if m.reloadable)
    engine = Reconciler(client, check_mode=check_mode)
    if not change_existing and params["state"] != "absent" and is_running(engine.find(spec.name)):
        engine = Reconciler(client, check_mode=True)
    result = engine.apply(spec, state=params["state"], force_recreate=params["force_recreate"],
                          wait=params["wait"], wait_timeout=params["wait_timeout"],
                          wait_host=params["wait_host"], reload=any(path in reloadable for path in written_paths),
                          purge_volumes=params["purge_volumes"])
    if engine.check_mode and not check_mode and not result["changed"] and params["wait"]:
        Reconciler(client).wait_healthy(spec, params["wait_timeout"], params["wait_host"])
    result["pending"] = bool(engine.check_mode and not check_mode and result["changed"])
    if result["pending"]:
        result["changed"] = False
    elif written_paths:
        result["actions"] = ["write %s" % path for path in written_paths] + result["actions"]
        result["changed"] = True
    result.update(extra)
    result["env"] = spec.masked_env()
    return result, engine.diff


def instances_outcome(names, results, files_written):
    """The result of a run with `instances` (`names` the containers, `results` their results, in the order given):
    changed when a container or a host file changed, each container's result, and the names of those left pending
    and of those the run changed."""
    return {"changed": bool(files_written) or any(r["changed"] for r in results), "instances": results,
            "pending": [name for name, r in zip(names, results) if r["pending"]],
            "changed_containers": [name for name, r in zip(names, results) if r["changed"]]}


def run_container_module(module, build_spec, required=()):
    """Validate every container of the run (build_spec raises LHClusterError before anything
    changes), reconcile them in order, exit.

    The options in `required` are needed unless state is absent: removing a container takes
    only its name. With `instances`, the result of each container is in `instances`, its
    name in `pending` when change_existing=false kept it from changing, and in `changed_containers` when the run
    changed it (or would, in check mode)."""
    params = module.params
    try:
        host_files = host_file_entries(params.get("files"))
        prepared = []
        for label, item in item_params(module.argument_spec, params):
            item[FILES_PLANNED] = frozenset(entry[0] for entry in host_files)
            try:
                prepared.append((item,) + tuple(prepare(item, build_spec, required, module.check_mode)))
            except LHClusterError as err:
                raise LHClusterError("%s%s" % (label + ": " if label else "", err.message), **err.details)
        client = connect(params["docker_host"] or docker_host_default())
        files_written = write_host_files(host_files, module.check_mode)
        results, diffs = [], []
        for item, spec, extra in prepared:
            extra["files_written"] = extra.get("files_written", []) + [
                path for path in files_written if any(is_within(path, m.host_path) for m in spec.mounts if m.host_path)]
            result, diff = reconcile(client, item, spec, extra, module.check_mode, params["change_existing"])
            results.append(result)
            diffs.append(dict(diff, before_header=spec.name, after_header=spec.name))
    except LHClusterError as err:
        module.fail_json(msg=err.message, **err.details)
    if params.get("instances"):
        outcome = instances_outcome([item["name"] for item, dummy, dummy2 in prepared], results, files_written)
        if module._diff:
            outcome["diff"] = diffs
    else:
        outcome = dict(results[0], changed=bool(files_written) or results[0]["changed"])
        if module._diff:
            outcome["diff"] = dict((k, v) for k, v in diffs[0].items() if not k.endswith("_header"))
    outcome["files_written"] = files_written
    module.exit_json(**outcome)

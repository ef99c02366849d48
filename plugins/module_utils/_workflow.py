# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A real workflow through a LittleHorse cluster, with the LittleHorse Python client.

Two parts:
- pure functions (no client needed) that map the addresses a task worker was assigned back to
  the servers of the plan and build the per-server report;
- the client part: register a TaskDef and a one-task WfSpec, run a task worker in a thread,
  start workflow runs and wait for them, remove what was registered. The module
  lh_workflow_check and the project's tests (tests/lhtest) both use it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import logging
import os
import socket
import threading
import time
import traceback
import uuid

try:
    import grpc
    from google.protobuf.empty_pb2 import Empty
    from littlehorse import create_task_def, create_workflow_spec
    from littlehorse.config import LHConfig
    from littlehorse.model import (DeleteTaskDefRequest, DeleteWfRunRequest, DeleteWfSpecRequest,
                                   ExponentialBackoffRetryPolicy, GetLatestWfSpecRequest, LHStatus,
                                   RunWfRequest, TaskDefId, VariableValue, WfRunId)
    from littlehorse.worker import LHTaskWorker
    from littlehorse.workflow import Workflow
except ImportError:
    HAS_LITTLEHORSE = False
    LITTLEHORSE_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_LITTLEHORSE = True
    LITTLEHORSE_IMPORT_ERROR = None

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._release import server_version_text

CLIENT_PREFIXES = ("LHC_", "LHW_")
TERMINAL_FAILURES = ("ERROR", "EXCEPTION", "HALTED")


# ---------------------------------------------------------------------------------------------
# Pure part: addresses, reachability, the per-server report
# ---------------------------------------------------------------------------------------------

def address(host, port):
    """The host:port form the server's assignment uses (host names compared without case)."""
    return "%s:%d" % (str(host).strip().lower(), int(port))


def split_address(text):
    host, _sep, port = str(text).rpartition(":")
    return host, int(port)


def tcp_connect(text, timeout):
    """None when a TCP connection to host:port opens within timeout seconds, else why not."""
    host, port = split_address(text)
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except socket.timeout:
        return "timed out"
    except OSError as err:
        return (err.strerror or str(err) or type(err).__name__).rstrip(".")
    sock.close()
    return None


def server_label(server):
    """'lh-server-2 (host lh2) advertises 10.0.0.9:2023', how the report names a server."""
    return "%s (host %s) advertises %s" % (server["name"], server["host"],
                                           address(server["advertised_host"], server["advertised_port"]))


def map_assignment(servers, assigned):
    """Map each assigned host:port to the plan server that advertises it.

    servers: dicts with name, host, advertised_host, advertised_port. assigned: host:port strings.
    Returns (owners, unknown): owners maps every assigned address to the names of the servers
    advertising it (empty when none does); unknown lists the assigned addresses no server advertises.
    """
    by_address = {}
    for server in servers:
        by_address.setdefault(address(server["advertised_host"], server["advertised_port"]), []).append(server["name"])
    owners = {}
    for item in assigned:
        host, port = split_address(item)
        owners[item] = by_address.get(address(host, port), [])
    unknown = sorted(item for item, names in owners.items() if not names)
    return owners, unknown


def build_report(servers, assigned, reach, streams=None, stream_errors=None):
    """The per-server results of a workflow check and the problems found, worst first per server.

    servers: the plan's servers (name, host, advertised_host, advertised_port).
    assigned: the host:port strings the task worker was assigned.
    reach: host:port -> None when a TCP connect from here worked, else the reason it did not.
    streams: host:port -> whether the worker's poll stream to it was still open (missing: unknown).
    stream_errors: host:port -> the error the poll stream stopped with.
    Returns (results, problems): one result dict per server, in the order given, plus one per
    assigned address that no server advertises; problems are sentences naming the server.
    """
    streams = streams or {}
    stream_errors = stream_errors or {}
    owners, unknown = map_assignment(servers, assigned)
    assigned_by_key = dict((address(*split_address(item)), item) for item in assigned)
    results, problems = [], []
    for server in servers:
        advertised = address(server["advertised_host"], server["advertised_port"])
        seen_as = assigned_by_key.get(advertised)
        probed = seen_as if seen_as is not None else advertised
        error = reach.get(probed)
        result = {
            "name": server["name"], "host": server["host"], "advertised": advertised,
            "assigned": seen_as is not None, "reachable": (error is None) if probed in reach else None,
            "connect_error": error, "polling": streams.get(seen_as) if seen_as is not None else None,
            "problem": None,
        }
        if seen_as is None:
            problem = "the worker was not assigned it"
            if error is not None:
                problem += ", and nothing answers there (connect: %s)" % error
        elif error is not None:
            problem = "workers cannot reach it (connect: %s)" % error
        elif result["polling"] is False:
            problem = "the worker's poll stream to it stopped"
            if stream_errors.get(seen_as):
                problem += " (%s)" % stream_errors[seen_as]
        else:
            problem = None
        if problem:
            result["problem"] = "%s: %s" % (server_label(server), problem)
            problems.append(result["problem"])
        result["ok"] = problem is None
        results.append(result)
    for item in unknown:
        error = reach.get(item)
        problem = "%s was assigned to the worker but no server of the plan advertises it" % item
        if error is not None:
            problem += ", and workers cannot reach it (connect: %s)" % error
        problems.append(problem)
        results.append({"name": None, "host": None, "advertised": item, "assigned": True,
                        "reachable": None if item not in reach else error is None, "connect_error": error,
                        "polling": streams.get(item), "problem": problem, "ok": False})
    return results, problems


def failure_message(bootstrap, problems):
    return "workflow check through %s failed: %s" % (bootstrap, "; ".join(problems))


def client_settings(host, port, tenant=None, settings=None, oauth_client_secret=None):
    """The LHC_* settings of the check's clients, validated; raises LHClusterError naming the key."""
    result = {"LHC_API_HOST": str(host), "LHC_API_PORT": str(int(port))}
    for key, value in sorted((settings or {}).items()):
        if not str(key).startswith(CLIENT_PREFIXES):
            raise LHClusterError("client_settings: %s is not a LittleHorse client setting (LHC_* or LHW_*)" % key)
        if key in ("LHC_API_HOST", "LHC_API_PORT"):
            raise LHClusterError("client_settings: set %s with bootstrap_%s, not in client_settings"
                                 % (key, key.rsplit("_", 1)[1].lower()))
        if key == "LHC_OAUTH_CLIENT_SECRET":
            raise LHClusterError("client_settings: pass LHC_OAUTH_CLIENT_SECRET as oauth_client_secret (hidden in logs)")
        if value is not None and str(value) != "":
            result[str(key)] = str(value)
    if tenant:
        result["LHC_TENANT_ID"] = str(tenant)
    if oauth_client_secret:
        result["LHC_OAUTH_CLIENT_SECRET"] = str(oauth_client_secret)
    return result


# ---------------------------------------------------------------------------------------------
# Client part
# ---------------------------------------------------------------------------------------------

def forget_client_environment(environ=None):
    """Drop LHC_*/LHW_* variables: the client lets them override what it is given."""
    environ = os.environ if environ is None else environ
    for key in [k for k in environ if k.startswith(CLIENT_PREFIXES)]:
        del environ[key]


def client_config(host, port, **extra):
    """An LHConfig that bootstraps from host:port (extra LHC_* settings may be added)."""
    config = LHConfig()
    settings = {"LHC_API_HOST": host, "LHC_API_PORT": str(port)}
    settings.update(extra)
    config.load(settings)
    return config


def _retryable():
    return (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.NOT_FOUND,
            grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INTERNAL)


def rpc_error(err):
    return "%s %s" % (err.code().name, err.details())


def retry(call, timeout, what):
    """Call until it succeeds or timeout seconds pass; retry only transient gRPC errors.

    ALREADY_EXISTS counts as success: every call made here creates something under a fixed
    name or id, so it means an earlier attempt whose answer was lost did go through."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except grpc.RpcError as err:
            if err.code() == grpc.StatusCode.ALREADY_EXISTS:
                return None
            if err.code() not in _retryable() or time.monotonic() > deadline:
                raise LHClusterError("%s failed: %s" % (what, rpc_error(err)))
            time.sleep(1)


async def greet(name: str) -> str:
    return "hello " + name


def register(config, task_name, wf_name, timeout=120, task_retries=None):
    """Register the TaskDef and a one-task WfSpec; wait until both can be read back.

    With task_retries, the task node retries a failed task that many times, with backoff."""
    stub = config.stub()
    retry(lambda: create_task_def(greet, task_name, config, timeout=10), timeout, "PutTaskDef")
    retry(lambda: stub.GetTaskDef(TaskDefId(name=task_name), timeout=10), timeout, "GetTaskDef")
    backoff = None
    if task_retries:
        backoff = ExponentialBackoffRetryPolicy(base_interval_ms=500, multiplier=2, max_delay_ms=5000)

    def entrypoint(wf):
        name = wf.declare_str("name")
        wf.execute(task_name, name, retries=task_retries, exponential_backoff=backoff)

    retry(lambda: create_workflow_spec(Workflow(wf_name, entrypoint), config, timeout=10), timeout, "PutWfSpec")
    retry(lambda: stub.GetLatestWfSpec(GetLatestWfSpecRequest(name=wf_name), timeout=10), timeout, "GetWfSpec")


class _StreamErrors(logging.Handler):
    """Keeps why the client's poll streams stopped (the client only logs it), by host:port."""

    def __init__(self):
        super(_StreamErrors, self).__init__(logging.ERROR)
        self.errors = {}

    def emit(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) == 2 and "stopping" in str(record.msg):
            detail = str(args[1]).strip().splitlines()
            self.errors[str(args[0])] = detail[0][:200] if detail else ""


class Worker:
    """An LHTaskWorker running in a thread of its own, for a `with` block.

    `assigned_servers()` lists the host:port the cluster assigned to this worker
    (the advertised addresses it opened a poll stream to). Give each worker a config of
    its own: the client caches its async channels, which belong to one event loop.
    """

    def __init__(self, config, task_name):
        self._worker = LHTaskWorker(greet, task_name, config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._streams = _StreamErrors()
        self._ever = set()
        self.error = None

    def _run(self):
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._worker.start())
        except asyncio.CancelledError:  # stopped by __exit__
            pass
        except Exception as err:  # pylint: disable=broad-except  # reported by whoever uses the worker
            self.error = err

    def assigned_servers(self):
        current = list(self._worker._connections)  # the client keeps no public accessor
        self._ever.update(current)
        return sorted(current)

    def ever_assigned(self):
        """Every address the worker was assigned since it started (the client drops dead ones)."""
        self.assigned_servers()
        return sorted(self._ever)

    def streams(self):
        """host:port -> whether the poll stream to it is still open."""
        connections = dict(self._worker._connections)
        result = dict((item, False) for item in self._ever)
        result.update((item, bool(conn.running)) for item, conn in connections.items())
        return result

    def stream_errors(self):
        return dict(self._streams.errors)

    def error_text(self):
        err = self.error
        if err is None:
            return None
        if HAS_LITTLEHORSE and isinstance(err, grpc.RpcError):
            return rpc_error(err)
        return repr(err)

    def wait_assigned(self, count, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.error:
                raise LHClusterError("task worker stopped: %s" % self.error_text())
            if len(self.assigned_servers()) >= count:
                return self.assigned_servers()
            time.sleep(0.5)
        raise LHClusterError("worker was assigned %s, expected %d servers" % (self.assigned_servers(), count))

    def wait_assignment(self, expected, timeout):
        """Wait until the worker holds every expected host:port, or as many addresses as expected
        (the cluster answered, with other addresses), or timeout. Returns (assigned, seconds)."""
        started = time.monotonic()
        wanted = set(address(*split_address(item)) for item in expected)
        while True:
            assigned = self.assigned_servers()
            have = set(address(*split_address(item)) for item in assigned)
            if self.error or wanted <= have or len(have) >= len(wanted) or time.monotonic() - started > timeout:
                return assigned, time.monotonic() - started
            time.sleep(0.2)

    def __enter__(self):
        logging.getLogger("LHConnection").addHandler(self._streams)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        try:
            self._loop.call_soon_threadsafe(self._stop)
            self._thread.join(timeout=15)
        finally:
            logging.getLogger("LHConnection").removeHandler(self._streams)

    def _stop(self):
        if self.error is None and getattr(self._worker, "_task", None) is not None:
            self._worker.stop()
        for task in asyncio.all_tasks(self._loop):
            task.cancel()


def start_runs(config, wf_name, count, timeout=180, started=None):
    """Start `count` runs of wf_name; return their ids (also appended to `started` as they go)."""
    stub = config.stub()
    ids = [] if started is None else started
    for i in range(count):
        run_id = "%s-%s-%d" % (wf_name, uuid.uuid4().hex[:8], i)
        request = RunWfRequest(wf_spec_name=wf_name, id=run_id, variables={"name": VariableValue(str=run_id)})
        retry(lambda req=request: stub.RunWf(req, timeout=10), timeout, "RunWf")
        ids.append(run_id)
    return ids


def wait_runs(config, ids, timeout=180):
    """Poll every run until all are COMPLETED, one failed for good, or timeout; return id -> status."""
    stub = config.stub()
    deadline = time.monotonic() + timeout
    pending = set(ids)
    statuses = dict((run_id, "unknown") for run_id in ids)
    while pending and time.monotonic() < deadline:
        for run_id in sorted(pending):
            try:
                wf_run = stub.GetWfRun(WfRunId(id=run_id), timeout=10)
            except grpc.RpcError as err:
                # A read: also UNKNOWN (a server answering while its partitions move) is worth another look.
                if err.code() in _retryable() or err.code() == grpc.StatusCode.UNKNOWN:
                    continue
                raise LHClusterError("GetWfRun %s failed: %s" % (run_id, rpc_error(err)))
            statuses[run_id] = LHStatus.Name(wf_run.status)
            if statuses[run_id] == "COMPLETED" or statuses[run_id] in TERMINAL_FAILURES:
                pending.discard(run_id)
        if any(statuses[r] in TERMINAL_FAILURES for r in ids):
            break
        if pending:
            time.sleep(0.5)
    return statuses


def runs_problem(statuses, timeout):
    """None when every run COMPLETED, else one sentence naming the runs that did not."""
    failed = dict((r, s) for r, s in sorted(statuses.items()) if s != "COMPLETED")
    if not failed:
        return None
    return "%d of %d runs not COMPLETED after %ss: %s" % (
        len(failed), len(statuses), timeout, ", ".join("%s %s" % (r, s) for r, s in failed.items()))


def run_workflows(config, wf_name, count, timeout=180):
    """Start `count` runs of wf_name and wait until all are COMPLETED; return their ids.

    Raises LHClusterError naming the runs that did not complete, with their status.
    """
    ids = start_runs(config, wf_name, count, timeout)
    problem = runs_problem(wait_runs(config, ids, timeout), timeout)
    if problem:
        raise LHClusterError(problem)
    return ids


def wf_spec_exists(config, wf_name):
    try:
        config.stub().GetLatestWfSpec(GetLatestWfSpecRequest(name=wf_name), timeout=10)
        return True
    except grpc.RpcError as err:
        if err.code() == grpc.StatusCode.NOT_FOUND:
            return False
        raise


def wf_run_status(config, run_id):
    return LHStatus.Name(config.stub().GetWfRun(WfRunId(id=run_id), timeout=10).status)


def remove(config, wf_runs, wf_name, task_name, timeout=30):
    """Delete the runs, every version of the WfSpec and the TaskDef; return what failed (sentences).

    Something already gone counts as removed."""
    stub = config.stub()
    errors = []

    def delete(call, what):
        deadline = time.monotonic() + timeout
        while True:
            try:
                call()
                return
            except grpc.RpcError as err:
                if err.code() == grpc.StatusCode.NOT_FOUND:
                    return
                if err.code() not in _retryable() or time.monotonic() > deadline:
                    errors.append("%s: %s" % (what, rpc_error(err)))
                    return
                time.sleep(1)

    for run_id in wf_runs:
        delete(lambda r=run_id: stub.DeleteWfRun(DeleteWfRunRequest(id=WfRunId(id=r)), timeout=10),
               "DeleteWfRun " + run_id)
    if wf_name:
        for _attempt in range(20):  # one version is registered; stop at NOT_FOUND or a failure
            try:
                spec = stub.GetLatestWfSpec(GetLatestWfSpecRequest(name=wf_name), timeout=10)
            except grpc.RpcError as err:
                if err.code() != grpc.StatusCode.NOT_FOUND:
                    errors.append("GetLatestWfSpec %s: %s" % (wf_name, rpc_error(err)))
                break
            before = len(errors)
            delete(lambda s=spec: stub.DeleteWfSpec(DeleteWfSpecRequest(id=s.id), timeout=10), "DeleteWfSpec " + wf_name)
            if len(errors) > before:
                break
    if task_name:
        delete(lambda: stub.DeleteTaskDef(DeleteTaskDefRequest(id=TaskDefId(name=task_name)), timeout=10),
               "DeleteTaskDef " + task_name)
    return errors


def _empty_result(bootstrap, runs):
    return {"ok": False, "bootstrap": bootstrap, "problems": [], "servers": [], "assigned": [],
            "registered": {"task_def": None, "wf_spec": None, "wf_runs": []},
            "figures": {"assignment_seconds": None, "runs": runs, "completed": 0, "runs_seconds": None,
                        "seconds": None},
            "cleanup": {"done": False, "errors": []}}


def skipped_check(bootstrap_host, bootstrap_port):
    """The result of check_cluster when the workflow check is not run: nothing registered, nothing wrong."""
    result = _empty_result("%s:%d" % (bootstrap_host, int(bootstrap_port)), 0)
    result["ok"] = True
    return result


def check_cluster(bootstrap_host, bootstrap_port, servers, runs=5, timeout=180, assign_timeout=90,
                  connect_timeout=5, task_retries=3, settings=None, cleanup=True, name_prefix="lh-verify"):
    """Prove a cluster the way a user's task worker sees it.

    A worker bootstraps from bootstrap_host:bootstrap_port and must be assigned every server of
    `servers` by its advertised address; every assigned address must take a TCP connection from
    here and keep the worker's poll stream open; `runs` workflow runs must COMPLETE. What was
    registered is removed at the end (unless cleanup is false), also when a check failed.
    Returns a dict: ok, problems, servers (per-server results), assigned, figures, registered, cleanup.
    """
    started = time.monotonic()
    bootstrap = "%s:%d" % (bootstrap_host, int(bootstrap_port))
    settings = dict(settings or client_settings(bootstrap_host, bootstrap_port))
    suffix = uuid.uuid4().hex[:8]
    task_name, wf_name = "%s-greet-%s" % (name_prefix, suffix), "%s-wf-%s" % (name_prefix, suffix)
    expected = [address(s["advertised_host"], s["advertised_port"]) for s in servers]
    result = _empty_result(bootstrap, runs)

    error = tcp_connect(bootstrap, connect_timeout)
    if error is not None:
        result["problems"] = ["the bootstrap address %s cannot be reached (connect: %s)" % (bootstrap, error)]
        result["figures"]["seconds"] = round(time.monotonic() - started, 1)
        return result

    config = LHConfig()
    config.load(settings)
    worker_config = LHConfig()
    worker_config.load(settings)
    wf_runs = result["registered"]["wf_runs"]
    result["registered"].update(task_def=task_name, wf_spec=wf_name)
    seen = {"assigned": [], "streams": {}, "stream_errors": {}}
    statuses = {}
    try:
        register(config, task_name, wf_name, timeout=timeout, task_retries=task_retries)
        with Worker(worker_config, task_name) as worker:
            try:
                assigned, seconds = worker.wait_assignment(expected, assign_timeout)
                result["figures"]["assignment_seconds"] = round(seconds, 1)
                if worker.error is not None:
                    result["problems"].append("the task worker stopped: %s" % worker.error_text())
                if runs and assigned and worker.error is None:
                    t = time.monotonic()
                    start_runs(config, wf_name, runs, timeout, started=wf_runs)
                    statuses = wait_runs(config, wf_runs, timeout)
                    result["figures"]["runs_seconds"] = round(time.monotonic() - t, 1)
                    result["figures"]["completed"] = sum(1 for s in statuses.values() if s == "COMPLETED")
            finally:
                seen.update(assigned=worker.ever_assigned(), streams=worker.streams(),
                            stream_errors=worker.stream_errors())
    except LHClusterError as err:
        result["problems"].append(err.message)
    finally:
        if cleanup:
            result["cleanup"]["errors"] = remove(config, wf_runs, result["registered"]["wf_spec"],
                                                 result["registered"]["task_def"])
            result["cleanup"]["done"] = True
    # Whatever went wrong above, name each server: assigned or not, reachable from here or not.
    targets = sorted(set(seen["assigned"]) | set(expected))
    reach = dict((item, tcp_connect(item, connect_timeout)) for item in targets)
    report, problems = build_report(servers, seen["assigned"], reach, seen["streams"], seen["stream_errors"])
    result["servers"], result["assigned"] = report, seen["assigned"]
    result["problems"].extend(problems)
    problem = runs_problem(statuses, timeout) if statuses else None
    if problem:
        result["problems"].append(problem)
    result["ok"] = not result["problems"]
    result["figures"]["seconds"] = round(time.monotonic() - started, 1)
    return result


def read_versions(servers, settings, timeout=30):
    """Ask each server for its version (GetServerVersion) at its advertised address, with the same client settings.

    Returns {name: {version, error}}: version X.Y.Z[-pre] (None when it could not be read), error why not."""
    config = LHConfig()
    config.load(dict(settings))
    versions = {}
    for server in servers:
        target = "%s:%d" % (server["advertised_host"], int(server["advertised_port"]))
        stub = config.stub(server=target)
        try:
            answer = retry(lambda s=stub: s.GetServerVersion(Empty(), timeout=10), timeout, "GetServerVersion")
            if answer is None:
                raise LHClusterError("GetServerVersion gave no answer")
        except LHClusterError as err:
            versions[server["name"]] = {"version": None, "error": "%s at %s" % (err.message, target)}
            continue
        versions[server["name"]] = {"error": None, "version": server_version_text(
            answer.major_version, answer.minor_version,
            answer.patch_version if answer.HasField("patch_version") else None,
            answer.pre_release_identifier if answer.HasField("pre_release_identifier") else None)}
    return versions

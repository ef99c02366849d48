"""Run real workflows through a LittleHorse cluster with the real Python client.

Used by the plain-docker smoke test, the container-module integration tests and the
Molecule verify steps: register a TaskDef and a WfSpec, run a task worker, start
workflow runs and wait until every one is COMPLETED.
"""
import asyncio
import threading
import time
import uuid

import grpc
from littlehorse import create_task_def, create_workflow_spec
from littlehorse.config import LHConfig
from littlehorse.model import LHStatus, RunWfRequest, TaskDefId, WfRunId, WfSpecId
from littlehorse.worker import LHTaskWorker
from littlehorse.workflow import Workflow, WorkflowThread

RETRYABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
             grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION,
             grpc.StatusCode.INTERNAL)


def client_config(host, port, **extra):
    """An LHConfig that bootstraps from host:port (extra LHC_* settings may be added)."""
    config = LHConfig()
    settings = {"LHC_API_HOST": host, "LHC_API_PORT": str(port)}
    settings.update(extra)
    config.load(settings)
    return config


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
            if err.code() not in RETRYABLE or time.monotonic() > deadline:
                raise AssertionError("%s failed: %s %s" % (what, err.code(), err.details())) from err
            time.sleep(1)


async def greet(name: str) -> str:
    return "hello " + name


def register(config, task_name, wf_name, timeout=120):
    """Register the TaskDef and a one-task WfSpec; wait until both can be read back."""
    stub = config.stub()
    retry(lambda: create_task_def(greet, task_name, config, timeout=10), timeout, "PutTaskDef")
    retry(lambda: stub.GetTaskDef(TaskDefId(name=task_name), timeout=10), timeout, "GetTaskDef")

    def entrypoint(wf: WorkflowThread) -> None:
        name = wf.declare_str("name")
        wf.execute(task_name, name)

    retry(lambda: create_workflow_spec(Workflow(wf_name, entrypoint), config, timeout=10), timeout, "PutWfSpec")
    retry(lambda: stub.GetLatestWfSpec(_latest_wf_spec_request(wf_name), timeout=10), timeout, "GetWfSpec")


def _latest_wf_spec_request(wf_name):
    from littlehorse.model import GetLatestWfSpecRequest
    return GetLatestWfSpecRequest(name=wf_name)


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
        self.error = None

    def _run(self):
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._worker.start())
        except Exception as err:  # reported by the test that uses the worker
            self.error = err

    def assigned_servers(self):
        return sorted(self._worker._connections)  # the client keeps no public accessor

    def wait_assigned(self, count, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.error:
                raise AssertionError("task worker stopped: %r" % self.error)
            if len(self.assigned_servers()) >= count:
                return self.assigned_servers()
            time.sleep(0.5)
        raise AssertionError("worker was assigned %s, expected %d servers" % (self.assigned_servers(), count))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._worker.stop)
        self._thread.join(timeout=15)


def run_workflows(config, wf_name, count, timeout=180):
    """Start `count` runs of wf_name and wait until all are COMPLETED; return their ids.

    Raises AssertionError naming the runs that did not complete, with their status.
    """
    stub = config.stub()
    ids = []
    for i in range(count):
        run_id = "%s-%s-%d" % (wf_name, uuid.uuid4().hex[:8], i)
        request = RunWfRequest(wf_spec_name=wf_name, id=run_id, variables={"name": _str_value(run_id)})
        retry(lambda req=request: stub.RunWf(req, timeout=10), timeout, "RunWf")
        ids.append(run_id)
    deadline = time.monotonic() + timeout
    pending = set(ids)
    statuses = {}
    while pending and time.monotonic() < deadline:
        for run_id in sorted(pending):
            try:
                wf_run = stub.GetWfRun(WfRunId(id=run_id), timeout=10)
            except grpc.RpcError as err:
                if err.code() in RETRYABLE:
                    continue
                raise
            statuses[run_id] = LHStatus.Name(wf_run.status)
            if wf_run.status == LHStatus.COMPLETED:
                pending.discard(run_id)
            elif wf_run.status in (LHStatus.ERROR, LHStatus.EXCEPTION, LHStatus.HALTED):
                raise AssertionError("workflow run %s ended %s" % (run_id, statuses[run_id]))
        if pending:
            time.sleep(0.5)
    if pending:
        raise AssertionError("%d of %d runs not COMPLETED after %ss: %s" % (
            len(pending), count, timeout, {r: statuses.get(r, "unknown") for r in sorted(pending)}))
    return ids


def wf_spec_exists(config, wf_name):
    try:
        config.stub().GetLatestWfSpec(_latest_wf_spec_request(wf_name), timeout=10)
        return True
    except grpc.RpcError as err:
        if err.code() == grpc.StatusCode.NOT_FOUND:
            return False
        raise


def wf_run_status(config, run_id):
    return LHStatus.Name(config.stub().GetWfRun(WfRunId(id=run_id), timeout=10).status)


def _str_value(text):
    from littlehorse.model import VariableValue
    return VariableValue(str=text)


__all__ = ["client_config", "register", "Worker", "run_workflows", "wf_spec_exists", "wf_run_status",
           "WfSpecId"]

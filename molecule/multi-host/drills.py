# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The multi-host scenario's drills, run from the machine (a client outside every simulated host).

    drills.py assign  --bootstrap ADDR:PORT --expect A:P,B:P,... [--runs 30]
        a worker that bootstraps from ADDR:PORT is assigned exactly the expected servers; runs complete
    drills.py outage  --bootstrap ADDR:PORT --victim-engine SOCK --victim-containers C1,C2 --victim-host N
        while --runs runs are submitted, simulated host N goes down as a whole: its containers are
        killed with SIGKILL, then its engine is stopped (tests/hosts/engine.sh N stop). Every run the
        client was told was accepted must complete; refused ones are retried until accepted; at
        least --after-runs of them must be accepted after the failover, with the host's engine
        stopped. Prints the unavailability window, the refused requests and the retried runs.
    drills.py settle  --health A:P,B:P,...
        every server's /status says RUNNING with no active restorations
    drills.py lb      --lb ADDR:PORT --kill-engine SOCK --kill-container C --expect A:P,B:P
        with that server killed (SIGKILL), a new worker bootstraps through the load balancer and is
        assigned the remaining servers; runs complete through it; the container is left down (the
        gate drill needs it down, and bringing it back is site.yml's job)
    drills.py gate    --engines SOCK,... --down C=ADDR:HEALTHPORT --gated C -- ARGV...
        with server C down (not running), ARGV (a run that must take server --gated down, on another
        host) must fail at that server's rolling gate, before it goes down: the failure is the gate's
        (its task, on the gated server's host), it names C with its instance id and the address it
        was read at, which must be ADDR:HEALTHPORT (C's host's, never loopback), and no other server
        is short of it; no container went down or started meanwhile (the engines' events) and C is
        still down after
    drills.py started --engines SOCK,... --out FILE | --compare FILE [--allow-new C,...] [--allow-removed C,...]
                      [--allow-restarted C,...]
        record every container's start time on the engines, or compare with a record: nothing that
        existed was restarted but the --allow-restarted ones (which must have been); exactly the named
        containers are new, or gone
    drills.py underload --bootstrap ADDR:PORT --name OP [--min-runs 100] [--rate 3.5]
                        [--engines SOCK,... --watch C1,C2,... [--servers C1=ADDR:HEALTHPORT,...]] -- ARGV...
        a day-2 operation under load: while ARGV (e.g. an ansible-playbook command) runs, one client
        submits workflow runs at a steady rate (a refused RunWf is retried with the same run id) until
        ARGV ended and at least --min-runs runs were accepted; then every accepted run must COMPLETE.
        Prints the operation's duration and exit code, the runs submitted, completed and lost (ERROR),
        the refused requests and the longest stall; fails when ARGV failed or a run did not complete.
        With --watch: each named container must go down (SIGTERM) and start again during ARGV, never
        two at once (the engines' events); prints, for each, the runs accepted while it was down and
        those in flight when it went down. With --servers (the watched servers' health addresses): every
        server's health is read once a second, and before each of them went down - and before ARGV ended - a
        reading must show every server caught up (ready, core RUNNING, no restorations) after the one before
        it had started again: the rolling gate, seen from outside. Prints each server's time to catch up.
    drills.py images  --engines SOCK,... --expect C1,C2=IMAGE [--expect ...] [--restarted-since FILE]
        each named container runs IMAGE (the engine's current image id of that name), and with a
        record of `started --out`, was started again since
Lines that report figures start with "[drill]".
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid

import docker
import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(PROJECT, "tests"))
from lhtest.workflow import Worker, client_config, register  # noqa: E402
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import (  # noqa: E402
    caught_up, describe, server_health, wait_servers)
from ansible_collections.littlehorse.cluster.plugins.module_utils._workflow import (  # noqa: E402
    TERMINAL_FAILURES, start_runs, wait_runs)
import littlehorse.worker  # noqa: E402
from littlehorse.model import LHStatus, RunWfRequest, VariableValue, WfRunId  # noqa: E402

TASK_RETRIES = 5
ACCEPTED_AGAIN = grpc.StatusCode.ALREADY_EXISTS


def say(text):
    print("[drill] %s" % text, flush=True)


def split(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def names(suffix):
    return "drill-greet-" + suffix, "drill-wf-" + suffix


def setup(bootstrap, suffix=None):
    suffix = suffix or uuid.uuid4().hex[:6]
    config = client_config(*split(bootstrap))
    task, wf = names(suffix)
    register(config, task, wf, task_retries=TASK_RETRIES)
    return config, task, wf


def complete(config, ids, timeout):
    """Every run COMPLETED; a run in ERROR/EXCEPTION/HALTED is lost."""
    started = time.monotonic()
    statuses = wait_runs(config, ids, timeout)
    bad = dict((r, s) for r, s in statuses.items() if s != "COMPLETED")
    if bad:
        raise SystemExit("%d of %d accepted runs did not complete (lost or stuck): %s"
                         % (len(bad), len(ids), ", ".join("%s %s" % kv for kv in sorted(bad.items())[:20])))
    return time.monotonic() - started


def submit(config, wf, count, timeout):
    """Start count runs (transient refusals retried, ALREADY_EXISTS taken as accepted); all must complete."""
    return complete(config, start_runs(config, wf, count, timeout), timeout)


def cmd_assign(args):
    expected = sorted(args.expect.split(","))
    config, task, wf = setup(args.bootstrap)
    with Worker(client_config(*split(args.bootstrap)), task) as worker:
        assigned, seconds = worker.wait_assignment(expected, args.timeout)
        assert sorted(assigned) == expected, "worker from %s was assigned %s, expected %s" % (
            args.bootstrap, sorted(assigned), expected)
        say("worker bootstrapped from %s, assigned %s in %.1fs" % (args.bootstrap, sorted(assigned), seconds))
        t = time.monotonic()
        submit(config, wf, args.runs, args.timeout)
        say("%d runs COMPLETED in %.1fs" % (args.runs, time.monotonic() - t))


class Load(object):
    """Submit `count` runs at `rate` per second from one client; a refused or failed RunWf is
    retried with the same run id until it is accepted (ALREADY_EXISTS: an earlier try went through)."""

    def __init__(self, config, wf, count, rate, stall):
        self.stub = config.stub()
        self.wf, self.count, self.interval, self.stall = wf, count, 1.0 / rate, stall
        self.accepted = []       # (run id, seconds from start, attempts)
        self.attempts = []       # (start, end, outcome)
        self.started = None

    def run(self, on_submitted=None):
        self.started = time.monotonic()
        for i in range(self.count):
            due = self.started + i * self.interval
            time.sleep(max(0.0, due - time.monotonic()))
            if on_submitted:
                on_submitted(i)
            run_id = "%s-%s-%d" % (self.wf, uuid.uuid4().hex[:6], i)
            request = RunWfRequest(wf_spec_name=self.wf, id=run_id, variables={"name": VariableValue(str=run_id)})
            tries = 0
            while True:
                tries += 1
                t0 = time.monotonic()
                try:
                    self.stub.RunWf(request, timeout=10)
                    outcome = "ok"
                except grpc.RpcError as err:
                    outcome = "ok-again" if err.code() == ACCEPTED_AGAIN else err.code().name
                self.attempts.append((t0 - self.started, time.monotonic() - self.started, outcome))
                if outcome.startswith("ok"):
                    self.accepted.append((run_id, time.monotonic() - self.started, tries))
                    break
                if time.monotonic() - self.started > 600:
                    raise SystemExit("run %s was refused for 10 minutes; last answer %s" % (run_id, outcome))
                time.sleep(0.5)

    def figures(self):
        refused = [a for a in self.attempts if not a[2].startswith("ok")]
        slow = [a for a in self.attempts if a[1] - a[0] > self.stall]
        troubled = refused + slow
        window = (max(a[1] for a in troubled) - min(a[0] for a in troubled)) if troubled else 0.0
        gaps = [b[1] - a[1] for a, b in zip(self.accepted, self.accepted[1:])]
        codes = {}
        for attempt in refused:
            codes[attempt[2]] = codes.get(attempt[2], 0) + 1
        return {
            "submitted": len(self.accepted), "refused_requests": len(refused), "refused_by_code": codes,
            "slow_requests": len(slow), "retried_runs": sum(1 for a in self.accepted if a[2] > 1),
            "unavailability_window_s": round(window, 1),
            "longest_gap_between_accepted_runs_s": round(max(gaps) if gaps else 0.0, 1),
            "submission_s": round(self.accepted[-1][1], 1) if self.accepted else 0.0,
        }


def cmd_outage(args):
    config, task, wf = setup(args.bootstrap)
    engine = docker.DockerClient(base_url=args.victim_engine)
    down = {}

    def take_host_down():
        t = time.monotonic()
        for name in args.victim_containers.split(","):
            engine.containers.get(name).kill(signal="SIGKILL")
        down["killed_at"] = t
        subprocess.run([os.path.join(PROJECT, "tests", "hosts", "engine.sh"), str(args.victim_host), "stop"],
                       check=True)
        down["stopped_at"] = time.monotonic()
        say("host %s down: %s killed (SIGKILL), engine stopped, in %.1fs"
            % (args.victim_host, args.victim_containers, time.monotonic() - t))

    taking_down = threading.Thread(target=take_host_down, daemon=True)

    def on_submitted(index):
        if index == args.kill_after:
            taking_down.start()

    with Worker(client_config(*split(args.bootstrap)), task):
        load = Load(config, wf, args.runs, args.rate, args.stall)
        load.run(on_submitted)
        if taking_down.ident is not None:  # started
            taking_down.join(timeout=120)
        figures = load.figures()
        t = time.monotonic()
        complete(config, [a[0] for a in load.accepted], args.timeout)
        figures["all_completed_s_after_submission"] = round(time.monotonic() - t, 1)
    figures["accepted_and_completed"] = len(load.accepted)
    # The host must have gone down (its containers killed and its engine stopped, the thread above),
    # and the cluster must have served after the failover: the runs accepted after the last refused
    # request and after the engine stopped, all of them completed above.
    assert "stopped_at" in down, "host %s was not taken down (see the error above)" % args.victim_host
    refused = [a[1] for a in load.attempts if not a[2].startswith("ok")]
    served_from = max([down["stopped_at"] - load.started] + refused)
    after = [a for a in load.accepted if a[1] > served_from]
    figures["host_down_at_s"] = round(down["killed_at"] - load.started, 1)
    figures["accepted_after_failover"] = len(after)
    say("outage drill: %s" % json.dumps(figures, sort_keys=True))
    values = (figures["unavailability_window_s"], args.stall, figures["refused_requests"], figures["retried_runs"],
              figures["submitted"], figures["accepted_and_completed"], len(after), args.victim_host)
    say("unavailability window %.1fs (first to last refused or >%.0fs request); %d refused requests; %d runs "
        "retried; %d accepted, %d completed; %d of them accepted after the failover, with host %d down" % values)
    assert figures["submitted"] == args.runs, figures
    assert len(after) >= args.after_runs, "only %d runs were accepted after the failover with host %d down, " \
        "fewer than %d: %s" % (len(after), args.victim_host, args.after_runs, figures)


def cmd_settle(args):
    t = time.monotonic()
    targets = args.health.split(",")
    dummy, dummy2, waiting = wait_servers(lambda: [dict(server_health(*split(h)), name=h) for h in targets],
                                          no_restorations=True, timeout=args.timeout)
    if waiting:
        raise SystemExit("not RUNNING without restorations after %ss: %s" % (
            args.timeout, "; ".join(describe(r) for r in waiting)))
    say("every server RUNNING with no active restorations (%s) after %.1fs" % (args.health, time.monotonic() - t))


def cmd_lb(args):
    engine = docker.DockerClient(base_url=args.kill_engine)
    engine.containers.get(args.kill_container).kill(signal="SIGKILL")
    say("killed %s (SIGKILL); it stays down" % args.kill_container)
    expected = sorted(args.expect.split(","))
    t = time.monotonic()
    config, task, wf = setup(args.lb)
    say("registered through the load balancer %s in %.1fs" % (args.lb, time.monotonic() - t))
    with Worker(client_config(*split(args.lb)), task) as worker:
        deadline = time.monotonic() + args.timeout
        while sorted(worker.assigned_servers()) != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        assigned = sorted(worker.assigned_servers())
        assert assigned == expected, "worker through %s was assigned %s, expected %s" % (
            args.lb, assigned, expected)
        say("new worker bootstrapped through the load balancer %s with %s killed; assigned %s %.1fs after the "
            "kill" % (args.lb, args.kill_container, assigned, time.monotonic() - t))
        submit(config, wf, args.runs, args.timeout)
        say("%d runs COMPLETED through the load balancer" % args.runs)


def started_at(engines):
    record = {}
    for url in engines.split(","):
        for container in docker.DockerClient(base_url=url).containers.list(all=True):
            record["%s %s" % (url, container.name)] = container.attrs["State"]["StartedAt"]
    return record


def cmd_started(args):
    now = started_at(args.engines)
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(now, handle, indent=1, sort_keys=True)
        say("recorded the start times of %d containers" % len(now))
        return
    with open(args.compare) as handle:
        before = json.load(handle)
    restarted = {k.split(" ", 1)[1] for k in before if k in now and now[k] != before[k]}
    allowed_restarted = set(filter(None, args.allow_restarted.split(",")))
    assert restarted == allowed_restarted, "restarted: %s; expected: %s" % (
        ", ".join(sorted(restarted)) or "none", ", ".join(sorted(allowed_restarted)) or "none")
    for kind, names, allowed_list in (("new", sorted(k for k in now if k not in before), args.allow_new),
                                      ("removed", sorted(k for k in before if k not in now), args.allow_removed)):
        allowed = set(filter(None, allowed_list.split(",")))
        found = {k.split(" ", 1)[1] for k in names}
        assert found == allowed, "expected %s containers: %s; found: %s" % (
            kind, sorted(allowed) or "none", sorted(found) or "none")
    kept = [k for k in before if k in now]
    say("none of the %d containers kept was restarted%s; new: %s; removed: %s"
        % (len(kept) - len(allowed_restarted),
           " (started again: %s)" % args.allow_restarted if allowed_restarted else "",
           args.allow_new or "none", args.allow_removed or "none"))


# ---------------------------------------------------------------------------------------------
# underload: a day-2 operation (a playbook run) while one client keeps submitting workflow runs
# ---------------------------------------------------------------------------------------------

class SteadyLoad(object):
    """Submits runs at `rate` per second from one client, in a thread, until stop() was called and
    at least `min_runs` were accepted. Open loop: a run is sent when it is due whether or not the
    ones before it were answered (at most `max_inflight` unanswered), so a slow or refusing cluster
    does not lower the load. A refused RunWf (any error but ALREADY_EXISTS) is sent again with the
    same run id a second later; ALREADY_EXISTS means an earlier try went through. Each accepted run
    is handed to `on_accepted(run_id, wall_time)`."""

    def __init__(self, config, wf, rate, min_runs, on_accepted, give_up=600, max_inflight=200):
        self.stub = config.stub()
        # the client's stubs answer .future() only when done (its interceptor waits), so the
        # requests in flight run on a pool of threads
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=64)
        self.wf, self.interval, self.min_runs = wf, 1.0 / rate, min_runs
        self.on_accepted, self.give_up, self.max_inflight = on_accepted, give_up, max_inflight
        self.accepted = 0
        self.requests = 0
        self.refused = {}           # gRPC code -> refused requests
        self.retried_runs = 0
        # (seconds from the first try to acceptance, run id, wall time of the try)
        self.longest_wait = (0.0, None, None)
        self.refused_at = []        # wall time of each refused request
        self.error = None
        self.span = [None, None]    # wall times of the first request and of the last acceptance
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self._stop.set()

    def _send(self, run):
        self.requests += 1
        run["tries"] += 1
        run["call"] = self.pool.submit(self.stub.RunWf, run["request"], timeout=5)

    def _answered(self, run, now):
        """True when the run was accepted; a refusal schedules the next try."""
        try:
            run["call"].result()
        except grpc.RpcError as err:
            if err.code() != ACCEPTED_AGAIN:
                self.refused[err.code().name] = self.refused.get(err.code().name, 0) + 1
                self.refused_at.append(time.time())
                if now - run["first"] > self.give_up:
                    raise RuntimeError("run %s was refused for %ds; last answer %s %s"
                                       % (run["id"], self.give_up, err.code().name, err.details()))
                run["call"], run["again_at"] = None, now + 1.0
                return False
        wait = now - run["first"]
        if wait > self.longest_wait[0]:
            self.longest_wait = (wait, run["id"], time.time() - wait)
        if run["tries"] > 1:
            self.retried_runs += 1
        self.accepted += 1
        self.span[1] = time.time()
        self.on_accepted(run["id"], self.span[1])
        return True

    def _run(self):
        try:
            started = time.monotonic()
            self.span[0] = time.time()
            index = 0
            inflight = []
            while True:
                now = time.monotonic()
                enough = self._stop.is_set() and self.accepted + len(inflight) >= self.min_runs
                if enough and not inflight:
                    return
                while not enough and started + index * self.interval <= now and len(inflight) < self.max_inflight:
                    run_id = "%s-%s-%d" % (self.wf, uuid.uuid4().hex[:6], index)
                    run = {"id": run_id, "first": now, "tries": 0, "call": None, "again_at": None,
                           "request": RunWfRequest(wf_spec_name=self.wf, id=run_id,
                                                   variables={"name": VariableValue(str=run_id)})}
                    self._send(run)
                    inflight.append(run)
                    index += 1
                    enough = self._stop.is_set() and self.accepted + len(inflight) >= self.min_runs
                if started + index * self.interval < now - 1.0:  # held back by max_inflight: no burst later
                    started = now - index * self.interval
                for run in list(inflight):
                    if run["call"] is None:
                        if now >= run["again_at"]:
                            self._send(run)
                    elif run["call"].done() and self._answered(run, now):
                        inflight.remove(run)
                time.sleep(0.02)
        except Exception as err:  # pylint: disable=broad-except  # reported by cmd_underload
            self.error = err
        finally:
            self.pool.shutdown(wait=False)


class RunWatch(object):
    """Polls every accepted run (GetWfRun, in parallel) until it ended; keeps when each ended (the
    server's end time of the run) and how it ended."""

    def __init__(self, config):
        self.stub = config.stub(name="watch")
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=16)
        self.lock = threading.Lock()
        self.pending = {}          # run id -> accepted at (wall time)
        self.accepted_at = {}
        self.ended = {}            # run id -> (status, ended at (wall time))
        self.read_errors = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def add(self, run_id, when):
        with self.lock:
            self.pending[run_id] = when
            self.accepted_at[run_id] = when

    def start(self):
        self.thread.start()

    def stop(self):
        self._stop.set()
        self.thread.join(timeout=30)
        self.pool.shutdown(wait=False)

    def outstanding(self):
        with self.lock:
            return len(self.pending)

    def _run(self):
        while not self._stop.is_set():
            with self.lock:
                batch = sorted(self.pending, key=self.pending.get)[:300]
            calls = [(run_id, self.pool.submit(self.stub.GetWfRun, WfRunId(id=run_id), timeout=5)) for run_id in batch]
            for run_id, call in calls:
                try:
                    wf_run = call.result()
                except grpc.RpcError:
                    self.read_errors += 1
                    continue
                status = LHStatus.Name(wf_run.status)
                if status == "COMPLETED" or status in TERMINAL_FAILURES:
                    ended = wf_run.end_time.ToMicroseconds() / 1e6 if wf_run.HasField("end_time") else time.time()
                    with self.lock:
                        self.pending.pop(run_id, None)
                        self.ended[run_id] = (status, ended)
            self._stop.wait(0.5)

    def wait_all(self, timeout):
        deadline = time.monotonic() + timeout
        while self.outstanding() and time.monotonic() < deadline:
            time.sleep(0.5)
        return self.outstanding() == 0


def longest_stall(accepted_at, ended, window):
    """The longest interval inside window (start, end) in which runs were outstanding (accepted,
    not ended) and none ended; returns (seconds, start of it). A run counts as outstanding from its
    acceptance; the end times are the server's."""
    events = sorted([(t, 1) for t in accepted_at.values()] + [(t, -1) for t in ended.values()])
    low, high = window
    outstanding, since, best = 0, None, (0.0, low)

    def close(until):
        start, stop = max(since, low), min(until, high)
        return (stop - start, start) if stop - start > best[0] else best

    for when, step in events:
        if step < 0 and since is not None:
            best = close(when)
            since = when
        elif step > 0 and outstanding == 0:
            since = when
        outstanding += step
        if outstanding <= 0:
            outstanding, since = 0, None
    if since is not None:
        best = close(high)
    return best


def operation_command(args, what):
    command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not command:
        raise SystemExit("%s: give the operation's command after --" % what)
    return command


def operation_log(args, what):
    return args.log or os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp"),
                                    "%s-%s.log" % (what, args.name))


def run_operation(command, log_path, env=None):
    """Run the operation's command; its output, without colours (molecule forces them on), goes to
    log_path, each line with the seconds since it started. Returns (exit code, began, finished), wall times."""
    began = time.time()
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   errors="replace", env=env)
        for line in process.stdout:
            log.write("[%6.1fs] %s" % (time.time() - began, re.sub("\x1b\\[[0-9;]*m", "", line)))
        rc = process.wait()
    return rc, began, time.time()


def operation_outcome(name, command, rc, log_path, problems):
    """The operation's recap lines, or its last lines and a problem when it failed."""
    if rc != 0:
        with open(log_path) as log:
            tail = log.read().splitlines()[-60:]
        print("\n".join(["--- last lines of %s (%s)" % (log_path, " ".join(command))] + tail), flush=True)
        problems.append("the operation %s failed (exit code %d; its output: %s)" % (name, rc, log_path))
        return
    with open(log_path) as log:
        lines = [line.split("] ", 1)[-1] for line in log.read().splitlines()]
    for line in [line for line in lines if re.search(r"^\S+\s+: ok=", line)]:
        say("%s recap: %s" % (name, " ".join(line.split())))
    for line in [line for line in lines if line.startswith("[time]")]:  # the profile (bench/callback_plugins/lhbench_profile.py)
        say("%s %s" % (name, line))


class EngineEvents(object):
    """The kill, die and start events of the containers on several engines, from `since` (wall time)
    until stop(), streamed as they happen: (wall time, engine, container name, action, signal)."""

    def __init__(self, engines, since):
        self.since = since
        self.lock = threading.Lock()
        self.events = []
        self.errors = []
        self.streams = []
        self._stopped = threading.Event()
        for url in engines:
            api = docker.APIClient(base_url=url)
            stream = api.events(since=int(since), decode=True,
                                filters={"type": "container", "event": ["kill", "die", "start"]})
            self.streams.append(stream)
            threading.Thread(target=self._read, args=(url, stream), daemon=True).start()

    def _read(self, url, stream):
        try:
            for event in stream:
                when = event["timeNano"] / 1e9 if event.get("timeNano") else float(event.get("time", 0))
                attributes = (event.get("Actor") or {}).get("Attributes") or {}
                if when >= self.since:
                    with self.lock:
                        self.events.append((when, url, attributes.get("name"),
                                            event.get("Action") or event.get("status"), attributes.get("signal")))
        except Exception as err:  # pylint: disable=broad-except  # closed by stop(), or the engine went away
            if not self._stopped.is_set():
                self.errors.append("%s: %s" % (url, err))

    def stop(self):
        time.sleep(1.0)  # the engines' last events of the operation
        self._stopped.set()
        for stream in self.streams:
            try:
                stream.close()
            except Exception:  # pylint: disable=broad-except
                pass
        with self.lock:
            return sorted(self.events)


def down_windows(events, names):
    """Each named container's times down: (went down, started again) - from the first kill (the
    SIGTERM of a stop or restart) to the next start - and those still down at the end. A start
    with no kill before it (a crash the engine restarted) has None as its first time."""
    windows = dict((name, []) for name in names)
    down = {}
    for when, dummy, name, action, dummy2 in events:
        if name not in windows:
            continue
        if action == "kill":
            down.setdefault(name, when)
        elif action == "start":
            windows[name].append((down.pop(name, None), when))
    return windows, down


def one_at_a_time(windows, still_down):
    """Problems: a container that did not go down and start again, and two down at once."""
    problems = ["%s did not go down and start again" % name for name, pairs in sorted(windows.items())
                if not pairs and name not in still_down]
    problems += ["%s started without being stopped first" % name for name, pairs in sorted(windows.items())
                 if any(kill is None for kill, dummy in pairs)]
    problems += ["%s was not started again" % name for name in sorted(still_down)]
    spans = sorted((kill, start, name) for name, pairs in windows.items() for kill, start in pairs if kill is not None)
    problems += ["%s went down while %s was still down" % (b[2], a[2]) for a, b in zip(spans, spans[1:]) if b[0] < a[1]]
    return problems, spans


def cmd_underload(args):
    command = operation_command(args, "underload")
    config, task, wf = setup(args.bootstrap)
    log_path = operation_log(args, "underload")
    watch = RunWatch(client_config(*split(args.bootstrap)))
    load = SteadyLoad(config, wf, args.rate, args.min_runs, watch.add)
    watched = [name for name in args.watch.split(",") if name]
    events = EngineEvents(args.engines.split(","), time.time()) if watched else None
    servers = health_addresses(args.servers)
    health = HealthWatch(servers) if servers and events is not None else None  # the gate needs the engines' events
    # The Python client's task worker asks the cluster for its servers every 60 s and only then opens a
    # poll stream again to a server that was re-created: the tasks of that server's partitions wait until
    # then (40 s of waiting after the upgrade's last server, in a trial). The drill's worker asks every
    # --worker-heartbeat seconds, so the runs end as soon as the cluster serves them; every accepted run
    # must complete all the same.
    littlehorse.worker.HEARTBEAT_INTERVAL_SECONDS = args.worker_heartbeat
    with Worker(client_config(*split(args.bootstrap)), task):
        watch.start()
        load.start()
        time.sleep(args.lead)  # the load runs before the operation starts
        if health is not None:
            health.start()
        rc, began, finished = run_operation(command, log_path)
        readings = health.stop() if health is not None else []
        recorded = events.stop() if events is not None else None
        load.stop()
        load.thread.join(timeout=args.timeout)
        waited = time.monotonic()
        all_ended = watch.wait_all(args.timeout)
        drained = time.monotonic() - waited
        watch.stop()
    with watch.lock:
        accepted_at, ended = dict(watch.accepted_at), dict(watch.ended)
    statuses = dict((run_id, ended[run_id][0]) for run_id in ended)
    completed = sum(1 for status in statuses.values() if status == "COMPLETED")
    lost = sorted(run_id for run_id, status in statuses.items() if status != "COMPLETED")
    stuck = sorted(run_id for run_id in accepted_at if run_id not in ended)
    stall, stall_at = longest_stall(accepted_at, dict((r, e[1]) for r, e in ended.items()), (began, finished))
    wait, wait_run, wait_from = load.longest_wait
    wait_at = (wait_from - began) if wait_from else 0.0
    # refused requests per minute of the operation (the load's lead before it counts in the first)
    per_minute = [0] * (int((finished - began) // 60) + 1)
    for when in load.refused_at:
        per_minute[max(0, min(len(per_minute) - 1, int((when - began) // 60)))] += 1
    figures = {
        "operation": args.name, "duration_s": round(finished - began, 1), "rc": rc,
        "submitted": len(accepted_at), "completed": completed, "lost_error": len(lost), "stuck": len(stuck),
        "requests": load.requests, "refused_requests": sum(load.refused.values()), "refused_by_code": load.refused,
        "retried_runs": load.retried_runs, "longest_stall_s": round(stall, 1),
        "longest_stall_at_s": round(stall_at - began, 1), "longest_submission_wait_s": round(wait, 2),
        "longest_submission_wait_at_s": round(wait_at, 1), "longest_submission_wait_run": wait_run,
        "refused_per_minute": per_minute,
        "rate_per_s": args.rate, "all_ended_s_after_operation": round(drained, 1),
        "submitted_per_s": round(len(accepted_at) / max(1e-9, (load.span[1] or 0) - (load.span[0] or 0)), 2),
    }
    say("underload %s: %s" % (args.name, json.dumps(figures, sort_keys=True)))
    say("%s under load: operation %.1fs, exit code %d; %d runs submitted (%.1f/s), %d completed, %d lost (ERROR), "
        "%d stuck; %d refused requests (%s), %d runs retried; longest stall %.1fs (no run completed while runs were "
        "outstanding, %.0fs into the operation), longest submission wait %.2fs (%.0fs into it); all ended %.1fs after "
        "the operation"
        % (args.name, finished - began, rc, len(accepted_at), figures["submitted_per_s"], completed, len(lost),
           len(stuck),
           figures["refused_requests"], ", ".join("%s %d" % kv for kv in sorted(load.refused.items())) or "none",
           load.retried_runs, stall, stall_at - began, wait, wait_at, drained))
    problems = []
    operation_outcome(args.name, command, rc, log_path, problems)
    if events is not None:
        problems.extend(watched_windows(args.name, recorded, events.errors, watched, began, accepted_at, ended))
    if health is not None:
        windows, still_down = down_windows(recorded, sorted(servers))
        problems.extend(gate_seen_from_outside(args.name, one_at_a_time(windows, still_down)[1], readings, began,
                                               finished))
    if load.error is not None:
        problems.append("the load stopped: %s" % load.error)
    if len(accepted_at) < args.min_runs:
        problems.append("only %d runs were submitted, fewer than %d" % (len(accepted_at), args.min_runs))
    if lost:
        problems.append("%d accepted runs ended in %s: %s" % (
            len(lost), "/".join(sorted(set(statuses[r] for r in lost))), ", ".join(lost[:20])))
    if stuck or not all_ended:
        problems.append("%d accepted runs had not ended %ds after the operation: %s"
                        % (len(stuck), args.timeout, ", ".join(stuck[:20])))
    if problems:
        raise SystemExit("%s under load: %s" % (args.name, "; ".join(problems)))


def watched_windows(name, recorded, errors, watched, began, accepted_at, ended):
    """The operation took each watched container down and up again, one at a time; for each, the
    runs accepted while it was down and those in flight (accepted, not ended) when it went down."""
    windows, still_down = down_windows(recorded, watched)
    problems, spans = one_at_a_time(windows, still_down)
    problems += ["the engines' events could not be read: %s" % "; ".join(errors)] if errors else []
    for kill, start, container in spans:
        meanwhile = sum(1 for when in accepted_at.values() if kill <= when <= start)
        in_flight = sum(1 for run_id, when in accepted_at.items()
                        if when <= kill and (run_id not in ended or ended[run_id][1] > kill))
        say("%s: %s down %.1fs (%.0fs into the operation): %d runs accepted meanwhile, %d in flight when it went down"
            % (name, container, start - kill, kill - began, meanwhile, in_flight))
    return problems


class HealthWatch(object):
    """Reads every server's health once a second, in a thread, until stop(): each reading is
    (began, ended, {server: caught up}), wall times."""

    def __init__(self, servers):
        self.servers = servers          # name -> (host, health port)
        self.readings = []
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(servers))
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _caught_up(self, name):
        try:
            return caught_up(server_health(*self.servers[name], timeout=2))
        except Exception:  # pylint: disable=broad-except  # no answer: not caught up
            return False

    def _run(self):
        names = sorted(self.servers)
        while not self._stop.is_set():
            began = time.time()
            states = dict(zip(names, self.pool.map(self._caught_up, names)))
            self.readings.append((began, time.time(), states))
            self._stop.wait(max(0.0, 1.0 - (time.time() - began)))

    def start(self):
        self.thread.start()
        deadline = time.time() + 30
        while not self.readings and time.time() < deadline:
            time.sleep(0.2)

    def stop(self):
        self._stop.set()
        self.thread.join(timeout=30)
        self.pool.shutdown(wait=False)
        return list(self.readings)


def health_addresses(text):
    """--servers C1=ADDR:HEALTHPORT,... as {container: (address, port)}."""
    return dict((item.split("=", 1)[0], split(item.split("=", 1)[1])) for item in (text or "").split(",") if item)


def gate_seen_from_outside(name, spans, readings, began, finished):
    """The rolling gate, seen from outside: before each server went down (spans: (went down, started again,
    server) in order), a reading showed every server caught up after the one before it had started again (for
    the first: since the operation began), and one did after the last start, before the operation ended.
    Prints each server's time down and to catch up; returns the problems."""
    def all_caught_up(after, before):
        return [r for r in readings if r[0] >= after and r[1] <= before and all(r[2].values())]

    problems, previous = [], began
    for kill, start, server in spans:
        gate = all_caught_up(previous, kill)
        back = [r[0] for r in readings if r[0] >= start and r[2][server]]
        if not gate:
            problems.append("%s went down %.1fs into the operation with no reading of every server caught up "
                            "since %.1fs" % (server, kill - began, previous - began))
        say("%s: %s down %.1fs (SIGTERM %.0fs into it, started again %.0fs), caught up %s after its start; before "
            "it went down %d readings showed every server caught up" % (
                name, server, start - kill, kill - began, start - began,
                "%.1fs" % (back[0] - start) if back else "never", len(gate)))
        previous = start
    final = all_caught_up(previous, finished)
    if spans and not final:
        problems.append("no reading of every server caught up between the last start (%.1fs) and the end of the "
                        "operation (%.1fs)" % (previous - began, finished - began))
    say("%s: %d servers went down and started again, each after every server was caught up: %s; %d readings of "
        "every server's health, %d of them showing every server caught up after the last one started again" % (
            name, len(spans), "no (below)" if problems else "yes", len(readings), len(final)))
    return problems


GATE_TASK = "The other servers are caught up before this one goes down - "


def gate_failure(log_path):
    """The failed tasks of an ansible-playbook output (JSON results): [(task, host, result)], each with the TASK
    header it ran under."""
    task, failures = None, []
    with open(log_path) as log:
        for line in log:
            line = line.split("] ", 1)[-1]
            header = re.match(r"TASK \[(.*)\] \**$", line.strip())
            if header:
                task = header.group(1)
            failed = re.match(r"fatal: \[([^\]]+)\]: FAILED! => (\{.*\})\s*$", line)
            if failed:
                try:
                    result = json.loads(failed.group(2))
                except ValueError:
                    result = {"msg": failed.group(2)}
                failures.append((task, failed.group(1), result))
    return failures


def cmd_gate(args):
    command = operation_command(args, "gate")
    down, down_at = args.down.split("=", 1)
    down_host, down_port = split(down_at)
    engines = args.engines.split(",")
    state = [c.attrs["State"] for url in engines for c in docker.DockerClient(base_url=url).containers.list(all=True)
             if c.name == down]
    if len(state) != 1 or state[0].get("Running"):
        raise SystemExit("gate: %s must be on one engine and down before the run (found: %s)"
                         % (down, [s.get("Status") for s in state] or "none"))
    before = started_at(args.engines)
    log_path = operation_log(args, "gate")
    events = EngineEvents(engines, time.time())
    # JSON results, one line each: the failure's message and the gate's readings are read from the output
    json_results = dict(os.environ, ANSIBLE_CALLBACK_RESULT_FORMAT="json", ANSIBLE_NOCOLOR="1")
    rc, began, finished = run_operation(command, log_path, env=json_results)
    recorded = events.stop()
    after = started_at(args.engines)
    problems = ["the engines' events could not be read: %s" % "; ".join(events.errors)] if events.errors else []
    if rc == 0:
        problems.append("the run succeeded with %s down: the gate before %s did not stay shut" % (down, args.gated))
    failures = gate_failure(log_path)
    gate = [f for f in failures if f[0] and f[0].endswith(GATE_TASK + args.gated)]
    if len(failures) != 1 or not gate:
        problems.append("the run must fail once, at the task '%s%s'; it failed at: %s" % (
            GATE_TASK, args.gated, "; ".join("%s on %s: %s" % (t, h, str(r.get("msg"))[:300]) for t, h, r in failures)
            or "no task (see %s)" % log_path))
    message = readings = None
    if gate:
        dummy, gated_host, result = gate[0]
        message, readings = str(result.get("msg", "")), result.get("servers") or []
        meant = [r for r in readings if r.get("name") == down]
        if not message.startswith("servers not caught up") or "(before %s goes down)" % args.gated not in message:
            problems.append("the gate's failure is not that the servers were not caught up before %s goes down: %s"
                            % (args.gated, message[:400]))
        if len(meant) != 1:
            problems.append("the gate did not read %s (it read %s)" % (down, [r.get("name") for r in readings]))
        else:
            reading = meant[0]
            where = "%s:%s" % (reading.get("host"), reading.get("health_port"))
            if (reading.get("host"), reading.get("health_port")) != (down_host, down_port):
                problems.append("the gate read %s at %s, not at %s (its host's address)" % (down, where, down_at))
            if reading.get("caught_up") or reading.get("instance_id") is None:
                problems.append("the gate's reading of %s: caught up %s, instance id %s" % (
                    down, reading.get("caught_up"), reading.get("instance_id")))
            named = [down, "(instance %s)" % reading.get("instance_id"), where]
            if not all(part in message for part in named):
                problems.append("the gate's message does not name %s: %s" % (" ".join(named), message[:400]))
        others = [r.get("name") for r in readings if r.get("name") not in (down, args.gated) and not r.get("caught_up")]
        if others:
            problems.append("other servers were short of the gate too (%s): the drill needs %s alone down"
                            % (", ".join(others), down))
    moved = ["%s %s %s" % (name, action, signal or "") for when, url, name, action, signal in recorded]
    if moved:
        problems.append("containers went down or started during the run: %s" % ", ".join(moved))
    restarted = sorted(k.split(" ", 1)[1] for k in before if after.get(k) != before[k])
    if restarted:
        problems.append("started again or gone: %s" % ", ".join(restarted))
    still = [c.attrs["State"].get("Running") for url in engines
             for c in docker.DockerClient(base_url=url).containers.list(all=True) if c.name == down]
    if still != [False]:
        problems.append("%s is not down after the run (running: %s)" % (down, still))
    if problems:
        raise SystemExit("gate: %s" % "; ".join(problems))
    say("gate: with %s down, the run failed after %.1fs at %s's gate on %s, before it went down; no container went "
        "down or started. The gate's message: %s" % (
            down, finished - began, args.gated, gated_host, " / ".join(message.splitlines()[:2])))


def cmd_images(args):
    engines = [docker.DockerClient(base_url=url) for url in args.engines.split(",")]
    before = None
    if args.restarted_since:
        with open(args.restarted_since) as handle:
            before = json.load(handle)
    problems, seen = [], []
    for item in args.expect:
        names, image = item.rsplit("=", 1)
        for name in names.split(","):
            found = []
            for url, engine in zip(args.engines.split(","), engines):
                try:
                    found.append((url, engine, engine.containers.get(name)))
                except docker.errors.NotFound:
                    pass
            if len(found) != 1:
                problems.append("%s is on %d engines, expected one" % (name, len(found)))
                continue
            url, engine, container = found[0]
            wanted = engine.images.get(image).id
            state = container.attrs["State"]
            if container.attrs["Config"]["Image"] != image or container.attrs["Image"] != wanted:
                problems.append("%s runs %s (%s), expected %s (%s)" % (
                    name, container.attrs["Config"]["Image"], container.attrs["Image"][7:19], image, wanted[7:19]))
            if not state.get("Running"):
                problems.append("%s is not running (%s)" % (name, state.get("Status")))
            if before is not None and before.get("%s %s" % (url, name)) == state["StartedAt"]:
                problems.append("%s was not started again (started at %s)" % (name, state["StartedAt"]))
            seen.append("%s %s (%s)" % (name, image, wanted[7:19]))
    if problems:
        raise SystemExit("not the expected images: %s" % "; ".join(problems))
    again = " (each started again)" if before is not None else ""
    say("running the expected images%s: %s" % (again, ", ".join(seen)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("assign")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--timeout", type=int, default=300)
    p = sub.add_parser("outage")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--victim-engine", required=True)
    p.add_argument("--victim-containers", required=True)
    p.add_argument("--victim-host", type=int, required=True)
    # 120 runs at 4/s is a 30 s schedule. The host goes down after 20 runs (5 s in, runs in flight),
    # and the failover takes up to ~70 s (the servers' session timeout, 60000 ms, then a rebalance): the schedule
    # has all but run out by the time the cluster serves again, so the other ~100 runs are sent from
    # then on, one after the other, all while the host is down. A longer schedule adds only more of that.
    p.add_argument("--runs", type=int, default=120)
    p.add_argument("--rate", type=float, default=4.0)
    p.add_argument("--kill-after", type=int, default=20)
    # served after the failover: 10 s of the rate's runs at least (about 100 are, above)
    p.add_argument("--after-runs", type=int, default=40)
    p.add_argument("--stall", type=float, default=2.0)
    p.add_argument("--timeout", type=int, default=600)
    p = sub.add_parser("settle")
    p.add_argument("--health", required=True)
    p.add_argument("--timeout", type=int, default=300)
    p = sub.add_parser("lb")
    p.add_argument("--lb", required=True)
    p.add_argument("--kill-engine", required=True)
    p.add_argument("--kill-container", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--timeout", type=int, default=240)
    p = sub.add_parser("started")
    p.add_argument("--engines", required=True)
    p.add_argument("--out")
    p.add_argument("--compare")
    p.add_argument("--allow-new", default="")
    p.add_argument("--allow-removed", default="")
    p.add_argument("--allow-restarted", default="")
    p = sub.add_parser("underload")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--name", required=True, help="the operation's name in the figures")
    p.add_argument("--min-runs", type=int, default=100)
    p.add_argument("--rate", type=float, default=3.5)
    p.add_argument("--lead", type=float, default=3.0, help="seconds of load before the operation starts")
    p.add_argument("--timeout", type=int, default=600)
    p.add_argument("--log", help="the operation's output (default: underload-NAME.log in the ephemeral folder)")
    p.add_argument("--engines", default="", help="the engines of --watch: SOCK,...")
    p.add_argument("--worker-heartbeat", type=int, default=5,
                   help="seconds between the task worker's requests for its servers (the client's own: 60)")
    p.add_argument("--watch", default="", help="containers the operation takes down one at a time: C1,C2,...")
    p.add_argument("--servers", default="", help="the watched servers' health, to see the rolling gate from outside: "
                   "C1=ADDR:HEALTHPORT,...")
    p.add_argument("argv", nargs=argparse.REMAINDER)
    p = sub.add_parser("gate")
    p.add_argument("--engines", required=True)
    p.add_argument("--down", required=True, help="the server that is down, and where the gate must read it: "
                   "C=ADDR:HEALTHPORT")
    p.add_argument("--gated", required=True, help="the server the run must not take down")
    p.add_argument("--log", help="the run's output (default: gate-NAME.log in the ephemeral folder)")
    p.add_argument("--name", default="restart", help="the run's name in the log's file name")
    p.add_argument("argv", nargs=argparse.REMAINDER)
    p = sub.add_parser("images")
    p.add_argument("--engines", required=True)
    p.add_argument("--expect", action="append", required=True, help="C1,C2,...=IMAGE")
    p.add_argument("--restarted-since")
    args = parser.parse_args()
    started = time.monotonic()
    globals()["cmd_" + args.command](args)
    say("%s done in %.1fs" % (args.command, time.monotonic() - started))


if __name__ == "__main__":
    main()

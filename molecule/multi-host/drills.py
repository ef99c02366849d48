"""The multi-host scenario's drills, run from the machine (a client outside every simulated host).

    drills.py assign  --bootstrap ADDR:PORT --expect A:P,B:P,... [--runs 30]
        a worker that bootstraps from ADDR:PORT is assigned exactly the expected servers; runs complete
    drills.py outage  --bootstrap ADDR:PORT --victim-engine SOCK --victim-containers C1,C2 --victim-host N
        while >= 200 runs are submitted, simulated host N goes down as a whole: its containers are
        killed with SIGKILL, then its engine is stopped (tests/hosts/engine.sh N stop). Every run the
        client was told was accepted must complete; refused ones are retried until accepted. Prints
        the unavailability window, the refused requests and the retried runs.
    drills.py settle  --health A:P,B:P,...
        every server's /status says RUNNING with no active restorations
    drills.py lb      --lb ADDR:PORT --kill-engine SOCK --kill-container C --expect A:P,B:P
        with that server killed (SIGKILL), a new worker bootstraps through the load balancer and is
        assigned the remaining servers; runs complete through it; the container is started again
    drills.py started --engines SOCK,... --out FILE | --compare FILE [--allow-new C,...]
        record every container's start time on the engines, or compare with a record: nothing that
        existed was restarted
Lines that report figures start with "[drill]".
"""
import argparse
import json
import os
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
    describe, server_health, wait_servers)
from ansible_collections.littlehorse.cluster.plugins.module_utils._workflow import start_runs, wait_runs  # noqa: E402
from littlehorse.model import RunWfRequest, VariableValue  # noqa: E402

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
        say("host %s down: %s killed (SIGKILL), engine stopped, in %.1fs"
            % (args.victim_host, args.victim_containers, time.monotonic() - t))

    def on_submitted(index):
        if index == args.kill_after:
            threading.Thread(target=take_host_down, daemon=True).start()

    with Worker(client_config(*split(args.bootstrap)), task):
        load = Load(config, wf, args.runs, args.rate, args.stall)
        load.run(on_submitted)
        figures = load.figures()
        t = time.monotonic()
        complete(config, [a[0] for a in load.accepted], args.timeout)
        figures["all_completed_s_after_submission"] = round(time.monotonic() - t, 1)
    figures["accepted_and_completed"] = len(load.accepted)
    say("outage drill: %s" % json.dumps(figures, sort_keys=True))
    values = (figures["unavailability_window_s"], args.stall, figures["refused_requests"], figures["retried_runs"],
              figures["submitted"], figures["accepted_and_completed"])
    say("unavailability window %.1fs (first to last refused or >%.0fs request); %d refused requests; %d runs "
        "retried; %d accepted, %d completed" % values)
    assert figures["submitted"] >= 200, figures


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
    victim = engine.containers.get(args.kill_container)
    victim.kill(signal="SIGKILL")
    say("killed %s (SIGKILL)" % args.kill_container)
    try:
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
    finally:
        victim.start()
        say("started %s again" % args.kill_container)


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
    restarted = sorted(k for k in before if now.get(k) != before[k])
    new = sorted(k for k in now if k not in before)
    assert not restarted, "restarted or removed: %s" % ", ".join(restarted)
    allowed = set(filter(None, args.allow_new.split(",")))
    unexpected = [k for k in new if k.split(" ", 1)[1] not in allowed]
    assert not unexpected, "containers that should not be new: %s" % ", ".join(unexpected)
    assert len(new) == len(allowed), "expected new containers %s, found %s" % (sorted(allowed), new)
    say("none of the %d existing containers was restarted; new: %s" % (len(before), ", ".join(new) or "none"))


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
    p.add_argument("--runs", type=int, default=240)
    p.add_argument("--rate", type=float, default=4.0)
    p.add_argument("--kill-after", type=int, default=40)
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
    args = parser.parse_args()
    started = time.monotonic()
    globals()["cmd_" + args.command](args)
    say("%s done in %.1fs" % (args.command, time.monotonic() - started))


if __name__ == "__main__":
    main()

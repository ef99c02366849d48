# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throughput by size (issue 25): the highest steady rate of workflow runs a cluster of 1 and of 3 servers
COMPLETES on this machine. Prints figures, asserts nothing; `make bench` runs it (bench/run.sh phase throughput).

usage (from the repository's root, after `make collection images`):
    PATH=$PWD/.venv/bin:$PATH python bench/throughput.py
    PATH=$PWD/.venv/bin:$PATH python bench/throughput.py --sizes 1 3 --rates 48 96 144 192 256 320 --step-seconds 30

For each size (--sizes, servers), on this machine's engine, one Kafka node (the local layout):
 1. playbooks/teardown.yml with purge, then site.yml with inventories/local (the dashboard group left out, written
    to build/throughput/hosts.yml) and bench/throughput-vars.yml: prefix lhtput, ports 46xxx on 127.0.0.1, 12
    partitions, the test bed's images and JVM settings (tests/testbed/jvm.yml), -e littlehorse_server_count=<size>,
    littlehorse_standby_replicas 0 with one server (a standby needs a second server), 1 otherwise; then until every
    server is caught up (ready, core RUNNING, no restorations; at most 300 s);
 2. a one-task workflow (molecule/multi-host/drills.py's setup: 5 task retries) and its task worker
    (plugins/module_utils/_workflow.py's Worker, run as `throughput.py --worker` in a process of its own, so that it
    does not share the load generator's interpreter), which must be assigned every server;
 3. the rate search: open-loop load from one client (drills.py's SteadyLoad: a run is sent when due, whether or not
    the ones before it were answered; a refused RunWf is sent again with the same id a second later, given up after
    --give-up s) at --rates in turn, --step-seconds each, upwards; every accepted run is watched until it ends
    (drills.py's RunWatch). A step PASSES when the runs accepted reach 95 % of those offered (rate x seconds) and
    95 % of the accepted ones COMPLETED by --drain s after the step's end. The search stops at the first step that
    fails; the size's figure is the highest rate that passed (when the last rate passed: a lower bound). Per step:
    runs offered, accepted, completed in time, refused requests, completed per second, and the latency of the
    completed runs (from the client's first RunWf of the run to the server's end time of the run), p50/p95;
 4. playbooks/teardown.yml with purge. At the end, and on any failure or SIGTERM, whatever is still named lhtput
    (containers, volumes, networks) is removed and counted.
Bounded: the whole run --budget s (default 900: every playbook, wait and step must fit in what is left, keeping
120 s for the last teardown; a step that does not fit is not run, and says so). JSON: build/bench/throughput.json;
the figures also in build/bench/throughput-figures.txt (bench/run.sh prints them with the others).

On 2 cores several servers share the same CPUs (and the one Kafka node, the client and the worker): 3 servers here
do not scale as three machines would; the figure says what this machine does, not what the layout can.
"""

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "build", "collections"))
sys.path.insert(0, os.path.join(REPO, "molecule", "multi-host"))
import docker  # noqa: E402  pylint: disable=wrong-import-position
import drills  # noqa: E402  pylint: disable=wrong-import-position
from benchlib import playbook_env, sayer  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import (  # noqa: E402  pylint: disable=wrong-import-position
    describe, read_servers, wait_servers)

PREFIX = "lhtput"
VARS = os.path.join(REPO, "bench", "throughput-vars.yml")
OUT = os.path.join(REPO, "build", "throughput")
FIGURES_DIR = os.path.join(REPO, "build", "bench")
INVENTORY = os.path.join(OUT, "hosts.yml")
PUBLIC_PORT, HEALTH_PORT, PORT_STEP = 46023, 46822, 10
TEARDOWN_RESERVE = 120
CAVEAT = ("on 2 cores several servers share the same CPUs (with the Kafka node, the client and the worker), "
          "so 3 servers do not scale as three machines would")
STARTED = time.monotonic()


say = sayer("throughput")
env = playbook_env


class Budget(object):
    def __init__(self, seconds):
        self.deadline = STARTED + seconds

    def left(self, reserve=TEARDOWN_RESERVE):
        return self.deadline - reserve - time.monotonic()


def playbook(book, size, log, timeout, *extra):
    """ansible-playbook BOOK with the bench's inventory and vars for `size` servers; True when it succeeded."""
    command = ["ansible-playbook", "-i", INVENTORY, os.path.join(REPO, book), "-e", "@" + VARS,
               "-e", "littlehorse_server_count=%d" % size,
               "-e", "littlehorse_standby_replicas=%d" % (1 if size > 1 else 0)] + list(extra)
    started = time.monotonic()
    if timeout < 10:
        say("%s not run: no time left in the budget" % os.path.basename(book))
        return False
    with open(log, "w") as handle:
        try:
            rc = subprocess.run(command, cwd=REPO, env=env(), stdout=handle, stderr=subprocess.STDOUT,
                                timeout=timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout (%ds)" % timeout
    say("%s (%d server%s): rc=%s in %.0fs (log %s)" % (os.path.basename(book), size, "s" if size > 1 else "", rc,
                                                       time.monotonic() - started, os.path.relpath(log, REPO)))
    return rc == 0


def teardown(size, log, timeout):
    return playbook("playbooks/teardown.yml", size, log, timeout, "-e", "littlehorse_teardown_purge_volumes=true")


def write_inventory():
    """inventories/local without the dashboard group (the benchmark deploys Kafka and the servers only)."""
    with open(os.path.join(REPO, "inventories", "local", "hosts.yml")) as handle:
        inv = yaml.safe_load(handle)
    inv["all"]["children"].pop("littlehorse_dashboard", None)
    with open(INVENTORY, "w") as handle:
        handle.write("# written by bench/throughput.py from inventories/local/hosts.yml, the dashboard group left out\n")
        yaml.safe_dump(inv, handle, default_flow_style=False, sort_keys=False)


def servers_of(size):
    return [{"name": "%s-server-%d" % (PREFIX, k + 1), "host": "127.0.0.1", "health_port": HEALTH_PORT + PORT_STEP * k,
             "instance_id": k + 1} for k in range(size)]


def wait_caught_up(size, timeout):
    started = time.monotonic()
    dummy, dummy2, waiting = wait_servers(lambda: read_servers(servers_of(size)), no_restorations=True, timeout=timeout)
    if not waiting:
        return time.monotonic() - started
    say("not every server caught up within %.0fs: %s" % (timeout, "; ".join(describe(r) for r in waiting)))
    return None


def left_over():
    """Remove whatever is named lhtput on the engine; returns what was found, by kind."""
    found = {}
    client = docker.from_env(timeout=120)
    try:
        for container in client.containers.list(all=True, filters={"name": "^%s-" % PREFIX}):
            found.setdefault("containers", []).append(container.name)
            container.remove(force=True, v=True)
        for volume in client.volumes.list(filters={"name": PREFIX}):
            if volume.name.startswith(PREFIX):
                found.setdefault("volumes", []).append(volume.name)
                volume.remove(force=True)
        for network in client.networks.list(names=None):
            if network.name.startswith(PREFIX):
                found.setdefault("networks", []).append(network.name)
                network.remove()
    finally:
        client.close()
    return found


def percentile(values, fraction):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))], 2)


class TimedLoad(drills.SteadyLoad):
    """drills.py's SteadyLoad that also keeps when each run was first sent (wall time): a RunWf is answered once the
    server processed it, often after the one-task run already ended, so the latency counts from the first try."""

    def __init__(self, *args, **kwargs):
        super(TimedLoad, self).__init__(*args, **kwargs)
        self.sent_at = {}

    def _send(self, run):
        if run["tries"] == 0:
            self.sent_at[run["id"]] = time.time()
        super(TimedLoad, self)._send(run)


def step(config, wf, rate, args):
    """One step of the search at `rate` runs/s (see the module's text)."""
    watch = drills.RunWatch(config)
    load = TimedLoad(config, wf, rate, 0, watch.add, give_up=args.give_up)
    watch.start()
    began = time.time()
    load.start()
    time.sleep(args.step_seconds)
    load.stop()
    ended_at = time.time()
    load.thread.join(timeout=args.give_up + 10)
    all_ended = watch.wait_all(max(0.0, ended_at + args.drain - time.time()))
    watch.stop()
    with watch.lock:
        accepted_at, ended = dict(watch.accepted_at), dict(watch.ended)
    completed = [run for run, (status, _when) in ended.items() if status == "COMPLETED"]
    sent_at = dict(load.sent_at)
    latencies = [ended[run][1] - sent_at[run] for run in completed if run in sent_at]
    offered = int(rate * args.step_seconds)
    accepted = len(accepted_at)
    passed = accepted >= 0.95 * offered and len(completed) >= 0.95 * accepted and accepted > 0
    figures = {
        "rate_per_s": rate, "seconds": args.step_seconds, "drain_s": args.drain, "offered": offered,
        "accepted": accepted, "completed": len(completed), "ended_otherwise": len(ended) - len(completed),
        "not_ended": accepted - len(ended), "all_ended": all_ended, "requests": load.requests,
        "refused_requests": sum(load.refused.values()), "refused_by_code": dict(load.refused),
        "completed_per_s": round(len(completed) / args.step_seconds, 1),
        "latency_p50_s": percentile(latencies, 0.50), "latency_p95_s": percentile(latencies, 0.95),
        "load_error": str(load.error) if load.error else None, "passed": passed,
        "wall": [round(began, 1), round(ended_at, 1)], "load_1m": round(os.getloadavg()[0], 2),
    }
    say("  %5.1f runs/s for %ds: %d offered, %d accepted, %d completed within %ds (%.1f/s), %d refused requests, "
        "latency p50 %s s p95 %s s -> %s" % (
            rate, args.step_seconds, offered, accepted, len(completed), args.drain, figures["completed_per_s"],
            figures["refused_requests"], figures["latency_p50_s"], figures["latency_p95_s"],
            "passed" if passed else "FAILED"))
    return figures


def measure(size, args, budget):
    outdir = os.path.join(OUT, "size-%d" % size)
    os.makedirs(outdir, exist_ok=True)
    result = {"servers": size, "standby_replicas": 1 if size > 1 else 0, "steps": []}
    if not teardown(size, os.path.join(outdir, "teardown-before.log"), min(300, budget.left(0))):
        return dict(result, error="teardown before failed")
    t0 = time.monotonic()
    if not playbook("site.yml", size, os.path.join(outdir, "site.log"), min(600, budget.left())):
        return dict(result, error="site.yml failed")
    settled = wait_caught_up(size, min(300, budget.left()))
    if settled is None:
        return dict(result, error="not caught up")
    result["deploy_s"] = round(time.monotonic() - t0, 1)
    say("%d server%s caught up %.0fs after site.yml began (load %.2f)" % (
        size, "s" if size > 1 else "", result["deploy_s"], os.getloadavg()[0]))
    bootstrap = "127.0.0.1:%d" % PUBLIC_PORT
    config, task, wf = drills.setup(bootstrap)
    expected = ["127.0.0.1:%d" % (PUBLIC_PORT + PORT_STEP * k) for k in range(size)]
    log = open(os.path.join(outdir, "worker.log"), "w")
    worker = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", bootstrap, task, ",".join(expected)],
                              stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    say("task worker pid %d (%s), expecting %s" % (worker.pid, task, ", ".join(expected)))
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            with open(log.name) as handle:
                if "assigned" in handle.read():
                    break
            time.sleep(0.5)
        with open(log.name) as handle:
            say("  worker: %s" % (handle.read().strip().splitlines() or ["no output"])[-1])
        for rate in args.rates:
            if budget.left() < args.step_seconds + args.drain + args.give_up:
                say("  %.1f runs/s and up not run: the budget (%ds) is used up" % (rate, args.budget))
                result["cut_by_budget"] = True
                break
            if worker.poll() is not None:
                result["error"] = "the task worker ended (exit code %s, log %s)" % (worker.returncode, log.name)
                break
            figures = step(config, wf, rate, args)
            result["steps"].append(figures)
            if not figures["passed"]:
                break
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log.close()
    passed = [s for s in result["steps"] if s["passed"]]
    result["best_rate_per_s"] = passed[-1]["rate_per_s"] if passed else None
    result["lower_bound"] = bool(passed) and passed[-1] is result["steps"][-1]
    result["best_step"] = passed[-1] if passed else None
    return result


def figures_text(results, load_mean):
    lines = ["    throughput (this machine, one engine, one Kafka node; open-loop steps of %s s, a step passes when 95 %% "
             "of the offered runs were accepted and 95 %% of those COMPLETED within the drain):" % (
                 results[0]["steps"][0]["seconds"] if results and results[0].get("steps") else "?")]
    for res in results:
        best = res.get("best_step")
        if best:
            text = "%s runs/s%s: %d offered, %d accepted, %d completed (%.1f/s), %d refused requests, latency p50 %s s " \
                   "p95 %s s" % (res["best_rate_per_s"], " (the last rate tried: a lower bound)" if res["lower_bound"] else "",
                                 best["offered"], best["accepted"], best["completed"], best["completed_per_s"],
                                 best["refused_requests"], best["latency_p50_s"], best["latency_p95_s"])
        else:
            text = "no rate passed"
        failed = [s for s in res.get("steps", []) if not s["passed"]]
        if failed:
            f = failed[0]
            text += "; failed at %s runs/s (%d/%d accepted, %d completed)" % (
                f["rate_per_s"], f["accepted"], f["offered"], f["completed"])
        if res.get("error"):
            text += "; %s" % res["error"]
        lines.append("    %d server%s: %s (deploy %ss)" % (
            res["servers"], "s" if res["servers"] > 1 else " ", text, res.get("deploy_s", "?")))
    best = dict((res["servers"], res.get("best_rate_per_s")) for res in results)
    bounds = [res["servers"] for res in results if res.get("lower_bound")]
    if best.get(1) and best.get(3):
        lines.append("    3 servers / 1 server: %.2f%s   [no goal; %s]" % (
            best[3] / best[1], " (of lower bounds: %s)" % ", ".join("%d" % n for n in bounds) if bounds else "", CAVEAT))
    else:
        lines.append("    [%s]" % CAVEAT)
    lines.append("    load average (1 min) during the steps: mean %s" % load_mean)
    return "\n".join(lines)


def run_worker(bootstrap, task, expected):
    """`throughput.py --worker`: the task worker, until SIGTERM."""
    logging.getLogger("LHConfig").setLevel(logging.ERROR)
    import littlehorse.worker  # pylint: disable=import-outside-toplevel
    littlehorse.worker.HEARTBEAT_INTERVAL_SECONDS = 5
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    parent = os.getppid()
    with drills.Worker(drills.client_config(*drills.split(bootstrap)), task) as worker:
        assigned, seconds = worker.wait_assignment(expected.split(","), 90)
        print("assigned %s in %.1fs" % (", ".join(assigned), seconds), flush=True)
        while not stop and worker.error is None and os.getppid() == parent:  # ends with the benchmark, also killed
            time.sleep(0.5)
        if worker.error is not None:
            print("worker stopped: %s" % worker.error_text(), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--rates", type=float, nargs="+", default=[48, 96, 144, 192, 256, 320])
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--drain", type=int, default=15)
    parser.add_argument("--give-up", type=int, default=20, help="seconds a refused run is retried before it is given up")
    parser.add_argument("--budget", type=int, default=900, help="seconds the whole run may take")
    parser.add_argument("--worker", nargs=3, metavar=("BOOTSTRAP", "TASK", "EXPECTED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(*args.worker)
        return
    args.rates = args.rates[:6]
    args.step_seconds = min(args.step_seconds, 60)
    logging.getLogger("LHConfig").setLevel(logging.ERROR)  # one "insecure channel" warning per connection
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the finally below still tears down
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(FIGURES_DIR, exist_ok=True)
    write_inventory()
    budget = Budget(args.budget)
    say("sizes %s, rates %s runs/s, %ds per step, drain %ds, budget %ds; %d cores, %s other container(s) running"
        % (args.sizes, args.rates, args.step_seconds, args.drain, args.budget, os.cpu_count(),
           len(docker.from_env().containers.list())))
    results = []
    try:
        for size in args.sizes:
            if budget.left() < 200:
                say("%d servers not measured: the budget (%ds) is used up" % (size, args.budget))
                results.append({"servers": size, "steps": [], "error": "not run: budget used up"})
                continue
            results.append(measure(size, args, budget))
    finally:
        t0 = time.monotonic()
        teardown(max(args.sizes), os.path.join(OUT, "teardown.log"), max(30, budget.left(0)))
        found = left_over()
        say("teardown %.0fs; left over named %s after it: %s" % (
            time.monotonic() - t0, PREFIX, json.dumps(found) if found else "nothing"))
        loads = [s["load_1m"] for res in results for s in res.get("steps", [])]
        load_mean = round(sum(loads) / len(loads), 2) if loads else None
        text = figures_text(results, load_mean)
        print("\n===== throughput by size\n" + text, flush=True)
        with open(os.path.join(FIGURES_DIR, "throughput-figures.txt"), "w") as handle:
            handle.write(text + "\n")
        with open(os.path.join(FIGURES_DIR, "throughput.json"), "w") as handle:
            json.dump({"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
                       "seconds": round(time.monotonic() - STARTED, 1), "load_1m_mean": load_mean,
                       "left_over_removed": found, "caveat": CAVEAT, "sizes": results},
                      handle, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()

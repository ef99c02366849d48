# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failover window of a LittleHorse cluster for several Kafka Streams session timeouts (issue 10).

usage (no make needed; from the repository's root, after `make collection`):
    PATH=$PWD/.venv/bin:$PATH python bench/failover.py                 # 60000 20000 10000
    PATH=$PWD/.venv/bin:$PATH python bench/failover.py --timeouts 20000 --load-seconds 0

For each session timeout (LHS_STREAMS_SESSION_TIMEOUT, the role variable server_session_timeout_ms):
 1. deploys 1 Kafka node + 3 servers with the collection's own site.yml and bench/failover/hosts.yml
    (prefix lhfo, ports 37xxx on 127.0.0.1, standby replicas 1, the test bed's images, heaps 384m),
    passing -e server_session_timeout_ms=<timeout>;
 2. registers a TaskDef and a one-task WfSpec (3 task retries) and starts a task worker assigned to
    all three servers (plugins/module_utils/_workflow.py, what lh_workflow_check and the Molecule
    drills use);
 3. submits runs at a steady rate (--rate, 4/s) through server 1, one thread per run that retries a
    refused RunWf with the same id (ALREADY_EXISTS = an earlier attempt went through);
 4. false rebalances: --load-seconds (120) with no kill while --burners (2) busy processes load the
    machine's two cores (started and ended by their pid, each also ends by itself): every server's
    /status polled each second (coreState leaving RUNNING), the servers' logs ("stream-client ...
    State transition from RUNNING to REBALANCING") and the Kafka group coordinator's log
    ("Preparing to rebalance group lhfo-...", with its reason) since the phase began;
 5. failover: --steady-seconds (30) steady, then `docker kill -s KILL` of --kill (lhfo-server-3, not
    the server the client submits through), --after-seconds (90) more submissions, then stops and
    waits (bounded) until every accepted run ended;
 6. prints the figures and tears the lhfo cluster down (playbooks/teardown.yml with
    littlehorse_teardown_purge_volumes=true; then any lhfo-* container, volume or network left).

Figures (the completion time of a run is the server's WfRun end_time, its submission time the
client's first RunWf attempt; the containers share the machine's clock):
  stall       the longest stretch after the kill during which some run submitted more than
              `thr` seconds before had not completed (thr = max(1 s, 2 x the worst latency of the
              steady phase));
  worst e2e   the worst submission-to-completion latency of runs submitted from 5 s before the kill on;
  recovery    seconds from the kill until every later 5-s window completes >= 80 % of the steady
              rate (completions back to the steady rate), and until every later run completes
              within `thr` (latency back);
  runs        submitted / completed / ERROR (or other terminal failure) / not accepted, RunWf
              attempts refused (by gRPC code);
  load        the machine's 1-minute load average, sampled every second (mean / max per phase).
Logs and one JSON per timeout go to build/failover/<timeout>/. Each timeout's run is bounded
(deploy 360 s, phases as given, drain 150 s, teardown 240 s): about 6 minutes with the defaults.

Results: bench/README.md, section "Failover window".
"""

import argparse
import concurrent.futures
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, "build", "collections")
sys.path.insert(0, COLLECTIONS)

# pylint: disable=wrong-import-position
import grpc  # noqa: E402
from littlehorse.model import LHStatus, RunWfRequest, VariableValue, WfRunId  # noqa: E402
from ansible_collections.littlehorse.cluster.plugins.module_utils import _workflow as wf  # noqa: E402

PREFIX = "lhfo"
INVENTORY = os.path.join(REPO, "bench", "failover", "hosts.yml")
OUT = os.path.join(REPO, "build", "failover")
HEALTH_PORTS = (37822, 37832, 37842)
PUBLIC_PORTS = (37023, 37033, 37043)
SERVERS = ("lhfo-server-1", "lhfo-server-2", "lhfo-server-3")
KAFKA = "lhfo-kafka-1"
TERMINAL = ("COMPLETED", "ERROR", "EXCEPTION", "HALTED")


def say(*args):
    print("[failover %s load %.2f]" % (time.strftime("%H:%M:%S"), os.getloadavg()[0]), *args, flush=True)


# ------------------------------------------------------------------------------------------------
# The cluster: deploy with site.yml, tear down with playbooks/teardown.yml (prefix lhfo only)
# ------------------------------------------------------------------------------------------------

def ansible_env():
    env = dict(os.environ)
    env["PATH"] = os.path.join(REPO, ".venv", "bin") + os.pathsep + env.get("PATH", "")
    env["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS
    env["ANSIBLE_CONFIG"] = os.path.join(REPO, "ansible.cfg")
    return env


def playbook(book, log, timeout, *extra):
    cmd = ["ansible-playbook", "-i", INVENTORY, os.path.join(REPO, book)] + list(extra)
    started = time.monotonic()
    with open(log, "w") as fh:
        try:
            rc = subprocess.run(cmd, cwd=REPO, env=ansible_env(), stdout=fh, stderr=subprocess.STDOUT,
                                timeout=timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    return rc, time.monotonic() - started


def docker(*args, timeout=60):
    return subprocess.run(["docker"] + list(args), capture_output=True, text=True, timeout=timeout, check=False)


def leftovers():
    """Remove whatever lhfo-* container, volume or network is left (ours only, by exact prefix)."""
    names = docker("ps", "-aq", "--filter", "name=^%s-" % PREFIX).stdout.split()
    if names:
        docker("rm", "-f", "-v", *names)
    vols = [v for v in docker("volume", "ls", "-q").stdout.split() if v.startswith(PREFIX + "-")]
    if vols:
        docker("volume", "rm", *vols)
    nets = [n for n in docker("network", "ls", "--format", "{{.Name}}").stdout.split()
            if n == PREFIX + "-net" or n.startswith(PREFIX + "-")]
    if nets:
        docker("network", "rm", *nets)
    return names, vols, nets


def save_logs(outdir):
    """Every lhfo-* container's log, with timestamps, to outdir/<container>.log (before the teardown)."""
    for name in docker("ps", "-a", "--filter", "name=^%s-" % PREFIX, "--format", "{{.Names}}").stdout.split():
        out = docker("logs", "--timestamps", name, timeout=120)
        with open(os.path.join(outdir, name + ".log"), "w") as fh:
            fh.write(out.stdout + out.stderr)


def teardown(outdir):
    rc, secs = playbook("playbooks/teardown.yml", os.path.join(outdir, "teardown.log"), 240,
                        "-e", "littlehorse_teardown_purge_volumes=true")
    names, vols, nets = leftovers()
    say("teardown rc=%s in %.0fs%s" % (rc, secs, "; removed leftovers %s" % (names + vols + nets)
                                       if names or vols or nets else ""))


def health(port, path, timeout=2.0):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as resp:
            return resp.status, resp.read()
    except Exception as err:  # pylint: disable=broad-except
        return None, str(err).encode()


def wait_ready(timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(health(p, "/readiness")[0] == 200 for p in HEALTH_PORTS):
            return True
        time.sleep(1)
    return False


# ------------------------------------------------------------------------------------------------
# Load: runs at a steady rate; samplers of /status and the load average; CPU burners
# ------------------------------------------------------------------------------------------------

class Runs:
    """Runs submitted at a steady rate, one thread per run retrying a refused RunWf with its id."""

    def __init__(self, config, wf_name, rate, retry_for=240):
        self.stub = config.stub()
        self.wf_name = wf_name
        self.rate = rate
        self.retry_for = retry_for
        self.lock = threading.Lock()
        self.runs = {}          # id -> dict(phase, submit, accepted, attempts)
        self.refused = {}       # gRPC code -> count
        self.phase = "warmup"
        self._stop = threading.Event()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=512)
        self._thread = None

    def _submit(self, run_id, phase, t0):
        req = RunWfRequest(wf_spec_name=self.wf_name, id=run_id, variables={"name": VariableValue(str=run_id)})
        rec = {"phase": phase, "submit": t0, "accepted": None, "attempts": 0}
        with self.lock:
            self.runs[run_id] = rec
        while True:
            rec["attempts"] += 1
            try:
                self.stub.RunWf(req, timeout=10)
                rec["accepted"] = time.time()
                return
            except grpc.RpcError as err:
                if err.code() == grpc.StatusCode.ALREADY_EXISTS:
                    rec["accepted"] = time.time()
                    return
                with self.lock:
                    self.refused[err.code().name] = self.refused.get(err.code().name, 0) + 1
                if time.time() - t0 > self.retry_for:
                    rec["gave_up"] = "%s %s" % (err.code().name, err.details())
                    return
            time.sleep(min(4.0, 0.5 * 2 ** (rec["attempts"] - 1)))  # 0.5, 1, 2, 4, 4 ... s

    def _loop(self):
        n = 0
        start = time.monotonic()
        while not self._stop.is_set():
            target = start + n / self.rate
            delay = target - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
                if self._stop.is_set():
                    break
            run_id = "fo-%s-%06d" % (uuid.uuid4().hex[:6], n)
            self._pool.submit(self._submit, run_id, self.phase, time.time())
            n += 1

    def start(self):
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self, timeout):
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=False)
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                pending = [r for r in self.runs.values() if r["accepted"] is None and "gave_up" not in r]
            if not pending:
                return 0
            time.sleep(0.5)
        return len(pending)


def drain(config, runs, timeout):
    """Poll every accepted run until it ended or timeout; fills status and end (server end_time)."""
    stub = config.stub()
    deadline = time.monotonic() + timeout

    def look(run_id):
        try:
            got = stub.GetWfRun(WfRunId(id=run_id), timeout=5)
        except grpc.RpcError:
            return run_id, None, None
        end = got.end_time.seconds + got.end_time.nanos / 1e9 if got.HasField("end_time") else None
        return run_id, LHStatus.Name(got.status), end

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        while time.monotonic() < deadline:
            todo = [i for i, r in runs.items() if r["accepted"] and r.get("status") not in TERMINAL]
            if not todo:
                return 0
            for run_id, status, end in pool.map(look, todo):
                if status:
                    runs[run_id]["status"] = status
                    runs[run_id]["end"] = end
            time.sleep(1)
    return len([i for i, r in runs.items() if r["accepted"] and r.get("status") not in TERMINAL])


class Sampler:
    """Every second: the 1-minute load average and each server's coreState / active partitions."""

    def __init__(self):
        self.samples = []   # (time, phase, load, {server: (state, partitions)})
        self.phase = "warmup"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            t = time.time()
            states = {}
            for name, port in zip(SERVERS, HEALTH_PORTS):
                code, body = health(port, "/status", timeout=0.8)
                if code == 200:
                    try:
                        doc = json.loads(body)
                        states[name] = (doc.get("coreState"), sorted(x["partition"] for x in doc.get("coreActiveTasks", [])))
                    except ValueError:
                        states[name] = ("unparsable", [])
                else:
                    states[name] = ("down", [])
            self.samples.append((t, self.phase, os.getloadavg()[0], states))
            self._stop.wait(max(0.0, 1.0 - (time.time() - t)))

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def load(self, phase):
        vals = [s[2] for s in self.samples if s[1] == phase]
        return (round(statistics.mean(vals), 2), round(max(vals), 2)) if vals else (None, None)

    def transitions(self, phase):
        """Per server: times coreState left RUNNING, and times its active partitions changed."""
        result = {}
        prev = {}
        for _t, ph, _l, states in self.samples:
            for name, (state, parts) in states.items():
                if ph == phase and name in prev:
                    r = result.setdefault(name, {"left_running": 0, "assignment_changed": 0, "states": []})
                    if prev[name][0] == "RUNNING" and state != "RUNNING":
                        r["left_running"] += 1
                        r["states"].append(state)
                    if state == "RUNNING" and prev[name][0] == "RUNNING" and parts != prev[name][1]:
                        r["assignment_changed"] += 1
                prev[name] = (state, parts)
        return result


def burners(count, seconds):
    code = "import time\nend = time.time() + %d\nwhile time.time() < end:\n    pass\n" % seconds
    return [subprocess.Popen([sys.executable, "-c", code]) for unused_index in range(count)]


def end_burners(procs):
    for p in procs:
        if p.poll() is None:
            p.kill()  # by its pid: os.kill(p.pid, SIGKILL)
        p.wait(timeout=10)


def rebalances_in_logs(since):
    """Rebalances since `since` (unix time): the Kafka group coordinator's, with their reasons, and
    each server's Kafka Streams clients leaving RUNNING."""
    out = docker("logs", "--timestamps", "--since", "%.3f" % since, KAFKA, timeout=60)
    broker = []
    for line in (out.stdout + out.stderr).splitlines():
        m = re.search(r"Preparing to rebalance group (\S+) in state \S+ with old generation (\d+) \(reason: (.*)", line)
        if m:
            broker.append({"at": line[:23], "group": m.group(1), "generation": int(m.group(2)),
                           "reason": m.group(3)[:160]})
    servers = {}
    for name in SERVERS:
        out = docker("logs", "--since", "%.3f" % since, name, timeout=60)
        text = out.stdout + out.stderr
        servers[name] = {
            "client_running_to_rebalancing": len(re.findall(
                r"stream-client \[[^\]]+\] State transition from RUNNING to REBALANCING", text)),
            "lines_with_rebalanc": sum(1 for ln in text.splitlines() if "rebalanc" in ln.lower()),
        }
    return broker, servers


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------

def figures(runs, kill_at, stop_at, steady_from):
    done = {i: r for i, r in runs.items() if r.get("status") == "COMPLETED" and r.get("end")}

    def lat(r):
        return r["end"] - r["submit"]

    steady = [lat(r) for r in done.values() if steady_from <= r["submit"] < kill_at - 2]
    steady.sort()
    steady_max = steady[-1] if steady else 1.0
    steady_p99 = steady[max(0, int(len(steady) * 0.99) - 1)] if steady else 1.0
    thr = max(1.0, 2 * steady_p99)
    # steady completion rate: completions per second in [steady_from + 5, kill_at]
    window = max(1.0, kill_at - (steady_from + 5))
    steady_rate = sum(1 for r in done.values() if steady_from + 5 <= r["end"] < kill_at) / window
    # stall: the longest stretch after the kill with a run submitted > thr ago not yet completed
    accepted = [r for r in runs.values() if r["accepted"] and r["submit"] >= steady_from]
    horizon = max([r.get("end") or stop_at for r in accepted] + [stop_at])
    step = 0.1
    longest = cur = 0.0
    stall_end = kill_at
    t = kill_at
    while t <= horizon:
        stuck = any(r["submit"] <= t - thr and (r.get("end") is None or r["end"] > t) for r in accepted)
        cur = cur + step if stuck else 0.0
        if cur > longest:
            longest, stall_end = cur, t
        t += step
    after = [r for r in done.values() if r["submit"] >= kill_at - 5]
    worst = max((lat(r) for r in after), default=None)
    # completions back to the steady rate: the start of the first 5-s bucket (counted from the kill)
    # after which every whole bucket up to the stop completes >= 80 % of the steady rate
    ends = sorted(r["end"] for r in done.values())
    buckets = [sum(1 for e in ends if kill_at + 5 * i <= e < kill_at + 5 * i + 5)
               for i in range(int((stop_at - kill_at) // 5))]
    low = [i for i, n in enumerate(buckets) if n < 0.8 * 5 * steady_rate]
    rate_back = 5 * (low[-1] + 1) if low else 0
    # held runs: submitted from thr before the kill on and completed later than max(5 s, thr); the
    # last of them to complete ends the failover (a lone 1-2 s run on a loaded machine is no stall)
    held = [r for r in done.values() if r["submit"] >= kill_at - thr and lat(r) > max(5.0, thr)]
    recovered = max((r["end"] for r in held), default=kill_at) - kill_at
    # latency back: every run submitted after that moment completed within max(5 s, thr)
    late = [r["submit"] for r in accepted if r["submit"] >= kill_at
            and (r.get("status") != "COMPLETED" or lat(r) > max(5.0, thr))]
    latency_back = (max(late) - kill_at) if late else 0.0
    return {
        "steady_worst_latency_s": round(steady_max, 3),
        "steady_p99_latency_s": round(steady_p99, 3),
        "steady_p50_latency_s": round(statistics.median(steady), 3) if steady else None,
        "threshold_s": round(thr, 2),
        "steady_rate_per_s": round(steady_rate, 2),
        "stall_s": round(longest, 1),
        "stall_ends_after_kill_s": round(stall_end - kill_at, 1),
        "worst_latency_after_kill_s": round(worst, 1) if worst is not None else None,
        "rate_back_after_kill_s": rate_back,
        "latency_back_after_kill_s": round(latency_back, 1),
        "last_held_run_completed_after_kill_s": round(recovered, 1),
        "held_runs": len(held),
        "completions_per_5s_after_kill": buckets,
        "times": {"steady_from": steady_from, "kill_at": kill_at, "stop_at": stop_at},
    }


def refigure(outdir):
    """The figures again from a run's saved runs.json and result.json (e.g. after changing figures())."""
    with open(os.path.join(outdir, "runs.json")) as fh:
        runs = json.load(fh)
    with open(os.path.join(outdir, "result.json")) as fh:
        res = json.load(fh)
    times = res.get("failover", {}).get("times")
    if not times:  # runs of the first version: the phases' first and last submissions

        def subs(ph):
            return sorted(r["submit"] for r in runs.values() if r["phase"] == ph)

        rate = res["args"]["rate"]
        times = {"steady_from": subs("steady")[0], "kill_at": subs("after_kill")[0] - 0.5 / rate,
                 "stop_at": subs("after_kill")[-1] + 1 / rate}
    res["failover"] = figures(runs, times["kill_at"], times["stop_at"], times["steady_from"])
    with open(os.path.join(outdir, "result.json"), "w") as fh:
        json.dump(res, fh, indent=1, default=str)
    return res


def count(runs, phase=None):
    sel = [r for r in runs.values() if phase is None or r["phase"] == phase]
    return {
        "submitted": len(sel),
        "accepted": sum(1 for r in sel if r["accepted"]),
        "completed": sum(1 for r in sel if r.get("status") == "COMPLETED"),
        "failed": sum(1 for r in sel if r.get("status") in ("ERROR", "EXCEPTION", "HALTED")),
        "not_ended": sum(1 for r in sel if r["accepted"] and r.get("status") not in TERMINAL),
        "not_accepted": sum(1 for r in sel if not r["accepted"]),
        "attempts_refused": sum(r["attempts"] - 1 for r in sel if r["accepted"]) +
        sum(r["attempts"] for r in sel if not r["accepted"]),
    }


def latency_summary(runs, phase):
    lats = sorted(r["end"] - r["submit"] for r in runs.values()
                  if r["phase"] == phase and r.get("status") == "COMPLETED" and r.get("end"))
    if not lats:
        return None
    return {"p50": round(lats[len(lats) // 2], 3), "p99": round(lats[int(len(lats) * 0.99) - 1 if len(lats) > 1 else 0], 3),
            "max": round(lats[-1], 3)}


# ------------------------------------------------------------------------------------------------
# One session timeout
# ------------------------------------------------------------------------------------------------

def one(timeout_ms, args):
    outdir = os.path.join(OUT, str(timeout_ms))
    os.makedirs(outdir, exist_ok=True)
    logging.basicConfig(filename=os.path.join(OUT, "client.log"), level=logging.WARNING, force=True)
    result = {"session_timeout_ms": timeout_ms, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
              "loadavg_start": os.getloadavg()[0], "args": vars(args), "problems": []}
    t_begin = time.monotonic()
    leftovers()
    deadline = time.monotonic() + args.quiet_wait
    while os.getloadavg()[0] > args.quiet_load and time.monotonic() < deadline:
        time.sleep(5)
    result["loadavg_deploy"] = os.getloadavg()[0]
    rc, secs = playbook("site.yml", os.path.join(outdir, "deploy.log"), 360,
                        "-e", "server_session_timeout_ms=%d" % timeout_ms)
    result["deploy_s"] = round(secs, 1)
    say("session timeout %d ms: site.yml rc=%s in %.0fs" % (timeout_ms, rc, secs))
    if rc != 0 or not wait_ready(120):
        result["problems"].append("deploy failed (rc %s), log %s/deploy.log" % (rc, outdir))
        return result
    envs = {}
    for name in SERVERS:
        env = docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", name).stdout
        m = re.search(r"^LHS_STREAMS_SESSION_TIMEOUT=(\d+)$", env, re.M)
        envs[name] = int(m.group(1)) if m else None
    result["server_session_timeout_env"] = envs
    if any(v != timeout_ms for v in envs.values()):
        result["problems"].append("servers run with LHS_STREAMS_SESSION_TIMEOUT %s" % envs)
        return result

    wf.forget_client_environment()
    config = wf.client_config("127.0.0.1", PUBLIC_PORTS[0])
    worker_config = wf.client_config("127.0.0.1", PUBLIC_PORTS[0])
    suffix = uuid.uuid4().hex[:6]
    task_name, wf_name = "fo-greet-%s" % suffix, "fo-wf-%s" % suffix
    wf.register(config, task_name, wf_name, timeout=120, task_retries=3)
    sampler = Sampler()
    procs = []
    with wf.Worker(worker_config, task_name) as worker:
        result["worker_assigned"] = worker.wait_assigned(3, timeout=90)
        sampler.start()
        runs = Runs(config, wf_name, args.rate)
        runs.start()
        say("worker assigned %s; runs at %.1f/s; warm-up %ds" % (result["worker_assigned"], args.rate, args.warmup_seconds))
        time.sleep(args.warmup_seconds)
        try:
            if args.load_seconds > 0:
                runs.phase = sampler.phase = "loaded"
                load_from = time.time()
                procs = burners(args.burners, args.load_seconds + 15)
                say("loaded phase: %d busy processes (pids %s) for %ds, no kill"
                    % (len(procs), [p.pid for p in procs], args.load_seconds))
                time.sleep(args.load_seconds)
                end_burners(procs)
                broker, servers = rebalances_in_logs(load_from)
                result["loaded"] = {
                    "seconds": args.load_seconds, "burners": args.burners,
                    "load_mean_max": sampler.load("loaded"),
                    "group_rebalances": broker,
                    "heartbeat_expirations": sum(1 for b in broker if "heartbeat expiration" in b["reason"]),
                    "servers_logs": servers,
                    "status_transitions": sampler.transitions("loaded"),
                }
                result["false_rebalances"] = len(broker)
                say("loaded phase done: %d group rebalances (%d on heartbeat expiration), load mean/max %s; "
                    "servers' logs %s" % (len(broker), result["loaded"]["heartbeat_expirations"],
                                          result["loaded"]["load_mean_max"], servers))
                runs.phase = sampler.phase = "settle"
                time.sleep(5)
            runs.phase = sampler.phase = "steady"
            steady_from = time.time()
            say("steady phase %ds" % args.steady_seconds)
            time.sleep(args.steady_seconds)
            kill_at = time.time()
            out = docker("kill", "-s", "KILL", args.kill)
            runs.phase = sampler.phase = "after_kill"
            say("killed %s (rc %d); submitting %ds more" % (args.kill, out.returncode, args.after_seconds))
            result["killed"] = args.kill
            time.sleep(args.after_seconds)
            stop_at = time.time()
        finally:
            end_burners(procs)
            sampler.phase = "drain"
            unaccepted = runs.stop(60)
        say("submission stopped (%d runs still retrying); waiting for every accepted run to end" % unaccepted)
        left = drain(config, runs.runs, args.drain_seconds)
        sampler.stop()
        result["worker_error"] = worker.error_text()
        result["worker_ever_assigned"] = worker.ever_assigned()
    state = docker("inspect", "-f", "{{.State.Status}} restarts={{.RestartCount}}", args.kill).stdout.strip()
    result["killed_state_after"] = state
    result["not_ended_after_drain"] = left
    result["runs"] = count(runs.runs)
    result["runs_by_phase"] = {ph: count(runs.runs, ph) for ph in ("warmup", "loaded", "settle", "steady", "after_kill")}
    result["latency_by_phase"] = {ph: latency_summary(runs.runs, ph) for ph in ("warmup", "loaded", "steady", "after_kill")}
    result["refused_by_code"] = dict(runs.refused)
    result["failover"] = figures(runs.runs, kill_at, stop_at, steady_from)
    result["load_mean_max"] = {ph: sampler.load(ph) for ph in ("warmup", "loaded", "steady", "after_kill")}
    result["status_transitions_after_kill"] = sampler.transitions("after_kill")
    broker, _servers = rebalances_in_logs(kill_at - 1)
    result["group_rebalances_after_kill"] = broker
    killed_member = "%s-%s-" % (PREFIX, args.kill.rsplit("-", 1)[1])   # lhfo-3-core-StreamThread-...
    result["false_evictions_after_kill"] = [b for b in broker if "heartbeat expiration" in b["reason"]
                                            and ("member " + killed_member) not in b["reason"]]
    result["seconds"] = round(time.monotonic() - t_begin, 1)
    with open(os.path.join(outdir, "runs.json"), "w") as fh:
        json.dump(runs.runs, fh)
    p50 = result["failover"].get("steady_p50_latency_s")
    if p50 is None or p50 > 2:
        result["problems"].append("the cluster did not keep up with %.1f runs/s before the kill (steady median "
                                  "latency %s s, load %s): the failover figures are not meaningful"
                                  % (args.rate, p50, result["load_mean_max"].get("steady")))
    if result["false_evictions_after_kill"]:
        result["problems"].append("live servers evicted on heartbeat expiration after the kill: %s" % [
            b["reason"][:70] for b in result["false_evictions_after_kill"]])
    failed = {i: r.get("status") for i, r in runs.runs.items() if r["accepted"] and r.get("status") != "COMPLETED"}
    if failed:
        result["problems"].append("%d accepted runs did not complete: %s" % (len(failed), sorted(failed.items())[:10]))
    return result


def row(res):
    f = res.get("failover", {})
    r = res.get("runs", {})
    load = res.get("load_mean_max", {})
    return ("| %s | %s | %s | %s | %s | %s | %s | %s/%s/%s | %s | %s | %s | %s | %s |" % (
        res["session_timeout_ms"], res.get("args", {}).get("rate"), f.get("stall_s"), f.get("worst_latency_after_kill_s"),
        f.get("last_held_run_completed_after_kill_s"), f.get("rate_back_after_kill_s"), f.get("latency_back_after_kill_s"),
        r.get("submitted"), r.get("completed"), r.get("failed"), r.get("attempts_refused"),
        res.get("false_rebalances", "-") if "loaded" not in res else "%d (%d hb)" % (
            res["false_rebalances"], res["loaded"]["heartbeat_expirations"]),
        "%s/%s" % tuple(res["loaded"]["load_mean_max"]) if "loaded" in res else "-",
        "%s/%s" % tuple(load.get("after_kill", (None, None))) if load else "-",
        len(res.get("false_evictions_after_kill", []))))


HEADER = ("| session timeout ms | runs/s | stall s | worst e2e s | recovered s | rate back s | latency back s | runs sub/compl/ERROR "
          "| refused RunWf | rebalances under load (heartbeat) | load loaded mean/max | load failover mean/max "
          "| live servers evicted after the kill |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    ap.add_argument("--timeouts", type=int, nargs="+", default=[60000, 20000, 10000])
    ap.add_argument("--rate", type=float, default=4.0)
    ap.add_argument("--warmup-seconds", type=int, default=10)
    ap.add_argument("--load-seconds", type=int, default=120, help="the loaded phase without a kill; 0 skips it")
    ap.add_argument("--burners", type=int, default=2)
    ap.add_argument("--steady-seconds", type=int, default=30)
    ap.add_argument("--after-seconds", type=int, default=90)
    ap.add_argument("--drain-seconds", type=int, default=150)
    ap.add_argument("--kill", default="lhfo-server-3", choices=SERVERS)
    ap.add_argument("--quiet-load", type=float, default=8.0,
                    help="before deploying, wait up to --quiet-wait s for the 1-minute load to drop below this")
    ap.add_argument("--quiet-wait", type=int, default=60)
    ap.add_argument("--refigure", nargs="+", metavar="DIR",
                    help="recompute the figures of earlier runs (build/failover/<timeout>) and print the table; deploys nothing")
    ap.add_argument("--keep", action="store_true", help="leave the last cluster up")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    results = []
    if args.refigure:
        print(HEADER)
        for outdir in args.refigure:
            print(row(refigure(outdir)))
        return 0
    for i, timeout_ms in enumerate(args.timeouts):
        outdir = os.path.join(OUT, str(timeout_ms))
        try:
            res = one(timeout_ms, args)
        except Exception as err:  # pylint: disable=broad-except
            res = {"session_timeout_ms": timeout_ms, "problems": ["%s: %s" % (type(err).__name__, err)]}
            logging.exception("run %s", timeout_ms)
        finally:
            if os.path.isdir(outdir):
                save_logs(outdir)
            if not (args.keep and i == len(args.timeouts) - 1):
                teardown(outdir if os.path.isdir(outdir) else OUT)
        with open(os.path.join(outdir, "result.json"), "w") as fh:
            json.dump(res, fh, indent=1, default=str)
        results.append(res)
        say("timeout %d: %s" % (timeout_ms, json.dumps({k: res.get(k) for k in (
            "failover", "runs", "refused_by_code", "false_rebalances", "load_mean_max", "problems", "seconds")},
            default=str)))
    print(HEADER)
    for res in results:
        print(row(res))
    for res in results:
        for p in res.get("problems", []):
            print("PROBLEM (%s ms): %s" % (res["session_timeout_ms"], p))
    return 1 if any(res.get("problems") for res in results) else 0


if __name__ == "__main__":
    sys.exit(main())

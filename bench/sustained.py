# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sustained load on the multi-host layout, with a rolling restart in the middle, for several Kafka
Streams session timeouts (issue 21). Prints figures, asserts nothing; not part of `make test`.

usage (from the repository's root, after `make collection images`):
    PATH=$PWD/.venv/bin:$PATH python bench/sustained.py                        # find the rate, then 20000 60000
    PATH=$PWD/.venv/bin:$PATH python bench/sustained.py --rate 6 --minutes 10 --timeouts 20000 60000

What it does, holding /var/lock/lhsim-range-9-11.lock (two drills never share hosts) for the whole run:
 1. three simulated hosts of its own range, 9-11 (tests/hosts/up.sh --load-images 9-11; no scenario of
    `make test` uses them, see tests/hosts/README.md; brought down at the end with down.sh 9-11 only if this
    run brought them up) and inventories/multi-host.example on them (molecule/multi-host/make_inventory.py,
    without the dashboard and the load balancer), with bench/sustained-vars.yml: prefix lhsus, ports
    35xxx and Kafka 38092/38093, the test bed's images, every other setting the roles' default;
 2. for each session timeout (server_session_timeout_ms): playbooks/teardown.yml with purge, then
    site.yml -e server_session_timeout_ms=<timeout>;
 3. once, on the first timeout, unless --rate is given: the highest rate a warm cluster absorbs in a burst,
    searched upwards from a low rate (a cold cluster refuses at once a rate it absorbs warm: every later drill
    first runs the same ramp up to its rate, reported as its warm-up). Open-loop load
    (molecule/multi-host/drills.py's SteadyLoad: one client, a run sent when due whether or not the
    ones before it were answered) at --search-rates in turn, --search-seconds each; a step passes
    when the runs accepted reach 95 % of the rate and every one of them completed within
    --search-drain seconds of the step's end. A burst is not a steady rate: the drill (4.) decides whether
    the rate holds for --minutes; pass --rate to drill at a lower one. The search's rate is used for every timeout;
 4. the drill: `drills.py underload` at that rate for --minutes (min-runs = rate x minutes x 60), with
    playbooks/restart.yml --tags servers starting at the half (--lead), the three servers watched
    (each must go down and start again, one at a time). Its figures: runs submitted, completed, lost
    (ERROR), stuck, refused requests by gRPC code, the longest stall (no run completed while runs were
    outstanding), the longest submission wait;
 5. every server's and Kafka node's log since the drill began: transaction aborts and fenced
    producers (the lines, counted per container, saved to build/sustained/<timeout>/), and the
    stream clients' RUNNING -> REBALANCING transitions;
 6. a table of both timeouts; JSON per timeout in build/sustained/<timeout>/figures.json.

Bounded: each playbook 900 s, each search step --search-seconds + --search-drain, the drill
--minutes + its drain (600 s). About 20 minutes per timeout with the defaults (the warm-up ramp included), plus up to 10 for the search.
"""

import argparse
import fcntl
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "build", "collections"))
sys.path.insert(0, os.path.join(REPO, "molecule", "multi-host"))
import docker  # noqa: E402  pylint: disable=wrong-import-position
import drills  # noqa: E402  pylint: disable=wrong-import-position
from benchlib import playbook_env, sayer  # noqa: E402  pylint: disable=wrong-import-position
import littlehorse.worker  # noqa: E402  pylint: disable=wrong-import-position

RANGE = "9-11"
LOCK = "/var/lock/lhsim-range-%s.lock" % RANGE
PREFIX = "lhsus"
VARS = os.path.join(REPO, "bench", "sustained-vars.yml")
OUT = os.path.join(REPO, "build", "sustained")
INVENTORY = os.path.join(OUT, "hosts.yml")
PUBLIC_PORT, HEALTH_PORT = 35023, 35822
PLAYBOOK_TIMEOUT = 900
# What Kafka's transactional producers log when a transaction is given up or a producer was replaced.
ABORT = re.compile(r"abort(ing|ed)? (the |a |open |ongoing )?transaction|TransactionAborted|abortTransaction",
                   re.IGNORECASE)
FENCED = re.compile(r"ProducerFenced|InvalidProducerEpoch|fenced", re.IGNORECASE)
# Kafka Streams' own line when a stream thread missed a rebalance and was dropped from its group (its producer is
# fenced and every task it held moves): what a too short session timeout does under load.
THREAD_FENCED = re.compile(r"Detected that the thread is being fenced")
REBALANCING = re.compile(r"stream-client \[[^\]]+\] State transition from RUNNING to REBALANCING")
# A produce request the broker refused and the producer retries (e.g. CONCURRENT_TRANSACTIONS while a transaction of
# the re-started server's producer is still being ended): counted by error code.
PRODUCE_ERROR = re.compile(r"Got error produce response .* Error: ([A-Z_]+)")


say = sayer("sustained")


def env():
    return playbook_env(ANSIBLE_HOST_KEY_CHECKING="False")


def playbook_command(book, timeout_ms):
    return ["ansible-playbook", "-i", INVENTORY, os.path.join(REPO, book), "-e", "@" + VARS,
            "-e", "server_session_timeout_ms=%d" % timeout_ms]


def playbook(book, timeout_ms, log, *extra):
    started = time.monotonic()
    with open(log, "w") as handle:
        try:
            rc = subprocess.run(playbook_command(book, timeout_ms) + list(extra), cwd=REPO, env=env(),
                                stdout=handle, stderr=subprocess.STDOUT, timeout=PLAYBOOK_TIMEOUT,
                                check=False).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    say("%s: rc=%s in %.0fs (log %s)" % (os.path.basename(book), rc, time.monotonic() - started, log))
    return rc == 0


def hosts_up():
    """The hosts of the range that are up."""
    first, last = (int(n) for n in RANGE.split("-"))
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
    return sorted(name for name in (line.split()[0] for line in listed.splitlines() if line.strip())
                  if re.match(r"lhsim\d+$", name) and first <= int(name[len("lhsim"):]) <= last)


def inventory():
    """The project's recipe: inventories/multi-host.example with the simulated hosts' addresses; no
    dashboard, no load balancer. Returns [(host, address, engine socket)] of lh1..lh3."""
    subprocess.run([sys.executable, os.path.join(REPO, "molecule", "multi-host", "make_inventory.py"),
                    os.path.join(REPO, "inventories", "multi-host.example", "hosts.yml"),
                    "/var/lib/lhsim/range-%s/inventory.yml" % RANGE, INVENTORY,
                    "littlehorse_dashboard", "littlehorse_load_balancer"], check=True, stdout=subprocess.DEVNULL)
    with open(INVENTORY) as handle:
        inv = yaml.safe_load(handle)
    hosts = inv["all"]["children"]["littlehorse_servers"]["hosts"]
    return [(name, hosts[name]["ansible_host"], hosts[name]["lhsim_docker_host"]) for name in sorted(hosts)]


def servers_of(hosts):
    """(container, host address, engine) of each server: one per host, instance id = the host's base + 1."""
    bases = {"lh1": 101, "lh2": 201, "lh3": 301}
    return [("%s-server-%d" % (PREFIX, bases[name]), address, sock) for name, address, sock in hosts]


def wait_ready(hosts, timeout=300):
    deadline = time.monotonic() + timeout
    health = dict(("%s:%d" % (address, HEALTH_PORT), (address, HEALTH_PORT)) for _name, address, _sock in hosts)
    while time.monotonic() < deadline:
        states = {}
        for name, (host, port) in health.items():
            try:
                states[name] = drills.caught_up(drills.server_health(host, port, timeout=2))
            except Exception:  # pylint: disable=broad-except  # no answer yet
                states[name] = False
        if all(states.values()):
            return True
        time.sleep(2)
    say("not every server caught up within %ds: %s" % (timeout, states))
    return False


def search_rate(bootstrap, rates, seconds, drain):
    """The highest rate in `rates` that the cluster sustains for `seconds` (see the module's text)."""
    config, task, wf = drills.setup(bootstrap)
    littlehorse.worker.HEARTBEAT_INTERVAL_SECONDS = 5
    best, steps = None, []
    with drills.Worker(drills.client_config(*drills.split(bootstrap)), task):
        for rate in rates:
            watch = drills.RunWatch(drills.client_config(*drills.split(bootstrap)))
            load = drills.SteadyLoad(config, wf, rate, 0, watch.add)
            watch.start()
            load.start()
            time.sleep(seconds)
            load.stop()
            load.thread.join(timeout=60)
            all_ended = watch.wait_all(drain)
            watch.stop()
            with watch.lock:
                accepted, ended = len(watch.accepted_at), dict(watch.ended)
            completed = sum(1 for status, _when in ended.values() if status == "COMPLETED")
            kept_up = accepted >= 0.95 * rate * seconds and all_ended and completed == accepted
            steps.append({"rate_per_s": rate, "accepted": accepted, "completed": completed,
                          "refused_requests": sum(load.refused.values()), "kept_up": kept_up,
                          "load_1m": round(os.getloadavg()[0], 2)})
            say("search %.1f runs/s for %ds: %d accepted, %d completed within %ds of the end, %d refused -> %s"
                % (rate, seconds, accepted, completed, drain, sum(load.refused.values()),
                   "sustained" if kept_up else "NOT sustained"))
            if not kept_up:
                break
            best = rate
    return best, steps


def log_findings(servers, kafka, since, outdir):
    """Transaction aborts, fenced producers and stream-client rebalances in each container's log since `since`."""
    found = {}
    for name, _address, sock in servers + kafka:
        client = docker.DockerClient(base_url=sock, timeout=60)
        try:
            text = client.containers.get(name).logs(since=int(since), timestamps=True).decode("utf-8", "replace")
        except docker.errors.DockerException as err:
            found[name] = {"error": str(err)}
            continue
        finally:
            client.close()
        lines = text.splitlines()
        aborts = [line for line in lines if ABORT.search(line)]
        fenced = [line for line in lines if FENCED.search(line)]
        with open(os.path.join(outdir, name + ".findings.log"), "w") as handle:
            handle.write("\n".join(["# transaction aborts"] + aborts + ["# fenced producers"] + fenced) + "\n")
        with open(os.path.join(outdir, name + ".log"), "w") as handle:
            handle.write(text)
        produce_errors = {}
        for line in lines:
            match = PRODUCE_ERROR.search(line)
            if match:
                produce_errors[match.group(1)] = produce_errors.get(match.group(1), 0) + 1
        found[name] = {"transaction_aborts": len(aborts), "fenced_producers": len(fenced),
                       "threads_fenced": len([line for line in lines if THREAD_FENCED.search(line)]),
                       "running_to_rebalancing": len([line for line in lines if REBALANCING.search(line)]),
                       "produce_errors_retried": produce_errors}
    return found


def drill(timeout_ms, rate, args, hosts):
    outdir = os.path.join(OUT, str(timeout_ms))
    os.makedirs(outdir, exist_ok=True)
    servers = servers_of(hosts)
    kafka = [("%s-kafka-%d" % (PREFIX, index + 1), address, sock) for index, (_name, address, sock) in enumerate(hosts)]
    bootstrap = "%s:%d" % (hosts[0][1], PUBLIC_PORT)
    result = {"session_timeout_ms": timeout_ms, "rate_per_s": rate, "minutes": args.minutes}
    if not playbook("playbooks/teardown.yml", timeout_ms, os.path.join(outdir, "teardown-before.log"),
                    "-e", "littlehorse_teardown_purge_volumes=true"):
        return dict(result, error="teardown before failed")
    if not playbook("site.yml", timeout_ms, os.path.join(outdir, "site.log")) or not wait_ready(hosts):
        return dict(result, error="deploy failed")
    if rate is not None:
        # The same ramp as the search, up to the drill's rate: a freshly started cluster (C1-compiled JVMs, cold
        # RocksDB) refuses at once a rate that it sustains after a few minutes of lower load.
        ramp = [step for step in args.search_rates if step < rate] + [rate]
        say("warm-up: the search's ramp up to %.1f runs/s" % rate)
        _reached, result["warmup"] = search_rate(bootstrap, ramp, args.search_seconds, args.search_drain)
        wait_ready(hosts)
    else:
        rate, result["search"] = search_rate(bootstrap, args.search_rates, args.search_seconds, args.search_drain)
        if rate is None:
            return dict(result, error="not even %.1f runs/s was sustained" % args.search_rates[0])
        result["rate_per_s"] = rate
        say("the highest sustained rate of the search: %.1f runs/s%s" % (
            rate, " (the search's last rate: a lower bound)" if rate == args.search_rates[-1] else ""))
        wait_ready(hosts)
    began = time.time()
    seconds = args.minutes * 60
    command = [sys.executable, os.path.join(REPO, "molecule", "multi-host", "drills.py"), "underload",
               "--bootstrap", bootstrap, "--name", "restart-%d" % timeout_ms, "--rate", str(rate),
               "--min-runs", str(int(rate * seconds)), "--lead", str(seconds / 2), "--timeout", "600",
               "--log", os.path.join(outdir, "restart.log"),
               "--engines", ",".join(sock for _name, _address, sock in servers),
               "--watch", ",".join(name for name, _address, _sock in servers),
               "--"] + playbook_command("playbooks/restart.yml", timeout_ms) + ["--tags", "servers"]
    say("drill at %.1f runs/s for %d min, restart.yml at the half (session timeout %d ms)"
        % (rate, args.minutes, timeout_ms))
    loads = []
    sampling = threading.Event()

    def sample():
        while not sampling.wait(5):
            loads.append(os.getloadavg()[0])
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with open(os.path.join(outdir, "drill.log"), "w") as handle:
        rc = subprocess.run(command, cwd=REPO, env=env(), stdout=handle, stderr=subprocess.STDOUT,
                            timeout=seconds + 1800, check=False).returncode
    sampling.set()
    with open(os.path.join(outdir, "drill.log")) as handle:
        text = handle.read()
    match = re.search(r"\[drill\] underload restart-\d+: (\{.*\})", text)
    result.update(json.loads(match.group(1)) if match else {"error": "no figures in drill.log"})
    result["drill_rc"] = rc
    result["drill_problem"] = ([line for line in text.splitlines() if "under load:" in line and "[drill]" not in line]
                               or [None])[-1]
    result["drill_seconds"] = round(time.time() - began, 1)
    result["load_1m_mean"] = round(sum(loads) / len(loads), 2) if loads else None
    result["load_1m_max"] = round(max(loads), 2) if loads else None
    result["logs"] = log_findings(servers, kafka, began, outdir)
    with open(os.path.join(outdir, "figures.json"), "w") as handle:
        json.dump(result, handle, indent=2, sort_keys=True)
    for line in text.splitlines():
        if line.startswith("[drill]"):
            print("    " + line, flush=True)
    return result


def table(results):
    print("\n===== sustained load on 3 simulated hosts, restart.yml --tags servers at the half", flush=True)
    print("%-10s %6s %6s %9s %9s %5s %5s %8s %9s %7s %7s %5s %6s %6s" % (
        "timeout", "rate/s", "min", "submitted", "completed", "lost", "stuck", "refused", "stall s",
        "aborts", "fenced", "thr.f", "rebal", "load"))
    for res in results:
        if "submitted" not in res:
            print("%-10s %s" % (res["session_timeout_ms"], res.get("error")))
            continue
        logs = res.get("logs", {}).values()
        print("%-10s %6.1f %6d %9d %9d %5d %5d %8d %9.1f %7d %7d %5d %6d %6s" % (
            res["session_timeout_ms"], res["rate_per_s"], res["minutes"], res["submitted"], res["completed"],
            res["lost_error"], res["stuck"], res["refused_requests"], res["longest_stall_s"],
            sum(item.get("transaction_aborts", 0) for item in logs),
            sum(item.get("fenced_producers", 0) for item in logs),
            sum(item.get("threads_fenced", 0) for item in logs),
            sum(item.get("running_to_rebalancing", 0) for item in logs), res.get("load_1m_mean")))
        if res.get("refused_by_code"):
            print("           refused by code: %s" % res["refused_by_code"])
        retried = {}
        for item in logs:
            for code, number in item.get("produce_errors_retried", {}).items():
                retried[code] = retried.get(code, 0) + number
        if retried:
            print("           produce requests refused by the brokers and retried: %s" % retried)
        if res.get("drill_problem"):
            print("           drill: %s" % res["drill_problem"][:300])
    for res in results:
        for kind in ("search", "warmup"):
            for step in res.get(kind, []):
                print("%s %s: %s" % (res["session_timeout_ms"], kind, json.dumps(step, sort_keys=True)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--timeouts", type=int, nargs="+", default=[20000, 60000])
    parser.add_argument("--rate", type=float, help="skip the search and drill at this rate (runs/s)")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--search-rates", type=float, nargs="+", default=[8, 16, 32, 48, 64, 80, 96, 128, 160],
                        help="the rates tried in turn, until one is not sustained (the last one sustained is a lower bound)")
    parser.add_argument("--search-seconds", type=int, default=45)
    parser.add_argument("--search-drain", type=int, default=20)
    parser.add_argument("--lock-wait", type=int, default=1800)
    parser.add_argument("--keep", action="store_true", help="leave the last cluster up")
    args = parser.parse_args()
    logging.getLogger("LHConfig").setLevel(logging.ERROR)  # one "insecure channel" warning per connection
    os.makedirs(OUT, exist_ok=True)
    lock = open(LOCK, "a")  # not inherited by children (PEP 446): the hosts' daemons do not keep it
    deadline = time.monotonic() + args.lock_wait
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise SystemExit("%s was not free within %ds" % (LOCK, args.lock_wait))
            time.sleep(5)
    before = hosts_up()
    say("lock %s held; simulated hosts up before: %s" % (LOCK, before or "none"))
    subprocess.run([os.path.join(REPO, "tests", "hosts", "up.sh"), "--load-images", RANGE], check=True,
                   stdout=open(os.path.join(OUT, "up.log"), "w"), stderr=subprocess.STDOUT)
    results = []
    try:
        hosts = inventory()
        rate = args.rate
        for timeout_ms in args.timeouts:
            res = drill(timeout_ms, rate, args, hosts)
            rate = res.get("rate_per_s") or rate
            results.append(res)
            table(results)
        if not args.keep:
            playbook("playbooks/teardown.yml", args.timeouts[-1], os.path.join(OUT, "teardown.log"),
                     "-e", "littlehorse_teardown_purge_volumes=true")
    finally:
        if not before and not args.keep:
            subprocess.run([os.path.join(REPO, "tests", "hosts", "down.sh"), RANGE], check=False,
                           stdout=open(os.path.join(OUT, "down.log"), "w"), stderr=subprocess.STDOUT)
    with open(os.path.join(OUT, "figures.json"), "w") as handle:
        json.dump(results, handle, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()

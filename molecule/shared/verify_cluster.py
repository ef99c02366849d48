# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify a three-server cluster from the machine, with a real workflow (Molecule verify).

Used by the `default` and `seed` scenarios, and usable alone against any cluster whose servers
answer at one address:

    python molecule/shared/verify_cluster.py --address 10.79.0.11 --public-ports 2023,2024,2025 \
        --health-ports 1822,1832,1842 --docker-host unix:///run/lhsim-host1/docker.sock \
        --stop-container lh-server-3

1. every server's /liveness and /readiness answer 200;
2. a task worker that bootstraps from ONE server is assigned all three, by their advertised
   addresses (address:public port);
3. 30 workflow runs COMPLETE;
4. one server is stopped; 30 more runs COMPLETE (the hot standbys take over); it is started
   again, every server answers /readiness and reports its core RUNNING with no restorations,
   and a few more runs COMPLETE through the whole cluster;
5. with --dashboard-url, the dashboard answers 200.
"""
import argparse
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
import docker  # noqa: E402
from lhtest.workflow import Worker, client_config, register, run_workflows  # noqa: E402
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import (  # noqa: E402
    describe, server_health, wait_servers)
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import http_get  # noqa: E402


def say(text):
    print("[verify] %s" % text, flush=True)


def wait_health(address, port, timeout, settled=False):
    """Until /readiness is 200 (settled: and the server caught up - core RUNNING, no restorations); the reading."""
    readings, dummy, waiting = wait_servers(lambda: [dict(server_health(address, port), name="health %d" % port)],
                                            no_restorations=settled, timeout=timeout)
    if waiting:
        raise AssertionError("%s within %ss: %s" % ("not RUNNING without restorations" if settled else "not ready",
                                                    timeout, describe(waiting[0])))
    return readings[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--public-ports", default="2023,2024,2025")
    parser.add_argument("--health-ports", required=True)
    parser.add_argument("--docker-host", required=True)
    parser.add_argument("--stop-container", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--dashboard-url", default="")
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()
    public = [int(p) for p in args.public_ports.split(",")]
    health = [int(p) for p in args.health_ports.split(",")]
    started = time.monotonic()

    for port in health:
        reading = wait_health(args.address, port, args.timeout)
        assert reading["liveness"] == 200, "health %d: /liveness %s" % (port, reading["liveness"])
        say("health %d: liveness + readiness 200, core %s" % (port, (reading["status"] or {}).get("coreState", "?")))

    config = client_config(args.address, public[0])
    suffix = uuid.uuid4().hex[:6]
    task, wf = "verify-greet-" + suffix, "verify-wf-" + suffix
    # A task claim in flight when a server stops can be lost ("could not be processed in time"): the task
    # node retries, with backoff, as a workflow that must survive a failover does (so do the drills).
    register(config, task, wf, task_retries=3)
    expected = sorted("%s:%d" % (args.address, p) for p in public)
    with Worker(config, task) as worker:
        assigned = worker.wait_assigned(len(public))
        assert assigned == expected, "assigned %s, expected %s" % (assigned, expected)
        say("worker bootstrapped from %s:%d, assigned %s" % (args.address, public[0], assigned))
        t = time.monotonic()
        run_workflows(config, wf, args.runs, timeout=args.timeout)
        say("%d runs COMPLETED in %.1fs" % (args.runs, time.monotonic() - t))

        engine = docker.DockerClient(base_url=args.docker_host)
        victim = engine.containers.get(args.stop_container)
        t = time.monotonic()
        victim.stop(timeout=120)
        say("stopped %s in %.1fs" % (args.stop_container, time.monotonic() - t))
        try:
            t = time.monotonic()
            run_workflows(config, wf, args.runs, timeout=args.timeout)
            say("%d runs COMPLETED with %s stopped in %.1fs" % (args.runs, args.stop_container, time.monotonic() - t))
        finally:
            victim.start()
            t = time.monotonic()
            for port in health:
                wait_health(args.address, port, args.timeout)
            say("started %s again; every server ready in %.1fs" % (args.stop_container, time.monotonic() - t))
        for port in health:
            wait_health(args.address, port, args.timeout, settled=True)
        say("every server RUNNING without restorations %.1fs after the restart" % (time.monotonic() - t))
        run_workflows(config, wf, 5, timeout=args.timeout)
        say("5 more runs COMPLETED with every server back")
    if args.dashboard_url:
        deadline = time.monotonic() + 60
        while http_get(args.dashboard_url)[0] != 200:
            assert time.monotonic() < deadline, "%s did not answer 200 within 60s" % args.dashboard_url
            time.sleep(0.5)
        say("dashboard %s answers 200" % args.dashboard_url)
    say("all checks passed in %.1fs" % (time.monotonic() - started))


if __name__ == "__main__":
    main()

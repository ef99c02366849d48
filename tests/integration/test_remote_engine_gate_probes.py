# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rolling gate of one host reads the other hosts' servers at addresses that reach them, as those servers.

Two simulated hosts (conftest.simulated_hosts, tests/hosts/up.sh 7-8: each its own network namespace, address and
sshd; FIRST and SECOND below) each run
one "server" whose health port, 44822 on every address of its host, is a TEST DOUBLE: a small HTTP
service in the host's namespace that answers /liveness, /readiness and /status the way the real
server does (/status with its instanceId), since a real cluster on two simulated hosts costs minutes.
What is real: the plan (the collection's cluster_plan filter on an inventory of the two hosts), the
module (lh_server_info, run on SECOND over SSH, as the role's gate task calls it) and the network
between the hosts - 127.0.0.1 on SECOND is SECOND only. It checks that:
- the gate on SECOND, with the plan's probes for SECOND, reads FIRST's server at FIRST's address
  and its own on loopback, each answering as itself, and opens;
- the old way (every server at its own host's probe, 127.0.0.1) reads SECOND's server twice - and the
  gate now refuses at once, naming the server it meant and the one that answered.
A hosts lane of tests/run-all.sh runs it beside test_remote_engine.py (-k remote_engine), on hosts of their own
(other scenarios run beside them on other numbers).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
import yaml

from conftest import ROOT, SIMULATED_RANGE

PORT = 44822
FIRST, SECOND = ("lhsim%d" % n for n in SIMULATED_RANGE)
IDS = {FIRST: 101, SECOND: 201}

# The test double of a server's health port: /status as the real server answers it (instanceId, coreState, ...).
DOUBLE = r'''
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
instance = sys.argv[2]
class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path in ("/liveness", "/readiness"):
            body, kind = b"OK", "text/plain"
        elif self.path == "/status":
            body = json.dumps({"host": "lhheal-server-" + instance, "port": 44011, "instanceId": instance,
                               "coreActiveTasks": [], "coreState": "RUNNING", "restorations": []}).encode()
            kind = "application/json"
        else:
            self.send_response(404); self.end_headers(); return
        self.send_response(200); self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args):
        pass
HTTPServer(("0.0.0.0", int(sys.argv[1])), Health).serve_forever()
'''


@pytest.fixture(scope="module")
def doubles(simulated_hosts):
    addresses = dict((host, simulated_hosts["hosts"][host]["address"]) for host in IDS)
    started = []
    try:
        for host, instance in sorted(IDS.items()):
            started.append(subprocess.Popen(["nsenter", "--net=/run/netns/%s" % host, sys.executable, "-c", DOUBLE,
                                             str(PORT), str(instance)], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        for host, address in addresses.items():  # from the machine, each double answers at its host's address
            deadline = time.monotonic() + 20
            while True:
                try:
                    with urllib.request.urlopen("http://%s:%d/status" % (address, PORT), timeout=2) as reply:
                        assert json.loads(reply.read())["instanceId"] == str(IDS[host])
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
        yield addresses
    finally:
        for process in started:  # only what this test started, by its pid
            process.terminate()
            process.wait(timeout=10)


def inventory(addresses, inventory_path):
    """The two simulated hosts as a cluster's inventory (not deployed: the plan only), one server each, the same
    health port on both, published on every address (the default)."""
    hosts = dict((host, {"ansible_host": address, "littlehorse_server_id_base": IDS[host] - 1,
                         "littlehorse_kafka_node_id": IDS[host] // 100}) for host, address in addresses.items())
    variables = {"littlehorse_prefix": "lhheal", "littlehorse_cluster_id": "lhheal",
                 "littlehorse_health_port_base": PORT, "littlehorse_standby_replicas": 1}
    with open(inventory_path) as handle:
        simulated_vars = yaml.safe_load(handle)["lhsim"]["vars"]
    variables.update(simulated_vars)
    return {"all": {"vars": variables, "hosts": hosts,
                    "children": {"kafka": {"hosts": {FIRST: None}},
                                 "littlehorse_servers": {"hosts": dict((h, None) for h in hosts)}}}}


def gate_play(out):
    gate = {"servers": None, "gate_for": "lhheal-server-201", "timeout": 20}
    return [{"hosts": SECOND, "gather_facts": False, "tasks": [
        {"name": "Plan", "ansible.builtin.set_fact": {
            "littlehorse_plan": "{{ groups | littlehorse.cluster.cluster_plan(hostvars) }}"}},
        {"name": "The gate as apply.yml calls it: the plan's probes for this host",
         "littlehorse.cluster.lh_server_info": dict(gate, servers="{{ littlehorse_plan.probes[inventory_hostname] }}"),
         "register": "fixed", "ignore_errors": True},
        {"name": "The gate as it was: every server at its own host's probe",
         "littlehorse.cluster.lh_server_info": dict(
             gate, servers="{{ littlehorse_plan.servers | map(attribute='probe') | list }}"),
         "register": "old", "ignore_errors": True},
        {"name": "save", "delegate_to": "localhost", "ansible.builtin.copy": {
            "content": "{{ {'fixed': fixed, 'old': old, 'probes': littlehorse_plan.probes} | to_json }}",
            "dest": out}, "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
    ]}]


def test_remote_engine_hosts_gate_reads_each_server_where_it_answers_as_itself(doubles, simulated_hosts):
    with tempfile.TemporaryDirectory() as tmp:
        paths = dict((name, os.path.join(tmp, name)) for name in ("inventory.yml", "play.yml", "out.json"))
        with open(paths["inventory.yml"], "w") as handle:
            yaml.safe_dump(inventory(doubles, simulated_hosts["inventory"]), handle)
        with open(paths["play.yml"], "w") as handle:
            yaml.safe_dump(gate_play(paths["out.json"]), handle)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
                   ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_HOST_KEY_CHECKING="False")
        env.pop("ANSIBLE_INVENTORY", None)
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                               paths["inventory.yml"], paths["play.yml"]], env=env, capture_output=True, text=True,
                              check=False, timeout=300)
        assert os.path.exists(paths["out.json"]), proc.stdout[-4000:] + proc.stderr[-2000:]
        with open(paths["out.json"]) as handle:
            result = json.load(handle)

    probes = dict((p["name"], p["host"]) for p in result["probes"][SECOND])
    assert probes == {"lhheal-server-101": doubles[FIRST], "lhheal-server-201": "127.0.0.1"}, probes
    fixed = result["fixed"]
    assert not fixed.get("failed"), fixed.get("msg")
    assert [(r["name"], r["host"], r["answered_as"], r["caught_up"]) for r in fixed["servers"]] == [
        ("lhheal-server-101", doubles[FIRST], "101", True), ("lhheal-server-201", "127.0.0.1", "201", True)]
    assert fixed["gate_opened_at_once"] is False  # it waited for (and saw) the other server caught up

    old = result["old"]
    assert old.get("failed"), "the gate opened on %s's own server read under %s's server's name: %s" % (
        SECOND, FIRST, old)
    assert [(r["host"], r["answered_as"]) for r in old["servers"]] == [("127.0.0.1", "201"), ("127.0.0.1", "201")]
    assert old["msg"].startswith("the health port of lhheal-server-101 answered as another server"), old["msg"]
    assert ("lhheal-server-101 (instance 101): its health port 127.0.0.1:%d answered as instance 201 "
            "(lhheal-server-201), another server" % PORT) in old["msg"], old["msg"]

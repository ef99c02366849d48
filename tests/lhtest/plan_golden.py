# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of every inventory in the repository, as site.yml computes it: the golden plans.

    python tests/lhtest/plan_golden.py [NAME ...]          (re)writes tests/unit/plan_golden/NAME.json (all by default)
    python tests/lhtest/plan_golden.py --print [NAME ...]  prints {NAME: plan} as JSON instead (tests/unit's test
                                                           runs it so, in a process of its own: Ansible's collection
                                                           loader must come before any import of the collection)

Each inventory goes through the plan tier's in-process path (tests/badinput/inprocess.py: Ansible's inventory and
variable managers, plan.yml's expression through the Templar to the real littlehorse.cluster.cluster_plan), with the
sources, extra variables, environment and Vault password its own runner gives ansible-playbook:

- inventories/local, inventories/seed, inventories/multi-host.example as they are;
- each Molecule scenario's inventory: molecule.yml's -i sources, the simulated hosts' inventory that
  tests/hosts/up.sh writes (/var/lib/lhsim/range-A-B/inventory.yml) made here with the addresses lib.sh gives them,
  multi-host's copy of the example made by its own make_inventory.py, the MOLECULE_* variables at fixed folders;
- the benchmarks (bench/run.sh): inventories/local with bench/local-vars.yml, the growth phase's copy of the example
  with bench/multi-vars.yml, bench/sustained.py's with bench/sustained-vars.yml;
- the bad-input baselines (tests/badinput/cases.py: baseline(), multi(3), multi(3, kafka=1)) and the package test's
  external Kafka over SSL with the user's stores (tests/package/run.sh's inventory, its paths fixed).

The repository's folder is written <ROOT> in the stored plans (each worktree has its own).
"""
import contextlib
import json
import os
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "tests", "unit", "plan_golden")
BADINPUT = os.path.join(ROOT, "tests", "badinput")
if BADINPUT not in sys.path:
    sys.path.insert(0, BADINPUT)

LHSIM_NET = "10.79.0"  # tests/hosts/lib.sh: lhsim_ip N is $LHSIM_NET.(10 + N)
FAKE_EPHEMERAL = "/tmp/plan-golden/molecule-ephemeral"


def _lhsim_inventory(first, last):
    """The inventory tests/hosts/up.sh writes for hosts lhsimFIRST..LAST (lib.sh's lhsim_inventory)."""
    return {"lhsim": {
        "hosts": dict(("lhsim%d" % n, {"ansible_host": "%s.%d" % (LHSIM_NET, 10 + n),
                                       "lhsim_docker_host": "unix:///run/lhsim-host%d/docker.sock" % n})
                      for n in range(first, last + 1)),
        "vars": {"ansible_connection": "ssh", "ansible_user": "root",
                 "ansible_ssh_private_key_file": "/var/lib/lhsim/id_ed25519",
                 "ansible_python_interpreter": "/usr/bin/python3"}}}


def _write(folder, name, data):
    path = os.path.join(folder, name)
    with open(path, "w") as handle:
        yaml.safe_dump(data, handle, default_flow_style=False, sort_keys=False)
    return path


def _example_copy(folder, name, *left_out):
    """molecule/multi-host/make_inventory.py's copy of inventories/multi-host.example on lhsim1-3."""
    sys.path.insert(0, os.path.join(ROOT, "molecule", "multi-host"))
    try:
        import make_inventory
    finally:
        sys.path.pop(0)
    lhsim = _write(folder, name + "-lhsim.yml", _lhsim_inventory(1, 3))
    out = os.path.join(folder, name + ".yml")
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        make_inventory.main(os.path.join(ROOT, "inventories", "multi-host.example", "hosts.yml"), lhsim, out,
                            *left_out)
    return out


def _vars_file(relative):
    return os.path.join(ROOT, relative)


def _package_inventory(folder):
    """tests/package/run.sh's inventory (an external Kafka over SSL with the user's PKCS12 stores), at fixed paths."""
    from lhtest.testbed import image, jvm_settings
    stores = "/tmp/plan-golden/lhpkg/stores/client"
    variables = {
        "ansible_connection": "local", "littlehorse_prefix": "lhpkg", "littlehorse_cluster_id": "lhpkg",
        "littlehorse_partitions": 3, "littlehorse_single_engine": True, "littlehorse_advertised_host": "127.0.0.1",
        "littlehorse_bind_address": "127.0.0.1", "littlehorse_server_count": 1, "littlehorse_server_id_base": 0,
        "littlehorse_standby_replicas": 0, "littlehorse_public_port_base": 39023,
        "littlehorse_internal_port_base": 39011, "littlehorse_health_port_base": 39822,
        "littlehorse_reserved_ports": [2024], "littlehorse_kafka_bootstrap_servers": "172.17.0.1:39192",
        "littlehorse_kafka_security_protocol": "SSL",
        "littlehorse_kafka_truststore_file": stores + "/truststore.p12",
        "littlehorse_kafka_truststore_password_file": stores + "/truststore.password",
        "littlehorse_kafka_keystore_file": stores + "/keystore.p12",
        "littlehorse_kafka_keystore_password": "not-a-secret-golden", "server_image": image("server_image"),
        "server_heap": "384m"}
    variables.update(jvm_settings())
    return _write(folder, "package.yml", {"all": {"vars": variables, "hosts": {"lhpkg1": None},
                                                  "children": {"littlehorse_servers": {"hosts": {"lhpkg1": None}}}}})


def _badinput(folder, name, inventory):
    from cases import write_inventory
    return write_inventory(inventory, os.path.join(folder, name + ".yml"))


def _molecule_env(scenario):
    return {"MOLECULE_PROJECT_DIRECTORY": ROOT, "MOLECULE_SCENARIO_DIRECTORY": os.path.join(ROOT, "molecule", scenario),
            "MOLECULE_EPHEMERAL_DIRECTORY": FAKE_EPHEMERAL}


def _local(*parts):
    return os.path.join(ROOT, *parts)


# name -> function(folder) -> (sources, extra_vars, env, vault_password_file)
def _sources():
    from cases import baseline, multi
    return {
        "local": lambda f: ([_local("inventories", "local", "hosts.yml")], None, {}, None),
        "seed": lambda f: ([_local("inventories", "seed")], None, {}, None),
        "multi-host.example": lambda f: ([_local("inventories", "multi-host.example", "hosts.yml")], None, {}, None),
        # The test bed's JMX exporter jar comes with its images (make images), after the engine-free gate: the plan
        # checks only that the file is there, so any file of the repository stands in for it.
        "molecule-default": lambda f: ([_local("inventories", "local", "hosts.yml"),
                                        _local("molecule", "default", "inventory", "hosts.yml")],
                                       [{"kafka_jmx_exporter_jar": _local("LICENSE")}], _molecule_env("default"), None),
        "molecule-seed": lambda f: ([_write(f, "lhsim-6-6.yml", _lhsim_inventory(6, 6)),
                                     _local("molecule", "seed", "inventory")], None, _molecule_env("seed"), None),
        "molecule-secure": lambda f: ([_write(f, "lhsim-4-5.yml", _lhsim_inventory(4, 5)),
                                       _local("molecule", "secure", "inventory")], None, _molecule_env("secure"),
                                      _local("molecule", "secure", "vault-password")),
        "molecule-multi-host": lambda f: ([_example_copy(f, "multi-host"), _local("molecule", "multi-host", "inventory")],
                                          None, _molecule_env("multi-host"), None),
        "bench-local": lambda f: ([_local("inventories", "local", "hosts.yml")], [_vars_file("bench/local-vars.yml")],
                                  {}, None),
        "bench-multi": lambda f: ([_example_copy(f, "bench-multi", "littlehorse_dashboard")],
                                  [_vars_file("bench/multi-vars.yml"), {"littlehorse_server_count": 2}], {}, None),
        "bench-sustained": lambda f: ([_example_copy(f, "bench-sustained", "littlehorse_dashboard",
                                                     "littlehorse_load_balancer")],
                                      [_vars_file("bench/sustained-vars.yml")], {}, None),
        "badinput-baseline": lambda f: ([_badinput(f, "baseline", baseline())], None, {}, None),
        "badinput-multi": lambda f: ([_badinput(f, "multi", multi(3))], None, {}, None),
        "badinput-multi-one-kafka": lambda f: ([_badinput(f, "multi1", multi(3, kafka=1))], None, {}, None),
        "package": lambda f: ([_package_inventory(f)], None, {}, None),
    }


def names():
    return sorted(_sources())


@contextlib.contextmanager
def _environment(env):
    saved = dict((key, os.environ.get(key)) for key in env)
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _plain(value):
    """The plan as JSON data (Ansible's str and dict subclasses as plain ones), the repository's folder as <ROOT>."""
    return json.loads(json.dumps(value, sort_keys=True).replace(ROOT, "<ROOT>"))


def compute(name):
    """The plan of inventory `name` (one of names()), as plain JSON data; raises when a step refuses it."""
    from inprocess import Passed, refusals
    with tempfile.TemporaryDirectory(prefix="plan-golden-") as folder:
        sources, extra_vars, env, vault = _sources()[name](folder)
        with _environment(env):
            outcome = refusals(sources, extra_vars=extra_vars, vault_password_file=vault)
    if not isinstance(outcome, Passed):
        raise AssertionError("%s: %r" % (name, outcome))
    return _plain(outcome.plan)


def golden_path(name):
    return os.path.join(GOLDEN, name + ".json")


def main(chosen):
    if chosen[:1] == ["--print"]:
        json.dump(dict((name, compute(name)) for name in chosen[1:] or names()), sys.stdout, sort_keys=True)
        return
    os.makedirs(GOLDEN, exist_ok=True)
    for name in chosen or names():
        with open(golden_path(name), "w") as handle:
            json.dump(compute(name), handle, indent=1, sort_keys=True)
            handle.write("\n")
        print("wrote %s" % golden_path(name))


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    sys.path.insert(0, os.path.join(ROOT, "build", "collections"))
    main(sys.argv[1:])

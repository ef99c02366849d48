# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of every inventory in the repository is the one stored in tests/unit/plan_golden (written from the code
before the plan became a package of phases, by tests/lhtest/plan_golden.py): a restructuring of the plan changes
none of it. The only differences allowed are the renames of RENAMES and the additions of ADDITIONS, each a documented change of
the plan's shape.

When a change of the plan is meant (a new key, a new default), rewrite the stored plans with
`python tests/lhtest/plan_golden.py` and let the diff of the JSON show what changed; a rename goes in RENAMES
instead, so that the stored plans keep proving that nothing else moved.
"""
import json
import os
import subprocess
import sys

import pytest

from lhtest.plan_golden import GOLDEN, golden_path, names

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lhtest", "plan_golden.py")

# (where, old key, new key, why): a key renamed in place. `where` is the dotted path of the dicts that hold it ("" the
# plan itself; "*" every item of a list or every value of a dict), e.g. ("servers.*", "health_host", "probe_host", ...).
RENAMES = ()

# (where, key, why): a key the plan has gained since the stored plans were written, left out of today's plan before
# the comparison (the stored plans keep proving that nothing they hold moved); `where` as in RENAMES.
ADDITIONS = (
    ("clients", "client", "the client settings of the client file's listener (issue 23: one owner per fact)"),
    ("clients.listeners.*", "client", "each listener's client settings, read by client_config and verify.yml"),
    ("", "secret_files", "the secrets given as files, which the preflight checks (was a list built in its Jinja)"),
    ("", "monitoring", "the Prometheus of the littlehorse_monitoring group (issue 24), none without one"),
    ("kafka.nodes.*", "metrics", "each Kafka node's JMX exporter (issue 24), none when off"),
    ("", "images", "the images the preflight's look checks on each host (issue 23: were facts each role published)"),
    ("", "members", "how a look recognises the cluster's containers the plan no longer has (issue 23: was the preflight's "
                    "Jinja; the server role's remove entry point reads it too)"),
    ("load_balancer", "options", "the load balancer's module options, one item of lh_load_balancer's instances (issue 23: "
                                 "were the role's Jinja)"),
    ("monitoring", "options", "Prometheus's module options, one item of lh_prometheus's instances (issue 23: were the "
                              "role's Jinja)"),
    ("kafka", "start_with_servers", "the servers start beside the cluster's own Kafka nodes, one wait for both (issue 25)"),
) + tuple((where, key, "an option the cluster shares, in each entry's module options (options.shared_options; issue 23: "
                       "the roles passed it from the plan's cluster part in Jinja)")
          for where, keys in (
              ("servers.*.options", ("network", "log_max_size", "log_max_files", "cluster_id", "kafka_bootstrap_servers",
                                     "partitions", "replication_factor", "standby_replicas", "kafka_security_protocol",
                                     "kafka_sasl_mechanism", "kafka_sasl_username", "oauth_introspect_url",
                                     "oauth_client_id")),
              ("kafka.nodes.*.options", ("network", "log_max_size", "log_max_files", "cluster_id", "sasl_mechanism",
                                         "sasl_username")),
              ("dashboard.options", ("network", "log_max_size", "log_max_files", "memory")))
          for key in keys)


def _holders(node, parts):
    if not parts:
        return [node] if isinstance(node, dict) else []
    head, rest = parts[0], parts[1:]
    if head == "*":
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        return [found for child in children for found in _holders(child, rest)]
    return _holders(node[head], rest) if isinstance(node, dict) and head in node else []


def _without(plan, where, key):
    for holder in _holders(plan, [part for part in where.split(".") if part]):
        holder.pop(key, None)
    return plan


def _renamed(plan, where, old, new):
    for holder in _holders(plan, [part for part in where.split(".") if part]):
        if old in holder:
            holder[new] = holder.pop(old)
    return plan


@pytest.fixture(scope="module")
def plans():
    """Today's plan of every inventory, computed in a process of its own (see plan_golden.py)."""
    done = subprocess.run([sys.executable, SCRIPT, "--print"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", names())
def test_the_plan_of_each_inventory_is_the_stored_one(name, plans):
    with open(golden_path(name)) as handle:
        stored = json.load(handle)
    for where, old, new, _why in RENAMES:
        stored = _renamed(stored, where, old, new)
    today = plans[name]
    for where, key, _why in ADDITIONS:
        today = _without(today, where, key)
    assert today == stored, (
        "the plan of %s differs from %s: run `python tests/lhtest/plan_golden.py %s` and read the diff (a rename goes "
        "in RENAMES)" % (name, golden_path(name), name))


def test_every_stored_plan_has_its_inventory():
    stored = sorted(f[:-len(".json")] for f in os.listdir(GOLDEN) if f.endswith(".json"))
    assert stored == names()

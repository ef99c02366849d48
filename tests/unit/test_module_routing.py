# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Old module names keep working: a playbook that names littlehorse.cluster.kafka_node (the module's name before it
took the collection's lh_ prefix) still parses, the task resolves to lh_kafka_node, and the run warns that the name
goes in 1.0.0 (meta/runtime.yml's plugin_routing)."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
PLAYBOOK = """
- name: An old playbook
  hosts: localhost
  gather_facts: false
  tasks:
    - name: A Kafka node by the module's old name
      %s:
        name: lhrl-never-run
        state: absent
"""


def syntax_check(tmp_path, module):
    path = tmp_path / "old.yml"
    path.write_text(PLAYBOOK % module)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
               ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_DEPRECATION_WARNINGS="true",
               ANSIBLE_NOCOLOR="1")
    return subprocess.run([ANSIBLE_PLAYBOOK, "--syntax-check", "-i", "localhost,", str(path)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_old_name_kafka_node_resolves_to_lh_kafka_node_with_a_deprecation(tmp_path):
    run = syntax_check(tmp_path, "littlehorse.cluster.kafka_node")
    assert run.returncode == 0, run.stdout + run.stderr
    said = " ".join((run.stdout + run.stderr).split())
    assert ("littlehorse.cluster.kafka_node has been deprecated. Use littlehorse.cluster.lh_kafka_node instead" in said
            and "removed from collection 'littlehorse.cluster' version 1.0.0" in said), said


@pytest.mark.parametrize("module", ["littlehorse.cluster.lh_kafka_node", "littlehorse.cluster.no_such_module"])
def test_the_new_name_parses_and_an_unknown_name_does_not(tmp_path, module):
    run = syntax_check(tmp_path, module)
    said = run.stdout + run.stderr
    if module.endswith("no_such_module"):
        assert run.returncode != 0, said
        assert "couldn't resolve module/action 'littlehorse.cluster.no_such_module'" in said, said
    else:
        assert run.returncode == 0 and "deprecated" not in said, said

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules files read for lh_prometheus's rules option: {name, groups}, the role's own found in its files folder, read as
they are (their Prometheus templates untouched)."""
import os

import pytest
import yaml

from ansible.errors import AnsibleLookupError
from ansible_collections.littlehorse.cluster.plugins.lookup.prometheus_rules import LookupModule

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
ALERTS = os.path.join(ROOT, "roles", "monitoring", "files", "littlehorse-alerts.yml")


class InTheRolesFiles(LookupModule):
    def find_file_in_search_path(self, myvars, subdir, needle, ignore_missing=False):
        found = os.path.join(ROOT, "roles", "monitoring", subdir, needle)
        return found if os.path.exists(found) else None


def test_the_roles_alerts_and_a_file_of_ones_own_each_give_their_name_and_groups(tmp_path):
    mine = tmp_path / "mine.yml"
    mine.write_text("groups:\n  - name: mine\n    rules:\n      - alert: Mine\n        expr: up == 0\n"
                    "        annotations: {summary: '{{ $labels.container }} is down'}\n")
    rules = InTheRolesFiles().run(["littlehorse-alerts.yml", str(mine)], variables={})
    with open(ALERTS) as handle:
        assert rules[0] == {"name": "littlehorse-alerts.yml", "groups": yaml.safe_load(handle)["groups"]}
    assert rules[1]["name"] == "mine.yml"
    assert rules[1]["groups"][0]["rules"][0]["annotations"]["summary"] == "{{ $labels.container }} is down"


def test_a_missing_file_or_one_without_groups_is_named(tmp_path):
    with pytest.raises(AnsibleLookupError, match="nowhere.yml is not in the files folders of the role or playbook"):
        InTheRolesFiles().run(["nowhere.yml"], variables={})
    with pytest.raises(AnsibleLookupError, match="cannot be read"):
        InTheRolesFiles().run([str(tmp_path / "gone.yml")], variables={})
    (tmp_path / "empty.yml").write_text("rules: []\n")
    with pytest.raises(AnsibleLookupError, match="is no Prometheus rules file"):
        InTheRolesFiles().run([str(tmp_path / "empty.yml")], variables={})
    with pytest.raises(AnsibleLookupError, match="takes no options"):
        InTheRolesFiles().run([], variables={}, other=1)

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one choice of a secret's form: its file on the controller when the plan names one, else the inline value."""
import pytest
from ansible.errors import AnsibleLookupError

from ansible_collections.littlehorse.cluster.plugins.lookup.secret import LookupModule


def test_the_file_when_the_plan_names_one_else_the_inline_value(tmp_path):
    path = tmp_path / "secret"
    path.write_text("s3cret\n")
    assert LookupModule().run([str(path)], inline="ignored") == ["s3cret"]
    assert LookupModule().run([None], inline="vaulted") == ["vaulted"]
    assert LookupModule().run([""], inline="vaulted") == ["vaulted"]
    assert LookupModule().run([None]) == [None]


def test_a_file_that_cannot_be_read_names_its_path_and_the_fix(tmp_path):
    with pytest.raises(AnsibleLookupError) as error:
        LookupModule().run([str(tmp_path / "missing")])
    assert str(tmp_path / "missing") in str(error.value) and "Ansible Vault variable" in str(error.value)
    with pytest.raises(AnsibleLookupError):
        LookupModule().run([None], other=1)

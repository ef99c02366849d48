# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""user_ca_problems (plugins/filter/pki.py): the preflight's check of the user's CA, on the plan."""
import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.littlehorse.cluster.plugins.filter.pki import user_ca_problems
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki

TLS = [{"name": "PLAIN"}, {"name": "SECURE", "protocol": "TLS", "port_offset": 2}]


def plan(**extra):
    groups = {"kafka": ["h1"], "littlehorse_servers": ["h1", "h2"]}
    hostvars = {"h1": dict({"ansible_host": "10.0.0.1", "littlehorse_server_id_base": 100}, **extra),
                "h2": dict({"ansible_host": "10.0.0.2", "littlehorse_server_id_base": 200}, **extra)}
    return cluster_plan(groups, hostvars)


def test_a_good_ca_and_no_ca_have_no_problem(tmp_path):
    ca, key = _pki.create_ca("users CA", 100)
    (tmp_path / "ca.crt").write_bytes(_pki.cert_pem(ca))
    (tmp_path / "ca.key").write_bytes(_pki.key_pem(key))
    files = dict(littlehorse_ca_cert_file=str(tmp_path / "ca.crt"), littlehorse_ca_key_file=str(tmp_path / "ca.key"))
    assert user_ca_problems(plan(littlehorse_listeners=TLS, **files)) == []
    assert user_ca_problems(plan(littlehorse_listeners=TLS)) == []


def test_problems_name_the_first_host_and_the_setting(tmp_path):
    files = dict(littlehorse_ca_cert_file=str(tmp_path / "nowhere.crt"), littlehorse_ca_key_file=str(tmp_path / "k"))
    (tmp_path / "k").write_bytes(_pki.key_pem(_pki.new_key()))
    problems = user_ca_problems(plan(littlehorse_listeners=TLS, **files))
    assert problems == ["host h1: littlehorse_ca_cert_file: %s cannot be read on the controller (No such file or "
                        "directory); give the path, on the controller (where ansible-playbook runs), of your CA's "
                        "certificate (PEM), readable by the user that runs ansible-playbook" % (tmp_path / "nowhere.crt")]
    # TLS is on for the internal port of servers on two hosts, even without a TLS listener
    assert len(user_ca_problems(plan(**files))) == 1
    # without TLS the files are not used, so not read
    assert user_ca_problems(plan(littlehorse_internal_tls=False, **files)) == []


def test_only_the_plan_is_taken():
    with pytest.raises(AnsibleFilterError, match="littlehorse_plan | littlehorse.cluster.user_ca_problems"):
        user_ca_problems({"servers": []})

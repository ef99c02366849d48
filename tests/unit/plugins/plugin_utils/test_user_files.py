# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of plugins/plugin_utils/user_files.py (the lookup user_file_problems runs them in the preflight): the
user's CA, the servers' certificates the user gives, the secrets given as files and the SASL password in its file, on
the plan."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.plugin_utils.user_files import (
    kafka_sasl_problems, pki_problems, secret_file_problems, server_cert_problems, user_ca_problems)
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


def users_pki(tmp_path, h2_names=("10.0.0.2",)):
    """The user's CA (ca.crt alone) and a certificate of h2's server (h2.crt, h2.key) with h2_names as its IP SANs."""
    ca, ca_key = _pki.create_ca("users CA", 100)
    key = _pki.new_key()
    (tmp_path / "ca.crt").write_bytes(_pki.cert_pem(ca))
    (tmp_path / "h2.crt").write_bytes(_pki.cert_pem(_pki.issue(ca, ca_key, key, "h2", [], h2_names, days=10)))
    (tmp_path / "h2.key").write_bytes(_pki.key_pem(key))


def given_on_h2(tmp_path, **extra):
    """The plan of plan() with h2's own certificate (h2.crt, h2.key in tmp_path)."""
    groups = {"kafka": ["h1"], "littlehorse_servers": ["h1", "h2"]}
    hostvars = {"h1": dict({"ansible_host": "10.0.0.1", "littlehorse_server_id_base": 100}, **extra),
                "h2": dict({"ansible_host": "10.0.0.2", "littlehorse_server_id_base": 200,
                            "littlehorse_server_cert_file": str(tmp_path / "h2.crt"),
                            "littlehorse_server_key_file": str(tmp_path / "h2.key")}, **extra)}
    return cluster_plan(groups, hostvars)


def test_a_good_given_certificate_has_no_problem(tmp_path):
    users_pki(tmp_path)
    # h1's certificate is issued: the CA's key is named (the plan does not read it)
    assert server_cert_problems(given_on_h2(tmp_path, littlehorse_listeners=TLS, littlehorse_ca_cert_file=str(
        tmp_path / "ca.crt"), littlehorse_ca_key_file=str(tmp_path / "ca.key"))) == []
    # no given certificate: nothing to say
    assert server_cert_problems(plan(littlehorse_listeners=TLS)) == []


def test_a_given_certificate_that_misses_a_name_is_named_with_its_host(tmp_path):
    users_pki(tmp_path, h2_names=("10.0.0.9",))
    plan = given_on_h2(tmp_path, littlehorse_listeners=TLS,
                       littlehorse_ca_cert_file=str(tmp_path / "ca.crt"),
                       littlehorse_ca_key_file=str(tmp_path / "ca.key"))
    problems = server_cert_problems(plan)
    assert len(problems) == 1
    assert problems[0].startswith(
        "host h2: littlehorse_server_cert_file: %s does not cover 10.0.0.2 (the advertised host of lh-server-201's "
        "listener SECURE; lh-server-201's internal advertised host, for the other servers): its subject alternative "
        "names are IP:10.0.0.9; issue it again" % (tmp_path / "h2.crt"))


def test_a_ca_that_cannot_be_read_is_user_ca_problems_alone(tmp_path):
    users_pki(tmp_path)
    plan = given_on_h2(tmp_path, littlehorse_listeners=TLS,
                       littlehorse_ca_cert_file=str(tmp_path / "nowhere.crt"),
                       littlehorse_ca_key_file=str(tmp_path / "ca.key"))
    assert server_cert_problems(plan) == []
    assert [p.split(" cannot be read")[0] for p in user_ca_problems(plan)] == [
        "host h1: littlehorse_ca_cert_file: %s" % (tmp_path / "nowhere.crt"),
        "host h1: littlehorse_ca_key_file: %s" % (tmp_path / "ca.key")]


# ---- kafka_sasl_problems: the SASL password given as a file, by the JAAS login's rule

def sasl_plan(path):
    return plan(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password_file=str(path))


@pytest.mark.parametrize("password", ['pw"1', "pw;1", "pw\\1", "pw\n1"])
def test_a_sasl_password_file_the_jaas_line_cannot_quote_is_refused_naming_the_file(tmp_path, password):
    (tmp_path / "kafka.pw").write_text(password + "\n")
    problems = kafka_sasl_problems(sasl_plan(tmp_path / "kafka.pw"))
    assert problems == ["host h1: littlehorse_kafka_sasl_password_file '%s': holds a character a JAAS configuration "
                        "cannot quote (\", \\, ';' or a line break); choose a password without them for "
                        "littlehorse_kafka_sasl_username and put it in that file alone (on an external Kafka, change "
                        "it there too)" % (tmp_path / "kafka.pw")]


def test_a_good_sasl_password_file_its_newline_dropped_and_no_file_have_no_problem(tmp_path):
    (tmp_path / "kafka.pw").write_text("p@ss w0rd='x'$!\n")
    assert kafka_sasl_problems(sasl_plan(tmp_path / "kafka.pw")) == []
    assert kafka_sasl_problems(sasl_plan(tmp_path / "missing.pw")) == [], "the secret-file check reports it"
    assert kafka_sasl_problems(plan()) == []


def test_pki_problems_are_the_cas_then_the_given_certificates(tmp_path):
    users_pki(tmp_path, h2_names=("10.0.0.9",))
    given = given_on_h2(tmp_path, littlehorse_listeners=TLS, littlehorse_ca_cert_file=str(tmp_path / "ca.crt"),
                        littlehorse_ca_key_file=str(tmp_path / "missing.key"))
    problems = pki_problems(given)
    assert problems == user_ca_problems(given) + server_cert_problems(given) and len(problems) == 2
    assert problems[0].startswith("host h1: littlehorse_ca_key_file: ") and problems[1].startswith("host h2: ")


def test_a_secret_file_that_is_not_a_file_is_named_with_the_vault_variable_to_give_instead(tmp_path):
    (tmp_path / "kafka.pw").write_text("pw\n")
    assert secret_file_problems(sasl_plan(tmp_path / "kafka.pw")) == []
    assert secret_file_problems(sasl_plan(tmp_path)) == [
        "host h1: littlehorse_kafka_sasl_password_file '%s' is not a file on the controller; put the password of "
        "littlehorse_kafka_sasl_username in that file (alone), or give it as littlehorse_kafka_sasl_password (an "
        "Ansible Vault variable) instead" % tmp_path]
    assert secret_file_problems(plan()) == []

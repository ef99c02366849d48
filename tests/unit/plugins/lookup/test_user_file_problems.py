# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight's checks of the files the inventory gives on the controller, through the lookup: the checks in the
order of the terms, the first with problems answers, and a store's password read by the lookup itself (its file, else
its Vault variable in the task's variables), never passed in."""
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.lookup.user_file_problems import LookupModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki

EXTERNAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 2,
            "littlehorse_kafka_bootstrap_servers": "kafka.example:9093", "littlehorse_kafka_security_protocol": "SSL"}
ALL = ("pki", "secret_files", "kafka_sasl_password", "kafka_stores")


def lookup(terms, plan, variables=None):
    loader = DataLoader()
    return LookupModule(loader=loader, templar=Templar(loader=loader, variables=variables or {})).run(
        list(terms), variables=variables or {}, plan=plan)


def truststore(password):
    return pkcs12.serialize_java_truststore(
        [pkcs12.PKCS12Certificate(_pki.create_ca("kafka CA", 10)[0], b"kafka-ca")],
        serialization.BestAvailableEncryption(password))


def external_plan(tmp_path, **extra):
    (tmp_path / "trust.p12").write_bytes(truststore(b"ts-pw"))
    settings = dict(EXTERNAL, littlehorse_kafka_truststore_file=str(tmp_path / "trust.p12"), **extra)
    if "littlehorse_kafka_truststore_password_file" not in settings:
        settings["littlehorse_kafka_truststore_password"] = "in-the-plan-check-only"
    return cluster_plan({"littlehorse_servers": ["local"]}, {"local": settings})


def local_plan():
    return cluster_plan({"kafka": ["local"], "littlehorse_servers": ["local"]}, {"local": {"littlehorse_server_count": 2}})


def test_a_stores_inline_password_is_read_from_the_tasks_variables_not_passed_in(tmp_path):
    plan = external_plan(tmp_path)
    assert "ts-pw" not in repr(plan) and "in-the-plan-check-only" not in repr(plan)
    assert lookup(ALL, plan, {"littlehorse_kafka_truststore_password": "ts-pw"}) == []
    # a variable of the inventory that is a template of another is templated, as the roles' lookups see it
    assert lookup(["kafka_stores"], plan, {"littlehorse_kafka_truststore_password": trust_as_template("{{ vaulted }}"),
                                           "vaulted": "ts-pw"}) == []
    problems = lookup(["kafka_stores"], plan, {"littlehorse_kafka_truststore_password": "not-it"})
    assert problems == [
        "host local: littlehorse_kafka_truststore_file: %s does not open with the password given in "
        "littlehorse_kafka_truststore_password (or littlehorse_kafka_truststore_password_file): the password is wrong "
        "or the store is damaged; give the store's password" % (tmp_path / "trust.p12")]
    assert "not-it" not in repr(problems)


def test_a_stores_password_file_wins_and_a_missing_one_is_the_secret_files_problem(tmp_path):
    plan = external_plan(tmp_path, littlehorse_kafka_truststore_password_file=str(tmp_path / "trust.pw"))
    (tmp_path / "trust.pw").write_text("ts-pw\n")
    assert lookup(ALL, plan, {"littlehorse_kafka_truststore_password": "ignored"}) == []
    (tmp_path / "trust.pw").unlink()
    # the first check with problems answers: the secret files', not the store's own reading of the file
    assert lookup(ALL, plan) == [
        "host local: littlehorse_kafka_truststore_password_file '%s' is not a file on the controller; put the password "
        "of littlehorse_kafka_truststore_file in that file (alone), or give it as littlehorse_kafka_truststore_password "
        "(an Ansible Vault variable) instead" % (tmp_path / "trust.pw")]
    assert lookup(["kafka_stores"], plan)[0].startswith(
        "host local: littlehorse_kafka_truststore_password_file: %s cannot be read on the controller" % (
            tmp_path / "trust.pw"))


def test_nothing_to_check_is_no_problem():
    assert lookup(ALL, local_plan()) == []


@pytest.mark.parametrize("terms,kwargs,words", [
    (["kafka_stores"], {}, "give the cluster plan as plan=littlehorse_plan"),
    (["kafka_stores"], {"plan": {"servers": []}}, "give the cluster plan as plan=littlehorse_plan"),
    (["stores"], None, "the terms are the checks to run, of kafka_sasl_password, kafka_stores, pki, secret_files; "
                       "not stores"),
    ([], None, "not none"),
    (["pki"], {"other": 1}, "takes the option plan only, not other"),
])
def test_wrong_calls_are_refused_naming_the_fix(terms, kwargs, words):
    if kwargs is None or "other" in kwargs:
        kwargs = dict(kwargs or {}, plan=local_plan())
    with pytest.raises(AnsibleLookupError, match=words.replace("(", r"\(").replace(")", r"\)")):
        LookupModule().run(terms, variables={}, **kwargs)

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user's PKCS12 stores for an external Kafka in the plan (kafka_stores) and the preflight's check of them
(the lookup user_file_problems' kafka_stores, module_utils/_pki.check_store)."""
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from test_plan_security import refused, three_hosts

from ansible_collections.littlehorse.cluster.plugins.plugin_utils.user_files import kafka_store_problems
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki

EXTERNAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 2,
            "littlehorse_kafka_bootstrap_servers": "kafka.example:9093"}
MTLS = {"littlehorse_kafka_security_protocol": "SSL", "littlehorse_kafka_truststore_file": "/srv/kafka/trust.p12",
        "littlehorse_kafka_truststore_password": "trust-pw", "littlehorse_kafka_keystore_file": "~/kafka/client.p12",
        "littlehorse_kafka_keystore_password_file": "/srv/kafka/client.pw"}


def external(**extra):
    return {"littlehorse_servers": ["local"]}, {"local": dict(EXTERNAL, **extra)}


def test_the_users_stores_go_to_every_server_with_their_passwords_named_not_given():
    plan = cluster_plan(*external(**MTLS))
    assert plan["kafka"]["stores"] == {
        "truststore": {"file": "/srv/kafka/trust.p12", "path": "/etc/littlehorse/lh/kafka/truststore.p12",
                       "password_inline": True, "password_file": None},
        "keystore": {"file": "~/kafka/client.p12", "path": "/etc/littlehorse/lh/kafka/keystore.p12",
                     "password_inline": False, "password_file": "/srv/kafka/client.pw"}}
    for server in plan["servers"]:
        assert server["options"]["kafka_truststore_file"] == "/etc/littlehorse/lh/kafka/truststore.p12"
        assert server["options"]["kafka_keystore_file"] == "/etc/littlehorse/lh/kafka/keystore.p12"
    assert not plan["tls"]["enabled"], "the cluster's CA is not needed for them"
    assert "trust-pw" not in repr(plan)


def test_a_truststore_alone_over_sasl_ssl_and_nothing_without_stores():
    plan = cluster_plan(*external(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password="p",
                                  littlehorse_kafka_truststore_file="/t.p12",
                                  littlehorse_kafka_truststore_password_file="/t.pw"))
    assert plan["kafka"]["stores"]["keystore"] is None
    assert plan["servers"][0]["kafka_tls"] == {"kafka_truststore_file": "/etc/littlehorse/lh/kafka/truststore.p12"}
    plan = cluster_plan(*external(littlehorse_kafka_security_protocol="SSL"))
    assert plan["kafka"]["stores"] == {"truststore": None, "keystore": None}
    assert plan["servers"][0]["kafka_tls"] is None, "the JVM's default trust"


def test_the_own_kafkas_stores_are_lh_pkis_with_its_password():
    plan = cluster_plan(*three_hosts(littlehorse_kafka_security_protocol="SSL"))
    password = "~/.local/share/littlehorse/lh/pki/stores.password"
    assert plan["kafka"]["stores"] == {
        "truststore": {"file": None, "path": "/etc/littlehorse/lh/tls/truststore.p12", "password_inline": False,
                       "password_file": password},
        "keystore": {"file": None, "path": None, "password_inline": False, "password_file": password}}


@pytest.mark.parametrize("extra,words", [
    (dict(littlehorse_kafka_truststore_file="/t.p12", littlehorse_kafka_truststore_password="x"),
     "host local: littlehorse_kafka_truststore_file is set but littlehorse_kafka_security_protocol is PLAINTEXT"),
    (dict(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password="p",
          littlehorse_kafka_keystore_file="/k.p12", littlehorse_kafka_keystore_password="x"),
     "littlehorse_kafka_keystore_file is set but littlehorse_kafka_security_protocol is SASL_SSL"),
    (dict(littlehorse_kafka_security_protocol="SSL", littlehorse_kafka_keystore_password="x"),
     "littlehorse_kafka_keystore_password is set but littlehorse_kafka_keystore_file is not"),
    (dict(littlehorse_kafka_security_protocol="SSL", littlehorse_kafka_truststore_file="/t.p12"),
     "littlehorse_kafka_truststore_file needs the password of littlehorse_kafka_truststore_file, and neither "
     "littlehorse_kafka_truststore_password nor littlehorse_kafka_truststore_password_file is set"),
    (dict(littlehorse_kafka_security_protocol="SSL", littlehorse_kafka_truststore_file="/t.p12",
          littlehorse_kafka_truststore_password="x", littlehorse_kafka_truststore_password_file="/x"),
     "give the password of littlehorse_kafka_truststore_file one way only"),
    (dict(littlehorse_kafka_security_protocol="SSL", littlehorse_kafka_truststore_file="t.p12",
          littlehorse_kafka_truststore_password="x"),
     "littlehorse_kafka_truststore_file 't.p12' is not an absolute path"),
])
def test_refusals(extra, words):
    refused(*external(**extra), words)


def test_stores_with_the_collections_own_kafka_nodes_are_refused():
    message = refused(*three_hosts(littlehorse_kafka_security_protocol="SSL", littlehorse_kafka_truststore_file="/t.p12",
                                   littlehorse_kafka_truststore_password="x"))
    assert message == ("host h1: littlehorse_kafka_truststore_file is for an external Kafka "
                       "(littlehorse_kafka_bootstrap_servers); the collection's Kafka nodes (group 'kafka') are "
                       "reached with the cluster's CA, whose stores the collection makes itself; remove "
                       "littlehorse_kafka_truststore_file, littlehorse_kafka_truststore_password")


# ---- the stores themselves


def _client():
    ca, ca_key = _pki.create_ca("kafka CA", 30)
    key = _pki.new_key()
    return ca, key, _pki.issue(ca, ca_key, key, "lh-client", usages=("client",))


def _encryption(password):
    return serialization.BestAvailableEncryption(password)


def keystore(password=b"ks-pw"):
    ca, key, cert = _client()
    return pkcs12.serialize_key_and_certificates(b"client", key, cert, [ca], _encryption(password))


def truststore(password=b"ts-pw", certs=True):
    ca = _client()[0]
    if not certs:  # a store with a key and no certificate at all
        return pkcs12.serialize_key_and_certificates(b"k", _pki.new_key(), None, None, _encryption(password))
    return pkcs12.serialize_java_truststore([pkcs12.PKCS12Certificate(ca, b"ca")], _encryption(password))


def test_good_stores_have_no_problem():
    assert _pki.check_store(keystore(), "ks-pw", "keystore", "s", "/k.p12") == []
    assert _pki.check_store(truststore(), "ts-pw", "truststore", "s", "/t.p12") == []


def test_each_bad_store_is_named_with_the_fix():
    setting = "littlehorse_kafka_keystore_file"
    jks = b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + b"\x00" * 40
    assert _pki.check_store(jks, "pw", "keystore", setting, "/srv/client.jks") == [
        "littlehorse_kafka_keystore_file: /srv/client.jks is a JKS keystore, and the LittleHorse server reads PKCS12 "
        "stores only; convert it with 'keytool -importkeystore -srckeystore /srv/client.jks -srcstoretype JKS "
        "-destkeystore /srv/client.p12 -deststoretype PKCS12' and set littlehorse_kafka_keystore_file to "
        "/srv/client.p12"]
    # never the file itself as the converted store's name
    converted = _pki.check_store(jks, "pw", "keystore", setting, "/srv/client.p12")[0]
    assert "-destkeystore /srv/client-pkcs12.p12 " in converted
    pem = _pki.cert_pem(_client()[0])
    assert "is PEM text, not a PKCS12 store" in _pki.check_store(pem, "pw", "truststore", setting, "/ca.pem")[0]
    assert _pki.check_store(keystore(), "wrong", "keystore", setting, "/k.p12") == [
        "littlehorse_kafka_keystore_file: /k.p12 does not open with the password given in "
        "littlehorse_kafka_keystore_password (or littlehorse_kafka_keystore_password_file): the password is wrong or "
        "the store is damaged; give the store's password"]
    assert "is not a PKCS12 store" in _pki.check_store(b"garbage", "pw", "keystore", setting, "/k.p12")[0]
    assert "holds no private key with its certificate" in _pki.check_store(
        truststore(b"pw"), "pw", "keystore", setting, "/k.p12")[0]
    assert "holds no certificate" in _pki.check_store(
        truststore(b"pw", certs=False), "pw", "truststore", setting, "/t.p12")[0]


def test_the_check_reads_the_files_and_password_files_and_names_the_first_host(tmp_path):
    (tmp_path / "trust.p12").write_bytes(truststore())
    (tmp_path / "client.p12").write_bytes(keystore())
    (tmp_path / "client.pw").write_text("ks-pw\n")
    settings = dict(MTLS)
    settings.update(littlehorse_kafka_truststore_file=str(tmp_path / "trust.p12"),
                    littlehorse_kafka_keystore_file=str(tmp_path / "client.p12"),
                    littlehorse_kafka_keystore_password_file=str(tmp_path / "client.pw"))
    plan = cluster_plan(*external(**settings))
    # the keystore's password comes from its file, whatever the inline value
    assert kafka_store_problems(plan, {"truststore": "ts-pw", "keystore": "ignored"}) == []
    problems = kafka_store_problems(plan, {"truststore": "not-it"})
    assert len(problems) == 1 and problems[0].startswith("host local: littlehorse_kafka_truststore_file: ")
    assert "not-it" not in problems[0]
    (tmp_path / "client.pw").unlink()
    assert kafka_store_problems(plan, {"truststore": "ts-pw"}) == [
        "host local: littlehorse_kafka_keystore_password_file: %s cannot be read on the controller (No such file or "
        "directory); put the password of littlehorse_kafka_keystore_file in it (alone)" % (tmp_path / "client.pw")]
    (tmp_path / "client.pw").write_text("ks-pw\n")
    (tmp_path / "client.p12").unlink()
    assert "cannot be read on the controller (No such file or directory)" in kafka_store_problems(
        plan, {"truststore": "ts-pw"})[0]
    assert kafka_store_problems(cluster_plan(*external()), {}) == []


def test_the_pkcs12_structure_is_told_from_other_der():
    assert _pki._pkcs12_structure(keystore())
    assert not _pki._pkcs12_structure(_client()[0].public_bytes(serialization.Encoding.DER))

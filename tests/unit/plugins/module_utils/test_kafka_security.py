# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""lh_kafka_node's SSL and SASL settings: stores mounted, secrets in a file the image reads, never in the env."""
import os

import pytest

from test_models import kafka_params, listener

from ansible_collections.littlehorse.cluster.plugins.module_utils import _kafka_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def secured(tmp_path, **given):
    stores = {}
    for name in ("keystore", "truststore"):
        path = tmp_path / ("%s.p12" % name)
        path.write_bytes(b"p12")
        stores["ssl_%s_file" % name] = str(path)
    values = dict(stores, ssl_store_password="store-pw-1", sasl_mechanism="PLAIN", sasl_username="lh",
                  sasl_password="sasl-pw-2", secrets_dir=str(tmp_path / "secrets"), secrets_owner=os.getuid(),
                  tools_listener_name="LOCAL",
                  listeners=[listener("SASL_SSL", 9092, protocol="SASL_SSL", advertised_host="k1"),
                             listener("CONTROLLER", 9093, protocol="SSL"),
                             listener("LOCAL", 9094, bind_host="127.0.0.1", advertised_host="localhost")])
    values.update(given)
    return kafka_params(**values)


def test_secured_node_env_names_the_stores_and_holds_no_secret(tmp_path):
    spec, extra = _kafka_config.build_spec(secured(tmp_path))
    env = spec.env
    assert env["KAFKA_SSL_KEYSTORE_LOCATION"] == "/etc/kafka/secrets/keystore.p12"
    assert env["KAFKA_SSL_TRUSTSTORE_TYPE"] == "PKCS12"
    assert env["KAFKA_LISTENER_NAME_CONTROLLER_SSL_CLIENT_AUTH"] == "required"
    assert env["KAFKA_SASL_ENABLED_MECHANISMS"] == "PLAIN"
    assert env["KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL"] == "PLAIN"
    assert env["KAFKA_LISTENERS"] == "SASL_SSL://:9092,CONTROLLER://:9093,LOCAL://127.0.0.1:9094"
    assert "store-pw-1" not in repr(env) and "sasl-pw-2" not in repr(env)
    secrets_file = os.path.join(str(tmp_path / "secrets"), "server.properties")
    assert extra["files_written"] == [secrets_file]
    text = open(secrets_file).read()
    assert "ssl.truststore.password=store-pw-1\n" in text
    assert ('listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule '
            'required username="lh" password="sasl-pw-2" user_lh="sasl-pw-2";\n') in text
    assert oct(os.stat(secrets_file).st_mode & 0o777) == "0o600"
    mounts = dict((m.target, m.host_path) for m in spec.mounts)
    assert mounts["/mnt/shared/config/server.properties"] == secrets_file
    assert mounts["/etc/kafka/secrets/truststore.p12"] == str(tmp_path / "truststore.p12")
    _spec, again = _kafka_config.build_spec(secured(tmp_path))
    assert again["files_written"] == [], "an unchanged secrets file is not written again"


def test_the_rolling_gate_tools_use_the_loopback_listener(tmp_path):
    params = secured(tmp_path)
    assert _kafka_config.tools_port(params) == 9094
    assert _kafka_config.health_port(params) == 9092


@pytest.mark.parametrize("given, words", [
    (dict(ssl_keystore_file=None, sasl_mechanism=None, sasl_username=None, sasl_password=None,
          listeners=[listener("PLAINTEXT", 9092, advertised_host="k1"), listener("CONTROLLER", 9093)],
          tools_listener_name=None), "give all three or none"),
    (dict(ssl_keystore_file=None, ssl_truststore_file=None, ssl_store_password=None), "needs ssl_keystore_file"),
    (dict(sasl_password=None), "a SASL listener needs"),
    (dict(sasl_password='a"b'), "sasl_password: holds a character"),
    (dict(tools_listener_name="SASL_SSL"), "is not a PLAINTEXT listener"),
    (dict(sasl_mechanism="SCRAM-SHA-512", sasl_password="a,b"), "which Kafka's SCRAM credential settings cannot take"),
    (dict(sasl_mechanism="SCRAM-SHA-256", tools_listener_name=None), "SCRAM-SHA-256 needs tools_listener_name"),
])
def test_refusals(tmp_path, given, words):
    with pytest.raises(LHClusterError) as error:
        _kafka_config.render_env(secured(tmp_path, **given))
    assert words in str(error.value)


def test_a_scram_node_logs_in_with_scram_and_sets_its_users_credential_from_a_mounted_file(tmp_path):
    spec, extra = _kafka_config.build_spec(secured(tmp_path, sasl_mechanism="SCRAM-SHA-512", sasl_password="p=w:x"))
    assert spec.env["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert spec.env["KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL"] == "SCRAM-SHA-512"
    folder = str(tmp_path / "secrets")
    text = open(os.path.join(folder, "server.properties")).read()
    assert ('listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.'
            'ScramLoginModule required username="lh" password="p=w:x";\n') in text
    assert "user_lh" not in text, "SCRAM users live in the cluster's metadata, not in the JAAS login"
    credential = os.path.join(folder, "scram-credential.properties")
    assert open(credential).read() == "SCRAM-SHA-512=password=p=w:x\n"
    assert oct(os.stat(credential).st_mode & 0o777) == "0o600" and credential in extra["files_written"]
    mounts = dict((m.target, m.host_path) for m in spec.mounts)
    assert mounts["/etc/kafka/secrets/scram-credential.properties"] == credential
    calls = []

    def run(argv):
        calls.append(argv)
        return 0, "Completed updating config for user lh."
    assert spec.after_start(run) == (True, "the SCRAM credential of lh is set")
    command = calls[0][calls[0].index("kafka.admin.ConfigCommand"):]
    assert command == ["kafka.admin.ConfigCommand", "--bootstrap-server", "localhost:9094", "--alter", "--entity-type",
                       "users", "--entity-name", "lh", "--add-config-file",
                       "/etc/kafka/secrets/scram-credential.properties"]
    assert "p=w" not in repr(calls), "the password is never on a command line"
    assert spec.after_start(lambda argv: (1, "Error: timed out\n")) == (
        False, "setting the SCRAM credential of lh failed: Error: timed out")


def test_a_plain_node_has_nothing_to_set_up(tmp_path):
    spec, extra = _kafka_config.build_spec(secured(tmp_path))
    assert spec.after_start is None
    assert not os.path.exists(str(tmp_path / "secrets" / "scram-credential.properties"))

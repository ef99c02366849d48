# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The JAAS login line (module_utils/_sasl.py) that lh_kafka_node and lh_server build, and the characters it refuses."""
import os

import pytest

from test_models import server_params

from ansible_collections.littlehorse.cluster.plugins.module_utils import _server_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._sasl import check_jaas_value, jaas_config

PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule"
SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"


@pytest.mark.parametrize("mechanism,module", [("PLAIN", PLAIN_MODULE), ("SCRAM-SHA-256", SCRAM_MODULE),
                                              ("SCRAM-SHA-512", SCRAM_MODULE)])
def test_the_line_logs_in_with_the_mechanisms_module(mechanism, module):
    assert jaas_config(mechanism, "lh", "pw-1") == '%s required username="lh" password="pw-1";' % module


def test_a_plain_broker_line_lists_the_users_it_checks_logins_against():
    assert jaas_config("PLAIN", "lh", "pw-1", users=[("lh", "pw-1")]) == (
        '%s required username="lh" password="pw-1" user_lh="pw-1";' % PLAIN_MODULE)


def test_characters_that_a_jaas_line_holds_are_kept_as_they_are():
    assert 'password="p@ss w0rd=\'x\'$!#%&"' in jaas_config("PLAIN", "lh", "p@ss w0rd='x'$!#%&")


@pytest.mark.parametrize("value", ['pw"x', "pw;x", "pw\\x", "pw\nx", "pw\rx"])
@pytest.mark.parametrize("which", ["username", "password"])
def test_a_character_the_line_cannot_quote_is_refused_naming_the_option_never_the_value(value, which):
    given = {"username": "lh", "password": "pw"}
    given[which] = value
    with pytest.raises(LHClusterError) as error:
        jaas_config("SCRAM-SHA-512", given["username"], given["password"], names=("my_user", "my_password"))
    message = error.value.message
    assert message.startswith("%s: holds a character a JAAS configuration cannot quote" % (
        "my_user" if which == "username" else "my_password")), message
    assert "choose one without them" in message and value not in message


def test_the_caller_gives_its_own_fix():
    with pytest.raises(LHClusterError, match="x: holds a character .*; put another one in the file$"):
        check_jaas_value("x", 'a"b', "put another one in the file")
    check_jaas_value("x", None)
    check_jaas_value("x", "")


def test_an_unknown_mechanism_has_no_line():
    with pytest.raises(LHClusterError, match="GSSAPI"):
        jaas_config("GSSAPI", "lh", "pw")


# ---- lh_server builds its JAAS login from kafka_sasl_username and kafka_sasl_password

def sasl_server(tmp_path, **given):
    values = dict(secrets_dir=str(tmp_path), kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="SCRAM-SHA-512",
                  kafka_sasl_username="littlehorse", kafka_sasl_password="s3cret-pw")
    values.update(given)
    return server_params(**values)


def test_the_server_writes_the_line_it_built_to_a_0600_file_passed_by_path(tmp_path):
    env, mounts, written = _server_config.render(sasl_server(tmp_path))
    secret = tmp_path / "kafka_sasl_jaas_config"
    assert written == [str(secret)]
    # the line the server role rendered in Jinja before: existing servers keep the same file, nothing re-created
    assert secret.read_text() == '%s required username="littlehorse" password="s3cret-pw";' % SCRAM_MODULE
    assert oct(os.stat(str(secret)).st_mode & 0o777) == "0o600"
    assert env["LHS_KAFKA_SASL_JAAS_CONFIG_FILE"] == "/lh/config/kafka_sasl_jaas_config_file"
    assert env["LHS_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert not any("s3cret" in value for value in env.values())
    assert _server_config.render(sasl_server(tmp_path))[2] == []


def test_the_servers_password_is_hidden_in_logs():
    spec = _server_config.argument_spec()
    assert spec["kafka_sasl_password"].get("no_log") is True
    assert not spec["kafka_sasl_username"].get("no_log")


@pytest.mark.parametrize("given,words", [
    (dict(kafka_sasl_password='pw"1'), "kafka_sasl_password: holds a character a JAAS configuration cannot quote"),
    (dict(kafka_sasl_username="lh;x"), "kafka_sasl_username: holds a character a JAAS configuration cannot quote"),
    (dict(kafka_sasl_password=None), "kafka_sasl_username, kafka_sasl_password: give both"),
    (dict(kafka_sasl_username=None), "kafka_sasl_username, kafka_sasl_password: give both"),
    (dict(kafka_sasl_jaas_config="x"), "kafka_sasl_username and kafka_sasl_jaas_config: give the SASL login one way"),
    (dict(kafka_sasl_jaas_config_file="/f"), "kafka_sasl_username and kafka_sasl_jaas_config_file: give the SASL"),
    (dict(kafka_sasl_mechanism="GSSAPI"), "kafka_sasl_mechanism: 'GSSAPI' with kafka_sasl_username must be one of"),
    (dict(kafka_sasl_username=None, kafka_sasl_password=None), "SASL_SSL needs kafka_sasl_mechanism and the login"),
])
def test_a_bad_login_is_refused_before_any_file_is_written(tmp_path, given, words):
    with pytest.raises(LHClusterError) as error:
        _server_config.render(sasl_server(tmp_path, **given))
    assert words in error.value.message
    assert "pw" not in error.value.message.replace("kafka_sasl_password", "")
    assert not os.listdir(str(tmp_path))

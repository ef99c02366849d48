# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's Kafka security: littlehorse_kafka_security_protocol, its SASL settings, the nodes' listeners and
certificates, and what the servers get."""
import pytest

from test_plan_security import one_host, refused, three_hosts

from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan

SASL = {"littlehorse_kafka_security_protocol": "SASL_SSL", "littlehorse_kafka_sasl_password": "pw"}


def test_plaintext_by_default_changes_nothing_of_the_nodes():
    plan = cluster_plan(*three_hosts())
    node = plan["kafka"]["nodes"][0]
    protocols = [(l["name"], l["protocol"]) for l in node["listeners"]]
    assert protocols == [("PLAINTEXT", "PLAINTEXT"), ("CONTROLLER", "PLAINTEXT")]
    assert node["options"]["inter_broker_listener_name"] == "PLAINTEXT"
    assert "ssl_keystore_file" not in node["options"] and "tools_listener_name" not in node["options"]
    assert not plan["tls"]["kafka"]
    assert "kafka_truststore_file" not in plan["servers"][0]["options"]


def test_sasl_ssl_nodes_have_a_secured_broker_listener_mutual_tls_controllers_and_a_loopback_tools_listener():
    plan = cluster_plan(*three_hosts(**SASL))
    node = plan["kafka"]["nodes"][1]
    assert [(l["name"], l["protocol"]) for l in node["listeners"]] == [
        ("SASL_SSL", "SASL_SSL"), ("CONTROLLER", "SSL"), ("LOCAL", "PLAINTEXT")]
    local = node["listeners"][2]
    assert (local["bind_host"], local["advertised_host"], local["port"]) == ("127.0.0.1", "localhost", 9094)
    options = node["options"]
    assert options["inter_broker_listener_name"] == "SASL_SSL" and options["tools_listener_name"] == "LOCAL"
    assert options["ssl_keystore_file"] == "/etc/littlehorse/lh-kafka-2/tls/keystore.p12"
    assert options["ssl_truststore_file"] == "/etc/littlehorse/lh-kafka-2/tls/truststore.p12"
    # the tools port is never published
    assert all(":9094:" not in p for p in node["published_ports"])
    assert plan["kafka"]["security"] == {"protocol": "SASL_SSL", "tls": True, "sasl": True, "mechanism": "PLAIN",
                                         "username": "littlehorse", "password_file": None}
    assert "pw" not in repr(plan), "the password stays out of the plan"


def test_each_node_gets_a_certificate_for_its_addresses_with_a_keystore():
    plan = cluster_plan(*three_hosts(**SASL))
    assert plan["tls"]["enabled"] and plan["tls"]["kafka"] and not plan["tls"]["mtls"]
    node = [c for c in plan["tls"]["certificates"] if c["name"] == "lh-kafka-2"][0]
    assert node == {"name": "lh-kafka-2", "common_name": "lh-kafka-2", "dns_names": ["lh-kafka-2", "localhost"],
                    "ip_addresses": ["10.0.0.2"], "usages": ["server", "client"], "keystore": True}
    servers = [c for c in plan["tls"]["certificates"] if c["name"].startswith("lh-server")]
    assert not any(c["keystore"] for c in servers), "over SASL_SSL the servers log in with the password"
    assert plan["servers"][0]["options"]["kafka_truststore_file"] == "/etc/littlehorse/lh/tls/truststore.p12"
    assert "kafka_keystore_file" not in plan["servers"][0]["options"]


def test_ssl_alone_gives_the_servers_a_keystore_the_broker_asks_for():
    plan = cluster_plan(*three_hosts(littlehorse_kafka_security_protocol="ssl"))
    assert plan["kafka"]["nodes"][0]["options"]["inter_broker_listener_name"] == "SSL"
    server = plan["servers"][0]
    assert server["options"]["kafka_keystore_file"] == "/etc/littlehorse/lh-server-101/tls/kafka-keystore.p12"
    assert [c["keystore"] for c in plan["tls"]["certificates"] if c["name"] == "lh-server-101"] == [True]


def test_the_external_listener_on_one_engine_follows_the_protocol_and_is_in_the_certificate():
    groups, hostvars = one_host(littlehorse_kafka_external_port=39092, **SASL)
    plan = cluster_plan(groups, hostvars)
    node = plan["kafka"]["nodes"][0]
    assert [(l["name"], l["protocol"]) for l in node["listeners"]][-1] == ("EXTERNAL", "SASL_SSL")
    certificate = [c for c in plan["tls"]["certificates"] if c["name"] == "lh-kafka-1"][0]
    assert certificate["dns_names"] == ["lh-kafka-1", "localhost"] and certificate["ip_addresses"] == ["127.0.0.1"]


def test_refusals():
    refused(*three_hosts(littlehorse_kafka_security_protocol="SASL_PLAINTEXT"),
            "SASL_PLAINTEXT is not supported by the LittleHorse server", "set it to SASL_SSL")
    refused(*three_hosts(littlehorse_kafka_security_protocol="TLS"), "'TLS' is not one of PLAINTEXT, SSL, SASL_SSL")
    refused(*three_hosts(littlehorse_kafka_security_protocol="SASL_SSL"),
            "needs the password of littlehorse_kafka_sasl_username")
    refused(*three_hosts(littlehorse_kafka_sasl_password_file="/pw", **SASL),
            "give the password of littlehorse_kafka_sasl_username one way only")
    refused(*three_hosts(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password_file="pw"),
            "littlehorse_kafka_sasl_password_file 'pw' is a relative path")
    refused(*three_hosts(littlehorse_kafka_sasl_mechanism="GSSAPI", **SASL),
            "'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512")
    refused(*three_hosts(littlehorse_kafka_sasl_username="a b", **SASL), "littlehorse_kafka_sasl_username 'a b'")
    refused(*three_hosts(littlehorse_kafka_tools_port=9093, **SASL), "littlehorse_kafka_tools_port 9093")


def test_a_password_file_is_named_in_the_plan_and_the_stores_password_file_too():
    plan = cluster_plan(*three_hosts(littlehorse_kafka_security_protocol="SASL_SSL",
                                     littlehorse_kafka_sasl_password_file="~/kafka.pw"))
    assert plan["kafka"]["security"]["password_file"] == "~/kafka.pw"
    assert plan["tls"]["store_password_file"] == "~/.local/share/littlehorse/lh/pki/stores.password"


def test_an_external_kafka_may_use_scram():
    groups = {"littlehorse_servers": ["local"]}
    hostvars = {"local": {"littlehorse_single_engine": True, "littlehorse_kafka_bootstrap_servers": "k.example:9093",
                          "littlehorse_server_count": 2,
                          "littlehorse_kafka_sasl_mechanism": "SCRAM-SHA-512", **SASL}}
    plan = cluster_plan(groups, hostvars)
    assert plan["kafka"]["security"]["mechanism"] == "SCRAM-SHA-512"
    assert not plan["tls"]["kafka"], "its certificates are not the cluster CA's"
    assert plan["servers"][0]["options"].get("kafka_truststore_file") is None


def test_each_node_names_the_protocols_its_running_listeners_must_already_have():
    plain = cluster_plan(*three_hosts())["kafka"]["nodes"][0]["listener_protocols"]
    assert plain == {"protocols": ["PLAINTEXT"], "setting": "littlehorse_kafka_security_protocol",
                     "value": "PLAINTEXT"}
    secured = cluster_plan(*three_hosts(**SASL))["kafka"]["nodes"][0]["listener_protocols"]
    assert secured == {"protocols": ["SASL_SSL (PLAIN)", "SSL"], "value": "SASL_SSL with PLAIN",
                       "setting": "littlehorse_kafka_security_protocol and littlehorse_kafka_sasl_mechanism"}, \
        "the tools listener (LOCAL, PLAINTEXT) says nothing"


def test_the_collections_own_nodes_may_use_scram():
    plan = cluster_plan(*three_hosts(littlehorse_kafka_sasl_mechanism="SCRAM-SHA-256", **SASL))
    assert plan["kafka"]["security"]["mechanism"] == "SCRAM-SHA-256"
    assert plan["kafka"]["nodes"][0]["options"]["tools_listener_name"] == "LOCAL"


@pytest.mark.parametrize("password", ['pw"1', "pw;1", "pw\\1", "pw\n1"])
@pytest.mark.parametrize("external", [False, True])
def test_a_sasl_password_the_servers_jaas_line_cannot_quote_is_refused_and_never_shown(password, external):
    groups, hostvars = three_hosts(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password=password)
    if external:
        del groups["kafka"]
        for values in hostvars.values():
            values["littlehorse_kafka_bootstrap_servers"] = "k.example:9093"
    message = refused(groups, hostvars, "host h1: littlehorse_kafka_sasl_password: holds a character a JAAS "
                                        "configuration cannot quote (\", \\, ';' or a line break); choose a password "
                                        "without them for littlehorse_kafka_sasl_username (on an external Kafka, "
                                        "change it there too)")
    assert password not in message


def test_a_sasl_password_file_is_left_to_the_preflight_which_reads_it_on_the_controller():
    plan = cluster_plan(*three_hosts(littlehorse_kafka_security_protocol="SASL_SSL",
                                     littlehorse_kafka_sasl_password_file="/nonexistent/kafka.pw"))
    assert plan["kafka"]["security"]["password_file"] == "/nonexistent/kafka.pw"


def test_a_sasl_user_name_outside_the_safe_characters_is_refused():
    refused(*three_hosts(littlehorse_kafka_sasl_username='lh";x', **SASL),
            "host h1: littlehorse_kafka_sasl_username 'lh\";x' must be set and hold only letters, digits and")

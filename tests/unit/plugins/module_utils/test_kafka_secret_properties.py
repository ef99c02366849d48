# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kafka properties that hold secrets reach the container's environment but never the module's output."""
from ansible_collections.littlehorse.cluster.plugins.module_utils import _kafka_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import MASK
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec


def kafka_params(**given):
    spec = container_argument_spec()
    spec.update(_kafka_config.argument_spec())
    params = dict((name, option.get("default")) for name, option in spec.items())
    params.update(name="k1", image="img", node_id=1, cluster_id="MkU3OEVBNTcwNTJENDM2Qk",
                  listeners=[{"name": "PLAINTEXT", "port": 9092, "protocol": "PLAINTEXT", "bind_host": "",
                              "advertised_host": "k1", "advertised_port": None},
                             {"name": "CONTROLLER", "port": 9093, "protocol": "PLAINTEXT", "bind_host": "",
                              "advertised_host": None, "advertised_port": None}],
                  controller_quorum_voters=[{"node_id": 1, "host": "k1", "port": 9093}])
    params.update(given)
    return params


def test_secret_properties_are_masked_in_what_the_module_shows():
    spec = _kafka_config.build_spec(kafka_params(properties={
        "ssl.keystore.password": "pw-1234", "sasl.jaas.config": "jaas-5678", "log.retention.ms": 1000,
        "ssl.keystore.location": "/etc/kafka/secrets/ks.p12"}))[0]
    assert spec.env["KAFKA_SSL_KEYSTORE_PASSWORD"] == "pw-1234"  # the container gets it
    shown = spec.masked_env()
    assert shown["KAFKA_SSL_KEYSTORE_PASSWORD"] == MASK and shown["KAFKA_SASL_JAAS_CONFIG"] == MASK
    assert shown["KAFKA_LOG_RETENTION_MS"] == "1000"
    assert shown["KAFKA_SSL_KEYSTORE_LOCATION"] == "/etc/kafka/secrets/ks.p12"  # a path, not a secret
    assert spec.secret_env == set(["KAFKA_SSL_KEYSTORE_PASSWORD", "KAFKA_SASL_JAAS_CONFIG"])

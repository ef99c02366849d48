#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_kafka_node
short_description: Manage one Apache Kafka node in KRaft mode as a Docker container
version_added: 0.1.0
description:
  - Runs one KRaft node (broker, controller or both) from an image that speaks the official C(apache/kafka)
    image's environment contract (C(CLUSTER_ID), C(KAFKA_*) variables), such as the official image or the
    collection's test-bed image.
  - The node's log directories are always on O(volume) (C(/var/lib/kafka/data)), so a re-created container keeps
    its data; the official image's default would put them in C(/tmp) inside the container.
author: littlehorse.cluster contributors (!UNKNOWN)
extends_documentation_fragment:
  - littlehorse.cluster.container
  - littlehorse.cluster.docker
  - ansible.builtin.action_common_attributes
options:
  node_id:
    description: The node's id (C(node.id)), unique in the cluster and never changed. Required unless O(state=absent).
    type: int
  cluster_id:
    description: The KRaft cluster id, 22 characters of base64url; storage is formatted with it on first start. Required unless O(state=absent).
    type: str
  process_roles:
    description: What the node is.
    type: list
    elements: str
    choices: [broker, controller]
    default: [broker, controller]
  listeners:
    description: The node's listeners. Required unless O(state=absent).
    type: list
    elements: dict
    suboptions:
      name:
        description: Listener name, upper-case letters, digits and C(_).
        type: str
        required: true
      port:
        description: Port the listener binds inside the container.
        type: int
        required: true
      protocol:
        description: Security protocol of the listener.
        type: str
        default: PLAINTEXT
        choices: [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]
      bind_host:
        description: Address to bind; empty binds all interfaces.
        type: str
        default: ""
      advertised_host:
        description: Host clients and other brokers reach this listener at. A listener without one is not advertised.
        type: str
      advertised_port:
        description: Advertised port; defaults to O(listeners[].port).
        type: int
  controller_listener_name:
    description: Name of the listener the controller quorum uses.
    type: str
    default: CONTROLLER
  controller_listener_protocol:
    description:
      - Security protocol of the controllers' listener, mapped on a broker-only node that does not bind it itself
        (Kafka requires the mapping). A node that binds it uses that listener's O(listeners[].protocol).
    type: str
    default: PLAINTEXT
    choices: [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]
  inter_broker_listener_name:
    description: Listener brokers talk to each other on; defaults to the first listener that is not the controller's.
    type: str
  controller_quorum_voters:
    description: The controller quorum. Required unless O(state=absent).
    type: list
    elements: dict
    suboptions:
      node_id:
        description: Node id of the voter.
        type: int
        required: true
      host:
        description: Host the voter's controller listener is reached at.
        type: str
        required: true
      port:
        description: Port of the voter's controller listener.
        type: int
        required: true
  offsets_topic_replication_factor:
    description: C(offsets.topic.replication.factor).
    type: int
  transaction_state_log_replication_factor:
    description: C(transaction.state.log.replication.factor); LittleHorse runs exactly-once, so brokers must meet it.
    type: int
  transaction_state_log_min_isr:
    description: C(transaction.state.log.min.isr).
    type: int
  min_insync_replicas:
    description:
      - C(min.insync.replicas), the brokers' default for every topic (the LittleHorse servers' topics too).
      - With three or more brokers and a replication factor of three, 2 keeps writes going while one broker is down.
    type: int
  volume:
    description: Named volume that holds the node's log directories (mounted at C(/var/lib/kafka/data)).
    type: str
  heap:
    description:
      - JVM heap (C(-Xmx) and C(-Xms)), such as C(512m).
      - Unset with O(memory) given, it is half of O(memory); it must stay below O(memory).
    type: str
  properties:
    description:
      - Further server properties, by their property names; rendered as C(KAFKA_*) variables.
      - The values of variables whose names contain C(PASSWORD), C(SECRET), C(TOKEN), C(JAAS) or C(CREDENTIAL) (such as
        C(ssl.keystore.password)) are masked in RV(env) and in the diff; they are still in the container's
        environment (C(docker inspect)), so prefer the image's files for secrets where it has them.
    type: dict
    default: {}
  ssl_keystore_file:
    description:
      - The node's PKCS12 keystore on the host (its key and certificate, which must name every address it is
        reached by), mounted read-only and set as C(ssl.keystore.location). Needed by an C(SSL) or C(SASL_SSL)
        listener, with O(ssl_truststore_file) and O(ssl_store_password).
      - A listener with protocol C(SSL) (the controller's too) requires the client's certificate
        (C(ssl.client.auth=required)); the cluster's nodes present their own.
    type: path
  ssl_truststore_file:
    description: The PKCS12 truststore on the host (the CA the peers' and clients' certificates chain to).
    type: path
  ssl_store_password:
    description:
      - The password of both stores and of the key. Written with the SASL login to a file on the host (0600, owned
        by O(secrets_owner)) that the image reads at start from C(/mnt/shared/config/server.properties) - never to
        the container's environment.
    type: str
  sasl_mechanism:
    description:
      - The SASL mechanism of the node's C(SASL_*) listeners and between brokers; with O(sasl_username).
      - V(PLAIN) checks logins against the one user in the node's JAAS login.
      - V(SCRAM-SHA-256) and V(SCRAM-SHA-512) check them against the credentials in the cluster's metadata. Once a
        created or re-created broker is up, it sets its user's credential to O(sasl_password) through
        O(tools_listener_name) (required then), from a 0600 file mounted in the container, never a command line.
    type: str
    choices: [PLAIN, SCRAM-SHA-256, SCRAM-SHA-512]
  sasl_username:
    description: The one user of the SASL listeners, which the brokers use between them too.
    type: str
  sasl_password:
    description:
      - That user's password (no C("), C(\), C(;) or line break, and with SCRAM no C(,)); kept out of the
        environment as O(ssl_store_password).
    type: str
  secrets_dir:
    description: The host folder of the secrets file (C(server.properties)); defaults to C(/etc/littlehorse/<name>).
    type: path
  secrets_owner:
    description: The uid the image runs Kafka as, which must read the secrets file and the stores (the official image's appuser).
    type: int
    default: 1000
  tools_listener_name:
    description:
      - A C(PLAINTEXT) listener the rolling gate's Kafka tools use inside the container, when the broker listeners
        need credentials (bind it to 127.0.0.1 and advertise it as localhost, so it is reachable from inside the
        container only). Defaults to the first advertised broker listener.
    type: str
  metrics_port:
    description:
      - Serve the node's metrics for Prometheus (C(GET /metrics)) on this port, through the Prometheus JMX exporter's
        Java agent, added to the image's C(KAFKA_OPTS). Publish it with O(published_ports) to scrape it from
        elsewhere. Needs O(jmx_exporter_jar) and O(jmx_exporter_config). Unset, the node serves no metrics.
    type: int
  jmx_exporter_jar:
    description:
      - The Prometheus JMX exporter's Java agent on the managed host (download
        C(io.prometheus.jmx:jmx_prometheus_javaagent:<version>) from Maven Central), mounted read-only.
    type: path
  jmx_exporter_config:
    description:
      - The exporter's rules on the managed host (YAML, which MBeans to read and how to name them; the kafka role
        copies C(roles/kafka/files/jmx-exporter.yml)), mounted read-only.
    type: path
'''

EXAMPLES = r'''
- name: One combined broker and controller
  littlehorse.cluster.lh_kafka_node:
    name: lh-kafka-1
    image: apache/kafka:4.1.1
    network: lh-net
    node_id: 1
    cluster_id: MkU3OEVBNTcwNTJENDM2Qk
    listeners:
      - {name: PLAINTEXT, port: 9092, advertised_host: lh-kafka-1}
      - {name: CONTROLLER, port: 9093}
    controller_quorum_voters:
      - {node_id: 1, host: lh-kafka-1, port: 9093}
    offsets_topic_replication_factor: 1
    transaction_state_log_replication_factor: 1
    transaction_state_log_min_isr: 1
    volume: lh-kafka-1-data
    heap: 512m
    wait: true

- name: The same node with its metrics for Prometheus on port 9404 of the host's loopback
  littlehorse.cluster.lh_kafka_node:
    name: lh-kafka-1
    image: apache/kafka:4.1.1
    node_id: 1
    cluster_id: MkU3OEVBNTcwNTJENDM2Qk
    listeners:
      - {name: PLAINTEXT, port: 9092, advertised_host: lh-kafka-1}
      - {name: CONTROLLER, port: 9093}
    controller_quorum_voters:
      - {node_id: 1, host: lh-kafka-1, port: 9093}
    volume: lh-kafka-1-data
    metrics_port: 9404
    jmx_exporter_jar: /etc/littlehorse/lh-kafka-1/jmx/jmx_prometheus_javaagent.jar
    jmx_exporter_config: /etc/littlehorse/lh-kafka-1/jmx/jmx-exporter.yml
    published_ports: ["127.0.0.1:9404:9404"]
'''

RETURN = r'''
actions:
  description: What the module did (or would do in check mode), in order.
  returned: when O(instances) is not given
  type: list
  elements: str
  sample: [create, start]
files_written:
  description: The host files of O(files) that this run wrote (or would write in check mode), in order.
  returned: always
  type: list
  elements: path
  sample: [/etc/littlehorse/certs/ca.crt]
container:
  description: The container after the run (empty in check mode).
  returned: when O(instances) is not given
  type: dict
  sample: {id: 4f1c..., name: lh-kafka-1, status: running, ip: 172.18.0.2}
env:
  description: The environment the module renders for the container; the values of secret properties masked.
  returned: when O(instances) is not given
  type: dict
instances:
  description: With O(instances), one result per container in the order given, each with the keys above.
  returned: when O(instances) is given
  type: list
  elements: dict
pending:
  description:
    - The containers that run and differ from their item but were left as they are (O(change_existing=false)); one
      that does not run is changed and started all the same.
  returned: when O(instances) is given
  type: list
  elements: str
changed_containers:
  description:
    - The containers that this run created, changed, started or restarted (or would, in check mode), in the order
      given. With O(change_existing=false) those are the new ones and those that were down.
  returned: when O(instances) is given
  type: list
  elements: str
  sample: [lh-server-3]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.littlehorse.cluster.plugins.module_utils import _kafka_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import (
    container_argument_spec, run_container_module)


def main():
    argument_spec = container_argument_spec(stop_timeout_default=None)
    argument_spec.update(_kafka_config.argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_container_module(module, _kafka_config.build_spec, _kafka_config.REQUIRED)


if __name__ == "__main__":
    main()

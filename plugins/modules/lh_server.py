#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_server
short_description: Manage one LittleHorse server as a Docker container
version_added: 0.1.0
description:
  - Runs one LittleHorse server from its image, configured through C(LHS_*) environment variables rendered from
    typed options. Host files (certificates, secrets) are mounted read-only and passed by path, so secrets never
    show in C(docker inspect) or in Ansible's output.
  - Per-server settings (O(instance_id), advertised hosts, O(rack_id), state volume) and cluster-wide settings
    (O(cluster_id), O(partitions), Kafka connection, listener names) are both options here; the roles of this
    collection compute them from one plan.
author: littlehorse.cluster contributors (!UNKNOWN)
extends_documentation_fragment:
  - littlehorse.cluster.container
  - littlehorse.cluster.docker
  - ansible.builtin.action_common_attributes
options:
  stop_timeout:
    description: Seconds Docker waits after SIGTERM; long enough for the server to leave its consumer group cleanly.
    type: int
    default: 120
  cluster_id:
    description: C(LHS_CLUSTER_ID). Never change it on a running cluster - a new id is a new, empty cluster. Required unless O(state=absent).
    type: str
  instance_id:
    description: C(LHS_INSTANCE_ID), 0 to 32767, unique per server and stable across restarts. Required unless O(state=absent).
    type: int
  listeners:
    description: The public listeners (C(LHS_LISTENERS), protocol and authentication maps, C(LHS_ADVERTISED_LISTENERS)). Required unless O(state=absent).
    type: list
    elements: dict
    suboptions:
      name:
        description: Listener name, upper-case letters, digits and C(_); the same names on every server.
        type: str
        required: true
      port:
        description: Port the listener binds inside the container.
        type: int
        required: true
      protocol:
        description: Transport of the listener.
        type: str
        default: PLAIN
        choices: [PLAIN, TLS, MTLS]
      authentication:
        description: How clients authenticate; V(MTLS) needs O(listeners[].protocol=MTLS).
        type: str
        default: NONE
        choices: [NONE, OAUTH, MTLS]
      advertised_host:
        description: Host clients and task workers reach this server at (no C(_), no IPv6 literal).
        type: str
        required: true
      advertised_port:
        description: Advertised port; defaults to O(listeners[].port).
        type: int
      cert_file:
        description: PEM certificate on the managed host, for TLS and MTLS listeners.
        type: path
      key_file:
        description: PEM private key on the managed host, for TLS and MTLS listeners.
        type: path
  ca_cert_file:
    description: C(LHS_CA_CERT), the CA of client certificates, for MTLS listeners.
    type: path
  internal_port:
    description: C(LHS_INTERNAL_BIND_PORT), the server-to-server port. Never expose it publicly.
    type: int
    default: 2011
  internal_advertised_host:
    description: C(LHS_INTERNAL_ADVERTISED_HOST), where the other servers reach this one; required for more than one host.
    type: str
  internal_advertised_port:
    description: C(LHS_INTERNAL_ADVERTISED_PORT); defaults to O(internal_port) in the server.
    type: int
  internal_ca_cert_file:
    description: C(LHS_INTERNAL_CA_CERT), for mTLS between servers (with the two options below).
    type: path
  internal_server_cert_file:
    description: C(LHS_INTERNAL_SERVER_CERT).
    type: path
  internal_server_key_file:
    description: C(LHS_INTERNAL_SERVER_KEY).
    type: path
  health_port:
    description: C(LHS_HEALTH_SERVICE_PORT), serving C(/liveness), C(/readiness), C(/status).
    type: int
    default: 1822
  kafka_bootstrap_servers:
    description: C(LHS_KAFKA_BOOTSTRAP_SERVERS), C(host:port[,host:port]). Required unless O(state=absent).
    type: str
  kafka_security_protocol:
    description: C(LHS_KAFKA_SECURITY_PROTOCOL).
    type: str
    choices: [PLAINTEXT, SSL, SASL_SSL]
  kafka_keystore_file:
    description: C(LHS_KAFKA_KEYSTORE), a PKCS12 keystore on the managed host.
    type: path
  kafka_keystore_password_file:
    description: C(LHS_KAFKA_KEYSTORE_PASSWORD_FILE).
    type: path
  kafka_keystore_password:
    description: The keystore password, written to a 0600 file under O(secrets_dir) and passed by path.
    type: str
  kafka_truststore_file:
    description: C(LHS_KAFKA_TRUSTSTORE), a PKCS12 truststore on the managed host.
    type: path
  kafka_truststore_password_file:
    description: C(LHS_KAFKA_TRUSTSTORE_PASSWORD_FILE).
    type: path
  kafka_truststore_password:
    description: The truststore password, written to a 0600 file under O(secrets_dir) and passed by path.
    type: str
  kafka_sasl_mechanism:
    description:
      - C(LHS_KAFKA_SASL_MECHANISM), for O(kafka_security_protocol=SASL_SSL).
      - With O(kafka_sasl_username) one of V(PLAIN), V(SCRAM-SHA-256), V(SCRAM-SHA-512).
    type: str
  kafka_sasl_username:
    description:
      - The user the server logs in to Kafka as over SASL; with O(kafka_sasl_password) the module builds the JAAS login
        for O(kafka_sasl_mechanism), writes it to a 0600 file under O(secrets_dir) and passes it by path
        (C(LHS_KAFKA_SASL_JAAS_CONFIG_FILE)).
      - A user name or password holding C("), C(\), C(;) or a line break, which the JAAS line cannot quote, is
        refused.
      - Give it or O(kafka_sasl_jaas_config) or O(kafka_sasl_jaas_config_file), one of them.
    type: str
  kafka_sasl_password:
    description: The password of O(kafka_sasl_username); hidden in logs.
    type: str
  kafka_sasl_jaas_config_file:
    description: C(LHS_KAFKA_SASL_JAAS_CONFIG_FILE), a JAAS configuration of your own on the managed host.
    type: path
  kafka_sasl_jaas_config:
    description:
      - A JAAS configuration of your own, written to a 0600 file under O(secrets_dir) and passed by path. Prefer
        O(kafka_sasl_username) and O(kafka_sasl_password), which the module checks and quotes.
    type: str
  oauth_introspect_url:
    description: C(LHS_OAUTH_INTROSPECT_URL), needed by OAUTH listeners.
    type: str
  oauth_client_id_file:
    description: C(LHS_OAUTH_CLIENT_ID_FILE), the file holding the client id the server introspects tokens as.
    type: path
  oauth_client_id:
    description:
      - The client id the server introspects tokens as, written to a 0600 file under O(secrets_dir) and passed by path
        (C(LHS_OAUTH_CLIENT_ID_FILE)); no secret, so it shows in logs. Give it or O(oauth_client_id_file), not both.
    type: str
  oauth_client_secret_file:
    description: C(LHS_OAUTH_CLIENT_SECRET_FILE).
    type: path
  oauth_client_secret:
    description:
      - The OAuth client secret of the introspection client, written to a 0600 file under O(secrets_dir) and passed by
        path (C(LHS_OAUTH_CLIENT_SECRET_FILE)); hidden in logs. Give it or O(oauth_client_secret_file), not both.
    type: str
  secrets_dir:
    description: Folder on the managed host for the files of inline secrets; defaults to C(/etc/littlehorse/<name>).
    type: path
  partitions:
    description: C(LHS_CLUSTER_PARTITIONS). Never change it once the cluster exists.
    type: int
  replication_factor:
    description: C(LHS_REPLICATION_FACTOR) of the topics the server creates.
    type: int
  should_create_topics:
    description: C(LHS_SHOULD_CREATE_TOPICS).
    type: bool
  standby_replicas:
    description: C(LHS_STREAMS_NUM_STANDBY_REPLICAS); hot standbys need 1 or more.
    type: int
  warmup_replicas:
    description: C(LHS_STREAMS_NUM_WARMUP_REPLICAS).
    type: int
  session_timeout_ms:
    description: C(LHS_STREAMS_SESSION_TIMEOUT).
    type: int
  core_stream_threads:
    description: C(LHS_CORE_STREAM_THREADS).
    type: int
  rack_id:
    description: C(LHS_RACK_ID), per zone; turns on rack-aware standby placement.
    type: str
  volume:
    description: Named volume for the server's state (C(LHS_STATE_DIR=/lh-data)); one per server, never shared.
    type: str
  heap:
    description:
      - JVM heap (C(-Xmx) and C(-Xms)) in C(JAVA_OPTS), such as C(512m).
      - Unset with O(memory) given, it is half of O(memory); it must stay below O(memory).
    type: str
  rocksdb_block_cache:
    description:
      - C(LHS_ROCKSDB_TOTAL_BLOCK_CACHE_BYTES), a size such as C(192m) - the one RocksDB cache every state store of
        the server shares; the memtables are charged to it, so RocksDB as a whole stays within it.
      - Unset with O(memory) given, it is a quarter of O(memory); O(heap) and it together must leave room in
        O(memory) for the JVM beside its heap. Unset without O(memory), RocksDB is unbounded (the server's default).
    type: str
  rocksdb_memtable:
    description:
      - C(LHS_ROCKSDB_TOTAL_MEMTABLE_BYTES), a size such as C(96m) - the memtables of every state store together,
        within O(rocksdb_block_cache).
      - Unset with O(memory) given, it is an eighth of O(memory) (half of the block cache).
    type: str
  gc:
    description:
      - The JVM's garbage collector. The image's start script always gives C(-XX:+UseZGC) first; another collector
        is rendered as C(-XX:-UseZGC -XX:+Use<collector>GC) at the start of C(JAVA_OPTS), which the JVM accepts
        after the defaults.
      - C(zgc), the image's own, renders nothing.
    type: str
    choices: [g1, parallel, serial, shenandoah, zgc]
    default: zgc
  java_opts:
    description:
      - More JVM flags, in C(JAVA_OPTS) after the O(gc) flags; with O(heap) the heap flags are added after them.
      - The image's start script puts its own default flags (C(-XX:+UseZGC -Dlog4j.shutdownHookEnabled=false))
        before C(JAVA_OPTS), so these add to them. A flag that selects a collector (C(-XX:+UseSerialGC),
        C(-XX:-UseZGC) ...) is refused, the JVM would refuse to start with two; use O(gc).
    type: str
  env:
    description:
      - Other C(LHS_*) settings the typed options do not cover yet. A variable a typed option sets, or one that
        looks like a secret, is refused.
    type: dict
    default: {}
'''

EXAMPLES = r'''
- name: The first of three servers on one host
  littlehorse.cluster.lh_server:
    name: lh-server-1
    image: registry.example.com/littlehorse/lh-server:1.2.1
    network: lh-net
    published_ports: ["127.0.0.1:2023:2023", "127.0.0.1:1822:1822"]
    cluster_id: lh
    instance_id: 1
    listeners:
      - {name: PLAIN, port: 2023, advertised_host: localhost}
    internal_advertised_host: lh-server-1
    kafka_bootstrap_servers: lh-kafka-1:9092
    partitions: 12
    standby_replicas: 1
    volume: lh-server-1-data
    memory: 768m              # heap 384m, RocksDB block cache 192m of which memtables 96m
    gc: g1                    # JAVA_OPTS: -XX:-UseZGC -XX:+UseG1GC -Xmx384m -Xms384m
    log_max_size: 50m
    log_max_files: 5
    wait: true

- name: A TLS listener and Kafka over SASL_SSL, secrets passed as files
  littlehorse.cluster.lh_server:
    name: lh-server-1
    image: registry.example.com/littlehorse/lh-server:1.2.1
    cluster_id: lh
    instance_id: 1
    listeners:
      - {name: TLS, port: 2023, protocol: TLS, advertised_host: lh1.example.com,
         cert_file: /etc/lh/tls.crt, key_file: /etc/lh/tls.key}
    kafka_bootstrap_servers: kafka1.example.com:9093
    kafka_security_protocol: SASL_SSL
    kafka_sasl_mechanism: SCRAM-SHA-512
    kafka_sasl_username: littlehorse
    kafka_sasl_password: "{{ vault_lh_kafka_password }}"
    kafka_truststore_file: /etc/lh/truststore.p12
    kafka_truststore_password_file: /etc/lh/truststore.password

- name: An OAUTH listener over TLS; tokens are checked at the identity provider with the servers' own client
  littlehorse.cluster.lh_server:
    name: lh-server-1
    image: registry.example.com/littlehorse/lh-server:1.2.1
    cluster_id: lh
    instance_id: 1
    listeners:
      - {name: OAUTH, port: 2023, protocol: TLS, authentication: OAUTH, advertised_host: lh1.example.com,
         cert_file: /etc/lh/tls.crt, key_file: /etc/lh/tls.key}
    kafka_bootstrap_servers: kafka1.example.com:9092
    oauth_introspect_url: https://idp.example.com/realms/lh/protocol/openid-connect/token/introspect
    oauth_client_id: lh-server
    oauth_client_secret: "{{ vault_lh_oauth_client_secret }}"
'''

RETURN = r'''
actions:
  description: What the module did (or would do in check mode), in order.
  returned: when O(instances) is not given
  type: list
  elements: str
  sample: [recreate, start]
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
  sample: {id: 4f1c..., name: lh-server-1, status: running, ip: 172.18.0.3}
env:
  description: The environment rendered for the server; no secret is in it (they are passed as files).
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
from ansible_collections.littlehorse.cluster.plugins.module_utils import _server_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import (
    container_argument_spec, run_container_module)


def main():
    argument_spec = container_argument_spec(stop_timeout_default=120)
    argument_spec.update(_server_config.argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_container_module(module, _server_config.build_spec, _server_config.REQUIRED)


if __name__ == "__main__":
    main()

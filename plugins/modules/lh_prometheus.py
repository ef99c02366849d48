#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_prometheus
short_description: Manage a Prometheus that scrapes a LittleHorse cluster as a Docker container
version_added: 0.1.0
description:
  - Runs Prometheus (the official C(prom/prometheus) image, or any image laid out like it - entrypoint
    C(/bin/prometheus), configuration in C(/etc/prometheus), data in C(/prometheus)) with the scrape jobs of
    O(scrape_configs) and the alert rules of O(rules).
  - Writes C(prometheus.yml) and the rules files on the managed host (in O(config_dir), as JSON, which Prometheus
    reads as YAML) and mounts them read-only. A
    new configuration or new rules reach a running container through a reload (C(SIGHUP)), which keeps its data
    and the state of its alerts; other changes re-create it. Its samples live on O(volume), kept when it is
    re-created.
  - From O(certificates) (as littlehorse.cluster.lh_pki returns them) it writes recording rules of each
    certificate's expiry and renewal window, C(littlehorse_certificate_expiry_timestamp_seconds) and
    C(littlehorse_certificate_renewal_window_seconds), which the collection's alert C(LittleHorseCertificateExpiring)
    compares with the time.
  - With O(wait=true) it waits until Prometheus answers C(GET /-/ready).
author: littlehorse.cluster contributors (!UNKNOWN)
extends_documentation_fragment:
  - littlehorse.cluster.container
  - littlehorse.cluster.docker
  - ansible.builtin.action_common_attributes
options:
  scrape_configs:
    description: The scrape jobs. Required unless O(state=absent).
    type: list
    elements: dict
    suboptions:
      job_name:
        description: The job's name, unique (the C(job) label of its series).
        type: str
        required: true
      metrics_path:
        description: The path of the targets' metrics.
        type: str
        default: /metrics
      targets:
        description:
          - The job's target groups, each C({targets, labels}) - C(targets) a list of C(host:port) as the container
            reaches them, C(labels) added to every series of those targets.
        type: list
        elements: dict
        required: true
  scrape_interval:
    description: How often every target is read, a Prometheus duration.
    type: str
    default: 15s
  evaluation_interval:
    description: How often the rules are evaluated, a Prometheus duration.
    type: str
    default: 15s
  retention:
    description: How long samples are kept (C(--storage.tsdb.retention.time)), a Prometheus duration.
    type: str
    default: 15d
  rules:
    description: Rules files to load, each mounted at C(/etc/prometheus/rules/<name>).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The file's name, ending in C(.yml).
        type: str
        required: true
      groups:
        description:
          - The file's rule groups, as a Prometheus rules file has them under C(groups) (each a C(name) and its
            C(rules)); read the file on the controller, e.g. C(lookup('ansible.builtin.file', f) | from_yaml).
        type: list
        elements: dict
        required: true
  alert_for:
    description:
      - Another C(for:) for some alerts of O(rules), by alert name, each a Prometheus duration; a name that is no
        alert of O(rules) is refused.
    type: dict
    default: {}
  certificates:
    description: Certificates whose expiry the rules record, as littlehorse.cluster.lh_pki returns them.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The certificate's name (the C(certificate) label).
        type: str
        required: true
      not_after:
        description: When it expires, ISO 8601 in UTC, such as C(2027-11-26T01:30:00+00:00).
        type: str
        required: true
  certificate_renewal_days:
    description: The renewal window of O(certificates), in days (the collection renews a certificate this long before it expires).
    type: int
    default: 30
  cluster_labels:
    description: Labels of the recorded certificate series (the cluster's, such as C(littlehorse_cluster_id)).
    type: dict
    default: {}
  volume:
    description: Named volume for the samples (C(/prometheus)); kept when the container is re-created or removed.
    type: str
  config_dir:
    description: Folder on the host for C(prometheus.yml) and C(rules/); default C(/etc/littlehorse/<name>).
    type: path
  stop_timeout:
    description: Seconds Docker waits after the stop signal before it kills the container (Prometheus writes its head block).
    type: int
    default: 60
notes:
  - Prometheus has no login; publish it on loopback (the monitoring role's default) or behind a proxy that has one.
  - The configuration and the rules hold no secret; they are written with mode 0644, readable by the container's user.
seealso:
  - module: littlehorse.cluster.lh_server
'''

EXAMPLES = r'''
- name: Prometheus scraping two servers and a Kafka node on one Docker network, published on loopback
  littlehorse.cluster.lh_prometheus:
    name: lh-prometheus
    image: prom/prometheus:v2.53.3
    network: lh-net
    published_ports: ["127.0.0.1:9090:9090"]
    volume: lh-prometheus-data
    retention: 15d
    scrape_configs:
      - job_name: littlehorse-server
        targets:
          - {targets: ["lh-server-1:1822"], labels: {littlehorse_component: server, container: lh-server-1}}
          - {targets: ["lh-server-2:1832"], labels: {littlehorse_component: server, container: lh-server-2}}
      - job_name: littlehorse-kafka
        targets:
          - {targets: ["lh-kafka-1:9404"], labels: {littlehorse_component: kafka, container: lh-kafka-1}}
    rules:
      - name: littlehorse-alerts.yml
        groups: "{{ (lookup('ansible.builtin.file', 'littlehorse-alerts.yml') | from_yaml).groups }}"
    alert_for: {LittleHorseServerDown: 30s}
    wait: true
'''

RETURN = r'''
actions:
  description: What the module did (or would do in check mode), in order.
  returned: when O(instances) is not given
  type: list
  elements: str
  sample: ["write /etc/littlehorse/lh-prometheus/prometheus.yml", "reload (SIGHUP)"]
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
config:
  description: The rendered C(prometheus.yml).
  returned: unless O(state=absent)
  type: str
config_path:
  description: Where C(prometheus.yml) is on the managed host.
  returned: unless O(state=absent)
  type: str
  sample: /etc/littlehorse/lh-prometheus/prometheus.yml
rules_files:
  description: Where the rules files are on the managed host.
  returned: unless O(state=absent)
  type: list
  elements: str
  sample: [/etc/littlehorse/lh-prometheus/rules/littlehorse-alerts.yml]
env:
  description: The container's environment set by the module (none).
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
from ansible_collections.littlehorse.cluster.plugins.module_utils import _prometheus_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import (
    container_argument_spec, run_container_module)


def main():
    argument_spec = container_argument_spec(_prometheus_config.STOP_TIMEOUT)
    argument_spec.update(_prometheus_config.argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_container_module(module, _prometheus_config.build_spec, _prometheus_config.REQUIRED)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_dashboard
short_description: Manage the LittleHorse dashboard as a Docker container
version_added: 0.1.0
description:
  - Runs the LittleHorse dashboard (a web application on port 3000) pointed at one server's public listener.
  - With O(wait=true) it waits until the dashboard answers C(/) with 200.
author: littlehorse.cluster contributors (!UNKNOWN)
extends_documentation_fragment:
  - littlehorse.cluster.container
  - littlehorse.cluster.docker
  - ansible.builtin.action_common_attributes
options:
  api_host:
    description: C(LHC_API_HOST), the server (or load balancer) the dashboard talks to. Required unless O(state=absent).
    type: str
  api_port:
    description: C(LHC_API_PORT).
    type: int
    default: 2023
  api_protocol:
    description: C(LHC_API_PROTOCOL).
    type: str
    default: PLAINTEXT
    choices: [PLAINTEXT, TLS]
  ca_cert_file:
    description: C(LHC_CA_CERT), a PEM file on the managed host, mounted read-only.
    type: path
  client_cert_file:
    description: C(LHC_CLIENT_CERT), for mTLS to the server.
    type: path
  client_key_file:
    description: C(LHC_CLIENT_KEY), for mTLS to the server.
    type: path
  oauth_enabled:
    description:
      - C(LHD_OAUTH_ENABLED); when true the five O(oauth_client_id) ... O(oauth_callback_url) options are required,
        when false none of them may be given.
      - The dashboard signs its users in at the identity provider and forwards their token, so the server's listener
        it uses must be an OAUTH listener of the same provider.
    type: bool
    default: false
  oauth_client_id:
    description: C(LHD_OAUTH_CLIENT_ID), in the container's environment.
    type: str
  oauth_client_secret:
    description:
      - C(LHD_OAUTH_CLIENT_SECRET). Written to a 0600 file on the managed host (see O(secrets_dir)), never to the
        container's environment.
    type: str
  oauth_issuer_uri:
    description: C(LHD_OAUTH_ISSUER_URI), in the container's environment.
    type: str
  oauth_encrypt_secret:
    description: C(LHD_OAUTH_ENCRYPT_SECRET), handled like O(oauth_client_secret).
    type: str
  oauth_callback_url:
    description: C(LHD_OAUTH_CALLBACK_URL), in the container's environment.
    type: str
  secrets_dir:
    description:
      - Folder on the managed host of the file C(oauth.env) that holds the two OAuth secrets (mode 0600, folder
        0700); default C(/etc/littlehorse/<name>).
    type: path
notes:
  - The dashboard image reads its OAuth secrets only from its environment. So that they are not in the container's
    configuration (C(docker inspect)), the module writes them to C(oauth.env) (0600) on the host, mounts it
    read-only at C(/lh/secrets/oauth.env), and starts the container through an entrypoint wrapper,
    C(/bin/sh -c 'set -a && . /lh/secrets/oauth.env && set +a && exec "$0" "$@"') followed by the image's own
    entrypoint and command, read from the image. This assumes that the image has C(/bin/sh) (the official
    lh-dashboard image is Alpine based, its entrypoint a C(/bin/sh) script) and that its entrypoint runs as a user
    that reads a root-owned 0600 file (the official image sets no C(USER)). The secrets are then in the
    environment of the dashboard's processes only, as the image needs them, and are masked in Ansible's output.
  - The certificate files are mounted read-only at C(/lh/config/); a private key is read by the same user.
'''

EXAMPLES = r'''
- name: The dashboard on port 8080 of the host
  littlehorse.cluster.lh_dashboard:
    name: lh-dashboard
    image: my-registry.example.com/lh-dashboard:1.2.1
    network: lh-net
    published_ports: ["8080:3000"]
    api_host: lh-server-1
    api_port: 2023
    wait: true

- name: The dashboard on a TLS listener with OAuth (the secrets reach it through a 0600 file, not its environment)
  littlehorse.cluster.lh_dashboard:
    name: lh-dashboard
    image: my-registry.example.com/lh-dashboard:1.2.1
    published_ports: ["8080:3000"]
    api_host: lh1.example.com
    api_port: 2029
    api_protocol: TLS
    ca_cert_file: /etc/littlehorse/lh/tls/ca.crt
    oauth_enabled: true
    oauth_client_id: lh-dashboard
    oauth_client_secret: "{{ vault_lh_dashboard_client_secret }}"
    oauth_issuer_uri: https://idp.example.com/realms/lh
    oauth_encrypt_secret: "{{ vault_lh_dashboard_encrypt_secret }}"
    oauth_callback_url: http://lh1.example.com:8080
    wait: true
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
env:
  description: The environment rendered for the dashboard, secrets masked.
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
from ansible_collections.littlehorse.cluster.plugins.module_utils import _dashboard_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import (
    container_argument_spec, run_container_module)


def main():
    argument_spec = container_argument_spec()
    argument_spec.update(_dashboard_config.argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_container_module(module, _dashboard_config.build_spec, _dashboard_config.REQUIRED)


if __name__ == "__main__":
    main()

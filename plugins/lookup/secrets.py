# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: secrets
short_description: The secrets a role of the collection hands to its module, each from its file or its Vault variable
version_added: 0.1.0
description:
  - Returns, as one dictionary by module option, the secrets that the plan uses for one role's module - only those
    the plan uses (a SASL password when Kafka is SASL_SSL, the stores' passwords when there are stores, the OAuth
    secrets on an OAUTH listener), so that a role hands each on with C(| default(omit)).
  - V(server) - the options C(kafka_sasl_password), C(kafka_truststore_password), C(kafka_keystore_password) and
    C(oauth_client_secret) of M(littlehorse.cluster.lh_server).
  - V(kafka) - C(ssl_store_password) (the password of the stores M(littlehorse.cluster.lh_pki) keeps, always its file)
    and C(sasl_password) of M(littlehorse.cluster.lh_kafka_node).
  - V(dashboard) - C(oauth_client_secret) and C(oauth_encrypt_secret) of M(littlehorse.cluster.lh_dashboard).
  - Each secret is the content of its file on the controller when the plan names one (C(~) expanded, trailing white
    space removed), else the value of its Ansible Vault variable (for example C(littlehorse_kafka_sasl_password)),
    read here from the task's variables - the choice P(littlehorse.cluster.secret#lookup) makes, by the same code;
    the plan has checked that exactly one is given. No secret passes through the role's Jinja on its way here.
options:
  _terms:
    description: The role whose module's secrets to return.
    type: list
    elements: str
    required: true
    choices: [server, kafka, dashboard]
  plan:
    description: The cluster plan (C(littlehorse_plan)).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: The servers of this host, with their secrets
  littlehorse.cluster.lh_server:
    instances: "{{ servers | map(attribute='options') | list }}"
    image: ghcr.io/littlehorse-enterprises/littlehorse/lh-server:1.2.1
    kafka_sasl_password: "{{ secrets.kafka_sasl_password | default(omit) }}"
    oauth_client_secret: "{{ secrets.oauth_client_secret | default(omit) }}"
  vars:
    secrets: "{{ lookup('littlehorse.cluster.secrets', 'server', plan=littlehorse_plan) }}"
'''

RETURN = r'''
_raw:
  description: One dictionary - each secret by the module option it goes to.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.secrets import (
    inline_secret, module_secrets, plan_option, resolve_secret, unreadable_message)

NAME = "littlehorse.cluster.secrets"
COMPONENTS = ("server", "kafka", "dashboard")


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        plan = plan_option(NAME, kwargs, ("kafka", "tls", "oauth", "dashboard"))
        if len(terms) != 1 or terms[0] not in COMPONENTS:
            raise AnsibleLookupError("%s takes one term, the role: %s; not %s"
                                     % (NAME, ", ".join(COMPONENTS), ", ".join(map(str, terms)) or "none"))
        secrets = {}
        for option, path, variable in module_secrets(plan, terms[0]):
            try:
                secrets[option] = resolve_secret(path, inline_secret(variables, variable, self._templar.template))
            except (IOError, OSError) as error:
                raise AnsibleLookupError(unreadable_message(path, error))
        return [secrets]

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: user_file_problems
short_description: What is wrong with the files the inventory gives on the controller
version_added: 0.1.0
description:
  - Reads, on the controller, the files the inventory gives (your CA and servers' certificates, the secrets given as
    files, an external Kafka's PKCS12 stores) with the functions M(littlehorse.cluster.lh_pki), the servers and the
    Kafka nodes load them with, and returns one message per problem, each naming a host, the setting and the fix. The
    preflight role stops the run on them before anything changes.
  - The checks run in the order of the terms; the lookup returns the problems of the first that has any (the later
    checks read the files the earlier ones check - a store's password file that is not a file is the secret files'
    problem).
  - A store's password is read here, never passed in - from the file the plan names
    (C(littlehorse_kafka_truststore_password_file), C(littlehorse_kafka_keystore_password_file)), else from the Ansible
    Vault variable C(littlehorse_kafka_truststore_password) or C(littlehorse_kafka_keystore_password) of the task's
    variables - by the code of P(littlehorse.cluster.secret#lookup), so the check opens each store with the password
    the roles will hand to the servers. No password or secret is ever in a message.
  - Needs the Python package C(cryptography) on the controller for the certificates and the stores.
options:
  _terms:
    description:
      - The checks, in order.
      - V(pki) - your CA (C(littlehorse_ca_cert_file), C(littlehorse_ca_key_file), when TLS is on) can sign, and each
        servers' certificate you give (C(littlehorse_server_cert_file), C(littlehorse_server_key_file)) can serve -
        readable PEM, signed by the CA, valid now, with the extended key usages and the names and addresses its servers
        are reached at.
      - V(secret_files) - each secret given as a file (C(littlehorse_plan.secret_files)) is a file on the controller.
      - V(kafka_sasl_password) - the Kafka SASL password in C(littlehorse_kafka_sasl_password_file) holds no character
        the JAAS login cannot quote.
      - V(kafka_stores) - the stores for an external Kafka (C(littlehorse_kafka_truststore_file),
        C(littlehorse_kafka_keystore_file)) open as PKCS12 stores with their passwords, the truststore holds a
        certificate and the keystore a private key with its certificate; a JKS keystore or PEM text is named with the
        command that converts it.
    type: list
    elements: str
    required: true
    choices: [pki, secret_files, kafka_sasl_password, kafka_stores]
  plan:
    description: The cluster plan (C(littlehorse_plan)).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Stop when a file you give on the controller cannot serve
  ansible.builtin.fail:
    msg: "{{ problems }}"
  when: problems | length > 0
  run_once: true
  vars:
    problems: "{{ query('littlehorse.cluster.user_file_problems', 'pki', 'secret_files', 'kafka_sasl_password',
      'kafka_stores', plan=littlehorse_plan) }}"
'''

RETURN = r'''
_raw:
  description:
    - The problems of the first check that has any, each a sentence that starts with C(host <host>:); empty when
      there is none.
  type: list
  elements: str
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.littlehorse.cluster.plugins.plugin_utils import user_files
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.secrets import inline_secret, plan_option

NAME = "littlehorse.cluster.user_file_problems"


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        plan = plan_option(NAME, kwargs, ("cluster", "tls", "kafka"))
        checks = {
            "pki": user_files.pki_problems,
            "secret_files": user_files.secret_file_problems,
            "kafka_sasl_password": user_files.kafka_sasl_problems,
            "kafka_stores": lambda given: user_files.kafka_store_problems(given, dict(
                (kind, inline_secret(variables, user_files.store_password_variable(kind), self._templar.template))
                for kind in user_files.STORE_KINDS)),
        }
        wrong = sorted(set(terms) - set(checks))
        if wrong or not terms:
            raise AnsibleLookupError("%s: the terms are the checks to run, of %s; not %s"
                                     % (NAME, ", ".join(sorted(checks)), ", ".join(map(str, wrong)) or "none"))
        for term in terms:
            problems = checks[term](plan)
            if problems:
                return problems
        return []

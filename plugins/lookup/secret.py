# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: secret
short_description: A secret the inventory gives inline (an Ansible Vault variable) or as a file on the controller
version_added: 0.1.0
description:
  - The one place where the collection chooses between a secret's two forms - the Ansible Vault variable (for
    example C(littlehorse_oauth_client_secret)) or the file on the controller that holds it (C(..._file)), never
    both, as the plan (littlehorse.cluster.cluster_plan) checks. The plan names the file (for example
    C(littlehorse_plan.oauth.client_secret_file)); the inline value stays out of the plan and is passed here.
  - With a file, its content (read on the controller, C(~) expanded, trailing white space removed, as
    C(ansible.builtin.file) reads it); without one, O(inline).
options:
  _terms:
    description: The secret's file on the controller, as the plan gives it; empty or none when the secret is inline.
    required: true
  inline:
    description: The inline value (the Ansible Vault variable), used when no file is given.
    type: raw
'''

EXAMPLES = r'''
- name: The servers' OAuth client secret, however the inventory gives it
  ansible.builtin.set_fact:
    secret: "{{ lookup('littlehorse.cluster.secret', littlehorse_plan.oauth.client_secret_file,
      inline=littlehorse_oauth_client_secret | default(none)) }}"
  no_log: true
'''

RETURN = r'''
_raw:
  description: The secret, as one item.
  type: list
  elements: raw
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.secrets import resolve_secret, unreadable_message


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        unknown = sorted(set(kwargs) - set(("inline",)))
        if unknown:
            raise AnsibleLookupError("littlehorse.cluster.secret takes the option inline only, not %s" % ", ".join(unknown))
        if len(terms) != 1:
            raise AnsibleLookupError("littlehorse.cluster.secret takes one term, the secret's file (or none)")
        path = terms[0]
        try:
            return [resolve_secret(path, kwargs.get("inline"))]
        except (IOError, OSError) as error:
            raise AnsibleLookupError(unreadable_message(path, error))

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A secret's two forms, chosen in one place: the file on the controller that the plan names (littlehorse_*_file), else
the Ansible Vault variable (littlehorse_*). The lookups littlehorse.cluster.secret, littlehorse.cluster.secrets and
littlehorse.cluster.user_file_problems all read a secret through these functions, so that the preflight checks the
very value the roles hand to the modules; module_secrets names, once, the secrets each role hands to its module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six.moves.collections_abc import Mapping


def read_secret_file(path):
    """The secret in its file on the controller, as ansible.builtin.file reads it: ~ expanded, trailing white space
    (the newline) dropped. Raises IOError or OSError when the file cannot be read."""
    with open(os.path.expanduser(to_text(path)), "rb") as handle:
        return to_text(handle.read(), errors="surrogate_or_strict").rstrip()


def resolve_secret(path, inline):
    """The secret of its file when the plan names one (`path`), else the inline value (the Vault variable's)."""
    return read_secret_file(path) if path else inline


def inline_secret(variables, name, template):
    """The value of the Vault variable `name` in a task's variables, through `template` (a variable may be a template
    of another, a Vault value is decrypted there); None when the inventory does not set it."""
    if not variables or not name or name not in variables:
        return None
    return template(variables[name])


def plan_option(name, options, keys):
    """The plan a lookup of the collection is given (its only option, plan=littlehorse_plan), checked to hold `keys`;
    AnsibleLookupError naming the lookup and the fix otherwise."""
    unknown = sorted(set(options) - set(("plan",)))
    if unknown:
        raise AnsibleLookupError("%s takes the option plan only, not %s" % (name, ", ".join(unknown)))
    plan = options.get("plan")
    if not isinstance(plan, Mapping) or not all(key in plan for key in keys):
        raise AnsibleLookupError("%s: give the cluster plan as plan=littlehorse_plan" % name)
    return plan


def unreadable_message(path, error):
    """Why a secret's file cannot be read, and the fix."""
    return ("the secret's file %s on the controller cannot be read (%s); put the secret in that file, or give it as the "
            "Ansible Vault variable instead" % (os.path.expanduser(to_text(path)), error.strerror or error))


def module_secrets(plan, component):
    """The secrets that the role of `component` (server, kafka or dashboard) hands to its module, for what the plan
    uses, as [(option, file, variable)]: the module's option, the secret's file on the controller that the plan names
    (none when it is inline) and its Vault variable (none for lh_pki's own store password, always a file)."""
    security, stores = plan["kafka"]["security"], plan["kafka"]["stores"] or {}
    found = []
    if component == "server":
        if security["sasl"]:
            found.append(("kafka_sasl_password", security["password_file"], "littlehorse_kafka_sasl_password"))
        for kind in ("truststore", "keystore"):
            if stores.get(kind):
                found.append(("kafka_%s_password" % kind, stores[kind]["password_file"],
                              "littlehorse_kafka_%s_password" % kind))
        if plan["oauth"]:
            found.append(("oauth_client_secret", plan["oauth"]["client_secret_file"], "littlehorse_oauth_client_secret"))
    elif component == "kafka":
        if plan["tls"]["kafka"]:
            found.append(("ssl_store_password", plan["tls"]["store_password_file"], None))
        if security["sasl"]:
            found.append(("sasl_password", security["password_file"], "littlehorse_kafka_sasl_password"))
    elif component == "dashboard":
        oauth = (plan["dashboard"] or {}).get("oauth")
        if oauth:
            found += [("oauth_client_secret", oauth["client_secret_file"], "littlehorse_dashboard_oauth_client_secret"),
                      ("oauth_encrypt_secret", oauth["encrypt_secret_file"], "littlehorse_dashboard_oauth_encrypt_secret")]
    else:
        raise ValueError("no secrets are known for %r; give server, kafka or dashboard" % (component,))
    return found

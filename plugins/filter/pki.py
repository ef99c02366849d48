# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""user_ca_problems: the user's CA (littlehorse_ca_cert_file, littlehorse_ca_key_file) checked on the controller
before anything changes, with the same function littlehorse.cluster.lh_pki loads it with (module_utils/_pki.py).
kafka_store_problems: the user's PKCS12 stores for an external Kafka (littlehorse_kafka_truststore_file,
littlehorse_kafka_keystore_file), opened on the controller with their passwords before anything changes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki

NAMES = ("littlehorse_ca_cert_file", "littlehorse_ca_key_file")


def user_ca_problems(plan):
    """littlehorse_plan | littlehorse.cluster.user_ca_problems -> one message per problem of the user's CA, each
    naming the plan's first host (where the cluster-wide settings are read), the setting and the fix; [] when TLS
    is off or no CA is given."""
    if not isinstance(plan, Mapping) or "tls" not in plan or "cluster" not in plan:
        raise AnsibleFilterError("user_ca_problems: use it as littlehorse_plan | littlehorse.cluster.user_ca_problems")
    tls = plan["tls"]
    if not tls.get("enabled") or not tls.get("ca_cert_file") or not tls.get("ca_key_file"):
        return []
    host = plan["cluster"]["hosts"][0]
    if not _pki.HAS_CRYPTOGRAPHY:
        return _no_cryptography(host, NAMES)
    paths = [os.path.expanduser(os.path.expandvars(str(tls[name]))) for name in ("ca_cert_file", "ca_key_file")]
    problems = _pki.read_user_ca(paths[0], paths[1], names=NAMES)[2]
    return ["host %s: %s" % (host, problem) for problem in problems]


def _no_cryptography(host, names):
    return ["host %s: %s: checking %s needs the Python package cryptography on the controller, for the Python that "
            "runs ansible-playbook (pip install cryptography)"
            % (host, ", ".join(names), "your CA" if names == NAMES else "the Kafka stores")]


def kafka_store_problems(plan, truststore_password=None, keystore_password=None):
    """littlehorse_plan | littlehorse.cluster.kafka_store_problems(littlehorse_kafka_truststore_password,
    littlehorse_kafka_keystore_password) -> one message per problem of the user's stores for an external Kafka, each
    naming the plan's first host, the setting and the fix; [] without such stores. A password given as a file (the
    plan's password_file) is read from it; the passwords are never in a message."""
    if not isinstance(plan, Mapping) or "kafka" not in plan or "cluster" not in plan:
        raise AnsibleFilterError("kafka_store_problems: use it as littlehorse_plan | "
                                 "littlehorse.cluster.kafka_store_problems(<truststore password>, <keystore password>)")
    stores = plan["kafka"].get("stores") or {}
    given = [(kind, stores[kind]) for kind in ("truststore", "keystore") if (stores.get(kind) or {}).get("file")]
    if not given:
        return []
    host = plan["cluster"]["hosts"][0]
    settings = ["littlehorse_kafka_%s_file" % kind for kind, _store in given]
    if not _pki.HAS_CRYPTOGRAPHY:
        return _no_cryptography(host, settings)
    inline = {"truststore": truststore_password, "keystore": keystore_password}
    problems = []
    for (kind, store), setting in zip(given, settings):
        password = inline[kind]
        if store["password_file"]:
            try:
                with open(os.path.expanduser(store["password_file"]), "rb") as handle:
                    # as the server role's file lookup reads it: trailing white space (the newline) dropped
                    password = handle.read().decode("utf-8").rstrip()
            except (IOError, OSError, UnicodeDecodeError) as error:
                problems.append("%s_password_file: %s cannot be read on the controller (%s); put the password of %s "
                                "in it (alone)" % (setting[:-len("_file")], store["password_file"],
                                                   getattr(error, "strerror", None) or error, setting))
                continue
        path = os.path.expanduser(os.path.expandvars(str(store["file"])))
        problems += _pki.read_store(path, str(password or ""), kind, setting)
    return ["host %s: %s" % (host, problem) for problem in problems]


class FilterModule(object):
    def filters(self):
        return {"user_ca_problems": user_ca_problems, "kafka_store_problems": kafka_store_problems}

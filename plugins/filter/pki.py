# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user's PKI files, checked on the controller before anything changes, with the functions littlehorse.cluster.lh_pki
and the servers load them with (module_utils/_pki.py):
- user_ca_problems: the user's CA (littlehorse_ca_cert_file, littlehorse_ca_key_file);
- server_cert_problems: the servers' certificates the user gives (littlehorse_server_cert_file,
  littlehorse_server_key_file, per host);
- kafka_store_problems: the user's PKCS12 stores for an external Kafka (littlehorse_kafka_truststore_file,
  littlehorse_kafka_keystore_file), opened with their passwords;
- kafka_sasl_problems: the Kafka SASL password given as a file (littlehorse_kafka_sasl_password_file), checked with
  the rule the servers' and the Kafka nodes' JAAS login is built by (module_utils/_sasl.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._sasl import check_jaas_value

NAMES = ("littlehorse_ca_cert_file", "littlehorse_ca_key_file")
SERVER_NAMES = ("littlehorse_server_cert_file", "littlehorse_server_key_file")


def _controller_path(value):
    return os.path.expanduser(os.path.expandvars(str(value)))


def _tls_of(plan, name):
    if not isinstance(plan, Mapping) or "tls" not in plan or "cluster" not in plan:
        raise AnsibleFilterError("%s: use it as littlehorse_plan | littlehorse.cluster.%s" % (name, name))
    return plan["tls"]


def user_ca_problems(plan):
    """littlehorse_plan | littlehorse.cluster.user_ca_problems -> one message per problem of the user's CA, each
    naming the plan's first host (where the cluster-wide settings are read), the setting and the fix; [] when TLS
    is off or no CA is given. littlehorse_ca_key_file may be left out (the plan allows it when every certificate is
    given): the certificate is then checked alone."""
    tls = _tls_of(plan, "user_ca_problems")
    if not tls.get("enabled") or not tls.get("ca_cert_file"):
        return []
    host = plan["cluster"]["hosts"][0]
    given = [name for name in NAMES if tls.get(name[len("littlehorse_"):])]
    if not _pki.HAS_CRYPTOGRAPHY:
        return _no_cryptography(host, given, "your CA")
    key_file = tls.get("ca_key_file")
    problems = _pki.read_user_ca(_controller_path(tls["ca_cert_file"]), _controller_path(key_file) if key_file else None,
                                 names=NAMES)[2]
    return ["host %s: %s" % (host, problem) for problem in problems]


def server_cert_problems(plan):
    """littlehorse_plan | littlehorse.cluster.server_cert_problems -> one message per problem of a servers'
    certificate the inventory gives (littlehorse_server_cert_file and littlehorse_server_key_file of a host), each
    naming that host, the setting and the fix: a file that cannot be read, not PEM, an encrypted key or one that is
    not the certificate's, a certificate the cluster's CA (littlehorse_ca_cert_file) did not sign, expired or not
    yet valid, without the extended key usages it needs, or whose SANs miss a name or address its servers are
    reached at. [] when no certificate is given."""
    tls = _tls_of(plan, "server_cert_problems")
    given = tls.get("given") or []
    if not given:
        return []
    if not _pki.HAS_CRYPTOGRAPHY:
        return _no_cryptography(given[0]["host"], SERVER_NAMES[:1], "your certificate")
    # The CA's own problems are user_ca_problems'; a CA that cannot be read is not held against the certificates.
    try:
        with open(_controller_path(tls["ca_cert_file"]), "rb") as handle:
            ca_cert = _pki.load_cert(handle.read())
    except (IOError, OSError, ValueError):
        ca_cert = None
    problems = []
    for entry in given:
        paths = (_controller_path(entry["cert_file"]), _controller_path(entry["key_file"]))
        found = _pki.read_server_cert(paths, ca_cert, entry["reached_at"], entry["usages"], names=SERVER_NAMES)[2]
        problems += ["host %s: %s" % (entry["host"], problem) for problem in found]
    return problems


def _no_cryptography(host, names, what):
    return ["host %s: %s: checking %s needs the Python package cryptography on the controller, for the Python that "
            "runs ansible-playbook (pip install cryptography)" % (host, ", ".join(names), what)]


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
        return _no_cryptography(host, settings, "the Kafka stores")
    inline = {"truststore": truststore_password, "keystore": keystore_password}
    problems = []
    for (kind, store), setting in zip(given, settings):
        password = inline[kind]
        if store["password_file"]:
            try:
                password = _password_in(store["password_file"])
            except (IOError, OSError, UnicodeDecodeError) as error:
                problems.append("%s_password_file: %s cannot be read on the controller (%s); put the password of %s "
                                "in it (alone)" % (setting[:-len("_file")], store["password_file"],
                                                   getattr(error, "strerror", None) or error, setting))
                continue
        path = _controller_path(store["file"])
        problems += _pki.read_store(path, str(password or ""), kind, setting)
    return ["host %s: %s" % (host, problem) for problem in problems]


def _password_in(path):
    """A password file on the controller, as the roles' file lookup reads it: trailing white space (the newline)
    dropped."""
    with open(os.path.expanduser(path), "rb") as handle:
        return handle.read().decode("utf-8").rstrip()


def kafka_sasl_problems(plan):
    """littlehorse_plan | littlehorse.cluster.kafka_sasl_problems -> [] or the one message (naming the plan's first
    host, the setting and the fix, never the password) when the SASL password in littlehorse_kafka_sasl_password_file
    holds a character the JAAS login cannot quote. The plan checks the password given inline itself; a file that is
    not there is the preflight's secret-file check's to report."""
    if not isinstance(plan, Mapping) or "kafka" not in plan or "cluster" not in plan:
        raise AnsibleFilterError("kafka_sasl_problems: use it as littlehorse_plan | littlehorse.cluster.kafka_sasl_problems")
    path = (plan["kafka"].get("security") or {}).get("password_file")
    if not path or not os.path.isfile(os.path.expanduser(path)):
        return []
    host = plan["cluster"]["hosts"][0]
    try:
        check_jaas_value("littlehorse_kafka_sasl_password_file '%s'" % path, _password_in(path),
                         "choose a password without them for littlehorse_kafka_sasl_username and put it in that file "
                         "alone (on an external Kafka, change it there too)")
    except (IOError, OSError, UnicodeDecodeError) as error:
        return ["host %s: littlehorse_kafka_sasl_password_file '%s' cannot be read on the controller (%s); put the "
                "password of littlehorse_kafka_sasl_username in it (alone)"
                % (host, path, getattr(error, "strerror", None) or error)]
    except LHClusterError as error:
        return ["host %s: %s" % (host, error.message)]
    return []


class FilterModule(object):
    def filters(self):
        return {"user_ca_problems": user_ca_problems, "server_cert_problems": server_cert_problems,
                "kafka_store_problems": kafka_store_problems, "kafka_sasl_problems": kafka_sasl_problems}

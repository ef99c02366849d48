# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files the inventory gives on the controller, checked before anything changes (the lookup
littlehorse.cluster.user_file_problems), with the functions littlehorse.cluster.lh_pki and the servers load them with
(module_utils/_pki.py, module_utils/_sasl.py). Each check takes the plan and returns one message per problem, each
naming a host, the setting and the fix, never a secret:

- pki_problems: the user's CA (littlehorse_ca_cert_file, littlehorse_ca_key_file) and the servers' certificates the
  user gives (littlehorse_server_cert_file, littlehorse_server_key_file, per host);
- secret_file_problems: a secret given as a file (the plan's secret_files) that is not a file;
- kafka_sasl_problems: the Kafka SASL password given as a file (littlehorse_kafka_sasl_password_file), by the rule the
  servers' and the Kafka nodes' JAAS login is built by;
- kafka_store_problems: the user's PKCS12 stores for an external Kafka (littlehorse_kafka_truststore_file,
  littlehorse_kafka_keystore_file), opened with their passwords, each read from its file or its Vault variable as
  the roles read it (plugin_utils/secrets.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._sasl import check_jaas_value
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.secrets import read_secret_file, resolve_secret

CA_NAMES = ("littlehorse_ca_cert_file", "littlehorse_ca_key_file")
SERVER_NAMES = ("littlehorse_server_cert_file", "littlehorse_server_key_file")
STORE_KINDS = ("truststore", "keystore")


def store_password_variable(kind):
    """The Vault variable that gives the password of the user's Kafka store of `kind` inline."""
    return "littlehorse_kafka_%s_password" % kind


def _controller_path(value):
    return os.path.expanduser(os.path.expandvars(str(value)))


def _no_cryptography(host, names, what):
    return ["host %s: %s: checking %s needs the Python package cryptography on the controller, for the Python that "
            "runs ansible-playbook (pip install cryptography)" % (host, ", ".join(names), what)]


def user_ca_problems(plan):
    """The problems of the user's CA, each naming the plan's first host (where the cluster-wide settings are read);
    [] when TLS is off or no CA is given. littlehorse_ca_key_file may be left out (the plan allows it when every
    certificate is given): the certificate is then checked alone."""
    tls = plan["tls"]
    if not tls.get("enabled") or not tls.get("ca_cert_file"):
        return []
    host = plan["cluster"]["hosts"][0]
    given = [name for name in CA_NAMES if tls.get(name[len("littlehorse_"):])]
    if not _pki.HAS_CRYPTOGRAPHY:
        return _no_cryptography(host, given, "your CA")
    key_file = tls.get("ca_key_file")
    problems = _pki.read_user_ca(_controller_path(tls["ca_cert_file"]), _controller_path(key_file) if key_file else None,
                                 names=CA_NAMES)[2]
    return ["host %s: %s" % (host, problem) for problem in problems]


def server_cert_problems(plan):
    """The problems of a servers' certificate the inventory gives (littlehorse_server_cert_file and
    littlehorse_server_key_file of a host), each naming that host: a file that cannot be read, not PEM, an encrypted
    key or one that is not the certificate's, a certificate the cluster's CA (littlehorse_ca_cert_file) did not sign,
    expired or not yet valid, without the extended key usages it needs, or whose SANs miss a name or address its
    servers are reached at. [] when no certificate is given."""
    tls = plan["tls"]
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


def pki_problems(plan):
    """user_ca_problems, then server_cert_problems: what stops the run before lh_pki signs or copies a certificate."""
    return user_ca_problems(plan) + server_cert_problems(plan)


def secret_file_problems(plan):
    """A secret the inventory gives as a file (the plan's secret_files) whose file is not a file on the controller,
    with the Vault variable to give instead."""
    return ["host %s: %s '%s' is not a file on the controller; put %s in that file (alone), or give it as %s (an "
            "Ansible Vault variable) instead" % (entry["host"], entry["setting"], entry["path"], entry["what"],
                                                 entry["variable"])
            for entry in plan.get("secret_files") or [] if not os.path.isfile(os.path.expanduser(entry["path"]))]


def kafka_sasl_problems(plan):
    """[] or the one message when the SASL password in littlehorse_kafka_sasl_password_file holds a character the JAAS
    login cannot quote. The plan checks the password given inline itself; a file that is not there is
    secret_file_problems' to report."""
    path = (plan["kafka"].get("security") or {}).get("password_file")
    if not path or not os.path.isfile(os.path.expanduser(path)):
        return []
    host = plan["cluster"]["hosts"][0]
    try:
        check_jaas_value("littlehorse_kafka_sasl_password_file '%s'" % path, read_secret_file(path),
                         "choose a password without them for littlehorse_kafka_sasl_username and put it in that file "
                         "alone (on an external Kafka, change it there too)")
    except (IOError, OSError) as error:
        return ["host %s: littlehorse_kafka_sasl_password_file '%s' cannot be read on the controller (%s); put the "
                "password of littlehorse_kafka_sasl_username in it (alone)"
                % (host, path, getattr(error, "strerror", None) or error)]
    except LHClusterError as error:
        return ["host %s: %s" % (host, error.message)]
    return []


def kafka_store_problems(plan, inline_passwords):
    """The problems of the user's stores for an external Kafka, each naming the plan's first host; [] without such
    stores. Each store opens with its password: that of its password file when the plan names one, else
    inline_passwords[kind] (the Vault variable's value) - the choice littlehorse.cluster.secret makes for the roles."""
    stores = plan["kafka"].get("stores") or {}
    given = [(kind, stores[kind]) for kind in STORE_KINDS if (stores.get(kind) or {}).get("file")]
    if not given:
        return []
    host = plan["cluster"]["hosts"][0]
    settings = ["littlehorse_kafka_%s_file" % kind for kind, _store in given]
    if not _pki.HAS_CRYPTOGRAPHY:
        return _no_cryptography(host, settings, "the Kafka stores")
    problems = []
    for (kind, store), setting in zip(given, settings):
        try:
            password = resolve_secret(store["password_file"], inline_passwords.get(kind))
            password = str(password or "")
            password.encode("utf-8")
        except (IOError, OSError, UnicodeError) as error:
            problems.append("%s_password_file: %s cannot be read on the controller (%s); put the password of %s "
                            "in it (alone)" % (setting[:-len("_file")], store["password_file"],
                                               getattr(error, "strerror", None) or error, setting))
            continue
        problems += _pki.read_store(_controller_path(store["file"]), password, kind, setting)
    return ["host %s: %s" % (host, problem) for problem in problems]

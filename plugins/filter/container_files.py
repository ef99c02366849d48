# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files a host's containers mount, from the plan and the pki role's files on the controller, as
{src, path, mode, owner} for the littlehorse.cluster.host_files lookup (which reads them) and the container
modules' `files` option (which writes them in the same run as the containers):
- server_files(plan, servers, pki_files, user_stores): the CA, each server's certificate and key (0600), the
  Kafka truststore and each server's Kafka keystore (0600) when Kafka is secured, the user's stores for an
  external Kafka (0600);
- kafka_files(plan, nodes, pki_files, uid): each node's keystore and the truststore beside it (0600, the image's
  user), each node's JMX exporter agent and rules when it serves its metrics;
- dashboard_files(plan, pki_files): the CA, and on an MTLS listener the dashboard's certificate and key (0600)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six.moves.collections_abc import Mapping

SECRET = "0600"
PUBLIC = "0644"
# The collection's rules for the JMX exporter, in the kafka role's files folder.
JMX_EXPORTER_RULES = "jmx-exporter.yml"


def _certificate(pki_files, name):
    for certificate in (pki_files or {}).get("certificates") or []:
        if certificate.get("name") == name:
            return certificate
    raise AnsibleFilterError("the pki role issued no certificate named %s (is it in littlehorse_plan.tls.certificates?)"
                             % name)


def _file(src, path, mode=PUBLIC, owner=None, folder_mode=None):
    entry = {"src": src, "path": path, "mode": mode}
    if owner is not None:
        entry["owner"] = owner
    if folder_mode is not None:
        entry["folder_mode"] = folder_mode
    return entry


def _check_plan(plan, name):
    if not isinstance(plan, Mapping) or "tls" not in plan:
        raise AnsibleFilterError("%s: use it as littlehorse_plan | littlehorse.cluster.%s(...)" % (name, name))


def server_files(plan, servers, pki_files=None, user_stores=None):
    """The files of `servers` (items of plan.servers, on one host); user_stores: the user's stores for an external Kafka,
    by default the plan's (kafka.stores that name a file on the controller)."""
    _check_plan(plan, "server_files")
    if user_stores is None:
        user_stores = [store for store in (plan["kafka"].get("stores") or {}).values() if store and store.get("file")]
    files = []
    tls = plan["tls"]
    if tls.get("enabled") and servers:
        files.append(_file(pki_files["ca"], tls["ca"]))
        for server in servers:
            certificate = _certificate(pki_files, server["container"])
            files.append(_file(certificate["cert"], server["tls"]["cert"]))
            files.append(_file(certificate["key"], server["tls"]["key"], SECRET))
        if tls.get("kafka"):
            files.append(_file(pki_files["truststore"], tls["truststore"], SECRET))
            for server in servers:
                if (server.get("kafka_tls") or {}).get("kafka_keystore_file") is not None:
                    certificate = _certificate(pki_files, server["container"])
                    files.append(_file(certificate["keystore"], server["tls"]["kafka_keystore"], SECRET))
    if servers:
        files.extend(_file(os.path.expanduser(store["file"]), store["path"], SECRET) for store in user_stores or [])
    return files


def kafka_files(plan, nodes, pki_files=None, uid=None):
    """The files of `nodes` (items of plan.kafka.nodes, on one host); uid owns the stores (the image's user)."""
    _check_plan(plan, "kafka_files")
    files = []
    for node in nodes or []:
        if plan["tls"].get("kafka"):
            certificate = _certificate(pki_files, node["container"])
            files.append(_file(certificate["keystore"], node["tls"]["keystore"], SECRET, uid))
            files.append(_file(pki_files["truststore"], node["tls"]["truststore"], SECRET, uid))
        metrics = node.get("metrics")
        if metrics:
            files.append(_file(metrics["jar"], metrics["jar_path"], folder_mode="0755"))
            files.append(_file(JMX_EXPORTER_RULES, metrics["config_path"], folder_mode="0755"))
    return files


def dashboard_files(plan, pki_files=None):
    """The dashboard's files on its host, when its listener is TLS or MTLS."""
    _check_plan(plan, "dashboard_files")
    tls = (plan.get("dashboard") or {}).get("tls")
    if not tls:
        return []
    files = [_file(pki_files["ca"], tls["ca"])]
    if tls.get("name"):
        certificate = _certificate(pki_files, tls["name"])
        files.append(_file(certificate["cert"], tls["cert"]))
        files.append(_file(certificate["key"], tls["key"], SECRET))
    return files


class FilterModule(object):
    def filters(self):
        return {"server_files": server_files, "kafka_files": kafka_files, "dashboard_files": dashboard_files}

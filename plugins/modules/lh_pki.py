#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: lh_pki
short_description: Keep the certificates of a LittleHorse cluster in a folder of the controller
version_added: 0.1.0
description:
  - Keeps C(ca.crt) and, for every item of O(certificates), C(<name>.crt) and C(<name>.key) in O(path), for the
    servers' TLS and MTLS listeners, their internal mutual TLS and the clients. Run it on the controller
    (C(delegate_to=localhost)); the roles copy the files to the hosts.
  - The CA is the user's (O(ca_cert_file) and O(ca_key_file), never copied into O(path) except its certificate;
    O(ca_cert_file) alone when every item gives its certificate) or one made here (C(ca.crt) and C(ca.key) in
    O(path)), renewed with the same key and name when it expires within
    O(renew_before_days), so that the certificates it signed stay valid and a rolling change never breaks trust.
  - A certificate is issued again only when it must be - missing or unreadable, its key does not match it, not
    signed by the CA, expiring within O(renew_before_days), or its common name, names or usages differ from the
    item - so a second run changes nothing. A certificate issued again keeps its key when the key is still good.
  - An item with O(certificates[].cert_file) and O(certificates[].key_file) is the user's own certificate - checked
    (readable PEM, its key, signed directly by the CA, valid now, the extended key usages of
    O(certificates[].usages) unless it has none, and subject alternative names that cover every name of
    O(certificates[].dns_names) and O(certificates[].ip_addresses)) and copied to C(<name>.crt) and C(<name>.key) when
    they differ, never issued. A new file given changes the copies, so the servers that mount them are re-created.
  - Keys are unencrypted PKCS#8 PEM (RSA 2048), mode 0600 in a 0700 folder; no key is ever returned or printed.
  - The X.509 work is done with the C(cryptography) package, no openssl command line.
author: littlehorse.cluster contributors (!UNKNOWN)
requirements:
  - cryptography (the Python package) on the host the module runs on
attributes:
  check_mode:
    details: Reports what would be made or issued again and writes nothing.
extends_documentation_fragment:
  - littlehorse.cluster.attributes
  - ansible.builtin.action_common_attributes
options:
  path:
    description: The folder that holds the files (made with mode 0700 when missing).
    type: path
    required: true
  ca_cert_file:
    description: The user's CA certificate (PEM); with O(ca_key_file). A copy of it is kept as C(ca.crt) in O(path).
    type: path
  ca_key_file:
    description:
      - The key of O(ca_cert_file) (unencrypted PEM). Needed unless every item of O(certificates) gives its
        certificate (O(certificates[].cert_file)).
    type: path
  ca_common_name:
    description: Common name of a CA made here.
    type: str
    default: littlehorse cluster CA
  ca_validity_days:
    description: Validity of a CA made here, in days.
    type: int
    default: 3650
  ca_renew_before_days:
    description: A CA made here that expires within this many days is renewed (same key and name); defaults to
      O(renew_before_days).
    type: int
  validity_days:
    description:
      - Validity of each certificate, in days (never beyond the CA's), unless the item gives its own
        (O(certificates[].validity_days)).
    type: int
    default: 365
  renew_before_days:
    description:
      - A certificate that expires within this many days is issued again, unless the item gives its own
        (O(certificates[].renew_before_days)); so is a CA made here, unless O(ca_renew_before_days) is given.
    type: int
    default: 30
  certificates:
    description: The certificates to keep.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Names the files, C(<name>.crt) and C(<name>.key).
        type: str
        required: true
      common_name:
        description: The subject's common name (on an MTLS listener, the client's principal); defaults to O(certificates[].name).
        type: str
      dns_names:
        description:
          - Host names the certificate is valid for (subject alternative names).
          - With O(certificates[].cert_file), the names the user's certificate must cover (it may hold more).
        type: list
        elements: str
        default: []
      ip_addresses:
        description:
          - IP addresses the certificate is valid for (subject alternative names).
          - With O(certificates[].cert_file), the addresses the user's certificate must cover (it may hold more).
        type: list
        elements: str
        default: []
      usages:
        description:
          - Extended key usages; a server's certificate serves both on its internal port.
          - With O(certificates[].cert_file), the usages the user's certificate needs when it has an extendedKeyUsage.
        type: list
        elements: str
        choices: [server, client]
        default: [server, client]
      cert_file:
        description:
          - The user's own certificate for this item (PEM, on the host the module runs on), signed directly by the
            CA; with O(certificates[].key_file). It is checked and copied, never issued.
        type: path
      key_file:
        description: The unencrypted PEM private key of O(certificates[].cert_file) (kept as PKCS#8, mode 0600).
        type: path
      validity_days:
        description: Validity of this certificate in days, instead of O(validity_days) (never beyond the CA's).
        type: int
      renew_before_days:
        description:
          - This certificate is issued again when it expires within this many days, instead of O(renew_before_days).
        type: int
      keystore:
        description:
          - Also keep C(<name>.p12), a PKCS12 keystore of the key, the certificate and the CA (for Kafka and the
            servers' Kafka clients). With any keystore the folder also holds C(truststore.p12), the CA as Java trusts
            it; both open with the password in C(stores.password) (0600, made once with random characters).
          - A store is written again only when it no longer holds the certificate (each writing differs).
        type: bool
        default: false
'''

EXAMPLES = r'''
- name: A CA on the controller and a certificate for one server and one client
  littlehorse.cluster.lh_pki:
    path: ~/.local/share/littlehorse/lh/pki
    certificates:
      - name: lh-server-1
        dns_names: [lh1.example.com, lh-server-1, localhost]
        ip_addresses: [10.0.0.1, 127.0.0.1]
      - name: lh-client
        usages: [client]
  delegate_to: localhost
  run_once: true

- name: Certificates signed by the user's CA
  littlehorse.cluster.lh_pki:
    path: /srv/lh/pki
    ca_cert_file: /srv/ca/ca.crt
    ca_key_file: /srv/ca/ca.key
    certificates:
      - {name: lh-server-101, dns_names: [lh1.example.com], ip_addresses: [10.0.0.1]}
      # the user's own certificate for this server: its SANs must cover lh2.example.com and 10.0.0.2
      - {name: lh-server-201, dns_names: [lh2.example.com], ip_addresses: [10.0.0.2],
         cert_file: /srv/certs/lh2.crt, key_file: /srv/certs/lh2.key}
  delegate_to: localhost
'''

RETURN = r'''
ca:
  description: The path of the CA certificate in O(path).
  returned: always
  type: str
  sample: /root/.local/share/littlehorse/lh/pki/ca.crt
truststore:
  description: Path of C(truststore.p12) (the CA, PKCS12), when an item asks for a keystore.
  returned: when an item of O(certificates) has O(certificates[].keystore)
  type: str
  sample: /root/.local/share/littlehorse/lh/pki/truststore.p12
store_password_file:
  description: Path of C(stores.password), the stores' password (its content is never returned).
  returned: when an item of O(certificates) has O(certificates[].keystore)
  type: str
  sample: /root/.local/share/littlehorse/lh/pki/stores.password
certificates:
  description: One entry per item of O(certificates), in order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The item's name.
      type: str
    cert:
      description: Path of the certificate.
      type: str
    key:
      description: Path of the key (its content is never returned).
      type: str
    action:
      description: V(kept), V(issued) (would be, in check mode) or V(given) (the user's O(certificates[].cert_file)).
      type: str
    reason:
      description: Why it was issued, or null when kept.
      type: str
    not_after:
      description: When the certificate expires (ISO 8601); in check mode that of the one it would issue.
      type: str
    keystore:
      description: Path of the item's PKCS12 keystore, when O(certificates[].keystore) is true.
      type: str
  sample: [{name: lh-server-1, cert: /root/pki/lh-server-1.crt, key: /root/pki/lh-server-1.key, action: kept,
            reason: null, not_after: "2027-11-26T01:30:00+00:00"}]
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def main():
    module = AnsibleModule(argument_spec=dict(
        path=dict(type="path", required=True),
        ca_cert_file=dict(type="path"),
        ca_key_file=dict(type="path", no_log=False),
        ca_common_name=dict(type="str", default="littlehorse cluster CA"),
        ca_validity_days=dict(type="int", default=3650),
        ca_renew_before_days=dict(type="int"),
        validity_days=dict(type="int", default=365),
        renew_before_days=dict(type="int", default=30),
        certificates=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            common_name=dict(type="str"),
            dns_names=dict(type="list", elements="str", default=[]),
            ip_addresses=dict(type="list", elements="str", default=[]),
            usages=dict(type="list", elements="str", choices=list(_pki.USAGES), default=list(_pki.USAGES)),
            cert_file=dict(type="path"),
            key_file=dict(type="path", no_log=False),
            validity_days=dict(type="int"),
            renew_before_days=dict(type="int"),
            keystore=dict(type="bool", default=False),
        ), required_together=[("cert_file", "key_file")]),
    ), required_by={"ca_key_file": "ca_cert_file"}, supports_check_mode=True)
    params = module.params
    if not _pki.HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib("cryptography"), exception=_pki.CRYPTOGRAPHY_IMPORT_ERROR)
    ca_renew_before_days = params["ca_renew_before_days"]
    problems = [_pki.validity_problem(params["validity_days"], params["renew_before_days"]),
                _pki.validity_problem(params["ca_validity_days"], params["renew_before_days"] if ca_renew_before_days
                                      is None else ca_renew_before_days, "ca_validity_days", "ca_renew_before_days")]
    for item in params["certificates"]:
        if item["validity_days"] is not None or item["renew_before_days"] is not None:
            days, renew_before_days = _pki.item_validity(item, params["validity_days"], params["renew_before_days"])
            where = "certificates[%s]." % item["name"]
            problems.append(_pki.validity_problem(days, renew_before_days, where + "validity_days",
                                                  where + "renew_before_days"))
    if any(problems):
        module.fail_json(msg="; ".join(p for p in problems if p))
    certificates = [dict(item, common_name=item["common_name"] or item["name"]) for item in params["certificates"]]
    try:
        result = _pki.ensure(params["path"], certificates, ca_cert_file=params["ca_cert_file"],
                             ca_key_file=params["ca_key_file"], ca_common_name=params["ca_common_name"],
                             ca_days=params["ca_validity_days"], days=params["validity_days"],
                             renew_before_days=params["renew_before_days"], check_mode=module.check_mode,
                             ca_renew_before_days=ca_renew_before_days)
    except LHClusterError as err:
        module.fail_json(msg=err.message)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

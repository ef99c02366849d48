# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pki role's settings against the plan's certificates (tls.certificates):
- pki_certificates(plan, validity): the certificates as littlehorse.cluster.lh_pki takes them, each with the validity
  and renewal window of its component - a server's, a Kafka node's, the dashboard's or the client file's (the pki
  role's pki_<component>_validity_days and pki_<component>_renew_before_days);
- pki_validity_problems(plan, validity, host): those settings that lh_pki would refuse, checked in the first play
  with lh_pki's own rule (module_utils/_pki.validity_problem), each naming the host, the settings and the fix."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._pki import validity_problem

COMPONENTS = ("server", "kafka", "dashboard", "client")


def certificate_components(plan):
    """{certificate name: component} of the plan's certificates, by what each one is issued for."""
    components = dict((s["container"], "server") for s in plan["servers"])
    components.update((n["container"], "kafka") for n in plan["kafka"]["nodes"])
    dashboard = plan.get("dashboard") or {}
    if (dashboard.get("tls") or {}).get("name"):
        components[dashboard["tls"]["name"]] = "dashboard"
    components[plan["tls"]["client_name"]] = "client"
    return components


def pki_certificates(plan, validity):
    """The plan's certificates, each with validity_days and renew_before_days of its component (validity:
    {component: {validity_days, renew_before_days}} for every one of COMPONENTS)."""
    if not isinstance(plan, Mapping) or "tls" not in plan:
        raise AnsibleFilterError("pki_certificates: use it as littlehorse_plan | littlehorse.cluster.pki_certificates(...)")
    missing = [c for c in COMPONENTS if not isinstance((validity or {}).get(c), Mapping)]
    if missing:
        raise AnsibleFilterError("pki_certificates: the validity of %s is missing" % ", ".join(missing))
    components = certificate_components(plan)
    certificates = []
    for item in plan["tls"]["certificates"]:
        if item["name"] not in components:
            raise AnsibleFilterError("pki_certificates: the plan's certificate %s is none of a server, a Kafka node, the "
                                     "dashboard or the client" % item["name"])
        own = validity[components[item["name"]]]
        certificates.append(dict(item, validity_days=int(own["validity_days"]),
                                 renew_before_days=int(own["renew_before_days"])))
    return certificates


def pki_validity_problems(plan, validity, host):
    """One message per component of the plan's certificates (and the CA, when the collection makes it) whose
    pki_<component>_validity_days is not above 0 or whose pki_<component>_renew_before_days is not below it."""
    if not isinstance(plan, Mapping) or "tls" not in plan:
        raise AnsibleFilterError("pki_validity_problems: use it as littlehorse_plan | "
                                 "littlehorse.cluster.pki_validity_problems(...)")
    if not plan["tls"].get("enabled"):
        return []
    components = certificate_components(plan)
    present = set(components.get(item["name"]) for item in plan["tls"]["certificates"])
    used = [c for c in COMPONENTS if c in present]
    if not plan["tls"].get("ca_cert_file"):
        used.append("ca")
    problems = []
    for component in used:
        days_name, renew_name = "pki_%s_validity_days" % component, "pki_%s_renew_before_days" % component
        try:
            days, renew = int(validity[component]["validity_days"]), int(validity[component]["renew_before_days"])
        except (KeyError, TypeError, ValueError):
            raise AnsibleFilterError("pki_validity_problems: the validity of %s is missing or not whole numbers"
                                     % component)
        problem = validity_problem(days, renew, days_name, renew_name)
        if problem:
            problems.append("host %s: %s; set %s to a number of days above 0 and %s to fewer days than that (how long "
                            "before expiry a certificate is issued again)" % (host, problem, days_name, renew_name))
    return problems


class FilterModule(object):
    def filters(self):
        return {"pki_certificates": pki_certificates, "pki_validity_problems": pki_validity_problems}

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""pki_certificates (plugins/filter/pki_certificates.py): each certificate of the plan gets the validity of what it is
issued for - a server, a Kafka node, the dashboard, the client file - as the pki role passes them to lh_pki."""
import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.littlehorse.cluster.plugins.filter.pki_certificates import pki_certificates, pki_validity_problems
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan

VALIDITY = {"server": {"validity_days": 365, "renew_before_days": 30},
            "kafka": {"validity_days": "180", "renew_before_days": "20"},
            "dashboard": {"validity_days": 90, "renew_before_days": 10},
            "client": {"validity_days": 30, "renew_before_days": 5},
            "ca": {"validity_days": 3650, "renew_before_days": 30}}


def secured_plan():
    """Three hosts, MTLS for the clients and the dashboard, Kafka over SSL: every kind of certificate."""
    groups = {"kafka": ["h1", "h2", "h3"], "littlehorse_servers": ["h1", "h2", "h3"], "littlehorse_dashboard": ["h1"]}
    common = {"littlehorse_listeners": [{"name": "SECURE", "protocol": "MTLS", "authentication": "MTLS"}],
              "littlehorse_kafka_security_protocol": "SSL"}
    hostvars = dict(("h%d" % i, dict({"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                      "littlehorse_server_id_base": 100 * i}, **common)) for i in (1, 2, 3))
    return cluster_plan(groups, hostvars)


def test_each_certificate_gets_the_validity_of_its_component_and_keeps_the_rest_of_its_item():
    plan = secured_plan()
    certificates = pki_certificates(plan, VALIDITY)
    assert [c["name"] for c in certificates] == [c["name"] for c in plan["tls"]["certificates"]]
    validity = dict((c["name"], (c["validity_days"], c["renew_before_days"])) for c in certificates)
    prefix = plan["cluster"]["prefix"]
    servers = [s["container"] for s in plan["servers"]]
    nodes = [n["container"] for n in plan["kafka"]["nodes"]]
    assert len(servers) == 3 and len(nodes) == 3
    assert validity == dict([(s, (365, 30)) for s in servers] + [(n, (180, 20)) for n in nodes] + [
        (plan["dashboard"]["tls"]["name"], (90, 10)), ("%s-client" % prefix, (30, 5))])
    for item, given in zip(certificates, plan["tls"]["certificates"]):
        assert dict((k, v) for k, v in item.items() if k not in ("validity_days", "renew_before_days")) == given
    assert "validity_days" not in plan["tls"]["certificates"][0], "the plan is not changed"


def test_every_component_needs_its_validity_and_only_the_plan_is_taken():
    plan = secured_plan()
    with pytest.raises(AnsibleFilterError, match="the validity of dashboard, client is missing"):
        pki_certificates(plan, dict((k, VALIDITY[k]) for k in ("server", "kafka")))
    with pytest.raises(AnsibleFilterError, match="littlehorse_plan | littlehorse.cluster.pki_certificates"):
        pki_certificates({"servers": []}, VALIDITY)
    plan["tls"]["certificates"].append({"name": "someone-else"})
    with pytest.raises(AnsibleFilterError, match="certificate someone-else is none of a server"):
        pki_certificates(plan, VALIDITY)


def test_a_renewal_window_not_below_its_validity_is_refused_naming_the_host_the_settings_and_the_fix():
    plan = secured_plan()
    assert pki_validity_problems(plan, VALIDITY, "h1") == []
    bad = dict(VALIDITY, client={"validity_days": "10", "renew_before_days": 30}, ca={"validity_days": 0,
                                                                                      "renew_before_days": 0})
    assert pki_validity_problems(plan, bad, "h1") == [
        "host h1: pki_client_renew_before_days must be 0 or more and below pki_client_validity_days (10), got 30; set "
        "pki_client_validity_days to a number of days above 0 and pki_client_renew_before_days to fewer days than that "
        "(how long before expiry a certificate is issued again)",
        "host h1: pki_ca_validity_days must be above 0, got 0; set pki_ca_validity_days to a number of days above 0 "
        "and pki_ca_renew_before_days to fewer days than that (how long before expiry a certificate is issued again)"]


def test_only_the_components_the_plan_has_certificates_of_are_checked():
    groups = {"kafka": ["h1"], "littlehorse_servers": ["h1", "h2"]}
    hostvars = dict(("h%d" % i, {"ansible_host": "10.0.0.%d" % i, "littlehorse_server_id_base": 100 * i})
                    for i in (1, 2))
    plan = cluster_plan(groups, hostvars)  # internal mTLS only: servers and the client, no Kafka, no dashboard
    bad = dict(VALIDITY, kafka={"validity_days": 1, "renew_before_days": 1},
               dashboard={"validity_days": 0, "renew_before_days": 0})
    assert pki_validity_problems(plan, bad, "h1") == []
    assert len(pki_validity_problems(plan, dict(bad, server={"validity_days": 5, "renew_before_days": 5}), "h1")) == 1
    off = cluster_plan(groups, dict((h, dict(v, littlehorse_internal_tls=False)) for h, v in hostvars.items()))
    assert pki_validity_problems(off, dict(bad, server={"validity_days": 0, "renew_before_days": 0}), "h1") == []

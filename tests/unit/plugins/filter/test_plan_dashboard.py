# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dashboard in the plan: where it is published (loopback unless it has a login or the flag says so) and how it
reaches the cluster (through the load balancer when that fronts its listener)."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan

LOCAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
         "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
         "littlehorse_reserved_ports": [2024]}
OAUTH_LISTENERS = [{"name": "PLAIN"}, {"name": "OAUTH", "protocol": "TLS", "authentication": "OAUTH", "port_offset": 2}]
OAUTH = {"littlehorse_listeners": OAUTH_LISTENERS,
         "littlehorse_oauth_introspect_url": "http://idp:8080/realms/lh/protocol/openid-connect/token/introspect",
         "littlehorse_oauth_client_id": "lh-server", "littlehorse_oauth_client_secret": "server-s3cret",
         "littlehorse_oauth_access_token_url": "https://idp.example.com/realms/lh/protocol/openid-connect/token",
         "littlehorse_oauth_worker_client_id": "lh-worker", "littlehorse_oauth_worker_client_secret": "worker-s3cret",
         "littlehorse_dashboard_listener": "OAUTH", "littlehorse_dashboard_oauth_client_id": "lh-dashboard",
         "littlehorse_dashboard_oauth_client_secret": "dash-s3cret",
         "littlehorse_dashboard_oauth_issuer_uri": "https://idp.example.com/realms/lh",
         "littlehorse_dashboard_oauth_encrypt_secret": "cookie-s3cret",
         "littlehorse_dashboard_oauth_callback_url": "https://dash.example.com:8080"}
TLS_FIRST = [{"name": "TLS", "protocol": "TLS"}, {"name": "PLAIN", "port_offset": 2}]
REFUSAL = ("host h1: the dashboard uses listener PLAIN (authentication NONE), so it has no login and anyone who reaches "
           "it can run workflows, and littlehorse_bind_address %s would publish it there; put the dashboard on an "
           "OAUTH listener (littlehorse_dashboard_listener, with its littlehorse_dashboard_oauth_* settings), or set "
           "littlehorse_dashboard_allow_unauthenticated: true on h1 to publish it on %s without a login")


def one_host(**extra):
    return ({"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]},
            {"local": dict(LOCAL, **extra)})


def three_hosts(**extra):
    groups = {"kafka": ["h1", "h2", "h3"], "littlehorse_servers": ["h1", "h2", "h3"], "littlehorse_dashboard": ["h1"]}
    hostvars = dict(("h%d" % i, dict({"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                      "littlehorse_server_id_base": 100 * i}, **extra)) for i in (1, 2, 3))
    return groups, hostvars


def with_balancer(groups, hostvars, host="lb", **values):
    groups["littlehorse_load_balancer"] = [host]
    shared = dict((k, v) for k, v in hostvars["h1"].items() if k == "littlehorse_listeners") if "h1" in hostvars else {}
    hostvars.setdefault(host, dict(shared, ansible_host="10.0.0.9")).update(values)
    return groups, hostvars


def refused(groups, hostvars, words):
    with pytest.raises(PlanError) as error:
        cluster_plan(groups, hostvars)
    assert words in str(error.value), str(error.value)


# ---- where it is published

def test_without_a_login_it_is_published_on_loopback_when_the_host_names_no_bind_address():
    plan = cluster_plan(*three_hosts())
    dashboard = plan["dashboard"]
    assert (dashboard["bind"], dashboard["published_ports"], dashboard["health_host"]) == (
        "127.0.0.1", ["127.0.0.1:8080:3000"], "127.0.0.1")
    # the host's other ports stay on every address; loopback is no address the preflight must find on the host
    assert plan["servers"][0]["published_ports"][0] == "0.0.0.0:2023:2023"
    assert plan["addresses"]["h1"] == {"10.0.0.1": "ansible_host"}
    assert cluster_plan(*one_host())["dashboard"]["published_ports"] == ["127.0.0.1:8080:3000"]


def test_a_loopback_bind_address_is_kept():
    assert cluster_plan(*one_host(littlehorse_bind_address="127.0.0.2"))["dashboard"]["published_ports"] == [
        "127.0.0.2:8080:3000"]


@pytest.mark.parametrize("address", ["10.0.0.1", "0.0.0.0"])
def test_a_public_bind_address_without_a_login_is_refused_naming_both_fixes(address):
    groups, hostvars = three_hosts()
    hostvars["h1"]["littlehorse_bind_address"] = address
    refused(groups, hostvars, REFUSAL % (address, address))


@pytest.mark.parametrize("bind,published", [(None, "0.0.0.0:8080:3000"), ("10.0.0.1", "10.0.0.1:8080:3000")])
def test_the_flag_publishes_it_where_the_host_publishes_its_ports(bind, published):
    groups, hostvars = three_hosts()
    hostvars["h1"]["littlehorse_dashboard_allow_unauthenticated"] = True
    if bind:
        hostvars["h1"]["littlehorse_bind_address"] = bind
    dashboard = cluster_plan(groups, hostvars)["dashboard"]
    assert dashboard["published_ports"] == [published]
    assert dashboard["health_host"] == (bind or "127.0.0.1")


def test_the_flag_must_be_a_boolean():
    groups, hostvars = three_hosts()
    hostvars["h1"]["littlehorse_dashboard_allow_unauthenticated"] = "maybe"
    refused(groups, hostvars, "host h1: littlehorse_dashboard_allow_unauthenticated must be true or false")


@pytest.mark.parametrize("bind,published", [(None, "0.0.0.0:8080:3000"), ("127.0.0.1", "127.0.0.1:8080:3000")])
def test_behind_an_oauth_listener_it_is_published_where_the_host_publishes_its_ports(bind, published):
    extra = dict(OAUTH, littlehorse_bind_address=bind) if bind else OAUTH
    assert cluster_plan(*one_host(**extra))["dashboard"]["published_ports"] == [published]


@pytest.mark.parametrize("listener", ["TLS", "SECURE"])
def test_tls_and_mtls_listeners_have_no_login_either(listener):
    listeners = [{"name": "TLS", "protocol": "TLS"},
                 {"name": "SECURE", "protocol": "MTLS", "authentication": "MTLS", "port_offset": 2}]
    groups, hostvars = three_hosts(littlehorse_listeners=listeners)
    hostvars["h1"].update(littlehorse_dashboard_listener=listener, littlehorse_bind_address="10.0.0.1")
    with pytest.raises(PlanError, match="uses listener %s \\(authentication " % listener):
        cluster_plan(groups, hostvars)
    del hostvars["h1"]["littlehorse_bind_address"]
    assert cluster_plan(groups, hostvars)["dashboard"]["bind"] == "127.0.0.1"


def test_an_engine_reached_from_elsewhere_cannot_check_a_loopback_dashboard():
    groups, hostvars = three_hosts()
    hostvars["h1"]["littlehorse_docker_host"] = "tcp://10.0.0.1:2376"
    refused(groups, hostvars, "host h1: the dashboard uses listener PLAIN (authentication NONE), so it has no login "
                              "and is published on 127.0.0.1 only, but littlehorse_docker_host has the collection "
                              "reach this host's engine from elsewhere")
    hostvars["h1"]["littlehorse_dashboard_allow_unauthenticated"] = True
    dashboard = cluster_plan(groups, hostvars)["dashboard"]
    assert (dashboard["published_ports"], dashboard["health_host"], dashboard["wait_host"]) == (
        ["0.0.0.0:8080:3000"], "10.0.0.1", "10.0.0.1")


# ---- how it reaches the cluster

def test_without_a_load_balancer_it_reaches_a_server_of_its_host():
    plan = cluster_plan(*three_hosts())
    dashboard = plan["dashboard"]
    assert (dashboard["api_host"], dashboard["api_port"]) == ("10.0.0.1", 2023)
    assert dashboard["target"] == {"via": "server", "host": "h1", "container": "lh-server-101",
                                   "api_host": "10.0.0.1", "api_port": 2023}
    assert cluster_plan(*one_host())["dashboard"]["target"]["api_host"] == "lh-server-1"


def test_across_hosts_it_reaches_the_cluster_through_the_load_balancer_and_dials_it_there():
    plan = cluster_plan(*with_balancer(*three_hosts(), littlehorse_load_balancer_port=2100))
    dashboard = plan["dashboard"]
    assert (dashboard["api_host"], dashboard["api_port"]) == ("10.0.0.9", 2100)
    assert dashboard["options"]["api_host"] == "10.0.0.9" and dashboard["options"]["api_port"] == 2100
    assert dashboard["target"] == {"via": "load_balancer", "host": "lb", "container": "lh-lb",
                                   "api_host": "10.0.0.9", "api_port": 2100}
    assert {"to": "lb", "address": "10.0.0.9", "port": 2100,
            "purpose": "the listen port of lh-lb, the dashboard's way to the cluster"} in plan["reach"]["h1"]
    assert not [p for p in plan["reach"]["h1"] if p["purpose"].endswith("the dashboard's way to the cluster")
                and p["to"] != "lb"]


def test_on_a_tls_listener_the_load_balancers_address_is_in_every_servers_certificate():
    plan = cluster_plan(*with_balancer(*three_hosts(littlehorse_listeners=TLS_FIRST)))
    dashboard = plan["dashboard"]
    assert (dashboard["listener"], dashboard["api_host"], dashboard["api_port"]) == ("TLS", "10.0.0.9", 2023)
    assert dashboard["options"]["api_protocol"] == "TLS"
    assert all("10.0.0.9" in s["tls"]["ip_addresses"] for s in plan["servers"])


def test_a_listener_the_load_balancer_does_not_front_goes_to_the_server():
    groups, hostvars = with_balancer(*three_hosts(littlehorse_listeners=TLS_FIRST))
    hostvars["h1"]["littlehorse_dashboard_listener"] = "PLAIN"
    dashboard = cluster_plan(groups, hostvars)["dashboard"]
    assert (dashboard["target"]["via"], dashboard["api_host"], dashboard["api_port"]) == ("server", "10.0.0.1", 2025)


def test_on_one_engine_a_plain_listener_goes_through_the_load_balancers_container():
    groups, hostvars = one_host(littlehorse_load_balancer_port=2000)
    groups["littlehorse_load_balancer"] = ["local"]
    plan = cluster_plan(groups, hostvars)
    assert (plan["dashboard"]["api_host"], plan["dashboard"]["api_port"]) == ("lh-lb", 2000)
    assert plan["reach"] == {"local": []}


def test_on_one_engine_a_tls_listener_stays_on_the_server_whose_certificate_names_it():
    groups, hostvars = one_host(littlehorse_load_balancer_port=2000, littlehorse_listeners=TLS_FIRST)
    groups["littlehorse_load_balancer"] = ["local"]
    plan = cluster_plan(groups, hostvars)
    assert (plan["dashboard"]["target"]["via"], plan["dashboard"]["api_host"]) == ("server", "lh-server-1")
    assert "lh-lb" not in plan["servers"][0]["tls"]["dns_names"]

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's security part: what is published where, the listeners from the inventory, the certificates."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan

LOCAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
         "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
         "littlehorse_bind_address": "127.0.0.1", "littlehorse_reserved_ports": [2024]}
THREE = [{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "port_offset": 2},
         {"name": "SECURE", "protocol": "MTLS", "authentication": "MTLS", "port_offset": 4}]


def one_host(**extra):
    return ({"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]},
            {"local": dict(LOCAL, **extra)})


def three_hosts(**extra):
    groups = {"kafka": ["h1", "h2", "h3"], "littlehorse_servers": ["h1", "h2", "h3"]}
    hostvars = dict(("h%d" % i, dict({"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                      "littlehorse_server_id_base": 100 * i}, **extra)) for i in (1, 2, 3))
    return groups, hostvars


def refused(groups, hostvars, *words):
    with pytest.raises(PlanError) as error:
        cluster_plan(groups, hostvars)
    for word in words:
        assert word in str(error.value), str(error.value)
    return str(error.value)


# ---- what is published where


def test_internal_and_kafka_ports_are_published_on_the_cluster_address_only():
    plan = cluster_plan(*three_hosts())
    for server in plan["servers"]:
        address = server["internal"]["advertised_host"]
        assert server["published_ports"][-1] == "%s:2011:2011" % address
        assert all(p.startswith("0.0.0.0:") for p in server["published_ports"][:-1])  # public and health as before
    for node in plan["kafka"]["nodes"]:
        assert [p.split(":")[0] for p in node["published_ports"]] == [node["advertised_host"]] * 2


def test_the_cluster_address_can_differ_from_the_advertised_host():
    groups, hostvars = three_hosts()
    for i in (1, 2, 3):
        hostvars["h%d" % i].update(littlehorse_advertised_host="lh%d.example.com" % i,
                                   littlehorse_cluster_address="192.168.0.%d" % i)
    plan = cluster_plan(groups, hostvars)
    server = plan["servers"][1]
    assert server["listeners"][0]["advertised_host"] == "lh2.example.com"
    assert server["internal"]["advertised_host"] == "192.168.0.2"
    assert "192.168.0.2:2011:2011" in server["published_ports"]
    assert plan["kafka"]["bootstrap"] == "192.168.0.1:9092,192.168.0.2:9092,192.168.0.3:9092"
    assert plan["reach"]["h1"][0]["address"] == "192.168.0.2"


def test_a_host_reached_by_name_needs_its_cluster_address():
    groups, hostvars = three_hosts()
    hostvars["h2"]["ansible_host"] = "lh2.example.com"
    refused(groups, hostvars, "host h2:", "neither ansible_host (lh2.example.com) nor the advertised host",
            "set littlehorse_cluster_address")
    hostvars["h2"]["littlehorse_cluster_address"] = "lh2"
    refused(groups, hostvars, "host h2: littlehorse_cluster_address 'lh2' is not an IPv4 address")


def test_all_addresses_only_when_asked_for():
    groups, hostvars = three_hosts()
    hostvars["h2"]["littlehorse_cluster_address"] = "0.0.0.0"
    server = cluster_plan(groups, hostvars)["servers"][1]
    assert "0.0.0.0:2011:2011" in server["published_ports"]
    assert server["internal"]["advertised_host"] == "10.0.0.2"


def test_a_bind_address_is_the_cluster_address():
    groups, hostvars = three_hosts()
    hostvars["h1"]["littlehorse_bind_address"] = "10.1.1.1"
    plan = cluster_plan(groups, hostvars)
    assert "10.1.1.1:2011:2011" in plan["servers"][0]["published_ports"]


def test_one_engine_publishes_no_internal_or_kafka_port():
    plan = cluster_plan(*one_host())
    assert plan["kafka"]["nodes"][0]["published_ports"] == []
    assert [len(s["published_ports"]) for s in plan["servers"]] == [2, 2, 2]


# ---- listeners from the inventory


def test_the_default_is_one_plain_listener():
    plan = cluster_plan(*one_host())
    assert [(l["name"], l["protocol"], l["authentication"]) for l in plan["servers"][0]["listeners"]] == [
        ("PLAIN", "PLAIN", "NONE")]
    assert plan["tls"]["enabled"] is False and plan["servers"][0]["tls"] is None
    assert "ca_cert_file" not in plan["servers"][0]["options"]
    assert plan["clients"]["protocol"] == "PLAIN" and plan["clients"]["bootstrap"] == "127.0.0.1:2023"


def test_three_listeners_on_every_server_with_offsets():
    plan = cluster_plan(*one_host(littlehorse_listeners=THREE))
    ports = [[l["port"] for l in s["listeners"]] for s in plan["servers"]]
    assert ports == [[2023, 2025, 2027], [2033, 2035, 2037], [2043, 2045, 2047]]
    server = plan["servers"][1]
    assert [l["name"] for l in server["listeners"]] == ["PLAIN", "TLS", "SECURE"]
    assert server["published_ports"] == ["127.0.0.1:2033:2033", "127.0.0.1:2035:2035", "127.0.0.1:2037:2037",
                                         "127.0.0.1:1832:1832"]
    tls = server["listeners"][1]
    assert tls["cert_file"] == "/etc/littlehorse/lh-server-2/tls/server.crt"
    assert tls["key_file"] == "/etc/littlehorse/lh-server-2/tls/server.key"
    assert "cert_file" not in server["listeners"][0]
    options = server["options"]
    assert options["ca_cert_file"] == "/etc/littlehorse/lh/tls/ca.crt"
    assert "internal_ca_cert_file" not in options  # one engine: internal TLS only when asked for
    assert plan["clients"]["listeners"]["SECURE"]["servers"] == ["127.0.0.1:2027", "127.0.0.1:2037", "127.0.0.1:2047"]


def test_reserved_port_is_refused_for_any_listener():
    listeners = [{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "port_offset": 1}]
    refused(*one_host(littlehorse_listeners=listeners), "host local: lh-server-1 listener TLS port would be 2024, which "
            "is reserved (littlehorse_reserved_ports)")


def test_listener_with_an_absolute_port_adds_the_port_step():
    listeners = [{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "port": 3023}]
    plan = cluster_plan(*one_host(littlehorse_listeners=listeners))
    assert [s["listeners"][1]["port"] for s in plan["servers"]] == [3023, 3033, 3043]


def test_certificates_cover_every_address_of_the_server():
    groups, hostvars = three_hosts(littlehorse_listeners=THREE)
    hostvars["h2"]["littlehorse_advertised_host"] = "lh2.example.com"
    plan = cluster_plan(groups, hostvars)
    certificates = plan["tls"].pop("certificates")
    assert plan["tls"] == {"enabled": True, "internal": True, "mtls": True, "client_name": "lh-client",
                           "ca": "/etc/littlehorse/lh/tls/ca.crt", "pki_dir": "~/.local/share/littlehorse/lh/pki",
                           "ca_cert_file": None, "ca_key_file": None, "kafka": False,
                           "truststore": "/etc/littlehorse/lh/tls/truststore.p12",
                           "store_password_file": "~/.local/share/littlehorse/lh/pki/stores.password",
                           "given": []}
    assert [c["name"] for c in certificates] == ["lh-server-101", "lh-server-201", "lh-server-301", "lh-client"]
    assert certificates[1] == {"name": "lh-server-201", "common_name": "lh-server-201",
                               "dns_names": ["lh2.example.com", "lh-server-201", "localhost"],
                               "ip_addresses": ["10.0.0.2", "127.0.0.1"], "usages": ["server", "client"],
                               "keystore": False}
    assert certificates[3]["usages"] == ["client"]
    tls = plan["servers"][1]["tls"]
    assert tls["dns_names"] == ["lh2.example.com", "lh-server-201", "localhost"]
    assert tls["ip_addresses"] == ["10.0.0.2", "127.0.0.1"]
    # what TLS clients connect to it at and check its certificate against (a certificate the user gives must cover)
    assert tls["reached_at"] == [
        {"name": "lh2.example.com", "why": "the advertised host of lh-server-201's listeners TLS, SECURE"},
        {"name": "10.0.0.2", "why": "lh-server-201's internal advertised host, for the other servers"}]
    options = plan["servers"][1]["options"]
    assert options["internal_ca_cert_file"] == "/etc/littlehorse/lh/tls/ca.crt"
    assert options["internal_server_cert_file"] == tls["cert"]
    assert options["internal_server_key_file"] == tls["key"]


def test_internal_tls_on_by_default_across_hosts_and_off_only_when_asked():
    assert cluster_plan(*three_hosts())["tls"]["internal"] is True
    assert "internal_server_cert_file" in cluster_plan(*three_hosts())["servers"][0]["options"]
    plan = cluster_plan(*three_hosts(littlehorse_internal_tls=False))
    assert plan["tls"]["enabled"] is False and "internal_server_cert_file" not in plan["servers"][0]["options"]
    plan = cluster_plan(*one_host(littlehorse_internal_tls=True))
    assert plan["servers"][0]["tls"]["dns_names"] == ["lh-server-1", "localhost"]
    assert plan["servers"][0]["options"]["internal_server_key_file"] == "/etc/littlehorse/lh-server-1/tls/server.key"


def test_the_client_listener_is_chosen():
    plan = cluster_plan(*one_host(littlehorse_listeners=THREE, littlehorse_client_listener="SECURE"))
    assert (plan["clients"]["listener"], plan["clients"]["port"], plan["clients"]["protocol"]) == ("SECURE", 2027, "MTLS")
    refused(*one_host(littlehorse_listeners=THREE, littlehorse_client_listener="NOPE"),
            "host local: littlehorse_client_listener 'NOPE' is not a listener of littlehorse_listeners (PLAIN, TLS, "
            "SECURE); name one of them")


def test_the_load_balancer_fronts_the_first_listener_and_is_in_the_certificates():
    groups, hostvars = three_hosts(littlehorse_listeners=THREE, littlehorse_load_balancer_port=2100)
    groups["littlehorse_load_balancer"] = ["h3"]
    plan = cluster_plan(groups, hostvars)
    assert plan["clients"]["bootstrap"] == "10.0.0.3:2100"
    assert plan["clients"]["listeners"]["TLS"]["bootstrap"] == "10.0.0.1:2025"
    assert "10.0.0.3" in plan["servers"][0]["tls"]["ip_addresses"]


@pytest.mark.parametrize("listeners,words", [
    ([{"name": "PLAIN"}, {"name": "OPEN", "protocol": "PLAIN", "authentication": "OAUTH", "port_offset": 1}],
     "host local: littlehorse_listeners[1] (OPEN): authentication OAUTH on protocol PLAIN would send every bearer "
     "token in clear text; set protocol: TLS (or MTLS) on this listener"),
    ([{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "authentication": "MTLS", "port_offset": 1}],
     "host local: littlehorse_listeners[1] (TLS): authentication MTLS needs protocol MTLS (it is TLS): only an MTLS "
     "listener asks clients for a certificate; set protocol: MTLS, or authentication: NONE"),
    ([{"name": "PLAIN"}, {"name": "TLS", "protocol": "SSL", "port_offset": 1}],
     "host local: littlehorse_listeners[1] (TLS): protocol 'SSL' is not one of PLAIN, TLS, MTLS"),
    ([{"name": "PLAIN"}, {"name": "TLS", "authentication": "BASIC", "port_offset": 1}],
     "authentication 'BASIC' is not one of NONE, MTLS, OAUTH"),
    ([{"name": "PLAIN"}, {"name": "PLAIN", "port_offset": 1}],
     "host local: littlehorse_listeners[1] (PLAIN): the name PLAIN is given twice (littlehorse_listeners[0] too)"),
    ([{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "port_offset": 0}],
     "host local: littlehorse_listeners[1] (TLS): port_offset 0 is given twice (littlehorse_listeners[0] too)"),
    ([{"name": "A", "port": 3000}, {"name": "B", "port": 3000}],
     "host local: littlehorse_listeners[1] (B): port 3000 is given twice"),
    ([{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS"}], "(TLS): give its port"),
    ([{"name": "plain"}], "name 'plain' must be set and hold only A-Z, 0-9 and '_'"),
    ([{"name": "PLAIN", "prot": "TLS"}], "littlehorse_listeners[0] has unknown key(s) prot"),
    (["PLAIN"], "littlehorse_listeners[0] = 'PLAIN' is not a dict"),
    ([], "littlehorse_listeners is empty"),
    ([{"name": "PLAIN", "port": 1, "port_offset": 1}], "give port or port_offset, not both"),
    ([{"name": "PLAIN"}, {"name": "SECURE", "protocol": "TLS", "authentication": "OAUTH", "port_offset": 1}],
     "host local: littlehorse_listeners[1] (SECURE): authentication OAUTH needs the secret of the servers' "
     "introspection client, and neither littlehorse_oauth_client_secret nor littlehorse_oauth_client_secret_file is "
     "set; set littlehorse_oauth_client_secret (an Ansible Vault variable) or littlehorse_oauth_client_secret_file (a "
     "file on the controller that holds it) in group_vars/all"),
])
def test_bad_listeners_are_refused_naming_host_setting_and_fix(listeners, words):
    refused(*one_host(littlehorse_listeners=listeners), words)


def test_listeners_must_be_the_same_on_every_host():
    groups, hostvars = three_hosts()
    hostvars["h2"]["littlehorse_listeners"] = THREE
    refused(groups, hostvars, "littlehorse_listeners differs between hosts", "set it once in group_vars/all")


def test_the_dashboard_follows_the_client_listener_or_its_own():
    first = cluster_plan(*one_host(littlehorse_listeners=THREE))["dashboard"]
    assert (first["listener"], first["options"]["api_protocol"], first["tls"]) == ("PLAIN", "PLAINTEXT", None)
    assert "ca_cert_file" not in first["options"]
    tls = cluster_plan(*one_host(littlehorse_listeners=THREE, littlehorse_client_listener="TLS"))
    dashboard = tls["dashboard"]
    assert (dashboard["listener"], dashboard["api_host"], dashboard["api_port"]) == ("TLS", "lh-server-1", 2025)
    assert dashboard["options"]["api_protocol"] == "TLS"
    assert dashboard["options"]["ca_cert_file"] == tls["tls"]["ca"]
    assert "client_cert_file" not in dashboard["options"] and dashboard["oauth"] is None
    assert "lh-dashboard" not in [c["name"] for c in tls["tls"]["certificates"]]
    # littlehorse_dashboard_listener wins over the client listener
    own = cluster_plan(*one_host(littlehorse_listeners=THREE, littlehorse_client_listener="TLS",
                                 littlehorse_dashboard_listener="PLAIN"))["dashboard"]
    assert (own["listener"], own["api_port"]) == ("PLAIN", 2023)


def test_a_dashboard_on_an_mtls_listener_gets_a_client_certificate_of_its_own():
    plan = cluster_plan(*one_host(littlehorse_listeners=THREE, littlehorse_dashboard_listener="SECURE"))
    dashboard = plan["dashboard"]
    assert dashboard["tls"] == {"ca": "/etc/littlehorse/lh/tls/ca.crt", "folder": "/etc/littlehorse/lh-dashboard/tls",
                                "name": "lh-dashboard", "cert": "/etc/littlehorse/lh-dashboard/tls/client.crt",
                                "key": "/etc/littlehorse/lh-dashboard/tls/client.key"}
    assert dashboard["options"] == {
        "name": "lh-dashboard", "api_host": "lh-server-1", "api_port": 2027, "api_protocol": "TLS",
        "published_ports": ["127.0.0.1:8080:3000"], "oauth_enabled": False,
        "ca_cert_file": "/etc/littlehorse/lh/tls/ca.crt", "client_cert_file": "/etc/littlehorse/lh-dashboard/tls/client.crt",
        "client_key_file": "/etc/littlehorse/lh-dashboard/tls/client.key",
        "network": "lh-net", "memory": "256m", "log_max_size": "50m", "log_max_files": 5}
    assert {"name": "lh-dashboard", "common_name": "lh-dashboard", "dns_names": [], "ip_addresses": [],
            "usages": ["client"], "keystore": False} in plan["tls"]["certificates"]
    # the client file's certificate stays its own
    assert plan["tls"]["client_name"] == "lh-client"


def test_the_dashboards_listener_must_exist():
    refused(*one_host(littlehorse_listeners=THREE, littlehorse_dashboard_listener="NOPE"),
            "host local: littlehorse_dashboard_listener 'NOPE' is not a listener of littlehorse_listeners (PLAIN, TLS, "
            "SECURE); name one of them")


DASHBOARD_OAUTH = {"littlehorse_dashboard_listener": "OAUTH",
                   "littlehorse_dashboard_oauth_client_id": "lh-dashboard",
                   "littlehorse_dashboard_oauth_client_secret": "dash-s3cret",
                   "littlehorse_dashboard_oauth_issuer_uri": "https://idp.example.com/realms/lh",
                   "littlehorse_dashboard_oauth_encrypt_secret_file": "/srv/secrets/dashboard-cookies",
                   "littlehorse_dashboard_oauth_callback_url": "http://dash.example.com:8080"}


def test_a_dashboard_on_an_oauth_listener_carries_its_oauth_settings_but_no_secret():
    plan = cluster_plan(*oauth(**DASHBOARD_OAUTH))
    dashboard = plan["dashboard"]
    assert dashboard["oauth"] == {
        "client_id": "lh-dashboard", "issuer_uri": "https://idp.example.com/realms/lh",
        "callback_url": "http://dash.example.com:8080", "client_secret_inline": True, "client_secret_file": None,
        "encrypt_secret_inline": False, "encrypt_secret_file": "/srv/secrets/dashboard-cookies"}
    options = dashboard["options"]
    assert (options["api_port"], options["api_protocol"], options["oauth_enabled"]) == (2029, "TLS", True)
    assert (options["oauth_client_id"], options["oauth_issuer_uri"], options["oauth_callback_url"]) == (
        "lh-dashboard", "https://idp.example.com/realms/lh", "http://dash.example.com:8080")
    assert "dash-s3cret" not in repr(plan)


@pytest.mark.parametrize("changes,words", [
    ({"littlehorse_dashboard_oauth_issuer_uri": None},
     "host local: the dashboard's listener OAUTH (littlehorse_dashboard_listener): authentication OAUTH needs "
     "littlehorse_dashboard_oauth_issuer_uri, which is not set; set it to the identity provider's issuer URI as the "
     "dashboard reaches it (LHD_OAUTH_ISSUER_URI), e.g. https://idp.example.com/realms/lh"),
    ({"littlehorse_dashboard_oauth_callback_url": "dash.example.com:8080"},
     "host local: littlehorse_dashboard_oauth_callback_url 'dash.example.com:8080' is not an http:// or https:// URL"),
    ({"littlehorse_dashboard_oauth_client_secret": None},
     "host local: the dashboard's listener OAUTH (littlehorse_dashboard_listener): authentication OAUTH needs the "
     "secret of the dashboard's OAuth client, and neither littlehorse_dashboard_oauth_client_secret nor "
     "littlehorse_dashboard_oauth_client_secret_file is set"),
    ({"littlehorse_dashboard_oauth_encrypt_secret": "x" * 32},
     "host local: littlehorse_dashboard_oauth_encrypt_secret and littlehorse_dashboard_oauth_encrypt_secret_file are "
     "both set"),
    ({"littlehorse_dashboard_listener": "TLS"},
     "host local: littlehorse_dashboard_oauth_client_id, littlehorse_dashboard_oauth_issuer_uri, "
     "littlehorse_dashboard_oauth_callback_url, littlehorse_dashboard_oauth_client_secret, "
     "littlehorse_dashboard_oauth_encrypt_secret_file are set, but the dashboard's listener TLS "
     "(littlehorse_dashboard_listener) has authentication NONE, so the dashboard would not use them; remove them, or "
     "set littlehorse_dashboard_listener to an OAUTH listener"),
    ({"littlehorse_dashboard_listener": "PLAIN", "littlehorse_dashboard_oauth_client_id": None,
      "littlehorse_dashboard_oauth_issuer_uri": None, "littlehorse_dashboard_oauth_callback_url": None,
      "littlehorse_dashboard_oauth_client_secret": None},
     "host local: littlehorse_dashboard_oauth_encrypt_secret_file is set, but the dashboard's listener PLAIN "
     "(littlehorse_dashboard_listener) has authentication NONE, so the dashboard would not use it; remove it, or set "
     "littlehorse_dashboard_listener to an OAUTH listener"),
])
def test_bad_dashboard_oauth_is_refused_naming_host_setting_and_fix(changes, words):
    refused(*oauth(**changed(DASHBOARD_OAUTH, changes)), words)


def test_the_users_ca_needs_its_key_unless_every_certificate_is_given():
    refused(*one_host(littlehorse_ca_key_file="/ca.key"), "host local: littlehorse_ca_cert_file and "
            "littlehorse_ca_key_file: give both")
    assert refused(*one_host(littlehorse_ca_cert_file="/ca.crt", littlehorse_listeners=THREE)) == (
        "host local: littlehorse_ca_key_file is not set, but the collection must sign certificates with your CA "
        "(littlehorse_ca_cert_file): the server lh-server-1 on local (no littlehorse_server_cert_file there), the "
        "server lh-server-2 on local (no littlehorse_server_cert_file there), the server lh-server-3 on local (no "
        "littlehorse_server_cert_file there), the client certificate lh-client (an MTLS listener); set "
        "littlehorse_ca_key_file to your CA's private key, or give each of those servers' hosts "
        "littlehorse_server_cert_file and littlehorse_server_key_file (the CA's key is needed anyway for the Kafka "
        "nodes' certificates and, with an MTLS listener, the client file's)")
    plan = cluster_plan(*one_host(littlehorse_ca_cert_file="/ca.crt", littlehorse_ca_key_file="/ca.key",
                                  littlehorse_pki_dir="/srv/pki"))
    assert (plan["tls"]["ca_cert_file"], plan["tls"]["pki_dir"]) == ("/ca.crt", "/srv/pki")


# ---- OAuth (an OAUTH listener): the servers' introspection and the clients' credentials

OAUTH_LISTENERS = [{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "port_offset": 2},
                   {"name": "OAUTH", "protocol": "TLS", "authentication": "OAUTH", "port_offset": 6}]
OAUTH = {"littlehorse_listeners": OAUTH_LISTENERS,
         "littlehorse_oauth_introspect_url": "http://idp:8080/realms/lh/protocol/openid-connect/token/introspect",
         "littlehorse_oauth_client_id": "lh-server", "littlehorse_oauth_client_secret": "server-s3cret",
         "littlehorse_oauth_access_token_url": "https://idp.example.com/realms/lh/protocol/openid-connect/token",
         "littlehorse_oauth_worker_client_id": "lh-worker",
         "littlehorse_oauth_worker_client_secret_file": "~/secrets/lh-worker"}


def changed(settings, changes):
    """settings with changes, a None removing the setting."""
    settings = dict(settings)
    for name, value in changes.items():
        if value is None:
            settings.pop(name, None)
        else:
            settings[name] = value
    return settings


def oauth(**changes):
    return one_host(**changed(OAUTH, changes))


def test_an_oauth_listener_carries_the_settings_but_no_secret():
    plan = cluster_plan(*oauth())
    assert plan["oauth"] == {
        "introspect_url": OAUTH["littlehorse_oauth_introspect_url"], "client_id": "lh-server",
        "access_token_url": OAUTH["littlehorse_oauth_access_token_url"], "worker_client_id": "lh-worker",
        "listeners": ["OAUTH"], "client_secret_inline": True, "client_secret_file": None,
        "worker_client_secret_inline": False, "worker_client_secret_file": "~/secrets/lh-worker"}
    assert "server-s3cret" not in repr(plan)
    listener = plan["servers"][0]["listeners"][2]
    assert (listener["name"], listener["port"], listener["protocol"], listener["authentication"]) == (
        "OAUTH", 2029, "TLS", "OAUTH")
    assert listener["cert_file"] == plan["servers"][0]["tls"]["cert"]
    clients = plan["clients"]["listeners"]["OAUTH"]
    assert (clients["authentication"], clients["bootstrap"]) == ("OAUTH", "127.0.0.1:2029")


def test_no_oauth_listener_no_oauth_plan():
    assert cluster_plan(*one_host(littlehorse_listeners=THREE, littlehorse_oauth_client_id="x"))["oauth"] is None
    assert cluster_plan(*one_host())["oauth"] is None


@pytest.mark.parametrize("name", ["littlehorse_oauth_introspect_url", "littlehorse_oauth_client_id",
                                  "littlehorse_oauth_access_token_url", "littlehorse_oauth_worker_client_id"])
def test_an_oauth_listener_without_a_setting_is_refused_naming_it(name):
    refused(*oauth(**{name: None}), "host local: littlehorse_listeners[2] (OAUTH): authentication OAUTH needs %s, "
            "which is not set; set it in group_vars/all to " % name)
    refused(*oauth(**{name: "  "}), "needs %s, which is not set" % name)


def test_an_oauth_listener_without_the_workers_secret_is_refused():
    refused(*oauth(littlehorse_oauth_worker_client_secret_file=None), "host local: littlehorse_listeners[2] (OAUTH): "
            "authentication OAUTH needs the secret of the clients' (workers', lhctl's) OAuth client, and neither "
            "littlehorse_oauth_worker_client_secret nor littlehorse_oauth_worker_client_secret_file is set")


@pytest.mark.parametrize("setting,what", [
    ("littlehorse_oauth_client_secret", "the secret of the servers' introspection client"),
    ("littlehorse_oauth_worker_client_secret", "the secret of the clients' (workers', lhctl's) OAuth client")])
def test_a_secret_given_inline_and_as_a_file_is_refused_without_showing_it(setting, what):
    message = refused(*oauth(**{setting: "very-s3cret", setting + "_file": "/srv/secret"}),
                      "host local: %s and %s_file are both set; give %s one way only - the Ansible Vault variable %s "
                      "or the file on the controller %s_file - and remove the other"
                      % (setting, setting, what, setting, setting))
    assert "very-s3cret" not in message
    # also without an OAUTH listener: the inventory says two things
    refused(*one_host(**{setting: "x", setting + "_file": "/srv/secret"}), "are both set")


def test_oauth_urls_and_secret_files_are_checked():
    refused(*oauth(littlehorse_oauth_introspect_url="idp:8080/introspect"), "host local: "
            "littlehorse_oauth_introspect_url 'idp:8080/introspect' is not an http:// or https:// URL; set it to the "
            "identity provider's token introspection endpoint")
    refused(*oauth(littlehorse_oauth_access_token_url="ftp://idp/token"), "littlehorse_oauth_access_token_url "
            "'ftp://idp/token' is not an http:// or https:// URL")
    refused(*oauth(littlehorse_oauth_worker_client_secret_file="secrets/w"), "host local: "
            "littlehorse_oauth_worker_client_secret_file 'secrets/w' is a relative path")


def test_oauth_settings_are_known_and_cluster_wide_without_showing_a_secret():
    refused(*oauth(littlehorse_oauth_client_secert="x"), "did you mean littlehorse_oauth_client_secret?")
    groups, hostvars = three_hosts(**OAUTH)
    hostvars["h2"]["littlehorse_oauth_client_secret"] = "other-s3cret"
    message = refused(groups, hostvars, "littlehorse_oauth_client_secret differs between hosts (a value on h1, "
                      "another value on h2)")
    assert "s3cret" not in message


# ---- the servers' certificates the user gives (littlehorse_server_cert_file, littlehorse_server_key_file)
GIVEN = {"littlehorse_server_cert_file": "/srv/h.crt", "littlehorse_server_key_file": "/srv/h.key"}


def test_a_given_certificate_serves_every_server_of_its_host_and_must_cover_all_their_names():
    groups, hostvars = three_hosts(littlehorse_listeners=THREE, littlehorse_ca_cert_file="/ca.crt",
                                   littlehorse_ca_key_file="/ca.key")
    hostvars["h2"].update(GIVEN, littlehorse_server_count=2, littlehorse_advertised_host="lh2.example.com")
    groups["littlehorse_load_balancer"] = ["h3"]
    hostvars["h3"]["littlehorse_load_balancer_port"] = 3000
    plan = cluster_plan(groups, hostvars)
    assert plan["tls"]["given"] == [{
        "host": "h2", "containers": ["lh-server-201", "lh-server-202"], "cert_file": "/srv/h.crt",
        "key_file": "/srv/h.key", "usages": ["server", "client"],
        "reached_at": [
            {"name": "lh2.example.com", "why": "the advertised host of lh-server-201's listeners TLS, SECURE; the "
                                               "advertised host of lh-server-202's listeners TLS, SECURE"},
            {"name": "10.0.0.2", "why": "lh-server-201's internal advertised host, for the other servers; "
                                        "lh-server-202's internal advertised host, for the other servers"}]}]
    certificates = dict((c["name"], c) for c in plan["tls"]["certificates"])
    assert certificates["lh-server-202"] == {
        "name": "lh-server-202", "common_name": "lh-server-202", "dns_names": ["lh2.example.com"],
        "ip_addresses": ["10.0.0.2"], "usages": ["server", "client"], "keystore": False,
        "cert_file": "/srv/h.crt", "key_file": "/srv/h.key"}
    assert "cert_file" not in certificates["lh-server-101"]
    # the servers mount it where they mount an issued one (lh_pki copies it into the PKI folder under their name)
    assert plan["servers"][1]["options"]["internal_server_cert_file"] == "/etc/littlehorse/lh-server-201/tls/server.crt"


def test_a_given_certificate_with_a_tls_first_listener_behind_the_load_balancer_must_cover_its_address():
    shared = dict(littlehorse_listeners=[{"name": "TLS", "protocol": "TLS"}], littlehorse_ca_cert_file="/ca.crt",
                  littlehorse_internal_tls=False)
    groups, hostvars = three_hosts(**dict(shared, **GIVEN))
    groups["littlehorse_load_balancer"] = ["lb"]
    hostvars["lb"] = dict(shared, ansible_host="10.0.0.9", littlehorse_advertised_host="lb.example.com")
    given = cluster_plan(groups, hostvars)["tls"]["given"][0]
    assert [r["name"] for r in given["reached_at"]] == ["10.0.0.1", "lb.example.com"]
    assert given["reached_at"][1]["why"] == "the load balancer lh-lb's address, in front of listener TLS"
    # no internal mutual TLS, no Kafka keystore: a server certificate alone does
    assert given["usages"] == ["server"]


def test_with_every_certificate_given_the_cas_key_is_not_needed():
    groups, hostvars = three_hosts(littlehorse_listeners=[{"name": "TLS", "protocol": "TLS"}],
                                   littlehorse_ca_cert_file="/ca.crt", **GIVEN)
    plan = cluster_plan(groups, hostvars)
    assert [c["name"] for c in plan["tls"]["certificates"]] == ["lh-server-101", "lh-server-201", "lh-server-301"]
    hostvars["h3"] = dict((k, v) for k, v in hostvars["h3"].items() if k not in GIVEN)
    refused(groups, hostvars, "host h1: littlehorse_ca_key_file is not set, but the collection must sign "
            "certificates with your CA (littlehorse_ca_cert_file): the server lh-server-301 on h3 (no "
            "littlehorse_server_cert_file there); set")
    groups, hostvars = three_hosts(littlehorse_ca_cert_file="/ca.crt", littlehorse_kafka_security_protocol="SSL",
                                   **GIVEN)
    refused(groups, hostvars, "the Kafka node lh-kafka-1 (Kafka over SSL)")


def test_given_certificates_are_refused_without_both_files_a_ca_or_a_tls_use():
    refused(*three_hosts(littlehorse_server_cert_file="/srv/h.crt"), "host h1: littlehorse_server_cert_file and "
            "littlehorse_server_key_file: give both (this host's servers' certificate and its key, PEM files on the "
            "controller) or neither (the collection issues their certificates)")
    assert refused(*three_hosts(**GIVEN)) == (
        "host h1: littlehorse_server_cert_file needs littlehorse_ca_cert_file, the CA that signed it (the servers and "
        "clients trust it); set littlehorse_ca_cert_file in group_vars/all (and littlehorse_ca_key_file when the "
        "collection issues the other certificates)")
    assert refused(*three_hosts(littlehorse_internal_tls=False, littlehorse_ca_cert_file="/ca.crt", **GIVEN)) == (
        "host h1: littlehorse_server_cert_file is set, but no listener of littlehorse_listeners is TLS or MTLS and the "
        "internal port is not mutual TLS, so the servers would serve it nowhere; unset littlehorse_server_cert_file "
        "and littlehorse_server_key_file, or add a TLS or MTLS listener (or set littlehorse_internal_tls: true)")
    # on internal mutual TLS alone (no TLS listener) it serves the internal port, as server and client certificate
    plan = cluster_plan(*three_hosts(littlehorse_ca_cert_file="/ca.crt", **GIVEN))
    assert [g["usages"] for g in plan["tls"]["given"]] == [["server", "client"]] * 3
    assert [r["name"] for r in plan["tls"]["given"][0]["reached_at"]] == ["10.0.0.1"]

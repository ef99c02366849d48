# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client file of a listener (clients.client_file, the role client_config writes it) and what the role says at
the end of a run (clients.client_summary). The expected files are those the role's former Jinja template rendered for
the same settings, byte for byte."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.clients import FilterModule
from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.clients import client_file, client_summary

HEADER = ("# Written by littlehorse.cluster (role client_config): a run of site.yml overwrites changes made here.\n"
          "# How task workers and lhctl reach the LittleHorse cluster (littlehorse.cluster.client_config).\n")
PATH = "/home/u/.config/littlehorse/lh-client.properties"
SECRET_PATH = "/home/u/.config/littlehorse/lh-client-oauth-secret.properties"
PLAIN = {"name": "PLAIN", "protocol": "PLAIN", "authentication": "NONE", "host": "127.0.0.1", "port": 2023,
         "servers": ["127.0.0.1:2023", "127.0.0.1:2033"],
         "client": {"protocol": "PLAINTEXT", "ca_cert": None, "client_cert": None, "client_key": None, "oauth": None}}
MTLS = {"name": "SECURE", "protocol": "MTLS", "authentication": "MTLS", "host": "h1.example", "port": 2025,
        "servers": ["h1.example:2025"],
        "client": {"protocol": "TLS", "ca_cert": "~/pki/ca.crt", "client_cert": "~/pki/lh-client.crt",
                   "client_key": "~/pki/lh-client.key", "oauth": None}}
OAUTH = {"name": "OAUTH", "protocol": "TLS", "authentication": "OAUTH", "host": "lb.example", "port": 2000,
         "servers": ["a:1", "b:2"],
         "client": {"protocol": "TLS", "ca_cert": "~/pki/ca.crt", "client_cert": None, "client_key": None,
                    "oauth": {"client_id": "w", "access_token_url": "https://idp/token", "client_secret_file": None}}}


@pytest.fixture(autouse=True)
def home(monkeypatch):
    monkeypatch.setenv("HOME", "/home/u")


def test_the_filters_are_registered():
    filters = FilterModule().filters()
    assert filters["client_file"] is client_file and filters["client_summary"] is client_summary


def test_a_plain_listener_gives_host_port_and_protocol():
    assert client_file(PLAIN, path=PATH, server_version="1.2.1") == HEADER + (
        "# Servers: 127.0.0.1:2023, 127.0.0.1:2033\n# Listener: PLAIN (PLAIN, authentication NONE)\n"
        "LHC_API_HOST=127.0.0.1\nLHC_API_PORT=2023\nLHC_API_PROTOCOL=PLAINTEXT\n")


def test_the_roles_settings_win_as_given_and_the_plans_paths_are_expanded():
    assert client_file(MTLS, protocol="PLAINTEXT", tenant="t1", worker_threads=4, ca_cert="~/mine/ca.crt",
                       path=PATH, server_version="1.2.1") == HEADER + (
        "# Servers: h1.example:2025\n# Listener: SECURE (MTLS, authentication MTLS)\n"
        "LHC_API_HOST=h1.example\nLHC_API_PORT=2025\nLHC_API_PROTOCOL=PLAINTEXT\nLHC_TENANT_ID=t1\n"
        "LHW_NUM_WORKER_THREADS=4\nLHC_CA_CERT=~/mine/ca.crt\nLHC_CLIENT_CERT=/home/u/pki/lh-client.crt\n"
        "LHC_CLIENT_KEY=/home/u/pki/lh-client.key\n")


def test_an_oauth_listener_says_where_its_secret_is_and_old_servers_get_the_listener_name():
    assert client_file(OAUTH, oauth_access_token_url="https://other/token", path=PATH, oauth_secret_path=SECRET_PATH,
                       server_version="0.10.2") == HEADER + (
        "# Servers: a:1, b:2\n# Listener: OAUTH (TLS, authentication OAUTH)\n"
        "LHC_API_HOST=lb.example\nLHC_API_PORT=2000\nLHC_API_PROTOCOL=TLS\nLHC_CA_CERT=/home/u/pki/ca.crt\n"
        "LHC_OAUTH_CLIENT_ID=w\nLHC_OAUTH_ACCESS_TOKEN_URL=https://other/token\n"
        "# The OAuth client secret (LHC_OAUTH_CLIENT_SECRET) is in %s (mode 0600): load\n"
        "# both files - a shell: set -a; . %s; . %s; set +a -\n"
        "# or, in a worker, LHConfig.load() of each file (Python), or both files in one Properties (Java).\n"
        "# Servers before 0.11 need the listener name from workers; later ones infer it.\n"
        "LHW_SERVER_CONNECT_LISTENER=OAUTH\n" % (SECRET_PATH, PATH, SECRET_PATH))


def test_the_oauth_client_id_and_certificates_of_the_role_go_on_any_listener():
    one = dict(PLAIN, servers=["127.0.0.1:2023"])
    assert client_file(one, client_cert="/c.crt", client_key="/c.key", oauth_client_id="mine", path=PATH,
                       server_version="1.2.1") == HEADER + (
        "# Servers: 127.0.0.1:2023\n# Listener: PLAIN (PLAIN, authentication NONE)\n"
        "LHC_API_HOST=127.0.0.1\nLHC_API_PORT=2023\nLHC_API_PROTOCOL=PLAINTEXT\nLHC_CLIENT_CERT=/c.crt\n"
        "LHC_CLIENT_KEY=/c.key\nLHC_OAUTH_CLIENT_ID=mine\n")


def test_the_file_is_made_of_a_listeners_entry_only():
    with pytest.raises(PlanError, match="littlehorse_plan.clients.listeners"):
        client_file({"name": "PLAIN"})


def test_the_summary_names_the_bootstrap_every_server_the_file_and_the_targets():
    plan = cluster_plan({"kafka": ["h"], "littlehorse_servers": ["h"]}, {"h": {"littlehorse_server_count": 2}})
    assert client_summary(plan, PATH, "/t.json") == [
        "LittleHorse answers at h:2023 (2 servers: h:2023, h:2033).",
        "Health: http://h:1822/readiness http://h:1832/readiness ",
        "Point a task worker or lhctl at it: set -a; . %s; set +a" % PATH,
        "Prometheus: file_sd_configs [{files: [/t.json]}] scrapes every server."]
    assert client_summary(plan, PATH, "")[-1] == (
        "No Prometheus targets file (client_config_prometheus_targets_path is empty).")

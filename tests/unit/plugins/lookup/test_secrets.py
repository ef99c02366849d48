# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secrets each role hands to its module, named once (plugin_utils/secrets.module_secrets) and read by the lookup
itself: a secret's file when the plan names one, else its Vault variable from the task's variables; only those the
plan uses."""
import pytest

from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.lookup.secrets import LookupModule
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.secrets import module_secrets

OAUTH = {"littlehorse_listeners": [{"name": "OAUTH", "protocol": "TLS", "authentication": "OAUTH"}],
         "littlehorse_oauth_introspect_url": "https://idp.example/introspect", "littlehorse_oauth_client_id": "lh",
         "littlehorse_oauth_access_token_url": "https://idp.example/token",
         "littlehorse_oauth_worker_client_id": "worker", "littlehorse_oauth_worker_client_secret": "w"}


def plan(groups=None, **settings):
    return cluster_plan(groups or {"kafka": ["h"], "littlehorse_servers": ["h"]},
                        {"h": dict({"littlehorse_server_count": 2}, **settings)})


def lookup(component, given, variables):
    loader = DataLoader()
    return LookupModule(loader=loader, templar=Templar(loader=loader, variables=variables)).run(
        [component], variables=variables, plan=given)


def test_a_plain_cluster_hands_no_secret_to_any_module():
    for component in ("server", "kafka", "dashboard"):
        assert module_secrets(plan(), component) == []
        assert lookup(component, plan(), {}) == [{}]


def test_sasl_ssl_gives_the_servers_and_the_nodes_the_sasl_password_and_the_stores_password(tmp_path):
    sasl = plan(littlehorse_kafka_security_protocol="SASL_SSL", littlehorse_kafka_sasl_password="kafka-pw")
    store_password = sasl["tls"]["store_password_file"]
    assert module_secrets(sasl, "kafka") == [("ssl_store_password", store_password, None),
                                             ("sasl_password", None, "littlehorse_kafka_sasl_password")]
    assert [option for option, dummy, dummy2 in module_secrets(sasl, "server")] == [
        "kafka_sasl_password", "kafka_truststore_password"]
    assert "kafka-pw" not in repr(sasl)
    # the Vault variable is read from the task's variables, a template of another one templated as the roles see it
    variables = {"littlehorse_kafka_sasl_password": trust_as_template("{{ vaulted }}"), "vaulted": "kafka-pw"}
    given = dict(sasl, tls=dict(sasl["tls"], store_password_file=str(tmp_path / "stores.password")))
    (tmp_path / "stores.password").write_text("stores-pw\n")
    assert lookup("kafka", given, variables) == [{"ssl_store_password": "stores-pw", "sasl_password": "kafka-pw"}]


def test_a_secret_given_as_a_file_is_read_from_it_and_one_that_cannot_be_read_is_named(tmp_path):
    (tmp_path / "oauth.secret").write_text("from-the-file\n")
    oauth = plan(littlehorse_oauth_client_secret_file=str(tmp_path / "oauth.secret"), **OAUTH)
    assert lookup("server", oauth, {"littlehorse_oauth_client_secret": "ignored"}) == [
        {"oauth_client_secret": "from-the-file"}]
    (tmp_path / "oauth.secret").unlink()
    with pytest.raises(AnsibleLookupError, match="the secret's file %s on the controller cannot be read" % (
            tmp_path / "oauth.secret")):
        lookup("server", oauth, {})


def test_the_dashboard_on_an_oauth_listener_gets_its_two_secrets():
    oauth = plan(groups={"kafka": ["h"], "littlehorse_servers": ["h"], "littlehorse_dashboard": ["h"]},
                 littlehorse_oauth_client_secret="s", littlehorse_dashboard_listener="OAUTH",
                 littlehorse_dashboard_oauth_client_id="dash", littlehorse_dashboard_oauth_issuer_uri="https://idp.example",
                 littlehorse_dashboard_oauth_callback_url="https://dash.example/callback",
                 littlehorse_dashboard_oauth_client_secret="c", littlehorse_dashboard_oauth_encrypt_secret="e",
                 dashboard_image="lh-dashboard:1.2.1", **OAUTH)
    assert lookup("dashboard", oauth, {"littlehorse_dashboard_oauth_client_secret": "c",
                                       "littlehorse_dashboard_oauth_encrypt_secret": "e"}) == [
        {"oauth_client_secret": "c", "oauth_encrypt_secret": "e"}]


@pytest.mark.parametrize("terms,kwargs,words", [
    (["server"], {}, "give the cluster plan as plan=littlehorse_plan"),
    (["monitoring"], None, "takes one term, the role: server, kafka, dashboard; not monitoring"),
    (["server", "kafka"], None, "takes one term"),
    (["server"], {"other": 1}, "takes the option plan only, not other"),
])
def test_wrong_calls_are_refused_naming_the_fix(terms, kwargs, words):
    if kwargs is None or "other" in kwargs:
        kwargs = dict(kwargs or {}, plan=plan())
    with pytest.raises(AnsibleLookupError, match=words):
        LookupModule().run(terms, variables={}, **kwargs)

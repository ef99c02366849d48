# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import json
import os
import stat
import tarfile

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._diagnostics import (
    REDACTED, Redactor, bundle_files, collect, container_names, env_secrets, host_error, redact_env, redactor_from,
    state_of, write_bundle)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

SECRET = "s3cr3t-Value-9f2"
JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="lh" password="pw-77aa";'


class NotFound(Exception):
    pass


def attrs(name, env, status="running", exit_code=0):
    return {"Name": "/" + name, "Id": name + "-id", "Image": "sha256:" + name, "Created": "2026-11-26T00:00:00Z",
            "RestartCount": 2,
            "State": {"Status": status, "Running": status == "running", "ExitCode": exit_code, "OOMKilled": False,
                      "Error": "", "StartedAt": "2026-11-26T00:00:01Z", "FinishedAt": "0001-01-01T00:00:00Z",
                      "Health": {"Status": "healthy"}},
            "Config": {"Image": "lh-testbed/" + name, "Env": env, "Labels": {"a": "b"}},
            "NetworkSettings": {"SandboxKey": "/var/run/docker/netns/abc"}}


class FakeApi(object):
    def __init__(self, containers, logs, listed):
        self.by_name, self.log_text, self.listed = containers, logs, listed
        self.log_calls = []

    def containers(self, all=False):
        return self.listed

    def inspect_container(self, name):
        if name not in self.by_name:
            raise NotFound(name)
        return self.by_name[name]

    def logs(self, name, **kwargs):
        self.log_calls.append((name, kwargs))
        if name not in self.log_text:
            raise RuntimeError("no logs for " + name)
        return self.log_text[name].encode("utf-8")


class FakeClient(object):
    def __init__(self, containers=None, logs=None, listed=None):
        self.api = FakeApi(containers or {}, logs or {}, listed or [])

    def version(self):
        return {"Version": "26.1.5", "ApiVersion": "1.45", "Arch": "amd64"}

    def info(self):
        return {"OperatingSystem": "Debian GNU/Linux 13 (trixie)", "NCPU": 2, "DockerRootDir": "/var/lib/docker"}


# --- names and values -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["LHS_OAUTH_CLIENT_SECRET", "KAFKA_SSL_KEYSTORE_PASSWORD", "LHS_KAFKA_SASL_JAAS_CONFIG",
                                  "api_token", "AWS_SECRET_ACCESS_KEY", "db_credentials", "LHD_OAUTH_ENCRYPT_SECRET",
                                  "ssl.key.password", "client_config_oauth_client_secret"])
def test_secret_looking_names(name):
    assert Redactor().is_secret_name(name)


@pytest.mark.parametrize("name", ["LHS_CLUSTER_ID", "KAFKA_NODE_ID", "JAVA_OPTS", "PATH", "LHS_LISTENERS", "host", ""])
def test_other_names(name):
    assert not Redactor().is_secret_name(name)


def test_env_secrets_and_redact_env():
    env = ["LHS_CLUSTER_ID=lh", "KAFKA_SSL_KEYSTORE_PASSWORD=" + SECRET, "LHS_X_TOKEN=", "NOEQUALS",
           "JAVA_OPTS=-Dsecret.holder=" + SECRET]
    redactor = Redactor()
    names, values = env_secrets(env, redactor)
    assert names == ["KAFKA_SSL_KEYSTORE_PASSWORD", "LHS_X_TOKEN"]
    assert values == [SECRET]
    redactor.add_values(values)
    assert redact_env(env, redactor) == ["LHS_CLUSTER_ID=lh", "KAFKA_SSL_KEYSTORE_PASSWORD=" + REDACTED, "LHS_X_TOKEN=",
                                         "NOEQUALS", "JAVA_OPTS=-Dsecret.holder=" + REDACTED]


def test_text_removes_known_values_and_secret_assignments():
    redactor = Redactor(values=[SECRET, "abc", None, True, 12345])
    line = "connected with %s; sasl.jaas.config=%s user=lh password=hunter22 n=12345" % (SECRET, JAAS)
    cleaned = redactor.text(line)
    assert SECRET not in cleaned and "hunter22" not in cleaned and "pw-77aa" not in cleaned
    assert "12345" not in cleaned  # a number given as secret is removed as text
    assert "user=lh" in cleaned and "connected with %s" % REDACTED in cleaned
    assert "abc" in redactor.text("abc")  # too short to remove from free text
    assert redactor.text("") == "" and redactor.text(None) is None


def test_longest_value_first():
    redactor = Redactor(values=["secret-one", "secret-one-and-more"])
    assert redactor.text("x secret-one-and-more y") == "x %s y" % REDACTED


def test_data_redacts_by_key_and_value():
    redactor = Redactor(values=[SECRET])
    plan = {"servers": [{"options": {"oauth_client_secret": "plain-secret", "kafka_keystore_password_file": "/p",
                                     "health_port": 1822, "note": "has %s inside" % SECRET,
                                     "api_keys": ["k-1111", "k-2222"], "empty_token": ""}}],
            SECRET: "as a key"}
    cleaned = redactor.data(plan)
    options = cleaned["servers"][0]["options"]
    assert options["oauth_client_secret"] == REDACTED and options["kafka_keystore_password_file"] == REDACTED
    assert options["health_port"] == 1822 and options["note"] == "has %s inside" % REDACTED
    assert options["api_keys"] == [REDACTED, REDACTED] and options["empty_token"] == ""
    assert REDACTED in cleaned and SECRET not in json.dumps(cleaned)
    assert plan["servers"][0]["options"]["oauth_client_secret"] == "plain-secret"  # a copy


def test_a_bad_pattern_is_an_error():
    with pytest.raises(Exception):
        Redactor("(")


# --- what a host holds ----------------------------------------------------------------------------------------

def test_container_names_planned_first_then_prefixed_leftovers():
    listed = [{"Names": ["/lh-server-9"]}, {"Names": ["/lh-server-1"]}, {"Names": ["/other"]},
              {"Names": ["/lh-kafka-7"]}, {"Names": None}]
    assert container_names(["lh-server-1", "lh-dashboard"], listed, "lh-") == [
        "lh-server-1", "lh-dashboard", "lh-kafka-7", "lh-server-9"]
    assert container_names(["a"], listed, "") == ["a"]


def test_state_of():
    state = state_of(attrs("lh-server-1", [], status="exited", exit_code=137))
    assert state["status"] == "exited" and state["exit_code"] == 137 and not state["running"]
    assert state["restart_count"] == 2 and state["health"] == "healthy" and state["image"] == "lh-testbed/lh-server-1"


def test_collect_removes_every_secret_and_reports_what_it_could_not_read():
    kafka_env = ["CLUSTER_ID=abc", "KAFKA_SSL_KEYSTORE_PASSWORD=" + SECRET]
    server_env = ["LHS_CLUSTER_ID=lh", "LHS_X_API_TOKEN=tok-5555-aaaa", "JAVA_OPTS=-Xmx1g"]
    client = FakeClient(
        containers={"lh-kafka-1": attrs("lh-kafka-1", kafka_env), "lh-server-1": attrs("lh-server-1", server_env),
                    "lh-server-9": attrs("lh-server-9", ["LHS_CLUSTER_ID=lh"], status="exited", exit_code=1)},
        logs={"lh-kafka-1": "start\nssl.keystore.password = [hidden]\n",
              # a server logs the other container's secret and its own, and a user's value
              "lh-server-1": "boot %s\nLHS_X_API_TOKEN=tok-5555-aaaa\nuser value vault-77-xyz\n" % SECRET},
        listed=[{"Names": ["/lh-server-9"]}, {"Names": ["/unrelated"]}])
    fetched = []

    def fetch(url):
        fetched.append(url)
        if url.endswith("/status"):
            return 200, json.dumps({"coreState": "RUNNING", "echo": SECRET})
        if "1832" in url:
            return None, "connection refused"
        return 200, '{"diskUsageBytes": 455603}'

    result = collect(client, containers=["lh-kafka-1", "lh-server-1", "lh-dashboard"], name_prefix="lh-",
                     servers=[{"name": "lh-server-1", "host": "127.0.0.1", "health_port": 1822},
                              {"name": "lh-server-2", "host": "127.0.0.1", "health_port": 1832}],
                     log_lines=50, redactor=Redactor(values=["vault-77-xyz"]), fetch=fetch, sdk_version="7.1.0")
    text = json.dumps(result)
    for secret in (SECRET, "tok-5555-aaaa", "vault-77-xyz"):
        assert secret not in text
    assert result["engine"]["version"] == "26.1.5" and result["engine"]["sdk_version"] == "7.1.0"
    by_name = dict((c["name"], c) for c in result["containers"])
    assert list(by_name) == ["lh-kafka-1", "lh-server-1", "lh-dashboard", "lh-server-9"]
    assert by_name["lh-dashboard"] == {"name": "lh-dashboard", "planned": True, "exists": False, "error": ""}
    assert by_name["lh-server-9"]["planned"] is False and by_name["lh-server-9"]["state"]["exit_code"] == 1
    assert by_name["lh-server-9"]["logs"] == "" and "no logs for lh-server-9" in by_name["lh-server-9"]["logs_error"]
    assert "KAFKA_SSL_KEYSTORE_PASSWORD=" + REDACTED in by_name["lh-kafka-1"]["inspect"]["Config"]["Env"]
    assert by_name["lh-kafka-1"]["redacted_env"] == ["KAFKA_SSL_KEYSTORE_PASSWORD"]
    assert "boot %s" % REDACTED in by_name["lh-server-1"]["logs"]
    assert result["redaction"]["redacted_env"] == {"lh-kafka-1": ["KAFKA_SSL_KEYSTORE_PASSWORD"],
                                                   "lh-server-1": ["LHS_X_API_TOKEN"]}
    assert ("lh-server-1", {"stdout": True, "stderr": True, "timestamps": True, "tail": 50}) in client.api.log_calls
    servers = dict((s["name"], s) for s in result["servers"])
    assert servers["lh-server-1"]["status"]["body"]["coreState"] == "RUNNING"
    assert servers["lh-server-1"]["diskUsage"] == {"status_code": 200, "body": {"diskUsageBytes": 455603}, "error": ""}
    assert servers["lh-server-2"]["diskUsage"] == {"status_code": None, "body": None, "error": "connection refused"}
    assert fetched[:2] == ["http://127.0.0.1:1822/status", "http://127.0.0.1:1822/diskUsage"]


def test_collect_reports_an_engine_error_for_one_container():
    class Broken(FakeApi):
        def inspect_container(self, name):
            raise RuntimeError("500 Server Error: " + SECRET)

    client = FakeClient()
    client.api = Broken({}, {}, [])
    result = collect(client, containers=["lh-server-1"], redactor=Redactor(values=[SECRET]))
    assert result["containers"][0]["exists"] is False
    assert result["containers"][0]["error"] == "500 Server Error: " + REDACTED


# --- the archive ----------------------------------------------------------------------------------------------

def host_result():
    client = FakeClient(containers={"lh-server-1": attrs("lh-server-1", ["LHS_CLUSTER_ID=lh"])},
                        logs={"lh-server-1": "line 1\nline 2 user-secret-42\n"})
    return collect(client, containers=["lh-server-1", "lh-kafka-1"],
                   servers=[{"name": "lh-server-1", "host": "127.0.0.1", "health_port": 1822}],
                   fetch=lambda url: (200, '{"ok": true}'))


def test_host_error():
    assert host_result() and host_error(host_result()) is None
    assert host_error({"unreachable": True, "msg": "ssh: no route"}) == "ssh: no route"
    assert host_error({"failed": True, "msg": "engine down"}) == "engine down"
    assert "not read" in host_error({}) and "not read" in host_error(None)


def test_bundle_files_and_archive(tmp_path):
    plan = {"cluster": {"prefix": "lh"}, "clients": {"oauth_client_secret": "plan-secret-1"},
            "servers": [{"container": "lh-server-1", "note": "user-secret-42"}]}
    hosts = {"h1": host_result(), "h2": {"unreachable": True, "msg": "Failed to connect: user-secret-42"}}
    files = bundle_files(plan, hosts, Redactor(values=["user-secret-42"]), "2026-11-26T01:00:00Z", log_lines=50)
    assert sorted(files) == [
        "hosts/h1/containers/lh-kafka-1/state.json", "hosts/h1/containers/lh-server-1/inspect.json",
        "hosts/h1/containers/lh-server-1/logs.txt", "hosts/h1/containers/lh-server-1/state.json",
        "hosts/h1/engine.json", "hosts/h1/servers/lh-server-1/diskUsage.json",
        "hosts/h1/servers/lh-server-1/status.json", "hosts/h2/error.txt", "plan.json", "summary.json"]
    everything = "".join(files.values())
    assert "user-secret-42" not in everything and "plan-secret-1" not in everything
    summary = json.loads(files["summary.json"])
    assert summary["hosts"]["h2"] == {"error": "Failed to connect: " + REDACTED}
    assert summary["hosts"]["h1"]["containers"] == {"lh-kafka-1": "absent", "lh-server-1": "running"}
    assert summary["hosts"]["h1"]["servers"] == {"lh-server-1": {"status": 200, "diskUsage": 200}}
    assert summary["log_lines"] == 50
    assert json.loads(files["plan.json"])["clients"]["oauth_client_secret"] == REDACTED

    path = str(tmp_path / "new" / "littlehorse-diagnostics-lh-1.tar.gz")
    members = write_bundle(path, files, clock=lambda: 1000)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    with tarfile.open(path) as archive:
        names = archive.getnames()
        assert names == members and all(n.startswith("littlehorse-diagnostics-lh-1/") for n in names)
        logs = archive.extractfile("littlehorse-diagnostics-lh-1/hosts/h1/containers/lh-server-1/logs.txt").read()
    assert logs.decode("utf-8") == "line 1\nline 2 %s\n" % REDACTED
    assert os.listdir(os.path.dirname(path)) == ["littlehorse-diagnostics-lh-1.tar.gz"]  # no temporary file left


def test_write_bundle_leaves_nothing_when_it_fails(tmp_path):
    with pytest.raises(Exception):
        write_bundle(str(tmp_path / "x.tar.gz"), {"bad": object()})
    assert os.listdir(str(tmp_path)) == []


def test_redactor_from_module_options_names_a_pattern_that_is_no_regular_expression():
    redactor = redactor_from({"secret_name_pattern": "PASSWORD", "secret_values": ["s3cr3t-value"]})
    assert "s3cr3t-value" not in redactor.text("token s3cr3t-value here")
    with pytest.raises(LHClusterError, match=r"secret_name_pattern: '\(' is not a regular expression"):
        redactor_from({"secret_name_pattern": "(", "secret_values": []})

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    FILES_DIGEST_LABEL, MANAGED_ENV_LABEL, MANAGED_LABELS_LABEL, MASK, ContainerSpec, Mount, Reconciler, desired_settings,
    differences, files_digest, normalise_image, normalise_port, normalise_ports, running_settings)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def spec(**overrides):
    values = dict(name="c1", image="img:1", env={"A": "1", "SECRET": "s"}, network="net",
                  published_ports=["127.0.0.1:2023:2023"], mounts=[Mount("/data", volume="vol")],
                  stop_timeout=120, secret_env=["SECRET"])
    values.update(overrides)
    return ContainerSpec(**values)


def running_attrs(env, labels, ports=None, image="sha256:1", image_name="img:1", mounts=None, running=True,
                  network="net"):
    return {
        "Id": "abcdef1234567890", "Name": "/c1", "Image": image,
        "State": {"Running": running, "Status": "running" if running else "exited"},
        "Config": {"Image": image_name, "Env": ["%s=%s" % kv for kv in env.items()] + ["PATH=/usr/bin"],
                   "Labels": labels, "StopTimeout": 120},
        "HostConfig": {"NetworkMode": network, "RestartPolicy": {"Name": "unless-stopped"},
                       "PortBindings": ports if ports is not None else {"2023/tcp": [{"HostIp": "127.0.0.1", "HostPort": "2023"}]}},
        "Mounts": mounts if mounts is not None else [{"Type": "volume", "Name": "vol", "Destination": "/data", "RW": True}],
        "NetworkSettings": {"Networks": {network: {"Aliases": ["abcdef123456", "c1"], "IPAddress": "172.18.0.2"}}},
    }


def matching_attrs(desired_spec, **overrides):
    desired = desired_settings(desired_spec, "sha256:1")
    return running_attrs(desired_spec.env, dict(desired["labels"]), **overrides)


# ---- normalisation

@pytest.mark.parametrize("text,expected", [
    ("2023:2023", "0.0.0.0:2023:2023/tcp"),
    ("127.0.0.1:1822:1822", "127.0.0.1:1822:1822/tcp"),
    ("10.0.0.1:53:53/udp", "10.0.0.1:53:53/udp"),
    (" 127.0.0.1:41000:2023/tcp ", "127.0.0.1:41000:2023/tcp"),
])
def test_ports_are_normalised(text, expected):
    assert normalise_port(text) == expected


@pytest.mark.parametrize("text", ["2023", "a:b", "1:70000", "0:2023", "1:2:3/sctp"])
def test_bad_ports_name_the_option(text):
    with pytest.raises(LHClusterError, match="published_ports"):
        normalise_port(text)


def test_a_host_port_published_twice_is_refused():
    with pytest.raises(LHClusterError, match="published twice"):
        normalise_ports(["2023:2023", "0.0.0.0:2023:2024"])


def test_port_order_and_spelling_do_not_matter():
    assert normalise_ports(["127.0.0.1:2:2", "1:1"]) == normalise_ports(["0.0.0.0:1:1/tcp", "127.0.0.1:2:2"])


@pytest.mark.parametrize("given,expected", [
    ("kafka", "kafka:latest"),
    ("apache/kafka", "apache/kafka:latest"),
    ("localhost:5000/lh/server", "localhost:5000/lh/server:latest"),
    ("lh-testbed/kafka:4.1.1", "lh-testbed/kafka:4.1.1"),
    ("img@sha256:abc", "img@sha256:abc"),
])
def test_image_names_are_normalised(given, expected):
    assert normalise_image(given) == expected


# ---- comparison

def test_same_settings_make_no_difference():
    desired = desired_settings(spec(), "sha256:1")
    assert differences(desired, running_settings(matching_attrs(spec()), desired)) == {}


def test_env_the_image_adds_is_ignored_but_a_removed_option_is_noticed():
    desired = desired_settings(spec(env={"A": "1"}), "sha256:1")
    labels = dict(desired["labels"])
    labels[MANAGED_ENV_LABEL] = "A,OLD"
    attrs = running_attrs({"A": "1", "OLD": "x"}, labels)
    changed = differences(desired, running_settings(attrs, desired))
    assert changed["env"] == {"before": {"OLD": "x"}, "after": {}}
    assert set(changed) == {"env", "labels"}


def test_a_changed_secret_is_masked_in_the_diff():
    desired = desired_settings(spec(env={"SECRET": "new"}), "sha256:1")
    attrs = running_attrs({"SECRET": "old"}, dict(desired["labels"]))
    changed = differences(desired, running_settings(attrs, desired), secret_env=["SECRET"])
    assert changed["env"] == {"before": {"SECRET": MASK}, "after": {"SECRET": MASK}}


def test_a_new_image_id_and_ports_are_differences():
    desired = desired_settings(spec(published_ports=["127.0.0.1:2033:2023"]), "sha256:2")
    changed = differences(desired, running_settings(matching_attrs(spec()), desired))
    assert set(changed) == {"image_id", "published_ports"}
    assert changed["published_ports"]["after"] == ["127.0.0.1:2033:2023/tcp"]


def test_another_name_for_the_same_image_id_is_a_difference():
    desired = desired_settings(spec(image="img:2"), "sha256:1")
    changed = differences(desired, running_settings(matching_attrs(spec()), desired))
    assert changed == {"image": {"before": "img:1", "after": "img:2"}}


def test_labels_the_user_did_not_give_are_not_compared_but_a_dropped_one_is():
    desired = desired_settings(spec(), "sha256:1")
    assert differences(desired, running_settings(matching_attrs(spec(), ), desired)) == {}
    labels = dict(desired["labels"], other="kept")
    attrs = running_attrs(spec().env, labels)
    assert differences(desired, running_settings(attrs, desired)) == {}
    labels = dict(desired["labels"], team="a")
    labels[MANAGED_LABELS_LABEL] = "team"
    changed = differences(desired, running_settings(running_attrs(spec().env, labels), desired))
    assert changed["labels"]["before"] == {"team": "a", MANAGED_LABELS_LABEL: "team"}


def test_an_anonymous_volume_of_the_image_is_ignored():
    anonymous = {"Type": "volume", "Name": "f" * 64, "Destination": "/lh-data", "RW": True}
    named = {"Type": "volume", "Name": "vol", "Destination": "/data", "RW": True}
    desired = desired_settings(spec(), "sha256:1")
    attrs = matching_attrs(spec(), mounts=[named, anonymous])
    assert differences(desired, running_settings(attrs, desired)) == {}


def test_an_anonymous_volume_where_a_named_one_is_wanted_is_a_difference():
    anonymous = {"Type": "volume", "Name": "f" * 64, "Destination": "/data", "RW": True}
    desired = desired_settings(spec(), "sha256:1")
    changed = differences(desired, running_settings(matching_attrs(spec(), mounts=[anonymous]), desired))
    assert changed["mounts"]["after"] == ["volume:vol:/data:rw"]


def test_the_default_bridge_is_one_network_whatever_the_engine_calls_it():
    desired = desired_settings(spec(network=None), "sha256:1")
    attrs = matching_attrs(spec(network=None), network="default")
    assert differences(desired, running_settings(attrs, desired)) == {}


def test_a_renewed_file_changes_the_digest_and_check_mode_digests_the_content_to_be_written(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("old")
    before = files_digest([Mount("/s", host_path=str(secret))])
    assert files_digest([Mount("/s", host_path=str(secret), content="new")]) != before
    secret.write_text("new")
    assert files_digest([Mount("/s", host_path=str(secret))]) == files_digest(
        [Mount("/s", host_path=str(secret), content="new")])


# ---- the engine's decisions, on a stand-in for the engine's API

class FakeApi(object):
    def __init__(self, attrs):
        self.attrs = attrs
        self.calls = []

    def inspect_container(self, name):
        if self.attrs is None:
            raise type("NotFound", (Exception,), {})()
        return self.attrs

    def inspect_image(self, image):
        return {"Id": "sha256:1"}

    def __getattr__(self, name):
        def record(*args, **kwargs):
            self.calls.append(name)
        return record


class FakeClient(object):
    def __init__(self, attrs):
        self.api = FakeApi(attrs)
        self.networks = self
        self.images = self
        self.pulled = []

    def list(self, names):
        return names

    def pull(self, image):
        self.pulled.append(image)
        return type("Image", (object,), {"id": "sha256:2"})()


class NoImagesApi(FakeApi):
    def inspect_image(self, image):
        raise type("ImageNotFound", (Exception,), {})()


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_missing_test_bed_image_is_never_pulled(check_mode):
    client = FakeClient(None)
    client.api = NoImagesApi(None)
    with pytest.raises(LHClusterError, match="never pulled: load the image with 'docker load'"):
        Reconciler(client, check_mode=check_mode).image_id("lh-testbed/lh-server:0")
    assert client.pulled == []


def test_another_missing_image_is_pulled():
    client = FakeClient(None)
    client.api = NoImagesApi(None)
    assert Reconciler(client).image_id("example/lh-server:1") == "sha256:2"
    assert client.pulled == ["example/lh-server:1"]


@pytest.mark.parametrize("state,running,actions", [
    ("started", True, []),
    ("started", False, ["start"]),
    ("present", True, []),
    ("present", False, []),
    ("stopped", True, ["stop"]),
    ("stopped", False, []),
    ("restarted", True, ["restart"]),
    ("absent", True, ["remove"]),
    ("absent", False, ["remove"]),
])
def test_state_transitions_from_an_existing_container(state, running, actions):
    client = FakeClient(matching_attrs(spec(), running=running))
    result = Reconciler(client).apply(spec(), state=state)
    assert result["actions"] == actions and result["changed"] is bool(actions)


@pytest.mark.parametrize("state,actions", [
    ("started", ["create", "start"]), ("present", ["create", "start"]), ("stopped", ["create"]),
    ("restarted", ["create", "start"]), ("absent", []),
])
def test_state_transitions_without_a_container(state, actions):
    assert Reconciler(FakeClient(None), check_mode=True).apply(spec(), state=state)["actions"] == actions


@pytest.mark.parametrize("state,running,actions", [
    ("started", False, ["recreate", "start"]),
    ("present", False, ["recreate"]),
    ("present", True, ["recreate", "start"]),
    ("stopped", True, ["recreate"]),
])
def test_a_difference_recreates_and_keeps_the_running_state_the_state_asks_for(state, running, actions):
    client = FakeClient(matching_attrs(spec(), running=running))
    engine = Reconciler(client)
    assert engine.apply(spec(env={"A": "2", "SECRET": "s"}), state=state)["actions"] == actions
    assert client.api.calls[:2] == (["stop", "remove_container"] if running else ["remove_container", "create_host_config"])
    assert "create_container" in client.api.calls
    assert engine.diff["after"]["env"] == {"A": "2"}


def test_check_mode_reports_and_touches_nothing():
    client = FakeClient(matching_attrs(spec(), running=True))
    engine = Reconciler(client, check_mode=True)
    result = engine.apply(spec(env={"A": "2", "SECRET": "t"}), state="started")
    assert result["actions"] == ["recreate", "start"] and result["changed"]
    assert engine.diff["after"]["env"] == {"A": "2", "SECRET": MASK}
    assert result["container"]["id"] == "abcdef1234567890"
    assert client.api.calls == []


def test_force_recreate_recreates_without_a_difference():
    client = FakeClient(matching_attrs(spec()))
    assert Reconciler(client).apply(spec(), force_recreate=True)["actions"] == ["recreate", "start"]


# ---- reload instead of re-create, and where the health probe dials

def test_a_rewritten_reloadable_file_signals_the_running_container_and_is_not_in_the_digest(tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text("v1")
    reloadable = spec(mounts=[Mount("/etc/lb", host_path=str(tmp_path), read_only=True, reloadable=True)],
                      reload_signal="SIGUSR2")
    mounted = [{"Type": "bind", "Source": str(tmp_path), "Destination": "/etc/lb", "RW": False}]
    client = FakeClient(matching_attrs(reloadable, mounts=mounted))
    config.write_text("v2")
    assert FILES_DIGEST_LABEL not in desired_settings(reloadable, "sha256:1")["labels"]
    result = Reconciler(client).apply(reloadable, reload=True)
    assert result["actions"] == ["reload (SIGUSR2)"] and client.api.calls == ["kill"]
    assert Reconciler(FakeClient(matching_attrs(reloadable, mounts=mounted))).apply(reloadable)["actions"] == []


def test_a_stopped_container_is_started_not_reloaded():
    reloadable = spec(reload_signal="SIGUSR2")
    client = FakeClient(matching_attrs(reloadable, running=False))
    assert Reconciler(client).apply(reloadable, reload=True)["actions"] == ["start"]


def test_the_probe_dials_the_container_address_or_the_published_port_at_wait_host():
    from ansible_collections.littlehorse.cluster.plugins.module_utils._container import probe_address
    published = spec(published_ports=["10.0.0.5:41822:1822", "10.0.0.5:42023:2023"])
    info = matching_attrs(published)
    assert probe_address(published, info)(1822) == ("172.18.0.2", 1822)
    assert probe_address(published, info, "10.0.0.5")(1822) == ("10.0.0.5", 41822)
    with pytest.raises(LHClusterError, match="does not publish its port 9092"):
        probe_address(published, info, "10.0.0.5")(9092)


@pytest.mark.parametrize("purge,calls", [
    (False, ["stop", "remove_container"]),
    (True, ["stop", "remove_container", "remove_volume"]),
])
def test_removing_keeps_the_volumes_unless_purged(purge, calls):
    client = FakeClient(matching_attrs(spec(), running=True))
    result = Reconciler(client).apply(spec(), state="absent", purge_volumes=purge)
    assert client.api.calls == calls
    assert result["actions"] == ["remove"] + (["remove volume vol"] if purge else [])


# ---- an entrypoint wrapper around the image's own entrypoint and command

class ImageConfigApi(FakeApi):
    def inspect_image(self, image):
        return {"Id": "sha256:1", "Config": {"Entrypoint": ["/app/entrypoint.sh"], "Cmd": None}}


def wrapped(entrypoint, command):
    return ["/bin/sh", "-c", "wrap"] + list(entrypoint or []), list(command or [])


def test_the_wrapper_is_built_from_the_images_config_compared_and_created():
    client = FakeClient(None)
    client.api = ImageConfigApi(None)
    wanted = spec(wrap_entrypoint=wrapped)
    Reconciler(client).apply(wanted)
    assert (wanted.entrypoint, wanted.command) == (["/bin/sh", "-c", "wrap", "/app/entrypoint.sh"], [])
    assert "create_container" in client.api.calls
    # the same wrapper runs: nothing to do; another one (a new image's entrypoint): re-created
    attrs = matching_attrs(wanted)
    attrs["Config"].update(Entrypoint=["/bin/sh", "-c", "wrap", "/app/entrypoint.sh"], Cmd=[])
    client = FakeClient(attrs)
    client.api = ImageConfigApi(attrs)
    assert Reconciler(client).apply(spec(wrap_entrypoint=wrapped))["actions"] == []
    attrs["Config"]["Entrypoint"] = ["/app/entrypoint.sh"]
    engine = Reconciler(client)
    assert engine.apply(spec(wrap_entrypoint=wrapped))["actions"] == ["recreate", "start"]
    assert engine.diff["before"]["entrypoint"] == ["/app/entrypoint.sh"]

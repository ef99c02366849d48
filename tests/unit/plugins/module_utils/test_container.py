import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    MANAGED_ENV_LABEL, MASK, ContainerSpec, Mount, desired_settings, differences, normalise_port,
    normalise_ports, running_settings)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def spec(**overrides):
    values = dict(name="c1", image="img", env={"A": "1", "SECRET": "s"}, network="net",
                  published_ports=["127.0.0.1:2023:2023"], mounts=[Mount("/data", volume="vol")],
                  stop_timeout=120, secret_env=["SECRET"])
    values.update(overrides)
    return ContainerSpec(**values)


def running_attrs(env, labels, ports=None, image="sha256:1"):
    return {
        "Id": "abcdef1234567890", "Name": "/c1", "Image": image,
        "Config": {"Env": ["%s=%s" % kv for kv in env.items()] + ["PATH=/usr/bin"], "Labels": labels,
                   "StopTimeout": 120},
        "HostConfig": {"NetworkMode": "net", "RestartPolicy": {"Name": "unless-stopped"},
                       "PortBindings": ports if ports is not None else {"2023/tcp": [{"HostIp": "127.0.0.1", "HostPort": "2023"}]}},
        "Mounts": [{"Type": "volume", "Name": "vol", "Destination": "/data", "RW": True}],
        "NetworkSettings": {"Networks": {"net": {"Aliases": ["abcdef123456", "c1"], "IPAddress": "172.18.0.2"}}},
    }


@pytest.mark.parametrize("text,expected", [
    ("2023:2023", "0.0.0.0:2023:2023/tcp"),
    ("127.0.0.1:1822:1822", "127.0.0.1:1822:1822/tcp"),
    ("10.0.0.1:53:53/udp", "10.0.0.1:53:53/udp"),
])
def test_ports_are_normalised(text, expected):
    assert normalise_port(text) == expected


@pytest.mark.parametrize("text", ["2023", "a:b", "1:70000", "1:2:3/sctp"])
def test_bad_ports_name_the_option(text):
    with pytest.raises(LHClusterError, match="published_ports"):
        normalise_port(text)


def test_a_host_port_published_twice_is_refused():
    with pytest.raises(LHClusterError, match="published twice"):
        normalise_ports(["2023:2023", "0.0.0.0:2023:2024"])


def test_same_settings_make_no_difference():
    desired = desired_settings(spec(), "sha256:1")
    attrs = running_attrs({"A": "1", "SECRET": "s"}, dict(desired["labels"]))
    assert differences(desired, running_settings(attrs, desired)) == {}


def test_image_env_the_image_adds_are_ignored_but_a_removed_option_is_noticed():
    desired = desired_settings(spec(env={"A": "1"}), "sha256:1")
    labels = {MANAGED_ENV_LABEL: "A,OLD"}
    attrs = running_attrs({"A": "1", "OLD": "x"}, labels)
    changed = differences(desired, running_settings(attrs, desired))
    assert changed["env"] == {"before": {"OLD": "x"}, "after": {}}


def test_a_changed_secret_is_masked_in_the_diff():
    desired = desired_settings(spec(env={"SECRET": "new"}), "sha256:1")
    attrs = running_attrs({"SECRET": "old"}, dict(desired["labels"]))
    changed = differences(desired, running_settings(attrs, desired), secret_env=["SECRET"])
    assert changed["env"] == {"before": {"SECRET": MASK}, "after": {"SECRET": MASK}}


def test_a_new_image_id_and_ports_are_differences():
    desired = desired_settings(spec(published_ports=["127.0.0.1:2033:2023"]), "sha256:2")
    attrs = running_attrs({"A": "1", "SECRET": "s"}, dict(desired["labels"]))
    changed = differences(desired, running_settings(attrs, desired))
    assert set(changed) == {"image", "published_ports"}
    assert changed["published_ports"]["after"] == ["127.0.0.1:2033:2023/tcp"]


def test_labels_the_user_did_not_give_are_not_compared():
    desired = desired_settings(spec(), "sha256:1")
    labels = dict(desired["labels"], other="kept")
    attrs = running_attrs({"A": "1", "SECRET": "s"}, labels)
    assert differences(desired, running_settings(attrs, desired)) == {}

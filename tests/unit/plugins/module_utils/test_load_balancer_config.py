# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import os
import stat

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils import _load_balancer_config as lb
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    FILES_DIGEST_LABEL, desired_settings)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec

BACKENDS = [{"name": "lh-server-1", "host": "lh-server-1", "port": 2023, "health_port": 1822},
            {"name": "lh-server-2", "host": "10.0.0.2", "port": 2033, "health_port": 1832}]


def params(**given):
    """Params as AnsibleModule would hand them over: every option, defaults filled in."""
    spec = container_argument_spec(lb.STOP_TIMEOUT)
    spec.update(lb.argument_spec())
    values = dict((name, option.get("default")) for name, option in spec.items())
    values.update(name="lh-lb", image="haproxy:3.0.11", backends=[dict(b) for b in BACKENDS])
    values.update(given)
    return values


def section(text, header):
    """The lines of one section of haproxy.cfg, without their indent."""
    lines = text.splitlines()
    start = lines.index(header) + 1
    body = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        body.append(line.strip())
    return body


def test_defaults_render_a_tcp_frontend_and_checked_servers():
    text = lb.render(params())
    assert section(text, "frontend littlehorse") == ["bind :2023", "default_backend littlehorse_servers"]
    defaults = section(text, "defaults")
    assert "mode tcp" in defaults
    assert {"timeout connect 5s", "timeout client 3600s", "timeout server 3600s"} <= set(defaults)
    backend = section(text, "backend littlehorse_servers")
    assert backend[:4] == ["balance leastconn", "option httpchk", "http-check send meth GET uri /readiness",
                           "http-check expect status 200"]
    assert backend[4].startswith("default-server inter 2s fall 2 rise 2 resolvers system")
    assert backend[5:] == ["server lh-server-1 lh-server-1:2023 check port 1822",
                           "server lh-server-2 10.0.0.2:2033 check port 1832"]
    assert "hard-stop-after 10s" in section(text, "global")
    assert "parse-resolv-conf" in section(text, "resolvers system")
    assert "frontend stats" not in text


def test_settings_reach_the_configuration():
    text = lb.render(params(port=3000, balance="roundrobin", health_path="/liveness", connect_timeout=3,
                            idle_timeout=7200, drain_timeout=4, check_interval=5, check_fall=3, check_rise=4,
                            max_connections=500, stats_port=8404))
    assert "bind :3000" in section(text, "frontend littlehorse")
    backend = section(text, "backend littlehorse_servers")
    assert "balance roundrobin" in backend and "http-check send meth GET uri /liveness" in backend
    assert backend[4].startswith("default-server inter 5s fall 3 rise 4 ")
    defaults = section(text, "defaults")
    assert {"timeout connect 3s", "timeout client 7200s", "timeout server 7200s"} <= set(defaults)
    assert {"maxconn 500", "hard-stop-after 4s"} <= set(section(text, "global"))
    assert section(text, "frontend stats")[:2] == ["mode http", "bind :8404"]
    assert "stats uri /stats" in section(text, "frontend stats")


def test_the_same_options_render_the_same_text():
    assert lb.render(params()) == lb.render(params())


@pytest.mark.parametrize("given,words", [
    (dict(backends=[]), "backends: give at least one server"),
    (dict(backends=[dict(BACKENDS[0]), dict(BACKENDS[0], host="other")]),
     "backends\\[1\\].name: 'lh-server-1' is also the name of backends\\[0\\]"),
    (dict(backends=[dict(BACKENDS[0]), dict(BACKENDS[0], name="copy")]),
     "backends\\[1\\]: lh-server-1:2023 is also backends\\[0\\]"),
    (dict(backends=[dict(BACKENDS[0], name="a b")]), "backends\\[0\\].name: 'a b' may hold only"),
    (dict(backends=[dict(BACKENDS[0], host="::1")]), "backends\\[0\\].host: '::1' is not a host name"),
    (dict(backends=[dict(BACKENDS[0], host="h:2023")]), "no port, no IPv6 literal"),
    (dict(backends=[dict(BACKENDS[0], port=70000)]), "backends\\[0\\].port: 70000 is not a port number"),
    (dict(backends=[dict(BACKENDS[0], health_port=0)]), "backends\\[0\\].health_port: 0 is not a port number"),
    (dict(backends=[dict(BACKENDS[0], health_port=None)]), "backends\\[0\\]: give port .* and health_port"),
    (dict(port=0), "port: 0 is not a port number"),
    (dict(stats_port=2023), "stats_port: 2023 is also the listen port"),
    (dict(balance="source"), "balance: 'source' is not one of roundrobin, leastconn"),
    (dict(health_path="readiness"), "health_path: 'readiness' is not a URL path"),
    (dict(health_path="/a b"), "health_path"),
    (dict(idle_timeout=0), "idle_timeout: 0 must be a whole number of at least 1; keep it long"),
    (dict(connect_timeout=0), "connect_timeout"),
    (dict(check_fall=0), "check_fall"),
    (dict(max_connections=0), "max_connections"),
])
def test_bad_options_fail_naming_the_option_and_the_fix(given, words):
    with pytest.raises(LHClusterError, match=words):
        lb.render(params(**given))


def test_build_spec_writes_the_config_once_and_mounts_it_reloadable(tmp_path):
    given = params(config_dir=str(tmp_path / "lb"), published_ports=["127.0.0.1:2000:2023"], network="lh-net")
    spec, extra = lb.build_spec(given)
    path = str(tmp_path / "lb" / "haproxy.cfg")
    assert extra["files_written"] == [path] and extra["config_path"] == path
    with open(path) as handle:
        assert handle.read() == extra["config"] == lb.render(given)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    [mount] = spec.mounts
    assert (mount.target, mount.host_path, mount.read_only, mount.reloadable) == (
        "/usr/local/etc/haproxy/haproxy.cfg", path, True, True)
    assert spec.reload_signal == "SIGUSR2" and spec.stop_timeout == 15 and spec.env == {}
    assert spec.published_ports == ["127.0.0.1:2000:2023/tcp"] and spec.network == "lh-net"
    # A new configuration is reloaded, not a reason to re-create the container.
    assert FILES_DIGEST_LABEL not in desired_settings(spec, "sha256:1")["labels"]
    assert lb.build_spec(given)[1]["files_written"] == []


def test_check_mode_writes_nothing_and_says_what_it_would_write(tmp_path):
    given = params(config_dir=str(tmp_path / "lb"))
    spec, extra = lb.build_spec(given, check_mode=True)
    assert extra["files_written"] == [str(tmp_path / "lb" / "haproxy.cfg")]
    assert not os.path.exists(str(tmp_path / "lb"))
    assert spec.mounts[0].content == extra["config"]


def test_a_changed_option_rewrites_the_same_file_in_place(tmp_path):
    given = params(config_dir=str(tmp_path))
    lb.build_spec(given)
    inode = os.stat(str(tmp_path / "haproxy.cfg")).st_ino
    spec, extra = lb.build_spec(dict(given, balance="roundrobin"))
    assert extra["files_written"] == [str(tmp_path / "haproxy.cfg")]
    assert os.stat(str(tmp_path / "haproxy.cfg")).st_ino == inode, "a file mounted in a container must keep its inode"


def test_a_wrong_file_mode_is_corrected(tmp_path):
    given = params(config_dir=str(tmp_path))
    lb.build_spec(given)
    os.chmod(str(tmp_path / "haproxy.cfg"), 0o600)
    assert lb.build_spec(given)[1]["files_written"] == [str(tmp_path / "haproxy.cfg")]
    assert stat.S_IMODE(os.stat(str(tmp_path / "haproxy.cfg")).st_mode) == 0o644


def test_the_default_config_dir_is_named_after_the_container():
    assert lb.config_path(params()) == "/etc/littlehorse/lh-lb/haproxy.cfg"


def test_invalid_options_change_nothing(tmp_path):
    with pytest.raises(LHClusterError):
        lb.build_spec(params(config_dir=str(tmp_path / "lb"), backends=[]))
    assert not os.path.exists(str(tmp_path / "lb"))

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""lh_host_info, the preflight's one look at a host, against the real local engine."""
import socket

import pytest
from lhtest.testbed import image

from conftest import PREFIX, docker, run_module

ENGINE = "unix:///var/run/docker.sock"
HOLDER = PREFIX + "-hi-holder"
IDLE_IMAGE = image("debian_image")
HELD_PORT = 43411
# Pulling it asks 127.0.0.1:1, where nothing answers: a pull that fails at once, off the network.
UNPULLABLE = "127.0.0.1:1/%s-hi-none:0" % PREFIX


@pytest.fixture(scope="module")
def holder():
    """A running container of the test bed that publishes HELD_PORT, like any other tenant of the host."""
    docker("rm", "-f", HOLDER, check=False)
    docker("run", "-d", "--name", HOLDER, "-p", "127.0.0.1:%d:80" % HELD_PORT, "--label", "lhit=host-info",
           IDLE_IMAGE, "sleep", "600")
    yield HOLDER
    docker("rm", "-f", HOLDER, check=False)


@pytest.fixture()
def busy_port():
    """A port held by a process of this host, not by a container."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


def free_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_a_clean_look_reports_the_engine_the_containers_and_their_start_times(holder):
    port = free_port()
    result = run_module("lh_host_info", dict(
        host="lhit-host", docker_host=ENGINE, containers=[holder, PREFIX + "-hi-absent"],
        ports={holder: ["127.0.0.1:%d:80" % HELD_PORT], PREFIX + "-hi-absent": ["127.0.0.1:%d:2023" % port]},
        images=[{"image": IDLE_IMAGE, "variable": "idle_image"}], volumes=[PREFIX + "-hi-no-volume"]))
    assert result["changed"] is False and result["problems"] == []
    assert result["engine"]["version"] and result["engine"]["api_version"]
    assert int(result["sdk_version"].split(".")[0]) >= 7
    (found,) = result["containers"]
    started = docker("inspect", "-f", "{{.State.StartedAt}}", holder)
    assert found["name"] == holder and found["running"] is True and found["started_at"] == started
    assert found["id"] == docker("inspect", "-f", "{{.Id}}", holder) and found["labels"]["lhit"] == "host-info"
    states = dict((p["port"], p["state"]) for p in result["ports"])
    assert states == {HELD_PORT: "ours", port: "free"}, "the planned container holding its own port is a re-run"
    assert result["images"][0]["present"] is True and result["volumes"] == []
    assert "bridge" in result["networks"]
    assert result["disk"]["root_dir"]


def test_every_problem_at_once_a_missing_test_bed_image_and_ports_held_by_others(holder, busy_port):
    planned = PREFIX + "-hi-planned"
    result = run_module("lh_host_info", dict(
        host="lhit-host", docker_host=ENGINE, containers=[planned],
        ports={planned: ["127.0.0.1:%d:2023" % HELD_PORT, "127.0.0.1:%d:1822" % busy_port]},
        images=[{"image": "lh-testbed/no-such-image:0", "variable": "server_image"},
                {"image": IDLE_IMAGE, "variable": "idle_image"}]), expect_failure=True)
    kinds = sorted(p["kind"] for p in result["problems"])
    assert kinds == ["image", "port", "port"], result["problems"]
    message = result["msg"]
    assert "host lhit-host" in message
    assert "lh-testbed/no-such-image:0 (server_image)" in message and "docker load" in message
    assert "never pulled" in message
    assert "port %d/tcp (127.0.0.1), planned for %s, is published by container %s" % (HELD_PORT, planned, holder) \
        in message
    assert "port %d/tcp" % busy_port in message and "a process on the host" in message
    by_port = dict((p["port"], p) for p in result["ports"])
    assert by_port[HELD_PORT]["state"] == "container" and by_port[HELD_PORT]["held_by"] == holder
    assert by_port[busy_port]["state"] == "process"


def test_a_missing_optional_image_is_only_reported():
    result = run_module("lh_host_info", dict(docker_host=ENGINE, images=[
        {"image": "lh-testbed/no-such-dashboard:0", "variable": "dashboard_image", "required": False}]))
    assert result["problems"] == [] and result["images"][0]["available"] is False
    assert "local build of the test bed" in result["images"][0]["missing_because"]


def test_the_look_pulls_nothing_and_lists_a_missing_pullable_image_to_pull():
    # A set: the engine lists images created in the same second (a fresh build) in no fixed order.
    before = set(docker("images", "-q", "--no-trunc").split())
    for check in (True, False):
        looked = run_module("lh_host_info", dict(docker_host=ENGINE, images=[
            {"image": UNPULLABLE, "variable": "x_image"}]), check=check)
        assert looked["changed"] is False and looked["problems"] == [], looked
        assert looked["images"][0]["would_pull"] is True and looked["images"][0]["available"] is False
        assert looked["pull"] == [{"image": UNPULLABLE, "variable": "x_image", "required": True}]
    assert set(docker("images", "-q", "--no-trunc").split()) == before


def test_lh_image_check_mode_changes_nothing_and_a_real_run_names_the_failed_pull():
    before = set(docker("images", "-q", "--no-trunc").split())
    checked = run_module("lh_image", dict(docker_host=ENGINE, images=[{"image": UNPULLABLE}]), check=True)
    assert checked["changed"] is True and checked["problems"] == []
    assert checked["images"][0]["would_pull"] is True and checked["images"][0]["pulled"] is False
    assert set(docker("images", "-q", "--no-trunc").split()) == before
    assert docker("image", "ls", "-q", UNPULLABLE) == ""
    real = run_module("lh_image", dict(host="lhit-host", docker_host=ENGINE,
                                       images=[{"image": UNPULLABLE, "variable": "x_image"}]), expect_failure=True)
    assert real["msg"].startswith("host lhit-host: image %s (x_image) is not on the Docker engine and cannot be "
                                  "pulled (" % UNPULLABLE), real["msg"]
    assert real["msg"].endswith("). Load the image on that host with 'docker load' (from a 'docker save' archive), or "
                                "set x_image to an image the host can pull."), real["msg"]
    optional = run_module("lh_image", dict(docker_host=ENGINE, images=[
        {"image": UNPULLABLE, "variable": "dashboard_image", "required": False}]))
    assert optional["changed"] is False and optional["images"][0]["available"] is False
    assert "cannot be pulled" in optional["images"][0]["missing_because"]


def test_lh_image_leaves_an_image_the_engine_has_alone_in_both_modes():
    for check in (True, False):
        result = run_module("lh_image", dict(docker_host=ENGINE, images=[
            {"image": IDLE_IMAGE, "variable": "idle_image"}]), check=check)
        assert result["changed"] is False and result["images"][0]["present"] is True


def test_an_engine_that_does_not_answer_is_named_with_the_fix():
    result = run_module("lh_host_info", dict(host="lhit-host", docker_host="unix:///nonexistent/docker.sock"),
                        expect_failure=True)
    assert result["problems"][0]["kind"] == "engine"
    assert "host lhit-host" in result["msg"] and "does not answer" in result["msg"]

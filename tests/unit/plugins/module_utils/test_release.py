# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release of an image (tag, label, pre-release, digest, unknown) and each server's version beside it."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._release import (
    UNKNOWN, image_release, server_version_text, versions_report)

LABEL = "org.opencontainers.image.version"
PUBLISHED = "ghcr.io/littlehorse-enterprises/littlehorse/lh-server"
DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("image,labels,release,source", [
    # a bare release tag is the release, whatever the label says
    (PUBLISHED + ":1.2.1", {}, "1.2.1", "tag"),
    ("lh-testbed/lh-server:1.2.1", {LABEL: "1.2.1"}, "1.2.1", "tag"),
    ("registry.example:5000/lh-server:v1.3.0", None, "1.3.0", "tag"),
    ("lh-server:1.2.1", {LABEL: "1.2.0"}, "1.2.1", "tag"),
    # a release with a suffix: the label decides (the test bed's patched rebuild), else the pre-release it spells
    ("lh-testbed/lh-server:1.2.1-p1", {LABEL: "1.2.1"}, "1.2.1", "label"),
    ("lh-server:1.3.0-rc1", {}, "1.3.0-rc1", "tag"),
    ("lh-server:1.3.0-rc1", {LABEL: "1.3.0-rc1"}, "1.3.0-rc1", "label"),
    # a digest pins the content: the label, else unknown (a tag beside the digest does not count)
    (PUBLISHED + "@" + DIGEST, {LABEL: "1.2.1"}, "1.2.1", "label"),
    (PUBLISHED + ":1.2.0@" + DIGEST, {LABEL: "1.2.1"}, "1.2.1", "label"),
    (PUBLISHED + ":1.2.1@" + DIGEST, {}, UNKNOWN, UNKNOWN),
    # a tag that is not a release, or no tag: the label, else unknown; a label that is not a version is none
    (PUBLISHED + ":master", {LABEL: "1.2.1"}, "1.2.1", "label"),
    (PUBLISHED + ":master", {LABEL: "master"}, UNKNOWN, UNKNOWN),
    (PUBLISHED + ":latest", {}, UNKNOWN, UNKNOWN),
    ("lh-server:1.2", {}, UNKNOWN, UNKNOWN),
    ("localhost:5000/lh-server", {}, UNKNOWN, UNKNOWN),
    (None, None, UNKNOWN, UNKNOWN),
])
def test_the_release_of_an_image(image, labels, release, source):
    found = image_release(image, labels)
    assert (found["release"], found["source"]) == (release, source)


def test_a_server_version_is_major_minor_patch_and_its_pre_release():
    assert server_version_text(1, 2, 1) == "1.2.1"
    assert server_version_text(1, 3, 0, "rc1") == "1.3.0-rc1"
    assert server_version_text(0, 16, None, "") == "0.16.0"


SERVERS = [{"name": "lh-server-1", "host": "lh1"}, {"name": "lh-server-2", "host": "lh2"}]


def container(name, image, labels=None):
    return {"name": name, "image": image, "labels": labels or {}, "running": True, "identity": {}}


def test_servers_that_run_their_images_release_pass_and_are_reported():
    report, problems, warnings = versions_report(
        SERVERS, {"lh-server-1": {"version": "1.2.1"}, "lh-server-2": {"version": "1.2.1"}},
        [container("lh-server-1", "lh-testbed/lh-server:1.2.1"),
         container("lh-server-2", "lh-testbed/lh-server:1.2.1-p1", {LABEL: "1.2.1"}),
         container("lh-dashboard", "lh-testbed/lh-dashboard-double:1.2.1", {LABEL: "1.2.1"})], "lh-dashboard")
    assert (problems, warnings) == ([], [])
    assert [(s["name"], s["version"], s["release"], s["release_source"]) for s in report["servers"]] == [
        ("lh-server-1", "1.2.1", "1.2.1", "tag"), ("lh-server-2", "1.2.1", "1.2.1", "label")]
    assert report["dashboard"]["release"] == "1.2.1" and report["dashboard"]["warning"] is None


def test_a_server_of_another_version_than_its_image_fails_naming_the_server_both_versions_and_the_image():
    report, problems, dummy = versions_report(
        SERVERS, {"lh-server-1": {"version": "1.2.1"}, "lh-server-2": {"version": "1.2.0"}},
        [container("lh-server-1", PUBLISHED + ":1.2.1"), container("lh-server-2", PUBLISHED + ":1.2.1")])
    assert len(problems) == 1
    assert problems[0].startswith("lh-server-2 (host lh2) runs LittleHorse 1.2.0, but its image %s:1.2.1 is release "
                                  "1.2.1 (its tag)" % PUBLISHED)
    assert "server_image" in problems[0]
    assert report["servers"][0]["problem"] is None and report["servers"][1]["problem"] == problems[0]


def test_a_pre_release_must_match_the_servers_pre_release():
    dummy, problems, dummy = versions_report(SERVERS[:1], {"lh-server-1": {"version": "1.3.0"}},
                                             [container("lh-server-1", "lh-server:1.3.0-rc1")])
    assert problems and "runs LittleHorse 1.3.0, but its image lh-server:1.3.0-rc1 is release 1.3.0-rc1" in problems[0]


def test_an_unknown_release_or_an_unread_container_is_reported_and_does_not_fail():
    report, problems, warnings = versions_report(
        SERVERS, {"lh-server-1": {"version": "1.2.1"}, "lh-server-2": {"version": "1.2.1"}},
        [container("lh-server-1", PUBLISHED + "@" + DIGEST)], "lh-dashboard")
    assert (problems, warnings) == ([], [])
    assert [(s["release"], s["image"]) for s in report["servers"]] == [
        (UNKNOWN, PUBLISHED + "@" + DIGEST), (UNKNOWN, None)]
    assert report["dashboard"]["release"] == UNKNOWN


def test_a_version_that_could_not_be_read_fails():
    dummy, problems, dummy = versions_report(
        SERVERS[:1], {"lh-server-1": {"version": None, "error": "GetServerVersion failed: UNAVAILABLE x at h:2023"}},
        [container("lh-server-1", PUBLISHED + ":1.2.1")])
    assert problems == ["lh-server-1 (host lh1): its version could not be read (GetServerVersion failed: "
                        "UNAVAILABLE x at h:2023)"]


def test_a_dashboard_of_another_release_than_the_servers_is_a_warning():
    report, problems, warnings = versions_report(
        SERVERS[:1], {"lh-server-1": {"version": "1.2.1"}},
        [container("lh-server-1", PUBLISHED + ":1.2.1"), container("lh-dashboard", "lh-dashboard:1.1.0")],
        "lh-dashboard")
    assert problems == []
    assert warnings == [report["dashboard"]["warning"]]
    assert "lh-dashboard runs image lh-dashboard:1.1.0, release 1.1.0 (its tag), and the servers run 1.2.1" in warnings[0]
    assert "dashboard_image" in warnings[0]


def test_each_server_is_asked_at_its_advertised_address_and_an_unanswered_one_is_named(monkeypatch):
    grpc = pytest.importorskip("grpc")
    from littlehorse.model import LittleHorseVersion
    from ansible_collections.littlehorse.cluster.plugins.module_utils import _workflow as wf

    class Unavailable(grpc.RpcError):
        def code(self):
            return grpc.StatusCode.UNAVAILABLE

        def details(self):
            return "connection refused"

    answers = {"10.0.0.8:2023": LittleHorseVersion(major_version=1, minor_version=2, patch_version=1),
               "10.0.0.9:2023": LittleHorseVersion(major_version=1, minor_version=3, pre_release_identifier="rc1")}

    class Stub:
        def __init__(self, target):
            self.target = target

        def GetServerVersion(self, request, timeout):
            if self.target not in answers:
                raise Unavailable()
            return answers[self.target]

    class Config:
        def load(self, settings):
            self.settings = settings

        def stub(self, server=None):
            return Stub(server)

    monkeypatch.setattr(wf, "LHConfig", Config)
    servers = [{"name": "s1", "advertised_host": "10.0.0.8", "advertised_port": 2023},
               {"name": "s2", "advertised_host": "10.0.0.9", "advertised_port": 2023},
               {"name": "s3", "advertised_host": "10.0.0.7", "advertised_port": 2023}]
    assert wf.read_versions(servers, {"LHC_API_HOST": "10.0.0.8"}, timeout=0) == {
        "s1": {"version": "1.2.1", "error": None}, "s2": {"version": "1.3.0-rc1", "error": None},
        "s3": {"version": None, "error": "GetServerVersion failed: UNAVAILABLE connection refused at 10.0.0.7:2023"}}

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The images a host needs (module_utils/_images.py): survey() reads only (lh_host_info), pull() pulls what is missing
and may be pulled (lh_image); both name the host, the variable and the fix for a required image still missing."""
from ansible_collections.littlehorse.cluster.plugins.module_utils._images import pull, survey


class NotFound(Exception):
    pass


class Pulled(object):
    def __init__(self, image):
        self.id = "sha256:pulled-" + image


class Engine(object):
    """Just what the image functions use of a docker.DockerClient: api.inspect_image and images.pull."""

    def __init__(self, images=None, pullable=()):
        self.present, self.pullable, self.pulls = dict(images or {}), list(pullable), []
        self.api, self.images = self, self

    def inspect_image(self, image):
        if image not in self.present:
            raise NotFound(image)
        return {"Id": self.present[image]}

    def pull(self, image):
        self.pulls.append(image)
        if image not in self.pullable:
            raise RuntimeError("manifest unknown\nmore")
        self.present[image] = "sha256:pulled-" + image
        return Pulled(image)


FIX = "Load the image on that host with 'docker load' (from a 'docker save' archive), or set %s to an image the host " \
      "can pull."
IMAGES = [{"image": "img:1", "variable": "kafka_image"},
          {"image": "haproxy:3", "variable": "load_balancer_image"},
          {"image": "lh-testbed/lh-server:1", "variable": "server_image"},
          {"image": "off/img:1", "variable": "dashboard_image", "pull": False, "required": False},
          {"image": "img:1", "variable": "kafka_image"}]


def test_the_survey_reads_only_and_sorts_the_missing_into_to_pull_from_archives_and_missing_for_good():
    engine = Engine(images={"img:1": "sha256:1"}, pullable=["haproxy:3"])
    reports, to_pull, from_archives, problems = survey(engine, "h1", IMAGES + [
        {"image": "lh/archived:1", "variable": "x_image", "archive": True}])
    assert engine.pulls == []
    assert [(r["image"], r["present"], r["would_pull"], r["from_archive"], r["available"]) for r in reports] == [
        ("img:1", True, False, False, True), ("haproxy:3", False, True, False, False),
        ("lh-testbed/lh-server:1", False, False, False, False), ("off/img:1", False, False, False, False),
        ("lh/archived:1", False, False, True, False)], "each image once"
    assert to_pull == [{"image": "haproxy:3", "variable": "load_balancer_image", "required": True}]
    assert from_archives == [{"image": "lh/archived:1", "variable": "x_image", "required": True}]
    assert problems == [{"kind": "image", "msg": (
        "host h1: image lh-testbed/lh-server:1 (server_image) is not on the Docker engine and is a local build of the "
        "test bed (lh-testbed/*), never pulled. " + FIX % "server_image")}], "an optional image is only reported"
    assert reports[3]["missing_because"] == ("image off/img:1 (dashboard_image) is not on the Docker engine of h1 and "
                                             "pulling is off")


def test_pull_fetches_what_is_missing_check_mode_pulls_nothing_and_a_second_run_changes_nothing():
    engine = Engine(pullable=["haproxy:3"])
    images = [{"image": "haproxy:3", "variable": "load_balancer_image"}]
    reports, problems, changed = pull(engine, "h1", images, check_mode=True)
    assert problems == [] and changed is True and engine.pulls == []
    assert reports[0]["would_pull"] and reports[0]["available"] and not reports[0]["pulled"]
    reports, problems, changed = pull(engine, "h1", images)
    assert problems == [] and changed is True and engine.pulls == ["haproxy:3"]
    assert reports[0]["pulled"] and reports[0]["available"] and reports[0]["id"] == "sha256:pulled-haproxy:3"
    assert not reports[0]["would_pull"] and reports[0]["missing_because"] == ""
    for check_mode in (False, True):
        reports, problems, changed = pull(engine, "h1", images, check_mode=check_mode)
        assert changed is False and problems == [] and reports[0]["present"] and engine.pulls == ["haproxy:3"]


def test_a_failed_pull_names_the_host_the_variable_and_the_fix_and_an_optional_one_is_only_reported():
    engine = Engine(images={"img:1": "sha256:1"})
    reports, problems, changed = pull(engine, "h1", IMAGES + [
        {"image": "nowhere/dash:1", "variable": "dashboard_image", "required": False}])
    assert engine.pulls == ["haproxy:3", "nowhere/dash:1"], "never a test bed name, nor one with pull off"
    assert changed is False
    assert [p["msg"] for p in problems] == [
        "host h1: image lh-testbed/lh-server:1 (server_image) is not on the Docker engine and is a local build of the "
        "test bed (lh-testbed/*), never pulled. " + FIX % "server_image",
        "host h1: image haproxy:3 (load_balancer_image) is not on the Docker engine and cannot be pulled (manifest "
        "unknown). " + FIX % "load_balancer_image"]
    optional = reports[-1]
    assert not optional["available"] and not optional["would_pull"]
    assert optional["missing_because"] == ("image nowhere/dash:1 (dashboard_image) is not on the Docker engine of h1 "
                                           "and cannot be pulled (manifest unknown)")

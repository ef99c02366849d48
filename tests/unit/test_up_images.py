# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make up`'s choice of images (lhtest.up_images.choose): published when the engine has or pulls it, else the test
bed's build, the dashboard left out only when neither can be had."""
from lhtest.up_images import choose

PUBLISHED = {"kafka_image": "apache/kafka:4.1.1", "server_image": "ghcr.io/l/lh-server:1.2.1",
             "dashboard_image": "ghcr.io/l/lh-dashboard:1.2.1"}
TESTBED = {"kafka_image": "lh-testbed/kafka:4.1.1", "server_image": "lh-testbed/lh-server:1.2.1",
           "dashboard_image": "lh-testbed/lh-dashboard-double:1.2.1"}


def test_the_published_images_when_the_engine_has_them_pass_nothing():
    extra, said = choose(PUBLISHED, TESTBED, lambda image: True)
    assert extra == {} and all("the published image" in sentence for sentence in said)


def test_the_test_beds_builds_when_the_published_cannot_be_had_the_double_named_as_such():
    extra, said = choose(PUBLISHED, TESTBED, lambda image: image.startswith("lh-testbed/"))
    assert extra == TESTBED
    assert [s for s in said if s.startswith("dashboard_image")] == [
        "dashboard_image: lh-testbed/lh-dashboard-double:1.2.1 (the test bed's local build - a TEST DOUBLE of the "
        "dashboard, not the real one: ghcr.io/l/lh-dashboard:1.2.1 can neither be found nor pulled here)"]


def test_each_image_chosen_alone():
    wanted = ("apache/kafka:4.1.1", TESTBED["server_image"], PUBLISHED["dashboard_image"])
    extra, _said = choose(PUBLISHED, TESTBED, lambda image: image in wanted)
    assert extra == {"server_image": TESTBED["server_image"]}


def test_the_dashboard_is_left_out_only_when_neither_can_be_had():
    extra, said = choose(PUBLISHED, TESTBED, lambda image: "dashboard" not in image)
    assert extra == {"dashboard_required": False}
    assert "the dashboard is left out (site.yml says why)" in said[0]

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The images in the plan: every image setting a valid reference on the hosts of its group, the servers' and the
dashboard's pinned unless littlehorse_allow_floating_tags, a warning when the dashboard's release is not the servers'."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.images import looked_at_images
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import Inventory

LOCAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
         "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
         "littlehorse_reserved_ports": [2024]}
GROUPS = {"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]}
SERVER = "ghcr.io/littlehorse-enterprises/littlehorse/lh-server"
DASHBOARD = "ghcr.io/littlehorse-enterprises/littlehorse/lh-dashboard"


def plan(**extra):
    return cluster_plan(GROUPS, {"local": dict(LOCAL, **extra)})


def test_the_roles_defaults_pass_without_a_warning():
    assert plan()["warnings"] == []


def test_a_floating_tag_runs_when_the_user_allows_it():
    assert plan(server_image=SERVER + ":master", dashboard_image=DASHBOARD,
                littlehorse_allow_floating_tags=True)["warnings"] == []
    with pytest.raises(PlanError, match="^host local: server_image '%s:master' has the floating tag" % SERVER):
        plan(server_image=SERVER + ":master")


def test_an_invalid_kafka_image_is_refused_even_when_floating_tags_are_allowed():
    with pytest.raises(PlanError, match="^host local: kafka_image 'Apache/Kafka' is not a valid image reference"):
        plan(kafka_image="Apache/Kafka", littlehorse_allow_floating_tags=True)


def test_kafka_and_the_load_balancer_may_float():
    assert plan(kafka_image="apache/kafka")["warnings"] == []


def test_an_empty_dashboard_image_leaves_it_out_without_a_refusal():
    assert plan(dashboard_image="")["warnings"] == []


@pytest.mark.parametrize("extra,dashboard,server", [
    ({"server_image": SERVER + ":1.3.0"}, DASHBOARD + ":1.2.1", SERVER + ":1.3.0"),  # the dashboard's default
    ({"dashboard_image": "lh/dash:1.1.0"}, "lh/dash:1.1.0", SERVER + ":1.2.1"),  # the servers' default
])
def test_a_dashboard_of_another_release_is_a_warning_naming_both(extra, dashboard, server):
    release, other = server.rpartition(":")[2], dashboard.rpartition(":")[2]
    assert plan(**extra)["warnings"] == [
        "host local: dashboard_image '%s' is of release %s, the servers' server_image '%s' of release %s; the dashboard "
        "may not understand the servers' API: set dashboard_image to the lh-dashboard image of release %s"
        % (dashboard, other, server, release, release)]


def test_a_patched_build_of_the_same_release_is_no_warning():
    assert plan(server_image="lh-testbed/lh-server:1.2.1-p1",
                dashboard_image="lh-testbed/lh-dashboard-double:1.2.1")["warnings"] == []


def test_the_look_of_a_host_checks_the_image_of_each_of_its_roles_with_the_roles_defaults():
    images = plan()["images"]["local"]
    assert [entry["variable"] for entry in images] == ["kafka_image", "server_image", "dashboard_image"]
    assert images[0] == {"image": "apache/kafka:4.1.1", "variable": "kafka_image"}
    assert images[1] == {"image": SERVER + ":1.2.1", "variable": "server_image"}
    # the dashboard's own pull and required settings, their defaults
    assert images[2] == {"image": DASHBOARD + ":1.2.1", "variable": "dashboard_image", "pull": True, "required": True}


def test_the_look_takes_the_inventorys_images_and_settings():
    images = plan(server_image=SERVER + ":1.2.1-p1", dashboard_pull="no", dashboard_required=False)["images"]["local"]
    assert images[1]["image"] == SERVER + ":1.2.1-p1"
    assert (images[2]["pull"], images[2]["required"]) == (False, False)


def test_a_dashboard_without_an_image_is_not_looked_at():
    looked_at = [entry["variable"] for entry in plan(dashboard_image="")["images"]["local"]]
    assert looked_at == ["kafka_image", "server_image"]


def test_a_pull_setting_that_is_no_boolean_is_refused_naming_the_host():
    with pytest.raises(PlanError, match="^host local: dashboard_pull must be true or false"):
        plan(dashboard_pull="sometimes")


def test_each_host_gets_the_images_of_its_own_groups_only():
    inventory = Inventory({"kafka": ["a"], "littlehorse_servers": ["a"], "littlehorse_load_balancer": ["b"]},
                          {"a": {}, "b": {"load_balancer_image": "haproxy:3.0.11"}})
    images = looked_at_images(inventory, ["a", "b", "c"])
    assert images["c"] == []
    assert images["b"][0]["image"] == "haproxy:3.0.11"
    assert [entry["variable"] for entry in images["a"]] == ["kafka_image", "server_image"]
    assert [(entry["variable"], entry["pull"]) for entry in images["b"]] == [("load_balancer_image", True)]

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The images in the plan: every image setting a valid reference on the hosts of its group, the servers' and the
dashboard's pinned unless littlehorse_allow_floating_tags, a warning when the dashboard's release is not the servers'."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan

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

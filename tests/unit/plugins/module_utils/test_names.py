# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of names, once (module_utils/_names.py): the plan and the modules refuse the same host names, and the
published-port strings the plan writes are read back by the same functions."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import (
    FILES_ROOT, check_advertised_host, files_folder, published_address, published_host_port, published_port)

# A name that starts or ends with '-' or '.' was taken by the modules (their rule was [A-Za-z0-9.-]+) and refused by
# the plan: one rule now, the plan's, and the modules refuse it too.
EDGES = ("-lh1", "lh1-", ".lh1", "lh1.")


@pytest.mark.parametrize("name", EDGES)
def test_a_host_name_that_starts_or_ends_with_a_dot_or_dash_is_refused_by_the_modules(name):
    with pytest.raises(LHClusterError) as error:
        check_advertised_host("api_host", name)
    assert "api_host" in error.value.message and name in error.value.message


@pytest.mark.parametrize("name", EDGES)
def test_and_by_the_plan_naming_the_host_and_the_setting(name):
    with pytest.raises(PlanError) as error:
        cluster_plan({"kafka": ["h"], "littlehorse_servers": ["h"]}, {"h": {"littlehorse_advertised_host": name}})
    assert "host h" in str(error.value) and "littlehorse_advertised_host" in str(error.value)


@pytest.mark.parametrize("name", ("lh1", "lh-1.example.com", "10.0.0.3", "a"))
def test_host_names_and_addresses_pass_both(name):
    check_advertised_host("api_host", name)


def test_published_ports_are_written_and_read_by_one_pair_of_functions():
    assert published_port("10.0.0.1", 2023) == "10.0.0.1:2023:2023"
    assert published_port("127.0.0.1", 8080, 3000) == "127.0.0.1:8080:3000"
    assert published_address("10.0.0.1:2023:2023") == "10.0.0.1" and published_address("2023:2023") == ""
    assert published_host_port("127.0.0.1:8080:3000") == 8080 and published_host_port("9092:9092") == 9092


def test_the_collections_files_on_the_hosts_are_under_one_root():
    assert files_folder("lh-server-1", "tls") == FILES_ROOT + "/lh-server-1/tls" == "/etc/littlehorse/lh-server-1/tls"

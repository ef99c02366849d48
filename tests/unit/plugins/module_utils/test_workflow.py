# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The workflow check's pure part: assigned addresses mapped to the plan's servers, the report."""
import socket

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils import _workflow as wf
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

SERVERS = [
    {"name": "lh-server-101", "host": "lh1", "advertised_host": "10.0.0.8", "advertised_port": 2023},
    {"name": "lh-server-201", "host": "lh2", "advertised_host": "10.0.0.9", "advertised_port": 2023},
    {"name": "lh-server-301", "host": "lh3", "advertised_host": "LH3.example.internal", "advertised_port": 2023},
]
ALL = ["10.0.0.8:2023", "10.0.0.9:2023", "lh3.example.internal:2023"]
REACHABLE = dict((a, None) for a in ALL)


def test_address_lowercases_the_host_and_keeps_the_port():
    assert wf.address(" LH3.Example.Internal ", "2023") == "lh3.example.internal:2023"
    assert wf.split_address("10.0.0.9:2023") == ("10.0.0.9", 2023)


def test_every_assigned_address_maps_to_the_server_advertising_it():
    owners, unknown = wf.map_assignment(SERVERS, ["10.0.0.9:2023", "LH3.example.internal:2023", "10.0.0.7:2023"])
    assert owners == {"10.0.0.9:2023": ["lh-server-201"], "LH3.example.internal:2023": ["lh-server-301"],
                      "10.0.0.7:2023": []}
    assert unknown == ["10.0.0.7:2023"]


def test_a_healthy_assignment_reports_no_problem():
    streams = dict((a, True) for a in ALL)
    results, problems = wf.build_report(SERVERS, ALL, REACHABLE, streams)
    assert problems == []
    assert [r["name"] for r in results] == ["lh-server-101", "lh-server-201", "lh-server-301"]
    assert all(r["ok"] and r["assigned"] and r["reachable"] and r["polling"] for r in results)
    assert results[2]["advertised"] == "lh3.example.internal:2023"


def test_an_unreachable_server_is_named_with_its_host_address_and_reason():
    reach = dict(REACHABLE, **{"10.0.0.9:2023": "timed out"})
    results, problems = wf.build_report(SERVERS, ALL, reach)
    assert problems == ["lh-server-201 (host lh2) advertises 10.0.0.9:2023: workers cannot reach it "
                        "(connect: timed out)"]
    assert results[1]["ok"] is False and results[1]["reachable"] is False
    assert results[1]["connect_error"] == "timed out"
    assert results[0]["ok"] and results[2]["ok"]


def test_a_server_not_assigned_is_named_and_an_unknown_address_is_reported():
    assigned = ["10.0.0.8:2023", "10.0.0.9:2099", "lh3.example.internal:2023"]
    reach = dict(REACHABLE, **{"10.0.0.9:2023": "Connection refused", "10.0.0.9:2099": None})
    results, problems = wf.build_report(SERVERS, assigned, reach)
    assert problems == [
        "lh-server-201 (host lh2) advertises 10.0.0.9:2023: the worker was not assigned it, and nothing answers "
        "there (connect: Connection refused)",
        "10.0.0.9:2099 was assigned to the worker but no server of the plan advertises it",
    ]
    assert results[1]["assigned"] is False and results[1]["polling"] is None
    assert results[-1] == {"name": None, "host": None, "advertised": "10.0.0.9:2099", "assigned": True,
                           "reachable": True, "connect_error": None, "polling": None,
                           "problem": problems[1], "ok": False}


def test_an_unknown_address_that_cannot_be_reached_says_so():
    _results, problems = wf.build_report(SERVERS[:1], ["10.0.0.8:2023", "172.18.0.5:2023"],
                                         {"10.0.0.8:2023": None, "172.18.0.5:2023": "timed out"})
    assert problems == ["172.18.0.5:2023 was assigned to the worker but no server of the plan advertises it, "
                        "and workers cannot reach it (connect: timed out)"]


def test_a_poll_stream_that_stopped_is_reported_with_its_error():
    streams = {"10.0.0.8:2023": True, "10.0.0.9:2023": False, "lh3.example.internal:2023": True}
    errors = {"10.0.0.9:2023": "<AioRpcError UNAVAILABLE>"}
    results, problems = wf.build_report(SERVERS, ALL, REACHABLE, streams, errors)
    assert problems == ["lh-server-201 (host lh2) advertises 10.0.0.9:2023: the worker's poll stream to it "
                        "stopped (<AioRpcError UNAVAILABLE>)"]
    assert results[1]["polling"] is False


def test_a_server_never_probed_has_unknown_reachability():
    results, problems = wf.build_report(SERVERS[:1], [], {})
    assert results[0]["reachable"] is None
    assert problems == ["lh-server-101 (host lh1) advertises 10.0.0.8:2023: the worker was not assigned it"]


def test_the_failure_message_lists_every_problem():
    assert wf.failure_message("10.0.0.8:2023", ["a: x", "b: y"]) == "workflow check through 10.0.0.8:2023 failed: a: x; b: y"


def test_runs_problem_names_the_runs_that_did_not_complete():
    assert wf.runs_problem({"r1": "COMPLETED", "r2": "COMPLETED"}, 60) is None
    assert wf.runs_problem({"r1": "COMPLETED", "r2": "RUNNING", "r3": "ERROR"}, 60) == \
        "2 of 3 runs not COMPLETED after 60s: r2 RUNNING, r3 ERROR"


def test_client_settings_take_the_bootstrap_tenant_and_extra_settings():
    settings = wf.client_settings("10.0.0.8", 2023, tenant="verify",
                                  settings={"LHC_API_PROTOCOL": "TLS", "LHC_CA_CERT": "", "LHW_NUM_WORKER_THREADS": 2},
                                  oauth_client_secret="s3cret")
    assert settings == {"LHC_API_HOST": "10.0.0.8", "LHC_API_PORT": "2023", "LHC_API_PROTOCOL": "TLS",
                        "LHW_NUM_WORKER_THREADS": "2", "LHC_TENANT_ID": "verify", "LHC_OAUTH_CLIENT_SECRET": "s3cret"}


@pytest.mark.parametrize("key, words", [
    ("API_PROTOCOL", "not a LittleHorse client setting"),
    ("LHC_API_HOST", "bootstrap_host"),
    ("LHC_API_PORT", "bootstrap_port"),
    ("LHC_OAUTH_CLIENT_SECRET", "oauth_client_secret"),
])
def test_client_settings_refuse_what_belongs_elsewhere(key, words):
    with pytest.raises(LHClusterError) as err:
        wf.client_settings("h", 1, settings={key: "x"})
    assert words in err.value.message and key in err.value.message


def test_the_client_environment_is_forgotten():
    environ = {"LHC_API_HOST": "elsewhere", "LHW_TASK_WORKER_ID": "w", "PATH": "/bin"}
    wf.forget_client_environment(environ)
    assert environ == {"PATH": "/bin"}


def test_tcp_connect_says_why_it_failed():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        assert wf.tcp_connect("127.0.0.1:%d" % port, 2) is None
    finally:
        listener.close()
    assert wf.tcp_connect("127.0.0.1:%d" % port, 2) == "Connection refused"

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What teardown removes from a host and what it keeps (lh_host_cleanup): only the collection's own paths."""
import json
import os

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils import _host_cleanup as hc
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

MARKER = "# Written by littlehorse.cluster"
TARGETS = json.dumps([{"targets": ["127.0.0.1:1822"], "labels": {"littlehorse_prefix": "lh", "container": "lh-server-1"}}])


def test_only_folders_directly_under_the_files_root_are_removed_whole():
    assert hc.is_files_folder("/etc/littlehorse/lh-server-1")
    assert hc.is_files_folder("/etc/littlehorse/lh/")
    for path in ("/etc/littlehorse", "/etc/littlehorse/", "/etc/littlehorse/lh/tls", "/etc/littlehorse/../passwd",
                 "/etc", "etc/littlehorse/lh", "/var/lib/littlehorse/lh"):
        assert not hc.is_files_folder(path), path


def test_a_folder_outside_the_root_or_a_relative_path_refuses_everything():
    entries = hc.folder_entries(["/etc/littlehorse/lh-server-1", "/etc"]) + [
        {"path": "relative/file", "what": "client configuration", "owned": "marker"}]
    with pytest.raises(LHClusterError) as err:
        hc.validate(entries)
    assert err.value.message == (
        "nothing was removed: /etc (files of etc) is not a folder of the collection's files (/etc/littlehorse/<name>): "
        "only those are removed whole; relative/file (client configuration) is a relative path; give the absolute path")


FOLDER = hc.folder_entries(["/etc/littlehorse/lh-server-1"])[0]
CLIENT = {"path": "/home/u/.config/littlehorse/lh-client.properties", "what": "client configuration",
          "owned": "marker", "marker": MARKER, "purge_only": True}
PROMETHEUS = {"path": "/home/u/.config/littlehorse/lh-prometheus-targets.json", "what": "Prometheus targets",
              "owned": "targets", "prefix": "lh", "purge_only": True}
ARCHIVES = hc.archive_entries(["/var/cache/littlehorse/images/lh-server.tar"])
PKI = {"path": "/home/u/.local/share/littlehorse/lh/pki", "what": "the cluster CA", "owned": "never",
       "keep_why": "remove it yourself"}
VOLUMES = [{"name": "lh-server-1", "what": "the data of lh-server-1"}, {"name": "lh-kafka-1", "what": "the data"}]
STATE = {FOLDER["path"]: "dir", CLIENT["path"]: "file", "head:" + CLIENT["path"]: MARKER + " (role client_config)\n",
         PROMETHEUS["path"]: "file", "head:" + PROMETHEUS["path"]: TARGETS, ARCHIVES[0]["path"]: "file",
         PKI["path"]: "dir", "volume:lh-server-1": True, "volume:lh-kafka-1": False}
ENTRIES = [FOLDER, CLIENT, PROMETHEUS, ARCHIVES[0], PKI]


def names(items):
    return [i["name"] for i in items]


def test_without_purge_the_files_go_and_the_volumes_archives_and_client_files_are_kept_saying_why():
    remove, keep = hc.decide(ENTRIES, VOLUMES, False, STATE)
    assert names(remove) == ["/etc/littlehorse/lh-server-1"]
    assert names(keep) == [CLIENT["path"], PROMETHEUS["path"], ARCHIVES[0]["path"], PKI["path"], "lh-server-1"]
    assert "littlehorse_teardown_purge_volumes" in keep[-1]["why"]
    assert "a later deploy loads from it" in keep[2]["why"]
    assert hc.summary(keep[-1]).startswith("volume lh-server-1 (the data of lh-server-1): data is kept")


def test_with_purge_everything_of_the_cluster_goes_but_the_ca_and_what_is_not_there():
    remove, keep = hc.decide(ENTRIES, VOLUMES, True, STATE)
    assert names(remove) == ["/etc/littlehorse/lh-server-1", CLIENT["path"], PROMETHEUS["path"],
                             ARCHIVES[0]["path"], "lh-server-1"]
    assert [(k["name"], k["why"]) for k in keep] == [(PKI["path"], "remove it yourself")]


def test_archives_kept_on_request_even_with_purge():
    entries = hc.archive_entries(["/var/cache/littlehorse/images/lh-server.tar"], keep=True)
    remove, keep = hc.decide(entries, [], True, STATE)
    assert remove == [] and "littlehorse_teardown_keep_image_archives" in keep[0]["why"]


@pytest.mark.parametrize("entry,state,why", [
    (CLIENT, {CLIENT["path"]: "file", "head:" + CLIENT["path"]: "LHC_API_HOST=mine\n"}, "did not write it"),
    (CLIENT, {CLIENT["path"]: "dir"}, "not a regular file"),
    (PROMETHEUS, {PROMETHEUS["path"]: "file", "head:" + PROMETHEUS["path"]: TARGETS.replace('"lh"', '"other"')},
     "did not write it"),
    (PROMETHEUS, {PROMETHEUS["path"]: "file", "head:" + PROMETHEUS["path"]: "[]"}, "did not write it"),
    (PROMETHEUS, {PROMETHEUS["path"]: "file", "head:" + PROMETHEUS["path"]: "not json"}, "did not write it"),
    (FOLDER, {FOLDER["path"]: "file"}, "not a folder"),
])
def test_a_file_the_collection_did_not_write_is_kept_even_with_purge(entry, state, why):
    remove, keep = hc.decide([entry], [], True, state)
    assert remove == [] and why in keep[0]["why"]


class FakeApi:
    def __init__(self, volumes, networks, busy=()):
        self.volume_names, self.network_names, self.busy = list(volumes), list(networks), set(busy)
        self.calls = []

    def volumes(self):
        return {"Volumes": [{"Name": n} for n in self.volume_names]}

    def remove_volume(self, name):
        self.calls.append(("remove_volume", name))
        if name in self.busy:
            raise RuntimeError("volume is in use - [abc]\nmore")
        self.volume_names.remove(name)

    def networks(self, names=None):
        # like the engine's filter: a substring match, so the module must match the exact name itself
        return [{"Name": n} for n in self.network_names if any(x in n for x in names or [])]

    def remove_network(self, name):
        self.calls.append(("remove_network", name))
        self.network_names.remove(name)


class FakeClient:
    def __init__(self, api):
        self.api = api


def files_here(tmp_path):
    mine = tmp_path / "lh-client.properties"
    mine.write_text(MARKER + " (role client_config)\nLHC_API_HOST=x\n")
    users = tmp_path / "users.properties"
    users.write_text("LHC_API_HOST=mine\n")
    archives = tmp_path / "images"
    archives.mkdir()
    (archives / "lh-server.tar").write_bytes(b"tar")
    return mine, users, archives


def test_cleanup_removes_the_collections_files_volumes_and_network_and_keeps_the_rest(tmp_path):
    mine, users, archives = files_here(tmp_path)
    api = FakeApi(["lh-server-1", "other-volume"], ["lh", "lh-other"])
    entries = [dict(CLIENT, path=str(mine)), dict(CLIENT, path=str(users))] + hc.archive_entries(
        [str(archives / "lh-server.tar")])
    result = hc.cleanup(lambda: FakeClient(api), "lh1", entries, VOLUMES, "lh", True, [str(archives)])
    assert not mine.exists() and users.exists() and not archives.exists()
    assert api.volume_names == ["other-volume"] and api.network_names == ["lh-other"]
    assert result["changed"] and result["network"] == "lh" and result["pruned"] == [str(archives)]
    assert result["kept"] == ["path %s (client configuration): littlehorse.cluster did not write it (its content is "
                              "not the collection's)" % users]


def test_cleanup_in_check_mode_changes_nothing_and_says_what_would_go(tmp_path):
    mine, users, archives = files_here(tmp_path)
    api = FakeApi(["lh-server-1"], ["lh"])
    result = hc.cleanup(lambda: FakeClient(api), "lh1", [dict(CLIENT, path=str(mine))], VOLUMES, "lh", True,
                        [str(archives)], check_mode=True)
    assert mine.exists() and archives.exists() and api.calls == []
    assert result["changed"] and len(result["removed"]) == 3


def test_a_second_cleanup_changes_nothing_and_needs_no_engine_without_volumes_or_network(tmp_path):
    mine, dummy, dummy = files_here(tmp_path)
    entries = [dict(CLIENT, path=str(mine))]
    assert hc.cleanup(None, "the controller", entries, purge=True)["changed"]
    result = hc.cleanup(None, "the controller", entries, purge=True)
    assert not result["changed"] and result["removed"] == [] and result["kept"] == []


def test_a_volume_that_cannot_be_removed_is_named_with_the_host(tmp_path):
    api = FakeApi(["lh-server-1"], [], busy=["lh-server-1"])
    with pytest.raises(LHClusterError) as err:
        hc.cleanup(lambda: FakeClient(api), "lh1", [], VOLUMES, None, True)
    assert err.value.message == "host lh1: could not remove volume lh-server-1: volume is in use - [abc]"


def test_refused_entries_remove_nothing(tmp_path):
    mine, dummy, dummy = files_here(tmp_path)
    with pytest.raises(LHClusterError):
        hc.cleanup(None, "lh1", [dict(CLIENT, path=str(mine))] + hc.folder_entries([str(tmp_path)]), purge=True)
    assert os.path.exists(str(mine))

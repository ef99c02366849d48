# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `files` of a container module's run: checked before anything is written, then written only where they differ."""
import base64
import os

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import host_file_entries, write_host_files
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError


def item(path, content=b"text", mode="0644", folder_mode="0700", owner=None):
    return {"path": str(path), "content_base64": base64.b64encode(content).decode(), "mode": mode,
            "folder_mode": folder_mode, "owner": owner}


def test_files_are_written_with_their_mode_and_folder_then_left_when_the_same(tmp_path):
    key, store = tmp_path / "tls" / "server.key", tmp_path / "tls" / "store.p12"
    entries = host_file_entries([item(key, b"key", "0600"), item(store, b"\x00\xff")])
    assert write_host_files(entries, check_mode=True) == [str(key), str(store)] and not key.exists()
    assert write_host_files(entries, check_mode=False) == [str(key), str(store)]
    assert key.read_bytes() == b"key" and os.stat(str(key)).st_mode & 0o777 == 0o600
    assert store.read_bytes() == b"\x00\xff" and os.stat(str(tmp_path / "tls")).st_mode & 0o777 == 0o700 & ~current_umask()
    assert write_host_files(entries, check_mode=False) == []
    os.chmod(str(key), 0o644)
    assert write_host_files(host_file_entries([item(key, b"key", "0600")]), check_mode=False) == [str(key)]
    assert write_host_files(host_file_entries([item(key, b"new key", "0600")]), check_mode=False) == [str(key)]
    assert key.read_bytes() == b"new key"


def test_an_owner_already_right_changes_nothing(tmp_path):
    path = tmp_path / "ca.crt"
    entries = host_file_entries([item(path, owner=os.getuid())])
    assert write_host_files(entries, check_mode=False) == [str(path)]
    assert write_host_files(entries, check_mode=False) == []


@pytest.mark.parametrize("files,message", [
    ([item("relative/x")], r"files\[0\] \(relative/x\): the path must be absolute"),
    ([item("/etc/x", mode="rw")], r"files\[0\] \(/etc/x\): mode 'rw' is not an octal mode"),
    ([item("/etc/x"), item("/etc/x")], r"files\[1\] \(/etc/x\): this path is given more than once"),
    ([dict(item("/etc/x"), content_base64="not base64!")], r"files\[0\] \(/etc/x\): content_base64 is not base64"),
])
def test_a_bad_file_is_named_before_anything_is_written(files, message):
    with pytest.raises(LHClusterError, match=message):
        host_file_entries(files)


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask

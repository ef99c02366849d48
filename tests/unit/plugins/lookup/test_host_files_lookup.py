# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller files read for the container modules' `files` option, binary as it is."""
import base64

import pytest
from ansible.errors import AnsibleLookupError

from ansible_collections.littlehorse.cluster.plugins.lookup.host_files import LookupModule


def test_each_file_is_read_as_it_is_with_its_place_mode_and_owner(tmp_path):
    store = tmp_path / "store.p12"
    store.write_bytes(b"\x00\xff binary")
    cert = tmp_path / "ca.crt"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    items = [{"src": str(store), "path": "/etc/x/store.p12", "mode": "0600", "owner": 1000},
             {"src": str(cert), "path": "/etc/x/ca.crt", "mode": 0o644}]
    assert LookupModule().run([items]) == LookupModule().run(items) == [
        {"path": "/etc/x/store.p12", "content_base64": base64.b64encode(b"\x00\xff binary").decode(), "mode": "0600",
         "folder_mode": "0700", "owner": 1000},
        {"path": "/etc/x/ca.crt", "content_base64": base64.b64encode(b"-----BEGIN CERTIFICATE-----\n").decode(),
         "mode": "0644", "folder_mode": "0700"}]


@pytest.mark.parametrize("item,message", [
    ({"path": "/etc/x"}, "must be a dictionary with src and path"),
    ({"src": "/nowhere/at/all.crt", "path": "/etc/x"}, "/nowhere/at/all.crt on the controller .*cannot be read"),
    ({"src": "/a", "path": "/etc/x", "colour": "red"}, "unknown keys colour"),
])
def test_a_bad_item_or_an_unreadable_file_is_named(item, message):
    with pytest.raises(AnsibleLookupError, match=message):
        LookupModule().run([item])

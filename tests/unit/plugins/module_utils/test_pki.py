# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster's certificates (module_utils/_pki.py): the X.509 functions and the folder kept by ensure()."""
import datetime
import os
import stat

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

NOW = datetime.datetime(2026, 11, 26, 1, 0, tzinfo=datetime.timezone.utc)


def server(name="lh-server-1", dns=("lh1.example.com", "lh-server-1", "localhost"), ips=("10.0.0.1", "127.0.0.1"),
           usages=("server", "client")):
    return {"name": name, "common_name": name, "dns_names": list(dns), "ip_addresses": list(ips), "usages": list(usages)}


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_issue_signs_with_the_names_and_usages():
    ca, ca_key = _pki.create_ca("test CA", 30, NOW)
    key = _pki.new_key()
    cert = _pki.issue(ca, ca_key, key, "lh-server-1", ["lh1", "localhost"], ["127.0.0.1"], ["server", "client"], 10, NOW)
    assert _pki.common_name_of(cert) == "lh-server-1"
    assert _pki.names_of(cert) == (["lh1", "localhost"], ["127.0.0.1"])
    assert _pki.usages_of(cert) == ["server", "client"]
    assert _pki.signed_by(cert, ca) and _pki.key_matches(cert, key)
    assert _pki.not_after(cert) == NOW + datetime.timedelta(days=10)
    other_ca, unused = _pki.create_ca("test CA", 30, NOW)
    assert not _pki.signed_by(cert, other_ca)  # same subject, another key
    assert _pki.renewal_reason(cert, key, ca, "lh-server-1", ["localhost", "lh1"], ["127.0.0.1"], ["client", "server"],
                               5, NOW) is None


def test_a_certificate_never_outlives_its_ca():
    ca, ca_key = _pki.create_ca("test CA", 5, NOW)
    cert = _pki.issue(ca, ca_key, _pki.new_key(), "c", days=365, now=NOW)
    assert _pki.not_after(cert) == _pki.not_after(ca)


def test_pem_round_trip_and_pkcs8():
    ca, ca_key = _pki.create_ca("test CA", 30, NOW)
    assert _pki.key_pem(ca_key).startswith(b"-----BEGIN PRIVATE KEY-----")
    assert _pki.load_cert(_pki.cert_pem(ca)) == ca
    assert _pki.key_matches(ca, _pki.load_key(_pki.key_pem(ca_key)))


@pytest.mark.parametrize("change,reason", [
    (dict(dns_names=["lh1", "localhost", "new.example.com"]), "its names are"),
    (dict(ip_addresses=["10.0.0.9"]), "its names are"),
    (dict(common_name="other"), "its common name is lh-server-1, not other"),
    (dict(usages=["client"]), "its usages are server, client, not client"),
    (dict(renew_before_days=20), "it expires on 2026-12-06, within 20 days"),
])
def test_renewal_reasons(change, reason):
    ca, ca_key = _pki.create_ca("test CA", 30, NOW)
    key = _pki.new_key()
    cert = _pki.issue(ca, ca_key, key, "lh-server-1", ["lh1", "localhost"], ["127.0.0.1"], ["server", "client"], 10, NOW)
    want = dict(common_name="lh-server-1", dns_names=["lh1", "localhost"], ip_addresses=["127.0.0.1"],
                usages=["server", "client"], renew_before_days=5)
    want.update(change)
    assert reason in _pki.renewal_reason(cert, key, ca, now=NOW, **want)


def test_renewal_when_the_key_or_the_ca_changed():
    ca, ca_key = _pki.create_ca("test CA", 30, NOW)
    key = _pki.new_key()
    cert = _pki.issue(ca, ca_key, key, "c", now=NOW)
    args = ("c", [], [], ["server", "client"], 5, NOW)
    assert _pki.renewal_reason(cert, _pki.new_key(), ca, *args) == "its key does not match it"
    assert _pki.renewal_reason(cert, key, _pki.create_ca("test CA", 30, NOW)[0], *args) == "it is not signed by the CA"


def test_ensure_makes_a_ca_and_certificates_then_keeps_them(tmp_path):
    folder = str(tmp_path / "pki")
    first = _pki.ensure(folder, [server(), server("lh-client", (), (), ["client"])], now=NOW)
    assert first["changed"] is True
    assert [c["action"] for c in first["certificates"]] == ["issued", "issued"]
    assert mode(folder) == 0o700
    for name in ("ca.key", "lh-server-1.key", "lh-client.key"):
        assert mode(os.path.join(folder, name)) == 0o600
    assert mode(os.path.join(folder, "lh-server-1.crt")) == 0o644
    before = dict((n, open(os.path.join(folder, n), "rb").read()) for n in os.listdir(folder))
    second = _pki.ensure(folder, [server(), server("lh-client", (), (), ["client"])], now=NOW)
    assert second["changed"] is False
    assert [c["action"] for c in second["certificates"]] == ["kept", "kept"]
    assert before == dict((n, open(os.path.join(folder, n), "rb").read()) for n in os.listdir(folder))
    assert "BEGIN" not in repr(second)  # no key or certificate content in the result


def test_ensure_reissues_only_what_changed_and_keeps_its_key(tmp_path):
    folder = str(tmp_path)
    _pki.ensure(folder, [server(), server("lh-server-2")], now=NOW)
    key_before = open(os.path.join(folder, "lh-server-1.key"), "rb").read()
    two_before = open(os.path.join(folder, "lh-server-2.crt"), "rb").read()
    result = _pki.ensure(folder, [server(ips=("10.0.0.5",)), server("lh-server-2")], now=NOW)
    assert [(c["action"], (c["reason"] or "")[:13]) for c in result["certificates"]] == [
        ("issued", "its names are"), ("kept", "")]
    assert open(os.path.join(folder, "lh-server-1.key"), "rb").read() == key_before
    assert open(os.path.join(folder, "lh-server-2.crt"), "rb").read() == two_before


def test_ensure_renews_what_expires_and_a_loosened_key_mode(tmp_path):
    folder = str(tmp_path)
    _pki.ensure(folder, [server()], days=40, now=NOW)
    os.chmod(os.path.join(folder, "lh-server-1.key"), 0o644)
    kept = _pki.ensure(folder, [server()], days=40, now=NOW)
    assert kept["changed"] is True and kept["certificates"][0]["action"] == "kept"
    assert mode(os.path.join(folder, "lh-server-1.key")) == 0o600
    later = _pki.ensure(folder, [server()], days=40, now=NOW + datetime.timedelta(days=15))
    assert later["certificates"][0]["action"] == "issued"
    assert "within 30 days" in later["certificates"][0]["reason"]


def test_ensure_with_the_users_ca(tmp_path):
    ca, ca_key = _pki.create_ca("users CA", 100, NOW)
    (tmp_path / "users.crt").write_bytes(_pki.cert_pem(ca))
    (tmp_path / "users.key").write_bytes(_pki.key_pem(ca_key))
    folder = str(tmp_path / "pki")
    result = _pki.ensure(folder, [server()], ca_cert_file=str(tmp_path / "users.crt"),
                         ca_key_file=str(tmp_path / "users.key"), now=NOW)
    assert not os.path.exists(os.path.join(folder, "ca.key"))
    assert open(result["ca"], "rb").read() == _pki.cert_pem(ca)
    cert = _pki.load_cert(open(result["certificates"][0]["cert"], "rb").read())
    assert _pki.signed_by(cert, ca)
    # a certificate of the CA made here before is issued again by the user's CA
    other = str(tmp_path / "other")
    _pki.ensure(other, [server()], now=NOW)
    moved = _pki.ensure(other, [server()], ca_cert_file=str(tmp_path / "users.crt"),
                        ca_key_file=str(tmp_path / "users.key"), now=NOW)
    assert moved["certificates"][0]["reason"] == "it is not signed by the CA"


def test_ensure_refuses_a_ca_key_that_is_not_the_cas(tmp_path):
    ca, unused = _pki.create_ca("users CA", 100, NOW)
    (tmp_path / "users.crt").write_bytes(_pki.cert_pem(ca))
    (tmp_path / "users.key").write_bytes(_pki.key_pem(_pki.new_key()))
    with pytest.raises(LHClusterError, match="is not the key of the CA certificate"):
        _pki.ensure(str(tmp_path / "pki"), [], ca_cert_file=str(tmp_path / "users.crt"),
                    ca_key_file=str(tmp_path / "users.key"))
    with pytest.raises(LHClusterError, match="give both"):
        _pki.ensure(str(tmp_path / "pki"), [], ca_cert_file=str(tmp_path / "users.crt"))


def test_check_mode_writes_nothing(tmp_path):
    folder = str(tmp_path / "pki")
    result = _pki.ensure(folder, [server()], check_mode=True, now=NOW)
    assert result["changed"] is True and not os.path.exists(folder)


@pytest.mark.parametrize("item,words", [
    (server(name="../x"), "certificates[].name: '../x'"),
    (server(ips=("lh1",)), "certificates[lh-server-1].ip_addresses: 'lh1' is not an IP address"),
    (server(usages=("signing",)), "certificates[lh-server-1].usages: 'signing'"),
])
def test_bad_requests(tmp_path, item, words):
    with pytest.raises(LHClusterError) as error:
        _pki.ensure(str(tmp_path), [item], now=NOW)
    assert words in error.value.message

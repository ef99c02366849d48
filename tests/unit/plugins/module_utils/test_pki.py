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


def test_each_certificate_may_have_its_own_validity_and_renewal_window(tmp_path):
    folder = str(tmp_path)
    short = dict(server("lh-kafka-1"), validity_days=10, renew_before_days=2)
    items = [short, server("lh-server-1")]
    first = _pki.ensure(folder, items, days=100, renew_before_days=30, now=NOW)
    assert [c["not_after"][:10] for c in first["certificates"]] == ["2026-12-06", "2027-03-06"]
    day = datetime.timedelta(days=1)
    kept = _pki.ensure(folder, items, days=100, renew_before_days=30, now=NOW + 7 * day)
    assert [c["action"] for c in kept["certificates"]] == ["kept", "kept"], "3 days left of 10: outside its 2"
    renewed = _pki.ensure(folder, items, days=100, renew_before_days=30, now=NOW + 9 * day)
    assert [c["action"] for c in renewed["certificates"]] == ["issued", "kept"]
    assert "within 2 days" in renewed["certificates"][0]["reason"]
    assert renewed["certificates"][0]["not_after"][:10] == "2026-12-15"


def test_a_validity_and_its_renewal_window_are_checked_with_the_names_given():
    assert _pki.validity_problem(365, 30) is None and _pki.validity_problem(1, 0) is None
    assert _pki.validity_problem(0, 0) == "validity_days must be above 0, got 0"
    assert _pki.validity_problem(30, 30, "certificates[a].validity_days", "certificates[a].renew_before_days") == (
        "certificates[a].renew_before_days must be 0 or more and below certificates[a].validity_days (30), got 30")
    assert _pki.item_validity({"validity_days": 10, "renew_before_days": None}, 365, 30) == (10, 30)
    assert _pki.item_validity({}, 365, 0) == (365, 0)


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
    with pytest.raises(LHClusterError, match="ca_key_file needs ca_cert_file"):
        _pki.ensure(str(tmp_path / "pki"), [], ca_key_file=str(tmp_path / "users.key"))
    # the certificate alone signs nothing: an item to issue is refused (see the given certificates below)
    with pytest.raises(LHClusterError, match=r"the CA's key \(ca_key_file\) is needed to issue it"):
        _pki.ensure(str(tmp_path / "pki"), [server()], ca_cert_file=str(tmp_path / "users.crt"))


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


# ---- the user's CA (check_user_ca, read_user_ca): lh_pki loads it with them, the preflight checks it with them

NAMES = ("littlehorse_ca_cert_file", "littlehorse_ca_key_file")


def users_ca(tmp_path, cert=None, key=None):
    """Write the CA's certificate and key (PEM bytes; a new CA when not given) as ca.crt and ca.key in tmp_path."""
    if cert is None or key is None:
        made, made_key = _pki.create_ca("users CA", 100, NOW)
        cert = _pki.cert_pem(made) if cert is None else cert
        key = _pki.key_pem(made_key) if key is None else key
    (tmp_path / "ca.crt").write_bytes(cert)
    (tmp_path / "ca.key").write_bytes(key)
    return str(tmp_path / "ca.crt"), str(tmp_path / "ca.key")


def problems_of(tmp_path, cert=None, key=None, now=NOW):
    paths = users_ca(tmp_path, cert, key)
    return _pki.read_user_ca(paths[0], paths[1], names=NAMES, now=now)[2]


def not_ca_cert(key, now=NOW, ca=False, key_cert_sign=True, days=100):
    name = _pki._name("not a CA")
    builder = (_pki.x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=days)))
    if ca is not None:
        builder = builder.add_extension(_pki.x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if not key_cert_sign:
        builder = builder.add_extension(_pki.x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
    return builder.sign(key, _pki.hashes.SHA256())


def test_a_good_user_ca_has_no_problem(tmp_path):
    paths = users_ca(tmp_path)
    cert, key, problems = _pki.read_user_ca(paths[0], paths[1], names=NAMES, now=NOW)
    assert problems == [] and _pki.key_matches(cert, key)
    # an EC CA signs too
    ec_key = _pki.ec.generate_private_key(_pki.ec.SECP256R1())
    ca, unused = _pki.create_ca("ec CA", 100, NOW, key=ec_key)
    assert problems_of(tmp_path, _pki.cert_pem(ca), _pki.key_pem(ec_key)) == []


def test_user_ca_files_that_cannot_be_read(tmp_path):
    missing = str(tmp_path / "nowhere.crt")
    problems = _pki.read_user_ca(missing, str(tmp_path), names=NAMES, now=NOW)[2]
    assert problems == [
        "littlehorse_ca_cert_file: %s cannot be read on the controller (No such file or directory); give the path, on "
        "the controller (where ansible-playbook runs), of your CA's certificate (PEM), readable by the user that runs "
        "ansible-playbook" % missing,
        "littlehorse_ca_key_file: %s cannot be read on the controller (Is a directory); give the path, on the "
        "controller (where ansible-playbook runs), of the private key of your CA's certificate (unencrypted PEM), "
        "readable by the user that runs ansible-playbook" % tmp_path]


def test_user_ca_files_that_are_not_pem(tmp_path):
    key = _pki.new_key()
    problems = problems_of(tmp_path, b"not a certificate\n", b"not a key\n")
    assert problems == [
        "littlehorse_ca_cert_file: %s is not a PEM certificate; give your CA's certificate in PEM, the text that "
        "starts with -----BEGIN CERTIFICATE----- (convert a DER file with 'openssl x509 -inform der -in ca.der -out "
        "ca.crt')" % (tmp_path / "ca.crt"),
        "littlehorse_ca_key_file: %s is not a PEM private key; give the private key of your CA's certificate in PEM, "
        "unencrypted (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)" % (tmp_path / "ca.key")]
    ca, ca_key = _pki.create_ca("users CA", 100, NOW, key=key)
    swapped = problems_of(tmp_path, _pki.key_pem(ca_key), _pki.cert_pem(ca))
    assert "is not a PEM certificate (it holds a private key: are littlehorse_ca_cert_file and " \
           "littlehorse_ca_key_file swapped?)" in swapped[0]
    assert "is not a PEM private key (it holds a certificate: are littlehorse_ca_cert_file and " \
           "littlehorse_ca_key_file swapped?)" in swapped[1]


def test_an_encrypted_user_ca_key_is_refused_with_how_to_decrypt_it(tmp_path):
    ca, ca_key = _pki.create_ca("users CA", 100, NOW)
    encrypted = ca_key.private_bytes(_pki.serialization.Encoding.PEM, _pki.serialization.PrivateFormat.PKCS8,
                                     _pki.serialization.BestAvailableEncryption(b"secret"))
    key_file = str(tmp_path / "ca.key")
    assert problems_of(tmp_path, _pki.cert_pem(ca), encrypted) == [
        "littlehorse_ca_key_file: %s is an encrypted private key (it has a passphrase), and the collection signs with "
        "an unencrypted key only; write an unencrypted copy ('openssl pkey -in %s -out ca-plain.key', mode 0600) and "
        "set littlehorse_ca_key_file to it" % (key_file, key_file)]


def test_a_user_ca_key_of_another_kind_is_refused(tmp_path):
    key = _pki.serialization.load_pem_private_key(
        __import__("cryptography.hazmat.primitives.asymmetric.ed25519", fromlist=["x"]).Ed25519PrivateKey.generate()
        .private_bytes(_pki.serialization.Encoding.PEM, _pki.serialization.PrivateFormat.PKCS8,
                       _pki.serialization.NoEncryption()), password=None)
    problems = problems_of(tmp_path, key=key.private_bytes(_pki.serialization.Encoding.PEM,
                                                           _pki.serialization.PrivateFormat.PKCS8,
                                                           _pki.serialization.NoEncryption()))
    assert len(problems) == 1 and "the collection signs with an RSA or EC CA key only" in problems[0]


def test_a_user_ca_key_of_another_certificate_is_refused(tmp_path):
    problems = problems_of(tmp_path, key=_pki.key_pem(_pki.new_key()))
    assert problems == [
        "littlehorse_ca_key_file: %s is not the key of the CA certificate %s (littlehorse_ca_cert_file): their public "
        "keys differ; give the private key that belongs to that certificate" % (tmp_path / "ca.key", tmp_path / "ca.crt")]


@pytest.mark.parametrize("options,words", [
    (dict(ca=None), "is not a CA certificate (it has no basicConstraints extension), so the certificates it signs "
                    "would not be trusted; give a CA certificate (basicConstraints critical, CA:TRUE) and its key, or "
                    "unset littlehorse_ca_cert_file and littlehorse_ca_key_file (the collection then makes a CA on "
                    "the controller)"),
    (dict(ca=False), "is not a CA certificate (its basicConstraints say CA:FALSE)"),
    (dict(ca=True, key_cert_sign=False), "may not sign certificates (its keyUsage lacks keyCertSign)"),
])
def test_a_user_certificate_that_is_not_a_ca_is_refused(tmp_path, options, words):
    key = _pki.new_key()
    problems = problems_of(tmp_path, _pki.cert_pem(not_ca_cert(key, **options)), _pki.key_pem(key))
    assert len(problems) == 1 and problems[0].startswith("littlehorse_ca_cert_file: %s " % (tmp_path / "ca.crt"))
    assert words in problems[0]


def test_an_expired_or_future_user_ca_is_refused(tmp_path):
    paths = users_ca(tmp_path)
    later = NOW + datetime.timedelta(days=101)
    assert _pki.read_user_ca(paths[0], paths[1], names=NAMES, now=later)[2] == [
        "littlehorse_ca_cert_file: %s expired on 2027-03-06T01:00:00+00:00 (its validity ended), so the certificates it "
        "signs would not be trusted; renew your CA and give the new certificate and key, or unset "
        "littlehorse_ca_cert_file and littlehorse_ca_key_file (the collection then makes a CA on the controller)"
        % paths[0]]
    earlier = NOW - datetime.timedelta(days=1)
    assert "is not valid before 2026-11-26T00:55:00+00:00; give a CA that is valid now" in \
        _pki.read_user_ca(paths[0], paths[1], names=NAMES, now=earlier)[2][0]


def test_ensure_refuses_a_users_ca_that_is_not_a_ca_naming_its_options(tmp_path):
    key = _pki.new_key()
    paths = users_ca(tmp_path, _pki.cert_pem(not_ca_cert(key, ca=False)), _pki.key_pem(key))
    with pytest.raises(LHClusterError, match=r"^ca_cert_file: .* is not a CA certificate .* or unset ca_cert_file "
                                             r"and ca_key_file"):
        _pki.ensure(str(tmp_path / "pki"), [server()], ca_cert_file=paths[0], ca_key_file=paths[1], now=NOW)
    assert not os.path.exists(str(tmp_path / "pki" / "lh-server-1.crt"))


def test_keystores_and_the_truststore_are_pkcs12_that_open_with_the_kept_password(tmp_path):
    from cryptography.hazmat.primitives.serialization import pkcs12
    folder = str(tmp_path / "pki")
    items = [{"name": "lh-kafka-1", "common_name": "lh-kafka-1", "dns_names": ["lh-kafka-1"], "ip_addresses": [],
              "usages": ["server", "client"], "keystore": True},
             {"name": "lh-client", "common_name": "lh-client", "dns_names": [], "ip_addresses": [],
              "usages": ["client"], "keystore": False}]
    result = _pki.ensure(folder, items)
    assert result["certificates"][0]["keystore"] == os.path.join(folder, "lh-kafka-1.p12")
    assert "keystore" not in result["certificates"][1]
    password = open(result["store_password_file"], "rb").read().strip()
    assert len(password) >= 32 and stat.S_IMODE(os.stat(result["store_password_file"]).st_mode) == 0o600
    keystore = pkcs12.load_pkcs12(open(result["certificates"][0]["keystore"], "rb").read(), password)
    cert = _pki.load_cert(open(result["certificates"][0]["cert"], "rb").read())
    assert keystore.cert.certificate == cert and _pki.key_matches(cert, keystore.key)
    truststore = pkcs12.load_pkcs12(open(result["truststore"], "rb").read(), password)
    assert [c.certificate for c in truststore.additional_certs] == [_pki.load_cert(open(result["ca"], "rb").read())]
    stores = [open(p, "rb").read() for p in (result["truststore"], result["certificates"][0]["keystore"])]
    again = _pki.ensure(folder, items)
    assert not again["changed"], "a store that holds the certificate is not written again"
    assert [open(p, "rb").read() for p in (again["truststore"], again["certificates"][0]["keystore"])] == stores


def test_a_reissued_certificate_rewrites_its_keystore(tmp_path):
    from cryptography.hazmat.primitives.serialization import pkcs12
    folder = str(tmp_path / "pki")
    item = {"name": "k", "common_name": "k", "dns_names": ["a"], "ip_addresses": [], "usages": ["server"],
            "keystore": True}
    _pki.ensure(folder, [item])
    result = _pki.ensure(folder, [dict(item, dns_names=["a", "b"])])
    assert result["changed"] and result["certificates"][0]["action"] == "issued"
    password = open(result["store_password_file"], "rb").read().strip()
    keystore = pkcs12.load_pkcs12(open(result["certificates"][0]["keystore"], "rb").read(), password)
    assert _pki.names_of(keystore.cert.certificate) == (["a", "b"], [])


def test_an_expiring_ca_is_renewed_with_its_key_and_name_and_the_certificates_it_signed_stay(tmp_path):
    folder = str(tmp_path / "pki")
    item = {"name": "s", "common_name": "s", "dns_names": ["s"], "ip_addresses": [], "usages": ["server", "client"]}
    first = _pki.ensure(folder, [item], ca_days=60, days=20, renew_before_days=10)
    old_ca = _pki.load_cert(open(first["ca"], "rb").read())
    old_leaf = open(first["certificates"][0]["cert"], "rb").read()
    later = _pki.utcnow() + datetime.timedelta(days=55)
    # 55 days on, the CA expires within 10 days: renewed; the leaf (20 days) was due anyway - check with a fresh one
    second = _pki.ensure(folder, [item], ca_days=60, days=20, renew_before_days=10, now=later)
    new_ca = _pki.load_cert(open(second["ca"], "rb").read())
    assert second["changed"] and new_ca != old_ca
    assert new_ca.subject == old_ca.subject and new_ca.public_key() == old_ca.public_key()
    assert _pki.signed_by(_pki.load_cert(old_leaf), new_ca), "what the old CA signed chains to the renewed one"
    assert _pki.signed_by(_pki.load_cert(open(second["certificates"][0]["cert"], "rb").read()), old_ca)


# ---- the user's own server certificate (check_server_cert, read_server_cert, ensure with cert_file)

SERVER_NAMES = ("littlehorse_server_cert_file", "littlehorse_server_key_file")
REACHED = [{"name": "lh2.example.com", "why": "the advertised host of lh-server-201's listener TLS"},
           {"name": "10.0.0.2", "why": "lh-server-201's internal advertised host, for the other servers"}]
UNSET = "or unset littlehorse_server_cert_file and littlehorse_server_key_file (the collection then issues it with your CA)"


def users_server(tmp_path, ca=None, ca_key=None, dns=("lh2.example.com",), ips=("10.0.0.2",), usages=("server", "client"),
                 days=100, now=NOW, key=None, eku=True):
    """(ca, ca_key, (cert path, key path)) of a server certificate as a user's PKI makes it: cert.pem and key.pem."""
    if ca is None:
        ca, ca_key = _pki.create_ca("users CA", 1000, now)
    key = key or _pki.new_key()
    cert = _pki.issue(ca, ca_key, key, "lh2", dns, ips, usages, days, now)
    if not eku:  # the same certificate without an extendedKeyUsage extension
        builder = (_pki.x509.CertificateBuilder().subject_name(cert.subject).issuer_name(cert.issuer)
                   .public_key(key.public_key()).serial_number(2).not_valid_before(_pki.not_before(cert))
                   .not_valid_after(_pki.not_after(cert)))
        for extension in cert.extensions:
            if not isinstance(extension.value, _pki.x509.ExtendedKeyUsage):
                builder = builder.add_extension(extension.value, extension.critical)
        cert = builder.sign(ca_key, _pki.hashes.SHA256())
    (tmp_path / "cert.pem").write_bytes(_pki.cert_pem(cert))
    (tmp_path / "key.pem").write_bytes(_pki.key_pem(key))
    return ca, ca_key, (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))


def server_problems(paths, ca, reached=None, usages=("server", "client"), now=NOW):
    return _pki.read_server_cert(paths, ca, REACHED if reached is None else reached, list(usages), names=SERVER_NAMES,
                                 now=now)[2]


def test_a_good_server_certificate_has_no_problem_and_may_hold_more_names(tmp_path):
    ca, unused, paths = users_server(tmp_path, dns=("other.example.com", "lh2.example.com"), ips=("10.0.0.2", "::1"))
    cert, key, problems = _pki.read_server_cert(paths, ca, REACHED, ["server", "client"], SERVER_NAMES, NOW)
    assert problems == [] and _pki.key_matches(cert, key)
    # without any extendedKeyUsage a certificate serves every use
    ca, unused, paths = users_server(tmp_path, eku=False)
    assert server_problems(paths, ca) == []


@pytest.mark.parametrize("pattern, name, covered", [
    ("*.example.com", "lh2.example.com", True),
    ("*.example.com", "a.b.example.com", False),
    ("*.example.com", "example.com", False),
    ("*.com", "example.com", False),
    ("LH2.Example.COM", "lh2.example.com", True),
    ("lh2.example.com", "10.0.0.2", False),
])
def test_covers_follows_rfc_6125(pattern, name, covered):
    ca, ca_key = _pki.create_ca("users CA", 100, NOW)
    cert = _pki.issue(ca, ca_key, _pki.new_key(), "x", [pattern], [], days=10, now=NOW)
    assert _pki.covers(cert, name) is covered


def test_an_address_is_covered_by_an_ip_san_only(tmp_path):
    ca, ca_key = _pki.create_ca("users CA", 100, NOW)
    cert = _pki.issue(ca, ca_key, _pki.new_key(), "x", ["10.0.0.2"], ["10.0.0.3"], days=10, now=NOW)
    assert not _pki.covers(cert, "10.0.0.2") and _pki.covers(cert, "10.0.0.3")


def test_names_the_server_is_reached_at_that_the_sans_miss(tmp_path):
    ca, unused, paths = users_server(tmp_path, dns=("lh2.example.com", "lh-server-201"), ips=("127.0.0.1",))
    assert server_problems(paths, ca) == [
        "littlehorse_server_cert_file: %s does not cover 10.0.0.2 (lh-server-201's internal advertised host, for the "
        "other servers): its subject alternative names are DNS:lh-server-201, DNS:lh2.example.com, IP:127.0.0.1; issue "
        "it again with every name and address its servers are reached at as subject alternative names "
        "(DNS:lh2.example.com, IP:10.0.0.2), %s" % (paths[0], UNSET)]


def test_a_server_certificate_another_ca_signed_is_refused(tmp_path):
    unused_ca, unused, paths = users_server(tmp_path)
    ca, unused_key = _pki.create_ca("the cluster's CA", 100, NOW)
    assert server_problems(paths, ca) == [
        "littlehorse_server_cert_file: %s is not signed by the cluster's CA (CN=the cluster's CA): its issuer is "
        "CN=users CA; the servers and clients trust that CA alone, so give a certificate that CA signed directly (no "
        "intermediate), %s" % (paths[0], UNSET)]


def test_a_server_key_that_is_not_the_certificates_or_encrypted_is_refused(tmp_path):
    ca, unused, paths = users_server(tmp_path)
    (tmp_path / "key.pem").write_bytes(_pki.key_pem(_pki.new_key()))
    assert server_problems(paths, ca) == [
        "littlehorse_server_key_file: %s is not the key of the certificate %s (littlehorse_server_cert_file): their "
        "public keys differ; give the private key that belongs to that certificate" % (paths[1], paths[0])]
    key = _pki.new_key()
    ca, unused, paths = users_server(tmp_path, key=key)
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        _pki.serialization.Encoding.PEM, _pki.serialization.PrivateFormat.PKCS8,
        _pki.serialization.BestAvailableEncryption(b"secret")))
    assert server_problems(paths, ca) == [
        "littlehorse_server_key_file: %s is an encrypted private key (it has a passphrase), and the LittleHorse server "
        "reads an unencrypted key only; write an unencrypted copy ('openssl pkey -in %s -out server-plain.key', mode "
        "0600) and set littlehorse_server_key_file to it" % (paths[1], paths[1])]


def test_server_files_that_cannot_be_read_or_are_not_pem(tmp_path):
    ca, unused = _pki.create_ca("users CA", 100, NOW)
    missing = (str(tmp_path / "nowhere.crt"), str(tmp_path / "nowhere.key"))
    problems = server_problems(missing, ca)
    assert problems[0] == (
        "littlehorse_server_cert_file: %s cannot be read on the controller (No such file or directory); give the "
        "path, on the controller (where ansible-playbook runs), of the servers' certificate (PEM), signed by your CA, "
        "readable by the user that runs ansible-playbook" % missing[0])
    assert problems[1].startswith("littlehorse_server_key_file: %s cannot be read" % missing[1])
    (tmp_path / "a.pem").write_bytes(_pki.key_pem(_pki.new_key()))
    problems = server_problems((str(tmp_path / "a.pem"), str(tmp_path / "a.pem")), ca)
    assert problems == [
        "littlehorse_server_cert_file: %s is not a PEM certificate (it holds a private key: are "
        "littlehorse_server_cert_file and littlehorse_server_key_file swapped?); give the servers' certificate in PEM, "
        "the text that starts with -----BEGIN CERTIFICATE----- (convert a DER file with 'openssl x509 -inform der -in "
        "server.der -out server.crt')" % (tmp_path / "a.pem")]


def test_an_expired_or_future_server_certificate_is_refused(tmp_path):
    ca, unused, paths = users_server(tmp_path, days=10)
    later = NOW + datetime.timedelta(days=11)
    assert server_problems(paths, ca, now=later) == [
        "littlehorse_server_cert_file: %s expired on %s (its validity ended); renew it and give the new certificate "
        "and key, %s" % (paths[0], (NOW + datetime.timedelta(days=10)).isoformat(), UNSET)]
    assert "is not valid before" in server_problems(paths, ca, now=NOW - datetime.timedelta(days=1))[0]


def test_a_server_certificate_without_the_usages_it_needs_is_refused(tmp_path):
    ca, unused, paths = users_server(tmp_path, usages=("server",))
    assert server_problems(paths, ca, usages=("server",)) == []
    assert server_problems(paths, ca) == [
        "littlehorse_server_cert_file: %s has an extendedKeyUsage without clientAuth (the servers also present it as "
        "their client certificate (internal mutual TLS, Kafka over SSL)); issue it again with serverAuth and "
        "clientAuth, or with no extendedKeyUsage extension at all, %s" % (paths[0], UNSET)]
    ca, unused, paths = users_server(tmp_path, usages=("client",))
    assert "without serverAuth (its TLS listeners and internal port serve it)" in server_problems(paths, ca)[0]


def given(name, paths, dns=("lh2.example.com",), ips=("10.0.0.2",), usages=("server", "client")):
    return dict(server(name, dns, ips, usages), cert_file=paths[0], key_file=paths[1])


def test_ensure_copies_a_given_certificate_and_changes_only_with_a_new_file(tmp_path):
    ca, ca_key, paths = users_server(tmp_path)
    (tmp_path / "ca.crt").write_bytes(_pki.cert_pem(ca))
    folder = str(tmp_path / "pki")
    # the CA's certificate alone: every item is given
    first = _pki.ensure(folder, [given("lh-server-201", paths)], ca_cert_file=str(tmp_path / "ca.crt"), now=NOW)
    assert first["changed"] and first["certificates"][0]["action"] == "given"
    assert open(first["certificates"][0]["cert"], "rb").read() == open(paths[0], "rb").read()
    assert mode(first["certificates"][0]["key"]) == 0o600
    again = _pki.ensure(folder, [given("lh-server-201", paths)], ca_cert_file=str(tmp_path / "ca.crt"), now=NOW)
    assert not again["changed"]
    # the user renews it (a new key too): the copies change
    users_server(tmp_path, ca, ca_key)
    renewed = _pki.ensure(folder, [given("lh-server-201", paths)], ca_cert_file=str(tmp_path / "ca.crt"), now=NOW)
    assert renewed["changed"]
    assert open(renewed["certificates"][0]["cert"], "rb").read() == open(paths[0], "rb").read()


def test_ensure_refuses_a_given_certificate_that_cannot_serve_and_issuing_without_the_cas_key(tmp_path):
    ca, unused, paths = users_server(tmp_path)
    (tmp_path / "ca.crt").write_bytes(_pki.cert_pem(ca))
    folder = str(tmp_path / "pki")
    with pytest.raises(LHClusterError) as error:
        _pki.ensure(folder, [given("lh-server-201", paths, dns=("lh3.example.com",))],
                    ca_cert_file=str(tmp_path / "ca.crt"), now=NOW)
    assert error.value.message.startswith("certificates[lh-server-201].cert_file: %s does not cover lh3.example.com "
                                          "(in dns_names or ip_addresses)" % paths[0])
    with pytest.raises(LHClusterError) as error:
        _pki.ensure(folder, [given("lh-server-201", paths), server()], ca_cert_file=str(tmp_path / "ca.crt"), now=NOW)
    assert error.value.message == ("certificates[lh-server-1]: the CA's key (ca_key_file) is needed to issue it; give "
                                   "ca_key_file, or the certificate itself (cert_file and key_file)")


def test_a_given_certificate_gets_its_kafka_keystore(tmp_path):
    ca, ca_key, paths = users_server(tmp_path)
    (tmp_path / "ca.crt").write_bytes(_pki.cert_pem(ca))
    (tmp_path / "ca.key").write_bytes(_pki.key_pem(ca_key))
    folder = str(tmp_path / "pki")
    result = _pki.ensure(folder, [dict(given("lh-server-201", paths), keystore=True), server()],
                         ca_cert_file=str(tmp_path / "ca.crt"), ca_key_file=str(tmp_path / "ca.key"), now=NOW)
    assert [c["action"] for c in result["certificates"]] == ["given", "issued"]
    password = open(result["store_password_file"]).read().strip()
    store = _pki.pkcs12.load_pkcs12(open(result["certificates"][0]["keystore"], "rb").read(), password.encode())
    assert store.cert.certificate == _pki.load_cert(open(paths[0], "rb").read())

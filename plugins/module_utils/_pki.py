# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster's certificates, with the `cryptography` package: a CA (the user's, or one made here),
and certificates it signs for the servers (server and client usage: the same certificate serves the
TLS/MTLS listeners and the internal port's mutual TLS) and for clients.

Pure functions take and return objects and PEM bytes; ensure() does the file work of one folder on
the controller and re-issues a certificate only when it must: missing or unreadable, its key does
not match, not signed by the CA, expiring within renew_before_days, or its names or usages differ."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import ipaddress
import os
import re
import traceback

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import write_file, write_secret
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
USAGES = ("server", "client")
KEY_SIZE = 2048


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def key_pem(key):
    """Unencrypted PKCS#8 PEM, which the server (Netty), the Python and Java clients all read."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def load_cert(data):
    return x509.load_pem_x509_certificate(data)


def load_key(data):
    return serialization.load_pem_private_key(data, password=None)


def not_after(cert):
    value = getattr(cert, "not_valid_after_utc", None)
    return value if value is not None else cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def create_ca(common_name, days, now=None, key=None):
    """(certificate, key) of a new self-signed CA that signs certificates only."""
    now = now or utcnow()
    key = key or new_key()
    name = _name(common_name)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def _subject_alt_names(dns_names, ip_addresses):
    names = [x509.DNSName(str(n)) for n in dns_names]
    names += [x509.IPAddress(ipaddress.ip_address(str(a))) for a in ip_addresses]
    return names


def issue(ca_cert, ca_key, key, common_name, dns_names=(), ip_addresses=(), usages=USAGES, days=365, now=None):
    """A certificate for `key`, signed by the CA, with the names as SANs and the usages (server, client)."""
    now = now or utcnow()
    purposes = [ExtendedKeyUsageOID.SERVER_AUTH if u == "server" else ExtendedKeyUsageOID.CLIENT_AUTH for u in usages]
    builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(min(now + datetime.timedelta(days=days), not_after(ca_cert)))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    sans = _subject_alt_names(dns_names, ip_addresses)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def names_of(cert):
    """(sorted DNS names, sorted IP addresses) of the certificate's SANs."""
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return (sorted(sans.get_values_for_type(x509.DNSName)),
            sorted(str(a) for a in sans.get_values_for_type(x509.IPAddress)))


def usages_of(cert):
    try:
        purposes = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return []
    found = []
    if ExtendedKeyUsageOID.SERVER_AUTH in purposes:
        found.append("server")
    if ExtendedKeyUsageOID.CLIENT_AUTH in purposes:
        found.append("client")
    return found


def common_name_of(cert):
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return values[0].value if values else None


def signed_by(cert, ca_cert):
    """Whether ca_cert's key signed cert (RSA CA keys, as this module makes them, or EC)."""
    if cert.issuer != ca_cert.subject:
        return False
    public = ca_cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        else:
            public.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    except Exception:  # pylint: disable=broad-except  # any failure to verify means "not signed by it"
        return False
    return True


def key_matches(cert, key):
    numbers = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    return cert.public_key().public_bytes(*numbers) == key.public_key().public_bytes(*numbers)


def _normal_ip(value):
    return str(ipaddress.ip_address(str(value)))


def renewal_reason(cert, key, ca_cert, common_name, dns_names, ip_addresses, usages, renew_before_days, now=None):
    """Why the certificate must be issued again, or None when it is still good."""
    now = now or utcnow()
    if not key_matches(cert, key):
        return "its key does not match it"
    if not signed_by(cert, ca_cert):
        return "it is not signed by the CA"
    if not_after(cert) - now < datetime.timedelta(days=renew_before_days):
        return "it expires on %s, within %d days" % (not_after(cert).date().isoformat(), renew_before_days)
    if common_name_of(cert) != common_name:
        return "its common name is %s, not %s" % (common_name_of(cert), common_name)
    have = names_of(cert)
    want = (sorted(str(n) for n in dns_names), sorted(_normal_ip(a) for a in ip_addresses))
    if have != want:
        return "its names are %s, not %s" % (", ".join(have[0] + have[1]), ", ".join(want[0] + want[1]))
    if sorted(usages_of(cert)) != sorted(usages):
        return "its usages are %s, not %s" % (", ".join(usages_of(cert)) or "none", ", ".join(usages))
    return None


def check_request(item):
    if not NAME.match(item["name"] or ""):
        raise LHClusterError("certificates[].name: '%s' must start with a letter or digit and hold only letters, "
                             "digits, '_', '.', '-' (it names the files)" % item["name"])
    for usage in item["usages"]:
        if usage not in USAGES:
            raise LHClusterError("certificates[%s].usages: '%s' is not one of %s" % (item["name"], usage, ", ".join(USAGES)))
    for address in item["ip_addresses"]:
        try:
            ipaddress.ip_address(str(address))
        except ValueError:
            raise LHClusterError("certificates[%s].ip_addresses: '%s' is not an IP address; put host names in "
                                 "dns_names" % (item["name"], address))


def _read(path):
    return _read_why(path)[0]


def _read_why(path):
    """(content, None), or (None, why the file cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(), None
    except (IOError, OSError) as error:
        return None, error.strerror or str(error)


def not_before(cert):
    value = getattr(cert, "not_valid_before_utc", None)
    return value if value is not None else cert.not_valid_before.replace(tzinfo=datetime.timezone.utc)


def check_user_ca(cert_data, key_data, cert_file, key_file, names=("ca_cert_file", "ca_key_file"), now=None):
    """(ca_cert, ca_key, problems) of the user's CA from the PEM bytes of its certificate and key (None: the file was
    not read, nothing is said about it). problems name the setting (names: those of the certificate and the key), the
    file and the fix; ca_cert and ca_key are None unless there is no problem. The CA must be a PEM certificate with
    basicConstraints CA:TRUE (and keyCertSign, when it has a keyUsage), valid now, and its key an unencrypted PEM RSA
    or EC key whose public key is the certificate's."""
    now = now or utcnow()
    cert_name, key_name = names
    problems = []
    cert = key = None
    both = "or unset %s and %s (the collection then makes a CA on the controller)" % (cert_name, key_name)
    if cert_data is not None:
        try:
            cert = load_cert(cert_data)
        except ValueError:
            hint = (" (it holds a private key: are %s and %s swapped?)" % (cert_name, key_name)
                    if b"PRIVATE KEY-----" in cert_data else "")
            problems.append("%s: %s is not a PEM certificate%s; give your CA's certificate in PEM, the text that starts "
                            "with -----BEGIN CERTIFICATE----- (convert a DER file with 'openssl x509 -inform der -in "
                            "ca.der -out ca.crt')" % (cert_name, cert_file, hint))
    if key_data is not None:
        try:
            key = load_key(key_data)
        except TypeError:
            problems.append("%s: %s is an encrypted private key (it has a passphrase), and the collection signs with "
                            "an unencrypted key only; write an unencrypted copy ('openssl pkey -in %s -out ca-plain.key', "
                            "mode 0600) and set %s to it" % (key_name, key_file, key_file, key_name))
        except (ValueError, UnsupportedAlgorithm):
            hint = (" (it holds a certificate: are %s and %s swapped?)" % (cert_name, key_name)
                    if b"-----BEGIN CERTIFICATE" in key_data else "")
            problems.append("%s: %s is not a PEM private key%s; give the private key of your CA's certificate in PEM, "
                            "unencrypted (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)"
                            % (key_name, key_file, hint))
        if key is not None and not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            problems.append("%s: %s is a %s key; the collection signs with an RSA or EC CA key only: give such a CA, %s"
                            % (key_name, key_file, type(key).__name__.lstrip("_"), both))
            key = None
    if cert is not None and key is not None and not key_matches(cert, key):
        problems.append("%s: %s is not the key of the CA certificate %s (%s): their public keys differ; give the "
                        "private key that belongs to that certificate" % (key_name, key_file, cert_file, cert_name))
    if cert is not None:
        try:
            basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            basic = None
        try:
            usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            usage = None
        if basic is None or not basic.ca:
            problems.append("%s: %s is not a CA certificate (%s), so the certificates it signs would not be trusted; "
                            "give a CA certificate (basicConstraints critical, CA:TRUE) and its key, %s"
                            % (cert_name, cert_file, "it has no basicConstraints extension" if basic is None
                               else "its basicConstraints say CA:FALSE", both))
        elif usage is not None and not usage.key_cert_sign:
            problems.append("%s: %s may not sign certificates (its keyUsage lacks keyCertSign); give a CA certificate "
                            "whose keyUsage has keyCertSign, %s" % (cert_name, cert_file, both))
        if not_after(cert) <= now:
            problems.append("%s: %s expired on %s (its validity ended), so the certificates it signs would not be "
                            "trusted; renew your CA and give the new certificate and key, %s"
                            % (cert_name, cert_file, not_after(cert).isoformat(), both))
        elif not_before(cert) > now:
            problems.append("%s: %s is not valid before %s; give a CA that is valid now (or correct the controller's "
                            "clock), %s" % (cert_name, cert_file, not_before(cert).isoformat(), both))
    if problems:
        return None, None, problems
    return cert, key, problems


def read_user_ca(cert_file, key_file, names=("ca_cert_file", "ca_key_file"), now=None):
    """check_user_ca() of the files on this machine (the controller): (ca_cert, ca_key, problems), a file that cannot
    be read named with why."""
    data = []
    problems = []
    for path, name, what in ((cert_file, names[0], "your CA's certificate (PEM)"),
                             (key_file, names[1], "the private key of your CA's certificate (unencrypted PEM)")):
        content, why = _read_why(path)
        if content is None:
            problems.append("%s: %s cannot be read on the controller (%s); give the path, on the controller (where "
                            "ansible-playbook runs), of %s, readable by the user that runs ansible-playbook"
                            % (name, path, why, what))
        data.append(content)
    cert, key, more = check_user_ca(data[0], data[1], cert_file, key_file, names, now)
    problems += more
    if problems:
        return None, None, problems
    return cert, key, problems


# Java's own keystore formats start with these bytes; the LittleHorse server reads PKCS12 stores only.
JAVA_STORE_MAGIC = ((b"\xfe\xed\xfe\xed", "JKS"), (b"\xce\xce\xce\xce", "JCEKS"))


def _pkcs12_structure(data):
    """Whether data starts as a PKCS12 PFX does (a DER SEQUENCE whose first element is the INTEGER 3): such a file
    that does not open is a PKCS12 store of another password."""
    if len(data) < 4 or data[0:1] != b"\x30":
        return False
    length = bytearray(data[1:2])[0]
    offset = 2 + (length & 0x7f if length & 0x80 else 0)
    return data[offset:offset + 3] == b"\x02\x01\x03"


def check_store(data, password, kind, setting, path):
    """The problems of a PKCS12 store (bytes) the user gives for Kafka, opened with password (text): kind 'truststore'
    must hold at least one certificate, 'keystore' a private key with its certificate. Each problem names the
    setting, the file and the fix; never the password. A Java keystore (JKS, JCEKS) or PEM text is named as such,
    with the command that converts it."""
    # where a converted store goes: the file's name with .p12, never the file itself
    target = (re.sub(r"\.(jks|jceks|ks|pem|crt|cer|p12|pfx)$", "", path) or path) + ".p12"
    if target == path:
        target = path[:-len(".p12")] + "-pkcs12.p12"
    for magic, name in JAVA_STORE_MAGIC:
        if data.startswith(magic):
            return ["%s: %s is a %s keystore, and the LittleHorse server reads PKCS12 stores only; convert it with "
                    "'keytool -importkeystore -srckeystore %s -srcstoretype %s -destkeystore %s -deststoretype "
                    "PKCS12' and set %s to %s" % (setting, path, name, path, name, target, setting, target)]
    if data.lstrip().startswith(b"-----BEGIN"):
        convert = ("'keytool -importcert -noprompt -alias kafka-ca -file %s -keystore %s -storetype PKCS12'"
                   % (path, target) if kind == "truststore" else
                   "'openssl pkcs12 -export -in <certificate>.pem -inkey <key>.pem -out %s'" % target)
        return ["%s: %s is PEM text, not a PKCS12 store, and the LittleHorse server reads PKCS12 stores only; make one "
                "with %s and set %s to %s" % (setting, path, convert, setting, target)]
    try:
        found = pkcs12.load_pkcs12(data, password.encode("utf-8"))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        if _pkcs12_structure(data):
            return ["%s: %s does not open with the password given in %s_password (or %s_password_file): the "
                    "password is wrong or the store is damaged; give the store's password"
                    % (setting, path, setting[:-len("_file")], setting[:-len("_file")])]
        return ["%s: %s is not a PKCS12 store (nor a JKS keystore or PEM text); give a PKCS12 %s (.p12, as "
                "'keytool ... -storetype PKCS12' or 'openssl pkcs12 -export' writes it)" % (setting, path, kind)]
    if kind == "truststore":
        if found.cert is None and not found.additional_certs:
            return ["%s: %s holds no certificate; put the certificate of the CA that signed the Kafka brokers' "
                    "certificates in it ('keytool -importcert -noprompt -alias kafka-ca -file ca.crt -keystore %s "
                    "-storetype PKCS12')" % (setting, path, path)]
        return []
    if found.key is None or found.cert is None or not key_matches(found.cert.certificate, found.key):
        return ["%s: %s holds no private key with its certificate, which the servers present to Kafka for mutual "
                "TLS; make a keystore of the client's key and certificate ('openssl pkcs12 -export -in client.crt "
                "-inkey client.key -certfile ca.crt -out client-keystore.p12') and set %s to it" % (setting, path, setting)]
    return []


def read_store(path, password, kind, setting):
    """check_store() of the file at path on this machine (the controller); a file that cannot be read is named with
    why."""
    content, why = _read_why(path)
    if content is None:
        return ["%s: %s cannot be read on the controller (%s); give the path, on the controller (where "
                "ansible-playbook runs), of the Kafka %s (PKCS12), readable by the user that runs ansible-playbook"
                % (setting, path, why, kind)]
    return check_store(content, password, kind, setting, path)


def _write(path, data, mode, check_mode):
    return write_file(path, data.decode("ascii"), mode, 0o700, check_mode)


STORE_PASSWORD_FILE = "stores.password"
TRUSTSTORE_FILE = "truststore.p12"


def store_password(folder, check_mode):
    """The password of the folder's PKCS12 stores: stores.password (0600), made once with 32 random characters.
    (changed, password)."""
    path = os.path.join(folder, STORE_PASSWORD_FILE)
    existing = _read(path)
    if existing and existing.strip():
        return _write(path, existing, 0o600, check_mode), existing.decode("ascii").strip()
    password = base64.urlsafe_b64encode(os.urandom(24)).decode("ascii")
    _write(path, password.encode("ascii"), 0o600, check_mode)
    return True, password


def _pkcs12_holds(path, password, cert, key=None):
    """Whether the PKCS12 file at path opens with password and holds cert (and key) - a store is written again
    only then, since each writing differs (random salts)."""
    data = _read(path)
    if data is None:
        return False
    try:
        found = pkcs12.load_pkcs12(data, password.encode("utf-8"))
    except (ValueError, TypeError):
        return False
    if key is None:
        return [c.certificate for c in found.additional_certs] == [cert]
    return (found.cert is not None and found.cert.certificate == cert and found.key is not None
            and key_matches(cert, found.key))


def write_keystore(path, name, cert, key, ca_cert, password, check_mode):
    """A PKCS12 keystore (key, certificate, CA chain) as Kafka and the LittleHorse server read it; True when
    written."""
    if _pkcs12_holds(path, password, cert, key):
        return False
    data = pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), key, cert, [ca_cert], serialization.BestAvailableEncryption(password.encode("utf-8")))
    return write_secret(path, data, check_mode)


def write_truststore(path, ca_cert, password, check_mode):
    """A PKCS12 truststore that Java trusts (the CA as a trusted certificate entry); True when written."""
    if _pkcs12_holds(path, password, ca_cert):
        return False
    data = pkcs12.serialize_java_truststore(
        [pkcs12.PKCS12Certificate(ca_cert, b"ca")], serialization.BestAvailableEncryption(password.encode("utf-8")))
    return write_secret(path, data, check_mode)


def ensure(folder, certificates, ca_cert_file=None, ca_key_file=None, ca_common_name="littlehorse cluster CA",
           ca_days=3650, days=365, renew_before_days=30, check_mode=False, now=None):
    """Make the folder hold ca.crt and <name>.crt/<name>.key for every requested certificate (keys 0600, the
    folder 0700). With ca_cert_file/ca_key_file the user's CA signs (ca.crt is a copy of its certificate);
    without, the CA is ca.crt/ca.key in the folder, made when missing, and renewed with the same key and name
    when it expires within renew_before_days (the certificates it signed stay valid, so a rolling change sees
    no break of trust). An item with keystore: true also gets
    <name>.p12, a PKCS12 keystore (key, certificate, CA), and the folder then holds truststore.p12 (the CA, as
    Java trusts it); both open with the password in stores.password (0600, made once). Returns {changed, ca,
    certificates: [{name, cert, key, action: kept|issued, reason, not_after, keystore}], truststore,
    store_password_file}; never returns a key's or a password's content."""
    now = now or utcnow()
    changed = False
    if not check_mode and not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    ca_path = os.path.join(folder, "ca.crt")
    if bool(ca_cert_file) != bool(ca_key_file):
        raise LHClusterError("ca_cert_file and ca_key_file: give both (the user's CA) or neither (a CA made here)")
    if ca_cert_file:
        ca_cert, ca_key, problems = read_user_ca(ca_cert_file, ca_key_file, now=now)
        if problems:
            raise LHClusterError("; ".join(problems))
        changed |= _write(ca_path, cert_pem(ca_cert), 0o644, check_mode)
    else:
        ca_cert = ca_key = None
        data, key_data = _read(ca_path), _read(os.path.join(folder, "ca.key"))
        renew_key = None
        if data and key_data:
            try:
                ca_cert, ca_key = load_cert(data), load_key(key_data)
            except (ValueError, TypeError):
                ca_cert = ca_key = None
            if ca_cert is not None and not key_matches(ca_cert, ca_key):
                ca_cert = ca_key = None
            elif ca_cert is not None and not_after(ca_cert) - now < datetime.timedelta(days=renew_before_days):
                # Renewed with the same key and name: the certificates it signed still chain to it, so servers
                # that hold the old CA certificate and those that hold the new one trust each other while the
                # run rolls them one at a time.
                renew_key, ca_cert, ca_key = ca_key, None, None
        if ca_cert is None:
            ca_cert, ca_key = create_ca(ca_common_name, ca_days, now, key=renew_key)
            changed = True
            _write(os.path.join(folder, "ca.key"), key_pem(ca_key), 0o600, check_mode)
            _write(ca_path, cert_pem(ca_cert), 0o644, check_mode)
    results = []
    password = None
    for item in certificates:
        check_request(item)
        cert_path = os.path.join(folder, item["name"] + ".crt")
        key_path = os.path.join(folder, item["name"] + ".key")
        cert = key = None
        reason = None
        cert_data, key_data = _read(cert_path), _read(key_path)
        if cert_data is None or key_data is None:
            reason = "it does not exist"
        else:
            try:
                cert, key = load_cert(cert_data), load_key(key_data)
            except (ValueError, TypeError):
                reason = "it cannot be read"
        if reason is None:
            reason = renewal_reason(cert, key, ca_cert, item["common_name"], item["dns_names"], item["ip_addresses"],
                                    item["usages"], renew_before_days, now)
        if reason is not None:
            key = key if key is not None and cert is not None and key_matches(cert, key) else new_key()
            cert = issue(ca_cert, ca_key, key, item["common_name"], item["dns_names"], item["ip_addresses"],
                         item["usages"], days, now)
            changed = True
            _write(key_path, key_pem(key), 0o600, check_mode)
            _write(cert_path, cert_pem(cert), 0o644, check_mode)
        else:
            # the key's mode is kept at 0600 even when someone loosened it
            changed |= _write(key_path, key_data, 0o600, check_mode)
        result = {"name": item["name"], "cert": cert_path, "key": key_path,
                  "action": "kept" if reason is None else "issued", "reason": reason,
                  "not_after": not_after(cert).isoformat()}
        if item.get("keystore"):
            if password is None:
                password_changed, password = store_password(folder, check_mode)
                changed |= password_changed
            result["keystore"] = os.path.join(folder, item["name"] + ".p12")
            changed |= write_keystore(result["keystore"], item["name"], cert, key, ca_cert, password, check_mode)
        results.append(result)
    outcome = {"changed": changed, "ca": ca_path, "certificates": results}
    if password is not None:
        outcome.update(truststore=os.path.join(folder, TRUSTSTORE_FILE),
                       store_password_file=os.path.join(folder, STORE_PASSWORD_FILE))
        outcome["changed"] |= write_truststore(outcome["truststore"], ca_cert, password, check_mode)
    return outcome

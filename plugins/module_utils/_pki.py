# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster's certificates, with the `cryptography` package: a CA (the user's, or one made here),
and certificates it signs for the servers (server and client usage: the same certificate serves the
TLS/MTLS listeners and the internal port's mutual TLS) and for clients; or the user's own certificate of a
server, checked (check_server_cert: its key, the CA, validity, usages, and SANs covering every name the server
is reached at) and kept as it is.

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


def validity_problem(days, renew_before_days, days_name="validity_days", renew_name="renew_before_days"):
    """The message when a validity (days) is not above 0 or a renewal window is not in [0, days), else None."""
    if days <= 0:
        return "%s must be above 0, got %d" % (days_name, days)
    if renew_before_days < 0 or renew_before_days >= days:
        return "%s must be 0 or more and below %s (%d), got %d" % (renew_name, days_name, days, renew_before_days)
    return None


def item_validity(item, days, renew_before_days):
    """(validity days, renew-before days) of one certificate: its own validity_days and renew_before_days where it
    gives them, else those of the whole run."""
    own_days, own_renew = item.get("validity_days"), item.get("renew_before_days")
    return (days if own_days is None else own_days, renew_before_days if own_renew is None else own_renew)


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


# What the messages of _load_cert_problem and _load_key_problem call a certificate and its key, per kind of files:
# the user's CA (which signs) and the user's server certificate (which the servers serve and read).
CA_FILES = {"cert": "your CA's certificate", "stem": "ca", "noun": "the CA certificate",
            "key_use": "the collection signs with an unencrypted key only"}
SERVER_FILES = {"cert": "the servers' certificate", "stem": "server", "noun": "the certificate",
                "key_use": "the LittleHorse server reads an unencrypted key only"}


def _load_cert_problem(data, path, names, kind):
    """(certificate, None) from PEM bytes, or (None, the problem naming the setting names[0], the file and the fix)."""
    try:
        return load_cert(data), None
    except ValueError:
        hint = " (it holds a private key: are %s and %s swapped?)" % names if b"PRIVATE KEY-----" in data else ""
        return None, ("%s: %s is not a PEM certificate%s; give %s in PEM, the text that starts with -----BEGIN "
                      "CERTIFICATE----- (convert a DER file with 'openssl x509 -inform der -in %s.der -out %s.crt')"
                      % (names[0], path, hint, kind["cert"], kind["stem"], kind["stem"]))


def _load_key_problem(data, path, names, kind):
    """(RSA or EC private key, None) from unencrypted PEM bytes, or (None, the problem naming the setting names[1],
    the file and the fix)."""
    try:
        key = load_key(data)
    except TypeError:
        return None, ("%s: %s is an encrypted private key (it has a passphrase), and %s; write an unencrypted copy "
                      "('openssl pkey -in %s -out %s-plain.key', mode 0600) and set %s to it"
                      % (names[1], path, kind["key_use"], path, kind["stem"], names[1]))
    except (ValueError, UnsupportedAlgorithm):
        hint = " (it holds a certificate: are %s and %s swapped?)" % names if b"-----BEGIN CERTIFICATE" in data else ""
        return None, ("%s: %s is not a PEM private key%s; give the private key of %s in PEM, unencrypted (-----BEGIN "
                      "PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)" % (names[1], path, hint, kind["cert"]))
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        return None, "%s: %s is a %s key; %s" % (names[1], path, type(key).__name__.lstrip("_"), kind["key_types"])
    return key, None


def _pair_problem(cert, key, paths, names, kind):
    """The problem of a key that is not the certificate's, or None."""
    if cert is None or key is None or key_matches(cert, key):
        return None
    return ("%s: %s is not the key of %s %s (%s): their public keys differ; give the private key that belongs to "
            "that certificate" % (names[1], paths[1], kind["noun"], paths[0], names[0]))


def _validity_problem(cert, path, name, now, expired_fix, future_fix):
    if not_after(cert) <= now:
        return "%s: %s expired on %s (its validity ended)%s" % (name, path, not_after(cert).isoformat(), expired_fix)
    if not_before(cert) > now:
        return "%s: %s is not valid before %s; %s" % (name, path, not_before(cert).isoformat(), future_fix)
    return None


def check_user_ca(cert_data, key_data, cert_file, key_file, names=("ca_cert_file", "ca_key_file"), now=None):
    """(ca_cert, ca_key, problems) of the user's CA from the PEM bytes of its certificate and key (None: the file was
    not read or not given, nothing is said about it). problems name the setting (names: those of the certificate and
    the key), the file and the fix; ca_cert and ca_key are None unless there is no problem. The CA must be a PEM
    certificate with basicConstraints CA:TRUE (and keyCertSign, when it has a keyUsage), valid now, and its key an
    unencrypted PEM RSA or EC key whose public key is the certificate's."""
    now = now or utcnow()
    cert_name, key_name = names
    problems = []
    cert = key = None
    both = "or unset %s and %s (the collection then makes a CA on the controller)" % (cert_name, key_name)
    kind = dict(CA_FILES, key_types="the collection signs with an RSA or EC CA key only: give such a CA, " + both)
    if cert_data is not None:
        cert, problem = _load_cert_problem(cert_data, cert_file, names, kind)
        problems += [problem] if problem else []
    if key_data is not None:
        key, problem = _load_key_problem(key_data, key_file, names, kind)
        problems += [problem] if problem else []
    problem = _pair_problem(cert, key, (cert_file, key_file), names, kind)
    problems += [problem] if problem else []
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
        problem = _validity_problem(
            cert, cert_file, cert_name, now,
            ", so the certificates it signs would not be trusted; renew your CA and give the new certificate and "
            "key, " + both, "give a CA that is valid now (or correct the controller's clock), " + both)
        problems += [problem] if problem else []
    if problems:
        return None, None, problems
    return cert, key, problems


def _dns_covers(pattern, name):
    """Whether the DNS SAN pattern covers the host name (RFC 6125: a wildcard is the whole leftmost label and
    stands for exactly one label)."""
    pattern, name = pattern.lower().rstrip("."), name.lower().rstrip(".")
    if pattern == name:
        return True
    if not pattern.startswith("*.") or "." not in name:
        return False
    return name.split(".", 1)[1] == pattern[2:] and pattern[2:].count(".") >= 1


def covers(cert, name):
    """Whether the certificate's subject alternative names cover the host name or IP address, as TLS clients check
    it (an address against the IP SANs, a name against the DNS SANs; the common name is not looked at)."""
    dns_names, ip_addresses = names_of(cert)
    try:
        address = ipaddress.ip_address(str(name))
    except ValueError:
        return any(_dns_covers(pattern, str(name)) for pattern in dns_names)
    return any(ipaddress.ip_address(a) == address for a in ip_addresses)


ANY_USAGE = "2.5.29.37.0"  # anyExtendedKeyUsage


def missing_usages(cert, usages):
    """The extended key usages among `usages` (server, client) that the certificate lacks: none when it has no
    extendedKeyUsage extension at all (any use) or anyExtendedKeyUsage."""
    try:
        purposes = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return []
    if any(p.dotted_string == ANY_USAGE for p in purposes):
        return []
    have = usages_of(cert)
    return [u for u in usages if u not in have]


USAGE_NAMES = {"server": "serverAuth", "client": "clientAuth"}


def check_server_cert(cert_data, key_data, paths, ca_cert, reached_at, usages, names=("cert_file", "key_file"),
                      now=None):
    """(certificate, key, problems) of a server certificate the user gives, from the PEM bytes of the certificate and
    its key (None: the file was not read, nothing is said about it). paths: (certificate file, key file); ca_cert:
    the cluster's CA, which must have signed it directly (None: not checked); reached_at: [{name, why}], every host
    name and address the servers that serve it are reached at (its SANs must cover each); usages: the extended key
    usages it needs (server; client too when it is presented as a client certificate). problems name the setting
    (names: those of the certificate and the key), the file and the fix; certificate and key are None unless there
    is no problem."""
    now = now or utcnow()
    problems = []
    cert = key = None
    unset = "or unset %s and %s (the collection then issues it with your CA)" % names
    kind = dict(SERVER_FILES, key_types="the LittleHorse server reads an RSA or EC key only: give a certificate with "
                                        "such a key, " + unset)
    if cert_data is not None:
        cert, problem = _load_cert_problem(cert_data, paths[0], names, kind)
        problems += [problem] if problem else []
    if key_data is not None:
        key, problem = _load_key_problem(key_data, paths[1], names, kind)
        problems += [problem] if problem else []
    problem = _pair_problem(cert, key, paths, names, kind)
    problems += [problem] if problem else []
    if cert is not None:
        if ca_cert is not None and not signed_by(cert, ca_cert):
            problems.append("%s: %s is not signed by the cluster's CA (%s): its issuer is %s; the servers and clients "
                            "trust that CA alone, so give a certificate that CA signed directly (no intermediate), %s"
                            % (names[0], paths[0], ca_cert.subject.rfc4514_string(),
                               cert.issuer.rfc4514_string() or "empty", unset))
        problem = _validity_problem(cert, paths[0], names[0], now, "; renew it and give the new certificate and key, "
                                    + unset, "give a certificate that is valid now (or correct the controller's "
                                    "clock), " + unset)
        problems += [problem] if problem else []
        lacking = missing_usages(cert, usages)
        if lacking:
            why = {"server": "its TLS listeners and internal port serve it",
                   "client": "the servers also present it as their client certificate (internal mutual TLS, Kafka "
                             "over SSL)"}
            problems.append("%s: %s has an extendedKeyUsage without %s (%s); issue it again with %s, or with no "
                            "extendedKeyUsage extension at all, %s"
                            % (names[0], paths[0], " and ".join(USAGE_NAMES[u] for u in lacking),
                               "; ".join(why[u] for u in lacking),
                               " and ".join(USAGE_NAMES[u] for u in usages), unset))
        missing = [item for item in reached_at if not covers(cert, item["name"])]
        if missing:
            dns_names, ip_addresses = names_of(cert)
            wanted = [item["name"] for item in reached_at]
            problems.append("%s: %s does not cover %s: its subject alternative names are %s; issue it again with "
                            "every name and address its servers are reached at as subject alternative names (%s), %s"
                            % (names[0], paths[0], ", ".join("%s (%s)" % (i["name"], i["why"]) for i in missing),
                               ", ".join(["DNS:" + n for n in dns_names] + ["IP:" + a for a in ip_addresses]) or "none",
                               ", ".join(("IP:" if _is_ip(n) else "DNS:") + n for n in wanted), unset))
    if problems:
        return None, None, problems
    return cert, key, problems


def _is_ip(value):
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def read_files(paths, names, whats):
    """([content or None per path], problems): each file read on this machine (the controller), one that cannot be
    read named with its setting (names), why, and what it must hold (whats)."""
    data = []
    problems = []
    for path, name, what in zip(paths, names, whats):
        content, why = _read_why(path)
        if content is None:
            problems.append("%s: %s cannot be read on the controller (%s); give the path, on the controller (where "
                            "ansible-playbook runs), of %s, readable by the user that runs ansible-playbook"
                            % (name, path, why, what))
        data.append(content)
    return data, problems


def read_server_cert(paths, ca_cert, reached_at, usages, names=("cert_file", "key_file"), now=None):
    """check_server_cert() of the files on this machine (the controller): (certificate, key, problems)."""
    data, problems = read_files(paths, names, ("the servers' certificate (PEM), signed by your CA",
                                               "the private key of that certificate (unencrypted PEM)"))
    cert, key, more = check_server_cert(data[0], data[1], paths, ca_cert, reached_at, usages, names, now)
    problems += more
    if problems:
        return None, None, problems
    return cert, key, problems


def read_user_ca(cert_file, key_file, names=("ca_cert_file", "ca_key_file"), now=None):
    """check_user_ca() of the files on this machine (the controller): (ca_cert, ca_key, problems), a file that cannot
    be read named with why. key_file None: the certificate alone (ca_key is then None)."""
    given = [(p, n, w) for p, n, w in zip((cert_file, key_file), names, (
        "your CA's certificate (PEM)", "the private key of your CA's certificate (unencrypted PEM)")) if p]
    read, problems = read_files(*zip(*given))
    data = read + [None] * (2 - len(read))
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


def _keep_issued(item, ca_cert, ca_key, paths, days, renew_before_days, check_mode, now):
    """The certificate of the item, signed by the CA, at paths (certificate, key): kept, or issued again when it must
    be (see renewal_reason). (certificate, key, why it was issued or None, changed)."""
    if ca_key is None:
        raise LHClusterError("certificates[%s]: the CA's key (ca_key_file) is needed to issue it; give ca_key_file, or "
                             "the certificate itself (cert_file and key_file)" % item["name"])
    cert_path, key_path = paths
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
    if reason is None:
        # the key's mode is kept at 0600 even when someone loosened it
        return cert, key, None, _write(key_path, key_data, 0o600, check_mode)
    key = key if key is not None and cert is not None and key_matches(cert, key) else new_key()
    cert = issue(ca_cert, ca_key, key, item["common_name"], item["dns_names"], item["ip_addresses"], item["usages"],
                 days, now)
    _write(key_path, key_pem(key), 0o600, check_mode)
    _write(cert_path, cert_pem(cert), 0o644, check_mode)
    return cert, key, reason, True


def _keep_given(item, ca_cert, paths, check_mode, now):
    """The user's certificate of the item (cert_file, key_file), checked as the preflight does (check_server_cert:
    the names in dns_names and ip_addresses must be covered, the usages present) and copied to paths (certificate,
    key 0600) when they differ. (certificate, key, changed)."""
    names = ("certificates[%s].cert_file" % item["name"], "certificates[%s].key_file" % item["name"])
    reached_at = [{"name": str(n), "why": "in dns_names or ip_addresses"}
                  for n in list(item["dns_names"]) + list(item["ip_addresses"])]
    cert, key, problems = read_server_cert((item["cert_file"], item["key_file"]), ca_cert, reached_at, item["usages"],
                                           names, now)
    if problems:
        raise LHClusterError("; ".join(problems))
    changed = _write(paths[1], key_pem(key), 0o600, check_mode)
    changed |= _write(paths[0], cert_pem(cert), 0o644, check_mode)
    return cert, key, changed


def ensure(folder, certificates, ca_cert_file=None, ca_key_file=None, ca_common_name="littlehorse cluster CA",
           ca_days=3650, days=365, renew_before_days=30, check_mode=False, now=None, ca_renew_before_days=None):
    """Make the folder hold ca.crt and <name>.crt/<name>.key for every requested certificate (keys 0600, the
    folder 0700). With ca_cert_file/ca_key_file the user's CA signs (ca.crt is a copy of its certificate);
    without, the CA is ca.crt/ca.key in the folder, made when missing, and renewed with the same key and name
    when it expires within ca_renew_before_days (by default renew_before_days; the certificates it signed stay
    valid, so a rolling change sees
    no break of trust). With ca_cert_file alone the user's CA signs nothing: every item must give its certificate.
    An item with cert_file and key_file is the user's certificate: checked as the preflight does (readable, PEM,
    its key, signed by the CA directly, valid now, its usages, and its SANs cover every name of dns_names and
    ip_addresses) and copied to <name>.crt/<name>.key (the key as unencrypted PKCS#8), action given; a new file
    given changes the copies, so the servers that hold it are re-created. An item with keystore: true also gets
    <name>.p12, a PKCS12 keystore (key, certificate, CA), and the folder then holds truststore.p12 (the CA, as
    Java trusts it); both open with the password in stores.password (0600, made once). An item's own validity_days
    and renew_before_days, when it gives them, replace days and renew_before_days for its certificate. Returns
    {changed, ca,
    certificates: [{name, cert, key, action: kept|issued|given, reason, not_after, keystore}], truststore,
    store_password_file}; never returns a key's or a password's content."""
    now = now or utcnow()
    changed = False
    if not check_mode and not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    ca_path = os.path.join(folder, "ca.crt")
    if ca_key_file and not ca_cert_file:
        raise LHClusterError("ca_key_file needs ca_cert_file (the user's CA): give both, the certificate alone (when "
                             "every certificate is given), or neither (a CA made here)")
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
            elif ca_cert is not None and not_after(ca_cert) - now < datetime.timedelta(
                    days=renew_before_days if ca_renew_before_days is None else ca_renew_before_days):
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
        if item.get("cert_file"):
            cert, key, given_changed = _keep_given(item, ca_cert, (cert_path, key_path), check_mode, now)
            changed |= given_changed
            action, reason = "given", None
        else:
            item_days, item_renew = item_validity(item, days, renew_before_days)
            cert, key, reason, issued_changed = _keep_issued(item, ca_cert, ca_key, (cert_path, key_path), item_days,
                                                             item_renew, check_mode, now)
            changed |= issued_changed
            action = "kept" if reason is None else "issued"
        result = {"name": item["name"], "cert": cert_path, "key": key_path, "action": action, "reason": reason,
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

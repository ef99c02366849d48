# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user's own PKI of the secure scenario, made as a user would with their tools (the `cryptography` package,
nothing of the collection): a CA, and a certificate it signs for one host's LittleHorse server.

    users_pki.py FOLDER --server NAME --dns NAME[,NAME] --ip ADDRESS[,ADDRESS]

FOLDER (made 0700) gets ca.crt and ca.key, kept when they are there, and NAME.crt and NAME.key, issued anew on
every call (a user's renewal: a new key, the same names), for server and client use (serverAuth and clientAuth:
the servers present it on the internal port's mutual TLS too), with the key identifiers that the usual tools add
(Subject and Authority Key Identifier: a strict verifier, such as Python's default since 3.13, refuses a certificate
without the Authority Key Identifier). Keys are 0600. Prints one '[pki]' line with the
new certificate's SHA-256 fingerprint.
"""
import argparse
import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def write(path, data, mode):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def key_pem(key):
    # the traditional "BEGIN EC PRIVATE KEY" form many tools write: the collection hands the servers PKCS#8
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def the_ca(folder, now):
    cert_path, key_path = os.path.join(folder, "ca.crt"), os.path.join(folder, "ca.key")
    if os.path.exists(cert_path) and os.path.exists(key_path):
        with open(cert_path, "rb") as cert, open(key_path, "rb") as key:
            return x509.load_pem_x509_certificate(cert.read()), serialization.load_pem_private_key(key.read(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "lhsec users"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "lhsec users root CA")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    write(key_path, key_pem(key), 0o600)
    write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert, key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--server", required=True)
    parser.add_argument("--dns", default="")
    parser.add_argument("--ip", default="")
    args = parser.parse_args()
    now = datetime.datetime.now(datetime.timezone.utc)
    os.makedirs(args.folder, 0o700, exist_ok=True)
    os.chmod(args.folder, 0o700)
    ca, ca_key = the_ca(args.folder, now)
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.DNSName(n) for n in args.dns.split(",") if n]
    sans += [x509.IPAddress(ipaddress.ip_address(a)) for a in args.ip.split(",") if a]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, args.server)]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    write(os.path.join(args.folder, args.server + ".key"), key_pem(key), 0o600)
    write(os.path.join(args.folder, args.server + ".crt"), cert.public_bytes(serialization.Encoding.PEM), 0o644)
    print("[pki] %s: a certificate of the user's CA for %s, sha256 %s" % (
        os.path.join(args.folder, args.server + ".crt"), ", ".join(str(s.value) for s in sans),
        cert.fingerprint(hashes.SHA256()).hex()))


if __name__ == "__main__":
    main()

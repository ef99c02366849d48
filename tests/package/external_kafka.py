# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stores of the package stage's external Kafka, made with `cryptography` as a user's would be:

  python external_kafka.py <folder> <broker address> <broker uid>

writes a CA, and
  <folder>/broker/   keystore.p12 (the broker's key and certificate, SAN <broker address> and localhost),
                     truststore.p12 (the CA: the broker checks the clients' certificates against it) and
                     server.properties (the SSL listener's store settings with their passwords): the test mounts it
                     in the broker's container, read by the image at start; owned by <broker uid>, 0600
  <folder>/client/   truststore.p12 (the CA) + truststore.password, keystore.p12 (a client key and certificate) +
                     keystore.password: what the inventory gives littlehorse_kafka_truststore_file,
                     littlehorse_kafka_keystore_file and their passwords; 0600
Each store has a random password of its own."""
import base64
import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(subject_key, common_name, issuer=None, issuer_key=None, ca=False, names=(), usage=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.subject if issuer else subject).public_key(subject_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=False)
    return builder.sign(issuer_key or subject_key, hashes.SHA256())


def password():
    return base64.urlsafe_b64encode(os.urandom(18)).decode("ascii")


def write(path, data, uid=None):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    if uid is not None:
        os.chown(path, uid, -1)


def keystore(name, private_key, cert, ca, secret):
    return pkcs12.serialize_key_and_certificates(name, private_key, cert, [ca],
                                                 serialization.BestAvailableEncryption(secret.encode("utf-8")))


def truststore(ca, secret):
    return pkcs12.serialize_java_truststore([pkcs12.PKCS12Certificate(ca, b"kafka-ca")],
                                            serialization.BestAvailableEncryption(secret.encode("utf-8")))


def main(folder, address, uid):
    uid = int(uid)
    ca_key = key()
    ca = certificate(ca_key, "lhpkg external Kafka CA", ca=True)
    broker_key, client_key = key(), key()
    broker = certificate(broker_key, "lhpkg-kafka-ext", ca, ca_key,
                         names=[x509.IPAddress(ipaddress.ip_address(address)), x509.DNSName("localhost")],
                         usage=[ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH])
    client = certificate(client_key, "lhpkg-servers", ca, ca_key, usage=[ExtendedKeyUsageOID.CLIENT_AUTH])
    for part in ("broker", "client"):
        os.makedirs(os.path.join(folder, part), 0o700, exist_ok=True)
    os.chown(os.path.join(folder, "broker"), uid, -1)
    broker_password = password()
    write(os.path.join(folder, "broker", "keystore.p12"), keystore(b"broker", broker_key, broker, ca, broker_password),
          uid)
    write(os.path.join(folder, "broker", "truststore.p12"), truststore(ca, broker_password), uid)
    write(os.path.join(folder, "broker", "server.properties"), "".join(
        "%s=%s\n" % item for item in (
            ("ssl.keystore.location", "/etc/kafka/secrets/keystore.p12"), ("ssl.keystore.type", "PKCS12"),
            ("ssl.keystore.password", broker_password), ("ssl.key.password", broker_password),
            ("ssl.truststore.location", "/etc/kafka/secrets/truststore.p12"), ("ssl.truststore.type", "PKCS12"),
            ("ssl.truststore.password", broker_password))), uid)
    for name, data in (("truststore", lambda secret: truststore(ca, secret)),
                       ("keystore", lambda secret: keystore(b"lhpkg-servers", client_key, client, ca, secret))):
        secret = password()
        write(os.path.join(folder, "client", name + ".p12"), data(secret))
        write(os.path.join(folder, "client", name + ".password"), secret + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])

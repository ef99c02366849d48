# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renew the CA that lh_pki made in PKI_DIR as an operator renews a CA: a new certificate for the same key and
name (new serial, validity from now), written over ca.crt. The next site.yml copies it to the hosts and rolls
every container that mounts it, one at a time.

    renew_ca.py PKI_DIR
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "build", "collections"))

from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki  # noqa: E402


def main(folder):
    folder = os.path.expanduser(folder)
    with open(os.path.join(folder, "ca.crt"), "rb") as handle:
        old = _pki.load_cert(handle.read())
    with open(os.path.join(folder, "ca.key"), "rb") as handle:
        key = _pki.load_key(handle.read())
    new, _key = _pki.create_ca(_pki.common_name_of(old), 3650, key=key)
    with open(os.path.join(folder, "ca.crt"), "wb") as handle:
        handle.write(_pki.cert_pem(new))
    print("[renew] CA %s renewed: serial %x -> %x, valid until %s"
          % (_pki.common_name_of(new), old.serial_number, new.serial_number, _pki.not_after(new).date()))


if __name__ == "__main__":
    main(sys.argv[1])

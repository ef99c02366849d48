# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the secure listeners refuse, with the LittleHorse Python client (the same one workers use).

Against one server: the TLS listener answers a client that trusts the cluster's CA and refuses a plaintext
client; the MTLS listener answers a client with the collection's client certificate (its principal is the
certificate's common name) and refuses a client without a certificate and one whose certificate another CA
signed (made here, in a temporary folder, with the collection's own X.509 functions). Prints one [verify]
line per check; exits 1 when a check fails."""
import argparse
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "build", "collections"))

import grpc  # noqa: E402
from google.protobuf.empty_pb2 import Empty  # noqa: E402
from littlehorse.config import LHConfig  # noqa: E402

from ansible_collections.littlehorse.cluster.plugins.module_utils import _pki  # noqa: E402

for name in list(os.environ):
    if name.startswith(("LHC_", "LHW_")):
        del os.environ[name]  # the client lets them override what it is given


def call(host, port, settings, principal=False):
    """(ok, what): Whoami (principal) or GetServerVersion through a client with these LHC_* settings."""
    config = LHConfig()
    config.load(dict(settings, LHC_API_HOST=host, LHC_API_PORT=str(port)))
    try:
        stub = config.stub()
        if principal:
            reply = stub.Whoami(Empty(), timeout=10)
            return True, "principal %s" % reply.id.id
        reply = stub.GetServerVersion(Empty(), timeout=10)
        return True, "server %d.%d.%d" % (reply.major_version, reply.minor_version, reply.patch_version)
    except grpc.RpcError as error:
        return False, "%s: %s" % (error.code().name, (error.details() or "").splitlines()[0][:120])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tls-port", type=int, required=True)
    parser.add_argument("--mtls-port", type=int, required=True)
    parser.add_argument("--pki", required=True, help="the folder of lh_pki on the controller")
    parser.add_argument("--client", required=True, help="the client certificate's name in it")
    args = parser.parse_args()
    ca = os.path.join(args.pki, "ca.crt")
    mine = {"LHC_API_PROTOCOL": "TLS", "LHC_CA_CERT": ca,
            "LHC_CLIENT_CERT": os.path.join(args.pki, args.client + ".crt"),
            "LHC_CLIENT_KEY": os.path.join(args.pki, args.client + ".key")}
    foreign_dir = tempfile.mkdtemp(prefix="lh-foreign-ca-")
    foreign = _pki.ensure(foreign_dir, [{"name": args.client, "common_name": args.client, "dns_names": [],
                                         "ip_addresses": [], "usages": ["client"]}], ca_common_name="another CA")
    theirs = dict(mine, LHC_CLIENT_CERT=foreign["certificates"][0]["cert"],
                  LHC_CLIENT_KEY=foreign["certificates"][0]["key"])
    checks = [
        ("TLS listener, client trusting the cluster's CA", args.tls_port, {"LHC_API_PROTOCOL": "TLS",
                                                                           "LHC_CA_CERT": ca}, True, False),
        ("TLS listener, plaintext client", args.tls_port, {"LHC_API_PROTOCOL": "PLAINTEXT"}, False, False),
        ("MTLS listener, the collection's client certificate", args.mtls_port, mine, True, True),
        ("MTLS listener, no client certificate", args.mtls_port, {"LHC_API_PROTOCOL": "TLS", "LHC_CA_CERT": ca},
         False, False),
        ("MTLS listener, a client certificate of another CA", args.mtls_port, theirs, False, False),
        ("MTLS listener, plaintext client", args.mtls_port, {"LHC_API_PROTOCOL": "PLAINTEXT"}, False, False),
    ]
    failed = 0
    for what, port, settings, expected, principal in checks:
        ok, detail = call(args.host, port, settings, principal)
        good = ok == expected
        failed += not good
        print("[verify] %s (%s:%d): %s - %s (%s)" % (what, args.host, port, "served" if ok else "refused",
                                                     "as expected" if good else "WRONG", detail))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the OAUTH listener serves and refuses, with the LittleHorse Python client (the same one workers use).

The client is set up as the collection documents it for a worker: the generated client file, then its separate
secret file, each loaded with LHConfig.load(). With them the listener serves the call and the principal is the
workers' OAuth client; without a token, with a garbage token and with a real token whose signature was altered it
refuses with UNAUTHENTICATED (the server asks the identity provider, which calls the last two inactive). Prints one
[verify] line per check; exits 1 when a check fails."""
import argparse
import os
import sys

import grpc
from google.protobuf.empty_pb2 import Empty
from littlehorse.client_interceptors import OAuthCredentialsProvider
from littlehorse.config import LHConfig
from littlehorse.model import LittleHorseStub

for name in list(os.environ):
    if name.startswith(("LHC_", "LHW_")):
        del os.environ[name]  # the client lets them override what it is given

OAUTH_KEYS = ("LHC_OAUTH_CLIENT_ID", "LHC_OAUTH_CLIENT_SECRET", "LHC_OAUTH_ACCESS_TOKEN_URL")


def whoami(config, token=None):
    """(ok, code name, what): Whoami through a client with this configuration; token: sent as the bearer token on a
    channel of its own (TLS with the configuration's CA)."""
    try:
        if token is None:
            stub = config.stub()
        else:
            with open(config.get("LHC_CA_CERT"), "rb") as handle:
                credentials = grpc.composite_channel_credentials(
                    grpc.ssl_channel_credentials(root_certificates=handle.read()),
                    grpc.access_token_call_credentials(token))
            stub = LittleHorseStub(grpc.secure_channel(config.bootstrap_server, credentials))
        reply = stub.Whoami(Empty(), timeout=20)
        return True, "OK", "principal %s" % reply.id.id
    except grpc.RpcError as error:
        return False, error.code().name, (error.details() or "").splitlines()[0][:120]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--client-file", required=True, help="the client file role client_config wrote for OAUTH")
    parser.add_argument("--secret-file", required=True, help="its OAuth client secret file")
    args = parser.parse_args()
    worker = LHConfig()
    worker.load(args.client_file)
    worker.load(args.secret_file)
    keys = ("LHC_API_HOST", "LHC_API_PORT", "LHC_API_PROTOCOL", "LHC_CA_CERT") + OAUTH_KEYS
    settings = dict((key, worker.get(key)) for key in keys)
    missing = [key for key, value in settings.items() if not value]
    if missing:
        print("[verify] the client files lack %s" % ", ".join(missing))
        return 1
    anonymous = LHConfig()
    anonymous.load(dict((key, value) for key, value in settings.items() if key not in OAUTH_KEYS))
    token = OAuthCredentialsProvider(client_id=settings["LHC_OAUTH_CLIENT_ID"],
                                     client_secret=settings["LHC_OAUTH_CLIENT_SECRET"],
                                     token_endpoint_url=settings["LHC_OAUTH_ACCESS_TOKEN_URL"]).access_token().token
    altered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    # A machine client's token is served as a principal of that id once one is made (PutPrincipal), else as the
    # anonymous principal: what counts here is that the call is served.
    checks = [
        ("the client file and its secret file (a token of %s)" % settings["LHC_OAUTH_CLIENT_ID"], worker, None, "OK"),
        ("no token", anonymous, None, "UNAUTHENTICATED"),
        ("a garbage token", anonymous, "not-a-token", "UNAUTHENTICATED"),
        ("a real token with an altered signature", anonymous, altered, "UNAUTHENTICATED"),
        ("the real token, sent by hand", anonymous, token, "OK"),
    ]
    where = "%s:%s" % (settings["LHC_API_HOST"], settings["LHC_API_PORT"])
    failed = 0
    for what, config, sent, expected in checks:
        ok, code, detail = whoami(config, sent)
        good = code == expected
        failed += not good
        print("[verify] OAUTH listener (%s), %s: %s - %s (%s)" % (where, what, "served" if ok else "refused " + code,
                                                                  "as expected" if good else "WRONG", detail))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

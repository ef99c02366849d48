# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dashboard's typed options -> its LHC_* / LHD_* environment."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import ContainerSpec, Mount, http_probe
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import check_advertised_host, check_port
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_kwargs

DASHBOARD_PORT = 3000
CERT_DIR = "/lh/config"
OAUTH_REQUIRED = ("oauth_client_id", "oauth_client_secret", "oauth_issuer_uri", "oauth_encrypt_secret",
                  "oauth_callback_url")
SECRET_VARIABLES = ("LHD_OAUTH_CLIENT_SECRET", "LHD_OAUTH_ENCRYPT_SECRET")
REQUIRED = ("image", "api_host")


def argument_spec():
    return dict(
        api_host=dict(type="str"),
        api_port=dict(type="int", default=2023),
        api_protocol=dict(type="str", default="PLAINTEXT", choices=["PLAINTEXT", "TLS"]),
        ca_cert_file=dict(type="path"),
        client_cert_file=dict(type="path"),
        client_key_file=dict(type="path"),
        oauth_enabled=dict(type="bool", default=False),
        oauth_client_id=dict(type="str"),
        oauth_client_secret=dict(type="str", no_log=True),
        oauth_issuer_uri=dict(type="str"),
        oauth_encrypt_secret=dict(type="str", no_log=True),
        oauth_callback_url=dict(type="str"),
    )


def validate(params):
    check_advertised_host("api_host", params["api_host"])
    check_port("api_port", params["api_port"])
    if bool(params["client_cert_file"]) != bool(params["client_key_file"]):
        raise LHClusterError("client_cert_file and client_key_file: give both (mTLS to the server) or neither")
    if params["api_protocol"] == "PLAINTEXT" and (params["ca_cert_file"] or params["client_cert_file"]):
        raise LHClusterError("api_protocol: certificates are given but the protocol is PLAINTEXT; set api_protocol: TLS")
    if params["oauth_enabled"]:
        missing = [option for option in OAUTH_REQUIRED if not params[option]]
        if missing:
            raise LHClusterError("oauth_enabled: OAuth needs %s" % ", ".join(missing))


def build_spec(params, check_mode=False):
    validate(params)
    env = {
        "LHC_API_HOST": params["api_host"],
        "LHC_API_PORT": str(params["api_port"]),
        "LHC_API_PROTOCOL": params["api_protocol"],
        "LHD_OAUTH_ENABLED": "true" if params["oauth_enabled"] else "false",
    }
    mounts = []
    for option, variable in (("ca_cert_file", "LHC_CA_CERT"), ("client_cert_file", "LHC_CLIENT_CERT"),
                             ("client_key_file", "LHC_CLIENT_KEY")):
        if params[option]:
            target = "%s/%s" % (CERT_DIR, option)
            mounts.append(Mount(target, host_path=params[option], read_only=True))
            env[variable] = target
    if params["oauth_enabled"]:
        for option in OAUTH_REQUIRED:
            env["LHD_" + option.upper()] = params[option]
    spec = ContainerSpec(env=env, mounts=mounts, secret_env=SECRET_VARIABLES,
                         health=http_probe(DASHBOARD_PORT, ("/",)), **container_kwargs(params))
    return spec, {}

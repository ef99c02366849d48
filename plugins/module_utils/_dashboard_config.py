# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dashboard's typed options -> its LHC_* / LHD_* environment, its mounted files and, with OAuth, the entrypoint
wrapper that hands it its two secrets from a mounted 0600 file instead of the container's environment."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.six.moves import shlex_quote
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    ContainerSpec, Mount, host_files_dir, http_probe, require_host_file, write_secret)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import check_advertised_host, check_port
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_kwargs

DASHBOARD_PORT = 3000
CERT_DIR = "/lh/config"
# The OAuth settings (option -> variable) that are no secret: in the container's environment.
OAUTH_SETTINGS = (("oauth_client_id", "LHD_OAUTH_CLIENT_ID"), ("oauth_issuer_uri", "LHD_OAUTH_ISSUER_URI"),
                  ("oauth_callback_url", "LHD_OAUTH_CALLBACK_URL"))
# The two secrets: the image reads them from its environment only, so they go into a 0600 file on the host,
# mounted read-only, that the entrypoint wrapper sources before it starts the image's own entrypoint.
OAUTH_SECRETS = (("oauth_client_secret", "LHD_OAUTH_CLIENT_SECRET"), ("oauth_encrypt_secret", "LHD_OAUTH_ENCRYPT_SECRET"))
OAUTH_REQUIRED = tuple(option for option, _variable in OAUTH_SETTINGS + OAUTH_SECRETS)
SECRETS_FILE = "oauth.env"
SECRETS_TARGET = "/lh/secrets/oauth.env"
# sh -c SCRIPT <the image's entrypoint and command>: $0 and "$@" are the image's own argv.
WRAPPER_SCRIPT = 'set -a && . %s && set +a && exec "$0" "$@"' % SECRETS_TARGET
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
        secrets_dir=dict(type="path"),
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
    elif any(params[option] for option in OAUTH_REQUIRED):
        raise LHClusterError("oauth_enabled is false but %s given; set oauth_enabled: true, or leave them out"
                             % ", ".join(option for option in OAUTH_REQUIRED if params[option]))


def secrets_file(params):
    return os.path.join(host_files_dir(params["secrets_dir"], params["name"]), SECRETS_FILE)


def secrets_content(params):
    """The file the wrapper sources: one shell-quoted NAME='value' line per secret."""
    return "".join("%s=%s\n" % (variable, shlex_quote(params[option])) for option, variable in OAUTH_SECRETS)


def wrap_entrypoint(entrypoint, command):
    """(entrypoint, command) that source the secrets file and exec the image's own entrypoint and command."""
    argv = list(entrypoint or []) + list(command or [])
    if not argv:
        raise LHClusterError("image: it has neither an ENTRYPOINT nor a CMD, so the dashboard's OAuth secrets cannot be "
                             "handed to its start command; use the official lh-dashboard image")
    return ["/bin/sh", "-c", WRAPPER_SCRIPT] + list(entrypoint or []), list(command or [])


def build_spec(params, check_mode=False):
    validate(params)
    env = {
        "LHC_API_HOST": params["api_host"],
        "LHC_API_PORT": str(params["api_port"]),
        "LHC_API_PROTOCOL": params["api_protocol"],
        "LHD_OAUTH_ENABLED": "true" if params["oauth_enabled"] else "false",
    }
    mounts, written = [], []
    for option, variable in (("ca_cert_file", "LHC_CA_CERT"), ("client_cert_file", "LHC_CLIENT_CERT"),
                             ("client_key_file", "LHC_CLIENT_KEY")):
        if params[option]:
            if not check_mode:
                require_host_file(option, params[option], params)
            target = "%s/%s" % (CERT_DIR, option)
            mounts.append(Mount(target, host_path=params[option], read_only=True))
            env[variable] = target
    wrapper = None
    if params["oauth_enabled"]:
        env.update((variable, params[option]) for option, variable in OAUTH_SETTINGS)
        path, content = secrets_file(params), secrets_content(params)
        if write_secret(path, content, check_mode):
            written.append(path)
        mounts.append(Mount(SECRETS_TARGET, host_path=path, read_only=True, content=content))
        wrapper = wrap_entrypoint
    spec = ContainerSpec(env=env, mounts=mounts, wrap_entrypoint=wrapper,
                         health=http_probe(DASHBOARD_PORT, ("/",)), **container_kwargs(params))
    return spec, {"files_written": written}

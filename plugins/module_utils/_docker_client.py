# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connect to the Docker engine, with a clear message when the SDK or the engine is missing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import socket
import traceback

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

try:
    import docker
    import docker.errors
    DOCKER_IMPORT_ERROR = None
except ImportError:
    docker = None
    DOCKER_IMPORT_ERROR = traceback.format_exc()

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"


def sdk_version():
    """The Docker SDK's version here, or None when it is not installed."""
    return getattr(docker, "__version__", None) if docker is not None else None


def docker_host_default():
    return os.environ.get("DOCKER_HOST", DEFAULT_DOCKER_HOST)


def connect(docker_host=None, timeout=60):
    """Return a docker.DockerClient that answered a ping, or raise LHClusterError."""
    if docker is None:
        raise LHClusterError(
            "The Docker SDK for Python is not installed for %s on %s. Install it on the managed "
            "host: 'python3 -m pip install docker' (or Debian's python3-docker)."
            % (_python(), socket.gethostname()))
    url = docker_host or docker_host_default()
    try:
        client = docker.DockerClient(base_url=url, timeout=timeout)
        client.ping()
    except Exception as err:  # the SDK raises several types for "no engine here"
        raise LHClusterError(
            "The Docker engine at %s on %s does not answer (%s). Start it (dockerd, or the host's service "
            "manager), or point littlehorse_docker_host (the modules' docker_host, else DOCKER_HOST) at the "
            "engine's address."
            % (url, socket.gethostname(), err))
    return client


def on_engine(module, host, work, docker_host=None, timeout=60, **on_failure):
    """work(client) on the engine at docker_host, its result returned; an engine that does not answer, or an error of
    the SDK while work reads it, fails the module with a problem of kind 'engine' that names the host (the module's
    `on_failure` results beside it)."""
    try:
        client = connect(docker_host, timeout=timeout)
    except LHClusterError as err:
        message = "host %s: %s" % (host, err)
        module.fail_json(msg=message, problems=[{"kind": "engine", "msg": message}], **on_failure)
    try:
        return work(client)
    except Exception as err:  # the SDK's errors while reading the engine: name the host
        message = "host %s: reading the Docker engine failed (%s)" % (host, err)
        module.fail_json(msg=message, problems=[{"kind": "engine", "msg": message}], **on_failure)


def is_not_found(err):
    return docker is not None and isinstance(err, docker.errors.NotFound)


def _python():
    import sys
    return sys.executable or "python"

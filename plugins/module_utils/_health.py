# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the LittleHorse health service (/liveness, /readiness, /status) of servers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import http_get


def server_health(host, port, timeout=3):
    base = "http://%s:%d" % (host, port)
    liveness = http_get(base + "/liveness", timeout)[0]
    readiness = http_get(base + "/readiness", timeout)[0]
    status_code, body = http_get(base + "/status", timeout)
    status = None
    if status_code == 200:
        try:
            status = json.loads(body)
        except ValueError:
            status = None
    if readiness == 404:  # releases before 0.15 have no /readiness
        readiness = liveness
    return {
        "host": host, "health_port": port, "reachable": liveness is not None,
        "liveness": liveness, "readiness": readiness, "ready": readiness == 200, "status": status,
        "restorations": _restorations(status),
    }


def _restorations(status):
    if not isinstance(status, dict):
        return None
    count = 0
    for key, value in status.items():
        if "restor" in key.lower() and isinstance(value, list):
            count += len(value)
    return count

# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of names, ports and hosts that the product models share."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

LISTENER_NAME = re.compile(r"^[A-Z0-9_]+$")
HOST_NAME = re.compile(r"^[A-Za-z0-9.-]+$")


def check_port(option, value):
    if value is None:
        return
    if not isinstance(value, int) or not 1 <= value <= 65535:
        raise LHClusterError("%s: %r is not a port number (1-65535)" % (option, value))


def check_listener_name(option, name):
    if not name or not LISTENER_NAME.match(name):
        raise LHClusterError("%s: listener name '%s' may only hold upper-case letters, digits and '_' "
                             "(it becomes part of variable names); e.g. PLAIN or INTERNAL_TLS" % (option, name))


def check_advertised_host(option, host):
    if host is None:
        return
    if ":" in host:
        raise LHClusterError("%s: '%s' looks like an IPv6 literal or host:port; give a host name or IPv4 "
                             "address (the port goes in the port option)" % (option, host))
    if "_" in host:
        raise LHClusterError("%s: '%s' contains '_', which is not allowed in an advertised host; "
                             "use '-' instead" % (option, host))
    if not HOST_NAME.match(host):
        raise LHClusterError("%s: '%s' is not a valid host name or IPv4 address" % (option, host))


def check_no_port_clash(container, ports):
    """ports: list of (option, port) that bind inside one container."""
    seen = {}
    for option, port in ports:
        if port is None:
            continue
        if port in seen:
            raise LHClusterError("%s: port %d is already used by %s in container %s; give each listener its "
                                 "own port" % (option, port, seen[port], container))
        seen[port] = option


def check_unique_names(option, names):
    seen = set()
    for name in names:
        if name in seen:
            raise LHClusterError("%s: listener name '%s' appears twice; names must be unique" % (option, name))
        seen.add(name)
